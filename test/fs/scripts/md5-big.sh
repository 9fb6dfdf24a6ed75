# A 70 kB file of the root, read and copied.
md5sum /fixture/big
cp /fixture/big /tmp/big; md5sum /tmp/big | cut -d' ' -f1
cat /fixture/big /fixture/big > /tmp/double; stat -c %s /tmp/double
md5sum < /tmp/double
echo tail >> /fixture/big; md5sum /fixture/big
