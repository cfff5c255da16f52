// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of hlkvm's generic netlink attribute policies
 * (kmod/policy.c), run through nla_parse()/nla_validate() in the strict
 * mode genetlink applies to hlkvm's commands: what the uapi header
 * promises to reject is rejected, with an extended ACK message naming
 * the attribute, and what it allows passes.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <net/netlink.h>
#include "../kmod/policy.h"
#include "../kmod/ports.h"

/* A stream of attributes as it follows the genl header of a request */
struct attrs {
	u32 words[64];		/* nlattrs are 4-byte aligned */
	int len;
};

static struct nlattr *put(struct attrs *a, u16 type, const void *data,
			  int len)
{
	struct nlattr *nla = (struct nlattr *)((u8 *)a->words + a->len);

	if (WARN_ON(a->len + nla_total_size(len) > (int)sizeof(a->words)))
		return NULL;
	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	memcpy(nla_data(nla), data, len);
	memset((u8 *)nla_data(nla) + len, 0, nla_padlen(len));
	a->len += nla_total_size(len);
	return nla;
}

static struct nlattr *put_u8(struct attrs *a, u16 type, u8 v)
{
	return put(a, type, &v, sizeof(v));
}

static struct nlattr *put_u16(struct attrs *a, u16 type, u16 v)
{
	return put(a, type, &v, sizeof(v));
}

static struct nlattr *put_u32(struct attrs *a, u16 type, u32 v)
{
	return put(a, type, &v, sizeof(v));
}

static struct nlattr *put_u64(struct attrs *a, u16 type, u64 v)
{
	return put(a, type, &v, sizeof(v));
}

static const struct nlattr *head(const struct attrs *a)
{
	return (const struct nlattr *)a->words;
}

/* Parse as genetlink does for hlkvm's ops: strict */
static int parse(const struct attrs *a, const struct nla_policy *policy,
		 struct nlattr **tb, struct netlink_ext_ack *extack)
{
	return nla_parse(tb, HLKVM_A_MAX, head(a), a->len, policy, extack);
}

static void expect_accepted(struct kunit *test, const struct attrs *a,
			    const struct nla_policy *policy)
{
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct netlink_ext_ack extack = {};
	int err = parse(a, policy, tb, &extack);

	KUNIT_EXPECT_EQ_MSG(test, err, 0, "extack: %s",
			    extack._msg ? extack._msg : "(none)");
	KUNIT_EXPECT_NULL(test, extack._msg);
}

/* The rejection must name the attribute and say why */
static void expect_rejected(struct kunit *test, const struct attrs *a,
			    const struct nla_policy *policy,
			    const struct nlattr *bad, int want_err)
{
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct netlink_ext_ack extack = {};
	int err = parse(a, policy, tb, &extack);

	KUNIT_EXPECT_EQ(test, err, want_err);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	if (bad)
		KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr, bad);
}

static void policy_attach_accepts_full_request(struct kunit *test)
{
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct attrs a = {};

	put_u32(&a, HLKVM_A_VM_FD, 3);
	put_u32(&a, HLKVM_A_IRQ_FD, 4);
	put_u32(&a, HLKVM_A_GROUPS, __HLKVM_GROUP_F_ALL);
	put_u16(&a, HLKVM_A_TIMER_PORT, HLKVM_PORT_PV_TIMER);
	put_u32(&a, HLKVM_A_TIMER_POLICY, HLKVM_TIMER_SKIP);
	KUNIT_ASSERT_EQ(test, parse(&a, hlkvm_attach_policy, tb, &extack), 0);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[HLKVM_A_VM_FD]), 3u);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[HLKVM_A_IRQ_FD]), 4u);
	KUNIT_EXPECT_EQ(test, nla_get_u16(tb[HLKVM_A_TIMER_PORT]),
			(u16)HLKVM_PORT_PV_TIMER);
}

