// SPDX-License-Identifier: GPL-2.0
/*
 * The auto-EOI guest. Some PC guests program the master 8259 with ICW4
 * AEOI (0x03: 8086 mode, automatic EOI) to save the EOI's port exit: the
 * PIC then ends IRQ0's service itself when the CPU takes the interrupt,
 * and the guest never writes an EOI. Under KVM's full irqchip that is
 * KVM's own 8259 doing it (i8259.c, pic_intack()), so no `out 0x20` ever
 * reaches hlkvm's hook.
 *
 * It remaps the PIC with AEOI, runs the PV timer at 1000 us and counts
 * the ticks of WINDOW periods of the TSC (hlkvm-run's tsc_khz), its
 * handler writing nothing to the PIC. Output: isr_in_tick= (the master's
 * ISR read inside the first tick: 0 when AEOI took), ticks=, periods=.
 * Status on port 108: 0; 1 no TSC frequency from the VMM; 2 no tick at
 * all; 3 IRQ0 in service inside its tick (the PIC is not in AEOI mode);
 * 4 no tick after the first in WINDOW periods. How many of the WINDOW
 * periods brought a tick depends on how fast the host runs the vCPU, so
 * it is reported, not judged: whether the ticks waited for an
 * acknowledgment that never comes is told by the VMM's counters (the
 * stale guard's kicks against the ticks injected, tests/host/e2e/aeoi.sh).
 *
 * Full irqchip only (hlkvm-run --irqchip=kernel): on the split irqchip
 * the tick is an MSI to the LAPIC, which needs its own EOI whatever the
 * guest told the PIC.
 */
#include "lib.h"

#define WINDOW		400	/* periods counted */
#define PERIOD_US	1000
#define FIRST_TICK_CYCLES	(1ULL << 34)

static volatile uint64_t ticks;
static volatile int isr_in_tick = -1;

void tick_handler(void)
{
	/* OCW3 0x0B (below) selected the ISR for reads of 0x20 */
	if (isr_in_tick < 0)
		isr_in_tick = inb(0x20);
	__atomic_fetch_add(&ticks, 1, __ATOMIC_SEQ_CST);
}

uint32_t guest_main(const struct boot_info *bi)
{
	uint64_t t0, first;

	/* ICW1-4, ICW4 = 0x03 on the master: 8086 mode, auto-EOI */
	outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x03);
	outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x21, 0xfe);
	outb(0xa1, 0xff);
	outb(0x20, 0x0b);

	kv("irqchip", bi->irqchip);
	kv("tsc_khz", bi->tsc_khz);
	if (!bi->tsc_khz)
		return 1;

	outl(PORT_PV_TIMER, PERIOD_US);
	t0 = rdtsc();
	/* sti; pause, not hlt: a tick that never comes must end the wait */
	while (!ticks && rdtsc() - t0 < FIRST_TICK_CYCLES) {
		sti();
		pause();
	}
	if (!ticks) {
		outl(PORT_PV_TIMER, 0);
		return 2;
	}
	first = ticks;
	t0 = rdtsc();
	while (rdtsc() - t0 < WINDOW * bi->tsc_khz * PERIOD_US / 1000) {
		sti();
		pause();
	}
	cli();
	outl(PORT_PV_TIMER, 0);
	kv("isr_in_tick", (uint64_t)isr_in_tick);
	kv("periods", WINDOW);
	kv("ticks", ticks - first);
	if (isr_in_tick & 1)
		return 3;
	if (ticks == first)
		return 4;
	return 0;
}
