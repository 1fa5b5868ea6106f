/*
 * test_rootfs.c - the access layer: reads under a root prefix stay inside
 * it (absolute symlinks and ".." resolve within the tree), bounded reads
 * report truncation, links and existence are answered under the root.
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

#include "rootfs.h"
#include "strbuf.h"

static char root[] = "/tmp/spoor-rootfs-XXXXXX";

static void put(const char *rel, const char *content)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static void link_to(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	char path[512];

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);
	put("etc/hostname", "inside\n");
	put("etc/big", "0123456789");
	link_to("/etc/hostname", "etc/abs-link");     /* absolute */
	link_to("../../../../etc/hostname", "etc/up"); /* climbs past the root */
	link_to("/nonexistent", "etc/dangling");
	snprintf(path, sizeof(path), "%s/etc/fifo", root);
	assert_int_equal(mkfifo(path, 0600), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void reads_stay_inside(void **state)
{
	struct rootfs *rfs;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(rootfs_open(&rfs, root), 0);
	assert_false(rootfs_is_live(rfs));
	assert_int_equal(rootfs_read(rfs, "/etc/abs-link", &sb, 4096, NULL), 0);
	assert_string_equal(sb.buf, "inside\n");
	strbuf_reset(&sb);
	assert_int_equal(rootfs_read(rfs, "/etc/up", &sb, 4096, NULL), 0);
	assert_string_equal(sb.buf, "inside\n");
	strbuf_reset(&sb);
	assert_int_equal(rootfs_read(rfs, "/../../etc/hostname", &sb, 4096, NULL), 0);
	assert_string_equal(sb.buf, "inside\n");
	strbuf_reset(&sb);
	assert_int_equal(rootfs_read(rfs, "/etc/dangling", &sb, 4096, NULL), -ENOENT);
	assert_int_equal(rootfs_read(rfs, "/etc/missing", &sb, 4096, NULL), -ENOENT);
	assert_true(rootfs_exists(rfs, "/etc/abs-link"));
	assert_false(rootfs_exists(rfs, "/etc/dangling"));
	strbuf_release(&sb);
	rootfs_free(rfs);
}

static void links_and_stat(void **state)
{
	struct rootfs *rfs;
	struct strbuf sb = STRBUF_INIT;
	struct stat st;

	(void)state;
	assert_int_equal(rootfs_open(&rfs, root), 0);
	assert_int_equal(rootfs_readlink(rfs, "/etc/abs-link", &sb), 0);
	assert_string_equal(sb.buf, "/etc/hostname");
	assert_int_equal(rootfs_stat(rfs, "/etc/abs-link", &st), 0);
	assert_int_equal(st.st_size, 7);
	assert_int_equal(rootfs_stat(rfs, "/etc/dangling", &st), -ENOENT);
	strbuf_release(&sb);
	rootfs_free(rfs);
}

static void bounded_reads(void **state)
{
	struct rootfs *rfs;
	struct strbuf sb = STRBUF_INIT;
	bool trunc = false;

	(void)state;
	assert_int_equal(rootfs_open(&rfs, root), 0);
	assert_int_equal(rootfs_read(rfs, "/etc/big", &sb, 4, &trunc), 0);
	assert_string_equal(sb.buf, "0123");
	assert_true(trunc);
	strbuf_reset(&sb);
	assert_int_equal(rootfs_read(rfs, "/etc/big", &sb, 10, &trunc), 0);
	assert_string_equal(sb.buf, "0123456789");
	assert_false(trunc);
	/* on error the buffer keeps what it held */
	assert_int_equal(rootfs_read(rfs, "/etc/nope", &sb, 10, &trunc), -ENOENT);
	assert_string_equal(sb.buf, "0123456789");
	strbuf_release(&sb);
	rootfs_free(rfs);
}

static void fifo_does_not_hang(void **state)
{
	struct rootfs *rfs;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(rootfs_open(&rfs, root), 0);
	/* no writer: reads as empty instead of blocking forever */
	assert_int_equal(rootfs_read(rfs, "/etc/fifo", &sb, 4096, NULL), 0);
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
	rootfs_free(rfs);
}

static void live_and_missing_roots(void **state)
{
	struct rootfs *rfs;

	(void)state;
	assert_int_equal(rootfs_open(&rfs, NULL), 0);
	assert_true(rootfs_is_live(rfs));
	assert_true(rootfs_exists(rfs, "/proc/self/stat"));
	rootfs_free(rfs);
	assert_int_equal(rootfs_open(&rfs, "/nonexistent-root"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_stay_inside),
		cmocka_unit_test(links_and_stat),
		cmocka_unit_test(bounded_reads),
		cmocka_unit_test(fifo_does_not_hang),
		cmocka_unit_test(live_and_missing_roots),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
