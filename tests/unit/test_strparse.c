/*
 * test_strparse.c - the span tokenizers (lib/strparse.h).
 *
 * Every span_* function and the whole-string parsers: normal input,
 * empty input, a missing delimiter, numbers at and past their limits,
 * and the two promises every parser makes: it never reads past the
 * span's end (the buffers here continue past it with digits and
 * delimiters that would change the result), and on failure the span
 * and the ret_* outputs are left untouched.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "strparse.h"
#include "banned.h"

/* a span over the first n bytes of s (s continues past them) */
static struct span sp_n(const char *s, size_t n)
{
	return span_make(s, n);
}

static void assert_span(const struct span *sp, const char *want)
{
	assert_int_equal(span_len(sp), strlen(want));
	assert_memory_equal(sp->p, want, strlen(want));
}

static void test_make_len_empty(void **state)
{
	const char *s = "hello";
	struct span sp = span_cstr(s), e = span_cstr("");

	(void)state;
	assert_ptr_equal(sp.p, s);
	assert_ptr_equal(sp.end, s + 5);
	assert_int_equal(span_len(&sp), 5);
	assert_false(span_empty(&sp));
	assert_int_equal(span_len(&e), 0);
	assert_true(span_empty(&e));
	sp = span_make(s, 0);
	assert_true(span_empty(&sp));
}

static void test_skip(void **state)
{
	struct span sp = span_cstr(" \t x");
	struct span nl = span_cstr(" \n\t\r\v\fy");
	struct span none = span_cstr("z ");
	struct span e = span_cstr("");
	struct span bounded = sp_n("   x", 2);

	(void)state;
	assert_int_equal(span_skip_blanks(&sp), 3);
	assert_span(&sp, "x");
	/* blanks are space and tab only */
	assert_int_equal(span_skip_blanks(&nl), 1);
	assert_int_equal(span_skip_space(&nl), 5);
	assert_span(&nl, "y");
	assert_int_equal(span_skip_blanks(&none), 0);
	assert_int_equal(span_skip_space(&none), 0);
	assert_int_equal(span_skip_space(&e), 0);
	/* stops at the end, not at the third blank */
	assert_int_equal(span_skip_blanks(&bounded), 2);
	assert_true(span_empty(&bounded));
}

static void test_word(void **state)
{
	struct span sp = span_cstr("  alpha\tbeta\n gamma  "), w;
	struct span blank = span_cstr(" \t\n "), e = span_cstr("");
	struct span bounded = sp_n("abcdef", 3);
	const char *before;

	(void)state;
	assert_int_equal(span_word(&sp, &w), 0);
	assert_span(&w, "alpha");
	assert_int_equal(span_word(&sp, &w), 0);
	assert_span(&w, "beta");
	/* the implementation skips any whitespace before a word, newlines
	 * included */
	assert_int_equal(span_word(&sp, &w), 0);
	assert_span(&w, "gamma");
	before = sp.p;
	assert_int_equal(span_word(&sp, &w), -ENOENT);
	assert_ptr_equal(sp.p, before);
	assert_int_equal(span_word(&blank, &w), -ENOENT);
	assert_span(&blank, " \t\n ");
	assert_int_equal(span_word(&e, &w), -ENOENT);
	assert_int_equal(span_word(&bounded, &w), 0);
	assert_span(&w, "abc");
	assert_true(span_empty(&bounded));
}

static void test_until_and_line(void **state)
{
	struct span sp = span_cstr("a:bb::c"), f;
	struct span lines = span_cstr("one\n\nthree\nlast");
	struct span nodelim = span_cstr("no delimiter");
	struct span trailing = span_cstr("x\n");
	struct span bounded = sp_n("ab:cd", 2);
	struct span e = span_cstr("");

	(void)state;
	assert_int_equal(span_until(&sp, ':', &f), 0);
	assert_span(&f, "a");
	assert_int_equal(span_until(&sp, ':', &f), 0);
	assert_span(&f, "bb");
	assert_int_equal(span_until(&sp, ':', &f), 0);
	assert_span(&f, ""); /* an empty field between two delimiters */
	assert_int_equal(span_until(&sp, ':', &f), 0);
	assert_span(&f, "c");
	assert_int_equal(span_until(&sp, ':', &f), -ENOENT);

	/* no delimiter: the rest of the span */
	assert_int_equal(span_until(&nodelim, ',', &f), 0);
	assert_span(&f, "no delimiter");
	assert_true(span_empty(&nodelim));
	/* the delimiter past the end is not seen */
	assert_int_equal(span_until(&bounded, ':', &f), 0);
	assert_span(&f, "ab");
	assert_int_equal(span_until(&e, ':', &f), -ENOENT);

	assert_int_equal(span_line(&lines, &f), 0);
	assert_span(&f, "one");
	assert_int_equal(span_line(&lines, &f), 0);
	assert_span(&f, "");
	assert_int_equal(span_line(&lines, &f), 0);
	assert_span(&f, "three");
	assert_int_equal(span_line(&lines, &f), 0);
	assert_span(&f, "last"); /* no final newline */
	assert_int_equal(span_line(&lines, &f), -ENOENT);
	/* a final newline ends the last line; nothing follows it */
	assert_int_equal(span_line(&trailing, &f), 0);
	assert_span(&f, "x");
	assert_int_equal(span_line(&trailing, &f), -ENOENT);
}

