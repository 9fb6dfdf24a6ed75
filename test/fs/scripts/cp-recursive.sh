# Copying a tree and comparing.
cp -r /fixture/dir /tmp/copy
ls /tmp/copy
diff -r /fixture/dir /tmp/copy && echo same
echo change > /tmp/copy/a
diff /fixture/dir/a /tmp/copy/a > /dev/null; echo differs $?
cp -a /fixture/dir/sub /tmp/sub; ls /tmp/sub
