// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for elf_load.c: images are built in memory, loaded into a
 * small fake guest RAM, and every rejection must name its reason.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "elf_load.h"

#define RAM_SIZE	(4u << 20)
#define LOAD_ADDR	0x100000u

static uint8_t ram[RAM_SIZE];
static struct hlkvm_guest_mem mem = {
	.base = ram, .size = RAM_SIZE, .resv_start = 0x1000, .resv_end = 0x8000,
};
static char err[256];

/* One text segment (PF_R|PF_X, 16 bytes of code, 64 bytes of memory) */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t code[16];
};

static struct image img;

static int setup(void **state)
{
	(void)state;
	memset(ram, 0xcc, sizeof(ram));
	memset(err, 0, sizeof(err));
	memset(&img, 0, sizeof(img));
	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS64;
	img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img.eh.e_ident[EI_VERSION] = EV_CURRENT;
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = EM_X86_64;
	img.eh.e_version = EV_CURRENT;
	img.eh.e_entry = LOAD_ADDR + 4;
	img.eh.e_phoff = offsetof(struct image, ph);
	img.eh.e_ehsize = sizeof(Elf64_Ehdr);
	img.eh.e_phentsize = sizeof(Elf64_Phdr);
	img.eh.e_phnum = 1;
	img.ph[0].p_type = PT_LOAD;
	img.ph[0].p_flags = PF_R | PF_X;
	img.ph[0].p_offset = offsetof(struct image, code);
	img.ph[0].p_paddr = LOAD_ADDR;
	img.ph[0].p_vaddr = LOAD_ADDR;
	img.ph[0].p_filesz = sizeof(img.code);
	img.ph[0].p_memsz = 64;
	memset(img.code, 0x90, sizeof(img.code));
	return 0;
}

static int load(void)
{
	struct hlkvm_image out;

	return hlkvm_elf_load(&img, sizeof(img), &mem, &out, err, sizeof(err));
}

static void valid_elf_loads_segment_and_entry(void **state)
{
	struct hlkvm_image out;

	(void)state;
	assert_int_equal(hlkvm_elf_load(&img, sizeof(img), &mem, &out, err,
					 sizeof(err)), 0);
	assert_int_equal(out.entry, LOAD_ADDR + 4);
	assert_int_equal(out.lo, LOAD_ADDR);
	assert_int_equal(out.hi, LOAD_ADDR + 64);
	assert_int_equal(out.segments, 1);
	assert_memory_equal(ram + LOAD_ADDR, img.code, sizeof(img.code));
}

static void valid_elf_zero_fills_bss(void **state)
{
	uint8_t zero[48] = { 0 };

	(void)state;
	assert_int_equal(load(), 0);
	assert_memory_equal(ram + LOAD_ADDR + 16, zero, sizeof(zero));
	/* and nothing past the segment */
	assert_int_equal(ram[LOAD_ADDR + 64], 0xcc);
}

static void two_segments_load(void **state)
{
	struct hlkvm_image out;

	(void)state;
	img.eh.e_phnum = 2;
	img.ph[1] = img.ph[0];
	img.ph[1].p_flags = PF_R | PF_W;
	img.ph[1].p_paddr = LOAD_ADDR + 0x1000;
	assert_int_equal(hlkvm_elf_load(&img, sizeof(img), &mem, &out, err,
					 sizeof(err)), 0);
	assert_int_equal(out.segments, 2);
	assert_int_equal(out.hi, LOAD_ADDR + 0x1000 + 64);
}

static void non_load_segments_ignored(void **state)
{
	(void)state;
	img.eh.e_phnum = 2;
	img.ph[1].p_type = PT_NOTE;
	img.ph[1].p_paddr = 0x10;	/* would overlap, but is not loaded */
	img.ph[1].p_memsz = 0x10000;
	assert_int_equal(load(), 0);
}

static void bad_magic_rejected(void **state)
{
	(void)state;
	img.eh.e_ident[1] = 'X';
	assert_int_equal(load(), -EINVAL);
	assert_non_null(strstr(err, "magic"));
}

