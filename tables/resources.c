/*
 * resources.c - how long the host has run and what it is using:
 * uptime, load_average, memory_info, cpu_time.
 *
 *   SELECT days, hours FROM uptime;
 *   SELECT * FROM load_average WHERE period = '1m';
 *   SELECT memory_available * 100 / memory_total AS pct_free FROM memory_info;
 *   SELECT core, user, system, idle FROM cpu_time;
 *
 * Data sources, all through the rootfs layer: /proc/uptime,
 * /proc/loadavg, /proc/meminfo, /proc/stat.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "banned.h"

/* /proc files here are small; these bounds only stop a hostile tree. */
#define SMALL_PROC_FILE_MAX ((size_t)64 << 10)
#define PROC_STAT_MAX ((size_t)4 << 20)

/* ------------------------------------------------------------------ */
/* uptime */

enum {
	UPT_DAYS,
	UPT_HOURS,
	UPT_MINUTES,
	UPT_SECONDS,
	UPT_TOTAL_SECONDS,
};

static const struct column_spec uptime_cols[] = {
	[UPT_DAYS] = { "days", COL_INTEGER, 0, .help = "Days of uptime" },
	[UPT_HOURS] = { "hours", COL_INTEGER, 0, .help = "Hours of uptime" },
	[UPT_MINUTES] = { "minutes", COL_INTEGER, 0, .help = "Minutes of uptime" },
	[UPT_SECONDS] = { "seconds", COL_INTEGER, 0, .help = "Seconds of uptime" },
	[UPT_TOTAL_SECONDS] = { "total_seconds", COL_BIGINT, 0, .help = "Total uptime seconds" },
};

static int gen_uptime(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp;
	uint64_t secs;
	int r;

	r = rootfs_read(qctx_rootfs(q), "/proc/uptime", &sb, SMALL_PROC_FILE_MAX, NULL);
	if (r < 0)
		goto out;
	/* "12345.67 23456.78": whole seconds of the first number */
	sp = span_make(sb.buf, sb.len);
	r = span_uint64(&sp, &secs);
	if (r < 0)
		goto out;
	row_begin(q);
	row_int(q, UPT_DAYS, (int64_t)(secs / 86400));
	row_int(q, UPT_HOURS, (int64_t)(secs % 86400 / 3600));
	row_int(q, UPT_MINUTES, (int64_t)(secs % 3600 / 60));
	row_int(q, UPT_SECONDS, (int64_t)(secs % 60));
	row_int(q, UPT_TOTAL_SECONDS, (int64_t)secs);
	r = row_end(q);
out:
	strbuf_release(&sb);
	/* no /proc/uptime in a captured tree: no row, not an error */
	return r == -ENOENT ? 0 : r;
}

const struct table_spec uptime_spec = {
	.name = "uptime",
	.description = "Track time passed since last boot. Some systems track this as calendar "
		       "time, some as runtime.",
	.source = "/proc/uptime",
	TABLE_COLUMNS(uptime_cols),
	.generate = gen_uptime,
};

/* ------------------------------------------------------------------ */
/* load_average */

enum {
	LA_PERIOD,
	LA_AVERAGE,
};

static const struct column_spec load_average_cols[] = {
	[LA_PERIOD] = { "period", COL_TEXT, 0,
			.help = "Period over which the average is calculated." },
	[LA_AVERAGE] = { "average", COL_TEXT, 0,
			 .help = "Load average over the specified period." },
};

