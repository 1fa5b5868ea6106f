/*
 * smbios_tables.c - the SMBIOS structure table: smbios_tables (every
 * structure), memory_arrays (type 16), memory_devices (type 17) and
 * oem_strings (type 11).
 *
 *   SELECT number, type, description, handle, size, md5 FROM smbios_tables;
 *   SELECT handle, size, memory_type, part_number FROM memory_devices;
 *
 * Data source: /sys/firmware/dmi/tables/DMI through the rootfs, walked
 * with lib/smbios.h. No table (a VM without SMBIOS, most containers):
 * no rows. A structure that does not fit ends the walk; the structures
 * before it stand. Semantics follow osquery's smbios_utils.cpp; fields
 * past a structure's formatted area (older SMBIOS versions) are NULL
 * where osquery would read whatever bytes follow.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "smbios.h"
#include "strbuf.h"
#include "table_spec.h"
#include "banned.h"

#define SMBIOS_TYPE_OEM_STRINGS 11
#define SMBIOS_TYPE_MEMORY_ARRAY 16
#define SMBIOS_TYPE_MEMORY_DEVICE 17

struct code_name {
	unsigned code;
	const char *name;
};

static const char *lookup(const struct code_name *t, size_t n, unsigned code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

#define LOOKUP(t, code) lookup(t, sizeof(t) / sizeof((t)[0]), code)

static bool fits(const struct smbios_struct *s, size_t off, size_t n)
{
	return off + n <= s->length;
}

static unsigned byte_at(const struct smbios_struct *s, size_t off)
{
	return s->data[off];
}

static uint32_t dword_at(const struct smbios_struct *s, size_t off)
{
	return (uint32_t)smbios_word(s, off) | (uint32_t)smbios_word(s, off + 2) << 16;
}

static uint64_t qword_at(const struct smbios_struct *s, size_t off)
{
	return (uint64_t)dword_at(s, off) | (uint64_t)dword_at(s, off + 4) << 32;
}

static void set_text_or_null(struct query_ctx *q, int col, const char *v)
{
	if (v)
		row_textz(q, col, v);
	else
		row_null(q, col);
}

static void set_string(struct query_ctx *q, int col, const struct smbios_struct *s, size_t off)
{
	struct span str;

	if (!fits(s, off, 1)) {
		row_null(q, col);
		return;
	}
	str = smbios_string(s, s->data[off]);
	row_text(q, col, str.p, span_len(&str));
}

/* Walks the table, calling fn for every structure; 0 without a table. */
typedef int (*smbios_fn)(struct query_ctx *q, const struct smbios_struct *s, size_t index);

static int walk(struct query_ctx *q, smbios_fn fn, bool with_end)
{
	struct strbuf sb = STRBUF_INIT;
	struct smbios_struct s;
	const uint8_t *t;
	size_t pos = 0, index = 0;
	int r;

	r = smbios_read_table(qctx_rootfs(q), &sb);
	if (r <= 0)
		goto out;
	t = (const uint8_t *)sb.buf;
	while ((r = smbios_next(t, sb.len, &pos, &s)) == 0) {
		r = fn(q, &s, index++);
		if (r < 0)
			goto out;
	}
	/* osquery lists the end-of-table structure too */
	if (with_end && r == -ENOENT && pos + 4 <= sb.len && t[pos] == SMBIOS_TYPE_END &&
	    t[pos + 1] >= 4 && pos + t[pos + 1] <= sb.len) {
		size_t j = pos + t[pos + 1];

		while (j + 1 < sb.len && (t[j] || t[j + 1]))
			j++;
		if (j + 1 < sb.len) {
			s.data = t + pos;
			s.length = t[pos + 1];
			s.strings = t + pos + s.length;
			s.strings_len = j + 2 - (pos + s.length);
			r = fn(q, &s, index);
			if (r < 0)
				goto out;
		}
	}
	r = 0;
out:
	strbuf_release(&sb);
	return r;
}

