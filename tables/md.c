/*
 * md.c - Linux software RAID: md_devices, md_drives, md_personalities.
 *
 *   SELECT device_name, status, raid_level, failed_disks FROM md_devices;
 *   SELECT * FROM md_drives WHERE state LIKE '%faulty%';
 *
 * Data sources, through the rootfs layer: /proc/mdstat (parsed as
 * osquery's parseMDStat does) and /sys/block/<md>/md/ (level,
 * chunk_size, raid_disks, array_state, metadata_version,
 * bitmap/location, dev-<drive>/{state,slot}). osquery takes the array
 * and disk numbers from the GET_ARRAY_INFO / GET_DISK_INFO ioctls on
 * /dev/mdN; spoor derives the same numbers from sysfs (the kernel fills
 * both from the same rdev flags), so it also works on a captured tree.
 * Not in sysfs: the superblock update time (always NULL).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strparse.h"
#include "banned.h"

#define MDSTAT_MAX ((size_t)1 << 20)
#define MD_ATTR_MAX ((size_t)4 << 10)
#define MD_MAX_DRIVES 64
#define MD_MAX_ARRAYS 4096
#define MD_NAME_MAX 64
#define MD_FIELD_MAX 256

struct md_action {
	char progress[MD_FIELD_MAX];
	char finish[MD_FIELD_MAX];
	char speed[MD_FIELD_MAX];
};

struct md_drive {
	char name[MD_NAME_MAX];
	int desc;      /* the [N] of mdstat: the kernel's disk number */
	char flags[8]; /* mdstat markers: F S W J R */
};

struct md_array {
	char name[MD_NAME_MAX];
	char status[MD_FIELD_MAX];
	char level[MD_NAME_MAX];
	int64_t size;
	bool have_size;
	char other[MD_FIELD_MAX];
	int raid_disks_stat;              /* n of "[n/m]", -1 if absent */
	char slots_up[MD_MAX_DRIVES + 3]; /* "[U_U]", "" if absent */
	struct md_drive drives[MD_MAX_DRIVES];
	size_t ndrives;
	struct md_action recovery, resync, reshape, check;
	char bm_mem[MD_FIELD_MAX], bm_chunk[MD_FIELD_MAX], bm_file[MD_FIELD_MAX];
	bool have_bitmap;
};

struct mdstat {
	char personalities[32][MD_NAME_MAX];
	size_t npers;
	struct md_array *arrays;
	size_t narrays, cap;
	char unused[MD_FIELD_MAX];
};

static void copy_span(char *dst, size_t cap, struct span s)
{
	size_t n = span_len(&s) < cap - 1 ? span_len(&s) : cap - 1;

	memcpy(dst, s.p, n);
	dst[n] = '\0';
}

/* "7.5% (73465216/976630272) finish=124.3min speed=121052K/sec" */
static void parse_action(struct span s, struct md_action *a)
{
	struct span w[5];
	int n = 0;

	span_trim(&s);
	while (n < 5 && span_word(&s, &w[n]) == 0)
		n++;
	if (n != 4)
		return; /* osquery ignores any other shape */
	copy_span(a->progress, sizeof(a->progress), span_make(w[0].p, (size_t)(w[1].end - w[0].p)));
	/* osquery drops the leading run of characters of "finish=" / "speed=" */
	while (!span_empty(&w[2]) && strchr("finish=", *w[2].p))
		w[2].p++;
	while (!span_empty(&w[3]) && strchr("speed=", *w[3].p))
		w[3].p++;
	copy_span(a->finish, sizeof(a->finish), w[2]);
	copy_span(a->speed, sizeof(a->speed), w[3]);
}

/* Finds term in line; the trimmed rest after it in *ret. */
static bool find_after(struct span line, const char *term, struct span *ret)
{
	size_t tl = strlen(term);

	for (const char *p = line.p; p + tl <= line.end; p++) {
		if (!memcmp(p, term, tl)) {
			*ret = span_make(p + tl, (size_t)(line.end - p - tl));
			span_trim(ret);
			return true;
		}
	}
	return false;
}

