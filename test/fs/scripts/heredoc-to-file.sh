# Here-documents into files, with and without expansion.
n=3
cat <<EOF2 > /tmp/h
value $n
sum $((n * 2))
EOF2
cat <<'Q' >> /tmp/h
not $expanded
Q
cat /tmp/h
while read a b; do echo "[$a] [$b]"; done < /tmp/h
