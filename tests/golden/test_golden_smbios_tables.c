/*
 * test_golden_smbios_tables.c - smbios_tables, memory_arrays,
 * memory_devices and oem_strings on SMBIOS tables written by hand.
 *
 * The captured tree hw1 (see test_golden_hardware.c) holds a BIOS
 * structure, five processor structures and an end-of-table structure
 * followed by junk; the other tables are built here byte by byte, each
 * expected value worked out from the bytes (sizes: the formatted length
 * plus the string set with its double NUL; md5 of those bytes, checked
 * with Python's hashlib on the same bytes).
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

#define DMI "sys/firmware/dmi/tables/DMI"

static void add_word(uint8_t *b, size_t *n, unsigned v)
{
	b[(*n)++] = (uint8_t)(v & 0xff);
	b[(*n)++] = (uint8_t)(v >> 8);
}

static void add_dword(uint8_t *b, size_t *n, uint32_t v)
{
	add_word(b, n, v & 0xffff);
	add_word(b, n, v >> 16);
}

/* A structure: type, length, handle, the formatted bytes after the
 * header (body, zero-padded to length), then the string set. */
static void put(struct strbuf *sb, uint8_t type, uint8_t length, unsigned handle,
		const uint8_t *body, size_t body_len, const char *strings, size_t strings_len)
{
	strbuf_addch(sb, (char)type);
	strbuf_addch(sb, (char)length);
	strbuf_addch(sb, (char)(handle & 0xff));
	strbuf_addch(sb, (char)(handle >> 8));
	for (size_t i = 4; i < length; i++)
		strbuf_addch(sb, (char)(i - 4 < body_len ? body[i - 4] : 0));
	strbuf_add(sb, strings, strings_len);
}

#define STR(s) s, sizeof(s) - 1

