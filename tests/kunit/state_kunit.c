// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of a VM's saved state (kmod/state.c): times leave as
 * relative and come back against the new clock, the 8254 reads after a
 * restore as it would have read at the save, KVM's 8259 as hlkvm follows
 * it (version 2) goes on from where it was, a version 1 state still
 * restores, and every malformed field is refused with its own message,
 * leaving the destination untouched.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "../kmod/ports.h"
#include "../kmod/state.h"
#include "../kmod/ticks.h"

#define MS		1000000ULL
/* Two clocks far apart: the saving host's and the restoring one's */
#define SAVE_NOW	(5000 * MS)
#define LOAD_NOW	(123 * MS)

/* A VM on KVM's full irqchip, whose 8259 hlkvm follows */
static const struct hlkvm_state_limits limits = {
	.bounds = { .min_us = HLKVM_PERIOD_MIN_US,
		    .max_us = HLKVM_PERIOD_MAX_US },
	.backlog_max = HLKVM_BACKLOG_DEFAULT,
	.pic_watch = true,
};

/* hlkvm_state_save() of @pit, with KVM's 8259 never programmed */
static void save_pit(struct hlkvm_vm_state *s,
		     const struct hlkvm_state_timer *t,
		     const struct hlkvm_pit_state *pit, u64 now_ns)
{
	struct hlkvm_port_state pst = { .pit = *pit };

	hlkvm_state_save(s, t, &pst, now_ns);
}

/* hlkvm_state_load() of a state without 8259 fields, its 8254 into @pit */
static int load_pit(struct kunit *test, const struct hlkvm_vm_state *s,
		    struct hlkvm_state_timer *t, struct hlkvm_pit_state *pit,
		    const char **why)
{
	struct hlkvm_port_state pst;
	int ret;

	ret = hlkvm_state_load(s, sizeof(*s), &limits, LOAD_NOW, t, &pst, why);
	if (ret)
		return ret;
	KUNIT_EXPECT_EQ(test, pst.pic.init_state, (u8)HLKVM_PIC_INIT_NONE);
	KUNIT_EXPECT_FALSE(test, pst.pic.auto_eoi);
	*pit = pst.pit;
	return 0;
}

/* A 1 ms timer due 300 us after SAVE_NOW, a tick in service, 2 owed */
static void running_timer(struct hlkvm_state_timer *t)
{
	*t = (struct hlkvm_state_timer){
		.running = true,
		.policy = HLKVM_TIMER_CATCHUP,
		.requested_us = 1000,
		.period_us = 1000,
		.next_ns = SAVE_NOW + 300000,
		.backlog = 2,
		.outstanding = 1,
	};
}

static void valid_state(struct hlkvm_vm_state *s)
{
	struct hlkvm_state_timer t;
	struct hlkvm_pit_state pit = {};

	running_timer(&t);
	save_pit(s, &t, &pit, SAVE_NOW);
}

static void state_save_makes_times_relative(struct kunit *test)
{
	struct hlkvm_vm_state s;

	valid_state(&s);
	KUNIT_EXPECT_EQ(test, s.version, (u32)HLKVM_STATE_VERSION);
	KUNIT_EXPECT_EQ(test, s.size, (u32)sizeof(s));
	KUNIT_EXPECT_EQ(test, s.timer_flags, (u32)HLKVM_STATE_TIMER_F_RUNNING);
	KUNIT_EXPECT_EQ(test, s.requested_us, 1000u);
	KUNIT_EXPECT_EQ(test, s.period_us, 1000u);
	KUNIT_EXPECT_EQ(test, s.next_tick_ns, 300000ull);
	KUNIT_EXPECT_EQ(test, s.backlog, 2u);
	KUNIT_EXPECT_EQ(test, s.outstanding, 1u);
}

