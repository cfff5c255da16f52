// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of attached VMs.
 *
 * Lock rules: hlkvm_vms_lock (a mutex) serializes every change: attach,
 * detach, hook and probe (un)registration, and netlink readers that need a
 * VM to stay put. The PIO hook and the kvm_eoi probe only look VMs up
 * under RCU; a detached VM is freed after synchronize_rcu(), so they never
 * see one die under them.
 *
 * Lifetime: an attachment holds a reference on the VM (kvm_get_kvm), so
 * KVM cannot destroy it while attached. It is owned by the netlink socket
 * that made it: closing that socket (a VMM that exits or is killed closes
 * it) detaches, as do HLKVM_CMD_DETACH and rmmod. A VMM that closes every
 * fd of its VM but keeps the socket would leave the VM alive on our
 * reference alone, its timer ticking into nothing: the reaper detaches
 * such a VM within HLKVM_REAP_INTERVAL.
 */
#include <linux/eventfd.h>
#include <linux/hashtable.h>
#include <linux/idr.h>
#include <linux/kvm_host.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include "compat.h"
#include "eoi.h"
#include "hook.h"
#include "netlink.h"
#include "vm.h"

/* Attach, detach, hook (un)registration, readers needing a stable VM */
DEFINE_MUTEX(hlkvm_vms_lock);
/* hlkvm_config */
DEFINE_MUTEX(hlkvm_config_lock);

struct hlkvm_config hlkvm_config = {
	.groups = __HLKVM_GROUP_F_ALL,
	.timer_port = HLKVM_PORT_PV_TIMER,
	.policy = HLKVM_TIMER_CATCHUP,
	.period_min_us = HLKVM_PERIOD_MIN_US,
	.period_max_us = HLKVM_PERIOD_MAX_US,
	.backlog_max = HLKVM_BACKLOG_DEFAULT,
};

/* min in the low half, max in the high half: read in one load */
static u64 hlkvm_bounds = (u64)HLKVM_PERIOD_MAX_US << 32 | HLKVM_PERIOD_MIN_US;

#define HLKVM_HASH_BITS	8
static DEFINE_HASHTABLE(hlkvm_vm_hash, HLKVM_HASH_BITS);
static DEFINE_IDR(hlkvm_vm_ids);
/* VMs published to the hook; decides hook and probe (un)registration */
static unsigned int hlkvm_nr_vms;
/*
 * VMs not yet completely gone, as userspace is told (HLKVM_A_VM_COUNT):
 * lowered only once a detach has dropped its VM reference, so a caller
 * that sees 0 knows KVM has destroyed a VM that was only ours to hold.
 */
static unsigned int hlkvm_nr_visible;

void hlkvm_config_bounds(struct hlkvm_period_bounds *b)
{
	u64 v = READ_ONCE(hlkvm_bounds);

	b->min_us = lower_32_bits(v);
	b->max_us = upper_32_bits(v);
}

void hlkvm_config_publish_bounds(u32 min_us, u32 max_us)
{
	WRITE_ONCE(hlkvm_bounds, (u64)max_us << 32 | min_us);
}

struct hlkvm_vm *hlkvm_vm_find_rcu(const struct kvm *kvm)
{
	struct hlkvm_vm *vm;

	hash_for_each_possible_rcu(hlkvm_vm_hash, vm, node,
				   (unsigned long)kvm)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

struct hlkvm_vm *hlkvm_vm_find(const struct kvm *kvm)
{
	struct hlkvm_vm *vm;

	lockdep_assert_held(&hlkvm_vms_lock);
	hash_for_each_possible(hlkvm_vm_hash, vm, node, (unsigned long)kvm)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

struct hlkvm_vm *hlkvm_vm_find_id(u32 id)
{
	lockdep_assert_held(&hlkvm_vms_lock);
	return idr_find(&hlkvm_vm_ids, id);
}

struct hlkvm_vm *hlkvm_vm_next(u32 *id)
{
	int next = *id;
	struct hlkvm_vm *vm;

