// SPDX-License-Identifier: GPL-2.0
/*
 * The hook on KVM's PIO dispatch. kvm_io_bus_read() and kvm_io_bus_write()
 * see every port access KVM does not leave to userspace right away: fast
 * PIO and emulated or string IO alike. One ftrace_ops traces each (found
 * by name: neither symbol is linked, which Linux 6.18 would refuse); the
 * callbacks decide everything:
 *
 *  - an access of an attached VM to a port it answers is handled right in
 *    the callback (the data filled in, the timer set, the EOI bridged),
 *    and the traced function is redirected to a stub that returns 0, so
 *    KVM completes the instruction itself (merging RAX, skipping it);
 *  - an IRQ0 EOI of a VM on KVM's own PIC (full irqchip) acknowledges the
 *    timer's tick and goes on to KVM's PIC like any other access;
 *  - anything else returns without touching the instruction pointer: KVM's
 *    original runs untouched.
 *
 * The original is never called from here: no recursion, nothing in flight
 * for rmmod to wait for, no indirect call into a sealed (IBT) function.
 * The ops is registered only while a VM is attached, so unattached VMs
 * pay nothing.
 */
#include <linux/ftrace.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <net/netlink.h>
#include "compat.h"
#include "eoi.h"
#include "hook.h"
#include "ports.h"
#include "vm.h"

/* Where KVM's bus functions go once we have answered the access */
static int hlkvm_bus_done(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx,
			  gpa_t addr, int len, void *val)
{
	return 0;
}

/* A timer-arming write ran this since load: rmmod must wait for it */
static bool hlkvm_armed_stub_used;

#ifdef HLKVM_HAVE_SPLIT_IRQCHIP

/*
 * Where KVM's bus write goes after the guest armed the timer. Some guests
 * clear the LAPIC's global enable (IA32_APIC_BASE bit 11) when they find
 * no I/O APIC, and KVM then drops every tick; like hyperlight, re-enable
 * it when the timer is armed. kvm_set_msr() may sleep (it rebuilds KVM's
 * APIC map), which the ftrace callback must not, so it happens here, in
 * the vCPU's thread where a guest WRMSR is handled too. The callback took
 * a module reference for us: we may sleep in module text.
 */
static int hlkvm_bus_armed(struct kvm_vcpu *vcpu, enum kvm_bus bus_idx,
			   gpa_t addr, int len, void *val)
{
	struct hlkvm_vm *vm;
	u32 id = 0;
	u64 base;
	int ret;

	ret = kvm_get_msr(vcpu, MSR_IA32_APICBASE, &base);
	if (ret || (base & MSR_IA32_APICBASE_ENABLE))
		goto out;
	ret = kvm_set_msr(vcpu, MSR_IA32_APICBASE,
			  base | MSR_IA32_APICBASE_ENABLE);

	rcu_read_lock();
	vm = hlkvm_vm_find_rcu(vcpu->kvm);
	if (vm) {
		id = vm->id;
		if (!ret)
			hlkvm_stats_inc(&vm->stats,
					HLKVM_STATS_A_APIC_REENABLED);
	}
	rcu_read_unlock();
	if (ret)
		pr_warn_ratelimited("VM %u armed the timer with its LAPIC globally disabled and it cannot be re-enabled (%d): no tick can be delivered\n",
				    id, ret);
	else
		pr_info_ratelimited("VM %u armed the timer with its LAPIC globally disabled: re-enabled\n",
				    id);
out:
	/* Nothing after this may sleep: see hlkvm_hook_exit() */
	module_put(THIS_MODULE);
	return 0;
}

/*
 * With KVM's PIC (full irqchip) the LAPIC's global enable does not matter:
 * KVM's PIC delivers through LINT0 to a disabled LAPIC too.
 */
static unsigned long armed_target(struct hlkvm_vm *vm)
{
	if (vm->irqchip != HLKVM_IRQCHIP_SPLIT || !try_module_get(THIS_MODULE))
		return (unsigned long)hlkvm_bus_done;
	WRITE_ONCE(hlkvm_armed_stub_used, true);
	return (unsigned long)hlkvm_bus_armed;
}
#else
/*
 * Only full irqchip is served here (compat.h), and kvm_get_msr() /
 * kvm_set_msr() are not exported anyway.
 */
static unsigned long armed_target(struct hlkvm_vm *vm)
{
	return (unsigned long)hlkvm_bus_done;
}
#endif

static void handle_out(struct hlkvm_vm *vm, struct kvm_vcpu *vcpu, u16 port,
		       unsigned int len, const void *val,
		       struct ftrace_regs *fregs)
{
	unsigned long done = (unsigned long)hlkvm_bus_done;
	enum hlkvm_pio_verdict verdict;
	struct hlkvm_period_bounds b;
	struct hlkvm_pio_result res;

