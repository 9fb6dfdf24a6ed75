# mknod of FIFOs (device nodes need CAP_MKNOD, which the sandbox never has: not compared).
mknod /tmp/p p; stat -c %F /tmp/p
mknod /tmp/q p; [ -p /tmp/q ] && echo fifo
ls /tmp
rm /tmp/p; ls /tmp
