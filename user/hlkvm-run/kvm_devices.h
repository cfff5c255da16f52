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

/* After KVM_CREATE_IRQCHIP, before the vCPU exists: KVM's 8254 PIT */
int kvm_devices_pit(struct vm *vm);
/* One-byte OUTs to @port complete in KVM, signalling an eventfd */
int kvm_devices_ioeventfd(struct vm *vm, uint16_t port);

#endif /* HLKVM_RUN_KVM_DEVICES_H */
