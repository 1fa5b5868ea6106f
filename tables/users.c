/*
 * users.c - local accounts and groups: users, groups, user_groups.
 *
 *   SELECT uid, username, shell FROM users WHERE uid = 0;
 *   SELECT * FROM users WHERE username = 'root';
 *   SELECT g.groupname FROM user_groups ug JOIN groups g USING (gid)
 *     WHERE ug.uid = 1000;
 *
 * Data sources, through the rootfs layer so a captured tree or a mounted
 * image answers like the live host: /etc/passwd and /etc/group, read the
 * way glibc's files backend reads them (osquery's users table reads
 * /etc/passwd with fgetpwent_r; its groups and user_groups tables go
 * through NSS, whose "files" source is the same parser):
 *   - leading whitespace is skipped; empty lines and lines starting with
 *     '#' are not entries;
 *   - passwd is name:passwd:uid:gid:gecos:dir:shell, the shell being the
 *     rest of the line; group is name:passwd:gid:members, members split
 *     at ',' with leading whitespace dropped and empty names skipped;
 *   - a line is skipped (and the next one read) when it has too few
 *     fields, an empty name, a name starting with '+' or '-' (NIS compat
 *     markers, not accounts), an id that is not all decimal digits or
 *     does not fit in 32 bits, a NUL byte, or more than ACCOUNT_LINE_MAX
 *     bytes. glibc is laxer about ids (strtoul accepts blanks and signs)
 *     and osquery stops the whole scan at an over-long line; skipping
 *     only the bad line is the safer reading of a hostile file.
 *
 * Semantics are osquery's (tables/system/linux/users.cpp, groups.cpp,
 * user_groups.cpp):
 *   - users: uid_signed/gid_signed are the ids read as signed 32-bit;
 *     description is the GECOS field; uuid is '' on Linux. An = / IN on
 *     username (or else on uid) selects the accounts to emit; duplicates
 *     in the file are all listed, as fgetpwent_r lists them.
 *     include_remote = 1 on the live host asks NSS instead of the file
 *     (getpwuid_r / getpwnam_r / getpwent_r), which adds LDAP, SSSD or
 *     systemd accounts; on any other root there is no NSS to ask, so the
 *     file answers and the rows carry include_remote = 1.
 *   - groups: one row per gid, the first line naming it wins (osquery
 *     dedupes getgrent by gid).
 *   - user_groups: for every user (the first passwd line per uid), the
 *     list getgrouplist() gives: the primary gid first, then each group
 *     listing the user as a member, in file order, without repeats.
 *   - pid_with_namespace is 0, as osquery reports for the host. osquery
 *     answers pid_with_namespace = N by reading inside process N's mount
 *     namespace; spoor does not, so such a query returns no rows.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* Whole-file bound: 100,000 accounts synced from a directory make about
 * 10 MiB; a larger file is refused with SPOOR_ETOOBIG, not half-read. */
#define ACCOUNT_FILE_MAX ((size_t)32 << 20)
/* Longest entry: the 16 KiB buffer osquery hands fgetpwent_r. */
#define ACCOUNT_LINE_MAX ((size_t)16384)
/* Buffer for the getpw*_r calls of include_remote = 1. */
#define NSS_BUF_SIZE ((size_t)65536)

/* ------------------------------------------------------------------ */
/* parsing /etc/passwd and /etc/group */

struct pw_entry {
	struct span name, gecos, dir, shell;
	uint32_t uid, gid;
};

struct gr_entry {
	struct span name, members;
	uint32_t gid;
};

/* Reads an account file; a missing file is -ENOENT, a file past the
 * bound -SPOOR_ETOOBIG. */
static int read_account_file(const struct rootfs *rfs, const char *path, struct strbuf *sb)
{
	bool truncated = false;
	int r;

	r = rootfs_read(rfs, path, sb, ACCOUNT_FILE_MAX, &truncated);
	if (r < 0)
		return r;
	return truncated ? -SPOOR_ETOOBIG : 0;
}

/* Next line that can hold an entry: not blank, not a comment, not too
 * long, no NUL byte. Leading whitespace is dropped. */
