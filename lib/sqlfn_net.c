/*
 * sqlfn_net.c - osquery's network SQL functions: inet_aton,
 * in_cidr_block, community_id_v1, community_id_v1_strict.
 *
 *   SELECT inet_aton('1.0.1.5');                          -- 16777477
 *   SELECT in_cidr_block('10.0.0.0/26', '10.0.0.24');     -- 1
 *   SELECT community_id_v1('66.35.250.204', '128.232.110.120', 80, 34855, 6);
 *   -- '1:LQU9qZlK+B5F3KDmev6m5PMibrg='
 *
 * Semantics are osquery's (sqlite_string.cpp, sqlite_network.cpp,
 * sqlite_hashing.cpp), which lean on boost::asio; its quirks are kept:
 *  - inet_aton(s): the IPv4 address as a host-order integer; NULL for
 *    NULL, for anything holding ':' and for anything not dotted-quad.
 *  - in_cidr_block(cidr, ip): both must be TEXT (NULL is an error too);
 *    the IP decides the family and the CIDR must be of that family. The
 *    answer is boost's network.hosts().find(ip): for IPv4 the network and
 *    broadcast addresses are NOT inside (a /31 holds nothing, a /32 only
 *    its address, 255.255.255.255/32 nothing); for IPv6 the whole prefix
 *    is inside except that a range ending at ffff:...:ffff holds nothing
 *    (boost's end iterator wraps to ::, so ::/0 matches no address).
 *  - community_id_v1(saddr, daddr, sport, dport, proto [, seed]) is the
 *    Community ID v1 flow hash: "1:" + base64(sha1(seed . saddr . daddr .
 *    proto . 0 . sport . dport)) with the endpoints ordered so the lower
 *    (address, port) comes first; IPv4 sorts below IPv6. The seed must
 *    fit a signed 16-bit integer. Ports are taken as given: ICMP
 *    type/code are not mapped as the spec describes, so for ICMP only a
 *    caller passing the mapped values gets the spec's ID. On bad input
 *    community_id_v1 returns NULL and community_id_v1_strict raises the
 *    error.
 *  - Addresses parse like boost's make_address: IPv6 first (an optional
 *    "%scope" suffix is accepted and only breaks ties when ordering),
 *    then IPv4 with inet_pton's strict dotted quad.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "sqlfn.h"
#include "banned.h"

/* boost's limit on the text of an IPv6 address before its "%scope" */
#define IPV6_TEXT_MAX 256

struct ipaddr {
	bool v6;
	unsigned char b[16]; /* network order; IPv4 uses b[0..4) */
	unsigned long scope;
};

/* glibc's atoi, which boost applies to a numeric scope or prefix */
static int c_atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

static bool ip_parse_v4(const char *s, struct ipaddr *ret)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return false;
	memset(ret, 0, sizeof(*ret));
	memcpy(ret->b, &a, 4);
	return true;
}

static bool ip_parse_v6(const char *s, struct ipaddr *ret)
{
	const char *pct = strchr(s, '%');
	char buf[IPV6_TEXT_MAX + 1];
	struct in6_addr a;

	if (pct) {
		if (pct - s > IPV6_TEXT_MAX)
			return false;
		memcpy(buf, s, (size_t)(pct - s));
		buf[pct - s] = '\0';
		s = buf;
	}
	if (inet_pton(AF_INET6, s, &a) != 1)
		return false;
	memset(ret, 0, sizeof(*ret));
	ret->v6 = true;
	memcpy(ret->b, &a, 16);
	if (pct) {
		bool link_local = a.s6_addr[0] == 0xfe && (a.s6_addr[1] & 0xc0) == 0x80;
		bool mcast_link_local = a.s6_addr[0] == 0xff && (a.s6_addr[1] & 0x0f) == 0x02;

		if (link_local || mcast_link_local)
			ret->scope = if_nametoindex(pct + 1);
		if (ret->scope == 0)
			ret->scope = (unsigned long)c_atoi(pct + 1);
	}
	return true;
}

static bool ip_parse(const char *s, struct ipaddr *ret)
{
	return ip_parse_v6(s, ret) || ip_parse_v4(s, ret);
}

/* boost::asio::ip::address ordering: family, bytes, then IPv6 scope. */
static int ip_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	int c;

	if (a->v6 != b->v6)
		return a->v6 ? 1 : -1;
	c = memcmp(a->b, b->b, a->v6 ? 16 : 4);
	if (c)
		return c < 0 ? -1 : 1;
	if (a->v6 && a->scope != b->scope)
		return a->scope < b->scope ? -1 : 1;
	return 0;
}

