/*
 * rootfs.c - the access layer with a root prefix (see rootfs.h).
 *
 * The root is held as an O_PATH directory fd; every access is an
 * *at() call relative to it, so a prefix costs nothing on the live host.
 * Under any other root, paths are opened with openat2(RESOLVE_IN_ROOT),
 * so an absolute symlink inside a mounted image or captured tree
 * (etc/localtime -> /usr/share/zoneinfo/...) resolves inside that tree,
 * never on the analyst's own host.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
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

/* openat under the root: RESOLVE_IN_ROOT unless the root is the live /. */
static int open_under(const struct rootfs *rfs, const char *path, int flags)
{
	if (!rfs->live) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.resolve = RESOLVE_IN_ROOT,
		};
		long fd = syscall(SYS_openat2, rfs->fd, relative(path), &how, sizeof(how));

		if (fd >= 0 || errno != ENOSYS)
			return (int)fd;
		/* kernels before 5.6: plain openat */
	}
	return openat(rfs->fd, relative(path), flags | O_CLOEXEC);
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
	int fd = open_under(rfs, path, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
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

/* Reads an open fd to its end (at most max bytes) and closes it.
 * Files are opened O_NONBLOCK: a FIFO planted where a file is expected
 * reads as empty or fails with EAGAIN instead of hanging the scan (the
 * flag means nothing for regular, proc and sysfs files). */
static int read_fd(int fd, struct strbuf *sb, size_t max, bool *ret_truncated)
{
	size_t start = sb->len, got = 0;
	bool truncated = false;
	int r = 0;

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

int rootfs_read_at(int dirfd, const char *relpath, struct strbuf *sb, size_t max,
		   bool *ret_truncated)
{
	int fd = openat(dirfd, relative(relpath), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	return read_fd(fd, sb, max, ret_truncated);
}

int rootfs_read(const struct rootfs *rfs, const char *path, struct strbuf *sb, size_t max,
		bool *ret_truncated)
{
	int fd = open_under(rfs, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	return read_fd(fd, sb, max, ret_truncated);
}

int rootfs_open_file(const struct rootfs *rfs, const char *path, int *ret_fd)
{
	int fd = open_under(rfs, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	*ret_fd = fd;
	return 0;
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
	const char *rel = relative(path), *slash = strrchr(rel, '/');
	char parent[PATH_MAX];
	int dfd, r;

	if (rfs->live || !slash)
		return rootfs_readlink_at(rfs->fd, rel, sb);
	/* resolve the parent inside the root, then read the link itself */
	if ((size_t)(slash - rel) >= sizeof(parent))
		return -ENAMETOOLONG;
	memcpy(parent, rel, (size_t)(slash - rel));
	parent[slash - rel] = '\0';
	dfd = open_under(rfs, parent, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return -errno;
	r = rootfs_readlink_at(dfd, slash + 1, sb);
	close(dfd);
	return r;
}

int rootfs_stat(const struct rootfs *rfs, const char *path, struct stat *ret_st)
{
	struct stat st;
	int fd, r = 0;

	if (rfs->live) {
		if (fstatat(rfs->fd, relative(path), &st, 0) < 0)
			return -errno;
		*ret_st = st;
		return 0;
	}
	fd = open_under(rfs, path, O_PATH);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	close(fd);
	if (r == 0)
		*ret_st = st;
	return r;
}

bool rootfs_exists(const struct rootfs *rfs, const char *path)
{
	int fd;

	if (rfs->live)
		return faccessat(rfs->fd, relative(path), F_OK, 0) == 0;
	fd = open_under(rfs, path, O_PATH);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}
