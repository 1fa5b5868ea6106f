/*
 * user_homes.h - the accounts whose home directories a table reads
 * (authorized_keys, shell_history, ...), as osquery's usersFromContext().
 */
#ifndef SPOOR_TABLES_USER_HOMES_H
#define SPOOR_TABLES_USER_HOMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query_ctx.h"
#include "strbuf.h"

struct user_home {
	int64_t uid;
	char *home; /* absolute path */
};

struct user_homes {
	struct user_home *v;
	size_t n, alloc;
};

/*
 * Loads the users through the engine's own users table: for uid = / IN
 * on the table's column uid_col (all integer values), the users with
 * those uids, value by value; else every user, in the users table's
 * order. Users sharing a uid are all listed; homes that are not absolute
 * paths are skipped. Returns 0 or -SPOOR_ESQL (*ret is then empty).
 */
int user_homes_load(struct query_ctx *q, int uid_col, struct user_homes *ret);
void user_homes_release(struct user_homes *uh);

/* Does col carry = / IN values that are all integers? Only then are they
 * pushed into the users query (the module re-checks every row anyway). */
bool user_homes_by_uid(const struct query_ctx *q, int col);

/* sb = home + "/" + rel, without doubling a trailing '/' of home (as
 * boost's path operator/ joins them, which osquery's paths show). */
void user_home_path(struct strbuf *sb, const char *home, const char *rel);

#endif