static void policy_missing_fds_left_to_the_command(struct kunit *test)
{
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct attrs a = {};

	/* "required" is the doit's check (with its own extack), not policy */
	KUNIT_EXPECT_EQ(test, parse(&a, hlkvm_attach_policy, tb, &extack), 0);
	KUNIT_EXPECT_NULL(test, tb[HLKVM_A_VM_FD]);
	put_u32(&a, HLKVM_A_GROUPS, HLKVM_GROUP_F_PIC);
	KUNIT_EXPECT_EQ(test, parse(&a, hlkvm_attach_policy, tb, &extack), 0);
	KUNIT_EXPECT_NULL(test, tb[HLKVM_A_VM_FD]);
	KUNIT_EXPECT_NULL(test, tb[HLKVM_A_IRQ_FD]);
	a.len = 0;
	KUNIT_EXPECT_EQ(test, parse(&a, hlkvm_detach_policy, tb, &extack), 0);
	KUNIT_EXPECT_EQ(test, parse(&a, hlkvm_set_vm_policy, tb, &extack), 0);
}

static void policy_fd_wrong_length_rejected(struct kunit *test)
{
	struct attrs a = {};
	struct nlattr *bad;

	bad = put_u16(&a, HLKVM_A_VM_FD, 3);
	expect_rejected(test, &a, hlkvm_attach_policy, bad, -EINVAL);
	a.len = 0;
	bad = put_u64(&a, HLKVM_A_IRQ_FD, 3);
	expect_rejected(test, &a, hlkvm_attach_policy, bad, -EINVAL);
	a.len = 0;
	bad = put(&a, HLKVM_A_VM_FD, &a, 0);
	expect_rejected(test, &a, hlkvm_detach_policy, bad, -EINVAL);
}

static void policy_fd_beyond_int_max_rejected(struct kunit *test)
{
	struct attrs a = {};
	struct nlattr *bad;

	put_u32(&a, HLKVM_A_VM_FD, 0);
	put_u32(&a, HLKVM_A_IRQ_FD, INT_MAX);
	expect_accepted(test, &a, hlkvm_attach_policy);
	a.len = 0;
	/* a negative int sent as u32 */
	bad = put_u32(&a, HLKVM_A_VM_FD, (u32)-1);
	expect_rejected(test, &a, hlkvm_attach_policy, bad, -ERANGE);
	a.len = 0;
	bad = put_u32(&a, HLKVM_A_IRQ_FD, (u32)INT_MAX + 1);
	expect_rejected(test, &a, hlkvm_attach_policy, bad, -ERANGE);
}

static void policy_vm_id_zero_rejected(struct kunit *test)
{
	struct attrs a = {};
	struct nlattr *bad;

	put_u32(&a, HLKVM_A_VM_ID, 1);
	expect_accepted(test, &a, hlkvm_detach_policy);
	a.len = 0;
	bad = put_u32(&a, HLKVM_A_VM_ID, 0);	/* never a module id */
	expect_rejected(test, &a, hlkvm_detach_policy, bad, -ERANGE);
	expect_rejected(test, &a, hlkvm_get_vm_policy, bad, -ERANGE);
	expect_rejected(test, &a, hlkvm_set_vm_policy, bad, -ERANGE);
}

static void policy_groups_outside_mask_rejected(struct kunit *test)
{
	static const u32 bad_masks[] = {
		1U << __HLKVM_GROUP_COUNT, __HLKVM_GROUP_F_ALL + 1,
		0x80000000, 0xffffffff,
	};
	const struct nla_policy *policies[] = {
		hlkvm_attach_policy, hlkvm_set_config_policy,
	};
	unsigned int i, p;
	u32 m;

	for (p = 0; p < ARRAY_SIZE(policies); p++) {
		for (m = 0; m <= __HLKVM_GROUP_F_ALL; m++) {
			struct attrs a = {};

			put_u32(&a, HLKVM_A_GROUPS, m);
			expect_accepted(test, &a, policies[p]);
		}
		for (i = 0; i < ARRAY_SIZE(bad_masks); i++) {
			struct attrs a = {};
			struct nlattr *bad;

			bad = put_u32(&a, HLKVM_A_GROUPS, bad_masks[i]);
			expect_rejected(test, &a, policies[p], bad, -EINVAL);
		}
	}
}

