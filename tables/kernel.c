/*
 * kernel.c - what the running kernel has loaded, tuned and mounted:
 * kernel_modules, system_controls, mounts.
 *
 *   SELECT name, used_by FROM kernel_modules WHERE status = 'Live';
 *   SELECT current_value, config_value FROM system_controls
 *     WHERE name = 'net.ipv4.ip_forward';
 *   SELECT * FROM system_controls WHERE subsystem = 'kernel'
 *     AND current_value != config_value;
 *   SELECT path, type, blocks_available * blocks_size AS avail FROM mounts;
 *
 * Data sources, all through the rootfs layer: /proc/modules, the
 * /proc/sys tree and the sysctl configuration files (sysctl.conf(5),
 * sysctl.d(5)), /proc/mounts; statfs(2) of each mount point on the live
 * host only. Semantics are osquery's (tables/system/linux/
 * kernel_modules.cpp, posix/system_controls.cpp, linux/sysctl_utils.cpp,
 * linux/mounts.cpp with filesystem/linux/mounts.cpp); where spoor
 * differs it says so next to the code.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* /proc/modules holds ~100 bytes per module; 4 MiB is 40,000 modules. */
#define MODULES_FILE_MAX ((size_t)4 << 20)
/* /proc/mounts: ~150 bytes per mount; 16 MiB is 100,000 mounts, far
 * past what a host full of containers reaches. */
#define MOUNTS_FILE_MAX ((size_t)16 << 20)
/* One sysctl value: the kernel's handlers print at most a page; a file
 * past this bound in a captured tree is not a sysctl (value NULL). */
#define SYSCTL_VALUE_MAX ((size_t)64 << 10)
/* One sysctl configuration file, and how many of them are read. */
#define SYSCTL_CONF_MAX ((size_t)1 << 20)
#define SYSCTL_CONF_FILES_MAX 4096
/* /proc/sys is 6 levels deep (net.ipv4.conf.<if>.<key>): a deeper
 * captured tree is cut here rather than recursed without end. */
#define SYSCTL_DEPTH_MAX 32
/* Symlinks followed while canonicalizing one device path (glibc's
 * realpath gives up at the same count). */
#define CANON_LINKS_MAX 40

/* Errors about spoor itself, not about one entry: they end a scan. */
static bool fatal_error(int r)
{
	return r == -EMFILE || r == -ENFILE || r == -ENOMEM;
}

/* The whole span is one unsigned decimal number. */
static bool span_to_uint64(struct span sp, uint64_t *ret)
{
	return span_uint64(&sp, ret) == 0 && span_empty(&sp);
}

/* ------------------------------------------------------------------ */
/* kernel_modules */

enum {
	KM_NAME,
	KM_SIZE,
	KM_USED_BY,
	KM_STATUS,
	KM_ADDRESS,
};

static const struct column_spec kernel_modules_cols[] = {
	[KM_NAME] = { "name", COL_TEXT, 0, .help = "Module name" },
	[KM_SIZE] = { "size", COL_BIGINT, 0, .help = "Size of module content" },
	[KM_USED_BY] = { "used_by", COL_TEXT, 0, .help = "Module reverse dependencies" },
	[KM_STATUS] = { "status", COL_TEXT, 0, .help = "Kernel module status" },
	[KM_ADDRESS] = { "address", COL_TEXT, 0, .help = "Kernel module address" },
};

/*
 * "nf_nat 61440 2 xt_MASQUERADE,nft_chain_nat, Live 0xffffffffc0a1b000 (E)":
 * name, size, reference count, users (each followed by ',', or "-"),
 * state, load address (zeros unless CAP_SYSLOG), optional taint flags.
 * osquery splits at spaces, drops one trailing ',' from every field and
 * skips lines of fewer than six fields.
 */
