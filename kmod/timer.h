/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PV timer: an hrtimer on an absolute grid that signals the VM's irqfd
 * once per tick, with the catch-up pacing of ticks.c.
 */
#ifndef _HLKVM_TIMER_H
#define _HLKVM_TIMER_H

#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include "period.h"
#include "state.h"
#include "ticks.h"

struct eventfd_ctx;

/**
 * struct hlkvm_timer - one VM's PV timer
 * @lock: protects every member; taken by the hrtimer callbacks, by
 *        every set (guest writes in the ftrace hook, SET_VM, SET_STATE)
 *        and by hlkvm_timer_ack() from the kvm_eoi tracepoint probe and
 *        the ftrace hook, the hook and probe with preemption off: raw,
 *        since on PREEMPT_RT a spinlock_t sleeps ("scheduling while
 *        atomic" in kvm_eoi_probe on 6.1-rt). Nothing under it may sleep
 *        on RT either: hrtimer_start(), hrtimer_try_to_cancel() and the
 *        tick accounting only, never hrtimer_cancel() (timer.c's top)
 * @running: the periodic timer is armed
 * @source: enum hlkvm_timer_source: who set the period last
 * @requested_us: the period last asked for
 * @period_us: the period in force, 0 when stopped
 * @period_ns: the period in force in nanoseconds (channel 0's periods
 *             are not whole microseconds)
 * @last_inject: when the last tick was signalled, for catch-up pacing
 * @clamped: period writes clamped to a bound
 * @ticks: tick accounting (ticks.c)
 * @tick: the periodic hrtimer
 * @pace: one-shot hrtimer delivering a catch-up tick
 * @irqfd: the eventfd bound with KVM_IRQFD to the timer's MSI
 */
struct hlkvm_timer {
	raw_spinlock_t lock;	/* the members below, callbacks too */
	bool running;
	u32 source;
	u32 requested_us;
	u32 period_us;
	u64 period_ns;
	ktime_t last_inject;
	u64 clamped;
	struct hlkvm_ticks ticks;
	/* Not protected by @lock */
	struct hrtimer tick;
	struct hrtimer pace;
	struct eventfd_ctx *irqfd;
};

/**
 * struct hlkvm_timer_info - a consistent snapshot for netlink
 */
struct hlkvm_timer_info {
	bool running;
	u32 source;
	u32 requested_us;
	u32 period_us;
	u64 period_ns;
	u64 clamped;
	struct hlkvm_ticks ticks;
};

void hlkvm_timer_init(struct hlkvm_timer *t, struct eventfd_ctx *irqfd,
		      u32 policy, u32 backlog_max);
/* Set the period as a guest write does: stop, then restart unless 0 */
void hlkvm_timer_set(struct hlkvm_timer *t, u32 req_us,
		     const struct hlkvm_period_bounds *b);
/*
 * Set the period as channel 0's count asks for it (HLKVM_A_PIT_TICK), in
 * nanoseconds: stop, then restart unless 0, clamped as a PV write is
 */
void hlkvm_timer_set_pit(struct hlkvm_timer *t, u64 req_ns,
			 const struct hlkvm_period_bounds *b);
void hlkvm_timer_set_policy(struct hlkvm_timer *t, u32 policy);
/*
 * Stop for good: after it returns no callback runs or is pending. Process
 * context, once nothing else can set the timer (it waits for callbacks);
 * every other call here never waits and may come from any context.
 */
void hlkvm_timer_destroy(struct hlkvm_timer *t);
bool hlkvm_timer_should_bridge(struct hlkvm_timer *t);
/* The guest acknowledged a tick: pace out a catch-up tick if one is owed */
void hlkvm_timer_ack(struct hlkvm_timer *t);
/*
 * KVM's 8259 entered (@on) or left auto-EOI mode: while in it, each tick
 * is acknowledged as it is injected (hlkvm_ticks_set_auto_ack())
 */
void hlkvm_timer_auto_eoi(struct hlkvm_timer *t, bool on);
void hlkvm_timer_info(struct hlkvm_timer *t, struct hlkvm_timer_info *info);
/* The timer as a snapshot takes it; next_ns on the CLOCK_MONOTONIC clock */
void hlkvm_timer_save(struct hlkvm_timer *t, struct hlkvm_state_timer *st);
/*
 * Replace the timer's state with @st (checked by hlkvm_state_load()):
 * stopped, then restarted at @st->next_ns with its backlog and
 * outstanding tick; a backlog tick owed with none outstanding is paced.
 * @auto_eoi: KVM's 8259 is in auto-EOI mode, as the restored state says
 * (hlkvm_timer_auto_eoi(), in the same step: no tick falls in between).
 */
void hlkvm_timer_restore(struct hlkvm_timer *t,
			 const struct hlkvm_state_timer *st, bool auto_eoi);

#endif /* _HLKVM_TIMER_H */
