/* SPDX-License-Identifier: GPL-2.0 */
/* Collecting a VM dump into an array, for "show" and "vm list" */
#ifndef HLKVMCTL_VM_LIST_H
#define HLKVMCTL_VM_LIST_H

#include <stddef.h>

#include "hlkvm.h"

struct vm_list {
	struct hlkvm_vm_info *vms;
	size_t n, cap;
};

/* 0, or the dump's negative errno; free vms with free() either way */
int vm_list_collect(struct hlkvm_client *c, struct vm_list *l);

#endif /* HLKVMCTL_VM_LIST_H */
