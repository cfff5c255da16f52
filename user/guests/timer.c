// SPDX-License-Identifier: GPL-2.0
/*
 * The timer guest, the acceptance guest. Built four ways (-DMODE):
 *   timer.elf          remap the PIC, program the PIT, touch every absorbed
 *                      port a known number of times checking each IN, run
 *                      the PV timer at 1000 us for TICKS ticks, stop it and
 *                      check that no tick follows; --arg CMD acknowledges
 *                      with that 8259 command instead of 0x20 (0x60 is
 *                      Linux's specific EOI of IRQ0, 0xA0 and 0xE0 the
 *                      rotate forms)
 *   timer-noack.elf    the handler never acknowledges: exactly one tick in
 *                      200 periods, then exactly one more after each of
 *                      NOACK_EOIS EOIs sent from the main loop
 *   timer-restart.elf  the handler stops the timer, acknowledges, restarts:
 *                      ticks must keep coming
 *   timer-min.elf      asks for 1 us: ticks counted over 20 periods of the
 *                      1000 us calibration must show a period >= ~100 us
 *                      (ratio_x1000 = 1000 * period / 1000 us >= 90)
 *   timer-soak.elf     100 us for --arg SECONDS (default 1), counts ticks
 *                      and the seconds (of 1000 periods) that had none
 *   timer-xapic.elf    as timer.elf, but every tick is acknowledged by a
 *                      LAPIC EOI through xAPIC MMIO (0 to 0xFEE000B0), never
 *                      on port 0x20: only the kvm:kvm_eoi probe sees it
 *   timer-x2apic.elf   the same after switching to x2APIC mode: EOI by
 *                      "wrmsr 0x80B, 0"
 *   timer-apicoff.elf  clears the LAPIC's global enable (IA32_APIC_BASE bit
 *                      11) before arming the timer, as guests that find no
 *                      I/O APIC do: ticks must still come (split irqchip:
 *                      hlkvm re-enables it when the timer is armed, as
 *                      hyperlight does; full irqchip: KVM's PIC delivers to
 *                      a disabled LAPIC as to a 486's pin)
 * Every mode first calibrates TSC cycles per 1000 us period on acknowledged
 * ticks. Output: key=value lines on port 0xE9, including the guest's own
 * count of every port access by group (pic_in=, pic_out=, ...), so a test
 * can compare them with the module's counters. Status on port 108: 0, or
 * the number of the first failed check.
 *
 * The PIC is programmed as a PC guest does (ICW1-4 remapping IRQ0 to
 * vector 0x20, OCW1 unmasking IRQ0 only), and every tick is acknowledged
 * with an 8259 EOI, so the same image runs against hlkvm's PIC table
 * (split irqchip) and against KVM's own 8259 (full irqchip). The boot
 * info says which one answers (BOOT_IRQCHIP_*): only the PIC reads
 * differ, hlkvm's table reading 0xFF where a real 8259 reads back the
 * IMR it was given; with KVM's 8259 the tick must also be in service
 * (ISR bit 0) while its handler runs.
 */
#include "lib.h"

#define MODE_NORMAL	0
#define MODE_NOACK	1
#define MODE_RESTART	2
#define MODE_MIN	3
#define MODE_SOAK	4
#define MODE_XAPIC	5
#define MODE_X2APIC	6
#define MODE_APICOFF	7
#ifndef MODE
#define MODE MODE_NORMAL
#endif

#define TICKS		50
#define CAL_TICKS	10
#define TOUCHES		3	/* IN and OUT of every absorbed port, each */
#define NOACK_EOIS	2	/* timer-noack.elf: EOIs sent, a tick each */
#define STOP_GRACE	40	/* periods an in-flight tick may take to land */
#define IMR_IRQ0_ONLY	0xfe	/* OCW1 of the master: only IRQ0 unmasked */

