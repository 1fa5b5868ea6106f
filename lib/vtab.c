/*
 * vtab.c - the generic virtual-table module.
 *
 * Modelled on SQLite's pragma.c: one sqlite3_module serves every table;
 * the table's spec arrives as pAux and the CREATE TABLE text is built
 * from it. Tables are eponymous-only (no CREATE VIRTUAL TABLE needed).
 *
 * Planning (xBestIndex) lives here and nowhere else:
 *   - = and IN on COLF_INDEX / COLF_REQUIRED / COLF_ADDITIONAL columns
 *     are handed to the generator as a value list (IN all at once, via
 *     sqlite3_vtab_in); osquery's "additional" columns (users.username,
 *     users.include_remote, pid_with_namespace) exist to be read by the
 *     generator, so they travel the same way;
 *     the module re-checks them on every emitted row, so SQLite may omit
 *     its own test;
 *   - LIKE on COLF_LIKE columns is handed over as a pattern, and SQLite
 *     still tests it;
 *   - a plan with no constraint on any COLF_REQUIRED column (osquery:
 *     one of them suffices, e.g. file.path or file.directory) is priced
 *     out, and if SQLite has no other plan, xFilter fails with a message
 *     naming the column;
 *   - colUsed becomes the generator's projection (qctx_used).
 * The plan travels from xBestIndex to xFilter in idxStr:
 *   "<colUsed hex>" then, per xFilter argument, ";<col><op>" with op
 *   'e' (=), 'i' (IN all at once) or 'l' (LIKE).
 *
 * Rows are materialised per xFilter into one cell array and one text
 * arena (struct query_ctx), then served by xNext/xColumn.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "err.h"
#include "query_ctx.h"
#include "strbuf.h"
#include "strparse.h"
#include "vtab.h"
#include "xalloc.h"
#include "banned.h"

/* Bounds on one scan's materialised result. */
#define QCTX_MAX_TEXT_BYTES ((size_t)512 << 20)
#define QCTX_MAX_ROWS ((size_t)16 << 20)
/* Constraints handed to one xFilter. */
#define QCTX_MAX_CONSTRAINTS 16

enum cell_type { CELL_NULL, CELL_INT, CELL_DOUBLE, CELL_TEXT };

struct cell {
	uint8_t type;
	uint32_t len;
	union {
		int64_t i;
		double d;
		size_t off;
	} v;
};

struct constraint {
	int col;
	char op; /* 'e', 'i' or 'l' */
	size_t n;
	sqlite3_value **vals;
};

struct query_ctx {
	const struct table_spec *spec;
	struct engine *eng;
	uint64_t col_used;
	struct constraint cons[QCTX_MAX_CONSTRAINTS];
	size_t ncons;
	/* rows: nrows complete rows of `width` cells, plus one in progress
	 * after row_begin. Only used columns get a cell: slot[col] is the
	 * column's place in a row, -1 for a column the query does not use,
	 * so a narrow query over a wide table stores narrow rows. */
	int *slot;
	size_t width;
	struct cell *cells;
	size_t nrows;
	size_t cap_rows;
	bool in_row;
	size_t row_text_start;
	struct strbuf text;
	int err;
};

struct module_aux {
	const struct table_spec *spec;
	struct engine *eng;
};

struct spoor_vtab {
	sqlite3_vtab base;
	const struct table_spec *spec;
	struct engine *eng;
	/* declared columns: spec columns, then one per column alias */
	int ndecl;
	int *decl_src;
};

struct spoor_cursor {
	sqlite3_vtab_cursor base;
	struct query_ctx q;
	size_t row;
};

/* ------------------------------------------------------------------ */
/* DDL */

const char *col_type_name(enum col_type t)
{
	switch (t) {
	case COL_TEXT: return "TEXT";
	case COL_INTEGER: return "INTEGER";
	case COL_BIGINT: return "BIGINT";
	case COL_UNSIGNED_BIGINT: return "UNSIGNED BIGINT";
	case COL_DOUBLE: return "DOUBLE";
	case COL_BLOB: return "BLOB";
	}
	return "TEXT";
}

