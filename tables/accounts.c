/*
 * accounts.c - who may log in, with what rights, and who did: shadow,
 * sudoers, last, logged_in_users.
 *
 *   SELECT username, password_status, hash_alg, last_change FROM shadow;
 *   SELECT source, header, rule_details FROM sudoers WHERE rule_details LIKE '%NOPASSWD%';
 *   SELECT username, tty, host, datetime(time, 'unixepoch') FROM last;
 *   SELECT user, tty, host, pid FROM logged_in_users WHERE type = 'user';
 *
 * Data sources, through the rootfs layer: /etc/shadow; /etc/sudoers and
 * the files it includes; /var/log/wtmp; /var/run/utmp.
 *
 * shadow (osquery tables/system/linux/shadow.cpp, which calls getspent or
 * getspnam): /etc/shadow read as glibc 2.36's files backend reads it:
 *   - leading whitespace is skipped; empty lines and '#' lines are not
 *     entries; a line is cut at '\n' only, so a CRLF line's last field
 *     holds '\r' and, as in glibc, the line is refused;
 *   - name:password:lastchg:min:max[:warn:inactive:expire[:flag]]: the
 *     five-field "old form" leaves warn, inactive and expire at -1; with
 *     more fields, all eight must be present. Empty numbers are -1; a
 *     number is strtoul() base 10 and must end at its ':' and fit in 32
 *     bits (else the line is refused); it is then read as a signed 32-bit
 *     value (4294967295 is -1), as glibc does. flag is the unsigned value,
 *     NULL when empty (osquery's BIGINT cannot hold glibc's ~0ul);
 *   - password_status: "not_set" for "!!", "locked" when the hash starts
 *     with '!', '*' or 'x', "empty" for '', else "active"; hash_alg is the
 *     \w+ between the first two '$' of a hash starting with '$' (NULL
 *     otherwise), both as osquery computes them;
 *   - username = / IN gives, per name, the first entry with that name
 *     (getspnam); a scan lists every entry, duplicates included;
 *   - lines glibc returns that are not accounts are skipped, as the users
 *     table skips them: NIS "+"/"-" markers and an empty name; so are
 *     lines with a NUL byte or longer than SHADOW_LINE_MAX.
 *
 * sudoers (osquery tables/system/posix/sudoers.cpp): one row per rule
 * line of /etc/sudoers and of every file it includes:
 *   - lines are trimmed of C whitespace, then of spaces, tabs and '\v';
 *     header is the first field, rule_details the trimmed rest;
 *   - a line ending with '\' continues on the next line: the backslash is
 *     dropped and the next line is appended as it is (osquery's rule);
 *   - lines starting with '#' are comments, except #include and
 *     #includedir (and @include, @includedir), which give a row and are
 *     followed: a relative path is taken from the including file's
 *     directory; an includedir reads its regular files in name order,
 *     skipping names that contain '.' or end with '~' (sudoers(5));
 *     an include with no path is a comment;
 *   - nesting stops past 128 levels (sudoers(5)).
 *   Deliberate differences: a line starting with '#' and a user ID
 *   ("#1000 ALL=(ALL) ALL", '#' then a digit or "-" and a digit) is a rule
 *   for sudo, so it is a row here (osquery drops it as a comment); a file
 *   that includes itself, directly or through others, is not read again
 *   (osquery re-reads it down to the nesting limit), the include row
 *   itself is kept; the nesting level is the include depth (osquery
 *   counts every include of a file as one level deeper, so a directory
 *   of 128 files stops it); at most SUDOERS_MAX_FILES files are read per
 *   scan, so includes cannot fan out without bound.
 *
 * last and logged_in_users (osquery tables/system/posix/last.cpp and
 * logged_in_users.cpp, which call getutxent): glibc's struct utmp records
 * of 384 bytes (x86-64 and aarch64 layout, little-endian), read in file
 * order; a partial record at the end is ignored, as glibc ignores it.
 *   - last: the records of /var/log/wtmp of type USER_PROCESS (7) and
 *     DEAD_PROCESS (8): username, tty, pid, type, type_name
 *     ("user-process" / "dead-process"), time (ut_tv.tv_sec), host;
 *   - logged_in_users: every record of /var/run/utmp whose pid is not 1,
 *     type named as osquery names it (empty, runlevel, boot_time,
 *     new_time, old_time, init, login, user, dead, accounting; else
 *     "unknown");
 *   - text fields end at their first NUL or at the field's size (osquery
 *     reads past a 32-byte ut_user with no NUL into the next field).
 *   The files are streamed (wtmp grows for years and its newest records
 *   are at its end), opened with rootfs_open_file so a symlinked wtmp in
 *   a mounted image resolves inside the image. At most UTMP_MAX_RECORDS
 *   records are read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* /etc/shadow: the bound users.c puts on /etc/passwd */
