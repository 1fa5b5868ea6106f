/*
 * test_live_process_details.c - process_envs, process_memory_map and
 * process_namespaces on the live host, against processes this test
 * makes and tools that read the same kernel state independently:
 *   - a child started with execve and an environment the test chose
 *     (empty values, '=' in values, an entry without '=', UTF-8, an
 *     empty entry after which nothing is listed) has exactly those rows;
 *     the test's own USER, HOME, LANG and PATH rows equal getenv()
 *     (osquery's own test of the table);
 *   - a file this test maps (shared, read-only, at an offset) and a
 *     deleted file with blanks in its name mapped privately have exactly
 *     the rows their addresses, device and inode give; every mapping of
 *     a child sleep agrees with pmap -X (procps);
 *   - the namespaces of this process and of a child agree with
 *     lsns -p (util-linux); a child in new UTS and IPC namespaces (when
 *     unshare is permitted) has those, and the others of its parent;
 *   - pid IN (...) gives the named processes only.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

/* attempts at catching a child's memory map that holds still */
#define MAP_TRIES 5

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected\n%s--- spoor\n%s", what, expected, got);
}

/* ------------------------------------------------------------------ */
/* children */

/*
 * Starts /bin/sleep with the given environment. The child reports on a
 * pipe once execve has happened (the pipe is close-on-exec, so EOF
 * means the new image runs). Returns the pid.
 */
static pid_t spawn_sleep(const char *const *env)
{
	char arg0[] = "sleep", arg1[] = "300";
	char *const argv[] = { arg0, arg1, NULL };
	char **envp;
	size_t n = 0;
	int fds[2];
	pid_t pid;
	char c;

	while (env[n])
		n++;
	envp = calloc(n + 1, sizeof(*envp));
	for (size_t i = 0; i < n; i++)
		envp[i] = strdup(env[i]);
	if (pipe2(fds, O_CLOEXEC) < 0)
		fail_msg("pipe2: %s", strerror(errno));
	pid = test_fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		execve("/bin/sleep", argv, envp);
		_exit(127);
	}
	for (size_t i = 0; i < n; i++)
		free(envp[i]);
	free(envp);
	close(fds[1]);
	/* EOF: execve closed the write end */
	if (read(fds[0], &c, 1) != 0)
		fail_msg("child did not exec");
	close(fds[0]);
	return pid;
}

