/*
 * test_schema.c - every registered table spec against osquery's schema.
 *
 * For each spec in spoor_table_specs (whatever is registered when the
 * test runs) this compares with ../shared/reference/osquery-linux-tables.json:
 *   - the table exists in osquery on Linux, same description, same table
 *     aliases, same utility/cacheable attributes;
 *   - the columns are osquery's, in osquery's order, each with the same
 *     type, hidden flag (hidden_on_linux), index / required / additional /
 *     optimized flags, "other OS" marker (linux_native false), collation,
 *     column alias and description; spoor's COLF_EXTENSION columns are
 *     skipped in that comparison but must be HIDDEN and come after every
 *     osquery column;
 *   - what SQLite actually holds (pragma_table_xinfo through the engine,
 *     for the table and each alias) agrees: declared names in order,
 *     then one hidden column per column alias, declared types, hidden.
 * Every mismatch is listed before the test fails, not just the first.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "strbuf.h"
#include "table_spec.h"
#include "testutil.h"
#include "banned.h"

struct mismatches {
	struct strbuf text;
	size_t count;
};

static void mismatch(struct mismatches *m, const char *table, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void mismatch(struct mismatches *m, const char *table, const char *fmt, ...)
{
	va_list ap;

	strbuf_addf(&m->text, "  %s: ", table);
	va_start(ap, fmt);
	strbuf_vaddf(&m->text, fmt, ap);
	va_end(ap);
	strbuf_addch(&m->text, '\n');
	m->count++;
}

static const char *jstr(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool jbool(const json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static const json_t *find_ref_table(const json_t *ref, const char *name)
{
	const json_t *tables = json_object_get(ref, "tables");
	size_t i;
	json_t *t;

	json_array_foreach(tables, i, t)
		if (str_eq(jstr(t, "name"), name))
			return t;
	return NULL;
}

static void check_flag(struct mismatches *m, const char *table, const char *col,
		       const char *what, bool ours, bool theirs)
{
	if (ours != theirs)
		mismatch(m, table, "column %s: %s is %s in spoor, %s in osquery", col, what,
			 ours ? "set" : "unset", theirs ? "set" : "unset");
}

static void check_column(struct mismatches *m, const char *table, const struct column_spec *c,
			 const json_t *rc)
{
	const char *rtype = jstr(rc, "type"), *rcoll = jstr(rc, "collate");
	const char *ours_coll = col_collate_name(c->collate);
	const json_t *raliases = json_object_get(rc, "aliases");
	size_t nraliases = json_is_array(raliases) ? json_array_size(raliases) : 0;

	if (!str_eq(col_type_name(c->type), rtype))
		mismatch(m, table, "column %s: type %s, osquery has %s", c->name,
			 col_type_name(c->type), rtype ? rtype : "(none)");
	check_flag(m, table, c->name, "HIDDEN", c->flags & COLF_HIDDEN,
		   jbool(rc, "hidden_on_linux"));
	check_flag(m, table, c->name, "INDEX", c->flags & COLF_INDEX, jbool(rc, "index"));
	check_flag(m, table, c->name, "REQUIRED", c->flags & COLF_REQUIRED, jbool(rc, "required"));
	check_flag(m, table, c->name, "ADDITIONAL", c->flags & COLF_ADDITIONAL,
		   jbool(rc, "additional"));
	check_flag(m, table, c->name, "OPTIMIZED", c->flags & COLF_OPTIMIZED,
		   jbool(rc, "optimized"));
	check_flag(m, table, c->name, "OTHER_OS (linux_native false)", c->flags & COLF_OTHER_OS,
		   !jbool(rc, "linux_native"));
	if ((c->flags & COLF_OTHER_OS) && !(c->flags & COLF_HIDDEN))
		mismatch(m, table, "column %s: OTHER_OS without HIDDEN", c->name);
	if (!str_eq(ours_coll, rcoll))
		mismatch(m, table, "column %s: collate %s, osquery has %s", c->name,
			 ours_coll ? ours_coll : "(none)", rcoll ? rcoll : "(none)");
	if (nraliases > 1)
		mismatch(m, table,
			 "column %s: osquery has %zu column aliases, a spec holds one", c->name,
			 nraliases);
	if (!str_eq(c->alias, nraliases ? json_string_value(json_array_get(raliases, 0)) : NULL))
		mismatch(m, table, "column %s: alias %s, osquery has %s", c->name,
			 c->alias ? c->alias : "(none)",
			 nraliases ? json_string_value(json_array_get(raliases, 0)) : "(none)");
	if (!str_eq(c->help, jstr(rc, "description")))
		mismatch(m, table, "column %s: description \"%s\", osquery has \"%s\"", c->name,
			 c->help ? c->help : "(none)", jstr(rc, "description"));
}

static void check_table_aliases(struct mismatches *m, const struct table_spec *spec,
				const json_t *rt)
{
	const json_t *raliases = json_object_get(rt, "aliases");
	size_t nref = json_is_array(raliases) ? json_array_size(raliases) : 0;
	size_t nours = 0;

	while (spec->aliases && spec->aliases[nours])
		nours++;
	if (nours != nref)
		mismatch(m, spec->name, "%zu table aliases, osquery has %zu", nours, nref);
	for (size_t i = 0; i < nours && i < nref; i++)
		if (!str_eq(spec->aliases[i], json_string_value(json_array_get(raliases, i))))
			mismatch(m, spec->name, "table alias %zu is %s, osquery has %s", i,
				 spec->aliases[i], json_string_value(json_array_get(raliases, i)));
}

static void check_attributes(struct mismatches *m, const struct table_spec *spec,
			     const json_t *rt)
{
	const json_t *attrs = json_object_get(rt, "attributes");

	if ((bool)(spec->attributes & TABLE_UTILITY) != jbool(attrs, "utility"))
		mismatch(m, spec->name, "TABLE_UTILITY %s, osquery utility attribute %s",
			 spec->attributes & TABLE_UTILITY ? "set" : "unset",
			 jbool(attrs, "utility") ? "set" : "unset");
	if ((bool)(spec->attributes & TABLE_CACHEABLE) != jbool(attrs, "cacheable"))
		mismatch(m, spec->name, "TABLE_CACHEABLE %s, osquery cacheable attribute %s",
			 spec->attributes & TABLE_CACHEABLE ? "set" : "unset",
			 jbool(attrs, "cacheable") ? "set" : "unset");
}

static void check_spec(struct mismatches *m, const struct table_spec *spec, const json_t *rt)
{
	const json_t *rcols = json_object_get(rt, "columns");
	size_t nref = json_array_size(rcols), r = 0;
	bool seen_extension = false;

	if (!str_eq(spec->description, jstr(rt, "description")))
		mismatch(m, spec->name, "description \"%s\", osquery has \"%s\"",
			 spec->description ? spec->description : "(none)",
			 jstr(rt, "description"));
	check_table_aliases(m, spec, rt);
	check_attributes(m, spec, rt);

	for (size_t i = 0; i < spec->ncolumns; i++) {
		const struct column_spec *c = &spec->columns[i];
		const json_t *rc;

		if (!c->name) {
			mismatch(m, spec->name, "column %zu has no name (enum gap?)", i);
			continue;
		}
		if (c->flags & COLF_EXTENSION) {
			seen_extension = true;
			if (!(c->flags & COLF_HIDDEN))
				mismatch(m, spec->name, "extension column %s is not HIDDEN",
					 c->name);
			continue;
		}
		if (seen_extension)
			mismatch(m, spec->name,
				 "osquery column %s comes after a spoor extension column", c->name);
		if (r >= nref) {
			mismatch(m, spec->name, "column %s (position %zu) is not in osquery",
				 c->name, i);
			continue;
		}
		rc = json_array_get(rcols, r++);
		if (!str_eq(c->name, jstr(rc, "name"))) {
			mismatch(m, spec->name, "column %zu is %s, osquery has %s", i, c->name,
				 jstr(rc, "name"));
			continue;
		}
		check_column(m, spec->name, c, rc);
	}
	for (; r < nref; r++)
		mismatch(m, spec->name, "osquery column %s is missing",
			 jstr(json_array_get(rcols, r), "name"));
}

/* The declared columns SQLite should hold: spec columns, then one hidden
 * column per column alias (lib/vtab.c's table_spec_ddl). */
