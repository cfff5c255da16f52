// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for dr6.c (stop classification, breakpoint tables, the
 * KVM_SET_GUEST_DEBUG argument) and the pure parts of guest_debug.c.
 *
 * DR6 vectors are the ones KVM's selftest x86/debug_regs.c asserts:
 * single-step 0xffff4ff0, hw breakpoint slot i 0xffff0ff0 | 1 << i.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dr6.h"
#include "guest_debug.h"

#define DR6_STEP	0xffff4ff0ULL
#define DR6_HW(i)	(0xffff0ff0ULL | (1ULL << (i)))
#define DR6_BD		(1ULL << 13)
#define ENTRY		0x200000ULL
#define OTHER		0x201234ULL

/* --- a fake guest memory for the software breakpoint table --- */

/* swbp_table_full_is_enospc puts one breakpoint on each fake byte. */
_Static_assert(HLKVM_SW_BP_MAX == 64, "resize struct fake_mem");

struct fake_mem {
	uint8_t bytes[64];
	uint64_t base;
	int fail_read;		/* errno to return, 0 = succeed */
	int fail_write;
	unsigned int writes;
};

static int fake_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct fake_mem *m = opaque;

	if (m->fail_read)
		return -m->fail_read;
	if (addr < m->base || addr - m->base + len > sizeof(m->bytes))
		return -EFAULT;
	memcpy(buf, &m->bytes[addr - m->base], len);
	return 0;
}

static int fake_write(void *opaque, uint64_t addr, const void *buf,
		      size_t len)
{
	struct fake_mem *m = opaque;

	if (m->fail_write)
		return -m->fail_write;
	if (addr < m->base || addr - m->base + len > sizeof(m->bytes))
		return -EFAULT;
	memcpy(&m->bytes[addr - m->base], buf, len);
	m->writes++;
	return 0;
}

static void fake_init(struct fake_mem *m, struct hlkvm_mem *ops)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->base = 0x1000;
	for (i = 0; i < sizeof(m->bytes); i++)
		m->bytes[i] = 0x90 + (i & 0xf);	/* nop-ish, never 0xcc */
	ops->read = fake_read;
	ops->write = fake_write;
	ops->opaque = m;
}

/* --- classification --- */

static void single_step_dr6_is_done_step(void **state)
{
	struct hlkvm_stop st;

	(void)state;
	assert_int_equal(hlkvm_dr6_classify(1, DR6_STEP, OTHER, ENTRY, NULL,
					    &st, NULL, 0),
			 HLKVM_STOP_DONE_STEP);
	assert_int_equal(st.reason, HLKVM_STOP_DONE_STEP);
	assert_int_equal(st.slot, -1);
	assert_int_equal(st.addr, OTHER);
}

static void hw_breakpoint_reports_slot(int i)
{
	struct hlkvm_hw_bps hw;
	struct hlkvm_stop st;
	int k;

	/* Fill slots 0..i so the breakpoint really sits in DRi. */
	hlkvm_hwbp_init(&hw);
	for (k = 0; k <= i; k++)
		assert_int_equal(hlkvm_hwbp_add(&hw, OTHER + k), k);

	assert_int_equal(hlkvm_dr6_classify(1, DR6_HW(i), OTHER + i, ENTRY,
					    &hw, &st, NULL, 0),
			 HLKVM_STOP_HW_BREAKPOINT);
	assert_int_equal(st.slot, i);
	assert_int_equal(st.addr, OTHER + i);
	/* An ordinary breakpoint stays armed. */
	assert_int_equal(hlkvm_hwbp_find(&hw, OTHER + i), i);
}

static void hw_breakpoint_slot0_reports_slot0(void **state)
{
	(void)state;
	hw_breakpoint_reports_slot(0);
}

static void hw_breakpoint_slot1_reports_slot1(void **state)
{
	(void)state;
	hw_breakpoint_reports_slot(1);
}

static void hw_breakpoint_slot2_reports_slot2(void **state)
{
	(void)state;
	hw_breakpoint_reports_slot(2);
}

static void hw_breakpoint_slot3_reports_slot3(void **state)
{
	(void)state;
	hw_breakpoint_reports_slot(3);
}

static void pvm_hw_breakpoint_vector_is_hw_breakpoint(void **state)
{
	(void)state;
	/* What this machine's PVM reports for slot 0 (NOTES.md). */
	assert_int_equal(hlkvm_dr6_classify(1, 0xffff0ff1, OTHER, ENTRY, NULL,
					    NULL, NULL, 0),
			 HLKVM_STOP_HW_BREAKPOINT);
}

static void entry_hit_is_entry_stop_and_removes_oneshot(void **state)
{
	struct hlkvm_hw_bps hw;
	struct hlkvm_stop st;

	(void)state;
	hlkvm_hwbp_init(&hw);
	assert_int_equal(hlkvm_hwbp_add_oneshot(&hw, ENTRY), 0);

	assert_int_equal(hlkvm_dr6_classify(1, DR6_HW(0), ENTRY, ENTRY, &hw,
					    &st, NULL, 0),
			 HLKVM_STOP_ENTRY_POINT_BREAKPOINT);
	assert_int_equal(st.slot, 0);
	assert_int_equal(hlkvm_hwbp_find(&hw, ENTRY), -ENOENT);
	assert_int_equal(hlkvm_hwbp_count(&hw), 0);
}

static void entry_second_hit_is_plain_hw_breakpoint(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	hlkvm_hwbp_add_oneshot(&hw, ENTRY);
	hlkvm_dr6_classify(1, DR6_HW(0), ENTRY, ENTRY, &hw, NULL, NULL, 0);

	/* The user now sets a breakpoint there: it must survive its hit. */
	assert_int_equal(hlkvm_hwbp_add(&hw, ENTRY), 0);
	assert_int_equal(hlkvm_dr6_classify(1, DR6_HW(0), ENTRY, ENTRY, &hw,
					    NULL, NULL, 0),
			 HLKVM_STOP_HW_BREAKPOINT);
	assert_int_equal(hlkvm_hwbp_find(&hw, ENTRY), 0);
}

