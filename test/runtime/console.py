#!/usr/bin/env python3
# A --console-socket receiver, as containerd's shim has one: listens on SOCKET,
# takes the pty master sent with SCM_RIGHTS, writes INPUT (if given) to it, and
# copies what the container prints to OUT until the pty closes.
#   console.py SOCKET OUT [INPUT]
import array, os, socket, sys

path, out = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else b''
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(path + '.ready', 'w').close()
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 1024, 4)
conn.close()
if len(fds) != 1:
    sys.exit(f'expected one fd, got {len(fds)}')
m = fds[0]
with open(out + '.info', 'w') as f:
    f.write(f'isatty={os.isatty(m)} name={msg.decode()}\n')
if data:
    os.write(m, data)
with open(out, 'wb') as f:
    while True:
        try:
            b = os.read(m, 4096)
        except OSError:  # EIO: every slave is closed
            break
        if not b:
            break
        f.write(b)
        f.flush()
open(out + '.done', 'w').close()
