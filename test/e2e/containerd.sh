#!/usr/bin/env bash
# End-to-end: containerd runs containers with tsvisor as its runc binary.
#
# Installs containerd from Debian if it is missing (as root), starts a private
# containerd (its own root, state and socket under a temp dir), builds a busybox
# image locally (busybox-static in a hand-made OCI image layout: no network),
# imports it with `ctr images import`, then through the runc shim with
# --runc-binary bin/tsvisor: `ctr run --rm` (output and exit code), a
# long-running container with `ctr task exec`, `ctr task ps`, pause/resume and
# `ctr task kill`, a terminal session (`ctr run -t` under script(1)), and delete.
# Stops the daemon and removes everything it made.
#
# Exit status: 0 passed, 1 failed, 77 skipped (the reason on the line
# "SKIP: ..."). TSVISOR_E2E_TRACE=1 logs every runtime invocation (argv) the
# shim makes to $TMP/invocations.log and prints it at the end.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
TSVISOR="$REPO/bin/tsvisor"
IMAGE=docker.io/tsvisor/busybox-e2e:latest
NS=tsvisor-e2e

skip() { echo "SKIP: $*"; exit 77; }
say() { echo "--- $*"; }
failures=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}

[ "$(id -u)" = 0 ] || skip "containerd needs root (uid $(id -u))"
[ -e /dev/kvm ] || [ -n "${TSVISOR_E2E_PLATFORM:-}" ] || skip "no /dev/kvm and no TSVISOR_E2E_PLATFORM"
if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
  say "installing containerd (apt-get)"
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q containerd) >/dev/null 2>&1 \
    || skip "containerd is not installed and apt-get could not install it"
fi
BUSYBOX=${BUSYBOX:-/bin/busybox}
if ! [ -x "$BUSYBOX" ] || file -L "$BUSYBOX" 2>/dev/null | grep -q dynamic; then
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static) >/dev/null 2>&1 || skip "busybox-static is missing"
fi
command -v python3 >/dev/null || skip "python3 is missing (builds the image layout)"

TMP=$(mktemp -d /tmp/tsvisor-e2e.XXXXXX)
SOCK=$TMP/containerd.sock
DAEMON_PID=
cleanup() {
  for c in $(ctr -a "$SOCK" -n $NS tasks ls -q 2>/dev/null); do ctr -a "$SOCK" -n $NS tasks kill -s SIGKILL "$c" >/dev/null 2>&1; done
  sleep 0.5
  for c in $(ctr -a "$SOCK" -n $NS containers ls -q 2>/dev/null); do
    ctr -a "$SOCK" -n $NS tasks delete -f "$c" >/dev/null 2>&1
    ctr -a "$SOCK" -n $NS containers delete "$c" >/dev/null 2>&1
  done
  if [ -n "$DAEMON_PID" ]; then
    kill "$DAEMON_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$DAEMON_PID" 2>/dev/null
  fi
  # Shims that outlived the daemon, then any mount left under the temp dir.
  for p in $(pgrep -f "containerd-shim-runc-v2 -namespace $NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  grep " $TMP" /proc/self/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  if [ "${TSVISOR_E2E_TRACE:-}" = 1 ] && [ -f "$TMP/invocations.log" ]; then echo "--- runtime invocations"; cat "$TMP/invocations.log"; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

RUNC_BINARY=$TSVISOR
if [ -n "${TSVISOR_E2E_PLATFORM:-}" ] || [ "${TSVISOR_E2E_TRACE:-}" = 1 ]; then
  RUNC_BINARY=$TMP/tsvisor-runc
  cat > "$RUNC_BINARY" <<WRAP
#!/bin/sh
"$TSVISOR" ${TSVISOR_E2E_PLATFORM:+--platform=$TSVISOR_E2E_PLATFORM} "\$@"
rc=\$?
echo "[\$rc] \$*" >> "$TMP/invocations.log"
exit \$rc
WRAP
  chmod +x "$RUNC_BINARY"
fi

# --- the daemon -------------------------------------------------------------
cat > "$TMP/config.toml" <<EOF2
version = 2
root = "$TMP/root"
state = "$TMP/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = "$SOCK.debug"
EOF2
say "starting a private containerd in $TMP"
containerd --config "$TMP/config.toml" > "$TMP/containerd.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 100); do [ -S "$SOCK" ] && ctr -a "$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
ctr -a "$SOCK" version >/dev/null 2>&1 || { tail -20 "$TMP/containerd.log"; skip "containerd did not start"; }
# overlayfs when the host allows it (not inside an overlay of its own), else native copies.
SNAP=overlayfs
mkdir -p "$TMP/ovl/l" "$TMP/ovl/u" "$TMP/ovl/w" "$TMP/ovl/m"
if ! mount -t overlay overlay -o "lowerdir=$TMP/ovl/l,upperdir=$TMP/ovl/u,workdir=$TMP/ovl/w" "$TMP/ovl/m" 2>/dev/null; then SNAP=native; else umount "$TMP/ovl/m"; fi
CTR=(ctr -a "$SOCK" -n $NS)

# --- a busybox image, made here -------------------------------------------------
say "building $IMAGE (busybox-static in an OCI image layout)"
mkdir -p "$TMP/rootfs/bin" "$TMP/rootfs/tmp" "$TMP/rootfs/etc"
cp "$BUSYBOX" "$TMP/rootfs/bin/busybox"
for a in $("$BUSYBOX" --list); do [ "$a" = busybox ] || ln -sf busybox "$TMP/rootfs/bin/$a"; done
echo "root:x:0:0:root:/:/bin/sh" > "$TMP/rootfs/etc/passwd"
echo "root:x:0:" > "$TMP/rootfs/etc/group"
python3 - "$TMP" "$IMAGE" <<'PY'
import hashlib, json, os, sys, tarfile
tmp, image = sys.argv[1], sys.argv[2]
lay = os.path.join(tmp, 'layout'); blobs = os.path.join(lay, 'blobs', 'sha256')
os.makedirs(blobs)
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, d), 'wb').write(data)
    return {'digest': 'sha256:' + d, 'size': len(data)}
