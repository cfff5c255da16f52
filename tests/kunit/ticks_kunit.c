// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the PV timer's tick accounting (kmod/ticks.c): which
 * expiries are injected, which wait in the catch-up backlog, which are
 * merged or lost, when port 0x20 EOIs are bridged, and that no tick is
 * ever created or forgotten.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include "../kmod/ticks.h"

#define BACKLOG_SMALL	4

static void ticks_init_starts_idle(struct kunit *test)
{
	struct hlkvm_ticks t;

	memset(&t, 0xff, sizeof(t));
	hlkvm_ticks_init(&t, HLKVM_TIMER_SKIP, 7);
	KUNIT_EXPECT_EQ(test, t.policy, (u32)HLKVM_TIMER_SKIP);
	KUNIT_EXPECT_EQ(test, t.backlog_max, 7u);
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
	KUNIT_EXPECT_EQ(test, t.backlog, 0u);
	KUNIT_EXPECT_EQ(test, t.stale, 0u);
	KUNIT_EXPECT_EQ(test, t.injected, 0ull);
	KUNIT_EXPECT_EQ(test, t.merged, 0ull);
	KUNIT_EXPECT_EQ(test, t.lost, 0ull);
	KUNIT_EXPECT_EQ(test, t.kicks, 0ull);
	KUNIT_EXPECT_FALSE(test, t.auto_ack);
}

static void ticks_first_expiry_injects(struct kunit *test)
{
	u32 policy;

	for (policy = 0; policy < __HLKVM_TIMER_POLICY_COUNT; policy++) {
		struct hlkvm_ticks t;

		hlkvm_ticks_init(&t, policy, HLKVM_BACKLOG_DEFAULT);
		KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
				HLKVM_TICK_INJECT);
		KUNIT_EXPECT_EQ(test, t.outstanding, 1u);
		KUNIT_EXPECT_EQ(test, t.injected, 1ull);
		KUNIT_EXPECT_EQ(test, t.backlog, 0u);
		KUNIT_EXPECT_EQ(test, t.merged, 0ull);
	}
}

static void ticks_expiry_of_zero_periods_is_nothing(struct kunit *test)
{
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 0),
			HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, t.injected, 0ull);
	KUNIT_EXPECT_EQ(test, t.backlog, 0u);
}

static void ticks_catchup_expiry_while_outstanding_backlogs(struct kunit *test)
{
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_INJECT);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, t.backlog, 2u);
	KUNIT_EXPECT_EQ(test, t.injected, 1ull);
	KUNIT_EXPECT_EQ(test, t.outstanding, 1u);
	KUNIT_EXPECT_EQ(test, t.merged, 0ull);
}

static void ticks_skip_expiry_while_outstanding_merges(struct kunit *test)
{
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_SKIP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_INJECT);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, t.merged, 2ull);
	KUNIT_EXPECT_EQ(test, t.backlog, 0u);
	KUNIT_EXPECT_EQ(test, t.injected, 1ull);
	/* with nothing backlogged an acknowledgment owes nothing */
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_ack(&t));
}

static void ticks_catchup_overrun_backlogs_the_rest(struct kunit *test)
{
	struct hlkvm_ticks t;

	/* a host stall: five grid periods passed, one tick goes now */
	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 5),
			HLKVM_TICK_INJECT);
	KUNIT_EXPECT_EQ(test, t.injected, 1ull);
	KUNIT_EXPECT_EQ(test, t.backlog, 4u);
	/* and overrun while outstanding: all n join the backlog */
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 3),
			HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, t.backlog, 7u);
}

static void ticks_skip_overrun_merges_the_rest(struct kunit *test)
{
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_SKIP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 5),
			HLKVM_TICK_INJECT);
	KUNIT_EXPECT_EQ(test, t.injected, 1ull);
	KUNIT_EXPECT_EQ(test, t.merged, 4ull);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 3),
			HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, t.merged, 7ull);
	KUNIT_EXPECT_EQ(test, t.backlog, 0u);
}

