// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Userspace fallback: ports through kmod/ports.c, ticks through
 * kmod/ticks.c, a timer thread on an absolute grid. See fallback.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fallback_internal.h"

#define NSEC_PER_SEC	1000000000LL

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static struct timespec ns_ts(int64_t ns)
{
	return (struct timespec){ .tv_sec = ns / NSEC_PER_SEC,
				  .tv_nsec = ns % NSEC_PER_SEC };
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_ns(&ts);
}

/* Caller holds fb->lock */
static void inject_locked(struct hlkvm_fallback *fb, int64_t now)
{
	if (fb->ops.inject(fb->ops.arg) < 0)
		fb->inject_errors++;
	fb->last_inject = ns_ts(now);
}

/* Caller holds fb->lock */
static void timer_expired_locked(struct hlkvm_fallback *fb, int64_t now)
{
	int64_t period = (int64_t)fb->period_ns;
	int64_t next = ts_ns(&fb->next);
	uint64_t n;

	/* How many grid points passed: n - 1 of them were overrun */
	n = (uint64_t)((now - next) / period) + 1;
	fb->next = ns_ts(next + (int64_t)n * period);
	if (hlkvm_ticks_expire(&fb->ticks, n) != HLKVM_TICK_NONE)
		inject_locked(fb, now);
}

static void *timer_thread(void *arg)
{
	struct hlkvm_fallback *fb = arg;

	pthread_mutex_lock(&fb->lock);
	while (!fb->quit) {
		struct timespec deadline;
		int64_t now;

		if (!fb->running && !fb->release_pending) {
			pthread_cond_wait(&fb->cond, &fb->lock);
			continue;
		}
		deadline = fb->next;
		if (fb->release_pending &&
		    (!fb->running || ts_ns(&fb->release_at) < ts_ns(&deadline)))
			deadline = fb->release_at;
		/* Absolute deadline: a late wake-up does not shift the grid */
		if (pthread_cond_timedwait(&fb->cond, &fb->lock, &deadline) !=
		    ETIMEDOUT)
			continue;	/* reprogrammed or quitting: re-read */
		now = now_ns();
		if (fb->release_pending && now >= ts_ns(&fb->release_at)) {
			fb->release_pending = false;
			if (hlkvm_ticks_release(&fb->ticks))
				inject_locked(fb, now);
		}
		if (fb->running && now >= ts_ns(&fb->next))
			timer_expired_locked(fb, now);
	}
	pthread_mutex_unlock(&fb->lock);
	return NULL;
}

int hlkvm_fallback_new(struct hlkvm_fallback **out, uint32_t irqchip,
		       uint32_t policy, uint32_t backlog_max,
		       const struct hlkvm_fallback_ops *ops)
{
	struct hlkvm_fallback *fb;
	pthread_condattr_t ca;
	sigset_t all, old;
	int ret;

	*out = NULL;
	/* A split irqchip's EOIs are bridged through lapic_eoi: it must be */
	if (irqchip >= __HLKVM_IRQCHIP_COUNT || !ops || !ops->inject ||
	    (irqchip == HLKVM_IRQCHIP_SPLIT && !ops->lapic_eoi))
		return -EINVAL;
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return -ENOMEM;
	fb->cfg.groups = __HLKVM_GROUP_F_ALL;
	/* KVM's PIC answers those ports in the kernel: never ours to claim */
	if (irqchip == HLKVM_IRQCHIP_KERNEL) {
		fb->cfg.groups &= ~HLKVM_GROUP_F_PIC;
		/* As the module's: its 8259 state is saved, and restored */
		fb->cfg.pic_watch = true;
	}
	fb->cfg.timer_port = HLKVM_PORT_PV_TIMER;
	fb->bounds.min_us = HLKVM_PERIOD_MIN_US;
	fb->bounds.max_us = HLKVM_PERIOD_MAX_US;
	fb->ops = *ops;
	hlkvm_ticks_init(&fb->ticks, policy, backlog_max);

	pthread_mutex_init(&fb->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&fb->cond, &ca);
	pthread_condattr_destroy(&ca);

	/* Signals (timeouts, ^C) are for the vCPU thread, never this one */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&fb->thread, NULL, timer_thread, fb);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		pthread_cond_destroy(&fb->cond);
		pthread_mutex_destroy(&fb->lock);
		free(fb);
		return -ret;
	}
	*out = fb;
	return 0;
}

