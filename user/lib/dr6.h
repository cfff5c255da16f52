/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * Guest debug stop classification and breakpoint bookkeeping.
 *
 * Everything here is pure: no ioctl, no /dev/kvm, no printing. The KVM
 * glue (KVM_SET_GUEST_DEBUG, guest memory through a mapping) lives in
 * guest_debug.h, so these functions can be unit-tested on any machine and
 * a GDB remote stub can sit on top of them:
 *
 *   Z0/z0 addr   -> hlkvm_swbp_insert() / hlkvm_swbp_remove()
 *   Z1/z1 addr   -> hlkvm_hwbp_add()    / hlkvm_hwbp_remove()
 *   s / c        -> hlkvm_debug_set_step(dbg, true / false)
 *   (then)       -> hlkvm_guest_debug_apply(); KVM_RUN
 *   KVM_EXIT_DEBUG -> hlkvm_debug_classify() -> hlkvm_stop_gdb_signal()
 *   m addr,len   -> read, then hlkvm_swbp_mask() so GDB never sees 0xCC
 *
 * Semantics follow the seed (hyperlight-host's vcpu_stop_reason()), with
 * one documented difference for the entry-point breakpoint, see
 * hlkvm_dr6_classify().
 */
#ifndef HLKVM_DR6_H
#define HLKVM_DR6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

/* Exception vectors as reported in kvm_run->debug.arch.exception. */
#define HLKVM_DB_VECTOR		1	/* #DB: single-step, hw bp */
#define HLKVM_BP_VECTOR		3	/* #BP: int3 */

/* DR6 (Intel SDM Vol. 3B 18.2.3): B0-B3 bits 0-3, BS bit 14. */
#define HLKVM_DR6_B(i)		(1ULL << (i))
#define HLKVM_DR6_B_MASK	0xfULL
#define HLKVM_DR6_BS		(1ULL << 14)

/* DR7: Li = bit 2i, Gi = bit 2i+1, RW/LEN at 16 + 4i, bit 10 reads 1. */
#define HLKVM_DR7_L(i)		(1ULL << (2 * (i)))
#define HLKVM_DR7_G(i)		(1ULL << (2 * (i) + 1))
#define HLKVM_DR7_RWLEN(i)	(0xfULL << (16 + 4 * (i)))
#define HLKVM_DR7_FIXED_1	(1ULL << 10)

#define HLKVM_INT3		0xcc	/* one-byte int3 opcode */
#define HLKVM_INT3_LEN		1

#define HLKVM_HW_BP_MAX		4	/* DR0-DR3 */
#define HLKVM_SW_BP_MAX		64

/* A diagnostic line from the classifier always fits in this many bytes. */
#define HLKVM_STOP_DIAG_LEN	160

enum hlkvm_stop_reason {
	HLKVM_STOP_UNKNOWN = 0,
	HLKVM_STOP_DONE_STEP,
	HLKVM_STOP_HW_BREAKPOINT,
	HLKVM_STOP_ENTRY_POINT_BREAKPOINT,
	HLKVM_STOP_SW_BREAKPOINT,
	HLKVM_STOP_WATCHPOINT,		/* a data slot's Bi: see hlkvm_dr6_classify() */
};

/*
 * What a DR slot watches. EXEC is 0 so a zeroed slot is an execute
 * breakpoint, as every slot was before data watchpoints existed. x86 has
 * no read-only watch (DR7 RW 10 is I/O): READ is programmed as ACCESS
 * (RW 11) and told apart only in what the debugger is told (rwatch).
 */
enum hlkvm_hw_type {
	HLKVM_HW_EXEC = 0,
	HLKVM_HW_WRITE,
	HLKVM_HW_READ,
	HLKVM_HW_ACCESS,
};

struct hlkvm_hw_bp {
	uint64_t addr;		/* linear address loaded into DRi */
	bool used;
	bool oneshot;		/* entry-point stop: removed when hit */
	uint8_t type;		/* enum hlkvm_hw_type */
	uint8_t len;		/* data slots: 1, 2, 4 or 8 bytes; exec: 1 */
};

/*
 * Slots are stable: a breakpoint keeps its DRi until removed, so the
 * B0-B3 bit KVM reports names the table slot directly. (The seed kept a
 * compacted vector, where removing one breakpoint renumbered the others.)
 */
struct hlkvm_hw_bps {
	struct hlkvm_hw_bp slot[HLKVM_HW_BP_MAX];
};

struct hlkvm_sw_bp {
	uint64_t addr;
	uint8_t orig;		/* the byte the int3 replaced */
	bool used;
};

struct hlkvm_sw_bps {
	struct hlkvm_sw_bp bp[HLKVM_SW_BP_MAX];
	unsigned int count;
};

/*
 * Guest memory as the software breakpoint table sees it: the caller
 * provides byte access (a mapping, a test buffer, KVM_TRANSLATE + mapping).
 * Both return 0 or a negative errno; a failed write must leave memory as
 * it was.
 */
struct hlkvm_mem {
	int (*read)(void *opaque, uint64_t addr, void *buf, size_t len);
	int (*write)(void *opaque, uint64_t addr, const void *buf, size_t len);
	void *opaque;
};

/* The result of one classification. */
struct hlkvm_stop {
	enum hlkvm_stop_reason reason;
	/* #DB: lowest Bi in DR6 (entry stop: the slot removed), else -1 */
	int slot;
	uint64_t addr;		/* rip; for #BP the int3's address */
};

/* Everything KVM_SET_GUEST_DEBUG is built from. */
struct hlkvm_debug {
	struct hlkvm_hw_bps hw;
	struct hlkvm_sw_bps sw;
	uint64_t entry;		/* same address space as rip */
	bool single_step;
	bool blockirq_ok;	/* KVM accepts KVM_GUESTDBG_BLOCKIRQ */
};

/* --- classification --- */

/*
 * Classify a KVM_EXIT_DEBUG stop. Order (the seed's):
 *  1. exception 1 and DR6.BS            -> DONE_STEP, even with a Bi set.
 *     The CPU reports conditions it detects together in one #DB (a step
 *     trap plus a breakpoint on the same instruction); GDB asked for a
 *     step, so a step it is. The lowest Bi is still given in out->slot.
 *     Except for data watchpoints: a Bi naming a used data slot makes the
 *     stop WATCHPOINT (slot = that Bi) even with BS, because the store a
 *     step executed is exactly what a watchpoint exists to report, and a
 *     debugger told "step" would never look at its watchpoints.
 *  2. exception 1 and any of B0-B3      -> HW_BREAKPOINT, slot = lowest Bi;
 *     WATCHPOINT if @hw says that slot is a data slot (a trap: rip is
 *     the instruction after the access; the address is the slot's);
 *     if rip == entry it is the entry-point stop, see below
 *  3. exception 3                       -> SW_BREAKPOINT, addr = rip
 *  4. anything else (other vectors, #DB with only BD/BT) -> UNKNOWN
 *
 * Entry point: the seed returns ENTRY_POINT_BREAKPOINT for every hw hit
 * with rip == entry and removes the breakpoint at entry, which would also
 * silently delete a breakpoint the user set there later. Here the stop is
 * ENTRY_POINT_BREAKPOINT only while a one-shot breakpoint (added with
 * hlkvm_hwbp_add_oneshot()) sits at entry; it is then removed from @hw
 * (the caller must re-apply the debug state). Later hits at entry are
 * plain HW_BREAKPOINT. With @hw NULL the seed's stateless rule applies:
 * rip == entry is the entry-point stop and nothing is removed.
 *
 * rip and entry must be in the same address space (the seed translated
 * rip to a guest-physical address first; with identity-mapped guests the
 * two are equal). For #BP, KVM reports rip = the address of the int3
 * itself, not the byte after it: see hlkvm_int3_addr().
 *
 * @out and @diag may be NULL. @diag receives one NUL-terminated line
 * (rip, dr6, entry and exception in hex for UNKNOWN): nothing is printed,
 * the caller logs it if it wants to.
 */
enum hlkvm_stop_reason hlkvm_dr6_classify(uint32_t exception, uint64_t dr6,
					  uint64_t rip, uint64_t entry,
					  struct hlkvm_hw_bps *hw,
					  struct hlkvm_stop *out,
					  char *diag, size_t diag_len);

/* hlkvm_dr6_classify() on a kvm_run->debug.arch, against @dbg's tables. */
enum hlkvm_stop_reason hlkvm_debug_classify(struct hlkvm_debug *dbg,
					    const struct kvm_debug_exit_arch *ex,
					    struct hlkvm_stop *out,
					    char *diag, size_t diag_len);

/*
 * Address of the int3 that caused a #BP exit, from the pc KVM reported.
 * KVM intercepts #BP before delivery (VMX handle_exception_nmi, SVM
 * bp_interception), so debug.arch.pc is the int3's own address: the
 * kernel's selftest x86/debug_regs.c asserts pc == sw_bp and then skips
 * the one byte itself. Hence this is the identity; it exists so callers
 * do not "fix" it with pc - 1, which is only right for a #BP the guest
 * itself took (trap frame RIP points after the int3).
 */
uint64_t hlkvm_int3_addr(uint64_t pc);

const char *hlkvm_stop_reason_str(enum hlkvm_stop_reason reason);

/*
 * GDB stop reply signal: 5 (SIGTRAP) for every debug stop, 0 for UNKNOWN,
 * meaning "not a debugger stop, resume the guest" (the seed's event loop
 * resumes on Unknown instead of reporting it).
 */
int hlkvm_stop_gdb_signal(enum hlkvm_stop_reason reason);

/*
 * GDB stop reply kind: "swbreak", "hwbreak" or NULL (step, unknown, and
 * a watchpoint, whose kind is its slot's: hlkvm_hw_gdb_watch_kind()).
 */
const char *hlkvm_stop_gdb_kind(enum hlkvm_stop_reason reason);

/* "watch", "rwatch", "awatch" for a data slot's type, NULL for EXEC. */
const char *hlkvm_hw_gdb_watch_kind(enum hlkvm_hw_type type);

/* --- hardware execute breakpoints (DR0-DR3) --- */

void hlkvm_hwbp_init(struct hlkvm_hw_bps *hw);

/*
 * Add an execute breakpoint. Returns its slot (0-3), -EEXIST if @addr is
 * already a breakpoint (GDB asks for idempotent Z packets: a stub may map
 * -EEXIST to "OK"), -ENOSPC if all four slots are taken, -EINVAL for NULL.
 * Adding over the one-shot entry breakpoint makes it a persistent user
 * breakpoint and returns its slot.
 */
int hlkvm_hwbp_add(struct hlkvm_hw_bps *hw, uint64_t addr);

/* Add the one-shot entry-point breakpoint. Same returns as hlkvm_hwbp_add. */
int hlkvm_hwbp_add_oneshot(struct hlkvm_hw_bps *hw, uint64_t addr);

/* Remove by address. Returns the freed slot, or -ENOENT / -EINVAL. */
int hlkvm_hwbp_remove(struct hlkvm_hw_bps *hw, uint64_t addr);

/* Execute slot holding @addr, or -ENOENT / -EINVAL. */
int hlkvm_hwbp_find(const struct hlkvm_hw_bps *hw, uint64_t addr);

/*
 * Add a data watchpoint of @type (WRITE, READ or ACCESS) over @len bytes
 * at @addr, in a slot shared with the execute breakpoints. The CPU
 * watches naturally aligned 1, 2, 4 or 8 bytes only: anything else is
 * -EINVAL rather than a slot silently watching other bytes. Returns the
 * slot, -EEXIST for the same watchpoint again, -ENOSPC with all four
 * slots taken.
 */
int hlkvm_hwbp_add_watch(struct hlkvm_hw_bps *hw, uint64_t addr,
			 unsigned int len, enum hlkvm_hw_type type);

/* Remove the watchpoint added with these arguments: slot or -ENOENT. */
int hlkvm_hwbp_remove_watch(struct hlkvm_hw_bps *hw, uint64_t addr,
			    unsigned int len, enum hlkvm_hw_type type);

unsigned int hlkvm_hwbp_count(const struct hlkvm_hw_bps *hw);

/*
 * DR7 for the table: Li (bit 2i) per used slot, RW = 00 (execute),
 * LEN = 00 (1 byte, required for execute) for execute slots; RW = 01
 * (write) or 11 (read/write) and LEN 00/01/11/10 (1/2/4/8 bytes) for data
 * slots; bit 10 set as it reads.
 * Local enables, as the seed: L and G differ only across hardware task
 * switches, which a 64-bit guest never does, and KVM loads the guest
 * debug DR7 itself on every entry.
 */
uint64_t hlkvm_hwbp_dr7(const struct hlkvm_hw_bps *hw);

/* --- software breakpoints (int3) --- */

void hlkvm_swbp_init(struct hlkvm_sw_bps *sw);

/*
 * Save the byte at @addr and write 0xCC there. Returns 0, -EEXIST if
 * already inserted (memory untouched: a second insert would save 0xCC as
 * the "original"), -ENOSPC when the table is full, -EINVAL, or the
 * accessor's error (table unchanged).
 */
int hlkvm_swbp_insert(struct hlkvm_sw_bps *sw, const struct hlkvm_mem *mem,
		      uint64_t addr);

/*
 * Write the saved byte back and forget the breakpoint. Returns 0, -ENOENT
 * if @addr is not a breakpoint, or the accessor's error (the breakpoint is
 * then kept, so the removal can be retried).
 */
int hlkvm_swbp_remove(struct hlkvm_sw_bps *sw, const struct hlkvm_mem *mem,
		      uint64_t addr);

/* Remove every breakpoint (detach). Returns 0 or the first error. */
int hlkvm_swbp_remove_all(struct hlkvm_sw_bps *sw,
			  const struct hlkvm_mem *mem);

bool hlkvm_swbp_find(const struct hlkvm_sw_bps *sw, uint64_t addr);

/*
 * A debugger write of @len bytes from @buf at @addr over inserted int3s:
 * the new bytes become the saved originals (so removing the breakpoint
 * leaves what was written) and @buf gets 0xCC back at those offsets, so
 * the breakpoints stay in. Returns how many breakpoints it covered.
 */
unsigned int hlkvm_swbp_overwrite(struct hlkvm_sw_bps *sw, uint64_t addr,
				  void *buf, size_t len);

/* The byte the int3 at @addr replaced. 0 or -ENOENT / -EINVAL. */
int hlkvm_swbp_original(const struct hlkvm_sw_bps *sw, uint64_t addr,
			uint8_t *byte);

/*
 * In @buf, read from guest memory at @addr, put back the original bytes
 * under inserted int3s, so a debugger's memory view shows the program.
 */
void hlkvm_swbp_mask(const struct hlkvm_sw_bps *sw, uint64_t addr,
		     void *buf, size_t len);

/* --- the whole debug state --- */

/* Empty tables, not stepping, BLOCKIRQ assumed available. */
void hlkvm_debug_init(struct hlkvm_debug *dbg, uint64_t entry);

void hlkvm_debug_set_step(struct hlkvm_debug *dbg, bool on);

/*
 * The KVM_SET_GUEST_DEBUG argument for @dbg: ENABLE | USE_SW_BP always
 * (as the seed: a stray int3 in the guest stops in the debugger instead of
 * reaching the guest's IDT), USE_HW_BP when a hw slot is used, SINGLESTEP
 * while stepping, plus BLOCKIRQ while stepping when KVM accepts it, so a
 * pending interrupt (the 0x20 tick) does not turn every step into a step
 * into the interrupt handler. debugreg[0-3] = slot addresses,
 * debugreg[7] = hlkvm_hwbp_dr7().
 */
void hlkvm_debug_build(const struct hlkvm_debug *dbg,
		       struct kvm_guest_debug *out);

#endif /* HLKVM_DR6_H */
