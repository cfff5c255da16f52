// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * Guest debug stop classification and breakpoint bookkeeping (pure).
 * See dr6.h for the contract; the comments here say why.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dr6.h"

/* GDB's own signal numbering (gdb/signals.def), not the host's. */
#define GDB_SIGTRAP	5

static int lowest_b(uint64_t dr6)
{
	uint64_t b = dr6 & HLKVM_DR6_B_MASK;

	return b ? __builtin_ctzll(b) : -1;
}

static void set_diag(char *diag, size_t len, enum hlkvm_stop_reason reason,
		     uint32_t exception, uint64_t dr6, uint64_t rip,
		     uint64_t entry, int slot)
{
	if (!diag || !len)
		return;

	if (reason == HLKVM_STOP_UNKNOWN)
		snprintf(diag, len,
			 "unknown vCPU stop: exception 0x%" PRIx32
			 " rip 0x%" PRIx64 " dr6 0x%" PRIx64
			 " entry 0x%" PRIx64,
			 exception, rip, dr6, entry);
	else
		snprintf(diag, len, "%s: slot %d rip 0x%" PRIx64
			 " dr6 0x%" PRIx64,
			 hlkvm_stop_reason_str(reason), slot, rip, dr6);
}

/* Lowest Bi in @dr6 that names a used data slot of @hw, or -1 */
static int lowest_watch_b(const struct hlkvm_hw_bps *hw, uint64_t dr6)
{
	int i;

	if (!hw)
		return -1;
	for (i = 0; i < HLKVM_HW_BP_MAX; i++)
		if ((dr6 & HLKVM_DR6_B(i)) && hw->slot[i].used &&
		    hw->slot[i].type != HLKVM_HW_EXEC)
			return i;
	return -1;
}

/*
 * Is the hit at @rip the entry-point stop? With a table: only while the
 * one-shot sits at entry, which is then consumed. Returns the slot it had
 * (>= 0), -1 if this is an ordinary breakpoint, -2 for the stateless rule.
 */
static int take_entry_oneshot(struct hlkvm_hw_bps *hw, uint64_t rip,
			      uint64_t entry)
{
	int slot;

	if (rip != entry)
		return -1;
	if (!hw)
		return -2;

	slot = hlkvm_hwbp_find(hw, entry);
	if (slot < 0 || !hw->slot[slot].oneshot)
		return -1;

	/* One-shot: GDB never set it, so GDB would never remove it. */
	hw->slot[slot].used = false;
	hw->slot[slot].oneshot = false;
	hw->slot[slot].addr = 0;
	return slot;
}

enum hlkvm_stop_reason hlkvm_dr6_classify(uint32_t exception, uint64_t dr6,
					  uint64_t rip, uint64_t entry,
					  struct hlkvm_hw_bps *hw,
					  struct hlkvm_stop *out,
					  char *diag, size_t diag_len)
{
	enum hlkvm_stop_reason reason = HLKVM_STOP_UNKNOWN;
	uint64_t addr = rip;
	int slot = -1;

	if (exception == HLKVM_DB_VECTOR) {
		int watch = lowest_watch_b(hw, dr6);

		slot = lowest_b(dr6);

		/* A data slot first, then BS (the seed's): see the header */
		if (watch >= 0) {
			reason = HLKVM_STOP_WATCHPOINT;
			slot = watch;
		} else if (dr6 & HLKVM_DR6_BS) {
			reason = HLKVM_STOP_DONE_STEP;
		} else if (slot >= 0) {
			int e = take_entry_oneshot(hw, rip, entry);

			if (e == -1) {
				reason = HLKVM_STOP_HW_BREAKPOINT;
			} else {
				reason = HLKVM_STOP_ENTRY_POINT_BREAKPOINT;
				if (e >= 0)
					slot = e;
			}
		}
	} else if (exception == HLKVM_BP_VECTOR) {
		reason = HLKVM_STOP_SW_BREAKPOINT;
		addr = hlkvm_int3_addr(rip);
	}

	set_diag(diag, diag_len, reason, exception, dr6, rip, entry, slot);

	if (out) {
		out->reason = reason;
		out->slot = slot;
		out->addr = addr;
	}
	return reason;
}

enum hlkvm_stop_reason hlkvm_debug_classify(struct hlkvm_debug *dbg,
					    const struct kvm_debug_exit_arch *ex,
					    struct hlkvm_stop *out,
					    char *diag, size_t diag_len)
{
	return hlkvm_dr6_classify(ex->exception, ex->dr6, ex->pc, dbg->entry,
				  &dbg->hw, out, diag, diag_len);
}

