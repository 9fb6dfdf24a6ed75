# Writing to /dev/full fails with ENOSPC.
echo x > /dev/full; echo status $?
head -c 3 /dev/full | od -An -tx1
