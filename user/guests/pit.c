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
 *      20 ms count, each the shortest of REPS runs. OUT2 must rise (3) and
 *      the ratio 20 ms / 10 ms lie in [1.5, 2.5] (4)
 *   3. a count of 0xffff, latched LATCHES times, by the counter latch
 *      command and by the read-back command in turn: the count never
 *      rises (5) and falls overall (6); the status read back says access
 *      LSB then MSB, mode 0, OUT low (7); with the TSC frequency known,
 *      the count falls at 1193182 Hz within a factor of 2 (8)
 * Output: key=value lines on port 0xE9; status on port 108: 0, or the
 * number of the first failed check.
 */
#include "lib.h"

#define PIT_HZ		1193182
#define REPS		5
#define LATCHES		64
#define REFRESH_READS	1000
/* Bound of one OUT2 wait: seconds of any plausible TSC */
#define OUT2_MAX_CYCLES	(20ULL * 1000 * 1000 * 1000)

static uint32_t failed;

static void check(bool ok, uint32_t code, const char *what)
{
	if (ok)
		return;
	puts_e9("FAIL ");
	puts_e9(what);
	outb(PORT_CONSOLE, '\n');
	if (!failed)
		failed = code;
}

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

static uint64_t shortest_one_shot(uint16_t count)
{
	uint64_t best = 0, c;
	unsigned int i;

	for (i = 0; i < REPS; i++) {
		c = one_shot(count);
		if (!c)
			return 0;
		if (!best || c < best)
			best = c;
	}
	return best;
}

static void calibrate(void)
{
	uint64_t c10, c20;

	gate2_on_speaker_off();
	c10 = shortest_one_shot(PIT_HZ / 100);
	c20 = shortest_one_shot(PIT_HZ / 50);
	kv("tsc_10ms", c10);
	kv("tsc_20ms", c20);
	check(c10 && c20, 3, "OUT2 rises at the end of the one-shot");
	if (!c10 || !c20)
		return;
	kv("ratio_x1000", c20 * 1000 / c10);
	check(c20 * 1000 / c10 >= 1500 && c20 * 1000 / c10 <= 2500, 4,
	      "20 ms / 10 ms one-shot in [1.5, 2.5]");
}

/* Latch channel 2 (counter latch or read-back) and read LSB, MSB */
static uint16_t latched(bool readback)
{
	uint16_t c;

	outb(0x43, readback ? 0xd8 : 0x80);
	c = inb(0x42);
	return c | (uint16_t)inb(0x42) << 8;
}

static void latched_counts(const struct boot_info *bi)
{
	uint16_t c[LATCHES];
	uint64_t t[LATCHES], rate;
	unsigned int i, rises = 0;
	uint8_t status;

	gate2_on_speaker_off();
	outb(0x43, 0xb0);
	outb(0x42, 0xff);
	outb(0x42, 0xff);
	for (i = 0; i < LATCHES; i++) {
		/* the last after ~10 ms, if the TSC frequency is known */
		if (i == LATCHES - 1 && bi->tsc_khz)
			spin_cycles(bi->tsc_khz * 10);
		t[i] = rdtsc();
		c[i] = latched(i % 2);
		if (i && c[i] > c[i - 1])
			rises++;
	}
	outb(0x43, 0xe8);		/* read-back: channel 2's status */
	status = inb(0x42);
	kv("latch_first", c[0]);
	kv("latch_second", c[1]);
	kv("latch_last", c[LATCHES - 1]);
	kv("latch_rises", rises);
	kv("pit_status", status);
	check(!rises, 5, "latched counts never rise");
	check(c[LATCHES - 1] < c[0], 6, "latched counts fall");
	check(status == 0x30, 7, "status: LSB then MSB, mode 0, OUT low");
	if (!bi->tsc_khz || t[LATCHES - 1] == t[0])
		return;
	/* counts per second of TSC: counts * tsc_khz * 1000 / cycles */
	rate = (uint64_t)(c[0] - c[LATCHES - 1]) * bi->tsc_khz * 1000 /
	       (t[LATCHES - 1] - t[0]);
	kv("count_hz", rate);
	check(rate >= PIT_HZ / 2 && rate <= 2ULL * PIT_HZ, 8,
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
