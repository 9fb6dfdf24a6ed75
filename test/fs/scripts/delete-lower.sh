# Deleting files of the root directory.
rm /fixture/dir/a
ls /fixture/dir
cat /fixture/dir/a 2>&1; echo $?
cat /fixture/dir/hard
rm /fixture/dir/link; ls /fixture/dir
echo back > /fixture/dir/a; cat /fixture/dir/a
ls /fixture/dir