#define MSR_APIC_BASE		0x1b
#define APIC_BASE_EXTD		(1ULL << 10)	/* x2APIC mode */
#define APIC_BASE_EN		(1ULL << 11)	/* global enable */
#define MSR_X2APIC_EOI		0x80b
#define XAPIC_MMIO		0xfee00000UL	/* hlkvm-run maps it, uncached */
#define XAPIC_EOI		0xb0
#define XAPIC_SVR		0xf0
/* Bound of the first tick's wait before any calibration: seconds of TSC */
#define FIRST_TICK_CYCLES	(1ULL << 34)

enum group { PIC, PIT, SPEAKER, DIAG, NGROUPS };
static const char *const in_key[NGROUPS] = {
	"pic_in", "pit_in", "speaker_in", "diag_in" };
static const char *const out_key[NGROUPS] = {
	"pic_out", "pit_out", "speaker_out", "diag_out" };

static uint64_t n_in[NGROUPS], n_out[NGROUPS], n_timer_out, n_eoi;
static volatile uint64_t ticks;
static volatile bool ack = true;
static volatile bool restart_in_handler;
static volatile uint32_t period_us;
static bool kvm_pic;			/* BOOT_IRQCHIP_KERNEL */
static volatile int isr_in_tick = -1;	/* KVM's PIC: ISR in the first tick */


static enum group group_of(uint16_t port)
{
	switch (port) {
	case 0x40: case 0x41: case 0x42: case 0x43:
		return PIT;
	case 0x61:
		return SPEAKER;
	case 0x80:
		return DIAG;
	default:
		return PIC;
	}
}

/* Counted accesses: the counts are compared with the module's */
static void pout(uint16_t port, uint8_t v)
{
	__atomic_fetch_add(&n_out[group_of(port)], 1, __ATOMIC_RELAXED);
	outb(port, v);
}

static uint8_t pin(uint16_t port)
{
	__atomic_fetch_add(&n_in[group_of(port)], 1, __ATOMIC_RELAXED);
	return inb(port);
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)) : "memory");
}

static uint32_t cpuid1_ecx(void)
{
	uint32_t a = 1, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return c;
}

static volatile uint32_t *xapic_reg(uint32_t off)
{
	return (volatile uint32_t *)(XAPIC_MMIO + off);
}

/* The OCW2 that acknowledges a tick on port 0x20 (timer.elf: --arg) */
static uint8_t eoi_cmd = 0x20;

/* Acknowledge a tick the way this MODE's guest does */
static void ack_tick(void)
{
	__atomic_fetch_add(&n_eoi, 1, __ATOMIC_RELAXED);
	if (MODE == MODE_XAPIC)
		*xapic_reg(XAPIC_EOI) = 0;
	else if (MODE == MODE_X2APIC)
		wrmsr(MSR_X2APIC_EOI, 0);
	else
		pout(0x20, eoi_cmd);	/* non-specific EOI by default */
}

static void set_period(uint32_t us)
{
	__atomic_fetch_add(&n_timer_out, 1, __ATOMIC_RELAXED);
	period_us = us;
	outl(PORT_PV_TIMER, us);	/* out dx, eax: 4 bytes */
}

void tick_handler(void)
{
	/* OCW3 0x0B (touch_ports) left the ISR selected for reads of 0x20 */
	if (kvm_pic && isr_in_tick < 0)
		isr_in_tick = pin(0x20);
	__atomic_fetch_add(&ticks, 1, __ATOMIC_SEQ_CST);	/* lock add */
	if (restart_in_handler) {
		uint32_t p = period_us;

		set_period(0);
		__atomic_fetch_add(&n_eoi, 1, __ATOMIC_RELAXED);
		pout(0x20, 0x20);
		set_period(p);
		return;
	}
	if (ack)
		ack_tick();
}

static void pic_remap(void)
{
	pout(0x20, 0x11); pout(0x21, 0x20); pout(0x21, 0x04); pout(0x21, 0x01);
	pout(0xa0, 0x11); pout(0xa1, 0x28); pout(0xa1, 0x02); pout(0xa1, 0x01);
	pout(0x21, IMR_IRQ0_ONLY);
	pout(0xa1, 0xff);
}

