/*
 * test_golden_users.c - users, groups and user_groups on captured trees.
 *
 * tests/golden/roots/host1 holds this machine's /etc/passwd and
 * /etc/group with edge cases added around the real lines: comments,
 * blank and indented lines, lines with too few fields, non-numeric,
 * negative and 33-bit ids, NIS "+"/"-" markers, an empty name, a shell
 * holding a ':', a duplicate uid 0, no final newline, a gid of
 * 4294967294 (signed -2), a user in several groups (listed twice in one,
 * with spaces, in a duplicate gid, in its own primary group). host3 has
 * a passwd but no group file. Every expected value below was checked by
 * hand against those files (and against glibc's fgetpwent/fgetgrent,
 * which agree except for the lines the header of tables/users.c says
 * spoor skips on purpose).
 *
 * Hostile inputs (a 16 KiB+ line, NUL bytes, binary garbage, files past
 * the size bound, an empty root) are built at run time in a temporary
 * directory, so the repository holds no large files.
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
/* host1 */

static const char host1_users[] =
	"0|0|0|0|root|root|/root|/bin/bash|\n"
	"1|1|1|1|daemon|daemon|/usr/sbin|/usr/sbin/nologin|\n"
	"2|2|2|2|bin|bin|/bin|/usr/sbin/nologin|\n"
	"3|3|3|3|sys|sys|/dev|/usr/sbin/nologin|\n"
	"4|65534|4|65534|sync|sync|/bin|/bin/sync|\n"
	"5|60|5|60|games|games|/usr/games|/usr/sbin/nologin|\n"
	"6|12|6|12|man|man|/var/cache/man|/usr/sbin/nologin|\n"
	"7|7|7|7|lp|lp|/var/spool/lpd|/usr/sbin/nologin|\n"
	"8|8|8|8|mail|mail|/var/mail|/usr/sbin/nologin|\n"
	"9|9|9|9|news|news|/var/spool/news|/usr/sbin/nologin|\n"
	"10|10|10|10|uucp|uucp|/var/spool/uucp|/usr/sbin/nologin|\n"
	"13|13|13|13|proxy|proxy|/bin|/usr/sbin/nologin|\n"
	"33|33|33|33|www-data|www-data|/var/www|/usr/sbin/nologin|\n"
	"34|34|34|34|backup|backup|/var/backups|/usr/sbin/nologin|\n"
	"38|38|38|38|list|Mailing List Manager|/var/list|/usr/sbin/nologin|\n"
	"39|39|39|39|irc|ircd|/run/ircd|/usr/sbin/nologin|\n"
	"42|65534|42|65534|_apt||/nonexistent|/usr/sbin/nologin|\n"
	"65534|65534|65534|65534|nobody|nobody|/nonexistent|/usr/sbin/nologin|\n"
	"1000|1000|1000|1000|cloudsdk||/home/cloudsdk|/bin/bash|\n"
	"998|998|998|998|systemd-network|systemd Network Management|/|/usr/sbin/nologin|\n"
	"997|997|997|997|systemd-timesync|systemd Time Synchronization|/|/usr/sbin/nologin|\n"
	"100|102|100|102|messagebus||/nonexistent|/usr/sbin/nologin|\n"
	"996|996|996|996|polkitd|polkit|/nonexistent|/usr/sbin/nologin|\n"
	"101|104|101|104|postgres|PostgreSQL administrator,,,|/var/lib/postgresql|/bin/bash|\n"
	/* indented line: leading blanks dropped */
	"1001|1001|1001|1001|alice|Alice Liddell,Room 1,,|/home/alice|/bin/zsh|\n"
	"4294967294|4294967294|-2|-2|nfsnobody|Anonymous NFS User|/var/lib/nfs|/sbin/nologin|\n"
	/* the shell is the rest of the line, ':' included (glibc) */
	"1002|100|1002|100|colons|gecos|/home/colons|/bin/sh:extra|\n"
	/* a second uid 0 is listed, as fgetpwent_r lists it */
	"0|0|0|0|root2|second root|/root2|/bin/sh|\n"
	"1004|100|1004|100|nonl|no final newline|/home/nonl|/bin/sh|\n";

