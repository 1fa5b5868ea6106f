/*
 * test_live_accounts.c - shadow, last and logged_in_users against the
 * host's own tools, at the same moment:
 *   - shadow against `getent -s files shadow` (glibc's reader), every
 *     field; password_status and hash_alg are osquery's functions of the
 *     password field, recomputed here from getent's;
 *   - last against `utmpdump /var/log/wtmp` (util-linux), every field of
 *     every USER_PROCESS and DEAD_PROCESS record, and logged_in_users
 *     against `utmpdump /var/run/utmp` and `who`. A host without logins
 *     (no records, or no utmp file) compares empty sets, and says so;
 *   - then, on files util-linux writes itself (`utmpdump -r` from text),
 *     read through a root holding them: last against utmpdump and
 *     `last -w -f`, logged_in_users against utmpdump and `who FILE`.
 * sudoers has no independent reader installed by default (visudo is in
 * the sudo package); its golden test covers it.
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
#include <time.h>
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

/* ------------------------------------------------------------------ */
/* shadow */

static const char *status_of(const char *pwd)
{
	if (strcmp(pwd, "!!") == 0)
		return "not_set";
	if (pwd[0] == '!' || pwd[0] == '*' || pwd[0] == 'x')
		return "locked";
	return pwd[0] ? "active" : "empty";
}

static void shadow_matches_getent(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf want = STRBUF_INIT;
	char *getent, *got, *save = NULL;

	(void)state;
	if (access("/etc/shadow", R_OK) != 0) {
		print_message("no readable /etc/shadow here: spoor must give no rows\n");
		got = test_query_text(eng, "SELECT count(*) FROM shadow");
		assert_string_equal(got, "0\n");
		free(got);
		engine_free(eng);
		return;
	}
	getent = test_run("getent -s files shadow");
	for (char *line = strtok_r(getent, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[9];
		int n = 0;

		f[n++] = line;
		while (n < 9) {
			char *c = strchr(f[n - 1], ':');

			if (!c)
				break;
			*c = '\0';
			f[n++] = c + 1;
		}
		/* spoor skips NIS markers and empty names, as users does */
		if (n != 9 || !f[0][0] || f[0][0] == '+' || f[0][0] == '-')
			continue;
		strbuf_addf(&want, "%s|", status_of(f[1]));
		{
			/* osquery: ^\$(\w+)\$ */
			size_t k = 0;

			if (f[1][0] == '$')
				while (f[1][1 + k] == '_' ||
				       (f[1][1 + k] >= '0' && f[1][1 + k] <= '9') ||
				       ((f[1][1 + k] | 0x20) >= 'a' && (f[1][1 + k] | 0x20) <= 'z'))
					k++;
			if (k && f[1][1 + k] == '$')
				strbuf_addf(&want, "%.*s|", (int)k, f[1] + 1);
			else
				strbuf_addstr(&want, "NULL|");
		}
		/* putspent writes -1 as an empty field, and ~0 for the flag */
		for (int i = 2; i < 8; i++)
			strbuf_addf(&want, "%s|", f[i][0] ? f[i] : "-1");
		strbuf_addf(&want, "%s|%s\n", f[8][0] ? f[8] : "NULL", f[0]);
	}
	got = test_query_text(eng, "SELECT * FROM shadow");
	assert_true(want.len > 0);
	assert_same("shadow vs getent -s files shadow", want.buf, got);
	free(got);
	free(getent);
	strbuf_release(&want);
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* utmp files */

/* utmpdump's line: [type] [pid] [id] [user] [line] [host] [addr] [time],
 * fields padded with blanks; time in UTC (TZ=UTC). Fills f[8]. */
static int utmpdump_fields(char *line, char **f)
{
	int n = 0;

	while (n < 8) {
		char *open = strchr(line, '['), *close;

		if (!open)
			return -1;
		close = strchr(open + 1, ']');
		if (!close)
			return -1;
		*close = '\0';
		f[n] = open + 1;
		for (char *e = close - 1; e >= f[n] && *e == ' '; e--)
			*e = '\0';
		n++;
		line = close + 1;
	}
	return 0;
}

static long long utc_seconds(const char *iso)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
		return -1;
	return (long long)timegm(&tm);
}

static const char *liu_type(int t)
{
	static const char *const names[] = {"empty",    "runlevel",  "boot_time", "new_time",
	                                    "old_time", "init",      "login",     "user",
	                                    "dead",     "accounting"};

	return t >= 0 && t <= 9 ? names[t] : "unknown";
}

/* Expected last and logged_in_users rows from utmpdump's view of path. */
static void utmpdump_expect(const char *path, struct strbuf *last, struct strbuf *liu)
{
	struct strbuf cmd = STRBUF_INIT;
	char *out, *save = NULL;

	strbuf_addf(&cmd, "TZ=UTC utmpdump '%s' 2>/dev/null", path);
	out = test_run(cmd.buf);
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[8];
		int type, pid;

		if (utmpdump_fields(line, f) < 0)
			fail_msg("utmpdump line not understood: %s", line);
		type = (int)strtol(f[0], NULL, 10);
		pid = (int)strtol(f[1], NULL, 10);
		if (type == 7 || type == 8)
			strbuf_addf(last, "%s|%s|%d|%d|%s|%lld|%s\n", f[3], f[4], pid, type,
			            type == 7 ? "user-process" : "dead-process", utc_seconds(f[7]),
			            f[5]);
		if (pid != 1)
			strbuf_addf(liu, "%s|%s|%s|%s|%lld|%d\n", liu_type(type), f[3], f[4], f[5],
			            utc_seconds(f[7]), pid);
	}
	free(out);
	strbuf_release(&cmd);
}

