/*
 * jsonw.h - appending JSON text to a strbuf.
 *
 * Parsing uses jansson; output that is streamed row by row (shell
 * results, log lines) is written with these helpers, which never build
 * a tree. Bytes that are not valid UTF-8 are written as \u00XX of the
 * byte value, so the output is always valid JSON and loses nothing.
 */
#ifndef SPOOR_JSONW_H
#define SPOOR_JSONW_H

#include <stddef.h>

#include "strbuf.h"

/* Appends s as a quoted JSON string. */
int jsonw_string(struct strbuf *sb, const char *s, size_t len);

#endif
