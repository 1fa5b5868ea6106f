/*
 * test_live_network.c - interface_addresses, interface_details,
 * interface_ipv6, routes and arp_cache on known network state, and
 * against ip(8) and /sys, /proc/sys read by the shell on this host.
 *
 * Fixture: a private network namespace (ip netns add) holding lo, a
 * veth pair whose peer is left down (so veth0 has no carrier, sends
 * nothing and its routes carry RTNH_F_LINKDOWN), IPv4 addresses with a
 * broadcast, an alias label, a peer; an IPv6 address; routes with a
 * gateway, metric, mtu and hoplimit, a blackhole route; a static
 * neighbour. build/spoor runs inside it with `ip netns exec` (which
 * also mounts that namespace's /sys), and every row is asserted. The
 * expected values were checked by hand against `ip -d link`, `ip addr`,
 * `ip route show table all`, `ip neigh` in that namespace and the
 * derivations in tables/network.c (glibc's getifaddrs rules, osquery's
 * quirks: lo's point_to_point, /32 netmask 0, type cut to 8 bits).
 *
 * Host: the same tables on this host's namespace against `ip -j addr`,
 * `ip -j route show table all` (IPv4 and IPv6), `ip -j -4 neigh`,
 * /sys/class/net/<if>/ and /proc/sys/net/ipv6/conf/<if>/, run at the
 * same moment. Counters that move between two reads are checked to lie
 * between a read before and a read after, never against time.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

static char ns_name[64];

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected\n%s--- spoor\n%s", what, expected, got);
}

/* ------------------------------------------------------------------ */
/* the namespace fixture */

static const char *const ns_setup_cmds[] = {
	"link set lo up",
	"link add veth0 address 02:00:00:00:00:01 mtu 1400 type veth peer name peer0 "
	"address 02:00:00:00:00:02",
	"link set veth0 up",
	"addr add 10.1.2.3/24 brd + dev veth0",
	"addr add 10.9.9.9/32 dev veth0 label veth0:1",
	"addr add 10.7.0.1 peer 10.7.0.2/32 dev veth0",
	"addr add 2001:db8::5/64 dev veth0 nodad",
	"route add 198.51.100.0/24 via 10.1.2.1 dev veth0 metric 7 mtu 1300 hoplimit 9",
	"route add blackhole 203.0.113.0/24",
	"-6 route add 2001:db8:1::/48 via 2001:db8::1 dev veth0 metric 5",
	"neigh add 10.1.2.50 lladdr 02:00:00:00:00:50 dev veth0",
	"-6 neigh add 2001:db8::9 lladdr 02:00:00:00:00:09 dev veth0",
	"addr add 10.1.2.4/24 dev peer0",
};

static int ns_setup(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(ns_name, sizeof(ns_name), "spoor-test-net-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "ip netns add %s", ns_name);
	free(test_run(cmd));
	for (size_t i = 0; i < sizeof(ns_setup_cmds) / sizeof(ns_setup_cmds[0]); i++) {
		snprintf(cmd, sizeof(cmd), "ip -n %s %s", ns_name, ns_setup_cmds[i]);
		free(test_run(cmd));
	}
	return 0;
}

static int ns_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "ip netns del %s", ns_name);
	free(test_run(cmd));
	return 0;
}

/* build/spoor in the namespace, rows as "a|b|c" lines, NULL as NULL. */
static char *ns_query(const char *sql)
{
	char cmd[1024];
	const char *bin = getenv("SPOOR_BIN");

	assert_non_null(bin);
	snprintf(cmd, sizeof(cmd),
		 "ip netns exec %s %s --list --header=false --nullvalue NULL \"%s\"", ns_name,
		 bin, sql);
	return test_run(cmd);
}

static void ns_assert(const char *sql, const char *expected)
{
	char *got = ns_query(sql);

	assert_same(sql, expected, got);
	free(got);
}

