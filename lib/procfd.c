/*
 * procfd.c - walking /proc/<pid>/fd (see procfd.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "procfd.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* Errors about spoor itself, not about one process: they end the walk. */
static bool fatal_error(int r)
{
	return r == -EMFILE || r == -ENFILE || r == -ENOMEM;
}

/* A whole-string decimal number within 63 bits: a /proc entry naming a
 * pid, or an fd/ entry. */
static bool decimal_name(const char *s, int64_t *ret)
{
	int64_t v;

	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	if (parse_int64(s, &v) < 0)
		return false;
	*ret = v;
	return true;
}

/* A directory of the process: relative to its open directory on the
 * live host (one short lookup), by its whole path resolved inside the
 * root anywhere else. */
static int open_proc_subdir(const struct procfd_proc *p, const char *sub, int *ret_fd)
{
	char path[48];

	if (rootfs_is_live(p->rfs))
		return rootfs_open_subdir(p->dirfd, sub, ret_fd);
	snprintf(path, sizeof(path), "%s/%s", p->path, sub);
	return rootfs_open_dir(p->rfs, path, ret_fd);
}

static int walk_fds(const struct procfd_ops *ops, void *arg, const struct procfd_proc *p,
		    struct strbuf *link)
{
	struct procfd_entry e;
	struct dirent *de;
	DIR *dir;
	int fd, r = 0;

	r = open_proc_subdir(p, "fd", &fd);
	if (r < 0)
		return fatal_error(r) ? r : 0; /* exited, or not ours to read */
	dir = fdopendir(fd);
	if (!dir) {
		r = -errno;
		close(fd);
		return fatal_error(r) ? r : 0;
	}
	e.fddirfd = fd;
	for (;;) {
		errno = 0;
		de = readdir(dir);
		if (!de) {
			/* a process exiting under us ends its listing early */
			r = fatal_error(-errno) ? -errno : 0;
			break;
		}
		if (!decimal_name(de->d_name, &e.fd))
			continue;
		strbuf_reset(link);
		r = rootfs_readlink_at(fd, de->d_name, link);
		if (r < 0) {
			/* closed since the listing */
			if (fatal_error(r))
				break;
			r = 0;
			continue;
		}
		e.name = de->d_name;
		e.link = link->buf;
		e.link_len = link->len;
		r = ops->entry(arg, p, &e);
		if (r < 0)
			break;
	}
	closedir(dir);
	return r;
}

static int walk_process(const struct rootfs *rfs, const struct procfd_ops *ops, void *arg,
			int procfd, const char *name, int64_t pid, struct strbuf *link)
{
	struct procfd_proc p = { .rfs = rfs, .pid = pid };
	int r;

	snprintf(p.path, sizeof(p.path), "/proc/%s", name);
	if (rootfs_is_live(rfs))
		r = rootfs_open_subdir(procfd, name, &p.dirfd);
	else
		r = rootfs_open_dir(rfs, p.path, &p.dirfd);
	if (r < 0)
		return fatal_error(r) ? r : 0;
	r = ops->process ? ops->process(arg, &p) : 0;
	if (r == 0)
		r = walk_fds(ops, arg, &p, link);
	close(p.dirfd);
	return r < 0 ? r : 0;
}

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int walk_listed(const struct rootfs *rfs, const int64_t *pids, size_t npids,
		       const struct procfd_ops *ops, void *arg, struct strbuf *link)
{
	int64_t *sorted = xreallocarray(NULL, npids ? npids : 1, sizeof(*sorted));
	size_t n = 0;
	int procfd, r;

	for (size_t i = 0; i < npids; i++)
		if (pids[i] > 0)
			sorted[n++] = pids[i];
	qsort(sorted, n, sizeof(*sorted), cmp_int64);
	r = rootfs_open_dir(rfs, "/proc", &procfd);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n && r == 0; i++) {
		char name[24];

		if (i > 0 && sorted[i] == sorted[i - 1])
			continue;
		snprintf(name, sizeof(name), "%lld", (long long)sorted[i]);
		r = walk_process(rfs, ops, arg, procfd, name, sorted[i], link);
	}
	close(procfd);
