/*
 * startup_items.c - programs started at boot or login: startup_items.
 *
 *   SELECT name, path, source, username FROM startup_items;
 *   SELECT * FROM startup_items WHERE source LIKE '/home/%';
 *
 * Data sources, through the rootfs layer, in osquery's order
 * (tables/system/linux/startup_items.cpp):
 *   1. for every distinct non-empty home directory of the users table, in
 *      byte order (osquery collects them in a std::set): the XDG autostart
 *      entries in <home>/.config/autostart/ and the scripts in
 *      <home>/.config/autostart-scripts/;
 *   2. the scripts in /etc/init.d/;
 *   3. the XDG autostart entries in /etc/xdg/autostart/.
 * A directory lists its entries as osquery's glob "<dir>*" does: names
 * not starting with '.', in byte order, directories (also through a
 * symlink) left out.
 *
 * Row values are osquery's:
 *   - every row: type "Startup Item", status "enabled", source the
 *     directory as built (home + "/.config/autostart/", so a home with a
 *     trailing '/' gives "//", as boost's path operator/ joins them), and
 *     username the second component of the source when its first is
 *     "home" ("/home/alice/..." -> alice), else NULL; args is NULL;
 *   - a script: name the file name, path the full path;
 *   - an autostart entry: the file is split in lines at '\n', empty lines
 *     dropped and every line trimmed; a line starting with "Name=" or
 *     "Exec=" that splits at '=' into exactly two non-empty pieces sets
 *     name or path to the second piece, trimmed (the last such line wins:
 *     "Exec=env A=1 prog" has three pieces and sets nothing). A file that
 *     cannot be read, or is longer than SI_DESKTOP_MAX, still gives its
 *     row, with name and path NULL.
 * Differences from osquery, deliberate:
 *   - osquery adds the units of the running systemd manager over D-Bus
 *     (type "systemd unit", status its active state, path FragmentPath,
 *     source SourcePath, username Service.User). spoor does not speak
 *     D-Bus here: those rows are absent, as they are in osquery on a host
 *     whose PID 1 is not systemd; query systemd_units for units;
 *   - osquery canonicalizes a symlinked directory before globbing, so its
 *     paths then name the link's target; spoor reports the directory as
 *     named (resolving links inside a foreign root would leave it);
 *   - a home that is not an absolute path (osquery would resolve it
 *     against its working directory) is skipped.
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
#include "banned.h"

/* A .desktop file is a few KiB; past this it is treated as unreadable. */
#define SI_DESKTOP_MAX ((size_t)1 << 20)
/* Entries considered in one directory. */
#define SI_DIR_ENTRIES_MAX ((size_t)65536)
/* Homes considered. */
#define SI_HOMES_MAX ((size_t)1 << 20)

enum {
	SI_NAME,
	SI_PATH,
	SI_ARGS,
	SI_TYPE,
	SI_SOURCE,
	SI_STATUS,
	SI_USERNAME,
};

