/*
 * process_details.c - what /proc shows inside each process beyond its
 * processes row: process_envs, process_memory_map, process_namespaces.
 *
 *   SELECT key, value FROM process_envs WHERE pid = 1;
 *   SELECT pid, path FROM process_memory_map
 *     WHERE path LIKE '%.so%' AND permissions LIKE '%x%';
 *   SELECT pid FROM process_namespaces
 *     WHERE mnt_namespace != (SELECT mnt_namespace FROM process_namespaces
 *                             WHERE pid = 1);
 *
 * Data sources, all through the rootfs layer: the /proc listing (or, for
 * pid = / IN, only the named /proc/<pid> directories), then per process
 * /proc/<pid>/environ, /proc/<pid>/maps, or the links in /proc/<pid>/ns.
 *
 * Semantics are osquery's (tables/system/linux/processes.cpp,
 * genProcessEnvironment, genProcessMap, genNamespaces, and
 * filesystem/linux/proc.cpp):
 *   - pid = N reads /proc/N when it is a directory, so a thread id
 *     answers too, as in osquery; a scan lists the processes;
 *   - a file that cannot be read (another user's environ without root, a
 *     process that exited) gives that process no rows, not an error.
 * Where spoor differs it says so next to the code.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* environ holds what execve was given, at most a quarter of the stack
 * limit (2 MiB with the usual 8 MiB); past this bound the entries that
 * fit are listed and the cut one is dropped. */
#define PROC_ENVIRON_MAX ((size_t)16 << 20)
/* maps is ~100 bytes a mapping: 64 MiB is 600,000 mappings, past the
 * default vm.max_map_count of 65530 tenfold. */
#define PROC_MAPS_MAX ((size_t)64 << 20)

/* Errors about spoor itself, not about one process: they end a scan. */
static bool fatal_error(int r)
{
	return r == -EMFILE || r == -ENFILE || r == -ENOMEM;
}

/* ------------------------------------------------------------------ */
/* which processes */

struct pid_scan {
	struct query_ctx *q;
	const struct rootfs *rfs;
	/* "/proc/<pid>/<file>", rebuilt per file */
	struct strbuf path;
	/* the file's content */
	struct strbuf buf;
};

static void pid_scan_init(struct pid_scan *s, struct query_ctx *q)
{
	s->q = q;
	s->rfs = qctx_rootfs(q);
	strbuf_init(&s->path, 256);
	strbuf_init(&s->buf, 0);
}

static void pid_scan_release(struct pid_scan *s)
{
	strbuf_release(&s->path);
	strbuf_release(&s->buf);
}

static const char *pid_path(struct pid_scan *s, int64_t pid, const char *file)
{
	strbuf_reset(&s->path);
	strbuf_addf(&s->path, "/proc/%lld%s%s", (long long)pid, file ? "/" : "", file ? file : "");
	return s->path.buf;
}

/*
 * Reads /proc/<pid>/<file> into s->buf. 0 with the content, 1 when it
 * cannot be read (the process has no rows), or a fatal error. A file
 * past max keeps its first max bytes and sets *ret_truncated.
 */
static int pid_read(struct pid_scan *s, int64_t pid, const char *file, size_t max,
		    bool *ret_truncated)
{
	int r;

	strbuf_reset(&s->buf);
	r = rootfs_read(s->rfs, pid_path(s, pid, file), &s->buf, max, ret_truncated);
	if (r == 0)
		return 0;
	return fatal_error(r) ? r : 1;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

struct pid_list {
	int64_t *v;
	size_t n, alloc;
};

static void pid_list_add(struct pid_list *l, int64_t pid)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 256;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n++] = pid;
}

/* Sorts and drops repeats. */
static void pid_list_sort(struct pid_list *l)
{
	size_t k = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_int64);
	for (size_t i = 0; i < l->n; i++)
		if (k == 0 || l->v[i] != l->v[k - 1])
			l->v[k++] = l->v[i];
	l->n = k;
}

