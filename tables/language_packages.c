/*
 * language_packages.c - packages of language ecosystems installed outside
 * the system package manager: python_packages, npm_packages.
 *
 *   SELECT name, version, path FROM python_packages;
 *   SELECT * FROM python_packages WHERE directory = '/opt/venv/lib/python3.11/site-packages';
 *   SELECT name, version, depth FROM npm_packages WHERE directory = '/usr/lib/';
 *   SELECT name FROM npm_packages WHERE max_depth = 0;
 *
 * Data sources, all through the rootfs layer (pathglob/rootpath):
 *
 * python_packages, as osquery's python_packages.cpp on Linux (5.x, with
 * the uid column): the system sites matching
 * /usr/local/lib/python%/{dist,site}-packages,
 * /usr/local/lib64/python%/site-packages,
 * /opt/homebrew/lib/python%/{dist,site}-packages,
 * /usr/lib/python%/{dist,site}-packages and /Library/Python/%/site-packages
 * (glob results, so they end in '/'), in byte order, each once, uid 0;
 * then the sites of each user -- the = / IN values of uid, else the
 * user spoor runs as -- found through the root's /etc/passwd home:
 * <home>/.local/lib/python%/ itself, and
 * <home>/.pyenv/versions/<V>/lib/python%/site-packages for every real
 * directory V (or <home>/.pyenv/versions/ itself when there is none),
 * with that uid. A = / IN constraint on `directory` replaces all of
 * this: exactly those directories, uid 0, no user sites. Every
 * directory below a site, recursively (symlinks to directories listed,
 * not entered), whose name ends in ".dist-info" (read <dir>/METADATA)
 * or ".egg-info" (read <dir>/PKG-INFO) is a row, even when the metadata
 * file is missing, as osquery does; egg-info *files* are not rows.
 * Metadata lines are split on ':' dropping empty pieces, pieces
 * trimmed; only lines of exactly two pieces count, so "Summary: a: b"
 * or "Home-page: http://x" are ignored; keys Name, Version, Summary,
 * Author, License; the first License line ends the scan (lines of the
 * description body before it still count, a later value of a key wins).
 *
 * npm_packages, as osquery's npm_packages.cpp on Linux: sites
 * /home/%/.npm-global/lib, /home/%/.nvm/versions/node/%/lib,
 * /opt/homebrew/lib, /usr/lib, /usr/local/lib (glob results, '/'
 * ended; the /Users/... patterns match nothing on Linux but are kept),
 * or the `directory` values. Under each site, <dir>/node_modules/%/package.json
 * then <dir>/node_modules/@%/%/package.json (each list in byte order)
 * are rows of depth d; a package whose own node_modules is a directory
 * is searched at depth d+1 while d < max_depth (= constraint on
 * max_depth, default 100, -1 unlimited), depth-first, last queued
 * first, no directory searched twice. From package.json (a JSON
 * object): name, version, description, homepage ("" when present but
 * not a string), author (a string, or an object's "name"), license (a
 * string, or the deprecated object's "url"). An unreadable or invalid
 * package.json still gives a row with those columns NULL.
 *
 * Deliberate differences: the walk lists a directory's entries in byte
 * order (osquery: readdir order); metadata files are read up to
 * PY_METADATA_MAX / NPM_MANIFEST_MAX bytes (osquery: read_max, 50 MiB)
 * and a longer one counts as unreadable; the "current user" is spoor's
 * uid looked up in the root's /etc/passwd, also under --sysroot; a JSON object with a duplicate key
 * gives its last value (RapidJSON, osquery's parser, the first); loop detection keys on (device,
 * inode), osquery's on the inode; pid_with_namespace is always 0 (spoor does not enter other mount
 * namespaces).
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "err.h"
#include "pathglob.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "rootpath.h"
#include "strparse.h"
#include "banned.h"

#define PY_METADATA_MAX ((size_t)8 << 20)
#define NPM_MANIFEST_MAX ((size_t)8 << 20)
/* sites and npm search directories per query */
#define SITES_MAX ((size_t)1 << 16)
#define PASSWD_MAX ((size_t)16 << 20)

/* ------------------------------------------------------------------ */
/* a sorted set of paths (osquery's std::set<std::string>) */

struct pathlist {
	char **v;
	size_t n;
	size_t cap;
};

