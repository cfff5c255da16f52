// SPDX-License-Identifier: GPL-2.0
/*
 * The port-cost guest of scripts/bench.
 *
 *   --arg N --arg ROUNDS --arg SET [--arg TSC_KHZ]
 *
 * For each of ROUNDS rounds, for each (port, direction) pair selected by
 * the bit mask SET (table below), times N one-byte accesses with the TSC
 * and prints one line "cost=NAME ROUND TSC_CYCLES N" (rd40: N counter
 * reads, each a latch command and two INs, as Linux's PIT clocksource
 * reads channel 0). Pairs are interleaved
 * inside a round, so a slow phase of the test host hits every pair alike;
 * a warm-up of N/20 + 1000 accesses per pair (nested page tables, TCG
 * translation) precedes the first round. TSC_KHZ
 * (hlkvm-run --arg tsc_khz) is echoed as tsc_khz= for the host side, which
 * turns cycles into time.
 *
 * N = 0 is the idle guest: interrupts off and hlt, forever. Its vCPU sleeps
 * in KVM and costs nothing, so an attached idle VM keeps hlkvm's hook
 * registered without stealing the test host's only CPU.
 */
#include "lib.h"

struct pair {
	const char *name;
	uint16_t port;
	bool in;
	bool latched;		/* a latch on 0x43 first, then two INs */
};

/* Bit i of SET selects pairs[i] */
static const struct pair pairs[] = {
	{ "out80", 0x80, false, false },	/* hlkvm: diag; KVM: ioeventfd */
	{ "in21", 0x21, true, false },		/* PIC data: both hlkvm and KVM's PIC */
	{ "out21", 0x21, false, false },
	{ "in40", 0x40, true, false },		/* PIT counter 0: hlkvm and KVM's PIT */
	{ "out90", 0x90, false, false },	/* nobody's port: always userspace */
	{ "in90", 0x90, true, false },
	/* PIT counter 2 counting (programmed below): the modelled read */
	{ "in42", 0x42, true, false },
	/* PIT counter 0 counting: latch + LSB + MSB, the modelled read */
	{ "rd40", 0x40, true, true },
};

#define PAIR_IN42	6
#define PAIR_RD40	7

/*
 * Channel 2 in mode 2 (no interrupt: only channel 0 has one), GATE on,
 * count 0: every IN 0x42 then computes a moving count, where in40 reads
 * a channel never programmed.
 */
static void pit_ch2_counting(void)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb4);
	outb(0x42, 0);
	outb(0x42, 0);
}

/*
 * Channel 0 in mode 2, count 0 (65536), LSB then MSB: counts, and (with
 * interrupts off, and no --pit-tick) drives nothing. Only with rd40:
 * in40 reads a channel never programmed.
 */
static void pit_ch0_counting(void)
{
	outb(0x43, 0x34);
	outb(0x40, 0);
	outb(0x40, 0);
}

void tick_handler(void)
{
	outb(0x20, 0x20);
}

static uint64_t storm(const struct pair *p, uint64_t n)
{
	uint64_t i, t0;

	t0 = rdtsc();
	if (p->latched)
		for (i = 0; i < n; i++) {
			outb(0x43, 0x00);
			(void)inb(p->port);
			(void)inb(p->port);
		}
	else if (p->in)
		for (i = 0; i < n; i++)
			(void)inb(p->port);
	else
		/* 0xff: masks every PIC input on 0x21, harmless elsewhere */
		for (i = 0; i < n; i++)
			outb(p->port, 0xff);
	return rdtsc() - t0;
}

uint32_t guest_main(const struct boot_info *bi)
{
	uint64_t n = bi->argc > 0 ? bi->arg[0] : 10000;
	uint64_t rounds = bi->argc > 1 ? bi->arg[1] : 1;
	uint64_t set = bi->argc > 2 ? bi->arg[2] : 1;
	unsigned int i, np = sizeof(pairs) / sizeof(pairs[0]);
	uint64_t r;

	if (!n) {
		for (;;)
			__asm__ volatile("cli; hlt" ::: "memory");
	}
	if (bi->argc > 3)
		kv("tsc_khz", bi->arg[3]);
	if (set & (1u << PAIR_IN42))
		pit_ch2_counting();
	if (set & (1u << PAIR_RD40))
		pit_ch0_counting();
	for (i = 0; i < np; i++)
		if (set & (1u << i))
			storm(&pairs[i], n / 20 + 1000);
	for (r = 1; r <= rounds; r++) {
		for (i = 0; i < np; i++) {
			if (!(set & (1u << i)))
				continue;
			puts_e9("cost=");
			puts_e9(pairs[i].name);
			outb(PORT_CONSOLE, ' ');
			put_u64(r);
			outb(PORT_CONSOLE, ' ');
			put_u64(storm(&pairs[i], n));
			outb(PORT_CONSOLE, ' ');
			put_u64(n);
			outb(PORT_CONSOLE, '\n');
		}
	}
	return 0;
}
