/*
 * test_golden_language_packages.c - python_packages, npm_packages and
 * yum_sources on the captured tree tests/golden/roots/langpkg1.
 *
 * The tree holds two real packages copied from this machine's
 * /usr/lib/python3/dist-packages (six-1.16.0.egg-info/PKG-INFO,
 * pyparsing-3.0.9.dist-info/METADATA) and hand-made edge cases:
 *   python: CRLF lines, "Summary: a: b" (three pieces: ignored),
 *     "Author:" (one piece: ignored, but "Author:\r" is two pieces, ""),
 *     "Name::edged" (empty pieces dropped), values after License ignored,
 *     a body line "Name: body" before License winning, a nested
 *     directory of a .dist-info (no row: the name must end in .dist-info),
 *     a .dist-info
 *     without METADATA, an .egg-info *file* (no row), a symlink to a
 *     .dist-info directory (a row) and a symlink to a package directory
 *     (not entered), control bytes and a NUL in values, sites under
 *     /usr/local/lib{,64}/python3.11/site-packages, per-user sites
 *     (~/.local/lib/python3.11, ~/.pyenv/versions/3.12.1 and a symlinked
 *     version) for the users of etc/passwd;
 *   npm: author as an object, license as the deprecated object with and
 *     without url, a non-string homepage (""), invalid JSON and a JSON
 *     array (rows with NULL metadata), a scoped package, a dot directory
 *     (not matched), nested node_modules two levels deep, sites under
 *     /home/%/.npm-global/lib and /home/%/.nvm/versions/node/%/lib;
 *   yum: yum.conf with a [main] reposdir and a repository, .repo files
 *     with comments, a section line with trailing text, an empty section,
 *     unknown and mis-cased keys, a second [main], and whole files boost's
 *     INI parser rejects (continuation line, duplicate section, duplicate
 *     key), a key before any section, a non-.repo file, and the default
 *     /etc/yum.repos.d that reposdir overrides.
 * Every expected value was checked by hand against those files and
 * osquery's python_packages.cpp, npm_packages.cpp and yum_sources.cpp.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "testutil.h"

#define DP "/usr/lib/python3/dist-packages"

static void python_all(void **state)
{
	struct engine *eng = test_golden_engine("langpkg1");

	(void)state;
	/* uid = 0: the system sites (uid 0) plus root's own sites (none) */
	test_assert_query(
	    eng,
	    "SELECT name, version, summary, author, license, path, directory, uid, "
	    "pid_with_namespace FROM python_packages WHERE uid = 0 AND path NOT LIKE "
	    "'%binary%' ORDER BY path",
	    "edged|1.0|NULL||BSD|" DP "/edge-1.0.dist-info|" DP "/|0|0\n"
	    "pyparsing|3.0.9|pyparsing module - Classes and methods to define and execute "
	    "parsing grammars|NULL|NULL|" DP "/linked.dist-info|" DP "/|0|0\n"
	    "NULL|NULL|NULL|NULL|NULL|" DP "/nometa-2.0.dist-info|" DP "/|0|0\n"
	    "body|3.1|body wins||NULL|" DP "/pkg/vendored/inner-3.1.egg-info|" DP "/|0|0\n"
	    "pyparsing|3.0.9|pyparsing module - Classes and methods to define and execute "
	    "parsing grammars|NULL|NULL|" DP "/pyparsing-3.0.9.dist-info|" DP "/|0|0\n"
	    "six|1.16.0|Python 2 and 3 compatibility utilities|Benjamin Peterson|MIT|" DP
	    "/six-1.16.0.egg-info|" DP "/|0|0\n"
	    "local-pkg|0.5|local|Me|MIT|/usr/local/lib/python3.11/site-packages/"
	    "local_pkg-0.5.dist-info|/usr/local/lib/python3.11/site-packages/|0|0\n"
	    "lib64pkg|NULL|NULL|NULL|NULL|/usr/local/lib64/python3.11/site-packages/"
	    "lib64pkg-1.dist-info|/usr/local/lib64/python3.11/site-packages/|0|0\n");
	/* control bytes and a NUL are kept as they are */
	test_assert_query(eng,
	                  "SELECT hex(name), hex(version), license FROM python_packages "
	                  "WHERE uid = 0 AND path LIKE '%binary%'",
	                  "62696E01617279|302E31007A|L\n");
	engine_free(eng);
}

