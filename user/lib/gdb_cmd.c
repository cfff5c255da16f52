// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * The GDB remote protocol's commands and replies (see gdb_cmd.h). Every
 * number in a packet is hex; every parser here consumes exactly the
 * packet and refuses trailing bytes, so "m1000,4zz" is malformed rather
 * than a read of 4 bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gdb_cmd.h"
#include "gdb_packet.h"

/*
 * A hex number of at most 16 digits at *p, which is advanced. -1 if
 * there is none or it would overflow 64 bits.
 */
static int parse_hex(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int d, n = 0;

	while ((d = gdb_hex_digit(*s)) >= 0) {
		if (++n > 16)
			return -1;
		v = v << 4 | (uint64_t)d;
		s++;
	}
	if (!n)
		return -1;
	*p = s;
	*out = v;
	return 0;
}

/* "ADDR,LEN" then @end (a char, or '\0' for the end of the packet) */
static int parse_addr_len(const char **p, uint64_t *addr, uint64_t *len,
			  char end)
{
	if (parse_hex(p, addr) || **p != ',')
		return -1;
	(*p)++;
	if (parse_hex(p, len) || **p != end)
		return -1;
	if (end)
		(*p)++;
	return 0;
}

static bool starts(const char *pkt, const char *prefix)
{
	return !strncmp(pkt, prefix, strlen(prefix));
}

static void parse_mem_write(char *pkt, size_t len, bool binary,
			    struct gdb_cmd *cmd)
{
	const char *p = pkt + 1;
	size_t left;
	long n;

	if (parse_addr_len(&p, &cmd->addr, &cmd->len, ':'))
		return;
	if (cmd->len > GDB_PACKET_MAX)
		return;
	left = len - (size_t)(p - pkt);
	cmd->data = (uint8_t *)pkt;
	if (binary) {
		memmove(pkt, p, left);
		n = gdb_unescape((uint8_t *)pkt, left);
		if (n < 0 || (uint64_t)n != cmd->len)
			return;
	} else {
		if (left != 2 * cmd->len ||
		    gdb_hex_decode(p, cmd->len, pkt))
			return;
		n = (long)cmd->len;
	}
	cmd->data_len = (size_t)n;
	cmd->kind = GDB_CMD_WRITE_MEM;
}

static void parse_z(const char *pkt, struct gdb_cmd *cmd, bool insert)
{
	const char *p = pkt + 1;
	uint64_t type;

	if (parse_hex(&p, &type) || type > GDB_BP_ACCESS || *p++ != ',')
		return;
	/* Conditions and commands (";...") follow only if we offered them */
	if (parse_addr_len(&p, &cmd->addr, &cmd->len, '\0'))
		return;
	cmd->type = (unsigned int)type;
	cmd->kind = insert ? GDB_CMD_INSERT : GDB_CMD_REMOVE;
}

/* c [addr] / s [addr] / C sig[;addr] / S sig[;addr] */
static void parse_resume(const char *pkt, struct gdb_cmd *cmd)
{
	const char *p = pkt + 1;
	uint64_t sig;

	cmd->step = *pkt == 's' || *pkt == 'S';
	if (*pkt == 'C' || *pkt == 'S') {
		/* A signal cannot be delivered to a bare guest: it is dropped */
		if (parse_hex(&p, &sig) || sig > 0xff)
			return;
		if (*p == ';')
			p++;
		else if (*p)
			return;
	}
	if (*p) {
		if (parse_hex(&p, &cmd->addr) || *p)
			return;
		cmd->has_addr = true;
	}
	cmd->kind = GDB_CMD_RESUME;
}

/*
 * vCont;ACTION[:TID]... With one thread the first action is the one for
 * it: gdb lists the specific thread's action before the default one.
 */
