/*
 * yum.c - yum_sources: the repositories yum is configured with.
 *
 *   SELECT name, baseurl, enabled FROM yum_sources WHERE enabled = '1';
 *
 * Data source, through the rootfs layer: /etc/yum.conf, then every
 * <reposdir>/%.repo in byte order, where reposdir is yum.conf's
 * [main] reposdir (the whole value, as one directory) or
 * /etc/yum.repos.d.
 *
 * osquery's yum_sources.cpp reads each file with boost's INI parser and
 * spoor keeps its rules: lines are trimmed (space, \t, \n, \v, \f, \r);
 * blank lines and lines starting with ';' or '#' are skipped; "[name]"
 * opens a section (text after ']' ignored); "key = value" (split at the
 * first '='). The whole file gives no rows when it holds a line that is
 * none of these (a continuation line of a multi-line baseurl, say), a
 * '[' without ']', a line starting with '=', a section name seen twice
 * or a key seen twice in one section -- boost throws and osquery skips
 * the file (and, for yum.conf, falls back to /etc/yum.repos.d).
 * Sections without keys are dropped. Every other section but "main" is
 * a row whose name, baseurl, mirrorlist, metalink, enabled, gpgcheck and
 * gpgkey come from the keys of those exact (case-sensitive) names, NULL
 * when absent; a key before any section is a row of its own holding only
 * source, as in osquery (boost puts it at the top of the tree).
 *
 * Bounds: a file is read up to YUM_FILE_MAX bytes; a longer one is
 * skipped like an unparsable one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pathglob.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "rootpath.h"
#include "strparse.h"
#include "banned.h"

#define YUM_FILE_MAX ((size_t)4 << 20)
#define YUM_CONF "/etc/yum.conf"
#define YUM_REPOS_DIR "/etc/yum.repos.d"
#define YUM_SECTIONS_MAX 4096
#define YUM_KEYS_MAX 4096

enum {
	YUM_NAME,
	YUM_SOURCE,
	YUM_BASEURL,
	YUM_MIRRORLIST,
	YUM_METALINK,
	YUM_ENABLED,
	YUM_GPGCHECK,
	YUM_GPGKEY,
	YUM_PID_WITH_NAMESPACE,
	YUM_NVALUES_ = YUM_PID_WITH_NAMESPACE,
};

static const struct column_spec yum_sources_cols[] = {
    [YUM_NAME] = {"name", COL_TEXT, 0, .help = "Repository name"},
    [YUM_SOURCE] = {"source", COL_TEXT, 0, .help = "Source file"},
    [YUM_BASEURL] = {"baseurl", COL_TEXT, 0, .help = "Repository base URL"},
    [YUM_MIRRORLIST] = {"mirrorlist", COL_TEXT, 0, .help = "Mirrorlist URL"},
    [YUM_METALINK] = {"metalink", COL_TEXT, 0, .help = "Metalink URL"},
    [YUM_ENABLED] = {"enabled", COL_TEXT, 0, .help = "Whether the repository is used"},
    [YUM_GPGCHECK] = {"gpgcheck", COL_TEXT, 0, .help = "Whether packages are GPG checked"},
    [YUM_GPGKEY] = {"gpgkey", COL_TEXT, 0, .help = "URL to GPG key"},
    [YUM_PID_WITH_NAMESPACE] = {"pid_with_namespace", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
                                .help = "Pids that contain a namespace"},
};

/* One entry of the parsed tree: a section (is_section) with its keys,
 * or a key before any section. */
struct ini_key {
	struct span key;
	struct span val;
};

struct ini_node {
	struct span name;
	bool is_section;
	struct ini_key *keys;
	size_t nkeys, capkeys;
};

struct ini_tree {
	struct ini_node *v;
	size_t n, cap;
};

static void ini_tree_release(struct ini_tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].keys);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

static bool is_ini_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static void ini_trim(struct span *sp)
{
	while (sp->p < sp->end && is_ini_space(*sp->p))
		sp->p++;
	while (sp->end > sp->p && is_ini_space(sp->end[-1]))
		sp->end--;
}

