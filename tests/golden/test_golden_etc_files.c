/*
 * test_golden_etc_files.c - etc_hosts, etc_services, etc_protocols and
 * dns_resolvers on captured trees.
 *
 * tests/golden/roots/etc1 holds this machine's /etc/hosts, /etc/services,
 * /etc/protocols, /etc/resolv.conf and kernel host name, as captured.
 * etc2 holds hand-made files with the edge cases osquery's parsers meet
 * (comments, blank, indented and CRLF lines, fields split by tabs and
 * '\v', a line with no final newline, integer fields in hex, octal,
 * overflowing or with trailing bytes, '#' pieces); every expected value
 * was derived by hand from osquery's split()/INTEGER rules as the header
 * of tables/etc_files.c states them. Its resolv.conf was also fed to
 * glibc 2.36's res_init() (in a mount namespace, without the sortlist
 * field that makes glibc spin) and glibc kept exactly the servers,
 * sortlist, search list and options asserted below. etc3 has only a
 * resolv.conf with options and a kernel host name with a domain.
 *
 * CRLF and overflowing resolv.conf files, oversized and binary files are
 * built at run time in a temporary directory.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* etc1: this machine's files */

static void captured_files(void **state)
{
	struct engine *eng = test_golden_engine("etc1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM etc_hosts",
	             "127.0.0.1|localhost\n127.0.0.1|runsc\n127.0.0.1|vm\n");
	/* the osquery table alias */
	test_assert_query(eng, "SELECT count(*) FROM hosts", "3\n");
	test_assert_query(eng, "SELECT pid_with_namespace FROM etc_hosts LIMIT 1", "0\n");

	/* 318 entries, as `getent services` lists them */
	test_assert_query(eng, "SELECT count(*) FROM etc_services", "318\n");
	test_assert_query(eng, "SELECT * FROM etc_services LIMIT 4",
	             "tcpmux|1|tcp||TCP port service multiplexer\n"
	             "echo|7|tcp||NULL\n"
	             "echo|7|udp||NULL\n"
	             "discard|9|tcp|sink null|NULL\n");
	test_assert_query(
	    eng,
	    "SELECT * FROM etc_services WHERE name IN ('http', 'kerberos', 'kerberos-master', "
	    "'xmpp-server', 'fido')",
	    "http|80|tcp|www|WorldWideWeb HTTP\n"
	    "kerberos|88|tcp|kerberos5 krb5 kerberos-sec|Kerberos v5\n"
	    "kerberos|88|udp|kerberos5 krb5 kerberos-sec|Kerberos v5\n"
	    "xmpp-server|5269|tcp|jabber-server|Jabber Server Connection\n"
	    "kerberos-master|751|udp|kerberos_master|Kerberos authentication\n"
	    "kerberos-master|751|tcp||NULL\n"
	    "fido|60179|tcp||fidonet EMSI over TCP\n");

	test_assert_query(eng, "SELECT count(*) FROM etc_protocols", "57\n");
	test_assert_query(eng, "SELECT * FROM etc_protocols WHERE name IN ('ip', 'icmp', 'mptcp')",
	             "ip|0|IP|internet protocol, pseudo protocol number\n"
	             "icmp|1|ICMP|internet control message protocol\n"
	             "mptcp|262|MPTCP|Multipath TCP connection\n");

	/* one nameserver; the host name "vm" has no domain: no search row */
	test_assert_query(eng, "SELECT * FROM dns_resolvers", "0|nameserver|10.255.255.53|32|705\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* etc2: edge cases */

static void hosts_edge_cases(void **state)
{
	struct engine *eng = test_golden_engine("etc2");

	(void)state;
	test_assert_query(eng, "SELECT * FROM etc_hosts",
	             "127.0.0.1|localhost\n"
	             /* comment lines, indented or not, and blank lines: none */
	             "::1|localhost ip6-localhost ip6-loopback\n"
	             "10.0.0.1|host1 host1.example.com\n"
	             "10.0.0.2|tabbed names\n"
	             /* a single field: hostnames NULL */
	             "10.0.0.3|NULL\n"
	             /* a field then a comment: '' */
	             "10.0.0.4|\n"
	             /* CRLF: the '\r' is trimmed with the line */
	             "192.168.1.1|crlf.example\n"
	             "10.0.0.5|indented\n"
	             /* nothing is validated */
	             "not-an-address|just-text\n"
	             /* '\v' inside a field stays; a field of only '\v' is an
	              * empty field (osquery splits, then trims) */
	             "10.0.0.6|a\vb c\n"
	             "10.0.0.7|x  y\n"
	             "10.0.0.8|\n"
	             /* no final newline */
	             "10.9.9.9|nonl\n");
	engine_free(eng);
}

static void services_edge_cases(void **state)
{
	struct engine *eng = test_golden_engine("etc2");

	(void)state;
	test_assert_query(eng, "SELECT * FROM etc_services",
	             "tcpmux|1|tcp||TCP port service multiplexer\n"
	             "ssh|22|tcp||SSH Remote Login Protocol\n"
	             "smtp|25|tcp|mail|NULL\n"
	             /* further '#' pieces are joined by " # " */
	             "http|80|tcp|www www-http|WorldWideWeb HTTP # second\n"
	             /* INTEGER: strtol base 0 */
	             "hexport|80|tcp||NULL\n"
	             "octport|8|udp||NULL\n"
	             "badport|NULL|tcp||NULL\n"
	             "trail|99|tcp||NULL\n"
	             /* 4294967376 fits a long, then is cut to 32 bits */
	             "big|80|tcp||NULL\n"
	             "huge|NULL|tcp||NULL\n"
	             "neg|-5|tcp||NULL\n"
	             /* "noproto 77", "threepart 79/tcp/x", "onlyname" and
	              * "proto-slash 86/ /tcp" are skipped; "78//tcp" has two
	              * non-empty pieces */
	             "twoslash|78|tcp||NULL\n"
	             /* "##": the empty piece is dropped */
	             "hashes|81|tcp||double\n"
	             /* a '#' ending the (trimmed) line adds no piece */
	             "emptycomment|82|tcp||NULL\n"
	             "spacecomment|83|tcp||NULL\n"
	             "crlf|84|tcp|alias|NULL\n"
	             "indented|85|udp||NULL\n");
	test_assert_query(eng, "SELECT * FROM etc_protocols",
	             "ip|0|IP|internet protocol, pseudo protocol number\n"
	             "icmp|1|ICMP|NULL\n"
	             "noalias|2|NULL|NULL\n"
	             /* only the first alias */
	             "multi|3|A|c1 # c2\n"
	             "hexnum|31|X|NULL\n"
	             "bad|NULL|NULL|NULL\n"
	             "crlf|4|CR|NULL\n"
	             "comment-only-after|5|NULL|NULL\n");
	engine_free(eng);
}

/* RES_INIT | RES_DEFAULT (705) | rotate 0x4000 | edns0 0x100000 |
 * trust-ad 0x4000000 (matched by prefix in "trust-adx") | use-vc 0x8 |
 * single-request-reopen 0x400000 */
#define ETC2_OPTIONS "72368841"

static void resolv_conf_edge_cases(void **state)
{
	struct engine *eng = test_golden_engine("etc2");

	(void)state;
	test_assert_query(eng, "SELECT * FROM dns_resolvers",
	             /* " nameserver" (indented), "bogus", the fourth valid
	              * server and "nameservers" are not kept */
	             "0|nameserver|10.0.0.1|32|" ETC2_OPTIONS "\n"
	             "1|nameserver|10.0.0.2|32|" ETC2_OPTIONS "\n"
	             "2|nameserver|2001:db8::1%eth0|128|" ETC2_OPTIONS "\n"
	             "0|sortlist|130.155.160.0|20|" ETC2_OPTIONS "\n"
	             /* no mask: classful (class B) */
	             "1|sortlist|130.155.0.0|16|" ETC2_OPTIONS "\n"
	             /* '&' separator, a mask that is not contiguous */
	             "2|sortlist|10.1.0.0|255.0.255.0|" ETC2_OPTIONS "\n"
	             /* a mask that does not parse: classful (class C); then
	              * "bad/1.2.3.4", on which glibc spins, ends the line */
	             "3|sortlist|192.168.5.5|24|" ETC2_OPTIONS "\n"
	             /* "search" after "domain" replaces it */
	             "0|search|corp.example.com|NULL|" ETC2_OPTIONS "\n"
	             "1|search|lab.example.com|NULL|" ETC2_OPTIONS "\n"
	             "2|search|other.example|NULL|" ETC2_OPTIONS "\n");
	test_assert_query(eng, "SELECT address FROM dns_resolvers WHERE type = 'nameserver' AND id = 2",
	             "2001:db8::1%eth0\n");
	test_assert_query(eng, "SELECT count(*) FROM dns_resolvers WHERE pid_with_namespace = 0",
	             "10\n");
	test_assert_query(eng, "SELECT count(*) FROM dns_resolvers WHERE pid_with_namespace = 4242",
	             "0\n");
	engine_free(eng);

	/* etc3: no nameserver line, no search line: 127.0.0.1 and the
	 * domain of the kernel's host name "box.lab.example.net" */
	eng = test_golden_engine("etc3");
	test_assert_query(eng, "SELECT * FROM dns_resolvers",
	             "0|nameserver|127.0.0.1|32|17089\n"
	             "0|search|lab.example.net|NULL|17089\n");
	/* no hosts, services or protocols file: no rows, no error */
	test_assert_query(eng, "SELECT count(*) FROM etc_hosts", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM etc_services", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM etc_protocols", "0\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* trees built at run time */

static void tree_make(struct test_tree *t)
{
	char path[128];

	snprintf(t->dir, sizeof(t->dir), "/tmp/spoor-etc-XXXXXX");
	if (!mkdtemp(t->dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/etc", t->dir);
	if (mkdir(path, 0755) < 0)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

static void resolv_conf_crlf_and_limits(void **state)
{
	/* CRLF: glibc keeps the '\r' in the field, so the server does not
	 * parse (IPv4 nor IPv6) and the default server is used; the '\r'
	 * stays in the last search name; options still match by prefix */
	static const char crlf[] = "nameserver 10.0.0.9\r\nsearch a.example b.example\r\n"
	                           "options rotate\r\nsortlist 10.0.0.0\r\n";
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	tree_make(&t);
	test_tree_write(&t, "etc/resolv.conf", crlf, sizeof(crlf) - 1);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM dns_resolvers",
	             "0|nameserver|127.0.0.1|32|17089\n"
	             "0|sortlist|10.0.0.0|8|17089\n"
	             "0|search|a.example|NULL|17089\n"
	             "1|search|b.example\r|NULL|17089\n");
	engine_free(eng);

	/* six search names at most, and no more than fit in 256 bytes:
	 * 7 names of 60 bytes -> the first four (4 * 61 = 244) */
	strbuf_addstr(&sb, "nameserver 1.2.3.4\nsearch");
	for (int i = 0; i < 7; i++) {
		strbuf_addf(&sb, " %d", i);
		for (int k = 0; k < 59; k++)
			strbuf_addch(&sb, 'x');
	}
	strbuf_addstr(&sb, "\nsortlist 10.0.0.1 \xc3\xa9 10.0.0.2\n");
	test_tree_write(&t, "etc/resolv.conf", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT type, id, length(address) FROM dns_resolvers",
	             "nameserver|0|7\n"
	             /* a byte that is not ASCII ends the sortlist line (glibc
	              * spins on it) */
	             "sortlist|0|8\n"
	             "search|0|60\nsearch|1|60\nsearch|2|60\nsearch|3|60\n");
	engine_free(eng);

	/* a resolv.conf past its 1 MiB bound is refused, not half-read */
	strbuf_reset(&sb);
	while (sb.len <= ((size_t)1 << 20))
		strbuf_addstr(&sb, "# padding padding padding padding padding padding\n");
	test_tree_write(&t, "etc/resolv.conf", sb.buf, sb.len);
	eng = test_engine(t.dir);
	{
		struct test_rows rows;

		assert_int_not_equal(test_query(eng, "SELECT * FROM dns_resolvers", &rows), 0);
		assert_non_null(rows.error);
		test_rows_free(&rows);
	}
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

static void binary_garbage(void **state)
{
	static const char tail[] = "\n10.1.2.3 ok.example\nok 4242/tcp fine\nokproto 253 OK\n";
	struct strbuf sb = STRBUF_INIT;
	struct test_rows rows;
	struct engine *eng;
	uint32_t x = 4242;
	struct test_tree t;

	(void)state;
	tree_make(&t);
	test_garbage(&sb, 65536, x);
	strbuf_add(&sb, tail, sizeof(tail) - 1);
	test_tree_write(&t, "etc/hosts", sb.buf, sb.len);
	test_tree_write(&t, "etc/services", sb.buf, sb.len);
	test_tree_write(&t, "etc/protocols", sb.buf, sb.len);
	test_tree_write(&t, "etc/resolv.conf", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT hostnames FROM etc_hosts WHERE address = '10.1.2.3'",
	             "ok.example\n");
	test_assert_query(eng, "SELECT port, protocol FROM etc_services WHERE name = 'ok'",
	             "4242|tcp\n");
	test_assert_query(eng, "SELECT number, alias FROM etc_protocols WHERE name = 'okproto'",
	             "253|OK\n");
	test_query_ok(eng, "SELECT * FROM dns_resolvers", &rows);
	assert_true(rows.nrows >= 1);
	test_rows_free(&rows);
	engine_free(eng);

	/* an empty root: every table is empty, none fails */
	test_tree_remove(&t);
	tree_make(&t);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM etc_hosts", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM dns_resolvers", "0\n");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(captured_files),
	    cmocka_unit_test(hosts_edge_cases),
	    cmocka_unit_test(services_edge_cases),
	    cmocka_unit_test(resolv_conf_edge_cases),
	    cmocka_unit_test(resolv_conf_crlf_and_limits),
	    cmocka_unit_test(binary_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
