// ptrace and the stub process: thin wrappers, one method per host call (the
// spawn is the one compound call: what runs in the child between fork and
// execve cannot be driven from JS). Every call returns its result or -errno.
// All ptrace calls must come from the thread that spawned the stub (Node's main
// thread): a tracee's tracer is a thread, not a process.
#include <elf.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <sched.h>
#include <signal.h>
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <atomic>
#include <string>
#include "../common.h"

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

namespace tsv {

static inline int I32(const Napi::Value& v) { return v.As<Napi::Number>().Int32Value(); }
static inline Napi::Value Num(Napi::Env env, double v) { return Napi::Number::New(env, v); }

// The stub thread the tick interrupts: the last one resumed (a tick that lands while it is
// stopped stays pending and interrupts its next run, as KVM's immediate_exit does).
static std::atomic<pid_t> g_resumed{0};
static int g_tick_signal = 0;
static timer_t g_timer;
static bool g_timer_ok = false;

static void TickHandler(int, siginfo_t*, void*) {
  int saved = errno;
  pid_t p = g_resumed.load(std::memory_order_relaxed);
  if (p > 0) syscall(SYS_tkill, p, g_tick_signal);  // a stub thread's tid, not always a process id
  errno = saved;
}

// The host pid of this process's parent, from /proc/self/stat (the host's procfs shows
// host pids even inside a new pid namespace, where getppid() says 0). Async-signal-safe.
static pid_t HostParent() {
  char buf[512];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char* p = nullptr;
  for (char* q = buf; *q; q++) if (*q == ')') p = q;  // comm may hold ')' itself: take the last
  if (!p || p[1] != ' ' || !p[2] || p[3] != ' ') return -1;
  pid_t v = 0;
  for (p += 4; *p >= '0' && *p <= '9'; p++) v = v * 10 + (*p - '0');
  return v;
}

// spawnStub(path, memfd): a child that becomes a traced stub with no fds but the memory
// file (at fd 3), default signal dispositions, an empty mask, its own process group,
// and SIGKILL when this thread dies; then execve(path). The child is pid 1 of a new
// pid namespace where the host allows it (so the stubs forked from it see no host
// pid; the tracer still sees host pids), else a plain fork. Returns the host pid.
static Napi::Value SpawnStub(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int memfd = I32(info[1]);
  pid_t parent = getpid();
  // clone(2) without a new stack acts as fork(2); the child runs no atfork handler,
  // which it does not need (only async-signal-safe calls follow).
  pid_t pid = static_cast<pid_t>(syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
  if (pid < 0) pid = fork();
  if (pid < 0) return Num(info.Env(), -errno);
  if (pid == 0) {
    // Only async-signal-safe calls from here on (the parent has threads).
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) _exit(126);
    if (getppid() == 0 ? HostParent() != parent : getppid() != parent) _exit(126);  // the parent died first
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    struct sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < 65; s++) if (s != SIGKILL && s != SIGSTOP) sigaction(s, &dfl, nullptr);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (memfd != 3) { if (dup2(memfd, 3) < 0) _exit(126); }
    else if (fcntl(3, F_SETFD, 0) < 0) _exit(126);
    syscall(SYS_close_range, 4, ~0U, 0);
    close(0); close(1); close(2);
    // Own user, mount, network, IPC and UTS namespaces where the host allows them (the
    // stub never makes a host call the tracer did not inject; this is defence in depth).
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
      unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS);
    if (ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) < 0) _exit(126);
    char* argv[] = {const_cast<char*>("tsvisor-stub"), nullptr};
    char* envp[] = {nullptr};
    execve(path.c_str(), argv, envp);
    _exit(127);
  }
  return Num(info.Env(), pid);
}

// setOptions(pid, options): PTRACE_SETOPTIONS.
static Napi::Value SetOptions(const Napi::CallbackInfo& info) {
  long r = ptrace(PTRACE_SETOPTIONS, I32(info[0]), nullptr, reinterpret_cast<void*>(static_cast<long>(I32(info[1]))));
  return Num(info.Env(), r < 0 ? -errno : 0);
}

