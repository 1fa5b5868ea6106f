/*
 * files.c - the file-system tables: file, hash, suid_bin,
 * extended_attributes, magic.
 *
 *   SELECT path, size, mtime FROM file WHERE path LIKE '/usr/%%';
 *   SELECT * FROM file WHERE directory = '/etc' AND filename LIKE '%.conf';
 *   SELECT path, linux_flags FROM file WHERE path LIKE '/root/.ssh/%';
 *   SELECT sha256 FROM hash WHERE path = '/proc/1234/exe';
 *   SELECT path, permissions FROM suid_bin;
 *   SELECT key, value FROM extended_attributes WHERE path = '/usr/bin/ping';
 *   SELECT data, mime_type FROM magic WHERE path = '/bin/ls';
 *
 * Data sources: the file system itself, every lookup through the rootfs
 * (lib/rootpath.h), so a mounted image or captured tree answers like the
 * live host and its symlinks stay inside it; patterns through
 * lib/pathglob.h; digests through lib/filehash.h (OpenSSL); capability
 * text through libcap; magic through libmagic.
 *
 * Semantics are osquery's (tables/utility/file.cpp, hash.cpp,
 * tables/system/posix/suid_bin.cpp, tables/system/linux/
 * extended_attributes.cpp, tables/system/posix/magic.cpp):
 *   - file and hash take path and directory constraints; at least one
 *     of them is required. "path = X" is the path as written; "path LIKE"
 *     expands osquery's patterns ('%' one level, '%%' recursive; see
 *     pathglob.h), directories in the results ending in '/';
 *     "directory = X" lists every entry of X (dot entries included),
 *     "directory LIKE" expands to directories and lists each. Path rows
 *     come first, in byte order of path (osquery's std::set), then the
 *     rows of each directory, in byte order of directory then name.
 *   - file: lstat() tells symlink; every other column is stat()
 *     (following links), lstat() when the target is missing, as osquery.
 *     filename and directory of a path row are boost::filesystem's
 *     filename() and parent_path() of it ("/etc/apt/" -> ".", "/etc/apt");
 *     mode is the 4-digit octal of the permission bits; device is
 *     st_rdev; btime is 0 on Linux; type follows the link ("unknown" for
 *     a dangling one, "error" when stat fails otherwise).
 *   - hash: regular files only (following links: /proc/<pid>/exe of a
 *     deleted binary hashes the binary); a file that cannot be read gives
 *     a row with '' digests, as osquery. Only the digests the query uses
 *     are computed.
 *   - suid_bin: regular files (following links) with setuid or setgid,
 *     recursively below /bin, /sbin, /usr/bin, /usr/sbin,
 *     /usr/local/bin, /usr/local/sbin and /tmp, symlinks to directories
 *     not entered; on a merged-/usr system /bin and /usr/bin both list
 *     the same binaries, as in osquery. username/groupname come from NSS
 *     on the live host, from the root's /etc/passwd and /etc/group
 *     otherwise, the number when there is no name; permissions is "S",
 *     "G" or "SG".
 *   - extended_attributes: one row per attribute; security.capability
 *     is decoded to libcap's text ("cap_net_raw=ep"); a value is printed
 *     when it ends in a NUL byte with only printable characters before
 *     it, otherwise base64 of it (base64 = 1); an empty value is '' with
 *     base64 = 1.
 *   - magic: one row per "path =" value, libmagic's description, MIME
 *     type and encoding; magic_db_files = '...' loads other databases.
 *   - pid_with_namespace is 0. osquery answers pid_with_namespace = N by
 *     entering process N's mount namespace; spoor does not, so such a
 *     query returns no rows. mount_namespace_id is NULL.
 *
 * Deliberate differences:
 *   - hash reads files of any size (osquery stops at --read_max, 50 MiB,
 *     and leaves the digests empty); the read is streamed, so memory does
 *     not grow with the file.
 *   - relative paths and patterns (osquery prefixes its working
 *     directory) match nothing.
 *   - directory entries are listed in name order (osquery: readdir order).
 *   - extended_attributes also takes "directory = X" (every entry of X),
 *     as osquery does on macOS; on Linux osquery ignores it.
 *   - magic resets libmagic's flags for each path (osquery leaves the
 *     MIME-encoding flag set, so its "data" of a second path is the
 *     encoding). Under a root other than the live host, a path whose
 *     directory does not exist there gives NULL data, and a symlink is
 *     described by spoor, in libmagic's words, with its target resolved
 *     inside the root (libmagic would look on the host).
 *   - suid_bin skips an unreadable subdirectory and goes on (osquery
 *     abandons the whole search directory).
 *
 * spoor extension: file.linux_flags (hidden), the inode flags chattr(1)
 * sets and lsattr(1) shows, as names in bit order ("immutable,append");
 * '' when there are none, NULL when the file system has no such flags
 * or the entry is neither a regular file nor a directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <magic.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "err.h"
#include "filehash.h"
#include "pathglob.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "rootpath.h"
#include "sqlfn.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* /etc/passwd and /etc/group of a foreign root: the bound users.c uses */
#define ACCOUNT_FILE_MAX ((size_t)32 << 20)
/* getpwuid_r / getgrgid_r buffer */
#define NSS_BUF_SIZE ((size_t)16384)

/* ------------------------------------------------------------------ */
/* shared: path sets, boost's path pieces, constraints */

/* A sorted set of paths, as osquery's std::set<std::string>. */
struct pathset {
	char **v;
	size_t n, alloc;
};

