/*
 * curl.c - network requests made at query time: curl (an HTTP GET and
 * its stats) and curl_certificate (the peer certificate of a TLS
 * handshake).
 *
 *   SELECT response_code, bytes FROM curl WHERE url = 'http://127.0.0.1:8080/';
 *   SELECT common_name, valid_to FROM curl_certificate WHERE hostname = 'example.org:443';
 *
 * Data source: the network, not the rootfs (these tables describe a
 * remote peer, so --sysroot does not apply to them).
 *
 * curl, as osquery's tables/networking/curl.cpp: one row per `url = ...`
 * value; method is always "GET"; user_agent is the single `user_agent =`
 * value with CR and LF removed (header injection), or "osquery"; more
 * than one user_agent value gives no rows (osquery logs and returns
 * nothing). response_code is the HTTP status, round_trip_time the
 * request's wall time in microseconds, result the body and bytes its
 * length. When the request fails (bad URL, refused connection, timeout,
 * body too large) the row keeps url/method/user_agent and the other
 * osquery columns are NULL, as in osquery, which only logs the error;
 * spoor puts the error text in the hidden extension column `error`
 * (SELECT *, error FROM curl ...), so it is not lost. Done with libcurl,
 * restricted to http and https (no file://, which would bypass the
 * rootfs), TLS verification on, no redirects followed (osquery's client
 * does not follow them either), bounded times and body.
 *
 * curl_certificate, as osquery's curl_certificate.cpp: `hostname` is
 * "host[:port]" (port 443 by default; split at the first ':', so IPv6
 * literals are not supported, as in osquery); the first IPv4 address is
 * preferred; the TLS handshake sends SNI and does not verify the chain
 * (the point is to see whatever the peer presents). One row per hostname
 * that completes a handshake; a failure gives no row (osquery logs it).
 * Fields: subject/issuer CN, O, OU via X509_NAME_get_text_by_NID;
 * serial_number BN_bn2hex (uppercase); valid_from/to as ASN1_TIME_print
 * ("Jan  2 03:04:05 2024 GMT"); fingerprints lowercase hex without
 * colons; version 1-based; signature_algorithm the short name of the
 * signature NID; signature lowercase hex with ':' separators; extension
 * columns as X509V3_EXT_print with newlines turned into ';' (empty
 * string when absent); has_expired 0/1; timeout and dump_certificate
 * echo the values used; pem only when dump_certificate = 1. timeout
 * (default 4 s, 0 = none, negative = default) bounds the reads, and in
 * spoor the connect too (osquery's connect is unbounded).
 * Deliberate difference: osquery's extension strings keep a trailing NUL
 * where it overwrote the final newline; spoor drops the newline.
 */
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/buffer.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "query_ctx.h"
#include "registry.h"
#include "strbuf.h"
#include "banned.h"

/* A response body past this is refused: result is a text column. */
#define CURL_BODY_MAX ((size_t)16 << 20)
#define CURL_CONNECT_TIMEOUT_S 5L
#define CURL_TOTAL_TIMEOUT_S 30L
#define CURL_DEFAULT_USER_AGENT "osquery"
/* A user agent or URL longer than this is not a header we send. */
#define CURL_FIELD_MAX ((size_t)8 << 10)

#define CC_DEFAULT_TIMEOUT_S 4
#define CC_HOST_MAX 1024
/* osquery reads names into a 256-byte buffer */
#define CC_NAME_MAX 256

/* ------------------------------------------------------------------ */
/* curl */

enum {
	CURL_URL,
	CURL_METHOD,
	CURL_USER_AGENT,
	CURL_RESPONSE_CODE,
	CURL_ROUND_TRIP_TIME,
	CURL_BYTES,
	CURL_RESULT,
	CURL_ERROR,
};