uint64_t hlkvm_int3_addr(uint64_t pc)
{
	return pc;
}

const char *hlkvm_stop_reason_str(enum hlkvm_stop_reason reason)
{
	switch (reason) {
	case HLKVM_STOP_DONE_STEP:
		return "done step";
	case HLKVM_STOP_HW_BREAKPOINT:
		return "hw breakpoint";
	case HLKVM_STOP_ENTRY_POINT_BREAKPOINT:
		return "entry point breakpoint";
	case HLKVM_STOP_SW_BREAKPOINT:
		return "sw breakpoint";
	case HLKVM_STOP_WATCHPOINT:
		return "watchpoint";
	case HLKVM_STOP_UNKNOWN:
		break;
	}
	return "unknown";
}

int hlkvm_stop_gdb_signal(enum hlkvm_stop_reason reason)
{
	switch (reason) {
	case HLKVM_STOP_DONE_STEP:
	case HLKVM_STOP_HW_BREAKPOINT:
	case HLKVM_STOP_ENTRY_POINT_BREAKPOINT:
	case HLKVM_STOP_SW_BREAKPOINT:
	case HLKVM_STOP_WATCHPOINT:
		return GDB_SIGTRAP;
	case HLKVM_STOP_UNKNOWN:
		break;
	}
	return 0;
}

const char *hlkvm_stop_gdb_kind(enum hlkvm_stop_reason reason)
{
	switch (reason) {
	case HLKVM_STOP_SW_BREAKPOINT:
		return "swbreak";
	case HLKVM_STOP_HW_BREAKPOINT:
	case HLKVM_STOP_ENTRY_POINT_BREAKPOINT:
		return "hwbreak";
	case HLKVM_STOP_DONE_STEP:
	case HLKVM_STOP_WATCHPOINT:
	case HLKVM_STOP_UNKNOWN:
		break;
	}
	return NULL;
}

const char *hlkvm_hw_gdb_watch_kind(enum hlkvm_hw_type type)
{
	switch (type) {
	case HLKVM_HW_WRITE:
		return "watch";
	case HLKVM_HW_READ:
		return "rwatch";
	case HLKVM_HW_ACCESS:
		return "awatch";
	case HLKVM_HW_EXEC:
		break;
	}
	return NULL;
}

/* --- hardware breakpoints --- */

void hlkvm_hwbp_init(struct hlkvm_hw_bps *hw)
{
	memset(hw, 0, sizeof(*hw));
}

int hlkvm_hwbp_find(const struct hlkvm_hw_bps *hw, uint64_t addr)
{
	int i;

	if (!hw)
		return -EINVAL;
	for (i = 0; i < HLKVM_HW_BP_MAX; i++)
		if (hw->slot[i].used && hw->slot[i].type == HLKVM_HW_EXEC &&
		    hw->slot[i].addr == addr)
			return i;
	return -ENOENT;
}

static int free_slot(const struct hlkvm_hw_bps *hw)
{
	int i;

	for (i = 0; i < HLKVM_HW_BP_MAX; i++)
		if (!hw->slot[i].used)
			return i;
	return -ENOSPC;
}

static int hwbp_add(struct hlkvm_hw_bps *hw, uint64_t addr, bool oneshot)
{
	int i;

	if (!hw)
		return -EINVAL;

	i = hlkvm_hwbp_find(hw, addr);
	if (i >= 0) {
		/*
		 * The user asking for a breakpoint where the one-shot sits
		 * wants it to stay: promote it rather than fail.
		 */
		if (!oneshot && hw->slot[i].oneshot) {
			hw->slot[i].oneshot = false;
			return i;
		}
		return -EEXIST;
	}

	i = free_slot(hw);
	if (i < 0)
		return i;
	hw->slot[i] = (struct hlkvm_hw_bp){ .addr = addr, .used = true,
					    .oneshot = oneshot,
					    .type = HLKVM_HW_EXEC, .len = 1 };
	return i;
}

int hlkvm_hwbp_add(struct hlkvm_hw_bps *hw, uint64_t addr)
{
	return hwbp_add(hw, addr, false);
}

int hlkvm_hwbp_add_oneshot(struct hlkvm_hw_bps *hw, uint64_t addr)
{
	return hwbp_add(hw, addr, true);
}

