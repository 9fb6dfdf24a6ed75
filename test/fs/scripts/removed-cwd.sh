# The working directory removed under the shell.
mkdir -p /tmp/gone/sub; cd /tmp/gone/sub
rmdir /tmp/gone/sub
/bin/pwd 2>&1; echo $?
ls 2>&1; echo $?
touch x 2>&1; echo $?
cd /tmp; pwd
