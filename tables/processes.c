/*
 * processes.c - the processes table: one row per process in /proc.
 *
 *   SELECT pid, name, cmdline FROM processes WHERE on_disk = 0;
 *   SELECT * FROM processes WHERE pid IN (1, 4242);
 *
 * Data source, all through the rootfs layer: the /proc listing (or, for
 * pid = / IN, only the named /proc/<pid> directories), and per process
 * only the files the query's columns need: stat, status (the uid/gid
 * columns and resident_size), cmdline, io, cgroup and the exe/cwd/root
 * links; /proc/<pid>/maps only to settle an exe path that really ends in
 * " (deleted)"; and btime from /proc/stat once per scan when start_time
 * is used.
 *
 * Semantics are osquery 5.23's (osquery/tables/system/linux/processes.cpp):
 *   - cmdline: NULs become spaces, then surrounding whitespace is trimmed;
 *   - path/cwd/root: the link targets, '' when unreadable; an exe target
 *     ending in " (deleted)" loses the suffix when no file has that name;
 *   - on_disk: 1 the exe path exists, 0 it does not, -1 no path;
 *   - resident_size = status VmRSS, total_size = VmSize (as stat's vsize),
 *     in bytes, NULL for a process without an address space (kernel
 *     threads, zombies); wired_size is 0;
 *   - user_time/system_time in ms; start_time = btime + starttime / CLK_TCK,
 *     -1 when unknown;
 *   - disk_bytes_written = write_bytes - cancelled_write_bytes;
 *   - cgroup_path: the path of the first line of /proc/<pid>/cgroup;
 *   - numbers that cannot be read are NULL, as osquery's empty values are.
 * Where spoor differs, on purpose:
 *   - name is the comm of /proc/<pid>/stat, not status's Name: line, so a
 *     pid/name scan opens one file per process (the two differ only for
 *     names holding '\n', '\\' or surrounding blanks, which status escapes
 *     and osquery trims);
 *   - a process whose status cannot be read keeps its row with NULL
 *     uid/gid columns (osquery drops the row), so the rows a query sees do
 *     not depend on which columns it selects;
 *   - pid = N naming a thread id (reachable as /proc/<tid> but not listed)
 *     gives no row, as a scan would not list it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "banned.h"

/* Read bounds. A stat line is about 1.3 KiB at most (52 numbers and a comm
 * of at most 64 bytes). status is about 1.5 KiB, but its Groups: line may
 * list 65536 groups before the VmRSS: line spoor needs. osquery
 * reads the whole cmdline; Linux caps argv+envp near a quarter of the
 * stack limit (8 MiB by default gives 2 MiB), and spoor keeps the first
 * PROC_CMDLINE_MAX bytes of a longer one. */
#define PROC_STAT_LINE_MAX ((size_t)4 << 10)
#define PROC_STATUS_MAX ((size_t)1 << 20)
#define PROC_CMDLINE_MAX ((size_t)1 << 20)
#define PROC_IO_MAX ((size_t)4 << 10)
#define PROC_CGROUP_MAX ((size_t)64 << 10)
#define PROC_MAPS_MAX ((size_t)16 << 20)
#define PROC_SYSTEM_STAT_MAX ((size_t)4 << 20)

/* USER_HZ: sysconf() on the live host; a captured tree assumes Linux's
 * value on every common architecture */
#define DEFAULT_CLK_TCK 100

/* stat's flags field: the task is a kernel thread (exe is never readable) */
#define PF_KTHREAD 0x00200000

#define DELETED_SUFFIX " (deleted)"

enum {
	PROC_PID,
	PROC_NAME,
	PROC_PATH,
	PROC_CMDLINE,
	PROC_STATE,
	PROC_CWD,
	PROC_ROOT,
	PROC_UID,
	PROC_GID,
	PROC_EUID,
	PROC_EGID,
	PROC_SUID,
	PROC_SGID,
	PROC_ON_DISK,
	PROC_WIRED_SIZE,
	PROC_RESIDENT_SIZE,
	PROC_TOTAL_SIZE,
	PROC_USER_TIME,
	PROC_SYSTEM_TIME,
	PROC_DISK_BYTES_READ,
	PROC_DISK_BYTES_WRITTEN,
	PROC_START_TIME,
	PROC_PARENT,
	PROC_PGROUP,
	PROC_THREADS,
	PROC_NICE,
	PROC_ELEVATED_TOKEN,
	PROC_SECURE_PROCESS,
	PROC_PROTECTION_TYPE,
	PROC_VIRTUAL_PROCESS,
	PROC_ELAPSED_TIME,
	PROC_HANDLE_COUNT,
	PROC_PERCENT_PROCESSOR_TIME,
	PROC_UPID,
	PROC_UPPID,
	PROC_CPU_TYPE,
	PROC_CPU_SUBTYPE,
	PROC_TRANSLATED,
	PROC_CGROUP_PATH,
	PROC_NCOLS_
};

