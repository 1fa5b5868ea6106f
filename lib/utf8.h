/*
 * utf8.h - UTF-8 decoding and terminal display width.
 */
#ifndef SPOOR_UTF8_H
#define SPOOR_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at *p (p < end) and advances *p. An invalid or
 * truncated sequence consumes one byte and returns -EILSEQ. */
int utf8_decode(const char **p, const char *end, uint32_t *ret_cp);
/* Display columns of one code point: 0 (combining, zero-width), 1 or 2
 * (East Asian wide and emoji). */
int codepoint_width(uint32_t cp);
/* Display columns of a byte string; an invalid byte counts as 1. */
size_t utf8_width(const char *s, size_t len);
bool utf8_valid(const char *s, size_t len);

#endif
