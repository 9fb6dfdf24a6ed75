# Hard links share data and count links.
cd /tmp
echo data > a
ln a b
stat -c '%h %s' a b
echo more >> b; cat a
rm a; stat -c %h b; cat b
ln b c; ln c d; stat -c %h b
[ b -ef d ] && echo same-inode
ln /tmp /tmp/dirlink 2>&1; echo $?