static void build_table(struct strbuf *sb)
{
	uint8_t b[64];
	size_t n;

	/* 0: physical memory array (2.7, 0x17 bytes), handle 0x1000: system
	 * board, system memory, multi-bit ECC, capacity 0x80000000 so the
	 * extended capacity counts (0x40_0000_0000 bytes = 256 GiB), error
	 * handle 0xfffe (none), 4 devices */
	n = 0;
	b[n++] = 0x03;
	b[n++] = 0x03;
	b[n++] = 0x06;
	add_dword(b, &n, 0x80000000u);
	add_word(b, &n, 0xfffe);
	add_word(b, &n, 4);
	add_dword(b, &n, 0);
	add_dword(b, &n, 0x40);
	put(sb, 16, 0x17, 0x1000, b, n, STR("\0\0"));

	/* 1: array of SMBIOS 2.1 (0x0f bytes), handle 0x1001: NuBus, cache
	 * memory, error correction code 9 (unknown to osquery: NULL),
	 * 0x400000 KiB = 4 GiB, error handle 0x0030, 2 devices */
	n = 0;
	b[n++] = 0x0a;
	b[n++] = 0x07;
	b[n++] = 0x09;
	add_dword(b, &n, 0x00400000u);
	add_word(b, &n, 0x0030);
	add_word(b, &n, 2);
	put(sb, 16, 0x0f, 0x1001, b, n, STR("\0\0"));

	/* 2: memory device (2.8, 0x28 bytes), handle 0x1100 in array 0x1000:
	 * widths 72/64, size 0x7fff so the extended size (65536 MiB) counts,
	 * DIMM, set 0, locators 1 and 2, DDR4, details bits 7 and 13, speed
	 * 3200, strings 3, 4, none, 5, configured speed 2933, voltages
	 * 1200/1200/0 */
	n = 0;
	add_word(b, &n, 0x1000);
	add_word(b, &n, 0xfffe);
	add_word(b, &n, 72);
	add_word(b, &n, 64);
	add_word(b, &n, 0x7fff);
	b[n++] = 0x09;
	b[n++] = 0x00;
	b[n++] = 1;
	b[n++] = 2;
	b[n++] = 0x1a;
	add_word(b, &n, 0x2080);
	add_word(b, &n, 3200);
	b[n++] = 3;
	b[n++] = 4;
	b[n++] = 0;
	b[n++] = 5;
	b[n++] = 2;
	add_dword(b, &n, 0x10000);
	add_word(b, &n, 2933);
	add_word(b, &n, 1200);
	add_word(b, &n, 1200);
	add_word(b, &n, 0);
	assert_int_equal(n, 0x28 - 4);
	put(sb, 17, 0x28, 0x1100, b, n,
	    STR("DIMM_A1\0BANK 0\0Samsung\0 12345678\0M393A8G40AB2-CWE   \0\0"));

	/* 3: memory device of SMBIOS 2.1 (0x15 bytes), handle 0x1101: widths
	 * and size 0xffff (unknown), form factor Unknown, set 0xff, device
	 * locator 1, bank locator none, RAM, no detail bits; the fields of
	 * 2.3 and later are past its end */
	n = 0;
	add_word(b, &n, 0x1000);
	add_word(b, &n, 0xfffe);
	add_word(b, &n, 0xffff);
	add_word(b, &n, 0xffff);
	add_word(b, &n, 0xffff);
	b[n++] = 0x02;
	b[n++] = 0xff;
	b[n++] = 1;
	b[n++] = 0;
	b[n++] = 0x07;
	add_word(b, &n, 0);
	put(sb, 17, 0x15, 0x1101, b, n, STR("DIMM slot number one on the board\0\0"));

	/* 4: memory device of 0x22 bytes and no strings: 36 bytes in all,
	 * under osquery's 42, so not a memory_devices row */
	n = 0;
	add_word(b, &n, 0x1000);
	add_word(b, &n, 0xfffe);
	add_word(b, &n, 64);
	add_word(b, &n, 64);
	add_word(b, &n, 1024);
	b[n++] = 0x09;
	b[n++] = 0;
	b[n++] = 0;
	b[n++] = 0;
	b[n++] = 0x1a;
	put(sb, 17, 0x22, 0x1102, b, n, STR("\0\0"));

	/* 5: OEM strings, handle 0x0b00, counting 3 strings of which 2 exist */
	b[0] = 3;
	put(sb, 11, 5, 0x0b00, b, 1, STR("Hello\0World  \0\0"));
	/* 6: OEM strings counting none */
	b[0] = 0;
	put(sb, 11, 5, 0x0b01, b, 1, STR("\0\0"));
	/* 7: a type osquery has no name for */
	put(sb, 200, 4, 0x2000, b, 0, STR("\0\0"));
	/* 8: end of table; what follows is not read */
	put(sb, 127, 4, 0xfeff, b, 0, STR("\0\0"));
	b[0] = 1;
	put(sb, 11, 5, 0x0b02, b, 1, STR("Junk\0\0"));
}