static void stop_child(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* Waits until the child sleeps in the new image, so its memory map no
 * longer changes (the dynamic loader has finished). */
static void wait_sleeping(pid_t pid)
{
	for (int i = 0; i < 500; i++) {
		char path[64], buf[512];
		FILE *fp;
		char *close_paren;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		fp = fopen(path, "r");
		if (!fp)
			break;
		buf[0] = '\0';
		if (!fgets(buf, sizeof(buf), fp))
			buf[0] = '\0';
		fclose(fp);
		close_paren = strrchr(buf, ')');
		if (close_paren && close_paren[1] == ' ' && close_paren[2] == 'S' &&
		    strstr(buf, "(sleep)"))
			return;
		usleep(10000);
	}
}

/* ------------------------------------------------------------------ */
/* process_envs */

static void envs_of_a_known_child(void **state)
{
	static const char *const envp[] = {
		"SPOOR_A=1",   "SPOOR_EMPTY=", "SPOOR_EQ=a=b=c", "SPOOR_NOEQ",
		"=leading",    "SPOOR_UTF8=h\303\251llo w\303\266rld",
		"SPOOR_TAB=\tx\t",
		/* an empty entry: osquery lists nothing after it */
		"",	       "SPOOR_AFTER=hidden", NULL,
	};
	struct engine *eng = test_engine(NULL);
	struct strbuf sql = STRBUF_INIT, expected = STRBUF_INIT;
	pid_t pid = spawn_sleep(envp);
	char *got, *tr;

	(void)state;
	strbuf_addf(&sql, "SELECT pid, key, value FROM process_envs WHERE pid = %d", (int)pid);
	got = test_query_text(eng, sql.buf);
	strbuf_addf(&expected,
		    "%1$d|SPOOR_A|1\n"
		    "%1$d|SPOOR_EMPTY|\n"
		    "%1$d|SPOOR_EQ|a=b=c\n"
		    "%1$d|SPOOR_NOEQ|SPOOR_NOEQ\n"
		    "%1$d||leading\n"
		    "%1$d|SPOOR_UTF8|h\303\251llo w\303\266rld\n"
		    "%1$d|SPOOR_TAB|\tx\t\n",
		    (int)pid);
	assert_same("process_envs of the child", expected.buf, got);
	free(got);

	/* the raw file, read by tr, holds the entry after the empty one:
	 * the rows above stop on purpose */
	strbuf_reset(&sql);
	strbuf_addf(&sql, "tr '\\0' '\\n' < /proc/%d/environ", (int)pid);
	tr = test_run(sql.buf);
	assert_non_null(strstr(tr, "\n\nSPOOR_AFTER=hidden\n"));
	free(tr);

	stop_child(pid);
	strbuf_release(&sql);
	strbuf_release(&expected);
	engine_free(eng);
}

/* osquery's test: the test's own USER, HOME, LANG, PATH rows. */
static void envs_of_self(void **state)
{
	static const char *const vars[] = { "USER", "HOME", "LANG", "PATH" };
	struct engine *eng = test_engine(NULL);
	size_t checked = 0;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		const char *want = getenv(vars[i]);
		struct strbuf sql = STRBUF_INIT, expected = STRBUF_INIT;
		char *got;

		if (!want)
			continue;
		strbuf_addf(&sql, "SELECT pid, key, value FROM process_envs WHERE pid = %d "
				  "AND key = '%s'",
			    (int)getpid(), vars[i]);
		strbuf_addf(&expected, "%d|%s|%s\n", (int)getpid(), vars[i], want);
		got = test_query_text(eng, sql.buf);
		assert_same(sql.buf, expected.buf, got);
		free(got);
		strbuf_release(&sql);
		strbuf_release(&expected);
		checked++;
	}
	assert_true(checked > 0);
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* process_memory_map */

static void make_file(const char *path, size_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	close(fd);
}

static void *map_file(const char *path, size_t len, int prot, int flags, off_t offset,
		      struct stat *ret_st)
{
	int fd = open(path, prot & PROT_WRITE ? O_RDWR : O_RDONLY);
	void *p;

	if (fd < 0 || fstat(fd, ret_st) < 0)
		fail_msg("open %s: %s", path, strerror(errno));
	p = mmap(NULL, len, prot, flags, fd, offset);
	if (p == MAP_FAILED)
		fail_msg("mmap %s: %s", path, strerror(errno));
	close(fd);
	return p;
}

static void memory_map_of_known_mappings(void **state)
{
	struct engine *eng = test_engine(NULL);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char shared_path[] = "/tmp/spoor-map-XXXXXX";
	char spaced_path[128];
	struct strbuf sql = STRBUF_INIT, expected = STRBUF_INIT;
	struct stat st1, st2;
	char *got, *p1, *p2;
	int fd;

	(void)state;
	fd = mkstemp(shared_path);
	if (fd < 0)
		fail_msg("mkstemp: %s", strerror(errno));
	close(fd);
	make_file(shared_path, 3 * page);
	snprintf(spaced_path, sizeof(spaced_path), "/tmp/spoor map  %d", (int)getpid());
	make_file(spaced_path, page);

	/* pages 1 and 2 of the file, shared and read-only */
	p1 = map_file(shared_path, 2 * page, PROT_READ, MAP_SHARED, (off_t)page, &st1);
	/* private and writable, then the file is removed */
	p2 = map_file(spaced_path, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, &st2);
	unlink(spaced_path);

	strbuf_addf(&sql,
		    "SELECT pid, start, end, permissions, offset, device, inode, path, pseudo "
		    "FROM process_memory_map WHERE pid = %d AND path IN ('%s', '%s (deleted)')",
		    (int)getpid(), shared_path, spaced_path);
	/* the kernel prints addresses as %08lx */
	if ((uintptr_t)p1 < (uintptr_t)p2)
		strbuf_addf(&expected,
			    "%d|0x%08lx|0x%08lx|r--s|%zu|%02x:%02x|%llu|%s|0\n"
			    "%d|0x%08lx|0x%08lx|rw-p|0|%02x:%02x|%llu|%s (deleted)|0\n",
			    (int)getpid(), (unsigned long)p1, (unsigned long)(p1 + 2 * page), page,
			    major(st1.st_dev), minor(st1.st_dev), (unsigned long long)st1.st_ino,
			    shared_path, (int)getpid(), (unsigned long)p2,
			    (unsigned long)(p2 + page), major(st2.st_dev), minor(st2.st_dev),
			    (unsigned long long)st2.st_ino, spaced_path);
	else
		strbuf_addf(&expected,
			    "%d|0x%08lx|0x%08lx|rw-p|0|%02x:%02x|%llu|%s (deleted)|0\n"
			    "%d|0x%08lx|0x%08lx|r--s|%zu|%02x:%02x|%llu|%s|0\n",
			    (int)getpid(), (unsigned long)p2, (unsigned long)(p2 + page),
			    major(st2.st_dev), minor(st2.st_dev), (unsigned long long)st2.st_ino,
			    spaced_path, (int)getpid(), (unsigned long)p1,
			    (unsigned long)(p1 + 2 * page), page, major(st1.st_dev),
			    minor(st1.st_dev), (unsigned long long)st1.st_ino, shared_path);
	got = test_query_text(eng, sql.buf);
	assert_same("the test's own mappings", expected.buf, got);
	free(got);

	munmap(p1, 2 * page);
	munmap(p2, page);
	unlink(shared_path);
	strbuf_release(&sql);
	strbuf_release(&expected);
	engine_free(eng);
}

/*
 * pmap -X PID: a header line ("PID:   cmd"), a column header, one line
 * per mapping ("Address Perm Offset Device Inode Size ... Mapping", the
 * mapping being the basename of the path or [heap] etc., absent for an
 * anonymous one), then totals. Rewritten as
 * "start|end|perms|offset|device|inode|mapping" in decimal/hex as spoor
 * prints them.
 */
static char *pmap_rows(pid_t pid)
{
	struct strbuf cmd = STRBUF_INIT, sb = STRBUF_INIT;
	char *out, *save = NULL;
	int line_no = 0, ncols = 0;

	strbuf_addf(&cmd, "pmap -X %d", (int)pid);
	out = test_run(cmd.buf);
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tok[64], *s2 = NULL;
		int n = 0;

		line_no++;
		for (char *t = strtok_r(line, " ", &s2); t && n < 64; t = strtok_r(NULL, " ", &s2))
			tok[n++] = t;
		if (line_no == 1)
			continue;
		if (line_no == 2) {
			ncols = n; /* "Address Perm ... Mapping" */
			continue;
		}
		/* the "====" rule and the totals line are no mappings */
		if (n < 6 || strlen(tok[1]) != 4 || !strchr(tok[3], ':'))
			continue;
		{
			unsigned long long start = strtoull(tok[0], NULL, 16);
			unsigned long long kib = strtoull(tok[5], NULL, 10);

			strbuf_addf(&sb, "0x%08llx|0x%08llx|%s|%llu|%s|%s|%s\n", start,
				    start + kib * 1024, tok[1], strtoull(tok[2], NULL, 16),
				    tok[3], tok[4], n == ncols ? tok[n - 1] : "");
		}
	}
	free(out);
	strbuf_release(&cmd);
	return strbuf_detach(&sb, NULL);
}

