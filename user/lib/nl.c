// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libhlkvm's netlink client, on libnl-genl-3 (no hand-rolled netlink).
 *
 * Every command is alloc-put-send-free, as in ovpn-cli: build the request
 * (hlkvm_nl_put_*), send it with nl_send_auto(), receive with a
 * valid-callback that parses each reply (hlkvm_nl_parse_*) until the ACK
 * or NLMSG_DONE, free. The kernel's extended ACK text is kept in the
 * client for hlkvm_strerror().
 *
 * Reads top-down: builders, parsers, ACK parsing, then the socket I/O and
 * the public commands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "hlkvm.h"
#include "nl_internal.h"
#include "sized.h"
#include "state_blob.h"

/* The first release's sizes are ABI: a struct may only grow past them */
_Static_assert(sizeof(struct hlkvm_attach_opts) >= HLKVM_ATTACH_OPTS_SIZE_VER1 &&
	       sizeof(struct hlkvm_config) >= HLKVM_CONFIG_SIZE_VER1 &&
	       sizeof(struct hlkvm_config_set) >= HLKVM_CONFIG_SET_SIZE_VER1 &&
	       sizeof(struct hlkvm_vm_set) >= HLKVM_VM_SET_SIZE_VER1 &&
	       sizeof(struct hlkvm_vm_info) >= HLKVM_VM_INFO_SIZE_VER1 &&
	       sizeof(struct hlkvm_event) >= HLKVM_EVENT_SIZE_VER1,
	       "a sized struct shrank below its first release");

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct hlkvm_client {
	struct nl_sock *sk;
	int family;
	int last_err;		/* the error errmsg belongs to */
	char errmsg[256];	/* the kernel's extack text, or "" */
};

/* --- request building --- */

