/*
 * test_golden_process_fds.c - process_open_files and process_open_pipes
 * replayed on a captured tree; the socket tables on the same tree.
 *
 * tests/golden/roots/fds1 was captured with scripts/capture-fds.sh from
 * two processes set up for it:
 *   31361 "holder": 0-2 /dev/null; 3 a file; 4 a deleted file; 5 a file
 *         named "pipe:[1]"; 6/7 a pipe's read and write ends and 8 a dup
 *         of the read end; 9/10 a FIFO opened for reading and for writing;
 *         11 a second FIFO opened read-write, alone; 12 an O_PATH fd of
 *         the file; 13 a socket; 14 an eventfd; 15 the read end of a pipe
 *         whose write end 31360 holds; 16 a write end of a pipe whose
 *         other write end 31360 holds (its read end closed everywhere);
 *   31360 "partner": 0-2 /dev/null, 3 and 4 those write ends.
 * Added by hand: 500 holds a file whose name contains "socket:[", an
 * nsfs link, a socket, the ends of pipe 77 with fdinfo missing, without a
 * flags: line, with garbage flags and with access mode 3, an O_PATH end of
 * pipe 78, a 4004-byte path, the holder's FIFO opened read-write, an
 * anon inode, a relative link text, and entries that are no descriptors
 * (a name "abc", a plain file "8", a 20-digit name); 501 has fdinfo but
 * no fd/; 502's fd is a file; 0 is no pid; 600 is a file.
 * Every expected value below was read by hand off the tree (ls -l,
 * fdinfo flags: octal O_ACCMODE 0 r, 1 w, 2 rw).
 *
 * FIFOs cannot live in git: the pipes tests copy the tree and mkfifo the
 * paths fds1/fifos.txt lists, then read the inodes they got. Trees with
 * oversized or binary contents are built at run time.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
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

#define ROOT "tests/golden/roots/fds1"

/* ------------------------------------------------------------------ */
/* private copies of the tree */

static char *make_tmpdir(void)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "/tmp/spoor-golden-fds-XXXXXX");
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