	raw_spin_lock(&vm->pst_lock);
	verdict = hlkvm_pio_out(&vm->cfg, &vm->pst, ktime_get_ns(), port, len,
				val, &res);
	raw_spin_unlock(&vm->pst_lock);
	switch (verdict) {
	case HLKVM_PIO_PASS:
		return;
	case HLKVM_PIO_EOI_SEEN:
		/* KVM's PIC ends IRQ0's service; the tick is acknowledged */
		hlkvm_timer_ack(&vm->timer);
		hlkvm_stats_inc(&vm->stats, HLKVM_STATS_A_EOI_SEEN);
		return;
	case HLKVM_PIO_PIC_MODE:
		/*
		 * KVM's PIC will (or will no longer) end IRQ0's service by
		 * itself, where no EOI reaches port 0x20 to be seen
		 */
		hlkvm_timer_auto_eoi(&vm->timer, res.auto_eoi);
		return;
	case HLKVM_PIO_ABSORB:
		break;
	case HLKVM_PIO_EOI:
		hlkvm_eoi_bridge(vm, vcpu);
		break;
	case HLKVM_PIO_PERIOD:
		hlkvm_config_bounds(&b);
		hlkvm_timer_set(&vm->timer, res.period_us, &b);
		/* Armed: check the LAPIC's global enable where we may sleep */
		if (res.period_us)
			done = armed_target(vm);
		break;
	case HLKVM_PIO_PIT_TICK:
		hlkvm_config_bounds(&b);
		hlkvm_timer_set_pit(&vm->timer, res.period_ns, &b);
		if (res.period_ns)
			done = armed_target(vm);
		break;
	}
	hlkvm_stats_inc(&vm->stats, hlkvm_stats_index(res.group, true));
	hlkvm_fregs_set_ip(fregs, done);
}

static void handle_in(struct hlkvm_vm *vm, u16 port, unsigned int len,
		      void *val, struct ftrace_regs *fregs)
{
	enum hlkvm_pio_verdict verdict;
	struct hlkvm_pio_result res;

	raw_spin_lock(&vm->pst_lock);
	verdict = hlkvm_pio_in(&vm->cfg, &vm->pst, ktime_get_ns(), port, len,
			       val, &res);
	raw_spin_unlock(&vm->pst_lock);
	if (verdict == HLKVM_PIO_PASS)
		return;
	hlkvm_stats_inc(&vm->stats, hlkvm_stats_index(res.group, false));
	hlkvm_fregs_set_ip(fregs, (unsigned long)hlkvm_bus_done);
}

/* The 8259's ports: with KVM's PIC they are only ever watched, never answered */
static bool pic_port(u16 port)
{
	return (port & ~1) == 0x20 || (port & ~1) == 0xa0;
}

/*
 * A device of KVM's own on the VM's PIO bus covering the access: an
 * ioeventfd the VMM registered on an absorbed port, or KVM's PIT created
 * (KVM_CREATE_PIT2) after attach, which attach would have refused. Those
 * are the VMM's explicit choices: answering in their place would silently
 * shadow them. The bus is read as kvm_io_bus_write() itself does, under
 * the kvm->srcu the vCPU thread holds; it has a handful of entries.
 */
static bool kvm_device_on(struct kvm_vcpu *vcpu, u16 port, int len)
{
	struct kvm_io_bus *bus;
	int i;

	bus = srcu_dereference(vcpu->kvm->buses[KVM_PIO_BUS],
			       &vcpu->kvm->srcu);
	if (!bus)
		return false;
	for (i = 0; i < bus->dev_count; i++) {
		const struct kvm_io_range *r = &bus->range[i];

		/* An ioeventfd of length 0 matches its address alone */
		if (port < r->addr + max(r->len, 1) && r->addr < port + len)
			return true;
	}
	return false;
}

/*
 * The arguments of both, as <linux/kvm_host.h> declares them:
 * (struct kvm_vcpu *vcpu, enum kvm_bus bus_idx, gpa_t addr, int len,
 *  [const] void *val). Under rcu_read_lock(): the VM this access is ours
 * to answer, or NULL.
 */
static struct hlkvm_vm *hook_vm(struct ftrace_regs *fregs,
				struct kvm_vcpu **vcpu, u16 *port)
{
	unsigned long bus = hlkvm_fregs_arg(fregs, 1);
	unsigned long addr = hlkvm_fregs_arg(fregs, 2);
	struct hlkvm_vm *vm;

	if (bus != KVM_PIO_BUS || addr > U16_MAX)
		return NULL;
	*vcpu = (void *)hlkvm_fregs_arg(fregs, 0);
	/*
	 * A nested (L2) guest's access that its L1 hypervisor let through
	 * is L2's, not the attached guest's: it must not EOI L1's LAPIC or
	 * arm L1's timer. KVM and the VMM see it as they would without us.
	 * is_guest_mode() is KVM's private inline (kvm_cache_regs.h); the
	 * flag it tests is in <asm/kvm_host.h>, built against (compat.h).
	 */
	if ((*vcpu)->arch.hflags & HF_GUEST_MASK)
		return NULL;
	vm = hlkvm_vm_find_rcu((*vcpu)->kvm);
	if (!vm || !hlkvm_port_maybe_ours(&vm->cfg, addr))
		return NULL;
	/*
	 * One vCPU is served (attach refuses more): one created after
	 * attach reaches the VMM as it would without us, counted.
	 */
	if ((*vcpu)->vcpu_idx != 0) {
		hlkvm_stats_inc(&vm->stats, HLKVM_STATS_A_OTHER_VCPU);
		return NULL;
	}
	if (!(vm->cfg.pic_watch && pic_port(addr)) &&
	    kvm_device_on(*vcpu, addr, hlkvm_fregs_arg(fregs, 3))) {
		hlkvm_stats_inc(&vm->stats, HLKVM_STATS_A_KVM_DEVICE);
		return NULL;
	}
	*port = addr;
	return vm;
}

