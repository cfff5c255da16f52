// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * Save, check and load a VM's hlkvm state (state.h). Every rule is one
 * test with one message naming the field, so the module's extack and the
 * fallback's error say the same thing for the same blob.
 */
#include "state.h"
#include "ticks.h"

#define NS_PER_US	1000ULL	/* as hlkvm_period_ns() counts */

#define STATE_V1_SIZE	144
#define STATE_V2_SIZE	152

static_assert(sizeof(struct hlkvm_state_pit_channel) == 32,
	      "uapi hlkvm_state_pit_channel layout");
static_assert(offsetof(struct hlkvm_vm_state, pic_init) == STATE_V1_SIZE,
	      "uapi hlkvm_vm_state v1 layout");
static_assert(sizeof(struct hlkvm_vm_state) == STATE_V2_SIZE,
	      "uapi hlkvm_vm_state v2 layout");
static_assert(sizeof(((struct hlkvm_vm_state *)0)->pit) ==
	      HLKVM_PIT_CHANNELS * sizeof(struct hlkvm_state_pit_channel),
	      "uapi holds every 8254 counter");

/* The size of each version's struct; a later one only appends */
static size_t state_size(u32 version)
{
	switch (version) {
	case 1:
		return STATE_V1_SIZE;
	case 2:
		return STATE_V2_SIZE;
	default:
		return 0;
	}
}

void hlkvm_state_save(struct hlkvm_vm_state *out,
		      const struct hlkvm_state_timer *t,
		      const struct hlkvm_port_state *pst, u64 now_ns)
{
	const struct hlkvm_pit_state *pit = &pst->pit;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->version = HLKVM_STATE_VERSION;
	out->size = sizeof(*out);
	out->policy = t->policy;
	out->requested_us = t->requested_us;
	out->timer_source = t->source;
	out->pit_irq0 = pit->irq0 & __HLKVM_STATE_PIT_IRQ0_ALL;
	if (t->running && t->period_us) {
		u64 period = t->period_ns ? t->period_ns :
				hlkvm_period_ns(t->period_us);
		u64 left = t->next_ns > now_ns ? t->next_ns - now_ns : 0;

		out->timer_flags |= HLKVM_STATE_TIMER_F_RUNNING;
		out->period_us = t->period_us;
		out->next_tick_ns = left < period ? left : period;
		out->backlog = t->backlog;
	}
	out->outstanding = t->outstanding;
	out->port61 = pit->port61 & __HLKVM_STATE_PORT61_ALL;
	for (i = 0; i < HLKVM_PIT_CHANNELS; i++) {
		const struct hlkvm_pit_channel *c = &pit->ch[i];
		struct hlkvm_state_pit_channel *s = &out->pit[i];

		if ((c->flags & HLKVM_PIT_F_COUNTING) && now_ns > c->start_ns)
			s->elapsed_ns = now_ns - c->start_ns;
		s->held_ns = c->held_ns;
		s->count = c->count;
		s->held = c->held;
		s->latch = c->latch;
		s->cw = c->cw;
		s->flags = c->flags;
		s->latched = c->latched;
		s->status = c->status;
		s->write_lsb = c->write_lsb;
	}
	out->pic_init = pst->pic.init_state;
	out->pic_flags = (pst->pic.init4 ? HLKVM_STATE_PIC_F_IC4 : 0) |
			 (pst->pic.auto_eoi ? HLKVM_STATE_PIC_F_AUTO_EOI : 0);
}