static void smbios_hand_made(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	build_table(&sb);
	test_tree_write(&t, DMI, sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM smbios_tables",
			  "0|16|Physical Memory Array|4096|23|25|5fc54a7f6833451c4f52022ee0e61fd1\n"
			  "1|16|Physical Memory Array|4097|15|17|6f0c72bbf35c2c745a7a4b265f4c3e78\n"
			  "2|17|Memory Device|4352|40|94|9fc652955c15f72aeb0ee306b1e0bb33\n"
			  "3|17|Memory Device|4353|21|56|32f738de966b557fcf9243e7968c8270\n"
			  "4|17|Memory Device|4354|34|36|5734c900898e45da83a12ff4eeb9f9f1\n"
			  "5|11|OEM Strings|2816|5|20|14ffc772bc80169336872f2cd8491732\n"
			  "6|11|OEM Strings|2817|5|7|2a7bb0f4ab078ef32c8e088ec35a689b\n"
			  "7|200|Unknown|8192|4|6|17859dd439e1c34d4014696054f0f8de\n"
			  "8|127|End-of-Table|65279|4|6|7b5008495333f11a86a3897db61dca6b\n");
	/* without md5 in the projection: the same rows */
	test_assert_query(eng, "SELECT number, size FROM smbios_tables WHERE type = 17",
			  "2|94\n3|56\n4|36\n");
	test_assert_query(eng, "SELECT * FROM memory_arrays",
			  "0x1000|System board or motherboard|System memory|Multi-bit ECC|256|NULL|4\n"
			  "0x1001|NuBus|Cache memory|NULL|4|0x0030|2\n");
	test_assert_query(eng, "SELECT * FROM memory_devices",
			  "0x1100|0x1000|DIMM|72|64|65536|0|DIMM_A1|BANK 0|DDR4|"
			  "Synchronous Registered (Buffered)|3200|2933|Samsung| 12345678||"
			  "M393A8G40AB2-CWE|1200|1200|NULL\n"
			  "0x1101|0x1000|Unknown|NULL|NULL|NULL|NULL|"
			  "DIMM slot number one on the board||RAM||NULL|NULL|NULL|NULL|NULL|NULL|"
			  "NULL|NULL|NULL\n");
	test_assert_query(eng, "SELECT * FROM oem_strings",
			  "0x0b00|1|Hello\n0x0b00|2|World\n0x0b00|3|\n");
	test_assert_query(eng,
			  "SELECT typeof(handle), typeof(size), typeof(memory_type_details) "
			  "FROM memory_devices LIMIT 1",
			  "text|integer|text\n");
	engine_free(eng);

	/* a structure whose strings never end: what came before stands */
	strbuf_reset(&sb);
	put(&sb, 11, 5, 0x0b00, (const uint8_t *)"\1", 1, STR("A\0\0"));
	put(&sb, 11, 5, 0x0b01, (const uint8_t *)"\1", 1, STR("unterminated"));
	test_tree_write(&t, DMI, sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM oem_strings", "0x0b00|1|A\n");
	test_assert_query(eng, "SELECT number, type, size FROM smbios_tables", "0|11|8\n");
	engine_free(eng);

	/* a length under the header (garbage): no rows, no error */
	strbuf_reset(&sb);
	strbuf_add(&sb, "\x11\x02\x00\x00\x00\x00", 6);
	test_tree_write(&t, DMI, sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM smbios_tables", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM memory_devices", "0\n");
	engine_free(eng);

	/* a table past the 1 MiB bound is an error, not a guess */
	{
		static char big[(1 << 20) + 1];

		test_tree_write(&t, DMI, big, sizeof(big));
	}
	eng = test_engine(t.dir);
	test_assert_query_fails(eng, "SELECT * FROM smbios_tables", "");
	test_assert_query_fails(eng, "SELECT * FROM memory_devices", "");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

static void smbios_hw1(void **state)
{
	struct engine *eng = test_golden_engine("hw1");

	(void)state;
	/* the junk after the end-of-table structure is not read */
	test_assert_query(eng, "SELECT * FROM smbios_tables",
			  "0|0|BIOS Information|0|24|51|270ccdbe6bb3624c1d49f9437fe78391\n"
			  "1|4|Processor Information|1024|48|120|78b58cc9d9a0db69cd55b35a1ed296f4\n"
			  "2|4|Processor Information|1025|48|74|d86cb4d6c1388d3285d3db4aaed23f0b\n"
			  "3|4|Processor Information|1026|48|60|3e512fde0911f73cbd440d572a3f17ed\n"
			  "4|4|Processor Information|1027|48|50|be13ee8fbb18b30e761a85f2e28f9297\n"
			  "5|4|Processor Information|1028|26|51|4e28bd24e789ea0af7595896cf840d8d\n"
			  "6|4|Processor Information|1029|48|71|184b1fb901629931b85e779e43223a78\n"
			  "7|127|End-of-Table|65279|4|6|7b5008495333f11a86a3897db61dca6b\n");
	/* no memory or OEM structures there */
	test_assert_query(eng, "SELECT count(*) FROM memory_arrays", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM memory_devices", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM oem_strings", "0\n");
	engine_free(eng);
}

static void smbios_absent(void **state)
{
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM smbios_tables", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM memory_arrays", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM memory_devices", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM oem_strings", "0\n");
	engine_free(eng);
	test_tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(smbios_hw1),
		cmocka_unit_test(smbios_hand_made),
		cmocka_unit_test(smbios_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
