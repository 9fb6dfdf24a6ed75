// Host pseudo-terminals for the OCI runtime's --console-socket: the master goes to
// the caller over the socket, the slave becomes the container's console. Thin
// wrappers, one per libc call; each returns its result or -errno.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "../common.h"

namespace tsv {

static inline int I32(const Napi::Value& v) { return v.As<Napi::Number>().Int32Value(); }
static inline Napi::Value Num(Napi::Env env, long r) { return Napi::Number::New(env, r < 0 ? -errno : static_cast<double>(r)); }

// posixOpenpt(flags): a new pty master (O_RDWR|O_NOCTTY|O_CLOEXEC as the caller asks).
static Napi::Value PosixOpenpt(const Napi::CallbackInfo& info) { return Num(info.Env(), posix_openpt(I32(info[0]))); }
// grantpt(fd) / unlockpt(fd)
static Napi::Value Grantpt(const Napi::CallbackInfo& info) { return Num(info.Env(), grantpt(I32(info[0]))); }
static Napi::Value Unlockpt(const Napi::CallbackInfo& info) { return Num(info.Env(), unlockpt(I32(info[0]))); }
// ptsname(fd): the slave's path, or -errno.
static Napi::Value Ptsname(const Napi::CallbackInfo& info) {
  char name[128];
  int r = ptsname_r(I32(info[0]), name, sizeof name);
  if (r != 0) return Napi::Number::New(info.Env(), -r);
  return Napi::String::New(info.Env(), name);
}
// setWinsize(fd, rows, cols): TIOCSWINSZ.
static Napi::Value SetWinsize(const Napi::CallbackInfo& info) {
  struct winsize ws{};
  ws.ws_row = static_cast<unsigned short>(I32(info[1]));
  ws.ws_col = static_cast<unsigned short>(I32(info[2]));
  return Num(info.Env(), ioctl(I32(info[0]), TIOCSWINSZ, &ws));
}

Napi::Object InitPty(Napi::Env env, Napi::Object exports) {
  Napi::Object h = exports.Get("host").As<Napi::Object>();
#define F(name, fn) h.Set(name, Napi::Function::New(env, fn, name))
  F("posixOpenpt", PosixOpenpt);
  F("grantpt", Grantpt);
  F("unlockpt", Unlockpt);
  F("ptsname", Ptsname);
  F("setWinsize", SetWinsize);
#undef F
  return exports;
}

}  // namespace tsv