#define SHADOW_FILE_MAX ((size_t)32 << 20)
#define SHADOW_LINE_MAX ((size_t)1 << 20)
/* one sudoers file */
#define SUDOERS_FILE_MAX ((size_t)4 << 20)
/* sudoers(5): "No more than 128 files may be nested" */
#define SUDOERS_MAX_NEST 128
#define SUDOERS_MAX_FILES 1024
#define SUDOERS_DIR_ENTRIES_MAX ((size_t)65536)
/* glibc's struct utmp on 64-bit Linux */
#define UTMP_RECORD_SIZE 384
#define UTMP_MAX_RECORDS ((size_t)4 << 20)
/* records per read() */
#define UTMP_CHUNK_RECORDS 170

/* ------------------------------------------------------------------ */
/* shadow */

enum {
	SH_PASSWORD_STATUS,
	SH_HASH_ALG,
	SH_LAST_CHANGE,
	SH_MIN,
	SH_MAX,
	SH_WARNING,
	SH_INACTIVE,
	SH_EXPIRE,
	SH_FLAG,
	SH_USERNAME,
};

static const struct column_spec shadow_cols[] = {
    [SH_PASSWORD_STATUS] = {"password_status", COL_TEXT, 0, .help = "Password status"},
    [SH_HASH_ALG] = {"hash_alg", COL_TEXT, 0, .help = "Password hashing algorithm"},
    [SH_LAST_CHANGE] = {"last_change", COL_BIGINT, 0,
                        .help = "Date of last password change (starting from UNIX epoch "
                                "date)"},
    [SH_MIN] = {"min", COL_BIGINT, 0, .help = "Minimal number of days between password changes"},
    [SH_MAX] = {"max", COL_BIGINT, 0, .help = "Maximum number of days between password changes"},
    [SH_WARNING] = {"warning", COL_BIGINT, 0,
                    .help = "Number of days before password expires to warn user about "
                            "it"},
    [SH_INACTIVE] = {"inactive", COL_BIGINT, 0,
                     .help = "Number of days after password expires until account is "
                             "blocked"},
    [SH_EXPIRE] = {"expire", COL_BIGINT, 0,
                   .help = "Number of days since UNIX epoch date until account is "
                           "disabled"},
    [SH_FLAG] = {"flag", COL_BIGINT, 0, .help = "Reserved"},
    [SH_USERNAME] = {"username", COL_TEXT, COLF_INDEX | COLF_OPTIMIZED, .help = "Username"},
};

/* One /etc/shadow entry; name and password point into the line. */
struct sp_entry {
	const char *name, *pwd;
	int64_t num[6]; /* lastchg, min, max, warn, inactive, expire */
	bool has_flag;
	uint64_t flag;
};

/* glibc's STRING_FIELD: up to ':' (consumed) or the end. */
static char *string_field(char **line)
{
	char *start = *line, *c = strchr(start, ':');

	if (c) {
		*c = '\0';
		*line = c + 1;
	} else {
		*line = start + strlen(start);
	}
	return start;
}

/*
 * glibc's INT_FIELD_MAYBE_NULL with strtou32: the field must not be at
 * the end of the line; empty is "no value"; a value must fit in 32 bits
 * and end at ':' (consumed) or, when colon is false, at the end.
 * Returns -EINVAL when the line is refused.
 */
