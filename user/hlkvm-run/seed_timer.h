/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlkvm-run --timer=seed: the seed's userspace timer, for comparison only.
 */
#ifndef HLKVM_RUN_SEED_TIMER_H
#define HLKVM_RUN_SEED_TIMER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hlkvm.h"

struct vm;

struct seed_timer {
	struct vm *vm;
	pthread_t thread;
	bool started;
	/* Everything below is protected by lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool quit;
	uint32_t requested_us;
	uint32_t period_us;
	uint64_t ticks;
	uint64_t eois;
	uint64_t inject_errors;
};

int seed_timer_init(struct seed_timer *st, struct vm *vm);
void seed_timer_destroy(struct seed_timer *st);
/* run_ctx io_hook: takes the PV timer port and the PIC EOI */
bool seed_timer_io(void *arg, uint16_t port, uint8_t dir, unsigned int size,
		   uint8_t *data);
void seed_timer_get(struct seed_timer *st, struct hlkvm_timer_info *ti);

#endif /* HLKVM_RUN_SEED_TIMER_H */
