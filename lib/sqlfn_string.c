/*
 * sqlfn_string.c - osquery's string SQL functions: split, regex_split,
 * regex_match, concat, concat_ws.
 *
 *   SELECT split('/usr/local/bin', '/', 1);            -- 'local'
 *   SELECT regex_match('hello world', '(\w+) \w+', 1); -- 'hello'
 *
 * Semantics are osquery's (osquery/sql/sqlite_string.cpp), quirks kept:
 *  - String arguments are read as C strings, up to the first NUL byte.
 *  - split(s, chars, i) cuts s at every byte that appears in chars (any
 *    of them, not the substring), drops empty pieces, then trims
 *    whitespace off each piece and returns piece i (from 0). A NULL
 *    argument gives NULL, an empty chars an error, a missing piece NULL.
 *  - regex_split(s, re, i) returns piece i of s cut at the matches of re,
 *    the pieces C++'s sregex_token_iterator(..., -1) yields: a leading
 *    empty piece is kept, a trailing empty piece is not, an empty match
 *    right after another match makes an empty piece, and a subject
 *    without any match is one piece (also when it is empty).
 *  - regex_match(s, re, i) returns capture group i (0: whole match) of
 *    the first match anywhere in s; NULL without a match or when i is out
 *    of range, '' for a group that did not take part in the match.
 *  - Patterns longer than SQLFN_REGEX_MAX bytes and invalid patterns are
 *    SQL errors starting "Invalid regex".
 *  - concat(...) joins its non-NULL arguments; concat() is NULL.
 *  - concat_ws(sep, ...) skips NULL arguments but writes sep after every
 *    non-NULL argument that is not the last argument, so
 *    concat_ws('-', 'a', NULL) is 'a-'. A NULL sep acts as ''.
 *
 * osquery uses C++ std::regex (ECMAScript grammar); spoor uses PCRE2 with
 * $ matching only at the very end and . excluding CR and LF, which agrees
 * on the ECMAScript subset queries use. PCRE2 accepts more (lookbehind,
 * possessive quantifiers), so a few patterns osquery rejects work here.
 * A pattern given as a constant is compiled once per statement and kept
 * with sqlite3_set_auxdata. Matching is bounded by PCRE2's match limit and
 * a heap limit, so a pathological pattern fails instead of running away.
 */
#include <stdint.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>

#include "sqlfn.h"
#include "banned.h"

/* KiB of heap one regex match may use for backtracking. */
#define REGEX_HEAP_LIMIT_KIB 65536

struct sqlfn_regex {
	pcre2_general_context *gctx;
	pcre2_compile_context *cctx;
	pcre2_match_context *mctx;
	pcre2_code *code;
	pcre2_match_data *md;
	uint32_t ngroups; /* capture groups, not counting group 0 */
};

/* PCRE2 allocates through SQLite, as everything inside a callback does. */
static void *regex_malloc(PCRE2_SIZE size, void *unused)
{
	(void)unused;
	return sqlite3_malloc64(size);
}

static void regex_mfree(void *p, void *unused)
{
	(void)unused;
	sqlite3_free(p);
}

static void regex_free(void *p)
{
	struct sqlfn_regex *re = p;

	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	pcre2_match_context_free(re->mctx);
	pcre2_compile_context_free(re->cctx);
	pcre2_general_context_free(re->gctx);
	sqlite3_free(re);
}

/*
 * The compiled form of pattern, from the statement's cache or freshly
 * compiled; *ret_fresh tells the caller to hand it to regex_keep() when
 * done. On failure the error is set on ctx and NULL returned.
 */