out:
	free(sorted);
	return r;
}

static int walk_all(const struct rootfs *rfs, const struct procfd_ops *ops, void *arg,
		    struct strbuf *link)
{
	struct dirent *de;
	DIR *dir;
	int r;

	r = rootfs_opendir(rfs, "/proc", &dir);
	if (r < 0)
		return r;
	for (;;) {
		int64_t pid;

		errno = 0;
		de = readdir(dir);
		if (!de) {
			r = -errno;
			break;
		}
		/* processes only; a file named like a pid is not one */
		if (!decimal_name(de->d_name, &pid) || pid <= 0 ||
		    (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		r = walk_process(rfs, ops, arg, dirfd(dir), de->d_name, pid, link);
		if (r < 0)
			break;
	}
	closedir(dir);
	return r;
}

int procfd_walk(const struct rootfs *rfs, const int64_t *pids, size_t npids,
		const struct procfd_ops *ops, void *arg)
{
	struct strbuf link = STRBUF_INIT;
	int r;

	if (pids)
		r = walk_listed(rfs, pids, npids, ops, arg, &link);
	else
		r = walk_all(rfs, ops, arg, &link);
	strbuf_release(&link);
	return r;
}

int procfd_link_inode(const char *link, size_t len, const char *type, uint64_t *ret)
{
	struct span sp = span_make(link, len);
	size_t tlen = strlen(type);
	uint64_t v;

	if (len < tlen + 3 || memcmp(link, type, tlen) != 0)
		return -EINVAL;
	sp.p += tlen;
	if (span_expect(&sp, ':') < 0 || span_expect(&sp, '[') < 0 || span_uint64(&sp, &v) < 0 ||
	    span_expect(&sp, ']') < 0 || !span_empty(&sp) || v > (uint64_t)INT64_MAX)
		return -EINVAL;
	*ret = v;
	return 0;
}

int procfd_stat(const struct rootfs *rfs, const struct procfd_entry *e, struct stat *ret_st)
{
	struct stat st;

	if (rootfs_is_live(rfs)) {
		if (fstatat(e->fddirfd, e->name, &st, 0) < 0)
			return errno == ESRCH ? -ENOENT : -errno;
		*ret_st = st;
		return 0;
	}
	if (e->link_len == 0 || e->link[0] != '/')
		return -ENOENT;
	return rootfs_stat(rfs, e->link, ret_st);
}

/* "flags:\t02100002": octal digits, at most 32 bits of them. */
static int parse_octal(struct span sp, unsigned *ret)
{
	unsigned v = 0;
	size_t n = 0;

	span_trim(&sp);
	for (; sp.p < sp.end; sp.p++, n++) {
		if (*sp.p < '0' || *sp.p > '7' || v > (~0u >> 3))
			return -SPOOR_EPARSE;
		v = v << 3 | (unsigned)(*sp.p - '0');
	}
	if (n == 0)
		return -SPOOR_EPARSE;
	*ret = v;
	return 0;
}

int procfd_flags(const struct procfd_proc *p, const struct procfd_entry *e, struct strbuf *scratch,
		 unsigned *ret_flags)
{
	char rel[80];
	struct span sp, line;
	int r;

	strbuf_reset(scratch);
	if (rootfs_is_live(p->rfs)) {
		snprintf(rel, sizeof(rel), "fdinfo/%s", e->name);
		r = rootfs_read_at(p->dirfd, rel, scratch, FDINFO_MAX, NULL);
	} else {
		snprintf(rel, sizeof(rel), "%s/fdinfo/%s", p->path, e->name);
		r = rootfs_read(p->rfs, rel, scratch, FDINFO_MAX, NULL);
	}
	if (r < 0)
		return r;
	sp = span_make(scratch->buf, scratch->len);
	while (span_line(&sp, &line) == 0) {
		struct span key, val;

		if (span_kv(&line, ':', &key, &val) == 0 && span_eq(&key, "flags"))
			return parse_octal(val, ret_flags);
	}
	return -SPOOR_EPARSE;
}