#define PIT_DIVISOR	1193		/* 1 kHz, as a PC guest would */

static void pit_program(uint16_t divisor)
{
	pout(0x43, 0x34);		/* ch0, lo/hi, mode 2 */
	pout(0x40, divisor & 0xff);
	pout(0x40, divisor >> 8);
}

/*
 * Channel 0, programmed by pit_program(): write its divisor again (the
 * count restarts), latch it, read it: mode 2 counts N, ..., 1.
 */
static void touch_counter0(void)
{
	uint16_t c;

	pout(0x40, PIT_DIVISOR & 0xff);
	pout(0x40, PIT_DIVISOR >> 8);
	pout(0x43, 0x00);
	c = pin(0x40);
	c |= (uint16_t)pin(0x40) << 8;
	check(c >= 1 && c <= PIT_DIVISOR, 15,
	      "channel 0's latched count within its divisor");
}

/*
 * IN and OUT of every absorbed port TOUCHES times; INs checked. The PIC's
 * answers: hlkvm's table (want), or KVM's 8259 (want_8259): the command
 * ports after OCW3 0x0B read the ISR, nothing in service yet; the data
 * ports read the IMR just written.
 */
static void touch_ports(void)
{
	static const struct {
		uint16_t port;
		int want, want_8259;
		uint8_t out;
	} tbl[] = {
		{ 0x20, 0x00, 0x00, 0x0b },	/* OCW3, never an EOI */
		{ 0x21, 0xff, IMR_IRQ0_ONLY, IMR_IRQ0_ONLY },
		{ 0xa0, 0x00, 0x00, 0x0b },
		{ 0xa1, 0xff, 0xff, 0xff },
		{ 0x40, -3, -3, 0x00 },		/* programmed: touch_counter0() */
		{ 0x41, 0x00, 0x00, 0x00 },	/* never programmed: reads 0 */
		{ 0x42, 0x00, 0x00, 0x00 },
		{ 0x43, -1, -1, 0x34 },		/* write-only: OUT only (CW of ch0) */
		{ 0x61, -2, -2, 0x00 },		/* refresh bit toggles */
		{ 0x80, 0xff, 0xff, 0x00 },
	};
	unsigned int i, k;

	for (k = 0; k < TOUCHES; k++) {
		for (i = 0; i < sizeof(tbl) / sizeof(tbl[0]); i++) {
			int want = kvm_pic ? tbl[i].want_8259 : tbl[i].want;

			if (want == -3) {
				touch_counter0();
				continue;
			}
			pout(tbl[i].port, tbl[i].out);
			if (want == -1)
				continue;
			if (want == -2) {
				uint8_t a = pin(0x61), b = pin(0x61);

				check(((a ^ b) & 0x10) && !(a & 0x20), 10,
				      "port 0x61 refresh toggle");
				continue;
			}
			check(pin(tbl[i].port) == want, 11 + i, kvm_pic ?
			      "IN value against KVM's 8259 and the hlkvm.h table" :
			      "IN value against the hlkvm.h table");
		}
	}
}

/* Wait (interrupts on) until ticks >= n or @max_cycles pass */
static bool wait_ticks(uint64_t n, uint64_t max_cycles)
{
	uint64_t t0 = rdtsc();

	while (ticks < n) {
		if (max_cycles && rdtsc() - t0 > max_cycles)
			return false;
		sti();
		pause();
	}
	return true;
}

/* TSC cycles per tick over ticks [from, to] of a running timer */
static uint64_t measure(uint64_t from, uint64_t to, uint64_t max_cycles)
{
	uint64_t t0, t1;

	if (!wait_ticks(from, max_cycles))
		return 0;
	t0 = rdtsc();
	if (!wait_ticks(to, max_cycles))
		return 0;
	t1 = rdtsc();
	return (t1 - t0) / (to - from);
}

