/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-made generic netlink for the host tests that need what libnl hides:
 * the socket itself (its port id, its receive buffer), or a round trip
 * timed without a library in between. Each C file under tests/host is a
 * program of its own, so all of this is static inline.
 */
#ifndef HLKVM_RAWNL_H
#define HLKVM_RAWNL_H

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RAWNL_BUF	8192

struct rawnl_msg {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[256];
	size_t attrs_len;
};

/* A NETLINK_GENERIC socket bound to @portid (0: the kernel picks one) */
static inline int rawnl_open(uint32_t portid)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = portid };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int err;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/* The port id the socket is bound to, or 0 */
static inline uint32_t rawnl_portid(int fd)
{
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		return 0;
	return sa.nl_pid;
}

static inline void rawnl_init(struct rawnl_msg *m, uint16_t family,
			      uint8_t cmd, uint8_t version)
{
	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_type = family;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->genl.cmd = cmd;
	m->genl.version = version;
}

static inline void rawnl_put(struct rawnl_msg *m, uint16_t type,
			     const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)(m->attrs + m->attrs_len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->attrs_len += NLA_ALIGN(a->nla_len);
}

static inline void rawnl_put_u32(struct rawnl_msg *m, uint16_t type,
				 uint32_t v)
{
	rawnl_put(m, type, &v, sizeof(v));
}

/* Send @m without reading anything back: 0 or -errno */
static inline int rawnl_send(int fd, struct rawnl_msg *m, uint32_t seq)
{
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + m->attrs_len);
	m->nlh.nlmsg_seq = seq;
	return send(fd, m, m->nlh.nlmsg_len, 0) < 0 ? -errno : 0;
}

/*
 * Read until the ACK (or error) of @seq: its error code (0 for an ACK),
 * or -errno of recv() itself. The first non-error message of @seq is
 * copied to @reply if given.
 */
static inline int rawnl_wait(int fd, uint32_t seq, void *reply,
			     size_t reply_len)
{
	char buf[RAWNL_BUF];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (reply && h->nlmsg_len <= reply_len) {
				memcpy(reply, h, h->nlmsg_len);
				reply = NULL;
			}
		}
	}
}

static inline int rawnl_transact(int fd, struct rawnl_msg *m, uint32_t seq,
				 void *reply, size_t reply_len)
{
	int ret = rawnl_send(fd, m, seq);

	return ret ? ret : rawnl_wait(fd, seq, reply, reply_len);
}

/* The first attribute of @type in the @len bytes at @start, or NULL */
static inline const struct nlattr *rawnl_find(const void *start, size_t len,
					      uint16_t type)
{
	const struct nlattr *a = start;

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return NULL;
}

static inline const void *rawnl_payload(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

/* The attribute of @type at the top level of the genl message @reply */
static inline const struct nlattr *rawnl_reply_attr(const void *reply,
						    uint16_t type)
{
	const struct nlmsghdr *h = reply;

	if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return NULL;
	return rawnl_find((const char *)reply + NLMSG_LENGTH(GENL_HDRLEN),
			  h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), type);
}

/*
 * CTRL_CMD_GETFAMILY for @name, its answer copied to @reply: 0 or -errno.
 * It goes through the genl core's own family (nlctrl), as every genl
 * client's first message does.
 */
static inline int rawnl_get_family(int fd, const char *name, uint32_t seq,
				   void *reply, size_t reply_len)
{
	struct rawnl_msg m;

	rawnl_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	rawnl_put(&m, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	memset(reply, 0, reply_len);
	return rawnl_transact(fd, &m, seq, reply, reply_len);
}

/* The family id of @name (> 0) or -errno */
static inline int rawnl_family(int fd, const char *name, uint32_t seq)
{
	char reply[RAWNL_BUF];
	const struct nlattr *a;
	int ret;

	ret = rawnl_get_family(fd, name, seq, reply, sizeof(reply));
	if (ret)
		return ret;
	a = rawnl_reply_attr(reply, CTRL_ATTR_FAMILY_ID);
	return a ? *(const uint16_t *)rawnl_payload(a) : -EPROTO;
}

#endif /* HLKVM_RAWNL_H */
