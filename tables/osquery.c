/*
 * osquery.c - spoor describing itself in osquery's terms:
 * osquery_info, osquery_flags.
 *
 *   SELECT version, pid, instance_id, start_time FROM osquery_info;
 *   SELECT name, value FROM osquery_flags WHERE value != default_value;
 *
 * Data sources: the running process (getpid) and the engine (instance
 * id, start time, the program's flag registry). uuid is the host UUID
 * as system_info reports it (lib/hostid.h: /sys/class/dmi/id/product_uuid,
 * then machine-id); build_distro is ID and VERSION_ID of os-release,
 * both read through the rootfs layer.
 *
 * version is "5.23.0+spoor.<spoor version>": semver build metadata, so
 * tools that gate features on the osquery version (version_compare,
 * fleet managers) treat spoor as the osquery release whose tables and
 * flags it mirrors. spoor has no config, extensions or watchdog yet:
 * config_hash is "", config_valid 0, extensions "inactive", watcher -1,
 * as osquery reports them in the same situation.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "flags.h"
#include "hostid.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "banned.h"

/* The osquery release whose schema spoor follows. */
#define OSQUERY_COMPAT_VERSION "5.23.0"

/* osquery's PlatformType bits (utils/info/platform_type.h) */
enum {
	PLATFORM_POSIX = 0x01,
	PLATFORM_LINUX = 0x08,
};

#define OS_RELEASE_MAX ((size_t)64 << 10)

/* ------------------------------------------------------------------ */
/* osquery_info */

enum {
	OI_PID,
	OI_UUID,
	OI_INSTANCE_ID,
	OI_VERSION,
	OI_CONFIG_HASH,
	OI_CONFIG_VALID,
	OI_EXTENSIONS,
	OI_BUILD_PLATFORM,
	OI_BUILD_DISTRO,
	OI_START_TIME,
	OI_WATCHER,
	OI_PLATFORM_MASK,
};

static const struct column_spec osquery_info_cols[] = {
	[OI_PID] = { "pid", COL_INTEGER, 0, .help = "Process (or thread/handle) ID" },
	[OI_UUID] = { "uuid", COL_TEXT, 0, .collate = COLLATE_NOCASE,
		      .help = "Unique ID provided by the system" },
	[OI_INSTANCE_ID] = { "instance_id", COL_TEXT, 0,
			     .help = "Unique, long-lived ID per instance of osquery" },
	[OI_VERSION] = { "version", COL_TEXT, 0, .collate = COLLATE_VERSION,
			 .help = "osquery toolkit version" },
	[OI_CONFIG_HASH] = { "config_hash", COL_TEXT, 0, .collate = COLLATE_NOCASE,
			     .help = "Hash of the working configuration state" },
	[OI_CONFIG_VALID] = { "config_valid", COL_INTEGER, 0,
			      .help = "1 if the config was loaded and considered valid, else 0" },
	[OI_EXTENSIONS] = { "extensions", COL_TEXT, 0, .help = "osquery extensions status" },
	[OI_BUILD_PLATFORM] = { "build_platform", COL_TEXT, 0,
				.help = "osquery toolkit build platform" },
	[OI_BUILD_DISTRO] = { "build_distro", COL_TEXT, 0,
			      .help = "osquery toolkit platform distribution name (os version)" },
	[OI_START_TIME] = { "start_time", COL_INTEGER, 0,
			    .help = "UNIX time in seconds when the process started" },
	[OI_WATCHER] = { "watcher", COL_INTEGER, 0,
			 .help = "Process (or thread/handle) ID of optional watcher process" },
	[OI_PLATFORM_MASK] = { "platform_mask", COL_INTEGER, 0,
			       .help = "The osquery platform bitmask" },
};

/* Appends an os-release value without its quotes and backslashes. */
static void add_os_release_value(struct strbuf *out, struct span v)
{
	if (span_len(&v) >= 2 && (*v.p == '"' || *v.p == '\'') && v.end[-1] == *v.p) {
		v.p++;
		v.end--;
	}
	for (const char *p = v.p; p < v.end; p++) {
		if (*p == '\\' && p + 1 < v.end)
			p++;
		strbuf_addch(out, *p);
	}
}

/* "debian12": ID and VERSION_ID of os-release, as osquery's build names
 * its distro. -ENOENT without an os-release file or an ID in it. */
static int build_distro(const struct rootfs *rfs, struct strbuf *out)
{
	static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };
	struct strbuf sb = STRBUF_INIT;
	struct span id = { 0 }, ver = { 0 };
	struct span sp, line;
	int r = -ENOENT;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && r < 0; i++)
		r = rootfs_read(rfs, paths[i], &sb, OS_RELEASE_MAX, NULL);
	if (r < 0)
		goto out;
	sp = span_make(sb.buf, sb.len);
	while (span_line(&sp, &line) == 0) {
		struct span key, val;

		if (span_kv(&line, '=', &key, &val) < 0)
			continue;
		if (span_eq(&key, "ID"))
			id = val;
		else if (span_eq(&key, "VERSION_ID"))
			ver = val;
	}
	if (!id.p || span_empty(&id)) {
		r = -ENOENT;
		goto out;
	}
	add_os_release_value(out, id);
	if (ver.p)
		add_os_release_value(out, ver);
	r = 0;
