// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for fallback.c: the seed's port answers through the shared
 * port table, the EOI bridging decision, the period clamp, and the timer
 * thread driving a fake injector (no KVM anywhere).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "fallback.h"

static struct hlkvm_fallback *fb;
static atomic_uint injected;
static atomic_uint eois;

static int fake_inject(void *arg)
{
	(void)arg;
	atomic_fetch_add(&injected, 1);
	return 0;
}

static int fake_eoi(void *arg)
{
	(void)arg;
	atomic_fetch_add(&eois, 1);
	return 0;
}

static const struct hlkvm_fallback_ops ops = {
	.inject = fake_inject, .lapic_eoi = fake_eoi,
};

static int setup_mode(uint32_t irqchip, uint32_t policy)
{
	atomic_store(&injected, 0);
	atomic_store(&eois, 0);
	return hlkvm_fallback_new(&fb, irqchip, policy, HLKVM_BACKLOG_DEFAULT,
				  &ops);
}

static int setup(void **state)
{
	(void)state;
	return setup_mode(HLKVM_IRQCHIP_SPLIT, HLKVM_TIMER_CATCHUP);
}

static int setup_skip(void **state)
{
	(void)state;
	return setup_mode(HLKVM_IRQCHIP_SPLIT, HLKVM_TIMER_SKIP);
}

/* KVM's full irqchip: its PIC answers the PIC ports, acks come from KVM */
static int setup_kernel(void **state)
{
	(void)state;
	return setup_mode(HLKVM_IRQCHIP_KERNEL, HLKVM_TIMER_CATCHUP);
}

static int teardown(void **state)
{
	(void)state;
	hlkvm_fallback_free(fb);
	fb = NULL;
	return 0;
}

static uint8_t in8(uint16_t port)
{
	uint8_t v = 0x5a;

	assert_true(hlkvm_fallback_in(fb, port, 1, &v));
	return v;
}

static bool out8(uint16_t port, uint8_t v)
{
	return hlkvm_fallback_out(fb, port, 1, &v);
}

static bool out32(uint16_t port, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	return hlkvm_fallback_out(fb, port, 4, b);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void pic_data_reads_all_masked(void **state)
{
	(void)state;
	assert_int_equal(in8(0x21), 0xff);
	assert_int_equal(in8(0xa1), 0xff);
}

static void pic_command_reads_zero(void **state)
{
	(void)state;
	assert_int_equal(in8(0x20), 0);
	assert_int_equal(in8(0xa0), 0);
}

static void pit_counters_read_zero_mode_not_answered(void **state)
{
	uint8_t v;

	(void)state;
	assert_int_equal(in8(0x40), 0);
	assert_int_equal(in8(0x41), 0);
	assert_int_equal(in8(0x42), 0);
	assert_false(hlkvm_fallback_in(fb, 0x43, 1, &v));
}

static void speaker_refresh_toggles(void **state)
{
	uint8_t a, b;

	(void)state;
	assert_true(out8(0x61, 0x23));
	a = in8(0x61);
	b = in8(0x61);
	assert_int_equal((a ^ b) & 0x10, 0x10);
	assert_int_equal(a & 0x20, 0);	/* OUT2 never rises */
	assert_int_equal(a & 0x0f, 0x03);
}

static void diag_port_absorbed(void **state)
{
	(void)state;
	assert_true(out8(0x80, 0x12));
	assert_int_equal(in8(0x80), 0xff);
}

static void every_out_absorbed_and_counted(void **state)
{
	static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41,
					  0x42, 0x43, 0x61, 0x80 };
	struct hlkvm_stats st;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		assert_true(out8(ports[i], 0x11));
	in8(0x21);
	hlkvm_fallback_get(fb, NULL, &st, NULL);
	assert_int_equal(st.group[HLKVM_GROUP_PIC].out, 4);
	assert_int_equal(st.group[HLKVM_GROUP_PIC].in, 1);
	assert_int_equal(st.group[HLKVM_GROUP_PIT].out, 4);
	assert_int_equal(st.group[HLKVM_GROUP_SPEAKER].out, 1);
	assert_int_equal(st.group[HLKVM_GROUP_DIAG].out, 1);
}

static void foreign_ports_not_answered(void **state)
{
	uint32_t v = 0;

	(void)state;
	assert_false(out8(0xe9, 'x'));
	assert_false(out32(HLKVM_PORT_HALT, 0));
	assert_false(hlkvm_fallback_in(fb, HLKVM_PORT_HALT, 4, &v));
	assert_false(hlkvm_fallback_in(fb, 0x3f8, 1, &v));
}

