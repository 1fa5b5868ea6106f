/*
 * output.c - result formatters (see output.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "output.h"
#include "utf8.h"
#include "xalloc.h"
#include "banned.h"

static const char *const mode_names[] = {
	[OUT_PRETTY] = "pretty", [OUT_JSON] = "json", [OUT_CSV] = "csv",
	[OUT_LINE] = "line",     [OUT_LIST] = "list",
};

int output_mode_parse(const char *name, enum output_mode *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (strcmp(name, mode_names[i]) == 0) {
			*ret = (enum output_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *output_mode_name(enum output_mode mode)
{
	return mode_names[mode];
}

void output_init(struct output *out, enum output_mode mode, FILE *fp)
{
	memset(out, 0, sizeof(*out));
	out->mode = mode;
	out->headers = true;
	out->fp = fp;
	memcpy(out->separator, "|", 2);
	strbuf_init(&out->buf, 0);
	strbuf_init(&out->json_keys, 0);
}

static void reset_statement(struct output *out)
{
	strbuf_reset(&out->buf);
	free(out->cell_offs);
	out->cell_offs = NULL;
	out->ncells = out->cap_cells = 0;
	free(out->json_order);
	out->json_order = NULL;
	free(out->json_key_offs);
	out->json_key_offs = NULL;
	strbuf_reset(&out->json_keys);
	out->nrows = 0;
	out->ncols = 0;
}

void output_release(struct output *out)
{
	reset_statement(out);
	strbuf_release(&out->buf);
	strbuf_release(&out->json_keys);
}

static void emit(struct output *out, const char *s, size_t len)
{
	if (out->err || !len)
		return;
	if (fwrite(s, 1, len, out->fp) != len)
		out->err = errno ? -errno : -EIO;
}

static void emits(struct output *out, const char *s)
{
	emit(out, s, strlen(s));
}

static const char *cell_text(struct output *out, sqlite3_stmt *stmt, int i, size_t *ret_len)
{
	const char *t = (const char *)sqlite3_column_text(stmt, i);

	if (!t) {
		*ret_len = strlen(out->nullvalue);
		return out->nullvalue;
	}
	*ret_len = (size_t)sqlite3_column_bytes(stmt, i);
	return t;
}

/* ---- pretty ---- */

static void push_cell(struct output *out, const char *s, size_t len)
{
	if (out->ncells + 2 > out->cap_cells) {
		out->cap_cells = out->cap_cells ? out->cap_cells * 2 : 256;
		out->cell_offs = xreallocarray(out->cell_offs, out->cap_cells, sizeof(size_t));
	}
	if (out->ncells == 0)
		out->cell_offs[0] = 0;
	if (strbuf_add(&out->buf, s, len) < 0)
		out->err = -E2BIG;
	out->cell_offs[++out->ncells] = out->buf.len;
}

