// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of hlkvm's 8254 and port 0x61 (kmod/pit.c) against the
 * datasheet (Intel 82C54, "Mode Definitions", "Read Operations", "Read-Back
 * Command") and the guest sequences real kernels use. The expected counts
 * and OUT levels are written out per clock, not computed.
 *
 * Times: at(k) is the first nanosecond after T0 at which k input clocks
 * have passed, mid(k) the middle of clock k. A count loaded (or a gate
 * edge) at at(j) has made exactly k - j clocks at mid(k); at at(k) it may
 * be one fewer, since at(k) - at(j) can fall short of k - j clocks by a
 * nanosecond. So each check after an event later than T0 samples mid().
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include "../kmod/pit.h"
#include "../kmod/ports.h"

/* An arbitrary monotonic time for the load: far from 0 and from a wrap */
#define T0		(1000ULL * NSEC_PER_SEC + 12345)
#define PIT_FREQ	1193182ULL

/* Control word fields */
#define CW(ch, access, mode)	((ch) << 6 | (access) << 4 | (mode) << 1)
#define LSB		1
#define MSB		2
#define WORD		3
#define PORT_CW		3

static u64 at(u64 k)
{
	return T0 + div_u64(k * NSEC_PER_SEC + PIT_FREQ - 1, PIT_FREQ);
}

static u64 mid(u64 k)
{
	return T0 + div_u64((2 * k + 1) * NSEC_PER_SEC, 2 * PIT_FREQ);
}

/* Control word, then the count as its access mode wants it */
static void program(struct hlkvm_pit_state *pit, unsigned int ch,
		    unsigned int access, unsigned int mode, u16 count, u64 t)
{
	hlkvm_pit_write(pit, PORT_CW, CW(ch, access, mode), t);
	if (access != MSB)
		hlkvm_pit_write(pit, ch, count & 0xff, t);
	if (access != LSB)
		hlkvm_pit_write(pit, ch, count >> 8, t);
}

/* Counter latch command, then both bytes (the channel is in WORD mode) */
static u16 latched_count(struct hlkvm_pit_state *pit, unsigned int ch, u64 t)
{
	u16 v;

	hlkvm_pit_write(pit, PORT_CW, CW(ch, 0, 0), t);
	v = hlkvm_pit_read(pit, ch, t);
	return v | hlkvm_pit_read(pit, ch, t) << 8;
}

/* Read-back of @ch's status alone (COUNT bit set: no count latched) */
static u8 readback_status(struct hlkvm_pit_state *pit, unsigned int ch, u64 t)
{
	hlkvm_pit_write(pit, PORT_CW, 0xe0 | 2 << ch, t);
	return hlkvm_pit_read(pit, ch, t);
}

static bool out_pin(struct hlkvm_pit_state *pit, unsigned int ch, u64 t)
{
	return readback_status(pit, ch, t) & 0x80;
}

/* --- The clock --- */

static void pit_ticks_matches_kvm_formula(struct kunit *test)
{
	static const u64 ns[] = {
		0, 1, 838, 839, 999999999, 1000000000, 1000000001,
		3600ULL * NSEC_PER_SEC, 0x7fffffffffffffffULL,
		0xfffffffffffffffeULL, 0xffffffffffffffffULL,
	};
	u64 x = 0x9e3779b97f4a7c15ULL;
	unsigned int i;

	/* i8254.c: mul_u64_u32_div(elapsed, KVM_PIT_FREQ, NSEC_PER_SEC) */
	for (i = 0; i < ARRAY_SIZE(ns); i++)
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_pit_ticks(ns[i]),
				    mul_u64_u32_div(ns[i], PIT_FREQ,
						    NSEC_PER_SEC),
				    "ns %llu", ns[i]);
	for (i = 0; i < 10000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_pit_ticks(x >> (i % 64)),
				    mul_u64_u32_div(x >> (i % 64), PIT_FREQ,
						    NSEC_PER_SEC),
				    "ns %llu", x >> (i % 64));
	}
	KUNIT_EXPECT_EQ(test, hlkvm_pit_ticks(NSEC_PER_SEC), PIT_FREQ);
}

/* --- Every mode's count sequence and OUT waveform --- */

struct mode_case {
	const char *name;
	unsigned int mode;
	u16 count;
	unsigned int clocks;
	u16 want_count[12];
	u8 want_out[12];
};

/*
 * Written from the datasheet's mode definitions, GATE high, the count
 * written at clock 0 (its load clock takes no time here).
 */
static const struct mode_case mode_cases[] = {
	/* Mode 0: OUT low until the count reaches 0, then high; wraps */
	{ "mode 0, N=4", 0, 4, 8,
	  { 4, 3, 2, 1, 0, 0xffff, 0xfffe, 0xfffd },
	  { 0, 0, 0, 0, 1, 1, 1, 1 } },
	/* Mode 1 (the load is the trigger): low for N clocks, then high */
	{ "mode 1, N=3", 1, 3, 6,
	  { 3, 2, 1, 0, 0xffff, 0xfffe },
	  { 0, 0, 0, 1, 1, 1 } },
	/* Mode 2: low for one clock while the count is 1, reload N */
	{ "mode 2, N=3", 2, 3, 10,
	  { 3, 2, 1, 3, 2, 1, 3, 2, 1, 3 },
	  { 1, 1, 0, 1, 1, 0, 1, 1, 0, 1 } },
	{ "mode 2, N=2", 2, 2, 6,
	  { 2, 1, 2, 1, 2, 1 },
	  { 1, 0, 1, 0, 1, 0 } },
	/* Mode 3, even N: by twos, N/2 clocks high, N/2 low */
	{ "mode 3, N=4", 3, 4, 12,
	  { 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2 },
	  { 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0 } },
	{ "mode 3, N=6", 3, 6, 12,
	  { 6, 4, 2, 6, 4, 2, 6, 4, 2, 6, 4, 2 },
	  { 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0 } },
	/*
	 * Mode 3, odd N: "The initial count minus one is loaded ... and
	 * decremented by two ... One CLK pulse after the count expires, OUT
	 * goes low and the Counter is reloaded with the initial count minus
	 * one ... When the count expires, OUT goes high again": (N + 1) / 2
	 * clocks high, (N - 1) / 2 low.
	 */
	{ "mode 3, N=5", 3, 5, 10,
	  { 4, 2, 0, 4, 2, 4, 2, 0, 4, 2 },
	  { 1, 1, 1, 0, 0, 1, 1, 1, 0, 0 } },
	{ "mode 3, N=3", 3, 3, 9,
	  { 2, 0, 2, 2, 0, 2, 2, 0, 2 },
	  { 1, 1, 0, 1, 1, 0, 1, 1, 0 } },
	/* Mode 4: OUT high, low for one clock when the count reaches 0 */
	{ "mode 4, N=3", 4, 3, 7,
	  { 3, 2, 1, 0, 0xffff, 0xfffe, 0xfffd },
	  { 1, 1, 1, 0, 1, 1, 1 } },
	/* Mode 5 (the load is the trigger): as mode 4 after the trigger */
	{ "mode 5, N=3", 5, 3, 7,
	  { 3, 2, 1, 0, 0xffff, 0xfffe, 0xfffd },
	  { 1, 1, 1, 0, 1, 1, 1 } },
	/* Modes 6 and 7 are 2 and 3 */
	{ "mode 6 = 2, N=3", 6, 3, 4, { 3, 2, 1, 3 }, { 1, 1, 0, 1 } },
	{ "mode 7 = 3, N=4", 7, 4, 4, { 4, 2, 4, 2 }, { 1, 1, 0, 0 } },
};

