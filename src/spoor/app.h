/*
 * app.h - the spoor program's context, passed to every command.
 *
 * Adding a command: write cmd/<name> as cmd_<name>.c with
 * int cmd_<name>(struct app *app, int argc, char **argv), declare it
 * here, and add it to commands[] in main.c with its selection rule.
 */
#ifndef SPOOR_APP_H
#define SPOOR_APP_H

#include <stdbool.h>

#include "engine.h"
#include "flags.h"
#include "output.h"

struct app {
	struct flags flags;
	struct engine *eng;
	struct output out;
	bool timer;
	/* set when a statement or meta command failed */
	bool failed;
};

/* The flags spoor accepts (osquery's names where osquery has them). */
extern const struct flag_def spoor_flag_defs[];
extern const size_t spoor_flag_defs_count;

int cmd_query(struct app *app, int argc, char **argv);
int cmd_shell(struct app *app, int argc, char **argv);
int cmd_table_docs(struct app *app, int argc, char **argv);

#endif
