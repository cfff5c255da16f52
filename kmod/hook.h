/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ftrace hook on KVM's PIO dispatch (kvm_io_bus_read/write).
 */
#ifndef _HLKVM_HOOK_H
#define _HLKVM_HOOK_H

struct netlink_ext_ack;

/* Install the hook; called when the first VM attaches */
int hlkvm_hook_register(struct netlink_ext_ack *extack);
/* Remove it; called when the last VM detaches */
void hlkvm_hook_unregister(void);
/* At module exit: no vCPU thread is left in the hook's redirect targets */
void hlkvm_hook_exit(void);

#endif /* _HLKVM_HOOK_H */