/*
 * Stop, let an in-flight tick land, then no tick may come for @periods.
 * At most one tick can be in flight at the stop (one outstanding at a
 * time, the backlog dropped), so the wait for it ends when it lands, or
 * after STOP_GRACE periods when there was none. With KVM's PIC it can
 * land late: a PIC route is not injected from the eventfd's wake-up, as
 * an MSI is, but from a kworker (kvm_arch_set_irq_inatomic() takes MSIs
 * only), which a one-CPU test host runs when it next schedules; 2 periods
 * were once too few there.
 */
static void stop_and_check_quiet(uint64_t cycles_per_tick, uint32_t periods,
				 uint32_t code)
{
	uint64_t before, t0;

	set_period(0);
	before = ticks;
	t0 = rdtsc();
	while (ticks == before && rdtsc() - t0 < STOP_GRACE * cycles_per_tick)
		pause();
	before = ticks;
	spin_cycles(periods * cycles_per_tick);
	kv("ticks_after_stop", ticks - before);
	check(ticks == before, code, "tick after the timer was stopped");
}

uint32_t guest_main(const struct boot_info *bi)
{
	uint64_t cal, c, t;
	unsigned int g, k;

	if (MODE == MODE_NORMAL && bi->argc > 0)
		eoi_cmd = bi->arg[0];
	kvm_pic = bi->irqchip == BOOT_IRQCHIP_KERNEL;
	kv("eoi_cmd", eoi_cmd);
	kv("irqchip", bi->irqchip);
	pic_remap();
	pit_program(PIT_DIVISOR);
	touch_ports();

	if (MODE == MODE_X2APIC) {
		check(cpuid1_ecx() & (1U << 21), 20, "CPUID.1:ECX.x2APIC");
		wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EXTD);
		kv("apic_base", rdmsr(MSR_APIC_BASE));
		check(rdmsr(MSR_APIC_BASE) & APIC_BASE_EXTD, 21, "x2APIC mode on");
	}
	if (MODE == MODE_APICOFF) {
		wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) & ~APIC_BASE_EN);
		kv("apic_base_off", rdmsr(MSR_APIC_BASE));
		check(!(rdmsr(MSR_APIC_BASE) & APIC_BASE_EN), 22,
		      "APIC globally disabled");
	}

	/* Calibrate on acknowledged 1000 us ticks (no guest wait bound) */
	set_period(1000);
	if (MODE == MODE_APICOFF) {
		/* Without a re-enabled APIC no tick ever comes: bound it */
		kv("apic_base_armed", rdmsr(MSR_APIC_BASE));
		/* A disabled xAPIC has no MMIO page: read it only if enabled */
		if (rdmsr(MSR_APIC_BASE) & APIC_BASE_EN)
			kv("svr", *xapic_reg(XAPIC_SVR));
		check(wait_ticks(1, FIRST_TICK_CYCLES), 23,
		      "a tick after arming with the APIC globally disabled");
		if (failed) {
			kv("ticks", ticks);
			kv("status", failed);
			return failed;
		}
	}
	c = measure(2, 2 + CAL_TICKS, 0);
	check(c > 0, 1, "calibration");
	/*
	 * TSC cycles per 1000 us: from the TSC frequency hlkvm-run got from
	 * KVM where it could, for the ticks measured above are only as
	 * regular as the host: catch-up after a stall hands them out back
	 * to back, and every wait bound below would shrink with them.
	 */
	cal = bi->tsc_khz ? bi->tsc_khz : c;
	kv("tsc_per_tick_measured", c);
	kv("tsc_per_tick_1000us", cal);

	switch (MODE) {
	case MODE_NORMAL:
	case MODE_XAPIC:
	case MODE_X2APIC:
	case MODE_APICOFF:
		/*
		 * A liveness bound, not a rate: 200 periods a tick. With
		 * acknowledgments the module cannot see (eoi_probe=0) ticks
		 * come only with the stale guard's kick, every 16 periods;
		 * and the fallback on a loaded host once took 40 ms a tick
		 * (its acknowledgments come through a resamplefd that a
		 * thread of the VMM reads: 49 ticks in 40 periods each).
		 */
		check(wait_ticks(TICKS, (uint64_t)TICKS * 200 * cal), 2,
		      "ticks at 1000 us");
		stop_and_check_quiet(cal, 20, 3);
		break;
	case MODE_NOACK:
		set_period(0);
		spin_cycles(2 * cal);
		t = ticks;
		ack = false;
		set_period(1000);
		spin_cycles(200 * cal);
		kv("noack_ticks", ticks - t);
		check(ticks - t == 1, 4, "exactly one tick without acknowledgement");
		/*
		 * The backlog holds some 200 due ticks now; each EOI releases
		 * exactly one (and the guard's kicks none that is not owed).
		 */
		for (k = 1; k <= NOACK_EOIS; k++) {
			ack_tick();
			wait_ticks(t + 1 + k, 40 * cal);
			spin_cycles(100 * cal);
			check(ticks - t == 1 + k, 24,
			      "exactly one more tick per EOI");
		}
		kv("noack_ticks_after_eois", ticks - t);
		set_period(0);
		break;
	case MODE_RESTART:
		restart_in_handler = true;
		t = ticks;
		check(wait_ticks(t + TICKS, (uint64_t)TICKS * 20 * cal), 5,
		      "ticks keep coming after stop/ack/restart in the handler");
		kv("restart_ticks", ticks - t);
		restart_in_handler = false;
		stop_and_check_quiet(cal, 20, 6);
		break;
	case MODE_MIN: {
		uint64_t w;

		/*
		 * Count ticks over windows of 20 periods (of 1000 us) until 5
		 * arrived or 100 windows passed, so a slow host still gives a
		 * count. Run with --timer-policy skip: at most one tick per
		 * period then reaches the guest (no catch-up bursts), so the
		 * count is at most window / period + 1. Clamped to 100 us:
		 * <= ~200 ticks per window (ratio >= 0.09); 1 us: ~20000.
		 */
		set_period(1);
		wait_ticks(ticks + 2, 40 * cal);
		t = ticks;
		for (w = 1; ; w++) {
			spin_cycles(20 * cal);
			if (ticks - t >= 5 || w == 100)
				break;
		}
		c = ticks - t;
		kv("windows_of_20_periods", w);
		kv("ticks_in_windows_1us", c);
		kv("ratio_x1000", c ? 20000 * w / c : 0);
		check(c > 0 && 20000 * w / c >= 90, 7, "1 us clamped to >= 100 us");
		stop_and_check_quiet(cal, 20, 8);
		break;
	}
	case MODE_SOAK: {
		uint64_t secs = bi->argc > 0 ? bi->arg[0] : 1;
		uint64_t s, quiet = 0, fewest = ~0ULL, in_s;

		set_period(100);
		t = ticks;
		/*
		 * Second by second, so a stall shows: a second without a
		 * tick is one the host (or the emulator under it) lost.
		 */
		for (s = 0; s < secs; s++) {
			in_s = ticks;
			spin_cycles(1000 * cal);
			in_s = ticks - in_s;
			quiet += !in_s;
			if (in_s < fewest)
				fewest = in_s;
		}
		kv("soak_seconds", secs);
		kv("soak_ticks", ticks - t);
		kv("soak_fewest_in_a_second", fewest);
		kv("soak_seconds_without_tick", quiet);
		check(ticks - t > 0, 9, "ticks at 100 us");
		stop_and_check_quiet(cal, 20, 3);
		break;
	}
	}
	if (kvm_pic) {
		kv("isr_in_tick", isr_in_tick);
		check(isr_in_tick >= 0 && (isr_in_tick & 1), 25,
		      "IRQ0 in service at KVM's 8259 while its tick runs");
	}
	cli();
	kv("ticks", ticks);
	kv("eoi", n_eoi);
	for (g = 0; g < NGROUPS; g++) {
		kv(in_key[g], n_in[g]);
		kv(out_key[g], n_out[g]);
	}
	kv("timer_out", n_timer_out);
	kv("status", failed);
	return failed;
}