const char *col_collate_name(enum col_collate c)
{
	switch (c) {
	case COLLATE_NONE: return NULL;
	case COLLATE_BINARY: return "BINARY";
	case COLLATE_NOCASE: return "NOCASE";
	case COLLATE_RTRIM: return "RTRIM";
	case COLLATE_VERSION: return "VERSION";
	case COLLATE_VERSION_ARCH: return "VERSION_ARCH";
	case COLLATE_VERSION_DPKG: return "VERSION_DPKG";
	case COLLATE_VERSION_RHEL: return "VERSION_RHEL";
	}
	return NULL;
}

/* "CREATE TABLE name(`col` TYPE [HIDDEN] [COLLATE X], ..., aliases" */
static void ddl_columns(const struct table_spec *spec, struct strbuf *out)
{
	const char *sep = "";

	strbuf_addf(out, "CREATE TABLE %s(", spec->name);
	for (size_t i = 0; i < spec->ncolumns; i++) {
		const struct column_spec *c = &spec->columns[i];
		const char *coll = col_collate_name(c->collate);

		strbuf_addf(out, "%s`%s` %s", sep, c->name, col_type_name(c->type));
		if (c->flags & COLF_HIDDEN)
			strbuf_addstr(out, " HIDDEN");
		if (coll)
			strbuf_addf(out, " COLLATE %s", coll);
		sep = ", ";
	}
	for (size_t i = 0; i < spec->ncolumns; i++) {
		const struct column_spec *c = &spec->columns[i];

		if (c->alias)
			strbuf_addf(out, ", `%s` %s HIDDEN", c->alias, col_type_name(c->type));
	}
}

void table_spec_ddl(const struct table_spec *spec, struct strbuf *out)
{
	bool any_key = false;
	const char *sep = "";

	ddl_columns(spec, out);
	for (size_t i = 0; i < spec->ncolumns; i++)
		if (spec->columns[i].flags & (COLF_INDEX | COLF_ADDITIONAL))
			any_key = true;
	strbuf_addstr(out, ", PRIMARY KEY (");
	for (size_t i = 0; i < spec->ncolumns; i++) {
		const struct column_spec *c = &spec->columns[i];

		if (any_key && !(c->flags & (COLF_INDEX | COLF_ADDITIONAL)))
			continue;
		strbuf_addf(out, "%s`%s`", sep, c->name);
		sep = ", ";
	}
	strbuf_addstr(out, ")) WITHOUT ROWID");
}

/* ------------------------------------------------------------------ */
/* query_ctx: the generator's view */

static bool col_bit(uint64_t mask, int col)
{
	return (mask >> (col < 63 ? col : 63)) & 1;
}

bool qctx_used(const struct query_ctx *q, int col)
{
	return col_bit(q->col_used, col);
}

bool qctx_any_used(const struct query_ctx *q, int first, int last)
{
	for (int c = first; c <= last; c++)
		if (qctx_used(q, c))
			return true;
	return false;
}

static const struct constraint *find_cons(const struct query_ctx *q, int col, bool like)
{
	for (size_t i = 0; i < q->ncons; i++) {
		const struct constraint *c = &q->cons[i];

		if (c->col == col && (c->op == 'l') == like)
			return c;
	}
	return NULL;
}

size_t qctx_eq_count(const struct query_ctx *q, int col)
{
	const struct constraint *c = find_cons(q, col, false);

	return c ? c->n : 0;
}

bool qctx_has_eq(const struct query_ctx *q, int col)
{
	return find_cons(q, col, false) != NULL;
}