static void python_users(void **state)
{
	struct engine *eng = test_golden_engine("langpkg1");

	(void)state;
	/* u1 (1000, the first passwd line of that uid): ~/.local/lib/python%/
	 * walked whole; u2 (1001): ~/.pyenv/versions/<real dir>/lib/python%/
	 * site-packages, the 3.12 symlink skipped; 1002 has no home, 5 no
	 * passwd line */
	test_assert_query(
	    eng,
	    "SELECT name, version, path, directory, uid FROM python_packages "
	    "WHERE uid IN (1000, 1001, 1002, 5)",
	    "userpkg|1.0|/home/u1/.local/lib/python3.11/site-packages/userpkg-1.0.dist-info|"
	    "/home/u1/.local/lib/python3.11/|1000\n"
	    "pyenvpkg|2.0|/home/u2/.pyenv/versions/3.12.1/lib/python3.12/site-packages/"
	    "pyenvpkg-2.0.dist-info|/home/u2/.pyenv/versions/3.12.1/lib/python3.12/"
	    "site-packages/|1001\n");
	/* a directory constraint stops before the user sites */
	test_assert_query(eng,
	                  "SELECT count(*) FROM python_packages WHERE uid = 1000 AND directory = "
	                  "'/usr/lib/python3/dist-packages/'",
	                  "0\n");
	engine_free(eng);
}

static void python_directory_constraint(void **state)
{
	struct engine *eng = test_golden_engine("langpkg1");

	(void)state;
	/* exactly the given directories, no globbing, a relative one
	 * matches nothing, a missing one nothing */
	test_assert_query(
	    eng,
	    "SELECT name, path, directory, uid FROM python_packages WHERE directory IN "
	    "('/opt/venv/site', 'relative', '/nonexistent')",
	    "other|/opt/venv/site/other-1.egg-info|/opt/venv/site|0\n");
	test_assert_query(eng,
	                  "SELECT name, path FROM python_packages WHERE directory = "
	                  "'" DP "/pkg/'",
	                  "body|" DP "/pkg/vendored/inner-3.1.egg-info\n");
	/* projection: no metadata columns, same rows */
	test_assert_query(eng, "SELECT count(*) FROM python_packages WHERE uid = 0", "9\n");
	engine_free(eng);
}

static void npm_all(void **state)
{
	struct engine *eng = test_golden_engine("langpkg1");

	(void)state;
	test_assert_query(
	    eng,
	    "SELECT name, version, description, author, license, homepage, path, directory, "
	    "depth, max_depth, pid_with_namespace, mount_namespace_id FROM npm_packages",
	    "g|1.0.0|NULL|NULL|NULL|NULL|/home/u1/.npm-global/lib/node_modules/g/package.json|"
	    "/home/u1/.npm-global/lib/|0|100|0|NULL\n"
	    "h|5.0.0|NULL|NULL|NULL|NULL|/home/u2/.nvm/versions/node/v20.1.0/lib/node_modules/h/"
	    "package.json|/home/u2/.nvm/versions/node/v20.1.0/lib/|0|100|0|NULL\n"
	    "a|1.2.3|pkg a|Ann|http://lic||/usr/lib/node_modules/a/package.json|/usr/lib/|0|100|0|"
	    "NULL\n"
	    "NULL|NULL|NULL|NULL|NULL|NULL|/usr/lib/node_modules/arr/package.json|/usr/lib/|0|100|"
	    "0|NULL\n"
	    "NULL|NULL|NULL|NULL|NULL|NULL|/usr/lib/node_modules/broken/package.json|/usr/lib/|0|"
	    "100|0|NULL\n"
	    "c|2.0.0|NULL|NULL|NULL|NULL|/usr/lib/node_modules/c/package.json|/usr/lib/|0|100|0|"
	    "NULL\n"
	    "lic|NULL|NULL|NULL|NULL|NULL|/usr/lib/node_modules/lic/package.json|/usr/lib/|0|100|"
	    "0|NULL\n"
	    "@scope/b|0.0.1|NULL|Bob <b@x>|ISC|https://b|/usr/lib/node_modules/@scope/b/"
	    "package.json|/usr/lib/|0|100|0|NULL\n"
	    "d|3.0.0||NULL|NULL|NULL|/usr/lib/node_modules/c/node_modules/d/package.json|"
	    "/usr/lib/|1|100|0|NULL\n"
	    "e|4.0.0|NULL||NULL|NULL|/usr/lib/node_modules/c/node_modules/d/node_modules/e/"
	    "package.json|/usr/lib/|2|100|0|NULL\n");
	engine_free(eng);
}

