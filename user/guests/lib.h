/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding helpers for the hlkvm test guests: port I/O, TSC, console
 * on port 0xE9 (one key=value per line), IDT setup.
 */
#ifndef HLKVM_GUEST_LIB_H
#define HLKVM_GUEST_LIB_H

#include <stdbool.h>
#include <stdint.h>

#define PORT_CONSOLE	0xe9
#define PORT_PV_TIMER	107
#define PORT_HALT	108

/* hlkvm-run's boot info, at RDI on entry (see hlkvm-run(1)) */
struct boot_info {
	uint32_t magic;
	uint32_t argc;
	uint64_t mem_size;
	uint64_t arg[4];
	uint64_t tsc_khz;	/* 0: unknown, measure it */
	uint64_t irqchip;	/* BOOT_IRQCHIP_*: whose PIC answers 0x20-0xA1 */
};

/* hlkvm's PIC table (split irqchip): data ports read 0xFF, commands 0 */
#define BOOT_IRQCHIP_SPLIT	0
/* KVM's 8259 pair (full irqchip): they read as a real PIC's registers */
#define BOOT_IRQCHIP_KERNEL	1

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void pause(void) { __asm__ volatile("pause" ::: "memory"); }
/* sti;hlt: the interrupt that wakes us cannot slip in between */
static inline void sti_hlt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

static inline void puts_e9(const char *s)
{
	while (*s)
		outb(PORT_CONSOLE, *s++);
}

static inline void put_u64(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = 0;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	puts_e9(buf + i);
}

/* One "key=value" line */
static inline void kv(const char *key, uint64_t v)
{
	puts_e9(key);
	outb(PORT_CONSOLE, '=');
	put_u64(v);
	outb(PORT_CONSOLE, '\n');
}

/* Spin for @cycles TSC cycles with interrupts as they are */
static inline void spin_cycles(uint64_t cycles)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < cycles)
		pause();
}

struct idt_entry {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __attribute__((packed));

extern void *exc_table[32];
extern void irq_timer(void);
extern void irq_spurious(void);

/*
 * check.c: prints "FAIL @what" unless @ok, and keeps the first failed
 * check's @code in @failed, which the guests report as their status
 */
extern uint32_t failed;
void check(bool ok, uint32_t code, const char *what);

#endif /* HLKVM_GUEST_LIB_H */