const char *qctx_eq_text(const struct query_ctx *q, int col, size_t i, size_t *ret_len)
{
	const struct constraint *c = find_cons(q, col, false);
	const unsigned char *t;

	if (!c || i >= c->n || sqlite3_value_type(c->vals[i]) == SQLITE_NULL)
		return NULL;
	t = sqlite3_value_text(c->vals[i]);
	if (ret_len)
		*ret_len = (size_t)sqlite3_value_bytes(c->vals[i]);
	return (const char *)t;
}

int qctx_eq_int64(const struct query_ctx *q, int col, size_t i, int64_t *ret)
{
	const struct constraint *c = find_cons(q, col, false);
	sqlite3_value *v;

	if (!c || i >= c->n)
		return -EINVAL;
	v = c->vals[i];
	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		*ret = sqlite3_value_int64(v);
		return 0;
	case SQLITE_FLOAT: {
		double d = sqlite3_value_double(v);

		if (d != floor(d) || d < -9.2e18 || d > 9.2e18)
			return -EINVAL;
		*ret = (int64_t)d;
		return 0;
	}
	case SQLITE_TEXT:
		return parse_int64((const char *)sqlite3_value_text(v), ret);
	default:
		return -EINVAL;
	}
}

size_t qctx_like_count(const struct query_ctx *q, int col)
{
	const struct constraint *c = find_cons(q, col, true);

	return c ? c->n : 0;
}

const char *qctx_like(const struct query_ctx *q, int col, size_t i)
{
	const struct constraint *c = find_cons(q, col, true);

	if (!c || i >= c->n)
		return NULL;
	return (const char *)sqlite3_value_text(c->vals[i]);
}

const struct rootfs *qctx_rootfs(const struct query_ctx *q)
{
	return engine_rootfs(q->eng);
}

struct engine *qctx_engine(const struct query_ctx *q)
{
	return q->eng;
}

static struct cell *cur_cell(struct query_ctx *q, int col)
{
	if (!q->in_row || col < 0 || (size_t)col >= q->spec->ncolumns || q->slot[col] < 0)
		return NULL;
	return &q->cells[q->nrows * q->width + (size_t)q->slot[col]];
}

void row_begin(struct query_ctx *q)
{
	size_t n = q->width;

	if (q->in_row) {
		/* an unfinished row is dropped */
		strbuf_setlen(&q->text, q->row_text_start);
	}
	if (q->nrows + 1 > q->cap_rows) {
		q->cap_rows = q->cap_rows ? q->cap_rows * 2 : 64;
		q->cells = xreallocarray(q->cells, q->cap_rows * n, sizeof(*q->cells));
	}
	memset(&q->cells[q->nrows * n], 0, n * sizeof(*q->cells));
	q->row_text_start = q->text.len;
	q->in_row = true;
}

void row_null(struct query_ctx *q, int col)
{
	struct cell *c = cur_cell(q, col);

	if (c)
		c->type = CELL_NULL;
}

void row_int(struct query_ctx *q, int col, int64_t v)
{
	struct cell *c = cur_cell(q, col);

	if (c) {
		c->type = CELL_INT;
		c->v.i = v;
	}
}

void row_double(struct query_ctx *q, int col, double v)
{
	struct cell *c = cur_cell(q, col);

	if (c) {
		c->type = CELL_DOUBLE;
		c->v.d = v;
	}
}

void row_text(struct query_ctx *q, int col, const char *s, size_t len)
{
	struct cell *c = cur_cell(q, col);

	if (!c)
		return;
	if (!s) {
		c->type = CELL_NULL;
		return;
	}
	if (len > UINT32_MAX || strbuf_add(&q->text, s, len) < 0) {
		q->err = -E2BIG;
		return;
	}
	c->type = CELL_TEXT;
	c->len = (uint32_t)len;
	c->v.off = q->text.len - len;
}

void row_textz(struct query_ctx *q, int col, const char *s)
{
	row_text(q, col, s, s ? strlen(s) : 0);
}

