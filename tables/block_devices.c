/*
 * block_devices.c - the host's block devices: disks, partitions, loop,
 * zram, device-mapper and md devices.
 *
 *   SELECT name, parent, size * block_size AS bytes FROM block_devices;
 *   SELECT * FROM block_devices WHERE name = '/dev/sda1';
 *
 * osquery enumerates udev's "block" subsystem and reads, per device:
 * name = the device node (/dev/<DEVNAME>, devices without one are
 * skipped), parent = the node of the nearest ancestor in the block
 * subsystem (the disk of a partition), size = sysattr "size" (512-byte
 * sectors, as the kernel prints it), block_size = sysattr
 * queue/logical_block_size (absent, so NULL, for a partition), serial =
 * device/wwid, vendor = device/vendor, model = udev property
 * ID_MODEL_FROM_DATABASE or else ID_MODEL; type, uuid and label come
 * from a blkid probe of the node. A value that is not there is NULL.
 *
 * spoor reads the same sources through the rootfs layer, with no libudev:
 * /sys/class/block/<dev> (a symlink into /sys/devices, resolved by hand
 * so a captured tree replays), its uevent for DEVNAME, and udev's
 * database /run/udev/data/b<major>:<minor> for the properties. Sysattr
 * values lose their trailing newlines only, as udev returns them.
 * Deliberate differences: type/uuid/label are udev's own blkid results
 * (ID_FS_TYPE, ID_FS_UUID, ID_FS_LABEL in the udev database) rather
 * than a fresh probe of the device, so spoor never opens a disk and a
 * captured tree carries them; a host without the udev database gets
 * NULL there. osquery's LVM lookup (a logical volume's parent is its
 * physical volume, via liblvm2app) is not done: such parents are NULL.
 * Rows come in udev's enumeration order: by sysfs path, with md* and
 * dm-* devices last. `name = ...` / `IN` skips the other devices.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "strbuf.h"
#include "strparse.h"
#include "banned.h"

#define BLK_ATTR_MAX ((size_t)4 << 10)
#define BLK_UDEV_DB_MAX ((size_t)256 << 10)
#define BLK_PATH_MAX ((size_t)4 << 10)
/* a bound on devices, against a hostile tree */
#define BLK_DEVICES_MAX 65536

enum {
	BLK_NAME,
	BLK_PARENT,
	BLK_VENDOR,
	BLK_MODEL,
	BLK_SERIAL,
	BLK_SIZE,
	BLK_BLOCK_SIZE,
	BLK_UUID,
	BLK_TYPE,
	BLK_LABEL,
};

static const struct column_spec block_devices_cols[] = {
	[BLK_NAME] = { "name", COL_TEXT, COLF_INDEX, .help = "Block device name" },
	[BLK_PARENT] = { "parent", COL_TEXT, 0, .help = "Block device parent name" },
	[BLK_VENDOR] = { "vendor", COL_TEXT, 0, .help = "Block device vendor string" },
	[BLK_MODEL] = { "model", COL_TEXT, 0, .help = "Block device model string identifier" },
	[BLK_SERIAL] = { "serial", COL_TEXT, 0, .help = "Disk serial number" },
	[BLK_SIZE] = { "size", COL_BIGINT, 0, .help = "Block device size in blocks" },
	[BLK_BLOCK_SIZE] = { "block_size", COL_INTEGER, 0, .help = "Block size in bytes" },
	[BLK_UUID] = { "uuid", COL_TEXT, 0, .collate = COLLATE_NOCASE,
		       .help = "Block device Universally Unique Identifier" },
	[BLK_TYPE] = { "type", COL_TEXT, 0, .help = "Block device type string" },
	[BLK_LABEL] = { "label", COL_TEXT, 0, .help = "Block device label string" },
};

struct blkdev {
	char *name;    /* entry in /sys/class/block */
	char *syspath; /* resolved /sys/devices/... path */
	bool last;     /* md / dm: udev enumerates them last */
};

/* Resolves "." and ".." in an absolute path, in place. */
static void normalize_path(struct strbuf *sb)
{
	char *out = sb->buf, *in = sb->buf;
	size_t len = 0;

	while (*in) {
		char *seg;
		size_t n;

		while (*in == '/')
			in++;
		seg = in;
		while (*in && *in != '/')
			in++;
		n = (size_t)(in - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the '/' too */
			continue;
		}
		out[len++] = '/';
		memmove(out + len, seg, n);
		len += n;
	}
	if (len == 0)
		out[len++] = '/';
	strbuf_setlen(sb, len);
}

/* Reads a sysattr under dir: contents without trailing newlines.
 * Returns 0, or -errno (-ENOENT when absent). */
static int read_attr(const struct rootfs *rfs, const char *dir, const char *attr,
		     struct strbuf *ret)
{
	struct strbuf path = STRBUF_INIT;
	int r;

