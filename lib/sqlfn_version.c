/*
 * sqlfn_version.c - version comparison: the version_compare() SQL
 * function and the collations version, version_arch, version_dpkg and
 * version_rhel.
 *
 *   SELECT version_compare('1.0.0~rc2^2021', '1.0.0', 'RHEL');   -- -1
 *   SELECT name FROM deb_packages
 *     WHERE version < '2.36-9' COLLATE version_dpkg;
 *
 * The algorithm is osquery's (osquery/sql/sqlite_collation.cpp), kept
 * byte for byte, including where it departs from what dpkg or rpm would
 * say; sqlfn.h describes it. Bytes above 0x7f compare as signed char,
 * as in osquery's x86-64 builds (char is unsigned on aarch64, where
 * osquery orders them the other way; x86-64 is the reference here).
 *
 * version_compare(a, b [, flavor]): -1, 0 or 1. a and b must be TEXT
 * (NULL is an error, not NULL); flavor is 'ARCH', 'DPKG' or 'RHEL' in any
 * case, and without it the generic comparison applies. Arguments past the
 * third are ignored, as in osquery.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "sqlfn.h"
#include "banned.h"

struct version_rules {
	bool epoch;                /* a ':' epoch outranks everything */
	bool delim_precedence;     /* ~ < - < ^ < . < : between delimiters */
	bool comp_remaining;       /* ~ - ^ right after the common part decide */
	bool remainder_precedence; /* ...and after a digit, length decides */
};

static const struct version_rules kind_rules[] = {
    [VERSION_KIND_GENERIC] = {.epoch = false},
    [VERSION_KIND_ARCH] = {.epoch = true, .comp_remaining = true, .remainder_precedence = true},
    [VERSION_KIND_DPKG] = {.epoch = true, .delim_precedence = true},
    [VERSION_KIND_RHEL] = {.epoch = true, .delim_precedence = true, .comp_remaining = true},
};

