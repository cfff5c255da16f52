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
/* ICW1's IC4: an ICW4 follows; ICW4's AEOI: automatic end of interrupt */
#define PIC_ICW1_IC4		0x01
#define PIC_ICW4_AEOI		0x02
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

/* The master's ports are watched, not answered: KVM's PIC is there */
static bool pic_watched(const struct hlkvm_port_cfg *cfg, u16 port)
{
	return cfg->pic_watch && !group_enabled(cfg, HLKVM_GROUP_PIC) &&
	       (port == HLKVM_PORT_PIC_MASTER_CMD ||
		port == HLKVM_PORT_PIC_MASTER_DATA);
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

/* What of channel 0 decides the tick it drives */
struct irq0_view {
	u64 start_ns;
	u16 count;
	u8 cw;
	u8 counting;
};

static struct irq0_view irq0_view(const struct hlkvm_pit_state *pit)
{
	const struct hlkvm_pit_channel *c = &pit->ch[0];

	return (struct irq0_view){
		.start_ns = c->start_ns,
		.count = c->count,
		.cw = c->cw,
		.counting = c->flags & HLKVM_PIT_F_COUNTING,
	};
}

/*
 * One byte written; true if it (re)started or stopped channel 0 while
 * channel 0 drives the tick. A control word stops the channel, a whole
 * count (re)loads it, even the same count again: the tick then restarts
 * in phase with the counter, as OUT0 would. Latches and read-backs, and
 * the first byte of a two-byte count (outside mode 0), change neither.
 */
static bool irq0_reprogrammed(const struct hlkvm_port_cfg *cfg,
			      struct hlkvm_port_state *st, u64 now_ns, u16 port,
			      u8 v)
{
	struct irq0_view before, after;

	if (!cfg->pit_tick || (st->pit.irq0 & HLKVM_PIT_IRQ0_PV_OWNED) ||
	    (port != HLKVM_PORT_PIT_CH0 && port != HLKVM_PORT_PIT_MODE)) {
		out_byte(cfg, st, now_ns, port, v);
		return false;
	}
	before = irq0_view(&st->pit);
	out_byte(cfg, st, now_ns, port, v);
	after = irq0_view(&st->pit);
	return before.start_ns != after.start_ns ||
	       before.count != after.count || before.cw != after.cw ||
	       before.counting != after.counting;
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
	res->period_ns = 0;
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

/*
 * One byte KVM's master 8259 is sent, followed as its pic_ioport_write()
 * and kvm_pic_reset() take it: ICW1 on port 0x20 starts the
 * initialisation and, without IC4, leaves auto-EOI off; port 0x21 then
 * takes ICW2, ICW3 (always: KVM's 8259 has no single mode and ignores
 * ICW1's SNGL) and, after an ICW1 with IC4, ICW4, whose AEOI bit decides;
 * outside an initialisation it is OCW1, the mask. OCW2 and OCW3 change
 * neither. True when this byte decided auto-EOI.
 */
static bool pic_watch_write(struct hlkvm_pic_watch *pic, u16 port, u8 v)
{
	if (port == HLKVM_PORT_PIC_MASTER_CMD) {
		if (!(v & PIC_ICW1))
			return false;
		pic->init4 = v & PIC_ICW1_IC4;
		pic->init_state = HLKVM_PIC_INIT_ICW2;
		if (pic->init4)
			return false;
		pic->auto_eoi = false;
		return true;
	}
	switch (pic->init_state) {
	case HLKVM_PIC_INIT_ICW2:
		pic->init_state = HLKVM_PIC_INIT_ICW3;
		return false;
	case HLKVM_PIC_INIT_ICW3:
		pic->init_state = pic->init4 ? HLKVM_PIC_INIT_ICW4 :
					       HLKVM_PIC_INIT_NONE;
		return false;
	case HLKVM_PIC_INIT_ICW4:
		pic->auto_eoi = v & PIC_ICW4_AEOI;
		pic->init_state = HLKVM_PIC_INIT_NONE;
		return true;
	default:
		return false;
	}
}

/* A write to KVM's master 8259, watched on its way there */
static enum hlkvm_pio_verdict pic_watch_out(struct hlkvm_port_state *st,
					    u16 port, unsigned int len,
					    const u8 *bytes,
					    struct hlkvm_pio_result *res)
{
	if (len < 1 || len > PIO_MAX_LEN)
		return HLKVM_PIO_PASS;
	res->group = HLKVM_GROUP_PIC;
	res->period_us = 0;
	res->period_ns = 0;
	/* KVM's PIC takes byte writes only (picdev_write() drops others) */
	if (len == 1 && pic_watch_write(&st->pic, port, bytes[0])) {
		res->auto_eoi = st->pic.auto_eoi;
		return HLKVM_PIO_PIC_MODE;
	}
	/*
	 * Whatever the access's width, its first byte is what the PIC's
	 * command port gets; KVM's PIC decodes it (and the rest) itself.
	 */
	if (port != HLKVM_PORT_PIC_MASTER_CMD || !is_irq0_eoi(bytes[0]))
		return HLKVM_PIO_PASS;
	return HLKVM_PIO_EOI_SEEN;
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
		/* The guest knows the PV timer: channel 0 drives no tick */
		st->pit.irq0 |= HLKVM_PIT_IRQ0_PV_OWNED;
		res->group = HLKVM_GROUP_TIMER;
		res->period_us = hlkvm_period_decode(data);
		res->period_ns = 0;
		return HLKVM_PIO_PERIOD;
	}

	if (pic_watched(cfg, port))
		return pic_watch_out(st, port, len, bytes, res);
	if (!all_bytes_ours(cfg, port, len, false))
		return HLKVM_PIO_PASS;
	for (i = 0; i < len; i++) {
		u16 p = port + i;

		if (p == HLKVM_PORT_PIC_MASTER_CMD && is_irq0_eoi(bytes[i]))
			verdict = HLKVM_PIO_EOI;
		else if (irq0_reprogrammed(cfg, st, now_ns, p, bytes[i]))
			verdict = HLKVM_PIO_PIT_TICK;
	}
	res->group = port_group(port);
	res->period_us = 0;
	res->period_ns = verdict == HLKVM_PIO_PIT_TICK ?
			 hlkvm_pit_irq0_period_ns(&st->pit) : 0;
	return verdict;
}
