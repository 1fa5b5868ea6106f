/*
 * test_live_iptables.c - iptables against iptables-legacy, in a private
 * network namespace so the host's rules are never touched.
 *
 * The test process unshares its network namespace (root only: skipped
 * otherwise, or when the kernel has no legacy ip_tables), builds rules
 * with iptables-legacy (a FORWARD policy, an ACCEPT rule with -p tcp
 * --dport 22 -s 10.0.0.0/8 -i lo, a DROP rule with -p udp --sport 53, a
 * user chain with inverted protocol/source/interface), sends loopback
 * datagrams so policy counters move, then asserts:
 *   - every filter row, exactly (values checked by hand against
 *     `iptables-legacy -S` and the kernel ABI: masks, "!" prefixes,
 *     "lo:hi" ports, interface masks);
 *   - every chain's policy, packets and bytes against
 *     `iptables-legacy -L -v -x -n` run at the same moment;
 *   - the filter names against /proc/net/ip_tables_names.
 * Under a captured root (not live) the table has no rows: see
 * test_not_live.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

static bool in_netns;

static int setup_netns(void **state)
{
	(void)state;
	if (unshare(CLONE_NEWNET) == 0)
		in_netns = true;
	return 0;
}

static void lo_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	strcpy(ifr.ifr_name, "lo");
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
}

/* A few datagrams over loopback to a closed port (each also brings an
 * ICMP port unreachable back): OUTPUT and INPUT policy counters move. */
static void send_traffic(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < 3; i++)
		(void)sendto(fd, "spoor", 1 + (size_t)i, 0, (struct sockaddr *)&to, sizeof(to));
	close(fd);
}

static void ipt(const char *args)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "iptables-legacy -w %s", args);
	free(test_run(cmd));
}

/* "chain|policy|packets|bytes\n" per chain from `iptables-legacy -L -v -x -n`. */
static char *tool_chains(void)
{
	char *out = test_run("iptables-legacy -w -t filter -L -v -x -n");
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char chain[64], policy[64];
		unsigned long long pk, by;

		if (strncmp(line, "Chain ", 6) != 0)
			continue;
		if (sscanf(line, "Chain %63s (policy %63s %llu packets, %llu bytes)", chain,
			   policy, &pk, &by) == 4)
			strbuf_addf(&sb, "%s|%s|%llu|%llu\n", chain, policy, pk, by);
		else if (sscanf(line, "Chain %63s (", chain) == 1)
			strbuf_addf(&sb, "%s||0|0\n", chain);
		else
			fail_msg("unexpected iptables line: %s", line);
	}
	free(out);
	return strbuf_detach(&sb, NULL);
}

static void test_rules(void **state)
{
	struct engine *eng;
	char *names, *got, *want;

	(void)state;
	if (!in_netns || system("iptables-legacy -w -L -n >/dev/null 2>&1") != 0)
		skip();
	lo_up();
	ipt("-P FORWARD DROP");
	ipt("-A INPUT -p tcp --dport 22 -s 10.0.0.0/8 -i lo -j ACCEPT");
	ipt("-A INPUT -p udp --sport 53 -j DROP");
	ipt("-N custom");
	ipt("-A custom ! -p tcp ! -s 192.168.1.0/24 ! -o eth+ -d 172.16.0.1 -j RETURN");
	ipt("-A custom -p udp --sport 1000:2000 --dport 7 -j ACCEPT");
	ipt("-A custom -p icmp -j DROP");
	ipt("-A OUTPUT -j custom");
	send_traffic();

	eng = test_engine(NULL);
	test_assert_query(
		eng,
		"SELECT filter_name, chain, policy, target, protocol, src_port, dst_port, src_ip, "
		"src_mask, iniface, iniface_mask, dst_ip, dst_mask, outiface, outiface_mask, match "
		"FROM iptables WHERE filter_name = 'filter'",
		"filter|INPUT|ACCEPT|ACCEPT|6|0:65535|22:22|10.0.0.0|255.0.0.0|lo|FFFFFF|"
		"0.0.0.0|0.0.0.0|all||yes\n"
		"filter|INPUT|ACCEPT|DROP|17|53:53|0:65535|0.0.0.0|0.0.0.0|all||"
		"0.0.0.0|0.0.0.0|all||yes\n"
		"filter|INPUT|ACCEPT|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL\n"
		"filter|FORWARD|DROP|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL\n"
		"filter|OUTPUT|ACCEPT|custom|0|||0.0.0.0|0.0.0.0|all||0.0.0.0|0.0.0.0|all||yes\n"
		"filter|OUTPUT|ACCEPT|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL\n"
		"filter|custom||RETURN|!6|||!192.168.1.0|255.255.255.0|all||"
		"172.16.0.1|255.255.255.255|!eth+|FFFFFF|yes\n"
		"filter|custom||ACCEPT|17|1000:2000|7:7|0.0.0.0|0.0.0.0|all||"
		"0.0.0.0|0.0.0.0|all||yes\n"
		"filter|custom||DROP|1|||0.0.0.0|0.0.0.0|all||0.0.0.0|0.0.0.0|all||yes\n"
		"filter|custom||NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL\n");

	/* counters: the chain policy's on every row of the chain (osquery) */
	test_assert_query(eng,
			  "SELECT COUNT(*) FROM (SELECT DISTINCT chain, packets, bytes "
			  "FROM iptables WHERE filter_name = 'filter')",
			  "4\n");
	want = tool_chains();
	got = test_query_text(eng, "SELECT chain, policy, packets, bytes FROM iptables "
				   "WHERE filter_name = 'filter' AND target IS NULL");
	assert_string_equal(got, want);
	/* traffic went through OUTPUT and INPUT: the comparison is not 0 = 0 */
	test_assert_query(eng,
			  "SELECT chain FROM iptables WHERE filter_name = 'filter' AND "
			  "target IS NULL AND packets > 0 AND bytes > 0",
			  "INPUT\nOUTPUT\n");
	free(got);
	free(want);

	/* every table the kernel lists, in its order */
	names = test_run("sed 's/[[:space:]]*$//' /proc/net/ip_tables_names | grep -v '^$' | "
			 "sed 's/$/\\n/' | tr -s '\\n'");
	got = test_query_text(eng, "SELECT DISTINCT filter_name FROM iptables");
	assert_string_equal(got, names);
	free(got);
	free(names);
	engine_free(eng);
}

/* Rules live in the kernel: a captured root has none, even with a
 * names file. */
static void test_not_live(void **state)
{
	struct test_tree t;
	struct engine *eng;

	(void)state;
	test_tree_make(&t);
	test_tree_write(&t, "proc/net/ip_tables_names", "filter\nnat\n", 11);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM iptables", "");
	engine_free(eng);
	test_tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_not_live),
	};

	return cmocka_run_group_tests(tests, setup_netns, NULL);
}
