/*
 * iptables.c - the legacy IPv4 x_tables rules of the host: iptables.
 *
 *   SELECT chain, policy, packets, bytes FROM iptables WHERE target IS NULL;
 *   SELECT chain, target, protocol, src_ip, src_mask, dst_port
 *     FROM iptables WHERE filter_name = 'filter' AND target IS NOT NULL;
 *
 * Data source, as osquery: the table names in /proc/net/ip_tables_names
 * (through the rootfs layer), then each table's rules from the kernel
 * through libiptc (getsockopt IPT_SO_GET_ENTRIES, needs CAP_NET_ADMIN).
 * The rules live in the kernel, not in a file, so only the live host has
 * them: under a captured root the table has no rows. A table libiptc
 * cannot open (no permission, module gone) gives no rows, as osquery.
 *
 * Rows, as osquery's genIPTablesRules: per chain, one row per rule and
 * then one row for the chain itself (filter_name, chain, policy, packets,
 * bytes set, every rule column NULL). packets and bytes are the chain
 * policy's counters on every row of the chain (0 for user chains), not
 * the rule's own counters: osquery never reads those.
 *
 * Rule columns: protocol is the number, prefixed "!" when inverted (the
 * column is INTEGER; an inverted one is the text "!6"); src_ip, dst_ip,
 * iniface and outiface take "!" when inverted; an empty interface is
 * "all"; the interface masks are the mask bytes in upper-case hex up to
 * the first zero byte; match is "yes" when target_offset is non-zero
 * (always, for a kernel rule). src_port and dst_port are "lo:hi" from a
 * tcp or udp match when the protocol is tcp (6) or udp (17), else "".
 * Deliberate difference: osquery reads the first match's data as ports
 * whatever that match is (with no match at all it reads the target's
 * bytes); spoor only reads a first match named "tcp"/"udp" that fits in
 * the rule, and gives "" otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libiptc/libiptc.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strbuf.h"
#include "strparse.h"
#include "banned.h"

/* /proc/net/ip_tables_names holds a few short names. */
#define IPT_NAMES_MAX ((size_t)64 << 10)

enum {
	IPT_FILTER_NAME,
	IPT_CHAIN,
	IPT_POLICY,
	IPT_TARGET,
	IPT_PROTOCOL,
	IPT_SRC_PORT,
	IPT_DST_PORT,
	IPT_SRC_IP,
	IPT_SRC_MASK,
	IPT_INIFACE,
	IPT_INIFACE_MASK,
	IPT_DST_IP,
	IPT_DST_MASK,
	IPT_OUTIFACE,
	IPT_OUTIFACE_MASK,
	IPT_MATCH,
	IPT_PACKETS,
	IPT_BYTES,
};

static const struct column_spec iptables_cols[] = {
	[IPT_FILTER_NAME] = { "filter_name", COL_TEXT, 0,
			      .help = "Packet matching filter table name." },
	[IPT_CHAIN] = { "chain", COL_TEXT, 0, .help = "Size of module content." },
	[IPT_POLICY] = { "policy", COL_TEXT, 0, .help = "Policy that applies for this rule." },
	[IPT_TARGET] = { "target", COL_TEXT, 0, .help = "Target that applies for this rule." },
	[IPT_PROTOCOL] = { "protocol", COL_INTEGER, 0,
			   .help = "Protocol number identification." },
	[IPT_SRC_PORT] = { "src_port", COL_TEXT, 0, .help = "Protocol source port(s)." },
	[IPT_DST_PORT] = { "dst_port", COL_TEXT, 0, .help = "Protocol destination port(s)." },
	[IPT_SRC_IP] = { "src_ip", COL_TEXT, 0, .help = "Source IP address." },
	[IPT_SRC_MASK] = { "src_mask", COL_TEXT, 0, .help = "Source IP address mask." },
	[IPT_INIFACE] = { "iniface", COL_TEXT, 0, .help = "Input interface for the rule." },
	[IPT_INIFACE_MASK] = { "iniface_mask", COL_TEXT, 0,
			       .help = "Input interface mask for the rule." },
	[IPT_DST_IP] = { "dst_ip", COL_TEXT, 0, .help = "Destination IP address." },
	[IPT_DST_MASK] = { "dst_mask", COL_TEXT, 0, .help = "Destination IP address mask." },
	[IPT_OUTIFACE] = { "outiface", COL_TEXT, 0, .help = "Output interface for the rule." },
	[IPT_OUTIFACE_MASK] = { "outiface_mask", COL_TEXT, 0,
				.help = "Output interface mask for the rule." },
	[IPT_MATCH] = { "match", COL_TEXT, 0, .help = "Matching rule that applies." },
	[IPT_PACKETS] = { "packets", COL_INTEGER, 0,
			  .help = "Number of matching packets for this rule." },
	[IPT_BYTES] = { "bytes", COL_INTEGER, 0,
			.help = "Number of matching bytes for this rule." },
};

