// SPDX-License-Identifier: GPL-2.0
/*
 * cmocka tests for libhlkvm's netlink message building and reply parsing
 * (user/lib/nl.c through nl_internal.h), on synthetic messages made with
 * libnl exactly as the kernel would lay them out: no module needed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "hlkvm.h"
#include "nl_internal.h"

#define FAMILY 0x1c	/* any genl family id: nothing is sent */

/* --- helpers --- */

static struct nl_msg *reply(uint8_t cmd)
{
	struct nl_msg *msg = hlkvm_nl_msg_new(FAMILY, cmd, 0);

	assert_non_null(msg);
	return msg;
}

/* Parse a request back with nla_parse and no policy: raw attributes */
static void request_attrs(struct nl_msg *msg, struct nlattr **tb)
{
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, HLKVM_A_MAX,
				       NULL), 0);
}

static void put_full_vm(struct nl_msg *msg)
{
	struct nlattr *nest;
	int i;

	assert_int_equal(nla_put_u32(msg, HLKVM_A_VM_ID, 7), 0);
	assert_int_equal(nla_put_u32(msg, HLKVM_A_OWNER_PID, 4242), 0);
	assert_int_equal(nla_put_u32(msg, HLKVM_A_GROUPS,
				     HLKVM_GROUP_F_PIC | HLKVM_GROUP_F_TIMER), 0);
	assert_int_equal(nla_put_u16(msg, HLKVM_A_TIMER_PORT, 107), 0);
	assert_int_equal(nla_put_u32(msg, HLKVM_A_TIMER_POLICY,
				     HLKVM_TIMER_SKIP), 0);
	assert_int_equal(nla_put_u64(msg, HLKVM_A_ATTACH_TIME_NS,
				     123456789012ULL), 0);
	assert_int_equal(nla_put_u32(msg, HLKVM_A_IRQCHIP,
				     HLKVM_IRQCHIP_KERNEL), 0);

	nest = nla_nest_start(msg, HLKVM_A_TIMER);
	assert_non_null(nest);
	nla_put_u8(msg, HLKVM_TIMER_A_RUNNING, 1);
	nla_put_u32(msg, HLKVM_TIMER_A_REQUESTED_US, 50);
	nla_put_u32(msg, HLKVM_TIMER_A_PERIOD_US, 100);
	nla_put_u64(msg, HLKVM_TIMER_A_TICKS, 5000000000ULL);
	nla_put_u64(msg, HLKVM_TIMER_A_MERGED, 3);
	nla_put_u64(msg, HLKVM_TIMER_A_LOST, 4);
	nla_put_u32(msg, HLKVM_TIMER_A_BACKLOG, 5);
	nla_put_u32(msg, HLKVM_TIMER_A_OUTSTANDING, 1);
	nla_put_u64(msg, HLKVM_TIMER_A_CLAMPED, 6);
	nla_put_u32(msg, HLKVM_TIMER_A_SOURCE, HLKVM_TIMER_SRC_PIT);
	nla_put_u64(msg, HLKVM_TIMER_A_PERIOD_NS, 99733);
	nla_nest_end(msg, nest);
	assert_int_equal(nla_put_u8(msg, HLKVM_A_PIT_TICK, 1), 0);

	/* Counter i gets 1000 + i, so a swapped pair shows */
	nest = nla_nest_start(msg, HLKVM_A_STATS);
	assert_non_null(nest);
	for (i = HLKVM_STATS_A_PIC_IN; i <= HLKVM_STATS_A_MAX; i++)
		assert_int_equal(nla_put_u64(msg, i, 1000 + i), 0);
	nla_nest_end(msg, nest);
}

/* --- request building --- */

static void msg_new_sets_genl_header(void **state)
{
	struct nl_msg *msg = hlkvm_nl_msg_new(FAMILY, HLKVM_CMD_GET_VM,
					      NLM_F_DUMP);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);

	(void)state;
	assert_int_equal(nlh->nlmsg_type, FAMILY);
	assert_true(nlh->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(gh->cmd, HLKVM_CMD_GET_VM);
	assert_int_equal(gh->version, HLKVM_GENL_VERSION);
	nlmsg_free(msg);
}

