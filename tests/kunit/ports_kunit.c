// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of hlkvm's legacy port table (kmod/ports.c): the seed's
 * behaviour (hyperlight-host's hw_interrupts), hlkvm's documented additions,
 * and the whole port space against a table written from the Ports section
 * of uapi/linux/hlkvm.h, never from the code under test.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include "../kmod/ports.h"

#define ALL_GROUPS	__HLKVM_GROUP_F_ALL
#define DATA_SENTINEL	0x5a
/* The clock of every access here: none of these tests lets time pass */
#define NOW_NS		(3600ULL * NSEC_PER_SEC)
/* Port 0x61's bits that a write keeps (channel 2's GATE, speaker data) */
#define SPEAKER_WRITABLE	0x03

static const struct hlkvm_port_cfg default_cfg = {
	.groups = ALL_GROUPS,
	.timer_port = HLKVM_PORT_PV_TIMER,
};

/* Every access size KVM hands to the PIO bus */
static const unsigned int pio_lens[] = { 1, 2, 4 };

/* IN of @len bytes; *val gets the bytes read (little-endian) */
static enum hlkvm_pio_verdict do_in(const struct hlkvm_port_cfg *cfg,
				    struct hlkvm_port_state *st, u16 port,
				    unsigned int len, u32 *val)
{
	struct hlkvm_pio_result res = {};
	u8 buf[4] = { DATA_SENTINEL, DATA_SENTINEL, DATA_SENTINEL,
		      DATA_SENTINEL };
	enum hlkvm_pio_verdict v;

	v = hlkvm_pio_in(cfg, st, NOW_NS, port, len, buf, &res);
	*val = buf[0] | buf[1] << 8 | buf[2] << 16 | (u32)buf[3] << 24;
	return v;
}

static enum hlkvm_pio_verdict do_out(const struct hlkvm_port_cfg *cfg,
				     struct hlkvm_port_state *st, u16 port,
				     unsigned int len, u32 val)
{
	struct hlkvm_pio_result res = {};
	u8 buf[4] = { val, val >> 8, val >> 16, val >> 24 };

	return hlkvm_pio_out(cfg, st, NOW_NS, port, len, buf, &res);
}

static u8 in_byte_default(u16 port)
{
	struct hlkvm_port_state st = {};
	u32 val = 0;

	if (do_in(&default_cfg, &st, port, 1, &val) != HLKVM_PIO_ABSORB)
		return 0x42;	/* no answer: never an expected value below */
	return val;
}

/* --- The seed's behaviour --- */

static void pio_in_pic_data_reads_all_masked(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, in_byte_default(HLKVM_PORT_PIC_MASTER_DATA), 0xff);
	KUNIT_EXPECT_EQ(test, in_byte_default(HLKVM_PORT_PIC_SLAVE_DATA), 0xff);
}

static void pio_in_pic_command_reads_no_irr_isr(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, in_byte_default(HLKVM_PORT_PIC_MASTER_CMD), 0);
	KUNIT_EXPECT_EQ(test, in_byte_default(HLKVM_PORT_PIC_SLAVE_CMD), 0);
}

static void pio_in_pit_channel0_reads_zero(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, in_byte_default(HLKVM_PORT_PIT_CH0), 0);
}

static void pio_out_pic_ports_absorbed(struct kunit *test)
{
	static const u16 ports[] = {
		HLKVM_PORT_PIC_MASTER_CMD, HLKVM_PORT_PIC_MASTER_DATA,
		HLKVM_PORT_PIC_SLAVE_CMD, HLKVM_PORT_PIC_SLAVE_DATA,
	};
	/* What real guests write: ICW1-4, IMRs */
	static const u8 vals[] = { 0x11, 0x20, 0x28, 0x04, 0x02, 0x01, 0xfe,
				   0xff };
	struct hlkvm_port_state st = {};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(ports); i++)
		for (j = 0; j < ARRAY_SIZE(vals); j++) {
			enum hlkvm_pio_verdict v;

			v = do_out(&default_cfg, &st, ports[i], 1, vals[j]);
			KUNIT_EXPECT_NE_MSG(test, v, HLKVM_PIO_PASS,
					    "out 0x%x, 0x%x", ports[i], vals[j]);
			KUNIT_EXPECT_NE_MSG(test, v, HLKVM_PIO_PERIOD,
					    "out 0x%x, 0x%x", ports[i], vals[j]);
		}
}

/*
 * The 8259 datasheet's values on the master's command port that end
 * IRQ0's service, listed rather than computed: OCW2 non-specific EOI
 * (0x20, level bits ignored), specific EOI of level 0 (0x60), rotate on
 * non-specific EOI (0xa0, level bits ignored), rotate on specific EOI of
 * level 0 (0xe0). 0x28-0x2f are OCW3 and 0x30-0x3f ICW1: never an EOI.
 */
static bool datasheet_irq0_eoi(unsigned int v)
{
	return (v >= 0x20 && v <= 0x27) || v == 0x60 ||
	       (v >= 0xa0 && v <= 0xa7) || v == 0xe0;
}

static void pio_out_pic_command_eoi_truth_table(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	unsigned int v;

	for (v = 0; v <= 0xff; v++)
		KUNIT_EXPECT_EQ_MSG(test,
				    do_out(&default_cfg, &st,
					   HLKVM_PORT_PIC_MASTER_CMD, 1, v),
				    datasheet_irq0_eoi(v) ? HLKVM_PIO_EOI :
				    HLKVM_PIO_ABSORB, "value 0x%x", v);
}

static void pio_out_ocw3_and_icw1_not_eoi(struct kunit *test)
{
	/* what a (v & 0xe0) == 0x20 test would wrongly take for an EOI */
	static const u8 not_eoi[] = { 0x28, 0x2b, 0x2f, 0x30, 0x31, 0x3f };
	struct hlkvm_port_state st = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(not_eoi); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    do_out(&default_cfg, &st,
					   HLKVM_PORT_PIC_MASTER_CMD, 1,
					   not_eoi[i]),
				    HLKVM_PIO_ABSORB, "value 0x%x", not_eoi[i]);
}

static void pio_out_specific_eoi_of_other_levels_not_eoi(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	unsigned int level;

	for (level = 1; level < 8; level++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    do_out(&default_cfg, &st,
					   HLKVM_PORT_PIC_MASTER_CMD, 1,
					   0x60 | level),
				    HLKVM_PIO_ABSORB, "level %u", level);
		KUNIT_EXPECT_EQ_MSG(test,
				    do_out(&default_cfg, &st,
					   HLKVM_PORT_PIC_MASTER_CMD, 1,
					   0xe0 | level),
				    HLKVM_PIO_ABSORB, "rotate, level %u", level);
	}
}