static bool span_same(const struct span *a, const struct span *b)
{
	return span_len(a) == span_len(b) && memcmp(a->p, b->p, span_len(a)) == 0;
}

static struct ini_node *ini_push(struct ini_tree *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
	return &t->v[t->n++];
}

static int ini_add_key(struct ini_node *n, struct span key, struct span val)
{
	for (size_t i = 0; i < n->nkeys; i++)
		if (span_same(&n->keys[i].key, &key))
			return -SPOOR_EPARSE; /* duplicate key name */
	if (n->nkeys >= YUM_KEYS_MAX)
		return -SPOOR_ETOOBIG;
	if (n->nkeys == n->capkeys) {
		n->capkeys = n->capkeys ? n->capkeys * 2 : 8;
		n->keys = xreallocarray(n->keys, n->capkeys, sizeof(*n->keys));
	}
	n->keys[n->nkeys].key = key;
	n->keys[n->nkeys].val = val;
	n->nkeys++;
	return 0;
}

/* boost::property_tree::read_ini over text; spans point into it. */
static int ini_parse(const char *text, size_t len, struct ini_tree *t)
{
	struct span sp = span_make(text, len), line;
	struct ini_node top = {0}; /* keys before any section */
	struct ini_node *section = NULL;
	size_t section_idx = 0;
	int r = 0;

	while (span_line(&sp, &line) == 0) {
		ini_trim(&line);
		if (span_empty(&line) || *line.p == ';' || *line.p == '#')
			continue;
		if (*line.p == '[') {
			const char *rb = memchr(line.p, ']', span_len(&line));
			struct span name;

			if (section && section->nkeys == 0) { /* drop an empty section */
				t->n--;
				section = NULL;
			}
			if (!rb) {
				r = -SPOOR_EPARSE;
				goto out;
			}
			name = span_make(line.p + 1, (size_t)(rb - line.p - 1));
			ini_trim(&name);
			for (size_t i = 0; i < t->n; i++)
				if (t->v[i].is_section && span_same(&t->v[i].name, &name)) {
					r = -SPOOR_EPARSE;
					goto out;
				}
			for (size_t i = 0; i < top.nkeys; i++)
				if (span_same(&top.keys[i].key, &name)) {
					r = -SPOOR_EPARSE;
					goto out;
				}
			if (t->n >= YUM_SECTIONS_MAX) {
				r = -SPOOR_ETOOBIG;
				goto out;
			}
			section = ini_push(t);
			section->name = name;
			section->is_section = true;
			section_idx = t->n - 1;
		} else {
			const char *eq = memchr(line.p, '=', span_len(&line));
			struct span key, val;

			if (!eq || eq == line.p) {
				r = -SPOOR_EPARSE;
				goto out;
			}
			key = span_make(line.p, (size_t)(eq - line.p));
			val = span_make(eq + 1, (size_t)(line.end - eq - 1));
			ini_trim(&key);
			ini_trim(&val);
			if (section) {
				r = ini_add_key(&t->v[section_idx], key, val);
			} else {
				/* a top-level key: a tree node of its own, and a
				 * name later sections may not reuse */
				for (size_t i = 0; i < t->n; i++)
					if (t->v[i].is_section && span_same(&t->v[i].name, &key))
						r = -SPOOR_EPARSE;
				if (r == 0)
					r = ini_add_key(&top, key, val);
				if (r == 0) {
					struct ini_node *n = ini_push(t);

					n->name = key;
				}
			}
			if (r < 0)
				goto out;
			section = section ? &t->v[section_idx] : NULL;
		}
	}
	if (section && section->nkeys == 0)
		t->n--;
out:
	free(top.keys);
	return r;
}

