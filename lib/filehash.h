/*
 * filehash.h - md5, sha1 and sha256 of a file's contents, streamed.
 *
 * The file is read once in FILEHASH_CHUNK pieces and each piece is fed
 * to every digest asked for, so memory does not grow with the file and
 * a digest nobody selected costs nothing (hash's projection pushdown).
 * Digests come out as lowercase hex, as osquery prints them.
 */
#ifndef SPOOR_FILEHASH_H
#define SPOOR_FILEHASH_H

#include <stddef.h>

enum filehash_algo {
	FILEHASH_MD5 = 1 << 0,
	FILEHASH_SHA1 = 1 << 1,
	FILEHASH_SHA256 = 1 << 2,
};

/* Read size: large enough that a 1 GiB file costs few system calls. */
#define FILEHASH_CHUNK ((size_t)256 << 10)

struct filehash {
	char md5[33];
	char sha1[41];
	char sha256[65];
};

/*
 * Reads fd from its current offset to its end, computing the digests in
 * algos (FILEHASH_* bits); the others are left "". Returns 0, -errno of
 * a failed read (ret is then all ""), or -EIO when libcrypto fails.
 */
int filehash_fd(int fd, unsigned algos, struct filehash *ret);

/* The same over a buffer (tests, small inputs). */
int filehash_buf(const void *buf, size_t len, unsigned algos, struct filehash *ret);

#endif