struct nl_msg *hlkvm_nl_msg_new(int family, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 HLKVM_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int hlkvm_nl_put_vm_ref(struct nl_msg *msg, const struct hlkvm_vm_ref *ref)
{
	/* Exactly one of the two, as the kernel requires */
	if (!ref || (ref->vm_fd >= 0) == (ref->vm_id != 0))
		return -EINVAL;
	if (ref->vm_fd >= 0)
		NLA_PUT_U32(msg, HLKVM_A_VM_FD, (uint32_t)ref->vm_fd);
	else
		NLA_PUT_U32(msg, HLKVM_A_VM_ID, ref->vm_id);
	return 0;
nla_put_failure:
	return -EMSGSIZE;
}

int hlkvm_nl_put_attach(struct nl_msg *msg, int vm_fd, int irq_fd,
			const struct hlkvm_attach_opts *in)
{
	struct hlkvm_attach_opts o, *opts = &o;
	int ret;

	if (vm_fd < 0 || irq_fd < 0)
		return -EINVAL;
	if (in) {
		ret = HLKVM_SIZED_COPY_IN(&o, hlkvm_attach_opts_init, in,
					  HLKVM_ATTACH_OPTS_SIZE_VER1);
		if (ret)
			return ret;
	}
	NLA_PUT_U32(msg, HLKVM_A_VM_FD, (uint32_t)vm_fd);
	NLA_PUT_U32(msg, HLKVM_A_IRQ_FD, (uint32_t)irq_fd);
	if (!in)
		return 0;
	if (opts->groups != HLKVM_DEFAULT)
		NLA_PUT_U32(msg, HLKVM_A_GROUPS, opts->groups);
	if (opts->timer_port != HLKVM_DEFAULT) {
		if (opts->timer_port > UINT16_MAX)
			return -EINVAL;
		NLA_PUT_U16(msg, HLKVM_A_TIMER_PORT, (uint16_t)opts->timer_port);
	}
	if (opts->timer_policy != HLKVM_DEFAULT)
		NLA_PUT_U32(msg, HLKVM_A_TIMER_POLICY, opts->timer_policy);
	if (opts->pit_tick != HLKVM_DEFAULT)
		NLA_PUT_U8(msg, HLKVM_A_PIT_TICK, opts->pit_tick != 0);
	return 0;
nla_put_failure:
	return -EMSGSIZE;
}

int hlkvm_nl_put_vm_set(struct nl_msg *msg, const struct hlkvm_vm_set *in)
{
	struct hlkvm_vm_set s, *set = &s;
	int ret;

	ret = HLKVM_SIZED_COPY_IN(&s, hlkvm_vm_set_init, in,
				  HLKVM_VM_SET_SIZE_VER1);
	if (ret)
		return ret;
	if (set->timer_period_us != HLKVM_DEFAULT)
		NLA_PUT_U32(msg, HLKVM_A_TIMER_PERIOD_US, set->timer_period_us);
	if (set->timer_policy != HLKVM_DEFAULT)
		NLA_PUT_U32(msg, HLKVM_A_TIMER_POLICY, set->timer_policy);
	return 0;
nla_put_failure:
	return -EMSGSIZE;
}

int hlkvm_nl_put_config_set(struct nl_msg *msg,
			    const struct hlkvm_config_set *in)
{
	struct hlkvm_config_set s, *set = &s;
	int ret;

	ret = HLKVM_SIZED_COPY_IN(&s, hlkvm_config_set_init, in,
				  HLKVM_CONFIG_SET_SIZE_VER1);
	if (ret)
		return ret;
	if (set->groups != HLKVM_DEFAULT)
		NLA_PUT_U32(msg, HLKVM_A_GROUPS, set->groups);
	if (set->timer_port != HLKVM_DEFAULT) {
		if (set->timer_port > UINT16_MAX)
			return -EINVAL;
		NLA_PUT_U16(msg, HLKVM_A_TIMER_PORT, (uint16_t)set->timer_port);
	}
	if (set->timer_policy != HLKVM_DEFAULT)
		NLA_PUT_U32(msg, HLKVM_A_TIMER_POLICY, set->timer_policy);
	if (set->period_min_us != HLKVM_DEFAULT)
		NLA_PUT_U32(msg, HLKVM_A_PERIOD_MIN_US, set->period_min_us);
	if (set->period_max_us != HLKVM_DEFAULT)
		NLA_PUT_U32(msg, HLKVM_A_PERIOD_MAX_US, set->period_max_us);
	if (set->backlog_max != HLKVM_DEFAULT)
		NLA_PUT_U32(msg, HLKVM_A_BACKLOG_MAX, set->backlog_max);
	if (set->pit_tick != HLKVM_DEFAULT)
		NLA_PUT_U8(msg, HLKVM_A_PIT_TICK, set->pit_tick != 0);
	return 0;
nla_put_failure:
	return -EMSGSIZE;
}

/* --- reply parsing: userspace policies, checked by nla_parse --- */

static struct nla_policy reply_policy[HLKVM_A_MAX + 1] = {
	[HLKVM_A_VM_ID]		= { .type = NLA_U32 },
	[HLKVM_A_OWNER_PID]	= { .type = NLA_U32 },
	[HLKVM_A_GROUPS]	= { .type = NLA_U32 },
	[HLKVM_A_TIMER_PORT]	= { .type = NLA_U16 },
	[HLKVM_A_TIMER_POLICY]	= { .type = NLA_U32 },
	[HLKVM_A_PERIOD_MIN_US]	= { .type = NLA_U32 },
	[HLKVM_A_PERIOD_MAX_US]	= { .type = NLA_U32 },
	[HLKVM_A_BACKLOG_MAX]	= { .type = NLA_U32 },
	[HLKVM_A_ATTACH_TIME_NS] = { .type = NLA_U64 },
	[HLKVM_A_TIMER]		= { .type = NLA_NESTED },
	[HLKVM_A_STATS]		= { .type = NLA_NESTED },
	[HLKVM_A_VERSION]	= { .type = NLA_STRING },
	[HLKVM_A_VM_COUNT]	= { .type = NLA_U32 },
	[HLKVM_A_IRQCHIP]	= { .type = NLA_U32 },
	[HLKVM_A_PIT_TICK]	= { .type = NLA_U8 },
};

static struct nla_policy timer_policy[HLKVM_TIMER_A_MAX + 1] = {
	[HLKVM_TIMER_A_RUNNING]		= { .type = NLA_U8 },
	[HLKVM_TIMER_A_REQUESTED_US]	= { .type = NLA_U32 },
	[HLKVM_TIMER_A_PERIOD_US]	= { .type = NLA_U32 },
	[HLKVM_TIMER_A_TICKS]		= { .type = NLA_U64 },
	[HLKVM_TIMER_A_MERGED]		= { .type = NLA_U64 },
	[HLKVM_TIMER_A_LOST]		= { .type = NLA_U64 },
	[HLKVM_TIMER_A_BACKLOG]		= { .type = NLA_U32 },
	[HLKVM_TIMER_A_OUTSTANDING]	= { .type = NLA_U32 },
	[HLKVM_TIMER_A_CLAMPED]		= { .type = NLA_U64 },
	[HLKVM_TIMER_A_KICKS]		= { .type = NLA_U64 },
	[HLKVM_TIMER_A_SOURCE]		= { .type = NLA_U32 },
	[HLKVM_TIMER_A_PERIOD_NS]	= { .type = NLA_U64 },
};

static struct nla_policy stats_policy[HLKVM_STATS_A_MAX + 1] = {
	[HLKVM_STATS_A_PIC_IN ... HLKVM_STATS_A_KVM_DEVICE] = {
		.type = NLA_U64 },
};

static uint32_t get_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static uint64_t get_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static int parse_timer(struct nlattr *nest, struct hlkvm_timer_info *t)
{
	struct nlattr *tb[HLKVM_TIMER_A_MAX + 1];

	if (nla_parse_nested(tb, HLKVM_TIMER_A_MAX, nest, timer_policy))
		return -EBADMSG;
	t->running = tb[HLKVM_TIMER_A_RUNNING] &&
		     nla_get_u8(tb[HLKVM_TIMER_A_RUNNING]);
	t->requested_us = get_u32(tb[HLKVM_TIMER_A_REQUESTED_US]);
	t->period_us = get_u32(tb[HLKVM_TIMER_A_PERIOD_US]);
	t->ticks = get_u64(tb[HLKVM_TIMER_A_TICKS]);
	t->merged = get_u64(tb[HLKVM_TIMER_A_MERGED]);
	t->lost = get_u64(tb[HLKVM_TIMER_A_LOST]);
	t->backlog = get_u32(tb[HLKVM_TIMER_A_BACKLOG]);
	t->outstanding = get_u32(tb[HLKVM_TIMER_A_OUTSTANDING]);
	t->clamped = get_u64(tb[HLKVM_TIMER_A_CLAMPED]);
	t->kicks = get_u64(tb[HLKVM_TIMER_A_KICKS]);
	t->source = get_u32(tb[HLKVM_TIMER_A_SOURCE]);
	/* A module before HLKVM_TIMER_A_PERIOD_NS: whole microseconds */
	t->period_ns = tb[HLKVM_TIMER_A_PERIOD_NS] ?
		       get_u64(tb[HLKVM_TIMER_A_PERIOD_NS]) :
		       (uint64_t)t->period_us * 1000;
	return 0;
}

static int parse_stats(struct nlattr *nest, struct hlkvm_stats *s)
{
	struct nlattr *tb[HLKVM_STATS_A_MAX + 1];

	if (nla_parse_nested(tb, HLKVM_STATS_A_MAX, nest, stats_policy))
		return -EBADMSG;
	s->group[HLKVM_GROUP_PIC].in = get_u64(tb[HLKVM_STATS_A_PIC_IN]);
	s->group[HLKVM_GROUP_PIC].out = get_u64(tb[HLKVM_STATS_A_PIC_OUT]);
	s->group[HLKVM_GROUP_PIT].in = get_u64(tb[HLKVM_STATS_A_PIT_IN]);
	s->group[HLKVM_GROUP_PIT].out = get_u64(tb[HLKVM_STATS_A_PIT_OUT]);
	s->group[HLKVM_GROUP_SPEAKER].in =
		get_u64(tb[HLKVM_STATS_A_SPEAKER_IN]);
	s->group[HLKVM_GROUP_SPEAKER].out =
		get_u64(tb[HLKVM_STATS_A_SPEAKER_OUT]);
	s->group[HLKVM_GROUP_DIAG].in = get_u64(tb[HLKVM_STATS_A_DIAG_IN]);
	s->group[HLKVM_GROUP_DIAG].out = get_u64(tb[HLKVM_STATS_A_DIAG_OUT]);
	/* The PV timer port is write-only: its IN count stays 0 */
	s->group[HLKVM_GROUP_TIMER].out = get_u64(tb[HLKVM_STATS_A_TIMER_OUT]);
	s->eoi_bridged = get_u64(tb[HLKVM_STATS_A_EOI_BRIDGED]);
	s->eoi_ignored = get_u64(tb[HLKVM_STATS_A_EOI_IGNORED]);
	s->eoi_direct = get_u64(tb[HLKVM_STATS_A_EOI_DIRECT]);
	s->apic_reenabled = get_u64(tb[HLKVM_STATS_A_APIC_REENABLED]);
	s->eoi_seen = get_u64(tb[HLKVM_STATS_A_EOI_SEEN]);
	s->other_vcpu = get_u64(tb[HLKVM_STATS_A_OTHER_VCPU]);
	s->kvm_device = get_u64(tb[HLKVM_STATS_A_KVM_DEVICE]);
	return 0;
}

static int parse_top(struct nlmsghdr *nlh, struct nlattr **tb)
{
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE ||
	    !genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_parse(nlh, 0, tb, HLKVM_A_MAX, reply_policy))
		return -EBADMSG;
	return 0;
}