static void ticks_full_backlog_counts_lost(struct kunit *test)
{
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, BACKLOG_SMALL);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_INJECT);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 10),
			HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, t.backlog, (u32)BACKLOG_SMALL);
	KUNIT_EXPECT_EQ(test, t.lost, 10ull - BACKLOG_SMALL);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, t.backlog, (u32)BACKLOG_SMALL);
	KUNIT_EXPECT_EQ(test, t.lost, 11ull - BACKLOG_SMALL);
}

static void ticks_huge_overrun_bounded_by_backlog(struct kunit *test)
{
	struct hlkvm_ticks t;

	/* a u64 overrun count must not wrap the u32 backlog */
	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_LIMIT);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1ull << 40),
			HLKVM_TICK_INJECT);
	KUNIT_EXPECT_EQ(test, t.backlog, (u32)HLKVM_BACKLOG_LIMIT);
	KUNIT_EXPECT_EQ(test, t.lost, (1ull << 40) - 1 - HLKVM_BACKLOG_LIMIT);
}

static void ticks_ack_owes_backlog_tick(struct kunit *test)
{
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 3),
			HLKVM_TICK_INJECT);
	KUNIT_ASSERT_EQ(test, t.backlog, 2u);
	/* one backlog tick per acknowledgment, delivered by release */
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_ack(&t));
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_EQ(test, t.backlog, 1u);
	KUNIT_EXPECT_EQ(test, t.outstanding, 1u);
	/* until it is acknowledged, no second one */
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_ack(&t));
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_EQ(test, t.backlog, 0u);
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_ack(&t));
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_EQ(test, t.injected, 3ull);
}

/* --- Auto-EOI (KVM's 8259 with ICW4 AEOI): the injection acknowledges --- */

static void ticks_auto_ack_every_expiry_injects(struct kunit *test)
{
	struct hlkvm_ticks t;
	unsigned int i;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_set_auto_ack(&t, true));
	/* no EOI ever: far past the stale guard's limit, no kick */
	for (i = 0; i < 4 * HLKVM_TICKS_STALE_EXPIRIES; i++) {
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_ticks_expire(&t, 1),
				    HLKVM_TICK_INJECT, "expiry %u", i);
		KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
		KUNIT_EXPECT_FALSE(test, hlkvm_ticks_owed(&t));
	}
	KUNIT_EXPECT_EQ(test, t.injected, 4ull * HLKVM_TICKS_STALE_EXPIRIES);
	KUNIT_EXPECT_EQ(test, t.kicks, 0ull);
	KUNIT_EXPECT_EQ(test, t.backlog, 0u);
}

static void ticks_auto_ack_drains_overrun_backlog_paced(struct kunit *test)
{
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	hlkvm_ticks_set_auto_ack(&t, true);
	/* a stall of 3 periods: one now, two owed, one per release */
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 3), HLKVM_TICK_INJECT);
	KUNIT_EXPECT_EQ(test, t.backlog, 2u);
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_owed(&t));
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_owed(&t));
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_owed(&t));
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_EQ(test, t.injected, 3ull);
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
}

static void ticks_auto_ack_on_forgives_the_outstanding_tick(struct kunit *test)
{
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1), HLKVM_TICK_INJECT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1), HLKVM_TICK_NONE);
	KUNIT_ASSERT_EQ(test, t.backlog, 1u);
	/* its EOI will never come: it counts as acknowledged, one is owed */
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_set_auto_ack(&t, true));
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
	KUNIT_EXPECT_EQ(test, t.injected, 2ull);
}

static void ticks_auto_ack_off_waits_for_eois_again(struct kunit *test)
{
	struct hlkvm_ticks t;
	unsigned int i;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	hlkvm_ticks_set_auto_ack(&t, true);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1), HLKVM_TICK_INJECT);
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_set_auto_ack(&t, false));
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1), HLKVM_TICK_INJECT);
	KUNIT_EXPECT_EQ(test, t.outstanding, 1u);
	/* unacknowledged now: only the stale guard signals again */
	for (i = 1; i < HLKVM_TICKS_STALE_EXPIRIES; i++)
		KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
				HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1), HLKVM_TICK_KICK);
	KUNIT_EXPECT_EQ(test, t.injected, 2ull);
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_ack(&t));
}

