// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for gdb_cmd.c: every command hlkvm-run's stub serves
 * parsed from the packets gdb sends (as seen with "set debug remote 1"),
 * the malformed variants refused, and the replies formatted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gdb_cmd.h"
#include "gdb_packet.h"

static char pkt[GDB_PACKET_MAX + 1];

/* Parse a copy of @s (the parser writes into its buffer) */
static void parse_n(const char *s, size_t len, struct gdb_cmd *c)
{
	memcpy(pkt, s, len);
	pkt[len] = '\0';
	gdb_cmd_parse(pkt, len, c);
}

static void parse(const char *s, struct gdb_cmd *c)
{
	parse_n(s, strlen(s), c);
}

static enum gdb_cmd_kind kind(const char *s)
{
	struct gdb_cmd c;

	parse(s, &c);
	return c.kind;
}

static void simple_commands(void **state)
{
	(void)state;
	assert_int_equal(kind("?"), GDB_CMD_HALT_REASON);
	assert_int_equal(kind("g"), GDB_CMD_READ_REGS);
	assert_int_equal(kind("D"), GDB_CMD_DETACH);
	assert_int_equal(kind("D;1"), GDB_CMD_DETACH);
	assert_int_equal(kind("k"), GDB_CMD_KILL);
	assert_int_equal(kind("vKill;1"), GDB_CMD_KILL);
	assert_int_equal(kind("vCont?"), GDB_CMD_VCONT_QUERY);
	assert_int_equal(kind("QStartNoAckMode"), GDB_CMD_NOACK);
	assert_int_equal(kind("Hg0"), GDB_CMD_SET_THREAD);
	assert_int_equal(kind("Hc-1"), GDB_CMD_SET_THREAD);
	assert_int_equal(kind("T1"), GDB_CMD_THREAD_ALIVE);
	assert_int_equal(kind("qC"), GDB_CMD_CURRENT_THREAD);
	assert_int_equal(kind("qfThreadInfo"), GDB_CMD_THREAD_FIRST);
	assert_int_equal(kind("qsThreadInfo"), GDB_CMD_THREAD_NEXT);
	assert_int_equal(kind("qAttached:1"), GDB_CMD_ATTACHED);
}

static void unknown_and_empty_are_unsupported(void **state)
{
	struct gdb_cmd c;

	(void)state;
	assert_int_equal(kind("vMustReplyEmpty"), GDB_CMD_UNSUPPORTED);
	assert_int_equal(kind("qTStatus"), GDB_CMD_UNSUPPORTED);
	assert_int_equal(kind("!"), GDB_CMD_UNSUPPORTED);
	assert_int_equal(kind("qSupportedX"), GDB_CMD_UNSUPPORTED);
	parse_n("", 0, &c);
	assert_int_equal(c.kind, GDB_CMD_UNSUPPORTED);
	/* A NUL inside a text command is not a shorter command */
	parse_n("g\0x", 3, &c);
	assert_int_equal(c.kind, GDB_CMD_UNSUPPORTED);
}

