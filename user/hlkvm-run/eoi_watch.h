/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlkvm-run --irqchip=kernel --accel=user: the guest's EOIs, as KVM's
 * resamplefd reports them, handed to the userspace fallback.
 */
#ifndef HLKVM_RUN_EOI_WATCH_H
#define HLKVM_RUN_EOI_WATCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "fallback.h"

struct eoi_watch {
	int fd;			/* the resamplefd (not owned) */
	int quit_fd;		/* an eventfd: signalled to stop the thread */
	struct hlkvm_fallback *fb;
	pthread_t thread;
	bool started;
	uint64_t errors;	/* failed reads (none expected) */
};

/* Start a thread that reports every EOI on @resample_fd to @fb */
int eoi_watch_start(struct eoi_watch *w, int resample_fd,
		    struct hlkvm_fallback *fb);
/*
 * Stop and join it, after reporting what is still pending: the guest's
 * last EOI before it ended must count. Safe on a watch never started.
 */
void eoi_watch_stop(struct eoi_watch *w);

#endif /* HLKVM_RUN_EOI_WATCH_H */