static const struct column_spec processes_cols[] = {
	[PROC_PID] = { "pid", COL_BIGINT, COLF_INDEX | COLF_OPTIMIZED,
		       .help = "Process (or thread) ID" },
	[PROC_NAME] = { "name", COL_TEXT, 0, .help = "The process path or shorthand argv[0]" },
	[PROC_PATH] = { "path", COL_TEXT, 0, .help = "Path to executed binary" },
	[PROC_CMDLINE] = { "cmdline", COL_TEXT, 0, .help = "Complete argv" },
	[PROC_STATE] = { "state", COL_TEXT, 0, .help = "Process state" },
	[PROC_CWD] = { "cwd", COL_TEXT, 0, .help = "Process current working directory" },
	[PROC_ROOT] = { "root", COL_TEXT, 0, .help = "Process virtual root directory" },
	[PROC_UID] = { "uid", COL_BIGINT, 0, .help = "Unsigned user ID" },
	[PROC_GID] = { "gid", COL_BIGINT, 0, .help = "Unsigned group ID" },
	[PROC_EUID] = { "euid", COL_BIGINT, 0, .help = "Unsigned effective user ID" },
	[PROC_EGID] = { "egid", COL_BIGINT, 0, .help = "Unsigned effective group ID" },
	[PROC_SUID] = { "suid", COL_BIGINT, 0, .help = "Unsigned saved user ID" },
	[PROC_SGID] = { "sgid", COL_BIGINT, 0, .help = "Unsigned saved group ID" },
	[PROC_ON_DISK] = { "on_disk", COL_INTEGER, 0,
			   .help = "The process path exists yes=1, no=0, unknown=-1" },
	[PROC_WIRED_SIZE] = { "wired_size", COL_BIGINT, 0,
			      .help = "Bytes of unpageable memory used by process" },
	[PROC_RESIDENT_SIZE] = { "resident_size", COL_BIGINT, 0,
				 .help = "Bytes of private memory used by process" },
	[PROC_TOTAL_SIZE] = { "total_size", COL_BIGINT, 0,
			      .help = "Total virtual memory size (Linux, Windows) or 'footprint' "
				      "(macOS)" },
	[PROC_USER_TIME] = { "user_time", COL_BIGINT, 0,
			     .help = "CPU time in milliseconds spent in user space" },
	[PROC_SYSTEM_TIME] = { "system_time", COL_BIGINT, 0,
			       .help = "CPU time in milliseconds spent in kernel space" },
	[PROC_DISK_BYTES_READ] = { "disk_bytes_read", COL_BIGINT, 0,
				   .help = "Bytes read from disk" },
	[PROC_DISK_BYTES_WRITTEN] = { "disk_bytes_written", COL_BIGINT, 0,
				      .help = "Bytes written to disk" },
	[PROC_START_TIME] = { "start_time", COL_BIGINT, 0,
			      .help = "Process start time in seconds since Epoch, in case of error "
				      "-1" },
	[PROC_PARENT] = { "parent", COL_BIGINT, 0, .help = "Process parent's PID" },
	[PROC_PGROUP] = { "pgroup", COL_BIGINT, 0, .help = "Process group" },
	[PROC_THREADS] = { "threads", COL_INTEGER, 0, .help = "Number of threads used by process" },
	[PROC_NICE] = { "nice", COL_INTEGER, 0,
			.help = "Process nice level (-20 to 20, default 0)" },
	[PROC_ELEVATED_TOKEN] = { "elevated_token", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
				  .help = "Process uses elevated token yes=1, no=0" },
	[PROC_SECURE_PROCESS] = { "secure_process", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
				  .help = "Process is secure (IUM) yes=1, no=0" },
	[PROC_PROTECTION_TYPE] = { "protection_type", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
				   .help = "The protection type of the process" },
	[PROC_VIRTUAL_PROCESS] = { "virtual_process", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
				   .help = "Process is virtual (e.g. System, Registry, vmmem) "
					   "yes=1, no=0" },
	[PROC_ELAPSED_TIME] = { "elapsed_time", COL_BIGINT, COLF_HIDDEN | COLF_OTHER_OS,
				.help = "Elapsed time in seconds this process has been running." },
	[PROC_HANDLE_COUNT] = { "handle_count", COL_BIGINT, COLF_HIDDEN | COLF_OTHER_OS,
				.help = "Total number of handles that the process has open. This "
					"number is the sum of the handles currently opened by each "
					"thread in the process." },
	[PROC_PERCENT_PROCESSOR_TIME] = { "percent_processor_time", COL_BIGINT,
					  COLF_HIDDEN | COLF_OTHER_OS,
					  .help = "Returns elapsed time that all of the threads of "
						  "this process used the processor to execute "
						  "instructions in 100 nanoseconds ticks." },
	[PROC_UPID] = { "upid", COL_BIGINT, COLF_HIDDEN | COLF_OTHER_OS,
			.help = "A 64bit pid that is never reused. Returns -1 if we couldn't "
				"gather them from the system." },
	[PROC_UPPID] = { "uppid", COL_BIGINT, COLF_HIDDEN | COLF_OTHER_OS,
			 .help = "The 64bit parent pid that is never reused. Returns -1 if we "
				 "couldn't gather them from the system." },
	[PROC_CPU_TYPE] = { "cpu_type", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
			    .help = "Indicates the specific processor designed for installation." },
	[PROC_CPU_SUBTYPE] = { "cpu_subtype", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
			       .help = "Indicates the specific processor on which an entry may be "
				       "used." },
	[PROC_TRANSLATED] = { "translated", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
			      .help = "Indicates whether the process is running under the Rosetta "
				      "Translation Environment, yes=1, no=0, error=-1." },
	[PROC_CGROUP_PATH] = { "cgroup_path", COL_TEXT, 0,
			       .help = "The full hierarchical path of the process's control "
				       "group" },
};

