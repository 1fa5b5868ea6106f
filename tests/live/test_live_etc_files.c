/*
 * test_live_etc_files.c - etc_hosts, etc_services, etc_protocols and
 * dns_resolvers against glibc on this host, at the same moment:
 *   - etc_hosts against `getent -s files hosts` (glibc's files parser):
 *     every entry glibc accepts (an address inet_pton reads and at least
 *     one name), address in glibc's normal form, names in order;
 *   - etc_services against `getent -s files services`: name, port,
 *     protocol, aliases of every entry;
 *   - etc_protocols against `getent -s files protocols`: name, number and
 *     the first alias (all osquery keeps);
 *   - dns_resolvers against res_init() in this process (what osquery
 *     itself calls): servers, sortlist, search list and options. Then, in
 *     a private mount namespace (when this host lets root make one),
 *     crafted resolv.conf files are bind-mounted over /etc/resolv.conf
 *     and this test binary, re-run there, dumps glibc's _res for each;
 *     spoor reads the same file through a root holding it. Files that
 *     make glibc spin forever (see tables/etc_files.c) are not given to
 *     glibc.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

static struct test_rows query(struct engine *eng, const char *sql)
{
	struct test_rows rows;

	test_query_ok(eng, sql, &rows);
	return rows;
}

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected (independent tool)\n%s--- spoor\n%s", what,
		         expected, got);
}

/* Whitespace-normalized lines of a tool's output. */
static char *normalize(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	char *copy = strdup(text), *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *wsave = NULL;
		bool first = true;

		for (char *w = strtok_r(line, " \t", &wsave); w;
		     w = strtok_r(NULL, " \t", &wsave)) {
			strbuf_addf(&sb, "%s%s", first ? "" : " ", w);
			first = false;
		}
		if (!first)
			strbuf_addch(&sb, '\n');
	}
	free(copy);
	return strbuf_detach(&sb, NULL);
}

static void hosts_match_getent(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf got = STRBUF_INIT;
	struct test_rows rows;
	char *getent, *expected;

	(void)state;
	getent = test_run("getent -s files hosts");
	rows = query(eng, "SELECT address, hostnames FROM etc_hosts");
	for (size_t r = 0; r < rows.nrows; r++) {
		const char *addr = rows.values[r * 2], *names = rows.values[r * 2 + 1];
		unsigned char bin[16];
		char norm[INET6_ADDRSTRLEN];

		if (!names || !*names)
			continue;
		if (inet_pton(AF_INET, addr, bin) == 1)
			inet_ntop(AF_INET, bin, norm, sizeof(norm));
		else if (inet_pton(AF_INET6, addr, bin) == 1)
			inet_ntop(AF_INET6, bin, norm, sizeof(norm));
		else
			continue;
		strbuf_addf(&got, "%s %s\n", norm, names);
	}
	expected = normalize(getent);
	assert_true(rows.nrows > 0);
	assert_same("etc_hosts vs getent -s files hosts", expected, got.buf);
	test_rows_free(&rows);
	free(expected);
	free(getent);
	strbuf_release(&got);
	engine_free(eng);
}

static void services_and_protocols_match_getent(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
	struct test_rows rows;
	char *getent, *expected, *copy, *save = NULL;

	(void)state;
	getent = test_run("getent -s files services");
	rows = query(eng, "SELECT name, port, protocol, aliases FROM etc_services "
	                  "WHERE port IS NOT NULL");
	for (size_t r = 0; r < rows.nrows; r++) {
		char *const *v = rows.values + r * 4;

		strbuf_addf(&got, "%s %s/%s%s%s\n", v[0], v[1], v[2], *v[3] ? " " : "", v[3]);
	}
	expected = normalize(getent);
	assert_true(rows.nrows > 0);
	assert_same("etc_services vs getent -s files services", expected, got.buf);
	test_rows_free(&rows);
	free(expected);
	free(getent);

	/* getent prints every alias; osquery keeps the first */
	strbuf_reset(&got);
	getent = test_run("getent -s files protocols");
	expected = normalize(getent);
	copy = strdup(expected);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		char *sp3 = sp2 ? strchr(sp2 + 1, ' ') : NULL;

		if (sp3)
			*sp3 = '\0';
		strbuf_addf(&want, "%s\n", line);
	}
	rows = query(eng, "SELECT name, number, alias FROM etc_protocols");
	for (size_t r = 0; r < rows.nrows; r++) {
		char *const *v = rows.values + r * 3;

		strbuf_addf(&got, "%s %s%s%s\n", v[0], v[1] ? v[1] : "NULL", v[2] ? " " : "",
		            v[2] ? v[2] : "");
	}
	assert_true(rows.nrows > 0);
	assert_same("etc_protocols vs getent -s files protocols", want.buf, got.buf);
	test_rows_free(&rows);
	free(copy);
	free(expected);
	free(getent);
	strbuf_release(&want);
	strbuf_release(&got);
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* dns_resolvers */

