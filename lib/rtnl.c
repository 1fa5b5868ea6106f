/*
 * rtnl.c - the NETLINK_ROUTE dump client (see rtnl.h).
 *
 * A dump is one request (struct nlmsghdr + the kind's family header,
 * NLM_F_DUMP) answered by a stream of RTM_NEW* messages ended by
 * NLMSG_DONE, or by one NLMSG_ERROR. Messages and attributes are walked
 * with nlmsg.h; every field is copied out with memcpy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "err.h"
#include "nlmsg.h"
#include "rtnl.h"
#include "xalloc.h"
#include "banned.h"

/* A kernel that stops answering a dump must not hang a query forever. */
#define RTNL_RECV_TIMEOUT_SEC 10

struct rtnl {
	int fd;
	uint32_t seq;
	uint8_t *buf;
	size_t buf_size;
};

int rtnl_open(struct rtnl **ret)
{
	struct timeval tv = { .tv_sec = RTNL_RECV_TIMEOUT_SEC };
	struct rtnl *nl;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	/* best effort: without it a silent kernel blocks the read */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl = xcalloc(1, sizeof(*nl));
	nl->fd = fd;
	nl->seq = 0x47000000;
	nl->buf_size = RTNL_RECV_BUF_MIN;
	nl->buf = xmalloc(nl->buf_size);
	*ret = nl;
	return 0;
}

void rtnl_free(struct rtnl *nl)
{
	if (!nl)
		return;
	close(nl->fd);
	free(nl->buf);
	free(nl);
}

/* ------------------------------------------------------------------ */
/* requests */

size_t rtnl_build_request(enum rtnl_kind kind, uint32_t seq, void *buf)
{
	struct nlmsghdr nlh = {
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlmsg_seq = seq,
	};
	size_t body;

	_Static_assert(NLMSG_HDRLEN + sizeof(struct ifinfomsg) <= RTNL_REQ_MAX, "request");
	_Static_assert(NLMSG_HDRLEN + sizeof(struct rtmsg) <= RTNL_REQ_MAX, "request");
	memset(buf, 0, RTNL_REQ_MAX);
	/* every family header zeroed: AF_UNSPEC, all tables, all devices */
	switch (kind) {
	case RTNL_LINKS:
		nlh.nlmsg_type = RTM_GETLINK;
		body = sizeof(struct ifinfomsg);
		break;
	case RTNL_ADDRS:
		nlh.nlmsg_type = RTM_GETADDR;
		body = sizeof(struct ifaddrmsg);
		break;
	default:
		nlh.nlmsg_type = RTM_GETROUTE;
		body = sizeof(struct rtmsg);
		break;
	}
	nlh.nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
	memcpy(buf, &nlh, sizeof(nlh));
	return nlh.nlmsg_len;
}

/* ------------------------------------------------------------------ */
/* parsing */

static size_t family_addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* An IP address attribute: exactly the family's size. */
static int get_ip(const struct nl_attr *a, uint8_t family, uint8_t out[16], bool *ret_has)
{
	size_t n = family_addr_len(family);

	if (n == 0 || a->len != n)
		return -SPOOR_EPARSE;
	memset(out, 0, 16);
	memcpy(out, a->val, n);
	*ret_has = true;
	return 0;
}

static int get_u32(const struct nl_attr *a, uint32_t *ret)
{
	if (a->len < sizeof(*ret))
		return -SPOOR_EPARSE;
	memcpy(ret, a->val, sizeof(*ret));
	return 0;
}

/* A NUL-terminated name that fits IFNAMSIZ (the kernel's own bound). */
static int get_name(const struct nl_attr *a, char out[IFNAMSIZ])
{
	const uint8_t *nul = memchr(a->val, '\0', a->len);
	size_t n = nul ? (size_t)(nul - a->val) : a->len;

	if (n >= IFNAMSIZ)
		return -SPOOR_EPARSE;
	memcpy(out, a->val, n);
	out[n] = '\0';
	return 0;
}

