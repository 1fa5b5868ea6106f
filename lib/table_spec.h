/*
 * table_spec.h - how a spoor table is declared.
 *
 * A table is data: a const struct table_spec naming the table, its
 * columns (osquery's names, types and flags), its aliases and one row
 * generator. One generic SQLite virtual-table module (vtab.c) serves
 * every spec: it builds the CREATE TABLE text, plans constraints, tells
 * the generator which columns the query uses, and stores the rows. A
 * table author never writes xBestIndex.
 *
 * Declare columns with designated initializers indexed by the table's
 * own enum, so the array cannot drift from the enum:
 *
 *   enum { UPT_DAYS, UPT_HOURS, ..., UPT_NCOLS_ };
 *   static const struct column_spec uptime_cols[] = {
 *           [UPT_DAYS] = { "days", COL_INTEGER, 0, .help = "Days of uptime" },
 *           ...
 *   };
 *   const struct table_spec uptime_spec = {
 *           .name = "uptime", .description = "...", .source = "/proc/uptime",
 *           TABLE_COLUMNS(uptime_cols), .generate = gen_uptime,
 *   };
 *
 * The generator (see query_ctx.h) is called once per scan with a
 * struct query_ctx; it emits rows and returns 0 or a negative errno.
 */
#ifndef SPOOR_TABLE_SPEC_H
#define SPOOR_TABLE_SPEC_H

#include <stddef.h>

#include "xalloc.h"

struct query_ctx;

/* osquery's column types, as they appear in CREATE TABLE. */
enum col_type {
	COL_TEXT,
	COL_INTEGER,
	COL_BIGINT,
	COL_UNSIGNED_BIGINT,
	COL_DOUBLE,
	COL_BLOB,
};

enum col_flags {
	/* = and IN constraints reach the generator as a value list */
	COLF_INDEX = 1 << 0,
	/* the table cannot be scanned without a constraint on this column */
	COLF_REQUIRED = 1 << 1,
	/* not part of SELECT * */
	COLF_HIDDEN = 1 << 2,
	/* osquery's "additional": part of the key, constraint-aware */
	COLF_ADDITIONAL = 1 << 3,
	/* osquery's "optimized" marker (documentation only) */
	COLF_OPTIMIZED = 1 << 4,
	/* LIKE patterns reach the generator (path columns: % and %%) */
	COLF_LIKE = 1 << 5,
	/* a column osquery compiles on Linux for another platform: declared
	 * (hidden) so the schema matches, never filled (always NULL) */
	COLF_OTHER_OS = 1 << 6,
	/* a spoor extension beyond osquery's schema: must also be HIDDEN */
	COLF_EXTENSION = 1 << 7,
};

enum col_collate {
	COLLATE_NONE,
	COLLATE_BINARY,
	COLLATE_NOCASE,
	COLLATE_RTRIM,
	COLLATE_VERSION,
	COLLATE_VERSION_ARCH,
	COLLATE_VERSION_DPKG,
	COLLATE_VERSION_RHEL,
};

struct column_spec {
	const char *name;
	enum col_type type;
	unsigned flags;
	enum col_collate collate;
	/* a column alias (osquery declares it as an extra hidden column
	 * that mirrors this one), or NULL */
	const char *alias;
	const char *help;
};

enum table_attr {
	TABLE_UTILITY = 1 << 0,   /* osquery "utility" table */
	TABLE_CACHEABLE = 1 << 1, /* osquery "cacheable" attribute */
};

struct table_spec {
	const char *name;
	const char *description;
	/* where the rows come from, for docs/tables.md */
	const char *source;
	const struct column_spec *columns;
	size_t ncolumns;
	/* NULL-terminated table aliases, or NULL */
	const char *const *aliases;
	unsigned attributes;
	int (*generate)(struct query_ctx *q);
};

#define TABLE_COLUMNS(arr) .columns = (arr), .ncolumns = ARRAY_SIZE(arr)

const char *col_type_name(enum col_type t);
const char *col_collate_name(enum col_collate c);

#endif
