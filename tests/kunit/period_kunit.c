// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the PV timer's period decoding and clamping
 * (kmod/period.c), alone and as the port table hands periods over.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include "../kmod/period.h"
#include "../kmod/ports.h"

static const struct hlkvm_period_bounds default_bounds = {
	.min_us = HLKVM_PERIOD_MIN_US,
	.max_us = HLKVM_PERIOD_MAX_US,
};

static const struct hlkvm_period_bounds custom_bounds = {
	.min_us = 1000,
	.max_us = 5000,
};

struct clamp_case {
	u32 req;
	u32 want;
	bool clamped;
};

static const struct clamp_case default_clamp_cases[] = {
	{ 0, 0, false },		/* stop stays stop */
	{ 1, 100, true },
	{ 99, 100, true },
	{ 100, 100, false },
	{ 101, 101, false },
	{ 1000, 1000, false },
	{ 9999999, 9999999, false },
	{ 10000000, 10000000, false },
	{ 10000001, 10000000, true },
	{ 0x7fffffff, 10000000, true },
	{ 0xffffffff, 10000000, true },
};

static const struct clamp_case custom_clamp_cases[] = {
	{ 0, 0, false },
	{ 1, 1000, true },
	{ 99, 1000, true },
	{ 100, 1000, true },
	{ 999, 1000, true },
	{ 1000, 1000, false },
	{ 4999, 4999, false },
	{ 5000, 5000, false },
	{ 5001, 5000, true },
	{ 10000000, 5000, true },
	{ 10000001, 5000, true },
	{ 0xffffffff, 5000, true },
};

static void clamp_case_desc(const struct clamp_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u us -> %u us%s", c->req,
		 c->want, c->clamped ? " (clamped)" : "");
}

KUNIT_ARRAY_PARAM(default_clamp, default_clamp_cases, clamp_case_desc);
KUNIT_ARRAY_PARAM(custom_clamp, custom_clamp_cases, clamp_case_desc);

static void check_clamp(struct kunit *test, const struct clamp_case *c,
			const struct hlkvm_period_bounds *b)
{
	/* Start from the wrong answer: the flag must be written either way */
	bool clamped = !c->clamped;

	KUNIT_EXPECT_EQ(test, hlkvm_period_clamp(c->req, b, &clamped), c->want);
	KUNIT_EXPECT_EQ(test, clamped, c->clamped);
}

static void period_clamp_default_bounds(struct kunit *test)
{
	check_clamp(test, test->param_value, &default_bounds);
}

static void period_clamp_custom_bounds(struct kunit *test)
{
	check_clamp(test, test->param_value, &custom_bounds);
}