/* glibc's _res after res_init(), one line per item. */
static char *res_dump(void)
{
	struct strbuf sb = STRBUF_INIT;
	char a[INET6_ADDRSTRLEN], m[INET_ADDRSTRLEN];

	if (res_init() != 0)
		return strbuf_detach(&sb, NULL);
	for (int i = 0; i < _res.nscount; i++) {
		if (_res.nsaddr_list[i].sin_family == AF_INET)
			inet_ntop(AF_INET, &_res.nsaddr_list[i].sin_addr, a, sizeof(a));
		else if (_res._u._ext.nsaddrs[i])
			inet_ntop(AF_INET6, &_res._u._ext.nsaddrs[i]->sin6_addr, a, sizeof(a));
		else
			continue;
		strbuf_addf(&sb, "nameserver %s\n", a);
	}
	for (int i = 0; i < _res.nsort; i++) {
		struct in_addr mask = {.s_addr = _res.sort_list[i].mask};

		inet_ntop(AF_INET, &_res.sort_list[i].addr, a, sizeof(a));
		inet_ntop(AF_INET, &mask, m, sizeof(m));
		strbuf_addf(&sb, "sortlist %s %s\n", a, m);
	}
	for (int i = 0; i < MAXDNSRCH && _res.dnsrch[i]; i++)
		strbuf_addf(&sb, "search [%s]\n", _res.dnsrch[i]);
	strbuf_addf(&sb, "options %lu\n", (unsigned long)_res.options);
	return strbuf_detach(&sb, NULL);
}

/* The same from spoor's rows. */
static char *spoor_dump(const char *root)
{
	struct engine *eng = test_engine(root);
	struct strbuf sb = STRBUF_INIT;
	struct test_rows rows;
	const char *options = NULL;

	rows = query(eng, "SELECT type, address, netmask, options FROM dns_resolvers");
	for (size_t r = 0; r < rows.nrows; r++) {
		char *const *v = rows.values + r * 4;

		options = v[3];
		if (strcmp(v[0], "nameserver") == 0) {
			/* glibc keeps the scope apart from the address */
			strbuf_addf(&sb, "nameserver %.*s\n", (int)strcspn(v[1], "%"), v[1]);
		} else if (strcmp(v[0], "sortlist") == 0) {
			char m[INET_ADDRSTRLEN];
			char *end;
			long prefix = strtol(v[2], &end, 10);

			if (*end == '\0') {
				struct in_addr mask = {
				    .s_addr = htonl(prefix ? ~0u << (32 - prefix) : 0)};

				inet_ntop(AF_INET, &mask, m, sizeof(m));
			} else {
				snprintf(m, sizeof(m), "%s", v[2]);
			}
			strbuf_addf(&sb, "sortlist %s %s\n", v[1], m);
		} else {
			strbuf_addf(&sb, "search [%s]\n", v[1]);
		}
	}
	if (options)
		strbuf_addf(&sb, "options %s\n", options);
	test_rows_free(&rows);
	engine_free(eng);
	return strbuf_detach(&sb, NULL);
}

static void resolvers_match_res_init(void **state)
{
	char *expected, *got;

	(void)state;
	/* the host's own configuration, not spoor's environment */
	unsetenv("LOCALDOMAIN");
	unsetenv("RES_OPTIONS");
	if (access("/etc/resolv.conf", F_OK) != 0) {
		print_message("no /etc/resolv.conf on this host: spoor must give no rows\n");
		got = spoor_dump(NULL);
		assert_string_equal(got, "");
		free(got);
		return;
	}
	expected = res_dump();
	got = spoor_dump(NULL);
	assert_same("dns_resolvers vs res_init()", expected, got);
	free(expected);
	free(got);
}

static char self_exe[4096];

/* Runs this binary in a new mount namespace with conf bound over
 * /etc/resolv.conf; returns its dump, or NULL when namespaces are not
 * available here. */