static const struct column_spec curl_cols[] = {
	[CURL_URL] = { "url", COL_TEXT, COLF_INDEX | COLF_REQUIRED | COLF_OPTIMIZED,
		       .help = "The url for the request" },
	[CURL_METHOD] = { "method", COL_TEXT, 0, .help = "The HTTP method for the request" },
	[CURL_USER_AGENT] = { "user_agent", COL_TEXT, COLF_ADDITIONAL,
			      .help = "The user-agent string to use for the request" },
	[CURL_RESPONSE_CODE] = { "response_code", COL_INTEGER, 0,
				 .help = "The HTTP status code for the response" },
	[CURL_ROUND_TRIP_TIME] = { "round_trip_time", COL_BIGINT, 0,
				   .help = "Time taken to complete the request" },
	[CURL_BYTES] = { "bytes", COL_BIGINT, 0, .help = "Number of bytes in the response" },
	[CURL_RESULT] = { "result", COL_TEXT, 0, .help = "The HTTP response body" },
	[CURL_ERROR] = { "error", COL_TEXT, COLF_HIDDEN | COLF_EXTENSION,
			 .help = "Why the request failed (NULL when it completed)" },
};

static size_t curl_body_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct strbuf *body = arg;
	size_t n = size * nmemb;

	/* a short count makes libcurl fail with CURLE_WRITE_ERROR */
	if (n > CURL_BODY_MAX - body->len || strbuf_add(body, data, n) < 0)
		return 0;
	return n;
}

