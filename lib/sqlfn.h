/*
 * sqlfn.h - osquery's extra SQL functions and collations for SQLite.
 *
 * osquery extends SQLite with string, regex, encoding, hashing, network,
 * version, path and math functions and four version collations; queries
 * written for osquery use them freely, so spoor registers the same names
 * with the same semantics, including osquery's quirks (each family's .c
 * file lists them). One family per file:
 *
 *   sqlfn_string.c    split, regex_split, regex_match, concat, concat_ws
 *   sqlfn_encoding.c  to_base64, from_base64, conditional_to_base64
 *   sqlfn_hash.c      md5, sha1, sha256
 *   sqlfn_net.c       inet_aton, in_cidr_block, community_id_v1[_strict]
 *   sqlfn_version.c   version_compare; collations version, version_arch,
 *                     version_dpkg, version_rhel
 *   sqlfn_path.c      parent_directory, find_file_path_in_cmd,
 *                     is_path_deterministic
 *   sqlfn_math.c      sqrt, log (natural), log10, exp, power, pi, ceil,
 *                     floor, sin, cos, tan, cot, asin, acos, atan,
 *                     degrees, radians
 *   sqlfn_ops.c       sleep, carve (the disabled form osquery ships)
 *
 * Registration uses sqlite3_create_function, which takes precedence over
 * SQLite's built-in functions of the same name and arity (SQLite's own
 * log(X) is base 10; osquery's, and ours, is the natural log).
 *
 * Inside the callbacks memory comes from sqlite3_malloc and running out
 * of it is reported with sqlite3_result_error_nomem (see xalloc.h). An
 * argument that would make a function allocate more than SQLFN_MAX_INPUT
 * bytes is refused with the SQL error "<function>: input too large".
 */
#ifndef SPOOR_SQLFN_H
#define SPOOR_SQLFN_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

struct rootfs;

/* Largest argument (in bytes) a function allocates in proportion to. */
#define SQLFN_MAX_INPUT ((size_t)64 << 20)
/* Largest regex pattern regex_match/regex_split accept (osquery's
 * --regex_max_size default). */
#define SQLFN_REGEX_MAX 256

/* Registers every function and collation below on db. Returns SQLITE_OK
 * or the first SQLite error code. The path functions see the live host
 * filesystem; call sqlfn_register_path() afterwards to point them at a
 * rootfs instead. */
int sqlfn_register_all(sqlite3 *db);

/* One family each; same return convention as sqlfn_register_all. */
int sqlfn_register_string(sqlite3 *db);
int sqlfn_register_encoding(sqlite3 *db);
int sqlfn_register_hash(sqlite3 *db);
int sqlfn_register_net(sqlite3 *db);
int sqlfn_register_version(sqlite3 *db);
int sqlfn_register_math(sqlite3 *db);
int sqlfn_register_ops(sqlite3 *db);
/*
 * find_file_path_in_cmd and is_path_deterministic test whether words of
 * a command line name existing files. With rfs NULL they stat() the live
 * filesystem exactly as osquery does (relative paths resolve against the
 * working directory); with a rootfs they stat through it, so a path is
 * looked up under the rootfs prefix (relative paths as well). rfs must
 * outlive db's use of the functions; registering again replaces the
 * previous registration.
 */
int sqlfn_register_path(sqlite3 *db, const struct rootfs *rfs);

/*
 * Version comparison, the algorithm behind version_compare() and the
 * collations. It is osquery's character-wise comparison, not a
 * reimplementation of dpkg or rpm: segments between the delimiters
 * ~ - ^ . : are compared by their first differing byte, a delimiter sorts
 * below any other byte, and the flavours add rules on top:
 *
 *   VERSION_KIND_GENERIC  no extra rules (collation "version")
 *   VERSION_KIND_ARCH     epoch first; in the remainder of the longer
 *                         string ~ sorts lower, - equal, ^ higher
 *   VERSION_KIND_DPKG     epoch first; delimiters ranked ~ < - < ^ < . < :
 *   VERSION_KIND_RHEL     epoch first; delimiter ranks and remainder rules
 *
 * "epoch first" means a string holding ':' sorts above one without, and
 * between two such strings the one whose ':' comes earlier sorts lower.
 * Notably osquery's DPKG flavour does not apply the remainder rule, so
 * "1.0~rc1" sorts above "1.0" in it (dpkg itself says below), and its
 * RHEL flavour lets the first differing byte of the last common segment
 * outrank the length, so "1.10" sorts below "1.2" in it (rpm says above).
 */
enum version_kind {
	VERSION_KIND_GENERIC,
	VERSION_KIND_ARCH,
	VERSION_KIND_DPKG,
	VERSION_KIND_RHEL,
};

/* Compares a[0..alen) with b[0..blen): -1, 0 or 1. */
int version_compare_mem(const char *a, size_t alen, const char *b, size_t blen,
                        enum version_kind kind);
/* Same for NUL-terminated strings. */
int version_compare_str(const char *a, const char *b, enum version_kind kind);
/* "ARCH", "DPKG" or "RHEL" in any case; -EINVAL for anything else. */
int version_kind_parse(const char *name, enum version_kind *ret_kind);

/*
 * Helpers the sqlfn_*.c files share.
 */

/* Text of a value and its length in bytes (the whole value, NUL bytes
 * included; "" for SQL NULL). On out-of-memory sets the error on ctx and
 * returns NULL. */
const char *sqlfn_text(sqlite3_context *ctx, sqlite3_value *v, size_t *ret_len);
/* True, after setting "<fn>: input too large" on ctx, when len exceeds
 * SQLFN_MAX_INPUT. */
bool sqlfn_too_large(sqlite3_context *ctx, const char *fn, size_t len);
/* Standard base64 (RFC 4648, '=' padded) of in[0..len) into out, which
 * must hold SQLFN_BASE64_LEN(len) + 1 bytes; NUL-terminates and returns
 * the encoded length. */
#define SQLFN_BASE64_LEN(n) (((n) + 2) / 3 * 4)
size_t sqlfn_base64_encode(const void *in, size_t len, char *out);

#endif