static int parse_link(const uint8_t *p, size_t len, const struct rtnl_cb *cb)
{
	struct ifinfomsg ifi;
	struct rtnl_link l;
	struct nl_iter it;
	struct nl_attr a;
	int r;

	if (len < sizeof(ifi))
		return -SPOOR_EPARSE;
	memcpy(&ifi, p, sizeof(ifi));
	memset(&l, 0, sizeof(l));
	l.index = ifi.ifi_index;
	l.type = ifi.ifi_type;
	l.flags = ifi.ifi_flags;
	it = nl_iter_make(p + NLMSG_ALIGN(sizeof(ifi)),
			  len > NLMSG_ALIGN(sizeof(ifi)) ? len - NLMSG_ALIGN(sizeof(ifi)) : 0);
	while ((r = nl_attr_next(&it, &a)) == 0) {
		switch (a.type) {
		case IFLA_IFNAME:
			r = get_name(&a, l.name);
			break;
		case IFLA_MTU:
			r = get_u32(&a, &l.mtu);
			l.has_mtu = r == 0;
			break;
		case IFLA_ADDRESS:
			if (a.len > RTNL_HWADDR_MAX) {
				r = -SPOOR_EPARSE;
				break;
			}
			memcpy(l.addr, a.val, a.len);
			l.addr_len = a.len;
			break;
		case IFLA_STATS: {
			struct rtnl_link_stats s;

			if (a.len < sizeof(s)) {
				r = -SPOOR_EPARSE;
				break;
			}
			memcpy(&s, a.val, sizeof(s));
			l.stats = (struct rtnl_stats32){
				.rx_packets = s.rx_packets, .tx_packets = s.tx_packets,
				.rx_bytes = s.rx_bytes,     .tx_bytes = s.tx_bytes,
				.rx_errors = s.rx_errors,   .tx_errors = s.tx_errors,
				.rx_dropped = s.rx_dropped, .tx_dropped = s.tx_dropped,
				.multicast = s.multicast,   .collisions = s.collisions,
			};
			l.has_stats = true;
			break;
		}
		default:
			break;
		}
		if (r < 0)
			return r;
	}
	if (r != -ENOENT)
		return r;
	return cb->link ? cb->link(cb->arg, &l) : 0;
}

static int parse_addr(const uint8_t *p, size_t len, const struct rtnl_cb *cb)
{
	struct ifaddrmsg ifa;
	struct rtnl_addr ad;
	struct nl_iter it;
	struct nl_attr a;
	int r;

	if (len < sizeof(ifa))
		return -SPOOR_EPARSE;
	memcpy(&ifa, p, sizeof(ifa));
	if (!family_addr_len(ifa.ifa_family))
		return 0;
	memset(&ad, 0, sizeof(ad));
	ad.family = ifa.ifa_family;
	ad.prefixlen = ifa.ifa_prefixlen;
	ad.scope = ifa.ifa_scope;
	ad.flags = ifa.ifa_flags;
	ad.index = (int32_t)ifa.ifa_index;
	if (ad.prefixlen > family_addr_len(ad.family) * 8)
		return -SPOOR_EPARSE;
	it = nl_iter_make(p + NLMSG_ALIGN(sizeof(ifa)),
			  len > NLMSG_ALIGN(sizeof(ifa)) ? len - NLMSG_ALIGN(sizeof(ifa)) : 0);
	while ((r = nl_attr_next(&it, &a)) == 0) {
		switch (a.type) {
		case IFA_ADDRESS:
			r = get_ip(&a, ad.family, ad.address, &ad.has_address);
			break;
		case IFA_LOCAL:
			r = get_ip(&a, ad.family, ad.local, &ad.has_local);
			break;
		case IFA_BROADCAST:
			r = get_ip(&a, ad.family, ad.broadcast, &ad.has_broadcast);
			break;
		case IFA_LABEL:
			r = get_name(&a, ad.label);
			break;
		case IFA_FLAGS:
			r = get_u32(&a, &ad.flags);
			break;
		default:
			break;
		}
		if (r < 0)
			return r;
	}
	if (r != -ENOENT)
		return r;
	return cb->addr ? cb->addr(cb->arg, &ad) : 0;
}

static int parse_metrics(const struct nl_attr *m, struct rtnl_route *rt)
{
	struct nl_iter it = nl_iter_make(m->val, m->len);
	struct nl_attr a;
	int r;

	while ((r = nl_attr_next(&it, &a)) == 0) {
		if (a.type == RTAX_MTU) {
			r = get_u32(&a, &rt->mtu);
			rt->has_mtu = r == 0;
		} else if (a.type == RTAX_HOPLIMIT) {
			r = get_u32(&a, &rt->hoplimit);
			rt->has_hoplimit = r == 0;
		}
		if (r < 0)
			return r;
	}
	return r == -ENOENT ? 0 : r;
}

