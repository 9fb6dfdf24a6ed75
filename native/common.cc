#include "common.h"

namespace tsv {

const char* ErrnoName(int err) {
  switch (err) {
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC)
    E(EBADF) E(ECHILD) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY)
    E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE)
    E(EMFILE) E(ENOTTY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS) E(EMLINK)
    E(EPIPE) E(ERANGE) E(ENAMETOOLONG) E(ENOSYS) E(ENOTEMPTY) E(ELOOP)
    E(EOPNOTSUPP) E(ETIMEDOUT)
#undef E
    default: return "EUNKNOWN";
  }
}

void ThrowErrno(Napi::Env env, const char* what, int err) {
  std::string msg = std::string(what) + ": " + strerror(err) + " (" + ErrnoName(err) + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, ErrnoName(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.ThrowAsJavaScriptException();
}

bool GetBytes(const Napi::Value& v, Bytes* out) {
  if (v.IsArrayBuffer()) {
    Napi::ArrayBuffer ab = v.As<Napi::ArrayBuffer>();
    out->data = static_cast<uint8_t*>(ab.Data());
    out->len = ab.ByteLength();
    return true;
  }
  if (v.IsTypedArray()) {
    Napi::TypedArray ta = v.As<Napi::TypedArray>();
    Napi::ArrayBuffer ab = ta.ArrayBuffer();
    out->data = static_cast<uint8_t*>(ab.Data()) + ta.ByteOffset();
    out->len = ta.ByteLength();
    return true;
  }
  if (v.IsDataView()) {
    Napi::DataView dv = v.As<Napi::DataView>();
    out->data = static_cast<uint8_t*>(dv.ArrayBuffer().Data()) + dv.ByteOffset();
    out->len = dv.ByteLength();
    return true;
  }
  return false;
}

int64_t ToI64(const Napi::Value& v) {
  return static_cast<int64_t>(v.As<Napi::Number>().DoubleValue());
}

}  // namespace tsv