static int pathlist_add(struct pathlist *pl, const char *s, size_t len)
{
	if (pl->n >= SITES_MAX)
		return -SPOOR_ETOOBIG;
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 16;
		pl->v = xreallocarray(pl->v, pl->cap, sizeof(*pl->v));
	}
	pl->v[pl->n] = xmalloc(len + 1);
	memcpy(pl->v[pl->n], s, len);
	pl->v[pl->n][len] = '\0';
	pl->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pathlist_sort_unique(struct pathlist *pl)
{
	size_t out = 0;

	if (pl->n > 1)
		qsort(pl->v, pl->n, sizeof(*pl->v), cmp_str);
	for (size_t i = 0; i < pl->n; i++) {
		if (out && strcmp(pl->v[out - 1], pl->v[i]) == 0) {
			free(pl->v[i]);
			continue;
		}
		pl->v[out++] = pl->v[i];
	}
	pl->n = out;
}

static void pathlist_release(struct pathlist *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		free(pl->v[i]);
	free(pl->v);
	pl->v = NULL;
	pl->n = pl->cap = 0;
}

static int add_glob_match(void *arg, const struct pathglob_entry *e)
{
	return pathlist_add(arg, e->where.path, e->path_len);
}

struct real_dirs {
	const struct rootpath *rp;
	struct pathlist *out;
};

/* A real directory (not a symlink to one), as traverseVersions wants. */
static int add_real_dir(void *arg, const struct pathglob_entry *e)
{
	struct real_dirs *d = arg;
	struct stat st;

	if (!e->is_dir || rootpath_entry_stat(d->rp, &e->where, false, &st) < 0 ||
	    !S_ISDIR(st.st_mode))
		return 0;
	return pathlist_add(d->out, e->where.path, e->path_len);
}

/*
 * The sites of a scan: the = / IN values on col when there are any,
 * else every expansion of the default patterns; sorted, unique.
 */
static int collect_sites(struct query_ctx *q, const struct rootpath *rp, int col,
                         const char *const *patterns, size_t npatterns, struct pathlist *out)
{
	int r;

	if (qctx_has_eq(q, col)) {
		for (size_t i = 0; i < qctx_eq_count(q, col); i++) {
			size_t len;
			const char *t = qctx_eq_text(q, col, i, &len);

			if (t && (r = pathlist_add(out, t, len)) < 0)
				return r;
		}
	} else {
		for (size_t i = 0; i < npatterns; i++) {
			r = pathglob_expand(rp, patterns[i], PATHGLOB_ALL, add_glob_match, out);
			if (r < 0)
				return r;
		}
	}
	pathlist_sort_unique(out);
	return 0;
}

/* ------------------------------------------------------------------ */
/* python_packages */

enum {
	PY_NAME,
	PY_UID,
	PY_VERSION,
	PY_SUMMARY,
	PY_AUTHOR,
	PY_LICENSE,
	PY_PATH,
	PY_DIRECTORY,
	PY_PID_WITH_NAMESPACE,
};

static const struct column_spec python_packages_cols[] = {
    [PY_NAME] = {"name", COL_TEXT, 0, .help = "Package display name"},
    [PY_UID] = {"uid", COL_BIGINT, COLF_INDEX,
                .help = "The local user that owns the python package"},
    [PY_VERSION] = {"version", COL_TEXT, 0, .collate = COLLATE_VERSION,
                    .help = "Package-supplied version"},
    [PY_SUMMARY] = {"summary", COL_TEXT, 0, .help = "Package-supplied summary"},
    [PY_AUTHOR] = {"author", COL_TEXT, 0, .help = "Optional package author"},
    [PY_LICENSE] = {"license", COL_TEXT, 0, .help = "License under which package is launched"},
    [PY_PATH] = {"path", COL_TEXT, 0, .help = "Path at which this module resides"},
    [PY_DIRECTORY] = {"directory", COL_TEXT, COLF_INDEX | COLF_OPTIMIZED,
                      .help = "Directory where Python modules are located"},
    [PY_PID_WITH_NAMESPACE] = {"pid_with_namespace", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
                               .help = "Pids that contain a namespace"},
};

