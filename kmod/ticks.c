// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * Tick accounting of the PV timer. The catch-up policy is KVM's PIT
 * "reinject" made safe for slow guests: due ticks queue (bounded) and are
 * handed out one per acknowledgment, paced by the caller, so every tick a
 * guest counts arrives, yet a guest that cannot keep up still runs.
 */
#include "ticks.h"

void hlkvm_ticks_init(struct hlkvm_ticks *t, u32 policy, u32 backlog_max)
{
	*t = (struct hlkvm_ticks){
		.policy = policy,
		.backlog_max = backlog_max,
	};
}

static void inject(struct hlkvm_ticks *t)
{
	/* In auto-ack mode the injection is its own acknowledgment */
	if (!t->auto_ack && t->outstanding < HLKVM_TICKS_OUTSTANDING_MAX)
		t->outstanding++;
	t->injected++;
}

static void defer(struct hlkvm_ticks *t, u64 n)
{
	u64 room = t->backlog_max - t->backlog;

	if (t->policy == HLKVM_TIMER_SKIP) {
		t->merged += n;
		return;
	}
	if (n > room) {
		t->lost += n - room;
		n = room;
	}
	t->backlog += n;
}

enum hlkvm_tick_action hlkvm_ticks_expire(struct hlkvm_ticks *t, u64 n)
{
	if (n == 0)
		return HLKVM_TICK_NONE;

	if (t->outstanding == 0) {
		/* Older debts first: the backlog tick goes now, n joins it */
		if (t->backlog) {
			t->backlog--;
			defer(t, n);
		} else {
			defer(t, n - 1);
		}
		inject(t);
		return HLKVM_TICK_INJECT;
	}

	defer(t, n);
	if (++t->stale < HLKVM_TICKS_STALE_EXPIRIES)
		return HLKVM_TICK_NONE;
	/*
	 * No acknowledgment for a while: signal once more, but count no
	 * tick and leave outstanding alone. If the tick is still pending in
	 * the IRR (a vCPU that was not scheduled) the signal merges with it,
	 * and counting it would leave an outstanding tick that is never
	 * acknowledged: the VM would tick at this guard's pace for good. If
	 * its acknowledgment was one we could not see, the signal delivers
	 * again and the guest is not left without ticks.
	 */
	t->stale = 0;
	t->kicks++;
	t->kick_queued = true;
	return HLKVM_TICK_KICK;
}

bool hlkvm_ticks_owed(const struct hlkvm_ticks *t)
{
	return t->outstanding == 0 && t->backlog > 0;
}

bool hlkvm_ticks_ack(struct hlkvm_ticks *t)
{
	if (t->outstanding)
		t->outstanding--;
	else
		t->kick_queued = false;	/* that was the kick's EOI */
	t->stale = 0;
	return hlkvm_ticks_owed(t);
}

bool hlkvm_ticks_set_auto_ack(struct hlkvm_ticks *t, bool on)
{
	t->auto_ack = on;
	if (on) {
		t->outstanding = 0;
		t->stale = 0;
	}
	return hlkvm_ticks_owed(t);
}

bool hlkvm_ticks_release(struct hlkvm_ticks *t)
{
	if (t->outstanding || !t->backlog)
		return false;
	t->backlog--;
	inject(t);
	return true;
}

void hlkvm_ticks_stop(struct hlkvm_ticks *t)
{
	t->backlog = 0;
	t->stale = 0;
}

bool hlkvm_ticks_should_bridge(const struct hlkvm_ticks *t, bool running)
{
	return running || t->outstanding > 0 || t->kick_queued;
}