static void test_expect(void **state)
{
	struct span sp = span_cstr("(x"), e = span_cstr("");
	struct span bounded = sp_n(")", 0);

	(void)state;
	assert_int_equal(span_expect(&sp, '('), 0);
	assert_span(&sp, "x");
	assert_int_equal(span_expect(&sp, ')'), -EINVAL);
	assert_span(&sp, "x");
	assert_int_equal(span_expect(&e, 'x'), -EINVAL);
	assert_int_equal(span_expect(&bounded, ')'), -EINVAL);
}

static void test_uint64(void **state)
{
	struct span sp = span_cstr("12345 rest"), max = span_cstr("18446744073709551615");
	struct span over = span_cstr("18446744073709551616");
	struct span huge = span_cstr("99999999999999999999999");
	struct span bad = span_cstr("x1"), sign = span_cstr("-1"), blank = span_cstr(" 1");
	struct span e = span_cstr(""), bounded = sp_n("12345", 3), zeros = span_cstr("007");
	uint64_t v = 77;

	(void)state;
	assert_int_equal(span_uint64(&sp, &v), 0);
	assert_int_equal(v, 12345);
	assert_span(&sp, " rest");
	assert_int_equal(span_uint64(&max, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_true(span_empty(&max));
	assert_int_equal(span_uint64(&zeros, &v), 0);
	assert_int_equal(v, 7);

	v = 77;
	assert_int_equal(span_uint64(&over, &v), -ERANGE);
	assert_int_equal(v, 77);
	assert_span(&over, "18446744073709551616");
	assert_int_equal(span_uint64(&huge, &v), -ERANGE);
	assert_int_equal(span_uint64(&bad, &v), -EINVAL);
	assert_span(&bad, "x1");
	assert_int_equal(span_uint64(&sign, &v), -EINVAL);
	assert_int_equal(span_uint64(&blank, &v), -EINVAL); /* no skipping */
	assert_int_equal(span_uint64(&e, &v), -EINVAL);
	assert_int_equal(v, 77);
	assert_int_equal(span_uint64(&bounded, &v), 0);
	assert_int_equal(v, 123);
}

static void test_int64(void **state)
{
	struct span pos = span_cstr("+42,"), neg = span_cstr("-17");
	struct span min = span_cstr("-9223372036854775808");
	struct span max = span_cstr("9223372036854775807");
	struct span over = span_cstr("9223372036854775808");
	struct span under = span_cstr("-9223372036854775809");
	struct span lone = span_cstr("-"), e = span_cstr(""), bounded = sp_n("-12", 1);
	int64_t v = 5;

	(void)state;
	assert_int_equal(span_int64(&pos, &v), 0);
	assert_int_equal(v, 42);
	assert_span(&pos, ",");
	assert_int_equal(span_int64(&neg, &v), 0);
	assert_int_equal(v, -17);
	assert_int_equal(span_int64(&min, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(span_int64(&max, &v), 0);
	assert_true(v == INT64_MAX);

	v = 5;
	assert_int_equal(span_int64(&over, &v), -ERANGE);
	assert_span(&over, "9223372036854775808");
	assert_int_equal(span_int64(&under, &v), -ERANGE);
	assert_span(&under, "-9223372036854775809");
	assert_int_equal(span_int64(&lone, &v), -EINVAL);
	assert_span(&lone, "-"); /* the sign is not consumed on failure */
	assert_int_equal(span_int64(&e, &v), -EINVAL);
	assert_int_equal(span_int64(&bounded, &v), -EINVAL); /* "-" then the end */
	assert_int_equal(v, 5);
}

static void test_hex64(void **state)
{
	struct span sp = span_cstr("1aF/"), max = span_cstr("ffffffffffffffff");
	struct span over = span_cstr("10000000000000000"), lead = span_cstr("0000000000000000001");
	struct span prefix = span_cstr("0x10"), bad = span_cstr("g"), e = span_cstr("");
	struct span bounded = sp_n("abcd", 2);
	uint64_t v = 9;

	(void)state;
	assert_int_equal(span_hex64(&sp, &v), 0);
	assert_int_equal(v, 0x1af);
	assert_span(&sp, "/");
	assert_int_equal(span_hex64(&max, &v), 0);
	assert_true(v == UINT64_MAX);
	/* leading zeros do not count toward the 64 bits */
	assert_int_equal(span_hex64(&lead, &v), 0);
	assert_int_equal(v, 1);
	/* no prefix: "0x10" is 0, stopping at 'x' */
	assert_int_equal(span_hex64(&prefix, &v), 0);
	assert_int_equal(v, 0);
	assert_span(&prefix, "x10");

	v = 9;
	assert_int_equal(span_hex64(&over, &v), -ERANGE);
	assert_span(&over, "10000000000000000");
	assert_int_equal(span_hex64(&bad, &v), -EINVAL);
	assert_int_equal(span_hex64(&e, &v), -EINVAL);
	assert_int_equal(v, 9);
	assert_int_equal(span_hex64(&bounded, &v), 0);
	assert_int_equal(v, 0xab);
}

static void test_trim_eq_startswith(void **state)
{
	struct span sp = span_cstr(" \t value \n"), all = span_cstr(" \n\t "), e = span_cstr("");
	struct span bounded = sp_n("abc", 2);

	(void)state;
	span_trim(&sp);
	assert_span(&sp, "value");
	span_trim(&all);
	assert_true(span_empty(&all));
	span_trim(&e);
	assert_true(span_empty(&e));

	assert_true(span_eq(&sp, "value"));
	assert_false(span_eq(&sp, "valu"));
	assert_false(span_eq(&sp, "values"));
	assert_true(span_eq(&e, ""));
	assert_true(span_eq(&bounded, "ab"));
	assert_false(span_eq(&bounded, "abc"));

	assert_true(span_startswith(&sp, "val"));
	assert_true(span_startswith(&sp, ""));
	assert_true(span_startswith(&sp, "value"));
	assert_false(span_startswith(&sp, "values"));
	assert_false(span_startswith(&bounded, "abc"));
}

static void test_kv(void **state)
{
	struct span line = span_cstr("MemTotal:   24570412 kB  "), k, v;
	struct span multi = span_cstr("a=b=c"), nosep = span_cstr("no separator");
	struct span empty_val = span_cstr("key:"), bounded = sp_n("ab:cd", 2);
	struct span keep_k = span_cstr("K"), keep_v = span_cstr("V");

	(void)state;
	assert_int_equal(span_kv(&line, ':', &k, &v), 0);
	assert_span(&k, "MemTotal");
	assert_span(&v, "24570412 kB");
	/* the line itself is not consumed */
	assert_span(&line, "MemTotal:   24570412 kB  ");
	/* split at the first separator */
	assert_int_equal(span_kv(&multi, '=', &k, &v), 0);
	assert_span(&k, "a");
	assert_span(&v, "b=c");
	assert_int_equal(span_kv(&empty_val, ':', &k, &v), 0);
	assert_span(&k, "key");
	assert_true(span_empty(&v));

	k = keep_k;
	v = keep_v;
	assert_int_equal(span_kv(&nosep, ':', &k, &v), -EINVAL);
	assert_span(&k, "K");
	assert_span(&v, "V");
	/* the separator past the end is not seen */
	assert_int_equal(span_kv(&bounded, ':', &k, &v), -EINVAL);
}

static void test_parse_whole(void **state)
{
	int64_t i = 3;
	uint64_t u = 3;

	(void)state;
	assert_int_equal(parse_int64("42", &i), 0);
	assert_int_equal(i, 42);
	assert_int_equal(parse_int64("  -7 \n", &i), 0);
	assert_int_equal(i, -7);
	assert_int_equal(parse_int64("-9223372036854775808", &i), 0);
	assert_true(i == INT64_MIN);
	i = 3;
	assert_int_equal(parse_int64("", &i), -EINVAL);
	assert_int_equal(parse_int64("   ", &i), -EINVAL);
	assert_int_equal(parse_int64("42x", &i), -EINVAL);
	assert_int_equal(parse_int64("4 2", &i), -EINVAL);
	assert_int_equal(parse_int64("0x10", &i), -EINVAL);
	assert_int_equal(parse_int64("9223372036854775808", &i), -ERANGE);
	assert_int_equal(i, 3);

	assert_int_equal(parse_uint64("18446744073709551615", &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(parse_uint64(" 12 ", &u), 0);
	assert_int_equal(u, 12);
	u = 3;
	assert_int_equal(parse_uint64("-1", &u), -EINVAL);
	assert_int_equal(parse_uint64("18446744073709551616", &u), -ERANGE);
	assert_int_equal(parse_uint64("", &u), -EINVAL);
	assert_int_equal(parse_uint64("1.5", &u), -EINVAL);
	assert_int_equal(u, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_len_empty),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_word),
		cmocka_unit_test(test_until_and_line),
		cmocka_unit_test(test_expect),
		cmocka_unit_test(test_uint64),
		cmocka_unit_test(test_int64),
		cmocka_unit_test(test_hex64),
		cmocka_unit_test(test_trim_eq_startswith),
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_parse_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