static void timer_port_needs_four_bytes(void **state)
{
	uint32_t v = 0;

	(void)state;
	assert_false(out8(HLKVM_PORT_PV_TIMER, 1));
	assert_false(hlkvm_fallback_in(fb, HLKVM_PORT_PV_TIMER, 4, &v));
	assert_true(out32(HLKVM_PORT_PV_TIMER, 0));
}

static void multibyte_pic_read_bytewise(void **state)
{
	uint8_t v[2] = { 1, 1 };

	(void)state;
	assert_true(hlkvm_fallback_in(fb, 0x20, 2, v));
	assert_int_equal(v[0], 0);
	assert_int_equal(v[1], 0xff);
	/* 0x21..0x22: 0x22 is not ours, so neither byte is answered */
	assert_false(hlkvm_fallback_in(fb, 0x21, 2, v));
}

static void eoi_ignored_when_idle(void **state)
{
	struct hlkvm_stats st;

	(void)state;
	assert_true(out8(0x20, 0x20));
	assert_int_equal(atomic_load(&eois), 0);
	hlkvm_fallback_get(fb, NULL, &st, NULL);
	assert_int_equal(st.eoi_ignored, 1);
	assert_int_equal(st.eoi_bridged, 0);
}

static void eoi_bridged_while_running(void **state)
{
	struct hlkvm_stats st;

	(void)state;
	hlkvm_fallback_set_period(fb, 10 * 1000 * 1000);	/* no tick soon */
	assert_true(out8(0x20, 0x20));
	assert_int_equal(atomic_load(&eois), 1);
	/* specific EOI of IRQ0 and the rotate forms are EOIs too */
	assert_true(out8(0x20, 0x60));
	assert_true(out8(0x20, 0xa0));
	assert_true(out8(0x20, 0xe0));
	assert_int_equal(atomic_load(&eois), 4);
	/* OCW3, ICW1, a specific EOI of IRQ1 and set-priority are not */
	assert_true(out8(0x20, 0x0b));
	assert_true(out8(0x20, 0x28));
	assert_true(out8(0x20, 0x31));
	assert_true(out8(0x20, 0x61));
	assert_true(out8(0x20, 0xc7));
	assert_int_equal(atomic_load(&eois), 4);
	hlkvm_fallback_get(fb, NULL, &st, NULL);
	assert_int_equal(st.eoi_bridged, 4);
}

static void eoi_bridged_after_stop_with_tick_outstanding(void **state)
{
	(void)state;
	hlkvm_fallback_set_period(fb, 1000);
	while (atomic_load(&injected) == 0)
		sleep_ms(1);
	/* The guest stops the timer in its handler, then acknowledges */
	assert_true(out32(HLKVM_PORT_PV_TIMER, 0));
	assert_true(out8(0x20, 0x20));
	assert_int_equal(atomic_load(&eois), 1);
	/* Nothing outstanding any more: the next EOI is ignored */
	assert_true(out8(0x20, 0x20));
	assert_int_equal(atomic_load(&eois), 1);
}

static void period_clamped_low(void **state)
{
	struct hlkvm_timer_info t;

	(void)state;
	assert_true(out32(HLKVM_PORT_PV_TIMER, 1));
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_int_equal(t.requested_us, 1);
	assert_int_equal(t.period_us, 100);
	assert_int_equal(t.clamped, 1);
	assert_true(t.running);
}

static void period_clamped_high(void **state)
{
	struct hlkvm_timer_info t;
	uint64_t writes;

	(void)state;
	assert_true(out32(HLKVM_PORT_PV_TIMER, 20 * 1000 * 1000));
	hlkvm_fallback_get(fb, &t, NULL, &writes);
	assert_int_equal(t.period_us, 10 * 1000 * 1000);
	assert_int_equal(writes, 1);
}

static void period_in_range_not_clamped_zero_stops(void **state)
{
	struct hlkvm_timer_info t;

	(void)state;
	hlkvm_fallback_set_period(fb, 5000);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_int_equal(t.period_us, 5000);
	assert_int_equal(t.clamped, 0);
	hlkvm_fallback_set_period(fb, 0);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_false(t.running);
	assert_int_equal(t.period_us, 0);
}

