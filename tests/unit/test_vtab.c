/*
 * test_vtab.c - the generic module's planning, on test-only table specs:
 * = and IN reach the generator as one value list, the module re-checks
 * them on emitted rows, LIKE patterns arrive on LIKE columns, required
 * columns give a clear error, colUsed becomes the projection, column
 * aliases mirror their column, generator errors surface with the table
 * name.
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

#include "engine.h"
#include "query_ctx.h"
#include "testutil.h"

/* What the generator saw on its last call (test-only state). */
static struct {
	int calls;
	size_t eq_n;
	int64_t eq[16];
	int eq_err;
	size_t like_n;
	char like[4][64];
	bool heavy_used;
	bool name_used;
	bool fail;
	bool honour_eq;
} seen;

enum { P_ID, P_NAME, P_PATH, P_HEAVY, P_SECRET };

static const struct column_spec probe_cols[] = {
	[P_ID] = { "id", COL_INTEGER, COLF_INDEX, .alias = "ident", .help = "id" },
	[P_NAME] = { "name", COL_TEXT, COLF_INDEX, .collate = COLLATE_NOCASE, .help = "name" },
	[P_PATH] = { "path", COL_TEXT, COLF_LIKE, .help = "path" },
	[P_HEAVY] = { "heavy", COL_TEXT, 0, .help = "expensive column" },
	[P_SECRET] = { "secret", COL_TEXT, COLF_HIDDEN, .help = "hidden column" },
};

static const char *const names[] = { "alpha", "beta", "gamma", "delta", "epsilon" };

static void emit(struct query_ctx *q, int64_t id)
{
	row_begin(q);
	row_int(q, P_ID, id);
	row_textz(q, P_NAME, names[id - 1]);
	row_textf(q, P_PATH, "/etc/f%d", (int)id);
	row_textz(q, P_HEAVY, "heavy");
	row_textz(q, P_SECRET, "s");
	row_end(q);
}

static int gen_probe(struct query_ctx *q)
{
	seen.calls++;
	seen.eq_n = qctx_eq_count(q, P_ID);
	seen.eq_err = 0;
	for (size_t i = 0; i < seen.eq_n && i < 16; i++)
		if (qctx_eq_int64(q, P_ID, i, &seen.eq[i]) < 0)
			seen.eq_err = -EINVAL;
	seen.like_n = qctx_like_count(q, P_PATH);
	for (size_t i = 0; i < seen.like_n && i < 4; i++)
		snprintf(seen.like[i], sizeof(seen.like[i]), "%s", qctx_like(q, P_PATH, i));
	seen.heavy_used = qctx_used(q, P_HEAVY);
	seen.name_used = qctx_used(q, P_NAME);
	if (seen.fail)
		return -EACCES;
	if (seen.honour_eq && seen.eq_n) {
		for (size_t i = 0; i < seen.eq_n; i++)
			if (seen.eq[i] >= 1 && seen.eq[i] <= 5)
				emit(q, seen.eq[i]);
		return 0;
	}
	for (int64_t id = 1; id <= 5; id++)
		emit(q, id);
	return 0;
}

static const struct table_spec probe_spec = {
	.name = "probe",
	.description = "test table",
	TABLE_COLUMNS(probe_cols),
	.generate = gen_probe,
};

enum { N_PATH, N_SIZE };

static const struct column_spec needs_cols[] = {
	[N_PATH] = { "path", COL_TEXT, COLF_REQUIRED, .help = "path" },
	[N_SIZE] = { "size", COL_BIGINT, 0, .help = "size" },
};

static int gen_needs(struct query_ctx *q)
{
	seen.calls++;
	for (size_t i = 0; i < qctx_eq_count(q, N_PATH); i++) {
		size_t len;
		const char *p = qctx_eq_text(q, N_PATH, i, &len);

		row_begin(q);
		row_text(q, N_PATH, p, len);
		row_int(q, N_SIZE, (int64_t)len);
		row_end(q);
	}
	return 0;
}

static const char *const needs_aliases[] = { "needs_alias", NULL };

static const struct table_spec needs_spec = {
	.name = "needs",
	.description = "table with a required column",
	TABLE_COLUMNS(needs_cols),
	.aliases = needs_aliases,
	.generate = gen_needs,
};

enum { D_K, D_V };

static const struct column_spec dup_cols[] = {
	[D_K] = { "k", COL_INTEGER, COLF_INDEX, .help = "index column with repeats and NULL" },
	[D_V] = { "v", COL_TEXT, COLF_INDEX, .help = "second index column" },
};

