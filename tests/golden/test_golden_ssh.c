/*
 * test_golden_ssh.c - authorized_keys, known_hosts, user_ssh_keys and
 * ssh_configs on a captured tree.
 *
 * tests/golden/roots/ssh1: an /etc/passwd with root, alice (1000), bob
 * (1001, home with a trailing '/'), carol (a relative home, never read),
 * alice2 (uid 1000 again) and a user with no home; this machine's
 * /etc/ssh/ssh_config; and under the homes authorized_keys,
 * authorized_keys2, known_hosts and config files with the edge cases
 * sshd and osquery meet (options with quotes and escaped quotes holding
 * a key type name, tabs, CRLF, blank and comment lines, unknown types, a
 * z/OS key ring line, a certificate, a FIDO key, hashed hosts, markers,
 * an RSA1 line). The public keys were made with ssh-keygen (the FIDO key
 * by hand: sk-ssh-ed25519 with public key bytes 1..32 and application
 * "ssh:"); every fingerprint below is the one `ssh-keygen -lf` printed
 * for that key (the known_hosts marker lines, which ssh-keygen -l does
 * not list, carry the keys of ca.pub and the RSA key, whose fingerprints
 * it printed from those files).
 *
 * ~alice/.ssh also holds private key files made for this test that hold
 * no secret: OpenSSH-format files whose header carries a real public key
 * (ed25519, RSA 3072, ECDSA P-384, DSA 1024, sk-ed25519) and whose
 * private section is 64 zero bytes, one of them marked aes256-ctr/bcrypt;
 * a legacy PEM file whose DEK-Info header says it is encrypted (its body
 * is bytes 0..255 twice); an OpenSSH file whose body is not base64; a
 * text file naming "PRIVATE KEY"; a symlink to a key (absolute, resolved
 * inside the root) and a key in a subdirectory (not read).
 * Real private keys of every kind are made at run time by the live test.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

static void assert_columns(struct engine *eng, const char *sql, const char *expected)
{
	struct test_rows rows;
	struct strbuf sb = STRBUF_INIT;

	test_query_ok(eng, sql, &rows);
	for (size_t c = 0; c < rows.ncols; c++)
		strbuf_addf(&sb, "%s%s", c ? "|" : "", rows.names[c]);
	if (strcmp(sb.buf, expected) != 0)
		fail_msg("SQL: %s\nexpected columns %s, got %s", sql, expected, sb.buf);
	test_rows_free(&rows);
	strbuf_release(&sb);
}

static struct engine *golden(void)
{
	char *root = test_source_path("tests/golden/roots/ssh1");
	struct engine *eng = test_engine(root);

	free(root);
	return eng;
}

#define FP_ED25519 "SHA256:zF+d32A+DZj6nwZb6Xdbj/aYz6lZZG41SEC0iguMJHE"
#define FP_RSA "SHA256:LvSKUXGoNQ3T9c8f9P0pAjFal/GMyoR6SO/3OQPqLW0"
#define FP_ECDSA256 "SHA256:KKEFUjyOZBXMoBqBJTvp+j6VXkfk/UxDucIersgGicw"
#define FP_ECDSA384 "SHA256:Z/1hhV4ha/5HgOmIOHpM01GQpTlB+gSXNnfIy13D8xw"
#define FP_ECDSA521 "SHA256:5BbGsalkdHOPcctcc2OcJX0UalUhl+VNo5E5d5ayFFA"
#define FP_DSA "SHA256:R8qU+fdJT5WMFrGxaoSJRV6IGf5vaRhR4uUMq9tMzZY"
#define FP_SK "SHA256:nX0hpi5mKbTIJ10yBq5/sLQhiI1Y0RBAqN0drDdgJWs"
#define FP_CA "SHA256:ZFrB1M+14equYJUCBwfiySi5VU4+V28gwWoBNE19G9U"

#define AK_ROOT "/root/.ssh/authorized_keys"

static void authorized_keys_all(void **state)
{
	struct engine *eng = golden();

	(void)state;
	test_assert_query(
	    eng,
	    "SELECT uid, algorithm, substr(key, 1, 16), length(key), options, comment, "
	    "key_file, fingerprint FROM authorized_keys",
	    /* "# root's keys" and the blank line: skipped */
	    "0|ssh-ed25519|AAAAC3NzaC1lZDI1|68|NULL|ed25519@test|" AK_ROOT "|" FP_ED25519 "\n"
	    /* options end at the first blank outside quotes, so "ssh-rsa" in
	     * the command does not split the line (it does in osquery) */
	    "0|ssh-rsa|AAAAB3NzaC1yc2EA|544|from=\"10.0.0.0/8\",command=\"echo ssh-rsa hi\"|"
	    "rsa@test with spaces|" AK_ROOT "|" FP_RSA "\n"
	    /* tab-separated, no comment */
	    "0|ecdsa-sha2-nistp256|AAAAE2VjZHNhLXNo|140|NULL|NULL|" AK_ROOT "|" FP_ECDSA256 "\n"
	    /* a certificate: the fingerprint of the certified key */
	    "0|ssh-ed25519-cert-v01@openssh.com|AAAAIHNzaC1lZDI1|592|NULL|ed25519@test|" AK_ROOT
	    "|" FP_ED25519 "\n"
	    "0|sk-ssh-ed25519@openssh.com|AAAAGnNrLXNzaC1l|100|NULL|sk@test|" AK_ROOT "|" FP_SK "\n"
	    /* "ssh-foo ..." (unknown type): no row; the z/OS key ring line:
	     * options only */
	    "0|NULL|NULL|NULL|zos-key-ring-label=\"KeyRingOwner/SSHAuthKeysRing uniq-ssh-rsa\"|"
	    "NULL|" AK_ROOT "|NULL\n"
	    /* "ssh-ed25519" alone and options with no key: no rows; a key
	     * that is not base64, and a blob of another type: no
	     * fingerprint */
	    "0|ssh-ed25519|!!!notbase64!!!|15|NULL|bad key|" AK_ROOT "|NULL\n"
	    "0|ssh-rsa|AAAAC3NzaC1lZDI1|68|NULL|mismatched|" AK_ROOT "|NULL\n"
	    /* CRLF */
	    "0|ssh-ed25519|AAAAC3NzaC1lZDI1|68|NULL|crlf@test|" AK_ROOT "|" FP_ED25519 "\n"
	    /* escaped quotes inside a quoted option */
	    "0|ecdsa-sha2-nistp384|AAAAE2VjZHNhLXNo|184|command=\"/bin/echo \\\"quoted "
	    "ssh-ed25519 x\\\"\",no-port-forwarding|esc|" AK_ROOT "|" FP_ECDSA384 "\n"
	    /* leading and trailing blanks, no final newline */
	    "0|ssh-ed25519|AAAAC3NzaC1lZDI1|68|NULL|trailing|" AK_ROOT "|" FP_ED25519 "\n"
	    "0|ecdsa-sha2-nistp384|AAAAE2VjZHNhLXNo|184|NULL|second-file|" AK_ROOT "2|" FP_ECDSA384
	    "\n"
	    "1000|ecdsa-sha2-nistp521|AAAAE2VjZHNhLXNo|232|no-agent-forwarding,environment=\"A=b "
	    "c\"|alice@laptop|/home/alice/.ssh/authorized_keys|" FP_ECDSA521 "\n"
	    /* bob's home ends with '/': no doubled slash; carol's relative
	     * home is not read */
	    "1001|ssh-dss|AAAAB3NzaC1kc3MA|580|NULL|bob@old|/home/bob/.ssh/authorized_keys|" FP_DSA
	    "\n");
	/* SELECT * is osquery's column set: the extension is hidden */
	assert_columns(eng, "SELECT * FROM authorized_keys",
	               "uid|algorithm|key|options|comment|key_file");
	engine_free(eng);
}

