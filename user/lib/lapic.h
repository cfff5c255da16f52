/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * Helpers for the LAPIC register page of KVM_GET_LAPIC / KVM_SET_LAPIC.
 *
 * struct kvm_lapic_state is the xAPIC MMIO page as KVM keeps it: 1024
 * bytes, each register a little-endian u32 at its MMIO offset (Intel SDM
 * Vol. 3A, table "Local APIC Register Address Map"). Accessors bounds-check
 * and never crash on a bad offset: a VMM computes offsets from guest data.
 */
#ifndef HLKVM_LAPIC_H
#define HLKVM_LAPIC_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#define HLKVM_APIC_PAGE_SIZE	KVM_APIC_REG_SIZE	/* 0x400 */

#define HLKVM_APIC_TPR		0x80
#define HLKVM_APIC_LDR		0xd0
#define HLKVM_APIC_DFR		0xe0
#define HLKVM_APIC_SVR		0xf0
#define HLKVM_APIC_ISR(i)	(0x100 + 0x10 * (i))	/* i = 0..7 */
#define HLKVM_APIC_ISR_REGS	8
#define HLKVM_APIC_LVT_TIMER	0x320
#define HLKVM_APIC_LVT_LINT0	0x350
#define HLKVM_APIC_LVT_LINT1	0x360
#define HLKVM_APIC_LVT_ERROR	0x370

#define HLKVM_APIC_LVT_MASKED	(1U << 16)

/*
 * Read / write the u32 register at byte @offset. -EINVAL (nothing touched)
 * if @offset is not 4-byte aligned, if offset + 4 > 1024, or for NULL.
 */
int hlkvm_lapic_read(const struct kvm_lapic_state *s, size_t offset,
		     uint32_t *val);
int hlkvm_lapic_write(struct kvm_lapic_state *s, size_t offset, uint32_t val);

/*
 * The seed's defaults, leaving every other register as it was:
 * SVR 0x1FF (software-enabled, spurious vector 0xFF: without it KVM drops
 * injected interrupts), TPR 0 (accept all priorities), DFR 0xFFFFFFFF
 * (flat model), LDR 1 << 24 (logical ID 1), LINT0 0x10000 (masked: no
 * PIC wired to it), LINT1 0x400 (NMI, unmasked), LVT timer and LVT error
 * 0x10000 (masked: the tick comes from the PV timer, not the LAPIC timer).
 */
void hlkvm_lapic_set_defaults(struct kvm_lapic_state *s);

/*
 * EOI as the LAPIC does it: clear the highest set bit in ISR[7..0]
 * (highest vector = highest priority in service). Returns that vector,
 * or -1 if nothing is in service.
 */
int hlkvm_lapic_eoi(struct kvm_lapic_state *s);

#endif /* HLKVM_LAPIC_H */
