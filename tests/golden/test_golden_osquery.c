/*
 * test_golden_osquery.c - osquery_info and osquery_flags on known state.
 *
 * Trees under tests/golden/roots/ (values checked by hand against the
 * files):
 *   hostid-dmi          product_uuid 4C4C4544-0042-3510-8052-B4C04F4E4E32,
 *                       /etc/os-release ID=ubuntu VERSION_ID="22.04"
 *   hostid-placeholder  product_uuid is a firmware placeholder
 *                       (03000200-0400-...-000700080009), so the UUID comes
 *                       from /etc/machine-id 0123456789ABCDEF0123456789abcdef;
 *                       only /usr/lib/os-release, ID=arch, no VERSION_ID
 * plus trees made at run time for bad input: no files at all, NUL bytes
 * and binary junk in product_uuid, a non-hex or zero machine-id, a huge
 * or binary os-release. osquery_info always has its one row; a missing source
 * gives "" as osquery reports it.
 *
 * osquery_flags is checked with an engine holding a known flag registry.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "flags.h"
#include "registry.h"
#include "strbuf.h"
#include "strparse.h"
#include "testutil.h"
#include "xalloc.h"
#include "banned.h"

static void query_info(const char *root, char **ret_uuid, char **ret_distro)
{
	struct engine *eng = test_engine(root);
	struct test_rows rows;
	const char *v;
	int64_t pid;

	test_query_ok(eng, "SELECT uuid, build_distro, pid, platform_mask FROM osquery_info",
		      &rows);
	assert_int_equal(rows.nrows, 1);
	v = test_get(&rows, 0, "uuid");
	*ret_uuid = xstrdup(v ? v : "(NULL)");
	v = test_get(&rows, 0, "build_distro");
	*ret_distro = xstrdup(v ? v : "(NULL)");
	/* these do not depend on the tree */
	assert_int_equal(parse_int64(test_get(&rows, 0, "pid"), &pid), 0);
	assert_int_equal(pid, getpid());
	assert_string_equal(test_get(&rows, 0, "platform_mask"), "9");
	test_rows_free(&rows);
	engine_free(eng);
}

static void test_dmi_uuid_and_distro(void **state)
{
	char *root = test_source_path("tests/golden/roots/hostid-dmi");
	char *uuid, *distro;

	(void)state;
	query_info(root, &uuid, &distro);
	/* as the file holds it: osquery does not change the case */
	assert_string_equal(uuid, "4C4C4544-0042-3510-8052-B4C04F4E4E32");
	assert_string_equal(distro, "ubuntu22.04");
	free(uuid);
	free(distro);
	free(root);
}

static void test_placeholder_falls_back_to_machine_id(void **state)
{
	char *root = test_source_path("tests/golden/roots/hostid-placeholder");
	char *uuid, *distro;

	(void)state;
	query_info(root, &uuid, &distro);
	assert_string_equal(uuid, "01234567-89ab-cdef-0123-456789abcdef");
	assert_string_equal(distro, "arch");
	free(uuid);
	free(distro);
	free(root);
}

/* ---- trees made at run time ---- */

static void mkdirs(const char *root, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addstr(&p, root);
	for (const char *s = rel; *s; s++) {
		if (*s == '/' && s != rel) {
			mkdir(p.buf, 0755);
		}
		strbuf_addch(&p, *s);
	}
	strbuf_release(&p);
}

static void put(const char *root, const char *rel, const void *data, size_t len)
{
	struct strbuf p = STRBUF_INIT;
	FILE *fp;

	mkdirs(root, rel);
	strbuf_addf(&p, "%s%s", root, rel);
	fp = fopen(p.buf, "wb");
	if (!fp)
		fail_msg("cannot create %s", p.buf);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
	strbuf_release(&p);
}

static char *make_root(void)
{
	char tmpl[] = "/tmp/spoor-golden-osquery-XXXXXX";

	if (!mkdtemp(tmpl))
		fail_msg("mkdtemp failed");
	return xstrdup(tmpl);
}

static void remove_root(char *root)
{
	struct strbuf cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "rm -rf '%s'", root);
	free(test_run(cmd.buf));
	strbuf_release(&cmd);
	free(root);
}

static void test_no_sources(void **state)
{
	char *root = make_root();
	char *uuid, *distro;

	(void)state;
	query_info(root, &uuid, &distro);
	assert_string_equal(uuid, "");
	assert_string_equal(distro, "");
	free(uuid);
	free(distro);
	remove_root(root);
}

