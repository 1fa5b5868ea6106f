/*
 * nlmsg.h - bounded walkers over netlink messages and attributes.
 *
 * Every netlink client in spoor (rtnl.c for NETLINK_ROUTE; sockdiag.c's
 * messages have the same framing) reads kernel answers as a sequence of
 * struct nlmsghdr, each followed by a family header and a list of
 * struct nlattr. These walkers trust nothing in the bytes: every length
 * is checked against what is left of the buffer before it is used, and
 * values are handed out as pointers into the buffer, to be read with
 * memcpy (a captured buffer need not be aligned).
 */
#ifndef SPOOR_NLMSG_H
#define SPOOR_NLMSG_H

#include <stddef.h>
#include <stdint.h>

/* A cursor over a buffer of messages or of attributes. */
struct nl_iter {
	const uint8_t *p;
	size_t len;
	size_t off;
};

static inline struct nl_iter nl_iter_make(const void *buf, size_t len)
{
	struct nl_iter it = { .p = buf, .len = len, .off = 0 };
	return it;
}

/* One message: its header fields and its payload (after the header). */
struct nl_msg {
	uint32_t len;
	uint16_t type;
	uint16_t flags;
	uint32_t seq;
	uint32_t pid;
	const uint8_t *payload;
	size_t payload_len;
};

/*
 * Next message of the buffer. Returns 0, -ENOENT at the end, or
 * -SPOOR_EPARSE when a header is cut or its length is impossible (the
 * cursor then stays put). The last message may lack its alignment
 * padding.
 */
int nl_msg_next(struct nl_iter *it, struct nl_msg *ret);

/* One attribute: type without the NESTED / BYTEORDER bits, value bytes. */
struct nl_attr {
	uint16_t type;
	const uint8_t *val;
	size_t len;
};

/* Next attribute; same contract as nl_msg_next. */
int nl_attr_next(struct nl_iter *it, struct nl_attr *ret);

/* The errno carried by an NLMSG_ERROR or NLMSG_DONE payload, in
 * *ret_errno (0 or negative). -SPOOR_EPARSE when cut or out of range. */
int nl_payload_errno(const uint8_t *payload, size_t len, int *ret_errno);

/*
 * Receives one datagram from the kernel on a netlink socket into *buf,
 * growing it (up to max bytes) when the kernel's datagram is larger: a
 * peek tells its size first. Datagrams not from the kernel (port 0) are
 * dropped. Returns 0 with the length in *ret_len, -ETIMEDOUT when the
 * socket's receive timeout expires, -EMSGSIZE past max, or -errno.
 */
int nl_recv(int fd, uint8_t **buf, size_t *size, size_t max, size_t *ret_len);

/* What a netlink control message means to a dump reader. */
enum nl_control {
	NL_DATA,     /* not a control message: the dump's own payload */
	NL_CONTINUE, /* an acknowledgement or NOOP: read on */
	NL_DONE,     /* the dump ended successfully */
};

/*
 * Classifies m: NL_DONE for NLMSG_DONE with no error, NL_CONTINUE for a
 * NOOP or an acknowledgement, NL_DATA for anything else; a negative
 * errno for NLMSG_DONE/NLMSG_ERROR carrying an error, -EIO for
 * NLMSG_OVERRUN, or the payload's parse error.
 */
int nl_msg_control(const struct nl_msg *m);

#endif
