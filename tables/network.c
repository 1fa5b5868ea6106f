/*
 * network.c - network interfaces, their addresses, routes and the ARP
 * cache: interface_addresses, interface_details, interface_ipv6,
 * routes, arp_cache.
 *
 *   SELECT interface, address, mask FROM interface_addresses;
 *   SELECT interface, mac, mtu, ibytes, obytes FROM interface_details;
 *   SELECT destination, netmask, gateway, interface FROM routes
 *     WHERE type = 'gateway';
 *   SELECT address, mac, interface FROM arp_cache WHERE permanent = '1';
 *
 * Data sources. osquery reads links and addresses with getifaddrs(3)
 * and routes with an RTM_GETROUTE dump, both rtnetlink; spoor asks
 * rtnetlink itself (lib/rtnl.h) and derives each column the way glibc's
 * getifaddrs and osquery derive it (details at each table below).
 * rtnetlink answers about the live host only (the caller's network
 * namespace): under a --sysroot / captured tree interface_addresses,
 * interface_details, interface_ipv6 and routes return no rows. The
 * files osquery reads next to netlink go through the rootfs layer:
 * /sys/class/net/<if>/flags, /proc/sys/net/ipv6/conf/<if>/. arp_cache
 * is osquery's /proc/net/arp parser, so it also answers on a captured
 * tree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "rtnl.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* /sys and /proc/sys values are a few bytes; this only stops a hostile
 * tree. */
#define SMALL_FILE_MAX ((size_t)4096)
/* /proc/net/arp: one ~80-byte line per entry; the kernel's neighbour
 * table default limit (gc_thresh3) is 1024, a busy router may raise it. */
#define PROC_NET_ARP_MAX ((size_t)16 << 20)
/* Links kept per query: far past any real host, bounds a hostile dump. */
#define LINKS_MAX 65536

/* ------------------------------------------------------------------ */
/* the link list every netlink table starts from */

struct link_list {
	struct rtnl_link *v;
	size_t n, alloc;
};

static int collect_link(void *arg, const struct rtnl_link *l)
{
	struct link_list *ll = arg;

	if (ll->n == LINKS_MAX)
		return -SPOOR_ETOOBIG;
	if (ll->n == ll->alloc) {
		ll->alloc = ll->alloc ? ll->alloc * 2 : 16;
		ll->v = xrealloc(ll->v, ll->alloc * sizeof(*ll->v));
	}
	ll->v[ll->n++] = *l;
	return 0;
}

static int load_links(struct rtnl *nl, struct link_list *ll)
{
	struct rtnl_cb cb = { .link = collect_link, .arg = ll };

	return rtnl_dump(nl, RTNL_LINKS, &cb);
}

static const struct rtnl_link *find_link(const struct link_list *ll, int32_t index)
{
	for (size_t i = 0; i < ll->n; i++)
		if (ll->v[i].index == index)
			return &ll->v[i];
	return NULL;
}

static void link_list_release(struct link_list *ll)
{
	free(ll->v);
	memset(ll, 0, sizeof(*ll));
}

/* Address text as osquery prints it: inet_ntop, and for an IPv6
 * link-local (unicast or multicast) address the "%<interface>" scope
 * getnameinfo(NI_NUMERICHOST) appends, as glibc's getifaddrs gives those
 * a scope id. */
static void format_ip(char *out, size_t outlen, uint8_t family, const uint8_t *a,
		      const char *scope_name)
{
	char tmp[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, a, tmp, sizeof(tmp))) {
		snprintf(out, outlen, "%s", "");
		return;
	}
	if (family == AF_INET6 && scope_name &&
	    ((a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || (a[0] == 0xff && (a[1] & 0x0f) == 0x02)))
		snprintf(out, outlen, "%s%%%s", tmp, scope_name);
	else
		snprintf(out, outlen, "%s", tmp);
}

/* ------------------------------------------------------------------ */
/* interface_addresses */

enum {
	IA_INTERFACE,
	IA_ADDRESS,
	IA_MASK,
	IA_BROADCAST,
	IA_POINT_TO_POINT,
	IA_TYPE,
	IA_FRIENDLY_NAME,
};

static const struct column_spec interface_addresses_cols[] = {
	[IA_INTERFACE] = { "interface", COL_TEXT, 0,
		.help = "Interface name" },
	[IA_ADDRESS] = { "address", COL_TEXT, 0,
		.help = "Specific address for interface" },
	[IA_MASK] = { "mask", COL_TEXT, 0,
		.help = "Interface netmask" },
	[IA_BROADCAST] = { "broadcast", COL_TEXT, 0,
		.help = "Broadcast address for the interface" },
	[IA_POINT_TO_POINT] = { "point_to_point", COL_TEXT, 0,
		.help = "PtP address for the interface" },
	[IA_TYPE] = { "type", COL_TEXT, 0,
		.help = "Type of address. One of dhcp, manual, auto, other, unknown" },
	[IA_FRIENDLY_NAME] = { "friendly_name", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "The friendly display name of the interface." },
};

