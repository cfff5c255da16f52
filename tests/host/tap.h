/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TAP lines of the host test programs. The tiers count "ok" and
 * "not ok" lines (tests/host/run-in-host.sh), so every program prints them
 * the same way: a pass may carry a "#" comment saying what was seen, a
 * failure says why on its own line. tap_prefix names the case's context
 * (the irqchip mode of a program that runs each case in both). Each C file
 * under tests/host is a program of its own, so the state is static.
 */
#ifndef HLKVM_TAP_H
#define HLKVM_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_cases, tap_failed;
static char tap_prefix[48];

static inline void tap_vresultf(bool ok, const char *what, const char *fmt,
				va_list ap)
{
	tap_cases++;
	if (!ok)
		tap_failed++;
	printf("%s %d - %s%s", ok ? "ok" : "not ok", tap_cases, tap_prefix,
	       what);
	if (fmt) {
		fputs(ok ? "\n#   " : ": ", stdout);
		vprintf(fmt, ap);
	}
	putchar('\n');
}

static inline void tap_resultf(bool ok, const char *what, const char *fmt,
			       ...) __attribute__((format(printf, 3, 4)));

static inline void tap_resultf(bool ok, const char *what, const char *fmt,
			       ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresultf(ok, what, fmt, ap);
	va_end(ap);
}

/* @detail is text already made, or NULL */
static inline void tap_result(bool ok, const char *what, const char *detail)
{
	if (detail)
		tap_resultf(ok, what, "%s", detail);
	else
		tap_resultf(ok, what, NULL);
}

static inline int tap_exit_status(void)
{
	return tap_failed ? 1 : 0;
}

#endif /* HLKVM_TAP_H */
