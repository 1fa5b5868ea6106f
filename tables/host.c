/*
 * host.c - what machine and system this is: system_info, os_version,
 * kernel_info.
 *
 *   SELECT hostname, cpu_brand, cpu_logical_cores, physical_memory FROM system_info;
 *   SELECT name, version, major, minor, platform FROM os_version;
 *   SELECT version, arguments FROM kernel_info;
 *
 * Data sources, all through the rootfs layer (a captured tree or a
 * mounted image answers like the live host):
 *   system_info: /proc/sys/kernel/hostname (else /etc/hostname), the
 *     hostname's canonical name in /etc/hosts, the host UUID (hostid.h:
 *     /sys/class/dmi/id/product_uuid, else /etc/machine-id),
 *     /proc/sys/kernel/arch, /proc/cpuinfo, /proc/meminfo and
 *     /sys/class/dmi/id/{sys_vendor,product_*,board_*};
 *   os_version: /etc/os-release, then /etc/oracle-release,
 *     /etc/redhat-release or /etc/gentoo-release as osquery reads them;
 *   kernel_info: /proc/version, /proc/cmdline.
 * Only on the live host, and only for data no file gives, a syscall
 * answers: uname() for the architecture when /proc/sys/kernel/arch is
 * missing (kernels before 6.1), gethostname() when /proc is not mounted,
 * sysconf() for the online CPUs when /proc/cpuinfo has no processor line.
 *
 * Semantics are osquery's (tables/system/linux/system_info.cpp,
 * os_version.cpp, kernel_info.cpp); where osquery calls the C library
 * spoor reads the file the library reads, and says so per column below.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "err.h"
#include "hostid.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "xalloc.h"
#include "banned.h"

/* One-line files (hostname, DMI values, /proc/version, /proc/cmdline)
 * and the release files: real ones are far below this. */
#define SMALL_FILE_MAX ((size_t)64 << 10)
/* /proc/cpuinfo: about 1.5 KiB per CPU, 8192 CPUs fit. */
#define CPUINFO_MAX ((size_t)32 << 20)
/* /proc/meminfo and /etc/hosts */
#define TABLE_FILE_MAX ((size_t)4 << 20)
/* PCRE2 backtracking bound for the redhat-release pattern */
#define RELEASE_MATCH_LIMIT 1000000

/* ------------------------------------------------------------------ */
/* shared readers */

/*
 * Reads a text file whole, cut at its first NUL byte. A file larger
 * than max is refused with -SPOOR_ETOOBIG (never half-read); a missing
 * one is -ENOENT. out is appended to only on success.
 */
static int read_text(const struct rootfs *rfs, const char *path, size_t max, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	bool truncated = false;
	int r;

	r = rootfs_read(rfs, path, &sb, max, &truncated);
	if (r == 0 && truncated)
		r = -SPOOR_ETOOBIG;
	if (r == 0)
		r = strbuf_add(out, sb.buf, strlen(sb.buf));
	strbuf_release(&sb);
	return r;
}

/* A one-value file (sysfs attribute, /proc/sys entry): whitespace
 * trimmed on both ends. */
static int read_value(const struct rootfs *rfs, const char *path, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp;
	int r;

	r = read_text(rfs, path, SMALL_FILE_MAX, &sb);
	if (r == 0) {
		sp = span_make(sb.buf, sb.len);
		span_trim(&sp);
		r = strbuf_add(out, sp.p, span_len(&sp));
	}
	strbuf_release(&sb);
	return r;
}

/* uname()'s machine, from /proc/sys/kernel/arch; on the live host with
 * an older kernel, from uname() itself. */
