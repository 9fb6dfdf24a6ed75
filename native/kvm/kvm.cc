// Thin wrappers over /dev/kvm: Kvm (system fd), Vm, Vcpu. One method per ioctl,
// no policy; hot-path calls (Vcpu.run) return -errno instead of throwing.
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <atomic>
#include <cstddef>
#include "../common.h"
#include "../host/memfd.h"
#include "ioctls.h"

namespace tsv {

// The vCPU whose KVM_RUN the preemption timer interrupts (one vCPU runs at a time
// on the main thread). The signal handler only touches immediate_exit.
static std::atomic<struct kvm_run*> g_running_run{nullptr};
static int g_tick_signal = 0;

static void TickHandler(int, siginfo_t*, void*) {
  struct kvm_run* run = g_running_run.load(std::memory_order_relaxed);
  if (run) run->immediate_exit = 1;
}

class Kvm : public Napi::ObjectWrap<Kvm> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Kvm", {
      InstanceMethod("apiVersion", &Kvm::ApiVersion),
      InstanceMethod("checkExtension", &Kvm::CheckExtension),
      InstanceMethod("vcpuMmapSize", &Kvm::VcpuMmapSize),
      InstanceMethod("getSupportedCpuid", &Kvm::GetSupportedCpuid),
      InstanceMethod("getMsrIndexList", &Kvm::GetMsrIndexList),
      InstanceMethod("close", &Kvm::Close),
      InstanceAccessor("fd", &Kvm::Fd, nullptr),
    });
  }
  explicit Kvm(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Kvm>(info) {
    std::string path = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "/dev/kvm";
    fd_ = open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) ThrowErrno(info.Env(), ("open " + path).c_str(), errno);
  }
  ~Kvm() override { if (fd_ >= 0) close(fd_); }
  int fd() const { return fd_; }

 private:
  Napi::Value Fd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_); }
  Napi::Value ApiVersion(const Napi::CallbackInfo& info) {
    int r = ioctl(fd_, KVM_GET_API_VERSION, 0);
    if (r < 0) { ThrowErrno(info.Env(), "KVM_GET_API_VERSION", errno); return info.Env().Undefined(); }
    return Napi::Number::New(info.Env(), r);
  }
  Napi::Value CheckExtension(const Napi::CallbackInfo& info) {
    int r = ioctl(fd_, KVM_CHECK_EXTENSION, info[0].As<Napi::Number>().Int32Value());
    return Napi::Number::New(info.Env(), r < 0 ? 0 : r);
  }
  Napi::Value VcpuMmapSize(const Napi::CallbackInfo& info) {
    int r = ioctl(fd_, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (r < 0) { ThrowErrno(info.Env(), "KVM_GET_VCPU_MMAP_SIZE", errno); return info.Env().Undefined(); }
    return Napi::Number::New(info.Env(), r);
  }
  // getSupportedCpuid(buf): fills buf with struct kvm_cpuid2 (nent from buf size); returns nent.
  Napi::Value GetSupportedCpuid(const Napi::CallbackInfo& info) {
    Bytes b;
    if (!GetBytes(info[0], &b) || b.len < 8) { ThrowErrno(info.Env(), "KVM_GET_SUPPORTED_CPUID", EINVAL); return info.Env().Undefined(); }
    auto* c = reinterpret_cast<kvm_cpuid2*>(b.data);
    c->nent = (b.len - 8) / sizeof(kvm_cpuid_entry2);
    if (ioctl(fd_, TSV_KVM_GET_SUPPORTED_CPUID, c) < 0) { ThrowErrno(info.Env(), "KVM_GET_SUPPORTED_CPUID", errno); return info.Env().Undefined(); }
    return Napi::Number::New(info.Env(), c->nent);
  }
  Napi::Value GetMsrIndexList(const Napi::CallbackInfo& info) {
    alignas(8) uint8_t raw[4 + 1024 * sizeof(uint32_t)] = {};
    auto* list = reinterpret_cast<uint32_t*>(raw);  // C layout: u32 nmsrs, then u32 indices
    list[0] = 1024;
    Napi::Array out = Napi::Array::New(info.Env());
    if (ioctl(fd_, TSV_KVM_GET_MSR_INDEX_LIST, list) < 0) return out;
    for (uint32_t i = 0; i < list[0]; i++) out.Set(i, Napi::Number::New(info.Env(), list[1 + i]));
    return out;
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    return info.Env().Undefined();
  }
  int fd_ = -1;
};