static void parse_drive(struct span tok, struct md_drive *d)
{
	const char *lb = memchr(tok.p, '[', span_len(&tok));
	struct span num;
	uint64_t v;

	d->desc = -1;
	copy_span(d->name, sizeof(d->name),
	          span_make(tok.p, (size_t)((lb ? lb : tok.end) - tok.p)));
	if (!lb)
		return;
	num = span_make(lb + 1, (size_t)(tok.end - lb - 1));
	if (span_uint64(&num, &v) == 0 && v < 100000 && span_expect(&num, ']') == 0)
		d->desc = (int)v;
	for (size_t k = 0; !span_empty(&num) && k + 1 < sizeof(d->flags); num.p++)
		if (*num.p >= 'A' && *num.p <= 'Z')
			d->flags[k++] = *num.p;
}

static void parse_mdstat(const struct strbuf *sb, struct mdstat *st)
{
	struct span lines[4096];
	size_t nl = 0, n = 0;
	struct span sp = span_make(sb->buf, sb->len), line;

	while (nl < ARRAY_SIZE(lines) && span_line(&sp, &line) == 0) {
		span_trim(&line);
		lines[nl++] = line;
	}
	if (!nl)
		return;
	if (find_after(lines[0], "Personalities :", &line)) {
		struct span w;

		while (st->npers < ARRAY_SIZE(st->personalities) && span_word(&line, &w) == 0)
			if (span_len(&w) > 2)
				copy_span(st->personalities[st->npers++], MD_NAME_MAX,
				          span_make(w.p + 1, span_len(&w) - 2));
		n = 1;
	}
	for (; n < nl; n++) {
		struct span l = lines[n], name, rest, w;
		struct md_array *a;

		if (span_empty(&l))
			continue;
		if (span_startswith(&l, "un")) {
			struct span u = l;

			if (span_len(&u) >= 15) {
				u.p += 15; /* "unused devices:" */
				span_trim(&u);
				copy_span(st->unused, sizeof(st->unused), u);
			}
			continue;
		}
		if (!span_startswith(&l, "md") || st->narrays >= MD_MAX_ARRAYS)
			continue;
		rest = l;
		if (span_until(&rest, ':', &name) < 0 || rest.p == l.end ||
		    !memchr(l.p, ':', span_len(&l)))
			continue;
		if (st->narrays == st->cap) {
			st->cap = st->cap ? st->cap * 2 : 4;
			st->arrays = xreallocarray(st->arrays, st->cap, sizeof(*st->arrays));
		}
		a = &st->arrays[st->narrays++];
		memset(a, 0, sizeof(*a));
		a->raid_disks_stat = -1;
		span_trim(&name);
		copy_span(a->name, sizeof(a->name), name);
		if (span_word(&rest, &w) == 0)
			copy_span(a->status, sizeof(a->status), w);
		/* "(auto-read-only)" may sit between status and level */
		while (span_word(&rest, &w) == 0) {
			if (*w.p == '(')
				continue;
			if (!a->level[0] && !memchr(w.p, '[', span_len(&w))) {
				copy_span(a->level, sizeof(a->level), w);
				continue;
			}
			if (a->ndrives < MD_MAX_DRIVES)
				parse_drive(w, &a->drives[a->ndrives++]);
		}
		if (n + 1 >= nl)
			continue;
		/* "N blocks super 1.2 ... [n/m] [UU_]" */
		{
			struct span cfg = lines[n + 1], words[64];
			size_t nw = 0;

			while (nw < ARRAY_SIZE(words) && span_word(&cfg, &words[nw]) == 0)
				nw++;
			if (nw >= 4) {
				struct span first = words[0];
				uint64_t v;

				if (span_eq(&words[1], "blocks") && span_uint64(&first, &v) == 0 &&
				    span_empty(&first) && v <= INT64_MAX) {
					a->size = (int64_t)v;
					a->have_size = true;
				}
				if (nw > 4)
					copy_span(a->other, sizeof(a->other),
					          span_make(words[2].p, (size_t)(words[nw - 3].end -
					                                         words[2].p)));
				{
					struct span h = words[nw - 2];
					uint64_t rd;

					if (span_expect(&h, '[') == 0 &&
					    span_uint64(&h, &rd) == 0 && rd < 100000)
						a->raid_disks_stat = (int)rd;
					if (*words[nw - 1].p == '[')
						copy_span(a->slots_up, sizeof(a->slots_up),
						          words[nw - 1]);
				}
			}
		}
		n++;
		while (n + 1 < nl) {
			struct span nx = lines[n + 1], v;

			if (find_after(nx, "recovery =", &v))
				parse_action(v, &a->recovery);
			else if (find_after(nx, "resync =", &v))
				parse_action(v, &a->resync);
			else if (find_after(nx, "resync=", &v))
				copy_span(a->resync.progress, MD_FIELD_MAX, v);
			else if (find_after(nx, "reshape =", &v))
				parse_action(v, &a->reshape);
			else if (find_after(nx, "check =", &v))
				parse_action(v, &a->check);
			else if (find_after(nx, "bitmap:", &v)) {
				struct span f[3];
				int k = 0;

				while (k < 3 && span_until(&v, ',', &f[k]) == 0) {
					span_trim(&f[k]);
					k++;
				}
				if (k >= 2) {
					a->have_bitmap = true;
					copy_span(a->bm_mem, MD_FIELD_MAX, f[0]);
					copy_span(a->bm_chunk, MD_FIELD_MAX, f[1]);
					if (k == 3 && find_after(f[2], "file:", &v))
						copy_span(a->bm_file, MD_FIELD_MAX, v);
				}
			} else
				break;
			n++;
		}
	}
}

