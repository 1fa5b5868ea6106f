/*
 * test_sockdiag.c - the NETLINK_SOCK_DIAG parser (lib/sockdiag.h) on
 * captured kernel answers and on hand-broken ones.
 *
 * tests/unit/data/sockdiag/ holds what Linux 6.18 answered to the dumps
 * scripts/capture-sockdiag.py sends, run in a fresh network namespace
 * (unshare -n) holding only the sockets the script creates; manifest.txt
 * there lists them with the inodes fstat() gave the script. Every value
 * asserted below was checked against that manifest and against a hand
 * decode of the hex (struct inet_diag_msg, unix_diag_msg,
 * packet_diag_msg as in the uapi headers).
 *
 * The malformed cases cut, lengthen and corrupt those buffers: the
 * parser must report -SPOOR_EPARSE (or the kernel's errno) and never read
 * past the buffer, which ASan checks in the sanitizer build; every
 * prefix and every single-byte corruption of every capture is parsed.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "err.h"
#include "sockdiag.h"
#include "strbuf.h"
#include "testutil.h"
#include "xalloc.h"

#define SEQ 0x5d000001u

/* ------------------------------------------------------------------ */
/* captured buffers */

/* Every socket of a parse, copied (the unix name included). */
struct seen {
	size_t n;
	struct sockdiag_sock s[16];
	char name[16][128];
	int stop_after; /* return -ECANCELED after this many, when > 0 */
};

static int collect(void *arg, const struct sockdiag_sock *s)
{
	struct seen *seen = arg;
	struct strbuf sb = STRBUF_INIT;

	assert_true(seen->n < ARRAY_SIZE(seen->s));
	seen->s[seen->n] = *s;
	sockdiag_unix_name(s, &sb);
	snprintf(seen->name[seen->n], sizeof(seen->name[0]), "%s", sb.buf);
	seen->s[seen->n].unix_name = NULL;
	strbuf_release(&sb);
	seen->n++;
	if (seen->stop_after > 0 && seen->n == (size_t)seen->stop_after)
		return -ECANCELED;
	return 0;
}

/* Parses a capture buffer by buffer; returns the last parse result. */
static int parse_capture(const struct sockdiag_req *req, const struct test_capture *c, struct seen *seen)
{
	int r = 0;

	for (size_t i = 0; i < c->n; i++) {
		r = sockdiag_parse(req, SEQ, c->buf[i], c->len[i], collect, seen);
		if (r != 0)
			return r;
	}
	return r;
}

static void assert_addr(int family, const uint8_t *addr, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(family, addr, buf, sizeof(buf)));
	assert_string_equal(buf, want);
}

static void assert_inet(const struct sockdiag_sock *s, int family, int state, const char *laddr,
			int lport, const char *raddr, int rport, uint64_t inode)
{
	assert_int_equal(s->family, family);
	assert_int_equal(s->state, state);
	assert_addr(family, s->local_addr, laddr);
	assert_int_equal(s->local_port, lport);
	assert_addr(family, s->remote_addr, raddr);
	assert_int_equal(s->remote_port, rport);
	assert_int_equal(s->inode, inode);
}

/* ------------------------------------------------------------------ */
/* the captures */

static void tcp4(void **state)
{
	struct sockdiag_req req = { .family = AF_INET, .protocol = IPPROTO_TCP };
	struct test_capture c;
	struct seen seen = { 0 };

	(void)state;
	test_capture_load("sockdiag", "tcp4", &c);
	assert_int_equal(parse_capture(&req, &c, &seen), 1);
	assert_int_equal(seen.n, 3);
	/* listener, then the established hash: accepted end, client end */
	assert_inet(&seen.s[0], AF_INET, 10, "127.0.0.1", 41001, "0.0.0.0", 0, 363362);
	assert_inet(&seen.s[1], AF_INET, 1, "127.0.0.1", 41001, "127.0.0.1", 49458, 363364);
	assert_inet(&seen.s[2], AF_INET, 1, "127.0.0.1", 49458, "127.0.0.1", 41001, 363363);
	for (size_t i = 0; i < seen.n; i++) {
		assert_int_equal(seen.s[i].protocol, IPPROTO_TCP);
		assert_null(seen.s[i].unix_name);
		assert_string_equal(seen.name[i], "");
	}
	test_capture_free(&c);
}

