// SPDX-License-Identifier: LGPL-2.1-or-later
/* A VM state into a caller's buffer of its own size: see state_blob.h */
#include <errno.h>
#include <string.h>

#include "state_blob.h"

#define STATE_V1_SIZE	offsetof(struct hlkvm_vm_state, pic_init)

/*
 * A new version in <linux/hlkvm.h> needs its row below: without it the
 * library would hand out the new fields as if they were the old ones'
 */
_Static_assert(HLKVM_STATE_VERSION == 2, "a row per state version");
_Static_assert(STATE_V1_SIZE == 144, "uapi hlkvm_vm_state v1 layout");
_Static_assert(sizeof(struct hlkvm_vm_state) == 152,
	       "uapi hlkvm_vm_state v2 layout");

size_t hlkvm_state_blob_size(uint32_t version)
{
	switch (version) {
	case 1:
		return STATE_V1_SIZE;
	case 2:
		return sizeof(struct hlkvm_vm_state);
	default:
		return 0;
	}
}

/* The blob's own version and size agree with each other and with @len */
static int blob_check(const void *blob, size_t len)
{
	uint32_t version, size;
	size_t known;

	if (!blob || len < 2 * sizeof(uint32_t))
		return -EPROTO;
	memcpy(&version, blob, sizeof(version));
	memcpy(&size, (const unsigned char *)blob + sizeof(version),
	       sizeof(size));
	if (version == 0 || size != len)
		return -EPROTO;
	known = hlkvm_state_blob_size(version);
	if (version <= HLKVM_STATE_VERSION)
		return size == known ? 0 : -EPROTO;
	/* A newer version appended to ours: it is longer than our newest */
	return size > sizeof(struct hlkvm_vm_state) ? 0 : -EPROTO;
}

int hlkvm_state_blob_out(struct hlkvm_vm_state *out, size_t size,
			 const void *blob, size_t len)
{
	size_t room = size < len ? size : len;
	uint32_t version = HLKVM_STATE_VERSION;
	size_t n;
	int ret;

	if (!out || size < STATE_V1_SIZE)
		return -EINVAL;
	ret = blob_check(blob, len);
	if (ret)
		return ret;
	while (hlkvm_state_blob_size(version) > room)
		version--;	/* version 1 fits: room >= STATE_V1_SIZE */
	n = hlkvm_state_blob_size(version);
	memmove(out, blob, n);
	memset((unsigned char *)out + n, 0, size - n);
	out->version = version;
	out->size = (uint32_t)n;
	return 0;
}
