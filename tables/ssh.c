/*
 * ssh.c - OpenSSH files in users' homes: authorized_keys, known_hosts,
 * user_ssh_keys, ssh_configs.
 *
 *   SELECT u.username, k.algorithm, k.comment, k.fingerprint
 *     FROM users u JOIN authorized_keys k USING (uid);
 *   SELECT key_file, fingerprint FROM known_hosts WHERE uid = 1000;
 *   SELECT path, key_type, encrypted FROM user_ssh_keys WHERE encrypted = 0;
 *   SELECT block, option FROM ssh_configs WHERE option LIKE 'proxycommand%';
 *
 * Data sources: the accounts of the users table (SELECT uid, directory
 * FROM users, with uid = / IN pushed into it, as osquery's
 * usersFromContext does), then, through the rootfs layer, under each
 * home: .ssh/authorized_keys and .ssh/authorized_keys2,
 * .ssh/known_hosts, every regular file of .ssh/ (user_ssh_keys) and
 * .ssh/config; ssh_configs adds /etc/ssh/ssh_config with uid 0. A home
 * that is not an absolute path is skipped (osquery would resolve it
 * against its own working directory). A missing file gives no rows.
 *
 * Semantics are osquery's (tables/system/posix/authorized_keys.cpp,
 * known_hosts.cpp, ssh_keys.cpp, ssh_configs.cpp):
 *   - lines are cut at '\n' and trimmed of C whitespace; empty lines and
 *     lines starting with '#' are skipped;
 *   - authorized_keys: "[options] keytype base64 [comment]": options (as
 *     written, NULL when absent), algorithm, key (the base64 text) and
 *     comment (the rest after the key, NULL when absent). A line with no
 *     known key type gives no row, except a z/OS line whose options
 *     include zos-key-ring-label=, which gives a row with only options
 *     (the whole line), as in osquery.
 *     Deliberate differences: osquery knows five key types and finds the
 *     first one anywhere in the line (so "ssh-rsa " inside a quoted
 *     command= option splits the line there); spoor reads the line as
 *     sshd does, options ending at the first blank outside double
 *     quotes, and knows every type OpenSSH 9 accepts (ssh-dss, the
 *     FIDO sk-* types, certificates), so keys osquery drops are listed.
 *   - known_hosts: key is the whole line;
 *   - user_ssh_keys: every regular file of ~/.ssh (symlinks followed
 *     inside the root) holding a private key: PEM keys are parsed with
 *     OpenSSL (key_type rsa, dsa, dh, ec, hmac, cmac or '' for others;
 *     key_group_name, key_length and key_security_bits from OpenSSL); an
 *     encrypted PEM key gives encrypted 1, key_type '', -1 lengths. A file
 *     starting with "-----BEGIN OPENSSH PRIVATE KEY-----" is read as
 *     OpenSSH's own format: encrypted when its cipher is not "none", and
 *     the public key in its header gives key_type ed25519, rsa, dsa,
 *     ecdsa-p256/-p384/-p521 (else the OpenSSH type name), key_length
 *     (for rsa and dsa the modulus / p bit length) and key_security_bits
 *     (NIST SP 800-57 steps for rsa: 80, 112, 128, 192, 256; 80 for dsa),
 *     as osquery's latest ssh_keys.cpp does; key_group_name is ''.
 *     path = / IN reads only the named files;
 *   - ssh_configs: one row per line that is not a "host " or "match "
 *     line, lowercased (ASCII), with block = the last such line (''
 *     before the first one); Include lines are listed, not followed.
 *   - pid_with_namespace is 0 (the host): pid_with_namespace = N with
 *     N != 0 selects nothing (spoor does not enter mount namespaces).
 *
 * spoor extension (hidden, after osquery's columns): fingerprint on
 * authorized_keys and known_hosts, "SHA256:" and the unpadded base64 of
 * the SHA-256 of the key blob, exactly as `ssh-keygen -lf` prints it
 * and sshd logs it (for a certificate, of the certified plain key, as
 * ssh-keygen does). NULL when the base64 does not decode to a blob that
 * names the line's key type.
 *
 * Bounds: a text file is read up to SSH_TEXT_FILE_MAX; past it, the rows
 * of its complete lines are given (a user must not blind the table with
 * a huge file of their own). A file in ~/.ssh larger than
 * SSH_KEY_FILE_MAX is not a key and is skipped unread past the bound.
 * Only regular files are opened (a FIFO a user leaves in ~/.ssh would
 * block the read).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sqlite3.h>

#include "engine.h"
#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "sqlfn.h"
#include "strparse.h"
#include "user_homes.h"
#include "xalloc.h"
#include "banned.h"

/* authorized_keys, known_hosts, ssh config */
#define SSH_TEXT_FILE_MAX ((size_t)16 << 20)
/* a private key file; real ones are below 16 KiB */
#define SSH_KEY_FILE_MAX ((size_t)1 << 20)
/* OpenSSH refuses public key blobs above 16 KiB (SSH_MAX_PUBKEY_BYTES) */
#define SSH_BLOB_MAX ((size_t)16384)
/* entries of one ~/.ssh directory considered */
#define SSH_DIR_ENTRIES_MAX ((size_t)65536)

