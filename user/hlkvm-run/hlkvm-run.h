/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlkvm-run: a one-vCPU VMM for hlkvm's test guests.
 *
 * Guest physical memory layout (identity-mapped, see man/hlkvm-run.1):
 *   0x0000-0x0fff   free RAM (avoid: it is the null page)
 *   0x1000-0x7fff   reserved for the VMM; images overlapping it are refused
 *     0x1000        PML4
 *     0x2000        PDPT
 *     0x3000-0x6fff four page directories (2 MiB pages, up to 4 GiB)
 *     0x7000        GDT: 0x08 64-bit code, 0x10 data
 *     0x7800        struct hlkvm_boot_info (RDI points to it at entry)
 *   0x8000-top      the guest image, its data, its stack
 *   RSP at entry    the top of RAM (mem size), 16-byte aligned
 */
#ifndef HLKVM_RUN_H
#define HLKVM_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvm.h>

#include "fallback.h"
#include "hlkvm.h"

#define GUEST_PML4		0x1000ULL
#define GUEST_PDPT		0x2000ULL
#define GUEST_PD		0x3000ULL
#define GUEST_PD_PAGES		4
#define GUEST_GDT		0x7000ULL
#define GUEST_BOOT_INFO		0x7800ULL
#define GUEST_RESV_START	0x1000ULL
#define GUEST_RESV_END		0x8000ULL

#define GUEST_MEM_DEFAULT	(64ULL << 20)
#define GUEST_MEM_MIN		(2ULL << 20)
/* Below the LAPIC/IOAPIC MMIO window at 0xFEC00000 */
#define GUEST_MEM_MAX		(3ULL << 30)

/*
 * Split irqchip: the MSI route for the timer tick, the first GSI past the
 * 24 IOAPIC pins (with KVM's PIC the tick is GSI 0 instead: irqchip.h)
 */
#define TIMER_GSI		24
#define IRQCHIP_ROUTES		24

#define BOOT_INFO_MAGIC		0x424b4c48	/* "HLKB" */
#define BOOT_ARGS_MAX		4

/* What the guest finds at GUEST_BOOT_INFO (its ABI: keep stable) */
struct hlkvm_boot_info {
	uint32_t magic;
	uint32_t argc;
	uint64_t mem_size;
	uint64_t arg[BOOT_ARGS_MAX];
	uint64_t tsc_khz;	/* KVM_GET_TSC_KHZ of the vCPU, 0 if unknown */
	uint64_t irqchip;	/* enum hlkvm_irqchip: whose PIC the guest has */
};

/*
 * Exit statuses (hlkvm-run(1), EXIT STATUS). A run stopped by SIGINT or
 * SIGTERM exits 128 + the signal's number, as a shell reports it.
 */
enum run_exit {
	RUN_EXIT_OK = 0,	/* the guest wrote status 0 to port 108 */
	RUN_EXIT_GUEST = 1,	/* it wrote another status, or crashed, halted... */
	RUN_EXIT_USAGE = 2,	/* bad command line */
	RUN_EXIT_SETUP = 3,	/* the guest never ran: image, KVM, module, files */
	RUN_EXIT_TIMEOUT = 4,	/* --timeout expired first */
};

/* ACCEL_KVM: KVM's own PIC/PIT instead of hlkvm's ports (kvm_devices.c) */
enum accel_mode { ACCEL_AUTO, ACCEL_KERNEL, ACCEL_USER, ACCEL_KVM };

struct run_opts {
	const char *image;
	uint64_t mem_size;
	enum accel_mode accel;
	bool json;
	bool pretty;			/* -p: indented JSON */
	const char *summary_path;
	double timeout_s;
	bool flat;
	uint64_t flat_addr;
	uint32_t timer_policy;
	unsigned int argc;
	uint64_t arg[BOOT_ARGS_MAX];
	/* scripts/bench: 1 + index of the --arg tsc_khz, 0 if none */
	unsigned int tsc_khz_arg;
	uint16_t ioeventfd[8];		/* --ioeventfd PORT (kvm_devices.c) */
	unsigned int n_ioeventfd;
	bool seed_timer;		/* --timer=seed (seed_timer.c) */
	uint32_t irqchip;		/* --irqchip: enum hlkvm_irqchip */
	bool irqchip_given;		/* --irqchip was on the command line */
	bool mem_given;			/* --mem was on the command line */
	const char *snapshot_path;	/* --snapshot FILE (snapshot.c) */
	const char *restore_path;	/* --restore FILE, instead of IMAGE */
	bool pit_tick;			/* --pit-tick: channel 0 drives IRQ0 */
	/*
	 * --restore: attach with exactly pit_tick (the snapshot's), not the
	 * module's default for new attachments
	 */
	bool pit_tick_exact;
};

