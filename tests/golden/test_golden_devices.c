/*
 * test_golden_devices.c - pci_devices, usb_devices and md_* on trees.
 *
 * tests/golden/roots/dev1 holds this machine's /sys/bus/pci/devices/
 * uevent files (a KVM guest: an Intel host bridge and five virtio
 * devices) and a pci.ids trimmed to the verbatim lines those devices
 * need (0x8086:0x0d57 is deliberately absent from Debian's pci.ids, so
 * its model is ""). It has no USB and no md.
 *
 * Everything else is built at run time: hand-made PCI and USB devices
 * (5-digit class, lower/upper-case ids, an unparsable PCI_ID, a USB
 * interface, whitespace and '/' in descriptor strings, removable
 * "unknown"/"fixed"), /proc/mdstat files with raid1 and raid5 arrays, a
 * degraded array with a faulty disk and a removed slot, a spare, a
 * resync in progress, a delayed resync, a recovery, a check, an inactive
 * array, an auto-read-only array, and hostile files (binary garbage,
 * truncated lines, missing files). Every expected value was worked out
 * by hand from the files written below.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "testutil.h"

#define W(t, rel, s) test_tree_write(t, rel, s, strlen(s))

static const char mdstat[] =
    "Personalities : [raid1] [raid6] [raid5] [raid4] \n"
    "md1 : active raid1 sdc1[2](F) sdb1[0]\n"
    "      976630272 blocks super 1.2 [2/1] [U_]\n"
    "      bitmap: 1/8 pages [4KB], 65536KB chunk\n"
    "\n"
    "md0 : active raid5 sdf1[3] sde1[1] sdd1[0]\n"
    "      1953260544 blocks super 1.2 level 5, 512k chunk, algorithm 2 [3/3] [UUU]\n"
    "      [=>...................]  resync =  7.5% (73465216/976630272) "
    "finish=124.3min speed=121052K/sec\n"
    "\n"
    "unused devices: <none>\n";

static void md_tables(void **state)
{
	struct test_tree t;
	struct engine *eng;

	(void)state;
	test_tree_make(&t);
	W(&t, "proc/mdstat", mdstat);
	W(&t, "sys/block/md0/md/level", "raid5\n");
	W(&t, "sys/block/md0/md/chunk_size", "524288\n");
	W(&t, "sys/block/md0/md/raid_disks", "3\n");
	W(&t, "sys/block/md0/md/array_state", "clean\n");
	W(&t, "sys/block/md0/md/metadata_version", "1.2\n");
	W(&t, "sys/block/md0/md/dev-sdd1/state", "in_sync\n");
	W(&t, "sys/block/md0/md/dev-sdd1/slot", "0\n");
	W(&t, "sys/block/md0/md/dev-sde1/state", "in_sync\n");
	W(&t, "sys/block/md0/md/dev-sde1/slot", "1\n");
	W(&t, "sys/block/md0/md/dev-sdf1/state", "in_sync,write_mostly\n");
	W(&t, "sys/block/md0/md/dev-sdf1/slot", "2\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT name FROM md_personalities", "raid1\nraid6\nraid5\nraid4\n");
	test_assert_query(eng,
	                  "SELECT device_name, status, raid_level, size, chunk_size, raid_disks, "
	                  "nr_raid_disks, working_disks, active_disks, failed_disks, spare_disks, "
	                  "superblock_state, superblock_version, bitmap_on_mem, bitmap_chunk_size, "
	                  "bitmap_external_file, resync_progress, resync_finish, resync_speed, "
	                  "unused_devices, other FROM md_devices",
	                  "md1|active|1|976630272|NULL|2|2|1|1|1|0|NULL|NULL|1/8 pages [4KB]|"
	                  "65536KB chunk||NULL|NULL|NULL|<none>|super 1.2\n"
	                  "md0|active|5|1953260544|524288|3|3|3|3|0|0|clean|1.2|NULL|NULL|NULL|"
	                  "7.5% (73465216/976630272)|124.3min|121052K/sec|<none>|"
	                  "super 1.2 level 5, 512k chunk, algorithm 2\n");
	test_assert_query(eng, "SELECT * FROM md_drives",
	                  "md1|/dev/sdb1|0|active sync\n"
	                  "md1|/dev/sdc1|1|faulty\n"
	                  "md0|/dev/sdd1|0|active sync\n"
	                  "md0|/dev/sde1|1|active sync\n"
	                  "md0|/dev/sdf1|2|active sync writemostly\n");
	engine_free(eng);
	test_tree_remove(&t);
}

static void pci_usb(void **state)
{
	struct test_tree t;
	struct engine *eng;

	(void)state;
	test_tree_make(&t);
	W(&t, "sys/bus/pci/devices/0000:00:1f.2/uevent",
	  "DRIVER=ahci\nPCI_CLASS=10601\nPCI_ID=8086:A102\nPCI_SUBSYS_ID=1028:06E4\n"
	  "PCI_SLOT_NAME=0000:00:1f.2\n");
	W(&t, "sys/bus/pci/devices/0000:03:00.0/uevent",
	  "PCI_CLASS=FF0000\nPCI_ID=garbage\nPCI_SLOT_NAME=0000:03:00.0\n");
	W(&t, "usr/share/misc/pci.ids",
	  "# comment\n8086  Intel Corporation\n\ta102  Q170/Q150 SATA # note\n"
	  "\t\t1028 06e4  Dell SATA\n1028  Dell\nC 01  Mass storage controller\n"
	  "\t06  SATA controller\n");
	W(&t, "sys/bus/usb/devices/1-1/uevent",
	  "DEVTYPE=usb_device\nBUSNUM=001\nDEVNUM=004\nTYPE=0/0/0\n");
	W(&t, "sys/bus/usb/devices/1-1/idVendor", "0781\n");
	W(&t, "sys/bus/usb/devices/1-1/idProduct", "5567\n");
	W(&t, "sys/bus/usb/devices/1-1/bcdDevice", "0126\n");
	W(&t, "sys/bus/usb/devices/1-1/product", " Cruzer  Blade \n");
	W(&t, "sys/bus/usb/devices/1-1/serial", "4C53/0001\n");
	W(&t, "sys/bus/usb/devices/1-1/removable", "removable\n");
	W(&t, "sys/bus/usb/devices/1-1:1.0/uevent", "DEVTYPE=usb_interface\nTYPE=0/0/0\n");
	W(&t, "usr/share/misc/usb.ids", "0781  SanDisk Corp.\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM pci_devices",
	                  "0000:00:1f.2|Mass storage controller|ahci|Intel Corporation|0x8086|"
	                  "Q170/Q150 SATA|0xa102|0x01|0x06|SATA controller|0x1028|Dell|0x06e4|"
	                  "Dell SATA\n"
	                  "0000:03:00.0||||0||0|0xff|0x00||NULL|NULL|NULL|NULL\n");
	test_assert_query(eng, "SELECT * FROM usb_devices",
	                  "1|4|SanDisk Corp.|0781|0126|Cruzer_Blade|5567|4C53_0001|0|0|0|1\n");
	engine_free(eng);
	test_tree_remove(&t);
}

static void dev1_captured(void **state)
{
	struct engine *eng = test_golden_engine("dev1");

	(void)state;
	test_assert_query(
	    eng, "SELECT * FROM pci_devices",
	    "0000:00:00.0|Bridge||Intel Corporation|0x8086||0x0d57|0x06|0x00|Host bridge|"
	    "0x0000|NULL|0x0000|NULL\n"
	    "0000:00:01.0|Unassigned class|virtio-pci|Red Hat, Inc.|0x1af4|"
	    "Virtio 1.0 memory balloon|0x1045|0xff|0xff||0x1af4|Red Hat, Inc.|0x1045|NULL\n"
	    "0000:00:02.0|Mass storage controller|virtio-pci|Red Hat, Inc.|0x1af4|"
	    "Virtio 1.0 block device|0x1042|0x01|0x80|Mass storage controller|0x1af4|"
	    "Red Hat, Inc.|0x1042|NULL\n"
	    "0000:00:03.0|Network controller|virtio-pci|Red Hat, Inc.|0x1af4|"
	    "Virtio 1.0 network device|0x1041|0x02|0x00|Ethernet controller|0x1af4|"
	    "Red Hat, Inc.|0x1041|NULL\n"
	    "0000:00:04.0|Unassigned class|virtio-pci|Red Hat, Inc.|0x1af4|Virtio 1.0 socket|"
	    "0x1053|0xff|0xff||0x1af4|Red Hat, Inc.|0x1053|NULL\n"
	    "0000:00:05.0|Unassigned class|virtio-pci|Red Hat, Inc.|0x1af4|Virtio 1.0 RNG|"
	    "0x1044|0xff|0xff||0x1af4|Red Hat, Inc.|0x1044|NULL\n");
	/* projection: ids only, no database needed; = on a column */
	test_assert_query(eng, "SELECT pci_slot, model_id FROM pci_devices WHERE driver = ''",
	                  "0000:00:00.0|0x0d57\n");
	test_assert_query(eng, "SELECT count(*) FROM usb_devices", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM md_devices", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM md_drives", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM md_personalities", "0\n");
	engine_free(eng);
}

