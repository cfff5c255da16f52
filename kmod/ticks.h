/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * Tick accounting of the PV timer: which expiries become injections, which
 * wait in the catch-up backlog, which are merged or lost. Pure logic; the
 * caller (timer.c) holds the timer's lock around every call and does the
 * injecting and the clock reading itself.
 */
#ifndef _HLKVM_TICKS_H
#define _HLKVM_TICKS_H

#include "pure_types.h"

/*
 * Most ticks that can be unacknowledged at once. A tick is injected only
 * when none is outstanding, so this is 1; the count saturates there
 * rather than trusting every caller to pair injections and
 * acknowledgments.
 */
#define HLKVM_TICKS_OUTSTANDING_MAX	1

/*
 * Expiries with a tick outstanding and no acknowledgment seen after which
 * the irqfd is signalled again (a kick, not a tick: nothing is counted):
 * an acknowledgment hlkvm could not see (a direct LAPIC EOI on hardware
 * that does not exit for it) must not leave the guest without ticks
 * forever. A kick while the tick is still pending or in service only sets
 * an IRR bit the guest cannot tell from the first.
 */
#define HLKVM_TICKS_STALE_EXPIRIES	16

/**
 * struct hlkvm_ticks - one VM's tick state
 * @policy: enum hlkvm_timer_policy
 * @backlog_max: catch-up backlog bound
 * @outstanding: injected and not yet acknowledged, saturating
 * @backlog: due ticks waiting for an acknowledgment (catch-up)
 * @stale: expiries since the last acknowledgment while outstanding
 * @injected: ticks injected
 * @merged: ticks merged (skip policy)
 * @lost: ticks dropped on a full backlog
 * @kicks: stale guard signals (HLKVM_TICK_KICK), not ticks
 * @kick_queued: a kick was signalled with a tick outstanding, whose
 *               interrupt may be queued behind the one in service (the
 *               IRR holds one more): its EOI is still to be bridged,
 *               though nothing is outstanding by then and the timer may
 *               have stopped. Cleared by the acknowledgment that finds
 *               nothing outstanding (a kick that merged with a pending
 *               tick brings no EOI of its own: one bridged EOI of an
 *               empty ISR then, which is harmless).
 * @auto_ack: each injection is its own acknowledgment (KVM's 8259 in
 *            auto-EOI mode, hlkvm_ticks_set_auto_ack())
 */
struct hlkvm_ticks {
	u32 policy;
	u32 backlog_max;
	bool auto_ack;
	u32 outstanding;
	u32 backlog;
	u32 stale;
	u64 injected;
	u64 merged;
	u64 lost;
	u64 kicks;
	bool kick_queued;
};

void hlkvm_ticks_init(struct hlkvm_ticks *t, u32 policy, u32 backlog_max);

/**
 * enum hlkvm_tick_action - what an expiry asks the caller to do
 * @HLKVM_TICK_NONE: nothing
 * @HLKVM_TICK_INJECT: signal the irqfd: a tick, counted in @injected
 * @HLKVM_TICK_KICK: signal the irqfd: the stale guard, counted nowhere
 */
enum hlkvm_tick_action {
	HLKVM_TICK_NONE,
	HLKVM_TICK_INJECT,
	HLKVM_TICK_KICK,
};

/*
 * The periodic timer expired, @n grid periods after its previous expiry
 * (n >= 1; n - 1 expiries were overrun by a host stall).
 */
enum hlkvm_tick_action hlkvm_ticks_expire(struct hlkvm_ticks *t, u64 n);

/*
 * The guest acknowledged a tick. Returns true if a backlog tick is now
 * owed; the caller delivers it through hlkvm_ticks_release(), paced.
 */
bool hlkvm_ticks_ack(struct hlkvm_ticks *t);

/* A paced backlog delivery is due. Returns true if it is to be injected. */
bool hlkvm_ticks_release(struct hlkvm_ticks *t);

/*
 * Whether a backlog tick is owed now: none outstanding, some waiting. The
 * caller delivers it through hlkvm_ticks_release(), paced; after an
 * injection in auto-ack mode this is how the backlog drains.
 */
bool hlkvm_ticks_owed(const struct hlkvm_ticks *t);

/*
 * KVM's 8259 was put in auto-EOI mode (@on) or taken out of it. In it the
 * PIC ends IRQ0's service when the CPU takes the interrupt, as KVM's
 * i8259.c pic_intack() does, and the guest writes no EOI: each injection
 * is then its own acknowledgment, as if the guest had acknowledged it at
 * once, and a tick still outstanding when the mode is turned on (whose
 * EOI will never come) counts as acknowledged. Only for a caller that
 * learns of acknowledgments from the guest's port 0x20 writes (the
 * module): one told of each by KVM itself (the fallback's resamplefd,
 * which KVM signals from pic_intack() too) must never use it, or it would
 * count every tick acknowledged twice. Returns hlkvm_ticks_owed().
 */
bool hlkvm_ticks_set_auto_ack(struct hlkvm_ticks *t, bool on);

/* The timer stopped: the backlog is dropped, outstanding ticks remain. */
void hlkvm_ticks_stop(struct hlkvm_ticks *t);

/*
 * Whether a non-specific EOI on port 0x20 is to become a LAPIC EOI: while
 * the timer runs, while a tick it injected is unacknowledged (a guest
 * that stops the timer in its handler still acknowledges that tick), or
 * while a kick's interrupt may still be in service (@kick_queued: left
 * unbridged, its EOI would keep the vector in service for good, and no
 * tick would be delivered again).
 */
bool hlkvm_ticks_should_bridge(const struct hlkvm_ticks *t, bool running);

#endif /* _HLKVM_TICKS_H */
