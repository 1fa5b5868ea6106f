/*
 * test_live_curl.c - curl and curl_certificate against servers this test
 * starts on 127.0.0.1 (never another host):
 *   - curl against `python3 -m http.server` serving a file of known size
 *     and content: response_code, bytes, result, method, user_agent
 *     (default, given, CR/LF stripped), a 404, and the failure rows
 *     (closed port, malformed URL, file:// refused) that keep url/method/
 *     user_agent, leave the rest NULL and say why in `error`;
 *   - curl_certificate against `openssl s_server` presenting a
 *     certificate the test makes with `openssl req -x509`, each field
 *     compared with `openssl x509` on the same file: subject and issuer
 *     names, serial, dates, fingerprints, key identifiers, SAN, basic
 *     constraints, PEM; a closed port gives no row.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

#define BODY_SIZE 3000

struct server {
	struct test_tree tree;
	pid_t pid;
	int port;
};

/* A port that was free a moment ago (the kernel's choice for port 0). */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static void wait_listening(int port)
{
	for (int i = 0; i < 200; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons((uint16_t)port),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		int ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
		struct timespec ts = { .tv_nsec = 50 * 1000 * 1000 };

		close(fd);
		if (ok)
			return;
		nanosleep(&ts, NULL);
	}
	fail_msg("server on 127.0.0.1:%d did not start", port);
}

static void server_stop(struct server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	test_tree_remove(&s->tree);
}

/* ------------------------------------------------------------------ */
/* curl */

static int http_setup(void **state)
{
	struct server *s = calloc(1, sizeof(*s));
	char body[BODY_SIZE];
	char port[16];

	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (char)('a' + i % 26);
	test_tree_make(&s->tree);
	test_tree_write(&s->tree, "data.txt", body, sizeof(body));
	s->port = free_port();
	snprintf(port, sizeof(port), "%d", s->port);
	s->pid = test_fork();
	if (s->pid == 0) {
		freopen("/dev/null", "w", stderr);
		freopen("/dev/null", "w", stdout);
		execlp("python3", "python3", "-m", "http.server", "--bind", "127.0.0.1",
		       "--directory", s->tree.dir, port, (char *)NULL);
		_exit(127);
	}
	wait_listening(s->port);
	*state = s;
	return 0;
}

static int server_teardown(void **state)
{
	struct server *s = *state;

	server_stop(s);
	free(s);
	return 0;
}

static char *expected_body(void)
{
	char *b = malloc(BODY_SIZE + 1);

	for (size_t i = 0; i < BODY_SIZE; i++)
		b[i] = (char)('a' + i % 26);
	b[BODY_SIZE] = '\0';
	return b;
}

