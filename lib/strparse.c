/*
 * strparse.c - pointer-advancing tokenizers (see strparse.h).
 */
#include <errno.h>
#include <string.h>

#include "strparse.h"
#include "banned.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

struct span span_cstr(const char *s)
{
	return span_make(s, strlen(s));
}

size_t span_skip_blanks(struct span *sp)
{
	const char *start = sp->p;

	while (sp->p < sp->end && is_blank(*sp->p))
		sp->p++;
	return (size_t)(sp->p - start);
}

size_t span_skip_space(struct span *sp)
{
	const char *start = sp->p;

	while (sp->p < sp->end && is_space(*sp->p))
		sp->p++;
	return (size_t)(sp->p - start);
}

int span_word(struct span *sp, struct span *ret_word)
{
	struct span s = *sp;
	const char *start;

	span_skip_space(&s);
	if (span_empty(&s))
		return -ENOENT;
	start = s.p;
	while (s.p < s.end && !is_space(*s.p))
		s.p++;
	ret_word->p = start;
	ret_word->end = s.p;
	*sp = s;
	return 0;
}

int span_until(struct span *sp, char delim, struct span *ret_field)
{
	const char *d;

	if (span_empty(sp))
		return -ENOENT;
	d = memchr(sp->p, delim, span_len(sp));
	ret_field->p = sp->p;
	ret_field->end = d ? d : sp->end;
	sp->p = d ? d + 1 : sp->end;
	return 0;
}

int span_line(struct span *sp, struct span *ret_line)
{
	return span_until(sp, '\n', ret_line);
}

int span_expect(struct span *sp, char c)
{
	if (span_empty(sp) || *sp->p != c)
		return -EINVAL;
	sp->p++;
	return 0;
}

int span_uint64(struct span *sp, uint64_t *ret)
{
	const char *p = sp->p;
	uint64_t v = 0;

	if (p >= sp->end || *p < '0' || *p > '9')
		return -EINVAL;
	while (p < sp->end && *p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
		p++;
	}
	sp->p = p;
	*ret = v;
	return 0;
}

int span_int64(struct span *sp, int64_t *ret)
{
	struct span s = *sp;
	bool neg = false;
	uint64_t v;
	int r;

	if (!span_empty(&s) && (*s.p == '-' || *s.p == '+')) {
		neg = *s.p == '-';
		s.p++;
	}
	r = span_uint64(&s, &v);
	if (r < 0)
		return r;
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
		return -ERANGE;
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	*sp = s;
	return 0;
}

int span_hex64(struct span *sp, uint64_t *ret)
{
	const char *p = sp->p;
	uint64_t v = 0;
	int n = 0;

	while (p < sp->end) {
		char c = *p;
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (v >> 60)
			return -ERANGE;
		v = (v << 4) | d;
		p++;
		n++;
	}
	if (!n)
		return -EINVAL;
	sp->p = p;
	*ret = v;
	return 0;
}

void span_trim(struct span *sp)
{
	while (sp->p < sp->end && is_space(*sp->p))
		sp->p++;
	while (sp->end > sp->p && is_space(sp->end[-1]))
		sp->end--;
}

bool span_eq(const struct span *sp, const char *s)
{
	size_t n = strlen(s);

	return span_len(sp) == n && memcmp(sp->p, s, n) == 0;
}

bool span_startswith(const struct span *sp, const char *prefix)
{
	size_t n = strlen(prefix);

	return span_len(sp) >= n && memcmp(sp->p, prefix, n) == 0;
}

int span_kv(const struct span *line, char sep, struct span *ret_key, struct span *ret_val)
{
	const char *d = memchr(line->p, sep, span_len(line));
	struct span k, v;

	if (!d)
		return -EINVAL;
	k = span_make(line->p, (size_t)(d - line->p));
	v.p = d + 1;
	v.end = line->end;
	span_trim(&k);
	span_trim(&v);
	*ret_key = k;
	*ret_val = v;
	return 0;
}

int parse_int64(const char *s, int64_t *ret)
{
	struct span sp = span_cstr(s);
	int64_t v;
	int r;

	span_skip_space(&sp);
	r = span_int64(&sp, &v);
	if (r < 0)
		return r;
	span_skip_space(&sp);
	if (!span_empty(&sp))
		return -EINVAL;
	*ret = v;
	return 0;
}

int parse_uint64(const char *s, uint64_t *ret)
{
	struct span sp = span_cstr(s);
	uint64_t v;
	int r;

	span_skip_space(&sp);
	r = span_uint64(&sp, &v);
	if (r < 0)
		return r;
	span_skip_space(&sp);
	if (!span_empty(&sp))
		return -EINVAL;
	*ret = v;
	return 0;
}
