# /dev/zero gives zeros.
head -c 100 /dev/zero | wc -c
dd if=/dev/zero of=/tmp/z bs=1024 count=4 2>/dev/null
stat -c %s /tmp/z
od -An -tx1 -N8 /dev/zero
tr '\0' x < /tmp/z | head -c 10; echo