/* ------------------------------------------------------------------ */
/* users and their homes */

/* spoor reports the host's files only (pid_with_namespace 0). */
static bool host_namespace_selected(const struct query_ctx *q, int col)
{
	size_t n = qctx_eq_count(q, col);

	for (size_t i = 0; i < n; i++) {
		int64_t v;

		if (qctx_eq_int64(q, col, i, &v) == 0 && v == 0)
			return true;
	}
	return n == 0;
}

/*
 * Reads a text file into sb; a file past SSH_TEXT_FILE_MAX is cut after
 * its last complete line. Returns 0 or -errno (-ENOENT when absent).
 */
static int read_text_file(const struct rootfs *rfs, const char *path, struct strbuf *sb)
{
	bool truncated = false;
	struct stat st;
	int r;

	strbuf_reset(sb);
	/* a user may put a FIFO or a device where a key file belongs: only
	 * regular files are opened (a blocking open would hang the scan) */
	r = rootfs_stat(rfs, path, &st);
	if (r < 0)
		return r;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	r = rootfs_read(rfs, path, sb, SSH_TEXT_FILE_MAX, &truncated);
	if (r < 0)
		return r;
	if (truncated) {
		char *nl = memrchr(sb->buf, '\n', sb->len);

		strbuf_setlen(sb, nl ? (size_t)(nl - sb->buf) : 0);
	}
	return 0;
}

/* Next trimmed line that is neither empty nor a '#' comment. */
static int next_key_line(struct span *file, struct span *ret)
{
	struct span line;

	while (span_line(file, &line) == 0) {
		span_trim(&line);
		if (!span_empty(&line) && *line.p != '#') {
			*ret = line;
			return 0;
		}
	}
	return -ENOENT;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Next run of non-blank bytes (blanks: space, tab). */
static int next_word(struct span *sp, struct span *ret)
{
	const char *start;

	while (sp->p < sp->end && is_blank(*sp->p))
		sp->p++;
	if (sp->p == sp->end)
		return -ENOENT;
	start = sp->p;
	while (sp->p < sp->end && !is_blank(*sp->p))
		sp->p++;
	*ret = span_make(start, (size_t)(sp->p - start));
	return 0;
}

/* ------------------------------------------------------------------ */
/* public keys: types, blobs, fingerprints */

/* A key type OpenSSH reads in authorized_keys and known_hosts. For a
 * certificate, plain is the certified key's type and nfields the number
 * of its public fields (strings after the nonce). */
struct ssh_key_type {
	const char *name;
	const char *plain;
	int nfields;
};

static const struct ssh_key_type ssh_key_types[] = {
    {"ssh-rsa", NULL, 0},
    {"ssh-dss", NULL, 0},
    {"ssh-ed25519", NULL, 0},
    {"ecdsa-sha2-nistp256", NULL, 0},
    {"ecdsa-sha2-nistp384", NULL, 0},
    {"ecdsa-sha2-nistp521", NULL, 0},
    {"sk-ecdsa-sha2-nistp256@openssh.com", NULL, 0},
    {"sk-ssh-ed25519@openssh.com", NULL, 0},
    {"ssh-xmss@openssh.com", NULL, 0},
    /* rsa: e, n; dss: p, q, g, y; ecdsa: curve, Q; ed25519: pk;
     * sk-ecdsa: curve, Q, application; sk-ed25519: pk, application */
    {"ssh-rsa-cert-v01@openssh.com", "ssh-rsa", 2},
    {"ssh-dss-cert-v01@openssh.com", "ssh-dss", 4},
    {"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", 1},
    {"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256", 2},
    {"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384", 2},
    {"ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521", 2},
    {"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", 3},
    {"sk-ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com", 2},
    /* XMSS certificates carry two plain fields of their own layout;
     * no fingerprint is computed for them */
    {"ssh-xmss-cert-v01@openssh.com", NULL, -1},
};

static const struct ssh_key_type *find_key_type(const struct span *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ssh_key_types); i++)
		if (span_eq(name, ssh_key_types[i].name))
			return &ssh_key_types[i];
	return NULL;
}

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
	return -1;
}

/* Strict RFC 4648 base64 (padding optional) into out (at most max
 * bytes); -EINVAL on any other byte or a dangling sextet. */