static void pio_out_eoi_value_elsewhere_not_eoi(struct kunit *test)
{
	static const u16 ports[] = {
		HLKVM_PORT_PIC_MASTER_DATA, HLKVM_PORT_PIC_SLAVE_CMD,
		HLKVM_PORT_PIC_SLAVE_DATA, HLKVM_PORT_PIT_CH0,
		HLKVM_PORT_PIT_MODE, HLKVM_PORT_SPEAKER, HLKVM_PORT_DIAG,
	};
	struct hlkvm_port_state st = {};
	unsigned int i;

	/* Only the master's command port carries the EOI the timer needs */
	for (i = 0; i < ARRAY_SIZE(ports); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    do_out(&default_cfg, &st, ports[i], 1, 0x20),
				    HLKVM_PIO_ABSORB, "port 0x%x", ports[i]);
}

static void pio_out_pit_speaker_diag_absorbed(struct kunit *test)
{
	static const u16 ports[] = {
		HLKVM_PORT_PIT_CH0, HLKVM_PORT_PIT_MODE, HLKVM_PORT_SPEAKER,
		HLKVM_PORT_DIAG,
	};
	struct hlkvm_port_state st = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ports); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    do_out(&default_cfg, &st, ports[i], 1, 0x34),
				    HLKVM_PIO_ABSORB, "port 0x%x", ports[i]);
}

static void pio_out_timer_port_dword_is_period(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res = {};
	u8 buf[4] = { 0xe8, 0x03, 0x00, 0x00 };	/* 1000 us */

	KUNIT_EXPECT_EQ(test,
			hlkvm_pio_out(&default_cfg, &st, NOW_NS,
				      HLKVM_PORT_PV_TIMER, 4, buf, &res),
			HLKVM_PIO_PERIOD);
	KUNIT_EXPECT_EQ(test, res.period_us, 1000u);
	KUNIT_EXPECT_EQ(test, res.group, (unsigned int)HLKVM_GROUP_TIMER);
}

static void pio_out_timer_port_short_not_handled(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	unsigned int len;

	for (len = 0; len < 4; len++)
		KUNIT_EXPECT_EQ_MSG(test,
				    do_out(&default_cfg, &st,
					   HLKVM_PORT_PV_TIMER, len, 1000),
				    HLKVM_PIO_PASS, "len %u", len);
}

static void pio_unlisted_ports_not_handled(struct kunit *test)
{
	/* COM1, keyboard, CMOS, ELCR, PCI config, ucall, neighbours */
	static const u16 ports[] = {
		0x3f8, 0x60, 0x64, 0x70, 0x71, 0x4d0, 0xcf8, 0xcfc, 0x1000,
		0x1f, 0x22, 0x3f, 0x44, 0x60, 0x62, 0x7f, 0x81, 0x9f, 0xa2,
		HLKVM_PORT_PV_TIMER + 1, 0xffff, 0,
	};
	struct hlkvm_port_state st = {};
	unsigned int i, j;
	u32 val;

	for (i = 0; i < ARRAY_SIZE(ports); i++)
		for (j = 0; j < ARRAY_SIZE(pio_lens); j++) {
			KUNIT_EXPECT_EQ_MSG(test,
					    do_in(&default_cfg, &st, ports[i],
						  pio_lens[j], &val),
					    HLKVM_PIO_PASS, "in 0x%x len %u",
					    ports[i], pio_lens[j]);
			KUNIT_EXPECT_EQ_MSG(test,
					    do_out(&default_cfg, &st, ports[i],
						   pio_lens[j], 0x20202020),
					    HLKVM_PIO_PASS, "out 0x%x len %u",
					    ports[i], pio_lens[j]);
		}
}

/* --- hlkvm's additions (uapi "Ports") --- */

/* A channel no control word has programmed reads the seed's 0, always */
static void pio_in_unprogrammed_pit_counters_read_zero(struct kunit *test)
{
	static const u64 times[] = { 0, NOW_NS, NOW_NS + NSEC_PER_SEC, ~0ULL };
	static const u16 ports[] = {
		HLKVM_PORT_PIT_CH0, HLKVM_PORT_PIT_CH1, HLKVM_PORT_PIT_CH2,
	};
	struct hlkvm_port_state st = {};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(ports); i++)
		for (j = 0; j < ARRAY_SIZE(times); j++) {
			struct hlkvm_pio_result res;
			u8 v = DATA_SENTINEL;

			KUNIT_EXPECT_EQ(test,
					hlkvm_pio_in(&default_cfg, &st, times[j],
						     ports[i], 1, &v, &res),
					HLKVM_PIO_ABSORB);
			KUNIT_EXPECT_EQ_MSG(test, v, 0, "port 0x%x", ports[i]);
		}
}

static void pio_in_pit_mode_not_answered(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	unsigned int j;
	u32 val;

	for (j = 0; j < ARRAY_SIZE(pio_lens); j++)
		KUNIT_EXPECT_EQ(test,
				do_in(&default_cfg, &st, HLKVM_PORT_PIT_MODE,
				      pio_lens[j], &val),
				HLKVM_PIO_PASS);
}

static void pio_in_diag_reads_ff(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, in_byte_default(HLKVM_PORT_DIAG), 0xff);
}

static void pio_in_timer_port_not_answered(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	unsigned int j;
	u32 val;

	for (j = 0; j < ARRAY_SIZE(pio_lens); j++) {
		KUNIT_EXPECT_EQ(test,
				do_in(&default_cfg, &st, HLKVM_PORT_PV_TIMER,
				      pio_lens[j], &val),
				HLKVM_PIO_PASS);
		KUNIT_EXPECT_EQ(test, val, 0x5a5a5a5aU);
	}
}

static void pio_halt_port_never_answered(struct kunit *test)
{
	struct hlkvm_port_cfg cfg;
	struct hlkvm_port_state st = {};
	unsigned int g, j;
	u32 val;

	/* Whatever the groups and wherever the timer, 108 reaches the VMM */
	for (g = 0; g <= ALL_GROUPS; g++) {
		cfg.groups = g;
		cfg.timer_port = g & 1 ? HLKVM_PORT_PV_TIMER : 0x1234;
		for (j = 0; j < ARRAY_SIZE(pio_lens); j++) {
			KUNIT_EXPECT_EQ(test,
					do_in(&cfg, &st, HLKVM_PORT_HALT,
					      pio_lens[j], &val),
					HLKVM_PIO_PASS);
			KUNIT_EXPECT_EQ(test,
					do_out(&cfg, &st, HLKVM_PORT_HALT,
					       pio_lens[j], 0),
					HLKVM_PIO_PASS);
		}
	}
}