static struct sqlfn_regex *regex_get(sqlite3_context *ctx, int argi, const char *pattern,
                                     size_t patlen, bool *ret_fresh)
{
	struct sqlfn_regex *re = sqlite3_get_auxdata(ctx, argi);
	PCRE2_UCHAR msg[160];
	PCRE2_SIZE erroff = 0;
	int errcode = 0;
	char *err;

	*ret_fresh = false;
	if (re)
		return re;
	re = sqlite3_malloc(sizeof(*re));
	if (!re)
		goto nomem;
	memset(re, 0, sizeof(*re));
	re->gctx = pcre2_general_context_create(regex_malloc, regex_mfree, NULL);
	if (!re->gctx)
		goto nomem;
	re->cctx = pcre2_compile_context_create(re->gctx);
	re->mctx = pcre2_match_context_create(re->gctx);
	if (!re->cctx || !re->mctx)
		goto nomem;
	pcre2_set_newline(re->cctx, PCRE2_NEWLINE_ANYCRLF);
	pcre2_set_heap_limit(re->mctx, REGEX_HEAP_LIMIT_KIB);
	re->code = pcre2_compile((PCRE2_SPTR)pattern, patlen, PCRE2_DOLLAR_ENDONLY, &errcode,
	                         &erroff, re->cctx);
	if (!re->code) {
		if (errcode == PCRE2_ERROR_HEAPLIMIT || errcode == PCRE2_ERROR_NOMEMORY)
			goto nomem;
		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			msg[0] = '\0';
		err = sqlite3_mprintf("Invalid regex: %s at offset %llu", (const char *)msg,
		                      (unsigned long long)erroff);
		if (!err)
			goto nomem;
		sqlite3_result_error(ctx, err, -1);
		sqlite3_free(err);
		regex_free(re);
		return NULL;
	}
	if (pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &re->ngroups) != 0)
		re->ngroups = 0;
	re->md = pcre2_match_data_create_from_pattern(re->code, re->gctx);
	if (!re->md)
		goto nomem;
	*ret_fresh = true;
	return re;
nomem:
	regex_free(re);
	sqlite3_result_error_nomem(ctx);
	return NULL;
}

/* Caches a freshly compiled regex for the rest of the statement. SQLite
 * may free it at once, so the caller must not touch re afterwards. */
static void regex_keep(sqlite3_context *ctx, int argi, struct sqlfn_regex *re, bool fresh)
{
	if (fresh)
		sqlite3_set_auxdata(ctx, argi, re, regex_free);
}

/*
 * One pcre2_match. Returns 1 on a match, 0 on none, -1 after setting an
 * error on ctx.
 */
static int regex_exec(sqlite3_context *ctx, const char *fn, struct sqlfn_regex *re, const char *s,
                      size_t len, size_t start, uint32_t opts)
{
	PCRE2_UCHAR msg[160];
	char *err;
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, opts, re->md, re->mctx);

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_NOMEMORY) {
		sqlite3_result_error_nomem(ctx);
		return -1;
	}
	if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
		msg[0] = '\0';
	err = sqlite3_mprintf("%s: regex match failed: %s", fn, (const char *)msg);
	if (!err) {
		sqlite3_result_error_nomem(ctx);
		return -1;
	}
	sqlite3_result_error(ctx, err, -1);
	sqlite3_free(err);
	return -1;
}

