/*
 * output.h - result formatters shared by every program: the shell's
 * pretty table, JSON (osqueryi --json), CSV, line and list modes.
 *
 * struct output is a result_sink (engine.h): pass output_sink() to
 * engine_exec and results are written to the output's FILE as they
 * arrive (pretty mode buffers one statement to measure column widths).
 */
#ifndef SPOOR_OUTPUT_H
#define SPOOR_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "engine.h"
#include "strbuf.h"

enum output_mode { OUT_PRETTY, OUT_JSON, OUT_CSV, OUT_LINE, OUT_LIST };

struct output {
	enum output_mode mode;
	bool headers;
	char separator[16];
	char nullvalue[32];
	FILE *fp;
	/* per statement */
	int ncols;
	size_t nrows;
	struct strbuf buf;   /* pretty: all cells; json: one line */
	size_t *cell_offs;   /* pretty: nrows*ncols+1 offsets into buf */
	size_t ncells, cap_cells;
	int *json_order;     /* json: column order sorted by name */
	struct strbuf json_keys; /* json: "name": of each column, escaped */
	size_t *json_key_offs;   /* json: ncols+1 offsets into json_keys */
	int err;             /* first write error (negative errno) */
};

void output_init(struct output *out, enum output_mode mode, FILE *fp);
void output_release(struct output *out);
struct result_sink output_sink(struct output *out);
/* "pretty", "json", "csv", "line", "list"; -EINVAL otherwise. */
int output_mode_parse(const char *name, enum output_mode *ret);
const char *output_mode_name(enum output_mode mode);

#endif
