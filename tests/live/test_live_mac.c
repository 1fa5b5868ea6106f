/*
 * test_live_mac.c - selinux_settings and apparmor_profiles on this host.
 *
 * With SELinux, the root keys are compared with getenforce(8)'s view of
 * /sys/fs/selinux/enforce; with AppArmor, the profile names and modes
 * with the kernel's own list, /sys/kernel/security/apparmor/profiles
 * ("name (mode)" lines), read at the same moment. A host with neither
 * (such as the VM these tests were written on) must give no rows: the
 * test then asserts that and that the source is absent, and says so.
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
#include "strbuf.h"
#include "testutil.h"

static bool selinuxfs_mounted(void)
{
	char *m = test_read_file("/proc/self/mounts");
	bool found = strstr(m, " selinuxfs ") != NULL;

	free(m);
	return found;
}

static void selinux_live(void **state)
{
	struct engine *eng = test_engine(NULL);

	(void)state;
	if (!selinuxfs_mounted() && access("/sys/fs/selinux/enforce", F_OK) != 0) {
		fprintf(stderr, "# no selinuxfs on this host: selinux_settings must be empty\n");
		test_assert_query(eng, "SELECT count(*) FROM selinux_settings", "0\n");
	} else {
		char *raw = test_run("cat /sys/fs/selinux/enforce");
		char expected[64];

		snprintf(expected, sizeof(expected), "%s\n", raw);
		test_assert_query(eng,
				  "SELECT value FROM selinux_settings WHERE scope = '' AND "
				  "key = 'enforce'",
				  expected);
		free(raw);
	}
	engine_free(eng);
}

static void apparmor_live(void **state)
{
	struct engine *eng = test_engine(NULL);

	(void)state;
	if (access("/sys/kernel/security/apparmor/policy/profiles", F_OK) != 0) {
		fprintf(stderr, "# no AppArmor policy on this host: apparmor_profiles must be empty\n");
		test_assert_query(eng, "SELECT count(*) FROM apparmor_profiles", "0\n");
	} else {
		/* the kernel's flat list, "path (mode)", sorted */
		char *expected = test_run("sed -e 's/^\\(.*\\) (\\([^)]*\\))$/\\1|\\2/' "
					  "/sys/kernel/security/apparmor/profiles | LC_ALL=C sort");
		char *got = test_query_text(eng, "SELECT path || '|' || mode FROM apparmor_profiles "
						 "ORDER BY 1 COLLATE BINARY");

		assert_string_equal(expected, got);
		free(expected);
		free(got);
	}
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(selinux_live),
		cmocka_unit_test(apparmor_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
