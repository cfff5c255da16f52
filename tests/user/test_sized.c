// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for libhlkvm's sized structs (user/lib/sized.c and the
 * netlink requests built from them): a caller built against older
 * headers (a smaller size) still works, its missing fields taking their
 * defaults; a newer caller's unknown fields are refused unless zero; a
 * size below the first release's is -EINVAL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "hlkvm.h"
#include "nl_internal.h"
#include "sized.h"

#define FAMILY 0x1c	/* any genl family id: nothing is sent */

/* A struct as release 2 of some library has it, and release 1 had it */
struct v2 {
	size_t size;
	uint32_t a;
	uint64_t b;		/* new in release 2 */
};

struct v1 {
	size_t size;
	uint32_t a;
};

#define V1_SIZE	sizeof(struct v1)
_Static_assert(sizeof(struct v2) > V1_SIZE, "release 2 grew");

static void old_caller_input_keeps_new_fields_default(void **state)
{
	struct v2 lib = { .a = 0xaaaa, .b = 0xbbbb };	/* the defaults */
	struct {
		struct v1 s;
		unsigned char beyond[8];	/* whatever follows it */
	} caller = { .s = { .size = V1_SIZE, .a = 7 } };

	(void)state;
	memset(caller.beyond, 0x5a, sizeof(caller.beyond));
	assert_int_equal(hlkvm_sized_in(&lib, sizeof(lib), &caller.s,
					caller.s.size, V1_SIZE), 0);
	assert_int_equal(lib.a, 7);
	assert_int_equal(lib.b, 0xbbbb);	/* never read from the caller */
}

static void newer_caller_input_needs_zero_unknown_fields(void **state)
{
	struct v1 lib = { .a = 1 };
	struct v2 caller = { .size = sizeof(caller), .a = 9, .b = 0 };

	(void)state;
	assert_int_equal(hlkvm_sized_in(&lib, sizeof(lib), &caller,
					caller.size, V1_SIZE), 0);
	assert_int_equal(lib.a, 9);
	caller.b = 3;
	lib.a = 1;
	assert_int_equal(hlkvm_sized_in(&lib, sizeof(lib), &caller,
					caller.size, V1_SIZE), -E2BIG);
	assert_int_equal(lib.a, 1);	/* refused whole */
}

static void too_small_input_is_einval(void **state)
{
	struct v2 lib = { .a = 1 };
	struct v1 caller = { .size = offsetof(struct v1, a), .a = 9 };

	(void)state;
	assert_int_equal(hlkvm_sized_in(&lib, sizeof(lib), &caller,
					caller.size, V1_SIZE), -EINVAL);
	assert_int_equal(hlkvm_sized_in(&lib, sizeof(lib), &caller, 0,
					V1_SIZE), -EINVAL);
	assert_int_equal(hlkvm_sized_in(&lib, sizeof(lib), NULL, V1_SIZE,
					V1_SIZE), -EINVAL);
	assert_int_equal(lib.a, 1);
}

static void old_caller_output_gets_only_its_bytes(void **state)
{
	struct v2 lib = { .size = sizeof(lib), .a = 5, .b = 6 };
	struct {
		struct v1 s;
		unsigned char beyond[8];
	} caller = { .s = { .size = V1_SIZE } };

	(void)state;
	memset(caller.beyond, 0x5a, sizeof(caller.beyond));
	assert_int_equal(hlkvm_sized_out(&caller.s, caller.s.size, &lib,
					 sizeof(lib), V1_SIZE), 0);
	assert_int_equal(caller.s.a, 5);
	assert_int_equal(caller.s.size, V1_SIZE);
	for (size_t i = 0; i < sizeof(caller.beyond); i++)
		assert_int_equal(caller.beyond[i], 0x5a);	/* untouched */
}

static void newer_caller_output_is_zeroed_and_told(void **state)
{
	struct v1 lib = { .size = sizeof(lib), .a = 5 };
	struct v2 caller = { .size = sizeof(caller), .a = 1, .b = 0xffff };

	(void)state;
	assert_int_equal(hlkvm_sized_out(&caller, caller.size, &lib,
					 sizeof(lib), V1_SIZE), 0);
	assert_int_equal(caller.a, 5);
	assert_int_equal(caller.b, 0);
	assert_int_equal(caller.size, V1_SIZE);	/* what was filled */
}

static void too_small_output_is_einval(void **state)
{
	struct v2 lib = { .size = sizeof(lib), .a = 5 };
	struct v1 caller = { .size = 4, .a = 1 };

	(void)state;
	assert_int_equal(hlkvm_sized_out(&caller, caller.size, &lib,
					 sizeof(lib), V1_SIZE), -EINVAL);
	assert_int_equal(caller.a, 1);
	assert_int_equal(caller.size, 4);
}

/* --- the library's own structs, through the requests they build --- */

static struct nl_msg *request_msg(uint8_t cmd)
{
	struct nl_msg *msg = hlkvm_nl_msg_new(FAMILY, cmd, 0);

	assert_non_null(msg);
	return msg;
}

static void attr(struct nl_msg *msg, struct nlattr **tb)
{
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, HLKVM_A_MAX,
				       NULL), 0);
}