	strbuf_reset(ret);
	strbuf_addf(&path, "%s/%s", dir, attr);
	r = rootfs_read(rfs, path.buf, ret, BLK_ATTR_MAX, NULL);
	while (r == 0 && ret->len > 0 &&
	       (ret->buf[ret->len - 1] == '\n' || ret->buf[ret->len - 1] == '\r'))
		strbuf_setlen(ret, ret->len - 1);
	strbuf_release(&path);
	return r;
}

/* Value of KEY= in a uevent file or of E:KEY= in a udev database file. */
static bool find_prop(const struct strbuf *file, const char *prefix, const char *key,
		      struct span *ret)
{
	struct span sp = span_make(file->buf, file->len), line;
	size_t plen = strlen(prefix), klen = strlen(key);

	while (span_line(&sp, &line) == 0) {
		if (span_len(&line) < plen + klen + 1 || memcmp(line.p, prefix, plen) != 0 ||
		    memcmp(line.p + plen, key, klen) != 0 || line.p[plen + klen] != '=')
			continue;
		line.p += plen + klen + 1;
		*ret = line;
		return true;
	}
	return false;
}

static int cmp_blkdev(const void *a, const void *b)
{
	const struct blkdev *x = a, *y = b;

	if (x->last != y->last)
		return x->last ? 1 : -1;
	return strcmp(x->syspath, y->syspath);
}

static void blkdevs_free(struct blkdev *devs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(devs[i].name);
		free(devs[i].syspath);
	}
	free(devs);
}

static int list_devices(const struct rootfs *rfs, struct blkdev **ret, size_t *ret_n)
{
	struct blkdev *devs = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int r;

	r = rootfs_opendir(rfs, "/sys/class/block", &dir);
	if (r < 0)
		return r;
	while ((de = readdir(dir)) != NULL && n < BLK_DEVICES_MAX) {
		struct strbuf path = STRBUF_INIT;

		if (de->d_name[0] == '.')
			continue;
		strbuf_init(&path, BLK_PATH_MAX);
		strbuf_addf(&path, "/sys/class/block/%s", de->d_name);
		{
			struct strbuf link = STRBUF_INIT;

			/* a symlink into /sys/devices on a real sysfs; a plain
			 * directory is its own syspath */
			if (rootfs_readlink(rfs, path.buf, &link) == 0 && link.len > 0) {
				if (link.buf[0] == '/')
					strbuf_reset(&path);
				else
					strbuf_addstr(&path, "/..");
				strbuf_addch(&path, '/');
				strbuf_add(&path, link.buf, link.len);
				normalize_path(&path);
			}
			strbuf_release(&link);
		}
		if (path.toobig) {
			strbuf_release(&path);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			devs = xrealloc(devs, cap * sizeof(*devs));
		}
		devs[n].name = xstrdup(de->d_name);
		devs[n].syspath = strbuf_detach(&path, NULL);
		devs[n].last = strncmp(de->d_name, "md", 2) == 0 ||
			       strncmp(de->d_name, "dm-", 3) == 0;
		n++;
	}
	closedir(dir);
	if (n > 1)
		qsort(devs, n, sizeof(*devs), cmp_blkdev);
	*ret = devs;
	*ret_n = n;
	return 0;
}

static bool name_wanted(struct query_ctx *q, const char *node)
{
	size_t n = qctx_eq_count(q, BLK_NAME);

	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++) {
		const char *v = qctx_eq_text(q, BLK_NAME, i, NULL);

		if (v && strcmp(v, node) == 0)
			return true;
	}
	return false;
}

static void row_span(struct query_ctx *q, int col, const struct span *sp)
{
	row_text(q, col, sp->p, span_len(sp));
}

static void row_int_attr(struct query_ctx *q, int col, const struct strbuf *v)
{
	int64_t i;

	/* osquery casts the sysattr text to the column's integer type and
	 * answers NULL when that fails */
	if (parse_int64(v->buf, &i) == 0)
		row_int(q, col, i);
}

