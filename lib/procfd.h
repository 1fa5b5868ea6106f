/*
 * procfd.h - walking processes' open file descriptors, /proc/<pid>/fd,
 * through the rootfs layer.
 *
 * The walker lists the processes (every numeric directory of /proc, or
 * only the pids a query names), opens each one's directory and its fd/
 * directory, and hands every descriptor with its link text ("/etc/passwd",
 * "socket:[1234]", "pipe:[5678]", "anon_inode:[eventfd]") to a callback.
 * A process that exits, or whose fd/ directory the caller may not read
 * (another user's process without privilege), is passed over quietly:
 * what cannot be seen gives no rows. Only spoor's own resource errors
 * (EMFILE, ENFILE, ENOMEM) stop a walk.
 *
 * On a captured tree the fd/ entries are ordinary symlinks holding the
 * same link texts, so the tables built on this replay unchanged. There,
 * every directory and file is opened with the rootfs layer's
 * resolution inside the root: a tree whose proc/<pid> or fd/ is a
 * symlink to "/proc/self/fd" reaches nothing of the analyst's host.
 */
#ifndef SPOOR_PROCFD_H
#define SPOOR_PROCFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "rootfs.h"
#include "strbuf.h"

/* One process being walked. */
struct procfd_proc {
	const struct rootfs *rfs;
	int64_t pid;
	/* "/proc/<pid>" */
	char path[32];
	/* that directory, open for the duration of the callbacks */
	int dirfd;
};

/* One descriptor. */
struct procfd_entry {
	int64_t fd;
	/* the entry's name ("5") in the fd/ directory fddirfd */
	const char *name;
	int fddirfd;
	/* the link text, NUL-terminated */
	const char *link;
	size_t link_len;
};

struct procfd_ops {
	/* Once per process, before its descriptors (may be NULL). Returns
	 * 0 to walk its descriptors, 1 to pass over them, or a negative
	 * errno to stop the walk. */
	int (*process)(void *arg, const struct procfd_proc *p);
	/* Once per descriptor; a negative errno stops the walk. */
	int (*entry)(void *arg, const struct procfd_proc *p, const struct procfd_entry *e);
};

/*
 * Walks the descriptors of every process in /proc (pids == NULL), or of
 * the npids processes listed (each positive pid once, in ascending
 * order; others match no process). Returns 0, -ENOENT when the root has
 * no /proc, a fatal error, or a callback's negative return.
 */
int procfd_walk(const struct rootfs *rfs, const int64_t *pids, size_t npids,
		const struct procfd_ops *ops, void *arg);

/*
 * Parses a "<type>:[<number>]" link text (socket:[1234], pipe:[5678],
 * net:[4026531840]) into the number. Returns 0, or -EINVAL when the text
 * is not exactly of that form or the number does not fit in 63 bits (the
 * tables' BIGINT columns hold it signed).
 */
int procfd_link_inode(const char *link, size_t len, const char *type, uint64_t *ret);

/*
 * The open file behind a descriptor, stat(2)-ed. On the live host the
 * fd entry itself is followed, which reaches files deleted or mounted
 * out of sight; on another root the link text is resolved inside the
 * root (an absolute path; -ENOENT for "type:[...]" texts).
 */
int procfd_stat(const struct rootfs *rfs, const struct procfd_entry *e, struct stat *ret_st);

/*
 * The open flags of a descriptor, from the "flags:" line of
 * /proc/<pid>/fdinfo/<fd> (octal, as open(2) flags: O_ACCMODE gives the
 * access mode), looked for in the first FDINFO_MAX bytes (fdinfo is a few
 * lines, more for epoll, inotify and fanotify fds, which list their
 * targets; flags: is the second line). scratch is a reusable buffer.
 * Returns 0 or -errno (-SPOOR_EPARSE when there is no parsable flags:
 * line).
 */
#define FDINFO_MAX ((size_t)64 << 10)
int procfd_flags(const struct procfd_proc *p, const struct procfd_entry *e, struct strbuf *scratch,
		 unsigned *ret_flags);

#endif