static void users_all(void **state)
{
	struct engine *eng = test_golden_engine("host1");

	(void)state;
	/* skipped: comments, blank lines, "broken" (3 fields), "badid"
	 * (12a), "negid" (-1), "+", "-bob", "toobig" (2^32), empty name */
	test_assert_query(eng,
		     "SELECT uid, gid, uid_signed, gid_signed, username, description, "
		     "directory, shell, uuid FROM users",
		     host1_users);
	/* SELECT * is osquery's visible column set; uuid is '' (not NULL) */
	test_assert_query(eng, "SELECT * FROM users WHERE username = 'root'",
		     "0|0|0|0|root|root|/root|/bin/bash|\n");
	engine_free(eng);
}

static void users_constraints(void **state)
{
	struct engine *eng = test_golden_engine("host1");

	(void)state;
	test_assert_query(eng, "SELECT username FROM users WHERE uid = 0", "root\nroot2\n");
	test_assert_query(eng, "SELECT username FROM users WHERE uid IN (1001, 4294967294, 77)",
		     "alice\nnfsnobody\n");
	test_assert_query(eng, "SELECT username, uid_signed FROM users WHERE uid = '4294967294'",
		     "nfsnobody|-2\n");
	test_assert_query(eng, "SELECT uid FROM users WHERE username IN ('nonl', 'alice', 'nope')",
		     "1001\n1004\n");
	/* both constraints hold on every row (the module re-checks) */
	test_assert_query(eng, "SELECT username FROM users WHERE uid = 0 AND username = 'root2'",
		     "root2\n");
	test_assert_query(eng, "SELECT count(*) FROM users WHERE uid = 1 AND username = 'root'",
		     "0\n");
	/* usernames compare exactly, as getpwnam does */
	test_assert_query(eng, "SELECT count(*) FROM users WHERE username = 'ROOT'", "0\n");
	engine_free(eng);
}

static void users_hidden_columns(void **state)
{
	struct engine *eng = test_golden_engine("host1");

	(void)state;
	test_assert_query(eng,
		     "SELECT username, include_remote, pid_with_namespace FROM users "
		     "WHERE uid = 1001",
		     "alice|0|0\n");
	/* not the live host: no NSS to ask, the file answers for remote */
	test_assert_query(eng,
		     "SELECT username, include_remote FROM users WHERE include_remote = 1 "
		     "AND uid = 0",
		     "root|1\nroot2|1\n");
	test_assert_query(eng, "SELECT count(*) FROM users WHERE include_remote = 1", "29\n");
	/* spoor does not enter another mount namespace: no rows */
	test_assert_query(eng, "SELECT count(*) FROM users WHERE pid_with_namespace = 42", "0\n");
	engine_free(eng);
}

static void groups_all(void **state)
{
	struct engine *eng = test_golden_engine("host1");

	(void)state;
	test_assert_query(eng, "SELECT gid, gid_signed, groupname FROM groups",
		     "0|0|root\n1|1|daemon\n2|2|bin\n3|3|sys\n4|4|adm\n5|5|tty\n6|6|disk\n"
		     "7|7|lp\n8|8|mail\n9|9|news\n10|10|uucp\n12|12|man\n13|13|proxy\n"
		     "15|15|kmem\n20|20|dialout\n21|21|fax\n22|22|voice\n24|24|cdrom\n"
		     "25|25|floppy\n26|26|tape\n27|27|sudo\n29|29|audio\n30|30|dip\n"
		     "33|33|www-data\n34|34|backup\n37|37|operator\n38|38|list\n39|39|irc\n"
		     "40|40|src\n42|42|shadow\n43|43|utmp\n44|44|video\n45|45|sasl\n"
		     "46|46|plugdev\n50|50|staff\n60|60|games\n100|100|users\n"
		     "65534|65534|nogroup\n1000|1000|cloudsdk\n101|101|_ssh\n"
		     "999|999|systemd-journal\n998|998|systemd-network\n"
		     "997|997|systemd-timesync\n102|102|messagebus\n996|996|polkitd\n"
		     "103|103|ssl-cert\n104|104|postgres\n"
		     /* edge cases: "rootdup" (gid 0) and "devagain" (2000)
		      * lose to the first line with their gid; "nogid" and
		      * "badgid" are malformed */
		     "1001|1001|alice\n2000|2000|dev\n2001|2001|ops\n2003|2003|trailing\n"
		     "4294967294|-2|big\n2002|2002|dup\n2004|2004|last\n");
	test_assert_query(eng, "SELECT groupname FROM groups WHERE gid = 2000", "dev\n");
	test_assert_query(eng, "SELECT groupname FROM groups WHERE gid IN (0, 4294967294)",
		     "root\nbig\n");
	test_assert_query(eng, "SELECT count(*) FROM groups WHERE pid_with_namespace = 0", "54\n");
	engine_free(eng);
}

