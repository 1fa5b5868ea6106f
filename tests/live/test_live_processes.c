/*
 * test_live_processes.c - the processes table against the live host.
 *
 *   - the pid set, parent, real/effective uid and name of every process
 *     agree with ps(1) run just before and just after the query (a
 *     process seen by only one side must have come or gone in between);
 *   - a child this test forks (sleep, in a directory of its own) has
 *     exactly the row the test knows it must have;
 *   - pid IN (self, child, a pid that cannot exist) gives two rows.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"
#include "testutil.h"
#include "xalloc.h"

/* ------------------------------------------------------------------ */
/* ps snapshots */

struct ps_proc {
	long pid, ppid, ruid, euid;
	char comm[128];
};

struct ps_snap {
	size_t n;
	struct ps_proc *p;
};

static void ps_snapshot(struct ps_snap *snap)
{
	char *out = test_run("ps -e -o pid=,ppid=,ruid=,euid=,comm=");
	char *line = out;

	memset(snap, 0, sizeof(*snap));
	while (*line) {
		char *nl = strchr(line, '\n');
		struct ps_proc pp = { 0 };
		char *p = line, *end;

		if (nl)
			*nl = '\0';
		pp.pid = strtol(p, &end, 10);
		pp.ppid = strtol(end, &end, 10);
		pp.ruid = strtol(end, &end, 10);
		pp.euid = strtol(end, &end, 10);
		/* comm is the rest: it may hold spaces */
		while (*end == ' ')
			end++;
		snprintf(pp.comm, sizeof(pp.comm), "%s", end);
		if (pp.pid > 0) {
			snap->p = xreallocarray(snap->p, snap->n + 1, sizeof(*snap->p));
			snap->p[snap->n++] = pp;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	free(out);
}

static const struct ps_proc *ps_find(const struct ps_snap *snap, long pid)
{
	for (size_t i = 0; i < snap->n; i++)
		if (snap->p[i].pid == pid)
			return &snap->p[i];
	return NULL;
}

/*
 * ps may print only 15 bytes of the comm, and '?' for unprintable bytes.
 * A workqueue worker's name carries the queue it last served
 * ("kworker/0:1-events", '+' while busy), which changes under our feet:
 * only its "kworker/0:1" part is stable.
 */
static bool comm_matches(const char *ps, const char *name)
{
	size_t n = strlen(ps);

	if (strncmp(ps, "kworker/", 8) == 0 && strncmp(name, "kworker/", 8) == 0) {
		size_t a = strcspn(ps, "-+"), b = strcspn(name, "-+");

		return a == b && memcmp(ps, name, a) == 0;
	}

	if (strlen(name) < n || (strlen(name) > n && n < 15))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (ps[i] == c)
			continue;
		if (ps[i] == '?' && (c < 0x20 || c >= 0x7f))
			continue;
		return false;
	}
	return true;
}

/* The engine, and a child to kill when a test fails halfway. */
struct fixture {
	struct engine *eng;
	pid_t child;
	char child_dir[PATH_MAX];
};

static void agrees_with_ps(void **state)
{
	struct fixture *fx = *state;
	struct engine *eng = fx->eng;
	struct ps_snap before, after;
	struct test_rows rows;
	size_t compared = 0;

	ps_snapshot(&before);
	test_query_ok(eng, "SELECT pid, parent, uid, euid, name FROM processes", &rows);
	ps_snapshot(&after);
	assert_true(before.n > 2 && rows.nrows > 2);

	/* every process alive across the query has its row, and agrees */
	for (size_t i = 0; i < before.n; i++) {
		const struct ps_proc *b = &before.p[i], *a = ps_find(&after, b->pid);
		const char *name = NULL;
		size_t r;

		if (!a)
			continue; /* exited meanwhile */
		for (r = 0; r < rows.nrows; r++)
			if (atol(test_get(&rows, r, "pid")) == b->pid)
				break;
		if (r == rows.nrows)
			fail_msg("pid %ld (%s) is in ps before and after, not in processes",
				 b->pid, b->comm);
		/* compare only what did not change between the two ps runs */
		if (b->ppid == a->ppid && (!test_get(&rows, r, "parent") ||
					   atol(test_get(&rows, r, "parent")) != b->ppid))
			fail_msg("pid %ld: parent %s, ps says %ld", b->pid,
				 test_get(&rows, r, "parent"), b->ppid);
		if (b->ruid == a->ruid &&
		    (!test_get(&rows, r, "uid") || atol(test_get(&rows, r, "uid")) != b->ruid))
			fail_msg("pid %ld: uid %s, ps says %ld", b->pid, test_get(&rows, r, "uid"),
				 b->ruid);
		if (b->euid == a->euid &&
		    (!test_get(&rows, r, "euid") || atol(test_get(&rows, r, "euid")) != b->euid))
			fail_msg("pid %ld: euid %s, ps says %ld", b->pid,
				 test_get(&rows, r, "euid"), b->euid);
		name = test_get(&rows, r, "name");
		if (strcmp(b->comm, a->comm) == 0 && (!name || !comm_matches(b->comm, name)))
			fail_msg("pid %ld: name '%s', ps says '%s'", b->pid, name ? name : "NULL",
				 b->comm);
		compared++;
	}
	assert_true(compared > 2);

	/* a row ps never saw is a process that came and went in between:
	 * it must be gone now (a thread id listed as a process would not be) */
	for (size_t r = 0; r < rows.nrows; r++) {
		long pid = atol(test_get(&rows, r, "pid"));
		char path[64];

		if (ps_find(&before, pid) || ps_find(&after, pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		if (access(path, F_OK) == 0)
			fail_msg("pid %ld (%s) is in processes, alive, and in neither ps run", pid,
				 test_get(&rows, r, "name"));
	}

	test_rows_free(&rows);
	free(before.p);
	free(after.p);
}

/* ------------------------------------------------------------------ */
/* a child with a known row */

struct child {
	pid_t pid;
	char *dir;	 /* its cwd */
	char *exec_path; /* what it was exec'd as */
	char *exe;	 /* that path resolved */
	time_t t0;
};

static char *trimmed(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

/* The child's state letter from /proc, or 0. */
static char child_state(pid_t pid)
{
	char path[64], buf[512];
	FILE *fp;
	char *close_paren, st = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	if (fgets(buf, sizeof(buf), fp) && (close_paren = strrchr(buf, ')')) &&
	    close_paren[1] == ' ')
		st = close_paren[2];
	fclose(fp);
	return st;
}

/* Forks sleep; fx learns its pid and directory at once, for the teardown. */
static void start_child(struct child *c, struct fixture *fx)
{
	char tmpl[] = "/tmp/spoor-live-procs-XXXXXX";
	char resolved[PATH_MAX];
	int fds[2], err = 0;
	ssize_t n;

	c->exec_path = trimmed(test_run("command -v sleep"));
	assert_non_null(realpath(c->exec_path, resolved));
	c->exe = xstrdup(resolved);
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, resolved));
	c->dir = xstrdup(resolved);
	snprintf(fx->child_dir, sizeof(fx->child_dir), "%s", c->dir);
	c->t0 = time(NULL);

	/* the pipe closes on exec: a read of 0 bytes means sleep runs */
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	c->pid = test_fork();
	assert_true(c->pid >= 0);
	if (c->pid > 0)
		fx->child = c->pid;
	if (c->pid == 0) {
		char *argv[] = { (char[]){ "sleep" }, (char[]){ "300" }, (char[]){ "7" }, NULL };

		int devnull = open("/dev/null", O_RDWR);

		close(fds[0]);
		/* not our stdout: a reader of it must not wait for sleep */
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDOUT_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		if (chdir(c->dir) == 0)
			execv(c->exec_path, argv);
		err = errno;
		if (write(fds[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(fds[1]);
	do
		n = read(fds[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	if (n != 0)
		fail_msg("child could not exec %s: %s", c->exec_path, strerror(err));
	/* wait, without a deadline that matters, until it sleeps */
	for (int i = 0; i < 2000 && child_state(c->pid) != 'S'; i++)
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	assert_int_equal(child_state(c->pid), 'S');
}

static void stop_child(struct child *c)
{
	free(c->dir);
	free(c->exec_path);
	free(c->exe);
}

/* First line of our own /proc/<pid>/cgroup after its second colon: what
 * the child inherits. */
static char *own_cgroup(void)
{
	char *all = test_read_file("/proc/self/cgroup");
	char *nl = strchr(all, '\n'), *c1, *c2, *res;

	if (nl)
		*nl = '\0';
	c1 = strchr(all, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	res = xstrdup(c2 ? c2 + 1 : "");
	free(all);
	return res;
}

static void expect_eq(const struct test_rows *rows, const char *col, const char *want)
{
	const char *got = test_get(rows, 0, col);

	if (!got || strcmp(got, want) != 0)
		fail_msg("child column %s: expected '%s', got %s%s%s", col, want,
			 got ? "'" : "", got ? got : "NULL", got ? "'" : "");
}

static void expect_num(const struct test_rows *rows, const char *col, long long want)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", want);
	expect_eq(rows, col, buf);
}

static void forked_child_row(void **state)
{
	struct fixture *fx = *state;
	struct engine *eng = fx->eng;
	struct child c;
	struct strbuf sql = STRBUF_INIT;
	struct test_rows rows;
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	char *cgroup = own_cgroup();
	const char *base;
	char name[16];
	long long start;

	start_child(&c, fx);
	assert_int_equal(getresuid(&ruid, &euid, &suid), 0);
	assert_int_equal(getresgid(&rgid, &egid, &sgid), 0);
	/* comm: the exec'd file name, at most 15 bytes */
	base = strrchr(c.exec_path, '/');
	snprintf(name, sizeof(name), "%s", base ? base + 1 : c.exec_path);

	strbuf_addf(&sql, "SELECT * FROM processes WHERE pid = %d", (int)c.pid);
	test_query_ok(eng, sql.buf, &rows);
	assert_int_equal(rows.nrows, 1);
	expect_num(&rows, "pid", c.pid);
	expect_eq(&rows, "name", name);
	expect_eq(&rows, "path", c.exe);
	expect_eq(&rows, "cmdline", "sleep 300 7");
	expect_eq(&rows, "state", "S");
	expect_eq(&rows, "cwd", c.dir);
	expect_eq(&rows, "root", "/");
	expect_num(&rows, "uid", ruid);
	expect_num(&rows, "euid", euid);
	expect_num(&rows, "suid", suid);
	expect_num(&rows, "gid", rgid);
	expect_num(&rows, "egid", egid);
	expect_num(&rows, "sgid", sgid);
	expect_eq(&rows, "on_disk", "1");
	expect_eq(&rows, "wired_size", "0");
	expect_num(&rows, "parent", getpid());
	expect_num(&rows, "pgroup", getpgrp());
	expect_eq(&rows, "threads", "1");
	errno = 0;
	expect_num(&rows, "nice", getpriority(PRIO_PROCESS, 0));
	expect_eq(&rows, "cgroup_path", cgroup);
	assert_true(atoll(test_get(&rows, 0, "resident_size")) > 0);
	assert_true(atoll(test_get(&rows, 0, "total_size")) >=
		    atoll(test_get(&rows, 0, "resident_size")));
	assert_true(atoll(test_get(&rows, 0, "user_time")) >= 0);
	assert_true(atoll(test_get(&rows, 0, "system_time")) >= 0);
	/* our own child: its io is readable */
	assert_non_null(test_get(&rows, 0, "disk_bytes_read"));
	assert_non_null(test_get(&rows, 0, "disk_bytes_written"));
	/* boot time and tick rounding: a second either way */
	start = atoll(test_get(&rows, 0, "start_time"));
	if (start < (long long)c.t0 - 2 || start > (long long)time(NULL) + 2)
		fail_msg("start_time %lld not within [%lld, now]", start, (long long)c.t0);
	test_rows_free(&rows);

	/* lookups: the two that exist, nothing for the one that cannot */
	strbuf_reset(&sql);
	strbuf_addf(&sql,
		    "SELECT pid, name FROM processes WHERE pid IN (%d, %d, 999999999) "
		    "ORDER BY pid",
		    (int)getpid(), (int)c.pid);
	test_query_ok(eng, sql.buf, &rows);
	assert_int_equal(rows.nrows, 2);
	expect_num(&rows, "pid", getpid() < c.pid ? getpid() : c.pid);
	test_rows_free(&rows);

	/* a scan finds the child too, with the same cmdline */
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT cmdline FROM processes WHERE parent = %d AND name = '%s'",
		    (int)getpid(), name);
	test_query_ok(eng, sql.buf, &rows);
	assert_int_equal(rows.nrows, 1);
	expect_eq(&rows, "cmdline", "sleep 300 7");
	test_rows_free(&rows);

	stop_child(&c);
	free(cgroup);
	strbuf_release(&sql);
}

static void own_process(void **state)
{
	struct strbuf sql = STRBUF_INIT;
	struct test_rows rows;
	char cwd[PATH_MAX];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	strbuf_addf(&sql, "SELECT pid, cwd, parent, on_disk FROM processes WHERE pid = %d",
		    (int)getpid());
	test_query_ok(((struct fixture *)*state)->eng, sql.buf, &rows);
	assert_int_equal(rows.nrows, 1);
	expect_eq(&rows, "cwd", cwd);
	expect_num(&rows, "parent", getppid());
	expect_eq(&rows, "on_disk", "1");
	test_rows_free(&rows);
	strbuf_release(&sql);
}

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	fx->eng = test_engine(NULL);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->child > 0) {
		kill(fx->child, SIGKILL);
		waitpid(fx->child, NULL, 0);
	}
	if (fx->child_dir[0])
		rmdir(fx->child_dir);
	engine_free(fx->eng);
	free(fx);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(agrees_with_ps, setup, teardown),
		cmocka_unit_test_setup_teardown(forked_child_row, setup, teardown),
		cmocka_unit_test_setup_teardown(own_process, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
