/*
 * test_live_sockets.c - process_open_sockets and listening_ports against
 * ss(8) (iproute2) on the live host, and against the sockets this test
 * opens itself.
 *
 * The test opens, all SOCK_CLOEXEC so the shells running ss do not
 * inherit them: TCP listeners on 127.0.0.1 and [::1] (v6-only), UDP
 * sockets on 127.0.0.1 and [::] (v6-only), a connected TCP pair (client
 * and accepted end), a unix stream listener with a path and an abstract
 * unix datagram socket; and forks a child that keeps only the IPv4
 * listener (one socket, two holders). Then:
 *   - its own rows (pid IN (self, child)) are exactly what it knows of
 *     its sockets: fd, inode (fstat), addresses and ports (getsockname,
 *     getpeername), states, paths, and its network namespace;
 *   - every TCP/UDP row of spoor's own namespace agrees with `ss -tanpu`,
 *     every listening TCP/UDP row with `ss -ltnpu` and every unix row
 *     with `ss -xap`, down to pid and fd (one key per holder; -1 where
 *     ss names none). ss runs just before and just after the query: a
 *     socket both runs show must be in spoor's rows, and every row must
 *     be in one of them (other tests open and close sockets meanwhile;
 *     a comparison that differs is retried, see same_moment);
 *   - pid = / IN lists only those processes' sockets, pid = -1 only
 *     sockets nobody holds;
 *   - a child in a network namespace of its own (unshare(CLONE_NEWNET),
 *     root only) is listed with its namespace's inode, entered through
 *     setns, and agrees with ss run inside that namespace (nsenter).
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockdiag.h"
#include "strbuf.h"
#include "testutil.h"
#include "xalloc.h"

/* ------------------------------------------------------------------ */
/* key sets: "a|b|c" strings, kept sorted for lookup */

struct keyset {
	size_t n, alloc;
	char **v;
	bool sorted;
};

