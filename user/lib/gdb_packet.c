// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * The GDB remote protocol's wire layer (see gdb_packet.h); the protocol
 * reference is gdb's manual, "Remote Protocol" > "Overview".
 */
#include <string.h>

#include "gdb_packet.h"

void gdb_rx_init(struct gdb_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->state = GDB_RX_IDLE;
}

static void start_frame(struct gdb_rx *rx)
{
	rx->state = GDB_RX_BODY;
	rx->sum = 0;
	rx->len = 0;
	rx->overflow = false;
}

enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c)
{
	int d;

	switch (rx->state) {
	case GDB_RX_IDLE:
		if (c == '$')
			start_frame(rx);
		else if (c == GDB_INTERRUPT)
			return GDB_RX_INTERRUPT;
		else if (c == '+')
			return GDB_RX_ACK;
		else if (c == '-')
			return GDB_RX_NAK;
		return GDB_RX_NONE;
	case GDB_RX_BODY:
		if (c == '$') {
			start_frame(rx);
		} else if (c == '#') {
			rx->state = GDB_RX_SUM1;
		} else {
			rx->sum += c;
			if (rx->len < GDB_PACKET_MAX)
				rx->buf[rx->len++] = (char)c;
			else
				rx->overflow = true;
		}
		return GDB_RX_NONE;
	case GDB_RX_SUM1:
		d = gdb_hex_digit((char)c);
		/* Not a checksum: the frame is garbage; count it as a bad one */
		rx->want = d < 0 ? (uint8_t)~rx->sum : (uint8_t)(d << 4);
		rx->state = d < 0 ? GDB_RX_IDLE : GDB_RX_SUM2;
		return d < 0 ? GDB_RX_BAD_CHECKSUM : GDB_RX_NONE;
	case GDB_RX_SUM2:
		rx->state = GDB_RX_IDLE;
		d = gdb_hex_digit((char)c);
		if (d < 0 || (uint8_t)(rx->want | d) != rx->sum)
			return GDB_RX_BAD_CHECKSUM;
		if (rx->overflow)
			return GDB_RX_OVERSIZED;
		rx->buf[rx->len] = '\0';
		return GDB_RX_PACKET;
	}
	return GDB_RX_NONE;
}

uint8_t gdb_checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

static bool needs_escape(uint8_t c)
{
	return c == '$' || c == '#' || c == GDB_ESCAPE || c == '*';
}

size_t gdb_frame(const void *payload, size_t len, char *out, size_t outsz)
{
	const uint8_t *p = payload;
	size_t i, n = 0;
	uint8_t sum = 0;

	if (outsz < 4)
		return 0;
	out[n++] = '$';
	for (i = 0; i < len; i++) {
		uint8_t c = p[i];

		/* Room for this byte (escaped or not) and the "#xx" trailer */
		if (n + (needs_escape(c) ? 2 : 1) + 3 > outsz)
			return 0;
		if (needs_escape(c)) {
			out[n++] = GDB_ESCAPE;
			sum += GDB_ESCAPE;
			c ^= GDB_ESCAPE_XOR;
		}
		out[n++] = (char)c;
		sum += c;
	}
	out[n++] = '#';
	gdb_hex_encode(&sum, 1, out + n);
	return n + 2;
}

long gdb_unescape(uint8_t *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (buf[i] == GDB_ESCAPE) {
			if (++i == len)
				return -1;
			buf[n++] = buf[i] ^ GDB_ESCAPE_XOR;
		} else {
			buf[n++] = buf[i];
		}
	}
	return (long)n;
}

void gdb_hex_encode(const void *buf, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = buf;

	while (len--) {
		*out++ = digits[*p >> 4];
		*out++ = digits[*p++ & 0xf];
	}
}

int gdb_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int gdb_hex_decode(const char *hex, size_t len, void *out)
{
	uint8_t *p = out;
	size_t i;

	for (i = 0; i < len; i++) {
		int hi = gdb_hex_digit(hex[2 * i]);
		int lo = hi < 0 ? -1 : gdb_hex_digit(hex[2 * i + 1]);

		if (lo < 0)
			return -1;
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
