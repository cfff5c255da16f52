// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for gdb_amd64.c (the register file gdb sees) and
 * page_walk.c (guest virtual to physical through the guest's tables).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gdb_amd64.h"
#include "page_walk.h"

static void layout_adds_up(void **state)
{
	unsigned int i;
	int off = 0;

	(void)state;
	for (i = 0; i < GDB_AMD64_NREGS; i++) {
		assert_int_equal(gdb_amd64_reg_offset(i), off);
		off += gdb_amd64_reg_size(i);
	}
	assert_int_equal(off, GDB_AMD64_REGS_SIZE);
	assert_int_equal(gdb_amd64_reg_size(GDB_AMD64_NREGS), -1);
	assert_int_equal(gdb_amd64_reg_offset(GDB_AMD64_NREGS), -1);
	assert_int_equal(gdb_amd64_reg_size(GDB_AMD64_RIP), 8);
	assert_int_equal(gdb_amd64_reg_size(GDB_AMD64_EFLAGS), 4);
	assert_int_equal(gdb_amd64_reg_size(24), 10);		/* st0 */
	assert_int_equal(gdb_amd64_reg_size(40), 16);		/* xmm0 */
}

/* Each "<reg name=" in the description, in order, with its regnum */
static void xml_names_every_register_in_order(void **state)
{
	static const char *const expect[] = {
		"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip",
		"eflags", "cs", "ss", "ds", "es", "fs", "gs",
		"st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7",
		"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff",
		"fop", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		"xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		"xmm14", "xmm15", "mxcsr", "fs_base", "gs_base",
	};
	size_t len, i = 0;
	const char *xml = gdb_amd64_target_xml(&len), *p = xml;
	char name[16];
	unsigned int bits, regnum;

	(void)state;
	assert_int_equal(sizeof(expect) / sizeof(expect[0]), GDB_AMD64_NREGS);
	assert_int_equal(strlen(xml), len);
	assert_non_null(strstr(xml, "<architecture>i386:x86-64</architecture>"));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.core\">"));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.sse\">"));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.segments\">"));
	while ((p = strstr(p, "<reg name=\""))) {
		assert_int_equal(sscanf(p, "<reg name=\"%15[^\"]\" bitsize=\"%u\" type=\"%*[^\"]\" regnum=\"%u\"",
					name, &bits, &regnum), 3);
		assert_true(i < GDB_AMD64_NREGS);
		assert_string_equal(name, expect[i]);
		assert_int_equal(regnum, i);
		assert_int_equal(bits, 8 * gdb_amd64_reg_size(i));
		i++;
		p++;
	}
	assert_int_equal(i, GDB_AMD64_NREGS);
	/* balanced features, one target */
	for (p = xml, i = 0; (p = strstr(p, "<feature ")); p++)
		i++;
	assert_int_equal(i, 3);
	for (p = xml, i = 0; (p = strstr(p, "</feature>")); p++)
		i++;
	assert_int_equal(i, 3);
	assert_non_null(strstr(xml, "</target>\n"));
}

static uint64_t raw_u64(const struct gdb_amd64_regs *g, unsigned int regno)
{
	uint64_t v = 0;

	memcpy(&v, g->raw + gdb_amd64_reg_offset(regno),
	       (size_t)gdb_amd64_reg_size(regno));
	return v;
}

static void fill(struct kvm_regs *r, struct kvm_sregs *s, struct kvm_fpu *f)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	memset(s, 0, sizeof(*s));
	memset(f, 0, sizeof(*f));
	r->rax = 0x1111; r->rbx = 0x2222; r->rcx = 0x3333; r->rdx = 0x4444;
	r->rsi = 0x5555; r->rdi = 0x6666;
	r->rsp = 0x7777000; r->rbp = 0x8888000;
	r->r8 = 8; r->r15 = 15; r->rip = 0x100000; r->rflags = 0x246;
	s->cs.selector = 0x08; s->ss.selector = 0x10; s->ds.selector = 0x10;
	s->es.selector = 0x10; s->fs.selector = 0x10; s->gs.selector = 0x18;
	s->fs.base = 0xf5f5f5f5000ULL; s->gs.base = 0x6565000ULL;
	f->fcw = 0x37f; f->fsw = 0; f->mxcsr = 0x1f80;
	f->last_ip = 0x123456789abcULL; f->last_dp = 0xfedcba987654ULL;
	f->last_opcode = 0x7ff;
	for (i = 0; i < 16; i++)
		f->xmm[i][0] = (uint8_t)(i + 1);
	/* st0 = 1.0: exponent 0x3fff, integer bit set */
	f->fpr[0][7] = 0x80;
	f->fpr[0][8] = 0xff;
	f->fpr[0][9] = 0x3f;
	f->ftwx = 0x01;
}

