// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot guest (hlkvm-run --snapshot / --restore). Ticks at
 * 1000 us, then asks for a snapshot with an IN from port 109: it reads 0
 * in the run that wrote it, 1 in every run restored from it (0xFFFFFFFF:
 * no --snapshot, a failure). Built two ways (-DMODE):
 *   snap.elf          the IN between ticks, in the main loop
 *   snap-inirq.elf    the IN inside the tick handler, before its EOI: the
 *                     restored run must still acknowledge that tick and
 *                     get the next ones
 *   snap-pit.elf      the tick from PIT channel 0, never the PV timer
 *                     (hlkvm-run --pit-tick): it stops the tick by putting
 *                     channel 0 into mode 0, which only stops it where the
 *                     restored VM is attached as the snapshot's was
 *   snap-aeoi.elf     the master 8259 in auto-EOI mode (ICW4 0x03), as
 *                     aeoi.elf, its handler writing no EOI, the IN in the
 *                     main loop, 200 ticks after it (not 20): the
 *                     restored run's ticks must come as fast without the
 *                     guest initialising its PIC again
 *                     (whether they waited for an acknowledgment that
 *                     never comes is told by the VMM's counters,
 *                     tests/host/e2e/aeoi.sh). KVM's full irqchip only
 * Either run then waits for AFTER more ticks without touching port 107
 * (a restored guest never re-arms: the timer must come back by itself),
 * checks the 8254 and port 0x61 it programmed before the snapshot, stops
 * the timer and checks that no tick follows. Output: key=value lines on
 * port 0xE9 (snap=, ticks_before=, first_tick=, ticks_after=, ...);
 * status on port 108: 0, or the number of the first failed check.
 * For scripts/bench: first_tick= is printed as soon as the first tick after
 * the IN arrived (a restore's stopwatch runs to that line); in the run that
 * takes the snapshot, snap_cycles= is the TSC across the IN (the whole save
 * as the guest sees it, its vCPU stopped meanwhile) and tsc_khz= its rate.
 */
#include "lib.h"

#define MODE_MAIN	0
#define MODE_INIRQ	1
#define MODE_PIT	2
#define MODE_AEOI	3
#ifndef MODE
#define MODE MODE_MAIN
#endif

#define PORT_SNAPSHOT	109
#define BEFORE		20	/* ticks before the snapshot */
/*
 * Ticks after it, in either run: more for snap-aeoi.elf, whose ticks are
 * judged against the stale guard's kicks, which a loaded host adds a few
 * of to any run
 */
#define AFTER		(MODE == MODE_AEOI ? 200 : 20)
#define PIT_DIVISOR	1193	/* channel 0: 1 kHz, mode 2 */
#define CH2_COUNT	0xfffe	/* channel 2: mode 0 */
#define SPEAKER_BITS	0x03	/* port 0x61: GATE2 and speaker data */
/* Bound of each wait, in TSC cycles, when the TSC rate is unknown */
#define WAIT_CYCLES	(1ULL << 35)
#define QUIET_PERIODS	20
#define STOP_GRACE	40

static volatile uint64_t ticks;
static volatile uint32_t snap = 0xdeadbeef;
static volatile bool snap_done;
static volatile uint64_t tsc_at_snap;

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}


void tick_handler(void)
{
	uint64_t n = __atomic_add_fetch(&ticks, 1, __ATOMIC_SEQ_CST);

	/* Inside the handler, the tick in service, its EOI still to come */
	if (MODE == MODE_INIRQ && n == BEFORE && !snap_done) {
		tsc_at_snap = rdtsc();
		snap = inl(PORT_SNAPSHOT);
		snap_done = true;
	}
	/* An auto-EOI PIC ended IRQ0's service when the CPU took it */
	if (MODE != MODE_AEOI)
		outb(0x20, 0x20);
}

/*
 * A snapshot taken inside the tick handler lands inside this loop, and a
 * restored run resumes in it with @t0 from before: on a KVM whose guest
 * TSC follows the host's (PVM) the TSC then says the whole time between
 * snapshot and restore has passed. So a wait past its bound still counts
 * the ticks that came.
 */
static bool wait_ticks(uint64_t n, uint64_t max_cycles)
{
	uint64_t t0 = rdtsc();

	while (ticks < n) {
		if (rdtsc() - t0 > max_cycles)
			return ticks >= n;
		sti();
		pause();
	}
	return true;
}