static void state_load_rebases_on_new_clock(struct kunit *test)
{
	struct hlkvm_state_timer t;
	struct hlkvm_pit_state pit;
	struct hlkvm_vm_state s;
	const char *why = NULL;

	valid_state(&s);
	KUNIT_ASSERT_EQ(test, load_pit(test, &s, &t, &pit, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_TRUE(test, t.running);
	KUNIT_EXPECT_EQ(test, t.next_ns, LOAD_NOW + 300000);
	KUNIT_EXPECT_EQ(test, t.period_us, 1000u);
	KUNIT_EXPECT_EQ(test, t.backlog, 2u);
	KUNIT_EXPECT_EQ(test, t.outstanding, 1u);
}

static void state_save_bounds_next_tick(struct kunit *test)
{
	struct hlkvm_state_timer t;
	struct hlkvm_pit_state pit = {};
	struct hlkvm_vm_state s;

	running_timer(&t);
	/* An expiry already past (its callback not yet run) is due now */
	t.next_ns = SAVE_NOW - 1;
	save_pit(&s, &t, &pit, SAVE_NOW);
	KUNIT_EXPECT_EQ(test, s.next_tick_ns, 0ull);
	/* Never more than a period away, whatever the clock said */
	t.next_ns = SAVE_NOW + 10 * MS;
	save_pit(&s, &t, &pit, SAVE_NOW);
	KUNIT_EXPECT_EQ(test, s.next_tick_ns, 1 * MS);
}

static void state_save_stopped_keeps_only_the_tick_in_service(struct kunit *test)
{
	struct hlkvm_state_timer t;
	struct hlkvm_pit_state pit = {};
	struct hlkvm_vm_state s;
	const char *why;

	running_timer(&t);
	t.running = false;	/* stopped inside its tick handler */
	t.period_us = 0;
	save_pit(&s, &t, &pit, SAVE_NOW);
	KUNIT_EXPECT_EQ(test, s.timer_flags, 0u);
	KUNIT_EXPECT_EQ(test, s.period_us, 0u);
	KUNIT_EXPECT_EQ(test, s.next_tick_ns, 0ull);
	KUNIT_EXPECT_EQ(test, s.backlog, 0u);
	KUNIT_EXPECT_EQ(test, s.outstanding, 1u);
	KUNIT_EXPECT_EQ(test, s.requested_us, 1000u);
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(&s, sizeof(s), &limits, &why),
			0);
}

/*
 * Program each channel, save after a while, restore on a clock far away:
 * every later read and OUT is the one the original would have given.
 */
static void state_pit_reads_on_after_restore(struct kunit *test)
{
	static const u8 modes[HLKVM_PIT_CHANNELS] = { 0x34, 0x70, 0xb6 };
	static const u16 counts[HLKVM_PIT_CHANNELS] = { 11932, 50000, 1193 };
	struct hlkvm_pit_state a = {}, b;
	struct hlkvm_state_timer t = {};
	struct hlkvm_vm_state s;
	const char *why;
	unsigned int ch, i;
	u64 t0 = 1000 * MS;

	hlkvm_pit_port61_write(&a, HLKVM_STATE_PORT61_GATE2, t0);
	for (ch = 0; ch < HLKVM_PIT_CHANNELS; ch++) {
		hlkvm_pit_write(&a, 3, modes[ch], t0);
		hlkvm_pit_write(&a, ch, counts[ch] & 0xff, t0);
		hlkvm_pit_write(&a, ch, counts[ch] >> 8, t0 + ch * 1000);
	}
	save_pit(&s, &t, &a, t0 + 7 * MS);
	KUNIT_ASSERT_EQ(test, load_pit(test, &s, &t, &b, &why), 0);
	for (i = 0; i < 50; i++) {
		u64 d = i * 123457;

		for (ch = 0; ch < HLKVM_PIT_CHANNELS; ch++) {
			KUNIT_EXPECT_EQ_MSG(test,
					    hlkvm_pit_out(&b, ch, LOAD_NOW + d),
					    hlkvm_pit_out(&a, ch, t0 + 7 * MS + d),
					    "channel %u OUT, %llu ns on", ch, d);
			/* LSB then MSB: both flip-flops advance alike */
			KUNIT_EXPECT_EQ_MSG(test,
					    hlkvm_pit_read(&b, ch, LOAD_NOW + d),
					    hlkvm_pit_read(&a, ch, t0 + 7 * MS + d),
					    "channel %u read, %llu ns on", ch, d);
		}
	}
	KUNIT_EXPECT_EQ(test, hlkvm_pit_port61_read(&b, LOAD_NOW),
			hlkvm_pit_port61_read(&a, t0 + 7 * MS));
}

static void state_pit_older_than_the_clock_counts_from_its_origin(struct kunit *test)
{
	struct hlkvm_pit_state a = {}, b;
	struct hlkvm_state_timer t = {};
	struct hlkvm_vm_state s;
	const char *why;

	hlkvm_pit_write(&a, 3, 0x34, 0);
	hlkvm_pit_write(&a, 0, 0, 0);
	hlkvm_pit_write(&a, 0, 0, 0);
	save_pit(&s, &t, &a, SAVE_NOW);
	KUNIT_EXPECT_EQ(test, s.pit[0].elapsed_ns, SAVE_NOW);
	KUNIT_ASSERT_EQ(test, load_pit(test, &s, &t, &b, &why), 0);
	KUNIT_EXPECT_EQ(test, b.ch[0].start_ns, 0ull);
	KUNIT_EXPECT_TRUE(test, b.ch[0].flags & HLKVM_PIT_F_COUNTING);
}

/* Channel 0 in mode 2 with 1193: a period of 999847 ns, not 1 ms */
static void pit_sourced(struct hlkvm_state_timer *t, struct hlkvm_pit_state *pit)
{
	memset(pit, 0, sizeof(*pit));
	hlkvm_pit_write(pit, 3, 0x34, SAVE_NOW - MS);
	hlkvm_pit_write(pit, 0, 1193 & 0xff, SAVE_NOW - MS);
	hlkvm_pit_write(pit, 0, 1193 >> 8, SAVE_NOW - MS);
	running_timer(t);
	t->source = HLKVM_TIMER_SRC_PIT;
	t->period_ns = hlkvm_pit_irq0_period_ns(pit);
}

static void state_pit_source_restores_channel_0s_period(struct kunit *test)
{
	struct hlkvm_state_timer t, r;
	struct hlkvm_pit_state pit, b;
	struct hlkvm_vm_state s;
	const char *why = NULL;

	pit_sourced(&t, &pit);
	KUNIT_ASSERT_NE(test, t.period_ns, 1000000ull);
	save_pit(&s, &t, &pit, SAVE_NOW);
	KUNIT_EXPECT_EQ(test, s.timer_source, (u8)HLKVM_TIMER_SRC_PIT);
	KUNIT_ASSERT_EQ(test, load_pit(test, &s, &r, &b, &why), 0);
	KUNIT_EXPECT_EQ(test, r.source, (u32)HLKVM_TIMER_SRC_PIT);
	KUNIT_EXPECT_EQ(test, r.period_us, 1000u);
	KUNIT_EXPECT_EQ(test, r.period_ns, t.period_ns);

	/* A period_us that is not channel 0's is refused */
	s.period_us = 2000;
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(&s, sizeof(s), &limits, &why),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "state: period_us is not channel 0's period");
}

