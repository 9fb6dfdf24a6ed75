# Trailing slashes name directories only.
cd /tmp
echo x > f; mkdir d
ls -d d/; cat f/ 2>&1
mkdir e/; ls -d e
rmdir e/; ls
mv d/ d2/; ls
ln -s d2 sl; ls -d sl/; rm sl
