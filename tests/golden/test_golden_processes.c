/*
 * test_golden_processes.c - the processes table replayed on captured trees.
 *
 * tests/golden/roots/procs1 holds three processes captured from a real
 * host with scripts/capture-proc.sh (2 kthreadd; 3740 a python3 with four
 * threads, nice 2, a multi-line -c script; 13614 "sleep 1234" run as
 * nobody with nice 5) and hand-made edge cases:
 *   4001 a comm with spaces and ')', distinct real/effective/saved ids
 *   4002 an exe deleted from disk, a cgroup path holding ':'
 *   4003 a zombie with no status file and no links
 *   4004 a 200 KB cmdline
 *   4005 a cmdline and comm with bytes that are not UTF-8
 *   4006 garbage stat, 4007 truncated stat, 4008 stat without ')'
 *   4009 words where stat has numbers
 *   4010 a thread id (exit_signal -1), 4011 a file, sys/ a non-pid dir
 * Every expected value below was read by hand off those files (btime
 * 1795820929, CLK_TCK 100).
 *
 * Trees that cannot live in git (inode numbers, a cmdline past the 1 MiB
 * bound) are built at run time in a temporary directory. Projection
 * pushdown is proven with inotify on a private copy of procs1: the test
 * sees every file the table opens.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"
#include "testutil.h"
#include "xalloc.h"

#define ROOT "tests/golden/roots/procs1"

/* column, expected text (NULL = SQL NULL) */
struct expect {
	const char *col;
	const char *val;
};

static void assert_row(const struct test_rows *rows, size_t r, const struct expect *ex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = test_get(rows, r, ex[i].col);

		if (!ex[i].val && !got)
			continue;
		if (!ex[i].val || !got || strcmp(ex[i].val, got) != 0)
			fail_msg("row %zu column %s: expected %s%s%s, got %s%s%s", r, ex[i].col,
				 ex[i].val ? "'" : "", ex[i].val ? ex[i].val : "NULL",
				 ex[i].val ? "'" : "", got ? "'" : "", got ? got : "NULL",
				 got ? "'" : "");
	}
}

/* The one row of "... WHERE pid = N", checked column by column. */
static void check_pid(struct engine *eng, int pid, const struct expect *ex, size_t n)
{
	struct test_rows rows;
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT * FROM processes WHERE pid = %d", pid);
	test_query_ok(eng, sql, &rows);
	assert_int_equal(rows.nrows, 1);
	assert_row(&rows, 0, ex, n);
	test_rows_free(&rows);
}

static int setup(void **state)
{
	char *root = test_source_path(ROOT);

	*state = test_engine(root);
	free(root);
	return 0;
}

static int teardown(void **state)
{
	engine_free(*state);
	return 0;
}

/* ------------------------------------------------------------------ */
/* every column of captured and hand-made processes */

static void captured_sleep_every_column(void **state)
{
	/* stat: 13614 (sleep) S 1 13611 4439 0 -1 4194560 337 0 1 0 0 0 0 0 25 5 1 0
	 *       86786 2990080 418 ...; status: Uid/Gid 65534 x4, VmRSS 1780 kB;
	 * io: read_bytes 45056 write_bytes 4096 cancelled 0; cgroup's first
	 * line "9:name=systemd:/" */
	static const struct expect ex[] = {
		{ "pid", "13614" },
		{ "name", "sleep" },
		{ "path", "/usr/bin/sleep" },
		{ "cmdline", "sleep 1234" },
		{ "state", "S" },
		{ "cwd", "/tmp" },
		{ "root", "/" },
		{ "uid", "65534" },
		{ "gid", "65534" },
		{ "euid", "65534" },
		{ "egid", "65534" },
		{ "suid", "65534" },
		{ "sgid", "65534" },
		{ "on_disk", "1" },
		{ "wired_size", "0" },
		{ "resident_size", "1822720" },
		{ "total_size", "2990080" },
		{ "user_time", "0" },
		{ "system_time", "0" },
		{ "disk_bytes_read", "45056" },
		{ "disk_bytes_written", "4096" },
		{ "start_time", "1795821796" }, /* 1795820929 + 86786 / 100 */
		{ "parent", "1" },
		{ "pgroup", "13611" },
		{ "threads", "1" },
		{ "nice", "5" },
		{ "cgroup_path", "/" },
	};

	check_pid(*state, 13614, ex, ARRAY_SIZE(ex));
}