/* A degraded raid5 with a removed slot and a spare rebuilding into it,
 * with no sysfs: everything from mdstat alone. */
static const char mdstat_degraded[] =
    "Personalities : [raid5] \n"
    "md2 : active raid5 sdd1[4] sdc1[2] sda1[0]\n"
    "      209584128 blocks super 1.2 level 5, 512k chunk, algorithm 2 [3/2] [U_U]\n"
    "      [>....................]  recovery =  0.6% (699904/104792064) finish=14.8min "
    "speed=116650K/sec\n"
    "      \n"
    "md3 : active raid1 sdg1[2](S) sdf1[1] sde1[0](F)\n"
    "      1048512 blocks [2/1] [_U]\n"
    "        resync=DELAYED\n"
    "\n"
    "md4 : active (auto-read-only) raid1 sdi1[1] sdh1[0]\n"
    "      2096064 blocks super 1.2 [2/2] [UU]\n"
    "      [==>..................]  check = 12.5% (262144/2096064) finish=0.3min "
    "speed=87381K/sec\n"
    "\n"
    "md127 : inactive sdj[0](S)\n"
    "      976631512 blocks super external:imsm\n"
    "\n"
    "md5 : active raid6 sdk1[0] sdl1[1] sdm1[2] sdn1[3]\n"
    "      41906176 blocks super 1.2 level 6, 512k chunk, algorithm 2 [4/4] [UUUU]\n"
    "      [=>...................]  reshape =  5.0% (1047808/20953088) finish=3.2min "
    "speed=102400K/sec\n"
    "      bitmap: 0/1 pages [0KB], 65536KB chunk, file: /var/md5.bitmap\n"
    "\n"
    "unused devices: sdz1 sdy1\n";

