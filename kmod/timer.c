// SPDX-License-Identifier: GPL-2.0
/*
 * The PV timer. Like KVM's PIT, ticks fall on an absolute grid (the
 * hrtimer is forwarded by whole periods, so latency never accumulates
 * into drift) and the injection itself happens after the lock is dropped.
 * Unlike the PIT, injection is an irqfd signal: KVM delivers the MSI the
 * VMM routed, hlkvm never touches KVM's interrupt state.
 *
 * Setting the period never waits for a callback. A guest's write to the
 * timer port is handled in the ftrace callback, with preemption off, and
 * on PREEMPT_RT, where these hrtimers expire in softirq context,
 * hrtimer_cancel() sleeps until that softirq is done with them. So a set
 * happens whole under @lock, with hrtimer_start() and
 * hrtimer_try_to_cancel() only, and each callback tells from under @lock
 * whether a set overtook it: tick_fn() finds its timer stopped or queued
 * again (re-armed while it ran), and leaves it as the set did. A callback
 * the set could not cancel runs once more at most and finds nothing to
 * do. Only hlkvm_timer_destroy(), in process context, waits for them.
 */
#include <linux/eventfd.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include "compat.h"
#include "timer.h"

static void signal_tick(struct hlkvm_timer *t)
{
	/* irqfd MSI injection is safe from hrtimer (atomic) context */
	hlkvm_eventfd_signal(t->irqfd);
}

/*
 * A catch-up tick no sooner than a quarter period after the last one, so
 * a guest that cannot keep up still runs its own code. Caller holds @lock;
 * armed only while running: a stop clears @running under @lock, so an
 * arming racing it either came before (and the stop cancels it, or
 * pace_fn() finds no backlog) or sees the timer stopped. hrtimer_start()
 * never waits for pace_fn(), which takes @lock, so this cannot deadlock.
 */
static void pace_owed_locked(struct hlkvm_timer *t)
{
	if (t->running && hlkvm_ticks_owed(&t->ticks))
		hrtimer_start(&t->pace,
			      ktime_add_ns(t->last_inject, t->period_ns / 4),
			      HRTIMER_MODE_ABS);
}

static enum hrtimer_restart tick_fn(struct hrtimer *timer)
{
	struct hlkvm_timer *t = container_of(timer, struct hlkvm_timer, tick);
	enum hlkvm_tick_action action;
	unsigned long flags;
	u64 n;

	raw_spin_lock_irqsave(&t->lock, flags);
	/*
	 * Overtaken by a set: stopped, or re-armed (queued) on the new
	 * period while this expiry of the old one ran. Forwarding a queued
	 * timer would corrupt the queue; the set's arming stands.
	 */
	if (!t->running || hrtimer_is_queued(timer)) {
		raw_spin_unlock_irqrestore(&t->lock, flags);
		return HRTIMER_NORESTART;
	}
	n = hrtimer_forward_now(timer, ns_to_ktime(t->period_ns));
	action = hlkvm_ticks_expire(&t->ticks, n);
	if (action == HLKVM_TICK_INJECT) {
		t->last_inject = ktime_get();
		/* auto-EOI: acknowledged as injected, the backlog may go on */
		pace_owed_locked(t);
	}
	raw_spin_unlock_irqrestore(&t->lock, flags);

	if (action != HLKVM_TICK_NONE)
		signal_tick(t);
	return HRTIMER_RESTART;
}

static enum hrtimer_restart pace_fn(struct hrtimer *timer)
{
	struct hlkvm_timer *t = container_of(timer, struct hlkvm_timer, pace);
	unsigned long flags;
	bool inject;

	enum hrtimer_restart again = HRTIMER_NORESTART;

	raw_spin_lock_irqsave(&t->lock, flags);
	inject = hlkvm_ticks_release(&t->ticks);
	if (inject) {
		t->last_inject = ktime_get();
		/*
		 * auto-EOI: acknowledged as injected, the next one is owed;
		 * unless an ack or a restore armed it again while this ran
		 * (moving a queued timer's expiry would corrupt the queue)
		 */
		if (t->running && hlkvm_ticks_owed(&t->ticks) &&
		    !hrtimer_is_queued(timer)) {
			hrtimer_set_expires(timer,
					    ktime_add_ns(t->last_inject,
							 t->period_ns / 4));
			again = HRTIMER_RESTART;
		}
	}
	raw_spin_unlock_irqrestore(&t->lock, flags);

	if (inject)
		signal_tick(t);
	return again;
}

void hlkvm_timer_init(struct hlkvm_timer *t, struct eventfd_ctx *irqfd,
		      u32 policy, u32 backlog_max)
{
	raw_spin_lock_init(&t->lock);
	t->running = false;
	t->source = HLKVM_TIMER_SRC_PV;
	t->requested_us = 0;
	t->period_us = 0;
	t->period_ns = 0;
	t->last_inject = 0;
	t->clamped = 0;
	hlkvm_ticks_init(&t->ticks, policy, backlog_max);
	hlkvm_hrtimer_setup(&t->tick, tick_fn, CLOCK_MONOTONIC,
			    HRTIMER_MODE_ABS);
	hlkvm_hrtimer_setup(&t->pace, pace_fn, CLOCK_MONOTONIC,
			    HRTIMER_MODE_ABS);
	t->irqfd = irqfd;
}

/*
 * Stop without waiting: whichever callback is running already finds
 * @running false, or the fresh accounting, when it takes @lock. Caller
 * holds @lock.
 */
static void timer_stop_locked(struct hlkvm_timer *t)
{
	t->running = false;
	t->period_us = 0;
	t->period_ns = 0;
	hlkvm_ticks_stop(&t->ticks);
	hrtimer_try_to_cancel(&t->tick);
	hrtimer_try_to_cancel(&t->pace);
}

