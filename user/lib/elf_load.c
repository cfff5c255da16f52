// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Guest image loading. Every field of the image is untrusted: every offset
 * and size is checked for overflow before it is used.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "elf_load.h"

/* Most PT_LOAD segments we accept; a real guest has 2-4 */
#define MAX_LOADS	64

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* [addr, addr + size) inside RAM, with no wrap-around */
static int check_range(const struct hlkvm_guest_mem *mem, uint64_t addr,
		       uint64_t size, const char *what, char *err,
		       size_t errlen)
{
	if (addr + size < addr || addr + size > mem->size)
		return fail(err, errlen, -E2BIG,
			    "%s [0x%llx, 0x%llx) lies outside guest RAM (0x%llx bytes)",
			    what, (unsigned long long)addr,
			    (unsigned long long)(addr + size),
			    (unsigned long long)mem->size);
	if (size && addr < mem->resv_end && addr + size > mem->resv_start)
		return fail(err, errlen, -EBUSY,
			    "%s [0x%llx, 0x%llx) overlaps the VMM's reserved area [0x%llx, 0x%llx) (page tables, GDT, boot info)",
			    what, (unsigned long long)addr,
			    (unsigned long long)(addr + size),
			    (unsigned long long)mem->resv_start,
			    (unsigned long long)mem->resv_end);
	return 0;
}