static const char *const python_site_patterns[] = {
    "/usr/local/lib/python%/dist-packages",    "/usr/local/lib/python%/site-packages",
    "/usr/local/lib64/python%/site-packages",  "/opt/homebrew/lib/python%/dist-packages",
    "/opt/homebrew/lib/python%/site-packages", "/usr/lib/python%/dist-packages",
    "/usr/lib/python%/site-packages",          "/Library/Python/%/site-packages",
};

static bool is_boost_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static void trim_boost(struct span *sp)
{
	while (sp->p < sp->end && is_boost_space(*sp->p))
		sp->p++;
	while (sp->end > sp->p && is_boost_space(sp->end[-1]))
		sp->end--;
}

/* osquery's split(line, ":"): the non-empty pieces, trimmed; true when
 * there are exactly two. */
static bool split_two(struct span line, struct span *ret_key, struct span *ret_val)
{
	struct span piece[2];
	size_t n = 0;

	while (line.p <= line.end) {
		const char *c = memchr(line.p, ':', span_len(&line));
		const char *stop = c ? c : line.end;

		if (stop > line.p) {
			if (n == 2)
				return false;
			piece[n++] = span_make(line.p, (size_t)(stop - line.p));
		}
		if (!c)
			break;
		line.p = c + 1;
	}
	if (n != 2)
		return false;
	trim_boost(&piece[0]);
	trim_boost(&piece[1]);
	*ret_key = piece[0];
	*ret_val = piece[1];
	return true;
}

static void python_metadata(struct query_ctx *q, const char *file)
{
	static const struct {
		const char *key;
		int col;
	} keys[] = {
	    {"Name", PY_NAME},     {"Version", PY_VERSION}, {"Summary", PY_SUMMARY},
	    {"Author", PY_AUTHOR}, {"License", PY_LICENSE},
	};
	struct span val[ARRAY_SIZE(keys)];
	bool set[ARRAY_SIZE(keys)] = {false};
	struct strbuf sb = STRBUF_INIT;
	bool truncated = false;
	struct span sp, line;

	if (rootfs_read(qctx_rootfs(q), file, &sb, PY_METADATA_MAX, &truncated) < 0 || truncated)
		goto out;
	sp = span_make(sb.buf, sb.len);
	while (span_line(&sp, &line) == 0) {
		struct span k, v;
		size_t i;

		if (!split_two(line, &k, &v))
			continue;
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (span_eq(&k, keys[i].key))
				break;
		if (i == ARRAY_SIZE(keys))
			continue;
		val[i] = v;
		set[i] = true;
		if (keys[i].col == PY_LICENSE)
			break;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (set[i])
			row_text(q, keys[i].col, val[i].p, span_len(&val[i]));
out:
	strbuf_release(&sb);
}

struct py_walk {
	struct query_ctx *q;
	const char *site;
	int64_t uid;
	bool want_metadata;
};

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static int python_dir(void *arg, const struct pathglob_entry *e)
{
	struct py_walk *w = arg;
	const char *path = e->where.path;
	const char *file;
	char *full;

	if (!e->is_dir)
		return 0;
	if (ends_with(path, e->path_len, ".dist-info"))
		file = "/METADATA";
	else if (ends_with(path, e->path_len, ".egg-info"))
		file = "/PKG-INFO";
	else
		return 0;
	row_begin(w->q);
	if (w->want_metadata) {
		size_t plen = e->path_len, flen = strlen(file);

		full = xmalloc(plen + flen + 1);
		memcpy(full, path, plen);
		memcpy(full + plen, file, flen + 1);
		python_metadata(w->q, full);
		free(full);
	}
	row_text(w->q, PY_PATH, path, e->path_len);
	row_textz(w->q, PY_DIRECTORY, w->site);
	row_int(w->q, PY_UID, w->uid);
	row_int(w->q, PY_PID_WITH_NAMESPACE, 0);
	return row_end(w->q);
}

static int python_site(struct py_walk *w, const struct rootpath *rp, const char *site, int64_t uid)
{
	/* a relative directory value matches nothing */
	if (site[0] != '/')
		return 0;
	w->site = site;
	w->uid = uid;
	return pathglob_walk(rp, site, PATHGLOB_DIRS | PATHGLOB_RECURSE, python_dir, w);
}

/* The home directory of uid in the root's /etc/passwd (the first line
 * with that uid, as getpwuid), malloc'd in *ret_home; 0 or -ENOENT. */
static int passwd_home(const struct rootfs *rfs, int64_t uid, char **ret_home)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp, line;
	int r;

	r = rootfs_read(rfs, "/etc/passwd", &sb, PASSWD_MAX, NULL);
	if (r < 0)
		goto out;
	r = -ENOENT;
	sp = span_make(sb.buf, sb.len);
	while (span_line(&sp, &line) == 0) {
		struct span f[7];
		uint64_t u;
		size_t n = 0;

		/* name:passwd:uid:gid:gecos:dir:shell */
		while (n < 6 && span_until(&line, ':', &f[n]) == 0)
			n++;
		if (n < 6)
			continue;
		if (span_uint64(&f[2], &u) < 0 || !span_empty(&f[2]) || (int64_t)u != uid ||
		    span_empty(&f[5]))
			continue;
		*ret_home = xmalloc(span_len(&f[5]) + 1);
		memcpy(*ret_home, f[5].p, span_len(&f[5]));
		(*ret_home)[span_len(&f[5])] = '\0';
		r = 0;
		break;
	}
out:
	strbuf_release(&sb);
	return r;
}

