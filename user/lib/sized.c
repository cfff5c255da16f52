// SPDX-License-Identifier: LGPL-2.1-or-later
/* Sized structs: see sized.h */
#include <errno.h>
#include <string.h>

#include "sized.h"

int hlkvm_sized_check(const void *in, size_t size, size_t ours,
		      size_t first)
{
	const unsigned char *tail = (const unsigned char *)in + ours;
	size_t i;

	if (!in || size < first)
		return -EINVAL;
	for (i = 0; size > ours && i < size - ours; i++)
		if (tail[i])
			return -E2BIG;
	return 0;
}

int hlkvm_sized_in(void *copy, size_t ours, const void *in, size_t size,
		   size_t first)
{
	int ret = hlkvm_sized_check(in, size, ours, first);

	if (ret)
		return ret;
	memcpy(copy, in, size < ours ? size : ours);
	return 0;
}

int hlkvm_sized_out(void *out, size_t size, const void *from, size_t ours,
		    size_t first)
{
	size_t n = size < ours ? size : ours;

	if (!out || size < first)
		return -EINVAL;
	memcpy(out, from, n);
	if (size > ours)
		memset((unsigned char *)out + ours, 0, size - ours);
	memcpy(out, &n, sizeof(n));
	return 0;
}
