{
  "targets": [
    {
      "target_name": "tsvisor",
      "sources": [
        "native/addon.cc",
        "native/common.cc",
        "native/kvm/kvm.cc",
        "native/host/memfd.cc",
        "native/host/host.cc",
        "native/bench/floor.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wno-missing-field-initializers"],
      "libraries": ["-lrt"]
    }
  ]
}
