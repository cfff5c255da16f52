// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 guest: calibrates against PIT channel 2 as Linux's
 * pit_calibrate_tsc() and most small kernels do, and reads latched counts.
 * Only behaviour is checked, never how long anything took: the host may
 * be slow, loaded or nested. Runs the same under --accel=kernel, user and
 * kvm (KVM's own PIT, the reference).
 *   1. port 0x61: bits 0-1 read back as written, bits 2-3 and 6-7 never
 *      (check 1); bit 4 (refresh) changes within REFRESH_READS reads (2)
 *   2. channel 2 in mode 0 (0xb0), GATE high and the speaker off through
 *      0x61: TSC cycles until OUT2 (0x61 bit 5) rises, for a 10 ms and a
 *      20 ms count, each the shortest of REPS runs, the two interleaved.
 *      OUT2 must rise (3) and the ratio 20 ms / 10 ms lie in [1.5, 2.5]
 *      (4)
 *   3. a count of 0xffff, latched LATCHES times, by the counter latch
 *      command and by the read-back command in turn: the count never
 *      rises (5) and falls overall (6); the status read back says access
 *      LSB then MSB, mode 0, OUT low (7); with the TSC frequency known,
 *      the count falls at 1193182 Hz within a factor of 2 (8)
 * Checks 4-8 depend on the host running the guest without stalls of tens
 * of milliseconds, which a loaded nested host does not promise: a stall
 * lengthens a one-shot or lets the 55 ms count wrap between two latches.
 * Each of those parts is therefore run up to ROUNDS times and passes if
 * one round does; a wrong model fails every round, as its answers do not
 * depend on the host's load.
 * Output: key=value lines on port 0xE9; status on port 108: 0, or the
 * number of the first failed check.
 */
#include "lib.h"

#define PIT_HZ		1193182
#define REPS		7
#define ROUNDS		4
#define LATCHES		64
#define REFRESH_READS	1000
/* Bound of one OUT2 wait: seconds of any plausible TSC */
#define OUT2_MAX_CYCLES	(20ULL * 1000 * 1000 * 1000)



void tick_handler(void)
{
	outb(0x20, 0x20);
}

static void port61_bits(void)
{
	uint8_t first, v;
	unsigned int i;

	outb(0x61, 0xff);
	v = inb(0x61);
	kv("port61_after_ff", v);
	check((v & 0xcf) == 0x03, 1, "port 0x61 keeps bits 0-1 only");
	outb(0x61, 0x00);
	v = inb(0x61);
	kv("port61_after_00", v);
	check((v & 0xcf) == 0x00, 1, "port 0x61 keeps bits 0-1 only");
	first = inb(0x61) & 0x10;
	for (i = 0; i < REFRESH_READS; i++)
		if ((inb(0x61) & 0x10) != first)
			break;
	kv("refresh_reads", i + 1);
	check(i < REFRESH_READS, 2, "port 0x61 refresh bit changes");
}

static void gate2_on_speaker_off(void)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
}

/*
 * Channel 2, mode 0, LSB then MSB: TSC cycles until OUT2 rises, or 0.
 * The clock is read before the MSB, whose write loads the count: a host
 * stall can then only lengthen a run, never shorten it, and the shortest
 * of several is the estimate.
 */
static uint64_t one_shot(uint16_t count)
{
	uint64_t t0, t;

	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	t0 = rdtsc();
	outb(0x42, count >> 8);
	do {
		t = rdtsc();
		if (inb(0x61) & 0x20)
			return t - t0;
	} while (t - t0 < OUT2_MAX_CYCLES);
	return 0;
}

/* The shortest of REPS 10 ms and 20 ms one-shots, interleaved */
static bool shortest_one_shots(uint64_t *c10, uint64_t *c20)
{
	uint64_t c;
	unsigned int i;

	*c10 = 0;
	*c20 = 0;
	for (i = 0; i < 2 * REPS; i++) {
		c = one_shot(i % 2 ? PIT_HZ / 50 : PIT_HZ / 100);
		if (!c)
			return false;
		if (i % 2 && (!*c20 || c < *c20))
			*c20 = c;
		if (!(i % 2) && (!*c10 || c < *c10))
			*c10 = c;
	}
	return true;
}

