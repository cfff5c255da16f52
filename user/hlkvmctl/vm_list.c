// SPDX-License-Identifier: GPL-2.0
/* Collecting a VM dump into an array (see vm_list.h) */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vm_list.h"

static int add_vm(const struct hlkvm_vm_info *info, void *arg)
{
	struct vm_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct hlkvm_vm_info *v = realloc(l->vms, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->vms = v;
		l->cap = cap;
	}
	l->vms[l->n++] = *info;
	return 0;
}

int vm_list_collect(struct hlkvm_client *c, struct vm_list *l)
{
	memset(l, 0, sizeof(*l));
	return hlkvm_dump_vms(c, add_vm, l);
}