static void entry_oneshot_in_slot2_reports_and_frees_slot2(void **state)
{
	struct hlkvm_hw_bps hw;
	struct hlkvm_stop st;

	(void)state;
	hlkvm_hwbp_init(&hw);
	hlkvm_hwbp_add(&hw, OTHER);
	hlkvm_hwbp_add(&hw, OTHER + 1);
	assert_int_equal(hlkvm_hwbp_add_oneshot(&hw, ENTRY), 2);

	assert_int_equal(hlkvm_dr6_classify(1, DR6_HW(2), ENTRY, ENTRY, &hw,
					    &st, NULL, 0),
			 HLKVM_STOP_ENTRY_POINT_BREAKPOINT);
	assert_int_equal(st.slot, 2);
	assert_int_equal(hlkvm_hwbp_count(&hw), 2);
	assert_int_equal(hlkvm_hwbp_find(&hw, OTHER), 0);
	assert_int_equal(hlkvm_hwbp_find(&hw, OTHER + 1), 1);
}

static void entry_without_table_follows_seed_rule(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_dr6_classify(1, DR6_HW(1), ENTRY, ENTRY, NULL,
					    NULL, NULL, 0),
			 HLKVM_STOP_ENTRY_POINT_BREAKPOINT);
}

static void hw_hit_elsewhere_keeps_entry_oneshot(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	hlkvm_hwbp_add_oneshot(&hw, ENTRY);
	hlkvm_hwbp_add(&hw, OTHER);

	assert_int_equal(hlkvm_dr6_classify(1, DR6_HW(1), OTHER, ENTRY, &hw,
					    NULL, NULL, 0),
			 HLKVM_STOP_HW_BREAKPOINT);
	assert_int_equal(hlkvm_hwbp_find(&hw, ENTRY), 0);
	assert_true(hw.slot[0].oneshot);
}

static void step_onto_entry_does_not_consume_oneshot(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	hlkvm_hwbp_add_oneshot(&hw, ENTRY);

	assert_int_equal(hlkvm_dr6_classify(1, DR6_STEP, ENTRY, ENTRY, &hw,
					    NULL, NULL, 0),
			 HLKVM_STOP_DONE_STEP);
	assert_int_equal(hlkvm_hwbp_find(&hw, ENTRY), 0);
}

static void step_and_b0_together_is_done_step_with_slot(void **state)
{
	struct hlkvm_stop st;

	(void)state;
	/* BS wins, as in the seed; the breakpoint slot is still reported. */
	assert_int_equal(hlkvm_dr6_classify(1, DR6_STEP | 1, OTHER, ENTRY,
					    NULL, &st, NULL, 0),
			 HLKVM_STOP_DONE_STEP);
	assert_int_equal(st.slot, 0);
}

static void int3_exception_is_sw_breakpoint_at_pc(void **state)
{
	struct hlkvm_stop st;

	(void)state;
	/* dr6 is irrelevant for #BP, even one that looks like a step. */
	assert_int_equal(hlkvm_dr6_classify(3, DR6_STEP, OTHER, ENTRY, NULL,
					    &st, NULL, 0),
			 HLKVM_STOP_SW_BREAKPOINT);
	assert_int_equal(st.addr, OTHER);
	assert_int_equal(st.slot, -1);
}

static void int3_address_is_pc_not_pc_minus_one(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_int3_addr(0x401000), 0x401000);
	assert_int_equal(HLKVM_INT3, 0xcc);
	assert_int_equal(HLKVM_INT3_LEN, 1);
}

static void unknown_exception_diag_has_hex_fields(void **state)
{
	char diag[HLKVM_STOP_DIAG_LEN];
	struct hlkvm_stop st;

	(void)state;
	assert_int_equal(hlkvm_dr6_classify(6, 0xffff0ff0, 0xdeadbeef,
					    0x1234abcd, NULL, &st, diag,
					    sizeof(diag)),
			 HLKVM_STOP_UNKNOWN);
	assert_int_equal(st.reason, HLKVM_STOP_UNKNOWN);
	assert_non_null(strstr(diag, "exception 0x6"));
	assert_non_null(strstr(diag, "rip 0xdeadbeef"));
	assert_non_null(strstr(diag, "dr6 0xffff0ff0"));
	assert_non_null(strstr(diag, "entry 0x1234abcd"));
}

static void longest_unknown_diag_fits_diag_len(void **state)
{
	char diag[HLKVM_STOP_DIAG_LEN];

	(void)state;
	hlkvm_dr6_classify(UINT32_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
			   NULL, NULL, diag, sizeof(diag));
	/* The last field must be complete, not cut off. */
	assert_non_null(strstr(diag, "entry 0xffffffffffffffff"));
}

static void debug_exception_without_bs_or_b_bits_is_unknown(void **state)
{
	(void)state;
	/* #DB for a debug-register access (BD) is not a debugger stop. */
	assert_int_equal(hlkvm_dr6_classify(1, 0xffff0ff0 | DR6_BD, OTHER,
					    ENTRY, NULL, NULL, NULL, 0),
			 HLKVM_STOP_UNKNOWN);
}

static void small_diag_buffer_is_truncated_and_terminated(void **state)
{
	char diag[8];

	(void)state;
	memset(diag, 'x', sizeof(diag));
	hlkvm_dr6_classify(6, 0, OTHER, ENTRY, NULL, NULL, diag,
			   sizeof(diag));
	assert_int_equal(diag[sizeof(diag) - 1], '\0');
	assert_int_equal(strlen(diag), sizeof(diag) - 1);
}