static void fixture_addresses(void **state)
{
	(void)state;
	/* lo's 127.0.0.1: IFA_ADDRESS = IFA_LOCAL and no broadcast, lo has
	 * no IFF_BROADCAST: point_to_point 127.0.0.1. veth0:1's /32 has no
	 * broadcast either, but veth0 has IFF_BROADCAST: broadcast 10.9.9.9.
	 * The peer address lands in broadcast for the same reason. peer0 is
	 * down: its address (no brd) is still listed; rows come in link
	 * index order (peer0 was created first: index 2). */
	ns_assert("SELECT * FROM interface_addresses",
		  "lo|127.0.0.1|255.0.0.0|NULL|127.0.0.1|unknown\n"
		  "peer0|10.1.2.4|255.255.255.0|10.1.2.4|NULL|unknown\n"
		  "veth0|10.1.2.3|255.255.255.0|10.1.2.255|NULL|unknown\n"
		  "veth0:1|10.9.9.9|255.255.255.255|10.9.9.9|NULL|unknown\n"
		  "veth0|10.7.0.1|255.255.255.255|10.7.0.2|NULL|unknown\n"
		  "lo|::1|ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|NULL|NULL|unknown\n"
		  "veth0|2001:db8::5|ffff:ffff:ffff:ffff::|NULL|NULL|unknown\n");
	ns_assert("SELECT friendly_name FROM interface_addresses LIMIT 1", "NULL\n");
}

static void fixture_details(void **state)
{
	char *sys;

	(void)state;
	/* flags: lo UP|LOOPBACK|RUNNING|LOWER_UP = 0x10049; peer0 (down)
	 * BROADCAST|MULTICAST = 0x1002; veth0 up without carrier 0x1003.
	 * type: ARPHRD_LOOPBACK 772 & 0xff = 4. veth reports 10000 Mb/s
	 * and an empty bus_info; lo answers no GDRVINFO: "-1". */
	ns_assert("SELECT interface, mac, type, mtu, metric, flags, collisions, last_change, "
		  "link_speed, pci_slot, ipackets, ibytes, ierrors, oerrors FROM interface_details",
		  "lo|00:00:00:00:00:00|4|65536|0|65609|0|-1|0|-1|0|0|0|0\n"
		  "peer0|02:00:00:00:00:02|1|1500|0|4098|0|-1|10000||0|0|0|0\n"
		  "veth0|02:00:00:00:00:01|1|1400|0|4099|0|-1|10000||0|0|0|0\n");
	/* veth0 may try to send (IPv6 MLD reports) into no carrier: those
	 * count as tx drops, so the output side is checked against the
	 * kernel's counters read by the shell just after */
	{
		char *got = ns_query("SELECT opackets, obytes, odrops, idrops FROM interface_details "
				     "WHERE interface = 'veth0'");
		char cmd[512];
		unsigned long long op, ob, od, id, sop, sob, sod, sid;

		snprintf(cmd, sizeof(cmd),
			 "ip netns exec %s sh -c 'cd /sys/class/net/veth0/statistics && cat "
			 "tx_packets tx_bytes tx_dropped rx_dropped'",
			 ns_name);
		sys = test_run(cmd);
		assert_int_equal(sscanf(got, "%llu|%llu|%llu|%llu", &op, &ob, &od, &id), 4);
		assert_int_equal(sscanf(sys, "%llu %llu %llu %llu", &sop, &sob, &sod, &sid), 4);
		assert_true(op <= sop && ob <= sob && od <= sod && id <= sid);
		assert_int_equal(op, 0);
		assert_int_equal(id, 0);
		free(got);
		free(sys);
	}
}

