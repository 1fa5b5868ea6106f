/*
 * test_golden_startup_items.c - startup_items on a hand-made tree
 * (tests/golden/roots/si1; /etc/init.d copied from the capture host) and
 * on run-time trees. Every value was worked out by hand from the files.
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

#define ALL "SELECT name, path, args, type, source, status, username FROM startup_items"
#define SI "|Startup Item|"

static const char si1_all[] =
    /* homes in byte order, each once (alice and alice2 share one):
     * b.desktop: the indented "Name=Action" of the last section wins,
     * "Name = Spaced" does not start with "Name=", "Exec=env A=1 prog"
     * has three '=' pieces; c.desktop: "Name=" has one piece,
     * "Exec==/bin/c" two; dot files and subdirectories are skipped */
    "Action|NULL|NULL" SI "/home/alice/.config/autostart/|enabled|alice\n"
    "NULL|/bin/c|NULL" SI "/home/alice/.config/autostart/|enabled|alice\n"
    "run.sh|/home/alice/.config/autostart-scripts/run.sh|NULL" SI
    "/home/alice/.config/autostart-scripts/|enabled|alice\n"
    /* a home with a trailing '/' */
    "s2|/home/bob//.config/autostart-scripts/s2|NULL" SI
    "/home/bob//.config/autostart-scripts/|enabled|bob\n"
    "Root App|/usr/bin/rootapp --flag|NULL" SI "/root/.config/autostart/|enabled|NULL\n"
    /* /etc/init.d without .depend.boot */
    "dbus|/etc/init.d/dbus|NULL" SI "/etc/init.d/|enabled|NULL\n"
    "hwclock.sh|/etc/init.d/hwclock.sh|NULL" SI "/etc/init.d/|enabled|NULL\n"
    "kmod|/etc/init.d/kmod|NULL" SI "/etc/init.d/|enabled|NULL\n"
    "postgresql|/etc/init.d/postgresql|NULL" SI "/etc/init.d/|enabled|NULL\n"
    "procps|/etc/init.d/procps|NULL" SI "/etc/init.d/|enabled|NULL\n"
    "rsync|/etc/init.d/rsync|NULL" SI "/etc/init.d/|enabled|NULL\n"
    "x11-common|/etc/init.d/x11-common|NULL" SI "/etc/init.d/|enabled|NULL\n"
    "X|x|NULL" SI "/etc/xdg/autostart/|enabled|NULL\n";

static void si1_all_rows(void **state)
{
	struct engine *eng = test_golden_engine("si1");

	(void)state;
	test_assert_query(eng, ALL, si1_all);
	/* projection without name/path skips reading the files; same rows */
	test_assert_query(eng,
	                  "SELECT source, count(*) FROM startup_items GROUP BY source "
	                  "ORDER BY source",
	                  "/etc/init.d/|7\n"
	                  "/etc/xdg/autostart/|1\n"
	                  "/home/alice/.config/autostart-scripts/|1\n"
	                  "/home/alice/.config/autostart/|2\n"
	                  "/home/bob//.config/autostart-scripts/|1\n"
	                  "/root/.config/autostart/|1\n");
	engine_free(eng);
}

static void desktop_edge_cases(void **state)
{
	struct test_tree t;
	struct engine *eng;
	char *big = malloc((1 << 20) + 16);

	(void)state;
	test_tree_make(&t);
	/* past the 1 MiB bound: row kept, name and path NULL */
	memset(big, 'x', (1 << 20) + 16);
	memcpy(big, "Name=Big\nExec=b\n", 16);
	test_tree_write(&t, "etc/xdg/autostart/big.desktop", big, (1 << 20) + 16);
	/* binary bytes and NULs: a line is what lies between '\n' */
	test_tree_write(&t, "etc/xdg/autostart/bin.desktop", "\x01\0Name=Q\nName=R\0S\nExec=\xff\n",
	                24);
	test_tree_write(&t, "etc/xdg/autostart/empty.desktop", "", 0);
	test_tree_write(&t, "home/u/.config/autostart/no-home-user.desktop", "Name=N\n", 7);
	eng = test_engine(t.dir);
	test_assert_query(eng,
	                  "SELECT hex(name), hex(path), path IS NULL, source FROM startup_items",
	                  "||1|/etc/xdg/autostart/\n"
	                  "520053|FF|0|/etc/xdg/autostart/\n"
	                  "||1|/etc/xdg/autostart/\n");
	engine_free(eng);
	free(big);
	test_tree_remove(&t);
}

static void empty_root(void **state)
{
	struct test_tree t;
	struct engine *eng;

	(void)state;
	test_tree_make(&t);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM startup_items", "0\n");
	engine_free(eng);
	test_tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(si1_all_rows),
	    cmocka_unit_test(desktop_edge_cases),
	    cmocka_unit_test(empty_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