static void period_decode_little_endian(struct kunit *test)
{
	static const struct {
		u8 b[4];
		u32 want;
	} rows[] = {
		{ { 0x00, 0x00, 0x00, 0x00 }, 0 },
		{ { 0x64, 0x00, 0x00, 0x00 }, 100 },
		{ { 0xe8, 0x03, 0x00, 0x00 }, 1000 },
		{ { 0x80, 0x96, 0x98, 0x00 }, 10000000 },
		{ { 0x78, 0x56, 0x34, 0x12 }, 0x12345678 },
		{ { 0x00, 0x00, 0x00, 0x80 }, 0x80000000 },
		{ { 0xff, 0xff, 0xff, 0xff }, 0xffffffff },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		KUNIT_EXPECT_EQ_MSG(test, hlkvm_period_decode(rows[i].b),
				    rows[i].want, "%*ph", 4, rows[i].b);
}

static void period_decode_any_alignment(struct kunit *test)
{
	u8 buf[8] = { 0xaa, 0x78, 0x56, 0x34, 0x12, 0xbb, 0xcc, 0xdd };
	unsigned int off;

	/* The guest's bytes arrive in KVM's buffer at no promised alignment */
	KUNIT_EXPECT_EQ(test, hlkvm_period_decode(buf + 1), 0x12345678u);
	for (off = 0; off <= 4; off++)
		KUNIT_EXPECT_EQ(test, hlkvm_period_decode(buf + off),
				(u32)buf[off] | (u32)buf[off + 1] << 8 |
				(u32)buf[off + 2] << 16 |
				(u32)buf[off + 3] << 24);
}

static void period_clamp_zero_means_stop_for_any_bounds(struct kunit *test)
{
	const struct hlkvm_period_bounds tight = { .min_us = 500, .max_us = 500 };
	bool clamped = true;

	KUNIT_EXPECT_EQ(test, hlkvm_period_clamp(0, &default_bounds, &clamped), 0u);
	KUNIT_EXPECT_FALSE(test, clamped);
	clamped = true;
	KUNIT_EXPECT_EQ(test, hlkvm_period_clamp(0, &tight, &clamped), 0u);
	KUNIT_EXPECT_FALSE(test, clamped);
}

static void period_clamp_min_equals_max_pins_period(struct kunit *test)
{
	const struct hlkvm_period_bounds tight = { .min_us = 500, .max_us = 500 };
	bool clamped;

	KUNIT_EXPECT_EQ(test, hlkvm_period_clamp(1, &tight, &clamped), 500u);
	KUNIT_EXPECT_TRUE(test, clamped);
	KUNIT_EXPECT_EQ(test, hlkvm_period_clamp(500, &tight, &clamped), 500u);
	KUNIT_EXPECT_FALSE(test, clamped);
	KUNIT_EXPECT_EQ(test, hlkvm_period_clamp(501, &tight, &clamped), 500u);
	KUNIT_EXPECT_TRUE(test, clamped);
}

static void period_clamp_result_always_within_bounds(struct kunit *test)
{
	u32 req = 1;
	bool clamped;

	/* Every power of two and its neighbours, for both bound pairs */
	while (req) {
		u32 r[3] = { req - 1, req, req + 1 };
		unsigned int i;

		for (i = 0; i < 3; i++) {
			u32 d = hlkvm_period_clamp(r[i], &default_bounds, &clamped);
			u32 c = hlkvm_period_clamp(r[i], &custom_bounds, &clamped);

			if (!r[i])
				continue;
			KUNIT_EXPECT_GE(test, d, default_bounds.min_us);
			KUNIT_EXPECT_LE(test, d, default_bounds.max_us);
			KUNIT_EXPECT_GE(test, c, custom_bounds.min_us);
			KUNIT_EXPECT_LE(test, c, custom_bounds.max_us);
		}
		req <<= 1;
	}
}

static void period_bounds_valid_accepts_edges(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, hlkvm_period_bounds_valid(HLKVM_PERIOD_MIN_US,
							  HLKVM_PERIOD_MAX_US));
	KUNIT_EXPECT_TRUE(test, hlkvm_period_bounds_valid(100, 100));
	KUNIT_EXPECT_TRUE(test, hlkvm_period_bounds_valid(10000000, 10000000));
	KUNIT_EXPECT_TRUE(test, hlkvm_period_bounds_valid(1000, 5000));
}

static void period_bounds_valid_rejects_outside_or_inverted(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, hlkvm_period_bounds_valid(99, 1000));
	KUNIT_EXPECT_FALSE(test, hlkvm_period_bounds_valid(0, 1000));
	KUNIT_EXPECT_FALSE(test, hlkvm_period_bounds_valid(100, 10000001));
	KUNIT_EXPECT_FALSE(test, hlkvm_period_bounds_valid(100, 0xffffffff));
	KUNIT_EXPECT_FALSE(test, hlkvm_period_bounds_valid(5000, 1000));
	KUNIT_EXPECT_FALSE(test, hlkvm_period_bounds_valid(101, 100));
	KUNIT_EXPECT_FALSE(test, hlkvm_period_bounds_valid(0, 0));
}

static void period_three_byte_timer_write_is_not_a_period(struct kunit *test)
{
	const struct hlkvm_port_cfg cfg = {
		.groups = __HLKVM_GROUP_F_ALL,
		.timer_port = HLKVM_PORT_PV_TIMER,
	};
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res = { .period_us = 0xdead };
	u8 buf[4] = { 0xe8, 0x03, 0x00, 0x00 };
	unsigned int len;

	for (len = 1; len <= 3; len++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    hlkvm_pio_out(&cfg, &st, 0,
						  HLKVM_PORT_PV_TIMER, len, buf,
						  &res),
				    HLKVM_PIO_PASS, "len %u", len);
		KUNIT_EXPECT_EQ(test, res.period_us, 0xdeadu);
	}
}

