/*
 * test_golden_certificates.c - certificates on a captured tree.
 *
 * tests/golden/roots/certs1 holds certificates made for this test with
 * openssl(1) (every expected value below was read back with
 * `openssl x509 -noout -subject -issuer -dates -fingerprint -sha1
 * -serial -ext ...` and `date -d <notBefore> +%s`):
 *   /etc/ssl/certs/ca-certificates.crt: "Spoor Root CA" (RSA 2048,
 *     self-signed, CA:TRUE, keyUsage keyCertSign+cRLSign, serial
 *     0x0123456789ABCDEF) and "leaf.example" (P-256 key signed by it,
 *     CA:FALSE, keyUsage digitalSignature+keyEncipherment, serial 42);
 *   /etc/pki/tls/certs/ca-bundle.crt: a comment, a private key block,
 *     junk text and a self-signed RSA 1024 certificate with no CN, no
 *     keyUsage and no subject key id (serial 1);
 *   /srv: the leaf alone, a truncated PEM, binary garbage, a bundle
 *     whose second block is not base64, an empty file and a DER file.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "engine.h"
#include "testutil.h"

#define ROOT_CA                                                                          \
	"Spoor Root CA|/C=DE/O=Spoor Test/CN=Spoor Root CA|"                             \
	"C = DE, O = Spoor Test, CN = Spoor Root CA|/C=DE/O=Spoor Test/CN=Spoor Root CA|" \
	"C = DE, O = Spoor Test, CN = Spoor Root CA|1|1|1795827124|2111187124|"          \
	"sha256WithRSAEncryption|rsaEncryption|2048|CRL Sign, Key Cert Sign|"            \
	"ea7b9a9c57ec15b0f62f7a0da69c228ee5472c32|ea7b9a9c57ec15b0f62f7a0da69c228ee5472c32|" \
	"85fbdac1d5f1111dfa73d3b5eff33d4f3ea095c7|/etc/ssl/certs/ca-certificates.crt|"   \
	"0123456789ABCDEF\n"
#define LEAF_FIELDS                                                                      \
	"leaf.example|/O=Spoor Test/CN=leaf.example|O = Spoor Test, CN = leaf.example|"   \
	"/C=DE/O=Spoor Test/CN=Spoor Root CA|C = DE, O = Spoor Test, CN = Spoor Root CA|" \
	"0|0|1795827124|1827363124|sha256WithRSAEncryption|id-ecPublicKey|prime256v1|"   \
	"Key Encipherment, Digital Signature|cc5bfc0a64fc3edb63684582d9d95e832aec9ff1|"  \
	"ea7b9a9c57ec15b0f62f7a0da69c228ee5472c32|1320303b7d1d5e418d789364c012389433d13db3|"
#define NOCN                                                                             \
	"|/C=FR/O=No Common Name/OU=Unit|C = FR, O = No Common Name, OU = Unit|"          \
	"/C=FR/O=No Common Name/OU=Unit|C = FR, O = No Common Name, OU = Unit|0|1|"       \
	"1795827124|1798419124|sha256WithRSAEncryption|rsaEncryption|1024|||"            \
	"1f2311885c1e40c0a4b1434671414b8ded029f17|44a072db4131ad8bf51cf6ec4b7a71284625928e|" \
	"/etc/pki/tls/certs/ca-bundle.crt|01\n"

static void certificates_default_bundles(void **state)
{
	struct engine *eng = test_golden_engine("certs1");

	(void)state;
	/* both default bundles, RHEL's first; the key block and junk of the
	 * RHEL bundle give no row; missing CN/SKID/keyUsage are '' */
	test_assert_query(eng, "SELECT * FROM certificates",
			  NOCN ROOT_CA LEAF_FIELDS "/etc/ssl/certs/ca-certificates.crt|2A\n");
	/* the Windows/macOS columns are declared, hidden and NULL */
	test_assert_query(eng,
			  "SELECT sid, store_location, store, username, store_id FROM certificates "
			  "WHERE common_name = 'leaf.example'",
			  "NULL|NULL|NULL|NULL|NULL\n");
	engine_free(eng);
}

static void certificates_path_constraint(void **state)
{
	struct engine *eng = test_golden_engine("certs1");

	(void)state;
	/* path = replaces the default bundles */
	test_assert_query(eng, "SELECT * FROM certificates WHERE path = '/srv/leaf.pem'",
			  LEAF_FIELDS "/srv/leaf.pem|2A\n");
	test_assert_query(eng,
			  "SELECT path, serial FROM certificates WHERE path IN "
			  "('/srv/leaf.pem', '/etc/pki/tls/certs/ca-bundle.crt', '/srv/none')",
			  /* IN values arrive sorted, as osquery's constraint set */
			  "/etc/pki/tls/certs/ca-bundle.crt|01\n/srv/leaf.pem|2A\n");
	/* hostile or foreign files: no rows, no error. A corrupt block makes
	 * OpenSSL drop the whole file (osquery's behaviour too); DER is not
	 * read, as in osquery */
	test_assert_query(eng,
			  "SELECT count(*) FROM certificates WHERE path IN ('/srv/truncated.pem', "
			  "'/srv/garbage.bin', '/srv/corrupt.pem', '/srv/empty.pem', "
			  "'/srv/ca.der', '/srv', '/nonexistent', 'srv/leaf.pem')",
			  "0\n");
	/* other constraints filter the default scan */
	test_assert_query(eng, "SELECT common_name FROM certificates WHERE ca = 1",
			  "Spoor Root CA\n");
	test_assert_query(eng,
			  "SELECT common_name FROM certificates WHERE "
			  "sha1 = '1320303B7D1D5E418D789364C012389433D13DB3'",
			  "leaf.example\n");
	engine_free(eng);
}

static void certificates_projection(void **state)
{
	struct engine *eng = test_golden_engine("certs1");

	(void)state;
	/* a narrow projection gives the same values as SELECT * */
	test_assert_query(eng, "SELECT serial, key_strength FROM certificates",
			  "01|1024\n0123456789ABCDEF|2048\n2A|prime256v1\n");
	test_assert_query(eng, "SELECT not_valid_after FROM certificates WHERE serial = '2a'",
			  "1827363124\n");
	engine_free(eng);
}

static void certificates_absent(void **state)
{
	struct engine *eng = test_golden_engine("blk1");

	(void)state;
	/* a root with no bundle: no rows, not an error */
	test_assert_query(eng, "SELECT count(*) FROM certificates", "0\n");
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(certificates_default_bundles),
		cmocka_unit_test(certificates_path_constraint),
		cmocka_unit_test(certificates_projection),
		cmocka_unit_test(certificates_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
