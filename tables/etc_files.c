/*
 * etc_files.c - the name-service files under /etc: etc_hosts (alias
 * hosts), etc_services, etc_protocols, dns_resolvers.
 *
 *   SELECT address, hostnames FROM etc_hosts WHERE hostnames LIKE '%corp%';
 *   SELECT name, port FROM etc_services WHERE protocol = 'tcp' AND port < 1024;
 *   SELECT name, number FROM etc_protocols;
 *   SELECT type, address FROM dns_resolvers WHERE type = 'nameserver';
 *
 * Data sources, through the rootfs layer: /etc/hosts, /etc/services,
 * /etc/protocols, /etc/resolv.conf (and, for the default search domain,
 * /proc/sys/kernel/hostname, else /etc/hostname).
 *
 * Semantics are osquery's (tables/networking/etc_hosts.cpp,
 * etc_services.cpp, etc_protocols.cpp, posix/dns_resolvers.cpp):
 *   - the three line-parsed files are read the way osquery's split()
 *     reads them: lines are cut at '\n' and trimmed of C whitespace
 *     (so CRLF files parse like LF files), empty lines and lines whose
 *     first character is '#' are skipped, fields are the runs between
 *     spaces and tabs, each trimmed again;
 *   - etc_hosts: address is the first field, hostnames the following
 *     fields up to one starting with '#', joined by one space; a line
 *     with a single field has hostnames NULL (a line "addr #c" has '');
 *     no field is validated, as in osquery;
 *   - etc_services: "name port/protocol [aliases] [# comment]": the line
 *     is split at every '#' (empty pieces dropped, pieces trimmed); the
 *     first piece needs two fields and the second field exactly two
 *     non-empty '/'-pieces, else the line is skipped; aliases is the
 *     remaining fields joined by a space ('' when none); comment is the
 *     other '#'-pieces joined by " # " (NULL when the line has none);
 *   - etc_protocols: "name number [alias] [# comment]": alias is the
 *     third field only (NULL when absent), comment as in etc_services;
 *   - port and number are converted as osquery's INTEGER columns convert
 *     text: strtol with base 0 on the field (so "0x50" is 80 and "080"
 *     is 0), NULL when no digit is read or the value overflows a long,
 *     then cut to 32 bits;
 *   - dns_resolvers: osquery asks glibc's res_init(); spoor reads
 *     /etc/resolv.conf with glibc 2.36's parser rules (resolv/res_init.c)
 *     so a captured tree answers too: "nameserver" (IPv4 as inet_aton
 *     reads a whole field, else IPv6 with an optional %scope, at most
 *     MAXNS = 3 kept), "domain" and "search" (the last one wins; at most
 *     MAXDNSRCH = 6 names whose lengths plus NULs fit in 256 bytes),
 *     "sortlist" (IPv4 address, '/' or '&' and a dotted mask, else the
 *     classful mask; at most MAXRESOLVSORT = 10), "options" (the flags
 *     glibc sets, matched by prefix as glibc matches them); keywords must
 *     start the line and be followed by a space or tab, and comment
 *     lines start with '#' or ';'. As glibc, a file with no usable
 *     nameserver gets 127.0.0.1, and with no search or domain line the
 *     search list is the part of the host name after its first dot.
 *     LOCALDOMAIN and RES_OPTIONS in spoor's own environment are not
 *     applied (they are not the host's configuration).
 *     Rows: nameservers (netmask "32"), then sortlist entries, then
 *     search domains, each numbered from 0 by id within its type, each
 *     with options = glibc's _res.options (RES_INIT | RES_DEFAULT, 705,
 *     plus the option flags).
 *     Deliberate differences from osquery, where osquery shows glibc
 *     internals rather than the configuration: an IPv6 nameserver shows
 *     its address (osquery prints '' because glibc keeps IPv6 servers
 *     outside nsaddr_list) with netmask "128"; every search row shows its
 *     own domain (osquery repeats the first one); a sortlist netmask is
 *     the prefix length ("20"), or the dotted mask when it is not
 *     contiguous (osquery prints the raw network-order integer). A
 *     sortlist field that glibc would loop on forever (a byte that is not
 *     ASCII, or a '\r' from a CRLF file) ends that sortlist line here.
 *     With no /etc/resolv.conf at all the table is empty: glibc would
 *     then use 127.0.0.1, but a missing file is not configuration.
 *   - pid_with_namespace is 0 (the host); spoor does not enter other
 *     mount namespaces, so pid_with_namespace = N (N != 0) selects
 *     nothing.
 * Each file is read whole up to a bound; a larger file is refused with
 * SPOOR_ETOOBIG rather than half-read. A missing file gives no rows.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* Ad-blocking hosts files reach a few MiB; services and protocols are
 * tens of KiB; resolv.conf a few hundred bytes. */
