/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registry of attached VMs. Writers hold hlkvm_vms_lock; the PIO hook
 * and the EOI probe find a VM by its struct kvm under RCU.
 */
#ifndef _HLKVM_VM_H
#define _HLKVM_VM_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include "ports.h"
#include "stats.h"
#include "timer.h"

struct kvm;
struct net;
struct pid;
struct sock;
struct netlink_ext_ack;

/**
 * struct hlkvm_vm - one attached VM
 * @node: in the RCU hash keyed by @kvm
 * @kvm: the VM, referenced (kvm_get_kvm) for as long as it is attached
 * @id: the module's identifier (IDR), never 0
 * @owner: thread group that attached it
 * @net: network namespace of the attaching socket (not referenced: the
 *       attachment never outlives that socket)
 * @sk: the attaching netlink socket, held: it owns the attachment. Its
 *      port id alone cannot say so, since a new socket may bind that
 *      port id while this one is being released.
 * @portid: netlink port id of the attaching socket
 * @uid: effective uid of the attaching task, for HLKVM_MAX_VMS_PER_USER
 * @user_limited: counted against @uid's limit (no CAP_NET_ADMIN)
 * @gone: on a list of unpublished VMs waiting for hlkvm_vm_release()
 * @attach_time: CLOCK_BOOTTIME at attach, ns
 * @policy: enum hlkvm_timer_policy
 * @irqchip: enum hlkvm_irqchip, fixed for the VM's life
 * @cfg: which ports are answered; fixed while attached
 * @pst_lock: serializes @pst, so that no read-modify-write of the 8254
 *            or port 0x61 is ever torn (raw: taken in the ftrace
 *            callback, preemption off)
 * @pst: port device state (8254, port 0x61, KVM's 8259 as followed)
 * @bridging: the task inside our own kvm_lapic_set_eoi() call, so that
 *            the kvm_eoi probe does not count that EOI a second time
 * @stats: counters
 * @timer: the PV timer
 */
struct hlkvm_vm {
	struct hlist_node node;
	struct kvm *kvm;
	u32 id;
	struct pid *owner;
	struct net *net;
	struct sock *sk;
	u32 portid;
	kuid_t uid;
	bool user_limited;
	struct list_head gone;
	u64 attach_time;
	u32 policy;
	u32 irqchip;
	struct hlkvm_port_cfg cfg;
	raw_spinlock_t pst_lock;	/* @pst */
	struct hlkvm_port_state pst;
	struct task_struct *bridging;
	struct hlkvm_stats stats;
	struct hlkvm_timer timer;
};

/**
 * struct hlkvm_config - module-wide defaults, under hlkvm_config_lock
 */
struct hlkvm_config {
	u32 groups;
	u16 timer_port;
	u32 policy;
	u32 period_min_us;
	u32 period_max_us;
	u32 backlog_max;
	bool pit_tick;
};

extern struct mutex hlkvm_vms_lock;
extern struct mutex hlkvm_config_lock;
extern struct hlkvm_config hlkvm_config;

/* Under rcu_read_lock(): the attachment of @kvm, or NULL */
struct hlkvm_vm *hlkvm_vm_find_rcu(const struct kvm *kvm);
/* Under hlkvm_vms_lock */
struct hlkvm_vm *hlkvm_vm_find(const struct kvm *kvm);
struct hlkvm_vm *hlkvm_vm_find_id(u32 id);
/* Under hlkvm_vms_lock: the attached VM with the lowest id >= *id */
struct hlkvm_vm *hlkvm_vm_next(u32 *id);
unsigned int hlkvm_vm_count(void);

/*
 * The enum hlkvm_irqchip @kvm can be served in, or -errno with @extack
 * saying why it cannot be attached
 */
int hlkvm_vm_irqchip(struct kvm *kvm, struct netlink_ext_ack *extack);

/**
 * struct hlkvm_attach_req - who attaches, as the netlink request says
 * @net: the requesting socket's network namespace
 * @sk: the requesting socket (NETLINK_CB(skb).sk); held by the attachment
 * @portid: its port id
 * @user_limited: count the attachment against HLKVM_MAX_VMS_PER_USER
 */
struct hlkvm_attach_req {
	struct net *net;
	struct sock *sk;
	u32 portid;
	bool user_limited;
};

/*
 * Make an attachment of @kvm (referenced by the caller, the reference
 * passes to the VM on success) with @irqfd (likewise) in mode @irqchip,
 * from hlkvm_vm_irqchip(), and install the hook if it is the first. The
 * hook's (un)registration is slow (ftrace text patching, RCU-tasks grace
 * periods) and happens under a lock of its own, never hlkvm_vms_lock.
 * Call without hlkvm_vms_lock; on success it is held on return, the VM
 * published as *@out, for the caller to reply under it and then unlock.
 */
int hlkvm_vm_attach(struct kvm *kvm, struct eventfd_ctx *irqfd,
		    const struct hlkvm_config *cfg, u32 irqchip,
		    const struct hlkvm_attach_req *req, struct hlkvm_vm **out,
		    struct netlink_ext_ack *extack);
/*
 * Detaching is two steps, so that nothing slow runs under hlkvm_vms_lock:
 * hlkvm_vm_unpublish(), under it, takes @vm out of every lookup, sends
 * the detach notification and puts it on @gone; hlkvm_vm_release(), after
 * the lock is dropped, waits for RCU readers, stops the timer, drops the
 * VM reference (possibly destroying the VM) and the hook if it was the
 * last, and frees every VM on @gone.
 */
void hlkvm_vm_unpublish(struct hlkvm_vm *vm, struct list_head *gone);
void hlkvm_vm_release(struct list_head *gone);
/* Detach every VM owned by the released socket @portid in @net */
void hlkvm_vm_detach_socket(struct net *net, u32 portid);
void hlkvm_vm_detach_all(void);

/* The period clamp in force, consistent even while SET_CONFIG runs */
void hlkvm_config_bounds(struct hlkvm_period_bounds *b);
void hlkvm_config_publish_bounds(u32 min_us, u32 max_us);

#endif /* _HLKVM_VM_H */
