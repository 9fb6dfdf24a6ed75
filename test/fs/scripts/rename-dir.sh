# mv of directories: into another, over an empty one, not over a full one.
cd /tmp
mkdir -p x/in y z; echo f > x/in/file
mv x y/; ls -R y
mv y/x z2; ls z2/in
mkdir full; echo q > full/q
mv z2 full 2>/dev/null; ls full
mv z full; ls
