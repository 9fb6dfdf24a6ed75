// struct rusage (144 bytes on x86_64): two timevals, then fourteen longs.
const RU_UTIME = 0, RU_STIME = 16, RU_MAXRSS = 32;
export const RUSAGE_SIZE = 144;

function putTimeval(dv: DataView, off: number, ns: number): void {
  const sec = Math.floor(ns / 1e9), usec = Math.floor((ns - sec * 1e9) / 1000);
  dv.setUint32(off, sec >>> 0, true); dv.setUint32(off + 4, 0, true);
  dv.setUint32(off + 8, usec, true); dv.setUint32(off + 12, 0, true);
}

/** Encodes a struct rusage at off: user and system time (ns) and ru_maxrss (KiB); the other
 *  counters (faults, block I/O, context switches) are zero. */
export function encodeRusage(dv: DataView, off: number, userNs: number, sysNs: number, maxRssKb: number): void {
  for (let i = 0; i < RUSAGE_SIZE; i += 4) dv.setUint32(off + i, 0, true);
  putTimeval(dv, off + RU_UTIME, userNs);
  putTimeval(dv, off + RU_STIME, sysNs);
  dv.setUint32(off + RU_MAXRSS, maxRssKb >>> 0, true);
}
