/*
 * sqlfn.c - registers every osquery-compatible SQL function family (see
 * sqlfn.h) and holds the helpers the families share.
 */
#include <stddef.h>

#include <sqlite3.h>

#include "sqlfn.h"
#include "banned.h"

int sqlfn_register_all(sqlite3 *db)
{
	int (*const families[])(sqlite3 *) = {
	    sqlfn_register_string, sqlfn_register_encoding, sqlfn_register_hash,
	    sqlfn_register_net,    sqlfn_register_version,  sqlfn_register_math,
	    sqlfn_register_ops,
	};
	int rc;

	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		rc = families[i](db);
		if (rc != SQLITE_OK)
			return rc;
	}
	return sqlfn_register_path(db, NULL);
}

const char *sqlfn_text(sqlite3_context *ctx, sqlite3_value *v, size_t *ret_len)
{
	/* text first, then bytes: the order SQLite documents as safe */
	const char *s = (const char *)sqlite3_value_text(v);

	if (!s) {
		/* a NULL or empty value has no text pointer without OOM */
		if (sqlite3_value_type(v) == SQLITE_NULL || sqlite3_value_bytes(v) == 0) {
			*ret_len = 0;
			return "";
		}
		sqlite3_result_error_nomem(ctx);
		return NULL;
	}
	*ret_len = (size_t)sqlite3_value_bytes(v);
	return s;
}

bool sqlfn_too_large(sqlite3_context *ctx, const char *fn, size_t len)
{
	char *msg;

	if (len <= SQLFN_MAX_INPUT)
		return false;
	msg = sqlite3_mprintf("%s: input too large", fn);
	if (!msg) {
		sqlite3_result_error_nomem(ctx);
		return true;
	}
	sqlite3_result_error(ctx, msg, -1);
	sqlite3_free(msg);
	return true;
}