static void test_bad_input(void **state)
{
	static const char nul_uuid[] = "\0\0\0\n";
	static const char cut_uuid[] = "  abcd-ef\0junk after NUL\n";
	char junk[10000];
	char *root, *uuid, *distro;
	struct strbuf big = STRBUF_INIT;

	(void)state;
	/* NUL bytes only in product_uuid: empty, so machine-id is used;
	 * a machine-id that is not 32 hex digits is refused too */
	root = make_root();
	put(root, "/sys/class/dmi/id/product_uuid", nul_uuid, sizeof(nul_uuid) - 1);
	put(root, "/etc/machine-id", "not-a-machine-id-not-a-machine-i\n", 33);
	put(root, "/var/lib/dbus/machine-id", "00000000000000000000000000000000\n", 33);
	put(root, "/etc/os-release", "ID=\nVERSION_ID=1\n", 17);
	query_info(root, &uuid, &distro);
	assert_string_equal(uuid, ""); /* all-zero dbus id refused as well */
	assert_string_equal(distro, ""); /* an empty ID is no distro */
	free(uuid);
	free(distro);
	remove_root(root);

	/* trimmed, cut at the first NUL; the dbus machine-id is the
	 * fallback's second source */
	root = make_root();
	put(root, "/sys/class/dmi/id/product_uuid", cut_uuid, sizeof(cut_uuid) - 1);
	query_info(root, &uuid, &distro);
	assert_string_equal(uuid, "abcd-ef");
	free(uuid);
	free(distro);
	remove_root(root);

	root = make_root();
	put(root, "/var/lib/dbus/machine-id", "fedcba9876543210fedcba9876543210", 32);
	/* binary junk and a 1 MiB os-release whose ID comes first: the read
	 * is bounded, the row is still right */
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7 + 1);
	strbuf_addstr(&big, "ID='debian'\nVERSION_ID=\"1\\2\"\n");
	while (big.len < (1u << 20))
		strbuf_addstr(&big, "# padding padding padding padding padding padding\n");
	strbuf_addstr(&big, "ID=late\n");
	put(root, "/etc/os-release", big.buf, big.len);
	query_info(root, &uuid, &distro);
	assert_string_equal(uuid, "fedcba98-7654-3210-fedc-ba9876543210");
	/* quotes and backslashes removed; the ID past the bound is unseen */
	assert_string_equal(distro, "debian12");
	free(uuid);
	free(distro);
	strbuf_release(&big);
	remove_root(root);

	/* binary junk as product_uuid: reported as read (osquery does the
	 * same), bounded, no crash; junk as os-release: no distro */
	root = make_root();
	put(root, "/sys/class/dmi/id/product_uuid", junk, sizeof(junk));
	put(root, "/etc/os-release", junk, sizeof(junk));
	query_info(root, &uuid, &distro);
	assert_true(strlen(uuid) > 0 && strlen(uuid) <= 4096);
	assert_string_equal(distro, "");
	free(uuid);
	free(distro);
	remove_root(root);
}

/* ---- osquery_flags ---- */

static const struct flag_def flag_defs[] = {
	{ "A", FLAG_STRING, FLAG_SHELL, "", "Select all from a table" },
	{ "json", FLAG_BOOL, FLAG_SHELL, "false", "Set output mode to 'json'" },
	{ "verbose", FLAG_BOOL, FLAG_ANY, "false", "Enable verbose informational messages" },
	{ "logger_path", FLAG_STRING, FLAG_CLI, "/var/log/osquery/", "Directory for logs" },
	{ "schedule_splay_percent", FLAG_INT, FLAG_ANY, "10", "Percent to splay config times" },
};

static struct engine *engine_with_flags(const struct flags *fl)
{
	struct engine_opts opts = {
		.flags = fl,
		.tables = spoor_table_specs,
		.ntables = spoor_table_specs_count,
	};
	struct strbuf err = STRBUF_INIT;
	struct engine *eng = NULL;

	if (engine_open(&eng, &opts, &err) < 0)
		fail_msg("engine_open: %s", err.buf);
	strbuf_release(&err);
	return eng;
}

static void test_flags_table(void **state)
{
	struct flags fl;
	struct strbuf err = STRBUF_INIT;
	struct engine *eng;
	struct test_rows rows;

	(void)state;
	flags_init(&fl, flag_defs, ARRAY_SIZE(flag_defs));
	assert_int_equal(flags_set(&fl, "verbose", "1", &err), 0);
	assert_int_equal(flags_set(&fl, "schedule_splay_percent", "25", &err), 0);
	eng = engine_with_flags(&fl);
	test_query_ok(eng,
		      "SELECT name, type, description, default_value, value, shell_only "
		      "FROM osquery_flags ORDER BY name",
		      &rows);
	/* "A" is left out, as osquery lists no one- or two-letter flags */
	assert_int_equal(rows.nrows, 4);
	assert_string_equal(test_get(&rows, 0, "name"), "json");
	assert_string_equal(test_get(&rows, 0, "type"), "bool");
	assert_string_equal(test_get(&rows, 0, "value"), "false");
	assert_string_equal(test_get(&rows, 0, "shell_only"), "1");
	assert_string_equal(test_get(&rows, 1, "name"), "logger_path");
	assert_string_equal(test_get(&rows, 1, "type"), "string");
	assert_string_equal(test_get(&rows, 1, "default_value"), "/var/log/osquery/");
	assert_string_equal(test_get(&rows, 1, "value"), "/var/log/osquery/");
	assert_string_equal(test_get(&rows, 1, "shell_only"), "0");
	assert_string_equal(test_get(&rows, 2, "name"), "schedule_splay_percent");
	assert_string_equal(test_get(&rows, 2, "type"), "int32");
	assert_string_equal(test_get(&rows, 2, "default_value"), "10");
	assert_string_equal(test_get(&rows, 2, "value"), "25");
	assert_string_equal(test_get(&rows, 2, "description"), "Percent to splay config times");
	assert_string_equal(test_get(&rows, 3, "name"), "verbose");
	assert_string_equal(test_get(&rows, 3, "default_value"), "false");
	assert_string_equal(test_get(&rows, 3, "value"), "true");
	test_rows_free(&rows);
	engine_free(eng);
	flags_release(&fl);
	strbuf_release(&err);

	/* no registry (a library engine): no rows, not an error */
	eng = test_engine(NULL);
	test_query_ok(eng, "SELECT * FROM osquery_flags", &rows);
	assert_int_equal(rows.nrows, 0);
	test_rows_free(&rows);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmi_uuid_and_distro),
		cmocka_unit_test(test_placeholder_falls_back_to_machine_id),
		cmocka_unit_test(test_no_sources),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_flags_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
