// Host sockets for a sandbox that shares the host's network (tsvisor's kernel,
// src/kernel/net/hostinet.ts): AF_INET and AF_INET6 sockets tsvisor opens itself,
// always non-blocking and close-on-exec. Thin wrappers, one per host call; each
// returns the call's result or -errno. Addresses and option values are bytes the
// kernel has already copied from the guest and checked: no guest pointer reaches
// the host.
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../common.h"

namespace tsv {

static inline int I32(const Napi::Value& v) { return v.As<Napi::Number>().Int32Value(); }
static inline Napi::Value Num(Napi::Env env, long r) { return Napi::Number::New(env, r < 0 ? -errno : static_cast<double>(r)); }

// (buffer, offset, length) to a pointer; false when outside the buffer.
static bool Win(const Napi::CallbackInfo& info, size_t i, uint8_t** p, size_t* len) {
  Bytes b;
  if (!GetBytes(info[i], &b)) return false;
  uint64_t off = ToI64(info[i + 1]), n = ToI64(info[i + 2]);
  if (off > b.len || n > b.len - off) return false;
  *p = b.data + off;
  *len = n;
  return true;
}

// An address argument: bytes and a length (0 and no bytes for none).
static bool Addr(const Napi::CallbackInfo& info, size_t i, sockaddr** a, socklen_t* len) {
  *a = nullptr; *len = 0;
  if (info[i].IsNull() || info[i].IsUndefined()) return true;
  Bytes b;
  if (!GetBytes(info[i], &b)) return false;
  uint32_t n = info[i + 1].As<Napi::Number>().Uint32Value();
  if (n > b.len) return false;
  *a = reinterpret_cast<sockaddr*>(b.data);
  *len = n;
  return true;
}

// socket(domain, type, protocol): type gets SOCK_NONBLOCK | SOCK_CLOEXEC.
static Napi::Value Socket(const Napi::CallbackInfo& info) {
  return Num(info.Env(), socket(I32(info[0]), I32(info[1]) | SOCK_NONBLOCK | SOCK_CLOEXEC, I32(info[2])));
}

// bind(fd, addr, len) / connect(fd, addr, len)
static Napi::Value Bind(const Napi::CallbackInfo& info) {
  sockaddr* a; socklen_t n;
  if (!Addr(info, 1, &a, &n)) return Napi::Number::New(info.Env(), -EFAULT);
  return Num(info.Env(), bind(I32(info[0]), a, n));
}
static Napi::Value Connect(const Napi::CallbackInfo& info) {
  sockaddr* a; socklen_t n;
  if (!Addr(info, 1, &a, &n)) return Napi::Number::New(info.Env(), -EFAULT);
  return Num(info.Env(), connect(I32(info[0]), a, n));
}

// listen(fd, backlog)
static Napi::Value Listen(const Napi::CallbackInfo& info) { return Num(info.Env(), listen(I32(info[0]), I32(info[1]))); }

// accept(fd, addrBuf, out): a new non-blocking, close-on-exec fd; out[0] = the peer address's length.
static Napi::Value Accept(const Napi::CallbackInfo& info) {
  Bytes b, out;
  if (!GetBytes(info[1], &b) || !GetBytes(info[2], &out) || out.len < 4) return Napi::Number::New(info.Env(), -EFAULT);
  socklen_t n = static_cast<socklen_t>(b.len);
  long r = accept4(I32(info[0]), reinterpret_cast<sockaddr*>(b.data), &n, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (r >= 0) memcpy(out.data, &n, 4);
  return Num(info.Env(), r);
}

// getname(fd, peer, buf): getsockname or getpeername; the address's full length.
static Napi::Value Getname(const Napi::CallbackInfo& info) {
  Bytes b;
  if (!GetBytes(info[2], &b)) return Napi::Number::New(info.Env(), -EFAULT);
  socklen_t n = static_cast<socklen_t>(b.len);
  sockaddr* a = reinterpret_cast<sockaddr*>(b.data);
  long r = info[1].As<Napi::Boolean>().Value() ? getpeername(I32(info[0]), a, &n) : getsockname(I32(info[0]), a, &n);
  return Num(info.Env(), r < 0 ? r : n);
}

// shutdown(fd, how)
static Napi::Value Shutdown(const Napi::CallbackInfo& info) { return Num(info.Env(), shutdown(I32(info[0]), I32(info[1]))); }

// setsockopt(fd, level, name, buf, off, len)
static Napi::Value Setsockopt(const Napi::CallbackInfo& info) {
  uint8_t* p; size_t n;
  if (!Win(info, 3, &p, &n)) return Napi::Number::New(info.Env(), -EFAULT);
  return Num(info.Env(), setsockopt(I32(info[0]), I32(info[1]), I32(info[2]), p, static_cast<socklen_t>(n)));
}

// getsockopt(fd, level, name, buf, off, len): the value's length.
static Napi::Value Getsockopt(const Napi::CallbackInfo& info) {
  uint8_t* p; size_t n;
  if (!Win(info, 3, &p, &n)) return Napi::Number::New(info.Env(), -EFAULT);
  socklen_t len = static_cast<socklen_t>(n);
  long r = getsockopt(I32(info[0]), I32(info[1]), I32(info[2]), p, &len);
  return Num(info.Env(), r < 0 ? r : len);
}

// sendto(fd, buf, off, len, flags, addr, addrLen): MSG_NOSIGNAL is always added (the guest's
// SIGPIPE comes from tsvisor's kernel).
static Napi::Value Sendto(const Napi::CallbackInfo& info) {
  uint8_t* p; size_t n;
  sockaddr* a; socklen_t alen;
  if (!Win(info, 1, &p, &n) || !Addr(info, 5, &a, &alen)) return Napi::Number::New(info.Env(), -EFAULT);
  return Num(info.Env(), sendto(I32(info[0]), p, n, I32(info[4]) | MSG_NOSIGNAL, a, alen));
}

// recvfrom(fd, buf, off, len, flags, addrBuf, out): bytes (the datagram's full length with
// MSG_TRUNC); out[0] = the source address's length, out[1] = msg_flags.
static Napi::Value Recvfrom(const Napi::CallbackInfo& info) {
  uint8_t* p; size_t n;
  Bytes a, out;
  if (!Win(info, 1, &p, &n) || !GetBytes(info[5], &a) || !GetBytes(info[6], &out) || out.len < 8) {
    return Napi::Number::New(info.Env(), -EFAULT);
  }
  struct iovec iov = {p, n};
  struct msghdr m{};
  m.msg_name = a.data;
  m.msg_namelen = static_cast<socklen_t>(a.len);
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  long r = recvmsg(I32(info[0]), &m, I32(info[4]));
  if (r >= 0) {
    uint32_t v[2] = {m.msg_namelen, static_cast<uint32_t>(m.msg_flags)};
    memcpy(out.data, v, 8);
  }
  return Num(info.Env(), r);
}

// ioctlInt(fd, request): an ioctl that stores one int (SIOCINQ, SIOCOUTQ, SIOCATMARK); the int.
static Napi::Value IoctlInt(const Napi::CallbackInfo& info) {
  int v = 0;
  long r = ioctl(I32(info[0]), static_cast<unsigned long>(info[1].As<Napi::Number>().Uint32Value()), &v);
  return Num(info.Env(), r < 0 ? r : v);
}

// joinNetns(path): this thread (Node's main thread, where the kernel opens its sockets) enters
// the network namespace at path (an OCI config's namespace path).
static Napi::Value JoinNetns(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NegErrno(info.Env());
  long r = setns(fd, CLONE_NEWNET);
  int e = errno;
  close(fd);
  errno = e;
  return Num(info.Env(), r);
}

Napi::Object InitHostnet(Napi::Env env, Napi::Object exports) {
  Napi::Object h = Napi::Object::New(env);
#define F(name, fn) h.Set(name, Napi::Function::New(env, fn, name))
  F("socket", Socket);
  F("bind", Bind);
  F("connect", Connect);
  F("listen", Listen);
  F("accept", Accept);
  F("getname", Getname);
  F("shutdown", Shutdown);
  F("setsockopt", Setsockopt);
  F("getsockopt", Getsockopt);
  F("sendto", Sendto);
  F("recvfrom", Recvfrom);
  F("ioctlInt", IoctlInt);
  F("joinNetns", JoinNetns);
#undef F
  exports.Set("hostnet", h);
  return exports;
}

}  // namespace tsv
