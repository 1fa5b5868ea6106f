/*
 * hardware.c - the processors the firmware describes, the resource
 * limits spoor runs under, and System V shared memory: cpu_info,
 * ulimit_info, shared_memory.
 *
 *   SELECT model, number_of_cores, max_clock_speed FROM cpu_info;
 *   SELECT * FROM ulimit_info WHERE type = 'nofile';
 *   SELECT shmid, owner_uid, size, attached FROM shared_memory
 *     WHERE status = 'dest';
 *
 * Data sources, through the rootfs layer: the SMBIOS structure table
 * the kernel exports as /sys/firmware/dmi/tables/DMI (processor
 * structures, type 4), and /proc/sysvipc/shm; getrlimit(2) of spoor's
 * own process on the live host only. Semantics are osquery's
 * (tables/system/linux/cpu_info.cpp with genSMBIOSProcessor,
 * posix/ulimit_info.cpp, linux/shared_memory.cpp); where spoor differs
 * it says so next to the code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "smbios.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* /proc/sysvipc/shm: ~200 bytes a segment; kernel.shmmni caps the
 * segments at 4096 by default (32768 at most): 64 MiB is far past it. */
#define SYSVIPC_SHM_MAX ((size_t)64 << 20)

/* ------------------------------------------------------------------ */
/* cpu_info */

enum {
	CPU_DEVICE_ID,
	CPU_MODEL,
	CPU_MANUFACTURER,
	CPU_PROCESSOR_TYPE,
	CPU_CPU_STATUS,
	CPU_NUMBER_OF_CORES,
	CPU_LOGICAL_PROCESSORS,
	CPU_ADDRESS_WIDTH,
	CPU_CURRENT_CLOCK_SPEED,
	CPU_MAX_CLOCK_SPEED,
	CPU_SOCKET_DESIGNATION,
	CPU_AVAILABILITY,
	CPU_LOAD_PERCENTAGE,
	CPU_NUMBER_OF_EFFICIENCY_CORES,
	CPU_NUMBER_OF_PERFORMANCE_CORES,
};

static const struct column_spec cpu_info_cols[] = {
	[CPU_DEVICE_ID] = { "device_id", COL_TEXT, 0, .help = "The DeviceID of the CPU." },
	[CPU_MODEL] = { "model", COL_TEXT, 0, .help = "The model of the CPU." },
	[CPU_MANUFACTURER] = { "manufacturer", COL_TEXT, 0,
			       .help = "The manufacturer of the CPU." },
	[CPU_PROCESSOR_TYPE] = { "processor_type", COL_TEXT, 0,
				 .help = "The processor type, such as Central, Math, or Video." },
	[CPU_CPU_STATUS] = { "cpu_status", COL_INTEGER, 0,
			     .help = "The current operating status of the CPU." },
	[CPU_NUMBER_OF_CORES] = { "number_of_cores", COL_TEXT, 0,
				  .help = "The number of cores of the CPU." },
	[CPU_LOGICAL_PROCESSORS] = { "logical_processors", COL_INTEGER, 0,
				     .help = "The number of logical processors of the CPU." },
	[CPU_ADDRESS_WIDTH] = { "address_width", COL_TEXT, 0,
				.help = "The width of the CPU address bus." },
	[CPU_CURRENT_CLOCK_SPEED] = { "current_clock_speed", COL_INTEGER, 0,
				      .help = "The current frequency of the CPU." },
	[CPU_MAX_CLOCK_SPEED] = { "max_clock_speed", COL_INTEGER, 0,
				  .help = "The maximum possible frequency of the CPU." },
	[CPU_SOCKET_DESIGNATION] = { "socket_designation", COL_TEXT, 0,
				     .help = "The assigned socket on the board for the given CPU." },
	[CPU_AVAILABILITY] = { "availability", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
			       .help = "The availability and status of the CPU." },
	[CPU_LOAD_PERCENTAGE] = { "load_percentage", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
				  .help = "The current percentage of utilization of the CPU." },
	[CPU_NUMBER_OF_EFFICIENCY_CORES] = { "number_of_efficiency_cores", COL_INTEGER,
					     COLF_HIDDEN | COLF_OTHER_OS,
					     .help = "The number of efficiency cores of the CPU. "
						     "Only available on Apple Silicon" },
	[CPU_NUMBER_OF_PERFORMANCE_CORES] = { "number_of_performance_cores", COL_INTEGER,
					      COLF_HIDDEN | COLF_OTHER_OS,
					      .help = "The number of performance cores of the CPU. "
						      "Only available on Apple Silicon" },
};

/*
 * A processor structure: osquery reads it when the whole structure
 * (strings included) has at least 0x30 bytes, and takes its fields at
 * fixed offsets up to 0x27 (SMBIOS 2.5's length is 0x28). spoor also
 * requires those fields inside the formatted area; osquery would read a
 * shorter structure's string bytes as numbers.
 */
