/*
 * test_golden_process_details.c - process_envs, process_memory_map and
 * process_namespaces on captured trees.
 *
 * tests/golden/roots/procdetails1/proc holds:
 *   - 2001: a real process captured on this machine (`env -i SPOOR_A=1
 *     PATH=/usr/bin:/bin HOME=/root sleep 1000`): environ and maps
 *     copied with cat, every ns/ link recreated with readlink's target;
 *   - 2002, written by hand: an environ with an empty value, a value
 *     holding '=', an entry without '=', one starting with '=', UTF-8
 *     keys and values, blanks kept, and an empty entry ("\0\0") after
 *     which osquery lists nothing; a maps file with short addresses
 *     (zero-padded to 8 digits, as the kernel prints them), a deleted
 *     SysV segment, a path holding two blanks, a named anonymous
 *     mapping, an anonymous one, a bad offset, a huge offset, a bad
 *     inode, lines without a '-' or a start address, a short line, no
 *     final newline; ns links of every malformed kind (inode 0, not a
 *     number, another namespace type, no brackets, junk after "]") and
 *     a missing cgroup link;
 *   - 2003: a process directory with no readable file (only a .keep,
 *     since git keeps no empty directory);
 *   - 2004: an environ without a final NUL, an empty maps, no ns/;
 *   - not processes: 12ab/ and self2/ (not numeric), 2005 (a file).
 * Every expected value below was checked by hand against those files.
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

/* A test that would hang (a FIFO opened by mistake) fails instead. */
#define HANG_GUARD_SECONDS 30

/* ------------------------------------------------------------------ */
/* temporary trees */