static void pio_all_groups_disabled_pass_everything(struct kunit *test)
{
	static const u16 ports[] = {
		0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x80,
		HLKVM_PORT_PV_TIMER,
	};
	const struct hlkvm_port_cfg cfg = {
		.groups = 0, .timer_port = HLKVM_PORT_PV_TIMER,
	};
	struct hlkvm_port_state st = { .pit.port61 = SPEAKER_WRITABLE };
	unsigned int i, j;
	u32 val;

	for (i = 0; i < ARRAY_SIZE(ports); i++)
		for (j = 0; j < ARRAY_SIZE(pio_lens); j++) {
			KUNIT_EXPECT_EQ(test,
					do_in(&cfg, &st, ports[i], pio_lens[j],
					      &val),
					HLKVM_PIO_PASS);
			KUNIT_EXPECT_EQ(test,
					do_out(&cfg, &st, ports[i], pio_lens[j],
					       0x20202020),
					HLKVM_PIO_PASS);
		}
	KUNIT_EXPECT_EQ(test, st.pit.port61, SPEAKER_WRITABLE);
}

static void pio_disabled_group_passes_others_still_absorbed(struct kunit *test)
{
	static const struct {
		u16 port;
		unsigned int group;
	} rows[] = {
		{ 0x20, HLKVM_GROUP_PIC }, { 0xa1, HLKVM_GROUP_PIC },
		{ 0x40, HLKVM_GROUP_PIT }, { 0x43, HLKVM_GROUP_PIT },
		{ 0x61, HLKVM_GROUP_SPEAKER }, { 0x80, HLKVM_GROUP_DIAG },
	};
	struct hlkvm_port_state st = {};
	unsigned int g, i;

	for (g = 0; g < __HLKVM_GROUP_COUNT; g++) {
		const struct hlkvm_port_cfg cfg = {
			.groups = ALL_GROUPS & ~(1U << g),
			.timer_port = HLKVM_PORT_PV_TIMER,
		};

		for (i = 0; i < ARRAY_SIZE(rows); i++) {
			enum hlkvm_pio_verdict v;

			v = do_out(&cfg, &st, rows[i].port, 1, 0);
			KUNIT_EXPECT_EQ_MSG(test, v,
					    rows[i].group == g ? HLKVM_PIO_PASS :
								 HLKVM_PIO_ABSORB,
					    "group %u off, port 0x%x", g,
					    rows[i].port);
		}
		KUNIT_EXPECT_EQ_MSG(test,
				    do_out(&cfg, &st, HLKVM_PORT_PV_TIMER, 4, 500),
				    g == HLKVM_GROUP_TIMER ? HLKVM_PIO_PASS :
							     HLKVM_PIO_PERIOD,
				    "group %u off, timer port", g);
	}
}

static void pio_custom_timer_port_takes_period(struct kunit *test)
{
	const struct hlkvm_port_cfg cfg = {
		.groups = ALL_GROUPS, .timer_port = 0x1234,
	};
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res = {};
	u8 buf[4] = { 0x10, 0x27, 0, 0 };	/* 10000 us */
	u32 val;

	KUNIT_EXPECT_EQ(test, hlkvm_pio_out(&cfg, &st, NOW_NS, 0x1234, 4, buf,
					    &res),
			HLKVM_PIO_PERIOD);
	KUNIT_EXPECT_EQ(test, res.period_us, 10000u);
	/* The default port is an ordinary port again */
	KUNIT_EXPECT_EQ(test, do_out(&cfg, &st, HLKVM_PORT_PV_TIMER, 4, 10000),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, do_out(&cfg, &st, 0x1234, 2, 10000),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, do_in(&cfg, &st, 0x1234, 4, &val),
			HLKVM_PIO_PASS);
}

static void pio_speaker_refresh_toggles_on_every_read(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	u32 prev, val;
	int i;

	KUNIT_ASSERT_EQ(test, do_in(&default_cfg, &st, HLKVM_PORT_SPEAKER, 1,
				    &prev), HLKVM_PIO_ABSORB);
	for (i = 0; i < 64; i++) {
		KUNIT_ASSERT_EQ(test, do_in(&default_cfg, &st,
					    HLKVM_PORT_SPEAKER, 1, &val),
				HLKVM_PIO_ABSORB);
		/* bit 4 flips, nothing else moves */
		KUNIT_EXPECT_EQ(test, val ^ prev, 0x10u);
		prev = val;
	}
}

/*
 * Replaces an assertion that every bit written read back: on hardware
 * bits 4-7 are read-only (refresh, OUT2, IOCHK, SERR), and a guest that
 * read its own write back saw NMI reasons. Only bits 0-1 are kept.
 */
static void pio_speaker_keeps_only_gate_and_data_bits(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	unsigned int w;
	u32 a, b;

	for (w = 0; w <= 0xff; w++) {
		KUNIT_ASSERT_EQ(test, do_out(&default_cfg, &st,
					     HLKVM_PORT_SPEAKER, 1, w),
				HLKVM_PIO_ABSORB);
		do_in(&default_cfg, &st, HLKVM_PORT_SPEAKER, 1, &a);
		do_in(&default_cfg, &st, HLKVM_PORT_SPEAKER, 1, &b);
		a &= 0xff;	/* one-byte reads: the rest is the sentinel */
		b &= 0xff;
		/* bits 0-1 as written; 2-3, 5 (channel 2 unprogrammed), 6-7 clear */
		KUNIT_EXPECT_EQ_MSG(test, a & ~0x10u, w & SPEAKER_WRITABLE,
				    "wrote 0x%x", w);
		KUNIT_EXPECT_EQ_MSG(test, b & ~0x10u, w & SPEAKER_WRITABLE,
				    "wrote 0x%x", w);
		/* one of two consecutive reads has refresh set */
		KUNIT_EXPECT_EQ_MSG(test, (a ^ b) & 0x10u, 0x10u, "wrote 0x%x", w);
	}
}

static void pio_multi_byte_within_answered_ports(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	u32 val;

	/* in ax, 0x20: command then data of the master PIC */
	KUNIT_EXPECT_EQ(test, do_in(&default_cfg, &st, 0x20, 2, &val),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, val & 0xffff, 0xff00u);
	KUNIT_EXPECT_EQ(test, do_in(&default_cfg, &st, 0xa0, 2, &val),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, val & 0xffff, 0xff00u);
	KUNIT_EXPECT_EQ(test, do_in(&default_cfg, &st, 0x41, 2, &val),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, val & 0xffff, 0u);
	/* out dx, eax over 0x40-0x43 */
	KUNIT_EXPECT_EQ(test, do_out(&default_cfg, &st, 0x40, 4, 0x34000000),
			HLKVM_PIO_ABSORB);
	/* out ax, 0x20 = EOI to the master plus an IMR write */
	KUNIT_EXPECT_EQ(test, do_out(&default_cfg, &st, 0x20, 2, 0xfe20),
			HLKVM_PIO_EOI);
	KUNIT_EXPECT_EQ(test, do_out(&default_cfg, &st, 0x20, 2, 0x20fe),
			HLKVM_PIO_ABSORB);
}