int hlkvm_nl_parse_vm(struct nlmsghdr *nlh, struct hlkvm_vm_info *info)
{
	struct nlattr *tb[HLKVM_A_MAX + 1];
	int ret;

	hlkvm_vm_info_init(info);
	ret = parse_top(nlh, tb);
	if (ret)
		return ret;
	if (!tb[HLKVM_A_VM_ID])
		return -EBADMSG;
	info->vm_id = nla_get_u32(tb[HLKVM_A_VM_ID]);
	info->owner_pid = get_u32(tb[HLKVM_A_OWNER_PID]);
	info->groups = get_u32(tb[HLKVM_A_GROUPS]);
	info->timer_port = tb[HLKVM_A_TIMER_PORT] ?
			   nla_get_u16(tb[HLKVM_A_TIMER_PORT]) : 0;
	info->timer_policy = get_u32(tb[HLKVM_A_TIMER_POLICY]);
	info->attach_time_ns = get_u64(tb[HLKVM_A_ATTACH_TIME_NS]);
	/* Absent from modules older than full-irqchip mode: 0, split */
	_Static_assert(HLKVM_IRQCHIP_SPLIT == 0, "absent must read as split");
	info->irqchip = get_u32(tb[HLKVM_A_IRQCHIP]);
	info->pit_tick = tb[HLKVM_A_PIT_TICK] &&
			 nla_get_u8(tb[HLKVM_A_PIT_TICK]);
	if (tb[HLKVM_A_TIMER]) {
		ret = parse_timer(tb[HLKVM_A_TIMER], &info->timer);
		if (ret)
			return ret;
	}
	if (tb[HLKVM_A_STATS])
		return parse_stats(tb[HLKVM_A_STATS], &info->stats);
	return 0;
}

