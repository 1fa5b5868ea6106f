/*
 * test_golden_hardware.c - cpu_info, ulimit_info and shared_memory on
 * captured trees.
 *
 * tests/golden/roots/hw1 holds:
 *   - sys/firmware/dmi/tables/DMI, an SMBIOS table written by hand (the
 *     machine the tree was captured on has no SMBIOS): a BIOS structure;
 *     processors of type CPU (64-bit, trailing blanks in the version),
 *     CPU (32-bit, disabled), GPU (manufacturer string 0, version
 *     string out of range), Unknown (no strings at all), an SMBIOS 2.0
 *     processor of 0x1A bytes (too short for osquery), a later CPU; the
 *     end-of-table structure, then junk that must not be read. Its
 *     decoding was checked with dmidecode 3.4 (--from-dump, see
 *     tests/live/test_live_hardware.c, which repeats the comparison);
 *   - proc/sysvipc/shm: two segments captured on this machine after
 *     ipcmk -M, one attached, locked and removed while attached (mode
 *     3600, key 0), then edge cases written by hand: a removed segment
 *     (1666) with three users, one whose owner and creator differ, a
 *     permission that is no octal number, a short line, a negative
 *     count.
 * Every expected value below was checked by hand against those files.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* cpu_info */

static void cpu_info_all(void **state)
{
	struct engine *eng = test_golden_engine("hw1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM cpu_info",
		     /* type 3: CPU0, trailing blanks of the version trimmed;
		      * characteristics 0x00fc has bit 2: 64-bit */
		     "CPU0|Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz|Intel(R) Corporation|3|65|"
		     "16|32|64|2100|4000|CPU 0\n"
		     /* status 0x42: populated, disabled by the user */
		     "CPU1|AMD Ryzen 7|AMD|3|66|8|8|32|0|3000|CPU 1\n"
		     /* type 6 counts on: GPU2; string 0 and string 9 of one
		      * are '' */
		     "GPU2|||6|65|4|4|64|1500|1500|GPU socket\n"
		     /* type 2 (Unknown): no device_id */
		     "NULL|||2|0|0|0|32|0|0|\n"
		     /* the 0x1A-byte processor is skipped, and the end of the
		      * table ends the list before the junk */
		     "CPU3|Neoverse-N1|ARM|3|65|2|4|64|2500|2500|CPU 2\n");
	test_assert_query(eng,
		     "SELECT typeof(processor_type), typeof(cpu_status), typeof(number_of_cores), "
		     "typeof(max_clock_speed) FROM cpu_info LIMIT 1",
		     "text|integer|text|integer\n");
	engine_free(eng);
}

/* An SMBIOS structure: 4-byte header, formatted bytes, strings. */
static void dmi_struct(struct strbuf *sb, uint8_t type, uint8_t length, const uint8_t *body,
		       const char *strings, size_t strings_len)
{
	strbuf_addch(sb, (char)type);
	strbuf_addch(sb, (char)length);
	strbuf_addch(sb, 0x34);
	strbuf_addch(sb, 0x12);
	for (size_t i = 4; i < length; i++)
		strbuf_addch(sb, body ? (char)body[i] : 0);
	strbuf_add(sb, strings, strings_len);
}

