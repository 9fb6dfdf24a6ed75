# A directory cannot move into itself.
cd /tmp
mkdir -p a/b
mv a a/b/c 2>&1 | sed 's/^mv: //'; echo ok
ls -R a
