#include "memfd.h"
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <unistd.h>
#include <v8.h>
#include "../common.h"

namespace tsv {

Napi::Function MemFd::Define(Napi::Env env) {
  return DefineClass(env, "MemFd", {
    InstanceAccessor("fd", &MemFd::Fd, nullptr),
    InstanceAccessor("size", &MemFd::Size, nullptr),
    InstanceMethod("view", &MemFd::View),
    InstanceMethod("fallocate", &MemFd::Fallocate),
    InstanceMethod("punchHole", &MemFd::PunchHole),
    InstanceMethod("populate", &MemFd::Populate),
    InstanceMethod("close", &MemFd::Close),
  });
}

// new MemFd(name, size): memfd_create + ftruncate (sparse) + one shared mapping.
MemFd::MemFd(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MemFd>(info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  size_ = static_cast<uint64_t>(ToI64(info[1]));
  fd_ = memfd_create(name.c_str(), MFD_CLOEXEC);
  if (fd_ < 0) { ThrowErrno(env, "memfd_create", errno); return; }
  if (ftruncate(fd_, size_) < 0) { ThrowErrno(env, "ftruncate memfd", errno); return; }
  void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd_, 0);
  if (p == MAP_FAILED) { ThrowErrno(env, "mmap memfd", errno); return; }
  base_ = static_cast<uint8_t*>(p);
}

MemFd::~MemFd() {
  if (base_) munmap(base_, size_);
  if (fd_ >= 0) close(fd_);
}

Napi::Value MemFd::Fd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_); }
Napi::Value MemFd::Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(size_)); }

// view(offset, length): an ArrayBuffer over part of the mapping (no copy). The
// mapping outlives every view: MemFd is kept alive by the MemoryFile that owns both.
// Made through V8 itself with its empty deleter, the one kind of external buffer V8
// does not count as external memory: N-API's external buffers count their whole
// length, so the views of a 2 GiB sparse file made V8 run a full, heap-shrinking GC
// ("external memory pressure") in every sandbox's first milliseconds. Node's
// napi_value is a V8 Local's slot (as Node's own v8impl converts it); the callback's
// handle scope keeps it alive until it is returned.
Napi::Value MemFd::View(const Napi::CallbackInfo& info) {
  uint64_t off = ToI64(info[0]), len = ToI64(info[1]);
  if (!base_ || off + len > size_) { ThrowErrno(info.Env(), "MemFd.view", EINVAL); return info.Env().Undefined(); }
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  std::unique_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStore(base_ + off, len, v8::BackingStore::EmptyDeleter, nullptr);
  v8::Local<v8::ArrayBuffer> ab = v8::ArrayBuffer::New(isolate, std::move(store));
  return Napi::Value(info.Env(), reinterpret_cast<napi_value>(*ab));
}

// fallocate(offset, length): reserve backing pages now, so a later guest touch
// cannot SIGBUS inside tsvisor. Returns 0 or -errno (ENOSPC/ENOMEM -> guest ENOMEM).
Napi::Value MemFd::Fallocate(const Napi::CallbackInfo& info) {
  int r = fallocate(fd_, 0, ToI64(info[0]), ToI64(info[1]));
  return Napi::Number::New(info.Env(), r < 0 ? -errno : 0);
}

// punchHole(offset, length): give freed frames back to the host (reads as zero after).
Napi::Value MemFd::PunchHole(const Napi::CallbackInfo& info) {
  int r = fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, ToI64(info[0]), ToI64(info[1]));
  return Napi::Number::New(info.Env(), r < 0 ? -errno : 0);
}

// populate(offset, length): MADV_POPULATE_WRITE on this process's mapping: backs the
// range and maps it here, so KVM finds host PTEs present (and can prefetch shadow entries).
Napi::Value MemFd::Populate(const Napi::CallbackInfo& info) {
  uint64_t off = ToI64(info[0]), len = ToI64(info[1]);
  if (!base_ || off + len > size_) return Napi::Number::New(info.Env(), -EINVAL);
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
  int r = madvise(base_ + off, len, MADV_POPULATE_WRITE);
  return Napi::Number::New(info.Env(), r < 0 ? -errno : 0);
}

Napi::Value MemFd::Close(const Napi::CallbackInfo& info) {
  if (base_) munmap(base_, size_);
  base_ = nullptr;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  return info.Env().Undefined();
}

}  // namespace tsv
