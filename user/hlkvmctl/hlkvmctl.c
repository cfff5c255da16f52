// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvmctl: global options, the command table, usage, and the error
 * reporting every command shares. Exit 0 ok, 1 the operation failed,
 * 2 usage error (ip, batctl).
 */
#include <errno.h>
#include <string.h>

#include "hlkvmctl.h"

#ifndef HLKVMCTL_VERSION
#define HLKVMCTL_VERSION "1.0.0"
#endif

#define CTL_MAX_CMDS 16

static const struct ctl_cmd *cmds[CTL_MAX_CMDS];
static unsigned int n_cmds;

void ctl_register(const struct ctl_cmd *cmd)
{
	unsigned int i;

	/* Keep the table sorted by name: --help lists it in this order */
	if (n_cmds == CTL_MAX_CMDS)
		return;
	for (i = n_cmds; i > 0 && strcmp(cmds[i - 1]->name, cmd->name) > 0; i--)
		cmds[i] = cmds[i - 1];
	cmds[i] = cmd;
	n_cmds++;
}

static void usage(FILE *f)
{
	unsigned int i;
	const char *p, *nl;

	fputs("Usage: hlkvmctl [OPTIONS] COMMAND [ARGS]\n\nCommands:\n", f);
	for (i = 0; i < n_cmds; i++) {
		for (p = cmds[i]->usage; *p; p = *nl ? nl + 1 : nl) {
			nl = strchrnul(p, '\n');
			/* Continuation lines start blank: no program name */
			fprintf(f, "  %s%.*s\n", *p == ' ' ? "        " : "hlkvmctl ",
				(int)(nl - p), p);
		}
	}
	fputs("\nOptions:\n"
	      "  -j, --json     print data as JSON\n"
	      "  -h, --help     print this help and exit\n"
	      "  -V, --version  print the version and exit\n"
	      "\nExit status: 0 success, 1 the operation failed, 2 usage error.\n"
	      "See hlkvmctl(8).\n", f);
}

int ctl_open(struct ctl *ctl, struct hlkvm_client **c)
{
	int ret = hlkvm_open(c);

	if (!ret)
		return CTL_EXIT_OK;
	if (ret == -ENOENT)
		fprintf(ctl->err,
			"Error - hlkvm module is not loaded (no generic netlink family \"%s\")\n",
			HLKVM_GENL_NAME);
	else
		fprintf(ctl->err, "Error - cannot open generic netlink: %s\n",
			strerror(-ret));
	return CTL_EXIT_FAIL;
}

int ctl_fail(struct ctl *ctl, struct hlkvm_client *c, const char *what,
	     int err)
{
	if (err == -EPERM)
		fprintf(ctl->err, "Error - %s: needs CAP_NET_ADMIN\n", what);
	else
		fprintf(ctl->err, "Error - %s: %s\n", what,
			hlkvm_strerror(c, err));
	return CTL_EXIT_FAIL;
}

int hlkvmctl_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl ctl = { .out = out, .err = err };
	char *args[argc > 0 ? argc : 1];
	int n = 0, i, ret;
	bool cmd_seen = false;

	/*
	 * Options before the command, and --json also after it
	 * ("hlkvmctl show --json" is what people type); no command argument
	 * can start with "--j".
	 */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			ctl.json = true;
		} else if (cmd_seen) {
			args[n++] = argv[i];
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(out);
			return CTL_EXIT_OK;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			fprintf(out, "hlkvmctl %s (generic netlink family \"%s\" version %d)\n",
				HLKVMCTL_VERSION, HLKVM_GENL_NAME,
				HLKVM_GENL_VERSION);
			return CTL_EXIT_OK;
		} else if (a[0] == '-' && a[1]) {
			fprintf(err, "Error - unknown option \"%s\" (see hlkvmctl --help)\n",
				a);
			return CTL_EXIT_USAGE;
		} else {
			cmd_seen = true;
			args[n++] = argv[i];
		}
	}
	if (!n) {
		fputs("Error - no command given\n", err);
		usage(err);
		return CTL_EXIT_USAGE;
	}
	for (i = 0; i < (int)n_cmds; i++) {
		if (strcmp(args[0], cmds[i]->name))
			continue;
		ret = cmds[i]->run(&ctl, n, args);
		fflush(out);
		return ret;
	}
	fprintf(err, "Error - unknown command \"%s\" (see hlkvmctl --help)\n",
		args[0]);
	return CTL_EXIT_USAGE;
}