static void mode_case_desc(const struct mode_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(mode, mode_cases, mode_case_desc);

static void pit_mode_count_and_out_per_clock(struct kunit *test)
{
	const struct mode_case *c = test->param_value;
	unsigned int ch, k;

	/* Channels 0 and 1 have GATE tied high, channel 2 gets it raised */
	for (ch = 0; ch < HLKVM_PIT_CHANNELS; ch++) {
		struct hlkvm_pit_state pit = {};

		if (ch == 2)
			hlkvm_pit_port61_write(&pit, 0x01, T0 - 1);
		program(&pit, ch, WORD, c->mode, c->count, T0);
		for (k = 0; k < c->clocks; k++) {
			/* the first and the last nanosecond of clock k */
			u64 first = at(k), last = at(k + 1) - 1;

			KUNIT_EXPECT_EQ_MSG(test, latched_count(&pit, ch, first),
					    c->want_count[k], "ch %u clock %u",
					    ch, k);
			KUNIT_EXPECT_EQ_MSG(test, latched_count(&pit, ch, last),
					    c->want_count[k],
					    "ch %u clock %u, last ns", ch, k);
			KUNIT_EXPECT_EQ_MSG(test, out_pin(&pit, ch, first),
					    (bool)c->want_out[k],
					    "ch %u clock %u", ch, k);
			KUNIT_EXPECT_EQ_MSG(test, out_pin(&pit, ch, last),
					    (bool)c->want_out[k],
					    "ch %u clock %u, last ns", ch, k);
			KUNIT_EXPECT_EQ_MSG(test, hlkvm_pit_out(&pit, ch, first),
					    (bool)c->want_out[k],
					    "ch %u clock %u", ch, k);
		}
	}
}

static void pit_count_zero_is_65536(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 0, WORD, 0, 0, T0);
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(0)), 0);
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(1)), 0xffff);
	KUNIT_EXPECT_FALSE(test, out_pin(&pit, 0, at(65535)));
	KUNIT_EXPECT_TRUE(test, out_pin(&pit, 0, at(65536)));

	program(&pit, 1, WORD, 2, 0, T0);
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 1, at(0)), 0);
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 1, at(65534)), 2);
	KUNIT_EXPECT_FALSE(test, out_pin(&pit, 1, at(65535)));
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 1, at(65536)), 0);
	KUNIT_EXPECT_TRUE(test, out_pin(&pit, 1, at(65536)));

	program(&pit, 0, WORD, 3, 0, T0);
	KUNIT_EXPECT_TRUE(test, out_pin(&pit, 0, at(32767)));
	KUNIT_EXPECT_FALSE(test, out_pin(&pit, 0, at(32768)));
	KUNIT_EXPECT_TRUE(test, out_pin(&pit, 0, at(65536)));
}

static void pit_mode0_one_shot_rises_after_n_clocks(struct kunit *test)
{
	/* 10 ms and 20 ms, as a TSC calibration programs them */
	static const u16 counts[] = { 11932, 23864, 1, 0xffff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		struct hlkvm_pit_state pit = {};

		program(&pit, 0, WORD, 0, counts[i], T0);
		KUNIT_EXPECT_FALSE_MSG(test,
				       hlkvm_pit_out(&pit, 0, at(counts[i]) - 1),
				       "count %u", counts[i]);
		KUNIT_EXPECT_TRUE_MSG(test, hlkvm_pit_out(&pit, 0, at(counts[i])),
				      "count %u", counts[i]);
		/* and stays high, through the wrap and long after */
		KUNIT_EXPECT_TRUE(test,
				  hlkvm_pit_out(&pit, 0, at(counts[i] + 65536)));
		KUNIT_EXPECT_TRUE(test,
				  hlkvm_pit_out(&pit, 0,
						T0 + 86400ULL * NSEC_PER_SEC));
	}
}

static void pit_count_before_load_time_reads_full(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	/* A clock read before the load (two CPUs' clocks): no count yet */
	program(&pit, 0, WORD, 2, 1000, T0);
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, T0 - 5000), 1000);
}

/* --- Before any control word --- */

static void pit_unprogrammed_reads_zero_out_low(struct kunit *test)
{
	static const u64 times[] = { 0, 1, T0, T0 + 10000000, ~0ULL };
	struct hlkvm_pit_state pit = {};
	unsigned int ch, i;

	for (ch = 0; ch < HLKVM_PIT_CHANNELS; ch++)
		for (i = 0; i < ARRAY_SIZE(times); i++) {
			KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, ch, times[i]),
					0);
			KUNIT_EXPECT_FALSE(test,
					   hlkvm_pit_out(&pit, ch, times[i]));
		}
	/* A latch changes nothing; the status says "nothing programmed" */
	hlkvm_pit_write(&pit, PORT_CW, CW(1, 0, 0), T0);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 1, at(100)), 0);
	KUNIT_EXPECT_EQ(test, readback_status(&pit, 2, T0), 0);
}

static void pit_unprogrammed_ignores_count_writes(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};
	unsigned int ch;

	for (ch = 0; ch < HLKVM_PIT_CHANNELS; ch++) {
		hlkvm_pit_write(&pit, ch, 0x34, T0);
		hlkvm_pit_write(&pit, ch, 0x12, T0);
		KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, ch, at(5)), 0);
		KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, ch, at(5)), 0);
	}
}

static void pit_control_word_sets_initial_out(struct kunit *test)
{
	unsigned int mode;

	/* Until its count comes: OUT low in mode 0, high in the others */
	for (mode = 0; mode < 8; mode++) {
		struct hlkvm_pit_state pit = {};

		hlkvm_pit_write(&pit, PORT_CW, CW(0, WORD, mode), T0);
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_pit_out(&pit, 0, at(100000)),
				    mode != 0, "mode %u", mode);
		KUNIT_EXPECT_EQ_MSG(test, readback_status(&pit, 0, T0),
				    (mode ? 0x80 : 0) | 0x40 | WORD << 4 |
				    mode << 1, "mode %u", mode);
	}
}

