/*
 * test_output.c - the result formatters (lib/output.h) end to end:
 * literal SELECTs run through engine_exec into an output writing to an
 * open_memstream buffer, compared byte for byte.
 *
 * Covers every mode (pretty, json, csv, line, list), headers on/off,
 * separators and the null value, several statements in one call, JSON
 * escaping of quotes, backslashes, control bytes and bytes that are not
 * valid UTF-8 (the output must still be valid JSON: checked with
 * jansson), JSON keys in name order with duplicate names collapsing as
 * in a map, CSV quoting, and pretty/line alignment by display width
 * with wide (CJK, emoji) and zero-width (combining) characters.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "output.h"
#include "strbuf.h"
#include "testutil.h"
#include "banned.h"

struct capture {
	char *buf;
	size_t len;
	FILE *fp;
	struct output out;
};

static void cap_open(struct capture *c, enum output_mode mode)
{
	memset(c, 0, sizeof(*c));
	c->fp = open_memstream(&c->buf, &c->len);
	assert_non_null(c->fp);
	output_init(&c->out, mode, c->fp);
}

/* Runs sql into the capture; returns engine_exec's result. */
static int cap_run(struct capture *c, struct engine *eng, const char *sql)
{
	struct result_sink sink = output_sink(&c->out);
	struct strbuf err = STRBUF_INIT;
	int r = engine_exec(eng, sql, &sink, &err);

	if (r < 0)
		print_error("engine_exec: %s\n", err.buf);
	strbuf_release(&err);
	fflush(c->fp);
	return r;
}

static void cap_close(struct capture *c)
{
	output_release(&c->out);
	fclose(c->fp);
	free(c->buf);
}

/* Output of sql in mode, with the default settings. */
static void expect(struct engine *eng, enum output_mode mode, const char *sql, const char *want)
{
	struct capture c;

	cap_open(&c, mode);
	assert_int_equal(cap_run(&c, eng, sql), 0);
	if (strcmp(c.buf, want) != 0)
		fail_msg("%s output of\n  %s\nis\n%s\nwanted\n%s", output_mode_name(mode), sql,
			 c.buf, want);
	cap_close(&c);
}

static int setup(void **state)
{
	*state = test_engine(NULL);
	return 0;
}

static int teardown(void **state)
{
	engine_free(*state);
	return 0;
}

static void test_pretty(void **state)
{
	struct engine *eng = *state;

	expect(eng, OUT_PRETTY, "SELECT 1 AS a, 'xyz' AS bb, NULL AS c",
	       "+---+-----+---+\n"
	       "| a | bb  | c |\n"
	       "+---+-----+---+\n"
	       "| 1 | xyz |   |\n"
	       "+---+-----+---+\n");
	/* two rows; the wider value sets the width */
	expect(eng, OUT_PRETTY, "SELECT 'a' AS name UNION ALL SELECT 'longer'",
	       "+--------+\n"
	       "| name   |\n"
	       "+--------+\n"
	       "| a      |\n"
	       "| longer |\n"
	       "+--------+\n");
	/* no rows: nothing at all, as osqueryi */
	expect(eng, OUT_PRETTY, "SELECT 1 AS a WHERE 0", "");
}

static void test_pretty_wide_characters(void **state)
{
	struct engine *eng = *state;

	/* 日本 is 2 characters, 6 bytes, 4 columns; é as e + U+0301 is 1
	 * column; 🙂 is 2 columns */
	expect(eng, OUT_PRETTY,
	       "SELECT '日本' AS w, 'x' AS n UNION ALL SELECT 'e' || char(769), '🙂'",
	       "+------+----+\n"
	       "| w    | n  |\n"
	       "+------+----+\n"
	       "| 日本 | x  |\n"
	       "| e\xcc\x81    | 🙂 |\n"
	       "+------+----+\n");
	/* a wide header */
	expect(eng, OUT_PRETTY, "SELECT 1 AS \"名前\"",
	       "+------+\n"
	       "| 名前 |\n"
	       "+------+\n"
	       "| 1    |\n"
	       "+------+\n");
}

static void test_json(void **state)
{
	struct engine *eng = *state;

	/* keys sorted by name, every value a string, NULL as "" */
	expect(eng, OUT_JSON, "SELECT 2 AS b, 'x' AS a, NULL AS c, 1.5 AS d",
	       "[\n  {\"a\":\"x\",\"b\":\"2\",\"c\":\"\",\"d\":\"1.5\"}\n]\n");
	expect(eng, OUT_JSON, "SELECT 1 AS n UNION ALL SELECT 2",
	       "[\n  {\"n\":\"1\"},\n  {\"n\":\"2\"}\n]\n");
	/* duplicate names: one key, the last column's value, as in a map */
	expect(eng, OUT_JSON, "SELECT 1 AS a, 2 AS a", "[\n  {\"a\":\"2\"}\n]\n");
	expect(eng, OUT_JSON, "SELECT 1 AS a WHERE 0", "[\n\n]\n");
}

