/*
 * sockets.c - the sockets processes hold: process_open_sockets and
 * listening_ports.
 *
 *   SELECT pid, fd, local_address, local_port, remote_address, remote_port, state
 *     FROM process_open_sockets WHERE family = 2 AND protocol = 6;
 *   SELECT * FROM process_open_sockets WHERE pid IN (1, 4242);
 *   SELECT l.port, l.address, p.name FROM listening_ports l JOIN processes p USING (pid)
 *     WHERE l.protocol = 6;
 *
 * Data sources:
 *   - the sockets themselves come from the kernel's socket diagnostics
 *     netlink interface (lib/sockdiag.h, what ss(8) uses), not from
 *     /proc/net/{tcp,udp,unix,...}: per network namespace, one dump each
 *     of TCP, UDP, UDP-Lite and raw sockets over IPv4 and IPv6 (raw only
 *     where the kernel has raw_diag), of AF_UNIX and of AF_PACKET sockets;
 *   - the processes holding them come from the /proc/<pid>/fd links
 *     "socket:[<inode>]" and each process's network namespace from
 *     /proc/<pid>/ns/net, read through the rootfs layer (lib/procfd.h).
 * Netlink answers about the live kernel only: under any other root (a
 * captured tree, a mounted image) both tables return no rows.
 *
 * Semantics are osquery's (tables/networking/linux/process_open_sockets.cpp,
 * filesystem/linux/proc.cpp, tables/networking/listening_ports.cpp):
 *   - every network namespace some process is in is listed, entered
 *     with setns(2) from a helper thread when it is not spoor's own
 *     (which needs CAP_SYS_ADMIN: without it such namespaces are passed
 *     over, as are processes whose ns/net link spoor may not read);
 *     net_namespace is the namespace's inode number;
 *   - family is AF_INET 2, AF_INET6 10, AF_UNIX 1 or AF_PACKET 17;
 *     protocol is the transport (6 TCP, 17 UDP, 136 UDP-Lite, 255 for
 *     every raw socket, as osquery reads them all from /proc/net/raw),
 *     0 for unix sockets and the bound ethertype for packet sockets;
 *   - addresses are inet_ntop's text, '' for unix and packet sockets;
 *   - state is the TCP state name (ESTABLISHED ... CLOSING; request
 *     sockets, which /proc/net/tcp shows as SYN_RECV, too), 'NONE' for
 *     packet sockets, '' for every other socket;
 *   - path is a unix socket's bound name as /proc/net/unix shows it (an
 *     abstract name as '@' + name), '' otherwise;
 *   - TCP sockets merely bound (state CLOSE, which /proc/net/tcp never
 *     lists) are left out, as in osquery;
 *   - a socket no readable process holds (time-wait and request sockets,
 *     sockets of processes spoor may not inspect) has pid and fd -1,
 *     unless pid = / IN names processes: then only their sockets are
 *     listed (pid = -1 asks for the full list, as in osquery);
 *   - listening_ports: the sockets with remote_port 0 (TCP listeners,
 *     unconnected UDP, raw and packet sockets) and the unix sockets
 *     with a name; port and address are the local ones, path the unix
 *     name; a unix row has port NULL and address '', others path ''
 *     (osquery leaves those unset).
 * Where spoor differs, on purpose:
 *   - a socket held by several descriptors (inherited across fork,
 *     dup'ed, passed over a unix socket) gives one row per (pid, fd);
 *     osquery keeps one arbitrary holder per socket, so its rows for a
 *     pre-forked server name one worker and hide the others;
 *   - a unix path holding spaces is given whole (osquery splits
 *     /proc/net/unix at blanks and keeps the first word);
 *   - ICMP "ping" sockets (IPPROTO_ICMP datagram sockets) have no diag
 *     handler in Linux and are not listed; osquery reads /proc/net/icmp.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "procfd.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "sockdiag.h"
#include "xalloc.h"
#include "banned.h"

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif

/* Kernel TCP states: request sockets (TCP_NEW_SYN_RECV) are 12. */
#define TCP_STATE_NEW_SYN_RECV 12
/* Every TCP state but CLOSE: /proc/net/tcp lists no merely-bound socket. */
#define TCP_STATES_LISTED (((1u << 13) - 1) & ~(1u << TCP_CLOSE) & ~1u)
#define ALL_STATES (~0u)