/* A copy of fds1 with its FIFOs made; returns the inodes of the two. */
static char *copy_with_fifos(unsigned long long *fifo1, unsigned long long *fifo2)
{
	char *dir = make_tmpdir(), *src = test_source_path(ROOT), *list, *save = NULL;
	struct strbuf cmd = STRBUF_INIT, path = STRBUF_INIT;
	struct stat st;

	strbuf_addf(&cmd, "cp -a '%s/.' '%s/'", src, dir);
	free(test_run(cmd.buf));
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/fifos.txt", src);
	list = test_read_file(path.buf);
	for (char *l = strtok_r(list, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		strbuf_reset(&cmd);
		strbuf_addf(&cmd, "mkdir -p \"$(dirname '%s%s')\" && mkfifo '%s%s'", dir, l, dir, l);
		free(test_run(cmd.buf));
	}
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/tmp/spoor-fds/fifo", dir);
	assert_int_equal(stat(path.buf, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	*fifo1 = (unsigned long long)st.st_ino;
	strbuf_addstr(&path, "2");
	assert_int_equal(stat(path.buf, &st), 0);
	*fifo2 = (unsigned long long)st.st_ino;
	free(list);
	free(src);
	strbuf_release(&cmd);
	strbuf_release(&path);
	return dir;
}

/* ------------------------------------------------------------------ */
/* process_open_files */

static const char fds1_files[] =
	"500|3|/tmp/a socket:[1] b\n"
	"500|4|net:[4026531840]\n"
	"500|13|/tmp/spoor-fds/fifo\n"
	"500|16|relative/path\n"
	"31360|0|/dev/null\n"
	"31360|1|/dev/null\n"
	"31360|2|/dev/null\n"
	"31361|0|/dev/null\n"
	"31361|1|/dev/null\n"
	"31361|2|/dev/null\n"
	"31361|3|/tmp/spoor-fds/regular\n"
	"31361|4|/tmp/spoor-fds/deleted (deleted)\n"
	/* a file named like a pipe is a file (osquery drops it) */
	"31361|5|/tmp/spoor-fds/pipe:[1]\n"
	"31361|9|/tmp/spoor-fds/fifo\n"
	"31361|10|/tmp/spoor-fds/fifo\n"
	"31361|11|/tmp/spoor-fds/fifo2\n"
	"31361|12|/tmp/spoor-fds/regular\n";

static void files_all(void **state)
{
	struct engine *eng = test_golden_engine("fds1");

	(void)state;
	/* the 4004-byte path of 500/9 is checked apart */
	test_assert_query(eng,
			  "SELECT pid, fd, path FROM process_open_files WHERE NOT (pid = 500 AND "
			  "fd = 9) ORDER BY pid, fd",
			  fds1_files);
	test_assert_query(eng,
			  "SELECT length(path), substr(path, 1, 5), substr(path, -5) FROM "
			  "process_open_files WHERE pid = 500 AND fd = 9",
			  "4004|/dddd|d/end\n");
	/* SELECT * is osquery's column set */
	test_assert_query(eng, "SELECT * FROM process_open_files WHERE pid = 31360 AND fd = 2",
			  "31360|2|/dev/null\n");
	engine_free(eng);
}

static void files_pid_constraint(void **state)
{
	struct engine *eng = test_golden_engine("fds1");

	(void)state;
	test_assert_query(eng,
			  "SELECT pid, fd FROM process_open_files WHERE pid IN (31360, 501, 502, 0, "
			  "-5, 'x', 600) ORDER BY fd",
			  "31360|0\n31360|1\n31360|2\n");
	test_assert_query(eng, "SELECT count(*) FROM process_open_files WHERE pid = 500", "5\n");
	test_assert_query(eng, "SELECT count(*) FROM process_open_files WHERE pid = 4242", "0\n");
	/* '31361' as text is the same pid */
	test_assert_query(eng, "SELECT count(*) FROM process_open_files WHERE pid = '31361'",
			  "10\n");
	engine_free(eng);
}

/*
 * pid = N opens only /proc/N/fd: watched with inotify on a private copy,
 * every other fd/ directory stays unopened.
 */
static void files_pid_pushdown(void **state)
{
	static const char *const pids[] = { "500", "501", "31360", "31361" };
	char *dir = make_tmpdir(), *src = test_source_path(ROOT);
	struct strbuf cmd = STRBUF_INIT, path = STRBUF_INIT;
	int wd[ARRAY_SIZE(pids)], in;
	bool opened[ARRAY_SIZE(pids)] = { false };
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct engine *eng;
	ssize_t n;

	(void)state;
	strbuf_addf(&cmd, "cp -a '%s/.' '%s/'", src, dir);
	free(test_run(cmd.buf));
	in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	assert_true(in >= 0);
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/proc/%s/%s", dir, pids[i], i == 1 ? "fdinfo" : "fd");
		wd[i] = inotify_add_watch(in, path.buf, IN_OPEN);
		assert_true(wd[i] >= 0);
	}
	eng = test_engine(dir);
	test_assert_query(eng, "SELECT count(*) FROM process_open_files WHERE pid = 31361", "10\n");
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			for (size_t i = 0; i < ARRAY_SIZE(pids); i++)
				if (e->wd == wd[i])
					opened[i] = true;
			p += sizeof(*e) + e->len;
		}
	}
	assert_false(opened[0]);
	assert_false(opened[1]);
	assert_false(opened[2]);
	assert_true(opened[3]);
	close(in);
	engine_free(eng);
	remove_tree(dir);
	free(dir);
	free(src);
	strbuf_release(&cmd);
	strbuf_release(&path);
}

/* ------------------------------------------------------------------ */
/* process_open_pipes */

