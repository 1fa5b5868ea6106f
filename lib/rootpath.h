/*
 * rootpath.h - any host path under the rootfs, for the file-system tables.
 *
 * rootfs.h reads files of /proc, /sys and /etc whole. The file-system
 * tables (file, hash, magic, extended_attributes, suid_bin) need more:
 * lstat and stat of arbitrary paths, file descriptors to stream from or
 * to ask the kernel about (xattrs, inode flags), and directories to walk.
 * struct rootpath gives them that under the same root prefix: on the
 * live host a path is the host's path; under any other root every
 * lookup is an openat2(RESOLVE_IN_ROOT), so ".." and absolute symlinks
 * inside a mounted image or captured tree stay inside it.
 *
 * Directory walks do their per-entry work relative to an open directory
 * (fstatat(dirfd, name)), which is what keeps "every file under /usr"
 * as cheap as find(1). Such a relative lookup is safe under a foreign
 * root only when the entry is not a symlink (a readdir name has no '/'
 * and is never ".."); rootpath_entry_stat() takes care of the rule.
 *
 * Paths must be absolute; a relative path is -EINVAL.
 */
#ifndef SPOOR_ROOTPATH_H
#define SPOOR_ROOTPATH_H

#include <stdbool.h>
#include <sys/stat.h>

#include "strbuf.h"

struct rootfs;

struct rootpath {
	int fd;    /* the root directory */
	bool live; /* the root is the host's "/" */
};

/* Opens the root of rfs. Returns 0 or -errno. */
int rootpath_init(struct rootpath *rp, const struct rootfs *rfs);
/* Closes the root; a zeroed or released rootpath is a no-op. */
void rootpath_release(struct rootpath *rp);

/*
 * open(2) of path under the root with flags (O_CLOEXEC is added). With
 * O_NOFOLLOW a final symlink is not followed (use O_PATH to get a
 * descriptor of the link itself). Returns 0 or -errno.
 */
int rootpath_open(const struct rootpath *rp, const char *path, int flags, int *ret_fd);

/* stat(2) (follow) or lstat(2) (!follow) of path under the root. A path
 * ending in '/' resolves a final symlink either way, as the kernel does. */
int rootpath_stat(const struct rootpath *rp, const char *path, bool follow, struct stat *ret_st);

/* The target of the symlink path, appended to sb. -EINVAL when path is
 * not a symlink. */
int rootpath_readlink(const struct rootpath *rp, const char *path, struct strbuf *sb);

/*
 * An entry found in an open directory: name relative to dirfd (it may
 * end in '/', which makes the kernel resolve a symlink), path the same
 * entry as a full host path, is_link true when the entry itself is a
 * symlink (or may be one: d_type unknown).
 */
struct rootpath_entry {
	int dirfd;
	const char *name;
	const char *path;
	bool is_link;
};

/* stat/lstat of an entry: relative to dirfd when that cannot leave the
 * root, through the root otherwise. */
int rootpath_entry_stat(const struct rootpath *rp, const struct rootpath_entry *e, bool follow,
			struct stat *ret_st);
/* open(2) of an entry, same rule. */
int rootpath_entry_open(const struct rootpath *rp, const struct rootpath_entry *e, int flags,
			int *ret_fd);
/* readlink(2) of an entry, appended to sb (reading a link never leaves
 * the root: it is not followed). */
int rootpath_entry_readlink(const struct rootpath *rp, const struct rootpath_entry *e,
			    struct strbuf *sb);

/* "/proc/self/fd/N": a path naming an open descriptor, for the calls
 * that take only a path (getxattr, libmagic, libcap) and must act on a
 * file found under the root. buf holds at least ROOTPATH_FD_PATH_MAX. */
#define ROOTPATH_FD_PATH_MAX 32
const char *rootpath_fd_path(int fd, char *buf);

#endif