static void pathset_release(struct pathset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int pathset_add(struct pathset *s, const char *p, size_t len)
{
	if (s->n >= PATHGLOB_MAX_RESULTS)
		return -SPOOR_ETOOBIG;
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 16;
		s->v = xreallocarray(s->v, s->alloc, sizeof(*s->v));
	}
	s->v[s->n++] = xstrndup(p, len);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pathset_sort_unique(struct pathset *s)
{
	size_t out = 0;

	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	for (size_t i = 0; i < s->n; i++) {
		if (out && strcmp(s->v[out - 1], s->v[i]) == 0) {
			free(s->v[i]);
			continue;
		}
		s->v[out++] = s->v[i];
	}
	s->n = out;
}

static int add_match(void *arg, const struct pathglob_entry *e)
{
	return pathset_add(arg, e->where.path, e->path_len);
}

/*
 * The paths the = / IN values and the LIKE patterns on col stand for,
 * sorted and unique; globflags says which matches of a pattern count.
 * A relative pattern matches nothing.
 */
static int constraint_paths(struct query_ctx *q, const struct rootpath *rp, int col,
			    unsigned globflags, struct pathset *out)
{
	int r;

	for (size_t i = 0; i < qctx_eq_count(q, col); i++) {
		const char *t = qctx_eq_text(q, col, i, NULL);

		if (t) {
			r = pathset_add(out, t, strlen(t));
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; i < qctx_like_count(q, col); i++) {
		const char *pat = qctx_like(q, col, i);

		if (!pat)
			continue;
		r = pathglob_expand(rp, pat, globflags, add_match, out);
		if (r < 0 && r != -EINVAL)
			return r;
	}
	pathset_sort_unique(out);
	return 0;
}

/* Is only = 0 (or nothing) asked of pid_with_namespace? */
static bool host_namespace_only(const struct query_ctx *q, int col)
{
	if (!qctx_has_eq(q, col))
		return true;
	for (size_t i = 0; i < qctx_eq_count(q, col); i++) {
		int64_t v;

		if (qctx_eq_int64(q, col, i, &v) == 0 && v == 0)
			return true;
	}
	return false;
}

/* boost::filesystem (v3) filename() of a POSIX path: "/etc/passwd" ->
 * "passwd", "/etc/apt/" -> ".", "/" -> "/". */
static struct span path_filename(const char *p, size_t len)
{
	size_t i = len;

	if (len == 0)
		return span_make(p, 0);
	if (p[len - 1] == '/') {
		size_t k = 0;

		while (k < len && p[k] == '/')
			k++;
		return k == len ? span_make(p, 1) : span_make(".", 1);
	}
	while (i > 0 && p[i - 1] != '/')
		i--;
	return span_make(p + i, len - i);
}

/* boost::filesystem (v3) parent_path(): "/etc/passwd" -> "/etc",
 * "/etc/apt/" -> "/etc/apt", "/etc" -> "/", "/" -> "". */
static struct span path_parent(const char *p, size_t len)
{
	size_t end = len;
	bool trailing_sep;

	if (len == 0)
		return span_make(p, 0);
	/* where filename() starts: the trailing '/' itself, or after the
	 * last '/' */
	if (p[len - 1] == '/') {
		end = len - 1;
	} else {
		while (end > 0 && p[end - 1] != '/')
			end--;
	}
	trailing_sep = p[end] == '/';
	/* drop separators before it, but not the root's */
	while (end > 1 && p[end - 1] == '/')
		end--;
	if (end == 1 && p[0] == '/' && trailing_sep)
		return span_make(p, 0);
	if (end == 0 && p[0] == '/')
		return span_make(p, 0);
	return span_make(p, end);
}

/* An entry known by its path only. */
static struct rootpath_entry entry_by_path(const char *path)
{
	return (struct rootpath_entry){ .dirfd = -1, .name = path, .path = path, .is_link = true };
}

/* ------------------------------------------------------------------ */
/* file */

enum {
	FILE_PATH,
	FILE_DIRECTORY,
	FILE_FILENAME,
	FILE_INODE,
	FILE_UID,
	FILE_GID,
	FILE_MODE,
	FILE_DEVICE,
	FILE_SIZE,
	FILE_BLOCK_SIZE,
	FILE_ATIME,
	FILE_MTIME,
	FILE_CTIME,
	FILE_BTIME,
	FILE_HARD_LINKS,
	FILE_SYMLINK,
	FILE_TYPE,
	FILE_SYMLINK_TARGET_PATH,
	FILE_ATTRIBUTES,
	FILE_VOLUME_SERIAL,
	FILE_FILE_ID,
	FILE_FILE_VERSION,
	FILE_PRODUCT_VERSION,
	FILE_ORIGINAL_FILENAME,
	FILE_SHORTCUT_TARGET_PATH,
	FILE_SHORTCUT_TARGET_TYPE,
	FILE_SHORTCUT_TARGET_LOCATION,
	FILE_SHORTCUT_START_IN,
	FILE_SHORTCUT_RUN,
	FILE_SHORTCUT_COMMENT,
	FILE_BSD_FLAGS,
	FILE_PID_WITH_NAMESPACE,
	FILE_MOUNT_NAMESPACE_ID,
	FILE_LINUX_FLAGS,
};

static const struct column_spec file_cols[] = {
	[FILE_PATH] = { "path", COL_TEXT, COLF_INDEX | COLF_REQUIRED | COLF_OPTIMIZED | COLF_LIKE,
			.help = "Absolute file path" },
	[FILE_DIRECTORY] = { "directory", COL_TEXT, COLF_REQUIRED | COLF_OPTIMIZED | COLF_LIKE,
			     .help = "Directory of file(s)" },
	[FILE_FILENAME] = { "filename", COL_TEXT, 0, .help = "Name portion of file path" },
	[FILE_INODE] = { "inode", COL_BIGINT, 0, .help = "Filesystem inode number" },
	[FILE_UID] = { "uid", COL_BIGINT, 0, .help = "Owning user ID" },
	[FILE_GID] = { "gid", COL_BIGINT, 0, .help = "Owning group ID" },
	[FILE_MODE] = { "mode", COL_TEXT, 0, .help = "Permission bits" },
	[FILE_DEVICE] = { "device", COL_BIGINT, 0, .help = "Device ID (optional)" },
	[FILE_SIZE] = { "size", COL_BIGINT, 0, .help = "Size of file in bytes" },
	[FILE_BLOCK_SIZE] = { "block_size", COL_INTEGER, 0, .help = "Block size of filesystem" },
	[FILE_ATIME] = { "atime", COL_BIGINT, 0, .help = "Last access time" },
	[FILE_MTIME] = { "mtime", COL_BIGINT, 0, .help = "Last modification time" },
	[FILE_CTIME] = { "ctime", COL_BIGINT, 0, .help = "Last status change time" },
	[FILE_BTIME] = { "btime", COL_BIGINT, 0, .help = "(B)irth or (cr)eate time" },
	[FILE_HARD_LINKS] = { "hard_links", COL_INTEGER, 0, .help = "Number of hard links" },
	[FILE_SYMLINK] = { "symlink", COL_INTEGER, 0,
			   .help = "1 if the path is a symlink, otherwise 0" },
	[FILE_TYPE] = { "type", COL_TEXT, 0, .help = "File status" },
	[FILE_SYMLINK_TARGET_PATH] = { "symlink_target_path", COL_TEXT, 0,
				       .help = "Full path of the symlink target if any" },
	[FILE_ATTRIBUTES] = { "attributes", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
			      .help = "File attrib string. See: https://ss64.com/nt/attrib.html" },
	[FILE_VOLUME_SERIAL] = { "volume_serial", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
				 .help = "Volume serial number" },
	[FILE_FILE_ID] = { "file_id", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS, .help = "file ID" },
	[FILE_FILE_VERSION] = { "file_version", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
				.collate = COLLATE_VERSION, .help = "File version" },
	[FILE_PRODUCT_VERSION] = { "product_version", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
				   .collate = COLLATE_VERSION, .help = "File product version" },
	[FILE_ORIGINAL_FILENAME] = { "original_filename", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
				     .help = "(Executable files only) Original filename" },
	[FILE_SHORTCUT_TARGET_PATH] = { "shortcut_target_path", COL_TEXT,
					COLF_HIDDEN | COLF_OTHER_OS,
					.help = "Full path to the file the shortcut points to" },
	[FILE_SHORTCUT_TARGET_TYPE] = { "shortcut_target_type", COL_TEXT,
					COLF_HIDDEN | COLF_OTHER_OS,
					.help = "Display name for the target type" },
	[FILE_SHORTCUT_TARGET_LOCATION] = { "shortcut_target_location", COL_TEXT,
					    COLF_HIDDEN | COLF_OTHER_OS,
					    .help = "Folder name where the shortcut target "
						    "resides" },
	[FILE_SHORTCUT_START_IN] = { "shortcut_start_in", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
				     .help = "Full path to the working directory to use when "
					     "executing the shortcut target" },
	[FILE_SHORTCUT_RUN] = { "shortcut_run", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
				.help = "Window mode the target of the shortcut should be run in" },
	[FILE_SHORTCUT_COMMENT] = { "shortcut_comment", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
				    .help = "Comment on the shortcut" },
	[FILE_BSD_FLAGS] = { "bsd_flags", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
			     .help = "The BSD file flags (chflags). Possible values: NODUMP, "
				     "UF_IMMUTABLE, UF_APPEND, OPAQUE, HIDDEN, ARCHIVED, "
				     "SF_IMMUTABLE, SF_APPEND" },
	[FILE_PID_WITH_NAMESPACE] = { "pid_with_namespace", COL_INTEGER,
				      COLF_HIDDEN | COLF_ADDITIONAL,
				      .help = "Pids that contain a namespace" },
	[FILE_MOUNT_NAMESPACE_ID] = { "mount_namespace_id", COL_TEXT, COLF_HIDDEN,
				      .help = "Mount namespace id" },
	[FILE_LINUX_FLAGS] = { "linux_flags", COL_TEXT, COLF_HIDDEN | COLF_EXTENSION,
			       .help = "Linux inode flags (chattr/lsattr), comma-separated: "
				       "immutable, append, noatime, ...; NULL where the file "
				       "system has none" },
};

/* FS_IOC_GETFLAGS bits, in bit order, named after lsattr -l. */
static const struct {
	unsigned flag;
	const char *name;
} inode_flag_names[] = {
	{ FS_SECRM_FL, "secure_deletion" },
	{ FS_UNRM_FL, "undelete" },
	{ FS_COMPR_FL, "compress" },
	{ FS_SYNC_FL, "sync" },
	{ FS_IMMUTABLE_FL, "immutable" },
	{ FS_APPEND_FL, "append" },
	{ FS_NODUMP_FL, "nodump" },
	{ FS_NOATIME_FL, "noatime" },
	{ FS_NOCOMP_FL, "nocompress" },
	{ FS_ENCRYPT_FL, "encrypted" },
	{ FS_INDEX_FL, "indexed" },
	{ FS_JOURNAL_DATA_FL, "journal_data" },
	{ FS_NOTAIL_FL, "notail" },
	{ FS_DIRSYNC_FL, "dirsync" },
	{ FS_TOPDIR_FL, "topdir" },
	{ FS_HUGE_FILE_FL, "huge_file" },
	{ FS_EXTENT_FL, "extents" },
	{ FS_VERITY_FL, "verity" },
	{ FS_NOCOW_FL, "nocow" },
	{ FS_DAX_FL, "dax" },
	{ FS_INLINE_DATA_FL, "inline_data" },
	{ FS_PROJINHERIT_FL, "project_inherit" },
	{ FS_CASEFOLD_FL, "casefold" },
};

/* The flags as names; bits without a name as one hexadecimal number. */
static void format_inode_flags(unsigned flags, struct strbuf *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(inode_flag_names); i++) {
		if (!(flags & inode_flag_names[i].flag))
			continue;
		strbuf_addf(out, "%s%s", out->len ? "," : "", inode_flag_names[i].name);
		flags &= ~inode_flag_names[i].flag;
	}
	if (flags)
		strbuf_addf(out, "%s0x%x", out->len ? "," : "", flags);
}

static void row_linux_flags(struct query_ctx *q, const struct rootpath *rp,
			    const struct rootpath_entry *e, const struct stat *st,
			    struct strbuf *scratch)
{
	int fd, flags = 0;

	if (!qctx_used(q, FILE_LINUX_FLAGS))
		return;
	/* opening a device or a fifo could have side effects */
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return;
	if (rootpath_entry_open(rp, e, O_RDONLY | O_NONBLOCK | O_NOCTTY, &fd) < 0)
		return;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
		strbuf_reset(scratch);
		format_inode_flags((unsigned)flags, scratch);
		row_text(q, FILE_LINUX_FLAGS, scratch->buf, scratch->len);
	}
	close(fd);
}

