/*
 * test_golden_accounts.c - shadow, sudoers, last and logged_in_users on
 * captured and built trees.
 *
 * tests/golden/roots/acct1:
 *   - etc/shadow: this machine's 24 entries (no real hash: all '*' or
 *     '!'), then hand-made lines: hashes of several algorithms (made-up
 *     strings, no password behind them), locked / not-set / empty
 *     passwords, the old five-field form, CRLF, numbers that are not
 *     numbers, negative, 4294967295, 2^31, too few fields, NIS markers,
 *     an empty name, an indented line, a duplicate name, a flag. glibc's
 *     fgetspent() was run on the file: it returns exactly the entries
 *     asserted below, with the same numbers, plus the NIS markers and the
 *     empty name that spoor leaves out on purpose (tables/accounts.c);
 *   - etc/sudoers (Debian's defaults and edge cases: continuation lines,
 *     uid rules, an include without a path, a missing include), the
 *     sudoers.d files it includes (one with CRLF, a README, names with
 *     '.' and '~', a directory, and "loop", which includes /etc/sudoers
 *     and /etc/sudoers.d again) and etc/sudoers.local (includes itself,
 *     ends with a backslash and no newline). Expected rows derived by
 *     hand with osquery's rules and spoor's loop rule.
 * wtmp and utmp files are built at run time from records written here,
 * field by field, in glibc's struct utmp layout.
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

static struct engine *acct1(void)
{
	char *root = test_source_path("tests/golden/roots/acct1");
	struct engine *eng = test_engine(root);

	free(root);
	return eng;
}

/* ------------------------------------------------------------------ */
/* shadow */

#define LOCKED_20228 "locked|NULL|20228|0|99999|7|-1|-1|NULL|"
#define LOCKED_NEW(day) "locked|NULL|" day "|-1|-1|-1|-1|-1|NULL|"

static void shadow_all(void **state)
{
	struct engine *eng = acct1();

	(void)state;
	test_assert_query(eng, "SELECT count(*) FROM shadow", "37\n");
	/* the captured lines: "name:*:20228:0:99999:7:::" and
	 * "name:!:20263::::::" forms */
	test_assert_query(eng, "SELECT * FROM shadow LIMIT 3",
	             LOCKED_20228 "root\n" LOCKED_20228 "daemon\n" LOCKED_20228 "bin\n");
	test_assert_query(
	    eng, "SELECT * FROM shadow LIMIT 6 OFFSET 18",
	    LOCKED_NEW("20263") "cloudsdk\n" LOCKED_NEW("20263") "systemd-network\n" LOCKED_NEW(
	        "20"
	        "26"
	        "3") "systemd-timesync\n" LOCKED_NEW("20263") "messagebus\n" LOCKED_NEW("20582") "p"
	                                                                                         "o"
	                                                                                         "l"
	                                                                                         "k"
	                                                                                         "i"
	                                                                                         "t"
	                                                                                         "d"
	                                                                                         "\n" LOCKED_NEW("20593") "postgr"
	                                                                                                                  "es\n");
	test_assert_query(eng, "SELECT * FROM shadow LIMIT -1 OFFSET 24",
	             "active|6|19500|1|90|14|30|20000|NULL|alice\n"
	             "active|y|19600|0|99999|7|-1|-1|NULL|bob\n"
	             /* '!' before a hash: locked, and no algorithm */
	             "locked|NULL|19000|0|99999|7|-1|-1|NULL|carol\n"
	             "not_set|NULL|19001|-1|-1|-1|-1|-1|NULL|dave\n"
	             "empty|NULL|19002|0|99999|7|-1|-1|NULL|erin\n"
	             "locked|NULL|19003|0|99999|7|-1|-1|NULL|frank\n"
	             "active|2b|19004|0|99999|7|-1|-1|12345|gina\n"
	             /* the old form: warn, inactive, expire -1 */
	             "locked|NULL|19005|0|99999|-1|-1|-1|NULL|old\n"
	             /* crlf, badnum (12a) and neg (-1) are refused by glibc */
	             "locked|NULL|-1|0|99999|7|-1|-1|NULL|wrap\n"
	             "locked|NULL|-2147483648|0|99999|7|-1|-1|NULL|big\n"
	             /* short (seven fields), +nis, -nisuser and the empty
	              * name are not listed */
	             "locked|NULL|19009|0|99999|7|-1|-1|NULL|indented\n"
	             "locked|NULL|1|2|3|4|5|6|7|alice\n"
	             "locked|NULL|1|2|3|4|5|6|4294967295|flagmax\n");
	engine_free(eng);
}

