/*
 * test_golden_cpu_features.c - platform_info and cpuid on captured
 * trees.
 *
 * platform_info reads tests/golden/roots/hw1/sys/firmware/dmi/tables/DMI
 * (an SMBIOS table written by hand, see test_golden_hardware.c), whose
 * BIOS structure (type 0, length 0x18) has vendor, version and date
 * strings 1-3 ("SeaBIOS", "1.16.2", "04/01/2014"), starting segment
 * 0x0000, ROM size byte 0 (64 KiB) and revision bytes 0, 0; the tree
 * has no sys/firmware/efi. Other tables are built here byte by byte.
 * cpuid is an instruction of the live processor: a tree gives no rows.
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

static void platform_info_hw1(void **state)
{
	struct engine *eng = test_golden_engine("hw1");

	(void)state;
	test_assert_query(eng, "SELECT * FROM platform_info",
			  "SeaBIOS|1.16.2|04/01/2014|0.0||bios|0x0000|65536|0\n");
	test_assert_query(eng, "SELECT typeof(size), typeof(volume_size) FROM platform_info",
			  "text|integer\n");
	/* cpuid: nothing from a captured tree */
	test_assert_query(eng, "SELECT count(*) FROM cpuid", "0\n");
	engine_free(eng);
}

/* An SMBIOS structure: type, length, handle, formatted bytes, strings. */
static void put_struct(struct strbuf *sb, uint8_t type, uint8_t length, const uint8_t *body,
		       const char *strings, size_t strings_len)
{
	strbuf_addch(sb, (char)type);
	strbuf_addch(sb, (char)length);
	strbuf_addch(sb, 0x00);
	strbuf_addch(sb, 0x01);
	for (size_t i = 4; i < length; i++)
		strbuf_addch(sb, (char)body[i]);
	strbuf_add(sb, strings, strings_len);
}

static void platform_info_hand_made(void **state)
{
	uint8_t bios[0x1a] = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	/* no DMI table: no rows */
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM platform_info", "0\n");
	engine_free(eng);

	/* SMBIOS 3.x BIOS information: vendor 1, version 2, segment 0xE800,
	 * date 3, ROM size byte 0xFF (256 * 64 KiB), revision 2.17 */
	bios[0x04] = 1;
	bios[0x05] = 2;
	bios[0x06] = 0x00;
	bios[0x07] = 0xe8;
	bios[0x08] = 3;
	bios[0x09] = 0xff;
	bios[0x14] = 2;
	bios[0x15] = 17;
	put_struct(&sb, 0, 0x1a, bios, "American Megatrends Inc.  \0F.50\0" "11/02/2023\0\0", 44);
	/* SMBIOS 2.0 (0x12 bytes): no revision bytes; version string 0 */
	bios[0x05] = 0;
	put_struct(&sb, 0, 0x12, bios, "Award\0unused\0" "01/01/1999\0\0", 25);
	/* too short for a BIOS structure: skipped */
	put_struct(&sb, 0, 0x10, bios, "x\0\0", 3);
	/* end of table, then a BIOS structure that must not be read */
	put_struct(&sb, 127, 4, bios, "\0\0", 2);
	put_struct(&sb, 0, 0x1a, bios, "Junk\0\0", 6);
	test_tree_write(&t, "sys/firmware/dmi/tables/DMI", sb.buf, sb.len);
	test_tree_write(&t, "sys/firmware/efi/fw_platform_size", "64\n", 3);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM platform_info",
			  /* trailing blanks of the vendor trimmed */
			  "American Megatrends Inc.|F.50|11/02/2023|2.17||uefi|0xe800|16777216|0\n"
			  "Award||01/01/1999|NULL||uefi|0xe800|16777216|0\n");
	engine_free(eng);

	/* a structure whose strings never end: what came before stands */
	strbuf_reset(&sb);
	bios[0x05] = 2;
	put_struct(&sb, 0, 0x1a, bios, "V\0W\0D\0\0", 7);
	put_struct(&sb, 0, 0x1a, bios, "unterminated", 12);
	test_tree_write(&t, "sys/firmware/dmi/tables/DMI", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT vendor, version, date, revision FROM platform_info",
			  "V|W|D|2.17\n");
	engine_free(eng);

	/* a table past the 1 MiB bound is an error, not a guess */
	{
		static char big[(1 << 20) + 1];

		test_tree_write(&t, "sys/firmware/dmi/tables/DMI", big, sizeof(big));
	}
	eng = test_engine(t.dir);
	test_assert_query_fails(eng, "SELECT * FROM platform_info", "");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(platform_info_hw1),
		cmocka_unit_test(platform_info_hand_made),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
