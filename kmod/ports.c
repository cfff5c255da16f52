// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * The legacy port table. Seed behaviour (hyperlight-host's hw_interrupts)
 * plus the additions documented in uapi/linux/hlkvm.h. Compiled into the
 * module, the KUnit suites and the userspace fallback alike.
 */
#include "ports.h"
#include "period.h"

/* Port 0x61 bit 0: channel 2's GATE */
#define SPEAKER_GATE2		0x01
/* 8259 command port: bit 4 makes it ICW1, else bit 3 OCW3, else OCW2 */
#define PIC_ICW1		0x10
#define PIC_OCW3		0x08
/* OCW2: R (bit 7), SL (bit 6), EOI (bit 5), then the level L2-L0 */
#define PIC_OCW2_CMD_MASK	0xe0
#define PIC_OCW2_NONSPEC_EOI	0x20
#define PIC_OCW2_SPEC_EOI	0x60
#define PIC_OCW2_ROT_NONSPEC_EOI	0xa0
#define PIC_OCW2_ROT_SPEC_EOI	0xe0
#define PIC_OCW2_LEVEL_MASK	0x07

/* Longest access KVM hands to the PIO bus (in eax / out dx, eax) */
#define PIO_MAX_LEN		4

static int port_group(u16 port)
{
	switch (port) {
	case HLKVM_PORT_PIC_MASTER_CMD:
	case HLKVM_PORT_PIC_MASTER_DATA:
	case HLKVM_PORT_PIC_SLAVE_CMD:
	case HLKVM_PORT_PIC_SLAVE_DATA:
		return HLKVM_GROUP_PIC;
	case HLKVM_PORT_PIT_CH0:
	case HLKVM_PORT_PIT_CH1:
	case HLKVM_PORT_PIT_CH2:
	case HLKVM_PORT_PIT_MODE:
		return HLKVM_GROUP_PIT;
	case HLKVM_PORT_SPEAKER:
		return HLKVM_GROUP_SPEAKER;
	case HLKVM_PORT_DIAG:
		return HLKVM_GROUP_DIAG;
	default:
		return -1;
	}
}

static bool group_enabled(const struct hlkvm_port_cfg *cfg, int group)
{
	return group >= 0 && (cfg->groups & (1U << group));
}

bool hlkvm_port_is_reserved(u16 port)
{
	return port_group(port) >= 0 || port == HLKVM_PORT_HALT;
}

/* Port 0x20 is watched, not answered: KVM's PIC is there */
static bool pic_watched(const struct hlkvm_port_cfg *cfg, u16 port)
{
	return cfg->pic_watch && port == HLKVM_PORT_PIC_MASTER_CMD &&
	       !group_enabled(cfg, HLKVM_GROUP_PIC);
}

bool hlkvm_port_maybe_ours(const struct hlkvm_port_cfg *cfg, u16 port)
{
	if (port == cfg->timer_port)
		return cfg->groups & HLKVM_GROUP_F_TIMER;
	return group_enabled(cfg, port_group(port)) || pic_watched(cfg, port);
}

/* Does this port answer a one-byte read, and with what? */
static bool in_byte_answered(u16 port)
{
	/* The 8254 mode register is write-only: leave its reads alone */
	return port != HLKVM_PORT_PIT_MODE;
}

/*
 * Port 0x61 is the VMM's when the speaker group is off: hlkvm never sees
 * channel 2's GATE, and takes it as tied high like those of channels 0
 * and 1, so that channel 2 still counts.
 */
static void pit_gate2_default(const struct hlkvm_port_cfg *cfg,
			      struct hlkvm_port_state *st, u64 now_ns)
{
	if (!group_enabled(cfg, HLKVM_GROUP_SPEAKER) &&
	    !(st->pit.port61 & SPEAKER_GATE2))
		hlkvm_pit_port61_write(&st->pit, st->pit.port61 | SPEAKER_GATE2,
				       now_ns);
}

static u8 in_byte(const struct hlkvm_port_cfg *cfg,
		  struct hlkvm_port_state *st, u64 now_ns, u16 port)
{
	switch (port) {
	case HLKVM_PORT_PIC_MASTER_DATA:
	case HLKVM_PORT_PIC_SLAVE_DATA:
		return 0xff;		/* every IRQ masked */
	case HLKVM_PORT_PIT_CH0:
	case HLKVM_PORT_PIT_CH1:
	case HLKVM_PORT_PIT_CH2:
		pit_gate2_default(cfg, st, now_ns);
		return hlkvm_pit_read(&st->pit, port - HLKVM_PORT_PIT_CH0,
				      now_ns);
	case HLKVM_PORT_SPEAKER:
		return hlkvm_pit_port61_read(&st->pit, now_ns);
	case HLKVM_PORT_DIAG:
		return 0xff;
	default:
		return 0;		/* PIC: no IRR/ISR bit */
	}
}

