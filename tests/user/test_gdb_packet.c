// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for gdb_packet.c: the GDB remote protocol's framing,
 * checksums, escapes and hex, fed byte by byte as a socket would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gdb_packet.h"

/* Feed @s; return the last event that was not NONE (or NONE) */
static enum gdb_rx_event feed(struct gdb_rx *rx, const char *s, size_t len,
			      unsigned int *events)
{
	enum gdb_rx_event last = GDB_RX_NONE, ev;
	size_t i;

	*events = 0;
	for (i = 0; i < len; i++) {
		ev = gdb_rx_byte(rx, (uint8_t)s[i]);
		if (ev != GDB_RX_NONE) {
			last = ev;
			(*events)++;
		}
	}
	return last;
}

#define FEED(rx, s, n) feed(rx, s, strlen(s), n)

static void rx_good_packet_is_delivered(void **state)
{
	struct gdb_rx rx;
	unsigned int n;

	(void)state;
	gdb_rx_init(&rx);
	/* gdb's own: "$g#67" */
	assert_int_equal(FEED(&rx, "$g#67", &n), GDB_RX_PACKET);
	assert_int_equal(n, 1);
	assert_int_equal(rx.len, 1);
	assert_string_equal(rx.buf, "g");
	assert_int_equal(FEED(&rx, "$qSupported:swbreak+#8b", &n),
			 GDB_RX_PACKET);
	assert_string_equal(rx.buf, "qSupported:swbreak+");
}

static void rx_checksum_digits_any_case(void **state)
{
	struct gdb_rx rx;
	unsigned int n;

	(void)state;
	gdb_rx_init(&rx);
	assert_int_equal(FEED(&rx, "$qC#B4", &n), GDB_RX_PACKET);
	assert_int_equal(FEED(&rx, "$qC#b4", &n), GDB_RX_PACKET);
}

static void rx_bad_checksum_is_reported(void **state)
{
	struct gdb_rx rx;
	unsigned int n;

	(void)state;
	gdb_rx_init(&rx);
	assert_int_equal(FEED(&rx, "$g#68", &n), GDB_RX_BAD_CHECKSUM);
	assert_int_equal(n, 1);
	/* Non-hex checksum digits are a bad frame, not a hang */
	assert_int_equal(FEED(&rx, "$g#zz", &n), GDB_RX_BAD_CHECKSUM);
	assert_int_equal(n, 1);
	assert_int_equal(FEED(&rx, "$g#6z", &n), GDB_RX_BAD_CHECKSUM);
	/* and the receiver is ready for the next good one */
	assert_int_equal(FEED(&rx, "$g#67", &n), GDB_RX_PACKET);
}

static void rx_noise_acks_and_interrupt_between_frames(void **state)
{
	struct gdb_rx rx;
	unsigned int n;

	(void)state;
	gdb_rx_init(&rx);
	assert_int_equal(FEED(&rx, "garbage\r\n", &n), GDB_RX_NONE);
	assert_int_equal(n, 0);
	assert_int_equal(gdb_rx_byte(&rx, '+'), GDB_RX_ACK);
	assert_int_equal(gdb_rx_byte(&rx, '-'), GDB_RX_NAK);
	assert_int_equal(gdb_rx_byte(&rx, GDB_INTERRUPT), GDB_RX_INTERRUPT);
	/* Inside a frame 0x03 is payload (binary X data may hold it) */
	assert_int_equal(feed(&rx, "$\x03#03", 5, &n), GDB_RX_PACKET);
	assert_int_equal(n, 1);
	assert_int_equal(rx.buf[0], 3);
}

static void rx_dollar_inside_frame_restarts(void **state)
{
	struct gdb_rx rx;
	unsigned int n;

	(void)state;
	gdb_rx_init(&rx);
	assert_int_equal(FEED(&rx, "$m100$g#67", &n), GDB_RX_PACKET);
	assert_string_equal(rx.buf, "g");
}

