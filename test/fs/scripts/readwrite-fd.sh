# <> opens for reading and writing without truncating.
printf 'abcdef' > /tmp/f
exec 5<>/tmp/f
printf 'XY' >&5
cat /tmp/f; echo
exec 5>&-