/* smbios_tables */

enum {
	ST_NUMBER,
	ST_TYPE,
	ST_DESCRIPTION,
	ST_HANDLE,
	ST_HEADER_SIZE,
	ST_SIZE,
	ST_MD5,
};

static const struct column_spec smbios_tables_cols[] = {
	[ST_NUMBER] = { "number", COL_INTEGER, 0, .help = "Table entry number" },
	[ST_TYPE] = { "type", COL_INTEGER, 0, .help = "Table entry type" },
	[ST_DESCRIPTION] = { "description", COL_TEXT, 0, .help = "Table entry description" },
	[ST_HANDLE] = { "handle", COL_INTEGER, 0, .help = "Table entry handle" },
	[ST_HEADER_SIZE] = { "header_size", COL_INTEGER, 0, .help = "Header size in bytes" },
	[ST_SIZE] = { "size", COL_INTEGER, 0, .help = "Table entry size in bytes" },
	[ST_MD5] = { "md5", COL_TEXT, 0, .collate = COLLATE_NOCASE,
		     .help = "MD5 hash of table entry" },
};

static const struct code_name type_descriptions[] = {
	{ 0, "BIOS Information" },
	{ 1, "System Information" },
	{ 2, "Base Board or Module Information" },
	{ 3, "System Enclosure or Chassis" },
	{ 4, "Processor Information" },
	{ 5, "Memory Controller Information" },
	{ 6, "Memory Module Information" },
	{ 7, "Cache Information" },
	{ 8, "Port Connector Information" },
	{ 9, "System Slots" },
	{ 10, "On Board Devices Information" },
	{ 11, "OEM Strings" },
	{ 12, "System Configuration Options" },
	{ 13, "BIOS Language Information" },
	{ 14, "Group Associations" },
	{ 15, "System Event Log" },
	{ 16, "Physical Memory Array" },
	{ 17, "Memory Device" },
	{ 18, "32-bit Memory Error Information" },
	{ 19, "Memory Array Mapped Address" },
	{ 20, "Memory Device Mapped Address" },
	{ 21, "Built-in Pointing Device" },
	{ 22, "Portable Battery" },
	{ 23, "System Reset" },
	{ 24, "Hardware Security" },
	{ 25, "System Power Controls" },
	{ 26, "Voltage Probe" },
	{ 27, "Cooling Device" },
	{ 28, "Temperature Probe" },
	{ 29, "Electrical Current Probe" },
	{ 30, "Out-of-Band Remote Access" },
	{ 31, "Boot Integrity Services" },
	{ 32, "System Boot Information" },
	{ 33, "64-bit Memory Error Information" },
	{ 34, "Management Device" },
	{ 35, "Management Device Component" },
	{ 36, "Management Device Threshold Data" },
	{ 37, "Memory Channel" },
	{ 38, "IPMI Device Information" },
	{ 39, "System Power Supply" },
	{ 40, "Additional Information" },
	{ 41, "Onboard Devices Extended Info" },
	{ 126, "Inactive" },
	{ 127, "End-of-Table" },
	{ 130, "Memory SPD Data" },
	{ 131, "OEM Processor Type" },
	{ 132, "OEM Processor Bus Speed" },
};

/* One row per structure: size is the formatted area plus the string set
 * (with its double NUL), md5 the digest of those bytes, as osquery. */
