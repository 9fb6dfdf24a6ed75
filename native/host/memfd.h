// MemFd: a memfd mapped once into this process. Guest memory (the MemoryFile) lives
// here; TypeScript sees it as ArrayBuffer windows, KVM as a memory slot.
#pragma once
#include <napi.h>
#include <cstdint>

namespace tsv {

class MemFd : public Napi::ObjectWrap<MemFd> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit MemFd(const Napi::CallbackInfo& info);
  ~MemFd() override;
  uint8_t* base() const { return base_; }
  uint64_t size() const { return size_; }

 private:
  Napi::Value Fd(const Napi::CallbackInfo& info);
  Napi::Value Size(const Napi::CallbackInfo& info);
  Napi::Value View(const Napi::CallbackInfo& info);
  Napi::Value Fallocate(const Napi::CallbackInfo& info);
  Napi::Value PunchHole(const Napi::CallbackInfo& info);
  Napi::Value Populate(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  int fd_ = -1;
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace tsv
