/*
 * cmd_shell.c - the interactive shell on a terminal: libedit line
 * editing, persistent history (~/.spoor_history), multi-line statements
 * and tab completion of meta commands, table names and column names.
 */
#include <ctype.h>
#include <errno.h>
#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "xalloc.h"
#include "banned.h"

#define HISTORY_SIZE 2000
#define COMPLETION_MAX 512

static const char *const meta_names[] = {
	".all", ".exit", ".headers", ".help", ".mode", ".nullvalue", ".print", ".quit",
	".read", ".schema", ".separator", ".tables", ".timer", ".version",
};

static const char *const keywords[] = {
	"SELECT", "FROM", "WHERE", "JOIN", "LEFT", "ON", "AND", "OR", "NOT", "IN", "LIKE",
	"GROUP", "ORDER", "BY", "LIMIT", "DISTINCT", "COUNT", "AS", "UNION", "WITH",
};

static char *prompt_fn(EditLine *el)
{
	static char main_prompt[] = "spoor> ";
	static char cont_prompt[] = "   ...> ";
	struct shell *sh = NULL;

	el_get(el, EL_CLIENTDATA, &sh);
	return sh && shell_continuing(sh) ? cont_prompt : main_prompt;
}

struct matches {
	const char *v[COMPLETION_MAX];
	size_t n;
};

static void add_match(struct matches *m, const char *cand, const char *word, size_t len,
		      bool nocase)
{
	if (m->n >= COMPLETION_MAX)
		return;
	if (nocase ? strncasecmp(cand, word, len) != 0 : strncmp(cand, word, len) != 0)
		return;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i], cand) == 0)
			return;
	m->v[m->n++] = cand;
}

static unsigned char complete_fn(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	struct shell *sh = NULL;
	const char *start = li->cursor;
	struct matches m = { .n = 0 };
	struct engine *eng;
	size_t len, common;
	bool at_line_start;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &sh);
	if (!sh)
		return CC_ERROR;
	eng = sh->app->eng;
	while (start > li->buffer &&
	       (isalnum((unsigned char)start[-1]) || start[-1] == '_' || start[-1] == '.'))
		start--;
	len = (size_t)(li->cursor - start);
	at_line_start = !shell_continuing(sh);
	for (const char *p = li->buffer; p < start && at_line_start; p++)
		if (!isspace((unsigned char)*p))
			at_line_start = false;
	if (at_line_start && len && start[0] == '.') {
		for (size_t i = 0; i < ARRAY_SIZE(meta_names); i++)
			add_match(&m, meta_names[i], start, len, false);
	} else {
		/* "p.pi" completes the column part after the dot */
		const char *dot = memchr(start, '.', len);

		if (dot) {
			len -= (size_t)(dot + 1 - start);
			start = dot + 1;
		}
		for (size_t i = 0; i < engine_ntables(eng); i++) {
			const struct table_spec *t = engine_table(eng, i);

			add_match(&m, t->name, start, len, false);
			for (size_t c = 0; c < t->ncolumns; c++)
				if (!(t->columns[c].flags & COLF_OTHER_OS))
					add_match(&m, t->columns[c].name, start, len, false);
		}
		for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
			add_match(&m, keywords[i], start, len, true);
	}
	if (m.n == 0)
		return CC_ERROR;
	if (m.n == 1) {
		struct strbuf ins = STRBUF_INIT;

		strbuf_addstr(&ins, m.v[0] + len);
		strbuf_addch(&ins, ' ');
		el_insertstr(el, ins.buf);
		strbuf_release(&ins);
		return CC_REDISPLAY;
	}
	/* several: extend to the longest common prefix, else list them */
	common = strlen(m.v[0]);
	for (size_t i = 1; i < m.n; i++) {
		size_t k = 0;

		while (k < common && m.v[i][k] && m.v[i][k] == m.v[0][k])
			k++;
		common = k;
	}
	if (common > len) {
		char *ins = xstrndup(m.v[0] + len, common - len);

		el_insertstr(el, ins);
		free(ins);
		return CC_REDISPLAY;
	}
	fputc('\n', stdout);
	for (size_t i = 0; i < m.n; i++)
		printf("%s%s", m.v[i], (i + 1) % 6 == 0 || i + 1 == m.n ? "\n" : "  ");
	return CC_REDISPLAY;
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	if (!home || !*home)
		return NULL;
	strbuf_addf(&sb, "%s/.spoor_history", home);
	return strbuf_detach(&sb, NULL);
}

int cmd_shell(struct app *app, int argc, char **argv)
{
	struct shell sh;
	EditLine *el;
	History *hist;
	HistEvent ev;
	char *hpath = history_path();
	int r = 0;

	(void)argc;
	shell_init(&sh, app);
	el = el_init(argv[0], stdin, stdout, stderr);
	hist = history_init();
	if (!el || !hist) {
		fprintf(stderr, "spoor: cannot start line editing\n");
		r = shell_run_stream(&sh, stdin);
		goto out;
	}
	history(hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(hist, &ev, H_SETUNIQUE, 1);
	if (hpath)
		history(hist, &ev, H_LOAD, hpath);
	el_set(el, EL_CLIENTDATA, &sh);
	el_set(el, EL_PROMPT, prompt_fn);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_HIST, history, hist);
	el_set(el, EL_ADDFN, "spoor-complete", "complete table, column and meta command names",
	       complete_fn);
	el_set(el, EL_BIND, "^I", "spoor-complete", NULL);
	el_source(el, NULL); /* ~/.editrc, as other libedit programs */

	printf("Using a virtual database. Need help, type '.help'\n");
	while (!sh.quit) {
		int n;
		const char *line = el_gets(el, &n);
		char *copy;

		if (!line || n <= 0) {
			fputc('\n', stdout);
			break;
		}
		copy = xstrndup(line, (size_t)n);
		if (n > 0 && copy[n - 1] == '\n')
			copy[n - 1] = '\0';
		if (copy[0])
			history(hist, &ev, H_ENTER, copy);
		r = shell_feed_line(&sh, copy);
		free(copy);
		if (r < 0)
			break;
	}
	if (r == 0)
		r = shell_finish(&sh);
	if (hpath)
		history(hist, &ev, H_SAVE, hpath);
out:
	if (hist)
		history_end(hist);
	if (el)
		el_end(el);
	free(hpath);
	shell_release(&sh);
	return r;
}