static int emit_table(struct query_ctx *q, const struct smbios_struct *s, size_t index)
{
	const char *desc = LOOKUP(type_descriptions, s->data[0]);
	size_t size = s->length + s->strings_len;

	row_begin(q);
	row_int(q, ST_NUMBER, (int64_t)index);
	row_int(q, ST_TYPE, s->data[0]);
	row_textz(q, ST_DESCRIPTION, desc ? desc : "Unknown");
	row_int(q, ST_HANDLE, smbios_word(s, 2));
	row_int(q, ST_HEADER_SIZE, (int64_t)s->length);
	row_int(q, ST_SIZE, (int64_t)size);
	if (qctx_used(q, ST_MD5)) {
		unsigned char digest[EVP_MAX_MD_SIZE];
		unsigned int dlen = 0;
		char hex[2 * EVP_MAX_MD_SIZE + 1];

		if (EVP_Digest(s->data, size, digest, &dlen, EVP_md5(), NULL) != 1)
			return -EIO;
		for (unsigned i = 0; i < dlen; i++)
			snprintf(hex + 2 * i, 3, "%02x", digest[i]);
		row_text(q, ST_MD5, hex, 2 * (size_t)dlen);
	}
	return row_end(q);
}

static int gen_smbios_tables(struct query_ctx *q)
{
	return walk(q, emit_table, true);
}

const struct table_spec smbios_tables_spec = {
	.name = "smbios_tables",
	.description = "BIOS (DMI) structure common details and content.",
	.source = "/sys/firmware/dmi/tables/DMI (every SMBIOS structure)",
	TABLE_COLUMNS(smbios_tables_cols),
	.generate = gen_smbios_tables,
};

/* memory_arrays */

enum {
	MA_HANDLE,
	MA_LOCATION,
	MA_USE,
	MA_MEMORY_ERROR_CORRECTION,
	MA_MAX_CAPACITY,
	MA_MEMORY_ERROR_INFO_HANDLE,
	MA_NUMBER_MEMORY_DEVICES,
};

static const struct column_spec memory_arrays_cols[] = {
	[MA_HANDLE] = { "handle", COL_TEXT, 0,
			.help = "Handle, or instance number, associated with the array" },
	[MA_LOCATION] = { "location", COL_TEXT, 0, .help = "Physical location of the memory array" },
	[MA_USE] = { "use", COL_TEXT, 0, .help = "Function for which the array is used" },
	[MA_MEMORY_ERROR_CORRECTION] = { "memory_error_correction", COL_TEXT, 0,
					 .help = "Primary hardware error correction or detection method supported" },
	[MA_MAX_CAPACITY] = { "max_capacity", COL_INTEGER, 0,
			      .help = "Maximum capacity of array in gigabytes" },
	[MA_MEMORY_ERROR_INFO_HANDLE] = { "memory_error_info_handle", COL_TEXT, 0,
					  .help = "Handle, or instance number, associated with any error that was detected for the array" },
	[MA_NUMBER_MEMORY_DEVICES] = { "number_memory_devices", COL_INTEGER, 0,
				       .help = "Number of memory devices on array" },
};

static const struct code_name array_locations[] = {
	{ 0x01, "Other" },
	{ 0x02, "Unknown" },
	{ 0x03, "System board or motherboard" },
	{ 0x04, "ISA add-on card" },
	{ 0x05, "EISA add-on card" },
	{ 0x06, "PCI add-on card" },
	{ 0x07, "MCA add-on card" },
	{ 0x08, "PCMCIA add-on card" },
	{ 0x09, "Proprietary add-on card" },
	{ 0x0a, "NuBus" },
	{ 0xa0, "PC-98/C20 add-on card" },
	{ 0xa1, "PC-98/C24 add-on card" },
	{ 0xa2, "PC-98/E add-on card" },
	{ 0xa3, "PC-98/Local bus add-on card" },
};

static const struct code_name array_uses[] = {
	{ 0x01, "Other" },	   { 0x02, "Unknown" },		 { 0x03, "System memory" },
	{ 0x04, "Video memory" },  { 0x05, "Flash memory" },	 { 0x06, "Non-volatile RAM" },
	{ 0x07, "Cache memory" },
};

static const struct code_name array_ecc[] = {
	{ 0x01, "Other" },	    { 0x02, "Unknown" },	{ 0x03, "none" },
	{ 0x04, "Parity" },	    { 0x05, "Single-bit ECC" }, { 0x06, "Multi-bit ECC" },
	{ 0x07, "CRC" },
};