static int machine_arch(const struct rootfs *rfs, struct strbuf *out)
{
	struct utsname u;
	size_t before = out->len;

	if (read_value(rfs, "/proc/sys/kernel/arch", out) == 0 && out->len > before)
		return 0;
	if (rootfs_is_live(rfs) && uname(&u) == 0 && u.machine[0])
		return strbuf_addstr(out, u.machine);
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* system_info */

enum {
	SI_HOSTNAME,
	SI_UUID,
	SI_CPU_TYPE,
	SI_CPU_SUBTYPE,
	SI_CPU_BRAND,
	SI_CPU_PHYSICAL_CORES,
	SI_CPU_LOGICAL_CORES,
	SI_CPU_SOCKETS,
	SI_CPU_MICROCODE,
	SI_PHYSICAL_MEMORY,
	SI_HARDWARE_VENDOR,
	SI_HARDWARE_MODEL,
	SI_HARDWARE_VERSION,
	SI_HARDWARE_SERIAL,
	SI_BOARD_VENDOR,
	SI_BOARD_MODEL,
	SI_BOARD_VERSION,
	SI_BOARD_SERIAL,
	SI_COMPUTER_NAME,
	SI_LOCAL_HOSTNAME,
	SI_EMULATED_CPU_TYPE,
};

static const struct column_spec system_info_cols[] = {
	[SI_HOSTNAME] = { "hostname", COL_TEXT, 0, .help = "Network hostname including domain" },
	[SI_UUID] = { "uuid", COL_TEXT, 0, .collate = COLLATE_NOCASE,
		      .help = "Unique ID provided by the system" },
	[SI_CPU_TYPE] = { "cpu_type", COL_TEXT, 0, .help = "CPU type" },
	[SI_CPU_SUBTYPE] = { "cpu_subtype", COL_TEXT, 0, .help = "CPU subtype" },
	[SI_CPU_BRAND] = { "cpu_brand", COL_TEXT, 0,
			   .help = "CPU brand string, contains vendor and model" },
	[SI_CPU_PHYSICAL_CORES] = { "cpu_physical_cores", COL_INTEGER, 0,
				    .help = "Number of physical CPU cores in to the system" },
	[SI_CPU_LOGICAL_CORES] = { "cpu_logical_cores", COL_INTEGER, 0,
				   .help = "Number of logical CPU cores available to the system" },
	[SI_CPU_SOCKETS] = { "cpu_sockets", COL_INTEGER, 0,
			     .help = "Number of processor sockets in the system" },
	[SI_CPU_MICROCODE] = { "cpu_microcode", COL_TEXT, 0, .help = "Microcode version" },
	[SI_PHYSICAL_MEMORY] = { "physical_memory", COL_BIGINT, 0,
				 .help = "Total physical memory in bytes" },
	[SI_HARDWARE_VENDOR] = { "hardware_vendor", COL_TEXT, 0, .help = "Hardware vendor" },
	[SI_HARDWARE_MODEL] = { "hardware_model", COL_TEXT, 0, .help = "Hardware model" },
	[SI_HARDWARE_VERSION] = { "hardware_version", COL_TEXT, 0, .help = "Hardware version" },
	[SI_HARDWARE_SERIAL] = { "hardware_serial", COL_TEXT, 0, .help = "Device serial number" },
	[SI_BOARD_VENDOR] = { "board_vendor", COL_TEXT, 0, .help = "Board vendor" },
	[SI_BOARD_MODEL] = { "board_model", COL_TEXT, 0, .help = "Board model" },
	[SI_BOARD_VERSION] = { "board_version", COL_TEXT, 0, .help = "Board version" },
	[SI_BOARD_SERIAL] = { "board_serial", COL_TEXT, 0, .help = "Board serial number" },
	[SI_COMPUTER_NAME] = { "computer_name", COL_TEXT, 0,
			       .help = "Friendly computer name (optional)" },
	[SI_LOCAL_HOSTNAME] = { "local_hostname", COL_TEXT, 0,
				.help = "Local hostname (optional)" },
	[SI_EMULATED_CPU_TYPE] = { "emulated_cpu_type", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
				   .help = "Emulated CPU type" },
};

/* gethostname(): the kernel's hostname. /etc/hostname stands in for a
 * mounted image, which has no /proc. */
static int kernel_hostname(const struct rootfs *rfs, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp, line;
	char buf[256];
	int r;

	if (read_value(rfs, "/proc/sys/kernel/hostname", out) == 0 && out->len)
		return 0;
	strbuf_reset(out);
	r = read_text(rfs, "/etc/hostname", SMALL_FILE_MAX, &sb);
	sp = span_make(sb.buf, sb.len);
	while (r == 0 && span_line(&sp, &line) == 0) {
		span_trim(&line);
		if (span_empty(&line) || *line.p == '#')
			continue;
		r = strbuf_add(out, line.p, span_len(&line));
		strbuf_release(&sb);
		return r;
	}
	strbuf_release(&sb);
	if (rootfs_is_live(rfs) && gethostname(buf, sizeof(buf)) == 0) {
		buf[sizeof(buf) - 1] = '\0';
		if (buf[0])
			return strbuf_addstr(out, buf);
	}
	return -ENOENT;
}

static bool is_ip_address(const struct span *word)
{
	char addr[INET6_ADDRSTRLEN + 64];
	unsigned char bin[sizeof(struct in6_addr)];
	const char *pct;
	size_t n = span_len(word);

	/* "fe80::1%eth0": the zone does not change what the line names */
	pct = memchr(word->p, '%', n);
	if (pct)
		n = (size_t)(pct - word->p);
	if (n == 0 || n >= sizeof(addr))
		return false;
	memcpy(addr, word->p, n);
	addr[n] = '\0';
	return inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1;
}

/*
 * osquery's getFqdn(): getaddrinfo(hostname, AI_CANONNAME). spoor
 * answers from /etc/hosts alone, as glibc's files source does: the
 * first line with a valid address naming host (case-insensitively) as
 * its canonical name or an alias gives its canonical name. A name only
 * DNS knows is not looked up (no network from a query, and nothing to
 * ask for a captured tree): the kernel hostname is used as is.
 */
static int hosts_canonical(const struct rootfs *rfs, const char *host, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct span file, line;
	size_t hlen = strlen(host);
	int r;

	r = read_text(rfs, "/etc/hosts", TABLE_FILE_MAX, &sb);
	file = span_make(sb.buf, sb.len);
	while (r == 0 && span_line(&file, &line) == 0) {
		const char *hash = memchr(line.p, '#', span_len(&line));
		struct span addr, canon, name;

		if (hash)
			line.end = hash;
		if (span_word(&line, &addr) < 0 || !is_ip_address(&addr) ||
		    span_word(&line, &canon) < 0)
			continue;
		name = canon;
		do {
			if (span_len(&name) == hlen && strncasecmp(name.p, host, hlen) == 0) {
				r = strbuf_add(out, canon.p, span_len(&canon));
				strbuf_release(&sb);
				return r;
			}
		} while (span_word(&line, &name) == 0);
	}
	strbuf_release(&sb);
	return -ENOENT;
}

/* What /proc/cpuinfo says, as osquery and boost read it. */
struct cpuinfo {
	int64_t logical;  /* "processor" entries (online CPUs) */
	int64_t physical; /* distinct (physical id, core id), 0 if none */
	int64_t sockets;  /* distinct physical id, 0 if none */
	uint64_t siblings; /* of the first processor, 0 if absent */
	/* values from the first processor block (before the first blank
	 * line, where osquery stops reading), NULL when absent */
	struct strbuf model, model_name, microcode;
	bool have_model, have_model_name, have_microcode;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t count_distinct(uint64_t *v, size_t n)
{
	int64_t d = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			d++;
	return d;
}

struct u64_list {
	uint64_t *v;
	size_t n, alloc;
};

static void u64_push(struct u64_list *l, uint64_t x)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 64;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n++] = x;
}

