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
#include <linux/types.h>
#include "ports.h"
#include "stats.h"
#include "timer.h"

struct kvm;
struct net;
struct pid;
struct netlink_ext_ack;

/**
 * struct hlkvm_vm - one attached VM
 * @node: in the RCU hash keyed by @kvm
 * @kvm: the VM, referenced (kvm_get_kvm) for as long as it is attached
 * @id: the module's identifier (IDR), never 0
 * @owner: thread group that attached it
 * @net: network namespace of the attaching socket (not referenced: the
 *       attachment never outlives that socket)
 * @portid: netlink port id of the attaching socket
 * @attach_time: CLOCK_BOOTTIME at attach, ns
 * @policy: enum hlkvm_timer_policy
 * @irqchip: enum hlkvm_irqchip, fixed for the VM's life
 * @cfg: which ports are answered; fixed while attached
 * @pst: port device state (speaker refresh bit)
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
	u32 portid;
	u64 attach_time;
	u32 policy;
	u32 irqchip;
	struct hlkvm_port_cfg cfg;
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
/*
 * Attach @kvm (referenced by the caller, the reference passes to the VM on
 * success) with @irqfd (likewise) in mode @irqchip, from
 * hlkvm_vm_irqchip(). The caller holds hlkvm_vms_lock.
 */
int hlkvm_vm_attach(struct kvm *kvm, struct eventfd_ctx *irqfd,
		    const struct hlkvm_config *cfg, u32 irqchip,
		    struct net *net, u32 portid, struct hlkvm_vm **out,
		    struct netlink_ext_ack *extack);
/*
 * Unpublish @vm and free it; the caller holds hlkvm_vms_lock. The VM's id
 * and owner pid are copied out first for the detach notification.
 */
void hlkvm_vm_detach(struct hlkvm_vm *vm);
/* Detach every VM made through socket @portid in @net */
void hlkvm_vm_detach_socket(struct net *net, u32 portid);
void hlkvm_vm_detach_all(void);

/* The period clamp in force, consistent even while SET_CONFIG runs */
void hlkvm_config_bounds(struct hlkvm_period_bounds *b);
void hlkvm_config_publish_bounds(u32 min_us, u32 max_us);

#endif /* _HLKVM_VM_H */
