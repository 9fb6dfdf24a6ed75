# mv of files: same dir, other dir, over an existing file.
cd /tmp
echo A > a; echo B > b; mkdir d
mv a c; ls; cat c
mv c d/; ls d
mv b d/c; ls; cat d/c
mv d/c d/c; echo same $?
mv nothere x 2>&1; echo $?