void hlkvm_fallback_free(struct hlkvm_fallback *fb)
{
	if (!fb)
		return;
	pthread_mutex_lock(&fb->lock);
	fb->quit = true;
	pthread_cond_signal(&fb->cond);
	pthread_mutex_unlock(&fb->lock);
	pthread_join(fb->thread, NULL);
	pthread_cond_destroy(&fb->cond);
	pthread_mutex_destroy(&fb->lock);
	free(fb);
}

/* Stop, then run at @ns unless 0 */
static void set_timer(struct hlkvm_fallback *fb, uint32_t source,
		      uint32_t req_us, uint64_t ns, bool clamped)
{
	pthread_mutex_lock(&fb->lock);
	/* Any write stops the running timer first, as in the module */
	fb->running = false;
	fb->release_pending = false;
	hlkvm_ticks_stop(&fb->ticks);
	fb->source = source;
	fb->requested_us = req_us;
	fb->period_ns = ns;
	fb->period_us = (uint32_t)((ns + 500) / 1000);
	if (clamped)
		fb->clamped++;
	if (ns) {
		fb->next = ns_ts(now_ns() + (int64_t)ns);
		fb->running = true;
	}
	pthread_cond_signal(&fb->cond);
	pthread_mutex_unlock(&fb->lock);
}

void hlkvm_fallback_set_period(struct hlkvm_fallback *fb, uint32_t req_us)
{
	bool clamped;
	uint32_t us = hlkvm_period_clamp(req_us, &fb->bounds, &clamped);

	set_timer(fb, HLKVM_TIMER_SRC_PV, req_us, hlkvm_period_ns(us), clamped);
}

static void set_pit_period(struct hlkvm_fallback *fb, uint64_t req_ns)
{
	bool clamped;
	uint64_t ns = hlkvm_period_clamp_ns(req_ns, &fb->bounds, &clamped);

	set_timer(fb, HLKVM_TIMER_SRC_PIT, (uint32_t)((req_ns + 500) / 1000),
		  ns, clamped);
}

void hlkvm_fallback_set_pit_tick(struct hlkvm_fallback *fb, bool on)
{
	fb->cfg.pit_tick = on;
}

bool hlkvm_fallback_in(struct hlkvm_fallback *fb, uint16_t port,
		       unsigned int len, void *data)
{
	struct hlkvm_pio_result res;

	if (hlkvm_pio_in(&fb->cfg, &fb->st, now_ns(), port, len, data,
			 &res) == HLKVM_PIO_PASS)
		return false;
	pthread_mutex_lock(&fb->lock);
	fb->stats.group[res.group].in++;
	pthread_mutex_unlock(&fb->lock);
	return true;
}

/* Caller holds fb->lock: the guest acknowledged a tick */
static void tick_acked_locked(struct hlkvm_fallback *fb)
{
	int64_t at, now;

	if (!hlkvm_ticks_ack(&fb->ticks))
		return;
	/* Pace backlog ticks a quarter period apart, as the module */
	at = ts_ns(&fb->last_inject) + (int64_t)fb->period_ns / 4;
	now = now_ns();
	fb->release_at = ns_ts(at > now ? at : now);
	fb->release_pending = true;
	pthread_cond_signal(&fb->cond);
}

