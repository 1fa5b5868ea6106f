/*
 * engine.h - the SQL engine: one SQLite connection with every spoor table,
 * spoor's SQL functions, and a read-only lock.
 *
 * The same engine serves the shell, the daemon and (later) spoor-fleet's
 * rule evaluation. It is read-only by construction: after setup, an
 * authorizer refuses every statement that could write, ATTACH a
 * database, load an extension or run a disk-touching pragma, and
 * engine_exec refuses any statement SQLite does not report read-only.
 */
#ifndef SPOOR_ENGINE_H
#define SPOOR_ENGINE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "strbuf.h"
#include "table_spec.h"

struct engine;
struct rootfs;
struct flags;

struct engine_opts {
	/* root prefix for every host read; NULL = the live host */
	const char *root;
	/* the program's flags, shown by osquery_flags; may be NULL */
	const struct flags *flags;
	/* the tables to serve (the agent passes spoor_table_specs) */
	const struct table_spec *const *tables;
	size_t ntables;
};

/*
 * Process-wide SQLite settings for spoor: no memory statistics (a global
 * mutex on every allocation) and multi-thread mode (each connection used
 * by one thread at a time). Call once at program start, before any other
 * SQLite use; later calls do nothing. Returns 0 or -SPOOR_ESQL.
 */
int engine_global_init(void);

/*
 * Opens an engine. On failure returns -errno and, when err is not NULL,
 * appends a message to it.
 */
int engine_open(struct engine **ret, const struct engine_opts *opts, struct strbuf *err);
void engine_free(struct engine *eng);

sqlite3 *engine_db(struct engine *eng);
const struct rootfs *engine_rootfs(const struct engine *eng);
const struct flags *engine_flags(const struct engine *eng);
/* Process start (unix seconds) and a random per-process instance id. */
time_t engine_start_time(const struct engine *eng);
const char *engine_instance_id(const struct engine *eng);

/* The tables the engine serves, in name order. */
size_t engine_ntables(const struct engine *eng);
const struct table_spec *engine_table(const struct engine *eng, size_t i);
/* Lookup by table name or alias; NULL when unknown. */
const struct table_spec *engine_find_table(const struct engine *eng, const char *name);

/*
 * Receives the results of engine_exec, statement by statement. Any
 * callback may be NULL. A callback returning non-zero stops execution
 * and engine_exec returns that value.
 */
struct result_sink {
	int (*begin)(void *arg, sqlite3_stmt *stmt);
	int (*row)(void *arg, sqlite3_stmt *stmt);
	int (*end)(void *arg, sqlite3_stmt *stmt);
	void *arg;
};

/*
 * Runs every statement in sql. Returns 0, a sink's non-zero value, or
 * -SPOOR_ESQL / -SPOOR_EREADONLY with SQLite's message appended to err.
 */
int engine_exec(struct engine *eng, const char *sql, const struct result_sink *sink,
		struct strbuf *err);

/* Lifts the read-only lock while spoor itself declares a virtual table
 * (vtab.c); calls nest and must pair. Not for statements from users. */
void engine_trust(struct engine *eng, bool on);

/* Builds the CREATE TABLE text osquery declares for a spec. */
void table_spec_ddl(const struct table_spec *spec, struct strbuf *out);

#endif
