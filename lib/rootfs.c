/*
 * rootfs.c - the access layer with a root prefix (see rootfs.h).
 *
 * The root is held as an O_PATH directory fd; every access is an
 * *at() call relative to it, so a prefix costs nothing on the live host.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rootfs.h"
#include "xalloc.h"
#include "banned.h"

struct rootfs {
	int fd;
	bool live;
	char *prefix;
};

/* "/proc/1/stat" -> "proc/1/stat"; "/" -> "." */
static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int rootfs_open(struct rootfs **ret, const char *root)
{
	struct rootfs *rfs;
	int fd;

	if (!root || !*root)
		root = "/";
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rfs = xcalloc(1, sizeof(*rfs));
	rfs->fd = fd;
	rfs->prefix = xstrdup(root);
	{
		struct stat a, b;

		rfs->live = fstat(fd, &a) == 0 && stat("/", &b) == 0 && a.st_dev == b.st_dev &&
			    a.st_ino == b.st_ino;
	}
	*ret = rfs;
	return 0;
}

void rootfs_free(struct rootfs *rfs)
{
	if (!rfs)
		return;
	close(rfs->fd);
	free(rfs->prefix);
	free(rfs);
}

bool rootfs_is_live(const struct rootfs *rfs)
{
	return rfs->live;
}

const char *rootfs_prefix(const struct rootfs *rfs)
{
	return rfs->prefix;
}

int rootfs_open_subdir(int dirfd, const char *relpath, int *ret_fd)
{
	int fd = openat(dirfd, relative(relpath), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

int rootfs_open_dir(const struct rootfs *rfs, const char *path, int *ret_fd)
{
	return rootfs_open_subdir(rfs->fd, path, ret_fd);
}

int rootfs_opendir(const struct rootfs *rfs, const char *path, DIR **ret_dir)
{
	DIR *d;
	int fd = -1, r;

	r = rootfs_open_dir(rfs, path, &fd);
	if (r < 0)
		return r;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	*ret_dir = d;
	return 0;
}

int rootfs_read_at(int dirfd, const char *relpath, struct strbuf *sb, size_t max,
		   bool *ret_truncated)
{
	size_t start = sb->len, got = 0;
	bool truncated = false;
	int fd, r = 0;

	fd = openat(dirfd, relative(relpath), O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (;;) {
		size_t want = max - got;
		ssize_t n;

		if (want == 0) {
			char probe;

			/* at the limit: is there more? */
			n = read(fd, &probe, 1);
			if (n > 0)
				truncated = true;
			break;
		}
		if (want > 65536)
			want = 65536;
		r = strbuf_grow(sb, want);
		if (r < 0)
			break;
		n = read(fd, sb->buf + sb->len, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		sb->len += (size_t)n;
		sb->buf[sb->len] = '\0';
		got += (size_t)n;
	}
	close(fd);
	if (r < 0) {
		strbuf_setlen(sb, start);
		/* a process that exits while we read gives ESRCH on some files */
		return r == -ESRCH ? -ENOENT : r;
	}
	if (ret_truncated)
		*ret_truncated = truncated;
	return 0;
}

int rootfs_read(const struct rootfs *rfs, const char *path, struct strbuf *sb, size_t max,
		bool *ret_truncated)
{
	return rootfs_read_at(rfs->fd, path, sb, max, ret_truncated);
}

int rootfs_readlink_at(int dirfd, const char *relpath, struct strbuf *sb)
{
	char buf[PATH_MAX + 1];
	ssize_t n = readlinkat(dirfd, relative(relpath), buf, sizeof(buf));

	if (n < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	if ((size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	return strbuf_add(sb, buf, (size_t)n);
}

int rootfs_readlink(const struct rootfs *rfs, const char *path, struct strbuf *sb)
{
	return rootfs_readlink_at(rfs->fd, path, sb);
}

int rootfs_stat(const struct rootfs *rfs, const char *path, struct stat *ret_st)
{
	struct stat st;

	if (fstatat(rfs->fd, relative(path), &st, 0) < 0)
		return -errno;
	*ret_st = st;
	return 0;
}

bool rootfs_exists(const struct rootfs *rfs, const char *path)
{
	return faccessat(rfs->fd, relative(path), F_OK, 0) == 0;
}
