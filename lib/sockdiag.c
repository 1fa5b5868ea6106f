/*
 * sockdiag.c - the NETLINK_SOCK_DIAG client (see sockdiag.h).
 *
 * A dump is one request (struct nlmsghdr + the family's request struct,
 * NLM_F_DUMP) answered by a stream of SOCK_DIAG_BY_FAMILY messages ended
 * by NLMSG_DONE, or by one NLMSG_ERROR. Messages and attributes are
 * walked with nlmsg.h (shared with rtnl.c); every field is copied out of
 * the receive buffer with memcpy, so a captured buffer of any alignment
 * can be parsed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/packet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "err.h"
#include "nlmsg.h"
#include "sockdiag.h"
#include "xalloc.h"
#include "banned.h"

/* A kernel that stops answering a dump must not hang a query forever. */
#define SOCKDIAG_RECV_TIMEOUT_SEC 10
/* sizeof(((struct sockaddr_un *)0)->sun_path): no bound name is longer */
#define UNIX_NAME_MAX 108

struct sockdiag {
	int fd;
	uint32_t seq;
	uint8_t *buf;
	size_t buf_size;
};

/* ------------------------------------------------------------------ */
/* opening, possibly inside another network namespace */

struct netns_open {
	int nsfd;
	int fd;
	int err;
};

static int diag_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	return fd < 0 ? -errno : fd;
}

/* Runs on its own thread: the namespace change dies with the thread,
 * while the socket keeps the namespace it was created in. */
static void *open_in_netns(void *arg)
{
	struct netns_open *o = arg;

	if (setns(o->nsfd, CLONE_NEWNET) < 0) {
		o->err = -errno;
		return NULL;
	}
	o->fd = diag_socket();
	if (o->fd < 0) {
		o->err = o->fd;
		o->fd = -1;
	}
	return NULL;
}

int sockdiag_open(struct sockdiag **ret, int netns_fd)
{
	struct timeval tv = { .tv_sec = SOCKDIAG_RECV_TIMEOUT_SEC };
	struct sockdiag *sd;
	int fd;

	if (netns_fd < 0) {
		fd = diag_socket();
		if (fd < 0)
			return fd;
	} else {
		struct netns_open o = { .nsfd = netns_fd, .fd = -1 };
		pthread_t th;
		int r = pthread_create(&th, NULL, open_in_netns, &o);

		if (r != 0)
			return -r;
		pthread_join(th, NULL);
		if (o.err < 0)
			return o.err;
		fd = o.fd;
	}
	/* best effort: without it a silent kernel blocks the read */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sd = xcalloc(1, sizeof(*sd));
	sd->fd = fd;
	sd->seq = 0x5d000000;
	sd->buf_size = SOCKDIAG_RECV_BUF;
	sd->buf = xmalloc(sd->buf_size);
	*ret = sd;
	return 0;
}

void sockdiag_free(struct sockdiag *sd)
{
	if (!sd)
		return;
	close(sd->fd);
	free(sd->buf);
	free(sd);
}

/* ------------------------------------------------------------------ */
/* requests */

size_t sockdiag_build_request(const struct sockdiag_req *req, uint32_t seq, void *buf)
{
	struct nlmsghdr nlh = {
		.nlmsg_type = SOCK_DIAG_BY_FAMILY,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlmsg_seq = seq,
	};
	size_t body;

	_Static_assert(NLMSG_HDRLEN + sizeof(struct inet_diag_req_v2) <= SOCKDIAG_REQ_MAX,
		       "request buffer");
	memset(buf, 0, SOCKDIAG_REQ_MAX);
	if (req->family == AF_UNIX) {
		struct unix_diag_req u = {
			.sdiag_family = AF_UNIX,
			.udiag_states = req->states,
			.udiag_show = req->unix_names ? UDIAG_SHOW_NAME : 0,
		};

		body = sizeof(u);
		memcpy((char *)buf + NLMSG_HDRLEN, &u, sizeof(u));
	} else if (req->family == AF_PACKET) {
		struct packet_diag_req p = { .sdiag_family = AF_PACKET };

		body = sizeof(p);
		memcpy((char *)buf + NLMSG_HDRLEN, &p, sizeof(p));
	} else {
		struct inet_diag_req_v2 i = {
			.sdiag_family = req->family,
			.sdiag_protocol = req->protocol,
			.idiag_states = req->states,
		};

		body = sizeof(i);
		memcpy((char *)buf + NLMSG_HDRLEN, &i, sizeof(i));
	}
	nlh.nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
	memcpy(buf, &nlh, sizeof(nlh));
	return nlh.nlmsg_len;
}

/* ------------------------------------------------------------------ */
/* parsing */

static int parse_inet(const struct sockdiag_req *req, const uint8_t *p, size_t len,
		      struct sockdiag_sock *s)
{
	struct inet_diag_msg m;

	if (len < sizeof(m))
		return -SPOOR_EPARSE;
	memcpy(&m, p, sizeof(m));
	if (m.idiag_family != req->family)
		return -SPOOR_EPARSE;
	s->inode = m.idiag_inode;
	s->family = m.idiag_family;
	s->protocol = req->protocol;
	s->state = m.idiag_state;
	s->local_port = ntohs(m.id.idiag_sport);
	s->remote_port = ntohs(m.id.idiag_dport);
	memcpy(s->local_addr, m.id.idiag_src, sizeof(s->local_addr));
	memcpy(s->remote_addr, m.id.idiag_dst, sizeof(s->remote_addr));
	return 0;
}

