// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * The 8254 and port 0x61, computed as KVM's arch/x86/kvm/i8254.c computes
 * them: a channel's count and OUT follow from the input clock periods
 * elapsed since its count was loaded, read from the caller's clock at
 * every access, so nothing runs between accesses.
 *
 * Where i8254.c departs from the datasheet (Intel 82C54, "Mode
 * Definitions"), the datasheet wins:
 *  - OUT in modes 1, 2, 4 and 5: i8254.c (like QEMU) has it inverted.
 *    Mode 1's one-shot pulse is low; modes 2, 4 and 5 pulse low for one
 *    clock (mode 2 while the count is 1, modes 4 and 5 at 0).
 *  - Mode 3 with an odd count N: high for (N + 1) / 2 clocks and low for
 *    (N - 1) / 2, reading N - 1, N - 3, ..., 0 and N - 1, ..., 2
 *    (i8254.c: "XXX: may be incorrect for odd counts").
 *  - GATE low stops counting in modes 0, 2, 3 and 4 and holds OUT high
 *    in modes 2 and 3; a rising edge resumes modes 0 and 4 where they
 *    stopped and reloads the others (i8254.c only does the reload).
 *  - A control word stops the channel until its count is written (OUT
 *    low in mode 0, high in the others), sets NULL COUNT (status bit 6)
 *    until then, and drops a latched count or status not read yet ("held
 *    until read, or until the counter is reprogrammed").
 *  - In mode 0, writing the first byte of an LSB-then-MSB count stops
 *    counting and drives OUT low; the second byte loads it.
 * As i8254.c does, and unlike the part: a whole count loads the counter
 * at once in every mode (the part waits for the end of the period in
 * modes 2 and 3, and for a gate trigger in modes 1 and 5: on a PC,
 * channels 0 and 1 have GATE tied high and would never see one); BCD
 * counting is binary; the clock that moves a count into the counter
 * takes no time.
 */
#include "pit.h"

#define PIT_NS_PER_SEC		1000000000U
#define PIT_FULL_COUNT		0x10000U	/* a count of 0 */

/* The control word: SC1-SC0, RW1-RW0, M2-M0, BCD */
#define PIT_CW_SELECT(v)	((v) >> 6)
#define PIT_CW_ACCESS(v)	(((v) >> 4) & 3)
#define PIT_CW_BITS		0x3f
#define PIT_SELECT_READBACK	3
/* The read-back command: bit 5 low latches counts, bit 4 low statuses */
#define PIT_RB_NO_COUNT		0x20
#define PIT_RB_NO_STATUS	0x10
#define PIT_RB_CHANNEL(ch)	(2U << (ch))
/* Status byte: OUT, NULL COUNT, then bits 5-0 of the control word */
#define PIT_STATUS_OUT		0x80
#define PIT_STATUS_NULL		0x40

/* Access modes (RW1-RW0) */
#define PIT_ACCESS_LSB		1
#define PIT_ACCESS_MSB		2
#define PIT_ACCESS_WORD		3

/* Port 0x61 */
#define PORT61_GATE2		0x01
#define PORT61_SPEAKER		0x02
#define PORT61_WRITABLE		(PORT61_GATE2 | PORT61_SPEAKER)
#define PORT61_REFRESH		0x10
#define PORT61_OUT2		0x20

u64 hlkvm_pit_ticks(u64 ns)
{
	u32 rem;
	u64 sec = div_u64_rem(ns, PIT_NS_PER_SEC, &rem);

	/* sec < 2^35 and rem < 2^30: neither product reaches 2^64 */
	return sec * HLKVM_PIT_HZ +
	       div_u64((u64)rem * HLKVM_PIT_HZ, PIT_NS_PER_SEC);
}

static unsigned int pit_access(const struct hlkvm_pit_channel *c)
{
	return PIT_CW_ACCESS(c->cw);
}

/* Modes 6 and 7 are modes 2 and 3 (M2 is "don't care" there) */
static unsigned int pit_mode(const struct hlkvm_pit_channel *c)
{
	unsigned int m = (c->cw >> 1) & 7;

	return m > 5 ? m - 4 : m;
}

static u32 pit_n(const struct hlkvm_pit_channel *c)
{
	return c->count ? c->count : PIT_FULL_COUNT;
}

static bool pit_gate(const struct hlkvm_pit_state *pit, unsigned int ch)
{
	/* On a PC, only channel 2's GATE is wired to anything: port 0x61 */
	return ch != 2 || (pit->port61 & PORT61_GATE2);
}

static u64 pit_elapsed_ns(const struct hlkvm_pit_channel *c, u64 now_ns)
{
	return now_ns > c->start_ns ? now_ns - c->start_ns : 0;
}

/* The counter while it counts, @d clock periods after its load */
static u16 pit_count_at(const struct hlkvm_pit_channel *c, u64 d)
{
	u32 n = pit_n(c), p, half;

	switch (pit_mode(c)) {
	case 2:
		/* N, N - 1, ..., 1, reloading N when 1 would go to 0 */
		div_u64_rem(d, n, &p);
		return n - p;
	case 3:
		/* By twos, reloading at each half; an odd N loads N - 1 */
		div_u64_rem(d, n, &p);
		half = (n + 1) / 2;
		if (p >= half)
			p -= half;
		return (n & ~1U) - 2 * p;
	default:
		/* Modes 0, 1, 4, 5 run on past 0 through 0xffff */
		return (u16)(n - d);
	}
}

static bool pit_out_at(const struct hlkvm_pit_channel *c, u64 d)
{
	u32 n = pit_n(c), p;

	switch (pit_mode(c)) {
	case 0:
	case 1:
		/* Low from the load (mode 1: the trigger) until the count ends */
		return d >= n;
	case 2:
		div_u64_rem(d, n, &p);
		return p != n - 1;
	case 3:
		div_u64_rem(d, n, &p);
		return p < (n + 1) / 2;
	default:
		/* Modes 4 and 5: one low clock when the count reaches 0 */
		return d != n;
	}
}

static u16 pit_count_now(const struct hlkvm_pit_channel *c, u64 now_ns)
{
	if (!(c->flags & HLKVM_PIT_F_COUNTING))
		return c->held;
	return pit_count_at(c, hlkvm_pit_ticks(pit_elapsed_ns(c, now_ns)));
}

static bool pit_out_now(const struct hlkvm_pit_channel *c, u64 now_ns)
{
	if (!(c->flags & HLKVM_PIT_F_COUNTING))
		return c->flags & HLKVM_PIT_F_OUT;
	return pit_out_at(c, hlkvm_pit_ticks(pit_elapsed_ns(c, now_ns)));
}

bool hlkvm_pit_out(const struct hlkvm_pit_state *pit, unsigned int ch,
		   u64 now_ns)
{
	if (ch >= HLKVM_PIT_CHANNELS)
		return false;
	return pit_out_now(&pit->ch[ch], now_ns);
}

static void pit_set_out(struct hlkvm_pit_channel *c, bool out)
{
	if (out)
		c->flags |= HLKVM_PIT_F_OUT;
	else
		c->flags &= ~HLKVM_PIT_F_OUT;
}

/* Stop counting: the counter keeps its value, OUT is @out from now on */
static void pit_hold(struct hlkvm_pit_channel *c, u64 now_ns, bool out)
{
	if (c->flags & HLKVM_PIT_F_COUNTING) {
		c->held = pit_count_now(c, now_ns);
		c->held_ns = pit_elapsed_ns(c, now_ns);
		c->flags &= ~HLKVM_PIT_F_COUNTING;
	}
	pit_set_out(c, out);
}

static void pit_start(struct hlkvm_pit_channel *c, u64 start_ns)
{
	c->start_ns = start_ns;
	c->flags |= HLKVM_PIT_F_COUNTING;
}

/* A whole count was written: load it */
static void pit_load(struct hlkvm_pit_state *pit, unsigned int ch, u16 val,
		     u64 now_ns)
{
	struct hlkvm_pit_channel *c = &pit->ch[ch];
	unsigned int mode = pit_mode(c);

	c->count = val;
	c->flags |= HLKVM_PIT_F_LOADED;
	c->flags &= ~HLKVM_PIT_F_NULL;
	/* Modes 1 and 5: the load is the trigger (see the top) */
	if (pit_gate(pit, ch) || mode == 1 || mode == 5) {
		pit_start(c, now_ns);
		return;
	}
	/* Loaded with GATE low: waits for it, OUT as the mode starts */
	c->flags &= ~HLKVM_PIT_F_COUNTING;
	c->held = val;
	c->held_ns = 0;
	pit_set_out(c, mode != 0);
}

static void pit_write_count(struct hlkvm_pit_state *pit, unsigned int ch,
			    u8 val, u64 now_ns)
{
	struct hlkvm_pit_channel *c = &pit->ch[ch];

	switch (pit_access(c)) {
	case PIT_ACCESS_LSB:
		pit_load(pit, ch, val, now_ns);
		break;
	case PIT_ACCESS_MSB:
		pit_load(pit, ch, (u16)val << 8, now_ns);
		break;
	case PIT_ACCESS_WORD:
		if (c->flags & HLKVM_PIT_F_WRITE_MSB) {
			c->flags &= ~HLKVM_PIT_F_WRITE_MSB;
			pit_load(pit, ch, c->write_lsb | (u16)val << 8, now_ns);
			break;
		}
		c->write_lsb = val;
		c->flags |= HLKVM_PIT_F_WRITE_MSB;
		/* Mode 0: the first byte stops the count and lowers OUT */
		if (pit_mode(c) == 0) {
			pit_hold(c, now_ns, false);
			c->flags &= ~HLKVM_PIT_F_LOADED;
		}
		break;
	default:
		/* No control word yet: the part's state is undefined */
		break;
	}
}

static void pit_latch_count(struct hlkvm_pit_channel *c, u64 now_ns)
{
	/* A second latch before the first is read is ignored */
	if (c->latched)
		return;
	c->latch = pit_count_now(c, now_ns);
	c->latched = pit_access(c);
}

static void pit_latch_status(struct hlkvm_pit_channel *c, u64 now_ns)
{
	if (c->flags & HLKVM_PIT_F_STATUS)
		return;
	c->status = (pit_out_now(c, now_ns) ? PIT_STATUS_OUT : 0) |
		    (c->flags & HLKVM_PIT_F_NULL ? PIT_STATUS_NULL : 0) |
		    c->cw;
	c->flags |= HLKVM_PIT_F_STATUS;
}

static void pit_control_word(struct hlkvm_pit_channel *c, u8 val, u64 now_ns)
{
	/* The counter stops where the old mode had it */
	pit_hold(c, now_ns, false);
	c->cw = val & PIT_CW_BITS;
	c->latched = 0;
	c->flags &= ~(HLKVM_PIT_F_LOADED | HLKVM_PIT_F_READ_MSB |
		      HLKVM_PIT_F_WRITE_MSB | HLKVM_PIT_F_STATUS);
	c->flags |= HLKVM_PIT_F_NULL;
	/* Until its count comes, OUT is low in mode 0 and high otherwise */
	pit_set_out(c, pit_mode(c) != 0);
}

void hlkvm_pit_write(struct hlkvm_pit_state *pit, unsigned int reg, u8 val,
		     u64 now_ns)
{
	unsigned int ch = PIT_CW_SELECT(val);

	if (reg < HLKVM_PIT_CHANNELS) {
		pit_write_count(pit, reg, val, now_ns);
		return;
	}
	if (reg != HLKVM_PIT_CHANNELS)
		return;
	if (ch == PIT_SELECT_READBACK) {
		/* Status first: a read returns it before the count */
		for (ch = 0; ch < HLKVM_PIT_CHANNELS; ch++) {
			if (!(val & PIT_RB_CHANNEL(ch)))
				continue;
			if (!(val & PIT_RB_NO_COUNT))
				pit_latch_count(&pit->ch[ch], now_ns);
			if (!(val & PIT_RB_NO_STATUS))
				pit_latch_status(&pit->ch[ch], now_ns);
		}
	} else if (PIT_CW_ACCESS(val) == 0) {
		pit_latch_count(&pit->ch[ch], now_ns);
	} else {
		pit_control_word(&pit->ch[ch], val, now_ns);
	}
}

u8 hlkvm_pit_read(struct hlkvm_pit_state *pit, unsigned int ch, u64 now_ns)
{
	struct hlkvm_pit_channel *c;
	u16 count;

	if (ch >= HLKVM_PIT_CHANNELS)
		return 0;
	c = &pit->ch[ch];
	if (c->flags & HLKVM_PIT_F_STATUS) {
		c->flags &= ~HLKVM_PIT_F_STATUS;
		return c->status;
	}
	switch (c->latched) {
	case PIT_ACCESS_LSB:
		c->latched = 0;
		return c->latch & 0xff;
	case PIT_ACCESS_MSB:
		c->latched = 0;
		return c->latch >> 8;
	case PIT_ACCESS_WORD:
		c->latched = PIT_ACCESS_MSB;
		return c->latch & 0xff;
	default:
		break;
	}
	count = pit_count_now(c, now_ns);
	switch (pit_access(c)) {
	case PIT_ACCESS_MSB:
		return count >> 8;
	case PIT_ACCESS_WORD:
		c->flags ^= HLKVM_PIT_F_READ_MSB;
		if (!(c->flags & HLKVM_PIT_F_READ_MSB))
			return count >> 8;
		return count & 0xff;
	default:
		/* LSB, and a channel without a control word, as i8254.c */
		return count & 0xff;
	}
}

/* Channel 2's GATE changed to @high */
static void pit_gate2_edge(struct hlkvm_pit_state *pit, bool high,
			   u64 now_ns)
{
	struct hlkvm_pit_channel *c = &pit->ch[2];
	unsigned int mode = pit_mode(c);

	if (!high) {
		if (!(c->flags & HLKVM_PIT_F_COUNTING))
			return;
		if (mode == 0 || mode == 4)
			pit_hold(c, now_ns, pit_out_now(c, now_ns));
		else if (mode == 2 || mode == 3)
			pit_hold(c, now_ns, true);
		/* Modes 1 and 5 ignore the level */
		return;
	}
	if (!(c->flags & HLKVM_PIT_F_LOADED))
		return;
	if (mode == 0 || mode == 4) {
		if (!(c->flags & HLKVM_PIT_F_COUNTING))
			pit_start(c, now_ns > c->held_ns ?
					     now_ns - c->held_ns : 0);
		return;
	}
	/* Modes 1, 2, 3 and 5: the rising edge (re)loads the count */
	pit_start(c, now_ns);
}

u8 hlkvm_pit_port61_read(struct hlkvm_pit_state *pit, u64 now_ns)
{
	/* A read toggles refresh: delay loops that wait for edges end */
	pit->port61 ^= PORT61_REFRESH;
	return (pit->port61 & (PORT61_WRITABLE | PORT61_REFRESH)) |
	       (pit_out_now(&pit->ch[2], now_ns) ? PORT61_OUT2 : 0);
}

void hlkvm_pit_port61_write(struct hlkvm_pit_state *pit, u8 val, u64 now_ns)
{
	bool gate = val & PORT61_GATE2;

	if (gate != pit_gate(pit, 2))
		pit_gate2_edge(pit, gate, now_ns);
	/* Bits 2-7 are read-only status or not modelled: not stored */
	pit->port61 = (pit->port61 & PORT61_REFRESH) | (val & PORT61_WRITABLE);
}
