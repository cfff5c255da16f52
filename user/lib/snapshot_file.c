// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The snapshot file format (snapshot_file.h, docs/snapshot-format.md).
 * Little-endian throughout, as the x86 hosts that write and read it;
 * every integer is read with memcpy, so no field needs alignment.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm.h>

#include "hlkvm.h"
#include "snapshot_file.h"

static const char *const section_names[__SNAP_SEC_COUNT] = {
	[SNAP_SEC_MEM] = "mem",
	[SNAP_SEC_REGS] = "regs",
	[SNAP_SEC_SREGS] = "sregs",
	[SNAP_SEC_XSAVE] = "xsave",
	[SNAP_SEC_FPU] = "fpu",
	[SNAP_SEC_XCRS] = "xcrs",
	[SNAP_SEC_MSRS] = "msrs",
	[SNAP_SEC_LAPIC] = "lapic",
	[SNAP_SEC_EVENTS] = "events",
	[SNAP_SEC_HLKVM] = "hlkvm",
	[SNAP_SEC_PIC_MASTER] = "pic-master",
	[SNAP_SEC_PIC_SLAVE] = "pic-slave",
	[SNAP_SEC_IOAPIC] = "ioapic",
	[SNAP_SEC_TSC_KHZ] = "tsc-khz",
};

const char *snap_section_name(uint32_t type)
{
	if (type == SNAP_SEC_END)
		return "checksum";
	if (type < __SNAP_SEC_COUNT && section_names[type])
		return section_names[type];
	return "unknown";
}

/* The fixed size of a section, 0 when it varies */
static uint64_t section_size(uint32_t type)
{
	switch (type) {
	case SNAP_SEC_REGS:
		return sizeof(struct kvm_regs);
	case SNAP_SEC_SREGS:
		return sizeof(struct kvm_sregs);
	case SNAP_SEC_XSAVE:
		return sizeof(struct kvm_xsave);
	case SNAP_SEC_FPU:
		return sizeof(struct kvm_fpu);
	case SNAP_SEC_XCRS:
		return sizeof(struct kvm_xcrs);
	case SNAP_SEC_LAPIC:
		return sizeof(struct kvm_lapic_state);
	case SNAP_SEC_EVENTS:
		return sizeof(struct kvm_vcpu_events);
	case SNAP_SEC_PIC_MASTER:
	case SNAP_SEC_PIC_SLAVE:
	case SNAP_SEC_IOAPIC:
		return sizeof(struct kvm_irqchip);
	case SNAP_SEC_TSC_KHZ:
		return sizeof(uint64_t);
	default:
		return 0;
	}
}

static uint32_t crc_table[256];

uint32_t snap_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc_table[1]) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	}
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint64_t pad8(uint64_t n)
{
	return (8 - (n & 7)) & 7;
}

struct crc_out {
	int (*out)(void *arg, const void *buf, size_t len);
	void *arg;
	uint32_t crc;
};

static int emit(struct crc_out *o, const void *buf, size_t len)
{
	o->crc = snap_crc32(o->crc, buf, len);
	return o->out(o->arg, buf, len);
}

int snap_write(const struct snap_info *info, const struct snap_section *sec,
	       unsigned int n,
	       int (*out)(void *arg, const void *buf, size_t len), void *arg)
{
	static const uint8_t zeros[8];
	struct crc_out o = { .out = out, .arg = arg };
	uint8_t hdr[SNAP_HEADER_SIZE] = { 0 };
	uint8_t sh[SNAP_SECTION_HEADER];
	uint8_t end[SNAP_END_LEN];
	int ret;

	memcpy(hdr, SNAP_MAGIC, SNAP_MAGIC_LEN);
	put32(hdr + 8, SNAP_VERSION);
	put32(hdr + 12, SNAP_HEADER_SIZE);
	put64(hdr + 16, info->mem_size);
	put32(hdr + 24, info->irqchip);
	put32(hdr + 28, info->accel);
	put32(hdr + 32, n);
	put32(hdr + 36, info->flags);
	ret = emit(&o, hdr, sizeof(hdr));
	for (unsigned int i = 0; !ret && i < n; i++) {
		memset(sh, 0, sizeof(sh));
		put32(sh, sec[i].type);
		put64(sh + 8, sec[i].len);
		ret = emit(&o, sh, sizeof(sh));
		if (!ret && sec[i].len)
			ret = emit(&o, sec[i].data, sec[i].len);
		if (!ret && pad8(sec[i].len))
			ret = emit(&o, zeros, pad8(sec[i].len));
	}
	if (ret)
		return ret;
	memset(sh, 0, sizeof(sh));
	put32(sh, SNAP_SEC_END);
	put64(sh + 8, SNAP_END_LEN);
	ret = emit(&o, sh, sizeof(sh));
	if (ret)
		return ret;
	put32(end, o.crc);
	return out(arg, end, sizeof(end));
}

