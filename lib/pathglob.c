/*
 * pathglob.c - osquery's file patterns expanded under a rootfs (see
 * pathglob.h for the rules).
 *
 * A pattern is split at '/' into components. The literal components
 * before the first '%' name the base directory, opened once through the
 * root; from there each level reads its directory, keeps the names the
 * component matches, sorts them, and goes on depth-first: a literal
 * component is looked up by path (through the root, so ".." and
 * symlinks stay inside it), a wildcard component reads the directory.
 * Per-entry work (the callback's stat, opening a subdirectory) is
 * relative to the open directory, which is what makes a walk of /usr
 * cost about what find(1) costs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "pathglob.h"
#include "xalloc.h"
#include "banned.h"

/* ------------------------------------------------------------------ */
/* matching */

bool pathglob_match(const char *pat, size_t plen, const char *name, size_t nlen)
{
	size_t p = 0, n = 0, star_p = SIZE_MAX, star_n = 0;

	/* iterative wildcard match: on a mismatch, let the last '%' eat
	 * one more character */
	while (n < nlen) {
		if (p < plen && pat[p] == '%') {
			while (p < plen && pat[p] == '%')
				p++;
			star_p = p;
			star_n = n;
		} else if (p < plen && pat[p] == name[n]) {
			p++;
			n++;
		} else if (star_p != SIZE_MAX) {
			p = star_p;
			n = ++star_n;
		} else {
			return false;
		}
	}
	while (p < plen && pat[p] == '%')
		p++;
	return p == plen;
}

static bool has_wildcard(const char *s, size_t len)
{
	return memchr(s, '%', len) != NULL;
}

/* ------------------------------------------------------------------ */
/* directories already walked, by (device, inode) */

struct visited {
	uint64_t *keys; /* 2 per slot: dev, ino */
	bool *used;
	size_t n, cap;
};

static uint64_t mix(uint64_t dev, uint64_t ino)
{
	uint64_t h = dev * 0x9e3779b97f4a7c15ull ^ ino;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 29);
}

static void visited_release(struct visited *v)
{
	free(v->keys);
	free(v->used);
	memset(v, 0, sizeof(*v));
}

static bool visited_probe(const struct visited *v, uint64_t dev, uint64_t ino, size_t *ret_slot)
{
	size_t i = (size_t)mix(dev, ino) & (v->cap - 1);

	while (v->used[i]) {
		if (v->keys[2 * i] == dev && v->keys[2 * i + 1] == ino) {
			*ret_slot = i;
			return true;
		}
		i = (i + 1) & (v->cap - 1);
	}
	*ret_slot = i;
	return false;
}

/* Adds (dev, ino); false when it was already there. */
static bool visited_add(struct visited *v, uint64_t dev, uint64_t ino)
{
	size_t slot;

	if (2 * (v->n + 1) > v->cap) {
		struct visited bigger = { .cap = v->cap ? 2 * v->cap : 256 };

		bigger.keys = xcalloc(2 * bigger.cap, sizeof(*bigger.keys));
		bigger.used = xcalloc(bigger.cap, sizeof(*bigger.used));
		for (size_t i = 0; i < v->cap; i++) {
			if (!v->used[i])
				continue;
			visited_probe(&bigger, v->keys[2 * i], v->keys[2 * i + 1], &slot);
			bigger.used[slot] = true;
			bigger.keys[2 * slot] = v->keys[2 * i];
			bigger.keys[2 * slot + 1] = v->keys[2 * i + 1];
		}
		bigger.n = v->n;
		visited_release(v);
		*v = bigger;
	}
	if (visited_probe(v, dev, ino, &slot))
		return false;
	v->used[slot] = true;
	v->keys[2 * slot] = dev;
	v->keys[2 * slot + 1] = ino;
	v->n++;
	return true;
}

/* ------------------------------------------------------------------ */
/* reading one directory */

struct dent {
	size_t off; /* name in the names arena, NUL-terminated */
	size_t len;
	bool is_dir;  /* following symlinks */
	bool is_link; /* the entry itself is a symlink */
};

struct dirlist {
	struct strbuf names;
	struct dent *v;
	size_t n, alloc;
	/* sort directories by their name plus '/' */
	bool dir_slash;
};

static void dirlist_release(struct dirlist *dl)
{
	strbuf_release(&dl->names);
	free(dl->v);
	dl->v = NULL;
	dl->n = dl->alloc = 0;
}

