# Removing a whole tree of the root directory, then making it again (opaque).
rm -rf /fixture/dir
ls /fixture
ls /fixture/dir 2>&1; echo $?
mkdir /fixture/dir
ls -a /fixture/dir
echo new > /fixture/dir/sub; cat /fixture/dir/sub
