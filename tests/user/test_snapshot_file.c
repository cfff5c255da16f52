// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for snapshot_file.c: a file written is read back section
 * for section, and every malformed file (truncated at and inside each
 * section, bad magic, version, checksum, memory size, structure) gets
 * its own outcome and its own message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/kvm.h>

#include "hlkvm.h"
#include "snapshot_file.h"

#define MEM	(64 * 1024)

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static int sink(void *arg, const void *data, size_t len)
{
	struct buf *b = arg;

	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			return -12;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

static uint8_t mem[MEM];
static struct kvm_regs regs;
static struct kvm_sregs sregs;
static struct kvm_xsave xsave;
static struct kvm_lapic_state lapic;
static struct kvm_vcpu_events events;
static struct hlkvm_vm_state hst;
static uint8_t msrs[8 + 2 * sizeof(struct kvm_msr_entry)];

#define NSEC	8
static struct snap_section secs[NSEC];

static void fill_sections(void)
{
	for (size_t i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(i * 7);
	regs.rip = 0x8000;
	regs.rax = 42;
	sregs.cr0 = 0x80000011;
	lapic.regs[0x80] = 0x10;
	events.exception.nr = 3;
	hst.version = HLKVM_STATE_VERSION;
	hst.size = sizeof(hst);
	msrs[0] = 2;
	secs[0] = (struct snap_section){ SNAP_SEC_MEM, mem, sizeof(mem) };
	secs[1] = (struct snap_section){ SNAP_SEC_REGS, &regs, sizeof(regs) };
	secs[2] = (struct snap_section){ SNAP_SEC_SREGS, &sregs,
					 sizeof(sregs) };
	secs[3] = (struct snap_section){ SNAP_SEC_XSAVE, &xsave,
					 sizeof(xsave) };
	secs[4] = (struct snap_section){ SNAP_SEC_MSRS, msrs, sizeof(msrs) };
	secs[5] = (struct snap_section){ SNAP_SEC_LAPIC, &lapic,
					 sizeof(lapic) };
	secs[6] = (struct snap_section){ SNAP_SEC_EVENTS, &events,
					 sizeof(events) };
	/* An odd length: the padding to 8 is exercised too */
	secs[7] = (struct snap_section){ SNAP_SEC_HLKVM, &hst, sizeof(hst) - 4 };
}

static struct buf write_file(const struct snap_section *s, unsigned int n,
			     uint64_t mem_size)
{
	const struct snap_info info = { .mem_size = mem_size,
					.irqchip = HLKVM_IRQCHIP_SPLIT,
					.accel = SNAP_ACCEL_USER };
	struct buf b = { 0 };

	assert_int_equal(snap_write(&info, s, n, sink, &b), 0);
	return b;
}

static struct buf good_file(void)
{
	fill_sections();
	return write_file(secs, NSEC, MEM);
}

/* Offset of section @i's header in a file of secs[] */
static size_t section_offset(unsigned int i)
{
	size_t off = SNAP_HEADER_SIZE;

	for (unsigned int k = 0; k < i; k++)
		off += SNAP_SECTION_HEADER + secs[k].len + ((8 - (secs[k].len & 7)) & 7);
	return off;
}

static void refresh_crc(struct buf *b)
{
	uint32_t crc = snap_crc32(0, b->p, b->len - SNAP_END_LEN);

	memcpy(b->p + b->len - SNAP_END_LEN, &crc, 4);
}

static void expect(struct buf *b, enum snap_err want, const char *msg)
{
	struct snap_view v;
	char err[256];

	assert_int_equal(snap_parse(b->p, b->len, &v, err, sizeof(err)), want);
	if (!strstr(err, msg))
		fail_msg("message \"%s\" lacks \"%s\"", err, msg);
}

static void round_trip(void **state)
{
	struct buf b = good_file();
	struct snap_view v;
	char err[256];

	(void)state;
	assert_int_equal(snap_parse(b.p, b.len, &v, err, sizeof(err)), SNAP_OK);
	assert_int_equal(v.info.mem_size, MEM);
	assert_int_equal(v.info.accel, SNAP_ACCEL_USER);
	assert_int_equal(v.len[SNAP_SEC_MEM], MEM);
	assert_memory_equal(v.data[SNAP_SEC_MEM], mem, MEM);
	assert_memory_equal(v.data[SNAP_SEC_REGS], &regs, sizeof(regs));
	assert_memory_equal(v.data[SNAP_SEC_LAPIC], &lapic, sizeof(lapic));
	assert_int_equal(v.len[SNAP_SEC_HLKVM], sizeof(hst) - 4);
	assert_null(v.data[SNAP_SEC_FPU]);
	assert_int_equal(snap_check_mem(&v, 0, err, sizeof(err)), SNAP_OK);
	assert_int_equal(snap_check_mem(&v, MEM, err, sizeof(err)), SNAP_OK);
	free(b.p);
}

/* The header's flags: written and read back; a bit no reader knows refused */
static void header_flags(void **state)
{
	const struct snap_info info = { .mem_size = MEM,
					.irqchip = HLKVM_IRQCHIP_SPLIT,
					.accel = SNAP_ACCEL_KERNEL,
					.flags = SNAP_F_PIT_TICK };
	struct buf b = { 0 };
	struct snap_view v;
	char err[256];
	uint32_t bad = SNAP_F_PIT_TICK | 0x80;

	(void)state;
	fill_sections();
	assert_int_equal(snap_write(&info, secs, NSEC, sink, &b), 0);
	assert_int_equal(snap_parse(b.p, b.len, &v, err, sizeof(err)), SNAP_OK);
	assert_int_equal(v.info.flags, SNAP_F_PIT_TICK);
	assert_int_equal(v.info.irqchip, HLKVM_IRQCHIP_SPLIT);
	memcpy(b.p + 36, &bad, 4);
	refresh_crc(&b);
	expect(&b, SNAP_E_MALFORMED, "unknown header flags 0x80");
	free(b.p);
}

static void truncated_at_each_section(void **state)
{
	struct buf b = good_file();
	size_t full = b.len;
	char want[128];

	(void)state;
	b.len = 4;
	expect(&b, SNAP_E_TRUNCATED, "ends inside the header");
	b.len = SNAP_HEADER_SIZE - 1;
	expect(&b, SNAP_E_TRUNCATED, "ends inside the header");
	for (unsigned int i = 0; i < NSEC; i++) {
		size_t off = section_offset(i);

		/* At the boundary before it: after the previous one */
		b.len = off;
		snprintf(want, sizeof(want), "ends after the %s section",
			 i ? snap_section_name(secs[i - 1].type) : "header");
		expect(&b, SNAP_E_TRUNCATED, want);
		b.len = off + 3;
		expect(&b, SNAP_E_TRUNCATED, "inside the header of section");
		b.len = off + SNAP_SECTION_HEADER + secs[i].len / 2;
		snprintf(want, sizeof(want), "ends inside the %s section",
			 snap_section_name(secs[i].type));
		expect(&b, SNAP_E_TRUNCATED, want);
	}
	b.len = section_offset(NSEC);
	expect(&b, SNAP_E_TRUNCATED, "before the checksum");
	b.len = full - 1;
	expect(&b, SNAP_E_TRUNCATED, "inside the checksum section");
	free(b.p);
}

static void bad_magic(void **state)
{
	struct buf b = good_file();

	(void)state;
	memcpy(b.p, "\x7f" "ELF\2\1\1\0", 8);
	expect(&b, SNAP_E_MAGIC, "not an hlkvm snapshot: bad magic");
	free(b.p);
}

static void bad_version(void **state)
{
	struct buf b = good_file();
	uint32_t v = SNAP_VERSION + 1;

	(void)state;
	memcpy(b.p + 8, &v, 4);
	expect(&b, SNAP_E_VERSION, "unsupported snapshot version 2");
	v = 0;
	memcpy(b.p + 8, &v, 4);
	expect(&b, SNAP_E_VERSION, "unsupported snapshot version 0");
	free(b.p);
}

static void bad_checksum(void **state)
{
	struct buf b = good_file();

	(void)state;
	b.p[section_offset(0) + SNAP_SECTION_HEADER + 1000] ^= 1;
	expect(&b, SNAP_E_CHECKSUM, "checksum mismatch");
	b.p[section_offset(0) + SNAP_SECTION_HEADER + 1000] ^= 1;
	b.p[b.len - 1] ^= 0x80;
	expect(&b, SNAP_E_CHECKSUM, "checksum mismatch");
	free(b.p);
}

static void memory_size_mismatch(void **state)
{
	struct buf b = good_file();
	struct snap_view v;
	char err[256];
	uint64_t m = 2 * MEM;

	(void)state;
	assert_int_equal(snap_parse(b.p, b.len, &v, err, sizeof(err)), SNAP_OK);
	assert_int_equal(snap_check_mem(&v, 2 << 20, err, sizeof(err)),
			 SNAP_E_MEMSIZE);
	assert_non_null(strstr(err, "--mem asks for 2 MiB"));
	memcpy(b.p + 16, &m, 8);
	refresh_crc(&b);
	expect(&b, SNAP_E_MEMSIZE, "the header says 131072 bytes");
	free(b.p);
}

static void missing_and_duplicate_sections(void **state)
{
	struct snap_section s[NSEC + 1];
	struct buf b;

	(void)state;
	fill_sections();
	/* Without the LAPIC */
	memcpy(s, secs, sizeof(secs));
	s[5] = s[7];
	b = write_file(s, NSEC - 1, MEM);
	expect(&b, SNAP_E_MALFORMED, "no lapic section");
	free(b.p);
	memcpy(s, secs, sizeof(secs));
	s[NSEC] = secs[1];
	b = write_file(s, NSEC + 1, MEM);
	expect(&b, SNAP_E_MALFORMED, "the regs section appears twice");
	free(b.p);
	memcpy(s, secs, sizeof(secs));
	s[1].len = sizeof(regs) - 8;
	b = write_file(s, NSEC, MEM);
	expect(&b, SNAP_E_MALFORMED, "the regs section is");
	free(b.p);
	memcpy(s, secs, sizeof(secs));
	s[3].type = SNAP_SEC_FPU;
	s[3].len = sizeof(struct kvm_fpu);
	s[NSEC] = secs[3];
	b = write_file(s, NSEC + 1, MEM);
	expect(&b, SNAP_E_MALFORMED, "exactly one of the xsave and fpu");
	free(b.p);
	memcpy(s, secs, sizeof(secs));
	s[4].len = 8 + sizeof(struct kvm_msr_entry);
	b = write_file(s, NSEC, MEM);
	expect(&b, SNAP_E_MALFORMED, "msrs section's count");
	free(b.p);
}

static void trailing_bytes_and_counts(void **state)
{
	struct buf b = good_file();
	uint32_t n = NSEC - 1;

	(void)state;
	sink(&b, "x", 1);
	expect(&b, SNAP_E_MALFORMED, "1 bytes follow the checksum");
	b.len--;
	memcpy(b.p + 32, &n, 4);
	expect(&b, SNAP_E_MALFORMED, "follows instead of the checksum");
	free(b.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(header_flags),
		cmocka_unit_test(truncated_at_each_section),
		cmocka_unit_test(bad_magic),
		cmocka_unit_test(bad_version),
		cmocka_unit_test(bad_checksum),
		cmocka_unit_test(memory_size_mismatch),
		cmocka_unit_test(missing_and_duplicate_sections),
		cmocka_unit_test(trailing_bytes_and_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