out:
	strbuf_release(&sb);
	return r;
}

static int gen_osquery_info(struct query_ctx *q)
{
	struct engine *eng = qctx_engine(q);
	const struct rootfs *rfs = qctx_rootfs(q);

	row_begin(q);
	row_int(q, OI_PID, (int64_t)getpid());
	if (qctx_used(q, OI_UUID)) {
		struct strbuf sb = STRBUF_INIT;

		/* osquery reports "" when it has no host UUID */
		host_uuid(rfs, &sb);
		row_text(q, OI_UUID, sb.buf, sb.len);
		strbuf_release(&sb);
	}
	row_textz(q, OI_INSTANCE_ID, engine_instance_id(eng));
	row_textz(q, OI_VERSION, OSQUERY_COMPAT_VERSION "+spoor." SPOOR_VERSION);
	row_textz(q, OI_CONFIG_HASH, "");
	row_int(q, OI_CONFIG_VALID, 0);
	row_textz(q, OI_EXTENSIONS, "inactive");
	row_textz(q, OI_BUILD_PLATFORM, "linux");
	if (qctx_used(q, OI_BUILD_DISTRO)) {
		struct strbuf sb = STRBUF_INIT;

		build_distro(rfs, &sb);
		row_text(q, OI_BUILD_DISTRO, sb.buf, sb.len);
		strbuf_release(&sb);
	}
	row_int(q, OI_START_TIME, (int64_t)engine_start_time(eng));
	row_int(q, OI_WATCHER, -1);
	row_int(q, OI_PLATFORM_MASK, PLATFORM_POSIX | PLATFORM_LINUX);
	return row_end(q);
}

const struct table_spec osquery_info_spec = {
	.name = "osquery_info",
	.description = "Top level information about the running version of osquery.",
	.source = "the spoor process and engine; uuid from /sys/class/dmi/id/product_uuid or "
		  "/etc/machine-id; build_distro from /etc/os-release",
	TABLE_COLUMNS(osquery_info_cols),
	.attributes = TABLE_UTILITY,
	.generate = gen_osquery_info,
};

/* ------------------------------------------------------------------ */
/* osquery_flags */

enum {
	OF_NAME,
	OF_TYPE,
	OF_DESCRIPTION,
	OF_DEFAULT_VALUE,
	OF_VALUE,
	OF_SHELL_ONLY,
};

static const struct column_spec osquery_flags_cols[] = {
	[OF_NAME] = { "name", COL_TEXT, 0, .help = "Flag name" },
	[OF_TYPE] = { "type", COL_TEXT, 0, .help = "Flag type" },
	[OF_DESCRIPTION] = { "description", COL_TEXT, 0, .help = "Flag description" },
	[OF_DEFAULT_VALUE] = { "default_value", COL_TEXT, 0, .help = "Flag default value" },
	[OF_VALUE] = { "value", COL_TEXT, 0, .help = "Flag value" },
	[OF_SHELL_ONLY] = { "shell_only", COL_INTEGER, 0, .help = "Is the flag shell only?" },
};

/* gflags' type names, as osquery shows them */
static const char *flag_type_name(enum flag_type t)
{
	switch (t) {
	case FLAG_BOOL: return "bool";
	case FLAG_STRING: return "string";
	case FLAG_INT: return "int32";
	}
	return "string";
}

static int gen_osquery_flags(struct query_ctx *q)
{
	const struct flags *fl = engine_flags(qctx_engine(q));

	if (!fl)
		return 0; /* an engine without a program's flags (tests, fleet) */
	for (size_t i = 0; i < fl->n; i++) {
		const struct flag_def *d = &fl->defs[i];
		int r;

		/* osquery lists no one- or two-letter flags (-A, -L, ...) */
		if (strlen(d->name) <= 2)
			continue;
		row_begin(q);
		row_textz(q, OF_NAME, d->name);
		row_textz(q, OF_TYPE, flag_type_name(d->type));
		row_textz(q, OF_DESCRIPTION, d->help ? d->help : "");
		row_textz(q, OF_DEFAULT_VALUE, d->def ? d->def : "");
		row_textz(q, OF_VALUE, flags_get(fl, d->name));
		row_int(q, OF_SHELL_ONLY, d->kind == FLAG_SHELL);
		r = row_end(q);
		if (r < 0)
			return r;
	}
	return 0;
}

const struct table_spec osquery_flags_spec = {
	.name = "osquery_flags",
	.description = "Configurable flags that modify osquery's behavior.",
	.source = "the program's flag registry (lib/flags.h)",
	TABLE_COLUMNS(osquery_flags_cols),
	.attributes = TABLE_UTILITY,
	.generate = gen_osquery_flags,
};
