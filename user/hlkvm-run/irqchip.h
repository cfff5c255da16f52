/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlkvm-run --irqchip=kernel (and --accel=kvm): KVM's full in-kernel
 * irqchip, as hyperlight's KVM backend wires it. See irqchip.c.
 */
#ifndef HLKVM_RUN_IRQCHIP_H
#define HLKVM_RUN_IRQCHIP_H

#include <stdbool.h>

struct vm;

/* The timer's GSI with KVM's PIC: input 0 of the master (default routing) */
#define IRQCHIP_TIMER_GSI	0

/* Before the vCPU exists: KVM's 8259 pair, I/O APIC and in-kernel LAPIC */
int irqchip_create(struct vm *vm);
/* After the LAPIC defaults: LINT0 unmasked in ExtINT mode, the PIC's pin */
int irqchip_lapic_extint(struct vm *vm);
/*
 * vm->irq_fd bound with KVM_IRQFD to GSI 0; with @resample in resample
 * mode, KVM signalling vm->resample_fd at each EOI of IRQ0.
 */
int irqchip_bind_timer(struct vm *vm, bool resample);

#endif /* HLKVM_RUN_IRQCHIP_H */