static int b64_decode(const char *in, size_t len, unsigned char *out, size_t max, size_t *ret_len)
{
	uint32_t acc = 0;
	size_t n = 0;
	int bits = 0;

	while (len && in[len - 1] == '=')
		len--;
	for (size_t i = 0; i < len; i++) {
		int v = b64_value((unsigned char)in[i]);

		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == max)
				return -E2BIG;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	if (bits >= 6)
		return -EINVAL;
	*ret_len = n;
	return 0;
}

/* An SSH wire-format reader over a decoded blob. */
struct wire {
	const unsigned char *p, *end;
};

static int wire_u32(struct wire *w, uint32_t *ret)
{
	if (w->end - w->p < 4)
		return -EINVAL;
	*ret = (uint32_t)w->p[0] << 24 | (uint32_t)w->p[1] << 16 | (uint32_t)w->p[2] << 8 |
	       (uint32_t)w->p[3];
	w->p += 4;
	return 0;
}

static int wire_string(struct wire *w, const unsigned char **ret, size_t *ret_len)
{
	uint32_t n;

	if (wire_u32(w, &n) < 0 || (size_t)(w->end - w->p) < n)
		return -EINVAL;
	*ret = w->p;
	*ret_len = n;
	w->p += n;
	return 0;
}

static bool wire_string_is(const unsigned char *s, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(s, want, len) == 0;
}

/*
 * The SHA256 fingerprint "SHA256:<base64 unpadded>" of a public key given
 * as its type and base64 blob, into out (at least 8 + 44 bytes). The blob
 * must name that type; for a certificate the plain key is hashed, as
 * ssh-keygen -l does. Returns 0 or -EINVAL.
 */
