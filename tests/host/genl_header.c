// SPDX-License-Identifier: GPL-2.0
/*
 * The family's generic netlink surface as the kernel's genl core sees it,
 * with hand-made messages (libnl would never send the bad ones): the
 * header checks a new family gets (hardening finding 5), what an
 * unprivileged caller may learn, and who may join the events group.
 *
 * Before the fix every command sat below .resv_start_op, so a non-zero
 * reserved byte and stray netlink flags were accepted; the events group
 * was joinable as documented only by accident of GENL_ADMIN_PERM's value;
 * GET_CONFIG gave any user the host-wide VM count.
 *
 * Prints "ok N - what" / "not ok N - what: ..."; exits 1 if any case
 * failed, 77 (skip) without the module.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../uapi/linux/hlkvm.h"
#include "rawnl.h"
#include "tap.h"

#define BUF_SIZE	RAWNL_BUF

static uint32_t seq = 1;

/* CTRL_CMD_GETFAMILY "hlkvm" into @reply */
static int get_family(int fd, char *reply)
{
	return rawnl_get_family(fd, HLKVM_GENL_NAME, seq++, reply, BUF_SIZE);
}

static int family_id(int fd)
{
	char reply[BUF_SIZE];
	const struct nlattr *a;
	int ret = get_family(fd, reply);

	if (ret)
		return ret;
	a = rawnl_reply_attr(reply, CTRL_ATTR_FAMILY_ID);
	return a ? *(const uint16_t *)rawnl_payload(a) : -ENOENT;
}

/* The id of the family's only multicast group, "events" */
static int events_group(int fd)
{
	const struct nlattr *groups, *grp, *id;
	char reply[BUF_SIZE];
	int ret = get_family(fd, reply);

	if (ret)
		return ret;
	groups = rawnl_reply_attr(reply, CTRL_ATTR_MCAST_GROUPS);
	/* nested: one entry per group, each { NAME, ID } */
	grp = groups ? rawnl_find(rawnl_payload(groups),
				  groups->nla_len - NLA_HDRLEN, 1) : NULL;
	id = grp ? rawnl_find(rawnl_payload(grp), grp->nla_len - NLA_HDRLEN,
			      CTRL_ATTR_MCAST_GRP_ID) : NULL;
	return id ? (int)*(const uint32_t *)rawnl_payload(id) : -ENOENT;
}

static int get_config(int fd, int fam, uint8_t reserved, uint16_t flags,
		      uint16_t attr, char *reply)
{
	struct rawnl_msg m;

	rawnl_init(&m, fam, HLKVM_CMD_GET_CONFIG, HLKVM_GENL_VERSION);
	m.genl.reserved = reserved;
	m.nlh.nlmsg_flags |= flags;
	if (attr)
		rawnl_put_u32(&m, attr, 0);
	return rawnl_transact(fd, &m, seq++, reply, BUF_SIZE);
}

/*
 * In a child as uid 65534: exit status bit 0 says GET_CONFIG answered
 * without the VM count, bit 1 that joining the events group was -EPERM;
 * 100 and up, that the child could not get that far.
 */
static int unprivileged(int fam)
{
	char reply[BUF_SIZE];
	int fd, group, code = 0;

	if (setgid(65534) || setuid(65534))
		return 100;
	fd = rawnl_open(0);
	if (fd < 0)
		return 101;
	if (get_config(fd, fam, 0, 0, 0, reply) == 0 &&
	    !rawnl_reply_attr(reply, HLKVM_A_VM_COUNT))
		code |= 1;
	group = events_group(fd);
	if (group < 0)
		return 102;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		       sizeof(group)) && errno == EPERM)
		code |= 2;
	close(fd);
	return code;
}

int main(void)
{
	char reply[BUF_SIZE];
	int fd, fam, ret, status;
	pid_t pid;

	fd = rawnl_open(0);
	if (fd < 0) {
		printf("not ok 1 - netlink socket: %s\n", strerror(-fd));
		return 1;
	}
	fam = family_id(fd);
	if (fam < 0) {
		printf("SKIP: hlkvm module not reachable (%s)\n",
		       strerror(-fam));
		return 77;
	}

	ret = get_config(fd, fam, 0, 0, 0, reply);
	tap_resultf(ret == 0 && rawnl_reply_attr(reply, HLKVM_A_VM_COUNT),
		    "GET_CONFIG with a clean header, as root: answered, with the VM count",
		    "got %d (want %d), or no VM count", ret, 0);
	ret = get_config(fd, fam, 1, 0, 0, reply);
	tap_resultf(ret == -EINVAL, "GET_CONFIG with a non-zero reserved byte: -EINVAL",
		    "got %d, want %d", ret, -EINVAL);
	ret = get_config(fd, fam, 0x80, 0, 0, reply);
	tap_resultf(ret == -EINVAL, "GET_CONFIG with reserved 0x80: -EINVAL",
		    "got %d, want %d", ret, -EINVAL);
	ret = get_config(fd, fam, 0, NLM_F_EXCL, 0, reply);
	tap_resultf(ret == -EINVAL, "GET_CONFIG with a stray NLM_F_EXCL: -EINVAL",
		    "got %d, want %d", ret, -EINVAL);
	ret = get_config(fd, fam, 0, NLM_F_REPLACE | NLM_F_CREATE, 0, reply);
	tap_resultf(ret == -EINVAL,
		    "GET_CONFIG with NLM_F_REPLACE|NLM_F_CREATE: -EINVAL",
		    "got %d, want %d", ret, -EINVAL);
	ret = get_config(fd, fam, 0, 0, HLKVM_A_MAX + 1, reply);
	tap_resultf(ret == -EINVAL,
		    "GET_CONFIG with an attribute past HLKVM_A_MAX: -EINVAL",
		    "got %d, want %d", ret, -EINVAL);
	ret = get_config(fd, fam, 0, 0, HLKVM_A_VM_COUNT, reply);
	tap_resultf(ret == -EINVAL,
		    "GET_CONFIG carrying a reply-only attribute (VM_COUNT): -EINVAL",
		    "got %d, want %d", ret, -EINVAL);
	close(fd);

	pid = fork();
	if (pid == 0)
		_exit(unprivileged(fam));
	waitpid(pid, &status, 0);
	ret = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	tap_resultf(ret < 100 && (ret & 1),
		    "GET_CONFIG as uid 65534: answered without the host-wide VM count",
		    "child status %d (bit 0 wanted) %d", ret, 0);
	tap_resultf(ret < 100 && (ret & 2),
		    "joining the events group as uid 65534: -EPERM",
		    "child status %d (bit 1 wanted) %d", ret, 0);

	printf("%d cases, %d failed\n", tap_cases, tap_failed);
	return tap_failed ? 1 : 0;
}
