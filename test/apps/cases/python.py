# python3: threads, subprocess, multiprocessing with 4 workers, json, sqlite3 in
# a file, hashlib, zlib, tempfile, signal handlers, os.fork.
import hashlib, json, multiprocessing as mp, os, signal, sqlite3, subprocess, sys, tempfile, threading, zlib

def square(x):
    return x * x

def main():
    print(json.dumps({"b": [1, 2.5, None], "a": "x"}, sort_keys=True))
    print(hashlib.sha256(b"tsvisor" * 10000).hexdigest(), hashlib.md5(b"").hexdigest())
    blob = zlib.compress(bytes(range(256)) * 4000, 9)
    print(len(zlib.decompress(blob)), zlib.crc32(blob) == zlib.crc32(blob))
    with tempfile.TemporaryDirectory() as d:
        db = sqlite3.connect(os.path.join(d, "t.db"))
        db.execute("create table t (a integer primary key, b text)")
        with db:
            db.executemany("insert into t (b) values (?)", [(str(i),) for i in range(20000)])
        print(db.execute("select count(*), sum(a), max(b) from t").fetchone())
        db.close()
        print(sorted(os.listdir(d)))
    lock, results = threading.Lock(), []
    def work(n):
        s = sum(i * i for i in range(n))
        with lock:
            results.append(s)
    ts = [threading.Thread(target=work, args=(20000 + i,)) for i in range(8)]
    for t in ts: t.start()
    for t in ts: t.join()
    print(len(results), min(results))
    out = subprocess.run(["sh", "-c", "echo from $0; exit 3", "child"], capture_output=True, text=True)
    print(out.stdout.strip(), out.returncode)
    with mp.Pool(4) as p:
        print(sum(p.map(square, range(2000))))
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, b"from the forked child")
        os._exit(9)
    os.close(w)
    print(os.read(r, 100).decode())
    _, st = os.waitpid(pid, 0)
    print("child status", os.waitstatus_to_exitcode(st))
    got = []
    signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
    signal.signal(signal.SIGALRM, lambda s, f: got.append(s))
    os.kill(os.getpid(), signal.SIGUSR1)
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    signal.pause()
    print("signals", got)

if __name__ == "__main__":
    main()
