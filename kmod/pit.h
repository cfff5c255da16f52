/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * The 8254 programmable interval timer and port 0x61 (system control
 * port B) as a guest reads them: three channels counting down at
 * HLKVM_PIT_HZ from a monotonic clock the caller reads. Pure logic, no
 * KVM and no clock of its own: compiled into hlkvm.ko, the KUnit suites
 * and the userspace fallback alike (through ports.c), so each answers
 * byte for byte the same for the same accesses at the same times.
 */
#ifndef _HLKVM_PIT_H
#define _HLKVM_PIT_H

#include "pure_types.h"

/* The PC's 8254 input clock, as KVM's i8254.c counts it */
#define HLKVM_PIT_HZ		1193182
#define HLKVM_PIT_CHANNELS	3

/* struct hlkvm_pit_channel.flags */
#define HLKVM_PIT_F_COUNTING	0x01	/* counts from @start_ns */
#define HLKVM_PIT_F_OUT		0x02	/* OUT while not counting */
#define HLKVM_PIT_F_LOADED	0x04	/* a whole count written since the CW */
#define HLKVM_PIT_F_NULL	0x08	/* NULL COUNT: CW written, count not */
#define HLKVM_PIT_F_READ_MSB	0x10	/* LSB-then-MSB: next read is the MSB */
#define HLKVM_PIT_F_WRITE_MSB	0x20	/* LSB-then-MSB: next write is the MSB */
#define HLKVM_PIT_F_STATUS	0x40	/* a latched status awaits its read */

/**
 * struct hlkvm_pit_channel - one 8254 counter
 * @start_ns: while HLKVM_PIT_F_COUNTING, when the counter was loaded
 *            with @count (or, after a gate pause, the load time that
 *            accounts for the counts already made)
 * @held_ns: while not counting in modes 0 and 4, the time counted
 *           before GATE went low; counting resumes from there
 * @count: the count register as written; 0 counts as 65536
 * @held: while not counting, what the counter reads
 * @latch: the latched count, while @latched
 * @cw: bits 5-0 of the last control word (access, mode, BCD); 0 until
 *      the channel's first control word, which never has access 0
 * @flags: HLKVM_PIT_F_*
 * @latched: access mode of the latched count still to be read (1 LSB,
 *           2 MSB, 3 LSB then MSB); 0 when none is latched
 * @status: the latched status byte, while HLKVM_PIT_F_STATUS
 * @write_lsb: the LSB written, while HLKVM_PIT_F_WRITE_MSB
 */
struct hlkvm_pit_channel {
	u64 start_ns;
	u64 held_ns;
	u16 count;
	u16 held;
	u16 latch;
	u8 cw;
	u8 flags;
	u8 latched;
	u8 status;
	u8 write_lsb;
};

/**
 * struct hlkvm_pit_state - a VM's 8254 and port 0x61
 * @ch: the three counters (0: IRQ0, 1: refresh, 2: speaker)
 * @port61: bits 0 (channel 2's GATE) and 1 (speaker data) as written,
 *          bit 4 the refresh bit the next read toggles
 *
 * All zero is the state after attach: no channel programmed, each reads
 * 0 and holds OUT low, channel 2's gate low. Plain values only, so a
 * snapshot can copy it whole; times are the CLOCK_MONOTONIC nanoseconds
 * the caller passed in, so a restore on another host (or after a reboot)
 * shifts every @start_ns by the difference of the two clocks.
 *
 * No lock: the caller serialises (hlkvm VMs have one vCPU). A torn update
 * can only produce a wrong count, never an access out of bounds.
 */
struct hlkvm_pit_state {
	struct hlkvm_pit_channel ch[HLKVM_PIT_CHANNELS];
	u8 port61;
};

/* @reg: 0-2 a channel's count, 3 the control word (port 0x40 + reg) */
void hlkvm_pit_write(struct hlkvm_pit_state *pit, unsigned int reg, u8 val,
		     u64 now_ns);
/* @ch: 0-2 (port 0x40 + ch); port 0x43 cannot be read */
u8 hlkvm_pit_read(struct hlkvm_pit_state *pit, unsigned int ch, u64 now_ns);
/* The level of channel @ch's OUT pin */
bool hlkvm_pit_out(const struct hlkvm_pit_state *pit, unsigned int ch,
		   u64 now_ns);

u8 hlkvm_pit_port61_read(struct hlkvm_pit_state *pit, u64 now_ns);
void hlkvm_pit_port61_write(struct hlkvm_pit_state *pit, u8 val, u64 now_ns);

/* Whole input clock periods in @ns, overflow-free for every u64 */
u64 hlkvm_pit_ticks(u64 ns);

#endif /* _HLKVM_PIT_H */
