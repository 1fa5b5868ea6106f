/*
 * test_strbuf.c - bounded growable buffers (lib/strbuf.h).
 *
 * The contract: buf is always a NUL-terminated string, also when empty;
 * appends up to the maximum succeed and one byte more fails with -E2BIG,
 * appends nothing and sets the sticky toobig flag (cleared by reset);
 * detach hands over a malloc'd string and leaves the buffer empty and
 * reusable; release makes it empty and reusable too.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "banned.h"

static void test_empty_is_a_string(void **state)
{
	struct strbuf a = STRBUF_INIT, b;

	(void)state;
	strbuf_init(&b, 0);
	assert_non_null(a.buf);
	assert_string_equal(a.buf, "");
	assert_int_equal(a.len, 0);
	assert_false(a.toobig);
	assert_true(a.max == STRBUF_MAX_DEFAULT);
	assert_true(b.max == STRBUF_MAX_DEFAULT);
	assert_string_equal(b.buf, "");
	/* releasing a never-grown buffer is fine, twice */
	strbuf_release(&a);
	strbuf_release(&a);
	assert_string_equal(a.buf, "");
}

static void test_appends(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char bin[] = { 'a', '\0', 'b' };

	(void)state;
	assert_int_equal(strbuf_addstr(&sb, "hello"), 0);
	assert_int_equal(strbuf_addch(&sb, ' '), 0);
	assert_int_equal(strbuf_addf(&sb, "%d-%s", 42, "x"), 0);
	assert_string_equal(sb.buf, "hello 42-x");
	assert_int_equal(sb.len, 10);
	assert_int_equal(strbuf_add(&sb, "", 0), 0);
	assert_int_equal(sb.len, 10);
	/* embedded NUL bytes are kept; the buffer stays terminated */
	assert_int_equal(strbuf_add(&sb, bin, sizeof(bin)), 0);
	assert_int_equal(sb.len, 13);
	assert_memory_equal(sb.buf + 10, bin, 3);
	assert_int_equal(sb.buf[13], '\0');
	/* growth past the first allocation keeps the content */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(strbuf_addch(&sb, 'z'), 0);
	assert_int_equal(sb.len, 1013);
	assert_memory_equal(sb.buf, "hello 42-x", 10);
	assert_int_equal(sb.buf[1012], 'z');
	assert_int_equal(sb.buf[1013], '\0');
	assert_true(sb.alloc > sb.len);
	strbuf_release(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	/* usable after release */
	assert_int_equal(strbuf_addstr(&sb, "again"), 0);
	assert_string_equal(sb.buf, "again");
	strbuf_release(&sb);
}

static void test_bound_and_toobig(void **state)
{
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb, 8);
	assert_int_equal(strbuf_addstr(&sb, "12345678"), 0); /* exactly max */
	assert_false(sb.toobig);
	assert_int_equal(strbuf_addch(&sb, '9'), -E2BIG);
	assert_true(sb.toobig);
	assert_int_equal(sb.len, 8);
	assert_string_equal(sb.buf, "12345678");
	/* sticky: a later append that fits does not clear it */
	strbuf_setlen(&sb, 4);
	assert_int_equal(strbuf_addch(&sb, 'x'), 0);
	assert_true(sb.toobig);
	assert_string_equal(sb.buf, "1234x");
	/* addf past the bound appends nothing */
	assert_int_equal(strbuf_addf(&sb, "%s", "abcdefgh"), -E2BIG);
	assert_string_equal(sb.buf, "1234x");
	/* reset empties and clears the flag, keeps the bound */
	strbuf_reset(&sb);
	assert_false(sb.toobig);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.max, 8);
	assert_int_equal(strbuf_add(&sb, "123456789", 9), -E2BIG);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	assert_int_equal(sb.max, 8);
}

static void test_grow_overflow(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(strbuf_addstr(&sb, "x"), 0);
	/* sizes that would overflow len + extra are refused, not wrapped */
	assert_int_equal(strbuf_grow(&sb, SIZE_MAX), -E2BIG);
	assert_int_equal(strbuf_grow(&sb, STRBUF_MAX_DEFAULT), -E2BIG);
	assert_true(sb.toobig);
	assert_string_equal(sb.buf, "x");
	strbuf_reset(&sb);
	assert_int_equal(strbuf_grow(&sb, 100), 0);
	assert_true(sb.alloc >= 101);
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

static void test_setlen_rtrim(void **state)
{
	struct strbuf sb = STRBUF_INIT, empty = STRBUF_INIT;

	(void)state;
	strbuf_addstr(&sb, "value \t\n\r ");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "value");
	assert_int_equal(sb.len, 5);
	strbuf_setlen(&sb, 2);
	assert_string_equal(sb.buf, "va");
	/* growing via setlen is refused */
	strbuf_setlen(&sb, 10);
	assert_int_equal(sb.len, 2);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "   ");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "");
	/* on a never-grown buffer both are harmless */
	strbuf_rtrim(&empty);
	strbuf_setlen(&empty, 0);
	assert_string_equal(empty.buf, "");
	strbuf_release(&sb);
}

static void test_detach(void **state)
{
	struct strbuf sb;
	size_t len = 99;
	char *p;

	(void)state;
	strbuf_init(&sb, 16);
	strbuf_addstr(&sb, "owned");
	p = strbuf_detach(&sb, &len);
	assert_string_equal(p, "owned");
	assert_int_equal(len, 5);
	/* the buffer is empty, keeps its bound, and no longer owns p */
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.max, 16);
	assert_ptr_not_equal(sb.buf, p);
	strbuf_addstr(&sb, "new");
	assert_string_equal(p, "owned");
	free(p);
	strbuf_release(&sb);

	/* an empty, never-grown buffer still detaches a free()able "" */
	p = strbuf_detach(&sb, NULL);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_ptr_not_equal(p, strbuf_empty_);
	free(p);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_a_string),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_bound_and_toobig),
		cmocka_unit_test(test_grow_overflow),
		cmocka_unit_test(test_setlen_rtrim),
		cmocka_unit_test(test_detach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