/* Type 16 of SMBIOS 2.1 has 0x0f bytes; the extended capacity (0x0f,
 * 8 bytes) came with 2.7. */
#define ARRAY_STRUCT_MIN 0x0f

/* osquery: max_capacity in GiB from the KiB dword, or from the extended
 * byte count when the dword is 0x80000000 or more; the error handle
 * NULL for 0xfffe (not provided) and 0xffff (no error). */
static int emit_array(struct query_ctx *q, const struct smbios_struct *s, size_t index)
{
	uint32_t cap;
	unsigned err;

	(void)index;
	if (s->data[0] != SMBIOS_TYPE_MEMORY_ARRAY || s->length < ARRAY_STRUCT_MIN)
		return 0;
	row_begin(q);
	row_textf(q, MA_HANDLE, "0x%04x", smbios_word(s, 2));
	set_text_or_null(q, MA_LOCATION, LOOKUP(array_locations, byte_at(s, 0x04)));
	set_text_or_null(q, MA_USE, LOOKUP(array_uses, byte_at(s, 0x05)));
	set_text_or_null(q, MA_MEMORY_ERROR_CORRECTION, LOOKUP(array_ecc, byte_at(s, 0x06)));
	cap = dword_at(s, 0x07);
	if (cap < 0x80000000u)
		row_int(q, MA_MAX_CAPACITY, cap / 1048576u);
	else if (fits(s, 0x0f, 8))
		row_int(q, MA_MAX_CAPACITY, (int64_t)(qword_at(s, 0x0f) / 1073741824u));
	else
		row_null(q, MA_MAX_CAPACITY);
	err = smbios_word(s, 0x0b);
	if (err != 0xfffe && err != 0xffff)
		row_textf(q, MA_MEMORY_ERROR_INFO_HANDLE, "0x%04x", err);
	else
		row_null(q, MA_MEMORY_ERROR_INFO_HANDLE);
	row_int(q, MA_NUMBER_MEMORY_DEVICES, smbios_word(s, 0x0d));
	return row_end(q);
}

static int gen_memory_arrays(struct query_ctx *q)
{
	return walk(q, emit_array, false);
}

const struct table_spec memory_arrays_spec = {
	.name = "memory_arrays",
	.description = "Data associated with collection of memory devices that operate to form a memory address.",
	.source = "/sys/firmware/dmi/tables/DMI (SMBIOS physical memory array, type 16)",
	TABLE_COLUMNS(memory_arrays_cols),
	.generate = gen_memory_arrays,
};

/* memory_devices */

enum {
	MD_HANDLE,
	MD_ARRAY_HANDLE,
	MD_FORM_FACTOR,
	MD_TOTAL_WIDTH,
	MD_DATA_WIDTH,
	MD_SIZE,
	MD_SET,
	MD_DEVICE_LOCATOR,
	MD_BANK_LOCATOR,
	MD_MEMORY_TYPE,
	MD_MEMORY_TYPE_DETAILS,
	MD_MAX_SPEED,
	MD_CONFIGURED_CLOCK_SPEED,
	MD_MANUFACTURER,
	MD_SERIAL_NUMBER,
	MD_ASSET_TAG,
	MD_PART_NUMBER,
	MD_MIN_VOLTAGE,
	MD_MAX_VOLTAGE,
	MD_CONFIGURED_VOLTAGE,
};