/* pid = / IN: the named pids whose /proc/<pid> is a directory. */
static int list_named_pids(struct pid_scan *s, int col, struct pid_list *l)
{
	size_t n = qctx_eq_count(s->q, col);
	struct pid_list want = { 0 };

	for (size_t i = 0; i < n; i++) {
		int64_t v;

		/* 'abc', 1.5 or NULL name no process */
		if (qctx_eq_int64(s->q, col, i, &v) == 0 && v > 0)
			pid_list_add(&want, v);
	}
	pid_list_sort(&want);
	for (size_t i = 0; i < want.n; i++) {
		struct stat st;

		if (rootfs_stat(s->rfs, pid_path(s, want.v[i], NULL), &st) == 0 &&
		    S_ISDIR(st.st_mode))
			pid_list_add(l, want.v[i]);
	}
	free(want.v);
	return 0;
}

/* Every process: the numeric directories of /proc, in pid order. */
static int list_all_pids(struct pid_scan *s, struct pid_list *l)
{
	struct dirent *de;
	DIR *dir;
	int r;

	r = rootfs_opendir(s->rfs, "/proc", &dir);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (;;) {
		int64_t pid;

		errno = 0;
		de = readdir(dir);
		if (!de) {
			r = errno ? -errno : 0;
			break;
		}
		if (!all_digits(de->d_name) || parse_int64(de->d_name, &pid) < 0 || pid <= 0)
			continue;
		if (de->d_type != DT_DIR) {
			struct stat st;

			/* a file system without d_type (some captured trees) */
			if (de->d_type != DT_UNKNOWN ||
			    rootfs_stat(s->rfs, pid_path(s, pid, NULL), &st) < 0 ||
			    !S_ISDIR(st.st_mode))
				continue;
		}
		pid_list_add(l, pid);
	}
	closedir(dir);
	pid_list_sort(l);
	return r;
}

/* Calls fn for each process the query asks for. */
static int for_each_pid(struct pid_scan *s, int pid_col,
			int (*fn)(struct pid_scan *s, int64_t pid))
{
	struct pid_list l = { 0 };
	int r;

	if (qctx_has_eq(s->q, pid_col))
		r = list_named_pids(s, pid_col, &l);
	else
		r = list_all_pids(s, &l);
	for (size_t i = 0; i < l.n && r == 0; i++)
		r = fn(s, l.v[i]);
	free(l.v);
	return r;
}

/* ------------------------------------------------------------------ */
/* process_envs */

enum {
	ENV_PID,
	ENV_KEY,
	ENV_VALUE,
};

static const struct column_spec process_envs_cols[] = {
	[ENV_PID] = { "pid", COL_INTEGER, COLF_INDEX | COLF_OPTIMIZED,
		      .help = "Process (or thread) ID" },
	[ENV_KEY] = { "key", COL_TEXT, 0, .help = "Environment variable name" },
	[ENV_VALUE] = { "value", COL_TEXT, 0, .help = "Environment variable value" },
};

/*
 * environ is "KEY=value\0KEY2=value2\0": the strings execve was given
 * (or what the process wrote over them since). osquery:
 *   - key is up to the first '=', value the rest;
 *   - an entry without '=' has the whole entry as key AND as value
 *     (osquery's substr(npos + 1) is the whole string);
 *   - the list ends at the first empty entry ("\0\0"), which is also
 *     where a process that rewrote its argv/environ area (setproctitle)
 *     leaves only padding.
 * osquery also stops at an entry whose first byte is >= 0x80 (a signed
 * char compared with 0); spoor lists such entries.
 */
static int envs_of_pid(struct pid_scan *s, int64_t pid)
{
	struct query_ctx *q = s->q;
	bool truncated = false;
	const char *p, *end;
	int r;

	r = pid_read(s, pid, "environ", PROC_ENVIRON_MAX, &truncated);
	if (r != 0)
		return r > 0 ? 0 : r;
	p = s->buf.buf;
	end = p + s->buf.len;
	if (truncated) {
		/* the last entry was cut: drop it rather than report half */
		const char *nul = memrchr(p, '\0', s->buf.len);

		end = nul ? nul : p;
	}
	while (p < end && *p) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *e = nul ? nul : end;
		const char *eq = memchr(p, '=', (size_t)(e - p));

		row_begin(q);
		row_int(q, ENV_PID, pid);
		row_text(q, ENV_KEY, p, (size_t)((eq ? eq : e) - p));
		if (eq)
			row_text(q, ENV_VALUE, eq + 1, (size_t)(e - eq - 1));
		else
			row_text(q, ENV_VALUE, p, (size_t)(e - p));
		r = row_end(q);
		if (r < 0)
			return r;
		p = e + 1;
	}
	return 0;
}