static void test_curl_get(void **state)
{
	struct server *s = *state;
	struct engine *eng = test_engine(NULL);
	char sql[512], want[512];
	char *body = expected_body();
	struct test_rows rows = { 0 };

	/* every column, one request */
	snprintf(sql, sizeof(sql), "SELECT * FROM curl WHERE url = 'http://127.0.0.1:%d/data.txt'",
		 s->port);
	test_query_ok(eng, sql, &rows);
	assert_int_equal(rows.nrows, 1);
	snprintf(want, sizeof(want), "http://127.0.0.1:%d/data.txt", s->port);
	assert_string_equal(test_get(&rows, 0, "url"), want);
	assert_string_equal(test_get(&rows, 0, "method"), "GET");
	assert_string_equal(test_get(&rows, 0, "user_agent"), "osquery");
	assert_string_equal(test_get(&rows, 0, "response_code"), "200");
	assert_string_equal(test_get(&rows, 0, "bytes"), "3000");
	assert_string_equal(test_get(&rows, 0, "result"), body);
	assert_true(strtoll(test_get(&rows, 0, "round_trip_time"), NULL, 10) > 0);
	test_rows_free(&rows);

	/* the user agent is the one given, CR/LF removed */
	snprintf(sql, sizeof(sql),
		 "SELECT user_agent, response_code, bytes, error FROM curl WHERE url = "
		 "'http://127.0.0.1:%d/data.txt' AND user_agent = 'spoor' || char(13, 10) || 'test'",
		 s->port);
	/* the module re-checks user_agent = ... on the row: the sanitized value
	 * does not equal the constraint, so osquery returns no row either */
	test_assert_query(eng, sql, "");
	snprintf(sql, sizeof(sql),
		 "SELECT user_agent, response_code, bytes, error FROM curl WHERE url = "
		 "'http://127.0.0.1:%d/data.txt' AND user_agent = 'spoor-test/1.0'",
		 s->port);
	test_assert_query(eng, sql, "spoor-test/1.0|200|3000|NULL\n");

	/* two user agents: osquery returns nothing */
	snprintf(sql, sizeof(sql),
		 "SELECT url FROM curl WHERE url = 'http://127.0.0.1:%d/data.txt' AND "
		 "user_agent IN ('a', 'b')",
		 s->port);
	test_assert_query(eng, sql, "");

	/* a 404 is a completed request: code, body and its length */
	snprintf(sql, sizeof(sql),
		 "SELECT response_code, bytes = length(CAST(result AS BLOB)), bytes > 0, error "
		 "FROM curl WHERE url = 'http://127.0.0.1:%d/missing'",
		 s->port);
	test_assert_query(eng, sql, "404|1|1|NULL\n");

	/* IN: one row per url */
	snprintf(sql, sizeof(sql),
		 "SELECT response_code, bytes = length(CAST(result AS BLOB)) FROM curl WHERE url IN "
		 "('http://127.0.0.1:%d/data.txt', 'http://127.0.0.1:%d/missing') ORDER BY 1",
		 s->port, s->port);
	test_assert_query(eng, sql, "200|1\n404|1\n");

	free(body);
	engine_free(eng);
}

static void test_curl_failures(void **state)
{
	struct engine *eng = test_engine(NULL);
	int closed = free_port();
	char sql[512], want[512];

	(void)state;
	/* refused connection: a row, not an SQL error */
	snprintf(sql, sizeof(sql),
		 "SELECT url, method, user_agent, response_code, round_trip_time, bytes, result, "
		 "error LIKE '%%connect%%' FROM curl WHERE url = 'http://127.0.0.1:%d/'",
		 closed);
	snprintf(want, sizeof(want), "http://127.0.0.1:%d/|GET|osquery|NULL|NULL|NULL|NULL|1\n",
		 closed);
	test_assert_query(eng, sql, want);

	/* osquery's own sanity query: an empty url */
	test_assert_query(eng,
			  "SELECT url, method, response_code, result, error IS NOT NULL "
			  "FROM curl WHERE url = ''",
			  "|GET|NULL|NULL|1\n");
	/* malformed URL */
	test_assert_query(eng,
			  "SELECT response_code, error IS NOT NULL FROM curl "
			  "WHERE url = 'http://127.0.0.1:99999999/'",
			  "NULL|1\n");
	/* only http and https: file:// would read the host around the rootfs */
	test_assert_query(eng,
			  "SELECT response_code, result, error LIKE '%protocol%' FROM curl "
			  "WHERE url = 'file:///etc/hostname'",
			  "NULL|NULL|1\n");
	/* url is required */
	test_assert_query_fails(eng, "SELECT * FROM curl", "url");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* curl_certificate */

static int tls_setup(void **state)
{
	struct server *s = calloc(1, sizeof(*s));
	char cmd[1024], accept[64], cert[128], key[128];

	test_tree_make(&s->tree);
	snprintf(cert, sizeof(cert), "%s/cert.pem", s->tree.dir);
	snprintf(key, sizeof(key), "%s/key.pem", s->tree.dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -days 30 -sha256 "
		 "-subj '/C=US/O=Spoor Test Org/OU=QA Unit/CN=spoor.test' "
		 "-addext 'subjectAltName=DNS:spoor.test,IP:127.0.0.1' "
		 "-keyout %s -out %s 2>/dev/null",
		 key, cert);
	free(test_run(cmd));
	s->port = free_port();
	snprintf(accept, sizeof(accept), "127.0.0.1:%d", s->port);
	s->pid = test_fork();
	if (s->pid == 0) {
		freopen("/dev/null", "r", stdin);
		freopen("/dev/null", "w", stderr);
		freopen("/dev/null", "w", stdout);
		execlp("openssl", "openssl", "s_server", "-accept", accept, "-cert", cert, "-key",
		       key, "-www", "-quiet", (char *)NULL);
		_exit(127);
	}
	wait_listening(s->port);
	*state = s;
	return 0;
}

/* The value after "<key>=" on a line of openssl x509 output (malloc'd). */
static char *x509_field(const char *out, const char *key)
{
	size_t klen = strlen(key);

	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, klen) == 0 && l[klen] == '=') {
			const char *v = l + klen + 1;

			return strndup(v, strcspn(v, "\n"));
		}
	}
	fail_msg("no %s= in openssl output:\n%s", key, out);
	return NULL;
}