static uint16_t read_counter(unsigned int ch)
{
	uint8_t lo, hi;

	outb(0x43, ch << 6);		/* latch */
	lo = inb(0x40 + ch);
	hi = inb(0x40 + ch);
	return (uint16_t)(hi << 8 | lo);
}

uint32_t guest_main(struct boot_info *bi)
{
	uint64_t per_tick = bi->tsc_khz ? bi->tsc_khz : 0;
	/*
	 * A liveness bound, not a timing check: 200 periods a tick, for the
	 * nested test host under load stalls for hundreds of ms (one restore
	 * in 1,000 missed 40 periods a tick)
	 */
	uint64_t bound = per_tick ? per_tick * 200 * AFTER : WAIT_CYCLES;
	uint64_t t, c0, tsc_after;
	uint8_t st2;

	/* A PC guest's PIC and PIT, as timer.elf programs them (ICW4 AEOI) */
	outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04);
	outb(0x21, MODE == MODE_AEOI ? 0x03 : 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x21, 0xfe);
	outb(0xa1, 0xff);
	outb(0x43, 0x34);
	outb(0x40, PIT_DIVISOR & 0xff);
	outb(0x40, PIT_DIVISOR >> 8);
	outb(0x61, SPEAKER_BITS);
	outb(0x43, 0xb0);		/* ch2, lo/hi, mode 0 */
	outb(0x42, CH2_COUNT & 0xff);
	outb(0x42, CH2_COUNT >> 8);

	if (MODE != MODE_PIT)
		outl(PORT_PV_TIMER, 1000);
	check(wait_ticks(BEFORE - (MODE == MODE_INIRQ ? 0 : 1), bound), 1,
	      "ticks before the snapshot");
	if (MODE != MODE_INIRQ) {
		tsc_at_snap = rdtsc();
		snap = inl(PORT_SNAPSHOT);
		snap_done = true;
	}
	tsc_after = rdtsc();
	t = ticks;
	kv("snap", snap);
	kv("ticks_before", t);
	kv("tsc_at_snap", tsc_at_snap);
	kv("tsc_after_snap", tsc_after);
	check(snap == 0 || snap == 1, 2, "port 109 reads 0 or 1");
	check(tsc_after > tsc_at_snap, 9,
	      "the TSC goes on from its value at the snapshot");
	if (failed)
		return failed;

	/* No write to port 107 here: a restored timer ticks by itself */
	check(wait_ticks(t + 1, bound), 3, "the first tick after the snapshot");
	kv("first_tick", ticks - t);
	/* A restored run's TSC went on from the snapshot's: no figure there */
	if (MODE != MODE_INIRQ && !snap) {
		kv("snap_cycles", tsc_after - tsc_at_snap);
		kv("tsc_khz", bi->tsc_khz);
	}
	check(wait_ticks(t + AFTER, bound), 3, "ticks after the snapshot");
	kv("ticks_after", ticks - t);

	c0 = read_counter(0);
	outb(0x43, 0xe8);		/* read-back: channel 2's status only */
	st2 = inb(0x42);
	kv("ch0", c0);
	kv("ch2_status", st2);
	check(c0 >= 1 && c0 <= PIT_DIVISOR, 4, "channel 0 counts in mode 2");
	check((st2 & 0x3f) == 0x30, 5,
	      "channel 2 keeps its control word (lo/hi, mode 0)");
	check((inb(0x61) & SPEAKER_BITS) == SPEAKER_BITS, 6,
	      "port 0x61 keeps GATE2 and speaker data");

	if (MODE == MODE_PIT) {
		/* mode 0, a one-shot: channel 0 no longer repeats */
		outb(0x43, 0x30);
		outb(0x40, 0xff);
		outb(0x40, 0xff);
	} else {
		outl(PORT_PV_TIMER, 0);
	}
	t = ticks;
	spin_cycles(per_tick ? STOP_GRACE * per_tick : WAIT_CYCLES / 64);
	check(ticks - t <= 1, 7, "at most the tick in flight after the stop");
	t = ticks;
	spin_cycles(per_tick ? QUIET_PERIODS * per_tick : WAIT_CYCLES / 64);
	kv("ticks_after_stop", ticks - t);
	check(ticks == t, 8, "no tick after the stop");
	kv("status", failed);
	return failed;
}
