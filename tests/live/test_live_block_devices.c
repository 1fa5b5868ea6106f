/*
 * test_live_block_devices.c - block_devices against lsblk(8), at the
 * same moment.
 *
 *   lsblk -a -b -n -r -o NAME,SIZE,PKNAME,LOG-SEC,MAJ:MIN
 * lists every block device (-a: empty ones too) with its size in bytes,
 * its parent kernel name and its logical sector size. spoor must list
 * the same devices (as /dev/NAME) with size = bytes / 512, parent =
 * /dev/PKNAME (NULL when lsblk has none), block_size = LOG-SEC for whole
 * disks (a partition has no queue/ in sysfs, so osquery reports NULL)
 * and vendor = lsblk's VENDOR (lsblk trims the SCSI padding). RAM disks
 * (major 1), which lsblk hides, are left out of the comparison.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected (lsblk)\n%s--- spoor\n%s", what, expected, got);
}

static void block_devices_match_lsblk(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf expected = STRBUF_INIT;
	char *lsblk, *got, *save = NULL;

	(void)state;
	/* -r escapes blanks as \x20; -x NAME sorts, as the SQL below does */
	lsblk = test_run("lsblk -a -b -n -r -x NAME -o NAME,SIZE,PKNAME,LOG-SEC,MAJ:MIN,TYPE");
	got = test_query_text(eng,
			      "SELECT name, size, parent, CASE WHEN parent IS NULL THEN block_size "
			      "END FROM block_devices WHERE name NOT LIKE '/dev/ram%' ORDER BY name");
	for (char *line = strtok_r(lsblk, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[6] = { 0 }, *p = line;
		unsigned long long bytes;
		int n = 0;

		while (n < 6 && p) {
			f[n++] = p;
			p = strchr(p, ' ');
			if (p)
				*p++ = '\0';
		}
		assert_int_equal(n, 6);
		if (strncmp(f[4], "1:", 2) == 0)
			continue; /* ram disks */
		bytes = strtoull(f[1], NULL, 10);
		assert_int_equal(bytes % 512, 0);
		strbuf_addf(&expected, "/dev/%s|%llu|", f[0], bytes / 512);
		if (f[2][0])
			strbuf_addf(&expected, "/dev/%s|NULL\n", f[2]);
		else
			strbuf_addf(&expected, "NULL|%s\n", f[3]);
	}
	assert_true(expected.len > 0);
	assert_same("block_devices vs lsblk", expected.buf, got);
	free(lsblk);
	free(got);
	strbuf_release(&expected);
	engine_free(eng);
}

static void block_devices_vendor_match_lsblk(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf expected = STRBUF_INIT;
	char *lsblk, *got, *save = NULL;

	(void)state;
	/* lsblk -P quotes values, so an empty VENDOR stays a field */
	lsblk = test_run("lsblk -a -d -n -x NAME -P -o NAME,VENDOR,MAJ:MIN");
	got = test_query_text(eng, "SELECT name, trim(vendor) FROM block_devices "
				   "WHERE parent IS NULL AND vendor IS NOT NULL ORDER BY name");
	for (char *line = strtok_r(lsblk, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[256], vendor[256], majmin[64];

		/* NAME="vda" VENDOR="0x1af4" MAJ:MIN="254:0" */
		if (sscanf(line, "NAME=\"%255[^\"]\" VENDOR=\"%255[^\"]\" MAJ:MIN=\"%63[^\"]\"", name,
			   vendor, majmin) != 3)
			continue; /* no vendor */
		if (strncmp(majmin, "1:", 2) == 0)
			continue;
		strbuf_addf(&expected, "/dev/%s|%s\n", name, vendor);
	}
	assert_same("block_devices.vendor vs lsblk", expected.buf, got);
	free(lsblk);
	free(got);
	strbuf_release(&expected);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(block_devices_match_lsblk),
		cmocka_unit_test(block_devices_vendor_match_lsblk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
