# /tmp is a fresh, empty, world-writable sticky directory.
ls -a /tmp
stat -c %a /tmp
stat -f -c %T /tmp
f=$(mktemp); [ -f "$f" ] && echo made
echo hi > "$f"; cat "$f"; rm "$f"
d=$(mktemp -d); [ -d "$d" ] && echo dir; rmdir "$d"
ls -a /tmp
