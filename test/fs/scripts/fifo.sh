# Named pipes between processes.
mkfifo /tmp/p
stat -c %F /tmp/p
(echo through the fifo > /tmp/p) &
cat /tmp/p
wait
(sleep 0.1; echo late > /tmp/p) &
read x < /tmp/p; echo "$x"
wait
rm /tmp/p; ls /tmp
