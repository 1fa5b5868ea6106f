/*
 * certificates.c - X.509 certificates in the host's PEM CA bundles.
 *
 *   SELECT common_name, not_valid_after FROM certificates WHERE ca = 1;
 *   SELECT * FROM certificates WHERE path = '/etc/ssl/mycert.pem';
 *
 * Data source, as osquery's Linux table: the two distribution CA bundles
 * /etc/pki/tls/certs/ca-bundle.crt (RHEL family) and
 * /etc/ssl/certs/ca-certificates.crt (Debian family), or the files named
 * by `path = ...` / `path IN (...)` instead of them. Each file is read
 * whole through the rootfs layer (bounded) and every PEM certificate in
 * it (BEGIN CERTIFICATE / TRUSTED CERTIFICATE / X509 CERTIFICATE, via
 * PEM_X509_INFO_read_bio on a memory BIO) is one row; other PEM blocks
 * (keys, CRLs) give no row. A file OpenSSL cannot parse as a whole (a
 * corrupt PEM block) gives no rows, as in osquery, which logs and moves
 * on; a missing file gives no rows. DER files are not read (osquery
 * does not either).
 *
 * Column semantics follow osquery's openssl_utils: subject/issuer are
 * X509_NAME_oneline ("/C=US/O=..."), subject2/issuer2 are
 * X509_NAME_print_ex with XN_FLAG_ONELINE ("C = US, O = ..."); sha1 is
 * the lowercase hex digest of the DER; serial is BN_bn2hex (uppercase);
 * key ids are lowercase hex; key_usage lists the keyUsage bits (not the
 * extended usages) in osquery's fixed order; key_strength is the key
 * size in bits for RSA/DSA (EVP_PKEY_size * 8, as osquery computes it)
 * and the curve's long name for EC keys. not_valid_before/after are
 * seconds since the epoch. Deliberate difference: osquery converts the
 * GMT time with mktime(), i.e. as local time; spoor converts it as UTC,
 * which is what the certificate means (identical on a UTC host).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strbuf.h"
#include "banned.h"

/* The Debian bundle is ~220 KiB; a bundle past this is not a CA store. */
#define CERT_FILE_MAX ((size_t)64 << 20)

enum {
	CERT_COMMON_NAME,
	CERT_SUBJECT,
	CERT_SUBJECT2,
	CERT_ISSUER,
	CERT_ISSUER2,
	CERT_CA,
	CERT_SELF_SIGNED,
	CERT_NOT_VALID_BEFORE,
	CERT_NOT_VALID_AFTER,
	CERT_SIGNING_ALGORITHM,
	CERT_KEY_ALGORITHM,
	CERT_KEY_STRENGTH,
	CERT_KEY_USAGE,
	CERT_SUBJECT_KEY_ID,
	CERT_AUTHORITY_KEY_ID,
	CERT_SHA1,
	CERT_PATH,
	CERT_SERIAL,
	CERT_SID,
	CERT_STORE_LOCATION,
	CERT_STORE,
	CERT_USERNAME,
	CERT_STORE_ID,
};