static void captured_python_every_column(void **state)
{
	/* stat: 3740 (python3) S 1 3737 4439 0 -1 4194304 1193 0 2 0 22 1 0 0 22 2 4
	 *       0 175765 240943104 2264 ...; status: Uid/Gid 0 x4, VmRSS 9192 kB;
	 * io: read_bytes 8445952 write_bytes 86016 cancelled 0; a cmdline
	 * with newlines inside an argument, kept, and a trailing NUL, dropped */
	static const struct expect ex[] = {
		{ "pid", "3740" },
		{ "name", "python3" },
		{ "path", "/usr/bin/python3.11" },
		{ "cmdline", "/usr/bin/python3 -c \nimport threading,time,os\n"
			     "[threading.Thread(target=time.sleep,args=(1000,),daemon=True)"
			     ".start() for _ in range(3)]\n"
			     "open('/dev/null','w').write('x'*100000)\ns=0\n"
			     "for i in range(3000000): s+=i\ntime.sleep(1000)" },
		{ "state", "S" },
		{ "cwd", "/var/tmp" },
		{ "root", "/" },
		{ "uid", "0" },
		{ "gid", "0" },
		{ "euid", "0" },
		{ "egid", "0" },
		{ "suid", "0" },
		{ "sgid", "0" },
		{ "on_disk", "1" },
		{ "wired_size", "0" },
		{ "resident_size", "9412608" }, /* 9192 kB */
		{ "total_size", "240943104" },
		{ "user_time", "220" },	 /* 22 ticks */
		{ "system_time", "10" },	 /* 1 tick */
		{ "disk_bytes_read", "8445952" },
		{ "disk_bytes_written", "86016" },
		{ "start_time", "1795822686" }, /* 1795820929 + 175765 / 100 */
		{ "parent", "1" },
		{ "pgroup", "3737" },
		{ "threads", "4" },
		{ "nice", "2" },
		{ "cgroup_path", "/" },
	};

	check_pid(*state, 3740, ex, ARRAY_SIZE(ex));
}

static void kernel_thread(void **state)
{
	/* kthreadd: flags 2129984 (PF_KTHREAD), no exe link, empty cmdline,
	 * vsize 0 and no VmRSS: line */
	static const struct expect ex[] = {
		{ "pid", "2" },
		{ "name", "kthreadd" },
		{ "path", "" },
		{ "cmdline", "" },
		{ "state", "S" },
		{ "cwd", "/" },
		{ "root", "/" },
		{ "uid", "0" },
		{ "gid", "0" },
		{ "on_disk", "-1" },
		{ "wired_size", "0" },
		{ "resident_size", NULL },
		{ "total_size", NULL },
		{ "user_time", "0" },
		{ "system_time", "0" },
		{ "disk_bytes_read", "0" },
		{ "disk_bytes_written", "0" },
		{ "start_time", "1795820929" },
		{ "parent", "0" },
		{ "pgroup", "0" },
		{ "threads", "1" },
		{ "nice", "0" },
		{ "cgroup_path", "/" },
	};

	check_pid(*state, 2, ex, ARRAY_SIZE(ex));
}