static int int_field(char **line, bool colon, bool *ret_set, uint32_t *ret)
{
	char *start = *line, *endp;
	unsigned long v;

	if (*start == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoul(start, &endp, 10);
	if (endp != start && (errno == ERANGE || v > UINT32_MAX))
		return -EINVAL;
	*ret_set = endp != start;
	*ret = (uint32_t)v;
	if (colon && *endp == ':')
		endp++;
	else if (*endp != '\0')
		return -EINVAL;
	*line = endp;
	return 0;
}

/* A long field: glibc stores (long)(int) of the value, -1 when empty. */
static int long_field(char **line, int64_t *ret)
{
	uint32_t v;
	bool set;

	if (int_field(line, true, &set, &v) < 0)
		return -EINVAL;
	*ret = set ? (int64_t)(int32_t)v : -1;
	return 0;
}

/* Parses one line (NUL-terminated, modified in place). */
static int parse_shadow_line(char *line, struct sp_entry *ret)
{
	struct sp_entry e = {.num = {-1, -1, -1, -1, -1, -1}};

	e.name = string_field(&line);
	/* NIS compat markers, and an empty name: not accounts */
	if (e.name[0] == '\0' || e.name[0] == '+' || e.name[0] == '-')
		return -EINVAL;
	e.pwd = string_field(&line);
	for (int i = 0; i < 3; i++)
		if (long_field(&line, &e.num[i]) < 0)
			return -EINVAL;
	while (*line == ' ' || (*line >= '\t' && *line <= '\r'))
		line++;
	if (*line != '\0') {
		for (int i = 3; i < 6; i++)
			if (long_field(&line, &e.num[i]) < 0)
				return -EINVAL;
		if (*line != '\0') {
			uint32_t v;
			bool set;

			if (int_field(&line, false, &set, &v) < 0)
				return -EINVAL;
			e.has_flag = set;
			e.flag = v;
		}
	}
	*ret = e;
	return 0;
}

/* Next shadow entry of the file; *scratch holds the line. */
static int next_shadow_entry(struct span *file, struct strbuf *scratch, struct sp_entry *ret)
{
	struct span line;

	while (span_line(file, &line) == 0) {
		if (span_len(&line) > SHADOW_LINE_MAX || memchr(line.p, '\0', span_len(&line)))
			continue;
		while (!span_empty(&line) &&
		       (*line.p == ' ' || (*line.p >= '\t' && *line.p <= '\r')))
			line.p++;
		if (span_empty(&line) || *line.p == '#')
			continue;
		strbuf_reset(scratch);
		strbuf_add(scratch, line.p, span_len(&line));
		if (parse_shadow_line(scratch->buf, ret) == 0)
			return 0;
	}
	return -ENOENT;
}

/* osquery's regex ^\$(\w+)\$ */
static size_t hash_alg_len(const char *pwd)
{
	size_t n = 0;

	if (pwd[0] != '$')
		return 0;
	while (pwd[1 + n] == '_' || (pwd[1 + n] >= '0' && pwd[1 + n] <= '9') ||
	       (pwd[1 + n] >= 'a' && pwd[1 + n] <= 'z') || (pwd[1 + n] >= 'A' && pwd[1 + n] <= 'Z'))
		n++;
	return n > 0 && pwd[1 + n] == '$' ? n : 0;
}

static const char *password_status(const char *pwd)
{
	if (strcmp(pwd, "!!") == 0)
		return "not_set";
	if (pwd[0] == '!' || pwd[0] == '*' || pwd[0] == 'x')
		return "locked";
	if (pwd[0] == '\0')
		return "empty";
	return "active";
}

static int emit_shadow(struct query_ctx *q, const struct sp_entry *e)
{
	size_t alg = hash_alg_len(e->pwd);

	row_begin(q);
	row_textz(q, SH_PASSWORD_STATUS, password_status(e->pwd));
	if (alg)
		row_text(q, SH_HASH_ALG, e->pwd + 1, alg);
	for (int i = 0; i < 6; i++)
		row_int(q, SH_LAST_CHANGE + i, e->num[i]);
	if (e->has_flag)
		row_int(q, SH_FLAG, (int64_t)e->flag);
	row_textz(q, SH_USERNAME, e->name);
	return row_end(q);
}

static int gen_shadow(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT, scratch = STRBUF_INIT;
	size_t nnames = qctx_eq_count(q, SH_USERNAME);
	struct sp_entry e;
	struct span file;
	bool truncated = false;
	int r;

	r = rootfs_read(qctx_rootfs(q), "/etc/shadow", &sb, SHADOW_FILE_MAX, &truncated);
	if (r < 0)
		goto out;
	if (truncated) {
		r = -SPOOR_ETOOBIG;
		goto out;
	}
	if (nnames == 0) {
		file = span_make(sb.buf, sb.len);
		while (r == 0 && next_shadow_entry(&file, &scratch, &e) == 0)
			r = emit_shadow(q, &e);
		goto out;
	}
	/* getspnam: the first entry of each name asked for */
	for (size_t i = 0; i < nnames && r == 0; i++) {
		size_t len;
		const char *name = qctx_eq_text(q, SH_USERNAME, i, &len);

		if (!name)
			continue;
		file = span_make(sb.buf, sb.len);
		while (next_shadow_entry(&file, &scratch, &e) == 0) {
			if (strlen(e.name) == len && memcmp(e.name, name, len) == 0) {
				r = emit_shadow(q, &e);
				break;
			}
		}
	}
out:
	strbuf_release(&scratch);
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec shadow_spec = {
    .name = "shadow",
    .description = "Local system users encrypted passwords and related information. Please "
                   "note, that you usually need superuser rights to access `/etc/shadow`.",
    .source = "/etc/shadow (glibc files backend rules)",
    TABLE_COLUMNS(shadow_cols),
    .generate = gen_shadow,
};

/* ------------------------------------------------------------------ */
/* sudoers */

enum {
	SUDO_SOURCE,
	SUDO_HEADER,
	SUDO_RULE_DETAILS,
};

static const struct column_spec sudoers_cols[] = {
    [SUDO_SOURCE] = {"source", COL_TEXT, 0, .help = "Source file containing the given rule"},
    [SUDO_HEADER] = {"header", COL_TEXT, 0, .help = "Symbol for given rule"},
    [SUDO_RULE_DETAILS] = {"rule_details", COL_TEXT, 0, .help = "Rule definition"},
};

/* The files being read, outermost first, to refuse include loops. */
struct sudo_walk {
	struct query_ctx *q;
	struct {
		dev_t dev;
		ino_t ino;
	} stack[SUDOERS_MAX_NEST + 1];
	int depth;
	size_t nfiles;
};

/* A rule whose last line may still continue. */
struct sudo_rule {
	struct strbuf header, details;
	bool pending, continues;
};

static bool sudo_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v';
}

static void sudo_trim(struct span *sp)
{
	while (sp->p < sp->end && sudo_blank(*sp->p))
		sp->p++;
	while (sp->end > sp->p && sudo_blank(sp->end[-1]))
		sp->end--;
}

static int sudo_flush(struct query_ctx *q, const char *source, struct sudo_rule *rule)
{
	if (!rule->pending)
		return 0;
	rule->pending = false;
	row_begin(q);
	row_textz(q, SUDO_SOURCE, source);
	row_text(q, SUDO_HEADER, rule->header.buf, rule->header.len);
	row_text(q, SUDO_RULE_DETAILS, rule->details.buf, rule->details.len);
	return row_end(q);
}

/* '#' then a digit, or "-" and a digit: a user ID, not a comment. */
static bool is_uid_spec(const struct span *line)
{
	const char *p = line->p + 1;
	size_t left = span_len(line) - 1;

	if (left && *p == '-') {
		p++;
		left--;
	}
	return left && *p >= '0' && *p <= '9';
}

/* A path named by an include, relative to the including file's
 * directory. */
static void include_path(struct strbuf *out, const char *source, const struct span *target)
{
	strbuf_reset(out);
	if (*target->p != '/') {
		const char *slash = strrchr(source, '/');

		if (slash)
			strbuf_add(out, source, (size_t)(slash - source) + 1);
	}
	strbuf_add(out, target->p, span_len(target));
}

static int sudo_file(struct sudo_walk *w, const char *path, int level);

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int sudo_includedir(struct sudo_walk *w, const char *dir, int level)
{
	const struct rootfs *rfs = qctx_rootfs(w->q);
	struct strbuf path = STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (rootfs_opendir(rfs, dir, &d) < 0)
		return 0;
	while ((de = readdir(d)) != NULL && n < SUDOERS_DIR_ENTRIES_MAX) {
		size_t len = strlen(de->d_name);

		/* sudoers(5): names with a '.' or ending in '~' are skipped
		 * ("." and ".." among them) */
		if (strchr(de->d_name, '.') || de->d_name[len - 1] == '~')
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
		size_t len = strlen(dir);

		strbuf_reset(&path);
		strbuf_addstr(&path, dir);
		if (len == 0 || dir[len - 1] != '/')
			strbuf_addch(&path, '/');
		strbuf_addstr(&path, names[i]);
		r = sudo_file(w, path.buf, level);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	strbuf_release(&path);
	return r;
}

static int sudo_lines(struct sudo_walk *w, const char *source, struct span file, int level)
{
	struct sudo_rule rule = {.header = STRBUF_INIT, .details = STRBUF_INIT};
	struct strbuf target = STRBUF_INIT;
	struct span line;
	int r = 0;

	while (r == 0 && span_line(&file, &line) == 0) {
		struct span header, details;
		bool inc, incdir;

		span_trim(&line);
		sudo_trim(&line);
		if (span_empty(&line))
			continue;
		if (rule.continues) {
			/* drop the backslash, append this line as it is */
			struct strbuf *last = rule.details.len ? &rule.details : &rule.header;

			strbuf_setlen(last, last->len - 1);
			strbuf_add(&rule.details, line.p, span_len(&line));
			rule.continues = line.end[-1] == '\\';
			continue;
		}
		r = sudo_flush(w->q, source, &rule);
		if (r < 0)
			break;
		header = line;
		header.end = header.p;
		while (header.end < line.end && !sudo_blank(*header.end))
			header.end++;
		details = span_make(header.end, (size_t)(line.end - header.end));
		sudo_trim(&details);
		inc = span_eq(&header, "#include") || span_eq(&header, "@include");
		incdir = span_eq(&header, "#includedir") || span_eq(&header, "@includedir");
		if (*line.p == '#' && !inc && !incdir && !is_uid_spec(&line))
			continue;
		if ((inc || incdir) && span_empty(&details))
			continue;
		strbuf_reset(&rule.header);
		strbuf_add(&rule.header, header.p, span_len(&header));
		strbuf_reset(&rule.details);
		strbuf_add(&rule.details, details.p, span_len(&details));
		rule.pending = true;
		rule.continues = !inc && !incdir && line.end[-1] == '\\';
		if (!inc && !incdir)
			continue;
		/* the include's own row comes before the included rules */
		r = sudo_flush(w->q, source, &rule);
		if (r < 0)
			break;
		include_path(&target, source, &details);
		r = incdir ? sudo_includedir(w, target.buf, level + 1)
		           : sudo_file(w, target.buf, level + 1);
	}
	if (r == 0)
		r = sudo_flush(w->q, source, &rule);
	strbuf_release(&target);
	strbuf_release(&rule.details);
	strbuf_release(&rule.header);
	return r;
}

static int sudo_file(struct sudo_walk *w, const char *path, int level)
{
	const struct rootfs *rfs = qctx_rootfs(w->q);
	struct strbuf content = STRBUF_INIT;
	struct stat st;
	bool truncated = false;
	int r;

	if (level > SUDOERS_MAX_NEST || w->nfiles >= SUDOERS_MAX_FILES)
		return 0;
	/* regular files only (a FIFO would hang the read) */
	if (rootfs_stat(rfs, path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	for (int i = 0; i < w->depth; i++)
		if (w->stack[i].dev == st.st_dev && w->stack[i].ino == st.st_ino)
			return 0; /* an include loop */
	r = rootfs_read(rfs, path, &content, SUDOERS_FILE_MAX, &truncated);
	if (r < 0) {
		/* unreadable or not a file: no rules, as osquery */
		r = 0;
		goto out;
	}
	if (truncated) {
		r = -SPOOR_ETOOBIG;
		goto out;
	}
	w->nfiles++;
	w->stack[w->depth].dev = st.st_dev;
	w->stack[w->depth].ino = st.st_ino;
	w->depth++;
	r = sudo_lines(w, path, span_make(content.buf, content.len), level);
	w->depth--;
out:
	strbuf_release(&content);
	return r;
}

static int gen_sudoers(struct query_ctx *q)
{
	struct sudo_walk *w = xcalloc(1, sizeof(*w));
	int r;

	w->q = q;
	r = sudo_file(w, "/etc/sudoers", 1);
	free(w);
	return r;
}

const struct table_spec sudoers_spec = {
    .name = "sudoers",
    .description = "Rules for running commands as other users via sudo.",
    .source = "/etc/sudoers and the files it includes (#include, #includedir, @include, "
              "@includedir)",
    TABLE_COLUMNS(sudoers_cols),
    .generate = gen_sudoers,
};

/* ------------------------------------------------------------------ */
/* utmp records: last, logged_in_users */

enum utmp_type {
	UT_EMPTY = 0,
	UT_RUN_LVL = 1,
	UT_BOOT_TIME = 2,
	UT_NEW_TIME = 3,
	UT_OLD_TIME = 4,
	UT_INIT_PROCESS = 5,
	UT_LOGIN_PROCESS = 6,
	UT_USER_PROCESS = 7,
	UT_DEAD_PROCESS = 8,
	UT_ACCOUNTING = 9,
};

/* struct utmp field offsets and sizes (glibc, 64-bit Linux) */
#define UT_OFF_TYPE 0
#define UT_OFF_PID 4
#define UT_OFF_LINE 8
#define UT_LINE_SIZE 32
#define UT_OFF_USER 44
#define UT_USER_SIZE 32
#define UT_OFF_HOST 76
#define UT_HOST_SIZE 256
#define UT_OFF_TV_SEC 340

struct utmp_rec {
	int type;
	int32_t pid;
	const char *line, *user, *host;
	size_t line_len, user_len, host_len;
	int32_t sec;
};

static int32_t le32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	                 (uint32_t)p[3] << 24);
}

static void utmp_decode(const unsigned char *p, struct utmp_rec *ret)
{
	ret->type = (int16_t)(uint16_t)(p[UT_OFF_TYPE] | p[UT_OFF_TYPE + 1] << 8);
	ret->pid = le32(p + UT_OFF_PID);
	ret->line = (const char *)p + UT_OFF_LINE;
	ret->line_len = strnlen(ret->line, UT_LINE_SIZE);
	ret->user = (const char *)p + UT_OFF_USER;
	ret->user_len = strnlen(ret->user, UT_USER_SIZE);
	ret->host = (const char *)p + UT_OFF_HOST;
	ret->host_len = strnlen(ret->host, UT_HOST_SIZE);
	ret->sec = le32(p + UT_OFF_TV_SEC);
}

static int utmp_records(struct query_ctx *q, const unsigned char *buf, size_t n,
                        int (*fn)(struct query_ctx *, const struct utmp_rec *))
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		struct utmp_rec rec;

		utmp_decode(buf + i * UTMP_RECORD_SIZE, &rec);
		r = fn(q, &rec);
	}
	return r;
}

