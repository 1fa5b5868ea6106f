/*
 * test_live_startup_items.c - startup_items against the shell's own glob
 * of the same directories, at the same moment: for every distinct
 * absolute home of `getent -s files passwd` (sorted, LC_ALL=C), then
 * /etc/init.d/ and /etc/xdg/autostart/, the non-directory entries not
 * starting with '.'; scripts compared by name and path, autostart
 * entries by count per directory (their Name=/Exec= parsing is covered
 * by the golden test).
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "testutil.h"

static const char shell_listing[] =
    "export LC_ALL=C; "
    "list() { for f in \"$1\"*; do [ -e \"$f\" ] || [ -L \"$f\" ] || continue; "
    "  [ -d \"$f\" ] && continue; echo \"$2|$1|${f##*/}|$f\"; done; }; "
    "for h in $(getent -s files passwd | cut -d: -f6 | grep '^/' | sort -u); do "
    "  list \"$h/.config/autostart/\" item; list \"$h/.config/autostart-scripts/\" script; "
    "done; list /etc/init.d/ script; list /etc/xdg/autostart/ item";

static void matches_shell_glob(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *listing = test_run(shell_listing);
	struct test_rows rows;
	char *save = NULL;
	size_t r = 0;

	(void)state;
	test_query_ok(eng, "SELECT source, name, path FROM startup_items", &rows);
	for (char *line = strtok_r(listing, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), r++) {
		char *kind = line, *dir = strchr(kind, '|'), *name, *path;

		assert_non_null(dir);
		*dir++ = '\0';
		name = strchr(dir, '|');
		*name++ = '\0';
		path = strchr(name, '|');
		*path++ = '\0';
		if (r >= rows.nrows)
			fail_msg("spoor has fewer rows than the glob (missing %s)", path);
		assert_string_equal(test_get(&rows, r, "source"), dir);
		if (strcmp(kind, "script") == 0) {
			assert_string_equal(test_get(&rows, r, "name"), name);
			assert_string_equal(test_get(&rows, r, "path"), path);
		}
	}
	assert_int_equal(rows.nrows, r);
	/* this host has init scripts; an empty listing would prove nothing */
	assert_true(r > 0);
	test_rows_free(&rows);
	free(listing);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(matches_shell_glob),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
