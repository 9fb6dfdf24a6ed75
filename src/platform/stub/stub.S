/* The stub process of the trap platforms (ptrace): the host process whose address
 * space holds one guest address space. Under ptrace it never runs on its own: the
 * tracer points RIP at one of the entries below to run host syscalls in it, and
 * every guest syscall is stopped by PTRACE_SYSEMU before it reaches the host.
 * The entries sit at fixed offsets from STUB_CODE (src/platform/stub/layout.ts);
 * no entry touches the stack or any memory the guest can write except the request
 * entries the tracer has just written (no guest code runs while a batch runs). */
	.text
	.globl _start
_start:			/* +0x00: only reached if someone resumes the stub without regs */
	int3
	jmp _start

	.org 0x10
syscall_one:		/* +0x10: one syscall from the registers the tracer set */
	syscall
	int3

	.org 0x20
batch:			/* +0x20: r12 = first request, r13 = count (each 64 bytes:
			 * nr, six arguments, result); stops at the first failure */
1:	test %r13, %r13
	jz 2f
	mov 0(%r12), %rax
	mov 8(%r12), %rdi
	mov 16(%r12), %rsi
	mov 24(%r12), %rdx
	mov 32(%r12), %r10
	mov 40(%r12), %r8
	mov 48(%r12), %r9
	syscall
	mov %rax, 56(%r12)
	cmp $-4095, %rax
	jae 2f
	add $64, %r12
	dec %r13
	jmp 1b
2:	int3

/* systrap entries (systrap.c): the stub runs free under a seccomp filter that turns
 * every syscall into SIGSYS except those made by the one instruction at stub_sys_insn. */
	.org 0x80
	.globl systrap_entry
systrap_entry:		/* +0x80: the signal handler (sa_handler) */
	jmp systrap_handler

	.org 0x90
systrap_restorer:	/* +0x90: sa_restorer: rt_sigreturn through the allowed instruction */
	mov $15, %eax
	jmp stub_sys_insn

	.org 0xa0
	.globl systrap_idle
systrap_idle:		/* +0xa0: where a new stub waits: a trapped syscall (SIGSYS) forever */
	mov $39, %eax
	syscall
	jmp systrap_idle

	.org 0xb0
	.globl stub_sys
stub_sys:		/* +0xb0: long stub_sys(nr, a0, a1, a2, a3, a4, a5) */
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	mov %r8, %r10
	mov %r9, %r8
	mov 8(%rsp), %r9
	.org 0xc8, 0x90
stub_sys_insn:		/* +0xc8: the only syscall instruction the systrap filter lets through */
	syscall
	ret
	.section .note.GNU-stack,"",@progbits