/* Streams the records of path to fn. A missing file, or anything that is
 * not a regular file: no records. */
static int utmp_file(struct query_ctx *q, const char *path,
                     int (*fn)(struct query_ctx *, const struct utmp_rec *))
{
	unsigned char *buf = NULL;
	size_t have = 0, total = 0;
	struct stat st;
	int fd, r;

	r = rootfs_open_file(qctx_rootfs(q), path, &fd);
	if (r < 0)
		return r == -ENOENT || r == -ENOTDIR ? 0 : r;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	buf = xmalloc(UTMP_CHUNK_RECORDS * UTMP_RECORD_SIZE);
	while (total < UTMP_MAX_RECORDS) {
		ssize_t got = read(fd, buf + have, UTMP_CHUNK_RECORDS * UTMP_RECORD_SIZE - have);
		size_t n;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = -errno;
			break;
		}
		if (got == 0)
			break; /* a partial last record is ignored */
		have += (size_t)got;
		n = have / UTMP_RECORD_SIZE;
		if (n > UTMP_MAX_RECORDS - total)
			n = UTMP_MAX_RECORDS - total;
		r = utmp_records(q, buf, n, fn);
		if (r < 0)
			break;
		total += n;
		memmove(buf, buf + n * UTMP_RECORD_SIZE, have - n * UTMP_RECORD_SIZE);
		have -= n * UTMP_RECORD_SIZE;
	}
	free(buf);
	close(fd);
	return r;
}

