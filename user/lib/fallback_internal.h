/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fallback's own state, behind the opaque struct of fallback.h: the
 * library's sources (and unit tests that look inside) include this; it is
 * never installed, so none of it is ABI.
 */
#ifndef HLKVM_FALLBACK_INTERNAL_H
#define HLKVM_FALLBACK_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "fallback.h"
#include "period.h"
#include "ports.h"
#include "ticks.h"

struct hlkvm_fallback {
	/* Set at creation, read-only afterwards */
	struct hlkvm_port_cfg cfg;
	struct hlkvm_period_bounds bounds;
	struct hlkvm_fallback_ops ops;

	/* Only touched by the vCPU thread */
	struct hlkvm_port_state st;

	/* Everything below is protected by lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool quit;
	bool running;
	uint32_t source;		/* enum hlkvm_timer_source */
	uint32_t requested_us;
	uint32_t period_us;
	uint64_t period_ns;		/* the grid's step */
	uint64_t clamped;
	struct timespec next;		/* next grid expiry */
	bool release_pending;		/* a paced backlog tick is owed */
	struct timespec release_at;
	struct timespec last_inject;
	struct hlkvm_ticks ticks;
	struct hlkvm_stats stats;
	uint64_t timer_out;
	uint64_t inject_errors;
};

#endif /* HLKVM_FALLBACK_INTERNAL_H */
