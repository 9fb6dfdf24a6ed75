// Unix-domain sockets with fd passing (SCM_RIGHTS), which Node cannot do: the OCI
// runtime's control socket hands a container process's stdio (or a pty master)
// from one host process to another. Thin wrappers, one per host call; each returns
// the call's result or -errno.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>
#include "../common.h"

namespace tsv {

static inline int I32(const Napi::Value& v) { return v.As<Napi::Number>().Int32Value(); }
static inline Napi::Value Num(Napi::Env env, long r) { return Napi::Number::New(env, r < 0 ? -errno : static_cast<double>(r)); }

// Fills a sockaddr_un; false (ENAMETOOLONG) when the path does not fit.
static bool UnixAddr(const std::string& path, sockaddr_un* a, socklen_t* len) {
  *a = sockaddr_un{};
  a->sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof a->sun_path) { errno = ENAMETOOLONG; return false; }
  memcpy(a->sun_path, path.data(), path.size());
  *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return true;
}

// unixListen(path, backlog): socket(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC), bind, listen.
static Napi::Value UnixListen(const Napi::CallbackInfo& info) {
  sockaddr_un a; socklen_t len;
  if (!UnixAddr(info[0].As<Napi::String>().Utf8Value(), &a, &len)) return NegErrno(info.Env());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return NegErrno(info.Env());
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), len) < 0 || listen(fd, I32(info[1])) < 0) {
    int e = errno;
    close(fd);
    return Napi::Number::New(info.Env(), -e);
  }
  return Napi::Number::New(info.Env(), fd);
}

// unixConnect(path): a blocking, close-on-exec SOCK_STREAM connection.
static Napi::Value UnixConnect(const Napi::CallbackInfo& info) {
  sockaddr_un a; socklen_t len;
  if (!UnixAddr(info[0].As<Napi::String>().Utf8Value(), &a, &len)) return NegErrno(info.Env());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return NegErrno(info.Env());
  int r;
  do r = connect(fd, reinterpret_cast<sockaddr*>(&a), len); while (r < 0 && errno == EINTR);
  if (r < 0) { int e = errno; close(fd); return Napi::Number::New(info.Env(), -e); }
  return Napi::Number::New(info.Env(), fd);
}

// unixAccept(fd, nonblock): accept4 with SOCK_CLOEXEC (and SOCK_NONBLOCK).
static Napi::Value UnixAccept(const Napi::CallbackInfo& info) {
  int flags = SOCK_CLOEXEC | (info[1].ToBoolean().Value() ? SOCK_NONBLOCK : 0);
  return Num(info.Env(), accept4(I32(info[0]), nullptr, nullptr, flags));
}

// sendFds(fd, buf, off, len, fds[]): sendmsg with the fds as one SCM_RIGHTS message (MSG_NOSIGNAL).
static Napi::Value SendFds(const Napi::CallbackInfo& info) {
  Bytes b;
  if (!GetBytes(info[1], &b)) return Napi::Number::New(info.Env(), -EFAULT);
  uint64_t off = ToI64(info[2]), n = ToI64(info[3]);
  if (off > b.len || n > b.len - off) return Napi::Number::New(info.Env(), -EFAULT);
  Napi::Array arr = info[4].As<Napi::Array>();
  std::vector<int> fds(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) fds[i] = arr.Get(i).As<Napi::Number>().Int32Value();
  iovec iov{b.data + off, n};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
  if (!fds.empty()) {
    m.msg_control = control.data();
    m.msg_controllen = control.size();
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t r;
  do r = sendmsg(I32(info[0]), &m, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
  return Num(info.Env(), r);
}

// recvFds(fd, buf, off, len, fdsOut Int32Array): recvmsg (MSG_CMSG_CLOEXEC); the fds received
// fill fdsOut, the rest of it is set to -1 (fds beyond its length are closed). Returns the bytes read.
static Napi::Value RecvFds(const Napi::CallbackInfo& info) {
  Bytes b, o;
  if (!GetBytes(info[1], &b) || !GetBytes(info[4], &o)) return Napi::Number::New(info.Env(), -EFAULT);
  uint64_t off = ToI64(info[2]), n = ToI64(info[3]);
  if (off > b.len || n > b.len - off) return Napi::Number::New(info.Env(), -EFAULT);
  int32_t* out = reinterpret_cast<int32_t*>(o.data);
  size_t outN = o.len / sizeof(int32_t);
  for (size_t i = 0; i < outN; i++) out[i] = -1;
  iovec iov{b.data + off, n};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 16)];
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  ssize_t r;
  do r = recvmsg(I32(info[0]), &m, MSG_CMSG_CLOEXEC); while (r < 0 && errno == EINTR);
  if (r < 0) return NegErrno(info.Env());
  size_t k = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int* fds = reinterpret_cast<int*>(CMSG_DATA(c));
    for (size_t i = 0; i < cnt; i++) {
      if (k < outN) out[k++] = fds[i];
      else close(fds[i]);
    }
  }
  return Napi::Number::New(info.Env(), static_cast<double>(r));
}

Napi::Object InitUnixFds(Napi::Env env, Napi::Object exports) {
  Napi::Object h = exports.Get("host").As<Napi::Object>();
#define F(name, fn) h.Set(name, Napi::Function::New(env, fn, name))
  F("unixListen", UnixListen);
  F("unixConnect", UnixConnect);
  F("unixAccept", UnixAccept);
  F("sendFds", SendFds);
  F("recvFds", RecvFds);
#undef F
  return exports;
}

}  // namespace tsv
