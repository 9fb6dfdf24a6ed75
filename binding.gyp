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
        "native/host/ptrace.cc",
        "native/host/unix_fds.cc",
        "native/host/pty.cc",
        "native/host/hostfs_write.cc",
        "native/host/hostnet.cc",
        "native/bench/floor.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wno-missing-field-initializers"],
      "libraries": ["-lrt"]
    },
    {
      "target_name": "stub",
      "type": "none",
      "actions": [
        {
          "action_name": "build_stub",
          "inputs": ["src/platform/stub/stub.S", "src/platform/stub/systrap.c"],
          "outputs": ["<(PRODUCT_DIR)/stub"],
          "action": [
            "gcc", "-nostdlib", "-static", "-no-pie", "-O2", "-fno-stack-protector", "-ffreestanding", "-fno-builtin",
            "-fcf-protection=none", "-mgeneral-regs-only", "-Wall", "-Wextra", "-Wl,-Ttext=0x7ff000001000",
            "-Wl,-z,noexecstack", "-Wl,-z,norelro", "-Wl,--build-id=none", "-Wl,--strip-all",
            "-o", "<(PRODUCT_DIR)/stub", "src/platform/stub/stub.S", "src/platform/stub/systrap.c"
          ]
        }
      ]
    },
    {
      "target_name": "vdso",
      "type": "none",
      "actions": [
        {
          "action_name": "build_vdso",
          "inputs": ["src/kernel/vdso/vdso.c", "src/kernel/vdso/vdso.lds"],
          "outputs": ["<(PRODUCT_DIR)/vdso.so"],
          "action": [
            "gcc", "-nostdlib", "-fPIC", "-O2", "-fno-stack-protector", "-ffreestanding", "-fno-builtin",
            "-fcf-protection=none", "-Wall", "-Wextra", "-shared",
            "-Wl,--hash-style=both", "-Wl,-T,src/kernel/vdso/vdso.lds", "-Wl,-soname=linux-vdso.so.1",
            "-Wl,--no-undefined", "-Wl,-z,max-page-size=4096", "-Wl,--eh-frame-hdr", "-Wl,--build-id=sha1",
            "-Wl,--strip-all", "-o", "<(PRODUCT_DIR)/vdso.so", "src/kernel/vdso/vdso.c"
          ]
        }
      ]
    }
  ]
}
