/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * The x86-64 register file as gdb sees it (pure): the target description
 * gdb reads with qXfer:features:read (core, SSE and segment-base
 * features, generated from the same table as the register layout so the
 * two cannot disagree), the g/G byte layout, p/P by number, and the
 * conversion from and to KVM's kvm_regs / kvm_sregs / kvm_fpu.
 */
#ifndef HLKVM_GDB_AMD64_H
#define HLKVM_GDB_AMD64_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

/* rax..r15, rip, eflags, 6 selectors, st0-7, 8 x87 control, xmm0-15, mxcsr,
 * fs_base, gs_base
 */
#define GDB_AMD64_NREGS		59
#define GDB_AMD64_RIP		16
#define GDB_AMD64_EFLAGS	17
#define GDB_AMD64_CS		18
#define GDB_AMD64_FS_BASE	57
/* Bytes of a g reply before hex encoding */
#define GDB_AMD64_REGS_SIZE	552

struct gdb_amd64_regs {
	uint8_t raw[GDB_AMD64_REGS_SIZE];	/* target byte order: little */
};

/* The target description, NUL-terminated; its length in *len. */
const char *gdb_amd64_target_xml(size_t *len);

/* Register @regno's size in bytes and offset in raw[], -1 if none. */
int gdb_amd64_reg_size(unsigned int regno);
int gdb_amd64_reg_offset(unsigned int regno);

/* KVM's state into gdb's layout. */
void gdb_amd64_from_kvm(struct gdb_amd64_regs *g, const struct kvm_regs *regs,
			const struct kvm_sregs *sregs,
			const struct kvm_fpu *fpu);

/*
 * gdb's layout back into KVM's structures, which hold the current state
 * on entry. Segment selectors cannot be changed without a descriptor to
 * go with them: a selector that differs from @sregs' is -EPERM and
 * nothing is changed. 0 otherwise.
 */
int gdb_amd64_to_kvm(const struct gdb_amd64_regs *g, struct kvm_regs *regs,
		     struct kvm_sregs *sregs, struct kvm_fpu *fpu);

/*
 * The x87 tag word gdb shows (2 bits per physical register) from the
 * FXSAVE abridged one KVM keeps (1 bit: empty or not), classifying each
 * non-empty register from its contents as the FPU would; and back.
 */
uint16_t gdb_amd64_ftag_full(uint8_t ftwx, uint16_t fsw,
			     const uint8_t fpr[8][16]);
uint8_t gdb_amd64_ftag_abridged(uint16_t ftag);

#endif /* HLKVM_GDB_AMD64_H */
