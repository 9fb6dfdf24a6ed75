# Directories: make, nest, remove; errors.
cd /tmp
mkdir a; mkdir -p a/b/c; ls -R a
mkdir a 2>&1; echo $?
rmdir a 2>&1; echo $?
rmdir a/b/c a/b a; echo $?
ls
rmdir nothere 2>&1; echo $?