static bool ratio_ok(uint64_t c10, uint64_t c20)
{
	return c20 * 1000 / c10 >= 1500 && c20 * 1000 / c10 <= 2500;
}

static void calibrate(void)
{
	uint64_t c10 = 0, c20 = 0;
	unsigned int round;
	bool rose = false;

	gate2_on_speaker_off();
	for (round = 1; round <= ROUNDS; round++) {
		rose = shortest_one_shots(&c10, &c20);
		if (!rose || ratio_ok(c10, c20))
			break;
	}
	kv("calibrate_rounds", round > ROUNDS ? ROUNDS : round);
	kv("tsc_10ms", c10);
	kv("tsc_20ms", c20);
	check(rose, 3, "OUT2 rises at the end of the one-shot");
	if (!rose)
		return;
	kv("ratio_x1000", c20 * 1000 / c10);
	check(ratio_ok(c10, c20), 4, "20 ms / 10 ms one-shot in [1.5, 2.5]");
}

/* Latch channel 2 (counter latch or read-back) and read LSB, MSB */
static uint16_t latched(bool readback)
{
	uint16_t c;

	outb(0x43, readback ? 0xd8 : 0x80);
	c = inb(0x42);
	return c | (uint16_t)inb(0x42) << 8;
}

struct latch_round {
	uint16_t first, second, last;
	unsigned int rises;
	uint8_t status;
	uint64_t rate;		/* counts per second of TSC, 0: unknown */
};

static void latch_round(const struct boot_info *bi, struct latch_round *r)
{
	uint16_t c[LATCHES];
	uint64_t t[LATCHES];
	unsigned int i;

	gate2_on_speaker_off();
	outb(0x43, 0xb0);
	outb(0x42, 0xff);
	outb(0x42, 0xff);
	r->rises = 0;
	for (i = 0; i < LATCHES; i++) {
		/* the last after ~10 ms, if the TSC frequency is known */
		if (i == LATCHES - 1 && bi->tsc_khz)
			spin_cycles(bi->tsc_khz * 10);
		t[i] = rdtsc();
		c[i] = latched(i % 2);
		if (i && c[i] > c[i - 1])
			r->rises++;
	}
	outb(0x43, 0xe8);		/* read-back: channel 2's status */
	r->status = inb(0x42);
	r->first = c[0];
	r->second = c[1];
	r->last = c[LATCHES - 1];
	r->rate = 0;
	/* counts per second of TSC: counts * tsc_khz * 1000 / cycles */
	if (bi->tsc_khz && t[LATCHES - 1] != t[0] && r->last < r->first)
		r->rate = (uint64_t)(r->first - r->last) * bi->tsc_khz * 1000 /
			  (t[LATCHES - 1] - t[0]);
}

static bool rate_ok(const struct boot_info *bi, uint64_t rate)
{
	return !bi->tsc_khz || (rate >= PIT_HZ / 2 && rate <= 2ULL * PIT_HZ);
}

static void latched_counts(const struct boot_info *bi)
{
	struct latch_round r;
	unsigned int round;

	for (round = 1; round <= ROUNDS; round++) {
		latch_round(bi, &r);
		if (!r.rises && r.last < r.first && rate_ok(bi, r.rate))
			break;
	}
	kv("latch_rounds", round > ROUNDS ? ROUNDS : round);
	kv("latch_first", r.first);
	kv("latch_second", r.second);
	kv("latch_last", r.last);
	kv("latch_rises", r.rises);
	kv("pit_status", r.status);
	check(!r.rises, 5, "latched counts never rise");
	check(r.last < r.first, 6, "latched counts fall");
	check(r.status == 0x30, 7, "status: LSB then MSB, mode 0, OUT low");
	if (!bi->tsc_khz)
		return;
	kv("count_hz", r.rate);
	check(rate_ok(bi, r.rate), 8,
	      "counts at 1193182 Hz within a factor of 2");
}

uint32_t guest_main(const struct boot_info *bi)
{
	port61_bits();
	calibrate();
	latched_counts(bi);
	kv("status", failed);
	return failed;
}