static char *spoor_map_rows(struct engine *eng, pid_t pid)
{
	struct strbuf sql = STRBUF_INIT, sb = STRBUF_INIT;
	struct test_rows rows;

	strbuf_addf(&sql,
		    "SELECT start, end, permissions, offset, device, inode, path "
		    "FROM process_memory_map WHERE pid = %d",
		    (int)pid);
	test_query_ok(eng, sql.buf, &rows);
	for (size_t r = 0; r < rows.nrows; r++) {
		const char *path = test_get(&rows, r, "path");
		const char *base = strrchr(path, '/');

		/* pmap prints the basename of a file's path */
		strbuf_addf(&sb, "%s|%s|%s|%s|%s|%s|%s\n", test_get(&rows, r, "start"),
			    test_get(&rows, r, "end"), test_get(&rows, r, "permissions"),
			    test_get(&rows, r, "offset"), test_get(&rows, r, "device"),
			    test_get(&rows, r, "inode"), base ? base + 1 : path);
	}
	test_rows_free(&rows);
	strbuf_release(&sql);
	return strbuf_detach(&sb, NULL);
}

static void memory_map_matches_pmap(void **state)
{
	static const char *const envp[] = { "A=1", NULL };
	struct engine *eng = test_engine(NULL);
	pid_t pid = spawn_sleep(envp);
	int tries;

	(void)state;
	wait_sleeping(pid);
	for (tries = 0; tries < MAP_TRIES; tries++) {
		char *before = pmap_rows(pid);
		char *got = spoor_map_rows(eng, pid);
		char *after = pmap_rows(pid);
		bool still = strcmp(before, after) == 0;

		if (still) {
			assert_true(strlen(before) > 0);
			assert_same("process_memory_map vs pmap -X", before, got);
		}
		free(before);
		free(after);
		free(got);
		if (still)
			break;
	}
	if (tries == MAP_TRIES)
		fail_msg("the child's memory map kept changing");
	stop_child(pid);
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* process_namespaces */

static const char *const ns_types[] = { "cgroup", "ipc", "mnt", "net", "pid", "user", "uts" };

/* "cgroup|ipc|...|uts" inodes from lsns -p PID. */
static char *lsns_row(pid_t pid)
{
	struct strbuf cmd = STRBUF_INIT, sb = STRBUF_INIT;
	char *out, *save = NULL, *ino[7] = { 0 };

	strbuf_addf(&cmd, "lsns -p %d -r -n -o NS,TYPE", (int)pid);
	out = test_run(cmd.buf);
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		for (size_t i = 0; i < 7; i++)
			if (strcmp(sp + 1, ns_types[i]) == 0)
				ino[i] = line;
	}
	strbuf_addf(&sb, "%d", (int)pid);
	for (size_t i = 0; i < 7; i++)
		strbuf_addf(&sb, "|%s", ino[i] ? ino[i] : "NULL");
	strbuf_addch(&sb, '\n');
	free(out);
	strbuf_release(&cmd);
	return strbuf_detach(&sb, NULL);
}