static int load_mdstat(const struct rootfs *rfs, struct mdstat *st)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	memset(st, 0, sizeof(*st));
	r = rootfs_read(rfs, "/proc/mdstat", &sb, MDSTAT_MAX, NULL);
	if (r == 0)
		parse_mdstat(&sb, st);
	strbuf_release(&sb);
	return r == -ENOENT ? 0 : r;
}

/* /sys/block/<md>/md/<attr>, trimmed; -errno if absent. */
static int md_attr(const struct rootfs *rfs, const char *md, const char *attr, struct strbuf *out)
{
	char path[512];
	int r;

	strbuf_reset(out);
	/* names come from /proc/mdstat: never let one leave /sys/block */
	if (strchr(md, '/') || !strncmp(md, "..", 2) || strstr(attr, ".."))
		return -EINVAL;
	if ((size_t)snprintf(path, sizeof(path), "/sys/block/%s/md/%s", md, attr) >= sizeof(path))
		return -ENAMETOOLONG;
	r = rootfs_read(rfs, path, out, MD_ATTR_MAX, NULL);
	if (r == 0)
		strbuf_rtrim(out);
	return r;
}

static bool md_attr_int(const struct rootfs *rfs, const char *md, const char *attr, int64_t *ret)
{
	struct strbuf sb = STRBUF_INIT;
	bool ok = md_attr(rfs, md, attr, &sb) == 0 && parse_int64(sb.buf, ret) == 0;

	strbuf_release(&sb);
	return ok;
}

/* mdu_array_info_t.level for a personality name */
static bool level_number(const char *s, int64_t *ret)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {
	    {"linear", -1}, {"raid0", 0},   {"raid1", 1},      {"raid4", 4},   {"raid5", 5},
	    {"raid6", 6},   {"raid10", 10}, {"multipath", -4}, {"faulty", -5},
	};

	for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
		if (!strcmp(s, levels[i].name)) {
			*ret = levels[i].level;
			return true;
		}
	return false;
}

