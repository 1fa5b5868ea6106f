/*
 * user_homes.c - the accounts whose homes a table reads (see
 * user_homes.h). The users come from the engine's users table, so they
 * are read through the same rootfs as everything else.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "err.h"
#include "user_homes.h"
#include "xalloc.h"
#include "banned.h"

void user_homes_release(struct user_homes *uh)
{
	for (size_t i = 0; i < uh->n; i++)
		free(uh->v[i].home);
	free(uh->v);
	memset(uh, 0, sizeof(*uh));
}

static int step_all(sqlite3_stmt *st, struct user_homes *uh)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *home = (const char *)sqlite3_column_text(st, 1);

		if (!home || home[0] != '/')
			continue;
		if (uh->n == uh->alloc) {
			uh->alloc = uh->alloc ? uh->alloc * 2 : 32;
			uh->v = xreallocarray(uh->v, uh->alloc, sizeof(*uh->v));
		}
		uh->v[uh->n].uid = sqlite3_column_int64(st, 0);
		uh->v[uh->n].home = xstrdup(home);
		uh->n++;
	}
	return rc == SQLITE_DONE ? 0 : -SPOOR_ESQL;
}

bool user_homes_by_uid(const struct query_ctx *q, int col)
{
	size_t n = qctx_eq_count(q, col);

	for (size_t i = 0; i < n; i++) {
		int64_t v;

		if (qctx_eq_int64(q, col, i, &v) < 0)
			return false;
	}
	return n > 0;
}

int user_homes_load(struct query_ctx *q, int uid_col, struct user_homes *ret)
{
	sqlite3 *db = engine_db(qctx_engine(q));
	bool by_uid = user_homes_by_uid(q, uid_col);
	sqlite3_stmt *st = NULL;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	if (sqlite3_prepare_v2(db,
			       by_uid ? "SELECT uid, directory FROM users WHERE uid = ?1"
				      : "SELECT uid, directory FROM users",
			       -1, &st, NULL) != SQLITE_OK)
		return -SPOOR_ESQL;
	if (!by_uid) {
		r = step_all(st, ret);
	} else {
		for (size_t i = 0; i < qctx_eq_count(q, uid_col) && r == 0; i++) {
			int64_t uid = 0;

			qctx_eq_int64(q, uid_col, i, &uid);
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, uid);
			r = step_all(st, ret);
		}
	}
	sqlite3_finalize(st);
	if (r < 0)
		user_homes_release(ret);
	return r;
}

void user_home_path(struct strbuf *sb, const char *home, const char *rel)
{
	size_t len = strlen(home);

	strbuf_reset(sb);
	strbuf_add(sb, home, len);
	if (len == 0 || home[len - 1] != '/')
		strbuf_addch(sb, '/');
	strbuf_addstr(sb, rel);
}