static void known_stops_get_a_diag_line_too(void **state)
{
	char diag[HLKVM_STOP_DIAG_LEN];

	(void)state;
	hlkvm_dr6_classify(1, DR6_HW(3), OTHER, ENTRY, NULL, NULL, diag,
			   sizeof(diag));
	assert_non_null(strstr(diag, "hw breakpoint"));
	assert_non_null(strstr(diag, "slot 3"));
}

static void debug_classify_reads_kvm_exit_arch(void **state)
{
	struct kvm_debug_exit_arch ex = {
		.exception = 1, .pc = ENTRY, .dr6 = DR6_HW(0),
	};
	struct hlkvm_debug dbg;
	struct kvm_guest_debug gd;

	(void)state;
	hlkvm_debug_init(&dbg, ENTRY);
	hlkvm_hwbp_add_oneshot(&dbg.hw, ENTRY);
	assert_int_equal(hlkvm_debug_classify(&dbg, &ex, NULL, NULL, 0),
			 HLKVM_STOP_ENTRY_POINT_BREAKPOINT);

	/* Once consumed, the next KVM_SET_GUEST_DEBUG drops hw bps. */
	hlkvm_debug_build(&dbg, &gd);
	assert_false(gd.control & KVM_GUESTDBG_USE_HW_BP);
	assert_int_equal(gd.arch.debugreg[0], 0);
}

static void stop_reasons_map_to_gdb_signals(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_stop_gdb_signal(HLKVM_STOP_DONE_STEP), 5);
	assert_int_equal(hlkvm_stop_gdb_signal(HLKVM_STOP_HW_BREAKPOINT), 5);
	assert_int_equal(
		hlkvm_stop_gdb_signal(HLKVM_STOP_ENTRY_POINT_BREAKPOINT), 5);
	assert_int_equal(hlkvm_stop_gdb_signal(HLKVM_STOP_SW_BREAKPOINT), 5);
	assert_int_equal(hlkvm_stop_gdb_signal(HLKVM_STOP_UNKNOWN), 0);

	assert_string_equal(hlkvm_stop_gdb_kind(HLKVM_STOP_SW_BREAKPOINT),
			    "swbreak");
	assert_string_equal(hlkvm_stop_gdb_kind(HLKVM_STOP_HW_BREAKPOINT),
			    "hwbreak");
	assert_null(hlkvm_stop_gdb_kind(HLKVM_STOP_DONE_STEP));
	assert_null(hlkvm_stop_gdb_kind(HLKVM_STOP_UNKNOWN));
	assert_string_equal(hlkvm_stop_reason_str(HLKVM_STOP_UNKNOWN),
			    "unknown");
	assert_string_equal(hlkvm_stop_reason_str((enum hlkvm_stop_reason)99),
			    "unknown");
}

/* --- hardware breakpoint table and DR7 --- */

static void dr7_of_empty_table_is_only_fixed_bit10(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	assert_int_equal(hlkvm_hwbp_dr7(&hw), 0x400);
}

static void dr7_enables_only_the_used_slot(void **state)
{
	struct hlkvm_hw_bps hw;
	int i;

	(void)state;
	for (i = 0; i < HLKVM_HW_BP_MAX; i++) {
		uint64_t dr7;

		hlkvm_hwbp_init(&hw);
		hw.slot[i].used = true;
		hw.slot[i].addr = OTHER;
		dr7 = hlkvm_hwbp_dr7(&hw);
		/* Local enable 2i, bit 10, RW = LEN = 00 (execute). */
		assert_int_equal(dr7, 0x400 | 1ULL << (2 * i));
		assert_int_equal(dr7 & HLKVM_DR7_RWLEN(i), 0);
		assert_int_equal(dr7 & HLKVM_DR7_G(i), 0);
	}
}

static void dr7_with_all_slots_is_0x455(void **state)
{
	struct hlkvm_hw_bps hw;
	int i;

	(void)state;
	hlkvm_hwbp_init(&hw);
	for (i = 0; i < HLKVM_HW_BP_MAX; i++)
		hlkvm_hwbp_add(&hw, OTHER + i);
	assert_int_equal(hlkvm_hwbp_dr7(&hw), 0x455);
}

static void hwbp_add_fills_slots_in_order(void **state)
{
	struct hlkvm_hw_bps hw;
	int i;

	(void)state;
	hlkvm_hwbp_init(&hw);
	for (i = 0; i < HLKVM_HW_BP_MAX; i++)
		assert_int_equal(hlkvm_hwbp_add(&hw, OTHER + 16 * i), i);
	assert_int_equal(hlkvm_hwbp_count(&hw), 4);
}

static void hwbp_fifth_add_is_enospc(void **state)
{
	struct hlkvm_hw_bps hw;
	int i;

	(void)state;
	hlkvm_hwbp_init(&hw);
	for (i = 0; i < HLKVM_HW_BP_MAX; i++)
		hlkvm_hwbp_add(&hw, OTHER + i);
	assert_int_equal(hlkvm_hwbp_add(&hw, ENTRY), -ENOSPC);
	assert_int_equal(hlkvm_hwbp_add_oneshot(&hw, ENTRY), -ENOSPC);
	assert_int_equal(hlkvm_hwbp_find(&hw, ENTRY), -ENOENT);
}

static void hwbp_duplicate_add_is_eexist(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	assert_int_equal(hlkvm_hwbp_add(&hw, OTHER), 0);
	assert_int_equal(hlkvm_hwbp_add(&hw, OTHER), -EEXIST);
	assert_int_equal(hlkvm_hwbp_add_oneshot(&hw, OTHER), -EEXIST);
	assert_int_equal(hlkvm_hwbp_count(&hw), 1);
}

