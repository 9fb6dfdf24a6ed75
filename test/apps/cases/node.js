// node: fs, zlib, crypto, child_process and worker_threads.
const fs = require('fs');
const zlib = require('zlib');
const crypto = require('crypto');
const cp = require('child_process');
const { Worker } = require('worker_threads');

const p = '/tmp/node-app.txt';
fs.writeFileSync(p, 'tsvisor '.repeat(5000));
fs.appendFileSync(p, 'end\n');
console.log(fs.statSync(p).size, fs.readdirSync('/tmp').includes('node-app.txt'));
const gz = zlib.gzipSync(fs.readFileSync(p));
console.log(zlib.gunzipSync(gz).length);
console.log(crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
console.log(crypto.createHmac('sha1', 'k').update('v').digest('base64'));
console.log(cp.execFileSync('sh', ['-c', 'echo from child; exit 0']).toString().trim());
const r = cp.spawnSync('sh', ['-c', 'exit 4']);
console.log('status', r.status);
const w = new Worker('const { parentPort, workerData } = require("worker_threads"); let s = 0; for (let i = 0; i < workerData; i++) s += i; parentPort.postMessage(s);', { eval: true, workerData: 100000 });
w.on('message', (m) => { console.log('worker says', m); });
w.on('exit', (c) => { console.log('worker exit', c); fs.unlinkSync(p); });
setTimeout(() => console.log('timer fired'), 20);