#define SSH_FINGERPRINT_LEN 64
#define SHA256_DIGEST_LEN 32
static int ssh_fingerprint(const struct ssh_key_type *kt, const struct span *b64, char *out)
{
	unsigned char *blob = xmalloc(SSH_BLOB_MAX), *plain = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	char enc[SQLFN_BASE64_LEN(SHA256_DIGEST_LEN) + 1];
	const unsigned char *hashed, *s;
	unsigned int mdlen = 0;
	size_t blen, slen, hlen, elen;
	struct wire w;
	int r = -EINVAL;

	if (b64_decode(b64->p, span_len(b64), blob, SSH_BLOB_MAX, &blen) < 0)
		goto out;
	w = (struct wire){.p = blob, .end = blob + blen};
	if (wire_string(&w, &s, &slen) < 0 || !wire_string_is(s, slen, kt->name))
		goto out;
	hashed = blob;
	hlen = blen;
	if (kt->nfields < 0) {
		goto out;
	} else if (kt->plain) {
		/* plain blob: string type, then the certified key's fields,
		 * which follow the nonce in the certificate */
		struct wire fields;
		size_t plen = strlen(kt->plain), flen;

		if (wire_string(&w, &s, &slen) < 0) /* nonce */
			goto out;
		fields = w;
		for (int i = 0; i < kt->nfields; i++)
			if (wire_string(&w, &s, &slen) < 0)
				goto out;
		flen = (size_t)(w.p - fields.p);
		plain = xmalloc(4 + plen + flen);
		plain[0] = (unsigned char)(plen >> 24);
		plain[1] = (unsigned char)(plen >> 16);
		plain[2] = (unsigned char)(plen >> 8);
		plain[3] = (unsigned char)plen;
		memcpy(plain + 4, kt->plain, plen);
		memcpy(plain + 4 + plen, fields.p, flen);
		hashed = plain;
		hlen = 4 + plen + flen;
	}
	if (EVP_Digest(hashed, hlen, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != SHA256_DIGEST_LEN)
		goto out;
	elen = sqlfn_base64_encode(md, mdlen, enc);
	while (elen && enc[elen - 1] == '=')
		enc[--elen] = '\0';
	snprintf(out, SSH_FINGERPRINT_LEN, "SHA256:%s", enc);
	r = 0;
out:
	free(plain);
	free(blob);
	return r;
}

/* ------------------------------------------------------------------ */
/* authorized_keys */

enum {
	AK_UID,
	AK_ALGORITHM,
	AK_KEY,
	AK_OPTIONS,
	AK_COMMENT,
	AK_KEY_FILE,
	AK_PID_WITH_NAMESPACE,
	AK_FINGERPRINT,
};

static const struct column_spec authorized_keys_cols[] = {
    [AK_UID] = {"uid", COL_BIGINT, COLF_ADDITIONAL,
                .help = "The local owner of authorized_keys file"},
    [AK_ALGORITHM] = {"algorithm", COL_TEXT, 0, .help = "Key type"},
    [AK_KEY] = {"key", COL_TEXT, 0, .help = "Key encoded as base64"},
    [AK_OPTIONS] = {"options", COL_TEXT, 0, .help = "Optional list of login options"},
    [AK_COMMENT] = {"comment", COL_TEXT, 0, .help = "Optional comment"},
    [AK_KEY_FILE] = {"key_file", COL_TEXT, 0, .help = "Path to the authorized_keys file"},
    [AK_PID_WITH_NAMESPACE] = {"pid_with_namespace", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
                               .help = "Pids that contain a namespace"},
    [AK_FINGERPRINT] = {"fingerprint", COL_TEXT, COLF_HIDDEN | COLF_EXTENSION,
                        .help = "SHA256 fingerprint of the key as ssh-keygen -l prints it "
                                "(spoor)"},
};

/* The options field of an authorized_keys line: up to the first blank
 * outside double quotes (a backslash escapes the next byte in quotes),
 * as sshd's auth_parse_options reads it. */
static struct span options_field(struct span *line)
{
	const char *start = line->p;
	bool quoted = false;

	while (line->p < line->end) {
		char c = *line->p;

		if (!quoted && is_blank(c))
			break;
		if (c == '\\' && quoted && line->end - line->p > 1)
			line->p++;
		else if (c == '"')
			quoted = !quoted;
		line->p++;
	}
	return span_make(start, (size_t)(line->p - start));
}

/* osquery: a line without key whose comma-separated options include
 * zos-key-ring-label= is a z/OS key ring reference. */
static bool has_key_ring_label(struct span line)
{
	struct span opt;

	while (span_until(&line, ',', &opt) == 0)
		if (span_startswith(&opt, "zos-key-ring-label="))
			return true;
	return false;
}

static void emit_key_common(struct query_ctx *q, const struct user_home *u,
                            const struct strbuf *path)
{
	row_int(q, AK_UID, u->uid);
	row_text(q, AK_KEY_FILE, path->buf, path->len);
	row_int(q, AK_PID_WITH_NAMESPACE, 0);
}

static int parse_authorized_key(struct query_ctx *q, const struct user_home *u,
                                const struct strbuf *path, struct span line)
{
	struct span rest = line, opts = {0}, type, key, comment;
	const struct ssh_key_type *kt;
	bool has_opts = false;
	char fp[SSH_FINGERPRINT_LEN];

	if (next_word(&rest, &type) < 0)
		return 0;
	kt = find_key_type(&type);
	if (!kt) {
		rest = line;
		opts = options_field(&rest);
		has_opts = true;
		if (next_word(&rest, &type) == 0)
			kt = find_key_type(&type);
	}
	if (!kt) {
		if (!has_key_ring_label(line))
			return 0;
		row_begin(q);
		row_text(q, AK_OPTIONS, line.p, span_len(&line));
		emit_key_common(q, u, path);
		return row_end(q);
	}
	if (next_word(&rest, &key) < 0)
		return 0;
	comment = rest;
	span_trim(&comment);

	row_begin(q);
	row_text(q, AK_ALGORITHM, kt->name, strlen(kt->name));
	row_text(q, AK_KEY, key.p, span_len(&key));
	if (has_opts)
		row_text(q, AK_OPTIONS, opts.p, span_len(&opts));
	if (!span_empty(&comment))
		row_text(q, AK_COMMENT, comment.p, span_len(&comment));
	if (qctx_used(q, AK_FINGERPRINT) && ssh_fingerprint(kt, &key, fp) == 0)
		row_textz(q, AK_FINGERPRINT, fp);
	emit_key_common(q, u, path);
	return row_end(q);
}

static int gen_authorized_keys(struct query_ctx *q)
{
	static const char *const files[] = {".ssh/authorized_keys", ".ssh/authorized_keys2"};
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf path = STRBUF_INIT, content = STRBUF_INIT;
	struct user_homes us;
	int r;

	if (!host_namespace_selected(q, AK_PID_WITH_NAMESPACE))
		return 0;
	r = user_homes_load(q, AK_UID, &us);
	if (r < 0)
		return r;
	for (size_t i = 0; i < us.n && r == 0; i++) {
		for (size_t f = 0; f < ARRAY_SIZE(files) && r == 0; f++) {
			struct span file, line;

			user_home_path(&path, us.v[i].home, files[f]);
			if (read_text_file(rfs, path.buf, &content) < 0)
				continue;
			file = span_make(content.buf, content.len);
			while (r == 0 && next_key_line(&file, &line) == 0)
				r = parse_authorized_key(q, &us.v[i], &path, line);
		}
	}
	strbuf_release(&content);
	strbuf_release(&path);
	user_homes_release(&us);
	return r;
}

const struct table_spec authorized_keys_spec = {
    .name = "authorized_keys",
    .description = "A line-delimited authorized_keys table.",
    .source = "~/.ssh/authorized_keys and ~/.ssh/authorized_keys2 of every user (users "
              "table homes)",
    TABLE_COLUMNS(authorized_keys_cols),
    .generate = gen_authorized_keys,
};

/* ------------------------------------------------------------------ */
/* known_hosts */

enum {
	KH_UID,
	KH_KEY,
	KH_KEY_FILE,
	KH_FINGERPRINT,
};

static const struct column_spec known_hosts_cols[] = {
    [KH_UID] = {"uid", COL_BIGINT, COLF_INDEX | COLF_OPTIMIZED,
                .help = "The local user that owns the known_hosts file"},
    [KH_KEY] = {"key", COL_TEXT, 0, .help = "parsed authorized keys line"},
    [KH_KEY_FILE] = {"key_file", COL_TEXT, 0, .help = "Path to known_hosts file"},
    [KH_FINGERPRINT] = {"fingerprint", COL_TEXT, COLF_HIDDEN | COLF_EXTENSION,
                        .help = "SHA256 fingerprint of the host key as ssh-keygen -l prints "
                                "it (spoor)"},
};

/* "[@marker] hostpatterns keytype base64 [comment]" */
static bool known_host_fingerprint(struct span line, char *out)
{
	struct span word, type, key;
	const struct ssh_key_type *kt;

	if (next_word(&line, &word) < 0)
		return false;
	if (*word.p == '@' && next_word(&line, &word) < 0)
		return false;
	if (next_word(&line, &type) < 0 || next_word(&line, &key) < 0)
		return false;
	kt = find_key_type(&type);
	return kt && ssh_fingerprint(kt, &key, out) == 0;
}

static int gen_known_hosts(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf path = STRBUF_INIT, content = STRBUF_INIT;
	struct user_homes us;
	int r;

	r = user_homes_load(q, KH_UID, &us);
	if (r < 0)
		return r;
	for (size_t i = 0; i < us.n && r == 0; i++) {
		struct span file, line;

		user_home_path(&path, us.v[i].home, ".ssh/known_hosts");
		if (read_text_file(rfs, path.buf, &content) < 0)
			continue;
		file = span_make(content.buf, content.len);
		while (r == 0 && next_key_line(&file, &line) == 0) {
			char fp[SSH_FINGERPRINT_LEN];

			row_begin(q);
			row_int(q, KH_UID, us.v[i].uid);
			row_text(q, KH_KEY, line.p, span_len(&line));
			row_text(q, KH_KEY_FILE, path.buf, path.len);
			if (qctx_used(q, KH_FINGERPRINT) && known_host_fingerprint(line, fp))
				row_textz(q, KH_FINGERPRINT, fp);
			r = row_end(q);
		}
	}
	strbuf_release(&content);
	strbuf_release(&path);
	user_homes_release(&us);
	return r;
}

const struct table_spec known_hosts_spec = {
    .name = "known_hosts",
    .description = "A line-delimited known_hosts table.",
    .source = "~/.ssh/known_hosts of every user (users table homes)",
    TABLE_COLUMNS(known_hosts_cols),
    .generate = gen_known_hosts,
};

/* ------------------------------------------------------------------ */
/* user_ssh_keys */

enum {
	USK_UID,
	USK_PATH,
	USK_ENCRYPTED,
	USK_KEY_TYPE,
	USK_KEY_GROUP_NAME,
	USK_KEY_LENGTH,
	USK_KEY_SECURITY_BITS,
	USK_PID_WITH_NAMESPACE,
};

static const struct column_spec user_ssh_keys_cols[] = {
    [USK_UID] = {"uid", COL_BIGINT, COLF_ADDITIONAL | COLF_OPTIMIZED,
                 .help = "The local user that owns the key file"},
    [USK_PATH] = {"path", COL_TEXT, COLF_INDEX, .help = "Path to key file"},
    [USK_ENCRYPTED] = {"encrypted", COL_INTEGER, 0, .help = "1 if key is encrypted, 0 otherwise"},
    [USK_KEY_TYPE] = {"key_type", COL_TEXT, 0,
                      .help = "The type of the private key. One of [rsa, dsa, dh, ec, hmac, "
                              "cmac], or the empty string."},
    [USK_KEY_GROUP_NAME] = {"key_group_name", COL_TEXT, 0,
                            .help = "The group of the private key. Supported for a subset "
                                    "of key_types implemented by OpenSSL"},
    [USK_KEY_LENGTH] = {"key_length", COL_INTEGER, 0,
                        .help = "The cryptographic length of the cryptosystem to which "
                                "the private key belongs, in bits. Definition of "
                                "cryptographic length is specific to cryptosystem. -1 if "
                                "unavailable"},
    [USK_KEY_SECURITY_BITS] = {"key_security_bits", COL_INTEGER, 0,
                               .help = "The number of security bits of the private key, "
                                       "bits of security as defined in NIST SP800-57. -1 if "
                                       "unavailable"},
    [USK_PID_WITH_NAMESPACE] = {"pid_with_namespace", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
                                .help = "Pids that contain a namespace"},
};

struct private_key {
	bool encrypted;
	char type[64];
	char group[32];
	int length;
	int security_bits;
};

static const char *evp_type_name(int id)
{
	switch (id) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA2:
		return "rsa";
	case EVP_PKEY_DSA:
	case EVP_PKEY_DSA1:
	case EVP_PKEY_DSA2:
	case EVP_PKEY_DSA3:
	case EVP_PKEY_DSA4:
		return "dsa";
	case EVP_PKEY_DH:
	case EVP_PKEY_DHX:
		return "dh";
	case EVP_PKEY_EC:
		return "ec";
	case EVP_PKEY_HMAC:
		return "hmac";
	case EVP_PKEY_CMAC:
		return "cmac";
	default:
		return "";
	}
}

