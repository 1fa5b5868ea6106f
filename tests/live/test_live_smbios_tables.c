/*
 * test_live_smbios_tables.c - smbios_tables, memory_arrays,
 * memory_devices and oem_strings on this host.
 *
 * This VM has no SMBIOS table: the test asserts that
 * /sys/firmware/dmi/tables/DMI is absent (or unreadable) and that the
 * tables are empty. On a host with a readable table it compares, at the
 * same moment, with dmidecode (which reads the same sysfs file): the
 * handles of the type 16 and 17 structures, and the OEM strings of
 * type 11.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "testutil.h"

/* dmidecode prints "Handle 0x1100, DMI type 17, 40 bytes"; spoor's
 * handles are lowercase "0x%04x" as osquery's. */
static void compare_handles(struct engine *eng, const char *type, const char *sql)
{
	char cmd[256];
	char *expected, *got;

	snprintf(cmd, sizeof(cmd),
		 "dmidecode -t %s | awk '/^Handle / { sub(\",\", \"\", $2); print tolower($2) }'",
		 type);
	expected = test_run(cmd);
	got = test_query_text(eng, sql);
	assert_string_equal(expected, got);
	free(expected);
	free(got);
}

static void smbios_live(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *have;

	(void)state;
	if (access("/sys/firmware/dmi/tables/DMI", R_OK) != 0) {
		fprintf(stderr, "# no readable SMBIOS table on this host: the tables must be "
				"empty\n");
		test_assert_query(eng, "SELECT count(*) FROM smbios_tables", "0\n");
		test_assert_query(eng, "SELECT count(*) FROM memory_arrays", "0\n");
		test_assert_query(eng, "SELECT count(*) FROM memory_devices", "0\n");
		test_assert_query(eng, "SELECT count(*) FROM oem_strings", "0\n");
		engine_free(eng);
		return;
	}
	have = test_run("command -v dmidecode >/dev/null 2>&1 && echo y || echo n");
	if (have[0] == 'y') {
		char *expected, *got;

		compare_handles(eng, "16", "SELECT handle FROM memory_arrays");
		/* osquery (and spoor) skip type 17 structures under 42 bytes */
		compare_handles(eng, "17", "SELECT handle FROM memory_devices");
		/* "\tString 1: value" under each type 11 structure */
		expected = test_run("dmidecode -t 11 | awk '/^\\tString [0-9]+:/ "
				    "{ sub(/^\\tString [0-9]+: ?/, \"\"); print }'");
		got = test_query_text(eng, "SELECT value FROM oem_strings");
		assert_string_equal(expected, got);
		free(expected);
		free(got);
	}
	free(have);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(smbios_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
