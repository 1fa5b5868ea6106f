/*
 * rtnl.h - a client for the kernel's routing netlink (NETLINK_ROUTE),
 * the interface ip(8) and glibc's getifaddrs(3) read.
 *
 * Three dumps are supported: links (RTM_GETLINK: one struct rtnl_link
 * per network device), addresses (RTM_GETADDR: IPv4 and IPv6 addresses)
 * and routes (RTM_GETROUTE: every table, IPv4 and IPv6). Each answer is
 * parsed into a plain struct and handed to a callback; nothing is kept.
 *
 * This is a live-host source: the kernel answers about the network
 * namespace the socket was created in (the caller's), whatever root
 * prefix spoor reads files under.
 *
 * The parser (rtnl_parse) is separate from the socket I/O so it can be
 * tested on captured buffers. It trusts nothing in them: message and
 * attribute lengths are checked before use, an address attribute must
 * have its family's exact size, a name must fit IFNAMSIZ with its NUL.
 * Objects of families other than AF_INET / AF_INET6 (multicast routing
 * caches, MPLS) are skipped, not reported.
 */
#ifndef SPOOR_RTNL_H
#define SPOOR_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net/if.h>

/* Largest hardware address the kernel stores (MAX_ADDR_LEN). */
#define RTNL_HWADDR_MAX 32
/* Receive buffer bounds: it starts small and grows to fit the largest
 * single datagram of a dump, up to the maximum. */
#define RTNL_RECV_BUF_MIN ((size_t)32 << 10)
#define RTNL_RECV_BUF_MAX ((size_t)1 << 20)

enum rtnl_kind {
	RTNL_LINKS,
	RTNL_ADDRS,
	RTNL_ROUTES,
};

/* struct rtnl_link_stats's counters (IFLA_STATS): 32 bits, as the
 * kernel truncates them for that attribute. */
struct rtnl_stats32 {
	uint32_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint32_t rx_errors, tx_errors, rx_dropped, tx_dropped;
	uint32_t multicast, collisions;
};

/* One network device (RTM_NEWLINK). */
struct rtnl_link {
	int32_t index;
	/* ARPHRD_* */
	uint16_t type;
	/* ifi_flags: IFF_* including the operational IFF_RUNNING,
	 * IFF_LOWER_UP, IFF_DORMANT */
	uint32_t flags;
	/* IFLA_IFNAME; "" when absent */
	char name[IFNAMSIZ];
	bool has_mtu;
	uint32_t mtu;
	/* IFLA_ADDRESS; addr_len 0 when the device has none */
	uint8_t addr[RTNL_HWADDR_MAX];
	size_t addr_len;
	bool has_stats;
	struct rtnl_stats32 stats;
};

/* One address (RTM_NEWADDR). Addresses in network order, IPv4 in the
 * first 4 bytes. */
struct rtnl_addr {
	uint8_t family;
	uint8_t prefixlen;
	uint8_t scope;
	/* IFA_FLAGS when present, else ifa_flags */
	uint32_t flags;
	int32_t index;
	bool has_address, has_local, has_broadcast;
	uint8_t address[16], local[16], broadcast[16];
	/* IFA_LABEL (IPv4 only: "eth0" or an alias "eth0:1"); "" when absent */
	char label[IFNAMSIZ];
};

/* One route (RTM_NEWROUTE). */
struct rtnl_route {
	uint8_t family;
	uint8_t dst_len, src_len;
	uint8_t protocol, scope;
	/* RTN_* */
	uint8_t type;
	/* RTA_TABLE when present, else rtm_table */
	uint32_t table;
	/* rtm_flags (RTNH_F_*, RTM_F_*) */
	uint32_t flags;
	bool has_dst, has_gateway, has_prefsrc, has_oif, has_priority;
	uint8_t dst[16], gateway[16], prefsrc[16];
	int32_t oif;
	uint32_t priority;
	/* RTA_METRICS: RTAX_MTU and RTAX_HOPLIMIT */
	bool has_mtu, has_hoplimit;
	uint32_t mtu, hoplimit;
};

/* Callbacks, one per kind (only the one of the dump is called); a
 * negative return stops and is returned. Objects are valid during the
 * call only. */
struct rtnl_cb {
	int (*link)(void *arg, const struct rtnl_link *l);
	int (*addr)(void *arg, const struct rtnl_addr *a);
	int (*route)(void *arg, const struct rtnl_route *r);
	void *arg;
};

struct rtnl;

/* Opens a NETLINK_ROUTE socket in the caller's network namespace.
 * Returns 0 or -errno. */
int rtnl_open(struct rtnl **ret);
/* Closes the socket and frees nl; NULL is a no-op. */
void rtnl_free(struct rtnl *nl);

/*
 * Sends one dump request of the kind and calls the kind's callback for
 * every object of the answer. Returns 0 when the dump completed, the
 * kernel's negative errno, -SPOOR_EPARSE for a malformed answer,
 * -ETIMEDOUT when the kernel stops answering, or the callback's
 * negative return (the rest of the dump is still drained).
 */
int rtnl_dump(struct rtnl *nl, enum rtnl_kind kind, const struct rtnl_cb *cb);

/* Builds the dump request for kind with sequence number seq into buf
 * (RTNL_REQ_MAX bytes); returns its length. */
#define RTNL_REQ_MAX 64
size_t rtnl_build_request(enum rtnl_kind kind, uint32_t seq, void *buf);

/*
 * Parses one buffer received in answer to a dump of kind sent with seq.
 * Messages of another sequence number are skipped. Returns 0 when more
 * buffers are due, 1 when the dump is complete (NLMSG_DONE), or a
 * negative errno as rtnl_dump does.
 */
int rtnl_parse(enum rtnl_kind kind, uint32_t seq, const void *buf, size_t len,
	       const struct rtnl_cb *cb);

#endif