static void tcp6_udp(void **state)
{
	struct sockdiag_req t6 = { .family = AF_INET6, .protocol = IPPROTO_TCP };
	struct sockdiag_req u4 = { .family = AF_INET, .protocol = IPPROTO_UDP };
	struct sockdiag_req u6 = { .family = AF_INET6, .protocol = IPPROTO_UDP };
	struct test_capture c;
	struct seen seen = { 0 };

	(void)state;
	test_capture_load("sockdiag", "tcp6", &c);
	assert_int_equal(parse_capture(&t6, &c, &seen), 1);
	assert_int_equal(seen.n, 1);
	assert_inet(&seen.s[0], AF_INET6, 10, "::1", 41002, "::", 0, 363365);
	test_capture_free(&c);

	memset(&seen, 0, sizeof(seen));
	test_capture_load("sockdiag", "udp4", &c);
	assert_int_equal(parse_capture(&u4, &c, &seen), 1);
	assert_int_equal(seen.n, 1);
	/* unconnected UDP is TCP_CLOSE (7) */
	assert_inet(&seen.s[0], AF_INET, 7, "0.0.0.0", 41003, "0.0.0.0", 0, 363366);
	assert_int_equal(seen.s[0].protocol, IPPROTO_UDP);
	test_capture_free(&c);

	memset(&seen, 0, sizeof(seen));
	test_capture_load("sockdiag", "udp6", &c);
	assert_int_equal(parse_capture(&u6, &c, &seen), 1);
	assert_int_equal(seen.n, 2);
	/* connect() gave the socket bound to :: the source ::1 */
	assert_inet(&seen.s[0], AF_INET6, 1, "::1", 41004, "::1", 41005, 363368);
	assert_inet(&seen.s[1], AF_INET6, 7, "::", 41005, "::", 0, 363367);
	test_capture_free(&c);
}

static void unix_sockets(void **state)
{
	struct sockdiag_req req = { .family = AF_UNIX, .unix_names = true };
	struct test_capture c;
	struct seen seen = { 0 };

	(void)state;
	test_capture_load("sockdiag", "unix", &c);
	assert_int_equal(parse_capture(&req, &c, &seen), 1);
	assert_int_equal(seen.n, 4);
	/* socketpair end 2: SOCK_STREAM, ESTABLISHED, no name */
	assert_int_equal(seen.s[0].inode, 363372);
	assert_int_equal(seen.s[0].type, SOCK_STREAM);
	assert_int_equal(seen.s[0].state, 1);
	assert_string_equal(seen.name[0], "");
	/* the path listener: the name attribute holds the terminating NUL */
	assert_int_equal(seen.s[1].inode, 363369);
	assert_int_equal(seen.s[1].state, 10);
	assert_int_equal(seen.s[1].unix_name_len, 31);
	assert_string_equal(seen.name[1], "/tmp/spoor-sockdiag-17233.sock");
	assert_int_equal(seen.s[2].inode, 363371);
	assert_string_equal(seen.name[2], "");
	/* "\0spoor\0abs": '@' for the leading and the inner NUL */
	assert_int_equal(seen.s[3].inode, 363370);
	assert_int_equal(seen.s[3].type, SOCK_DGRAM);
	assert_int_equal(seen.s[3].state, 7);
	assert_int_equal(seen.s[3].unix_name_len, 10);
	assert_string_equal(seen.name[3], "@spoor@abs");
	for (size_t i = 0; i < seen.n; i++) {
		assert_int_equal(seen.s[i].family, AF_UNIX);
		assert_int_equal(seen.s[i].protocol, 0);
		assert_int_equal(seen.s[i].local_port, 0);
	}
	test_capture_free(&c);
}

