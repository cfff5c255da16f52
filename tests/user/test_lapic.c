// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for lapic.c: the seed's LAPIC defaults, bounds-checked
 * register access and EOI of the highest in-service vector.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lapic.h"

static struct kvm_lapic_state page;

static int zero_page(void **state)
{
	(void)state;
	memset(&page, 0, sizeof(page));
	return 0;
}

static uint32_t reg(size_t offset)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(hlkvm_lapic_read(&page, offset, &v), 0);
	return v;
}

static void defaults_set_svr_enabled_spurious_0xff(void **state)
{
	(void)state;
	hlkvm_lapic_set_defaults(&page);
	assert_int_equal(reg(0xf0), 0x1ff);
}

static void defaults_set_tpr_zero(void **state)
{
	(void)state;
	hlkvm_lapic_write(&page, 0x80, 0xf0);
	hlkvm_lapic_set_defaults(&page);
	assert_int_equal(reg(0x80), 0);
}

static void defaults_set_dfr_flat(void **state)
{
	(void)state;
	hlkvm_lapic_set_defaults(&page);
	assert_int_equal(reg(0xe0), 0xffffffff);
}

static void defaults_set_ldr_logical_id_1(void **state)
{
	(void)state;
	hlkvm_lapic_set_defaults(&page);
	assert_int_equal(reg(0xd0), 1U << 24);
}

static void defaults_mask_lint0(void **state)
{
	(void)state;
	hlkvm_lapic_set_defaults(&page);
	assert_int_equal(reg(0x350), 0x10000);
}

static void defaults_set_lint1_nmi_unmasked(void **state)
{
	(void)state;
	hlkvm_lapic_set_defaults(&page);
	assert_int_equal(reg(0x360), 0x400);
}

static void defaults_mask_lvt_timer(void **state)
{
	(void)state;
	hlkvm_lapic_set_defaults(&page);
	assert_int_equal(reg(0x320), 0x10000);
	assert_true(reg(0x320) & HLKVM_APIC_LVT_MASKED);
}

static void defaults_mask_lvt_error(void **state)
{
	(void)state;
	hlkvm_lapic_set_defaults(&page);
	assert_int_equal(reg(0x370), 0x10000);
}

static void defaults_leave_other_registers_alone(void **state)
{
	struct kvm_lapic_state before;
	static const size_t touched[] = {
		0x80, 0xd0, 0xe0, 0xf0, 0x320, 0x350, 0x360, 0x370,
	};
	size_t off, i;

	(void)state;
	memset(&page, 0xa5, sizeof(page));
	before = page;
	hlkvm_lapic_set_defaults(&page);

	for (off = 0; off < HLKVM_APIC_PAGE_SIZE; off += 4) {
		int skip = 0;

		for (i = 0; i < sizeof(touched) / sizeof(touched[0]); i++)
			skip |= off == touched[i];
		if (!skip)
			assert_memory_equal(&page.regs[off],
					    &before.regs[off], 4);
	}
}

static void write_then_read_round_trips(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(hlkvm_lapic_write(&page, 0x380, 0x12345678), 0);
	assert_int_equal(hlkvm_lapic_read(&page, 0x380, &v), 0);
	assert_int_equal(v, 0x12345678);
}

static void registers_are_little_endian_in_the_page(void **state)
{
	(void)state;
	hlkvm_lapic_write(&page, 0x20, 0x01020304);
	assert_memory_equal(&page.regs[0x20], "\x04\x03\x02\x01", 4);
}

static void first_and_last_register_are_reachable(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_lapic_write(&page, 0, 0x11), 0);
	assert_int_equal(hlkvm_lapic_write(&page, 0x3fc, 0x22), 0);
	assert_int_equal(reg(0), 0x11);
	assert_int_equal(reg(0x3fc), 0x22);
}

static void read_past_the_page_is_einval(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(hlkvm_lapic_read(&page, 0x400, &v), -EINVAL);
	assert_int_equal(hlkvm_lapic_read(&page, 0x1000, &v), -EINVAL);
	assert_int_equal(hlkvm_lapic_read(&page, SIZE_MAX - 3, &v), -EINVAL);
	assert_int_equal(v, 7);
}

static void write_past_the_page_is_einval_and_harmless(void **state)
{
	struct kvm_lapic_state before;

	(void)state;
	before = page;
	assert_int_equal(hlkvm_lapic_write(&page, 0x400, 1), -EINVAL);
	assert_int_equal(hlkvm_lapic_write(&page, SIZE_MAX & ~(size_t)3, 1),
			 -EINVAL);
	assert_memory_equal(&page, &before, sizeof(page));
}