/*
 * interface_addresses: one row per IPv4 and IPv6 address, as osquery
 * builds them from getifaddrs(3) (tables/networking/posix/interfaces.cpp)
 * and glibc builds those from RTM_GETADDR:
 *   - interface: the IPv4 address's label (an alias reads "eth0:1"),
 *     else the name of the address's link;
 *   - address: IFA_LOCAL when present, else IFA_ADDRESS; IPv6 link-local
 *     addresses carry "%<interface>";
 *   - mask: the prefix length as an address (255.255.255.0, ffff:ffff::);
 *   - the destination is IFA_BROADCAST, else IFA_ADDRESS when it
 *     differs from IFA_LOCAL's role (a peer: both attributes present);
 *     it goes to broadcast when the link has IFF_BROADCAST, else to
 *     point_to_point. So lo's 127.0.0.1 (IFA_ADDRESS and IFA_LOCAL, no
 *     broadcast) reads point_to_point 127.0.0.1, as in osquery;
 *   - type: "unknown", osquery's constant on Linux.
 * An address whose link is not in the link dump (added between the two
 * dumps) is skipped, as glibc drops it.
 */
struct ia_ctx {
	struct query_ctx *q;
	const struct link_list *links;
};

static void mask_from_prefix(uint8_t family, unsigned prefix, uint8_t out[16])
{
	size_t n = family == AF_INET ? 4 : 16;

	memset(out, 0, 16);
	for (size_t i = 0; i < n && prefix > 0; i++) {
		unsigned bits = prefix >= 8 ? 8 : prefix;

		out[i] = (uint8_t)(0xff00 >> bits);
		prefix -= bits;
	}
}

static int ia_row(void *arg, const struct rtnl_addr *a)
{
	struct ia_ctx *c = arg;
	struct query_ctx *q = c->q;
	const struct rtnl_link *l = find_link(c->links, a->index);
	char text[INET6_ADDRSTRLEN + IFNAMSIZ + 2];
	const uint8_t *addr, *dst = NULL;
	uint8_t mask[16];

	if (!l)
		return 0;
	addr = a->has_local ? a->local : a->has_address ? a->address : NULL;
	if (!addr)
		return 0; /* glibc lists it with no ifa_addr; osquery skips those */
	if (a->has_broadcast)
		dst = a->broadcast;
	else if (a->has_local && a->has_address)
		dst = a->address;

	row_begin(q);
	row_textz(q, IA_INTERFACE, a->family == AF_INET && a->label[0] ? a->label : l->name);
	format_ip(text, sizeof(text), a->family, addr, l->name);
	row_textz(q, IA_ADDRESS, text);
	mask_from_prefix(a->family, a->prefixlen, mask);
	format_ip(text, sizeof(text), a->family, mask, NULL);
	row_textz(q, IA_MASK, text);
	if (dst) {
		format_ip(text, sizeof(text), a->family, dst, l->name);
		row_textz(q, (l->flags & IFF_BROADCAST) ? IA_BROADCAST : IA_POINT_TO_POINT, text);
	}
	row_textz(q, IA_TYPE, "unknown");
	return row_end(q);
}

static int gen_interface_addresses(struct query_ctx *q)
{
	struct link_list links = { 0 };
	struct ia_ctx c = { .q = q, .links = &links };
	struct rtnl_cb cb = { .addr = ia_row, .arg = &c };
	struct rtnl *nl = NULL;
	int r;

	if (!rootfs_is_live(qctx_rootfs(q)))
		return 0;
	r = rtnl_open(&nl);
	if (r < 0)
		goto out;
	r = load_links(nl, &links);
	if (r < 0)
		goto out;
	r = rtnl_dump(nl, RTNL_ADDRS, &cb);
out:
	rtnl_free(nl);
	link_list_release(&links);
	return r;
}

const struct table_spec interface_addresses_spec = {
	.name = "interface_addresses",
	.description = "Network interfaces and relevant metadata.",
	.source = "rtnetlink RTM_GETLINK + RTM_GETADDR dumps (live host only)",
	TABLE_COLUMNS(interface_addresses_cols),
	.attributes = TABLE_CACHEABLE,
	.generate = gen_interface_addresses,
};

/* ------------------------------------------------------------------ */
/* interface_details */