static void state_keeps_the_pv_timers_claim_on_irq0(struct kunit *test)
{
	struct hlkvm_state_timer t, r;
	struct hlkvm_pit_state pit = {}, b;
	struct hlkvm_vm_state s;
	const char *why = NULL;

	running_timer(&t);
	pit.irq0 = HLKVM_PIT_IRQ0_PV_OWNED;
	save_pit(&s, &t, &pit, SAVE_NOW);
	KUNIT_EXPECT_EQ(test, s.pit_irq0, (u8)HLKVM_STATE_PIT_IRQ0_PV_OWNED);
	KUNIT_ASSERT_EQ(test, load_pit(test, &s, &r, &b, &why), 0);
	KUNIT_EXPECT_EQ(test, b.irq0, (u8)HLKVM_PIT_IRQ0_PV_OWNED);
	KUNIT_EXPECT_EQ(test, r.source, (u32)HLKVM_TIMER_SRC_PV);
	KUNIT_EXPECT_EQ(test, r.period_ns, 1000000ull);
}

/* --- KVM's master 8259, as hlkvm follows it (version 2) --- */

static const struct hlkvm_port_cfg kvm_pic_cfg = {
	.groups = __HLKVM_GROUP_F_ALL & ~HLKVM_GROUP_F_PIC,
	.timer_port = HLKVM_PORT_PV_TIMER,
	.pic_watch = true,
};

