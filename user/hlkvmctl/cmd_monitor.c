// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvmctl monitor [--count N]: print attach, detach and configuration
 * events as they happen (joining the "events" group needs CAP_NET_ADMIN).
 * With --json, one JSON object per line.
 */
#include "hlkvmctl.h"

static int print_event(const struct hlkvm_event *ev, void *arg)
{
	struct ctl *ctl = arg;

	ctl_print_event(ctl->out, ctl->fmt, ev);
	return 0;
}

static int monitor_run(struct ctl *ctl, int argc, char **argv)
{
	struct hlkvm_client *c;
	uint32_t count;
	int ret, status;

	if (ctl_parse_monitor(argc - 1, argv + 1, &count, ctl->err))
		return CTL_EXIT_USAGE;
	status = ctl_open(ctl, &c);
	if (status)
		return status;
	ret = hlkvm_monitor(c, print_event, ctl, count);
	if (ret)
		status = ctl_fail(ctl, c, "monitor", ret);
	hlkvm_close(c);
	return status;
}

static const struct ctl_cmd monitor_cmd = {
	.name = "monitor",
	.usage = "monitor [--count N]   (also --count=N)",
	.run = monitor_run,
};
HLKVMCTL_COMMAND(monitor_cmd)
