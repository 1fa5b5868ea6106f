/*
 * test_golden_network.c - arp_cache on captured trees, and the netlink
 * tables (interface_*, routes) answering no rows off the live host.
 *
 * tests/golden/roots/net1/proc/net/arp is this machine's file (its
 * first entry, a STALE neighbour: flags 0x2) with hand-made lines added:
 * a permanent entry (0x6), an incomplete one (0x0, zero MAC), a
 * published one (0xc: not "0x6", so not permanent), a line with 5
 * fields, an empty line, a line with 7 fields, a tab-separated line
 * (osquery splits at spaces only: one field, skipped) and a last line
 * without its newline. Expected rows were checked by hand against the
 * file and the split rule in tables/network.c. net2 holds the header
 * only. Hostile files (past the size bound, binary) are built at run
 * time.
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
#include "testutil.h"

static void arp_net1(void **state)
{
	struct engine *eng = test_golden_engine("net1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM arp_cache",
			  "192.0.2.1|02:fc:00:00:00:05|eth0|0\n"
			  "10.1.2.50|02:00:00:00:00:50|veth0|1\n"
			  "10.1.2.51|00:00:00:00:00:00|veth0|0\n"
			  "10.1.2.52|02:00:00:00:00:52|veth0|0\n"
			  "10.1.2.56|02:00:00:00:00:56|eth1|1\n");
	test_assert_query(eng, "SELECT address FROM arp_cache WHERE permanent = '1'",
			  "10.1.2.50\n10.1.2.56\n");
	/* mac is COLLATE NOCASE, as in osquery */
	test_assert_query(eng, "SELECT address FROM arp_cache WHERE mac = '02:FC:00:00:00:05'",
			  "192.0.2.1\n");
	/* off the live host: no netlink rows, never the host's */
	test_assert_query(eng, "SELECT count(*) FROM interface_addresses", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM interface_details", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM interface_ipv6", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM routes", "0\n");
	engine_free(eng);
}

static void arp_empty_and_absent(void **state)
{
	struct engine *eng = test_golden_engine("net2");

	(void)state;
	test_assert_query(eng, "SELECT count(*) FROM arp_cache", "0\n");
	engine_free(eng);
	/* host3 has no /proc/net/arp */
	eng = test_golden_engine("host3");
	test_assert_query(eng, "SELECT count(*) FROM arp_cache", "0\n");
	engine_free(eng);
}

struct tmproot {
	char dir[64];
	char file[128];
};

static void tmproot_make(struct tmproot *t, const void *data, size_t len, size_t repeat)
{
	char path[128];
	FILE *f;

	snprintf(t->dir, sizeof(t->dir), "/tmp/spoor-golden-net-XXXXXX");
	if (!mkdtemp(t->dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/proc", t->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/net", t->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(t->file, sizeof(t->file), "%s/proc/net/arp", t->dir);
	f = fopen(t->file, "w");
	assert_non_null(f);
	for (size_t i = 0; i < repeat; i++)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void tmproot_remove(struct tmproot *t)
{
	char path[128];

	unlink(t->file);
	snprintf(path, sizeof(path), "%s/proc/net", t->dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc", t->dir);
	rmdir(path);
	rmdir(t->dir);
}

static void arp_hostile(void **state)
{
	static const char line[] =
		"10.0.0.1         0x1         0x6         02:00:00:00:00:01     *        eth0\n";
	static const char garbage[] = "\x01\xff\x00 \x00\x00 a b c d e f\n\x7f\x80 1 2 3 4 5\n";
	struct tmproot t;
	struct engine *eng;

	(void)state;
	/* past the 16 MiB bound: a clear error, not half the rows */
	tmproot_make(&t, line, sizeof(line) - 1, (16u << 20) / (sizeof(line) - 1) + 2);
	eng = test_engine(t.dir);
	test_assert_query_fails(eng, "SELECT count(*) FROM arp_cache", "size limit");
	engine_free(eng);
	tmproot_remove(&t);

	/* binary bytes: no crash, and only a line splitting in 6 is a row */
	tmproot_make(&t, garbage, sizeof(garbage) - 1, 1);
	eng = test_engine(t.dir);
	/* line 1 is the header; line 2 "\x7f\x80 1 2 3 4 5" splits in 6 */
	test_assert_query(eng, "SELECT hex(address), mac, interface, permanent FROM arp_cache",
			  "7F80|3|5|0\n");
	engine_free(eng);
	tmproot_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arp_net1),
		cmocka_unit_test(arp_empty_and_absent),
		cmocka_unit_test(arp_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
