// SPDX-License-Identifier: GPL-2.0
/*
 * The hostile guest: what a guest that wants to hurt its host does to
 * hlkvm's ports. --arg SCENARIO [--arg N]:
 *
 *   0 ports  every absorbed port (PIC, PIT, speaker, diag, the PV timer
 *            port) and its neighbours, IN and OUT, of 1, 2 and 4 bytes,
 *            with PRNG values, then string IO (rep ins/outs of bytes,
 *            words, dwords; counts 1 to 64; forwards and, with DF set,
 *            backwards; a buffer crossing a page), N rounds (default 4).
 *            Interrupts stay off; the timer is stopped at the end. The
 *            module's counters for a run must equal the fallback's for
 *            the same run (e2e/hostile.sh compares them).
 *   1 flip   the timer port written from the tick handler on every tick:
 *            1, 2 and 4 bytes, and 3 and 8 as string IO (x86 has no
 *            3- or 8-byte port access: rep outsb of 3 and rep outsd of
 *            2), periods 0, 1, 100, 101, 10 s + 1, 0xFFFFFFFF and PRNG
 *            values, each followed by a sane 4-byte period (100 to
 *            499 us) so the run goes on; N ticks (default 200) or a
 *            bound of TSC time.
 *   2 eoi    an EOI storm without ticks: the timer never armed, N
 *            (default 20000) IRQ0 EOIs on port 0x20 in every form the
 *            bridge decodes (0x20, 0x60, 0xA0, 0xE0), with OCW3 and ICW1
 *            bytes between; the module must ignore each.
 *   3 min    the minimum period: asks for 1 us (clamped to the module's
 *            minimum), acknowledges every tick, for N (default 2000)
 *            ticks or a bound of TSC time; e2e/hostile.sh runs several
 *            at once.
 *
 * Prints key=value lines: what it did, counted as the module counts it
 * (one per instruction, one per element of a string instruction), so the
 * script can check the module's counters against them. Status 0, or
 * 0xE00000vv for an exception (start.S). With KVM's PIC (boot info) the
 * PIC is remapped first for the scenarios that take ticks.
 */
#include "lib.h"

#define SCEN_PORTS	0
#define SCEN_FLIP	1
#define SCEN_EOI	2
#define SCEN_MIN	3

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint32_t prng(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* rep outs/ins of @count elements of @size bytes at @buf; @back: DF set */
static void rep_out(uint16_t port, const void *buf, uint64_t count,
		    unsigned int size, bool back)
{
	if (back)
		__asm__ volatile("std" ::: "memory");
	switch (size) {
	case 1:
		__asm__ volatile("rep outsb"
				 : "+S"(buf), "+c"(count) : "d"(port) : "memory");
		break;
	case 2:
		__asm__ volatile("rep outsw"
				 : "+S"(buf), "+c"(count) : "d"(port) : "memory");
		break;
	default:
		__asm__ volatile("rep outsl"
				 : "+S"(buf), "+c"(count) : "d"(port) : "memory");
		break;
	}
	__asm__ volatile("cld" ::: "memory");
}

static void rep_in(uint16_t port, void *buf, uint64_t count,
		   unsigned int size, bool back)
{
	if (back)
		__asm__ volatile("std" ::: "memory");
	switch (size) {
	case 1:
		__asm__ volatile("rep insb"
				 : "+D"(buf), "+c"(count) : "d"(port) : "memory");
		break;
	case 2:
		__asm__ volatile("rep insw"
				 : "+D"(buf), "+c"(count) : "d"(port) : "memory");
		break;
	default:
		__asm__ volatile("rep insl"
				 : "+D"(buf), "+c"(count) : "d"(port) : "memory");
		break;
	}
	__asm__ volatile("cld" ::: "memory");
}

/* Absorbed ports, the timer port and neighbours that are not absorbed */
static const uint16_t ports[] = {
	0x1f, 0x20, 0x21, 0x22, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44,
	0x60, 0x61, 0x62, 0x7f, 0x80, 0x81, 0x9f, 0xa0, 0xa1, 0xa2,
	PORT_PV_TIMER - 1, PORT_PV_TIMER, 0xe8,
};
#define NPORTS (sizeof(ports) / sizeof(ports[0]))

/* Two pages, so that string IO can cross from one into the next */
static uint8_t strbuf[8192] __attribute__((aligned(4096)));

static uint64_t ins, outs, str_elems, timer_out4;

static void ports_round(void)
{
	static const unsigned int counts[] = { 1, 2, 3, 7, 16, 64 };
	unsigned int i, s, c;
	uint64_t sink = 0;

	for (i = 0; i < NPORTS; i++) {
		uint16_t p = ports[i];
		uint32_t v = prng();

		/* 4-byte writes to the timer port start it: mostly 0 (stop) */
		if (p == PORT_PV_TIMER && (v & 3))
			v = 0;
		outb(p, v);
		outw(p, v);
		outl(p, v);
		outs += 3;
		timer_out4 += p == PORT_PV_TIMER;
		sink += inb(p) + inw(p) + inl(p);
		ins += 3;
	}
	for (s = 1; s <= 4; s *= 2)
		for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
			for (i = 0; i < NPORTS; i++) {
				uint16_t p = ports[i];
				uint64_t n = counts[c];
				/* the page boundary at 4096 inside the run */
				uint8_t *b = strbuf + 4096 - (n * s) / 2;
				bool back = (c + i) & 1;
				unsigned int k;

				for (k = 0; k < n * s; k++)
					b[k] = p == PORT_PV_TIMER ? 0 : prng();
				/* backwards, RSI/RDI start at the last element */
				rep_out(p, back ? b + (n - 1) * s : b, n, s,
					back);
				rep_in(p, back ? b + (n - 1) * s : b, n, s,
				       back);
				str_elems += 2 * n;
				if (p == PORT_PV_TIMER && s == 4)
					timer_out4 += n;
			}
	/* the buffer holds what the ports answered: keep the reads live */
	kv("sink", sink & 0xff);
}

static volatile uint64_t ticks;
static int scenario;
static uint64_t flip_writes[5];		/* by size: 1, 2, 3, 4, 8 */

static void ack(void)
{
	outb(0x20, 0x20);
}

static void flip(void)
{
	static const uint32_t periods[] = {
		0, 1, 100, 101, 10000001, 0xffffffff, 1000,
	};
	uint32_t pv[2];
	uint32_t v = periods[ticks % (sizeof(periods) / sizeof(periods[0]))];

	if (prng() % 4 == 0)
		v = prng();
	pv[0] = v;
	pv[1] = 100 + prng() % 1000;
	switch (ticks % 5) {
	case 0:
		outb(PORT_PV_TIMER, v);
		flip_writes[0]++;
		break;
	case 1:
		outw(PORT_PV_TIMER, v);
		flip_writes[1]++;
		break;
	case 2:
		rep_out(PORT_PV_TIMER, pv, 3, 1, false);
		flip_writes[2]++;
		break;
	case 3:
		outl(PORT_PV_TIMER, v ? v : 100);
		flip_writes[3]++;
		timer_out4++;
		break;
	default:
		rep_out(PORT_PV_TIMER, pv, 2, 4, false);
		flip_writes[4]++;
		timer_out4 += 2;
		break;
	}
	/*
	 * Then a sane period, 4 bytes: a 0 written above would leave the
	 * timer stopped, 10 s would stall the run
	 */
	outl(PORT_PV_TIMER, 100 + prng() % 400);
	timer_out4++;
}

void tick_handler(void)
{
	ticks++;
	if (scenario == SCEN_FLIP)
		flip();
	ack();
}

static void pic_remap(void)
{
	outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x21, 0xfe);
	outb(0xa1, 0xff);
}

