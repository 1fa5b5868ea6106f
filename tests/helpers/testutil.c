/*
 * testutil.c - helpers shared by spoor's cmocka tests (see testutil.h).
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
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "registry.h"
#include "strbuf.h"
#include "testutil.h"
#include "xalloc.h"

struct engine *test_engine(const char *root)
{
	struct engine_opts opts = {
		.root = root,
		.tables = spoor_table_specs,
		.ntables = spoor_table_specs_count,
	};
	struct strbuf err = STRBUF_INIT;
	struct engine *eng = NULL;
	int r = engine_open(&eng, &opts, &err);

	if (r < 0)
		fail_msg("engine_open(%s): %s", root ? root : "/", err.buf);
	strbuf_release(&err);
	return eng;
}

static int collect_begin(void *arg, sqlite3_stmt *stmt)
{
	struct test_rows *rows = arg;
	int n = sqlite3_column_count(stmt);

	for (size_t i = 0; i < rows->ncols; i++)
		free(rows->names[i]);
	free(rows->names);
	rows->ncols = (size_t)n;
	rows->names = xcalloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		rows->names[i] = xstrdup(sqlite3_column_name(stmt, i));
	return 0;
}

static int collect_row(void *arg, sqlite3_stmt *stmt)
{
	struct test_rows *rows = arg;
	size_t base = rows->nrows * rows->ncols;

	if (base + rows->ncols + 1 > rows->cap) {
		/* geometric growth: a 140k-row table must not cost n^2 copies */
		rows->cap = (base + rows->ncols + 1) * 2;
		rows->values = xreallocarray(rows->values, rows->cap, sizeof(char *));
	}
	for (size_t i = 0; i < rows->ncols; i++) {
		const char *t = (const char *)sqlite3_column_text(stmt, (int)i);

		rows->values[base + i] =
			t ? xstrndup(t, (size_t)sqlite3_column_bytes(stmt, (int)i)) : NULL;
	}
	rows->nrows++;
	return 0;
}

int test_query(struct engine *eng, const char *sql, struct test_rows *rows)
{
	struct result_sink sink = { .begin = collect_begin, .row = collect_row, .arg = rows };
	struct strbuf err = STRBUF_INIT;
	int r;

	memset(rows, 0, sizeof(*rows));
	r = engine_exec(eng, sql, &sink, &err);
	if (r < 0)
		rows->error = strbuf_detach(&err, NULL);
	strbuf_release(&err);
	return r;
}

void test_query_ok(struct engine *eng, const char *sql, struct test_rows *rows)
{
	if (test_query(eng, sql, rows) < 0)
		fail_msg("query failed: %s\n  SQL: %s", rows->error, sql);
}

void test_rows_free(struct test_rows *rows)
{
	for (size_t i = 0; i < rows->nrows * rows->ncols; i++)
		free(rows->values[i]);
	free(rows->values);
	for (size_t i = 0; i < rows->ncols; i++)
		free(rows->names[i]);
	free(rows->names);
	free(rows->error);
	memset(rows, 0, sizeof(*rows));
}

int test_col(const struct test_rows *rows, const char *col)
{
	for (size_t i = 0; i < rows->ncols; i++)
		if (strcmp(rows->names[i], col) == 0)
			return (int)i;
	return -1;
}

const char *test_get(const struct test_rows *rows, size_t r, const char *col)
{
	int c = test_col(rows, col);

	if (c < 0)
		fail_msg("no column %s in result", col);
	if (r >= rows->nrows)
		fail_msg("row %zu out of range (%zu rows)", r, rows->nrows);
	return rows->values[r * rows->ncols + (size_t)c];
}

char *test_query_text(struct engine *eng, const char *sql)
{
	struct test_rows rows;
	struct strbuf sb = STRBUF_INIT;

	test_query_ok(eng, sql, &rows);
	for (size_t r = 0; r < rows.nrows; r++) {
		for (size_t c = 0; c < rows.ncols; c++) {
			const char *v = rows.values[r * rows.ncols + c];

			strbuf_addf(&sb, "%s%s", c ? "|" : "", v ? v : "NULL");
		}
		strbuf_addch(&sb, '\n');
	}
	test_rows_free(&rows);
	return strbuf_detach(&sb, NULL);
}

