# Creating a file through a dangling symlink makes its target.
cd /tmp
ln -s made rel; echo one > rel; cat made
ln -s /tmp/sub/abs abs; echo two > abs 2>&1; echo $?
mkdir sub; echo three > abs; cat /tmp/sub/abs
ln -s chain1 c0; ln -s chain2 chain1; echo four > c0; cat chain2
ln -s loopb loopa; ln -s loopa loopb; echo x > loopa 2>&1; echo $?
set -C; ln -s nothere noclob; echo five > noclob 2>&1; echo $?; ls