static void pit_control_word_stops_the_counter(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 0, WORD, 2, 1000, T0);
	/* Reprogrammed at clock 10: it holds 990 until its count comes */
	hlkvm_pit_write(&pit, PORT_CW, CW(0, WORD, 0), at(10));
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(500)), 990);
	KUNIT_EXPECT_FALSE(test, out_pin(&pit, 0, at(5000)));
	hlkvm_pit_write(&pit, 0, 100, at(600));
	hlkvm_pit_write(&pit, 0, 0, at(600));
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, mid(650)), 50);
	KUNIT_EXPECT_FALSE(test, out_pin(&pit, 0, mid(699)));
	KUNIT_EXPECT_TRUE(test, out_pin(&pit, 0, mid(700)));
}

static void pit_count_rewrite_restarts(struct kunit *test)
{
	unsigned int mode;

	/* As i8254.c: a whole count loads at once, in every mode */
	for (mode = 0; mode < 6; mode++) {
		struct hlkvm_pit_state pit = {};

		program(&pit, 1, LSB, mode, 200, T0);
		hlkvm_pit_write(&pit, 1, 100, at(50));
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_pit_read(&pit, 1, at(50)), 100,
				    "mode %u", mode);
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_pit_read(&pit, 1, mid(51)),
				    mode == 3 ? 98 : 99, "mode %u", mode);
	}
}

static void pit_mode0_first_byte_stops_count_and_lowers_out(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 0, WORD, 0, 10, T0);
	KUNIT_ASSERT_TRUE(test, hlkvm_pit_out(&pit, 0, at(20)));
	/* "Writing the first byte disables counting. OUT is set low" */
	hlkvm_pit_write(&pit, 0, 50, at(20));
	KUNIT_EXPECT_FALSE(test, hlkvm_pit_out(&pit, 0, at(20)));
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(20)), 0xfff6);
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(900)), 0xfff6);
	KUNIT_EXPECT_FALSE(test, hlkvm_pit_out(&pit, 0, at(900)));
	/* "Writing the second byte allows the new count to be loaded" */
	hlkvm_pit_write(&pit, 0, 0, at(1000));
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, mid(1010)), 40);
	KUNIT_EXPECT_FALSE(test, hlkvm_pit_out(&pit, 0, mid(1049)));
	KUNIT_EXPECT_TRUE(test, hlkvm_pit_out(&pit, 0, mid(1050)));
}

/* --- Access modes and flip-flops --- */

static void pit_access_lsb_only(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 0, LSB, 2, 0x80, T0);
	/* the MSB is 0; every read is the LSB */
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0)), 0x80);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(1)), 0x7f);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(2)), 0x7e);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0x80)), 0x80);
}

static void pit_access_msb_only(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	hlkvm_pit_write(&pit, PORT_CW, CW(0, MSB, 2), T0);
	hlkvm_pit_write(&pit, 0, 0x12, T0);
	/* count 0x1200; every read is the MSB */
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0)), 0x12);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(1)), 0x11);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0x100)), 0x11);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0x101)), 0x10);
	/* a latched MSB: one read */
	hlkvm_pit_write(&pit, PORT_CW, CW(0, 0, 0), at(0x1200));
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0x1300)), 0x12);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0x1300)), 0x11);
}

static void pit_access_word_alternates(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 2, WORD, 2, 0x1234, T0);
	hlkvm_pit_port61_write(&pit, 0x01, T0);
	/* The rising edge reloads mode 2 at T0 */
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 2, at(0)), 0x34);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 2, at(0)), 0x12);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 2, at(0x35)), 0xff);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 2, at(0x35)), 0x11);
	/* A control word resets the flip-flop: LSB first again */
	hlkvm_pit_read(&pit, 2, at(0x40));
	program(&pit, 2, WORD, 2, 0x0abc, at(0x40));
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 2, at(0x40)), 0xbc);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 2, at(0x40)), 0x0a);
}

static void pit_read_and_write_flip_flops_are_separate(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 0, WORD, 2, 0x1234, T0);
	/* The datasheet's example: read LSB, write LSB, read MSB, write MSB */
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0)), 0x34);
	hlkvm_pit_write(&pit, 0, 0x78, at(0));
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0)), 0x12);
	hlkvm_pit_write(&pit, 0, 0x56, at(0));
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(0)), 0x5678);
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(8)), 0x5670);
}

/* --- Latches and read-back --- */

static void pit_latch_holds_until_read(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 0, WORD, 2, 1000, T0);
	hlkvm_pit_write(&pit, PORT_CW, CW(0, 0, 0), at(100));
	/* read long after: the latched 900, LSB then MSB */
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(500)), 900 & 0xff);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(700)), 900 >> 8);
	/* then live again */
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(800)), 200);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(800)), 0);
}

static void pit_second_latch_before_read_ignored(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 1, WORD, 2, 1000, T0);
	hlkvm_pit_write(&pit, PORT_CW, CW(1, 0, 0), at(100));
	hlkvm_pit_write(&pit, PORT_CW, CW(1, 0, 0), at(300));
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 1, at(400)), 900 & 0xff);
	/* half read: a latch now is still ignored */
	hlkvm_pit_write(&pit, PORT_CW, CW(1, 0, 0), at(400));
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 1, at(400)), 900 >> 8);
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 1, at(500)), 500);
}

static void pit_latch_follows_access_mode(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 0, LSB, 2, 200, T0);
	hlkvm_pit_write(&pit, PORT_CW, CW(0, 0, 0), at(50));
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(60)), 150);
	/* one byte read ends the latch */
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(60)), 140);

	hlkvm_pit_write(&pit, PORT_CW, CW(0, MSB, 2), T0);
	hlkvm_pit_write(&pit, 0, 0x30, T0);
	hlkvm_pit_write(&pit, PORT_CW, CW(0, 0, 0), at(0x100));
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0x1000)), 0x2f);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(0x1000)), 0x20);
}

static void pit_latch_is_per_channel(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};
	unsigned int ch;

	hlkvm_pit_port61_write(&pit, 0x01, T0);
	for (ch = 0; ch < HLKVM_PIT_CHANNELS; ch++)
		program(&pit, ch, WORD, 2, 1000, T0);
	hlkvm_pit_write(&pit, PORT_CW, CW(1, 0, 0), at(100));
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(300)), 700);
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 2, at(300)), 700);
	/* channel 1's latch waited for its own reads */
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 1, at(300)), 900 & 0xff);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 1, at(300)), 900 >> 8);
}

static void pit_control_word_drops_latches(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 0, WORD, 2, 1000, T0);
	/* latch count and status, then reprogram without reading */
	hlkvm_pit_write(&pit, PORT_CW, 0xc2, at(100));
	program(&pit, 0, WORD, 2, 2000, at(200));
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, mid(210)), 1990 & 0xff);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, mid(210)), 1990 >> 8);
}

