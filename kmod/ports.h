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
 * @HLKVM_PIO_PIT_TICK: absorbed PIT write that (re)programmed channel 0
 *                      while it drives the tick (@pit_tick): the tick's
 *                      new period is in the result, 0 to stop it
 * @HLKVM_PIO_PIC_MODE: not absorbed: a write to KVM's master 8259
 *                      (@pic_watch) that decided whether it ends IRQ0's
 *                      service by itself (ICW4's AEOI; an ICW1 without
 *                      ICW4 clears it): the result's @auto_eoi says which
 */
enum hlkvm_pio_verdict {
	HLKVM_PIO_PASS,
	HLKVM_PIO_ABSORB,
	HLKVM_PIO_EOI,
	HLKVM_PIO_PERIOD,
	HLKVM_PIO_EOI_SEEN,
	HLKVM_PIO_PIT_TICK,
	HLKVM_PIO_PIC_MODE,
};

/**
 * struct hlkvm_port_cfg - per-VM choice of what is answered
 * @groups: HLKVM_GROUP_F_* mask
 * @timer_port: the PV timer port
 * @pic_watch: KVM's own PIC answers the PIC ports (full irqchip): with the
 *             PIC group off, the master's port 0x20 and 0x21 writes are
 *             only watched, for IRQ0 EOIs and for its initialisation
 *             (struct hlkvm_pic_watch), never answered
 * @pit_tick: channel 0 drives the tick (HLKVM_A_PIT_TICK) until the
 *            guest writes the PV timer port
 */
struct hlkvm_port_cfg {
	u32 groups;
	u16 timer_port;
	bool pic_watch;
	bool pit_tick;
};

/**
 * struct hlkvm_pic_watch - KVM's master 8259 as the writes it was sent
 *                          program it (@pic_watch only)
 * @init_state: which initialisation word port 0x21 takes next, counted as
 *              KVM's i8259.c counts it: HLKVM_PIC_INIT_NONE (an OCW1),
 *              _ICW2, _ICW3 or _ICW4
 * @init4: the last ICW1 announced an ICW4 (IC4)
 * @auto_eoi: ICW4's AEOI: the PIC ends IRQ0's service itself when the CPU
 *            takes the interrupt, and the guest writes no EOI
 */
struct hlkvm_pic_watch {
	u8 init_state;
	bool init4;
	bool auto_eoi;
};

/* The saved state's steps (uapi), which are KVM's too */
enum {
	HLKVM_PIC_INIT_NONE = HLKVM_STATE_PIC_INIT_NONE,
	HLKVM_PIC_INIT_ICW2 = HLKVM_STATE_PIC_INIT_ICW2,
	HLKVM_PIC_INIT_ICW3 = HLKVM_STATE_PIC_INIT_ICW3,
	HLKVM_PIC_INIT_ICW4 = HLKVM_STATE_PIC_INIT_ICW4,
};

/**
 * struct hlkvm_port_state - per-VM device state the answers depend on
 * @pit: the 8254 and port 0x61 (pit.h); all zero after attach
 * @pic: KVM's master 8259, followed (@pic_watch); all zero after attach
 *       (a guest that set up its PIC before the VM was attached is taken
 *       as not in auto-EOI mode) until a saved state restores it
 *
 * Written from the vCPU that makes the access without a lock: hlkvm VMs
 * have one vCPU. A torn update between two vCPUs could only produce a
 * wrong count or refresh bit, never an access out of bounds.
 */
struct hlkvm_port_state {
	struct hlkvm_pit_state pit;
	struct hlkvm_pic_watch pic;
};

/**
 * struct hlkvm_pio_result - what an absorbed access was
 * @group: enum hlkvm_group of the port, for the counters
 * @period_us: for HLKVM_PIO_PERIOD, the period the guest wrote (unclamped)
 * @period_ns: for HLKVM_PIO_PIT_TICK, channel 0's period (unclamped), or 0
 * @auto_eoi: for HLKVM_PIO_PIC_MODE, whether KVM's PIC is now in auto-EOI
 *            mode
 */
struct hlkvm_pio_result {
	unsigned int group;
	u32 period_us;
	u64 period_ns;
	bool auto_eoi;
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
