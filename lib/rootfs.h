/*
 * rootfs.h - the one access layer for /proc, /sys and /etc.
 *
 * Every read spoor makes of host state goes through a struct rootfs,
 * which resolves paths under a root prefix (util-linux's "sysroot"
 * idea). With the prefix "/" spoor reads the live host; with a directory
 * holding a captured tree it replays that tree, which is how the golden
 * tests run and how an analyst inspects a mounted disk image or a
 * container's root. Paths given to these functions are absolute host
 * paths ("/proc/1/stat"); the layer makes them relative to the prefix.
 *
 * Reads are bounded: the caller names the maximum it accepts, and a
 * longer file is reported as truncated rather than read unbounded.
 *
 * Only a live rootfs may answer from syscalls (uname, sysconf,
 * getpwuid...); rootfs_is_live() tells a table whether it may.
 */
#ifndef SPOOR_ROOTFS_H
#define SPOOR_ROOTFS_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "strbuf.h"

struct rootfs;

/* Opens the root: NULL or "/" is the live host. -errno if root is not a
 * directory. */
int rootfs_open(struct rootfs **ret, const char *root);
void rootfs_free(struct rootfs *rfs);
bool rootfs_is_live(const struct rootfs *rfs);
/* The prefix as given ("/" for the live host). */
const char *rootfs_prefix(const struct rootfs *rfs);

/* Directory handle under the root, for per-entry reads relative to it
 * (as /proc/<pid>/ files are read). Close with close(2). */
int rootfs_open_dir(const struct rootfs *rfs, const char *path, int *ret_fd);
/* Same, relative to an already open directory. */
int rootfs_open_subdir(int dirfd, const char *relpath, int *ret_fd);
/* opendir(3) of a path under the root. */
int rootfs_opendir(const struct rootfs *rfs, const char *path, DIR **ret_dir);

/*
 * Reads a whole file and appends it to sb, reading at most max bytes.
 * When the file holds more, the first max bytes are appended and
 * *ret_truncated (if not NULL) is set to true. Returns 0 or -errno
 * (-ENOENT for a file or process that vanished). On error sb keeps what
 * it held before the call.
 */
int rootfs_read(const struct rootfs *rfs, const char *path, struct strbuf *sb, size_t max,
		bool *ret_truncated);
int rootfs_read_at(int dirfd, const char *relpath, struct strbuf *sb, size_t max,
		   bool *ret_truncated);

/*
 * Opens a file under the root for reading in pieces (a wtmp of any size),
 * O_NONBLOCK like every read here, symlinks resolved inside the root.
 * The caller reads, bounds what it reads, and close(2)s *ret_fd.
 */
int rootfs_open_file(const struct rootfs *rfs, const char *path, int *ret_fd);

/* Target of a symlink, appended to sb. */
int rootfs_readlink(const struct rootfs *rfs, const char *path, struct strbuf *sb);
int rootfs_readlink_at(int dirfd, const char *relpath, struct strbuf *sb);

/* stat (following symlinks) and existence of a path under the root. */
int rootfs_stat(const struct rootfs *rfs, const char *path, struct stat *ret_st);
bool rootfs_exists(const struct rootfs *rfs, const char *path);

#endif
