# Many small files in one directory.
mkdir /tmp/m; cd /tmp/m
for i in $(seq 1 200); do echo $i > f$i; done
ls | wc -l
cat f1 f100 f200
sum=0; for f in *; do read n < $f; sum=$((sum + n)); done; echo $sum
rm f1*; ls | wc -l
cd /; rm -r /tmp/m; ls /tmp
