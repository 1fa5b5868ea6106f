/*
 * devices.c - buses and what is plugged into them: pci_devices,
 * usb_devices.
 *
 *   SELECT pci_slot, vendor, model, driver FROM pci_devices;
 *   SELECT vendor_id, model_id, serial FROM usb_devices WHERE removable = 1;
 *
 * osquery asks udev for these properties; spoor has no udev, so it reads
 * what udev itself is built from, all through the rootfs layer:
 *   - /sys/bus/{pci,usb}/devices/<dev>/uevent: the kernel's properties
 *     (PCI_SLOT_NAME, PCI_ID, PCI_SUBSYS_ID, PCI_CLASS, DRIVER; BUSNUM,
 *     DEVNUM, TYPE, DEVTYPE);
 *   - sysfs attributes udev's usb_id builtin reads (idVendor, idProduct,
 *     bcdDevice, product, serial, removable);
 *   - the pci.ids / usb.ids databases (/usr/share/misc, /usr/share/hwdata,
 *     /usr/share, /var/lib/usbutils) for the names udev's hwdb and
 *     osquery's own PciDB take from them.
 * The name databases are read only when a name column is used.
 */
#include <dirent.h>
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

#define UEVENT_MAX ((size_t)64 << 10)
#define ATTR_MAX ((size_t)4 << 10)
/* pci.ids is ~1.4 MB and usb.ids ~0.7 MB today */
#define IDS_DB_MAX ((size_t)32 << 20)
/* no bus has more devices than this; stops a hostile tree */
#define MAX_BUS_DEVICES 65536

/* ------------------------------------------------------------------ */
/* shared helpers */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a sysfs bus directory, sorted; *ret_n = 0 and 0 when
 * the directory does not exist. */
static int list_bus(const struct rootfs *rfs, const char *dir, char ***ret, size_t *ret_n)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int r;

	*ret = NULL;
	*ret_n = 0;
	r = rootfs_opendir(rfs, dir, &d);
	if (r < 0)
		return r == -ENOENT || r == -ENOTDIR ? 0 : r;
	while ((de = readdir(d)) && n < MAX_BUS_DEVICES) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	*ret = names;
	*ret_n = n;
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Value of KEY in a uevent buffer ("KEY=value" lines); false if absent. */
static bool uevent_get(const struct strbuf *ue, const char *key, struct span *ret)
{
	struct span sp = span_make(ue->buf, ue->len), line;
	size_t klen = strlen(key);

	while (span_line(&sp, &line) == 0) {
		if (span_len(&line) > klen && !memcmp(line.p, key, klen) && line.p[klen] == '=') {
			ret->p = line.p + klen + 1;
			ret->end = line.end;
			return true;
		}
	}
	return false;
}

/* Reads a one-line sysfs attribute, trailing whitespace dropped. */
static int read_attr(const struct rootfs *rfs, const char *bus, const char *dev, const char *attr,
                     struct strbuf *out)
{
	char path[512];
	int r;