/* Wait with interrupts on until @n ticks or @cycles of TSC */
static void wait_ticks(uint64_t n, uint64_t cycles)
{
	uint64_t t0 = rdtsc();

	sti();
	while (ticks < n && rdtsc() - t0 < cycles)
		pause();
	cli();
}

uint32_t guest_main(const struct boot_info *bi)
{
	uint64_t n = bi->argc > 1 ? bi->arg[1] : 0;
	/* a bound on the runs that wait for ticks: ~20 s at 3 GHz */
	uint64_t bound = (bi->tsc_khz ? bi->tsc_khz : 3000000) * 20000ULL;
	uint64_t i, eois = 0;

	scenario = bi->argc > 0 ? bi->arg[0] : SCEN_PORTS;
	kv("scenario", scenario);
	switch (scenario) {
	case SCEN_PORTS:
		for (i = 0; i < (n ? n : 4); i++)
			ports_round();
		outl(PORT_PV_TIMER, 0);
		timer_out4++;
		outs++;
		kv("ins", ins);
		kv("outs", outs);
		kv("string_elements", str_elems);
		break;
	case SCEN_FLIP:
		if (bi->irqchip == BOOT_IRQCHIP_KERNEL)
			pic_remap();
		outl(PORT_PV_TIMER, 100);
		timer_out4++;
		wait_ticks(n ? n : 200, bound);
		outl(PORT_PV_TIMER, 0);
		timer_out4++;
		kv("flip_1", flip_writes[0]);
		kv("flip_2", flip_writes[1]);
		kv("flip_3", flip_writes[2]);
		kv("flip_4", flip_writes[3]);
		kv("flip_8", flip_writes[4]);
		break;
	case SCEN_EOI: {
		static const uint8_t eoi[] = { 0x20, 0x60, 0xa0, 0xe0 };

		for (i = 0; i < (n ? n : 20000); i++) {
			outb(0x20, eoi[i % 4]);
			eois++;
			if (i % 64 == 0)
				outb(0x20, 0x0b);	/* OCW3: read ISR */
			if (i % 1024 == 0)
				outb(0x20, 0x11);	/* ICW1 */
		}
		kv("eois", eois);
		break;
	}
	case SCEN_MIN:
		if (bi->irqchip == BOOT_IRQCHIP_KERNEL)
			pic_remap();
		outl(PORT_PV_TIMER, 1);
		timer_out4++;
		wait_ticks(n ? n : 2000, bound);
		outl(PORT_PV_TIMER, 0);
		timer_out4++;
		break;
	default:
		kv("unknown_scenario", scenario);
		return 1;
	}
	kv("timer_out4", timer_out4);
	kv("ticks", ticks);
	return 0;
}