static void hwbp_add_over_oneshot_makes_it_persistent(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	assert_int_equal(hlkvm_hwbp_add_oneshot(&hw, ENTRY), 0);
	assert_int_equal(hlkvm_hwbp_add(&hw, ENTRY), 0);
	assert_false(hw.slot[0].oneshot);
	assert_int_equal(hlkvm_dr6_classify(1, DR6_HW(0), ENTRY, ENTRY, &hw,
					    NULL, NULL, 0),
			 HLKVM_STOP_HW_BREAKPOINT);
	assert_int_equal(hlkvm_hwbp_count(&hw), 1);
}

static void hwbp_remove_keeps_other_slots_and_reuses_hole(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	hlkvm_hwbp_add(&hw, 0xa0);
	hlkvm_hwbp_add(&hw, 0xb0);
	hlkvm_hwbp_add(&hw, 0xc0);

	assert_int_equal(hlkvm_hwbp_remove(&hw, 0xb0), 1);
	/* DR6 Bi must keep naming the same breakpoint: no compaction. */
	assert_int_equal(hlkvm_hwbp_find(&hw, 0xa0), 0);
	assert_int_equal(hlkvm_hwbp_find(&hw, 0xc0), 2);
	assert_int_equal(hlkvm_hwbp_dr7(&hw), 0x400 | 0x1 | 0x10);

	assert_int_equal(hlkvm_hwbp_add(&hw, 0xd0), 1);
}

static void hwbp_remove_unknown_is_enoent(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	hlkvm_hwbp_add(&hw, OTHER);
	assert_int_equal(hlkvm_hwbp_remove(&hw, ENTRY), -ENOENT);
	assert_int_equal(hlkvm_hwbp_remove(&hw, OTHER), 0);
	assert_int_equal(hlkvm_hwbp_remove(&hw, OTHER), -ENOENT);
}

static void hwbp_address_zero_is_a_valid_breakpoint(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	/* A free slot's addr is 0 too: "used" must decide, not the value. */
	hlkvm_hwbp_init(&hw);
	assert_int_equal(hlkvm_hwbp_find(&hw, 0), -ENOENT);
	assert_int_equal(hlkvm_hwbp_add(&hw, 0), 0);
	assert_int_equal(hlkvm_hwbp_find(&hw, 0), 0);
}

static void hwbp_null_table_is_einval(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_hwbp_add(NULL, OTHER), -EINVAL);
	assert_int_equal(hlkvm_hwbp_remove(NULL, OTHER), -EINVAL);
	assert_int_equal(hlkvm_hwbp_find(NULL, OTHER), -EINVAL);
}

/* --- software breakpoints --- */

static void swbp_insert_saves_byte_and_writes_int3(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;
	uint8_t orig;

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	m.bytes[5] = 0x55;

	assert_int_equal(hlkvm_swbp_insert(&sw, &ops, 0x1005), 0);
	assert_int_equal(m.bytes[5], 0xcc);
	assert_true(hlkvm_swbp_find(&sw, 0x1005));
	assert_int_equal(hlkvm_swbp_original(&sw, 0x1005, &orig), 0);
	assert_int_equal(orig, 0x55);
	/* Neighbours untouched. */
	assert_int_equal(m.bytes[4], 0x94);
	assert_int_equal(m.bytes[6], 0x96);
}

static void swbp_remove_restores_original_byte(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	m.bytes[9] = 0x48;

	hlkvm_swbp_insert(&sw, &ops, 0x1009);
	assert_int_equal(hlkvm_swbp_remove(&sw, &ops, 0x1009), 0);
	assert_int_equal(m.bytes[9], 0x48);
	assert_false(hlkvm_swbp_find(&sw, 0x1009));
	assert_int_equal(sw.count, 0);
}

static void swbp_double_insert_is_eexist_and_keeps_original(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;
	unsigned int writes;

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	m.bytes[0] = 0x0f;

	hlkvm_swbp_insert(&sw, &ops, 0x1000);
	writes = m.writes;
	assert_int_equal(hlkvm_swbp_insert(&sw, &ops, 0x1000), -EEXIST);
	assert_int_equal(m.writes, writes);

	/* Removing once must give back the real byte, not 0xcc. */
	hlkvm_swbp_remove(&sw, &ops, 0x1000);
	assert_int_equal(m.bytes[0], 0x0f);
}

static void swbp_remove_unknown_is_enoent(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	assert_int_equal(hlkvm_swbp_remove(&sw, &ops, 0x1000), -ENOENT);
	assert_int_equal(m.writes, 0);

	hlkvm_swbp_insert(&sw, &ops, 0x1000);
	hlkvm_swbp_remove(&sw, &ops, 0x1000);
	assert_int_equal(hlkvm_swbp_remove(&sw, &ops, 0x1000), -ENOENT);
}

static void swbp_table_full_is_enospc(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;
	unsigned int i;

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	/* Exactly the fake's 64 bytes, one breakpoint each. */
	for (i = 0; i < HLKVM_SW_BP_MAX; i++)
		assert_int_equal(hlkvm_swbp_insert(&sw, &ops, 0x1000 + i), 0);

	m.base = 0x2000;
	assert_int_equal(hlkvm_swbp_insert(&sw, &ops, 0x2000), -ENOSPC);
	assert_int_equal(m.bytes[0], 0xcc);	/* from the 0x1000 insert */
	assert_int_equal(sw.count, HLKVM_SW_BP_MAX);
}

static void swbp_read_failure_leaves_table_and_memory_alone(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	m.fail_read = EIO;

	assert_int_equal(hlkvm_swbp_insert(&sw, &ops, 0x1000), -EIO);
	assert_false(hlkvm_swbp_find(&sw, 0x1000));
	assert_int_equal(m.writes, 0);

	/* Outside the guest's memory. */
	m.fail_read = 0;
	assert_int_equal(hlkvm_swbp_insert(&sw, &ops, 0x9000), -EFAULT);
	assert_int_equal(sw.count, 0);
}