class Vm : public Napi::ObjectWrap<Vm> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Vm", {
      InstanceMethod("setUserMemoryRegion", &Vm::SetUserMemoryRegion),
      InstanceMethod("setTssAddr", &Vm::SetTssAddr),
      InstanceMethod("setIdentityMapAddr", &Vm::SetIdentityMapAddr),
      InstanceMethod("checkExtension", &Vm::CheckExtension),
      InstanceMethod("close", &Vm::Close),
      InstanceAccessor("fd", &Vm::Fd, nullptr),
    });
  }
  // new Vm(kvm)
  explicit Vm(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Vm>(info) {
    Kvm* kvm = Napi::ObjectWrap<Kvm>::Unwrap(info[0].As<Napi::Object>());
    kvm_fd_ = kvm->fd();
    fd_ = ioctl(kvm_fd_, KVM_CREATE_VM, 0);
    if (fd_ < 0) ThrowErrno(info.Env(), "KVM_CREATE_VM", errno);
    mmap_size_ = ioctl(kvm_fd_, KVM_GET_VCPU_MMAP_SIZE, 0);
  }
  ~Vm() override { if (fd_ >= 0) close(fd_); }
  int fd() const { return fd_; }
  int mmap_size() const { return mmap_size_; }

 private:
  Napi::Value Fd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_); }
  // setUserMemoryRegion(slot, flags, guestPhys, memfd, memfdOffset, size)
  Napi::Value SetUserMemoryRegion(const Napi::CallbackInfo& info) {
    MemFd* mem = Napi::ObjectWrap<MemFd>::Unwrap(info[3].As<Napi::Object>());
    uint64_t off = ToI64(info[4]);
    uint64_t size = ToI64(info[5]);
    if (off + size > mem->size()) { ThrowErrno(info.Env(), "KVM_SET_USER_MEMORY_REGION", EINVAL); return info.Env().Undefined(); }
    kvm_userspace_memory_region r{};
    r.slot = info[0].As<Napi::Number>().Uint32Value();
    r.flags = info[1].As<Napi::Number>().Uint32Value();
    r.guest_phys_addr = ToI64(info[2]);
    r.memory_size = size;
    r.userspace_addr = reinterpret_cast<uint64_t>(mem->base()) + off;
    if (ioctl(fd_, KVM_SET_USER_MEMORY_REGION, &r) < 0) ThrowErrno(info.Env(), "KVM_SET_USER_MEMORY_REGION", errno);
    return info.Env().Undefined();
  }
  Napi::Value SetTssAddr(const Napi::CallbackInfo& info) {
    if (ioctl(fd_, KVM_SET_TSS_ADDR, static_cast<unsigned long>(ToI64(info[0]))) < 0) ThrowErrno(info.Env(), "KVM_SET_TSS_ADDR", errno);
    return info.Env().Undefined();
  }
  Napi::Value SetIdentityMapAddr(const Napi::CallbackInfo& info) {
    uint64_t a = ToI64(info[0]);
    if (ioctl(fd_, KVM_SET_IDENTITY_MAP_ADDR, &a) < 0) ThrowErrno(info.Env(), "KVM_SET_IDENTITY_MAP_ADDR", errno);
    return info.Env().Undefined();
  }
  Napi::Value CheckExtension(const Napi::CallbackInfo& info) {
    int r = ioctl(fd_, KVM_CHECK_EXTENSION, info[0].As<Napi::Number>().Int32Value());
    return Napi::Number::New(info.Env(), r < 0 ? 0 : r);
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    return info.Env().Undefined();
  }
  int fd_ = -1, kvm_fd_ = -1, mmap_size_ = 0;
};

