// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of attached VMs.
 *
 * Lock rules: hlkvm_vms_lock (a mutex) serializes every change to the
 * registry (publishing and unpublishing VMs) and netlink readers that need
 * a VM to stay put; nothing slow runs under it. hlkvm_hook_lock serializes
 * the hook and probe (un)registration, which is slow (ftrace text
 * patching, RCU-tasks grace periods, tracepoint unregistration) and is
 * taken by attach and detach only, outside hlkvm_vms_lock. The PIO hook
 * and the kvm_eoi probe only look VMs up under RCU; an unpublished VM is
 * freed after synchronize_rcu(), so they never see one die under them.
 * The genl family is parallel_ops: none of this runs under genl_mutex.
 *
 * Lifetime: an attachment holds a reference on the VM (kvm_get_kvm), so
 * KVM cannot destroy it while attached. It is owned by the netlink socket
 * that made it, which it holds: closing that socket (a VMM that exits or
 * is killed closes it) detaches, as do HLKVM_CMD_DETACH and rmmod. A VMM that closes every
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
#include <net/sock.h>
#include "compat.h"
#include "eoi.h"
#include "hook.h"
#include "netlink.h"
#include "vm.h"

/* Publishing, unpublishing, readers needing a stable VM */
DEFINE_MUTEX(hlkvm_vms_lock);
/* hlkvm_hook_users and the hook and probe (un)registration */
static DEFINE_MUTEX(hlkvm_hook_lock);
static unsigned int hlkvm_hook_users;
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
static atomic_t hlkvm_nr_visible = ATOMIC_INIT(0);

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
	return atomic_read(&hlkvm_nr_visible);
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
	LIST_HEAD(gone);
	int bkt;

	mutex_lock(&hlkvm_vms_lock);
	hash_for_each_safe(hlkvm_vm_hash, bkt, tmp, vm, node) {
		if (refcount_read(&vm->kvm->users_count) > 1)
			continue;
		pr_info("VM %u: its VMM closed every fd of it, detaching\n",
			vm->id);
		hlkvm_vm_unpublish(vm, &gone);
	}
	if (hlkvm_nr_vms)
		schedule_delayed_work(&hlkvm_reaper, HLKVM_REAP_INTERVAL);
	mutex_unlock(&hlkvm_vms_lock);
	/* The VM is destroyed here, with no lock held */
	hlkvm_vm_release(&gone);
}

/* A reference on the hook: the first installs it and the kvm_eoi probe */
static int hook_get(struct netlink_ext_ack *extack)
{
	int ret = 0;

	mutex_lock(&hlkvm_hook_lock);
	if (hlkvm_hook_users == 0) {
		ret = hlkvm_hook_register(extack);
		if (!ret)
			hlkvm_eoi_probe_register();
	}
	if (!ret)
		hlkvm_hook_users++;
	mutex_unlock(&hlkvm_hook_lock);
	return ret;
}

/* The last reference out: nothing may run our code for an unattached VM */
static void hook_put(void)
{
	mutex_lock(&hlkvm_hook_lock);
	if (--hlkvm_hook_users == 0) {
		hlkvm_eoi_probe_unregister();
		hlkvm_hook_unregister();
	}
	mutex_unlock(&hlkvm_hook_lock);
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
	/*
	 * One vCPU, the Hyperlight model: the EOI bridge, the tick's
	 * acknowledgment and the port state are the VM's, not a vCPU's. A
	 * vCPU created after attach is not served (see hook.c).
	 */
	if (atomic_read(&kvm->online_vcpus) > 1) {
		NL_SET_ERR_MSG(extack,
			       "VM has more than one vCPU; hlkvm serves one-vCPU VMs only (the Hyperlight model)");
		return -EOPNOTSUPP;
	}
	if (READ_ONCE(kvm->arch.vpit)) {
		NL_SET_ERR_MSG(extack,
			       "VM has KVM's in-kernel PIT (KVM_CREATE_PIT2), whose ports hlkvm would shadow");
		return -EOPNOTSUPP;
	}
	return mode;
}

/* Under hlkvm_vms_lock: VMs attached by @uid that count against its limit */
static unsigned int user_vms(kuid_t uid)
{
	struct hlkvm_vm *vm;
	unsigned int n = 0;
	int bkt;

	lockdep_assert_held(&hlkvm_vms_lock);
	hash_for_each(hlkvm_vm_hash, bkt, vm, node)
		if (vm->user_limited && uid_eq(vm->uid, uid))
			n++;
	return n;
}

