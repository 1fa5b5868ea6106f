/*
 * vtab.h - the one generic SQLite virtual-table module serving every
 * table spec (see table_spec.h and query_ctx.h).
 */
#ifndef SPOOR_VTAB_H
#define SPOOR_VTAB_H

#include <sqlite3.h>

#include "table_spec.h"

struct engine;

/* Registers spec as an eponymous virtual table named name (the table's
 * own name or one of its aliases). */
int vtab_register(sqlite3 *db, struct engine *eng, const struct table_spec *spec,
		  const char *name);

#endif