static void md_mdstat_only(void **state)
{
	struct test_tree t;
	struct engine *eng;

	(void)state;
	test_tree_make(&t);
	W(&t, "proc/mdstat", mdstat_degraded);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM md_personalities", "raid5\n");
	test_assert_query(
	    eng,
	    "SELECT device_name, status, raid_level, size, raid_disks, nr_raid_disks, "
	    "working_disks, active_disks, failed_disks, spare_disks, superblock_state, "
	    "recovery_progress, recovery_finish, recovery_speed, resync_progress, "
	    "resync_finish, check_array_progress, check_array_finish, check_array_speed, "
	    "reshape_progress, reshape_finish, reshape_speed, bitmap_on_mem, "
	    "bitmap_chunk_size, bitmap_external_file, unused_devices, other FROM md_devices",
	    "md2|active|5|209584128|3|3|3|2|0|1|NULL|0.6% (699904/104792064)|14.8min|"
	    "116650K/sec|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|sdz1 sdy1|"
	    "super 1.2 level 5, 512k chunk, algorithm 2\n"
	    "md3|active|1|1048512|2|3|2|1|1|1|NULL|NULL|NULL|NULL|DELAYED||NULL|NULL|"
	    "NULL|NULL|NULL|NULL|NULL|NULL|NULL|sdz1 sdy1|\n"
	    "md4|active|1|2096064|2|2|2|2|0|0|NULL|NULL|NULL|NULL|NULL|NULL|"
	    "12.5% (262144/2096064)|0.3min|87381K/sec|NULL|NULL|NULL|NULL|NULL|NULL|"
	    "sdz1 sdy1|super 1.2\n"
	    "md127|inactive|NULL|976631512|NULL|1|1|0|0|1|NULL|NULL|NULL|NULL|NULL|NULL|"
	    "NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|sdz1 sdy1|\n"
	    "md5|active|6|41906176|4|4|4|4|0|0|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|"
	    "5.0% (1047808/20953088)|3.2min|102400K/sec|0/1 pages [0KB]|65536KB chunk|"
	    "/var/md5.bitmap|sdz1 sdy1|super 1.2 level 6, 512k chunk, algorithm 2\n");
	test_assert_query(eng, "SELECT * FROM md_drives",
	                  "md2|/dev/sda1|0|active sync\n"
	                  "md2|/dev/sdc1|2|active sync\n"
	                  "md2|/dev/sdd1|1|recovering\n"
	                  "md3|/dev/sde1|0|faulty\n"
	                  "md3|/dev/sdf1|1|active sync\n"
	                  "md3|/dev/sdg1|NULL|recovering\n"
	                  "md4|/dev/sdh1|0|active sync\n"
	                  "md4|/dev/sdi1|1|active sync\n"
	                  "md127|/dev/sdj|NULL|recovering\n"
	                  "md5|/dev/sdk1|0|active sync\n"
	                  "md5|/dev/sdl1|1|active sync\n"
	                  "md5|/dev/sdm1|2|active sync\n"
	                  "md5|/dev/sdn1|3|active sync\n");
	engine_free(eng);
	test_tree_remove(&t);
}