static void swbp_failed_restore_keeps_breakpoint_for_retry(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	m.bytes[3] = 0x31;
	hlkvm_swbp_insert(&sw, &ops, 0x1003);

	m.fail_write = EIO;
	assert_int_equal(hlkvm_swbp_remove(&sw, &ops, 0x1003), -EIO);
	assert_true(hlkvm_swbp_find(&sw, 0x1003));

	m.fail_write = 0;
	assert_int_equal(hlkvm_swbp_remove(&sw, &ops, 0x1003), 0);
	assert_int_equal(m.bytes[3], 0x31);
}

static void swbp_mask_shows_original_bytes(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;
	uint8_t buf[8];

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	hlkvm_swbp_insert(&sw, &ops, 0x1002);
	hlkvm_swbp_insert(&sw, &ops, 0x1007);
	hlkvm_swbp_insert(&sw, &ops, 0x1008);	/* just past the window */

	memcpy(buf, m.bytes, sizeof(buf));
	assert_int_equal(buf[2], 0xcc);
	hlkvm_swbp_mask(&sw, 0x1000, buf, sizeof(buf));
	assert_int_equal(buf[2], 0x92);
	assert_int_equal(buf[7], 0x97);
	assert_memory_equal(buf, "\x90\x91\x92\x93\x94\x95\x96\x97", 8);
}

static void swbp_mask_window_below_breakpoint_wraps_safely(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;
	uint8_t buf[4] = { 1, 2, 3, 4 };

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	hlkvm_swbp_insert(&sw, &ops, 0x1000);
	/* A window ending at UINT64_MAX must not match 0x1000. */
	hlkvm_swbp_mask(&sw, UINT64_MAX - 1, buf, sizeof(buf));
	assert_memory_equal(buf, "\x01\x02\x03\x04", 4);
}

static void swbp_remove_all_restores_every_byte(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;
	uint8_t before[sizeof(m.bytes)];

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	memcpy(before, m.bytes, sizeof(before));
	hlkvm_swbp_insert(&sw, &ops, 0x1001);
	hlkvm_swbp_insert(&sw, &ops, 0x1010);
	hlkvm_swbp_insert(&sw, &ops, 0x103f);

	assert_int_equal(hlkvm_swbp_remove_all(&sw, &ops), 0);
	assert_memory_equal(m.bytes, before, sizeof(before));
	assert_int_equal(sw.count, 0);
}

static void swbp_null_arguments_are_einval(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem none = { 0 };
	uint8_t b;

	(void)state;
	hlkvm_swbp_init(&sw);
	assert_int_equal(hlkvm_swbp_insert(&sw, NULL, 0x1000), -EINVAL);
	assert_int_equal(hlkvm_swbp_insert(&sw, &none, 0x1000), -EINVAL);
	assert_int_equal(hlkvm_swbp_remove(NULL, &none, 0x1000), -EINVAL);
	assert_int_equal(hlkvm_swbp_original(&sw, 0x1000, &b), -ENOENT);
	assert_int_equal(hlkvm_swbp_original(&sw, 0x1000, NULL), -EINVAL);
}

/* --- the KVM_SET_GUEST_DEBUG argument --- */

static void build_idle_state_enables_sw_bp_only(void **state)
{
	struct hlkvm_debug dbg;
	struct kvm_guest_debug gd;

	(void)state;
	hlkvm_debug_init(&dbg, ENTRY);
	hlkvm_debug_build(&dbg, &gd);
	assert_int_equal(gd.control,
			 KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP);
	assert_int_equal(gd.arch.debugreg[7], 0x400);
}

static void build_step_sets_singlestep_and_blockirq(void **state)
{
	struct hlkvm_debug dbg;
	struct kvm_guest_debug gd;

	(void)state;
	hlkvm_debug_init(&dbg, ENTRY);
	hlkvm_debug_set_step(&dbg, true);
	hlkvm_debug_build(&dbg, &gd);
	assert_int_equal(gd.control,
			 KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP |
			 KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_BLOCKIRQ);

	/* Continue: both go away again. */
	hlkvm_debug_set_step(&dbg, false);
	hlkvm_debug_build(&dbg, &gd);
	assert_false(gd.control &
		     (KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_BLOCKIRQ));
}

static void build_step_without_blockirq_support_omits_it(void **state)
{
	struct hlkvm_debug dbg;
	struct kvm_guest_debug gd;

	(void)state;
	hlkvm_debug_init(&dbg, ENTRY);
	dbg.blockirq_ok = false;
	hlkvm_debug_set_step(&dbg, true);
	hlkvm_debug_build(&dbg, &gd);
	assert_true(gd.control & KVM_GUESTDBG_SINGLESTEP);
	assert_false(gd.control & KVM_GUESTDBG_BLOCKIRQ);
}

static void build_loads_hw_slots_into_debugregs(void **state)
{
	struct hlkvm_debug dbg;
	struct kvm_guest_debug gd;

	(void)state;
	hlkvm_debug_init(&dbg, ENTRY);
	hlkvm_hwbp_add_oneshot(&dbg.hw, ENTRY);
	hlkvm_hwbp_add(&dbg.hw, OTHER);
	hlkvm_hwbp_add(&dbg.hw, 0x300000);
	hlkvm_hwbp_remove(&dbg.hw, OTHER);
	hlkvm_debug_build(&dbg, &gd);

	assert_true(gd.control & KVM_GUESTDBG_USE_HW_BP);
	assert_int_equal(gd.arch.debugreg[0], ENTRY);
	assert_int_equal(gd.arch.debugreg[1], 0);
	assert_int_equal(gd.arch.debugreg[2], 0x300000);
	assert_int_equal(gd.arch.debugreg[3], 0);
	assert_int_equal(gd.arch.debugreg[7], 0x400 | 0x1 | 0x10);
	assert_int_equal(gd.arch.debugreg[6], 0);
}