static int cpuinfo_parse(const char *buf, size_t len, struct cpuinfo *ci)
{
	struct u64_list cores = { 0 }, sockets = { 0 };
	struct span sp = span_make(buf, len), line;
	uint64_t phys = 0; /* boost keeps the last physical id seen */
	bool first_block = true;
	int r = 0;

	while (r == 0 && span_line(&sp, &line) == 0) {
		struct span key, val, num;
		uint64_t v;

		span_trim(&line);
		if (span_empty(&line)) {
			first_block = false;
			continue;
		}
		if (span_kv(&line, ':', &key, &val) < 0)
			continue;
		num = val;
		if (span_eq(&key, "processor")) {
			ci->logical++;
		} else if (span_eq(&key, "physical id")) {
			if (span_uint64(&num, &v) == 0 && span_empty(&num) && v <= UINT32_MAX) {
				phys = v;
				u64_push(&sockets, v);
			}
		} else if (span_eq(&key, "core id")) {
			if (span_uint64(&num, &v) == 0 && span_empty(&num) && v <= UINT32_MAX)
				u64_push(&cores, phys << 32 | v);
		}
		if (!first_block)
			continue;
		if (span_eq(&key, "model")) {
			strbuf_reset(&ci->model);
			r = strbuf_add(&ci->model, val.p, span_len(&val));
			ci->have_model = true;
		} else if (span_eq(&key, "model name")) {
			strbuf_reset(&ci->model_name);
			r = strbuf_add(&ci->model_name, val.p, span_len(&val));
			ci->have_model_name = true;
		} else if (span_eq(&key, "microcode")) {
			strbuf_reset(&ci->microcode);
			r = strbuf_add(&ci->microcode, val.p, span_len(&val));
			ci->have_microcode = true;
		} else if (span_eq(&key, "siblings")) {
			if (span_uint64(&num, &v) == 0 && span_empty(&num))
				ci->siblings = v;
		}
	}
	ci->physical = count_distinct(cores.v, cores.n);
	ci->sockets = count_distinct(sockets.v, sockets.n);
	free(cores.v);
	free(sockets.v);
	return r;
}

static void cpuinfo_release(struct cpuinfo *ci)
{
	strbuf_release(&ci->model);
	strbuf_release(&ci->model_name);
	strbuf_release(&ci->microcode);
}

static void emit_cpu_columns(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct cpuinfo ci = { .model = STRBUF_INIT, .model_name = STRBUF_INIT,
			      .microcode = STRBUF_INIT };
	struct strbuf sb = STRBUF_INIT;
	int64_t logical;

	if (read_text(rfs, "/proc/cpuinfo", CPUINFO_MAX, &sb) < 0 ||
	    cpuinfo_parse(sb.buf, sb.len, &ci) < 0)
		goto out;
	/* osquery's cpu_subtype is "0" unless the first block has "model" */
	row_text(q, SI_CPU_SUBTYPE, ci.have_model ? ci.model.buf : "0",
		 ci.have_model ? ci.model.len : 1);
	/* osquery reads the brand from cpuid (x86 only); /proc/cpuinfo's
	 * "model name" is the same string on x86 and says more elsewhere */
	if (ci.have_model_name)
		row_text(q, SI_CPU_BRAND, ci.model_name.buf, ci.model_name.len);
	if (ci.have_microcode)
		row_text(q, SI_CPU_MICROCODE, ci.microcode.buf, ci.microcode.len);
	logical = ci.logical;
	if (!logical && rootfs_is_live(rfs)) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		logical = n > 0 ? n : 0;
	}
	if (logical)
		row_int(q, SI_CPU_LOGICAL_CORES, logical);
	/* boost::thread::physical_concurrency(): distinct (physical id,
	 * core id), else the logical count */
	if (ci.physical)
		row_int(q, SI_CPU_PHYSICAL_CORES, ci.physical);
	else if (logical)
		row_int(q, SI_CPU_PHYSICAL_CORES, logical);
	/* osquery divides the logical count by the first CPU's siblings;
	 * counting distinct physical ids gives the same on every sane
	 * cpuinfo and stays right when CPUs are offline */
	if (ci.sockets)
		row_int(q, SI_CPU_SOCKETS, ci.sockets);
	else if (logical && ci.siblings)
		row_int(q, SI_CPU_SOCKETS, logical / (int64_t)ci.siblings);