/* An auto-EOI guest's master ICWs, one byte each, as aeoi.elf sends them */
static const struct {
	u16 port;
	u8 v;
} aeoi_icws[] = {
	{ HLKVM_PORT_PIC_MASTER_CMD, 0x11 },	/* ICW1: IC4 */
	{ HLKVM_PORT_PIC_MASTER_DATA, 0x20 },	/* ICW2: vector base */
	{ HLKVM_PORT_PIC_MASTER_DATA, 0x04 },	/* ICW3 */
	{ HLKVM_PORT_PIC_MASTER_DATA, 0x03 },	/* ICW4: 8086, AEOI */
	{ HLKVM_PORT_PIC_MASTER_DATA, 0xfe },	/* OCW1: IRQ0 only */
};

static enum hlkvm_pio_verdict icw_out(struct hlkvm_port_state *pst,
				      unsigned int i, bool *auto_eoi)
{
	struct hlkvm_pio_result res = {};
	enum hlkvm_pio_verdict got;

	got = hlkvm_pio_out(&kvm_pic_cfg, pst, SAVE_NOW, aeoi_icws[i].port, 1,
			    &aeoi_icws[i].v, &res);
	if (got == HLKVM_PIO_PIC_MODE)
		*auto_eoi = res.auto_eoi;
	return got;
}

/*
 * Saved after each byte of the sequence and restored far away: the rest
 * of it then does to the restored 8259 what it does to the original
 * (the same verdict at each byte, the same auto-EOI mode at the end).
 */
static void state_8259_sequence_goes_on_after_restore(struct kunit *test)
{
	unsigned int cut, i;

	for (cut = 0; cut <= ARRAY_SIZE(aeoi_icws); cut++) {
		struct hlkvm_port_state a = {}, b;
		struct hlkvm_state_timer t = {}, r;
		bool aeoi_a = false, aeoi_b;
		struct hlkvm_vm_state s;
		const char *why = NULL;

		for (i = 0; i < cut; i++)
			icw_out(&a, i, &aeoi_a);
		hlkvm_state_save(&s, &t, &a, SAVE_NOW);
		KUNIT_EXPECT_EQ_MSG(test, s.pic_init, a.pic.init_state,
				    "cut after %u bytes", cut);
		KUNIT_ASSERT_EQ_MSG(test,
				    hlkvm_state_load(&s, sizeof(s), &limits,
						     LOAD_NOW, &r, &b, &why),
				    0, "cut after %u bytes: %s", cut, why);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&b.pic, &a.pic, sizeof(a.pic)),
				    0, "cut after %u bytes", cut);
		aeoi_b = b.pic.auto_eoi;
		for (i = cut; i < ARRAY_SIZE(aeoi_icws); i++)
			KUNIT_EXPECT_EQ_MSG(test, icw_out(&b, i, &aeoi_b),
					    icw_out(&a, i, &aeoi_a),
					    "cut after %u bytes, byte %u", cut,
					    i);
		KUNIT_EXPECT_TRUE_MSG(test, aeoi_a, "cut after %u bytes", cut);
		KUNIT_EXPECT_TRUE_MSG(test, aeoi_b, "cut after %u bytes", cut);
	}
}

