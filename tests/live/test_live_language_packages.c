/*
 * test_live_language_packages.c - python_packages and npm_packages
 * against the ecosystems' own readers on this host, at the same moment:
 *   - python_packages for Debian's /usr/lib/python3/dist-packages against
 *     python3's importlib.metadata (Distribution.at() on every
 *     *.dist-info / *.egg-info directory os.walk finds, the email-header
 *     parser reading Name and Version);
 *   - npm_packages for /usr/lib/ against node: JSON.parse of every
 *     node_modules/<pkg>/package.json and node_modules/@scope/<pkg>/
 *     package.json, recursively into nested node_modules, with depth;
 *     and its depth-0 packages against `npm ls -g --json --depth=0`.
 * Each part is skipped when its tool or directory is missing.
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

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected (independent tool)\n%s--- spoor\n%s", what,
		         expected, got);
}

#define DIST "/usr/lib/python3/dist-packages/"

static const char python_script[] =
    "python3 -c '\n"
    "import os, importlib.metadata as m\n"
    "site = \"" DIST "\"\n"
    "out = []\n"
    "for top, dirs, files in os.walk(site):\n"
    "    for d in dirs:\n"
    "        if d.endswith((\".dist-info\", \".egg-info\")):\n"
    "            p = os.path.join(top, d)\n"
    "            md = m.Distribution.at(p).metadata\n"
    "            get = lambda k: (md.get(k) if md is not None else None)\n"
    "            out.append((p, get(\"Name\"), get(\"Version\")))\n"
    "for p, n, v in sorted(out):\n"
    "    print(\"%s|%s|%s\" % (n if n is not None else \"NULL\", "
    "v if v is not None else \"NULL\", p))\n"
    "'";

static void python_matches_importlib(void **state)
{
	struct engine *eng;
	char *expected, *got;

	(void)state;
	if (access(DIST, R_OK) != 0 || access("/usr/bin/python3", X_OK) != 0)
		skip();
	eng = test_engine(NULL);
	expected = test_run(python_script);
	got = test_query_text(eng, "SELECT name, version, path FROM python_packages "
	                           "WHERE directory = '" DIST "' ORDER BY path");
	assert_true(strlen(expected) > 0);
	assert_same("python_packages vs importlib.metadata", expected, got);
	free(expected);
	free(got);
	engine_free(eng);
}

static const char node_script[] =
    "node -e '\n"
    "const fs = require(\"fs\"), path = require(\"path\");\n"
    "const out = [];\n"
    "const manifests = (dir) => {\n"
    "  const nm = path.join(dir, \"node_modules\"), res = [];\n"
    "  let names = [];\n"
    "  try { names = fs.readdirSync(nm).sort(); } catch (e) { return res; }\n"
    "  const scoped = [];\n"
    "  for (const n of names) {\n"
    "    if (n.startsWith(\".\")) continue;\n"
    "    const p = path.join(nm, n, \"package.json\");\n"
    "    if (fs.existsSync(p)) res.push(p);\n"
    "    if (n.startsWith(\"@\")) {\n"
    "      let sub = [];\n"
    "      try { sub = fs.readdirSync(path.join(nm, n)).sort(); } catch (e) {}\n"
    "      for (const s of sub) {\n"
    "        if (s.startsWith(\".\")) continue;\n"
    "        const q = path.join(nm, n, s, \"package.json\");\n"
    "        if (fs.existsSync(q)) scoped.push(q);\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "  return res.concat(scoped);\n"
    "};\n"
    "const walk = (dir, depth) => {\n"
    "  for (const p of manifests(dir)) {\n"
    "    let j = {};\n"
    "    try { j = JSON.parse(fs.readFileSync(p, \"utf8\")); } catch (e) {}\n"
    "    const s = (v) => v === undefined ? \"NULL\" : (typeof v === \"string\" ? v : \"\");\n"
    "    out.push(`${s(j.name)}|${s(j.version)}|${depth}|${p}`);\n"
    "    const pkg = path.dirname(p);\n"
    "    try { if (fs.statSync(path.join(pkg, \"node_modules\")).isDirectory()) "
    "walk(pkg, depth + 1); } catch (e) {}\n"
    "  }\n"
    "};\n"
    "walk(\"/usr/lib\", 0);\n"
    "console.log(out.sort().join(\"\\n\"));\n"
    "'";

static void npm_matches_node(void **state)
{
	struct engine *eng;
	char *expected, *got;

	(void)state;
	if (access("/usr/lib/node_modules", R_OK) != 0 || access("/usr/bin/node", X_OK) != 0)
		skip();
	eng = test_engine(NULL);
	expected = test_run(node_script);
	got = test_query_text(eng, "SELECT ifnull(name, 'NULL') || '|' || ifnull(version, 'NULL') "
	                           "|| '|' || depth || '|' || path "
	                           "AS l FROM npm_packages WHERE directory = '/usr/lib/' "
	                           "ORDER BY l");
	assert_true(strlen(expected) > 1);
	assert_same("npm_packages vs node", expected, got);
	free(expected);
	free(got);
	engine_free(eng);
}

static void npm_matches_npm_ls(void **state)
{
	struct engine *eng;
	char *expected, *got;

	(void)state;
	if (access("/usr/bin/npm", X_OK) != 0 || access("/usr/bin/node", X_OK) != 0 ||
	    access("/usr/lib/node_modules", R_OK) != 0)
		skip();
	eng = test_engine(NULL);
	/* npm's global prefix on Debian is /usr: its tree is /usr/lib/node_modules */
	expected = test_run("npm ls -g --json --depth=0 2>/dev/null | node -e '"
	                    "const d = JSON.parse(require(\"fs\").readFileSync(0, \"utf8\"));"
	                    "const r = Object.entries(d.dependencies || {})"
	                    ".map(([n, v]) => n + \"|\" + v.version).sort();"
	                    "console.log(r.join(\"\\n\"));'");
	got = test_query_text(eng, "SELECT name || '|' || version AS l FROM npm_packages "
	                           "WHERE directory = '/usr/lib/' AND depth = 0 ORDER BY l");
	assert_true(strlen(expected) > 1);
	assert_same("npm_packages vs npm ls -g", expected, got);
	free(expected);
	free(got);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(python_matches_importlib),
	    cmocka_unit_test(npm_matches_node),
	    cmocka_unit_test(npm_matches_npm_ls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
