/*
 * strbuf.h - growable, bounded byte buffers.
 *
 * A strbuf always holds a NUL-terminated string in buf (also when empty,
 * where buf points at a shared empty string), so buf can be handed to C
 * string functions. Every strbuf has a maximum length fixed at init; an
 * append that would pass it fails with -E2BIG, appends nothing, and sets
 * the sticky toobig flag, so a caller can append many pieces and check
 * once. Allocation failure aborts (see xalloc.h).
 *
 * Lifecycle: strbuf_init (or STRBUF_INIT), use, strbuf_release. A
 * released strbuf is empty and can be reused.
 */
#ifndef SPOOR_STRBUF_H
#define SPOOR_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Default bound: no single buffer in spoor needs more. */
#define STRBUF_MAX_DEFAULT ((size_t)256 << 20)

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max;
	bool toobig;
};

extern char strbuf_empty_[];
#define STRBUF_INIT { .buf = strbuf_empty_, .len = 0, .alloc = 0, .max = STRBUF_MAX_DEFAULT }

/* max == 0 selects STRBUF_MAX_DEFAULT. */
void strbuf_init(struct strbuf *sb, size_t max);
void strbuf_release(struct strbuf *sb);
/* Empties the buffer, keeps its memory; clears toobig. */
void strbuf_reset(struct strbuf *sb);
/* Makes room for extra more bytes; -E2BIG past the maximum. */
int strbuf_grow(struct strbuf *sb, size_t extra);
int strbuf_add_slow_(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);

/* Appends are on every hot path (row text, JSON output): the common case,
 * room already there, is inline. */
static inline int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (sb->alloc && len < sb->alloc - sb->len && sb->len + len <= sb->max) {
		memcpy(sb->buf + sb->len, data, len);
		sb->len += len;
		sb->buf[sb->len] = '\0';
		return 0;
	}
	return strbuf_add_slow_(sb, data, len);
}

static inline int strbuf_addch(struct strbuf *sb, char c)
{
	if (sb->alloc && sb->len + 1 < sb->alloc && sb->len < sb->max) {
		sb->buf[sb->len++] = c;
		sb->buf[sb->len] = '\0';
		return 0;
	}
	return strbuf_add_slow_(sb, &c, 1);
}
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Shortens to len bytes (len <= sb->len). */
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Drops trailing whitespace. */
void strbuf_rtrim(struct strbuf *sb);
/* Hands the buffer to the caller (free() it); sb is left empty. */
char *strbuf_detach(struct strbuf *sb, size_t *ret_len);

#endif