int hlkvm_nl_parse_config(struct nlmsghdr *nlh, struct hlkvm_config *cfg)
{
	struct nlattr *tb[HLKVM_A_MAX + 1];
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	ret = parse_top(nlh, tb);
	if (ret)
		return ret;
	/* NLA_STRING does not promise a NUL; nla_strlcpy() adds one */
	if (tb[HLKVM_A_VERSION])
		nla_strlcpy(cfg->version, tb[HLKVM_A_VERSION],
			    sizeof(cfg->version));
	cfg->groups = get_u32(tb[HLKVM_A_GROUPS]);
	cfg->timer_port = tb[HLKVM_A_TIMER_PORT] ?
			  nla_get_u16(tb[HLKVM_A_TIMER_PORT]) : 0;
	cfg->timer_policy = get_u32(tb[HLKVM_A_TIMER_POLICY]);
	cfg->period_min_us = get_u32(tb[HLKVM_A_PERIOD_MIN_US]);
	cfg->period_max_us = get_u32(tb[HLKVM_A_PERIOD_MAX_US]);
	cfg->backlog_max = get_u32(tb[HLKVM_A_BACKLOG_MAX]);
	cfg->vm_count = tb[HLKVM_A_VM_COUNT] ?
			get_u32(tb[HLKVM_A_VM_COUNT]) : HLKVM_VM_COUNT_HIDDEN;
	cfg->pit_tick = tb[HLKVM_A_PIT_TICK] &&
			nla_get_u8(tb[HLKVM_A_PIT_TICK]);
	return 0;
}

int hlkvm_nl_parse_event(struct nlmsghdr *nlh, struct hlkvm_event *ev,
			 struct hlkvm_config *cfg)
{
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct genlmsghdr *gh;
	int ret;

	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ret = parse_top(nlh, tb);
	if (ret)
		return ret;
	gh = nlmsg_data(nlh);
	ev->cmd = gh->cmd;
	switch (gh->cmd) {
	case HLKVM_CMD_ATTACH:
	case HLKVM_CMD_DETACH:
		if (!tb[HLKVM_A_VM_ID])
			return -EBADMSG;
		ev->vm_id = nla_get_u32(tb[HLKVM_A_VM_ID]);
		ev->owner_pid = get_u32(tb[HLKVM_A_OWNER_PID]);
		return 0;
	case HLKVM_CMD_SET_CONFIG:
		ret = hlkvm_nl_parse_config(nlh, cfg);
		if (!ret)
			ev->config = cfg;
		return ret;
	default:
		/* A newer module's event: hand it on, the caller may skip it */
		return 0;
	}
}

/* --- ACKs and the extended ACK message --- */

int hlkvm_nl_ack_parse(const struct nlmsghdr *nlh, char *buf, size_t len)
{
	const struct nlmsgerr *e;
	const struct nlattr *a;
	size_t ack_len;
	int rem, error;

	if (len)
		buf[0] = '\0';
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return -EBADMSG;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		/* A dump's end: an int error, then TLVs if NLM_F_ACK_TLVS */
		memcpy(&error, NLMSG_DATA(nlh), sizeof(error));
		ack_len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
	} else if (nlh->nlmsg_type == NLMSG_ERROR) {
		if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
			return -EBADMSG;
		e = NLMSG_DATA(nlh);
		error = e->error;
		ack_len = NLMSG_HDRLEN + sizeof(*e);
		/* Unless capped, the whole request is echoed before the TLVs */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->error)
			ack_len += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	} else {
		return -EBADMSG;
	}
	if (error > 0)
		error = -error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len <= ack_len ||
	    !len)
		return error;

	a = (const struct nlattr *)((const char *)nlh + ack_len);
	rem = (int)(nlh->nlmsg_len - ack_len);
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		if (nla_type(a) != NLMSGERR_ATTR_MSG || nla_len(a) <= 0)
			continue;
		nla_strlcpy(buf, a, len);
		/* The kernel's text may end in a newline; keep one line */
		buf[strcspn(buf, "\n")] = '\0';
		break;
	}
	return error;
}

int hlkvm_nl_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:
	case NLE_FAILURE:
		return -EIO;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return -ENOENT;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
		return -EPERM;
	default:
		return -EBADMSG;
	}
}

/* --- socket I/O --- */