/* Distinct network namespaces one scan visits. Each is one dump series;
 * a host running more containers than this is listed in part. */
#define NETNS_MAX 4096

/* ------------------------------------------------------------------ */
/* the columns */

enum {
	POS_PID,
	POS_FD,
	POS_SOCKET,
	POS_FAMILY,
	POS_PROTOCOL,
	POS_LOCAL_ADDRESS,
	POS_REMOTE_ADDRESS,
	POS_LOCAL_PORT,
	POS_REMOTE_PORT,
	POS_PATH,
	POS_STATE,
	POS_NET_NAMESPACE,
};

static const struct column_spec process_open_sockets_cols[] = {
	[POS_PID] = { "pid", COL_INTEGER, COLF_ADDITIONAL, .help = "Process (or thread) ID" },
	[POS_FD] = { "fd", COL_BIGINT, 0, .help = "Socket file descriptor number" },
	[POS_SOCKET] = { "socket", COL_BIGINT, 0, .help = "Socket handle or inode number" },
	[POS_FAMILY] = { "family", COL_INTEGER, 0, .help = "Network protocol (IPv4, IPv6)" },
	[POS_PROTOCOL] = { "protocol", COL_INTEGER, 0, .help = "Transport protocol (TCP/UDP)" },
	[POS_LOCAL_ADDRESS] = { "local_address", COL_TEXT, 0, .help = "Socket local address" },
	[POS_REMOTE_ADDRESS] = { "remote_address", COL_TEXT, 0, .help = "Socket remote address" },
	[POS_LOCAL_PORT] = { "local_port", COL_INTEGER, 0, .help = "Socket local port" },
	[POS_REMOTE_PORT] = { "remote_port", COL_INTEGER, 0, .help = "Socket remote port" },
	[POS_PATH] = { "path", COL_TEXT, 0,
		       .help = "For UNIX sockets (family=AF_UNIX), the domain path" },
	[POS_STATE] = { "state", COL_TEXT, 0, .help = "TCP socket state" },
	[POS_NET_NAMESPACE] = { "net_namespace", COL_TEXT, 0,
				.help = "The inode number of the network namespace" },
};

enum {
	LP_PID,
	LP_PORT,
	LP_PROTOCOL,
	LP_FAMILY,
	LP_ADDRESS,
	LP_FD,
	LP_SOCKET,
	LP_PATH,
	LP_NET_NAMESPACE,
};

static const struct column_spec listening_ports_cols[] = {
	[LP_PID] = { "pid", COL_INTEGER, 0, .help = "Process (or thread) ID" },
	[LP_PORT] = { "port", COL_INTEGER, 0, .help = "Transport layer port" },
	[LP_PROTOCOL] = { "protocol", COL_INTEGER, 0, .help = "Transport protocol (TCP/UDP)" },
	[LP_FAMILY] = { "family", COL_INTEGER, 0, .help = "Network protocol (IPv4, IPv6)" },
	[LP_ADDRESS] = { "address", COL_TEXT, 0, .help = "Specific address for bind" },
	[LP_FD] = { "fd", COL_BIGINT, 0, .help = "Socket file descriptor number" },
	[LP_SOCKET] = { "socket", COL_BIGINT, 0, .help = "Socket handle or inode number" },
	[LP_PATH] = { "path", COL_TEXT, 0, .help = "Path for UNIX domain sockets" },
	[LP_NET_NAMESPACE] = { "net_namespace", COL_TEXT, 0,
			       .help = "The inode number of the network namespace" },
};