static void shadow_by_name(void **state)
{
	struct engine *eng = acct1();

	(void)state;
	/* getspnam: the first "alice" only */
	test_assert_query(eng, "SELECT hash_alg, last_change FROM shadow WHERE username = 'alice'",
	             "6|19500\n");
	test_assert_query(eng,
	             "SELECT username FROM shadow WHERE username IN ('gina', 'nope', 'root', "
	             "'+nis', 'crlf')",
	             "gina\nroot\n");
	test_assert_query(eng, "SELECT count(*) FROM shadow WHERE username = 'ALICE'", "0\n");
	/* a scan lists both "alice" lines */
	test_assert_query(eng, "SELECT count(*) FROM shadow WHERE username LIKE 'alice'", "2\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* sudoers */

static void sudoers_all(void **state)
{
	struct engine *eng = acct1();

	(void)state;
	test_assert_query(eng, "SELECT * FROM sudoers",
	             "/etc/sudoers|Defaults|env_reset\n"
	             "/etc/sudoers|Defaults|mail_badpass\n"
	             "/etc/sudoers|Defaults|secure_path=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	             "/usr/bin:/sbin:/bin\"\n"
	             "/etc/sudoers|root|ALL=(ALL:ALL) ALL\n"
	             "/etc/sudoers|%sudo|ALL=(ALL:ALL) ALL\n"
	             /* continuation: the backslash goes, the next (trimmed) line is
	              * appended as it is */
	             "/etc/sudoers|Cmnd_Alias|SHUTDOWN = /sbin/shutdown, /sbin/reboot,/sbin/halt\n"
	             /* a header-only first line: the header loses the backslash */
	             "/etc/sudoers|Host_Alias|SERVERS = a, b\n"
	             /* uid rules are rules, not comments */
	             "/etc/sudoers|#1001|ALL=(ALL) NOPASSWD: ALL\n"
	             "/etc/sudoers|#-5|ALL=(ALL) ALL\n"
	             /* "#not-a-uid comment" and "#include" without a path: none */
	             "/etc/sudoers|#includedir|/etc/sudoers.d\n"
	             /* sudoers.d in name order: 10-admins, README (comments), loop;
	              * bad.conf, backup~ and zz-dir/ are skipped */
	             "/etc/sudoers.d/10-admins|alice|ALL=(ALL) NOPASSWD: /usr/bin/apt\n"
	             "/etc/sudoers.d/10-admins|%wheel|ALL=(ALL) ALL\n"
	             /* loop includes /etc/sudoers, which is being read: not again */
	             "/etc/sudoers.d/loop|#include|/etc/sudoers\n"
	             /* and the directory again: 10-admins is read once more, loop
	              * itself is not */
	             "/etc/sudoers.d/loop|@includedir|/etc/sudoers.d\n"
	             "/etc/sudoers.d/10-admins|alice|ALL=(ALL) NOPASSWD: /usr/bin/apt\n"
	             "/etc/sudoers.d/10-admins|%wheel|ALL=(ALL) ALL\n"
	             "/etc/sudoers.d/loop|bob|ALL=(ALL) ALL\n"
	             /* a relative include: from the including file's directory */
	             "/etc/sudoers|@include|sudoers.local\n"
	             "/etc/sudoers.local|Defaults:bob|!requiretty\n"
	             "/etc/sudoers.local|@include|sudoers.local\n"
	             /* a backslash at the end of the file stays */
	             "/etc/sudoers.local|last_rule|ALL \\\n"
	             /* a missing file: the include row only */
	             "/etc/sudoers|#include|/etc/sudoers.missing\n");
	engine_free(eng);
}

static void write_file(const char *dir, const char *rel, const void *data, size_t len)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		fail_msg("cannot write %s", path);
}

static void run_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run_fmt(const char *fmt, ...)
{
	struct strbuf cmd = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	free(test_run(cmd.buf));
	strbuf_release(&cmd);
}

static void sudoers_deep_and_wide(void **state)
{
	char dir[] = "/tmp/spoor-sudo-XXXXXX";
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;

	(void)state;
	if (!mkdtemp(dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	run_fmt("mkdir -p %s/etc/d", dir);
	/* a chain of 200 files, each including the next: sudo's 128
	 * levels are read, the rest is not */
	write_file(dir, "etc/sudoers", "#include /etc/d/f1\n", 19);
	for (int i = 1; i <= 200; i++) {
		char rel[64];

		strbuf_reset(&sb);
		strbuf_addf(&sb, "u%d ALL=(ALL) ALL\n#include f%d\n", i, i + 1);
		snprintf(rel, sizeof(rel), "etc/d/f%d", i);
		write_file(dir, rel, sb.buf, sb.len);
	}
	eng = test_engine(dir);
	/* /etc/sudoers is level 1, f1 level 2 ... f127 level 128 */
	test_assert_query(eng, "SELECT count(*) FROM sudoers WHERE header LIKE 'u%'", "127\n");
	test_assert_query(eng,
	             "SELECT max(CAST(substr(header, 2) AS INTEGER)) FROM sudoers "
	             "WHERE header LIKE 'u%'",
	             "127\n");
	engine_free(eng);

	/* a file that includes itself twice per line, many lines: read once */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "root ALL=(ALL) ALL\n");
	for (int i = 0; i < 50; i++)
		strbuf_addstr(&sb, "#include /etc/sudoers\n");
	write_file(dir, "etc/sudoers", sb.buf, sb.len);
	eng = test_engine(dir);
	test_assert_query(eng, "SELECT header, count(*) FROM sudoers GROUP BY header ORDER BY header",
	             "#include|50\nroot|1\n");
	engine_free(eng);

	/* binary garbage does not break the parse of the lines after it */
	strbuf_reset(&sb);
	test_garbage(&sb, 65536, 5);
	strbuf_addstr(&sb, "\nmallory ALL=(ALL) NOPASSWD: ALL\n");
	write_file(dir, "etc/sudoers", sb.buf, sb.len);
	eng = test_engine(dir);
	test_assert_query(eng, "SELECT rule_details FROM sudoers WHERE header = 'mallory'",
	             "ALL=(ALL) NOPASSWD: ALL\n");
	engine_free(eng);

	run_fmt("rm -rf '%s'", dir);
	strbuf_release(&sb);
}

/* ------------------------------------------------------------------ */
/* last and logged_in_users: struct utmp records */

#define REC_SIZE 384

struct rec {
	int type;
	int32_t pid;
	const char *line, *user, *host;
	int32_t sec;
};

/* Copies up to size bytes of s (no NUL added when s fills the field). */
static void put_field(unsigned char *p, size_t size, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n < size ? n : size);
}

static void put32(unsigned char *p, int32_t v)
{
	uint32_t u = (uint32_t)v;

	p[0] = (unsigned char)u;
	p[1] = (unsigned char)(u >> 8);
	p[2] = (unsigned char)(u >> 16);
	p[3] = (unsigned char)(u >> 24);
}

static void add_record(struct strbuf *sb, const struct rec *r)
{
	unsigned char b[REC_SIZE];

	memset(b, 0, sizeof(b));
	b[0] = (unsigned char)r->type;
	b[1] = (unsigned char)((unsigned)r->type >> 8);
	put32(b + 4, r->pid);
	put_field(b + 8, 32, r->line);
	memcpy(b + 40, "id", 2);
	put_field(b + 44, 32, r->user);
	put_field(b + 76, 256, r->host);
	put32(b + 340, r->sec);
	put32(b + 344, 123456); /* tv_usec */
	strbuf_add(sb, b, sizeof(b));
}

#define USER32 "abcdefghijklmnopqrstuvwxyz012345"
#define LINE32 "pts/long-line-name-xxxxxxxxxxxxx"

static void build_records(struct strbuf *sb)
{
	static char host256[257];
	const struct rec recs[] = {
	    {2, 0, "~", "reboot", "6.1.0-test", 1700000000},
	    {7, 1234, "pts/0", "alice", "10.0.0.5", 1700000100},
	    {8, 1234, "pts/0", "", "", 1700000200},
	    {1, 53, "~", "runlevel", "6.1.0-test", 1700000001},
	    /* fields with no NUL; a negative time */
	    {7, 4242, LINE32, USER32, host256, -1},
	    {6, 600, "tty1", "LOGIN", "", 1700000300},
	    {5, 1, "", "", "", 1700000002},
	    {42, 7, "x", "odd", "", 1700000400},
	};

	memset(host256, 'h', 256);
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		add_record(sb, &recs[i]);
	/* a partial record at the end is not a record */
	strbuf_add(sb, "partial", 7);
	for (int i = 7; i < 100; i++)
		strbuf_addch(sb, 'p');
}

static const char *h256(void)
{
	static char s[257];

	memset(s, 'h', 256);
	return s;
}

static void utmp_tables(void **state)
{
	char dir[] = "/tmp/spoor-utmp-XXXXXX";
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	struct engine *eng;

	(void)state;
	if (!mkdtemp(dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	eng = test_engine(dir);
	/* no wtmp, no utmp: no rows */
	test_assert_query(eng, "SELECT count(*) FROM last", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM logged_in_users", "0\n");
	engine_free(eng);

	run_fmt("mkdir -p %s/var/log %s/run && ln -s ../run %s/var/run", dir, dir, dir);
	build_records(&sb);
	write_file(dir, "var/log/wtmp", sb.buf, sb.len);
	/* /var/run is a symlink to /run, as on Debian */
	write_file(dir, "run/utmp", sb.buf, sb.len);
	eng = test_engine(dir);
	strbuf_addf(&want,
	            "alice|pts/0|1234|7|user-process|1700000100|10.0.0.5\n"
	            "|pts/0|1234|8|dead-process|1700000200|\n"
	            /* each field ends at its size */
	            USER32 "|" LINE32 "|4242|7|user-process|-1|%s\n",
	            h256());
	test_assert_query(eng, "SELECT * FROM last", want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want,
	            "boot_time|reboot|~|6.1.0-test|1700000000|0\n"
	            "user|alice|pts/0|10.0.0.5|1700000100|1234\n"
	            "dead||pts/0||1700000200|1234\n"
	            "runlevel|runlevel|~|6.1.0-test|1700000001|53\n"
	            "user|" USER32 "|" LINE32 "|%s|-1|4242\n"
	            "login|LOGIN|tty1||1700000300|600\n"
	            /* pid 1 (init) is left out; type 42 is unknown */
	            "unknown|odd|x||1700000400|7\n",
	            h256());
	test_assert_query(eng, "SELECT * FROM logged_in_users", want.buf);
	engine_free(eng);

	/* many records: the stream crosses read chunks */
	strbuf_reset(&sb);
	for (int i = 0; i < 1000; i++) {
		char user[16];
		const struct rec r = {7, i + 1, "pts/9", user, "", 1700001000 + i};

		snprintf(user, sizeof(user), "u%d", i);
		add_record(&sb, &r);
	}
	write_file(dir, "var/log/wtmp", sb.buf, sb.len);
	eng = test_engine(dir);
	test_assert_query(eng, "SELECT count(*), min(pid), max(pid), max(time) FROM last",
	             "1000|1|1000|1700001999\n");
	test_assert_query(eng, "SELECT username FROM last WHERE pid = 677", "u676\n");
	engine_free(eng);

	/* a FIFO as utmp, and in sudoers.d, is not opened (it would block) */
	run_fmt("rm %s/run/utmp && mkfifo %s/run/utmp && mkdir -p %s/etc/sudoers.d", dir, dir, dir);
	run_fmt("mkfifo %s/etc/sudoers.d/fifo && printf '#includedir /etc/sudoers.d\\n' > "
	        "%s/etc/sudoers",
	        dir, dir);
	eng = test_engine(dir);
	test_assert_query(eng, "SELECT count(*) FROM logged_in_users", "0\n");
	test_assert_query(eng, "SELECT * FROM sudoers", "/etc/sudoers|#includedir|/etc/sudoers.d\n");
	engine_free(eng);

	/* a symlinked wtmp is read through the root (its target is
	 * absolute, inside the tree) */
	run_fmt("mv %s/var/log/wtmp %s/var/log/wtmp.real && ln -s /var/log/wtmp.real "
	        "%s/var/log/wtmp",
	        dir, dir, dir);
	eng = test_engine(dir);
	test_assert_query(eng, "SELECT count(*) FROM last", "1000\n");
	engine_free(eng);

	run_fmt("rm -rf '%s'", dir);
	strbuf_release(&want);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shadow_all),  cmocka_unit_test(shadow_by_name),
	    cmocka_unit_test(sudoers_all), cmocka_unit_test(sudoers_deep_and_wide),
	    cmocka_unit_test(utmp_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
