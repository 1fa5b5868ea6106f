/*
 * test_golden_shell_history.c - shell_history on hand-made trees:
 *   - roots/hist1: bash history plain and with "#<time>" lines, zsh
 *     extended history (blanks, duration, multi-line entries, CRLF,
 *     bad stamps), .zhistory/.sh_history, .bash_sessions, a home with a
 *     trailing '/', a relative home; every value below was worked out by
 *     hand from the files under tests/golden/roots/hist1;
 *   - run-time trees: binary bytes, a file past the read bound, no homes.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

#define COLS "SELECT uid, time, command, history_file FROM shell_history"

static const char hist1_all[] =
    /* root: plain lines, empty and blank-padded lines kept, last line
     * without '\n' */
    "0|0|ls -la|/root/.bash_history\n"
    "0|0||/root/.bash_history\n"
    "0|0|cd /tmp|/root/.bash_history\n"
    "0|0|#notastamp|/root/.bash_history\n"
    "0|0|  indented  |/root/.bash_history\n"
    "0|0|exit|/root/.bash_history\n"
    /* alice: "#<digits>" stamps the next line, whatever it is; a stamp
     * too big for 64 bits gives NULL; "#" alone is a command; a stamp at
     * the end of the file is no row */
    "1000|1700000000|ls|/home/alice/.bash_history\n"
    "1000|1700000010|#1700000020|/home/alice/.bash_history\n"
    "1000|0|echo hi|/home/alice/.bash_history\n"
    "1000|NULL|big|/home/alice/.bash_history\n"
    "1000|0|#|/home/alice/.bash_history\n"
    "1000|0|hash only|/home/alice/.bash_history\n"
    /* bob (home "/home/bob/"): zsh extended history */
    "1001|1700000100|git status|/home/bob/.zsh_history\n"
    "1001|1700000200|make -j4|/home/bob/.zsh_history\n"
    "1001|1700000300|for i in 1 2; do\\|/home/bob/.zsh_history\n"
    "1001|0|echo $i\\|/home/bob/.zsh_history\n"
    "1001|0|done|/home/bob/.zsh_history\n"
    "1001|1700000400|no space|/home/bob/.zsh_history\n"
    "1001|0|: 123456789012:0;twelve digits|/home/bob/.zsh_history\n"
    "1001|0|: 1700000500:;nodur|/home/bob/.zsh_history\n"
    "1001|1700000600||/home/bob/.zsh_history\n"
    "1001|0|: 1700000700:0;crlf\r|/home/bob/.zsh_history\n"
    "1001|0|:           1700000800:0;eleven spaces|/home/bob/.zsh_history\n"
    "1001|1700000900|ten spaces|/home/bob/.zsh_history\n"
    "1001|1700001000|semi;colons: kept|/home/bob/.zsh_history\n"
    "1001|0|plain zhistory|/home/bob/.zhistory\n"
    "1001|5|sh|/home/bob/.sh_history\n"
    /* carol: .bash_sessions/NAME.history in byte order, no dot files, no
     * other names, a directory named *.history gives nothing */
    "1003|0|a1|/home/carol/.bash_sessions/A.history\n"
    "1003|0|a2|/home/carol/.bash_sessions/A.history\n"
    "1003|0|b1|/home/carol/.bash_sessions/B.history\n";

static void hist1_all_rows(void **state)
{
	struct engine *eng = test_golden_engine("hist1");

	(void)state;
	test_assert_query(eng, COLS, hist1_all);
	engine_free(eng);
}

static void hist1_uid_pushdown(void **state)
{
	struct engine *eng = test_golden_engine("hist1");

	(void)state;
	test_assert_query(eng, COLS " WHERE uid = 1001 AND time = 5",
	                  "1001|5|sh|/home/bob/.sh_history\n");
	test_assert_query(eng,
	                  "SELECT uid, count(*) FROM shell_history WHERE uid IN (0, 1003) "
	                  "GROUP BY uid",
	                  "0|6\n1003|3\n");
	/* an account with a relative home, and one that does not exist */
	test_assert_query(eng, "SELECT count(*) FROM shell_history WHERE uid IN (1002, 4242)",
	                  "0\n");
	test_assert_query(eng, "SELECT count(*) FROM shell_history WHERE uid = 'x'", "0\n");
	/* a join drives the uid constraint, as osquery's usage examples do */
	test_assert_query(eng,
	                  "SELECT u.username, h.command FROM users u JOIN shell_history h "
	                  "USING (uid) WHERE u.username = 'alice' AND h.time = 1700000000",
	                  "alice|ls\n");
	engine_free(eng);
}

static void binary_bytes(void **state)
{
	static const char data[] = "a\0b\n\x83\xff\n: 7:0;z\0z\n#12\0\nlast";
	struct test_tree t;
	struct engine *eng;

	(void)state;
	test_tree_make(&t);
	test_tree_write(&t, "etc/passwd", "u:x:5:5::/h:/bin/sh\n", 20);
	test_tree_write(&t, "h/.history", data, sizeof(data) - 1);
	eng = test_engine(t.dir);
	/* bytes are kept as they are, NULs included */
	test_assert_query(eng, "SELECT time, hex(command) FROM shell_history",
	                  "0|610062\n"
	                  "0|83FF\n"
	                  "7|7A007A\n"
	                  "0|23313200\n"
	                  "0|6C617374\n");
	engine_free(eng);
	test_tree_remove(&t);
}

static void huge_file_bounded(void **state)
{
	struct strbuf cmd = STRBUF_INIT;
	struct test_tree t;
	struct engine *eng;

	(void)state;
	test_tree_make(&t);
	test_tree_write(&t, "etc/passwd", "u:x:5:5::/h:/bin/sh\n", 20);
	test_tree_write(&t, "h/.bash_history", "a\nb\n", 4);
	test_tree_write(&t, "h/.zsh_history", ": 1:0;after\n", 12);
	/* 64 MiB + 3 bytes: the bound (64 MiB) cuts inside the zeros, so only
	 * the complete lines before them are rows, and the next file is still
	 * read */
	strbuf_addf(&cmd,
	            "truncate -s 67108863 '%s/h/.bash_history' && printf 'x\\ny\\n' >> "
	            "'%s/h/.bash_history'",
	            t.dir, t.dir);
	free(test_run(cmd.buf));
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT time, command, history_file FROM shell_history",
	                  "0|a|/h/.bash_history\n"
	                  "0|b|/h/.bash_history\n"
	                  "1|after|/h/.zsh_history\n");
	engine_free(eng);
	strbuf_release(&cmd);
	test_tree_remove(&t);
}

static void unreadable_and_missing(void **state)
{
	struct test_tree t;
	struct engine *eng;

	(void)state;
	test_tree_make(&t);
	eng = test_engine(t.dir);
	/* no passwd at all */
	test_assert_query(eng, "SELECT count(*) FROM shell_history", "0\n");
	engine_free(eng);
	/* a history "file" that is a directory, an empty one, a dangling
	 * symlink-free home with nothing in it */
	test_tree_write(&t, "etc/passwd", "u:x:5:5::/h:/bin/sh\nv:x:6:6::/none:/bin/sh\n", 41);
	test_tree_write(&t, "h/.bash_history/x", "", 0);
	test_tree_write(&t, "h/.zsh_history", "", 0);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM shell_history", "0\n");
	engine_free(eng);
	test_tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hist1_all_rows),         cmocka_unit_test(hist1_uid_pushdown),
	    cmocka_unit_test(binary_bytes),           cmocka_unit_test(huge_file_bounded),
	    cmocka_unit_test(unreadable_and_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