/* Flags of dev-<drive>/state ("in_sync,write_mostly"). */
enum { DS_FAULTY = 1, DS_IN_SYNC = 2, DS_WRITEMOSTLY = 4, DS_FAILFAST = 8, DS_JOURNAL = 16 };

static int drive_state(const struct rootfs *rfs, const char *md, const struct md_drive *d,
                       bool *ret_sysfs)
{
	struct strbuf sb = STRBUF_INIT;
	char attr[128];
	int f = 0;

	snprintf(attr, sizeof(attr), "dev-%s/state", d->name);
	*ret_sysfs = !strchr(d->name, '/') && md_attr(rfs, md, attr, &sb) == 0;
	if (*ret_sysfs) {
		struct span sp = span_make(sb.buf, sb.len), w;

		while (span_until(&sp, ',', &w) == 0) {
			span_trim(&w);
			f |= span_eq(&w, "faulty") ? DS_FAULTY : 0;
			f |= span_eq(&w, "in_sync") ? DS_IN_SYNC : 0;
			f |= span_eq(&w, "write_mostly") ? DS_WRITEMOSTLY : 0;
			f |= span_eq(&w, "failfast") ? DS_FAILFAST : 0;
			f |= span_eq(&w, "journal") ? DS_JOURNAL : 0;
		}
	} else {
		/* mdstat markers only: no marker means a member in sync */
		f |= strchr(d->flags, 'F') ? DS_FAULTY : 0;
		f |= strchr(d->flags, 'W') ? DS_WRITEMOSTLY : 0;
		f |= strchr(d->flags, 'J') ? DS_JOURNAL : 0;
		if (!strchr(d->flags, 'F') && !strchr(d->flags, 'S') && !strchr(d->flags, 'J'))
			f |= DS_IN_SYNC;
	}
	strbuf_release(&sb);
	return f;
}

static int desc_cmp(const void *a, const void *b)
{
	const struct md_drive *x = a, *y = b;

	return (x->desc > y->desc) - (x->desc < y->desc);
}

/*
 * What GET_DISK_INFO would say of each drive of an array, in disk-number
 * order: its state flags and its slot (raid_disk), with osquery's
 * assignment of slots to drives that have none: a drive numbered below
 * raid_disks keeps its number as slot, the others take the missing
 * slots in order, and slots still missing are reported in *ret_missing.
 * Without sysfs the slot is unknown to mdstat; a drive that lands in a
 * slot the "[U_U]" line shows down is rebuilding, so not in sync.
 */
struct drive_info {
	const struct md_drive *d;
	int flags;
	int slot; /* -1: none */
};

static void array_drives(const struct rootfs *rfs, struct md_array *a, struct drive_info *out,
                         int *ret_missing, size_t *ret_nmissing, int64_t *ret_raid_disks)
{
	struct strbuf sb = STRBUF_INIT;
	bool taken[MD_MAX_DRIVES] = {false}, sysfs[MD_MAX_DRIVES];
	size_t removed[MD_MAX_DRIVES], nremoved = 0, k = 0;
	int64_t raid_disks = a->raid_disks_stat;

	md_attr_int(rfs, a->name, "raid_disks", &raid_disks);
	if (raid_disks < 0)
		raid_disks = 0;
	if (raid_disks > MD_MAX_DRIVES)
		raid_disks = MD_MAX_DRIVES;
	*ret_raid_disks = raid_disks;
	*ret_nmissing = 0;
	qsort(a->drives, a->ndrives, sizeof(a->drives[0]), desc_cmp);
	for (size_t d = 0; d < a->ndrives; d++) {
		const struct md_drive *dr = &a->drives[d];
		int64_t slot = -1;

		out[d].d = dr;
		out[d].slot = -1;
		out[d].flags = drive_state(rfs, a->name, dr, &sysfs[d]);
		if (sysfs[d]) {
			char attr[128];

			snprintf(attr, sizeof(attr), "dev-%s/slot", dr->name);
			if (md_attr(rfs, a->name, attr, &sb) < 0 || parse_int64(sb.buf, &slot) < 0)
				slot = -1;
		}
		if (slot >= 0) {
			out[d].slot = slot > INT32_MAX ? -1 : (int)slot;
			if (slot < raid_disks)
				taken[slot] = true;
		} else if (dr->desc >= 0 && dr->desc < raid_disks) {
			out[d].slot = dr->desc;
			taken[dr->desc] = true;
		} else {
			removed[nremoved++] = d;
		}
	}
	for (int s = 0; s < raid_disks; s++) {
		if (taken[s])
			continue;
		if (k < nremoved)
			out[removed[k++]].slot = s;
		else
			ret_missing[(*ret_nmissing)++] = s;
	}
	for (size_t d = 0; d < a->ndrives; d++) {
		int sl = out[d].slot;

		if (!sysfs[d] && sl >= 0 && (size_t)sl + 1 < strlen(a->slots_up) &&
		    a->slots_up[sl + 1] == '_' && !(out[d].flags & DS_FAULTY))
			out[d].flags &= ~DS_IN_SYNC;
	}
	strbuf_release(&sb);
}

