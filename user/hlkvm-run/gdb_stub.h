/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hlkvm-run --gdb PORT: a GDB remote stub on 127.0.0.1:PORT (gdb_stub.c).
 * The protocol itself is libhlkvm's pure code (gdb_packet.h, gdb_cmd.h,
 * gdb_amd64.h, page_walk.h); this is the glue to the socket and the vCPU,
 * called from the run loop (run.c) at the points named below.
 */
#ifndef HLKVM_RUN_GDB_STUB_H
#define HLKVM_RUN_GDB_STUB_H

#include <stdbool.h>
#include <stdint.h>

#include "hlkvm-run.h"

#define GDB_OPT_PORT	0x500	/* getopt code, clear of main.c's and debug.c's */

/* --gdb PORT (0: any free port, printed on stderr) */
int gdb_stub_parse_opt(const char *arg);
bool gdb_stub_enabled(void);

/* Once the vCPU is set up: listen, check KVM's guest-debug support */
int gdb_stub_setup(struct vm *vm, uint64_t entry);

/*
 * The run loop's hooks. Each returns 0 to run the guest on, or -1 with
 * ctx->res->end set to end the run (gdb killed it).
 *   start:      before the guest's first instruction: wait for gdb
 *   kicked:     KVM_RUN came back with EINTR (a byte or a connection on
 *               the socket signals the vCPU thread: Ctrl-C, a new client)
 *   debug_exit: KVM_EXIT_DEBUG
 *   end:        the run is over: tell gdb the exit status, close
 */
int gdb_stub_start(struct run_ctx *ctx);
int gdb_stub_kicked(struct run_ctx *ctx);
int gdb_stub_debug_exit(struct run_ctx *ctx);
void gdb_stub_end(struct run_ctx *ctx);

#endif /* HLKVM_RUN_GDB_STUB_H */
