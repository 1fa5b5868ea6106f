/*
 * shell.h - osqueryi-style statement handling shared by the interactive
 * shell and SQL read from stdin or .read: lines accumulate until they
 * form a complete SQL statement; a line starting with '.' outside a
 * statement is a meta command (.tables, .schema, .mode, ...).
 */
#ifndef SPOOR_SHELL_H
#define SPOOR_SHELL_H

#include <stdbool.h>
#include <stdio.h>

#include "app.h"
#include "strbuf.h"

enum { SHELL_READ_DEPTH_MAX = 8 };

struct shell {
	struct app *app;
	struct strbuf pending; /* an incomplete statement */
	bool quit;
	int read_depth;
};

void shell_init(struct shell *sh, struct app *app);
void shell_release(struct shell *sh);
/* Feeds one input line (without newline). Returns 0, or -EPIPE when the
 * output is gone. Errors of statements are printed and recorded in
 * app->failed. */
int shell_feed_line(struct shell *sh, const char *line);
/* At end of input: runs (and reports) an unterminated statement. */
int shell_finish(struct shell *sh);
/* Is a statement in progress (continuation prompt)? */
bool shell_continuing(const struct shell *sh);
/* Runs SQL text and prints results and errors; returns 0 or < 0. */
int shell_run_sql(struct shell *sh, const char *sql);
/* Reads a whole stream line by line (stdin, .read). */
int shell_run_stream(struct shell *sh, FILE *fp);

#endif