/* Appends n copies of c to sb. */
static void add_fill(struct strbuf *sb, char c, size_t n)
{
	if (strbuf_grow(sb, n) < 0)
		return;
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static void pretty_rule(struct output *out, struct strbuf *line, const size_t *w)
{
	strbuf_reset(line);
	strbuf_addch(line, '+');
	for (int c = 0; c < out->ncols; c++) {
		add_fill(line, '-', w[c] + 2);
		strbuf_addch(line, '+');
	}
	strbuf_addch(line, '\n');
	emit(out, line->buf, line->len);
}

static void pretty_line(struct output *out, struct strbuf *line, const size_t *w,
			const size_t *cw, size_t first)
{
	strbuf_reset(line);
	strbuf_addch(line, '|');
	for (int c = 0; c < out->ncols; c++) {
		size_t i = first + (size_t)c;

		strbuf_addch(line, ' ');
		strbuf_add(line, out->buf.buf + out->cell_offs[i],
			   out->cell_offs[i + 1] - out->cell_offs[i]);
		add_fill(line, ' ', w[c] + 1 - cw[i]);
		strbuf_addch(line, '|');
	}
	strbuf_addch(line, '\n');
	emit(out, line->buf, line->len);
}

static void pretty_flush(struct output *out)
{
	struct strbuf line = STRBUF_INIT;
	size_t *w, *cw;

	if (out->nrows == 0 || out->ncols == 0)
		return;
	w = xcalloc((size_t)out->ncols, sizeof(*w));
	cw = xcalloc(out->ncells, sizeof(*cw));
	for (size_t i = 0; i < out->ncells; i++) {
		size_t c = i % (size_t)out->ncols;

		cw[i] = utf8_width(out->buf.buf + out->cell_offs[i],
				   out->cell_offs[i + 1] - out->cell_offs[i]);
		if (cw[i] > w[c])
			w[c] = cw[i];
	}
	pretty_rule(out, &line, w);
	pretty_line(out, &line, w, cw, 0);
	pretty_rule(out, &line, w);
	for (size_t r = 1; r <= out->nrows; r++)
		pretty_line(out, &line, w, cw, r * (size_t)out->ncols);
	pretty_rule(out, &line, w);
	strbuf_release(&line);
	free(cw);
	free(w);
}

/* ---- csv / list ---- */

static void csv_field(struct output *out, const char *s, size_t len)
{
	bool quote = false;

	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == '"' || s[i] == '\n' || s[i] == '\r' ||
			strchr(out->separator, s[i]) != NULL;
	if (!quote) {
		emit(out, s, len);
		return;
	}
	emits(out, "\"");
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			emits(out, "\"");
		emit(out, s + i, 1);
	}
	emits(out, "\"");
}

/* qsort_r comparator: column indexes by column name, then position */
static int cmp_idx(const void *a, const void *b, void *arg)
{
	sqlite3_stmt *stmt = arg;
	int x = *(const int *)a, y = *(const int *)b;
	int c = strcmp(sqlite3_column_name(stmt, x), sqlite3_column_name(stmt, y));

	return c ? c : x - y;
}

static int out_begin(void *arg, sqlite3_stmt *stmt)
{
	struct output *out = arg;
	int n = sqlite3_column_count(stmt);

	reset_statement(out);
	out->ncols = n;
	switch (out->mode) {
	case OUT_PRETTY:
		for (int i = 0; i < n; i++)
			push_cell(out, sqlite3_column_name(stmt, i),
				  strlen(sqlite3_column_name(stmt, i)));
		break;
	case OUT_JSON: {
		int k = 0;

		out->json_order = xcalloc((size_t)n + 1, sizeof(int));
		for (int i = 0; i < n; i++)
			out->json_order[i] = i;
		qsort_r(out->json_order, (size_t)n, sizeof(int), cmp_idx, stmt);
		/* duplicate names: the last column of a name wins, as in a map */
		for (int i = 0; i < n; i++) {
			if (i + 1 < n && strcmp(sqlite3_column_name(stmt, out->json_order[i]),
						sqlite3_column_name(stmt, out->json_order[i + 1])) == 0)
				continue;
			out->json_order[k++] = out->json_order[i];
		}
		out->ncols = k;
		/* keys are the same on every row: escape them once */
		out->json_key_offs = xcalloc((size_t)k + 1, sizeof(size_t));
		for (int i = 0; i < k; i++) {
			const char *name = sqlite3_column_name(stmt, out->json_order[i]);

			out->json_key_offs[i] = out->json_keys.len;
			if (i)
				strbuf_addch(&out->json_keys, ',');
			jsonw_string(&out->json_keys, name, strlen(name));
			strbuf_addch(&out->json_keys, ':');
		}
		out->json_key_offs[k] = out->json_keys.len;
		emits(out, "[\n");
		break;
	}
	case OUT_CSV:
	case OUT_LIST:
		if (out->headers && n > 0) {
			for (int i = 0; i < n; i++) {
				const char *name = sqlite3_column_name(stmt, i);

				if (i)
					emits(out, out->separator);
				if (out->mode == OUT_CSV)
					csv_field(out, name, strlen(name));
				else
					emits(out, name);
			}
			emits(out, "\n");
		}
		break;
	case OUT_LINE:
		break;
	}
	return out->err;
}

