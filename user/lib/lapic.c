// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * LAPIC register page helpers (pure). See lapic.h.
 */
#include <errno.h>

#include "lapic.h"

static int check(size_t offset)
{
	/* Written so offset + 4 cannot overflow for huge offsets. */
	if (offset % 4 || offset > HLKVM_APIC_PAGE_SIZE - 4)
		return -EINVAL;
	return 0;
}

/* The page is little-endian whatever the host: assemble bytes by hand. */
static uint32_t get_le32(const struct kvm_lapic_state *s, size_t offset)
{
	const unsigned char *p = (const unsigned char *)s->regs + offset;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(struct kvm_lapic_state *s, size_t offset, uint32_t v)
{
	unsigned char *p = (unsigned char *)s->regs + offset;

	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

int hlkvm_lapic_read(const struct kvm_lapic_state *s, size_t offset,
		     uint32_t *val)
{
	if (!s || !val || check(offset))
		return -EINVAL;
	*val = get_le32(s, offset);
	return 0;
}

int hlkvm_lapic_write(struct kvm_lapic_state *s, size_t offset, uint32_t val)
{
	if (!s || check(offset))
		return -EINVAL;
	put_le32(s, offset, val);
	return 0;
}

void hlkvm_lapic_set_defaults(struct kvm_lapic_state *s)
{
	if (!s)
		return;
	put_le32(s, HLKVM_APIC_SVR, 0x1ff);
	put_le32(s, HLKVM_APIC_TPR, 0);
	put_le32(s, HLKVM_APIC_DFR, 0xffffffff);
	put_le32(s, HLKVM_APIC_LDR, 1U << 24);
	put_le32(s, HLKVM_APIC_LVT_LINT0, HLKVM_APIC_LVT_MASKED);
	put_le32(s, HLKVM_APIC_LVT_LINT1, 0x400);
	put_le32(s, HLKVM_APIC_LVT_TIMER, HLKVM_APIC_LVT_MASKED);
	put_le32(s, HLKVM_APIC_LVT_ERROR, HLKVM_APIC_LVT_MASKED);
}

int hlkvm_lapic_eoi(struct kvm_lapic_state *s)
{
	int i;

	if (!s)
		return -1;
	for (i = HLKVM_APIC_ISR_REGS - 1; i >= 0; i--) {
		uint32_t isr = get_le32(s, HLKVM_APIC_ISR(i));
		int bit;

		if (!isr)
			continue;
		bit = 31 - __builtin_clz(isr);
		put_le32(s, HLKVM_APIC_ISR(i), isr & ~(1U << bit));
		return i * 32 + bit;
	}
	return -1;
}
