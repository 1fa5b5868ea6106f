/*
 * test_procfd.c - the descriptor-link parser of lib/procfd.h.
 *
 * procfd_link_inode reads the "<type>:[<number>]" texts the kernel gives
 * sockets, pipes and namespaces. It must take exactly that form within
 * the given length (the buffers here continue past it), numbers within
 * 63 bits, and leave its output untouched on failure. The directory walk
 * itself is tested on captured trees (tests/golden/test_golden_process_fds.c)
 * and on the live host (tests/live/test_live_process_fds.c).
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "procfd.h"

static int parse(const char *s, const char *type, uint64_t *ret)
{
	return procfd_link_inode(s, strlen(s), type, ret);
}

static void link_inode(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(parse("socket:[12345]", "socket", &v), 0);
	assert_int_equal(v, 12345);
	assert_int_equal(parse("pipe:[0]", "pipe", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("net:[4026531840]", "net", &v), 0);
	assert_int_equal(v, 4026531840ULL);
	assert_int_equal(parse("pipe:[9223372036854775807]", "pipe", &v), 0);
	assert_int_equal(v, 9223372036854775807ULL);
}

static void link_inode_rejects(void **state)
{
	static const char *const bad[] = {
		"socket:[]",	  "socket:[12",	    "socket:[12]x",	"socket:12]",
		"socket[12]",	  "sockets:[12]",   "socket:[ 12]",	"socket:[-1]",
		"socket:[1 2]",	  "socket:[0x1f]",  "Socket:[12]",	"socket:",
		"/tmp/socket:[1]", "pipe:[12]",	    "socket:[9223372036854775808]",
		"socket:[18446744073709551616]",   "",
	};
	uint64_t v = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], "socket", &v) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(v, 7);
	}
}

/* The length bounds the read: the text continues past it. */
static void link_inode_bounded(void **state)
{
	const char *s = "socket:[123]456]";
	uint64_t v = 7;

	(void)state;
	assert_int_equal(procfd_link_inode(s, 12, "socket", &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(procfd_link_inode(s, 11, "socket", &v), -EINVAL);
	assert_int_equal(procfd_link_inode(s, 16, "socket", &v), -EINVAL);
	assert_int_equal(procfd_link_inode(s, 0, "socket", &v), -EINVAL);
	assert_int_equal(procfd_link_inode(s, 5, "socket", &v), -EINVAL);
	assert_int_equal(v, 123);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(link_inode),
		cmocka_unit_test(link_inode_rejects),
		cmocka_unit_test(link_inode_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