static void user_groups_all(void **state)
{
	struct engine *eng = test_golden_engine("host1");

	(void)state;
	test_assert_query(eng, "SELECT uid, gid FROM user_groups",
		     "0|0\n1|1\n2|2\n3|3\n4|65534\n5|60\n6|12\n7|7\n8|8\n9|9\n10|10\n"
		     "13|13\n33|33\n34|34\n38|38\n39|39\n42|65534\n65534|65534\n"
		     "1000|1000\n998|998\n997|997\n100|102\n996|996\n"
		     /* postgres: ssl-cert, dev */
		     "101|104\n101|103\n101|2000\n"
		     /* alice: primary 1001 (its own group lists it: once),
		      * dev, ops (" alice"), not "trailing" ("alice "),
		      * rootdup (0), big, dup (twice in the list: once) */
		     "1001|1001\n1001|2000\n1001|2001\n1001|0\n1001|4294967294\n1001|2002\n"
		     /* nfsnobody: devagain shares gid 2000 with dev */
		     "4294967294|4294967294\n4294967294|2000\n"
		     "1002|100\n"
		     /* root2 (uid 0 again) is not listed twice */
		     "1004|100\n1004|2004\n");
	test_assert_query(eng, "SELECT gid FROM user_groups WHERE uid = 1001",
		     "1001\n2000\n2001\n0\n4294967294\n2002\n");
	test_assert_query(eng, "SELECT uid FROM user_groups WHERE gid = 2000",
		     "101\n1001\n4294967294\n");
	/* osquery's example join: the 37 rows above, plus root2 matching
	 * uid 0's one row again */
	test_assert_query(eng,
		     "SELECT count(*) FROM users u, user_groups ug WHERE u.uid = ug.uid",
		     "38\n");
	engine_free(eng);
}