static void policy_timer_policy_out_of_range_rejected(struct kunit *test)
{
	const struct nla_policy *policies[] = {
		hlkvm_attach_policy, hlkvm_set_vm_policy,
		hlkvm_set_config_policy,
	};
	unsigned int p;
	u32 v;

	for (p = 0; p < ARRAY_SIZE(policies); p++) {
		for (v = 0; v < __HLKVM_TIMER_POLICY_COUNT; v++) {
			struct attrs a = {};

			put_u32(&a, HLKVM_A_TIMER_POLICY, v);
			expect_accepted(test, &a, policies[p]);
		}
		for (v = __HLKVM_TIMER_POLICY_COUNT; v < 4; v++) {
			struct attrs a = {};
			struct nlattr *bad;

			bad = put_u32(&a, HLKVM_A_TIMER_POLICY, v);
			expect_rejected(test, &a, policies[p], bad, -ERANGE);
		}
		{
			struct attrs a = {};
			struct nlattr *bad;

			bad = put_u32(&a, HLKVM_A_TIMER_POLICY, 0xffffffff);
			expect_rejected(test, &a, policies[p], bad, -ERANGE);
		}
	}
}

/*
 * Reserved timer ports pass the policy (a plain u16) and are refused by
 * the commands' hlkvm_policy_check_timer_port(), with an extack naming
 * the attribute
 */
static void expect_port_refused(struct kunit *test, const struct attrs *a,
				const struct nla_policy *policy,
				const struct nlattr *bad)
{
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct netlink_ext_ack extack = {};

	KUNIT_ASSERT_EQ(test, parse(a, policy, tb, &extack), 0);
	KUNIT_EXPECT_EQ(test, hlkvm_policy_check_timer_port(tb[HLKVM_A_TIMER_PORT],
							     &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr, bad);
}

/* HLKVM_A_PIT_TICK: a u8 of 0 or 1, at attach and as a default only */
static void policy_pit_tick_is_a_flag(struct kunit *test)
{
	const struct nla_policy *takes[] = {
		hlkvm_attach_policy, hlkvm_set_config_policy,
	};
	const struct nla_policy *refuses[] = {
		hlkvm_detach_policy, hlkvm_get_vm_policy, hlkvm_set_vm_policy,
		hlkvm_get_config_policy,
	};
	unsigned int p, v;

	for (p = 0; p < ARRAY_SIZE(takes); p++) {
		for (v = 0; v <= 1; v++) {
			struct attrs a = {};

			put_u8(&a, HLKVM_A_PIT_TICK, v);
			expect_accepted(test, &a, takes[p]);
		}
		for (v = 2; v <= 0xff; v += 0xfd) {
			struct attrs a = {};
			struct nlattr *bad;

			bad = put_u8(&a, HLKVM_A_PIT_TICK, v);
			expect_rejected(test, &a, takes[p], bad, -ERANGE);
		}
		{
			struct attrs a = {};
			struct nlattr *bad;

			/* strict: a u32 is not a u8 */
			bad = put_u32(&a, HLKVM_A_PIT_TICK, 1);
			expect_rejected(test, &a, takes[p], bad, -EINVAL);
		}
	}
	for (p = 0; p < ARRAY_SIZE(refuses); p++) {
		struct attrs a = {};
		struct nlattr *bad;

		bad = put_u8(&a, HLKVM_A_PIT_TICK, 1);
		expect_rejected(test, &a, refuses[p], bad, -EINVAL);
	}
}

static void policy_timer_port_reserved_rejected(struct kunit *test)
{
	static const u16 reserved[] = {
		0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x80,
		HLKVM_PORT_HALT,
	};
	static const u16 fine[] = {
		HLKVM_PORT_PV_TIMER, 0, 0x22, 0x1234, 0xffff,
	};
	struct netlink_ext_ack extack = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reserved); i++) {
		struct attrs a = {};
		struct nlattr *bad;

		bad = put_u16(&a, HLKVM_A_TIMER_PORT, reserved[i]);
		expect_port_refused(test, &a, hlkvm_attach_policy, bad);
		expect_port_refused(test, &a, hlkvm_set_config_policy, bad);
	}
	for (i = 0; i < ARRAY_SIZE(fine); i++) {
		struct nlattr *tb[HLKVM_A_MAX + 1];
		struct attrs a = {};

		put_u16(&a, HLKVM_A_TIMER_PORT, fine[i]);
		expect_accepted(test, &a, hlkvm_attach_policy);
		expect_accepted(test, &a, hlkvm_set_config_policy);
		KUNIT_ASSERT_EQ(test, parse(&a, hlkvm_attach_policy, tb, &extack),
				0);
		KUNIT_EXPECT_EQ(test,
				hlkvm_policy_check_timer_port(tb[HLKVM_A_TIMER_PORT],
							      &extack), 0);
	}
	KUNIT_EXPECT_EQ(test, hlkvm_policy_check_timer_port(NULL, &extack), 0);
}

