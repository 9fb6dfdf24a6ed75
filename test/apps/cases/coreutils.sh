# coreutils and friends on a tree in /tmp: ls with user names, sort -k, date
# with TZ, find -exec, xargs -P, tar (gzip and xz), gzip, sha256sum of 100 MiB,
# grep -r, sed -i, awk.
set -e
cd /tmp
mkdir -p tree/a/b tree/c
for i in 1 2 3 4 5; do printf 'line %d of file %d\nsecond %d\n' "$i" "$i" "$((i * 7))" > "tree/a/f$i.txt"; done
printf 'zeta 3\nalpha 10\nbeta 2\ngamma 10\n' > tree/c/data
ln -s ../c/data tree/a/b/link
ls -l --time-style=+ /etc/passwd | awk '{print $1, $3, $4}'
ls -lR --time-style=+ tree | awk 'NF > 2 {print $1, $2, $3, $4, $NF} NF <= 2 {print}'
sort -k2,2n -k1,1 tree/c/data
sort -t' ' -k2 -r tree/c/data | head -2
TZ=UTC date -d '2024-02-29 13:45:00' '+%A %d %B %Y %H:%M %Z'
TZ=Asia/Tokyo date -d '@86400' '+%F %T %Z'
TZ=America/New_York date -d '2024-07-04 12:00 UTC' '+%F %T %Z'
find tree -type f -name '*.txt' -exec wc -l {} + | sort
find tree -type l -print | sort
printf '%s\n' 1 2 3 4 5 6 7 8 | xargs -P 4 -I{} sh -c 'echo item {}' | sort
tar czf t.tgz tree && tar tzf t.tgz | sort
tar cJf t.txz tree && mkdir x && tar xJf t.txz -C x && diff -r tree x/tree && echo "xz round trip ok"
gzip -9 -c tree/c/data > d.gz && gzip -dc d.gz | md5sum
head -c 104857600 /dev/zero | tr '\0' 'q' > big
sha256sum big
grep -rn 'second 2' tree | sort
grep -rlc line tree | sort
sed -i 's/line \([0-9]\)/LINE-\1/' tree/a/f1.txt tree/a/f2.txt
cat tree/a/f1.txt tree/a/f2.txt
awk '{ s[$2] += length($1) } END { for (k in s) print k, s[k] }' tree/c/data | sort
awk -F'\n' 'BEGIN { RS = "" } { print NR ": " $1 }' tree/a/f3.txt
wc -c big | awk '{print $1}'
rm -rf tree x big t.tgz t.txz d.gz