/* --- guest_debug.c: guest memory through a mapping, ioctl errors --- */

static void guest_region_reads_and_writes_inside(void **state)
{
	uint8_t ram[32] = { 0 };
	struct hlkvm_guest_region gm = { .host = ram, .gpa = 0x8000,
				      .size = sizeof(ram) };
	uint8_t out[4];

	(void)state;
	assert_int_equal(hlkvm_guest_region_write(&gm, 0x801c, "\1\2\3\4", 4), 0);
	assert_memory_equal(&ram[28], "\1\2\3\4", 4);
	assert_int_equal(hlkvm_guest_region_read(&gm, 0x801c, out, 4), 0);
	assert_memory_equal(out, "\1\2\3\4", 4);
	assert_int_equal(hlkvm_guest_region_read(&gm, 0x8020, out, 0), 0);
}

static void guest_region_outside_is_efault(void **state)
{
	uint8_t ram[32] = { 0 };
	struct hlkvm_guest_region gm = { .host = ram, .gpa = 0x8000,
				      .size = sizeof(ram) };
	uint8_t out[4] = { 0 };

	(void)state;
	assert_int_equal(hlkvm_guest_region_read(&gm, 0x7fff, out, 1), -EFAULT);
	assert_int_equal(hlkvm_guest_region_read(&gm, 0x801d, out, 4), -EFAULT);
	assert_int_equal(hlkvm_guest_region_write(&gm, 0x8020, out, 1), -EFAULT);
	/* addr + len would wrap around 2^64. */
	assert_int_equal(hlkvm_guest_region_read(&gm, 0x8001, out, SIZE_MAX),
			 -EFAULT);
	assert_int_equal(hlkvm_guest_region_write(&gm, UINT64_MAX, out, 2),
			 -EFAULT);
	assert_int_equal(hlkvm_guest_region_read(NULL, 0x8000, out, 1), -EINVAL);
}

static void swbp_through_guest_region_round_trips(void **state)
{
	uint8_t ram[16] = { 0x55, 0x48, 0x89, 0xe5 };
	struct hlkvm_guest_region gm = { .host = ram, .gpa = 0x100000,
				      .size = sizeof(ram) };
	struct hlkvm_mem ops = hlkvm_guest_region_ops(&gm);
	struct hlkvm_sw_bps sw;

	(void)state;
	hlkvm_swbp_init(&sw);
	assert_int_equal(hlkvm_swbp_insert(&sw, &ops, 0x100001), 0);
	assert_int_equal(ram[1], 0xcc);
	assert_int_equal(hlkvm_swbp_insert(&sw, &ops, 0x100010), -EFAULT);
	assert_int_equal(hlkvm_swbp_remove(&sw, &ops, 0x100001), 0);
	assert_int_equal(ram[1], 0x48);
}

static void guest_debug_ioctls_on_bad_fd_return_ebadf(void **state)
{
	struct hlkvm_debug dbg;
	uint64_t gpa;

	(void)state;
	hlkvm_debug_init(&dbg, ENTRY);
	assert_int_equal(hlkvm_guest_debug_apply(-1, &dbg), -EBADF);
	assert_int_equal(hlkvm_guest_debug_probe(-1, &dbg), -EBADF);
	assert_int_equal(hlkvm_guest_translate(-1, 0, &gpa), -EBADF);
	assert_int_equal(hlkvm_guest_debug_set(-1, NULL), -EINVAL);
}

/* --- data watchpoints (slots shared with execute breakpoints) --- */

#define DATA	0x113008ULL

static void watch_shares_slots_and_fifth_is_enospc(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	assert_int_equal(hlkvm_hwbp_add(&hw, OTHER), 0);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA, 8, HLKVM_HW_WRITE), 1);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA, 8, HLKVM_HW_READ), 2);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA, 4, HLKVM_HW_ACCESS), 3);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA + 8, 8,
					      HLKVM_HW_WRITE), -ENOSPC);
	assert_int_equal(hlkvm_hwbp_add(&hw, OTHER + 1), -ENOSPC);
	/* the same watchpoint again is EEXIST, not a second slot */
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA, 8, HLKVM_HW_WRITE),
			 -EEXIST);
	/* removal names the exact watchpoint; the hole is reused */
	assert_int_equal(hlkvm_hwbp_remove_watch(&hw, DATA, 8, HLKVM_HW_ACCESS),
			 -ENOENT);
	assert_int_equal(hlkvm_hwbp_remove_watch(&hw, DATA, 8, HLKVM_HW_READ), 2);
	assert_int_equal(hlkvm_hwbp_add(&hw, OTHER + 1), 2);
	assert_int_equal(hlkvm_hwbp_count(&hw), 4);
}

static void watch_length_and_alignment_checked(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA, 3, HLKVM_HW_WRITE),
			 -EINVAL);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA, 16, HLKVM_HW_WRITE),
			 -EINVAL);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA + 4, 8,
					      HLKVM_HW_WRITE), -EINVAL);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA + 2, 4,
					      HLKVM_HW_WRITE), -EINVAL);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA + 1, 1,
					      HLKVM_HW_WRITE), 0);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA, 8, HLKVM_HW_EXEC),
			 -EINVAL);
	assert_int_equal(hlkvm_hwbp_count(&hw), 1);
}

static void watch_is_not_an_execute_breakpoint(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	assert_int_equal(hlkvm_hwbp_add_watch(&hw, DATA, 8, HLKVM_HW_WRITE), 0);
	assert_int_equal(hlkvm_hwbp_find(&hw, DATA), -ENOENT);
	assert_int_equal(hlkvm_hwbp_remove(&hw, DATA), -ENOENT);
	/* an execute breakpoint at the same address is a slot of its own */
	assert_int_equal(hlkvm_hwbp_add(&hw, DATA), 1);
	assert_int_equal(hlkvm_hwbp_find(&hw, DATA), 1);
}

