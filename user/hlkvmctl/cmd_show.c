// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvmctl show: module version, defaults, VM count, and the attached VMs
 * when the caller may dump them (CAP_NET_ADMIN; otherwise they are left
 * out, not an error).
 */
#include <errno.h>
#include <stdlib.h>

#include "hlkvmctl.h"
#include "vm_list.h"

static const struct hlkvm_vm_info no_vm;

static int show_run(struct ctl *ctl, int argc, char **argv)
{
	struct hlkvm_client *c;
	struct hlkvm_config cfg = { .size = sizeof(cfg) };
	struct vm_list l;
	int ret, status;

	if (argc > 1) {
		fprintf(ctl->err, "Error - show: unexpected \"%s\"\n", argv[1]);
		return CTL_EXIT_USAGE;
	}
	status = ctl_open(ctl, &c);
	if (status)
		return status;
	ret = hlkvm_get_config(c, &cfg);
	if (ret) {
		status = ctl_fail(ctl, c, "show", ret);
		goto out;
	}
	ret = vm_list_collect(c, &l);
	if (ret && ret != -EPERM) {
		status = ctl_fail(ctl, c, "show: listing VMs", ret);
		goto out_free;
	}
	/*
	 * NULL means "not allowed to list"; an empty dump has no array of
	 * its own, so point at a dummy to print "vms": [] rather than omit it.
	 */
	ctl_print_show(ctl->out, ctl->fmt, &cfg,
		       ret ? NULL : l.vms ? l.vms : &no_vm, ret ? 0 : l.n);
	status = CTL_EXIT_OK;
out_free:
	free(l.vms);
out:
	hlkvm_close(c);
	return status;
}

static const struct ctl_cmd show_cmd = {
	.name = "show",
	.usage = "show",
	.run = show_run,
};
HLKVMCTL_COMMAND(show_cmd)
