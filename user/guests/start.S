/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry and interrupt stubs of the hlkvm test guests.
 *
 * hlkvm-run enters _start in 64-bit mode with RDI = boot info. We switch to
 * our own stack, build the IDT (idt_init in C) and call guest_main(); its
 * return value is the status written to port 108.
 * Vectors 0-31 report 0xE00000vv on port 108 (an unexpected exception vv);
 * vector 0x20 calls tick_handler(); 0xFF (the LAPIC spurious vector) just
 * returns.
 */
#define PORT_HALT	108

	.section .text.start, "ax"
	.globl _start
_start:
	lea	stack_top(%rip), %rsp
	push	%rdi
	call	idt_init
	pop	%rdi
	call	guest_main
	mov	$PORT_HALT, %dx
	out	%eax, %dx
1:	hlt
	jmp	1b

	.text
/* Exception vv: status 0xE00000vv, then stay halted */
.macro exc vec
	.globl exc_\vec
exc_\vec:
	mov	$(0xe0000000 + \vec), %eax
	jmp	exc_common
.endm
	.altmacro
.irp v,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	exc \v
.endr

exc_common:
	mov	$PORT_HALT, %dx
	out	%eax, %dx
1:	cli
	hlt
	jmp	1b

	.globl	exc_table
	.section .rodata
exc_table:
.irp v,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	exc_\v
.endr

	.text
	.globl	irq_timer
irq_timer:
	/* the CPU left RSP 8 mod 16; nine pushes make it 16-aligned */
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	cld
	call	tick_handler
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	iretq

	.globl	irq_spurious
irq_spurious:
	iretq

	.bss
	.balign	16
	.skip	65536
stack_top:

	.section .note.GNU-stack, "", @progbits