/* ------------------------------------------------------------------ */
/* which per-process file each column needs */

enum proc_file {
	PF_STAT = 1 << 0,
	PF_STATUS = 1 << 1,
	PF_CMDLINE = 1 << 2,
	PF_EXE = 1 << 3,
	PF_CWD = 1 << 4,
	PF_ROOT = 1 << 5,
	PF_IO = 1 << 6,
	PF_CGROUP = 1 << 7,
};

/* pid comes from the directory name and wired_size is a constant: both 0 */
static const unsigned char col_files[PROC_NCOLS_] = {
	[PROC_NAME] = PF_STAT,
	[PROC_PATH] = PF_EXE,
	[PROC_CMDLINE] = PF_CMDLINE,
	[PROC_STATE] = PF_STAT,
	[PROC_CWD] = PF_CWD,
	[PROC_ROOT] = PF_ROOT,
	[PROC_UID] = PF_STATUS,
	[PROC_GID] = PF_STATUS,
	[PROC_EUID] = PF_STATUS,
	[PROC_EGID] = PF_STATUS,
	[PROC_SUID] = PF_STATUS,
	[PROC_SGID] = PF_STATUS,
	[PROC_ON_DISK] = PF_EXE,
	[PROC_RESIDENT_SIZE] = PF_STATUS,
	[PROC_TOTAL_SIZE] = PF_STAT,
	[PROC_USER_TIME] = PF_STAT,
	[PROC_SYSTEM_TIME] = PF_STAT,
	[PROC_DISK_BYTES_READ] = PF_IO,
	[PROC_DISK_BYTES_WRITTEN] = PF_IO,
	[PROC_START_TIME] = PF_STAT,
	[PROC_PARENT] = PF_STAT,
	[PROC_PGROUP] = PF_STAT,
	[PROC_THREADS] = PF_STAT,
	[PROC_NICE] = PF_STAT,
	[PROC_CGROUP_PATH] = PF_CGROUP,
};

/* ------------------------------------------------------------------ */
/* one row in the making: values are kept until the process is known to
 * be complete, since a row cannot be taken back once begun */

_Static_assert(PROC_NCOLS_ <= 64, "proc_row keeps one bit per column");

struct proc_row {
	uint64_t int_set;
	uint64_t text_set;
	int64_t ival[PROC_NCOLS_];
	struct span text[PROC_NCOLS_];
};

static void set_int(struct proc_row *pr, int col, int64_t v)
{
	pr->ival[col] = v;
	pr->int_set |= (uint64_t)1 << col;
}

static void set_text(struct proc_row *pr, int col, struct span v)
{
	pr->text[col] = v;
	pr->text_set |= (uint64_t)1 << col;
}

static int emit_row(struct query_ctx *q, const struct proc_row *pr)
{
	row_begin(q);
	for (int c = 0; c < PROC_NCOLS_; c++) {
		if ((pr->text_set >> c) & 1)
			row_text(q, c, pr->text[c].p, span_len(&pr->text[c]));
		else if ((pr->int_set >> c) & 1)
			row_int(q, c, pr->ival[c]);
	}
	return row_end(q);
}

