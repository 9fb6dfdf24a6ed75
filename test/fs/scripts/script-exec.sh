# Making a script executable and running it.
cat > /tmp/s.sh <<'S'
#!/bin/sh
echo "script $1"
exit 3
S
/tmp/s.sh a 2>&1; echo $?
chmod +x /tmp/s.sh
/tmp/s.sh b; echo $?
cp /tmp/s.sh /fixture/s.sh; /fixture/s.sh c; echo $?
