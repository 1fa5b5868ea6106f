/*
 * test_pathglob.c - osquery's file patterns ('%', '%%') and directory
 * walks, on a tree built in a temporary directory:
 *
 *   .dot/g            a/.hidden         a/sub/deep/z      a-b
 *   a/x.txt           a/sub/y.conf      a.txt             odd_name
 *   b/link_to_a -> ../a                 b/ext -> /outside (absolute)
 *   c/f               c/self -> .       dangling -> nowhere
 *   loop -> loop      esc/etclink -> /etc                 outside/o.txt
 *   pct%name
 *   chain/d/d/.../d/leaf (70 levels)
 *
 * Every expected list below was worked out by hand from that tree and
 * the rules in lib/pathglob.h: '%' one level, no dot names unless the
 * component starts with '.', "%%" recursive, directories marked with
 * '/', results in byte order of path. The tree is used as the root of a
 * rootfs (patterns such as "/%" then stay inside it, absolute symlinks
 * resolve inside it) and, for the live host, through its absolute path.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "pathglob.h"
#include "rootfs.h"
#include "rootpath.h"
#include "strbuf.h"
#include "testutil.h"

#define CHAIN_DEPTH 70

static char root[] = "/tmp/spoor-pathglob-XXXXXX";

static void mk(const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (mkdir(path, 0755) < 0)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

static void put(const char *rel)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fp = fopen(path, "w");
	if (!fp)
		fail_msg("create %s: %s", path, strerror(errno));
	fputs("x", fp);
	fclose(fp);
}

static void link_to(const char *target, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (symlink(target, path) < 0)
		fail_msg("symlink %s: %s", path, strerror(errno));
}

static int setup(void **state)
{
	struct strbuf chain = STRBUF_INIT;

	(void)state;
	assert_non_null(mkdtemp(root));
	mk(".dot");
	put(".dot/g");
	mk("a");
	put("a/.hidden");
	put("a/x.txt");
	mk("a/sub");
	put("a/sub/y.conf");
	mk("a/sub/deep");
	put("a/sub/deep/z");
	put("a-b");
	put("a.txt");
	mk("b");
	link_to("../a", "b/link_to_a");
	link_to("/outside", "b/ext");
	mk("c");
	put("c/f");
	link_to(".", "c/self");
	link_to("nowhere", "dangling");
	link_to("loop", "loop");
	mk("esc");
	link_to("/etc", "esc/etclink");
	put("odd_name");
	mk("outside");
	put("outside/o.txt");
	put("pct%name");
	strbuf_addstr(&chain, "chain");
	mk(chain.buf);
	for (int i = 0; i < CHAIN_DEPTH; i++) {
		strbuf_addstr(&chain, "/d");
		mk(chain.buf);
	}
	strbuf_addstr(&chain, "/leaf");
	put(chain.buf);
	strbuf_release(&chain);
	return 0;
}

static int teardown(void **state)
{
	struct strbuf cmd = STRBUF_INIT;

	(void)state;
	strbuf_addf(&cmd, "rm -rf '%s'", root);
	free(test_run(cmd.buf));
	strbuf_release(&cmd);
	return 0;
}

struct collect {
	struct strbuf out;
	size_t strip; /* leading bytes of each path to drop (the tree's prefix) */
	size_t n;
};

static int collect(void *arg, const struct pathglob_entry *e)
{
	struct collect *c = arg;

	assert_int_equal(strlen(e->where.path), e->path_len);
	/* the entry's name is the tail of its path */
	assert_true(strlen(e->where.name) <= e->path_len);
	assert_string_equal(e->where.path + e->path_len - strlen(e->where.name), e->where.name);
	strbuf_addf(&c->out, "%s\n", e->where.path + c->strip);
	c->n++;
	return 0;
}

/* Expands pattern under the tree as a root, or (live) on the host with
 * the tree's path prefixed, and returns the matches one per line. */
static char *expand(bool live, const char *pattern, unsigned flags, int *ret)
{
	struct collect c = { .out = STRBUF_INIT };
	struct strbuf pat = STRBUF_INIT;
	struct rootfs *rfs;
	struct rootpath rp;
	int r;

	assert_int_equal(rootfs_open(&rfs, live ? "/" : root), 0);
	assert_int_equal(rootpath_init(&rp, rfs), 0);
	if (live) {
		strbuf_addstr(&pat, root);
		c.strip = strlen(root);
	}
	strbuf_addstr(&pat, pattern);
	r = pathglob_expand(&rp, pat.buf, flags, collect, &c);
	if (ret)
		*ret = r;
	else
		assert_int_equal(r, 0);
	rootpath_release(&rp);
	rootfs_free(rfs);
	strbuf_release(&pat);
	return strbuf_detach(&c.out, NULL);
}

