/*
 * rootpath.c - any host path under the rootfs (see rootpath.h).
 *
 * The live host resolves paths relative to an fd of "/" (plain *at()
 * calls); any other root resolves them with openat2(RESOLVE_IN_ROOT), as
 * rootfs.c does for /proc and /etc, and falls back to plain openat() on
 * kernels before 5.6.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs.h"
#include "rootpath.h"
#include "banned.h"

/* "/usr/bin" -> "usr/bin"; "/" -> "." */
static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int rootpath_init(struct rootpath *rp, const struct rootfs *rfs)
{
	int fd, r;

	rp->fd = -1;
	rp->live = rootfs_is_live(rfs);
	r = rootfs_open_dir(rfs, "/", &fd);
	if (r < 0)
		return r;
	rp->fd = fd;
	return 0;
}

void rootpath_release(struct rootpath *rp)
{
	if (rp->fd >= 0)
		close(rp->fd);
	rp->fd = -1;
}

int rootpath_open(const struct rootpath *rp, const char *path, int flags, int *ret_fd)
{
	long fd;

	if (path[0] != '/')
		return -EINVAL;
	if (!rp->live) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.resolve = RESOLVE_IN_ROOT,
		};

		fd = syscall(SYS_openat2, rp->fd, relative(path), &how, sizeof(how));
		if (fd >= 0) {
			*ret_fd = (int)fd;
			return 0;
		}
		if (errno != ENOSYS)
			return -errno;
	}
	fd = openat(rp->fd, relative(path), flags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret_fd = (int)fd;
	return 0;
}

int rootpath_stat(const struct rootpath *rp, const char *path, bool follow, struct stat *ret_st)
{
	struct stat st;
	int fd, r = 0;

	if (path[0] != '/')
		return -EINVAL;
	if (rp->live) {
		if (fstatat(rp->fd, relative(path), &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		*ret_st = st;
		return 0;
	}
	r = rootpath_open(rp, path, O_PATH | (follow ? 0 : O_NOFOLLOW), &fd);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		r = -errno;
	close(fd);
	if (r == 0)
		*ret_st = st;
	return r;
}

int rootpath_readlink(const struct rootpath *rp, const char *path, struct strbuf *sb)
{
	char buf[PATH_MAX + 1];
	ssize_t n;
	int fd = -1, r;

	if (path[0] != '/')
		return -EINVAL;
	if (rp->live) {
		n = readlinkat(rp->fd, relative(path), buf, sizeof(buf));
	} else {
		r = rootpath_open(rp, path, O_PATH | O_NOFOLLOW, &fd);
		if (r < 0)
			return r;
		/* an O_PATH descriptor of the link itself: read it */
		n = readlinkat(fd, "", buf, sizeof(buf));
	}
	r = n < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	if (r < 0)
		return r == -ENOENT && !rp->live ? -EINVAL : r;
	if ((size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	return strbuf_add(sb, buf, (size_t)n);
}

/* May the entry be looked up relative to its directory? Always on the
 * live host; under another root only when no symlink is involved. */
static bool entry_relative_ok(const struct rootpath *rp, const struct rootpath_entry *e)
{
	return e->dirfd >= 0 && (rp->live || !e->is_link);
}

int rootpath_entry_stat(const struct rootpath *rp, const struct rootpath_entry *e, bool follow,
			struct stat *ret_st)
{
	struct stat st;

	if (!entry_relative_ok(rp, e))
		return rootpath_stat(rp, e->path, follow, ret_st);
	if (fstatat(e->dirfd, e->name, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	*ret_st = st;
	return 0;
}

int rootpath_entry_open(const struct rootpath *rp, const struct rootpath_entry *e, int flags,
			int *ret_fd)
{
	int fd;

	if (!entry_relative_ok(rp, e))
		return rootpath_open(rp, e->path, flags, ret_fd);
	fd = openat(e->dirfd, e->name, flags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

int rootpath_entry_readlink(const struct rootpath *rp, const struct rootpath_entry *e,
			    struct strbuf *sb)
{
	char buf[PATH_MAX + 1];
	ssize_t n;

	if (e->dirfd < 0)
		return rootpath_readlink(rp, e->path, sb);
	n = readlinkat(e->dirfd, e->name, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	return strbuf_add(sb, buf, (size_t)n);
}

const char *rootpath_fd_path(int fd, char *buf)
{
	snprintf(buf, ROOTPATH_FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}