/* ------------------------------------------------------------------ */
/* md_devices */

enum {
	MDD_DEVICE_NAME,
	MDD_STATUS,
	MDD_RAID_LEVEL,
	MDD_SIZE,
	MDD_CHUNK_SIZE,
	MDD_RAID_DISKS,
	MDD_NR_RAID_DISKS,
	MDD_WORKING_DISKS,
	MDD_ACTIVE_DISKS,
	MDD_FAILED_DISKS,
	MDD_SPARE_DISKS,
	MDD_SUPERBLOCK_STATE,
	MDD_SUPERBLOCK_VERSION,
	MDD_SUPERBLOCK_UPDATE_TIME,
	MDD_BITMAP_ON_MEM,
	MDD_BITMAP_CHUNK_SIZE,
	MDD_BITMAP_EXTERNAL_FILE,
	MDD_RECOVERY_PROGRESS,
	MDD_RECOVERY_FINISH,
	MDD_RECOVERY_SPEED,
	MDD_RESYNC_PROGRESS,
	MDD_RESYNC_FINISH,
	MDD_RESYNC_SPEED,
	MDD_RESHAPE_PROGRESS,
	MDD_RESHAPE_FINISH,
	MDD_RESHAPE_SPEED,
	MDD_CHECK_ARRAY_PROGRESS,
	MDD_CHECK_ARRAY_FINISH,
	MDD_CHECK_ARRAY_SPEED,
	MDD_UNUSED_DEVICES,
	MDD_OTHER,
};

