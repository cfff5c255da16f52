// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for libhlkvm's sized structs (user/lib/sized.c and the
 * netlink requests built from them): a caller built against older
 * headers (a smaller size) still works, its missing fields taking their
 * defaults; a newer caller's unknown fields are refused unless zero; a
 * size below the first release's is -EINVAL; every refusal of a caller's
 * struct leaves hlkvm_strerror() text naming it and saying what to do,
 * and comes before anything is sent (a client whose socket was never
 * connected shows it: what is sent fails -EBADF there).
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
	assert_int_equal(offsetof(struct hlkvm_vm_info, size), 0);
	assert_int_equal(offsetof(struct hlkvm_event, size), 0);
	/*
	 * No tail padding in the first release of a struct the library
	 * fills: a field added later could not start inside it, where
	 * HLKVM_SIZED_HAS() would take an older library's zeroes for it
	 */
	assert_int_equal(offsetof(struct hlkvm_vm_info, stats) +
			 sizeof(struct hlkvm_stats), HLKVM_VM_INFO_SIZE_VER1);
	assert_int_equal(sizeof(struct hlkvm_vm_info), HLKVM_VM_INFO_SIZE_VER1);
	assert_int_equal(offsetof(struct hlkvm_event, config) +
			 sizeof(void *), HLKVM_EVENT_SIZE_VER1);
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

static void vm_info_init_sets_the_size_and_zeroes(void **state)
{
	struct hlkvm_vm_info i, zero;

	(void)state;
	memset(&i, 0x5a, sizeof(i));
	hlkvm_vm_info_init(&i);
	memset(&zero, 0, sizeof(zero));
	zero.size = sizeof(zero);
	assert_memory_equal(&i, &zero, sizeof(i));
}

/*
 * What a caller built against release 2's headers sees from release 1
 * of the library: size says which fields were filled
 */
