/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * A VM's hlkvm state as a struct hlkvm_vm_state (uapi/linux/hlkvm.h):
 * saved from the live timer and port state with every absolute time made
 * relative, validated field by field, and loaded back with times
 * relative to the new clock. Pure logic: compiled into hlkvm.ko, the
 * KUnit suites and libhlkvm's fallback, so a state saved by one restores
 * into the other.
 */
#ifndef _HLKVM_STATE_H
#define _HLKVM_STATE_H

#include "period.h"
#include "ports.h"
#include "pure_types.h"

/**
 * struct hlkvm_state_timer - the PV timer as a snapshot sees it
 * @running: the timer ticks
 * @policy: enum hlkvm_timer_policy
 * @requested_us: the period last written, unclamped
 * @period_us: the period in force, 0 when stopped
 * @next_ns: while running, the caller's clock at the next grid expiry
 * @backlog: catch-up ticks owed
 * @outstanding: ticks injected, not yet acknowledged
 * @source: enum hlkvm_timer_source that set the period last
 * @period_ns: the period in force in ns (channel 0's is not whole
 *             microseconds), 0 when stopped
 */
struct hlkvm_state_timer {
	bool running;
	u32 policy;
	u32 requested_us;
	u32 period_us;
	u32 source;
	u64 period_ns;
	u64 next_ns;
	u32 backlog;
	u32 outstanding;
};

/**
 * struct hlkvm_state_limits - what the restoring side allows
 * @bounds: the period clamp in force
 * @backlog_max: the VM's catch-up bound
 * @pic_watch: the VM's 8259 is KVM's, followed (struct hlkvm_port_cfg):
 *             without it a state's 8259 fields must be 0
 */
struct hlkvm_state_limits {
	struct hlkvm_period_bounds bounds;
	u32 backlog_max;
	bool pic_watch;
};

/*
 * @pst: the 8254, port 0x61 and the followed 8259 (ports.h); @now_ns: the
 * caller's clock, the one @t->next_ns and @pst's 8254 count from
 */
void hlkvm_state_save(struct hlkvm_vm_state *out,
		      const struct hlkvm_state_timer *t,
		      const struct hlkvm_port_state *pst, u64 now_ns);

/*
 * Validate the @len bytes at @buf as a struct hlkvm_vm_state of any
 * version this code knows. Returns 0, or -errno with *@why a constant
 * string naming the field at fault (for an extack or a message).
 */
int hlkvm_state_check(const void *buf, size_t len,
		      const struct hlkvm_state_limits *lim, const char **why);

/*
 * hlkvm_state_check(), then fill @t and @pst from it with times relative
 * to @now_ns (a version 1 state's 8259: no initialisation, no auto-EOI).
 * Nothing is written unless the whole state is valid.
 */
int hlkvm_state_load(const void *buf, size_t len,
		     const struct hlkvm_state_limits *lim, u64 now_ns,
		     struct hlkvm_state_timer *t, struct hlkvm_port_state *pst,
		     const char **why);

#endif /* _HLKVM_STATE_H */
