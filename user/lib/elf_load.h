/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest image loading for hlkvm-run: an ELF64 x86-64 static executable
 * (PT_LOAD segments at their physical addresses) or a flat binary.
 * Pure: works on byte buffers, so it is unit-tested without KVM.
 */
#ifndef HLKVM_ELF_LOAD_H
#define HLKVM_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct hlkvm_guest_mem - the guest's RAM as the loader sees it
 * @base: host mapping of guest physical address 0
 * @size: bytes of RAM, identity-mapped from guest physical 0
 * @resv_start: start of the VMM's reserved range (page tables, GDT, boot
 *              info); images must not touch [resv_start, resv_end)
 * @resv_end: end (exclusive) of the reserved range
 */
struct hlkvm_guest_mem {
	uint8_t *base;
	uint64_t size;
	uint64_t resv_start;
	uint64_t resv_end;
};

/**
 * struct hlkvm_image - what was loaded
 * @entry: guest physical (= virtual, identity map) entry point
 * @lo: lowest guest physical address written
 * @hi: end (exclusive) of the highest segment
 * @segments: number of PT_LOAD segments (1 for a flat image)
 */
struct hlkvm_image {
	uint64_t entry;
	uint64_t lo;
	uint64_t hi;
	unsigned int segments;
};

/*
 * Validate and load an ELF64 image of @len bytes. Returns 0, or -EINVAL
 * (-E2BIG for a segment outside RAM, -EBUSY for an overlap with the
 * reserved range or another segment) with a message in @err naming the
 * problem. On failure guest memory may be partly written.
 */
int hlkvm_elf_load(const void *img, size_t len,
		   const struct hlkvm_guest_mem *mem, struct hlkvm_image *out,
		   char *err, size_t errlen);

/* Load a flat image at @addr, entry @addr; same errors as above */
int hlkvm_flat_load(const void *img, size_t len, uint64_t addr,
		    const struct hlkvm_guest_mem *mem, struct hlkvm_image *out,
		    char *err, size_t errlen);

/*
 * Value (the address, for a static executable) of the defined symbol
 * @name in the ELF's symbol table (.symtab; a stripped image has none),
 * so a debugger can take "dbg_hw_bp" where it takes 0x100123. Returns 0,
 * -ENOENT if there is no such defined symbol or no symbol table, or
 * -EINVAL for a malformed image or table.
 */
int hlkvm_elf_symbol(const void *img, size_t len, const char *name,
		     uint64_t *addr);
/*
 * The reverse, for a stop's "rip=0x100123 sym=dbg_hw_bp+0x3": the defined
 * code or data symbol nearest at or below @addr (one with a size only if
 * @addr is inside it) into @name (cut to @name_len), @offset from it.
 * 0, -ENOENT (no such symbol or no table), or -EINVAL.
 */
int hlkvm_elf_addr_symbol(const void *img, size_t len, uint64_t addr,
			  char *name, size_t name_len, uint64_t *offset);

#endif /* HLKVM_ELF_LOAD_H */
