// KVM ioctl numbers whose argument struct ends in a flexible array. In C++ the
// uapi's __DECLARE_FLEX_ARRAY changes sizeof() and with it the encoded ioctl
// number, so these are spelled with the C sizes of their fixed headers.
#pragma once
#include <linux/kvm.h>

#define TSV_KVM_GET_MSR_INDEX_LIST _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x02, 4)   // struct kvm_msr_list: 4 bytes
#define TSV_KVM_GET_SUPPORTED_CPUID _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x05, 8)  // struct kvm_cpuid2: 8 bytes
#define TSV_KVM_GET_MSRS _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x88, 8)             // struct kvm_msrs: 8 bytes
#define TSV_KVM_SET_MSRS _IOC(_IOC_WRITE, KVMIO, 0x89, 8)
#define TSV_KVM_SET_CPUID2 _IOC(_IOC_WRITE, KVMIO, 0x90, 8)

static_assert(TSV_KVM_GET_SUPPORTED_CPUID == 0xc008ae05ul, "KVM_GET_SUPPORTED_CPUID");
static_assert(TSV_KVM_SET_CPUID2 == 0x4008ae90ul, "KVM_SET_CPUID2");
static_assert(TSV_KVM_GET_MSRS == 0xc008ae88ul, "KVM_GET_MSRS");
static_assert(TSV_KVM_SET_MSRS == 0x4008ae89ul, "KVM_SET_MSRS");
static_assert(TSV_KVM_GET_MSR_INDEX_LIST == 0xc004ae02ul, "KVM_GET_MSR_INDEX_LIST");
#define TSV_KVM_GET_XSAVE _IOC(_IOC_READ, KVMIO, 0xa4, 4096)   // struct kvm_xsave: 4096 bytes in C
#define TSV_KVM_SET_XSAVE _IOC(_IOC_WRITE, KVMIO, 0xa5, 4096)
#define TSV_KVM_XSAVE_SIZE 4096
static_assert(TSV_KVM_GET_XSAVE == 0x9000aea4ul, "KVM_GET_XSAVE");
static_assert(TSV_KVM_SET_XSAVE == 0x5000aea5ul, "KVM_SET_XSAVE");
