# find over the root and over changes.
find /fixture | sort
mkdir /fixture/new; touch /fixture/new/f; rm /fixture/dir/b
find /fixture -type f | sort
find /fixture -type l | sort
find /fixture -name 'x*'