/* The whole span is one decimal integer. */
static bool span_to_int64(struct span sp, int64_t *ret)
{
	return span_int64(&sp, ret) == 0 && span_empty(&sp);
}

/* ------------------------------------------------------------------ */
/* /proc/<pid>/stat */

/* Fields after the comm, counted from 0 (proc(5) numbers them from 3). */
enum stat_field {
	SF_STATE = 0,
	SF_PPID = 1,
	SF_PGRP = 2,
	SF_FLAGS = 6,
	SF_UTIME = 11,
	SF_STIME = 12,
	SF_NICE = 16,
	SF_NUM_THREADS = 17,
	SF_STARTTIME = 19,
	SF_VSIZE = 20,
	SF_EXIT_SIGNAL = 35,
	SF_NFIELDS_ = 36
};

/* osquery's rule: fewer fields after the comm (up to starttime) is not a
 * stat line, and the process gets no row */
#define STAT_MIN_FIELDS (SF_STARTTIME + 1)

struct proc_stat {
	struct span comm;
	struct span field[SF_NFIELDS_];
	size_t nfields;
};

/*
 * "1234 (comm) S 1 1234 ...": the comm may hold spaces and parentheses,
 * so it runs from the first '(' to the LAST ')'.
 */
static int parse_stat(const struct strbuf *sb, struct proc_stat *ret)
{
	const char *open = memchr(sb->buf, '(', sb->len);
	const char *close = memrchr(sb->buf, ')', sb->len);
	struct span sp, word;

	if (!open || !close || close < open)
		return -SPOOR_EPARSE;
	ret->comm = span_make(open + 1, (size_t)(close - open - 1));
	sp = span_make(close + 1, (size_t)(sb->buf + sb->len - close - 1));
	ret->nfields = 0;
	/* the kernel separates fields with single spaces; this loop is the
	 * hot path of every process scan, so it is not span_word() */
	while (ret->nfields < SF_NFIELDS_) {
		const char *start;

		while (sp.p < sp.end && (*sp.p == ' ' || *sp.p == '\n'))
			sp.p++;
		if (sp.p >= sp.end)
			break;
		start = sp.p;
		while (sp.p < sp.end && *sp.p != ' ' && *sp.p != '\n')
			sp.p++;
		word = span_make(start, (size_t)(sp.p - start));
		ret->field[ret->nfields++] = word;
	}
	if (ret->nfields < STAT_MIN_FIELDS)
		return -SPOOR_EPARSE;
	return 0;
}

static bool stat_int(const struct proc_stat *st, enum stat_field f, int64_t *ret)
{
	return (size_t)f < st->nfields && span_to_int64(st->field[f], ret);
}

/* ------------------------------------------------------------------ */
/* the scan */

struct proc_scan {
	struct query_ctx *q;
	const struct rootfs *rfs;
	int procfd;
	/* PF_* files the query's columns need */
	unsigned files;
	/* pid = / IN: stat is always read, to refuse thread ids */
	bool lookup;
	int64_t clk_tck;
	/* boot time in unix seconds; <= 0 when unknown */
	int64_t btime;
	/* one buffer per file kind, reused from process to process */
	struct strbuf stat, status, cmdline, io, cgroup, exe, cwd, root, maps, probe;
	struct proc_row row;
};

/* How a process's files are reached: through its opened directory when
 * several are read (all then come from the same process even if the pid
 * is reused meanwhile), else as "<pid>/<file>" under /proc, which saves
 * opening the directory when one file is all the query needs. */
struct pid_dir {
	int procfd;
	int fd;
	const char *name;
	char path[64];
};

static const char *pid_path(struct pid_dir *pd, const char *file, int *ret_dirfd)
{
	if (pd->fd >= 0) {
		*ret_dirfd = pd->fd;
		return file;
	}
	*ret_dirfd = pd->procfd;
	snprintf(pd->path, sizeof(pd->path), "%s/%s", pd->name, file);
	return pd->path;
}

static int pid_read(struct pid_dir *pd, const char *file, struct strbuf *sb, size_t max)
{
	int dirfd;
	const char *rel = pid_path(pd, file, &dirfd);

	strbuf_reset(sb);
	return rootfs_read_at(dirfd, rel, sb, max, NULL);
}

static int pid_readlink(struct pid_dir *pd, const char *file, struct strbuf *sb)
{
	int dirfd;
	const char *rel = pid_path(pd, file, &dirfd);

	strbuf_reset(sb);
	return rootfs_readlink_at(dirfd, rel, sb);
}

