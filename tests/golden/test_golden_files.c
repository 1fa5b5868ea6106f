/*
 * test_golden_files.c - file, hash, magic, suid_bin and
 * extended_attributes on a captured tree and on trees built at run time.
 *
 * tests/golden/roots/files1 holds hand-made files and links, and this
 * machine's /etc/ssh/ssh_config (captured/):
 *   data/lorem.txt   "Lorem ipsum dolor sit amet, consectetur adipiscing
 *                    elit." (56 bytes, no newline: osquery's hash test)
 *   data/辞書.txt, data/file-table-test.txt  "test" (osquery's file test)
 *   data/empty, data/.hidden "h\n", data/a-b "ab\n", data/a.txt "a\n",
 *   data/a/inner "in a\n", data/sub/nested.conf "a = 1\n"
 *   links/abs -> /data/lorem.txt     links/rel -> ../data/lorem.txt
 *   links/dir -> /data               links/dangling -> /data/missing
 *   links/escape -> /etc/hostname (exists on the host, not in the tree)
 *   links/loop -> loop               bin/hello.sh (a shell script)
 * Digests were checked with md5sum/sha1sum/sha256sum, and against the
 * well-known vectors of "" and "test"; libmagic's strings with file(1).
 * Git keeps neither modes beyond the executable bit, nor times, owners,
 * devices or xattrs: those are asserted on trees the tests build, where
 * chmod, utimensat, mkfifo and setxattr set them to known values.
 *
 * Directory sizes and link counts depend on the file system holding the
 * checkout, so the queries below leave them out for directories.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

#define LOREM_MD5 "35899082e51edf667f14477ac000cbba"
#define LOREM_SHA1 "e7505beb754bed863e3885f73e3bb6866bdd7f8c"
#define LOREM_SHA256 "a58dd8680234c1f8cc2ef2b325a43733605a7f16f288e072de8eae81fd8d6433"
#define TEST_HASHES                                                                         \
	"098f6bcd4621d373cade4e832627b4f6|a94a8fe5ccb19ba61c4c0873d391e987982fbbd3|"         \
	"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define EMPTY_HASHES                                                                        \
	"d41d8cd98f00b204e9800998ecf8427e|da39a3ee5e6b4b0d3255bfef95601890afd80709|"         \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* ------------------------------------------------------------------ */
/* files1: file */

static void file_by_path(void **state)
{
	struct engine *eng = test_golden_engine("files1");

	(void)state;
	test_assert_query(eng,
			  "SELECT path, directory, filename, size, type, symlink, "
			  "symlink_target_path, hard_links, btime, pid_with_namespace, "
			  "mount_namespace_id FROM file WHERE path = '/data/lorem.txt'",
			  "/data/lorem.txt|/data|lorem.txt|56|regular|0|NULL|1|0|0|NULL\n");
	/* several paths: sorted, duplicates once, missing and relative
	 * paths give no row; "/" has no parent, "/data/" is a directory
	 * whose filename is "." (boost's filename()) */
	test_assert_query(eng,
			  "SELECT path, directory, filename, type FROM file WHERE path IN "
			  "('/data/a.txt', '/', '/data/', '/data', '/nope', 'data/a.txt', "
			  "'/data/a.txt', '/data//a.txt')",
			  "/||/|directory\n"
			  "/data|/|data|directory\n"
			  "/data/|/data|.|directory\n"
			  "/data//a.txt|/data|a.txt|regular\n"
			  "/data/a.txt|/data|a.txt|regular\n");
	/* symlinks: lstat says symlink, the rest follows the link inside
	 * the tree; links/escape points at the host's /etc/hostname, which
	 * the tree lacks: dangling; a loop is an error */
	test_assert_query(eng,
			  "SELECT path, symlink, type, symlink_target_path, "
			  "CASE type WHEN 'directory' THEN 'D' ELSE size END FROM file "
			  "WHERE directory = '/links'",
			  "/links/abs|1|regular|/data/lorem.txt|56\n"
			  "/links/dangling|1|unknown|/data/missing|13\n"
			  "/links/dir|1|directory|/data|D\n"
			  "/links/escape|1|unknown|/etc/hostname|13\n"
			  "/links/loop|1|error|loop|4\n"
			  "/links/rel|1|regular|../data/lorem.txt|56\n");
	engine_free(eng);
}

