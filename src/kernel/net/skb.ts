// Socket buffers (struct sk_buff) as unix sockets use them: one message, or
// one piece of a stream write, queued on the receiver. Linux charges each
// buffer's "true size" (payload plus the kernel's own allocations) to the
// sender's send buffer (sk_wmem_alloc) until the receiver frees it; a sender
// waits while that charge is at or above SO_SNDBUF. The sizes below are the
// x86_64 kernel's, so that the number of messages or bytes that fit before a
// send blocks matches Linux (SIOCOUTQ shows the charge).
import type { FileDescription } from '../vfs/file';
import type { UnixSocket } from './unix';
import { fdsLanded } from './gc';

const PAGE = 4096;
/** SKB_DATA_ALIGN(sizeof(struct sk_buff)) and SKB_DATA_ALIGN(sizeof(struct skb_shared_info)). */
const SKB_STRUCT = 256, SKB_SHINFO = 320;
/** SKB_MAX_HEAD(0): the most payload a one-page head holds. */
export const SKB_MAX_HEAD0 = PAGE - SKB_SHINFO;
/** SKB_MAX_ALLOC (SKB_MAX_ORDER(0, 2)): datagrams above it put the rest in page fragments. */
export const SKB_MAX_ALLOC = (PAGE << 2) - SKB_SHINFO;
/** MAX_SKB_FRAGS * PAGE_SIZE: the most a datagram keeps in fragments. */
const MAX_FRAG_BYTES = 17 * PAGE;
/** UNIX_SKB_FRAGS_SZ: the fragment part of one stream buffer (32 KiB). */
export const UNIX_SKB_FRAGS_SZ = 32768;

function pageAlign(n: number): number { return Math.ceil(n / PAGE) * PAGE; }

/** What kmalloc really allocates for n bytes: its size classes, then whole power-of-two pages. */
function kmallocSize(n: number): number {
  if (n <= 96) return n <= 64 ? 64 : 96;
  if (n <= 192) return n <= 128 ? 128 : 192;
  let s = 256;
  while (s < n) s *= 2;
  return s;
}

/** skb->truesize of a buffer with `head` bytes in its linear part and `frag` in page fragments. */
export function truesize(head: number, frag: number): number {
  return SKB_STRUCT + kmallocSize(((head + 63) & ~63) + SKB_SHINFO) + pageAlign(frag);
}

/** truesize of one datagram of len bytes (unix_dgram_sendmsg's head/fragment split). */
export function dgramTruesize(len: number): number {
  let frag = 0;
  if (len > SKB_MAX_ALLOC) frag = pageAlign(Math.min(len - SKB_MAX_ALLOC, MAX_FRAG_BYTES));
  return truesize(len - frag, frag);
}

/** truesize of one stream buffer of size bytes (unix_stream_sendmsg's split). */
export function streamTruesize(size: number): number {
  const frag = Math.min(size, pageAlign(Math.max(0, size - SKB_MAX_HEAD0)));
  return truesize(size - frag, frag);
}

/** The credentials a message carries (UNIXCB(skb).pid/uid/gid): pid 0 = none attached. */
export const NO_ID = -1;

export class Skb {
  next: Skb | null = null;
  /** Bytes already read (stream buffers are read piecewise). */
  consumed = 0;
  /** Descriptors passed with SCM_RIGHTS (references held), or null. */
  fds: FileDescription[] | null = null;
  /** The descriptors are counted in flight (the buffer was queued; gc.ts). */
  fdsCounted = false;
  /** Attached credentials: pid 0 means none (uid/gid then NO_ID unless sent explicitly). */
  pid = 0;
  uid = NO_ID;
  gid = NO_ID;
  /** The source address when the buffer has no sender socket (UDP datagrams), else null. */
  from: Uint8Array | null = null;
  /** A connection request on a listener's queue: the server's end, waiting for accept(2). */
  embryo: UnixSocket | null = null;

  constructor(
    /** skb->sk: charged for truesize until freed; its address is the message's source. */
    readonly sender: UnixSocket | null,
    readonly data: Uint8Array,
    readonly len: number,
    readonly truesize: number,
  ) {}

  /** Takes the descriptors out of the buffer (received, or dropped with it): they land. */
  takeFds(): FileDescription[] | null {
    const f = this.fds;
    this.fds = null;
    if (f !== null && this.fdsCounted) fdsLanded(f);
    this.fdsCounted = false;
    return f;
  }

  /** Bytes left to read. */
  get left(): number { return this.len - this.consumed; }

  sameCreds(pid: number, uid: number, gid: number): boolean {
    return this.pid === pid && this.uid === uid && this.gid === gid;
  }
}

/** A FIFO of buffers (sk_receive_queue). */
export class SkbQueue {
  head: Skb | null = null;
  tail: Skb | null = null;
  length = 0;

  push(s: Skb): void {
    s.next = null;
    if (this.tail === null) this.head = s; else this.tail.next = s;
    this.tail = s;
    this.length++;
  }

  shift(): Skb | null {
    const s = this.head;
    if (s === null) return null;
    this.head = s.next;
    if (this.head === null) this.tail = null;
    s.next = null;
    this.length--;
    return s;
  }
}

/** An empty payload, shared by zero-length messages and connection requests. */
export const EMPTY = new Uint8Array(0);
