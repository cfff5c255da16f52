/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * PV timer period decoding and clamping. Pure logic, no KVM.
 */
#ifndef _HLKVM_PERIOD_H
#define _HLKVM_PERIOD_H

#include "pure_types.h"

/**
 * struct hlkvm_period_bounds - the clamp in force
 * @min_us: lower bound, >= HLKVM_PERIOD_MIN_US
 * @max_us: upper bound, <= HLKVM_PERIOD_MAX_US, >= @min_us
 */
struct hlkvm_period_bounds {
	u32 min_us;
	u32 max_us;
};

/* The little-endian u32 of a 4-byte guest write, whatever the host order */
u32 hlkvm_period_decode(const void *data);

/*
 * Clamp a requested period: 0 stays 0 (stop), anything else lands in
 * [b->min_us, b->max_us]; *clamped tells whether the value moved.
 */
u32 hlkvm_period_clamp(u32 req_us, const struct hlkvm_period_bounds *b,
		       bool *clamped);

/* Whether a pair of bounds may be configured */
bool hlkvm_period_bounds_valid(u32 min_us, u32 max_us);

/* Period in nanoseconds, without overflow for any u32 */
static inline u64 hlkvm_period_ns(u32 us)
{
	return (u64)us * 1000;
}

#endif /* _HLKVM_PERIOD_H */