/*
 * osquery's per-user sites of uid: <home>/.local/lib/python%/ (the
 * python directory itself, walked whole), then, for every real
 * directory V of <home>/.pyenv/versions/, V/lib/python%/site-packages,
 * or <home>/.pyenv/versions/ itself when there are none.
 */
static int python_user_sites(const struct rootpath *rp, const char *home, struct pathlist *out)
{
	struct pathlist versions = {0};
	struct real_dirs rd = {.rp = rp, .out = &versions};
	struct strbuf pat = STRBUF_INIT;
	size_t before;
	int r;

	r = strbuf_addf(&pat, "%s/.local/lib/python%%/", home);
	if (r == 0)
		r = pathglob_expand(rp, pat.buf, PATHGLOB_DIRS, add_glob_match, out);
	if (r < 0)
		goto out;
	strbuf_reset(&pat);
	r = strbuf_addf(&pat, "%s/.pyenv/versions/", home);
	if (r < 0)
		goto out;
	r = pathglob_walk(rp, pat.buf, PATHGLOB_DIRS, add_real_dir, &rd);
	if (r < 0)
		goto out;
	before = out->n;
	for (size_t i = 0; i < versions.n; i++) {
		struct strbuf vp = STRBUF_INIT;

		r = strbuf_addf(&vp, "%s/lib/python%%/site-packages", versions.v[i]);
		if (r == 0)
			r = pathglob_expand(rp, vp.buf, PATHGLOB_ALL, add_glob_match, out);
		strbuf_release(&vp);
		if (r < 0)
			goto out;
	}
	if (out->n == before)
		r = pathglob_expand(rp, pat.buf, PATHGLOB_DIRS, add_glob_match, out);
out:
	pathlist_release(&versions);
	strbuf_release(&pat);
	return r == -EINVAL ? 0 : r;
}

static int gen_python_packages(struct query_ctx *q)
{
	struct rootpath rp = {.fd = -1};
	struct pathlist sites = {0};
	struct pathlist uids = {0};
	struct py_walk w = {
	    .q = q,
	    .want_metadata =
	        qctx_any_used(q, PY_NAME, PY_VERSION) || qctx_any_used(q, PY_SUMMARY, PY_LICENSE),
	};
	int r;

	r = rootpath_init(&rp, qctx_rootfs(q));
	if (r < 0)
		goto out;
	r = collect_sites(q, &rp, PY_DIRECTORY, python_site_patterns,
	                  ARRAY_SIZE(python_site_patterns), &sites);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < sites.n; i++) {
		r = python_site(&w, &rp, sites.v[i], 0);
		if (r < 0)
			goto out;
	}
	/* a directory constraint: those directories only, as osquery */
	if (qctx_has_eq(q, PY_DIRECTORY))
		goto out;

	/* the users: the uid = / IN values (as text, in osquery's set
	 * order), else the user spoor runs as */
	if (qctx_has_eq(q, PY_UID)) {
		for (size_t i = 0; i < qctx_eq_count(q, PY_UID); i++) {
			size_t len;
			const char *t = qctx_eq_text(q, PY_UID, i, &len);

			if (t && (r = pathlist_add(&uids, t, len)) < 0)
				goto out;
		}
		pathlist_sort_unique(&uids);
	} else {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "%ld", (long)getuid());

		r = pathlist_add(&uids, buf, (size_t)n);
		if (r < 0)
			goto out;
	}
	for (size_t u = 0; u < uids.n; u++) {
		struct pathlist usites = {0};
		char *home = NULL;
		int64_t uid;

		if (parse_int64(uids.v[u], &uid) < 0 || passwd_home(qctx_rootfs(q), uid, &home) < 0)
			continue;
		r = python_user_sites(&rp, home, &usites);
		for (size_t i = 0; r == 0 && i < usites.n; i++)
			r = python_site(&w, &rp, usites.v[i], uid);
		pathlist_release(&usites);
		free(home);
		if (r < 0)
			goto out;
	}
