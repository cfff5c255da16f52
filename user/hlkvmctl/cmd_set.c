// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvmctl set KEY VALUE...: the module-wide defaults (CAP_NET_ADMIN).
 * Values are checked against the uapi limits first (exit 2); the kernel's
 * own rejection (e.g. min > max against the bound in force) comes back
 * with its extack text (exit 1).
 */
#include "hlkvmctl.h"

static int set_run(struct ctl *ctl, int argc, char **argv)
{
	struct hlkvm_config_set set;
	struct hlkvm_client *c;
	int ret, status;

	if (ctl_parse_set(argc - 1, argv + 1, &set, ctl->err))
		return CTL_EXIT_USAGE;
	status = ctl_open(ctl, &c);
	if (status)
		return status;
	ret = hlkvm_set_config(c, &set);
	if (ret)
		status = ctl_fail(ctl, c, "set", ret);
	hlkvm_close(c);
	return status;
}

static const struct ctl_cmd set_cmd = {
	.name = "set",
	.usage = "set [groups pic,pit,speaker,diag,timer|all|none] [timer-port N]\n"
		 "    [policy catchup|skip] [period-min US] [period-max US]\n"
		 "    [backlog-max N] [pit-tick on|off]",
	.run = set_run,
};
HLKVMCTL_COMMAND(set_cmd)
