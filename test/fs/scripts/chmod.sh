# Permission bits.
cd /tmp
echo x > f
chmod 600 f; stat -c %a f
chmod u+x,g+r f; stat -c %a f
chmod 4755 f; stat -c %a f
chmod 0 f; stat -c %a f; cat f
mkdir d; chmod 1777 d; stat -c %a d
chmod 644 /fixture/dir/a; stat -c %a /fixture/dir/a
chmod 600 /fixture/dir; stat -c %a /fixture/dir