#define HOSTS_FILE_MAX ((size_t)64 << 20)
#define SERVICES_FILE_MAX ((size_t)16 << 20)
#define RESOLV_CONF_MAX ((size_t)1 << 20)
#define HOSTNAME_FILE_MAX ((size_t)4096)

/* glibc's limits on what res_init() keeps (bits/types/res_state.h) */
#define RESOLV_MAXNS 3
#define RESOLV_MAXDNSRCH 6
#define RESOLV_MAXSORT 10
#define RESOLV_DEFDNAME_SIZE 256
/* a nameserver as text: an IPv6 address and a %scope */
#define RESOLV_NS_TEXT_MAX 256

/* ------------------------------------------------------------------ */
/* shared helpers */

/* Reads a whole /etc file; a file past max is -SPOOR_ETOOBIG. */
static int read_etc_file(const struct rootfs *rfs, const char *path, size_t max, struct strbuf *sb)
{
	bool truncated = false;
	int r = rootfs_read(rfs, path, sb, max, &truncated);

	if (r < 0)
		return r;
	return truncated ? -SPOOR_ETOOBIG : 0;
}

/* Next line as osquery's split(content, "\n") yields it: trimmed of C
 * whitespace, empty lines skipped. */
static int next_text_line(struct span *file, struct span *ret)
{
	struct span line;

	while (span_line(file, &line) == 0) {
		span_trim(&line);
		if (!span_empty(&line)) {
			*ret = line;
			return 0;
		}
	}
	return -ENOENT;
}

/* Next field as osquery's split(s) (delimiters " \t") yields it: a run
 * of bytes between spaces and tabs, then trimmed of C whitespace (so a
 * field of only '\v' is an empty field, as in osquery). */
static int next_field(struct span *sp, struct span *ret)
{
	const char *start;

	while (sp->p < sp->end && (*sp->p == ' ' || *sp->p == '\t'))
		sp->p++;
	if (sp->p == sp->end)
		return -ENOENT;
	start = sp->p;
	while (sp->p < sp->end && *sp->p != ' ' && *sp->p != '\t')
		sp->p++;
	*ret = span_make(start, (size_t)(sp->p - start));
	span_trim(ret);
	return 0;
}

/* Next piece of s split at delim, zero-length pieces dropped, the piece
 * trimmed: osquery's split(s, "<delim>"). */
static int next_piece(struct span *sp, char delim, struct span *ret)
{
	struct span piece;

	while (span_until(sp, delim, &piece) == 0) {
		if (span_empty(&piece))
			continue;
		span_trim(&piece);
		*ret = piece;
		return 0;
	}
	return -ENOENT;
}

static bool span_has_prefix_char(const struct span *sp, char c)
{
	return !span_empty(sp) && *sp->p == c;
}

/*
 * The value osquery's INTEGER column takes from text: std::stol with base
 * 0 (leading blanks and a sign allowed, "0x" hex, leading-0 octal,
 * trailing bytes ignored), no value when nothing is converted or a long
 * overflows, then cut to 32 bits by sqlite3_result_int.
 */
