# Compressing and decompressing in place (create, write, unlink).
cp /fixture/big /tmp/b
gzip /tmp/b; ls /tmp
gunzip /tmp/b.gz; ls /tmp
cmp /tmp/b /fixture/big && echo same
