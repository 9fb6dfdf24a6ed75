# Walking through directory symlinks and ..
ln -s /fixture/dir /tmp/l
ls /tmp/l
cd /tmp/l; pwd; pwd -P
cd ..; pwd
cd /tmp/l/sub/..; pwd -P
cat /tmp/l/sub/../a
