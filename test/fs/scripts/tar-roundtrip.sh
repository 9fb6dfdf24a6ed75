# tar a tree out and back in.
cd /fixture
tar cf /tmp/t.tar dir
mkdir /tmp/x; cd /tmp/x; tar xf /tmp/t.tar
find . | sort
cat dir/sub/x; readlink dir/link
