/*
 * process_fds.c - what processes hold open: process_open_files and
 * process_open_pipes.
 *
 *   SELECT pid, fd, path FROM process_open_files WHERE pid = 1;
 *   SELECT * FROM process_open_files WHERE path LIKE '% (deleted)';
 *   SELECT * FROM process_open_pipes WHERE type = 'named';
 *
 * Data source, through the rootfs layer (lib/procfd.h), so a captured
 * tree replays like the live host: the /proc listing (for
 * process_open_files with pid = / IN, only the named /proc/<pid>
 * directories), every /proc/<pid>/fd link, and for pipes the fd's
 * access mode from /proc/<pid>/fdinfo/<fd> and, to tell a FIFO from a
 * file, a stat of what the fd refers to.
 *
 * Semantics are osquery's (tables/system/linux/process_open_files.cpp,
 * process_open_pipes.cpp):
 *   - process_open_files: one row per descriptor of every process whose
 *     fd/ directory is readable, path being the link text (a deleted
 *     file keeps its " (deleted)" suffix); sockets, pipes and anonymous
 *     inodes are not files and are left out;
 *   - process_open_pipes: one row per (pipe descriptor, partner): the
 *     descriptors of every process referring to the same pipe inode
 *     ("pipe:[inode]", type 'anonymous') or FIFO (type 'named', inode
 *     of the FIFO) are partners when their modes differ or one is 'rw'.
 *     A pipe descriptor with no other descriptor on its inode gives one
 *     row with partner_pid and partner_fd NULL and partner_mode '' (what
 *     osquery's unset values read as); descriptors of one inode that all
 *     share one mode other than 'rw' give no row, as in osquery;
 *   - mode is 'r', 'w' or 'rw' from the fd's access mode, '' for an
 *     O_PATH descriptor, '-' when it cannot be read. osquery reads the
 *     same bits from lstat() of the fd link (procfs sets the link's
 *     permission bits from the file's FMODE_READ / FMODE_WRITE); fdinfo's
 *     flags carry them too and, unlike a link's mode, survive a capture.
 * Where spoor differs, on purpose:
 *   - links are classified by their prefix ("socket:[", "pipe:[",
 *     "anon_inode:"), not by a substring anywhere: osquery drops a real
 *     file named like "/tmp/pipe:x" from process_open_files (and
 *     reports it as an anonymous pipe), which is an easy way to hide one;
 *   - a FIFO is recognised by a stat of the descriptor itself, not of
 *     the path text: a FIFO deleted, or mounted where spoor cannot see
 *     it, is still a named pipe;
 *   - ends are partners when they share the pipe, not merely its inode
 *     number: a FIFO's inode (numbered by its file system) and an
 *     anonymous pipe's (numbered by pipefs) can be equal;
 *   - process_open_pipes ignores pid = / IN (osquery has no index on it:
 *     partners live in every process anyway); the module still filters.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "procfd.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "xalloc.h"
#include "banned.h"

#ifndef O_PATH
#define O_PATH 010000000
#endif

static bool has_prefix(const struct procfd_entry *e, const char *prefix)
{
	size_t n = strlen(prefix);

	return e->link_len >= n && memcmp(e->link, prefix, n) == 0;
}

/* sockets, pipes and anonymous inodes: descriptors that are not files */
static bool is_special(const struct procfd_entry *e)
{
	return has_prefix(e, "socket:[") || has_prefix(e, "pipe:[") || has_prefix(e, "anon_inode:");
}

/* = / IN on an index pid column: the pids to walk, or NULL for all. */
static int64_t *listed_pids(struct query_ctx *q, int col, size_t *ret_n)
{
	size_t n = qctx_eq_count(q, col), k = 0;
	int64_t *pids;

	if (n == 0)
		return NULL;
	pids = xreallocarray(NULL, n, sizeof(*pids));
	for (size_t i = 0; i < n; i++) {
		int64_t v;

		/* 'abc', 1.5 or NULL match no process */
		if (qctx_eq_int64(q, col, i, &v) == 0)
			pids[k++] = v;
	}
	*ret_n = k;
	return pids;
}

/* ------------------------------------------------------------------ */
/* process_open_files */

enum {
	POF_PID,
	POF_FD,
	POF_PATH,
};

static const struct column_spec process_open_files_cols[] = {
	[POF_PID] = { "pid", COL_BIGINT, COLF_INDEX, .help = "Process (or thread) ID" },
	[POF_FD] = { "fd", COL_BIGINT, 0, .help = "Process-specific file descriptor number" },
	[POF_PATH] = { "path", COL_TEXT, 0, .help = "Filesystem path of descriptor" },
};

