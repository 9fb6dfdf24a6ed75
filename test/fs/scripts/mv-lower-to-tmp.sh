# Moving root files to /tmp crosses a mount: mv copies.
mv /fixture/dir/a /tmp/a; cat /tmp/a
ls /fixture/dir
mv /fixture/dir /tmp/dir; ls /tmp/dir; ls /fixture
cat /tmp/dir/sub/x