class Vcpu : public Napi::ObjectWrap<Vcpu> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Vcpu", {
      InstanceMethod("runArea", &Vcpu::RunArea),
      InstanceMethod("run", &Vcpu::Run),
      InstanceMethod("getRegs", &Vcpu::GetRegs),
      InstanceMethod("setRegs", &Vcpu::SetRegs),
      InstanceMethod("getSregs", &Vcpu::GetSregs),
      InstanceMethod("setSregs", &Vcpu::SetSregs),
      InstanceMethod("setMsr", &Vcpu::SetMsr),
      InstanceMethod("getMsr", &Vcpu::GetMsr),
      InstanceMethod("setCpuid2", &Vcpu::SetCpuid2),
      InstanceMethod("getXsave", &Vcpu::GetXsave),
      InstanceMethod("setXsave", &Vcpu::SetXsave),
      InstanceMethod("setXcr", &Vcpu::SetXcr),
      InstanceMethod("getFpu", &Vcpu::GetFpu),
      InstanceMethod("setFpu", &Vcpu::SetFpu),
      InstanceMethod("armTick", &Vcpu::ArmTick),
      InstanceMethod("close", &Vcpu::Close),
      InstanceAccessor("fd", &Vcpu::Fd, nullptr),
    });
  }
  // new Vcpu(vm, id, tickSignal)
  explicit Vcpu(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Vcpu>(info) {
    Napi::Env env = info.Env();
    Vm* vm = Napi::ObjectWrap<Vm>::Unwrap(info[0].As<Napi::Object>());
    fd_ = ioctl(vm->fd(), KVM_CREATE_VCPU, info[1].As<Napi::Number>().Int32Value());
    if (fd_ < 0) { ThrowErrno(env, "KVM_CREATE_VCPU", errno); return; }
    run_size_ = vm->mmap_size();
    void* p = mmap(nullptr, run_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) { ThrowErrno(env, "mmap kvm_run", errno); return; }
    run_ = static_cast<kvm_run*>(p);
    int sig = info.Length() > 2 ? info[2].As<Napi::Number>().Int32Value() : 0;
    if (sig > 0) SetupTick(env, sig);
  }
  ~Vcpu() override { Release(); }

 private:
  void Release() {
    if (timer_ok_) { timer_delete(timer_); timer_ok_ = false; }
    if (run_) { munmap(run_, run_size_); run_ = nullptr; }
    if (fd_ >= 0) { close(fd_); fd_ = -1; }
  }
  // A POSIX timer aimed at this thread; its handler sets immediate_exit.
  void SetupTick(Napi::Env env, int sig) {
    if (g_tick_signal != sig) {
      struct sigaction sa{};
      sa.sa_sigaction = TickHandler;
      sa.sa_flags = SA_SIGINFO | SA_RESTART;
      sigemptyset(&sa.sa_mask);
      if (sigaction(sig, &sa, nullptr) < 0) { ThrowErrno(env, "sigaction tick", errno); return; }
      g_tick_signal = sig;
    }
    struct sigevent sev{};
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = sig;
    sev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer_) < 0) { ThrowErrno(env, "timer_create", errno); return; }
    timer_ok_ = true;
  }
  Napi::Value RunArea(const Napi::CallbackInfo& info) {
    return Napi::ArrayBuffer::New(info.Env(), run_, run_size_);
  }
  // run(): KVM_RUN; 0 on an exit, -errno on failure (-EINTR: a host signal arrived).
  Napi::Value Run(const Napi::CallbackInfo& info) {
    g_running_run.store(run_, std::memory_order_relaxed);
    int r = ioctl(fd_, KVM_RUN, 0);
    int err = errno;
    g_running_run.store(nullptr, std::memory_order_relaxed);
    run_->immediate_exit = 0;
    return Napi::Number::New(info.Env(), r < 0 ? -err : 0);
  }
  // armTick(ns): one-shot preemption timer; 0 disarms.
  Napi::Value ArmTick(const Napi::CallbackInfo& info) {
    if (!timer_ok_) return Napi::Number::New(info.Env(), -ENOSYS);
    int64_t ns = ToI64(info[0]);
    struct itimerspec its{};
    its.it_value.tv_sec = ns / 1000000000;
    its.it_value.tv_nsec = ns % 1000000000;
    int r = timer_settime(timer_, 0, &its, nullptr);
    return Napi::Number::New(info.Env(), r < 0 ? -errno : 0);
  }
  template <unsigned long REQ, typename T>
  Napi::Value IoctlBuf(const Napi::CallbackInfo& info, const char* name) {
    return IoctlBufN<REQ, sizeof(T)>(info, name);
  }
  template <unsigned long REQ, size_t SIZE>
  Napi::Value IoctlBufN(const Napi::CallbackInfo& info, const char* name) {
    Bytes b;
    if (!GetBytes(info[0], &b) || b.len < SIZE) { ThrowErrno(info.Env(), name, EINVAL); return info.Env().Undefined(); }
    if (ioctl(fd_, REQ, b.data) < 0) ThrowErrno(info.Env(), name, errno);
    return info.Env().Undefined();
  }
  Napi::Value GetRegs(const Napi::CallbackInfo& i) { return IoctlBuf<KVM_GET_REGS, kvm_regs>(i, "KVM_GET_REGS"); }
  Napi::Value SetRegs(const Napi::CallbackInfo& i) { return IoctlBuf<KVM_SET_REGS, kvm_regs>(i, "KVM_SET_REGS"); }
  Napi::Value GetSregs(const Napi::CallbackInfo& i) { return IoctlBuf<KVM_GET_SREGS, kvm_sregs>(i, "KVM_GET_SREGS"); }
  Napi::Value SetSregs(const Napi::CallbackInfo& i) { return IoctlBuf<KVM_SET_SREGS, kvm_sregs>(i, "KVM_SET_SREGS"); }
  Napi::Value GetXsave(const Napi::CallbackInfo& i) { return IoctlBufN<TSV_KVM_GET_XSAVE, TSV_KVM_XSAVE_SIZE>(i, "KVM_GET_XSAVE"); }
  Napi::Value SetXsave(const Napi::CallbackInfo& i) { return IoctlBufN<TSV_KVM_SET_XSAVE, TSV_KVM_XSAVE_SIZE>(i, "KVM_SET_XSAVE"); }
  Napi::Value GetFpu(const Napi::CallbackInfo& i) { return IoctlBuf<KVM_GET_FPU, kvm_fpu>(i, "KVM_GET_FPU"); }
  Napi::Value SetFpu(const Napi::CallbackInfo& i) { return IoctlBuf<KVM_SET_FPU, kvm_fpu>(i, "KVM_SET_FPU"); }
  // setMsr(index, lo, hi): returns the number of MSRs KVM accepted (1 or 0).
  Napi::Value SetMsr(const Napi::CallbackInfo& info) {
    alignas(8) uint8_t raw[8 + sizeof(kvm_msr_entry)] = {};
    // C layout: u32 nmsrs, u32 pad, then the entries (see ioctls.h).
    auto* m = reinterpret_cast<uint32_t*>(raw);
    auto* e = reinterpret_cast<kvm_msr_entry*>(raw + 8);
    m[0] = 1;
    e->index = info[0].As<Napi::Number>().Uint32Value();
    e->data = (static_cast<uint64_t>(info[2].As<Napi::Number>().Uint32Value()) << 32) | info[1].As<Napi::Number>().Uint32Value();
    int r = ioctl(fd_, TSV_KVM_SET_MSRS, m);
    return Napi::Number::New(info.Env(), r < 0 ? -errno : r);
  }
  // getMsr(index, out Uint32Array[2]): returns the count read (1 or 0).
  Napi::Value GetMsr(const Napi::CallbackInfo& info) {
    alignas(8) uint8_t raw[8 + sizeof(kvm_msr_entry)] = {};
    auto* m = reinterpret_cast<uint32_t*>(raw);
    auto* e = reinterpret_cast<kvm_msr_entry*>(raw + 8);
    m[0] = 1;
    e->index = info[0].As<Napi::Number>().Uint32Value();
    int r = ioctl(fd_, TSV_KVM_GET_MSRS, m);
    Bytes b;
    if (r == 1 && GetBytes(info[1], &b) && b.len >= 8) memcpy(b.data, &e->data, 8);
    return Napi::Number::New(info.Env(), r < 0 ? -errno : r);
  }
  // setCpuid2(buf): buf holds struct kvm_cpuid2 with nent filled in.
  Napi::Value SetCpuid2(const Napi::CallbackInfo& info) {
    Bytes b;
    if (!GetBytes(info[0], &b) || b.len < 8) { ThrowErrno(info.Env(), "KVM_SET_CPUID2", EINVAL); return info.Env().Undefined(); }
    if (ioctl(fd_, TSV_KVM_SET_CPUID2, b.data) < 0) ThrowErrno(info.Env(), "KVM_SET_CPUID2", errno);
    return info.Env().Undefined();
  }
  // setXcr(index, lo, hi)
  Napi::Value SetXcr(const Napi::CallbackInfo& info) {
    kvm_xcrs x{};
    x.nr_xcrs = 1;
    x.xcrs[0].xcr = info[0].As<Napi::Number>().Uint32Value();
    x.xcrs[0].value = (static_cast<uint64_t>(info[2].As<Napi::Number>().Uint32Value()) << 32) | info[1].As<Napi::Number>().Uint32Value();
    if (ioctl(fd_, KVM_SET_XCRS, &x) < 0) ThrowErrno(info.Env(), "KVM_SET_XCRS", errno);
    return info.Env().Undefined();
  }
  Napi::Value Close(const Napi::CallbackInfo& info) { Release(); return info.Env().Undefined(); }
  Napi::Value Fd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_); }

  int fd_ = -1;
  kvm_run* run_ = nullptr;
  size_t run_size_ = 0;
  timer_t timer_{};
  bool timer_ok_ = false;
};