static void out_byte(const struct hlkvm_port_cfg *cfg,
		     struct hlkvm_port_state *st, u64 now_ns, u16 port, u8 v)
{
	switch (port) {
	case HLKVM_PORT_PIT_CH0:
	case HLKVM_PORT_PIT_CH1:
	case HLKVM_PORT_PIT_CH2:
	case HLKVM_PORT_PIT_MODE:
		pit_gate2_default(cfg, st, now_ns);
		hlkvm_pit_write(&st->pit, port - HLKVM_PORT_PIT_CH0, v, now_ns);
		break;
	case HLKVM_PORT_SPEAKER:
		hlkvm_pit_port61_write(&st->pit, v, now_ns);
		break;
	default:
		break;			/* PIC and diag writes: absorbed */
	}
}

/*
 * A multi-byte access is the ISA bus's run of byte accesses to consecutive
 * ports: it is ours only if every byte is, so a guest never sees half an
 * answer from us and half from its VMM.
 */
static bool all_bytes_ours(const struct hlkvm_port_cfg *cfg, u16 port,
			   unsigned int len, bool in)
{
	unsigned int i;

	if (len == 0 || len > PIO_MAX_LEN)
		return false;
	for (i = 0; i < len; i++) {
		u16 p = port + i;

		if (p < port)		/* wrapped past 0xffff */
			return false;
		if (!group_enabled(cfg, port_group(p)))
			return false;
		if (in && !in_byte_answered(p))
			return false;
	}
	return true;
}

enum hlkvm_pio_verdict hlkvm_pio_in(const struct hlkvm_port_cfg *cfg,
				    struct hlkvm_port_state *st, u64 now_ns,
				    u16 port, unsigned int len, void *data,
				    struct hlkvm_pio_result *res)
{
	u8 *bytes = data;
	unsigned int i;

	if (!all_bytes_ours(cfg, port, len, true))
		return HLKVM_PIO_PASS;
	for (i = 0; i < len; i++)
		bytes[i] = in_byte(cfg, st, now_ns, port + i);
	res->group = port_group(port);
	res->period_us = 0;
	return HLKVM_PIO_ABSORB;
}

/*
 * Does this command-port write end the in-service IRQ0, the only line the
 * timer drives? As the 8259 decodes it (and KVM's i8259.c): ICW1 and OCW3
 * never do; of the OCW2s, a non-specific EOI with or without rotation
 * does, and a specific one with or without rotation when it names
 * level 0 (Linux's mask_and_ack_8259A sends 0x60).
 */
static bool is_irq0_eoi(u8 v)
{
	if (v & (PIC_ICW1 | PIC_OCW3))
		return false;
	switch (v & PIC_OCW2_CMD_MASK) {
	case PIC_OCW2_NONSPEC_EOI:
	case PIC_OCW2_ROT_NONSPEC_EOI:
		return true;
	case PIC_OCW2_SPEC_EOI:
	case PIC_OCW2_ROT_SPEC_EOI:
		return (v & PIC_OCW2_LEVEL_MASK) == 0;
	default:
		return false;
	}
}

enum hlkvm_pio_verdict hlkvm_pio_out(const struct hlkvm_port_cfg *cfg,
				     struct hlkvm_port_state *st, u64 now_ns,
				     u16 port, unsigned int len,
				     const void *data,
				     struct hlkvm_pio_result *res)
{
	enum hlkvm_pio_verdict verdict = HLKVM_PIO_ABSORB;
	const u8 *bytes = data;
	unsigned int i;

	/* Checked first: a VMM may put its timer anywhere off the table */
	if (port == cfg->timer_port && (cfg->groups & HLKVM_GROUP_F_TIMER)) {
		if (len < 4)
			return HLKVM_PIO_PASS;
		res->group = HLKVM_GROUP_TIMER;
		res->period_us = hlkvm_period_decode(data);
		return HLKVM_PIO_PERIOD;
	}

	/*
	 * Whatever the access's width, its first byte is what the PIC's
	 * command port gets; KVM's PIC decodes it (and the rest) itself.
	 */
	if (pic_watched(cfg, port)) {
		if (len < 1 || len > PIO_MAX_LEN || !is_irq0_eoi(bytes[0]))
			return HLKVM_PIO_PASS;
		res->group = HLKVM_GROUP_PIC;
		res->period_us = 0;
		return HLKVM_PIO_EOI_SEEN;
	}
	if (!all_bytes_ours(cfg, port, len, false))
		return HLKVM_PIO_PASS;
	for (i = 0; i < len; i++) {
		u16 p = port + i;

		if (p == HLKVM_PORT_PIC_MASTER_CMD && is_irq0_eoi(bytes[i]))
			verdict = HLKVM_PIO_EOI;
		else
			out_byte(cfg, st, now_ns, p, bytes[i]);
	}
	res->group = port_group(port);
	res->period_us = 0;
	return verdict;
}
