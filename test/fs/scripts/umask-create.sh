# umask shapes new files and directories.
umask 077; touch /tmp/a; mkdir /tmp/b; stat -c %a /tmp/a /tmp/b
umask 022; touch /tmp/c; mkdir /tmp/d; stat -c %a /tmp/c /tmp/d
umask 000; echo > /tmp/e; stat -c %a /tmp/e
mkdir -m 700 /tmp/f; stat -c %a /tmp/f