int hlkvm_hwbp_remove(struct hlkvm_hw_bps *hw, uint64_t addr)
{
	int i = hlkvm_hwbp_find(hw, addr);

	if (i < 0)
		return i;
	memset(&hw->slot[i], 0, sizeof(hw->slot[i]));
	return i;
}

static int watch_find(const struct hlkvm_hw_bps *hw, uint64_t addr,
		      unsigned int len, enum hlkvm_hw_type type)
{
	int i;

	for (i = 0; i < HLKVM_HW_BP_MAX; i++)
		if (hw->slot[i].used && hw->slot[i].type == type &&
		    hw->slot[i].addr == addr && hw->slot[i].len == len)
			return i;
	return -ENOENT;
}

int hlkvm_hwbp_add_watch(struct hlkvm_hw_bps *hw, uint64_t addr,
			 unsigned int len, enum hlkvm_hw_type type)
{
	int i;

	if (!hw || (type != HLKVM_HW_WRITE && type != HLKVM_HW_READ &&
		    type != HLKVM_HW_ACCESS))
		return -EINVAL;
	/* DR7 LEN: 1, 2, 4, 8 bytes; the low address bits are ignored */
	if ((len != 1 && len != 2 && len != 4 && len != 8) || addr & (len - 1))
		return -EINVAL;
	if (watch_find(hw, addr, len, type) >= 0)
		return -EEXIST;
	i = free_slot(hw);
	if (i < 0)
		return i;
	hw->slot[i] = (struct hlkvm_hw_bp){ .addr = addr, .used = true,
					    .type = type, .len = len };
	return i;
}

int hlkvm_hwbp_remove_watch(struct hlkvm_hw_bps *hw, uint64_t addr,
			    unsigned int len, enum hlkvm_hw_type type)
{
	int i;

	if (!hw)
		return -EINVAL;
	i = watch_find(hw, addr, len, type);
	if (i < 0)
		return i;
	memset(&hw->slot[i], 0, sizeof(hw->slot[i]));
	return i;
}

unsigned int hlkvm_hwbp_count(const struct hlkvm_hw_bps *hw)
{
	unsigned int n = 0;
	int i;

	for (i = 0; i < HLKVM_HW_BP_MAX; i++)
		n += hw->slot[i].used;
	return n;
}

uint64_t hlkvm_hwbp_dr7(const struct hlkvm_hw_bps *hw)
{
	uint64_t dr7 = HLKVM_DR7_FIXED_1;
	int i;

	/* Execute: RW and LEN stay 00, one byte (the only legal length) */
	for (i = 0; i < HLKVM_HW_BP_MAX; i++) {
		const struct hlkvm_hw_bp *b = &hw->slot[i];
		uint64_t rw, len;

		if (!b->used)
			continue;
		dr7 |= HLKVM_DR7_L(i);
		if (b->type == HLKVM_HW_EXEC)
			continue;
		rw = b->type == HLKVM_HW_WRITE ? 1 : 3;
		/* SDM 17.2.5: LEN 00 = 1, 01 = 2, 11 = 4, 10 = 8 bytes */
		len = b->len == 8 ? 2 : b->len == 4 ? 3 : b->len == 2 ? 1 : 0;
		dr7 |= (rw | len << 2) << (16 + 4 * i);
	}
	return dr7;
}

/* --- software breakpoints --- */

void hlkvm_swbp_init(struct hlkvm_sw_bps *sw)
{
	memset(sw, 0, sizeof(*sw));
}

static struct hlkvm_sw_bp *swbp_lookup(const struct hlkvm_sw_bps *sw,
				       uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < HLKVM_SW_BP_MAX; i++)
		if (sw->bp[i].used && sw->bp[i].addr == addr)
			return (struct hlkvm_sw_bp *)&sw->bp[i];
	return NULL;
}

bool hlkvm_swbp_find(const struct hlkvm_sw_bps *sw, uint64_t addr)
{
	return sw && swbp_lookup(sw, addr);
}

unsigned int hlkvm_swbp_overwrite(struct hlkvm_sw_bps *sw, uint64_t addr,
				  void *buf, size_t len)
{
	uint8_t *p = buf;
	unsigned int i, n = 0;

	if (!sw || !buf)
		return 0;
	for (i = 0; i < HLKVM_SW_BP_MAX; i++) {
		struct hlkvm_sw_bp *bp = &sw->bp[i];

		if (bp->used && bp->addr - addr < len) {
			bp->orig = p[bp->addr - addr];
			p[bp->addr - addr] = HLKVM_INT3;
			n++;
		}
	}
	return n;
}

