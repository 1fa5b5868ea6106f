/*
 * sqlfn_path.c - osquery's path SQL functions: parent_directory,
 * find_file_path_in_cmd, is_path_deterministic.
 *
 *   SELECT parent_directory('/usr/bin/env');              -- '/usr/bin'
 *   SELECT find_file_path_in_cmd('/usr/bin/env -i sh');   -- '/usr/bin/env'
 *
 * Semantics are osquery's (osquery/sql/sqlite_filesystem.cpp):
 *  - parent_directory(p): p up to (not including) its last '/'; NULL when
 *    p holds no '/'; '' for '/x'. A non-TEXT argument, NULL included, is
 *    an error.
 *  - find_file_path_in_cmd(cmd [, allow_quoting [, escape]]) reads cmd
 *    left to right, skipping leading whitespace, and tries each prefix
 *    that ends before an unquoted whitespace byte as a path: the first
 *    prefix naming an existing file that is not a directory (symlinks
 *    followed) is the answer, else the whole command when it names one,
 *    else ''. The escape byte (default '\') makes the next byte literal
 *    and is itself dropped; with allow_quoting non-zero a '"' toggles
 *    quoting and is dropped. A NULL argument or an escape that is not
 *    exactly one byte is an error.
 *  - is_path_deterministic(cmd, ...) takes the same arguments and returns
 *    1 when at most one reading of cmd names a file: the shortest match
 *    is '' or all of cmd, or the shortest and the longest match agree;
 *    0 otherwise.
 * Both probe the filesystem: with the live host they stat() like osquery,
 * through a rootfs (sqlfn_register_path) they stat under its prefix.
 */
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "rootfs.h"
#include "sqlfn.h"
#include "banned.h"

/* A command line longer than this is refused: each whitespace byte in it
 * costs a stat() call. Linux caps a whole argv+envp near 2 MiB. */
#define PATH_CMD_MAX ((size_t)4 << 20)