static const char *file_type_name(mode_t mode)
{
	if (S_ISREG(mode))
		return "regular";
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISLNK(mode))
		return "symlink";
	if (S_ISBLK(mode))
		return "block";
	if (S_ISCHR(mode))
		return "character";
	if (S_ISFIFO(mode))
		return "fifo";
	if (S_ISSOCK(mode))
		return "socket";
	return "unknown";
}

struct file_gen {
	struct query_ctx *q;
	struct rootpath rp;
	struct strbuf scratch;
	/* the directory column of a directory listing's rows; NULL for
	 * path rows (parent_path of the path) */
	const char *dir;
};

/* One row for the entry; none when it cannot be lstat'ed. */
static int file_row(struct file_gen *g, const struct rootpath_entry *e, size_t path_len)
{
	struct query_ctx *q = g->q;
	struct stat lst, st;
	struct span name = path_filename(e->path, path_len);
	const char *type;
	bool link;

	if (rootpath_entry_stat(&g->rp, e, false, &lst) < 0)
		return 0;
	link = S_ISLNK(lst.st_mode);
	st = lst;
	type = file_type_name(lst.st_mode);
	if (link) {
		int r = rootpath_entry_stat(&g->rp, e, true, &st);

		if (r == 0)
			type = file_type_name(st.st_mode);
		else
			type = r == -ENOENT || r == -ENOTDIR ? "unknown" : "error";
		if (r < 0)
			st = lst;
	}

	row_begin(q);
	row_text(q, FILE_PATH, e->path, path_len);
	if (g->dir) {
		row_textz(q, FILE_DIRECTORY, g->dir);
	} else {
		struct span dir = path_parent(e->path, path_len);

		row_text(q, FILE_DIRECTORY, dir.p, span_len(&dir));
	}
	row_text(q, FILE_FILENAME, name.p, span_len(&name));
	row_int(q, FILE_INODE, (int64_t)st.st_ino);
	row_int(q, FILE_UID, (int64_t)st.st_uid);
	row_int(q, FILE_GID, (int64_t)st.st_gid);
	row_textf(q, FILE_MODE, "%04o", (unsigned)(st.st_mode & 07777));
	row_int(q, FILE_DEVICE, (int64_t)st.st_rdev);
	row_int(q, FILE_SIZE, (int64_t)st.st_size);
	row_int(q, FILE_BLOCK_SIZE, (int64_t)st.st_blksize);
	row_int(q, FILE_ATIME, (int64_t)st.st_atime);
	row_int(q, FILE_MTIME, (int64_t)st.st_mtime);
	row_int(q, FILE_CTIME, (int64_t)st.st_ctime);
	row_int(q, FILE_BTIME, 0);
	row_int(q, FILE_HARD_LINKS, (int64_t)st.st_nlink);
	row_int(q, FILE_SYMLINK, link);
	row_textz(q, FILE_TYPE, type);
	if (link && qctx_used(q, FILE_SYMLINK_TARGET_PATH)) {
		strbuf_reset(&g->scratch);
		if (rootpath_entry_readlink(&g->rp, e, &g->scratch) == 0)
			row_text(q, FILE_SYMLINK_TARGET_PATH, g->scratch.buf, g->scratch.len);
	}
	row_int(q, FILE_PID_WITH_NAMESPACE, 0);
	row_linux_flags(q, &g->rp, e, &st, &g->scratch);
	return row_end(q);
}

