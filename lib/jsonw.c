/*
 * jsonw.c - JSON string escaping (see jsonw.h).
 */
#include <stdbool.h>
#include <stdint.h>

#include "jsonw.h"
#include "utf8.h"
#include "banned.h"

/* 1 for the bytes that can be copied as they are: printable ASCII
 * other than '"' and '\\' */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

int jsonw_string(struct strbuf *sb, const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	strbuf_addch(sb, '"');
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		const char *start = p;
		uint32_t cp;

		if (plain(c)) {
			/* copy a run of plain ASCII at once */
			while (p < end && plain((unsigned char)*p))
				p++;
			strbuf_add(sb, start, (size_t)(p - start));
			continue;
		}
		switch (c) {
		case '"': strbuf_addstr(sb, "\\\""); p++; continue;
		case '\\': strbuf_addstr(sb, "\\\\"); p++; continue;
		case '\n': strbuf_addstr(sb, "\\n"); p++; continue;
		case '\r': strbuf_addstr(sb, "\\r"); p++; continue;
		case '\t': strbuf_addstr(sb, "\\t"); p++; continue;
		case '\b': strbuf_addstr(sb, "\\b"); p++; continue;
		case '\f': strbuf_addstr(sb, "\\f"); p++; continue;
		default: break;
		}
		if (c < 0x20) {
			strbuf_addf(sb, "\\u%04x", c);
			p++;
			continue;
		}
		if (utf8_decode(&p, end, &cp) < 0) {
			strbuf_addf(sb, "\\u%04x", c);
			continue;
		}
		strbuf_add(sb, start, (size_t)(p - start));
	}
	return strbuf_addch(sb, '"');
}
