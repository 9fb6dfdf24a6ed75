# sed -i writes a new file and renames it over the old one.
sed -i s/alpha/ALPHA/ /fixture/dir/a; cat /fixture/dir/a
sed -i '1d' /fixture/passwd; head -1 /fixture/passwd
printf 'a\nb\nc\n' > /tmp/t; sed -i '2s/b/B/' /tmp/t; cat /tmp/t
ls /fixture/dir