static void comm_with_parentheses_every_column(void **state)
{
	/* stat: 4001 (odd) (name x) R 1 3999 3999 0 -1 4194560 100 0 0 0 250 125
	 *       0 0 15 -5 3 0 123456 10485760 600 ...
	 * status: Uid 1000 1001 1002 1003, Gid 100 101 102 103, VmRSS 2400 kB
	 * io: read_bytes 8192 write_bytes 12288 cancelled_write_bytes 4096 */
	static const struct expect ex[] = {
		{ "pid", "4001" },
		{ "name", "odd) (name x" },
		{ "path", "/opt/odd/bin/odd" },
		{ "cmdline", "odd --flag value with space" },
		{ "state", "R" },
		{ "cwd", "/home/alice" },
		{ "root", "/" },
		{ "uid", "1000" },
		{ "gid", "100" },
		{ "euid", "1001" },
		{ "egid", "101" },
		{ "suid", "1002" },
		{ "sgid", "102" },
		{ "on_disk", "1" },
		{ "wired_size", "0" },
		{ "resident_size", "2457600" },
		{ "total_size", "10485760" },
		{ "user_time", "2500" },
		{ "system_time", "1250" },
		{ "disk_bytes_read", "8192" },
		{ "disk_bytes_written", "8192" },
		{ "start_time", "1795822163" }, /* 1795820929 + 123456 / 100 */
		{ "parent", "1" },
		{ "pgroup", "3999" },
		{ "threads", "3" },
		{ "nice", "-5" },
		{ "cgroup_path", "/user.slice/user-1000.slice/session-3.scope" },
	};

	check_pid(*state, 4001, ex, ARRAY_SIZE(ex));
}

static void deleted_exe(void **state)
{
	/* exe -> "/usr/local/bin/miner (deleted)", and no file by that name */
	static const struct expect ex[] = {
		{ "path", "/usr/local/bin/miner" },
		{ "on_disk", "0" },
		{ "cmdline", "./miner -o pool.example:3333" },
		{ "cwd", "/tmp/.x" },
		{ "user_time", "999990" },
		{ "system_time", "10" },
		{ "start_time", "1795825929" },
		{ "resident_size", "409600" },
		{ "total_size", "2000000" },
		{ "parent", "4001" },
		{ "disk_bytes_read", "0" },
		{ "disk_bytes_written", "0" },
		{ "cgroup_path", "/system.slice/a:b.service" },
	};
	struct test_rows rows;

	check_pid(*state, 4002, ex, ARRAY_SIZE(ex));
	/* the suffix goes whether or not on_disk is selected */
	test_query_ok(*state, "SELECT path FROM processes WHERE pid = 4002", &rows);
	assert_int_equal(rows.nrows, 1);
	assert_string_equal(test_get(&rows, 0, "path"), "/usr/local/bin/miner");
	test_rows_free(&rows);
}

static void zombie_without_status(void **state)
{
	static const struct expect ex[] = {
		{ "pid", "4003" },
		{ "name", "defunct" },
		{ "state", "Z" },
		{ "path", "" },
		{ "cmdline", "" },
		{ "cwd", "" },
		{ "root", "" },
		{ "on_disk", "-1" },
		{ "uid", NULL },
		{ "gid", NULL },
		{ "euid", NULL },
		{ "egid", NULL },
		{ "suid", NULL },
		{ "sgid", NULL },
		{ "resident_size", NULL },
		{ "total_size", NULL },
		{ "disk_bytes_read", NULL },
		{ "disk_bytes_written", NULL },
		{ "cgroup_path", "" },
		{ "parent", "4001" },
		{ "pgroup", "4001" },
		{ "start_time", "1795820949" },
		{ "wired_size", "0" },
	};

	check_pid(*state, 4003, ex, ARRAY_SIZE(ex));
}

static void words_where_numbers_belong(void **state)
{
	/* ppid "x", utime "utime", nice "nice", starttime "late", vsize "big" */
	static const struct expect ex[] = {
		{ "name", "letters" },
		{ "parent", NULL },
		{ "user_time", NULL },
		{ "system_time", "0" },
		{ "nice", NULL },
		{ "start_time", "-1" },
		{ "total_size", NULL },
		{ "pgroup", "4009" },
	};

	check_pid(*state, 4009, ex, ARRAY_SIZE(ex));
}

