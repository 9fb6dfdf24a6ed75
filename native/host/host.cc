// Host calls Node lacks, one function per call. Every function returns the call's
// result or -errno (never throws on a failing call: the kernel maps errors itself).
// Buffers are ArrayBuffers/TypedArrays with an explicit (offset, length) window.
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>
#include "../common.h"
#include "memfd.h"

namespace tsv {

static inline Napi::Value Ret(Napi::Env env, long r) { return Napi::Number::New(env, r < 0 ? -errno : static_cast<double>(r)); }
static inline int I32(const Napi::Value& v) { return v.As<Napi::Number>().Int32Value(); }

// Resolves (buffer, offset, length) to a pointer; false (and EFAULT) when outside.
static bool Window(const Napi::CallbackInfo& info, size_t i, uint8_t** p, size_t* len) {
  Bytes b;
  if (!GetBytes(info[i], &b)) return false;
  uint64_t off = ToI64(info[i + 1]), n = ToI64(info[i + 2]);
  if (off > b.len || n > b.len - off) return false;
  *p = b.data + off;
  *len = n;
  return true;
}
#define WINDOW_OR_EFAULT(i, p, n) \
  uint8_t* p; size_t n; \
  if (!Window(info, i, &p, &n)) return Napi::Number::New(info.Env(), -EFAULT)

// A path argument: a JS string (sent as UTF-8) or raw bytes (a Buffer/Uint8Array holding the
// exact bytes, no NUL), so names that are not valid UTF-8 reach the host unchanged.
static std::string PathArg(const Napi::Value& v) {
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  Bytes b;
  if (GetBytes(v, &b)) return std::string(reinterpret_cast<const char*>(b.data), b.len);
  return std::string();
}

// openat2(dirfd, path, flags, mode, resolve)
static Napi::Value Openat2(const Napi::CallbackInfo& info) {
  std::string path = PathArg(info[1]);
  struct open_how how{};
  how.flags = static_cast<uint64_t>(info[2].As<Napi::Number>().Uint32Value());
  how.mode = info[3].As<Napi::Number>().Uint32Value();
  how.resolve = info[4].As<Napi::Number>().Uint32Value();
  long r = syscall(SYS_openat2, I32(info[0]), path.c_str(), &how, sizeof how);
  return Ret(info.Env(), r);
}

// openat(dirfd, path, flags, mode)
static Napi::Value Openat(const Napi::CallbackInfo& info) {
  std::string path = PathArg(info[1]);
  return Ret(info.Env(), openat(I32(info[0]), path.c_str(), I32(info[2]), info[3].As<Napi::Number>().Uint32Value()));
}

static Napi::Value Close(const Napi::CallbackInfo& info) { return Ret(info.Env(), close(I32(info[0]))); }

// read(fd, buf, off, len) / write(fd, buf, off, len)
static Napi::Value Read(const Napi::CallbackInfo& info) {
  WINDOW_OR_EFAULT(1, p, n);
  return Ret(info.Env(), read(I32(info[0]), p, n));
}
static Napi::Value Write(const Napi::CallbackInfo& info) {
  WINDOW_OR_EFAULT(1, p, n);
  return Ret(info.Env(), write(I32(info[0]), p, n));
}
// recv(fd, buf, off, len, flags) / send(fd, buf, off, len, flags): a socket's bytes with the
// call's own flags (MSG_DONTWAIT: no wait, whatever the shared description's O_NONBLOCK says).
static Napi::Value Recv(const Napi::CallbackInfo& info) {
  WINDOW_OR_EFAULT(1, p, n);
  return Ret(info.Env(), recv(I32(info[0]), p, n, I32(info[4])));
}
static Napi::Value Send(const Napi::CallbackInfo& info) {
  WINDOW_OR_EFAULT(1, p, n);
  return Ret(info.Env(), send(I32(info[0]), p, n, I32(info[4])));
}
// pread(fd, buf, off, len, pos) / pwrite(fd, buf, off, len, pos)
static Napi::Value Pread(const Napi::CallbackInfo& info) {
  WINDOW_OR_EFAULT(1, p, n);
  return Ret(info.Env(), pread(I32(info[0]), p, n, ToI64(info[4])));
}
static Napi::Value Pwrite(const Napi::CallbackInfo& info) {
  WINDOW_OR_EFAULT(1, p, n);
  return Ret(info.Env(), pwrite(I32(info[0]), p, n, ToI64(info[4])));
}
// lseek(fd, offset, whence)
static Napi::Value Lseek(const Napi::CallbackInfo& info) {
  return Ret(info.Env(), lseek(I32(info[0]), ToI64(info[1]), I32(info[2])));
}
// fstat(fd, buf, off): raw struct stat (x86_64 layout, 144 bytes).
static Napi::Value Fstat(const Napi::CallbackInfo& info) {
  Bytes b;
  uint64_t off = ToI64(info[2]);
  if (!GetBytes(info[1], &b) || off + sizeof(struct stat) > b.len) return Napi::Number::New(info.Env(), -EFAULT);
  return Ret(info.Env(), fstat(I32(info[0]), reinterpret_cast<struct stat*>(b.data + off)));
}
// fstatfs(fd, buf, off): raw struct statfs (x86_64 layout, 120 bytes).
static Napi::Value Fstatfs(const Napi::CallbackInfo& info) {
  Bytes b;
  uint64_t off = ToI64(info[2]);
  if (!GetBytes(info[1], &b) || off + sizeof(struct statfs) > b.len) return Napi::Number::New(info.Env(), -EFAULT);
  return Ret(info.Env(), fstatfs(I32(info[0]), reinterpret_cast<struct statfs*>(b.data + off)));
}
// fstatat(dirfd, path, buf, off, flags)
static Napi::Value Fstatat(const Napi::CallbackInfo& info) {
  std::string path = PathArg(info[1]);
  Bytes b;
  uint64_t off = ToI64(info[3]);
  if (!GetBytes(info[2], &b) || off + sizeof(struct stat) > b.len) return Napi::Number::New(info.Env(), -EFAULT);
  return Ret(info.Env(), fstatat(I32(info[0]), path.c_str(), reinterpret_cast<struct stat*>(b.data + off), I32(info[4])));
}
// statx(dirfd, path, flags, mask, buf, off): raw struct statx (256 bytes).
static Napi::Value Statx(const Napi::CallbackInfo& info) {
  std::string path = PathArg(info[1]);
  Bytes b;
  uint64_t off = ToI64(info[5]);
  if (!GetBytes(info[4], &b) || off + 256 > b.len) return Napi::Number::New(info.Env(), -EFAULT);
  return Ret(info.Env(), syscall(SYS_statx, I32(info[0]), path.c_str(), I32(info[2]), info[3].As<Napi::Number>().Uint32Value(), b.data + off));
}
// getdents64(fd, buf, off, len): raw linux_dirent64 records (same layout as the guest's).
static Napi::Value Getdents64(const Napi::CallbackInfo& info) {
  WINDOW_OR_EFAULT(1, p, n);
  return Ret(info.Env(), syscall(SYS_getdents64, I32(info[0]), p, n));
}
// readlinkat(dirfd, path, buf, off, len)
static Napi::Value Readlinkat(const Napi::CallbackInfo& info) {
  std::string path = PathArg(info[1]);
  WINDOW_OR_EFAULT(2, p, n);
  return Ret(info.Env(), readlinkat(I32(info[0]), path.c_str(), reinterpret_cast<char*>(p), n));
}
// faccessat(dirfd, path, mode, flags)
static Napi::Value Faccessat(const Napi::CallbackInfo& info) {
  std::string path = PathArg(info[1]);
  return Ret(info.Env(), syscall(SYS_faccessat2, I32(info[0]), path.c_str(), I32(info[2]), I32(info[3])));
}
// ioctlTermios(fd, buf, off): TCGETS into a struct termios (60 bytes, kernel layout).
static Napi::Value IoctlTcgets(const Napi::CallbackInfo& info) {
  Bytes b;
  uint64_t off = ToI64(info[2]);
  if (!GetBytes(info[1], &b) || off + 60 > b.len) return Napi::Number::New(info.Env(), -EFAULT);
  return Ret(info.Env(), ioctl(I32(info[0]), TCGETS, b.data + off));
}
// ioctlWinsize(fd, buf, off): TIOCGWINSZ into a struct winsize (8 bytes).
static Napi::Value IoctlWinsize(const Napi::CallbackInfo& info) {
  Bytes b;
  uint64_t off = ToI64(info[2]);
  if (!GetBytes(info[1], &b) || off + sizeof(struct winsize) > b.len) return Napi::Number::New(info.Env(), -EFAULT);
  return Ret(info.Env(), ioctl(I32(info[0]), TIOCGWINSZ, b.data + off));
}
// fcntl(fd, cmd, arg) for integer-argument commands.
static Napi::Value Fcntl(const Napi::CallbackInfo& info) {
  return Ret(info.Env(), fcntl(I32(info[0]), I32(info[1]), I32(info[2])));
}
// clockGettime(clockid, out Float64Array[2]): seconds and nanoseconds, no allocation.
static Napi::Value ClockGettime(const Napi::CallbackInfo& info) {
  struct timespec ts;
  int r = clock_gettime(I32(info[0]), &ts);
  if (r < 0) return Ret(info.Env(), r);
  Bytes b;
  if (GetBytes(info[1], &b) && b.len >= 16) {
    double* d = reinterpret_cast<double*>(b.data);
    d[0] = static_cast<double>(ts.tv_sec);
    d[1] = static_cast<double>(ts.tv_nsec);
  }
  return Napi::Number::New(info.Env(), 0);
}
// clockGetres(clockid, out Float64Array[2])
static Napi::Value ClockGetres(const Napi::CallbackInfo& info) {
  struct timespec ts;
  int r = clock_getres(I32(info[0]), &ts);
  if (r < 0) return Ret(info.Env(), r);
  Bytes b;
  if (GetBytes(info[1], &b) && b.len >= 16) {
    double* d = reinterpret_cast<double*>(b.data);
    d[0] = static_cast<double>(ts.tv_sec);
    d[1] = static_cast<double>(ts.tv_nsec);
  }
  return Napi::Number::New(info.Env(), 0);
}
static Napi::Value Gettid(const Napi::CallbackInfo& info) { return Ret(info.Env(), syscall(SYS_gettid)); }
// rdtsc(): the low 52 bits are enough for calibration deltas; returns a double.
static Napi::Value Rdtsc(const Napi::CallbackInfo& info) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return Napi::Number::New(info.Env(), static_cast<double>((static_cast<uint64_t>(hi) << 32) | lo));
}
// cpuid(leaf, subleaf, out Uint32Array[4]): what ring 3 sees on this CPU.
static Napi::Value Cpuid(const Napi::CallbackInfo& info) {
  uint32_t a, b, c, d;
  uint32_t leaf = info[0].As<Napi::Number>().Uint32Value(), sub = info[1].As<Napi::Number>().Uint32Value();
  __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(sub));
  Bytes o;
  if (GetBytes(info[2], &o) && o.len >= 16) {
    uint32_t* u = reinterpret_cast<uint32_t*>(o.data);
    u[0] = a; u[1] = b; u[2] = c; u[3] = d;
  }
  return info.Env().Undefined();
}
// timerfdCreate(clockid) / timerfdSetAbs(fd, sec, nsec): one-shot absolute expiry (0,0 disarms).
static Napi::Value TimerfdCreate(const Napi::CallbackInfo& info) {
  return Ret(info.Env(), timerfd_create(I32(info[0]), TFD_NONBLOCK | TFD_CLOEXEC));
}
static Napi::Value TimerfdSetAbs(const Napi::CallbackInfo& info) {
  struct itimerspec its{};
  its.it_value.tv_sec = ToI64(info[1]);
  its.it_value.tv_nsec = ToI64(info[2]);
  return Ret(info.Env(), timerfd_settime(I32(info[0]), TFD_TIMER_ABSTIME, &its, nullptr));
}
// pollOne(fd, events, timeoutMs): poll(2) on one fd; returns revents or -errno.
static Napi::Value PollOne(const Napi::CallbackInfo& info) {
  struct pollfd p{I32(info[0]), static_cast<short>(I32(info[1])), 0};
  int r = poll(&p, 1, I32(info[2]));
  if (r < 0) return Ret(info.Env(), r);
  return Napi::Number::New(info.Env(), r == 0 ? 0 : p.revents);
}
// ignoreSignal / defaultSignal: tsvisor's own handling of host signals (SIGUSR1 inspector off).
static Napi::Value SignalDefault(const Napi::CallbackInfo& info) {
  struct sigaction sa{};
  sa.sa_handler = info[1].As<Napi::Boolean>().Value() ? SIG_IGN : SIG_DFL;
  sigemptyset(&sa.sa_mask);
  return Ret(info.Env(), sigaction(I32(info[0]), &sa, nullptr));
}

