/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A struct hlkvm_vm_state handed to a caller whose buffer the library
 * does not size: the caller's size says how much room there is, the
 * blob's own version and size say what it holds. A later version only
 * appends fields, so a blob's first bytes are a valid earlier-version
 * blob: the caller gets the newest version this library knows that fits
 * both, whoever wrote the blob (an older or a newer module, the
 * fallback).
 */
#ifndef HLKVM_STATE_BLOB_H
#define HLKVM_STATE_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include <linux/hlkvm.h>

/* The size of struct hlkvm_vm_state version @version; 0 for one unknown */
size_t hlkvm_state_blob_size(uint32_t version);

/*
 * Fill the caller's @size bytes at @out from the @len bytes of a state at
 * @blob: the newest version this library knows whose size is at most both
 * @size and @len, its version and size fields saying so, the caller's
 * bytes past it zeroed. -EINVAL (nothing written) when @out is NULL or
 * @size is below version 1's; -EPROTO (nothing written) when the blob is
 * not a state: shorter than its version and size, its size field not
 * @len, version 0, a known version of another size, or a newer version
 * no longer than this library's newest.
 */
int hlkvm_state_blob_out(struct hlkvm_vm_state *out, size_t size,
			 const void *blob, size_t len);

#endif /* HLKVM_STATE_BLOB_H */
