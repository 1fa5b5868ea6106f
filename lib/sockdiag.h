/*
 * sockdiag.h - a client for the kernel's socket diagnostics interface
 * (netlink, NETLINK_SOCK_DIAG), the interface ss(8) uses.
 *
 * One dump request lists every socket of one kind in one network
 * namespace: inet_diag for AF_INET / AF_INET6 sockets of one transport
 * protocol (TCP, UDP, UDP-Lite, raw), unix_diag for AF_UNIX sockets and
 * packet_diag for AF_PACKET sockets. Each answer is parsed into a
 * struct sockdiag_sock and handed to a callback; nothing is kept.
 *
 * This is a live-host source: the kernel answers about the namespace the
 * netlink socket was created in, whatever root prefix spoor reads files
 * under. A kernel built without a kind's diag module answers -ENOENT.
 *
 * The parser is separate from the socket I/O (sockdiag_parse), so it can
 * be tested on captured buffers. It trusts nothing in them: every
 * message and attribute length is checked against the buffer before it
 * is read.
 */
#ifndef SPOOR_SOCKDIAG_H
#define SPOOR_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Size of the receive buffer; the kernel's dump messages are smaller
 * (it fills at most 32 KiB per read). */
#define SOCKDIAG_RECV_BUF ((size_t)64 << 10)
/* a kernel datagram larger than that grows the buffer up to this */
#define SOCKDIAG_RECV_BUF_MAX ((size_t)1 << 20)

/* What to dump. */
struct sockdiag_req {
	/* AF_INET, AF_INET6, AF_UNIX or AF_PACKET */
	uint8_t family;
	/* AF_INET and AF_INET6: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE
	 * or IPPROTO_RAW; 0 for the other families */
	uint8_t protocol;
	/* inet and unix: bit (1 << state) for each kernel socket state
	 * wanted (TCP_ESTABLISHED = 1 ... ); AF_PACKET ignores it */
	uint32_t states;
	/* unix: ask for the bound names (UNIX_DIAG_NAME) */
	bool unix_names;
};

/* One socket, as the kernel reported it. Valid during the callback only. */
struct sockdiag_sock {
	/* the socket's inode, as in /proc/<pid>/fd "socket:[inode]"; 0 for
	 * TCP time-wait and request sockets, which have no file */
	uint64_t inode;
	uint8_t family;
	/* inet: the request's protocol; unix and packet: 0 */
	uint8_t protocol;
	/* kernel state number (TCP_* values; unix uses the same numbers) */
	uint8_t state;
	/* unix and packet: SOCK_STREAM, SOCK_DGRAM, ... ; inet: 0 */
	uint8_t type;
	/* inet: ports in host order */
	uint16_t local_port, remote_port;
	/* inet: addresses in network order, IPv4 in the first 4 bytes */
	uint8_t local_addr[16], remote_addr[16];
	/* packet: the ethertype the socket is bound to, host order */
	uint16_t packet_proto;
	/* unix: the bound name as the kernel holds it (sun_path bytes; an
	 * abstract name starts with a NUL); NULL when the socket has none */
	const uint8_t *unix_name;
	size_t unix_name_len;
};

/* Called for each socket; a negative return stops the dump and is
 * returned by sockdiag_dump / sockdiag_parse. */
typedef int (*sockdiag_fn)(void *arg, const struct sockdiag_sock *s);

struct sockdiag;

/*
 * Opens a NETLINK_SOCK_DIAG socket. netns_fd < 0: in the caller's network
 * namespace. Otherwise netns_fd is an open /proc/<pid>/ns/net, and the
 * socket is created inside that namespace by a short-lived thread that
 * joins it (setns needs CAP_SYS_ADMIN: -EPERM without), so the calling
 * thread never changes namespace. Returns 0 or -errno.
 */
int sockdiag_open(struct sockdiag **ret, int netns_fd);
/* Closes the socket and frees sd; NULL is a no-op. */
void sockdiag_free(struct sockdiag *sd);

/*
 * Sends one dump request and calls fn for every socket of the answer.
 * Returns 0 when the dump completed, -ENOENT when the kernel has no
 * diag handler for the request (module absent), the kernel's negative
 * errno, -SPOOR_EPARSE for a malformed answer, or fn's negative return.
 */
int sockdiag_dump(struct sockdiag *sd, const struct sockdiag_req *req, sockdiag_fn fn,
		  void *arg);

/*
 * Builds the request message for req with sequence number seq into buf
 * (which must hold SOCKDIAG_REQ_MAX bytes); returns its length.
 */
#define SOCKDIAG_REQ_MAX 128
size_t sockdiag_build_request(const struct sockdiag_req *req, uint32_t seq, void *buf);

/*
 * Parses one buffer received from the kernel in answer to req sent with
 * seq, calling fn for each socket. Messages of another sequence number
 * are skipped. Returns 0 when more buffers are due, 1 when the dump is
 * complete (NLMSG_DONE), or a negative errno as sockdiag_dump does.
 */
int sockdiag_parse(const struct sockdiag_req *req, uint32_t seq, const void *buf, size_t len,
		   sockdiag_fn fn, void *arg);

/*
 * Appends a unix socket name the way /proc/net/unix and ss(8) print it:
 * a path up to its terminating NUL; an abstract name as '@' followed by
 * its bytes, each NUL also written as '@'. Nothing for an empty name.
 * Returns 0 or -E2BIG from the strbuf.
 */
int sockdiag_unix_name(const struct sockdiag_sock *s, struct strbuf *out);

#endif
