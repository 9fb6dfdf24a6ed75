# Truncation: grow, shrink, to zero, of root files too.
cd /tmp
echo 0123456789 > f
truncate -s 4 f; cat f; echo
truncate -s 8 f; od -An -c f
truncate -s 0 f; stat -c %s f
truncate -s 100 /fixture/dir/b; stat -c %s /fixture/dir/b
head -c 12 /fixture/dir/b; echo
: > /fixture/big; stat -c %s /fixture/big
