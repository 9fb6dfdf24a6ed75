# Create, write, append, read back.
echo first > /tmp/f
echo second >> /tmp/f
printf 'no newline' >> /tmp/f
cat /tmp/f; echo
wc -c < /tmp/f
: > /tmp/f; wc -c < /tmp/f
