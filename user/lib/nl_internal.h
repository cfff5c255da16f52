/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libhlkvm netlink internals: message building and reply parsing, split
 * from the socket I/O in nl.c so the unit tests can feed synthetic
 * messages (nlmsg_alloc + genlmsg_put + nla_put) to the very functions the
 * client uses, without the module. Not installed; hidden from the shared
 * library's ABI.
 */
#ifndef HLKVM_NL_INTERNAL_H
#define HLKVM_NL_INTERNAL_H

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "hlkvm.h"

#define HLKVM_INTERNAL __attribute__((visibility("hidden")))

/*
 * A request message for @cmd of family @family with genl header, sequence
 * and port left to nl_send_auto(). NULL on allocation failure.
 */
HLKVM_INTERNAL struct nl_msg *hlkvm_nl_msg_new(int family, uint8_t cmd,
					       int flags);

/* Attribute builders; 0 or -EMSGSIZE / -EINVAL (bad argument) */
HLKVM_INTERNAL int hlkvm_nl_put_vm_ref(struct nl_msg *msg,
				       const struct hlkvm_vm_ref *ref);
HLKVM_INTERNAL int hlkvm_nl_put_attach(struct nl_msg *msg, int vm_fd,
				       int irq_fd,
				       const struct hlkvm_attach_opts *opts);
HLKVM_INTERNAL int hlkvm_nl_put_vm_set(struct nl_msg *msg,
				       const struct hlkvm_vm_set *set);
HLKVM_INTERNAL int hlkvm_nl_put_config_set(struct nl_msg *msg,
					   const struct hlkvm_config_set *set);

/*
 * Reply parsers: check @nlh against the userspace policies and fill the
 * struct (attributes absent from the message leave their fields 0).
 * -EBADMSG when the message is malformed or a mandatory attribute
 * (HLKVM_A_VM_ID for a VM or an attach/detach event) is missing.
 */
HLKVM_INTERNAL int hlkvm_nl_parse_vm(struct nlmsghdr *nlh,
				     struct hlkvm_vm_info *info);
HLKVM_INTERNAL int hlkvm_nl_parse_config(struct nlmsghdr *nlh,
					 struct hlkvm_config *cfg);
/* A SET_CONFIG event's configuration goes into @cfg, ev->config to it */
HLKVM_INTERNAL int hlkvm_nl_parse_event(struct nlmsghdr *nlh,
					struct hlkvm_event *ev,
					struct hlkvm_config *cfg);

/*
 * The extended ACK text (NLMSGERR_ATTR_MSG) of an NLMSG_ERROR, or of an
 * NLMSG_DONE that ends a failed dump, copied NUL-terminated into @buf.
 * Returns the error the message carries (negative errno, 0 for an ACK),
 * or -EBADMSG if @nlh is neither or is truncated. @buf is "" when the
 * kernel sent no text.
 */
HLKVM_INTERNAL int hlkvm_nl_ack_parse(const struct nlmsghdr *nlh, char *buf,
				      size_t len);

/*
 * A client for @family on a socket that is not connected: hlkvm_open()
 * connects it and resolves the family. The unit tests use it as it is,
 * for the refusals the library makes before sending anything (they
 * leave their text for hlkvm_strerror()); a request that does get sent
 * fails -EBADF. Freed by hlkvm_close().
 */
HLKVM_INTERNAL int hlkvm_nl_client_new(struct hlkvm_client **out,
				       int family);

/* errno for a libnl NLE_* code (positive or negative); always negative */
HLKVM_INTERNAL int hlkvm_nl_errno(int nlerr);

#endif /* HLKVM_NL_INTERNAL_H */