static void fixture_ipv6(void **state)
{
	(void)state;
	/* defaults of a new namespace: hop_limit 64, forwarding 0,
	 * accept_redirects 1 (so redirect_accept 1), accept_ra 1 and no
	 * forwarding (rtadv_accept 1) */
	ns_assert("SELECT * FROM interface_ipv6",
		  "lo|64|0|1|1\npeer0|64|0|1|1\nveth0|64|0|1|1\n");
	ns_assert("SELECT rtadv_accept FROM interface_ipv6 WHERE interface = 'veth0'", "1\n");
}

static void fixture_routes(void **state)
{
	(void)state;
	/* flags 16 = RTNH_F_LINKDOWN (veth0 has no carrier); host routes
	 * (/32, /128) read netmask 0; the blackhole route has no interface
	 * and type other, as the IPv6 multicast route; peer0 is down, so
	 * its address has its local route only (no prefix or broadcast
	 * route), as `ip route show table all` lists */
	ns_assert("SELECT * FROM routes",
		  "10.1.2.0|24|NULL|10.1.2.3|16|veth0|0|0|gateway|0\n"
		  "10.7.0.2|0|NULL|10.7.0.1|16|veth0|0|0|gateway|0\n"
		  "198.51.100.0|24|10.1.2.1|NULL|16|veth0|1300|7|gateway|9\n"
		  "203.0.113.0|24|NULL|NULL|0|NULL|0|0|other|0\n"
		  "10.1.2.3|0|NULL|10.1.2.3|0|veth0|0|0|local|0\n"
		  "10.1.2.4|0|NULL|10.1.2.4|0|peer0|0|0|local|0\n"
		  "10.1.2.255|0|NULL|10.1.2.3|16|veth0|0|0|broadcast|0\n"
		  "10.7.0.1|0|NULL|10.7.0.1|0|veth0|0|0|local|0\n"
		  "10.9.9.9|0|NULL|10.9.9.9|0|veth0|0|0|local|0\n"
		  "127.0.0.0|8|NULL|127.0.0.1|0|lo|0|0|local|0\n"
		  "127.0.0.1|0|NULL|127.0.0.1|0|lo|0|0|local|0\n"
		  "127.255.255.255|0|NULL|127.0.0.1|0|lo|0|0|broadcast|0\n"
		  "2001:db8::|64|NULL|NULL|16|veth0|0|256|gateway|0\n"
		  "2001:db8:1::|48|2001:db8::1|NULL|16|veth0|0|5|gateway|0\n"
		  "::1|0|NULL|NULL|0|lo|0|0|local|0\n"
		  "2001:db8::5|0|NULL|NULL|0|veth0|0|0|local|0\n"
		  "ff00::|8|NULL|NULL|16|veth0|0|256|other|0\n");
	ns_assert("SELECT destination FROM routes WHERE type = 'other'", "203.0.113.0\nff00::\n");
	ns_assert("SELECT count(*) FROM routes WHERE type IN ('local', 'broadcast')", "10\n");
}

static void fixture_arp(void **state)
{
	(void)state;
	/* the IPv6 neighbour is not in /proc/net/arp (osquery's source) */
	ns_assert("SELECT * FROM arp_cache", "10.1.2.50|02:00:00:00:00:50|veth0|1\n");
}

/* ------------------------------------------------------------------ */
/* this host against ip(8) and the shell */

