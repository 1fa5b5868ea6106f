/*
 * deb.c - the Debian package database: deb_packages, deb_package_files,
 * apt_sources.
 *
 *   SELECT name, version, arch FROM deb_packages WHERE name LIKE 'openssl%';
 *   SELECT * FROM deb_packages WHERE admindir = '/srv/chroot/var/lib/dpkg';
 *   SELECT path FROM deb_package_files WHERE package = 'openssh-server';
 *   SELECT name, base_uri, release FROM apt_sources;
 *
 * Data sources, all through the rootfs layer (a mounted image or a
 * container root answers like the live host):
 *   - <admindir>/status, then the journal <admindir>/updates/<digits> in
 *     name order, as libdpkg's modstatdb_open() loads them (a journal
 *     stanza replaces the package's earlier record). admindir is
 *     /var/lib/dpkg unless the query says `admindir = '...'` (or IN):
 *     osquery opens that directory as the dpkg database, and so does
 *     spoor, under the rootfs.
 *   - <admindir>/info/<package>.list for deb_package_files.
 *   - /etc/apt/sources.list, /etc/apt/sources.list.d/ *.list and
 *     *.sources (deb822), and the Release files apt caches in
 *     /var/lib/apt/lists/.
 *
 * Semantics are osquery's (tables/system/linux/deb_packages.cpp,
 * utils/linux/dpkg/dpkgquery.cpp, deb_package_files.cpp,
 * apt_sources.cpp):
 *   - deb_packages lists every package whose status is not
 *     "not-installed" (so "deinstall ok config-files" is listed), sorted
 *     as pkg_sorter_by_nonambig_name_arch sorts: by name, then a
 *     package needing its arch to be unambiguous (Multi-Arch: same, or a
 *     foreign arch) after one that does not, then by arch. The native
 *     arch is the one of the "dpkg" package in the same database.
 *     version is versiondescribe(vdew_nonambig): "[epoch:]upstream
 *     [-revision]", the epoch shown only when non-zero ("0:1.2" is
 *     "1.2"), and "<none>" when the record has no Version; revision is
 *     what follows the last '-' ('' when none). status is
 *     "want eflag status" with dpkg's canonical names; priority is
 *     dpkg's canonical name, "unknown" when the field is absent, the
 *     value itself when dpkg does not know it. size is Installed-Size
 *     (KiB, as dpkg records it; NULL when absent or not a number, as
 *     osquery's BIGINT cast gives). source, maintainer, section are the
 *     fields as recorded ('' when absent). pid_with_namespace is 0;
 *     mount_namespace_id is NULL.
 *   - Control-file parsing follows dpkg: field names compare without
 *     case, values are trimmed, continuation lines (starting with a
 *     blank) belong to the previous field, the last duplicate of a
 *     field wins, and of two records for the same name and arch the
 *     later one wins. Where dpkg aborts the whole database on a
 *     malformed record (no Package, an unknown Status word), spoor skips
 *     that one record. A line holding only whitespace ends a record, so
 *     a CRLF file parses as its LF twin. A version with a non-numeric
 *     epoch is shown as recorded; "5-" (empty revision, a dpkg error)
 *     is shown as "5". The "available" file osquery also opens is not
 *     read: it holds no installed records.
 *   - deb_package_files: one row per line of the package's .list file,
 *     empty lines skipped, paths as recorded (no trimming). osquery opens
 *     info/<name>.list only, which misses every Multi-Arch: same package
 *     (their list is info/<name>:<arch>.list); spoor opens the file dpkg
 *     itself opens (pkg_name(pnaw_nonambig)) and falls back to
 *     <name>.list. An = / IN on package reads only those lists.
 *   - apt_sources: one row per "deb" entry (not deb-src) whose Release
 *     file apt has cached: osquery emits a row only when
 *     /var/lib/apt/lists/<cache>_%Release exists, cache being the URI
 *     without scheme, then "dists" and the suite (or the suite's parts
 *     for a flat repository), joined with '_', '/' turned into '_'. name
 *     is "<uri without scheme> <suite>", base_uri loses trailing '/'.
 *     release, version, maintainer, components, architectures are the
 *     Release file's Codename, Version, Origin, Components and
 *     Architectures (lines with exactly one ':'), NULL when absent.
 *     deb822 .sources stanzas give one row per URI x suite; osquery
 *     skips a stanza whose Types lack "deb" or whose Enabled is not
 *     "on" (so "Enabled: yes" skips it too), and splits stanzas at
 *     "\n\n" only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strbuf.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

#define DPKG_ADMINDIR "/var/lib/dpkg"
/* A large desktop's status file is ~5 MiB; a bigger one is refused. */
#define DPKG_STATUS_MAX ((size_t)128 << 20)
/* dpkg's IMPORTANTMAXLEN: journal file names are at most 10 digits. */
#define DPKG_UPDATE_NAME_MAX 10
#define DPKG_UPDATES_MAX 4096
/* texlive-full-sized packages list ~200k paths (~15 MiB). */
#define DPKG_LIST_MAX ((size_t)64 << 20)
#define APT_SOURCE_FILE_MAX ((size_t)4 << 20)
#define APT_RELEASE_MAX ((size_t)64 << 20)