out:
	cpuinfo_release(&ci);
	strbuf_release(&sb);
}

static void emit_physical_memory(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp, line;

	/* sysconf(_SC_PHYS_PAGES) * pagesize is MemTotal */
	if (read_text(qctx_rootfs(q), "/proc/meminfo", TABLE_FILE_MAX, &sb) < 0)
		goto out;
	sp = span_make(sb.buf, sb.len);
	while (span_line(&sp, &line) == 0) {
		struct span key, val;
		uint64_t kb;

		if (span_kv(&line, ':', &key, &val) < 0 || !span_eq(&key, "MemTotal"))
			continue;
		if (span_uint64(&val, &kb) == 0 && kb <= INT64_MAX / 1024)
			row_int(q, SI_PHYSICAL_MEMORY, (int64_t)(kb * 1024));
		break;
	}
out:
	strbuf_release(&sb);
}

/* SMBIOS system (type 1) and baseboard (type 2) strings, which the
 * kernel exports under /sys/class/dmi/id. */
enum { DMI_VENDOR, DMI_MODEL, DMI_VERSION };
static const struct {
	int col;
	const char *path;
} dmi_files[] = {
	[DMI_VENDOR] = { SI_HARDWARE_VENDOR, "/sys/class/dmi/id/sys_vendor" },
	[DMI_MODEL] = { SI_HARDWARE_MODEL, "/sys/class/dmi/id/product_name" },
	[DMI_VERSION] = { SI_HARDWARE_VERSION, "/sys/class/dmi/id/product_version" },
	{ SI_HARDWARE_SERIAL, "/sys/class/dmi/id/product_serial" },
	{ SI_BOARD_VENDOR, "/sys/class/dmi/id/board_vendor" },
	{ SI_BOARD_MODEL, "/sys/class/dmi/id/board_name" },
	{ SI_BOARD_VERSION, "/sys/class/dmi/id/board_version" },
	{ SI_BOARD_SERIAL, "/sys/class/dmi/id/board_serial" },
};

static void emit_dmi_columns(struct query_ctx *q)
{
	struct strbuf v[ARRAY_SIZE(dmi_files)];
	bool have[ARRAY_SIZE(dmi_files)];
	/* the Lenovo swap below needs vendor, model and version together */
	bool swap_inputs = qctx_used(q, SI_HARDWARE_MODEL) || qctx_used(q, SI_HARDWARE_VERSION);
	bool lenovo;

	for (size_t i = 0; i < ARRAY_SIZE(dmi_files); i++) {
		bool need = qctx_used(q, dmi_files[i].col) || (swap_inputs && i <= DMI_VERSION);

		strbuf_init(&v[i], 0);
		/* serials are root-only: unreadable is NULL, as absent */
		have[i] = need && read_value(qctx_rootfs(q), dmi_files[i].path, &v[i]) == 0;
	}
	/* Lenovo puts the model in "version" and a SKU in "product name";
	 * osquery swaps them back */
	lenovo = have[DMI_VENDOR] && strcasecmp(v[DMI_VENDOR].buf, "lenovo") == 0;
	for (size_t i = 0; i < ARRAY_SIZE(dmi_files); i++) {
		size_t src = i;

		if (lenovo && i == DMI_MODEL)
			src = DMI_VERSION;
		else if (lenovo && i == DMI_VERSION)
			src = DMI_MODEL;
		if (have[src])
			row_text(q, dmi_files[i].col, v[src].buf, v[src].len);
	}
	for (size_t i = 0; i < ARRAY_SIZE(dmi_files); i++)
		strbuf_release(&v[i]);
}

/* Is there a system to describe at all? A tree without any of these is
 * not a host (no row rather than a row of NULLs). */
static bool system_present(const struct rootfs *rfs)
{
	static const char *const markers[] = {
		"/proc/sys/kernel/hostname", "/etc/hostname", "/proc/cpuinfo",
		"/proc/meminfo", "/sys/class/dmi/id",
	};

	if (rootfs_is_live(rfs))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(markers); i++)
		if (rootfs_exists(rfs, markers[i]))
			return true;
	return false;
}

