// SPDX-License-Identifier: GPL-2.0
/*
 * The tick-recording guest of scripts/bench.
 *
 *   --arg N --arg TIMER --arg TSC_KHZ --arg FLAGS
 *
 * TIMER is a PV timer period in us (written to port 107: hlkvm's module,
 * hlkvm-run's fallback or seed timer), or 0x80000000 | DIVISOR for an 8254
 * PIT programmed in mode 2 (hlkvm-run --accel=kvm: KVM's own PIT and PIC).
 * The 8259 PIC is remapped either way (with --irqchip=kernel KVM's PIC
 * delivers the PV timer's ticks too). Both arrive at vector 0x20 and are
 * acknowledged with a non-specific EOI on port 0x20.
 *
 * The handler stores the TSC of every tick; after N + 1 ticks (N intervals)
 * the guest stops the timer and computes, in integer arithmetic, against
 * the nominal period (the PIT's is DIVISOR / 1193182 Hz): mean period,
 * cumulative drift, ticks missed against the wall grid, and the p50/p99/max
 * of |interval - period| (heapsort in place). Only those statistics and the
 * first FLAGS & 0xffff intervals (for the plot) cross the slow console.
 *
 * FLAGS bit 16: scale mode, N is a number of seconds; the guest only
 * counts the ticks that arrive in that window, as measured by its TSC.
 *
 * Output: key=value lines; iv=... lines of intervals in ns.
 */
#include "lib.h"

#define TIMER_PIT	0x80000000u
#define PIT_HZ		1193182ULL
#define FLAG_SCALE	(1u << 16)
#define MAX_TICKS	20001

static uint64_t tsc[MAX_TICKS];
static volatile uint64_t count;
static uint64_t want;

void tick_handler(void)
{
	uint64_t c = count;

	if (c < want)
		tsc[c] = rdtsc();
	count = c + 1;
	outb(0x20, 0x20);		/* non-specific EOI */
}

static void put_s64(int64_t v)
{
	if (v < 0) {
		outb(PORT_CONSOLE, '-');
		put_u64(-(uint64_t)v);
	} else {
		put_u64(v);
	}
}

static void kvs(const char *key, int64_t v)
{
	puts_e9(key);
	outb(PORT_CONSOLE, '=');
	put_s64(v);
	outb(PORT_CONSOLE, '\n');
}

static void sift(uint64_t *a, uint64_t root, uint64_t n)
{
	for (;;) {
		uint64_t c = 2 * root + 1, t;

		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[root] >= a[c])
			return;
		t = a[root];
		a[root] = a[c];
		a[c] = t;
		root = c;
	}
}

static void heapsort(uint64_t *a, uint64_t n)
{
	uint64_t i, t;

	for (i = n / 2; i-- > 0;)
		sift(a, i, n);
	for (i = n; i-- > 1;) {
		t = a[0];
		a[0] = a[i];
		a[i] = t;
		sift(a, 0, i);
	}
}

static void timer_start(uint32_t timer)
{
	/*
	 * PIC: vectors 0x20/0x28, only IRQ0 unmasked, whatever the timer, as
	 * a PC guest does: with KVM's 8259 (--accel=kvm, or --irqchip=kernel
	 * for the PV timer) an unprogrammed PIC would deliver IRQ0 at vector
	 * 0; hlkvm's split-irqchip PIC absorbs these writes.
	 */
	outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0xa1, 0xff);
	outb(0x21, 0xfe);
	if (!(timer & TIMER_PIT)) {
		outl(PORT_PV_TIMER, timer);
		return;
	}
	/* PIT ch0 mode 2 */
	outb(0x43, 0x34);
	outb(0x40, timer & 0xff);
	outb(0x40, (timer >> 8) & 0xff);
}

static void timer_stop(uint32_t timer)
{
	if (timer & TIMER_PIT)
		outb(0x21, 0xff);
	else
		outl(PORT_PV_TIMER, 0);
}