static void ticks_auto_ack_stray_eoi_releases_no_extra_tick(struct kunit *test)
{
	struct hlkvm_ticks t;

	/*
	 * An EOI as well as the injection's own acknowledgment (a guest in
	 * auto-EOI mode that also writes one): still one backlog tick per
	 * release, and never an outstanding count below zero
	 */
	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	hlkvm_ticks_set_auto_ack(&t, true);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 2), HLKVM_TICK_INJECT);
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_ack(&t));
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_ack(&t));
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_EQ(test, t.injected, 2ull);
}

static void ticks_stale_kick_leaves_one_ack_to_release(struct kunit *test)
{
	struct hlkvm_ticks t;
	int i;

	/*
	 * The guard kicked while the tick was still pending (a vCPU that
	 * was not scheduled): the LAPIC merged the two, the guest
	 * acknowledges once, and that one acknowledgment must release the
	 * backlog. Counting the kick made this VM wait for a second
	 * acknowledgment that never came, ticking at the guard's pace.
	 */
	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_INJECT);
	for (i = 1; i < HLKVM_TICKS_STALE_EXPIRIES; i++)
		hlkvm_ticks_expire(&t, 1);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_KICK);
	KUNIT_EXPECT_EQ(test, t.outstanding, 1u);
	KUNIT_ASSERT_GT(test, t.backlog, 0u);
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_ack(&t));
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_release(&t));
}

static void ticks_release_with_empty_backlog_is_nothing(struct kunit *test)
{
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_release(&t));
	KUNIT_EXPECT_EQ(test, t.injected, 0ull);
	/* a stray acknowledgment (an EOI for something else) is harmless */
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_ack(&t));
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
}

static void ticks_expiry_after_ack_takes_older_debt_first(struct kunit *test)
{
	struct hlkvm_ticks t;

	/* acknowledged, but the paced release has not run yet */
	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 3),
			HLKVM_TICK_INJECT);
	KUNIT_ASSERT_TRUE(test, hlkvm_ticks_ack(&t));
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_INJECT);
	KUNIT_EXPECT_EQ(test, t.injected, 2ull);
	KUNIT_EXPECT_EQ(test, t.backlog, 2u);
	KUNIT_EXPECT_EQ(test, t.outstanding, 1u);
	/* the release that was owed finds a tick outstanding: no double */
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_release(&t));
}

static void check_stale_guard(struct kunit *test, u32 policy)
{
	struct hlkvm_ticks t;
	int i;

	hlkvm_ticks_init(&t, policy, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_INJECT);
	for (i = 1; i < HLKVM_TICKS_STALE_EXPIRIES; i++)
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_ticks_expire(&t, 1),
				    HLKVM_TICK_NONE,
				       "policy %u, expiry %d", policy, i);
	KUNIT_EXPECT_EQ_MSG(test, hlkvm_ticks_expire(&t, 1),
			    HLKVM_TICK_KICK,
			      "policy %u: no kick after %d stale expiries",
			      policy, HLKVM_TICKS_STALE_EXPIRIES);
	/* a kick, not a tick: nothing counted, nothing more outstanding */
	KUNIT_EXPECT_EQ(test, t.injected, 1ull);
	KUNIT_EXPECT_EQ(test, t.kicks, 1ull);
	KUNIT_EXPECT_EQ(test, t.outstanding, 1u);
	KUNIT_EXPECT_EQ(test, t.stale, 0u);
	/* and again after another full run, not sooner */
	for (i = 1; i < HLKVM_TICKS_STALE_EXPIRIES; i++)
		KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
				HLKVM_TICK_NONE);
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_KICK);
	KUNIT_EXPECT_EQ(test, t.injected, 1ull);
}

static void ticks_stale_guard_fires_exactly_at_limit_catchup(struct kunit *test)
{
	check_stale_guard(test, HLKVM_TIMER_CATCHUP);
}

static void ticks_stale_guard_fires_exactly_at_limit_skip(struct kunit *test)
{
	check_stale_guard(test, HLKVM_TIMER_SKIP);
}