static void npm_constraints(void **state)
{
	struct engine *eng = test_golden_engine("langpkg1");

	(void)state;
	test_assert_query(eng,
	                  "SELECT name, depth, max_depth FROM npm_packages WHERE max_depth = 1 "
	                  "AND directory = '/usr/lib'",
	                  "a|0|1\nNULL|0|1\nNULL|0|1\nc|0|1\nlic|0|1\n@scope/b|0|1\nd|1|1\n");
	test_assert_query(eng,
	                  "SELECT count(*) FROM npm_packages WHERE max_depth = 0 AND "
	                  "directory = '/usr/lib/'",
	                  "6\n");
	test_assert_query(eng,
	                  "SELECT name, depth FROM npm_packages WHERE max_depth = -1 AND "
	                  "directory = '/usr/lib/node_modules/c'",
	                  "d|0\ne|1\n");
	test_assert_query(eng,
	                  "SELECT count(*) FROM npm_packages WHERE directory IN "
	                  "('relative', '/nonexistent')",
	                  "0\n");
	engine_free(eng);
}

static void yum_all(void **state)
{
	struct engine *eng = test_golden_engine("langpkg1");

	(void)state;
	test_assert_query(
	    eng,
	    "SELECT name, source, baseurl, mirrorlist, metalink, enabled, gpgcheck, gpgkey, "
	    "pid_with_namespace FROM yum_sources",
	    "From yum.conf|/etc/yum.conf|http://conf/repo|NULL|NULL|0|NULL|NULL|0\n"
	    "CentOS-$releasever - Base|/etc/myrepos/base.repo|NULL|"
	    "http://mirrorlist.centos.org/?release=$releasever|NULL|NULL|1|"
	    "file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7|0\n"
	    "Updates|/etc/myrepos/base.repo|NULL|NULL|"
	    "https://mirrors.fedoraproject.org/metalink?repo=updates|1|NULL|NULL|0\n"
	    "NULL|/etc/myrepos/toplevel.repo|NULL|NULL|NULL|NULL|NULL|NULL|0\n"
	    "t|/etc/myrepos/toplevel.repo|NULL|NULL|NULL|NULL|NULL|NULL|0\n");
	engine_free(eng);
}

/* A tree built at run time: hostile and edge inputs. */
static char *make_root(void)
{
	char tmpl[] = "/tmp/spoor-langpkg-XXXXXX";
	char *root = mkdtemp(tmpl) ? strdup(tmpl) : NULL;

	assert_non_null(root);
	return root;
}

