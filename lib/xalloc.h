/*
 * xalloc.h - allocation with spoor's out-of-memory policy.
 *
 * Policy: outside SQLite callbacks, running out of memory is fatal. The
 * x* wrappers print one line and abort(), like git's xmalloc, so callers
 * never carry an ENOMEM path they cannot test. Code running inside SQLite
 * callbacks (the vtab module, SQL functions) uses sqlite3_malloc and
 * returns SQLITE_NOMEM instead, as SQLite expects.
 */
#ifndef SPOOR_XALLOC_H
#define SPOOR_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
/* reallocarray that aborts on overflow or exhaustion */
void *xreallocarray(void *ptr, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
