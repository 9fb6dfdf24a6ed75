// The benchmark floor (bench/syscall): the KVM platform's syscall round trip
// driven from C with no TypeScript in the loop. Same guest, same stub, same
// trampoline, same sync-regs sequence as src/platform/kvm/kvm_platform.ts:
// KVM_RUN -> #GP exit from the stub -> read the iret frame -> write the result
// and a fresh frame -> resume at the stub's iretq.
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <time.h>
#include "../common.h"

namespace tsv {

// floorSyscallLoop(vcpuFd, runArea, stackWords, frameWord, iretRip, count, result, frameVa) -> ns per call, or -errno.
// stackWords: Uint32Array over the ring-0 stack page; frameWord: word index of the frame the
// VMM writes (STACK_TOP-40); iretRip: the stub's iretq address (as a signed Number).
static Napi::Value FloorSyscallLoop(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  Bytes run, stack;
  if (!GetBytes(info[1], &run) || !GetBytes(info[2], &stack)) return Napi::Number::New(info.Env(), -EINVAL);
  auto* r = reinterpret_cast<kvm_run*>(run.data);
  auto* w = reinterpret_cast<uint32_t*>(stack.data);
  uint32_t frame = info[3].As<Napi::Number>().Uint32Value();
  uint64_t iret = static_cast<uint64_t>(ToI64(info[4]));
  int64_t count = ToI64(info[5]);
  uint64_t result = static_cast<uint64_t>(ToI64(info[6]));
  uint64_t frameVa = static_cast<uint64_t>(ToI64(info[7]));  // STACK_TOP-40, where the iret frame goes
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  // Each iteration starts at a syscall exit (the platform left the vCPU there): answer it, resume, and
  // take the next one.
  for (int64_t i = 0; i < count; i++) {
    kvm_regs* g = &r->s.regs.regs;
    // The exception frame is at RSP: error code, RIP, CS, RFLAGS, RSP, SS.
    uint64_t* f = reinterpret_cast<uint64_t*>(w + frame) - 1;
    uint64_t userRsp = f[4];
    uint64_t* out = reinterpret_cast<uint64_t*>(w + frame);
    out[0] = g->rcx;                      // RIP = return address of `syscall`
    out[1] = 0x33;
    out[2] = (g->r11 & 0x250dd5) | 0x202; // user flags, IF
    out[3] = userRsp;
    out[4] = 0x2b;
    g->rax = result;
    g->rsp = frameVa;
    g->rip = iret;
    g->rflags = 2;
    r->kvm_dirty_regs = KVM_SYNC_X86_REGS;
    if (ioctl(fd, KVM_RUN, 0) < 0) return Napi::Number::New(info.Env(), -errno);
    if (r->exit_reason != KVM_EXIT_IO || r->io.port != 0x80 + 13) return Napi::Number::New(info.Env(), -EIO);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
  return Napi::Number::New(info.Env(), ns / static_cast<double>(count));
}

Napi::Object InitBench(Napi::Env env, Napi::Object exports) {
  Napi::Object b = Napi::Object::New(env);
  b.Set("floorSyscallLoop", Napi::Function::New(env, FloorSyscallLoop, "floorSyscallLoop"));
  exports.Set("bench", b);
  return exports;
}

}  // namespace tsv