/* Acknowledge every tick like a guest handler would, for @ms */
static unsigned int ack_ticks_for(long ms)
{
	struct timespec now, end;
	unsigned int seen = 0;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		struct timespec ts = { 0, 100000 };

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
		nanosleep(&ts, NULL);
		while (seen < atomic_load(&injected)) {
			seen++;
			out8(0x20, 0x20);
		}
	}
	return seen;
}

static void timer_thread_ticks_and_stops(void **state)
{
	unsigned int n, after;

	(void)state;
	hlkvm_fallback_set_period(fb, 2000);
	n = ack_ticks_for(100);
	/* 50 periods in 100 ms; allow for a loaded 2-core machine */
	assert_in_range(n, 20, 55);
	hlkvm_fallback_set_period(fb, 0);
	after = atomic_load(&injected);
	sleep_ms(20);
	assert_int_equal(atomic_load(&injected), after);
}

static void timer_without_ack_injects_once_then_only_kicks(void **state)
{
	struct hlkvm_timer_info t;

	(void)state;
	hlkvm_fallback_set_period(fb, 1000);
	sleep_ms(100);
	hlkvm_fallback_set_period(fb, 0);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	/*
	 * One tick; after that the stale guard signals again once per
	 * HLKVM_TICKS_STALE_EXPIRIES expiries (a kick, counted as no tick):
	 * ~100 expiries give at most 1 + 100 / 16 signals, never 100.
	 */
	assert_in_range(atomic_load(&injected), 1, 1 + 110 / 16);
	assert_int_equal(t.ticks, 1);
	assert_int_equal(t.kicks, atomic_load(&injected) - 1);
	assert_true(t.merged > 50);
}

static void timer_catchup_keeps_backlog_without_ack(void **state)
{
	struct hlkvm_timer_info t;

	(void)state;
	hlkvm_fallback_set_period(fb, 1000);
	sleep_ms(50);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	hlkvm_fallback_set_period(fb, 0);
	assert_true(t.backlog > 10);
	assert_int_equal(t.merged, 0);
}

static void new_refuses_what_it_cannot_run(void **state)
{
	const struct hlkvm_fallback_ops no_eoi = { .inject = fake_inject };
	const struct hlkvm_fallback_ops no_inject = { .lapic_eoi = fake_eoi };
	static char stale;
	/* Not NULL before the call: a refusal must clear it */
	struct hlkvm_fallback *other = (struct hlkvm_fallback *)&stale;

	(void)state;
	assert_int_equal(hlkvm_fallback_new(&other, __HLKVM_IRQCHIP_COUNT,
					    HLKVM_TIMER_CATCHUP,
					    HLKVM_BACKLOG_DEFAULT, &ops),
			 -EINVAL);
	assert_null(other);
	/* A split irqchip's EOIs have nowhere to go without lapic_eoi */
	assert_int_equal(hlkvm_fallback_new(&other, HLKVM_IRQCHIP_SPLIT,
					    HLKVM_TIMER_CATCHUP,
					    HLKVM_BACKLOG_DEFAULT, &no_eoi),
			 -EINVAL);
	assert_int_equal(hlkvm_fallback_new(&other, HLKVM_IRQCHIP_KERNEL,
					    HLKVM_TIMER_CATCHUP,
					    HLKVM_BACKLOG_DEFAULT, &no_inject),
			 -EINVAL);
	assert_int_equal(hlkvm_fallback_new(&other, HLKVM_IRQCHIP_KERNEL,
					    HLKVM_TIMER_CATCHUP,
					    HLKVM_BACKLOG_DEFAULT, NULL),
			 -EINVAL);
	assert_null(other);
	/* KVM's PIC takes the EOIs on a full irqchip: no lapic_eoi needed */
	assert_int_equal(hlkvm_fallback_new(&other, HLKVM_IRQCHIP_KERNEL,
					    HLKVM_TIMER_CATCHUP,
					    HLKVM_BACKLOG_DEFAULT, &no_eoi), 0);
	assert_non_null(other);
	hlkvm_fallback_free(other);
	hlkvm_fallback_free(NULL);
}

/* --- full irqchip (HLKVM_IRQCHIP_KERNEL) --- */