static int next_entry_line(struct span *file, struct span *ret_line)
{
	struct span line;

	while (span_line(file, &line) == 0) {
		if (span_len(&line) > ACCOUNT_LINE_MAX || memchr(line.p, '\0', span_len(&line)))
			continue;
		span_skip_space(&line);
		if (span_empty(&line) || *line.p == '#')
			continue;
		*ret_line = line;
		return 0;
	}
	return -ENOENT;
}

/* The next ':'-terminated field; -EINVAL when no ':' is left. */
static int colon_field(struct span *sp, struct span *ret)
{
	const char *c = memchr(sp->p, ':', span_len(sp));

	if (!c)
		return -EINVAL;
	*ret = span_make(sp->p, (size_t)(c - sp->p));
	sp->p = c + 1;
	return 0;
}

/* A uid/gid: decimal digits only, within 32 bits. */
static int parse_id(struct span field, uint32_t *ret)
{
	uint64_t v;

	if (span_uint64(&field, &v) < 0 || !span_empty(&field) || v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

static bool valid_name(const struct span *name)
{
	return !span_empty(name) && *name->p != '+' && *name->p != '-';
}

static int parse_passwd_line(struct span line, struct pw_entry *ret)
{
	struct span passwd, uid, gid;
	struct pw_entry e;

	if (colon_field(&line, &e.name) < 0 || colon_field(&line, &passwd) < 0 ||
	    colon_field(&line, &uid) < 0 || colon_field(&line, &gid) < 0 ||
	    colon_field(&line, &e.gecos) < 0 || colon_field(&line, &e.dir) < 0)
		return -EINVAL;
	e.shell = line;
	if (!valid_name(&e.name) || parse_id(uid, &e.uid) < 0 || parse_id(gid, &e.gid) < 0)
		return -EINVAL;
	*ret = e;
	return 0;
}

static int parse_group_line(struct span line, struct gr_entry *ret)
{
	struct span passwd, gid;
	struct gr_entry e;

	if (colon_field(&line, &e.name) < 0 || colon_field(&line, &passwd) < 0 ||
	    colon_field(&line, &gid) < 0)
		return -EINVAL;
	e.members = line;
	if (!valid_name(&e.name) || parse_id(gid, &e.gid) < 0)
		return -EINVAL;
	*ret = e;
	return 0;
}

/* Next member name of a group's member list. */
static int next_member(struct span *members, struct span *ret)
{
	struct span m;

	while (span_until(members, ',', &m) == 0) {
		span_skip_space(&m);
		if (!span_empty(&m)) {
			*ret = m;
			return 0;
		}
	}
	return -ENOENT;
}

static int64_t signed32(uint32_t v)
{
	return v > INT32_MAX ? (int64_t)v - ((int64_t)1 << 32) : (int64_t)v;
}

/*
 * Marks, for n keys, which is the first occurrence of its value
 * (ret_first[i]), in O(n log n) so a hostile file with 10^5 duplicate
 * ids stays cheap.
 */
struct keyed {
	uint64_t key;
	size_t pos;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void mark_first(const uint64_t *keys, size_t n, bool *ret_first)
{
	struct keyed *k;

	if (!n)
		return;
	k = xreallocarray(NULL, n, sizeof(*k));
	for (size_t i = 0; i < n; i++) {
		k[i].key = keys[i];
		k[i].pos = i;
		ret_first[i] = false;
	}
	qsort(k, n, sizeof(*k), cmp_keyed);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || k[i].key != k[i - 1].key)
			ret_first[k[i].pos] = true;
	free(k);
}

/* ------------------------------------------------------------------ */
/* users */

enum {
	USR_UID,
	USR_GID,
	USR_UID_SIGNED,
	USR_GID_SIGNED,
	USR_USERNAME,
	USR_DESCRIPTION,
	USR_DIRECTORY,
	USR_SHELL,
	USR_UUID,
	USR_TYPE,
	USR_IS_HIDDEN,
	USR_PID_WITH_NAMESPACE,
	USR_INCLUDE_REMOTE,
};

static const struct column_spec users_cols[] = {
	[USR_UID] = { "uid", COL_BIGINT, COLF_INDEX, .help = "User ID" },
	[USR_GID] = { "gid", COL_BIGINT, 0, .help = "Group ID (unsigned)" },
	[USR_UID_SIGNED] = { "uid_signed", COL_BIGINT, 0,
			     .help = "User ID as int64 signed (Apple)" },
	[USR_GID_SIGNED] = { "gid_signed", COL_BIGINT, 0,
			     .help = "Default group ID as int64 signed (Apple)" },
	[USR_USERNAME] = { "username", COL_TEXT, COLF_ADDITIONAL, .help = "Username" },
	[USR_DESCRIPTION] = { "description", COL_TEXT, 0, .help = "Optional user description" },
	[USR_DIRECTORY] = { "directory", COL_TEXT, 0, .help = "User's home directory" },
	[USR_SHELL] = { "shell", COL_TEXT, 0, .help = "User's configured default shell" },
	[USR_UUID] = { "uuid", COL_TEXT, COLF_INDEX, .collate = COLLATE_NOCASE,
		       .help = "User's UUID (Apple) or SID (Windows)" },
	[USR_TYPE] = { "type", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		       .help = "Whether the account is roaming (domain), local, or a system "
			       "profile" },
	[USR_IS_HIDDEN] = { "is_hidden", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
			    .help = "IsHidden attribute set in OpenDirectory" },
	[USR_PID_WITH_NAMESPACE] = { "pid_with_namespace", COL_INTEGER,
				     COLF_HIDDEN | COLF_ADDITIONAL,
				     .help = "Pids that contain a namespace" },
	[USR_INCLUDE_REMOTE] = { "include_remote", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
				 .help = "1 to include remote (LDAP/AD) accounts (default 0). "
					 "Warning: without any uid/username filtering it may "
					 "list whole LDAP directories" },
};

static int emit_user(struct query_ctx *q, const struct pw_entry *e, int include_remote)
{
	row_begin(q);
	row_int(q, USR_UID, e->uid);
	row_int(q, USR_GID, e->gid);
	row_int(q, USR_UID_SIGNED, signed32(e->uid));
	row_int(q, USR_GID_SIGNED, signed32(e->gid));
	row_text(q, USR_USERNAME, e->name.p, span_len(&e->name));
	row_text(q, USR_DESCRIPTION, e->gecos.p, span_len(&e->gecos));
	row_text(q, USR_DIRECTORY, e->dir.p, span_len(&e->dir));
	row_text(q, USR_SHELL, e->shell.p, span_len(&e->shell));
	row_textz(q, USR_UUID, "");
	row_int(q, USR_PID_WITH_NAMESPACE, 0);
	row_int(q, USR_INCLUDE_REMOTE, include_remote);
	return row_end(q);
}

/* osquery: include_remote "matches" 1 when any = / IN value is 1. */
static bool wants_remote(const struct query_ctx *q)
{
	for (size_t i = 0; i < qctx_eq_count(q, USR_INCLUDE_REMOTE); i++) {
		int64_t v;

		if (qctx_eq_int64(q, USR_INCLUDE_REMOTE, i, &v) == 0 && v == 1)
			return true;
	}
	return false;
}

static bool name_listed(const struct query_ctx *q, int col, const struct span *name)
{
	for (size_t i = 0; i < qctx_eq_count(q, col); i++) {
		size_t len;
		const char *t = qctx_eq_text(q, col, i, &len);

		if (t && len == span_len(name) && memcmp(t, name->p, len) == 0)
			return true;
	}
	return false;
}

/* Are all = / IN values on col integers? Only then is an id filter a
 * safe shortcut (the module re-checks every row anyway). */
static bool ids_usable(const struct query_ctx *q, int col)
{
	size_t n = qctx_eq_count(q, col);

	for (size_t i = 0; i < n; i++) {
		int64_t v;

		if (qctx_eq_int64(q, col, i, &v) < 0)
			return false;
	}
	return n > 0;
}

static bool id_listed(const struct query_ctx *q, int col, uint32_t id)
{
	for (size_t i = 0; i < qctx_eq_count(q, col); i++) {
		int64_t v;

		if (qctx_eq_int64(q, col, i, &v) == 0 && v == (int64_t)id)
			return true;
	}
	return false;
}

/* osquery selects by username when given, else by uid. */
static bool user_selected(const struct query_ctx *q, const struct pw_entry *e)
{
	if (qctx_has_eq(q, USR_USERNAME))
		return name_listed(q, USR_USERNAME, &e->name);
	if (ids_usable(q, USR_UID))
		return id_listed(q, USR_UID, e->uid);
	return true;
}

static int gen_users_files(struct query_ctx *q, int include_remote)
{
	struct strbuf sb = STRBUF_INIT;
	struct span file, line;
	int r;

	r = read_account_file(qctx_rootfs(q), "/etc/passwd", &sb);
	if (r < 0)
		goto out;
	file = span_make(sb.buf, sb.len);
	while (next_entry_line(&file, &line) == 0) {
		struct pw_entry e;

		if (parse_passwd_line(line, &e) < 0 || !user_selected(q, &e))
			continue;
		r = emit_user(q, &e, include_remote);
		if (r < 0)
			goto out;
	}
out:
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

static struct span opt_span(const char *s)
{
	return s ? span_cstr(s) : span_make(NULL, 0);
}

static int emit_passwd(struct query_ctx *q, const struct passwd *pw)
{
	struct pw_entry e = {
		.name = opt_span(pw->pw_name),
		.gecos = opt_span(pw->pw_gecos),
		.dir = opt_span(pw->pw_dir),
		.shell = opt_span(pw->pw_shell),
		.uid = pw->pw_uid,
		.gid = pw->pw_gid,
	};

	return emit_user(q, &e, 1);
}

/* include_remote = 1 on the live host: every NSS source, as osquery's
 * genUsersImplIncludeRemote (uid first, then username, else the whole
 * enumeration). */
static int gen_users_nss(struct query_ctx *q)
{
	char *buf = xmalloc(NSS_BUF_SIZE);
	struct passwd pw, *res;
	int r = 0;

	if (ids_usable(q, USR_UID)) {
		for (size_t i = 0; i < qctx_eq_count(q, USR_UID) && r == 0; i++) {
			int64_t v;

			if (qctx_eq_int64(q, USR_UID, i, &v) < 0 || v < 0 || v > UINT32_MAX)
				continue;
			if (getpwuid_r((uid_t)v, &pw, buf, NSS_BUF_SIZE, &res) == 0 && res)
				r = emit_passwd(q, res);
		}
	} else if (qctx_has_eq(q, USR_USERNAME)) {
		for (size_t i = 0; i < qctx_eq_count(q, USR_USERNAME) && r == 0; i++) {
			const char *name = qctx_eq_text(q, USR_USERNAME, i, NULL);

			if (name && getpwnam_r(name, &pw, buf, NSS_BUF_SIZE, &res) == 0 && res)
				r = emit_passwd(q, res);
		}
	} else {
		setpwent();
		while (r == 0 && getpwent_r(&pw, buf, NSS_BUF_SIZE, &res) == 0 && res)
			r = emit_passwd(q, res);
		endpwent();
	}
	free(buf);
	return r;
}

static int gen_users(struct query_ctx *q)
{
	bool remote = wants_remote(q);

	if (remote && rootfs_is_live(qctx_rootfs(q)))
		return gen_users_nss(q);
	return gen_users_files(q, remote ? 1 : 0);
}

const struct table_spec users_spec = {
	.name = "users",
	.description = "Local user accounts (including domain accounts that have logged on "
		       "locally (Windows)).",
	.source = "/etc/passwd (NSS on the live host when include_remote = 1)",
	TABLE_COLUMNS(users_cols),
	.generate = gen_users,
};

/* ------------------------------------------------------------------ */
/* groups */

enum {
	GRP_GID,
	GRP_GID_SIGNED,
	GRP_GROUPNAME,
	GRP_GROUP_SID,
	GRP_COMMENT,
	GRP_IS_HIDDEN,
	GRP_PID_WITH_NAMESPACE,
};

static const struct column_spec groups_cols[] = {
	[GRP_GID] = { "gid", COL_BIGINT, COLF_INDEX, .help = "Unsigned int64 group ID" },
	[GRP_GID_SIGNED] = { "gid_signed", COL_BIGINT, 0, .help = "A signed int64 version of gid" },
	[GRP_GROUPNAME] = { "groupname", COL_TEXT, 0, .help = "Canonical local group name" },
	[GRP_GROUP_SID] = { "group_sid", COL_TEXT, COLF_INDEX | COLF_HIDDEN | COLF_OTHER_OS,
			    .help = "Unique group ID" },
	[GRP_COMMENT] = { "comment", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
			  .help = "Remarks or comments associated with the group" },
	[GRP_IS_HIDDEN] = { "is_hidden", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
			    .help = "IsHidden attribute set in OpenDirectory" },
	[GRP_PID_WITH_NAMESPACE] = { "pid_with_namespace", COL_INTEGER,
				     COLF_HIDDEN | COLF_ADDITIONAL,
				     .help = "Pids that contain a namespace" },
};

/* Every parsable entry of /etc/group, in file order. */
struct group_list {
	struct strbuf file;
	struct gr_entry *v;
	size_t n, alloc;
};

static void group_list_release(struct group_list *gl)
{
	strbuf_release(&gl->file);
	free(gl->v);
	gl->v = NULL;
	gl->n = gl->alloc = 0;
}

static int group_list_load(const struct rootfs *rfs, struct group_list *gl)
{
	struct span file, line;
	int r;

	strbuf_init(&gl->file, 0);
	gl->v = NULL;
	gl->n = gl->alloc = 0;
	r = read_account_file(rfs, "/etc/group", &gl->file);
	if (r < 0)
		return r;
	file = span_make(gl->file.buf, gl->file.len);
	while (next_entry_line(&file, &line) == 0) {
		struct gr_entry e;

		if (parse_group_line(line, &e) < 0)
			continue;
		if (gl->n == gl->alloc) {
			gl->alloc = gl->alloc ? gl->alloc * 2 : 64;
			gl->v = xreallocarray(gl->v, gl->alloc, sizeof(*gl->v));
		}
		gl->v[gl->n++] = e;
	}
	return 0;
}

static int gen_groups(struct query_ctx *q)
{
	struct group_list gl;
	uint64_t *keys = NULL;
	bool *first = NULL;
	bool by_gid = ids_usable(q, GRP_GID);
	int r;

	r = group_list_load(qctx_rootfs(q), &gl);
	if (r < 0)
		goto out;
	keys = xreallocarray(NULL, gl.n + 1, sizeof(*keys));
	first = xreallocarray(NULL, gl.n + 1, sizeof(*first));
	for (size_t i = 0; i < gl.n; i++)
		keys[i] = gl.v[i].gid;
	mark_first(keys, gl.n, first);
	for (size_t i = 0; i < gl.n; i++) {
		const struct gr_entry *e = &gl.v[i];

		if (!first[i] || (by_gid && !id_listed(q, GRP_GID, e->gid)))
			continue;
		row_begin(q);
		row_int(q, GRP_GID, e->gid);
		row_int(q, GRP_GID_SIGNED, signed32(e->gid));
		row_text(q, GRP_GROUPNAME, e->name.p, span_len(&e->name));
		row_int(q, GRP_PID_WITH_NAMESPACE, 0);
		r = row_end(q);
		if (r < 0)
			goto out;
	}
out:
	free(keys);
	free(first);
	group_list_release(&gl);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec groups_spec = {
	.name = "groups",
	.description = "Local system groups.",
	.source = "/etc/group",
	TABLE_COLUMNS(groups_cols),
	.generate = gen_groups,
};

/* ------------------------------------------------------------------ */
/* user_groups */

enum {
	UG_UID,
	UG_GID,
};

static const struct column_spec user_groups_cols[] = {
	[UG_UID] = { "uid", COL_BIGINT, COLF_INDEX | COLF_OPTIMIZED, .help = "User ID" },
	[UG_GID] = { "gid", COL_BIGINT, COLF_INDEX, .help = "Group ID" },
};

/* One (member name, group) pair of /etc/group, for lookup by name. */
struct membership {
	struct span member;
	uint32_t gid;
	size_t seq; /* file order */
};

static int cmp_span(const struct span *a, const struct span *b)
{
	size_t la = span_len(a), lb = span_len(b);
	int c = memcmp(a->p, b->p, la < lb ? la : lb);

	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

static int cmp_membership(const void *a, const void *b)
{
	const struct membership *x = a, *y = b;
	int c = cmp_span(&x->member, &y->member);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Memberships sorted by member name, then file order. */
struct member_index {
	struct membership *v;
	size_t n, alloc;
};

static void member_index_build(const struct group_list *gl, struct member_index *mi)
{
	size_t seq = 0;

	mi->v = NULL;
	mi->n = mi->alloc = 0;
	for (size_t i = 0; i < gl->n; i++) {
		struct span members = gl->v[i].members, m;

		while (next_member(&members, &m) == 0) {
			if (mi->n == mi->alloc) {
				mi->alloc = mi->alloc ? mi->alloc * 2 : 64;
				mi->v = xreallocarray(mi->v, mi->alloc, sizeof(*mi->v));
			}
			mi->v[mi->n++] = (struct membership){ .member = m,
							      .gid = gl->v[i].gid,
							      .seq = seq++ };
		}
	}
	if (mi->n)
		qsort(mi->v, mi->n, sizeof(*mi->v), cmp_membership);
}

/* Index of the first membership of name, or mi->n. */
static size_t member_index_find(const struct member_index *mi, const struct span *name)
{
	size_t lo = 0, hi = mi->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_span(&mi->v[mid].member, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* getgrouplist(): primary gid, then the member groups in file order,
 * each gid once. gids and first are scratch buffers of 1 + mi->n
 * entries. */
static int emit_user_groups(struct query_ctx *q, const struct pw_entry *u,
			    const struct member_index *mi, uint64_t *gids, bool *first)
{
	size_t n = 0;
	int r = 0;

	gids[n++] = u->gid;
	for (size_t i = member_index_find(mi, &u->name);
	     i < mi->n && cmp_span(&mi->v[i].member, &u->name) == 0; i++)
		gids[n++] = mi->v[i].gid;
	mark_first(gids, n, first);
	for (size_t i = 0; i < n && r == 0; i++) {
		if (!first[i])
			continue;
		row_begin(q);
		row_int(q, UG_UID, u->uid);
		row_int(q, UG_GID, (int64_t)gids[i]);
		r = row_end(q);
	}
	return r;
}

static int gen_user_groups(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf pw = STRBUF_INIT;
	struct group_list gl = { .file = STRBUF_INIT };
	struct member_index mi = { 0 };
	struct pw_entry *users = NULL;
	uint64_t *keys = NULL, *scratch = NULL;
	bool *first = NULL, *scratch_first = NULL;
	size_t nusers = 0, alloc = 0;
	bool by_uid = ids_usable(q, UG_UID);
	struct span file, line;
	int r;

	r = read_account_file(rfs, "/etc/passwd", &pw);
	if (r < 0)
		goto out;
	/* no /etc/group: every user still has its primary group */
	r = group_list_load(rfs, &gl);
	if (r < 0 && r != -ENOENT)
		goto out;
	member_index_build(&gl, &mi);

	file = span_make(pw.buf, pw.len);
	while (next_entry_line(&file, &line) == 0) {
		struct pw_entry e;

		if (parse_passwd_line(line, &e) < 0 || (by_uid && !id_listed(q, UG_UID, e.uid)))
			continue;
		if (nusers == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			users = xreallocarray(users, alloc, sizeof(*users));
		}
		users[nusers++] = e;
	}

	/* the first passwd line per uid, as osquery's users_in set */
	keys = xreallocarray(NULL, nusers + 1, sizeof(*keys));
	first = xreallocarray(NULL, nusers + 1, sizeof(*first));
	for (size_t i = 0; i < nusers; i++)
		keys[i] = users[i].uid;
	mark_first(keys, nusers, first);
	scratch = xreallocarray(NULL, mi.n + 1, sizeof(*scratch));
	scratch_first = xreallocarray(NULL, mi.n + 1, sizeof(*scratch_first));
	r = 0;
	for (size_t i = 0; i < nusers && r == 0; i++)
		if (first[i])
			r = emit_user_groups(q, &users[i], &mi, scratch, scratch_first);
out:
	free(scratch);
	free(scratch_first);
	free(keys);
	free(first);
	free(users);
	free(mi.v);
	group_list_release(&gl);
	strbuf_release(&pw);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec user_groups_spec = {
	.name = "user_groups",
	.description = "Local system user group relationships.",
	.source = "/etc/passwd and /etc/group (primary gid, then memberships)",
	TABLE_COLUMNS(user_groups_cols),
	.generate = gen_user_groups,
};
