# dd with offsets, and writes in the middle of a file.
dd if=/fixture/big of=/tmp/part bs=1000 skip=3 count=5 2>/dev/null
md5sum < /tmp/part
printf 'XYZ' | dd of=/tmp/part bs=1 seek=10 conv=notrunc 2>/dev/null
head -c 16 /tmp/part | od -An -tx1
dd if=/dev/zero of=/tmp/sparse bs=1 count=1 seek=100000 2>/dev/null; stat -c %s /tmp/sparse