static int file_match(void *arg, const struct pathglob_entry *e)
{
	return file_row(arg, &e->where, e->path_len);
}

static int gen_file(struct query_ctx *q)
{
	struct file_gen g = { .q = q, .scratch = STRBUF_INIT };
	struct pathset paths = { 0 }, dirs = { 0 };
	size_t neq = qctx_eq_count(q, FILE_PATH), nlike = qctx_like_count(q, FILE_PATH);
	int r;

	if (!host_namespace_only(q, FILE_PID_WITH_NAMESPACE))
		return 0;
	if (!neq && !nlike && !qctx_eq_count(q, FILE_DIRECTORY) &&
	    !qctx_like_count(q, FILE_DIRECTORY))
		return -SPOOR_ECONSTRAINT;
	r = rootpath_init(&g.rp, qctx_rootfs(q));
	if (r < 0)
		return r == -ENOENT ? 0 : r;

	if (!neq && nlike == 1) {
		/* one pattern: its matches come sorted, stream them */
		r = pathglob_expand(&g.rp, qctx_like(q, FILE_PATH, 0), PATHGLOB_ALL, file_match, &g);
		if (r == -EINVAL)
			r = 0;
	} else {
		r = constraint_paths(q, &g.rp, FILE_PATH, PATHGLOB_ALL, &paths);
		for (size_t i = 0; i < paths.n && r >= 0; i++) {
			struct rootpath_entry e = entry_by_path(paths.v[i]);

			r = file_row(&g, &e, strlen(paths.v[i]));
		}
	}
	if (r < 0)
		goto out;

	r = constraint_paths(q, &g.rp, FILE_DIRECTORY, PATHGLOB_DIRS, &dirs);
	for (size_t i = 0; i < dirs.n && r >= 0; i++) {
		g.dir = dirs.v[i];
		r = pathglob_walk(&g.rp, dirs.v[i], PATHGLOB_ALL, file_match, &g);
		if (r == -EINVAL)
			r = 0;
	}
out:
	pathset_release(&paths);
	pathset_release(&dirs);
	strbuf_release(&g.scratch);
	rootpath_release(&g.rp);
	return r;
}

const struct table_spec file_spec = {
	.name = "file",
	.description = "Interactive filesystem attributes and metadata.",
	.source = "lstat/stat of the paths (path =, path LIKE with % and %%) and directory "
		  "entries (directory =, directory LIKE); FS_IOC_GETFLAGS for linux_flags",
	TABLE_COLUMNS(file_cols),
	.attributes = TABLE_UTILITY,
	.generate = gen_file,
};

/* ------------------------------------------------------------------ */
/* hash */

enum {
	HASH_PATH,
	HASH_DIRECTORY,
	HASH_MD5,
	HASH_SHA1,
	HASH_SHA256,
	HASH_PID_WITH_NAMESPACE,
	HASH_MOUNT_NAMESPACE_ID,
};

static const struct column_spec hash_cols[] = {
	[HASH_PATH] = { "path", COL_TEXT, COLF_INDEX | COLF_REQUIRED | COLF_OPTIMIZED | COLF_LIKE,
			.help = "Must provide a path or directory" },
	[HASH_DIRECTORY] = { "directory", COL_TEXT, COLF_REQUIRED | COLF_OPTIMIZED | COLF_LIKE,
			     .help = "Must provide a path or directory" },
	[HASH_MD5] = { "md5", COL_TEXT, 0, .collate = COLLATE_NOCASE,
		       .help = "MD5 hash of provided filesystem data" },
	[HASH_SHA1] = { "sha1", COL_TEXT, 0, .collate = COLLATE_NOCASE,
			.help = "SHA1 hash of provided filesystem data" },
	[HASH_SHA256] = { "sha256", COL_TEXT, 0, .collate = COLLATE_NOCASE,
			  .help = "SHA256 hash of provided filesystem data" },
	[HASH_PID_WITH_NAMESPACE] = { "pid_with_namespace", COL_INTEGER,
				      COLF_HIDDEN | COLF_ADDITIONAL,
				      .help = "Pids that contain a namespace" },
	[HASH_MOUNT_NAMESPACE_ID] = { "mount_namespace_id", COL_TEXT, COLF_HIDDEN,
				      .help = "Mount namespace id" },
};