/* "AB:CD:.." -> "abcd.." */
static char *fingerprint(const char *colons)
{
	char *r = malloc(strlen(colons) + 1), *w = r;

	for (const char *p = colons; *p; p++)
		if (*p != ':')
			*w++ = (char)tolower((unsigned char)*p);
	*w = '\0';
	return r;
}

/* The value line(s) of `openssl x509 -ext NAME`, trimmed, joined by ';'. */
static char *x509_ext(const char *cert, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char cmd[512], *out, *save = NULL;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "openssl x509 -noout -in %s -ext %s", cert, name);
	out = test_run(cmd);
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n++ == 0)
			continue; /* "X509v3 ...:" header */
		while (*l == ' ')
			l++;
		if (sb.len)
			strbuf_addch(&sb, ';');
		strbuf_addstr(&sb, l);
	}
	free(out);
	return strbuf_detach(&sb, NULL);
}

static void test_curl_certificate(void **state)
{
	struct server *s = *state;
	struct engine *eng = test_engine(NULL);
	struct test_rows rows = { 0 };
	char cert[128], cmd[512], sql[256];
	char *out, *v, *pem;

	snprintf(cert, sizeof(cert), "%s/cert.pem", s->tree.dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl x509 -noout -in %s -serial -dates -fingerprint -sha256 "
		 "-nameopt sep_multiline,sname -subject -issuer",
		 cert);
	out = test_run(cmd);
	snprintf(sql, sizeof(sql), "SELECT *, timeout, dump_certificate FROM curl_certificate "
		 "WHERE hostname = '127.0.0.1:%d'", s->port);
	test_query_ok(eng, sql, &rows);
	assert_int_equal(rows.nrows, 1);

	/* names: openssl's multiline output lists "    CN=spoor.test" etc. */
	assert_non_null(strstr(out, "\n    CN=spoor.test"));
	assert_non_null(strstr(out, "\n    O=Spoor Test Org"));
	assert_non_null(strstr(out, "\n    OU=QA Unit"));
	assert_string_equal(test_get(&rows, 0, "common_name"), "spoor.test");
	assert_string_equal(test_get(&rows, 0, "organization"), "Spoor Test Org");
	assert_string_equal(test_get(&rows, 0, "organization_unit"), "QA Unit");
	/* self-signed: issuer = subject */
	assert_string_equal(test_get(&rows, 0, "issuer_common_name"), "spoor.test");
	assert_string_equal(test_get(&rows, 0, "issuer_organization"), "Spoor Test Org");
	assert_string_equal(test_get(&rows, 0, "issuer_organization_unit"), "QA Unit");

	v = x509_field(out, "serial");
	assert_string_equal(test_get(&rows, 0, "serial_number"), v);
	free(v);
	v = x509_field(out, "notBefore");
	assert_string_equal(test_get(&rows, 0, "valid_from"), v);
	free(v);
	v = x509_field(out, "notAfter");
	assert_string_equal(test_get(&rows, 0, "valid_to"), v);
	free(v);
	{
		char *raw = x509_field(out, "sha256 Fingerprint");

		v = fingerprint(raw);
		assert_string_equal(test_get(&rows, 0, "sha256_fingerprint"), v);
		free(v);
		free(raw);
	}
	free(out);
	snprintf(cmd, sizeof(cmd), "openssl x509 -noout -in %s -fingerprint -sha1", cert);
	out = test_run(cmd);
	{
		char *raw = x509_field(out, "sha1 Fingerprint");

		v = fingerprint(raw);
		assert_string_equal(test_get(&rows, 0, "sha1_fingerprint"), v);
		free(v);
		free(raw);
	}
	free(out);

	assert_string_equal(test_get(&rows, 0, "version"), "3");
	assert_string_equal(test_get(&rows, 0, "signature_algorithm"), "RSA-SHA256");
	/* 2048-bit RSA: 256 bytes as "xx:" */
	assert_int_equal(strlen(test_get(&rows, 0, "signature")), 256 * 3 - 1);
	assert_string_equal(test_get(&rows, 0, "has_expired"), "0");

	v = x509_ext(cert, "subjectKeyIdentifier");
	assert_string_equal(test_get(&rows, 0, "subject_key_identifier"), v);
	free(v);
	v = x509_ext(cert, "authorityKeyIdentifier");
	assert_string_equal(test_get(&rows, 0, "authority_key_identifier"), v);
	free(v);
	v = x509_ext(cert, "subjectAltName");
	assert_string_equal(test_get(&rows, 0, "subject_alternative_names"), v);
	assert_string_equal(v, "DNS:spoor.test, IP Address:127.0.0.1");
	free(v);
	v = x509_ext(cert, "basicConstraints");
	assert_string_equal(test_get(&rows, 0, "basic_constraint"), v);
	free(v);
	/* absent extensions are empty strings, as in osquery */
	assert_string_equal(test_get(&rows, 0, "key_usage"), "");
	assert_string_equal(test_get(&rows, 0, "policies"), "");
	assert_string_equal(test_get(&rows, 0, "name_constraints"), "");
	/* defaults: 4 s, no PEM */
	assert_string_equal(test_get(&rows, 0, "timeout"), "4");
	assert_string_equal(test_get(&rows, 0, "dump_certificate"), "0");
	assert_null(test_get(&rows, 0, "pem"));
	test_rows_free(&rows);

	/* dump_certificate = 1: the PEM openssl wrote */
	pem = test_read_file(cert);
	snprintf(sql, sizeof(sql), "SELECT pem, timeout FROM curl_certificate "
		 "WHERE hostname = '127.0.0.1:%d' AND dump_certificate = 1 AND timeout = 2", s->port);
	test_query_ok(eng, sql, &rows);
	assert_int_equal(rows.nrows, 1);
	assert_string_equal(test_get(&rows, 0, "pem"), pem);
	assert_string_equal(test_get(&rows, 0, "timeout"), "2");
	test_rows_free(&rows);
	free(pem);

	engine_free(eng);
}

static void test_curl_certificate_failures(void **state)
{
	struct engine *eng = test_engine(NULL);
	char sql[256];

	(void)state;
	/* nothing listening: no row, no error */
	snprintf(sql, sizeof(sql), "SELECT hostname FROM curl_certificate "
		 "WHERE hostname = '127.0.0.1:%d'", free_port());
	test_assert_query(eng, sql, "");
	/* a name that does not resolve: no row */
	test_assert_query(eng, "SELECT hostname FROM curl_certificate WHERE hostname = ''", "");
	test_assert_query_fails(eng, "SELECT * FROM curl_certificate", "hostname");
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_curl_get, http_setup, server_teardown),
		cmocka_unit_test(test_curl_failures),
		cmocka_unit_test_setup_teardown(test_curl_certificate, tls_setup, server_teardown),
		cmocka_unit_test(test_curl_certificate_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
