# Redirections to and from files through numbered fds.
exec 3>/tmp/out
echo one >&3
echo two >&3
exec 3>&-
exec 4</tmp/out
read x <&4; read y <&4
echo "$y $x"
exec 4<&-
{ echo to-stdout; echo to-stderr >&2; } >/tmp/o1 2>/tmp/o2
cat /tmp/o1 /tmp/o2
ls /nonexistent 2>>/tmp/o2; cat /tmp/o2