static void short_file_rejected(void **state)
{
	struct hlkvm_image out;

	(void)state;
	assert_int_equal(hlkvm_elf_load(&img, 3, &mem, &out, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(hlkvm_elf_load(&img, 20, &mem, &out, err,
					 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "truncated"));
}

static void class32_rejected(void **state)
{
	(void)state;
	img.eh.e_ident[EI_CLASS] = ELFCLASS32;
	assert_int_equal(load(), -EINVAL);
	assert_non_null(strstr(err, "64-bit"));
}

static void wrong_machine_rejected(void **state)
{
	(void)state;
	img.eh.e_machine = EM_AARCH64;
	assert_int_equal(load(), -EINVAL);
	assert_non_null(strstr(err, "x86-64"));
}

static void shared_object_rejected(void **state)
{
	(void)state;
	img.eh.e_type = ET_DYN;
	assert_int_equal(load(), -EINVAL);
	assert_non_null(strstr(err, "static executable"));
	/* The refusal names what the file is: a PIE, as host programs are */
	assert_non_null(strstr(err, "ET_DYN"));
	assert_non_null(strstr(err, "position-independent"));
}

static void phdrs_outside_file_rejected(void **state)
{
	(void)state;
	img.eh.e_phoff = sizeof(img) - 8;
	assert_int_equal(load(), -EINVAL);
	assert_non_null(strstr(err, "program headers"));
}

static void segment_out_of_ram_rejected(void **state)
{
	(void)state;
	img.ph[0].p_paddr = RAM_SIZE - 32;
	assert_int_equal(load(), -E2BIG);
	assert_non_null(strstr(err, "outside guest RAM"));
}

static void segment_wrapping_rejected(void **state)
{
	(void)state;
	img.ph[0].p_paddr = UINT64_MAX - 8;
	assert_int_equal(load(), -E2BIG);
}

static void segment_over_reserved_rejected(void **state)
{
	(void)state;
	img.ph[0].p_paddr = 0x7fe0;
	img.eh.e_entry = 0x7fe0;
	assert_int_equal(load(), -EBUSY);
	assert_non_null(strstr(err, "reserved"));
}

static void segment_just_after_reserved_loads(void **state)
{
	(void)state;
	img.ph[0].p_paddr = 0x8000;
	img.eh.e_entry = 0x8000;
	assert_int_equal(load(), 0);
}

static void overlapping_segments_rejected(void **state)
{
	(void)state;
	img.eh.e_phnum = 2;
	img.ph[1] = img.ph[0];
	img.ph[1].p_paddr = LOAD_ADDR + 32;
	assert_int_equal(load(), -EBUSY);
	assert_non_null(strstr(err, "overlaps an earlier segment"));
}

static void filesz_over_memsz_rejected(void **state)
{
	(void)state;
	img.ph[0].p_memsz = 8;
	assert_int_equal(load(), -EINVAL);
	assert_non_null(strstr(err, "exceeds memory size"));
}

static void segment_data_outside_file_rejected(void **state)
{
	(void)state;
	img.ph[0].p_offset = sizeof(img) - 4;
	assert_int_equal(load(), -EINVAL);
	assert_non_null(strstr(err, "outside the file"));
}

static void entry_outside_code_rejected(void **state)
{
	(void)state;
	img.eh.e_entry = LOAD_ADDR + 0x2000;
	assert_int_equal(load(), -EINVAL);
	assert_non_null(strstr(err, "entry point"));
	img.eh.e_entry = LOAD_ADDR;
	img.ph[0].p_flags = PF_R;	/* not executable */
	assert_int_equal(load(), -EINVAL);
}

static void no_load_segment_rejected(void **state)
{
	(void)state;
	img.ph[0].p_type = PT_NOTE;
	assert_int_equal(load(), -EINVAL);
	assert_non_null(strstr(err, "no PT_LOAD"));
}

static void flat_image_loads_at_addr(void **state)
{
	static const uint8_t code[] = { 0xf4, 0xeb, 0xfd };
	struct hlkvm_image out;

	(void)state;
	assert_int_equal(hlkvm_flat_load(code, sizeof(code), 0x200000, &mem,
					 &out, err, sizeof(err)), 0);
	assert_int_equal(out.entry, 0x200000);
	assert_memory_equal(ram + 0x200000, code, sizeof(code));
}

static void flat_image_bad_places_rejected(void **state)
{
	static const uint8_t code[64];
	struct hlkvm_image out;

	(void)state;
	assert_int_equal(hlkvm_flat_load(code, sizeof(code), 0x1000, &mem,
					 &out, err, sizeof(err)), -EBUSY);
	assert_int_equal(hlkvm_flat_load(code, sizeof(code), RAM_SIZE - 8,
					 &mem, &out, err, sizeof(err)), -E2BIG);
	assert_int_equal(hlkvm_flat_load(code, 0, 0x200000, &mem, &out, err,
					 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "empty"));
}

/* An ELF with only section headers: null, .symtab, .strtab */
struct sym_image {
	Elf64_Ehdr eh;
	Elf64_Shdr sh[3];
	Elf64_Sym sym[4];
	char str[40];
};

static void sym_image_init(struct sym_image *si)
{
	static const char strs[] = "\0dbg_hw_bp\0undef_sym\0dbg_hw\0";

	memset(si, 0, sizeof(*si));
	si->eh = img.eh;
	si->eh.e_phnum = 0;
	si->eh.e_phoff = 0;
	si->eh.e_shoff = offsetof(struct sym_image, sh);
	si->eh.e_shentsize = sizeof(Elf64_Shdr);
	si->eh.e_shnum = 3;
	si->sh[1].sh_type = SHT_SYMTAB;
	si->sh[1].sh_offset = offsetof(struct sym_image, sym);
	si->sh[1].sh_size = sizeof(si->sym);
	si->sh[1].sh_entsize = sizeof(Elf64_Sym);
	si->sh[1].sh_link = 2;
	si->sh[2].sh_type = SHT_STRTAB;
	si->sh[2].sh_offset = offsetof(struct sym_image, str);
	si->sh[2].sh_size = sizeof(strs);
	memcpy(si->str, strs, sizeof(strs));
	/* sym[0] is the null symbol; "dbg_hw" is a prefix of "dbg_hw_bp" */
	si->sym[1] = (Elf64_Sym){ .st_name = 1, .st_shndx = 1,
				  .st_value = 0x100123 };
	si->sym[2] = (Elf64_Sym){ .st_name = 11, .st_shndx = SHN_UNDEF,
				  .st_value = 0x4444 };
	si->sym[3] = (Elf64_Sym){ .st_name = 21, .st_shndx = 1,
				  .st_value = 0x100120 };
}

static void symbol_found_by_exact_name(void **state)
{
	struct sym_image si;
	uint64_t a = 0;

	(void)state;
	sym_image_init(&si);
	assert_int_equal(hlkvm_elf_symbol(&si, sizeof(si), "dbg_hw_bp", &a), 0);
	assert_int_equal(a, 0x100123);
	assert_int_equal(hlkvm_elf_symbol(&si, sizeof(si), "dbg_hw", &a), 0);
	assert_int_equal(a, 0x100120);
}

static void address_names_nearest_symbol_below(void **state)
{
	struct sym_image si;
	uint64_t off = 99;
	char name[16];

	(void)state;
	sym_image_init(&si);
	/* dbg_hw at 0x100120, dbg_hw_bp at 0x100123; the undefined one never */
	assert_int_equal(hlkvm_elf_addr_symbol(&si, sizeof(si), 0x100123, name,
					       sizeof(name), &off), 0);
	assert_string_equal(name, "dbg_hw_bp");
	assert_int_equal(off, 0);
	assert_int_equal(hlkvm_elf_addr_symbol(&si, sizeof(si), 0x100122, name,
					       sizeof(name), &off), 0);
	assert_string_equal(name, "dbg_hw");
	assert_int_equal(off, 2);
	assert_int_equal(hlkvm_elf_addr_symbol(&si, sizeof(si), 0x200000, name,
					       sizeof(name), &off), 0);
	assert_string_equal(name, "dbg_hw_bp");
	assert_int_equal(off, 0x200000 - 0x100123);
	/* below every defined symbol (0x4444 is the undefined one's value) */
	assert_int_equal(hlkvm_elf_addr_symbol(&si, sizeof(si), 0x5000, name,
					       sizeof(name), &off), -ENOENT);
	/* a sized symbol names only addresses inside it */
	si.sym[1].st_size = 2;
	assert_int_equal(hlkvm_elf_addr_symbol(&si, sizeof(si), 0x100125, name,
					       sizeof(name), &off), 0);
	assert_string_equal(name, "dbg_hw");
	assert_int_equal(off, 5);
	/* a long name is cut to the buffer, never overrun */
	assert_int_equal(hlkvm_elf_addr_symbol(&si, sizeof(si), 0x100124, name,
					       4, &off), 0);
	assert_string_equal(name, "dbg");
	si.sh[1].sh_size = 1 << 20;
	assert_int_equal(hlkvm_elf_addr_symbol(&si, sizeof(si), 0x100123, name,
					       sizeof(name), &off), -EINVAL);
}

static void symbol_missing_or_undefined_is_enoent(void **state)
{
	struct sym_image si;
	uint64_t a = 0;

	(void)state;
	sym_image_init(&si);
	assert_int_equal(hlkvm_elf_symbol(&si, sizeof(si), "undef_sym", &a),
			 -ENOENT);
	assert_int_equal(hlkvm_elf_symbol(&si, sizeof(si), "dbg", &a), -ENOENT);
	assert_int_equal(hlkvm_elf_symbol(&si, sizeof(si), "dbg_hw_bp_x", &a),
			 -ENOENT);
	/* A stripped image: no sections at all */
	si.eh.e_shnum = 0;
	assert_int_equal(hlkvm_elf_symbol(&si, sizeof(si), "dbg_hw_bp", &a),
			 -ENOENT);
}

static void symbol_table_out_of_bounds_rejected(void **state)
{
	struct sym_image si;
	uint64_t a = 0;

	(void)state;
	sym_image_init(&si);
	si.sh[1].sh_size = 1u << 20;
	assert_int_equal(hlkvm_elf_symbol(&si, sizeof(si), "dbg_hw_bp", &a),
			 -EINVAL);
	sym_image_init(&si);
	si.sh[1].sh_link = 7;
	assert_int_equal(hlkvm_elf_symbol(&si, sizeof(si), "dbg_hw_bp", &a),
			 -EINVAL);
	sym_image_init(&si);
	si.eh.e_shoff = sizeof(si) - 8;
	assert_int_equal(hlkvm_elf_symbol(&si, sizeof(si), "dbg_hw_bp", &a),
			 -EINVAL);
	/* A name running off the end of the string table is no match */
	sym_image_init(&si);
	si.sh[2].sh_size = 10;		/* cuts "dbg_hw_bp" before its NUL */
	assert_int_equal(hlkvm_elf_symbol(&si, sizeof(si), "dbg_hw_bp", &a),
			 -ENOENT);
	assert_int_equal(hlkvm_elf_symbol(&si, 16, "dbg_hw_bp", &a), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(valid_elf_loads_segment_and_entry),
		T(valid_elf_zero_fills_bss),
		T(two_segments_load),
		T(non_load_segments_ignored),
		T(bad_magic_rejected),
		T(short_file_rejected),
		T(class32_rejected),
		T(wrong_machine_rejected),
		T(shared_object_rejected),
		T(phdrs_outside_file_rejected),
		T(segment_out_of_ram_rejected),
		T(segment_wrapping_rejected),
		T(segment_over_reserved_rejected),
		T(segment_just_after_reserved_loads),
		T(overlapping_segments_rejected),
		T(filesz_over_memsz_rejected),
		T(segment_data_outside_file_rejected),
		T(entry_outside_code_rejected),
		T(no_load_segment_rejected),
		T(flat_image_loads_at_addr),
		T(flat_image_bad_places_rejected),
		T(symbol_found_by_exact_name),
		T(address_names_nearest_symbol_below),
		T(symbol_missing_or_undefined_is_enoent),
		T(symbol_table_out_of_bounds_rejected),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