static bool any_null(int argc, sqlite3_value **argv)
{
	for (int i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			return true;
	return false;
}

/* C-string view of a value, as osquery reads its arguments. */
static const char *cstr(sqlite3_context *ctx, sqlite3_value *v, size_t *ret_len)
{
	size_t len;
	const char *s = sqlfn_text(ctx, v, &len);

	if (s)
		*ret_len = strnlen(s, len);
	return s;
}

static bool is_trim_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static void split_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bool delim[256] = {false};
	const char *s, *tokens;
	size_t len, ntok, want, n = 0, i = 0;
	int index;

	if (any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	s = cstr(ctx, argv[0], &len);
	if (!s)
		return;
	tokens = cstr(ctx, argv[1], &ntok);
	if (!tokens)
		return;
	index = sqlite3_value_int(argv[2]);
	if (ntok == 0) {
		sqlite3_result_error(ctx, "Invalid input to split function", -1);
		return;
	}
	if (index < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	want = (size_t)index;
	for (size_t t = 0; t < ntok; t++)
		delim[(unsigned char)tokens[t]] = true;

	while (i <= len) {
		size_t b = i, e;

		while (i < len && !delim[(unsigned char)s[i]])
			i++;
		e = i++; /* past the delimiter (or past the end) */
		if (e == b)
			continue; /* osquery drops empty pieces before trimming */
		if (n++ != want)
			continue;
		while (b < e && is_trim_space((unsigned char)s[b]))
			b++;
		while (e > b && is_trim_space((unsigned char)s[e - 1]))
			e--;
		sqlite3_result_text64(ctx, s + b, e - b, SQLITE_TRANSIENT, SQLITE_UTF8);
		return;
	}
	sqlite3_result_null(ctx);
}

/*
 * Walks the pieces of s between matches of re in the order
 * std::sregex_token_iterator(-1) yields them and stops at piece want.
 * Returns 1 with the piece in [*ret_b, *ret_e), 0 when there are fewer
 * pieces, -1 after setting an error.
 */
static int regex_piece(sqlite3_context *ctx, struct sqlfn_regex *re, const char *s, size_t len,
                       size_t want, size_t *ret_b, size_t *ret_e)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
	size_t n = 0, prev_end = 0;
	int rc = regex_exec(ctx, "regex_split", re, s, len, 0, 0);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		/* no match at all: the whole subject is the only piece */
		if (want != 0)
			return 0;
		*ret_b = 0;
		*ret_e = len;
		return 1;
	}
	while (rc == 1) {
		size_t ms = ov[0], me = ov[1];

		if (n++ == want) {
			*ret_b = prev_end;
			*ret_e = ms;
			return 1;
		}
		prev_end = me;
		if (ms == me) {
			/* after an empty match: first a non-empty match right
			 * here, else search again one byte further on */
			if (me == len)
				break;
			rc = regex_exec(ctx, "regex_split", re, s, len, me,
			                PCRE2_ANCHORED | PCRE2_NOTEMPTY_ATSTART);
			if (rc != 0)
				continue;
			rc = regex_exec(ctx, "regex_split", re, s, len, me + 1, 0);
		} else {
			rc = regex_exec(ctx, "regex_split", re, s, len, me, 0);
		}
	}
	if (rc < 0)
		return -1;
	/* the rest after the last match counts only when not empty */
	if (prev_end < len && n == want) {
		*ret_b = prev_end;
		*ret_e = len;
		return 1;
	}
	return 0;
}

static void regex_split_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sqlfn_regex *re;
	const char *s, *pat;
	size_t len, patlen, b = 0, e = 0;
	bool fresh;
	int index, rc;

	if (any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	s = cstr(ctx, argv[0], &len);
	if (!s)
		return;
	pat = cstr(ctx, argv[1], &patlen);
	if (!pat)
		return;
	index = sqlite3_value_int(argv[2]);
	if (patlen == 0) {
		sqlite3_result_error(ctx, "Invalid input to split function", -1);
		return;
	}
	if (patlen > SQLFN_REGEX_MAX) {
		sqlite3_result_error(ctx, "Invalid regex: too big, max size is 256 bytes", -1);
		return;
	}
	re = regex_get(ctx, 1, pat, patlen, &fresh);
	if (!re)
		return;
	rc = index < 0 ? 0 : regex_piece(ctx, re, s, len, (size_t)index, &b, &e);
	if (rc == 1)
		sqlite3_result_text64(ctx, s + b, e - b, SQLITE_TRANSIENT, SQLITE_UTF8);
	else if (rc == 0)
		sqlite3_result_null(ctx);
	regex_keep(ctx, 1, re, fresh);
}