static void packet_and_missing_module(void **state)
{
	struct sockdiag_req pk = { .family = AF_PACKET };
	struct sockdiag_req raw = { .family = AF_INET, .protocol = IPPROTO_RAW };
	struct test_capture c;
	struct seen seen = { 0 };

	(void)state;
	test_capture_load("sockdiag", "packet", &c);
	assert_int_equal(parse_capture(&pk, &c, &seen), 1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.s[0].family, AF_PACKET);
	assert_int_equal(seen.s[0].type, SOCK_RAW);
	assert_int_equal(seen.s[0].packet_proto, 3); /* ETH_P_ALL */
	assert_int_equal(seen.s[0].inode, 363373);
	test_capture_free(&c);

	/* no raw_diag in that kernel: NLMSG_DONE carrying -ENOENT */
	memset(&seen, 0, sizeof(seen));
	test_capture_load("sockdiag", "raw4", &c);
	assert_int_equal(parse_capture(&raw, &c, &seen), -ENOENT);
	assert_int_equal(seen.n, 0);
	test_capture_free(&c);
}

/* The capture script sent exactly what sockdiag_build_request builds. */
static void request_bytes(void **state)
{
	struct sockdiag_req req = { .family = AF_INET, .protocol = IPPROTO_TCP,
				    .states = 0xFFF & ~(1u << 7) & ~1u };
	struct sockdiag_req ux = { .family = AF_UNIX, .states = ~0u, .unix_names = true };
	struct sockdiag_req pk = { .family = AF_PACKET };
	uint8_t buf[SOCKDIAG_REQ_MAX];
	struct nlmsghdr h;
	struct inet_diag_req_v2 i;
	size_t len;

	(void)state;
	len = sockdiag_build_request(&req, SEQ, buf);
	assert_int_equal(len, 16 + 56);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.nlmsg_len, len);
	assert_int_equal(h.nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_int_equal(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(h.nlmsg_seq, SEQ);
	assert_int_equal(h.nlmsg_pid, 0);
	memcpy(&i, buf + 16, sizeof(i));
	assert_int_equal(i.sdiag_family, AF_INET);
	assert_int_equal(i.sdiag_protocol, IPPROTO_TCP);
	assert_int_equal(i.idiag_states, 0xf7e);
	assert_int_equal(i.idiag_ext, 0);

	/* unix_diag_req: family, protocol 0, states, ino 0, show NAME */
	len = sockdiag_build_request(&ux, 7, buf);
	assert_int_equal(len, 16 + 24);
	{
		static const uint8_t body[24] = { 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,
						  1, 0, 0, 0 };

		assert_memory_equal(buf + 16, body, sizeof(body));
	}
	len = sockdiag_build_request(&pk, 7, buf);
	assert_int_equal(len, 16 + 20);
	assert_int_equal(buf[16], AF_PACKET);
}

/* ------------------------------------------------------------------ */
/* hand-made and broken answers */

/* Appends one netlink message to buf at *off. */
static void put_msg(uint8_t *buf, size_t *off, uint16_t type, uint32_t seq, const void *payload,
		    size_t plen)
{
	struct nlmsghdr h = { .nlmsg_len = (uint32_t)(16 + plen), .nlmsg_type = type,
			      .nlmsg_seq = seq };

	memcpy(buf + *off, &h, sizeof(h));
	if (plen)
		memcpy(buf + *off + 16, payload, plen);
	*off += NLMSG_ALIGN(16 + plen);
}

static void errors_and_control(void **state)
{
	struct sockdiag_req req = { .family = AF_INET, .protocol = IPPROTO_TCP };
	uint8_t buf[512] = { 0 };
	struct seen seen = { 0 };
	size_t off;
	int32_t e;

	(void)state;
	/* an empty buffer: more to come */
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, 0, collect, &seen), 0);

	/* NLMSG_ERROR -EPERM */
	off = 0;
	e = -EPERM;
	put_msg(buf, &off, NLMSG_ERROR, SEQ, &e, sizeof(e));
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -EPERM);
	/* an errno out of range, or positive: not an errno */
	off = 0;
	e = 5;
	put_msg(buf, &off, NLMSG_ERROR, SEQ, &e, sizeof(e));
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -SPOOR_EPARSE);
	off = 0;
	e = -100000;
	put_msg(buf, &off, NLMSG_DONE, SEQ, &e, sizeof(e));
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -SPOOR_EPARSE);
	/* an ERROR too short to hold its errno */
	off = 0;
	put_msg(buf, &off, NLMSG_ERROR, SEQ, &e, 2);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -SPOOR_EPARSE);
	/* an acknowledgement (error 0) is not the end */
	off = 0;
	e = 0;
	put_msg(buf, &off, NLMSG_ERROR, SEQ, &e, sizeof(e));
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), 0);
	/* DONE with no payload; NOOP passed over; OVERRUN is data lost */
	off = 0;
	put_msg(buf, &off, NLMSG_NOOP, SEQ, NULL, 0);
	put_msg(buf, &off, NLMSG_DONE, SEQ, NULL, 0);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), 1);
	off = 0;
	put_msg(buf, &off, NLMSG_OVERRUN, SEQ, NULL, 0);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -EIO);
	/* an unknown message type */
	off = 0;
	put_msg(buf, &off, 77, SEQ, NULL, 0);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -SPOOR_EPARSE);
	/* messages of another dump are skipped, even its DONE and errors */
	off = 0;
	e = -EPERM;
	put_msg(buf, &off, NLMSG_ERROR, SEQ + 1, &e, sizeof(e));
	put_msg(buf, &off, NLMSG_DONE, SEQ - 1, NULL, 0);
	put_msg(buf, &off, 77, SEQ + 2, NULL, 0);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), 0);
	put_msg(buf, &off, NLMSG_DONE, SEQ, NULL, 0);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), 1);
	assert_int_equal(seen.n, 0);
}