static const struct column_spec md_devices_cols[] = {
    [MDD_DEVICE_NAME] = {"device_name", COL_TEXT, 0, .help = "md device name"},
    [MDD_STATUS] = {"status", COL_TEXT, 0, .help = "Current state of the array"},
    [MDD_RAID_LEVEL] = {"raid_level", COL_INTEGER, 0, .help = "Current raid level of the array"},
    [MDD_SIZE] = {"size", COL_BIGINT, 0, .help = "size of the array in blocks"},
    [MDD_CHUNK_SIZE] = {"chunk_size", COL_BIGINT, 0, .help = "chunk size in bytes"},
    [MDD_RAID_DISKS] = {"raid_disks", COL_INTEGER, 0,
                        .help = "Number of configured RAID disks in array"},
    [MDD_NR_RAID_DISKS] = {"nr_raid_disks", COL_INTEGER, 0,
                           .help = "Number of partitions or disk devices to comprise the "
                                   "array"},
    [MDD_WORKING_DISKS] = {"working_disks", COL_INTEGER, 0,
                           .help = "Number of working disks in array"},
    [MDD_ACTIVE_DISKS] = {"active_disks", COL_INTEGER, 0,
                          .help = "Number of active disks in array"},
    [MDD_FAILED_DISKS] = {"failed_disks", COL_INTEGER, 0,
                          .help = "Number of failed disks in array"},
    [MDD_SPARE_DISKS] = {"spare_disks", COL_INTEGER, 0, .help = "Number of idle disks in array"},
    [MDD_SUPERBLOCK_STATE] = {"superblock_state", COL_TEXT, 0, .help = "State of the superblock"},
    [MDD_SUPERBLOCK_VERSION] = {"superblock_version", COL_TEXT, 0,
                                .help = "Version of the superblock"},
    [MDD_SUPERBLOCK_UPDATE_TIME] = {"superblock_update_time", COL_BIGINT, 0,
                                    .help = "Unix timestamp of last update"},
    [MDD_BITMAP_ON_MEM] = {"bitmap_on_mem", COL_TEXT, 0,
                           .help = "Pages allocated in in-memory bitmap, if enabled"},
    [MDD_BITMAP_CHUNK_SIZE] = {"bitmap_chunk_size", COL_TEXT, 0, .help = "Bitmap chunk size"},
    [MDD_BITMAP_EXTERNAL_FILE] = {"bitmap_external_file", COL_TEXT, 0,
                                  .help = "External referenced bitmap file"},
    [MDD_RECOVERY_PROGRESS] = {"recovery_progress", COL_TEXT, 0,
                               .help = "Progress of the recovery activity"},
    [MDD_RECOVERY_FINISH] = {"recovery_finish", COL_TEXT, 0,
                             .help = "Estimated duration of recovery activity"},
    [MDD_RECOVERY_SPEED] = {"recovery_speed", COL_TEXT, 0, .help = "Speed of recovery activity"},
    [MDD_RESYNC_PROGRESS] = {"resync_progress", COL_TEXT, 0,
                             .help = "Progress of the resync activity"},
    [MDD_RESYNC_FINISH] = {"resync_finish", COL_TEXT, 0,
                           .help = "Estimated duration of resync activity"},
    [MDD_RESYNC_SPEED] = {"resync_speed", COL_TEXT, 0, .help = "Speed of resync activity"},
    [MDD_RESHAPE_PROGRESS] = {"reshape_progress", COL_TEXT, 0,
                              .help = "Progress of the reshape activity"},
    [MDD_RESHAPE_FINISH] = {"reshape_finish", COL_TEXT, 0,
                            .help = "Estimated duration of reshape activity"},
    [MDD_RESHAPE_SPEED] = {"reshape_speed", COL_TEXT, 0, .help = "Speed of reshape activity"},
    [MDD_CHECK_ARRAY_PROGRESS] = {"check_array_progress", COL_TEXT, 0,
                                  .help = "Progress of the check array activity"},
    [MDD_CHECK_ARRAY_FINISH] = {"check_array_finish", COL_TEXT, 0,
                                .help = "Estimated duration of the check array activity"},
    [MDD_CHECK_ARRAY_SPEED] = {"check_array_speed", COL_TEXT, 0,
                               .help = "Speed of the check array activity"},
    [MDD_UNUSED_DEVICES] = {"unused_devices", COL_TEXT, 0, .help = "Unused devices"},
    [MDD_OTHER] = {"other", COL_TEXT, 0,
                   .help = "Other information associated with array from /proc/mdstat"},
};

static void emit_action(struct query_ctx *q, int col, const struct md_action *a)
{
	if (!a->progress[0])
		return;
	row_textz(q, col, a->progress);
	row_textz(q, col + 1, a->finish);
	row_textz(q, col + 2, a->speed);
}

