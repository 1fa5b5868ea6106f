/*
 * cron.c - scheduled jobs: crontab.
 *
 *   SELECT event, minute, hour, command, path FROM crontab;
 *   SELECT * FROM crontab WHERE command LIKE '%curl%' OR command LIKE '%/tmp/%';
 *
 * Data sources, through the rootfs layer, in this order (osquery's): the
 * system table /etc/crontab, then the regular files of /etc/cron.d/,
 * /var/at/tabs/, /var/spool/cron/ and /var/spool/cron/crontabs/ (not
 * recursive; sorted by name within a directory, where osquery takes the
 * directory's own order; dot files included, as osquery includes them).
 *
 * Semantics are osquery's (tables/system/posix/crontab.cpp):
 *   - lines are cut at '\n' and trimmed of C whitespace; empty lines and
 *     lines starting with '#' are skipped;
 *   - fields are the runs between spaces and tabs; a first field starting
 *     with '@' is the event (@reboot, @daily, ...) and the rest is the
 *     command, with minute .. day_of_week NULL; otherwise the first five
 *     fields are minute, hour, day_of_month, month and day_of_week and
 *     the rest is the command;
 *   - the command is the remaining fields joined by one space (runs of
 *     blanks collapse, as in osquery); the user field of /etc/crontab
 *     and /etc/cron.d lines is part of it, as in osquery;
 *   - a line with no command (an environment line such as
 *     "SHELL=/bin/sh", or fewer than six fields) gives no row; event is
 *     NULL on a line without one;
 *   - there is no line continuation in cron: a trailing backslash is
 *     part of the command;
 *   - pid_with_namespace is 0 (the host): pid_with_namespace = N with
 *     N != 0 selects nothing (spoor does not enter mount namespaces).
 * A file is read up to CRON_FILE_MAX; past it, the rows of its complete
 * lines are given (a user's crontab must not blind the table). A
 * missing file or directory gives no rows.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* real crontabs are a few KiB */
#define CRON_FILE_MAX ((size_t)4 << 20)
/* files of one cron directory considered */
#define CRON_DIR_ENTRIES_MAX ((size_t)65536)

enum {
	CRON_EVENT,
	CRON_MINUTE,
	CRON_HOUR,
	CRON_DAY_OF_MONTH,
	CRON_MONTH,
	CRON_DAY_OF_WEEK,
	CRON_COMMAND,
	CRON_PATH,
	CRON_PID_WITH_NAMESPACE,
};

static const struct column_spec crontab_cols[] = {
    [CRON_EVENT] = {"event", COL_TEXT, 0, .help = "The job @event name (rare)"},
    [CRON_MINUTE] = {"minute", COL_TEXT, 0, .help = "The exact minute for the job"},
    [CRON_HOUR] = {"hour", COL_TEXT, 0, .help = "The hour of the day for the job"},
    [CRON_DAY_OF_MONTH] = {"day_of_month", COL_TEXT, 0, .help = "The day of the month for the job"},
    [CRON_MONTH] = {"month", COL_TEXT, 0, .help = "The month of the year for the job"},
    [CRON_DAY_OF_WEEK] = {"day_of_week", COL_TEXT, 0, .help = "The day of the week for the job"},
    [CRON_COMMAND] = {"command", COL_TEXT, 0, .help = "Raw command string"},
    [CRON_PATH] = {"path", COL_TEXT, 0, .help = "File parsed"},
    [CRON_PID_WITH_NAMESPACE] = {"pid_with_namespace", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
                                 .help = "Pids that contain a namespace"},
};

/* osquery's split(line, " \t"): a run between blanks, then trimmed. */
static int next_field(struct span *sp, struct span *ret)
{
	const char *start;

	while (sp->p < sp->end && (*sp->p == ' ' || *sp->p == '\t'))
		sp->p++;
	if (sp->p == sp->end)
		return -ENOENT;
	start = sp->p;
	while (sp->p < sp->end && *sp->p != ' ' && *sp->p != '\t')
		sp->p++;
	*ret = span_make(start, (size_t)(sp->p - start));
	span_trim(ret);
	return 0;
}