static int gen_system_info(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf host = STRBUF_INIT, fqdn = STRBUF_INIT, sb = STRBUF_INIT;

	if (!system_present(rfs))
		return 0;
	row_begin(q);
	/* osquery: hostname = local_hostname = getFqdn(), computer_name =
	 * gethostname() */
	if (qctx_used(q, SI_HOSTNAME) || qctx_any_used(q, SI_COMPUTER_NAME, SI_LOCAL_HOSTNAME)) {
		if (kernel_hostname(rfs, &host) == 0) {
			row_text(q, SI_COMPUTER_NAME, host.buf, host.len);
			if (hosts_canonical(rfs, host.buf, &fqdn) < 0)
				strbuf_addstr(&fqdn, host.buf);
			row_text(q, SI_HOSTNAME, fqdn.buf, fqdn.len);
			row_text(q, SI_LOCAL_HOSTNAME, fqdn.buf, fqdn.len);
		}
	}
	if (qctx_used(q, SI_UUID) && host_uuid(rfs, &sb) == 0)
		row_text(q, SI_UUID, sb.buf, sb.len);
	strbuf_reset(&sb);
	if (qctx_used(q, SI_CPU_TYPE) && machine_arch(rfs, &sb) == 0)
		row_text(q, SI_CPU_TYPE, sb.buf, sb.len);
	if (qctx_any_used(q, SI_CPU_SUBTYPE, SI_CPU_MICROCODE))
		emit_cpu_columns(q);
	if (qctx_used(q, SI_PHYSICAL_MEMORY))
		emit_physical_memory(q);
	if (qctx_any_used(q, SI_HARDWARE_VENDOR, SI_BOARD_SERIAL))
		emit_dmi_columns(q);
	strbuf_release(&host);
	strbuf_release(&fqdn);
	strbuf_release(&sb);
	return row_end(q);
}

const struct table_spec system_info_spec = {
	.name = "system_info",
	.description = "System information for identification.",
	.source = "/proc/sys/kernel/{hostname,arch}, /etc/hosts, /proc/cpuinfo, /proc/meminfo, "
		  "/sys/class/dmi/id/*, /etc/machine-id",
	TABLE_COLUMNS(system_info_cols),
	.generate = gen_system_info,
};

/* ------------------------------------------------------------------ */
/* os_version */

enum {
	OS_NAME,
	OS_VERSION,
	OS_MAJOR,
	OS_MINOR,
	OS_PATCH,
	OS_BUILD,
	OS_PLATFORM,
	OS_PLATFORM_LIKE,
	OS_CODENAME,
	OS_ARCH,
	OS_EXTRA,
	OS_INSTALL_DATE,
	OS_REVISION,
	OS_PID_WITH_NAMESPACE,
	OS_MOUNT_NAMESPACE_ID,
	OS_NCOLS_
};

static const struct column_spec os_version_cols[] = {
	[OS_NAME] = { "name", COL_TEXT, 0, .help = "Distribution or product name" },
	[OS_VERSION] = { "version", COL_TEXT, 0, .collate = COLLATE_VERSION,
			 .help = "Pretty, suitable for presentation, OS version" },
	[OS_MAJOR] = { "major", COL_INTEGER, 0, .help = "Major release version" },
	[OS_MINOR] = { "minor", COL_INTEGER, 0, .help = "Minor release version" },
	[OS_PATCH] = { "patch", COL_INTEGER, 0, .help = "Optional patch release" },
	[OS_BUILD] = { "build", COL_TEXT, 0, .help = "Optional build-specific or variant string" },
	[OS_PLATFORM] = { "platform", COL_TEXT, 0, .help = "OS Platform or ID" },
	[OS_PLATFORM_LIKE] = { "platform_like", COL_TEXT, 0, .help = "Closely related platforms" },
	[OS_CODENAME] = { "codename", COL_TEXT, 0, .help = "OS version codename" },
	[OS_ARCH] = { "arch", COL_TEXT, 0, .help = "OS Architecture" },
	[OS_EXTRA] = { "extra", COL_TEXT, COLF_HIDDEN | COLF_OTHER_OS,
		       .help = "Optional extra release specification" },
	[OS_INSTALL_DATE] = { "install_date", COL_BIGINT, COLF_HIDDEN | COLF_OTHER_OS,
			      .help = "The install date of the OS." },
	[OS_REVISION] = { "revision", COL_INTEGER, COLF_HIDDEN | COLF_OTHER_OS,
			  .help = "Update Build Revision, refers to the specific revision number "
				  "of a Windows update" },
	[OS_PID_WITH_NAMESPACE] = { "pid_with_namespace", COL_INTEGER,
				    COLF_HIDDEN | COLF_ADDITIONAL,
				    .help = "Pids that contain a namespace" },
	[OS_MOUNT_NAMESPACE_ID] = { "mount_namespace_id", COL_TEXT, COLF_HIDDEN,
				    .help = "Mount namespace id" },
};

