// SPDX-License-Identifier: GPL-2.0
/*
 * The guests' IDT: exceptions report on port 108, 0x20 is the tick,
 * 0xFF is the LAPIC's spurious vector. CS 0x08 is hlkvm-run's code segment.
 */
#include "lib.h"

static struct idt_entry idt[256] __attribute__((aligned(16)));

static void set_gate(unsigned int vec, void *handler)
{
	uint64_t a = (uint64_t)handler;

	idt[vec] = (struct idt_entry){
		.off_lo = a & 0xffff, .sel = 0x08, .ist = 0,
		.type = 0x8e,		/* present, DPL 0, interrupt gate */
		.off_mid = (a >> 16) & 0xffff, .off_hi = a >> 32,
	};
}

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };
	unsigned int i;

	for (i = 0; i < 32; i++)
		set_gate(i, exc_table[i]);
	set_gate(0x20, irq_timer);
	set_gate(0xff, irq_spurious);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}