	lockdep_assert_held(&hlkvm_vms_lock);
	vm = idr_get_next(&hlkvm_vm_ids, &next);
	if (vm)
		*id = next;
	return vm;
}

unsigned int hlkvm_vm_count(void)
{
	return READ_ONCE(hlkvm_nr_visible);
}

/*
 * KVM tells no module when a VM's last fd is closed; our reference then
 * is the only one left. Look for that once a second while VMs are
 * attached: cheap, and bounded by HLKVM_MAX_VMS.
 */
#define HLKVM_REAP_INTERVAL	HZ

static void reap_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(hlkvm_reaper, reap_fn);

static void reap_fn(struct work_struct *work)
{
	struct hlist_node *tmp;
	struct hlkvm_vm *vm;
	int bkt;

	mutex_lock(&hlkvm_vms_lock);
	hash_for_each_safe(hlkvm_vm_hash, bkt, tmp, vm, node) {
		if (refcount_read(&vm->kvm->users_count) > 1)
			continue;
		pr_info("VM %u: its VMM closed every fd of it, detaching\n",
			vm->id);
		hlkvm_vm_detach(vm);
	}
	if (hlkvm_nr_vms)
		schedule_delayed_work(&hlkvm_reaper, HLKVM_REAP_INTERVAL);
	mutex_unlock(&hlkvm_vms_lock);
}

/* First VM in: install the hook and the probe, start the reaper */
static int vms_first(struct netlink_ext_ack *extack)
{
	int ret;

	ret = hlkvm_hook_register(extack);
	if (ret)
		return ret;
	hlkvm_eoi_probe_register();
	schedule_delayed_work(&hlkvm_reaper, HLKVM_REAP_INTERVAL);
	return 0;
}

/* Last VM out: nothing may run our code for an unattached VM */
static void vms_last(void)
{
	hlkvm_eoi_probe_unregister();
	hlkvm_hook_unregister();
}

/*
 * Which of KVM's irqchips the VM has decides what hlkvm may answer.
 * Without any in-kernel LAPIC there is nothing to inject into or EOI
 * (vcpu->arch.apic is NULL: bridging would oops the host). With KVM's
 * split irqchip hlkvm is the PIC and bridges its EOIs to the LAPIC; with
 * KVM's full irqchip KVM's PIC stays in charge of its ports. KVM's own PIT
 * would be shadowed either way. irqchip_mode only ever leaves
 * KVM_IRQCHIP_NONE, and only before the first vCPU exists, so a VM that
 * passes here keeps its mode, and has a LAPIC in every vCPU it will ever
 * have.
 */
int hlkvm_vm_irqchip(struct kvm *kvm, struct netlink_ext_ack *extack)
{
	int mode;

	switch (READ_ONCE(kvm->arch.irqchip_mode)) {
	case KVM_IRQCHIP_SPLIT:
#ifndef HLKVM_HAVE_SPLIT_IRQCHIP
		NL_SET_ERR_MSG(extack,
			       "VM has a split irqchip, whose EOI bridge needs KVM internals this kernel keeps to KVM (6.18+); use full-irqchip mode (KVM_CREATE_IRQCHIP, irqfd on GSI 0)");
		return -EOPNOTSUPP;
#endif
		mode = HLKVM_IRQCHIP_SPLIT;
		break;
	case KVM_IRQCHIP_KERNEL:
		mode = HLKVM_IRQCHIP_KERNEL;
		break;
	default:
		NL_SET_ERR_MSG(extack,
			       "VM has no in-kernel irqchip; create it with KVM_CREATE_IRQCHIP or enable KVM_CAP_SPLIT_IRQCHIP before its vCPUs");
		return -EINVAL;
	}
	if (READ_ONCE(kvm->arch.vpit)) {
		NL_SET_ERR_MSG(extack,
			       "VM has KVM's in-kernel PIT (KVM_CREATE_PIT2), whose ports hlkvm would shadow");
		return -EOPNOTSUPP;
	}
	return mode;
}

int hlkvm_vm_attach(struct kvm *kvm, struct eventfd_ctx *irqfd,
		    const struct hlkvm_config *cfg, u32 irqchip,
		    struct net *net, u32 portid, struct hlkvm_vm **out,
		    struct netlink_ext_ack *extack)
{
	struct hlkvm_vm *vm;
	int ret;

