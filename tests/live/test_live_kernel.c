/*
 * test_live_kernel.c - kernel_modules, system_controls and mounts
 * against independent tools on this host, at the same moment:
 *   - kernel_modules against lsmod (kmod): name, size and the set of
 *     users of every module, in order; on a kernel without
 *     /proc/modules, lsmod must fail and the table be empty;
 *   - system_controls against `sysctl -a` (procps), run before and after
 *     the query: every key sysctl prints is a row, and its value matches
 *     whenever sysctl printed the same value both times; rows sysctl
 *     does not print are write-only (NULL), unreadable ('') or keys
 *     procps deliberately hides; name = and subsystem = give the rows a
 *     scan gives;
 *   - mounts against `findmnt --mtab` (util-linux, the same
 *     /proc/self/mounts through libmount): device, path, type and flags
 *     of every row in order; blocks_size, blocks and inodes against
 *     `stat -f` (coreutils' statfs) of each mount point; device_alias
 *     against `realpath -e`.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"
#include "xalloc.h"

/* attempts at catching a mount table that holds still */
#define MOUNT_TRIES 5

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected (independent tool)\n%s--- spoor\n%s", what,
			 expected, got);
}

/* Shell-quotes s into sb ('...' with ' as '\''). */
static void shell_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

/* ------------------------------------------------------------------ */
/* kernel_modules vs lsmod */

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a,b,c" (or "-", or "") as a sorted comma list, for set comparison. */
static char *sorted_list(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	char *copy = strdup(s), *save = NULL, *items[4096];
	size_t n = 0;

	for (char *t = strtok_r(copy, ",", &save); t && n < 4096; t = strtok_r(NULL, ",", &save))
		if (strcmp(t, "-") != 0 && strcmp(t, "[permanent]") != 0)
			items[n++] = t;
	qsort(items, n, sizeof(*items), cmp_cstr);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", items[i]);
	free(copy);
	return strbuf_detach(&sb, NULL);
}

static void kernel_modules_match_lsmod(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf expected = STRBUF_INIT, got = STRBUF_INIT;
	struct test_rows rows;
	char *out, *save = NULL;
	bool header = true;

	(void)state;
	if (access("/proc/modules", F_OK) != 0) {
		/* a kernel without loadable modules: lsmod cannot list
		 * any, and the table is empty, not an error */
		out = test_run("lsmod >/dev/null 2>&1; echo $?");
		assert_string_not_equal(out, "0\n");
		free(out);
		test_query_ok(eng, "SELECT * FROM kernel_modules", &rows);
		assert_int_equal(rows.nrows, 0);
		test_rows_free(&rows);
		print_message("  no /proc/modules on this host: lsmod fails, table empty\n");
		engine_free(eng);
		return;
	}

	out = test_run("lsmod");
	test_query_ok(eng, "SELECT name, size, used_by FROM kernel_modules", &rows);
	/* "Module  Size  Used by" then "name size count [user,user]" */
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[256], users[8192] = "";
		unsigned long long size;
		int count;
		char *sorted;

		if (header) {
			header = false;
			continue;
		}
		if (sscanf(line, "%255s %llu %d %8191s", name, &size, &count, users) < 3)
			fail_msg("lsmod line not understood: %s", line);
		sorted = sorted_list(users);
		strbuf_addf(&expected, "%s|%llu|%s\n", name, size, sorted);
		free(sorted);
	}
	for (size_t r = 0; r < rows.nrows; r++) {
		char *sorted = sorted_list(test_get(&rows, r, "used_by"));

		strbuf_addf(&got, "%s|%s|%s\n", test_get(&rows, r, "name"),
			    test_get(&rows, r, "size"), sorted);
		free(sorted);
	}
	assert_same("kernel_modules vs lsmod", expected.buf, got.buf);
	test_rows_free(&rows);
	free(out);
	strbuf_release(&expected);
	strbuf_release(&got);
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* system_controls vs sysctl -a */

struct kv {
	char *key;
	char *value;
};

struct kv_list {
	struct kv *v;
	size_t n;
};

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

static const struct kv *kv_find(const struct kv_list *l, const char *key)
{
	char *copy = strdup(key);
	struct kv probe = { .key = copy };
	const struct kv *hit = l->n ? bsearch(&probe, l->v, l->n, sizeof(*l->v), cmp_kv) : NULL;

	free(copy);
	return hit;
}

