/*
 * mac.c - the mandatory access control policies the kernel enforces:
 * selinux_settings and apparmor_profiles.
 *
 *   SELECT value FROM selinux_settings WHERE scope = '' AND key = 'enforce';
 *   SELECT key, value FROM selinux_settings WHERE scope = 'booleans';
 *   SELECT path, mode FROM apparmor_profiles WHERE mode = 'complain';
 *
 * Data sources, through the rootfs layer: the selinuxfs mount (found in
 * /proc/self/mounts, else /sys/fs/selinux when it holds an "enforce"
 * file, as in a captured tree), and the AppArmor policy tree under
 * /sys/kernel/security/apparmor/policy/profiles. Semantics are
 * osquery's (tables/system/linux/selinux_settings.cpp,
 * apparmor_profiles.cpp); where spoor differs it says so next to the
 * code. A host without SELinux or AppArmor gives no rows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strbuf.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* selinuxfs and apparmorfs values are short lines (a context, a hash,
 * an attach expression); 64 KiB is far past any. */
#define MAC_VALUE_MAX ((size_t)64 << 10)
/* /proc/self/mounts of a host with thousands of mounts */
#define MOUNTS_MAX ((size_t)16 << 20)
/* entries read from one directory: a policy has ~130 classes of up to
 * ~40 permissions, and some thousand booleans at most */
#define MAC_DIR_ENTRIES_MAX 65536
/* profile nesting (profile//hat//...) followed at most */
#define AA_DEPTH_MAX 16

/* ------------------------------------------------------------------ */
/* sorted directory listings */

struct name_list {
	char **v;
	size_t n, alloc;
};