/* OpenSSL's passphrase callback: the key is encrypted; give no
 * passphrase, so nothing is decrypted. */
static int note_encrypted(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	*(bool *)u = true;
	return -1;
}

/* A PEM private key, through OpenSSL. Returns whether it is one. */
static bool parse_pem_key(const char *data, size_t len, struct private_key *k)
{
	BIO *bio;
	EVP_PKEY *pkey;
	bool encrypted = false;
	size_t glen = 0;

	if (len > INT32_MAX)
		return false;
	bio = BIO_new_mem_buf(data, (int)len);
	if (!bio)
		return false;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, note_encrypted, &encrypted);
	BIO_free(bio);
	ERR_clear_error();
	k->encrypted = encrypted;
	if (!pkey)
		return encrypted;
	snprintf(k->type, sizeof(k->type), "%s", evp_type_name(EVP_PKEY_get_base_id(pkey)));
	k->length = EVP_PKEY_get_bits(pkey);
	k->security_bits = EVP_PKEY_get_security_bits(pkey);
	if (EVP_PKEY_get_group_name(pkey, k->group, sizeof(k->group), &glen) != 1)
		k->group[0] = '\0';
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return true;
}

/* Bit length of a big-endian mpint's magnitude. */
static int mpint_bits(const unsigned char *s, size_t len)
{
	while (len && *s == 0) {
		s++;
		len--;
	}
	if (!len || len > INT32_MAX / 8)
		return len ? -1 : 0;
	return (int)(len - 1) * 8 + (32 - __builtin_clz((unsigned)*s));
}