static void pipes_all(void **state)
{
	unsigned long long f1, f2;
	char *dir = copy_with_fifos(&f1, &f2);
	struct engine *eng = test_engine(dir);
	struct strbuf want = STRBUF_INIT;

	(void)state;
	/* pipe 77: 6 and 10 ('-', unreadable mode) are not partners of each
	 * other, both are of 11 (''); pipe 78's only end is alone; 500/13
	 * (rw) pairs with both ends of the holder's FIFO */
	strbuf_addf(&want,
		    "500|6|-|77|anonymous|500|11|\n"
		    "500|10|-|77|anonymous|500|11|\n"
		    "500|11||77|anonymous|500|6|-\n"
		    "500|11||77|anonymous|500|10|-\n"
		    "500|12||78|anonymous|NULL|NULL|\n"
		    "500|13|rw|%llu|named|31361|9|r\n"
		    "500|13|rw|%llu|named|31361|10|w\n"
		    /* 31360/4 and 31361/16 are both write ends: no row */
		    "31360|3|w|376015|anonymous|31361|15|r\n"
		    "31361|6|r|376017|anonymous|31361|7|w\n"
		    "31361|7|w|376017|anonymous|31361|6|r\n"
		    "31361|7|w|376017|anonymous|31361|8|r\n"
		    "31361|8|r|376017|anonymous|31361|7|w\n"
		    "31361|9|r|%llu|named|500|13|rw\n"
		    "31361|9|r|%llu|named|31361|10|w\n"
		    "31361|10|w|%llu|named|500|13|rw\n"
		    "31361|10|w|%llu|named|31361|9|r\n"
		    "31361|11|rw|%llu|named|NULL|NULL|\n"
		    "31361|15|r|376015|anonymous|31360|3|w\n",
		    f1, f1, f1, f1, f1, f1, f2);
	test_assert_query(eng,
			  "SELECT * FROM process_open_pipes ORDER BY pid, fd, partner_pid, partner_fd",
			  want.buf);
	/* osquery's test query: a writer and its reader */
	test_assert_query(eng,
			  "SELECT fd, partner_fd FROM process_open_pipes WHERE pid = 31360 AND "
			  "partner_pid = 31361",
			  "3|15\n");
	strbuf_release(&want);
	engine_free(eng);
	remove_tree(dir);
	free(dir);
}

/* Without the FIFOs (the tree as git holds it) the named ends are not
 * pipes: nothing is invented for a path that does not resolve. */