enum {
	ID_INTERFACE,
	ID_MAC,
	ID_TYPE,
	ID_MTU,
	ID_METRIC,
	ID_FLAGS,
	ID_IPACKETS,
	ID_OPACKETS,
	ID_IBYTES,
	ID_OBYTES,
	ID_IERRORS,
	ID_OERRORS,
	ID_IDROPS,
	ID_ODROPS,
	ID_COLLISIONS,
	ID_LAST_CHANGE,
	ID_LINK_SPEED,
	ID_PCI_SLOT,
	ID_FRIENDLY_NAME,
	ID_DESCRIPTION,
	ID_MANUFACTURER,
	ID_CONNECTION_ID,
	ID_CONNECTION_STATUS,
	ID_ENABLED,
	ID_PHYSICAL_ADAPTER,
	ID_SPEED,
	ID_SERVICE,
	ID_DHCP_ENABLED,
	ID_DHCP_LEASE_EXPIRES,
	ID_DHCP_LEASE_OBTAINED,
	ID_DHCP_SERVER,
	ID_DNS_DOMAIN,
	ID_DNS_DOMAIN_SUFFIX_SEARCH_ORDER,
	ID_DNS_HOST_NAME,
	ID_DNS_SERVER_SEARCH_ORDER,
};

static const struct column_spec interface_details_cols[] = {
	[ID_INTERFACE] = { "interface", COL_TEXT, 0,
		.help = "Interface name" },
	[ID_MAC] = { "mac", COL_TEXT, 0, .collate = COLLATE_NOCASE,
		.help = "MAC of interface (optional)" },
	[ID_TYPE] = { "type", COL_INTEGER, 0,
		.help = "Interface type (includes virtual)" },
	[ID_MTU] = { "mtu", COL_INTEGER, 0,
		.help = "Network MTU" },
	[ID_METRIC] = { "metric", COL_INTEGER, 0,
		.help = "Metric based on the speed of the interface" },
	[ID_FLAGS] = { "flags", COL_INTEGER, 0,
		.help = "Flags (netdevice) for the device" },
	[ID_IPACKETS] = { "ipackets", COL_BIGINT, 0,
		.help = "Input packets" },
	[ID_OPACKETS] = { "opackets", COL_BIGINT, 0,
		.help = "Output packets" },
	[ID_IBYTES] = { "ibytes", COL_BIGINT, 0,
		.help = "Input bytes" },
	[ID_OBYTES] = { "obytes", COL_BIGINT, 0,
		.help = "Output bytes" },
	[ID_IERRORS] = { "ierrors", COL_BIGINT, 0,
		.help = "Input errors" },
	[ID_OERRORS] = { "oerrors", COL_BIGINT, 0,
		.help = "Output errors" },
	[ID_IDROPS] = { "idrops", COL_BIGINT, 0,
		.help = "Input drops" },
	[ID_ODROPS] = { "odrops", COL_BIGINT, 0,
		.help = "Output drops" },
	[ID_COLLISIONS] = { "collisions", COL_BIGINT, 0,
		.help = "Packet Collisions detected" },
	[ID_LAST_CHANGE] = { "last_change", COL_BIGINT, 0,
		.help = "Time of last device modification (optional)" },
	[ID_LINK_SPEED] = { "link_speed", COL_BIGINT, 0,
		.help = "Interface speed in Mb/s" },
	[ID_PCI_SLOT] = { "pci_slot", COL_TEXT, 0,
		.help = "PCI slot number" },
	[ID_FRIENDLY_NAME] = { "friendly_name", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "The friendly display name of the interface." },
	[ID_DESCRIPTION] = { "description", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Short description of the object a one-line string." },
	[ID_MANUFACTURER] = { "manufacturer", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Name of the network adapter's manufacturer." },
	[ID_CONNECTION_ID] = { "connection_id", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Name of the network connection as it appears in the Network Connections Control Panel program." },
	[ID_CONNECTION_STATUS] = { "connection_status", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "State of the network adapter connection to the network." },
	[ID_ENABLED] = { "enabled", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Indicates whether the adapter is enabled or not." },
	[ID_PHYSICAL_ADAPTER] = { "physical_adapter", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Indicates whether the adapter is a physical or a logical adapter." },
	[ID_SPEED] = { "speed", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Estimate of the current bandwidth in bits per second." },
	[ID_SERVICE] = { "service", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "The name of the service the network adapter uses." },
	[ID_DHCP_ENABLED] = { "dhcp_enabled", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "If TRUE, the dynamic host configuration protocol (DHCP) server automatically assigns an IP address to the computer system when establishing a network connection." },
	[ID_DHCP_LEASE_EXPIRES] = { "dhcp_lease_expires", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Expiration date and time for a leased IP address that was assigned to the computer by the dynamic host configuration protocol (DHCP) server." },
	[ID_DHCP_LEASE_OBTAINED] = { "dhcp_lease_obtained", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Date and time the lease was obtained for the IP address assigned to the computer by the dynamic host configuration protocol (DHCP) server." },
	[ID_DHCP_SERVER] = { "dhcp_server", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "IP address of the dynamic host configuration protocol (DHCP) server." },
	[ID_DNS_DOMAIN] = { "dns_domain", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Organization name followed by a period and an extension that indicates the type of organization, such as 'microsoft.com'." },
	[ID_DNS_DOMAIN_SUFFIX_SEARCH_ORDER] = { "dns_domain_suffix_search_order", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Array of DNS domain suffixes to be appended to the end of host names during name resolution." },
	[ID_DNS_HOST_NAME] = { "dns_host_name", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Host name used to identify the local computer for authentication by some utilities." },
	[ID_DNS_SERVER_SEARCH_ORDER] = { "dns_server_search_order", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		.help = "Array of server IP addresses to be used in querying for DNS servers." },
};

/*
 * interface_details: one row per link, as osquery builds it from the
 * AF_PACKET entries of getifaddrs(3) plus ioctls
 * (tables/networking/posix/interfaces.cpp):
 *   - mac: the first 6 bytes of the hardware address (SIOCGIFHWADDR),
 *     zero-padded; 00:00:00:00:00:00 when the link has none;
 *   - type: the ARPHRD_* type cut to 8 bits, as osquery's
 *     INTEGER_FROM_UCHAR(sa_family) does (lo, ARPHRD_LOOPBACK = 772,
 *     reads 4; ARPHRD_NONE = 65534 reads 254);
 *   - mtu: IFLA_MTU (what SIOCGIFMTU answers); metric: 0, the only
 *     value SIOCGIFMETRIC gives on Linux;
 *   - flags: the link's ifi_flags with the bits osquery takes from
 *     /sys/class/net/<if>/flags (UP, DEBUG, NOTRAILERS, NOARP, PROMISC,
 *     ALLMULTI, MULTICAST, PORTSEL, AUTOMEDIA, DYNAMIC) replaced by the
 *     file's; when the file cannot be read those bits are 0, as in
 *     osquery;
 *   - ipackets ... collisions: IFLA_STATS, the 32-bit counters
 *     getifaddrs hands out (they wrap at 2^32, as osquery's do);
 *   - last_change: -1 (osquery reports -1: Linux has no such counter);
 *   - link_speed: ETHTOOL_GSET speed in Mb/s, 0 when unknown or not
 *     supported; pci_slot: ETHTOOL_GDRVINFO bus_info, "-1" when the
 *     driver answers nothing (lo). The ioctls run only when one of the
 *     two columns is used.
 * A link reported without statistics (never by a real kernel) gets
 * only interface and mac, as in osquery.
 */
#define SYSFS_FLAGS                                                                           \
	(IFF_UP | IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_PROMISC | IFF_ALLMULTI |          \
	 IFF_MULTICAST | IFF_PORTSEL | IFF_AUTOMEDIA | IFF_DYNAMIC)

/* /sys/class/net/<if>/flags as osquery reads it: "0x<hex>" and one
 * last byte (the newline) dropped; -EINVAL for anything else. */
static int sysfs_flags(const struct rootfs *rfs, const char *ifname, uint64_t *ret)
{
	struct strbuf sb = STRBUF_INIT;
	char path[64 + IFNAMSIZ];
	struct span sp;
	uint64_t v;
	int r;

	snprintf(path, sizeof(path), "/sys/class/net/%s/flags", ifname);
	r = rootfs_read(rfs, path, &sb, SMALL_FILE_MAX, NULL);
	if (r < 0)
		goto out;
	r = -EINVAL;
	if (sb.len <= 3 || sb.buf[0] != '0' || sb.buf[1] != 'x')
		goto out;
	sp = span_make(sb.buf + 2, sb.len - 3);
	if (span_hex64(&sp, &v) < 0 || !span_empty(&sp))
		goto out;
	*ret = v;
	r = 0;
out:
	strbuf_release(&sb);
	return r;
}

static void ethtool_info(int fd, const char *ifname, int64_t *ret_speed, char *ret_slot,
			 size_t slot_len)
{
	struct ethtool_cmd cmd = { .cmd = ETHTOOL_GSET };
	struct ethtool_drvinfo drv = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;

	*ret_speed = 0;
	snprintf(ret_slot, slot_len, "%s", "-1");
	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (char *)&cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr) >= 0) {
		/* what ethtool_cmd_speed() computes, without its int-promoted
		 * shift (65535 << 16 overflows int: undefined behaviour) */
		uint32_t speed = ((uint32_t)cmd.speed_hi << 16) | (uint32_t)cmd.speed;

		if (speed != UINT32_MAX)
			*ret_speed = speed;
	}
	ifr.ifr_data = (char *)&drv;
	if (ioctl(fd, SIOCETHTOOL, &ifr) >= 0)
		snprintf(ret_slot, slot_len, "%.*s",
			 (int)strnlen(drv.bus_info, sizeof(drv.bus_info)), drv.bus_info);
}

static int details_row(struct query_ctx *q, int fd, const struct rtnl_link *l)
{
	const struct rtnl_stats32 *s = &l->stats;
	uint8_t mac[6] = { 0 };
	char slot[ETHTOOL_BUSINFO_LEN + 1];
	int64_t speed;

	memcpy(mac, l->addr, l->addr_len < 6 ? l->addr_len : 6);
	row_begin(q);
	row_textz(q, ID_INTERFACE, l->name);
	row_textf(q, ID_MAC, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		  mac[4], mac[5]);
	if (!l->has_stats)
		return row_end(q);
	row_int(q, ID_TYPE, l->type & 0xff);
	row_int(q, ID_MTU, l->has_mtu ? (int64_t)l->mtu : 0);
	row_int(q, ID_METRIC, 0);
	if (qctx_used(q, ID_FLAGS)) {
		uint64_t sys = 0, flags = l->flags & ~(uint64_t)SYSFS_FLAGS;

		if (sysfs_flags(qctx_rootfs(q), l->name, &sys) == 0)
			flags |= sys & SYSFS_FLAGS;
		row_int(q, ID_FLAGS, (int64_t)flags);
	}
	row_int(q, ID_IPACKETS, s->rx_packets);
	row_int(q, ID_OPACKETS, s->tx_packets);
	row_int(q, ID_IBYTES, s->rx_bytes);
	row_int(q, ID_OBYTES, s->tx_bytes);
	row_int(q, ID_IERRORS, s->rx_errors);
	row_int(q, ID_OERRORS, s->tx_errors);
	row_int(q, ID_IDROPS, s->rx_dropped);
	row_int(q, ID_ODROPS, s->tx_dropped);
	row_int(q, ID_COLLISIONS, s->collisions);
	row_int(q, ID_LAST_CHANGE, -1);
	if (qctx_used(q, ID_LINK_SPEED) || qctx_used(q, ID_PCI_SLOT)) {
		ethtool_info(fd, l->name, &speed, slot, sizeof(slot));
		row_int(q, ID_LINK_SPEED, speed);
		row_textz(q, ID_PCI_SLOT, slot);
	}
	return row_end(q);
}

/* The live links, for interface_details and interface_ipv6 (osquery
 * builds the latter from the former). */
static int read_links(struct link_list *ll)
{
	struct rtnl *nl = NULL;
	int r = rtnl_open(&nl);

	if (r == 0)
		r = load_links(nl, ll);
	rtnl_free(nl);
	return r;
}

static int gen_interface_details(struct query_ctx *q)
{
	struct link_list links = { 0 };
	int fd = -1;
	int r;

	if (!rootfs_is_live(qctx_rootfs(q)))
		return 0;
	r = read_links(&links);
	if (r < 0)
		goto out;
	if (qctx_used(q, ID_LINK_SPEED) || qctx_used(q, ID_PCI_SLOT))
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (size_t i = 0; i < links.n && r >= 0; i++)
		r = details_row(q, fd, &links.v[i]);
out:
	if (fd >= 0)
		close(fd);
	link_list_release(&links);
	return r;
}

const struct table_spec interface_details_spec = {
	.name = "interface_details",
	.description = "Detailed information and stats of network interfaces.",
	.source = "rtnetlink RTM_GETLINK dump, /sys/class/net/<if>/flags, ethtool ioctls "
		  "(live host only)",
	TABLE_COLUMNS(interface_details_cols),
	.attributes = TABLE_CACHEABLE,
	.generate = gen_interface_details,
};

/* ------------------------------------------------------------------ */
/* interface_ipv6 */

enum {
	I6_INTERFACE,
	I6_HOP_LIMIT,
	I6_FORWARDING_ENABLED,
	I6_REDIRECT_ACCEPT,
	I6_RTADV_ACCEPT,
};

static const struct column_spec interface_ipv6_cols[] = {
	[I6_INTERFACE] = { "interface", COL_TEXT, 0,
		.help = "Interface name" },
	[I6_HOP_LIMIT] = { "hop_limit", COL_INTEGER, 0,
		.help = "Current Hop Limit" },
	[I6_FORWARDING_ENABLED] = { "forwarding_enabled", COL_INTEGER, 0,
		.help = "Enable IP forwarding" },
	[I6_REDIRECT_ACCEPT] = { "redirect_accept", COL_INTEGER, 0,
		.help = "Accept ICMP redirect messages" },
	[I6_RTADV_ACCEPT] = { "rtadv_accept", COL_INTEGER, 0,
		.help = "Accept ICMP Router Advertisement" },
};

/*
 * interface_ipv6: one row per link (osquery: per interface_details row),
 * from /proc/sys/net/ipv6/conf/<if>/ (tables/networking/linux/
 * interface_ip.cpp). A value that cannot be read or is not an integer
 * is -1. osquery combines the per-interface and "all" settings the way
 * the kernel applies them:
 *   - hop_limit, forwarding_enabled: the interface's hop_limit and
 *     forwarding;
 *   - redirect_accept: forwarding ? all && if : all || if
 *     (accept_redirects, -1 counting as true);
 *   - rtadv_accept: accept_ra == 2 ? 1 : accept_ra && !forwarding.
 */
static int ipv6_conf(const struct rootfs *rfs, const char *ifname, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	char path[64 + IFNAMSIZ];
	int64_t v = -1;
	int r;

	/* the kernel allows neither, but a name is not trusted as a path */
	if (!ifname[0] || strchr(ifname, '/') || !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return -1;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	r = rootfs_read(rfs, path, &sb, SMALL_FILE_MAX, NULL);
	if (r == 0)
		r = parse_int64(sb.buf, &v);
	strbuf_release(&sb);
	if (r < 0 || v < INT32_MIN || v > INT32_MAX)
		return -1;
	return (int)v;
}

static int gen_interface_ipv6(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct link_list links = { 0 };
	int redirect_all, r;

	if (!rootfs_is_live(rfs))
		return 0;
	r = read_links(&links);
	if (r < 0)
		goto out;
	redirect_all = ipv6_conf(rfs, "all", "accept_redirects");
	for (size_t i = 0; i < links.n && r >= 0; i++) {
		const char *name = links.v[i].name;
		int forwarding = ipv6_conf(rfs, name, "forwarding");
		int redirect = ipv6_conf(rfs, name, "accept_redirects");
		int rtadv = ipv6_conf(rfs, name, "accept_ra");

		row_begin(q);
		row_textz(q, I6_INTERFACE, name);
		row_int(q, I6_HOP_LIMIT, ipv6_conf(rfs, name, "hop_limit"));
		row_int(q, I6_FORWARDING_ENABLED, forwarding);
		row_int(q, I6_REDIRECT_ACCEPT,
			forwarding ? (redirect_all && redirect) : (redirect_all || redirect));
		row_int(q, I6_RTADV_ACCEPT, rtadv == 2 ? 1 : (rtadv && !forwarding));
		r = row_end(q);
	}
out:
	link_list_release(&links);
	return r;
}

const struct table_spec interface_ipv6_spec = {
	.name = "interface_ipv6",
	.description = "IPv6 configuration and stats of network interfaces.",
	.source = "rtnetlink RTM_GETLINK dump, /proc/sys/net/ipv6/conf/<if>/ (live host only)",
	TABLE_COLUMNS(interface_ipv6_cols),
	.generate = gen_interface_ipv6,
};

/* ------------------------------------------------------------------ */
/* routes */

enum {
	RT_DESTINATION,
	RT_NETMASK,
	RT_GATEWAY,
	RT_SOURCE,
	RT_FLAGS,
	RT_INTERFACE,
	RT_MTU,
	RT_METRIC,
	RT_TYPE,
	RT_HOPCOUNT,
};

static const struct column_spec routes_cols[] = {
	[RT_DESTINATION] = { "destination", COL_TEXT, 0,
		.help = "Destination IP address" },
	[RT_NETMASK] = { "netmask", COL_INTEGER, 0,
		.help = "Netmask length" },
	[RT_GATEWAY] = { "gateway", COL_TEXT, 0,
		.help = "Route gateway" },
	[RT_SOURCE] = { "source", COL_TEXT, 0,
		.help = "Route source" },
	[RT_FLAGS] = { "flags", COL_INTEGER, 0,
		.help = "Flags to describe route" },
	[RT_INTERFACE] = { "interface", COL_TEXT, 0,
		.help = "Route local interface" },
	[RT_MTU] = { "mtu", COL_INTEGER, 0,
		.help = "Maximum Transmission Unit for the route" },
	[RT_METRIC] = { "metric", COL_INTEGER, 0,
		.help = "Cost of route. Lowest is preferred" },
	[RT_TYPE] = { "type", COL_TEXT, COLF_ADDITIONAL,
		.help = "Type of route" },
	[RT_HOPCOUNT] = { "hopcount", COL_INTEGER, 0,
		.help = "Max hops expected" },
};

/*
 * routes: one row per IPv4 and IPv6 route of every table, from an
 * RTM_GETROUTE dump as osquery's tables/networking/linux/routes.cpp
 * reads it:
 *   - destination: RTA_DST, else "0.0.0.0" / "::";
 *   - netmask: the prefix length, except that a host route (/32, /128)
 *     with RTA_DST reads 0, as osquery reports it;
 *   - gateway: RTA_GATEWAY; source: RTA_PREFSRC; interface: the name of
 *     RTA_OIF ('' when the index names no link); NULL when absent. A
 *     multipath route's nexthops (RTA_MULTIPATH) are not read, as in
 *     osquery: its gateway and interface are NULL;
 *   - flags: rtm_flags; metric: RTA_PRIORITY, else 0;
 *   - mtu and hopcount: RTAX_MTU and RTAX_HOPLIMIT of RTA_METRICS, else 0;
 *   - type: gateway (RTN_UNICAST, with or without a gateway), local,
 *     broadcast, anycast, or other (multicast, unreachable, blackhole...).
 * Deliberate differences: osquery would also turn multicast-routing
 * cache entries (family RTNL_FAMILY_IPMR) into rows of empty addresses,
 * spoor lists IP routes only; osquery reads at most 8 KiB of the dump,
 * spoor reads it all.
 */
struct rt_ctx {
	struct query_ctx *q;
	const struct link_list *links;
};

static const char *route_type(uint8_t t)
{
	switch (t) {
	case RTN_UNICAST:
		return "gateway";
	case RTN_LOCAL:
		return "local";
	case RTN_BROADCAST:
		return "broadcast";
	case RTN_ANYCAST:
		return "anycast";
	default:
		return "other";
	}
}

/* type = / IN: only the wanted types are formatted (the module checks
 * again). */
static bool type_wanted(const struct query_ctx *q, const char *type)
{
	size_t n = qctx_eq_count(q, RT_TYPE);

	for (size_t i = 0; i < n; i++) {
		const char *v = qctx_eq_text(q, RT_TYPE, i, NULL);

		if (v && !strcmp(v, type))
			return true;
	}
	return n == 0;
}

static int route_row(void *arg, const struct rtnl_route *rt)
{
	struct rt_ctx *c = arg;
	struct query_ctx *q = c->q;
	char text[INET6_ADDRSTRLEN];
	int mask = 0;

	if (!type_wanted(q, route_type(rt->type)))
		return 0;
	row_begin(q);
	if (rt->has_dst) {
		format_ip(text, sizeof(text), rt->family, rt->dst, NULL);
		row_textz(q, RT_DESTINATION, text);
		if (rt->dst_len != 32 && rt->dst_len != 128)
			mask = rt->dst_len;
	} else {
		row_textz(q, RT_DESTINATION, rt->family == AF_INET ? "0.0.0.0" : "::");
		mask = rt->dst_len;
	}
	row_int(q, RT_NETMASK, mask);
	if (rt->has_gateway) {
		format_ip(text, sizeof(text), rt->family, rt->gateway, NULL);
		row_textz(q, RT_GATEWAY, text);
	}
	if (rt->has_prefsrc) {
		format_ip(text, sizeof(text), rt->family, rt->prefsrc, NULL);
		row_textz(q, RT_SOURCE, text);
	}
	row_int(q, RT_FLAGS, rt->flags);
	if (rt->has_oif && qctx_used(q, RT_INTERFACE)) {
		const struct rtnl_link *l = find_link(c->links, rt->oif);

		row_textz(q, RT_INTERFACE, l ? l->name : "");
	}
	/* osquery reads these 32-bit values as int */
	row_int(q, RT_MTU, rt->has_mtu ? (int32_t)rt->mtu : 0);
	row_int(q, RT_METRIC, rt->has_priority ? (int32_t)rt->priority : 0);
	row_textz(q, RT_TYPE, route_type(rt->type));
	row_int(q, RT_HOPCOUNT, rt->has_hoplimit ? (int32_t)rt->hoplimit : 0);
	return row_end(q);
}

static int gen_routes(struct query_ctx *q)
{
	struct link_list links = { 0 };
	struct rt_ctx c = { .q = q, .links = &links };
	struct rtnl_cb cb = { .route = route_row, .arg = &c };
	struct rtnl *nl = NULL;
	int r;

	if (!rootfs_is_live(qctx_rootfs(q)))
		return 0;
	r = rtnl_open(&nl);
	if (r < 0)
		goto out;
	/* the link names are only needed for the interface column */
	if (qctx_used(q, RT_INTERFACE)) {
		r = load_links(nl, &links);
		if (r < 0)
			goto out;
	}
	r = rtnl_dump(nl, RTNL_ROUTES, &cb);
out:
	rtnl_free(nl);
	link_list_release(&links);
	return r;
}

const struct table_spec routes_spec = {
	.name = "routes",
	.description = "The active route table for the host system.",
	.source = "rtnetlink RTM_GETROUTE dump, every table (live host only)",
	TABLE_COLUMNS(routes_cols),
	.attributes = TABLE_CACHEABLE,
	.generate = gen_routes,
};

/* ------------------------------------------------------------------ */
/* arp_cache */

enum {
	ARP_ADDRESS,
	ARP_MAC,
	ARP_INTERFACE,
	ARP_PERMANENT,
};

static const struct column_spec arp_cache_cols[] = {
	[ARP_ADDRESS] = { "address", COL_TEXT, 0,
		.help = "IPv4 address target" },
	[ARP_MAC] = { "mac", COL_TEXT, 0, .collate = COLLATE_NOCASE,
		.help = "MAC address of broadcasted address" },
	[ARP_INTERFACE] = { "interface", COL_TEXT, 0,
		.help = "Interface of the network for the MAC" },
	[ARP_PERMANENT] = { "permanent", COL_TEXT, 0,
		.help = "1 for true, 0 for false" },
};

/*
 * arp_cache: /proc/net/arp, as osquery's tables/networking/linux/
 * arp_cache.cpp reads it: the header line is skipped; a line is an
 * entry when it splits into exactly 6 fields "IP address, HW type,
 * Flags, HW address, Mask, Device"; permanent is "1" when Flags reads
 * "0x6" (ATF_COM | ATF_PERM), else "0". The split is osquery's: at runs
 * of spaces only (a leading or trailing run makes an empty field; a tab
 * does not split), each field then trimmed of whitespace. The file
 * lists the IPv4 neighbours of the reader's network namespace (a static
 * `ip neigh add` entry is permanent), NOARP entries left out. A file
 * past PROC_NET_ARP_MAX is refused with SPOOR_ETOOBIG, not half-read.
 */
#define ARP_FIELDS 6

/* Splits line at runs of ' ' into at most max fields, each trimmed;
 * returns the field count, or max + 1 when there are more. */
static size_t split_spaces(struct span line, struct span *f, size_t max)
{
	size_t n = 0;

	for (;;) {
		const char *sp = memchr(line.p, ' ', span_len(&line));
		struct span field = span_make(line.p, sp ? (size_t)(sp - line.p) : span_len(&line));

		if (n == max)
			return max + 1;
		span_trim(&field);
		f[n++] = field;
		if (!sp)
			return n;
		line.p = sp;
		while (line.p < line.end && *line.p == ' ')
			line.p++;
	}
}

static int gen_arp_cache(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT;
	bool truncated = false;
	struct span sp, line;
	int r;

	r = rootfs_read(qctx_rootfs(q), "/proc/net/arp", &sb, PROC_NET_ARP_MAX, &truncated);
	if (r < 0)
		goto out;
	if (truncated) {
		r = -SPOOR_ETOOBIG;
		goto out;
	}
	sp = span_make(sb.buf, sb.len);
	if (span_line(&sp, &line) < 0)
		goto out; /* empty file */
	while (span_line(&sp, &line) == 0) {
		struct span f[ARP_FIELDS];

		if (split_spaces(line, f, ARP_FIELDS) != ARP_FIELDS)
			continue;
		row_begin(q);
		row_text(q, ARP_ADDRESS, f[0].p, span_len(&f[0]));
		row_text(q, ARP_MAC, f[3].p, span_len(&f[3]));
		row_text(q, ARP_INTERFACE, f[5].p, span_len(&f[5]));
		row_textz(q, ARP_PERMANENT, span_eq(&f[2], "0x6") ? "1" : "0");
		r = row_end(q);
		if (r < 0)
			goto out;
	}
out:
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec arp_cache_spec = {
	.name = "arp_cache",
	.description = "Address resolution cache, both static and dynamic (from ARP, NDP).",
	.source = "/proc/net/arp",
	TABLE_COLUMNS(arp_cache_cols),
	.generate = gen_arp_cache,
};
