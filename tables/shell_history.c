/*
 * shell_history.c - commands from users' shell history files:
 * shell_history.
 *
 *   SELECT uid, time, command FROM shell_history WHERE uid = 1000;
 *   SELECT history_file, count(*) FROM shell_history GROUP BY 1;
 *
 * Data sources, through the rootfs layer: for every account of the users
 * table (SELECT uid, directory FROM users, with uid = / IN pushed into
 * it, as osquery's usersFromContext()), the files .bash_history,
 * .zsh_history, .zhistory, .history and .sh_history in the home, then
 * .bash_sessions/<name>.history (macOS Terminal sessions; names not
 * starting with '.', in byte order, as glob(3) lists them). A home that
 * is not an absolute path is skipped; a missing or unreadable file gives
 * no rows.
 *
 * Semantics are osquery's (tables/system/posix/shell_history.cpp):
 *   - the file is split at '\n' only; every line is a row, an empty line
 *     included, and a last line without '\n' too; lines are not trimmed;
 *   - a line "#<digits>" (bash HISTTIMEFORMAT) is not a row: its number
 *     becomes the time of the next line, whatever that line holds;
 *   - a line ": <time>:<duration>;<command>" (zsh EXTENDED_HISTORY; 0 to
 *     10 blanks after ':', a time of 1 to 11 digits) is a row with that
 *     time and the command; osquery's std::regex '.' does not match '\r',
 *     so a command holding '\r' is not split and keeps time 0;
 *   - anything else is a row with time 0 and the line as command. A zsh
 *     command spanning lines (written with '\' before each '\n') gives
 *     one row per line, the continuation lines with time 0, as osquery
 *     reports them. zsh's metafied bytes (0x83) are not decoded.
 *   - a timestamp too large for 64 bits gives time NULL.
 * Deliberate difference: osquery streams a file of any size; spoor reads
 * at most SH_FILE_MAX bytes of each file and emits the complete lines in
 * them (a history longer than that is reported only up to its last
 * complete line within the bound, never a cut-off line).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine.h"
#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "xalloc.h"
#include "user_homes.h"
#include "banned.h"

/* Bytes read of one history file: HISTFILESIZE rarely passes a few MiB. */
#define SH_FILE_MAX ((size_t)64 << 20)
/* .bash_sessions entries considered for one user. */
#define SH_SESSIONS_MAX ((size_t)4096)
/* Longest path built from a home. */
#define SH_PATH_MAX ((size_t)4096)

static const char *const history_files[] = {
    ".bash_history", ".zsh_history", ".zhistory", ".history", ".sh_history",
};

enum {
	SH_UID,
	SH_TIME,
	SH_COMMAND,
	SH_HISTORY_FILE,
};

static const struct column_spec shell_history_cols[] = {
    [SH_UID] = {"uid", COL_BIGINT, COLF_ADDITIONAL | COLF_OPTIMIZED, .help = "Shell history owner"},
    [SH_TIME] = {"time", COL_INTEGER, 0,
                 .help = "Entry timestamp. It could be absent, default value is 0."},
    [SH_COMMAND] = {"command", COL_TEXT, 0, .help = "Unparsed date/line/command history line"},
    [SH_HISTORY_FILE] = {"history_file", COL_TEXT, 0,
                         .help = "Path to the .*_history for this user"},
};

/* ------------------------------------------------------------------ */
/* users and their homes */

/* user_home_path, bounded: -E2BIG past SH_PATH_MAX. */
static int home_path(struct strbuf *sb, const char *home, const char *rel)
{
	user_home_path(sb, home, rel);
	return sb->toobig || sb->len > SH_PATH_MAX ? -E2BIG : 0;
}

/* ------------------------------------------------------------------ */
/* parsing one history file */