void test_assert_query(struct engine *eng, const char *sql, const char *expected)
{
	char *got = test_query_text(eng, sql);

	if (strcmp(got, expected) != 0)
		fail_msg("SQL: %s\n--- expected\n%s--- got\n%s", sql, expected, got);
	free(got);
}

void test_assert_query_fails(struct engine *eng, const char *sql, const char *msg)
{
	struct test_rows rows;

	if (test_query(eng, sql, &rows) == 0)
		fail_msg("SQL succeeded, expected an error with \"%s\": %s", msg, sql);
	if (!strstr(rows.error, msg))
		fail_msg("SQL: %s\nerror \"%s\" lacks \"%s\"", sql, rows.error, msg);
	test_rows_free(&rows);
}

struct engine *test_golden_engine(const char *name)
{
	struct strbuf rel = STRBUF_INIT;
	struct engine *eng;
	char *root;

	strbuf_addf(&rel, "tests/golden/roots/%s", name);
	root = test_source_path(rel.buf);
	eng = test_engine(root);
	free(root);
	strbuf_release(&rel);
	return eng;
}

static char *join_env(const char *var, const char *fallback, const char *rel)
{
	const char *base = getenv(var);
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", base && *base ? base : fallback, rel);
	return strbuf_detach(&sb, NULL);
}

char *test_source_path(const char *rel)
{
	return join_env("SPOOR_SOURCE_DIR", ".", rel);
}

char *test_reference_path(const char *file)
{
	return join_env("SPOOR_REFERENCE_DIR", "../shared/reference", file);
}

char *test_run(const char *cmd)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	FILE *fp = popen(cmd, "r");
	size_t n;
	int st;

	if (!fp)
		fail_msg("cannot run %s: %s", cmd, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	st = pclose(fp);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("command failed (status %d): %s", st, cmd);
	return strbuf_detach(&sb, NULL);
}

void test_garbage(struct strbuf *sb, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		strbuf_addch(sb, (char)(seed >> 16));
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void test_capture_load(const char *dir, const char *name, struct test_capture *c)
{
	char rel[256];
	char *path, *text, *line;

	snprintf(rel, sizeof(rel), "tests/unit/data/%s/%s.hex", dir, name);
	path = test_source_path(rel);
	text = test_read_file(path);
	memset(c, 0, sizeof(*c));
	line = text;
	while (*line) {
		char *nl = strchr(line, '\n');
		size_t hex = nl ? (size_t)(nl - line) : strlen(line);

		if (c->n >= ARRAY_SIZE(c->buf) || hex % 2)
			fail_msg("%s: malformed capture", path);
		c->buf[c->n] = xmalloc(hex / 2 + 1);
		for (size_t i = 0; i < hex / 2; i++) {
			int hi = hexval(line[2 * i]), lo = hexval(line[2 * i + 1]);

			if (hi < 0 || lo < 0)
				fail_msg("%s: not hex", path);
			c->buf[c->n][i] = (unsigned char)(hi << 4 | lo);
		}
		c->len[c->n++] = hex / 2;
		if (!nl)
			break;
		line = nl + 1;
	}
	free(text);
	free(path);
}

void test_capture_free(struct test_capture *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->buf[i]);
	memset(c, 0, sizeof(*c));
}

void test_tree_make(struct test_tree *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/spoor-tree-XXXXXX");
	if (!mkdtemp(t->dir))
		fail_msg("mkdtemp: %s", strerror(errno));
}

void test_tree_write(struct test_tree *t, const char *rel, const void *data, size_t len)
{
	char path[4096];
	FILE *fp;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", t->dir, rel) >= sizeof(path))
		fail_msg("path too long: %s", rel);
	for (char *p = path + strlen(t->dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		fail_msg("cannot write %s", path);
}

void test_tree_remove(struct test_tree *t)
{
	struct strbuf cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "rm -rf '%s'", t->dir);
	free(test_run(cmd.buf));
	strbuf_release(&cmd);
}

pid_t test_fork(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127); /* the parent died before prctl took effect */
	}
	return pid;
}

char *test_read_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	return strbuf_detach(&sb, NULL);
}