/* last */

enum {
	LAST_USERNAME,
	LAST_TTY,
	LAST_PID,
	LAST_TYPE,
	LAST_TYPE_NAME,
	LAST_TIME,
	LAST_HOST,
};

static const struct column_spec last_cols[] = {
    [LAST_USERNAME] = {"username", COL_TEXT, 0, .help = "Entry username"},
    [LAST_TTY] = {"tty", COL_TEXT, 0, .help = "Entry terminal"},
    [LAST_PID] = {"pid", COL_INTEGER, 0, .help = "Process (or thread) ID"},
    [LAST_TYPE] = {"type", COL_INTEGER, 0,
                   .help = "Entry type, according to ut_type types (utmp.h)"},
    [LAST_TYPE_NAME] = {"type_name", COL_TEXT, 0,
                        .help = "Entry type name, according to ut_type types (utmp.h)"},
    [LAST_TIME] = {"time", COL_INTEGER, 0, .help = "Entry timestamp"},
    [LAST_HOST] = {"host", COL_TEXT, 0, .help = "Entry hostname"},
};

static int last_record(struct query_ctx *q, const struct utmp_rec *rec)
{
	if (rec->type != UT_USER_PROCESS && rec->type != UT_DEAD_PROCESS)
		return 0;
	row_begin(q);
	row_text(q, LAST_USERNAME, rec->user, rec->user_len);
	row_text(q, LAST_TTY, rec->line, rec->line_len);
	row_int(q, LAST_PID, rec->pid);
	row_int(q, LAST_TYPE, rec->type);
	row_textz(q, LAST_TYPE_NAME,
	          rec->type == UT_USER_PROCESS ? "user-process" : "dead-process");
	row_int(q, LAST_TIME, rec->sec);
	row_text(q, LAST_HOST, rec->host, rec->host_len);
	return row_end(q);
}