static void hostile_inputs(void **state)
{
	static const char garbage[] = "\x00\xff\xfe"
	                              "BUSNUM=\x01\nPCI_ID=\xff\xff:1234\n"
	                              "PCI_CLASS=\x00\x00\nmd0 : \x00\n\xff";
	struct test_tree t;
	struct engine *eng;

	(void)state;
	test_tree_make(&t);
	/* binary uevents and mdstat, an empty pci.ids, a truncated mdstat */
	test_tree_write(&t, "sys/bus/pci/devices/0000:00:00.0/uevent", garbage,
	                sizeof(garbage) - 1);
	test_tree_write(&t, "sys/bus/usb/devices/1-1/uevent", garbage, sizeof(garbage) - 1);
	W(&t, "sys/bus/usb/devices/2-1/uevent", "BUSNUM=002\nDEVNUM=x1\n");
	W(&t, "usr/share/misc/pci.ids", "");
	test_tree_write(&t, "proc/mdstat", garbage, sizeof(garbage) - 1);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM pci_devices",
	                  "||||0||0|NULL|NULL||NULL|NULL|NULL|NULL\n");
	test_assert_query(eng, "SELECT count(*) FROM usb_devices", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM md_personalities", "0\n");
	engine_free(eng);
	test_tree_remove(&t);

	/* truncated mdstat: an md line with no config line after it */
	test_tree_make(&t);
	W(&t, "proc/mdstat", "Personalities : [raid1]\nmd9 : active raid1 sda[0] sdb[1]");
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT device_name, size, raid_disks, other FROM md_devices",
	                  "md9|NULL|NULL|\n");
	test_assert_query(eng, "SELECT * FROM md_drives",
	                  "md9|/dev/sda|NULL|active sync\nmd9|/dev/sdb|NULL|active sync\n");
	engine_free(eng);
	test_tree_remove(&t);

	/* names that try to leave /sys/block: no sysfs read, mdstat only
	 * (a state file planted where "../" would lead is not read) */
	test_tree_make(&t);
	W(&t, "proc/mdstat", "md/../../x : active raid1 ../../y[0]\n      10 blocks [1/1] [U]\n");
	W(&t, "x/md/dev-../../y/state", "faulty\n");
	W(&t, "sys/block/y/state", "faulty\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM md_drives",
	                  "md/../../x|/dev/../../y|0|active sync\n");
	engine_free(eng);
	test_tree_remove(&t);

	/* a /proc/mdstat past the 1 MiB bound: the first MiB is parsed */
	{
		size_t n = (size_t)1 << 21, len = 0;
		char *big = malloc(n);
		const char *head = "Personalities : [raid1]\n";

		assert_non_null(big);
		memcpy(big, head, strlen(head));
		len = strlen(head);
		while (len + 16 < n) {
			memcpy(big + len, "unused devices:\n", 16);
			len += 16;
		}
		test_tree_make(&t);
		test_tree_write(&t, "proc/mdstat", big, len);
		eng = test_engine(t.dir);
		test_assert_query(eng, "SELECT * FROM md_personalities", "raid1\n");
		test_assert_query(eng, "SELECT count(*) FROM md_devices", "0\n");
		engine_free(eng);
		test_tree_remove(&t);
		free(big);
	}
}