static int rsa_security_bits(int bits)
{
	static const int steps[][2] = {
	    {15360, 256}, {7680, 192}, {3072, 128}, {2048, 112}, {1024, 80},
	};

	for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
		if (bits >= steps[i][0])
			return steps[i][1];
	return 64;
}

/* The public key in an OpenSSH private key's header: its type, length
 * and strength (the private part, maybe encrypted, is not read). */
static void openssh_public_key(struct wire *w, struct private_key *k)
{
	static const struct {
		const char *ssh, *name;
		int length, security;
	} fixed[] = {
	    {"ssh-ed25519", "ed25519", 256, 128},
	    {"ecdsa-sha2-nistp256", "ecdsa-p256", 256, 128},
	    {"ecdsa-sha2-nistp384", "ecdsa-p384", 384, 192},
	    {"ecdsa-sha2-nistp521", "ecdsa-p521", 521, 256},
	};
	const unsigned char *pub, *type, *field;
	size_t publen, tlen, flen;
	struct wire pw;

	if (wire_string(w, &pub, &publen) < 0)
		return;
	pw = (struct wire){.p = pub, .end = pub + publen};
	if (wire_string(&pw, &type, &tlen) < 0 || tlen == 0 || tlen >= sizeof(k->type))
		return;
	memcpy(k->type, type, tlen);
	k->type[tlen] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
		if (strcmp(k->type, fixed[i].ssh) == 0) {
			snprintf(k->type, sizeof(k->type), "%s", fixed[i].name);
			k->length = fixed[i].length;
			k->security_bits = fixed[i].security;
			return;
		}
	}
	if (strcmp(k->type, "ssh-rsa") == 0) {
		/* e, then n */
		snprintf(k->type, sizeof(k->type), "rsa");
		if (wire_string(&pw, &field, &flen) < 0 || wire_string(&pw, &field, &flen) < 0)
			return;
		k->length = mpint_bits(field, flen);
		k->security_bits = k->length < 0 ? -1 : rsa_security_bits(k->length);
	} else if (strcmp(k->type, "ssh-dss") == 0) {
		/* p first */
		snprintf(k->type, sizeof(k->type), "dsa");
		if (wire_string(&pw, &field, &flen) < 0)
			return;
		k->length = mpint_bits(field, flen);
		k->security_bits = 80;
	}
}