static int gen_process_envs(struct query_ctx *q)
{
	struct pid_scan s;
	int r;

	pid_scan_init(&s, q);
	r = for_each_pid(&s, ENV_PID, envs_of_pid);
	pid_scan_release(&s);
	return r;
}

const struct table_spec process_envs_spec = {
	.name = "process_envs",
	.description = "A key/value table of environment variables for each process.",
	.source = "/proc/<pid>/environ",
	TABLE_COLUMNS(process_envs_cols),
	.generate = gen_process_envs,
};

/* ------------------------------------------------------------------ */
/* process_memory_map */

enum {
	MAP_PID,
	MAP_START,
	MAP_END,
	MAP_PERMISSIONS,
	MAP_OFFSET,
	MAP_DEVICE,
	MAP_INODE,
	MAP_PATH,
	MAP_PSEUDO,
};

static const struct column_spec process_memory_map_cols[] = {
	[MAP_PID] = { "pid", COL_INTEGER, COLF_INDEX | COLF_OPTIMIZED,
		      .help = "Process (or thread) ID" },
	[MAP_START] = { "start", COL_TEXT, 0, .help = "Virtual start address (hex)" },
	[MAP_END] = { "end", COL_TEXT, 0, .help = "Virtual end address (hex)" },
	[MAP_PERMISSIONS] = { "permissions", COL_TEXT, 0,
			      .help = "r=read, w=write, x=execute, p=private (cow)" },
	[MAP_OFFSET] = { "offset", COL_BIGINT, 0, .help = "Offset into mapped path" },
	[MAP_DEVICE] = { "device", COL_TEXT, 0, .help = "MA:MI Major/minor device ID" },
	[MAP_INODE] = { "inode", COL_INTEGER, 0,
			.help = "Mapped path inode, 0 means uninitialized (BSS)" },
	[MAP_PATH] = { "path", COL_TEXT, 0, .help = "Path to mapped file or mapped type" },
	[MAP_PSEUDO] = { "pseudo", COL_INTEGER, 0, .help = "1 If path is a pseudo path, else 0" },
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/*
 * "7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0      [heap]" and
 * "55d0c0a4b000-55d0c0a4d000 r--p 00002000 fe:01 1835043 /usr/bin/cat":
 * osquery's columns:
 *   - start/end: "0x" and the hex the kernel prints (zero-padded to at
 *     least 8 digits), from the first two '-'-separated parts; a line
 *     of fewer than five fields or an address without both parts is
 *     skipped;
 *   - offset: the hex offset as a number, -1 when it is none;
 *   - device "MA:MI" (hex) and inode as printed (inode NULL if not a
 *     number);
 *   - path: the rest of the line, trimmed; '' for an anonymous mapping;
 *   - pseudo: 1 when the inode is "0" and there is a path ([heap],
 *     [stack], [vdso], [anon:...]), else 0.
 * osquery takes only the first space-separated word as the path, so
 * "/tmp/a b" reads "/tmp/a" and "/usr/bin/x (deleted)" loses
 * " (deleted)"; spoor keeps the whole path, as the kernel prints it
 * (a '\n' in a name is printed as "\012").
 */
static int emit_map_line(struct query_ctx *q, int64_t pid, struct span line)
{
	struct span f[5], start, end, rest;
	const char *dash;
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(f) && span_word(&line, &f[i]) == 0; i++)
		;
	if (i < ARRAY_SIZE(f))
		return 0;
	/* osquery splits at '-' and drops empty parts */
	rest = f[0];
	while (!span_empty(&rest) && *rest.p == '-')
		rest.p++;
	dash = memchr(rest.p, '-', span_len(&rest));
	if (!dash)
		return 0;
	start = span_make(rest.p, (size_t)(dash - rest.p));
	rest.p = dash;
	while (!span_empty(&rest) && *rest.p == '-')
		rest.p++;
	if (span_empty(&rest))
		return 0;
	dash = memchr(rest.p, '-', span_len(&rest));
	end = span_make(rest.p, dash ? (size_t)(dash - rest.p) : span_len(&rest));

	while (!span_empty(&line) && is_space(*line.p))
		line.p++;
	while (!span_empty(&line) && is_space(line.end[-1]))
		line.end--;

	row_begin(q);
	row_int(q, MAP_PID, pid);
	row_textf(q, MAP_START, "0x%.*s", (int)span_len(&start), start.p);
	row_textf(q, MAP_END, "0x%.*s", (int)span_len(&end), end.p);
	row_text(q, MAP_PERMISSIONS, f[1].p, span_len(&f[1]));
	rest = f[2];
	if (span_hex64(&rest, &v) == 0 && span_empty(&rest) && v <= INT64_MAX)
		row_int(q, MAP_OFFSET, (int64_t)v);
	else
		row_int(q, MAP_OFFSET, -1);
	row_text(q, MAP_DEVICE, f[3].p, span_len(&f[3]));
	rest = f[4];
	if (span_uint64(&rest, &v) == 0 && span_empty(&rest) && v <= INT64_MAX)
		row_int(q, MAP_INODE, (int64_t)v);
	row_text(q, MAP_PATH, line.p, span_len(&line));
	row_int(q, MAP_PSEUDO, span_eq(&f[4], "0") && !span_empty(&line));
	return row_end(q);
}