/* ------------------------------------------------------------------ */
/* who holds which socket */

struct sock_owner {
	uint64_t inode;
	int64_t pid;
	int64_t fd;
};

/* A network namespace to list, and one process in it to enter it by. */
struct netns {
	uint64_t inode;
	int64_t pid;
};

struct sock_scan {
	struct query_ctx *q;
	const struct rootfs *rfs;
	/* listening_ports rather than process_open_sockets */
	bool listening;
	/* pid = / IN names the processes: list only their sockets */
	bool filtered;
	uint64_t self_ns;
	struct sock_owner *owners;
	size_t nowners, owners_alloc;
	struct netns *ns;
	size_t nns, ns_alloc;
	/* the namespace the previous process was in: most share it */
	size_t last_ns;
	struct strbuf link;
	/* during a dump: the namespace, and the unix name being formatted */
	uint64_t cur_ns;
	struct strbuf name;
};

/* "net:[4026531840]" -> 4026531840; 0 when unreadable. */
static uint64_t netns_inode(int dirfd, const char *rel, struct strbuf *scratch)
{
	uint64_t ino;

	strbuf_reset(scratch);
	if (rootfs_readlink_at(dirfd, rel, scratch) < 0 ||
	    procfd_link_inode(scratch->buf, scratch->len, "net", &ino) < 0)
		return 0;
	return ino;
}

static int on_process(void *arg, const struct procfd_proc *p)
{
	struct sock_scan *s = arg;
	uint64_t ns = netns_inode(p->dirfd, "ns/net", &s->link);

	/* a namespace spoor cannot name is one it cannot enter either */
	if (ns == 0)
		return 0;
	if (s->last_ns < s->nns && s->ns[s->last_ns].inode == ns)
		return 0;
	for (size_t i = 0; i < s->nns; i++) {
		if (s->ns[i].inode == ns) {
			s->last_ns = i;
			return 0;
		}
	}
	if (s->nns == NETNS_MAX)
		return 0;
	if (s->nns == s->ns_alloc) {
		s->ns_alloc = s->ns_alloc ? s->ns_alloc * 2 : 8;
		s->ns = xreallocarray(s->ns, s->ns_alloc, sizeof(*s->ns));
	}
	s->last_ns = s->nns;
	s->ns[s->nns++] = (struct netns){ .inode = ns, .pid = p->pid };
	return 0;
}

static int on_fd(void *arg, const struct procfd_proc *p, const struct procfd_entry *e)
{
	struct sock_scan *s = arg;
	uint64_t ino;

	if (procfd_link_inode(e->link, e->link_len, "socket", &ino) < 0)
		return 0;
	if (s->nowners == s->owners_alloc) {
		s->owners_alloc = s->owners_alloc ? s->owners_alloc * 2 : 256;
		s->owners = xreallocarray(s->owners, s->owners_alloc, sizeof(*s->owners));
	}
	s->owners[s->nowners++] = (struct sock_owner){ .inode = ino, .pid = p->pid, .fd = e->fd };
	return 0;
}