static const struct column_spec startup_items_cols[] = {
    [SI_NAME] = {"name", COL_TEXT, 0, .help = "Name of startup item"},
    [SI_PATH] = {"path", COL_TEXT, 0, .help = "Path of startup item"},
    [SI_ARGS] = {"args", COL_TEXT, 0, .help = "Arguments provided to startup executable"},
    [SI_TYPE] = {"type", COL_TEXT, 0,
                 .help = "Type of startup item. On macOS this can be app, agent "
                         "(LaunchAgent), daemon (LaunchDaemon), login item, or user item."},
    [SI_SOURCE] = {"source", COL_TEXT, 0,
                   .help = "Directory containing startup item (on macOS, the subsystem "
                           "providing it)"},
    [SI_STATUS] = {"status", COL_TEXT, 0,
                   .help = "Startup status. On Linux: enabled or disabled. On macOS: "
                           "Combination of enabled, allowed, notified, and hidden. Apple does "
                           "not seem to document these status values, but allowed seems to "
                           "indicate whether it is enabled in System Settings."},
    [SI_USERNAME] = {"username", COL_TEXT, 0, .help = "The user associated with the startup item"},
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct str_list {
	char **v;
	size_t n;
};

static void str_list_release(struct str_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void str_list_add(struct str_list *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

/* Distinct non-empty absolute homes of the users table, sorted. */
static int load_homes(struct query_ctx *q, struct str_list *ret)
{
	sqlite3 *db = engine_db(qctx_engine(q));
	sqlite3_stmt *st = NULL;
	int rc;

	memset(ret, 0, sizeof(*ret));
	if (sqlite3_prepare_v2(db, "SELECT directory FROM users", -1, &st, NULL) != SQLITE_OK)
		return -SPOOR_ESQL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ret->n < SI_HOMES_MAX) {
		const char *home = (const char *)sqlite3_column_text(st, 0);

		if (home && home[0] == '/')
			str_list_add(ret, home);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		str_list_release(ret);
		return -SPOOR_ESQL;
	}
	if (ret->n)
		qsort(ret->v, ret->n, sizeof(*ret->v), cmp_str);
	/* unique */
	size_t k = 0;

	for (size_t i = 0; i < ret->n; i++) {
		if (k && strcmp(ret->v[i], ret->v[k - 1]) == 0)
			free(ret->v[i]);
		else
			ret->v[k++] = ret->v[i];
	}
	ret->n = k;
	return 0;
}

/* Full paths of the non-directory entries of dir (which ends in '/'),
 * as glob("<dir>*") gives them. A missing directory gives none. */
static void list_dir_files(const struct rootfs *rfs, const char *dir, struct str_list *ret)
{
	struct strbuf path = STRBUF_INIT;
	struct str_list names = {0};
	struct dirent *de;
	DIR *d;

	memset(ret, 0, sizeof(*ret));
	if (rootfs_opendir(rfs, dir, &d) < 0)
		return;
	while ((de = readdir(d)) && names.n < SI_DIR_ENTRIES_MAX)
		if (de->d_name[0] != '.')
			str_list_add(&names, de->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		struct stat st;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s%s", dir, names.v[i]);
		if (path.toobig || (rootfs_stat(rfs, path.buf, &st) == 0 && S_ISDIR(st.st_mode)))
			continue;
		str_list_add(ret, path.buf);
	}
	str_list_release(&names);
	strbuf_release(&path);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static struct span trim(struct span s)
{
	while (s.p < s.end && is_space(*s.p))
		s.p++;
	while (s.end > s.p && is_space(s.end[-1]))
		s.end--;
	return s;
}

/* osquery's split(line, "="): the non-empty pieces between '=', each
 * trimmed; true when there are exactly two, with the second in ret. */
static bool two_pieces(struct span line, struct span *ret)
{
	struct span piece, second = {0};
	size_t n = 0;

	while (span_until(&line, '=', &piece) == 0) {
		if (span_empty(&piece))
			continue;
		if (++n == 2)
			second = piece;
	}
	if (n != 2)
		return false;
	*ret = trim(second);
	return true;
}

/* Name= and Exec= of an XDG autostart file. */
static void parse_desktop(const struct strbuf *sb, struct span *ret_name, bool *ret_has_name,
                          struct span *ret_exec, bool *ret_has_exec)
{
	struct span file = span_make(sb->buf, sb->len), line;

	while (span_until(&file, '\n', &line) == 0) {
		struct span v;

		if (span_empty(&line))
			continue;
		line = trim(line);
		if (span_startswith(&line, "Name=") && two_pieces(line, &v)) {
			*ret_name = v;
			*ret_has_name = true;
		}
		if (span_startswith(&line, "Exec=") && two_pieces(line, &v)) {
			*ret_exec = v;
			*ret_has_exec = true;
		}
	}
}

static void row_username(struct query_ctx *q, const char *source)
{
	struct span s = span_cstr(source), first = {0}, piece;
	size_t n = 0;

	while (span_until(&s, '/', &piece) == 0) {
		if (span_empty(&piece))
			continue;
		if (n++ == 0) {
			first = piece;
			continue;
		}
		if (span_eq(&first, "home"))
			row_text(q, SI_USERNAME, piece.p, span_len(&piece));
		return;
	}
}

static void row_common(struct query_ctx *q, const char *source)
{
	row_textz(q, SI_TYPE, "Startup Item");
	row_textz(q, SI_STATUS, "enabled");
	row_textz(q, SI_SOURCE, source);
	row_username(q, source);
}

static int gen_scripts(struct query_ctx *q, const char *dir)
{
	struct str_list files;
	int r = 0;

	list_dir_files(qctx_rootfs(q), dir, &files);
	for (size_t i = 0; i < files.n && r == 0; i++) {
		row_begin(q);
		row_textz(q, SI_NAME, strrchr(files.v[i], '/') + 1);
		row_textz(q, SI_PATH, files.v[i]);
		row_common(q, dir);
		r = row_end(q);
	}
	str_list_release(&files);
	return r;
}

static int gen_autostart(struct query_ctx *q, const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	struct str_list files;
	int r = 0;

	list_dir_files(qctx_rootfs(q), dir, &files);
	for (size_t i = 0; i < files.n && r == 0; i++) {
		struct span name = {0}, exec = {0};
		bool has_name = false, has_exec = false, truncated = false;

		strbuf_reset(&sb);
		if (qctx_any_used(q, SI_NAME, SI_PATH) &&
		    rootfs_read(qctx_rootfs(q), files.v[i], &sb, SI_DESKTOP_MAX, &truncated) == 0 &&
		    !truncated)
			parse_desktop(&sb, &name, &has_name, &exec, &has_exec);
		row_begin(q);
		if (has_name)
			row_text(q, SI_NAME, name.p, span_len(&name));
		if (has_exec)
			row_text(q, SI_PATH, exec.p, span_len(&exec));
		row_common(q, dir);
		r = row_end(q);
	}
	str_list_release(&files);
	strbuf_release(&sb);
	return r;
}

static int gen_startup_items(struct query_ctx *q)
{
	struct strbuf dir = STRBUF_INIT;
	struct str_list homes;
	int r;

	r = load_homes(q, &homes);
	if (r < 0)
		return r;
	for (size_t i = 0; i < homes.n && r == 0; i++) {
		strbuf_reset(&dir);
		strbuf_addf(&dir, "%s/.config/autostart/", homes.v[i]);
		r = gen_autostart(q, dir.buf);
		if (r < 0)
			break;
		strbuf_reset(&dir);
		strbuf_addf(&dir, "%s/.config/autostart-scripts/", homes.v[i]);
		r = gen_scripts(q, dir.buf);
	}
	if (r == 0)
		r = gen_scripts(q, "/etc/init.d/");
	if (r == 0)
		r = gen_autostart(q, "/etc/xdg/autostart/");
	str_list_release(&homes);
	strbuf_release(&dir);
	return r;
}

const struct table_spec startup_items_spec = {
    .name = "startup_items",
    .description = "Applications and binaries set as startup items.",
    .source = "~/.config/autostart/, ~/.config/autostart-scripts/ of every users home, "
              "/etc/init.d/, /etc/xdg/autostart/",
    TABLE_COLUMNS(startup_items_cols),
    .attributes = TABLE_CACHEABLE,
    .generate = gen_startup_items,
};
