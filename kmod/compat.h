/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels hlkvm builds against, kept here so
 * that the .c files need no version checks. Per kernel, what is used:
 *
 *  - 6.1 and 6.12 (Debian bookworm): the VM fd is checked with
 *    file_is_kvm(); the split irqchip's EOI bridge calls
 *    kvm_lapic_set_eoi(), the kvm:kvm_eoi probe kvm_get_running_vcpu(),
 *    and arming the timer with a globally disabled LAPIC kvm_get_msr() /
 *    kvm_set_msr(). All four are exported by kvm.ko to every module.
 *  - 6.18 and later (Debian's 7.x): those are exported to kvm-amd and
 *    kvm-intel only (EXPORT_SYMBOL_FOR_KVM_INTERNAL) or not at all, and
 *    upstream means them to be KVM-internal: none is linked. Without
 *    kvm_lapic_set_eoi() there is no safe EOI bridge (reaching KVM's LAPIC
 *    MMIO op through struct kvm_lapic's private layout was measured to
 *    work, but nothing checks that layout at load), so a split irqchip is
 *    refused at attach and only full-irqchip mode is served, where KVM's
 *    own PIC completes the guest's EOI. The VM fd is recognised by what
 *    KVM itself sets on it (see hlkvm_file_is_kvm_vm()).
 *
 * Everywhere: the hook traces kvm_io_bus_read() and kvm_io_bus_write() by
 * name through ftrace (no symbol linked), one ftrace_ops each; the
 * arguments it reads are those of their prototype in <linux/kvm_host.h>;
 * the PV timer signals an eventfd (eventfd_signal(), exported); VMs are
 * held with kvm_get_kvm()/kvm_put_kvm(), which stay open to all modules.
 *
 * Also everywhere, read from KVM's structs as <linux/kvm_host.h> and
 * <asm/kvm_host.h> lay them out for the kernel built against (a module
 * loads only into the kernel whose headers it was built with: vermagic
 * and, where enforced, symbol CRCs; no layout is guessed at run time):
 * vcpu->arch.hflags & HF_GUEST_MASK, which is all that KVM's private
 * is_guest_mode() tests (not exported: an inline in
 * arch/x86/kvm/kvm_cache_regs.h; HF_GUEST_MASK is bit 5 on 6.1 and bit 0
 * on 6.12 and 7.x, so only the header's own value may be used);
 * vcpu->vcpu_idx and kvm->online_vcpus (one vCPU is served);
 * kvm->arch.irqchip_mode and kvm->arch.vpit (the irqchip mode, KVM's
 * PIT); kvm->buses[KVM_PIO_BUS] read under kvm->srcu as
 * kvm_io_bus_write() does (KVM's own devices on an answered port).
 */
#ifndef _HLKVM_COMPAT_H
#define _HLKVM_COMPAT_H

#include <linux/version.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/hrtimer.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/string.h>

#ifndef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
#error "hlkvm needs CONFIG_DYNAMIC_FTRACE_WITH_ARGS (x86-64) to redirect KVM's PIO dispatch"
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 18, 0)
/* kvm_lapic_set_eoi() and friends are open to out-of-tree modules */
#define HLKVM_HAVE_SPLIT_IRQCHIP 1
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
/*
 * The accessors moved to <linux/ftrace_regs.h> in 6.13 (Debian's 6.12 has
 * that backported), which <linux/ftrace.h> includes: no __has_include(),
 * which sparse 0.6.4 cannot parse
 */

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

/* hrtimer_setup() came in 6.13; hrtimer_init() left in 6.15 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void
hlkvm_hrtimer_setup(struct hrtimer *timer,
		    enum hrtimer_restart (*fn)(struct hrtimer *),
		    clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
}
#else
#define hlkvm_hrtimer_setup hrtimer_setup
#endif

#ifdef HLKVM_HAVE_SPLIT_IRQCHIP
/* Exported by kvm.ko, but declared only in KVM's private lapic.h */
void kvm_lapic_set_eoi(struct kvm_vcpu *vcpu);

static inline bool hlkvm_file_is_kvm_vm(struct file *file)
{
	return file_is_kvm(file);
}
#else
/*
 * file_is_kvm() compares f_op with KVM's static kvm_vm_fops. Without it,
 * recognise what only KVM's own VM fd carries: kvm_init() makes the
 * vendor module (the one that called it) the owner of kvm_vm_fops, and
 * KVM_CREATE_VM names the anon inode file "kvm-vm" (its vCPU, device,
 * stats and guest_memfd files have other names). A module name is unique
 * and only root loads modules, so no other file can pass both.
 */
static inline bool hlkvm_file_is_kvm_vm(struct file *file)
{
	struct module *owner = file->f_op ? file->f_op->owner : NULL;
	const char *name;

	if (!owner)
		return false;
	name = module_name(owner);
	if (strcmp(name, "kvm_amd") && strcmp(name, "kvm_intel") &&
	    strcmp(name, "kvm"))
		return false;
	return !strcmp(file->f_path.dentry->d_name.name, "kvm-vm");
}
#endif

#endif /* _HLKVM_COMPAT_H */