static int cmp_dent(const void *pa, const void *pb, void *ctx)
{
	const struct dirlist *dl = ctx;
	const struct dent *a = pa, *b = pb;
	const unsigned char *na = (const unsigned char *)dl->names.buf + a->off;
	const unsigned char *nb = (const unsigned char *)dl->names.buf + b->off;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(na, nb, n), ka, kb;

	if (c)
		return c;
	/* one name is a prefix of the other: what follows it in its path
	 * ('/' for a directory when sorting as paths, else the end) */
	ka = n < a->len ? na[n] : (dl->dir_slash && a->is_dir ? '/' : -1);
	kb = n < b->len ? nb[n] : (dl->dir_slash && b->is_dir ? '/' : -1);
	return ka - kb;
}

struct walker {
	const struct rootpath *rp;
	unsigned report; /* PATHGLOB_FILES | PATHGLOB_DIRS */
	bool mark;       /* directories end in '/' */
	pathglob_fn fn;
	void *arg;
	size_t nresults;
	/* the directory being read, ending in '/', then the entry */
	struct strbuf path;
	/* directories walked (never twice), the real directories a "%%"
	 * walk starts from, and the root */
	struct visited visited, bases;
	struct stat root;
	char *dents; /* getdents64 buffer */
};

/* Is the entry a symlink, a directory (following links)? */
static void classify(struct walker *w, int dirfd, const char *name, unsigned char type,
		     struct dent *d)
{
	size_t base = w->path.len;
	struct stat st;

	d->is_link = type == DT_LNK;
	d->is_dir = type == DT_DIR;
	if (type == DT_UNKNOWN) {
		/* no symlink is followed: safe under any root */
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return;
		d->is_link = S_ISLNK(st.st_mode);
		d->is_dir = S_ISDIR(st.st_mode);
	}
	if (!d->is_link)
		return;
	if (strbuf_addstr(&w->path, name) == 0) {
		struct rootpath_entry e = {
			.dirfd = dirfd, .name = name, .path = w->path.buf, .is_link = true,
		};

		d->is_dir = rootpath_entry_stat(w->rp, &e, true, &st) == 0 && S_ISDIR(st.st_mode);
	}
	strbuf_setlen(&w->path, base);
}

/* getdents64 buffer: a few hundred entries per call */
#define DIRENT_BUF_SIZE ((size_t)32 << 10)

/* Adds one entry to dl unless it is "." or ".." or pat rejects it. */
static int dir_add(struct walker *w, int dirfd, const char *name, unsigned char type,
		   const char *pat, size_t plen, struct dirlist *dl)
{
	size_t len = strlen(name);
	struct dent *e;

	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return 0;
	if (pat && ((name[0] == '.' && (plen == 0 || pat[0] != '.')) ||
		    !pathglob_match(pat, plen, name, len)))
		return 0;
	if (dl->n >= PATHGLOB_MAX_RESULTS)
		return -SPOOR_ETOOBIG;
	if (dl->n == dl->alloc) {
		dl->alloc = dl->alloc ? 2 * dl->alloc : 64;
		dl->v = xreallocarray(dl->v, dl->alloc, sizeof(*dl->v));
	}
	e = &dl->v[dl->n];
	e->off = dl->names.len;
	e->len = len;
	if (strbuf_add(&dl->names, name, len + 1) < 0)
		return -SPOOR_ETOOBIG;
	classify(w, dirfd, name, type, e);
	dl->n++;
	return 0;
}

/*
 * Reads the directory open as dirfd (with getdents64: no DIR stream, no
 * second descriptor): every entry but "." and "..", or with pat only the
 * names it matches (and a dot name only when pat starts with '.'),
 * sorted. An unreadable directory is an empty one.
 */
static int dir_read(struct walker *w, int dirfd, const char *pat, size_t plen, struct dirlist *dl)
{
	int r = 0;

	/* a directory is read whole before any recursion: one buffer
	 * per walk serves every level */
	if (!w->dents)
		w->dents = xmalloc(DIRENT_BUF_SIZE);
	for (;;) {
		char *buf = w->dents;
		ssize_t n = getdents64(dirfd, buf, DIRENT_BUF_SIZE);

		if (n <= 0)
			break;
		for (ssize_t off = 0; off < n && r == 0;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);

			r = dir_add(w, dirfd, de->d_name, de->d_type, pat, plen, dl);
			off += de->d_reclen;
		}
		if (r < 0)
			break;
	}
	if (r == 0 && dl->n > 1)
		qsort_r(dl->v, dl->n, sizeof(*dl->v), cmp_dent, dl);
	return r;
}

