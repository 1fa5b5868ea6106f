/*
 * sqlfn_encoding.c - osquery's base64 SQL functions: to_base64,
 * from_base64, conditional_to_base64.
 *
 *   SELECT to_base64('CPU0');              -- 'Q1BVMA=='
 *   SELECT from_base64('Q1BVMA==');        -- 'CPU0'
 *   SELECT conditional_to_base64('CPU0');  -- 'CPU0' (printable: unchanged)
 *
 * Semantics are osquery's (sqlite_encoding.cpp over utils/base64.cpp,
 * which is boost's base64 iterators):
 *  - Every function takes the whole value (NUL bytes included) and gives
 *    NULL for NULL; results are TEXT, also when decoding yields binary.
 *  - to_base64 is RFC 4648 base64 with '=' padding; '' encodes to ''.
 *  - conditional_to_base64 returns its argument unchanged when every byte
 *    is printable ASCII (0x20..0x7e), else its base64.
 *  - from_base64 first deletes "\r\n" and "\n" and the trailing '='s;
 *    then any other byte outside the alphabet (space, a lone '\r', '-')
 *    makes the result '' rather than an error. An '=' left inside the
 *    text decodes as the value 0, as boost's table has it. Trailing bits
 *    that do not fill a byte are dropped, except that a lone final
 *    character (length % 4 == 1 after trimming) yields ''.
 */
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "sqlfn.h"
#include "banned.h"

enum b64_mode {
	B64_ENCODE,
	B64_ENCODE_CONDITIONAL,
	B64_DECODE,
};

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t sqlfn_base64_encode(const void *in, size_t len, char *out)
{
	const unsigned char *p = in;
	size_t o = 0, i = 0;

	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = b64_alphabet[v >> 6 & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64_alphabet[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

/* Value of a base64 character, '=' counting as 0; -1 outside the set. */
static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	if (c == '=')
		return 0;
	return -1;
}

static bool is_printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x1f || c >= 0x7f)
			return false;
	}
	return true;
}

static void encode(sqlite3_context *ctx, const char *fn, const char *s, size_t len)
{
	char *out;
	size_t olen;

	if (sqlfn_too_large(ctx, fn, len))
		return;
	out = sqlite3_malloc64(SQLFN_BASE64_LEN(len) + 1);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	olen = sqlfn_base64_encode(s, len, out);
	sqlite3_result_text64(ctx, out, olen, sqlite3_free, SQLITE_UTF8);
}

/*
 * Decodes s into out (room for len bytes) the way osquery does; returns
 * the decoded length, 0 also for input osquery turns into ''.
 */
static size_t decode(const char *s, size_t len, unsigned char *out)
{
	uint32_t acc = 0;
	size_t n = 0, o = 0;
	int bits = 0;

	/* count the characters left after dropping "\r\n", "\n" and the
	 * trailing '=', checking each against the alphabet */
	while (len > 0) {
		if (s[len - 1] == '=') {
			len--;
		} else if (s[len - 1] == '\n') {
			len--;
			if (len > 0 && s[len - 1] == '\r')
				len--;
		} else {
			break;
		}
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			continue;
		if (b64_value((unsigned char)s[i]) < 0)
			return 0;
		n++;
	}
	if (n % 4 == 1)
		return 0; /* boost reads past the end and throws */
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			continue;
		acc = acc << 6 | (uint32_t)b64_value((unsigned char)s[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return o;
}

static void base64_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum b64_mode mode = (enum b64_mode)(uintptr_t)sqlite3_user_data(ctx);
	unsigned char *out;
	const char *s;
	size_t len, olen;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	s = sqlfn_text(ctx, argv[0], &len);
	if (!s)
		return;
	switch (mode) {
	case B64_ENCODE_CONDITIONAL:
		if (is_printable(s, len)) {
			sqlite3_result_text64(ctx, s, len, SQLITE_TRANSIENT, SQLITE_UTF8);
			return;
		}
		encode(ctx, "conditional_to_base64", s, len);
		return;
	case B64_ENCODE:
		encode(ctx, "to_base64", s, len);
		return;
	case B64_DECODE:
		if (sqlfn_too_large(ctx, "from_base64", len))
			return;
		out = sqlite3_malloc64(len + 1);
		if (!out) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		olen = decode(s, len, out);
		out[olen] = '\0';
		sqlite3_result_text64(ctx, (char *)out, olen, sqlite3_free, SQLITE_UTF8);
		return;
	}
}

int sqlfn_register_encoding(sqlite3 *db)
{
	static const struct {
		const char *name;
		enum b64_mode mode;
	} fns[] = {
	    {"to_base64", B64_ENCODE},
	    {"conditional_to_base64", B64_ENCODE_CONDITIONAL},
	    {"from_base64", B64_DECODE},
	};
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int rc =
		    sqlite3_create_function(db, fns[i].name, 1, flags,
		                            (void *)(uintptr_t)fns[i].mode, base64_fn, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}