static void huge_cmdline(void **state)
{
	struct strbuf want = STRBUF_INIT;
	struct test_rows rows;
	const char *got;

	/* "python3\0-c\0" + 20000 x "0123456789" + "\0" */
	strbuf_addstr(&want, "python3 -c ");
	for (int i = 0; i < 20000; i++)
		strbuf_addstr(&want, "0123456789");
	test_query_ok(*state,
		      "SELECT cmdline, length(cmdline) AS n, cgroup_path FROM processes "
		      "WHERE pid = 4004",
		      &rows);
	assert_int_equal(rows.nrows, 1);
	got = test_get(&rows, 0, "cmdline");
	assert_string_equal(test_get(&rows, 0, "n"), "200011");
	assert_int_equal(strlen(got), want.len);
	assert_memory_equal(got, want.buf, want.len);
	/* "12:pids:/\n0::/": the first line, as osquery */
	assert_string_equal(test_get(&rows, 0, "cgroup_path"), "/");
	test_rows_free(&rows);
	strbuf_release(&want);
}

static void binary_cmdline(void **state)
{
	struct test_rows rows;

	/* cmdline file: " bin\0\xff\xfe\x01\x80tail\0\n\0": NULs to spaces,
	 * then the surrounding " " and " \n " trimmed; bytes kept as they are */
	test_query_ok(*state,
		      "SELECT cmdline, hex(cmdline) AS h, name, hex(name) AS hn, cgroup_path "
		      "FROM processes WHERE pid = 4005",
		      &rows);
	assert_int_equal(rows.nrows, 1);
	assert_string_equal(test_get(&rows, 0, "h"), "62696E20FFFE01807461696C");
	assert_string_equal(test_get(&rows, 0, "cmdline"), "bin \xff\xfe\x01\x80tail");
	assert_string_equal(test_get(&rows, 0, "hn"), "62696EFF");
	/* first line "no colon here": no path */
	assert_string_equal(test_get(&rows, 0, "cgroup_path"), "");
	test_rows_free(&rows);
}

/* ------------------------------------------------------------------ */
/* which entries are rows */

static char *pid_list(const struct test_rows *rows)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < rows->nrows; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", test_get(rows, i, "pid"));
	return strbuf_detach(&sb, NULL);
}

static void rows_of(struct engine *eng, const char *sql, const char *want)
{
	struct test_rows rows;
	char *got;

	test_query_ok(eng, sql, &rows);
	got = pid_list(&rows);
	if (strcmp(got, want) != 0)
		fail_msg("%s\n  expected pids %s\n  got      %s", sql, want, got);
	free(got);
	test_rows_free(&rows);
}

static void bad_stat_gives_no_row(void **state)
{
	/* garbage (4006), truncated (4007), no ')' (4008) and the thread
	 * (4010) have no row once stat is read; the file 4011 and sys/ never */
	rows_of(*state, "SELECT pid, name FROM processes ORDER BY pid",
		"2,3740,4001,4002,4003,4004,4005,4009,13614");
	rows_of(*state, "SELECT * FROM processes ORDER BY pid",
		"2,3740,4001,4002,4003,4004,4005,4009,13614");
	/* pid alone is the listing: every numeric directory */
	rows_of(*state, "SELECT pid FROM processes ORDER BY pid",
		"2,3740,4001,4002,4003,4004,4005,4006,4007,4008,4009,4010,13614");
}

static void pid_constraints(void **state)
{
	struct engine *eng = *state;

	rows_of(eng, "SELECT pid, name FROM processes WHERE pid = 4001", "4001");
	rows_of(eng, "SELECT pid FROM processes WHERE pid = 4001", "4001");
	rows_of(eng, "SELECT pid FROM processes WHERE pid IN (4001, 2, 99999) ORDER BY pid",
		"2,4001");
	rows_of(eng, "SELECT pid FROM processes WHERE pid IN (4001, 4001, '4001')", "4001");
	rows_of(eng, "SELECT pid, cmdline FROM processes WHERE pid = '13614'", "13614");
	/* no such process, not a process, not a pid: no row, no error */
	rows_of(eng, "SELECT * FROM processes WHERE pid = 99999", "");
	rows_of(eng, "SELECT * FROM processes WHERE pid = 4006", "");
	rows_of(eng, "SELECT pid FROM processes WHERE pid = 4010", "");
	rows_of(eng, "SELECT pid FROM processes WHERE pid = 4011", "");
	rows_of(eng, "SELECT pid FROM processes WHERE pid IN (0, -1, 'abc', 1.5, NULL)", "");
	/* a join drives the lookup */
	rows_of(eng,
		"SELECT p.pid FROM processes c JOIN processes p ON p.pid = c.parent "
		"WHERE c.pid = 4002",
		"4001");
}