static void attach_defaults_send_only_fds(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_ATTACH);
	struct hlkvm_attach_opts o;
	struct nlattr *tb[HLKVM_A_MAX + 1];

	(void)state;
	hlkvm_attach_opts_init(&o);
	assert_int_equal(hlkvm_nl_put_attach(msg, 5, 9, &o), 0);
	request_attrs(msg, tb);
	assert_non_null(tb[HLKVM_A_VM_FD]);
	assert_int_equal(nla_len(tb[HLKVM_A_VM_FD]), 4);
	assert_int_equal(nla_get_u32(tb[HLKVM_A_VM_FD]), 5);
	assert_int_equal(nla_get_u32(tb[HLKVM_A_IRQ_FD]), 9);
	assert_null(tb[HLKVM_A_GROUPS]);
	assert_null(tb[HLKVM_A_TIMER_PORT]);
	assert_null(tb[HLKVM_A_TIMER_POLICY]);
	assert_null(tb[HLKVM_A_PIT_TICK]);
	nlmsg_free(msg);
}

/* NLA_U8 in the uapi, 0 or 1 whatever non-zero value the caller gave */
static void attach_pit_tick_is_a_u8_flag(void **state)
{
	static const uint32_t given[] = { 0, 1, 7 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct nl_msg *msg = reply(HLKVM_CMD_ATTACH);
		struct hlkvm_attach_opts o;
		struct nlattr *tb[HLKVM_A_MAX + 1];

		hlkvm_attach_opts_init(&o);
		o.pit_tick = given[i];
		assert_int_equal(hlkvm_nl_put_attach(msg, 3, 4, &o), 0);
		request_attrs(msg, tb);
		assert_non_null(tb[HLKVM_A_PIT_TICK]);
		assert_int_equal(nla_len(tb[HLKVM_A_PIT_TICK]), 1);
		assert_int_equal(nla_get_u8(tb[HLKVM_A_PIT_TICK]), given[i] != 0);
		nlmsg_free(msg);
	}
}

static void attach_options_have_uapi_types(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_ATTACH);
	struct hlkvm_attach_opts o;
	struct nlattr *tb[HLKVM_A_MAX + 1];

	(void)state;
	hlkvm_attach_opts_init(&o);
	o.groups = HLKVM_GROUP_F_PIT;
	o.timer_port = 0x1234;
	o.timer_policy = HLKVM_TIMER_SKIP;
	assert_int_equal(hlkvm_nl_put_attach(msg, 3, 4, &o), 0);
	request_attrs(msg, tb);
	assert_int_equal(nla_len(tb[HLKVM_A_GROUPS]), 4);
	assert_int_equal(nla_get_u32(tb[HLKVM_A_GROUPS]), HLKVM_GROUP_F_PIT);
	/* NLA_U16 in the uapi: a u32 here would fail the kernel's policy */
	assert_int_equal(nla_len(tb[HLKVM_A_TIMER_PORT]), 2);
	assert_int_equal(nla_get_u16(tb[HLKVM_A_TIMER_PORT]), 0x1234);
	assert_int_equal(nla_get_u32(tb[HLKVM_A_TIMER_POLICY]),
			 HLKVM_TIMER_SKIP);
	nlmsg_free(msg);
}

static void attach_rejects_bad_args(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_ATTACH);
	struct hlkvm_attach_opts o;

	(void)state;
	hlkvm_attach_opts_init(&o);
	assert_int_equal(hlkvm_nl_put_attach(msg, -1, 4, &o), -EINVAL);
	assert_int_equal(hlkvm_nl_put_attach(msg, 3, -1, &o), -EINVAL);
	o.timer_port = 65536;
	assert_int_equal(hlkvm_nl_put_attach(msg, 3, 4, &o), -EINVAL);
	nlmsg_free(msg);
}

