/*
 * augeas.c - configuration files parsed by augeas: the augeas table
 * (table alias configurations).
 *
 *   SELECT node, value, label FROM augeas WHERE path = '/etc/hosts';
 *   SELECT value FROM augeas WHERE node = '/files/etc/ssh/sshd_config/PermitRootLogin';
 *   SELECT path, label, value FROM augeas WHERE path LIKE '/etc/ssh/%';
 *
 * Data source: libaugeas, with the lenses of --augeas_lenses (default
 * /usr/share/augeas/lenses/dist, Debian's augeas-lenses). Augeas is
 * opened with its root set to the rootfs prefix, so a captured tree or a
 * mounted image is parsed instead of the host; every file it reads is
 * <prefix>/<path>, and tree paths stay /files/<path>.
 *
 * Semantics are osquery's (tables/system/posix/augeas.cpp):
 *   - one row per node matched by an augeas path expression; node is the
 *     tree path (/files/etc/hosts/1/ipaddr), value and label the node's
 *     value and label ('' when augeas has none), path the file the node
 *     came from without the /files prefix ('' for nodes outside /files);
 *     a directory node (/files/etc) carries its own path (/etc);
 *   - with no constraint the expression is /files//\* (every node of
 *     every loaded file);
 *   - node = X uses X as an augeas expression as given; node LIKE P
 *     turns %% into /\* and % into * (augeas wildcards);
 *   - path = F becomes /files<F>//\* ; path LIKE P becomes /files<P> with
 *     the same LIKE conversion, and //\* appended unless it already ends
 *     in '*'. All expressions are joined with '|'.
 *   SQLite re-checks every constraint on the rows, as osquery's does.
 *
 * Deliberate differences:
 *   - osquery loads every file augeas knows (aug_load) before matching.
 *     When the query names files by path = (the usual way to query this
 *     table) spoor loads only those, each with the lens augeas would pick
 *     for it (aug_load_file, the autoload incl/excl rules); the rows are
 *     the same because every row must carry one of the named paths. A
 *     named path that is not a regular file (a directory, a missing
 *     file) falls back to the full load, as do queries without path =.
 *   - osquery keeps one augeas handle for the process and logs its
 *     errors (returning no rows); spoor opens a handle per scan (the
 *     rootfs may differ per engine) and reports a failed initialisation
 *     or load as an error. A file a lens cannot parse is no error: augeas
 *     records it under /augeas/files and it gives no rows, in both.
 *   - a file named by path = larger than AUGEAS_FILE_MAX is refused with
 *     "input exceeds its size limit"; augeas reads files whole.
 */
#include <augeas.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"
#include "err.h"
#include "flags.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* Default lens directory (Debian's augeas-lenses); osquery's own default
 * is the lens copy it ships, /usr/share/osquery/lenses. */
#define AUGEAS_LENSES_DEFAULT "/usr/share/augeas/lenses/dist"
/* Largest file named by path = that is handed to augeas, which reads it
 * whole into memory. */
#define AUGEAS_FILE_MAX ((off_t)16 << 20)
/* Longest augeas expression built from constraints. */
#define AUGEAS_PATTERN_MAX ((size_t)64 << 10)

enum {
	AUG_NODE,
	AUG_VALUE,
	AUG_LABEL,
	AUG_PATH,
};

static const struct column_spec augeas_cols[] = {
	[AUG_NODE] = { "node", COL_TEXT, COLF_INDEX | COLF_LIKE,
		.help = "The node path of the configuration item" },
	[AUG_VALUE] = { "value", COL_TEXT, 0,
		.help = "The value of the configuration item" },
	[AUG_LABEL] = { "label", COL_TEXT, 0,
		.help = "The label of the configuration item" },
	[AUG_PATH] = { "path", COL_TEXT, COLF_ADDITIONAL | COLF_LIKE,
		.help = "The path to the configuration file" },
};

static const char *lens_dir(struct query_ctx *q)
{
	const struct flags *fl = engine_flags(qctx_engine(q));

	if (fl && flags_find(fl, "augeas_lenses", strlen("augeas_lenses")))
		return flags_get(fl, "augeas_lenses");
	return AUGEAS_LENSES_DEFAULT;
}

/* Appends one alternative of the expression: osquery's conversion of a
 * node or path constraint (patternFromOsquery). */
static void add_pattern(struct strbuf *pat, const char *input, bool is_like, bool is_path)
{
	size_t start;

	if (pat->len)
		strbuf_addch(pat, '|');
	start = pat->len;
	if (is_path)
		strbuf_addstr(pat, "/files");
	for (const char *s = input; *s; s++) {
		if (is_like && s[0] == '%' && s[1] == '%') {
			strbuf_addstr(pat, "/*");
			s++;
		} else if (is_like && s[0] == '%') {
			strbuf_addch(pat, '*');
		} else {
			strbuf_addch(pat, *s);
		}
	}
	if (is_path && (pat->len == start || pat->buf[pat->len - 1] != '*'))
		strbuf_addstr(pat, "//*");
}

/* The expression for the query; "" when there is no constraint. */
static void build_pattern(struct query_ctx *q, struct strbuf *pat)
{
	for (size_t i = 0; i < qctx_eq_count(q, AUG_NODE); i++) {
		const char *v = qctx_eq_text(q, AUG_NODE, i, NULL);

		if (v)
			add_pattern(pat, v, false, false);
	}
	for (size_t i = 0; i < qctx_like_count(q, AUG_NODE); i++) {
		const char *v = qctx_like(q, AUG_NODE, i);

		if (v && *v)
			add_pattern(pat, v, true, false);
	}
	for (size_t i = 0; i < qctx_eq_count(q, AUG_PATH); i++) {
		const char *v = qctx_eq_text(q, AUG_PATH, i, NULL);

		if (v && *v)
			add_pattern(pat, v, false, true);
	}
	for (size_t i = 0; i < qctx_like_count(q, AUG_PATH); i++) {
		const char *v = qctx_like(q, AUG_PATH, i);

		if (v && *v)
			add_pattern(pat, v, true, true);
	}
}

