/*
 * test_validators.c - osquery's table integration tests, data-driven.
 *
 * ../shared/reference/osquery-table-tests.json holds, per osquery test
 * file (tests/integration/tables/<table>.cpp), the queries it runs, its
 * row-count assertions and its per-column validation maps. This test
 * replays every entry whose table spoor registers, on the live host:
 *   - stub entries ("stub": true) only require every query to succeed;
 *   - {"expression": ...} queries are the C++ string concatenations the
 *     tests build, e.g. "select * from users where uid=" + test_uid;
 *     test_<col> is <col> of the first row of the case's first query;
 *   - row-count assertions of the forms ASSERT|EXPECT_GE|GT|EQ|LE|LT|NE
 *     (<var>.size(), N) and ASSERT|EXPECT_TRUE|FALSE(<var>.empty()); a
 *     variable names the result of a query (the variables, in the order
 *     the case mentions them, are the case's queries in order, leading
 *     queries without a variable being preconditions); a variable with
 *     contradictory assertions is a test's if/else and is not ported;
 *   - each validate call applies its map to every row: the row rule
 *     (the row's columns are exactly the map's, plus explicitly
 *     selected hidden ones) and the column validators, as
 *     validator_semantics in the JSON describes them. SQL NULL is
 *     validated as "", which is what osquery's rows hold for it.
 * One line per table: pass/fail, rows checked, or "no data on this
 * machine"; unregistered tables are listed as "not in spoor yet". The test
 * fails when any registered table fails.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <unistd.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "engine.h"
#include "strbuf.h"
#include "strparse.h"
#include "testutil.h"
#include "xalloc.h"
#include "banned.h"

/* at most this many failure messages are printed per table */
#define MAX_MESSAGES 12

/* osquery's validation flag bits (tests/integration/tables/helper.h) */
enum {
	V_NORMAL = 0,
	V_INT = 1 << 1,
	V_NONEMPTY = 1 << 2,
	V_NONNULL = 1 << 3,
	V_NONZERO = 1 << 4,
	V_FILE = 1 << 5,
	V_DIR = 1 << 6,
	V_UUID = 1 << 7,
	V_MD5 = 1 << 8,
	V_SHA256 = 1 << 9,
	V_SHA1 = 1 << 10,
	V_BOOL = 1 << 11,
	V_EMPTY_OK = 1 << 12,
	V_NULL_OK = 1 << 13,
	/* the composites reuse the EmptyOk / NullOk bits as their marker */
	V_NONNEG_INT = V_INT | V_NONEMPTY | V_NONNULL | V_EMPTY_OK,
	V_NONNEG_OR_ERR_INT = V_INT | V_NONEMPTY | V_NONNULL | V_NULL_OK,
	V_NONEMPTY_STRING = V_NONEMPTY | V_NONNULL,
	V_INT_OR_EMPTY = V_INT | V_EMPTY_OK | V_NULL_OK,
};

static const struct {
	const char *name;
	int bits;
} flag_names[] = {
	{ "NormalType", V_NORMAL },
	{ "IntType", V_INT },
	{ "NonEmpty", V_NONEMPTY },
	{ "NonNull", V_NONNULL },
	{ "NonZero", V_NONZERO },
	{ "FileOnDisk", V_FILE },
	{ "DirectoryOnDisk", V_DIR },
	{ "ValidUUID", V_UUID },
	{ "MD5", V_MD5 },
	{ "SHA256", V_SHA256 },
	{ "SHA1", V_SHA1 },
	{ "Bool", V_BOOL },
	{ "EmptyOk", V_EMPTY_OK },
	{ "NullOk", V_NULL_OK },
	{ "NonNegativeInt", V_NONNEG_INT },
	{ "NonNegativeOrErrorInt", V_NONNEG_OR_ERR_INT },
	{ "NonEmptyString", V_NONEMPTY_STRING },
	{ "IntOrEmpty", V_INT_OR_EMPTY },
};

/* ------------------------------------------------------------------ */
/* value validators */

/* osquery's tryTo<int64_t>: the whole string is a decimal integer */
static bool to_int(const char *v, int64_t *ret)
{
	return *v && parse_int64(v, ret) == 0;
}

static bool all_hex(const char *v)
{
	for (; *v; v++)
		if (!isxdigit((unsigned char)*v))
			return false;
	return true;
}

/* boost::uuids::string_generator: optional braces, 32 hex digits, either
 * no dashes or dashes after the 4th, 6th, 8th and 10th byte */
static bool valid_uuid(const char *v)
{
	size_t len = strlen(v);
	bool braces = len && v[0] == '{', dashes = false;
	const char *p = v + braces, *end = v + len - braces;

	if (braces && (len < 2 || v[len - 1] != '}'))
		return false;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10) {
			if (i == 4)
				dashes = p < end && *p == '-';
			if (dashes) {
				if (p >= end || *p != '-')
					return false;
				p++;
			}
		}
		if (end - p < 2 || !isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
			return false;
		p += 2;
	}
	return p == end;
}

static bool valid_ip(const char *v)
{
	unsigned char buf[16];
	char tmp[INET6_ADDRSTRLEN + 64];
	const char *pct = strchr(v, '%');

	if (inet_pton(AF_INET, v, buf) == 1)
		return true;
	/* IPv6 with a scope id ("fe80::1%eth0"), as boost::asio accepts */
	if (pct) {
		if ((size_t)(pct - v) >= sizeof(tmp) || pct[1] == '\0')
			return false;
		memcpy(tmp, v, (size_t)(pct - v));
		tmp[pct - v] = '\0';
		v = tmp;
	}
	return inet_pton(AF_INET6, v, buf) == 1;
}

static bool valid_mac(const char *v)
{
	if (strcmp(v, "incomplete") == 0)
		return true;
	if (strlen(v) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (v[i] != ':' && v[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)v[i])) {
			return false;
		}
	}
	return true;
}