static void state_8259_flags_round_trip(struct kunit *test)
{
	static const struct hlkvm_pic_watch pics[] = {
		{ HLKVM_PIC_INIT_NONE, false, false },
		{ HLKVM_PIC_INIT_NONE, true, true },
		{ HLKVM_PIC_INIT_NONE, true, false },
		{ HLKVM_PIC_INIT_ICW2, false, false },
		{ HLKVM_PIC_INIT_ICW2, true, true },
		{ HLKVM_PIC_INIT_ICW3, true, true },
		{ HLKVM_PIC_INIT_ICW4, true, false },
		{ HLKVM_PIC_INIT_ICW4, true, true },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pics); i++) {
		struct hlkvm_port_state a = { .pic = pics[i] }, b;
		struct hlkvm_state_timer t;
		struct hlkvm_vm_state s;
		const char *why = NULL;

		running_timer(&t);
		hlkvm_state_save(&s, &t, &a, SAVE_NOW);
		KUNIT_EXPECT_EQ_MSG(test, s.pic_init, pics[i].init_state,
				    "row %u", i);
		KUNIT_EXPECT_EQ_MSG(test, s.pic_flags,
				    (u8)((pics[i].init4 ?
					  HLKVM_STATE_PIC_F_IC4 : 0) |
					 (pics[i].auto_eoi ?
					  HLKVM_STATE_PIC_F_AUTO_EOI : 0)),
				    "row %u", i);
		KUNIT_ASSERT_EQ_MSG(test,
				    hlkvm_state_load(&s, sizeof(s), &limits,
						     LOAD_NOW, &t, &b, &why),
				    0, "row %u: %s", i, why);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&b.pic, &pics[i],
						 sizeof(b.pic)), 0,
				    "row %u", i);
	}
}

/*
 * A version 1 state (what a version 1 module or fallback wrote, and the
 * snapshot files holding it) is the first 144 bytes of version 2: it
 * restores, its 8259 with no initialisation and auto-EOI off
 */
static void state_version_1_restores_without_auto_eoi(struct kunit *test)
{
	struct hlkvm_state_limits split = limits;
	struct hlkvm_port_state a = {}, b;
	struct hlkvm_state_timer t, r;
	u8 v1[144], v1_long[144 + 8];
	struct hlkvm_vm_state s;
	const char *why = NULL;

	a.pic = (struct hlkvm_pic_watch){ HLKVM_PIC_INIT_NONE, true, true };
	running_timer(&t);
	hlkvm_state_save(&s, &t, &a, SAVE_NOW);
	KUNIT_ASSERT_EQ(test, offsetof(struct hlkvm_vm_state, pic_init),
			sizeof(v1));
	s.version = 1;
	s.size = sizeof(v1);
	memcpy(v1, &s, sizeof(v1));
	memset(&b, 0x5a, sizeof(b));
	KUNIT_ASSERT_EQ(test, hlkvm_state_load(v1, sizeof(v1), &limits,
					       LOAD_NOW, &r, &b, &why), 0);
	KUNIT_EXPECT_EQ(test, b.pic.init_state, (u8)HLKVM_PIC_INIT_NONE);
	KUNIT_EXPECT_FALSE(test, b.pic.init4);
	KUNIT_EXPECT_FALSE(test, b.pic.auto_eoi);
	KUNIT_EXPECT_EQ(test, r.period_us, 1000u);
	KUNIT_EXPECT_EQ(test, r.outstanding, 1u);
	/* ... and on the split irqchip too: its zeros are no 8259 state */
	split.pic_watch = false;
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(v1, sizeof(v1), &split, &why),
			0);
	/* A version 1 blob is exactly 144 bytes, not 152 */
	memcpy(v1_long, &s, sizeof(v1_long));
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(v1_long, sizeof(v1_long),
						&limits, &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why,
			   "state: length does not match its size field");
}