#define PROC_STRUCT_MIN_SIZE 0x30
#define PROC_FORMATTED_MIN 0x28

static int emit_processor(struct query_ctx *q, const struct smbios_struct *s, int *device_no)
{
	static const char *const type_names[] = { [3] = "CPU", [4] = "MATH", [5] = "DSP",
						   [6] = "GPU" };
	const uint8_t *d = s->data;
	struct span str;

	if (s->length + s->strings_len < PROC_STRUCT_MIN_SIZE || s->length < PROC_FORMATTED_MIN)
		return 0;
	row_begin(q);
	/* the processor type's name and a counter over the typed ones:
	 * CPU0, CPU1...; no device_id for another type */
	if (d[0x05] < ARRAY_SIZE(type_names) && type_names[d[0x05]])
		row_textf(q, CPU_DEVICE_ID, "%s%d", type_names[d[0x05]], (*device_no)++);
	str = smbios_string(s, d[0x10]);
	row_text(q, CPU_MODEL, str.p, span_len(&str));
	str = smbios_string(s, d[0x07]);
	row_text(q, CPU_MANUFACTURER, str.p, span_len(&str));
	row_textf(q, CPU_PROCESSOR_TYPE, "%u", d[0x05]);
	row_int(q, CPU_CPU_STATUS, d[0x18]);
	row_textf(q, CPU_NUMBER_OF_CORES, "%u", d[0x23]);
	row_int(q, CPU_LOGICAL_PROCESSORS, d[0x25]);
	/* processor characteristics, bit 2: 64-bit capable */
	row_textz(q, CPU_ADDRESS_WIDTH, smbios_word(s, 0x26) & (1u << 2) ? "64" : "32");
	row_int(q, CPU_CURRENT_CLOCK_SPEED, smbios_word(s, 0x16));
	row_int(q, CPU_MAX_CLOCK_SPEED, smbios_word(s, 0x14));
	str = smbios_string(s, d[0x04]);
	row_text(q, CPU_SOCKET_DESIGNATION, str.p, span_len(&str));
	return row_end(q);
}

static int gen_cpu_info(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT;
	struct smbios_struct s;
	size_t pos = 0;
	int device_no = 0, r;

	/* no DMI table (a VM without SMBIOS, a non-x86/arm64 board, no
	 * permission): no rows, as osquery */
	r = smbios_read_table(qctx_rootfs(q), &sb);
	if (r <= 0)
		goto out;
	while ((r = smbios_next((const uint8_t *)sb.buf, sb.len, &pos, &s)) == 0) {
		if (s.data[0] != SMBIOS_TYPE_PROCESSOR)
			continue;
		r = emit_processor(q, &s, &device_no);
		if (r < 0)
			goto out;
	}
	/* a corrupt structure ends the table; what came before stands */
	r = 0;
out:
	strbuf_release(&sb);
	return r;
}

const struct table_spec cpu_info_spec = {
	.name = "cpu_info",
	.description = "Retrieve cpu hardware info of the machine.",
	.source = "/sys/firmware/dmi/tables/DMI (SMBIOS processor structures, type 4)",
	TABLE_COLUMNS(cpu_info_cols),
	.generate = gen_cpu_info,
};

/* ------------------------------------------------------------------ */
/* ulimit_info */

enum {
	UL_TYPE,
	UL_SOFT_LIMIT,
	UL_HARD_LIMIT,
};

static const struct column_spec ulimit_info_cols[] = {
	[UL_TYPE] = { "type", COL_TEXT, 0, .help = "System resource to be limited" },
	[UL_SOFT_LIMIT] = { "soft_limit", COL_TEXT, 0, .help = "Current limit value" },
	[UL_HARD_LIMIT] = { "hard_limit", COL_TEXT, 0, .help = "Maximum limit value" },
};

/* osquery's resources on Linux, in its (alphabetical, std::map) order;
 * RLIMIT_RTTIME is not among them. */