#define OPENSSH_KEY_HEADER "-----BEGIN OPENSSH PRIVATE KEY-----"
#define OPENSSH_KEY_MAGIC "openssh-key-v1"

/* OpenSSH's own private key format (PROTOCOL.key). */
static bool parse_openssh_key(const char *data, size_t len, struct private_key *k)
{
	struct span sp = span_make(data, len), line;
	struct strbuf b64 = STRBUF_INIT;
	unsigned char *blob = NULL;
	const unsigned char *cipher, *s;
	size_t blen, clen, slen;
	struct wire w;
	uint32_t nkeys;

	if (len < sizeof(OPENSSH_KEY_HEADER) - 1 ||
	    memcmp(data, OPENSSH_KEY_HEADER, sizeof(OPENSSH_KEY_HEADER) - 1) != 0)
		return false;
	/* a key file whose body does not parse is still reported (osquery:
	 * encrypted unless the body says cipher "none", type '') */
	k->encrypted = true;
	span_line(&sp, &line);
	while (span_line(&sp, &line) == 0) {
		span_trim(&line);
		if (span_startswith(&line, "-----END"))
			break;
		strbuf_add(&b64, line.p, span_len(&line));
	}
	blob = xmalloc(b64.len / 4 * 3 + 3);
	if (b64_decode(b64.buf, b64.len, blob, b64.len / 4 * 3 + 3, &blen) < 0 ||
	    blen < sizeof(OPENSSH_KEY_MAGIC) ||
	    memcmp(blob, OPENSSH_KEY_MAGIC, sizeof(OPENSSH_KEY_MAGIC)) != 0)
		goto out;
	w = (struct wire){.p = blob + sizeof(OPENSSH_KEY_MAGIC), .end = blob + blen};
	if (wire_string(&w, &cipher, &clen) < 0)
		goto out;
	k->encrypted = !wire_string_is(cipher, clen, "none");
	/* kdfname, kdfoptions, number of keys, then the first public key */
	if (wire_string(&w, &s, &slen) < 0 || wire_string(&w, &s, &slen) < 0 ||
	    wire_u32(&w, &nkeys) < 0)
		goto out;
	openssh_public_key(&w, k);
out:
	free(blob);
	strbuf_release(&b64);
	return true;
}

static bool parse_private_key(const char *data, size_t len, struct private_key *k)
{
	*k = (struct private_key){.length = -1, .security_bits = -1};
	/* every PEM private key label holds "PRIVATE KEY": a file without it
	 * is not given to OpenSSL */
	if (!memmem(data, len, "PRIVATE KEY", sizeof("PRIVATE KEY") - 1))
		return false;
	if (parse_pem_key(data, len, k))
		return true;
	*k = (struct private_key){.length = -1, .security_bits = -1};
	return parse_openssh_key(data, len, k);
}

static bool path_selected(const struct query_ctx *q, const struct strbuf *path)
{
	size_t n = qctx_eq_count(q, USK_PATH);

	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *t = qctx_eq_text(q, USK_PATH, i, &len);

		if (t && len == path->len && memcmp(t, path->buf, len) == 0)
			return true;
	}
	return n == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a directory, sorted, "." and ".." left out. */