/* hlkvm follows no 8259 on the split irqchip: it is hlkvm's own there */
static void state_8259_refused_on_the_split_irqchip(struct kunit *test)
{
	struct hlkvm_state_limits split = limits;
	struct hlkvm_port_state a = {};
	struct hlkvm_state_timer t;
	struct hlkvm_vm_state s;
	const char *why = NULL;

	split.pic_watch = false;
	running_timer(&t);
	hlkvm_state_save(&s, &t, &a, SAVE_NOW);
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(&s, sizeof(s), &split, &why),
			0);
	a.pic = (struct hlkvm_pic_watch){ HLKVM_PIC_INIT_NONE, true, true };
	hlkvm_state_save(&s, &t, &a, SAVE_NOW);
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(&s, sizeof(s), &split, &why),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, why,
			   "state: pic_init or pic_flags set on the split irqchip");
	a.pic = (struct hlkvm_pic_watch){ HLKVM_PIC_INIT_ICW2, false, false };
	hlkvm_state_save(&s, &t, &a, SAVE_NOW);
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(&s, sizeof(s), &split, &why),
			-EINVAL);
}

/* One malformed field per row, its errno and its own message */
struct bad_state_case {
	const char *desc;
	void (*spoil)(struct hlkvm_vm_state *s);
	int err;
	const char *why;
};

#define SPOIL(name, stmt) \
	static void spoil_##name(struct hlkvm_vm_state *s) { stmt; }

SPOIL(version0, s->version = 0)
SPOIL(future, s->version = HLKVM_STATE_VERSION + 1)
SPOIL(size, s->size = sizeof(*s) - 8)
SPOIL(reserved, s->reserved[3] = 1)
SPOIL(port61, s->port61 = 0x80)
SPOIL(tflags, s->timer_flags = 0x2 | HLKVM_STATE_TIMER_F_RUNNING)
SPOIL(policy, s->policy = __HLKVM_TIMER_POLICY_COUNT)
SPOIL(outstanding, s->outstanding = 2)
SPOIL(req0, s->requested_us = 0)
SPOIL(period_low, s->period_us = HLKVM_PERIOD_MIN_US - 1)
SPOIL(period_high, s->period_us = HLKVM_PERIOD_MAX_US + 1)
SPOIL(next_tick, s->next_tick_ns = 1 * MS + 1)
SPOIL(skip_backlog, s->policy = HLKVM_TIMER_SKIP)
SPOIL(backlog, s->backlog = HLKVM_BACKLOG_DEFAULT + 1)
/* Stopped timers: everything of a running one cleared but one field */
SPOIL(stopped_period, s->timer_flags = 0; s->next_tick_ns = 0; s->backlog = 0)
SPOIL(stopped_next, s->timer_flags = 0; s->period_us = 0; s->backlog = 0)
SPOIL(stopped_backlog, s->timer_flags = 0; s->period_us = 0; s->next_tick_ns = 0)
SPOIL(cw_high, s->pit[1].cw = 0x40)
SPOIL(cw_latch, s->pit[2].cw = 0x04)
SPOIL(pit_flags, s->pit[0].flags = 0x80)
SPOIL(latched, s->pit[1].latched = 4)
SPOIL(elapsed, s->pit[2].elapsed_ns = 1)
SPOIL(pit_reserved, s->pit[0].reserved[4] = 1)
SPOIL(timer_source, s->timer_source = __HLKVM_TIMER_SRC_COUNT)
SPOIL(pit_irq0, s->pit_irq0 = 0x80)
/* valid_state()'s channel 0 was never programmed */
SPOIL(pit_source_idle, s->timer_source = HLKVM_TIMER_SRC_PIT)
SPOIL(pic_init, s->pic_init = __HLKVM_STATE_PIC_INIT_MAX + 1)
SPOIL(pic_flags, s->pic_flags = HLKVM_STATE_PIC_F_IC4 | 0x04)
SPOIL(pic_icw4_no_ic4, s->pic_init = HLKVM_STATE_PIC_INIT_ICW4)
SPOIL(pic_aeoi_no_ic4, s->pic_flags = HLKVM_STATE_PIC_F_AUTO_EOI)
SPOIL(reserved2, s->reserved2[5] = 1)