static void keyset_add(struct keyset *ks, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void keyset_add(struct keyset *ks, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (ks->n == ks->alloc) {
		ks->alloc = ks->alloc ? ks->alloc * 2 : 64;
		ks->v = xreallocarray(ks->v, ks->alloc, sizeof(*ks->v));
	}
	ks->v[ks->n++] = strbuf_detach(&sb, NULL);
	ks->sorted = false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool keyset_has(struct keyset *ks, const char *key)
{
	if (ks->n == 0)
		return false;
	if (!ks->sorted) {
		qsort(ks->v, ks->n, sizeof(*ks->v), cmp_str);
		ks->sorted = true;
	}
	return bsearch(&key, ks->v, ks->n, sizeof(*ks->v), cmp_str) != NULL;
}

static void keyset_free(struct keyset *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->v[i]);
	free(ks->v);
	memset(ks, 0, sizeof(*ks));
}

/*
 * before ∩ after must lie in spoor's keys, and spoor's keys that pass
 * settled() in before ∪ after; the same key twice in spoor's rows is a
 * duplicated row. Returns the number of differences, described in msg.
 */
static size_t moment_diff(struct keyset *ours, struct keyset *before, struct keyset *after,
			  bool (*settled)(const char *key), struct strbuf *msg)
{
	size_t bad = 0;

	strbuf_reset(msg);
	if (!ours->sorted && ours->n) {
		qsort(ours->v, ours->n, sizeof(*ours->v), cmp_str);
		ours->sorted = true;
	}
	for (size_t i = 0; i < ours->n; i++) {
		if (i > 0 && strcmp(ours->v[i], ours->v[i - 1]) == 0 && bad++ < 20)
			strbuf_addf(msg, "  duplicated row: %s\n", ours->v[i]);
		if (settled(ours->v[i]) && !keyset_has(before, ours->v[i]) &&
		    !keyset_has(after, ours->v[i]) && bad++ < 20)
			strbuf_addf(msg, "  spoor only:     %s\n", ours->v[i]);
	}
	for (size_t i = 0; i < before->n; i++)
		if (keyset_has(after, before->v[i]) && !keyset_has(ours, before->v[i]) && bad++ < 20)
			strbuf_addf(msg, "  ss only:        %s\n", before->v[i]);
	return bad;
}

/*
 * A socket that lives only between the two ss runs (a connection another
 * test opens and closes) is no bug, but shows as "spoor only". So the
 * "spoor only" side is checked for the sockets that do not come and go
 * by the millisecond (settled(): listeners, unconnected UDP, the test's
 * own), and a comparison that differs is run again, up to
 * MOMENT_ATTEMPTS times: a real difference shows every time.
 */
#define MOMENT_ATTEMPTS 5

struct moment {
	struct keyset before, after, ours, skip;
};

static void moment_free(struct moment *m)
{
	keyset_free(&m->before);
	keyset_free(&m->after);
	keyset_free(&m->ours);
	keyset_free(&m->skip);
}

/* Runs collect (ss, spoor, ss) until the three agree; fails the test
 * when they never do. m holds the last attempt's sets. */
static void same_moment(const char *what, void (*collect)(void *arg, struct moment *m), void *arg,
			bool (*settled)(const char *key), struct moment *m)
{
	struct strbuf msg = STRBUF_INIT;
	size_t bad = 0;

	for (int attempt = 1; attempt <= MOMENT_ATTEMPTS; attempt++) {
		moment_free(m);
		collect(arg, m);
		bad = moment_diff(&m->ours, &m->before, &m->after, settled, &msg);
		if (bad == 0)
			break;
	}
	if (bad)
		fail_msg("%s: %zu differences, %d times (%zu spoor rows, %zu/%zu ss keys)\n%s",
			 what, bad, MOMENT_ATTEMPTS, m->ours.n, m->before.n, m->after.n, msg.buf);
	strbuf_release(&msg);
}

/* The pids of the test and its child, for the settled() predicates. */
static long own_pids[2];

/* ------------------------------------------------------------------ */
/* ss output */

/* "ESTAB" -> "ESTABLISHED": osquery's names for ss's TCP states. */
static const char *state_from_ss(const char *ss)
{
	static const char *const map[][2] = {
		{ "ESTAB", "ESTABLISHED" },   { "SYN-SENT", "SYN_SENT" },
		{ "SYN-RECV", "SYN_RECV" },   { "FIN-WAIT-1", "FIN_WAIT1" },
		{ "FIN-WAIT-2", "FIN_WAIT2" }, { "TIME-WAIT", "TIME_WAIT" },
		{ "UNCONN", "CLOSED" },       { "CLOSE-WAIT", "CLOSE_WAIT" },
		{ "LAST-ACK", "LAST_ACK" },   { "LISTEN", "LISTEN" },
		{ "CLOSING", "CLOSING" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(ss, map[i][0]) == 0)
			return map[i][1];
	return "UNKNOWN";
}

/*
 * "127.0.0.1%lo:53", "[::1]:631", "*:22" (IPv6 any, dual stack),
 * "0.0.0.0:*" -> address as inet_ntop writes it, port (0 for '*').
 */
static bool split_endpoint(const char *ep, char *addr, size_t size, long *port)
{
	const char *colon = strrchr(ep, ':');
	const char *a = ep, *end;
	size_t n;

	if (!colon)
		return false;
	*port = strcmp(colon + 1, "*") == 0 ? 0 : strtol(colon + 1, NULL, 10);
	end = colon;
	if (*a == '[') {
		a++;
		if (end > a && end[-1] == ']')
			end--;
	}
	n = (size_t)(end - a);
	if (n >= size)
		return false;
	memcpy(addr, a, n);
	addr[n] = '\0';
	addr[strcspn(addr, "%")] = '\0'; /* "%lo": bound to a device */
	if (strcmp(addr, "*") == 0)
		snprintf(addr, size, "::");
	return true;
}

/* Calls add(ks, user) for each "pid=N,fd=M" in a users:(...) field, or
 * once with pid -1 fd -1 when there is none. */
static size_t users_of(const char *line, long *pids, long *fds, size_t max)
{
	const char *p = strstr(line, "users:(");
	size_t n = 0;

	while (p && n < max && (p = strstr(p, "pid=")) != NULL) {
		char *end;

		pids[n] = strtol(p + 4, &end, 10);
		p = strstr(end, "fd=");
		if (!p)
			break;
		fds[n++] = strtol(p + 3, &end, 10);
		p = end;
	}
	if (n == 0) {
		pids[0] = fds[0] = -1;
		n = 1;
	}
	return n;
}

static int split_words(char *line, char **w, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *tok = strtok_r(line, " \t", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t", &save))
		w[n++] = tok;
	return n;
}

/*
 * `ss -H -n -p` lines for tcp/udp: netid state recvq sendq local peer
 * [users] -> keys "proto|laddr|lport|raddr|rport|state|pid|fd" (state ''
 * for UDP, as osquery has it). listening: "proto|addr|port|pid|fd".
 */
static void ss_inet_keys(const char *cmd, bool listening, struct keyset *ks)
{
	char *out = test_run(cmd), *save = NULL;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char copy[1024], *w[8], laddr[128], raddr[128];
		long lport, rport, pids[64], fds[64];
		size_t nu;
		int proto;

		snprintf(copy, sizeof(copy), "%s", line);
		nu = users_of(line, pids, fds, ARRAY_SIZE(pids));
		if (split_words(copy, w, 6) < 6)
			continue;
		if (strcmp(w[0], "tcp") == 0)
			proto = 6;
		else if (strcmp(w[0], "udp") == 0)
			proto = 17;
		else
			continue;
		if (!split_endpoint(w[4], laddr, sizeof(laddr), &lport) ||
		    !split_endpoint(w[5], raddr, sizeof(raddr), &rport))
			continue;
		for (size_t u = 0; u < nu; u++) {
			if (listening)
				keyset_add(ks, "%d|%s|%ld|%ld|%ld", proto, laddr, lport, pids[u],
					   fds[u]);
			else
				keyset_add(ks, "%d|%s|%ld|%s|%ld|%s|%ld|%ld", proto, laddr, lport,
					   raddr, rport, proto == 6 ? state_from_ss(w[1]) : "",
					   pids[u], fds[u]);
		}
	}
	free(out);
}

/*
 * `ss -H -x -a -p`: netid state recvq sendq local inode peer peerinode
 * [users]; local "*" is no name. Keys "inode|path|pid|fd". A line that
 * does not split that way (a name holding blanks) has its inode put in
 * skip, and spoor's rows for it are not compared.
 */
static void ss_unix_keys(struct keyset *ks, struct keyset *skip)
{
	char *out = test_run("ss -H -x -a -n -p"), *save = NULL;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char copy[2048], *w[10], *users;
		long pids[64], fds[64];
		size_t nu = users_of(line, pids, fds, ARRAY_SIZE(pids));
		int n;

		snprintf(copy, sizeof(copy), "%s", line);
		users = strstr(copy, "users:(");
		if (users)
			*users = '\0';
		n = split_words(copy, w, 10);
		if (n != 8) {
			if (n >= 3)
				keyset_add(skip, "%s", w[n - 3]);
			continue;
		}
		for (size_t u = 0; u < nu; u++)
			keyset_add(ks, "%s|%s|%ld|%ld", w[5], strcmp(w[4], "*") ? w[4] : "", pids[u],
				   fds[u]);
	}
	free(out);
}

/* ------------------------------------------------------------------ */
/* the test's own sockets */

struct own_sock {
	int fd;
	int family, protocol;
	uint64_t inode;
	char laddr[64], raddr[64];
	int lport, rport;
	const char *state;
	char path[110];
};

struct fixture {
	struct engine *eng;
	pid_t child;
	int ctl;
	struct own_sock s[8];
	size_t n;
	char unix_path[108];
	uint64_t netns;
};

static uint64_t fd_inode(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (uint64_t)st.st_ino;
}

static uint64_t own_netns(void)
{
	struct stat st;

	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	return (uint64_t)st.st_ino;
}

static void fill_names(struct own_sock *o)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	void *addr;

	o->inode = fd_inode(o->fd);
	if (o->family == AF_UNIX)
		return;
	assert_int_equal(getsockname(o->fd, (struct sockaddr *)&ss, &len), 0);
	if (o->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		addr = &in->sin_addr;
		o->lport = ntohs(in->sin_port);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		addr = &in6->sin6_addr;
		o->lport = ntohs(in6->sin6_port);
	}
	assert_non_null(inet_ntop(o->family, addr, o->laddr, sizeof(o->laddr)));
	len = sizeof(ss);
	if (getpeername(o->fd, (struct sockaddr *)&ss, &len) < 0) {
		snprintf(o->raddr, sizeof(o->raddr), o->family == AF_INET ? "0.0.0.0" : "::");
		o->rport = 0;
		return;
	}
	if (o->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		addr = &in->sin_addr;
		o->rport = ntohs(in->sin_port);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		addr = &in6->sin6_addr;
		o->rport = ntohs(in6->sin6_port);
	}
	assert_non_null(inet_ntop(o->family, addr, o->raddr, sizeof(o->raddr)));
}

