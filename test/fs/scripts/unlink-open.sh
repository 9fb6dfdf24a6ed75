# A removed file stays readable through an open fd.
echo still here > /tmp/f
exec 3</tmp/f
rm /tmp/f
[ -e /tmp/f ] || echo gone
cat <&3
exec 3<&-
