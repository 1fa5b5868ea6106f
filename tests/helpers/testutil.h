/*
 * testutil.h - helpers shared by spoor's cmocka tests: an engine over
 * every table (live or on a captured root), query results as strings,
 * paths to test data, and running an independent tool for comparison.
 */
#ifndef SPOOR_TESTUTIL_H
#define SPOOR_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine.h"
#include "strbuf.h"

/* An engine over all registered tables; root NULL = the live host.
 * Fails the test on error. */
struct engine *test_engine(const char *root);

/* Query results with every value as text (NULL for SQL NULL). */
struct test_rows {
	size_t nrows;
	size_t ncols;
	char **names;  /* ncols */
	char **values; /* nrows * ncols */
	size_t cap;    /* values allocated */
	char *error;   /* set when the query failed */
};

/* Runs sql; returns 0 or the engine's error (message in rows->error). */
int test_query(struct engine *eng, const char *sql, struct test_rows *rows);
/* Like test_query, but fails the test with the message on error. */
void test_query_ok(struct engine *eng, const char *sql, struct test_rows *rows);
void test_rows_free(struct test_rows *rows);
/* Value of a named column in row r; NULL for SQL NULL; fails the test
 * when the column does not exist. */
const char *test_get(const struct test_rows *rows, size_t r, const char *col);
int test_col(const struct test_rows *rows, const char *col);

/* All rows of a query as text: columns joined by '|', each row ended by
 * '\n', SQL NULL written as NULL (malloc'd). Fails the test on error. */
char *test_query_text(struct engine *eng, const char *sql);
/* Fails the test unless the query's text (as test_query_text) is expected. */
void test_assert_query(struct engine *eng, const char *sql, const char *expected);
/* Fails the test unless the query fails with an error containing msg. */
void test_assert_query_fails(struct engine *eng, const char *sql, const char *msg);
/* An engine over the captured tree tests/golden/roots/<name>. */
struct engine *test_golden_engine(const char *name);

/* $SPOOR_SOURCE_DIR/rel, or the reference dir for ref_path. */
char *test_source_path(const char *rel);
char *test_reference_path(const char *file);

/* Runs a shell command and returns its stdout (malloc'd); fails the test
 * when the command cannot run or exits non-zero. */
char *test_run(const char *cmd);

/* Appends n deterministic pseudo-random bytes (a linear congruential
 * generator from seed: every byte value, ':' and '\n' included) for
 * tests of binary garbage in a file. */
void test_garbage(struct strbuf *sb, size_t n, uint32_t seed);

/* Netlink buffers captured from a kernel, one received datagram per
 * line of hex in tests/unit/data/<dir>/<name>.hex. */
struct test_capture {
	size_t n;
	unsigned char *buf[8];
	size_t len[8];
};

/* Loads a capture; fails the test on a malformed file. */
void test_capture_load(const char *dir, const char *name, struct test_capture *c);
void test_capture_free(struct test_capture *c);

/* A temporary tree under /tmp for tests that build a root at run time. */
struct test_tree {
	char dir[64];
};

/* Creates an empty tree (mkdtemp); fails the test on error. */
void test_tree_make(struct test_tree *t);
/* Writes rel (relative to the tree) with len bytes, creating parent
 * directories; fails the test on error. */
void test_tree_write(struct test_tree *t, const char *rel, const void *data, size_t len);
/* Removes the tree and everything in it. */
void test_tree_remove(struct test_tree *t);

/* fork(2) for tests: the child is killed when the test process dies, so
 * a failed assertion between fork and reaping cannot leave a child
 * behind holding ctest's output pipe. */
pid_t test_fork(void);

/* Reads a whole file (malloc'd, NUL-terminated). */
char *test_read_file(const char *path);

#endif
