/*
 * strparse.h - pointer-advancing tokenizers over bounded spans.
 *
 * A span is a [p, end) window on bytes that need not be NUL-terminated;
 * every function reads at most up to end, advances p past what it
 * consumed, and on failure leaves the span untouched and returns a
 * negative errno (-EINVAL for a token of the wrong shape, -ERANGE for a
 * number that overflows, -ENOENT for nothing left). Values in ret_* are
 * written only on success. This replaces sscanf/strtok: what a parser
 * accepts is visible in the code, and no input can make it read past
 * the buffer.
 */
#ifndef SPOOR_STRPARSE_H
#define SPOOR_STRPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct span {
	const char *p;
	const char *end;
};

static inline struct span span_make(const char *s, size_t len)
{
	struct span sp = { .p = s, .end = s + len };
	return sp;
}

struct span span_cstr(const char *s);

static inline size_t span_len(const struct span *sp)
{
	return (size_t)(sp->end - sp->p);
}

static inline bool span_empty(const struct span *sp)
{
	return sp->p >= sp->end;
}

/* Skips blanks (space, tab); returns how many. */
size_t span_skip_blanks(struct span *sp);
/* Skips any whitespace including newlines. */
size_t span_skip_space(struct span *sp);
/* Next run of non-whitespace bytes, after skipping any whitespace
 * (newlines included). */
int span_word(struct span *sp, struct span *ret_word);
/* Bytes up to the first delim (delim consumed, not returned); when
 * delim is absent, the rest of the span. -ENOENT only on an empty span. */
int span_until(struct span *sp, char delim, struct span *ret_field);
/* Next line without its '\n'. */
int span_line(struct span *sp, struct span *ret_line);
/* Consumes c if it is next. */
int span_expect(struct span *sp, char c);
/* Decimal unsigned / optionally signed integers. */
int span_uint64(struct span *sp, uint64_t *ret);
int span_int64(struct span *sp, int64_t *ret);
/* Hexadecimal, with no prefix. */
int span_hex64(struct span *sp, uint64_t *ret);

/* Trims whitespace on both ends. */
void span_trim(struct span *sp);
bool span_eq(const struct span *sp, const char *s);
bool span_startswith(const struct span *sp, const char *prefix);
/* Splits "key<sep>value" and trims both; -EINVAL without sep. */
int span_kv(const struct span *line, char sep, struct span *ret_key, struct span *ret_val);

/* Whole-string numeric parsing: the entire NUL-terminated string must be
 * the number (leading/trailing blanks allowed). */
int parse_int64(const char *s, int64_t *ret);
int parse_uint64(const char *s, uint64_t *ret);

#endif