static const struct column_spec certificates_cols[] = {
	[CERT_COMMON_NAME] = { "common_name", COL_TEXT, 0, .help = "Certificate CommonName" },
	[CERT_SUBJECT] = { "subject", COL_TEXT, 0,
			   .help = "Certificate distinguished name (deprecated, use subject2)" },
	[CERT_SUBJECT2] = { "subject2", COL_TEXT, 0, .help = "Certificate distinguished name" },
	[CERT_ISSUER] = { "issuer", COL_TEXT, 0,
			  .help = "Certificate issuer distinguished name (deprecated, use "
				  "issuer2)" },
	[CERT_ISSUER2] = { "issuer2", COL_TEXT, 0,
			   .help = "Certificate issuer distinguished name" },
	[CERT_CA] = { "ca", COL_INTEGER, 0,
		      .help = "1 if CA: true (certificate is an authority) else 0" },
	[CERT_SELF_SIGNED] = { "self_signed", COL_INTEGER, 0, .help = "1 if self-signed, else 0" },
	[CERT_NOT_VALID_BEFORE] = { "not_valid_before", COL_TEXT, 0,
				    .help = "Lower bound of valid date" },
	[CERT_NOT_VALID_AFTER] = { "not_valid_after", COL_TEXT, 0,
				   .help = "Certificate expiration data" },
	[CERT_SIGNING_ALGORITHM] = { "signing_algorithm", COL_TEXT, 0,
				     .help = "Signing algorithm used" },
	[CERT_KEY_ALGORITHM] = { "key_algorithm", COL_TEXT, 0, .help = "Key algorithm used" },
	[CERT_KEY_STRENGTH] = { "key_strength", COL_TEXT, 0,
				.help = "Key size used for RSA/DSA, or curve name" },
	[CERT_KEY_USAGE] = { "key_usage", COL_TEXT, 0,
			     .help = "Certificate key usage and extended key usage" },
	[CERT_SUBJECT_KEY_ID] = { "subject_key_id", COL_TEXT, 0, .collate = COLLATE_NOCASE,
				  .help = "SKID an optionally included SHA1" },
	[CERT_AUTHORITY_KEY_ID] = { "authority_key_id", COL_TEXT, 0, .collate = COLLATE_NOCASE,
				    .help = "AKID an optionally included SHA1" },
	[CERT_SHA1] = { "sha1", COL_TEXT, 0, .collate = COLLATE_NOCASE,
			.help = "SHA1 hash of the raw certificate contents" },
	[CERT_PATH] = { "path", COL_TEXT, COLF_ADDITIONAL | COLF_OPTIMIZED,
			.help = "Path to Keychain or PEM bundle" },
	[CERT_SERIAL] = { "serial", COL_TEXT, 0, .collate = COLLATE_NOCASE,
			  .help = "Certificate serial number" },
	[CERT_SID] = { "sid", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS, .help = "SID" },
	[CERT_STORE_LOCATION] = { "store_location", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
				  .help = "Certificate system store location" },
	[CERT_STORE] = { "store", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
			 .help = "Certificate system store" },
	[CERT_USERNAME] = { "username", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS, .help = "Username" },
	[CERT_STORE_ID] = { "store_id", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
			    .help = "Exists for service/user stores. Contains raw store id "
				    "provided by WinAPI." },
};

static const char *const default_bundles[] = {
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/certs/ca-certificates.crt",
};

/* keyUsage bits in osquery's order (ascending flag value). */
static const struct {
	uint32_t flag;
	const char *name;
} key_usage_names[] = {
	{ KU_ENCIPHER_ONLY, "Encipher Only" },
	{ KU_CRL_SIGN, "CRL Sign" },
	{ KU_KEY_CERT_SIGN, "Key Cert Sign" },
	{ KU_KEY_AGREEMENT, "Key Agreement" },
	{ KU_DATA_ENCIPHERMENT, "Data Encipherment" },
	{ KU_KEY_ENCIPHERMENT, "Key Encipherment" },
	{ KU_NON_REPUDIATION, "Non Repudiation" },
	{ KU_DIGITAL_SIGNATURE, "Digital Signature" },
	{ KU_DECIPHER_ONLY, "Decipher Only" },
};

static void row_hex(struct query_ctx *q, int col, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		strbuf_addch(&sb, digits[p[i] >> 4]);
		strbuf_addch(&sb, digits[p[i] & 15]);
	}
	row_text(q, col, sb.buf, sb.len);
	strbuf_release(&sb);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void row_asn1_time(struct query_ctx *q, int col, const ASN1_TIME *t)
{
	struct tm tm;
	int64_t secs;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return; /* unparsable: NULL */
	secs = days_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
	       tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	row_textf(q, col, "%lld", (long long)secs);
}

static void row_x509_name(struct query_ctx *q, int col, const X509_NAME *name, bool oneline)
{
	if (!name)
		return;
	if (oneline) {
		char *s = X509_NAME_oneline(name, NULL, 0);

		if (s)
			row_textz(q, col, s);
		OPENSSL_free(s);
	} else {
		BIO *bio = BIO_new(BIO_s_mem());
		char *data = NULL;
		long n;

		if (!bio)
			return;
		if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_ONELINE) >= 0) {
			n = BIO_get_mem_data(bio, &data);
			if (n >= 0)
				row_text(q, col, data ? data : "", (size_t)n);
		}
		BIO_free(bio);
	}
}

static void row_common_name(struct query_ctx *q, X509 *x)
{
	const X509_NAME *name = X509_get_subject_name(x);
	const ASN1_STRING *data;
	int idx;

	if (!name)
		return;
	idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	if (idx < 0)
		return;
	data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
	/* the raw bytes of the first CN, whatever its ASN.1 string type */
	if (data && ASN1_STRING_length(data) > 0)
		row_text(q, CERT_COMMON_NAME, (const char *)ASN1_STRING_get0_data(data),
			 (size_t)ASN1_STRING_length(data));
}