static void ticks_ack_resets_stale_count(struct kunit *test)
{
	struct hlkvm_ticks t;
	int i;

	hlkvm_ticks_init(&t, HLKVM_TIMER_SKIP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_INJECT);
	for (i = 1; i < HLKVM_TICKS_STALE_EXPIRIES; i++)
		hlkvm_ticks_expire(&t, 1);
	hlkvm_ticks_ack(&t);
	KUNIT_EXPECT_EQ(test, t.stale, 0u);
	/* an acknowledged guest gets its next tick at the next expiry */
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_INJECT);
	for (i = 1; i < HLKVM_TICKS_STALE_EXPIRIES; i++)
		KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
				HLKVM_TICK_NONE);
}

static void ticks_never_acknowledged_guest_stays_at_one_outstanding(struct kunit *test)
{
	struct hlkvm_ticks t;
	int i;

	/* the guard keeps kicking, but one acknowledgment settles it all */
	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_INJECT);
	for (i = 0; i < 5 * HLKVM_TICKS_STALE_EXPIRIES; i++)
		hlkvm_ticks_expire(&t, 1);
	KUNIT_EXPECT_EQ(test, t.injected, 1ull);
	KUNIT_EXPECT_EQ(test, t.outstanding, (u32)HLKVM_TICKS_OUTSTANDING_MAX);
	KUNIT_EXPECT_EQ(test, t.backlog, 5u * HLKVM_TICKS_STALE_EXPIRIES);
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_ack(&t));
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
	/* a stray second one cannot go below zero */
	hlkvm_ticks_ack(&t);
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
}

static void ticks_stop_drops_backlog_keeps_outstanding(struct kunit *test)
{
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1),
			HLKVM_TICK_INJECT);
	hlkvm_ticks_expire(&t, 4);
	KUNIT_ASSERT_EQ(test, t.backlog, 4u);
	hlkvm_ticks_stop(&t);
	KUNIT_EXPECT_EQ(test, t.backlog, 0u);
	KUNIT_EXPECT_EQ(test, t.stale, 0u);
	/* the tick in service is still acknowledged after a stop */
	KUNIT_EXPECT_EQ(test, t.outstanding, 1u);
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_should_bridge(&t, false));
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_ack(&t));
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_should_bridge(&t, false));
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_release(&t));
}

static void ticks_restart_after_stop_in_handler_keeps_ticking(struct kunit *test)
{
	struct hlkvm_ticks t;
	int i;

	/*
	 * DESIGN.md's guest: stops the timer inside its tick handler, then
	 * acknowledges, then restarts. The EOI must still be bridged and the
	 * next expiry must inject.
	 */
	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	for (i = 0; i < 10; i++) {
		KUNIT_EXPECT_EQ(test, hlkvm_ticks_expire(&t, 1),
				HLKVM_TICK_INJECT);
		hlkvm_ticks_stop(&t);
		KUNIT_EXPECT_TRUE(test, hlkvm_ticks_should_bridge(&t, false));
		hlkvm_ticks_ack(&t);
	}
	KUNIT_EXPECT_EQ(test, t.injected, 10ull);
}

/*
 * The stale guard kicks while the tick is in service (a slow handler):
 * the kick's interrupt waits in the IRR behind it. The guest EOIs the
 * tick, the timer is stopped (SET_VM, or the guest's own write), then
 * the kick's interrupt is taken and EOIed: that EOI must still be
 * bridged, or vector 0x20 stays in service and no tick is delivered
 * again (the contended-set stress once stopped a VM's ticks so).
 */
static void ticks_kick_in_service_keeps_its_eoi_bridged(struct kunit *test)
{
	struct hlkvm_ticks t;
	int i;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1), HLKVM_TICK_INJECT);
	for (i = 1; i < HLKVM_TICKS_STALE_EXPIRIES; i++)
		KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1),
				HLKVM_TICK_NONE);
	KUNIT_ASSERT_EQ(test, hlkvm_ticks_expire(&t, 1), HLKVM_TICK_KICK);
	/* the tick's EOI */
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_should_bridge(&t, true));
	hlkvm_ticks_ack(&t);
	hlkvm_ticks_stop(&t);
	/* the kick's EOI, with nothing outstanding and the timer stopped */
	KUNIT_EXPECT_EQ(test, t.outstanding, 0u);
	KUNIT_EXPECT_TRUE(test, hlkvm_ticks_should_bridge(&t, false));
	hlkvm_ticks_ack(&t);
	/* then an EOI of nothing of ours is left alone again */
	KUNIT_EXPECT_FALSE(test, hlkvm_ticks_should_bridge(&t, false));
}