static void vm_ref_by_fd_or_id_exactly_one(void **state)
{
	struct hlkvm_vm_ref by_fd = { .vm_fd = 0, .vm_id = 0 };
	struct hlkvm_vm_ref by_id = { .vm_fd = -1, .vm_id = 12 };
	struct hlkvm_vm_ref both = { .vm_fd = 3, .vm_id = 12 };
	struct hlkvm_vm_ref none = { .vm_fd = -1, .vm_id = 0 };
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	msg = reply(HLKVM_CMD_DETACH);
	assert_int_equal(hlkvm_nl_put_vm_ref(msg, &by_fd), 0);
	request_attrs(msg, tb);
	assert_int_equal(nla_get_u32(tb[HLKVM_A_VM_FD]), 0);
	assert_null(tb[HLKVM_A_VM_ID]);
	nlmsg_free(msg);

	msg = reply(HLKVM_CMD_DETACH);
	assert_int_equal(hlkvm_nl_put_vm_ref(msg, &by_id), 0);
	request_attrs(msg, tb);
	assert_int_equal(nla_get_u32(tb[HLKVM_A_VM_ID]), 12);
	assert_null(tb[HLKVM_A_VM_FD]);
	assert_int_equal(hlkvm_nl_put_vm_ref(msg, &both), -EINVAL);
	assert_int_equal(hlkvm_nl_put_vm_ref(msg, &none), -EINVAL);
	assert_int_equal(hlkvm_nl_put_vm_ref(msg, NULL), -EINVAL);
	nlmsg_free(msg);
}

static void config_set_sends_only_given_fields(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_SET_CONFIG);
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct hlkvm_config_set s;

	(void)state;
	hlkvm_config_set_init(&s);
	s.period_min_us = 250;
	s.backlog_max = 17;
	s.timer_port = 200;
	assert_int_equal(hlkvm_nl_put_config_set(msg, &s), 0);
	request_attrs(msg, tb);
	assert_int_equal(nla_get_u32(tb[HLKVM_A_PERIOD_MIN_US]), 250);
	assert_int_equal(nla_get_u32(tb[HLKVM_A_BACKLOG_MAX]), 17);
	assert_int_equal(nla_len(tb[HLKVM_A_TIMER_PORT]), 2);
	assert_int_equal(nla_get_u16(tb[HLKVM_A_TIMER_PORT]), 200);
	assert_null(tb[HLKVM_A_GROUPS]);
	assert_null(tb[HLKVM_A_TIMER_POLICY]);
	assert_null(tb[HLKVM_A_PERIOD_MAX_US]);
	nlmsg_free(msg);
}

static void vm_set_period_zero_is_sent(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_SET_VM);
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct hlkvm_vm_set s;

	(void)state;
	hlkvm_vm_set_init(&s);
	s.timer_period_us = 0;	/* "stop", not "leave alone" */
	assert_int_equal(hlkvm_nl_put_vm_set(msg, &s), 0);
	request_attrs(msg, tb);
	assert_non_null(tb[HLKVM_A_TIMER_PERIOD_US]);
	assert_int_equal(nla_get_u32(tb[HLKVM_A_TIMER_PERIOD_US]), 0);
	assert_null(tb[HLKVM_A_TIMER_POLICY]);
	nlmsg_free(msg);
}

/* --- reply parsing --- */