static void dr7_encodes_rw_and_len_per_slot(void **state)
{
	struct hlkvm_hw_bps hw;

	(void)state;
	hlkvm_hwbp_init(&hw);
	hlkvm_hwbp_add(&hw, OTHER);				/* slot 0: 00 00 */
	hlkvm_hwbp_add_watch(&hw, DATA, 8, HLKVM_HW_WRITE);	/* 1: RW 01 LEN 10 */
	hlkvm_hwbp_add_watch(&hw, DATA, 4, HLKVM_HW_READ);	/* 2: RW 11 LEN 11 */
	hlkvm_hwbp_add_watch(&hw, DATA, 2, HLKVM_HW_ACCESS);	/* 3: RW 11 LEN 01 */
	/* SDM 17.2.4: RW/LEN at 16 + 4i; L0-L3 0x55; bit 10 */
	assert_int_equal(hlkvm_hwbp_dr7(&hw),
			 0x455ULL | 0x9ULL << 20 | 0xfULL << 24 |
			 0x7ULL << 28);
	hlkvm_hwbp_init(&hw);
	hlkvm_hwbp_add_watch(&hw, DATA, 1, HLKVM_HW_WRITE);
	assert_int_equal(hlkvm_hwbp_dr7(&hw), 0x401ULL | 0x1ULL << 16);
}

static void watch_hit_is_watchpoint_with_its_slot(void **state)
{
	struct hlkvm_hw_bps hw;
	struct hlkvm_stop st;

	(void)state;
	hlkvm_hwbp_init(&hw);
	hlkvm_hwbp_add(&hw, OTHER);
	hlkvm_hwbp_add_watch(&hw, DATA, 8, HLKVM_HW_ACCESS);
	assert_int_equal(hlkvm_dr6_classify(1, DR6_HW(1), OTHER + 7, ENTRY,
					    &hw, &st, NULL, 0),
			 HLKVM_STOP_WATCHPOINT);
	assert_int_equal(st.slot, 1);
	assert_int_equal(st.addr, OTHER + 7);
	/* the execute slot still classifies as a breakpoint */
	assert_int_equal(hlkvm_dr6_classify(1, DR6_HW(0), OTHER, ENTRY, &hw,
					    &st, NULL, 0),
			 HLKVM_STOP_HW_BREAKPOINT);
	/* without a table there is nothing to say it is data */
	assert_int_equal(hlkvm_dr6_classify(1, DR6_HW(1), OTHER, ENTRY, NULL,
					    &st, NULL, 0),
			 HLKVM_STOP_HW_BREAKPOINT);
	assert_string_equal(hlkvm_stop_reason_str(HLKVM_STOP_WATCHPOINT),
			    "watchpoint");
	assert_int_equal(hlkvm_stop_gdb_signal(HLKVM_STOP_WATCHPOINT), 5);
	assert_null(hlkvm_stop_gdb_kind(HLKVM_STOP_WATCHPOINT));
}

static void watch_hit_during_step_is_watchpoint(void **state)
{
	struct hlkvm_hw_bps hw;
	struct hlkvm_stop st;

	(void)state;
	hlkvm_hwbp_init(&hw);
	hlkvm_hwbp_add(&hw, OTHER);
	hlkvm_hwbp_add_watch(&hw, DATA, 8, HLKVM_HW_WRITE);
	/* a step that stored to the watched data: BS and B1 */
	assert_int_equal(hlkvm_dr6_classify(1, DR6_STEP | 2, OTHER, ENTRY, &hw,
					    &st, NULL, 0),
			 HLKVM_STOP_WATCHPOINT);
	assert_int_equal(st.slot, 1);
	/* BS with an execute Bi stays a step, as before */
	assert_int_equal(hlkvm_dr6_classify(1, DR6_STEP | 1, OTHER, ENTRY, &hw,
					    &st, NULL, 0),
			 HLKVM_STOP_DONE_STEP);
}

static void watch_gdb_kinds(void **state)
{
	(void)state;
	assert_string_equal(hlkvm_hw_gdb_watch_kind(HLKVM_HW_WRITE), "watch");
	assert_string_equal(hlkvm_hw_gdb_watch_kind(HLKVM_HW_READ), "rwatch");
	assert_string_equal(hlkvm_hw_gdb_watch_kind(HLKVM_HW_ACCESS), "awatch");
	assert_null(hlkvm_hw_gdb_watch_kind(HLKVM_HW_EXEC));
}

static void build_loads_watch_slots(void **state)
{
	struct hlkvm_debug dbg;
	struct kvm_guest_debug gd;

	(void)state;
	hlkvm_debug_init(&dbg, ENTRY);
	hlkvm_hwbp_add_watch(&dbg.hw, DATA, 8, HLKVM_HW_WRITE);
	hlkvm_debug_build(&dbg, &gd);
	assert_true(gd.control & KVM_GUESTDBG_USE_HW_BP);
	assert_int_equal(gd.arch.debugreg[0], DATA);
	assert_int_equal(gd.arch.debugreg[7], 0x401ULL | 0x9ULL << 16);
}