layer_path = os.path.join(tmp, 'layer.tar')
with tarfile.open(layer_path, 'w', format=tarfile.PAX_FORMAT) as t:
    root = os.path.join(tmp, 'rootfs')
    for name in sorted(os.listdir(root)):
        t.add(os.path.join(root, name), arcname=name)
layer = blob(open(layer_path, 'rb').read())
config = blob(json.dumps({'architecture': 'amd64', 'os': 'linux',
    'config': {'Env': ['PATH=/bin'], 'Cmd': ['sh'], 'WorkingDir': '/'},
    'rootfs': {'type': 'layers', 'diff_ids': [layer['digest']]}}).encode())
manifest = blob(json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.oci.image.manifest.v1+json',
    'config': dict(config, mediaType='application/vnd.oci.image.config.v1+json'),
    'layers': [dict(layer, mediaType='application/vnd.oci.image.layer.v1.tar')]}).encode())
json.dump({'schemaVersion': 2, 'manifests': [dict(manifest, mediaType='application/vnd.oci.image.manifest.v1+json',
    annotations={'io.containerd.image.name': image, 'org.opencontainers.image.ref.name': image.rsplit(':', 1)[1]})]},
    open(os.path.join(lay, 'index.json'), 'w'))
json.dump({'imageLayoutVersion': '1.0.0'}, open(os.path.join(lay, 'oci-layout'), 'w'))
PY
tar -C "$TMP/layout" -cf "$TMP/image.tar" oci-layout index.json blobs
"${CTR[@]}" images import --snapshotter $SNAP "$TMP/image.tar" >/dev/null || { tail -5 "$TMP/containerd.log"; echo "FAIL ctr images import"; exit 1; }
check "image imported" "$IMAGE" "$("${CTR[@]}" images ls -q | grep -x "$IMAGE")"

RUN=(--snapshotter $SNAP --runtime io.containerd.runc.v2 --runc-binary "$RUNC_BINARY" --runc-root "$TMP/runc")

# --- ctr run --rm: output and exit code -------------------------------------------
say "ctr run --rm"
out=$(timeout 120 "${CTR[@]}" run --rm "${RUN[@]}" $IMAGE e2e-run sh -c 'echo hello from $(hostname); echo to-stderr >&2; exit 3' 2>"$TMP/run.err")
st=$?
# A UTS namespace without a hostname in config.json starts with the host's (as under runc).
check "run: stdout" "hello from $(hostname)" "$out"
check "run: stderr" "to-stderr" "$(cat "$TMP/run.err")"
check "run: exit code" 3 $st
check "run: container removed" "" "$("${CTR[@]}" containers ls -q | grep -x e2e-run)"
out=$(timeout 120 "${CTR[@]}" run --rm "${RUN[@]}" $IMAGE e2e-run2 sh -c 'cat /etc/passwd; ls /bin/busybox' 2>&1)
check "run: the image's files" "root:x:0:0:root:/:/bin/sh
/bin/busybox" "$out"