static void write_file(const char *root, const char *rel, const void *data, size_t len)
{
	char path[4096], cmd[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void rm_root(char *root)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(root);
}

static void hostile_inputs(void **state)
{
	char *root = make_root();
	struct engine *eng;
	size_t big = ((size_t)8 << 20) + 10;
	char *buf = malloc(big);
	char *text;

	(void)state;
	assert_non_null(buf);
	/* a METADATA past the bound: the row, without metadata */
	memset(buf, 'A', big);
	memcpy(buf, "Name: big\n", 10);
	write_file(root, "usr/lib/python3/dist-packages/big-1.dist-info/METADATA", buf, big);
	/* binary garbage: no line has two pieces */
	for (size_t i = 0; i < 4096; i++)
		buf[i] = (char)(i * 151 + 7);
	write_file(root, "usr/lib/python3/dist-packages/garbage.egg-info/PKG-INFO", buf, 4096);
	/* a package.json nested past jansson's depth limit, and one past
	 * the bound */
	memset(buf, '[', 100000);
	write_file(root, "usr/lib/node_modules/deep/package.json", buf, 100000);
	memset(buf, ' ', big);
	memcpy(buf, "{\"name\":\"huge\"}", 15);
	write_file(root, "usr/lib/node_modules/huge/package.json", buf, big);
	/* a node_modules loop: x/node_modules/x -> .. */
	write_file(root, "usr/lib/node_modules/x/package.json", "{\"name\":\"x\"}", 12);
	{
		char p[4096];

		snprintf(p, sizeof(p), "%s/usr/lib/node_modules/x/node_modules", root);
		assert_int_equal(mkdir(p, 0755), 0);
		snprintf(p, sizeof(p), "%s/usr/lib/node_modules/x/node_modules/x", root);
		assert_int_equal(symlink("..", p), 0);
	}
	/* yum: a file past the bound, NUL bytes, CR line ends */
	write_file(root, "etc/yum.repos.d/nul.repo", "[n]\nname=a\0b\r\nenabled=1\r\n", 25);
	write_file(root, "etc/yum.repos.d/huge.repo", buf, ((size_t)4 << 20) + 1);
	write_file(root, "etc/yum.conf", "[main\nreposdir=/nowhere\n", 24);
	free(buf);

	eng = test_engine(root);
	test_assert_query(eng, "SELECT name, path FROM python_packages WHERE uid = 0 ORDER BY path",
	                  "NULL|/usr/lib/python3/dist-packages/big-1.dist-info\n"
	                  "NULL|/usr/lib/python3/dist-packages/garbage.egg-info\n");
	text = test_query_text(eng, "SELECT name, depth, path FROM npm_packages");
	/* x is found under its own path and through the loop twice more:
	 * the visited check lstat()s the searched directory, as osquery's
	 * isDirVisited does, so x/node_modules/x (the symlink's own inode)
	 * is new once, and x/node_modules/x/node_modules/x is that same
	 * symlink again: searched already, the loop stops */
	assert_string_equal(
	    text, "NULL|0|/usr/lib/node_modules/deep/package.json\n"
	          "NULL|0|/usr/lib/node_modules/huge/package.json\n"
	          "x|0|/usr/lib/node_modules/x/package.json\n"
	          "x|1|/usr/lib/node_modules/x/node_modules/x/package.json\n"
	          "x|2|/usr/lib/node_modules/x/node_modules/x/node_modules/x/package.json\n");
	free(text);
	/* yum.conf is malformed: the default reposdir; huge.repo skipped */
	test_assert_query(eng, "SELECT name, enabled, source FROM yum_sources",
	                  "a|1|/etc/yum.repos.d/nul.repo\n");
	engine_free(eng);
	rm_root(root);
}

static void empty_root(void **state)
{
	char *root = make_root();
	struct engine *eng = test_engine(root);

	(void)state;
	test_assert_query(eng, "SELECT count(*) FROM python_packages", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM npm_packages", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM yum_sources", "0\n");
	engine_free(eng);
	rm_root(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(python_all),
	    cmocka_unit_test(python_users),
	    cmocka_unit_test(python_directory_constraint),
	    cmocka_unit_test(npm_all),
	    cmocka_unit_test(npm_constraints),
	    cmocka_unit_test(yum_all),
	    cmocka_unit_test(hostile_inputs),
	    cmocka_unit_test(empty_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
