/*
 * test_live_time.c - the time table against date(1) at the same moment.
 *
 * The row's unix_time must fall between time() before and after the
 * query; every other column is then compared with what GNU date prints
 * for that same second (LC_ALL=C, -u): weekday, the broken-down fields,
 * the asctime-style timestamp, the ISO datetime (and its alias
 * date_time) and iso_8601. local_timezone is compared with date +%Z for
 * the process's TZ, and again after switching TZ.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"
#include "strparse.h"
#include "testutil.h"
#include "banned.h"

/* date(1) output for second t; fmt must not contain single quotes */
static char *date_at(int64_t t, const char *tz, const char *fmt)
{
	struct strbuf cmd = STRBUF_INIT;
	char *out;

	strbuf_addf(&cmd, "LC_ALL=C %s%s%sdate %s -d @%lld '+%s'", tz ? "TZ='" : "",
		    tz ? tz : "", tz ? "' " : "", tz ? "" : "-u", (long long)t, fmt);
	out = test_run(cmd.buf);
	strbuf_release(&cmd);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static int64_t to_i(const char *s)
{
	int64_t v;

	if (!s || parse_int64(s, &v) < 0)
		fail_msg("not an integer: %s", s ? s : "(NULL)");
	return v;
}

static void test_time_matches_date(void **state)
{
	static const struct {
		const char *col, *fmt;
		bool numeric;
	} fields[] = {
		{ "weekday", "%A", false },
		{ "year", "%Y", true },
		{ "month", "%m", true },
		{ "day", "%d", true },
		{ "hour", "%H", true },
		{ "minutes", "%M", true },
		{ "seconds", "%S", true },
		{ "timestamp", "%a %b %e %H:%M:%S %Y UTC", false },
		{ "datetime", "%Y-%m-%dT%H:%M:%SZ", false },
		{ "date_time", "%Y-%m-%dT%H:%M:%SZ", false },
		{ "iso_8601", "%Y-%m-%dT%H:%M:%SZ", false },
	};
	struct engine *eng = test_engine(NULL);
	struct test_rows rows;
	int64_t before, after, t;

	(void)state;
	before = (int64_t)time(NULL);
	test_query_ok(eng, "SELECT *, date_time, win_timestamp FROM time", &rows);
	after = (int64_t)time(NULL);
	assert_int_equal(rows.nrows, 1);
	t = to_i(test_get(&rows, 0, "unix_time"));
	assert_true(t >= before && t <= after);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *got = test_get(&rows, 0, fields[i].col);
		char *want = date_at(t, NULL, fields[i].fmt);

		if (!got)
			fail_msg("%s is NULL", fields[i].col);
		if (fields[i].numeric ? to_i(got) != to_i(want) : strcmp(got, want) != 0)
			fail_msg("%s: spoor says \"%s\", date says \"%s\"", fields[i].col, got,
				 want);
		free(want);
	}
	assert_string_equal(test_get(&rows, 0, "timezone"), "UTC");
	/* a Windows column: declared, never filled */
	assert_null(test_get(&rows, 0, "win_timestamp"));
	test_rows_free(&rows);
	engine_free(eng);
}

static void check_local_timezone(struct engine *eng, const char *tz)
{
	struct test_rows rows;
	char *want;
	int64_t t;

	test_query_ok(eng, "SELECT unix_time, local_timezone FROM time", &rows);
	t = to_i(test_get(&rows, 0, "unix_time"));
	want = date_at(t, tz, "%Z");
	/* osquery falls back to "UTC" when there is no abbreviation */
	if (!*want) {
		free(want);
		want = strdup("UTC");
	}
	assert_string_equal(test_get(&rows, 0, "local_timezone"), want);
	free(want);
	test_rows_free(&rows);
}

static void test_local_timezone(void **state)
{
	struct engine *eng = test_engine(NULL);
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;

	(void)state;
	check_local_timezone(eng, saved);
	/* the table follows the process's TZ as it changes */
	setenv("TZ", "Asia/Kolkata", 1);
	check_local_timezone(eng, "Asia/Kolkata");
	setenv("TZ", "America/New_York", 1);
	check_local_timezone(eng, "America/New_York");
	setenv("TZ", "UTC0", 1);
	check_local_timezone(eng, "UTC0");
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_matches_date),
		cmocka_unit_test(test_local_timezone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