static int cron_line(struct query_ctx *q, const char *path, struct span line,
                     struct strbuf *command)
{
	struct span f[5], word;
	int nsched = 5;

	if (next_field(&line, &f[0]) < 0)
		return 0;
	if (!span_empty(&f[0]) && *f[0].p == '@') {
		nsched = 0;
	} else {
		for (int i = 1; i < 5; i++)
			if (next_field(&line, &f[i]) < 0)
				return 0;
	}
	strbuf_reset(command);
	while (next_field(&line, &word) == 0) {
		if (command->len)
			strbuf_addch(command, ' ');
		strbuf_add(command, word.p, span_len(&word));
	}
	if (command->len == 0)
		return 0;
	row_begin(q);
	if (nsched == 0)
		row_text(q, CRON_EVENT, f[0].p, span_len(&f[0]));
	for (int i = 0; i < nsched; i++)
		row_text(q, CRON_MINUTE + i, f[i].p, span_len(&f[i]));
	row_text(q, CRON_COMMAND, command->buf, command->len);
	row_textz(q, CRON_PATH, path);
	row_int(q, CRON_PID_WITH_NAMESPACE, 0);
	return row_end(q);
}

static int cron_file(struct query_ctx *q, const char *path, struct strbuf *content,
                     struct strbuf *command)
{
	struct span file, line;
	bool truncated = false;
	struct stat st;
	int r;

	strbuf_reset(content);
	/* regular files only: a FIFO in a spool directory must not hang the
	 * scan, and directories are not crontabs */
	if (rootfs_stat(qctx_rootfs(q), path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	r = rootfs_read(qctx_rootfs(q), path, content, CRON_FILE_MAX, &truncated);
	if (r < 0)
		return 0; /* missing or unreadable: no rows, as osquery */
	if (truncated) {
		char *nl = memrchr(content->buf, '\n', content->len);

		strbuf_setlen(content, nl ? (size_t)(nl - content->buf) : 0);
	}
	file = span_make(content->buf, content->len);
	while (span_line(&file, &line) == 0) {
		span_trim(&line);
		if (span_empty(&line) || *line.p == '#')
			continue;
		r = cron_line(q, path, line, command);
		if (r < 0)
			return r;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of dir, sorted (cron_file reads the regular ones, symlinks
 * followed inside the root). */
static int cron_dir(struct query_ctx *q, const char *dir, struct strbuf *content,
                    struct strbuf *command)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf path = STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (rootfs_opendir(rfs, dir, &d) < 0)
		return 0;
	while ((de = readdir(d)) != NULL && n < CRON_DIR_ENTRIES_MAX) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			names = xreallocarray(names, alloc, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && r == 0; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s%s", dir, names[i]);
		r = cron_file(q, path.buf, content, command);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	strbuf_release(&path);
	return r;
}

static bool host_namespace_selected(const struct query_ctx *q, int col)
{
	size_t n = qctx_eq_count(q, col);

	for (size_t i = 0; i < n; i++) {
		int64_t v;

		if (qctx_eq_int64(q, col, i, &v) == 0 && v == 0)
			return true;
	}
	return n == 0;
}

static int gen_crontab(struct query_ctx *q)
{
	static const char *const dirs[] = {
	    "/etc/cron.d/",
	    "/var/at/tabs/",
	    "/var/spool/cron/",
	    "/var/spool/cron/crontabs/",
	};
	struct strbuf content = STRBUF_INIT, command = STRBUF_INIT;
	int r;

	if (!host_namespace_selected(q, CRON_PID_WITH_NAMESPACE))
		return 0;
	r = cron_file(q, "/etc/crontab", &content, &command);
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && r == 0; i++)
		r = cron_dir(q, dirs[i], &content, &command);
	strbuf_release(&command);
	strbuf_release(&content);
	return r;
}

const struct table_spec crontab_spec = {
    .name = "crontab",
    .description = "Line parsed values from system and user cron/tab.",
    .source = "/etc/crontab, /etc/cron.d/*, /var/at/tabs/*, /var/spool/cron/*, "
              "/var/spool/cron/crontabs/*",
    TABLE_COLUMNS(crontab_cols),
    .attributes = TABLE_CACHEABLE,
    .generate = gen_crontab,
};