static void check(bool live, const char *pattern, unsigned flags, const char *expected)
{
	char *got = expand(live, pattern, flags, NULL);

	if (strcmp(got, expected) != 0)
		fail_msg("%s pattern %s\n--- expected\n%s--- got\n%s", live ? "live" : "root",
			 pattern, expected, got);
	free(got);
}

static void both(const char *pattern, unsigned flags, const char *expected)
{
	check(false, pattern, flags, expected);
	check(true, pattern, flags, expected);
}

static void match_rules(void **state)
{
	(void)state;
	assert_true(pathglob_match("%", 1, "x", 1));
	assert_true(pathglob_match("%%", 2, "x", 1));
	assert_true(pathglob_match("a%b", 3, "ab", 2));
	assert_true(pathglob_match("a%b", 3, "axxb", 4));
	assert_false(pathglob_match("a%b", 3, "axxbx", 5));
	assert_true(pathglob_match("%.conf", 6, "x.conf", 6));
	assert_false(pathglob_match("%.conf", 6, "x.confx", 7));
	assert_true(pathglob_match("a%c%e", 5, "abcde", 5));
	assert_true(pathglob_match("%a%b", 4, "xaxab", 5));
	assert_false(pathglob_match("%a%b", 4, "xaxa", 4));
	assert_true(pathglob_match("abc", 3, "abc", 3));
	assert_false(pathglob_match("abc", 3, "abd", 3));
	assert_false(pathglob_match("abc", 3, "ab", 2));
	/* '_' and glob(3)'s metacharacters are literal, case matters */
	assert_false(pathglob_match("a_c", 3, "abc", 3));
	assert_true(pathglob_match("a_c", 3, "a_c", 3));
	assert_false(pathglob_match("a*c", 3, "abc", 3));
	assert_false(pathglob_match("a?c", 3, "abc", 3));
	assert_false(pathglob_match("ABC", 3, "abc", 3));
	/* a '%' in the name is matched by '%' or by itself */
	assert_true(pathglob_match("pct%name", 8, "pct%name", 8));
}

static void one_level(void **state)
{
	(void)state;
	/* dot names are not matched; "a-b" < "a.txt" < "a/" in byte order;
	 * a dangling link and a link loop are not directories */
	both("/%", PATHGLOB_ALL,
	     "/a-b\n/a.txt\n/a/\n/b/\n/c/\n/chain/\n/dangling\n/esc/\n/loop\n/odd_name\n"
	     "/outside/\n/pct%name\n");
	both("/%", PATHGLOB_DIRS, "/a/\n/b/\n/c/\n/chain/\n/esc/\n/outside/\n");
	both("/%", PATHGLOB_FILES, "/a-b\n/a.txt\n/dangling\n/loop\n/odd_name\n/pct%name\n");
	both("/a/%", PATHGLOB_ALL, "/a/sub/\n/a/x.txt\n");
	both("/a/.%", PATHGLOB_ALL, "/a/.hidden\n");
	both("/.%", PATHGLOB_ALL, "/.dot/\n");
	both("/a%", PATHGLOB_ALL, "/a-b\n/a.txt\n/a/\n");
	both("/%.txt", PATHGLOB_ALL, "/a.txt\n");
	both("/odd%name", PATHGLOB_ALL, "/odd_name\n");
	both("/odd_nam_", PATHGLOB_ALL, "");
	both("/pct%name", PATHGLOB_ALL, "/pct%name\n");
	/* a trailing '/' asks for directories */
	both("/%/", PATHGLOB_ALL, "/a/\n/b/\n/c/\n/chain/\n/esc/\n/outside/\n");
	/* "%%" in the middle is one level, as glob's "**" */
	both("/%%/x.txt", PATHGLOB_ALL, "/a/x.txt\n");
	both("/nope/%", PATHGLOB_ALL, "");
	both("/a.txt/%", PATHGLOB_ALL, "");
}