static void broken_headers(void **state)
{
	struct sockdiag_req req = { .family = AF_INET, .protocol = IPPROTO_TCP };
	struct test_capture c;
	struct seen seen = { 0 };
	uint8_t *b;
	uint32_t len;

	(void)state;
	test_capture_load("sockdiag", "tcp4", &c);
	b = c.buf[0];
	/* a header cut short */
	assert_int_equal(sockdiag_parse(&req, SEQ, b, 10, collect, &seen), -SPOOR_EPARSE);
	/* the first message claims more than the buffer holds */
	assert_int_equal(sockdiag_parse(&req, SEQ, b, 100, collect, &seen), -SPOOR_EPARSE);
	/* a length below the header's own size */
	memcpy(&len, b, 4);
	{
		uint32_t bad = 8;

		memcpy(b, &bad, 4);
		assert_int_equal(sockdiag_parse(&req, SEQ, b, c.len[0], collect, &seen),
				 -SPOOR_EPARSE);
		/* a length larger than anything */
		bad = 0xffffffffu;
		memcpy(b, &bad, 4);
		assert_int_equal(sockdiag_parse(&req, SEQ, b, c.len[0], collect, &seen),
				 -SPOOR_EPARSE);
		/* a message too short for struct inet_diag_msg */
		bad = 16 + 40;
		memcpy(b, &bad, 4);
		assert_int_equal(sockdiag_parse(&req, SEQ, b, c.len[0], collect, &seen),
				 -SPOOR_EPARSE);
	}
	memcpy(b, &len, 4);
	/* an answer about another family than asked */
	b[16] = AF_INET6;
	assert_int_equal(sockdiag_parse(&req, SEQ, b, c.len[0], collect, &seen), -SPOOR_EPARSE);
	b[16] = AF_INET;
	assert_int_equal(seen.n, 0);
	/* intact again: three sockets, and a callback error stops at once */
	seen.stop_after = 2;
	assert_int_equal(sockdiag_parse(&req, SEQ, b, c.len[0], collect, &seen), -ECANCELED);
	assert_int_equal(seen.n, 2);
	test_capture_free(&c);
}