static void pit_status_byte(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	/* bits 5-0 as written, BCD included; NULL COUNT until the count */
	hlkvm_pit_write(&pit, PORT_CW, CW(1, LSB, 4) | 1, T0);
	KUNIT_EXPECT_EQ(test, readback_status(&pit, 1, T0), 0x80 | 0x40 | 0x19);
	hlkvm_pit_write(&pit, 1, 3, T0);
	KUNIT_EXPECT_EQ(test, readback_status(&pit, 1, at(1)), 0x80 | 0x19);
	KUNIT_EXPECT_EQ(test, readback_status(&pit, 1, at(3)), 0x19);
	/* modes 6 and 7 read back as written */
	hlkvm_pit_write(&pit, PORT_CW, CW(1, WORD, 7), T0);
	KUNIT_EXPECT_EQ(test, readback_status(&pit, 1, T0), 0x80 | 0x40 | 0x3e);
	/* NULL COUNT stays set after only the LSB of a word */
	hlkvm_pit_write(&pit, 1, 4, T0);
	KUNIT_EXPECT_EQ(test, readback_status(&pit, 1, T0) & 0x40, 0x40);
	hlkvm_pit_write(&pit, 1, 0, T0);
	KUNIT_EXPECT_EQ(test, readback_status(&pit, 1, T0) & 0x40, 0);
}

static void pit_status_latch_holds_until_read(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 0, WORD, 0, 100, T0);
	hlkvm_pit_write(&pit, PORT_CW, 0xe2, at(10));	/* OUT low */
	hlkvm_pit_write(&pit, PORT_CW, 0xe2, at(200));	/* ignored */
	KUNIT_EXPECT_EQ(test, hlkvm_pit_read(&pit, 0, at(300)), 0x30);
	/* then the count again, live */
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(300)), (u16)-200);
	KUNIT_EXPECT_EQ(test, readback_status(&pit, 0, at(300)), 0xb0);
}

/*
 * Every read-back command, 0xc0-0xff: for each counter selected, bit 5
 * clear latches its count and bit 4 clear its status; a read returns the
 * status first, then the count. Bit 0 is reserved (ignored).
 */
static void pit_readback_every_command(struct kunit *test)
{
	unsigned int v, ch;

	for (v = 0xc0; v <= 0xff; v++) {
		struct hlkvm_pit_state pit = {};

		hlkvm_pit_port61_write(&pit, 0x01, T0);
		for (ch = 0; ch < HLKVM_PIT_CHANNELS; ch++)
			program(&pit, ch, WORD, 2, 1000 + 100 * ch, T0);
		hlkvm_pit_write(&pit, PORT_CW, v, at(10));
		for (ch = 0; ch < HLKVM_PIT_CHANNELS; ch++) {
			bool sel = v & (2 << ch);
			bool count = sel && !(v & 0x20);
			bool status = sel && !(v & 0x10);
			u16 want = count ? 1000 + 100 * ch - 10 :
					   1000 + 100 * ch - 50;
			u16 got;

			if (status)
				KUNIT_EXPECT_EQ_MSG(test,
						    hlkvm_pit_read(&pit, ch,
								   at(50)),
						    0x80 | 0x34,
						    "0x%x ch %u status", v, ch);
			got = hlkvm_pit_read(&pit, ch, at(50));
			got |= hlkvm_pit_read(&pit, ch, at(50)) << 8;
			KUNIT_EXPECT_EQ_MSG(test, got, want, "0x%x ch %u count",
					    v, ch);
		}
	}
}

static void pit_readback_of_no_counter_latches_nothing(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	/* SC = 11 is never a counter select: 0xc0 is a read-back of none */
	program(&pit, 0, WORD, 2, 1000, T0);
	hlkvm_pit_write(&pit, PORT_CW, 0xc0, at(10));	/* no counter */
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(50)), 950);
	KUNIT_EXPECT_EQ(test, readback_status(&pit, 0, at(50)), 0x80 | 0x34);
}

/* --- GATE (channel 2, port 0x61 bit 0) --- */

static void pit_gate_low_at_load_waits(struct kunit *test)
{
	unsigned int mode;

	for (mode = 0; mode < 6; mode++) {
		struct hlkvm_pit_state pit = {};
		bool waits = mode != 1 && mode != 5;

		program(&pit, 2, WORD, mode, 100, T0);
		/* modes 1 and 5: the load is the trigger, as i8254.c */
		KUNIT_EXPECT_EQ_MSG(test, latched_count(&pit, 2, at(40)),
				    waits ? 100 : 60, "mode %u", mode);
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_pit_out(&pit, 2, at(40)),
				    mode != 0 && mode != 1, "mode %u", mode);
		hlkvm_pit_port61_write(&pit, 0x01, at(50));
		KUNIT_EXPECT_EQ_MSG(test, latched_count(&pit, 2, mid(60)),
				    mode == 3 ? 80 : 90, "mode %u", mode);
	}
}

static void pit_gate_low_pauses_modes_0_and_4(struct kunit *test)
{
	static const unsigned int modes[] = { 0, 4 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		struct hlkvm_pit_state pit = {};

		hlkvm_pit_port61_write(&pit, 0x01, T0);
		program(&pit, 2, WORD, modes[i], 100, T0);
		hlkvm_pit_port61_write(&pit, 0x00, at(30));
		KUNIT_EXPECT_EQ(test, latched_count(&pit, 2, at(30)), 70);
		KUNIT_EXPECT_EQ(test, latched_count(&pit, 2, at(5000)), 70);
		KUNIT_EXPECT_EQ(test, hlkvm_pit_out(&pit, 2, at(5000)),
				modes[i] == 4);
		/* resumed where it stopped: 70 clocks to go */
		hlkvm_pit_port61_write(&pit, 0x01, at(6000));
		KUNIT_EXPECT_EQ(test, latched_count(&pit, 2, mid(6010)), 60);
		KUNIT_EXPECT_EQ(test, hlkvm_pit_out(&pit, 2, mid(6069)),
				modes[i] == 4);
		KUNIT_EXPECT_EQ(test, hlkvm_pit_out(&pit, 2, mid(6070)),
				modes[i] == 0);
		KUNIT_EXPECT_TRUE(test, hlkvm_pit_out(&pit, 2, mid(6071)));
	}
}

