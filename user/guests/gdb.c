// SPDX-License-Identifier: GPL-2.0
/*
 * The gdb guest: targets for the scripted gdb sessions against
 * hlkvm-run --gdb (tests/user/gdb_stub.sh, tests/host/e2e/gdb_stub.sh),
 * all run with the timer ticking
 * (500 us; the guest waits for three ticks before anything else):
 *   gdb_add()               a function with arguments and a local
 *   gdb_f1() .. gdb_f5()    five distinct functions, called in order
 *                           (four hardware breakpoints and a fifth)
 *   gdb_access              a store to gdb_watched at gdb_store (the
 *                           next instruction is gdb_after_store), then a
 *                           load at gdb_load (then gdb_after_load); run
 *                           twice
 *   gdb_steps_body          128 three-byte "inc %rax": stepi lands at
 *                           gdb_steps_body + 3 * n, never in the handler
 *   gdb_spin                with --arg 1: spins until gdb_release is set
 *                           (Ctrl-C, then detach or kill)
 * It also maps guest physical 0-1 GiB a second time at GDB_ALIAS (PML4
 * slot 511, its own PDPT pointing at hlkvm-run's first page directory),
 * so a debugger's virtual address is provably not a physical one.
 * Status 0 when gdb_add() gave 42 and the step block counted 128.
 */
#include "lib.h"

#define GDB_ALIAS	0xffffff8000000000ULL
#define TICK_US		500

volatile uint64_t gdb_watched;
volatile uint64_t gdb_release;
volatile uint64_t gdb_ticks;
volatile uint64_t gdb_calls;
static uint64_t alias_pdpt[512] __attribute__((aligned(4096)));

uint64_t gdb_steps(void);
void gdb_access(void);

__asm__(
	".text\n"
	".globl gdb_steps, gdb_steps_body, gdb_steps_end\n"
	"gdb_steps:\n"
	"	xor %eax, %eax\n"
	"gdb_steps_body:\n"
	"	.rept 128\n"
	"	inc %rax\n"
	"	.endr\n"
	"gdb_steps_end:\n"
	"	ret\n"
	".globl gdb_access, gdb_store, gdb_after_store, gdb_load, gdb_after_load\n"
	"gdb_access:\n"
	"gdb_store:\n"
	"	movq $42, gdb_watched(%rip)\n"
	"gdb_after_store:\n"
	"	nop\n"
	"gdb_load:\n"
	"	mov gdb_watched(%rip), %rax\n"
	"gdb_after_load:\n"
	"	ret\n");

void tick_handler(void)
{
	gdb_ticks++;
	outb(0x20, 0x20);
}

__attribute__((noinline)) uint64_t gdb_add(uint64_t a, uint64_t b)
{
	uint64_t sum = a + b;

	/* Keep sum a real local for gdb's "info locals" */
	__asm__ volatile("" : "+r"(sum));
	return sum;
}

/* Distinct bodies: identical ones could be folded into one address */
#define F(n) \
	__attribute__((noinline)) void gdb_f##n(void) \
	{ \
		gdb_calls += n; \
		__asm__ volatile("" ::: "memory"); \
	}
F(1) F(2) F(3) F(4) F(5)

__attribute__((noinline)) void gdb_spin(void)
{
	while (!gdb_release)
		pause();
}

static void map_alias(void)
{
	uint64_t cr3, *pml4;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (uint64_t *)(cr3 & ~0xfffULL);
	/* hlkvm-run's first page directory maps 0-1 GiB with 2 MiB pages */
	alias_pdpt[0] = (pml4[0] & ~0xfffULL) ?
			(((uint64_t *)(pml4[0] & ~0xfffULL))[0] & ~0xfffULL) | 3 :
			0;
	pml4[511] = (uint64_t)alias_pdpt | 3;
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

static void pic_remap(void)
{
	outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x21, 0xfe);		/* IRQ0 only */
	outb(0xa1, 0xff);
}

uint32_t guest_main(const struct boot_info *bi)
{
	uint64_t sum, steps;

	map_alias();
	pic_remap();
	outl(PORT_PV_TIMER, TICK_US);
	sti();
	while (gdb_ticks < 3)
		pause();
	if (bi->argc && (bi->arg[0] & 1))
		gdb_spin();
	sum = gdb_add(20, 22);
	gdb_f1();
	gdb_f2();
	gdb_f3();
	gdb_f4();
	gdb_f5();
	/* Twice: one pass for each watchpoint kind that stops there first */
	gdb_access();
	gdb_access();
	steps = gdb_steps();
	outl(PORT_PV_TIMER, 0);
	cli();
	kv("gdb_sum", sum);
	kv("gdb_steps", steps);
	kv("gdb_calls", gdb_calls);
	return sum == 42 && steps == 128 && gdb_calls == 15 ? 0 : 1;
}