/* Errors about spoor itself, not about one process: they end the scan. */
static bool fatal_error(int r)
{
	return r == -EMFILE || r == -ENFILE || r == -ENOMEM;
}

/* After an ENOENT on one of its files: has the process exited? Its stat
 * is the one file every live process (zombies included) has. */
static bool pid_gone(struct proc_scan *s, struct pid_dir *pd)
{
	return pid_read(pd, "stat", &s->probe, 1) == -ENOENT;
}

static void fill_from_stat(struct proc_scan *s, const struct proc_stat *st)
{
	struct proc_row *pr = &s->row;
	int64_t v;

	set_text(pr, PROC_NAME, st->comm);
	set_text(pr, PROC_STATE, st->field[SF_STATE]);
	if (stat_int(st, SF_PPID, &v))
		set_int(pr, PROC_PARENT, v);
	if (stat_int(st, SF_PGRP, &v))
		set_int(pr, PROC_PGROUP, v);
	if (stat_int(st, SF_NICE, &v))
		set_int(pr, PROC_NICE, v);
	if (stat_int(st, SF_NUM_THREADS, &v))
		set_int(pr, PROC_THREADS, v);
	/* clock ticks to milliseconds */
	if (stat_int(st, SF_UTIME, &v) && v >= 0 && v <= INT64_MAX / 1000)
		set_int(pr, PROC_USER_TIME, v * 1000 / s->clk_tck);
	if (stat_int(st, SF_STIME, &v) && v >= 0 && v <= INT64_MAX / 1000)
		set_int(pr, PROC_SYSTEM_TIME, v * 1000 / s->clk_tck);
	if (stat_int(st, SF_STARTTIME, &v) && v >= 0 && s->btime > 0)
		set_int(pr, PROC_START_TIME, s->btime + v / s->clk_tck);
	else
		set_int(pr, PROC_START_TIME, -1);
	/* vsize is status's VmSize in bytes; 0 means no address space
	 * (kernel thread, zombie), where status has no VmSize: line and
	 * osquery leaves the column empty */
	if (stat_int(st, SF_VSIZE, &v) && v > 0)
		set_int(pr, PROC_TOTAL_SIZE, v);
}

/* "Uid:\t1000\t1000\t1000\t1000": real, effective, saved, filesystem.
 * osquery takes the line only when it has exactly these four fields. */
static void fill_ids(struct proc_row *pr, struct span val, const int cols[3])
{
	struct span words[4], w;
	size_t n = 0;

	while (span_word(&val, &w) == 0) {
		if (n == ARRAY_SIZE(words))
			return;
		words[n++] = w;
	}
	if (n != ARRAY_SIZE(words))
		return;
	for (size_t i = 0; i < 3; i++) {
		int64_t v;

		if (span_to_int64(words[i], &v))
			set_int(pr, cols[i], v);
	}
}

/*
 * Uid:, Gid: and VmRSS: ("VmRSS:\t   1832 kB": KiB, which osquery now
 * multiplies by 1024, no longer 1000). stat's rss field is no substitute:
 * recent kernels print an approximate per-CPU counter there and the
 * precise sum in status.
 */
static void fill_from_status(struct proc_row *pr, const struct strbuf *sb)
{
	static const int uid_cols[3] = { PROC_UID, PROC_EUID, PROC_SUID };
	static const int gid_cols[3] = { PROC_GID, PROC_EGID, PROC_SGID };
	struct span sp = span_make(sb->buf, sb->len), line;
	int found = 0;

	while (found < 3 && span_line(&sp, &line) == 0) {
		struct span key, val;
		uint64_t kib;

		/* most of the ~55 lines are of no interest: skip them on
		 * their first byte before splitting key and value */
		if (span_empty(&line) || (*line.p != 'U' && *line.p != 'G' && *line.p != 'V'))
			continue;
		if (span_kv(&line, ':', &key, &val) < 0)
			continue;
		if (span_eq(&key, "Uid")) {
			fill_ids(pr, val, uid_cols);
			found++;
		} else if (span_eq(&key, "Gid")) {
			fill_ids(pr, val, gid_cols);
			found++;
		} else if (span_eq(&key, "VmRSS")) {
			if (span_uint64(&val, &kib) == 0 && kib <= (uint64_t)INT64_MAX / 1024)
				set_int(pr, PROC_RESIDENT_SIZE, (int64_t)(kib * 1024));
			found++;
		}
	}
}

