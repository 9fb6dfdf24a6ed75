// POSIX message queues (include/uapi/linux/mqueue.h, ipc/mqueue.c, ipc/namespace
// defaults in include/linux/ipc_namespace.h): struct mq_attr, struct sigevent, limits.

/** struct mq_attr: four longs, then __reserved[4] (ignored on input, zero on output). */
export const MQ_ATTR_SIZE = 64;
export const MQA_FLAGS = 0, MQA_MAXMSG = 8, MQA_MSGSIZE = 16, MQA_CURMSGS = 24;

/** struct sigevent (64 bytes): sigev_value (8), sigev_signo (int), sigev_notify (int), then the union. */
export const SIGEVENT_SIZE = 64;
export const SIGEV_VALUE = 0, SIGEV_SIGNO = 8, SIGEV_NOTIFY = 12;
export const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2;
/** The netlink cookie SIGEV_THREAD copies from sigev_value.sival_ptr. */
export const NOTIFY_COOKIE_LEN = 32;

/** siginfo's si_code for a message-queue notification. */
export const SI_MESGQ = -3;

/** Priorities are 0 .. MQ_PRIO_MAX - 1. */
export const MQ_PRIO_MAX = 32768;
/** /proc/sys/fs/mqueue defaults: msg_max, msgsize_max, msg_default, msgsize_default, queues_max. */
export const DFLT_MSGMAX = 10, DFLT_MSGSIZEMAX = 8192, DFLT_MSG = 10, DFLT_MSGSIZE = 8192, DFLT_QUEUESMAX = 256;
/** The ceilings with CAP_SYS_RESOURCE. */
export const HARD_MSGMAX = 65536, HARD_MSGSIZEMAX = 16 * 1024 * 1024;

/** What RLIMIT_MSGQUEUE charges a queue (mqueue_get_inode): per message a struct msg_msg (48 bytes
 *  on x86_64) and its payload, per possible priority a struct posix_msg_tree_node (48 bytes). */
export const MSG_MSG_SIZE = 48, MSG_TREE_NODE_SIZE = 48;

/** The mqueue file system: statfs magic, and the sizes stat shows (a queue 80, a directory 40
 *  plus 20 per queue). */
export const MQUEUE_MAGIC = 0x19800202;
export const FILENT_SIZE = 80, DIRENT_SIZE = 20;
