/*
 * test_flags.c - the flag registry (lib/flags.h).
 *
 * Command-line forms as gflags accepts them (--x=y, --x y, -x=y; for
 * booleans --x, --nox, --x=true|false|1|0), positional arguments kept
 * in order and "--" ending the flags, typed values checked, defaults
 * versus set values, and the error messages: unknown flag with and
 * without a "did you mean" suggestion, missing value, bad value.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "flags.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const struct flag_def defs[] = {
	{ "verbose", FLAG_BOOL, FLAG_ANY, "false", "Enable verbose messages" },
	{ "header", FLAG_BOOL, FLAG_SHELL, "true", "Print headers" },
	{ "separator", FLAG_STRING, FLAG_SHELL, "|", "Field separator" },
	{ "config_path", FLAG_STRING, FLAG_CLI, "/etc/osquery/osquery.conf", "Config file" },
	{ "schedule_splay_percent", FLAG_INT, FLAG_ANY, "10", "Splay percent" },
};

struct parsed {
	struct flags fl;
	struct strbuf err;
	int argc;
	int r;
	char *argv[16];
};

/* Parses a NULL-terminated list of arguments after a program name. */
static void parse(struct parsed *p, ...)
{
	va_list ap;
	const char *a;
	int n = 0;

	memset(p, 0, sizeof(*p));
	strbuf_init(&p->err, 0);
	flags_init(&p->fl, defs, ARRAY_SIZE(defs));
	p->argv[n++] = (char *)(uintptr_t)"spoor";
	va_start(ap, p);
	while ((a = va_arg(ap, const char *)) != NULL && n < 15)
		p->argv[n++] = (char *)(uintptr_t)a;
	va_end(ap);
	p->argv[n] = NULL;
	p->argc = n;
	p->r = flags_parse_argv(&p->fl, n, p->argv, &p->argc, &p->err);
}

static void done(struct parsed *p)
{
	flags_release(&p->fl);
	strbuf_release(&p->err);
}

static void test_defaults(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, NULL);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.argc, 1);
	assert_string_equal(flags_get(&p.fl, "separator"), "|");
	assert_false(flags_get_bool(&p.fl, "verbose"));
	assert_true(flags_get_bool(&p.fl, "header"));
	assert_int_equal(flags_get_int(&p.fl, "schedule_splay_percent"), 10);
	assert_false(flags_is_set(&p.fl, "separator"));
	assert_null(flags_get(&p.fl, "nonexistent"));
	assert_false(flags_is_set(&p.fl, "nonexistent"));
	assert_non_null(flags_find(&p.fl, "header", 6));
	assert_null(flags_find(&p.fl, "head", 4));
	/* a length-bounded name: "headerX" cut to 6 bytes is "header" */
	assert_non_null(flags_find(&p.fl, "headerX", 6));
	done(&p);
}

static void test_value_forms(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--separator=,", "--config_path", "/tmp/c.conf", "-schedule_splay_percent=25",
	      NULL);
	assert_int_equal(p.r, 0);
	assert_string_equal(flags_get(&p.fl, "separator"), ",");
	assert_string_equal(flags_get(&p.fl, "config_path"), "/tmp/c.conf");
	assert_int_equal(flags_get_int(&p.fl, "schedule_splay_percent"), 25);
	assert_true(flags_is_set(&p.fl, "separator"));
	assert_int_equal(p.argc, 1);
	done(&p);

	/* "=" inside the value, an empty value, a value that looks like a flag */
	parse(&p, "--config_path=a=b", "--separator=", NULL);
	assert_int_equal(p.r, 0);
	assert_string_equal(flags_get(&p.fl, "config_path"), "a=b");
	assert_string_equal(flags_get(&p.fl, "separator"), "");
	assert_true(flags_is_set(&p.fl, "separator"));
	done(&p);
	parse(&p, "--separator", "--verbose", NULL);
	assert_int_equal(p.r, 0);
	assert_string_equal(flags_get(&p.fl, "separator"), "--verbose");
	assert_false(flags_get_bool(&p.fl, "verbose"));
	done(&p);

	/* the last occurrence wins */
	parse(&p, "--separator=a", "--separator=b", NULL);
	assert_string_equal(flags_get(&p.fl, "separator"), "b");
	done(&p);
}

static void test_bool_forms(void **state)
{
	static const struct {
		const char *arg;
		bool want;
	} cases[] = {
		{ "--verbose", true },        { "--verbose=true", true },
		{ "--verbose=1", true },      { "--verbose=false", false },
		{ "--verbose=0", false },     { "--noverbose", false },
		{ "-verbose", true },         { "--verbose=yes", true },
		{ "--verbose=no", false },
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		parse(&p, cases[i].arg, NULL);
		if (p.r != 0)
			fail_msg("%s: %s", cases[i].arg, p.err.buf);
		assert_true(flags_is_set(&p.fl, "verbose"));
		if (flags_get_bool(&p.fl, "verbose") != cases[i].want)
			fail_msg("%s: got %s", cases[i].arg, flags_get(&p.fl, "verbose"));
		/* the stored value is normalized */
		assert_string_equal(flags_get(&p.fl, "verbose"), cases[i].want ? "true" : "false");
		done(&p);
	}
	/* --noheader turns off a flag that defaults to true */
	parse(&p, "--noheader", NULL);
	assert_int_equal(p.r, 0);
	assert_false(flags_get_bool(&p.fl, "header"));
	done(&p);
	/* a boolean never takes the next argument as its value */
	parse(&p, "--verbose", "false", NULL);
	assert_int_equal(p.r, 0);
	assert_true(flags_get_bool(&p.fl, "verbose"));
	assert_int_equal(p.argc, 2);
	assert_string_equal(p.argv[1], "false");
	done(&p);
}

