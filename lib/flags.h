/*
 * flags.h - the flag registry: osquery-style command-line flags.
 *
 * A program declares its flags as a const array of struct flag_def
 * (osquery's names, types, defaults); struct flags holds the values set
 * on the command line (or, later, a flagfile and config options). The
 * same definitions feed --help, the osquery_flags table and the "did
 * you mean" suggestion for an unknown flag.
 *
 * Accepted forms, as gflags: --name=value, --name value, -name=value;
 * for booleans also --name, --noname, --name=true|false|1|0.
 */
#ifndef SPOOR_FLAGS_H
#define SPOOR_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum flag_type { FLAG_BOOL, FLAG_STRING, FLAG_INT };

enum flag_kind {
	FLAG_CLI,   /* command line only */
	FLAG_ANY,   /* command line, flagfile or config options */
	FLAG_SHELL, /* shell only */
};

struct flag_def {
	const char *name;
	enum flag_type type;
	enum flag_kind kind;
	const char *def;
	const char *help;
};

struct flags {
	const struct flag_def *defs;
	size_t n;
	char **values; /* NULL: not set, the default applies */
};

void flags_init(struct flags *fl, const struct flag_def *defs, size_t n);
void flags_release(struct flags *fl);

const struct flag_def *flags_find(const struct flags *fl, const char *name, size_t len);
/* The closest known flag name (edit distance <= 3), or NULL. */
const char *flags_suggest(const struct flags *fl, const char *name, size_t len);

/* Sets a flag; -ENOENT for an unknown name, -EINVAL for a value of the
 * wrong type. A message naming the flag goes to err. */
int flags_set(struct flags *fl, const char *name, const char *value, struct strbuf *err);

/* The value in force (set or default); never NULL for a known flag. */
const char *flags_get(const struct flags *fl, const char *name);
bool flags_get_bool(const struct flags *fl, const char *name);
int64_t flags_get_int(const struct flags *fl, const char *name);
bool flags_is_set(const struct flags *fl, const char *name);

/*
 * Consumes the flags in argv[1..argc-1] (stopping at "--"), compacting the
 * remaining positional arguments to argv[1..*ret_argc-1]. Unknown flags
 * are errors with a suggestion in err.
 */
int flags_parse_argv(struct flags *fl, int argc, char **argv, int *ret_argc, struct strbuf *err);

#endif