static void intermediate_components(void **state)
{
	(void)state;
	/* intermediate wildcards follow symlinks to directories */
	/* (on the live host esc/etclink would reach /etc) */
	check(false, "/%/%/%.conf", PATHGLOB_ALL, "/a/sub/y.conf\n");
	check(true, "/%/sub/%.conf", PATHGLOB_ALL, "/a/sub/y.conf\n");
	both("/b/%/x.txt", PATHGLOB_ALL, "/b/link_to_a/x.txt\n");
	both("/%/sub/%", PATHGLOB_ALL, "/a/sub/deep/\n/a/sub/y.conf\n");
	both("/c/self/self/%", PATHGLOB_ALL, "/c/self/self/f\n/c/self/self/self/\n");
	/* the absolute link resolves inside the root, not on the host */
	check(false, "/b/ext/%", PATHGLOB_ALL, "/b/ext/o.txt\n");
	check(true, "/b/ext/%", PATHGLOB_ALL, "");
	check(false, "/esc/etclink/%", PATHGLOB_ALL, "");
	check(false, "/esc/%", PATHGLOB_ALL, "/esc/etclink\n");
	check(true, "/esc/%", PATHGLOB_ALL, "/esc/etclink/\n");
	/* ".." cannot climb out of the root */
	check(false, "/../%.txt", PATHGLOB_ALL, "/../a.txt\n");
	check(false, "/a/../../../%.txt", PATHGLOB_ALL, "/a/../../../a.txt\n");
	both("/a/../%.txt", PATHGLOB_ALL, "/a/../a.txt\n");
	/* empty components are kept as written */
	both("/a//%", PATHGLOB_ALL, "/a//sub/\n/a//x.txt\n");
}

static void literal_patterns(void **state)
{
	(void)state;
	both("/a.txt", PATHGLOB_ALL, "/a.txt\n");
	both("/a", PATHGLOB_ALL, "/a/\n");
	both("/a/", PATHGLOB_ALL, "/a/\n");
	both("/a", PATHGLOB_FILES, "");
	both("/a.txt", PATHGLOB_DIRS, "");
	both("/b/link_to_a", PATHGLOB_ALL, "/b/link_to_a/\n");
	both("/dangling", PATHGLOB_ALL, "/dangling\n");
	both("/loop", PATHGLOB_ALL, "/loop\n");
	both("/nope", PATHGLOB_ALL, "");
	check(false, "/", PATHGLOB_ALL, "/\n");
	check(false, "/b/ext", PATHGLOB_ALL, "/b/ext/\n");
	check(true, "/b/ext", PATHGLOB_ALL, "/b/ext\n");
}

static void recursive(void **state)
{
	(void)state;
	both("/a%%", PATHGLOB_ALL,
	     "/a-b\n/a.txt\n/a/\n/a/.hidden\n/a/sub/\n/a/sub/deep/\n/a/sub/deep/z\n"
	     "/a/sub/y.conf\n/a/x.txt\n");
	both("/a/%%", PATHGLOB_FILES, "/a/sub/deep/z\n/a/sub/y.conf\n/a/x.txt\n");
	both("/a/%%", PATHGLOB_DIRS, "/a/sub/\n/a/sub/deep/\n");
	/* symlinks to directories outside the walked tree are walked;
	 * c/self (".") is never entered twice */
	check(false, "/b/%%", PATHGLOB_ALL,
	      "/b/ext/\n/b/ext/o.txt\n/b/link_to_a/\n/b/link_to_a/.hidden\n/b/link_to_a/sub/\n"
	      "/b/link_to_a/sub/deep/\n/b/link_to_a/sub/deep/z\n/b/link_to_a/sub/y.conf\n"
	      "/b/link_to_a/x.txt\n");
	/* c/self is entered once (c itself is not part of the walk, as in
	 * osquery), then c is seen again */
	both("/c/%%", PATHGLOB_ALL, "/c/f\n/c/self/\n/c/self/f\n/c/self/self/\n");
}

/* From the top: a link back into the walked tree is listed, not
 * entered (what it points to is listed under its own path). */
static void recursive_from_top(void **state)
{
	struct strbuf expected = STRBUF_INIT, d = STRBUF_INIT;
	char *got;

	(void)state;
	strbuf_addstr(&expected, "/a-b\n/a.txt\n/a/\n/a/.hidden\n/a/sub/\n/a/sub/deep/\n"
				 "/a/sub/deep/z\n/a/sub/y.conf\n/a/x.txt\n/b/\n/b/ext/\n"
				 "/b/link_to_a/\n/c/\n/c/f\n/c/self/\n/chain/\n");
	/* chain is a base (depth 0): entries down to 64 levels below it */
	strbuf_addstr(&d, "/chain");
	for (int i = 1; i <= PATHGLOB_MAX_DEPTH; i++) {
		strbuf_addstr(&d, "/d");
		strbuf_addf(&expected, "%s/\n", d.buf);
	}
	strbuf_addstr(&expected, "/dangling\n/esc/\n/esc/etclink\n/loop\n/odd_name\n/outside/\n"
				 "/outside/o.txt\n/pct%name\n");
	got = expand(false, "/%%", PATHGLOB_ALL, NULL);
	if (strcmp(got, expected.buf) != 0)
		fail_msg("--- expected\n%s--- got\n%s", expected.buf, got);
	free(got);
	strbuf_release(&expected);
	strbuf_release(&d);
}