static int emit_device(struct query_ctx *q, const struct blkdev *d)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf uevent = STRBUF_INIT, val = STRBUF_INIT, node = STRBUF_INIT;
	struct span devname, major, minor;
	int r;

	r = read_attr(rfs, d->syspath, "uevent", &uevent);
	/* no uevent or no DEVNAME: udev has no device node for it */
	if (r < 0 || !find_prop(&uevent, "", "DEVNAME", &devname) || span_empty(&devname)) {
		r = 0;
		goto out;
	}
	strbuf_addstr(&node, "/dev/");
	strbuf_add(&node, devname.p, span_len(&devname));
	if (!name_wanted(q, node.buf)) {
		r = 0;
		goto out;
	}
	row_begin(q);
	row_text(q, BLK_NAME, node.buf, node.len);
	if (qctx_used(q, BLK_PARENT)) {
		/* the nearest ancestor directory that is a block device */
		struct strbuf dir = STRBUF_INIT;
		char *slash;

		strbuf_addstr(&dir, d->syspath);
		while ((slash = strrchr(dir.buf, '/')) != NULL && slash > dir.buf) {
			struct strbuf pue = STRBUF_INIT, sub = STRBUF_INIT;
			struct span pname;
			bool found = false;

			strbuf_setlen(&dir, (size_t)(slash - dir.buf));
			strbuf_addf(&sub, "%s/subsystem", dir.buf);
			/* udev's subsystem is the basename of the subsystem link */
			if (rootfs_readlink(rfs, sub.buf, &pue) == 0) {
				const char *base = strrchr(pue.buf, '/');

				base = base ? base + 1 : pue.buf;
				if (strcmp(base, "block") == 0) {
					found = true;
					strbuf_reset(&pue);
					if (read_attr(rfs, dir.buf, "uevent", &pue) == 0 &&
					    find_prop(&pue, "", "DEVNAME", &pname) &&
					    !span_empty(&pname))
						row_textf(q, BLK_PARENT, "/dev/%.*s",
							  (int)span_len(&pname), pname.p);
				}
			}
			strbuf_release(&pue);
			strbuf_release(&sub);
			if (found)
				break;
		}
		strbuf_release(&dir);
	}
	if (read_attr(rfs, d->syspath, "size", &val) == 0)
		row_int_attr(q, BLK_SIZE, &val);
	if (qctx_used(q, BLK_BLOCK_SIZE) &&
	    read_attr(rfs, d->syspath, "queue/logical_block_size", &val) == 0)
		row_int_attr(q, BLK_BLOCK_SIZE, &val);
	if (qctx_used(q, BLK_SERIAL) && read_attr(rfs, d->syspath, "device/wwid", &val) == 0)
		row_text(q, BLK_SERIAL, val.buf, val.len);
	if (qctx_used(q, BLK_VENDOR) && read_attr(rfs, d->syspath, "device/vendor", &val) == 0)
		row_text(q, BLK_VENDOR, val.buf, val.len);
	if (qctx_any_used(q, BLK_UUID, BLK_LABEL) || qctx_used(q, BLK_MODEL)) {
		struct strbuf db = STRBUF_INIT, path = STRBUF_INIT;
		struct span v;

		if (find_prop(&uevent, "", "MAJOR", &major) &&
		    find_prop(&uevent, "", "MINOR", &minor) && span_len(&major) < 16 &&
		    span_len(&minor) < 16) {
			strbuf_addf(&path, "/run/udev/data/b%.*s:%.*s", (int)span_len(&major),
				    major.p, (int)span_len(&minor), minor.p);
			if (rootfs_read(rfs, path.buf, &db, BLK_UDEV_DB_MAX, NULL) == 0) {
				if (find_prop(&db, "E:", "ID_MODEL_FROM_DATABASE", &v) ||
				    find_prop(&db, "E:", "ID_MODEL", &v))
					row_span(q, BLK_MODEL, &v);
				if (find_prop(&db, "E:", "ID_FS_TYPE", &v))
					row_span(q, BLK_TYPE, &v);
				if (find_prop(&db, "E:", "ID_FS_UUID", &v))
					row_span(q, BLK_UUID, &v);
				if (find_prop(&db, "E:", "ID_FS_LABEL", &v))
					row_span(q, BLK_LABEL, &v);
			}
		}
		strbuf_release(&db);
		strbuf_release(&path);
	}
	r = row_end(q);
out:
	strbuf_release(&uevent);
	strbuf_release(&val);
	strbuf_release(&node);
	return r;
}

static int gen_block_devices(struct query_ctx *q)
{
	struct blkdev *devs = NULL;
	size_t n = 0;
	int r;

	r = list_devices(qctx_rootfs(q), &devs, &n);
	if (r < 0)
		return r == -ENOENT || r == -ENOTDIR ? 0 : r;
	for (size_t i = 0; i < n; i++) {
		r = emit_device(q, &devs[i]);
		if (r < 0)
			break;
	}
	blkdevs_free(devs, n);
	return r;
}

const struct table_spec block_devices_spec = {
	.name = "block_devices",
	.description = "Block (buffered access) device file nodes: disks, ramdisks, and DMG "
		       "containers.",
	.source = "/sys/class/block/*/{uevent,size,queue/logical_block_size,device/wwid,"
		  "device/vendor}, /run/udev/data/b<maj>:<min>",
	TABLE_COLUMNS(block_devices_cols),
	.generate = gen_block_devices,
};