/* Under hlkvm_vms_lock: the checks, an id, and into the lookups */
static int publish(struct hlkvm_vm *vm, struct netlink_ext_ack *extack)
{
	int ret;

	lockdep_assert_held(&hlkvm_vms_lock);
	if (hlkvm_vm_find(vm->kvm)) {
		NL_SET_ERR_MSG(extack, "VM is already attached");
		return -EEXIST;
	}
	if (hlkvm_nr_vms >= HLKVM_MAX_VMS) {
		NL_SET_ERR_MSG(extack, "too many VMs attached");
		return -ENOSPC;
	}
	if (vm->user_limited &&
	    user_vms(vm->uid) >= HLKVM_MAX_VMS_PER_USER) {
		NL_SET_ERR_MSG(extack,
			       "this user has HLKVM_MAX_VMS_PER_USER VMs attached");
		return -ENOSPC;
	}
	ret = idr_alloc_cyclic(&hlkvm_vm_ids, vm, 1, HLKVM_MAX_VMS + 1,
			       GFP_KERNEL);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "no VM identifier left");
		return ret;
	}
	vm->id = ret;
	if (hlkvm_nr_vms++ == 0)
		schedule_delayed_work(&hlkvm_reaper, HLKVM_REAP_INTERVAL);
	atomic_inc(&hlkvm_nr_visible);
	hash_add_rcu(hlkvm_vm_hash, &vm->node, (unsigned long)vm->kvm);
	return 0;
}

int hlkvm_vm_attach(struct kvm *kvm, struct eventfd_ctx *irqfd,
		    const struct hlkvm_config *cfg, u32 irqchip,
		    const struct hlkvm_attach_req *req, struct hlkvm_vm **out,
		    struct netlink_ext_ack *extack)
{
	struct hlkvm_vm *vm;
	int ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	vm->kvm = kvm;
	vm->owner = get_pid(task_tgid(current));
	vm->net = req->net;
	vm->sk = req->sk;
	vm->portid = req->portid;
	vm->uid = current_euid();
	vm->user_limited = req->user_limited;
	INIT_LIST_HEAD(&vm->gone);
	vm->attach_time = ktime_get_boottime_ns();
	vm->policy = cfg->policy;
	vm->cfg.groups = cfg->groups;
	vm->cfg.timer_port = cfg->timer_port;
	vm->irqchip = irqchip;
	vm->cfg.pic_watch = irqchip == HLKVM_IRQCHIP_KERNEL;
	raw_spin_lock_init(&vm->pst_lock);
	hlkvm_timer_init(&vm->timer, irqfd, cfg->policy, cfg->backlog_max);

	/* Before publishing, outside hlkvm_vms_lock: it may be slow */
	ret = hook_get(extack);
	if (ret)
		goto err_free;
	mutex_lock(&hlkvm_vms_lock);
	ret = publish(vm, extack);
	if (ret) {
		mutex_unlock(&hlkvm_vms_lock);
		hook_put();
		goto err_free;
	}
	sock_hold(vm->sk);
	*out = vm;
	return 0;

err_free:
	put_pid(vm->owner);
	kfree(vm);
	return ret;
}

void hlkvm_vm_unpublish(struct hlkvm_vm *vm, struct list_head *gone)
{
	lockdep_assert_held(&hlkvm_vms_lock);

	hlkvm_genl_notify_detach(vm);
	hash_del_rcu(&vm->node);
	idr_remove(&hlkvm_vm_ids, vm->id);
	hlkvm_nr_vms--;
	list_add_tail(&vm->gone, gone);
}

void hlkvm_vm_release(struct list_head *gone)
{
	struct hlkvm_vm *vm, *tmp;

	if (list_empty(gone))
		return;
	/* No hook or probe still looks at any of them after this */
	synchronize_rcu();
	list_for_each_entry_safe(vm, tmp, gone, gone) {
		list_del(&vm->gone);
		hlkvm_timer_destroy(&vm->timer);
		eventfd_ctx_put(vm->timer.irqfd);
		kvm_put_kvm(vm->kvm);
		put_pid(vm->owner);
		sock_put(vm->sk);
		kfree(vm);
		atomic_dec(&hlkvm_nr_visible);
		hook_put();
	}
}

/*
 * NETLINK_URELEASE comes after the socket left the port table, so by now
 * another socket may have bound @portid and attached VMs of its own. Only
 * the socket being released is orphaned (netlink_release() marks it
 * SOCK_DEAD before the notifier): that is the owner to match.
 */
void hlkvm_vm_detach_socket(struct net *net, u32 portid)
{
	struct hlkvm_vm *vm;
	struct hlist_node *tmp;
	LIST_HEAD(gone);
	int bkt;

	mutex_lock(&hlkvm_vms_lock);
	hash_for_each_safe(hlkvm_vm_hash, bkt, tmp, vm, node)
		if (vm->portid == portid && net_eq(vm->net, net) &&
		    sock_flag(vm->sk, SOCK_DEAD))
			hlkvm_vm_unpublish(vm, &gone);
	mutex_unlock(&hlkvm_vms_lock);
	hlkvm_vm_release(&gone);
}

void hlkvm_vm_detach_all(void)
{
	struct hlkvm_vm *vm;
	struct hlist_node *tmp;
	LIST_HEAD(gone);
	int bkt;

	/* It takes hlkvm_vms_lock itself and re-arms while VMs remain */
	cancel_delayed_work_sync(&hlkvm_reaper);
	mutex_lock(&hlkvm_vms_lock);
	hash_for_each_safe(hlkvm_vm_hash, bkt, tmp, vm, node)
		hlkvm_vm_unpublish(vm, &gone);
	mutex_unlock(&hlkvm_vms_lock);
	hlkvm_vm_release(&gone);
	idr_destroy(&hlkvm_vm_ids);
}