static int64_t monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One GET; emits its row. Returns row_end()'s result. */
static int curl_one(struct query_ctx *q, const char *url, size_t url_len, const char *agent)
{
	struct strbuf body = STRBUF_INIT;
	char errbuf[CURL_ERROR_SIZE] = "";
	char *url_z = NULL;
	CURL *h = NULL;
	CURLcode rc;
	long code = 0;
	int64_t t0, t1;

	row_begin(q);
	row_text(q, CURL_URL, url, url_len);
	row_textz(q, CURL_METHOD, "GET");
	row_textz(q, CURL_USER_AGENT, agent);

	if (url_len > CURL_FIELD_MAX || memchr(url, '\0', url_len)) {
		row_textz(q, CURL_ERROR, "invalid URL");
		goto out;
	}
	url_z = xstrndup(url, url_len);
	strbuf_init(&body, CURL_BODY_MAX + 1);
	h = curl_easy_init();
	if (!h) {
		row_textz(q, CURL_ERROR, "cannot initialise libcurl");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url_z);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, agent);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CURL_CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, CURL_TOTAL_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CURL_BODY_MAX);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, curl_body_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	/* an empty Accept-Encoding list is not sent: bytes is the raw body */

	t0 = monotonic_us();
	rc = curl_easy_perform(h);
	t1 = monotonic_us();
	if (rc != CURLE_OK) {
		row_textf(q, CURL_ERROR, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	row_int(q, CURL_RESPONSE_CODE, code);
	row_int(q, CURL_ROUND_TRIP_TIME, t1 - t0);
	row_text(q, CURL_RESULT, body.buf, body.len);
	row_int(q, CURL_BYTES, (int64_t)body.len);
out:
	if (h)
		curl_easy_cleanup(h);
	free(url_z);
	strbuf_release(&body);
	return row_end(q);
}

static int gen_curl(struct query_ctx *q)
{
	struct strbuf agent = STRBUF_INIT;
	size_t nurls = qctx_eq_count(q, CURL_URL);
	int r = 0;

	if (qctx_eq_count(q, CURL_USER_AGENT) > 1)
		return 0; /* osquery: "Can only accept a single user_agent" */
	if (qctx_eq_count(q, CURL_USER_AGENT) == 1) {
		size_t len;
		const char *ua = qctx_eq_text(q, CURL_USER_AGENT, 0, &len);

		if (!ua)
			return 0; /* user_agent = NULL matches no row */
		for (size_t i = 0; i < len && i < CURL_FIELD_MAX; i++)
			if (ua[i] != '\r' && ua[i] != '\n' && ua[i] != '\0')
				strbuf_addch(&agent, ua[i]);
	} else {
		strbuf_addstr(&agent, CURL_DEFAULT_USER_AGENT);
	}

	for (size_t i = 0; i < nurls; i++) {
		size_t len;
		const char *url = qctx_eq_text(q, CURL_URL, i, &len);

		if (!url)
			continue;
		r = curl_one(q, url, len, agent.buf);
		if (r < 0)
			break;
	}
	strbuf_release(&agent);
	return r;
}

const struct table_spec curl_spec = {
	.name = "curl",
	.description = "Perform an http request and return stats about it.",
	.source = "the network (libcurl GET of each url)",
	TABLE_COLUMNS(curl_cols),
	.generate = gen_curl,
};

/* ------------------------------------------------------------------ */
/* curl_certificate */

enum {
	CC_HOSTNAME,
	CC_COMMON_NAME,
	CC_ORGANIZATION,
	CC_ORGANIZATION_UNIT,
	CC_SERIAL_NUMBER,
	CC_ISSUER_COMMON_NAME,
	CC_ISSUER_ORGANIZATION,
	CC_ISSUER_ORGANIZATION_UNIT,
	CC_VALID_FROM,
	CC_VALID_TO,
	CC_SHA256_FINGERPRINT,
	CC_SHA1_FINGERPRINT,
	CC_VERSION,
	CC_SIGNATURE_ALGORITHM,
	CC_SIGNATURE,
	CC_SUBJECT_KEY_IDENTIFIER,
	CC_AUTHORITY_KEY_IDENTIFIER,
	CC_KEY_USAGE,
	CC_EXTENDED_KEY_USAGE,
	CC_POLICIES,
	CC_SUBJECT_ALTERNATIVE_NAMES,
	CC_ISSUER_ALTERNATIVE_NAMES,
	CC_INFO_ACCESS,
	CC_SUBJECT_INFO_ACCESS,
	CC_POLICY_MAPPINGS,
	CC_HAS_EXPIRED,
	CC_BASIC_CONSTRAINT,
	CC_NAME_CONSTRAINTS,
	CC_POLICY_CONSTRAINTS,
	CC_DUMP_CERTIFICATE,
	CC_TIMEOUT,
	CC_PEM,
};

static const struct column_spec curl_certificate_cols[] = {
	[CC_HOSTNAME] = { "hostname", COL_TEXT, COLF_REQUIRED | COLF_OPTIMIZED,
			  .help = "Hostname to CURL (domain[:port], e.g. osquery.io)" },
	[CC_COMMON_NAME] = { "common_name", COL_TEXT, 0,
			     .help = "Common name of company issued to" },
	[CC_ORGANIZATION] = { "organization", COL_TEXT, 0, .help = "Organization issued to" },
	[CC_ORGANIZATION_UNIT] = { "organization_unit", COL_TEXT, 0,
				   .help = "Organization unit issued to" },
	[CC_SERIAL_NUMBER] = { "serial_number", COL_TEXT, 0, .collate = COLLATE_NOCASE,
			       .help = "Certificate serial number" },
	[CC_ISSUER_COMMON_NAME] = { "issuer_common_name", COL_TEXT, 0,
				    .help = "Issuer common name" },
	[CC_ISSUER_ORGANIZATION] = { "issuer_organization", COL_TEXT, 0,
				     .help = "Issuer organization" },
	[CC_ISSUER_ORGANIZATION_UNIT] = { "issuer_organization_unit", COL_TEXT, 0,
					  .help = "Issuer organization unit" },
	[CC_VALID_FROM] = { "valid_from", COL_TEXT, 0, .help = "Period of validity start date" },
	[CC_VALID_TO] = { "valid_to", COL_TEXT, 0, .help = "Period of validity end date" },
	[CC_SHA256_FINGERPRINT] = { "sha256_fingerprint", COL_TEXT, 0, .collate = COLLATE_NOCASE,
				    .help = "SHA-256 fingerprint" },
	[CC_SHA1_FINGERPRINT] = { "sha1_fingerprint", COL_TEXT, 0, .collate = COLLATE_NOCASE,
				  .help = "SHA1 fingerprint" },
	[CC_VERSION] = { "version", COL_INTEGER, 0, .help = "Version Number" },
	[CC_SIGNATURE_ALGORITHM] = { "signature_algorithm", COL_TEXT, 0,
				     .help = "Signature Algorithm" },
	[CC_SIGNATURE] = { "signature", COL_TEXT, 0, .help = "Signature" },
	[CC_SUBJECT_KEY_IDENTIFIER] = { "subject_key_identifier", COL_TEXT, 0,
					.collate = COLLATE_NOCASE,
					.help = "Subject Key Identifier" },
	[CC_AUTHORITY_KEY_IDENTIFIER] = { "authority_key_identifier", COL_TEXT, 0,
					  .collate = COLLATE_NOCASE,
					  .help = "Authority Key Identifier" },
	[CC_KEY_USAGE] = { "key_usage", COL_TEXT, 0, .help = "Usage of key in certificate" },
	[CC_EXTENDED_KEY_USAGE] = { "extended_key_usage", COL_TEXT, 0,
				    .help = "Extended usage of key in certificate" },
	[CC_POLICIES] = { "policies", COL_TEXT, 0, .help = "Certificate Policies" },
	[CC_SUBJECT_ALTERNATIVE_NAMES] = { "subject_alternative_names", COL_TEXT, 0,
					   .help = "Subject Alternative Name" },
	[CC_ISSUER_ALTERNATIVE_NAMES] = { "issuer_alternative_names", COL_TEXT, 0,
					  .help = "Issuer Alternative Name" },
	[CC_INFO_ACCESS] = { "info_access", COL_TEXT, 0, .help = "Authority Information Access" },
	[CC_SUBJECT_INFO_ACCESS] = { "subject_info_access", COL_TEXT, 0,
				     .help = "Subject Information Access" },
	[CC_POLICY_MAPPINGS] = { "policy_mappings", COL_TEXT, 0, .help = "Policy Mappings" },
	[CC_HAS_EXPIRED] = { "has_expired", COL_INTEGER, 0,
			     .help = "1 if the certificate has expired, 0 otherwise" },
	[CC_BASIC_CONSTRAINT] = { "basic_constraint", COL_TEXT, 0, .help = "Basic Constraints" },
	[CC_NAME_CONSTRAINTS] = { "name_constraints", COL_TEXT, 0, .help = "Name Constraints" },
	[CC_POLICY_CONSTRAINTS] = { "policy_constraints", COL_TEXT, 0,
				    .help = "Policy Constraints" },
	[CC_DUMP_CERTIFICATE] = { "dump_certificate", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
				  .help = "Set this value to '1' to dump certificate" },
	[CC_TIMEOUT] = { "timeout", COL_INTEGER, COLF_HIDDEN | COLF_ADDITIONAL,
			 .help = "Set this value to the timeout in seconds to complete the TLS "
				 "handshake (default 4s, use 0 for no timeout)" },
	[CC_PEM] = { "pem", COL_TEXT, 0, .help = "Certificate PEM format" },
};

static void cc_name_field(struct query_ctx *q, int col, X509_NAME *name, int nid)
{
	char buf[CC_NAME_MAX];

	if (name && X509_NAME_get_text_by_NID(name, nid, buf, sizeof(buf)) >= 0)
		row_textz(q, col, buf);
}

static void cc_hex(struct query_ctx *q, int col, const unsigned char *p, size_t n,
		   const char *sep)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%02x%s", p[i], i + 1 < n ? sep : "");
	row_text(q, col, sb.buf, sb.len);
	strbuf_release(&sb);
}