static int maps_of_pid(struct pid_scan *s, int64_t pid)
{
	bool truncated = false;
	struct span file, line;
	int r;

	r = pid_read(s, pid, "maps", PROC_MAPS_MAX, &truncated);
	if (r != 0)
		return r > 0 ? 0 : r;
	file = span_make(s->buf.buf, s->buf.len);
	if (truncated) {
		/* the last line was cut: drop it */
		const char *nl = memrchr(file.p, '\n', span_len(&file));

		file.end = nl ? nl : file.p;
	}
	while (span_line(&file, &line) == 0) {
		r = emit_map_line(s->q, pid, line);
		if (r < 0)
			return r;
	}
	return 0;
}

static int gen_process_memory_map(struct query_ctx *q)
{
	struct pid_scan s;
	int r;

	pid_scan_init(&s, q);
	r = for_each_pid(&s, MAP_PID, maps_of_pid);
	pid_scan_release(&s);
	return r;
}

const struct table_spec process_memory_map_spec = {
	.name = "process_memory_map",
	.description = "Process memory mapped files and pseudo device/regions.",
	.source = "/proc/<pid>/maps",
	TABLE_COLUMNS(process_memory_map_cols),
	.generate = gen_process_memory_map,
};

/* ------------------------------------------------------------------ */
/* process_namespaces */

enum {
	NS_PID,
	NS_CGROUP_NAMESPACE,
	NS_IPC_NAMESPACE,
	NS_MNT_NAMESPACE,
	NS_NET_NAMESPACE,
	NS_PID_NAMESPACE,
	NS_USER_NAMESPACE,
	NS_UTS_NAMESPACE,
	NS_NCOLS_
};

static const struct column_spec process_namespaces_cols[] = {
	[NS_PID] = { "pid", COL_INTEGER, COLF_INDEX | COLF_OPTIMIZED,
		     .help = "Process (or thread) ID" },
	[NS_CGROUP_NAMESPACE] = { "cgroup_namespace", COL_TEXT, 0,
				  .help = "cgroup namespace inode" },
	[NS_IPC_NAMESPACE] = { "ipc_namespace", COL_TEXT, 0, .help = "ipc namespace inode" },
	[NS_MNT_NAMESPACE] = { "mnt_namespace", COL_TEXT, 0, .help = "mnt namespace inode" },
	[NS_NET_NAMESPACE] = { "net_namespace", COL_TEXT, 0, .help = "net namespace inode" },
	[NS_PID_NAMESPACE] = { "pid_namespace", COL_TEXT, 0, .help = "pid namespace inode" },
	[NS_USER_NAMESPACE] = { "user_namespace", COL_TEXT, 0, .help = "user namespace inode" },
	[NS_UTS_NAMESPACE] = { "uts_namespace", COL_TEXT, 0, .help = "uts namespace inode" },
};