struct bridge_case {
	bool running;
	u32 outstanding;
	bool kick_queued;
	bool bridge;
};

static const struct bridge_case bridge_cases[] = {
	{ false, 0, false, false },	/* stopped, nothing owed: harmless */
	{ false, 1, false, true },	/* stopped in the handler */
	{ false, 2, false, true },
	{ false, 0, true, true },	/* a kick's interrupt in service */
	{ false, 1, true, true },
	{ true, 0, false, true },
	{ true, 1, false, true },
	{ true, 2, false, true },
	{ true, 0, true, true },
};

static void bridge_case_desc(const struct bridge_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s, %u outstanding%s",
		 c->running ? "running" : "stopped", c->outstanding,
		 c->kick_queued ? ", a kick queued" : "");
}

KUNIT_ARRAY_PARAM(bridge, bridge_cases, bridge_case_desc);

static void ticks_should_bridge_truth_table(struct kunit *test)
{
	const struct bridge_case *c = test->param_value;
	struct hlkvm_ticks t;

	hlkvm_ticks_init(&t, HLKVM_TIMER_CATCHUP, HLKVM_BACKLOG_DEFAULT);
	t.outstanding = c->outstanding;
	t.kick_queued = c->kick_queued;
	KUNIT_EXPECT_EQ(test, hlkvm_ticks_should_bridge(&t, c->running),
			c->bridge);
}

/* --- Conservation: no tick is made up or forgotten --- */

/* xorshift32: fixed, so every run replays the same sequence */
static u32 next_rand(u32 *s)
{
	u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

struct conservation_case {
	const char *name;
	u32 policy;
	u32 backlog_max;
	u32 seed;
	bool with_stops;
};

static const struct conservation_case conservation_cases[] = {
	{ "catch-up, default backlog", HLKVM_TIMER_CATCHUP,
	  HLKVM_BACKLOG_DEFAULT, 0x1badb002, false },
	{ "catch-up, backlog 1", HLKVM_TIMER_CATCHUP, 1, 0xdeadbeef, false },
	{ "catch-up, backlog 4", HLKVM_TIMER_CATCHUP, 4, 0x12345678, false },
	{ "catch-up, stops", HLKVM_TIMER_CATCHUP, 64, 0xcafef00d, true },
	{ "skip", HLKVM_TIMER_SKIP, HLKVM_BACKLOG_DEFAULT, 0x1badb002, false },
	{ "skip, stops", HLKVM_TIMER_SKIP, HLKVM_BACKLOG_DEFAULT, 0x0badcafe,
	  true },
};

static void conservation_desc(const struct conservation_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s, seed 0x%08x", c->name,
		 c->seed);
}

KUNIT_ARRAY_PARAM(conservation, conservation_cases, conservation_desc);

#define CONSERVATION_STEPS	200000

