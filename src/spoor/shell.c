/*
 * shell.c - statement accumulation and meta commands, in the manner of
 * osqueryi (see shell.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "err.h"
#include "shell.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* A statement may not grow past this (a runaway paste, a binary file). */
#define SHELL_STATEMENT_MAX ((size_t)16 << 20)

void shell_init(struct shell *sh, struct app *app)
{
	memset(sh, 0, sizeof(*sh));
	sh->app = app;
	strbuf_init(&sh->pending, SHELL_STATEMENT_MAX);
}

void shell_release(struct shell *sh)
{
	strbuf_release(&sh->pending);
}

bool shell_continuing(const struct shell *sh)
{
	return sh->pending.len > 0;
}

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void cpu_times(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int shell_run_sql(struct shell *sh, const char *sql)
{
	struct app *app = sh->app;
	struct result_sink sink = output_sink(&app->out);
	struct strbuf err = STRBUF_INIT;
	double t0 = 0, u0 = 0, s0 = 0;
	int r;

	if (app->timer) {
		t0 = now_real();
		cpu_times(&u0, &s0);
	}
	r = engine_exec(app->eng, sql, &sink, &err);
	if (app->timer) {
		double u1, s1;

		cpu_times(&u1, &s1);
		fprintf(app->out.fp, "Run Time: real %.3f user %.6f sys %.6f\n", now_real() - t0,
			u1 - u0, s1 - s0);
	}
	if (r == -EPIPE || app->out.err == -EPIPE) {
		strbuf_release(&err);
		return -EPIPE;
	}
	if (r < 0) {
		fprintf(stderr, "Error: %s\n", err.len ? err.buf : spoor_strerror(r));
		app->failed = true;
	}
	strbuf_release(&err);
	return r < 0 ? r : 0;
}

/* ---- meta commands ---- */

static bool is_on(const char *v, bool *ret)
{
	if (!strcmp(v, "on") || !strcmp(v, "ON") || !strcmp(v, "1") || !strcmp(v, "true")) {
		*ret = true;
		return true;
	}
	if (!strcmp(v, "off") || !strcmp(v, "OFF") || !strcmp(v, "0") || !strcmp(v, "false")) {
		*ret = false;
		return true;
	}
	return false;
}

static int meta_tables(struct shell *sh, const char *arg)
{
	struct engine *eng = sh->app->eng;

	for (size_t i = 0; i < engine_ntables(eng); i++) {
		const struct table_spec *t = engine_table(eng, i);

		if (!arg || strncmp(t->name, arg, strlen(arg)) == 0)
			fprintf(sh->app->out.fp, "  => %s\n", t->name);
	}
	return 0;
}

static int meta_schema(struct shell *sh, const char *arg)
{
	struct engine *eng = sh->app->eng;
	struct strbuf ddl = STRBUF_INIT;
	bool any = false;

	for (size_t i = 0; i < engine_ntables(eng); i++) {
		const struct table_spec *t = engine_table(eng, i);

		if (arg && strncmp(t->name, arg, strlen(arg)) != 0)
			continue;
		strbuf_reset(&ddl);
		table_spec_ddl(t, &ddl);
		fprintf(sh->app->out.fp, "%s;\n", ddl.buf);
		any = true;
	}
	strbuf_release(&ddl);
	if (!any && arg) {
		fprintf(stderr, "Error: no table matches '%s'\n", arg);
		sh->app->failed = true;
	}
	return 0;
}

static void meta_help(FILE *fp)
{
	fputs("Welcome to the spoor shell. Please explore your host with SQL.\n"
	      "Meta commands:\n"
	      ".all [TABLE]       Select all from a table\n"
	      ".exit              Exit this program\n"
	      ".headers ON|OFF    Turn display of headers on or off\n"
	      ".help              Show this message\n"
	      ".mode MODE         Set output mode where MODE is one of:\n"
	      "                     pretty   Pretty printed SQL results (default)\n"
	      "                     json     An array of JSON objects, one per row\n"
	      "                     csv      Comma-separated values\n"
	      "                     line     One value per line\n"
	      "                     list     Values delimited by .separator string\n"
	      ".nullvalue STR     Use STRING in place of NULL values\n"
	      ".print STR...      Print literal STRING\n"
	      ".quit              Exit this program\n"
	      ".read FILE         Execute SQL and meta commands from FILE\n"
	      ".schema [TABLE]    Show the CREATE statements (of tables starting with TABLE)\n"
	      ".separator STR     Change separator used in list and csv modes\n"
	      ".tables [PREFIX]   List names of tables (starting with PREFIX)\n"
	      ".timer ON|OFF      Turn the CPU timer measurement on or off\n"
	      ".version           Show the spoor version\n",
	      fp);
}

static int meta_read(struct shell *sh, const char *path)
{
	FILE *fp;
	int r;

	if (sh->read_depth >= SHELL_READ_DEPTH_MAX) {
		fprintf(stderr, "Error: .read nested too deeply\n");
		sh->app->failed = true;
		return 0;
	}
	fp = fopen(path, "r");
	if (!fp) {
		fprintf(stderr, "Error: cannot open \"%s\": %s\n", path, strerror(errno));
		sh->app->failed = true;
		return 0;
	}
	{
		struct shell sub;

		shell_init(&sub, sh->app);
		sub.read_depth = sh->read_depth + 1;
		r = shell_run_stream(&sub, fp);
		if (sub.quit)
			sh->quit = true;
		shell_release(&sub);
	}
	fclose(fp);
	return r;
}

static int meta_command(struct shell *sh, const char *line)
{
	struct app *app = sh->app;
	struct span sp = span_cstr(line + 1), w;
	char cmd[32] = "", *arg = NULL;
	const char *rest;
	int r = 0;

	if (span_word(&sp, &w) == 0 && span_len(&w) < sizeof(cmd)) {
		memcpy(cmd, w.p, span_len(&w));
		cmd[span_len(&w)] = '\0';
	}
	span_trim(&sp);
	rest = span_empty(&sp) ? NULL : sp.p;
	if (rest)
		arg = xstrndup(rest, span_len(&sp));

	if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit") || !strcmp(cmd, "q")) {
		sh->quit = true;
	} else if (!strcmp(cmd, "help")) {
		meta_help(app->out.fp);
	} else if (!strcmp(cmd, "tables") || !strcmp(cmd, "table") || !strcmp(cmd, "list")) {
		r = meta_tables(sh, arg);
	} else if (!strcmp(cmd, "schema")) {
		r = meta_schema(sh, arg);
	} else if (!strcmp(cmd, "mode") && arg) {
		enum output_mode m;

		if (output_mode_parse(arg, &m) < 0) {
			fprintf(stderr, "Error: mode should be one of: pretty json csv line list\n");
			app->failed = true;
		} else {
			app->out.mode = m;
			if (m == OUT_CSV)
				memcpy(app->out.separator, ",", 2);
		}
	} else if (!strcmp(cmd, "mode")) {
		fprintf(app->out.fp, "current output mode: %s\n", output_mode_name(app->out.mode));
	} else if ((!strcmp(cmd, "headers") || !strcmp(cmd, "header")) && arg &&
		   is_on(arg, &app->out.headers)) {
		/* set */
	} else if (!strcmp(cmd, "timer") && arg && is_on(arg, &app->timer)) {
		/* set */
	} else if (!strcmp(cmd, "separator") && arg && strlen(arg) < sizeof(app->out.separator)) {
		memcpy(app->out.separator, arg, strlen(arg) + 1);
	} else if (!strcmp(cmd, "nullvalue") && arg && strlen(arg) < sizeof(app->out.nullvalue)) {
		memcpy(app->out.nullvalue, arg, strlen(arg) + 1);
	} else if (!strcmp(cmd, "all") && arg) {
		if (!engine_find_table(app->eng, arg)) {
			fprintf(stderr, "Error: no such table: %s\n", arg);
			app->failed = true;
		} else {
			struct strbuf q = STRBUF_INIT;

			strbuf_addf(&q, "SELECT * FROM \"%s\";", arg);
			r = shell_run_sql(sh, q.buf);
			strbuf_release(&q);
		}
	} else if (!strcmp(cmd, "read") && arg) {
		r = meta_read(sh, arg);
	} else if (!strcmp(cmd, "print")) {
		fprintf(app->out.fp, "%s\n", arg ? arg : "");
	} else if (!strcmp(cmd, "version")) {
		fprintf(app->out.fp, "spoor version %s (osquery %s compatible)\n", SPOOR_VERSION,
			"5.23.0");
	} else {
		fprintf(stderr, "Error: unknown command or invalid arguments: \"%s\". "
				"Enter \".help\" for help\n",
			cmd);
		app->failed = true;
	}
	free(arg);
	return r == -EPIPE ? r : 0;
}