static bool all_zero(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Bits 5-4 of a control word: 0 is a latch command, never kept */
#define CW_ACCESS(cw)	(((cw) >> 4) & 3)
#define CW_BITS		0x3f
#define LATCHED_MAX	3

static int check_pit(const struct hlkvm_vm_state *s, const char **why)
{
	static const char *const bad_cw[] = {
		"state: pit[0].cw is not a control word",
		"state: pit[1].cw is not a control word",
		"state: pit[2].cw is not a control word",
	};
	static const char *const bad_flags[] = {
		"state: pit[0].flags has unknown bits",
		"state: pit[1].flags has unknown bits",
		"state: pit[2].flags has unknown bits",
	};
	static const char *const bad_latched[] = {
		"state: pit[0].latched is not an access mode (0-3)",
		"state: pit[1].latched is not an access mode (0-3)",
		"state: pit[2].latched is not an access mode (0-3)",
	};
	static const char *const bad_elapsed[] = {
		"state: pit[0].elapsed_ns is set on a counter not counting",
		"state: pit[1].elapsed_ns is set on a counter not counting",
		"state: pit[2].elapsed_ns is set on a counter not counting",
	};
	static const char *const bad_reserved[] = {
		"state: pit[0].reserved is not 0",
		"state: pit[1].reserved is not 0",
		"state: pit[2].reserved is not 0",
	};
	unsigned int i;

	for (i = 0; i < HLKVM_PIT_CHANNELS; i++) {
		const struct hlkvm_state_pit_channel *c = &s->pit[i];

		if ((c->cw & ~CW_BITS) || (c->cw && !CW_ACCESS(c->cw))) {
			*why = bad_cw[i];
			return -EINVAL;
		}
		if (c->flags & ~__HLKVM_STATE_PIT_F_ALL) {
			*why = bad_flags[i];
			return -EINVAL;
		}
		if (c->latched > LATCHED_MAX) {
			*why = bad_latched[i];
			return -EINVAL;
		}
		if (c->elapsed_ns && !(c->flags & HLKVM_STATE_PIT_F_COUNTING)) {
			*why = bad_elapsed[i];
			return -EINVAL;
		}
		if (!all_zero(c->reserved, sizeof(c->reserved))) {
			*why = bad_reserved[i];
			return -EINVAL;
		}
	}
	return 0;
}

static int check_timer(const struct hlkvm_vm_state *s,
		       const struct hlkvm_state_limits *lim, const char **why)
{
	bool running = s->timer_flags & HLKVM_STATE_TIMER_F_RUNNING;

	if (s->timer_flags & ~__HLKVM_STATE_TIMER_F_ALL) {
		*why = "state: timer_flags has unknown bits";
		return -EINVAL;
	}
	if (s->policy >= __HLKVM_TIMER_POLICY_COUNT) {
		*why = "state: policy is not a timer policy";
		return -EINVAL;
	}
	if (s->timer_source >= __HLKVM_TIMER_SRC_COUNT) {
		*why = "state: timer_source is not a timer source";
		return -EINVAL;
	}
	if (s->outstanding > HLKVM_TICKS_OUTSTANDING_MAX) {
		*why = "state: outstanding is more than one tick";
		return -EINVAL;
	}
	if (!running) {
		if (s->period_us) {
			*why = "state: period_us is set on a stopped timer";
			return -EINVAL;
		}
		if (s->next_tick_ns) {
			*why = "state: next_tick_ns is set on a stopped timer";
			return -EINVAL;
		}
		if (s->backlog) {
			*why = "state: backlog is set on a stopped timer";
			return -EINVAL;
		}
		return 0;
	}
	if (!s->requested_us) {
		*why = "state: requested_us is 0 on a running timer";
		return -EINVAL;
	}
	if (s->period_us < lim->bounds.min_us ||
	    s->period_us > lim->bounds.max_us) {
		*why = "state: period_us is outside the period clamp in force";
		return -ERANGE;
	}
	/* channel 0's exact period may exceed the rounded one by 0.5 us */
	if (s->next_tick_ns > hlkvm_period_ns(s->period_us) +
			      (s->timer_source == HLKVM_TIMER_SRC_PIT ?
			       NS_PER_US / 2 : 0)) {
		*why = "state: next_tick_ns is longer than the period";
		return -EINVAL;
	}
	if (s->backlog && s->policy == HLKVM_TIMER_SKIP) {
		*why = "state: backlog is set with the skip policy";
		return -EINVAL;
	}
	if (s->backlog > lim->backlog_max) {
		*why = "state: backlog exceeds the VM's backlog bound";
		return -ERANGE;
	}
	return 0;
}

/*
 * The followed 8259 (version 2; a version 1 state's zeros are always
 * valid). Only states port writes can reach: ICW4 is awaited, and AEOI
 * kept, only after an ICW1 with IC4.
 */
static int check_pic(const struct hlkvm_vm_state *s,
		     const struct hlkvm_state_limits *lim, const char **why)
{
	bool ic4 = s->pic_flags & HLKVM_STATE_PIC_F_IC4;

	if (!all_zero(s->reserved2, sizeof(s->reserved2))) {
		*why = "state: reserved2 is not 0";
		return -EINVAL;
	}
	if (s->pic_init > __HLKVM_STATE_PIC_INIT_MAX) {
		*why = "state: pic_init is not an initialisation step (0-3)";
		return -EINVAL;
	}
	if (s->pic_flags & ~__HLKVM_STATE_PIC_F_ALL) {
		*why = "state: pic_flags has unknown bits";
		return -EINVAL;
	}
	if (s->pic_init == HLKVM_STATE_PIC_INIT_ICW4 && !ic4) {
		*why = "state: pic_init awaits ICW4, but pic_flags has no IC4";
		return -EINVAL;
	}
	if ((s->pic_flags & HLKVM_STATE_PIC_F_AUTO_EOI) && !ic4) {
		*why = "state: pic_flags has AUTO_EOI without IC4";
		return -EINVAL;
	}
	if (!lim->pic_watch && (s->pic_init || s->pic_flags)) {
		*why = "state: pic_init or pic_flags set on the split irqchip";
		return -EINVAL;
	}
	return 0;
}

/* The state in @buf, read into @s (aligned, zero-extended) and checked */
static int state_read(const void *buf, size_t len,
		      const struct hlkvm_state_limits *lim,
		      struct hlkvm_vm_state *s, const char **why)
{
	u32 version, size;
	int ret;

	if (len < 2 * sizeof(u32)) {
		*why = "state: shorter than its version and size";
		return -EINVAL;
	}
	memcpy(&version, buf, sizeof(version));
	memcpy(&size, (const u8 *)buf + sizeof(version), sizeof(size));
	if (version == 0) {
		*why = "state: version is 0";
		return -EINVAL;
	}
	if (version > HLKVM_STATE_VERSION || !state_size(version)) {
		*why = "state: version is newer than this hlkvm knows";
		return -EOPNOTSUPP;
	}
	if (size != state_size(version)) {
		*why = "state: size does not match its version";
		return -EINVAL;
	}
	if (len != size) {
		*why = "state: length does not match its size field";
		return -EINVAL;
	}
	memset(s, 0, sizeof(*s));
	memcpy(s, buf, size);
	if (!all_zero(s->reserved, sizeof(s->reserved))) {
		*why = "state: reserved is not 0";
		return -EINVAL;
	}
	if (s->port61 & ~__HLKVM_STATE_PORT61_ALL) {
		*why = "state: port61 has bits port 0x61 does not keep";
		return -EINVAL;
	}
	if (s->pit_irq0 & ~__HLKVM_STATE_PIT_IRQ0_ALL) {
		*why = "state: pit_irq0 has unknown bits";
		return -EINVAL;
	}
	ret = check_timer(s, lim, why);
	if (ret)
		return ret;
	ret = check_pit(s, why);
	if (ret)
		return ret;
	return check_pic(s, lim, why);
}

/*
 * @s, checked, as the timer and 8254 state to run, times relative to
 * @now_ns; fails only where a field disagrees with the 8254 it carries
 */
static int state_convert(const struct hlkvm_vm_state *s,
			 const struct hlkvm_state_limits *lim, u64 now_ns,
			 struct hlkvm_state_timer *t, struct hlkvm_port_state *pst,
			 const char **why)
{
	struct hlkvm_pit_state *pit = &pst->pit;
	unsigned int i;
	bool clamped;
	u64 ns;

	*t = (struct hlkvm_state_timer){
		.running = s->timer_flags & HLKVM_STATE_TIMER_F_RUNNING,
		.policy = s->policy,
		.requested_us = s->requested_us,
		.period_us = s->period_us,
		.source = s->timer_source,
		.backlog = s->backlog,
		.outstanding = s->outstanding,
	};
	if (t->running)
		t->next_ns = now_ns + s->next_tick_ns;

	memset(pst, 0, sizeof(*pst));
	pst->pic = (struct hlkvm_pic_watch){
		.init_state = s->pic_init,
		.init4 = s->pic_flags & HLKVM_STATE_PIC_F_IC4,
		.auto_eoi = s->pic_flags & HLKVM_STATE_PIC_F_AUTO_EOI,
	};
	pit->port61 = s->port61;
	pit->irq0 = s->pit_irq0;
	for (i = 0; i < HLKVM_PIT_CHANNELS; i++) {
		const struct hlkvm_state_pit_channel *c = &s->pit[i];
		struct hlkvm_pit_channel *d = &pit->ch[i];

		/*
		 * A clock younger than the counter's age (a host booted
		 * after the counter was loaded elsewhere) cannot express
		 * its start: it counts from the clock's origin instead.
		 */
		if (c->flags & HLKVM_STATE_PIT_F_COUNTING)
			d->start_ns = now_ns > c->elapsed_ns ?
				      now_ns - c->elapsed_ns : 0;
		d->held_ns = c->held_ns;
		d->count = c->count;
		d->held = c->held;
		d->latch = c->latch;
		d->cw = c->cw;
		d->flags = c->flags;
		d->latched = c->latched;
		d->status = c->status;
		d->write_lsb = c->write_lsb;
	}

	if (!t->running)
		return 0;
	if (t->source != HLKVM_TIMER_SRC_PIT) {
		t->period_ns = hlkvm_period_ns(t->period_us);
		return 0;
	}
	/* The exact period is channel 0's, as the guest programmed it */
	ns = hlkvm_pit_irq0_period_ns(pit);
	if (!ns) {
		*why = "state: timer_source is pit, but channel 0 counts in no periodic mode";
		return -EINVAL;
	}
	ns = hlkvm_period_clamp_ns(ns, &lim->bounds, &clamped);
	if ((ns + NS_PER_US / 2) / NS_PER_US != t->period_us) {
		*why = "state: period_us is not channel 0's period";
		return -EINVAL;
	}
	t->period_ns = ns;
	return 0;
}

int hlkvm_state_check(const void *buf, size_t len,
		      const struct hlkvm_state_limits *lim, const char **why)
{
	struct hlkvm_port_state pst;
	struct hlkvm_state_timer t;
	struct hlkvm_vm_state s;
	int ret;

	ret = state_read(buf, len, lim, &s, why);
	if (ret)
		return ret;
	return state_convert(&s, lim, 0, &t, &pst, why);
}

int hlkvm_state_load(const void *buf, size_t len,
		     const struct hlkvm_state_limits *lim, u64 now_ns,
		     struct hlkvm_state_timer *t, struct hlkvm_port_state *pst,
		     const char **why)
{
	struct hlkvm_port_state lpst;
	struct hlkvm_state_timer lt;
	struct hlkvm_vm_state s;
	int ret;

	ret = state_read(buf, len, lim, &s, why);
	if (ret)
		return ret;
	ret = state_convert(&s, lim, now_ns, &lt, &lpst, why);
	if (ret)
		return ret;
	*t = lt;
	*pst = lpst;
	return 0;
}