static void ticks_every_due_tick_accounted_for(struct kunit *test)
{
	const struct conservation_case *c = test->param_value;
	u64 due = 0, dropped = 0;
	u32 seed = c->seed;
	struct hlkvm_ticks t;
	unsigned int step, bad = 0;

	hlkvm_ticks_init(&t, c->policy, c->backlog_max);
	for (step = 0; step < CONSERVATION_STEPS; step++) {
		u32 r = next_rand(&seed) % 100;
		u64 before = t.injected;
		enum hlkvm_tick_action act = HLKVM_TICK_NONE;
		bool inj;

		if (r < 50) {
			/* mostly one period, sometimes a stall */
			u64 n = next_rand(&seed) % 8 ? 1 : next_rand(&seed) % 40;

			due += n;
			act = hlkvm_ticks_expire(&t, n);
			inj = act == HLKVM_TICK_INJECT;
		} else if (r < 80) {
			/* the guest acknowledges, then the paced release */
			if (hlkvm_ticks_ack(&t) && next_rand(&seed) % 4)
				hlkvm_ticks_release(&t);
			inj = false;
		} else if (r < 95) {
			inj = hlkvm_ticks_release(&t);
		} else if (c->with_stops && r < 97) {
			dropped += t.backlog;
			hlkvm_ticks_stop(&t);
			inj = false;
		} else {
			inj = false;
		}
		/* INJECT (or true) is exactly one injection; KICK, NONE none */
		if (r < 50 || (r >= 80 && r < 95))
			bad += t.injected != before + inj;
		bad += t.injected + t.backlog + t.lost + t.merged + dropped != due;
		bad += t.outstanding > HLKVM_TICKS_OUTSTANDING_MAX;
		bad += t.backlog > t.backlog_max;
		if (c->policy == HLKVM_TIMER_SKIP)
			bad += t.backlog != 0 || t.lost != 0;
		else
			bad += t.merged != 0;
		if (bad) {
			KUNIT_FAIL(test,
				   "step %u: due %llu != injected %llu + backlog %u + lost %llu + merged %llu + dropped %llu, outstanding %u",
				   step, due, t.injected, t.backlog, t.lost,
				   t.merged, dropped, t.outstanding);
			break;
		}
	}
	/* the sequence must have exercised the interesting paths */
	KUNIT_EXPECT_GT(test, due, t.injected);
	KUNIT_EXPECT_GT(test, t.injected, 1000ull);
	if (c->policy == HLKVM_TIMER_SKIP)
		KUNIT_EXPECT_GT(test, t.merged, 0ull);
	else if (c->backlog_max < 100)
		KUNIT_EXPECT_GT(test, t.lost, 0ull);
}

static struct kunit_case hlkvm_ticks_test_cases[] = {
	KUNIT_CASE(ticks_init_starts_idle),
	KUNIT_CASE(ticks_first_expiry_injects),
	KUNIT_CASE(ticks_expiry_of_zero_periods_is_nothing),
	KUNIT_CASE(ticks_catchup_expiry_while_outstanding_backlogs),
	KUNIT_CASE(ticks_skip_expiry_while_outstanding_merges),
	KUNIT_CASE(ticks_catchup_overrun_backlogs_the_rest),
	KUNIT_CASE(ticks_skip_overrun_merges_the_rest),
	KUNIT_CASE(ticks_full_backlog_counts_lost),
	KUNIT_CASE(ticks_huge_overrun_bounded_by_backlog),
	KUNIT_CASE(ticks_ack_owes_backlog_tick),
	KUNIT_CASE(ticks_auto_ack_every_expiry_injects),
	KUNIT_CASE(ticks_auto_ack_drains_overrun_backlog_paced),
	KUNIT_CASE(ticks_auto_ack_on_forgives_the_outstanding_tick),
	KUNIT_CASE(ticks_auto_ack_off_waits_for_eois_again),
	KUNIT_CASE(ticks_auto_ack_stray_eoi_releases_no_extra_tick),
	KUNIT_CASE(ticks_stale_kick_leaves_one_ack_to_release),
	KUNIT_CASE(ticks_release_with_empty_backlog_is_nothing),
	KUNIT_CASE(ticks_expiry_after_ack_takes_older_debt_first),
	KUNIT_CASE(ticks_stale_guard_fires_exactly_at_limit_catchup),
	KUNIT_CASE(ticks_stale_guard_fires_exactly_at_limit_skip),
	KUNIT_CASE(ticks_ack_resets_stale_count),
	KUNIT_CASE(ticks_never_acknowledged_guest_stays_at_one_outstanding),
	KUNIT_CASE(ticks_stop_drops_backlog_keeps_outstanding),
	KUNIT_CASE(ticks_restart_after_stop_in_handler_keeps_ticking),
	KUNIT_CASE(ticks_kick_in_service_keeps_its_eoi_bridged),
	KUNIT_CASE_PARAM(ticks_should_bridge_truth_table, bridge_gen_params),
	KUNIT_CASE_PARAM(ticks_every_due_tick_accounted_for,
			 conservation_gen_params),
	{}
};

static struct kunit_suite hlkvm_ticks_test_suite = {
	.name = "hlkvm_ticks",
	.test_cases = hlkvm_ticks_test_cases,
};

kunit_test_suite(hlkvm_ticks_test_suite);
