/*
 * engine.c - the SQL engine (see engine.h): a private in-memory SQLite
 * connection with every table spec registered as an eponymous virtual
 * table, spoor's SQL functions, and the read-only lock.
 *
 * An engine belongs to one thread at a time (SQLITE_OPEN_NOMUTEX): no
 * per-call mutex on the hot path; a program that queries from several
 * threads opens one engine per thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "engine.h"
#include "err.h"
#include "rootfs.h"
#include "sqlfn.h"
#include "vtab.h"
#include "xalloc.h"
#include "banned.h"

struct engine {
	sqlite3 *db;
	struct rootfs *rfs;
	const struct flags *flags;
	time_t start_time;
	char instance_id[37];
	const struct table_spec **tables;
	size_t ntables;
	/* > 0 while a vtab declares itself (trusted DDL) */
	int trusted;
	/* what the authorizer refused last, for a clear message */
	int denied_action;
	char denied_what[128];
};

/* Pragmas that only read the connection's own metadata. */
static const char *const readonly_pragmas[] = {
	"table_info", "table_xinfo", "table_list", "function_list", "module_list",
	"collation_list", "compile_options", "index_list", "index_info", "foreign_key_list",
};

static int authorize(void *arg, int action, const char *a, const char *b, const char *dbname,
		     const char *trigger)
{
	struct engine *eng = arg;

	(void)trigger;
	if (eng->trusted)
		return SQLITE_OK;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		if (b && (sqlite3_stricmp(b, "load_extension") == 0 ||
			  sqlite3_stricmp(b, "fts3_tokenizer") == 0))
			break;
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		/* only pragmas that read the connection's metadata; their
		 * argument (b) names a table, never a value to set */
		for (size_t i = 0; i < ARRAY_SIZE(readonly_pragmas); i++)
			if (a && sqlite3_stricmp(a, readonly_pragmas[i]) == 0)
				return SQLITE_OK;
		break;
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		/* CREATE/DROP first touch the schema table; let that pass so
		 * the specific action (CREATE VIEW, ...) is the one refused
		 * with its name. engine_exec's sqlite3_stmt_readonly() check
		 * still refuses anything that would write. */
		if (a && (sqlite3_stricmp(a, "sqlite_master") == 0 ||
			  sqlite3_stricmp(a, "sqlite_temp_master") == 0 ||
			  sqlite3_stricmp(a, "sqlite_schema") == 0 ||
			  sqlite3_stricmp(a, "sqlite_temp_schema") == 0) &&
		    (!dbname || sqlite3_stricmp(dbname, "main") == 0 ||
		     sqlite3_stricmp(dbname, "temp") == 0))
			return SQLITE_OK;
		break;
	default:
		break;
	}
	eng->denied_action = action;
	snprintf(eng->denied_what, sizeof(eng->denied_what), "%s", a ? a : (b ? b : ""));
	if (action == SQLITE_FUNCTION)
		snprintf(eng->denied_what, sizeof(eng->denied_what), "%s", b ? b : "");
	return SQLITE_DENY;
}

static const char *action_name(int action)
{
	switch (action) {
	case SQLITE_ATTACH: return "ATTACH";
	case SQLITE_DETACH: return "DETACH";
	case SQLITE_PRAGMA: return "PRAGMA";
	case SQLITE_FUNCTION: return "the function";
	case SQLITE_INSERT: return "INSERT";
	case SQLITE_UPDATE: return "UPDATE";
	case SQLITE_DELETE: return "DELETE";
	case SQLITE_ALTER_TABLE: return "ALTER TABLE";
	case SQLITE_ANALYZE: return "ANALYZE";
	case SQLITE_REINDEX: return "REINDEX";
	case SQLITE_CREATE_VTABLE: return "CREATE VIRTUAL TABLE";
	case SQLITE_DROP_VTABLE: return "DROP VIRTUAL TABLE";
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_TABLE: return "CREATE TABLE";
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_TEMP_VIEW: return "CREATE VIEW";
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TEMP_INDEX: return "CREATE INDEX";
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_TEMP_TRIGGER: return "CREATE TRIGGER";
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TEMP_TABLE: return "DROP TABLE";
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_TEMP_VIEW: return "DROP VIEW";
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TEMP_INDEX: return "DROP INDEX";
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_TEMP_TRIGGER: return "DROP TRIGGER";
	default: return "this statement";
	}
}