static void regex_match_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sqlfn_regex *re;
	const char *s, *pat;
	size_t len, patlen;
	bool fresh;
	int index, rc;

	if (any_null(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	pat = cstr(ctx, argv[1], &patlen);
	if (!pat)
		return;
	s = cstr(ctx, argv[0], &len);
	if (!s)
		return;
	index = sqlite3_value_int(argv[2]);
	if (patlen > SQLFN_REGEX_MAX) {
		sqlite3_result_error(ctx, "Invalid regex: too big, max size is 256 bytes", -1);
		return;
	}
	re = regex_get(ctx, 1, pat, patlen, &fresh);
	if (!re)
		return;
	rc = regex_exec(ctx, "regex_match", re, s, len, 0, 0);
	if (rc == 1) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
		uint32_t npairs = pcre2_get_ovector_count(re->md);

		if (index < 0 || (uint32_t)index > re->ngroups) {
			sqlite3_result_null(ctx);
		} else if ((uint32_t)index >= npairs || ov[2 * index] == PCRE2_UNSET) {
			/* a group that took no part matched the empty string */
			sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		} else {
			sqlite3_result_text64(ctx, s + ov[2 * index],
			                      ov[2 * index + 1] - ov[2 * index], SQLITE_TRANSIENT,
			                      SQLITE_UTF8);
		}
	} else if (rc == 0) {
		sqlite3_result_null(ctx);
	}
	regex_keep(ctx, 1, re, fresh);
}

/*
 * Joins argv[first..argc) skipping NULLs; sep follows every non-NULL
 * argument but the last argument. No arguments at all give NULL.
 */
static void concat_args(sqlite3_context *ctx, const char *fn, const char *sep, size_t seplen,
                        int first, int argc, sqlite3_value **argv)
{
	size_t total = 0, off = 0;
	char *buf = NULL;

	if (argc - first <= 0)
		return; /* SQLite's default result: NULL */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = first; i < argc; i++) {
			const char *s;
			size_t len;

			if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
				continue;
			s = cstr(ctx, argv[i], &len);
			if (!s) {
				if (pass == 1)
					sqlite3_free(buf);
				return;
			}
			if (pass == 0) {
				total += len;
				if (sep && seplen && i + 1 < argc)
					total += seplen;
				if (sqlfn_too_large(ctx, fn, total))
					return;
				continue;
			}
			memcpy(buf + off, s, len);
			off += len;
			if (sep && seplen && i + 1 < argc) {
				memcpy(buf + off, sep, seplen);
				off += seplen;
			}
		}
		if (pass == 0) {
			buf = sqlite3_malloc64(total + 1);
			if (!buf) {
				sqlite3_result_error_nomem(ctx);
				return;
			}
		}
	}
	buf[off] = '\0';
	sqlite3_result_text64(ctx, buf, off, sqlite3_free, SQLITE_UTF8);
}

static void concat_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	concat_args(ctx, "concat", NULL, 0, 0, argc, argv);
}

static void concat_ws_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *sep = "";
	size_t seplen = 0;

	if (argc == 0) {
		sqlite3_result_error(ctx, "Missing separator to concat_ws", -1);
		return;
	}
	if (sqlite3_value_type(argv[0]) != SQLITE_NULL) {
		sep = cstr(ctx, argv[0], &seplen);
		if (!sep)
			return;
	}
	concat_args(ctx, "concat_ws", sep, seplen, 1, argc, argv);
}

int sqlfn_register_string(sqlite3 *db)
{
	static const struct {
		const char *name;
		int nargs;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
	    {"split", 3, split_fn},
	    {"regex_split", 3, regex_split_fn},
	    {"regex_match", 3, regex_match_fn},
	    {"concat", -1, concat_fn},
	    {"concat_ws", -1, concat_ws_fn},
	};
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int rc = sqlite3_create_function(db, fns[i].name, fns[i].nargs, flags, NULL,
		                                 fns[i].fn, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}