/* ------------------------------------------------------------------ */
/* the dpkg database */

static const char *const want_names[] = { "unknown", "install", "hold", "deinstall", "purge" };
static const char *const eflag_names[] = { "ok", "reinstreq" };
enum { STAT_NOTINSTALLED = 0 };
static const char *const status_names[] = {
	"not-installed",   "config-files",     "half-installed",   "unpacked",
	"half-configured", "triggers-awaited", "triggers-pending", "installed",
};
static const char *const priority_names[] = { "required", "important", "standard", "optional",
					      "extra" };

struct deb_pkg {
	struct span name, version, arch, source, maintainer, section, priority, size, multiarch;
	int want, eflag, status;
	bool has_status;
	size_t seq; /* load order: later records replace earlier ones */
};

struct deb_db {
	struct deb_pkg *pkgs;
	size_t n, alloc;
	struct strbuf *bufs; /* status and journal files the spans point into */
	size_t nbufs;
	struct span native_arch;
};

static void deb_db_release(struct deb_db *db)
{
	for (size_t i = 0; i < db->nbufs; i++)
		strbuf_release(&db->bufs[i]);
	free(db->bufs);
	free(db->pkgs);
	memset(db, 0, sizeof(*db));
}

static bool span_caseeq(const struct span *sp, const char *s)
{
	size_t n = strlen(s);

	return span_len(sp) == n && strncasecmp(sp->p, s, n) == 0;
}

static int lookup_name(const struct span *word, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (span_caseeq(word, names[i]))
			return (int)i;
	return -1;
}

static bool line_blank(const struct span *line)
{
	for (const char *c = line->p; c < line->end; c++)
		if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\f' && *c != '\v')
			return false;
	return true;
}

/* "want eflag status"; false when a word is missing or unknown. */
static bool parse_status(struct span v, struct deb_pkg *p)
{
	struct span w[3], extra;

	for (int i = 0; i < 3; i++)
		if (span_word(&v, &w[i]) < 0)
			return false;
	if (span_word(&v, &extra) == 0)
		return false;
	p->want = lookup_name(&w[0], want_names, ARRAY_SIZE(want_names));
	p->eflag = lookup_name(&w[1], eflag_names, ARRAY_SIZE(eflag_names));
	p->status = lookup_name(&w[2], status_names, ARRAY_SIZE(status_names));
	return p->want >= 0 && p->eflag >= 0 && p->status >= 0;
}

/*
 * Next record of a control file into *ret. Returns 0 with *ret_valid
 * telling whether the record can be used, -ENOENT at the end.
 */
static int next_record(struct span *file, struct deb_pkg *ret, bool *ret_valid)
{
	struct deb_pkg p = { 0 };
	struct span line;
	bool any = false, valid = true;

	while (span_line(file, &line) == 0) {
		struct span key, val;
		const char *colon;

		if (line_blank(&line)) {
			if (any)
				break;
			continue;
		}
		any = true;
		if (*line.p == ' ' || *line.p == '\t')
			continue; /* continuation of a field none of our columns uses */
		colon = memchr(line.p, ':', span_len(&line));
		if (!colon)
			continue;
		key = span_make(line.p, (size_t)(colon - line.p));
		val = span_make(colon + 1, (size_t)(line.end - colon - 1));
		span_trim(&val);
		if (span_caseeq(&key, "Package"))
			p.name = val;
		else if (span_caseeq(&key, "Version"))
			p.version = val;
		else if (span_caseeq(&key, "Architecture"))
			p.arch = val;
		else if (span_caseeq(&key, "Source"))
			p.source = val;
		else if (span_caseeq(&key, "Maintainer"))
			p.maintainer = val;
		else if (span_caseeq(&key, "Section"))
			p.section = val;
		else if (span_caseeq(&key, "Priority"))
			p.priority = val;
		else if (span_caseeq(&key, "Installed-Size"))
			p.size = val;
		else if (span_caseeq(&key, "Multi-Arch"))
			p.multiarch = val;
		else if (span_caseeq(&key, "Status"))
			p.has_status = true, valid = parse_status(val, &p) && valid;
	}
	if (!any)
		return -ENOENT;
	if (span_empty(&p.name) || !p.has_status)
		valid = false;
	*ret = p;
	*ret_valid = valid;
	return 0;
}