static void parse_vm_all_attributes(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_GET_VM);
	struct hlkvm_vm_info v;
	const struct hlkvm_stats *s = &v.stats;

	(void)state;
	memset(&v, 0x5a, sizeof(v));
	put_full_vm(msg);
	assert_int_equal(hlkvm_nl_parse_vm(nlmsg_hdr(msg), &v), 0);
	/* The library's own struct, as a dump callback gets it: all filled */
	assert_int_equal(v.size, sizeof(v));
	assert_true(HLKVM_SIZED_HAS(&v, stats));
	assert_int_equal(v.vm_id, 7);
	assert_int_equal(v.owner_pid, 4242);
	assert_int_equal(v.groups, HLKVM_GROUP_F_PIC | HLKVM_GROUP_F_TIMER);
	assert_int_equal(v.timer_port, 107);
	assert_int_equal(v.timer_policy, HLKVM_TIMER_SKIP);
	assert_int_equal(v.attach_time_ns, 123456789012ULL);
	assert_int_equal(v.irqchip, HLKVM_IRQCHIP_KERNEL);
	assert_true(v.timer.running);
	assert_int_equal(v.timer.requested_us, 50);
	assert_int_equal(v.timer.period_us, 100);
	assert_int_equal(v.timer.ticks, 5000000000ULL);
	assert_int_equal(v.timer.merged, 3);
	assert_int_equal(v.timer.lost, 4);
	assert_int_equal(v.timer.backlog, 5);
	assert_int_equal(v.timer.outstanding, 1);
	assert_int_equal(v.timer.clamped, 6);
	assert_int_equal(v.timer.source, HLKVM_TIMER_SRC_PIT);
	assert_int_equal(v.timer.period_ns, 99733);
	assert_true(v.pit_tick);
	assert_int_equal(s->group[HLKVM_GROUP_PIC].in, 1000 + HLKVM_STATS_A_PIC_IN);
	assert_int_equal(s->group[HLKVM_GROUP_PIC].out, 1000 + HLKVM_STATS_A_PIC_OUT);
	assert_int_equal(s->group[HLKVM_GROUP_PIT].in, 1000 + HLKVM_STATS_A_PIT_IN);
	assert_int_equal(s->group[HLKVM_GROUP_PIT].out, 1000 + HLKVM_STATS_A_PIT_OUT);
	assert_int_equal(s->group[HLKVM_GROUP_SPEAKER].in,
			 1000 + HLKVM_STATS_A_SPEAKER_IN);
	assert_int_equal(s->group[HLKVM_GROUP_SPEAKER].out,
			 1000 + HLKVM_STATS_A_SPEAKER_OUT);
	assert_int_equal(s->group[HLKVM_GROUP_DIAG].in, 1000 + HLKVM_STATS_A_DIAG_IN);
	assert_int_equal(s->group[HLKVM_GROUP_DIAG].out,
			 1000 + HLKVM_STATS_A_DIAG_OUT);
	assert_int_equal(s->group[HLKVM_GROUP_TIMER].out,
			 1000 + HLKVM_STATS_A_TIMER_OUT);
	assert_int_equal(s->group[HLKVM_GROUP_TIMER].in, 0);
	assert_int_equal(s->eoi_bridged, 1000 + HLKVM_STATS_A_EOI_BRIDGED);
	assert_int_equal(s->eoi_ignored, 1000 + HLKVM_STATS_A_EOI_IGNORED);
	assert_int_equal(s->eoi_direct, 1000 + HLKVM_STATS_A_EOI_DIRECT);
	assert_int_equal(s->apic_reenabled,
			 1000 + HLKVM_STATS_A_APIC_REENABLED);
	assert_int_equal(s->eoi_seen, 1000 + HLKVM_STATS_A_EOI_SEEN);
	assert_int_equal(s->other_vcpu, 1000 + HLKVM_STATS_A_OTHER_VCPU);
	assert_int_equal(s->kvm_device, 1000 + HLKVM_STATS_A_KVM_DEVICE);
	nlmsg_free(msg);
}

/*
 * A module from before full-irqchip mode sends neither HLKVM_A_IRQCHIP
 * nor HLKVM_STATS_A_EOI_SEEN: it served split irqchips only, so that is
 * what the VM reads as, and the counter it never had is 0.
 */
static void parse_vm_from_older_module_is_split(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_GET_VM);
	struct hlkvm_vm_info v;
	struct nlattr *nest;
	int i;

	(void)state;
	memset(&v, 0xa5, sizeof(v));
	nla_put_u32(msg, HLKVM_A_VM_ID, 5);
	nest = nla_nest_start(msg, HLKVM_A_STATS);
	for (i = HLKVM_STATS_A_PIC_IN; i <= HLKVM_STATS_A_APIC_REENABLED; i++)
		assert_int_equal(nla_put_u64(msg, i, 1000 + i), 0);
	nla_nest_end(msg, nest);
	assert_int_equal(hlkvm_nl_parse_vm(nlmsg_hdr(msg), &v), 0);
	assert_int_equal(v.irqchip, HLKVM_IRQCHIP_SPLIT);
	assert_int_equal(v.stats.eoi_seen, 0);
	/* nor channel 0's tick: off, and the timer the PV one */
	assert_false(v.pit_tick);
	assert_int_equal(v.timer.source, HLKVM_TIMER_SRC_PV);
	assert_int_equal(v.stats.apic_reenabled,
			 1000 + HLKVM_STATS_A_APIC_REENABLED);
	nlmsg_free(msg);
}

/* The uapi says NLA_U32: a shorter attribute is refused, not over-read */
static void parse_vm_short_irqchip_is_ebadmsg(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_GET_VM);
	struct hlkvm_vm_info v;

	(void)state;
	nla_put_u32(msg, HLKVM_A_VM_ID, 5);
	nla_put_u8(msg, HLKVM_A_IRQCHIP, HLKVM_IRQCHIP_KERNEL);
	assert_int_equal(hlkvm_nl_parse_vm(nlmsg_hdr(msg), &v), -EBADMSG);
	nlmsg_free(msg);
}

