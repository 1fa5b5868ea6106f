/*
 * cmd_query.c - one-shot use: spoor [--json|--csv|--line|--list] "SQL",
 * --query "SQL", -A TABLE, -L, or SQL (and meta commands) on stdin.
 * Errors go to stderr and make the exit status non-zero.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shell.h"
#include "banned.h"

int cmd_query(struct app *app, int argc, char **argv)
{
	struct shell sh;
	const char *all = flags_get(&app->flags, "A");
	const char *query = flags_get(&app->flags, "query");
	int r = 0;

	shell_init(&sh, app);
	if (flags_get_bool(&app->flags, "L")) {
		r = shell_feed_line(&sh, ".tables");
	} else if (*all) {
		struct strbuf line = STRBUF_INIT;

		strbuf_addf(&line, ".all %s", all);
		r = shell_feed_line(&sh, line.buf);
		strbuf_release(&line);
	} else if (*query || argc > 1) {
		struct strbuf sql = STRBUF_INIT;

		/* positional words form one SQL text, as osqueryi joins them */
		strbuf_addstr(&sql, query);
		for (int i = 1; i < argc; i++) {
			if (sql.len)
				strbuf_addch(&sql, ' ');
			strbuf_addstr(&sql, argv[i]);
		}
		r = shell_run_sql(&sh, sql.buf);
		strbuf_release(&sql);
	} else {
		r = shell_run_stream(&sh, stdin);
	}
	shell_release(&sh);
	return r;
}
