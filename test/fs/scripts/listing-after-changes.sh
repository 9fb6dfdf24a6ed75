# Directory listings after mixed changes.
cd /fixture/dir
touch new1; rm b; mkdir nd; mv c c2; ln -s a l2
ls -a
ls -a sub
rm -r sub; mkdir sub; ls -a sub
ls