static bool all_digits(const struct span *s)
{
	if (span_empty(s))
		return false;
	for (const char *p = s->p; p < s->end; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/* A bash timestamp line: '#' and one or more digits, nothing else. */
static bool bash_timestamp(const struct span *line, struct span *ret_digits)
{
	struct span d;

	if (span_empty(line) || *line->p != '#')
		return false;
	d = span_make(line->p + 1, span_len(line) - 1);
	if (!all_digits(&d))
		return false;
	*ret_digits = d;
	return true;
}

/* A zsh extended-history line: ':', 0-10 spaces, 1-11 digits, ':', one
 * or more digits, ';', then the command, which may not hold '\n' or
 * '\r' (std::regex ECMAScript '.'). */
static bool zsh_entry(const struct span *line, struct span *ret_time, struct span *ret_cmd)
{
	const char *p = line->p, *end = line->end, *t, *tend;
	size_t n;

	if (p == end || *p++ != ':')
		return false;
	for (n = 0; p < end && *p == ' ' && n < 10; n++)
		p++;
	t = p;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	tend = p;
	if (p == t || p - t > 11 || p == end || *p++ != ':')
		return false;
	if (p == end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p == end || *p++ != ';')
		return false;
	if (memchr(p, '\r', (size_t)(end - p)))
		return false;
	*ret_time = span_make(t, (size_t)(tend - t));
	*ret_cmd = span_make(p, (size_t)(end - p));
	return true;
}

static void row_time(struct query_ctx *q, const struct span *digits)
{
	struct span d = *digits;
	uint64_t v;

	if (span_uint64(&d, &v) == 0 && span_empty(&d) && v <= INT64_MAX)
		row_int(q, SH_TIME, (int64_t)v);
	else
		row_null(q, SH_TIME);
}

static int emit_history(struct query_ctx *q, int64_t uid, const char *file,
                        const struct span *content)
{
	struct span rest = *content, line, stamp = {0};
	bool have_stamp = false;
	int r;

	while (!span_empty(&rest)) {
		const char *nl = memchr(rest.p, '\n', span_len(&rest));
		struct span time, cmd;

		line = span_make(rest.p, (size_t)((nl ? nl : rest.end) - rest.p));
		rest.p = nl ? nl + 1 : rest.end;
		if (!have_stamp && bash_timestamp(&line, &stamp)) {
			have_stamp = true;
			continue;
		}
		row_begin(q);
		row_int(q, SH_UID, uid);
		row_textz(q, SH_HISTORY_FILE, file);
		if (have_stamp) {
			row_time(q, &stamp);
			row_text(q, SH_COMMAND, line.p, span_len(&line));
			have_stamp = false;
		} else if (zsh_entry(&line, &time, &cmd)) {
			row_time(q, &time);
			row_text(q, SH_COMMAND, cmd.p, span_len(&cmd));
		} else {
			row_int(q, SH_TIME, 0);
			row_text(q, SH_COMMAND, line.p, span_len(&line));
		}
		r = row_end(q);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Reads one file and emits its rows; a file that cannot be read gives
 * none. */
static int gen_file(struct query_ctx *q, int64_t uid, const char *path, struct strbuf *sb)
{
	bool truncated = false;
	struct span content;

	strbuf_reset(sb);
	if (rootfs_read(qctx_rootfs(q), path, sb, SH_FILE_MAX, &truncated) < 0)
		return 0;
	content = span_make(sb->buf, sb->len);
	if (truncated) {
		/* only complete lines: drop the one the bound cut */
		const char *nl = memrchr(sb->buf, '\n', sb->len);

		content.end = nl ? nl + 1 : sb->buf;
	}
	return emit_history(q, uid, path, &content);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* .bash_sessions/[!.]*.history, in byte order. */
static int gen_sessions(struct query_ctx *q, const struct user_home *u, struct strbuf *path,
                        struct strbuf *sb)
{
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *dir;
	int r = 0;

	if (home_path(path, u->home, ".bash_sessions") < 0 ||
	    rootfs_opendir(qctx_rootfs(q), path->buf, &dir) < 0)
		return 0;
	while ((de = readdir(dir)) && n < SH_SESSIONS_MAX) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 8 || strcmp(de->d_name + len - 8, ".history"))
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct strbuf rel = STRBUF_INIT;

		strbuf_addf(&rel, ".bash_sessions/%s", names[i]);
		if (r == 0 && home_path(path, u->home, rel.buf) == 0)
			r = gen_file(q, u->uid, path->buf, sb);
		strbuf_release(&rel);
		free(names[i]);
	}
	free(names);
	return r;
}

static int gen_shell_history(struct query_ctx *q)
{
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
	struct user_homes us;
	int r;

	r = user_homes_load(q, SH_UID, &us);
	if (r < 0)
		return r;
	for (size_t i = 0; i < us.n && r == 0; i++) {
		for (size_t f = 0; f < ARRAY_SIZE(history_files) && r == 0; f++)
			if (home_path(&path, us.v[i].home, history_files[f]) == 0)
				r = gen_file(q, us.v[i].uid, path.buf, &sb);
		if (r == 0)
			r = gen_sessions(q, &us.v[i], &path, &sb);
	}
	user_homes_release(&us);
	strbuf_release(&path);
	strbuf_release(&sb);
	return r;
}

const struct table_spec shell_history_spec = {
    .name = "shell_history",
    .description = "A line-delimited (command) table of per-user .*_history data.",
    .source = "~/.bash_history, ~/.zsh_history, ~/.zhistory, ~/.history, ~/.sh_history, "
              "~/.bash_sessions/*.history of every users row",
    TABLE_COLUMNS(shell_history_cols),
    .generate = gen_shell_history,
};