static void pit_gate_low_stops_modes_2_and_3_out_high(struct kunit *test)
{
	static const unsigned int modes[] = { 2, 3 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		struct hlkvm_pit_state pit = {};
		/* a clock where OUT is low: mode 2's pulse, mode 3's half */
		unsigned int low = modes[i] == 2 ? 9 : 7;

		hlkvm_pit_port61_write(&pit, 0x01, T0);
		program(&pit, 2, WORD, modes[i], 10, T0);
		KUNIT_ASSERT_FALSE(test, hlkvm_pit_out(&pit, 2, at(low)));
		/* "If GATE goes low during an output pulse, OUT is set high" */
		hlkvm_pit_port61_write(&pit, 0x00, at(low));
		KUNIT_EXPECT_TRUE(test, hlkvm_pit_out(&pit, 2, at(low)));
		KUNIT_EXPECT_TRUE(test, hlkvm_pit_out(&pit, 2, at(1000)));
		KUNIT_EXPECT_EQ(test, latched_count(&pit, 2, at(1000)),
				modes[i] == 2 ? 1 : 6);
		/* the rising edge reloads the count */
		hlkvm_pit_port61_write(&pit, 0x01, at(2000));
		KUNIT_EXPECT_EQ(test, latched_count(&pit, 2, at(2000)), 10);
		KUNIT_EXPECT_EQ(test, latched_count(&pit, 2, mid(2001)),
				modes[i] == 2 ? 9 : 8);
	}
}

static void pit_gate_rising_edge_retriggers_modes_1_and_5(struct kunit *test)
{
	static const unsigned int modes[] = { 1, 5 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		struct hlkvm_pit_state pit = {};

		hlkvm_pit_port61_write(&pit, 0x01, T0);
		program(&pit, 2, WORD, modes[i], 100, T0);
		/* the level does not matter */
		hlkvm_pit_port61_write(&pit, 0x00, at(30));
		KUNIT_EXPECT_EQ(test, latched_count(&pit, 2, at(40)), 60);
		/* the edge does: reload, a new one-shot or strobe */
		hlkvm_pit_port61_write(&pit, 0x01, at(40));
		KUNIT_EXPECT_EQ(test, latched_count(&pit, 2, mid(50)), 90);
		KUNIT_EXPECT_EQ(test, hlkvm_pit_out(&pit, 2, mid(139)),
				modes[i] == 5);
		KUNIT_EXPECT_EQ(test, hlkvm_pit_out(&pit, 2, mid(140)),
				modes[i] == 1);
	}
}

static void pit_gate_rising_before_count_does_nothing(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	hlkvm_pit_write(&pit, PORT_CW, CW(2, WORD, 0), T0);
	hlkvm_pit_port61_write(&pit, 0x01, at(10));
	KUNIT_EXPECT_EQ(test, readback_status(&pit, 2, at(20)), 0x40 | 0x30);
	hlkvm_pit_write(&pit, 2, 10, at(30));
	hlkvm_pit_write(&pit, 2, 0, at(30));
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 2, mid(35)), 5);
}

static void pit_gate_only_on_channel_2(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	program(&pit, 0, WORD, 0, 100, T0);
	program(&pit, 1, WORD, 0, 100, T0);
	hlkvm_pit_port61_write(&pit, 0x01, at(10));
	hlkvm_pit_port61_write(&pit, 0x00, at(20));
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 0, at(50)), 50);
	KUNIT_EXPECT_EQ(test, latched_count(&pit, 1, at(50)), 50);
}

/* --- Port 0x61 --- */

static void pit_port61_writable_bits_read_back(struct kunit *test)
{
	unsigned int w;

	for (w = 0; w <= 0xff; w++) {
		struct hlkvm_pit_state pit = {};
		u8 a, b;

		hlkvm_pit_port61_write(&pit, w, T0);
		a = hlkvm_pit_port61_read(&pit, T0);
		b = hlkvm_pit_port61_read(&pit, T0);
		/* bits 0-1 as written, 2-3 and 6-7 clear, 5 OUT2 (low) */
		KUNIT_EXPECT_EQ_MSG(test, a & ~0x10, w & 0x03, "wrote 0x%x", w);
		KUNIT_EXPECT_EQ_MSG(test, b & ~0x10, w & 0x03, "wrote 0x%x", w);
		KUNIT_EXPECT_EQ_MSG(test, (a ^ b) & 0x10, 0x10, "wrote 0x%x", w);
	}
}

static void pit_port61_refresh_toggles_on_every_read(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};
	unsigned int i;

	/* the first read after attach has it set; time plays no part */
	for (i = 0; i < 64; i++)
		KUNIT_EXPECT_EQ(test, hlkvm_pit_port61_read(&pit, T0) & 0x10,
				i % 2 ? 0 : 0x10);
	/* a write does not move it */
	hlkvm_pit_port61_write(&pit, 0xff, T0);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_port61_read(&pit, T0) & 0x10, 0x10);
	hlkvm_pit_port61_write(&pit, 0x00, T0);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_port61_read(&pit, T0) & 0x10, 0);
}

static void pit_port61_bit5_follows_out2(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};
	unsigned int k;

	hlkvm_pit_port61_write(&pit, 0x01, T0);
	program(&pit, 2, WORD, 3, 8, T0);
	for (k = 0; k < 32; k++)
		KUNIT_EXPECT_EQ_MSG(test,
				    hlkvm_pit_port61_read(&pit, at(k)) & 0x21,
				    (k % 8 < 4 ? 0x20 : 0) | 0x01, "clock %u", k);
	/* channels 0 and 1 never show there */
	program(&pit, 2, WORD, 0, 100, at(32));
	program(&pit, 0, WORD, 3, 8, at(32));
	program(&pit, 1, WORD, 3, 8, at(32));
	KUNIT_EXPECT_EQ(test, hlkvm_pit_port61_read(&pit, mid(33)) & 0x20, 0);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_port61_read(&pit, mid(131)) & 0x20, 0);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_port61_read(&pit, mid(132)) & 0x20,
			0x20);
}

/* --- Guest sequences through the port table (ports.c) --- */

static const struct hlkvm_port_cfg all_cfg = {
	.groups = __HLKVM_GROUP_F_ALL,
	.timer_port = HLKVM_PORT_PV_TIMER,
};

static u8 inb_at(const struct hlkvm_port_cfg *cfg, struct hlkvm_port_state *st,
		 u16 port, u64 t)
{
	struct hlkvm_pio_result res;
	u8 v = 0x5a;

	if (hlkvm_pio_in(cfg, st, t, port, 1, &v, &res) != HLKVM_PIO_ABSORB)
		return 0x5a;
	return v;
}

static void outb_at(const struct hlkvm_port_cfg *cfg,
		    struct hlkvm_port_state *st, u16 port, u8 v, u64 t)
{
	struct hlkvm_pio_result res;

	hlkvm_pio_out(cfg, st, t, port, 1, &v, &res);
}

/*
 * Linux's pit_calibrate_tsc(): GATE high and speaker off through 0x61,
 * channel 2 in mode 0 (0xb0), a 50 ms count, then poll 0x61 bit 5.
 */