static uint32_t ip4_uint(const struct ipaddr *a)
{
	return (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 | (uint32_t)a->b[2] << 8 | a->b[3];
}

/*
 * boost's make_network_v4/v6: "<address>/<digits>" with the prefix
 * within the family's width. Returns 1, 0 for any other shape, or
 * -ENOMEM.
 */
static int cidr_parse(const char *cidr, bool v6, struct ipaddr *ret_net, int *ret_prefix)
{
	const char *slash = strchr(cidr, '/');
	size_t alen;
	char *addr;
	bool ok;
	int prefix;

	if (!slash || slash[1] == '\0')
		return 0;
	for (const char *p = slash + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	alen = (size_t)(slash - cidr);
	addr = sqlite3_malloc64(alen + 1);
	if (!addr)
		return -ENOMEM;
	memcpy(addr, cidr, alen);
	addr[alen] = '\0';
	ok = v6 ? ip_parse_v6(addr, ret_net) : ip_parse_v4(addr, ret_net);
	sqlite3_free(addr);
	if (!ok)
		return 0;
	prefix = c_atoi(slash + 1);
	if (prefix < 0 || prefix > (v6 ? 128 : 32))
		return 0;
	*ret_prefix = prefix;
	return 1;
}

static bool in_hosts_v4(const struct ipaddr *net, int prefix, const struct ipaddr *ip)
{
	uint32_t a = ip4_uint(net), x = ip4_uint(ip), begin, end;
	uint32_t mask = prefix == 0 ? 0 : UINT32_MAX << (32 - prefix);

	if (prefix == 32) {
		begin = a;
		end = a + 1; /* wraps for 255.255.255.255, as boost's does */
	} else {
		begin = (a & mask) + 1;
		end = (a & mask) | ~mask; /* the broadcast address, excluded */
	}
	return x >= begin && x < end;
}

static bool in_hosts_v6(const struct ipaddr *net, int prefix, const struct ipaddr *ip)
{
	struct ipaddr begin = *net, end = *net;
	unsigned p = (unsigned)prefix;

	for (unsigned i = 0; i < 16; i++) {
		if (p <= i * 8) {
			begin.b[i] = 0;
			end.b[i] = 0xff;
		} else if (p < (i + 1) * 8) {
			begin.b[i] &= (unsigned char)(0xff00 >> (p % 8));
			end.b[i] |= (unsigned char)(0xff >> (p % 8));
		}
	}
	/* one past the last address, wrapping to :: like boost's iterator */
	for (int i = 15; i >= 0; i--) {
		if (end.b[i] < 0xff) {
			end.b[i]++;
			break;
		}
		end.b[i] = 0;
	}
	return ip_cmp(ip, &begin) >= 0 && ip_cmp(ip, &end) < 0;
}

static void in_cidr_block_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct ipaddr ip, net;
	const char *cidr, *addr;
	size_t len;
	int prefix, r;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
		sqlite3_result_error(ctx, "CIDR must be a string", -1);
		return;
	}
	if (sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
		sqlite3_result_error(ctx, "IP address must be a string", -1);
		return;
	}
	cidr = sqlfn_text(ctx, argv[0], &len);
	if (!cidr)
		return;
	addr = sqlfn_text(ctx, argv[1], &len);
	if (!addr)
		return;
	if (!ip_parse(addr, &ip)) {
		sqlite3_result_error(ctx, "IP address cannot be parsed", -1);
		return;
	}
	r = cidr_parse(cidr, ip.v6, &net, &prefix);
	if (r < 0) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (r == 0) {
		sqlite3_result_error(ctx,
		                     ip.v6 ? "CIDR for IP address v6 cannot be parsed"
		                           : "CIDR for IP address v4 cannot be parsed",
		                     -1);
		return;
	}
	sqlite3_result_int(ctx,
	                   ip.v6 ? in_hosts_v6(&net, prefix, &ip) : in_hosts_v4(&net, prefix, &ip));
}

static void inet_aton_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct ipaddr ip;
	const char *s;
	size_t len;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	s = sqlfn_text(ctx, argv[0], &len);
	if (!s)
		return;
	if (strchr(s, ':') || !ip_parse_v4(s, &ip)) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int64(ctx, (sqlite3_int64)ip4_uint(&ip));
}

/*
 * Validates the arguments and computes the ID into ret_id. Returns "" on
 * success, the message of the error otherwise, or NULL when out of memory.
 */