/*
 * When an attribute fails its policy, netlink_ack() writes that policy
 * into the extack (NLMSGERR_ATTR_POLICY), as a CTRL_CMD_GETPOLICY dump
 * does. Linux 6.1 describes an integer's policy by its range, read from
 * the union that NLA_POLICY_VALIDATE_FN fills with a function pointer:
 * nla_get_range_unsigned() WARNs. Found by tests/host/nl_fuzz.c: any
 * user's 4-byte timer port did it.
 */
static void policy_integers_describable_by_policy_dump(struct kunit *test)
{
	static const struct {
		const char *name;
		const struct nla_policy *policy;
	} policies[] = {
		{ "attach", hlkvm_attach_policy },
		{ "detach", hlkvm_detach_policy },
		{ "get_vm", hlkvm_get_vm_policy },
		{ "set_vm", hlkvm_set_vm_policy },
		{ "get_config", hlkvm_get_config_policy },
		{ "set_config", hlkvm_set_config_policy },
	};
	unsigned int p, t;

	for (p = 0; p < ARRAY_SIZE(policies); p++)
		for (t = 0; t <= HLKVM_A_MAX; t++) {
			const struct nla_policy *pt = &policies[p].policy[t];
			bool integer = pt->type == NLA_U8 ||
				       pt->type == NLA_U16 ||
				       pt->type == NLA_U32 ||
				       pt->type == NLA_U64;

			KUNIT_EXPECT_FALSE_MSG(test, integer &&
					       pt->validation_type == NLA_VALIDATE_FUNCTION,
					       "%s policy, attribute %u: a validation function on an integer",
					       policies[p].name, t);
		}
}

static void policy_timer_port_as_u32_rejected(struct kunit *test)
{
	struct attrs a = {};
	struct nlattr *bad;

	bad = put_u32(&a, HLKVM_A_TIMER_PORT, HLKVM_PORT_PV_TIMER);
	expect_rejected(test, &a, hlkvm_attach_policy, bad, -EINVAL);
}

static void policy_reserved_ports_agree_with_port_table(struct kunit *test)
{
	unsigned int port, n = 0;

	/* Two lists of the same ports in two files: they must not drift */
	for (port = 0; port <= 0xffff; port++) {
		bool pol = hlkvm_policy_port_reserved(port);

		KUNIT_EXPECT_EQ_MSG(test, pol, hlkvm_port_is_reserved(port),
				    "port 0x%x", port);
		n += pol;
	}
	KUNIT_EXPECT_EQ(test, n, 11u);
}

static void check_period_bound(struct kunit *test, u16 type)
{
	static const u32 good[] = { 100, 101, 1000, 9999999, 10000000 };
	static const u32 bad[] = { 0, 1, 99, 10000001, 0xffffffff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		struct attrs a = {};

		put_u32(&a, type, good[i]);
		expect_accepted(test, &a, hlkvm_set_config_policy);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct attrs a = {};
		struct nlattr *b;

		b = put_u32(&a, type, bad[i]);
		expect_rejected(test, &a, hlkvm_set_config_policy, b, -ERANGE);
	}
}

static void policy_period_min_outside_bounds_rejected(struct kunit *test)
{
	check_period_bound(test, HLKVM_A_PERIOD_MIN_US);
}

static void policy_period_max_outside_bounds_rejected(struct kunit *test)
{
	check_period_bound(test, HLKVM_A_PERIOD_MAX_US);
}

static void policy_backlog_max_outside_limit_rejected(struct kunit *test)
{
	static const u32 good[] = { 1, HLKVM_BACKLOG_DEFAULT, HLKVM_BACKLOG_LIMIT };
	static const u32 bad[] = { 0, HLKVM_BACKLOG_LIMIT + 1, 0xffffffff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		struct attrs a = {};

		put_u32(&a, HLKVM_A_BACKLOG_MAX, good[i]);
		expect_accepted(test, &a, hlkvm_set_config_policy);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct attrs a = {};
		struct nlattr *b;

		b = put_u32(&a, HLKVM_A_BACKLOG_MAX, bad[i]);
		expect_rejected(test, &a, hlkvm_set_config_policy, b, -ERANGE);
	}
}