static char *res_dump_in_namespace(const char *conf)
{
	struct strbuf cmd = STRBUF_INIT;
	char *out = NULL;
	FILE *fp;

	strbuf_addf(&cmd,
	            "unshare -m sh -c 'mount --bind %s /etc/resolv.conf && "
	            "SPOOR_TEST_RES_DUMP=1 %s' 2>/dev/null",
	            conf, self_exe);
	fp = popen(cmd.buf, "r");
	if (fp) {
		struct strbuf sb = STRBUF_INIT;
		char buf[4096];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			strbuf_add(&sb, buf, n);
		if (pclose(fp) == 0)
			out = strbuf_detach(&sb, NULL);
		strbuf_release(&sb);
	}
	strbuf_release(&cmd);
	return out;
}

static void resolvers_match_glibc_on_crafted_files(void **state)
{
	static const char *const confs[] = {
	    /* etc2's edge cases, less the sortlist field glibc spins on */
	    "# comment\n; also comment\n nameserver 9.9.9.9\nnameserver 10.0.0.1\n"
	    "nameserver\t10.0.0.2 # trailing stuff ignored\nnameserver 2001:db8::1%eth0\n"
	    "nameserver bogus\nnameserver 10.0.0.4\nnameservers 1.1.1.1\ndomain example.org\n"
	    "search corp.example.com lab.example.com\t other.example\n"
	    "sortlist 130.155.160.0/255.255.240.0 130.155.0.0 10.1.0.0&255.0.255.0 "
	    "192.168.5.5/junk\noptions ndots:2 rotate edns0 trust-adx use-vc\n"
	    "options single-request-reopen\n",
	    /* CRLF (no sortlist line: glibc spins on its '\r') */
	    "nameserver 10.0.0.9\r\nsearch a.example b.example\r\noptions rotate\r\n",
	    /* more than glibc keeps */
	    "nameserver 127.1\nnameserver 0x7f.2\nnameserver ::1\nnameserver 10.0.0.4\n"
	    "search a1 a2 a3 a4 a5 a6 a7 a8\nsortlist 1.0.0.0 2.0.0.0 3.0.0.0 4.0.0.0 5.0.0.0 "
	    "6.0.0.0 7.0.0.0 8.0.0.0 9.0.0.0 10.0.0.0 11.0.0.0 12.0.0.0\n"
	    "options no-tld-query no_tld_query single-request no-reload no-aaaa inet6\n",
	    /* empty */
	    "",
	    /* "domain" after "search" */
	    "search x.example y.example\ndomain z.example extra\n",
	};
	char dir[] = "/tmp/spoor-res-XXXXXX";
	struct strbuf path = STRBUF_INIT;
	char *probe;

	(void)state;
	if (!mkdtemp(dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	{
		/* the kernel's host name, for the default search domain */
		struct strbuf cmd = STRBUF_INIT;

		strbuf_addf(&cmd,
		            "mkdir -p %s/etc %s/proc/sys/kernel && "
		            "cp /proc/sys/kernel/hostname %s/proc/sys/kernel/hostname",
		            dir, dir, dir);
		free(test_run(cmd.buf));
		strbuf_release(&cmd);
	}
	strbuf_addf(&path, "%s/etc/resolv.conf", dir);
	/* can this host make a mount namespace? */
	probe = res_dump_in_namespace("/etc/resolv.conf");
	if (!probe) {
		print_message("skipped: unshare -m / mount --bind not permitted here\n");
		goto out;
	}
	free(probe);
	for (size_t i = 0; i < sizeof(confs) / sizeof(confs[0]); i++) {
		FILE *fp = fopen(path.buf, "wb");
		char *expected, *got;

		assert_non_null(fp);
		fputs(confs[i], fp);
		fclose(fp);
		expected = res_dump_in_namespace(path.buf);
		assert_non_null(expected);
		got = spoor_dump(dir);
		assert_same(confs[i], expected, got);
		free(expected);
		free(got);
	}
out : {
	struct strbuf cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "rm -rf '%s'", dir);
	free(test_run(cmd.buf));
	strbuf_release(&cmd);
}
	strbuf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hosts_match_getent),
	    cmocka_unit_test(services_and_protocols_match_getent),
	    cmocka_unit_test(resolvers_match_res_init),
	    cmocka_unit_test(resolvers_match_glibc_on_crafted_files),
	};
	ssize_t n;

	if (getenv("SPOOR_TEST_RES_DUMP")) {
		char *dump;

		unsetenv("LOCALDOMAIN");
		unsetenv("RES_OPTIONS");
		dump = res_dump();
		fputs(dump, stdout);
		free(dump);
		return 0;
	}
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n > 0)
		self_exe[n] = '\0';
	return cmocka_run_group_tests(tests, NULL, NULL);
}
