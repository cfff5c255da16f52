// SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later
/*
 * PV timer period decoding and clamping.
 */
#include "period.h"

u32 hlkvm_period_decode(const void *data)
{
	const u8 *b = data;

	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 |
	       (u32)b[3] << 24;
}

u32 hlkvm_period_clamp(u32 req_us, const struct hlkvm_period_bounds *b,
		       bool *clamped)
{
	u32 us = req_us;

	if (us != 0 && us < b->min_us)
		us = b->min_us;
	else if (us > b->max_us)
		us = b->max_us;
	*clamped = us != req_us;
	return us;
}

bool hlkvm_period_bounds_valid(u32 min_us, u32 max_us)
{
	return min_us >= HLKVM_PERIOD_MIN_US && max_us <= HLKVM_PERIOD_MAX_US &&
	       min_us <= max_us;
}
