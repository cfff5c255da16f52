// SPDX-License-Identifier: GPL-2.0
/* hlkvm-run: the first error and hint seen on stderr (see errlog.h) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errlog.h"

static struct errlog global_log;

static void take_line(struct errlog *l)
{
	const char *msg = l->line;
	size_t plen = strlen(ERRLOG_PREFIX);

	l->line[l->len] = '\0';
	l->len = 0;
	if (strncmp(msg, ERRLOG_PREFIX, plen))
		return;
	msg += plen;
	if (!strncmp(msg, "hint: ", 6)) {
		if (!l->hint[0])
			snprintf(l->hint, sizeof(l->hint), "%s", msg + 6);
		return;
	}
	if (!strncmp(msg, "warning: ", 9) || l->error[0])
		return;
	snprintf(l->error, sizeof(l->error), "%s", msg);
}

void errlog_feed(struct errlog *l, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			take_line(l);
			continue;
		}
		/* A longer line is kept cut short, not split in two */
		if (l->len < sizeof(l->line) - 1)
			l->line[l->len++] = buf[i];
	}
}

static ssize_t tee_write(void *cookie, const char *buf, size_t n)
{
	size_t done = 0;
	ssize_t w;

	(void)cookie;
	errlog_feed(&global_log, buf, n);
	while (done < n) {
		w = write(STDERR_FILENO, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)w;
	}
	return (ssize_t)n;
}

int errlog_capture_stderr(void)
{
	static const cookie_io_functions_t ops = { .write = tee_write };
	FILE *f = fopencookie(NULL, "w", ops);

	if (!f)
		return -errno;
	/* Messages must not wait for a newline or an exit */
	setvbuf(f, NULL, _IONBF, 0);
	stderr = f;
	return 0;
}

const struct errlog *errlog_get(void)
{
	return &global_log;
}