/* the link under /proc/<pid>/ns of each namespace column */
static const char *const ns_links[NS_NCOLS_] = {
	[NS_CGROUP_NAMESPACE] = "cgroup", [NS_IPC_NAMESPACE] = "ipc",
	[NS_MNT_NAMESPACE] = "mnt",	  [NS_NET_NAMESPACE] = "net",
	[NS_PID_NAMESPACE] = "pid",	  [NS_USER_NAMESPACE] = "user",
	[NS_UTS_NAMESPACE] = "uts",
};

/*
 * A namespace link reads "net:[4026531840]": the type, ":[", the
 * namespace inode in decimal, "]". osquery takes the inode only from a
 * link of exactly that shape with a non-zero inode, and leaves the
 * column NULL otherwise (unreadable without ptrace access to the
 * process, absent on an older kernel).
 */
static bool ns_inode(const struct strbuf *link, const char *type, uint64_t *ret)
{
	struct span sp = span_make(link->buf, link->len);
	size_t tlen = strlen(type);
	uint64_t ino;

	if (span_len(&sp) < tlen + 2 || memcmp(sp.p, type, tlen) != 0 ||
	    memcmp(sp.p + tlen, ":[", 2) != 0)
		return false;
	sp.p += tlen + 2;
	if (span_uint64(&sp, &ino) < 0 || ino == 0 || span_expect(&sp, ']') < 0)
		return false;
	*ret = ino;
	return true;
}

static int namespaces_of_pid(struct pid_scan *s, int64_t pid)
{
	struct query_ctx *q = s->q;
	uint64_t ino[NS_NCOLS_];
	unsigned found = 0;
	int tried = 0, gone = 0;

	for (int c = NS_CGROUP_NAMESPACE; c < NS_NCOLS_; c++) {
		int r;

		if (!qctx_used(q, c))
			continue;
		tried++;
		strbuf_reset(&s->buf);
		strbuf_reset(&s->path);
		strbuf_addf(&s->path, "/proc/%lld/ns/%s", (long long)pid, ns_links[c]);
		r = rootfs_readlink(s->rfs, s->path.buf, &s->buf);
		if (fatal_error(r))
			return r;
		if (r == -ENOENT)
			gone++;
		if (r == 0 && ns_inode(&s->buf, ns_links[c], &ino[c]))
			found |= 1u << c;
	}
	/* every link vanished with its process: not a row (osquery still
	 * lists the pid it saw, with no namespaces) */
	if (tried && gone == tried) {
		struct stat st;

		if (rootfs_stat(s->rfs, pid_path(s, pid, NULL), &st) == -ENOENT)
			return 0;
	}

	row_begin(q);
	row_int(q, NS_PID, pid);
	for (int c = NS_CGROUP_NAMESPACE; c < NS_NCOLS_; c++)
		if (found & (1u << c))
			row_textf(q, c, "%llu", (unsigned long long)ino[c]);
	return row_end(q);
}

static int gen_process_namespaces(struct query_ctx *q)
{
	struct pid_scan s;
	int r;

	pid_scan_init(&s, q);
	r = for_each_pid(&s, NS_PID, namespaces_of_pid);
	pid_scan_release(&s);
	return r;
}

const struct table_spec process_namespaces_spec = {
	.name = "process_namespaces",
	.description = "Linux namespaces for processes running on the host system.",
	.source = "/proc/<pid>/ns/{cgroup,ipc,mnt,net,pid,user,uts} links",
	TABLE_COLUMNS(process_namespaces_cols),
	.generate = gen_process_namespaces,
};