# --- a long-running container: exec, ps, pause/resume, kill, delete -------------------
say "a long-running container"
timeout 120 "${CTR[@]}" run -d "${RUN[@]}" $IMAGE e2e-long sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 1; done' >/dev/null
st=$?
check "long: started" 0 $st
for _ in $(seq 100); do [ "$("${CTR[@]}" tasks ls | awk '$1=="e2e-long"{print $3}')" = RUNNING ] && break; sleep 0.1; done
check "long: RUNNING" RUNNING "$("${CTR[@]}" tasks ls | awk '$1=="e2e-long"{print $3}')"
out=$(timeout 60 "${CTR[@]}" tasks exec --exec-id ex1 e2e-long sh -c 'echo exec says $((6*7)); exit 4')
st=$?
check "exec: stdout" "exec says 42" "$out"
check "exec: exit code" 4 $st
pid=$("${CTR[@]}" tasks ls | awk '$1=="e2e-long"{print $2}')
pids=$("${CTR[@]}" tasks ps e2e-long | awk 'NR>1{print $1}' | tr '\n' ' ')
check "ps: lists the task's pid" yes "$(case " $pids" in *" $pid "*) echo yes;; *) echo "no ($pid not in $pids)";; esac)"
"${CTR[@]}" tasks pause e2e-long
check "pause: PAUSED" PAUSED "$("${CTR[@]}" tasks ls | awk '$1=="e2e-long"{print $3}')"
"${CTR[@]}" tasks resume e2e-long
check "resume: RUNNING" RUNNING "$("${CTR[@]}" tasks ls | awk '$1=="e2e-long"{print $3}')"
out=$(timeout 60 "${CTR[@]}" tasks exec --exec-id ex2 e2e-long sh -c 'echo after resume')
check "exec after resume" "after resume" "$out"
if command -v script >/dev/null; then
  out=$(timeout 60 script -qec "${CTR[*]} tasks exec -t --exec-id ex3 e2e-long sh -c 'test -t 0 && test -t 1 && echo exec-tty'" /dev/null </dev/null | tr -d '\r')
  check "exec -t: a terminal" yes "$(echo "$out" | grep -qx exec-tty && echo yes || echo "no: $out")"
fi
"${CTR[@]}" tasks kill -s SIGKILL e2e-long
for _ in $(seq 100); do [ "$("${CTR[@]}" tasks ls | awk '$1=="e2e-long"{print $3}')" = STOPPED ] && break; sleep 0.1; done
check "kill: STOPPED" STOPPED "$("${CTR[@]}" tasks ls | awk '$1=="e2e-long"{print $3}')"
"${CTR[@]}" tasks delete e2e-long >/dev/null
check "task delete" 0 $?
"${CTR[@]}" containers delete e2e-long
check "container delete" 0 $?

# --- a terminal: ctr run -t under script(1), which gives ctr a pty ---------------------
if command -v script >/dev/null; then
  say "a terminal session"
  out=$(printf 'typed-line\n' | timeout 120 script -qec "${CTR[*]} run --rm -t ${RUN[*]} $IMAGE e2e-tty sh -c 'test -t 0 && test -t 1 && echo is-a-tty; read l; echo got \$l'" /dev/null | tr -d '\r')
  check "tty: stdin and stdout are a terminal" yes "$(echo "$out" | grep -qx is-a-tty && echo yes || echo "no: $out")"
  check "tty: input reaches the container" yes "$(echo "$out" | grep -qx 'got typed-line' && echo yes || echo "no: $out")"
else
  echo "skip tty: script(1) is missing"
fi

check "nothing left in the runtime root" "" "$(ls "$TMP/runc/$NS" 2>/dev/null)"
if [ $failures -gt 0 ]; then
  echo "--- containerd log (tail)"; tail -30 "$TMP/containerd.log"
  echo "$failures check(s) FAILED"
  exit 1
fi
echo "all containerd checks passed"