int shell_feed_line(struct shell *sh, const char *line)
{
	struct span sp = span_cstr(line);
	int r;

	if (!shell_continuing(sh)) {
		span_skip_space(&sp);
		if (span_empty(&sp))
			return 0;
		if (*sp.p == '.')
			return meta_command(sh, sp.p);
	}
	if (strbuf_addstr(&sh->pending, line) < 0 || strbuf_addch(&sh->pending, '\n') < 0) {
		fprintf(stderr, "Error: statement longer than %zu bytes, discarded\n",
			(size_t)SHELL_STATEMENT_MAX);
		strbuf_reset(&sh->pending);
		sh->app->failed = true;
		return 0;
	}
	if (!sqlite3_complete(sh->pending.buf))
		return 0;
	r = shell_run_sql(sh, sh->pending.buf);
	strbuf_reset(&sh->pending);
	return r == -EPIPE ? r : 0;
}

int shell_finish(struct shell *sh)
{
	int r = 0;
	struct span sp = span_make(sh->pending.buf, sh->pending.len);

	span_trim(&sp);
	if (!span_empty(&sp))
		r = shell_run_sql(sh, sh->pending.buf);
	strbuf_reset(&sh->pending);
	return r == -EPIPE ? r : 0;
}

int shell_run_stream(struct shell *sh, FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0;

	while (!sh->quit && (n = getline(&line, &cap, fp)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		r = shell_feed_line(sh, line);
		if (r < 0)
			break;
	}
	free(line);
	if (r == 0 && !sh->quit)
		r = shell_finish(sh);
	return r;
}