/* An EOI of IRQ0 on port 0x20: bridge it to the LAPIC, or ignore it */
static void pic_eoi(struct hlkvm_fallback *fb)
{
	pthread_mutex_lock(&fb->lock);
	if (!hlkvm_ticks_should_bridge(&fb->ticks, fb->running)) {
		fb->stats.eoi_ignored++;
		pthread_mutex_unlock(&fb->lock);
		return;
	}
	fb->ops.lapic_eoi(fb->ops.arg);
	fb->stats.eoi_bridged++;
	tick_acked_locked(fb);
	pthread_mutex_unlock(&fb->lock);
}

void hlkvm_fallback_acked(struct hlkvm_fallback *fb, uint64_t n)
{
	if (!n)
		return;
	pthread_mutex_lock(&fb->lock);
	/*
	 * KVM's PIC already ended the interrupt: only the accounting is
	 * ours, and as in the module every EOI counts (the outstanding count
	 * saturates at 0, so one with nothing outstanding is harmless). One
	 * acknowledgment or several since the last call release the same
	 * single paced backlog tick.
	 */
	fb->stats.eoi_seen += n;
	tick_acked_locked(fb);
	pthread_mutex_unlock(&fb->lock);
}

bool hlkvm_fallback_out(struct hlkvm_fallback *fb, uint16_t port,
			unsigned int len, const void *data)
{
	struct hlkvm_pio_result res;

	switch (hlkvm_pio_out(&fb->cfg, &fb->st, now_ns(), port, len, data,
			      &res)) {
	case HLKVM_PIO_PASS:
	case HLKVM_PIO_EOI_SEEN:
	case HLKVM_PIO_PIC_MODE:
		/*
		 * (never seen here: KVM's own PIC takes its ports without an
		 * exit; hlkvm_fallback_set_pic() tells of its mode.) Nor is an
		 * auto-EOI PIC's injection ever taken for an acknowledgment
		 * here, as the module takes it: KVM reports that one through
		 * the resamplefd too (pic_intack() ends the service and runs
		 * the ack notifiers), and counting both would acknowledge
		 * every tick twice.
		 */
		return false;
	case HLKVM_PIO_PERIOD:
		pthread_mutex_lock(&fb->lock);
		fb->timer_out++;
		pthread_mutex_unlock(&fb->lock);
		hlkvm_fallback_set_period(fb, res.period_us);
		return true;
	case HLKVM_PIO_PIT_TICK:
		pthread_mutex_lock(&fb->lock);
		fb->stats.group[res.group].out++;
		pthread_mutex_unlock(&fb->lock);
		set_pit_period(fb, res.period_ns);
		return true;
	case HLKVM_PIO_EOI:
		pthread_mutex_lock(&fb->lock);
		fb->stats.group[res.group].out++;
		pthread_mutex_unlock(&fb->lock);
		pic_eoi(fb);
		return true;
	case HLKVM_PIO_ABSORB:
		break;
	}
	pthread_mutex_lock(&fb->lock);
	fb->stats.group[res.group].out++;
	pthread_mutex_unlock(&fb->lock);
	return true;
}

void hlkvm_fallback_get(struct hlkvm_fallback *fb,
			struct hlkvm_timer_info *timer,
			struct hlkvm_stats *stats, uint64_t *timer_out)
{
	pthread_mutex_lock(&fb->lock);
	if (timer) {
		*timer = (struct hlkvm_timer_info){
			.running = fb->running,
			.source = fb->source,
			.requested_us = fb->requested_us,
			.period_us = fb->running ? fb->period_us : 0,
			.period_ns = fb->running ? fb->period_ns : 0,
			.ticks = fb->ticks.injected,
			.merged = fb->ticks.merged,
			.lost = fb->ticks.lost,
			.backlog = fb->ticks.backlog,
			.outstanding = fb->ticks.outstanding,
			.clamped = fb->clamped,
			.kicks = fb->ticks.kicks,
		};
	}
	if (stats)
		*stats = fb->stats;
	if (timer_out)
		*timer_out = fb->timer_out;
	pthread_mutex_unlock(&fb->lock);
}