// Layout facts the TypeScript side needs (offsets into kvm_run and kvm_sregs, exit codes).
static Napi::Object Constants(Napi::Env env) {
  Napi::Object c = Napi::Object::New(env);
#define K(name, v) c.Set(name, Napi::Number::New(env, static_cast<double>(v)))
  K("RUN_EXIT_REASON", offsetof(kvm_run, exit_reason));
  K("RUN_IMMEDIATE_EXIT", offsetof(kvm_run, immediate_exit));
  K("RUN_IO_DIRECTION", offsetof(kvm_run, io.direction));
  K("RUN_IO_SIZE", offsetof(kvm_run, io.size));
  K("RUN_IO_PORT", offsetof(kvm_run, io.port));
  K("RUN_IO_COUNT", offsetof(kvm_run, io.count));
  K("RUN_IO_DATA_OFFSET", offsetof(kvm_run, io.data_offset));
  K("RUN_FAIL_ENTRY_REASON", offsetof(kvm_run, fail_entry.hardware_entry_failure_reason));
  K("RUN_INTERNAL_SUBERROR", offsetof(kvm_run, internal.suberror));
  K("RUN_INTERNAL_NDATA", offsetof(kvm_run, internal.ndata));
  K("RUN_INTERNAL_DATA", offsetof(kvm_run, internal.data));
  K("RUN_MMIO_PHYS", offsetof(kvm_run, mmio.phys_addr));
  K("RUN_VALID_REGS", offsetof(kvm_run, kvm_valid_regs));
  K("RUN_DIRTY_REGS", offsetof(kvm_run, kvm_dirty_regs));
  K("RUN_SYNC_REGS", offsetof(kvm_run, s.regs.regs));
  K("RUN_SYNC_SREGS", offsetof(kvm_run, s.regs.sregs));
  K("RUN_SYNC_EVENTS", offsetof(kvm_run, s.regs.events));
  K("SIZEOF_REGS", sizeof(kvm_regs));
  K("SIZEOF_SREGS", sizeof(kvm_sregs));
  K("SIZEOF_SEGMENT", sizeof(kvm_segment));
  K("SIZEOF_XSAVE", TSV_KVM_XSAVE_SIZE);
  K("SIZEOF_FPU", sizeof(kvm_fpu));
  K("SIZEOF_CPUID2", 8);  // C size (see ioctls.h)
  K("SIZEOF_CPUID_ENTRY2", sizeof(kvm_cpuid_entry2));
  K("SREGS_CS", offsetof(kvm_sregs, cs));
  K("SREGS_DS", offsetof(kvm_sregs, ds));
  K("SREGS_ES", offsetof(kvm_sregs, es));
  K("SREGS_FS", offsetof(kvm_sregs, fs));
  K("SREGS_GS", offsetof(kvm_sregs, gs));
  K("SREGS_SS", offsetof(kvm_sregs, ss));
  K("SREGS_TR", offsetof(kvm_sregs, tr));
  K("SREGS_LDT", offsetof(kvm_sregs, ldt));
  K("SREGS_GDT", offsetof(kvm_sregs, gdt));
  K("SREGS_IDT", offsetof(kvm_sregs, idt));
  K("SREGS_CR0", offsetof(kvm_sregs, cr0));
  K("SREGS_CR2", offsetof(kvm_sregs, cr2));
  K("SREGS_CR3", offsetof(kvm_sregs, cr3));
  K("SREGS_CR4", offsetof(kvm_sregs, cr4));
  K("SREGS_CR8", offsetof(kvm_sregs, cr8));
  K("SREGS_EFER", offsetof(kvm_sregs, efer));
  K("SREGS_APIC_BASE", offsetof(kvm_sregs, apic_base));
  K("SEG_BASE", offsetof(kvm_segment, base));
  K("SEG_LIMIT", offsetof(kvm_segment, limit));
  K("SEG_SELECTOR", offsetof(kvm_segment, selector));
  K("SEG_TYPE", offsetof(kvm_segment, type));
  K("SEG_PRESENT", offsetof(kvm_segment, present));
  K("SEG_DPL", offsetof(kvm_segment, dpl));
  K("SEG_DB", offsetof(kvm_segment, db));
  K("SEG_S", offsetof(kvm_segment, s));
  K("SEG_L", offsetof(kvm_segment, l));
  K("SEG_G", offsetof(kvm_segment, g));
  K("SEG_AVL", offsetof(kvm_segment, avl));
  K("SEG_UNUSABLE", offsetof(kvm_segment, unusable));
  K("DTABLE_BASE", offsetof(kvm_dtable, base));
  K("DTABLE_LIMIT", offsetof(kvm_dtable, limit));
  K("EXIT_UNKNOWN", KVM_EXIT_UNKNOWN);
  K("EXIT_EXCEPTION", KVM_EXIT_EXCEPTION);
  K("EXIT_IO", KVM_EXIT_IO);
  K("EXIT_HLT", KVM_EXIT_HLT);
  K("EXIT_MMIO", KVM_EXIT_MMIO);
  K("EXIT_SHUTDOWN", KVM_EXIT_SHUTDOWN);
  K("EXIT_FAIL_ENTRY", KVM_EXIT_FAIL_ENTRY);
  K("EXIT_INTR", KVM_EXIT_INTR);
  K("EXIT_INTERNAL_ERROR", KVM_EXIT_INTERNAL_ERROR);
  K("EXIT_SYSTEM_EVENT", KVM_EXIT_SYSTEM_EVENT);
  K("SYNC_X86_REGS", KVM_SYNC_X86_REGS);
  K("SYNC_X86_SREGS", KVM_SYNC_X86_SREGS);
  K("SYNC_X86_EVENTS", KVM_SYNC_X86_EVENTS);
  K("CAP_USER_MEMORY", KVM_CAP_USER_MEMORY);
  K("CAP_EXT_CPUID", KVM_CAP_EXT_CPUID);
  K("CAP_NR_MEMSLOTS", KVM_CAP_NR_MEMSLOTS);
  K("CAP_XSAVE", KVM_CAP_XSAVE);
  K("CAP_XCRS", KVM_CAP_XCRS);
  K("CAP_SYNC_REGS", KVM_CAP_SYNC_REGS);
  K("CAP_IMMEDIATE_EXIT", KVM_CAP_IMMEDIATE_EXIT);
  K("CAP_SET_TSS_ADDR", KVM_CAP_SET_TSS_ADDR);
  K("CAP_MAX_VCPUS", KVM_CAP_MAX_VCPUS);
#undef K
  return c;
}

Napi::Object InitKvm(Napi::Env env, Napi::Object exports) {
  Napi::Object kvm = Napi::Object::New(env);
  kvm.Set("Kvm", Kvm::Define(env));
  kvm.Set("Vm", Vm::Define(env));
  kvm.Set("Vcpu", Vcpu::Define(env));
  kvm.Set("constants", Constants(env));
  exports.Set("kvm", kvm);
  return exports;
}

}  // namespace tsv