static void projection_values(void **state)
{
	struct test_rows rows;

	test_query_ok(*state, "SELECT pid, name FROM processes WHERE pid = 4001", &rows);
	assert_int_equal(rows.ncols, 2);
	assert_string_equal(test_get(&rows, 0, "name"), "odd) (name x");
	test_rows_free(&rows);
	test_query_ok(*state, "SELECT uid, euid, on_disk FROM processes WHERE pid = 4001", &rows);
	assert_string_equal(test_get(&rows, 0, "uid"), "1000");
	assert_string_equal(test_get(&rows, 0, "euid"), "1001");
	assert_string_equal(test_get(&rows, 0, "on_disk"), "1");
	test_rows_free(&rows);
}

/* ------------------------------------------------------------------ */
/* trees built at run time */

static char *make_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/spoor-procs-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(sb.buf))
		fail_msg("mkdtemp: %s", strerror(errno));
	return strbuf_detach(&sb, NULL);
}

static void remove_tree(const char *dir)
{
	struct strbuf cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "rm -rf '%s'", dir);
	free(test_run(cmd.buf));
	strbuf_release(&cmd);
}

static int setup_tmp(void **state)
{
	*state = make_tmpdir();
	return 0;
}

/* also after a failed assertion: the tree does not outlive the test */
static int teardown_tmp(void **state)
{
	remove_tree(*state);
	free(*state);
	return 0;
}

static void write_file(const char *dir, const char *rel, const void *data, size_t len)
{
	struct strbuf path = STRBUF_INIT;
	FILE *fp;

	strbuf_addf(&path, "%s/%s", dir, rel);
	fp = fopen(path.buf, "wb");
	if (!fp)
		fail_msg("fopen %s: %s", path.buf, strerror(errno));
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	strbuf_release(&path);
}