static void pio_multi_byte_spanning_unanswered_not_handled(struct kunit *test)
{
	static const struct {
		u16 port;
		unsigned int len;
	} rows[] = {
		{ 0x21, 2 },	/* 0x22 is not a PIC port */
		{ 0x1f, 2 },	/* starts before it */
		{ 0x20, 4 },
		{ 0xa1, 2 },
		{ 0x42, 4 },
		{ 0x60, 2 },	/* keyboard, then speaker */
		{ 0x61, 2 },
		{ 0x80, 2 },
		{ 0x7f, 4 },
	};
	struct hlkvm_port_state st = { .pit.port61 = 0x02 };
	unsigned int i;
	u32 val;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    do_in(&default_cfg, &st, rows[i].port,
					  rows[i].len, &val),
				    HLKVM_PIO_PASS, "in 0x%x len %u",
				    rows[i].port, rows[i].len);
		/* nothing of a refused read may reach the guest */
		KUNIT_EXPECT_EQ(test, val, 0x5a5a5a5aU);
		KUNIT_EXPECT_EQ_MSG(test,
				    do_out(&default_cfg, &st, rows[i].port,
					   rows[i].len, 0xffffffff),
				    HLKVM_PIO_PASS, "out 0x%x len %u",
				    rows[i].port, rows[i].len);
	}
	/* a refused write must not have touched port 0x61's bits */
	KUNIT_EXPECT_EQ(test, st.pit.port61, 0x02);
}

static void pio_in_spanning_pit_mode_not_handled(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	u32 val;

	/* 0x42-0x43: the second byte is the write-only mode register */
	KUNIT_EXPECT_EQ(test, do_in(&default_cfg, &st, 0x42, 2, &val),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, do_in(&default_cfg, &st, 0x40, 4, &val),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, do_out(&default_cfg, &st, 0x42, 2, 0),
			HLKVM_PIO_ABSORB);
}

static void pio_port_ffff_does_not_wrap(struct kunit *test)
{
	/* If 0xffff + 1 wrapped to 0, a timer port or group at 0 could match */
	const struct hlkvm_port_cfg cfg = {
		.groups = ALL_GROUPS, .timer_port = 0,
	};
	struct hlkvm_port_state st = {};
	unsigned int j;
	u32 val;

	for (j = 0; j < ARRAY_SIZE(pio_lens); j++) {
		KUNIT_EXPECT_EQ(test, do_in(&cfg, &st, 0xffff, pio_lens[j], &val),
				HLKVM_PIO_PASS);
		KUNIT_EXPECT_EQ(test, do_out(&cfg, &st, 0xffff, pio_lens[j], 0),
				HLKVM_PIO_PASS);
		KUNIT_EXPECT_EQ(test, do_out(&cfg, &st, 0xfffe, pio_lens[j], 0),
				HLKVM_PIO_PASS);
	}
}

static void pio_timer_port_at_ffff_takes_period(struct kunit *test)
{
	const struct hlkvm_port_cfg cfg = {
		.groups = ALL_GROUPS, .timer_port = 0xffff,
	};
	struct hlkvm_port_state st = {};

	/* The timer port is one 32-bit register, not four byte ports */
	KUNIT_EXPECT_EQ(test, do_out(&cfg, &st, 0xffff, 4, 100),
			HLKVM_PIO_PERIOD);
}

static void pio_bad_lengths_not_handled(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	u32 val;

	KUNIT_EXPECT_EQ(test, do_in(&default_cfg, &st, 0x21, 0, &val),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, do_out(&default_cfg, &st, 0x20, 0, 0x20),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, do_in(&default_cfg, &st, 0x40, 3, &val),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, do_out(&default_cfg, &st, 0x20, 3, 0x20),
			HLKVM_PIO_PASS);
}

static void pio_result_names_the_group(struct kunit *test)
{
	static const struct {
		u16 port;
		unsigned int group;
	} rows[] = {
		{ 0x20, HLKVM_GROUP_PIC }, { 0x21, HLKVM_GROUP_PIC },
		{ 0xa0, HLKVM_GROUP_PIC }, { 0xa1, HLKVM_GROUP_PIC },
		{ 0x40, HLKVM_GROUP_PIT }, { 0x42, HLKVM_GROUP_PIT },
		{ 0x61, HLKVM_GROUP_SPEAKER }, { 0x80, HLKVM_GROUP_DIAG },
	};
	struct hlkvm_port_state st = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct hlkvm_pio_result res = { .group = 99 };
		u8 buf[4] = {};

		KUNIT_EXPECT_EQ(test, hlkvm_pio_in(&default_cfg, &st, NOW_NS,
						   rows[i].port, 1, buf, &res),
				HLKVM_PIO_ABSORB);
		KUNIT_EXPECT_EQ_MSG(test, res.group, rows[i].group,
				    "in 0x%x", rows[i].port);
		res.group = 99;
		KUNIT_EXPECT_EQ(test, hlkvm_pio_out(&default_cfg, &st, NOW_NS,
						    rows[i].port, 1, buf, &res),
				HLKVM_PIO_ABSORB);
		KUNIT_EXPECT_EQ_MSG(test, res.group, rows[i].group,
				    "out 0x%x", rows[i].port);
	}
}

/* --- Full irqchip: KVM's PIC answers, port 0x20 is only watched --- */

static const struct hlkvm_port_cfg kvm_pic_cfg = {
	.groups = ALL_GROUPS & ~HLKVM_GROUP_F_PIC,
	.timer_port = HLKVM_PORT_PV_TIMER,
	.pic_watch = true,
};

/*
 * Port 0x20 under KVM's PIC: an IRQ0 EOI is seen; a one-byte ICW1 without
 * IC4 (bit 4 set, bit 0 clear) turns auto-EOI off (HLKVM_PIO_PIC_MODE,
 * below); everything else only passes
 */
static enum hlkvm_pio_verdict watched_cmd_verdict(u8 v, unsigned int len)
{
	if (datasheet_irq0_eoi(v))
		return HLKVM_PIO_EOI_SEEN;
	if (len == 1 && (v & 0x11) == 0x10)
		return HLKVM_PIO_PIC_MODE;
	return HLKVM_PIO_PASS;
}

