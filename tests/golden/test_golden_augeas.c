/*
 * test_golden_augeas.c - the augeas table on captured trees.
 *
 * tests/golden/roots/augeas1 holds a small etc/hosts (two entries, a
 * comment, an entry with an alias) and etc/ssh/sshd_config (a comment,
 * Port, PermitRootLogin, AllowUsers with two users, a Subsystem). The
 * expected rows were checked by hand against those files and against
 * `augtool -r tests/golden/roots/augeas1 -S -I /usr/share/augeas/lenses/dist
 * print /files`. Hostile trees (garbage, a directory as path, no
 * lens for a file) are built at run time.
 *
 * Needs Debian's augeas-lenses (the default --augeas_lenses directory).
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

/* Rows come in aug_match order, as osquery emits them: for //\* augeas
 * lists the children of the file node, then the grandchildren. */
static const char hosts_rows[] =
	"/files/etc/hosts/1||1|/etc/hosts\n"
	"/files/etc/hosts/#comment|comment|#comment|/etc/hosts\n"
	"/files/etc/hosts/2||2|/etc/hosts\n"
	"/files/etc/hosts/3||3|/etc/hosts\n"
	"/files/etc/hosts/1/ipaddr|127.0.0.1|ipaddr|/etc/hosts\n"
	"/files/etc/hosts/1/canonical|localhost|canonical|/etc/hosts\n"
	"/files/etc/hosts/2/ipaddr|::1|ipaddr|/etc/hosts\n"
	"/files/etc/hosts/2/canonical|ip6-localhost|canonical|/etc/hosts\n"
	"/files/etc/hosts/2/alias|ip6-loopback|alias|/etc/hosts\n"
	"/files/etc/hosts/3/ipaddr|192.0.2.7|ipaddr|/etc/hosts\n"
	"/files/etc/hosts/3/canonical|web.example.org|canonical|/etc/hosts\n"
	"/files/etc/hosts/3/alias|web|alias|/etc/hosts\n";

static const char sshd_rows[] =
	"/files/etc/ssh/sshd_config/#comment|sshd test|#comment|/etc/ssh/sshd_config\n"
	"/files/etc/ssh/sshd_config/Port|2222|Port|/etc/ssh/sshd_config\n"
	"/files/etc/ssh/sshd_config/PermitRootLogin|no|PermitRootLogin|/etc/ssh/sshd_config\n"
	"/files/etc/ssh/sshd_config/AllowUsers||AllowUsers|/etc/ssh/sshd_config\n"
	"/files/etc/ssh/sshd_config/Subsystem||Subsystem|/etc/ssh/sshd_config\n"
	"/files/etc/ssh/sshd_config/AllowUsers/1|alice|1|/etc/ssh/sshd_config\n"
	"/files/etc/ssh/sshd_config/AllowUsers/2|bob|2|/etc/ssh/sshd_config\n"
	"/files/etc/ssh/sshd_config/Subsystem/sftp|/usr/lib/openssh/sftp-server|sftp|"
	"/etc/ssh/sshd_config\n";

