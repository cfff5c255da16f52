// SPDX-License-Identifier: GPL-2.0
/*
 * A generic netlink fuzzer that knows the hlkvm family's grammar, as
 * Trinity's netlink family grammars do: it resolves the family id with
 * CTRL_CMD_GETFAMILY first, then sends every command with attributes
 * drawn from the policies (kmod/policy.c, uapi/linux/hlkvm.h) at their
 * edges and beyond: wrong sizes, unknown types, nested garbage, lying
 * nla_len, truncated and oversized messages, wrong versions, non-zero
 * reserved fields and stray netlink flags, other netlink types.
 *
 * The VM fd attributes name real targets most of the time: VMs of both
 * irqchip modes the fuzzer made (timer irqfd bound as testvm.h wants),
 * their eventfds, fds of the wrong kind, closed and absurd numbers. So
 * attaches succeed, timers start at any period (the minimum included)
 * and stop, VMs are detached by fd and, as root, by the ids the replies
 * gave, while the test host's other VMs keep ticking. Random ids are
 * drawn outside the module's id space (1..HLKVM_MAX_VMS) so that a root
 * fuzzer never detaches a VM it does not own; the configuration, which
 * a root fuzzer changes at random, is put back every CONFIG_RESTORE
 * messages and at the end.
 *
 *   hlkvm-test-nl_fuzz [--seed S] [--count N] [--phase root|user|both]
 *
 * --phase user (and the second half of both) opens /dev/kvm, its VMs and
 * its socket as root, then drops to uid/gid 65534 before the first
 * message. Default: both phases, 20,000 messages each (the CI size);
 * scripts/harden sends a million each. The seed is printed; the same
 * seed sends the same messages.
 *
 * Checks: every message is answered as netlink promises (an error or an
 * ACK, a reply, or a dump ending in NLMSG_DONE; never a reply on another
 * sequence number), every errno is one the family documents or genetlink
 * itself returns, a well-formed GET_CONFIG is answered after every
 * PROBE_EVERY messages (the family still serves), and afterwards no VM of
 * the fuzzer's is left attached (the host-wide count is back to what it
 * was), the configuration is what it was, and the socket still works.
 * Every rejection that reaches hlkvm's own code (its policies, as genetlink
 * validates them, its start and doit callbacks) must carry an extack
 * message; the ones genetlink makes before any of that runs, and cannot
 * give a message, are told apart by what was sent (genl_silent()) and
 * counted by reason. Prints "FUZZ phase=P seed=S sent=N replies=N acks=N
 * dumps=N noreply=N E...=N" lines for scripts/harden, one "# genetlink
 * without extack" line per reason with its count, and one "# no extack"
 * line per (command, errno) pair that hlkvm rejected without a message
 * (each a failure). Exits 1 on a failure, 77 without /dev/kvm or the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/genetlink.h>
#include <linux/kvm.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hlkvm.h"
#include "tap.h"
#include "testvm.h"

#define DEFAULT_COUNT	20000
#define PROBE_EVERY	1000
#define CONFIG_RESTORE	256
#define NVMS		4	/* targets per phase: two of each mode */
#define MSG_MAX		(128 * 1024)
#define RECV_BUF	(256 * 1024)
#define NOBODY		65534

/* A small, seeded PRNG (splitmix64): the same seed, the same messages */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

/* True one time in @n */
static int one_in(uint32_t n)
{
	return rnd_below(n) == 0;
}

/* --- what the fuzzer aims at ------------------------------------------ */

struct target {
	enum hlkvm_irqchip mode;
	int vm_fd, irq_fd;
};

struct fuzzer {
	const char *phase;
	int sock;
	uint16_t family;
	uint32_t seq;
	struct target vms[NVMS];
	int n_vms;
	int other_fd;		/* an fd of the wrong kind: /dev/null */
	int closed_fd;		/* a number that is no open fd */
	/* ids the module gave our VMs (ATTACH replies), 0 if none */
	uint32_t ids[64];
	unsigned int n_ids;
	/* tallies */
	unsigned long sent, replies, acks, dumps, noreply, protocol_errors;
	unsigned long err[136];	/* by errno, from the hlkvm family */
	unsigned long err_other;
	/* answers to the messages sent to netlink's or genetlink's control */
	unsigned long ctrl_msgs, ctrl_errs;
	/* answers to messages read out of a shortened one's remainder */
	unsigned long batched;
	/* (cmd, errno) hlkvm rejected without an extack message: a bitmap */
	unsigned char no_extack[256][136 / 8 + 1];
	unsigned long no_extack_n;
	/* genetlink's own rejections without a message, by enum genl_silent */
	unsigned long genl_silent[5];
	char first_protocol_error[200];
	unsigned char *msg, *buf;
};

/* Errnos the family documents, or that genetlink and netlink return */
static int errno_expected(int e)
{
	switch (e) {
	case EINVAL: case ERANGE: case EOPNOTSUPP: case EPERM: case ENOENT:
	case EBADF: case EEXIST: case ENOSPC: case EBUSY: case EMSGSIZE:
	case EACCES: case E2BIG:
	/* netlink_sendmsg() of a message truncated to nothing */
	case ENODATA:
		return 1;
	default:
		return 0;
	}
}

static int fuzz_targets(struct fuzzer *f, struct testvm_modes *modes)
{
	int i, ret;

	for (i = 0; i < NVMS; i++) {
		enum hlkvm_irqchip mode = i % 2 ? HLKVM_IRQCHIP_KERNEL :
						  HLKVM_IRQCHIP_SPLIT;
		struct target *t = &f->vms[f->n_vms];

		/* A mode the kernel does not serve makes a refused target */
		(void)modes;
		ret = testvm_create_new(mode);
		if (ret < 0)
			return ret;
		t->mode = mode;
		t->vm_fd = ret;
		t->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (t->irq_fd < 0)
			return -errno;
		ret = testvm_timer_irqfd(t->vm_fd, mode, t->irq_fd);
		if (ret)
			return ret;
		f->n_vms++;
	}
	f->other_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	f->closed_fd = dup(f->other_fd);
	close(f->closed_fd);
	return f->other_fd < 0 ? -errno : 0;
}