/* Stop, then run at @ns unless 0; from any context (see the top) */
static void timer_set(struct hlkvm_timer *t, u32 source, u32 req_us, u64 ns,
		      bool clamped)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	timer_stop_locked(t);
	t->source = source;
	t->requested_us = req_us;
	if (clamped)
		t->clamped++;
	if (ns) {
		t->period_us = DIV_ROUND_CLOSEST_ULL(ns, NSEC_PER_USEC);
		t->period_ns = ns;
		t->running = true;
		hrtimer_start(&t->tick, ktime_add_ns(ktime_get(), ns),
			      HRTIMER_MODE_ABS);
	}
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

void hlkvm_timer_set(struct hlkvm_timer *t, u32 req_us,
		     const struct hlkvm_period_bounds *b)
{
	bool clamped;
	u32 us;

	us = hlkvm_period_clamp(req_us, b, &clamped);
	if (clamped)
		/* As KVM's PIT: hrtimers are not throttled by the scheduler */
		pr_info_ratelimited("period %u us clamped to %u us\n",
				    req_us, us);
	timer_set(t, HLKVM_TIMER_SRC_PV, req_us, hlkvm_period_ns(us), clamped);
}

void hlkvm_timer_set_pit(struct hlkvm_timer *t, u64 req_ns,
			 const struct hlkvm_period_bounds *b)
{
	bool clamped;
	u64 ns;

	ns = hlkvm_period_clamp_ns(req_ns, b, &clamped);
	if (clamped)
		pr_info_ratelimited("PIT channel 0 period %llu ns clamped to %llu ns\n",
				    req_ns, ns);
	timer_set(t, HLKVM_TIMER_SRC_PIT,
		  (u32)DIV_ROUND_CLOSEST_ULL(req_ns, NSEC_PER_USEC), ns, clamped);
}

void hlkvm_timer_set_policy(struct hlkvm_timer *t, u32 policy)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	t->ticks.policy = policy;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

void hlkvm_timer_destroy(struct hlkvm_timer *t)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	timer_stop_locked(t);
	raw_spin_unlock_irqrestore(&t->lock, flags);

	/*
	 * Nothing sets the timer any more (the caller's precondition), so
	 * once neither callback runs, neither is armed: tick_fn() and
	 * pace_fn() re-arm only while @running, which stays false.
	 */
	hrtimer_cancel(&t->tick);
	hrtimer_cancel(&t->pace);
}

bool hlkvm_timer_should_bridge(struct hlkvm_timer *t)
{
	unsigned long flags;
	bool ret;

	raw_spin_lock_irqsave(&t->lock, flags);
	ret = hlkvm_ticks_should_bridge(&t->ticks, t->running);
	raw_spin_unlock_irqrestore(&t->lock, flags);
	return ret;
}

void hlkvm_timer_ack(struct hlkvm_timer *t)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	if (hlkvm_ticks_ack(&t->ticks))
		pace_owed_locked(t);
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

void hlkvm_timer_auto_eoi(struct hlkvm_timer *t, bool on)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	if (hlkvm_ticks_set_auto_ack(&t->ticks, on))
		pace_owed_locked(t);
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

void hlkvm_timer_info(struct hlkvm_timer *t, struct hlkvm_timer_info *info)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	info->running = t->running;
	info->source = t->source;
	info->requested_us = t->requested_us;
	info->period_us = t->period_us;
	info->period_ns = t->period_ns;
	info->clamped = t->clamped;
	info->ticks = t->ticks;
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

void hlkvm_timer_save(struct hlkvm_timer *t, struct hlkvm_state_timer *st)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&t->lock, flags);
	/* tick_fn forwards the expiry under @lock: this one is current */
	*st = (struct hlkvm_state_timer){
		.running = t->running,
		.policy = t->ticks.policy,
		.requested_us = t->requested_us,
		.period_us = t->period_us,
		.source = t->source,
		.period_ns = t->running ? t->period_ns : 0,
		.next_ns = t->running ?
			   ktime_to_ns(hrtimer_get_expires(&t->tick)) : 0,
		.backlog = t->ticks.backlog,
		.outstanding = t->ticks.outstanding,
	};
	raw_spin_unlock_irqrestore(&t->lock, flags);
}

void hlkvm_timer_restore(struct hlkvm_timer *t,
			 const struct hlkvm_state_timer *st, bool auto_eoi)
{
	unsigned long flags;
	ktime_t now;
	bool owed;

	raw_spin_lock_irqsave(&t->lock, flags);
	timer_stop_locked(t);
	now = ktime_get();
	t->ticks.policy = st->policy;
	t->ticks.backlog = st->backlog;
	t->ticks.outstanding = st->outstanding;
	t->requested_us = st->requested_us;
	t->source = st->source;
	/* The pacing counts from the restore: the old host's time is gone */
	t->last_inject = now;
	/*
	 * A saved outstanding tick (the fallback's, whose resamplefd had not
	 * yet told of KVM's auto-EOI) will see no EOI here: this drops it
	 */
	owed = hlkvm_ticks_set_auto_ack(&t->ticks, auto_eoi);
	if (st->running) {
		t->period_us = st->period_us;
		t->period_ns = st->period_ns;
		t->running = true;
		hrtimer_start(&t->tick, ns_to_ktime(st->next_ns),
			      HRTIMER_MODE_ABS);
		if (owed)
			hrtimer_start(&t->pace,
				      ktime_add_ns(now, st->period_ns / 4),
				      HRTIMER_MODE_ABS);
	}
	raw_spin_unlock_irqrestore(&t->lock, flags);
}
