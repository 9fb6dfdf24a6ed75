# Times: touch -t sets mtime; a write moves it.
cd /tmp
touch -t 202001020304.05 f; stat -c %Y f
touch -d '2021-06-07 08:09:10' g; stat -c %Y g
stat -c %Y /fixture/dir/a
touch -t 202201010000 /fixture/dir/a; stat -c %Y /fixture/dir/a
echo x > f; [ $(stat -c %Y f) -gt 1600000000 ] && echo moved
touch -c nofile; [ -e nofile ] || echo not-created