static void cpu_info_hostile(void **state)
{
	uint8_t cpu[0x30] = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	/* no DMI table (this VM, most containers): no rows */
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM cpu_info", "0\n");
	engine_free(eng);

	cpu[0x04] = 1;
	cpu[0x05] = 3;
	cpu[0x10] = 1;
	cpu[0x14] = 0xe8;
	cpu[0x15] = 0x03;
	/* a good processor, then one whose strings never end */
	dmi_struct(&sb, 4, 0x30, cpu, "P\0\0", 3);
	dmi_struct(&sb, 4, 0x30, cpu, "unterminated", 12);
	test_tree_write(&t, "sys/firmware/dmi/tables/DMI", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT device_id, model, max_clock_speed, socket_designation FROM cpu_info",
		     "CPU0|P|1000|P\n");
	engine_free(eng);

	/* a structure length under 4 ends the walk */
	strbuf_reset(&sb);
	dmi_struct(&sb, 4, 0x30, cpu, "A\0\0", 3);
	strbuf_addstr(&sb, "\x04\x02");
	strbuf_add(&sb, "\0\0", 2);
	test_tree_write(&t, "sys/firmware/dmi/tables/DMI", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT model FROM cpu_info", "A\n");
	engine_free(eng);

	/* a formatted area running past the data */
	strbuf_reset(&sb);
	dmi_struct(&sb, 4, 0x30, cpu, "B\0\0", 3);
	strbuf_addch(&sb, 4);
	strbuf_addch(&sb, 0x30);
	strbuf_addstr(&sb, "\x01\x02\x03");
	test_tree_write(&t, "sys/firmware/dmi/tables/DMI", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT model FROM cpu_info", "B\n");
	engine_free(eng);

	/* binary garbage: whatever it decodes to, no crash and no error */
	strbuf_reset(&sb);
	{
		uint32_t x = 99;

		test_garbage(&sb, 65536, x);
	}
	test_tree_write(&t, "sys/firmware/dmi/tables/DMI", sb.buf, sb.len);
	eng = test_engine(t.dir);
	free(test_query_text(eng, "SELECT * FROM cpu_info"));
	engine_free(eng);

	/* past the 1 MiB bound: an error */
	strbuf_reset(&sb);
	while (sb.len <= ((size_t)1 << 20))
		dmi_struct(&sb, 0, 0x18, NULL, "\0\0", 2);
	test_tree_write(&t, "sys/firmware/dmi/tables/DMI", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query_fails(eng, "SELECT count(*) FROM cpu_info", "exceeds its size limit");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

/* ------------------------------------------------------------------ */
/* ulimit_info */

static void ulimit_info_not_live(void **state)
{
	struct engine *eng = test_golden_engine("hw1");

	(void)state;
	/* the limits are spoor's own process's: a captured tree has none */
	test_assert_query(eng, "SELECT count(*) FROM ulimit_info", "0\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* shared_memory */

static void shared_memory_all(void **state)
{
	struct engine *eng = test_golden_engine("hw1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM shared_memory",
		     /* ipcmk -M 8192 -p 0640, attached and detached once */
		     "22|0|0|1757|1403|1795824853|1795824853|1795824851|0640|8192|0||0\n"
		     /* attached, SHM_LOCK'ed, IPC_RMID'ed: mode 03600 */
		     "23|0|0|1757|1404|1795824853|0|1795824851|3600|1000000|1|dest|1\n"
		     /* by hand: 01666, three users */
		     "131074|1000|0|2301|2200|1700000100|1700000200|1700000000|1666|67108864|3|"
		     "dest|0\n"
		     "131075|1000|1001|2200|2200|1700000100|1700000200|1700000000|0644|4096|0||0\n"
		     /* skipped: perms "6x4", the short line, nattch -1 */);
	test_assert_query(eng, "SELECT shmid FROM shared_memory WHERE status = 'dest' AND locked = 1",
		     "23\n");
	engine_free(eng);
}

static void shared_memory_hostile(void **state)
{
	static const char header[] =
		"       key      shmid perms                  size  cpid  lpid nattch   uid   gid  "
		"cuid  cgid      atime      dtime      ctime                   rss                  "
		"swap\n";
	/* an older kernel: no rss/swap, so the columns are found by name */
	static const char old[] =
		"       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid "
		"     atime      dtime      ctime\n"
		"         0          5   600       4096    10    11      1     0     0     0     0 "
		"         1          2          3\n";
	static const char reordered[] =
		"shmid key size perms cpid lpid nattch uid gid cuid cgid atime dtime ctime\n"
		"7 0 4096 2644 10 11 1 5 5 6 6 1 2 3\n";
	static const char no_cuid[] =
		"       key      shmid perms       size  cpid  lpid nattch   uid   gid\n"
		"         0          5   600       4096    10    11      1     0     0\n";
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM shared_memory", "0\n");
	engine_free(eng);

	/* a header and no segments; an empty file */
	test_tree_write(&t, "proc/sysvipc/shm", header, sizeof(header) - 1);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM shared_memory", "0\n");
	engine_free(eng);
	test_tree_write(&t, "proc/sysvipc/shm", "", 0);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM shared_memory", "0\n");
	engine_free(eng);

	test_tree_write(&t, "proc/sysvipc/shm", old, sizeof(old) - 1);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM shared_memory", "5|0|0|11|10|1|2|3|0600|4096|1||0\n");
	engine_free(eng);
	test_tree_write(&t, "proc/sysvipc/shm", reordered, sizeof(reordered) - 1);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM shared_memory", "7|5|6|11|10|1|2|3|2644|4096|1||1\n");
	engine_free(eng);

	/* a header without a needed column is no table spoor can read */
	test_tree_write(&t, "proc/sysvipc/shm", no_cuid, sizeof(no_cuid) - 1);
	eng = test_engine(t.dir);
	test_assert_query_fails(eng, "SELECT count(*) FROM shared_memory", "malformed input");
	engine_free(eng);

	/* garbage after a good header */
	strbuf_addstr(&sb, header);
	{
		uint32_t x = 5;

		test_garbage(&sb, 65536, x);
	}
	strbuf_addstr(&sb, "\n         0          9   600                  4096    10    11      1"
			   "     0     0     0     0          1          2          3"
			   "                     0                     0\n");
	test_tree_write(&t, "proc/sysvipc/shm", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT shmid, size FROM shared_memory WHERE shmid = 9", "9|4096\n");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpu_info_all),
		cmocka_unit_test(cpu_info_hostile),
		cmocka_unit_test(ulimit_info_not_live),
		cmocka_unit_test(shared_memory_all),
		cmocka_unit_test(shared_memory_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