/* host3: a passwd, no group file */
static void no_group_file(void **state)
{
	struct engine *eng = test_golden_engine("host3");

	(void)state;
	test_assert_query(eng, "SELECT count(*) FROM groups", "0\n");
	test_assert_query(eng, "SELECT uid, gid FROM user_groups", "0|0\n1|1\n");
	test_assert_query(eng, "SELECT username, shell FROM users",
		     "root|/bin/bash\nbin|/sbin/nologin\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* hostile trees, built at run time */

static void tree_make(struct test_tree *t)
{
	char etc[128];

	snprintf(t->dir, sizeof(t->dir), "/tmp/spoor-users-XXXXXX");
	if (!mkdtemp(t->dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	snprintf(etc, sizeof(etc), "%s/etc", t->dir);
	if (mkdir(etc, 0755) < 0)
		fail_msg("mkdir %s: %s", etc, strerror(errno));
}

static void long_lines_and_nul_bytes(void **state)
{
	static const char nul_line[] = "nul\0x:x:6:6::/:/bin/sh\nd:x:4:4::/:/bin/sh\n";
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	tree_make(&t);
	strbuf_addstr(&sb, "a:x:1:1::/:/bin/sh\nb:x:2:2:");
	for (int i = 0; i < 20000; i++)
		strbuf_addch(&sb, 'g');
	strbuf_addstr(&sb, ":/:/bin/sh\nc:x:3:3::/:/bin/sh\n");
	strbuf_add(&sb, nul_line, sizeof(nul_line) - 1);
	test_tree_write(&t, "etc/passwd", sb.buf, sb.len);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "g1:x:10:a,");
	for (int i = 0; i < 20000; i++)
		strbuf_addch(&sb, 'm');
	strbuf_addstr(&sb, "\ng2:x:11:c\n");
	test_tree_write(&t, "etc/group", sb.buf, sb.len);

	eng = test_engine(t.dir);
	/* the 20 KB line and the line with a NUL byte are skipped, the
	 * lines around them are not */
	test_assert_query(eng, "SELECT uid, username FROM users", "1|a\n3|c\n4|d\n");
	test_assert_query(eng, "SELECT gid, groupname FROM groups", "11|g2\n");
	test_assert_query(eng, "SELECT uid, gid FROM user_groups", "1|1\n3|3\n3|11\n4|4\n");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

static void binary_garbage(void **state)
{
	static const char tail[] = "\nok:x:5:5:fine:/ok:/bin/ok\n";
	struct strbuf sb = STRBUF_INIT;
	struct test_rows rows;
	struct engine *eng;
	uint32_t x = 12345;
	struct test_tree t;

	(void)state;
	tree_make(&t);
	/* deterministic bytes, ':' and '\n' included */
	test_garbage(&sb, 65536, x);
	strbuf_add(&sb, tail, sizeof(tail) - 1);
	test_tree_write(&t, "etc/passwd", sb.buf, sb.len);
	test_tree_write(&t, "etc/group", sb.buf, sb.len);

	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT uid, description, directory, shell FROM users "
			  "WHERE username = 'ok'",
		     "5|fine|/ok|/bin/ok\n");
	test_query_ok(eng, "SELECT * FROM users", &rows);
	assert_true(rows.nrows >= 1);
	test_rows_free(&rows);
	test_query_ok(eng, "SELECT * FROM groups", &rows);
	test_rows_free(&rows);
	test_assert_query(eng, "SELECT gid FROM user_groups WHERE uid = 5", "5\n");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

static void file_past_bound(void **state)
{
	static const char line[] = "user:x:1000:1000:a user of a very large directory:/home/user:/bin/sh\n";
	struct strbuf sb = STRBUF_INIT;
	struct test_rows rows;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	tree_make(&t);
	/* 33 MiB: past the 32 MiB bound */
	while (sb.len < ((size_t)33 << 20))
		strbuf_add(&sb, line, sizeof(line) - 1);
	test_tree_write(&t, "etc/passwd", sb.buf, sb.len);
	test_tree_write(&t, "etc/group", sb.buf, sb.len);

	eng = test_engine(t.dir);
	assert_int_not_equal(test_query(eng, "SELECT count(*) FROM users", &rows), 0);
	assert_non_null(strstr(rows.error, "exceeds its size limit"));
	test_rows_free(&rows);
	assert_int_not_equal(test_query(eng, "SELECT count(*) FROM groups", &rows), 0);
	assert_non_null(strstr(rows.error, "exceeds its size limit"));
	test_rows_free(&rows);
	assert_int_not_equal(test_query(eng, "SELECT count(*) FROM user_groups", &rows), 0);
	assert_non_null(strstr(rows.error, "exceeds its size limit"));
	test_rows_free(&rows);
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

static void empty_root(void **state)
{
	struct engine *eng;
	struct test_tree t;

	(void)state;
	tree_make(&t);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM users", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM users WHERE include_remote = 1", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM groups", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM user_groups", "0\n");
	engine_free(eng);
	/* an empty file is no error either */
	test_tree_write(&t, "etc/passwd", "", 0);
	test_tree_write(&t, "etc/group", "\n\n# nothing\n", 12);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM users", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM groups", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM user_groups", "0\n");
	engine_free(eng);
	test_tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(users_all),
		cmocka_unit_test(users_constraints),
		cmocka_unit_test(users_hidden_columns),
		cmocka_unit_test(groups_all),
		cmocka_unit_test(user_groups_all),
		cmocka_unit_test(no_group_file),
		cmocka_unit_test(long_lines_and_nul_bytes),
		cmocka_unit_test(binary_garbage),
		cmocka_unit_test(file_past_bound),
		cmocka_unit_test(empty_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