/*
 * Appends the entry's name (and '/' for a marked directory) to w->path
 * and reports it when its kind is asked for. w->path keeps the entry;
 * the caller restores it. Returns 0, 1 when the path is too long (not
 * reported, not to be entered), or a negative error.
 */
static int emit(struct walker *w, int dirfd, const struct dirlist *dl, const struct dent *d)
{
	size_t base = w->path.len;
	struct pathglob_entry e;

	if (strbuf_add(&w->path, dl->names.buf + d->off, d->len) < 0 ||
	    (d->is_dir && w->mark && strbuf_addch(&w->path, '/') < 0))
		return 1;
	if (!(w->report & (d->is_dir ? PATHGLOB_DIRS : PATHGLOB_FILES)))
		return 0;
	if (++w->nresults > PATHGLOB_MAX_RESULTS)
		return -SPOOR_ETOOBIG;
	e = (struct pathglob_entry){
		.where = { .dirfd = dirfd, .name = w->path.buf + base, .path = w->path.buf,
			   .is_link = d->is_link },
		.path_len = w->path.len,
		.is_dir = d->is_dir,
	};
	return w->fn(w->arg, &e);
}

/* Opens the directory entry whose path w->path holds (its name from
 * name_off on). */
static int open_subdir(struct walker *w, int dirfd, size_t name_off, const struct dent *d,
		       bool follow, int *ret_fd)
{
	struct rootpath_entry e = {
		.dirfd = dirfd,
		.name = w->path.buf + name_off,
		.path = w->path.buf,
		.is_link = d->is_link,
	};

	return rootpath_entry_open(w->rp, &e,
				   O_RDONLY | O_DIRECTORY | (follow ? 0 : O_NOFOLLOW), ret_fd);
}

/*
 * Does the directory open as fd lie in the tree a "%%" walk covers (at
 * or below one of its real base directories)? Walks up through "..",
 * stopping at the root.
 */
static bool inside_walk(const struct walker *w, int fd)
{
	int cur = fd;
	bool inside = false;

	for (int level = 0; level < 4 * PATHGLOB_MAX_DEPTH; level++) {
		struct stat st;
		size_t slot;
		int up;

		if (fstat(cur, &st) < 0)
			break;
		if (w->bases.cap &&
		    visited_probe(&w->bases, (uint64_t)st.st_dev, (uint64_t)st.st_ino, &slot)) {
			inside = true;
			break;
		}
		if (st.st_dev == w->root.st_dev && st.st_ino == w->root.st_ino)
			break;
		up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cur != fd)
			close(cur);
		cur = up;
		if (cur < 0)
			break;
	}
	if (cur >= 0 && cur != fd)
		close(cur);
	return inside;
}

static int walk_all(struct walker *w, int fd, unsigned depth, bool follow);

/*
 * Enters the directory entry d (w->path names it, ending in '/'). A
 * symlink is followed when follow, unless it leads back into the tree
 * being walked: what it points to is (or will be) listed under its own
 * path, and osquery lists a directory only once. Returns 0 or an error.
 */
static int descend(struct walker *w, int dirfd, size_t name_off, const struct dent *d,
		   unsigned depth, bool follow)
{
	int cfd;

	if (d->is_link && !follow)
		return 0;
	if (open_subdir(w, dirfd, name_off, d, follow, &cfd) < 0)
		return 0;
	if (d->is_link && inside_walk(w, cfd)) {
		close(cfd);
		return 0;
	}
	return walk_all(w, cfd, depth, follow);
}

/*
 * Every entry below the directory open as fd (closed here), w->path
 * naming it with a final '/'; depth-first into subdirectories (and
 * symlinks to directories when follow), never into a directory seen
 * before.
 */
static int walk_all(struct walker *w, int fd, unsigned depth, bool follow)
{
	struct dirlist dl = { .names = STRBUF_INIT, .dir_slash = w->mark };
	size_t base = w->path.len;
	struct stat st;
	int r = 0;

	if (depth >= PATHGLOB_MAX_DEPTH || fstat(fd, &st) < 0 ||
	    !visited_add(&w->visited, (uint64_t)st.st_dev, (uint64_t)st.st_ino))
		goto out;
	r = dir_read(w, fd, NULL, 0, &dl);
	for (size_t i = 0; i < dl.n && r >= 0; i++) {
		const struct dent *d = &dl.v[i];

		r = emit(w, fd, &dl, d);
		if (r == 0 && d->is_dir &&
		    (w->path.buf[w->path.len - 1] == '/' || strbuf_addch(&w->path, '/') == 0))
			r = descend(w, fd, base, d, depth + 1, follow);
		strbuf_setlen(&w->path, base);
		if (r > 0)
			r = 0;
	}
out:
	dirlist_release(&dl);
	close(fd);
	return r < 0 ? r : 0;
}

