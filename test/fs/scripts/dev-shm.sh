# /dev/shm is writable shared memory.
echo shared > /dev/shm/x
cat /dev/shm/x
ls /dev/shm
stat -c %a /dev/shm
rm /dev/shm/x; ls /dev/shm | wc -l