static json_t *run_json(const char *cmd)
{
	char *out = test_run(cmd);
	json_error_t err;
	json_t *j = json_loads(out, 0, &err);

	if (!j)
		fail_msg("%s: bad JSON: %s", cmd, err.text);
	free(out);
	return j;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts the lines of a text in place (a multiset compare). */
static char *sorted(const char *text)
{
	char *copy = strdup(text), *p = copy, **v = NULL;
	size_t n = 0;
	struct strbuf sb = STRBUF_INIT;

	while (*p) {
		char *nl = strchr(p, '\n');

		v = realloc(v, (n + 1) * sizeof(*v));
		v[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	qsort(v, n, sizeof(*v), cmp_lines);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s\n", v[i]);
	free(v);
	free(copy);
	return strbuf_detach(&sb, NULL);
}

static void assert_same_set(const char *what, const char *expected, const char *got)
{
	char *a = sorted(expected), *b = sorted(got);

	assert_same(what, a, b);
	free(a);
	free(b);
}

static void mask_text(int family, long prefix, char *out, size_t len)
{
	uint8_t m[16] = { 0 };

	for (int i = 0; prefix > 0; i++, prefix -= 8)
		m[i] = (uint8_t)(prefix >= 8 ? 0xff : (0xff00 >> prefix));
	inet_ntop(family, m, out, (socklen_t)len);
}

static bool has_flag(json_t *flags, const char *f)
{
	size_t i;
	json_t *v;

	json_array_foreach(flags, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), f))
			return true;
	return false;
}

static void host_addresses(void **state)
{
	struct engine *eng = test_engine(NULL);
	json_t *links = run_json("ip -j addr show");
	char *got = test_query_text(eng, "SELECT interface, address, mask, broadcast, "
					 "point_to_point FROM interface_addresses");
	struct strbuf want = STRBUF_INIT;
	size_t i, k;
	json_t *l, *a;

	(void)state;
	json_array_foreach(links, i, l) {
		const char *ifname = json_string_value(json_object_get(l, "ifname"));
		bool bcast = has_flag(json_object_get(l, "flags"), "BROADCAST");

		json_array_foreach(json_object_get(l, "addr_info"), k, a) {
			const char *fam = json_string_value(json_object_get(a, "family"));
			const char *local = json_string_value(json_object_get(a, "local"));
			const char *label = json_string_value(json_object_get(a, "label"));
			const char *brd = json_string_value(json_object_get(a, "broadcast"));
			const char *peer = json_string_value(json_object_get(a, "address"));
			int family = !strcmp(fam, "inet") ? AF_INET : AF_INET6;
			const char *dst = NULL;
			char mask[64], addr[128], dstbuf[128];

			mask_text(family, (long)json_integer_value(json_object_get(a, "prefixlen")),
				  mask, sizeof(mask));
			if (family == AF_INET6 && !strncmp(local, "fe80:", 5))
				snprintf(addr, sizeof(addr), "%s%%%s", local, ifname);
			else
				snprintf(addr, sizeof(addr), "%s", local);
			/* glibc: IPv4 always sends IFA_ADDRESS and IFA_LOCAL */
			if (brd)
				dst = brd;
			else if (peer)
				dst = peer;
			else if (family == AF_INET)
				dst = local;
			if (dst) {
				if (family == AF_INET6 && !strncmp(dst, "fe80:", 5))
					snprintf(dstbuf, sizeof(dstbuf), "%s%%%s", dst, ifname);
				else
					snprintf(dstbuf, sizeof(dstbuf), "%s", dst);
			}
			strbuf_addf(&want, "%s|%s|%s|%s|%s\n",
				    family == AF_INET && label ? label : ifname, addr, mask,
				    dst && bcast ? dstbuf : "NULL", dst && !bcast ? dstbuf : "NULL");
		}
	}
	assert_same_set("interface_addresses vs ip -j addr", want.buf, got);
	strbuf_release(&want);
	free(got);
	json_decref(links);
	engine_free(eng);
}

static unsigned long route_flags(json_t *flags)
{
	static const struct {
		const char *name;
		unsigned long bit;
	} map[] = { { "dead", 1 },	   { "pervasive", 2 }, { "onlink", 4 }, { "offload", 8 },
		    { "linkdown", 16 }, { "unresolved", 32 }, { "trap", 64 } };
	unsigned long v = 0;
	size_t i;
	json_t *f;

	json_array_foreach(flags, i, f) {
		size_t k;

		for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if (!strcmp(json_string_value(f), map[k].name))
				break;
		if (k == sizeof(map) / sizeof(map[0]))
			fail_msg("route flag %s not mapped", json_string_value(f));
		v |= map[k].bit;
	}
	return v;
}

static void routes_of(const char *cmd, int family, struct strbuf *want)
{
	json_t *routes = run_json(cmd);
	size_t i;
	json_t *r;

	json_array_foreach(routes, i, r) {
		const char *type = json_string_value(json_object_get(r, "type"));
		const char *dst = json_string_value(json_object_get(r, "dst"));
		const char *gw = json_string_value(json_object_get(r, "gateway"));
		const char *src = json_string_value(json_object_get(r, "prefsrc"));
		const char *dev = json_string_value(json_object_get(r, "dev"));
		json_t *metrics = json_array_get(json_object_get(r, "metrics"), 0);
		const char *slash = strchr(dst, '/');
		const char *otype;
		char dest[64];
		long mask = 0;

		if (!strcmp(dst, "default")) {
			snprintf(dest, sizeof(dest), "%s", family == AF_INET ? "0.0.0.0" : "::");
		} else {
			snprintf(dest, sizeof(dest), "%.*s",
				 (int)(slash ? (size_t)(slash - dst) : strlen(dst)), dst);
			mask = slash ? strtol(slash + 1, NULL, 10) : 0;
			if (mask == 32 || mask == 128)
				mask = 0;
		}
		if (!type || !strcmp(type, "unicast"))
			otype = "gateway";
		else if (!strcmp(type, "local") || !strcmp(type, "broadcast") ||
			 !strcmp(type, "anycast"))
			otype = type;
		else
			otype = "other";
		strbuf_addf(want, "%s|%ld|%s|%s|%lu|%s|%lld|%lld|%s|%lld\n", dest, mask,
			    gw ? gw : "NULL", src ? src : "NULL",
			    route_flags(json_object_get(r, "flags")), dev ? dev : "NULL",
			    (long long)json_integer_value(json_object_get(metrics, "mtu")),
			    (long long)json_integer_value(json_object_get(r, "metric")), otype,
			    (long long)json_integer_value(json_object_get(metrics, "hoplimit")));
	}
	json_decref(routes);
}

static void host_routes(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf want = STRBUF_INIT;
	char *got;

	(void)state;
	routes_of("ip -j -4 route show table all", AF_INET, &want);
	got = test_query_text(eng, "SELECT * FROM routes");
	routes_of("ip -j -6 route show table all", AF_INET6, &want);
	assert_same_set("routes vs ip -j route show table all", want.buf, got);
	strbuf_release(&want);
	free(got);
	engine_free(eng);
}

static void host_arp(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *got = test_query_text(eng, "SELECT * FROM arp_cache");
	json_t *neigh = run_json("ip -j -4 neigh show");
	struct strbuf want = STRBUF_INIT;
	size_t i;
	json_t *n;

	(void)state;
	json_array_foreach(neigh, i, n) {
		const char *mac = json_string_value(json_object_get(n, "lladdr"));
		json_t *st = json_object_get(n, "state");

		/* /proc/net/arp leaves NOARP entries out */
		if (has_flag(st, "NOARP"))
			continue;
		strbuf_addf(&want, "%s|%s|%s|%s\n", json_string_value(json_object_get(n, "dst")),
			    mac ? mac : "00:00:00:00:00:00",
			    json_string_value(json_object_get(n, "dev")),
			    has_flag(st, "PERMANENT") ? "1" : "0");
	}
	assert_same_set("arp_cache vs ip -j -4 neigh", want.buf, got);
	strbuf_release(&want);
	free(got);
	json_decref(neigh);
	engine_free(eng);
}

/* interface_details and interface_ipv6 against /sys and /proc/sys read
 * by the shell, one line per interface. */
static void host_details(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *sys = test_run(
		"for d in /sys/class/net/*; do n=${d##*/}; "
		"a=$(cat $d/address 2>/dev/null | cut -c1-17); "
		"[ ${#a} -eq 17 ] || a=00:00:00:00:00:00; "
		"printf '%s|%s|%d|%s|%d\\n' $n $a $(( $(cat $d/type) & 255 )) $(cat $d/mtu) "
		"$(( $(cat $d/flags) & 0xf3bf ))" /* the IFF_ bits dev->flags and sysfs share */
		"; done");
	char *got = test_query_text(eng, "SELECT interface, mac, type, mtu, flags & 0xf3bf "
					 "FROM interface_details");
	char *ipv6 = test_run(
		"cd /proc/sys/net/ipv6/conf && ra=$(cat all/accept_redirects); "
		"for n in $(ls /sys/class/net); do f=$(cat $n/forwarding); r=$(cat $n/accept_redirects); "
		"a=$(cat $n/accept_ra); "
		"if [ $f -ne 0 ]; then rr=$(( ra != 0 && r != 0 )); else rr=$(( ra != 0 || r != 0 )); fi; "
		"if [ $a -eq 2 ]; then rt=1; else rt=$(( a != 0 && f == 0 )); fi; "
		"printf '%s|%s|%s|%s|%s\\n' $n $(cat $n/hop_limit) $f $rr $rt; done");
	char *got6 = test_query_text(eng, "SELECT * FROM interface_ipv6");

	(void)state;
	assert_same_set("interface_details vs /sys/class/net", sys, got);
	assert_same_set("interface_ipv6 vs /proc/sys/net/ipv6/conf", ipv6, got6);
	free(sys);
	free(got);
	free(ipv6);
	free(got6);
	engine_free(eng);
}

/* Counters: the kernel's, read before and after, bound ours. */
static void host_counters(void **state)
{
	struct engine *eng = test_engine(NULL);
	const char *cmd = "cat /sys/class/net/lo/statistics/rx_packets "
			  "/sys/class/net/lo/statistics/tx_bytes";
	char *before = test_run(cmd);
	char *got = test_query_text(eng, "SELECT ipackets, obytes FROM interface_details "
					 "WHERE interface = 'lo'");
	char *after = test_run(cmd);
	unsigned long long b1, b2, g1, g2, a1, a2;

	(void)state;
	assert_int_equal(sscanf(before, "%llu %llu", &b1, &b2), 2);
	assert_int_equal(sscanf(got, "%llu|%llu", &g1, &g2), 2);
	assert_int_equal(sscanf(after, "%llu %llu", &a1, &a2), 2);
	/* IFLA_STATS is 32 bits wide, as osquery reads it */
	b1 &= 0xffffffffULL, b2 &= 0xffffffffULL, a1 &= 0xffffffffULL, a2 &= 0xffffffffULL;
	if (b1 <= a1 && b2 <= a2) { /* no wrap in between */
		assert_true(b1 <= g1 && g1 <= a1);
		assert_true(b2 <= g2 && g2 <= a2);
	}
	free(before);
	free(got);
	free(after);
	engine_free(eng);
}

/* Under a captured tree the netlink tables have no rows. */
static void sysroot_no_rows(void **state)
{
	struct engine *eng = test_golden_engine("net1");

	(void)state;
	test_assert_query(eng, "SELECT count(*) FROM interface_addresses", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM interface_details", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM interface_ipv6", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM routes", "0\n");
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixture_addresses), cmocka_unit_test(fixture_details),
		cmocka_unit_test(fixture_ipv6),	     cmocka_unit_test(fixture_routes),
		cmocka_unit_test(fixture_arp),	     cmocka_unit_test(host_addresses),
		cmocka_unit_test(host_routes),	     cmocka_unit_test(host_arp),
		cmocka_unit_test(host_details),	     cmocka_unit_test(host_counters),
		cmocka_unit_test(sysroot_no_rows),
	};

	return cmocka_run_group_tests(tests, ns_setup, ns_teardown);
}
