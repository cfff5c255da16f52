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
};

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

static inline uint32_t cpuid_eax(uint32_t leaf, uint32_t *ecx)
{
	uint32_t a = leaf, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	if (ecx)
		*ecx = c;
	return a;
}

/*
 * A waiting loop leaves the guest now and then (CPUID, answered inside
 * KVM, seen by no counter). Under QEMU 7.2's nested SVM an interrupt for
 * the test host's own CPU can fail to pull that CPU out of the guest; it
 * is taken at the guest's next exit. A guest whose only exits are its
 * ticks then waits for a tick the host cannot send: the test host saw 58 s
 * of that. 2^20 cycles is under a millisecond; real guests exit far more
 * often.
 */
#define WAIT_EXIT_CYCLES	(1ULL << 20)

struct wait_step {
	uint64_t last_exit;
};

static inline void wait_step(struct wait_step *w)
{
	uint64_t now = rdtsc();

	if (now - w->last_exit >= WAIT_EXIT_CYCLES) {
		cpuid_eax(0, 0);
		w->last_exit = now;
	}
	pause();
}

/* Spin for @cycles TSC cycles with interrupts as they are */
static inline void spin_cycles(uint64_t cycles)
{
	uint64_t t0 = rdtsc();
	struct wait_step w = { t0 };

	while (rdtsc() - t0 < cycles)
		wait_step(&w);
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

#endif /* HLKVM_GUEST_LIB_H */