static int gen_md_devices(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf sb = STRBUF_INIT;
	struct mdstat st;
	int r;

	r = load_mdstat(rfs, &st);
	for (size_t i = 0; r == 0 && i < st.narrays; i++) {
		struct md_array *a = &st.arrays[i];
		struct drive_info info[MD_MAX_DRIVES];
		int missing[MD_MAX_DRIVES];
		size_t nmissing;
		int64_t v, level, raid_disks;
		bool sysfs = md_attr(rfs, a->name, "array_state", &sb) == 0;
		int nr = 0, working = 0, active = 0, failed = 0, spare = 0;

		row_begin(q);
		row_textz(q, MDD_DEVICE_NAME, a->name);
		row_textz(q, MDD_STATUS, a->status);
		if (sysfs) {
			/* MD_SB_CLEAN when the array is in sync (clean) */
			bool clean = !strcmp(sb.buf, "clean");
			bool bitmap = md_attr(rfs, a->name, "bitmap/location", &sb) == 0 &&
			              sb.len && strcmp(sb.buf, "none") && strcmp(sb.buf, "file");

			row_textz(q, MDD_SUPERBLOCK_STATE,
			          clean && bitmap ? "clean bitmap_present"
			          : clean         ? "clean"
			          : bitmap        ? "bitmap_present"
			                          : "unknown");
			if (md_attr(rfs, a->name, "metadata_version", &sb) == 0)
				row_text(q, MDD_SUPERBLOCK_VERSION, sb.buf, sb.len);
			if ((md_attr(rfs, a->name, "level", &sb) == 0 &&
			     level_number(sb.buf, &level)) ||
			    level_number(a->level, &level))
				row_int(q, MDD_RAID_LEVEL, level);
			if (md_attr_int(rfs, a->name, "chunk_size", &v))
				row_int(q, MDD_CHUNK_SIZE, v);
			if (md_attr_int(rfs, a->name, "raid_disks", &v))
				row_int(q, MDD_RAID_DISKS, v);
		} else {
			if (level_number(a->level, &level))
				row_int(q, MDD_RAID_LEVEL, level);
			if (a->raid_disks_stat >= 0)
				row_int(q, MDD_RAID_DISKS, a->raid_disks_stat);
		}
		/* the GET_ARRAY_INFO counts, from the same rdev flags */
		array_drives(rfs, a, info, missing, &nmissing, &raid_disks);
		for (size_t d = 0; d < a->ndrives; d++) {
			int f = info[d].flags;

			nr++;
			if (f & DS_FAULTY) {
				failed++;
			} else {
				working++;
				if (f & DS_IN_SYNC)
					active++;
				else if (!(f & DS_JOURNAL))
					spare++;
			}
		}
		row_int(q, MDD_NR_RAID_DISKS, nr);
		row_int(q, MDD_WORKING_DISKS, working);
		row_int(q, MDD_ACTIVE_DISKS, active);
		row_int(q, MDD_FAILED_DISKS, failed);
		row_int(q, MDD_SPARE_DISKS, spare);
		if (a->have_size)
			row_int(q, MDD_SIZE, a->size);
		emit_action(q, MDD_RECOVERY_PROGRESS, &a->recovery);
		emit_action(q, MDD_RESYNC_PROGRESS, &a->resync);
		emit_action(q, MDD_RESHAPE_PROGRESS, &a->reshape);
		emit_action(q, MDD_CHECK_ARRAY_PROGRESS, &a->check);
		if (a->have_bitmap && a->bm_mem[0]) {
			row_textz(q, MDD_BITMAP_ON_MEM, a->bm_mem);
			row_textz(q, MDD_BITMAP_CHUNK_SIZE, a->bm_chunk);
			row_textz(q, MDD_BITMAP_EXTERNAL_FILE, a->bm_file);
		}
		row_textz(q, MDD_OTHER, a->other);
		row_textz(q, MDD_UNUSED_DEVICES, st.unused);
		r = row_end(q);
	}
	free(st.arrays);
	strbuf_release(&sb);
	return r;
}

const struct table_spec md_devices_spec = {
    .name = "md_devices",
    .description = "Software RAID array settings.",
    .source = "/proc/mdstat, /sys/block/md*/md/",
    TABLE_COLUMNS(md_devices_cols),
    .generate = gen_md_devices,
};

/* ------------------------------------------------------------------ */
/* md_drives */