static void policy_set_vm_takes_any_period(struct kunit *test)
{
	static const u32 periods[] = { 0, 1, 99, 10000001, 0xffffffff };
	unsigned int i;

	/* a period the guest could write is clamped later, not refused */
	for (i = 0; i < ARRAY_SIZE(periods); i++) {
		struct attrs a = {};

		put_u32(&a, HLKVM_A_VM_FD, 5);
		put_u32(&a, HLKVM_A_TIMER_PERIOD_US, periods[i]);
		expect_accepted(test, &a, hlkvm_set_vm_policy);
	}
}

static void policy_unknown_attribute_type_rejected(struct kunit *test)
{
	struct attrs a = {};
	struct nlattr *bad;

	put_u32(&a, HLKVM_A_VM_FD, 3);
	bad = put_u32(&a, HLKVM_A_MAX + 1, 0);
	expect_rejected(test, &a, hlkvm_attach_policy, bad, -EINVAL);
	a.len = 0;
	bad = put_u32(&a, 0x7fff, 0);
	expect_rejected(test, &a, hlkvm_get_vm_policy, bad, -EINVAL);
	a.len = 0;
	bad = put_u32(&a, HLKVM_A_UNSPEC, 0);
	expect_rejected(test, &a, hlkvm_set_vm_policy, bad, -EINVAL);
}

static void policy_unknown_attribute_kept_by_liberal_parse(struct kunit *test)
{
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct attrs a = {};

	/*
	 * Control: the rejection above is strict mode's doing, so the
	 * strictness genetlink applies is what protects the command.
	 */
	put_u32(&a, HLKVM_A_MAX + 1, 0);
	KUNIT_EXPECT_EQ(test, nla_parse_deprecated(tb, HLKVM_A_MAX, head(&a),
						   a.len, hlkvm_attach_policy,
						   NULL), 0);
}

static void policy_attribute_foreign_to_command_rejected(struct kunit *test)
{
	static const struct {
		const struct nla_policy *policy;
		u16 type;
	} rows[] = {
		{ hlkvm_attach_policy, HLKVM_A_VM_ID },
		{ hlkvm_attach_policy, HLKVM_A_PERIOD_MIN_US },
		{ hlkvm_attach_policy, HLKVM_A_TIMER_PERIOD_US },
		{ hlkvm_detach_policy, HLKVM_A_GROUPS },
		{ hlkvm_get_vm_policy, HLKVM_A_TIMER_POLICY },
		{ hlkvm_set_vm_policy, HLKVM_A_GROUPS },
		{ hlkvm_set_vm_policy, HLKVM_A_OWNER_PID },
		{ hlkvm_get_config_policy, HLKVM_A_VM_FD },
		{ hlkvm_get_config_policy, HLKVM_A_GROUPS },
		{ hlkvm_get_config_policy, HLKVM_A_VM_COUNT },
		{ hlkvm_set_config_policy, HLKVM_A_VM_FD },
		{ hlkvm_set_config_policy, HLKVM_A_VERSION },
	};
	unsigned int i;

	/* an attribute a command does not take is refused, not ignored */
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct attrs a = {};
		struct nlattr *bad;

		bad = put_u32(&a, rows[i].type, 1);
		expect_rejected(test, &a, rows[i].policy, bad, -EINVAL);
	}
}

static void policy_get_config_takes_nothing(struct kunit *test)
{
	struct attrs a = {};
	u16 type;

	expect_accepted(test, &a, hlkvm_get_config_policy);
	for (type = 1; type <= HLKVM_A_MAX; type++) {
		struct nlattr *bad;

		a.len = 0;
		bad = put_u32(&a, type, 1);
		expect_rejected(test, &a, hlkvm_get_config_policy, bad, -EINVAL);
	}
}

static void policy_reply_only_attributes_rejected_in_requests(struct kunit *test)
{
	const struct nla_policy *policies[] = {
		hlkvm_attach_policy, hlkvm_detach_policy, hlkvm_get_vm_policy,
		hlkvm_set_vm_policy, hlkvm_get_config_policy,
		hlkvm_set_config_policy, hlkvm_get_state_policy,
		hlkvm_set_state_policy,
	};
	static const u16 reply_only[] = {
		HLKVM_A_PAD, HLKVM_A_OWNER_PID, HLKVM_A_ATTACH_TIME_NS,
		HLKVM_A_TIMER, HLKVM_A_STATS, HLKVM_A_VERSION, HLKVM_A_VM_COUNT,
	};
	unsigned int p, i;

	for (p = 0; p < ARRAY_SIZE(policies); p++)
		for (i = 0; i < ARRAY_SIZE(reply_only); i++) {
			struct attrs a = {};
			struct nlattr *bad;

			bad = put_u64(&a, reply_only[i], 1);
			expect_rejected(test, &a, policies[p], bad, -EINVAL);
		}
}