static void parse_vcont(const char *pkt, struct gdb_cmd *cmd)
{
	const char *p = pkt + strlen("vCont;");
	uint64_t sig;

	switch (*p) {
	case 'c':
	case 's':
		cmd->step = *p == 's';
		p++;
		break;
	case 'C':
	case 'S':
		cmd->step = *p == 'S';
		p++;
		if (parse_hex(&p, &sig) || sig > 0xff)
			return;
		break;
	default:
		return;
	}
	if (*p && *p != ':' && *p != ';')
		return;
	cmd->kind = GDB_CMD_RESUME;
}

static void parse_qxfer(char *pkt, struct gdb_cmd *cmd)
{
	char *annex = pkt + strlen("qXfer:features:read:");
	char *colon = strchr(annex, ':');
	const char *p;

	if (!colon)
		return;
	*colon = '\0';
	p = colon + 1;
	if (parse_addr_len(&p, &cmd->offset, &cmd->len, '\0'))
		return;
	cmd->annex = annex;
	cmd->kind = GDB_CMD_XFER_FEATURES;
}

/* qSupported:f1;f2+;f3-;f4=v: only the two stop reasons matter here */
static void parse_qsupported(const char *pkt, struct gdb_cmd *cmd)
{
	const char *p = pkt + strlen("qSupported");

	cmd->kind = GDB_CMD_SUPPORTED;
	if (*p != ':')
		return;
	while (*p) {
		p++;
		if (starts(p, "swbreak+") && (p[8] == ';' || !p[8]))
			cmd->peer_swbreak = true;
		if (starts(p, "hwbreak+") && (p[8] == ';' || !p[8]))
			cmd->peer_hwbreak = true;
		p = strchrnul(p, ';');
	}
}

static void parse_write_reg(char *pkt, size_t len, struct gdb_cmd *cmd)
{
	const char *p = pkt + 1;
	uint64_t reg;
	size_t hexlen;

	if (parse_hex(&p, &reg) || reg > 0xffff || *p++ != '=')
		return;
	hexlen = len - (size_t)(p - pkt);
	if (!hexlen || hexlen % 2 || gdb_hex_decode(p, hexlen / 2, pkt))
		return;
	cmd->reg = (unsigned int)reg;
	cmd->data = (uint8_t *)pkt;
	cmd->data_len = hexlen / 2;
	cmd->kind = GDB_CMD_WRITE_REG;
}

