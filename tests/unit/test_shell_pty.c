/*
 * test_shell_pty.c - the interactive shell as a person uses it: spoor runs
 * on a pseudo-terminal; the test types, presses TAB, and reads the screen.
 * Asserts the prompt, tab completion of table and meta command names,
 * the continuation prompt of a multi-line statement, results, .quit, and
 * the history file.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"
#include "testutil.h"

struct term {
	int fd;
	pid_t pid;
	struct strbuf screen;
};

/* Reads until `want` appears in the screen after offset `from`, or 10 s. */
static bool wait_for(struct term *t, size_t from, const char *want)
{
	time_t deadline = time(NULL) + 10;

	while (time(NULL) < deadline) {
		struct pollfd p = { .fd = t->fd, .events = POLLIN };
		char buf[4096];
		ssize_t n;

		if (t->screen.len >= from && strstr(t->screen.buf + from, want))
			return true;
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(t->fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		strbuf_add(&t->screen, buf, (size_t)n);
	}
	return t->screen.len >= from && strstr(t->screen.buf + from, want);
}

static void type(struct term *t, const char *s)
{
	assert_int_equal(write(t->fd, s, strlen(s)), (ssize_t)strlen(s));
}

static void shell_session(void **state)
{
	char home[] = "/tmp/spoor-pty-XXXXXX";
	const char *bin = getenv("SPOOR_BIN");
	struct term t = { .screen = STRBUF_INIT };
	struct strbuf hist = STRBUF_INIT;
	size_t mark;
	int status;

	(void)state;
	assert_non_null(bin);
	assert_non_null(mkdtemp(home));
	t.pid = forkpty(&t.fd, NULL, NULL, NULL);
	assert_true(t.pid >= 0);
	if (t.pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setenv("HOME", home, 1);
		setenv("TERM", "dumb", 1);
		execl(bin, bin, (char *)NULL);
		_exit(127);
	}
	assert_true(wait_for(&t, 0, "spoor> "));

	/* TAB completes a unique table name */
	mark = t.screen.len;
	type(&t, "select total_seconds > 0 from upt\t");
	assert_true(wait_for(&t, mark, "uptime "));
	type(&t, ";\r");
	assert_true(wait_for(&t, mark, "| 1 "));

	/* a statement over several lines gets the continuation prompt */
	mark = t.screen.len;
	type(&t, "select 6 *\r");
	assert_true(wait_for(&t, mark, "   ...> "));
	type(&t, "7 as answer;\r");
	assert_true(wait_for(&t, mark, "| 42 "));

	/* meta commands complete too, and run */
	mark = t.screen.len;
	type(&t, ".tab\t");
	assert_true(wait_for(&t, mark, ".tables "));
	type(&t, "load\r");
	assert_true(wait_for(&t, mark, "=> load_average"));

	type(&t, ".quit\r");
	assert_int_equal(waitpid(t.pid, &status, 0), t.pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* the history file holds what was typed */
	strbuf_addf(&hist, "%s/.spoor_history", home);
	{
		char *h = test_read_file(hist.buf);

		/* libedit stores lines vis(3)-encoded: spaces as \\040 */
		assert_non_null(strstr(h, "answer;"));
		assert_non_null(strstr(h, "_HiStOrY_V2_"));
		free(h);
	}
	unlink(hist.buf);
	rmdir(home);
	strbuf_release(&hist);
	strbuf_release(&t.screen);
	close(t.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shell_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