static bool osquery_integer(const struct span *text, int64_t *ret)
{
	struct strbuf tmp = STRBUF_INIT;
	char *end;
	long v;
	bool ok;

	strbuf_add(&tmp, text->p, span_len(text));
	errno = 0;
	v = strtol(tmp.buf, &end, 0);
	ok = end != tmp.buf && errno != ERANGE;
	strbuf_release(&tmp);
	if (!ok)
		return false;
	*ret = (int32_t)(uint32_t)(unsigned long)v;
	return true;
}

/* spoor reports the host's files only (pid_with_namespace 0): an = / IN
 * constraint without 0 selects no row, so nothing need be read. */
static bool host_namespace_selected(const struct query_ctx *q, int col)
{
	size_t n = qctx_eq_count(q, col);

	for (size_t i = 0; i < n; i++) {
		int64_t v;

		if (qctx_eq_int64(q, col, i, &v) == 0 && v == 0)
			return true;
	}
	return n == 0;
}

/* ------------------------------------------------------------------ */
/* etc_hosts */

enum {
	EH_ADDRESS,
	EH_HOSTNAMES,
	EH_PID_WITH_NAMESPACE,
};

static const struct column_spec etc_hosts_cols[] = {
    [EH_ADDRESS] = {"address", COL_TEXT, 0, .help = "IP address mapping"},
    [EH_HOSTNAMES] = {"hostnames", COL_TEXT, 0, .help = "Raw hosts mapping"},
    [EH_PID_WITH_NAMESPACE] = {"pid_with_namespace", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
                               .help = "Pids that contain a namespace"},
};