static void pio_linux_pit_calibrate_tsc_sees_out2_rise(struct kunit *test)
{
	const u16 latch = PIT_FREQ / 20;
	struct hlkvm_port_state st = {};
	u8 v;

	v = inb_at(&all_cfg, &st, 0x61, T0);
	outb_at(&all_cfg, &st, 0x61, (v & ~0x02) | 0x01, T0);
	outb_at(&all_cfg, &st, 0x43, 0xb0, T0);
	outb_at(&all_cfg, &st, 0x42, latch & 0xff, T0);
	outb_at(&all_cfg, &st, 0x42, latch >> 8, T0);
	KUNIT_EXPECT_EQ(test, inb_at(&all_cfg, &st, 0x61, at(latch) - 1) & 0x20,
			0);
	KUNIT_EXPECT_EQ(test, inb_at(&all_cfg, &st, 0x61, at(latch)) & 0x20,
			0x20);
}

/*
 * Linux's quick_pit_calibrate(): channel 2, mode 0, count 0xffff, then
 * pairs of reads of 0x42 (LSB, MSB) watching the MSB count down.
 */
static void pio_linux_quick_pit_calibrate_msb_counts_down(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	unsigned int i;

	outb_at(&all_cfg, &st, 0x61,
		(inb_at(&all_cfg, &st, 0x61, T0) & ~0x02) | 0x01, T0);
	outb_at(&all_cfg, &st, 0x43, 0xb0, T0);
	outb_at(&all_cfg, &st, 0x42, 0xff, T0);
	outb_at(&all_cfg, &st, 0x42, 0xff, T0);
	for (i = 0; i < 255; i++) {
		u64 t = at(256 * i + 1);

		inb_at(&all_cfg, &st, 0x42, t);
		KUNIT_EXPECT_EQ_MSG(test, inb_at(&all_cfg, &st, 0x42, t),
				    0xff - i, "step %u", i);
	}
}

/* Hyperlight's and Linux's channel 0 setup, then latched reads */
static void pio_channel0_rate_generator_latched_reads(struct kunit *test)
{
	const u16 divisor = PIT_FREQ / 1000;	/* 1193: 1 ms */
	struct hlkvm_port_state st = {};
	u16 prev = divisor + 1;
	unsigned int k;

	outb_at(&all_cfg, &st, 0x43, 0x34, T0);
	outb_at(&all_cfg, &st, 0x40, divisor & 0xff, T0);
	outb_at(&all_cfg, &st, 0x40, divisor >> 8, T0);
	for (k = 0; k < divisor; k += 97) {
		u16 c;

		outb_at(&all_cfg, &st, 0x43, 0x00, at(k));
		c = inb_at(&all_cfg, &st, 0x40, at(k + 50));
		c |= inb_at(&all_cfg, &st, 0x40, at(k + 60)) << 8;
		KUNIT_EXPECT_EQ_MSG(test, c, divisor - k, "clock %u", k);
		KUNIT_EXPECT_LT(test, c, prev);
		prev = c;
	}
	/* and again after the reload, a period later */
	outb_at(&all_cfg, &st, 0x43, 0x00, at(divisor + 3));
	KUNIT_EXPECT_EQ(test, inb_at(&all_cfg, &st, 0x40, at(divisor + 3)),
			(divisor - 3) & 0xff);
}

static void pio_word_access_spans_two_channels(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res;
	u8 buf[2];

	outb_at(&all_cfg, &st, 0x43, 0x14, T0);	/* ch0 LSB, mode 2 */
	outb_at(&all_cfg, &st, 0x40, 0x80, T0);
	outb_at(&all_cfg, &st, 0x43, 0x54, T0);	/* ch1 LSB, mode 2 */
	outb_at(&all_cfg, &st, 0x41, 0x40, T0);
	/* in ax, 0x40: channel 0's byte, then channel 1's */
	KUNIT_ASSERT_EQ(test, hlkvm_pio_in(&all_cfg, &st, at(16), 0x40, 2, buf,
					   &res), HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, buf[0], 0x70);
	KUNIT_EXPECT_EQ(test, buf[1], 0x30);
}

static void pio_speaker_group_off_ties_gate2_high(struct kunit *test)
{
	const struct hlkvm_port_cfg cfg = {
		.groups = __HLKVM_GROUP_F_ALL & ~HLKVM_GROUP_F_SPEAKER,
		.timer_port = HLKVM_PORT_PV_TIMER,
	};
	struct hlkvm_port_state st = {};

	/* 0x61 is the VMM's: channel 2 counts as channels 0 and 1 do */
	outb_at(&cfg, &st, 0x43, 0xb0, T0);
	outb_at(&cfg, &st, 0x42, 100, T0);
	outb_at(&cfg, &st, 0x42, 0, T0);
	outb_at(&cfg, &st, 0x43, 0x80, at(40));
	KUNIT_EXPECT_EQ(test, inb_at(&cfg, &st, 0x42, at(50)), 60);
	KUNIT_EXPECT_EQ(test, inb_at(&cfg, &st, 0x61, at(50)), 0x5a);
}

static void pio_pit_group_off_leaves_out2_low(struct kunit *test)
{
	const struct hlkvm_port_cfg cfg = {
		.groups = __HLKVM_GROUP_F_ALL & ~HLKVM_GROUP_F_PIT,
		.timer_port = HLKVM_PORT_PV_TIMER,
	};
	struct hlkvm_port_state st = {};

	/* the VMM has the 8254: its writes never reach hlkvm's */
	outb_at(&cfg, &st, 0x61, 0x01, T0);
	outb_at(&cfg, &st, 0x43, 0xb6, T0);
	outb_at(&cfg, &st, 0x42, 2, T0);
	outb_at(&cfg, &st, 0x42, 0, T0);
	KUNIT_EXPECT_EQ(test, inb_at(&cfg, &st, 0x61, at(1)) & 0x21, 0x01);
	KUNIT_EXPECT_EQ(test, inb_at(&cfg, &st, 0x61, at(3)) & 0x21, 0x01);
}

/* --- Channel 0's tick (HLKVM_A_PIT_TICK) --- */

static void pit_period_ns_rounds_to_nearest(struct kunit *test)
{
	static const struct {
		u32 n;
		u64 ns;
	} rows[] = {
		{ 0, 0 }, { 1, 838 }, { 12, 10057 }, { 119, 99733 },
		{ 120, 100571 }, { 1193, 999847 }, { 2386, 1999695 },
		{ 11932, 10000151 }, { 65535, 54924563 }, { 65536, 54925401 },
		{ PIT_FREQ, NSEC_PER_SEC },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_pit_period_ns(rows[i].n),
				    rows[i].ns, "n = %u", rows[i].n);
}

/* Only a counting channel 0 in a periodic mode asks for a period */
static void pit_irq0_period_only_in_modes_2_and_3(struct kunit *test)
{
	unsigned int mode;

	for (mode = 0; mode < 8; mode++) {
		struct hlkvm_pit_state pit = {};
		/* modes 6 and 7 are 2 and 3 (M2 is "don't care") */
		bool periodic = mode == 2 || mode == 3 || mode == 6 || mode == 7;
		u64 want = periodic ? hlkvm_pit_period_ns(1193) : 0;

		program(&pit, 0, WORD, mode, 1193, T0);
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_pit_irq0_period_ns(&pit), want,
				    "mode %u", mode);
	}
}