static int gen_kernel_modules(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT;
	bool truncated = false;
	struct span file, line;
	int r;

	r = rootfs_read(qctx_rootfs(q), "/proc/modules", &sb, MODULES_FILE_MAX, &truncated);
	if (r < 0)
		goto out;
	if (truncated) {
		r = -SPOOR_ETOOBIG;
		goto out;
	}
	file = span_make(sb.buf, sb.len);
	while (span_line(&file, &line) == 0) {
		struct span f[6];
		uint64_t size;
		size_t n = 0;

		while (n < ARRAY_SIZE(f) && span_word(&line, &f[n]) == 0) {
			if (span_len(&f[n]) && f[n].end[-1] == ',')
				f[n].end--;
			n++;
		}
		if (n < ARRAY_SIZE(f))
			continue;
		row_begin(q);
		row_text(q, KM_NAME, f[0].p, span_len(&f[0]));
		/* osquery copies the text; a size that is no number is NULL
		 * in its BIGINT column */
		if (span_to_uint64(f[1], &size) && size <= INT64_MAX)
			row_int(q, KM_SIZE, (int64_t)size);
		row_text(q, KM_USED_BY, f[3].p, span_len(&f[3]));
		row_text(q, KM_STATUS, f[4].p, span_len(&f[4]));
		row_text(q, KM_ADDRESS, f[5].p, span_len(&f[5]));
		r = row_end(q);
		if (r < 0)
			goto out;
	}
out:
	strbuf_release(&sb);
	/* no /proc/modules (a kernel built without modules): no rows */
	return r == -ENOENT ? 0 : r;
}

const struct table_spec kernel_modules_spec = {
	.name = "kernel_modules",
	.description = "Linux kernel modules both loaded and within the load search path.",
	.source = "/proc/modules",
	TABLE_COLUMNS(kernel_modules_cols),
	.generate = gen_kernel_modules,
};

/* ------------------------------------------------------------------ */
/* system_controls: the sysctl configuration */

/*
 * One "key = value" assignment of a configuration file. Keys are kept in
 * osquery's name form: sysctl.d(5) accepts "net/ipv4/ip_forward" as well
 * as "net.ipv4.ip_forward", and names a component holding a dot with a
 * slash in the dotted form ("net.ipv4.conf.eth0/100.forwarding"); in
 * both forms turning every '/' into '.' gives the name osquery builds
 * from the /proc/sys path.
 */
struct sysctl_assign {
	char *key;
	char *value;
	bool glob;
};

struct sysctl_conf {
	struct sysctl_assign *v;
	size_t n, alloc;
};

static void sysctl_conf_release(struct sysctl_conf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	c->v = NULL;
	c->n = c->alloc = 0;
}

static void sysctl_conf_add(struct sysctl_conf *c, struct span key, struct span value)
{
	struct sysctl_assign *a;

	if (c->n == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 64;
		c->v = xreallocarray(c->v, c->alloc, sizeof(*c->v));
	}
	a = &c->v[c->n++];
	a->key = xstrndup(key.p, span_len(&key));
	a->value = xstrndup(value.p, span_len(&value));
	for (char *p = a->key; *p; p++)
		if (*p == '/')
			*p = '.';
	a->glob = strpbrk(a->key, "*?[") != NULL;
}

/*
 * The lines of one file, as procps's sysctl --system and
 * systemd-sysctl read them: blank lines and lines starting with '#' or
 * ';' are comments; "key = value" splits at the first '=' and both sides
 * are trimmed; a '-' before the key (ignore failures) is not part of it.
 * osquery also skips a value holding '=' or an empty one; spoor keeps
 * them, as the tools applying the file do.
 */
static void sysctl_conf_parse(struct sysctl_conf *c, const struct strbuf *sb)
{
	struct span file = span_make(sb->buf, sb->len), line;

	while (span_line(&file, &line) == 0) {
		struct span key, value;

		span_trim(&line);
		if (span_empty(&line) || *line.p == '#' || *line.p == ';')
			continue;
		if (span_kv(&line, '=', &key, &value) < 0)
			continue;
		if (!span_empty(&key) && *key.p == '-') {
			key.p++;
			span_trim(&key);
		}
		if (span_empty(&key) || memchr(key.p, '\0', span_len(&key)) ||
		    memchr(value.p, '\0', span_len(&value)))
			continue;
		sysctl_conf_add(c, key, value);
	}
}

static int sysctl_conf_read(struct sysctl_conf *c, const struct rootfs *rfs, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	bool truncated = false;
	int r;

	r = rootfs_read(rfs, path, &sb, SYSCTL_CONF_MAX, &truncated);
	if (r == 0 && !truncated)
		sysctl_conf_parse(c, &sb);
	strbuf_release(&sb);
	/* an unreadable or oversized file sets nothing; only running out
	 * of descriptors or memory is an error */
	return fatal_error(r) ? r : 0;
}

struct conf_file {
	char *name;
	size_t dir;
};

static int cmp_conf_file(const void *a, const void *b)
{
	const struct conf_file *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->dir < y->dir ? -1 : x->dir > y->dir;
}