static void fuzz_targets_close(struct fuzzer *f)
{
	int i;

	for (i = 0; i < f->n_vms; i++) {
		close(f->vms[i].irq_fd);
		close(f->vms[i].vm_fd);
	}
	f->n_vms = 0;
	if (f->other_fd >= 0)
		close(f->other_fd);
	f->other_fd = -1;
}

/* --- raw netlink --------------------------------------------------------- */

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, size = RECV_BUF;
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa))) {
		close(s);
		return -errno;
	}
	setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* errors without the request echoed: oversized ones come back small */
	setsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return s;
}

static int nl_send(int s, const void *msg, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(s, msg, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* Append an attribute (header as given) at @off; returns the new offset */
static size_t put_attr(unsigned char *m, size_t off, size_t cap,
		       uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)(m + off);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (off + total > cap)
		return off;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(m + off + NLA_HDRLEN, data, len);
	memset(m + off + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	return off + total;
}

/* The family's id: CTRL_CMD_GETFAMILY, a reply's CTRL_ATTR_FAMILY_ID */
static int resolve_family(int s, uint16_t *id)
{
	unsigned char m[256], buf[8192];
	struct nlmsghdr *h = (struct nlmsghdr *)m;
	struct genlmsghdr *g = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;
	ssize_t n;

	memset(m, 0, sizeof(m));
	off = put_attr(m, off, sizeof(m), CTRL_ATTR_FAMILY_NAME,
		       HLKVM_GENL_NAME, sizeof(HLKVM_GENL_NAME));
	h->nlmsg_len = off;
	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = 1;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 2;
	if (nl_send(s, m, off))
		return -errno;
	n = recv(s, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	h = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(h, (size_t)n))
		return -EPROTO;
	if (h->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(h))->error ?: -EPROTO;
	for (off = NLMSG_HDRLEN + GENL_HDRLEN; off + NLA_HDRLEN <= h->nlmsg_len;) {
		struct nlattr *a = (struct nlattr *)(buf + off);

		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) {
			memcpy(id, (char *)a + NLA_HDRLEN, sizeof(*id));
			return 0;
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return -ENOENT;
}

/* --- the grammar -------------------------------------------------------- */

/* A u32 at an edge, or anywhere */
static uint32_t edge_u32(void)
{
	static const uint32_t edges[] = {
		0, 1, 2, 99, 100, 101, 1000, 65535, 65536, 65537,
		HLKVM_PERIOD_MAX_US, HLKVM_PERIOD_MAX_US + 1,
		HLKVM_BACKLOG_LIMIT, HLKVM_BACKLOG_LIMIT + 1,
		HLKVM_MAX_VMS, HLKVM_MAX_VMS + 1, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff, __HLKVM_GROUP_F_ALL,
		__HLKVM_GROUP_F_ALL + 1, __HLKVM_TIMER_POLICY_COUNT,
	};

	if (one_in(3))
		return rnd();
	return edges[rnd_below(sizeof(edges) / sizeof(edges[0]))];
}

static uint16_t edge_port(void)
{
	static const uint16_t ports[] = {
		0, 0x20, 0x21, 0x40, 0x43, 0x61, 0x80, 0xa0, 0xa1,
		HLKVM_PORT_PV_TIMER, HLKVM_PORT_HALT, 0xe9, 0x3f8, 0xcf8,
		0xffff, 106, 109,
	};

	if (one_in(4))
		return rnd();
	return ports[rnd_below(sizeof(ports) / sizeof(ports[0]))];
}

/* An fd attribute's value: mostly a target, else the wrong thing */
static uint32_t pick_fd(struct fuzzer *f, int want_irq)
{
	const struct target *t = &f->vms[rnd_below(f->n_vms)];

	switch (rnd_below(10)) {
	case 0:
		return f->other_fd;
	case 1:
		return f->closed_fd;
	case 2:
		return f->sock;			/* a socket */
	case 3:
		return want_irq ? t->vm_fd : t->irq_fd;	/* swapped */
	case 4:
		return edge_u32();
	default:
		return want_irq ? t->irq_fd : t->vm_fd;
	}
}

/* A VM id: one the module gave us, or one no VM can have */
static uint32_t pick_id(struct fuzzer *f)
{
	if (f->n_ids && !one_in(3))
		return f->ids[rnd_below(f->n_ids)];
	switch (rnd_below(4)) {
	case 0:
		return 0;
	case 1:
		return HLKVM_MAX_VMS + 1 + rnd_below(1u << 20);
	case 2:
		return 0x7fffffff;
	default:
		return 0x80000000u | rnd();
	}
}

/* Random bytes of random length into @p (at most @cap) */
static uint16_t garbage(unsigned char *p, uint16_t cap)
{
	uint16_t len = rnd_below(cap + 1), i;

	for (i = 0; i < len; i++)
		p[i] = rnd();
	return len;
}

static size_t put_nested_garbage(unsigned char *m, size_t off, size_t cap,
				 uint16_t type, int depth);

/* One attribute of @type with a value of its policy's type, or not */
static size_t put_value(struct fuzzer *f, unsigned char *m, size_t off,
			size_t cap, uint16_t type)
{
	unsigned char raw[64];
	uint32_t v32;
	uint64_t v64;
	uint16_t v16;
	uint16_t flags = 0;

	if (one_in(20))
		flags |= NLA_F_NET_BYTEORDER;
	if (one_in(20))
		flags |= NLA_F_NESTED;

	switch (rnd_below(12)) {
	case 0:	/* the wrong size */
		return put_attr(m, off, cap, type | flags, raw,
				garbage(raw, sizeof(raw)));
	case 1:	/* nested garbage */
		return put_nested_garbage(m, off, cap, type, 0);
	case 2:	/* a u64 where a u32 is wanted, or a string */
		if (one_in(2)) {
			v64 = rnd();
			return put_attr(m, off, cap, type | flags, &v64, 8);
		}
		return put_attr(m, off, cap, type | flags, "hlkvm\0x", 7);
	default:
		break;
	}
	switch (type) {
	case HLKVM_A_VM_FD:
		v32 = pick_fd(f, 0);
		break;
	case HLKVM_A_IRQ_FD:
		v32 = pick_fd(f, 1);
		break;
	case HLKVM_A_VM_ID:
		v32 = pick_id(f);
		break;
	case HLKVM_A_TIMER_PORT:
		v16 = edge_port();
		return put_attr(m, off, cap, type | flags, &v16, 2);
	case HLKVM_A_TIMER_POLICY:
		v32 = one_in(2) ? rnd_below(__HLKVM_TIMER_POLICY_COUNT + 1) :
				  edge_u32();
		break;
	case HLKVM_A_GROUPS:
		v32 = one_in(2) ? rnd_below(__HLKVM_GROUP_F_ALL + 2) :
				  edge_u32();
		break;
	case HLKVM_A_TIMER_PERIOD_US:
		/* the minimum often: many VMs at 100 us */
		v32 = one_in(3) ? 1 + rnd_below(200) : edge_u32();
		break;
	case HLKVM_A_ATTACH_TIME_NS:
		v64 = rnd();
		return put_attr(m, off, cap, type | flags, &v64, 8);
	case HLKVM_A_VERSION:
		return put_attr(m, off, cap, type | flags, "0.1.0", 6);
	case HLKVM_A_TIMER:
	case HLKVM_A_STATS:
		return put_nested_garbage(m, off, cap, type, 0);
	case HLKVM_A_STATE: {
		/* a state blob: garbage behind a header that is often right */
		unsigned char st[sizeof(struct hlkvm_vm_state) + 16];
		uint16_t n = garbage(st, sizeof(st));
		uint32_t hdr[2] = { HLKVM_STATE_VERSION,
				    sizeof(struct hlkvm_vm_state) };

		if (!one_in(3) && n >= sizeof(hdr)) {
			if (one_in(2))
				hdr[1] = n;
			memcpy(st, hdr, sizeof(hdr));
		}
		return put_attr(m, off, cap, type | flags, st, n);
	}
	default:
		v32 = edge_u32();
		break;
	}
	return put_attr(m, off, cap, type | flags, &v32, 4);
}

static size_t put_nested_garbage(unsigned char *m, size_t off, size_t cap,
				 uint16_t type, int depth)
{
	struct nlattr *outer = (struct nlattr *)(m + off);
	size_t start = off, inner;
	unsigned int i, n = rnd_below(6);
	unsigned char raw[32];

	if (off + NLA_HDRLEN > cap)
		return off;
	inner = off + NLA_HDRLEN;
	for (i = 0; i < n; i++) {
		uint16_t t = rnd_below(HLKVM_STATS_A_MAX + 4);

		if (depth < 4 && one_in(3))
			inner = put_nested_garbage(m, inner, cap, t, depth + 1);
		else
			inner = put_attr(m, inner, cap, t, raw,
					 garbage(raw, sizeof(raw)));
	}
	outer->nla_type = type | (one_in(4) ? 0 : NLA_F_NESTED);
	outer->nla_len = inner - start;
	return inner;
}

/* The attribute types worth sending: the policy's, a few beyond it */
static uint16_t pick_type(void)
{
	if (one_in(16))
		return rnd() & NLA_TYPE_MASK;
	return rnd_below(HLKVM_A_MAX + 3);
}

/* A plausible attribute set for @cmd, from its documentation */
static size_t put_grammar(struct fuzzer *f, unsigned char *m, size_t off,
			  size_t cap, uint8_t cmd)
{
	static const uint16_t attach[] = { HLKVM_A_VM_FD, HLKVM_A_IRQ_FD,
		HLKVM_A_GROUPS, HLKVM_A_TIMER_PORT, HLKVM_A_TIMER_POLICY };
	static const uint16_t by_vm[] = { HLKVM_A_VM_FD, HLKVM_A_VM_ID,
		HLKVM_A_TIMER_PERIOD_US, HLKVM_A_TIMER_POLICY };
	static const uint16_t config[] = { HLKVM_A_GROUPS, HLKVM_A_TIMER_PORT,
		HLKVM_A_TIMER_POLICY, HLKVM_A_PERIOD_MIN_US,
		HLKVM_A_PERIOD_MAX_US, HLKVM_A_BACKLOG_MAX };
	const uint16_t *set;
	unsigned int n, i;

	switch (cmd) {
	case HLKVM_CMD_ATTACH:
		set = attach, n = 5;
		/* the two required ones, usually */
		if (!one_in(8))
			off = put_value(f, m, off, cap, HLKVM_A_VM_FD);
		if (!one_in(8))
			off = put_value(f, m, off, cap, HLKVM_A_IRQ_FD);
		break;
	case HLKVM_CMD_DETACH:
	case HLKVM_CMD_GET_VM:
	case HLKVM_CMD_SET_VM:
		set = by_vm, n = cmd == HLKVM_CMD_SET_VM ? 4 : 2;
		off = put_value(f, m, off, cap,
				one_in(3) ? HLKVM_A_VM_ID : HLKVM_A_VM_FD);
		break;
	case HLKVM_CMD_SET_CONFIG:
		set = config, n = 6;
		break;
	case HLKVM_CMD_GET_STATE:
	case HLKVM_CMD_SET_STATE:
		set = by_vm, n = 2;
		off = put_value(f, m, off, cap,
				one_in(3) ? HLKVM_A_VM_ID : HLKVM_A_VM_FD);
		if (cmd == HLKVM_CMD_SET_STATE && !one_in(8))
			off = put_value(f, m, off, cap, HLKVM_A_STATE);
		break;
	default:
		return off;
	}
	for (i = rnd_below(n); i; i--)
		off = put_value(f, m, off, cap, set[rnd_below(n)]);
	return off;
}

/*
 * One message into f->msg; returns its length (what is sent, which may
 * differ from nlmsg_len) and sets *@dump when a dump was asked for
 */
static size_t build(struct fuzzer *f, uint8_t *cmd_out, int *dump,
		    int *batch)
{
	unsigned char *m = f->msg;
	struct nlmsghdr *h = (struct nlmsghdr *)m;
	struct genlmsghdr *g = NLMSG_DATA(h);
	size_t cap = 4096, off, len;
	unsigned int i, n;
	uint8_t cmd;

	*batch = 0;
	if (one_in(200))
		cap = MSG_MAX;		/* oversized */
	memset(m, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	cmd = one_in(10) ? rnd() : 1 + rnd_below(HLKVM_CMD_MAX + 1);
	g->cmd = cmd;
	g->version = one_in(10) ? rnd() : HLKVM_GENL_VERSION;
	g->reserved = one_in(10) ? rnd() : 0;
	/*
	 * Now and then another type: netlink's own control types, or
	 * genetlink's controller; never another family, which a root
	 * fuzzer could reconfigure
	 */
	h->nlmsg_type = !one_in(50) ? f->family : one_in(2) ? GENL_ID_CTRL :
			(uint16_t)rnd_below(NLMSG_MIN_TYPE);
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (one_in(6))
		h->nlmsg_flags |= NLM_F_DUMP;
	if (one_in(10))
		h->nlmsg_flags ^= 1u << rnd_below(16);	/* a stray flag */
	if (one_in(30))
		h->nlmsg_flags = rnd();
	h->nlmsg_seq = ++f->seq;
	h->nlmsg_pid = 0;

	off = NLMSG_HDRLEN + GENL_HDRLEN;
	if (!one_in(4))
		off = put_grammar(f, m, off, cap, cmd);
	n = rnd_below(cap == MSG_MAX ? 4000 : 4);
	for (i = 0; i < n; i++)
		off = put_value(f, m, off, cap, pick_type());
	len = off;
	h->nlmsg_len = len;
	switch (rnd_below(40)) {
	case 0:	/* truncated: header and part of it */
		len = rnd_below(len + 1);
		if (len >= NLMSG_HDRLEN)
			h->nlmsg_len = len;
		break;
	case 1:	/* nlmsg_len lies, longer */
		h->nlmsg_len = len + 1 + rnd_below(64);
		break;
	case 2:	/* nlmsg_len lies, shorter: the rest reads as more messages */
		h->nlmsg_len = rnd_below(len + 1);
		*batch = 1;
		break;
	case 3:	/* the last attribute's nla_len lies */
		if (len > NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN) {
			struct nlattr *a = (struct nlattr *)
				(m + NLMSG_HDRLEN + GENL_HDRLEN);

			a->nla_len = rnd();
		}
		break;
	case 4:	/* trailing bytes after the message, unaligned */
		for (i = 0; i < 3 && len < cap; i++)
			m[len++] = rnd();
		h->nlmsg_len = len;
		break;
	default:
		break;
	}
	*cmd_out = cmd;
	/* what netlink_rcv_skb() and genetlink take for a dump request */
	*dump = h->nlmsg_type == f->family &&
		(h->nlmsg_flags & NLM_F_REQUEST) &&
		(h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	return len;
}

/* An ATTACH reply: learn the id, for later requests by id */
static void learn_id(struct fuzzer *f, struct nlmsghdr *h)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;
	struct genlmsghdr *g = NLMSG_DATA(h);

	if (g->cmd != HLKVM_CMD_ATTACH)
		return;
	while (off + NLA_HDRLEN <= h->nlmsg_len) {
		struct nlattr *a = (struct nlattr *)((char *)h + off);

		if (a->nla_len < NLA_HDRLEN)
			return;
		if (a->nla_type == HLKVM_A_VM_ID && a->nla_len >= 8) {
			uint32_t id;

			memcpy(&id, (char *)a + NLA_HDRLEN, 4);
			f->ids[f->n_ids++ % 64] = id;
			if (f->n_ids > 64)
				f->n_ids = 64;
			return;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Whether an error message carries NLMSGERR_ATTR_MSG */
static int has_extack_msg(struct nlmsghdr *h)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	while (off + NLA_HDRLEN <= h->nlmsg_len) {
		struct nlattr *a = (struct nlattr *)((char *)h + off);

		if (a->nla_len < NLA_HDRLEN)
			return 0;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			return 1;
		off += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

static void protocol_error(struct fuzzer *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void protocol_error(struct fuzzer *f, const char *fmt, ...)
{
	va_list ap;

	if (!f->protocol_errors++) {
		va_start(ap, fmt);
		vsnprintf(f->first_protocol_error,
			  sizeof(f->first_protocol_error), fmt, ap);
		va_end(ap);
	}
}

/*
 * The rejections genetlink makes itself, before any hlkvm code runs, with
 * no extack message (genl_family_rcv_msg() and genl_start(), checked on
 * Debian's 6.1, 6.12 and 7.3 sources), and the one that hlkvm's code makes
 * where the kernel has no way to carry a message.
 */
enum genl_silent {
	GENL_SILENT_NONE,
	GENL_SILENT_SHORT,	/* nlmsg_len < genetlink header: EINVAL */
	GENL_SILENT_NO_CMD,	/* genl_get_cmd() finds no op: EOPNOTSUPP */
	GENL_SILENT_NO_DUMPIT,	/* NLM_F_DUMP on an op without one: EOPNOTSUPP */
	GENL_SILENT_DUMP_START,	/* see dump_start_extack */
};

static const char *const genl_silent_why[] = {
	[GENL_SILENT_SHORT] = "shorter than a genetlink header (genl_family_rcv_msg: EINVAL)",
	[GENL_SILENT_NO_CMD] = "no such command (genl_get_cmd: EOPNOTSUPP)",
	[GENL_SILENT_NO_DUMPIT] = "NLM_F_DUMP on a command without a dump (genl_family_rcv_msg_dumpit: EOPNOTSUPP)",
	[GENL_SILENT_DUMP_START] = "GET_VM dump refused by its start callback on a kernel before 6.5, whose genetlink gives start no extack (netlink_dump_control.extack came with 6.5)",
};

/*
 * Whether a dump's start callback can set an extack message: from Linux
 * 6.5 ("netlink: support extack in dump ->start()"); 6.1's genetlink
 * leaves cb->extack NULL there, so hlkvm_get_vm_start()'s EPERM goes out
 * bare.
 */
static int dump_start_extack;

static void kernel_features(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (!uname(&u))
		sscanf(u.release, "%u.%u", &major, &minor);
	dump_start_extack = major > 6 || (major == 6 && minor >= 5);
}

/* Only GET_VM has a dump; every command up to HLKVM_CMD_MAX has a doit */
static enum genl_silent genl_silent(const unsigned char *msg, int e)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)msg;
	const struct genlmsghdr *g = NLMSG_DATA(h);
	int dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

	if (h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return GENL_SILENT_SHORT;
	/* (genl_header_check() comes next: it sets its own message) */
	if (g->reserved || (h->nlmsg_flags & ~(NLM_F_REQUEST | NLM_F_ACK |
					       NLM_F_ECHO | NLM_F_DUMP)) ||
	    (dump ? 0 : (h->nlmsg_flags & NLM_F_DUMP)))
		return GENL_SILENT_NONE;
	if (g->cmd == HLKVM_CMD_UNSPEC || g->cmd > HLKVM_CMD_MAX)
		return GENL_SILENT_NO_CMD;
	if (dump && g->cmd != HLKVM_CMD_GET_VM)
		return GENL_SILENT_NO_DUMPIT;
	/* the policy's own failures (EINVAL, ERANGE) carry messages */
	if (dump && e == EPERM && !dump_start_extack)
		return GENL_SILENT_DUMP_START;
	return GENL_SILENT_NONE;
}

/*
 * Everything the message made the kernel queue. genetlink runs a doit in
 * the sender's sendmsg(), so its answer is queued when that returns; a
 * dump goes on with every recv() until NLMSG_DONE or an error.
 */
static void drain(struct fuzzer *f, uint32_t seq, uint8_t cmd, int dump,
		  int ours, int batch)
{
	int answered = 0, done = !dump;
	int rounds = 0;

	for (;;) {
		struct pollfd p = { .fd = f->sock, .events = POLLIN };
		ssize_t n;
		struct nlmsghdr *h;

		if (done && answered) {
			/* anything more queued now is a protocol error */
			n = recv(f->sock, f->buf, RECV_BUF, MSG_DONTWAIT);
			if (n < 0)
				break;
		} else {
			/*
			 * netlink_rcv_skb() runs the doit, or starts the dump
			 * and writes its first part, inside our sendmsg(); each
			 * recv() that drains a dump writes the next part before
			 * it returns: whatever is coming is queued already
			 */
			if (poll(&p, 1, 0) <= 0)
				break;
			n = recv(f->sock, f->buf, RECV_BUF, MSG_DONTWAIT);
			if (n < 0)
				break;
		}
		if (++rounds > 100000) {
			protocol_error(f, "seq %u: endless answer", seq);
			break;
		}
		for (h = (struct nlmsghdr *)f->buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq) {
				/* the answer to a message our garbage made */
				if (batch) {
					f->batched++;
					continue;
				}
				protocol_error(f, "seq %u: a message for seq %u (type %u)",
					       seq, h->nlmsg_seq, h->nlmsg_type);
				continue;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				f->dumps++;
				done = answered = 1;
				continue;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				int e = -((struct nlmsgerr *)NLMSG_DATA(h))->error;

				answered = done = 1;
				if (!e) {
					f->acks++;
					continue;
				}
				if (!ours) {
					f->ctrl_errs++;
					continue;
				}
				if (e > 0 && e < 136) {
					enum genl_silent why;

					f->err[e]++;
					if (has_extack_msg(h))
						continue;
					why = genl_silent(f->msg, e);
					if (why) {
						f->genl_silent[why]++;
						continue;
					}
					f->no_extack[cmd][e / 8] |= 1u << (e % 8);
					f->no_extack_n++;
				} else {
					f->err_other++;
				}
				continue;
			}
			f->replies++;
			answered = 1;
			learn_id(f, h);
		}
	}
	if (!answered)
		f->noreply++;
}

/*
 * Known-bad messages first, each expecting its errno and an extack
 * message: the cases the fuzzer found, kept as regressions. A 1- or
 * 4-byte HLKVM_A_TIMER_PORT made Debian 6.1's netlink_ack() WARN while
 * writing the attribute's policy into the extack (NLMSGERR_ATTR_POLICY:
 * 6.1's policy dump cannot describe a validation function), from any user.
 */
struct known {
	const char *what;
	uint8_t cmd;
	uint16_t type;
	uint16_t len;		/* payload bytes of the one attribute */
	int want;		/* errno, as root */
	int want_user;		/* errno, as uid 65534 */
};

static const struct known known_bad[] = {
	{ "ATTACH with a 4-byte timer port", HLKVM_CMD_ATTACH,
	  HLKVM_A_TIMER_PORT, 4, EINVAL, EINVAL },
	{ "ATTACH with a 1-byte timer port", HLKVM_CMD_ATTACH,
	  HLKVM_A_TIMER_PORT, 1, EINVAL, EINVAL },
	{ "ATTACH with a nested-flagged timer port", HLKVM_CMD_ATTACH,
	  HLKVM_A_TIMER_PORT | NLA_F_NESTED, 2, EINVAL, EINVAL },
	{ "SET_CONFIG with a 4-byte timer port", HLKVM_CMD_SET_CONFIG,
	  HLKVM_A_TIMER_PORT, 4, EINVAL, EINVAL },
	/* port 107 as the timer port: a no-op change for root */
	{ "SET_CONFIG of the timer port", HLKVM_CMD_SET_CONFIG,
	  HLKVM_A_TIMER_PORT, 2, 0, EPERM },
	{ "ATTACH with an 8-byte VM fd", HLKVM_CMD_ATTACH, HLKVM_A_VM_FD, 8,
	  EINVAL, EINVAL },
	{ "SET_VM with a 2-byte period", HLKVM_CMD_SET_VM,
	  HLKVM_A_TIMER_PERIOD_US, 2, EINVAL, EINVAL },
};

static void knowtap_casess(struct fuzzer *f, int root)
{
	unsigned int i;
	char what[200];

	for (i = 0; i < sizeof(known_bad) / sizeof(known_bad[0]); i++) {
		const struct known *k = &known_bad[i];
		unsigned char *m = f->msg, *b = f->buf;
		struct nlmsghdr *h = (struct nlmsghdr *)m;
		struct genlmsghdr *g = NLMSG_DATA(h);
		unsigned char payload[8] = { HLKVM_PORT_PV_TIMER };
		int want = root ? k->want : k->want_user;
		int got = 0, ext = 0;
		ssize_t n;

		memset(m, 0, NLMSG_HDRLEN + GENL_HDRLEN);
		h->nlmsg_len = put_attr(m, NLMSG_HDRLEN + GENL_HDRLEN, 4096,
					k->type, payload, k->len);
		h->nlmsg_type = f->family;
		h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		h->nlmsg_seq = ++f->seq;
		g->cmd = k->cmd;
		g->version = HLKVM_GENL_VERSION;
		if (nl_send(f->sock, m, h->nlmsg_len)) {
			got = errno;
		} else {
			n = recv(f->sock, b, RECV_BUF, MSG_DONTWAIT);
			h = (struct nlmsghdr *)b;
			if (n > 0 && NLMSG_OK(h, (size_t)n) &&
			    h->nlmsg_type == NLMSG_ERROR) {
				got = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
				ext = has_extack_msg(h);
			} else {
				got = -1;
			}
		}
		if (want)
			snprintf(what, sizeof(what),
				 "%s: %s is %s with an extack message",
				 f->phase, k->what, strerrorname_np(want) ?: "?");
		else
			snprintf(what, sizeof(what), "%s: %s is accepted",
				 f->phase, k->what);
		tap_resultf(got == want && (ext || !want), what,
			    "got %s (%d), extack %s",
			    got > 0 ? strerrorname_np(got) ?: "?" : "no error", got,
			    ext ? "present" : "missing");
	}
}

/* A well-formed GET_CONFIG round trip: 0, or why not */
static int probe(struct fuzzer *f)
{
	unsigned char m[64];
	struct nlmsghdr *h = (struct nlmsghdr *)m;
	struct genlmsghdr *g = NLMSG_DATA(h);
	struct pollfd p = { .fd = f->sock, .events = POLLIN };
	uint32_t seq = ++f->seq;
	int got = 0;

	memset(m, 0, sizeof(m));
	h->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	h->nlmsg_type = f->family;
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = seq;
	g->cmd = HLKVM_CMD_GET_CONFIG;
	g->version = HLKVM_GENL_VERSION;
	if (nl_send(f->sock, m, h->nlmsg_len))
		return -errno;
	while (!got && poll(&p, 1, 5000) > 0) {
		ssize_t n = recv(f->sock, f->buf, RECV_BUF, MSG_DONTWAIT);

		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)f->buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error ?:
					-EPROTO;
			got = 1;
		}
	}
	return got ? 0 : -ETIMEDOUT;
}

static const char *cmd_name(unsigned int cmd)
{
	static const char *const names[] = {
		"UNSPEC", "ATTACH", "DETACH", "GET_VM", "SET_VM",
		"GET_CONFIG", "SET_CONFIG", "GET_STATE", "SET_STATE",
	};

	return cmd < sizeof(names) / sizeof(names[0]) ? names[cmd] : NULL;
}

static void report(struct fuzzer *f, uint64_t seed)
{
	unsigned int e, c, unknown = 0;
	char name[32];

	printf("FUZZ phase=%s seed=%llu sent=%lu replies=%lu acks=%lu dumps=%lu noreply=%lu",
	       f->phase, (unsigned long long)seed, f->sent, f->replies,
	       f->acks, f->dumps, f->noreply);
	for (e = 1; e < 136; e++)
		if (f->err[e])
			printf(" %s=%lu", strerrorname_np(e) ?: "E?", f->err[e]);
	if (f->err_other)
		printf(" other=%lu", f->err_other);
	printf(" ctrl_msgs=%lu ctrl_errors=%lu batched=%lu\n", f->ctrl_msgs,
	       f->ctrl_errs, f->batched);
	for (e = 1; e < sizeof(genl_silent_why) / sizeof(genl_silent_why[0]); e++)
		if (f->genl_silent[e])
			printf("# genetlink without extack: %s phase, %lu: %s\n",
			       f->phase, f->genl_silent[e], genl_silent_why[e]);
	for (c = 0; c < 256; c++)
		for (e = 1; e < 136; e++) {
			if (!(f->no_extack[c][e / 8] & (1u << (e % 8))))
				continue;
			if (!cmd_name(c)) {
				unknown++;
				continue;
			}
			snprintf(name, sizeof(name), "%s", cmd_name(c));
			printf("# no extack: %s phase, %s rejected with %s\n",
			       f->phase, name, strerrorname_np(e) ?: "E?");
		}
	/* the command byte as sent: a message genl_silent() let through */
	if (unknown)
		printf("# no extack: %s phase, %u (unknown command, errno) pairs\n",
		       f->phase, unknown);
}

/* VMs still attached by one of @pids[2] (this process, the user phase) */
struct owned {
	pid_t pids[2];
	int n;
};

static int count_owned(const struct hlkvm_vm_info *info, void *arg)
{
	struct owned *o = arg;

	o->n += info->owner_pid == (uint32_t)o->pids[0] ||
		info->owner_pid == (uint32_t)o->pids[1];
	return 0;
}

/* The module-wide configuration as it was before: put back */
static int restore_config(struct hlkvm_client *c, const struct hlkvm_config *was)
{
	struct hlkvm_config_set s;

	hlkvm_config_set_init(&s);
	s.groups = was->groups;
	s.timer_port = was->timer_port;
	s.timer_policy = was->timer_policy;
	/* max first, in a separate step, so min <= max holds throughout */
	s.period_min_us = HLKVM_PERIOD_MIN_US;
	s.period_max_us = HLKVM_PERIOD_MAX_US;
	s.backlog_max = was->backlog_max;
	if (hlkvm_set_config(c, &s))
		return -EIO;
	hlkvm_config_set_init(&s);
	s.period_min_us = was->period_min_us;
	s.period_max_us = was->period_max_us;
	return hlkvm_set_config(c, &s);
}

static int config_equal(const struct hlkvm_config *a,
			const struct hlkvm_config *b)
{
	return a->groups == b->groups && a->timer_port == b->timer_port &&
	       a->timer_policy == b->timer_policy &&
	       a->period_min_us == b->period_min_us &&
	       a->period_max_us == b->period_max_us &&
	       a->backlog_max == b->backlog_max;
}

/*
 * One phase: @count messages from this process (already root or
 * nobody); @admin, when not NULL, restores the configuration as it goes
 */
static int fuzz(struct fuzzer *f, unsigned long count, uint64_t seed,
		struct hlkvm_client *admin, const struct hlkvm_config *was)
{
	unsigned long i;
	int ret, bad_probe = 0, first_probe = 0;
	char what[200];
	time_t t0 = time(NULL);

	knowtap_casess(f, admin != NULL);
	for (i = 0; i < count; i++) {
		uint8_t cmd;
		int dump, batch;
		size_t len = build(f, &cmd, &dump, &batch);
		uint32_t seq = f->seq;
		int ours = ((struct nlmsghdr *)f->msg)->nlmsg_type == f->family;

		ret = nl_send(f->sock, f->msg, len);
		f->sent++;
		if (ret) {
			/* netlink refused it before any family saw it */
			if (-ret > 0 && -ret < 136)
				f->err[-ret]++;
			else
				f->err_other++;
			continue;
		}
		f->ctrl_msgs += !ours;
		drain(f, seq, cmd, dump, ours, batch);
		if ((i + 1) % PROBE_EVERY == 0) {
			ret = probe(f);
			if (ret && !bad_probe++)
				first_probe = ret;
		}
		if (admin && (i + 1) % CONFIG_RESTORE == 0 &&
		    restore_config(admin, was) && !bad_probe++)
			first_probe = -EIO;
	}
	snprintf(what, sizeof(what),
		 "%s: %lu fuzzed messages (seed %llu, %ld s), the family answered a GET_CONFIG after every %d",
		 f->phase, f->sent, (unsigned long long)seed,
		 (long)(time(NULL) - t0), PROBE_EVERY);
	tap_resultf(!bad_probe, what, "%d probes failed, first: %s", bad_probe,
		    strerror(-first_probe));
	snprintf(what, sizeof(what),
		 "%s: every message answered as netlink promises", f->phase);
	tap_resultf(!f->protocol_errors, what, "%lu protocol errors, first: %s",
		    f->protocol_errors, f->first_protocol_error);
	{
		unsigned long unexpected = f->err_other;
		unsigned int e;
		char list[200] = "";

		for (e = 1; e < 136; e++)
			if (f->err[e] && !errno_expected(e)) {
				unexpected += f->err[e];
				snprintf(list + strlen(list),
					 sizeof(list) - strlen(list), " %s=%lu",
					 strerrorname_np(e) ?: "E?", f->err[e]);
			}
		snprintf(what, sizeof(what),
			 "%s: every errno is one the family documents or genetlink returns",
			 f->phase);
		tap_resultf(!unexpected, what, "%lu unexpected:%s", unexpected, list);
	}
	snprintf(what, sizeof(what),
		 "%s: every rejection by hlkvm's code carried an extack message",
		 f->phase);
	tap_resultf(!f->no_extack_n, what,
		    "%lu without one (the '# no extack' lines name command and errno)",
		    f->no_extack_n);
	return 0;
}

static int fuzzer_init(struct fuzzer *f, const char *phase,
		       struct testvm_modes *modes)
{
	int ret;

	memset(f, 0, sizeof(*f));
	f->phase = phase;
	f->other_fd = -1;
	f->msg = calloc(1, MSG_MAX + 64);
	f->buf = malloc(RECV_BUF);
	if (!f->msg || !f->buf)
		return -ENOMEM;
	f->sock = nl_open();
	if (f->sock < 0)
		return f->sock;
	ret = resolve_family(f->sock, &f->family);
	if (ret)
		return ret;
	return fuzz_targets(f, modes);
}

static void fuzzer_fini(struct fuzzer *f)
{
	fuzz_targets_close(f);
	close(f->sock);
	free(f->msg);
	free(f->buf);
}

/* The unprivileged phase, in a child: the fds first, then uid 65534 */
static pid_t user_pid;

static int user_phase(unsigned long count, uint64_t seed,
		      struct testvm_modes *modes, struct hlkvm_client *admin)
{
	struct fuzzer f;
	pid_t pid;
	int status, ret;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* nothing opened by root may be used after the drop */
		hlkvm_close(admin);
		ret = fuzzer_init(&f, "user", modes);
		if (ret) {
			tap_resultf(0, "user: fuzzer setup", "%s", strerror(-ret));
			_exit(1);
		}
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
			tap_resultf(0, "user: drop to uid 65534", "%s",
				    strerror(errno));
			_exit(1);
		}
		tap_resultf(getuid() == NOBODY && geteuid() == NOBODY,
			    "user: running as uid 65534 with the fds opened as root",
			    "uid %d", (int)getuid());
		rng_state = seed ^ 0x5555555555555555ULL;
		fuzz(&f, count, seed, NULL, NULL);
		report(&f, seed);
		fuzzer_fini(&f);
		fflush(stdout);
		_exit(tap_failed ? 1 : 0);
	}
	user_pid = pid;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	/* the child's cases printed their own numbers: keep counting on */
	tap_cases += 5 + sizeof(known_bad) / sizeof(known_bad[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		tap_failed++;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count = DEFAULT_COUNT;
	const char *phase = "both";
	uint64_t seed = 0;
	struct testvm_modes modes;
	struct hlkvm_config was = { .size = sizeof(was) };
	struct hlkvm_config now = { .size = sizeof(now) };
	struct hlkvm_client *admin;
	struct fuzzer f;
	int i, ret, count_before;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--phase") && i + 1 < argc)
			phase = argv[++i];
		else {
			fprintf(stderr,
				"usage: %s [--seed S] [--count N] [--phase root|user|both]\n",
				argv[0]);
			return 2;
		}
	}
	if (strcmp(phase, "root") && strcmp(phase, "user") &&
	    strcmp(phase, "both")) {
		fprintf(stderr, "%s: --phase root, user or both, not '%s'\n",
			argv[0], phase);
		return 2;
	}
	if (!seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000003u ^ ts.tv_nsec ^ getpid();
	}
	printf("# nl_fuzz seed %llu (rerun: --seed %llu --count %lu --phase %s)\n",
	       (unsigned long long)seed, (unsigned long long)seed, count,
	       phase);
	kernel_features();
	if (testvm_modes(&modes)) {
		printf("not ok 1 - the irqchip modes to test: %s\n",
		       modes.error);
		return 1;
	}
	if (geteuid() != 0) {
		printf("SKIP: needs root (the root phase, and to drop to uid 65534)\n");
		return 77;
	}
	ret = testvm_start(false, &admin);
	if (ret < 0)
		return -ret;
	close(ret);
	ret = hlkvm_get_config(admin, &was);
	if (ret) {
		tap_resultf(0, "GET_CONFIG before fuzzing", "%s",
			    hlkvm_strerror(admin, ret));
		return 1;
	}
	count_before = was.vm_count;

	if (strcmp(phase, "user")) {
		ret = fuzzer_init(&f, "root", &modes);
		if (ret) {
			tap_resultf(0, "root: fuzzer setup", "%s", strerror(-ret));
			return 1;
		}
		rng_state = seed;
		fuzz(&f, count, seed, admin, &was);
		report(&f, seed);
		fuzzer_fini(&f);
	}
	if (strcmp(phase, "root")) {
		ret = user_phase(count, seed, &modes, admin);
		if (ret)
			tap_resultf(0, "user phase", "%s", strerror(-ret));
	}

	/* Our VMs are closed: their attachments went with their sockets */
	ret = restore_config(admin, &was);
	tap_resultf(!ret, "the configuration put back", "%s",
		    hlkvm_strerror(admin, ret));
	ret = hlkvm_get_config(admin, &now);
	tap_resultf(!ret && config_equal(&was, &now),
		    "the module-wide configuration is what it was before fuzzing",
		    "%s", ret ? hlkvm_strerror(admin, ret) : "it differs");
	{
		/* other VMs (scripts/harden's ticking ones) may come and go */
		struct owned o = { { getpid(), user_pid }, 0 };
		int dret = hlkvm_dump_vms(admin, count_owned, &o);

		tap_resultf(!dret && o.n == 0,
			    "no fuzzer VM left attached (a dump lists none of ours)",
			    "%d of ours (%s); host-wide %d now, %d before",
			    o.n, dret ? hlkvm_strerror(admin, dret) : "dumped",
			    ret ? -1 : (int)now.vm_count, count_before);
	}
	hlkvm_close(admin);
	printf("%d cases, %d failed\n", tap_cases, tap_failed);
	return tap_failed ? 1 : 0;
}