static void path_equals(void **state)
{
	struct engine *eng = test_golden_engine("augeas1");

	(void)state;
	/* SELECT * is node, value, label, path (osquery's order) */
	test_assert_query(eng, "SELECT * FROM augeas WHERE path = '/etc/hosts'", hosts_rows);
	test_assert_query(eng, "SELECT * FROM augeas WHERE path = '/etc/ssh/sshd_config'",
			  sshd_rows);
	/* the table alias */
	test_assert_query(eng, "SELECT * FROM configurations WHERE path = '/etc/hosts'",
			  hosts_rows);
	test_assert_query(eng,
			  "SELECT count(*) FROM augeas "
			  "WHERE path IN ('/etc/hosts', '/etc/ssh/sshd_config', '/etc/none')",
			  "20\n");
	test_assert_query(eng, "SELECT count(*) FROM augeas WHERE path = '/etc/none'", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM augeas WHERE path = ''", "0\n");
	engine_free(eng);
}

static void node_and_like(void **state)
{
	struct engine *eng = test_golden_engine("augeas1");

	(void)state;
	test_assert_query(eng,
			  "SELECT value, path FROM augeas "
			  "WHERE node = '/files/etc/ssh/sshd_config/PermitRootLogin'",
			  "no|/etc/ssh/sshd_config\n");
	test_assert_query(eng,
			  "SELECT value FROM augeas WHERE path = '/etc/hosts' "
			  "AND node = '/files/etc/hosts/3/alias'",
			  "web\n");
	/* /files/etc/hosts//\* | /files/etc/hosts/\*: the union lists the
	 * 4 children twice (osquery emits 16 rows); each node is emitted
	 * once, and SQLite's LIKE keeps all 12 descendants */
	test_assert_query(eng,
			  "SELECT count(*) FROM augeas WHERE path = '/etc/hosts' "
			  "AND node LIKE '/files/etc/hosts/%'",
			  "12\n");
	/* % is one augeas level: only the children of AllowUsers */
	test_assert_query(eng,
			  "SELECT value FROM augeas "
			  "WHERE node LIKE '/files/etc/ssh/sshd_config/AllowUsers/%'",
			  "alice\nbob\n");
	/* path LIKE '/etc/ssh/%' is /files/etc/ssh/\*: it ends in '*', so
	 * no //\* is appended and only the file node matches */
	test_assert_query(eng, "SELECT node, value, label, path FROM augeas "
			       "WHERE path LIKE '/etc/ssh/%'",
			  "/files/etc/ssh/sshd_config||sshd_config|/etc/ssh/sshd_config\n");
	/* an expression augeas cannot parse matches nothing */
	test_assert_query(eng, "SELECT count(*) FROM augeas WHERE node = '/files/etc[['", "0\n");
	engine_free(eng);
}

static void full_load(void **state)
{
	struct engine *eng = test_golden_engine("augeas1");

	(void)state;
	/* /files//\*: the directory nodes carry their own path */
	test_assert_query(eng, "SELECT node, path FROM augeas WHERE label IN ('etc', 'ssh', 'hosts')",
			  "/files/etc|/etc\n/files/etc/hosts|/etc/hosts\n/files/etc/ssh|/etc/ssh\n");
	test_assert_query(eng, "SELECT count(*) FROM augeas", "24\n");
	/* a directory named by path = falls back to the full load; every
	 * row's path is a file, so path = '/etc/ssh' keeps none. With the
	 * file too: its 8 nodes and, from /files/etc/ssh//\*, the file node */
	test_assert_query(eng, "SELECT count(*) FROM augeas WHERE path = '/etc/ssh'", "0\n");
	test_assert_query(eng,
			  "SELECT count(*) FROM augeas WHERE path = '/etc/ssh' "
			  "OR path = '/etc/ssh/sshd_config'",
			  "9\n");
	engine_free(eng);
}

static void hostile_trees(void **state)
{
	struct engine *eng;
	struct test_tree t;
	char garbage[4096];
	uint32_t x = 7;

	(void)state;
	test_tree_make(&t);
	for (size_t i = 0; i < sizeof(garbage); i++) {
		x = x * 1103515245u + 12345u;
		garbage[i] = (char)(x >> 16);
	}
	test_tree_write(&t, "etc/hosts", garbage, sizeof(garbage));
	test_tree_write(&t, "etc/ssh/sshd_config", "Port 22\nthis is not sshd syntax {\n", 34);
	test_tree_write(&t, "etc/no-lens-for-this", "a=b\n", 4);
	eng = test_engine(t.dir);
	/* a file the lens rejects gives no rows and no error */
	test_assert_query(eng, "SELECT count(*) FROM augeas WHERE path = '/etc/hosts'", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM augeas WHERE path = '/etc/no-lens-for-this'",
			  "0\n");
	test_assert_query(eng, "SELECT node, value FROM augeas WHERE path = '/etc/ssh/sshd_config'",
			  "/files/etc/ssh/sshd_config/Port|22\n"
			  "/files/etc/ssh/sshd_config/this|is not sshd syntax {\n");
	engine_free(eng);
	test_tree_remove(&t);

	/* an empty root */
	test_tree_make(&t);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM augeas", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM augeas WHERE path = '/etc/hosts'", "0\n");
	engine_free(eng);
	test_tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_equals),
		cmocka_unit_test(node_and_like),
		cmocka_unit_test(full_load),
		cmocka_unit_test(hostile_trees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