static void usb_edge_cases(void **state)
{
	struct test_tree t;
	struct engine *eng;

	(void)state;
	test_tree_make(&t);
	/* no product string, no serial, no usb.ids: model falls back to the id */
	W(&t, "sys/bus/usb/devices/usb2/uevent",
	  "DEVTYPE=usb_device\nBUSNUM=002\nDEVNUM=001\nTYPE=9/0/3\n");
	W(&t, "sys/bus/usb/devices/usb2/idVendor", "1d6b\n");
	W(&t, "sys/bus/usb/devices/usb2/idProduct", "0003\n");
	W(&t, "sys/bus/usb/devices/usb2/bcdDevice", "0606\n");
	W(&t, "sys/bus/usb/devices/usb2/removable", "unknown\n");
	/* DEVNUM 010 is decimal 10 (osquery's base-0 parse would say 8) */
	W(&t, "sys/bus/usb/devices/2-3/uevent",
	  "DEVTYPE=usb_device\nBUSNUM=002\nDEVNUM=010\nTYPE=239/2\n");
	W(&t, "sys/bus/usb/devices/2-3/idVendor", "046d\n");
	W(&t, "sys/bus/usb/devices/2-3/idProduct", "c52b\n");
	W(&t, "sys/bus/usb/devices/2-3/product", "USB\tReceiver (v2)\n");
	W(&t, "sys/bus/usb/devices/2-3/serial", "\n");
	W(&t, "sys/bus/usb/devices/2-3/removable", "fixed\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM usb_devices",
	                  "2|10||046d||USB_Receiver__v2_|c52b|||||1\n"
	                  "2|1||1d6b|0606|0003|0003||9|0|3|-1\n");
	engine_free(eng);
	test_tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(md_tables),      cmocka_unit_test(pci_usb),
	    cmocka_unit_test(dev1_captured),  cmocka_unit_test(md_mdstat_only),
	    cmocka_unit_test(hostile_inputs), cmocka_unit_test(usb_edge_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