static int deb_db_load_file(struct deb_db *db, const struct rootfs *rfs, const char *path)
{
	struct strbuf *sb;
	struct span file;
	bool truncated = false;
	int r;

	db->bufs = xreallocarray(db->bufs, db->nbufs + 1, sizeof(*db->bufs));
	sb = &db->bufs[db->nbufs];
	strbuf_init(sb, 0);
	r = rootfs_read(rfs, path, sb, DPKG_STATUS_MAX, &truncated);
	if (r < 0) {
		strbuf_release(sb);
		return r;
	}
	db->nbufs++;
	if (truncated)
		return -SPOOR_ETOOBIG;
	file = span_make(sb->buf, sb->len);
	for (;;) {
		struct deb_pkg p;
		bool valid;

		if (next_record(&file, &p, &valid) < 0)
			break;
		if (!valid)
			continue;
		if (db->n == db->alloc) {
			db->alloc = db->alloc ? db->alloc * 2 : 256;
			db->pkgs = xreallocarray(db->pkgs, db->alloc, sizeof(*db->pkgs));
		}
		p.seq = db->n;
		db->pkgs[db->n++] = p;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The journal: updates/<digits>, in name order (dpkg's scandir). */
static int deb_db_load_updates(struct deb_db *db, const struct rootfs *rfs, const char *admindir)
{
	struct strbuf path = STRBUF_INIT;
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int r;

	strbuf_addf(&path, "%s/updates", admindir);
	r = rootfs_opendir(rfs, path.buf, &d);
	if (r < 0) {
		strbuf_release(&path);
		return r == -ENOENT || r == -ENOTDIR ? 0 : r;
	}
	while ((de = readdir(d)) && n < DPKG_UPDATES_MAX) {
		size_t len = strlen(de->d_name);

		if (!len || len > DPKG_UPDATE_NAME_MAX || strspn(de->d_name, "0123456789") != len)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	r = 0;
	for (size_t i = 0; i < n; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/updates/%s", admindir, names[i]);
		if (r == 0) {
			r = deb_db_load_file(db, rfs, path.buf);
			if (r == -ENOENT)
				r = 0; /* dpkg finished with it meanwhile */
		}
		free(names[i]);
	}
	free(names);
	strbuf_release(&path);
	return r;
}

static int cmp_span(const struct span *a, const struct span *b)
{
	size_t la = span_len(a), lb = span_len(b);
	int c = memcmp(a->p, b->p, la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

static int cmp_span_case(const struct span *a, const struct span *b)
{
	size_t la = span_len(a), lb = span_len(b);
	int c = strncasecmp(a->p, b->p, la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

/* Identity in dpkg's package hash: name without case, then arch. */
static int cmp_identity(const void *a, const void *b)
{
	const struct deb_pkg *x = a, *y = b;
	int c = cmp_span_case(&x->name, &y->name);

	if (!c)
		c = cmp_span(&x->arch, &y->arch);
	if (!c)
		c = (x->seq > y->seq) - (x->seq < y->seq);
	return c;
}

/* dpkg's pkgbin_name_needs_arch(pnaw_nonambig): is the arch part of the
 * unambiguous name? */
static bool needs_arch(const struct deb_pkg *p, const struct span *native)
{
	if (span_empty(&p->arch))
		return false;
	if (span_eq(&p->multiarch, "same"))
		return true;
	if (span_eq(&p->arch, "all"))
		return false;
	return span_empty(native) || cmp_span(&p->arch, native) != 0;
}

struct sort_item {
	const struct deb_pkg *pkg;
	bool needs_arch;
};

static int cmp_output(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	int c = cmp_span(&x->pkg->name, &y->pkg->name);

	if (c)
		return c;
	if (x->needs_arch != y->needs_arch)
		return x->needs_arch ? 1 : -1;
	return cmp_span(&x->pkg->arch, &y->pkg->arch);
}

/*
 * Loads the database of admindir and returns the installed packages in
 * osquery's order (*ret_items, *ret_n). -ENOENT when admindir is not a
 * dpkg database (no status file).
 */
static int deb_db_load(struct deb_db *db, const struct rootfs *rfs, const char *admindir,
		       struct sort_item **ret_items, size_t *ret_n)
{
	struct strbuf path = STRBUF_INIT;
	struct sort_item *items;
	size_t n = 0, kept = 0;
	int r;

	strbuf_addf(&path, "%s/status", admindir);
	r = deb_db_load_file(db, rfs, path.buf);
	strbuf_release(&path);
	if (r < 0)
		return r;
	r = deb_db_load_updates(db, rfs, admindir);
	if (r < 0)
		return r;
	/* later records for the same package replace earlier ones */
	if (db->n)
		qsort(db->pkgs, db->n, sizeof(*db->pkgs), cmp_identity);
	for (size_t i = 0; i < db->n; i++) {
		if (i + 1 < db->n && cmp_span_case(&db->pkgs[i].name, &db->pkgs[i + 1].name) == 0 &&
		    cmp_span(&db->pkgs[i].arch, &db->pkgs[i + 1].arch) == 0)
			continue;
		db->pkgs[kept++] = db->pkgs[i];
	}
	db->n = kept;
	for (size_t i = 0; i < db->n; i++)
		if (span_eq(&db->pkgs[i].name, "dpkg") && db->pkgs[i].status != STAT_NOTINSTALLED)
			db->native_arch = db->pkgs[i].arch;
	items = xreallocarray(NULL, db->n ? db->n : 1, sizeof(*items));
	for (size_t i = 0; i < db->n; i++) {
		if (db->pkgs[i].status == STAT_NOTINSTALLED)
			continue;
		items[n].pkg = &db->pkgs[i];
		items[n].needs_arch = needs_arch(&db->pkgs[i], &db->native_arch);
		n++;
	}
	if (n)
		qsort(items, n, sizeof(*items), cmp_output);
	*ret_items = items;
	*ret_n = n;
	return 0;
}

/* The admindirs to read: the = / IN values on col, else the default. */
static size_t admindir_count(const struct query_ctx *q, int col)
{
	size_t n = qctx_eq_count(q, col);

	return n ? n : 1;
}

/* The i-th admindir; NULL for an SQL NULL value. */
static const char *admindir_at(const struct query_ctx *q, int col, size_t i)
{
	if (!qctx_eq_count(q, col))
		return DPKG_ADMINDIR;
	return qctx_eq_text(q, col, i, NULL);
}

/* ------------------------------------------------------------------ */
/* deb_packages */

enum {
	DEB_NAME,
	DEB_VERSION,
	DEB_SOURCE,
	DEB_SIZE,
	DEB_ARCH,
	DEB_REVISION,
	DEB_STATUS,
	DEB_MAINTAINER,
	DEB_SECTION,
	DEB_PRIORITY,
	DEB_ADMINDIR,
	DEB_PID_WITH_NAMESPACE,
	DEB_MOUNT_NAMESPACE_ID,
};

static const struct column_spec deb_packages_cols[] = {
	[DEB_NAME] = { "name", COL_TEXT, 0, .help = "Package name" },
	[DEB_VERSION] = { "version", COL_TEXT, 0, .collate = COLLATE_VERSION_DPKG,
			  .help = "Package version" },
	[DEB_SOURCE] = { "source", COL_TEXT, 0, .help = "Package source" },
	[DEB_SIZE] = { "size", COL_BIGINT, 0, .help = "Package size in bytes" },
	[DEB_ARCH] = { "arch", COL_TEXT, 0, .help = "Package architecture" },
	[DEB_REVISION] = { "revision", COL_TEXT, 0, .help = "Package revision" },
	[DEB_STATUS] = { "status", COL_TEXT, 0, .help = "Package status" },
	[DEB_MAINTAINER] = { "maintainer", COL_TEXT, 0, .help = "Package maintainer" },
	[DEB_SECTION] = { "section", COL_TEXT, 0, .help = "Package section" },
	[DEB_PRIORITY] = { "priority", COL_TEXT, 0, .help = "Package priority" },
	[DEB_ADMINDIR] = { "admindir", COL_TEXT, COLF_ADDITIONAL | COLF_OPTIMIZED,
			   .help = "libdpkg admindir. Defaults to /var/lib/dpkg" },
	[DEB_PID_WITH_NAMESPACE] = { "pid_with_namespace", COL_INTEGER,
				     COLF_HIDDEN | COLF_ADDITIONAL,
				     .help = "Pids that contain a namespace" },
	[DEB_MOUNT_NAMESPACE_ID] = { "mount_namespace_id", COL_TEXT, COLF_HIDDEN,
				     .help = "Mount namespace id" },
};

/* versiondescribe(vdew_nonambig) into sb; the revision span into
 * *ret_revision. */
static void describe_version(const struct span *v, struct strbuf *sb, struct span *ret_revision)
{
	struct span upstream = *v, epoch = { v->p, v->p };
	const char *colon, *hyphen = NULL;
	uint64_t e = 0;

	*ret_revision = span_make(v->end, 0);
	if (span_empty(v)) {
		strbuf_addstr(sb, "<none>");
		return;
	}
	colon = memchr(v->p, ':', span_len(v));
	if (colon) {
		epoch = span_make(v->p, (size_t)(colon - v->p));
		if (span_uint64(&epoch, &e) < 0 || !span_empty(&epoch) || e > INT32_MAX) {
			/* not a number: shown as recorded */
			strbuf_add(sb, v->p, span_len(v));
			for (const char *c = v->end; c > v->p; c--)
				if (c[-1] == '-') {
					*ret_revision = span_make(c, (size_t)(v->end - c));
					break;
				}
			return;
		}
		upstream.p = colon + 1;
	}
	for (const char *c = upstream.end; c > upstream.p; c--)
		if (c[-1] == '-') {
			hyphen = c - 1;
			break;
		}
	if (hyphen) {
		*ret_revision = span_make(hyphen + 1, (size_t)(upstream.end - hyphen - 1));
		upstream.end = hyphen;
	}
	if (e)
		strbuf_addf(sb, "%llu:", (unsigned long long)e);
	strbuf_add(sb, upstream.p, span_len(&upstream));
	if (!span_empty(ret_revision)) {
		strbuf_addch(sb, '-');
		strbuf_add(sb, ret_revision->p, span_len(ret_revision));
	}
}

static void emit_span(struct query_ctx *q, int col, const struct span *sp)
{
	row_text(q, col, sp->p ? sp->p : "", span_len(sp));
}

static int emit_deb_package(struct query_ctx *q, const struct deb_pkg *p, const char *admindir,
			    struct strbuf *tmp)
{
	struct span rev;
	int64_t size;
	int prio;

	row_begin(q);
	emit_span(q, DEB_NAME, &p->name);
	if (qctx_used(q, DEB_VERSION) || qctx_used(q, DEB_REVISION)) {
		strbuf_reset(tmp);
		describe_version(&p->version, tmp, &rev);
		row_text(q, DEB_VERSION, tmp->buf, tmp->len);
		emit_span(q, DEB_REVISION, &rev);
	}
	emit_span(q, DEB_SOURCE, &p->source);
	if (qctx_used(q, DEB_SIZE)) {
		strbuf_reset(tmp);
		strbuf_add(tmp, p->size.p ? p->size.p : "", span_len(&p->size));
		if (parse_int64(tmp->buf, &size) == 0)
			row_int(q, DEB_SIZE, size);
		else
			row_null(q, DEB_SIZE);
	}
	emit_span(q, DEB_ARCH, &p->arch);
	row_textf(q, DEB_STATUS, "%s %s %s", want_names[p->want], eflag_names[p->eflag],
		  status_names[p->status]);
	emit_span(q, DEB_MAINTAINER, &p->maintainer);
	emit_span(q, DEB_SECTION, &p->section);
	if (!p->priority.p)
		row_textz(q, DEB_PRIORITY, "unknown");
	else if ((prio = lookup_name(&p->priority, priority_names, ARRAY_SIZE(priority_names))) >= 0)
		row_textz(q, DEB_PRIORITY, priority_names[prio]);
	else
		emit_span(q, DEB_PRIORITY, &p->priority);
	row_textz(q, DEB_ADMINDIR, admindir);
	row_int(q, DEB_PID_WITH_NAMESPACE, 0);
	row_null(q, DEB_MOUNT_NAMESPACE_ID);
	return row_end(q);
}

static int gen_deb_packages(struct query_ctx *q)
{
	struct strbuf tmp = STRBUF_INIT;
	size_t ndirs = admindir_count(q, DEB_ADMINDIR);
	int r = 0;

	for (size_t d = 0; d < ndirs && r == 0; d++) {
		const char *admindir = admindir_at(q, DEB_ADMINDIR, d);
		struct deb_db db = { 0 };
		struct sort_item *items = NULL;
		size_t n = 0;

		if (!admindir)
			continue;
		r = deb_db_load(&db, qctx_rootfs(q), admindir, &items, &n);
		for (size_t i = 0; r == 0 && i < n; i++)
			r = emit_deb_package(q, items[i].pkg, admindir, &tmp);
		free(items);
		deb_db_release(&db);
		/* not a dpkg database (osquery logs it and moves on) */
		if (r == -ENOENT || r == -ENOTDIR)
			r = 0;
	}
	strbuf_release(&tmp);
	return r;
}

const struct table_spec deb_packages_spec = {
	.name = "deb_packages",
	.description = "The installed DEB package database.",
	.source = "<admindir>/status and <admindir>/updates/* (admindir /var/lib/dpkg unless "
		  "constrained)",
	TABLE_COLUMNS(deb_packages_cols),
	.attributes = TABLE_CACHEABLE,
	.generate = gen_deb_packages,
};

/* ------------------------------------------------------------------ */
/* deb_package_files */

enum {
	DPF_PACKAGE,
	DPF_PATH,
	DPF_ADMINDIR,
};

static const struct column_spec deb_package_files_cols[] = {
	[DPF_PACKAGE] = { "package", COL_TEXT, COLF_INDEX | COLF_OPTIMIZED,
			  .help = "DEB package name" },
	[DPF_PATH] = { "path", COL_TEXT, COLF_INDEX, .help = "File path within the package" },
	[DPF_ADMINDIR] = { "admindir", COL_TEXT, COLF_ADDITIONAL | COLF_OPTIMIZED,
			   .help = "libdpkg admindir. Defaults to /var/lib/dpkg" },
};

static bool package_wanted(const struct query_ctx *q, const struct span *name)
{
	size_t n = qctx_eq_count(q, DPF_PACKAGE);

	if (!n)
		return true;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *v = qctx_eq_text(q, DPF_PACKAGE, i, &len);

		if (v && len == span_len(name) && memcmp(v, name->p, len) == 0)
			return true;
	}
	return false;
}

/* Reads the .list of one package: info/<name>:<arch>.list when dpkg
 * needs the arch to name it, else (or when absent) info/<name>.list. */
static int read_list_file(const struct rootfs *rfs, const char *admindir,
			  const struct sort_item *it, struct strbuf *path, struct strbuf *sb)
{
	const struct deb_pkg *p = it->pkg;
	bool truncated = false;
	int r = -ENOENT;

	if (it->needs_arch) {
		strbuf_reset(path);
		strbuf_addf(path, "%s/info/%.*s:%.*s.list", admindir, (int)span_len(&p->name),
			    p->name.p, (int)span_len(&p->arch), p->arch.p);
		r = rootfs_read(rfs, path->buf, sb, DPKG_LIST_MAX, &truncated);
	}
	if (r == -ENOENT) {
		strbuf_reset(path);
		strbuf_addf(path, "%s/info/%.*s.list", admindir, (int)span_len(&p->name),
			    p->name.p);
		r = rootfs_read(rfs, path->buf, sb, DPKG_LIST_MAX, &truncated);
	}
	if (r == 0 && truncated)
		r = -SPOOR_ETOOBIG;
	return r;
}

static int gen_deb_package_files(struct query_ctx *q)
{
	struct strbuf path = STRBUF_INIT, list = STRBUF_INIT;
	size_t ndirs = admindir_count(q, DPF_ADMINDIR);
	int r = 0;

	for (size_t d = 0; d < ndirs && r == 0; d++) {
		const char *admindir = admindir_at(q, DPF_ADMINDIR, d);
		struct deb_db db = { 0 };
		struct sort_item *items = NULL;
		size_t n = 0;

		if (!admindir)
			continue;
		r = deb_db_load(&db, qctx_rootfs(q), admindir, &items, &n);
		for (size_t i = 0; r == 0 && i < n; i++) {
			struct span sp, line;

			if (!package_wanted(q, &items[i].pkg->name))
				continue;
			strbuf_reset(&list);
			r = read_list_file(qctx_rootfs(q), admindir, &items[i], &path, &list);
			if (r == -ENOENT || r == -EACCES) {
				r = 0; /* no list: no rows, as osquery */
				continue;
			}
			sp = span_make(list.buf, list.len);
			while (r == 0 && span_line(&sp, &line) == 0) {
				if (span_empty(&line))
					continue;
				row_begin(q);
				emit_span(q, DPF_PACKAGE, &items[i].pkg->name);
				row_text(q, DPF_PATH, line.p, span_len(&line));
				row_textz(q, DPF_ADMINDIR, admindir);
				r = row_end(q);
			}
		}
		free(items);
		deb_db_release(&db);
		if (r == -ENOENT || r == -ENOTDIR)
			r = 0;
	}
	strbuf_release(&path);
	strbuf_release(&list);
	return r;
}

const struct table_spec deb_package_files_spec = {
	.name = "deb_package_files",
	.description = "Installed files from DEB packages that are currently installed on the "
		       "system.",
	.source = "<admindir>/info/<package>[:<arch>].list for packages installed per "
		  "<admindir>/status",
	TABLE_COLUMNS(deb_package_files_cols),
	.generate = gen_deb_package_files,
};

/* ------------------------------------------------------------------ */
/* apt_sources */

enum {
	APT_NAME,
	APT_SOURCE,
	APT_BASE_URI,
	APT_RELEASE,
	APT_VERSION,
	APT_MAINTAINER,
	APT_COMPONENTS,
	APT_ARCHITECTURES,
	APT_PID_WITH_NAMESPACE,
};

static const struct column_spec apt_sources_cols[] = {
	[APT_NAME] = { "name", COL_TEXT, 0, .help = "Repository name" },
	[APT_SOURCE] = { "source", COL_TEXT, 0, .help = "Source file" },
	[APT_BASE_URI] = { "base_uri", COL_TEXT, 0, .help = "Repository base URI" },
	[APT_RELEASE] = { "release", COL_TEXT, 0, .help = "Release name" },
	[APT_VERSION] = { "version", COL_TEXT, 0, .collate = COLLATE_VERSION_DPKG,
			  .help = "Repository source version" },
	[APT_MAINTAINER] = { "maintainer", COL_TEXT, 0, .help = "Repository maintainer" },
	[APT_COMPONENTS] = { "components", COL_TEXT, 0, .help = "Repository components" },
	[APT_ARCHITECTURES] = { "architectures", COL_TEXT, 0,
				.help = "Repository architectures" },
	[APT_PID_WITH_NAMESPACE] = { "pid_with_namespace", COL_INTEGER,
				     COLF_HIDDEN | COLF_ADDITIONAL,
				     .help = "Pids that contain a namespace" },
};

static bool is_trim_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void trim_all(struct span *sp)
{
	while (sp->p < sp->end && is_trim_space(*sp->p))
		sp->p++;
	while (sp->end > sp->p && is_trim_space(sp->end[-1]))
		sp->end--;
}

/*
 * osquery's split(s, delims): pieces between any delimiter byte, empty
 * pieces dropped, then each piece trimmed (so a piece of blanks is
 * kept, as ''). Returns the next piece; -ENOENT at the end.
 */
static int split_next(struct span *sp, const char *delims, struct span *ret)
{
	while (sp->p < sp->end) {
		const char *s = sp->p;

		while (sp->p < sp->end && !strchr(delims, *sp->p))
			sp->p++;
		*ret = span_make(s, (size_t)(sp->p - s));
		if (sp->p < sp->end)
			sp->p++; /* the delimiter */
		if (span_empty(ret))
			continue;
		trim_all(ret);
		return 0;
	}
	return -ENOENT;
}

static const char *span_find(const struct span *sp, const char *needle)
{
	size_t n = strlen(needle);

	for (const char *c = sp->p; c + n <= sp->end; c++)
		if (memcmp(c, needle, n) == 0)
			return c;
	return NULL;
}

struct apt_entry {
	struct span uri;   /* trailing '/' removed */
	struct span host;  /* uri after "://" */
	struct span suite;
};

/* The first cached Release file of an entry, as osquery's glob
 * "/var/lib/apt/lists/<cache>_%Release" finds it. */
static int find_release(const struct rootfs *rfs, const struct apt_entry *e, struct strbuf *ret)
{
	struct strbuf cache = STRBUF_INIT;
	struct span suite = e->suite, part;
	size_t nparts = 0;
	struct dirent *de;
	char *best = NULL;
	DIR *d;
	int r;

	while (split_next(&suite, "/", &part) == 0)
		nparts++;
	strbuf_add(&cache, e->host.p, span_len(&e->host));
	if (nparts == 1) {
		strbuf_addstr(&cache, "_dists_");
		strbuf_add(&cache, e->suite.p, span_len(&e->suite));
	} else {
		suite = e->suite;
		while (split_next(&suite, "/", &part) == 0) {
			strbuf_addch(&cache, '_');
			strbuf_add(&cache, part.p, span_len(&part));
		}
	}
	strbuf_addch(&cache, '_');
	for (size_t i = 0; i < cache.len; i++)
		if (cache.buf[i] == '/')
			cache.buf[i] = '_';
	r = rootfs_opendir(rfs, "/var/lib/apt/lists", &d);
	if (r < 0)
		goto out;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < cache.len + 7 ||
		    strncmp(de->d_name, cache.buf, cache.len) != 0 ||
		    strcmp(de->d_name + len - 7, "Release") != 0)
			continue;
		if (!best || strcmp(de->d_name, best) < 0) {
			free(best);
			best = xstrdup(de->d_name);
		}
	}
	closedir(d);
	r = -ENOENT;
	if (best) {
		strbuf_addf(ret, "/var/lib/apt/lists/%s", best);
		r = 0;
	}
out:
	free(best);
	strbuf_release(&cache);
	return r;
}

static int emit_apt_entry(struct query_ctx *q, const char *source, const struct apt_entry *e)
{
	static const char *const keys[] = {
		[APT_RELEASE] = "Codename",	   [APT_VERSION] = "Version",
		[APT_MAINTAINER] = "Origin",	   [APT_COMPONENTS] = "Components",
		[APT_ARCHITECTURES] = "Architectures",
	};
	struct span values[ARRAY_SIZE(keys)] = { { 0 } };
	struct strbuf path = STRBUF_INIT, content = STRBUF_INIT;
	struct span sp, line;
	int r;

	r = find_release(qctx_rootfs(q), e, &path);
	if (r == 0)
		r = rootfs_read(qctx_rootfs(q), path.buf, &content, APT_RELEASE_MAX, NULL);
	if (r < 0) {
		/* no cached Release file: osquery emits no row */
		r = 0;
		goto out;
	}
	sp = span_make(content.buf, content.len);
	while (split_next(&sp, "\n", &line) == 0) {
		struct span f[3], rest;
		int nf = 0;

		if (span_eq(&line, "-----BEGIN PGP SIGNATURE-----"))
			break;
		rest = line;
		while (nf < 3 && split_next(&rest, ":", &f[nf]) == 0)
			nf++;
		if (nf != 2)
			continue;
		for (size_t c = APT_RELEASE; c < ARRAY_SIZE(keys); c++)
			if (span_eq(&f[0], keys[c]))
				values[c] = f[1];
	}
	row_begin(q);
	row_textf(q, APT_NAME, "%.*s %.*s", (int)span_len(&e->host), e->host.p,
		  (int)span_len(&e->suite), e->suite.p);
	row_textz(q, APT_SOURCE, source);
	emit_span(q, APT_BASE_URI, &e->uri);
	for (size_t c = APT_RELEASE; c < ARRAY_SIZE(keys); c++) {
		if (values[c].p)
			emit_span(q, (int)c, &values[c]);
		else
			row_null(q, (int)c);
	}
	row_int(q, APT_PID_WITH_NAMESPACE, 0);
	r = row_end(q);
out:
	strbuf_release(&path);
	strbuf_release(&content);
	return r;
}

/* Fills host from uri; false without "://". */
static bool apt_uri(struct span tok, struct apt_entry *e)
{
	const char *sep = span_find(&tok, "://");

	if (!sep)
		return false;
	while (tok.end > tok.p && tok.end[-1] == '/')
		tok.end--;
	if (tok.end < sep + 3)
		return false; /* osquery: "empty uri" */
	e->uri = tok;
	e->host = span_make(sep + 3, (size_t)(tok.end - sep - 3));
	return true;
}

/* One sources.list line, as osquery's parseAptSourceLine. */
static int apt_list_line(struct query_ctx *q, const char *source, struct span line)
{
	struct span toks[64], t;
	struct apt_entry e;
	const char *hash = memchr(line.p, '#', span_len(&line)), *deb;
	size_t n = 0, off = 0;

	if (hash)
		line.end = hash;
	deb = span_find(&line, "deb ");
	if (!deb)
		return 0;
	line.p = deb + 4;
	while (n < ARRAY_SIZE(toks) && split_next(&line, " ", &t) == 0)
		toks[n++] = t;
	if (n < 2)
		return 0;
	if (!span_empty(&toks[0]) && *toks[0].p == '[') {
		for (size_t i = 0; i < n; i++)
			if (memchr(toks[i].p, ']', span_len(&toks[i]))) {
				off = i;
				break;
			}
		off++;
	}
	if (off + 1 >= n || !apt_uri(toks[off], &e))
		return 0;
	e.suite = toks[off + 1];
	return emit_apt_entry(q, source, &e);
}

static int apt_list_file(struct query_ctx *q, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp, line;
	int r;

	r = rootfs_read(qctx_rootfs(q), path, &sb, APT_SOURCE_FILE_MAX, NULL);
	if (r < 0) {
		r = 0; /* unreadable: osquery logs and moves on */
		goto out;
	}
	sp = span_make(sb.buf, sb.len);
	while (r == 0 && split_next(&sp, "\n", &line) == 0)
		if (!span_empty(&line))
			r = apt_list_line(q, path, line);
out:
	strbuf_release(&sb);
	return r;
}

#define APT_DEB822_MAX_VALUES 64

/* One deb822 stanza, as osquery's parseDeb822Block. */
static int apt_deb822_block(struct query_ctx *q, const char *source, struct span block)
{
	struct span uris[APT_DEB822_MAX_VALUES], suites[APT_DEB822_MAX_VALUES], line;
	size_t nuris = 0, nsuites = 0;
	int r = 0;

	while (split_next(&block, "\n", &line) == 0) {
		const char *hash = memchr(line.p, '#', span_len(&line)), *colon;
		struct span key, val, w;

		if (hash)
			line.end = hash;
		colon = memchr(line.p, ':', span_len(&line));
		if (!colon)
			continue;
		key = span_make(line.p, (size_t)(colon - line.p));
		val = span_make(colon + 1, (size_t)(line.end - colon - 1));
		trim_all(&val);
		if (span_empty(&val))
			continue;
		if (span_caseeq(&key, "types")) {
			bool deb = false;

			while (split_next(&val, "\t ", &w) == 0)
				deb = deb || span_eq(&w, "deb");
			if (!deb)
				return 0;
		} else if (span_caseeq(&key, "enabled")) {
			if (!span_eq(&val, "on"))
				return 0;
		} else if (span_caseeq(&key, "uris")) {
			struct apt_entry e;

			while (split_next(&val, "\t ", &w) == 0)
				if (apt_uri(w, &e) && nuris < ARRAY_SIZE(uris))
					uris[nuris++] = w;
		} else if (span_caseeq(&key, "suites")) {
			while (split_next(&val, "\t ", &w) == 0)
				if (nsuites < ARRAY_SIZE(suites))
					suites[nsuites++] = w;
		}
	}
	for (size_t i = 0; r == 0 && i < nuris; i++)
		for (size_t j = 0; r == 0 && j < nsuites; j++) {
			struct apt_entry e;

			apt_uri(uris[i], &e);
			e.suite = suites[j];
			r = emit_apt_entry(q, source, &e);
		}
	return r;
}

static int apt_deb822_file(struct query_ctx *q, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp;
	int r = 0;

	if (rootfs_read(qctx_rootfs(q), path, &sb, APT_SOURCE_FILE_MAX, NULL) < 0)
		goto out;
	sp = span_make(sb.buf, sb.len);
	/* blocks split at "\n\n", empty blocks skipped */
	while (r == 0 && !span_empty(&sp)) {
		struct span rest = sp;
		const char *sep = span_find(&rest, "\n\n");
		struct span block = span_make(sp.p, (size_t)((sep ? sep : sp.end) - sp.p));

		sp.p = sep ? sep + 2 : sp.end;
		if (!span_empty(&block))
			r = apt_deb822_block(q, path, block);
	}
out:
	strbuf_release(&sb);
	return r;
}

/* Regular files (symlinks followed) in dir ending in suffix, not hidden,
 * sorted as glob(3) sorts them. */
static size_t list_sources(const struct rootfs *rfs, const char *dir, const char *suffix,
			   char ***ret)
{
	size_t n = 0, slen = strlen(suffix);
	char **names = NULL;
	struct dirent *de;
	DIR *d;

	*ret = NULL;
	if (rootfs_opendir(rfs, dir, &d) < 0)
		return 0;
	while ((de = readdir(d)) && n < 4096) {
		size_t len = strlen(de->d_name);
		struct strbuf path = STRBUF_INIT;
		struct stat st;

		if (de->d_name[0] == '.' || len < slen || strcmp(de->d_name + len - slen, suffix))
			continue;
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		if (rootfs_stat(rfs, path.buf, &st) == 0 && S_ISREG(st.st_mode)) {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = strbuf_detach(&path, NULL);
		}
		strbuf_release(&path);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	*ret = names;
	return n;
}

static int gen_apt_sources(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	char **files = NULL;
	size_t n;
	int r = 0;

	if (rootfs_exists(rfs, "/etc/apt/sources.list"))
		r = apt_list_file(q, "/etc/apt/sources.list");
	n = list_sources(rfs, "/etc/apt/sources.list.d", ".list", &files);
	for (size_t i = 0; i < n; i++) {
		if (r == 0)
			r = apt_list_file(q, files[i]);
		free(files[i]);
	}
	free(files);
	n = list_sources(rfs, "/etc/apt/sources.list.d", ".sources", &files);
	for (size_t i = 0; i < n; i++) {
		if (r == 0)
			r = apt_deb822_file(q, files[i]);
		free(files[i]);
	}
	free(files);
	return r;
}

const struct table_spec apt_sources_spec = {
	.name = "apt_sources",
	.description = "Current list of APT repositories or software channels.",
	.source = "/etc/apt/sources.list, /etc/apt/sources.list.d/*.list and *.sources, "
		  "/var/lib/apt/lists/*Release",
	TABLE_COLUMNS(apt_sources_cols),
	.generate = gen_apt_sources,
};
