# Ownership changes (as root).
cd /tmp
echo x > f
chown 1:2 f; stat -c '%u %g' f
chown :3 f; stat -c '%u %g' f
chmod 6755 f; chown 0 f; stat -c '%a %u' f
chown 5:5 /fixture/dir/b; stat -c '%u %g' /fixture/dir/b
ln -s f l; chown -h 7:7 l; stat -c '%u %g' l f