static void pic_watch_eoi_truth_table(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	unsigned int v, j;

	for (j = 0; j < ARRAY_SIZE(pio_lens); j++)
		for (v = 0; v <= 0xff; v++)
			KUNIT_EXPECT_EQ_MSG(test,
					    do_out(&kvm_pic_cfg, &st,
						   HLKVM_PORT_PIC_MASTER_CMD,
						   pio_lens[j], v),
					    watched_cmd_verdict(v, pio_lens[j]),
					    "value 0x%x len %u", v, pio_lens[j]);
}

static void pic_watch_leaves_every_pic_access_to_kvm(struct kunit *test)
{
	static const u16 pic_ports[] = { 0x20, 0x21, 0xa0, 0xa1 };
	struct hlkvm_port_state st = {};
	unsigned int i;
	u32 val;

	for (i = 0; i < ARRAY_SIZE(pic_ports); i++) {
		KUNIT_EXPECT_EQ(test, do_in(&kvm_pic_cfg, &st, pic_ports[i], 1,
					    &val), HLKVM_PIO_PASS);
		KUNIT_EXPECT_EQ(test, val, (u32)0x5a5a5a5a);
	}
	/* ICW2 of the usual remap, OCW1 unmasking IRQ0, the slave's EOI */
	KUNIT_EXPECT_EQ(test, do_out(&kvm_pic_cfg, &st, 0x21, 1, 0x20),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, do_out(&kvm_pic_cfg, &st, 0x21, 1, 0xfe),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, do_out(&kvm_pic_cfg, &st, 0xa0, 1, 0x20),
			HLKVM_PIO_PASS);
	/* ICW1 on port 0x20 is not an EOI and goes to KVM's PIC */
	KUNIT_EXPECT_EQ(test, do_out(&kvm_pic_cfg, &st, 0x20, 1, 0x11),
			HLKVM_PIO_PASS);
}

static void pic_watch_keeps_the_other_groups(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	u32 val;

	KUNIT_EXPECT_EQ(test, do_out(&kvm_pic_cfg, &st, 0x43, 1, 0x34),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, do_out(&kvm_pic_cfg, &st, 0x80, 1, 0),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, do_in(&kvm_pic_cfg, &st, 0x61, 1, &val),
			HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_EQ(test, do_out(&kvm_pic_cfg, &st, HLKVM_PORT_PV_TIMER,
				     4, 1000), HLKVM_PIO_PERIOD);
}

static void pic_watch_maybe_ours_is_the_master_only(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, hlkvm_port_maybe_ours(&kvm_pic_cfg, 0x20));
	KUNIT_EXPECT_TRUE(test, hlkvm_port_maybe_ours(&kvm_pic_cfg, 0x21));
	KUNIT_EXPECT_FALSE(test, hlkvm_port_maybe_ours(&kvm_pic_cfg, 0xa0));
	KUNIT_EXPECT_FALSE(test, hlkvm_port_maybe_ours(&kvm_pic_cfg, 0xa1));
	KUNIT_EXPECT_TRUE(test, hlkvm_port_maybe_ours(&kvm_pic_cfg, 0x40));
}

/*
 * --- Full irqchip: the master 8259's initialisation, followed ---
 *
 * Written from the 8259A datasheet and KVM's i8259.c (pic_ioport_write(),
 * kvm_pic_reset()): ICW1 (port 0x20, bit 4) starts it, ICW2 and ICW3
 * follow on port 0x21 (KVM always expects ICW3: no single mode), then
 * ICW4 if ICW1's bit 0 (IC4) asked for it; ICW4 bit 1 is AEOI. An ICW1
 * without IC4 turns auto-EOI off at once; one with IC4 leaves it as it is
 * until ICW4. Only one-byte writes reach KVM's PIC.
 */

/* One watched write: the verdict, and the auto-EOI mode it reported */
static enum hlkvm_pio_verdict pic_out(struct hlkvm_port_state *st, u16 port,
				      u8 v, bool *auto_eoi)
{
	struct hlkvm_pio_result res = { .auto_eoi = !*auto_eoi };
	enum hlkvm_pio_verdict got;

	got = hlkvm_pio_out(&kvm_pic_cfg, st, NOW_NS, port, 1, &v, &res);
	if (got == HLKVM_PIO_PIC_MODE)
		*auto_eoi = res.auto_eoi;
	return got;
}

static void pic_watch_icw4_every_value(struct kunit *test)
{
	unsigned int v;

	for (v = 0; v <= 0xff; v++) {
		struct hlkvm_port_state st = {};
		bool aeoi = !(v & 0x02);

		KUNIT_EXPECT_EQ(test, pic_out(&st, 0x20, 0x11, &aeoi),
				HLKVM_PIO_PASS);
		KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x20, &aeoi),
				HLKVM_PIO_PASS);
		KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x04, &aeoi),
				HLKVM_PIO_PASS);
		KUNIT_EXPECT_EQ_MSG(test, pic_out(&st, 0x21, v, &aeoi),
				    HLKVM_PIO_PIC_MODE, "ICW4 0x%x", v);
		KUNIT_EXPECT_EQ_MSG(test, aeoi, !!(v & 0x02), "ICW4 0x%x", v);
		/* initialised: port 0x21 is the mask again */
		KUNIT_EXPECT_EQ_MSG(test, pic_out(&st, 0x21, 0xfe, &aeoi),
				    HLKVM_PIO_PASS, "OCW1 after ICW4 0x%x", v);
		KUNIT_EXPECT_EQ(test, st.pic.auto_eoi, !!(v & 0x02));
	}
}

static void pic_watch_icw1_every_value(struct kunit *test)
{
	unsigned int v;

	for (v = 0x10; v <= 0xff; v++) {
		struct hlkvm_port_state st = { .pic.auto_eoi = true };
		bool aeoi = true;

		if (!(v & 0x10))
			continue;
		if (v & 0x01) {
			/* IC4: the mode waits for ICW4 */
			KUNIT_EXPECT_EQ_MSG(test, pic_out(&st, 0x20, v, &aeoi),
					    HLKVM_PIO_PASS, "ICW1 0x%x", v);
			KUNIT_EXPECT_TRUE(test, st.pic.auto_eoi);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, pic_out(&st, 0x20, v, &aeoi),
					    HLKVM_PIO_PIC_MODE, "ICW1 0x%x", v);
			KUNIT_EXPECT_FALSE_MSG(test, aeoi, "ICW1 0x%x", v);
		}
		/* ICW2, and ICW3 whatever SNGL (bit 1) said */
		KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x20, &aeoi),
				HLKVM_PIO_PASS);
		KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x04, &aeoi),
				HLKVM_PIO_PASS);
		/* the fourth: ICW4 with IC4, else already the mask */
		KUNIT_EXPECT_EQ_MSG(test, pic_out(&st, 0x21, 0x03, &aeoi),
				    v & 0x01 ? HLKVM_PIO_PIC_MODE :
				    HLKVM_PIO_PASS, "ICW1 0x%x", v);
		KUNIT_EXPECT_EQ_MSG(test, aeoi, !!(v & 0x01), "ICW1 0x%x", v);
	}
}

