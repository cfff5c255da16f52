/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlkvm-run --accel=kvm and --ioeventfd: KVM's own in-kernel devices, the
 * reference an in-kernel handler is measured against (scripts/bench).
 */
#ifndef HLKVM_RUN_KVM_DEVICES_H
#define HLKVM_RUN_KVM_DEVICES_H

#include <stdint.h>

struct vm;

#define IOEVENTFD_MAX	8

/* Before the vCPU exists: full in-kernel irqchip (PIC, IOAPIC) + PIT */
int kvm_devices_create(struct vm *vm);
/* After the LAPIC defaults: LINT0 in ExtINT mode, so the PIC reaches it */
int kvm_devices_lapic(struct vm *vm);
/* One-byte OUTs to @port complete in KVM, signalling an eventfd */
int kvm_devices_ioeventfd(struct vm *vm, uint16_t port);

#endif /* HLKVM_RUN_KVM_DEVICES_H */