static void kv_free(struct kv_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

/*
 * `sysctl -a` prints "key = value" per line, the value's lines each on
 * a line of their own with the key repeated, and a key whose component
 * holds a '.' with that '.' as '/'. Back to osquery's form: '/' -> '.',
 * repeated keys joined with '\n', the value trimmed.
 */
static void sysctl_snapshot(struct kv_list *l)
{
	char *out = test_run("sysctl -a 2>/dev/null"), *save = NULL;
	size_t alloc = 0;

	memset(l, 0, sizeof(*l));
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strstr(line, " = ");
		struct kv *last = l->n ? &l->v[l->n - 1] : NULL;
		char *key, *value;

		if (!eq) {
			/* a value line without " = " (an empty value prints
			 * "key = ") */
			continue;
		}
		*eq = '\0';
		key = strdup(line);
		value = strdup(eq + 3);
		for (char *p = key; *p; p++)
			if (*p == '/')
				*p = '.';
		if (last && strcmp(last->key, key) == 0) {
			size_t len = strlen(last->value) + strlen(value) + 2;
			char *joined = malloc(len);

			snprintf(joined, len, "%s\n%s", last->value, value);
			free(last->value);
			last->value = joined;
			free(key);
			free(value);
			continue;
		}
		if (l->n == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			l->v = realloc(l->v, alloc * sizeof(*l->v));
		}
		l->v[l->n++] = (struct kv){ .key = key, .value = value };
	}
	for (size_t i = 0; i < l->n; i++)
		trim(l->v[i].value);
	qsort(l->v, l->n, sizeof(*l->v), cmp_kv);
	free(out);
}

/* Keys procps's sysctl hides on purpose (sysctl.c: deprecated and
 * write-only-on-purpose entries). */
static bool procps_hides(const char *name)
{
	const char *last = strrchr(name, '.');

	last = last ? last + 1 : name;
	return strcmp(last, "base_reachable_time") == 0 || strcmp(last, "retrans_time") == 0;
}

#define SYSCTL_ROUNDS 3
#define VERDICTS_MAX 65536

/* One control over the rounds of system_controls_match_sysctl. */
struct verdict {
	char *name;
	int equal;	 /* rounds where sysctl held still and agreed */
	int unequal;	 /* rounds where sysctl held still and disagreed */
	char *last_diff; /* the last disagreement, for the message */
};

static int cmp_verdict(const void *a, const void *b)
{
	return strcmp(((const struct verdict *)a)->name, ((const struct verdict *)b)->name);
}

/*
 * One round: sysctl -a, the query, sysctl -a. Counters such as
 * fs.dentry-state move all the time and may even come back to the value
 * sysctl printed first, so a value is judged over several rounds: it
 * fails only when, in no round, it equalled what sysctl printed twice.
 */
static void sysctl_round(struct engine *eng, struct verdict *v, size_t *nv, bool first)
{
	struct kv_list before, after;
	struct test_rows rows;

	sysctl_snapshot(&before);
	test_query_ok(eng, "SELECT name, subsystem, current_value, type, oid FROM system_controls",
		      &rows);
	sysctl_snapshot(&after);
	assert_true(before.n > 100);

	if (first) {
		/* the controls both sysctl snapshots print */
		for (size_t r = 0; r < rows.nrows && *nv < VERDICTS_MAX; r++) {
			const char *name = test_get(&rows, r, "name");

			if (kv_find(&before, name) && kv_find(&after, name))
				v[(*nv)++] = (struct verdict){ .name = strdup(name) };
		}
		qsort(v, *nv, sizeof(*v), cmp_verdict);
		/* every key sysctl prints (twice) is a row of ours */
		for (size_t i = 0; i < before.n; i++) {
			bool found = false;

			for (size_t r = 0; r < rows.nrows && !found; r++)
				found = strcmp(test_get(&rows, r, "name"), before.v[i].key) == 0;
			if (!found && kv_find(&after, before.v[i].key))
				fail_msg("sysctl -a lists %s, system_controls does not",
					 before.v[i].key);
		}
	}
	for (size_t r = 0; r < rows.nrows; r++) {
		const char *name = test_get(&rows, r, "name");
		const char *value = test_get(&rows, r, "current_value");
		const struct kv *b = kv_find(&before, name), *a = kv_find(&after, name);
		const char *dot = strchr(name, '.');
		struct verdict probe, *hit;

		assert_string_equal(test_get(&rows, r, "type"), "string");
		assert_null(test_get(&rows, r, "oid"));
		assert_non_null(dot);
		if (strncmp(test_get(&rows, r, "subsystem"), name, (size_t)(dot - name)) != 0)
			fail_msg("%s: subsystem %s", name, test_get(&rows, r, "subsystem"));
		if (!b || !a) {
			/* not printed by sysctl: write-only (NULL), a read
			 * error such as an unset stable_secret (''), or a
			 * key procps hides */
			if (value && *value && !procps_hides(name))
				fail_msg("%s = '%s' is not in sysctl -a", name, value);
			continue;
		}
		probe.name = strdup(name);
		hit = bsearch(&probe, v, *nv, sizeof(*v), cmp_verdict);
		free(probe.name);
		if (!hit || strcmp(a->value, b->value) != 0)
			continue; /* changed while we looked */
		if (value && strcmp(value, b->value) == 0) {
			hit->equal++;
		} else {
			struct strbuf msg = STRBUF_INIT;

			strbuf_addf(&msg, "%s: sysctl -a says '%s', spoor '%s'", name, b->value,
				    value ? value : "NULL");
			free(hit->last_diff);
			hit->last_diff = strbuf_detach(&msg, NULL);
			hit->unequal++;
		}
	}
	test_rows_free(&rows);
	kv_free(&before);
	kv_free(&after);
}