struct req_ctx {
	struct hlkvm_client *c;
	/* Called per reply; a non-zero return ends the parsing, not the read */
	int (*parse)(struct nlmsghdr *nlh, void *arg);
	void *arg;
	int done;	/* 1 once the ACK or NLMSG_DONE was read */
	int err;	/* the kernel's error, 0 */
	int cb_ret;	/* the first non-zero parse() return */
};

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct req_ctx *rc = arg;

	if (rc->parse && !rc->cb_ret)
		rc->cb_ret = rc->parse(nlmsg_hdr(msg), rc->arg);
	/*
	 * Keep reading even after a failure: leaving the rest of a reply in
	 * the socket would hand it to the next request.
	 */
	return NL_OK;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct req_ctx *rc = arg;

	rc->err = hlkvm_nl_ack_parse(nlmsg_hdr(msg), rc->c->errmsg,
				     sizeof(rc->c->errmsg));
	rc->done = 1;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct req_ctx *rc = arg;

	(void)msg;
	rc->done = 1;
	return NL_STOP;
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct req_ctx *rc = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);

	(void)nla;
	rc->err = hlkvm_nl_ack_parse(nlh, rc->c->errmsg,
				     sizeof(rc->c->errmsg));
	if (!rc->err)
		rc->err = err->error ? err->error : -EIO;
	rc->done = 1;
	return NL_STOP;
}

static int set_err(struct hlkvm_client *c, int err)
{
	/* A message only belongs to the error it came with */
	c->last_err = err;
	if (err >= 0)
		c->errmsg[0] = '\0';
	return err;
}

/*
 * Send @msg (freed here) and read until its ACK or NLMSG_DONE, passing
 * each reply to @parse. Returns the kernel's error, else parse's first
 * non-zero return, else 0.
 */
static int request(struct hlkvm_client *c, struct nl_msg *msg,
		   int (*parse)(struct nlmsghdr *, void *), void *arg)
{
	struct req_ctx rc = { .c = c, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int ret;

	c->errmsg[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return set_err(c, -ENOMEM);
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &rc);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &rc);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &rc);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &rc);

	ret = nl_send_auto(c->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		ret = hlkvm_nl_errno(ret);
		goto out;
	}
	while (!rc.done) {
		ret = nl_recvmsgs(c->sk, cb);
		if (ret < 0 && !rc.done) {
			ret = hlkvm_nl_errno(ret);
			goto out;
		}
	}
	ret = rc.err ? rc.err : rc.cb_ret;
out:
	nl_cb_put(cb);
	return set_err(c, ret);
}

const char *hlkvm_version(void)
{
	return HLKVM_VERSION;
}

void hlkvm_attach_opts_init(struct hlkvm_attach_opts *o)
{
	o->size = sizeof(*o);
	o->groups = HLKVM_DEFAULT;
	o->timer_port = HLKVM_DEFAULT;
	o->timer_policy = HLKVM_DEFAULT;
	o->pit_tick = HLKVM_DEFAULT;
}

void hlkvm_config_set_init(struct hlkvm_config_set *s)
{
	s->size = sizeof(*s);
	s->groups = HLKVM_DEFAULT;
	s->timer_port = HLKVM_DEFAULT;
	s->timer_policy = HLKVM_DEFAULT;
	s->period_min_us = HLKVM_DEFAULT;
	s->period_max_us = HLKVM_DEFAULT;
	s->backlog_max = HLKVM_DEFAULT;
	s->pit_tick = HLKVM_DEFAULT;
}

void hlkvm_vm_set_init(struct hlkvm_vm_set *s)
{
	s->size = sizeof(*s);
	s->timer_period_us = HLKVM_DEFAULT;
	s->timer_policy = HLKVM_DEFAULT;
}

void hlkvm_vm_info_init(struct hlkvm_vm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
}

int hlkvm_nl_client_new(struct hlkvm_client **out, int family)
{
	struct hlkvm_client *c;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->sk = nl_socket_alloc();
	if (!c->sk) {
		free(c);
		return -ENOMEM;
	}
	c->family = family;
	*out = c;
	return 0;
}

int hlkvm_open(struct hlkvm_client **out)
{
	struct hlkvm_client *c;
	int one = 1, ret;

	*out = NULL;
	ret = hlkvm_nl_client_new(&c, 0);
	if (ret)
		return ret;
	ret = genl_connect(c->sk);
	if (ret < 0) {
		ret = hlkvm_nl_errno(ret);
		goto err_close;
	}
	/*
	 * libnl 3.7 has no ext-ack switch: ask the kernel for the TLVs
	 * directly. Older kernels lack the option; errors then lose their
	 * text, nothing else, so a failure here is not fatal. Capping keeps
	 * the request's echo out of error messages.
	 */
	setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	ret = genl_ctrl_resolve(c->sk, HLKVM_GENL_NAME);
	if (ret < 0) {
		/* NLE_OBJ_NOTFOUND: the family is not registered */
		ret = hlkvm_nl_errno(ret);
		goto err_close;
	}
	c->family = ret;
	*out = c;
	return 0;

err_close:
	hlkvm_close(c);
	return ret;
}

void hlkvm_close(struct hlkvm_client *c)
{
	if (!c)
		return;
	nl_socket_free(c->sk);
	free(c);
}

