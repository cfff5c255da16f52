// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * Guest page-table walk (see page_walk.h); the formats are the Intel
 * SDM's, Vol. 3A 4.5 ("4-level paging and 5-level paging").
 */
#include <errno.h>

#include "page_walk.h"

#define CR0_PG		(1ULL << 31)
#define CR4_LA57	(1ULL << 12)
#define EFER_LMA	(1ULL << 10)
#define PTE_P		(1ULL << 0)
#define PTE_PS		(1ULL << 7)
/* Bits 51:12 of an entry: the next table or the page (MAXPHYADDR 52) */
#define PTE_ADDR	0x000ffffffffff000ULL

int hlkvm_gva_to_gpa(const struct hlkvm_paging *pg,
		     const struct hlkvm_mem *phys, uint64_t gva,
		     uint64_t *gpa, uint64_t *span)
{
	unsigned int levels, level, shift;
	uint64_t table, entry, page;
	int64_t sext;
	int ret;

	if (!(pg->cr0 & CR0_PG)) {
		*gpa = gva;
		if (span)
			*span = 0x1000 - (gva & 0xfff);
		return 0;
	}
	if (!(pg->efer & EFER_LMA))
		return -EOPNOTSUPP;
	levels = pg->cr4 & CR4_LA57 ? 5 : 4;
	/* Canonical: bits 63..(top) all equal to the top bit */
	shift = 12 + 9 * levels;
	sext = (int64_t)(gva << (64 - shift)) >> (64 - shift);
	if ((uint64_t)sext != gva)
		return -EFAULT;

	table = pg->cr3 & PTE_ADDR;
	for (level = levels; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		ret = phys->read(phys->opaque,
				 table + ((gva >> shift) & 0x1ff) * 8, &entry,
				 sizeof(entry));
		if (ret)
			return ret;
		if (!(entry & PTE_P))
			return -EFAULT;
		/* PS makes a PDPTE a 1 GiB page and a PDE a 2 MiB one */
		if (level == 1 || ((level == 2 || level == 3) &&
				   (entry & PTE_PS)))
			break;
		table = entry & PTE_ADDR;
	}
	page = 1ULL << shift;
	*gpa = (entry & PTE_ADDR & ~(page - 1)) | (gva & (page - 1));
	if (span)
		*span = page - (gva & (page - 1));
	return 0;
}