static void test_json_escaping(void **state)
{
	struct engine *eng = *state;
	struct capture c;
	json_error_t jerr;
	json_t *doc;

	expect(eng, OUT_JSON, "SELECT 'q\"b\\s/' AS v",
	       "[\n  {\"v\":\"q\\\"b\\\\s/\"}\n]\n");
	expect(eng, OUT_JSON, "SELECT char(10, 13, 9, 8, 12, 1, 31, 127) AS v",
	       "[\n  {\"v\":\"\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\"}\n]\n");
	/* valid UTF-8 passes through unescaped */
	expect(eng, OUT_JSON, "SELECT 'ünï 日本 🙂' AS v",
	       "[\n  {\"v\":\"ünï 日本 🙂\"}\n]\n");
	/* invalid bytes become \u00XX of the byte: a lone continuation byte,
	 * a truncated sequence, an overlong encoding, a surrogate */
	expect(eng, OUT_JSON,
	       "SELECT CAST(x'61ff62' AS TEXT) AS a, CAST(x'80' AS TEXT) AS b, "
	       "CAST(x'e697' AS TEXT) AS c, CAST(x'c0af' AS TEXT) AS d, "
	       "CAST(x'eda080' AS TEXT) AS e",
	       "[\n  {\"a\":\"a\\u00ffb\",\"b\":\"\\u0080\",\"c\":\"\\u00e6\\u0097\","
	       "\"d\":\"\\u00c0\\u00af\",\"e\":\"\\u00ed\\u00a0\\u0080\"}\n]\n");
	/* column names are escaped too */
	expect(eng, OUT_JSON, "SELECT 1 AS \"a\"\"b\"", "[\n  {\"a\\\"b\":\"1\"}\n]\n");

	/* whatever the bytes, the document parses as JSON */
	cap_open(&c, OUT_JSON);
	assert_int_equal(cap_run(&c, eng,
				 "SELECT CAST(x'00ff0a22005c80c3' AS TEXT) AS v, "
				 "char(0, 1, 2, 3) AS w"),
			 0);
	doc = json_loadb(c.buf, c.len, JSON_ALLOW_NUL, &jerr);
	if (!doc)
		fail_msg("invalid JSON (%s):\n%s", jerr.text, c.buf);
	assert_true(json_is_array(doc));
	assert_int_equal(json_array_size(doc), 1);
	json_decref(doc);
	cap_close(&c);
}

static void test_csv(void **state)
{
	struct engine *eng = *state;
	struct capture c;

	cap_open(&c, OUT_CSV);
	memcpy(c.out.separator, ",", 2);
	assert_int_equal(cap_run(&c, eng,
				 "SELECT 'plain' AS a, 'x,y' AS \"b,c\", 'say \"hi\"' AS d, "
				 "'two' || char(10) || 'lines' AS e, NULL AS f"),
			 0);
	assert_string_equal(c.buf, "a,\"b,c\",d,e,f\n"
				   "plain,\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
	cap_close(&c);

	/* headers off */
	cap_open(&c, OUT_CSV);
	memcpy(c.out.separator, ",", 2);
	c.out.headers = false;
	assert_int_equal(cap_run(&c, eng, "SELECT 1 AS a, 2 AS b UNION ALL SELECT 3, 4"), 0);
	assert_string_equal(c.buf, "1,2\n3,4\n");
	cap_close(&c);
}

static void test_list(void **state)
{
	struct engine *eng = *state;
	struct capture c;

	expect(eng, OUT_LIST, "SELECT 1 AS a, 'x' AS b, NULL AS c",
	       "a|b|c\n"
	       "1|x|\n");
	/* a custom separator and null value; no quoting in list mode */
	cap_open(&c, OUT_LIST);
	memcpy(c.out.separator, "::", 3);
	memcpy(c.out.nullvalue, "NULL", 5);
	assert_int_equal(cap_run(&c, eng, "SELECT 'a::b' AS x, NULL AS y"), 0);
	assert_string_equal(c.buf, "x::y\na::b::NULL\n");
	cap_close(&c);
	/* two statements: two header lines */
	expect(eng, OUT_LIST, "SELECT 1 AS a; SELECT 2 AS b", "a\n1\nb\n2\n");
}

static void test_line(void **state)
{
	struct engine *eng = *state;

	/* names right-aligned to the longest, a blank line between rows */
	expect(eng, OUT_LINE, "SELECT 1 AS a, 'x' AS longer UNION ALL SELECT 2, NULL",
	       "     a = 1\n"
	       "longer = x\n"
	       "\n"
	       "     a = 2\n"
	       "longer = \n");
	/* alignment by display width: 名前 is 4 columns */
	expect(eng, OUT_LINE, "SELECT 1 AS \"名前\", 2 AS id",
	       "名前 = 1\n"
	       "  id = 2\n");
}

static void test_multiple_statements_pretty(void **state)
{
	struct engine *eng = *state;

	expect(eng, OUT_PRETTY, "SELECT 1 AS a; SELECT 'bb' AS b",
	       "+---+\n| a |\n+---+\n| 1 |\n+---+\n"
	       "+----+\n| b  |\n+----+\n| bb |\n+----+\n");
}

static void test_mode_names(void **state)
{
	enum output_mode m = OUT_PRETTY;

	(void)state;
	for (int i = OUT_PRETTY; i <= OUT_LIST; i++) {
		assert_int_equal(output_mode_parse(output_mode_name((enum output_mode)i), &m), 0);
		assert_int_equal(m, i);
	}
	assert_string_equal(output_mode_name(OUT_JSON), "json");
	m = OUT_CSV;
	assert_int_equal(output_mode_parse("xml", &m), -EINVAL);
	assert_int_equal(m, OUT_CSV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_pretty_wide_characters),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_multiple_statements_pretty),
		cmocka_unit_test(test_mode_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