struct cmd_args {
	const char *cmd;
	size_t len;
	bool allow_quoting;
	char escape;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* boost::filesystem: exists(status(p)) && !is_directory(status(p)) */
static bool is_file(const struct rootfs *rfs, const char *path)
{
	struct stat st;

	if (rfs)
		return rootfs_stat(rfs, path, &st) == 0 && !S_ISDIR(st.st_mode);
	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/*
 * Reads the arguments osquery accepts. Returns 1, 0 when they are
 * invalid, -1 after setting an error on ctx.
 */
static int cmd_args_get(sqlite3_context *ctx, const char *fn, int argc, sqlite3_value **argv,
                        struct cmd_args *ret)
{
	size_t len;

	if (argc == 0)
		return 0;
	for (int i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			return 0;
	ret->cmd = sqlfn_text(ctx, argv[0], &len);
	if (!ret->cmd)
		return -1;
	ret->len = strnlen(ret->cmd, len);
	if (ret->len > PATH_CMD_MAX) {
		char *msg = sqlite3_mprintf("%s: input too large", fn);

		if (msg)
			sqlite3_result_error(ctx, msg, -1);
		else
			sqlite3_result_error_nomem(ctx);
		sqlite3_free(msg);
		return -1;
	}
	ret->allow_quoting = argc > 1 && sqlite3_value_int(argv[1]) != 0;
	ret->escape = '\\';
	if (argc > 2) {
		const char *esc = (const char *)sqlite3_value_text(argv[2]);

		if (!esc) {
			sqlite3_result_error_nomem(ctx);
			return -1;
		}
		if (strlen(esc) != 1)
			return 0;
		ret->escape = esc[0];
	}
	return 1;
}

/*
 * osquery's findExistingProgramPathFromCommand. The unescaped command is
 * built in buf (room for len + 1 bytes); returns the length of the match,
 * a prefix of buf, 0 for none.
 */
static size_t find_path(const struct rootfs *rfs, const struct cmd_args *a, bool shortest,
                        char *buf)
{
	size_t pos = 0, n = 0, found = 0;
	bool quoted = false, escaped = false;

	while (pos < a->len && is_space(a->cmd[pos]))
		pos++;
	for (; pos < a->len; pos++) {
		char c = a->cmd[pos];

		if (escaped) {
			buf[n++] = c;
			escaped = false;
			continue;
		}
		if (a->allow_quoting && c == '"') {
			quoted = !quoted;
			continue;
		}
		if (c == a->escape) {
			escaped = true;
			continue;
		}
		if (!quoted && is_space(c)) {
			buf[n] = '\0';
			if (is_file(rfs, buf)) {
				found = n;
				if (shortest)
					break;
			}
		}
		buf[n++] = c;
	}
	if (found == 0 || !shortest) {
		buf[n] = '\0';
		if (is_file(rfs, buf))
			found = n;
	}
	return found;
}

static void find_file_path_in_cmd_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct rootfs *rfs = (const struct rootfs *)(uintptr_t)sqlite3_user_data(ctx);
	struct cmd_args a;
	size_t n;
	char *buf;
	int rc = cmd_args_get(ctx, "find_file_path_in_cmd", argc, argv, &a);

	if (rc < 0)
		return;
	if (rc == 0) {
		sqlite3_result_error(ctx, "Invalid inputs to find_binary_path_from_cmd", -1);
		return;
	}
	buf = sqlite3_malloc64(a.len + 1);
	if (!buf) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	n = find_path(rfs, &a, true, buf);
	sqlite3_result_text64(ctx, buf, n, SQLITE_TRANSIENT, SQLITE_UTF8);
	sqlite3_free(buf);
}

static void is_path_deterministic_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct rootfs *rfs = (const struct rootfs *)(uintptr_t)sqlite3_user_data(ctx);
	struct cmd_args a;
	size_t shortest, longest;
	char *buf;
	int rc = cmd_args_get(ctx, "is_path_deterministic", argc, argv, &a);

	if (rc < 0)
		return;
	if (rc == 0) {
		sqlite3_result_error(ctx, "Invalid inputs to is_path_deterministic", -1);
		return;
	}
	buf = sqlite3_malloc64(a.len + 1);
	if (!buf) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	shortest = find_path(rfs, &a, true, buf);
	/* nothing exists, or only the whole command: one reading */
	if (shortest == 0 || shortest == a.len) {
		sqlite3_result_int(ctx, 1);
	} else {
		longest = find_path(rfs, &a, false, buf);
		sqlite3_result_int(ctx, shortest == longest);
	}
	sqlite3_free(buf);
}

static void parent_directory_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *path, *slash;
	size_t len;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
		sqlite3_result_error(ctx, "Invalid inputs to parent_directory, TEXT was expected",
		                     -1);
		return;
	}
	path = sqlfn_text(ctx, argv[0], &len);
	if (!path)
		return;
	slash = strrchr(path, '/');
	if (!slash) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text64(ctx, path, (size_t)(slash - path), SQLITE_TRANSIENT, SQLITE_UTF8);
}

int sqlfn_register_path(sqlite3 *db, const struct rootfs *rfs)
{
	void *data = (void *)(uintptr_t)rfs;
	int rc;

	rc = sqlite3_create_function(db, "parent_directory", 1,
	                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                             parent_directory_fn, NULL, NULL);
	/* these read the filesystem: deterministic within a statement, as
	 * osquery declares them, but not innocuous */
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "find_file_path_in_cmd", -1,
		                             SQLITE_UTF8 | SQLITE_DETERMINISTIC, data,
		                             find_file_path_in_cmd_fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "is_path_deterministic", -1,
		                             SQLITE_UTF8 | SQLITE_DETERMINISTIC, data,
		                             is_path_deterministic_fn, NULL, NULL);
	return rc;
}