static void test_positional(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "select 1", "--verbose", "-", "select 2", "--", "--separator=x", "--bogus", NULL);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.argc, 6);
	assert_string_equal(p.argv[1], "select 1");
	assert_string_equal(p.argv[2], "-"); /* a lone dash is positional */
	assert_string_equal(p.argv[3], "select 2");
	/* after "--" everything is positional, even unknown flags */
	assert_string_equal(p.argv[4], "--separator=x");
	assert_string_equal(p.argv[5], "--bogus");
	assert_true(flags_get_bool(&p.fl, "verbose"));
	assert_false(flags_is_set(&p.fl, "separator"));
	done(&p);
}

static void test_unknown_flags(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--verbos", NULL);
	assert_int_equal(p.r, -ENOENT);
	assert_string_equal(p.err.buf, "unknown flag --verbos (did you mean --verbose?)");
	done(&p);

	parse(&p, "--seperator=,", NULL);
	assert_int_equal(p.r, -ENOENT);
	assert_string_equal(p.err.buf, "unknown flag --seperator (did you mean --separator?)");
	done(&p);

	/* nothing within edit distance 3: no suggestion */
	parse(&p, "--frobnicate", NULL);
	assert_int_equal(p.r, -ENOENT);
	assert_string_equal(p.err.buf, "unknown flag --frobnicate");
	done(&p);

	/* --no only negates booleans */
	parse(&p, "--noseparator", NULL);
	assert_int_equal(p.r, -ENOENT);
	assert_non_null(strstr(p.err.buf, "unknown flag --noseparator"));
	done(&p);

	parse(&p, "--no", NULL);
	assert_int_equal(p.r, -ENOENT);
	done(&p);

	/* flags_set reports the same way */
	parse(&p, NULL);
	assert_int_equal(flags_set(&p.fl, "headr", "true", &p.err), -ENOENT);
	assert_string_equal(p.err.buf, "unknown flag --headr (did you mean --header?)");
	assert_string_equal(flags_suggest(&p.fl, "config_pth", 10), "config_path");
	assert_null(flags_suggest(&p.fl, "zzzzzzzzzzz", 11));
	done(&p);
}

static void test_bad_values(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "--separator", NULL);
	assert_int_equal(p.r, -EINVAL);
	assert_string_equal(p.err.buf, "flag --separator needs a value");
	done(&p);

	parse(&p, "--schedule_splay_percent=ten", NULL);
	assert_int_equal(p.r, -EINVAL);
	assert_string_equal(p.err.buf, "flag --schedule_splay_percent takes an integer, not 'ten'");
	assert_false(flags_is_set(&p.fl, "schedule_splay_percent"));
	assert_int_equal(flags_get_int(&p.fl, "schedule_splay_percent"), 10);
	done(&p);

	parse(&p, "--schedule_splay_percent=", NULL);
	assert_int_equal(p.r, -EINVAL);
	done(&p);

	parse(&p, "--verbose=maybe", NULL);
	assert_int_equal(p.r, -EINVAL);
	assert_string_equal(p.err.buf, "flag --verbose takes true or false, not 'maybe'");
	assert_false(flags_is_set(&p.fl, "verbose"));
	done(&p);

	/* a bad value does not clobber an earlier good one */
	parse(&p, "--schedule_splay_percent=5", "--schedule_splay_percent=x", NULL);
	assert_int_equal(p.r, -EINVAL);
	assert_int_equal(flags_get_int(&p.fl, "schedule_splay_percent"), 5);
	done(&p);

	/* errors with err == NULL do not crash */
	{
		struct flags fl;
		char *argv[] = { NULL, NULL, NULL };
		char prog[] = "spoor", arg[] = "--bogus";
		int argc;

		argv[0] = prog;
		argv[1] = arg;
		flags_init(&fl, defs, ARRAY_SIZE(defs));
		assert_int_equal(flags_parse_argv(&fl, 2, argv, &argc, NULL), -ENOENT);
		assert_int_equal(flags_set(&fl, "verbose", "maybe", NULL), -EINVAL);
		flags_release(&fl);
		flags_release(&fl); /* idempotent */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_value_forms),
		cmocka_unit_test(test_bool_forms),
		cmocka_unit_test(test_positional),
		cmocka_unit_test(test_unknown_flags),
		cmocka_unit_test(test_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