static void tree_mkdirs(struct test_tree *t, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	for (char *p = path + strlen(t->dir) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
}

static void tree_fifo(struct test_tree *t, const char *rel)
{
	char path[512];

	tree_mkdirs(t, rel);
	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	if (mkfifo(path, 0644) < 0)
		fail_msg("mkfifo %s: %s", path, strerror(errno));
}

static void tree_symlink(struct test_tree *t, const char *rel, const char *target)
{
	char path[512];

	tree_mkdirs(t, rel);
	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	if (symlink(target, path) < 0)
		fail_msg("symlink %s: %s", path, strerror(errno));
}

/* ------------------------------------------------------------------ */
/* process_envs */

static void envs_all(void **state)
{
	struct engine *eng = test_golden_engine("procdetails1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM process_envs",
		     "2001|SPOOR_A|1\n"
		     "2001|PATH|/usr/bin:/bin\n"
		     "2001|HOME|/root\n"
		     "2002|PLAIN|value\n"
		     "2002|EMPTY|\n"
		     "2002|EQ|a=b=c\n"
		     /* osquery: no '=', the entry is key and value */
		     "2002|NOEQUALS|NOEQUALS\n"
		     "2002||leading\n"
		     "2002|UTF8|h\303\251llo\n"
		     "2002|\303\251T\303\211|hi\n"
		     "2002|SPACES| x y \n"
		     /* "AFTER" follows the empty entry: not listed */
		     /* 2003 has no environ; 2004 lacks the final NUL */
		     "2004|ONLY|one\n"
		     "2004|LAST|unterminated\n");
	test_assert_query(eng, "SELECT typeof(value) FROM process_envs WHERE key = 'EMPTY'", "text\n");
	engine_free(eng);
}

static void envs_constraints(void **state)
{
	struct engine *eng = test_golden_engine("procdetails1");

	(void)state;
	test_assert_query(eng, "SELECT key FROM process_envs WHERE pid = 2001",
		     "SPOOR_A\nPATH\nHOME\n");
	test_assert_query(eng, "SELECT pid, key FROM process_envs WHERE pid IN (2004, 2001, 2004, 9999)",
		     "2001|SPOOR_A\n2001|PATH\n2001|HOME\n2004|ONLY\n2004|LAST\n");
	/* not a process: a file, a non-numeric name, nonsense */
	test_assert_query(eng,
		     "SELECT count(*) FROM process_envs WHERE pid IN (2005, 0, -1, 'abc', 2003)",
		     "0\n");
	test_assert_query(eng, "SELECT value FROM process_envs WHERE pid = 2002 AND key = 'EQ'",
		     "a=b=c\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* process_memory_map */

static void memory_map_captured(void **state)
{
	struct engine *eng = test_golden_engine("procdetails1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM process_memory_map WHERE pid = 2001",
		     "2001|0x55b074091000|0x55b074093000|r--p|0|fe:00|248056|/usr/bin/sleep|0\n"
		     "2001|0x55b074093000|0x55b074098000|r-xp|8192|fe:00|248056|/usr/bin/sleep|0\n"
		     "2001|0x55b074098000|0x55b07409a000|r--p|28672|fe:00|248056|/usr/bin/sleep|0\n"
		     "2001|0x55b07409a000|0x55b07409b000|r--p|36864|fe:00|248056|/usr/bin/sleep|0\n"
		     "2001|0x55b07409b000|0x55b07409c000|rw-p|40960|fe:00|248056|/usr/bin/sleep|0\n"
		     "2001|0x55b097fcf000|0x55b097ff0000|rw-p|0|00:00|0|[heap]|1\n"
		     "2001|0x7f311b061000|0x7f311b064000|rw-p|0|00:00|0||0\n"
		     "2001|0x7f311b064000|0x7f311b08a000|r--p|0|fe:00|332835|"
		     "/usr/lib/x86_64-linux-gnu/libc.so.6|0\n"
		     "2001|0x7f311b08a000|0x7f311b1e0000|r-xp|155648|fe:00|332835|"
		     "/usr/lib/x86_64-linux-gnu/libc.so.6|0\n"
		     "2001|0x7f311b1e0000|0x7f311b233000|r--p|1556480|fe:00|332835|"
		     "/usr/lib/x86_64-linux-gnu/libc.so.6|0\n"
		     "2001|0x7f311b233000|0x7f311b237000|r--p|1896448|fe:00|332835|"
		     "/usr/lib/x86_64-linux-gnu/libc.so.6|0\n"
		     "2001|0x7f311b237000|0x7f311b239000|rw-p|1912832|fe:00|332835|"
		     "/usr/lib/x86_64-linux-gnu/libc.so.6|0\n"
		     "2001|0x7f311b239000|0x7f311b246000|rw-p|0|00:00|0||0\n"
		     "2001|0x7f311b251000|0x7f311b253000|rw-p|0|00:00|0||0\n"
		     "2001|0x7f311b253000|0x7f311b257000|r--p|0|00:00|0|[vvar]|1\n"
		     "2001|0x7f311b257000|0x7f311b259000|r--p|0|00:00|0|[vvar_vclock]|1\n"
		     "2001|0x7f311b259000|0x7f311b25b000|r-xp|0|00:00|0|[vdso]|1\n"
		     "2001|0x7f311b25b000|0x7f311b25c000|r--p|0|fe:00|332383|"
		     "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2|0\n"
		     "2001|0x7f311b25c000|0x7f311b282000|r-xp|4096|fe:00|332383|"
		     "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2|0\n"
		     "2001|0x7f311b282000|0x7f311b28c000|r--p|159744|fe:00|332383|"
		     "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2|0\n"
		     "2001|0x7f311b28c000|0x7f311b28e000|r--p|200704|fe:00|332383|"
		     "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2|0\n"
		     "2001|0x7f311b28e000|0x7f311b290000|rw-p|208896|fe:00|332383|"
		     "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2|0\n"
		     "2001|0x7ffe9210a000|0x7ffe9212b000|rw-p|0|00:00|0|[stack]|1\n"
		     "2001|0xffffffffff600000|0xffffffffff601000|--xp|0|00:00|0|[vsyscall]|1\n");
	engine_free(eng);
}

static void memory_map_edge_cases(void **state)
{
	struct engine *eng = test_golden_engine("procdetails1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM process_memory_map WHERE pid = 2002",
		     "2002|0x00400000|0x00452000|r-xp|0|08:02|173521|/usr/bin/dbus-daemon|0\n"
		     "2002|0x00651000|0x00652000|rw-p|331776|08:02|173521|/usr/bin/dbus-daemon|0\n"
		     /* the whole path, " (deleted)" included */
		     "2002|0x7f2c6ff8c000|0x7f2c7078c000|rw-s|0|00:05|2949123|"
		     "/SYSV00000000 (deleted)|0\n"
		     "2002|0x7f2c7078c000|0x7f2c7078d000|r--s|8192|fd:01|4242|"
		     "/tmp/name with  spaces|0\n"
		     "2002|0x7f2c7078d000|0x7f2c7078e000|rw-p|0|00:00|0|[anon:scudo:primary]|1\n"
		     /* anonymous: path '', not a pseudo path */
		     "2002|0x7f2c7078e000|0x7f2c7078f000|---p|0|00:00|0||0\n"
		     /* "zz000000" is no hex offset: -1 */
		     "2002|0x7f2c7078f000|0x7f2c70790000|r--p|-1|fd:01|77|/bad/offset|0\n"
		     /* "notanumber": NULL in the INTEGER column */
		     "2002|0x7f2c70790000|0x7f2c70791000|r--p|0|fd:01|NULL|/bad/inode|0\n"
		     /* skipped: "nodash", "-7f2c70791000", the 3-field line;
		      * an offset past int64: -1 */
		     "2002|0x7f2c70792000|0x7f2c70793000|r--p|-1|00:00|0|[huge offset]|1\n"
		     "2002|0xffffffffff600000|0xffffffffff601000|--xp|0|00:00|0|[vsyscall]|1\n"
		     "2002|0x7f2c70793000|0x7f2c70794000|r--p|0|fd:01|99|/no/final/newline|0\n");
	/* an empty maps, no maps, not processes: no rows */
	test_assert_query(eng,
		     "SELECT count(*) FROM process_memory_map WHERE pid IN (2003, 2004, 2005)",
		     "0\n");
	test_assert_query(eng, "SELECT pid, count(*) FROM process_memory_map GROUP BY pid",
		     "2001|24\n2002|11\n");
	test_assert_query(eng,
		     "SELECT typeof(offset), typeof(inode), typeof(pseudo) FROM process_memory_map "
		     "WHERE pid = 2001 AND path = '[heap]'",
		     "integer|integer|integer\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* process_namespaces */

static void namespaces_all(void **state)
{
	struct engine *eng = test_golden_engine("procdetails1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM process_namespaces",
		     "2001|4026531835|4026531839|4026531832|4026531833|4026531836|4026531837|"
		     "4026531838\n"
		     /* cgroup missing; ipc "12x", mnt 0, user without
		      * brackets, uts naming ipc: NULL; pid's junk after ']'
		      * is ignored, as osquery does */
		     "2002|NULL|NULL|NULL|4026532000|4026532002|NULL|NULL\n"
		     /* a process whose ns/ cannot be read still has its row */
		     "2003|NULL|NULL|NULL|NULL|NULL|NULL|NULL\n"
		     "2004|NULL|NULL|NULL|NULL|NULL|NULL|NULL\n");
	test_assert_query(eng, "SELECT pid, net_namespace FROM process_namespaces WHERE pid IN (2002, 2005)",
		     "2002|4026532000\n");
	test_assert_query(eng,
		     "SELECT a.pid FROM process_namespaces a, process_namespaces b "
		     "WHERE b.pid = 2001 AND a.mnt_namespace = b.mnt_namespace",
		     "2001\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* pushdown and hostile trees */

/*
 * Every other process's files are FIFOs, whose open(2) for reading
 * blocks: pid = N must read /proc/N alone, and a namespaces query only
 * the links of the columns it uses.
 */
static void reads_only_what_it_needs(void **state)
{
	static const char env[] = "K=v\0";
	static const char maps[] = "00400000-00401000 r--p 00000000 00:00 0 [x]\n";
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	test_tree_write(&t, "proc/10/environ", env, sizeof(env) - 1);
	test_tree_write(&t, "proc/10/maps", maps, sizeof(maps) - 1);
	tree_symlink(&t, "proc/10/ns/net", "net:[4026531999]");
	tree_fifo(&t, "proc/10/ns/mnt");
	tree_fifo(&t, "proc/9/environ");
	tree_fifo(&t, "proc/9/maps");
	tree_fifo(&t, "proc/11/environ");
	tree_fifo(&t, "proc/11/maps");
	alarm(HANG_GUARD_SECONDS);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM process_envs WHERE pid = 10", "10|K|v\n");
	test_assert_query(eng, "SELECT pid, path FROM process_memory_map WHERE pid = 10", "10|[x]\n");
	/* readlink of a FIFO does not open it, but fails: NULL */
	test_assert_query(eng, "SELECT pid, net_namespace, mnt_namespace FROM process_namespaces",
		     "9|NULL|NULL\n10|4026531999|NULL\n11|NULL|NULL\n");
	engine_free(eng);
	alarm(0);
	test_tree_remove(&t);
}

static void hostile_files(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	/* no /proc at all */
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM process_envs", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM process_memory_map", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM process_namespaces", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM process_envs WHERE pid = 1", "0\n");
	engine_free(eng);

	/* binary garbage in maps around good lines: no crash, the good
	 * lines are read */
	strbuf_addstr(&sb, "00400000-00401000 r--p 00000000 00:00 0 [first]\n");
	test_garbage(&sb, 65536, 5);
	strbuf_addstr(&sb, "\n00402000-00403000 r--p 00000000 00:00 0 [last]\n");
	test_tree_write(&t, "proc/20/maps", sb.buf, sb.len);
	/* an environ past the 16 MiB bound: the entries that fit are
	 * listed, the one cut by the bound is not */
	strbuf_reset(&sb);
	for (int i = 0; sb.len < ((size_t)16 << 20) - 100; i++) {
		strbuf_addf(&sb, "K%d=", i);
		while (sb.len % 1000 != 999)
			strbuf_addch(&sb, 'v');
		strbuf_addch(&sb, '\0');
	}
	strbuf_addstr(&sb, "CUT=");
	while (sb.len < ((size_t)16 << 20) + 100)
		strbuf_addch(&sb, 'c');
	strbuf_addch(&sb, '\0');
	test_tree_write(&t, "proc/20/environ", sb.buf, sb.len);

	eng = test_engine(t.dir);
	test_assert_query(eng,
		     "SELECT path FROM process_memory_map WHERE pid = 20 AND path IN "
		     "('[first]', '[last]')",
		     "[first]\n[last]\n");
	test_assert_query(eng,
		     "SELECT count(*), min(length(value)), max(length(value)), "
		     "sum(key = 'CUT') FROM process_envs WHERE pid = 20",
		     "16777|992|996|0\n");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(envs_all),
		cmocka_unit_test(envs_constraints),
		cmocka_unit_test(memory_map_captured),
		cmocka_unit_test(memory_map_edge_cases),
		cmocka_unit_test(namespaces_all),
		cmocka_unit_test(reads_only_what_it_needs),
		cmocka_unit_test(hostile_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