static void pipes_without_fifos(void **state)
{
	struct engine *eng = test_golden_engine("fds1");

	(void)state;
	test_assert_query(eng, "SELECT count(*) FROM process_open_pipes WHERE type = 'named'",
			  "0\n");
	test_assert_query(eng, "SELECT count(*) FROM process_open_pipes", "11\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* sockets: netlink is the live kernel's, never a tree's */

static void sockets_not_on_a_tree(void **state)
{
	struct engine *eng = test_golden_engine("fds1");

	(void)state;
	/* 31361/13 and 500/5 are socket links, yet nothing is listed */
	test_assert_query(eng, "SELECT count(*) FROM process_open_sockets", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM process_open_sockets WHERE pid = 31361",
			  "0\n");
	test_assert_query(eng, "SELECT count(*) FROM listening_ports", "0\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* hostile trees, built at run time */

static void write_file(const char *dir, const char *rel, const void *data, size_t len)
{
	struct strbuf path = STRBUF_INIT;
	FILE *fp;

	strbuf_addf(&path, "%s/%s", dir, rel);
	fp = fopen(path.buf, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
	strbuf_release(&path);
}

static void make_link(const char *dir, const char *rel, const char *target)
{
	struct strbuf path = STRBUF_INIT;

	strbuf_addf(&path, "%s/%s", dir, rel);
	assert_int_equal(symlink(target, path.buf), 0);
	strbuf_release(&path);
}

static void hostile(void **state)
{
	char *dir = make_tmpdir();
	struct strbuf cmd = STRBUF_INIT;
	struct engine *eng;
	char *big, want[256];
	size_t big_len = (size_t)1 << 20;
	unsigned long long fifo_ino = 0;

	(void)state;
	strbuf_addf(&cmd, "mkdir -p '%s/proc/7/fd' '%s/proc/7/fdinfo'", dir, dir);
	free(test_run(cmd.buf));
	/* a path of bytes that are not UTF-8, given back byte for byte */
	make_link(dir, "proc/7/fd/3", "/tmp/\xff\xfe\x01name");
	make_link(dir, "proc/7/fd/4", "pipe:[9]");
	make_link(dir, "proc/7/fd/5", "pipe:[9]");
	make_link(dir, "proc/7/fd/6", "pipe:[9223372036854775807]");
	/* past 63 bits, past 64 bits, unterminated: no pipe links */
	make_link(dir, "proc/7/fd/7", "pipe:[18446744073709551615]");
	make_link(dir, "proc/7/fd/8", "pipe:[9");
	make_link(dir, "proc/7/fd/9", "pipe:[18446744073709551616]");
	make_link(dir, "proc/7/fd/10", "pipe:[10]");
	/* links that would lead out of the tree, onto this very host */
	make_link(dir, "proc/7/fd/11", "pipe:[11]");
	make_link(dir, "proc/7/fdinfo/11", "/proc/self/fdinfo/0");
	make_link(dir, "proc/9", "/proc/self");
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "mkdir -p '%s/proc/10'", dir);
	free(test_run(cmd.buf));
	make_link(dir, "proc/10/fd", "/proc/self/fd");
	/* a FIFO and an anonymous pipe with the same inode number: not
	 * the same pipe */
	{
		char fifo[PATH_MAX], text[64];
		struct stat st;

		snprintf(fifo, sizeof(fifo), "%s/tmp", dir);
		mkdir(fifo, 0700);
		snprintf(fifo, sizeof(fifo), "%s/tmp/f", dir);
		assert_int_equal(mkfifo(fifo, 0600), 0);
		assert_int_equal(stat(fifo, &st), 0);
		fifo_ino = (unsigned long long)st.st_ino;
		make_link(dir, "proc/7/fd/12", "/tmp/f");
		write_file(dir, "proc/7/fdinfo/12", "flags:\t01\n", 10);
		snprintf(text, sizeof(text), "pipe:[%llu]", fifo_ino);
		make_link(dir, "proc/7/fd/13", text);
		write_file(dir, "proc/7/fdinfo/13", "flags:\t00\n", 10);
	}
	/* 4: a megabyte of fdinfo with no flags: line ('-'); 5: flags
	 * after 1 MiB of padding, past the read bound ('-' too) */
	big = xmalloc(big_len);
	memset(big, 'x', big_len);
	for (size_t i = 99; i < big_len; i += 100)
		big[i] = '\n';
	write_file(dir, "proc/7/fdinfo/4", big, big_len);
	memcpy(big + big_len - 12, "\nflags:\t01\n", 11);
	write_file(dir, "proc/7/fdinfo/5", big, big_len - 1);
	/* 6: an octal number too large for the flags, 10: not octal */
	write_file(dir, "proc/7/fdinfo/6", "flags:\t0777777777777\n", 21);
	write_file(dir, "proc/7/fdinfo/10", "flags:\t08\n", 10);
	free(big);

	eng = test_engine(dir);
	{
		struct test_rows rows;

		test_query_ok(eng, "SELECT path FROM process_open_files WHERE pid = 7 AND fd = 3",
			      &rows);
		assert_int_equal(rows.nrows, 1);
		assert_string_equal(rows.values[0], "/tmp/\xff\xfe\x01name");
		test_rows_free(&rows);
	}
	/* 4 and 5 share one mode ('-'): no row; 6 holds the largest inode
	 * and 10 a mode that is not octal, each alone; 11's fdinfo points
	 * out of the tree and reads as missing; 12 and 13 are alone too */
	snprintf(want, sizeof(want),
		 "7|6|-|9223372036854775807|anonymous|\n7|10|-|10|anonymous|\n"
		 "7|11|-|11|anonymous|\n7|12|w|%llu|named|\n7|13|r|%llu|anonymous|\n",
		 fifo_ino, fifo_ino);
	test_assert_query(eng,
			  "SELECT pid, fd, mode, inode, type, partner_mode FROM process_open_pipes "
			  "ORDER BY fd",
			  want);
	/* proc/9 -> /proc/self and proc/10/fd -> /proc/self/fd resolve
	 * inside the tree, where there is nothing */
	test_assert_query(eng, "SELECT pid, fd FROM process_open_files ORDER BY fd",
			  "7|3\n7|12\n");
	test_assert_query(eng, "SELECT count(*) FROM process_open_files WHERE pid IN (9, 10)",
			  "0\n");
	engine_free(eng);

	/* no /proc at all: no rows, no error */
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "rm -rf '%s/proc'", dir);
	free(test_run(cmd.buf));
	eng = test_engine(dir);
	test_assert_query(eng, "SELECT count(*) FROM process_open_files", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM process_open_files WHERE pid = 1", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM process_open_pipes", "0\n");
	engine_free(eng);
	remove_tree(dir);
	free(dir);
	strbuf_release(&cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(files_all),
		cmocka_unit_test(files_pid_constraint),
		cmocka_unit_test(files_pid_pushdown),
		cmocka_unit_test(pipes_all),
		cmocka_unit_test(pipes_without_fifos),
		cmocka_unit_test(sockets_not_on_a_tree),
		cmocka_unit_test(hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