static void kernel_pic_ports_left_to_kvm(void **state)
{
	static const uint16_t pic[] = { 0x20, 0x21, 0xa0, 0xa1 };
	struct hlkvm_stats st;
	unsigned int i;
	uint8_t v = 0x5a;

	(void)state;
	hlkvm_fallback_set_period(fb, 10 * 1000 * 1000);
	for (i = 0; i < sizeof(pic) / sizeof(pic[0]); i++) {
		assert_false(hlkvm_fallback_in(fb, pic[i], 1, &v));
		assert_false(out8(pic[i], 0x20));
	}
	assert_int_equal(v, 0x5a);	/* nothing written into the IN */
	/* The rest of the table is still ours */
	assert_int_equal(in8(0x40), 0);
	assert_int_equal(in8(0x80), 0xff);
	assert_true(out8(0x43, 0x34));
	assert_true(out8(0x61, 0x00));
	assert_true(out32(HLKVM_PORT_PV_TIMER, 0));
	hlkvm_fallback_get(fb, NULL, &st, NULL);
	assert_int_equal(st.group[HLKVM_GROUP_PIC].in, 0);
	assert_int_equal(st.group[HLKVM_GROUP_PIC].out, 0);
	assert_int_equal(st.eoi_bridged + st.eoi_ignored, 0);
	assert_int_equal(atomic_load(&eois), 0);	/* never a LAPIC EOI */
}

/* Every EOI KVM's PIC reports is seen, as the module counts port 0x20's */
static void kernel_acks_all_seen(void **state)
{
	struct hlkvm_stats st;

	(void)state;
	hlkvm_fallback_acked(fb, 1);	/* timer never armed */
	hlkvm_fallback_set_period(fb, 10 * 1000 * 1000);
	hlkvm_fallback_acked(fb, 3);
	hlkvm_fallback_acked(fb, 0);
	hlkvm_fallback_get(fb, NULL, &st, NULL);
	assert_int_equal(st.eoi_seen, 4);
	assert_int_equal(st.eoi_ignored, 0);
	assert_int_equal(st.eoi_bridged, 0);
	assert_int_equal(atomic_load(&eois), 0);
}

/* Stop in the handler, then EOI: that tick is acknowledged all the same */
static void kernel_ack_after_stop_with_tick_outstanding(void **state)
{
	struct hlkvm_timer_info t;
	unsigned int i;

	(void)state;
	hlkvm_fallback_set_period(fb, 1000);
	while (atomic_load(&injected) == 0)
		sleep_ms(1);
	hlkvm_fallback_set_period(fb, 0);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_int_equal(t.outstanding, 1);
	hlkvm_fallback_acked(fb, 1);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_int_equal(t.outstanding, 0);
	/* restarted: the next expiry injects, nothing outstanding blocks it */
	hlkvm_fallback_set_period(fb, 1000);
	for (i = 0; i < 2000 && atomic_load(&injected) < 2; i++)
		sleep_ms(1);
	hlkvm_fallback_set_period(fb, 0);
	assert_true(atomic_load(&injected) >= 2);
}

/*
 * One acknowledgment from KVM releases exactly one backlog tick. Ticks,
 * not signals, are compared: the stale guard's kicks may add signals on a
 * loaded machine, never ticks.
 */
static void kernel_ack_releases_one_backlog_tick(void **state)
{
	struct hlkvm_timer_info t;
	unsigned int waited;

	(void)state;
	hlkvm_fallback_set_period(fb, 10000);	/* 10 ms: room to look */
	while (atomic_load(&injected) == 0)
		sleep_ms(1);
	sleep_ms(35);		/* 3 or more expiries go to the backlog */
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_int_equal(t.ticks, 1);
	assert_true(t.backlog >= 2);
	hlkvm_fallback_acked(fb, 1);
	/* Due a quarter period after the last injection: already past */
	for (waited = 0; waited < 2000; waited++) {
		hlkvm_fallback_get(fb, &t, NULL, NULL);
		if (t.ticks > 1)
			break;
		sleep_ms(1);
	}
	assert_int_equal(t.ticks, 2);
	sleep_ms(25);		/* more expiries, no acknowledgment */
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	hlkvm_fallback_set_period(fb, 0);
	assert_int_equal(t.ticks, 2);
	assert_int_equal(t.outstanding, 1);
}

/* Channel 0 in mode @cw's, LSB then MSB */
static void ch0_program(uint8_t cw, uint16_t count)
{
	assert_true(out8(0x43, cw));
	assert_true(out8(0x40, count & 0xff));
	assert_true(out8(0x40, count >> 8));
}

