/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlkvm-run: remembers the first error and hint printed on stderr, so a
 * run that never started can still answer --json with {"error": ...}.
 * Every file prints its own "hlkvm-run: ..." message where the failure
 * is understood; this sees them all without a buffer threaded through
 * each call.
 */
#ifndef HLKVM_RUN_ERRLOG_H
#define HLKVM_RUN_ERRLOG_H

#include <stddef.h>

#define ERRLOG_PREFIX	"hlkvm-run: "
#define ERRLOG_LEN	512

struct errlog {
	char error[ERRLOG_LEN];	/* first "hlkvm-run: " line that is not a hint or warning */
	char hint[ERRLOG_LEN];	/* first "hlkvm-run: hint: " line */
	char line[ERRLOG_LEN];	/* the line being assembled */
	size_t len;
};

/* Feeds @n bytes written to stderr; pure, for the tests */
void errlog_feed(struct errlog *l, const char *buf, size_t n);
/* Makes stderr a stream that writes to fd 2 and feeds the global log */
int errlog_capture_stderr(void);
/* The global log that errlog_capture_stderr() fills */
const struct errlog *errlog_get(void);

#endif /* HLKVM_RUN_ERRLOG_H */