struct hash_gen {
	struct query_ctx *q;
	struct rootpath rp;
	unsigned algos;
	const char *dir; /* as file_gen */
};

/* A row for a regular file (following links); nothing for the rest. */
static int hash_row(struct hash_gen *g, const struct rootpath_entry *e, size_t path_len)
{
	struct query_ctx *q = g->q;
	struct filehash h = { "", "", "" };
	struct stat st;
	int fd;

	if (rootpath_entry_stat(&g->rp, e, true, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	/* O_NONBLOCK: should a fifo replace the file meanwhile, no hang */
	if (g->algos &&
	    rootpath_entry_open(&g->rp, e, O_RDONLY | O_NOCTTY | O_NONBLOCK, &fd) == 0) {
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			filehash_fd(fd, g->algos, &h);
		close(fd);
	}
	row_begin(q);
	row_text(q, HASH_PATH, e->path, path_len);
	if (g->dir) {
		row_textz(q, HASH_DIRECTORY, g->dir);
	} else {
		struct span dir = path_parent(e->path, path_len);

		row_text(q, HASH_DIRECTORY, dir.p, span_len(&dir));
	}
	row_textz(q, HASH_MD5, h.md5);
	row_textz(q, HASH_SHA1, h.sha1);
	row_textz(q, HASH_SHA256, h.sha256);
	row_int(q, HASH_PID_WITH_NAMESPACE, 0);
	return row_end(q);
}

static int hash_match(void *arg, const struct pathglob_entry *e)
{
	return hash_row(arg, &e->where, e->path_len);
}

static int gen_hash(struct query_ctx *q)
{
	struct hash_gen g = { .q = q };
	struct pathset paths = { 0 }, dirs = { 0 };
	int r;

	if (!host_namespace_only(q, HASH_PID_WITH_NAMESPACE))
		return 0;
	if (!qctx_eq_count(q, HASH_PATH) && !qctx_like_count(q, HASH_PATH) &&
	    !qctx_eq_count(q, HASH_DIRECTORY) && !qctx_like_count(q, HASH_DIRECTORY))
		return -SPOOR_ECONSTRAINT;
	if (qctx_used(q, HASH_MD5))
		g.algos |= FILEHASH_MD5;
	if (qctx_used(q, HASH_SHA1))
		g.algos |= FILEHASH_SHA1;
	if (qctx_used(q, HASH_SHA256))
		g.algos |= FILEHASH_SHA256;
	r = rootpath_init(&g.rp, qctx_rootfs(q));
	if (r < 0)
		return r == -ENOENT ? 0 : r;

	r = constraint_paths(q, &g.rp, HASH_PATH, PATHGLOB_ALL, &paths);
	for (size_t i = 0; i < paths.n && r >= 0; i++) {
		struct rootpath_entry e = entry_by_path(paths.v[i]);

		r = hash_row(&g, &e, strlen(paths.v[i]));
	}
	if (r >= 0)
		r = constraint_paths(q, &g.rp, HASH_DIRECTORY, PATHGLOB_ALL, &dirs);
	for (size_t i = 0; i < dirs.n && r >= 0; i++) {
		g.dir = dirs.v[i];
		r = pathglob_walk(&g.rp, dirs.v[i], PATHGLOB_FILES, hash_match, &g);
		if (r == -EINVAL)
			r = 0;
	}
	pathset_release(&paths);
	pathset_release(&dirs);
	rootpath_release(&g.rp);
	return r;
}

const struct table_spec hash_spec = {
	.name = "hash",
	.description = "Filesystem hash data.",
	.source = "regular files of the paths and directories given, read once in 256 KiB "
		  "pieces (OpenSSL md5, sha1, sha256; only the digests selected)",
	TABLE_COLUMNS(hash_cols),
	.generate = gen_hash,
};

/* ------------------------------------------------------------------ */
/* suid_bin */

enum {
	SUID_PATH,
	SUID_USERNAME,
	SUID_GROUPNAME,
	SUID_PERMISSIONS,
	SUID_PID_WITH_NAMESPACE,
};

static const struct column_spec suid_bin_cols[] = {
	[SUID_PATH] = { "path", COL_TEXT, 0, .help = "Binary path" },
	[SUID_USERNAME] = { "username", COL_TEXT, 0, .help = "Binary owner username" },
	[SUID_GROUPNAME] = { "groupname", COL_TEXT, 0, .help = "Binary owner group" },
	[SUID_PERMISSIONS] = { "permissions", COL_TEXT, 0, .help = "Binary permissions" },
	[SUID_PID_WITH_NAMESPACE] = { "pid_with_namespace", COL_INTEGER,
				      COLF_HIDDEN | COLF_ADDITIONAL,
				      .help = "Pids that contain a namespace" },
};

/* osquery's kBinarySearchPaths, in its order */
static const char *const suid_search_dirs[] = {
	"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/tmp",
};

/* uid or gid -> name, remembered per query */
struct id_names {
	struct {
		uint32_t id;
		char *name;
	} *v;
	size_t n, alloc;
	struct strbuf file; /* the root's /etc/passwd or /etc/group */
	bool loaded;
};

static void id_names_release(struct id_names *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->v[i].name);
	free(in->v);
	strbuf_release(&in->file);
	memset(in, 0, sizeof(*in));
}

/* The first "name:x:id:..." line of an account file with that id. */
static bool account_file_name(const struct strbuf *file, uint32_t id, struct strbuf *out)
{
	struct span sp = span_make(file->buf, file->len), line;

	while (span_line(&sp, &line) == 0) {
		struct span name, pass, num;
		uint64_t v;

		span_skip_space(&line);
		if (span_empty(&line) || *line.p == '#' || span_until(&line, ':', &name) < 0 ||
		    span_until(&line, ':', &pass) < 0 || span_until(&line, ':', &num) < 0 ||
		    span_empty(&name) || span_uint64(&num, &v) < 0 || !span_empty(&num) ||
		    v != id)
			continue;
		strbuf_add(out, name.p, span_len(&name));
		return true;
	}
	return false;
}

static const char *id_name(struct id_names *in, const struct rootfs *rfs, bool group, uint32_t id)
{
	struct strbuf name = STRBUF_INIT;
	bool found = false;

	for (size_t i = 0; i < in->n; i++)
		if (in->v[i].id == id)
			return in->v[i].name;
	if (rootfs_is_live(rfs)) {
		char *buf = xmalloc(NSS_BUF_SIZE);

		if (group) {
			struct group gr, *res = NULL;

			if (getgrgid_r(id, &gr, buf, NSS_BUF_SIZE, &res) == 0 && res) {
				strbuf_addstr(&name, res->gr_name);
				found = true;
			}
		} else {
			struct passwd pw, *res = NULL;

			if (getpwuid_r(id, &pw, buf, NSS_BUF_SIZE, &res) == 0 && res) {
				strbuf_addstr(&name, res->pw_name);
				found = true;
			}
		}
		free(buf);
	} else {
		if (!in->loaded) {
			bool truncated = false;

			strbuf_init(&in->file, 0);
			if (rootfs_read(rfs, group ? "/etc/group" : "/etc/passwd", &in->file,
					ACCOUNT_FILE_MAX, &truncated) < 0 || truncated)
				strbuf_reset(&in->file);
			in->loaded = true;
		}
		found = account_file_name(&in->file, id, &name);
	}
	if (!found)
		strbuf_addf(&name, "%u", id);
	if (in->n == in->alloc) {
		in->alloc = in->alloc ? 2 * in->alloc : 16;
		in->v = xreallocarray(in->v, in->alloc, sizeof(*in->v));
	}
	in->v[in->n].id = id;
	in->v[in->n].name = strbuf_detach(&name, NULL);
	return in->v[in->n++].name;
}

struct suid_gen {
	struct query_ctx *q;
	struct rootpath rp;
	struct id_names users, groups;
};

static int suid_match(void *arg, const struct pathglob_entry *e)
{
	struct suid_gen *g = arg;
	struct query_ctx *q = g->q;
	const struct rootfs *rfs = qctx_rootfs(q);
	struct stat st;

	if (rootpath_entry_stat(&g->rp, &e->where, true, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !(st.st_mode & (S_ISUID | S_ISGID)))
		return 0;
	row_begin(q);
	row_text(q, SUID_PATH, e->where.path, e->path_len);
	if (qctx_used(q, SUID_USERNAME))
		row_textz(q, SUID_USERNAME, id_name(&g->users, rfs, false, st.st_uid));
	if (qctx_used(q, SUID_GROUPNAME))
		row_textz(q, SUID_GROUPNAME, id_name(&g->groups, rfs, true, st.st_gid));
	row_textf(q, SUID_PERMISSIONS, "%s%s", st.st_mode & S_ISUID ? "S" : "",
		  st.st_mode & S_ISGID ? "G" : "");
	row_int(q, SUID_PID_WITH_NAMESPACE, 0);
	return row_end(q);
}

static int gen_suid_bin(struct query_ctx *q)
{
	struct suid_gen g = { .q = q };
	int r;

	if (!host_namespace_only(q, SUID_PID_WITH_NAMESPACE))
		return 0;
	r = rootpath_init(&g.rp, qctx_rootfs(q));
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (size_t i = 0; i < ARRAY_SIZE(suid_search_dirs) && r >= 0; i++)
		r = pathglob_walk(&g.rp, suid_search_dirs[i], PATHGLOB_FILES | PATHGLOB_RECURSE,
				  suid_match, &g);
	id_names_release(&g.users);
	id_names_release(&g.groups);
	rootpath_release(&g.rp);
	return r;
}

const struct table_spec suid_bin_spec = {
	.name = "suid_bin",
	.description = "suid binaries in common locations.",
	.source = "setuid/setgid regular files below /bin, /sbin, /usr/bin, /usr/sbin, "
		  "/usr/local/bin, /usr/local/sbin, /tmp; names from NSS (live) or the root's "
		  "/etc/passwd and /etc/group",
	TABLE_COLUMNS(suid_bin_cols),
	.attributes = TABLE_CACHEABLE,
	.generate = gen_suid_bin,
};

/* ------------------------------------------------------------------ */
/* extended_attributes */

enum {
	XATTR_PATH,
	XATTR_DIRECTORY,
	XATTR_KEY,
	XATTR_VALUE,
	XATTR_BASE64,
};

static const struct column_spec extended_attributes_cols[] = {
	[XATTR_PATH] = { "path", COL_TEXT, COLF_REQUIRED | COLF_OPTIMIZED | COLF_LIKE,
			 .help = "Absolute file path" },
	[XATTR_DIRECTORY] = { "directory", COL_TEXT, COLF_REQUIRED | COLF_OPTIMIZED | COLF_LIKE,
			      .help = "Directory of file(s)" },
	[XATTR_KEY] = { "key", COL_TEXT, 0,
			.help = "Name of the value generated from the extended attribute" },
	[XATTR_VALUE] = { "value", COL_TEXT, 0, .help = "The parsed information from the attribute" },
	[XATTR_BASE64] = { "base64", COL_INTEGER, 0,
			   .help = "1 if the value is base64 encoded else 0" },
};

static const char xattr_caps_name[] = "security.capability";

struct xattr_gen {
	struct query_ctx *q;
	struct rootpath rp;
	const char *dir; /* as file_gen */
	char *names, *value, *b64;
};

static int xattr_emit(struct xattr_gen *g, const struct rootpath_entry *e, size_t path_len,
		      const char *key, const char *value, size_t vlen, bool b64)
{
	struct query_ctx *q = g->q;

	row_begin(q);
	row_text(q, XATTR_PATH, e->path, path_len);
	if (g->dir) {
		row_textz(q, XATTR_DIRECTORY, g->dir);
	} else {
		struct span dir = path_parent(e->path, path_len);

		row_text(q, XATTR_DIRECTORY, dir.p, span_len(&dir));
	}
	row_textz(q, XATTR_KEY, key);
	row_text(q, XATTR_VALUE, value, vlen);
	row_int(q, XATTR_BASE64, b64);
	return row_end(q);
}

/* osquery's rule: printable when the value ends in NUL and everything
 * before it is printable ASCII; then the value without its NUL. */
static bool xattr_printable(const char *v, size_t len)
{
	if (len == 0 || v[len - 1] != '\0')
		return false;
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return false;
	return true;
}

/* Is name one of the NUL-separated names in list[0..len)? */
static bool xattr_listed(const char *list, size_t len, const char *name)
{
	for (const char *n = list; n < list + len; n += strnlen(n, (size_t)(list + len - n)) + 1)
		if (strcmp(n, name) == 0)
			return true;
	return false;
}

/*
 * The file's capabilities as libcap's text, in a row of their own, as
 * osquery puts them first. Returns 1 when they were decoded (a row
 * emitted, or none when the set is empty): the raw attribute is then
 * not listed; 0 when they could not be decoded (the raw attribute is
 * listed); a negative error from row_end.
 */
static int xattr_caps_row(struct xattr_gen *g, const struct rootpath_entry *e, size_t path_len,
			  const char *fdpath)
{
	cap_t cap = cap_get_file(fdpath);
	char *text;
	int r = 1;

	if (!cap)
		return errno == ENODATA ? 1 : 0;
	text = cap_to_text(cap, NULL);
	cap_free(cap);
	if (!text)
		return 1;
	if (*text) {
		r = xattr_emit(g, e, path_len, xattr_caps_name, text, strlen(text), false);
		if (r == 0)
			r = 1;
	}
	cap_free(text);
	return r;
}

static int xattr_rows(struct xattr_gen *g, const struct rootpath_entry *e, size_t path_len)
{
	char fdbuf[ROOTPATH_FD_PATH_MAX];
	const char *fdpath;
	ssize_t nlist;
	bool caps_decoded = false;
	int fd, r = 0;

	/* an O_PATH descriptor: no open of a fifo or a device, and the
	 * calls below act on what the path resolves to under the root */
	if (rootpath_entry_open(&g->rp, e, O_PATH, &fd) < 0)
		return 0;
	fdpath = rootpath_fd_path(fd, fdbuf);
	nlist = listxattr(fdpath, g->names, XATTR_LIST_MAX);
	if (nlist <= 0)
		goto out;
	/* the kernel NUL-terminates every name; a final one is forced
	 * anyway so no scan can leave the buffer */
	g->names[nlist] = '\0';
	if (xattr_listed(g->names, (size_t)nlist, xattr_caps_name)) {
		r = xattr_caps_row(g, e, path_len, fdpath);
		caps_decoded = r > 0;
		if (r > 0)
			r = 0;
	}
	for (const char *name = g->names; name < g->names + nlist && r >= 0;
	     name += strlen(name) + 1) {
		ssize_t vlen;

		if (!*name || (caps_decoded && strcmp(name, xattr_caps_name) == 0))
			continue;
		vlen = getxattr(fdpath, name, g->value, XATTR_SIZE_MAX);
		if (vlen < 0)
			continue; /* vanished or unreadable: osquery skips it too */
		if (vlen == 0) {
			r = xattr_emit(g, e, path_len, name, "", 0, true);
		} else if (xattr_printable(g->value, (size_t)vlen)) {
			r = xattr_emit(g, e, path_len, name, g->value, (size_t)vlen - 1, false);
		} else {
			/* a final NUL is dropped before encoding, as osquery does */
			size_t n = (size_t)vlen - (g->value[vlen - 1] == '\0' ? 1 : 0);
			size_t blen = sqlfn_base64_encode(g->value, n, g->b64);

			r = xattr_emit(g, e, path_len, name, g->b64, blen, true);
		}
	}
out:
	close(fd);
	return r;
}

static int xattr_match(void *arg, const struct pathglob_entry *e)
{
	return xattr_rows(arg, &e->where, e->path_len);
}

static int gen_extended_attributes(struct query_ctx *q)
{
	struct xattr_gen g = { .q = q };
	struct pathset paths = { 0 }, dirs = { 0 };
	int r;

	if (!qctx_eq_count(q, XATTR_PATH) && !qctx_like_count(q, XATTR_PATH) &&
	    !qctx_eq_count(q, XATTR_DIRECTORY) && !qctx_like_count(q, XATTR_DIRECTORY))
		return -SPOOR_ECONSTRAINT;
	r = rootpath_init(&g.rp, qctx_rootfs(q));
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	g.names = xmalloc(XATTR_LIST_MAX + 1);
	g.value = xmalloc(XATTR_SIZE_MAX);
	g.b64 = xmalloc(SQLFN_BASE64_LEN(XATTR_SIZE_MAX) + 1);

	r = constraint_paths(q, &g.rp, XATTR_PATH, PATHGLOB_ALL, &paths);
	for (size_t i = 0; i < paths.n && r >= 0; i++) {
		struct rootpath_entry e = entry_by_path(paths.v[i]);

		r = xattr_rows(&g, &e, strlen(paths.v[i]));
	}
	if (r >= 0)
		r = constraint_paths(q, &g.rp, XATTR_DIRECTORY, PATHGLOB_DIRS, &dirs);
	for (size_t i = 0; i < dirs.n && r >= 0; i++) {
		g.dir = dirs.v[i];
		r = pathglob_walk(&g.rp, dirs.v[i], PATHGLOB_ALL, xattr_match, &g);
		if (r == -EINVAL)
			r = 0;
	}
	pathset_release(&paths);
	pathset_release(&dirs);
	free(g.names);
	free(g.value);
	free(g.b64);
	rootpath_release(&g.rp);
	return r;
}

const struct table_spec extended_attributes_spec = {
	.name = "extended_attributes",
	.description = "Returns the extended attributes for files (similar to Windows ADS).",
	.source = "listxattr/getxattr of the paths (and directory entries) given; "
		  "security.capability through libcap",
	TABLE_COLUMNS(extended_attributes_cols),
	.generate = gen_extended_attributes,
};

/* ------------------------------------------------------------------ */
/* magic */

enum {
	MAG_PATH,
	MAG_MAGIC_DB_FILES,
	MAG_DATA,
	MAG_MIME_TYPE,
	MAG_MIME_ENCODING,
};

static const struct column_spec magic_cols[] = {
	[MAG_PATH] = { "path", COL_TEXT, COLF_INDEX | COLF_REQUIRED | COLF_LIKE,
			 .help = "Absolute path to target file" },
	[MAG_MAGIC_DB_FILES] = { "magic_db_files", COL_TEXT, COLF_ADDITIONAL,
				   .help = "Colon(:) separated list of files where the magic db "
					   "file can be found. By default one of the following is "
					   "used: /usr/share/file/magic/magic, /usr/share/misc/magic "
					   "or /usr/share/misc/magic.mgc" },
	[MAG_DATA] = { "data", COL_TEXT, 0, .help = "Magic number data from libmagic" },
	[MAG_MIME_TYPE] = { "mime_type", COL_TEXT, 0, .help = "MIME type data from libmagic" },
	[MAG_MIME_ENCODING] = { "mime_encoding", COL_TEXT, 0,
				  .help = "MIME encoding data from libmagic" },
};

/* osquery's kMagicFiles: the analyst's own databases, not the root's */
static const char magic_default_db[] = "/usr/share/file/magic.mgc:/usr/share/misc/magic.mgc";

static void magic_column(struct query_ctx *q, magic_t cookie, int col, int flags, const char *path)
{
	const char *s;

	if (!qctx_used(q, col) || !path)
		return;
	magic_setflags(cookie, flags);
	s = magic_file(cookie, path);
	if (s)
		row_textz(q, col, s);
}

/*
 * The path libmagic is to open: on the live host the path as given (its
 * messages then name it, as osquery's do); under another root the
 * directory resolved inside the root and named through the descriptor,
 * the last component left for libmagic to lstat. *ret_fd is that
 * descriptor (-1 when none); NULL when the directory is not there.
 */
static const char *magic_path(const struct rootpath *rp, const char *path, int *ret_fd,
			      struct strbuf *sb)
{
	const char *slash = strrchr(path, '/');
	char fdbuf[ROOTPATH_FD_PATH_MAX];
	struct strbuf dir = STRBUF_INIT;
	int fd;

	*ret_fd = -1;
	if (rp->live)
		return path;
	if (!slash)
		return NULL;
	strbuf_add(&dir, path, (size_t)(slash - path) + 1);
	if (rootpath_open(rp, dir.buf, O_PATH | O_DIRECTORY, &fd) < 0) {
		strbuf_release(&dir);
		return NULL;
	}
	strbuf_release(&dir);
	*ret_fd = fd;
	strbuf_reset(sb);
	strbuf_addf(sb, "%s/%s", rootpath_fd_path(fd, fdbuf), slash[1] ? slash + 1 : ".");
	return sb->buf;
}

/*
 * A symlink under a root other than the live host: libmagic would test
 * its target against the host's file system, so its answer is given
 * here, as libmagic gives it without MAGIC_SYMLINK ("symbolic link to
 * T", inode/symlink, binary; "broken symbolic link to T" and no encoding
 * when T does not resolve), with T resolved inside the root. False when
 * path is not a symlink there.
 */
static bool magic_root_link(struct query_ctx *q, const struct rootpath *rp, const char *path,
			    struct strbuf *sb)
{
	struct stat st;
	bool resolves;

	if (rootpath_stat(rp, path, false, &st) < 0 || !S_ISLNK(st.st_mode))
		return false;
	strbuf_reset(sb);
	if (rootpath_readlink(rp, path, sb) < 0)
		return false;
	resolves = rootpath_stat(rp, path, true, &st) == 0;
	row_textf(q, MAG_DATA, "%ssymbolic link to %s", resolves ? "" : "broken ", sb->buf);
	row_textz(q, MAG_MIME_TYPE, "inode/symlink");
	if (resolves)
		row_textz(q, MAG_MIME_ENCODING, "binary");
	return true;
}

static int gen_magic(struct query_ctx *q)
{
	struct strbuf db = STRBUF_INIT, target = STRBUF_INIT;
	struct rootpath rp = { .fd = -1 };
	struct pathset paths = { 0 };
	magic_t cookie = NULL;
	int r;

	if (!qctx_eq_count(q, MAG_PATH))
		return 0; /* LIKE: osquery only reads "path =" */
	if (qctx_has_eq(q, MAG_MAGIC_DB_FILES)) {
		for (size_t i = 0; i < qctx_eq_count(q, MAG_MAGIC_DB_FILES); i++) {
			const char *t = qctx_eq_text(q, MAG_MAGIC_DB_FILES, i, NULL);

			strbuf_addf(&db, "%s%s", i ? ":" : "", t ? t : "");
		}
	} else {
		strbuf_addstr(&db, magic_default_db);
	}
	r = rootpath_init(&rp, qctx_rootfs(q));
	if (r < 0)
		goto out;
	cookie = magic_open(MAGIC_NONE);
	/* no library or no database: no rows, as osquery */
	if (!cookie || magic_load(cookie, db.buf) != 0)
		goto out;
	for (size_t i = 0; i < qctx_eq_count(q, MAG_PATH); i++) {
		const char *t = qctx_eq_text(q, MAG_PATH, i, NULL);

		if (t && (r = pathset_add(&paths, t, strlen(t))) < 0)
			goto out;
	}
	pathset_sort_unique(&paths);
	for (size_t i = 0; i < paths.n && r >= 0; i++) {
		int fd = -1;
		const char *p;

		row_begin(q);
		row_textz(q, MAG_PATH, paths.v[i]);
		row_text(q, MAG_MAGIC_DB_FILES, db.buf, db.len);
		if (!rp.live && magic_root_link(q, &rp, paths.v[i], &target)) {
			r = row_end(q);
			continue;
		}
		p = magic_path(&rp, paths.v[i], &fd, &target);
		magic_column(q, cookie, MAG_DATA, MAGIC_NONE, p);
		magic_column(q, cookie, MAG_MIME_TYPE, MAGIC_MIME_TYPE, p);
		magic_column(q, cookie, MAG_MIME_ENCODING, MAGIC_MIME_ENCODING, p);
		r = row_end(q);
		if (fd >= 0)
			close(fd);
	}
out:
	if (cookie)
		magic_close(cookie);
	pathset_release(&paths);
	strbuf_release(&db);
	strbuf_release(&target);
	rootpath_release(&rp);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec magic_spec = {
	.name = "magic",
	.description = "Magic number recognition library table.",
	.source = "libmagic (description, MIME type, MIME encoding) of each path given",
	TABLE_COLUMNS(magic_cols),
	.generate = gen_magic,
};
