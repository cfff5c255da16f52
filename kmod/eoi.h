/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EOI bridge (port 0x20 EOI to LAPIC EOI) and the kvm:kvm_eoi probe
 * that sees acknowledgements bypassing port 0x20.
 */
#ifndef _HLKVM_EOI_H
#define _HLKVM_EOI_H

struct hlkvm_vm;
struct kvm_vcpu;

/* An EOI of IRQ0 on port 0x20 from @vcpu of @vm; under RCU */
void hlkvm_eoi_bridge(struct hlkvm_vm *vm, struct kvm_vcpu *vcpu);

/* Find kvm:kvm_eoi at module load (absence is logged, not fatal) */
void hlkvm_eoi_init(void);
/* Attach/detach the probe while some VM is attached */
void hlkvm_eoi_probe_register(void);
void hlkvm_eoi_probe_unregister(void);

#endif /* _HLKVM_EOI_H */