/*
 * The configuration in the order it is applied at boot (sysctl.d(5),
 * procps's sysctl --system): the *.conf files of the directories below,
 * a name in an earlier directory masking the same name in a later one,
 * applied in the order of their names; /etc/sysctl.conf last. The later
 * assignment of a key wins.
 *
 * osquery reads /etc/sysctl.conf first and then every *.conf of these
 * directories, directory by directory, the last one read winning; so
 * /usr/lib/sysctl.d/50-pid-max.conf would override an administrator's
 * /etc/sysctl.d/ or /etc/sysctl.conf. spoor reports what the system
 * applies instead.
 */
static const char *const sysctl_conf_dirs[] = {
	"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
	"/usr/lib/sysctl.d", "/lib/sysctl.d",
};

static bool conf_name(const char *name)
{
	size_t n = strlen(name);

	/* hidden files are not configuration (systemd, glob(3)) */
	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

static int sysctl_conf_load(struct sysctl_conf *c, const struct rootfs *rfs)
{
	struct conf_file *files = NULL;
	size_t n = 0, alloc = 0;
	int r = 0;

	for (size_t d = 0; d < ARRAY_SIZE(sysctl_conf_dirs); d++) {
		struct dirent *de;
		DIR *dir;

		r = rootfs_opendir(rfs, sysctl_conf_dirs[d], &dir);
		if (r < 0) {
			if (fatal_error(r))
				goto out;
			r = 0;
			continue;
		}
		while ((de = readdir(dir)) && n < SYSCTL_CONF_FILES_MAX) {
			if (!conf_name(de->d_name))
				continue;
			if (n == alloc) {
				alloc = alloc ? alloc * 2 : 32;
				files = xreallocarray(files, alloc, sizeof(*files));
			}
			files[n].name = xstrdup(de->d_name);
			files[n].dir = d;
			n++;
		}
		closedir(dir);
	}
	if (n)
		qsort(files, n, sizeof(*files), cmp_conf_file);
	for (size_t i = 0; i < n && r == 0; i++) {
		struct strbuf path = STRBUF_INIT;

		/* sorted by name, then directory: the first of a name wins */
		if (i > 0 && strcmp(files[i].name, files[i - 1].name) == 0)
			continue;
		strbuf_addf(&path, "%s/%s", sysctl_conf_dirs[files[i].dir], files[i].name);
		r = sysctl_conf_read(c, rfs, path.buf);
		strbuf_release(&path);
	}
	if (r == 0)
		r = sysctl_conf_read(c, rfs, "/etc/sysctl.conf");
out:
	for (size_t i = 0; i < n; i++)
		free(files[i].name);
	free(files);
	return r;
}

/*
 * The configured value of a name: the last exact assignment, else the
 * last glob ("net.ipv4.conf.*.rp_filter", systemd's sysctl.d) matching
 * it, since systemd lets an explicit key override any glob. NULL when
 * nothing configures it. osquery knows no globs.
 */
static const char *sysctl_conf_lookup(const struct sysctl_conf *c, const char *name)
{
	const char *glob = NULL;

	for (size_t i = c->n; i-- > 0;) {
		const struct sysctl_assign *a = &c->v[i];

		if (!a->glob) {
			if (strcmp(a->key, name) == 0)
				return a->value;
		} else if (!glob && fnmatch(a->key, name, 0) == 0) {
			glob = a->value;
		}
	}
	return glob;
}

/* ------------------------------------------------------------------ */
/* system_controls: the /proc/sys walk */

enum {
	SC_NAME,
	SC_OID,
	SC_SUBSYSTEM,
	SC_CURRENT_VALUE,
	SC_CONFIG_VALUE,
	SC_TYPE,
	SC_FIELD_NAME,
};

static const struct column_spec system_controls_cols[] = {
	[SC_NAME] = { "name", COL_TEXT, COLF_INDEX, .help = "Full sysctl MIB name" },
	[SC_OID] = { "oid", COL_TEXT, COLF_ADDITIONAL, .help = "Control MIB" },
	[SC_SUBSYSTEM] = { "subsystem", COL_TEXT, COLF_ADDITIONAL,
			   .help = "Subsystem ID, control type" },
	[SC_CURRENT_VALUE] = { "current_value", COL_TEXT, 0, .help = "Value of setting" },
	[SC_CONFIG_VALUE] = { "config_value", COL_TEXT, 0,
			      .help = "The MIB value set in /etc/sysctl.conf" },
	[SC_TYPE] = { "type", COL_TEXT, 0, .help = "Data type" },
	[SC_FIELD_NAME] = { "field_name", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
			    .help = "Specific attribute of opaque type" },
};

#define PROC_SYS "/proc/sys"

struct sysctl_walk {
	struct query_ctx *q;
	const struct rootfs *rfs;
	/* NULL when the query does not use config_value */
	const struct sysctl_conf *conf;
	/* "/proc/sys/<path of the current entry>" */
	struct strbuf path;
	struct strbuf value;
	struct strbuf name;
};

static bool is_space(char c)
{
	/* boost::trim's set in the C locale */
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/*
 * One control, w->path naming its file. osquery: name is the path below
 * /proc/sys with '/' made '.', subsystem its first component,
 * current_value the content with surrounding whitespace trimmed (NULL
 * when the file is not readable by permission, as vm.drop_caches, or is
 * gone; '' when reading fails otherwise, as net.ipv6.conf.*.stable_secret
 * does before it is set; NULL past SYSCTL_VALUE_MAX), type always
 * "string", oid always NULL.
 */
static int emit_control(struct sysctl_walk *w)
{
	struct query_ctx *q = w->q;
	const char *rel = w->path.buf + strlen(PROC_SYS "/");
	struct span value = { 0 };
	const char *dot;
	bool has_value = false;

	strbuf_reset(&w->name);
	if (strbuf_addstr(&w->name, rel) < 0)
		return -SPOOR_ETOOBIG;
	for (size_t i = 0; i < w->name.len; i++)
		if (w->name.buf[i] == '/')
			w->name.buf[i] = '.';
	dot = strchr(w->name.buf, '.');

	if (qctx_used(q, SC_CURRENT_VALUE)) {
		bool truncated = false;
		int r;

		strbuf_reset(&w->value);
		r = rootfs_read(w->rfs, w->path.buf, &w->value, SYSCTL_VALUE_MAX, &truncated);
		if (fatal_error(r))
			return r;
		if (r == 0 && !truncated) {
			value = span_make(w->value.buf, w->value.len);
			while (!span_empty(&value) && is_space(*value.p))
				value.p++;
			while (!span_empty(&value) && is_space(value.end[-1]))
				value.end--;
			has_value = true;
		} else if (r < 0 && r != -EACCES && r != -EPERM && r != -ENOENT) {
			value = span_make("", 0);
			has_value = true;
		}
	}

	row_begin(q);
	row_text(q, SC_NAME, w->name.buf, w->name.len);
	row_text(q, SC_SUBSYSTEM, w->name.buf,
		 dot ? (size_t)(dot - w->name.buf) : w->name.len);
	if (has_value)
		row_text(q, SC_CURRENT_VALUE, value.p, span_len(&value));
	if (w->conf)
		row_textz(q, SC_CONFIG_VALUE, sysctl_conf_lookup(w->conf, w->name.buf));
	row_textz(q, SC_TYPE, "string");
	return row_end(q);
}

struct dir_entry {
	char *name;
	bool is_dir;
};

/* osquery lists a directory's subdirectories first, then its files. */
static int cmp_dir_entry(const void *a, const void *b)
{
	const struct dir_entry *x = a, *y = b;

	if (x->is_dir != y->is_dir)
		return x->is_dir ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void free_entries(struct dir_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/*
 * The entries of the directory w->path, sorted. A symlink is a file
 * when it leads to one (inside the root) and skipped when it leads to a
 * directory: /proc/sys has no symlinks, and a captured tree must not
 * make the walk loop.
 */
static int list_dir(struct sysctl_walk *w, struct dir_entry **ret, size_t *ret_n)
{
	struct dir_entry *v = NULL;
	size_t n = 0, alloc = 0, base = w->path.len;
	struct dirent *de;
	DIR *dir;
	int r;

	r = rootfs_opendir(w->rfs, w->path.buf, &dir);
	if (r < 0)
		return r;
	for (;;) {
		bool is_dir;

		errno = 0;
		de = readdir(dir);
		if (!de) {
			r = errno ? -errno : 0;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type == DT_DIR) {
			is_dir = true;
		} else if (de->d_type == DT_REG) {
			is_dir = false;
		} else {
			struct stat st;
			int sr;

			if (strbuf_addf(&w->path, "/%s", de->d_name) < 0) {
				strbuf_setlen(&w->path, base);
				continue;
			}
			sr = rootfs_stat(w->rfs, w->path.buf, &st);
			strbuf_setlen(&w->path, base);
			/* a dangling symlink is nothing */
			if (sr < 0)
				continue;
			if (S_ISDIR(st.st_mode) && de->d_type == DT_LNK)
				continue;
			is_dir = S_ISDIR(st.st_mode);
		}
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			v = xreallocarray(v, alloc, sizeof(*v));
		}
		v[n].name = xstrdup(de->d_name);
		v[n].is_dir = is_dir;
		n++;
	}
	closedir(dir);
	if (r < 0) {
		free_entries(v, n);
		return r;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_dir_entry);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Every control under the directory w->path. */
static int walk_dir(struct sysctl_walk *w, int depth)
{
	struct dir_entry *v = NULL;
	size_t n = 0, base = w->path.len;
	int r;

	r = list_dir(w, &v, &n);
	if (r < 0)
		/* a directory that vanished or is closed to us lists nothing */
		return fatal_error(r) ? r : 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (v[i].is_dir && depth >= SYSCTL_DEPTH_MAX)
			continue;
		/* past PATH_MAX (only a crafted tree gets there): skipped */
		if (strbuf_addf(&w->path, "/%s", v[i].name) < 0) {
			strbuf_setlen(&w->path, base);
			continue;
		}
		r = v[i].is_dir ? walk_dir(w, depth + 1) : emit_control(w);
		strbuf_setlen(&w->path, base);
	}
	free_entries(v, n);
	return r;
}

/* The top-level directories of /proc/sys (osquery's "subsystems"),
 * only the one named sub when sub is not NULL. */
static int walk_subsystems(struct sysctl_walk *w, const char *sub)
{
	struct dir_entry *v = NULL;
	size_t n = 0;
	int r;

	strbuf_reset(&w->path);
	strbuf_addstr(&w->path, PROC_SYS);
	r = list_dir(w, &v, &n);
	if (r < 0)
		/* no /proc/sys in the tree: no rows */
		return fatal_error(r) ? r : 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (!v[i].is_dir || (sub && strcmp(v[i].name, sub) != 0))
			continue;
		strbuf_reset(&w->path);
		strbuf_addf(&w->path, PROC_SYS "/%s", v[i].name);
		r = walk_dir(w, 1);
	}
	free_entries(v, n);
	return r;
}

/*
 * name = '...': the name is a path with its '/' made '.', but a
 * component may hold a dot itself ("net.ipv4.conf.eth0.100.forwarding"
 * is net/ipv4/conf/eth0.100/forwarding), so each way of grouping the
 * remaining components is tried against what exists, depth first. Only
 * existing directories are descended, so the search stays as small as
 * the tree. Every file whose name is the requested one is emitted, as a
 * scan would list it; osquery tries only the all-slashes path.
 */
static int resolve_name(struct sysctl_walk *w, struct span rest, int depth)
{
	size_t base = w->path.len;
	const char *p = rest.p;
	int r = 0;

	if (depth > SYSCTL_DEPTH_MAX)
		return 0;
	while (r == 0) {
		const char *dot = memchr(p, '.', (size_t)(rest.end - p));
		const char *comp_end = dot ? dot : rest.end;
		struct stat st;

		/* an empty component, "net..ipv4" or a trailing '.', names
		 * nothing */
		if (comp_end == p)
			break;
		if (strbuf_addch(&w->path, '/') < 0 ||
		    strbuf_add(&w->path, rest.p, (size_t)(comp_end - rest.p)) < 0) {
			strbuf_setlen(&w->path, base);
			return 0;
		}
		if (rootfs_stat(w->rfs, w->path.buf, &st) == 0) {
			/* a file right under /proc/sys is no control: a scan
			 * lists only the subsystem directories */
			if (!dot && !S_ISDIR(st.st_mode) && depth > 1)
				r = emit_control(w);
			else if (dot && S_ISDIR(st.st_mode))
				r = resolve_name(w, span_make(dot + 1, (size_t)(rest.end - dot - 1)),
						 depth + 1);
		}
		strbuf_setlen(&w->path, base);
		if (!dot)
			break;
		p = dot + 1;
	}
	return r;
}

/* A name or subsystem value that cannot leave /proc/sys. */
static bool safe_value(const char *s, size_t len)
{
	return s && len && !memchr(s, '/', len) && !memchr(s, '\0', len) &&
	       !(len == 1 && s[0] == '.') && !(len == 2 && s[0] == '.' && s[1] == '.');
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct usable text values of the = / IN constraint on col,
 * sorted (osquery keeps them in a set). */
static size_t eq_values(const struct query_ctx *q, int col, const char ***ret)
{
	size_t n = qctx_eq_count(q, col), k = 0;
	const char **v = xreallocarray(NULL, n ? n : 1, sizeof(*v));

	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *t = qctx_eq_text(q, col, i, &len);

		if (safe_value(t, len))
			v[k++] = t;
	}
	if (k)
		qsort(v, k, sizeof(*v), cmp_str);
	n = k;
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || strcmp(v[i], v[k - 1]) != 0)
			v[k++] = v[i];
	*ret = v;
	return k;
}

static int gen_system_controls(struct query_ctx *q)
{
	struct sysctl_conf conf = { 0 };
	struct sysctl_walk w = { .q = q, .rfs = qctx_rootfs(q) };
	const char **vals = NULL;
	size_t n;
	int r = 0;

	/* osquery looks an oid up with sysctl(2), which Linux no longer
	 * has: no control has an oid, and none matches one */
	if (qctx_has_eq(q, SC_OID))
		return 0;
	strbuf_init(&w.path, PATH_MAX);
	strbuf_init(&w.value, 0);
	strbuf_init(&w.name, PATH_MAX);
	if (qctx_used(q, SC_CONFIG_VALUE)) {
		r = sysctl_conf_load(&conf, w.rfs);
		if (r < 0)
			goto out;
		w.conf = &conf;
	}

	if (qctx_has_eq(q, SC_NAME)) {
		n = eq_values(q, SC_NAME, &vals);
		for (size_t i = 0; i < n && r == 0; i++) {
			strbuf_reset(&w.path);
			strbuf_addstr(&w.path, PROC_SYS);
			r = resolve_name(&w, span_cstr(vals[i]), 1);
		}
	} else if (qctx_has_eq(q, SC_SUBSYSTEM)) {
		n = eq_values(q, SC_SUBSYSTEM, &vals);
		for (size_t i = 0; i < n && r == 0; i++)
			r = walk_subsystems(&w, vals[i]);
	} else {
		r = walk_subsystems(&w, NULL);
	}
out:
	free(vals);
	sysctl_conf_release(&conf);
	strbuf_release(&w.path);
	strbuf_release(&w.value);
	strbuf_release(&w.name);
	return r;
}

const struct table_spec system_controls_spec = {
	.name = "system_controls",
	.description = "sysctl names, values, and settings information.",
	.source = "/proc/sys (one row per file); config_value from sysctl.d(5) and "
		  "/etc/sysctl.conf",
	TABLE_COLUMNS(system_controls_cols),
	.generate = gen_system_controls,
};

/* ------------------------------------------------------------------ */
/* mounts */

enum {
	MNT_DEVICE,
	MNT_DEVICE_ALIAS,
	MNT_PATH,
	MNT_TYPE,
	MNT_BLOCKS_SIZE,
	MNT_BLOCKS,
	MNT_BLOCKS_FREE,
	MNT_BLOCKS_AVAILABLE,
	MNT_INODES,
	MNT_INODES_FREE,
	MNT_FLAGS,
};

static const struct column_spec mounts_cols[] = {
	[MNT_DEVICE] = { "device", COL_TEXT, 0, .help = "Mounted device" },
	[MNT_DEVICE_ALIAS] = { "device_alias", COL_TEXT, 0, .help = "Mounted device alias" },
	[MNT_PATH] = { "path", COL_TEXT, 0, .help = "Mounted device path" },
	[MNT_TYPE] = { "type", COL_TEXT, 0, .help = "Mounted device type" },
	[MNT_BLOCKS_SIZE] = { "blocks_size", COL_BIGINT, 0, .help = "Block size in bytes" },
	[MNT_BLOCKS] = { "blocks", COL_BIGINT, 0, .help = "Mounted device used blocks" },
	[MNT_BLOCKS_FREE] = { "blocks_free", COL_BIGINT, 0,
			      .help = "Mounted device blocks available to root users, a superset "
				      "of blocks_available" },
	[MNT_BLOCKS_AVAILABLE] = { "blocks_available", COL_BIGINT, 0,
				   .help = "Mounted device blocks available to non-root users" },
	[MNT_INODES] = { "inodes", COL_BIGINT, 0, .help = "Mounted device used inodes" },
	[MNT_INODES_FREE] = { "inodes_free", COL_BIGINT, 0,
			      .help = "Mounted device free inodes" },
	[MNT_FLAGS] = { "flags", COL_TEXT, 0, .help = "Mounted device flags" },
};

/*
 * A /proc/mounts field with the kernel's escapes undone, as glibc's
 * getmntent does: \040 space, \011 tab, \012 newline, \134 and \\
 * backslash; any other backslash is kept as it is.
 */
static void unescape_field(struct span f, struct strbuf *out)
{
	static const struct {
		const char *esc;
		char c;
	} escapes[] = {
		{ "\\040", ' ' }, { "\\011", '\t' }, { "\\012", '\n' }, { "\\134", '\\' },
	};

	strbuf_reset(out);
	while (!span_empty(&f)) {
		const char *bs = memchr(f.p, '\\', span_len(&f));
		bool done = false;

		if (!bs) {
			strbuf_add(out, f.p, span_len(&f));
			return;
		}
		strbuf_add(out, f.p, (size_t)(bs - f.p));
		f.p = bs;
		for (size_t i = 0; i < ARRAY_SIZE(escapes) && !done; i++) {
			if (span_len(&f) >= 4 && memcmp(f.p, escapes[i].esc, 4) == 0) {
				strbuf_addch(out, escapes[i].c);
				f.p += 4;
				done = true;
			}
		}
		if (!done && span_len(&f) >= 2 && f.p[1] == '\\') {
			strbuf_addch(out, '\\');
			f.p += 2;
			done = true;
		}
		if (!done) {
			strbuf_addch(out, '\\');
			f.p++;
		}
	}
}

/*
 * canonicalize_file_name(3) inside the root: every symlink of path is
 * resolved (an absolute target from the root), "." and ".." are folded,
 * and every component must exist. Appends the result to out; -errno
 * when a component does not exist, -ELOOP past CANON_LINKS_MAX links.
 */
static int canonical_path(const struct rootfs *rfs, const char *path, struct strbuf *out)
{
	struct strbuf rest = STRBUF_INIT, res = STRBUF_INIT, target = STRBUF_INIT;
	int links = 0, r = 0;
	size_t pos = 0;

	strbuf_init(&rest, PATH_MAX * 2);
	strbuf_init(&res, PATH_MAX);
	strbuf_init(&target, PATH_MAX * 2);
	strbuf_addstr(&rest, path);
	while (pos < rest.len) {
		size_t start, len, base;

		while (pos < rest.len && rest.buf[pos] == '/')
			pos++;
		start = pos;
		while (pos < rest.len && rest.buf[pos] != '/')
			pos++;
		len = pos - start;
		if (len == 0 || (len == 1 && rest.buf[start] == '.'))
			continue;
		if (len == 2 && rest.buf[start] == '.' && rest.buf[start + 1] == '.') {
			char *slash = memrchr(res.buf, '/', res.len);

			strbuf_setlen(&res, slash ? (size_t)(slash - res.buf) : 0);
			continue;
		}
		base = res.len;
		if (strbuf_addch(&res, '/') < 0 || strbuf_add(&res, rest.buf + start, len) < 0) {
			r = -ENAMETOOLONG;
			break;
		}
		strbuf_reset(&target);
		r = rootfs_readlink(rfs, res.buf, &target);
		if (r == -EINVAL) {
			/* exists and is no symlink */
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		if (++links > CANON_LINKS_MAX) {
			r = -ELOOP;
			break;
		}
		/* the target replaces the component: splice it before the
		 * unread rest */
		strbuf_setlen(&res, target.len && target.buf[0] == '/' ? 0 : base);
		if (strbuf_addch(&target, '/') < 0 ||
		    strbuf_add(&target, rest.buf + pos, rest.len - pos) < 0) {
			r = -ENAMETOOLONG;
			break;
		}
		strbuf_reset(&rest);
		strbuf_add(&rest, target.buf, target.len);
		pos = 0;
	}
	if (r == 0)
		r = strbuf_add(out, res.len ? res.buf : "/", res.len ? res.len : 1);
	strbuf_release(&rest);
	strbuf_release(&res);
	strbuf_release(&target);
	return r;
}

struct mount_scan {
	struct query_ctx *q;
	const struct rootfs *rfs;
	bool want_alias;
	bool want_statfs;
	struct strbuf dev, dir, type, opts, alias;
};

static void set_statfs(struct mount_scan *s)
{
	struct query_ctx *q = s->q;
	struct statfs st;
	bool ok;

	/* the mount points are the live host's: a captured tree has no
	 * file system to ask, and its rows leave these columns NULL */
	if (!rootfs_is_live(s->rfs))
		return;
	/* osquery does not statfs autofs (that would trigger the mount)
	 * and reports zeros for it and for a failed statfs. It also cuts
	 * every count to 32 bits; spoor reports the full values. */
	ok = strcmp(s->type.buf, "autofs") != 0 && statfs(s->dir.buf, &st) == 0;
	row_int(q, MNT_BLOCKS_SIZE, ok ? (int64_t)st.f_bsize : 0);
	row_int(q, MNT_BLOCKS, ok ? (int64_t)st.f_blocks : 0);
	row_int(q, MNT_BLOCKS_FREE, ok ? (int64_t)st.f_bfree : 0);
	row_int(q, MNT_BLOCKS_AVAILABLE, ok ? (int64_t)st.f_bavail : 0);
	row_int(q, MNT_INODES, ok ? (int64_t)st.f_files : 0);
	row_int(q, MNT_INODES_FREE, ok ? (int64_t)st.f_ffree : 0);
}

/*
 * "/dev/vda1 / ext4 rw,relatime 0 0": device, mount point, type,
 * options, dump frequency, fsck pass. Lines are read as getmntent reads
 * them (leading blanks skipped, blank and '#' lines ignored, fields split
 * at spaces and tabs); a line of fewer than four fields is skipped.
 */
static int emit_mount(struct mount_scan *s, struct span line)
{
	struct query_ctx *q = s->q;
	struct span f[4];

	span_skip_blanks(&line);
	if (span_empty(&line) || *line.p == '#')
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		if (span_word(&line, &f[i]) < 0)
			return 0;
	unescape_field(f[0], &s->dev);
	unescape_field(f[1], &s->dir);
	unescape_field(f[2], &s->type);
	unescape_field(f[3], &s->opts);
	if (s->dev.toobig || s->dir.toobig || s->type.toobig || s->opts.toobig)
		return -SPOOR_ETOOBIG;

	row_begin(q);
	row_text(q, MNT_DEVICE, s->dev.buf, s->dev.len);
	if (s->want_alias) {
		/*
		 * The device path with its symlinks resolved
		 * (/dev/mapper/vg-root -> /dev/dm-0); the device itself when
		 * that fails or it is no absolute path. osquery resolves a
		 * relative name ("tmpfs", "proc") against its own working
		 * directory, which gives "/proc" from / and nothing useful
		 * anywhere else; spoor keeps such names as they are.
		 */
		strbuf_reset(&s->alias);
		if (s->dev.buf[0] == '/' && canonical_path(s->rfs, s->dev.buf, &s->alias) == 0)
			row_text(q, MNT_DEVICE_ALIAS, s->alias.buf, s->alias.len);
		else
			row_text(q, MNT_DEVICE_ALIAS, s->dev.buf, s->dev.len);
	}
	row_text(q, MNT_PATH, s->dir.buf, s->dir.len);
	row_text(q, MNT_TYPE, s->type.buf, s->type.len);
	if (s->want_statfs)
		set_statfs(s);
	row_text(q, MNT_FLAGS, s->opts.buf, s->opts.len);
	return row_end(q);
}

static int gen_mounts(struct query_ctx *q)
{
	struct mount_scan s = {
		.q = q,
		.rfs = qctx_rootfs(q),
		.want_alias = qctx_used(q, MNT_DEVICE_ALIAS),
		.want_statfs = qctx_any_used(q, MNT_BLOCKS_SIZE, MNT_INODES_FREE),
	};
	struct strbuf *bufs[] = { &s.dev, &s.dir, &s.type, &s.opts, &s.alias };
	struct strbuf sb = STRBUF_INIT;
	bool truncated = false;
	struct span file, line;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(bufs); i++)
		strbuf_init(bufs[i], PATH_MAX * 4);
	/* /proc/mounts is /proc/self/mounts: the mount namespace spoor
	 * runs in, as for osquery */
	r = rootfs_read(s.rfs, "/proc/mounts", &sb, MOUNTS_FILE_MAX, &truncated);
	if (r < 0)
		goto out;
	if (truncated) {
		r = -SPOOR_ETOOBIG;
		goto out;
	}
	file = span_make(sb.buf, sb.len);
	while (r == 0 && span_line(&file, &line) == 0)
		r = emit_mount(&s, line);
out:
	for (size_t i = 0; i < ARRAY_SIZE(bufs); i++)
		strbuf_release(bufs[i]);
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec mounts_spec = {
	.name = "mounts",
	.description = "System mounted devices and filesystems (not process specific).",
	.source = "/proc/mounts; statfs(2) of each mount point (live host only)",
	TABLE_COLUMNS(mounts_cols),
	.generate = gen_mounts,
};