static void pic_watch_auto_eoi_off_again(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	bool aeoi = false;

	/* on, as a guest sets it up */
	pic_out(&st, 0x20, 0x11, &aeoi);
	pic_out(&st, 0x21, 0x20, &aeoi);
	pic_out(&st, 0x21, 0x04, &aeoi);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x03, &aeoi),
			HLKVM_PIO_PIC_MODE);
	KUNIT_EXPECT_TRUE(test, aeoi);
	/* off through an ICW4 without AEOI */
	pic_out(&st, 0x20, 0x11, &aeoi);
	KUNIT_EXPECT_TRUE(test, aeoi);
	pic_out(&st, 0x21, 0x20, &aeoi);
	pic_out(&st, 0x21, 0x04, &aeoi);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x01, &aeoi),
			HLKVM_PIO_PIC_MODE);
	KUNIT_EXPECT_FALSE(test, aeoi);
	/* on again, then off through an ICW1 without ICW4 */
	pic_out(&st, 0x20, 0x11, &aeoi);
	pic_out(&st, 0x21, 0x20, &aeoi);
	pic_out(&st, 0x21, 0x04, &aeoi);
	pic_out(&st, 0x21, 0x03, &aeoi);
	KUNIT_EXPECT_TRUE(test, aeoi);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x20, 0x10, &aeoi),
			HLKVM_PIO_PIC_MODE);
	KUNIT_EXPECT_FALSE(test, aeoi);
	KUNIT_EXPECT_FALSE(test, st.pic.auto_eoi);
}

static void pic_watch_reinitialisation_restarts_the_sequence(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	bool aeoi = false;

	/* ICW1, ICW2, then a new ICW1 before ICW3: the count starts over */
	pic_out(&st, 0x20, 0x11, &aeoi);
	pic_out(&st, 0x21, 0x20, &aeoi);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x20, 0x11, &aeoi), HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x20, &aeoi), HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x04, &aeoi), HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x03, &aeoi),
			HLKVM_PIO_PIC_MODE);
	KUNIT_EXPECT_TRUE(test, aeoi);
	/* OCW2 and OCW3 in the middle of one change nothing */
	pic_out(&st, 0x20, 0x11, &aeoi);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x20, 0x20, &aeoi),
			HLKVM_PIO_EOI_SEEN);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x20, 0x0b, &aeoi), HLKVM_PIO_PASS);
	pic_out(&st, 0x21, 0x20, &aeoi);
	pic_out(&st, 0x21, 0x04, &aeoi);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x01, &aeoi),
			HLKVM_PIO_PIC_MODE);
	KUNIT_EXPECT_FALSE(test, aeoi);
	/* outside an initialisation port 0x21 is only ever the mask */
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x03, &aeoi), HLKVM_PIO_PASS);
	KUNIT_EXPECT_FALSE(test, st.pic.auto_eoi);
}

static void pic_watch_ignores_wide_writes_and_the_slave(struct kunit *test)
{
	struct hlkvm_port_state st = {};
	struct hlkvm_pio_result res = {};
	u8 icw1_icw2[2] = { 0x11, 0x20 };
	bool aeoi = false;

	/* a two-byte write is no ICW1 to KVM's PIC */
	KUNIT_EXPECT_EQ(test, hlkvm_pio_out(&kvm_pic_cfg, &st, NOW_NS, 0x20,
					    2, icw1_icw2, &res),
			HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x20, &aeoi), HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x04, &aeoi), HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0x21, 0x03, &aeoi), HLKVM_PIO_PASS);
	/* the slave's AEOI is the slave's: IRQ0 is the master's */
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0xa0, 0x11, &aeoi), HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0xa1, 0x28, &aeoi), HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0xa1, 0x02, &aeoi), HLKVM_PIO_PASS);
	KUNIT_EXPECT_EQ(test, pic_out(&st, 0xa1, 0x03, &aeoi), HLKVM_PIO_PASS);
	KUNIT_EXPECT_FALSE(test, st.pic.auto_eoi);
}

static void pic_answered_ports_never_follow_icws(struct kunit *test)
{
	static const u8 seq[][2] = {
		{ 0x20, 0x11 }, { 0x21, 0x20 }, { 0x21, 0x04 }, { 0x21, 0x03 },
	};
	struct hlkvm_port_state st = {};
	unsigned int i;

	/* split irqchip: hlkvm is the PIC and absorbs them; no mode */
	for (i = 0; i < ARRAY_SIZE(seq); i++)
		KUNIT_EXPECT_EQ(test, do_out(&default_cfg, &st, seq[i][0], 1,
					     seq[i][1]), HLKVM_PIO_ABSORB);
	KUNIT_EXPECT_FALSE(test, st.pic.auto_eoi);
}

static void port_is_reserved_legacy_and_halt_only(struct kunit *test)
{
	static const u16 reserved[] = {
		0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x80,
		HLKVM_PORT_HALT,
	};
	unsigned int port, i, n = 0;

	for (i = 0; i < ARRAY_SIZE(reserved); i++)
		KUNIT_EXPECT_TRUE_MSG(test, hlkvm_port_is_reserved(reserved[i]),
				      "port 0x%x", reserved[i]);
	for (port = 0; port <= 0xffff; port++)
		n += hlkvm_port_is_reserved(port);
	KUNIT_EXPECT_EQ(test, n, ARRAY_SIZE(reserved));
	KUNIT_EXPECT_FALSE(test, hlkvm_port_is_reserved(HLKVM_PORT_PV_TIMER));
}

static void port_maybe_ours_follows_groups(struct kunit *test)
{
	struct hlkvm_port_cfg cfg = { .timer_port = 0x300 };

	cfg.groups = ALL_GROUPS;
	KUNIT_EXPECT_TRUE(test, hlkvm_port_maybe_ours(&cfg, 0x300));
	KUNIT_EXPECT_TRUE(test, hlkvm_port_maybe_ours(&cfg, 0x43));
	KUNIT_EXPECT_FALSE(test, hlkvm_port_maybe_ours(&cfg, HLKVM_PORT_PV_TIMER));
	KUNIT_EXPECT_FALSE(test, hlkvm_port_maybe_ours(&cfg, HLKVM_PORT_HALT));
	KUNIT_EXPECT_FALSE(test, hlkvm_port_maybe_ours(&cfg, 0x22));
	cfg.groups = ALL_GROUPS & ~HLKVM_GROUP_F_TIMER;
	KUNIT_EXPECT_FALSE(test, hlkvm_port_maybe_ours(&cfg, 0x300));
	cfg.groups = HLKVM_GROUP_F_DIAG;
	KUNIT_EXPECT_TRUE(test, hlkvm_port_maybe_ours(&cfg, 0x80));
	KUNIT_EXPECT_FALSE(test, hlkvm_port_maybe_ours(&cfg, 0x20));
	KUNIT_EXPECT_FALSE(test, hlkvm_port_maybe_ours(&cfg, 0x61));
}