	lockdep_assert_held(&hlkvm_vms_lock);

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	vm->kvm = kvm;
	vm->owner = get_pid(task_tgid(current));
	vm->net = net;
	vm->portid = portid;
	vm->attach_time = ktime_get_boottime_ns();
	vm->policy = cfg->policy;
	vm->cfg.groups = cfg->groups;
	vm->cfg.timer_port = cfg->timer_port;
	vm->cfg.pit_tick = cfg->pit_tick;
	vm->irqchip = irqchip;
	vm->cfg.pic_watch = irqchip == HLKVM_IRQCHIP_KERNEL;
	hlkvm_timer_init(&vm->timer, irqfd, cfg->policy, cfg->backlog_max);

	if (hlkvm_vm_find(kvm)) {
		NL_SET_ERR_MSG(extack, "VM is already attached");
		ret = -EEXIST;
		goto err_free;
	}
	if (hlkvm_nr_vms >= HLKVM_MAX_VMS) {
		NL_SET_ERR_MSG(extack, "too many VMs attached");
		ret = -ENOSPC;
		goto err_free;
	}
	ret = idr_alloc_cyclic(&hlkvm_vm_ids, vm, 1, HLKVM_MAX_VMS + 1,
			       GFP_KERNEL);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "no VM identifier left");
		goto err_free;
	}
	vm->id = ret;
	if (hlkvm_nr_vms == 0) {
		ret = vms_first(extack);
		if (ret)
			goto err_idr;
	}
	hlkvm_nr_vms++;
	WRITE_ONCE(hlkvm_nr_visible, hlkvm_nr_visible + 1);
	hash_add_rcu(hlkvm_vm_hash, &vm->node, (unsigned long)kvm);
	*out = vm;
	return 0;

err_idr:
	idr_remove(&hlkvm_vm_ids, vm->id);
err_free:
	put_pid(vm->owner);
	kfree(vm);
	return ret;
}

void hlkvm_vm_detach(struct hlkvm_vm *vm)
{
	lockdep_assert_held(&hlkvm_vms_lock);

	hlkvm_genl_notify_detach(vm);
	hash_del_rcu(&vm->node);
	idr_remove(&hlkvm_vm_ids, vm->id);
	if (--hlkvm_nr_vms == 0)
		vms_last();
	/* No hook or probe still looks at it after this */
	synchronize_rcu();
	hlkvm_timer_destroy(&vm->timer);
	eventfd_ctx_put(vm->timer.irqfd);
	kvm_put_kvm(vm->kvm);
	put_pid(vm->owner);
	kfree(vm);
	WRITE_ONCE(hlkvm_nr_visible, hlkvm_nr_visible - 1);
}

void hlkvm_vm_detach_socket(struct net *net, u32 portid)
{
	struct hlkvm_vm *vm;
	struct hlist_node *tmp;
	int bkt;

	mutex_lock(&hlkvm_vms_lock);
	hash_for_each_safe(hlkvm_vm_hash, bkt, tmp, vm, node)
		if (vm->portid == portid && net_eq(vm->net, net))
			hlkvm_vm_detach(vm);
	mutex_unlock(&hlkvm_vms_lock);
}

void hlkvm_vm_detach_all(void)
{
	struct hlkvm_vm *vm;
	struct hlist_node *tmp;
	int bkt;

	/* It takes hlkvm_vms_lock itself and re-arms while VMs remain */
	cancel_delayed_work_sync(&hlkvm_reaper);
	mutex_lock(&hlkvm_vms_lock);
	hash_for_each_safe(hlkvm_vm_hash, bkt, tmp, vm, node)
		hlkvm_vm_detach(vm);
	mutex_unlock(&hlkvm_vms_lock);
	idr_destroy(&hlkvm_vm_ids);
}
