/*
 * test_live_users.c - users, groups and user_groups against glibc's own
 * readers on this host, at the same moment:
 *   - users (include_remote = 0) against `getent -s files passwd`, every
 *     field, in file order (osquery reads /etc/passwd with fgetpwent_r);
 *   - users WHERE include_remote = 1 against `getent passwd` (every NSS
 *     source), also by uid and by name;
 *   - groups against `getent -s files group`, first line per gid;
 *   - user_groups against `id -G <user>` for every user.
 * Entries glibc reports and spoor skips on purpose (NIS "+"/"-" lines,
 * an empty name) are left out of the comparison; see tables/users.c.
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

/* Cap on id(1) runs, so a host with a large directory stays quick. */
#define MAX_ID_RUNS 500

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected (independent tool)\n%s--- spoor\n%s", what,
			 expected, got);
}

static long long signed32(unsigned long long v)
{
	return v > 0x7fffffffULL ? (long long)v - 0x100000000LL : (long long)v;
}

/* Splits a line at its first n ':' (the last field keeps the rest);
 * returns the number of fields. */
static int split_colons(char *line, char **f, int n)
{
	int k = 0;

	f[k++] = line;
	while (k < n) {
		char *c = strchr(f[k - 1], ':');

		if (!c)
			break;
		*c = '\0';
		f[k++] = c + 1;
	}
	return k;
}

/* getent passwd lines -> "uid|gid|uid_signed|gid_signed|name|gecos|dir|shell" */
static char *passwd_expected(const char *getent)
{
	struct strbuf sb = STRBUF_INIT;
	char *copy = strdup(getent), *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7];
		unsigned long long uid, gid;

		if (split_colons(line, f, 7) != 7 || !f[0][0] || f[0][0] == '+' || f[0][0] == '-')
			continue;
		uid = strtoull(f[2], NULL, 10);
		gid = strtoull(f[3], NULL, 10);
		strbuf_addf(&sb, "%llu|%llu|%lld|%lld|%s|%s|%s|%s\n", uid, gid, signed32(uid),
			    signed32(gid), f[0], f[4], f[5], f[6]);
	}
	free(copy);
	return strbuf_detach(&sb, NULL);
}

#define USER_COLS                                                                      \
	"SELECT uid, gid, uid_signed, gid_signed, username, description, directory, shell " \
	"FROM users"

static void users_match_getent_files(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *getent, *expected, *got;

	(void)state;
	getent = test_run("getent -s files passwd");
	got = test_query_text(eng, USER_COLS);
	expected = passwd_expected(getent);
	assert_true(strlen(expected) > 0);
	assert_same("users vs getent -s files passwd", expected, got);
	free(getent);
	free(expected);
	free(got);
	engine_free(eng);
}

static void users_include_remote_match_getent(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *getent, *expected, *got;

	(void)state;
	getent = test_run("getent passwd");
	got = test_query_text(eng, USER_COLS " WHERE include_remote = 1");
	expected = passwd_expected(getent);
	assert_same("users (include_remote=1) vs getent passwd", expected, got);
	free(getent);
	free(expected);
	free(got);

	getent = test_run("getent passwd 0");
	got = test_query_text(eng, USER_COLS " WHERE include_remote = 1 AND uid = 0");
	expected = passwd_expected(getent);
	assert_same("users (include_remote=1, uid=0) vs getent passwd 0", expected, got);
	free(getent);
	free(expected);
	free(got);

	getent = test_run("getent passwd root");
	got = test_query_text(eng, USER_COLS " WHERE include_remote = 1 AND username = 'root'");
	expected = passwd_expected(getent);
	assert_same("users (include_remote=1, root) vs getent passwd root", expected, got);
	free(getent);
	free(expected);
	free(got);
	engine_free(eng);
}

static void groups_match_getent_files(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf expected = STRBUF_INIT;
	char *getent, *got, *save = NULL;
	unsigned long long *seen = NULL;
	size_t nseen = 0;

	(void)state;
	getent = test_run("getent -s files group");
	got = test_query_text(eng, "SELECT gid, gid_signed, groupname FROM groups");
	for (char *line = strtok_r(getent, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4];
		unsigned long long gid;
		bool dup = false;

		if (split_colons(line, f, 4) < 3 || !f[0][0] || f[0][0] == '+' || f[0][0] == '-')
			continue;
		gid = strtoull(f[2], NULL, 10);
		/* osquery keeps the first group per gid */
		for (size_t i = 0; i < nseen; i++)
			dup = dup || seen[i] == gid;
		if (dup)
			continue;
		seen = realloc(seen, (nseen + 1) * sizeof(*seen));
		seen[nseen++] = gid;
		strbuf_addf(&expected, "%llu|%lld|%s\n", gid, signed32(gid), f[0]);
	}
	assert_true(expected.len > 0);
	assert_same("groups vs getent -s files group", expected.buf, got);
	free(seen);
	free(getent);
	free(got);
	strbuf_release(&expected);
	engine_free(eng);
}

static void user_groups_match_id(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct test_rows users;
	int runs = 0;

	(void)state;
	/* one user per uid, as user_groups lists them */
	test_query_ok(eng,
		      "SELECT uid, username FROM users GROUP BY uid "
		      "HAVING count(DISTINCT username) = 1",
		      &users);
	assert_true(users.nrows > 0);
	for (size_t r = 0; r < users.nrows && runs < MAX_ID_RUNS; r++, runs++) {
		const char *uid = test_get(&users, r, "uid");
		const char *name = test_get(&users, r, "username");
		struct strbuf cmd = STRBUF_INIT, sql = STRBUF_INIT, what = STRBUF_INIT;
		char *id_out, *got;

		/* names are [A-Za-z0-9._-] on any sane host; quote anyway */
		if (strchr(name, '\''))
			continue;
		strbuf_addf(&cmd, "id -G -- '%s' | tr ' ' '\\n'", name);
		id_out = test_run(cmd.buf);
		strbuf_addf(&sql, "SELECT gid FROM user_groups WHERE uid = %s", uid);
		got = test_query_text(eng, sql.buf);
		strbuf_addf(&what, "user_groups of %s (uid %s) vs id -G", name, uid);
		assert_same(what.buf, id_out, got);
		free(id_out);
		free(got);
		strbuf_release(&cmd);
		strbuf_release(&sql);
		strbuf_release(&what);
	}
	test_rows_free(&users);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(users_match_getent_files),
		cmocka_unit_test(users_include_remote_match_getent),
		cmocka_unit_test(groups_match_getent_files),
		cmocka_unit_test(user_groups_match_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