void row_textf(struct query_ctx *q, int col, const char *fmt, ...)
{
	struct cell *c = cur_cell(q, col);
	size_t before = q->text.len;
	va_list ap;
	int r;

	if (!c)
		return;
	va_start(ap, fmt);
	r = strbuf_vaddf(&q->text, fmt, ap);
	va_end(ap);
	if (r < 0 || q->text.len - before > UINT32_MAX) {
		q->err = -E2BIG;
		return;
	}
	c->type = CELL_TEXT;
	c->len = (uint32_t)(q->text.len - before);
	c->v.off = before;
}

static bool text_equal(const struct cell *c, const char *arena, sqlite3_value *v, bool nocase)
{
	const char *t = (const char *)sqlite3_value_text(v);
	size_t n = (size_t)sqlite3_value_bytes(v);

	if (!t || n != c->len)
		return false;
	if (nocase)
		return sqlite3_strnicmp(arena + c->v.off, t, (int)n) == 0;
	return memcmp(arena + c->v.off, t, n) == 0;
}

/* Does the cell satisfy "col = v" as SQLite would compare them? */
static bool cell_matches(const struct cell *c, const char *arena, sqlite3_value *v, bool nocase)
{
	int vt = sqlite3_value_type(v);

	if (vt == SQLITE_NULL || c->type == CELL_NULL)
		return false;
	switch (c->type) {
	case CELL_INT:
		if (vt == SQLITE_INTEGER)
			return sqlite3_value_int64(v) == c->v.i;
		if (vt == SQLITE_FLOAT)
			return sqlite3_value_double(v) == (double)c->v.i;
		if (vt == SQLITE_TEXT) {
			int64_t x;

			if (parse_int64((const char *)sqlite3_value_text(v), &x) == 0)
				return x == c->v.i;
			/* "1.0" and friends: compare numerically */
			{
				const char *t = (const char *)sqlite3_value_text(v);
				char *end;
				double d = strtod(t, &end);

				return end != t && *end == '\0' && d == (double)c->v.i;
			}
		}
		return false;
	case CELL_DOUBLE:
		if (vt == SQLITE_INTEGER || vt == SQLITE_FLOAT)
			return sqlite3_value_double(v) == c->v.d;
		if (vt == SQLITE_TEXT) {
			const char *t = (const char *)sqlite3_value_text(v);
			char *end;
			double d = strtod(t, &end);

			return end != t && *end == '\0' && d == c->v.d;
		}
		return false;
	case CELL_TEXT:
		return text_equal(c, arena, v, nocase);
	default:
		return false;
	}
}

static bool row_passes(const struct query_ctx *q, const struct cell *row)
{
	for (size_t i = 0; i < q->ncons; i++) {
		const struct constraint *k = &q->cons[i];
		const struct column_spec *cs;
		bool hit = false;

		if (k->op == 'l')
			continue;
		cs = &q->spec->columns[k->col];
		for (size_t j = 0; j < k->n && !hit; j++)
			hit = cell_matches(&row[q->slot[k->col]], q->text.buf, k->vals[j],
					   cs->collate == COLLATE_NOCASE);
		if (!hit)
			return false;
	}
	return true;
}

int row_end(struct query_ctx *q)
{
	const struct cell *row;

	if (!q->in_row)
		return q->err;
	q->in_row = false;
	if (q->err) {
		strbuf_setlen(&q->text, q->row_text_start);
		return q->err;
	}
	row = &q->cells[q->nrows * q->width];
	if (!row_passes(q, row)) {
		strbuf_setlen(&q->text, q->row_text_start);
		return 0;
	}
	if (q->nrows + 1 > QCTX_MAX_ROWS) {
		q->err = -E2BIG;
		return q->err;
	}
	q->nrows++;
	return 0;
}

static void qctx_reset(struct query_ctx *q)
{
	for (size_t i = 0; i < q->ncons; i++) {
		for (size_t j = 0; j < q->cons[i].n; j++)
			sqlite3_value_free(q->cons[i].vals[j]);
		free(q->cons[i].vals);
	}
	q->ncons = 0;
	free(q->cells);
	q->cells = NULL;
	q->nrows = q->cap_rows = 0;
	q->in_row = false;
	strbuf_release(&q->text);
	q->err = 0;
}

