/*
 * test_live_process_fds.c - process_open_files and process_open_pipes on
 * the live host, against find(1) and stat(1) run at the same moment.
 *
 * The test forks a child whose descriptors it chooses: 0-2 /dev/null;
 * 3 a file; 4 a file deleted after opening; 5 a file named "pipe:[1]";
 * 6/7 a pipe and 8 a dup of its read end; 9/10 a FIFO opened for reading
 * and for writing; 11 a FIFO opened read-write, alone; 12 an O_PATH fd of
 * the file; 13 a unix socket; 14 an eventfd; 15 a FIFO opened read-write
 * and then deleted; 16 an O_PATH fd of a FIFO; 20 the read end of a pipe
 * whose write end the test itself holds. Nothing else: the child's table
 * does not change while it waits, so the ground truth is exact:
 *   - `find /proc/<child>/fd -printf '%f|%l|%M'` gives each fd's link
 *     text and, in the link's own permission bits, its access mode (what
 *     osquery reads with lstat); `stat -L` gives the FIFOs' inodes;
 *   - process_open_files for the child equals find's list minus sockets,
 *     pipes and anon inodes, and the paths the test opened;
 *   - process_open_pipes rows of the child (and of the test as its
 *     partner) are exactly the pairings the layout implies, with modes
 *     and inodes as find and stat give them.
 * Then the whole host: find runs just before and just after the query;
 * every process whose descriptors were the same both times must have
 * exactly those rows in process_open_files.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strbuf.h"
#include "testutil.h"
#include "xalloc.h"

#define CTL_FD 20
#define NFD 32

struct fixture {
	struct engine *eng;
	pid_t child;
	int ctl;          /* the test's write end of the child's fd 20 */
	char dir[64];
	/* ground truth, per child fd: link text, mode, FIFO inode */
	char *link[NFD];
	char mode[NFD][4];
	unsigned long long fifo_ino[NFD];
};

/* ------------------------------------------------------------------ */
/* the child */

static void path_in(const struct fixture *f, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", f->dir, name);
}

/* Opens what the header lists, at exactly those numbers. Returns 0 or
 * the errno of the first failure. */
static int child_layout(const struct fixture *f)
{
	char p[128], fifo[128];
	int fds[2];

#define AT(n, expr)                                   \
	do {                                          \
		int fd_ = (expr);                     \
		if (fd_ < 0)                          \
			return errno;                 \
		if (fd_ != (n)) {                     \
			if (dup2(fd_, (n)) < 0)       \
				return errno;         \
			close(fd_);                   \
		}                                     \
	} while (0)

	path_in(f, "regular", p, sizeof(p));
	AT(3, open(p, O_RDONLY));
	path_in(f, "deleted", p, sizeof(p));
	AT(4, open(p, O_RDWR | O_CREAT, 0600));
	unlink(p);
	path_in(f, "pipe:[1]", p, sizeof(p));
	AT(5, open(p, O_WRONLY | O_CREAT, 0600));
	if (pipe(fds) < 0)
		return errno;
	AT(6, fds[0]);
	AT(7, fds[1]);
	AT(8, dup(6));
	path_in(f, "fifo", fifo, sizeof(fifo));
	AT(9, open(fifo, O_RDONLY | O_NONBLOCK));
	AT(10, open(fifo, O_WRONLY));
	path_in(f, "fifo2", p, sizeof(p));
	AT(11, open(p, O_RDWR));
	path_in(f, "regular", p, sizeof(p));
	AT(12, open(p, O_PATH));
	AT(13, socket(AF_UNIX, SOCK_STREAM, 0));
	AT(14, eventfd(0, 0));
	path_in(f, "fifo3", p, sizeof(p));
	AT(15, open(p, O_RDWR));
	unlink(p);
	path_in(f, "fifo4", p, sizeof(p));
	AT(16, open(p, O_PATH));
#undef AT
	return 0;
}

static void child_main(const struct fixture *f, int ctl_r, int ready_w)
{
	int devnull = open("/dev/null", O_RDWR);
	char status, c;

	/* nothing inherited but the two pipes this needs */
	if (devnull < 0 || dup2(ctl_r, CTL_FD) < 0 || dup2(ready_w, CTL_FD + 1) < 0)
		_exit(1);
	for (int i = 0; i < 3; i++)
		dup2(devnull, i);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != CTL_FD && fd != CTL_FD + 1)
			close(fd);
	status = child_layout(f) == 0 ? 'k' : 'e';
	(void)write(CTL_FD + 1, &status, 1);
	close(CTL_FD + 1);
	(void)read(CTL_FD, &c, 1);
	_exit(0);
}

/* ------------------------------------------------------------------ */
/* ground truth */