static int yum_rows(struct query_ctx *q, const char *source, const struct ini_tree *t)
{
	static const char *const keys[YUM_NVALUES_] = {
	    [YUM_NAME] = "name",         [YUM_BASEURL] = "baseurl", [YUM_MIRRORLIST] = "mirrorlist",
	    [YUM_METALINK] = "metalink", [YUM_ENABLED] = "enabled", [YUM_GPGCHECK] = "gpgcheck",
	    [YUM_GPGKEY] = "gpgkey",
	};
	int r;

	for (size_t i = 0; i < t->n; i++) {
		const struct ini_node *n = &t->v[i];

		if (span_eq(&n->name, "main"))
			continue;
		row_begin(q);
		row_textz(q, YUM_SOURCE, source);
		for (size_t k = 0; k < n->nkeys; k++)
			for (int c = 0; c < YUM_NVALUES_; c++)
				if (keys[c] && span_eq(&n->keys[k].key, keys[c]))
					row_text(q, c, n->keys[k].val.p, span_len(&n->keys[k].val));
		row_int(q, YUM_PID_WITH_NAMESPACE, 0);
		r = row_end(q);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Parses one file and emits its rows. When ret_reposdir is not NULL it
 * receives [main] reposdir (malloc'd) or NULL. An unreadable, too big or
 * malformed file gives no rows and returns 0.
 */
static int yum_file(struct query_ctx *q, const char *path, char **ret_reposdir)
{
	struct strbuf sb = STRBUF_INIT;
	struct ini_tree t = {0};
	bool truncated = false;
	int r;

	r = rootfs_read(qctx_rootfs(q), path, &sb, YUM_FILE_MAX, &truncated);
	if (r < 0 || truncated) {
		r = 0;
		goto out;
	}
	if (ini_parse(sb.buf, sb.len, &t) < 0)
		goto out;
	if (ret_reposdir) {
		for (size_t i = 0; i < t.n && !*ret_reposdir; i++) {
			if (!t.v[i].is_section || !span_eq(&t.v[i].name, "main"))
				continue;
			for (size_t k = 0; k < t.v[i].nkeys; k++) {
				const struct ini_key *kv = &t.v[i].keys[k];

				if (span_eq(&kv->key, "reposdir")) {
					*ret_reposdir = xmalloc(span_len(&kv->val) + 1);
					memcpy(*ret_reposdir, kv->val.p, span_len(&kv->val));
					(*ret_reposdir)[span_len(&kv->val)] = '\0';
					break;
				}
			}
		}
	}
	r = yum_rows(q, path, &t);
out:
	ini_tree_release(&t);
	strbuf_release(&sb);
	return r;
}

struct yum_glob {
	char **v;
	size_t n, cap;
};

static int yum_glob_add(void *arg, const struct pathglob_entry *e)
{
	struct yum_glob *g = arg;

	if (g->n >= YUM_SECTIONS_MAX)
		return -SPOOR_ETOOBIG;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->v = xreallocarray(g->v, g->cap, sizeof(*g->v));
	}
	g->v[g->n++] = xstrdup(e->where.path);
	return 0;
}

static int gen_yum_sources(struct query_ctx *q)
{
	struct rootpath rp = {.fd = -1};
	struct yum_glob g = {0};
	char *reposdir = NULL;
	struct strbuf pat = STRBUF_INIT;
	int r;

	r = yum_file(q, YUM_CONF, &reposdir);
	if (r < 0)
		goto out;
	r = strbuf_addf(&pat, "%s/%%.repo", reposdir ? reposdir : YUM_REPOS_DIR);
	if (r < 0)
		goto out;
	r = rootpath_init(&rp, qctx_rootfs(q));
	if (r < 0)
		goto out;
	/* the files first, rows after: a callback must not read files
	 * while the walk holds its directory */
	r = pathglob_expand(&rp, pat.buf, PATHGLOB_FILES, yum_glob_add, &g);
	if (r == -EINVAL) /* a relative reposdir: nothing */
		r = 0;
	for (size_t i = 0; r == 0 && i < g.n; i++)
		r = yum_file(q, g.v[i], NULL);
out:
	for (size_t i = 0; i < g.n; i++)
		free(g.v[i]);
	free(g.v);
	free(reposdir);
	strbuf_release(&pat);
	rootpath_release(&rp);
	return r;
}

const struct table_spec yum_sources_spec = {
    .name = "yum_sources",
    .description = "Current list of Yum repositories or software channels.",
    .source = "/etc/yum.conf and /etc/yum.repos.d/*.repo (INI)",
    TABLE_COLUMNS(yum_sources_cols),
    .generate = gen_yum_sources,
};