static int open_file_entry(void *arg, const struct procfd_proc *p, const struct procfd_entry *e)
{
	struct query_ctx *q = arg;

	if (is_special(e))
		return 0;
	row_begin(q);
	row_int(q, POF_PID, p->pid);
	row_int(q, POF_FD, e->fd);
	row_text(q, POF_PATH, e->link, e->link_len);
	return row_end(q);
}

static int gen_process_open_files(struct query_ctx *q)
{
	static const struct procfd_ops ops = { .entry = open_file_entry };
	size_t npids = 0;
	int64_t *pids = listed_pids(q, POF_PID, &npids);
	int r;

	r = procfd_walk(qctx_rootfs(q), pids, npids, &ops, q);
	free(pids);
	/* no /proc in the tree: no rows */
	return r == -ENOENT ? 0 : r;
}

const struct table_spec process_open_files_spec = {
	.name = "process_open_files",
	.description = "File descriptors for each process.",
	.source = "/proc/<pid>/fd links (sockets, pipes and anon inodes left out)",
	TABLE_COLUMNS(process_open_files_cols),
	.generate = gen_process_open_files,
};

/* ------------------------------------------------------------------ */
/* process_open_pipes */

enum {
	POP_PID,
	POP_FD,
	POP_MODE,
	POP_INODE,
	POP_TYPE,
	POP_PARTNER_PID,
	POP_PARTNER_FD,
	POP_PARTNER_MODE,
};

static const struct column_spec process_open_pipes_cols[] = {
	[POP_PID] = { "pid", COL_BIGINT, 0, .help = "Process ID" },
	[POP_FD] = { "fd", COL_BIGINT, 0, .help = "File descriptor" },
	[POP_MODE] = { "mode", COL_TEXT, 0, .help = "Pipe open mode (r/w)" },
	[POP_INODE] = { "inode", COL_BIGINT, 0, .help = "Pipe inode number" },
	[POP_TYPE] = { "type", COL_TEXT, 0, .help = "Pipe Type: named vs unnamed/anonymous" },
	[POP_PARTNER_PID] = { "partner_pid", COL_BIGINT, 0,
			      .help = "Process ID of partner process sharing a particular pipe" },
	[POP_PARTNER_FD] = { "partner_fd", COL_BIGINT, 0,
			     .help = "File descriptor of shared pipe at partner's end" },
	[POP_PARTNER_MODE] = { "partner_mode", COL_TEXT, 0,
			       .help = "Mode of shared pipe at partner's end" },
};

enum pipe_mode {
	MODE_UNKNOWN, /* "-" */
	MODE_NONE,    /* "" */
	MODE_R,
	MODE_W,
	MODE_RW,
};

static const char *const mode_names[] = {
	[MODE_UNKNOWN] = "-", [MODE_NONE] = "", [MODE_R] = "r", [MODE_W] = "w", [MODE_RW] = "rw",
};

struct pipe_end {
	/* a pipe is (named, dev, inode): pipefs inodes and a FIFO's inode on
	 * its file system are numbered apart and may coincide */
	uint64_t dev;
	uint64_t inode;
	int64_t pid;
	int64_t fd;
	/* walk order, which is the order rows come in */
	size_t seq;
	uint8_t mode;
	bool named;
};

struct pipe_scan {
	const struct rootfs *rfs;
	struct pipe_end *v;
	size_t n, alloc;
	struct strbuf scratch;
};

static enum pipe_mode mode_of_flags(unsigned flags)
{
	if (flags & O_PATH)
		return MODE_NONE;
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return MODE_R;
	case O_WRONLY:
		return MODE_W;
	case O_RDWR:
		return MODE_RW;
	default:
		return MODE_NONE;
	}
}

