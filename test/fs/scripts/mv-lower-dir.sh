# Renaming a directory of the root keeps its contents.
mv /fixture/dir /fixture/moved
ls /fixture
ls /fixture/moved /fixture/moved/sub
cat /fixture/moved/a /fixture/moved/sub/x
readlink /fixture/moved/link
mv /fixture/moved/sub /fixture/sub2; ls /fixture/sub2
mv /fixture/moved /fixture/dir; ls /fixture/dir