static int cmp_spec(const void *a, const void *b)
{
	const struct table_spec *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static void make_instance_id(char out[37])
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* no entropy source: derive from time and pid, still unique enough
		 * for an id that only distinguishes process instances */
		uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);

		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)(t >> ((i % 8) * 8)) ^ (unsigned char)(i * 37);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
}

int engine_global_init(void)
{
	/* SQLITE_MISUSE: SQLite is already initialized; keep its settings */
	int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

	if (rc == SQLITE_OK)
		rc = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	if (rc != SQLITE_OK && rc != SQLITE_MISUSE)
		return -SPOOR_ESQL;
	return sqlite3_initialize() == SQLITE_OK ? 0 : -SPOOR_ESQL;
}

int engine_open(struct engine **ret, const struct engine_opts *opts, struct strbuf *err)
{
	struct engine *eng = xcalloc(1, sizeof(*eng));
	int rc, r;

	eng->flags = opts ? opts->flags : NULL;
	eng->start_time = time(NULL);
	make_instance_id(eng->instance_id);
	r = rootfs_open(&eng->rfs, opts ? opts->root : NULL);
	if (r < 0) {
		if (err)
			strbuf_addf(err, "cannot open root %s: %s", opts && opts->root ? opts->root : "/",
				    spoor_strerror(r));
		goto fail;
	}
	rc = sqlite3_open_v2(":memory:", &eng->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		if (err)
			strbuf_addf(err, "cannot open SQLite: %s", sqlite3_errstr(rc));
		r = -ENOMEM;
		goto fail;
	}
	/* osquery packs rely on "double-quoted" string literals */
	sqlite3_db_config(eng->db, SQLITE_DBCONFIG_DQS_DML, 1, NULL);
	sqlite3_db_config(eng->db, SQLITE_DBCONFIG_DQS_DDL, 1, NULL);
	sqlite3_db_config(eng->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(eng->db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, NULL);
	sqlite3_db_config(eng->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(eng->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_limit(eng->db, SQLITE_LIMIT_ATTACHED, 0);
	/* sorts and temporary b-trees stay in memory, never in temp files */
	sqlite3_exec(eng->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);

	rc = sqlfn_register_all(eng->db);
	/* path functions (find_file_path_in_cmd, ...) look under the root */
	if (rc == SQLITE_OK)
		rc = sqlfn_register_path(eng->db, eng->rfs);
	if (rc != SQLITE_OK) {
		if (err)
			strbuf_addf(err, "cannot register SQL functions: %s", sqlite3_errstr(rc));
		r = -SPOOR_ESQL;
		goto fail;
	}

	eng->ntables = opts ? opts->ntables : 0;
	eng->tables = xcalloc(eng->ntables, sizeof(*eng->tables));
	for (size_t i = 0; i < eng->ntables; i++)
		eng->tables[i] = opts->tables[i];
	qsort(eng->tables, eng->ntables, sizeof(*eng->tables), cmp_spec);
	for (size_t i = 0; i < eng->ntables; i++) {
		const struct table_spec *spec = eng->tables[i];

		rc = vtab_register(eng->db, eng, spec, spec->name);
		for (size_t a = 0; rc == SQLITE_OK && spec->aliases && spec->aliases[a]; a++)
			rc = vtab_register(eng->db, eng, spec, spec->aliases[a]);
		if (rc != SQLITE_OK) {
			if (err)
				strbuf_addf(err, "cannot register table %s: %s", spec->name,
					    sqlite3_errstr(rc));
			r = -SPOOR_ESQL;
			goto fail;
		}
	}
	sqlite3_set_authorizer(eng->db, authorize, eng);
	*ret = eng;
	return 0;
fail:
	engine_free(eng);
	return r;
}

void engine_free(struct engine *eng)
{
	if (!eng)
		return;
	sqlite3_close_v2(eng->db);
	rootfs_free(eng->rfs);
	free(eng->tables);
	free(eng);
}

void engine_trust(struct engine *eng, bool on)
{
	eng->trusted += on ? 1 : -1;
}

sqlite3 *engine_db(struct engine *eng)
{
	return eng->db;
}

const struct rootfs *engine_rootfs(const struct engine *eng)
{
	return eng->rfs;
}

const struct flags *engine_flags(const struct engine *eng)
{
	return eng->flags;
}

time_t engine_start_time(const struct engine *eng)
{
	return eng->start_time;
}

const char *engine_instance_id(const struct engine *eng)
{
	return eng->instance_id;
}

size_t engine_ntables(const struct engine *eng)
{
	return eng->ntables;
}

const struct table_spec *engine_table(const struct engine *eng, size_t i)
{
	return i < eng->ntables ? eng->tables[i] : NULL;
}

const struct table_spec *engine_find_table(const struct engine *eng, const char *name)
{
	for (size_t i = 0; i < eng->ntables; i++) {
		const struct table_spec *spec = eng->tables[i];

		if (strcmp(spec->name, name) == 0)
			return spec;
		for (size_t a = 0; spec->aliases && spec->aliases[a]; a++)
			if (strcmp(spec->aliases[a], name) == 0)
				return spec;
	}
	return NULL;
}

static int refuse(struct engine *eng, struct strbuf *err)
{
	if (err) {
		if (eng->denied_action == SQLITE_FUNCTION)
			strbuf_addf(err, "refused: spoor is read-only: %s() is not allowed",
				    eng->denied_what);
		else if (eng->denied_action == SQLITE_PRAGMA)
			strbuf_addf(err,
				    "refused: spoor is read-only: PRAGMA %s is not allowed "
				    "(only metadata pragmas such as table_info may be read)",
				    eng->denied_what);
		else
			strbuf_addf(err, "refused: spoor is read-only: %s is not allowed",
				    action_name(eng->denied_action));
	}
	return -SPOOR_EREADONLY;
}

int engine_exec(struct engine *eng, const char *sql, const struct result_sink *sink,
		struct strbuf *err)
{
	const char *tail = sql;
	int r = 0;

	while (tail && *tail) {
		sqlite3_stmt *stmt = NULL;
		const char *next;
		int rc;

		eng->denied_action = 0;
		rc = sqlite3_prepare_v2(eng->db, tail, -1, &stmt, &next);
		if (rc != SQLITE_OK) {
			if (eng->denied_action)
				return refuse(eng, err);
			if (err)
				strbuf_addstr(err, sqlite3_errmsg(eng->db));
			return -SPOOR_ESQL;
		}
		tail = next;
		if (!stmt)
			continue; /* whitespace or comment */
		if (!sqlite3_stmt_readonly(stmt)) {
			sqlite3_finalize(stmt);
			if (err)
				strbuf_addstr(err,
					      "refused: spoor is read-only: this statement would "
					      "write");
			return -SPOOR_EREADONLY;
		}
		if (sink && sink->begin && (r = sink->begin(sink->arg, stmt)) != 0)
			goto stop;
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			if (sink && sink->row && (r = sink->row(sink->arg, stmt)) != 0)
				goto stop;
		}
		if (rc != SQLITE_DONE) {
			if (err)
				strbuf_addstr(err, sqlite3_errmsg(eng->db));
			sqlite3_finalize(stmt);
			return -SPOOR_ESQL;
		}
		if (sink && sink->end && (r = sink->end(sink->arg, stmt)) != 0)
			goto stop;
		sqlite3_finalize(stmt);
		continue;
stop:
		sqlite3_finalize(stmt);
		return r;
	}
	return 0;
}
