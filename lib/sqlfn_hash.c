/*
 * sqlfn_hash.c - osquery's hashing SQL functions: md5, sha1, sha256.
 *
 *   SELECT sha256('abc');
 *   -- 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 *
 * As in osquery (sqlite_hashing.cpp): NULL gives NULL, any other value is
 * hashed as its text up to the first NUL byte (so integers hash their
 * decimal text and a BLOB stops at its first zero byte), and the digest
 * is lowercase hex. Digests come from OpenSSL's EVP interface.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "sqlfn.h"
#include "banned.h"

enum hash_kind {
	HASH_MD5,
	HASH_SHA1,
	HASH_SHA256,
};

static const EVP_MD *hash_md(enum hash_kind kind)
{
	switch (kind) {
	case HASH_MD5:
		return EVP_md5();
	case HASH_SHA1:
		return EVP_sha1();
	case HASH_SHA256:
		return EVP_sha256();
	}
	return NULL;
}

static void hash_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	static const char hex[] = "0123456789abcdef";
	enum hash_kind kind = (enum hash_kind)(uintptr_t)sqlite3_user_data(ctx);
	const EVP_MD *md = hash_md(kind);
	unsigned char digest[EVP_MAX_MD_SIZE];
	char out[2 * EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	const char *s;
	size_t len;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	s = sqlfn_text(ctx, argv[0], &len);
	if (!s)
		return;
	len = strnlen(s, len);
	if (!md || EVP_Digest(s, len, digest, &dlen, md, NULL) != 1) {
		sqlite3_result_error(ctx, "hash: digest failed", -1);
		return;
	}
	for (unsigned int i = 0; i < dlen; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	sqlite3_result_text(ctx, out, (int)(2 * dlen), SQLITE_TRANSIENT);
}

int sqlfn_register_hash(sqlite3 *db)
{
	static const struct {
		const char *name;
		enum hash_kind kind;
	} fns[] = {
	    {"md5", HASH_MD5},
	    {"sha1", HASH_SHA1},
	    {"sha256", HASH_SHA256},
	};
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int rc = sqlite3_create_function(
		    db, fns[i].name, 1, flags, (void *)(uintptr_t)fns[i].kind, hash_fn, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}