static void unaligned_access_is_einval(void **state)
{
	struct kvm_lapic_state before;
	uint32_t v = 7;
	size_t off;

	(void)state;
	before = page;
	for (off = 0xf1; off < 0xf4; off++) {
		assert_int_equal(hlkvm_lapic_read(&page, off, &v), -EINVAL);
		assert_int_equal(hlkvm_lapic_write(&page, off, 1), -EINVAL);
	}
	/* 0x3fd..0x3ff: unaligned and past the end at once. */
	assert_int_equal(hlkvm_lapic_read(&page, 0x3fd, &v), -EINVAL);
	assert_int_equal(v, 7);
	assert_memory_equal(&page, &before, sizeof(page));
}

static void null_arguments_are_einval(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(hlkvm_lapic_read(NULL, 0xf0, &v), -EINVAL);
	assert_int_equal(hlkvm_lapic_read(&page, 0xf0, NULL), -EINVAL);
	assert_int_equal(hlkvm_lapic_write(NULL, 0xf0, 1), -EINVAL);
	assert_int_equal(hlkvm_lapic_eoi(NULL), -1);
	hlkvm_lapic_set_defaults(NULL);
}

static void eoi_clears_highest_of_several_bits(void **state)
{
	(void)state;
	hlkvm_lapic_write(&page, HLKVM_APIC_ISR(1), 1U << 0);	/* 0x20 */
	hlkvm_lapic_write(&page, HLKVM_APIC_ISR(1), 1U << 0 | 1U << 5);
	hlkvm_lapic_write(&page, HLKVM_APIC_ISR(7), 1U << 31);	/* 0xff */
	hlkvm_lapic_write(&page, HLKVM_APIC_ISR(2), 1U << 3);	/* 0x43 */

	assert_int_equal(hlkvm_lapic_eoi(&page), 0xff);
	assert_int_equal(reg(HLKVM_APIC_ISR(7)), 0);
	/* Nothing else moved. */
	assert_int_equal(reg(HLKVM_APIC_ISR(2)), 1U << 3);
	assert_int_equal(reg(HLKVM_APIC_ISR(1)), 1U << 0 | 1U << 5);
}

static void eoi_repeated_goes_down_by_priority(void **state)
{
	(void)state;
	hlkvm_lapic_write(&page, HLKVM_APIC_ISR(1), 1U << 0 | 1U << 5);
	hlkvm_lapic_write(&page, HLKVM_APIC_ISR(2), 1U << 3);

	assert_int_equal(hlkvm_lapic_eoi(&page), 0x43);
	assert_int_equal(hlkvm_lapic_eoi(&page), 0x25);
	assert_int_equal(hlkvm_lapic_eoi(&page), 0x20);
	assert_int_equal(hlkvm_lapic_eoi(&page), -1);
}

static void eoi_with_empty_isr_returns_minus_one(void **state)
{
	struct kvm_lapic_state before;

	(void)state;
	/* Bits outside the ISR (here IRR at 0x200) must not count. */
	hlkvm_lapic_write(&page, 0x200, 0xffffffff);
	hlkvm_lapic_write(&page, 0xf0, 0x1ff);
	before = page;
	assert_int_equal(hlkvm_lapic_eoi(&page), -1);
	assert_memory_equal(&page, &before, sizeof(page));
}

static void eoi_of_vector_zero_is_returned_as_zero(void **state)
{
	(void)state;
	hlkvm_lapic_write(&page, HLKVM_APIC_ISR(0), 1);
	assert_int_equal(hlkvm_lapic_eoi(&page), 0);
	assert_int_equal(reg(HLKVM_APIC_ISR(0)), 0);
}

#define T(f) cmocka_unit_test_setup(f, zero_page)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(defaults_set_svr_enabled_spurious_0xff),
		T(defaults_set_tpr_zero),
		T(defaults_set_dfr_flat),
		T(defaults_set_ldr_logical_id_1),
		T(defaults_mask_lint0),
		T(defaults_set_lint1_nmi_unmasked),
		T(defaults_mask_lvt_timer),
		T(defaults_mask_lvt_error),
		T(defaults_leave_other_registers_alone),
		T(write_then_read_round_trips),
		T(registers_are_little_endian_in_the_page),
		T(first_and_last_register_are_reachable),
		T(read_past_the_page_is_einval),
		T(write_past_the_page_is_einval_and_harmless),
		T(unaligned_access_is_einval),
		T(null_arguments_are_einval),
		T(eoi_clears_highest_of_several_bits),
		T(eoi_repeated_goes_down_by_priority),
		T(eoi_with_empty_isr_returns_minus_one),
		T(eoi_of_vector_zero_is_returned_as_zero),
	};

	return cmocka_run_group_tests_name("hlkvm_lapic", tests, NULL, NULL);
}