static bool path_is(const char *v, mode_t type)
{
	struct stat st;

	return *v && stat(v, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

static bool check_flags(const char *v, int flags)
{
	int64_t n;

	if ((flags & V_EMPTY_OK) && *v == '\0')
		return true;
	if ((flags & V_NULL_OK) && strcmp(v, "null") == 0)
		return true;
	if ((flags & V_NONEMPTY) && *v == '\0')
		return false;
	if ((flags & V_NONNULL) && strcmp(v, "null") == 0)
		return false;
	if ((flags & V_NONZERO) && strcmp(v, "0") == 0)
		return false;
	if (flags & V_INT) {
		if (!to_int(v, &n))
			return false;
		if ((flags & V_NONNEG_INT) == V_NONNEG_INT && n < 0)
			return false;
		if ((flags & V_NONNEG_OR_ERR_INT) == V_NONNEG_OR_ERR_INT && n < -1)
			return false;
	}
	if ((flags & V_FILE) && !path_is(v, S_IFREG))
		return false;
	if ((flags & V_DIR) && !path_is(v, S_IFDIR))
		return false;
	if ((flags & V_MD5) && (strlen(v) != 32 || !all_hex(v)))
		return false;
	if ((flags & V_SHA1) && (strlen(v) != 40 || !all_hex(v)))
		return false;
	if ((flags & V_SHA256) && (strlen(v) != 64 || !all_hex(v)))
		return false;
	if ((flags & V_BOOL) && strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		return false;
	if ((flags & V_UUID) && !valid_uuid(v))
		return false;
	return true;
}

/* "Bool | EmptyOk" -> bits; -1 for an unknown name */
static int parse_flags(const char *s)
{
	struct span sp = span_cstr(s), tok;
	int bits = 0;

	while (span_until(&sp, '|', &tok) == 0) {
		bool found = false;

		span_trim(&tok);
		for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++) {
			if (span_eq(&tok, flag_names[i].name)) {
				bits |= flag_names[i].bits;
				found = true;
			}
		}
		if (!found)
			return -1;
	}
	return bits;
}

static bool json_int(const json_t *v, int64_t *ret)
{
	if (json_is_integer(v)) {
		*ret = json_integer_value(v);
		return true;
	}
	return json_is_string(v) && to_int(json_string_value(v), ret);
}

static bool in_string_array(const json_t *arr, const char *v, bool nocase)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
		if (json_is_string(e) && (nocase ? strcasecmp(json_string_value(e), v)
						 : strcmp(json_string_value(e), v)) == 0)
			return true;
	return false;
}

/* one comma-separated component of a cron field */
static bool cron_component(const char *s, size_t len, const json_t *names)
{
	char buf[64];
	char *dash;
	int64_t n;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (names && in_string_array(names, buf, true))
		return true;
	if (to_int(buf, &n))
		return true;
	/* "a-b": exactly two integers around one dash */
	dash = strchr(buf, '-');
	if (!dash || strchr(dash + 1, '-'))
		return false;
	*dash = '\0';
	return to_int(buf, &n) && to_int(dash + 1, &n);
}

/* osquery's CronValuesCheck, plus "" as validator_semantics allows */
static bool cron_value(const char *v, int64_t min, int64_t max, const json_t *names)
{
	int64_t n;

	if (*v == '\0' || strcmp(v, "*") == 0)
		return true;
	if (to_int(v, &n))
		return n >= min && n <= max;
	if (strncmp(v, "*/", 2) == 0)
		return to_int(v + 2, &n);
	for (;;) {
		const char *comma = strchr(v, ',');
		size_t len = comma ? (size_t)(comma - v) : strlen(v);

		if (!cron_component(v, len, names))
			return false;
		if (!comma)
			return true;
		v = comma + 1;
	}
}

/* processes.start_time: -1, or between boot time and now */
static bool time_sanity(const char *v)
{
	char *up = test_read_file("/proc/uptime");
	struct span sp = span_cstr(up);
	uint64_t uptime = 0;
	int64_t n, now = (int64_t)time(NULL);
	bool ok;

	span_uint64(&sp, &uptime);
	free(up);
	if (!to_int(v, &n))
		return false;
	if (n == -1)
		return true;
	ok = n >= now - (int64_t)uptime - 1 && n <= now;
	return ok;
}

/*
 * Applies one validator object ({"flags": ...}, {"check": ...} or
 * {"custom": ...}) to v. Returns 1 pass, 0 fail, -1 for a validator the
 * port does not know (described in why).
 */
static int validate_value(const json_t *vobj, const char *v, struct strbuf *why)
{
	const char *flags = json_string_value(json_object_get(vobj, "flags"));
	const char *check = json_string_value(json_object_get(vobj, "check"));
	const char *custom = json_string_value(json_object_get(vobj, "custom"));
	int64_t n, min, max;

	if (flags) {
		int bits = parse_flags(flags);

		strbuf_addstr(why, flags);
		if (bits < 0)
			return -1;
		return check_flags(v, bits);
	}
	if (check) {
		strbuf_addstr(why, check);
		if (strcmp(check, "IntMinMaxCheck") == 0) {
			if (!json_int(json_object_get(vobj, "min"), &min) ||
			    !json_int(json_object_get(vobj, "max"), &max))
				return -1;
			strbuf_addf(why, "(%lld, %lld)", (long long)min, (long long)max);
			return to_int(v, &n) && n >= min && n <= max;
		}
		if (strcmp(check, "SpecificValuesCheck") == 0)
			return in_string_array(json_object_get(vobj, "values"), v, false);
		if (strcmp(check, "CronValuesCheck") == 0) {
			if (!json_int(json_object_get(vobj, "min"), &min) ||
			    !json_int(json_object_get(vobj, "max"), &max))
				return -1;
			return cron_value(v, min, max, json_object_get(vobj, "names"));
		}
		if (strcmp(check, "verifyIpAddress") == 0)
			return valid_ip(v);
		if (strcmp(check, "verifyEmptyStringOrIpAddress") == 0)
			return *v == '\0' || valid_ip(v);
		if (strcmp(check, "verifyMacAddress") == 0)
			return valid_mac(v);
		if (strcmp(check, "verifyUidGid") == 0)
			return to_int(v, &n) && n >= -2;
		return -1;
	}
	if (custom) {
		strbuf_addstr(why, custom);
		if (strcmp(custom, "timeSanityCheck") == 0)
			return time_sanity(v);
		/* Linux: the Windows-only empty allowance does not apply */
		if (strcmp(custom, "verify_non_empty_string_or_empty_on_win") == 0)
			return *v != '\0';
		if (strcmp(custom, "verify_non_negative_or_empty") == 0)
			return to_int(v, &n) && n >= 0;
		if (strcmp(custom, "checkProcessOpenFilePath") == 0)
			return strstr(v, "(deleted)") || v[0] == '/';
		return -1;
	}
	strbuf_addstr(why, "(empty validator)");
	return -1;
}

/*
 * Upstream expectations that depend on the host, not on the table: a
 * validator failure on an EMPTY (or NULL) value of these columns is
 * reported as a note, because osquery itself produces the same empty
 * value on such a host. Keep this list short and justified.
 */
static const struct {
	const char *table, *column, *why;
} empty_waivers[] = {
	{ "os_version", "platform_like",
	  "osquery leaves platform_like empty when os-release has no ID_LIKE (Debian, Fedora, "
	  "Arch); the upstream map's NonEmptyString assumes a derivative distro" },
};

static const char *empty_waiver(const char *table, const char *column, const char *v)
{
	if (v && *v)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(empty_waivers); i++)
		if (strcmp(empty_waivers[i].table, table) == 0 &&
		    strcmp(empty_waivers[i].column, column) == 0)
			return empty_waivers[i].why;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* per-table state */

struct table_run {
	struct engine *eng;
	const char *table;
	const json_t *schema_cols; /* osquery-linux-tables.json columns */
	size_t nfail;
	size_t nmsg;
	size_t rows_checked;
	size_t rows_seen;
	struct strbuf msgs;
	struct strbuf notes;
};

static void fail_note(struct table_run *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_note(struct table_run *t, const char *fmt, ...)
{
	va_list ap;

	t->nfail++;
	if (t->nmsg++ >= MAX_MESSAGES)
		return;
	strbuf_addstr(&t->msgs, "      FAIL ");
	va_start(ap, fmt);
	strbuf_vaddf(&t->msgs, fmt, ap);
	va_end(ap);
	strbuf_addch(&t->msgs, '\n');
}

static void info_note(struct table_run *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void info_note(struct table_run *t, const char *fmt, ...)
{
	va_list ap;

	strbuf_addstr(&t->notes, "      note: ");
	va_start(ap, fmt);
	strbuf_vaddf(&t->notes, fmt, ap);
	va_end(ap);
	strbuf_addch(&t->notes, '\n');
}

/* A column osquery's own schema shows in SELECT * for this table. */
static bool schema_visible(const struct table_run *t, const char *col)
{
	size_t i;
	json_t *c;

	json_array_foreach(t->schema_cols, i, c)
		if (strcmp(json_string_value(json_object_get(c, "name")), col) == 0)
			return !json_is_true(json_object_get(c, "hidden_on_linux"));
	return false;
}

/* validate_row for every row of rows against map (+ plus columns) */
static void validate_rows(struct table_run *t, const char *label, const struct test_rows *rows,
			  json_t *map, json_t *plus)
{
	const char *key;
	json_t *vobj;

	for (size_t c = 0; c < rows->ncols; c++) {
		const char *name = rows->names[c];

		if (json_object_get(map, name) || (plus && json_object_get(plus, name)))
			continue;
		if (schema_visible(t, name))
			info_note(t, "%s: the osquery test's map omits schema column '%s' "
				     "(an upstream test gap; not enforced)", label, name);
		else
			fail_note(t, "%s: unexpected column '%s' in the rows", label, name);
	}
	for (int pass = 0; pass < 2; pass++) {
		json_t *m = pass ? plus : map;

		if (!m)
			continue;
		json_object_foreach(m, key, vobj) {
			int c = test_col(rows, key);
			json_t *wrapped = NULL;
			bool reported = false, waived = false;

			if (c < 0) {
				fail_note(t, "%s: could not find column '%s' in the rows", label,
					  key);
				continue;
			}
			/* plus_columns give a bare flags string */
			if (json_is_string(vobj)) {
				wrapped = json_pack("{s:s}", "flags", json_string_value(vobj));
				vobj = wrapped;
			}
			for (size_t r = 0; r < rows->nrows && !reported; r++) {
				const char *v = rows->values[r * rows->ncols + (size_t)c];
				struct strbuf why = STRBUF_INIT;
				int ok = validate_value(vobj, v ? v : "", &why);

				if (ok < 0) {
					fail_note(t, "%s: column '%s': validator %s is not ported",
						  label, key, why.buf);
					reported = true;
				} else if (!ok && empty_waiver(t->table, key, v)) {
					if (!waived)
						info_note(t, "%s: column '%s' is empty, failing %s; "
							     "waived: %s",
							  label, key, why.buf,
							  empty_waiver(t->table, key, v));
					waived = true;
				} else if (!ok) {
					fail_note(t, "%s: row %zu column '%s' value \"%s\" fails %s",
						  label, r, key, v ? v : "(NULL)", why.buf);
				}
				strbuf_release(&why);
			}
			json_decref(wrapped);
		}
	}
	t->rows_checked += rows->nrows;
}

/* ------------------------------------------------------------------ */
/* fixtures: the temporary files some osquery tests build their queries
 * around (file.cpp's FileTests, hash.cpp's Hash), recreated here with
 * the values their C++ variables hold */

#define MAX_FIXTURE_VARS 8

struct fixture {
	char dir[64];
	size_t nvars;
	struct {
		const char *name;
		char *value;
	} vars[MAX_FIXTURE_VARS];
};

static void fixture_var(struct fixture *fx, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fixture_var(struct fixture *fx, const char *name, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	assert_true(fx->nvars < MAX_FIXTURE_VARS);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	fx->vars[fx->nvars].name = name;
	fx->vars[fx->nvars++].value = strbuf_detach(&sb, NULL);
}

static void fixture_file(const struct fixture *fx, const char *rel, const char *content)
{
	struct strbuf p = STRBUF_INIT;
	FILE *fp;

	strbuf_addf(&p, "%s/%s", fx->dir, rel);
	fp = fopen(p.buf, "w");
	if (!fp || fputs(content, fp) < 0 || fclose(fp) != 0)
		fail_msg("fixture: cannot write %s", p.buf);
	strbuf_release(&p);
}

static void fixture_mkdir(const struct fixture *fx, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", fx->dir, rel);
	if (mkdir(p.buf, 0755) < 0)
		fail_msg("fixture: cannot create %s", p.buf);
	strbuf_release(&p);
}

/* The fixture of table's osquery test, if it has one. */
static void fixture_setup(const char *table, struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	if (strcmp(table, "file") != 0 && strcmp(table, "hash") != 0)
		return;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/spoor-validators-XXXXXX");
	if (!mkdtemp(fx->dir))
		fail_msg("fixture: mkdtemp failed");
	if (strcmp(table, "file") == 0) {
		struct strbuf p = STRBUF_INIT;

		/* FileTests: two files, then test_nested_directory_traversal's
		 * 1/a.txt ... 1/2/3/4/d.txt and 5/6 -> ../5 */
		fixture_file(fx, "辞書.txt", "test");
		fixture_file(fx, "file-table-test.txt", "test");
		fixture_mkdir(fx, "1");
		fixture_mkdir(fx, "1/2");
		fixture_mkdir(fx, "1/2/3");
		fixture_mkdir(fx, "1/2/3/4");
		fixture_mkdir(fx, "5");
		fixture_file(fx, "1/a.txt", "test content");
		fixture_file(fx, "1/2/b.txt", "test content");
		fixture_file(fx, "1/2/3/c.txt", "test content");
		fixture_file(fx, "1/2/3/4/d.txt", "test content");
		strbuf_addf(&p, "%s/5/6", fx->dir);
		if (symlink("../5", p.buf) < 0)
			fail_msg("fixture: cannot create %s", p.buf);
		strbuf_release(&p);
		fixture_var(fx, "path_constraint", "%s/%%.txt", fx->dir);
		fixture_var(fx, "link_constraint", "%s/%%.lnk", fx->dir);
		fixture_var(fx, "directory", "%s", fx->dir);
		fixture_var(fx, "path_pattern", "%s/%%%%", fx->dir);
	} else {
		fixture_file(fx, "osquery.tests.file.hashes",
			     "Lorem ipsum dolor sit amet, consectetur adipiscing elit.");
		fixture_var(fx, "path", "%s/osquery.tests.file.hashes", fx->dir);
		fixture_var(fx, "query", "select * from hash where path = '%s/osquery.tests.file.hashes'",
			    fx->dir);
	}
}

static void fixture_teardown(struct fixture *fx)
{
	struct strbuf cmd = STRBUF_INIT;

	for (size_t i = 0; i < fx->nvars; i++)
		free(fx->vars[i].value);
	if (fx->dir[0]) {
		strbuf_addf(&cmd, "rm -rf '%s'", fx->dir);
		free(test_run(cmd.buf));
	}
	strbuf_release(&cmd);
	memset(fx, 0, sizeof(*fx));
}

static const char *fixture_lookup(const struct fixture *fx, const char *name, size_t len)
{
	for (size_t i = 0; fx && i < fx->nvars; i++)
		if (strlen(fx->vars[i].name) == len && memcmp(fx->vars[i].name, name, len) == 0)
			return fx->vars[i].value;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* C++ expressions and assertions */

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Appends the C string literal at sp (after its opening quote). */
static int parse_literal(struct span *sp, struct strbuf *out)
{
	while (!span_empty(sp)) {
		char c = *sp->p++;

		if (c == '"')
			return 0;
		if (c == '\\' && !span_empty(sp)) {
			c = *sp->p++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
		}
		strbuf_addch(out, c);
	}
	return -1;
}

/*
 * Evaluates a test's query expression: a '+' concatenation of string
 * literals (bare or in std::string(...)), test_<col> identifiers, <col>
 * taken from the first row of first, and the variables of the test's
 * fixture (fx, may be NULL). Returns 0, or -1 with the reason in err.
 */
static int eval_expression(const char *expr, const struct test_rows *first,
			   const struct fixture *fx, struct strbuf *out, struct strbuf *err)
{
	struct span sp = span_cstr(expr);

	for (;;) {
		span_skip_space(&sp);
		if (span_startswith(&sp, "std::string(")) {
			sp.p += strlen("std::string(");
			span_skip_space(&sp);
			if (span_expect(&sp, '"') < 0 || parse_literal(&sp, out) < 0)
				goto bad;
			span_skip_space(&sp);
			if (span_expect(&sp, ')') < 0)
				goto bad;
		} else if (!span_empty(&sp) && *sp.p == '"') {
			/* adjacent literals concatenate */
			while (!span_empty(&sp) && *sp.p == '"') {
				sp.p++;
				if (parse_literal(&sp, out) < 0)
					goto bad;
				span_skip_space(&sp);
			}
		} else if (span_startswith(&sp, "test_")) {
			const char *start = sp.p + 5, *v;
			char col[64];
			int c;

			sp.p = start;
			while (!span_empty(&sp) && is_ident_char(*sp.p))
				sp.p++;
			if (!span_empty(&sp) && (*sp.p == '.' || *sp.p == '(' || *sp.p == '['))
				goto bad;
			if ((size_t)(sp.p - start) >= sizeof(col) || sp.p == start)
				goto bad;
			memcpy(col, start, (size_t)(sp.p - start));
			col[sp.p - start] = '\0';
			c = test_col(first, col);
			if (c < 0 || first->nrows == 0) {
				strbuf_addf(err, "test_%s: the first query has no row with column %s",
					    col, col);
				return -1;
			}
			v = first->values[c];
			strbuf_addstr(out, v ? v : "");
		} else if (!span_empty(&sp) && is_ident_char(*sp.p)) {
			/* a fixture's variable, "path" or "path.string()" */
			const char *start = sp.p, *v;
			size_t len;

			while (!span_empty(&sp) && is_ident_char(*sp.p))
				sp.p++;
			len = (size_t)(sp.p - start);
			if (span_startswith(&sp, ".string()"))
				sp.p += strlen(".string()");
			v = fixture_lookup(fx, start, len);
			if (!v)
				goto bad;
			strbuf_addstr(out, v);
		} else {
			goto bad;
		}
		span_skip_space(&sp);
		if (span_empty(&sp))
			return 0;
		if (span_expect(&sp, '+') < 0)
			goto bad;
	}
bad:
	strbuf_addf(err, "expression not supported by the port: %s", expr);
	return -1;
}

struct size_assert {
	char var[64];
	uint64_t lo, hi; /* allowed sizes */
	bool ne;         /* NE: size != lo */
	const char *text;
};

static int parse_assert(const char *text, struct size_assert *a)
{
	struct span sp = span_cstr(text), var;
	static const char *const ops[] = { "GE", "GT", "EQ", "LE", "LT", "NE", "TRUE", "FALSE" };
	int op = -1;
	uint64_t n = 0;

	memset(a, 0, sizeof(*a));
	a->text = text;
	if (span_startswith(&sp, "ASSERT_") || span_startswith(&sp, "EXPECT_"))
		sp.p += 7;
	else
		return -1;
	for (int i = 0; i < (int)ARRAY_SIZE(ops); i++) {
		if (span_startswith(&sp, ops[i]) && sp.p[strlen(ops[i])] == '(') {
			op = i;
			sp.p += strlen(ops[i]) + 1;
			break;
		}
	}
	if (op < 0)
		return -1;
	span_skip_space(&sp);
	var.p = sp.p;
	while (!span_empty(&sp) && is_ident_char(*sp.p))
		sp.p++;
	var.end = sp.p;
	if (span_empty(&var) || span_len(&var) >= sizeof(a->var))
		return -1;
	memcpy(a->var, var.p, span_len(&var));
	if (op >= 6) { /* TRUE / FALSE (<var>.empty()) */
		if (!span_startswith(&sp, ".empty())"))
			return -1;
		sp.p += strlen(".empty())");
		a->lo = op == 6 ? 0 : 1;
		a->hi = op == 6 ? 0 : UINT64_MAX;
	} else {
		if (!span_startswith(&sp, ".size(),"))
			return -1;
		sp.p += strlen(".size(),");
		span_skip_space(&sp);
		if (span_uint64(&sp, &n) < 0)
			return -1;
		while (!span_empty(&sp) && strchr("uUlL", *sp.p))
			sp.p++;
		if (span_expect(&sp, ')') < 0)
			return -1;
		a->lo = 0;
		a->hi = UINT64_MAX;
		switch (op) {
		case 0: a->lo = n; break;
		case 1: a->lo = n + 1; break;
		case 2: a->lo = a->hi = n; break;
		case 3: a->hi = n; break;
		case 4:
			if (n == 0)
				return -1;
			a->hi = n - 1;
			break;
		default: a->lo = n; a->ne = true; break;
		}
	}
	span_skip_space(&sp);
	return span_empty(&sp) ? 0 : -1;
}

static bool assert_holds(const struct size_assert *a, uint64_t n)
{
	if (a->ne)
		return n != a->lo;
	return n >= a->lo && n <= a->hi;
}

/* ------------------------------------------------------------------ */
/* one test case */

#define MAX_QUERIES 16
#define MAX_ASSERTS 16

static bool is_identifier(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!is_ident_char(*s))
			return false;
	return true;
}

static int var_index(char vars[][64], size_t nvars, const char *v)
{
	for (size_t i = 0; i < nvars; i++)
		if (strcmp(vars[i], v) == 0)
			return (int)i;
	return -1;
}

/*
 * Tables whose data source this host may simply not have. When the file
 * is absent, an empty result is the correct answer, so a ">= 1 row"
 * assertion is reported as "no data on this machine" instead of failing.
 * The check is on the source, not the result: a table that returns no
 * rows while its source exists still fails.
 */
static const struct {
	const char *table;
	const char *source;
} optional_sources[] = {
	{ "kernel_modules", "/proc/modules" },        /* kernels built without modules */
	{ "cpu_info", "/sys/firmware/dmi/tables/DMI" }, /* VMs and containers without SMBIOS */
};

/* Tables whose osquery test needs the Internet; on a machine without
 * it, "no rows" is the correct answer and is reported as no data. */
static const struct {
	const char *table;
	const char *host;
} network_sources[] = {
	{ "curl_certificate", "www.github.com" },
};

static const char *absent_source(const char *table)
{
	for (size_t i = 0; i < ARRAY_SIZE(network_sources); i++) {
		struct addrinfo *ai = NULL;

		if (strcmp(network_sources[i].table, table) != 0)
			continue;
		if (getaddrinfo(network_sources[i].host, "443", NULL, &ai) != 0)
			return "the network (its test host does not resolve)";
		freeaddrinfo(ai);
	}
	for (size_t i = 0; i < ARRAY_SIZE(optional_sources); i++)
		if (strcmp(optional_sources[i].table, table) == 0 &&
		    access(optional_sources[i].source, R_OK) != 0)
			return optional_sources[i].source;
	return NULL;
}

static void add_var(char vars[][64], size_t *nvars, const char *v)
{
	if (*nvars < MAX_QUERIES && strlen(v) < 64 && var_index(vars, *nvars, v) < 0) {
		memcpy(vars[*nvars], v, strlen(v) + 1);
		(*nvars)++;
	}
}

/* A query with a "<C++ expr: ...>" placeholder, the expression
 * evaluated with the fixture's variables; -1 when it cannot be. */
static int expand_placeholder(const char *q, const struct fixture *fx, struct strbuf *sql,
			      struct strbuf *err)
{
	static const char tag[] = "<C++ expr: ";
	const char *start = strstr(q, tag), *end;
	struct strbuf inner = STRBUF_INIT;
	int r;

	if (!start) {
		strbuf_addstr(sql, q);
		return 0;
	}
	end = strrchr(q, '>');
	if (!end || end < start + strlen(tag))
		return -1;
	strbuf_add(sql, q, (size_t)(start - q));
	strbuf_add(&inner, start + strlen(tag), (size_t)(end - start - strlen(tag)));
	r = eval_expression(inner.buf, NULL, fx, sql, err);
	strbuf_release(&inner);
	if (r == 0)
		strbuf_addstr(sql, end + 1);
	return r;
}

static void run_case(struct table_run *t, const json_t *cs, const struct fixture *fx)
{
	const json_t *queries = json_object_get(cs, "queries");
	const json_t *asserts = json_object_get(cs, "row_count_assertions");
	const json_t *calls = json_object_get(cs, "validate_calls");
	const json_t *maps = json_object_get(cs, "validation_maps");
	bool stub = json_is_true(json_object_get(cs, "stub"));
	size_t nq = json_array_size(queries), nvars = 0, nasserts = 0, i;
	struct test_rows results[MAX_QUERIES];
	bool ran[MAX_QUERIES] = { false }, claimed[MAX_QUERIES] = { false };
	int qvar[MAX_QUERIES];
	char vars[MAX_QUERIES][64];
	struct size_assert sa[MAX_ASSERTS];
	size_t unclaimed[MAX_QUERIES], nun = 0;
	json_t *e;

	memset(results, 0, sizeof(results));
	if (nq > MAX_QUERIES) {
		fail_note(t, "case has %zu queries; the port handles %d", nq, MAX_QUERIES);
		return;
	}
	for (i = 0; i < nq; i++)
		qvar[i] = -1;

	/* queries named verbatim by a validate call are validated directly */
	json_array_foreach(calls, i, e) {
		const char *rows = json_string_value(json_object_get(e, "rows"));

		for (size_t q = 0; rows && q < nq; q++) {
			const char *qs = json_string_value(json_array_get(queries, q));

			if (qs && strcmp(qs, rows) == 0)
				claimed[q] = true;
		}
	}
	/* variables: first those the assertions use, then the validate calls' */
	json_array_foreach(asserts, i, e) {
		if (nasserts < MAX_ASSERTS && parse_assert(json_string_value(e), &sa[nasserts]) == 0)
			add_var(vars, &nvars, sa[nasserts++].var);
		else
			info_note(t, "assertion not ported: %s", json_string_value(e));
	}
	json_array_foreach(calls, i, e) {
		const char *rows = json_string_value(json_object_get(e, "rows"));

		if (rows && is_identifier(rows))
			add_var(vars, &nvars, rows);
	}
	for (i = 0; i < nq; i++)
		if (!claimed[i])
			unclaimed[nun++] = i;
	if (nvars > nun) {
		/* an ASSERT_FALSE(x.empty()) may test a value taken from a row
		 * (certificates: value = data[0]["common_name"]), not a result
		 * set: drop such variables before calling the case malformed */
		size_t k = 0;

		for (size_t v = 0; v < nvars; v++) {
			bool size_assert = false, validated = false;

			for (size_t a = 0; a < nasserts; a++)
				if (!strcmp(sa[a].var, vars[v]) && !strstr(sa[a].text, ".empty()"))
					size_assert = true;
			json_array_foreach(calls, i, e) {
				const char *rows = json_string_value(json_object_get(e, "rows"));

				if (rows && !strcmp(rows, vars[v]))
					validated = true;
			}
			if (size_assert || validated) {
				if (k != v)
					memcpy(vars[k], vars[v], sizeof(vars[k]));
				k++;
			} else {
				info_note(t, "'%s' is not a result set of this case: its emptiness "
					     "check is not ported", vars[v]);
			}
		}
		nvars = k;
	}
	if (nvars > nun) {
		fail_note(t, "case names %zu result variables for %zu queries", nvars, nun);
		nvars = nun;
	}
	/* align from the end: leading queries without a variable are
	 * preconditions (docker_image_history queries docker_images first) */
	for (i = 0; i < nvars; i++)
		qvar[unclaimed[nun - nvars + i]] = (int)i;

	for (i = 0; i < nq; i++) {
		const json_t *qj = json_array_get(queries, i);
		struct strbuf sql = STRBUF_INIT, err = STRBUF_INIT;

		if (json_is_string(qj)) {
			if (expand_placeholder(json_string_value(qj), fx, &sql, &err) < 0) {
				strbuf_reset(&sql);
				strbuf_addstr(&sql, json_string_value(qj));
			}
		} else {
			const char *expr = json_string_value(json_object_get(qj, "expression"));

			if (!expr || eval_expression(expr, &results[0], fx, &sql, &err) < 0) {
				fail_note(t, "query %zu: %s", i, err.len ? err.buf : "no expression");
				strbuf_release(&sql);
				strbuf_release(&err);
				continue;
			}
		}
		if (strstr(sql.buf, "<C++ expr")) {
			fail_note(t, "query %zu is built in C++ and not ported: %s", i, sql.buf);
		} else if (test_query(t->eng, sql.buf, &results[i]) < 0) {
			fail_note(t, "query failed: %s\n           SQL: %s", results[i].error, sql.buf);
		} else {
			ran[i] = true;
			t->rows_seen += results[i].nrows;
			if (!stub && qvar[i] < 0 && !claimed[i] && results[i].nrows == 0) {
				info_note(t, "precondition query returned no rows, case skipped: %s",
					  sql.buf);
				strbuf_release(&sql);
				strbuf_release(&err);
				goto out;
			}
		}
		strbuf_release(&sql);
		strbuf_release(&err);
	}
	if (stub)
		goto out;

	/* row counts; a variable whose assertions contradict each other is
	 * an if/else in the C++ test (secureboot_certificates) */
	for (size_t a = 0; a < nasserts; a++) {
		int v = var_index(vars, nvars, sa[a].var);
		uint64_t lo = 0, hi = UINT64_MAX;
		size_t q;

		for (size_t b = 0; b < nasserts; b++) {
			if (strcmp(sa[b].var, sa[a].var) || sa[b].ne)
				continue;
			lo = sa[b].lo > lo ? sa[b].lo : lo;
			hi = sa[b].hi < hi ? sa[b].hi : hi;
		}
		if (lo > hi) {
			info_note(t, "conditional assertion not ported: %s", sa[a].text);
			continue;
		}
		for (q = 0; q < nq && qvar[q] != v; q++)
			;
		if (v < 0 || q == nq) {
			info_note(t, "assertion on an unknown result: %s", sa[a].text);
			continue;
		}
		if (!ran[q])
			continue; /* its query already failed */
		if (!assert_holds(&sa[a], results[q].nrows)) {
			const char *absent = results[q].nrows == 0 ? absent_source(t->table) : NULL;

			if (absent)
				info_note(t, "no data on this machine: %s is absent (%s: 0 rows)",
					  absent, sa[a].text);
			else
				fail_note(t, "%s: %zu rows", sa[a].text, results[q].nrows);
		}
	}

	json_array_foreach(calls, i, e) {
		const char *rows = json_string_value(json_object_get(e, "rows"));
		const char *mapname = json_string_value(json_object_get(e, "map"));
		json_t *map = mapname ? json_object_get(maps, mapname) : NULL;
		json_t *plus = json_object_get(e, "plus_columns");
		size_t q;

		if (!rows || !map) {
			fail_note(t, "validate call %zu names no rows or no map", i);
			continue;
		}
		for (q = 0; q < nq; q++) {
			const char *qs = json_string_value(json_array_get(queries, q));
			int v = var_index(vars, nvars, rows);

			if ((claimed[q] && qs && strcmp(qs, rows) == 0) || (v >= 0 && qvar[q] == v))
				break;
		}
		if (q == nq) {
			fail_note(t, "validate call on '%s': no such query result", rows);
			continue;
		}
		if (ran[q])
			validate_rows(t, rows, &results[q], map, plus);
	}
out:
	for (i = 0; i < nq; i++)
		test_rows_free(&results[i]);
}

/* ------------------------------------------------------------------ */

/* cmocka's print_message truncates long messages: one line at a time */
static void print_lines(const char *s)
{
	struct span sp = span_cstr(s), line;

	while (span_line(&sp, &line) == 0)
		print_message("%.*s\n", (int)span_len(&line), line.p);
}

static const json_t *schema_columns(const json_t *schema, const char *table)
{
	size_t i;
	json_t *t;

	json_array_foreach(json_object_get(schema, "tables"), i, t)
		if (strcmp(json_string_value(json_object_get(t, "name")), table) == 0)
			return json_object_get(t, "columns");
	return NULL;
}

static void test_osquery_table_tests(void **state)
{
	char *tests_path = test_reference_path("osquery-table-tests.json");
	char *schema_path = test_reference_path("osquery-linux-tables.json");
	struct engine *eng = test_engine(NULL);
	size_t npass = 0, nfailed = 0, nmissing = 0, i;
	struct strbuf missing = STRBUF_INIT;
	json_error_t jerr;
	json_t *tests = json_load_file(tests_path, 0, &jerr), *schema, *entry;

	(void)state;
	if (!tests)
		fail_msg("cannot load %s: %s", tests_path, jerr.text);
	schema = json_load_file(schema_path, 0, &jerr);
	if (!schema)
		fail_msg("cannot load %s: %s", schema_path, jerr.text);

	json_array_foreach(json_object_get(tests, "tests"), i, entry) {
		const char *table = json_string_value(json_object_get(entry, "resolved_table"));
		struct table_run t = { .eng = eng, .msgs = STRBUF_INIT, .notes = STRBUF_INIT };
		struct fixture fx;
		bool stub = true;
		size_t c;
		json_t *cs;

		if (!table)
			table = json_string_value(json_object_get(entry, "table"));
		if (!table || !engine_find_table(eng, table)) {
			/* wrapped, a few names per line */
			strbuf_addf(&missing, "%s%s", nmissing == 0 ? "      " :
						       nmissing % 8 ? ", " : ",\n      ",
				    table ? table : "?");
			nmissing++;
			continue;
		}
		t.table = table;
		t.schema_cols = schema_columns(schema, table);
		fixture_setup(table, &fx);
		json_array_foreach(json_object_get(entry, "cases"), c, cs) {
			stub = stub && json_is_true(json_object_get(cs, "stub"));
			run_case(&t, cs, &fx);
		}
		fixture_teardown(&fx);
		if (t.nfail) {
			nfailed++;
			print_message("  FAIL %-24s %zu failure(s), %zu rows checked\n", table,
				      t.nfail, t.rows_checked);
			print_lines(t.msgs.buf);
			if (t.nmsg > MAX_MESSAGES)
				print_message("      ... and %zu more\n", t.nmsg - MAX_MESSAGES);
		} else {
			npass++;
			if (stub)
				print_message("  pass %-24s stub: queries succeed (%zu rows)\n", table,
					      t.rows_seen);
			else if (t.rows_seen == 0)
				print_message("  pass %-24s no data on this machine\n", table);
			else
				print_message("  pass %-24s %zu rows checked\n", table,
					      t.rows_checked);
		}
		print_lines(t.notes.buf);
		strbuf_release(&t.msgs);
		strbuf_release(&t.notes);
	}
	print_message("  not in spoor yet (%zu tables):\n", nmissing);
	print_lines(missing.buf);
	print_message("osquery table tests: %zu passed, %zu failed\n", npass, nfailed);
	strbuf_release(&missing);
	json_decref(schema);
	json_decref(tests);
	engine_free(eng);
	free(schema_path);
	free(tests_path);
	if (nfailed)
		fail_msg("%zu table(s) failed osquery's validators (listed above)", nfailed);
}

/* The validators must be able to fail, with osquery's exact quirks. */
static void test_value_validators(void **state)
{
	(void)state;
	assert_true(check_flags("42", V_INT));
	assert_false(check_flags("", V_INT));
	assert_false(check_flags("4x", V_INT));
	/* NonNegativeInt carries the EmptyOk bit: "" passes, -1 does not */
	assert_true(check_flags("", V_NONNEG_INT));
	assert_false(check_flags("-1", V_NONNEG_INT));
	assert_true(check_flags("-1", V_NONNEG_OR_ERR_INT));
	assert_false(check_flags("-2", V_NONNEG_OR_ERR_INT));
	assert_true(check_flags("null", V_NONNEG_OR_ERR_INT));
	assert_false(check_flags("", V_NONNEG_OR_ERR_INT));
	assert_false(check_flags("null", V_NONEMPTY_STRING));
	assert_false(check_flags("", V_NONEMPTY_STRING));
	assert_true(check_flags("x", V_NONEMPTY_STRING));
	assert_true(check_flags("", V_INT_OR_EMPTY));
	assert_false(check_flags("abc", V_INT_OR_EMPTY));
	assert_true(check_flags("1", V_BOOL));
	assert_false(check_flags("2", V_BOOL));
	assert_true(check_flags("d41d8cd98f00b204e9800998ecf8427e", V_MD5));
	assert_false(check_flags("d41d8cd98f00b204e9800998ecf8427", V_MD5));
	assert_true(check_flags("/", V_DIR));
	assert_false(check_flags("/", V_FILE));
	assert_true(check_flags("3d1219c7-c4c5-404a-aa1f-6d2a48adfda4", V_UUID));
	assert_true(check_flags("{3d1219c7c4c5404aaa1f6d2a48adfda4}", V_UUID));
	assert_false(check_flags("3d1219c7-c4c5404a-aa1f-6d2a48adfda4", V_UUID));
	assert_false(check_flags("", V_UUID));
	assert_int_equal(parse_flags("Bool | EmptyOk"), V_BOOL | V_EMPTY_OK);
	assert_int_equal(parse_flags("Bogus"), -1);
	assert_true(valid_ip("10.0.0.1"));
	assert_true(valid_ip("fe80::1%eth0"));
	assert_false(valid_ip("10.0.0"));
	assert_true(valid_mac("00:1a:2B:3c:4d:5e"));
	assert_true(valid_mac("00-1a-2b-3c-4d-5e"));
	assert_false(valid_mac("00:1a:2b:3c:4d"));
	assert_true(cron_value("*/5", 0, 59, NULL));
	assert_true(cron_value("1,2,10-20", 0, 59, NULL));
	assert_false(cron_value("60", 0, 59, NULL));
	assert_false(cron_value("1-2-3", 0, 59, NULL));
	assert_false(cron_value("1,,2", 0, 59, NULL));
	assert_true(cron_value("mon-fri", 0, 7, NULL) == false);
}

static void test_expressions_and_assertions(void **state)
{
	struct test_rows first = { 0 };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct size_assert a;
	char n_uid[] = "uid", n_username[] = "username", v_uid[] = "1000", v_name[] = "alice";
	char *names[] = { n_uid, n_username };
	char *values[] = { v_uid, v_name };

	(void)state;
	first.nrows = 1;
	first.ncols = 2;
	first.names = names;
	first.values = values;
	assert_int_equal(eval_expression("std::string(\"select * from users where uid=\") + test_uid",
					 &first, NULL, &out, &err), 0);
	assert_string_equal(out.buf, "select * from users where uid=1000");
	strbuf_reset(&out);
	assert_int_equal(eval_expression("std::string(\"select * from users where username='\") "
					 "+ test_username + \"'\"",
					 &first, NULL, &out, &err), 0);
	assert_string_equal(out.buf, "select * from users where username='alice'");
	strbuf_reset(&out);
	assert_int_equal(eval_expression("\"a\" \"b\" + path_constraint", &first, NULL, &out, &err), -1);
	assert_int_equal(eval_expression("test_gid", &first, NULL, &out, &err), -1);

	assert_int_equal(parse_assert("ASSERT_GE(rows_uid.size(), 1ul)", &a), 0);
	assert_string_equal(a.var, "rows_uid");
	assert_false(assert_holds(&a, 0));
	assert_true(assert_holds(&a, 1));
	assert_int_equal(parse_assert("ASSERT_EQ(data.size(), 1ul)", &a), 0);
	assert_false(assert_holds(&a, 2));
	assert_int_equal(parse_assert("EXPECT_GT(data.size(), 0U)", &a), 0);
	assert_false(assert_holds(&a, 0));
	assert_int_equal(parse_assert("ASSERT_FALSE(data_newgrp.empty())", &a), 0);
	assert_string_equal(a.var, "data_newgrp");
	assert_false(assert_holds(&a, 0));
	assert_int_equal(parse_assert("EXPECT_TRUE(data.empty())", &a), 0);
	assert_true(assert_holds(&a, 0));
	assert_int_equal(parse_assert("EXPECT_EQ(addresses.size(), rows.size())", &a), -1);
	assert_int_equal(parse_assert("ASSERT_FALSE(value.empty()) << x", &a), -1);
	strbuf_release(&out);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_validators),
		cmocka_unit_test(test_expressions_and_assertions),
		cmocka_unit_test(test_osquery_table_tests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