out:
	pathlist_release(&uids);
	pathlist_release(&sites);
	rootpath_release(&rp);
	return r;
}

const struct table_spec python_packages_spec = {
    .name = "python_packages",
    .description = "Python packages installed in a system. NOTE: when querying on windows, "
                   "even without a users cross join, all user installed python packages will "
                   "be returned. This special behavior is to not break original functionality.",
    .source = "*.dist-info/METADATA and *.egg-info/PKG-INFO below "
              "/usr/{,local/}lib/python%/{dist,site}-packages",
    TABLE_COLUMNS(python_packages_cols),
    .generate = gen_python_packages,
};

/* ------------------------------------------------------------------ */
/* npm_packages */

enum {
	NPM_NAME,
	NPM_VERSION,
	NPM_DESCRIPTION,
	NPM_AUTHOR,
	NPM_LICENSE,
	NPM_HOMEPAGE,
	NPM_PATH,
	NPM_DIRECTORY,
	NPM_DEPTH,
	NPM_MAX_DEPTH,
	NPM_PID_WITH_NAMESPACE,
	NPM_MOUNT_NAMESPACE_ID,
};

static const struct column_spec npm_packages_cols[] = {
    [NPM_NAME] = {"name", COL_TEXT, 0, .help = "Package display name"},
    [NPM_VERSION] = {"version", COL_TEXT, 0, .collate = COLLATE_VERSION,
                     .help = "Package-supplied version"},
    [NPM_DESCRIPTION] = {"description", COL_TEXT, 0, .help = "Package-supplied description"},
    [NPM_AUTHOR] = {"author", COL_TEXT, 0, .help = "Package-supplied author"},
    [NPM_LICENSE] = {"license", COL_TEXT, 0, .help = "License under which package is launched"},
    [NPM_HOMEPAGE] = {"homepage", COL_TEXT, 0, .help = "Package supplied homepage"},
    [NPM_PATH] = {"path", COL_TEXT, 0, .help = "Path at which this module resides"},
    [NPM_DIRECTORY] = {"directory", COL_TEXT, COLF_INDEX | COLF_OPTIMIZED,
                       .help = "Directory where node_modules are located"},
    [NPM_DEPTH] = {"depth", COL_INTEGER, 0,
                   .help = "Nesting depth of the package (0 = direct dependency)"},
    [NPM_MAX_DEPTH] = {"max_depth", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
                       .help = "Maximum depth to search for nested packages (default 100, "
                               "-1 = unlimited)"},
    [NPM_PID_WITH_NAMESPACE] = {"pid_with_namespace", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
                                .help = "Pids that contain a namespace"},
    [NPM_MOUNT_NAMESPACE_ID] = {"mount_namespace_id", COL_TEXT, COLF_HIDDEN,
                                .help = "Mount namespace id"},
};

static const char *const npm_site_patterns[] = {
    "/usr/local/lib",
    "/opt/homebrew/lib",
    "/usr/lib",
    "/home/%/.npm-global/lib",
    "/home/%/.nvm/versions/node/%/lib",
    "/Users/%/.npm-global/lib",
    "/Users/%/.nvm/versions/node/%/lib",
};

#define NPM_DEFAULT_MAX_DEPTH 100

static void npm_string_member(struct query_ctx *q, int col, json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);

	if (!v)
		return;
	if (json_is_string(v))
		row_text(q, col, json_string_value(v), json_string_length(v));
	else
		row_textz(q, col, "");
}

