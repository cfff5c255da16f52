/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels hlkvm builds against (Debian's 6.1
 * and 6.12), kept here so that the .c files need no version checks.
 */
#ifndef _HLKVM_COMPAT_H
#define _HLKVM_COMPAT_H

#include <linux/version.h>
#include <linux/eventfd.h>
#include <linux/ftrace.h>
#include <linux/kvm_host.h>

/*
 * From 6.18 file_is_kvm() and kvm_lapic_set_eoi() are exported to KVM's
 * own modules only. hlkvm needs both (the VM fd check and the EOI bridge)
 * and has no fallback that keeps the EOI bridge: refuse to build.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#error "hlkvm: Linux >= 6.18 keeps file_is_kvm/kvm_lapic_set_eoi KVM-internal; unsupported"
#endif

#ifndef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
#error "hlkvm needs CONFIG_DYNAMIC_FTRACE_WITH_ARGS (x86-64) to redirect KVM's PIO dispatch"
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
static __always_inline unsigned long
hlkvm_fregs_arg(struct ftrace_regs *fregs, unsigned int n)
{
	return regs_get_kernel_argument(&fregs->regs, n);
}

static __always_inline void
hlkvm_fregs_set_ip(struct ftrace_regs *fregs, unsigned long ip)
{
	ftrace_instruction_pointer_set(fregs, ip);
}
#else
#include <linux/ftrace_regs.h>

static __always_inline unsigned long
hlkvm_fregs_arg(struct ftrace_regs *fregs, unsigned int n)
{
	return ftrace_regs_get_argument(fregs, n);
}

static __always_inline void
hlkvm_fregs_set_ip(struct ftrace_regs *fregs, unsigned long ip)
{
	ftrace_regs_set_instruction_pointer(fregs, ip);
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
static inline void hlkvm_eventfd_signal(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx, 1);
}
#else
static inline void hlkvm_eventfd_signal(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx);
}
#endif

/* Exported by kvm.ko, but declared only in KVM's private lapic.h */
void kvm_lapic_set_eoi(struct kvm_vcpu *vcpu);

#endif /* _HLKVM_COMPAT_H */