static void parse_vm_optional_attributes_absent(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_GET_VM);
	struct hlkvm_vm_info v;

	(void)state;
	/* Stale data must not survive into a reply that lacks a field */
	memset(&v, 0xa5, sizeof(v));
	nla_put_u32(msg, HLKVM_A_VM_ID, 3);
	assert_int_equal(hlkvm_nl_parse_vm(nlmsg_hdr(msg), &v), 0);
	assert_int_equal(v.vm_id, 3);
	assert_int_equal(v.owner_pid, 0);
	assert_int_equal(v.timer_port, 0);
	assert_false(v.timer.running);
	assert_int_equal(v.timer.ticks, 0);
	assert_int_equal(v.stats.eoi_direct, 0);
	assert_int_equal(v.irqchip, HLKVM_IRQCHIP_SPLIT);
	assert_int_equal(v.stats.eoi_seen, 0);
	/* nor channel 0's tick: off, and the timer the PV one */
	assert_false(v.pit_tick);
	assert_int_equal(v.timer.source, HLKVM_TIMER_SRC_PV);
	nlmsg_free(msg);
}

static void parse_vm_without_id_is_ebadmsg(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_GET_VM);
	struct hlkvm_vm_info v;

	(void)state;
	nla_put_u32(msg, HLKVM_A_OWNER_PID, 1);
	assert_int_equal(hlkvm_nl_parse_vm(nlmsg_hdr(msg), &v), -EBADMSG);
	nlmsg_free(msg);
}

static void parse_vm_wrong_attribute_size_is_ebadmsg(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_GET_VM);
	struct hlkvm_vm_info v;
	struct nlattr *nest;

	(void)state;
	nla_put_u32(msg, HLKVM_A_VM_ID, 3);
	/* A u8 where the policy says u64: inside the nest */
	nest = nla_nest_start(msg, HLKVM_A_TIMER);
	nla_put_u8(msg, HLKVM_TIMER_A_TICKS, 1);
	nla_nest_end(msg, nest);
	assert_int_equal(hlkvm_nl_parse_vm(nlmsg_hdr(msg), &v), -EBADMSG);
	nlmsg_free(msg);
}

static void parse_config_all_attributes(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_GET_CONFIG);
	struct hlkvm_config c;

	(void)state;
	nla_put_string(msg, HLKVM_A_VERSION, "0.3.1-test");
	nla_put_u32(msg, HLKVM_A_GROUPS, __HLKVM_GROUP_F_ALL);
	nla_put_u16(msg, HLKVM_A_TIMER_PORT, 107);
	nla_put_u32(msg, HLKVM_A_TIMER_POLICY, HLKVM_TIMER_CATCHUP);
	nla_put_u32(msg, HLKVM_A_PERIOD_MIN_US, 100);
	nla_put_u32(msg, HLKVM_A_PERIOD_MAX_US, 10000000);
	nla_put_u32(msg, HLKVM_A_BACKLOG_MAX, 1000);
	nla_put_u32(msg, HLKVM_A_VM_COUNT, 2);
	assert_int_equal(hlkvm_nl_parse_config(nlmsg_hdr(msg), &c), 0);
	assert_string_equal(c.version, "0.3.1-test");
	assert_int_equal(c.groups, __HLKVM_GROUP_F_ALL);
	assert_int_equal(c.timer_port, 107);
	assert_int_equal(c.timer_policy, HLKVM_TIMER_CATCHUP);
	assert_int_equal(c.period_min_us, 100);
	assert_int_equal(c.period_max_us, 10000000);
	assert_int_equal(c.backlog_max, 1000);
	assert_int_equal(c.vm_count, 2);
	nlmsg_free(msg);
}

/* An unprivileged caller's reply has no VM count: not the same as 0 */
static void parse_config_without_vm_count_is_hidden(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_GET_CONFIG);
	struct hlkvm_config c;

	(void)state;
	nla_put_string(msg, HLKVM_A_VERSION, "0.3.1-test");
	nla_put_u32(msg, HLKVM_A_GROUPS, __HLKVM_GROUP_F_ALL);
	assert_int_equal(hlkvm_nl_parse_config(nlmsg_hdr(msg), &c), 0);
	assert_int_equal(c.vm_count, HLKVM_VM_COUNT_HIDDEN);
	nlmsg_free(msg);
}