/* Hands the BIO's text to col (trailing newlines dropped, inner ones as ';'). */
static void cc_bio_text(struct query_ctx *q, int col, BIO *b, bool semicolons)
{
	BUF_MEM *mem = NULL;
	char *s;
	size_t len;

	BIO_get_mem_ptr(b, &mem);
	if (!mem || !mem->length) {
		row_textz(q, col, "");
		return;
	}
	s = mem->data;
	len = mem->length;
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (semicolons)
		for (size_t i = 0; i < len; i++)
			if (s[i] == '\n')
				s[i] = ';';
	row_text(q, col, s, len);
}

static void cc_extension(struct query_ctx *q, int col, X509 *cert, int nid)
{
	const STACK_OF(X509_EXTENSION) *exts;
	X509_EXTENSION *ext;
	BIO *b;
	int idx;

	if (!qctx_used(q, col))
		return;
	exts = X509_get0_extensions(cert);
	idx = exts ? X509v3_get_ext_by_NID(exts, nid, -1) : -1;
	if (idx < 0) {
		row_textz(q, col, "");
		return;
	}
	ext = X509v3_get_ext(exts, idx);
	b = BIO_new(BIO_s_mem());
	if (!b)
		return;
	if (!X509V3_EXT_print(b, ext, 0, 0))
		ASN1_STRING_print(b, X509_EXTENSION_get_data(ext));
	cc_bio_text(q, col, b, true);
	BIO_free(b);
}

static void cc_time(struct query_ctx *q, int col, const ASN1_TIME *t)
{
	BIO *b = BIO_new(BIO_s_mem());

	if (!b)
		return;
	if (ASN1_TIME_print(b, t))
		cc_bio_text(q, col, b, false);
	BIO_free(b);
}