static int gen_etc_hosts(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT, names = STRBUF_INIT;
	struct span file, line;
	int r;

	if (!host_namespace_selected(q, EH_PID_WITH_NAMESPACE))
		return 0;
	r = read_etc_file(qctx_rootfs(q), "/etc/hosts", HOSTS_FILE_MAX, &sb);
	if (r < 0)
		goto out;
	file = span_make(sb.buf, sb.len);
	while (next_text_line(&file, &line) == 0) {
		struct span addr, name;
		bool more;

		if (next_field(&line, &addr) < 0 || span_has_prefix_char(&addr, '#'))
			continue;
		row_begin(q);
		row_text(q, EH_ADDRESS, addr.p, span_len(&addr));
		strbuf_reset(&names);
		more = false;
		while (next_field(&line, &name) == 0) {
			more = true;
			if (span_has_prefix_char(&name, '#'))
				break;
			if (names.len)
				strbuf_addch(&names, ' ');
			strbuf_add(&names, name.p, span_len(&name));
		}
		if (more)
			row_text(q, EH_HOSTNAMES, names.buf, names.len);
		row_int(q, EH_PID_WITH_NAMESPACE, 0);
		r = row_end(q);
		if (r < 0)
			goto out;
	}
out:
	strbuf_release(&names);
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

static const char *const etc_hosts_aliases[] = {"hosts", NULL};

const struct table_spec etc_hosts_spec = {
    .name = "etc_hosts",
    .description = "Line-parsed /etc/hosts.",
    .source = "/etc/hosts",
    TABLE_COLUMNS(etc_hosts_cols),
    .aliases = etc_hosts_aliases,
    .attributes = TABLE_CACHEABLE,
    .generate = gen_etc_hosts,
};

/* ------------------------------------------------------------------ */
/* etc_services and etc_protocols: "fields [# comment [# more]]" */

/* Splits a line at '#' as osquery does: *ret_fields is the first piece,
 * ret_comment gets the others joined by " # "; returns whether there
 * was any other piece. */
static bool split_comment(struct span line, struct span *ret_fields, struct strbuf *ret_comment)
{
	struct span piece;
	bool any = false;

	strbuf_reset(ret_comment);
	*ret_fields = span_make(line.p, 0);
	if (next_piece(&line, '#', ret_fields) < 0)
		return false;
	while (next_piece(&line, '#', &piece) == 0) {
		if (any)
			strbuf_addstr(ret_comment, " # ");
		strbuf_add(ret_comment, piece.p, span_len(&piece));
		any = true;
	}
	return any;
}

enum {
	ES_NAME,
	ES_PORT,
	ES_PROTOCOL,
	ES_ALIASES,
	ES_COMMENT,
};

static const struct column_spec etc_services_cols[] = {
    [ES_NAME] = {"name", COL_TEXT, 0, .help = "Service name"},
    [ES_PORT] = {"port", COL_INTEGER, 0, .help = "Service port number"},
    [ES_PROTOCOL] = {"protocol", COL_TEXT, 0, .help = "Transport protocol (TCP/UDP)"},
    [ES_ALIASES] = {"aliases", COL_TEXT, 0,
                    .help = "Optional space separated list of other names for a service"},
    [ES_COMMENT] = {"comment", COL_TEXT, 0, .help = "Optional comment for a service."},
};

static int emit_service(struct query_ctx *q, struct span fields, const struct strbuf *comment,
                        bool has_comment, struct strbuf *scratch)
{
	struct span name, portproto, port, proto, extra, alias;
	int64_t portnum;

	if (next_field(&fields, &name) < 0 || next_field(&fields, &portproto) < 0)
		return 0;
	/* exactly two non-empty '/'-pieces */
	if (next_piece(&portproto, '/', &port) < 0 || next_piece(&portproto, '/', &proto) < 0 ||
	    next_piece(&portproto, '/', &extra) == 0)
		return 0;
	strbuf_reset(scratch);
	while (next_field(&fields, &alias) == 0) {
		if (scratch->len)
			strbuf_addch(scratch, ' ');
		strbuf_add(scratch, alias.p, span_len(&alias));
	}
	row_begin(q);
	row_text(q, ES_NAME, name.p, span_len(&name));
	if (osquery_integer(&port, &portnum))
		row_int(q, ES_PORT, portnum);
	row_text(q, ES_PROTOCOL, proto.p, span_len(&proto));
	row_text(q, ES_ALIASES, scratch->buf, scratch->len);
	if (has_comment)
		row_text(q, ES_COMMENT, comment->buf, comment->len);
	return row_end(q);
}

static int gen_etc_services(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT, comment = STRBUF_INIT, scratch = STRBUF_INIT;
	struct span file, line;
	int r;

	r = read_etc_file(qctx_rootfs(q), "/etc/services", SERVICES_FILE_MAX, &sb);
	if (r < 0)
		goto out;
	file = span_make(sb.buf, sb.len);
	while (next_text_line(&file, &line) == 0) {
		struct span fields;
		bool has_comment;

		if (*line.p == '#')
			continue;
		has_comment = split_comment(line, &fields, &comment);
		r = emit_service(q, fields, &comment, has_comment, &scratch);
		if (r < 0)
			goto out;
	}
out:
	strbuf_release(&scratch);
	strbuf_release(&comment);
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec etc_services_spec = {
    .name = "etc_services",
    .description = "Line-parsed /etc/services.",
    .source = "/etc/services",
    TABLE_COLUMNS(etc_services_cols),
    .attributes = TABLE_CACHEABLE,
    .generate = gen_etc_services,
};

enum {
	EP_NAME,
	EP_NUMBER,
	EP_ALIAS,
	EP_COMMENT,
};

static const struct column_spec etc_protocols_cols[] = {
    [EP_NAME] = {"name", COL_TEXT, 0, .help = "Protocol name"},
    [EP_NUMBER] = {"number", COL_INTEGER, 0, .help = "Protocol number"},
    [EP_ALIAS] = {"alias", COL_TEXT, 0, .help = "Protocol alias"},
    [EP_COMMENT] = {"comment", COL_TEXT, 0, .help = "Comment with protocol description"},
};

static int gen_etc_protocols(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT, comment = STRBUF_INIT;
	struct span file, line;
	int r;

	r = read_etc_file(qctx_rootfs(q), "/etc/protocols", SERVICES_FILE_MAX, &sb);
	if (r < 0)
		goto out;
	file = span_make(sb.buf, sb.len);
	while (next_text_line(&file, &line) == 0) {
		struct span fields, name, number, alias;
		bool has_comment;
		int64_t v;

		if (*line.p == '#')
			continue;
		has_comment = split_comment(line, &fields, &comment);
		if (next_field(&fields, &name) < 0 || next_field(&fields, &number) < 0)
			continue;
		row_begin(q);
		row_text(q, EP_NAME, name.p, span_len(&name));
		if (osquery_integer(&number, &v))
			row_int(q, EP_NUMBER, v);
		if (next_field(&fields, &alias) == 0)
			row_text(q, EP_ALIAS, alias.p, span_len(&alias));
		if (has_comment)
			row_text(q, EP_COMMENT, comment.buf, comment.len);
		r = row_end(q);
		if (r < 0)
			goto out;
	}
out:
	strbuf_release(&comment);
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec etc_protocols_spec = {
    .name = "etc_protocols",
    .description = "Line-parsed /etc/protocols.",
    .source = "/etc/protocols",
    TABLE_COLUMNS(etc_protocols_cols),
    .attributes = TABLE_CACHEABLE,
    .generate = gen_etc_protocols,
};

/* ------------------------------------------------------------------ */
/* dns_resolvers: /etc/resolv.conf as glibc's res_init() reads it */

enum {
	DNS_ID,
	DNS_TYPE,
	DNS_ADDRESS,
	DNS_NETMASK,
	DNS_OPTIONS,
	DNS_PID_WITH_NAMESPACE,
};

static const struct column_spec dns_resolvers_cols[] = {
    [DNS_ID] = {"id", COL_INTEGER, 0, .help = "Address type index or order"},
    [DNS_TYPE] = {"type", COL_TEXT, 0, .help = "Address type: sortlist, nameserver, search"},
    [DNS_ADDRESS] = {"address", COL_TEXT, 0, .help = "Resolver IP/IPv6 address"},
    [DNS_NETMASK] = {"netmask", COL_TEXT, 0, .help = "Address (sortlist) netmask length"},
    [DNS_OPTIONS] = {"options", COL_BIGINT, 0, .help = "Resolver options"},
    [DNS_PID_WITH_NAMESPACE] = {"pid_with_namespace", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
                                .help = "Pids that contain a namespace"},
};

struct resolv_sort {
	struct in_addr addr;
	uint32_t mask; /* network order, as glibc keeps it */
};

/* What res_init() keeps of resolv.conf. */
struct resolv_state {
	char ns[RESOLV_MAXNS][RESOLV_NS_TEXT_MAX];
	bool ns_v6[RESOLV_MAXNS];
	size_t nns;
	/* the search list: NUL-separated names in store */
	struct strbuf store;
	size_t nsearch;
	struct resolv_sort sort[RESOLV_MAXSORT];
	size_t nsort;
	uint64_t options;
};

/* glibc's MATCH(): the keyword, then a space or tab. */
static bool resolv_keyword(const char *line, const char *kw, const char **ret_rest)
{
	size_t n = strlen(kw);

	if (strncmp(line, kw, n) != 0 || (line[n] != ' ' && line[n] != '\t'))
		return false;
	*ret_rest = line + n;
	return true;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* __inet_aton_exact: inet_aton over the whole string (inet_aton itself
 * accepts trailing whitespace, which the exact form refuses). */
static bool inet_aton_exact(const char *s, struct in_addr *ret)
{
	for (const char *p = s; *p; p++)
		if (isspace((unsigned char)*p))
			return false;
	return inet_aton(s, ret) != 0;
}

static void resolv_nameserver(struct resolv_state *st, const char *rest)
{
	char tok[RESOLV_NS_TEXT_MAX], *scope;
	struct in_addr a4;
	struct in6_addr a6;
	char *out = st->ns[st->nns];
	size_t n, len;

	/* servers past the first MAXNS valid ones are dropped by glibc */
	if (st->nns >= RESOLV_MAXNS)
		return;
	rest = skip_blanks(rest);
	n = strcspn(rest, " \t\n");
	if (n == 0 || n >= sizeof(tok))
		return;
	memcpy(tok, rest, n);
	tok[n] = '\0';
	if (inet_aton_exact(tok, &a4)) {
		inet_ntop(AF_INET, &a4, out, RESOLV_NS_TEXT_MAX);
		st->ns_v6[st->nns++] = false;
		return;
	}
	scope = strchr(tok, '%');
	if (scope)
		*scope++ = '\0';
	if (!*tok || inet_pton(AF_INET6, tok, &a6) != 1)
		return;
	inet_ntop(AF_INET6, &a6, out, RESOLV_NS_TEXT_MAX);
	/* glibc ignores a scope it cannot resolve; the text is shown as
	 * written */
	len = strlen(out);
	if (scope && *scope && len + 1 + strlen(scope) < RESOLV_NS_TEXT_MAX) {
		out[len] = '%';
		memcpy(out + len + 1, scope, strlen(scope) + 1);
	}
	st->ns_v6[st->nns++] = true;
}

/* "domain" and "search" replace the whole search list. */
static void resolv_search_reset(struct resolv_state *st)
{
	strbuf_reset(&st->store);
	st->nsearch = 0;
}

static void resolv_search_add(struct resolv_state *st, const char *name, size_t len)
{
	strbuf_add(&st->store, name, len);
	strbuf_addch(&st->store, '\0');
	st->nsearch++;
}

static void resolv_domain(struct resolv_state *st, const char *rest)
{
	rest = skip_blanks(rest);
	if (*rest == '\0' || *rest == '\n')
		return;
	resolv_search_reset(st);
	resolv_search_add(st, rest, strcspn(rest, " \t\n"));
}

static void resolv_search(struct resolv_state *st, const char *rest)
{
	size_t len;

	rest = skip_blanks(rest);
	if (*rest == '\0' || *rest == '\n')
		return;
	len = strcspn(rest, "\n");
	resolv_search_reset(st);
	/* names are the runs between spaces and tabs ('\r' stays part of a
	 * name, as in glibc) */
	for (size_t i = 0; i < len;) {
		size_t start;

		while (i < len && (rest[i] == ' ' || rest[i] == '\t'))
			i++;
		start = i;
		while (i < len && rest[i] != ' ' && rest[i] != '\t')
			i++;
		if (i > start)
			resolv_search_add(st, rest + start, i - start);
	}
}

static uint32_t classful_mask(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if (IN_CLASSA(h))
		return htonl(IN_CLASSA_NET);
	if (IN_CLASSB(h))
		return htonl(IN_CLASSB_NET);
	return htonl(IN_CLASSC_NET);
}

static bool sort_field_char(char c)
{
	return c && c != ';' && isascii((unsigned char)c) && !isspace((unsigned char)c);
}

static void resolv_sortlist(struct resolv_state *st, const char *rest)
{
	const char *cp = rest;

	for (;;) {
		const char *net, *mask;
		char tok[64];
		struct resolv_sort e;
		size_t n;

		cp = skip_blanks(cp);
		if (*cp == '\0' || *cp == '\n' || *cp == ';')
			break;
		net = cp;
		while (sort_field_char(*cp) && *cp != '/' && *cp != '&')
			cp++;
		/* glibc spins forever here (the scan does not advance on a
		 * byte that is not ASCII, or on '\r'): stop the line instead */
		if (cp == net)
			break;
		n = (size_t)(cp - net);
		if (n >= sizeof(tok))
			n = sizeof(tok) - 1;
		memcpy(tok, net, n);
		tok[n] = '\0';
		if (!inet_aton_exact(tok, &e.addr))
			continue;
		e.mask = classful_mask(e.addr);
		if (*cp == '/' || *cp == '&') {
			struct in_addr m;

			mask = ++cp;
			while (sort_field_char(*cp))
				cp++;
			n = (size_t)(cp - mask);
			if (n >= sizeof(tok))
				n = sizeof(tok) - 1;
			memcpy(tok, mask, n);
			tok[n] = '\0';
			if (inet_aton_exact(tok, &m))
				e.mask = m.s_addr;
		}
		if (st->nsort < RESOLV_MAXSORT)
			st->sort[st->nsort++] = e;
	}
}

static void resolv_options(struct resolv_state *st, const char *cp)
{
	static const struct {
		const char *name;
		uint64_t flag;
	} flags[] = {
	    {"rotate", RES_ROTATE},
	    {"edns0", RES_USE_EDNS0},
	    {"single-request-reopen", RES_SNGLKUPREOP},
	    {"single-request", RES_SNGLKUP},
	    {"no_tld_query", RES_NOTLDQUERY},
	    {"no-tld-query", RES_NOTLDQUERY},
	    {"no-reload", RES_NORELOAD},
	    {"use-vc", RES_USEVC},
	    {"trust-ad", RES_TRUSTAD},
#ifdef RES_NOAAAA
	    {"no-aaaa", RES_NOAAAA},
#endif
	};

	while (*cp) {
		cp = skip_blanks(cp);
		/* ndots:, timeout: and attempts: set no flag; the others match
		 * by prefix, first match wins */
		for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
			if (strncmp(cp, flags[i].name, strlen(flags[i].name)) == 0) {
				st->options |= flags[i].flag;
				break;
			}
		}
		while (*cp && *cp != ' ' && *cp != '\t')
			cp++;
	}
}

/* The search list glibc derives from the host name when resolv.conf has
 * none: whatever follows its first dot. */
static void resolv_search_from_hostname(const struct rootfs *rfs, struct resolv_state *st)
{
	struct strbuf name = STRBUF_INIT;
	const char *dot;
	int r;

	r = rootfs_read(rfs, "/proc/sys/kernel/hostname", &name, HOSTNAME_FILE_MAX, NULL);
	if (r < 0) {
		strbuf_reset(&name);
		r = rootfs_read(rfs, "/etc/hostname", &name, HOSTNAME_FILE_MAX, NULL);
	}
	if (r == 0) {
		/* the kernel's name is one line; gethostname() gives at most
		 * 255 bytes of it */
		name.buf[strcspn(name.buf, "\n")] = '\0';
		if (strlen(name.buf) > 255)
			name.buf[255] = '\0';
		dot = strchr(name.buf, '.');
		if (dot)
			resolv_search_add(st, dot + 1, strlen(dot + 1));
	}
	strbuf_release(&name);
}

static void resolv_parse(const struct rootfs *rfs, const struct strbuf *conf,
                         struct resolv_state *st)
{
	struct span file = span_make(conf->buf, conf->len), line;
	struct strbuf cur = STRBUF_INIT;

	while (span_line(&file, &line) == 0) {
		const char *rest;

		/* glibc works on C strings: a NUL ends the line */
		strbuf_reset(&cur);
		strbuf_add(&cur, line.p, span_len(&line));
		if (cur.buf[0] == ';' || cur.buf[0] == '#')
			continue;
		if (resolv_keyword(cur.buf, "domain", &rest))
			resolv_domain(st, rest);
		else if (resolv_keyword(cur.buf, "search", &rest))
			resolv_search(st, rest);
		else if (resolv_keyword(cur.buf, "nameserver", &rest))
			resolv_nameserver(st, rest);
		else if (resolv_keyword(cur.buf, "sortlist", &rest))
			resolv_sortlist(st, rest);
		else if (resolv_keyword(cur.buf, "options", &rest))
			resolv_options(st, rest);
	}
	strbuf_release(&cur);
	if (st->nns == 0) {
		memcpy(st->ns[0], "127.0.0.1", sizeof("127.0.0.1"));
		st->ns_v6[0] = false;
		st->nns = 1;
	}
	if (st->nsearch == 0)
		resolv_search_from_hostname(rfs, st);
}

/* Prefix length of a contiguous network-order mask, else -1. */
static int mask_prefix(uint32_t mask)
{
	uint32_t h = ntohl(mask);
	int n = 0;

	while (n < 32 && (h & (UINT32_C(1) << (31 - n))))
		n++;
	return (n == 32 || (h << n) == 0) ? n : -1;
}

static int emit_resolver(struct query_ctx *q, int64_t id, const char *type, const char *addr,
                         const char *netmask, uint64_t options)
{
	row_begin(q);
	row_int(q, DNS_ID, id);
	row_textz(q, DNS_TYPE, type);
	row_textz(q, DNS_ADDRESS, addr);
	if (netmask)
		row_textz(q, DNS_NETMASK, netmask);
	row_int(q, DNS_OPTIONS, (int64_t)options);
	row_int(q, DNS_PID_WITH_NAMESPACE, 0);
	return row_end(q);
}

static int gen_dns_resolvers(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf conf = STRBUF_INIT;
	struct resolv_state st = {.store = STRBUF_INIT, .options = RES_INIT | RES_DEFAULT};
	size_t used = 0;
	const char *name;
	int r;

	if (!host_namespace_selected(q, DNS_PID_WITH_NAMESPACE))
		return 0;
	r = read_etc_file(rfs, "/etc/resolv.conf", RESOLV_CONF_MAX, &conf);
	if (r < 0)
		goto out;
	resolv_parse(rfs, &conf, &st);

	for (size_t i = 0; i < st.nns && r == 0; i++)
		r = emit_resolver(q, (int64_t)i, "nameserver", st.ns[i], st.ns_v6[i] ? "128" : "32",
		                  st.options);
	for (size_t i = 0; i < st.nsort && r == 0; i++) {
		char addr[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
		int prefix = mask_prefix(st.sort[i].mask);
		struct in_addr m = {.s_addr = st.sort[i].mask};

		inet_ntop(AF_INET, &st.sort[i].addr, addr, sizeof(addr));
		if (prefix >= 0)
			snprintf(mask, sizeof(mask), "%d", prefix);
		else
			inet_ntop(AF_INET, &m, mask, sizeof(mask));
		r = emit_resolver(q, (int64_t)i, "sortlist", addr, mask, st.options);
	}
	/* _res.dnsrch: the first MAXDNSRCH names that fit in defdname */
	name = st.store.buf;
	for (size_t i = 0; i < st.nsearch && i < RESOLV_MAXDNSRCH && r == 0; i++) {
		size_t len = strlen(name);

		if (used + len + 1 > RESOLV_DEFDNAME_SIZE)
			break;
		used += len + 1;
		r = emit_resolver(q, (int64_t)i, "search", name, NULL, st.options);
		name += len + 1;
	}
out:
	strbuf_release(&st.store);
	strbuf_release(&conf);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec dns_resolvers_spec = {
    .name = "dns_resolvers",
    .description = "Resolvers used by this host. Note: On Windows this data is available in "
                   "the interface_details table.",
    .source = "/etc/resolv.conf (glibc res_init rules)",
    TABLE_COLUMNS(dns_resolvers_cols),
    .generate = gen_dns_resolvers,
};
