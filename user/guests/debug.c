// SPDX-License-Identifier: GPL-2.0
/*
 * The debug guest: straight-line labelled code for single-step and
 * hardware/software breakpoint tests. Every label is a global symbol
 * (find it with nm); each is one instruction apart from the next, and
 * the code contains no int3 of its own. Ends with status 0 on port 108
 * if rax counted the six increments.
 */
#include "lib.h"

void tick_handler(void)
{
	outb(0x20, 0x20);
}

uint32_t guest_main(const struct boot_info *bi)
{
	uint64_t v;

	(void)bi;
	__asm__ volatile(
		".globl dbg_start, dbg_step1, dbg_step2, dbg_step3\n"
		".globl dbg_hw_bp, dbg_sw_bp, dbg_end\n"
		"dbg_start: xor %%eax, %%eax\n"
		"dbg_step1: inc %%rax\n"
		"dbg_step2: inc %%rax\n"
		"dbg_step3: inc %%rax\n"
		"dbg_hw_bp: inc %%rax\n"
		"dbg_sw_bp: inc %%rax\n"
		"inc %%rax\n"
		"dbg_end: nop\n"
		: "=a"(v));
	kv("debug_rax", v);
	return v == 6 ? 0 : 1;
}