/* k: 1, 1, 2, NULL; v: a, b, c, d */
static int gen_dup(struct query_ctx *q)
{
	static const int64_t ks[] = { 1, 1, 2, -1 };
	static const char *const vs[] = { "a", "b", "c", "d" };

	for (size_t i = 0; i < 4; i++) {
		row_begin(q);
		if (ks[i] < 0)
			row_null(q, D_K);
		else
			row_int(q, D_K, ks[i]);
		row_textz(q, D_V, vs[i]);
		row_end(q);
	}
	return 0;
}

static const struct table_spec dup_spec = {
	.name = "dup",
	.description = "index columns that are not unique",
	TABLE_COLUMNS(dup_cols),
	.generate = gen_dup,
};

static const struct table_spec *const test_tables[] = { &probe_spec, &needs_spec, &dup_spec };

static int setup(void **state)
{
	struct engine_opts opts = { .tables = test_tables, .ntables = 3 };
	struct strbuf err = STRBUF_INIT;
	struct engine *eng;

	assert_int_equal(engine_open(&eng, &opts, &err), 0);
	strbuf_release(&err);
	*state = eng;
	memset(&seen, 0, sizeof(seen));
	return 0;
}

static int teardown(void **state)
{
	engine_free(*state);
	return 0;
}

/* Runs sql and returns the single column of every row joined by ','. */
static char *col_list(struct engine *eng, const char *sql)
{
	struct test_rows rows;
	struct strbuf sb = STRBUF_INIT;

	test_query_ok(eng, sql, &rows);
	for (size_t r = 0; r < rows.nrows; r++) {
		const char *v = rows.values[r * rows.ncols];

		strbuf_addf(&sb, "%s%s", r ? "," : "", v ? v : "NULL");
	}
	test_rows_free(&rows);
	return strbuf_detach(&sb, NULL);
}

#define assert_query(eng, sql, want)                                                          \
	do {                                                                                  \
		char *got_ = col_list((eng), (sql));                                          \
		assert_string_equal(got_, (want));                                            \
		free(got_);                                                                   \
	} while (0)

static void in_list_all_at_once(void **state)
{
	seen.honour_eq = true;
	assert_query(*state, "SELECT id FROM probe WHERE id IN (2, 4, 9) ORDER BY id", "2,4");
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.eq_n, 3);
	assert_int_equal(seen.eq[0] + seen.eq[1] + seen.eq[2], 15);
}

static void eq_single(void **state)
{
	seen.honour_eq = true;
	assert_query(*state, "SELECT name FROM probe WHERE id = 3", "gamma");
	assert_int_equal(seen.eq_n, 1);
	assert_int_equal(seen.eq[0], 3);
}

static void eq_text_value_on_integer_column(void **state)
{
	assert_query(*state, "SELECT name FROM probe WHERE id = '3'", "gamma");
	assert_int_equal(seen.eq_n, 1);
	assert_int_equal(seen.eq[0], 3);
	assert_query(*state, "SELECT name FROM probe WHERE id = 3.0", "gamma");
	assert_query(*state, "SELECT name FROM probe WHERE id = 'x'", "");
	assert_int_equal(seen.eq_err, -EINVAL);
}

static void module_rechecks_ignored_constraints(void **state)
{
	/* the generator emits all five rows; only matching ones survive */
	seen.honour_eq = false;
	assert_query(*state, "SELECT id FROM probe WHERE id IN (1, 5) ORDER BY id", "1,5");
	assert_query(*state, "SELECT id FROM probe WHERE id = 4", "4");
	assert_query(*state, "SELECT id FROM probe WHERE id = NULL", "");
	assert_query(*state, "SELECT id FROM probe WHERE id IN (NULL, 2)", "2");
	assert_query(*state, "SELECT count(*) FROM probe", "5");
}

static void nocase_index_column(void **state)
{
	assert_query(*state, "SELECT id FROM probe WHERE name = 'BETA'", "2");
	assert_query(*state, "SELECT id FROM probe WHERE name IN ('Alpha', 'DELTA') ORDER BY id",
		     "1,4");
}

static void join_drives_constraint(void **state)
{
	seen.honour_eq = true;
	assert_query(*state,
		     "WITH w(x) AS (VALUES (2), (5)) SELECT probe.name FROM w JOIN probe "
		     "ON probe.id = w.x ORDER BY 1",
		     "beta,epsilon");
}

static void like_pattern_reaches_generator(void **state)
{
	assert_query(*state, "SELECT id FROM probe WHERE path LIKE '/etc/f%' ORDER BY id",
		     "1,2,3,4,5");
	assert_int_equal(seen.like_n, 1);
	assert_string_equal(seen.like[0], "/etc/f%");
	/* SQLite still applies the LIKE itself */
	assert_query(*state, "SELECT id FROM probe WHERE path LIKE '%3'", "3");
}

