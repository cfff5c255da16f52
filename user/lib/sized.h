/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Structs that grow without a soname bump: each begins with its size in
 * bytes, as the caller's headers had it (struct sched_attr, clone_args).
 * A caller built against older headers passes a smaller size, one built
 * against newer headers a larger one; the library reads and writes only
 * the bytes both know.
 */
#ifndef HLKVM_SIZED_H
#define HLKVM_SIZED_H

#include <stddef.h>

/*
 * An input struct of @size bytes at @in, into the library's own @ours
 * bytes at @copy, which holds the defaults of every field: the caller's
 * bytes replace them up to the shorter of the two. -EINVAL when @size is
 * below @first (the struct's first published size); -E2BIG when the
 * caller's struct is longer and a byte the library does not know is not
 * zero (a setting it would silently drop).
 */
int hlkvm_sized_in(void *copy, size_t ours, const void *in, size_t size,
		   size_t first);

/*
 * hlkvm_sized_in()'s test alone, nothing copied: 0, -EINVAL or -E2BIG
 * exactly as it would return (the client checks a request's struct with
 * it before building anything, so a refusal can name the struct)
 */
int hlkvm_sized_check(const void *in, size_t size, size_t ours,
		      size_t first);

/*
 * Every sized request's copy-in: the library's own struct at @copy gets
 * its size and defaults from @init (its *_init() function), then the
 * caller's @in (NULL: -EINVAL) over them, as hlkvm_sized_in() does;
 * evaluates to 0 or that -errno. @in is evaluated more than once.
 */
#define HLKVM_SIZED_COPY_IN(copy, init, in, first)			\
	((init)(copy), hlkvm_sized_in((copy), sizeof(*(copy)), (in),	\
				      (in) ? (in)->size : 0, (first)))

/*
 * Copy the library's @ours bytes at @from into the caller's struct of
 * @size bytes at @out (its first member a size_t), zeroing the caller's
 * bytes past @ours, and set its size to the bytes filled. -EINVAL when
 * @size is below @first.
 */
int hlkvm_sized_out(void *out, size_t size, const void *from, size_t ours,
		    size_t first);

#endif /* HLKVM_SIZED_H */