void gdb_cmd_parse(char *pkt, size_t len, struct gdb_cmd *cmd)
{
	const char *p = pkt + 1;
	uint64_t v;

	memset(cmd, 0, sizeof(*cmd));
	cmd->kind = GDB_CMD_UNSUPPORTED;
	/* A NUL inside a text command is garbage; only X carries binary */
	if (!len || (pkt[0] != 'X' && strlen(pkt) != len))
		return;
	cmd->kind = GDB_CMD_MALFORMED;

	switch (pkt[0]) {
	case '?':
		cmd->kind = len == 1 ? GDB_CMD_HALT_REASON : GDB_CMD_MALFORMED;
		return;
	case 'g':
		cmd->kind = len == 1 ? GDB_CMD_READ_REGS : GDB_CMD_MALFORMED;
		return;
	case 'G':
		if (len < 3 || len % 2 == 0)
			return;
		cmd->data = (uint8_t *)pkt + 1;
		cmd->data_len = len - 1;
		cmd->kind = GDB_CMD_WRITE_REGS;
		return;
	case 'p':
		if (parse_hex(&p, &v) || *p || v > 0xffff)
			return;
		cmd->reg = (unsigned int)v;
		cmd->kind = GDB_CMD_READ_REG;
		return;
	case 'P':
		parse_write_reg(pkt, len, cmd);
		return;
	case 'm':
		if (!parse_addr_len(&p, &cmd->addr, &cmd->len, '\0'))
			cmd->kind = GDB_CMD_READ_MEM;
		return;
	case 'M':
	case 'X':
		parse_mem_write(pkt, len, pkt[0] == 'X', cmd);
		return;
	case 'c':
	case 'C':
	case 's':
	case 'S':
		parse_resume(pkt, cmd);
		return;
	case 'Z':
	case 'z':
		parse_z(pkt, cmd, pkt[0] == 'Z');
		return;
	case 'D':
		/* "D" or, from a multiprocess gdb, "D;pid" */
		cmd->kind = len == 1 || pkt[1] == ';' ? GDB_CMD_DETACH :
			    GDB_CMD_MALFORMED;
		return;
	case 'k':
		cmd->kind = GDB_CMD_KILL;
		return;
	case 'H':
		cmd->kind = len >= 3 ? GDB_CMD_SET_THREAD : GDB_CMD_MALFORMED;
		return;
	case 'T':
		cmd->kind = len >= 2 ? GDB_CMD_THREAD_ALIVE : GDB_CMD_MALFORMED;
		return;
	}
	if (!strcmp(pkt, "vCont?"))
		cmd->kind = GDB_CMD_VCONT_QUERY;
	else if (starts(pkt, "vCont;"))
		parse_vcont(pkt, cmd);
	else if (starts(pkt, "vKill"))
		cmd->kind = GDB_CMD_KILL;
	else if (starts(pkt, "qSupported") &&
		 (pkt[10] == ':' || !pkt[10]))
		parse_qsupported(pkt, cmd);
	else if (starts(pkt, "qXfer:features:read:"))
		parse_qxfer(pkt, cmd);
	else if (!strcmp(pkt, "QStartNoAckMode"))
		cmd->kind = GDB_CMD_NOACK;
	else if (!strcmp(pkt, "qC"))
		cmd->kind = GDB_CMD_CURRENT_THREAD;
	else if (!strcmp(pkt, "qfThreadInfo"))
		cmd->kind = GDB_CMD_THREAD_FIRST;
	else if (!strcmp(pkt, "qsThreadInfo"))
		cmd->kind = GDB_CMD_THREAD_NEXT;
	else if (starts(pkt, "qAttached"))
		cmd->kind = GDB_CMD_ATTACHED;
	else
		cmd->kind = GDB_CMD_UNSUPPORTED;
}

static size_t fit(int n, size_t outsz)
{
	return n < 0 || (size_t)n >= outsz ? 0 : (size_t)n;
}

size_t gdb_reply_supported(char *out, size_t outsz)
{
	return fit(snprintf(out, outsz,
			    "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+",
			    GDB_PACKET_MAX), outsz);
}

size_t gdb_reply_stop(char *out, size_t outsz, int signal, const char *kind,
		      bool has_addr, uint64_t addr)
{
	if (!kind)
		return fit(snprintf(out, outsz, "T%02xthread:1;",
				    signal & 0xff), outsz);
	if (has_addr)
		return fit(snprintf(out, outsz, "T%02xthread:1;%s:%" PRIx64 ";",
				    signal & 0xff, kind, addr), outsz);
	return fit(snprintf(out, outsz, "T%02xthread:1;%s:;", signal & 0xff,
			    kind), outsz);
}

size_t gdb_reply_error(char *out, size_t outsz, int err)
{
	return fit(snprintf(out, outsz, "E%02x", err & 0xff), outsz);
}

size_t gdb_reply_exit(char *out, size_t outsz, unsigned int code)
{
	return fit(snprintf(out, outsz, "W%02x", code & 0xff), outsz);
}

size_t gdb_reply_xfer(char *out, size_t outsz, const char *doc,
		      size_t doclen, uint64_t offset, uint64_t len)
{
	size_t n;

	if (outsz < 2)
		return 0;
	if (offset >= doclen) {
		out[0] = 'l';
		return 1;
	}
	n = doclen - (size_t)offset;
	if (len < n)
		n = (size_t)len;
	if (n > outsz - 1)
		n = outsz - 1;
	out[0] = offset + n < doclen ? 'm' : 'l';
	memcpy(out + 1, doc + offset, n);
	return n + 1;
}