static void pit_tick_off_channel0_drives_nothing(void **state)
{
	struct hlkvm_timer_info t;

	(void)state;
	ch0_program(0x34, 1193);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_false(t.running);
	assert_int_equal(t.source, HLKVM_TIMER_SRC_PV);
}

static void pit_tick_channel0_sets_the_timer(void **state)
{
	struct hlkvm_timer_info t;
	struct hlkvm_stats st;

	(void)state;
	hlkvm_fallback_set_pit_tick(fb, true);
	ch0_program(0x34, 1193);
	hlkvm_fallback_get(fb, &t, &st, NULL);
	assert_true(t.running);
	assert_int_equal(t.source, HLKVM_TIMER_SRC_PIT);
	assert_int_equal(t.period_ns, 999847);
	assert_int_equal(t.period_us, 1000);
	assert_int_equal(t.requested_us, 1000);
	assert_int_equal(t.clamped, 0);
	/* every PIT write counted once, the tick's ones too */
	assert_int_equal(st.group[HLKVM_GROUP_PIT].out, 3);
	ch0_program(0x36, 2386);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_true(t.running);
	assert_int_equal(t.period_ns, 1999695);
	/* a control word alone stops it, and so does a one-shot mode */
	assert_true(out8(0x43, 0x34));
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_false(t.running);
	ch0_program(0x34, 1193);
	ch0_program(0x30, 1193);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_false(t.running);
}

static void pit_tick_below_floor_clamped(void **state)
{
	struct hlkvm_timer_info t;

	(void)state;
	hlkvm_fallback_set_pit_tick(fb, true);
	ch0_program(0x34, 12);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_true(t.running);
	assert_int_equal(t.requested_us, 10);
	assert_int_equal(t.period_ns, 100000);
	assert_int_equal(t.period_us, 100);
	assert_int_equal(t.clamped, 1);
}

static void pit_tick_pv_timer_takes_over(void **state)
{
	struct hlkvm_timer_info t;

	(void)state;
	hlkvm_fallback_set_pit_tick(fb, true);
	ch0_program(0x34, 1193);
	assert_true(out32(HLKVM_PORT_PV_TIMER, 2000));
	ch0_program(0x34, 9545);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_true(t.running);
	assert_int_equal(t.source, HLKVM_TIMER_SRC_PV);
	assert_int_equal(t.period_ns, 2000000);
	/* even once the PV timer is stopped */
	assert_true(out32(HLKVM_PORT_PV_TIMER, 0));
	ch0_program(0x34, 1193);
	hlkvm_fallback_get(fb, &t, NULL, NULL);
	assert_false(t.running);
}

static void free_joins_running_timer(void **state)
{
	(void)state;
	hlkvm_fallback_set_period(fb, 100);
	sleep_ms(5);
	/* teardown frees with the timer running: must not hang or leak */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define S(f) cmocka_unit_test_setup_teardown(f, setup_skip, teardown)
#define K(f) cmocka_unit_test_setup_teardown(f, setup_kernel, teardown)
		T(pic_data_reads_all_masked),
		T(pic_command_reads_zero),
		T(pit_counters_read_zero_mode_not_answered),
		T(speaker_refresh_toggles),
		T(diag_port_absorbed),
		T(every_out_absorbed_and_counted),
		T(foreign_ports_not_answered),
		T(timer_port_needs_four_bytes),
		T(multibyte_pic_read_bytewise),
		T(eoi_ignored_when_idle),
		T(eoi_bridged_while_running),
		T(eoi_bridged_after_stop_with_tick_outstanding),
		T(period_clamped_low),
		T(period_clamped_high),
		T(period_in_range_not_clamped_zero_stops),
		T(timer_thread_ticks_and_stops),
		S(timer_without_ack_injects_once_then_only_kicks),
		T(timer_catchup_keeps_backlog_without_ack),
		T(free_joins_running_timer),
		T(new_refuses_what_it_cannot_run),
		K(kernel_pic_ports_left_to_kvm),
		K(kernel_acks_all_seen),
		K(kernel_ack_after_stop_with_tick_outstanding),
		K(kernel_ack_releases_one_backlog_tick),
		T(pit_tick_off_channel0_drives_nothing),
		T(pit_tick_channel0_sets_the_timer),
		K(pit_tick_channel0_sets_the_timer),
		T(pit_tick_below_floor_clamped),
		T(pit_tick_pv_timer_takes_over),
		K(pit_tick_pv_timer_takes_over),
#undef T
#undef S
#undef K
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