static struct own_sock *add_inet(struct fixture *f, int family, int type, const char *addr,
				 const char *state)
{
	struct own_sock *o = &f->s[f->n++];
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int one = 1;

	o->family = family;
	o->protocol = type == SOCK_STREAM ? 6 : 17;
	o->state = state;
	o->fd = socket(family, type | SOCK_CLOEXEC, 0);
	assert_true(o->fd >= 0);
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, &in->sin_addr), 1);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
		assert_int_equal(setsockopt(o->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)), 0);
		len = sizeof(*in6);
	}
	assert_int_equal(bind(o->fd, (struct sockaddr *)&ss, len), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(o->fd, 8), 0);
	fill_names(o);
	return o;
}

static void add_unix(struct fixture *f, int type, const char *name, size_t name_len,
		     const char *shown)
{
	struct own_sock *o = &f->s[f->n++];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	o->family = AF_UNIX;
	o->protocol = 0;
	o->state = "";
	o->fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	assert_true(o->fd >= 0);
	memcpy(sun.sun_path, name, name_len);
	assert_int_equal(bind(o->fd, (struct sockaddr *)&sun,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + name_len)),
			 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(o->fd, 8), 0);
	snprintf(o->path, sizeof(o->path), "%s", shown);
	fill_names(o);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct own_sock *l4, *cl, *ac;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char abstract[64];
	int ctl[2], ready[2];

	f->eng = test_engine(NULL);
	f->netns = own_netns();
	l4 = add_inet(f, AF_INET, SOCK_STREAM, "127.0.0.1", "LISTEN");
	add_inet(f, AF_INET6, SOCK_STREAM, "::1", "LISTEN");
	add_inet(f, AF_INET, SOCK_DGRAM, "127.0.0.1", "");
	add_inet(f, AF_INET6, SOCK_DGRAM, "::", "");

	/* the connected pair */
	cl = &f->s[f->n++];
	cl->family = AF_INET;
	cl->protocol = 6;
	cl->state = "ESTABLISHED";
	cl->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(cl->fd >= 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	sa.sin_port = htons((uint16_t)l4->lport);
	assert_int_equal(connect(cl->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	fill_names(cl);
	ac = &f->s[f->n++];
	*ac = *cl;
	ac->fd = accept4(l4->fd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(ac->fd >= 0);
	fill_names(ac);

	snprintf(f->unix_path, sizeof(f->unix_path), "/tmp/spoor-live-sockets-%d.sock", (int)getpid());
	unlink(f->unix_path);
	add_unix(f, SOCK_STREAM, f->unix_path, strlen(f->unix_path) + 1, f->unix_path);
	/* "\0spoor-live-<pid>", shown as "@spoor-live-<pid>" */
	abstract[0] = '\0';
	snprintf(abstract + 1, sizeof(abstract) - 1, "spoor-live-%d", (int)getpid());
	{
		char shown[64];

		snprintf(shown, sizeof(shown), "@%s", abstract + 1);
		add_unix(f, SOCK_DGRAM, abstract, 1 + strlen(abstract + 1), shown);
	}

	/* the child keeps the IPv4 listener, at the same fd, and nothing
	 * else of the test's sockets; the test waits until it has closed
	 * them (the ready pipe's EOF) */
	assert_int_equal(pipe2(ctl, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	f->child = test_fork();
	assert_true(f->child >= 0);
	if (f->child == 0) {
		char c;

		for (size_t i = 0; i < f->n; i++)
			if (f->s[i].fd != l4->fd)
				close(f->s[i].fd);
		close(ctl[1]);
		close(ready[0]);
		close(ready[1]);
		(void)read(ctl[0], &c, 1);
		_exit(0);
	}
	close(ctl[0]);
	close(ready[1]);
	{
		char c;

		assert_int_equal(read(ready[0], &c, 1), 0);
	}
	close(ready[0]);
	f->ctl = ctl[1];
	own_pids[0] = (long)getpid();
	own_pids[1] = (long)f->child;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->child > 0) {
		close(f->ctl);
		kill(f->child, SIGKILL);
		waitpid(f->child, NULL, 0);
	}
	for (size_t i = 0; i < f->n; i++)
		close(f->s[i].fd);
	unlink(f->unix_path);
	engine_free(f->eng);
	free(f);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the tests */

#define OWN_COLS                                                                      \
	"pid, fd, socket, family, protocol, local_address, local_port, remote_address, " \
	"remote_port, path, state, net_namespace"

/* Expected rows, each with its sort key (pid, fd). */
struct want_row {
	long pid;
	int fd;
	char *line;
};

struct want_rows {
	size_t n;
	struct want_row r[32];
};

static void want_add(struct want_rows *w, long pid, int fd, const struct strbuf *line)
{
	assert_true(w->n < ARRAY_SIZE(w->r));
	w->r[w->n].pid = pid;
	w->r[w->n].fd = fd;
	w->r[w->n++].line = xstrdup(line->buf);
}

static int cmp_want(const void *a, const void *b)
{
	const struct want_row *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

/* The rows in ORDER BY pid, fd, joined; frees them. */
static char *want_text(struct want_rows *w)
{
	struct strbuf sb = STRBUF_INIT;

	qsort(w->r, w->n, sizeof(w->r[0]), cmp_want);
	for (size_t i = 0; i < w->n; i++) {
		strbuf_addstr(&sb, w->r[i].line);
		free(w->r[i].line);
	}
	w->n = 0;
	return strbuf_detach(&sb, NULL);
}

static void want_own(struct want_rows *w, const struct own_sock *o, long pid, uint64_t netns)
{
	struct strbuf sb = STRBUF_INIT;
	bool inet = o->family != AF_UNIX;

	strbuf_addf(&sb, "%ld|%d|%llu|%d|%d|%s|%d|%s|%d|%s|%s|%llu\n", pid, o->fd,
		    (unsigned long long)o->inode, o->family, o->protocol, inet ? o->laddr : "",
		    inet ? o->lport : 0, inet ? o->raddr : "", inet ? o->rport : 0, o->path, o->state,
		    (unsigned long long)netns);
	want_add(w, pid, o->fd, &sb);
	strbuf_release(&sb);
}

static void own_sockets_exact(void **state)
{
	struct fixture *f = *state;
	struct want_rows w = { 0 };
	struct strbuf sql = STRBUF_INIT;
	long self = (long)getpid();
	char *want;

	for (size_t i = 0; i < f->n; i++)
		want_own(&w, &f->s[i], self, f->netns);
	want_own(&w, &f->s[0], (long)f->child, f->netns);
	want = want_text(&w);
	strbuf_addf(&sql, "SELECT " OWN_COLS " FROM process_open_sockets WHERE pid IN (%ld, %ld) "
			  "ORDER BY pid, fd",
		    self, (long)f->child);
	test_assert_query(f->eng, sql.buf, want);
	free(want);

	/* the child alone: pid = pushdown walks only its fd/ */
	strbuf_reset(&sql);
	want_own(&w, &f->s[0], (long)f->child, f->netns);
	want = want_text(&w);
	strbuf_addf(&sql, "SELECT " OWN_COLS " FROM process_open_sockets WHERE pid = %ld",
		    (long)f->child);
	test_assert_query(f->eng, sql.buf, want);
	free(want);

	/* a pid that cannot exist, and a value that is no pid */
	test_assert_query(f->eng,
			  "SELECT count(*) FROM process_open_sockets WHERE pid IN (2147483647, 'x')",
			  "0\n");
	strbuf_release(&sql);
}

static void listening_own(void **state)
{
	struct fixture *f = *state;
	struct want_rows w = { 0 };
	struct strbuf sql = STRBUF_INIT, line = STRBUF_INIT;
	long self = (long)getpid();
	char *want;

	/* listeners and unconnected UDP: port and address; named unix:
	 * path, port NULL, address '' */
	for (size_t i = 0; i < f->n; i++) {
		const struct own_sock *o = &f->s[i];

		strbuf_reset(&line);
		if (o->family == AF_UNIX)
			strbuf_addf(&line, "%ld|NULL|%d|%d||%d|%llu|%s|%llu\n", self, o->protocol,
				    o->family, o->fd, (unsigned long long)o->inode, o->path,
				    (unsigned long long)f->netns);
		else if (o->rport == 0)
			strbuf_addf(&line, "%ld|%d|%d|%d|%s|%d|%llu||%llu\n", self, o->lport,
				    o->protocol, o->family, o->laddr, o->fd,
				    (unsigned long long)o->inode, (unsigned long long)f->netns);
		else
			continue;
		want_add(&w, self, o->fd, &line);
	}
	want = want_text(&w);
	strbuf_addf(&sql, "SELECT * FROM listening_ports WHERE pid = %ld ORDER BY fd", self);
	test_assert_query(f->eng, sql.buf, want);
	free(want);

	strbuf_reset(&sql);
	strbuf_reset(&line);
	strbuf_addf(&line, "%ld|%d|%d\n", (long)f->child, f->s[0].lport, f->s[0].fd);
	strbuf_addf(&sql, "SELECT pid, port, fd FROM listening_ports WHERE pid = %ld",
		    (long)f->child);
	test_assert_query(f->eng, sql.buf, line.buf);
	strbuf_release(&sql);
	strbuf_release(&line);
}

static void inet_rows(struct engine *eng, uint64_t netns, bool listening, struct keyset *ks)
{
	struct test_rows rows;
	char sql[512];

	if (listening)
		snprintf(sql, sizeof(sql),
			 "SELECT protocol, address, port, pid, fd FROM listening_ports "
			 "WHERE protocol IN (6, 17) AND family IN (2, 10) AND net_namespace = '%llu'",
			 (unsigned long long)netns);
	else
		snprintf(sql, sizeof(sql),
			 "SELECT protocol, local_address, local_port, remote_address, remote_port, "
			 "state, pid, fd FROM process_open_sockets "
			 "WHERE protocol IN (6, 17) AND family IN (2, 10) AND net_namespace = '%llu'",
			 (unsigned long long)netns);
	test_query_ok(eng, sql, &rows);
	for (size_t r = 0; r < rows.nrows; r++) {
		char **v = &rows.values[r * rows.ncols];

		if (listening)
			keyset_add(ks, "%s|%s|%s|%s|%s", v[0], v[1], v[2], v[3], v[4]);
		else
			keyset_add(ks, "%s|%s|%s|%s|%s|%s|%s|%s", v[0], v[1], v[2], v[3], v[4], v[5],
				   v[6], v[7]);
	}
	test_rows_free(&rows);
}

/* "|<pid>|<fd>" at the end of a key: one of the test's? */
static bool own_key(const char *key)
{
	const char *bar = strrchr(key, '|');
	long pid;

	if (!bar || bar == key)
		return false;
	for (bar--; bar > key && *bar != '|'; bar--)
		;
	pid = strtol(bar + 1, NULL, 10);
	return pid == own_pids[0] || pid == own_pids[1];
}

/* "proto|laddr|lport|raddr|rport|state|pid|fd" */
static bool inet_settled(const char *key)
{
	char copy[512], *w[8];
	int n;

	snprintf(copy, sizeof(copy), "%s", key);
	n = 0;
	for (char *p = copy, *bar; n < 8; p = bar + 1) {
		w[n++] = p;
		bar = strchr(p, '|');
		if (!bar)
			break;
		*bar = '\0';
	}
	if (n != 8)
		return true;
	return strcmp(w[5], "LISTEN") == 0 || (strcmp(w[0], "17") == 0 && strcmp(w[4], "0") == 0) ||
	       own_key(key);
}

static bool all_settled(const char *key)
{
	(void)key;
	return true;
}

static void collect_open(void *arg, struct moment *m)
{
	struct fixture *f = arg;

	ss_inet_keys("ss -H -t -u -a -n -p", false, &m->before);
	inet_rows(f->eng, f->netns, false, &m->ours);
	ss_inet_keys("ss -H -t -u -a -n -p", false, &m->after);
}

static void open_sockets_match_ss(void **state)
{
	struct fixture *f = *state;
	struct moment m = { 0 };
	struct strbuf key = STRBUF_INIT;

	same_moment("process_open_sockets vs ss -tanpu", collect_open, f, inet_settled, &m);
	/* the test's own sockets are among them, for sure */
	for (size_t i = 0; i < f->n; i++) {
		const struct own_sock *o = &f->s[i];

		if (o->family == AF_UNIX)
			continue;
		strbuf_reset(&key);
		strbuf_addf(&key, "%d|%s|%d|%s|%d|%s|%ld|%d", o->protocol, o->laddr, o->lport,
			    o->raddr, o->rport, o->state, (long)getpid(), o->fd);
		if (!keyset_has(&m.ours, key.buf) || !keyset_has(&m.before, key.buf))
			fail_msg("own socket missing: %s", key.buf);
	}
	strbuf_release(&key);
	moment_free(&m);
}

static void collect_listening(void *arg, struct moment *m)
{
	struct fixture *f = arg;

	ss_inet_keys("ss -H -l -t -u -n -p", true, &m->before);
	inet_rows(f->eng, f->netns, true, &m->ours);
	ss_inet_keys("ss -H -l -t -u -n -p", true, &m->after);
}

static void listening_match_ss(void **state)
{
	struct fixture *f = *state;
	struct moment m = { 0 };
	char key[256];

	same_moment("listening_ports vs ss -ltnpu", collect_listening, f, all_settled, &m);
	/* the IPv4 listener, held by the test and its child */
	snprintf(key, sizeof(key), "6|127.0.0.1|%d|%ld|%d", f->s[0].lport, (long)f->child,
		 f->s[0].fd);
	assert_true(keyset_has(&m.ours, key) && keyset_has(&m.before, key));
	snprintf(key, sizeof(key), "6|127.0.0.1|%d|%ld|%d", f->s[0].lport, (long)getpid(),
		 f->s[0].fd);
	assert_true(keyset_has(&m.ours, key) && keyset_has(&m.before, key));
	moment_free(&m);
}

static void unix_rows(struct engine *eng, uint64_t netns, struct keyset *skip, struct keyset *ks)
{
	struct test_rows rows;
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT socket, path, pid, fd FROM process_open_sockets "
		 "WHERE family = 1 AND net_namespace = '%llu'",
		 (unsigned long long)netns);
	test_query_ok(eng, sql, &rows);
	for (size_t r = 0; r < rows.nrows; r++) {
		char **v = &rows.values[r * rows.ncols];

		if (!keyset_has(skip, v[0]))
			keyset_add(ks, "%s|%s|%s|%s", v[0], v[1], v[2], v[3]);
	}
	test_rows_free(&rows);
}

static void collect_unix(void *arg, struct moment *m)
{
	struct fixture *f = arg;

	ss_unix_keys(&m->before, &m->skip);
	unix_rows(f->eng, f->netns, &m->skip, &m->ours);
	ss_unix_keys(&m->after, &m->skip);
}

static void unix_match_ss(void **state)
{
	struct fixture *f = *state;
	struct moment m = { 0 };
	char key[256];

	/* unix connections come and go too (a client of a daemon, each
	 * with its accepted end): the test's own are the settled ones */
	same_moment("process_open_sockets (unix) vs ss -xap", collect_unix, f, own_key, &m);
	for (size_t i = 0; i < f->n; i++) {
		const struct own_sock *o = &f->s[i];

		if (o->family != AF_UNIX)
			continue;
		snprintf(key, sizeof(key), "%llu|%s|%ld|%d", (unsigned long long)o->inode, o->path,
			 (long)getpid(), o->fd);
		assert_true(keyset_has(&m.ours, key) && keyset_has(&m.before, key));
	}
	moment_free(&m);
}

/* pid = -1: only what no process holds; the full list has them too. */
static void orphans(void **state)
{
	struct fixture *f = *state;
	struct test_rows rows;

	test_query_ok(f->eng, "SELECT pid, fd FROM process_open_sockets WHERE pid = -1", &rows);
	for (size_t r = 0; r < rows.nrows; r++) {
		assert_string_equal(test_get(&rows, r, "pid"), "-1");
		assert_string_equal(test_get(&rows, r, "fd"), "-1");
	}
	test_rows_free(&rows);
	/* sockets listed for a pid filter have that pid, never -1 */
	{
		char sql[128];

		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM process_open_sockets WHERE pid IN (%ld, -1) AND "
			 "pid NOT IN (%ld, -1)",
			 (long)getpid(), (long)getpid());
		test_assert_query(f->eng, sql, "0\n");
	}
}

/* ------------------------------------------------------------------ */
/* another network namespace */

static void other_netns(void **state)
{
	struct fixture *f = *state;
	int ready[2], ctl[2];
	struct {
		uint64_t inode, netns;
		int fd, port, err;
	} info = { 0 };
	pid_t child;
	char sql[256], want[256], cmd[128], *ss;

	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ctl, O_CLOEXEC), 0);
	child = test_fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		socklen_t len = sizeof(sa);
		char c;
		int fd;

		close(ready[0]);
		close(ctl[1]);
		if (unshare(CLONE_NEWNET) < 0) {
			info.err = errno;
		} else {
			fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
			    listen(fd, 1) < 0 || getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
				info.err = errno;
			} else {
				info.fd = fd;
				info.port = ntohs(sa.sin_port);
				info.inode = fd_inode(fd);
				info.netns = own_netns();
			}
		}
		(void)write(ready[1], &info, sizeof(info));
		(void)read(ctl[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(ctl[0]);
	assert_int_equal(read(ready[0], &info, sizeof(info)), (ssize_t)sizeof(info));
	close(ready[0]);
	if (info.err) {
		close(ctl[1]);
		waitpid(child, NULL, 0);
		if (info.err == EPERM)
			skip(); /* not root: no namespace of our own */
		fail_msg("child in a new netns: %s", strerror(info.err));
	}
	assert_true(info.netns != f->netns);

	snprintf(sql, sizeof(sql),
		 "SELECT pid, fd, socket, family, protocol, local_address, local_port, state, "
		 "net_namespace FROM process_open_sockets WHERE pid = %d",
		 (int)child);
	snprintf(want, sizeof(want), "%d|%d|%llu|2|6|0.0.0.0|%d|LISTEN|%llu\n", (int)child, info.fd,
		 (unsigned long long)info.inode, info.port, (unsigned long long)info.netns);
	test_assert_query(f->eng, sql, want);
	/* the unfiltered scan reaches that namespace too */
	snprintf(sql, sizeof(sql),
		 "SELECT pid, port, net_namespace FROM listening_ports WHERE net_namespace = '%llu'",
		 (unsigned long long)info.netns);
	snprintf(want, sizeof(want), "%d|%d|%llu\n", (int)child, info.port,
		 (unsigned long long)info.netns);
	test_assert_query(f->eng, sql, want);
	/* and ss run inside the namespace sees the same listener */
	snprintf(cmd, sizeof(cmd), "nsenter --net=/proc/%d/ns/net ss -H -l -t -n -p", (int)child);
	ss = test_run(cmd);
	snprintf(want, sizeof(want), "0.0.0.0:%d", info.port);
	assert_non_null(strstr(ss, want));
	snprintf(want, sizeof(want), "pid=%d,fd=%d", (int)child, info.fd);
	assert_non_null(strstr(ss, want));
	free(ss);

	close(ctl[1]);
	waitpid(child, NULL, 0);
}

/* The netlink client itself: the test's listener is in a TCP dump, by
 * its own socket and through setns into the same namespace. */
static int find_inode(void *arg, const struct sockdiag_sock *s)
{
	uint64_t *want = arg;

	if (s->inode == *want)
		*want = 0;
	return 0;
}

static void sockdiag_io(void **state)
{
	struct fixture *f = *state;
	struct sockdiag_req req = { .family = AF_INET, .protocol = IPPROTO_TCP, .states = ~0u };
	struct sockdiag *sd = NULL;
	uint64_t want = f->s[0].inode;
	int nsfd, r;

	assert_int_equal(sockdiag_open(&sd, -1), 0);
	assert_int_equal(sockdiag_dump(sd, &req, find_inode, &want), 0);
	assert_int_equal(want, 0);
	/* a second dump on the same socket */
	want = f->s[0].inode;
	assert_int_equal(sockdiag_dump(sd, &req, find_inode, &want), 0);
	assert_int_equal(want, 0);
	sockdiag_free(sd);

	nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(nsfd >= 0);
	r = sockdiag_open(&sd, nsfd);
	close(nsfd);
	if (r == -EPERM)
		skip();
	assert_int_equal(r, 0);
	want = f->s[0].inode;
	assert_int_equal(sockdiag_dump(sd, &req, find_inode, &want), 0);
	assert_int_equal(want, 0);
	sockdiag_free(sd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(own_sockets_exact),
		cmocka_unit_test(listening_own),
		cmocka_unit_test(open_sockets_match_ss),
		cmocka_unit_test(listening_match_ss),
		cmocka_unit_test(unix_match_ss),
		cmocka_unit_test(orphans),
		cmocka_unit_test(other_netns),
		cmocka_unit_test(sockdiag_io),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
