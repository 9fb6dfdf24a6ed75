# /dev/null swallows writes and reads as empty.
echo gone > /dev/null; echo $?
cat /dev/null | wc -c
wc -c < /dev/null
ls /nonexistent 2>/dev/null || echo failed-quietly
cp /dev/null /tmp/empty; wc -c < /tmp/empty
