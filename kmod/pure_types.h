/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * Types for the pure logic files (ports.c, pit.c, period.c, ticks.c),
 * which are compiled into hlkvm.ko, into the KUnit suites under UML and,
 * unchanged, into the userspace fallback of libhlkvm: one port table, not
 * two.
 */
#ifndef _HLKVM_PURE_TYPES_H
#define _HLKVM_PURE_TYPES_H

#ifdef __KERNEL__
#include <linux/math64.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

/* <linux/math64.h>'s, so that pit.c divides the same way in both */
static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = dividend % divisor;
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}
#endif

#include "../uapi/linux/hlkvm.h"

#endif /* _HLKVM_PURE_TYPES_H */