static int list_dir(const struct rootfs *rfs, const char *dir, char ***ret, size_t *ret_n)
{
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *d;
	int r;

	r = rootfs_opendir(rfs, dir, &d);
	if (r < 0)
		return r;
	while ((de = readdir(d)) != NULL && n < SSH_DIR_ENTRIES_MAX) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			names = xreallocarray(names, alloc, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*ret = names;
	*ret_n = n;
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int user_keys(struct query_ctx *q, const struct user_home *u, struct strbuf *path,
                     struct strbuf *content)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	char **names = NULL;
	size_t n = 0, dirlen;
	int r = 0;

	user_home_path(path, u->home, ".ssh");
	if (list_dir(rfs, path->buf, &names, &n) < 0)
		return 0;
	strbuf_addch(path, '/');
	dirlen = path->len;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct private_key k;
		struct stat st;
		bool truncated = false;

		strbuf_setlen(path, dirlen);
		strbuf_addstr(path, names[i]);
		if (!path_selected(q, path) || rootfs_stat(rfs, path->buf, &st) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		strbuf_reset(content);
		if (rootfs_read(rfs, path->buf, content, SSH_KEY_FILE_MAX, &truncated) < 0 ||
		    truncated || !parse_private_key(content->buf, content->len, &k))
			continue;
		row_begin(q);
		row_int(q, USK_UID, u->uid);
		row_text(q, USK_PATH, path->buf, path->len);
		row_int(q, USK_ENCRYPTED, k.encrypted);
		row_textz(q, USK_KEY_TYPE, k.type);
		row_textz(q, USK_KEY_GROUP_NAME, k.group);
		row_int(q, USK_KEY_LENGTH, k.length);
		row_int(q, USK_KEY_SECURITY_BITS, k.security_bits);
		row_int(q, USK_PID_WITH_NAMESPACE, 0);
		r = row_end(q);
	}
	free_names(names, n);
	return r;
}

static int gen_user_ssh_keys(struct query_ctx *q)
{
	struct strbuf path = STRBUF_INIT, content = STRBUF_INIT;
	struct user_homes us;
	int r;

	if (!host_namespace_selected(q, USK_PID_WITH_NAMESPACE))
		return 0;
	r = user_homes_load(q, USK_UID, &us);
	if (r < 0)
		return r;
	for (size_t i = 0; i < us.n && r == 0; i++)
		r = user_keys(q, &us.v[i], &path, &content);
	strbuf_release(&content);
	strbuf_release(&path);
	user_homes_release(&us);
	return r;
}

const struct table_spec user_ssh_keys_spec = {
    .name = "user_ssh_keys",
    .description = "Returns the private keys in the users ~/.ssh directory and whether or "
                   "not they are encrypted.",
    .source = "regular files of ~/.ssh of every user (users table homes), PEM keys through "
              "OpenSSL, OpenSSH keys by their header",
    TABLE_COLUMNS(user_ssh_keys_cols),
    .generate = gen_user_ssh_keys,
};

/* ------------------------------------------------------------------ */
/* ssh_configs */

enum {
	SC_UID,
	SC_BLOCK,
	SC_OPTION,
	SC_SSH_CONFIG_FILE,
};

static const struct column_spec ssh_configs_cols[] = {
    [SC_UID] = {"uid", COL_BIGINT, COLF_ADDITIONAL | COLF_OPTIMIZED,
                .help = "The local owner of the ssh_config file"},
    [SC_BLOCK] = {"block", COL_TEXT, 0, .help = "The host or match block"},
    [SC_OPTION] = {"option", COL_TEXT, 0, .help = "The option and value"},
    [SC_SSH_CONFIG_FILE] = {"ssh_config_file", COL_TEXT, 0, .help = "Path to the ssh_config file"},
};

static void ascii_lower(char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

static int ssh_config_file(struct query_ctx *q, int64_t uid, const char *path,
                           struct strbuf *content)
{
	struct strbuf block = STRBUF_INIT;
	struct span file, line;
	int r = 0;

	if (read_text_file(qctx_rootfs(q), path, content) < 0)
		return 0;
	/* lowercasing in place keeps every line's length */
	ascii_lower(content->buf, content->len);
	file = span_make(content->buf, content->len);
	while (r == 0 && next_key_line(&file, &line) == 0) {
		if (span_startswith(&line, "host ") || span_startswith(&line, "match ")) {
			strbuf_reset(&block);
			strbuf_add(&block, line.p, span_len(&line));
			continue;
		}
		row_begin(q);
		row_int(q, SC_UID, uid);
		row_text(q, SC_BLOCK, block.buf, block.len);
		row_text(q, SC_OPTION, line.p, span_len(&line));
		row_textz(q, SC_SSH_CONFIG_FILE, path);
		r = row_end(q);
	}
	strbuf_release(&block);
	return r;
}

static bool uid_selected(const struct query_ctx *q, int col, int64_t uid)
{
	size_t n = qctx_eq_count(q, col);

	if (!user_homes_by_uid(q, col))
		return true;
	for (size_t i = 0; i < n; i++) {
		int64_t v;

		if (qctx_eq_int64(q, col, i, &v) == 0 && v == uid)
			return true;
	}
	return false;
}

static int gen_ssh_configs(struct query_ctx *q)
{
	struct strbuf path = STRBUF_INIT, content = STRBUF_INIT;
	struct user_homes us;
	int r;

	r = user_homes_load(q, SC_UID, &us);
	if (r < 0)
		return r;
	for (size_t i = 0; i < us.n && r == 0; i++) {
		user_home_path(&path, us.v[i].home, ".ssh/config");
		r = ssh_config_file(q, us.v[i].uid, path.buf, &content);
	}
	if (r == 0 && uid_selected(q, SC_UID, 0))
		r = ssh_config_file(q, 0, "/etc/ssh/ssh_config", &content);
	strbuf_release(&content);
	strbuf_release(&path);
	user_homes_release(&us);
	return r;
}

const struct table_spec ssh_configs_spec = {
    .name = "ssh_configs",
    .description = "A table of parsed ssh_configs.",
    .source = "~/.ssh/config of every user (users table homes) and /etc/ssh/ssh_config",
    TABLE_COLUMNS(ssh_configs_cols),
    .generate = gen_ssh_configs,
};