static void from_kvm_maps_every_register(void **state)
{
	struct gdb_amd64_regs g;
	struct kvm_regs r;
	struct kvm_sregs s;
	struct kvm_fpu f;

	(void)state;
	fill(&r, &s, &f);
	gdb_amd64_from_kvm(&g, &r, &s, &f);
	assert_int_equal(raw_u64(&g, 0), 0x1111);
	assert_int_equal(raw_u64(&g, 5), 0x6666);
	/* gdb has rbp before rsp; KVM the other way round */
	assert_int_equal(raw_u64(&g, 6), 0x8888000);
	assert_int_equal(raw_u64(&g, 7), 0x7777000);
	assert_int_equal(raw_u64(&g, 8), 8);
	assert_int_equal(raw_u64(&g, 15), 15);
	assert_int_equal(raw_u64(&g, GDB_AMD64_RIP), 0x100000);
	assert_int_equal(raw_u64(&g, GDB_AMD64_EFLAGS), 0x246);
	assert_int_equal(raw_u64(&g, GDB_AMD64_CS), 0x08);
	assert_int_equal(raw_u64(&g, GDB_AMD64_CS + 5), 0x18);
	assert_memory_equal(g.raw + gdb_amd64_reg_offset(24), f.fpr[0], 10);
	assert_int_equal(raw_u64(&g, 32), 0x37f);
	/* st0 valid (tag 00), the other seven empty (11) */
	assert_int_equal(raw_u64(&g, 34), 0xfffc);
	assert_int_equal(raw_u64(&g, 35), 0x1234);		/* fiseg */
	assert_int_equal(raw_u64(&g, 36), 0x56789abc);		/* fioff */
	assert_int_equal(raw_u64(&g, 37), 0xfedc);
	assert_int_equal(raw_u64(&g, 38), 0xba987654);
	assert_int_equal(raw_u64(&g, 39), 0x7ff);
	assert_int_equal(g.raw[gdb_amd64_reg_offset(40)], 1);
	assert_int_equal(g.raw[gdb_amd64_reg_offset(55)], 16);
	assert_int_equal(raw_u64(&g, 56), 0x1f80);
	assert_int_equal(raw_u64(&g, GDB_AMD64_FS_BASE), 0xf5f5f5f5000ULL);
	assert_int_equal(raw_u64(&g, GDB_AMD64_FS_BASE + 1), 0x6565000ULL);
}

static void to_kvm_round_trips_and_writes(void **state)
{
	struct kvm_regs r, r2;
	struct kvm_sregs s, s2;
	struct kvm_fpu f, f2;
	struct gdb_amd64_regs g;
	uint64_t v = 0xdeadbeef;

	(void)state;
	fill(&r, &s, &f);
	gdb_amd64_from_kvm(&g, &r, &s, &f);
	r2 = r;
	s2 = s;
	f2 = f;
	assert_int_equal(gdb_amd64_to_kvm(&g, &r2, &s2, &f2), 0);
	assert_memory_equal(&r2, &r, sizeof(r));
	assert_memory_equal(&s2, &s, sizeof(s));
	assert_memory_equal(&f2, &f, sizeof(f));

	memcpy(g.raw + gdb_amd64_reg_offset(7), &v, 8);		/* rsp */
	memcpy(g.raw + gdb_amd64_reg_offset(GDB_AMD64_FS_BASE), &v, 8);
	assert_int_equal(gdb_amd64_to_kvm(&g, &r2, &s2, &f2), 0);
	assert_int_equal(r2.rsp, 0xdeadbeef);
	assert_int_equal(r2.rbp, 0x8888000);
	assert_int_equal(s2.fs.base, 0xdeadbeef);
}

static void to_kvm_refuses_selector_change(void **state)
{
	struct kvm_regs r, r2;
	struct kvm_sregs s, s2;
	struct kvm_fpu f, f2;
	struct gdb_amd64_regs g;
	uint32_t cs = 0x2b;

	(void)state;
	fill(&r, &s, &f);
	gdb_amd64_from_kvm(&g, &r, &s, &f);
	memcpy(g.raw + gdb_amd64_reg_offset(GDB_AMD64_CS), &cs, 4);
	g.raw[0] = 0x99;
	r2 = r;
	s2 = s;
	f2 = f;
	assert_int_equal(gdb_amd64_to_kvm(&g, &r2, &s2, &f2), -EPERM);
	/* nothing changed */
	assert_memory_equal(&r2, &r, sizeof(r));
	assert_memory_equal(&s2, &s, sizeof(s));
}