static int cmp_owner(const void *a, const void *b)
{
	const struct sock_owner *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* Index of the first owner of inode, or nowners. */
static size_t owner_find(const struct sock_scan *s, uint64_t inode)
{
	size_t lo = 0, hi = s->nowners;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->owners[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ------------------------------------------------------------------ */
/* rows */

static const char *tcp_state_name(uint8_t state)
{
	static const char *const names[] = {
		"UNKNOWN",   "ESTABLISHED", "SYN_SENT",   "SYN_RECV",
		"FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT",  "CLOSED",
		"CLOSE_WAIT", "LAST_ACK",   "LISTEN",     "CLOSING",
	};

	if (state == TCP_STATE_NEW_SYN_RECV)
		return "SYN_RECV";
	return state < ARRAY_SIZE(names) ? names[state] : "UNKNOWN";
}

static const char *state_text(const struct sockdiag_sock *sk)
{
	if (sk->family == AF_PACKET)
		return "NONE";
	if ((sk->family == AF_INET || sk->family == AF_INET6) && sk->protocol == IPPROTO_TCP)
		return tcp_state_name(sk->state);
	return "";
}

static bool is_inet(const struct sockdiag_sock *sk)
{
	return sk->family == AF_INET || sk->family == AF_INET6;
}

/* inet_ntop of an address; "" for the families that have none. */
static void addr_text(const struct sockdiag_sock *sk, const uint8_t *addr, char *buf,
		      size_t size)
{
	buf[0] = '\0';
	if (is_inet(sk) && !inet_ntop(sk->family, addr, buf, (socklen_t)size))
		buf[0] = '\0';
}

static int protocol_of(const struct sockdiag_sock *sk)
{
	return sk->family == AF_PACKET ? sk->packet_proto : sk->protocol;
}

static int emit_open_socket(struct sock_scan *s, const struct sockdiag_sock *sk, int64_t pid,
			    int64_t fd)
{
	struct query_ctx *q = s->q;
	char addr[INET6_ADDRSTRLEN];

	row_begin(q);
	row_int(q, POS_PID, pid);
	row_int(q, POS_FD, fd);
	row_int(q, POS_SOCKET, (int64_t)sk->inode);
	row_int(q, POS_FAMILY, sk->family);
	row_int(q, POS_PROTOCOL, protocol_of(sk));
	if (qctx_used(q, POS_LOCAL_ADDRESS)) {
		addr_text(sk, sk->local_addr, addr, sizeof(addr));
		row_textz(q, POS_LOCAL_ADDRESS, addr);
	}
	if (qctx_used(q, POS_REMOTE_ADDRESS)) {
		addr_text(sk, sk->remote_addr, addr, sizeof(addr));
		row_textz(q, POS_REMOTE_ADDRESS, addr);
	}
	row_int(q, POS_LOCAL_PORT, sk->local_port);
	row_int(q, POS_REMOTE_PORT, sk->remote_port);
	row_text(q, POS_PATH, s->name.buf, s->name.len);
	row_textz(q, POS_STATE, state_text(sk));
	row_textf(q, POS_NET_NAMESPACE, "%llu", (unsigned long long)s->cur_ns);
	return row_end(q);
}

static int emit_listening(struct sock_scan *s, const struct sockdiag_sock *sk, int64_t pid,
			  int64_t fd)
{
	struct query_ctx *q = s->q;
	char addr[INET6_ADDRSTRLEN];

	row_begin(q);
	row_int(q, LP_PID, pid);
	if (sk->family == AF_UNIX) {
		row_null(q, LP_PORT);
		row_textz(q, LP_ADDRESS, "");
		row_text(q, LP_PATH, s->name.buf, s->name.len);
	} else {
		row_int(q, LP_PORT, sk->local_port);
		if (qctx_used(q, LP_ADDRESS)) {
			addr_text(sk, sk->local_addr, addr, sizeof(addr));
			row_textz(q, LP_ADDRESS, addr);
		}
		row_textz(q, LP_PATH, "");
	}
	row_int(q, LP_PROTOCOL, protocol_of(sk));
	row_int(q, LP_FAMILY, sk->family);
	row_int(q, LP_FD, fd);
	row_int(q, LP_SOCKET, (int64_t)sk->inode);
	row_textf(q, LP_NET_NAMESPACE, "%llu", (unsigned long long)s->cur_ns);
	return row_end(q);
}

static int on_socket(void *arg, const struct sockdiag_sock *sk)
{
	struct sock_scan *s = arg;
	size_t i;
	int r;

	strbuf_reset(&s->name);
	if (sk->family == AF_UNIX) {
		r = sockdiag_unix_name(sk, &s->name);
		if (r < 0)
			return r;
	}
	if (s->listening) {
		/* osquery: unnamed unix sockets and connected inet sockets
		 * are not listening */
		if (sk->family == AF_UNIX && s->name.len == 0)
			return 0;
		if (is_inet(sk) && sk->remote_port != 0)
			return 0;
	}

	i = sk->inode ? owner_find(s, sk->inode) : s->nowners;
	if (i == s->nowners || s->owners[i].inode != sk->inode) {
		if (s->filtered)
			return 0;
		return s->listening ? emit_listening(s, sk, -1, -1) : emit_open_socket(s, sk, -1, -1);
	}
	for (; i < s->nowners && s->owners[i].inode == sk->inode; i++) {
		const struct sock_owner *o = &s->owners[i];

		r = s->listening ? emit_listening(s, sk, o->pid, o->fd)
				 : emit_open_socket(s, sk, o->pid, o->fd);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* the dumps */

/* A dump the kernel cannot answer (no diag module for that kind, a
 * kind it refuses) lists nothing of that kind; anything else is an
 * error of the scan. */
static bool kind_unavailable(int r)
{
	return r == -ENOENT || r == -EINVAL || r == -EOPNOTSUPP || r == -EPROTONOSUPPORT ||
	       r == -EAFNOSUPPORT || r == -EPERM || r == -EACCES;
}

static int dump_netns(struct sock_scan *s, struct sockdiag *sd)
{
	static const uint8_t inet_protocols[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE,
						  IPPROTO_RAW };
	static const uint8_t inet_families[] = { AF_INET, AF_INET6 };
	bool names = s->listening || qctx_used(s->q, POS_PATH);
	int r;

	for (size_t p = 0; p < ARRAY_SIZE(inet_protocols); p++) {
		for (size_t f = 0; f < ARRAY_SIZE(inet_families); f++) {
			struct sockdiag_req req = {
				.family = inet_families[f],
				.protocol = inet_protocols[p],
				.states = ALL_STATES,
			};

			if (req.protocol == IPPROTO_TCP)
				/* a listener is the only TCP socket with no
				 * remote port that /proc/net/tcp lists */
				req.states = s->listening ? 1u << TCP_LISTEN : TCP_STATES_LISTED;
			else if (s->listening && req.protocol != IPPROTO_RAW)
				/* UDP: unconnected is state CLOSE, port 0 */
				req.states = 1u << TCP_CLOSE;
			r = sockdiag_dump(sd, &req, on_socket, s);
			if (r < 0 && !kind_unavailable(r))
				return r;
		}
	}
	{
		struct sockdiag_req req = { .family = AF_UNIX, .states = ALL_STATES,
					    .unix_names = names };

		r = sockdiag_dump(sd, &req, on_socket, s);
		if (r < 0 && !kind_unavailable(r))
			return r;
	}
	{
		struct sockdiag_req req = { .family = AF_PACKET };

		r = sockdiag_dump(sd, &req, on_socket, s);
		if (r < 0 && !kind_unavailable(r))
			return r;
	}
	return 0;
}

/* Opens a diag socket in namespace ns: spoor's own, or entered through
 * a process in it (still the same namespace: its inode is checked, in
 * case the pid was reused since the walk). */
static int open_netns(struct sock_scan *s, const struct netns *ns, struct sockdiag **ret)
{
	char rel[48];
	struct stat st;
	int procfd, nsfd, r;

	if (ns->inode == s->self_ns)
		return sockdiag_open(ret, -1);
	r = rootfs_open_dir(s->rfs, "/proc", &procfd);
	if (r < 0)
		return r;
	snprintf(rel, sizeof(rel), "%lld/ns/net", (long long)ns->pid);
	nsfd = openat(procfd, rel, O_RDONLY | O_CLOEXEC);
	r = nsfd < 0 ? -errno : 0;
	close(procfd);
	if (r < 0)
		return r;
	if (fstat(nsfd, &st) < 0 || (uint64_t)st.st_ino != ns->inode)
		r = -ESRCH;
	else
		r = sockdiag_open(ret, nsfd);
	close(nsfd);
	return r;
}

static void sock_scan_release(struct sock_scan *s)
{
	free(s->owners);
	free(s->ns);
	strbuf_release(&s->link);
	strbuf_release(&s->name);
}

/* pid = / IN on process_open_sockets: the positive pids to walk. Returns
 * false when the query asks for the full list (no constraint, or -1,
 * the pid of sockets nobody holds, among the values). */
static bool pid_filter(struct query_ctx *q, int64_t **ret_pids, size_t *ret_n)
{
	size_t n = qctx_eq_count(q, POS_PID), k = 0;
	int64_t *pids;

	if (n == 0)
		return false;
	pids = xreallocarray(NULL, n, sizeof(*pids));
	for (size_t i = 0; i < n; i++) {
		int64_t v;

		if (qctx_eq_int64(q, POS_PID, i, &v) < 0)
			continue;
		if (v == -1) {
			free(pids);
			return false;
		}
		pids[k++] = v;
	}
	*ret_pids = pids;
	*ret_n = k;
	return true;
}

static int gen_sockets(struct query_ctx *q, bool listening)
{
	static const struct procfd_ops ops = { .process = on_process, .entry = on_fd };
	struct sock_scan s = {
		.q = q,
		.rfs = qctx_rootfs(q),
		.listening = listening,
		.link = STRBUF_INIT,
		.name = STRBUF_INIT,
	};
	int64_t *pids = NULL;
	size_t npids = 0;
	int r;

	/* netlink describes the running kernel, not a captured tree */
	if (!rootfs_is_live(s.rfs))
		return 0;
	if (!listening)
		s.filtered = pid_filter(q, &pids, &npids);
	{
		int procfd;

		r = rootfs_open_dir(s.rfs, "/proc", &procfd);
		if (r == 0) {
			s.self_ns = netns_inode(procfd, "self/ns/net", &s.link);
			close(procfd);
		}
	}
	r = procfd_walk(s.rfs, s.filtered ? pids : NULL, npids, &ops, &s);
	if (r < 0)
		goto out;
	if (s.nowners)
		qsort(s.owners, s.nowners, sizeof(*s.owners), cmp_owner);

	for (size_t i = 0; i < s.nns; i++) {
		struct sockdiag *sd = NULL;

		r = open_netns(&s, &s.ns[i], &sd);
		if (r < 0) {
			/* no netlink here, no right to enter, or gone */
			r = 0;
			continue;
		}
		s.cur_ns = s.ns[i].inode;
		r = dump_netns(&s, sd);
		sockdiag_free(sd);
		if (r < 0)
			goto out;
	}
out:
	free(pids);
	sock_scan_release(&s);
	return r == -ENOENT ? 0 : r;
}

static int gen_process_open_sockets(struct query_ctx *q)
{
	return gen_sockets(q, false);
}

static int gen_listening_ports(struct query_ctx *q)
{
	return gen_sockets(q, true);
}

const struct table_spec process_open_sockets_spec = {
	.name = "process_open_sockets",
	.description = "Processes which have open network sockets on the system.",
	.source = "netlink sock_diag (inet TCP/UDP/UDP-Lite/raw, unix, packet) per network "
		  "namespace; holders from /proc/<pid>/fd socket links and /proc/<pid>/ns/net; "
		  "live host only",
	TABLE_COLUMNS(process_open_sockets_cols),
	.generate = gen_process_open_sockets,
};

const struct table_spec listening_ports_spec = {
	.name = "listening_ports",
	.description = "Processes with listening (bound) network sockets/ports.",
	.source = "netlink sock_diag (TCP listeners, unconnected UDP, raw, packet, named unix "
		  "sockets) per network namespace; holders from /proc/<pid>/fd; live host only",
	TABLE_COLUMNS(listening_ports_cols),
	.attributes = TABLE_CACHEABLE,
	.generate = gen_listening_ports,
};