/* The chain part every row of a chain shares. */
struct ipt_chain_info {
	const char *table;
	const char *chain;
	const char *policy; /* NULL for a user chain */
	uint64_t pcnt, bcnt;
};

static void row_chain(struct query_ctx *q, const struct ipt_chain_info *c)
{
	row_textz(q, IPT_FILTER_NAME, c->table);
	row_textz(q, IPT_CHAIN, c->chain);
	row_textz(q, IPT_POLICY, c->policy ? c->policy : "");
	row_int(q, IPT_PACKETS, c->policy ? (int64_t)c->pcnt : 0);
	row_int(q, IPT_BYTES, c->policy ? (int64_t)c->bcnt : 0);
}

static const char *inv(const struct ipt_ip *ip, unsigned flag)
{
	return (ip->invflags & flag) ? "!" : "";
}

static void row_addr(struct query_ctx *q, int col, const char *prefix, const struct in_addr *a)
{
	char buf[INET_ADDRSTRLEN];

	if (!inet_ntop(AF_INET, a, buf, sizeof(buf)))
		buf[0] = '\0';
	row_textf(q, col, "%s%s", prefix, buf);
}

static void row_iface(struct query_ctx *q, int col, const char *prefix, const char *name)
{
	size_t len = strnlen(name, IFNAMSIZ);

	if (len == 0)
		row_textz(q, col, "all");
	else
		row_textf(q, col, "%s%.*s", prefix, (int)len, name);
}

/* Mask bytes as upper-case hex, up to the first zero byte. */
static void row_iface_mask(struct query_ctx *q, int col, const unsigned char *mask)
{
	static const char hex[] = "0123456789ABCDEF";
	char buf[IFNAMSIZ * 2 + 1];
	size_t n = 0;

	for (size_t i = 0; i < IFNAMSIZ && mask[i] != 0; i++) {
		buf[n++] = hex[mask[i] >> 4];
		buf[n++] = hex[mask[i] & 15];
	}
	row_text(q, col, buf, n);
}

/* Ports of a first match named tcp/udp that fits before the target. */
static void row_ports(struct query_ctx *q, const struct ipt_entry *e)
{
	const struct xt_entry_match *m = (const struct xt_entry_match *)e->elems;
	size_t room = e->target_offset > sizeof(*e) ? e->target_offset - sizeof(*e) : 0;
	const uint16_t *spts = NULL, *dpts = NULL;

	if (room >= sizeof(*m) && m->u.match_size <= room) {
		size_t data = m->u.match_size - sizeof(*m);

		if (e->ip.proto == IPPROTO_TCP && strcmp(m->u.user.name, "tcp") == 0 &&
		    data >= sizeof(struct ipt_tcp)) {
			const struct ipt_tcp *t = (const struct ipt_tcp *)m->data;

			spts = t->spts;
			dpts = t->dpts;
		} else if (e->ip.proto == IPPROTO_UDP && strcmp(m->u.user.name, "udp") == 0 &&
			   data >= sizeof(struct ipt_udp)) {
			const struct ipt_udp *u = (const struct ipt_udp *)m->data;

			spts = u->spts;
			dpts = u->dpts;
		}
	}
	if (spts) {
		row_textf(q, IPT_SRC_PORT, "%u:%u", (unsigned)spts[0], (unsigned)spts[1]);
		row_textf(q, IPT_DST_PORT, "%u:%u", (unsigned)dpts[0], (unsigned)dpts[1]);
	} else {
		row_textz(q, IPT_SRC_PORT, "");
		row_textz(q, IPT_DST_PORT, "");
	}
}