enum {
	MDR_MD_DEVICE_NAME,
	MDR_DRIVE_NAME,
	MDR_SLOT,
	MDR_STATE,
};

static const struct column_spec md_drives_cols[] = {
    [MDR_MD_DEVICE_NAME] = {"md_device_name", COL_TEXT, 0, .help = "md device name"},
    [MDR_DRIVE_NAME] = {"drive_name", COL_TEXT, 0, .help = "Drive device name"},
    [MDR_SLOT] = {"slot", COL_INTEGER, 0, .help = "Slot position of disk"},
    [MDR_STATE] = {"state", COL_TEXT, 0, .help = "State of the drive"},
};

static int gen_md_drives(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct mdstat st;
	int r;

	r = load_mdstat(rfs, &st);
	for (size_t i = 0; r == 0 && i < st.narrays; i++) {
		struct md_array *a = &st.arrays[i];
		struct drive_info info[MD_MAX_DRIVES];
		int missing[MD_MAX_DRIVES];
		size_t nmissing;
		int64_t raid_disks;

		/* osquery walks GET_DISK_INFO by disk number, then adds a
		 * "removed" row per slot no disk holds */
		array_drives(rfs, a, info, missing, &nmissing, &raid_disks);
		for (size_t d = 0; r == 0 && d < a->ndrives; d++) {
			int f = info[d].flags;
			char state[128];

			/* MD_DISK_* bit order: faulty active sync writemostly
			 * failfast journal; 0 is "recovering" */
			snprintf(state, sizeof(state), "%s%s%s%s%s", f & DS_FAULTY ? " faulty" : "",
			         f & DS_IN_SYNC ? " active sync" : "",
			         f & DS_WRITEMOSTLY ? " writemostly" : "",
			         f & DS_FAILFAST ? " failfast" : "",
			         f & DS_JOURNAL ? " journal" : "");
			row_begin(q);
			row_textz(q, MDR_MD_DEVICE_NAME, a->name);
			row_textf(q, MDR_DRIVE_NAME, "/dev/%s", info[d].d->name);
			if (info[d].slot >= 0)
				row_int(q, MDR_SLOT, info[d].slot);
			row_textz(q, MDR_STATE, f ? state + 1 : "recovering");
			r = row_end(q);
		}
		for (size_t m = 0; r == 0 && m < nmissing; m++) {
			row_begin(q);
			row_textz(q, MDR_MD_DEVICE_NAME, a->name);
			row_textz(q, MDR_DRIVE_NAME, "unknown");
			row_int(q, MDR_SLOT, missing[m]);
			row_textz(q, MDR_STATE, "removed");
			r = row_end(q);
		}
	}
	free(st.arrays);
	return r;
}

const struct table_spec md_drives_spec = {
    .name = "md_drives",
    .description = "Drive devices used for Software RAID.",
    .source = "/proc/mdstat, /sys/block/md*/md/dev-*/{state,slot}",
    TABLE_COLUMNS(md_drives_cols),
    .generate = gen_md_drives,
};

/* ------------------------------------------------------------------ */
/* md_personalities */

enum {
	MDP_NAME,
};

static const struct column_spec md_personalities_cols[] = {
    [MDP_NAME] = {"name", COL_TEXT, 0, .help = "Name of personality supported by kernel"},
};

static int gen_md_personalities(struct query_ctx *q)
{
	struct mdstat st;
	int r;

	r = load_mdstat(qctx_rootfs(q), &st);
	for (size_t i = 0; r == 0 && i < st.npers; i++) {
		row_begin(q);
		row_textz(q, MDP_NAME, st.personalities[i]);
		r = row_end(q);
	}
	free(st.arrays);
	return r;
}

const struct table_spec md_personalities_spec = {
    .name = "md_personalities",
    .description = "Software RAID setting supported by the kernel.",
    .source = "/proc/mdstat (Personalities line)",
    TABLE_COLUMNS(md_personalities_cols),
    .generate = gen_md_personalities,
};