static const struct column_spec memory_devices_cols[] = {
	[MD_HANDLE] = { "handle", COL_TEXT, 0,
			.help = "Handle, or instance number, associated with the structure in SMBIOS" },
	[MD_ARRAY_HANDLE] = { "array_handle", COL_TEXT, 0,
			      .help = "The memory array that the device is attached to" },
	[MD_FORM_FACTOR] = { "form_factor", COL_TEXT, 0,
			     .help = "Implementation form factor for this memory device" },
	[MD_TOTAL_WIDTH] = { "total_width", COL_INTEGER, 0,
			     .help = "Total width, in bits, of this memory device, including any check or error-correction bits" },
	[MD_DATA_WIDTH] = { "data_width", COL_INTEGER, 0,
			    .help = "Data width, in bits, of this memory device" },
	[MD_SIZE] = { "size", COL_INTEGER, 0, .help = "Size of memory device in Megabyte" },
	[MD_SET] = { "set", COL_INTEGER, 0,
		     .help = "Identifies if memory device is one of a set of devices.  A value of 0 indicates no set affiliation." },
	[MD_DEVICE_LOCATOR] = { "device_locator", COL_TEXT, 0,
				.help = "String number of the string that identifies the physically-labeled socket or board position where the memory device is located" },
	[MD_BANK_LOCATOR] = { "bank_locator", COL_TEXT, 0,
			      .help = "String number of the string that identifies the physically-labeled bank where the memory device is located" },
	[MD_MEMORY_TYPE] = { "memory_type", COL_TEXT, 0, .help = "Type of memory used" },
	[MD_MEMORY_TYPE_DETAILS] = { "memory_type_details", COL_TEXT, 0,
				     .help = "Additional details for memory device" },
	[MD_MAX_SPEED] = { "max_speed", COL_INTEGER, 0,
			   .help = "Max speed of memory device in megatransfers per second (MT/s)" },
	[MD_CONFIGURED_CLOCK_SPEED] = { "configured_clock_speed", COL_INTEGER, 0,
					.help = "Configured speed of memory device in megatransfers per second (MT/s)" },
	[MD_MANUFACTURER] = { "manufacturer", COL_TEXT, 0, .help = "Manufacturer ID string" },
	[MD_SERIAL_NUMBER] = { "serial_number", COL_TEXT, 0,
			       .help = "Serial number of memory device" },
	[MD_ASSET_TAG] = { "asset_tag", COL_TEXT, 0,
			   .help = "Manufacturer specific asset tag of memory device" },
	[MD_PART_NUMBER] = { "part_number", COL_TEXT, 0,
			     .help = "Manufacturer specific serial number of memory device" },
	[MD_MIN_VOLTAGE] = { "min_voltage", COL_INTEGER, 0,
			     .help = "Minimum operating voltage of device in millivolts" },
	[MD_MAX_VOLTAGE] = { "max_voltage", COL_INTEGER, 0,
			     .help = "Maximum operating voltage of device in millivolts" },
	[MD_CONFIGURED_VOLTAGE] = { "configured_voltage", COL_INTEGER, 0,
				    .help = "Configured operating voltage of device in millivolts" },
};

static const struct code_name form_factors[] = {
	{ 0x01, "Other" },	  { 0x02, "Unknown" }, { 0x03, "SIMM" },
	{ 0x04, "SIP" },	  { 0x05, "Chip" },    { 0x06, "DIP" },
	{ 0x07, "ZIP" },	  { 0x08, "Proprietary Card" },
	{ 0x09, "DIMM" },	  { 0x0a, "TSOP" },    { 0x0b, "Row of chips" },
	{ 0x0c, "RIMM" },	  { 0x0d, "SODIMM" },  { 0x0e, "SRIMM" },
	{ 0x0f, "FB-DIMM" },
};

