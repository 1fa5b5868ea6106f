/*
 * test_golden_mac.c - selinux_settings and apparmor_profiles on
 * captured trees.
 *
 * tests/golden/roots/mac1 was written by hand (the machine the tests
 * were written on runs neither SELinux nor AppArmor), after the layout
 * of the kernel's selinuxfs and apparmorfs:
 *   - proc/self/mounts names the selinuxfs mount at /sys/fs/selinux;
 *   - sys/fs/selinux: the root keys but reject_unknown (an older
 *     kernel), booleans "0 0", "1 1", "0 1" (a pending change) and
 *     "junk", two policy capabilities, two initial contexts ending in
 *     NUL as the kernel returns them, classes file and dir with their
 *     index files and perms/ directories;
 *   - sys/kernel/security/apparmor/policy/profiles: cupsd (sha1 only,
 *     a child third_party with a grandchild deep), firefox (complain,
 *     sha256 only), broken.5 without a name file, and two stray files.
 * Every expected value below was checked by hand against those files.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "testutil.h"

static const char selinux_mac1[] =
	/* root keys in osquery's order; reject_unknown absent: no value */
	"|checkreqprot|0\n"
	"|deny_unknown|0\n"
	"|enforce|1\n"
	"|mls|1\n"
	"|policyvers|33\n"
	"|reject_unknown|NULL\n"
	/* "junk" and "0 1" are no boolean osquery accepts: skipped */
	"booleans|httpd_can_network_connect|off\n"
	"booleans|ssh_sysadm_login|on\n"
	"policy_capabilities|network_peer_controls|1\n"
	"policy_capabilities|open_perms|0\n"
	/* the context's trailing NUL is not part of the value */
	"initial_contexts|kernel|system_u:system_r:kernel_t:s0\n"
	"initial_contexts|unlabeled|system_u:object_r:unlabeled_t:s0\n"
	/* index files are skipped; the key is the directory under class/ */
	"class|dir/perms|search\n"
	"class|file/perms|read\n"
	"class|file/perms|write\n";

static void selinux_all(void **state)
{
	struct engine *eng = test_golden_engine("mac1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM selinux_settings", selinux_mac1);
	test_assert_query(eng, "SELECT value FROM selinux_settings WHERE key = 'enforce'", "1\n");
	test_assert_query(eng, "SELECT count(*) FROM selinux_settings WHERE scope = 'class'", "3\n");
	/* without the value column the booleans still are only the valid ones */
	test_assert_query(eng, "SELECT key FROM selinux_settings WHERE scope = 'booleans'",
			  "httpd_can_network_connect\nssh_sysadm_login\n");
	engine_free(eng);
}

static void selinux_hostile(void **state)
{
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	/* nothing: no rows */
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM selinux_settings", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM apparmor_profiles", "0\n");
	engine_free(eng);

	/* a selinuxfs mounted at the old /selinux, per the mount table; a
	 * /sys/fs/selinux beside it is not read */
	test_tree_write(&t, "proc/self/mounts",
			"none /selinux selinuxfs rw 0 0\nnone /selinux selinuxfs rw 0 0\n", 62);
	test_tree_write(&t, "selinux/enforce", "0", 1);
	test_tree_write(&t, "selinux/booleans/b", "1 1\n", 4);
	test_tree_write(&t, "selinux/booleans/c", "1 1", 3);
	test_tree_write(&t, "selinux/class/x/perms/deeper/p", "1", 1);
	test_tree_write(&t, "selinux/class/stray", "1", 1);
	test_tree_write(&t, "sys/fs/selinux/enforce", "1", 1);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM selinux_settings WHERE scope <> '' OR key = 'enforce'",
			  "|enforce|0\n"
			  /* "1 1\n" is not "1 1": skipped, as osquery */
			  "booleans|c|on\n"
			  /* a file straight under class/ has no key */
			  "class|x/perms/deeper|p\n");
	engine_free(eng);

	/* no mount table: /sys/fs/selinux when it holds enforce; a value
	 * past 64 KiB gives NULL */
	test_tree_remove(&t);
	test_tree_make(&t);
	{
		char *big = calloc(1, 70000);

		memset(big, '7', 70000);
		test_tree_write(&t, "sys/fs/selinux/policyvers", big, 70000);
		free(big);
	}
	test_tree_write(&t, "sys/fs/selinux/enforce", "1", 1);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT key, value FROM selinux_settings",
			  "checkreqprot|NULL\ndeny_unknown|NULL\nenforce|1\nmls|NULL\n"
			  "policyvers|NULL\nreject_unknown|NULL\n");
	engine_free(eng);
	test_tree_remove(&t);
}

static const char apparmor_mac1[] =
	/* broken.5 has no name: skipped; stray files are no profiles */
	"firefox|firefox|/usr/lib/firefox/firefox{,*[^s][^h]}|complain||"
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
	"/usr/sbin/cupsd|/usr/sbin/cupsd|/usr/sbin/cupsd|enforce|"
	"5a1b2c3d4e5f60718293a4b5c6d7e8f901234567|\n"
	"/usr/sbin/cupsd//third_party|third_party|<unknown>|enforce||\n"
	/* the full parent path, as aa-status prints it */
	"/usr/sbin/cupsd//third_party//deep|deep|<unknown>|complain||\n";

static void apparmor_all(void **state)
{
	struct engine *eng = test_golden_engine("mac1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM apparmor_profiles", apparmor_mac1);
	/* path = and IN reach the walk, which prunes by prefix */
	test_assert_query(eng,
			  "SELECT name, mode FROM apparmor_profiles "
			  "WHERE path = '/usr/sbin/cupsd//third_party//deep'",
			  "deep|complain\n");
	test_assert_query(eng,
			  "SELECT path FROM apparmor_profiles WHERE path IN ('firefox', "
			  "'/usr/sbin/cupsd//third_party', '/usr/sbin/cupsd//nope', 'broken.5')",
			  "firefox\n/usr/sbin/cupsd//third_party\n");
	test_assert_query(eng, "SELECT path FROM apparmor_profiles WHERE sha1 = "
			       "'5A1B2C3D4E5F60718293A4B5C6D7E8F901234567'",
			  "/usr/sbin/cupsd\n");
	engine_free(eng);
}

static void apparmor_hostile(void **state)
{
	const char *p = "sys/kernel/security/apparmor/policy/profiles";
	struct engine *eng;
	struct test_tree t;
	char rel[256];

	(void)state;
	test_tree_make(&t);
	/* a name of blanks, a name past the read bound, a good one */
	snprintf(rel, sizeof(rel), "%s/a.0/name", p);
	test_tree_write(&t, rel, " \n", 2);
	{
		char *big = malloc(70000);

		memset(big, 'n', 70000);
		snprintf(rel, sizeof(rel), "%s/b.1/name", p);
		test_tree_write(&t, rel, big, 70000);
		free(big);
	}
	snprintf(rel, sizeof(rel), "%s/c.2/name", p);
	test_tree_write(&t, rel, "ok", 2);
	snprintf(rel, sizeof(rel), "%s/c.2/mode", p);
	test_tree_write(&t, rel, "\tkill \n", 7);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM apparmor_profiles", "ok|ok||kill||\n");
	engine_free(eng);
	test_tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(selinux_all),
		cmocka_unit_test(selinux_hostile),
		cmocka_unit_test(apparmor_all),
		cmocka_unit_test(apparmor_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