__attribute__((format(printf, 4, 5)))
static enum snap_err fail(enum snap_err e, char *err, size_t errlen,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return e;
}

/* Walks the sections for their bounds only: truncation comes first */
static enum snap_err walk(const uint8_t *p, size_t len, uint32_t n,
			  size_t *end_at, char *err, size_t errlen)
{
	size_t off = SNAP_HEADER_SIZE;
	const char *prev = "header";

	for (uint32_t i = 0; i <= n; i++) {
		uint32_t type;
		uint64_t slen;

		if (len - off < SNAP_SECTION_HEADER) {
			if (len == off)
				return fail(SNAP_E_TRUNCATED, err, errlen,
					    "truncated: the file ends after the %s section (%zu bytes), before %s",
					    prev, len,
					    i == n ? "the checksum" : "the next section");
			return fail(SNAP_E_TRUNCATED, err, errlen,
				    "truncated: the file ends inside the header of section %u (offset %zu, %zu bytes)",
				    i + 1, off, len);
		}
		type = get32(p + off);
		slen = get64(p + off + 8);
		if (i == n && type != SNAP_SEC_END)
			return fail(SNAP_E_MALFORMED, err, errlen,
				    "malformed: %u sections announced, but section %u (%s) follows instead of the checksum",
				    n, i + 1, snap_section_name(type));
		if (i < n && type == SNAP_SEC_END)
			return fail(SNAP_E_MALFORMED, err, errlen,
				    "malformed: %u sections announced, the checksum comes after %u",
				    n, i);
		off += SNAP_SECTION_HEADER;
		/* The trailer ends the file: it has no padding */
		if (slen > len - off ||
		    (i < n && pad8(slen) > len - off - slen))
			return fail(SNAP_E_TRUNCATED, err, errlen,
				    "truncated: the file ends inside the %s section (it needs %llu bytes at offset %zu, the file has %zu)",
				    snap_section_name(type),
				    (unsigned long long)(slen + pad8(slen)),
				    off, len);
		if (i == n) {
			if (slen != SNAP_END_LEN)
				return fail(SNAP_E_MALFORMED, err, errlen,
					    "malformed: the checksum section is %llu bytes, not %d",
					    (unsigned long long)slen,
					    SNAP_END_LEN);
			*end_at = off - SNAP_SECTION_HEADER;
			off += slen;
			break;
		}
		off += slen + pad8(slen);
		prev = snap_section_name(type);
	}
	if (off != len)
		return fail(SNAP_E_MALFORMED, err, errlen,
			    "malformed: %zu bytes follow the checksum",
			    len - off);
	return SNAP_OK;
}

static enum snap_err check_sections(const uint8_t *p, uint32_t n,
				    struct snap_view *v, char *err,
				    size_t errlen)
{
	static const uint32_t required[] = {
		SNAP_SEC_MEM, SNAP_SEC_REGS, SNAP_SEC_SREGS, SNAP_SEC_MSRS,
		SNAP_SEC_LAPIC, SNAP_SEC_EVENTS, SNAP_SEC_HLKVM,
	};
	size_t off = SNAP_HEADER_SIZE;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t type = get32(p + off);
		uint64_t slen = get64(p + off + 8);
		const uint8_t *data = p + off + SNAP_SECTION_HEADER;

		if (type == 0 || type >= __SNAP_SEC_COUNT)
			return fail(SNAP_E_MALFORMED, err, errlen,
				    "malformed: section %u has unknown type %u",
				    i + 1, type);
		if (v->data[type])
			return fail(SNAP_E_MALFORMED, err, errlen,
				    "malformed: the %s section appears twice",
				    snap_section_name(type));
		if (get32(p + off + 4))
			return fail(SNAP_E_MALFORMED, err, errlen,
				    "malformed: the %s section's reserved word is not 0",
				    snap_section_name(type));
		if (section_size(type) && slen != section_size(type))
			return fail(SNAP_E_MALFORMED, err, errlen,
				    "malformed: the %s section is %llu bytes, KVM's struct is %llu",
				    snap_section_name(type),
				    (unsigned long long)slen,
				    (unsigned long long)section_size(type));
		if (type == SNAP_SEC_MSRS &&
		    (slen < 8 || (slen - 8) / sizeof(struct kvm_msr_entry) !=
				 get32(data) ||
		     (slen - 8) % sizeof(struct kvm_msr_entry)))
			return fail(SNAP_E_MALFORMED, err, errlen,
				    "malformed: the msrs section's count does not match its %llu bytes",
				    (unsigned long long)slen);
		v->data[type] = data;
		v->len[type] = slen;
		off += SNAP_SECTION_HEADER + slen + pad8(slen);
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!v->data[required[i]])
			return fail(SNAP_E_MALFORMED, err, errlen,
				    "malformed: no %s section",
				    snap_section_name(required[i]));
	if (!v->data[SNAP_SEC_XSAVE] == !v->data[SNAP_SEC_FPU])
		return fail(SNAP_E_MALFORMED, err, errlen,
			    "malformed: want exactly one of the xsave and fpu sections");
	if (v->info.irqchip >= __HLKVM_IRQCHIP_COUNT)
		return fail(SNAP_E_MALFORMED, err, errlen,
			    "malformed: irqchip %u is not a mode", v->info.irqchip);
	if (v->info.irqchip == HLKVM_IRQCHIP_KERNEL &&
	    (!v->data[SNAP_SEC_PIC_MASTER] || !v->data[SNAP_SEC_PIC_SLAVE] ||
	     !v->data[SNAP_SEC_IOAPIC]))
		return fail(SNAP_E_MALFORMED, err, errlen,
			    "malformed: a full-irqchip snapshot without its PIC and IOAPIC sections");
	if (v->len[SNAP_SEC_MEM] != v->info.mem_size)
		return fail(SNAP_E_MEMSIZE, err, errlen,
			    "memory size mismatch: the header says %llu bytes, the mem section holds %llu",
			    (unsigned long long)v->info.mem_size,
			    (unsigned long long)v->len[SNAP_SEC_MEM]);
	return SNAP_OK;
}

