// Resource limits of a process (getrlimit/setrlimit/prlimit64), Linux's defaults.
export const RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4,
  RLIMIT_RSS = 5, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9, RLIMIT_LOCKS = 10,
  RLIMIT_SIGPENDING = 11, RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15;
export const RLIM_NLIMITS = 16;
/** RLIM_INFINITY is 2^64-1; held as Infinity here. */
export const RLIM_INFINITY = Infinity;

export class Limits {
  readonly soft: number[] = new Array<number>(RLIM_NLIMITS).fill(RLIM_INFINITY);
  readonly hard: number[] = new Array<number>(RLIM_NLIMITS).fill(RLIM_INFINITY);
  constructor() {
    this.set(RLIMIT_STACK, 8 * 1024 * 1024, RLIM_INFINITY);
    this.set(RLIMIT_CORE, 0, RLIM_INFINITY);
    this.set(RLIMIT_NOFILE, 1024, 1048576);
    this.set(RLIMIT_MEMLOCK, 8 * 1024 * 1024, 8 * 1024 * 1024);
    this.set(RLIMIT_NPROC, 63432, 63432);
    this.set(RLIMIT_SIGPENDING, 63432, 63432);
    this.set(RLIMIT_MSGQUEUE, 819200, 819200);
    this.set(RLIMIT_NICE, 0, 0);
    this.set(RLIMIT_RTPRIO, 0, 0);
  }
  set(r: number, soft: number, hard: number): void { this.soft[r] = soft; this.hard[r] = hard; }
  clone(): Limits {
    const l = new Limits();
    for (let i = 0; i < RLIM_NLIMITS; i++) l.set(i, this.soft[i]!, this.hard[i]!);
    return l;
  }
}
