# /proc/self as a shell uses it.
cd /fixture; readlink /proc/self/cwd
cd /tmp; readlink /proc/self/cwd
readlink /proc/self/exe
[ -e /proc/self/fd/0 ] && echo fd0
readlink /proc/self/fd/1 >/dev/null && echo fd1
exec 7</fixture/passwd; readlink /proc/$$/fd/7
cat /proc/self/fd/7 | head -1