static void projection(void **state)
{
	assert_query(*state, "SELECT id FROM probe WHERE id = 1", "1");
	assert_false(seen.heavy_used);
	assert_false(seen.name_used);
	assert_query(*state, "SELECT heavy FROM probe WHERE id = 1", "heavy");
	assert_true(seen.heavy_used);
	assert_query(*state, "SELECT id FROM probe WHERE heavy = 'heavy' AND id = 2", "2");
	assert_true(seen.heavy_used);
	assert_query(*state, "SELECT count(*) FROM probe", "5");
	assert_false(seen.heavy_used);
}

static void hidden_and_alias_columns(void **state)
{
	struct test_rows rows;

	test_query_ok(*state, "SELECT * FROM probe WHERE id = 1", &rows);
	assert_int_equal(rows.ncols, 4);
	assert_int_equal(test_col(&rows, "secret"), -1);
	assert_int_equal(test_col(&rows, "ident"), -1);
	test_rows_free(&rows);
	assert_query(*state, "SELECT secret FROM probe WHERE id = 1", "s");
	assert_query(*state, "SELECT ident FROM probe WHERE id = 2", "2");
	assert_query(*state, "SELECT id FROM probe WHERE ident = 3", "3");
}

static void required_column(void **state)
{
	struct test_rows rows;

	assert_int_not_equal(test_query(*state, "SELECT * FROM needs", &rows), 0);
	assert_non_null(strstr(rows.error, "requires a constraint on column 'path'"));
	test_rows_free(&rows);
	assert_int_not_equal(test_query(*state, "SELECT * FROM needs WHERE size = 3", &rows), 0);
	assert_non_null(strstr(rows.error, "'path'"));
	test_rows_free(&rows);

	assert_query(*state, "SELECT size FROM needs WHERE path = '/abc'", "4");
	seen.calls = 0;
	assert_query(*state, "SELECT path FROM needs WHERE path IN ('/a', '/bb') ORDER BY 1",
		     "/a,/bb");
	assert_int_equal(seen.calls, 1);
	assert_query(*state,
		     "SELECT needs.size FROM (SELECT '/xyz' AS p) AS t JOIN needs ON "
		     "needs.path = t.p",
		     "4");
	assert_query(*state, "SELECT size FROM needs_alias WHERE path = '/q'", "2");
}

static void generator_error(void **state)
{
	struct test_rows rows;

	seen.fail = true;
	assert_int_not_equal(test_query(*state, "SELECT * FROM probe", &rows), 0);
	assert_non_null(strstr(rows.error, "table probe"));
	assert_non_null(strstr(rows.error, "Permission denied"));
	test_rows_free(&rows);
}

/* osquery declares index columns as a PRIMARY KEY; SQLite must not
 * conclude from it that they are unique or NOT NULL */
static void index_columns_are_not_keys(void **state)
{
	assert_query(*state, "SELECT DISTINCT k FROM dup ORDER BY k", "NULL,1,2");
	assert_query(*state, "SELECT count(*) FROM dup WHERE k IS NULL", "1");
	assert_query(*state, "SELECT v FROM dup WHERE k = 1 ORDER BY v", "a,b");
	/* an OR of two indexed terms may run as two scans merged by rowid:
	 * every matching row exactly once */
	assert_query(*state, "SELECT v FROM dup WHERE k = 2 OR v = 'a' ORDER BY v", "a,c");
	assert_query(*state, "SELECT v FROM dup WHERE k = 1 OR v = 'a' ORDER BY v", "a,b");
	assert_query(*state, "SELECT name FROM probe WHERE id = 1 OR name = 'beta' ORDER BY 1",
		     "alpha,beta");
}

static void ddl_text(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	table_spec_ddl(&probe_spec, &sb);
	assert_string_equal(sb.buf,
			    "CREATE TABLE probe(`id` INTEGER, `name` TEXT COLLATE NOCASE, "
			    "`path` TEXT, `heavy` TEXT, `secret` TEXT HIDDEN, `ident` INTEGER "
			    "HIDDEN, PRIMARY KEY (`id`, `name`)) WITHOUT ROWID");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(in_list_all_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(eq_single, setup, teardown),
		cmocka_unit_test_setup_teardown(eq_text_value_on_integer_column, setup, teardown),
		cmocka_unit_test_setup_teardown(module_rechecks_ignored_constraints, setup,
						teardown),
		cmocka_unit_test_setup_teardown(nocase_index_column, setup, teardown),
		cmocka_unit_test_setup_teardown(join_drives_constraint, setup, teardown),
		cmocka_unit_test_setup_teardown(like_pattern_reaches_generator, setup, teardown),
		cmocka_unit_test_setup_teardown(projection, setup, teardown),
		cmocka_unit_test_setup_teardown(hidden_and_alias_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(required_column, setup, teardown),
		cmocka_unit_test_setup_teardown(generator_error, setup, teardown),
		cmocka_unit_test_setup_teardown(index_columns_are_not_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(ddl_text, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
