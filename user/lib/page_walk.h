/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * Guest virtual -> guest physical through the guest's own page tables
 * (pure: the tables are read through a struct hlkvm_mem of guest
 * physical memory). A debugger names addresses as the guest's code does,
 * which is virtual: translating them here, not with KVM_TRANSLATE, keeps
 * the walk testable and independent of what a KVM implements.
 */
#ifndef HLKVM_PAGE_WALK_H
#define HLKVM_PAGE_WALK_H

#include <stdint.h>

#include "dr6.h"

/* The control registers that decide how an address is translated */
struct hlkvm_paging {
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
};

/*
 * Translate @gva. Paging off (CR0.PG clear): the address itself. Long
 * mode (EFER.LMA): 4-level, or 5-level with CR4.LA57; 1 GiB and 2 MiB
 * pages. *@gpa gets the physical address and *@span (may be NULL) how
 * many bytes from @gva on lie in the same page, so a caller splits
 * accesses at page ends. Returns 0; -EFAULT for a non-canonical address
 * or a not-present entry; -EOPNOTSUPP for 32-bit paging, which no guest
 * of hlkvm-run uses; a read error of the tables.
 */
int hlkvm_gva_to_gpa(const struct hlkvm_paging *pg,
		     const struct hlkvm_mem *phys, uint64_t gva,
		     uint64_t *gpa, uint64_t *span);

/* Does [addr, addr + len) meet [start, end)? len 0 meets nothing. */
static inline int hlkvm_range_overlaps(uint64_t addr, uint64_t len,
				       uint64_t start, uint64_t end)
{
	return len && addr < end && (start <= addr || start - addr < len);
}

#endif /* HLKVM_PAGE_WALK_H */
