// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * The x86-64 register file as gdb sees it (see gdb_amd64.h). Register
 * names and feature names are the ones gdb's amd64 target checks
 * (gdb/features/i386/64bit-core.xml, 64bit-sse.xml, 64bit-segments.xml):
 * gdb refuses a description that lacks any of them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gdb_amd64.h"

enum feature { CORE, SSE, SEGMENTS };

struct reg_desc {
	const char *name;
	unsigned short bits;
	const char *type;
	const char *group;	/* NULL: gdb's default for the type */
	enum feature feature;
};

static const struct reg_desc regs_table[GDB_AMD64_NREGS] = {
	{ "rax", 64, "int64", NULL, CORE }, { "rbx", 64, "int64", NULL, CORE },
	{ "rcx", 64, "int64", NULL, CORE }, { "rdx", 64, "int64", NULL, CORE },
	{ "rsi", 64, "int64", NULL, CORE }, { "rdi", 64, "int64", NULL, CORE },
	{ "rbp", 64, "data_ptr", NULL, CORE },
	{ "rsp", 64, "data_ptr", NULL, CORE },
	{ "r8", 64, "int64", NULL, CORE }, { "r9", 64, "int64", NULL, CORE },
	{ "r10", 64, "int64", NULL, CORE }, { "r11", 64, "int64", NULL, CORE },
	{ "r12", 64, "int64", NULL, CORE }, { "r13", 64, "int64", NULL, CORE },
	{ "r14", 64, "int64", NULL, CORE }, { "r15", 64, "int64", NULL, CORE },
	{ "rip", 64, "code_ptr", NULL, CORE },
	{ "eflags", 32, "i386_eflags", NULL, CORE },
	{ "cs", 32, "int32", NULL, CORE }, { "ss", 32, "int32", NULL, CORE },
	{ "ds", 32, "int32", NULL, CORE }, { "es", 32, "int32", NULL, CORE },
	{ "fs", 32, "int32", NULL, CORE }, { "gs", 32, "int32", NULL, CORE },
	{ "st0", 80, "i387_ext", NULL, CORE },
	{ "st1", 80, "i387_ext", NULL, CORE },
	{ "st2", 80, "i387_ext", NULL, CORE },
	{ "st3", 80, "i387_ext", NULL, CORE },
	{ "st4", 80, "i387_ext", NULL, CORE },
	{ "st5", 80, "i387_ext", NULL, CORE },
	{ "st6", 80, "i387_ext", NULL, CORE },
	{ "st7", 80, "i387_ext", NULL, CORE },
	{ "fctrl", 32, "int", "float", CORE },
	{ "fstat", 32, "int", "float", CORE },
	{ "ftag", 32, "int", "float", CORE },
	{ "fiseg", 32, "int", "float", CORE },
	{ "fioff", 32, "int", "float", CORE },
	{ "foseg", 32, "int", "float", CORE },
	{ "fooff", 32, "int", "float", CORE },
	{ "fop", 32, "int", "float", CORE },
	{ "xmm0", 128, "vec128", NULL, SSE }, { "xmm1", 128, "vec128", NULL, SSE },
	{ "xmm2", 128, "vec128", NULL, SSE }, { "xmm3", 128, "vec128", NULL, SSE },
	{ "xmm4", 128, "vec128", NULL, SSE }, { "xmm5", 128, "vec128", NULL, SSE },
	{ "xmm6", 128, "vec128", NULL, SSE }, { "xmm7", 128, "vec128", NULL, SSE },
	{ "xmm8", 128, "vec128", NULL, SSE }, { "xmm9", 128, "vec128", NULL, SSE },
	{ "xmm10", 128, "vec128", NULL, SSE },
	{ "xmm11", 128, "vec128", NULL, SSE },
	{ "xmm12", 128, "vec128", NULL, SSE },
	{ "xmm13", 128, "vec128", NULL, SSE },
	{ "xmm14", 128, "vec128", NULL, SSE },
	{ "xmm15", 128, "vec128", NULL, SSE },
	{ "mxcsr", 32, "i386_mxcsr", "vector", SSE },
	{ "fs_base", 64, "int", NULL, SEGMENTS },
	{ "gs_base", 64, "int", NULL, SEGMENTS },
};