/* ------------------------------------------------------------------ */
/* pattern expansion */

struct comp {
	const char *p;
	size_t len;
	bool wild;
};

struct pattern {
	struct comp *comps;
	size_t n;
	bool only_dirs; /* the pattern ends in '/' */
	bool recursive; /* the pattern ends in "%%" */
};

/* The literal entry w->path names, found by path: reported when it
 * exists (lstat), marked when it is a directory. */
static int emit_literal(struct walker *w, const struct pattern *pt)
{
	struct pathglob_entry e;
	struct stat st;
	bool is_link, is_dir;

	if (rootpath_stat(w->rp, w->path.buf, false, &st) < 0)
		return 0;
	is_link = S_ISLNK(st.st_mode);
	is_dir = S_ISDIR(st.st_mode) ||
		 (is_link && rootpath_stat(w->rp, w->path.buf, true, &st) == 0 &&
		  S_ISDIR(st.st_mode));
	if (pt->only_dirs && !is_dir)
		return 0;
	if (is_dir && w->path.buf[w->path.len - 1] != '/' && strbuf_addch(&w->path, '/') < 0)
		return 0;
	if (!(w->report & (is_dir ? PATHGLOB_DIRS : PATHGLOB_FILES)))
		return 0;
	if (++w->nresults > PATHGLOB_MAX_RESULTS)
		return -SPOOR_ETOOBIG;
	e = (struct pathglob_entry){
		.where = { .dirfd = -1, .name = w->path.buf, .path = w->path.buf,
			   .is_link = is_link },
		.path_len = w->path.len,
		.is_dir = is_dir,
	};
	return w->fn(w->arg, &e);
}