static void check_sqlite(struct mismatches *m, struct engine *eng, const struct table_spec *spec,
			 const char *name)
{
	struct strbuf sql = STRBUF_INIT;
	struct test_rows rows;
	size_t d = 0;

	strbuf_addf(&sql, "SELECT name, type, hidden FROM pragma_table_xinfo('%s') ORDER BY cid",
		    name);
	if (test_query(eng, sql.buf, &rows) < 0) {
		mismatch(m, name, "pragma_table_xinfo failed: %s", rows.error);
		goto out;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < spec->ncolumns; i++) {
			const struct column_spec *c = &spec->columns[i];
			const char *want = pass ? c->alias : c->name;
			bool hidden = pass ? true : (c->flags & COLF_HIDDEN) != 0;
			const char *got_name, *got_type, *got_hidden;

			if (!want)
				continue;
			if (d >= rows.nrows) {
				mismatch(m, name, "SQLite lacks declared column %s", want);
				d++;
				continue;
			}
			got_name = rows.values[d * 3];
			got_type = rows.values[d * 3 + 1];
			got_hidden = rows.values[d * 3 + 2];
			if (!str_eq(got_name, want))
				mismatch(m, name, "SQLite column %zu is %s, the spec says %s", d,
					 got_name, want);
			if (!str_eq(got_type, col_type_name(c->type)))
				mismatch(m, name, "SQLite declares %s as %s, the spec says %s",
					 want, got_type, col_type_name(c->type));
			/* table_xinfo: 0 visible, 1 hidden (virtual-table HIDDEN) */
			if (!got_hidden || (strcmp(got_hidden, "0") != 0) != hidden)
				mismatch(m, name, "SQLite has %s %s, the spec says %s", want,
					 got_hidden && strcmp(got_hidden, "0") ? "hidden" : "visible",
					 hidden ? "hidden" : "visible");
			d++;
		}
	}
	for (; d < rows.nrows; d++)
		mismatch(m, name, "SQLite has an extra column %s", rows.values[d * 3]);
