# Overwriting and appending to files of the root directory.
cat /fixture/dir/b
echo replaced > /fixture/dir/b; cat /fixture/dir/b
echo appended >> /fixture/dir/a; cat /fixture/dir/a
stat -c %s /fixture/dir/a /fixture/dir/b
cat /fixture/dir/hard
tail -c 20 /fixture/passwd >> /tmp/x; cat /tmp/x