/* The row being built: text per column, or unset (NULL). major, minor
 * and patch are kept as text, as osquery keeps them, and converted when
 * emitted. */
struct os_row {
	struct strbuf v[OS_NCOLS_];
	bool set[OS_NCOLS_];
};

static int os_set(struct os_row *o, int col, const char *s, size_t len)
{
	strbuf_reset(&o->v[col]);
	o->set[col] = true;
	return strbuf_add(&o->v[col], s, len);
}

/*
 * One os-release value, unquoted as the shell that os-release(5) is
 * written for would: "..." with \ escaping " \ $ ` (other backslashes
 * kept), '...' literally, and bare text with \ escaping the next byte;
 * these may be concatenated. Unquoted blanks are kept, as osquery keeps
 * them ("NAME=Foo Bar" is "Foo Bar"). osquery only drops a leading and
 * a trailing double quote; both agree on every distribution's file,
 * which quotes without escapes.
 */
static int unquote_value(struct span v, struct strbuf *out)
{
	const char *p = v.p;
	int r = 0;

	while (r == 0 && p < v.end) {
		char c = *p++;

		if (c == '"') {
			while (r == 0 && p < v.end && *p != '"') {
				if (*p == '\\' && p + 1 < v.end && strchr("\"\\$`", p[1])) {
					r = strbuf_addch(out, p[1]);
					p += 2;
				} else {
					r = strbuf_addch(out, *p++);
				}
			}
			p++; /* the closing quote, if any */
		} else if (c == '\'') {
			const char *q = memchr(p, '\'', (size_t)(v.end - p));
			const char *e = q ? q : v.end;

			r = strbuf_add(out, p, (size_t)(e - p));
			p = q ? q + 1 : v.end;
		} else if (c == '\\') {
			if (p < v.end)
				r = strbuf_addch(out, *p++);
		} else {
			r = strbuf_addch(out, c);
		}
	}
	return r;
}

/* os-release keys osquery reads; any other key containing "CODENAME"
 * (UBUNTU_CODENAME, ...) also sets codename. */
static const struct {
	const char *key;
	int col; /* -1: VERSION_ID, split into major.minor.patch */
} os_release_keys[] = {
	{ "NAME", OS_NAME },
	{ "VERSION", OS_VERSION },
	{ "BUILD_ID", OS_BUILD },
	{ "ID", OS_PLATFORM },
	{ "ID_LIKE", OS_PLATFORM_LIKE },
	{ "VERSION_CODENAME", OS_CODENAME },
	{ "VERSION_ID", -1 },
};

/* VERSION_ID "22.04" -> major 22, minor 04. osquery splits at '.', drops
 * empty pieces and keeps a third piece with whatever follows it. */
static int set_version_id(struct os_row *o, const struct strbuf *id)
{
	struct span sp = span_make(id->buf, id->len), piece;
	int col = OS_MAJOR, r = 0;

	while (r == 0 && span_until(&sp, '.', &piece) == 0) {
		span_trim(&piece);
		if (span_empty(&piece))
			continue;
		if (col == OS_PATCH && !span_empty(&sp))
			piece.end = sp.end; /* "1.2.3.4": patch "3.4" */
		r = os_set(o, col, piece.p, span_len(&piece));
		if (col++ == OS_PATCH)
			break;
	}
	return r;
}

static int parse_os_release(const char *buf, size_t len, struct os_row *o)
{
	struct strbuf val = STRBUF_INIT;
	struct span sp = span_make(buf, len), line;
	int r = 0;

	while (r == 0 && span_line(&sp, &line) == 0) {
		struct span key, raw;
		int col = -2;

		span_trim(&line);
		if (span_empty(&line) || *line.p == '#' || span_kv(&line, '=', &key, &raw) < 0 ||
		    span_empty(&key) || span_empty(&raw))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(os_release_keys); i++)
			if (span_eq(&key, os_release_keys[i].key))
				col = os_release_keys[i].col;
		if (col == -2) {
			if (!memmem(key.p, span_len(&key), "CODENAME", 8))
				continue;
			col = OS_CODENAME;
		}
		strbuf_reset(&val);
		r = unquote_value(raw, &val);
		if (r < 0)
			break;
		r = col == -1 ? set_version_id(o, &val) : os_set(o, col, val.buf, val.len);
	}
	strbuf_release(&val);
	return r;
}

/* boost::trim_all: trims the ends and squeezes each inner run of
 * whitespace to its first character. */
static void trim_all(struct strbuf *sb)
{
	struct span sp = span_make(sb->buf, sb->len);
	size_t n = 0;
	bool in_space = false;

	span_trim(&sp);
	for (const char *p = sp.p; p < sp.end; p++) {
		bool space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
			     *p == '\v' || *p == '\f';

		if (space && in_space)
			continue;
		in_space = space;
		sb->buf[n++] = *p;
	}
	strbuf_setlen(sb, n);
}

/* An old Red Hat-style release line, "CentOS Linux release 7.9.2009
 * (Core)": osquery's std::regex, run by PCRE2 (same backtracking
 * semantics for this pattern). */