static const struct {
	const char *name;
	int resource;
} ulimits[] = {
	{ "as", RLIMIT_AS },
	{ "core", RLIMIT_CORE },
	{ "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS },
	{ "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE },
	{ "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS },
	{ "rtprio", RLIMIT_RTPRIO },
	{ "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

static void set_limit(struct query_ctx *q, int col, rlim_t v)
{
	if (v == RLIM_INFINITY)
		row_textz(q, col, "unlimited");
	else
		row_textf(q, col, "%llu", (unsigned long long)v);
}

/*
 * The limits of the process running the query (spoor), as osquery
 * reports its own. They belong to that process, not to a file system:
 * a captured tree or mounted image has none, and gives no rows.
 */
static int gen_ulimit_info(struct query_ctx *q)
{
	if (!rootfs_is_live(qctx_rootfs(q)))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(ulimits); i++) {
		struct rlimit rl;
		int r;

		if (getrlimit(ulimits[i].resource, &rl) < 0)
			continue;
		row_begin(q);
		row_textz(q, UL_TYPE, ulimits[i].name);
		set_limit(q, UL_SOFT_LIMIT, rl.rlim_cur);
		set_limit(q, UL_HARD_LIMIT, rl.rlim_max);
		r = row_end(q);
		if (r < 0)
			return r;
	}
	return 0;
}

const struct table_spec ulimit_info_spec = {
	.name = "ulimit_info",
	.description = "System resource usage limits.",
	.source = "getrlimit(2) of the spoor process (live host only)",
	TABLE_COLUMNS(ulimit_info_cols),
	.generate = gen_ulimit_info,
};

/* ------------------------------------------------------------------ */
/* shared_memory */

enum {
	SHM_COL_SHMID,
	SHM_COL_OWNER_UID,
	SHM_COL_CREATOR_UID,
	SHM_COL_PID,
	SHM_COL_CREATOR_PID,
	SHM_COL_ATIME,
	SHM_COL_DTIME,
	SHM_COL_CTIME,
	SHM_COL_PERMISSIONS,
	SHM_COL_SIZE,
	SHM_COL_ATTACHED,
	SHM_COL_STATUS,
	SHM_COL_LOCKED,
};

static const struct column_spec shared_memory_cols[] = {
	[SHM_COL_SHMID] = { "shmid", COL_INTEGER, 0, .help = "Shared memory segment ID" },
	[SHM_COL_OWNER_UID] = { "owner_uid", COL_BIGINT, 0, .help = "User ID of owning process" },
	[SHM_COL_CREATOR_UID] = { "creator_uid", COL_BIGINT, 0,
				  .help = "User ID of creator process" },
	[SHM_COL_PID] = { "pid", COL_BIGINT, 0, .help = "Process ID to last use the segment" },
	[SHM_COL_CREATOR_PID] = { "creator_pid", COL_BIGINT, 0,
				  .help = "Process ID that created the segment" },
	[SHM_COL_ATIME] = { "atime", COL_BIGINT, 0, .help = "Attached time" },
	[SHM_COL_DTIME] = { "dtime", COL_BIGINT, 0, .help = "Detached time" },
	[SHM_COL_CTIME] = { "ctime", COL_BIGINT, 0, .help = "Changed time" },
	[SHM_COL_PERMISSIONS] = { "permissions", COL_TEXT, 0,
				  .help = "Memory segment permissions" },
	[SHM_COL_SIZE] = { "size", COL_BIGINT, 0, .help = "Size in bytes" },
	[SHM_COL_ATTACHED] = { "attached", COL_INTEGER, 0,
			       .help = "Number of attached processes" },
	[SHM_COL_STATUS] = { "status", COL_TEXT, 0, .help = "Destination/attach status" },
	[SHM_COL_LOCKED] = { "locked", COL_INTEGER, 0, .help = "1 if segment is locked else 0" },
};

/* shm_perm.mode bits beyond the permissions (linux/shm.h) */
#define SHM_MODE_DEST 01000
#define SHM_MODE_LOCKED 02000

/* The /proc/sysvipc/shm columns spoor reads, by their header names. */
enum shm_field {
	SF_SHMID,
	SF_PERMS,
	SF_SIZE,
	SF_CPID,
	SF_LPID,
	SF_NATTCH,
	SF_UID,
	SF_CUID,
	SF_ATIME,
	SF_DTIME,
	SF_CTIME,
	SF_NFIELDS_
};

static const char *const shm_field_names[SF_NFIELDS_] = {
	[SF_SHMID] = "shmid", [SF_PERMS] = "perms", [SF_SIZE] = "size",
	[SF_CPID] = "cpid",   [SF_LPID] = "lpid",   [SF_NATTCH] = "nattch",
	[SF_UID] = "uid",     [SF_CUID] = "cuid",   [SF_ATIME] = "atime",
	[SF_DTIME] = "dtime", [SF_CTIME] = "ctime",
};

/* The most columns a header may have (16 today). */
#define SHM_COLUMNS_MAX 64

/*
 * The header names the columns ("key shmid perms size cpid lpid nattch
 * uid gid cuid cgid atime dtime ctime rss swap"): each field is found
 * by name, so a kernel that adds or lacks a column is still read right.
 * -SPOOR_EPARSE when a needed column is missing.
 */
static int shm_header(struct span line, int ret_index[SF_NFIELDS_])
{
	struct span w;
	int n = 0;

	for (int f = 0; f < SF_NFIELDS_; f++)
		ret_index[f] = -1;
	while (n < SHM_COLUMNS_MAX && span_word(&line, &w) == 0) {
		for (int f = 0; f < SF_NFIELDS_; f++)
			if (span_eq(&w, shm_field_names[f]))
				ret_index[f] = n;
		n++;
	}
	for (int f = 0; f < SF_NFIELDS_; f++)
		if (ret_index[f] < 0)
			return -SPOOR_EPARSE;
	return 0;
}

/*
 * One segment, as osquery's shmctl(SHM_STAT) reading gives it:
 * permissions are the four octal digits of the mode (SHM_DEST and
 * SHM_LOCKED show in the first), status "dest" when the segment is
 * marked for removal, locked 1 when SHM_LOCK'ed. osquery sets owner_uid
 * and creator_uid only when getpwuid() knows the user; spoor always
 * reports them, since a segment of a deleted account is worth seeing.
 * A line with a field that is no number is skipped.
 */
static int emit_segment(struct query_ctx *q, struct span line, const int index[SF_NFIELDS_])
{
	static const int int_cols[SF_NFIELDS_] = {
		[SF_SHMID] = SHM_COL_SHMID,   [SF_PERMS] = -1,
		[SF_SIZE] = SHM_COL_SIZE,     [SF_CPID] = SHM_COL_CREATOR_PID,
		[SF_LPID] = SHM_COL_PID,      [SF_NATTCH] = SHM_COL_ATTACHED,
		[SF_UID] = SHM_COL_OWNER_UID, [SF_CUID] = SHM_COL_CREATOR_UID,
		[SF_ATIME] = SHM_COL_ATIME,   [SF_DTIME] = SHM_COL_DTIME,
		[SF_CTIME] = SHM_COL_CTIME,
	};
	struct span words[SHM_COLUMNS_MAX], w;
	uint64_t v[SF_NFIELDS_];
	int n = 0;

	while (n < SHM_COLUMNS_MAX && span_word(&line, &w) == 0)
		words[n++] = w;
	for (int f = 0; f < SF_NFIELDS_; f++) {
		struct span sp;

		if (index[f] >= n)
			return 0;
		sp = words[index[f]];
		if (f == SF_PERMS) {
			/* octal, as the kernel prints it with %4o */
			uint64_t mode = 0;

			if (span_empty(&sp))
				return 0;
			for (; !span_empty(&sp); sp.p++) {
				if (*sp.p < '0' || *sp.p > '7' || mode > 077777)
					return 0;
				mode = mode * 8 + (uint64_t)(*sp.p - '0');
			}
			v[f] = mode;
		} else if (span_uint64(&sp, &v[f]) < 0 || !span_empty(&sp) || v[f] > INT64_MAX) {
			return 0;
		}
	}

	row_begin(q);
	for (int f = 0; f < SF_NFIELDS_; f++)
		if (int_cols[f] >= 0)
			row_int(q, int_cols[f], (int64_t)v[f]);
	row_textf(q, SHM_COL_PERMISSIONS, "%04llo", (unsigned long long)(v[SF_PERMS] & 07777));
	row_textz(q, SHM_COL_STATUS, v[SF_PERMS] & SHM_MODE_DEST ? "dest" : "");
	row_int(q, SHM_COL_LOCKED, v[SF_PERMS] & SHM_MODE_LOCKED ? 1 : 0);
	return row_end(q);
}

static int gen_shared_memory(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT;
	bool truncated = false;
	int index[SF_NFIELDS_];
	struct span file, line;
	int r;

	/* /proc/sysvipc/shm lists the IPC namespace of its reader, as
	 * osquery's shmctl() calls do */
	r = rootfs_read(qctx_rootfs(q), "/proc/sysvipc/shm", &sb, SYSVIPC_SHM_MAX, &truncated);
	if (r < 0)
		goto out;
	if (truncated) {
		r = -SPOOR_ETOOBIG;
		goto out;
	}
	file = span_make(sb.buf, sb.len);
	if (span_line(&file, &line) < 0)
		goto out; /* empty: no segments */
	r = shm_header(line, index);
	if (r < 0)
		goto out;
	while (span_line(&file, &line) == 0) {
		r = emit_segment(q, line, index);
		if (r < 0)
			goto out;
	}
out:
	strbuf_release(&sb);
	/* no /proc/sysvipc (a kernel without System V IPC): no rows */
	return r == -ENOENT ? 0 : r;
}

const struct table_spec shared_memory_spec = {
	.name = "shared_memory",
	.description = "OS shared memory regions.",
	.source = "/proc/sysvipc/shm",
	TABLE_COLUMNS(shared_memory_cols),
	.generate = gen_shared_memory,
};
