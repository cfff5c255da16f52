// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvmctl vm list | show ID | stop ID | detach ID | set ID ...: attached
 * VMs named by the module's id, which needs CAP_NET_ADMIN (a VMM names its
 * own VM by fd through libhlkvm instead).
 */
#include <errno.h>
#include <stdlib.h>

#include "hlkvmctl.h"
#include "vm_list.h"

static int vm_error(struct ctl *ctl, struct hlkvm_client *c, const char *op,
		    uint32_t id, int err)
{
	char what[48];

	snprintf(what, sizeof(what), "vm %s %u", op, id);
	if (err == -ENOENT) {
		fprintf(ctl->err, "Error - %s: no attached VM with id %u\n",
			what, id);
		return CTL_EXIT_FAIL;
	}
	return ctl_fail(ctl, c, what, err);
}

static int vm_run(struct ctl *ctl, int argc, char **argv)
{
	struct hlkvm_vm_ref ref = { .vm_fd = -1 };
	struct hlkvm_vm_info info;
	struct hlkvm_client *c;
	struct ctl_vm_req req;
	struct hlkvm_vm_set set;
	struct vm_list l;
	int ret, status;

	if (ctl_parse_vm(argc - 1, argv + 1, &req, ctl->err))
		return CTL_EXIT_USAGE;
	status = ctl_open(ctl, &c);
	if (status)
		return status;
	ref.vm_id = req.vm_id;
	switch (req.op) {
	case CTL_VM_LIST:
		ret = vm_list_collect(c, &l);
		if (ret)
			status = ctl_fail(ctl, c, "vm list", ret);
		else
			ctl_print_vm_list(ctl->out, ctl->fmt, l.vms, l.n);
		free(l.vms);
		break;
	case CTL_VM_SHOW:
		hlkvm_vm_info_init(&info);
		ret = hlkvm_get_vm(c, &ref, &info);
		if (ret)
			status = vm_error(ctl, c, "show", req.vm_id, ret);
		else
			ctl_print_vm(ctl->out, ctl->fmt, &info);
		break;
	case CTL_VM_STOP:
		/* As if the guest had written period 0 to its timer port */
		hlkvm_vm_set_init(&set);
		set.timer_period_us = 0;
		ret = hlkvm_set_vm(c, &ref, &set);
		if (ret)
			status = vm_error(ctl, c, "stop", req.vm_id, ret);
		break;
	case CTL_VM_SET:
		ret = hlkvm_set_vm(c, &ref, &req.set);
		if (ret)
			status = vm_error(ctl, c, "set", req.vm_id, ret);
		break;
	case CTL_VM_DETACH:
		ret = hlkvm_detach(c, &ref);
		if (ret)
			status = vm_error(ctl, c, "detach", req.vm_id, ret);
		break;
	}
	hlkvm_close(c);
	return status;
}

static const struct ctl_cmd vm_cmd = {
	.name = "vm",
	.usage = "vm list\n"
		 "vm show ID\n"
		 "vm stop ID\n"
		 "vm detach ID\n"
		 "vm set ID [period US] [policy catchup|skip]",
	.run = vm_run,
};
HLKVMCTL_COMMAND(vm_cmd)
