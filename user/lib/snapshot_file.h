/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hlkvm snapshot file (docs/snapshot-format.md): a header, typed
 * sections, a CRC-32 trailer. Pure: builds and checks bytes, knows no
 * KVM beyond the sizes of <linux/kvm.h>'s structs, so every malformed
 * file is testable without a VM. hlkvm-run's snapshot.c does the ioctls.
 */
#ifndef HLKVM_SNAPSHOT_FILE_H
#define HLKVM_SNAPSHOT_FILE_H

#include <stddef.h>
#include <stdint.h>

#define SNAP_MAGIC		"HLKVMSNP"
#define SNAP_MAGIC_LEN		8
#define SNAP_VERSION		1
#define SNAP_HEADER_SIZE	48
#define SNAP_SECTION_HEADER	16
/* The trailer: a section of type SNAP_SEC_END holding the CRC-32 */
#define SNAP_END_LEN		4

/* Section types; the values are the file's, never renumbered */
enum snap_section_type {
	SNAP_SEC_MEM = 1,	/* guest RAM from address 0, mem_size bytes */
	SNAP_SEC_REGS,		/* struct kvm_regs */
	SNAP_SEC_SREGS,		/* struct kvm_sregs */
	SNAP_SEC_XSAVE,		/* struct kvm_xsave (or FPU, not both) */
	SNAP_SEC_FPU,		/* struct kvm_fpu, where KVM has no XSAVE */
	SNAP_SEC_XCRS,		/* struct kvm_xcrs, optional */
	SNAP_SEC_MSRS,		/* u32 count, u32 0, count kvm_msr_entry */
	SNAP_SEC_LAPIC,		/* struct kvm_lapic_state */
	SNAP_SEC_EVENTS,	/* struct kvm_vcpu_events */
	SNAP_SEC_HLKVM,		/* struct hlkvm_vm_state, any version */
	SNAP_SEC_PIC_MASTER,	/* struct kvm_irqchip, full irqchip only */
	SNAP_SEC_PIC_SLAVE,	/* likewise */
	SNAP_SEC_IOAPIC,	/* likewise */
	SNAP_SEC_TSC_KHZ,	/* u64 KVM_GET_TSC_KHZ, optional */
	__SNAP_SEC_COUNT,
	SNAP_SEC_END = 0xffffffff,
};

/* Outcomes of reading a file; hlkvm-run exits with SNAP_EXIT_BASE + each */
enum snap_err {
	SNAP_OK,
	SNAP_E_IO,		/* cannot open or read it */
	SNAP_E_TRUNCATED,	/* ends inside the header or a section */
	SNAP_E_MAGIC,		/* not an hlkvm snapshot */
	SNAP_E_VERSION,		/* a format version this build cannot read */
	SNAP_E_CHECKSUM,	/* bytes changed since it was written */
	SNAP_E_MEMSIZE,		/* memory size disagrees (file or --mem) */
	SNAP_E_MALFORMED,	/* checksummed, yet not what a writer makes */
	__SNAP_E_COUNT,
};
#define SNAP_EXIT_BASE		10

/* enum snap_header.accel: who answered the ports when it was taken */
#define SNAP_ACCEL_KERNEL	1
#define SNAP_ACCEL_USER		2

/*
 * snap_header.flags: how the VM was attached, which a restore must repeat
 * for the guest to go on as it was (its timer and port state alone do not
 * say it)
 */
#define SNAP_F_PIT_TICK		0x1	/* PIT channel 0 drove the tick */
#define SNAP_F_KNOWN		SNAP_F_PIT_TICK

struct snap_info {
	uint64_t mem_size;
	uint32_t irqchip;	/* enum hlkvm_irqchip */
	uint32_t accel;		/* SNAP_ACCEL_* */
	uint32_t flags;		/* SNAP_F_* */
};

struct snap_section {
	uint32_t type;
	const void *data;
	uint64_t len;
};

/* A parsed file: pointers into the caller's buffer */
struct snap_view {
	struct snap_info info;
	const uint8_t *data[__SNAP_SEC_COUNT];
	uint64_t len[__SNAP_SEC_COUNT];
};

/* The section's name as messages give it ("mem", "regs", ...) */
const char *snap_section_name(uint32_t type);

/*
 * Write a whole file through @out (0 or -errno), @n sections in order;
 * the CRC covers every byte before its own. Returns 0 or @out's error.
 */
int snap_write(const struct snap_info *info, const struct snap_section *sec,
	       unsigned int n,
	       int (*out)(void *arg, const void *buf, size_t len), void *arg);

/*
 * Check the @len bytes at @buf and fill @v. Returns SNAP_OK or the first
 * problem found, in this order: truncated header, magic, version,
 * truncated section, checksum, then the sections' own rules and the
 * memory size; @err (always NUL-terminated) says which and where.
 */
enum snap_err snap_parse(const void *buf, size_t len, struct snap_view *v,
			 char *err, size_t errlen);

/* SNAP_E_MEMSIZE unless @want (a --mem given at restore, 0: none) fits */
enum snap_err snap_check_mem(const struct snap_view *v, uint64_t want,
			     char *err, size_t errlen);

uint32_t snap_crc32(uint32_t crc, const void *buf, size_t len);

#endif /* HLKVM_SNAPSHOT_FILE_H */