const char *hlkvm_strerror(const struct hlkvm_client *c, int err)
{
	if (c && err && err == c->last_err && c->errmsg[0])
		return c->errmsg;
	return strerror(err < 0 ? -err : err);
}

/*
 * A caller's sized struct refused (@ret from hlkvm_sized_check() or a
 * size below @first): hlkvm_strerror() names it and says what to do.
 * @init is the function that sets its size, if it has one.
 */
static int size_refused(struct hlkvm_client *c, int ret, const char *what,
			const char *init, const void *p, size_t size,
			size_t ours, size_t first)
{
	char how[96];

	set_err(c, ret);
	if (init)
		snprintf(how, sizeof(how), "%s() sets it", init);
	else
		snprintf(how, sizeof(how), "set size = sizeof(struct %s)", what);
	if (!p)
		snprintf(c->errmsg, sizeof(c->errmsg),
			 "struct %s: NULL (%s)", what, how);
	else if (ret == -EINVAL)
		snprintf(c->errmsg, sizeof(c->errmsg),
			 "struct %s: size %zu is below the first release's %zu bytes (%s)",
			 what, size, first, how);
	else
		snprintf(c->errmsg, sizeof(c->errmsg),
			 "struct %s: size %zu, and fields past the %zu bytes this libhlkvm %s knows are set (leave them 0, or use the libhlkvm the caller was built for)",
			 what, size, ours, HLKVM_VERSION);
	return ret;
}

/* A request's sized struct, before anything is built or sent */
static int check_in(struct hlkvm_client *c, const char *what,
		    const char *init, const void *in, size_t size, size_t ours,
		    size_t first)
{
	int ret = hlkvm_sized_check(in, size, ours, first);

	return ret ? size_refused(c, ret, what, init, in, size, ours, first) :
		     0;
}

/* A reply's sized struct: only too small a size is refused */
static int check_out(struct hlkvm_client *c, const char *what,
		     const char *init, const void *out, size_t size,
		     size_t ours, size_t first)
{
	if (out && size >= first)
		return 0;
	return size_refused(c, -EINVAL, what, init, out, size, ours, first);
}

#define CHECK_IN(c, type, init, p, first)				\
	check_in((c), #type, (init), (p), (p) ? (p)->size : 0,		\
		 sizeof(struct type), (first))
#define CHECK_OUT(c, type, init, p, first)				\
	check_out((c), #type, (init), (p), (p) ? (p)->size : 0,	\
		  sizeof(struct type), (first))

/* A failure of ours with no text: an earlier one's must not stand for it */
static int fail(struct hlkvm_client *c, int err)
{
	c->errmsg[0] = '\0';
	return set_err(c, err);
}

static int new_msg(struct hlkvm_client *c, uint8_t cmd, int flags,
		   struct nl_msg **msg)
{
	*msg = hlkvm_nl_msg_new(c->family, cmd, flags);
	return *msg ? 0 : fail(c, -ENOMEM);
}

static int put_failed(struct hlkvm_client *c, struct nl_msg *msg, int ret)
{
	nlmsg_free(msg);
	return fail(c, ret);
}

struct one_vm {
	struct hlkvm_vm_info *info;
	int seen;
};

static int parse_one_vm(struct nlmsghdr *nlh, void *arg)
{
	struct one_vm *o = arg;
	int ret;

	ret = hlkvm_nl_parse_vm(nlh, o->info);
	if (!ret)
		o->seen = 1;
	return ret;
}

/*
 * For requests answered by one VM message: an ACK alone is a bad reply.
 * @info's size was checked before the request went out.
 */
static int request_vm(struct hlkvm_client *c, struct nl_msg *msg,
		      struct hlkvm_vm_info *info)
{
	struct hlkvm_vm_info full;
	struct one_vm o = { .info = &full };
	int ret;

	ret = request(c, msg, parse_one_vm, &o);
	if (!ret && !o.seen)
		ret = set_err(c, -EBADMSG);
	if (!ret && info)
		ret = set_err(c, hlkvm_sized_out(info, info->size, &full,
						 sizeof(full),
						 HLKVM_VM_INFO_SIZE_VER1));
	return ret;
}

int hlkvm_attach(struct hlkvm_client *c, int vm_fd, int irq_fd,
		 const struct hlkvm_attach_opts *opts,
		 struct hlkvm_vm_info *info)
{
	struct nl_msg *msg;
	int ret;

	/* Both before the request: a VM attached must not then fail */
	if (opts) {
		ret = CHECK_IN(c, hlkvm_attach_opts, "hlkvm_attach_opts_init",
			       opts, HLKVM_ATTACH_OPTS_SIZE_VER1);
		if (ret)
			return ret;
	}
	if (info) {
		ret = CHECK_OUT(c, hlkvm_vm_info, "hlkvm_vm_info_init", info,
				HLKVM_VM_INFO_SIZE_VER1);
		if (ret)
			return ret;
	}
	ret = new_msg(c, HLKVM_CMD_ATTACH, 0, &msg);
	if (ret)
		return ret;
	ret = hlkvm_nl_put_attach(msg, vm_fd, irq_fd, opts);
	if (ret)
		return put_failed(c, msg, ret);
	return request_vm(c, msg, info);
}