/* Appends "<v>" (a JSON string holding a decimal integer). */
static void add_int_quoted(struct strbuf *sb, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	*--p = '"';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	*--p = '"';
	strbuf_add(sb, p, (size_t)(tmp + sizeof(tmp) - p));
}

static int out_row(void *arg, sqlite3_stmt *stmt)
{
	struct output *out = arg;
	int n = sqlite3_column_count(stmt);
	size_t len;
	const char *s;

	switch (out->mode) {
	case OUT_PRETTY:
		for (int i = 0; i < n; i++) {
			s = cell_text(out, stmt, i, &len);
			push_cell(out, s, len);
		}
		break;
	case OUT_JSON:
		strbuf_reset(&out->buf);
		strbuf_addstr(&out->buf, out->nrows ? ",\n  {" : "  {");
		for (int k = 0; k < out->ncols; k++) {
			int i = out->json_order[k];
			const char *t;

			strbuf_add(&out->buf, out->json_keys.buf + out->json_key_offs[k],
				   out->json_key_offs[k + 1] - out->json_key_offs[k]);
			if (sqlite3_column_type(stmt, i) == SQLITE_INTEGER) {
				/* digits need no escaping: skip SQLite's text
				 * conversion and the escaper */
				add_int_quoted(&out->buf, sqlite3_column_int64(stmt, i));
				continue;
			}
			t = (const char *)sqlite3_column_text(stmt, i);
			jsonw_string(&out->buf, t ? t : "",
				     t ? (size_t)sqlite3_column_bytes(stmt, i) : 0);
		}
		strbuf_addch(&out->buf, '}');
		if (out->buf.toobig)
			out->err = -E2BIG;
		emit(out, out->buf.buf, out->buf.len);
		break;
	case OUT_CSV:
	case OUT_LIST:
		for (int i = 0; i < n; i++) {
			if (i)
				emits(out, out->separator);
			s = cell_text(out, stmt, i, &len);
			if (out->mode == OUT_CSV)
				csv_field(out, s, len);
			else
				emit(out, s, len);
		}
		emits(out, "\n");
		break;
	case OUT_LINE: {
		size_t w = 0;

		for (int i = 0; i < n; i++) {
			size_t l = utf8_width(sqlite3_column_name(stmt, i),
					      strlen(sqlite3_column_name(stmt, i)));
			if (l > w)
				w = l;
		}
		if (out->nrows)
			emits(out, "\n");
		for (int i = 0; i < n; i++) {
			const char *name = sqlite3_column_name(stmt, i);
			size_t l = utf8_width(name, strlen(name));

			for (size_t k = l; k < w; k++)
				emits(out, " ");
			emits(out, name);
			emits(out, " = ");
			s = cell_text(out, stmt, i, &len);
			emit(out, s, len);
			emits(out, "\n");
		}
		break;
	}
	}
	out->nrows++;
	return out->err;
}

static int out_end(void *arg, sqlite3_stmt *stmt)
{
	struct output *out = arg;

	(void)stmt;
	if (out->mode == OUT_PRETTY)
		pretty_flush(out);
	else if (out->mode == OUT_JSON)
		emits(out, "\n]\n");
	if (!out->err && fflush(out->fp) != 0)
		out->err = errno ? -errno : -EIO;
	reset_statement(out);
	return out->err;
}

struct result_sink output_sink(struct output *out)
{
	struct result_sink s = {
		.begin = out_begin,
		.row = out_row,
		.end = out_end,
		.arg = out,
	};
	return s;
}