static void ftag_classifies_by_physical_register(void **state)
{
	uint8_t fpr[8][16];

	(void)state;
	memset(fpr, 0, sizeof(fpr));
	/* TOP = 6: ST(0) is R6, ST(1) is R7 */
	fpr[0][7] = 0x80; fpr[0][8] = 0xff; fpr[0][9] = 0x3f;	/* 1.0: valid */
	/* ST(1) = +0. R6 valid 00, R7 zero 01, the rest empty 11 */
	assert_int_equal(gdb_amd64_ftag_full(0xc0, 6 << 11, fpr), 0x4fff);
	/* infinity/NaN exponent: special 10 */
	fpr[0][8] = 0xff; fpr[0][9] = 0x7f;
	assert_int_equal(gdb_amd64_ftag_full(0x01, 0, fpr), 0xfffe);
	/* denormal: exponent 0, mantissa non-zero: special */
	memset(fpr[0], 0, 16);
	fpr[0][0] = 1;
	assert_int_equal(gdb_amd64_ftag_full(0x01, 0, fpr), 0xfffe);
	/* unnormal: exponent non-zero, integer bit clear: special */
	memset(fpr[0], 0, 16);
	fpr[0][8] = 1;
	assert_int_equal(gdb_amd64_ftag_full(0x01, 0, fpr), 0xfffe);
	assert_int_equal(gdb_amd64_ftag_abridged(0x4fff), 0xc0);
	assert_int_equal(gdb_amd64_ftag_abridged(0xffff), 0);
	assert_int_equal(gdb_amd64_ftag_abridged(0x0000), 0xff);
}

/* --- page walk --- */

#define MEM_SIZE	(64u << 12)
static uint8_t phys_mem[MEM_SIZE];

static int phys_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	(void)opaque;
	if (addr > MEM_SIZE || len > MEM_SIZE - addr)
		return -EFAULT;
	memcpy(buf, phys_mem + addr, len);
	return 0;
}

static const struct hlkvm_mem phys = { .read = phys_read };

static void set_pte(uint64_t table, unsigned int idx, uint64_t val)
{
	memcpy(phys_mem + table + 8 * idx, &val, 8);
}

#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define EFER_LMA	(1ULL << 10)
#define LONG_MODE(root)	{ .cr0 = CR0_PG | 1, .cr3 = (root), .cr4 = CR4_PAE, \
			  .efer = EFER_LMA | (1ULL << 8) }

static void walk_unpaged_is_identity(void **state)
{
	struct hlkvm_paging pg = { .cr0 = 1 };
	uint64_t gpa, span;

	(void)state;
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x12345, &gpa, &span), 0);
	assert_int_equal(gpa, 0x12345);
	assert_int_equal(span, 0x1000 - 0x345);
}

static void walk_4level_4k_2m_1g(void **state)
{
	/* PML4 at 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000 */
	struct hlkvm_paging pg = LONG_MODE(0x1000);
	uint64_t gpa, span;

	(void)state;
	memset(phys_mem, 0, sizeof(phys_mem));
	set_pte(0x1000, 0, 0x2000 | 3);
	set_pte(0x2000, 0, 0x3000 | 3);
	set_pte(0x3000, 0, 0x4000 | 3);		/* 0-2M by 4K pages */
	set_pte(0x4000, 5, 0x9000 | 3);		/* va 0x5000 -> pa 0x9000 */
	set_pte(0x3000, 1, 0x40000000ULL | 0x83);	/* 2M page, pa 1G */
	set_pte(0x2000, 1, 0x80000000ULL | 0x83);	/* 1G page at va 1G */
	/* the high half: PML4[511] -> PDPT 0x5000 -> its [510] 1G page */
	set_pte(0x1000, 511, 0x5000 | 3);
	set_pte(0x5000, 510, 0x0 | 0x83);

	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x5123, &gpa, &span), 0);
	assert_int_equal(gpa, 0x9123);
	assert_int_equal(span, 0x1000 - 0x123);
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x200000 + 0x1234, &gpa,
					  &span), 0);
	assert_int_equal(gpa, 0x40001234ULL);
	assert_int_equal(span, 0x200000 - 0x1234);
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x40000000ULL + 0x55,
					  &gpa, &span), 0);
	assert_int_equal(gpa, 0x80000055ULL);
	assert_int_equal(span, 0x40000000ULL - 0x55);
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0xffffffff80000010ULL,
					  &gpa, NULL), 0);
	assert_int_equal(gpa, 0x10);
	/* not present at each level */
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x6000, &gpa, NULL),
			 -EFAULT);
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x400000, &gpa, NULL),
			 -EFAULT);
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x80000000ULL, &gpa,
					  NULL), -EFAULT);
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x8000000000ULL, &gpa,
					  NULL), -EFAULT);
	/* non-canonical */
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x0000800000000000ULL,
					  &gpa, NULL), -EFAULT);
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0xff00000000000000ULL,
					  &gpa, NULL), -EFAULT);
}

