/*
 * pathglob.h - osquery's file patterns, expanded under a rootfs.
 *
 * osquery's path-taking tables (file, hash, extended_attributes, yara)
 * accept LIKE patterns on their path columns with a file-system meaning:
 *
 *   /etc/%          every entry of /etc, one level
 *   /etc/%.conf     entries of /etc whose name ends in ".conf"
 *   /home/%/.ssh/%  entries of every .ssh directory one level below /home
 *   /usr/%%         everything below /usr, recursively
 *
 * This is what osquery's resolveFilePattern() does (glob(3) with
 * GLOB_MARK, then a depth-first walk for a trailing "%%"), rules that
 * pathglob_expand() reproduces:
 *   - '%' matches any run of characters within one path component;
 *     "%%" in the middle of a pattern is the same as '%'. Every other
 *     character, '_' included, is literal and case-sensitive (osquery
 *     hands the pattern to glob(3), which has no '_' wildcard; SQLite
 *     still applies the LIKE to every row, so this never adds a row).
 *   - a component with a '%' does not match names starting with '.'
 *     unless it starts with '.' itself (glob's rule), and never matches
 *     "." or "..";
 *   - a pattern ending in "%%": its last component (as if it ended in
 *     one '%') is matched, and every matching directory is walked
 *     recursively, dot entries included, symlinks to directories
 *     followed, no directory entered twice (loops), at most
 *     PATHGLOB_MAX_DEPTH levels below it. osquery enters a directory
 *     through whichever path readdir() shows it first; here a symlink
 *     that leads back into the tree being walked is listed but not
 *     entered, so each directory's entries come under its own path
 *     (zoneinfo/posix/Africa -> ../Africa: the files are listed as
 *     zoneinfo/Africa/...), and the result does not depend on readdir
 *     order;
 *   - a directory in the results ends in '/' (GLOB_MARK), a symlink to
 *     a directory too; a pattern ending in '/' matches directories only;
 *   - a pattern without '%' matches the path itself when it exists.
 * Results come in byte order of their paths, the order of osquery's
 * std::set of results, without building the set: each directory's
 * entries are sorted (a directory by its name plus '/') and walked
 * depth-first.
 *
 * Deliberate differences: relative patterns (osquery prefixes its
 * working directory) and '~' patterns are refused with -EINVAL; glob(3)
 * metacharacters other than '%' ('*', '?', '[', '{', '\') are literal;
 * loop detection keys on (device, inode) where osquery keys on the inode
 * alone.
 *
 * Bounds: at most PATHGLOB_MAX_RESULTS entries per call (-SPOOR_ETOOBIG
 * beyond), paths of at most PATHGLOB_MAX_PATH bytes (longer ones are
 * skipped: the kernel could not open them either).
 */
#ifndef SPOOR_PATHGLOB_H
#define SPOOR_PATHGLOB_H

#include <stdbool.h>
#include <stddef.h>

#include "rootpath.h"

#define PATHGLOB_MAX_RESULTS ((size_t)1 << 20)
/* osquery's kMaxRecursiveGlobs */
#define PATHGLOB_MAX_DEPTH 64
#define PATHGLOB_MAX_PATH 4096

enum pathglob_flags {
	/* report entries that are not directories */
	PATHGLOB_FILES = 1 << 0,
	/* report directories */
	PATHGLOB_DIRS = 1 << 1,
	PATHGLOB_ALL = PATHGLOB_FILES | PATHGLOB_DIRS,
	/* pathglob_walk: descend into subdirectories (not symlinks to
	 * directories) */
	PATHGLOB_RECURSE = 1 << 2,
};

/*
 * One match, valid during the callback only. where.path is the full
 * path; where.dirfd and where.name locate the entry relative to its open
 * directory (dirfd -1 when the entry was found by path, not by reading
 * a directory); use rootpath_entry_stat()/rootpath_entry_open() on it.
 */
struct pathglob_entry {
	struct rootpath_entry where;
	size_t path_len;
	/* a directory, following symlinks */
	bool is_dir;
};

/* Called for every match; a negative return stops the expansion and is
 * returned by it. */
typedef int (*pathglob_fn)(void *arg, const struct pathglob_entry *e);

/*
 * Expands pattern under rp, calling fn for each match of the kinds flags
 * asks for (PATHGLOB_FILES, PATHGLOB_DIRS), in byte order of path.
 * Missing or unreadable directories match nothing. Returns 0, fn's
 * negative value, -EINVAL for a relative pattern, or -SPOOR_ETOOBIG.
 */
int pathglob_expand(const struct rootpath *rp, const char *pattern, unsigned flags, pathglob_fn fn,
		    void *arg);

/*
 * The entries of directory dir (not dir itself), all of them, dot
 * entries included: paths are dir joined with the name (no '/' added
 * when dir ends in one), directories not marked. With PATHGLOB_RECURSE,
 * depth-first into real subdirectories, at most PATHGLOB_MAX_DEPTH
 * levels. Entries of one directory come in byte order of their names.
 * A missing or unreadable dir gives no entries. Returns as
 * pathglob_expand.
 */
int pathglob_walk(const struct rootpath *rp, const char *dir, unsigned flags, pathglob_fn fn,
		  void *arg);

/* Does name match one pattern component (its '%' any run, the rest
 * literal)? Neither needs a NUL. */
bool pathglob_match(const char *pat, size_t plen, const char *name, size_t nlen);

#endif