/* "read_bytes: 4096" ... */
static void fill_from_io(struct proc_row *pr, const struct strbuf *sb)
{
	struct span sp = span_make(sb->buf, sb->len), line;
	int64_t write_bytes = 0, cancelled = 0;

	while (span_line(&sp, &line) == 0) {
		struct span key, val;
		int64_t v;

		if (span_kv(&line, ':', &key, &val) < 0 || !span_to_int64(val, &v))
			continue;
		if (span_eq(&key, "read_bytes"))
			set_int(pr, PROC_DISK_BYTES_READ, v);
		else if (span_eq(&key, "write_bytes"))
			write_bytes = v;
		else if (span_eq(&key, "cancelled_write_bytes"))
			cancelled = v;
	}
	/* osquery reports this whenever io is readable, missing keys as 0 */
	if (write_bytes >= 0 && cancelled >= 0)
		set_int(pr, PROC_DISK_BYTES_WRITTEN, write_bytes - cancelled);
}

/* NULs to spaces, then trim: "sleep\0" "100\0" -> "sleep 100". */
static struct span cmdline_text(struct strbuf *sb)
{
	struct span sp;

	for (size_t i = 0; i < sb->len; i++)
		if (sb->buf[i] == '\0')
			sb->buf[i] = ' ';
	sp = span_make(sb->buf, sb->len);
	span_trim(&sp);
	return sp;
}

/*
 * "0::/user.slice/session-1.scope" (cgroup v2) or "12:pids:/user.slice"
 * (v1, one line per hierarchy): osquery takes the path of the FIRST
 * line, everything after its second colon (a path may hold colons).
 */
static struct span cgroup_text(const struct strbuf *sb)
{
	struct span sp = span_make(sb->buf, sb->len), line;
	const char *c1, *c2;

	if (span_line(&sp, &line) < 0)
		return span_make("", 0);
	c1 = memchr(line.p, ':', span_len(&line));
	c2 = c1 ? memchr(c1 + 1, ':', (size_t)(line.end - c1 - 1)) : NULL;
	if (!c2)
		return span_make("", 0);
	return span_make(c2 + 1, (size_t)(line.end - c2 - 1));
}

static bool span_endswith(const struct span *sp, const char *suffix)
{
	size_t n = strlen(suffix);

	return span_len(sp) >= n && memcmp(sp->end - n, suffix, n) == 0;
}

/*
 * The exe link of a process whose binary was removed reads
 * "/usr/bin/foo (deleted)". When a file with that very name exists it
 * may be the binary itself: its inode must match the one /proc/<pid>/maps
 * shows for that path. 1 it matches, 0 it does not, -1 undecidable.
 */
static int deleted_exe_matches(struct proc_scan *s, struct pid_dir *pd, const char *path)
{
	struct span sp, line;
	struct stat st;
	size_t plen = strlen(path);

	if (pid_read(pd, "maps", &s->maps, PROC_MAPS_MAX) < 0 ||
	    rootfs_stat(s->rfs, path, &st) < 0)
		return -1;
	/* "start-end perms offset dev inode      pathname" */
	sp = span_make(s->maps.buf, s->maps.len);
	while (span_line(&sp, &line) == 0) {
		struct span w, inode = { 0 };
		int64_t ino;
		int i;

		for (i = 0; i < 5 && span_word(&line, &w) == 0; i++)
			inode = w;
		if (i < 5)
			continue;
		span_skip_blanks(&line);
		if (span_len(&line) != plen || memcmp(line.p, path, plen) != 0)
			continue;
		if (!span_to_int64(inode, &ino))
			return -1;
		return (uint64_t)ino == (uint64_t)st.st_ino ? 1 : 0;
	}
	return -1;
}

/* osquery's getOnDisk(): may shorten *path by the " (deleted)" suffix. */
static int exe_on_disk(struct proc_scan *s, struct pid_dir *pd, struct span *path)
{
	size_t slen = strlen(DELETED_SUFFIX);
	int r;

	if (span_empty(path))
		return -1;
	/* s->exe holds the path NUL-terminated */
	if (!span_endswith(path, DELETED_SUFFIX))
		return rootfs_exists(s->rfs, s->exe.buf) ? 1 : 0;
	if (!rootfs_exists(s->rfs, s->exe.buf)) {
		path->end -= slen;
		return 0;
	}
	r = deleted_exe_matches(s, pd, s->exe.buf);
	if (r == 0)
		path->end -= slen;
	return r;
}

/*
 * Reads one link column. Returns 0 (value set, '' when unreadable), 1
 * when the process has exited, or a fatal error.
 */
static int read_link(struct proc_scan *s, struct pid_dir *pd, const char *file, int col,
		     struct strbuf *sb, bool kthread)
{
	int r = pid_readlink(pd, file, sb);