static char *spoor_ns_row(struct engine *eng, pid_t pid)
{
	struct strbuf sql = STRBUF_INIT;
	char *got;

	strbuf_addf(&sql, "SELECT * FROM process_namespaces WHERE pid = %d", (int)pid);
	got = test_query_text(eng, sql.buf);
	strbuf_release(&sql);
	return got;
}

static void namespaces_match_lsns(void **state)
{
	static const char *const envp[] = { "A=1", NULL };
	struct engine *eng = test_engine(NULL);
	pid_t pid = spawn_sleep(envp);
	pid_t self = getpid();
	struct strbuf sql = STRBUF_INIT;
	char *want, *got;

	(void)state;
	want = lsns_row(self);
	got = spoor_ns_row(eng, self);
	assert_same("namespaces of the test vs lsns -p", want, got);
	free(want);
	free(got);
	want = lsns_row(pid);
	got = spoor_ns_row(eng, pid);
	assert_same("namespaces of the child vs lsns -p", want, got);
	free(want);
	free(got);

	/* pid IN: the two processes, not the pid that cannot exist */
	strbuf_addf(&sql,
		    "SELECT count(*), count(DISTINCT pid) FROM process_namespaces "
		    "WHERE pid IN (%d, %d, %d, 2147483647)",
		    (int)self, (int)pid, (int)self);
	got = test_query_text(eng, sql.buf);
	assert_string_equal(got, "2|2\n");
	free(got);
	stop_child(pid);
	strbuf_release(&sql);
	engine_free(eng);
}

/* A child in new UTS and IPC namespaces (unshare needs CAP_SYS_ADMIN;
 * without it this part reports and passes). */
static void namespaces_of_an_unshared_child(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct test_rows mine, its;
	struct strbuf sql = STRBUF_INIT;
	int fds[2];
	char status = 0;
	pid_t pid;
	char *want, *got;

	(void)state;
	if (pipe(fds) < 0)
		fail_msg("pipe: %s", strerror(errno));
	pid = test_fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		char ok = unshare(CLONE_NEWUTS | CLONE_NEWIPC) == 0 ? 'y' : 'n';

		close(fds[0]);
		if (write(fds[1], &ok, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &status, 1) != 1)
		fail_msg("child did not report");
	close(fds[0]);
	if (status != 'y') {
		print_message("  unshare not permitted here: new-namespace case not run\n");
		stop_child(pid);
		engine_free(eng);
		return;
	}

	want = lsns_row(pid);
	got = spoor_ns_row(eng, pid);
	assert_same("namespaces of the unshared child vs lsns -p", want, got);
	free(want);
	free(got);

	strbuf_addf(&sql, "SELECT * FROM process_namespaces WHERE pid = %d", (int)getpid());
	test_query_ok(eng, sql.buf, &mine);
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT * FROM process_namespaces WHERE pid = %d", (int)pid);
	test_query_ok(eng, sql.buf, &its);
	assert_int_equal(mine.nrows, 1);
	assert_int_equal(its.nrows, 1);
	for (size_t i = 0; i < 7; i++) {
		char col[32];
		bool fresh = strcmp(ns_types[i], "uts") == 0 || strcmp(ns_types[i], "ipc") == 0;
		const char *a, *b;

		snprintf(col, sizeof(col), "%s_namespace", ns_types[i]);
		a = test_get(&mine, 0, col);
		b = test_get(&its, 0, col);
		assert_non_null(a);
		assert_non_null(b);
		if (fresh != (strcmp(a, b) != 0))
			fail_msg("%s: parent %s, child %s", col, a, b);
	}
	test_rows_free(&mine);
	test_rows_free(&its);
	stop_child(pid);
	strbuf_release(&sql);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(envs_of_a_known_child),
		cmocka_unit_test(envs_of_self),
		cmocka_unit_test(memory_map_of_known_mappings),
		cmocka_unit_test(memory_map_matches_pmap),
		cmocka_unit_test(namespaces_match_lsns),
		cmocka_unit_test(namespaces_of_an_unshared_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