static int pipe_entry(void *arg, const struct procfd_proc *p, const struct procfd_entry *e)
{
	struct pipe_scan *s = arg;
	struct pipe_end end = { .pid = p->pid, .fd = e->fd, .seq = s->n };
	unsigned flags;
	int r;

	if (procfd_link_inode(e->link, e->link_len, "pipe", &end.inode) == 0) {
		end.named = false;
	} else {
		struct stat st;

		/* a FIFO has a path; "socket:[...]", "net:[...]" and the
		 * like are not worth a stat */
		if (e->link_len == 0 || e->link[0] != '/')
			return 0;
		r = procfd_stat(s->rfs, e, &st);
		if (r < 0 || !S_ISFIFO(st.st_mode))
			return r == -ENOMEM || r == -EMFILE || r == -ENFILE ? r : 0;
		end.named = true;
		end.dev = (uint64_t)st.st_dev;
		end.inode = (uint64_t)st.st_ino;
	}
	r = procfd_flags(p, e, &s->scratch, &flags);
	if (r == -EMFILE || r == -ENFILE || r == -ENOMEM)
		return r;
	end.mode = r < 0 ? MODE_UNKNOWN : mode_of_flags(flags);
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 64;
		s->v = xreallocarray(s->v, s->alloc, sizeof(*s->v));
	}
	s->v[s->n++] = end;
	return 0;
}

static bool same_pipe(const struct pipe_end *a, const struct pipe_end *b)
{
	return a->inode == b->inode && a->named == b->named && a->dev == b->dev;
}

/* By pipe, then walk order: each pipe's ends are one run. */
static int cmp_end(const void *a, const void *b)
{
	const struct pipe_end *x = *(const struct pipe_end *const *)a;
	const struct pipe_end *y = *(const struct pipe_end *const *)b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->named != y->named)
		return x->named ? 1 : -1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int emit_pipe(struct query_ctx *q, const struct pipe_end *e, const struct pipe_end *partner)
{
	row_begin(q);
	row_int(q, POP_PID, e->pid);
	row_int(q, POP_FD, e->fd);
	row_textz(q, POP_MODE, mode_names[e->mode]);
	row_int(q, POP_INODE, (int64_t)e->inode);
	row_textz(q, POP_TYPE, e->named ? "named" : "anonymous");
	if (partner) {
		row_int(q, POP_PARTNER_PID, partner->pid);
		row_int(q, POP_PARTNER_FD, partner->fd);
		row_textz(q, POP_PARTNER_MODE, mode_names[partner->mode]);
	} else {
		row_null(q, POP_PARTNER_PID);
		row_null(q, POP_PARTNER_FD);
		row_textz(q, POP_PARTNER_MODE, "");
	}
	return row_end(q);
}

/* osquery's isReaderWriterPair: the modes differ, or both ends may
 * read and write. */
static bool partners(const struct pipe_end *a, const struct pipe_end *b)
{
	return a->mode != b->mode || a->mode == MODE_RW;
}

static int gen_process_open_pipes(struct query_ctx *q)
{
	static const struct procfd_ops ops = { .entry = pipe_entry };
	struct pipe_scan s = { .rfs = qctx_rootfs(q), .scratch = STRBUF_INIT };
	const struct pipe_end **by_inode = NULL;
	size_t *run_start = NULL;
	int r;

	r = procfd_walk(s.rfs, NULL, 0, &ops, &s);
	if (r < 0 || s.n == 0)
		goto out;
	by_inode = xreallocarray(NULL, s.n, sizeof(*by_inode));
	for (size_t i = 0; i < s.n; i++)
		by_inode[i] = &s.v[i];
	qsort(by_inode, s.n, sizeof(*by_inode), cmp_end);
	/* for each end (by walk order), where its inode's run begins */
	run_start = xreallocarray(NULL, s.n, sizeof(*run_start));
	for (size_t i = 0; i < s.n; i++) {
		size_t start = i;

		if (i > 0 && same_pipe(by_inode[i - 1], by_inode[i]))
			start = run_start[by_inode[i - 1]->seq];
		run_start[by_inode[i]->seq] = start;
	}

	for (size_t i = 0; i < s.n && r == 0; i++) {
		const struct pipe_end *e = &s.v[i];
		size_t start = run_start[i], end = start;

		while (end < s.n && same_pipe(by_inode[end], e))
			end++;
		if (end - start == 1) {
			r = emit_pipe(q, e, NULL);
			continue;
		}
		for (size_t j = start; j < end && r == 0; j++) {
			const struct pipe_end *other = by_inode[j];

			if (other == e || !partners(e, other))
				continue;
			r = emit_pipe(q, e, other);
		}
	}
out:
	free(run_start);
	free(by_inode);
	free(s.v);
	strbuf_release(&s.scratch);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec process_open_pipes_spec = {
	.name = "process_open_pipes",
	.description = "Pipes and partner processes for each process.",
	.source = "/proc/<pid>/fd links (pipe:[inode]; FIFOs by stat), access mode from "
		  "/proc/<pid>/fdinfo/<fd>",
	TABLE_COLUMNS(process_open_pipes_cols),
	.generate = gen_process_open_pipes,
};
