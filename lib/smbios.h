/*
 * smbios.h - walking the SMBIOS structure table the kernel exports as
 * /sys/firmware/dmi/tables/DMI.
 *
 * The table is a sequence of structures, each a formatted area (type,
 * length, handle, then type-specific bytes) followed by a set of
 * NUL-terminated strings that ends with a double NUL. Tables that
 * decode SMBIOS (cpu_info, platform_info) read the table once with
 * smbios_read_table() and walk it with smbios_next(); fields that are
 * strings are indexes into the structure's string set (smbios_string()).
 */
#ifndef SPOOR_SMBIOS_H
#define SPOOR_SMBIOS_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"
#include "strparse.h"

struct rootfs;

#define SMBIOS_DMI_PATH "/sys/firmware/dmi/tables/DMI"
/* The SMBIOS table of a large server is a few tens of KiB. */
#define SMBIOS_TABLE_MAX ((size_t)1 << 20)

/* SMBIOS structure types */
#define SMBIOS_TYPE_BIOS 0
#define SMBIOS_TYPE_PROCESSOR 4
#define SMBIOS_TYPE_END 127

/* One structure of the table: the formatted area (its first four bytes
 * being type, length and handle) and the string set after it, which
 * ends with a double NUL (both included in strings). Points into the
 * table it was read from. */
struct smbios_struct {
	const uint8_t *data;
	size_t length;
	const uint8_t *strings;
	size_t strings_len;
};

/*
 * Reads the DMI table of the root into sb (appended). Returns 1 when it
 * was read, 0 when there is none to read (absent, or not readable by
 * this user: a VM without SMBIOS, most containers), -SPOOR_ETOOBIG when
 * it is longer than SMBIOS_TABLE_MAX, another -errno on a read error.
 */
int smbios_read_table(const struct rootfs *rfs, struct strbuf *sb);

/*
 * The next structure of the table at *pos; -ENOENT at the end-of-table
 * structure or the end of the data, -SPOOR_EPARSE for a structure that
 * does not fit (a length under 4, a formatted area or a string set past
 * the end). dmidecode stops at the same places. *pos and *ret are only
 * changed on success.
 */
int smbios_next(const uint8_t *table, size_t len, size_t *pos, struct smbios_struct *ret);

/*
 * String number index (from 1) of a structure, with trailing blanks
 * trimmed; "" for index 0, a missing string, or a string set that does
 * not end in NUL (osquery's dmiString). The span points into the table.
 */
struct span smbios_string(const struct smbios_struct *s, uint8_t index);

/* The little-endian WORD at off; off + 2 must be within s->length. */
unsigned smbios_word(const struct smbios_struct *s, size_t off);

#endif