static void row_key_info(struct query_ctx *q, X509 *x)
{
	X509_PUBKEY *pub = X509_get_X509_PUBKEY(x);
	ASN1_OBJECT *alg = NULL;
	EVP_PKEY *pkey;
	int nid;

	if (!pub || !X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL, pub) || !alg)
		return;
	nid = OBJ_obj2nid(alg);
	if (nid == NID_undef)
		return;
	row_textz(q, CERT_KEY_ALGORITHM, OBJ_nid2ln(nid));
	if (!qctx_used(q, CERT_KEY_STRENGTH))
		return;
	pkey = X509_get_pubkey(x);
	if (!pkey)
		return;
	if (nid == NID_rsaEncryption || nid == NID_dsa) {
		int size = EVP_PKEY_get_size(pkey);

		if (size > 0)
			row_textf(q, CERT_KEY_STRENGTH, "%d", size * 8);
	} else if (nid == NID_X9_62_id_ecPublicKey) {
		char group[80];
		size_t len = 0;

		if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
						   sizeof(group), &len) == 1) {
			int curve = OBJ_sn2nid(group);

			if (curve == NID_undef)
				curve = OBJ_txt2nid(group);
			if (curve != NID_undef)
				row_textz(q, CERT_KEY_STRENGTH, OBJ_nid2ln(curve));
		}
	}
	EVP_PKEY_free(pkey);
}

static void row_key_usage(struct query_ctx *q, X509 *x)
{
	uint32_t ku = X509_get_key_usage(x);
	struct strbuf sb = STRBUF_INIT;

	if (ku == UINT32_MAX)
		return; /* no keyUsage extension */
	for (size_t i = 0; i < ARRAY_SIZE(key_usage_names); i++) {
		if (!(ku & key_usage_names[i].flag))
			continue;
		if (sb.len)
			strbuf_addstr(&sb, ", ");
		strbuf_addstr(&sb, key_usage_names[i].name);
	}
	row_text(q, CERT_KEY_USAGE, sb.buf, sb.len);
	strbuf_release(&sb);
}

static void row_serial(struct query_ctx *q, X509 *x)
{
	const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
	BIGNUM *bn;
	char *hex;

	if (!serial)
		return;
	bn = ASN1_INTEGER_to_BN(serial, NULL);
	if (!bn)
		return;
	hex = BN_bn2hex(bn);
	if (hex)
		row_textz(q, CERT_SERIAL, hex);
	OPENSSL_free(hex);
	BN_free(bn);
}