/* --- The whole port space against the uapi's table --- */

/*
 * The Ports section of uapi/linux/hlkvm.h, one row per byte port: what a
 * one-byte IN returns right after attach. The PIT's counters: 0, since no
 * control word has programmed them. Port 0x61: bits 0-1 as last written
 * (0 after attach), refresh set on the first read, OUT2 of an unprogrammed
 * channel 2 low.
 */
#define NO_IN		0x100
static const struct uapi_port {
	u16 port;
	unsigned int group;
	unsigned int in;
} uapi_ports[] = {
	{ 0x20, HLKVM_GROUP_PIC, 0x00 },
	{ 0x21, HLKVM_GROUP_PIC, 0xff },
	{ 0xa0, HLKVM_GROUP_PIC, 0x00 },
	{ 0xa1, HLKVM_GROUP_PIC, 0xff },
	{ 0x40, HLKVM_GROUP_PIT, 0x00 },
	{ 0x41, HLKVM_GROUP_PIT, 0x00 },
	{ 0x42, HLKVM_GROUP_PIT, 0x00 },
	{ 0x43, HLKVM_GROUP_PIT, NO_IN },
	{ 0x61, HLKVM_GROUP_SPEAKER, 0x10 },
	{ 0x80, HLKVM_GROUP_DIAG, 0xff },
};

struct port_space_case {
	const char *name;
	struct hlkvm_port_cfg cfg;
};

static const struct port_space_case port_space_cases[] = {
	{ "all groups, timer 107", { ALL_GROUPS, HLKVM_PORT_PV_TIMER } },
	{ "no group", { 0, HLKVM_PORT_PV_TIMER } },
	{ "pic only", { HLKVM_GROUP_F_PIC, HLKVM_PORT_PV_TIMER } },
	{ "pit only", { HLKVM_GROUP_F_PIT, HLKVM_PORT_PV_TIMER } },
	{ "speaker only", { HLKVM_GROUP_F_SPEAKER, HLKVM_PORT_PV_TIMER } },
	{ "diag only", { HLKVM_GROUP_F_DIAG, HLKVM_PORT_PV_TIMER } },
	{ "timer only", { HLKVM_GROUP_F_TIMER, HLKVM_PORT_PV_TIMER } },
	{ "all groups, timer 0x1234", { ALL_GROUPS, 0x1234 } },
	{ "all groups, timer 0xfffe", { ALL_GROUPS, 0xfffe } },
	{ "all groups, timer 0", { ALL_GROUPS, 0 } },
	{ "KVM's PIC: all but pic, 0x20 watched",
	  { ALL_GROUPS & ~HLKVM_GROUP_F_PIC, HLKVM_PORT_PV_TIMER, true } },
	{ "KVM's PIC: timer only, 0x20 watched",
	  { HLKVM_GROUP_F_TIMER, HLKVM_PORT_PV_TIMER, true } },
	{ "pic group wins over watching", { ALL_GROUPS, HLKVM_PORT_PV_TIMER, true } },
};

static void port_space_desc(const struct port_space_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(port_space, port_space_cases, port_space_desc);

static const struct uapi_port *uapi_lookup(const struct hlkvm_port_cfg *cfg,
					   unsigned int port)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uapi_ports); i++)
		if (uapi_ports[i].port == port)
			return cfg->groups & (1U << uapi_ports[i].group) ?
			       &uapi_ports[i] : NULL;
	return NULL;
}

/* What the uapi says about one access; returns the expected verdict */
static enum hlkvm_pio_verdict uapi_expect(const struct hlkvm_port_cfg *cfg,
					  bool in, unsigned int port,
					  unsigned int len, u8 out_byte,
					  u8 *in_bytes, unsigned int *group)
{
	enum hlkvm_pio_verdict v = HLKVM_PIO_ABSORB;
	u8 bytes[4];
	unsigned int i;

	if (!in && port == cfg->timer_port &&
	    (cfg->groups & HLKVM_GROUP_F_TIMER)) {
		*group = HLKVM_GROUP_TIMER;
		return len == 4 ? HLKVM_PIO_PERIOD : HLKVM_PIO_PASS;
	}
	/* KVM's PIC has port 0x20: an IRQ0 EOI is seen, never answered */
	if (!in && port == 0x20 && cfg->pic_watch &&
	    !(cfg->groups & HLKVM_GROUP_F_PIC)) {
		*group = HLKVM_GROUP_PIC;
		return datasheet_irq0_eoi(out_byte) ? HLKVM_PIO_EOI_SEEN :
						      HLKVM_PIO_PASS;
	}
	for (i = 0; i < len; i++) {
		const struct uapi_port *p = uapi_lookup(cfg, port + i);

		if (port + i > 0xffff || !p || (in && p->in == NO_IN))
			return HLKVM_PIO_PASS;
		if (i == 0)
			*group = p->group;
		if (in)
			bytes[i] = p->in;
		else if (port + i == 0x20 && datasheet_irq0_eoi(out_byte))
			v = HLKVM_PIO_EOI;
	}
	/* only a whole answer reaches the guest */
	if (in)
		memcpy(in_bytes, bytes, len);
	return v;
}

/*
 * Port 0x61's bits 0-1 after one OUT to a fresh VM, read back through a
 * VM that answers every group: the written bits if the OUT was absorbed
 * and covered 0x61; else 0, but for channel 2's GATE, which an absorbed
 * PIT access takes as high when the speaker group is off.
 */
static u8 uapi_port61_after(const struct hlkvm_port_cfg *cfg,
			    enum hlkvm_pio_verdict got, unsigned int port,
			    unsigned int len, u8 out_byte)
{
	bool ours = got != HLKVM_PIO_PASS;

	if (ours && port <= 0x61 && port + len > 0x61)
		return out_byte & SPEAKER_WRITABLE;
	if (ours && port <= 0x43 && port + len > 0x40 &&
	    (cfg->groups & HLKVM_GROUP_F_PIT) &&
	    !(cfg->groups & HLKVM_GROUP_F_SPEAKER))
		return 0x01;
	return 0;
}