/*
 * Loads what the query can need: only the files named by path = when
 * they are all regular files under the root, else everything. Returns 0,
 * -SPOOR_ETOOBIG for a named file past the bound, -EIO when augeas fails.
 */
static int load_files(struct query_ctx *q, augeas *aug)
{
	size_t n = qctx_eq_count(q, AUG_PATH);
	bool only_named = n > 0;

	for (size_t i = 0; i < n && only_named; i++) {
		const char *v = qctx_eq_text(q, AUG_PATH, i, NULL);
		struct stat st;

		if (!v || *v != '/' || rootfs_stat(qctx_rootfs(q), v, &st) < 0 ||
		    !S_ISREG(st.st_mode))
			only_named = false;
		else if (st.st_size > AUGEAS_FILE_MAX)
			return -SPOOR_ETOOBIG;
	}
	if (!only_named)
		return aug_load(aug) == 0 ? 0 : -EIO;
	for (size_t i = 0; i < n; i++) {
		const char *v = qctx_eq_text(q, AUG_PATH, i, NULL);

		/* no lens for the file: it gives no rows, as in a full load */
		if (aug_load_file(aug, v) < 0 && aug_error(aug) != AUG_ENOLENS)
			return -EIO;
	}
	return 0;
}

static int cmp_match(const void *a, const void *b, void *arg)
{
	char **m = arg;
	int x = *(const int *)a, y = *(const int *)b;
	int c = strcmp(m[x], m[y]);

	return c ? c : (x > y) - (x < y);
}

/*
 * Marks in skip[] every match that repeats an earlier one: augeas' union
 * ("A|B") lists a node once per alternative that matches it, and a node
 * path names one node, so a repeat is the same node again (osquery emits
 * it twice; spoor once).
 */
static void mark_repeats(char **matches, int n, bool *skip)
{
	int *order = xmalloc((size_t)n * sizeof(*order));

	for (int i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, (size_t)n, sizeof(*order), cmp_match, matches);
	for (int i = 1; i < n; i++)
		if (strcmp(matches[order[i]], matches[order[i - 1]]) == 0)
			skip[order[i]] = true;
	free(order);
}

static int emit_matches(struct query_ctx *q, augeas *aug, const char *pattern)
{
	char **matches = NULL;
	bool *skip;
	int n, r = 0;

	/* an expression augeas cannot parse matches nothing (osquery logs
	 * it and returns no rows) */
	if (aug_defvar(aug, "matches", pattern) < 0)
		return 0;
	n = aug_match(aug, "$matches", &matches);
	if (n < 0 || !matches)
		return 0;
	for (int i = 0; i < n; i++)
		if (!matches[i])
			matches[i] = xstrdup("");
	skip = xcalloc((size_t)n + 1, sizeof(*skip));
	if (strchr(pattern, '|'))
		mark_repeats(matches, n, skip);
	for (int i = 0; i < n; i++) {
		const char *value = NULL, *label = NULL;
		char *file = NULL;

		if (r == 0 && !skip[i] && *matches[i]) {
			if (aug_ns_attr(aug, "matches", i, &value, &label, &file) < 0) {
				r = -EIO;
			} else {
				row_begin(q);
				row_textz(q, AUG_NODE, matches[i]);
				row_textz(q, AUG_VALUE, value ? value : "");
				row_textz(q, AUG_LABEL, label ? label : "");
				if (file && strncmp(file, "/files", 6) == 0)
					row_textz(q, AUG_PATH, file + 6);
				else if (strncmp(matches[i], "/files", 6) == 0)
					row_textz(q, AUG_PATH, matches[i] + 6);
				else
					row_textz(q, AUG_PATH, "");
				r = row_end(q);
			}
			free(file);
		}
		free(matches[i]);
	}
	free(skip);
	free(matches);
	return r;
}

static int gen_augeas(struct query_ctx *q)
{
	struct strbuf pat = STRBUF_INIT;
	augeas *aug;
	int r;

	build_pattern(q, &pat);
	if (pat.len > AUGEAS_PATTERN_MAX) {
		strbuf_release(&pat);
		return -SPOOR_ETOOBIG;
	}
	aug = aug_init(rootfs_prefix(qctx_rootfs(q)), lens_dir(q),
		       AUG_NO_ERR_CLOSE | AUG_NO_LOAD | AUG_NO_STDINC | AUG_SAVE_NOOP);
	if (!aug || aug_error(aug) != AUG_NOERROR) {
		r = -EIO;
		goto out;
	}
	r = load_files(q, aug);
	if (r < 0)
		goto out;
	r = emit_matches(q, aug, pat.len ? pat.buf : "/files//*");
out:
	aug_close(aug);
	strbuf_release(&pat);
	return r;
}

static const char *const augeas_aliases[] = { "configurations", NULL };

const struct table_spec augeas_spec = {
	.name = "augeas",
	.description = "Configuration files parsed by augeas.",
	.source = "libaugeas over the rootfs (lenses from --augeas_lenses)",
	TABLE_COLUMNS(augeas_cols),
	.aliases = augeas_aliases,
	.generate = gen_augeas,
};
