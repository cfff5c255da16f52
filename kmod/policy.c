// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink attribute policies. Every command has its own policy of
 * the full attribute space: genetlink validates strictly, so an attribute
 * a command does not take is rejected ("Unsupported attribute") instead of
 * being silently ignored. Depends on nothing but netlink and the uapi
 * header, so the KUnit suites compile it unchanged.
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <net/genetlink.h>
#include "policy.h"

/*
 * NLA_POLICY_RANGE() takes s16 bounds: u32 ranges need a range struct.
 * Linux 6.1's struct nla_policy points at a non-const one.
 */
static struct netlink_range_validation fd_range = {
	.min = 0,
	.max = INT_MAX,
};

static struct netlink_range_validation vm_id_range = {
	.min = 1,
	.max = INT_MAX,
};

static struct netlink_range_validation period_range = {
	.min = HLKVM_PERIOD_MIN_US,
	.max = HLKVM_PERIOD_MAX_US,
};

static struct netlink_range_validation backlog_range = {
	.min = 1,
	.max = HLKVM_BACKLOG_LIMIT,
};

bool hlkvm_policy_port_reserved(u16 port)
{
	switch (port) {
	case HLKVM_PORT_PIC_MASTER_CMD:
	case HLKVM_PORT_PIC_MASTER_DATA:
	case HLKVM_PORT_PIC_SLAVE_CMD:
	case HLKVM_PORT_PIC_SLAVE_DATA:
	case HLKVM_PORT_PIT_CH0:
	case HLKVM_PORT_PIT_CH1:
	case HLKVM_PORT_PIT_CH2:
	case HLKVM_PORT_PIT_MODE:
	case HLKVM_PORT_SPEAKER:
	case HLKVM_PORT_DIAG:
	case HLKVM_PORT_HALT:
		return true;
	default:
		return false;
	}
}

int hlkvm_policy_check_timer_port(const struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	if (attr && hlkvm_policy_port_reserved(nla_get_u16(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "timer port is a legacy or the halt port");
		return -EINVAL;
	}
	return 0;
}

#define VM_FD_POLICY	NLA_POLICY_FULL_RANGE(NLA_U32, &fd_range)
#define VM_ID_POLICY	NLA_POLICY_FULL_RANGE(NLA_U32, &vm_id_range)
#define GROUPS_POLICY	NLA_POLICY_MASK(NLA_U32, __HLKVM_GROUP_F_ALL)
/*
 * A plain u16: the reserved ports are refused by the commands, with
 * hlkvm_policy_check_timer_port(). Not NLA_POLICY_VALIDATE_FN: when an
 * attribute fails its policy, netlink_ack() describes that policy in the
 * extack (NLMSGERR_ATTR_POLICY), and Linux 6.1 cannot describe a
 * validation function there: it WARNs (nla_get_range_unsigned()) for any
 * user who sends a timer port of the wrong length, and so does a
 * CTRL_CMD_GETPOLICY dump of the family.
 */
#define PORT_POLICY	{ .type = NLA_U16 }
#define TPOLICY_POLICY	NLA_POLICY_MAX(NLA_U32, __HLKVM_TIMER_POLICY_COUNT - 1)
#define PIT_TICK_POLICY	NLA_POLICY_MAX(NLA_U8, 1)

const struct nla_policy hlkvm_attach_policy[HLKVM_A_MAX + 1] = {
	[HLKVM_A_VM_FD]		= VM_FD_POLICY,
	[HLKVM_A_IRQ_FD]	= VM_FD_POLICY,
	[HLKVM_A_GROUPS]	= GROUPS_POLICY,
	[HLKVM_A_TIMER_PORT]	= PORT_POLICY,
	[HLKVM_A_TIMER_POLICY]	= TPOLICY_POLICY,
	[HLKVM_A_PIT_TICK]	= PIT_TICK_POLICY,
};

const struct nla_policy hlkvm_detach_policy[HLKVM_A_MAX + 1] = {
	[HLKVM_A_VM_FD]		= VM_FD_POLICY,
	[HLKVM_A_VM_ID]		= VM_ID_POLICY,
};

const struct nla_policy hlkvm_get_vm_policy[HLKVM_A_MAX + 1] = {
	[HLKVM_A_VM_FD]		= VM_FD_POLICY,
	[HLKVM_A_VM_ID]		= VM_ID_POLICY,
};

const struct nla_policy hlkvm_set_vm_policy[HLKVM_A_MAX + 1] = {
	[HLKVM_A_VM_FD]		= VM_FD_POLICY,
	[HLKVM_A_VM_ID]		= VM_ID_POLICY,
	/* Any u32: 0 stops, the rest is clamped like a guest write */
	[HLKVM_A_TIMER_PERIOD_US] = { .type = NLA_U32 },
	[HLKVM_A_TIMER_POLICY]	= TPOLICY_POLICY,
};

/* GET_CONFIG takes no attributes: every entry rejects */
const struct nla_policy hlkvm_get_config_policy[HLKVM_A_MAX + 1] = {
	[HLKVM_A_UNSPEC]	= { .type = NLA_REJECT },
};

const struct nla_policy hlkvm_set_config_policy[HLKVM_A_MAX + 1] = {
	[HLKVM_A_GROUPS]	= GROUPS_POLICY,
	[HLKVM_A_TIMER_PORT]	= PORT_POLICY,
	[HLKVM_A_TIMER_POLICY]	= TPOLICY_POLICY,
	[HLKVM_A_PERIOD_MIN_US]	= NLA_POLICY_FULL_RANGE(NLA_U32, &period_range),
	[HLKVM_A_PERIOD_MAX_US]	= NLA_POLICY_FULL_RANGE(NLA_U32, &period_range),
	[HLKVM_A_BACKLOG_MAX]	= NLA_POLICY_FULL_RANGE(NLA_U32, &backlog_range),
	[HLKVM_A_PIT_TICK]	= PIT_TICK_POLICY,
};

/*
 * The state is a versioned struct whose every field state.c checks with a
 * message naming it; a length bound here would only hide which.
 */
const struct nla_policy hlkvm_get_state_policy[HLKVM_A_MAX + 1] = {
	[HLKVM_A_VM_FD]		= VM_FD_POLICY,
	[HLKVM_A_VM_ID]		= VM_ID_POLICY,
};

const struct nla_policy hlkvm_set_state_policy[HLKVM_A_MAX + 1] = {
	[HLKVM_A_VM_FD]		= VM_FD_POLICY,
	[HLKVM_A_VM_ID]		= VM_ID_POLICY,
	[HLKVM_A_STATE]		= { .type = NLA_BINARY },
};
