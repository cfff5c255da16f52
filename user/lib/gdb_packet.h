/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * The GDB remote protocol's wire layer (pure: bytes in, bytes out):
 * receiving "$payload#xx" frames one byte at a time, the interrupt byte
 * 0x03 between frames, acks, checksums, the "}" escape of binary data,
 * hex. Nothing here touches a socket, so every malformed input can be
 * fed to it in a unit test.
 */
#ifndef HLKVM_GDB_PACKET_H
#define HLKVM_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The largest payload accepted and sent, advertised to gdb as PacketSize
 * (it bounds g/G, m/M/X and qXfer chunks). A longer incoming frame is
 * dropped whole and reported, never truncated into another command.
 */
#define GDB_PACKET_MAX		4096

#define GDB_INTERRUPT		0x03
#define GDB_ESCAPE		'}'
#define GDB_ESCAPE_XOR		0x20

enum gdb_rx_event {
	GDB_RX_NONE,		/* byte consumed, nothing complete yet */
	GDB_RX_PACKET,		/* rx->buf[0..len) holds a good payload */
	GDB_RX_BAD_CHECKSUM,	/* a whole frame whose checksum is wrong */
	GDB_RX_OVERSIZED,	/* a whole frame longer than GDB_PACKET_MAX */
	GDB_RX_INTERRUPT,	/* 0x03 outside a frame: stop the target */
	GDB_RX_ACK,		/* '+' */
	GDB_RX_NAK,		/* '-': resend the last reply */
};

struct gdb_rx {
	enum { GDB_RX_IDLE, GDB_RX_BODY, GDB_RX_SUM1, GDB_RX_SUM2 } state;
	uint8_t sum;		/* running sum of the payload */
	uint8_t want;		/* the checksum the frame carries */
	bool overflow;
	size_t len;
	/* NUL-terminated for the parser; binary payloads may hold NULs */
	char buf[GDB_PACKET_MAX + 1];
};

void gdb_rx_init(struct gdb_rx *rx);

/*
 * Feed one byte. Bytes outside a frame other than '$', '+', '-' and 0x03
 * are line noise and ignored; a '$' inside a frame starts a new one (the
 * old was lost), as a stub must resynchronise on it.
 */
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c);

/* The protocol's checksum: the payload's bytes summed modulo 256. */
uint8_t gdb_checksum(const void *buf, size_t len);

/*
 * Frame @len payload bytes as "$...#xx" in @out, escaping '$', '#', '}'
 * and '*' (a bare '*' would read as run-length encoding). Returns the
 * frame's length, or 0 if it does not fit in @outsz (nothing is sent
 * truncated). Frames need at most 2 * len + 4 bytes.
 */
size_t gdb_frame(const void *payload, size_t len, char *out, size_t outsz);

/*
 * Undo "}" escapes of binary data (X packets) in place. Returns the
 * decoded length, or -1 for an escape at the very end.
 */
long gdb_unescape(uint8_t *buf, size_t len);

/* Lower-case hex of @len bytes into @out (2 * len chars, no NUL). */
void gdb_hex_encode(const void *buf, size_t len, char *out);

/* Exactly 2 * @len hex digits into @len bytes: 0, or -1 on a non-digit. */
int gdb_hex_decode(const char *hex, size_t len, void *out);

/* Hex digit value, or -1. */
int gdb_hex_digit(char c);

#endif /* HLKVM_GDB_PACKET_H */