static int emit_rule(struct query_ctx *q, const struct ipt_chain_info *c,
		     const struct ipt_entry *e, struct xtc_handle *h)
{
	const struct ipt_ip *ip = &e->ip;
	const char *target = iptc_get_target(e, h);

	row_begin(q);
	row_chain(q, c);
	row_textz(q, IPT_TARGET, target ? target : "");
	row_textz(q, IPT_MATCH, e->target_offset ? "yes" : "no");
	row_ports(q, e);
	if (ip->invflags & IPT_INV_PROTO)
		row_textf(q, IPT_PROTOCOL, "!%u", (unsigned)ip->proto);
	else
		row_int(q, IPT_PROTOCOL, ip->proto);
	row_iface(q, IPT_INIFACE, inv(ip, IPT_INV_VIA_IN), ip->iniface);
	row_iface(q, IPT_OUTIFACE, inv(ip, IPT_INV_VIA_OUT), ip->outiface);
	row_addr(q, IPT_SRC_IP, inv(ip, IPT_INV_SRCIP), &ip->src);
	row_addr(q, IPT_DST_IP, inv(ip, IPT_INV_DSTIP), &ip->dst);
	row_addr(q, IPT_SRC_MASK, "", &ip->smsk);
	row_addr(q, IPT_DST_MASK, "", &ip->dmsk);
	row_iface_mask(q, IPT_INIFACE_MASK, ip->iniface_mask);
	row_iface_mask(q, IPT_OUTIFACE_MASK, ip->outiface_mask);
	return row_end(q);
}

static int gen_table(struct query_ctx *q, const char *table)
{
	struct xtc_handle *h = iptc_init(table);
	int r = 0;

	/* no permission or no such table: no rows, as osquery */
	if (!h)
		return 0;
	for (const char *chain = iptc_first_chain(h); chain && r == 0;
	     chain = iptc_next_chain(h)) {
		struct ipt_chain_info c = { .table = table, .chain = chain };
		struct xt_counters counters = { 0 };

		c.policy = iptc_get_policy(chain, &counters, h);
		c.pcnt = counters.pcnt;
		c.bcnt = counters.bcnt;
		for (const struct ipt_entry *e = iptc_first_rule(chain, h); e && r == 0;
		     e = iptc_next_rule(e, h))
			r = emit_rule(q, &c, e, h);
		if (r == 0) {
			row_begin(q);
			row_chain(q, &c);
			r = row_end(q);
		}
	}
	iptc_free(h);
	return r;
}

static int gen_iptables(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf sb = STRBUF_INIT;
	struct span sp, line;
	int r;

	/* the rules are in the kernel: only the live host has them */
	if (!rootfs_is_live(rfs))
		return 0;
	r = rootfs_read(rfs, "/proc/net/ip_tables_names", &sb, IPT_NAMES_MAX, NULL);
	if (r < 0) {
		strbuf_release(&sb);
		/* ip_tables not loaded, or not readable: no rows, as osquery */
		return 0;
	}
	r = 0;
	sp = span_make(sb.buf, sb.len);
	while (r == 0 && span_line(&sp, &line) == 0) {
		char name[XT_TABLE_MAXNAMELEN];

		span_trim(&line);
		if (span_len(&line) == 0 || span_len(&line) >= sizeof(name))
			continue;
		memcpy(name, line.p, span_len(&line));
		name[span_len(&line)] = '\0';
		r = gen_table(q, name);
	}
	strbuf_release(&sb);
	return r;
}

const struct table_spec iptables_spec = {
	.name = "iptables",
	.description = "Linux IP packet filtering and NAT tool.",
	.source = "/proc/net/ip_tables_names, then libiptc (kernel x_tables)",
	TABLE_COLUMNS(iptables_cols),
	.generate = gen_iptables,
};