static const char *community_id_hash(int argc, sqlite3_value **argv, char ret_id[static 32])
{
	unsigned char buf[2 + 16 + 16 + 1 + 1 + 2 + 2], digest[EVP_MAX_MD_SIZE];
	struct ipaddr saddr, daddr, tmp;
	sqlite3_int64 seed = 0, sport, dport, proto, t;
	unsigned int dlen = 0;
	const char *s, *d;
	size_t n = 0, alen;
	int c;

	if (argc == 6) {
		if (sqlite3_value_type(argv[5]) != SQLITE_INTEGER)
			return "Community ID seed must be an integer";
		seed = sqlite3_value_int64(argv[5]);
		if (seed < INT16_MIN || seed > INT16_MAX)
			return "Community ID seed must fit in 2 bytes";
	}
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT ||
	    sqlite3_value_type(argv[1]) != SQLITE_TEXT)
		return "Community ID IPs must be strings";
	s = (const char *)sqlite3_value_text(argv[0]);
	d = (const char *)sqlite3_value_text(argv[1]);
	if (!s || !d)
		return NULL; /* out of memory: the caller reports it */
	if (!ip_parse(s, &saddr))
		return "Community ID saddr cannot be parsed as IP";
	if (!ip_parse(d, &daddr))
		return "Community ID daddr cannot be parsed as IP";
	if (sqlite3_value_type(argv[2]) != SQLITE_INTEGER ||
	    sqlite3_value_type(argv[3]) != SQLITE_INTEGER)
		return "Community ID ports must be integers";
	sport = sqlite3_value_int64(argv[2]);
	dport = sqlite3_value_int64(argv[3]);
	if (sport < 0 || sport > UINT16_MAX || dport < 0 || dport > UINT16_MAX)
		return "Community ID ports must fit in 2 bytes";
	if (sqlite3_value_type(argv[4]) != SQLITE_INTEGER)
		return "Community ID protocol must be an integer";
	proto = sqlite3_value_int64(argv[4]);
	if (proto < 0 || proto > UINT8_MAX)
		return "Community ID protocol must fit in 1 byte";

	c = ip_cmp(&saddr, &daddr);
	if (!(c < 0 || (c == 0 && sport < dport))) {
		tmp = saddr;
		saddr = daddr;
		daddr = tmp;
		t = sport;
		sport = dport;
		dport = t;
	}
	/* seed . saddr . daddr . proto . 0 . sport . dport, big-endian */
	buf[n++] = (unsigned char)((uint16_t)seed >> 8);
	buf[n++] = (unsigned char)((uint16_t)seed & 0xff);
	alen = saddr.v6 ? 16 : 4;
	memcpy(buf + n, saddr.b, alen);
	n += alen;
	alen = daddr.v6 ? 16 : 4;
	memcpy(buf + n, daddr.b, alen);
	n += alen;
	buf[n++] = (unsigned char)proto;
	buf[n++] = 0;
	buf[n++] = (unsigned char)(sport >> 8);
	buf[n++] = (unsigned char)(sport & 0xff);
	buf[n++] = (unsigned char)(dport >> 8);
	buf[n++] = (unsigned char)(dport & 0xff);
	if (EVP_Digest(buf, n, digest, &dlen, EVP_sha1(), NULL) != 1 || dlen != 20)
		return "Community ID hash failed";
	memcpy(ret_id, "1:", 2);
	sqlfn_base64_encode(digest, dlen, ret_id + 2); /* 28 chars + NUL */
	return "";
}

static void community_id_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bool strict = sqlite3_user_data(ctx) != NULL;
	char id[32];
	const char *err = community_id_hash(argc, argv, id);

	if (!err)
		sqlite3_result_error_nomem(ctx);
	else if (!*err)
		sqlite3_result_text(ctx, id, -1, SQLITE_TRANSIENT);
	else if (strict)
		sqlite3_result_error(ctx, err, -1);
	else
		sqlite3_result_null(ctx);
}

int sqlfn_register_net(sqlite3 *db)
{
	static const struct {
		const char *name;
		int nargs;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		bool strict;
	} fns[] = {
	    {"inet_aton", 1, inet_aton_fn, false},
	    {"in_cidr_block", 2, in_cidr_block_fn, false},
	    {"community_id_v1", 5, community_id_fn, false},
	    {"community_id_v1", 6, community_id_fn, false},
	    {"community_id_v1_strict", 5, community_id_fn, true},
	    {"community_id_v1_strict", 6, community_id_fn, true},
	};
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int rc = sqlite3_create_function(db, fns[i].name, fns[i].nargs, flags,
		                                 (void *)(uintptr_t)fns[i].strict, fns[i].fn, NULL,
		                                 NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}
