/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * The legacy port table: which accesses hlkvm answers and with what.
 * Pure logic, no KVM: see the Ports section of uapi/linux/hlkvm.h.
 */
#ifndef _HLKVM_PORTS_H
#define _HLKVM_PORTS_H

#include "pit.h"
#include "pure_types.h"

/**
 * enum hlkvm_pio_verdict - what to do with one port access
 * @HLKVM_PIO_PASS: not ours: KVM and the VMM see it exactly as before
 * @HLKVM_PIO_ABSORB: answered in the kernel (an IN's data is filled in)
 * @HLKVM_PIO_EOI: absorbed, and it was an EOI of IRQ0 on port 0x20
 * @HLKVM_PIO_PERIOD: absorbed PV timer write; the period is in the result
 * @HLKVM_PIO_EOI_SEEN: not absorbed: an EOI of IRQ0 on port 0x20 that
 *                      KVM's PIC must still complete (@pic_watch)
 */
enum hlkvm_pio_verdict {
	HLKVM_PIO_PASS,
	HLKVM_PIO_ABSORB,
	HLKVM_PIO_EOI,
	HLKVM_PIO_PERIOD,
	HLKVM_PIO_EOI_SEEN,
};

/**
 * struct hlkvm_port_cfg - per-VM choice of what is answered
 * @groups: HLKVM_GROUP_F_* mask
 * @timer_port: the PV timer port
 * @pic_watch: KVM's own PIC answers the PIC ports (full irqchip): with the
 *             PIC group off, port 0x20 writes are only watched for IRQ0
 *             EOIs, never answered
 */
struct hlkvm_port_cfg {
	u32 groups;
	u16 timer_port;
	bool pic_watch;
};

/**
 * struct hlkvm_port_state - per-VM device state the answers depend on
 * @pit: the 8254 and port 0x61 (pit.h); all zero after attach
 *
 * Written from the vCPU that makes the access without a lock: hlkvm VMs
 * have one vCPU. A torn update between two vCPUs could only produce a
 * wrong count or refresh bit, never an access out of bounds.
 */
struct hlkvm_port_state {
	struct hlkvm_pit_state pit;
};

/**
 * struct hlkvm_pio_result - what an absorbed access was
 * @group: enum hlkvm_group of the port, for the counters
 * @period_us: for HLKVM_PIO_PERIOD, the period the guest wrote (unclamped)
 */
struct hlkvm_pio_result {
	unsigned int group;
	u32 period_us;
};

/*
 * One access of @len bytes at @port. @now_ns: the caller's CLOCK_MONOTONIC
 * time in nanoseconds (ktime_get_ns() in the module), which the 8254
 * counts from.
 */
enum hlkvm_pio_verdict hlkvm_pio_in(const struct hlkvm_port_cfg *cfg,
				    struct hlkvm_port_state *st, u64 now_ns,
				    u16 port, unsigned int len, void *data,
				    struct hlkvm_pio_result *res);
enum hlkvm_pio_verdict hlkvm_pio_out(const struct hlkvm_port_cfg *cfg,
				     struct hlkvm_port_state *st, u64 now_ns,
				     u16 port, unsigned int len,
				     const void *data,
				     struct hlkvm_pio_result *res);

/* True if @port is one of the fixed legacy ports or the halt port */
bool hlkvm_port_is_reserved(u16 port);
/* True if hlkvm could ever answer an access to @port under @cfg */
bool hlkvm_port_maybe_ours(const struct hlkvm_port_cfg *cfg, u16 port);

#endif /* _HLKVM_PORTS_H */