static void cc_digest(struct query_ctx *q, int col, X509 *cert, const EVP_MD *md)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (X509_digest(cert, md, d, &n))
		cc_hex(q, col, d, n, "");
}

static void cc_fill(struct query_ctx *q, X509 *cert, int dump, int timeout)
{
	X509_NAME *subj = X509_get_subject_name(cert);
	X509_NAME *iss = X509_get_issuer_name(cert);
	int sig_nid = X509_get_signature_nid(cert);

	cc_name_field(q, CC_COMMON_NAME, subj, NID_commonName);
	cc_name_field(q, CC_ORGANIZATION, subj, NID_organizationName);
	cc_name_field(q, CC_ORGANIZATION_UNIT, subj, NID_organizationalUnitName);
	if (qctx_used(q, CC_SERIAL_NUMBER)) {
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), NULL);
		char *hex = bn ? BN_bn2hex(bn) : NULL;

		if (hex)
			row_textz(q, CC_SERIAL_NUMBER, hex);
		OPENSSL_free(hex);
		BN_free(bn);
	}
	cc_name_field(q, CC_ISSUER_COMMON_NAME, iss, NID_commonName);
	cc_name_field(q, CC_ISSUER_ORGANIZATION, iss, NID_organizationName);
	cc_name_field(q, CC_ISSUER_ORGANIZATION_UNIT, iss, NID_organizationalUnitName);
	cc_time(q, CC_VALID_FROM, X509_get0_notBefore(cert));
	cc_time(q, CC_VALID_TO, X509_get0_notAfter(cert));
	cc_digest(q, CC_SHA256_FINGERPRINT, cert, EVP_sha256());
	cc_digest(q, CC_SHA1_FINGERPRINT, cert, EVP_sha1());
	row_int(q, CC_VERSION, X509_get_version(cert) + 1);
	row_textz(q, CC_SIGNATURE_ALGORITHM,
		  sig_nid != NID_undef ? OBJ_nid2sn(sig_nid) : LN_undef);
	if (sig_nid == NID_undef) {
		row_textz(q, CC_SIGNATURE, "");
	} else if (qctx_used(q, CC_SIGNATURE)) {
		const ASN1_BIT_STRING *sig = NULL;

		X509_get0_signature(&sig, NULL, cert);
		if (sig)
			cc_hex(q, CC_SIGNATURE, sig->data, (size_t)sig->length, ":");
	}
	cc_extension(q, CC_SUBJECT_KEY_IDENTIFIER, cert, NID_subject_key_identifier);
	cc_extension(q, CC_AUTHORITY_KEY_IDENTIFIER, cert, NID_authority_key_identifier);
	cc_extension(q, CC_KEY_USAGE, cert, NID_key_usage);
	cc_extension(q, CC_EXTENDED_KEY_USAGE, cert, NID_ext_key_usage);
	cc_extension(q, CC_POLICIES, cert, NID_certificate_policies);
	cc_extension(q, CC_SUBJECT_ALTERNATIVE_NAMES, cert, NID_subject_alt_name);
	cc_extension(q, CC_ISSUER_ALTERNATIVE_NAMES, cert, NID_issuer_alt_name);
	cc_extension(q, CC_INFO_ACCESS, cert, NID_info_access);
	cc_extension(q, CC_SUBJECT_INFO_ACCESS, cert, NID_sinfo_access);
	cc_extension(q, CC_POLICY_MAPPINGS, cert, NID_policy_mappings);
	row_int(q, CC_HAS_EXPIRED, X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0);
	cc_extension(q, CC_BASIC_CONSTRAINT, cert, NID_basic_constraints);
	cc_extension(q, CC_NAME_CONSTRAINTS, cert, NID_name_constraints);
	cc_extension(q, CC_POLICY_CONSTRAINTS, cert, NID_policy_constraints);
	row_int(q, CC_TIMEOUT, timeout);
	row_int(q, CC_DUMP_CERTIFICATE, dump);
	if (dump && qctx_used(q, CC_PEM)) {
		BIO *b = BIO_new(BIO_s_mem());

		if (b && PEM_write_bio_X509(b, cert)) {
			BUF_MEM *mem = NULL;

			BIO_get_mem_ptr(b, &mem);
			if (mem)
				row_text(q, CC_PEM, mem->data, mem->length);
		}
		BIO_free(b);
	}
}