// getRegs(pid, buf) / setRegs(pid, buf): PTRACE_GETREGS / PTRACE_SETREGS with a
// struct user_regs_struct (27 u64) in buf.
static Napi::Value GetRegs(const Napi::CallbackInfo& info) {
  Bytes b;
  if (!GetBytes(info[1], &b) || b.len < 27 * 8) return Num(info.Env(), -EFAULT);
  long r = ptrace(PTRACE_GETREGS, I32(info[0]), nullptr, b.data);
  return Num(info.Env(), r < 0 ? -errno : 0);
}
static Napi::Value SetRegs(const Napi::CallbackInfo& info) {
  Bytes b;
  if (!GetBytes(info[1], &b) || b.len < 27 * 8) return Num(info.Env(), -EFAULT);
  long r = ptrace(PTRACE_SETREGS, I32(info[0]), nullptr, b.data);
  return Num(info.Env(), r < 0 ? -errno : 0);
}

// getXstate(pid, buf): PTRACE_GETREGSET NT_X86_XSTATE; returns the bytes written.
static Napi::Value GetXstate(const Napi::CallbackInfo& info) {
  Bytes b;
  if (!GetBytes(info[1], &b)) return Num(info.Env(), -EFAULT);
  struct iovec iov = {b.data, b.len};
  long r = ptrace(PTRACE_GETREGSET, I32(info[0]), reinterpret_cast<void*>(NT_X86_XSTATE), &iov);
  return Num(info.Env(), r < 0 ? -errno : static_cast<double>(iov.iov_len));
}
// setXstate(pid, buf, len): PTRACE_SETREGSET NT_X86_XSTATE (len must be the full size).
static Napi::Value SetXstate(const Napi::CallbackInfo& info) {
  Bytes b;
  size_t len = static_cast<size_t>(ToI64(info[2]));
  if (!GetBytes(info[1], &b) || len > b.len) return Num(info.Env(), -EFAULT);
  struct iovec iov = {b.data, len};
  long r = ptrace(PTRACE_SETREGSET, I32(info[0]), reinterpret_cast<void*>(NT_X86_XSTATE), &iov);
  return Num(info.Env(), r < 0 ? -errno : 0);
}

// getSiginfo(pid, buf): PTRACE_GETSIGINFO (128 bytes).
static Napi::Value GetSiginfo(const Napi::CallbackInfo& info) {
  Bytes b;
  if (!GetBytes(info[1], &b) || b.len < sizeof(siginfo_t)) return Num(info.Env(), -EFAULT);
  long r = ptrace(PTRACE_GETSIGINFO, I32(info[0]), nullptr, b.data);
  return Num(info.Env(), r < 0 ? -errno : 0);
}

// getEventMsg(pid): PTRACE_GETEVENTMSG (the new pid after a fork event).
static Napi::Value GetEventMsg(const Napi::CallbackInfo& info) {
  unsigned long msg = 0;
  long r = ptrace(PTRACE_GETEVENTMSG, I32(info[0]), nullptr, &msg);
  return Num(info.Env(), r < 0 ? -errno : static_cast<double>(msg));
}

// syscallArch(pid): the AUDIT_ARCH_* of the syscall pid is stopped in (PTRACE_GET_SYSCALL_INFO):
// tells `int $0x80` (i386) from `syscall`.
static Napi::Value SyscallArch(const Napi::CallbackInfo& info) {
  struct { uint8_t op; uint8_t pad[3]; uint32_t arch; uint64_t rest[10]; } si{};
  long r = ptrace(static_cast<enum __ptrace_request>(0x420e), I32(info[0]), reinterpret_cast<void*>(sizeof si), &si);
  return Num(info.Env(), r < 0 ? -errno : static_cast<double>(si.arch));
}