static const struct code_name memory_types[] = {
	{ 0x01, "Other" },    { 0x02, "Unknown" },	{ 0x03, "DRAM" },
	{ 0x04, "EDRAM" },    { 0x05, "VRAM" },		{ 0x06, "SRAM" },
	{ 0x07, "RAM" },      { 0x08, "ROM" },		{ 0x09, "FLASH" },
	{ 0x0a, "EEPROM" },   { 0x0b, "FEPROM" },	{ 0x0c, "EPROM" },
	{ 0x0d, "CDRAM" },    { 0x0e, "3DRAM" },	{ 0x0f, "SDRAM" },
	{ 0x10, "SGRAM" },    { 0x11, "RDRAM" },	{ 0x12, "DDR" },
	{ 0x13, "DDR2" },     { 0x14, "DDR2 FB-DIMM" }, { 0x15, "RESERVED" },
	{ 0x16, "RESERVED" }, { 0x17, "RESERVED" },	{ 0x18, "DDR3" },
	{ 0x19, "FBD2" },     { 0x1a, "DDR4" },		{ 0x1b, "LPDDR" },
	{ 0x1c, "LPDDR2" },   { 0x1d, "LPDDR3" },	{ 0x1e, "LPDDR4" },
};

/* Type detail bits 0..15, as osquery names them. */
static const char *const type_details[16] = {
	"Reserved",   "Other",	     "Unknown",	     "Fast-paged",
	"Static column", "Pseudo-static", "RAMBUS",	     "Synchronous",
	"CMOS",	      "EDO",	     "Window DRAM", "Cache DRAM",
	"Non-volatile", "Registered (Buffered)", "Unbuffered (Unregistered)", "LRDIMM",
};

/* Type 17 of SMBIOS 2.1 has 0x15 bytes; later fields came with 2.3
 * (0x1b: speed, manufacturer... part number), 2.7 (0x22: extended size,
 * configured speed) and 2.8 (0x28: voltages). */
#define DEVICE_STRUCT_MIN 0x15
/* osquery skips a type 17 structure whose formatted area and strings
 * together are shorter than this */
#define DEVICE_OSQUERY_MIN (0x26 + 4)

static void set_word_unless(struct query_ctx *q, int col, const struct smbios_struct *s,
			    size_t off, unsigned none1, unsigned none2)
{
	unsigned w;

	if (!fits(s, off, 2)) {
		row_null(q, col);
		return;
	}
	w = smbios_word(s, off);
	if (w == none1 || w == none2)
		row_null(q, col);
	else
		row_int(q, col, w);
}

static void set_details(struct query_ctx *q, const struct smbios_struct *s)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned bits = smbios_word(s, 0x13);

	for (unsigned i = 0; i < 16; i++) {
		if (!(bits & 1u << i))
			continue;
		if (sb.len)
			strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, type_details[i]);
	}
	row_text(q, MD_MEMORY_TYPE_DETAILS, sb.buf ? sb.buf : "", sb.len);
	strbuf_release(&sb);
}

/*
 * osquery: handles as "0x%04x"; widths NULL for 0xffff (unknown); size
 * in MiB, NULL for 0xffff, the extended size dword for 0x7fff; set NULL
 * for 0xff; speeds NULL for 0 and 0xffff; voltages NULL for 0; unknown
 * form factor and memory type codes NULL.
 */