static void pio_whole_port_space_matches_uapi(struct kunit *test)
{
	const struct port_space_case *c = test->param_value;
	static const u8 out_bytes[] = { 0x20, 0x00, 0xff };
	unsigned int port, j, k, i, bad = 0, answered = 0;

	for (port = 0; port <= 0xffff; port++)
		for (j = 0; j < ARRAY_SIZE(pio_lens); j++) {
			unsigned int len = pio_lens[j];
			unsigned int want_group = 0;
			struct hlkvm_port_state st = {};
			struct hlkvm_pio_result res = { .group = 99 };
			u8 want_bytes[4], buf[4];
			enum hlkvm_pio_verdict want, got;

			memset(buf, DATA_SENTINEL, sizeof(buf));
			memset(want_bytes, DATA_SENTINEL, sizeof(want_bytes));
			want = uapi_expect(&c->cfg, true, port, len, 0,
					   want_bytes, &want_group);
			got = hlkvm_pio_in(&c->cfg, &st, NOW_NS, port, len, buf,
					   &res);
			if (got != want || memcmp(buf, want_bytes, 4) ||
			    (got == HLKVM_PIO_ABSORB && res.group != want_group)) {
				if (bad++ < 8)
					KUNIT_FAIL(test,
						   "in 0x%x len %u: verdict %d (want %d), data %*ph (want %*ph), group %u (want %u)",
						   port, len, got, want, 4, buf,
						   4, want_bytes, res.group,
						   want_group);
			}
			answered += got != HLKVM_PIO_PASS;

			for (k = 0; k < ARRAY_SIZE(out_bytes); k++) {
				u8 port61;

				for (i = 0; i < 4; i++)
					buf[i] = out_bytes[k];
				memset(&st, 0, sizeof(st));
				res.group = 99;
				want = uapi_expect(&c->cfg, false, port, len,
						   out_bytes[k], NULL,
						   &want_group);
				got = hlkvm_pio_out(&c->cfg, &st, NOW_NS, port,
						    len, buf, &res);
				if (got != want ||
				    (got != HLKVM_PIO_PASS &&
				     res.group != want_group)) {
					if (bad++ < 8)
						KUNIT_FAIL(test,
							   "out 0x%x len %u value 0x%x: verdict %d (want %d), group %u (want %u)",
							   port, len,
							   out_bytes[k], got,
							   want, res.group,
							   want_group);
				}
				/* a write reaches port 0x61 iff ours */
				hlkvm_pio_in(&default_cfg, &st, NOW_NS,
					     HLKVM_PORT_SPEAKER, 1, &port61,
					     &res);
				if ((port61 & SPEAKER_WRITABLE) !=
				    uapi_port61_after(&c->cfg, got, port, len,
						      out_bytes[k])) {
					if (bad++ < 8)
						KUNIT_FAIL(test,
							   "out 0x%x len %u value 0x%x: port 0x61 reads 0x%x",
							   port, len,
							   out_bytes[k],
							   port61);
				}
				answered += got != HLKVM_PIO_PASS;
			}
		}
	KUNIT_EXPECT_EQ(test, bad, 0u);
	/* A table that answers nothing would pass trivially: it must not */
	if (c->cfg.groups)
		KUNIT_EXPECT_GT(test, answered, 0u);
	else
		KUNIT_EXPECT_EQ(test, answered, 0u);
}

static struct kunit_case hlkvm_ports_test_cases[] = {
	KUNIT_CASE(pio_in_pic_data_reads_all_masked),
	KUNIT_CASE(pio_in_pic_command_reads_no_irr_isr),
	KUNIT_CASE(pio_in_pit_channel0_reads_zero),
	KUNIT_CASE(pio_out_pic_ports_absorbed),
	KUNIT_CASE(pio_out_pic_command_eoi_truth_table),
	KUNIT_CASE(pic_watch_eoi_truth_table),
	KUNIT_CASE(pic_watch_leaves_every_pic_access_to_kvm),
	KUNIT_CASE(pic_watch_keeps_the_other_groups),
	KUNIT_CASE(pic_watch_maybe_ours_is_the_master_only),
	KUNIT_CASE(pic_watch_icw4_every_value),
	KUNIT_CASE(pic_watch_icw1_every_value),
	KUNIT_CASE(pic_watch_auto_eoi_off_again),
	KUNIT_CASE(pic_watch_reinitialisation_restarts_the_sequence),
	KUNIT_CASE(pic_watch_ignores_wide_writes_and_the_slave),
	KUNIT_CASE(pic_answered_ports_never_follow_icws),
	KUNIT_CASE(pio_out_ocw3_and_icw1_not_eoi),
	KUNIT_CASE(pio_out_specific_eoi_of_other_levels_not_eoi),
	KUNIT_CASE(pio_out_eoi_value_elsewhere_not_eoi),
	KUNIT_CASE(pio_out_pit_speaker_diag_absorbed),
	KUNIT_CASE(pio_out_timer_port_dword_is_period),
	KUNIT_CASE(pio_out_timer_port_short_not_handled),
	KUNIT_CASE(pio_unlisted_ports_not_handled),
	KUNIT_CASE(pio_in_unprogrammed_pit_counters_read_zero),
	KUNIT_CASE(pio_in_pit_mode_not_answered),
	KUNIT_CASE(pio_in_diag_reads_ff),
	KUNIT_CASE(pio_in_timer_port_not_answered),
	KUNIT_CASE(pio_halt_port_never_answered),
	KUNIT_CASE(pio_all_groups_disabled_pass_everything),
	KUNIT_CASE(pio_disabled_group_passes_others_still_absorbed),
	KUNIT_CASE(pio_custom_timer_port_takes_period),
	KUNIT_CASE(pio_speaker_refresh_toggles_on_every_read),
	KUNIT_CASE(pio_speaker_keeps_only_gate_and_data_bits),
	KUNIT_CASE(pio_multi_byte_within_answered_ports),
	KUNIT_CASE(pio_multi_byte_spanning_unanswered_not_handled),
	KUNIT_CASE(pio_in_spanning_pit_mode_not_handled),
	KUNIT_CASE(pio_port_ffff_does_not_wrap),
	KUNIT_CASE(pio_timer_port_at_ffff_takes_period),
	KUNIT_CASE(pio_bad_lengths_not_handled),
	KUNIT_CASE(pio_result_names_the_group),
	KUNIT_CASE(port_is_reserved_legacy_and_halt_only),
	KUNIT_CASE(port_maybe_ours_follows_groups),
	KUNIT_CASE_PARAM(pio_whole_port_space_matches_uapi,
			 port_space_gen_params),
	{}
};

static struct kunit_suite hlkvm_ports_test_suite = {
	.name = "hlkvm_ports",
	.test_cases = hlkvm_ports_test_cases,
};

kunit_test_suite(hlkvm_ports_test_suite);

MODULE_LICENSE("GPL");
