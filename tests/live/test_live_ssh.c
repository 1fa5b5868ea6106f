/*
 * test_live_ssh.c - the ssh tables against OpenSSH's own ssh-keygen, at
 * the same moment:
 *   - on this host: for every authorized_keys and known_hosts file the
 *     tables read, the fingerprints spoor gives for the lines ssh-keygen
 *     can read are the ones `ssh-keygen -lf <file>` prints, in order (a
 *     host without such files compares empty sets, and says so);
 *   - in a root made here: ssh-keygen makes keys of every type and
 *     format (OpenSSH, PEM, PKCS#8; with and without a passphrase), a CA
 *     signs a certificate, and authorized_keys and known_hosts files are
 *     written from the public keys; spoor's fingerprints must equal
 *     ssh-keygen -lf's for both files, and user_ssh_keys must report each
 *     private key with the length ssh-keygen gives its public half, the
 *     type osquery names, and encrypted exactly for the keys made with a
 *     passphrase.
 * Needs ssh-keygen (Debian package openssh-client).
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
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected (ssh-keygen)\n%s--- spoor\n%s", what, expected,
		         got);
}

static void run(struct strbuf *cmd)
{
	free(test_run(cmd->buf));
	strbuf_reset(cmd);
}

/* The second field of every line of `ssh-keygen -lf path`. */
static char *keygen_fingerprints(const char *path)
{
	struct strbuf cmd = STRBUF_INIT;
	char *out;

	strbuf_addf(&cmd, "ssh-keygen -lf '%s' | awk '{print $2}'", path);
	out = test_run(cmd.buf);
	strbuf_release(&cmd);
	return out;
}

/* Fingerprints spoor gives for one key file, one per line. */
static char *spoor_fingerprints(struct engine *eng, const char *table, const char *path)
{
	struct strbuf sql = STRBUF_INIT, out = STRBUF_INIT;
	struct test_rows rows;

	strbuf_addf(&sql,
	            "SELECT fingerprint FROM %s WHERE key_file = '%s' AND fingerprint IS NOT NULL",
	            table, path);
	test_query_ok(eng, sql.buf, &rows);
	for (size_t r = 0; r < rows.nrows; r++)
		strbuf_addf(&out, "%s\n", rows.values[r]);
	test_rows_free(&rows);
	strbuf_release(&sql);
	return strbuf_detach(&out, NULL);
}

static void live_host_files(void **state)
{
	static const char *const tables[] = {"authorized_keys", "known_hosts"};
	struct engine *eng = test_engine(NULL);
	size_t files = 0;

	(void)state;
	for (size_t t = 0; t < 2; t++) {
		struct strbuf sql = STRBUF_INIT;
		struct test_rows rows;

		strbuf_addf(&sql, "SELECT DISTINCT key_file FROM %s", tables[t]);
		test_query_ok(eng, sql.buf, &rows);
		for (size_t r = 0; r < rows.nrows; r++) {
			char *want = keygen_fingerprints(rows.values[r]);
			char *got = spoor_fingerprints(eng, tables[t], rows.values[r]);

			assert_same(rows.values[r], want, got);
			free(want);
			free(got);
			files++;
		}
		test_rows_free(&rows);
		strbuf_release(&sql);
	}
	if (files == 0)
		print_message("no authorized_keys or known_hosts file on this host: both tables "
		              "and ssh-keygen have nothing to list\n");
	engine_free(eng);
}

/* One key made by ssh-keygen, and what user_ssh_keys must say of it. */
struct made_key {
	const char *name, *args;
	bool passphrase;
	const char *type, *group;
	int security_bits; /* for keys with a readable public part */
	bool public_readable;
};

static const struct made_key made_keys[] = {
    {"id_dsa", "-t dsa", false, "dsa", "", 80, true},
    {"id_ecdsa", "-t ecdsa -b 256", false, "ecdsa-p256", "", 128, true},
    {"id_ecdsa521", "-t ecdsa -b 521", false, "ecdsa-p521", "", 256, true},
    {"id_ed25519", "-t ed25519", false, "ed25519", "", 128, true},
    /* OpenSSH keeps the public key readable in an encrypted file */
    {"id_rsa", "-t rsa -b 2048", true, "rsa", "", 112, true},
    /* PKCS#8 and PEM go through OpenSSL; encrypted ones cannot be read */
    {"p8_ec_enc", "-t ecdsa -b 256 -m PKCS8", true, "", "", -1, false},
    {"p8_rsa", "-t rsa -b 3072 -m PKCS8", false, "rsa", "", 128, true},
    {"pem_ec384", "-t ecdsa -b 384 -m PEM", false, "ec", "secp384r1", 192, true},
    {"pem_rsa", "-t rsa -b 2048 -m PEM", false, "rsa", "", 112, true},
    {"pem_rsa_enc", "-t rsa -b 2048 -m PEM", true, "", "", -1, false},
};