/* ------------------------------------------------------------------ */
/* the module */

static int vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
		      sqlite3_vtab **ret_vtab, char **err)
{
	const struct module_aux *ma = aux;
	const struct table_spec *spec = ma->spec;
	struct spoor_vtab *vt;
	struct strbuf ddl = STRBUF_INIT;
	int rc, n = 0;

	(void)argc;
	(void)argv;
	/*
	 * SQLite is told the columns only. osquery's text (table_spec_ddl,
	 * shown by .schema) adds PRIMARY KEY (...) WITHOUT ROWID, from which
	 * SQLite would infer that key columns are NOT NULL and unique: then
	 * "x IS NULL" can be folded to false and DISTINCT over a key column
	 * skipped, both wrong for generated rows (process_open_sockets has
	 * many rows per pid). Declared as a rowid table, SQLite assumes
	 * nothing; vt_rowid gives each row a content-derived id so an OR of
	 * two indexed terms, which SQLite runs as two scans deduplicated by
	 * rowid, keeps every distinct row exactly once.
	 */
	ddl_columns(spec, &ddl);
	strbuf_addch(&ddl, ')');
	engine_trust(ma->eng, true);
	rc = sqlite3_declare_vtab(db, ddl.buf);
	engine_trust(ma->eng, false);
	if (rc != SQLITE_OK) {
		*err = sqlite3_mprintf("spoor: bad declaration of table %s: %s", spec->name,
				       sqlite3_errmsg(db));
		strbuf_release(&ddl);
		return rc;
	}
	strbuf_release(&ddl);
	vt = sqlite3_malloc(sizeof(*vt));
	if (!vt)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof(*vt));
	vt->spec = spec;
	vt->eng = ma->eng;
	vt->ndecl = (int)spec->ncolumns;
	for (size_t i = 0; i < spec->ncolumns; i++)
		if (spec->columns[i].alias)
			n++;
	vt->decl_src = sqlite3_malloc((int)sizeof(int) * (vt->ndecl + n + 1));
	if (!vt->decl_src) {
		sqlite3_free(vt);
		return SQLITE_NOMEM;
	}
	for (int i = 0; i < vt->ndecl; i++)
		vt->decl_src[i] = i;
	for (size_t i = 0; i < spec->ncolumns; i++)
		if (spec->columns[i].alias)
			vt->decl_src[vt->ndecl++] = (int)i;
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	*ret_vtab = &vt->base;
	return SQLITE_OK;
}

static int vt_disconnect(sqlite3_vtab *base)
{
	struct spoor_vtab *vt = (struct spoor_vtab *)base;

	sqlite3_free(vt->decl_src);
	sqlite3_free(vt);
	return SQLITE_OK;
}

/* Map a declared column (spec column or alias) to its spec column. */
static int src_col(const struct spoor_vtab *vt, int decl)
{
	if (decl < 0 || decl >= vt->ndecl)
		return -1;
	return vt->decl_src[decl];
}