static void broken_unix_attributes(void **state)
{
	struct sockdiag_req req = { .family = AF_UNIX, .unix_names = true };
	uint8_t msg[16 + 4 + 200];
	uint8_t buf[512] = { 0 };
	struct seen seen = { 0 };
	size_t off;
	uint16_t alen;

	(void)state;
	memset(msg, 0, sizeof(msg));
	msg[0] = AF_UNIX;
	msg[1] = SOCK_STREAM;
	msg[4] = 42; /* inode */
	/* attribute: length 4 + 6, UNIX_DIAG_NAME, "/a/b\0\0"... a path
	 * with its NUL: the name ends at the first NUL */
	alen = 4 + 6;
	memcpy(msg + 16, &alen, 2);
	memcpy(msg + 20, "/a/b\0x", 6);
	off = 0;
	put_msg(buf, &off, SOCK_DIAG_BY_FAMILY, SEQ, msg, 16 + 12);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.s[0].inode, 42);
	assert_string_equal(seen.name[0], "/a/b");

	/* the last attribute without its padding is still read */
	alen = 4 + 5;
	memcpy(msg + 16, &alen, 2);
	memcpy(msg + 20, "\0ab\0c", 5);
	off = 0;
	put_msg(buf, &off, SOCK_DIAG_BY_FAMILY, SEQ, msg, 16 + 9);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, 16 + 16 + 9, collect, &seen), 0);
	assert_string_equal(seen.name[1], "@ab@c");

	/* an attribute length below its header, or past the message */
	alen = 2;
	memcpy(msg + 16, &alen, 2);
	off = 0;
	put_msg(buf, &off, SOCK_DIAG_BY_FAMILY, SEQ, msg, 16 + 12);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -SPOOR_EPARSE);
	alen = 4 + 20;
	memcpy(msg + 16, &alen, 2);
	off = 0;
	put_msg(buf, &off, SOCK_DIAG_BY_FAMILY, SEQ, msg, 16 + 12);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -SPOOR_EPARSE);
	/* a dangling attribute header (2 bytes left) */
	alen = 4 + 6;
	memcpy(msg + 16, &alen, 2);
	off = 0;
	put_msg(buf, &off, SOCK_DIAG_BY_FAMILY, SEQ, msg, 16 + 12 + 2);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -SPOOR_EPARSE);
	/* a name longer than sun_path can hold */
	alen = 4 + 109;
	memcpy(msg + 16, &alen, 2);
	memset(msg + 20, 'x', 109);
	off = 0;
	put_msg(buf, &off, SOCK_DIAG_BY_FAMILY, SEQ, msg, 16 + 4 + 109);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -SPOOR_EPARSE);
	/* 108 bytes without a NUL: the whole of it */
	alen = 4 + 108;
	memcpy(msg + 16, &alen, 2);
	off = 0;
	put_msg(buf, &off, SOCK_DIAG_BY_FAMILY, SEQ, msg, 16 + 4 + 108);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.s[2].unix_name_len, 108);
	/* other attribute types are passed over; a short body is broken */
	alen = 4 + 4;
	memcpy(msg + 16, &alen, 2);
	msg[18] = 6; /* UNIX_DIAG_SHUTDOWN */
	off = 0;
	put_msg(buf, &off, SOCK_DIAG_BY_FAMILY, SEQ, msg, 16 + 8);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), 0);
	assert_string_equal(seen.name[3], "");
	off = 0;
	put_msg(buf, &off, SOCK_DIAG_BY_FAMILY, SEQ, msg, 15);
	assert_int_equal(sockdiag_parse(&req, SEQ, buf, off, collect, &seen), -SPOOR_EPARSE);
}