static void swbp_overwrite_updates_saved_bytes(void **state)
{
	struct hlkvm_sw_bps sw;
	struct hlkvm_mem ops;
	struct fake_mem m;
	uint8_t buf[4] = { 1, 2, 3, 4 }, orig;

	(void)state;
	fake_init(&m, &ops);
	hlkvm_swbp_init(&sw);
	assert_int_equal(hlkvm_swbp_insert(&sw, &ops, 0x1005), 0);
	assert_int_equal(hlkvm_swbp_insert(&sw, &ops, 0x1010), 0);
	/* a debugger write of 0x1004-0x1007 covers the first only */
	assert_int_equal(hlkvm_swbp_overwrite(&sw, 0x1004, buf, sizeof(buf)), 1);
	assert_memory_equal(buf, "\x01\xcc\x03\x04", 4);
	assert_int_equal(hlkvm_swbp_original(&sw, 0x1005, &orig), 0);
	assert_int_equal(orig, 2);
	assert_int_equal(hlkvm_swbp_original(&sw, 0x1010, &orig), 0);
	assert_int_equal(orig, 0x90);
	/* removal then leaves the written byte */
	assert_int_equal(hlkvm_swbp_remove(&sw, &ops, 0x1005), 0);
	assert_int_equal(m.bytes[5], 2);
	assert_int_equal(hlkvm_swbp_overwrite(NULL, 0x1004, buf, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_step_dr6_is_done_step),
		cmocka_unit_test(hw_breakpoint_slot0_reports_slot0),
		cmocka_unit_test(hw_breakpoint_slot1_reports_slot1),
		cmocka_unit_test(hw_breakpoint_slot2_reports_slot2),
		cmocka_unit_test(hw_breakpoint_slot3_reports_slot3),
		cmocka_unit_test(pvm_hw_breakpoint_vector_is_hw_breakpoint),
		cmocka_unit_test(entry_hit_is_entry_stop_and_removes_oneshot),
		cmocka_unit_test(entry_second_hit_is_plain_hw_breakpoint),
		cmocka_unit_test(entry_oneshot_in_slot2_reports_and_frees_slot2),
		cmocka_unit_test(entry_without_table_follows_seed_rule),
		cmocka_unit_test(hw_hit_elsewhere_keeps_entry_oneshot),
		cmocka_unit_test(step_onto_entry_does_not_consume_oneshot),
		cmocka_unit_test(step_and_b0_together_is_done_step_with_slot),
		cmocka_unit_test(int3_exception_is_sw_breakpoint_at_pc),
		cmocka_unit_test(int3_address_is_pc_not_pc_minus_one),
		cmocka_unit_test(unknown_exception_diag_has_hex_fields),
		cmocka_unit_test(longest_unknown_diag_fits_diag_len),
		cmocka_unit_test(debug_exception_without_bs_or_b_bits_is_unknown),
		cmocka_unit_test(small_diag_buffer_is_truncated_and_terminated),
		cmocka_unit_test(known_stops_get_a_diag_line_too),
		cmocka_unit_test(debug_classify_reads_kvm_exit_arch),
		cmocka_unit_test(stop_reasons_map_to_gdb_signals),
		cmocka_unit_test(dr7_of_empty_table_is_only_fixed_bit10),
		cmocka_unit_test(dr7_enables_only_the_used_slot),
		cmocka_unit_test(dr7_with_all_slots_is_0x455),
		cmocka_unit_test(hwbp_add_fills_slots_in_order),
		cmocka_unit_test(hwbp_fifth_add_is_enospc),
		cmocka_unit_test(hwbp_duplicate_add_is_eexist),
		cmocka_unit_test(hwbp_add_over_oneshot_makes_it_persistent),
		cmocka_unit_test(hwbp_remove_keeps_other_slots_and_reuses_hole),
		cmocka_unit_test(hwbp_remove_unknown_is_enoent),
		cmocka_unit_test(hwbp_address_zero_is_a_valid_breakpoint),
		cmocka_unit_test(hwbp_null_table_is_einval),
		cmocka_unit_test(swbp_insert_saves_byte_and_writes_int3),
		cmocka_unit_test(swbp_remove_restores_original_byte),
		cmocka_unit_test(swbp_double_insert_is_eexist_and_keeps_original),
		cmocka_unit_test(swbp_remove_unknown_is_enoent),
		cmocka_unit_test(swbp_table_full_is_enospc),
		cmocka_unit_test(swbp_read_failure_leaves_table_and_memory_alone),
		cmocka_unit_test(swbp_failed_restore_keeps_breakpoint_for_retry),
		cmocka_unit_test(swbp_mask_shows_original_bytes),
		cmocka_unit_test(swbp_mask_window_below_breakpoint_wraps_safely),
		cmocka_unit_test(swbp_remove_all_restores_every_byte),
		cmocka_unit_test(swbp_null_arguments_are_einval),
		cmocka_unit_test(build_idle_state_enables_sw_bp_only),
		cmocka_unit_test(build_step_sets_singlestep_and_blockirq),
		cmocka_unit_test(build_step_without_blockirq_support_omits_it),
		cmocka_unit_test(build_loads_hw_slots_into_debugregs),
		cmocka_unit_test(watch_shares_slots_and_fifth_is_enospc),
		cmocka_unit_test(watch_length_and_alignment_checked),
		cmocka_unit_test(watch_is_not_an_execute_breakpoint),
		cmocka_unit_test(dr7_encodes_rw_and_len_per_slot),
		cmocka_unit_test(watch_hit_is_watchpoint_with_its_slot),
		cmocka_unit_test(watch_hit_during_step_is_watchpoint),
		cmocka_unit_test(watch_gdb_kinds),
		cmocka_unit_test(build_loads_watch_slots),
		cmocka_unit_test(swbp_overwrite_updates_saved_bytes),
		cmocka_unit_test(guest_region_reads_and_writes_inside),
		cmocka_unit_test(guest_region_outside_is_efault),
		cmocka_unit_test(swbp_through_guest_region_round_trips),
		cmocka_unit_test(guest_debug_ioctls_on_bad_fd_return_ebadf),
	};

	return cmocka_run_group_tests_name("hlkvm_dr6", tests, NULL, NULL);
}