static void period_timer_write_hands_over_unclamped(struct kunit *test)
{
	static const u32 reqs[] = { 0, 1, 99, 10000001, 0xffffffff };
	const struct hlkvm_port_cfg cfg = {
		.groups = __HLKVM_GROUP_F_ALL,
		.timer_port = HLKVM_PORT_PV_TIMER,
	};
	struct hlkvm_port_state st = {};
	unsigned int i;

	/* The glue clamps with the bounds in force and counts the clamp */
	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		struct hlkvm_pio_result res = {};
		u8 buf[4] = { reqs[i], reqs[i] >> 8, reqs[i] >> 16,
			      reqs[i] >> 24 };

		KUNIT_EXPECT_EQ(test, hlkvm_pio_out(&cfg, &st, 0,
						    HLKVM_PORT_PV_TIMER, 4,
						    buf, &res),
				HLKVM_PIO_PERIOD);
		KUNIT_EXPECT_EQ(test, res.period_us, reqs[i]);
	}
}

static void period_ns_does_not_overflow(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, hlkvm_period_ns(0), 0ull);
	KUNIT_EXPECT_EQ(test, hlkvm_period_ns(100), 100000ull);
	/* 10 s does not fit in 32 bits of nanoseconds */
	KUNIT_EXPECT_EQ(test, hlkvm_period_ns(HLKVM_PERIOD_MAX_US),
			10000000000ull);
	KUNIT_EXPECT_EQ(test, hlkvm_period_ns(0xffffffff), 4294967295000ull);
}

/* Channel 0's periods (ns) clamp to the same microsecond bounds */
static void period_clamp_ns_same_bounds_as_us(struct kunit *test)
{
	const struct hlkvm_period_bounds def = {
		HLKVM_PERIOD_MIN_US, HLKVM_PERIOD_MAX_US };
	const struct hlkvm_period_bounds narrow = { 1000, 2000 };
	static const struct {
		const char *what;
		bool narrow;
		u64 req, want;
		bool clamped;
	} rows[] = {
		{ "0 stops", false, 0, 0, false },
		{ "divisor 1", false, 838, 100000, true },
		{ "divisor 12", false, 10057, 100000, true },
		{ "divisor 119", false, 99733, 100000, true },
		{ "exactly the floor", false, 100000, 100000, false },
		{ "divisor 120", false, 100571, 100571, false },
		{ "divisor 65536", false, 54925401, 54925401, false },
		{ "above max", false, 10000000001ULL, 10000000000ULL, true },
		{ "narrow: 1 ms less 153 ns", true, 999847, 1000000, true },
		{ "narrow: divisor 2386", true, 1999695, 1999695, false },
		{ "narrow: divisor 65536", true, 54925401, 2000000, true },
		{ "narrow: 0 stops", true, 0, 0, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		bool clamped = !rows[i].clamped;

		KUNIT_EXPECT_EQ_MSG(test,
				    hlkvm_period_clamp_ns(rows[i].req,
							  rows[i].narrow ?
							  &narrow : &def,
							  &clamped),
				    rows[i].want, "%s", rows[i].what);
		KUNIT_EXPECT_EQ_MSG(test, clamped, rows[i].clamped, "%s",
				    rows[i].what);
	}
}

static struct kunit_case hlkvm_period_test_cases[] = {
	KUNIT_CASE(period_decode_little_endian),
	KUNIT_CASE(period_decode_any_alignment),
	KUNIT_CASE(period_clamp_zero_means_stop_for_any_bounds),
	KUNIT_CASE(period_clamp_min_equals_max_pins_period),
	KUNIT_CASE(period_clamp_result_always_within_bounds),
	KUNIT_CASE(period_bounds_valid_accepts_edges),
	KUNIT_CASE(period_bounds_valid_rejects_outside_or_inverted),
	KUNIT_CASE(period_three_byte_timer_write_is_not_a_period),
	KUNIT_CASE(period_timer_write_hands_over_unclamped),
	KUNIT_CASE(period_ns_does_not_overflow),
	KUNIT_CASE(period_clamp_ns_same_bounds_as_us),
	KUNIT_CASE_PARAM(period_clamp_default_bounds, default_clamp_gen_params),
	KUNIT_CASE_PARAM(period_clamp_custom_bounds, custom_clamp_gen_params),
	{}
};

static struct kunit_suite hlkvm_period_test_suite = {
	.name = "hlkvm_period",
	.test_cases = hlkvm_period_test_cases,
};

kunit_test_suite(hlkvm_period_test_suite);
