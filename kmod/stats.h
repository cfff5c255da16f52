/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-VM counters, indexed by enum hlkvm_stats_attr so that the netlink
 * reply is a plain loop. Atomic: one vCPU writes them, netlink reads them.
 */
#ifndef _HLKVM_STATS_H
#define _HLKVM_STATS_H

#include <linux/atomic.h>
#include "../uapi/linux/hlkvm.h"

struct hlkvm_stats {
	atomic64_t c[HLKVM_STATS_A_MAX + 1];
};

static inline void hlkvm_stats_inc(struct hlkvm_stats *s, unsigned int i)
{
	atomic64_inc(&s->c[i]);
}

static inline u64 hlkvm_stats_get(struct hlkvm_stats *s, unsigned int i)
{
	return atomic64_read(&s->c[i]);
}

/* The counter of an absorbed access to a legacy group, IN or OUT */
static inline unsigned int hlkvm_stats_index(unsigned int group, bool out)
{
	static const u8 in_idx[] = {
		[HLKVM_GROUP_PIC] = HLKVM_STATS_A_PIC_IN,
		[HLKVM_GROUP_PIT] = HLKVM_STATS_A_PIT_IN,
		[HLKVM_GROUP_SPEAKER] = HLKVM_STATS_A_SPEAKER_IN,
		[HLKVM_GROUP_DIAG] = HLKVM_STATS_A_DIAG_IN,
	};

	if (group >= ARRAY_SIZE(in_idx))
		return HLKVM_STATS_A_TIMER_OUT;
	/* Every OUT counter follows its IN counter */
	return in_idx[group] + out;
}

#endif /* _HLKVM_STATS_H */
