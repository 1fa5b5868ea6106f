/*
 * sqlfn_ops.c - osquery's operation SQL functions: sleep and carve.
 *
 *   SELECT sleep(2);                       -- waits 2 s, returns 2
 *   SELECT carve(path) FROM file WHERE path = '/etc/passwd';
 *   -- 'Carve Failed:'
 *
 * As in osquery (osquery/sql/sqlite_operations.cpp):
 *  - sleep(n) sleeps n whole seconds (n read as an integer, so NULL and
 *    text are 0) and returns n; a negative n returns 0 at once. It is not
 *    deterministic.
 *  - carve(path) is an aggregate that would hand the paths to osquery's
 *    file carver. osquery ships it disabled (--carver_disable_function
 *    defaults to true) and spoor has no carver, so it always ends with
 *    osquery's disabled answer, which osquery truncates to 13 bytes:
 *    'Carve Failed:'.
 */
#include <errno.h>
#include <time.h>

#include <sqlite3.h>

#include "sqlfn.h"
#include "banned.h"

static void sleep_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct timespec left;
	int seconds;

	(void)argc;
	seconds = sqlite3_value_int(argv[0]);
	if (seconds < 0) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	left.tv_sec = seconds;
	left.tv_nsec = 0;
	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
	sqlite3_result_int(ctx, seconds);
}

static void carve_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
}

static void carve_final(sqlite3_context *ctx)
{
	static const char msg[] = "Carve Failed: function disabled";

	sqlite3_result_text(ctx, msg, 13, SQLITE_STATIC);
}

int sqlfn_register_ops(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "sleep", 1, SQLITE_UTF8, NULL, sleep_fn, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "carve", 1, SQLITE_UTF8, NULL, NULL, carve_step,
		                             carve_final);
	return rc;
}
