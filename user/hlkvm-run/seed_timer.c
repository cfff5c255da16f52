// SPDX-License-Identifier: GPL-2.0
/*
 * hlkvm-run --timer=seed: the timer of the seed design, kept only so that
 * scripts/bench can measure what hlkvm replaces. A thread sleeps one period
 * *relative to when it woke* and then signals the irqfd. Every wake-up
 * latency and every injection adds to the next period, so the tick rate
 * runs slow and the lag is never made up: exactly the seed's flaw. Ticks
 * are never merged or counted as lost; they simply come late.
 *
 * The guest's non-specific EOI on port 0x20 is turned into a LAPIC EOI
 * (KVM_GET_LAPIC / clear ISR / KVM_SET_LAPIC) under the timer lock, so an
 * injection cannot fall between the GET and the SET: that race is not the
 * flaw under measurement.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "hlkvm-run.h"
#include "seed_timer.h"

#define PERIOD_MIN_US	100	/* hlkvm's lower clamp, for a fair 100 us */

static void *seed_thread(void *arg)
{
	struct seed_timer *st = arg;

	pthread_mutex_lock(&st->lock);
	while (!st->quit) {
		struct timespec ts;
		uint32_t p = st->period_us;

		if (!p) {
			pthread_cond_wait(&st->cond, &st->lock);
			continue;
		}
		pthread_mutex_unlock(&st->lock);
		ts.tv_sec = p / 1000000;
		ts.tv_nsec = (long)(p % 1000000) * 1000;
		nanosleep(&ts, NULL);		/* relative: the flaw */
		pthread_mutex_lock(&st->lock);
		if (st->quit || !st->period_us)
			continue;
		if (vm_inject(st->vm))
			st->inject_errors++;
		else
			st->ticks++;
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

int seed_timer_init(struct seed_timer *st, struct vm *vm)
{
	sigset_t all, old;
	int ret;

	memset(st, 0, sizeof(*st));
	st->vm = vm;
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->cond, NULL);
	/* Signals (--timeout) belong to the vCPU thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&st->thread, NULL, seed_thread, st);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return -ret;
	st->started = true;
	return 0;
}

void seed_timer_destroy(struct seed_timer *st)
{
	if (!st->started)
		return;
	pthread_mutex_lock(&st->lock);
	st->quit = true;
	pthread_cond_signal(&st->cond);
	pthread_mutex_unlock(&st->lock);
	pthread_join(st->thread, NULL);
	st->started = false;
}

bool seed_timer_io(void *arg, uint16_t port, uint8_t dir, unsigned int size,
		   uint8_t *data)
{
	struct seed_timer *st = arg;
	uint32_t v = 0;

	if (dir != KVM_EXIT_IO_OUT)
		return false;
	if (port == HLKVM_PORT_PV_TIMER && size == 4) {
		memcpy(&v, data, 4);
		pthread_mutex_lock(&st->lock);
		st->requested_us = v;
		st->period_us = v && v < PERIOD_MIN_US ? PERIOD_MIN_US : v;
		pthread_cond_signal(&st->cond);
		pthread_mutex_unlock(&st->lock);
		return true;
	}
	/* OCW2 non-specific EOI (0x20); ICW1 and OCW3 go to the fallback */
	if (port == HLKVM_PORT_PIC_MASTER_CMD && size == 1 &&
	    (data[0] & 0xe0) == 0x20 && !(data[0] & 0x18)) {
		pthread_mutex_lock(&st->lock);
		vm_lapic_eoi(st->vm);
		st->eois++;
		pthread_mutex_unlock(&st->lock);
		return true;
	}
	return false;
}

void seed_timer_get(struct seed_timer *st, struct hlkvm_timer_info *ti)
{
	pthread_mutex_lock(&st->lock);
	memset(ti, 0, sizeof(*ti));
	ti->running = st->period_us != 0;
	ti->requested_us = st->requested_us;
	ti->period_us = st->period_us;
	ti->ticks = st->ticks;
	pthread_mutex_unlock(&st->lock);
}
