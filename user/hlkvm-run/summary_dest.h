/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlkvm-run: where the run summary goes (--summary). Checked before the
 * guest runs, written only at the end:
 *   - no --summary: stderr; "-": stdout;
 *   - a path that is already stdout or stderr (/dev/stdout, /dev/fd/2, a
 *     file both are redirected to) is written through that stream, never
 *     reopened, so it neither truncates nor overwrites what the console
 *     wrote there;
 *   - any other file is truncated only when the summary is written; one
 *     this run created and never wrote to is removed again (a failed
 *     setup leaves no empty file behind).
 */
#ifndef HLKVM_RUN_SUMMARY_DEST_H
#define HLKVM_RUN_SUMMARY_DEST_H

#include <stdbool.h>
#include <stdio.h>

struct summary_dest {
	const char *path;	/* as given, NULL for none */
	FILE *f;		/* stdout, stderr, or our own file */
	bool own;		/* f is a file we opened */
	bool created;		/* ... and it did not exist before */
	bool written;
};

/* 0, or a negative errno after a message naming the path */
int summary_dest_open(struct summary_dest *d, const char *path);
/* Whether the summary goes to fd 1: the console must then go elsewhere */
bool summary_dest_is_stdout(const struct summary_dest *d);
/* The stream to write the summary to, truncated first if it is ours */
FILE *summary_dest_begin(struct summary_dest *d);
/* Closes our file; removes it if this run created it and wrote nothing */
void summary_dest_close(struct summary_dest *d);

#endif /* HLKVM_RUN_SUMMARY_DEST_H */
