# cd and .. through created directories.
mkdir -p /tmp/a/b/c
cd /tmp/a/b/c; pwd
cd ../..; pwd
cd b/../b/./c; pwd
cd /; cd ..; pwd
cd /tmp/a; rm -r /tmp/a/b; cd b 2>&1; pwd
