// Host calls for writable hostfs (--rootfs-writable, read-write bind mounts):
// every change names one component relative to a directory fd that hostfs
// reached through its openat2 walk, or acts on an O_PATH fd of the inode
// itself (AT_EMPTY_PATH), so the host never resolves a path of the guest's.
// One function per call; each returns its result or -errno.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include "../common.h"

namespace tsv {

static inline int I32(const Napi::Value& v) { return v.As<Napi::Number>().Int32Value(); }
static inline Napi::Value Num(Napi::Env env, long r) { return Napi::Number::New(env, r < 0 ? -errno : static_cast<double>(r)); }
// A name argument: a string or its exact bytes.
static std::string Name(const Napi::Value& v) {
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  Bytes b;
  if (GetBytes(v, &b)) return std::string(reinterpret_cast<const char*>(b.data), b.len);
  return std::string();
}

// mkdirat(dirfd, name, mode)
static Napi::Value Mkdirat(const Napi::CallbackInfo& info) {
  return Num(info.Env(), mkdirat(I32(info[0]), Name(info[1]).c_str(), I32(info[2])));
}
// mknodat(dirfd, name, mode): FIFOs, sockets and regular files only (no device numbers).
static Napi::Value Mknodat(const Napi::CallbackInfo& info) {
  mode_t mode = I32(info[2]);
  if (S_ISCHR(mode) || S_ISBLK(mode)) return Napi::Number::New(info.Env(), -EPERM);
  return Num(info.Env(), mknodat(I32(info[0]), Name(info[1]).c_str(), mode, 0));
}
// symlinkat(target, dirfd, name)
static Napi::Value Symlinkat(const Napi::CallbackInfo& info) {
  return Num(info.Env(), symlinkat(Name(info[0]).c_str(), I32(info[1]), Name(info[2]).c_str()));
}
// linkat(olddirfd, oldname, newdirfd, newname): never follows (flags 0).
static Napi::Value Linkat(const Napi::CallbackInfo& info) {
  return Num(info.Env(), linkat(I32(info[0]), Name(info[1]).c_str(), I32(info[2]), Name(info[3]).c_str(), 0));
}
// unlinkat(dirfd, name, flags)
static Napi::Value Unlinkat(const Napi::CallbackInfo& info) {
  return Num(info.Env(), unlinkat(I32(info[0]), Name(info[1]).c_str(), I32(info[2])));
}
// renameat2(olddirfd, oldname, newdirfd, newname, flags)
static Napi::Value Renameat2(const Napi::CallbackInfo& info) {
  return Num(info.Env(), syscall(SYS_renameat2, I32(info[0]), Name(info[1]).c_str(), I32(info[2]),
    Name(info[3]).c_str(), static_cast<unsigned>(I32(info[4]))));
}
// fchmodPath(fd, mode): fchmodat2(fd, "", mode, AT_EMPTY_PATH) on an O_PATH fd.
static Napi::Value FchmodPath(const Napi::CallbackInfo& info) {
  return Num(info.Env(), syscall(452 /* fchmodat2 */, I32(info[0]), "", I32(info[1]), AT_EMPTY_PATH));
}
// fchownPath(fd, uid, gid): fchownat(fd, "", uid, gid, AT_EMPTY_PATH) (-1 keeps a field).
static Napi::Value FchownPath(const Napi::CallbackInfo& info) {
  return Num(info.Env(), fchownat(I32(info[0]), "", static_cast<uid_t>(I32(info[1])), static_cast<gid_t>(I32(info[2])),
    AT_EMPTY_PATH));
}
// utimensPath(fd, asec, ansec, msec, mnsec): utimensat(fd, "", times, AT_EMPTY_PATH); nsec may be
// UTIME_NOW or UTIME_OMIT.
static Napi::Value UtimensPath(const Napi::CallbackInfo& info) {
  struct timespec ts[2];
  ts[0].tv_sec = static_cast<time_t>(ToI64(info[1])); ts[0].tv_nsec = static_cast<long>(ToI64(info[2]));
  ts[1].tv_sec = static_cast<time_t>(ToI64(info[3])); ts[1].tv_nsec = static_cast<long>(ToI64(info[4]));
  return Num(info.Env(), utimensat(I32(info[0]), "", ts, AT_EMPTY_PATH));
}
// ftruncate(fd, size)
static Napi::Value Ftruncate(const Napi::CallbackInfo& info) {
  return Num(info.Env(), ftruncate(I32(info[0]), static_cast<off_t>(ToI64(info[1]))));
}
// fallocate(fd, mode, offset, len)
static Napi::Value Fallocate(const Napi::CallbackInfo& info) {
  return Num(info.Env(), fallocate(I32(info[0]), I32(info[1]), static_cast<off_t>(ToI64(info[2])),
    static_cast<off_t>(ToI64(info[3]))));
}
// fsync(fd)
static Napi::Value Fsync(const Napi::CallbackInfo& info) { return Num(info.Env(), fsync(I32(info[0]))); }

Napi::Object InitHostfsWrite(Napi::Env env, Napi::Object exports) {
  Napi::Object h = Napi::Object::New(env);
#define F(name, fn) h.Set(name, Napi::Function::New(env, fn, name))
  F("mkdirat", Mkdirat);
  F("mknodat", Mknodat);
  F("symlinkat", Symlinkat);
  F("linkat", Linkat);
  F("unlinkat", Unlinkat);
  F("renameat2", Renameat2);
  F("fchmodPath", FchmodPath);
  F("fchownPath", FchownPath);
  F("utimensPath", UtimensPath);
  F("ftruncate", Ftruncate);
  F("fallocate", Fallocate);
  F("fsync", Fsync);
#undef F
  exports.Set("hostWrite", h);
  return exports;
}

}  // namespace tsv