static int parse_route(const uint8_t *p, size_t len, const struct rtnl_cb *cb)
{
	struct rtmsg rtm;
	struct rtnl_route rt;
	struct nl_iter it;
	struct nl_attr a;
	int r;

	if (len < sizeof(rtm))
		return -SPOOR_EPARSE;
	memcpy(&rtm, p, sizeof(rtm));
	if (!family_addr_len(rtm.rtm_family))
		return 0; /* RTNL_FAMILY_IPMR, AF_MPLS...: not IP routes */
	memset(&rt, 0, sizeof(rt));
	rt.family = rtm.rtm_family;
	rt.dst_len = rtm.rtm_dst_len;
	rt.src_len = rtm.rtm_src_len;
	rt.protocol = rtm.rtm_protocol;
	rt.scope = rtm.rtm_scope;
	rt.type = rtm.rtm_type;
	rt.table = rtm.rtm_table;
	rt.flags = rtm.rtm_flags;
	if (rt.dst_len > family_addr_len(rt.family) * 8)
		return -SPOOR_EPARSE;
	it = nl_iter_make(p + NLMSG_ALIGN(sizeof(rtm)),
			  len > NLMSG_ALIGN(sizeof(rtm)) ? len - NLMSG_ALIGN(sizeof(rtm)) : 0);
	while ((r = nl_attr_next(&it, &a)) == 0) {
		switch (a.type) {
		case RTA_DST:
			r = get_ip(&a, rt.family, rt.dst, &rt.has_dst);
			break;
		case RTA_GATEWAY:
			r = get_ip(&a, rt.family, rt.gateway, &rt.has_gateway);
			break;
		case RTA_PREFSRC:
			r = get_ip(&a, rt.family, rt.prefsrc, &rt.has_prefsrc);
			break;
		case RTA_OIF: {
			uint32_t v;

			r = get_u32(&a, &v);
			rt.oif = (int32_t)v;
			rt.has_oif = r == 0;
			break;
		}
		case RTA_PRIORITY:
			r = get_u32(&a, &rt.priority);
			rt.has_priority = r == 0;
			break;
		case RTA_TABLE:
			r = get_u32(&a, &rt.table);
			break;
		case RTA_METRICS:
			r = parse_metrics(&a, &rt);
			break;
		default:
			break;
		}
		if (r < 0)
			return r;
	}
	if (r != -ENOENT)
		return r;
	return cb->route ? cb->route(cb->arg, &rt) : 0;
}

static const uint16_t answer_type[] = {
	[RTNL_LINKS] = RTM_NEWLINK,
	[RTNL_ADDRS] = RTM_NEWADDR,
	[RTNL_ROUTES] = RTM_NEWROUTE,
};

int rtnl_parse(enum rtnl_kind kind, uint32_t seq, const void *buf, size_t len,
	       const struct rtnl_cb *cb)
{
	struct nl_iter it = nl_iter_make(buf, len);
	struct nl_msg m;
	int c, r;

	while ((r = nl_msg_next(&it, &m)) == 0) {
		if (m.seq != seq)
			continue; /* left over from an abandoned dump */
		c = nl_msg_control(&m);
		if (c < 0)
			return c;
		if (c == NL_DONE)
			return 1;
		if (c == NL_CONTINUE)
			continue;
		if (m.type != answer_type[kind])
			return -SPOOR_EPARSE;
		if (kind == RTNL_LINKS)
			r = parse_link(m.payload, m.payload_len, cb);
		else if (kind == RTNL_ADDRS)
			r = parse_addr(m.payload, m.payload_len, cb);
		else
			r = parse_route(m.payload, m.payload_len, cb);
		if (r < 0)
			return r;
	}
	return r == -ENOENT ? 0 : r;
}

/* ------------------------------------------------------------------ */
/* the dump */

static int recv_buf(struct rtnl *nl, size_t *ret_len)
{
	return nl_recv(nl->fd, &nl->buf, &nl->buf_size, RTNL_RECV_BUF_MAX, ret_len);
}

/* The callback's first error is kept, not returned at once: the rest of
 * the dump is still read (and dropped), so the socket can serve the
 * next request (a netlink socket runs one dump at a time). */
struct dump_ctx {
	const struct rtnl_cb *cb;
	int err;
};

static int dump_link(void *p, const struct rtnl_link *l)
{
	struct dump_ctx *c = p;

	if (c->err == 0 && c->cb->link) {
		int r = c->cb->link(c->cb->arg, l);

		c->err = r < 0 ? r : 0;
	}
	return 0;
}

static int dump_addr(void *p, const struct rtnl_addr *a)
{
	struct dump_ctx *c = p;

	if (c->err == 0 && c->cb->addr) {
		int r = c->cb->addr(c->cb->arg, a);

		c->err = r < 0 ? r : 0;
	}
	return 0;
}

static int dump_route(void *p, const struct rtnl_route *rt)
{
	struct dump_ctx *c = p;

	if (c->err == 0 && c->cb->route) {
		int r = c->cb->route(c->cb->arg, rt);

		c->err = r < 0 ? r : 0;
	}
	return 0;
}

int rtnl_dump(struct rtnl *nl, enum rtnl_kind kind, const struct rtnl_cb *cb)
{
	uint8_t msg[RTNL_REQ_MAX];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct dump_ctx c = { .cb = cb };
	struct rtnl_cb wrap = {
		.link = dump_link, .addr = dump_addr, .route = dump_route, .arg = &c,
	};
	uint32_t seq = ++nl->seq;
	size_t len = rtnl_build_request(kind, seq, msg);
	int r;

	for (;;) {
		ssize_t n = sendto(nl->fd, msg, len, 0, (struct sockaddr *)&kernel, sizeof(kernel));

		if (n >= 0)
			break;
		if (errno != EINTR)
			return -errno;
	}
	do {
		size_t got = 0;

		r = recv_buf(nl, &got);
		if (r == 0)
			r = rtnl_parse(kind, seq, nl->buf, got, &wrap);
	} while (r == 0);
	return r < 0 ? r : c.err;
}