int hlkvm_swbp_original(const struct hlkvm_sw_bps *sw, uint64_t addr,
			uint8_t *byte)
{
	const struct hlkvm_sw_bp *bp;

	if (!sw || !byte)
		return -EINVAL;
	bp = swbp_lookup(sw, addr);
	if (!bp)
		return -ENOENT;
	*byte = bp->orig;
	return 0;
}

int hlkvm_swbp_insert(struct hlkvm_sw_bps *sw, const struct hlkvm_mem *mem,
		      uint64_t addr)
{
	const uint8_t int3 = HLKVM_INT3;
	struct hlkvm_sw_bp *slot = NULL;
	uint8_t orig;
	unsigned int i;
	int ret;

	if (!sw || !mem || !mem->read || !mem->write)
		return -EINVAL;
	if (swbp_lookup(sw, addr))
		return -EEXIST;

	for (i = 0; i < HLKVM_SW_BP_MAX && !slot; i++)
		if (!sw->bp[i].used)
			slot = &sw->bp[i];
	if (!slot)
		return -ENOSPC;

	/* Read before writing: the saved byte is the whole point. */
	ret = mem->read(mem->opaque, addr, &orig, 1);
	if (ret)
		return ret;
	ret = mem->write(mem->opaque, addr, &int3, 1);
	if (ret)
		return ret;

	slot->addr = addr;
	slot->orig = orig;
	slot->used = true;
	sw->count++;
	return 0;
}

int hlkvm_swbp_remove(struct hlkvm_sw_bps *sw, const struct hlkvm_mem *mem,
		      uint64_t addr)
{
	struct hlkvm_sw_bp *bp;
	int ret;

	if (!sw || !mem || !mem->write)
		return -EINVAL;
	bp = swbp_lookup(sw, addr);
	if (!bp)
		return -ENOENT;

	/* Forget it only once the guest has its byte back. */
	ret = mem->write(mem->opaque, addr, &bp->orig, 1);
	if (ret)
		return ret;

	memset(bp, 0, sizeof(*bp));
	sw->count--;
	return 0;
}

int hlkvm_swbp_remove_all(struct hlkvm_sw_bps *sw,
			  const struct hlkvm_mem *mem)
{
	unsigned int i;
	int ret, first = 0;

	if (!sw || !mem || !mem->write)
		return -EINVAL;

	/* Keep going past a failure: restore as much of the guest as we can. */
	for (i = 0; i < HLKVM_SW_BP_MAX; i++) {
		if (!sw->bp[i].used)
			continue;
		ret = hlkvm_swbp_remove(sw, mem, sw->bp[i].addr);
		if (ret && !first)
			first = ret;
	}
	return first;
}

void hlkvm_swbp_mask(const struct hlkvm_sw_bps *sw, uint64_t addr,
		     void *buf, size_t len)
{
	uint8_t *p = buf;
	unsigned int i;

	if (!sw || !buf)
		return;

	for (i = 0; i < HLKVM_SW_BP_MAX; i++) {
		const struct hlkvm_sw_bp *bp = &sw->bp[i];

		/* Unsigned difference: also right when addr + len wraps. */
		if (bp->used && bp->addr - addr < len)
			p[bp->addr - addr] = bp->orig;
	}
}

/* --- the whole state --- */

void hlkvm_debug_init(struct hlkvm_debug *dbg, uint64_t entry)
{
	memset(dbg, 0, sizeof(*dbg));
	dbg->entry = entry;
	/* Since Linux 5.16; hlkvm_guest_debug_probe() narrows it. */
	dbg->blockirq_ok = true;
}

void hlkvm_debug_set_step(struct hlkvm_debug *dbg, bool on)
{
	dbg->single_step = on;
}

void hlkvm_debug_build(const struct hlkvm_debug *dbg,
		       struct kvm_guest_debug *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	out->control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;

	if (hlkvm_hwbp_count(&dbg->hw))
		out->control |= KVM_GUESTDBG_USE_HW_BP;

	if (dbg->single_step) {
		out->control |= KVM_GUESTDBG_SINGLESTEP;
		if (dbg->blockirq_ok)
			out->control |= KVM_GUESTDBG_BLOCKIRQ;
	}

	for (i = 0; i < HLKVM_HW_BP_MAX; i++)
		if (dbg->hw.slot[i].used)
			out->arch.debugreg[i] = dbg->hw.slot[i].addr;
	out->arch.debugreg[7] = hlkvm_hwbp_dr7(&dbg->hw);
}
