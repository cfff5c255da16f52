/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlkvmctl: the command table and the glue every subcommand shares.
 *
 * Each cmd_*.c registers itself with HLKVMCTL_COMMAND(); --help walks the
 * same table, so the usage text cannot drift from the commands that exist
 * (batctl's idea; a constructor instead of a linker section, since ASan
 * pads globals and would break a section-walking array).
 */
#ifndef HLKVMCTL_H
#define HLKVMCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "ctl.h"
#include "hlkvm.h"

struct ctl {
	FILE *out;
	FILE *err;
	enum ctl_fmt fmt;	/* -j, -p */
};

struct ctl_cmd {
	const char *name;
	/* One or more usage lines, without the program name */
	const char *usage;
	/* argv[0] is the command's name; returns a CTL_EXIT_* status */
	int (*run)(struct ctl *ctl, int argc, char **argv);
};

void ctl_register(const struct ctl_cmd *cmd);

#define HLKVMCTL_COMMAND(var)						\
	__attribute__((constructor)) static void register_##var(void)	\
	{								\
		ctl_register(&var);					\
	}

/* Runs hlkvmctl with @argv; what main() calls, and what tests call */
int hlkvmctl_main(int argc, char **argv, FILE *out, FILE *err);

/*
 * Opens the client; on failure prints why (module not loaded, ...) and
 * returns CTL_EXIT_FAIL.
 */
int ctl_open(struct ctl *ctl, struct hlkvm_client **c);
/*
 * Prints "Error - @what: ..." for @err from the client (EPERM as "needs
 * CAP_NET_ADMIN", otherwise the kernel's extack text or strerror), and
 * returns CTL_EXIT_FAIL.
 */
int ctl_fail(struct ctl *ctl, struct hlkvm_client *c, const char *what,
	     int err);

#endif /* HLKVMCTL_H */
