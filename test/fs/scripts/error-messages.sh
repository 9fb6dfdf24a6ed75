# Error messages programs print for failing file calls.
cat /tmp 2>&1
cat /nope 2>&1
mkdir /tmp 2>&1
rmdir /fixture 2>&1
rm /tmp 2>&1
echo x > /tmp/f; ls /tmp/f/ 2>&1
cd /tmp/f 2>&1
echo > /nodir/f 2>&1
touch /proc/newfile 2>&1
mkdir /proc/x 2>&1
