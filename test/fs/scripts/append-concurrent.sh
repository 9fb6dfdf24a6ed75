# Several processes appending to one file.
for i in 1 2 3 4; do (for j in 1 2 3; do echo $i$j >> /tmp/log; done) & done; wait
sort /tmp/log | tr '\n' ' '; echo
wc -l < /tmp/log
