/*
 * flags.c - the flag registry (see flags.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

void flags_init(struct flags *fl, const struct flag_def *defs, size_t n)
{
	fl->defs = defs;
	fl->n = n;
	fl->values = xcalloc(n, sizeof(*fl->values));
}

void flags_release(struct flags *fl)
{
	if (!fl->values)
		return;
	for (size_t i = 0; i < fl->n; i++)
		free(fl->values[i]);
	free(fl->values);
	fl->values = NULL;
}

static ssize_t index_of(const struct flags *fl, const char *name, size_t len)
{
	for (size_t i = 0; i < fl->n; i++)
		if (strlen(fl->defs[i].name) == len && memcmp(fl->defs[i].name, name, len) == 0)
			return (ssize_t)i;
	return -1;
}

const struct flag_def *flags_find(const struct flags *fl, const char *name, size_t len)
{
	ssize_t i = index_of(fl, name, len);

	return i < 0 ? NULL : &fl->defs[i];
}

/* Levenshtein distance, bounded to names of at most 64 bytes. */
static size_t distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b), row[65];

	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

const char *flags_suggest(const struct flags *fl, const char *name, size_t len)
{
	const char *best = NULL;
	size_t best_d = 4;

	for (size_t i = 0; i < fl->n; i++) {
		size_t d = distance(name, len, fl->defs[i].name);

		if (d < best_d) {
			best_d = d;
			best = fl->defs[i].name;
		}
	}
	return best;
}

static int parse_bool(const char *v, bool *ret)
{
	if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "on")) {
		*ret = true;
		return 0;
	}
	if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "off")) {
		*ret = false;
		return 0;
	}
	return -EINVAL;
}

int flags_set(struct flags *fl, const char *name, const char *value, struct strbuf *err)
{
	ssize_t i = index_of(fl, name, strlen(name));
	const struct flag_def *d;
	const char *norm = value;

	if (i < 0) {
		const char *s = flags_suggest(fl, name, strlen(name));

		if (err) {
			strbuf_addf(err, "unknown flag --%s", name);
			if (s)
				strbuf_addf(err, " (did you mean --%s?)", s);
		}
		return -ENOENT;
	}
	d = &fl->defs[i];
	if (d->type == FLAG_BOOL) {
		bool b;

		if (parse_bool(value, &b) < 0) {
			if (err)
				strbuf_addf(err, "flag --%s takes true or false, not '%s'", name,
					    value);
			return -EINVAL;
		}
		norm = b ? "true" : "false";
	} else if (d->type == FLAG_INT) {
		int64_t v;

		if (parse_int64(value, &v) < 0) {
			if (err)
				strbuf_addf(err, "flag --%s takes an integer, not '%s'", name,
					    value);
			return -EINVAL;
		}
	}
	free(fl->values[i]);
	fl->values[i] = xstrdup(norm);
	return 0;
}

const char *flags_get(const struct flags *fl, const char *name)
{
	ssize_t i = index_of(fl, name, strlen(name));

	if (i < 0)
		return NULL;
	return fl->values[i] ? fl->values[i] : fl->defs[i].def;
}

bool flags_get_bool(const struct flags *fl, const char *name)
{
	const char *v = flags_get(fl, name);
	bool b = false;

	if (v)
		parse_bool(v, &b);
	return b;
}

int64_t flags_get_int(const struct flags *fl, const char *name)
{
	const char *v = flags_get(fl, name);
	int64_t x = 0;

	if (v)
		parse_int64(v, &x);
	return x;
}

bool flags_is_set(const struct flags *fl, const char *name)
{
	ssize_t i = index_of(fl, name, strlen(name));

	return i >= 0 && fl->values[i];
}

int flags_parse_argv(struct flags *fl, int argc, char **argv, int *ret_argc, struct strbuf *err)
{
	int out = 1, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *name, *eq;
		size_t len;
		ssize_t idx;
		int r;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			argv[out++] = argv[i];
			continue;
		}
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		idx = index_of(fl, name, len);
		if (idx < 0 && !eq && len > 2 && strncmp(name, "no", 2) == 0) {
			ssize_t neg = index_of(fl, name + 2, len - 2);

			if (neg >= 0 && fl->defs[neg].type == FLAG_BOOL) {
				free(fl->values[neg]);
				fl->values[neg] = xstrdup("false");
				continue;
			}
		}
		if (idx < 0) {
			const char *s = flags_suggest(fl, name, len);

			if (err) {
				strbuf_addf(err, "unknown flag --%.*s", (int)len, name);
				if (s)
					strbuf_addf(err, " (did you mean --%s?)", s);
			}
			return -ENOENT;
		}
		{
			char *key = xstrndup(name, len);

			if (eq) {
				r = flags_set(fl, key, eq + 1, err);
			} else if (fl->defs[idx].type == FLAG_BOOL) {
				r = flags_set(fl, key, "true", err);
			} else if (i + 1 < argc) {
				r = flags_set(fl, key, argv[++i], err);
			} else {
				if (err)
					strbuf_addf(err, "flag --%s needs a value", key);
				r = -EINVAL;
			}
			free(key);
		}
		if (r < 0)
			return r;
	}
	for (; i < argc; i++)
		argv[out++] = argv[i];
	*ret_argc = out;
	return 0;
}
