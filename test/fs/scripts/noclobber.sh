# set -C refuses to overwrite; >| forces.
echo one > /tmp/f
set -C
echo two > /tmp/f 2>/dev/null || echo refused
cat /tmp/f
echo three >| /tmp/f; cat /tmp/f
echo new > /tmp/g; cat /tmp/g