out:
	test_rows_free(&rows);
	strbuf_release(&sql);
}

static void test_specs_match_osquery(void **state)
{
	char *path = test_reference_path("osquery-linux-tables.json");
	struct mismatches m = { .text = STRBUF_INIT };
	struct engine *eng = test_engine(NULL);
	json_error_t jerr;
	json_t *ref = json_load_file(path, 0, &jerr);

	(void)state;
	if (!ref)
		fail_msg("cannot load %s: %s (line %d)", path, jerr.text, jerr.line);
	assert_true(spoor_table_specs_count > 0);
	for (size_t i = 0; i < spoor_table_specs_count; i++) {
		const struct table_spec *spec = spoor_table_specs[i];
		const json_t *rt = find_ref_table(ref, spec->name);

		if (!rt) {
			mismatch(&m, spec->name, "not an osquery table on Linux");
		} else {
			check_spec(&m, spec, rt);
		}
		check_sqlite(&m, eng, spec, spec->name);
		for (size_t a = 0; spec->aliases && spec->aliases[a]; a++)
			check_sqlite(&m, eng, spec, spec->aliases[a]);
	}
	print_message("checked %zu table specs against %s\n", spoor_table_specs_count, path);
	if (m.count) {
		print_error("%zu schema mismatches:\n%s", m.count, m.text.buf);
		fail_msg("%zu schema mismatches (listed above)", m.count);
	}
	strbuf_release(&m.text);
	json_decref(ref);
	engine_free(eng);
	free(path);
}

/* The comparison must be able to fail: a spec with drift is caught. */
static void test_drift_is_detected(void **state)
{
	static const struct column_spec cols[] = {
		/* uptime's columns, with a wrong type, a missing flag and an
		 * extension column out of place */
		{ "days", COL_TEXT, 0, .help = "Days of uptime" },
		{ "ext", COL_TEXT, COLF_EXTENSION, .help = "not hidden" },
		{ "hours", COL_INTEGER, 0, .help = "Hours of uptime" },
	};
	static const struct table_spec bad = {
		.name = "uptime",
		.description = "wrong",
		TABLE_COLUMNS(cols),
	};
	char *path = test_reference_path("osquery-linux-tables.json");
	struct mismatches m = { .text = STRBUF_INIT };
	json_error_t jerr;
	json_t *ref = json_load_file(path, 0, &jerr);

	(void)state;
	assert_non_null(ref);
	check_spec(&m, &bad, find_ref_table(ref, "uptime"));
	/* description, days type, ext not hidden, hours after extension,
	 * minutes/seconds/total_seconds missing */
	assert_int_equal(m.count, 7);
	assert_non_null(strstr(m.text.buf, "column days: type TEXT, osquery has INTEGER"));
	assert_non_null(strstr(m.text.buf, "extension column ext is not HIDDEN"));
	assert_non_null(strstr(m.text.buf, "osquery column total_seconds is missing"));
	strbuf_release(&m.text);
	json_decref(ref);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_specs_match_osquery),
		cmocka_unit_test(test_drift_is_detected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