// resume(request, pid, sig): PTRACE_CONT / PTRACE_SYSEMU / ...; the tick aims at pid.
static Napi::Value Resume(const Napi::CallbackInfo& info) {
  pid_t pid = I32(info[1]);
  g_resumed.store(pid, std::memory_order_relaxed);
  long r = ptrace(static_cast<enum __ptrace_request>(I32(info[0])), pid, nullptr,
                  reinterpret_cast<void*>(static_cast<long>(I32(info[2]))));
  return Num(info.Env(), r < 0 ? -errno : 0);
}

// wait(pid, status: Int32Array): waitpid(pid, __WALL), restarted after EINTR. Never
// waits for "any child" (that would reap libuv's children). Returns the pid.
static Napi::Value Wait(const Napi::CallbackInfo& info) {
  Bytes b;
  if (!GetBytes(info[1], &b) || b.len < 4) return Num(info.Env(), -EFAULT);
  int flags = __WALL | (info.Length() > 2 ? I32(info[2]) : 0);
  int status = 0;
  pid_t r;
  do r = waitpid(I32(info[0]), &status, flags); while (r < 0 && errno == EINTR);
  if (r < 0) return Num(info.Env(), -errno);
  *reinterpret_cast<int32_t*>(b.data) = status;
  return Num(info.Env(), r);
}

// kill(pid, sig).
static Napi::Value Kill(const Napi::CallbackInfo& info) {
  return Num(info.Env(), kill(I32(info[0]), I32(info[1])) < 0 ? -errno : 0);
}

