/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HLKVM_NETLINK_H
#define _HLKVM_NETLINK_H

#define HLKVM_MODULE_VERSION	"0.1.0"

struct hlkvm_vm;

int hlkvm_genl_init(void);
void hlkvm_genl_uninit(void);
/* Tell the events group that @vm is going away; under hlkvm_vms_lock */
void hlkvm_genl_notify_detach(struct hlkvm_vm *vm);

#endif /* _HLKVM_NETLINK_H */