static int vt_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
	struct spoor_vtab *vt = (struct spoor_vtab *)base;
	const struct table_spec *spec = vt->spec;
	struct strbuf plan = STRBUF_INIT;
	uint64_t used = 0;
	uint64_t have_eq = 0; /* per spec column (< 64), first = handled */
	bool required_ok, any_required = false, required_hit = false, has_index_eq = false;
	int argv = 0;
	double cost = 1e6;

	/* colUsed, mapped through aliases to spec columns */
	for (int d = 0; d < vt->ndecl; d++) {
		if (col_bit(info->colUsed, d)) {
			int s = src_col(vt, d);

			used |= (uint64_t)1 << (s < 63 ? s : 63);
		}
	}
	strbuf_addf(&plan, "%" PRIx64, used);

	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *k = &info->aConstraint[i];
		int col = src_col(vt, k->iColumn);
		const struct column_spec *cs;
		char op;

		if (!k->usable || col < 0 || argv >= QCTX_MAX_CONSTRAINTS)
			continue;
		cs = &spec->columns[col];
		if (k->op == SQLITE_INDEX_CONSTRAINT_EQ &&
		    (cs->flags & (COLF_INDEX | COLF_REQUIRED | COLF_ADDITIONAL))) {
			if (col < 64 && (have_eq >> col) & 1)
				continue;
			if (col < 64)
				have_eq |= (uint64_t)1 << col;
			/* the module re-checks = on every row it emits
			 * unless the column compares under a collation it
			 * does not implement; only then may SQLite omit its
			 * own test and hand over an IN list all at once */
			if (cs->collate == COLLATE_NONE || cs->collate == COLLATE_BINARY ||
			    cs->collate == COLLATE_NOCASE) {
				info->aConstraintUsage[i].omit = 1;
				op = sqlite3_vtab_in(info, i, 1) ? 'i' : 'e';
			} else {
				op = 'e';
			}
			has_index_eq = true;
		} else if (k->op == SQLITE_INDEX_CONSTRAINT_LIKE && (cs->flags & COLF_LIKE)) {
			op = 'l';
		} else {
			continue;
		}
		info->aConstraintUsage[i].argvIndex = ++argv;
		strbuf_addf(&plan, ";%d%c", col, op);
	}

	/* osquery's rule: a table with REQUIRED columns needs a constraint
	 * on at least one of them (file and hash: path or directory) */
	for (size_t c = 0; c < spec->ncolumns; c++) {
		if (!(spec->columns[c].flags & COLF_REQUIRED))
			continue;
		any_required = true;
		for (int i = 0; i < info->nConstraint; i++)
			if (info->aConstraintUsage[i].argvIndex > 0 &&
			    src_col(vt, info->aConstraint[i].iColumn) == (int)c)
				required_hit = true;
	}
	required_ok = !any_required || required_hit;

	if (!required_ok) {
		cost = 1e99;
		info->estimatedRows = 1000000;
	} else if (has_index_eq) {
		cost = 10;
		info->estimatedRows = 10;
	} else {
		info->estimatedRows = 1000;
	}
	info->estimatedCost = cost;
	info->idxNum = argv;
	if (plan.toobig) {
		strbuf_release(&plan);
		return SQLITE_NOMEM;
	}
	info->idxStr = sqlite3_mprintf("%s", plan.buf);
	info->needToFreeIdxStr = 1;
	strbuf_release(&plan);
	return info->idxStr ? SQLITE_OK : SQLITE_NOMEM;
}

static int vt_open(sqlite3_vtab *base, sqlite3_vtab_cursor **ret)
{
	struct spoor_vtab *vt = (struct spoor_vtab *)base;
	struct spoor_cursor *cur = sqlite3_malloc(sizeof(*cur));

	if (!cur)
		return SQLITE_NOMEM;
	memset(cur, 0, sizeof(*cur));
	cur->q.spec = vt->spec;
	cur->q.eng = vt->eng;
	cur->q.slot = sqlite3_malloc((int)(sizeof(int) * (vt->spec->ncolumns + 1)));
	if (!cur->q.slot) {
		sqlite3_free(cur);
		return SQLITE_NOMEM;
	}
	strbuf_init(&cur->q.text, QCTX_MAX_TEXT_BYTES);
	*ret = &cur->base;
	return SQLITE_OK;
}

static int vt_close(sqlite3_vtab_cursor *base)
{
	struct spoor_cursor *cur = (struct spoor_cursor *)base;

	qctx_reset(&cur->q);
	sqlite3_free(cur->q.slot);
	sqlite3_free(cur);
	return SQLITE_OK;
}

