# File-system types as stat -f shows them.
stat -f -c %T /tmp
stat -f -c %T /dev/shm
stat -f -c %T /proc