/*
 * GET_STATE names a VM and nothing else; SET_STATE takes the state blob
 * at any length, since state.c names the field (or the length) at fault
 */
static void policy_state_commands(struct kunit *test)
{
	u8 blob[sizeof(struct hlkvm_vm_state) + 8] = {};
	struct attrs a = {};
	struct nlattr *bad;

	put_u32(&a, HLKVM_A_VM_FD, 3);
	expect_accepted(test, &a, hlkvm_get_state_policy);
	bad = put(&a, HLKVM_A_STATE, blob, sizeof(struct hlkvm_vm_state));
	expect_rejected(test, &a, hlkvm_get_state_policy, bad, -EINVAL);
	expect_accepted(test, &a, hlkvm_set_state_policy);

	a.len = 0;
	put_u32(&a, HLKVM_A_VM_ID, 7);
	put(&a, HLKVM_A_STATE, blob, sizeof(blob));
	expect_accepted(test, &a, hlkvm_set_state_policy);
	a.len = 0;
	put(&a, HLKVM_A_STATE, blob, 3);
	expect_accepted(test, &a, hlkvm_set_state_policy);
	bad = put_u32(&a, HLKVM_A_TIMER_PERIOD_US, 1000);
	expect_rejected(test, &a, hlkvm_set_state_policy, bad, -EINVAL);
	a.len = 0;
	bad = put_u32(&a, HLKVM_A_VM_ID, 0);
	expect_rejected(test, &a, hlkvm_set_state_policy, bad, -ERANGE);
	expect_rejected(test, &a, hlkvm_get_state_policy, bad, -ERANGE);
}

static void policy_trailing_bytes_rejected(struct kunit *test)
{
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct attrs a = {};

	put_u32(&a, HLKVM_A_VM_FD, 3);
	a.len += 2;	/* half an attribute header */
	KUNIT_EXPECT_EQ(test, parse(&a, hlkvm_detach_policy, tb, &extack),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
}

static void policy_nla_validate_agrees_with_parse(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct attrs a = {};
	struct nlattr *bad;

	put_u32(&a, HLKVM_A_VM_FD, 3);
	put_u32(&a, HLKVM_A_TIMER_PERIOD_US, 1000);
	KUNIT_EXPECT_EQ(test, nla_validate(head(&a), a.len, HLKVM_A_MAX,
					   hlkvm_set_vm_policy, &extack), 0);
	bad = put_u32(&a, HLKVM_A_TIMER_POLICY, __HLKVM_TIMER_POLICY_COUNT);
	KUNIT_EXPECT_EQ(test, nla_validate(head(&a), a.len, HLKVM_A_MAX,
					   hlkvm_set_vm_policy, &extack),
			-ERANGE);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr, (const struct nlattr *)bad);
}

/*
 * Every rejection carries a message: one table over all policies, so a
 * new attribute with a policy that fails silently shows up here.
 */
struct reject_case {
	const char *name;
	const struct nla_policy *policy;
	u16 type;
	u8 len;
	u64 value;
};