static void npm_manifest(struct query_ctx *q, const char *file)
{
	struct strbuf sb = STRBUF_INIT;
	bool truncated = false;
	json_error_t jerr;
	json_t *doc = NULL, *v;

	if (rootfs_read(qctx_rootfs(q), file, &sb, NPM_MANIFEST_MAX, &truncated) < 0 || truncated)
		goto out;
	doc = json_loadb(sb.buf, sb.len, JSON_ALLOW_NUL, &jerr);
	if (!doc || !json_is_object(doc))
		goto out;
	npm_string_member(q, NPM_NAME, doc, "name");
	npm_string_member(q, NPM_VERSION, doc, "version");
	npm_string_member(q, NPM_DESCRIPTION, doc, "description");
	npm_string_member(q, NPM_HOMEPAGE, doc, "homepage");
	v = json_object_get(doc, "author");
	if (json_is_string(v))
		row_text(q, NPM_AUTHOR, json_string_value(v), json_string_length(v));
	else if (json_is_object(v))
		npm_string_member(q, NPM_AUTHOR, v, "name");
	v = json_object_get(doc, "license");
	if (json_is_string(v)) {
		row_text(q, NPM_LICENSE, json_string_value(v), json_string_length(v));
	} else if (json_is_object(v)) {
		json_t *url = json_object_get(v, "url");

		if (json_is_string(url))
			row_text(q, NPM_LICENSE, json_string_value(url), json_string_length(url));
	}
out:
	json_decref(doc);
	strbuf_release(&sb);
}

struct npm_dir {
	char *path;
	int64_t depth;
};

struct npm_scan {
	struct query_ctx *q;
	struct rootpath *rp;
	const char *site;
	int64_t depth;
	int64_t max_depth;
	bool want_manifest;
	/* the search stack */
	struct npm_dir *stack;
	size_t nstack, capstack;
	size_t pushed; /* bound on directories queued per site */
	/* (dev, ino) of searched directories */
	struct stat *seen;
	size_t nseen, capseen;
};

static int npm_push(struct npm_scan *s, const char *path, size_t len, int64_t depth)
{
	if (s->pushed++ >= SITES_MAX)
		return -SPOOR_ETOOBIG;
	if (s->nstack == s->capstack) {
		s->capstack = s->capstack ? s->capstack * 2 : 16;
		s->stack = xreallocarray(s->stack, s->capstack, sizeof(*s->stack));
	}
	s->stack[s->nstack].path = xmalloc(len + 1);
	memcpy(s->stack[s->nstack].path, path, len);
	s->stack[s->nstack].path[len] = '\0';
	s->stack[s->nstack].depth = depth;
	s->nstack++;
	return 0;
}

/* Was the directory searched already? lstat, like osquery. Unstattable
 * directories are never "seen". */
static bool npm_seen(struct npm_scan *s, const char *path)
{
	struct stat st;

	if (rootpath_stat(s->rp, path, false, &st) < 0)
		return false;
	for (size_t i = 0; i < s->nseen; i++)
		if (s->seen[i].st_dev == st.st_dev && s->seen[i].st_ino == st.st_ino)
			return true;
	if (s->nseen == s->capseen) {
		s->capseen = s->capseen ? s->capseen * 2 : 16;
		s->seen = xreallocarray(s->seen, s->capseen, sizeof(*s->seen));
	}
	s->seen[s->nseen++] = st;
	return false;
}

static int npm_manifest_match(void *arg, const struct pathglob_entry *e)
{
	struct npm_scan *s = arg;
	const char *path = e->where.path;
	const char *slash;
	int r;

	row_begin(s->q);
	if (s->want_manifest)
		npm_manifest(s->q, path);
	row_text(s->q, NPM_PATH, path, e->path_len);
	row_textz(s->q, NPM_DIRECTORY, s->site);
	row_int(s->q, NPM_DEPTH, s->depth);
	row_int(s->q, NPM_MAX_DEPTH, s->max_depth);
	row_int(s->q, NPM_PID_WITH_NAMESPACE, 0);
	r = row_end(s->q);
	if (r < 0)
		return r;
	if (s->max_depth != -1 && s->depth >= s->max_depth)
		return 0;
	/* the package directory: path without "/package.json" */
	slash = strrchr(path, '/');
	if (slash && slash > path) {
		size_t dlen = (size_t)(slash - path);
		char *nested = xmalloc(dlen + sizeof("/node_modules"));
		struct stat st;

		memcpy(nested, path, dlen);
		memcpy(nested + dlen, "/node_modules", sizeof("/node_modules"));
		if (rootpath_stat(s->rp, nested, true, &st) == 0 && S_ISDIR(st.st_mode))
			r = npm_push(s, path, dlen, s->depth + 1);
		free(nested);
	}
	return r;
}