static void notrace hlkvm_write_fn(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	struct kvm_vcpu *vcpu;
	struct hlkvm_vm *vm;
	u16 port;

	rcu_read_lock();
	vm = hook_vm(fregs, &vcpu, &port);
	if (vm)
		handle_out(vm, vcpu, port, hlkvm_fregs_arg(fregs, 3),
			   (const void *)hlkvm_fregs_arg(fregs, 4), fregs);
	rcu_read_unlock();
}

static void notrace hlkvm_read_fn(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op,
				  struct ftrace_regs *fregs)
{
	struct kvm_vcpu *vcpu;
	struct hlkvm_vm *vm;
	u16 port;

	rcu_read_lock();
	vm = hook_vm(fregs, &vcpu, &port);
	if (vm)
		handle_in(vm, port, hlkvm_fregs_arg(fregs, 3),
			  (void *)hlkvm_fregs_arg(fregs, 4), fregs);
	rcu_read_unlock();
}

/*
 * IPMODIFY: x86's WITH_ARGS trampoline honours a changed IP without
 * SAVE_REGS. PERMANENT: sysctl kernel.ftrace_enabled=0 would otherwise
 * silently stop every answer (the guest's ports would reach a VMM that
 * counts on them being absorbed); with it the sysctl is refused while a
 * VM is attached, and an attach is refused while ftrace is disabled, as
 * for livepatch. No FTRACE_OPS_FL_RECURSION: ftrace's own recursion
 * guard runs the callbacks, with preemption disabled.
 */
#define HLKVM_HOOK_FLAGS (FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT)

static struct ftrace_ops hlkvm_write_ops = {
	.func = hlkvm_write_fn,
	.flags = HLKVM_HOOK_FLAGS,
};

static struct ftrace_ops hlkvm_read_ops = {
	.func = hlkvm_read_fn,
	.flags = HLKVM_HOOK_FLAGS,
};

static const struct {
	struct ftrace_ops *ops;
	const char *fn;
} hlkvm_hooks[] = {
	{ &hlkvm_read_ops, "kvm_io_bus_read" },
	{ &hlkvm_write_ops, "kvm_io_bus_write" },
};

static int hook_one(struct ftrace_ops *ops, const char *fn,
		    struct netlink_ext_ack *extack)
{
	int ret;

	ret = ftrace_set_filter(ops, (unsigned char *)fn, strlen(fn), 1);
	if (ret) {
		pr_err("cannot trace %s: %d\n", fn, ret);
		NL_SET_ERR_MSG(extack,
			       "cannot trace KVM's PIO dispatch functions");
		return ret;
	}
	ret = register_ftrace_function(ops);
	if (ret) {
		pr_err("cannot hook %s: %d\n", fn, ret);
		if (ret == -EBUSY)
			NL_SET_ERR_MSG(extack,
				       "cannot hook KVM's PIO dispatch: ftrace is disabled (sysctl kernel.ftrace_enabled=0), or a livepatch or another ftrace IPMODIFY user redirects it");
		else
			NL_SET_ERR_MSG(extack, "cannot hook KVM's PIO dispatch");
		ftrace_set_filter(ops, NULL, 0, 1);
	}
	return ret;
}

static void unhook_one(struct ftrace_ops *ops)
{
	unregister_ftrace_function(ops);
	ftrace_set_filter(ops, NULL, 0, 1);
}

int hlkvm_hook_register(struct netlink_ext_ack *extack)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(hlkvm_hooks); i++) {
		ret = hook_one(hlkvm_hooks[i].ops, hlkvm_hooks[i].fn, extack);
		if (ret)
			goto err;
	}
	return 0;

err:
	while (i--)
		unhook_one(hlkvm_hooks[i].ops);
	return ret;
}

void hlkvm_hook_unregister(void)
{
	unsigned int i;

	for (i = ARRAY_SIZE(hlkvm_hooks); i--; )
		unhook_one(hlkvm_hooks[i].ops);
}

void hlkvm_hook_exit(void)
{
	/*
	 * hlkvm_bus_armed() drops its module reference just before it
	 * returns; a vCPU thread may be preempted in between. Preempted
	 * tasks hold up an RCU-tasks grace period, so after it none is left
	 * in our text. Unregistering the hook waits the same way, but
	 * rmmod with no VM attached does not unregister anything.
	 */
	if (READ_ONCE(hlkvm_armed_stub_used))
		synchronize_rcu_tasks();
}