static void pit_irq0_period_needs_a_counting_channel_0(struct kunit *test)
{
	struct hlkvm_pit_state pit = {};

	/* never programmed */
	KUNIT_EXPECT_EQ(test, hlkvm_pit_irq0_period_ns(&pit), 0);
	/* a control word alone stops the channel until its count */
	hlkvm_pit_write(&pit, PORT_CW, CW(0, WORD, 2), T0);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_irq0_period_ns(&pit), 0);
	hlkvm_pit_write(&pit, 0, 0x00, T0);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_irq0_period_ns(&pit), 0);
	/* count 0 is 65536 */
	hlkvm_pit_write(&pit, 0, 0x00, T0);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_irq0_period_ns(&pit),
			hlkvm_pit_period_ns(65536));
	/* channels 1 and 2 drive no IRQ0 */
	pit = (struct hlkvm_pit_state){};
	program(&pit, 1, WORD, 2, 1193, T0);
	program(&pit, 2, WORD, 3, 1193, T0);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_irq0_period_ns(&pit), 0);
}

static const struct hlkvm_port_cfg tick_cfg = {
	.groups = __HLKVM_GROUP_F_ALL,
	.timer_port = HLKVM_PORT_PV_TIMER,
	.pit_tick = true,
};

static enum hlkvm_pio_verdict out_res(const struct hlkvm_port_cfg *cfg,
				      struct hlkvm_port_state *st, u16 port,
				      u8 v, u64 t, struct hlkvm_pio_result *res)
{
	return hlkvm_pio_out(cfg, st, t, port, 1, &v, res);
}

/* The sequence every PC guest uses: 0x34, then the divisor's LSB, MSB */
static void pio_pit_tick_follows_channel_0(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res;

	/* the control word stops channel 0: a tick it drove stops */
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x43, 0x34, T0, &res),
			HLKVM_PIO_PIT_TICK);
	KUNIT_EXPECT_EQ(test, res.period_ns, 0);
	KUNIT_EXPECT_EQ(test, res.group, (unsigned int)HLKVM_GROUP_PIT);
	/* the LSB loads nothing in mode 2 */
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x40, 1193 & 0xff, T0,
				      &res), HLKVM_PIO_ABSORB);
	/* the MSB loads the count: the tick starts at its period */
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x40, 1193 >> 8, T0,
				      &res), HLKVM_PIO_PIT_TICK);
	KUNIT_EXPECT_EQ(test, res.period_ns, 999847);
	/* the same count again restarts it, in phase with the counter */
	out_res(&tick_cfg, &st, 0x40, 1193 & 0xff, at(100), &res);
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x40, 1193 >> 8,
				      at(100), &res), HLKVM_PIO_PIT_TICK);
	KUNIT_EXPECT_EQ(test, res.period_ns, 999847);
	/* a new divisor in mode 3 */
	out_res(&tick_cfg, &st, 0x43, 0x36, at(200), &res);
	out_res(&tick_cfg, &st, 0x40, 2386 & 0xff, at(200), &res);
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x40, 2386 >> 8,
				      at(200), &res), HLKVM_PIO_PIT_TICK);
	KUNIT_EXPECT_EQ(test, res.period_ns, 1999695);
}

static void pio_pit_tick_latch_and_readback_change_nothing(struct kunit *test)
{
	static const u8 cmds[] = {
		0x00,			/* counter latch, channel 0 */
		0xc2, 0xd2, 0xe2,	/* read-back of channel 0 */
		0xde,			/* read-back of every count */
		0x74, 0xb6,		/* control words of channels 1, 2 */
	};
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res;
	unsigned int i;

	out_res(&tick_cfg, &st, 0x43, 0x34, T0, &res);
	out_res(&tick_cfg, &st, 0x40, 0xa9, T0, &res);
	out_res(&tick_cfg, &st, 0x40, 0x04, T0, &res);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test, out_res(&tick_cfg, &st, 0x43, cmds[i],
						  at(10 + i), &res),
				    HLKVM_PIO_ABSORB, "0x43 <- %#x", cmds[i]);
	/* and the counts of channels 1 and 2 */
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x41, 0x10, at(20), &res),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x42, 0x10, at(20), &res),
			HLKVM_PIO_ABSORB);
	/* channel 0 still drives its tick: the next control word stops it */
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x43, 0x34, at(30), &res),
			HLKVM_PIO_PIT_TICK);
	KUNIT_EXPECT_EQ(test, res.period_ns, 0);
}

static void pio_pit_tick_one_shot_modes_stop_it(struct kunit *test)
{
	static const u8 one_shot_cw[] = { 0x30, 0x32, 0x38, 0x3a };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(one_shot_cw); i++) {
		struct hlkvm_port_state st = {};
		struct hlkvm_pio_result res;

		out_res(&tick_cfg, &st, 0x43, 0x34, T0, &res);
		out_res(&tick_cfg, &st, 0x40, 0xa9, T0, &res);
		out_res(&tick_cfg, &st, 0x40, 0x04, T0, &res);
		out_res(&tick_cfg, &st, 0x43, one_shot_cw[i], at(5), &res);
		out_res(&tick_cfg, &st, 0x40, 0xa9, at(5), &res);
		KUNIT_EXPECT_EQ_MSG(test, out_res(&tick_cfg, &st, 0x40, 0x04,
						  at(5), &res),
				    HLKVM_PIO_PIT_TICK, "cw %#x", one_shot_cw[i]);
		KUNIT_EXPECT_EQ_MSG(test, res.period_ns, 0, "cw %#x",
				    one_shot_cw[i]);
	}
}

/* The below-floor divisor is handed over as it is: timer.c clamps */
static void pio_pit_tick_hands_over_unclamped(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res;

	out_res(&tick_cfg, &st, 0x43, 0x14, T0, &res);	/* LSB only */
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x40, 12, T0, &res),
			HLKVM_PIO_PIT_TICK);
	KUNIT_EXPECT_EQ(test, res.period_ns, 10057);
}

static void pio_pit_tick_pv_timer_write_takes_over(struct kunit *test)
{
	const u8 period[4] = { 0xe8, 0x03, 0, 0 };	/* 1000 us */
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res;

	out_res(&tick_cfg, &st, 0x43, 0x34, T0, &res);
	out_res(&tick_cfg, &st, 0x40, 0xa9, T0, &res);
	KUNIT_ASSERT_EQ(test, out_res(&tick_cfg, &st, 0x40, 0x04, T0, &res),
			HLKVM_PIO_PIT_TICK);
	KUNIT_ASSERT_EQ(test, hlkvm_pio_out(&tick_cfg, &st, at(1),
					    HLKVM_PORT_PV_TIMER, 4, period,
					    &res), HLKVM_PIO_PERIOD);
	KUNIT_EXPECT_EQ(test, res.period_us, 1000u);
	KUNIT_EXPECT_TRUE(test, st.pit.irq0 & HLKVM_PIT_IRQ0_PV_OWNED);
	/* channel 0 still counts for the guest, but drives nothing */
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x43, 0x34, at(2), &res),
			HLKVM_PIO_ABSORB);
	out_res(&tick_cfg, &st, 0x40, 100, at(2), &res);
	KUNIT_EXPECT_EQ(test, out_res(&tick_cfg, &st, 0x40, 0, at(2), &res),
			HLKVM_PIO_ABSORB);
	outb_at(&tick_cfg, &st, 0x43, 0x00, mid(12));
	KUNIT_EXPECT_EQ(test, inb_at(&tick_cfg, &st, 0x40, mid(12)), 90);
}