static void file_by_directory(void **state)
{
	struct engine *eng = test_golden_engine("files1");

	(void)state;
	/* every entry, dot ones too, in name order; the directory column
	 * is the constraint as written */
	test_assert_query(eng,
			  "SELECT path, filename, directory, type FROM file WHERE directory = '/data'",
			  "/data/.hidden|.hidden|/data|regular\n"
			  "/data/a|a|/data|directory\n"
			  "/data/a-b|a-b|/data|regular\n"
			  "/data/a.txt|a.txt|/data|regular\n"
			  "/data/empty|empty|/data|regular\n"
			  "/data/file-table-test.txt|file-table-test.txt|/data|regular\n"
			  "/data/lorem.txt|lorem.txt|/data|regular\n"
			  "/data/sub|sub|/data|directory\n"
			  "/data/辞書.txt|辞書.txt|/data|regular\n");
	test_assert_query(eng, "SELECT path, directory FROM file WHERE directory = '/data/' "
			       "AND filename LIKE '%.txt'",
			  "/data/a.txt|/data/\n/data/file-table-test.txt|/data/\n"
			  "/data/lorem.txt|/data/\n/data/辞書.txt|/data/\n");
	/* a link to a directory is listed through */
	test_assert_query(eng, "SELECT path, directory FROM file WHERE directory = '/links/dir' "
			       "AND filename = 'a-b'",
			  "/links/dir/a-b|/links/dir\n");
	/* directory LIKE: the matching directories (marked '/'), listed */
	test_assert_query(eng, "SELECT path, directory FROM file WHERE directory LIKE '/data/%'",
			  "/data/a/inner|/data/a/\n/data/sub/nested.conf|/data/sub/\n");
	/* a path row and a directory row for the same file: both, as
	 * osquery */
	test_assert_query(eng, "SELECT path, directory FROM file WHERE path = '/data/a.txt' "
			       "AND directory = '/data'",
			  "/data/a.txt|/data\n/data/a.txt|/data\n");
	test_assert_query(eng, "SELECT count(*) FROM file WHERE directory IN ('/nope', "
			       "'/data/a.txt', 'data', '')",
			  "0\n");
	engine_free(eng);
}

