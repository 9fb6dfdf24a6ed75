// Shared helpers for the addon: errno -> JS error, ArrayBuffer access.
// The addon is mechanical: it wraps host calls and holds no policy.
#pragma once
#include <napi.h>
#include <cerrno>
#include <cstring>
#include <cstdint>

namespace tsv {

// Name of an errno value ("EINTR"), used as the JS error's code.
const char* ErrnoName(int err);

// Throws a JS Error "<what>: <strerror> (<ENAME>)" with .code and .errno set.
void ThrowErrno(Napi::Env env, const char* what, int err);

// Bytes of an ArrayBuffer or TypedArray argument (data pointer and length).
struct Bytes {
  uint8_t* data = nullptr;
  size_t len = 0;
};
bool GetBytes(const Napi::Value& v, Bytes* out);

// Returns -errno of the last failing call as a JS number (hot paths return, never throw).
inline Napi::Value NegErrno(Napi::Env env) { return Napi::Number::New(env, -errno); }

int64_t ToI64(const Napi::Value& v);

}  // namespace tsv