/* TCP connect to host:port (IPv4 preferred), with SO_RCVTIMEO/SO_SNDTIMEO
 * (the latter bounds connect() on Linux) when timeout > 0. Returns the
 * socket or -1. */
static int cc_connect(const char *host, const char *port, int timeout)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG };
	struct addrinfo *res = NULL, *pick;
	int fd = -1;

	if (getaddrinfo(host, port, &hints, &res) != 0 || !res)
		return -1;
	pick = res;
	for (struct addrinfo *a = res; a; a = a->ai_next)
		if (a->ai_family == AF_INET) {
			pick = a;
			break;
		}
	fd = socket(pick->ai_family, pick->ai_socktype | SOCK_CLOEXEC, pick->ai_protocol);
	if (fd < 0)
		goto out;
	if (timeout > 0) {
		struct timeval tv = { .tv_sec = timeout };

		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
			goto fail;
	}
	if (connect(fd, pick->ai_addr, pick->ai_addrlen) < 0)
		goto fail;
	goto out;
fail:
	close(fd);
	fd = -1;
out:
	freeaddrinfo(res);
	return fd;
}

/* One hostname: a row when the handshake gives a certificate, else none. */
static int cc_one(struct query_ctx *q, SSL_CTX *ctx, const char *hostname, size_t len, int dump,
		  int timeout)
{
	char host[CC_HOST_MAX];
	const char *port = "443";
	char *colon;
	SSL *ssl = NULL;
	X509 *cert = NULL;
	int fd, r = 0;

	if (len >= sizeof(host) || memchr(hostname, '\0', len))
		return 0;
	memcpy(host, hostname, len);
	host[len] = '\0';
	colon = strchr(host, ':');
	if (colon) {
		*colon = '\0';
		if (colon[1])
			port = colon + 1;
	}
	fd = cc_connect(host, port, timeout);
	if (fd < 0)
		return 0;
	ssl = SSL_new(ctx);
	if (!ssl || !SSL_set_fd(ssl, fd) || SSL_set_tlsext_host_name(ssl, host) != 1)
		goto out;
	SSL_set_mode(ssl, SSL_MODE_AUTO_RETRY);
	if (SSL_connect(ssl) != 1)
		goto out;
	cert = SSL_get1_peer_certificate(ssl);
	if (!cert)
		goto out;
	row_begin(q);
	row_text(q, CC_HOSTNAME, hostname, len);
	cc_fill(q, cert, dump, timeout);
	r = row_end(q);
out:
	X509_free(cert);
	SSL_free(ssl);
	close(fd);
	ERR_clear_error();
	return r;
}

static int gen_curl_certificate(struct query_ctx *q)
{
	int timeout = CC_DEFAULT_TIMEOUT_S, dump = 0, r = 0;
	SSL_CTX *ctx;

	for (size_t i = 0; i < qctx_eq_count(q, CC_DUMP_CERTIFICATE); i++) {
		int64_t v;

		if (qctx_eq_int64(q, CC_DUMP_CERTIFICATE, i, &v) == 0 && v == 1)
			dump = 1;
	}
	if (qctx_eq_count(q, CC_TIMEOUT) > 0) {
		int64_t v;

		/* osquery: unparsable -> default; negative -> default */
		if (qctx_eq_int64(q, CC_TIMEOUT, 0, &v) == 0 && v >= 0 && v <= INT32_MAX)
			timeout = (int)v;
	}
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return -ENOMEM;
	/* no verification: the table reports what the peer presents */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	for (size_t i = 0; i < qctx_eq_count(q, CC_HOSTNAME); i++) {
		size_t len;
		const char *h = qctx_eq_text(q, CC_HOSTNAME, i, &len);

		if (!h)
			continue;
		r = cc_one(q, ctx, h, len, dump, timeout);
		if (r < 0)
			break;
	}
	SSL_CTX_free(ctx);
	return r;
}

const struct table_spec curl_certificate_spec = {
	.name = "curl_certificate",
	.description = "Inspect TLS certificates by connecting to input hostnames.",
	.source = "the network (TLS handshake with each hostname, OpenSSL)",
	TABLE_COLUMNS(curl_certificate_cols),
	.generate = gen_curl_certificate,
};