// futexWait(words, index, expected, timeoutMs[, cpuIndex]): FUTEX_WAIT (shared, not
// FUTEX_PRIVATE: the other side is the stub process, mapping the same memfd page) on
// words[index] while it holds expected; restarted after EINTR. 0 when woken or the value
// differs, -ETIMEDOUT. With cpuIndex, this thread's CPU goes to words[cpuIndex] and, when the
// other side last posted from another CPU (words[cpuIndex + 1]), the word is polled briefly
// before sleeping: a sleeping hand-off across CPUs waits for a wake-up IPI, which on nested
// hosts costs tens of microseconds (DESIGN.md, trap platforms). On one CPU polling would only
// delay the other side, so then it sleeps at once.
static constexpr int kKernelSpin = 256;
static Napi::Value FutexWait(const Napi::CallbackInfo& info) {
  Bytes b;
  uint64_t i = static_cast<uint64_t>(ToI64(info[1]));
  if (!GetBytes(info[0], &b) || i * 4 + 4 > b.len) return Num(info.Env(), -EFAULT);
  auto* words = reinterpret_cast<uint32_t*>(b.data);
  auto* w = words + i;
  uint32_t expected = info[2].As<Napi::Number>().Uint32Value();
  int64_t ms = ToI64(info[3]);
  struct timespec ts = {static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  if (info.Length() > 4) {
    uint64_t c = static_cast<uint64_t>(ToI64(info[4]));
    if (c * 4 + 8 <= b.len) {
      uint32_t cpu = static_cast<uint32_t>(sched_getcpu());
      __atomic_store_n(&words[c], cpu, __ATOMIC_RELAXED);
      if (__atomic_load_n(&words[c + 1], __ATOMIC_RELAXED) != cpu) {
        for (int k = 0; k < kKernelSpin; k++) {
          if (__atomic_load_n(w, __ATOMIC_ACQUIRE) != expected) return Num(info.Env(), 0);
          __builtin_ia32_pause();
        }
      }
    }
  }
  for (;;) {
    if (__atomic_load_n(w, __ATOMIC_ACQUIRE) != expected) return Num(info.Env(), 0);
    long r = syscall(SYS_futex, w, FUTEX_WAIT, expected, &ts, nullptr, 0);
    if (r == 0) return Num(info.Env(), 0);
    if (errno == EAGAIN) return Num(info.Env(), 0);
    if (errno != EINTR) return Num(info.Env(), -errno);
  }
}
// futexWake(words, index, n): FUTEX_WAKE (shared); returns the number woken.
static Napi::Value FutexWake(const Napi::CallbackInfo& info) {
  Bytes b;
  uint64_t i = static_cast<uint64_t>(ToI64(info[1]));
  if (!GetBytes(info[0], &b) || i * 4 + 4 > b.len) return Num(info.Env(), -EFAULT);
  long r = syscall(SYS_futex, reinterpret_cast<uint32_t*>(b.data) + i, FUTEX_WAKE, I32(info[2]), nullptr, nullptr, 0);
  return Num(info.Env(), r < 0 ? -errno : static_cast<double>(r));
}
// tickTarget(pid): the process the preemption tick signals (systrap resumes by futex, not ptrace).
static Napi::Value TickTarget(const Napi::CallbackInfo& info) {
  g_resumed.store(I32(info[0]), std::memory_order_relaxed);
  return Num(info.Env(), 0);
}

// setAffinity(tid, cpu): sched_setaffinity to one CPU (cpu < 0: every CPU); getCpu(): sched_getcpu.
static Napi::Value SetAffinity(const Napi::CallbackInfo& info) {
  cpu_set_t set;
  CPU_ZERO(&set);
  int cpu = I32(info[1]);
  if (cpu >= 0) CPU_SET(cpu, &set);
  else for (int i = 0; i < CPU_SETSIZE; i++) CPU_SET(i, &set);
  return Num(info.Env(), sched_setaffinity(I32(info[0]), sizeof set, &set) < 0 ? -errno : 0);
}
static Napi::Value GetCpu(const Napi::CallbackInfo& info) { return Num(info.Env(), sched_getcpu()); }

// tickInit(sig): a POSIX timer aimed at this thread whose handler sends sig to the
// stub resumed last (its signal-delivery stop interrupts the run; the tracer
// suppresses it). tickArm(ns): one-shot; 0 disarms.
static Napi::Value TickInit(const Napi::CallbackInfo& info) {
  int sig = I32(info[0]);
  if (g_timer_ok) return Num(info.Env(), 0);
  struct sigaction sa{};
  sa.sa_sigaction = TickHandler;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  if (sigaction(sig, &sa, nullptr) < 0) return Num(info.Env(), -errno);
  g_tick_signal = sig;
  struct sigevent sev{};
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = sig;
  sev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
  if (timer_create(CLOCK_MONOTONIC, &sev, &g_timer) < 0) return Num(info.Env(), -errno);
  g_timer_ok = true;
  return Num(info.Env(), 0);
}
static Napi::Value TickArm(const Napi::CallbackInfo& info) {
  if (!g_timer_ok) return Num(info.Env(), -ENOSYS);
  int64_t ns = ToI64(info[0]);
  struct itimerspec its{};
  its.it_value.tv_sec = ns / 1000000000;
  its.it_value.tv_nsec = ns % 1000000000;
  return Num(info.Env(), timer_settime(g_timer, 0, &its, nullptr) < 0 ? -errno : 0);
}

Napi::Object InitPtrace(Napi::Env env, Napi::Object exports) {
  Napi::Object p = Napi::Object::New(env);
#define F(name, fn) p.Set(name, Napi::Function::New(env, fn, name))
  F("spawnStub", SpawnStub);
  F("setOptions", SetOptions);
  F("getRegs", GetRegs);
  F("setRegs", SetRegs);
  F("getXstate", GetXstate);
  F("setXstate", SetXstate);
  F("getSiginfo", GetSiginfo);
  F("getEventMsg", GetEventMsg);
  F("syscallArch", SyscallArch);
  F("resume", Resume);
  F("wait", Wait);
  F("kill", Kill);
  F("futexWait", FutexWait);
  F("futexWake", FutexWake);
  F("tickTarget", TickTarget);
  F("setAffinity", SetAffinity);
  F("getCpu", GetCpu);
  F("tickInit", TickInit);
  F("tickArm", TickArm);
#undef F
  exports.Set("ptrace", p);
  return exports;
}

}  // namespace tsv
