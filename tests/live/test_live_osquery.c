/*
 * test_live_osquery.c - osquery_info on the live host, against values
 * computed independently at the same moment: the test's own pid, the
 * clock around engine_open, the host UUID worked out by a shell script
 * from /sys/class/dmi/id/product_uuid or /etc/machine-id, and ID +
 * VERSION_ID sourced from os-release by sh. When system_info is
 * registered its uuid must be the same value (both are osquery's
 * getHostUUID()).
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
#include <unistd.h>

#include "engine.h"
#include "strparse.h"
#include "testutil.h"
#include "banned.h"

static const char host_uuid_sh[] =
	"u=$(tr -d '\\n' 2>/dev/null < /sys/class/dmi/id/product_uuid | tr -d '\\000' |"
	"    sed 's/^[[:space:]]*//;s/[[:space:]]*$//');"
	"lu=$(echo \"$u\" | tr A-F a-f);"
	"case \"$lu\" in"
	"  ''|00000000-0000-0000-0000-000000000000|03000200-0400-0500-0006-000700080009|"
	"  03020100-0504-0706-0809-0a0b0c0d0e0f|10000000-0000-8000-0040-000000000000)"
	"    for f in /etc/machine-id /var/lib/dbus/machine-id; do"
	"      m=$(tr -d ' \\t\\n' 2>/dev/null < $f | tr A-F a-f);"
	"      if echo \"$m\" | grep -Eq '^[0-9a-f]{32}$' && [ \"$m\" != 00000000000000000000000000000000 ]; then"
	"        echo \"$m\" | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\\1-\\2-\\3-\\4-\\5/'; exit 0;"
	"      fi;"
	"    done; echo ;;"
	"  *) echo \"$u\" ;;"
	"esac";

static const char distro_sh[] =
	"if [ -r /etc/os-release ]; then . /etc/os-release;"
	" elif [ -r /usr/lib/os-release ]; then . /usr/lib/os-release; fi;"
	"echo \"$ID$VERSION_ID\"";

static char *sh_line(const char *script)
{
	char *out = test_run(script);

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

static void test_osquery_info(void **state)
{
	int64_t before = (int64_t)time(NULL), after, start;
	struct engine *eng = test_engine(NULL), *eng2;
	struct test_rows rows, rows2;
	const char *id;
	char *want_uuid, *want_distro;

	(void)state;
	after = (int64_t)time(NULL);
	test_query_ok(eng, "SELECT * FROM osquery_info", &rows);
	assert_int_equal(rows.nrows, 1);
	assert_int_equal(to_i(test_get(&rows, 0, "pid")), getpid());
	start = to_i(test_get(&rows, 0, "start_time"));
	assert_true(start >= before && start <= after);
	assert_string_equal(test_get(&rows, 0, "version"), "5.23.0+spoor." SPOOR_VERSION);
	assert_string_equal(test_get(&rows, 0, "config_hash"), "");
	assert_string_equal(test_get(&rows, 0, "config_valid"), "0");
	assert_string_equal(test_get(&rows, 0, "extensions"), "inactive");
	assert_string_equal(test_get(&rows, 0, "build_platform"), "linux");
	assert_string_equal(test_get(&rows, 0, "watcher"), "-1");
	assert_string_equal(test_get(&rows, 0, "platform_mask"), "9");

	/* a random (version 4) UUID per engine */
	id = test_get(&rows, 0, "instance_id");
	assert_non_null(id);
	assert_int_equal(strlen(id), 36);
	assert_true(id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-');
	assert_int_equal(id[14], '4');
	assert_non_null(strchr("89ab", id[19]));
	eng2 = test_engine(NULL);
	test_query_ok(eng2, "SELECT instance_id FROM osquery_info", &rows2);
	assert_string_not_equal(test_get(&rows2, 0, "instance_id"), id);
	test_rows_free(&rows2);
	engine_free(eng2);
	/* and stable within one engine */
	test_query_ok(eng, "SELECT instance_id FROM osquery_info", &rows2);
	assert_string_equal(test_get(&rows2, 0, "instance_id"), id);
	test_rows_free(&rows2);

	want_uuid = sh_line(host_uuid_sh);
	assert_string_equal(test_get(&rows, 0, "uuid"), want_uuid);
	want_distro = sh_line(distro_sh);
	assert_string_equal(test_get(&rows, 0, "build_distro"), want_distro);
	print_message("osquery_info: uuid %s, build_distro %s\n", want_uuid, want_distro);

	if (engine_find_table(eng, "system_info")) {
		test_query_ok(eng, "SELECT uuid FROM system_info", &rows2);
		assert_int_equal(rows2.nrows, 1);
		assert_string_equal(test_get(&rows2, 0, "uuid"), want_uuid);
		test_rows_free(&rows2);
	}
	free(want_uuid);
	free(want_distro);
	test_rows_free(&rows);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_osquery_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