static int set_error(sqlite3_vtab *base, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_error(sqlite3_vtab *base, const char *fmt, ...)
{
	va_list ap;

	sqlite3_free(base->zErrMsg);
	va_start(ap, fmt);
	base->zErrMsg = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	return SQLITE_ERROR;
}

static int add_value(struct constraint *k, sqlite3_value *v)
{
	sqlite3_value *dup = sqlite3_value_dup(v);

	if (!dup)
		return -ENOMEM;
	k->vals = xreallocarray(k->vals, k->n + 1, sizeof(*k->vals));
	k->vals[k->n++] = dup;
	return 0;
}

/* osquery's rule: when the table has REQUIRED columns, at least one of
 * them carries a constraint. */
static bool required_satisfied(const struct query_ctx *q)
{
	bool any_required = false;

	for (size_t c = 0; c < q->spec->ncolumns; c++) {
		if (!(q->spec->columns[c].flags & COLF_REQUIRED))
			continue;
		any_required = true;
		if (find_cons(q, (int)c, false) || find_cons(q, (int)c, true))
			return true;
	}
	return !any_required;
}

static int vt_filter(sqlite3_vtab_cursor *base, int idxNum, const char *idxStr, int argc,
		     sqlite3_value **argv)
{
	struct spoor_cursor *cur = (struct spoor_cursor *)base;
	struct query_ctx *q = &cur->q;
	const struct table_spec *spec = q->spec;
	struct span sp = span_cstr(idxStr ? idxStr : "0");
	uint64_t used;
	int r;

	(void)idxNum;
	qctx_reset(q);
	cur->row = 0;
	if (span_hex64(&sp, &used) < 0)
		return set_error(base->pVtab, "spoor: corrupt plan for table %s", spec->name);
	q->col_used = used;

	for (int a = 0; a < argc; a++) {
		struct constraint *k = &q->cons[q->ncons];
		int64_t col;
		char op;

		if (span_expect(&sp, ';') < 0 || span_int64(&sp, &col) < 0 || span_empty(&sp) ||
		    col < 0 || (size_t)col >= spec->ncolumns)
			return set_error(base->pVtab, "spoor: corrupt plan for table %s",
					 spec->name);
		op = *sp.p++;
		memset(k, 0, sizeof(*k));
		k->col = (int)col;
		k->op = op;
		q->ncons++;
		if (op == 'i') {
			sqlite3_value *v;
			int rc;

			for (rc = sqlite3_vtab_in_first(argv[a], &v); rc == SQLITE_OK && v;
			     rc = sqlite3_vtab_in_next(argv[a], &v))
				if (add_value(k, v) < 0)
					return SQLITE_NOMEM;
			if (rc != SQLITE_OK && rc != SQLITE_DONE)
				return rc;
		} else {
			if (add_value(k, argv[a]) < 0)
				return SQLITE_NOMEM;
		}
	}

	if (!required_satisfied(q)) {
		struct strbuf cols = STRBUF_INIT;
		const char *first = NULL;
		int rc;

		for (size_t c = 0; c < spec->ncolumns; c++) {
			if (!(spec->columns[c].flags & COLF_REQUIRED))
				continue;
			strbuf_addf(&cols, "%s'%s'", first ? " or " : "", spec->columns[c].name);
			if (!first)
				first = spec->columns[c].name;
		}
		rc = set_error(base->pVtab,
			       "table %s requires a constraint on column %s "
			       "(for example: WHERE %s = '...')",
			       spec->name, cols.buf, first);
		strbuf_release(&cols);
		return rc;
	}

	/* the module re-checks = / IN, so those columns must be filled even
	 * if SQLite left them out of colUsed */
	for (size_t i = 0; i < q->ncons; i++)
		if (q->cons[i].op != 'l')
			q->col_used |= (uint64_t)1 << (q->cons[i].col < 63 ? q->cons[i].col : 63);
	q->width = 0;
	for (size_t c = 0; c < spec->ncolumns; c++)
		q->slot[c] = qctx_used(q, (int)c) ? (int)q->width++ : -1;
	if (q->width == 0)
		q->width = 1; /* count(*): rows still need a place */

	r = spec->generate(q);
	if (q->in_row)
		row_end(q);
	if (r < 0 || q->err < 0) {
		int e = r < 0 ? r : q->err;

		return set_error(base->pVtab, "table %s: %s", spec->name, spoor_strerror(e));
	}
	return SQLITE_OK;
}

static int vt_next(sqlite3_vtab_cursor *base)
{
	struct spoor_cursor *cur = (struct spoor_cursor *)base;

	cur->row++;
	return SQLITE_OK;
}

static int vt_eof(sqlite3_vtab_cursor *base)
{
	struct spoor_cursor *cur = (struct spoor_cursor *)base;

	return cur->row >= cur->q.nrows;
}

static int vt_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx, int decl)
{
	struct spoor_cursor *cur = (struct spoor_cursor *)base;
	struct spoor_vtab *vt = (struct spoor_vtab *)base->pVtab;
	const struct query_ctx *q = &cur->q;
	int col = src_col(vt, decl);
	const struct cell *c;

	if (col < 0 || cur->row >= q->nrows || q->slot[col] < 0)
		return SQLITE_OK;
	c = &q->cells[cur->row * q->width + (size_t)q->slot[col]];
	switch (c->type) {
	case CELL_INT:
		sqlite3_result_int64(ctx, c->v.i);
		break;
	case CELL_DOUBLE:
		sqlite3_result_double(ctx, c->v.d);
		break;
	case CELL_TEXT:
		sqlite3_result_text(ctx, q->text.buf + c->v.off, (int)c->len, SQLITE_TRANSIENT);
		break;
	default:
		break;
	}
	return SQLITE_OK;
}