/* "lr-x------" -> "r"; "l---------" -> "". */
static void mode_of_perms(const char *perms, char *out)
{
	size_t n = 0;

	if (strlen(perms) >= 3) {
		if (perms[1] == 'r')
			out[n++] = 'r';
		if (perms[2] == 'w')
			out[n++] = 'w';
	}
	out[n] = '\0';
}

static void ground_truth(struct fixture *f)
{
	struct strbuf cmd = STRBUF_INIT;
	char *out, *save = NULL;

	strbuf_addf(&cmd, "find /proc/%d/fd -mindepth 1 -maxdepth 1 -printf '%%f|%%M|%%l\\n'",
		    (int)f->child);
	out = test_run(cmd.buf);
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *bar1 = strchr(l, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
		int fd = atoi(l);

		if (!bar1 || !bar2)
			fail_msg("find printed '%s'", l);
		assert_true(fd >= 0 && fd < NFD);
		*bar1 = '\0';
		*bar2 = '\0';
		f->link[fd] = xstrdup(bar2 + 1);
		mode_of_perms(bar1 + 1, f->mode[fd]);
	}
	free(out);
	/* the FIFOs' inodes, through the descriptors (two of them deleted
	 * or O_PATH) */
	strbuf_reset(&cmd);
	strbuf_addf(&cmd,
		    "cd /proc/%d/fd && for fd in 9 10 11 15 16; do "
		    "printf '%%s|' $fd; stat -L -c '%%i|%%F' $fd; done",
		    (int)f->child);
	out = test_run(cmd.buf);
	save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		int fd = atoi(l);

		assert_non_null(strstr(l, "|fifo"));
		f->fifo_ino[fd] = strtoull(strchr(l, '|') + 1, NULL, 10);
	}
	free(out);
	strbuf_release(&cmd);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char p[128], status = 0, c;
	int ctl[2], ready[2];

	snprintf(f->dir, sizeof(f->dir), "/tmp/spoor-live-fds-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	path_in(f, "regular", p, sizeof(p));
	{
		FILE *fp = fopen(p, "w");

		assert_non_null(fp);
		fputs("x\n", fp);
		fclose(fp);
	}
	for (int i = 0; i < 4; i++) {
		char name[8];

		snprintf(name, sizeof(name), i ? "fifo%d" : "fifo", i + 1);
		path_in(f, name, p, sizeof(p));
		assert_int_equal(mkfifo(p, 0600), 0);
	}
	assert_int_equal(pipe2(ctl, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	f->child = test_fork();
	assert_true(f->child >= 0);
	if (f->child == 0)
		child_main(f, ctl[0], ready[1]);
	close(ctl[0]);
	close(ready[1]);
	f->ctl = ctl[1];
	/* the status byte, then EOF once the child closed its end */
	assert_int_equal(read(ready[0], &status, 1), 1);
	assert_int_equal(status, 'k');
	assert_int_equal(read(ready[0], &c, 1), 0);
	close(ready[0]);
	f->eng = test_engine(NULL);
	ground_truth(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct strbuf cmd = STRBUF_INIT;

	close(f->ctl);
	kill(f->child, SIGKILL);
	waitpid(f->child, NULL, 0);
	for (int i = 0; i < NFD; i++)
		free(f->link[i]);
	strbuf_addf(&cmd, "rm -rf '%s'", f->dir);
	free(test_run(cmd.buf));
	strbuf_release(&cmd);
	engine_free(f->eng);
	free(f);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the child's rows */

static bool special(const char *link)
{
	return strncmp(link, "socket:[", 8) == 0 || strncmp(link, "pipe:[", 6) == 0 ||
	       strncmp(link, "anon_inode:", 11) == 0;
}

static void child_files(void **state)
{
	struct fixture *f = *state;
	struct strbuf want = STRBUF_INIT, mine = STRBUF_INIT, sql = STRBUF_INIT;
	static const struct {
		int fd;
		const char *name; /* in the test's directory; NULL: /dev/null */
		const char *suffix;
	} opened[] = {
		{ 0, NULL, "" },	    { 1, NULL, "" },	     { 2, NULL, "" },
		{ 3, "regular", "" },	    { 4, "deleted", " (deleted)" },
		{ 5, "pipe:[1]", "" },	    { 9, "fifo", "" },	     { 10, "fifo", "" },
		{ 11, "fifo2", "" },	    { 12, "regular", "" },   { 15, "fifo3", " (deleted)" },
		{ 16, "fifo4", "" },
	};

	/* find's view */
	for (int fd = 0; fd < NFD; fd++)
		if (f->link[fd] && !special(f->link[fd]))
			strbuf_addf(&want, "%d|%s\n", fd, f->link[fd]);
	/* the test's own view of what it opened */
	for (size_t i = 0; i < ARRAY_SIZE(opened); i++) {
		if (opened[i].name)
			strbuf_addf(&mine, "%d|%s/%s%s\n", opened[i].fd, f->dir, opened[i].name,
				    opened[i].suffix);
		else
			strbuf_addf(&mine, "%d|/dev/null\n", opened[i].fd);
	}
	assert_string_equal(want.buf, mine.buf);
	strbuf_addf(&sql, "SELECT fd, path FROM process_open_files WHERE pid = %d ORDER BY fd",
		    (int)f->child);
	test_assert_query(f->eng, sql.buf, want.buf);
	/* the excluded ones are there, and what find says they are */
	assert_int_equal(strncmp(f->link[6], "pipe:[", 6), 0);
	assert_int_equal(strncmp(f->link[13], "socket:[", 8), 0);
	assert_string_equal(f->link[14], "anon_inode:[eventfd]");
	strbuf_release(&want);
	strbuf_release(&mine);
	strbuf_release(&sql);
}

static unsigned long long pipe_ino(const char *link)
{
	assert_int_equal(strncmp(link, "pipe:[", 6), 0);
	return strtoull(link + 6, NULL, 10);
}

static void child_pipes(void **state)
{
	struct fixture *f = *state;
	struct strbuf want = STRBUF_INIT, sql = STRBUF_INIT, self_link = STRBUF_INIT;
	unsigned long long p = pipe_ino(f->link[6]), ctl = pipe_ino(f->link[CTL_FD]);
	unsigned long long q = f->fifo_ino[9];
	int c = (int)f->child, me = (int)getpid();
	char buf[64];
	ssize_t n;

	/* the modes the layout implies are the ones the kernel shows */
	assert_string_equal(f->mode[6], "r");
	assert_string_equal(f->mode[7], "w");
	assert_string_equal(f->mode[8], "r");
	assert_string_equal(f->mode[9], "r");
	assert_string_equal(f->mode[10], "w");
	assert_string_equal(f->mode[11], "rw");
	assert_string_equal(f->mode[15], "rw");
	assert_string_equal(f->mode[16], "");
	assert_string_equal(f->mode[CTL_FD], "r");
	assert_true(pipe_ino(f->link[7]) == p && pipe_ino(f->link[8]) == p);
	assert_true(f->fifo_ino[10] == q);
	/* the test's own end of the control pipe */
	strbuf_addf(&self_link, "/proc/self/fd/%d", f->ctl);
	n = readlink(self_link.buf, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(pipe_ino(buf) == ctl);

	/* ORDER BY pid, fd, partner_pid, partner_fd */
	strbuf_addf(&want,
		    "%d|6|r|%llu|anonymous|%d|7|w\n"
		    "%d|7|w|%llu|anonymous|%d|6|r\n"
		    "%d|7|w|%llu|anonymous|%d|8|r\n"
		    "%d|8|r|%llu|anonymous|%d|7|w\n"
		    "%d|9|r|%llu|named|%d|10|w\n"
		    "%d|10|w|%llu|named|%d|9|r\n"
		    "%d|11|rw|%llu|named|NULL|NULL|\n"
		    "%d|15|rw|%llu|named|NULL|NULL|\n"
		    "%d|16||%llu|named|NULL|NULL|\n"
		    "%d|%d|r|%llu|anonymous|%d|%d|w\n",
		    c, p, c, c, p, c, c, p, c, c, p, c, c, q, c, c, q, c, c, f->fifo_ino[11], c,
		    f->fifo_ino[15], c, f->fifo_ino[16], c, CTL_FD, ctl, me, f->ctl);
	{
		/* the test's row as the child's partner sorts by pid too */
		struct strbuf mine = STRBUF_INIT;

		strbuf_addf(&mine, "%d|%d|w|%llu|anonymous|%d|%d|r\n", me, f->ctl, ctl, c, CTL_FD);
		if (me < c) {
			strbuf_addstr(&mine, want.buf);
			strbuf_reset(&want);
			strbuf_addstr(&want, mine.buf);
		} else {
			strbuf_addstr(&want, mine.buf);
		}
		strbuf_release(&mine);
	}
	strbuf_addf(&sql,
		    "SELECT * FROM process_open_pipes WHERE pid = %d OR (pid = %d AND "
		    "partner_pid = %d) ORDER BY pid, fd, partner_pid, partner_fd",
		    c, me, c);
	test_assert_query(f->eng, sql.buf, want.buf);
	/* the file named "pipe:[1]" is no pipe, nor are sockets and eventfds */
	strbuf_reset(&sql);
	strbuf_addf(&sql,
		    "SELECT count(*) FROM process_open_pipes WHERE pid = %d AND fd IN (3, 5, 12, "
		    "13, 14)",
		    c);
	test_assert_query(f->eng, sql.buf, "0\n");
	strbuf_release(&want);
	strbuf_release(&sql);
	strbuf_release(&self_link);
}

/* ------------------------------------------------------------------ */
/* the whole host */

/* "pid|fd|link\n" lines of every readable descriptor, sorted. */
static void host_snapshot(struct strbuf *s)
{
	/* %h is /proc/<pid>/fd; unreadable links print an empty %l and are
	 * left out, as the table leaves them out */
	char *out = test_run("find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 "
			     "-printf '%h|%f|%l\\n' 2>/dev/null | "
			     "sed -n 's#^/proc/\\([0-9]*\\)/fd|#\\1|#p' | grep -v '|$' | "
			     "LC_ALL=C sort || true");

	strbuf_init(s, 0);
	strbuf_addstr(s, out);
	free(out);
}

/* The lines of pid, in the sorted text; empty when none. */
static void lines_of(const struct strbuf *s, const char *pid, struct strbuf *out)
{
	size_t plen = strlen(pid);
	const char *p = s->buf;

	strbuf_reset(out);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (len > plen && memcmp(p, pid, plen) == 0 && p[plen] == '|')
			strbuf_add(out, p, len);
		p += len;
	}
}

/* One comparison of every quiet process; a mismatch is written to msg. */
static bool host_files_once(struct fixture *f, struct strbuf *msg, size_t *ret_compared)
{
	struct strbuf before, after;
	struct test_rows rows;
	struct strbuf ours = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT, filtered = STRBUF_INIT;
	char *sorted, self[24];
	size_t compared = 0;

	snprintf(self, sizeof(self), "%d", (int)getpid());
	host_snapshot(&before);
	test_query_ok(f->eng,
		      "SELECT pid || '|' || fd || '|' || path FROM process_open_files", &rows);
	host_snapshot(&after);
	for (size_t r = 0; r < rows.nrows; r++)
		strbuf_addf(&ours, "%s\n", rows.values[r]);
	test_rows_free(&rows);
	{
		/* sort spoor's lines the same way */
		struct strbuf cmd = STRBUF_INIT;
		char path[] = "/tmp/spoor-live-fds-rows-XXXXXX";
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, ours.buf, ours.len), (ssize_t)ours.len);
		close(fd);
		strbuf_addf(&cmd, "LC_ALL=C sort '%s'; rm -f '%s'", path, path);
		sorted = test_run(cmd.buf);
		strbuf_release(&cmd);
	}
	strbuf_reset(&ours);
	strbuf_addstr(&ours, sorted);
	free(sorted);

	/* every pid whose descriptors find saw unchanged, but this test's
	 * own (each popen adds a pipe) */
	for (const char *p = before.buf; *p;) {
		char pid[24];
		size_t n = strcspn(p, "|");

		if (n >= sizeof(pid))
			break;
		memcpy(pid, p, n);
		pid[n] = '\0';
		lines_of(&before, pid, &a);
		p += a.len;
		lines_of(&after, pid, &b);
		if (strcmp(pid, self) == 0 || strcmp(a.buf, b.buf) != 0)
			continue;
		/* drop the descriptors that are not files */
		strbuf_reset(&filtered);
		for (const char *l = a.buf; *l;) {
			const char *nl = strchr(l, '\n');
			const char *link = strchr(strchr(l, '|') + 1, '|') + 1;

			if (!special(link))
				strbuf_add(&filtered, l, (size_t)(nl - l + 1));
			l = nl + 1;
		}
		lines_of(&ours, pid, &b);
		if (strcmp(filtered.buf, b.buf) != 0 && !msg->len)
			strbuf_addf(msg, "pid %s: find says\n%s--- spoor says\n%s", pid,
				    filtered.buf, b.buf);
		compared++;
	}
	*ret_compared = compared;
	strbuf_release(&before);
	strbuf_release(&after);
	strbuf_release(&ours);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&filtered);
	return msg->len == 0;
}

/*
 * A process can open and close a file between find's two snapshots and
 * spoor's read while looking unchanged to both (other tests run beside
 * this one): a mismatch counts only when it repeats on every try.
 */
static void host_files(void **state)
{
	struct strbuf msg = STRBUF_INIT;
	size_t compared = 0;
	bool same = false;

	for (int tries = 0; tries < 5 && !same; tries++) {
		strbuf_reset(&msg);
		same = host_files_once(*state, &msg, &compared);
		if (!same)
			usleep(100000);
	}
	if (!same)
		fail_msg("%s", msg.buf);
	/* the child at least, and the host's daemons */
	print_message("%zu processes compared\n", compared);
	assert_true(compared >= 2);
	strbuf_release(&msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(child_files),
		cmocka_unit_test(child_pipes),
		cmocka_unit_test(host_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