static int parse_release_line(const struct strbuf *content, struct os_row *o)
{
	static const char pattern[] = "([\\w+\\s]+) .* ([0-9]+)\\.([0-9]+)\\.?(\\w+)?";
	pcre2_match_context *mctx = NULL;
	pcre2_match_data *md = NULL;
	pcre2_code *code;
	PCRE2_SIZE erroff;
	int errcode, rc, r = 0;

	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &errcode, &erroff,
			     NULL);
	if (!code)
		return -EINVAL;
	md = pcre2_match_data_create_from_pattern(code, NULL);
	mctx = pcre2_match_context_create(NULL);
	if (!md || !mctx) {
		r = -ENOMEM;
		goto out;
	}
	pcre2_set_match_limit(mctx, RELEASE_MATCH_LIMIT);
	/* osquery splits the (already squeezed) text into lines and takes
	 * the first line that matches */
	for (struct span sp = span_make(content->buf, content->len), line;
	     span_line(&sp, &line) == 0;) {
		PCRE2_SIZE *ov;

		span_trim(&line);
		rc = pcre2_match(code, (PCRE2_SPTR)line.p, span_len(&line), 0, 0, md, mctx);
		if (rc < 0)
			continue;
		ov = pcre2_get_ovector_pointer(md);
		for (int g = 1; g <= 4 && r == 0; g++) {
			static const int cols[] = { 0, OS_NAME, OS_MAJOR, OS_MINOR, OS_PATCH };
			bool matched = g < rc && ov[2 * g] != PCRE2_UNSET;

			if (matched)
				r = os_set(o, cols[g], line.p + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
			else
				r = os_set(o, cols[g], "", 0);
		}
		if (r == 0 && o->v[OS_PATCH].len == 0)
			r = os_set(o, OS_PATCH, "0", 1);
		break;
	}
out:
	pcre2_match_context_free(mctx);
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	return r;
}

/* osquery's parseOSVersion after os-release: oracle-release (platform
 * kept), else redhat-release (platform rhel), else gentoo-release. */
static int parse_release_files(const struct rootfs *rfs, struct os_row *o, bool *ret_found)
{
	static const struct {
		const char *path;
		const char *platform;
	} files[] = {
		{ "/etc/oracle-release", NULL },
		{ "/etc/redhat-release", "rhel" },
		{ "/etc/gentoo-release", "gentoo" },
	};
	struct strbuf content = STRBUF_INIT;
	bool found = false;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(files) && !found; i++) {
		r = read_text(rfs, files[i].path, SMALL_FILE_MAX, &content);
		if (r == -SPOOR_ETOOBIG)
			goto out;
		if (r < 0)
			continue; /* absent or unreadable: osquery tries the next */
		found = true;
		if (files[i].platform) {
			r = os_set(o, OS_PLATFORM, files[i].platform, strlen(files[i].platform));
			if (r == 0)
				r = os_set(o, OS_PLATFORM_LIKE, files[i].platform,
					   strlen(files[i].platform));
		}
	}
	*ret_found = found;
	if (!found) {
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	trim_all(&content);
	r = parse_release_line(&content, o);
	if (r == 0)
		r = os_set(o, OS_VERSION, content.buf, content.len);
	if (r == 0)
		r = os_set(o, OS_BUILD, "", 0);
	/* CentOS 6 has no ID= to take the platform from */
	if (r == 0 && o->v[OS_PLATFORM].len == 0 &&
	    strcasestr(o->v[OS_NAME].buf, "centos"))
		r = os_set(o, OS_PLATFORM, "centos", 6);
out:
	strbuf_release(&content);
	return r;
}

/* major/minor/patch are INTEGER: a piece that is not a decimal number
 * is NULL (osquery also gives NULL, though it reads "08" as bad octal). */
static void emit_os_int(struct query_ctx *q, const struct os_row *o, int col)
{
	int64_t v;

	if (o->set[col] && parse_int64(o->v[col].buf, &v) == 0)
		row_int(q, col, v);
}

static int gen_os_version(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf content = STRBUF_INIT;
	struct os_row o;
	bool have_os_release, have_release_file = false;
	int r;

	for (int c = 0; c < OS_NCOLS_; c++) {
		strbuf_init(&o.v[c], 0);
		o.set[c] = false;
	}
	/* osquery's defaults when nothing says better */
	os_set(&o, OS_NAME, "Unknown", 7);
	os_set(&o, OS_MAJOR, "0", 1);
	os_set(&o, OS_MINOR, "0", 1);
	os_set(&o, OS_PATCH, "0", 1);
	os_set(&o, OS_PLATFORM, "posix", 5);

	r = read_text(rfs, "/etc/os-release", SMALL_FILE_MAX, &content);
	have_os_release = r == 0;
	if (r < 0 && r != -ENOENT && r != -EACCES)
		goto out;
	/* Funtoo ships an empty os-release: defaults stand */
	r = parse_os_release(content.buf, content.len, &o);
	if (r == 0)
		r = parse_release_files(rfs, &o, &have_release_file);
	if (r < 0)
		goto out;
	if (!have_os_release && !have_release_file)
		goto out; /* not an OS tree: no row */

	row_begin(q);
	for (int c = OS_NAME; c <= OS_CODENAME; c++) {
		if (c == OS_MAJOR || c == OS_MINOR || c == OS_PATCH)
			emit_os_int(q, &o, c);
		else if (o.set[c])
			row_text(q, c, o.v[c].buf, o.v[c].len);
	}
	if (qctx_used(q, OS_ARCH)) {
		strbuf_reset(&content);
		if (machine_arch(rfs, &content) == 0)
			row_text(q, OS_ARCH, content.buf, content.len);
	}
	row_int(q, OS_PID_WITH_NAMESPACE, 0);
	r = row_end(q);
out:
	for (int c = 0; c < OS_NCOLS_; c++)
		strbuf_release(&o.v[c]);
	strbuf_release(&content);
	return r;
}

