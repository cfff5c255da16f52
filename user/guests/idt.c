// SPDX-License-Identifier: GPL-2.0
/*
 * The guests' IDT: exceptions report on port 108, 0x20 is the tick,
 * 0xFF is the LAPIC's spurious vector, and 0x27 the spurious IRQ7 of an
 * 8259 remapped to 0x20 (KVM's PIC, like a real one, answers an interrupt
 * acknowledge that finds nothing pending with IRQ7; a PC guest ignores
 * it, without an EOI, since nothing is in service). The slave's IRQ15
 * needs no gate: its lines and the cascade stay masked. CS 0x08 is
 * hlkvm-run's code segment.
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
	set_gate(0x27, irq_spurious);
	set_gate(0xff, irq_spurious);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}