static void refused_patterns(void **state)
{
	int r;
	char *got;

	(void)state;
	got = expand(false, "a/%", PATHGLOB_ALL, &r);
	assert_int_equal(r, -EINVAL);
	assert_string_equal(got, "");
	free(got);
	got = expand(false, "~/x", PATHGLOB_ALL, &r);
	assert_int_equal(r, -EINVAL);
	free(got);
}

struct stopper {
	int n;
};

static int stop_after_two(void *arg, const struct pathglob_entry *e)
{
	struct stopper *s = arg;

	(void)e;
	return ++s->n == 2 ? -EINTR : 0;
}

static void callback_stops(void **state)
{
	struct rootfs *rfs;
	struct rootpath rp;
	struct stopper s = { 0 };

	(void)state;
	assert_int_equal(rootfs_open(&rfs, root), 0);
	assert_int_equal(rootpath_init(&rp, rfs), 0);
	assert_int_equal(pathglob_expand(&rp, "/%%", PATHGLOB_ALL, stop_after_two, &s), -EINTR);
	assert_int_equal(s.n, 2);
	s.n = 0;
	assert_int_equal(pathglob_walk(&rp, "/", PATHGLOB_ALL | PATHGLOB_RECURSE, stop_after_two,
				       &s),
			 -EINTR);
	rootpath_release(&rp);
	rootfs_free(rfs);
}

static char *walk(const char *dir, unsigned flags)
{
	struct collect c = { .out = STRBUF_INIT };
	struct rootfs *rfs;
	struct rootpath rp;

	assert_int_equal(rootfs_open(&rfs, root), 0);
	assert_int_equal(rootpath_init(&rp, rfs), 0);
	assert_int_equal(pathglob_walk(&rp, dir, flags, collect, &c), 0);
	rootpath_release(&rp);
	rootfs_free(rfs);
	return strbuf_detach(&c.out, NULL);
}

static void walks(void **state)
{
	char *got;

	(void)state;
	/* every entry, dot ones too, names in byte order, nothing marked */
	got = walk("/", PATHGLOB_ALL);
	assert_string_equal(got, "/.dot\n/a\n/a-b\n/a.txt\n/b\n/c\n/chain\n/dangling\n/esc\n"
				 "/loop\n/odd_name\n/outside\n/pct%name\n");
	free(got);
	got = walk("/a/", PATHGLOB_ALL);
	assert_string_equal(got, "/a/.hidden\n/a/sub\n/a/x.txt\n");
	free(got);
	got = walk("/a//", PATHGLOB_FILES);
	assert_string_equal(got, "/a//.hidden\n/a//x.txt\n");
	free(got);
	/* recursive: into real directories only */
	got = walk("/b", PATHGLOB_ALL | PATHGLOB_RECURSE);
	assert_string_equal(got, "/b/ext\n/b/link_to_a\n");
	free(got);
	got = walk("/a", PATHGLOB_FILES | PATHGLOB_RECURSE);
	assert_string_equal(got, "/a/.hidden\n/a/sub/deep/z\n/a/sub/y.conf\n/a/x.txt\n");
	free(got);
	/* the start may be a symlink (as /bin on merged-/usr systems) */
	got = walk("/b/link_to_a", PATHGLOB_DIRS | PATHGLOB_RECURSE);
	assert_string_equal(got, "/b/link_to_a/sub\n/b/link_to_a/sub/deep\n");
	free(got);
	got = walk("/nope", PATHGLOB_ALL);
	assert_string_equal(got, "");
	free(got);
	got = walk("/a.txt", PATHGLOB_ALL);
	assert_string_equal(got, "");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(match_rules),
		cmocka_unit_test(one_level),
		cmocka_unit_test(intermediate_components),
		cmocka_unit_test(literal_patterns),
		cmocka_unit_test(recursive),
		cmocka_unit_test(recursive_from_top),
		cmocka_unit_test(refused_patterns),
		cmocka_unit_test(callback_stops),
		cmocka_unit_test(walks),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