/* Rank of a delimiter byte, 0 for any other byte. */
static int delim_rank(char c)
{
	switch (c) {
	case '~':
		return 1;
	case '-':
		return 2;
	case '^':
		return 3;
	case '.':
		return 4;
	case ':':
		return 5;
	default:
		return 0;
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Byte difference with char signed, as osquery computes it. */
static long byte_diff(char a, char b)
{
	return (long)(signed char)a - (long)(signed char)b;
}

static long compare_epoch(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *ea = memchr(a, ':', alen);
	const char *eb = memchr(b, ':', blen);

	if (ea && eb)
		return (long)(ea - a) - (long)(eb - b);
	if (ea)
		return 1;
	if (eb)
		return -1;
	return 0;
}

/* What decides when one string is a prefix-by-segments of the other;
 * pos is the common length, diff the pending difference of the last
 * segment. */
static long compare_remainder(const char *a, size_t alen, const char *b, size_t blen, size_t pos,
                              long diff, const struct version_rules *r)
{
	if (alen == pos) {
		if (r->comp_remaining) {
			switch (b[pos]) {
			case '~':
				return 1;
			case '-':
				return 0;
			case '^':
				return -1;
			default:
				if (diff != 0 &&
				    (!r->remainder_precedence || !is_digit(a[pos - 1])))
					return diff;
			}
		} else if (diff != 0 && delim_rank(b[pos]) > 0) {
			return diff;
		}
	}
	if (blen == pos) {
		if (r->comp_remaining) {
			switch (a[pos]) {
			case '~':
				return -1;
			case '-':
				return 0;
			case '^':
				return 1;
			default:
				if (diff != 0 &&
				    (!r->remainder_precedence || !is_digit(b[pos - 1])))
					return diff;
			}
		} else if (diff != 0 && delim_rank(a[pos]) > 0) {
			return diff;
		}
	}
	return (long)alen - (long)blen;
}

static long compare(const char *a, size_t alen, const char *b, size_t blen,
                    const struct version_rules *r)
{
	size_t min = alen < blen ? alen : blen;
	long first_diff = 0;

	if (alen == 0 || blen == 0)
		return (long)(alen != 0) - (long)(blen != 0);
	if (alen == blen && memcmp(a, b, alen) == 0)
		return 0;
	if (r->epoch) {
		long d = compare_epoch(a, alen, b, blen);

		if (d != 0)
			return d;
	}
	for (size_t i = 0; i < min; i++) {
		int da = delim_rank(a[i]), db = delim_rank(b[i]);

		/* inside a segment remember the first differing byte */
		if (da == 0 && db == 0) {
			if (first_diff == 0)
				first_diff = byte_diff(a[i], b[i]);
			continue;
		}
		if (da == 0)
			return 1;
		if (db == 0)
			return -1;
		/* both at a delimiter: the segment just ended decides */
		if (first_diff != 0)
			return first_diff;
		if (r->delim_precedence && da != db)
			return da - db;
	}
	if (alen == blen)
		return first_diff;
	return compare_remainder(a, alen, b, blen, min, first_diff, r);
}

static int sign(long v)
{
	return (v > 0) - (v < 0);
}

int version_compare_mem(const char *a, size_t alen, const char *b, size_t blen,
                        enum version_kind kind)
{
	if ((unsigned)kind >= sizeof(kind_rules) / sizeof(kind_rules[0]))
		kind = VERSION_KIND_GENERIC;
	return sign(compare(a, alen, b, blen, &kind_rules[kind]));
}

int version_compare_str(const char *a, const char *b, enum version_kind kind)
{
	return version_compare_mem(a, strlen(a), b, strlen(b), kind);
}

int version_kind_parse(const char *name, enum version_kind *ret_kind)
{
	static const struct {
		const char *name;
		enum version_kind kind;
	} names[] = {
	    {"ARCH", VERSION_KIND_ARCH},
	    {"DPKG", VERSION_KIND_DPKG},
	    {"RHEL", VERSION_KIND_RHEL},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			*ret_kind = names[i].kind;
			return 0;
		}
	}
	return -EINVAL;
}

static void version_compare_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum version_kind kind = VERSION_KIND_GENERIC;
	const char *a, *b;

	if (argc < 2 || sqlite3_value_type(argv[0]) != SQLITE_TEXT ||
	    sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
		sqlite3_result_error(ctx, "Must provide two version strings to compare.", -1);
		return;
	}
	if (argc > 2) {
		const char *flavor;

		if (sqlite3_value_type(argv[2]) != SQLITE_TEXT) {
			sqlite3_result_error(ctx, "The optional third parameter is not a string.",
			                     -1);
			return;
		}
		flavor = (const char *)sqlite3_value_text(argv[2]);
		if (!flavor) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		if (version_kind_parse(flavor, &kind) < 0) {
			sqlite3_result_error(ctx,
			                     "The optional third parameter does not match one of: "
			                     "(ARCH, DPKG, RHEL).",
			                     -1);
			return;
		}
	}
	a = (const char *)sqlite3_value_text(argv[0]);
	b = (const char *)sqlite3_value_text(argv[1]);
	if (!a || !b) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	/* osquery measures the strings with strlen here */
	sqlite3_result_int(ctx, version_compare_str(a, b, kind));
}

static int version_collate(void *kind, int alen, const void *a, int blen, const void *b)
{
	return version_compare_mem(a, (size_t)alen, b, (size_t)blen,
	                           (enum version_kind)(uintptr_t)kind);
}

int sqlfn_register_version(sqlite3 *db)
{
	static const struct {
		const char *name;
		enum version_kind kind;
	} collations[] = {
	    {"version", VERSION_KIND_GENERIC},
	    {"version_arch", VERSION_KIND_ARCH},
	    {"version_dpkg", VERSION_KIND_DPKG},
	    {"version_rhel", VERSION_KIND_RHEL},
	};
	int rc = sqlite3_create_function(db, "version_compare", -1,
	                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                                 NULL, version_compare_fn, NULL, NULL);

	for (size_t i = 0; rc == SQLITE_OK && i < sizeof(collations) / sizeof(collations[0]); i++)
		rc = sqlite3_create_collation_v2(db, collations[i].name, SQLITE_UTF8,
		                                 (void *)(uintptr_t)collations[i].kind,
		                                 version_collate, NULL);
	return rc;
}