/* dir joined with rel the way boost's operator/ does: no '/' added when
 * dir ends in one. */
static char *join_path(const char *dir, const char *rel)
{
	size_t dlen = strlen(dir), rlen = strlen(rel);
	bool sep = dlen == 0 || dir[dlen - 1] != '/';
	char *out = xmalloc(dlen + sep + rlen + 1);

	memcpy(out, dir, dlen);
	if (sep)
		out[dlen] = '/';
	memcpy(out + dlen + sep, rel, rlen + 1);
	return out;
}

static int npm_scan_site(struct npm_scan *s)
{
	int r = 0;

	s->pushed = 0;
	s->nseen = 0;
	r = npm_push(s, s->site, strlen(s->site), 0);
	while (r == 0 && s->nstack) {
		struct npm_dir d = s->stack[--s->nstack];
		static const char *const rel[] = {
		    "node_modules/%/package.json",
		    "node_modules/@%/%/package.json",
		};

		if (!npm_seen(s, d.path)) {
			s->depth = d.depth;
			for (size_t i = 0; r == 0 && i < ARRAY_SIZE(rel); i++) {
				char *pat = join_path(d.path, rel[i]);

				r = pathglob_expand(s->rp, pat, PATHGLOB_ALL, npm_manifest_match,
				                    s);
				free(pat);
			}
		}
		free(d.path);
	}
	while (s->nstack)
		free(s->stack[--s->nstack].path);
	return r;
}

/* osquery: std::stoi of the smallest (as text) = value; default 100. */
static int64_t npm_max_depth(const struct query_ctx *q)
{
	const char *best = NULL;
	int64_t v = NPM_DEFAULT_MAX_DEPTH;

	for (size_t i = 0; i < qctx_eq_count(q, NPM_MAX_DEPTH); i++) {
		const char *t = qctx_eq_text(q, NPM_MAX_DEPTH, i, NULL);

		if (t && (!best || strcmp(t, best) < 0))
			best = t;
	}
	if (best) {
		/* stoi: leading blanks, a sign, digits; the rest ignored */
		struct span sp = span_cstr(best);
		bool neg = false;
		uint64_t u;

		span_skip_space(&sp);
		if (!span_empty(&sp) && (*sp.p == '-' || *sp.p == '+'))
			neg = *sp.p++ == '-';
		if (span_uint64(&sp, &u) == 0 && u <= (uint64_t)INT32_MAX + neg)
			v = neg ? -(int64_t)u : (int64_t)u;
	}
	return v;
}

static int gen_npm_packages(struct query_ctx *q)
{
	struct rootpath rp = {.fd = -1};
	struct pathlist sites = {0};
	struct npm_scan s = {
	    .q = q,
	    .rp = &rp,
	    .max_depth = npm_max_depth(q),
	    .want_manifest = qctx_any_used(q, NPM_NAME, NPM_HOMEPAGE),
	};
	int r;

	r = rootpath_init(&rp, qctx_rootfs(q));
	if (r < 0)
		goto out;
	r = collect_sites(q, &rp, NPM_DIRECTORY, npm_site_patterns, ARRAY_SIZE(npm_site_patterns),
	                  &sites);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < sites.n; i++) {
		if (sites.v[i][0] != '/')
			continue;
		s.site = sites.v[i];
		r = npm_scan_site(&s);
		if (r < 0)
			goto out;
	}
out:
	free(s.stack);
	free(s.seen);
	pathlist_release(&sites);
	rootpath_release(&rp);
	return r;
}

const struct table_spec npm_packages_spec = {
    .name = "npm_packages",
    .description = "Node packages installed in a system.",
    .source = "node_modules/*/package.json and node_modules/@*/*/package.json below "
              "/usr/lib, /usr/local/lib, ~/.npm-global/lib, ~/.nvm/versions/node/*/lib",
    TABLE_COLUMNS(npm_packages_cols),
    .generate = gen_npm_packages,
};