static int gen_load_average(struct query_ctx *q)
{
	static const char *const periods[] = { "1m", "5m", "15m" };
	struct strbuf sb = STRBUF_INIT;
	struct span sp;
	int r;

	r = rootfs_read(qctx_rootfs(q), "/proc/loadavg", &sb, SMALL_PROC_FILE_MAX, NULL);
	if (r < 0)
		goto out;
	sp = span_make(sb.buf, sb.len);
	for (size_t i = 0; i < ARRAY_SIZE(periods); i++) {
		struct span word;
		char tmp[64];
		double v;
		char *end;

		r = span_word(&sp, &word);
		if (r < 0 || span_len(&word) >= sizeof(tmp)) {
			r = -SPOOR_EPARSE;
			goto out;
		}
		memcpy(tmp, word.p, span_len(&word));
		tmp[span_len(&word)] = '\0';
		v = strtod(tmp, &end);
		if (end == tmp || *end) {
			r = -EINVAL;
			goto out;
		}
		row_begin(q);
		row_textz(q, LA_PERIOD, periods[i]);
		/* osquery prints std::to_string(double): six decimals */
		row_textf(q, LA_AVERAGE, "%f", v);
		r = row_end(q);
		if (r < 0)
			goto out;
	}
out:
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec load_average_spec = {
	.name = "load_average",
	.description = "Displays information about the system wide load averages.",
	.source = "/proc/loadavg",
	TABLE_COLUMNS(load_average_cols),
	.generate = gen_load_average,
};

/* ------------------------------------------------------------------ */
/* memory_info */

enum {
	MEM_MEMORY_TOTAL,
	MEM_MEMORY_FREE,
	MEM_MEMORY_AVAILABLE,
	MEM_BUFFERS,
	MEM_CACHED,
	MEM_SWAP_CACHED,
	MEM_ACTIVE,
	MEM_INACTIVE,
	MEM_SWAP_TOTAL,
	MEM_SWAP_FREE,
	MEM_NCOLS_
};

static const struct column_spec memory_info_cols[] = {
	[MEM_MEMORY_TOTAL] = { "memory_total", COL_BIGINT, 0,
			       .help = "Total amount of physical RAM, in bytes" },
	[MEM_MEMORY_FREE] = { "memory_free", COL_BIGINT, 0,
			      .help = "The amount of physical RAM, in bytes, left unused by the "
				      "system" },
	[MEM_MEMORY_AVAILABLE] = { "memory_available", COL_BIGINT, 0,
				   .help = "The amount of physical RAM, in bytes, available for "
					   "starting new applications, without swapping" },
	[MEM_BUFFERS] = { "buffers", COL_BIGINT, 0,
			  .help = "The amount of physical RAM, in bytes, used for file buffers" },
	[MEM_CACHED] = { "cached", COL_BIGINT, 0,
			 .help = "The amount of physical RAM, in bytes, used as cache memory" },
	[MEM_SWAP_CACHED] = { "swap_cached", COL_BIGINT, 0,
			      .help = "The amount of swap, in bytes, used as cache memory" },
	[MEM_ACTIVE] = { "active", COL_BIGINT, 0,
			 .help = "The total amount of buffer or page cache memory, in bytes, that "
				 "is in active use" },
	[MEM_INACTIVE] = { "inactive", COL_BIGINT, 0,
			   .help = "The total amount of buffer or page cache memory, in bytes, "
				   "that are free and available" },
	[MEM_SWAP_TOTAL] = { "swap_total", COL_BIGINT, 0,
			     .help = "The total amount of swap available, in bytes" },
	[MEM_SWAP_FREE] = { "swap_free", COL_BIGINT, 0,
			    .help = "The total amount of swap free, in bytes" },
};

/* /proc/meminfo keys, in column order */
static const char *const meminfo_keys[MEM_NCOLS_] = {
	[MEM_MEMORY_TOTAL] = "MemTotal",   [MEM_MEMORY_FREE] = "MemFree",
	[MEM_MEMORY_AVAILABLE] = "MemAvailable", [MEM_BUFFERS] = "Buffers",
	[MEM_CACHED] = "Cached",           [MEM_SWAP_CACHED] = "SwapCached",
	[MEM_ACTIVE] = "Active",           [MEM_INACTIVE] = "Inactive",
	[MEM_SWAP_TOTAL] = "SwapTotal",    [MEM_SWAP_FREE] = "SwapFree",
};

static int gen_memory_info(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp, line;
	int r;

	r = rootfs_read(qctx_rootfs(q), "/proc/meminfo", &sb, SMALL_PROC_FILE_MAX, NULL);
	if (r < 0)
		goto out;
	row_begin(q);
	sp = span_make(sb.buf, sb.len);
	while (span_line(&sp, &line) == 0) {
		struct span key, val;
		uint64_t kb;

		/* "MemTotal:       24570412 kB" */
		if (span_kv(&line, ':', &key, &val) < 0 || span_uint64(&val, &kb) < 0)
			continue;
		for (int c = 0; c < MEM_NCOLS_; c++)
			if (span_eq(&key, meminfo_keys[c]))
				row_int(q, c, (int64_t)(kb * 1024));
	}
	r = row_end(q);
out:
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec memory_info_spec = {
	.name = "memory_info",
	.description = "Main memory information in bytes.",
	.source = "/proc/meminfo (kB values times 1024)",
	TABLE_COLUMNS(memory_info_cols),
	.generate = gen_memory_info,
};

/* ------------------------------------------------------------------ */
/* cpu_time */

enum {
	CPU_CORE,
	CPU_USER,
	CPU_NICE,
	CPU_SYSTEM,
	CPU_IDLE,
	CPU_IOWAIT,
	CPU_IRQ,
	CPU_SOFTIRQ,
	CPU_STEAL,
	CPU_GUEST,
	CPU_GUEST_NICE,
	CPU_NCOLS_
};

static const struct column_spec cpu_time_cols[] = {
	[CPU_CORE] = { "core", COL_INTEGER, 0, .help = "Name of the cpu (core)" },
	[CPU_USER] = { "user", COL_BIGINT, 0, .help = "Time spent in user mode" },
	[CPU_NICE] = { "nice", COL_BIGINT, 0,
		       .help = "Time spent in user mode with low priority (nice)" },
	[CPU_SYSTEM] = { "system", COL_BIGINT, 0, .help = "Time spent in system mode" },
	[CPU_IDLE] = { "idle", COL_BIGINT, 0, .help = "Time spent in the idle task" },
	[CPU_IOWAIT] = { "iowait", COL_BIGINT, 0, .help = "Time spent waiting for I/O to complete" },
	[CPU_IRQ] = { "irq", COL_BIGINT, 0, .help = "Time spent servicing interrupts" },
	[CPU_SOFTIRQ] = { "softirq", COL_BIGINT, 0, .help = "Time spent servicing softirqs" },
	[CPU_STEAL] = { "steal", COL_BIGINT, 0,
			.help = "Time spent in other operating systems when running in a "
				"virtualized environment" },
	[CPU_GUEST] = { "guest", COL_BIGINT, 0,
			.help = "Time spent running a virtual CPU for a guest OS under the "
				"control of the Linux kernel" },
	[CPU_GUEST_NICE] = { "guest_nice", COL_BIGINT, 0, .help = "Time spent running a niced guest " },
};

static int gen_cpu_time(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp, line;
	int r;

	r = rootfs_read(qctx_rootfs(q), "/proc/stat", &sb, PROC_STAT_MAX, NULL);
	if (r < 0)
		goto out;
	sp = span_make(sb.buf, sb.len);
	while (span_line(&sp, &line) == 0) {
		uint64_t core;

		/* "cpu3 1234 0 567 ..." in USER_HZ ticks, as osquery reports
		 * them; the aggregate "cpu " line is not a core */
		if (!span_startswith(&line, "cpu"))
			continue;
		line.p += 3;
		if (span_uint64(&line, &core) < 0)
			continue;
		row_begin(q);
		row_int(q, CPU_CORE, (int64_t)core);
		for (int c = CPU_USER; c < CPU_NCOLS_; c++) {
			uint64_t v;

			span_skip_blanks(&line);
			if (span_uint64(&line, &v) < 0)
				break; /* older kernels print fewer fields */
			row_int(q, c, (int64_t)v);
		}
		r = row_end(q);
		if (r < 0)
			goto out;
	}
out:
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

const struct table_spec cpu_time_spec = {
	.name = "cpu_time",
	.description = "Displays information from /proc/stat file about the time the cpu cores "
		       "spent in different parts of the system.",
	.source = "/proc/stat (cpuN lines, USER_HZ ticks)",
	TABLE_COLUMNS(cpu_time_cols),
	.generate = gen_cpu_time,
};