	if (fatal_error(r))
		return r;
	/* a kernel thread has no exe; anyone else's ENOENT may be an exit */
	if (r == -ENOENT && !kthread && pid_gone(s, pd))
		return 1;
	set_text(&s->row, col, r < 0 ? span_make("", 0) : span_make(sb->buf, sb->len));
	return 0;
}

/*
 * Reads one file for a column group. Returns 0 with the content in sb,
 * -ENODATA when it is unreadable (the columns stay NULL or ''), 1 when
 * the process has exited, or a fatal error.
 */
static int read_file(struct proc_scan *s, struct pid_dir *pd, const char *file,
		     struct strbuf *sb, size_t max)
{
	int r = pid_read(pd, file, sb, max);

	if (r == 0)
		return 0;
	if (fatal_error(r))
		return r;
	if (r == -ENOENT && pid_gone(s, pd))
		return 1;
	return -ENODATA;
}

/* One process: 0 (row emitted or skipped) or a fatal error. */
static int scan_pid(struct proc_scan *s, const char *name, int64_t pid)
{
	struct proc_row *pr = &s->row;
	unsigned files = s->files | (s->lookup ? PF_STAT : 0);
	struct pid_dir pd = { .procfd = s->procfd, .fd = -1, .name = name };
	bool kthread = false;
	int r = 0;

	pr->int_set = pr->text_set = 0;
	set_int(pr, PROC_PID, pid);
	/* osquery has no source for unpageable memory on Linux */
	set_int(pr, PROC_WIRED_SIZE, 0);
	if (!files)
		return emit_row(s->q, pr);

	if (files & (files - 1)) {
		r = rootfs_open_subdir(s->procfd, name, &pd.fd);
		if (r < 0)
			return fatal_error(r) ? r : 0; /* exited, or not a process */
	}

	if (files & PF_STAT) {
		struct proc_stat st;
		int64_t v;

		/* no stat, or not a stat line: osquery gives no row either */
		r = pid_read(&pd, "stat", &s->stat, PROC_STAT_LINE_MAX);
		if (r < 0 || parse_stat(&s->stat, &st) < 0) {
			r = fatal_error(r) ? r : 1;
			goto out;
		}
		/* /proc/<tid> of a thread answers but is not listed: not a
		 * process (threads have exit_signal -1) */
		if (stat_int(&st, SF_EXIT_SIGNAL, &v) && v == -1) {
			r = 1;
			goto out;
		}
		kthread = stat_int(&st, SF_FLAGS, &v) && (v & PF_KTHREAD);
		fill_from_stat(s, &st);
	}

	if (files & PF_STATUS) {
		r = read_file(s, &pd, "status", &s->status, PROC_STATUS_MAX);
		if (r > 0 || fatal_error(r))
			goto out;
		if (r == 0)
			fill_from_status(pr, &s->status);
	}

	if (files & PF_CMDLINE) {
		r = read_file(s, &pd, "cmdline", &s->cmdline, PROC_CMDLINE_MAX);
		if (r > 0 || fatal_error(r))
			goto out;
		set_text(pr, PROC_CMDLINE, r == 0 ? cmdline_text(&s->cmdline) : span_make("", 0));
	}

	if (files & PF_EXE) {
		r = read_link(s, &pd, "exe", PROC_PATH, &s->exe, kthread);
		if (r != 0)
			goto out;
		if (qctx_used(s->q, PROC_ON_DISK) ||
		    span_endswith(&pr->text[PROC_PATH], DELETED_SUFFIX))
			set_int(pr, PROC_ON_DISK, exe_on_disk(s, &pd, &pr->text[PROC_PATH]));
	}
	if (files & PF_CWD) {
		r = read_link(s, &pd, "cwd", PROC_CWD, &s->cwd, false);
		if (r != 0)
			goto out;
	}
	if (files & PF_ROOT) {
		r = read_link(s, &pd, "root", PROC_ROOT, &s->root, false);
		if (r != 0)
			goto out;
	}

	if (files & PF_IO) {
		/* io needs ptrace access: EACCES for other users' processes */
		r = read_file(s, &pd, "io", &s->io, PROC_IO_MAX);
		if (r > 0 || fatal_error(r))
			goto out;
		if (r == 0)
			fill_from_io(pr, &s->io);
	}

	if (files & PF_CGROUP) {
		r = read_file(s, &pd, "cgroup", &s->cgroup, PROC_CGROUP_MAX);
		if (r > 0 || fatal_error(r))
			goto out;
		set_text(pr, PROC_CGROUP_PATH,
			 r == 0 ? cgroup_text(&s->cgroup) : span_make("", 0));
	}

	r = emit_row(s->q, pr);
out:
	if (pd.fd >= 0)
		close(pd.fd);
	/* r > 0: the process exited or is not one; no row, not an error */
	return r > 0 ? 0 : r;
}