const struct table_spec os_version_spec = {
	.name = "os_version",
	.description = "A single row containing the operating system name and version.",
	.source = "/etc/os-release, /etc/{oracle,redhat,gentoo}-release, /proc/sys/kernel/arch",
	TABLE_COLUMNS(os_version_cols),
	.generate = gen_os_version,
};

/* ------------------------------------------------------------------ */
/* kernel_info */

enum {
	KI_VERSION,
	KI_ARGUMENTS,
	KI_PATH,
	KI_DEVICE,
};

static const struct column_spec kernel_info_cols[] = {
	[KI_VERSION] = { "version", COL_TEXT, 0, .collate = COLLATE_VERSION,
			 .help = "Kernel version" },
	[KI_ARGUMENTS] = { "arguments", COL_TEXT, 0, .help = "Kernel arguments" },
	[KI_PATH] = { "path", COL_TEXT, 0, .help = "Kernel path" },
	[KI_DEVICE] = { "device", COL_TEXT, 0, .help = "Kernel device identifier" },
};

/* "Linux version 6.1.0-18-amd64 (debian-kernel@...) ...": the third
 * word when the second is "version", as osquery reads it; a tree
 * without /proc/version may still have /proc/sys/kernel/osrelease. */
static int kernel_version(const struct rootfs *rfs, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp, w1, w2, w3;
	int r;

	r = read_text(rfs, "/proc/version", SMALL_FILE_MAX, &sb);
	sp = span_make(sb.buf, sb.len);
	if (r == 0 && span_word(&sp, &w1) == 0 && span_word(&sp, &w2) == 0 &&
	    span_eq(&w2, "version") && span_word(&sp, &w3) == 0)
		r = strbuf_add(out, w3.p, span_len(&w3));
	else if (r != -SPOOR_ETOOBIG)
		r = read_value(rfs, "/proc/sys/kernel/osrelease", out);
	strbuf_release(&sb);
	if (r == 0 && out->len == 0)
		r = -ENOENT;
	return r;
}

static int gen_kernel_info(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf version = STRBUF_INIT, cmdline = STRBUF_INIT, args = STRBUF_INIT;
	bool have_version, have_cmdline;
	int r;

	r = kernel_version(rfs, &version);
	have_version = r == 0;
	if (r < 0 && r != -ENOENT && r != -EACCES)
		goto out;
	r = read_text(rfs, "/proc/cmdline", SMALL_FILE_MAX, &cmdline);
	have_cmdline = r == 0;
	if (r < 0 && r != -ENOENT && r != -EACCES)
		goto out;
	r = 0;
	if (!have_version && !have_cmdline)
		goto out;

	row_begin(q);
	if (have_version)
		row_text(q, KI_VERSION, version.buf, version.len);
	if (have_cmdline) {
		struct span sp = span_make(cmdline.buf, cmdline.len), w;

		/* BOOT_IMAGE= is the path, root= the device (the last of
		 * each wins); every other word joins arguments */
		while (span_word(&sp, &w) == 0) {
			if (span_startswith(&w, "BOOT_IMAGE=")) {
				row_text(q, KI_PATH, w.p + 11, span_len(&w) - 11);
			} else if (span_startswith(&w, "root=")) {
				row_text(q, KI_DEVICE, w.p + 5, span_len(&w) - 5);
			} else {
				if (args.len)
					strbuf_addch(&args, ' ');
				strbuf_add(&args, w.p, span_len(&w));
			}
		}
		row_text(q, KI_ARGUMENTS, args.buf, args.len);
	}
	r = row_end(q);
out:
	strbuf_release(&version);
	strbuf_release(&cmdline);
	strbuf_release(&args);
	return r;
}

const struct table_spec kernel_info_spec = {
	.name = "kernel_info",
	.description = "Basic active kernel information.",
	.source = "/proc/version (else /proc/sys/kernel/osrelease), /proc/cmdline",
	TABLE_COLUMNS(kernel_info_cols),
	.attributes = TABLE_CACHEABLE,
	.generate = gen_kernel_info,
};
