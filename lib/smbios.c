/*
 * smbios.c - the SMBIOS structure table walker shared by the tables
 * that decode /sys/firmware/dmi/tables/DMI (see smbios.h).
 */
#include "smbios.h"

#include <errno.h>
#include <string.h>

#include "err.h"
#include "rootfs.h"
#include "banned.h"

int smbios_read_table(const struct rootfs *rfs, struct strbuf *sb)
{
	bool truncated = false;
	int r;

	r = rootfs_read(rfs, SMBIOS_DMI_PATH, sb, SMBIOS_TABLE_MAX, &truncated);
	if (r == -ENOENT || r == -EACCES || r == -EPERM)
		return 0;
	if (r < 0)
		return r;
	if (truncated)
		return -SPOOR_ETOOBIG;
	return 1;
}

int smbios_next(const uint8_t *table, size_t len, size_t *pos, struct smbios_struct *ret)
{
	size_t p = *pos, j;

	if (p + 4 > len)
		return -ENOENT;
	if (table[p + 1] < 4 || p + table[p + 1] > len)
		return -SPOOR_EPARSE;
	if (table[p] == SMBIOS_TYPE_END)
		return -ENOENT;
	for (j = p + table[p + 1]; j + 1 < len && (table[j] || table[j + 1]); j++)
		;
	if (j + 1 >= len)
		return -SPOOR_EPARSE;
	ret->data = table + p;
	ret->length = table[p + 1];
	ret->strings = table + p + ret->length;
	ret->strings_len = j + 2 - (p + ret->length);
	*pos = j + 2;
	return 0;
}

struct span smbios_string(const struct smbios_struct *s, uint8_t index)
{
	const char *p = (const char *)s->strings, *end = p + s->strings_len;
	struct span sp;

	if (index == 0 || s->strings_len == 0 || end[-1] != '\0')
		return span_make("", 0);
	while (--index > 0) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul || nul + 1 >= end)
			return span_make("", 0);
		p = nul + 1;
	}
	sp = span_make(p, strlen(p));
	while (!span_empty(&sp) && strchr(" \t\n\r\v\f", sp.end[-1]))
		sp.end--;
	return sp;
}

unsigned smbios_word(const struct smbios_struct *s, size_t off)
{
	return (unsigned)s->data[off] | (unsigned)s->data[off + 1] << 8;
}
