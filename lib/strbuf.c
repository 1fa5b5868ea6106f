/*
 * strbuf.c - growable, bounded byte buffers (see strbuf.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

char strbuf_empty_[1];

void strbuf_init(struct strbuf *sb, size_t max)
{
	sb->buf = strbuf_empty_;
	sb->len = 0;
	sb->alloc = 0;
	sb->max = max ? max : STRBUF_MAX_DEFAULT;
	sb->toobig = false;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, sb->max);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->toobig = false;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need, nalloc;

	if (extra > sb->max || sb->len > sb->max - extra) {
		sb->toobig = true;
		return -E2BIG;
	}
	need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return 0;
	nalloc = sb->alloc ? sb->alloc : 64;
	while (nalloc < need)
		nalloc = nalloc < ((size_t)1 << 30) ? nalloc * 2 : need;
	if (!sb->alloc) {
		sb->buf = xmalloc(nalloc);
		sb->buf[0] = '\0';
	} else {
		sb->buf = xrealloc(sb->buf, nalloc);
	}
	sb->alloc = nalloc;
	return 0;
}

int strbuf_add_slow_(struct strbuf *sb, const void *data, size_t len)
{
	int r = strbuf_grow(sb, len);

	if (r < 0)
		return r;
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n, r;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -EINVAL;
	r = strbuf_grow(sb, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return r;
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > sb->len)
		return;
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void strbuf_rtrim(struct strbuf *sb)
{
	while (sb->len && isspace((unsigned char)sb->buf[sb->len - 1]))
		sb->len--;
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
}

char *strbuf_detach(struct strbuf *sb, size_t *ret_len)
{
	char *p;

	if (!sb->alloc)
		strbuf_grow(sb, 0);
	p = sb->buf;
	if (ret_len)
		*ret_len = sb->len;
	strbuf_init(sb, sb->max);
	return p;
}
