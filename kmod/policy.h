/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink attribute policies, one per command. Kept apart from
 * netlink.c so that the KUnit suites can run nla_parse() against exactly
 * the policies the module enforces, in UML, without KVM.
 */
#ifndef _HLKVM_POLICY_H
#define _HLKVM_POLICY_H

#include <net/netlink.h>
#include "../uapi/linux/hlkvm.h"

extern const struct nla_policy hlkvm_attach_policy[HLKVM_A_MAX + 1];
extern const struct nla_policy hlkvm_detach_policy[HLKVM_A_MAX + 1];
extern const struct nla_policy hlkvm_get_vm_policy[HLKVM_A_MAX + 1];
extern const struct nla_policy hlkvm_set_vm_policy[HLKVM_A_MAX + 1];
extern const struct nla_policy hlkvm_get_config_policy[HLKVM_A_MAX + 1];
extern const struct nla_policy hlkvm_set_config_policy[HLKVM_A_MAX + 1];
extern const struct nla_policy hlkvm_get_state_policy[HLKVM_A_MAX + 1];
extern const struct nla_policy hlkvm_set_state_policy[HLKVM_A_MAX + 1];

/* True if @port may not serve as the PV timer port (legacy or halt) */
bool hlkvm_policy_port_reserved(u16 port);
/*
 * The part of HLKVM_A_TIMER_PORT's policy that the policy cannot say:
 * -EINVAL with an extack if @attr (may be NULL) names a reserved port
 */
int hlkvm_policy_check_timer_port(const struct nlattr *attr,
				  struct netlink_ext_ack *extack);

#endif /* _HLKVM_POLICY_H */