static void rx_oversized_frame_is_dropped_whole(void **state)
{
	struct gdb_rx rx;
	size_t len = GDB_PACKET_MAX + 100, i;
	char *big = malloc(len + 4);
	uint8_t sum = 0;
	unsigned int n;

	(void)state;
	assert_non_null(big);
	big[0] = '$';
	for (i = 1; i <= len; i++) {
		big[i] = 'A';
		sum += 'A';
	}
	big[len + 1] = '#';
	gdb_hex_encode(&sum, 1, big + len + 2);
	gdb_rx_init(&rx);
	assert_int_equal(feed(&rx, big, len + 4, &n), GDB_RX_OVERSIZED);
	assert_int_equal(n, 1);
	assert_true(rx.len <= GDB_PACKET_MAX);
	/* exactly the maximum still fits */
	big[GDB_PACKET_MAX + 1] = '#';
	sum = (uint8_t)('A' * GDB_PACKET_MAX);
	gdb_hex_encode(&sum, 1, big + GDB_PACKET_MAX + 2);
	assert_int_equal(feed(&rx, big, GDB_PACKET_MAX + 4, &n),
			 GDB_RX_PACKET);
	assert_int_equal(rx.len, GDB_PACKET_MAX);
	free(big);
}

static void frame_escapes_and_sums(void **state)
{
	char out[64];
	size_t n;

	(void)state;
	n = gdb_frame("OK", 2, out, sizeof(out));
	assert_int_equal(n, 6);
	assert_memory_equal(out, "$OK#9a", 6);
	/* '$' '#' '}' '*' go out as '}' then the byte ^ 0x20 */
	n = gdb_frame("a$#}*", 5, out, sizeof(out));
	assert_memory_equal(out, "$a}\x04}\x03}]}\x0a#", n - 2);
	assert_int_equal(n, 1 + 9 + 3);
	{
		uint8_t sum = gdb_checksum(out + 1, n - 4);
		char hex[2];

		gdb_hex_encode(&sum, 1, hex);
		assert_memory_equal(out + n - 2, hex, 2);
	}
}

static void frame_round_trips_through_rx(void **state)
{
	uint8_t payload[256];
	char out[2 * sizeof(payload) + 4];
	struct gdb_rx rx;
	unsigned int n;
	size_t len, i;
	long dec;

	(void)state;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	len = gdb_frame(payload, sizeof(payload), out, sizeof(out));
	assert_true(len > 0);
	gdb_rx_init(&rx);
	assert_int_equal(feed(&rx, out, len, &n), GDB_RX_PACKET);
	dec = gdb_unescape((uint8_t *)rx.buf, rx.len);
	assert_int_equal(dec, sizeof(payload));
	assert_memory_equal(rx.buf, payload, sizeof(payload));
}

static void frame_that_does_not_fit_is_refused(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(gdb_frame("OKOK", 4, out, 7), 0);
	assert_int_equal(gdb_frame("OKOK", 4, out, 8), 8);
	assert_int_equal(gdb_frame("$", 1, out, 5), 0);
}

static void unescape_trailing_escape_is_error(void **state)
{
	uint8_t b[] = { 'a', '}' };

	(void)state;
	assert_int_equal(gdb_unescape(b, sizeof(b)), -1);
}

static void hex_round_trip_and_bad_digits(void **state)
{
	const uint8_t in[] = { 0x00, 0x7f, 0xa5, 0xff };
	uint8_t back[4];
	char hex[8];

	(void)state;
	gdb_hex_encode(in, sizeof(in), hex);
	assert_memory_equal(hex, "007fa5ff", 8);
	assert_int_equal(gdb_hex_decode("007FA5ff", 4, back), 0);
	assert_memory_equal(back, in, 4);
	assert_int_equal(gdb_hex_decode("0g", 1, back), -1);
	assert_int_equal(gdb_hex_decode("g0", 1, back), -1);
	assert_int_equal(gdb_hex_digit('x'), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rx_good_packet_is_delivered),
		cmocka_unit_test(rx_checksum_digits_any_case),
		cmocka_unit_test(rx_bad_checksum_is_reported),
		cmocka_unit_test(rx_noise_acks_and_interrupt_between_frames),
		cmocka_unit_test(rx_dollar_inside_frame_restarts),
		cmocka_unit_test(rx_oversized_frame_is_dropped_whole),
		cmocka_unit_test(frame_escapes_and_sums),
		cmocka_unit_test(frame_round_trips_through_rx),
		cmocka_unit_test(frame_that_does_not_fit_is_refused),
		cmocka_unit_test(unescape_trailing_escape_is_error),
		cmocka_unit_test(hex_round_trip_and_bad_digits),
	};

	return cmocka_run_group_tests_name("gdb_packet", tests, NULL, NULL);
}
