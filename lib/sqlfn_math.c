/*
 * sqlfn_math.c - osquery's math SQL functions: sqrt, log, log10, exp,
 * power, pi, ceil, floor, sin, cos, tan, cot, asin, acos, atan, degrees,
 * radians.
 *
 *   SELECT log(100), log10(100), power(2, 10), ceil(1.2);
 *   -- 4.60517018598809, 2.0, 1024.0, 2
 *
 * Semantics are osquery's (osquery/sql/sqlite_math.cpp), which replace
 * SQLite's own math functions of the same name and arity:
 *  - log is the natural logarithm (SQLite's built-in log(X) is base 10).
 *  - NULL gives NULL; any other value is read as a double (text that is
 *    no number reads as 0.0).
 *  - A domain or range error reported by the C library through errno is
 *    an SQL error carrying strerror's text: sqrt(-1) and log(-1) fail
 *    with "Numerical argument out of domain", log(0), exp(1e6) and
 *    power(10, 400) with "Numerical result out of range". They are not
 *    NULL. Results that overflow without errno stay infinite: cot(0) is
 *    Inf, and exp is computed in long double, so exp(1000) is Inf too.
 *  - ceil and floor return INTEGER: an INTEGER argument unchanged, any
 *    other value rounded and truncated to 64 bits; NaN and values out of
 *    range become -9223372036854775808, what osquery's x86-64 build gives.
 *  - tan and exp use tanl/expl, as osquery does, so last-bit rounding
 *    matches it.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "sqlfn.h"
#include "banned.h"

static double tan_l(double x)
{
	return (double)tanl((long double)x);
}

static double exp_l(double x)
{
	return (double)expl((long double)x);
}

static double cot(double x)
{
	return 1.0 / tan(x);
}

static double degrees(double x)
{
	return 180.0 * x / M_PI;
}

static double radians(double x)
{
	return x * M_PI / 180.0;
}

static const struct {
	const char *name;
	double (*fn)(double);
} unary_fns[] = {
    {"sqrt", sqrt},   {"acos", acos},       {"asin", asin},       {"atan", atan}, {"cos", cos},
    {"sin", sin},     {"tan", tan_l},       {"cot", cot},         {"exp", exp_l}, {"log", log},
    {"log10", log10}, {"degrees", degrees}, {"radians", radians},
};

static void math_error(sqlite3_context *ctx, int err)
{
	char buf[128];

	/* GNU strerror_r: returns the message, maybe not in buf */
	sqlite3_result_error(ctx, strerror_r(err, buf, sizeof(buf)), -1);
}

static void unary_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	double (*fn)(double) = unary_fns[(uintptr_t)sqlite3_user_data(ctx)].fn;
	double x, y;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	x = sqlite3_value_double(argv[0]);
	errno = 0;
	y = fn(x);
	if (errno != 0) {
		math_error(ctx, errno);
		return;
	}
	sqlite3_result_double(ctx, y);
}

static void power_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	double x, y, r;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	x = sqlite3_value_double(argv[0]);
	y = sqlite3_value_double(argv[1]);
	errno = 0;
	r = pow(x, y);
	if (errno != 0) {
		math_error(ctx, errno);
		return;
	}
	sqlite3_result_double(ctx, r);
}

/* (int64_t)v the way x86-64's cvttsd2si does it: out of range is INT64_MIN */
static sqlite3_int64 to_int64(double v)
{
	if (!(v >= -0x1p63 && v < 0x1p63))
		return INT64_MIN;
	return (sqlite3_int64)v;
}

static void rounding_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bool up = sqlite3_user_data(ctx) != NULL;

	(void)argc;
	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_NULL:
		sqlite3_result_null(ctx);
		return;
	case SQLITE_INTEGER:
		sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]));
		return;
	default: {
		double x = sqlite3_value_double(argv[0]);

		sqlite3_result_int64(ctx, to_int64(up ? ceil(x) : floor(x)));
		return;
	}
	}
}

static void pi_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_double(ctx, M_PI);
}

int sqlfn_register_math(sqlite3 *db)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc = SQLITE_OK;

	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(unary_fns) / sizeof(unary_fns[0]); i++)
		rc = sqlite3_create_function(db, unary_fns[i].name, 1, flags, (void *)(uintptr_t)i,
		                             unary_fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "power", 2, flags, NULL, power_fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "ceil", 1, flags, (void *)(uintptr_t)1,
		                             rounding_fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "floor", 1, flags, NULL, rounding_fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "pi", 0, flags, NULL, pi_fn, NULL, NULL);
	return rc;
}