int hlkvm_detach(struct hlkvm_client *c, const struct hlkvm_vm_ref *ref)
{
	struct nl_msg *msg;
	int ret;

	ret = new_msg(c, HLKVM_CMD_DETACH, 0, &msg);
	if (ret)
		return ret;
	ret = hlkvm_nl_put_vm_ref(msg, ref);
	if (ret)
		return put_failed(c, msg, ret);
	return request(c, msg, NULL, NULL);
}

int hlkvm_get_vm(struct hlkvm_client *c, const struct hlkvm_vm_ref *ref,
		 struct hlkvm_vm_info *info)
{
	struct nl_msg *msg;
	int ret;

	if (info) {
		ret = CHECK_OUT(c, hlkvm_vm_info, "hlkvm_vm_info_init", info,
				HLKVM_VM_INFO_SIZE_VER1);
		if (ret)
			return ret;
	}
	ret = new_msg(c, HLKVM_CMD_GET_VM, 0, &msg);
	if (ret)
		return ret;
	ret = hlkvm_nl_put_vm_ref(msg, ref);
	if (ret)
		return put_failed(c, msg, ret);
	return request_vm(c, msg, info);
}

struct dump_ctx {
	int (*cb)(const struct hlkvm_vm_info *info, void *arg);
	void *arg;
};

static int parse_dump_vm(struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx *d = arg;
	struct hlkvm_vm_info info;
	int ret;

	ret = hlkvm_nl_parse_vm(nlh, &info);
	if (ret)
		return ret;
	return d->cb(&info, d->arg);
}

int hlkvm_dump_vms(struct hlkvm_client *c,
		   int (*cb)(const struct hlkvm_vm_info *info, void *arg),
		   void *arg)
{
	struct dump_ctx d = { .cb = cb, .arg = arg };
	struct nl_msg *msg;
	int ret;

	ret = new_msg(c, HLKVM_CMD_GET_VM, NLM_F_DUMP, &msg);
	if (ret)
		return ret;
	ret = request(c, msg, parse_dump_vm, &d);
	/*
	 * Linux 6.1 drops the message a dump's start callback sets: its
	 * struct netlink_dump_control has no extack, so cb->extack is NULL
	 * there (6.12 passes it). -EPERM is then the module's only refusal.
	 */
	if (ret == -EPERM && !c->errmsg[0])
		snprintf(c->errmsg, sizeof(c->errmsg),
			 "listing every VM needs CAP_NET_ADMIN (the kernel sent no message)");
	/* The callback asked to stop: not an error of ours */
	return ret > 0 ? set_err(c, 0) : ret;
}

int hlkvm_set_vm(struct hlkvm_client *c, const struct hlkvm_vm_ref *ref,
		 const struct hlkvm_vm_set *set)
{
	struct nl_msg *msg;
	int ret;

	ret = CHECK_IN(c, hlkvm_vm_set, "hlkvm_vm_set_init", set,
		       HLKVM_VM_SET_SIZE_VER1);
	if (ret)
		return ret;
	ret = new_msg(c, HLKVM_CMD_SET_VM, 0, &msg);
	if (ret)
		return ret;
	ret = hlkvm_nl_put_vm_ref(msg, ref);
	if (!ret)
		ret = hlkvm_nl_put_vm_set(msg, set);
	if (ret)
		return put_failed(c, msg, ret);
	return request(c, msg, NULL, NULL);
}

struct one_state {
	struct hlkvm_vm_state *state;
	size_t size;
	uint32_t version;	/* the module's, for a refusal's message */
	uint32_t len;
	int seen;
};

static int parse_state(struct nlmsghdr *nlh, void *arg)
{
	struct one_state *o = arg;
	struct nlattr *tb[HLKVM_A_MAX + 1];
	struct nlattr *a;

	if (parse_top(nlh, tb))
		return -EBADMSG;
	a = tb[HLKVM_A_STATE];
	if (!a)
		return -EBADMSG;
	o->len = (uint32_t)nla_len(a);
	if (o->len >= sizeof(o->version))
		memcpy(&o->version, nla_data(a), sizeof(o->version));
	/* Any version the module writes, cut to what both sides know */
	if (hlkvm_state_blob_out(o->state, o->size, nla_data(a),
				 (size_t)nla_len(a)))
		return -EPROTO;
	o->seen = 1;
	return 0;
}

int hlkvm_get_state(struct hlkvm_client *c, const struct hlkvm_vm_ref *ref,
		    struct hlkvm_vm_state *state)
{
	struct one_state o = { .state = state };
	struct nl_msg *msg;
	int ret;