static void parse_config_long_version_is_truncated(void **state)
{
	struct nl_msg *msg = reply(HLKVM_CMD_GET_CONFIG);
	struct hlkvm_config c;
	char v[200];

	(void)state;
	memset(v, 'x', sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	nla_put_string(msg, HLKVM_A_VERSION, v);
	assert_int_equal(hlkvm_nl_parse_config(nlmsg_hdr(msg), &c), 0);
	assert_int_equal(strlen(c.version), sizeof(c.version) - 1);
	nlmsg_free(msg);
}

static void parse_event_attach_and_config(void **state)
{
	struct hlkvm_config cfg;
	struct hlkvm_event ev;
	struct nl_msg *msg;

	(void)state;
	msg = reply(HLKVM_CMD_DETACH);
	nla_put_u32(msg, HLKVM_A_VM_ID, 9);
	nla_put_u32(msg, HLKVM_A_OWNER_PID, 77);
	assert_int_equal(hlkvm_nl_parse_event(nlmsg_hdr(msg), &ev, &cfg), 0);
	assert_int_equal(ev.size, sizeof(ev));
	assert_int_equal(ev.cmd, HLKVM_CMD_DETACH);
	assert_int_equal(ev.vm_id, 9);
	assert_int_equal(ev.owner_pid, 77);
	assert_null(ev.config);
	nlmsg_free(msg);

	msg = reply(HLKVM_CMD_SET_CONFIG);
	nla_put_u32(msg, HLKVM_A_BACKLOG_MAX, 55);
	assert_int_equal(hlkvm_nl_parse_event(nlmsg_hdr(msg), &ev, &cfg), 0);
	assert_int_equal(ev.cmd, HLKVM_CMD_SET_CONFIG);
	assert_ptr_equal(ev.config, &cfg);
	assert_int_equal(ev.config->size, sizeof(cfg));
	assert_int_equal(ev.config->backlog_max, 55);
	nlmsg_free(msg);

	msg = reply(HLKVM_CMD_ATTACH);	/* no VM id: malformed */
	assert_int_equal(hlkvm_nl_parse_event(nlmsg_hdr(msg), &ev, &cfg),
			 -EBADMSG);
	nlmsg_free(msg);
}

/* --- ACKs and extack --- */

/*
 * An NLMSG_ERROR as netlink_ack() builds it: nlmsgerr (with the request
 * echoed unless @capped), then TLVs.
 */
static struct nl_msg *error_msg(int error, bool capped, const char *text)
{
	struct nl_msg *req = reply(HLKVM_CMD_SET_CONFIG);
	struct nlmsghdr *rh;
	struct nl_msg *msg;
	struct nlmsgerr e;
	int flags = 0;

	nla_put_u32(req, HLKVM_A_PERIOD_MIN_US, 5);
	rh = nlmsg_hdr(req);
	if (capped)
		flags |= NLM_F_CAPPED;
	if (text)
		flags |= NLM_F_ACK_TLVS;
	msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	assert_non_null(msg);
	memset(&e, 0, sizeof(e));
	e.error = error;
	e.msg = *rh;
	assert_int_equal(nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO), 0);
	if (!capped)
		assert_int_equal(nlmsg_append(msg, nlmsg_data(rh),
					      rh->nlmsg_len - NLMSG_HDRLEN,
					      NLMSG_ALIGNTO), 0);
	if (text) {
		nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20);
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	}
	nlmsg_free(req);
	return msg;
}

static void extack_message_capped(void **state)
{
	struct nl_msg *msg = error_msg(-ERANGE, true,
				       "integer out of range\n");
	char buf[128];

	(void)state;
	assert_int_equal(hlkvm_nl_ack_parse(nlmsg_hdr(msg), buf, sizeof(buf)),
			 -ERANGE);
	/* The trailing newline some kernel messages carry is dropped */
	assert_string_equal(buf, "integer out of range");
	nlmsg_free(msg);
}

static void extack_message_after_echoed_request(void **state)
{
	struct nl_msg *msg = error_msg(-EINVAL, false, "min above max");
	char buf[128];

	(void)state;
	assert_int_equal(hlkvm_nl_ack_parse(nlmsg_hdr(msg), buf, sizeof(buf)),
			 -EINVAL);
	assert_string_equal(buf, "min above max");
	nlmsg_free(msg);
}