static void authorized_keys_constraints(void **state)
{
	struct engine *eng = golden();

	(void)state;
	test_assert_query(eng, "SELECT uid, comment FROM authorized_keys WHERE uid = 1000",
	             "1000|alice@laptop\n");
	test_assert_query(eng, "SELECT count(*) FROM authorized_keys WHERE uid IN (0, 1001)", "13\n");
	test_assert_query(eng, "SELECT count(*) FROM authorized_keys WHERE uid = '1001'", "1\n");
	/* carol: a relative home, nothing read */
	test_assert_query(eng, "SELECT count(*) FROM authorized_keys WHERE uid = 1002", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM authorized_keys WHERE uid = 77", "0\n");
	/* the host only */
	test_assert_query(eng, "SELECT count(*) FROM authorized_keys WHERE pid_with_namespace = 0",
	             "14\n");
	test_assert_query(eng, "SELECT count(*) FROM authorized_keys WHERE pid_with_namespace = 9",
	             "0\n");
	/* osquery's example join */
	test_assert_query(eng,
	             "SELECT u.username, count(*) FROM users u JOIN authorized_keys k USING (uid) "
	             "GROUP BY u.username ORDER BY u.username",
	             "alice|1\nalice2|1\nbob|1\nroot|12\n");
	test_assert_query(eng, "SELECT key_file FROM authorized_keys WHERE fingerprint = '" FP_DSA "'",
	             "/home/bob/.ssh/authorized_keys\n");
	engine_free(eng);
}

#define KH_ALICE "/home/alice/.ssh/known_hosts"

static void known_hosts_all(void **state)
{
	struct engine *eng = golden();

	(void)state;
	test_assert_query(
	    eng,
	    "SELECT uid, substr(key, 1, 40), length(key), key_file, fingerprint "
	    "FROM known_hosts",
	    "1000||1|c2FsdHNhbHRzYWx0c2FsdHNhbHQ=|aGFzaGhh|141|" KH_ALICE "|" FP_ED25519 "\n"
	    "1000|github.com,140.82.112.3 ecdsa-sha2-nistp|184|" KH_ALICE "|" FP_ECDSA256 "\n"
	    /* markers: the key after the host patterns */
	    "1000|@cert-authority *.example.com ssh-ed2551|113|" KH_ALICE "|" FP_CA "\n"
	    "1000|@revoked bad.example.com ssh-rsa AAAAB3N|577|" KH_ALICE "|" FP_RSA "\n"
	    "1000|[gw.example.com]:2222 ssh-dss AAAAB3NzaC|622|" KH_ALICE "|" FP_DSA "\n"
	    /* an RSA1 line has no blob */
	    "1000|oldhost 1024 35 1234567|23|" KH_ALICE "|NULL\n"
	    /* the line is trimmed, the '\r' of CRLF too */
	    "1000|indented ssh-ed25519 AAAAC3NzaC1lZDI1NTE|89|" KH_ALICE "|" FP_ED25519 "\n"
	    "1000|crlf.example.com ssh-ed25519 AAAAC3NzaC1|97|" KH_ALICE "|" FP_ED25519 "\n"
	    "1000|shared.example.com ecdsa-sha2-nistp384 "
	    "A|223|/home/alice2/.ssh/known_hosts|" FP_ECDSA384 "\n");
	assert_columns(eng, "SELECT * FROM known_hosts", "uid|key|key_file");
	/* alice and alice2 share uid 1000 */
	test_assert_query(eng, "SELECT count(*) FROM known_hosts WHERE uid = 1000", "9\n");
	test_assert_query(eng, "SELECT count(*) FROM known_hosts WHERE uid IN (0, 1001)", "0\n");
	engine_free(eng);
}

#define SSH_ALICE "/home/alice/.ssh/"

static void user_ssh_keys_all(void **state)
{
	struct engine *eng = golden();

	(void)state;
	test_assert_query(eng, "SELECT * FROM user_ssh_keys",
	             /* a body that is not base64: encrypted, type unknown */
	             "1000|" SSH_ALICE "broken_openssh|1|||-1|-1\n"
	             "1000|" SSH_ALICE "id_dsa|0|dsa||1024|80\n"
	             "1000|" SSH_ALICE "id_ecdsa|0|ecdsa-p384||384|192\n"
	             "1000|" SSH_ALICE "id_ed25519|0|ed25519||256|128\n"
	             /* the public key is readable in an encrypted file */
	             "1000|" SSH_ALICE "id_rsa_enc|1|rsa||3072|128\n"
	             /* a type with no known length */
	             "1000|" SSH_ALICE "id_sk|0|sk-ssh-ed25519@openssh.com||-1|-1\n"
	             /* an encrypted PEM key: OpenSSL asks for a passphrase */
	             "1000|" SSH_ALICE "legacy_enc.pem|1|||-1|-1\n"
	             /* the symlink; not notes.txt, known_hosts, config,
	              * authorized_keys or subdir/id_hidden */
	             "1000|" SSH_ALICE "link_to_key|0|ed25519||256|128\n");
	test_assert_query(eng,
	             "SELECT key_type FROM user_ssh_keys WHERE path IN ('" SSH_ALICE
	             "id_dsa', '" SSH_ALICE "notes.txt', '/root/.ssh/id_dsa')",
	             "dsa\n");
	test_assert_query(eng, "SELECT count(*) FROM user_ssh_keys WHERE uid = 0", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM user_ssh_keys WHERE uid = 1000 AND encrypted = 0",
	             "5\n");
	test_assert_query(eng, "SELECT count(*) FROM user_ssh_keys WHERE pid_with_namespace = 3", "0\n");
	engine_free(eng);
}

#define CFG_ALICE "/home/alice/.ssh/config"

static void ssh_configs_all(void **state)
{
	struct engine *eng = golden();

	(void)state;
	test_assert_query(eng, "SELECT * FROM ssh_configs",
	             /* an option before any block: block '' */
	             "1000||compression yes|" CFG_ALICE "\n"
	             "1000|host github.com|user git|" CFG_ALICE "\n"
	             "1000|host github.com|identityfile ~/.ssh/id_github|" CFG_ALICE "\n"
	             /* lowercased, CR trimmed */
	             "1000|host *.internal bastion|proxyjump bastion.example.com|" CFG_ALICE "\n"
	             "1000|match host foo exec \"test -f /tmp/x\"|forwardagent yes|" CFG_ALICE "\n"
	             /* "Host<TAB>" does not open a block (osquery wants "host ") */
	             "1000|match host foo exec \"test -f /tmp/x\"|host\ttabbed|" CFG_ALICE "\n"
	             "1000|match host foo exec \"test -f /tmp/x\"|port 2222|" CFG_ALICE "\n"
	             /* the system file, uid 0; Include is listed, not followed */
	             "0||include /etc/ssh/ssh_config.d/*.conf|/etc/ssh/ssh_config\n"
	             "0|host *|sendenv lang lc_*|/etc/ssh/ssh_config\n"
	             "0|host *|hashknownhosts yes|/etc/ssh/ssh_config\n"
	             "0|host *|gssapiauthentication yes|/etc/ssh/ssh_config\n");
	test_assert_query(eng, "SELECT count(*) FROM ssh_configs WHERE uid = 1000", "7\n");
	test_assert_query(eng, "SELECT count(*) FROM ssh_configs WHERE uid = 0", "4\n");
	test_assert_query(eng, "SELECT count(*) FROM ssh_configs WHERE uid = 1001", "0\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* hostile homes, built at run time */

static void write_file(const char *dir, const char *rel, const void *data, size_t len)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		fail_msg("cannot write %s", path);
}

static void hostile_files(void **state)
{
	static const char passwd[] = "eve:x:666:666::/home/eve:/bin/sh\n";
	static const char tail[] = "\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtQF9JSTJoCleEtOSTUEulc7"
	                           "ljtteg+O7jgWhB15i6v after-garbage\n";
	char dir[] = "/tmp/spoor-ssh-XXXXXX";
	struct strbuf sb = STRBUF_INIT, cmd = STRBUF_INIT;
	struct engine *eng;
	uint32_t x = 99;

	(void)state;
	if (!mkdtemp(dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	strbuf_addf(&cmd, "mkdir -p %s/etc %s/home/eve/.ssh", dir, dir);
	free(test_run(cmd.buf));
	write_file(dir, "etc/passwd", passwd, sizeof(passwd) - 1);
	test_garbage(&sb, 65536, x);
	strbuf_add(&sb, tail, sizeof(tail) - 1);
	write_file(dir, "home/eve/.ssh/authorized_keys", sb.buf, sb.len);
	write_file(dir, "home/eve/.ssh/known_hosts", sb.buf, sb.len);
	write_file(dir, "home/eve/.ssh/config", sb.buf, sb.len);
	write_file(dir, "home/eve/.ssh/garbage", sb.buf, sb.len);
	/* a "key" past the 1 MiB bound is not read */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
	while (sb.len <= ((size_t)1 << 20))
		strbuf_addstr(&sb, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n");
	strbuf_addstr(&sb, "-----END OPENSSH PRIVATE KEY-----\n");
	write_file(dir, "home/eve/.ssh/id_huge", sb.buf, sb.len);

	eng = test_engine(dir);
	test_assert_query(eng,
	             "SELECT comment, fingerprint FROM authorized_keys WHERE comment = "
	             "'after-garbage'",
	             "after-garbage|" FP_ED25519 "\n");
	test_assert_query(eng, "SELECT count(*) FROM user_ssh_keys", "0\n");
	{
		struct test_rows rows;

		test_query_ok(eng, "SELECT * FROM known_hosts", &rows);
		assert_true(rows.nrows >= 1);
		test_rows_free(&rows);
		test_query_ok(eng, "SELECT * FROM ssh_configs", &rows);
		assert_true(rows.nrows >= 1);
		test_rows_free(&rows);
	}
	engine_free(eng);
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "rm -rf '%s'", dir);
	free(test_run(cmd.buf));
	strbuf_release(&cmd);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(authorized_keys_all), cmocka_unit_test(authorized_keys_constraints),
	    cmocka_unit_test(known_hosts_all),     cmocka_unit_test(user_ssh_keys_all),
	    cmocka_unit_test(ssh_configs_all),     cmocka_unit_test(hostile_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
