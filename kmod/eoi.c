// SPDX-License-Identifier: GPL-2.0
/*
 * The EOI bridge. A guest that only knows the 8259 acknowledges its tick
 * with "out 0x20, 0x20"; the tick came through the LAPIC, so without a
 * LAPIC EOI vector 0x20 stays in service and no tick is delivered again.
 * The bridge turns that OUT into kvm_lapic_set_eoi() while the timer runs
 * or while a tick it injected is unacknowledged.
 *
 * Guests that acknowledge at the LAPIC directly (xAPIC MMIO, x2APIC MSR)
 * are seen through the kvm:kvm_eoi tracepoint: kvm.ko's tracepoints are
 * not exported, so it is found in the module's tracepoint table through
 * the tracepoint module notifier (for_each_tracepoint_in_module() is not
 * exported in 6.12).
 */
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include "compat.h"
#include "eoi.h"
#include "vm.h"

/*
 * Off, direct EOIs go unseen, as on hardware whose APIC virtualization
 * completes them without an exit: the test host uses it to prove that the
 * stale-tick guard keeps such a guest ticking.
 */
static bool eoi_probe = true;
module_param(eoi_probe, bool, 0444);
MODULE_PARM_DESC(eoi_probe,
		 "Probe kvm:kvm_eoi to see LAPIC EOIs that bypass port 0x20 (default: on; split irqchip only)");

#ifdef HLKVM_HAVE_SPLIT_IRQCHIP
static struct tracepoint *kvm_eoi_tp;
static bool kvm_eoi_probed;

void hlkvm_eoi_bridge(struct hlkvm_vm *vm, struct kvm_vcpu *vcpu)
{
	/*
	 * Attach refuses a VM without an in-kernel LAPIC; never call into
	 * one that is not there all the same.
	 */
	if (!hlkvm_timer_should_bridge(&vm->timer) || !vcpu->arch.apic) {
		hlkvm_stats_inc(&vm->stats, HLKVM_STATS_A_EOI_IGNORED);
		return;
	}
	/* Our own EOI also fires kvm_eoi: the probe must not count it */
	WRITE_ONCE(vm->bridging, current);
	kvm_lapic_set_eoi(vcpu);
	WRITE_ONCE(vm->bridging, NULL);
	hlkvm_timer_ack(&vm->timer);
	hlkvm_stats_inc(&vm->stats, HLKVM_STATS_A_EOI_BRIDGED);
}

/* TP_PROTO(struct kvm_lapic *apic, int vector) */
static void kvm_eoi_probe(void *data, struct kvm_lapic *apic, int vector)
{
	struct kvm_vcpu *vcpu;
	struct hlkvm_vm *vm;

	if (vector != HLKVM_TIMER_VECTOR)
		return;
	/* The EOI is made by the vCPU loaded on this CPU */
	vcpu = kvm_get_running_vcpu();
	/* Only vCPU 0 is served: another's EOI is not of our tick */
	if (!vcpu || vcpu->vcpu_idx != 0)
		return;

	rcu_read_lock();
	vm = hlkvm_vm_find_rcu(vcpu->kvm);
	if (vm && READ_ONCE(vm->bridging) != current) {
		hlkvm_timer_ack(&vm->timer);
		hlkvm_stats_inc(&vm->stats, HLKVM_STATS_A_EOI_DIRECT);
	}
	rcu_read_unlock();
}

static int find_kvm_eoi(struct notifier_block *nb, unsigned long val,
			void *data)
{
	struct tp_module *tp_mod = data;
	struct module *mod = tp_mod->mod;
	unsigned int i;

	if (val != MODULE_STATE_COMING || strcmp(mod->name, "kvm"))
		return NOTIFY_OK;
	for (i = 0; i < mod->num_tracepoints; i++) {
		struct tracepoint *tp;

		tp = tracepoint_ptr_deref(&mod->tracepoints_ptrs[i]);
		if (!strcmp(tp->name, "kvm_eoi")) {
			kvm_eoi_tp = tp;
			break;
		}
	}
	return NOTIFY_OK;
}

static struct notifier_block find_kvm_eoi_nb = {
	.notifier_call = find_kvm_eoi,
};

void hlkvm_eoi_init(void)
{
	/*
	 * Registering calls the notifier for every module already loaded;
	 * kvm.ko is (we link against it), and stays while we are loaded.
	 */
	if (register_tracepoint_module_notifier(&find_kvm_eoi_nb) == 0)
		unregister_tracepoint_module_notifier(&find_kvm_eoi_nb);
	if (!eoi_probe)
		pr_info("eoi_probe=0: LAPIC EOIs that bypass port 0x20 are not seen (catch-up ticks wait for the stale-tick guard)\n");
	else if (!kvm_eoi_tp)
		pr_warn("kvm:kvm_eoi tracepoint not found: LAPIC EOIs that bypass port 0x20 are not seen (catch-up ticks wait for the stale-tick guard)\n");
}

void hlkvm_eoi_probe_register(void)
{
	int ret;

	if (!kvm_eoi_tp || !eoi_probe)
		return;
	ret = tracepoint_probe_register(kvm_eoi_tp, kvm_eoi_probe, NULL);
	if (ret) {
		pr_warn_once("cannot probe kvm:kvm_eoi (%d): direct LAPIC EOIs are not seen\n",
			     ret);
		return;
	}
	kvm_eoi_probed = true;
}

void hlkvm_eoi_probe_unregister(void)
{
	if (!kvm_eoi_probed)
		return;
	tracepoint_probe_unregister(kvm_eoi_tp, kvm_eoi_probe, NULL);
	kvm_eoi_probed = false;
	/* No CPU is still inside the probe after this */
	tracepoint_synchronize_unregister();
}
#else /* !HLKVM_HAVE_SPLIT_IRQCHIP */
/*
 * No split irqchip is ever attached here (see compat.h): nothing to bridge
 * and, with KVM's PIC, no LAPIC EOI of the timer's to watch.
 */
void hlkvm_eoi_bridge(struct hlkvm_vm *vm, struct kvm_vcpu *vcpu)
{
	hlkvm_stats_inc(&vm->stats, HLKVM_STATS_A_EOI_IGNORED);
}

void hlkvm_eoi_init(void)
{
}

void hlkvm_eoi_probe_register(void)
{
}

void hlkvm_eoi_probe_unregister(void)
{
}
#endif
