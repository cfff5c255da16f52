// SPDX-License-Identifier: GPL-2.0
/*
 * The CPL3 guest: drops to ring 3 and runs two labelled instructions
 * there, so a debugger's int3 (hlkvm-run --break cpl3_bp) can be tried
 * on user-mode code: the development machine's PVM runs CPL3 code
 * natively where it emulates CPL0 code (NOTES.md), and whether a CPL3
 * int3 exits to the VMM decides whether software breakpoints work there.
 *
 * Ring 3 gets its own GDT (user code and data at DPL 3, a TSS whose RSP0
 * takes an exception back to ring 0), the U bit on the 2 MiB page that
 * holds the image, and a #UD handler by which the user code ends the run
 * with a ud2. (On PVM, measured: a port write from ring 3 with IOPL 3 is
 * a #GP, an "int $0x81" through a DPL 3 gate a #UD, and SYSCALL reaches
 * LSTAR still at CPL3; an exception reaches ring 0 everywhere.) Status 0
 * exactly when both increments ran (the byte under an int3 restored and
 * stepped over). The #BP gate is DPL 3, so an int3 the VMM never sees
 * reaches this guest's own handler: status 0xe0000003. Any other
 * exception is its own 0xe00000vv.
 */
#include "lib.h"

#define SEL_UDATA	(0x18 | 3)
#define SEL_UCODE	(0x20 | 3)
#define SEL_TSS		0x28
#define PTE_US		(1ULL << 2)
#define VEC_UD		6

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp0;
	uint64_t rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static struct tss64 tss;
static uint64_t gdt[7] __attribute__((aligned(16)));
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint8_t ring3_stack[4096] __attribute__((aligned(16)));

void cpl3_code(void);
void cpl3_exit(void);

/*
 * Ring 3: rax counts the increments, ud2 hands it to ring 0.
 * cpl3_exit (ring 0, the #UD gate): status rax - 2 on port 108.
 */
__asm__(
	".text\n"
	".globl cpl3_code, cpl3_bp, cpl3_after, cpl3_exit\n"
	"cpl3_code:\n"
	"	xor %eax, %eax\n"
	"cpl3_bp:\n"
	"	inc %rax\n"
	"cpl3_after:\n"
	"	inc %rax\n"
	"	ud2\n"
	"cpl3_exit:\n"
	"	sub $2, %eax\n"
	"	mov $108, %dx\n"
	"	out %eax, %dx\n"
	"1:	cli\n"
	"	hlt\n"
	"	jmp 1b\n");

void tick_handler(void)
{
	outb(0x20, 0x20);
}

static void load_ring3_gdt(void)
{
	uint64_t base = (uint64_t)&tss;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uint64_t)gdt };

	gdt[1] = 0x00af9b000000ffffULL;	/* 0x08: ring 0 code, as hlkvm-run's */
	gdt[2] = 0x00cf93000000ffffULL;	/* 0x10: ring 0 data */
	gdt[3] = 0x00cff3000000ffffULL;	/* 0x18: ring 3 data */
	gdt[4] = 0x00affb000000ffffULL;	/* 0x20: ring 3 code, L=1 */
	/* 0x28: the 64-bit TSS, available (type 9), two slots */
	gdt[5] = (sizeof(tss) - 1) | (base & 0xffffff) << 16 |
		 0x89ULL << 40 | ((base >> 24) & 0xff) << 56;
	gdt[6] = base >> 32;
	tss.rsp0 = (uint64_t)(ring0_stack + sizeof(ring0_stack));
	tss.iomap_base = sizeof(tss);	/* no I/O bitmap */
	__asm__ volatile("lgdt %0; ltr %w1" : : "m"(gdtr), "r"(SEL_TSS) : "memory");
}

/* Ring 3 may touch the first 2 MiB (the image, both stacks) */
static void user_page(void)
{
	uint64_t cr3, *pml4, *pdpt, *pd;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (uint64_t *)(cr3 & ~0xfffULL);
	pdpt = (uint64_t *)(pml4[0] & ~0xfffULL);
	pd = (uint64_t *)(pdpt[0] & ~0xfffULL);
	pml4[0] |= PTE_US;
	pdpt[0] |= PTE_US;
	pd[0] |= PTE_US;
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

/*
 * The #BP gate at DPL 3 (an int3 from ring 3 reaches exc_3, not a #GP);
 * #UD is the way out
 */
static void user_gates(void)
{
	uint64_t a = (uint64_t)cpl3_exit;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;
	struct idt_entry *idt;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	idt = (struct idt_entry *)idtr.base;
	idt[3].type = 0xee;
	idt[VEC_UD].off_lo = a & 0xffff;
	idt[VEC_UD].off_mid = (a >> 16) & 0xffff;
	idt[VEC_UD].off_hi = a >> 32;
}

uint32_t guest_main(const struct boot_info *bi)
{
	(void)bi;
	load_ring3_gdt();
	user_page();
	user_gates();
	__asm__ volatile(
		"push %0\n"		/* SS */
		"push %1\n"		/* RSP */
		"push %2\n"		/* RFLAGS: interrupts off */
		"push %3\n"		/* CS */
		"push %4\n"		/* RIP */
		"iretq\n"
		:
		: "i"(SEL_UDATA), "r"(ring3_stack + sizeof(ring3_stack)),
		  "r"(2ULL), "i"(SEL_UCODE), "r"(cpl3_code)
		: "memory");
	__builtin_unreachable();
}
