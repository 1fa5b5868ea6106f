/*
 * err.h - spoor's error codes.
 *
 * Functions that can fail return int: 0 on success or a negative errno.
 * Conditions errno has no name for are project codes, listed once in
 * SPOOR_ERRNO_MAP below; the list yields the enum, the names and the
 * messages, so they cannot drift apart. Project codes start far above
 * any errno value.
 */
#ifndef SPOOR_ERR_H
#define SPOOR_ERR_H

#include <errno.h>

#define SPOOR_ERRNO_MAP(X)                                                   \
	X(PARSE, "malformed input")                                          \
	X(TOOBIG, "input exceeds its size limit")                            \
	X(SQL, "SQL error")                                                  \
	X(READONLY, "refused: spoor is read-only")                           \
	X(NOTABLE, "no such table")                                          \
	X(CONSTRAINT, "a required constraint is missing")                    \
	X(USAGE, "invalid command-line usage")

enum spoor_err {
	SPOOR_ERR_BASE_ = 10000,
#define SPOOR_ERR_ENUM_(name, msg) SPOOR_E##name,
	SPOOR_ERRNO_MAP(SPOOR_ERR_ENUM_)
#undef SPOOR_ERR_ENUM_
	SPOOR_ERR_END_
};

/* Message for a negative errno or project code; never NULL. */
const char *spoor_strerror(int err);

/* Symbolic name ("ENOENT", "SPOOR_EPARSE"); "E?" when unknown. */
const char *spoor_errname(int err);

#endif