	strbuf_reset(out);
	if ((size_t)snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/%s", bus, dev, attr) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	r = rootfs_read(rfs, path, out, ATTR_MAX, NULL);
	if (r < 0)
		return r;
	strbuf_rtrim(out);
	return 0;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void lower(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

/*
 * A pci.ids / usb.ids database held in memory, with the offset of every
 * vendor line ("vvvv  Name") and class line ("C cc  Name") so a lookup
 * scans only that vendor's block. Absent database: loaded == false and
 * every lookup fails.
 */
struct ids_db {
	struct strbuf text;
	bool loaded;
	uint32_t *vendor_off; /* 65536 entries, UINT32_MAX = absent */
	uint32_t class_off[256];
};

static void ids_db_release(struct ids_db *db)
{
	strbuf_release(&db->text);
	free(db->vendor_off);
	db->vendor_off = NULL;
	db->loaded = false;
}

static int hex_n(const char *p, size_t n, uint32_t *ret)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!is_hex(c))
			return -EINVAL;
		v = v * 16 + (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	*ret = v;
	return 0;
}

/* Loads the first database found among paths; 0 also when none exists. */
static int ids_db_load(struct ids_db *db, const struct rootfs *rfs, const char *const *paths)
{
	struct span sp, line;
	int r = -ENOENT;

	strbuf_init(&db->text, IDS_DB_MAX);
	for (size_t i = 0; paths[i] && r == -ENOENT; i++)
		r = rootfs_read(rfs, paths[i], &db->text, IDS_DB_MAX, NULL);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	db->vendor_off = xmalloc(65536 * sizeof(*db->vendor_off));
	memset(db->vendor_off, 0xff, 65536 * sizeof(*db->vendor_off));
	memset(db->class_off, 0xff, sizeof(db->class_off));
	sp = span_make(db->text.buf, db->text.len);
	while (span_line(&sp, &line) == 0) {
		uint32_t id, off = (uint32_t)(line.p - db->text.buf);

		if (span_len(&line) >= 6 && hex_n(line.p, 4, &id) == 0 && line.p[4] == ' ') {
			/* first definition wins, as in osquery's PciDB */
			if (db->vendor_off[id] == UINT32_MAX)
				db->vendor_off[id] = off;
		} else if (span_len(&line) >= 5 && line.p[0] == 'C' && line.p[1] == ' ' &&
		           hex_n(line.p + 2, 2, &id) == 0) {
			if (db->class_off[id] == UINT32_MAX)
				db->class_off[id] = off;
		}
	}
	db->loaded = true;
	return 0;
}

/*
 * The name on a database line after skip bytes, cut at '#' (osquery
 * strips comments that way) and right-trimmed; false when empty.
 */
static bool ids_name(struct span line, size_t skip, struct strbuf *out)
{
	const char *hash;

	if (span_len(&line) <= skip)
		return false;
	line.p += skip;
	hash = memchr(line.p, '#', span_len(&line));
	if (hash)
		line.end = hash;
	while (line.end > line.p &&
	       (line.end[-1] == ' ' || line.end[-1] == '\t' || line.end[-1] == '\r'))
		line.end--;
	strbuf_reset(out);
	strbuf_add(out, line.p, span_len(&line));
	return true;
}

/* The block of lines after the header line at off, up to the next line
 * that does not start with a tab. */
static struct span ids_block(const struct ids_db *db, uint32_t off)
{
	struct span sp = span_make(db->text.buf + off, db->text.len - off), line;
	const char *start;

	span_line(&sp, &line);
	start = sp.p;
	while (!span_empty(&sp) && (sp.p[0] == '\t' || sp.p[0] == '#' || sp.p[0] == '\n'))
		span_line(&sp, &line);
	return span_make(start, (size_t)(sp.p - start));
}

/* Vendor name for vendor id v. */
static bool ids_vendor(const struct ids_db *db, uint32_t v, struct strbuf *out)
{
	struct span sp, line;

	if (!db->loaded || v > 0xffff || db->vendor_off[v] == UINT32_MAX)
		return false;
	sp = span_make(db->text.buf + db->vendor_off[v], db->text.len - db->vendor_off[v]);
	span_line(&sp, &line);
	return ids_name(line, 6, out);
}

/* Line "\tdddd  Name" for device d of vendor v; with sub, the line
 * "\t\tssss tttt  Name" under it. */
static bool ids_find(const struct ids_db *db, uint32_t v, uint32_t d, bool sub, uint32_t sv,
                     uint32_t sd, struct span *ret)
{
	struct span blk, line;
	bool in_dev = false;

	if (!db->loaded || v > 0xffff || db->vendor_off[v] == UINT32_MAX)
		return false;
	blk = ids_block(db, db->vendor_off[v]);
	while (span_line(&blk, &line) == 0) {
		uint32_t a, b;

		if (span_len(&line) >= 6 && line.p[0] == '\t' && line.p[1] != '\t') {
			in_dev = hex_n(line.p + 1, 4, &a) == 0 && a == d;
			if (in_dev && !sub) {
				*ret = line;
				return true;
			}
		} else if (sub && in_dev && span_len(&line) >= 12 && line.p[1] == '\t' &&
		           hex_n(line.p + 2, 4, &a) == 0 && line.p[6] == ' ' &&
		           hex_n(line.p + 7, 4, &b) == 0 && a == sv && b == sd) {
			*ret = line;
			return true;
		}
	}
	return false;
}

/* Class name ("C cc  Name") and, with want_sub, subclass ("\tss  Name"). */
static bool ids_class(const struct ids_db *db, uint32_t cls, bool want_sub, uint32_t subcls,
                      struct strbuf *out)
{
	struct span sp, blk, line;

	if (!db->loaded || cls > 0xff || db->class_off[cls] == UINT32_MAX)
		return false;
	if (!want_sub) {
		sp =
		    span_make(db->text.buf + db->class_off[cls], db->text.len - db->class_off[cls]);
		span_line(&sp, &line);
		return ids_name(line, 6, out);
	}
	blk = ids_block(db, db->class_off[cls]);
	while (span_line(&blk, &line) == 0) {
		uint32_t s;

		if (span_len(&line) >= 4 && line.p[0] == '\t' && line.p[1] != '\t' &&
		    hex_n(line.p + 1, 2, &s) == 0 && s == subcls)
			return ids_name(line, 5, out);
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* pci_devices */

enum {
	PCI_PCI_SLOT,
	PCI_PCI_CLASS,
	PCI_DRIVER,
	PCI_VENDOR,
	PCI_VENDOR_ID,
	PCI_MODEL,
	PCI_MODEL_ID,
	PCI_PCI_CLASS_ID,
	PCI_PCI_SUBCLASS_ID,
	PCI_PCI_SUBCLASS,
	PCI_SUBSYSTEM_VENDOR_ID,
	PCI_SUBSYSTEM_VENDOR,
	PCI_SUBSYSTEM_MODEL_ID,
	PCI_SUBSYSTEM_MODEL,
};

static const struct column_spec pci_devices_cols[] = {
    [PCI_PCI_SLOT] = {"pci_slot", COL_TEXT, 0, .help = "PCI Device used slot"},
    [PCI_PCI_CLASS] = {"pci_class", COL_TEXT, 0, .help = "PCI Device class"},
    [PCI_DRIVER] = {"driver", COL_TEXT, 0, .help = "PCI Device used driver"},
    [PCI_VENDOR] = {"vendor", COL_TEXT, 0, .help = "PCI Device vendor"},
    [PCI_VENDOR_ID] = {"vendor_id", COL_TEXT, 0, .collate = COLLATE_NOCASE,
                       .help = "Hex encoded PCI Device vendor identifier"},
    [PCI_MODEL] = {"model", COL_TEXT, 0, .help = "PCI Device model"},
    [PCI_MODEL_ID] = {"model_id", COL_TEXT, 0, .collate = COLLATE_NOCASE,
                      .help = "Hex encoded PCI Device model identifier"},
    [PCI_PCI_CLASS_ID] = {"pci_class_id", COL_TEXT, 0, .collate = COLLATE_NOCASE,
                          .help = "PCI Device class ID in hex format"},
    [PCI_PCI_SUBCLASS_ID] = {"pci_subclass_id", COL_TEXT, 0, .collate = COLLATE_NOCASE,
                             .help = "PCI Device  subclass in hex format"},
    [PCI_PCI_SUBCLASS] = {"pci_subclass", COL_TEXT, 0, .help = "PCI Device subclass"},
    [PCI_SUBSYSTEM_VENDOR_ID] = {"subsystem_vendor_id", COL_TEXT, 0, .collate = COLLATE_NOCASE,
                                 .help = "Vendor ID of PCI device subsystem"},
    [PCI_SUBSYSTEM_VENDOR] = {"subsystem_vendor", COL_TEXT, 0,
                              .help = "Vendor of PCI device subsystem"},
    [PCI_SUBSYSTEM_MODEL_ID] = {"subsystem_model_id", COL_TEXT, 0, .collate = COLLATE_NOCASE,
                                .help = "Model ID of PCI device subsystem"},
    [PCI_SUBSYSTEM_MODEL] = {"subsystem_model", COL_TEXT, 0,
                             .help = "Device description of PCI device subsystem"},
};

static const char *const pci_ids_paths[] = {"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids",
                                            "/usr/share/pci.ids", NULL};

/* "VVVV:DDDD" (any case) -> lower-case ids; osquery's splitVendorModelAttrs
 * accepts exactly one ':' with something after it; spoor also requires
 * the 4-hex-digit shape the kernel always prints. */
static bool split_ids(const struct span *v, char vend[5], char dev[5])
{
	if (span_len(v) != 9 || v->p[4] != ':')
		return false;
	memcpy(vend, v->p, 4);
	memcpy(dev, v->p + 5, 4);
	vend[4] = dev[4] = '\0';
	lower(vend, 4);
	lower(dev, 4);
	for (int i = 0; i < 4; i++)
		if (!is_hex(vend[i]) || !is_hex(dev[i]))
			return false;
	return true;
}

static void emit_name(struct query_ctx *q, int col, bool ok, const struct strbuf *name,
                      bool empty_if_missing)
{
	if (ok)
		row_text(q, col, name->buf, name->len);
	else if (empty_if_missing)
		row_textz(q, col, "");
}

static int gen_pci_devices(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf ue = STRBUF_INIT, name = STRBUF_INIT;
	struct ids_db db = {.loaded = false};
	char **devs = NULL;
	size_t ndevs = 0;
	int r;

	r = list_bus(rfs, "/sys/bus/pci/devices", &devs, &ndevs);
	if (r < 0 || !ndevs)
		goto out;
	if (qctx_used(q, PCI_PCI_CLASS) || qctx_used(q, PCI_VENDOR) || qctx_used(q, PCI_MODEL) ||
	    qctx_used(q, PCI_PCI_SUBCLASS) || qctx_used(q, PCI_SUBSYSTEM_VENDOR) ||
	    qctx_used(q, PCI_SUBSYSTEM_MODEL)) {
		r = ids_db_load(&db, rfs, pci_ids_paths);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < ndevs; i++) {
		char path[512], vend[5], dev[5], svend[5], sdev[5];
		struct span v;
		uint32_t vid = 0, did = 0, svid = 0, sdid = 0, cls = 0, subcls = 0;
		bool have_ids = false, have_sub = false, have_class = false;

		if ((size_t)snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uevent",
		                     devs[i]) >= sizeof(path))
			continue;
		strbuf_reset(&ue);
		r = rootfs_read(rfs, path, &ue, UEVENT_MAX, NULL);
		if (r == -ENOENT)
			continue; /* unplugged while we walked */
		if (r < 0)
			goto out;

		row_begin(q);
		/* udev properties osquery reads with getValue(): "" when absent */
		row_textz(q, PCI_PCI_SLOT, "");
		if (uevent_get(&ue, "PCI_SLOT_NAME", &v))
			row_text(q, PCI_PCI_SLOT, v.p, span_len(&v));
		row_textz(q, PCI_DRIVER, "");
		if (uevent_get(&ue, "DRIVER", &v))
			row_text(q, PCI_DRIVER, v.p, span_len(&v));

		if (uevent_get(&ue, "PCI_ID", &v) && split_ids(&v, vend, dev)) {
			have_ids = true;
			hex_n(vend, 4, &vid);
			hex_n(dev, 4, &did);
			row_textf(q, PCI_VENDOR_ID, "0x%s", vend);
			row_textf(q, PCI_MODEL_ID, "0x%s", dev);
			if (uevent_get(&ue, "PCI_SUBSYS_ID", &v) && split_ids(&v, svend, sdev)) {
				have_sub = true;
				hex_n(svend, 4, &svid);
				hex_n(sdev, 4, &sdid);
				row_textf(q, PCI_SUBSYSTEM_VENDOR_ID, "0x%s", svend);
				row_textf(q, PCI_SUBSYSTEM_MODEL_ID, "0x%s", sdev);
			}
		} else {
			/* osquery's legacy value for an unparsable PCI_ID */
			row_textz(q, PCI_VENDOR_ID, "0");
			row_textz(q, PCI_MODEL_ID, "0");
		}

		/* PCI_CLASS is 6 hex digits, or 5 when the class is < 0x10 */
		if (uevent_get(&ue, "PCI_CLASS", &v) && (span_len(&v) == 5 || span_len(&v) == 6)) {
			char c[7] = "0";
			size_t off = 6 - span_len(&v);

			memcpy(c + off, v.p, span_len(&v));
			c[6] = '\0';
			lower(c, 6);
			if (hex_n(c, 2, &cls) == 0 && hex_n(c + 2, 2, &subcls) == 0) {
				have_class = true;
				row_textf(q, PCI_PCI_CLASS_ID, "0x%.2s", c);
				row_textf(q, PCI_PCI_SUBCLASS_ID, "0x%.2s", c + 2);
			}
		}

		/* names: udev's hwdb gives "" when unknown, PciDB leaves that */
		if (qctx_used(q, PCI_PCI_CLASS))
			emit_name(q, PCI_PCI_CLASS,
			          have_class && ids_class(&db, cls, false, 0, &name), &name, true);
		if (qctx_used(q, PCI_PCI_SUBCLASS))
			emit_name(q, PCI_PCI_SUBCLASS,
			          have_class && ids_class(&db, cls, true, subcls, &name), &name,
			          true);
		if (qctx_used(q, PCI_VENDOR))
			emit_name(q, PCI_VENDOR, have_ids && ids_vendor(&db, vid, &name), &name,
			          true);
		if (qctx_used(q, PCI_MODEL)) {
			bool ok = have_ids && ids_find(&db, vid, did, false, 0, 0, &v) &&
			          ids_name(v, 7, &name);

			emit_name(q, PCI_MODEL, ok, &name, true);
		}
		/* subsystem names: NULL when unknown, as osquery never sets them */
		if (qctx_used(q, PCI_SUBSYSTEM_VENDOR))
			emit_name(q, PCI_SUBSYSTEM_VENDOR, have_sub && ids_vendor(&db, svid, &name),
			          &name, false);
		if (qctx_used(q, PCI_SUBSYSTEM_MODEL)) {
			bool ok = have_sub && ids_find(&db, vid, did, true, svid, sdid, &v) &&
			          ids_name(v, 11, &name);

			if (ok) {
				/* osquery trims both ends of the subsystem name */
				size_t s = 0;

				while (s < name.len && (name.buf[s] == ' ' || name.buf[s] == '\t'))
					s++;
				row_text(q, PCI_SUBSYSTEM_MODEL, name.buf + s, name.len - s);
			}
		}
		r = row_end(q);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	free_names(devs, ndevs);
	ids_db_release(&db);
	strbuf_release(&ue);
	strbuf_release(&name);
	return r;
}

const struct table_spec pci_devices_spec = {
    .name = "pci_devices",
    .description = "PCI devices active on the host system.",
    .source = "/sys/bus/pci/devices/*/uevent; names from pci.ids",
    TABLE_COLUMNS(pci_devices_cols),
    .generate = gen_pci_devices,
};

/* ------------------------------------------------------------------ */
/* usb_devices */

enum {
	USB_USB_ADDRESS,
	USB_USB_PORT,
	USB_VENDOR,
	USB_VENDOR_ID,
	USB_VERSION,
	USB_MODEL,
	USB_MODEL_ID,
	USB_SERIAL,
	USB_CLASS,
	USB_SUBCLASS,
	USB_PROTOCOL,
	USB_REMOVABLE,
};

static const struct column_spec usb_devices_cols[] = {
    [USB_USB_ADDRESS] = {"usb_address", COL_INTEGER, 0, .help = "USB Device used address"},
    [USB_USB_PORT] = {"usb_port", COL_INTEGER, 0, .help = "USB Device used port"},
    [USB_VENDOR] = {"vendor", COL_TEXT, 0, .help = "USB Device vendor string"},
    [USB_VENDOR_ID] = {"vendor_id", COL_TEXT, 0, .collate = COLLATE_NOCASE,
                       .help = "Hex encoded USB Device vendor identifier"},
    [USB_VERSION] = {"version", COL_TEXT, 0, .collate = COLLATE_VERSION,
                     .help = "USB Device version number"},
    [USB_MODEL] = {"model", COL_TEXT, 0, .help = "USB Device model string"},
    [USB_MODEL_ID] = {"model_id", COL_TEXT, 0, .collate = COLLATE_NOCASE,
                      .help = "Hex encoded USB Device model identifier"},
    [USB_SERIAL] = {"serial", COL_TEXT, 0, .help = "USB Device serial connection"},
    [USB_CLASS] = {"class", COL_TEXT, 0, .help = "USB Device class"},
    [USB_SUBCLASS] = {"subclass", COL_TEXT, 0, .help = "USB Device subclass"},
    [USB_PROTOCOL] = {"protocol", COL_TEXT, 0, .help = "USB Device protocol"},
    [USB_REMOVABLE] = {"removable", COL_INTEGER, 0, .help = "1 If USB device is removable else 0"},
};

static const char *const usb_ids_paths[] = {"/usr/share/misc/usb.ids", "/usr/share/hwdata/usb.ids",
                                            "/var/lib/usbutils/usb.ids", "/usr/share/usb.ids",
                                            NULL};

/*
 * udev's usb_id sanitizing of a descriptor string: whitespace trimmed,
 * each run of whitespace made one '_', then every byte outside
 * [0-9A-Za-z#+-.:=@_] and outside UTF-8 sequences made '_'.
 */
static void udev_sanitize(const struct strbuf *in, struct strbuf *out)
{
	size_t s = 0, e = in->len;

	strbuf_reset(out);
	while (s < e && strchr(" \t\n\r\v\f", in->buf[s]) && in->buf[s])
		s++;
	while (e > s && strchr(" \t\n\r\v\f", in->buf[e - 1]) && in->buf[e - 1])
		e--;
	for (size_t i = s; i < e; i++) {
		unsigned char c = (unsigned char)in->buf[i];

		if (strchr(" \t\n\r\v\f", (char)c) && c) {
			while (i + 1 < e && strchr(" \t\n\r\v\f", in->buf[i + 1]) && in->buf[i + 1])
				i++;
			strbuf_addch(out, '_');
		} else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		           (c >= 'A' && c <= 'Z') || strchr("#+-.:=@_", (char)c) || c >= 0x80) {
			strbuf_addch(out, (char)(c ? c : '_'));
		} else {
			strbuf_addch(out, '_');
		}
	}
}

static int gen_usb_devices(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf ue = STRBUF_INIT, attr = STRBUF_INIT, name = STRBUF_INIT;
	struct ids_db db = {.loaded = false};
	char **devs = NULL;
	size_t ndevs = 0;
	int r;

	r = list_bus(rfs, "/sys/bus/usb/devices", &devs, &ndevs);
	if (r < 0 || !ndevs)
		goto out;
	if (qctx_used(q, USB_VENDOR) || qctx_used(q, USB_MODEL)) {
		r = ids_db_load(&db, rfs, usb_ids_paths);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < ndevs; i++) {
		char path[512];
		struct span busnum, devnum, type, v;
		uint32_t vid = 0, pid = 0;
		uint64_t bus, port;
		bool have_vid, have_pid, named = false;

		if ((size_t)snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/uevent",
		                     devs[i]) >= sizeof(path))
			continue;
		strbuf_reset(&ue);
		r = rootfs_read(rfs, path, &ue, UEVENT_MAX, NULL);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			goto out;
		/* osquery keeps only entries with BUSNUM and DEVNUM: devices,
		 * not interfaces */
		if (!uevent_get(&ue, "BUSNUM", &busnum) || span_empty(&busnum) ||
		    !uevent_get(&ue, "DEVNUM", &devnum) || span_empty(&devnum))
			continue;
		/* "001": osquery's INTEGER columns turn it into 1 */
		if (span_uint64(&busnum, &bus) < 0 || !span_empty(&busnum) || bus > INT32_MAX ||
		    span_uint64(&devnum, &port) < 0 || !span_empty(&devnum) || port > INT32_MAX)
			continue;

		row_begin(q);
		row_int(q, USB_USB_ADDRESS, (int64_t)bus);
		row_int(q, USB_USB_PORT, (int64_t)port);

		have_vid = read_attr(rfs, "usb", devs[i], "idVendor", &attr) == 0 &&
		           attr.len == 4 && hex_n(attr.buf, 4, &vid) == 0;
		row_textz(q, USB_VENDOR_ID, have_vid ? attr.buf : "");
		have_pid = read_attr(rfs, "usb", devs[i], "idProduct", &attr) == 0 &&
		           attr.len == 4 && hex_n(attr.buf, 4, &pid) == 0;
		row_textz(q, USB_MODEL_ID, have_pid ? attr.buf : "");
		if (qctx_used(q, USB_VERSION))
			row_textz(q, USB_VERSION,
			          read_attr(rfs, "usb", devs[i], "bcdDevice", &attr) == 0 ? attr.buf
			                                                                  : "");
		if (qctx_used(q, USB_SERIAL)) {
			row_textz(q, USB_SERIAL, "");
			if (read_attr(rfs, "usb", devs[i], "serial", &attr) == 0) {
				udev_sanitize(&attr, &name);
				row_text(q, USB_SERIAL, name.buf, name.len);
			}
		}
		if (qctx_used(q, USB_VENDOR))
			emit_name(q, USB_VENDOR, have_vid && ids_vendor(&db, vid, &name), &name,
			          true);
		if (qctx_used(q, USB_MODEL)) {
			if (have_vid && have_pid && ids_find(&db, vid, pid, false, 0, 0, &v) &&
			    ids_name(v, 7, &name)) {
				row_text(q, USB_MODEL, name.buf, name.len);
				named = true;
			}
			/* fallback ID_MODEL: the product string, else the id */
			if (!named && read_attr(rfs, "usb", devs[i], "product", &attr) == 0 &&
			    attr.len) {
				udev_sanitize(&attr, &name);
				row_text(q, USB_MODEL, name.buf, name.len);
			} else if (!named) {
				row_textz(q, USB_MODEL, "");
				if (read_attr(rfs, "usb", devs[i], "idProduct", &attr) == 0)
					row_text(q, USB_MODEL, attr.buf, attr.len);
			}
		}

		/* TYPE=class/subclass/protocol, decimal */
		row_textz(q, USB_CLASS, "");
		row_textz(q, USB_SUBCLASS, "");
		row_textz(q, USB_PROTOCOL, "");
		if (uevent_get(&ue, "TYPE", &type)) {
			struct span a, b, c, rest = type;

			if (span_until(&rest, '/', &a) == 0 && span_until(&rest, '/', &b) == 0 &&
			    span_until(&rest, '/', &c) == 0 && span_empty(&rest) &&
			    !memchr(c.p, '/', span_len(&c)) && !span_empty(&a) && !span_empty(&b) &&
			    !span_empty(&c)) {
				row_text(q, USB_CLASS, a.p, span_len(&a));
				row_text(q, USB_SUBCLASS, b.p, span_len(&b));
				row_text(q, USB_PROTOCOL, c.p, span_len(&c));
			}
		}

		/* osquery: "unknown" is -1, anything else (even "fixed") 1 */
		if (qctx_used(q, USB_REMOVABLE))
			row_int(q, USB_REMOVABLE,
			        read_attr(rfs, "usb", devs[i], "removable", &attr) == 0 &&
			                !strcmp(attr.buf, "unknown")
			            ? -1
			            : 1);
		r = row_end(q);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	free_names(devs, ndevs);
	ids_db_release(&db);
	strbuf_release(&ue);
	strbuf_release(&attr);
	strbuf_release(&name);
	return r;
}

const struct table_spec usb_devices_spec = {
    .name = "usb_devices",
    .description = "USB devices that are actively plugged into the host system.",
    .source = "/sys/bus/usb/devices/*/{uevent,idVendor,idProduct,bcdDevice,serial,product,"
              "removable}; names from usb.ids",
    TABLE_COLUMNS(usb_devices_cols),
    .generate = gen_usb_devices,
};