static void file_like(void **state)
{
	struct engine *eng = test_golden_engine("files1");

	(void)state;
	/* one level, no dot names; directories end in '/' and have
	 * filename "." and their own path as directory */
	test_assert_query(eng,
			  "SELECT path, directory, filename, type, "
			  "CASE type WHEN 'directory' THEN 'D' ELSE size END "
			  "FROM file WHERE path LIKE '/data/%'",
			  "/data/a-b|/data|a-b|regular|3\n"
			  "/data/a.txt|/data|a.txt|regular|2\n"
			  "/data/a/|/data/a|.|directory|D\n"
			  "/data/empty|/data|empty|regular|0\n"
			  "/data/file-table-test.txt|/data|file-table-test.txt|regular|4\n"
			  "/data/lorem.txt|/data|lorem.txt|regular|56\n"
			  "/data/sub/|/data/sub|.|directory|D\n"
			  "/data/辞書.txt|/data|辞書.txt|regular|4\n");
	/* a link to a directory is marked too, and then is no symlink
	 * (lstat of "dir/" resolves it), as in osquery */
	test_assert_query(eng,
			  "SELECT path, symlink, type FROM file WHERE path LIKE '/links/%'",
			  "/links/abs|1|regular\n/links/dangling|1|unknown\n"
			  "/links/dir/|0|directory\n/links/escape|1|unknown\n"
			  "/links/loop|1|error\n/links/rel|1|regular\n");
	/* recursive: dot names below the first level are listed */
	test_assert_query(eng, "SELECT path FROM file WHERE path LIKE '/data/%%'",
			  "/data/a-b\n/data/a.txt\n/data/a/\n/data/a/inner\n/data/empty\n"
			  "/data/file-table-test.txt\n/data/lorem.txt\n/data/sub/\n"
			  "/data/sub/nested.conf\n/data/辞書.txt\n");
	/* osquery's test_nested_directory_traversal: regular files of the
	 * whole tree; links/dir leads back into the walk and is not
	 * entered, links/abs and links/rel are regular through the link */
	test_assert_query(eng, "SELECT path FROM file WHERE path LIKE '/%%' AND type = 'regular'",
			  "/bin/hello.sh\n/captured/ssh_config\n/data/.hidden\n/data/a-b\n"
			  "/data/a.txt\n/data/a/inner\n/data/empty\n/data/file-table-test.txt\n"
			  "/data/lorem.txt\n/data/sub/nested.conf\n/data/辞書.txt\n/etc/group\n"
			  "/etc/passwd\n/links/abs\n/links/rel\n");
	/* two patterns (osquery's test_sanity shape) and a path */
	test_assert_query(eng,
			  "SELECT path FROM file WHERE path LIKE '/data/%.txt' OR "
			  "path LIKE '/data/%.lnk' OR path = '/data/empty'",
			  /* SQLite scans once per OR term */
			  "/data/a.txt\n/data/file-table-test.txt\n/data/lorem.txt\n"
			  "/data/辞書.txt\n/data/empty\n");
	test_assert_query(eng,
			  "SELECT path FROM file WHERE path LIKE '/data/%' AND path LIKE '/data/a%'",
			  "/data/a-b\n/data/a.txt\n/data/a/\n");
	/* '_' is literal for the expansion (glob), SQLite's LIKE then
	 * applies to what was found */
	test_assert_query(eng, "SELECT count(*) FROM file WHERE path LIKE '/data/a_txt'", "0\n");
	test_assert_query(eng, "SELECT path FROM file WHERE path LIKE '/data/a.txt'",
			  "/data/a.txt\n");
	/* the expansion of '/data' is "/data/", which SQLite's LIKE then
	 * rejects: no row, as in osquery */
	test_assert_query(eng, "SELECT count(*) FROM file WHERE path LIKE '/data'", "0\n");
	test_assert_query(eng, "SELECT path FROM file WHERE path LIKE '/data/'", "/data/\n");
	/* relative patterns and patterns into missing directories: none */
	test_assert_query(eng, "SELECT count(*) FROM file WHERE path LIKE 'data/%'", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM file WHERE path LIKE '/nope/%%'", "0\n");
	/* the absolute link must not reach the host's /etc */
	test_assert_query(eng, "SELECT count(*) FROM file WHERE path LIKE '/links/escape/%'",
			  "0\n");
	engine_free(eng);
}

static void file_constraints(void **state)
{
	struct engine *eng = test_golden_engine("files1");

	(void)state;
	test_assert_query_fails(eng, "SELECT * FROM file",
				"requires a constraint on column 'path' or 'directory'");
	test_assert_query_fails(eng, "SELECT * FROM file WHERE filename = 'passwd'",
				"requires a constraint");
	/* pid_with_namespace = N would mean process N's mount namespace,
	 * which spoor does not enter: no rows; 0 is the host */
	test_assert_query(eng, "SELECT count(*) FROM file WHERE path = '/data/a.txt' AND "
			       "pid_with_namespace = 42",
			  "0\n");
	test_assert_query(eng, "SELECT count(*) FROM file WHERE path = '/data/a.txt' AND "
			       "pid_with_namespace = 0",
			  "1\n");
	/* SELECT * is osquery's visible column set */
	test_assert_query(eng, "SELECT count(*) FROM pragma_table_info('file')", "18\n");
	/* joins push the path down row by row */
	test_assert_query(eng,
			  "SELECT f.path, h.md5 FROM file f JOIN hash h USING (path) "
			  "WHERE f.directory = '/data' AND f.size = 4",
			  "/data/file-table-test.txt|098f6bcd4621d373cade4e832627b4f6\n"
			  "/data/辞書.txt|098f6bcd4621d373cade4e832627b4f6\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* files1: hash, magic */

static void hash_golden(void **state)
{
	struct engine *eng = test_golden_engine("files1");

	(void)state;
	/* osquery's own test values */
	test_assert_query(eng, "SELECT * FROM hash WHERE path = '/data/lorem.txt'",
			  "/data/lorem.txt|/data|" LOREM_MD5 "|" LOREM_SHA1 "|" LOREM_SHA256 "\n");
	test_assert_query(eng,
			  "SELECT path, directory, md5, sha1, sha256 FROM hash "
			  "WHERE directory = '/data'",
			  "/data/.hidden|/data|01fbdc44ef819db6273bc30965a23814|"
			  "244aa7266b3f5a08321b403b2c59baeba5539b19|"
			  "91ee5e9f42ba3d34e414443b36a27b797a56a47aad6bb1e4c1769e69c77ce0ca\n"
			  "/data/a-b|/data|daa8075d6ac5ff8d0c6d4650adb4ef29|"
			  "5277cbb45a15902137d332d97e89cf8136545485|"
			  "a63d8014dba891345b30174df2b2a57efbb65b4f9f09b98f245d1b3192277ece\n"
			  "/data/a.txt|/data|60b725f10c9c85c70d97880dfe8191b3|"
			  "3f786850e387550fdab836ed7e6dc881de23001b|"
			  "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7\n"
			  "/data/empty|/data|" EMPTY_HASHES "\n"
			  "/data/file-table-test.txt|/data|" TEST_HASHES "\n"
			  "/data/lorem.txt|/data|" LOREM_MD5 "|" LOREM_SHA1 "|" LOREM_SHA256 "\n"
			  "/data/辞書.txt|/data|" TEST_HASHES "\n");
	/* the captured file */
	test_assert_query(eng, "SELECT md5, sha1, sha256 FROM hash WHERE path = "
			       "'/captured/ssh_config'",
			  "8a5bddc82befb71d8ef34cc903d3d077|8a5aa847f756f7229eb9332056b9c8111d460bf1|"
			  "430210df52a502b2be267a69a3163e80d9fd0a5f3e2a0d3b520408964ff778fd\n");
	/* links resolve inside the tree; the escape link hashes nothing of
	 * the host; directories, dangling links and loops give no row */
	test_assert_query(eng, "SELECT path, directory, md5 FROM hash WHERE path LIKE '/links/%'",
			  "/links/abs|/links|" LOREM_MD5 "\n/links/rel|/links|" LOREM_MD5 "\n");
	test_assert_query(eng, "SELECT count(*) FROM hash WHERE path IN ('/links/escape', "
			       "'/links/dir', '/data', '/nope', 'data/a.txt')",
			  "0\n");
	/* hash columns compare without case */
	test_assert_query(eng, "SELECT path FROM hash WHERE path = '/data/lorem.txt' AND "
			       "md5 = '35899082E51EDF667F14477AC000CBBA'",
			  "/data/lorem.txt\n");
	/* only the selected digest (the others are not computed) */
	test_assert_query(eng, "SELECT sha256 FROM hash WHERE path = '/data/empty'",
			  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n");
	/* directory LIKE: every match that is a directory, listed */
	test_assert_query(eng, "SELECT path, directory FROM hash WHERE directory LIKE '/data/%'",
			  "/data/a/inner|/data/a/\n/data/sub/nested.conf|/data/sub/\n");
	test_assert_query_fails(eng, "SELECT * FROM hash WHERE md5 = 'x'",
				"requires a constraint on column 'path' or 'directory'");
	engine_free(eng);
}

static void magic_golden(void **state)
{
	struct engine *eng = test_golden_engine("files1");

	(void)state;
	/* libmagic's answers (as file -b, --mime-type, --mime-encoding);
	 * a link is described, not followed, its target looked up in the
	 * tree (links/escape exists on the host, not here); a path whose
	 * directory is not in the tree gives NULLs */
	test_assert_query(eng,
			  "SELECT path, data, mime_type, mime_encoding FROM magic WHERE path IN "
			  "('/bin/hello.sh', '/data/lorem.txt', '/data/empty', '/links/abs', "
			  "'/links/escape', '/nope/x', '/data', '/')",
			  "/|directory|inode/directory|binary\n"
			  "/bin/hello.sh|POSIX shell script, ASCII text executable|"
			  "text/x-shellscript|us-ascii\n"
			  "/data|directory|inode/directory|binary\n"
			  "/data/empty|empty|inode/x-empty|binary\n"
			  "/data/lorem.txt|ASCII text, with no line terminators|text/plain|us-ascii\n"
			  "/links/abs|symbolic link to /data/lorem.txt|inode/symlink|binary\n"
			  "/links/escape|broken symbolic link to /etc/hostname|inode/symlink|NULL\n"
			  "/nope/x|NULL|NULL|NULL\n");
	test_assert_query(eng, "SELECT magic_db_files FROM magic WHERE path = '/data/empty'",
			  "/usr/share/file/magic.mgc:/usr/share/misc/magic.mgc\n");
	/* a database that does not load: no rows, as osquery */
	test_assert_query(eng, "SELECT count(*) FROM magic WHERE path = '/data/empty' AND "
			       "magic_db_files = '/nonexistent.mgc'",
			  "0\n");
	/* osquery reads "path =" only */
	test_assert_query(eng, "SELECT count(*) FROM magic WHERE path LIKE '/data/%'", "0\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* trees built at run time */

static char *tree_path(const struct test_tree *t, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", t->dir, rel);
	return strbuf_detach(&sb, NULL);
}

static void tree_mkdir(const struct test_tree *t, const char *rel, mode_t mode)
{
	char *p = tree_path(t, rel);

	if (mkdir(p, 0755) < 0 || chmod(p, mode) < 0)
		fail_msg("mkdir %s: %s", p, strerror(errno));
	free(p);
}

static void tree_file(const struct test_tree *t, const char *rel, const char *content, mode_t mode)
{
	char *p = tree_path(t, rel);
	FILE *fp = fopen(p, "w");

	if (!fp || fputs(content, fp) < 0 || fclose(fp) != 0 || chmod(p, mode) < 0)
		fail_msg("write %s: %s", p, strerror(errno));
	free(p);
}

static void tree_link(const struct test_tree *t, const char *target, const char *rel)
{
	char *p = tree_path(t, rel);

	if (symlink(target, p) < 0)
		fail_msg("symlink %s: %s", p, strerror(errno));
	free(p);
}

static void tree_times(const struct test_tree *t, const char *rel, time_t atime, time_t mtime)
{
	char *p = tree_path(t, rel);
	struct timespec ts[2] = { { .tv_sec = atime }, { .tv_sec = mtime } };

	if (utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW) < 0)
		fail_msg("utimensat %s: %s", p, strerror(errno));
	free(p);
}

/* Per-test trees: the teardown removes the tree even when the test
 * fails half-way. */
static int tree_setup(void **state)
{
	struct test_tree *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	test_tree_make(t);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct test_tree *t = *state;

	test_tree_remove(t);
	free(t);
	return 0;
}

/* Under a foreign root spoor describes symlinks itself: the same words
 * libmagic uses on the live host. */
static void magic_links_root_matches_live(void **state)
{
	struct test_tree *t = *state;
	struct engine *live, *rooted;
	struct strbuf sql = STRBUF_INIT;
	char *want, *got;

	tree_file(t, "target", "text\n", 0644);
	tree_link(t, "target", "good");
	tree_link(t, "missing", "broken");
	tree_link(t, "loop", "loop");
	tree_link(t, "/target", "absolute");
	live = test_engine(NULL);
	rooted = test_engine(t->dir);
	strbuf_addf(&sql,
		    "SELECT substr(path, %zu), data, mime_type, mime_encoding FROM magic "
		    "WHERE path IN ('%s/good', '%s/broken', '%s/loop', '%s/target')",
		    strlen(t->dir) + 1, t->dir, t->dir, t->dir, t->dir);
	want = test_query_text(live, sql.buf);
	got = test_query_text(rooted,
			      "SELECT path, data, mime_type, mime_encoding FROM magic "
			      "WHERE path IN ('/good', '/broken', '/loop', '/target')");
	assert_string_equal(want, "/broken|broken symbolic link to missing|inode/symlink|NULL\n"
				  "/good|symbolic link to target|inode/symlink|binary\n"
				  "/loop|broken symbolic link to loop|inode/symlink|NULL\n"
				  "/target|ASCII text|text/plain|us-ascii\n");
	assert_string_equal(got, want);
	/* an absolute link resolves inside the root */
	test_assert_query(rooted, "SELECT data, mime_encoding FROM magic WHERE path = '/absolute'",
			  "symbolic link to /target|binary\n");
	free(want);
	free(got);
	strbuf_release(&sql);
	engine_free(live);
	engine_free(rooted);
}

/* Modes, times, special files: exact values the test set itself. */
static void file_stat_columns(void **state)
{
	struct test_tree *t = *state;
	struct engine *eng;
	struct stat st;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct strbuf expected = STRBUF_INIT;
	char *p;
	int sock;

	tree_file(t, "plain", "12345", 0640);
	tree_file(t, "setuid", "#!/bin/sh\n", 04755);
	tree_file(t, "setgid", "", 02711);
	tree_file(t, "both", "", 06700);
	tree_mkdir(t, "sticky", 01777);
	tree_times(t, "plain", 1000000000, 1234567890);
	p = tree_path(t, "fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	free(p);
	p = tree_path(t, "sock");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(sock >= 0);
	assert_int_equal(bind(sock, (struct sockaddr *)&sa, sizeof(sa)), 0);
	free(p);
	p = tree_path(t, "plain");
	{
		char *hl = tree_path(t, "hardlink");

		assert_int_equal(link(p, hl), 0);
		free(hl);
	}
	assert_int_equal(stat(p, &st), 0);
	free(p);
	tree_link(t, "plain", "to-plain");

	/* as a root of its own */
	eng = test_engine(t->dir);
	p = tree_path(t, "sock");
	{
		struct stat sst;

		assert_int_equal(lstat(p, &sst), 0);
		free(p);
		strbuf_addf(&expected,
		    "/both|0|6700|regular|0\n"
		    "/fifo|0|0600|fifo|0\n"
		    "/hardlink|0|0640|regular|5\n"
		    "/plain|0|0640|regular|5\n"
		    "/setgid|0|2711|regular|0\n"
		    "/setuid|0|4755|regular|10\n"
		    "/sock|0|%04o|socket|0\n"
		    "/sticky/|0|1777|directory|D\n"
		    "/to-plain|1|0640|regular|5\n",
		    (unsigned)(sst.st_mode & 07777));
	}
	test_assert_query(eng,
			  "SELECT path, symlink, mode, type, "
			  "CASE type WHEN 'directory' THEN 'D' ELSE size END "
			  "FROM file WHERE path LIKE '/%'",
			  expected.buf);
	/* times, owner, inode, links, block size: the stat of the file,
	 * through the symlink too */
	strbuf_reset(&expected);
	strbuf_addf(&expected,
		    "/plain|1000000000|1234567890|%lld|%u|%u|%llu|2|%lld|0|0\n"
		    "/to-plain|1000000000|1234567890|%lld|%u|%u|%llu|2|%lld|0|0\n",
		    (long long)st.st_ctime, st.st_uid, st.st_gid, (unsigned long long)st.st_ino,
		    (long long)st.st_blksize, (long long)st.st_ctime, st.st_uid, st.st_gid,
		    (unsigned long long)st.st_ino, (long long)st.st_blksize);
	test_assert_query(eng,
			  "SELECT path, atime, mtime, ctime, uid, gid, inode, hard_links, "
			  "block_size, device, btime FROM file WHERE path IN ('/plain', '/to-plain')",
			  expected.buf);
	engine_free(eng);

	/* the live host, by absolute path: the same answers (fifo and
	 * socket times are their creation times: taken from lstat) */
	eng = test_engine(NULL);
	{
		struct strbuf sql = STRBUF_INIT;
		struct stat fst, sst;
		char *fp = tree_path(t, "fifo"), *sp = tree_path(t, "sock");

		assert_int_equal(lstat(fp, &fst), 0);
		assert_int_equal(lstat(sp, &sst), 0);
		strbuf_addf(&sql,
			    "SELECT filename, mode, type, mtime FROM file WHERE directory = '%s' "
			    "AND filename IN ('plain', 'fifo', 'sock')",
			    t->dir);
		strbuf_reset(&expected);
		strbuf_addf(&expected, "fifo|0600|fifo|%lld\nplain|0640|regular|1234567890\n"
				       "sock|%04o|socket|%lld\n",
			    (long long)fst.st_mtime, (unsigned)(sst.st_mode & 07777),
			    (long long)sst.st_mtime);
		test_assert_query(eng, sql.buf, expected.buf);
		strbuf_release(&sql);
		free(fp);
		free(sp);
	}
	/* a character device: device is st_rdev (1:3 for /dev/null) */
	test_assert_query(eng, "SELECT type, device, symlink FROM file WHERE path = '/dev/null'",
			  "character|259|0\n");
	engine_free(eng);
	close(sock);
	strbuf_release(&expected);
}

/* suid_bin on a built root: merged /usr, names from the root's files */
static void suid_bin_root(void **state)
{
	struct test_tree *t = *state;
	struct engine *eng;
	char *p;
	bool root = geteuid() == 0;

	tree_mkdir(t, "etc", 0755);
	tree_file(t, "etc/passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1001:1001::/:/bin/sh\n",
		  0644);
	tree_file(t, "etc/group", "root:x:0:\nstaff:x:50:\nalice:x:1001:\n", 0644);
	tree_mkdir(t, "usr", 0755);
	tree_mkdir(t, "usr/bin", 0755);
	tree_mkdir(t, "usr/sbin", 0755);
	tree_mkdir(t, "usr/local", 0755);
	tree_mkdir(t, "usr/local/bin", 0755);
	tree_link(t, "usr/bin", "bin");
	tree_file(t, "usr/bin/su", "", 04755);
	tree_file(t, "usr/bin/wall", "", 02755);
	tree_file(t, "usr/bin/both", "", 06755);
	tree_file(t, "usr/bin/plain", "", 0755);
	tree_file(t, "usr/bin/.hidden-suid", "", 04700);
	tree_mkdir(t, "usr/bin/sub", 0755);
	tree_file(t, "usr/bin/sub/nested", "", 04711);
	/* a link to a directory is not entered; a link to a setuid file
	 * is listed under the link's path */
	tree_link(t, "/usr/sbin", "usr/bin/to-sbin");
	tree_link(t, "/usr/bin/su", "usr/local/bin/su-link");
	tree_file(t, "usr/sbin/owned", "", 04755);
	tree_mkdir(t, "tmp", 01777);
	tree_mkdir(t, "tmp/x", 0755);
	tree_file(t, "tmp/x/dropper", "", 04777);
	tree_mkdir(t, "sbin-not-searched", 0755);
	tree_file(t, "sbin-not-searched/su", "", 04755);
	if (root) {
		p = tree_path(t, "usr/sbin/owned");
		assert_int_equal(chown(p, 1001, 50), 0);
		/* chown clears setuid: set it again */
		assert_int_equal(chmod(p, 04755), 0);
		free(p);
		p = tree_path(t, "usr/bin/wall");
		assert_int_equal(chown(p, 0, 4242), 0);
		assert_int_equal(chmod(p, 02755), 0);
		free(p);
	}
	eng = test_engine(t->dir);
	if (root) {
		test_assert_query(eng, "SELECT * FROM suid_bin",
				  "/bin/.hidden-suid|root|root|S\n"
				  "/bin/both|root|root|SG\n"
				  "/bin/su|root|root|S\n"
				  "/bin/sub/nested|root|root|S\n"
				  "/bin/wall|root|4242|G\n"
				  "/usr/bin/.hidden-suid|root|root|S\n"
				  "/usr/bin/both|root|root|SG\n"
				  "/usr/bin/su|root|root|S\n"
				  "/usr/bin/sub/nested|root|root|S\n"
				  "/usr/bin/wall|root|4242|G\n"
				  "/usr/sbin/owned|alice|staff|S\n"
				  "/usr/local/bin/su-link|root|root|S\n"
				  "/tmp/x/dropper|root|root|S\n");
	} else {
		print_message("not root: owners left out of the suid_bin check\n");
		test_assert_query(eng, "SELECT path, permissions FROM suid_bin",
				  "/bin/.hidden-suid|S\n/bin/both|SG\n/bin/su|S\n"
				  "/bin/sub/nested|S\n/bin/wall|G\n/usr/bin/.hidden-suid|S\n"
				  "/usr/bin/both|SG\n/usr/bin/su|S\n/usr/bin/sub/nested|S\n"
				  "/usr/bin/wall|G\n/usr/sbin/owned|S\n"
				  "/usr/local/bin/su-link|S\n/tmp/x/dropper|S\n");
	}
	test_assert_query(eng, "SELECT count(*) FROM suid_bin WHERE pid_with_namespace = 3", "0\n");
	engine_free(eng);
}

/* extended_attributes on a built tree: printable and binary values */
static void xattr_values(void **state)
{
	static const char bin[] = { 0, 1, (char)0xff };
	struct test_tree *t = *state;
	struct engine *eng;
	char *a, *b;

	tree_file(t, "a", "", 0644);
	tree_file(t, "b", "", 0644);
	tree_mkdir(t, "d", 0755);
	tree_link(t, "/a", "d/link-to-a");
	a = tree_path(t, "a");
	b = tree_path(t, "b");
	if (setxattr(a, "user.text", "hello", 6, 0) < 0) {
		if (errno == ENOTSUP || errno == EOPNOTSUPP) {
			print_message("skipped: %s has no user xattrs (%s)\n", t->dir,
				      strerror(errno));
			goto out;
		}
		fail_msg("setxattr: %s", strerror(errno));
	}
	/* osquery's rule: printable only with a final NUL */
	assert_int_equal(setxattr(a, "user.nonul", "hello", 5, 0), 0);
	assert_int_equal(setxattr(a, "user.bin", bin, sizeof(bin), 0), 0);
	assert_int_equal(setxattr(a, "user.empty", "", 0, 0), 0);
	assert_int_equal(setxattr(b, "user.twonul", "hi\0", 4, 0), 0);
	assert_int_equal(setxattr(b, "user.tab", "a\tb", 4, 0), 0);

	eng = test_engine(t->dir);
	/* listxattr order is the file system's: compare sorted */
	test_assert_query(eng,
			  "SELECT path, directory, key, value, base64 FROM extended_attributes "
			  "WHERE path IN ('/a', '/b', '/nope') ORDER BY path, key",
			  "/a|/|user.bin|AAH/|1\n"
			  "/a|/|user.empty||1\n"
			  "/a|/|user.nonul|aGVsbG8=|1\n"
			  "/a|/|user.text|hello|0\n"
			  "/b|/|user.tab|YQli|1\n"
			  "/b|/|user.twonul|aGkA|1\n");
	/* a link resolves inside the tree; directory = lists the entries */
	test_assert_query(eng,
			  "SELECT path, directory, key FROM extended_attributes "
			  "WHERE directory = '/d' AND key = 'user.text'",
			  "/d/link-to-a|/d|user.text\n");
	test_assert_query(eng,
			  "SELECT path, key FROM extended_attributes WHERE path LIKE '/%' "
			  "AND key = 'user.text'",
			  "/a|user.text\n");
	engine_free(eng);
out:
	free(a);
	free(b);
}

/* hash of what is not a readable regular file */
static void hash_unreadable_and_special(void **state)
{
	struct test_tree *t = *state;
	struct engine *eng;

	tree_file(t, "secret", "s", 0000);
	{
		char *p = tree_path(t, "fifo");

		assert_int_equal(mkfifo(p, 0644), 0);
		free(p);
	}
	eng = test_engine(t->dir);
	/* a fifo is not a regular file: no row, and no hang */
	test_assert_query(eng, "SELECT count(*) FROM hash WHERE path = '/fifo'", "0\n");
	if (geteuid() != 0) {
		/* unreadable: a row with empty digests, as osquery */
		test_assert_query(eng, "SELECT path, md5, sha1, sha256 FROM hash "
				       "WHERE path = '/secret'",
				  "/secret|||\n");
	} else {
		test_assert_query(eng, "SELECT md5 FROM hash WHERE path = '/secret'",
				  "03c7c0ace395d80182db07ae2c30f034\n");
	}
	engine_free(eng);
}

/* Names with a newline or bytes that are not UTF-8 come back as they
 * are; paths past PATHGLOB_MAX_PATH (4096) are skipped, not an error. */
static void odd_names_and_long_paths(void **state)
{
	struct test_tree *t = *state;
	struct engine *eng;
	char name[251];
	int dfd;

	tree_mkdir(t, "odd", 0755);
	tree_file(t, "odd/new\nline", "1", 0644);
	tree_file(t, "odd/bad\xff\xfe", "22", 0644);
	eng = test_engine(t->dir);
	test_assert_query(eng, "SELECT hex(filename), size FROM file WHERE directory = '/odd'",
			  "626164FFFE|2\n6E65770A6C696E65|1\n");
	test_assert_query(eng, "SELECT hex(path), md5 FROM hash WHERE path LIKE '/odd/new%'",
			  "2F6F64642F6E65770A6C696E65|c4ca4238a0b923820dcc509a6f75849b\n");
	engine_free(eng);

	/* /long/<250 x>/<250 x>/... 20 levels: "/long" plus k components
	 * of 251 bytes and the final '/' fit in 4096 bytes for k <= 16 */
	memset(name, 'x', 250);
	name[250] = '\0';
	tree_mkdir(t, "long", 0755);
	{
		char *p = tree_path(t, "long");

		dfd = open(p, O_RDONLY | O_DIRECTORY);
		free(p);
	}
	assert_true(dfd >= 0);
	for (int i = 0; i < 20; i++) {
		int next;

		assert_int_equal(mkdirat(dfd, name, 0755), 0);
		next = openat(dfd, name, O_RDONLY | O_DIRECTORY);
		assert_true(next >= 0);
		close(dfd);
		dfd = next;
	}
	close(dfd);
	eng = test_engine(t->dir);
	test_assert_query(eng, "SELECT count(*), max(length(path)) FROM file "
			       "WHERE path LIKE '/long/%%'",
			  "16|4022\n");
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_by_path),
		cmocka_unit_test(file_by_directory),
		cmocka_unit_test(file_like),
		cmocka_unit_test(file_constraints),
		cmocka_unit_test(hash_golden),
		cmocka_unit_test(magic_golden),
		cmocka_unit_test_setup_teardown(magic_links_root_matches_live, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(file_stat_columns, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(suid_bin_root, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(xattr_values, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(hash_unreadable_and_special, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(odd_names_and_long_paths, tree_setup, tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