/* "btime 1700000000" in /proc/stat; 0 when absent. */
static int64_t read_boot_time(const struct rootfs *rfs)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp, line;
	int64_t btime = 0;

	if (rootfs_read(rfs, "/proc/stat", &sb, PROC_SYSTEM_STAT_MAX, NULL) < 0)
		goto out;
	sp = span_make(sb.buf, sb.len);
	while (span_line(&sp, &line) == 0) {
		struct span key;
		int64_t v;

		if (span_word(&line, &key) < 0 || !span_eq(&key, "btime"))
			continue;
		span_trim(&line);
		if (span_to_int64(line, &v) && v > 0)
			btime = v;
		break;
	}
out:
	strbuf_release(&sb);
	return btime;
}

static bool pid_name(const char *s, int64_t *ret)
{
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return *s && parse_int64(s, ret) == 0 && *ret > 0;
}

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* pid = N / pid IN (...): only those directories, never the listing. */
static int scan_pids(struct proc_scan *s)
{
	size_t n = qctx_eq_count(s->q, PROC_PID), npids = 0;
	int64_t *pids = xreallocarray(NULL, n ? n : 1, sizeof(*pids));
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		int64_t v;

		/* 'abc', 1.5 or NULL match no process */
		if (qctx_eq_int64(s->q, PROC_PID, i, &v) == 0 && v > 0)
			pids[npids++] = v;
	}
	qsort(pids, npids, sizeof(*pids), cmp_int64);
	for (size_t i = 0; i < npids && r == 0; i++) {
		char name[24];

		if (i > 0 && pids[i] == pids[i - 1])
			continue;
		snprintf(name, sizeof(name), "%lld", (long long)pids[i]);
		r = scan_pid(s, name, pids[i]);
	}
	free(pids);
	return r;
}

static bool is_dir_entry(const struct proc_scan *s, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	/* a file system without d_type (some captured trees) */
	return fstatat(s->procfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

static int scan_all(struct proc_scan *s, DIR *dir)
{
	struct dirent *de;

	for (;;) {
		int64_t pid;
		int r;

		errno = 0;
		de = readdir(dir);
		if (!de)
			return errno ? -errno : 0;
		/* only processes are listed; threads live under task/ */
		if (!pid_name(de->d_name, &pid) || !is_dir_entry(s, de))
			continue;
		r = scan_pid(s, de->d_name, pid);
		if (r < 0)
			return r;
	}
}

static int gen_processes(struct query_ctx *q)
{
	struct proc_scan s = {
		.q = q,
		.rfs = qctx_rootfs(q),
		.procfd = -1,
		.lookup = qctx_has_eq(q, PROC_PID),
		.clk_tck = DEFAULT_CLK_TCK,
	};
	struct strbuf *bufs[] = { &s.stat, &s.status, &s.cmdline, &s.io, &s.cgroup,
				  &s.exe,  &s.cwd,    &s.root,    &s.maps, &s.probe };
	DIR *dir = NULL;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(bufs); i++)
		strbuf_init(bufs[i], 0);
	for (int c = 0; c < PROC_NCOLS_; c++)
		if (qctx_used(q, c))
			s.files |= col_files[c];
	if (rootfs_is_live(s.rfs)) {
		long tck = sysconf(_SC_CLK_TCK);

		if (tck > 0)
			s.clk_tck = tck;
	}
	if (qctx_used(q, PROC_START_TIME))
		s.btime = read_boot_time(s.rfs);

	if (s.lookup) {
		r = rootfs_open_dir(s.rfs, "/proc", &s.procfd);
		if (r == 0)
			r = scan_pids(&s);
	} else {
		r = rootfs_opendir(s.rfs, "/proc", &dir);
		if (r == 0) {
			s.procfd = dirfd(dir);
			r = scan_all(&s, dir);
		}
	}

	if (dir)
		closedir(dir);
	else if (s.procfd >= 0)
		close(s.procfd);
	for (size_t i = 0; i < ARRAY_SIZE(bufs); i++)
		strbuf_release(bufs[i]);
	/* no /proc in the tree: no rows */
	return r == -ENOENT ? 0 : r;
}

const struct table_spec processes_spec = {
	.name = "processes",
	.description = "All running processes on the host system.",
	.source = "/proc/<pid>/{stat,status,cmdline,io,cgroup} and the exe, cwd, root links; "
		  "btime of /proc/stat",
	TABLE_COLUMNS(processes_cols),
	.attributes = TABLE_CACHEABLE,
	.generate = gen_processes,
};
