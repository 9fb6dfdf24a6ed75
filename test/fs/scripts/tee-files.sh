# tee into several files, appending too.
echo line | tee /tmp/a /tmp/b > /dev/null
echo more | tee -a /tmp/a
cat /tmp/a /tmp/b
