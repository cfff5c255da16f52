/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * The GDB remote protocol's commands and replies (pure): a received
 * payload parsed into a struct gdb_cmd, and the replies a stub sends
 * formatted into buffers. What the commands do to a vCPU is the stub's
 * (user/hlkvm-run/gdb_stub.c).
 */
#ifndef HLKVM_GDB_CMD_H
#define HLKVM_GDB_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gdb_cmd_kind {
	GDB_CMD_UNSUPPORTED,	/* reply empty: gdb then does without */
	GDB_CMD_MALFORMED,	/* a known command with bad arguments */
	GDB_CMD_HALT_REASON,	/* ? */
	GDB_CMD_READ_REGS,	/* g */
	GDB_CMD_WRITE_REGS,	/* G XX...: data = the hex text */
	GDB_CMD_READ_REG,	/* p n */
	GDB_CMD_WRITE_REG,	/* P n=XX...: data = the bytes */
	GDB_CMD_READ_MEM,	/* m addr,len */
	GDB_CMD_WRITE_MEM,	/* M addr,len:XX... and X addr,len:bin */
	GDB_CMD_RESUME,		/* c, C, s, S, vCont;...: step, has_addr */
	GDB_CMD_VCONT_QUERY,	/* vCont? */
	GDB_CMD_INSERT,		/* Z type,addr,kind */
	GDB_CMD_REMOVE,		/* z type,addr,kind */
	GDB_CMD_DETACH,		/* D */
	GDB_CMD_KILL,		/* k, vKill */
	GDB_CMD_SUPPORTED,	/* qSupported[:features] */
	GDB_CMD_XFER_FEATURES,	/* qXfer:features:read:annex:off,len */
	GDB_CMD_NOACK,		/* QStartNoAckMode */
	GDB_CMD_SET_THREAD,	/* H op tid: one thread, always OK */
	GDB_CMD_THREAD_ALIVE,	/* T tid */
	GDB_CMD_CURRENT_THREAD,	/* qC */
	GDB_CMD_THREAD_FIRST,	/* qfThreadInfo */
	GDB_CMD_THREAD_NEXT,	/* qsThreadInfo */
	GDB_CMD_ATTACHED,	/* qAttached: 1, a running program was joined */
};

/* Z/z types (gdb manual, "Packets"): the DR slots serve 1-4 */
enum gdb_bp_type {
	GDB_BP_SW = 0,
	GDB_BP_HW = 1,
	GDB_BP_WRITE = 2,
	GDB_BP_READ = 3,
	GDB_BP_ACCESS = 4,
};

struct gdb_cmd {
	enum gdb_cmd_kind kind;
	uint64_t addr;
	uint64_t len;		/* m/M/X length, Z kind, qXfer length */
	uint64_t offset;	/* qXfer */
	unsigned int type;	/* enum gdb_bp_type */
	unsigned int reg;	/* p/P register number */
	bool step;		/* RESUME: a single-step, not a continue */
	bool has_addr;		/* RESUME: resume at addr */
	const char *annex;	/* qXfer: NUL-terminated, inside the packet */
	uint8_t *data;		/* decoded bytes inside the packet buffer */
	size_t data_len;
	bool peer_swbreak;	/* qSupported: gdb understands swbreak */
	bool peer_hwbreak;
};

/*
 * Parse @len bytes at @pkt (NUL-terminated at pkt[len], as gdb_rx leaves
 * it). M and X data and the P value are decoded in place, so @pkt is
 * modified and cmd->data points into it. Unknown commands are
 * UNSUPPORTED, known ones with bad or out-of-range arguments MALFORMED;
 * nothing else can come back. Lengths are checked against @len: a
 * length field never makes anyone read past the packet.
 */
void gdb_cmd_parse(char *pkt, size_t len, struct gdb_cmd *cmd);

/* --- replies: each returns the payload length, 0 if it did not fit --- */

/* What this stub supports, for qSupported, with PacketSize in hex. */
size_t gdb_reply_supported(char *out, size_t outsz);

/*
 * A stop reply: "T" signal, "thread:1;" and, when @kind is given, the
 * reason: "swbreak:;" / "hwbreak:;" (kind without address) or
 * "watch:ADDR;" / "rwatch:ADDR;" / "awatch:ADDR;" (with @has_addr).
 * gdb only understands swbreak/hwbreak if it said so in qSupported: the
 * caller passes @kind NULL otherwise.
 */
size_t gdb_reply_stop(char *out, size_t outsz, int signal, const char *kind,
		      bool has_addr, uint64_t addr);

/* "Exx" for a positive errno (gdb only shows the number). */
size_t gdb_reply_error(char *out, size_t outsz, int err);

/* "Wxx": the process exited with status @code (low 8 bits). */
size_t gdb_reply_exit(char *out, size_t outsz, unsigned int code);

/*
 * One qXfer chunk of @doc: "m" + bytes when more follows, "l" + bytes
 * for the last (possibly empty) one; @len is capped to fit @outsz.
 * The bytes are raw: gdb_frame() escapes them.
 */
size_t gdb_reply_xfer(char *out, size_t outsz, const char *doc,
		      size_t doclen, uint64_t offset, uint64_t len);

#endif /* HLKVM_GDB_CMD_H */