static const char xml_head[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<target version=\"1.0\">\n"
	"<architecture>i386:x86-64</architecture>\n";

static const char *const feature_head[] = {
	[CORE] =
	"<feature name=\"org.gnu.gdb.i386.core\">\n"
	"<flags id=\"i386_eflags\" size=\"4\">\n"
	"<field name=\"CF\" start=\"0\" end=\"0\"/>\n"
	"<field name=\"\" start=\"1\" end=\"1\"/>\n"
	"<field name=\"PF\" start=\"2\" end=\"2\"/>\n"
	"<field name=\"AF\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
	"<field name=\"SF\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"TF\" start=\"8\" end=\"8\"/>\n"
	"<field name=\"IF\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"DF\" start=\"10\" end=\"10\"/>\n"
	"<field name=\"OF\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"NT\" start=\"14\" end=\"14\"/>\n"
	"<field name=\"RF\" start=\"16\" end=\"16\"/>\n"
	"<field name=\"VM\" start=\"17\" end=\"17\"/>\n"
	"<field name=\"AC\" start=\"18\" end=\"18\"/>\n"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
	"<field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
	"<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
	"</flags>\n",
	[SSE] =
	"<feature name=\"org.gnu.gdb.i386.sse\">\n"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
	"<union id=\"vec128\">\n"
	"<field name=\"v4_float\" type=\"v4f\"/>\n"
	"<field name=\"v2_double\" type=\"v2d\"/>\n"
	"<field name=\"v16_int8\" type=\"v16i8\"/>\n"
	"<field name=\"v8_int16\" type=\"v8i16\"/>\n"
	"<field name=\"v4_int32\" type=\"v4i32\"/>\n"
	"<field name=\"v2_int64\" type=\"v2i64\"/>\n"
	"<field name=\"uint128\" type=\"uint128\"/>\n"
	"</union>\n"
	"<flags id=\"i386_mxcsr\" size=\"4\">\n"
	"<field name=\"IE\" start=\"0\" end=\"0\"/>\n"
	"<field name=\"DE\" start=\"1\" end=\"1\"/>\n"
	"<field name=\"ZE\" start=\"2\" end=\"2\"/>\n"
	"<field name=\"OE\" start=\"3\" end=\"3\"/>\n"
	"<field name=\"UE\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"PE\" start=\"5\" end=\"5\"/>\n"
	"<field name=\"DAZ\" start=\"6\" end=\"6\"/>\n"
	"<field name=\"IM\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"DM\" start=\"8\" end=\"8\"/>\n"
	"<field name=\"ZM\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"OM\" start=\"10\" end=\"10\"/>\n"
	"<field name=\"UM\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"PM\" start=\"12\" end=\"12\"/>\n"
	"<field name=\"FZ\" start=\"15\" end=\"15\"/>\n"
	"</flags>\n",
	[SEGMENTS] =
	"<feature name=\"org.gnu.gdb.i386.segments\">\n",
};

static char xml[8192];
static size_t xml_len;

static int build_xml(void)
{
	size_t n = 0;
	unsigned int i;
	int w;

	w = snprintf(xml, sizeof(xml), "%s", xml_head);
	n = (size_t)w;
	for (i = 0; i < GDB_AMD64_NREGS; i++) {
		const struct reg_desc *r = &regs_table[i];

		if (!i || regs_table[i - 1].feature != r->feature)
			w = snprintf(xml + n, sizeof(xml) - n, "%s%s",
				     i ? "</feature>\n" : "",
				     feature_head[r->feature]);
		else
			w = 0;
		if (w < 0 || (size_t)w >= sizeof(xml) - n)
			return -ENOSPC;
		n += (size_t)w;
		w = snprintf(xml + n, sizeof(xml) - n,
			     "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"%s%s%s/>\n",
			     r->name, r->bits, r->type, i,
			     r->group ? " group=\"" : "",
			     r->group ? r->group : "", r->group ? "\"" : "");
		if (w < 0 || (size_t)w >= sizeof(xml) - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	w = snprintf(xml + n, sizeof(xml) - n, "</feature>\n</target>\n");
	if (w < 0 || (size_t)w >= sizeof(xml) - n)
		return -ENOSPC;
	xml_len = n + (size_t)w;
	return 0;
}

const char *gdb_amd64_target_xml(size_t *len)
{
	/* Built once; the buffer is sized so that this cannot fail */
	if (!xml_len && build_xml())
		xml_len = 0;
	*len = xml_len;
	return xml;
}

int gdb_amd64_reg_size(unsigned int regno)
{
	return regno < GDB_AMD64_NREGS ? regs_table[regno].bits / 8 : -1;
}

int gdb_amd64_reg_offset(unsigned int regno)
{
	unsigned int i;
	int off = 0;

	if (regno >= GDB_AMD64_NREGS)
		return -1;
	for (i = 0; i < regno; i++)
		off += regs_table[i].bits / 8;
	return off;
}

static void put(struct gdb_amd64_regs *g, unsigned int regno, const void *v,
		size_t len)
{
	uint8_t *dst = g->raw + gdb_amd64_reg_offset(regno);
	size_t size = (size_t)gdb_amd64_reg_size(regno);

	memset(dst, 0, size);
	memcpy(dst, v, len < size ? len : size);
}

static void put_u64(struct gdb_amd64_regs *g, unsigned int regno, uint64_t v)
{
	put(g, regno, &v, sizeof(v));	/* x86 host: already little-endian */
}

static void put_u32(struct gdb_amd64_regs *g, unsigned int regno, uint32_t v)
{
	put(g, regno, &v, sizeof(v));
}

static uint64_t get_u64(const struct gdb_amd64_regs *g, unsigned int regno)
{
	uint64_t v = 0;

	memcpy(&v, g->raw + gdb_amd64_reg_offset(regno),
	       (size_t)gdb_amd64_reg_size(regno));
	return v;
}

#define REG_ST0		24
#define REG_FCTRL	32
#define REG_XMM0	40
#define REG_MXCSR	56

/* kvm_regs in gdb's order (KVM has rsp before rbp, gdb the reverse) */
static const size_t gpr_offset[17] = {
	offsetof(struct kvm_regs, rax), offsetof(struct kvm_regs, rbx),
	offsetof(struct kvm_regs, rcx), offsetof(struct kvm_regs, rdx),
	offsetof(struct kvm_regs, rsi), offsetof(struct kvm_regs, rdi),
	offsetof(struct kvm_regs, rbp), offsetof(struct kvm_regs, rsp),
	offsetof(struct kvm_regs, r8), offsetof(struct kvm_regs, r9),
	offsetof(struct kvm_regs, r10), offsetof(struct kvm_regs, r11),
	offsetof(struct kvm_regs, r12), offsetof(struct kvm_regs, r13),
	offsetof(struct kvm_regs, r14), offsetof(struct kvm_regs, r15),
	offsetof(struct kvm_regs, rip),
};

static struct kvm_segment *seg(struct kvm_sregs *s, unsigned int i)
{
	struct kvm_segment *order[6] = { &s->cs, &s->ss, &s->ds, &s->es,
					 &s->fs, &s->gs };

	return order[i];
}

uint16_t gdb_amd64_ftag_full(uint8_t ftwx, uint16_t fsw,
			     const uint8_t fpr[8][16])
{
	unsigned int top = (fsw >> 11) & 7, phys;
	uint16_t ftag = 0;

	for (phys = 0; phys < 8; phys++) {
		/* fpr[] is by stack position ST(i), the tag by R(phys) */
		const uint8_t *r = fpr[(phys - top) & 7];
		unsigned int exp = (r[9] & 0x7f) << 8 | r[8], tag;
		uint64_t mant;

		memcpy(&mant, r, sizeof(mant));
		if (!(ftwx & (1u << phys)))
			tag = 3;			/* empty */
		else if (exp == 0x7fff)
			tag = 2;			/* NaN, infinity */
		else if (exp == 0)
			tag = mant ? 2 : 1;		/* denormal : zero */
		else
			tag = mant >> 63 ? 0 : 2;	/* valid : unnormal */
		ftag |= (uint16_t)(tag << (2 * phys));
	}
	return ftag;
}

uint8_t gdb_amd64_ftag_abridged(uint16_t ftag)
{
	uint8_t ftwx = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (((ftag >> (2 * i)) & 3) != 3)
			ftwx |= (uint8_t)(1u << i);
	return ftwx;
}

void gdb_amd64_from_kvm(struct gdb_amd64_regs *g, const struct kvm_regs *regs,
			const struct kvm_sregs *sregs,
			const struct kvm_fpu *fpu)
{
	struct kvm_sregs s = *sregs;
	unsigned int i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i <= GDB_AMD64_RIP; i++) {
		uint64_t v;

		memcpy(&v, (const uint8_t *)regs + gpr_offset[i], sizeof(v));
		put_u64(g, i, v);
	}
	put_u32(g, GDB_AMD64_EFLAGS, (uint32_t)regs->rflags);
	for (i = 0; i < 6; i++)
		put_u32(g, GDB_AMD64_CS + i, seg(&s, i)->selector);
	for (i = 0; i < 8; i++)
		put(g, REG_ST0 + i, fpu->fpr[i], 10);
	put_u32(g, REG_FCTRL + 0, fpu->fcw);
	put_u32(g, REG_FCTRL + 1, fpu->fsw);
	put_u32(g, REG_FCTRL + 2, gdb_amd64_ftag_full(fpu->ftwx, fpu->fsw,
						      fpu->fpr));
	/* 64-bit FXSAVE: fiseg/foseg hold the upper halves of FIP/FDP, as gdb's
	 * amd64_supply_fxsave reads them
	 */
	put_u32(g, REG_FCTRL + 3, (uint32_t)(fpu->last_ip >> 32));
	put_u32(g, REG_FCTRL + 4, (uint32_t)fpu->last_ip);
	put_u32(g, REG_FCTRL + 5, (uint32_t)(fpu->last_dp >> 32));
	put_u32(g, REG_FCTRL + 6, (uint32_t)fpu->last_dp);
	put_u32(g, REG_FCTRL + 7, fpu->last_opcode & 0x7ff);
	for (i = 0; i < 16; i++)
		put(g, REG_XMM0 + i, fpu->xmm[i], 16);
	put_u32(g, REG_MXCSR, fpu->mxcsr);
	put_u64(g, GDB_AMD64_FS_BASE, sregs->fs.base);
	put_u64(g, GDB_AMD64_FS_BASE + 1, sregs->gs.base);
}

int gdb_amd64_to_kvm(const struct gdb_amd64_regs *g, struct kvm_regs *regs,
		     struct kvm_sregs *sregs, struct kvm_fpu *fpu)
{
	unsigned int i;

	for (i = 0; i < 6; i++)
		if (get_u64(g, GDB_AMD64_CS + i) != seg(sregs, i)->selector)
			return -EPERM;
	for (i = 0; i <= GDB_AMD64_RIP; i++) {
		uint64_t v = get_u64(g, i);

		memcpy((uint8_t *)regs + gpr_offset[i], &v, sizeof(v));
	}
	/* Bit 1 of RFLAGS is fixed to 1; KVM refuses nothing, the CPU would */
	regs->rflags = get_u64(g, GDB_AMD64_EFLAGS) | 2;
	for (i = 0; i < 8; i++)
		memcpy(fpu->fpr[i], g->raw + gdb_amd64_reg_offset(REG_ST0 + i),
		       10);
	fpu->fcw = (uint16_t)get_u64(g, REG_FCTRL + 0);
	fpu->fsw = (uint16_t)get_u64(g, REG_FCTRL + 1);
	fpu->ftwx = gdb_amd64_ftag_abridged((uint16_t)get_u64(g, REG_FCTRL + 2));
	fpu->last_ip = get_u64(g, REG_FCTRL + 3) << 32 |
		       get_u64(g, REG_FCTRL + 4);
	fpu->last_dp = get_u64(g, REG_FCTRL + 5) << 32 |
		       get_u64(g, REG_FCTRL + 6);
	fpu->last_opcode = (uint16_t)(get_u64(g, REG_FCTRL + 7) & 0x7ff);
	for (i = 0; i < 16; i++)
		memcpy(fpu->xmm[i], g->raw + gdb_amd64_reg_offset(REG_XMM0 + i),
		       16);
	fpu->mxcsr = (uint32_t)get_u64(g, REG_MXCSR);
	sregs->fs.base = get_u64(g, GDB_AMD64_FS_BASE);
	sregs->gs.base = get_u64(g, GDB_AMD64_FS_BASE + 1);
	return 0;
}