static void first_release_sizes_are_the_abi(void **state)
{
	(void)state;
	/* Growing is allowed, at the end; these numbers never change */
	assert_true(sizeof(struct hlkvm_attach_opts) >=
		    HLKVM_ATTACH_OPTS_SIZE_VER1);
	assert_int_equal(offsetof(struct hlkvm_attach_opts, pit_tick) + 4,
			 HLKVM_ATTACH_OPTS_SIZE_VER1);
	assert_int_equal(offsetof(struct hlkvm_vm_set, timer_policy) + 4,
			 HLKVM_VM_SET_SIZE_VER1);
	assert_int_equal(offsetof(struct hlkvm_config_set, pit_tick) + 4,
			 HLKVM_CONFIG_SET_SIZE_VER1 - 4);	/* + padding */
	assert_true(offsetof(struct hlkvm_config, pit_tick) <
		    HLKVM_CONFIG_SIZE_VER1);
	assert_int_equal(offsetof(struct hlkvm_attach_opts, size), 0);
	assert_int_equal(offsetof(struct hlkvm_config, size), 0);
	assert_int_equal(offsetof(struct hlkvm_config_set, size), 0);
	assert_int_equal(offsetof(struct hlkvm_vm_set, size), 0);
}

static void init_sets_the_size(void **state)
{
	struct hlkvm_attach_opts o = { 0 };
	struct hlkvm_config_set c = { 0 };
	struct hlkvm_vm_set v = { 0 };

	(void)state;
	hlkvm_attach_opts_init(&o);
	hlkvm_config_set_init(&c);
	hlkvm_vm_set_init(&v);
	assert_int_equal(o.size, sizeof(o));
	assert_int_equal(c.size, sizeof(c));
	assert_int_equal(v.size, sizeof(v));
}

static void attach_opts_of_the_first_release_work(void **state)
{
	struct nl_msg *msg = request_msg(HLKVM_CMD_ATTACH);
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct {
		struct hlkvm_attach_opts o;
		uint32_t later[4];	/* a later release's fields, unsent */
	} caller;

	(void)state;
	hlkvm_attach_opts_init(&caller.o);
	caller.o.size = HLKVM_ATTACH_OPTS_SIZE_VER1;
	caller.o.timer_policy = HLKVM_TIMER_SKIP;
	memset(caller.later, 0x77, sizeof(caller.later));
	assert_int_equal(hlkvm_nl_put_attach(msg, 5, 9, &caller.o), 0);
	attr(msg, tb);
	assert_int_equal(nla_get_u32(tb[HLKVM_A_TIMER_POLICY]),
			 HLKVM_TIMER_SKIP);
	assert_null(tb[HLKVM_A_GROUPS]);
	nlmsg_free(msg);
}

static void sized_requests_refuse_a_too_small_size(void **state)
{
	struct nl_msg *msg = request_msg(HLKVM_CMD_SET_CONFIG);
	struct hlkvm_attach_opts o;
	struct hlkvm_config_set c;
	struct hlkvm_vm_set v;
	struct nlattr *tb[HLKVM_A_MAX + 1];

	(void)state;
	hlkvm_attach_opts_init(&o);
	hlkvm_config_set_init(&c);
	hlkvm_vm_set_init(&v);
	o.size = HLKVM_ATTACH_OPTS_SIZE_VER1 - 4;
	c.size = 0;		/* a caller that never called the init */
	v.size = sizeof(size_t);
	assert_int_equal(hlkvm_nl_put_attach(msg, 5, 9, &o), -EINVAL);
	assert_int_equal(hlkvm_nl_put_config_set(msg, &c), -EINVAL);
	assert_int_equal(hlkvm_nl_put_vm_set(msg, &v), -EINVAL);
	assert_int_equal(hlkvm_nl_put_vm_set(msg, NULL), -EINVAL);
	/* Nothing was put for a refused struct */
	attr(msg, tb);
	assert_null(tb[HLKVM_A_VM_FD]);
	nlmsg_free(msg);
}

static void sized_request_refuses_unknown_fields(void **state)
{
	struct nl_msg *msg = request_msg(HLKVM_CMD_SET_VM);
	struct {
		struct hlkvm_vm_set s;
		uint32_t newer;		/* a newer caller's field */
	} caller;

	(void)state;
	memset(&caller, 0, sizeof(caller));
	hlkvm_vm_set_init(&caller.s);
	caller.s.size = sizeof(caller);
	assert_int_equal(hlkvm_nl_put_vm_set(msg, &caller.s), 0);
	caller.newer = 1;
	assert_int_equal(hlkvm_nl_put_vm_set(msg, &caller.s), -E2BIG);
	nlmsg_free(msg);
}

static void config_reply_fills_the_size(void **state)
{
	struct nl_msg *msg = request_msg(HLKVM_CMD_GET_CONFIG);
	struct hlkvm_config c;

	(void)state;
	nla_put_string(msg, HLKVM_A_VERSION, "9.9.9");
	assert_int_equal(hlkvm_nl_parse_config(nlmsg_hdr(msg), &c), 0);
	assert_int_equal(c.size, sizeof(c));
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(old_caller_input_keeps_new_fields_default),
		cmocka_unit_test(newer_caller_input_needs_zero_unknown_fields),
		cmocka_unit_test(too_small_input_is_einval),
		cmocka_unit_test(old_caller_output_gets_only_its_bytes),
		cmocka_unit_test(newer_caller_output_is_zeroed_and_told),
		cmocka_unit_test(too_small_output_is_einval),
		cmocka_unit_test(first_release_sizes_are_the_abi),
		cmocka_unit_test(init_sets_the_size),
		cmocka_unit_test(attach_opts_of_the_first_release_work),
		cmocka_unit_test(sized_requests_refuse_a_too_small_size),
		cmocka_unit_test(sized_request_refuses_unknown_fields),
		cmocka_unit_test(config_reply_fills_the_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