static void name_list_release(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The entry names of dir (no "." or ".."), sorted so that rows come out
 * in the same order on every file system. -errno when dir cannot be
 * opened.
 */
static int list_names(const struct rootfs *rfs, const char *dir, struct name_list *ret)
{
	struct dirent *de;
	DIR *d;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = rootfs_opendir(rfs, dir, &d);
	if (r < 0)
		return r;
	while ((de = readdir(d)) && ret->n < MAC_DIR_ENTRIES_MAX) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (ret->n == ret->alloc) {
			ret->alloc = ret->alloc ? ret->alloc * 2 : 16;
			ret->v = xreallocarray(ret->v, ret->alloc, sizeof(*ret->v));
		}
		ret->v[ret->n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (ret->n)
		qsort(ret->v, ret->n, sizeof(*ret->v), cmp_name);
	return 0;
}

static bool is_dir(const struct rootfs *rfs, const char *path)
{
	struct stat st;

	return rootfs_stat(rfs, path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A small file's content into sb (reset first). */
static int read_value(const struct rootfs *rfs, const char *path, struct strbuf *sb)
{
	bool truncated = false;
	int r;

	strbuf_reset(sb);
	r = rootfs_read(rfs, path, sb, MAC_VALUE_MAX, &truncated);
	if (r < 0)
		return r;
	return truncated ? -SPOOR_ETOOBIG : 0;
}

/* ------------------------------------------------------------------ */
/* selinux_settings */

enum {
	SEL_SCOPE,
	SEL_KEY,
	SEL_VALUE,
};

static const struct column_spec selinux_settings_cols[] = {
	[SEL_SCOPE] = { "scope", COL_TEXT, 0,
			.help = "Where the key is located inside the SELinuxFS mount point." },
	[SEL_KEY] = { "key", COL_TEXT, 0, .help = "Key or class name." },
	[SEL_VALUE] = { "value", COL_TEXT, 0, .help = "Active value." },
};

/* osquery's keys at the root of selinuxfs, in its order */
static const char *const selinux_root_keys[] = {
	"checkreqprot", "deny_unknown", "enforce", "mls", "policyvers", "reject_unknown",
};

/* the directories whose files are keys */
static const char *const selinux_scopes[] = {
	"booleans",
	"policy_capabilities",
	"initial_contexts",
};

/*
 * The selinuxfs mount point into ret: the first selinuxfs entry of
 * /proc/self/mounts (as osquery's getMountedFilesystems), else
 * /sys/fs/selinux when it holds the "enforce" file (a captured tree or
 * a mounted image has no mount table). false when there is none.
 */
static bool selinuxfs_path(const struct rootfs *rfs, struct strbuf *ret)
{
	struct strbuf sb = STRBUF_INIT;
	struct span file, line, dev, dir, type;
	bool found = false;

	if (rootfs_read(rfs, "/proc/self/mounts", &sb, MOUNTS_MAX, NULL) == 0) {
		file = span_make(sb.buf, sb.len);
		while (!found && span_line(&file, &line) == 0) {
			if (span_word(&line, &dev) < 0 || span_word(&line, &dir) < 0 ||
			    span_word(&line, &type) < 0 || !span_eq(&type, "selinuxfs"))
				continue;
			/* a mount point with an escaped blank (\040) is not
			 * unescaped: the fallback below still applies */
			if (memchr(dir.p, '\\', span_len(&dir)))
				continue;
			strbuf_add(ret, dir.p, span_len(&dir));
			found = true;
		}
	}
	strbuf_release(&sb);
	if (!found && rootfs_exists(rfs, "/sys/fs/selinux/enforce")) {
		strbuf_addstr(ret, "/sys/fs/selinux");
		found = true;
	}
	return found && !ret->toobig;
}

/* A selinuxfs value as a row value: the file's bytes, without the NUL
 * that ends an initial context (osquery keeps it). */
static void set_raw_value(struct query_ctx *q, const struct strbuf *v)
{
	size_t len = v->len;

	while (len > 0 && v->buf[len - 1] == '\0')
		len--;
	row_text(q, SEL_VALUE, v->buf, len);
}

static int emit_root_keys(struct query_ctx *q, const char *mnt, struct strbuf *path,
			  struct strbuf *val)
{
	for (size_t i = 0; i < ARRAY_SIZE(selinux_root_keys); i++) {
		int r;

		strbuf_reset(path);
		strbuf_addf(path, "%s/%s", mnt, selinux_root_keys[i]);
		row_begin(q);
		row_textz(q, SEL_SCOPE, "");
		row_textz(q, SEL_KEY, selinux_root_keys[i]);
		/* osquery lists every root key, with no value when its file
		 * cannot be read (an older kernel lacks reject_unknown) */
		if (qctx_used(q, SEL_VALUE) && !path->toobig &&
		    read_value(qctx_rootfs(q), path->buf, val) == 0)
			set_raw_value(q, val);
		else if (qctx_used(q, SEL_VALUE))
			row_null(q, SEL_VALUE);
		r = row_end(q);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The files of one scope directory: a key each. A boolean's file holds
 * "<current> <pending>"; osquery shows "on" for "1 1", "off" for "0 0"
 * and skips any other (a pending change not yet committed).
 */
static int emit_scope(struct query_ctx *q, const char *mnt, const char *scope,
		      struct strbuf *path, struct strbuf *val)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	bool booleans = !strcmp(scope, "booleans");
	struct name_list names;
	int r;

	strbuf_reset(path);
	strbuf_addf(path, "%s/%s", mnt, scope);
	if (path->toobig || list_names(rfs, path->buf, &names) < 0)
		return 0;
	for (size_t i = 0; i < names.n; i++) {
		strbuf_reset(path);
		strbuf_addf(path, "%s/%s/%s", mnt, scope, names.v[i]);
		if (path->toobig || is_dir(rfs, path->buf))
			continue;
		/* a boolean's value decides whether it is a row at all */
		if ((booleans || qctx_used(q, SEL_VALUE)) && read_value(rfs, path->buf, val) < 0)
			continue;
		if (booleans) {
			struct span v = span_make(val->buf, val->len);
			const char *word = span_eq(&v, "1 1") ? "on" :
					   span_eq(&v, "0 0") ? "off" : NULL;

			if (!word)
				continue;
			strbuf_reset(val);
			strbuf_addstr(val, word);
		}
		row_begin(q);
		row_textz(q, SEL_SCOPE, scope);
		row_textz(q, SEL_KEY, names.v[i]);
		set_raw_value(q, val);
		r = row_end(q);
		if (r < 0) {
			name_list_release(&names);
			return r;
		}
	}
	name_list_release(&names);
	return 0;
}

/*
 * The class tree: class/<class>/index (skipped) and
 * class/<class>/perms/<permission>. Each file below class/ is a row
 * whose key is its directory relative to class/ and whose value is its
 * name, as osquery's recursive listing gives: ("class", "file/perms",
 * "read").
 */
static int emit_class_dir(struct query_ctx *q, const char *root, const char *rel, int depth)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf path = STRBUF_INIT;
	struct name_list names;
	int r = 0;

	strbuf_addf(&path, "%s/%s", root, rel);
	if (path.toobig || list_names(rfs, path.buf, &names) < 0) {
		strbuf_release(&path);
		return 0;
	}
	for (size_t i = 0; i < names.n && r == 0; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s/%s", root, rel, names.v[i]);
		if (path.toobig)
			continue;
		if (is_dir(rfs, path.buf)) {
			if (depth < 4) {
				strbuf_reset(&path);
				strbuf_addf(&path, "%s%s%s", rel, *rel ? "/" : "", names.v[i]);
				r = emit_class_dir(q, root, path.buf, depth + 1);
			}
			continue;
		}
		/* a file directly under class/ has no key: osquery would
		 * cut its path wrongly; there is none in selinuxfs */
		if (!*rel || !strcmp(names.v[i], "index"))
			continue;
		row_begin(q);
		row_textz(q, SEL_SCOPE, "class");
		row_textz(q, SEL_KEY, rel);
		row_textz(q, SEL_VALUE, names.v[i]);
		r = row_end(q);
	}
	name_list_release(&names);
	strbuf_release(&path);
	return r;
}

static int gen_selinux_settings(struct query_ctx *q)
{
	struct strbuf mnt = STRBUF_INIT, path = STRBUF_INIT, val = STRBUF_INIT, cls = STRBUF_INIT;
	int r = 0;

	if (!selinuxfs_path(qctx_rootfs(q), &mnt))
		goto out;
	r = emit_root_keys(q, mnt.buf, &path, &val);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(selinux_scopes); i++)
		r = emit_scope(q, mnt.buf, selinux_scopes[i], &path, &val);
	if (r == 0) {
		strbuf_addf(&cls, "%s/class", mnt.buf);
		if (!cls.toobig)
			r = emit_class_dir(q, cls.buf, "", 1);
	}
out:
	strbuf_release(&mnt);
	strbuf_release(&path);
	strbuf_release(&val);
	strbuf_release(&cls);
	return r;
}

const struct table_spec selinux_settings_spec = {
	.name = "selinux_settings",
	.description = "Track active SELinux settings.",
	.source = "selinuxfs (mount point from /proc/self/mounts, else /sys/fs/selinux)",
	TABLE_COLUMNS(selinux_settings_cols),
	.generate = gen_selinux_settings,
};

/* ------------------------------------------------------------------ */
/* apparmor_profiles */

enum {
	AA_PATH,
	AA_NAME,
	AA_ATTACH,
	AA_MODE,
	AA_SHA1,
	AA_SHA256,
};

static const struct column_spec apparmor_profiles_cols[] = {
	[AA_PATH] = { "path", COL_TEXT, COLF_INDEX,
		      .help = "Unique, aa-status compatible, policy identifier." },
	[AA_NAME] = { "name", COL_TEXT, 0, .help = "Policy name." },
	[AA_ATTACH] = { "attach", COL_TEXT, 0,
			.help = "Which executable(s) a profile will attach to." },
	[AA_MODE] = { "mode", COL_TEXT, 0, .help = "How the policy is applied." },
	[AA_SHA1] = { "sha1", COL_TEXT, 0, .collate = COLLATE_NOCASE,
		      .help = "A unique hash that identifies this policy." },
	[AA_SHA256] = { "sha256", COL_TEXT, 0, .collate = COLLATE_NOCASE,
			.help = "A unique hash that identifies this policy." },
};

#define AA_PROFILES_DIR "/sys/kernel/security/apparmor/policy/profiles"

/* Can a profile at path, or one nested below it, match the path = / IN
 * constraint? Without one, every profile can. */
static bool aa_path_wanted(struct query_ctx *q, const char *path, bool nested)
{
	size_t n = qctx_eq_count(q, AA_PATH), plen = strlen(path);

	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *v = qctx_eq_text(q, AA_PATH, i, &len);

		if (!v || len < plen || memcmp(v, path, plen))
			continue;
		if (!nested ? len == plen : len > plen + 2 && !memcmp(v + plen, "//", 2))
			return true;
	}
	return false;
}

/* One trimmed file of a profile directory as a column; "" when the
 * file is absent (a kernel built without policy hashes has no sha1,
 * kernels since 6.x export sha256 instead). */
static void set_profile_file(struct query_ctx *q, int col, const char *dir, const char *file,
			     struct strbuf *path, struct strbuf *val)
{
	struct span v;

	if (!qctx_used(q, col))
		return;
	strbuf_reset(path);
	strbuf_addf(path, "%s/%s", dir, file);
	if (path->toobig || read_value(qctx_rootfs(q), path->buf, val) < 0)
		strbuf_reset(val);
	v = span_make(val->buf, val->len);
	span_trim(&v);
	row_text(q, col, v.p, span_len(&v));
}

/*
 * The profiles in dir (a profiles/ directory), each followed by its
 * children (hats, nested profiles) from its own profiles/ directory.
 * A profile's path is its parent's path, "//", and its name, which is
 * what aa-status prints. osquery joins the parent's name instead of its
 * path, which differs from two levels of nesting on; and it drops a
 * profile that lacks one of its files, where spoor drops only one
 * without a name file.
 */
static int aa_walk(struct query_ctx *q, const char *dir, const char *parent, int depth)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf pdir = STRBUF_INIT, path = STRBUF_INIT, val = STRBUF_INIT,
		      full = STRBUF_INIT;
	struct name_list names;
	int r = 0;

	if (list_names(rfs, dir, &names) < 0)
		return 0;
	for (size_t i = 0; i < names.n && r == 0; i++) {
		struct span name;

		strbuf_reset(&pdir);
		strbuf_addf(&pdir, "%s/%s", dir, names.v[i]);
		if (pdir.toobig || !is_dir(rfs, pdir.buf))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/name", pdir.buf);
		if (path.toobig || read_value(rfs, path.buf, &val) < 0)
			continue;
		name = span_make(val.buf, val.len);
		span_trim(&name);
		if (span_empty(&name))
			continue;
		strbuf_reset(&full);
		if (*parent)
			strbuf_addf(&full, "%s//", parent);
		strbuf_add(&full, name.p, span_len(&name));
		if (full.toobig)
			continue;
		if (aa_path_wanted(q, full.buf, false)) {
			row_begin(q);
			row_textz(q, AA_PATH, full.buf);
			row_text(q, AA_NAME, name.p, span_len(&name));
			set_profile_file(q, AA_ATTACH, pdir.buf, "attach", &path, &val);
			set_profile_file(q, AA_MODE, pdir.buf, "mode", &path, &val);
			set_profile_file(q, AA_SHA1, pdir.buf, "sha1", &path, &val);
			set_profile_file(q, AA_SHA256, pdir.buf, "sha256", &path, &val);
			r = row_end(q);
			if (r < 0)
				break;
		}
		if (depth + 1 < AA_DEPTH_MAX && aa_path_wanted(q, full.buf, true)) {
			strbuf_addstr(&pdir, "/profiles");
			if (!pdir.toobig && is_dir(rfs, pdir.buf))
				r = aa_walk(q, pdir.buf, full.buf, depth + 1);
		}
	}
	name_list_release(&names);
	strbuf_release(&pdir);
	strbuf_release(&path);
	strbuf_release(&val);
	strbuf_release(&full);
	return r;
}

static int gen_apparmor_profiles(struct query_ctx *q)
{
	/* no securityfs, or AppArmor not the active LSM: no rows */
	return aa_walk(q, AA_PROFILES_DIR, "", 0);
}

const struct table_spec apparmor_profiles_spec = {
	.name = "apparmor_profiles",
	.description = "Track active AppArmor profiles.",
	.source = "/sys/kernel/security/apparmor/policy/profiles/*/{name,mode,attach,sha1,sha256}",
	TABLE_COLUMNS(apparmor_profiles_cols),
	.generate = gen_apparmor_profiles,
};
