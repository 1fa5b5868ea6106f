/*
 * main.c - the spoor program: parses osquery-style flags, opens the
 * engine and dispatches to one command.
 *
 * Commands are a table (see app.h for how to add one). The first
 * command whose selector matches runs; the last one, the shell, always
 * matches.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "err.h"
#include "log.h"
#include "registry.h"
#include "banned.h"

const struct flag_def spoor_flag_defs[] = {
	{ "A", FLAG_STRING, FLAG_SHELL, "", "Select all from a table" },
	{ "L", FLAG_BOOL, FLAG_SHELL, "false", "List all table names" },
	{ "augeas_lenses", FLAG_STRING, FLAG_ANY, "/usr/share/augeas/lenses/dist",
	  "Directory that contains augeas lenses files" },
	{ "csv", FLAG_BOOL, FLAG_SHELL, "false", "Set output mode to 'csv'" },
	{ "header", FLAG_BOOL, FLAG_SHELL, "true", "Toggle column headers true/false" },
	{ "help", FLAG_BOOL, FLAG_CLI, "false", "Show this help and exit" },
	{ "json", FLAG_BOOL, FLAG_SHELL, "false", "Set output mode to 'json'" },
	{ "line", FLAG_BOOL, FLAG_SHELL, "false", "Set output mode to 'line'" },
	{ "list", FLAG_BOOL, FLAG_SHELL, "false", "Set output mode to 'list'" },
	{ "nullvalue", FLAG_STRING, FLAG_ANY, "", "Set string for NULL values, default ''" },
	{ "query", FLAG_STRING, FLAG_SHELL, "", "Execute a single SQL query and exit" },
	{ "separator", FLAG_STRING, FLAG_SHELL, "|", "Set output field separator, default '|'" },
	{ "sysroot", FLAG_STRING, FLAG_CLI, "/",
	  "Read /proc, /sys and /etc under this directory (a captured tree, a mounted image)" },
	{ "table_docs", FLAG_BOOL, FLAG_CLI, "false",
	  "Print the table reference (docs/tables.md) and exit" },
	{ "verbose", FLAG_BOOL, FLAG_ANY, "false", "Enable verbose informational messages" },
	{ "version", FLAG_BOOL, FLAG_CLI, "false", "Print the version and exit" },
};
const size_t spoor_flag_defs_count = ARRAY_SIZE(spoor_flag_defs);

static bool want_docs(const struct app *app, int argc)
{
	(void)argc;
	return flags_get_bool(&app->flags, "table_docs");
}

static bool want_query(const struct app *app, int argc)
{
	return argc > 1 || *flags_get(&app->flags, "query") || *flags_get(&app->flags, "A") ||
	       flags_get_bool(&app->flags, "L") || !isatty(STDIN_FILENO);
}

static bool always(const struct app *app, int argc)
{
	(void)app;
	(void)argc;
	return true;
}

static const struct command {
	const char *name;
	int (*fn)(struct app *app, int argc, char **argv);
	bool (*select)(const struct app *app, int argc);
	const char *help;
} commands[] = {
	{ "table-docs", cmd_table_docs, want_docs, "print docs/tables.md from the table specs" },
	{ "query", cmd_query, want_query, "run SQL given as arguments, by flag or on stdin" },
	{ "shell", cmd_shell, always, "interactive shell on a terminal" },
};

static void usage(FILE *fp)
{
	fprintf(fp, "Usage: spoor [OPTION...] [SQL_COMMAND]\n\n"
		    "spoor exposes this host as a relational database (osquery compatible).\n\n"
		    "Modes:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(fp, "\nFlags:\n");
	for (size_t i = 0; i < spoor_flag_defs_count; i++) {
		const struct flag_def *d = &spoor_flag_defs[i];

		fprintf(fp, "  --%-14s %s%s%s%s\n", d->name, d->help,
			d->type == FLAG_BOOL ? "" : " (default '",
			d->type == FLAG_BOOL ? "" : d->def, d->type == FLAG_BOOL ? "" : "')");
	}
}

static int setup_output(struct app *app)
{
	const struct flags *fl = &app->flags;
	const char *sep = flags_get(fl, "separator");
	const char *nullv = flags_get(fl, "nullvalue");
	enum output_mode mode = OUT_PRETTY;

	if (flags_get_bool(fl, "json"))
		mode = OUT_JSON;
	else if (flags_get_bool(fl, "csv"))
		mode = OUT_CSV;
	else if (flags_get_bool(fl, "line"))
		mode = OUT_LINE;
	else if (flags_get_bool(fl, "list"))
		mode = OUT_LIST;
	output_init(&app->out, mode, stdout);
	app->out.headers = flags_get_bool(fl, "header");
	if (mode == OUT_CSV && !flags_is_set(fl, "separator"))
		sep = ",";
	if (strlen(sep) >= sizeof(app->out.separator) ||
	    strlen(nullv) >= sizeof(app->out.nullvalue)) {
		fprintf(stderr, "spoor: --separator or --nullvalue too long\n");
		return -SPOOR_EUSAGE;
	}
	memcpy(app->out.separator, sep, strlen(sep) + 1);
	memcpy(app->out.nullvalue, nullv, strlen(nullv) + 1);
	return 0;
}

int main(int argc, char **argv)
{
	struct app app = { 0 };
	struct strbuf err = STRBUF_INIT;
	struct engine_opts opts;
	int r, nargs;

	/* a closed pipe (spoor ... | head) is an exit, not a crash */
	signal(SIGPIPE, SIG_IGN);
	/* results to a file or pipe go out in 64 KiB writes, not 4 KiB ones */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, (size_t)64 << 10);
	if (engine_global_init() < 0) {
		fprintf(stderr, "spoor: cannot initialize SQLite\n");
		return 1;
	}
	flags_init(&app.flags, spoor_flag_defs, spoor_flag_defs_count);
	r = flags_parse_argv(&app.flags, argc, argv, &nargs, &err);
	if (r < 0) {
		fprintf(stderr, "spoor: %s\n", err.buf);
		fprintf(stderr, "Try 'spoor --help' for the list of flags.\n");
		r = 1;
		goto out;
	}
	if (flags_get_bool(&app.flags, "help")) {
		usage(stdout);
		r = 0;
		goto out;
	}
	if (flags_get_bool(&app.flags, "version")) {
		printf("spoor version %s\n", SPOOR_VERSION);
		r = 0;
		goto out;
	}
	if (flags_get_bool(&app.flags, "verbose"))
		spoor_log_level = LOG_LVL_INFO;
	if (setup_output(&app) < 0) {
		r = 1;
		goto out;
	}
	opts = (struct engine_opts){
		.root = flags_get(&app.flags, "sysroot"),
		.flags = &app.flags,
		.tables = spoor_table_specs,
		.ntables = spoor_table_specs_count,
	};
	r = engine_open(&app.eng, &opts, &err);
	if (r < 0) {
		fprintf(stderr, "spoor: %s\n", err.buf);
		r = 1;
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (commands[i].select(&app, nargs)) {
			r = commands[i].fn(&app, nargs, argv);
			break;
		}
	}
	if (r == -EPIPE)
		r = 0; /* the reader went away: not our failure */
	else
		r = (r < 0 || app.failed) ? 1 : 0;
out:
	engine_free(app.eng);
	output_release(&app.out);
	flags_release(&app.flags);
	strbuf_release(&err);
	return r;
}
