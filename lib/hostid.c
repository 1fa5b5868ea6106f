/*
 * hostid.c - the host's identity (see hostid.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "hostid.h"
#include "rootfs.h"
#include "strparse.h"
#include "banned.h"

/* product_uuid and machine-id are one short line; this only stops a
 * hostile tree from making us read a large file */
#define ID_FILE_MAX ((size_t)4096)

/* UUIDs firmware reports when it has none (osquery's list) */
static const char *const placeholder_uuids[] = {
	"00000000-0000-0000-0000-000000000000",
	"03000200-0400-0500-0006-000700080009",
	"03020100-0504-0706-0809-0a0b0c0d0e0f",
	"10000000-0000-8000-0040-000000000000",
};

static bool is_placeholder(const struct span *sp)
{
	for (size_t i = 0; i < sizeof(placeholder_uuids) / sizeof(placeholder_uuids[0]); i++) {
		size_t n = strlen(placeholder_uuids[i]);

		if (span_len(sp) == n && strncasecmp(sp->p, placeholder_uuids[i], n) == 0)
			return true;
	}
	return false;
}

static int from_dmi(const struct rootfs *rfs, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct strbuf clean = STRBUF_INIT;
	struct span sp;
	const char *nul;
	int r;

	r = rootfs_read(rfs, "/sys/class/dmi/id/product_uuid", &sb, ID_FILE_MAX, NULL);
	if (r < 0)
		goto out;
	/* newlines removed anywhere, as osquery does, then trimmed */
	for (size_t i = 0; i < sb.len; i++)
		if (sb.buf[i] != '\n')
			strbuf_addch(&clean, sb.buf[i]);
	sp = span_make(clean.buf, clean.len);
	span_trim(&sp);
	nul = memchr(sp.p, '\0', span_len(&sp));
	if (nul)
		sp.end = nul;
	if (span_empty(&sp) || is_placeholder(&sp)) {
		r = -ENOENT;
		goto out;
	}
	r = strbuf_add(out, sp.p, span_len(&sp));
out:
	strbuf_release(&clean);
	strbuf_release(&sb);
	return r;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int from_machine_id(const struct rootfs *rfs, const char *path, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct span sp;
	char id[33];
	int r;

	r = rootfs_read(rfs, path, &sb, ID_FILE_MAX, NULL);
	if (r < 0)
		goto out;
	sp = span_make(sb.buf, sb.len);
	span_trim(&sp);
	if (span_len(&sp) != 32) {
		r = -ENOENT;
		goto out;
	}
	for (size_t i = 0; i < 32; i++) {
		char c = sp.p[i];

		if (!is_hex(c)) {
			r = -ENOENT;
			goto out;
		}
		id[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
	}
	id[32] = '\0';
	/* an all-zero machine-id is as meaningless as a placeholder UUID */
	if (strspn(id, "0") == 32) {
		r = -ENOENT;
		goto out;
	}
	r = strbuf_addf(out, "%.8s-%.4s-%.4s-%.4s-%.12s", id, id + 8, id + 12, id + 16, id + 20);
out:
	strbuf_release(&sb);
	return r;
}

int host_uuid(const struct rootfs *rfs, struct strbuf *out)
{
	if (from_dmi(rfs, out) == 0)
		return 0;
	if (from_machine_id(rfs, "/etc/machine-id", out) == 0)
		return 0;
	if (from_machine_id(rfs, "/var/lib/dbus/machine-id", out) == 0)
		return 0;
	return -ENOENT;
}