/* Off by default: channel 0 is modelled all the same, and drives nothing */
static void pio_pit_tick_off_drives_nothing(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res;

	KUNIT_EXPECT_EQ(test, out_res(&all_cfg, &st, 0x43, 0x34, T0, &res),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, out_res(&all_cfg, &st, 0x40, 0xa9, T0, &res),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, out_res(&all_cfg, &st, 0x40, 0x04, T0, &res),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, res.period_ns, 0);
	KUNIT_EXPECT_EQ(test, hlkvm_pit_irq0_period_ns(&st.pit), 999847);
}

/* Without the PIT group the ports are the VMM's: nothing to drive */
static void pio_pit_tick_needs_the_pit_group(struct kunit *test)
{
	const struct hlkvm_port_cfg cfg = {
		.groups = __HLKVM_GROUP_F_ALL & ~HLKVM_GROUP_F_PIT,
		.timer_port = HLKVM_PORT_PV_TIMER,
		.pit_tick = true,
	};
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res;

	KUNIT_EXPECT_EQ(test, out_res(&cfg, &st, 0x43, 0x34, T0, &res),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, out_res(&cfg, &st, 0x40, 0xa9, T0, &res),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, out_res(&cfg, &st, 0x40, 0x04, T0, &res),
			HLKVM_PIO_PASS);
}

/* out 0x40, ax: channel 0's LSB-only count and channel 1's, in one */
static void pio_pit_tick_word_write_to_channels_0_and_1(struct kunit *test)
{
	const u8 counts[2] = { 120, 7 };
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res;

	out_res(&tick_cfg, &st, 0x43, 0x14, T0, &res);	/* ch0 LSB, mode 2 */
	out_res(&tick_cfg, &st, 0x43, 0x54, T0, &res);	/* ch1 LSB, mode 2 */
	KUNIT_EXPECT_EQ(test, hlkvm_pio_out(&tick_cfg, &st, at(3), 0x40, 2,
					    counts, &res), HLKVM_PIO_PIT_TICK);
	KUNIT_EXPECT_EQ(test, res.period_ns, 100571);
}

static struct kunit_case hlkvm_pit_test_cases[] = {
	KUNIT_CASE(pit_ticks_matches_kvm_formula),
	KUNIT_CASE_PARAM(pit_mode_count_and_out_per_clock, mode_gen_params),
	KUNIT_CASE(pit_count_zero_is_65536),
	KUNIT_CASE(pit_mode0_one_shot_rises_after_n_clocks),
	KUNIT_CASE(pit_count_before_load_time_reads_full),
	KUNIT_CASE(pit_unprogrammed_reads_zero_out_low),
	KUNIT_CASE(pit_unprogrammed_ignores_count_writes),
	KUNIT_CASE(pit_control_word_sets_initial_out),
	KUNIT_CASE(pit_control_word_stops_the_counter),
	KUNIT_CASE(pit_count_rewrite_restarts),
	KUNIT_CASE(pit_mode0_first_byte_stops_count_and_lowers_out),
	KUNIT_CASE(pit_access_lsb_only),
	KUNIT_CASE(pit_access_msb_only),
	KUNIT_CASE(pit_access_word_alternates),
	KUNIT_CASE(pit_read_and_write_flip_flops_are_separate),
	KUNIT_CASE(pit_latch_holds_until_read),
	KUNIT_CASE(pit_second_latch_before_read_ignored),
	KUNIT_CASE(pit_latch_follows_access_mode),
	KUNIT_CASE(pit_latch_is_per_channel),
	KUNIT_CASE(pit_control_word_drops_latches),
	KUNIT_CASE(pit_status_byte),
	KUNIT_CASE(pit_status_latch_holds_until_read),
	KUNIT_CASE(pit_readback_every_command),
	KUNIT_CASE(pit_readback_of_no_counter_latches_nothing),
	KUNIT_CASE(pit_gate_low_at_load_waits),
	KUNIT_CASE(pit_gate_low_pauses_modes_0_and_4),
	KUNIT_CASE(pit_gate_low_stops_modes_2_and_3_out_high),
	KUNIT_CASE(pit_gate_rising_edge_retriggers_modes_1_and_5),
	KUNIT_CASE(pit_gate_rising_before_count_does_nothing),
	KUNIT_CASE(pit_gate_only_on_channel_2),
	KUNIT_CASE(pit_port61_writable_bits_read_back),
	KUNIT_CASE(pit_port61_refresh_toggles_on_every_read),
	KUNIT_CASE(pit_port61_bit5_follows_out2),
	KUNIT_CASE(pio_linux_pit_calibrate_tsc_sees_out2_rise),
	KUNIT_CASE(pio_linux_quick_pit_calibrate_msb_counts_down),
	KUNIT_CASE(pio_channel0_rate_generator_latched_reads),
	KUNIT_CASE(pio_word_access_spans_two_channels),
	KUNIT_CASE(pio_speaker_group_off_ties_gate2_high),
	KUNIT_CASE(pio_pit_group_off_leaves_out2_low),
	KUNIT_CASE(pit_period_ns_rounds_to_nearest),
	KUNIT_CASE(pit_irq0_period_only_in_modes_2_and_3),
	KUNIT_CASE(pit_irq0_period_needs_a_counting_channel_0),
	KUNIT_CASE(pio_pit_tick_follows_channel_0),
	KUNIT_CASE(pio_pit_tick_latch_and_readback_change_nothing),
	KUNIT_CASE(pio_pit_tick_one_shot_modes_stop_it),
	KUNIT_CASE(pio_pit_tick_hands_over_unclamped),
	KUNIT_CASE(pio_pit_tick_pv_timer_write_takes_over),
	KUNIT_CASE(pio_pit_tick_off_drives_nothing),
	KUNIT_CASE(pio_pit_tick_needs_the_pit_group),
	KUNIT_CASE(pio_pit_tick_word_write_to_channels_0_and_1),
	{}
};

static struct kunit_suite hlkvm_pit_test_suite = {
	.name = "hlkvm_pit",
	.test_cases = hlkvm_pit_test_cases,
};

kunit_test_suite(hlkvm_pit_test_suite);