static const struct bad_state_case bad_state_cases[] = {
	{ "version 0", spoil_version0, -EINVAL, "state: version is 0" },
	{ "future version", spoil_future, -EOPNOTSUPP,
	  "state: version is newer than this hlkvm knows" },
	{ "size", spoil_size, -EINVAL,
	  "state: size does not match its version" },
	{ "reserved", spoil_reserved, -EINVAL, "state: reserved is not 0" },
	{ "port61", spoil_port61, -EINVAL,
	  "state: port61 has bits port 0x61 does not keep" },
	{ "timer flags", spoil_tflags, -EINVAL,
	  "state: timer_flags has unknown bits" },
	{ "policy", spoil_policy, -EINVAL,
	  "state: policy is not a timer policy" },
	{ "outstanding", spoil_outstanding, -EINVAL,
	  "state: outstanding is more than one tick" },
	{ "requested 0", spoil_req0, -EINVAL,
	  "state: requested_us is 0 on a running timer" },
	{ "period below clamp", spoil_period_low, -ERANGE,
	  "state: period_us is outside the period clamp in force" },
	{ "period above clamp", spoil_period_high, -ERANGE,
	  "state: period_us is outside the period clamp in force" },
	{ "next tick", spoil_next_tick, -EINVAL,
	  "state: next_tick_ns is longer than the period" },
	{ "skip backlog", spoil_skip_backlog, -EINVAL,
	  "state: backlog is set with the skip policy" },
	{ "backlog bound", spoil_backlog, -ERANGE,
	  "state: backlog exceeds the VM's backlog bound" },
	{ "stopped period", spoil_stopped_period, -EINVAL,
	  "state: period_us is set on a stopped timer" },
	{ "stopped next", spoil_stopped_next, -EINVAL,
	  "state: next_tick_ns is set on a stopped timer" },
	{ "stopped backlog", spoil_stopped_backlog, -EINVAL,
	  "state: backlog is set on a stopped timer" },
	{ "cw bits 7-6", spoil_cw_high, -EINVAL,
	  "state: pit[1].cw is not a control word" },
	{ "cw access 0", spoil_cw_latch, -EINVAL,
	  "state: pit[2].cw is not a control word" },
	{ "pit flags", spoil_pit_flags, -EINVAL,
	  "state: pit[0].flags has unknown bits" },
	{ "latched", spoil_latched, -EINVAL,
	  "state: pit[1].latched is not an access mode (0-3)" },
	{ "elapsed", spoil_elapsed, -EINVAL,
	  "state: pit[2].elapsed_ns is set on a counter not counting" },
	{ "pit reserved", spoil_pit_reserved, -EINVAL,
	  "state: pit[0].reserved is not 0" },
	{ "timer source", spoil_timer_source, -EINVAL,
	  "state: timer_source is not a timer source" },
	{ "pit irq0", spoil_pit_irq0, -EINVAL,
	  "state: pit_irq0 has unknown bits" },
	{ "pit source, channel 0 idle", spoil_pit_source_idle, -EINVAL,
	  "state: timer_source is pit, but channel 0 counts in no periodic mode" },
	{ "pic init step", spoil_pic_init, -EINVAL,
	  "state: pic_init is not an initialisation step (0-3)" },
	{ "pic flags", spoil_pic_flags, -EINVAL,
	  "state: pic_flags has unknown bits" },
	{ "pic ICW4 awaited, no IC4", spoil_pic_icw4_no_ic4, -EINVAL,
	  "state: pic_init awaits ICW4, but pic_flags has no IC4" },
	{ "pic auto-EOI, no IC4", spoil_pic_aeoi_no_ic4, -EINVAL,
	  "state: pic_flags has AUTO_EOI without IC4" },
	{ "reserved2", spoil_reserved2, -EINVAL, "state: reserved2 is not 0" },
};

static void bad_state_desc(const struct bad_state_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_state, bad_state_cases, bad_state_desc);

