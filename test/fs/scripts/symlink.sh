# Symlinks: relative, absolute, dangling, to directories.
cd /tmp
echo target > t
ln -s t rel; ln -s /tmp/t abs; ln -s missing dangling
for l in rel abs dangling; do readlink $l; done
cat rel abs
cat dangling 2>&1; echo $?
mkdir dir; ln -s dir dl; echo in > dl/file; cat dir/file
[ -L rel ] && echo is-link
rm rel; [ -e t ] && echo target-kept
ln -s /fixture/dir/a lower; cat lower