static const struct reject_case reject_cases[] = {
	{ "attach vm_fd u8", hlkvm_attach_policy, HLKVM_A_VM_FD, 1, 3 },
	{ "attach irq_fd negative", hlkvm_attach_policy, HLKVM_A_IRQ_FD, 4,
	  0xfffffffe },
	{ "attach groups bit 5", hlkvm_attach_policy, HLKVM_A_GROUPS, 4,
	  1U << 5 },
	{ "attach policy 2", hlkvm_attach_policy, HLKVM_A_TIMER_POLICY, 4, 2 },
	{ "attach timer port u32", hlkvm_attach_policy, HLKVM_A_TIMER_PORT, 4,
	  HLKVM_PORT_PV_TIMER },
	{ "attach unknown type", hlkvm_attach_policy, HLKVM_A_MAX + 1, 4, 0 },
	{ "detach vm_id 0", hlkvm_detach_policy, HLKVM_A_VM_ID, 4, 0 },
	{ "detach irq_fd", hlkvm_detach_policy, HLKVM_A_IRQ_FD, 4, 4 },
	{ "get_vm vm_fd u64", hlkvm_get_vm_policy, HLKVM_A_VM_FD, 8, 3 },
	{ "set_vm period u16", hlkvm_set_vm_policy, HLKVM_A_TIMER_PERIOD_US, 2,
	  100 },
	{ "set_vm policy 7", hlkvm_set_vm_policy, HLKVM_A_TIMER_POLICY, 4, 7 },
	{ "get_config groups", hlkvm_get_config_policy, HLKVM_A_GROUPS, 4, 1 },
	{ "set_config min 99", hlkvm_set_config_policy, HLKVM_A_PERIOD_MIN_US,
	  4, 99 },
	{ "set_config max 10000001", hlkvm_set_config_policy,
	  HLKVM_A_PERIOD_MAX_US, 4, 10000001 },
	{ "set_config backlog 0", hlkvm_set_config_policy, HLKVM_A_BACKLOG_MAX,
	  4, 0 },
	{ "set_config backlog 65537", hlkvm_set_config_policy,
	  HLKVM_A_BACKLOG_MAX, 4, HLKVM_BACKLOG_LIMIT + 1 },
	{ "set_config groups all ones", hlkvm_set_config_policy,
	  HLKVM_A_GROUPS, 4, 0xffffffff },
	{ "set_config vm_fd", hlkvm_set_config_policy, HLKVM_A_VM_FD, 4, 3 },
};

static void reject_case_desc(const struct reject_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(reject, reject_cases, reject_case_desc);

static void policy_rejection_sets_extack_message(struct kunit *test)
{
	const struct reject_case *c = test->param_value;
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct attrs a = {};
	struct nlattr *bad;
	int err;

	bad = put(&a, c->type, &c->value, c->len);	/* little-endian host */
	err = parse(&a, c->policy, tb, &extack);
	KUNIT_EXPECT_LT(test, err, 0);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr, (const struct nlattr *)bad);
	if (extack._msg)
		kunit_info(test, "%s: %d, \"%s\"", c->name, err, extack._msg);
}

static struct kunit_case hlkvm_policy_test_cases[] = {
	KUNIT_CASE(policy_attach_accepts_full_request),
	KUNIT_CASE(policy_missing_fds_left_to_the_command),
	KUNIT_CASE(policy_fd_wrong_length_rejected),
	KUNIT_CASE(policy_fd_beyond_int_max_rejected),
	KUNIT_CASE(policy_vm_id_zero_rejected),
	KUNIT_CASE(policy_groups_outside_mask_rejected),
	KUNIT_CASE(policy_timer_policy_out_of_range_rejected),
	KUNIT_CASE(policy_pit_tick_is_a_flag),
	KUNIT_CASE(policy_timer_port_reserved_rejected),
	KUNIT_CASE(policy_timer_port_as_u32_rejected),
	KUNIT_CASE(policy_integers_describable_by_policy_dump),
	KUNIT_CASE(policy_reserved_ports_agree_with_port_table),
	KUNIT_CASE(policy_period_min_outside_bounds_rejected),
	KUNIT_CASE(policy_period_max_outside_bounds_rejected),
	KUNIT_CASE(policy_backlog_max_outside_limit_rejected),
	KUNIT_CASE(policy_set_vm_takes_any_period),
	KUNIT_CASE(policy_unknown_attribute_type_rejected),
	KUNIT_CASE(policy_unknown_attribute_kept_by_liberal_parse),
	KUNIT_CASE(policy_attribute_foreign_to_command_rejected),
	KUNIT_CASE(policy_get_config_takes_nothing),
	KUNIT_CASE(policy_reply_only_attributes_rejected_in_requests),
	KUNIT_CASE(policy_state_commands),
	KUNIT_CASE(policy_trailing_bytes_rejected),
	KUNIT_CASE(policy_nla_validate_agrees_with_parse),
	KUNIT_CASE_PARAM(policy_rejection_sets_extack_message,
			 reject_gen_params),
	{}
};

static struct kunit_suite hlkvm_policy_test_suite = {
	.name = "hlkvm_policy",
	.test_cases = hlkvm_policy_test_cases,
};

kunit_test_suite(hlkvm_policy_test_suite);
