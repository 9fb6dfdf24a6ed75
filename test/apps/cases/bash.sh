# bash: arrays, associative arrays, functions, process substitution, read,
# traps, arithmetic, here-strings, string operations (job control off).
set -u
declare -a fruits=(apple banana cherry)
declare -A color=([apple]=red [banana]=yellow)
fruits+=(date)
echo "count ${#fruits[@]}: ${fruits[*]}; last ${fruits[-1]}"
for k in $(printf '%s\n' "${!color[@]}" | sort); do echo "$k is ${color[$k]}"; done
greet() { local who=$1; shift; echo "hello $who ($# more)"; return 3; }
greet world a b || echo "status $?"
total=0
while read -r n; do total=$((total + n)); done < <(seq 1 100)
echo "sum $total"
read -r a b c <<< "one two three four"
echo "a=$a b=$b c=$c"
s="Hello, Sandbox"
echo "${s,,} ${s^^} ${s/Sandbox/World} ${#s} ${s:7:3}"
trap 'echo "trapped USR1"' USR1
kill -USR1 $$
trap 'echo "exit trap"' EXIT
mapfile -t lines < <(printf 'x\ny\nz\n')
echo "mapfile ${#lines[@]} ${lines[1]}"
diff <(printf '1\n2\n3\n') <(printf '1\n3\n') || echo "diff status $?"
(exit 7); echo "subshell $?"
f=$(mktemp); echo data > "$f"; cat "$f"; rm "$f"
printf '%05d|%-4s|%x\n' 42 ab 255
case "$s" in *Sand*) echo matched ;; *) echo no ;; esac