static void sized_has_tells_the_fields_filled(void **state)
{
	struct v2 newer = { .size = sizeof(newer), .b = 0xffff };
	struct v1 lib = { .size = sizeof(lib), .a = 5 };
	struct hlkvm_vm_info i;

	(void)state;
	assert_true(HLKVM_SIZED_HAS(&newer, b));
	assert_int_equal(hlkvm_sized_out(&newer, newer.size, &lib,
					 sizeof(lib), V1_SIZE), 0);
	assert_true(HLKVM_SIZED_HAS(&newer, a));
	assert_false(HLKVM_SIZED_HAS(&newer, b));
	/* A member that ends exactly at size is there; one past it is not */
	hlkvm_vm_info_init(&i);
	assert_true(HLKVM_SIZED_HAS(&i, stats));
	i.size = offsetof(struct hlkvm_vm_info, stats) + sizeof(i.stats) - 1;
	assert_false(HLKVM_SIZED_HAS(&i, stats));
	assert_true(HLKVM_SIZED_HAS(&i, timer));
	assert_true(HLKVM_SIZED_HAS(&i, vm_id));
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

/* --- refusals through the client: the errno and hlkvm_strerror() --- */

static int client_setup(void **state)
{
	struct hlkvm_client *c;

	/* Not connected: every refusal below comes before sending */
	if (hlkvm_nl_client_new(&c, FAMILY))
		return -1;
	*state = c;
	return 0;
}

static int client_teardown(void **state)
{
	hlkvm_close(*state);
	return 0;
}

/* @ret is the call's return: the refusal, with text naming @what */
static void refused(struct hlkvm_client *c, int ret, int want,
		    const char *what, const char *hint)
{
	const char *msg = hlkvm_strerror(c, ret);

	assert_int_equal(ret, want);
	if (!strstr(msg, what) || !strstr(msg, hint))
		fail_msg("\"%s\" does not name %s and %s", msg, what, hint);
}

/* A caller's struct with one later field, which this library lacks */
#define NEWER(type)			\
	struct {			\
		struct type s;		\
		uint64_t later;		\
	}

static void attach_opts_refusals_say_what_to_do(void **state)
{
	struct hlkvm_client *c = *state;
	NEWER(hlkvm_attach_opts) n;
	struct hlkvm_attach_opts o;

	hlkvm_attach_opts_init(&o);
	o.size = HLKVM_ATTACH_OPTS_SIZE_VER1 - 1;
	refused(c, hlkvm_attach(c, 5, 9, &o, NULL), -EINVAL,
		"struct hlkvm_attach_opts: size 23",
		"hlkvm_attach_opts_init() sets it");
	memset(&n, 0, sizeof(n));
	hlkvm_attach_opts_init(&n.s);
	n.s.size = sizeof(n);
	n.later = 1;
	refused(c, hlkvm_attach(c, 5, 9, &n.s, NULL), -E2BIG,
		"struct hlkvm_attach_opts", "leave them 0");
}

static void vm_info_refusals_come_before_the_request(void **state)
{
	struct hlkvm_vm_ref ref = { .vm_fd = 5 };
	struct hlkvm_client *c = *state;
	NEWER(hlkvm_vm_info) n;
	struct hlkvm_vm_info i;

	hlkvm_vm_info_init(&i);
	i.size = offsetof(struct hlkvm_vm_info, stats);
	/* An attach that went through must never then fail: refused first */
	refused(c, hlkvm_attach(c, 5, 9, NULL, &i), -EINVAL,
		"struct hlkvm_vm_info: size 120",
		"hlkvm_vm_info_init() sets it");
	refused(c, hlkvm_get_vm(c, &ref, &i), -EINVAL,
		"struct hlkvm_vm_info", "hlkvm_vm_info_init() sets it");
	i.size = 0;	/* a caller that never called the init */
	refused(c, hlkvm_get_vm(c, &ref, &i), -EINVAL,
		"struct hlkvm_vm_info: size 0", "hlkvm_vm_info_init()");
	/*
	 * A newer caller's bigger struct is not refused: the request is
	 * sent (and fails here, on a socket never connected)
	 */
	memset(&n, 0x5a, sizeof(n));
	n.s.size = sizeof(n);
	assert_int_equal(hlkvm_attach(c, 5, 9, NULL, &n.s), -EBADF);
	assert_int_equal(hlkvm_get_vm(c, &ref, &n.s), -EBADF);
}

static void vm_set_refusals_say_what_to_do(void **state)
{
	struct hlkvm_vm_ref ref = { .vm_fd = 5 };
	struct hlkvm_client *c = *state;
	NEWER(hlkvm_vm_set) n;
	struct hlkvm_vm_set v;

	hlkvm_vm_set_init(&v);
	v.size = sizeof(size_t);
	refused(c, hlkvm_set_vm(c, &ref, &v), -EINVAL,
		"struct hlkvm_vm_set: size 8", "hlkvm_vm_set_init() sets it");
	refused(c, hlkvm_set_vm(c, &ref, NULL), -EINVAL,
		"struct hlkvm_vm_set: NULL", "hlkvm_vm_set_init()");
	memset(&n, 0, sizeof(n));
	hlkvm_vm_set_init(&n.s);
	n.s.size = sizeof(n);
	n.later = 7;
	refused(c, hlkvm_set_vm(c, &ref, &n.s), -E2BIG,
		"struct hlkvm_vm_set", "leave them 0");
	/* Its unknown field 0: sent */
	n.later = 0;
	assert_int_equal(hlkvm_set_vm(c, &ref, &n.s), -EBADF);
}

static void config_refusals_say_what_to_do(void **state)
{
	struct hlkvm_client *c = *state;
	NEWER(hlkvm_config_set) n;
	struct hlkvm_config_set s;
	struct hlkvm_config cfg = { .size = HLKVM_CONFIG_SIZE_VER1 - 8 };

	hlkvm_config_set_init(&s);
	s.size = 0;
	refused(c, hlkvm_set_config(c, &s), -EINVAL,
		"struct hlkvm_config_set: size 0",
		"hlkvm_config_set_init() sets it");
	memset(&n, 0, sizeof(n));
	hlkvm_config_set_init(&n.s);
	n.s.size = sizeof(n);
	n.later = 1;
	refused(c, hlkvm_set_config(c, &n.s), -E2BIG,
		"struct hlkvm_config_set", "leave them 0");
	/* No init for a reply's struct: the text says what to set */
	refused(c, hlkvm_get_config(c, &cfg), -EINVAL,
		"struct hlkvm_config: size 96",
		"set size = sizeof(struct hlkvm_config)");
}

/* The module's state blob: sized by the caller as a reply's struct is */
static void vm_state_refusal_says_what_to_do(void **state)
{
	struct hlkvm_client *c = *state;
	struct hlkvm_vm_ref ref = { .vm_fd = 0 };
	struct hlkvm_vm_state s = { .size = HLKVM_VM_STATE_SIZE_VER1 - 1 };

	refused(c, hlkvm_get_state(c, &ref, &s), -EINVAL,
		"struct hlkvm_vm_state: size 143",
		"set size = sizeof(struct hlkvm_vm_state)");
	refused(c, hlkvm_get_state(c, &ref, NULL), -EINVAL,
		"struct hlkvm_vm_state: NULL",
		"set size = sizeof(struct hlkvm_vm_state)");
	assert_int_equal(HLKVM_VM_STATE_SIZE_VER1,
			 offsetof(struct hlkvm_vm_state, pic_init));
}

/* The text belongs to the refusal: the next failure has its own */
static void refusal_text_does_not_outlive_it(void **state)
{
	struct hlkvm_client *c = *state;
	struct hlkvm_vm_set v;

	hlkvm_vm_set_init(&v);
	v.size = 1;
	refused(c, hlkvm_set_vm(c, NULL, &v), -EINVAL, "hlkvm_vm_set",
		"hlkvm_vm_set_init()");
	hlkvm_vm_set_init(&v);
	assert_int_equal(hlkvm_set_vm(c, NULL, &v), -EINVAL);	/* no ref */
	assert_null(strstr(hlkvm_strerror(c, -EINVAL), "struct"));
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
		cmocka_unit_test(vm_info_init_sets_the_size_and_zeroes),
		cmocka_unit_test(sized_has_tells_the_fields_filled),
#define C(f) cmocka_unit_test_setup_teardown(f, client_setup, client_teardown)
		C(attach_opts_refusals_say_what_to_do),
		C(vm_info_refusals_come_before_the_request),
		C(vm_set_refusals_say_what_to_do),
		C(config_refusals_say_what_to_do),
		C(vm_state_refusal_says_what_to_do),
		C(refusal_text_does_not_outlive_it),
#undef C
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