static void made_keys_match_ssh_keygen(void **state)
{
	char dir[] = "/tmp/spoor-sshlive-XXXXXX";
	struct strbuf cmd = STRBUF_INIT, want = STRBUF_INIT, path = STRBUF_INIT;
	struct engine *eng;
	char *got, *fps;

	(void)state;
	if (!mkdtemp(dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	strbuf_addf(&cmd,
	            "mkdir -p %s/etc %s/home/tester/.ssh %s/ca && "
	            "echo 'tester:x:4242:4242::/home/tester:/bin/sh' > %s/etc/passwd",
	            dir, dir, dir, dir);
	run(&cmd);
	for (size_t i = 0; i < sizeof(made_keys) / sizeof(made_keys[0]); i++) {
		strbuf_addf(&cmd,
		            "ssh-keygen -q %s -N '%s' -C '%s comment' -f %s/home/tester/.ssh/%s",
		            made_keys[i].args, made_keys[i].passphrase ? "secret" : "",
		            made_keys[i].name, dir, made_keys[i].name);
		run(&cmd);
	}
	/* a CA and a certificate for the ed25519 key */
	strbuf_addf(&cmd,
	            "ssh-keygen -q -t ed25519 -N '' -f %s/ca/ca && ssh-keygen -q -s %s/ca/ca -I id "
	            "-n tester %s/home/tester/.ssh/id_ed25519.pub",
	            dir, dir, dir);
	run(&cmd);
	/* authorized_keys: every public key (some with options), the
	 * certificate; known_hosts: every public key under a host name, the
	 * hashed form of one */
	strbuf_addf(&cmd,
	            "cd %s/home/tester/.ssh && for f in id_*.pub p8_*.pub pem_*.pub; do "
	            "case $f in *-cert.pub) continue;; esac; "
	            "case $f in id_r*) printf 'command=\"echo ssh-rsa\",no-pty ';; esac; "
	            "cat $f; echo \"host-$f $(cut -d' ' -f1,2 $f)\" >> known_hosts; done "
	            "> authorized_keys && cat id_ed25519-cert.pub >> authorized_keys && "
	            "cp known_hosts kh && ssh-keygen -q -H -f kh && head -1 kh >> known_hosts && "
	            "rm -f kh kh.old",
	            dir);
	run(&cmd);

	eng = test_engine(dir);
	strbuf_addf(&path, "%s/home/tester/.ssh/authorized_keys", dir);
	fps = keygen_fingerprints(path.buf);
	got = spoor_fingerprints(eng, "authorized_keys", "/home/tester/.ssh/authorized_keys");
	assert_same("authorized_keys fingerprints", fps, got);
	assert_true(strlen(got) > 0);
	free(fps);
	free(got);
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/home/tester/.ssh/known_hosts", dir);
	fps = keygen_fingerprints(path.buf);
	got = spoor_fingerprints(eng, "known_hosts", "/home/tester/.ssh/known_hosts");
	assert_same("known_hosts fingerprints", fps, got);
	free(fps);
	free(got);

	/* user_ssh_keys: lengths from ssh-keygen's reading of the .pub */
	for (size_t i = 0; i < sizeof(made_keys) / sizeof(made_keys[0]); i++) {
		const struct made_key *k = &made_keys[i];
		char *bits;

		strbuf_addf(&cmd, "ssh-keygen -lf %s/home/tester/.ssh/%s.pub | cut -d' ' -f1", dir,
		            k->name);
		bits = test_run(cmd.buf);
		strbuf_reset(&cmd);
		bits[strcspn(bits, "\n")] = '\0';
		strbuf_addf(&want, "4242|/home/tester/.ssh/%s|%d|%s|%s|%s|%d\n", k->name,
		            k->passphrase, k->type, k->group, k->public_readable ? bits : "-1",
		            k->security_bits);
		free(bits);
	}
	{
		struct test_rows rows;
		struct strbuf all = STRBUF_INIT;

		test_query_ok(eng, "SELECT * FROM user_ssh_keys", &rows);
		for (size_t r = 0; r < rows.nrows; r++) {
			for (size_t c = 0; c < rows.ncols; c++)
				strbuf_addf(&all, "%s%s", c ? "|" : "",
				            rows.values[r * rows.ncols + c]);
			strbuf_addch(&all, '\n');
		}
		assert_same("user_ssh_keys", want.buf, all.buf);
		test_rows_free(&rows);
		strbuf_release(&all);
	}
	engine_free(eng);
	strbuf_addf(&cmd, "rm -rf '%s'", dir);
	run(&cmd);
	strbuf_release(&path);
	strbuf_release(&want);
	strbuf_release(&cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(live_host_files),
	    cmocka_unit_test(made_keys_match_ssh_keygen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