static void state_load_refuses_each_bad_field(struct kunit *test)
{
	const struct bad_state_case *c = test->param_value;
	struct hlkvm_port_state pst, pst0;
	struct hlkvm_state_timer t, t0;
	struct hlkvm_vm_state s;
	const char *why = NULL;

	valid_state(&s);
	c->spoil(&s);
	memset(&t, 0x5a, sizeof(t));
	memset(&pst, 0x5a, sizeof(pst));
	t0 = t;
	pst0 = pst;
	KUNIT_EXPECT_EQ(test, hlkvm_state_load(&s, sizeof(s), &limits,
					       LOAD_NOW, &t, &pst, &why),
			c->err);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_STREQ(test, why, c->why);
	KUNIT_EXPECT_EQ(test, memcmp(&t, &t0, sizeof(t)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&pst, &pst0, sizeof(pst)), 0);
}

static void state_check_refuses_wrong_lengths(struct kunit *test)
{
	struct hlkvm_vm_state s;
	u8 big[sizeof(s) + 4] = {};
	const char *why;

	valid_state(&s);
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(&s, 7, &limits, &why),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, why,
			   "state: shorter than its version and size");
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(&s, sizeof(s) - 1, &limits,
						&why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why,
			   "state: length does not match its size field");
	memcpy(big, &s, sizeof(s));
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(big, sizeof(big), &limits,
						&why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why,
			   "state: length does not match its size field");
}

static void state_check_reads_unaligned_buffers(struct kunit *test)
{
	struct hlkvm_vm_state s;
	u8 buf[sizeof(s) + 1];
	const char *why = NULL;

	valid_state(&s);
	memcpy(buf + 1, &s, sizeof(s));
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(buf + 1, sizeof(s), &limits,
						&why), 0);
}

static void state_backlog_bound_is_the_restoring_vms(struct kunit *test)
{
	struct hlkvm_state_limits tight = limits;
	struct hlkvm_vm_state s;
	const char *why;

	valid_state(&s);
	tight.backlog_max = 2;
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(&s, sizeof(s), &tight, &why),
			0);
	tight.backlog_max = 1;
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(&s, sizeof(s), &tight, &why),
			-ERANGE);
	/* The clamp in force where it is restored, not where it was saved */
	tight = limits;
	tight.bounds.min_us = 2000;
	KUNIT_EXPECT_EQ(test, hlkvm_state_check(&s, sizeof(s), &tight, &why),
			-ERANGE);
}

static struct kunit_case hlkvm_state_test_cases[] = {
	KUNIT_CASE(state_save_makes_times_relative),
	KUNIT_CASE(state_load_rebases_on_new_clock),
	KUNIT_CASE(state_save_bounds_next_tick),
	KUNIT_CASE(state_save_stopped_keeps_only_the_tick_in_service),
	KUNIT_CASE(state_pit_reads_on_after_restore),
	KUNIT_CASE(state_pit_older_than_the_clock_counts_from_its_origin),
	KUNIT_CASE(state_pit_source_restores_channel_0s_period),
	KUNIT_CASE(state_keeps_the_pv_timers_claim_on_irq0),
	KUNIT_CASE(state_8259_sequence_goes_on_after_restore),
	KUNIT_CASE(state_8259_flags_round_trip),
	KUNIT_CASE(state_version_1_restores_without_auto_eoi),
	KUNIT_CASE(state_8259_refused_on_the_split_irqchip),
	KUNIT_CASE_PARAM(state_load_refuses_each_bad_field,
			 bad_state_gen_params),
	KUNIT_CASE(state_check_refuses_wrong_lengths),
	KUNIT_CASE(state_check_reads_unaligned_buffers),
	KUNIT_CASE(state_backlog_bound_is_the_restoring_vms),
	{}
};

static struct kunit_suite hlkvm_state_test_suite = {
	.name = "hlkvm_state",
	.test_cases = hlkvm_state_test_cases,
};

kunit_test_suite(hlkvm_state_test_suite);