enum snap_err snap_parse(const void *buf, size_t len, struct snap_view *v,
			 char *err, size_t errlen)
{
	const uint8_t *p = buf;
	uint32_t version, hsize, n, crc;
	size_t end_at = 0;
	enum snap_err e;

	memset(v, 0, sizeof(*v));
	snprintf(err, errlen, "ok");
	if (len < SNAP_MAGIC_LEN)
		return fail(SNAP_E_TRUNCATED, err, errlen,
			    "truncated: the file ends inside the header (%zu of %d bytes)",
			    len, SNAP_HEADER_SIZE);
	if (memcmp(p, SNAP_MAGIC, SNAP_MAGIC_LEN))
		return fail(SNAP_E_MAGIC, err, errlen,
			    "not an hlkvm snapshot: bad magic (want \"%s\")",
			    SNAP_MAGIC);
	if (len < SNAP_MAGIC_LEN + 8)
		return fail(SNAP_E_TRUNCATED, err, errlen,
			    "truncated: the file ends inside the header (%zu of %d bytes)",
			    len, SNAP_HEADER_SIZE);
	version = get32(p + 8);
	hsize = get32(p + 12);
	if (version == 0 || version > SNAP_VERSION)
		return fail(SNAP_E_VERSION, err, errlen,
			    "unsupported snapshot version %u (this hlkvm-run reads version %d)",
			    version, SNAP_VERSION);
	if (len < SNAP_HEADER_SIZE)
		return fail(SNAP_E_TRUNCATED, err, errlen,
			    "truncated: the file ends inside the header (%zu of %d bytes)",
			    len, SNAP_HEADER_SIZE);
	if (hsize != SNAP_HEADER_SIZE)
		return fail(SNAP_E_MALFORMED, err, errlen,
			    "malformed: header size %u, version 1 has %d",
			    hsize, SNAP_HEADER_SIZE);
	n = get32(p + 32);
	if (n > 64)
		return fail(SNAP_E_MALFORMED, err, errlen,
			    "malformed: %u sections announced", n);
	e = walk(p, len, n, &end_at, err, errlen);
	if (e)
		return e;
	crc = snap_crc32(0, p, end_at + SNAP_SECTION_HEADER);
	if (crc != get32(p + end_at + SNAP_SECTION_HEADER))
		return fail(SNAP_E_CHECKSUM, err, errlen,
			    "checksum mismatch: CRC-32 0x%08x, the file says 0x%08x (corrupted)",
			    crc, get32(p + end_at + SNAP_SECTION_HEADER));
	v->info.mem_size = get64(p + 16);
	v->info.irqchip = get32(p + 24);
	v->info.accel = get32(p + 28);
	v->info.flags = get32(p + 36);
	if (v->info.flags & ~SNAP_F_KNOWN)
		return fail(SNAP_E_MALFORMED, err, errlen,
			    "malformed: unknown header flags 0x%x",
			    v->info.flags & ~SNAP_F_KNOWN);
	if (get64(p + 40))
		return fail(SNAP_E_MALFORMED, err, errlen,
			    "malformed: the header's reserved fields are not 0");
	return check_sections(p, n, v, err, errlen);
}

enum snap_err snap_check_mem(const struct snap_view *v, uint64_t want,
			     char *err, size_t errlen)
{
	if (want && want != v->info.mem_size)
		return fail(SNAP_E_MEMSIZE, err, errlen,
			    "memory size mismatch: the snapshot has %llu MiB of RAM, --mem asks for %llu MiB",
			    (unsigned long long)(v->info.mem_size >> 20),
			    (unsigned long long)(want >> 20));
	return SNAP_OK;
}