/* FNV-1a over bytes */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A row's id is a hash of its values: equal rows from two scans of one
 * statement get the same id (SQLite's OR deduplication needs that), and
 * different rows different ids, barring a 64-bit collision. */
static int vt_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *ret)
{
	struct spoor_cursor *cur = (struct spoor_cursor *)base;
	const struct query_ctx *q = &cur->q;
	uint64_t h = 0xcbf29ce484222325ULL;

	if (cur->row < q->nrows) {
		const struct cell *row = &q->cells[cur->row * q->width];

		for (size_t c = 0; c < q->width; c++) {
			const struct cell *k = &row[c];

			h = fnv1a(h, &k->type, sizeof(k->type));
			if (k->type == CELL_INT)
				h = fnv1a(h, &k->v.i, sizeof(k->v.i));
			else if (k->type == CELL_DOUBLE)
				h = fnv1a(h, &k->v.d, sizeof(k->v.d));
			else if (k->type == CELL_TEXT)
				h = fnv1a(fnv1a(h, &k->len, sizeof(k->len)),
					  q->text.buf + k->v.off, k->len);
		}
	}
	*ret = (sqlite3_int64)(h & (uint64_t)INT64_MAX);
	return SQLITE_OK;
}

static const sqlite3_module spoor_module = {
	.iVersion = 0,
	.xCreate = NULL, /* eponymous-only */
	.xConnect = vt_connect,
	.xBestIndex = vt_best_index,
	.xDisconnect = vt_disconnect,
	.xDestroy = vt_disconnect,
	.xOpen = vt_open,
	.xClose = vt_close,
	.xFilter = vt_filter,
	.xNext = vt_next,
	.xEof = vt_eof,
	.xColumn = vt_column,
	.xRowid = vt_rowid,
};

int vtab_register(sqlite3 *db, struct engine *eng, const struct table_spec *spec,
		  const char *name)
{
	struct module_aux *ma = sqlite3_malloc(sizeof(*ma));

	if (!ma)
		return SQLITE_NOMEM;
	ma->spec = spec;
	ma->eng = eng;
	return sqlite3_create_module_v2(db, name, &spoor_module, ma, sqlite3_free);
}