int hlkvm_elf_load(const void *img, size_t len,
		   const struct hlkvm_guest_mem *mem, struct hlkvm_image *out,
		   char *err, size_t errlen)
{
	const uint8_t *bytes = img;
	uint64_t lo[MAX_LOADS], hi[MAX_LOADS];
	bool entry_ok = false;
	Elf64_Ehdr eh;
	unsigned int i, j, n = 0;
	int ret;

	if (len < EI_NIDENT || memcmp(bytes, ELFMAG, SELFMAG) != 0)
		return fail(err, errlen, -EINVAL, "not an ELF file (bad magic)");
	if (bytes[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, -EINVAL,
			    "not a 64-bit ELF (class %u)", bytes[EI_CLASS]);
	if (bytes[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, -EINVAL, "not a little-endian ELF");
	if (len < sizeof(eh))
		return fail(err, errlen, -EINVAL, "truncated ELF header");
	memcpy(&eh, bytes, sizeof(eh));
	if (eh.e_machine != EM_X86_64)
		return fail(err, errlen, -EINVAL,
			    "ELF machine %u is not x86-64 (%u)", eh.e_machine,
			    EM_X86_64);
	/* ET_DYN is what a host's programs are: PIE, loaded anywhere */
	if (eh.e_type == ET_DYN)
		return fail(err, errlen, -EINVAL,
			    "ELF type ET_DYN (a position-independent executable or shared object, as host programs are) is not a static executable (ET_EXEC): link the guest with -static -no-pie at fixed addresses");
	if (eh.e_type != ET_EXEC)
		return fail(err, errlen, -EINVAL,
			    "ELF type %u is not a static executable (ET_EXEC)",
			    eh.e_type);
	if (eh.e_phnum == 0)
		return fail(err, errlen, -EINVAL, "ELF has no program headers");
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return fail(err, errlen, -EINVAL,
			    "bad program header size %u", eh.e_phentsize);
	if (eh.e_phoff > len ||
	    (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff)
		return fail(err, errlen, -EINVAL,
			    "program headers lie outside the file");

	out->lo = UINT64_MAX;
	out->hi = 0;
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		char what[48];

		memcpy(&ph, bytes + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (n == MAX_LOADS)
			return fail(err, errlen, -EINVAL,
				    "more than %d PT_LOAD segments", MAX_LOADS);
		snprintf(what, sizeof(what), "segment %u", i);
		if (ph.p_filesz > ph.p_memsz)
			return fail(err, errlen, -EINVAL,
				    "%s: file size 0x%llx exceeds memory size 0x%llx",
				    what, (unsigned long long)ph.p_filesz,
				    (unsigned long long)ph.p_memsz);
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset)
			return fail(err, errlen, -EINVAL,
				    "%s: data lies outside the file", what);
		ret = check_range(mem, ph.p_paddr, ph.p_memsz, what, err,
				  errlen);
		if (ret)
			return ret;
		for (j = 0; j < n; j++)
			if (ph.p_paddr < hi[j] && ph.p_paddr + ph.p_memsz > lo[j])
				return fail(err, errlen, -EBUSY,
					    "%s overlaps an earlier segment", what);
		lo[n] = ph.p_paddr;
		hi[n] = ph.p_paddr + ph.p_memsz;
		n++;
		if ((ph.p_flags & PF_X) && eh.e_entry >= ph.p_paddr &&
		    eh.e_entry < ph.p_paddr + ph.p_memsz)
			entry_ok = true;
		/* Fresh mmap'd RAM is zero, but a reload must not see old data */
		memcpy(mem->base + ph.p_paddr, bytes + ph.p_offset, ph.p_filesz);
		memset(mem->base + ph.p_paddr + ph.p_filesz, 0,
		       ph.p_memsz - ph.p_filesz);
		if (ph.p_paddr < out->lo)
			out->lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > out->hi)
			out->hi = ph.p_paddr + ph.p_memsz;
	}
	if (n == 0)
		return fail(err, errlen, -EINVAL, "ELF has no PT_LOAD segment");
	if (!entry_ok)
		return fail(err, errlen, -EINVAL,
			    "entry point 0x%llx is not in an executable segment",
			    (unsigned long long)eh.e_entry);
	out->entry = eh.e_entry;
	out->segments = n;
	return 0;
}

int hlkvm_flat_load(const void *img, size_t len, uint64_t addr,
		    const struct hlkvm_guest_mem *mem, struct hlkvm_image *out,
		    char *err, size_t errlen)
{
	int ret;

	if (len == 0)
		return fail(err, errlen, -EINVAL, "flat image is empty");
	ret = check_range(mem, addr, len, "flat image", err, errlen);
	if (ret)
		return ret;
	memcpy(mem->base + addr, img, len);
	out->entry = addr;
	out->lo = addr;
	out->hi = addr + len;
	out->segments = 1;
	return 0;
}

/* Section header @i, bounds already checked by the caller's loop limit */
static void shdr_at(const uint8_t *bytes, const Elf64_Ehdr *eh, unsigned int i,
		    Elf64_Shdr *sh)
{
	memcpy(sh, bytes + eh->e_shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
}

/* [off, off + size) inside a file of @len bytes, with no wrap-around */
static bool in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

/*
 * Calls @fn for each defined symbol of the .symtab with its NUL-checked
 * name; stops when @fn returns non-zero and returns that. -ENOENT without
 * a symbol table, -EINVAL for a malformed one.
 */
static int for_each_symbol(const void *img, size_t len,
			   int (*fn)(const Elf64_Sym *sym, const char *name,
				     void *arg),
			   void *arg)
{
	const uint8_t *bytes = img;
	Elf64_Ehdr eh;
	unsigned int i;
	uint64_t j;
	int ret;

	if (!img || len < sizeof(eh) ||
	    memcmp(bytes, ELFMAG, SELFMAG) != 0 ||
	    bytes[EI_CLASS] != ELFCLASS64)
		return -EINVAL;
	memcpy(&eh, bytes, sizeof(eh));
	if (eh.e_shnum == 0)
		return -ENOENT;
	if (eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr), len))
		return -EINVAL;
	for (i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh, strsh;
		const char *strtab;

		shdr_at(bytes, &eh, i, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		if (sh.sh_entsize != sizeof(Elf64_Sym) ||
		    !in_file(sh.sh_offset, sh.sh_size, len) ||
		    sh.sh_link >= eh.e_shnum)
			return -EINVAL;
		shdr_at(bytes, &eh, sh.sh_link, &strsh);
		if (strsh.sh_type != SHT_STRTAB ||
		    !in_file(strsh.sh_offset, strsh.sh_size, len))
			return -EINVAL;
		strtab = (const char *)bytes + strsh.sh_offset;
		for (j = 0; j + sizeof(Elf64_Sym) <= sh.sh_size;
		     j += sizeof(Elf64_Sym)) {
			Elf64_Sym sym;

			memcpy(&sym, bytes + sh.sh_offset + j, sizeof(sym));
			if (sym.st_shndx == SHN_UNDEF ||
			    sym.st_name >= strsh.sh_size)
				continue;
			/* The name and its NUL must lie inside the table */
			if (!memchr(strtab + sym.st_name, '\0',
				    strsh.sh_size - sym.st_name))
				continue;
			ret = fn(&sym, strtab + sym.st_name, arg);
			if (ret)
				return ret;
		}
	}
	return -ENOENT;
}

struct by_name {
	const char *name;
	uint64_t addr;
};

static int match_name(const Elf64_Sym *sym, const char *name, void *arg)
{
	struct by_name *q = arg;

	if (strcmp(name, q->name))
		return 0;
	q->addr = sym->st_value;
	return 1;
}

int hlkvm_elf_symbol(const void *img, size_t len, const char *name,
		     uint64_t *addr)
{
	struct by_name q = { .name = name };
	int ret;

	if (!name || !addr)
		return -EINVAL;
	ret = for_each_symbol(img, len, match_name, &q);
	if (ret == 1) {
		*addr = q.addr;
		return 0;
	}
	return ret;
}

struct by_addr {
	uint64_t addr;
	const char *best;
	uint64_t best_value;
};

static int nearest_below(const Elf64_Sym *sym, const char *name, void *arg)
{
	struct by_addr *q = arg;
	unsigned int type = ELF64_ST_TYPE(sym->st_info);

	/* Code and data labels; not section, file or TLS symbols */
	if ((type != STT_NOTYPE && type != STT_FUNC && type != STT_OBJECT) ||
	    !*name || sym->st_value > q->addr)
		return 0;
	/* A sized symbol that ends before @addr does not contain it */
	if (sym->st_size && q->addr - sym->st_value >= sym->st_size)
		return 0;
	if (!q->best || sym->st_value > q->best_value) {
		q->best = name;
		q->best_value = sym->st_value;
	}
	return 0;
}

int hlkvm_elf_addr_symbol(const void *img, size_t len, uint64_t addr,
			  char *name, size_t name_len, uint64_t *offset)
{
	struct by_addr q = { .addr = addr };
	int ret;

	if (!name || !name_len || !offset)
		return -EINVAL;
	ret = for_each_symbol(img, len, nearest_below, &q);
	if (ret != -ENOENT)
		return ret;
	if (!q.best)
		return -ENOENT;
	snprintf(name, name_len, "%s", q.best);
	*offset = addr - q.best_value;
	return 0;
}
