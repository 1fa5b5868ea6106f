/*
 * test_golden_block_devices.c - block_devices on a captured tree.
 *
 * tests/golden/roots/blk1 is a hand-made sysfs + udev database laid out
 * as the kernel does it (/sys/class/block/<dev> symlinks into
 * /sys/devices, "subsystem" links, uevent files):
 *   sda: a SCSI disk under a PCI ATA host, vendor "ATA     " (padded, as
 *     SCSI prints it), device/wwid, 2097152 sectors, 512-byte blocks,
 *     udev ID_MODEL=QEMU_HARDDISK;
 *   sda1: a partition (no queue/, no device link) with udev's blkid
 *     results ext4 / a uuid / label "root fs";
 *   sda2: a partition whose size is "garbage" and with no udev record;
 *   loop0 (size 0), zram0 (size 2^64-1, block size ending in "\r\n",
 *     uevent without a final newline), dm-0 (ID_MODEL_FROM_DATABASE
 *     wins over ID_MODEL, an empty ID_FS_UUID), md127 (no queue/), and
 *     "nonode" whose uevent has no DEVNAME (udev gives it no node).
 * Every expected value was checked by hand against those files.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine.h"
#include "testutil.h"

static void block_devices_all(void **state)
{
	struct engine *eng = test_golden_engine("blk1");

	(void)state;
	/* udev order: by sysfs path, md and dm last; nonode is skipped */
	test_assert_query(
		eng, "SELECT * FROM block_devices",
		"/dev/sda|NULL|ATA     |QEMU_HARDDISK|"
		"t10.ATA     QEMU HARDDISK                           QM00001|2097152|512|NULL|"
		"NULL|NULL\n"
		"/dev/sda1|/dev/sda|NULL|QEMU_HARDDISK|NULL|2095071|NULL|"
		"0f3c1e1a-5a47-4bfa-9d5c-2b7ad0ef1a11|ext4|root fs\n"
		/* a size that is not a number is NULL, as osquery's cast */
		"/dev/sda2|/dev/sda|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL\n"
		"/dev/loop0|NULL|NULL|NULL|NULL|0|512|NULL|NULL|NULL\n"
		/* 2^64-1 does not fit osquery's BIGINT */
		"/dev/zram0|NULL|NULL|NULL|NULL|NULL|4096|NULL|NULL|NULL\n"
		"/dev/dm-0|NULL|NULL|Virtual Mapper|NULL|409600|4096||xfs|NULL\n"
		"/dev/md127|NULL|NULL|NULL|NULL|1024|NULL|NULL|NULL|NULL\n");
	engine_free(eng);
}

static void block_devices_constraints(void **state)
{
	struct engine *eng = test_golden_engine("blk1");

	(void)state;
	test_assert_query(eng, "SELECT name, parent, size FROM block_devices WHERE name = '/dev/sda1'",
			  "/dev/sda1|/dev/sda|2095071\n");
	test_assert_query(eng,
			  "SELECT name FROM block_devices WHERE name IN ('/dev/md127', 'sda', "
			  "'/dev/nonode', '/dev/loop0')",
			  "/dev/loop0\n/dev/md127\n");
	test_assert_query(eng, "SELECT name FROM block_devices WHERE parent = '/dev/sda'",
			  "/dev/sda1\n/dev/sda2\n");
	/* a narrow projection reads no udev database and no parent */
	test_assert_query(eng, "SELECT name, block_size FROM block_devices WHERE size > 1000000",
			  "/dev/sda|512\n/dev/sda1|NULL\n");
	test_assert_query(eng, "SELECT uuid FROM block_devices WHERE type = 'ext4'",
			  "0f3c1e1a-5a47-4bfa-9d5c-2b7ad0ef1a11\n");
	engine_free(eng);
}

static void block_devices_absent(void **state)
{
	struct engine *eng = test_golden_engine("certs1");

	(void)state;
	/* no /sys/class/block: no rows, not an error */
	test_assert_query(eng, "SELECT count(*) FROM block_devices", "0\n");
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(block_devices_all),
		cmocka_unit_test(block_devices_constraints),
		cmocka_unit_test(block_devices_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