static int parse_unix(const uint8_t *p, size_t len, struct sockdiag_sock *s)
{
	struct unix_diag_msg m;
	size_t off = NLMSG_ALIGN(sizeof(m));
	struct nl_iter it;
	struct nl_attr a;
	int r;

	if (len < sizeof(m))
		return -SPOOR_EPARSE;
	memcpy(&m, p, sizeof(m));
	if (m.udiag_family != AF_UNIX)
		return -SPOOR_EPARSE;
	s->inode = m.udiag_ino;
	s->family = AF_UNIX;
	s->state = m.udiag_state;
	s->type = m.udiag_type;
	it = nl_iter_make(p + off, len > off ? len - off : 0);
	while ((r = nl_attr_next(&it, &a)) == 0) {
		if (a.type != UNIX_DIAG_NAME)
			continue;
		if (a.len > UNIX_NAME_MAX)
			return -SPOOR_EPARSE;
		s->unix_name = a.val;
		s->unix_name_len = a.len;
	}
	return r == -ENOENT ? 0 : r;
}

static int parse_packet(const uint8_t *p, size_t len, struct sockdiag_sock *s)
{
	struct packet_diag_msg m;

	if (len < sizeof(m))
		return -SPOOR_EPARSE;
	memcpy(&m, p, sizeof(m));
	if (m.pdiag_family != AF_PACKET)
		return -SPOOR_EPARSE;
	s->inode = m.pdiag_ino;
	s->family = AF_PACKET;
	s->type = m.pdiag_type;
	s->packet_proto = m.pdiag_num;
	return 0;
}

static int parse_socket(const struct sockdiag_req *req, const uint8_t *p, size_t len,
			sockdiag_fn fn, void *arg)
{
	struct sockdiag_sock s;
	int r;

	memset(&s, 0, sizeof(s));
	if (req->family == AF_UNIX)
		r = parse_unix(p, len, &s);
	else if (req->family == AF_PACKET)
		r = parse_packet(p, len, &s);
	else
		r = parse_inet(req, p, len, &s);
	if (r < 0)
		return r;
	return fn ? fn(arg, &s) : 0;
}

int sockdiag_parse(const struct sockdiag_req *req, uint32_t seq, const void *buf, size_t len,
		   sockdiag_fn fn, void *arg)
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
		if (m.type != SOCK_DIAG_BY_FAMILY)
			return -SPOOR_EPARSE;
		r = parse_socket(req, m.payload, m.payload_len, fn, arg);
		if (r < 0)
			return r;
	}
	return r == -ENOENT ? 0 : r;
}

/* ------------------------------------------------------------------ */
/* the dump */

static int recv_buf(struct sockdiag *sd, size_t *ret_len)
{
	return nl_recv(sd->fd, &sd->buf, &sd->buf_size, SOCKDIAG_RECV_BUF_MAX, ret_len);
}

/* The callback's first error is kept, not returned at once: the rest of
 * the dump is still read (and dropped), so the socket can serve the next
 * request (a netlink socket runs one dump at a time). */
struct dump_ctx {
	sockdiag_fn fn;
	void *arg;
	int err;
};

static int dump_one(void *p, const struct sockdiag_sock *s)
{
	struct dump_ctx *c = p;

	if (c->err == 0) {
		int r = c->fn(c->arg, s);

		if (r < 0)
			c->err = r;
	}
	return 0;
}

int sockdiag_dump(struct sockdiag *sd, const struct sockdiag_req *req, sockdiag_fn fn,
		  void *arg)
{
	uint8_t msg[SOCKDIAG_REQ_MAX];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct dump_ctx c = { .fn = fn, .arg = arg };
	uint32_t seq = ++sd->seq;
	size_t len = sockdiag_build_request(req, seq, msg);
	int r;

	for (;;) {
		ssize_t n = sendto(sd->fd, msg, len, 0, (struct sockaddr *)&kernel, sizeof(kernel));

		if (n >= 0)
			break;
		if (errno != EINTR)
			return -errno;
	}
	do {
		size_t got = 0;

		r = recv_buf(sd, &got);
		if (r == 0)
			r = sockdiag_parse(req, seq, sd->buf, got, dump_one, &c);
	} while (r == 0);
	return r < 0 ? r : c.err;
}

int sockdiag_unix_name(const struct sockdiag_sock *s, struct strbuf *out)
{
	const uint8_t *n = s->unix_name;
	size_t len = s->unix_name_len;
	int r = 0;

	if (!n || len == 0)
		return 0;
	if (n[0] != '\0') {
		const uint8_t *nul = memchr(n, '\0', len);

		return strbuf_add(out, n, nul ? (size_t)(nul - n) : len);
	}
	r = strbuf_addch(out, '@');
	for (size_t i = 1; i < len && r == 0; i++)
		r = strbuf_addch(out, n[i] ? (char)n[i] : '@');
	return r;
}