/* ns for @cycles TSC cycles; exact to 1 ns below ~5e12 cycles */
static uint64_t cyc_ns(uint64_t cycles, uint64_t khz)
{
	return cycles / khz * 1000000 + cycles % khz * 1000000 / khz;
}

static void scale_mode(uint32_t timer, uint64_t secs, uint64_t khz,
		       uint64_t period_ps)
{
	uint64_t end, start;

	want = 0;
	timer_start(timer);
	start = rdtsc();
	end = start + secs * khz * 1000;
	count = 0;
	while (rdtsc() < end)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	timer_stop(timer);
	kv("scale_seconds", secs);
	kv("scale_ticks", count);
	kv("scale_expected", secs * 1000000000000ULL / period_ps);
}

uint32_t guest_main(const struct boot_info *bi)
{
	uint64_t n = bi->argc > 0 ? bi->arg[0] : 1000;
	uint32_t timer = bi->argc > 1 ? bi->arg[1] : 1000;
	uint64_t khz = bi->argc > 2 ? bi->arg[2] : 0;
	uint32_t flags = bi->argc > 3 ? bi->arg[3] : 0;
	uint64_t period_ps, period_ns, span_ns, i, m, gaps = 0, bursts = 0;
	uint64_t iv_min = ~0ULL, iv_max = 0;
	int64_t drift, missed;

	if (!khz) {
		puts_e9("FAIL no TSC frequency (--arg tsc_khz)\n");
		return 1;
	}
	if (timer & TIMER_PIT)
		period_ps = (timer & 0xffff) * 1000000000000ULL / PIT_HZ;
	else
		period_ps = (uint64_t)timer * 1000000;
	period_ns = (period_ps + 500) / 1000;
	kv("tsc_khz", khz);
	kv("period_ps", period_ps);
	if (flags & FLAG_SCALE) {
		scale_mode(timer, n, khz, period_ps);
		return 0;
	}
	if (n < 2 || n + 1 > MAX_TICKS) {
		puts_e9("FAIL N out of range\n");
		return 1;
	}

	want = n + 1;
	count = 0;
	timer_start(timer);
	while (count < want)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	timer_stop(timer);

	span_ns = cyc_ns(tsc[n] - tsc[0], khz);
	drift = (int64_t)(span_ns * 1000 - n * period_ps) / 1000;
	missed = (int64_t)((span_ns * 1000 + period_ps / 2) / period_ps) -
		 (int64_t)n;
	kv("ticks", n);
	kv("span_ns", span_ns);
	kv("mean_ps", span_ns * 1000 / n);
	kvs("drift_ns", drift);
	kvs("missed", missed);

	/* Intervals in ns, printed, then turned into |deviation| in place */
	m = flags & 0xffff;
	for (i = 0; i < n; i++) {
		uint64_t iv = cyc_ns(tsc[i + 1] - tsc[i], khz);

		if (i < m) {
			puts_e9(i % 10 ? "," : "iv=");
			put_u64(iv);
			if (i % 10 == 9 || i + 1 == m || i + 1 == n)
				outb(PORT_CONSOLE, '\n');
		}
		if (iv < iv_min)
			iv_min = iv;
		if (iv > iv_max)
			iv_max = iv;
		if (iv * 2 > period_ns * 3)
			gaps++;
		if (iv * 2 < period_ns)
			bursts++;
		tsc[i] = iv > period_ns ? iv - period_ns : period_ns - iv;
	}
	heapsort(tsc, n);
	kv("iv_min_ns", iv_min);
	kv("iv_max_ns", iv_max);
	kv("gaps", gaps);
	kv("bursts", bursts);
	kv("dev_p50_ns", tsc[n / 2]);
	kv("dev_p99_ns", tsc[n * 99 / 100]);
	kv("dev_max_ns", tsc[n - 1]);
	kv("ticks_total", count);
	return 0;
}