// FdWatch: a libuv poll handle, so the event loop wakes tasks on host fd readiness.
class FdWatch : public Napi::ObjectWrap<FdWatch> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "FdWatch", {
      InstanceMethod("start", &FdWatch::Start),
      InstanceMethod("stop", &FdWatch::Stop),
      InstanceMethod("pause", &FdWatch::Pause),
    });
  }
  // new FdWatch(fd, callback(status, events))
  explicit FdWatch(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FdWatch>(info) {
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(info.Env(), &loop);
    handle_ = new uv_poll_t;
    int r = uv_poll_init(loop, handle_, I32(info[0]));
    if (r < 0) { delete handle_; handle_ = nullptr; ThrowErrno(info.Env(), "uv_poll_init", -r); return; }
    handle_->data = this;
    cb_ = Napi::Persistent(info[1].As<Napi::Function>());
    env_ = info.Env();
  }
  ~FdWatch() override { CloseHandle(); }

 private:
  static void OnPoll(uv_poll_t* h, int status, int events) {
    FdWatch* self = static_cast<FdWatch*>(h->data);
    Napi::HandleScope scope(self->env_);
    self->cb_.MakeCallback(self->env_.Global(), {Napi::Number::New(self->env_, status), Napi::Number::New(self->env_, events)});
  }
  void CloseHandle() {
    if (!handle_) return;
    uv_poll_stop(handle_);
    uv_close(reinterpret_cast<uv_handle_t*>(handle_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    handle_ = nullptr;
  }
  // start(events): UV_READABLE=1, UV_WRITABLE=2 (a started handle takes the new set)
  Napi::Value Start(const Napi::CallbackInfo& info) {
    if (!handle_) return Napi::Number::New(info.Env(), -EBADF);
    return Napi::Number::New(info.Env(), uv_poll_start(handle_, I32(info[0]), OnPoll));
  }
  // stop(): closes the handle for good (start gives EBADF after it).
  Napi::Value Stop(const Napi::CallbackInfo& info) {
    CloseHandle();
    return info.Env().Undefined();
  }
  // pause(): stops watching; start() watches again.
  Napi::Value Pause(const Napi::CallbackInfo& info) {
    if (handle_) uv_poll_stop(handle_);
    return info.Env().Undefined();
  }
  uv_poll_t* handle_ = nullptr;
  Napi::FunctionReference cb_;
  Napi::Env env_ = nullptr;
};

Napi::Object InitHost(Napi::Env env, Napi::Object exports) {
  Napi::Object h = Napi::Object::New(env);
#define F(name, fn) h.Set(name, Napi::Function::New(env, fn, name))
  F("openat2", Openat2);
  F("openat", Openat);
  F("close", Close);
  F("read", Read);
  F("write", Write);
  F("pread", Pread);
  F("pwrite", Pwrite);
  F("recv", Recv);
  F("send", Send);
  F("lseek", Lseek);
  F("fstat", Fstat);
  F("fstatat", Fstatat);
  F("fstatfs", Fstatfs);
  F("statx", Statx);
  F("getdents64", Getdents64);
  F("readlinkat", Readlinkat);
  F("faccessat", Faccessat);
  F("ioctlTcgets", IoctlTcgets);
  F("ioctlWinsize", IoctlWinsize);
  F("fcntl", Fcntl);
  F("clockGettime", ClockGettime);
  F("clockGetres", ClockGetres);
  F("gettid", Gettid);
  F("rdtsc", Rdtsc);
  F("cpuid", Cpuid);
  F("timerfdCreate", TimerfdCreate);
  F("timerfdSetAbs", TimerfdSetAbs);
  F("pollOne", PollOne);
  F("signalDefault", SignalDefault);
#undef F
  h.Set("MemFd", MemFd::Define(env));
  h.Set("FdWatch", FdWatch::Define(env));
  exports.Set("host", h);
  return exports;
}

}  // namespace tsv
