// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for user/lib/state_blob.c: a VM state of any version into
 * a caller's buffer of any size from version 1's up. The caller gets the
 * newest version the library knows that fits both, told in the blob's
 * version and size, and zeros past it; a size below version 1's is
 * -EINVAL and a blob that disagrees with itself -EPROTO, nothing written
 * either way.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "state_blob.h"

#define V1	144
#define V2	152
#define V3	168	/* some later version: 16 bytes appended */
#define JUNK	0x5a

/* A caller's buffer with room past any struct: what must stay zero */
struct room {
	struct hlkvm_vm_state s;
	unsigned char later[32];
};

/* A blob of @version and @size, every byte past the header @fill */
static void blob(void *buf, uint32_t version, uint32_t size,
		 unsigned char fill)
{
	memset(buf, fill, size);
	memcpy(buf, &version, 4);
	memcpy((unsigned char *)buf + 4, &size, 4);
}

static void all(const void *p, size_t from, size_t to, unsigned char v)
{
	const unsigned char *b = p;
	size_t i;

	for (i = from; i < to; i++)
		if (b[i] != v)
			fail_msg("byte %zu is 0x%x, want 0x%x", i, b[i], v);
}

static void sizes_follow_the_uapi(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_state_blob_size(0), 0);
	assert_int_equal(hlkvm_state_blob_size(1), V1);
	assert_int_equal(hlkvm_state_blob_size(1),
			 offsetof(struct hlkvm_vm_state, pic_init));
	assert_int_equal(hlkvm_state_blob_size(HLKVM_STATE_VERSION),
			 sizeof(struct hlkvm_vm_state));
	assert_int_equal(hlkvm_state_blob_size(HLKVM_STATE_VERSION + 1), 0);
}

static void v1_blob_into_a_v2_buffer_stays_v1(void **state)
{
	unsigned char in[V1];
	struct room out;

	(void)state;
	blob(in, 1, V1, 0x11);
	memset(&out, JUNK, sizeof(out));
	assert_int_equal(hlkvm_state_blob_out(&out.s, V2, in, V1), 0);
	assert_int_equal(out.s.version, 1);
	assert_int_equal(out.s.size, V1);
	all(&out, 8, V1, 0x11);
	all(&out, V1, V2, 0);		/* pic_init, pic_flags, reserved2 */
	all(&out, V2, sizeof(out), JUNK);	/* not the caller's */
}

static void v2_blob_into_a_v1_buffer_is_cut_to_v1(void **state)
{
	unsigned char in[V2];
	struct room out;

	(void)state;
	blob(in, 2, V2, 0x22);
	memset(&out, JUNK, sizeof(out));
	assert_int_equal(hlkvm_state_blob_out(&out.s, V1, in, V2), 0);
	assert_int_equal(out.s.version, 1);
	assert_int_equal(out.s.size, V1);
	all(&out, 8, V1, 0x22);
	all(&out, V1, sizeof(out), JUNK);
}

/* Between two versions' sizes: the smaller one, and zeros to the end */
static void a_buffer_between_versions_gets_the_smaller(void **state)
{
	unsigned char in[V2];
	struct room out;

	(void)state;
	blob(in, 2, V2, 0x22);
	memset(&out, JUNK, sizeof(out));
	assert_int_equal(hlkvm_state_blob_out(&out.s, V2 - 1, in, V2), 0);
	assert_int_equal(out.s.version, 1);
	assert_int_equal(out.s.size, V1);
	all(&out, V1, V2 - 1, 0);
	all(&out, V2 - 1, sizeof(out), JUNK);
}

static void future_v3_blob_is_cut_to_ours(void **state)
{
	unsigned char in[V3];
	struct room out;

	(void)state;
	blob(in, 3, V3, 0x33);
	/* A v3 caller's buffer: still only the version this library knows */
	memset(&out, JUNK, sizeof(out));
	assert_int_equal(hlkvm_state_blob_out(&out.s, V3, in, V3), 0);
	assert_int_equal(out.s.version, HLKVM_STATE_VERSION);
	assert_int_equal(out.s.size, V2);
	all(&out, 8, V2, 0x33);
	all(&out, V2, V3, 0);
	all(&out, V3, sizeof(out), JUNK);
	/* A v2 caller's */
	memset(&out, JUNK, sizeof(out));
	assert_int_equal(hlkvm_state_blob_out(&out.s, V2, in, V3), 0);
	assert_int_equal(out.s.version, 2);
	assert_int_equal(out.s.size, V2);
	all(&out, V2, sizeof(out), JUNK);
}

static void same_version_is_copied_whole(void **state)
{
	struct hlkvm_vm_state in, out;

	(void)state;
	blob(&in, HLKVM_STATE_VERSION, sizeof(in), 0x44);
	memset(&out, JUNK, sizeof(out));
	assert_int_equal(hlkvm_state_blob_out(&out, sizeof(out), &in,
					      sizeof(in)), 0);
	assert_memory_equal(&out, &in, sizeof(in));
}

static void a_size_below_v1_is_einval(void **state)
{
	unsigned char in[V2];
	struct room out;

	(void)state;
	blob(in, 2, V2, 0x22);
	memset(&out, JUNK, sizeof(out));
	assert_int_equal(hlkvm_state_blob_out(&out.s, V1 - 1, in, V2),
			 -EINVAL);
	assert_int_equal(hlkvm_state_blob_out(&out.s, 0, in, V2), -EINVAL);
	assert_int_equal(hlkvm_state_blob_out(NULL, V2, in, V2), -EINVAL);
	all(&out, 0, sizeof(out), JUNK);
}

/* @len bytes of a blob claiming @version and @size: refused untouched */
static void refused(uint32_t version, uint32_t size, size_t len)
{
	unsigned char in[V3 + 8];
	struct room out;

	assert_true(len <= sizeof(in));
	memset(in, 0, sizeof(in));
	blob(in, version, size < sizeof(in) ? size : sizeof(in), 0x66);
	memcpy(in + 4, &size, 4);
	memset(&out, JUNK, sizeof(out));
	assert_int_equal(hlkvm_state_blob_out(&out.s, sizeof(out), in, len),
			 -EPROTO);
	all(&out, 0, sizeof(out), JUNK);
}

static void a_blob_that_disagrees_with_itself_is_eproto(void **state)
{
	(void)state;
	refused(2, V2, V2 - 1);		/* its size field is not its length */
	refused(2, V2, V2 + 8);
	refused(1, V1, V2);
	refused(2, V1, V1);		/* a known version of another size */
	refused(1, V2, V2);
	refused(0, V2, V2);		/* no version 0 */
	refused(3, V2, V2);		/* a later version not appended to ours */
	refused(3, V1, V1);
	refused(2, 4, 4);		/* shorter than its version and size */
	refused(2, 0, 0);
	assert_int_equal(hlkvm_state_blob_out(&(struct room){ 0 }.s, V2,
					      NULL, V2), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_follow_the_uapi),
		cmocka_unit_test(v1_blob_into_a_v2_buffer_stays_v1),
		cmocka_unit_test(v2_blob_into_a_v1_buffer_is_cut_to_v1),
		cmocka_unit_test(a_buffer_between_versions_gets_the_smaller),
		cmocka_unit_test(future_v3_blob_is_cut_to_ours),
		cmocka_unit_test(same_version_is_copied_whole),
		cmocka_unit_test(a_size_below_v1_is_einval),
		cmocka_unit_test(a_blob_that_disagrees_with_itself_is_eproto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