static int gen_last(struct query_ctx *q)
{
	return utmp_file(q, "/var/log/wtmp", last_record);
}

const struct table_spec last_spec = {
    .name = "last",
    .description = "System logins and logouts.",
    .source = "/var/log/wtmp (struct utmp records)",
    TABLE_COLUMNS(last_cols),
    .attributes = TABLE_CACHEABLE,
    .generate = gen_last,
};

/* logged_in_users */

enum {
	LIU_TYPE,
	LIU_USER,
	LIU_TTY,
	LIU_HOST,
	LIU_TIME,
	LIU_PID,
	LIU_SID,
	LIU_REGISTRY_HIVE,
};

static const struct column_spec logged_in_users_cols[] = {
    [LIU_TYPE] = {"type", COL_TEXT, 0, .help = "Login type"},
    [LIU_USER] = {"user", COL_TEXT, 0, .help = "User login name"},
    [LIU_TTY] = {"tty", COL_TEXT, 0, .help = "Device name"},
    [LIU_HOST] = {"host", COL_TEXT, 0, .help = "Remote hostname"},
    [LIU_TIME] = {"time", COL_BIGINT, 0, .help = "Time entry was made"},
    [LIU_PID] = {"pid", COL_INTEGER, 0, .help = "Process (or thread) ID"},
    [LIU_SID] = {"sid", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
                 .help = "The user's unique security identifier"},
    [LIU_REGISTRY_HIVE] = {"registry_hive", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
                           .help = "HKEY_USERS registry hive"},
};