/* The real directories among the matches a "%%" walk starts from. */
static void note_bases(struct walker *w, int dirfd, const struct dirlist *dl)
{
	for (size_t i = 0; i < dl->n; i++) {
		const struct dent *d = &dl->v[i];
		struct stat st;

		if (d->is_dir && !d->is_link &&
		    fstatat(dirfd, dl->names.buf + d->off, &st, AT_SYMLINK_NOFOLLOW) == 0)
			visited_add(&w->bases, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
	}
}

/*
 * Expands components ci.. below the directory w->path names (with a
 * final '/'). fd is that directory open when component ci has a
 * wildcard (closed here), -1 otherwise.
 */
static int expand_at(struct walker *w, const struct pattern *pt, int fd, size_t ci)
{
	const struct comp *c = &pt->comps[ci];
	bool last = ci + 1 == pt->n;
	size_t base = w->path.len;
	struct dirlist dl = { .names = STRBUF_INIT, .dir_slash = true };
	int r = 0, cfd;

	if (!c->wild) {
		if (strbuf_add(&w->path, c->p, c->len) < 0)
			goto out;
		if (last) {
			r = emit_literal(w, pt);
			goto out;
		}
		if (strbuf_addch(&w->path, '/') < 0)
			goto out;
		if (pt->comps[ci + 1].wild) {
			if (rootpath_open(w->rp, w->path.buf, O_RDONLY | O_DIRECTORY, &cfd) < 0)
				goto out;
			r = expand_at(w, pt, cfd, ci + 1);
		} else {
			r = expand_at(w, pt, -1, ci + 1);
		}
		goto out;
	}

	r = dir_read(w, fd, c->p, c->len, &dl);
	if (r >= 0 && last && pt->recursive)
		note_bases(w, fd, &dl);
	for (size_t i = 0; i < dl.n && r >= 0; i++) {
		const struct dent *d = &dl.v[i];

		if (last) {
			if (pt->only_dirs && !d->is_dir)
				continue;
			r = emit(w, fd, &dl, d);
			if (r == 0 && pt->recursive && d->is_dir)
				r = descend(w, fd, base, d, 0, true);
		} else if (d->is_dir) {
			if (strbuf_add(&w->path, dl.names.buf + d->off, d->len) < 0 ||
			    strbuf_addch(&w->path, '/') < 0) {
				strbuf_setlen(&w->path, base);
				continue;
			}
			if (!pt->comps[ci + 1].wild)
				r = expand_at(w, pt, -1, ci + 1);
			else if (open_subdir(w, fd, base, d, true, &cfd) == 0)
				r = expand_at(w, pt, cfd, ci + 1);
		}
		strbuf_setlen(&w->path, base);
		if (r > 0)
			r = 0;
	}
out:
	dirlist_release(&dl);
	strbuf_setlen(&w->path, base);
	if (fd >= 0)
		close(fd);
	return r < 0 ? r : 0;
}

static int pattern_parse(const char *s, struct pattern *pt)
{
	size_t len = strlen(s), n = 0;
	const char *p, *end;

	memset(pt, 0, sizeof(*pt));
	if (s[0] != '/')
		return -EINVAL;
	pt->recursive = len >= 2 && s[len - 1] == '%' && s[len - 2] == '%';
	pt->only_dirs = len > 1 && s[len - 1] == '/';
	end = s + len - (pt->only_dirs ? 1 : 0);
	pt->comps = xreallocarray(NULL, len + 1, sizeof(*pt->comps));
	/* "/a//b%" -> "a", "", "b%": empty components keep the path as
	 * written, as glob(3) does */
	for (p = s + 1; p <= end && len > 1;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *stop = slash ? slash : end;

		pt->comps[n++] = (struct comp){ .p = p, .len = (size_t)(stop - p),
						.wild = has_wildcard(p, (size_t)(stop - p)) };
		if (!slash)
			break;
		p = slash + 1;
	}
	pt->n = n;
	return 0;
}

int pathglob_expand(const struct rootpath *rp, const char *pattern, unsigned flags, pathglob_fn fn,
		    void *arg)
{
	struct walker w = { .rp = rp, .report = flags & PATHGLOB_ALL, .mark = true,
			    .fn = fn, .arg = arg };
	struct pattern pt;
	size_t first_wild = 0;
	int fd, r;

	r = pattern_parse(pattern, &pt);
	if (r < 0)
		return r;
	if (fstat(rp->fd, &w.root) < 0)
		memset(&w.root, 0, sizeof(w.root));
	strbuf_init(&w.path, PATHGLOB_MAX_PATH);
	while (first_wild < pt.n && !pt.comps[first_wild].wild)
		first_wild++;
	if (first_wild == pt.n) {
		/* no wildcard: the path itself, as written */
		if (strbuf_addstr(&w.path, pattern) == 0)
			r = emit_literal(&w, &pt);
		goto out;
	}
	/* the base directory: the pattern's text up to the first wildcard
	 * component */
	if (strbuf_add(&w.path, pattern, (size_t)(pt.comps[first_wild].p - pattern)) < 0 ||
	    rootpath_open(rp, w.path.buf, O_RDONLY | O_DIRECTORY, &fd) < 0)
		goto out;
	r = expand_at(&w, &pt, fd, first_wild);
out:
	strbuf_release(&w.path);
	visited_release(&w.visited);
	visited_release(&w.bases);
	free(w.dents);
	free(pt.comps);
	return r;
}

int pathglob_walk(const struct rootpath *rp, const char *dir, unsigned flags, pathglob_fn fn,
		  void *arg)
{
	struct walker w = { .rp = rp, .report = flags & PATHGLOB_ALL, .mark = false,
			    .fn = fn, .arg = arg };
	struct dirlist dl = { .names = STRBUF_INIT, .dir_slash = false };
	size_t base;
	int fd, r;

	if (dir[0] != '/')
		return -EINVAL;
	strbuf_init(&w.path, PATHGLOB_MAX_PATH);
	if (strbuf_addstr(&w.path, dir) < 0 ||
	    (dir[strlen(dir) - 1] != '/' && strbuf_addch(&w.path, '/') < 0) ||
	    rootpath_open(rp, dir, O_RDONLY | O_DIRECTORY, &fd) < 0) {
		r = 0;
		goto out;
	}
	if (flags & PATHGLOB_RECURSE) {
		r = walk_all(&w, fd, 0, false);
		goto out;
	}
	base = w.path.len;
	r = dir_read(&w, fd, NULL, 0, &dl);
	for (size_t i = 0; i < dl.n && r >= 0; i++) {
		r = emit(&w, fd, &dl, &dl.v[i]);
		strbuf_setlen(&w.path, base);
		if (r > 0)
			r = 0;
	}
	close(fd);
out:
	dirlist_release(&dl);
	strbuf_release(&w.path);
	visited_release(&w.visited);
	free(w.dents);
	return r < 0 ? r : 0;
}