/* Every prefix and every one-byte corruption of every capture parses to
 * a result or an error without reading out of bounds (ASan build). */
static void mutations(void **state)
{
	static const struct {
		const char *name;
		struct sockdiag_req req;
	} caps[] = {
		{ "tcp4", { .family = AF_INET, .protocol = IPPROTO_TCP } },
		{ "tcp6", { .family = AF_INET6, .protocol = IPPROTO_TCP } },
		{ "udp6", { .family = AF_INET6, .protocol = IPPROTO_UDP } },
		{ "unix", { .family = AF_UNIX, .unix_names = true } },
		{ "packet", { .family = AF_PACKET } },
		{ "raw4", { .family = AF_INET, .protocol = IPPROTO_RAW } },
	};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(caps); k++) {
		struct test_capture c;

		test_capture_load("sockdiag", caps[k].name, &c);
		for (size_t b = 0; b < c.n; b++) {
			size_t len = c.len[b];

			/* unaligned, and allocated to exactly the bytes given */
			for (size_t cut = 0; cut <= len; cut++) {
				struct seen seen = { 0 };
				uint8_t *copy = xmalloc(cut + 1);
				int r;

				memcpy(copy + 1, c.buf[b], cut);
				r = sockdiag_parse(&caps[k].req, SEQ, copy + 1, cut, collect, &seen);
				/* a prefix is complete, incomplete or broken */
				assert_true(r == 0 || r == 1 || r < 0);
				free(copy);
			}
			for (size_t i = 0; i < len; i++) {
				for (unsigned v = 0; v < 256; v += 51) {
					struct seen seen = { 0 };
					uint8_t *m = xmalloc(len);

					memcpy(m, c.buf[b], len);
					m[i] = (uint8_t)(m[i] ^ (v | 1));
					(void)sockdiag_parse(&caps[k].req, SEQ, m, len, collect,
							     &seen);
					free(m);
				}
			}
		}
		test_capture_free(&c);
	}
}

static void unix_names(void **state)
{
	struct sockdiag_sock s = { .family = AF_UNIX };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(sockdiag_unix_name(&s, &sb), 0);
	assert_string_equal(sb.buf, "");
	s.unix_name = (const uint8_t *)"/run/x.sock\0";
	s.unix_name_len = 12;
	assert_int_equal(sockdiag_unix_name(&s, &sb), 0);
	assert_string_equal(sb.buf, "/run/x.sock");
	strbuf_reset(&sb);
	/* no NUL at all: every byte */
	s.unix_name_len = 4;
	assert_int_equal(sockdiag_unix_name(&s, &sb), 0);
	assert_string_equal(sb.buf, "/run");
	strbuf_reset(&sb);
	/* autobind names: NUL + 5 hex digits */
	s.unix_name = (const uint8_t *)"\00000a1f";
	s.unix_name_len = 6;
	assert_int_equal(sockdiag_unix_name(&s, &sb), 0);
	assert_string_equal(sb.buf, "@00a1f");
	strbuf_reset(&sb);
	/* an abstract name that is a lone NUL */
	s.unix_name_len = 1;
	assert_int_equal(sockdiag_unix_name(&s, &sb), 0);
	assert_string_equal(sb.buf, "@");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp4),
		cmocka_unit_test(tcp6_udp),
		cmocka_unit_test(unix_sockets),
		cmocka_unit_test(packet_and_missing_module),
		cmocka_unit_test(request_bytes),
		cmocka_unit_test(errors_and_control),
		cmocka_unit_test(broken_headers),
		cmocka_unit_test(broken_unix_attributes),
		cmocka_unit_test(mutations),
		cmocka_unit_test(unix_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