static const char *login_type_name(int type)
{
	static const char *const names[] = {
	    [UT_EMPTY] = "empty",         [UT_RUN_LVL] = "runlevel",
	    [UT_BOOT_TIME] = "boot_time", [UT_NEW_TIME] = "new_time",
	    [UT_OLD_TIME] = "old_time",   [UT_INIT_PROCESS] = "init",
	    [UT_LOGIN_PROCESS] = "login", [UT_USER_PROCESS] = "user",
	    [UT_DEAD_PROCESS] = "dead",   [UT_ACCOUNTING] = "accounting",
	};

	return type >= 0 && (size_t)type < ARRAY_SIZE(names) ? names[type] : "unknown";
}

static int login_record(struct query_ctx *q, const struct utmp_rec *rec)
{
	if (rec->pid == 1)
		return 0;
	row_begin(q);
	row_textz(q, LIU_TYPE, login_type_name(rec->type));
	row_text(q, LIU_USER, rec->user, rec->user_len);
	row_text(q, LIU_TTY, rec->line, rec->line_len);
	row_text(q, LIU_HOST, rec->host, rec->host_len);
	row_int(q, LIU_TIME, rec->sec);
	row_int(q, LIU_PID, rec->pid);
	return row_end(q);
}

static int gen_logged_in_users(struct query_ctx *q)
{
	return utmp_file(q, "/var/run/utmp", login_record);
}

const struct table_spec logged_in_users_spec = {
    .name = "logged_in_users",
    .description = "Users with an active shell on the system.",
    .source = "/var/run/utmp (struct utmp records)",
    TABLE_COLUMNS(logged_in_users_cols),
    .attributes = TABLE_CACHEABLE,
    .generate = gen_logged_in_users,
};