static int emit_cert(struct query_ctx *q, const char *path, X509 *x)
{
	static const int text_cols[] = {
		CERT_COMMON_NAME,   CERT_SUBJECT,	 CERT_SUBJECT2,	      CERT_ISSUER,
		CERT_ISSUER2,	    CERT_SIGNING_ALGORITHM, CERT_KEY_ALGORITHM, CERT_KEY_STRENGTH,
		CERT_KEY_USAGE,	    CERT_SUBJECT_KEY_ID, CERT_AUTHORITY_KEY_ID, CERT_SHA1,
		CERT_SERIAL,
	};

	row_begin(q);
	/* osquery sets every text column, '' when the certificate lacks it */
	for (size_t i = 0; i < ARRAY_SIZE(text_cols); i++)
		row_text(q, text_cols[i], "", 0);
	row_textz(q, CERT_PATH, path);
	if (qctx_used(q, CERT_COMMON_NAME))
		row_common_name(q, x);
	if (qctx_used(q, CERT_SUBJECT))
		row_x509_name(q, CERT_SUBJECT, X509_get_subject_name(x), true);
	if (qctx_used(q, CERT_SUBJECT2))
		row_x509_name(q, CERT_SUBJECT2, X509_get_subject_name(x), false);
	if (qctx_used(q, CERT_ISSUER))
		row_x509_name(q, CERT_ISSUER, X509_get_issuer_name(x), true);
	if (qctx_used(q, CERT_ISSUER2))
		row_x509_name(q, CERT_ISSUER2, X509_get_issuer_name(x), false);
	if (qctx_used(q, CERT_CA))
		row_int(q, CERT_CA, X509_check_ca(x) > 0);
	if (qctx_used(q, CERT_SELF_SIGNED))
		row_int(q, CERT_SELF_SIGNED, X509_check_issued(x, x) == X509_V_OK);
	if (qctx_used(q, CERT_NOT_VALID_BEFORE))
		row_asn1_time(q, CERT_NOT_VALID_BEFORE, X509_get0_notBefore(x));
	if (qctx_used(q, CERT_NOT_VALID_AFTER))
		row_asn1_time(q, CERT_NOT_VALID_AFTER, X509_get0_notAfter(x));
	if (qctx_used(q, CERT_SIGNING_ALGORITHM)) {
		int nid = X509_get_signature_nid(x);

		if (nid != NID_undef && OBJ_nid2ln(nid))
			row_textz(q, CERT_SIGNING_ALGORITHM, OBJ_nid2ln(nid));
	}
	if (qctx_any_used(q, CERT_KEY_ALGORITHM, CERT_KEY_STRENGTH))
		row_key_info(q, x);
	if (qctx_used(q, CERT_KEY_USAGE))
		row_key_usage(q, x);
	if (qctx_used(q, CERT_SUBJECT_KEY_ID)) {
		const ASN1_OCTET_STRING *id = X509_get0_subject_key_id(x);

		if (id)
			row_hex(q, CERT_SUBJECT_KEY_ID, ASN1_STRING_get0_data(id),
				(size_t)ASN1_STRING_length(id));
	}
	if (qctx_used(q, CERT_AUTHORITY_KEY_ID)) {
		const ASN1_OCTET_STRING *id = X509_get0_authority_key_id(x);

		if (id)
			row_hex(q, CERT_AUTHORITY_KEY_ID, ASN1_STRING_get0_data(id),
				(size_t)ASN1_STRING_length(id));
	}
	if (qctx_used(q, CERT_SHA1)) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;

		if (X509_digest(x, EVP_sha1(), md, &mdlen) == 1)
			row_hex(q, CERT_SHA1, md, mdlen);
	}
	if (qctx_used(q, CERT_SERIAL))
		row_serial(q, x);
	return row_end(q);
}

static int scan_bundle(struct query_ctx *q, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	STACK_OF(X509_INFO) *infos = NULL;
	bool truncated = false;
	BIO *bio = NULL;
	int r;

	r = rootfs_read(qctx_rootfs(q), path, &sb, CERT_FILE_MAX, &truncated);
	/* absent, unreadable, a directory or too big: no rows, as osquery */
	if (r < 0 || truncated || sb.len > INT32_MAX) {
		r = 0;
		goto out;
	}
	bio = BIO_new_mem_buf(sb.buf, (int)sb.len);
	if (!bio) {
		r = -ENOMEM;
		goto out;
	}
	infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
	if (!infos)
		goto out; /* a corrupt PEM block: OpenSSL drops the file */
	for (int i = 0; i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *info = sk_X509_INFO_value(infos, i);

		if (!info || !info->x509)
			continue;
		r = emit_cert(q, path, info->x509);
		if (r < 0)
			goto out;
	}
out:
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(bio);
	strbuf_release(&sb);
	/* OpenSSL's error queue is per thread: leave nothing for the next caller */
	ERR_clear_error();
	return r;
}

static int gen_certificates(struct query_ctx *q)
{
	size_t n = qctx_eq_count(q, CERT_PATH);
	int r;

	if (n == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(default_bundles); i++) {
			r = scan_bundle(q, default_bundles[i]);
			if (r < 0)
				return r;
		}
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const char *path = qctx_eq_text(q, CERT_PATH, i, NULL);

		if (!path || path[0] != '/')
			continue;
		r = scan_bundle(q, path);
		if (r < 0)
			return r;
	}
	return 0;
}

const struct table_spec certificates_spec = {
	.name = "certificates",
	.description = "Certificate Authorities installed in Keychains/ca-bundles. NOTE: osquery "
		       "limits frequent access to keychain files on macOS. This limit is "
		       "controlled by keychain_access_interval flag. On macOS, 'path' may "
		       "point to either a keychain file or a DER/PEM-encoded certificate file; "
		       "non-keychain files are parsed as DER/PEM.",
	.source = "/etc/pki/tls/certs/ca-bundle.crt, /etc/ssl/certs/ca-certificates.crt or the "
		  "path = files (PEM, OpenSSL)",
	TABLE_COLUMNS(certificates_cols),
	.attributes = TABLE_CACHEABLE,
	.generate = gen_certificates,
};