static void extack_absent_and_small_buffer(void **state)
{
	struct nl_msg *msg = error_msg(-EPERM, true, NULL);
	char buf[8];

	(void)state;
	strcpy(buf, "stale");
	assert_int_equal(hlkvm_nl_ack_parse(nlmsg_hdr(msg), buf, sizeof(buf)),
			 -EPERM);
	assert_string_equal(buf, "");
	nlmsg_free(msg);

	msg = error_msg(-EINVAL, true, "a long kernel message");
	assert_int_equal(hlkvm_nl_ack_parse(nlmsg_hdr(msg), buf, sizeof(buf)),
			 -EINVAL);
	assert_string_equal(buf, "a long ");
	nlmsg_free(msg);
}

static void ack_and_done(void **state)
{
	struct nl_msg *msg = error_msg(0, true, NULL);
	int err = -ENOBUFS;
	char buf[64];

	(void)state;
	assert_int_equal(hlkvm_nl_ack_parse(nlmsg_hdr(msg), buf, sizeof(buf)), 0);
	nlmsg_free(msg);

	/* A dump that failed mid-way ends with NLMSG_DONE carrying it */
	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	nlmsg_append(msg, &err, sizeof(err), NLMSG_ALIGNTO);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "dump too big");
	assert_int_equal(hlkvm_nl_ack_parse(nlmsg_hdr(msg), buf, sizeof(buf)),
			 -ENOBUFS);
	assert_string_equal(buf, "dump too big");
	nlmsg_free(msg);

	/* Any other type is not an ACK */
	msg = reply(HLKVM_CMD_GET_VM);
	assert_int_equal(hlkvm_nl_ack_parse(nlmsg_hdr(msg), buf, sizeof(buf)),
			 -EBADMSG);
	nlmsg_free(msg);
}

static void libnl_errors_map_to_errno(void **state)
{
	(void)state;
	assert_int_equal(hlkvm_nl_errno(-NLE_OBJ_NOTFOUND), -ENOENT);
	assert_int_equal(hlkvm_nl_errno(NLE_PERM), -EPERM);
	assert_int_equal(hlkvm_nl_errno(-NLE_NOMEM), -ENOMEM);
	assert_int_equal(hlkvm_nl_errno(-NLE_INVAL), -EINVAL);
	assert_true(hlkvm_nl_errno(-NLE_PARSE_ERR) < 0);
}

static void strerror_without_client(void **state)
{
	(void)state;
	assert_string_equal(hlkvm_strerror(NULL, -ENOENT), strerror(ENOENT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msg_new_sets_genl_header),
		cmocka_unit_test(attach_defaults_send_only_fds),
		cmocka_unit_test(attach_options_have_uapi_types),
		cmocka_unit_test(attach_pit_tick_is_a_u8_flag),
		cmocka_unit_test(attach_rejects_bad_args),
		cmocka_unit_test(vm_ref_by_fd_or_id_exactly_one),
		cmocka_unit_test(config_set_sends_only_given_fields),
		cmocka_unit_test(vm_set_period_zero_is_sent),
		cmocka_unit_test(parse_vm_all_attributes),
		cmocka_unit_test(parse_vm_optional_attributes_absent),
		cmocka_unit_test(parse_vm_from_older_module_is_split),
		cmocka_unit_test(parse_vm_short_irqchip_is_ebadmsg),
		cmocka_unit_test(parse_vm_without_id_is_ebadmsg),
		cmocka_unit_test(parse_vm_wrong_attribute_size_is_ebadmsg),
		cmocka_unit_test(parse_config_all_attributes),
		cmocka_unit_test(parse_config_without_vm_count_is_hidden),
		cmocka_unit_test(parse_config_long_version_is_truncated),
		cmocka_unit_test(parse_event_attach_and_config),
		cmocka_unit_test(extack_message_capped),
		cmocka_unit_test(extack_message_after_echoed_request),
		cmocka_unit_test(extack_absent_and_small_buffer),
		cmocka_unit_test(ack_and_done),
		cmocka_unit_test(libnl_errors_map_to_errno),
		cmocka_unit_test(strerror_without_client),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