/* What vm_create() builds */
struct vm_config {
	uint64_t mem_size;
	uint32_t irqchip;	/* enum hlkvm_irqchip */
	/* --accel=kvm: KVM's PIT too, and no irqfd (irqchip must be KERNEL) */
	bool kvm_pit;
	/* KERNEL: the irqfd in resample mode, EOIs on vm.resample_fd */
	bool resample;
};

struct vm {
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
	int irq_fd;
	int resample_fd;	/* -1 unless vm_config.resample */
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;
	uint64_t mem_size;
};

/* One row of the KVM_EXIT_IO table */
struct io_count {
	uint16_t port;
	uint8_t dir;		/* KVM_EXIT_IO_IN / _OUT */
	uint64_t exits;
};

#define IO_TABLE_MAX	256
#define EXIT_REASONS	64

struct run_result {
	enum accel_mode accel;		/* the mode actually used */
	uint32_t irqchip;		/* enum hlkvm_irqchip of the VM */
	const char *end;		/* why the run ended */
	int stop_signal;		/* end "signal"/"timeout": which one */
	char end_detail[160];
	bool have_status;
	uint32_t status;
	double wall_s;
	uint64_t exits[EXIT_REASONS];
	uint64_t exits_other;
	struct io_count io[IO_TABLE_MAX];
	unsigned int io_rows;
	uint64_t io_dropped;
	bool have_absorbed;
	struct hlkvm_stats absorbed;
	uint64_t timer_out;
	struct hlkvm_timer_info timer;
	uint32_t vm_id;
	const char *policy_name;
	bool pit_tick;			/* the attachment's channel-0 tick */
};

/* vm.c */
int vm_create(struct vm *vm, const struct vm_config *cfg);
int vm_setup_long_mode(struct vm *vm, uint64_t entry,
		       const struct hlkvm_boot_info *boot);
int vm_inject(void *arg);
int vm_lapic_eoi(void *arg);
void vm_destroy(struct vm *vm);

/* run.c */
struct run_ctx {
	struct vm *vm;
	struct hlkvm_fallback *fb;	/* NULL in kernel mode */
	struct run_result *res;
	FILE *console;			/* port 0xE9's bytes */
	/* Sees every port access first; true when it answered it */
	bool (*io_hook)(void *arg, uint16_t port, uint8_t dir,
			unsigned int size, uint8_t *data);
	void *io_hook_arg;
};
int run_vcpu(struct run_ctx *ctx);
void run_request_stop(void);
/* A signal (SIGINT, SIGTERM, --timeout) asked the run to end */
bool run_stop_pending(void);
int run_install_timeout(double seconds);

/* debug.c: --break-entry, --hbreak, --break, --step, --trace-stops */
enum {
	DEBUG_OPT_BREAK_ENTRY = 0x400,	/* getopt codes, clear of main.c's */
	DEBUG_OPT_HBREAK,
	DEBUG_OPT_BREAK,
	DEBUG_OPT_STEP,
	DEBUG_OPT_TRACE,
	DEBUG_OPT_LAST = DEBUG_OPT_TRACE,
};
int debug_parse_opt(int opt, const char *arg);
bool debug_enabled(void);
/* Symbols in --hbreak/--break: @elf is the image, NULL for --flat */
int debug_resolve(const void *elf, size_t len);
int debug_setup(struct vm *vm, uint64_t entry);
/* On KVM_EXIT_DEBUG: 0 to resume, -1 with res->end set to end the run */
int debug_handle_exit(struct run_ctx *ctx);
/* On KVM_EXIT_INTERNAL_ERROR: a hint when it is one of our int3s */
void debug_explain_internal_error(struct run_ctx *ctx);
struct json_writer;
/* The "breakpoints" and "stops" members of the JSON summary */
void debug_summary_json(struct json_writer *w);
/* The text line; @debug_exits: KVM_EXIT_DEBUG exits, stops or not */
void debug_summary_text(FILE *f, uint64_t debug_exits);

/* summary.c */
const char *exit_reason_name(unsigned int reason);
void summary_print(FILE *f, const struct run_result *r, bool json,
		   bool pretty);
/* --json when the guest never ran: {"error": ..., "hint": ...} */
void summary_print_error(FILE *f, const char *error, const char *hint);

#endif /* HLKVM_RUN_H */
