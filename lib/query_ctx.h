/*
 * query_ctx.h - what a row generator sees and how it emits rows.
 *
 * The generic module hands each generator a struct query_ctx holding:
 *   - which columns the query uses (projection pushdown): skip the work
 *     for a column when qctx_used() is false;
 *   - the values of = and IN constraints on COLF_INDEX, COLF_REQUIRED
 *     and COLF_ADDITIONAL columns, and LIKE patterns on COLF_LIKE columns;
 *   - the rootfs to read host state through, and the engine's context.
 *
 * Rows are emitted with row_begin(), row_* setters and row_end(). A
 * setter for a column the query does not use is a cheap no-op, so a
 * generator may set unconditionally what costs nothing to compute.
 * The module re-checks every = / IN constraint on the emitted rows, so
 * a generator may use constraint values as a hint and still be correct
 * when it ignores them.
 *
 * Text given to setters is copied; it need not outlive the call.
 */
#ifndef SPOOR_QUERY_CTX_H
#define SPOOR_QUERY_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "table_spec.h"

struct query_ctx;
struct rootfs;
struct engine;

/* Is the column referenced by the query (SELECT list, WHERE, ...)? */
bool qctx_used(const struct query_ctx *q, int col);
/* Is any of the columns in [first, last] used? */
bool qctx_any_used(const struct query_ctx *q, int first, int last);

/* Number of values in the = / IN constraint on col; 0 when there is none.
 * Only columns flagged COLF_INDEX, COLF_REQUIRED or COLF_ADDITIONAL get
 * values. */
size_t qctx_eq_count(const struct query_ctx *q, int col);
bool qctx_has_eq(const struct query_ctx *q, int col);
/* The i-th value as text (NULL for an SQL NULL), and its length. */
const char *qctx_eq_text(const struct query_ctx *q, int col, size_t i, size_t *ret_len);
/* The i-th value as an integer; -EINVAL when it is not one. */
int qctx_eq_int64(const struct query_ctx *q, int col, size_t i, int64_t *ret);

/* LIKE patterns on a COLF_LIKE column. */
size_t qctx_like_count(const struct query_ctx *q, int col);
const char *qctx_like(const struct query_ctx *q, int col, size_t i);

const struct rootfs *qctx_rootfs(const struct query_ctx *q);
struct engine *qctx_engine(const struct query_ctx *q);

/* Row emission. row_end() returns 0, or -E2BIG when the result passed
 * its size bound (the generator should stop and return it). */
void row_begin(struct query_ctx *q);
void row_null(struct query_ctx *q, int col);
void row_int(struct query_ctx *q, int col, int64_t v);
void row_double(struct query_ctx *q, int col, double v);
void row_text(struct query_ctx *q, int col, const char *s, size_t len);
void row_textz(struct query_ctx *q, int col, const char *s);
void row_textf(struct query_ctx *q, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int row_end(struct query_ctx *q);

#endif