static int emit_device(struct query_ctx *q, const struct smbios_struct *s, size_t index)
{
	unsigned size;

	(void)index;
	if (s->data[0] != SMBIOS_TYPE_MEMORY_DEVICE || s->length < DEVICE_STRUCT_MIN ||
	    s->length + s->strings_len < DEVICE_OSQUERY_MIN)
		return 0;
	row_begin(q);
	row_textf(q, MD_HANDLE, "0x%04x", smbios_word(s, 2));
	row_textf(q, MD_ARRAY_HANDLE, "0x%04x", smbios_word(s, 4));
	set_text_or_null(q, MD_FORM_FACTOR, LOOKUP(form_factors, byte_at(s, 0x0e)));
	set_word_unless(q, MD_TOTAL_WIDTH, s, 0x08, 0xffff, 0xffff);
	set_word_unless(q, MD_DATA_WIDTH, s, 0x0a, 0xffff, 0xffff);
	size = smbios_word(s, 0x0c);
	if (size == 0xffff)
		row_null(q, MD_SIZE);
	else if (size != 0x7fff)
		row_int(q, MD_SIZE, size);
	else if (fits(s, 0x1c, 4))
		row_int(q, MD_SIZE, dword_at(s, 0x1c));
	else
		row_null(q, MD_SIZE);
	if (byte_at(s, 0x0f) != 0xff)
		row_int(q, MD_SET, byte_at(s, 0x0f));
	else
		row_null(q, MD_SET);
	set_string(q, MD_DEVICE_LOCATOR, s, 0x10);
	set_string(q, MD_BANK_LOCATOR, s, 0x11);
	set_text_or_null(q, MD_MEMORY_TYPE, LOOKUP(memory_types, byte_at(s, 0x12)));
	set_details(q, s);
	set_word_unless(q, MD_MAX_SPEED, s, 0x15, 0, 0xffff);
	set_word_unless(q, MD_CONFIGURED_CLOCK_SPEED, s, 0x20, 0, 0xffff);
	set_string(q, MD_MANUFACTURER, s, 0x17);
	set_string(q, MD_SERIAL_NUMBER, s, 0x18);
	set_string(q, MD_ASSET_TAG, s, 0x19);
	set_string(q, MD_PART_NUMBER, s, 0x1a);
	set_word_unless(q, MD_MIN_VOLTAGE, s, 0x22, 0, 0);
	set_word_unless(q, MD_MAX_VOLTAGE, s, 0x24, 0, 0);
	set_word_unless(q, MD_CONFIGURED_VOLTAGE, s, 0x26, 0, 0);
	return row_end(q);
}

static int gen_memory_devices(struct query_ctx *q)
{
	return walk(q, emit_device, false);
}

const struct table_spec memory_devices_spec = {
	.name = "memory_devices",
	.description = "Physical memory device (type 17) information retrieved from SMBIOS.",
	.source = "/sys/firmware/dmi/tables/DMI (SMBIOS memory device, type 17)",
	TABLE_COLUMNS(memory_devices_cols),
	.generate = gen_memory_devices,
};

/* oem_strings */

enum {
	OS_HANDLE,
	OS_NUMBER,
	OS_VALUE,
};

static const struct column_spec oem_strings_cols[] = {
	[OS_HANDLE] = { "handle", COL_TEXT, 0,
			.help = "Handle, or instance number, associated with the Type 11 structure" },
	[OS_NUMBER] = { "number", COL_INTEGER, 0, .help = "The string index of the structure" },
	[OS_VALUE] = { "value", COL_TEXT, 0, .help = "The value of the OEM string" },
};

/* One row per string the structure counts (byte 0x04), numbered from 1,
 * as osquery; a counted string that is missing is "". */
static int emit_oem(struct query_ctx *q, const struct smbios_struct *s, size_t index)
{
	unsigned n;
	int r;

	(void)index;
	if (s->data[0] != SMBIOS_TYPE_OEM_STRINGS || s->length < 5)
		return 0;
	n = byte_at(s, 0x04);
	for (unsigned i = 1; i <= n; i++) {
		struct span str = smbios_string(s, (uint8_t)i);

		row_begin(q);
		row_textf(q, OS_HANDLE, "0x%04x", smbios_word(s, 2));
		row_int(q, OS_NUMBER, i);
		row_text(q, OS_VALUE, str.p, span_len(&str));
		r = row_end(q);
		if (r < 0)
			return r;
	}
	return 0;
}

static int gen_oem_strings(struct query_ctx *q)
{
	return walk(q, emit_oem, false);
}

const struct table_spec oem_strings_spec = {
	.name = "oem_strings",
	.description = "OEM defined strings retrieved from SMBIOS.",
	.source = "/sys/firmware/dmi/tables/DMI (SMBIOS OEM strings, type 11)",
	TABLE_COLUMNS(oem_strings_cols),
	.generate = gen_oem_strings,
};
