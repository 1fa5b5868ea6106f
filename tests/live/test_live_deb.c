/*
 * test_live_deb.c - the Debian tables against dpkg's and apt's own view
 * of this host, at the same moment:
 *   - deb_packages against `dpkg-query -W` for every package it lists,
 *     name, version, arch, status, Installed-Size and Source (dpkg-query
 *     prints '' where spoor, as osquery, has "<none>" for no version, and
 *     '' where spoor has NULL for no size);
 *   - deb_package_files against `dpkg -L` for a few packages, among them
 *     a Multi-Arch: same one (its list is info/<name>:<arch>.list);
 *   - apt_sources against the "deb" lines of the sources files, read by
 *     awk, limited to the entries whose Release file apt has cached.
 * The test is skipped on a host without dpkg.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected (independent tool)\n%s--- spoor\n%s", what,
			 expected, got);
}

static bool have_dpkg(void)
{
	return access("/var/lib/dpkg/status", R_OK) == 0 && access("/usr/bin/dpkg-query", X_OK) == 0;
}

static void deb_packages_match_dpkg_query(void **state)
{
	struct engine *eng;
	char *expected, *got;

	(void)state;
	if (!have_dpkg())
		skip();
	eng = test_engine(NULL);
	/* dpkg-query sorts as pkg_sorter_by_nonambig_name_arch, as spoor */
	expected = test_run("dpkg-query -W -f='${Package}|${Version}|${Architecture}|${Status}|"
			    "${Installed-Size}|${Source}\\n'");
	got = test_query_text(eng,
			      "SELECT name, CASE version WHEN '<none>' THEN '' ELSE version END, "
			      "arch, status, ifnull(size, ''), source FROM deb_packages");
	assert_true(strlen(expected) > 0);
	assert_same("deb_packages vs dpkg-query -W", expected, got);
	free(expected);
	free(got);
	engine_free(eng);
}

static void deb_package_files_match_dpkg_L(void **state)
{
	static const char *const pkgs[] = { "dpkg", "bash", "libc6", "coreutils", "base-files" };
	struct engine *eng;

	(void)state;
	if (!have_dpkg())
		skip();
	eng = test_engine(NULL);
	for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++) {
		struct strbuf cmd = STRBUF_INIT, sql = STRBUF_INIT;
		char *expected, *got;

		/* dpkg -L adds "diverted by"/"package diverts" notes: keep paths */
		strbuf_addf(&cmd,
			    "dpkg-query -W %s >/dev/null 2>&1 || exit 0; dpkg -L %s | grep '^/'",
			    pkgs[i], pkgs[i]);
		strbuf_addf(&sql, "SELECT path FROM deb_package_files WHERE package = '%s'",
			    pkgs[i]);
		expected = test_run(cmd.buf);
		got = test_query_text(eng, sql.buf);
		assert_same(sql.buf, expected, got);
		free(expected);
		free(got);
		strbuf_release(&cmd);
		strbuf_release(&sql);
	}
	engine_free(eng);
}

/*
 * "name|source|base_uri" of every cached deb entry, by awk: one-line
 * entries (options skipped) and deb822 stanzas (URIs x Suites, Types
 * holding deb, Enabled absent or "on", stanzas split at empty lines
 * only, as osquery splits at "\n\n"); kept when
 * /var/lib/apt/lists/<host>_dists_<suite>_*Release exists.
 */
static const char apt_script[] =
	"cd /etc/apt 2>/dev/null || exit 0\n"
	"{ [ -f sources.list ] && echo sources.list; "
	"  ls sources.list.d/*.list 2>/dev/null | LC_ALL=C sort; } | while read -r f; do\n"
	"  sed 's/#.*//' \"$f\" | awk -v f=\"/etc/apt/$f\" '{"
	"    i = 0; for (k = 1; k <= NF; k++) if ($k == \"deb\") { i = k; break }\n"
	"    if (!i) next; i++; if (substr($i, 1, 1) == \"[\") { while (i <= NF && index($i, \"]\") == 0) i++; i++ }\n"
	"    u = $i; s = $(i + 1); if (s == \"\" || index(u, \"://\") == 0) next; sub(/\\/+$/, \"\", u);\n"
	"    h = substr(u, index(u, \"://\") + 3); print h \" \" s \"|\" f \"|\" u }'\n"
	"done\n"
	"ls sources.list.d/*.sources 2>/dev/null | LC_ALL=C sort | while read -r f; do\n"
	"  awk -v f=\"/etc/apt/$f\" 'function flush() {\n"
	"    if (deb && on) for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++) {\n"
	"      h = substr(U[a], index(U[a], \"://\") + 3); print h \" \" S[b] \"|\" f \"|\" U[a] }\n"
	"    deb = 0; on = 1; nu = 0; ns = 0 }\n"
	"    BEGIN { on = 1 }\n"
	"    /^[ \\t]*$/ { flush(); next }\n"
	"    { sub(/#.*/, \"\"); k = tolower($1) }\n"
	"    k == \"types:\" { for (j = 2; j <= NF; j++) if ($j == \"deb\") deb = 1 }\n"
	"    k == \"enabled:\" { on = ($2 == \"on\") }\n"
	"    k == \"uris:\" { for (j = 2; j <= NF; j++) if (index($j, \"://\")) { u = $j; sub(/\\/+$/, \"\", u); U[++nu] = u } }\n"
	"    k == \"suites:\" { for (j = 2; j <= NF; j++) S[++ns] = $j }\n"
	"    END { flush() }' \"$f\"\n"
	"done | cat\n";

static void apt_sources_match_files(void **state)
{
	struct engine *eng;
	struct strbuf expected = STRBUF_INIT;
	char *all, *got, *save = NULL;

	(void)state;
	eng = test_engine(NULL);
	all = test_run(apt_script);
	for (char *line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct strbuf cmd = STRBUF_INIT;
		char *name = strdup(line), *sp = strchr(name, ' '), *bar = strchr(name, '|'), *out;

		/* cache name: host (/ -> _) "_dists_" suite */
		*bar = '\0';
		*sp = '\0';
		strbuf_addf(&cmd,
			    "c=$(printf '%%s_dists_%%s' '%s' '%s' | tr / _); "
			    "ls /var/lib/apt/lists/ 2>/dev/null | grep -F -- \"${c}_\" | "
			    "grep -c 'Release$' || true",
			    name, sp + 1);
		out = test_run(cmd.buf);
		if (atoi(out) > 0)
			strbuf_addf(&expected, "%s\n", line);
		free(out);
		free(name);
		strbuf_release(&cmd);
	}
	got = test_query_text(eng, "SELECT name, source, base_uri FROM apt_sources");
	assert_same("apt_sources vs sources files", expected.buf, got);
	free(all);
	free(got);
	strbuf_release(&expected);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deb_packages_match_dpkg_query),
		cmocka_unit_test(deb_package_files_match_dpkg_L),
		cmocka_unit_test(apt_sources_match_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
