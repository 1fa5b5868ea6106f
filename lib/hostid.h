/*
 * hostid.h - the host's identity as osquery reports it.
 *
 * osquery_info.uuid and system_info.uuid are the same value: osquery's
 * getHostUUID(). Both tables call host_uuid() so they cannot disagree.
 */
#ifndef SPOOR_HOSTID_H
#define SPOOR_HOSTID_H

#include "strbuf.h"

struct rootfs;

/*
 * Appends the host UUID to out. Sources, in osquery's order:
 *   - /sys/class/dmi/id/product_uuid, newlines removed, trimmed, cut at
 *     the first NUL; refused when empty or one of the placeholder UUIDs
 *     some firmware reports (all zeros, 03000200-0400-0500-0006-...);
 *   - otherwise osquery generates a random UUID and persists it in its
 *     database. spoor has no database yet, so it derives a UUID that is
 *     just as stable from /etc/machine-id (or /var/lib/dbus/machine-id):
 *     the 32 hex digits written 8-4-4-4-12, lowercase.
 * Returns 0, or -ENOENT when no source gives a UUID (out unchanged).
 */
int host_uuid(const struct rootfs *rfs, struct strbuf *out);

#endif