/* `who FILE`: user and tty of every login. */
static char *who_logins(const char *path)
{
	struct strbuf cmd = STRBUF_INIT;
	char *out;

	strbuf_addf(&cmd, "who '%s' | awk '{print $1 \"|\" $2}'", path);
	out = test_run(cmd.buf);
	strbuf_release(&cmd);
	return out;
}

static void live_utmp_files(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf last = STRBUF_INIT, liu = STRBUF_INIT, scratch = STRBUF_INIT;
	char *got;

	(void)state;
	if (access("/var/log/wtmp", R_OK) == 0)
		utmpdump_expect("/var/log/wtmp", &last, &scratch);
	got = test_query_text(eng, "SELECT * FROM last");
	assert_same("last vs utmpdump /var/log/wtmp", last.buf, got);
	if (last.len == 0)
		print_message("no login records in /var/log/wtmp on this host: compared empty "
		              "sets\n");
	free(got);

	strbuf_reset(&scratch);
	if (access("/var/run/utmp", R_OK) == 0)
		utmpdump_expect("/var/run/utmp", &scratch, &liu);
	else
		print_message("no /var/run/utmp on this host: compared empty sets\n");
	got = test_query_text(eng, "SELECT * FROM logged_in_users");
	assert_same("logged_in_users vs utmpdump /var/run/utmp", liu.buf, got);
	free(got);
	/* who(1) reads the same file */
	{
		char *who = test_run("who | awk '{print $1 \"|\" $2}'");

		got = test_query_text(eng, "SELECT user, tty FROM logged_in_users WHERE type = 'user'");
		assert_same("logged_in_users vs who", who, got);
		free(who);
		free(got);
	}
	strbuf_release(&scratch);
	strbuf_release(&liu);
	strbuf_release(&last);
	engine_free(eng);
}