static void make_dir(const char *dir, const char *rel)
{
	struct strbuf path = STRBUF_INIT;

	strbuf_addf(&path, "%s/%s", dir, rel);
	if (mkdir(path.buf, 0755) < 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", path.buf, strerror(errno));
	strbuf_release(&path);
}

static void make_link(const char *dir, const char *rel, const char *target)
{
	struct strbuf path = STRBUF_INIT;

	strbuf_addf(&path, "%s/%s", dir, rel);
	if (symlink(target, path.buf) < 0)
		fail_msg("symlink %s: %s", path.buf, strerror(errno));
	strbuf_release(&path);
}

static const char stat_tail[] = "S 1 7 7 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 100 4096000 1 "
				"18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 "
				"0 0 0 0 0 0 0\n";

static void make_proc(const char *dir, int pid, const char *comm)
{
	char rel[64];
	struct strbuf st = STRBUF_INIT;

	snprintf(rel, sizeof(rel), "proc/%d", pid);
	make_dir(dir, rel);
	snprintf(rel, sizeof(rel), "proc/%d/stat", pid);
	strbuf_addf(&st, "%d (%s) %s", pid, comm, stat_tail);
	write_file(dir, rel, st.buf, st.len);
	strbuf_release(&st);
}

static void deleted_exe_that_exists(void **state)
{
	char *dir = *state;
	struct strbuf maps = STRBUF_INIT, path = STRBUF_INIT;
	struct engine *eng;
	struct test_rows rows;
	struct stat st;

	make_dir(dir, "proc");
	make_dir(dir, "bin");
	/* a file really named "x (deleted)" */
	write_file(dir, "bin/x (deleted)", "", 0);
	strbuf_addf(&path, "%s/bin/x (deleted)", dir);
	assert_int_equal(stat(path.buf, &st), 0);
	/* 7: maps shows that very inode for the path: it is the binary */
	make_proc(dir, 7, "x");
	make_link(dir, "proc/7/exe", "/bin/x (deleted)");
	strbuf_addf(&maps,
		    "55d0c0000000-55d0c0001000 r--p 00000000 fd:01 %llu    /bin/x (deleted)\n"
		    "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0      [stack]\n",
		    (unsigned long long)st.st_ino);
	write_file(dir, "proc/7/maps", maps.buf, maps.len);
	/* 8: maps shows another inode: the binary is gone */
	make_proc(dir, 8, "x");
	make_link(dir, "proc/8/exe", "/bin/x (deleted)");
	strbuf_reset(&maps);
	strbuf_addf(&maps, "55d0c0000000-55d0c0001000 r--p 00000000 fd:01 %llu /bin/x (deleted)\n",
		    (unsigned long long)st.st_ino + 1);
	write_file(dir, "proc/8/maps", maps.buf, maps.len);
	/* 9: no maps: cannot tell */
	make_proc(dir, 9, "x");
	make_link(dir, "proc/9/exe", "/bin/x (deleted)");

	eng = test_engine(dir);
	test_query_ok(eng, "SELECT pid, path, on_disk FROM processes ORDER BY pid", &rows);
	assert_int_equal(rows.nrows, 3);
	assert_string_equal(test_get(&rows, 0, "path"), "/bin/x (deleted)");
	assert_string_equal(test_get(&rows, 0, "on_disk"), "1");
	assert_string_equal(test_get(&rows, 1, "path"), "/bin/x");
	assert_string_equal(test_get(&rows, 1, "on_disk"), "0");
	assert_string_equal(test_get(&rows, 2, "path"), "/bin/x (deleted)");
	assert_string_equal(test_get(&rows, 2, "on_disk"), "-1");
	test_rows_free(&rows);
	engine_free(eng);
	strbuf_release(&maps);
	strbuf_release(&path);
}

static void cmdline_past_the_bound(void **state)
{
	/* 1.5 MiB of 'a': the first PROC_CMDLINE_MAX (1 MiB) bytes are kept */
	size_t big = (size_t)3 << 19, bound = (size_t)1 << 20;
	char *dir = *state;
	char *data = xmalloc(big);
	struct engine *eng;
	struct test_rows rows;
	const char *got;

	memset(data, 'a', big);
	make_dir(dir, "proc");
	make_proc(dir, 7, "big");
	write_file(dir, "proc/7/cmdline", data, big);
	eng = test_engine(dir);
	test_query_ok(eng, "SELECT cmdline FROM processes WHERE pid = 7", &rows);
	assert_int_equal(rows.nrows, 1);
	got = test_get(&rows, 0, "cmdline");
	assert_int_equal(strlen(got), bound);
	assert_memory_equal(got, data, bound);
	test_rows_free(&rows);
	engine_free(eng);
	free(data);
}

static void tree_without_proc_or_btime(void **state)
{
	char *dir = *state;
	struct engine *eng;
	struct test_rows rows;

	/* no /proc at all: no rows, no error */
	eng = test_engine(dir);
	test_query_ok(eng, "SELECT * FROM processes", &rows);
	assert_int_equal(rows.nrows, 0);
	test_rows_free(&rows);
	test_query_ok(eng, "SELECT * FROM processes WHERE pid = 1", &rows);
	assert_int_equal(rows.nrows, 0);
	test_rows_free(&rows);
	/* a process but no /proc/stat: start_time is unknown */
	make_dir(dir, "proc");
	make_proc(dir, 7, "nobtime");
	test_query_ok(eng, "SELECT pid, start_time, cwd, uid FROM processes", &rows);
	assert_int_equal(rows.nrows, 1);
	assert_string_equal(test_get(&rows, 0, "start_time"), "-1");
	assert_string_equal(test_get(&rows, 0, "cwd"), "");
	assert_null(test_get(&rows, 0, "uid"));
	test_rows_free(&rows);
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* projection pushdown, seen through inotify */

#define MAX_WATCHED 32

struct watched {
	int fd;
	int proc_wd;
	size_t n;
	int wd[MAX_WATCHED];
	char name[MAX_WATCHED][NAME_MAX + 1];
};

/* What one query did to the tree. */
struct seen_opens {
	bool listed;	   /* getdents on proc/ */
	int dir_opens;	   /* proc/<pid> directories opened */
	/* per watched pid dir: "stat status stat " ... file opens in order */
	struct strbuf files[MAX_WATCHED];
};

static void watch_tree(struct watched *w, const char *root)
{
	struct strbuf path = STRBUF_INIT;
	struct dirent *de;
	DIR *d;

	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	assert_true(w->fd >= 0);
	strbuf_addf(&path, "%s/proc", root);
	w->proc_wd = inotify_add_watch(w->fd, path.buf, IN_OPEN | IN_ACCESS);
	assert_true(w->proc_wd >= 0);
	d = opendir(path.buf);
	assert_non_null(d);
	while ((de = readdir(d))) {
		struct stat st;
		size_t base = path.len;

		if (de->d_name[0] == '.')
			continue;
		strbuf_addf(&path, "/%s", de->d_name);
		if (stat(path.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			assert_true(w->n < MAX_WATCHED);
			w->wd[w->n] = inotify_add_watch(w->fd, path.buf, IN_OPEN | IN_ACCESS);
			assert_true(w->wd[w->n] >= 0);
			snprintf(w->name[w->n], sizeof(w->name[0]), "%s", de->d_name);
			w->n++;
		}
		strbuf_setlen(&path, base);
	}
	closedir(d);
	strbuf_release(&path);
}

static void drain(struct watched *w, struct seen_opens *so)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	while ((len = read(w->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			p += sizeof(*e) + e->len;
			if (!so)
				continue;
			assert_false(e->mask & IN_Q_OVERFLOW);
			if (e->wd == w->proc_wd) {
				if ((e->mask & IN_ACCESS) && !e->len)
					so->listed = true;
				if ((e->mask & IN_OPEN) && e->len)
					so->dir_opens++;
				continue;
			}
			/* a file opened inside a pid directory */
			if (!(e->mask & IN_OPEN) || (e->mask & IN_ISDIR) || !e->len)
				continue;
			for (size_t i = 0; i < w->n; i++)
				if (w->wd[i] == e->wd)
					strbuf_addf(&so->files[i], "%s ", e->name);
		}
	}
}

static size_t count_word(const char *list, const char *word)
{
	size_t n = 0, wl = strlen(word);

	for (const char *p = list; *p;) {
		const char *sp = strchr(p, ' ');
		size_t l = sp ? (size_t)(sp - p) : strlen(p);

		if (l == wl && memcmp(p, word, l) == 0)
			n++;
		p += l + (sp ? 1 : 0);
	}
	return n;
}

struct open_case {
	const char *sql;
	bool listing;
	/* opened exactly once in every pid dir that holds it (NULL: none) */
	const char *once;
	/* may also be opened (stat, to tell an exited process from a
	 * missing file); anything else is a pushdown failure */
	const char *allowed;
	/* when set, the only pid dirs touched */
	const char *only;
};

static void pushdown_opens_only_needed_files(void **state)
{
	static const struct open_case cases[] = {
		{ "SELECT pid FROM processes", true, NULL, "", NULL },
		{ "SELECT count(*) FROM processes", true, NULL, "", NULL },
		{ "SELECT pid, name FROM processes", true, "stat", "", NULL },
		{ "SELECT pid, parent, threads, start_time FROM processes", true, "stat", "",
		  NULL },
		{ "SELECT pid, uid, euid FROM processes", true, "status", "stat", NULL },
		{ "SELECT pid, resident_size FROM processes", true, "status", "stat", NULL },
		{ "SELECT pid, cmdline FROM processes", true, "cmdline", "stat", NULL },
		{ "SELECT pid, cgroup_path FROM processes", true, "cgroup", "stat", NULL },
		{ "SELECT pid, disk_bytes_read FROM processes", true, "io", "stat", NULL },
		{ "SELECT pid, path, cwd, root FROM processes", true, NULL, "stat", NULL },
		{ "SELECT pid FROM processes WHERE pid = 4001", false, "stat", "", "4001" },
		{ "SELECT pid, name FROM processes WHERE pid IN (4001, 2, 99999)", false, "stat",
		  "", "4001 2" },
		{ "SELECT * FROM processes WHERE pid IN (13614, 99999)", false, NULL,
		  "stat status cmdline io cgroup", "13614" },
	};
	char *src = test_source_path(ROOT);
	char *dir = *state;
	struct strbuf cmd = STRBUF_INIT;
	struct watched w = { 0 };
	struct engine *eng;

	/* a private copy: nothing else reads it while we watch */
	strbuf_addf(&cmd, "cp -a '%s/.' '%s/'", src, dir);
	free(test_run(cmd.buf));
	eng = test_engine(dir);
	watch_tree(&w, dir);
	assert_true(w.n >= 10);

	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		const struct open_case *k = &cases[c];
		struct seen_opens so = { 0 };
		struct test_rows rows;

		for (size_t i = 0; i < w.n; i++)
			strbuf_init(&so.files[i], 0);
		drain(&w, NULL);
		test_query_ok(eng, k->sql, &rows);
		test_rows_free(&rows);
		drain(&w, &so);

		if (so.listed != k->listing)
			fail_msg("%s: /proc listing %s", k->sql, so.listed ? "read" : "not read");
		if (!k->once && !*k->allowed && so.dir_opens)
			fail_msg("%s: %d pid directories opened", k->sql, so.dir_opens);
		for (size_t i = 0; i < w.n; i++) {
			const char *files = so.files[i].buf;
			struct strbuf path = STRBUF_INIT;
			bool touched = *files != '\0';

			if (k->only && touched && !count_word(k->only, w.name[i]))
				fail_msg("%s: touched proc/%s: %s", k->sql, w.name[i], files);
			/* every opened file must be expected */
			for (const char *p = files; *p;) {
				const char *sp = strchr(p, ' ');
				char f[32];

				snprintf(f, sizeof(f), "%.*s", (int)(sp - p), p);
				if (!(k->once && strcmp(f, k->once) == 0) &&
				    !count_word(k->allowed, f))
					fail_msg("%s: opened proc/%s/%s", k->sql, w.name[i], f);
				p = sp + 1;
			}
			/* ... and the needed one opened exactly once */
			strbuf_addf(&path, "%s/proc/%s/%s", dir, w.name[i], k->once ? k->once : "");
			if (k->once && (!k->only || count_word(k->only, w.name[i])) &&
			    access(path.buf, F_OK) == 0 && count_word(files, k->once) != 1)
				fail_msg("%s: proc/%s/%s opened %zu times", k->sql, w.name[i],
					 k->once, count_word(files, k->once));
			strbuf_release(&path);
		}
		for (size_t i = 0; i < w.n; i++)
			strbuf_release(&so.files[i]);
	}

	close(w.fd);
	engine_free(eng);
	free(src);
	strbuf_release(&cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(captured_sleep_every_column, setup, teardown),
		cmocka_unit_test_setup_teardown(captured_python_every_column, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(comm_with_parentheses_every_column, setup,
						teardown),
		cmocka_unit_test_setup_teardown(deleted_exe, setup, teardown),
		cmocka_unit_test_setup_teardown(zombie_without_status, setup, teardown),
		cmocka_unit_test_setup_teardown(words_where_numbers_belong, setup, teardown),
		cmocka_unit_test_setup_teardown(huge_cmdline, setup, teardown),
		cmocka_unit_test_setup_teardown(binary_cmdline, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_stat_gives_no_row, setup, teardown),
		cmocka_unit_test_setup_teardown(pid_constraints, setup, teardown),
		cmocka_unit_test_setup_teardown(projection_values, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_exe_that_exists, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(cmdline_past_the_bound, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(tree_without_proc_or_btime, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(pushdown_opens_only_needed_files, setup_tmp,
						teardown_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
