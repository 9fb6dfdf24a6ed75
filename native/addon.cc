// Entry point of the tsvisor native addon: exports { kvm, host, bench, ptrace }.

#include <napi.h>

namespace tsv {
Napi::Object InitKvm(Napi::Env env, Napi::Object exports);
Napi::Object InitHost(Napi::Env env, Napi::Object exports);
Napi::Object InitBench(Napi::Env env, Napi::Object exports);
Napi::Object InitPtrace(Napi::Env env, Napi::Object exports);
Napi::Object InitUnixFds(Napi::Env env, Napi::Object exports);
Napi::Object InitPty(Napi::Env env, Napi::Object exports);
Napi::Object InitHostfsWrite(Napi::Env env, Napi::Object exports);
Napi::Object InitHostnet(Napi::Env env, Napi::Object exports);
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tsv::InitKvm(env, exports);
  tsv::InitHost(env, exports);
  tsv::InitUnixFds(env, exports);
  tsv::InitPty(env, exports);
  tsv::InitHostfsWrite(env, exports);
  tsv::InitHostnet(env, exports);
  tsv::InitBench(env, exports);
  tsv::InitPtrace(env, exports);
  return exports;
}

NODE_API_MODULE(tsvisor, Init)
