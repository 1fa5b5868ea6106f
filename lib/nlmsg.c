/*
 * nlmsg.c - bounded netlink message and attribute walkers (see nlmsg.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include "err.h"
#include "nlmsg.h"
#include "xalloc.h"
#include "banned.h"

int nl_msg_next(struct nl_iter *it, struct nl_msg *ret)
{
	struct nlmsghdr h;
	size_t left = it->len - it->off;

	if (it->off >= it->len)
		return -ENOENT;
	if (left < sizeof(h))
		return -SPOOR_EPARSE;
	memcpy(&h, it->p + it->off, sizeof(h));
	if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > left)
		return -SPOOR_EPARSE;
	ret->len = h.nlmsg_len;
	ret->type = h.nlmsg_type;
	ret->flags = h.nlmsg_flags;
	ret->seq = h.nlmsg_seq;
	ret->pid = h.nlmsg_pid;
	ret->payload = it->p + it->off + NLMSG_HDRLEN;
	ret->payload_len = h.nlmsg_len - NLMSG_HDRLEN;
	it->off += NLMSG_ALIGN(h.nlmsg_len) < left ? NLMSG_ALIGN(h.nlmsg_len) : left;
	return 0;
}

int nl_attr_next(struct nl_iter *it, struct nl_attr *ret)
{
	struct nlattr a;
	size_t left = it->len - it->off;

	if (it->off >= it->len)
		return -ENOENT;
	if (left < sizeof(a))
		return -SPOOR_EPARSE;
	memcpy(&a, it->p + it->off, sizeof(a));
	if (a.nla_len < NLA_HDRLEN || a.nla_len > left)
		return -SPOOR_EPARSE;
	ret->type = a.nla_type & NLA_TYPE_MASK;
	ret->val = it->p + it->off + NLA_HDRLEN;
	ret->len = a.nla_len - NLA_HDRLEN;
	it->off += (size_t)NLA_ALIGN(a.nla_len) < left ? (size_t)NLA_ALIGN(a.nla_len) : left;
	return 0;
}

int nl_payload_errno(const uint8_t *payload, size_t len, int *ret_errno)
{
	int32_t e;

	if (len < sizeof(e))
		return -SPOOR_EPARSE;
	memcpy(&e, payload, sizeof(e));
	if (e > 0 || e < -4095)
		return -SPOOR_EPARSE;
	*ret_errno = e;
	return 0;
}

int nl_msg_control(const struct nl_msg *m)
{
	int e, r;

	switch (m->type) {
	case NLMSG_DONE:
		/* the payload, when present, is the dump's final errno */
		if (m->payload_len == 0)
			return NL_DONE;
		r = nl_payload_errno(m->payload, m->payload_len, &e);
		if (r < 0)
			return r;
		return e < 0 ? e : NL_DONE;
	case NLMSG_ERROR:
		r = nl_payload_errno(m->payload, m->payload_len, &e);
		if (r < 0)
			return r;
		/* 0 is an acknowledgement, which a dump does not ask for */
		return e < 0 ? e : NL_CONTINUE;
	case NLMSG_NOOP:
		return NL_CONTINUE;
	case NLMSG_OVERRUN:
		return -EIO;
	default:
		return NL_DATA;
	}
}

int nl_recv(int fd, uint8_t **buf, size_t *size, size_t max, size_t *ret_len)
{
	for (;;) {
		struct sockaddr_nl sa;
		struct iovec iov = { .iov_base = *buf, .iov_len = *size };
		struct msghdr msg = {
			.msg_name = &sa,
			.msg_namelen = sizeof(sa),
			.msg_iov = &iov,
			.msg_iovlen = 1,
		};
		ssize_t n = recvmsg(fd, &msg, MSG_PEEK | MSG_TRUNC);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		}
		if ((size_t)n > *size) {
			if ((size_t)n > max)
				return -EMSGSIZE;
			free(*buf);
			*size = (size_t)n;
			*buf = xmalloc(*size);
			continue;
		}
		iov.iov_base = *buf;
		iov.iov_len = *size;
		msg.msg_namelen = sizeof(sa);
		msg.msg_flags = 0;
		n = recvmsg(fd, &msg, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		}
		if (msg.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		/* only the kernel (port 0) answers dumps */
		if (msg.msg_namelen >= sizeof(sa) && sa.nl_pid != 0)
			continue;
		if (n == 0)
			return -SPOOR_EPARSE;
		*ret_len = (size_t)n;
		return 0;
	}
}
