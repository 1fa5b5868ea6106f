/*
 * test_live_certificates.c - certificates against openssl(1) on this
 * host's CA bundle, at the same moment.
 *
 * The bundle (/etc/ssl/certs/ca-certificates.crt) is split into its
 * PEM certificates with awk and each one is printed by
 *   openssl x509 -noout -subject -issuer -serial -fingerprint -sha1
 *                -startdate -enddate -nameopt compat
 * (compat is X509_NAME_oneline's format, osquery's "subject"), with the
 * dates turned into epoch seconds by date(1) -u. spoor must give the
 * same certificates, in bundle order, with the same subject, issuer,
 * serial, sha1 and validity bounds; subject2 is compared against
 * -nameopt oneline for the same certificates, and a single-certificate
 * file from /etc/ssl/certs is read with path = as well. One known
 * difference in format: a zero serial is "00" for openssl and "0" for
 * BN_bn2hex, which osquery (and so spoor) reports.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "testutil.h"

#define BUNDLE "/etc/ssl/certs/ca-certificates.crt"

/* Splits BUNDLE and prints "subject|issuer|serial|sha1|before|after"
 * (or "subject2" with -nameopt oneline) per certificate. */
static char *openssl_rows(const char *nameopt, int limit)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		 "set -e; d=$(mktemp -d); trap 'rm -rf \"$d\"' EXIT; "
		 "awk -v d=\"$d\" -v lim=%d '/-----BEGIN CERTIFICATE-----/{n++; if (n > lim) exit; f=sprintf(\"%%s/%%05d.pem\",d,n)} "
		 "f{print > f} /-----END CERTIFICATE-----/{close(f); f=\"\"}' " BUNDLE "; "
		 "for c in \"$d\"/*.pem; do "
		 "openssl x509 -in \"$c\" -noout -subject -issuer -serial -fingerprint -sha1 "
		 "-startdate -enddate -nameopt %s > \"$d/out\"; "
		 "sub=$(sed -n 's/^subject=//p' \"$d/out\"); iss=$(sed -n 's/^issuer=//p' \"$d/out\"); "
		 "ser=$(sed -n 's/^serial=//p' \"$d/out\"); if [ \"$ser\" = 00 ]; then ser=0; fi; "
		 "fp=$(sed -n 's/^sha1 Fingerprint=//p' \"$d/out\" | tr -d : | tr A-F a-f); "
		 "nb=$(date -u -d \"$(sed -n 's/^notBefore=//p' \"$d/out\")\" +%%s); "
		 "na=$(date -u -d \"$(sed -n 's/^notAfter=//p' \"$d/out\")\" +%%s); "
		 "printf '%%s|%%s|%%s|%%s|%%s|%%s\\n' \"$sub\" \"$iss\" \"$ser\" \"$fp\" \"$nb\" \"$na\"; "
		 "done",
		 limit, nameopt);
	return test_run(cmd);
}

/* Fails with the first line that differs (the whole bundle is too long
 * for one message). */
static void assert_same(const char *what, const char *expected, const char *got)
{
	const char *e = expected, *g = got;
	size_t line = 1;

	while (*e && *e == *g) {
		if (*e == '\n') {
			line++;
			expected = e + 1;
			got = g + 1;
		}
		e++;
		g++;
	}
	if (*e || *g)
		fail_msg("%s differs at line %zu\nopenssl: %.*s\nspoor:   %.*s", what, line,
			 (int)strcspn(expected, "\n"), expected, (int)strcspn(got, "\n"), got);
}

static void certificates_match_openssl(void **state)
{
	struct engine *eng;
	char *expected, *got;

	(void)state;
	if (access(BUNDLE, R_OK) != 0) {
		print_message("no %s on this host: nothing to compare\n", BUNDLE);
		skip();
	}
	eng = test_engine(NULL);
	expected = openssl_rows("compat", 100000);
	got = test_query_text(eng, "SELECT subject, issuer, serial, sha1, not_valid_before, "
				   "not_valid_after FROM certificates WHERE path = '" BUNDLE "'");
	assert_true(strlen(expected) > 0);
	assert_same("certificates vs openssl x509 (compat)", expected, got);
	free(expected);
	free(got);

	/* the second format on the first certificates only, to stay quick */
	expected = openssl_rows("oneline", 30);
	got = test_query_text(eng, "SELECT subject2, issuer2, serial, sha1, not_valid_before, "
				   "not_valid_after FROM certificates WHERE path = '" BUNDLE "' "
				   "LIMIT 30");
	assert_same("certificates vs openssl x509 (oneline)", expected, got);
	free(expected);
	free(got);
	engine_free(eng);
}

static void certificates_single_file(void **state)
{
	struct engine *eng;
	char *file, *expected, *got, sql[1024], cmd[1024];
	size_t len;

	(void)state;
	/* the first certificate file the ca-certificates package links */
	file = test_run("find -L /etc/ssl/certs -maxdepth 1 -name '*.pem' -type f | sort | head -n 1");
	len = strlen(file);
	while (len > 0 && file[len - 1] == '\n')
		file[--len] = '\0';
	if (len == 0 || strchr(file, '\'')) {
		free(file);
		skip();
	}
	eng = test_engine(NULL);
	snprintf(cmd, sizeof(cmd),
		 "openssl x509 -in '%s' -noout -serial -fingerprint -sha1 | "
		 "sed -e 's/^serial=//' -e 's/^sha1 Fingerprint=//' | tr -d : | tr A-F a-f",
		 file);
	expected = test_run(cmd);
	snprintf(sql, sizeof(sql),
		 "SELECT lower(serial) || char(10) || sha1 FROM certificates WHERE path = '%s'",
		 file);
	got = test_query_text(eng, sql);
	assert_same(file, expected, got);
	free(expected);
	free(got);
	free(file);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(certificates_match_openssl),
		cmocka_unit_test(certificates_single_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
