# Pipelines writing files and reading them back.
seq 1 1000 | grep 7 > /tmp/sevens
wc -l < /tmp/sevens
sort -r /tmp/sevens | head -3 > /tmp/top; cat /tmp/top
cat /tmp/sevens | tr 7 X | tail -2
