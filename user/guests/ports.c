// SPDX-License-Identifier: GPL-2.0
/*
 * The port storm guest, for benchmarks: --arg N --arg PORT --arg DIR
 * does N accesses (DIR 0: OUT of 0, DIR 1: IN) to PORT, one byte each.
 * Defaults: 10000 OUTs to 0x80. Prints the TSC cycles they took.
 */
#include "lib.h"

void tick_handler(void)
{
	outb(0x20, 0x20);
}

uint32_t guest_main(const struct boot_info *bi)
{
	uint64_t n = bi->argc > 0 ? bi->arg[0] : 10000;
	uint16_t port = bi->argc > 1 ? bi->arg[1] : 0x80;
	bool in = bi->argc > 2 && bi->arg[2];
	uint64_t i, t0, t1;

	t0 = rdtsc();
	if (in)
		for (i = 0; i < n; i++)
			(void)inb(port);
	else
		for (i = 0; i < n; i++)
			outb(port, 0);
	t1 = rdtsc();
	kv("storm_port", port);
	kv("storm_in", in);
	kv("storm_count", n);
	kv("storm_tsc", t1 - t0);
	return 0;
}