	ret = CHECK_OUT(c, hlkvm_vm_state, NULL, state,
			HLKVM_VM_STATE_SIZE_VER1);
	if (ret)
		return ret;
	o.size = state->size;
	ret = new_msg(c, HLKVM_CMD_GET_STATE, 0, &msg);
	if (ret)
		return ret;
	ret = hlkvm_nl_put_vm_ref(msg, ref);
	if (ret)
		return put_failed(c, msg, ret);
	ret = request(c, msg, parse_state, &o);
	if (ret == -EPROTO && !c->errmsg[0])
		snprintf(c->errmsg, sizeof(c->errmsg),
			 "the module's VM state is no struct hlkvm_vm_state: version %u in %u bytes (libhlkvm and hlkvm.ko disagree on its layout)",
			 o.version, o.len);
	if (!ret && !o.seen)
		ret = set_err(c, -EBADMSG);
	return ret;
}

int hlkvm_set_state(struct hlkvm_client *c, const struct hlkvm_vm_ref *ref,
		    const void *state, size_t len)
{
	struct nl_msg *msg;
	int ret;

	ret = new_msg(c, HLKVM_CMD_SET_STATE, 0, &msg);
	if (ret)
		return ret;
	ret = hlkvm_nl_put_vm_ref(msg, ref);
	if (!ret && nla_put(msg, HLKVM_A_STATE, (int)len, state) < 0)
		ret = -EMSGSIZE;
	if (ret)
		return put_failed(c, msg, ret);
	return request(c, msg, NULL, NULL);
}

static int parse_cfg(struct nlmsghdr *nlh, void *arg)
{
	return hlkvm_nl_parse_config(nlh, arg);
}

int hlkvm_get_config(struct hlkvm_client *c, struct hlkvm_config *cfg)
{
	struct hlkvm_config full;
	struct nl_msg *msg;
	int ret;

	ret = CHECK_OUT(c, hlkvm_config, NULL, cfg, HLKVM_CONFIG_SIZE_VER1);
	if (ret)
		return ret;
	ret = new_msg(c, HLKVM_CMD_GET_CONFIG, 0, &msg);
	if (ret)
		return ret;
	ret = request(c, msg, parse_cfg, &full);
	if (!ret)
		ret = hlkvm_sized_out(cfg, cfg->size, &full, sizeof(full),
				      HLKVM_CONFIG_SIZE_VER1);
	return ret;
}

int hlkvm_set_config(struct hlkvm_client *c,
		     const struct hlkvm_config_set *set)
{
	struct nl_msg *msg;
	int ret;

	ret = CHECK_IN(c, hlkvm_config_set, "hlkvm_config_set_init", set,
		       HLKVM_CONFIG_SET_SIZE_VER1);
	if (ret)
		return ret;
	ret = new_msg(c, HLKVM_CMD_SET_CONFIG, 0, &msg);
	if (ret)
		return ret;
	ret = hlkvm_nl_put_config_set(msg, set);
	if (ret)
		return put_failed(c, msg, ret);
	return request(c, msg, NULL, NULL);
}

struct monitor_ctx {
	int (*cb)(const struct hlkvm_event *ev, void *arg);
	void *arg;
	unsigned int max_events, seen;
	int ret;	/* the callback's non-zero return */
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct monitor_ctx *m = arg;
	struct hlkvm_config cfg;
	struct hlkvm_event ev;

	/* Malformed or foreign events are skipped, not fatal: keep watching */
	if (hlkvm_nl_parse_event(nlmsg_hdr(msg), &ev, &cfg))
		return NL_SKIP;
	m->seen++;
	m->ret = m->cb(&ev, m->arg);
	if (m->ret || (m->max_events && m->seen >= m->max_events))
		return NL_STOP;
	return NL_OK;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int hlkvm_monitor(struct hlkvm_client *c,
		  int (*cb)(const struct hlkvm_event *ev, void *arg),
		  void *arg, unsigned int max_events)
{
	struct monitor_ctx m = {
		.cb = cb, .arg = arg, .max_events = max_events,
	};
	struct nl_cb *ncb;
	int grp, ret;

	c->errmsg[0] = '\0';
	grp = genl_ctrl_resolve_grp(c->sk, HLKVM_GENL_NAME,
				    HLKVM_MCGRP_EVENTS);
	if (grp < 0)
		return set_err(c, hlkvm_nl_errno(grp));
	ret = nl_socket_add_membership(c->sk, grp);
	if (ret < 0)
		return set_err(c, hlkvm_nl_errno(ret));

	ncb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!ncb) {
		ret = -ENOMEM;
		goto out_leave;
	}
	/*
	 * Notifications carry no sequence number of ours. This is what
	 * nl_socket_disable_seq_check() does, but on this callback set only,
	 * so requests made on the client afterwards are still checked.
	 */
	nl_cb_set(ncb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(ncb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &m);
	ret = 0;
	while (!m.ret && (!max_events || m.seen < max_events)) {
		ret = nl_recvmsgs(c->sk, ncb);
		if (ret < 0 && !m.ret &&
		    (!max_events || m.seen < max_events)) {
			ret = hlkvm_nl_errno(ret);
			break;
		}
		ret = 0;
	}
	nl_cb_put(ncb);
	if (!ret && m.ret < 0)
		ret = m.ret;
out_leave:
	nl_socket_drop_membership(c->sk, grp);
	return set_err(c, ret);
}