static void utmp_files_written_by_util_linux(void **state)
{
	/* utmpdump -r's input: what utmpdump prints */
	static const char records[] =
	    "[2] [00000] [~~  ] [reboot  ] [~           ] [6.1.0-test          ] "
	    "[0.0.0.0        ] [2023-11-14T22:00:00,000000+00:00]\n"
	    "[1] [00053] [~~  ] [runlevel] [~           ] [6.1.0-test          ] "
	    "[0.0.0.0        ] [2023-11-14T22:00:01,000000+00:00]\n"
	    "[5] [00001] [si  ] [        ] [            ] [                    ] "
	    "[0.0.0.0        ] [2023-11-14T22:00:02,000000+00:00]\n"
	    "[6] [00600] [tty1] [LOGIN   ] [tty1        ] [                    ] "
	    "[0.0.0.0        ] [2023-11-14T22:00:03,000000+00:00]\n"
	    "[7] [01234] [ts/0] [alice   ] [pts/0       ] [10.0.0.5            ] "
	    "[10.0.0.5       ] [2023-11-14T22:15:00,000000+00:00]\n"
	    "[7] [04321] [ts/1] [bob     ] [pts/1       ] [host.example.com    ] "
	    "[192.0.2.7      ] [2023-11-14T23:00:00,250000+00:00]\n"
	    "[8] [01234] [ts/0] [        ] [pts/0       ] [                    ] "
	    "[0.0.0.0        ] [2023-11-14T22:20:00,000000+00:00]\n";
	char dir[] = "/tmp/spoor-utmplive-XXXXXX";
	struct strbuf cmd = STRBUF_INIT, last = STRBUF_INIT, liu = STRBUF_INIT, path = STRBUF_INIT,
	              scratch = STRBUF_INIT;
	struct engine *eng;
	char *got, *tool;

	(void)state;
	if (!mkdtemp(dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	strbuf_addf(&cmd,
	            "mkdir -p %s/var/log %s/var/run && printf '%%s' '%s' | TZ=UTC utmpdump -r "
	            "> %s/var/log/wtmp 2>/dev/null && cp %s/var/log/wtmp %s/var/run/utmp",
	            dir, dir, records, dir, dir, dir);
	free(test_run(cmd.buf));

	strbuf_addf(&path, "%s/var/log/wtmp", dir);
	utmpdump_expect(path.buf, &last, &scratch);
	strbuf_reset(&scratch);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/var/run/utmp", dir);
	utmpdump_expect(path.buf, &scratch, &liu);
	eng = test_engine(dir);
	got = test_query_text(eng, "SELECT * FROM last");
	assert_same("last vs utmpdump", last.buf, got);
	/* the records util-linux wrote are all there */
	assert_int_equal(strlen(last.buf) > 0, 1);
	assert_non_null(strstr(got, "bob|pts/1|4321|7|user-process|1700002800|host.example.com\n"));
	free(got);
	got = test_query_text(eng, "SELECT * FROM logged_in_users");
	assert_same("logged_in_users vs utmpdump", liu.buf, got);
	free(got);

	tool = who_logins(path.buf);
	got = test_query_text(eng, "SELECT user, tty FROM logged_in_users WHERE type = 'user'");
	assert_same("logged_in_users vs who FILE", tool, got);
	free(tool);
	free(got);

	/* last(1) lists user logins newest first, and "reboot" for boot
	 * records */
	strbuf_reset(&cmd);
	strbuf_addf(&cmd,
	            "last -w -f %s/var/log/wtmp | awk 'NF && $1 != \"reboot\" && $1 != \"wtmp\" "
	            "&& $1 !~ /begins/ {print $1 \"|\" $2}' | tac",
	            dir);
	tool = test_run(cmd.buf);
	got = test_query_text(eng, "SELECT username, tty FROM last WHERE type = 7");
	assert_same("last vs last -w -f", tool, got);
	free(tool);
	free(got);
	engine_free(eng);

	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "rm -rf '%s'", dir);
	free(test_run(cmd.buf));
	strbuf_release(&scratch);
	strbuf_release(&path);
	strbuf_release(&liu);
	strbuf_release(&last);
	strbuf_release(&cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shadow_matches_getent),
	    cmocka_unit_test(live_utmp_files),
	    cmocka_unit_test(utmp_files_written_by_util_linux),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