static void walk_pat_bit_of_large_page_is_not_address(void **state)
{
	struct hlkvm_paging pg = LONG_MODE(0x1000);
	uint64_t gpa;

	(void)state;
	memset(phys_mem, 0, sizeof(phys_mem));
	set_pte(0x1000, 0, 0x2000 | 3);
	set_pte(0x2000, 0, 0x3000 | 3);
	/* bit 12 of a 2M PDE is PAT, bit 63 NX */
	set_pte(0x3000, 0, 0x00600000ULL | (1ULL << 12) | (1ULL << 63) | 0x83);
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x1234, &gpa, NULL), 0);
	assert_int_equal(gpa, 0x00601234ULL);
}

static void walk_5level(void **state)
{
	struct hlkvm_paging pg = LONG_MODE(0x1000);
	uint64_t gpa;

	(void)state;
	pg.cr4 |= CR4_LA57;
	memset(phys_mem, 0, sizeof(phys_mem));
	set_pte(0x1000, 1, 0x2000 | 3);		/* PML5[1]: va bit 48 */
	set_pte(0x2000, 0, 0x3000 | 3);
	set_pte(0x3000, 0, 0x4000 | 3);
	set_pte(0x4000, 0, 0x00200000ULL | 0x83);
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x0001000000000042ULL,
					  &gpa, NULL), 0);
	assert_int_equal(gpa, 0x00200042ULL);
	/* canonical for 4 levels but not 5: fine; beyond 57 bits: not */
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x0100000000000000ULL,
					  &gpa, NULL), -EFAULT);
}

static void walk_legacy_paging_unsupported(void **state)
{
	struct hlkvm_paging pg = { .cr0 = CR0_PG | 1, .cr3 = 0x1000 };
	uint64_t gpa;

	(void)state;
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x1000, &gpa, NULL),
			 -EOPNOTSUPP);
}

static void walk_table_outside_memory_is_read_error(void **state)
{
	struct hlkvm_paging pg = LONG_MODE(0x10000000);
	uint64_t gpa;

	(void)state;
	assert_int_equal(hlkvm_gva_to_gpa(&pg, &phys, 0x1000, &gpa, NULL),
			 -EFAULT);
}

static void range_overlaps_edges(void **state)
{
	(void)state;
	assert_false(hlkvm_range_overlaps(0x0fff, 1, 0x1000, 0x8000));
	assert_true(hlkvm_range_overlaps(0x0fff, 2, 0x1000, 0x8000));
	assert_true(hlkvm_range_overlaps(0x3000, 1, 0x1000, 0x8000));
	assert_true(hlkvm_range_overlaps(0x7fff, 1, 0x1000, 0x8000));
	assert_false(hlkvm_range_overlaps(0x8000, 1, 0x1000, 0x8000));
	assert_true(hlkvm_range_overlaps(0x0, 0x10000, 0x1000, 0x8000));
	assert_false(hlkvm_range_overlaps(0x3000, 0, 0x1000, 0x8000));
	/* a wrapping range never wraps into a match */
	assert_false(hlkvm_range_overlaps(0xffffffffffffff00ULL, 0x100,
					  0x1000, 0x8000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_adds_up),
		cmocka_unit_test(xml_names_every_register_in_order),
		cmocka_unit_test(from_kvm_maps_every_register),
		cmocka_unit_test(to_kvm_round_trips_and_writes),
		cmocka_unit_test(to_kvm_refuses_selector_change),
		cmocka_unit_test(ftag_classifies_by_physical_register),
		cmocka_unit_test(walk_unpaged_is_identity),
		cmocka_unit_test(walk_4level_4k_2m_1g),
		cmocka_unit_test(walk_pat_bit_of_large_page_is_not_address),
		cmocka_unit_test(walk_5level),
		cmocka_unit_test(walk_legacy_paging_unsupported),
		cmocka_unit_test(walk_table_outside_memory_is_read_error),
		cmocka_unit_test(range_overlaps_edges),
	};

	return cmocka_run_group_tests_name("gdb_amd64", tests, NULL, NULL);
}