static void trailing_bytes_are_malformed(void **state)
{
	(void)state;
	assert_int_equal(kind("?x"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("gg"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("m1000,4zz"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("p10x"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("Dx"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("c10z"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("H"), GDB_CMD_MALFORMED);
}

static void read_mem(void **state)
{
	struct gdb_cmd c;

	(void)state;
	parse("mffffffff80001000,40", &c);
	assert_int_equal(c.kind, GDB_CMD_READ_MEM);
	assert_int_equal(c.addr, 0xffffffff80001000ULL);
	assert_int_equal(c.len, 0x40);
	assert_int_equal(kind("m1000"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("m,4"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("m1000,"), GDB_CMD_MALFORMED);
	/* 17 digits overflow 64 bits: refused, not wrapped */
	assert_int_equal(kind("m10000000000000000,1"), GDB_CMD_MALFORMED);
}

static void write_mem_hex(void **state)
{
	struct gdb_cmd c;

	(void)state;
	parse("M100000,3:a1b2c3", &c);
	assert_int_equal(c.kind, GDB_CMD_WRITE_MEM);
	assert_int_equal(c.addr, 0x100000);
	assert_int_equal(c.data_len, 3);
	assert_memory_equal(c.data, "\xa1\xb2\xc3", 3);
	/* length and data must agree */
	assert_int_equal(kind("M100000,3:a1b2"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("M100000,1:a1b2"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("M100000,1:zz"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("M100000,1a1"), GDB_CMD_MALFORMED);
	/* a length beyond any packet is refused before 2 * len overflows */
	assert_int_equal(kind("M0,8000000000000000:"), GDB_CMD_MALFORMED);
}

static void write_mem_binary(void **state)
{
	/* X addr,len:data with '}' escapes: 0x23 '#' is "}\x03" */
	static const char x[] = "X2000,4:a}\x03\0b";
	struct gdb_cmd c;

	(void)state;
	parse_n(x, sizeof(x) - 1, &c);
	assert_int_equal(c.kind, GDB_CMD_WRITE_MEM);
	assert_int_equal(c.addr, 0x2000);
	assert_int_equal(c.data_len, 4);
	assert_memory_equal(c.data, "a#\0b", 4);
	/* gdb's probe: no data */
	parse("X2000,0:", &c);
	assert_int_equal(c.kind, GDB_CMD_WRITE_MEM);
	assert_int_equal(c.data_len, 0);
	assert_int_equal(kind("X2000,2:a"), GDB_CMD_MALFORMED);
	parse_n("X2000,1:}", 9, &c);
	assert_int_equal(c.kind, GDB_CMD_MALFORMED);
}

static void registers(void **state)
{
	struct gdb_cmd c;

	(void)state;
	parse("p10", &c);
	assert_int_equal(c.kind, GDB_CMD_READ_REG);
	assert_int_equal(c.reg, 16);
	parse("P0=3412000000000000", &c);
	assert_int_equal(c.kind, GDB_CMD_WRITE_REG);
	assert_int_equal(c.reg, 0);
	assert_int_equal(c.data_len, 8);
	assert_memory_equal(c.data, "\x34\x12\0\0\0\0\0\0", 8);
	assert_int_equal(kind("P0="), GDB_CMD_MALFORMED);
	assert_int_equal(kind("P0=123"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("P=12"), GDB_CMD_MALFORMED);
	parse("G0011", &c);
	assert_int_equal(c.kind, GDB_CMD_WRITE_REGS);
	assert_int_equal(c.data_len, 4);
	assert_int_equal(kind("G001"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("G"), GDB_CMD_MALFORMED);
}

static void resume_forms(void **state)
{
	struct gdb_cmd c;

	(void)state;
	parse("c", &c);
	assert_int_equal(c.kind, GDB_CMD_RESUME);
	assert_false(c.step);
	assert_false(c.has_addr);
	parse("s100004", &c);
	assert_int_equal(c.kind, GDB_CMD_RESUME);
	assert_true(c.step);
	assert_true(c.has_addr);
	assert_int_equal(c.addr, 0x100004);
	parse("C05", &c);
	assert_int_equal(c.kind, GDB_CMD_RESUME);
	assert_false(c.step);
	parse("S02;1000", &c);
	assert_true(c.step);
	assert_int_equal(c.addr, 0x1000);
	assert_int_equal(kind("C"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("C100"), GDB_CMD_MALFORMED);
}

static void vcont_first_action_wins(void **state)
{
	struct gdb_cmd c;

	(void)state;
	parse("vCont;s:1;c", &c);
	assert_int_equal(c.kind, GDB_CMD_RESUME);
	assert_true(c.step);
	parse("vCont;c", &c);
	assert_int_equal(c.kind, GDB_CMD_RESUME);
	assert_false(c.step);
	parse("vCont;C02:1", &c);
	assert_int_equal(c.kind, GDB_CMD_RESUME);
	assert_false(c.step);
	parse("vCont;S05", &c);
	assert_true(c.step);
	/* t (stop) and r (range step) are not offered: refused */
	assert_int_equal(kind("vCont;t"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("vCont;r1000,2000"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("vCont;"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("vCont;cx"), GDB_CMD_MALFORMED);
}

static void breakpoints(void **state)
{
	struct gdb_cmd c;

	(void)state;
	parse("Z0,100470,1", &c);
	assert_int_equal(c.kind, GDB_CMD_INSERT);
	assert_int_equal(c.type, GDB_BP_SW);
	assert_int_equal(c.addr, 0x100470);
	assert_int_equal(c.len, 1);
	parse("z4,113000,8", &c);
	assert_int_equal(c.kind, GDB_CMD_REMOVE);
	assert_int_equal(c.type, GDB_BP_ACCESS);
	assert_int_equal(c.len, 8);
	assert_int_equal(kind("Z5,1000,1"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("Z1,1000"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("Z1,1000,1;X1,0"), GDB_CMD_MALFORMED);
	assert_int_equal(kind("Z"), GDB_CMD_MALFORMED);
}

static void qsupported_reads_peer_features(void **state)
{
	struct gdb_cmd c;

	(void)state;
	parse("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+", &c);
	assert_int_equal(c.kind, GDB_CMD_SUPPORTED);
	assert_true(c.peer_swbreak);
	assert_true(c.peer_hwbreak);
	parse("qSupported:swbreak-;hwbreak+x", &c);
	assert_false(c.peer_swbreak);
	assert_false(c.peer_hwbreak);
	parse("qSupported", &c);
	assert_int_equal(c.kind, GDB_CMD_SUPPORTED);
	assert_false(c.peer_swbreak);
}

static void qxfer_features(void **state)
{
	struct gdb_cmd c;

	(void)state;
	parse("qXfer:features:read:target.xml:0,ffb", &c);
	assert_int_equal(c.kind, GDB_CMD_XFER_FEATURES);
	assert_string_equal(c.annex, "target.xml");
	assert_int_equal(c.offset, 0);
	assert_int_equal(c.len, 0xffb);
	assert_int_equal(kind("qXfer:features:read:target.xml"),
			 GDB_CMD_MALFORMED);
	assert_int_equal(kind("qXfer:features:read:target.xml:0"),
			 GDB_CMD_MALFORMED);
	assert_int_equal(kind("qXfer:memory-map:read::0,100"),
			 GDB_CMD_UNSUPPORTED);
}

static void replies(void **state)
{
	char out[128];
	size_t n;

	(void)state;
	n = gdb_reply_stop(out, sizeof(out), 5, NULL, false, 0);
	assert_int_equal(n, strlen("T05thread:1;"));
	assert_string_equal(out, "T05thread:1;");
	gdb_reply_stop(out, sizeof(out), 5, "swbreak", false, 0);
	assert_string_equal(out, "T05thread:1;swbreak:;");
	gdb_reply_stop(out, sizeof(out), 5, "awatch", true, 0x113008);
	assert_string_equal(out, "T05thread:1;awatch:113008;");
	gdb_reply_stop(out, sizeof(out), 2, NULL, false, 0);
	assert_string_equal(out, "T02thread:1;");
	gdb_reply_error(out, sizeof(out), 28);
	assert_string_equal(out, "E1c");
	gdb_reply_exit(out, sizeof(out), 0x101);
	assert_string_equal(out, "W01");
	n = gdb_reply_supported(out, sizeof(out));
	assert_true(n > 0);
	assert_non_null(strstr(out, "PacketSize=1000;"));
	assert_non_null(strstr(out, "qXfer:features:read+"));
	assert_non_null(strstr(out, "QStartNoAckMode+"));
	assert_int_equal(gdb_reply_stop(out, 8, 5, "watch", true, 1), 0);
}

static void xfer_chunks(void **state)
{
	static const char doc[] = "0123456789";
	char out[8];
	size_t n;

	(void)state;
	n = gdb_reply_xfer(out, sizeof(out), doc, 10, 0, 4);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "m0123", 5);
	n = gdb_reply_xfer(out, sizeof(out), doc, 10, 2, 100);
	/* capped to the buffer: 7 bytes after the 'm', more to come */
	assert_int_equal(n, 8);
	assert_memory_equal(out, "m2345678", 8);
	n = gdb_reply_xfer(out, sizeof(out), doc, 10, 4, 100);
	assert_int_equal(n, 7);
	assert_memory_equal(out, "l456789", 7);
	n = gdb_reply_xfer(out, sizeof(out), doc, 10, 10, 4);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 'l');
	n = gdb_reply_xfer(out, sizeof(out), doc, 10, 0xffffffffffULL, 4);
	assert_int_equal(n, 1);
}

static uint32_t rnd(void)
{
	static uint64_t x = 0x2545f4914f6cdd1dULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (uint32_t)x;
}

/*
 * 200,000 random payloads (under ASan/UBSan): command letters followed
 * by digits, separators and bytes of any value. Whatever comes back must
 * be a known kind, and every pointer and length must stay inside the
 * packet. A fixed seed: a failure reproduces.
 */
static void parse_random_packets_stays_in_bounds(void **state)
{
	static const char first[] = "?gGpPmMXcCsSZzDkHTqQv";
	static const char alphabet[] = "0123456789abcdefABCDEF,:;=-}#$*xXqSupportedCont?Kill";
	struct gdb_cmd c;
	unsigned int i, j, len;

	(void)state;
	for (i = 0; i < 200000; i++) {
		len = 1 + rnd() % 64;
		pkt[0] = first[rnd() % (sizeof(first) - 1)];
		for (j = 1; j < len; j++)
			pkt[j] = rnd() % 4 ? alphabet[rnd() % (sizeof(alphabet) - 1)] :
					     (char)rnd();
		pkt[len] = '\0';
		gdb_cmd_parse(pkt, len, &c);
		assert_true(c.kind <= GDB_CMD_ATTACHED);
		if (c.data) {
			assert_true(c.data >= (uint8_t *)pkt);
			assert_true(c.data + c.data_len <= (uint8_t *)pkt + len);
		}
		if (c.annex) {
			assert_true(c.annex > pkt && c.annex < pkt + len);
			assert_true(strlen(c.annex) < len);
		}
		if (c.kind == GDB_CMD_WRITE_MEM)
			assert_int_equal(c.data_len, c.len);
		if (c.kind == GDB_CMD_INSERT || c.kind == GDB_CMD_REMOVE)
			assert_true(c.type <= GDB_BP_ACCESS);
	}
}

/* Random bytes into the receiver: bounded, and it still syncs after */
static void rx_random_bytes_stay_bounded(void **state)
{
	struct gdb_rx rx;
	unsigned int i;
	enum gdb_rx_event ev = GDB_RX_NONE;
	const char *good = "$g#67";

	(void)state;
	gdb_rx_init(&rx);
	for (i = 0; i < 1000000; i++) {
		uint8_t b = (uint8_t)rnd();

		ev = gdb_rx_byte(&rx, b);
		assert_true(rx.len <= GDB_PACKET_MAX);
		if (ev == GDB_RX_PACKET)
			assert_int_equal(rx.buf[rx.len], '\0');
	}
	for (i = 0; good[i]; i++)
		ev = gdb_rx_byte(&rx, (uint8_t)good[i]);
	assert_int_equal(ev, GDB_RX_PACKET);
	assert_string_equal(rx.buf, "g");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simple_commands),
		cmocka_unit_test(unknown_and_empty_are_unsupported),
		cmocka_unit_test(trailing_bytes_are_malformed),
		cmocka_unit_test(read_mem),
		cmocka_unit_test(write_mem_hex),
		cmocka_unit_test(write_mem_binary),
		cmocka_unit_test(registers),
		cmocka_unit_test(resume_forms),
		cmocka_unit_test(vcont_first_action_wins),
		cmocka_unit_test(breakpoints),
		cmocka_unit_test(qsupported_reads_peer_features),
		cmocka_unit_test(qxfer_features),
		cmocka_unit_test(replies),
		cmocka_unit_test(xfer_chunks),
		cmocka_unit_test(parse_random_packets_stays_in_bounds),
		cmocka_unit_test(rx_random_bytes_stay_bounded),
	};

	return cmocka_run_group_tests_name("gdb_cmd", tests, NULL, NULL);
}
