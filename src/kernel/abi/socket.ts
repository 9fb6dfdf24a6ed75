// socket(7), unix(7), cmsg(3) and the socket calls: address families, types,
// flags, options, control messages and struct layouts (x86_64), and the
// defaults of a Linux kernel's sysctls that shape unix sockets.

// ---- address families (include/linux/socket.h)
export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
/** NPROTO (AF_MAX): families at or above it give EAFNOSUPPORT before anything else. */
export const AF_MAX = 46;

// ---- socket types and the flags socket(2)/socketpair(2)/accept4(2) take in `type`
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_RDM = 4, SOCK_SEQPACKET = 5, SOCK_PACKET = 10;
/** Types at or above SOCK_MAX give EINVAL. */
export const SOCK_MAX = 11;
export const SOCK_TYPE_MASK = 0xf;
export const SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;

// ---- socket options (asm-generic/socket.h; x86_64 uses the generic numbers)
export const SOL_SOCKET = 1;
export const SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6,
  SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_NO_CHECK = 11, SO_PRIORITY = 12,
  SO_LINGER = 13, SO_BSDCOMPAT = 14, SO_REUSEPORT = 15, SO_PASSCRED = 16, SO_PEERCRED = 17, SO_RCVLOWAT = 18,
  SO_SNDLOWAT = 19, SO_RCVTIMEO_OLD = 20, SO_SNDTIMEO_OLD = 21, SO_PEERNAME = 28, SO_TIMESTAMP_OLD = 29,
  SO_ACCEPTCONN = 30, SO_PEERSEC = 31, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_PASSSEC = 34, SO_MARK = 36,
  SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_RXQ_OVFL = 40, SO_PEEK_OFF = 42, SO_COOKIE = 57, SO_RCVTIMEO_NEW = 66,
  SO_SNDTIMEO_NEW = 67;

// ---- control messages (include/linux/socket.h)
export const SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
/** The most descriptors one SCM_RIGHTS message may carry (SCM_MAX_FD). */
export const SCM_MAX_FD = 253;

// ---- send/recv flags
export const MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_DONTROUTE = 0x4, MSG_CTRUNC = 0x8, MSG_TRUNC = 0x20,
  MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_ERRQUEUE = 0x2000, MSG_NOSIGNAL = 0x4000,
  MSG_MORE = 0x8000, MSG_WAITFORONE = 0x10000, MSG_BATCH = 0x40000, MSG_CMSG_CLOEXEC = 0x40000000;
/** Flags only the kernel may set on a send (MSG_INTERNAL_SENDMSG_FLAGS: SPLICE_PAGES, SENDPAGE_NOPOLICY,
 *  SENDPAGE_DECRYPTED); user space's are cleared. */
export const MSG_INTERNAL_SENDMSG_FLAGS = 0x08000000 | 0x00020000 | 0x00100000;

// ---- shutdown(2)
export const SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
/** sk_shutdown bits: SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN. */
export const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;

// ---- ioctls on sockets
export const SIOCINQ = 0x541b, SIOCOUTQ = 0x5411, SIOCATMARK = 0x8905;

// ---- struct layouts (x86_64)
/** struct sockaddr_un: sa_family_t sun_family; char sun_path[108]. */
export const SUN_PATH_OFF = 2, UNIX_PATH_MAX = 108, SOCKADDR_UN_SIZE = 110;
/** sizeof(struct sockaddr_storage): the most an address argument may hold. */
export const SOCKADDR_STORAGE_SIZE = 128;
/** struct msghdr: name, namelen, iov, iovlen, control, controllen, flags. */
export const MSGHDR_SIZE = 56, MH_NAME = 0, MH_NAMELEN = 8, MH_IOV = 16, MH_IOVLEN = 24, MH_CONTROL = 32,
  MH_CONTROLLEN = 40, MH_FLAGS = 48;
/** struct mmsghdr: a msghdr, then unsigned msg_len. */
export const MMSGHDR_SIZE = 64, MMH_LEN = 56;
/** struct cmsghdr: size_t cmsg_len; int cmsg_level; int cmsg_type; then data (8-byte aligned). */
export const CMSGHDR_SIZE = 16, CMSG_LEVEL = 8, CMSG_TYPE = 12;
/** struct ucred: pid, uid, gid. */
export const UCRED_SIZE = 12;
/** struct timeval (SO_RCVTIMEO/SO_SNDTIMEO): two 64-bit fields. */
export const TIMEVAL_SIZE = 16;
/** struct linger: int l_onoff; int l_linger. */
export const LINGER_SIZE = 8;

export function cmsgAlign(n: number): number { return (n + 7) & ~7; }
export function cmsgLen(n: number): number { return CMSGHDR_SIZE + n; }
export function cmsgSpace(n: number): number { return CMSGHDR_SIZE + cmsgAlign(n); }

// ---- defaults of the kernel this sandbox imitates (net/core/sock.c, net/unix/sysctl_net_unix.c)
/** net.core.wmem_default / rmem_default: a new socket's SO_SNDBUF / SO_RCVBUF. */
export const WMEM_DEFAULT = 212992, RMEM_DEFAULT = 212992;
/** net.core.wmem_max / rmem_max: the most SO_SNDBUF / SO_RCVBUF set without CAP_NET_ADMIN. */
export const WMEM_MAX = 212992, RMEM_MAX = 212992;
/** The floors of SO_SNDBUF / SO_RCVBUF (SOCK_MIN_SNDBUF, SOCK_MIN_RCVBUF). */
export const SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;
/** net.unix.max_dgram_qlen: datagrams a socket may hold from senders it is not connected with. */
export const UNIX_MAX_DGRAM_QLEN = 10;
/** net.core.somaxconn: listen(2)'s backlog is clamped to it. */
export const SOMAXCONN = 4096;
/** The overflow ids a credential without a mapping shows (overflowuid, overflowgid). */
export const OVERFLOW_UID = 65534, OVERFLOW_GID = 65534;
/** Jiffies per second: socket timeouts are kept in jiffies, so they read back rounded up to one. */
export const HZ = 250;

// ---- AF_INET (loopback only: net/inet.ts)
export const IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17;
/** Protocols at or above IPPROTO_MAX give EINVAL. */
export const IPPROTO_MAX = 263;
/** struct sockaddr_in: u16 family, u16 port (big-endian), u32 address (big-endian), 8 zero bytes. */
export const SOCKADDR_IN_SIZE = 16;
/** net.ipv4.ip_local_port_range: where ephemeral ports come from. */
export const EPHEMERAL_LOW = 32768, EPHEMERAL_HIGH = 60999;
/** The largest UDP payload over IPv4 (65535 - IP and UDP headers). */
export const UDP_MAX_PAYLOAD = 65507;
/** TCP_NODELAY and the other IPPROTO_TCP options kept as plain values. */
export const TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_CORK = 3, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6,
  TCP_QUICKACK = 12, TCP_USER_TIMEOUT = 18;
/** IPPROTO_IP options kept as plain values. */
export const IP_TOS = 1, IP_TTL = 2, IP_RECVERR = 11, IP_MTU_DISCOVER = 10;

/** The network capabilities (include/uapi/linux/capability.h) socket options check. */
export const CAP_NET_ADMIN = 12, CAP_NET_RAW = 13;

/** statfs f_type of sockfs. */
export const SOCKFS_MAGIC = 0x534f434b;
/** st_mode of a socket's inode: S_IFSOCK | 0777. */
export const SOCK_INODE_MODE = 0o140777;