/*
 * Counters of the whole system that count the reader's own objects too:
 * the dentries, inodes and open files of the process reading them, so
 * sysctl and spoor see them differ by their own share every time.
 */
static bool reader_dependent(const char *name)
{
	static const char *const names[] = {
		"fs.dentry-state", "fs.inode-nr", "fs.inode-state", "fs.file-nr",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static void system_controls_match_sysctl(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct verdict *v = calloc(VERDICTS_MAX, sizeof(*v));
	size_t nv = 0, equal = 0, never_still = 0;

	(void)state;
	for (int round = 0; round < SYSCTL_ROUNDS; round++)
		sysctl_round(eng, v, &nv, round == 0);
	for (size_t i = 0; i < nv; i++) {
		if (v[i].equal)
			equal++;
		else if (reader_dependent(v[i].name))
			never_still++;
		else if (v[i].unequal)
			fail_msg("%s (in %d of %d rounds)", v[i].last_diff, v[i].unequal,
				 SYSCTL_ROUNDS);
		else
			never_still++;
		free(v[i].name);
		free(v[i].last_diff);
	}
	print_message("  %zu values equal to sysctl -a, %zu never held still or count "
		      "the reader\n",
		      equal,
		      never_still);
	assert_true(equal > 100);
	free(v);
	engine_free(eng);
}

/* name = / IN and subsystem = find what the scan finds. */
static void system_controls_pushdown_matches_scan(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct test_rows all, subs;
	size_t checked = 0;

	(void)state;
	test_query_ok(eng, "SELECT name, subsystem, config_value FROM system_controls", &all);
	assert_true(all.nrows > 100);
	for (size_t r = 0; r < all.nrows; r += 7) {
		const char *name = test_get(&all, r, "name");
		struct strbuf sql = STRBUF_INIT, expected = STRBUF_INIT;
		char *got;

		if (strchr(name, '\''))
			continue;
		/* every scan row of that name (a component with a dot can
		 * make two files share one) */
		for (size_t k = 0; k < all.nrows; k++) {
			const char *cv = test_get(&all, k, "config_value");

			if (strcmp(test_get(&all, k, "name"), name) == 0)
				strbuf_addf(&expected, "%s|%s|%s\n", name,
					    test_get(&all, k, "subsystem"), cv ? cv : "NULL");
		}
		strbuf_addf(&sql,
			    "SELECT name, subsystem, config_value FROM system_controls "
			    "WHERE name = '%s'",
			    name);
		got = test_query_text(eng, sql.buf);
		assert_same(sql.buf, expected.buf, got);
		free(got);
		strbuf_release(&sql);
		strbuf_release(&expected);
		checked++;
	}
	assert_true(checked > 10);

	test_query_ok(eng, "SELECT subsystem, count(*) AS n FROM system_controls GROUP BY subsystem",
		      &subs);
	for (size_t r = 0; r < subs.nrows; r++) {
		struct strbuf sql = STRBUF_INIT, expected = STRBUF_INIT;
		char *got;

		strbuf_addf(&sql, "SELECT count(*) FROM system_controls WHERE subsystem = '%s'",
			    test_get(&subs, r, "subsystem"));
		strbuf_addf(&expected, "%s\n", test_get(&subs, r, "n"));
		got = test_query_text(eng, sql.buf);
		assert_same(sql.buf, expected.buf, got);
		free(got);
		strbuf_release(&sql);
		strbuf_release(&expected);
	}
	test_rows_free(&subs);
	test_rows_free(&all);
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* mounts vs findmnt, stat -f, realpath */

/* findmnt -r writes unsafe bytes as \xHH. */
static void unhex(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && isxdigit((unsigned char)s[2]) &&
		    isxdigit((unsigned char)s[3])) {
			char hex[3] = { s[2], s[3], '\0' };

			*w++ = (char)strtol(hex, NULL, 16);
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

static char *findmnt_rows(void)
{
	char *out = test_run("findmnt --mtab --nofsroot -rn -o SOURCE,TARGET,FSTYPE,OPTIONS");
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *s2 = NULL;
		int n = 0;

		for (char *t = strtok_r(line, " ", &s2); t && n < 4; t = strtok_r(NULL, " ", &s2))
			f[n++] = t;
		if (n != 4)
			fail_msg("findmnt line not understood");
		for (int i = 0; i < 4; i++)
			unhex(f[i]);
		strbuf_addf(&sb, "%s|%s|%s|%s\n", f[0], f[1], f[2], f[3]);
	}
	free(out);
	return strbuf_detach(&sb, NULL);
}

static void mounts_match_findmnt(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *last_expected = NULL, *last_got = NULL;
	int tries;

	(void)state;
	/* other tests mount in namespaces of their own; a mount can come and
	 * go between the two findmnt runs and spoor's read, so a mismatch
	 * only counts when it repeats on every try */
	for (tries = 0; tries < MOUNT_TRIES; tries++) {
		char *before = findmnt_rows();
		char *got = test_query_text(eng, "SELECT device, path, type, flags FROM mounts");
		char *after = findmnt_rows();
		bool same = strcmp(before, after) == 0 && strcmp(before, got) == 0;

		free(last_expected);
		free(last_got);
		last_expected = before;
		last_got = got;
		free(after);
		if (same)
			break;
		usleep(100000);
	}
	if (tries == MOUNT_TRIES)
		assert_same("mounts vs findmnt --mtab (on every try)", last_expected, last_got);
	free(last_expected);
	free(last_got);
	engine_free(eng);
}

static void mounts_statfs_match_stat(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct test_rows rows;
	size_t compared = 0;

	(void)state;
	test_query_ok(eng,
		      "SELECT device, device_alias, path, type, blocks_size, blocks, blocks_free, "
		      "blocks_available, inodes, inodes_free FROM mounts",
		      &rows);
	assert_true(rows.nrows > 0);
	for (size_t r = 0; r < rows.nrows; r++) {
		const char *device = test_get(&rows, r, "device");
		const char *path = test_get(&rows, r, "path");
		struct strbuf cmd = STRBUF_INIT, expected = STRBUF_INIT, got = STRBUF_INIT;
		char *out;

		if (strcmp(test_get(&rows, r, "type"), "autofs") == 0 || strchr(path, '\n'))
			continue;
		/* %s f_bsize, %b f_blocks, %c f_files: totals, stable while
		 * the free counts move */
		strbuf_addstr(&cmd, "stat -f -c '%s|%b|%c' -- ");
		shell_quote(&cmd, path);
		strbuf_addstr(&cmd, " 2>/dev/null || echo 0\\|0\\|0");
		out = test_run(cmd.buf);
		strbuf_addstr(&expected, out);
		strbuf_addf(&got, "%s|%s|%s\n", test_get(&rows, r, "blocks_size"),
			    test_get(&rows, r, "blocks"), test_get(&rows, r, "inodes"));
		strbuf_reset(&cmd);
		strbuf_addf(&cmd, "statfs of %s", path);
		assert_same(cmd.buf, expected.buf, got.buf);
		free(out);
		out = NULL;
		if (strtoull(test_get(&rows, r, "blocks_free"), NULL, 10) <
		    strtoull(test_get(&rows, r, "blocks_available"), NULL, 10))
			fail_msg("%s: blocks_free < blocks_available", path);

		/* device_alias: realpath -e of an absolute device, else the
		 * device itself */
		strbuf_reset(&expected);
		if (device[0] == '/') {
			strbuf_reset(&cmd);
			strbuf_addstr(&cmd, "realpath -e -- ");
			shell_quote(&cmd, device);
			strbuf_addstr(&cmd, " 2>/dev/null || true");
			out = test_run(cmd.buf);
			if (*out)
				strbuf_addstr(&expected, out);
		}
		if (!expected.len)
			strbuf_addf(&expected, "%s\n", device);
		strbuf_reset(&got);
		strbuf_addf(&got, "%s\n", test_get(&rows, r, "device_alias"));
		assert_same("device_alias vs realpath -e", expected.buf, got.buf);
		free(out);
		strbuf_release(&cmd);
		strbuf_release(&expected);
		strbuf_release(&got);
		compared++;
	}
	assert_true(compared > 0);
	test_rows_free(&rows);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_modules_match_lsmod),
		cmocka_unit_test(system_controls_match_sysctl),
		cmocka_unit_test(system_controls_pushdown_matches_scan),
		cmocka_unit_test(mounts_match_findmnt),
		cmocka_unit_test(mounts_statfs_match_stat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
