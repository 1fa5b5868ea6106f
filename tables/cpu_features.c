/*
 * cpu_features.c - what the processor and its firmware say about
 * themselves: cpuid and platform_info.
 *
 *   SELECT feature, value FROM cpuid WHERE feature IN ('vmx', 'svm', 'hypervisor');
 *   SELECT vendor, version, date FROM platform_info;
 *
 * Data sources: the cpuid instruction, run on the live host only (x86-64
 * only; no rows elsewhere and on a captured tree), and the SMBIOS BIOS
 * information structure (type 0) of /sys/firmware/dmi/tables/DMI through
 * the rootfs layer (lib/smbios.h, shared with cpu_info). Semantics are
 * osquery's (tables/system/cpuid.cpp, linux/smbios_tables.cpp
 * genPlatformInfo); where spoor differs it says so next to the code.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "query_ctx.h"
#include "registry.h"
#include "rootfs.h"
#include "smbios.h"
#include "strbuf.h"
#include "strparse.h"
#include "banned.h"

/* ------------------------------------------------------------------ */
/* cpuid */

enum {
	CPUID_FEATURE,
	CPUID_VALUE,
	CPUID_OUTPUT_REGISTER,
	CPUID_OUTPUT_BIT,
	CPUID_INPUT_EAX,
};

static const struct column_spec cpuid_cols[] = {
	[CPUID_FEATURE] = { "feature", COL_TEXT, 0, .help = "Present feature flags" },
	[CPUID_VALUE] = { "value", COL_TEXT, 0, .help = "Bit value or string" },
	[CPUID_OUTPUT_REGISTER] = { "output_register", COL_TEXT, 0,
				    .help = "Register used to for feature value" },
	[CPUID_OUTPUT_BIT] = { "output_bit", COL_INTEGER, 0,
			       .help = "Bit in register value for feature value" },
	[CPUID_INPUT_EAX] = { "input_eax", COL_TEXT, 0, .help = "Value of EAX used" },
};

enum cpu_reg { REG_EAX, REG_EBX, REG_ECX, REG_EDX };

static const char *const reg_names[] = {
	[REG_EAX] = "eax", [REG_EBX] = "ebx", [REG_ECX] = "ecx", [REG_EDX] = "edx"
};

/* osquery's feature list: leaf, register, bit, in its order (leaves
 * ascending, as its std::map iterates them). Its names are kept as they
 * are, "mmz" (MMX) included, since packs query them by those names. */
static const struct cpu_feature {
	uint32_t leaf;
	enum cpu_reg reg;
	unsigned bit;
	const char *name;
} cpu_features[] = {
	{ 1, REG_EDX, 6, "pae" },	    { 1, REG_EDX, 5, "msr" },
	{ 1, REG_EDX, 11, "sep" },	    { 1, REG_EDX, 12, "mtrr" },
	{ 1, REG_EDX, 13, "pge" },	    { 1, REG_EDX, 14, "mca" },
	{ 1, REG_EDX, 16, "pat" },	    { 1, REG_EDX, 19, "clfsh" },
	{ 1, REG_EDX, 22, "acpi" },	    { 1, REG_EDX, 23, "mmz" },
	{ 1, REG_EDX, 25, "sse" },	    { 1, REG_EDX, 26, "sse2" },
	{ 1, REG_EDX, 27, "ss" },	    { 1, REG_EDX, 28, "htt" },
	{ 1, REG_EDX, 30, "ia64" },	    { 1, REG_ECX, 0, "sse3" },
	{ 1, REG_ECX, 5, "vmx" },	    { 1, REG_ECX, 6, "smx" },
	{ 1, REG_ECX, 9, "ssse3" },	    { 1, REG_ECX, 11, "sdbg" },
	{ 1, REG_ECX, 15, "pdcm" },	    { 1, REG_ECX, 17, "pcid" },
	{ 1, REG_ECX, 18, "dca" },	    { 1, REG_ECX, 19, "sse4.1" },
	{ 1, REG_ECX, 20, "sse4.2" },	    { 1, REG_ECX, 25, "aes" },
	{ 1, REG_ECX, 28, "avx" },	    { 1, REG_ECX, 31, "hypervisor" },
	{ 7, REG_EBX, 2, "sgx" },	    { 7, REG_EBX, 4, "hle" },
	{ 7, REG_EBX, 5, "avx2" },	    { 7, REG_EBX, 7, "smep" },
	{ 7, REG_EBX, 8, "bmi2" },	    { 7, REG_EBX, 9, "erms" },
	{ 7, REG_EBX, 10, "invpcid" },	    { 7, REG_EBX, 11, "rtm" },
	{ 7, REG_EBX, 12, "pqm" },	    { 7, REG_EBX, 14, "mpx" },
	{ 7, REG_EBX, 15, "pqe" },	    { 7, REG_EBX, 16, "avx512f" },
	{ 7, REG_EBX, 17, "avx512dq" },	    { 7, REG_EBX, 18, "rdseed" },
	{ 7, REG_EBX, 19, "adx" },	    { 7, REG_EBX, 20, "smap" },
	{ 7, REG_EBX, 25, "intel_pt" },	    { 7, REG_EBX, 29, "sha" },
	{ 7, REG_ECX, 2, "umip" },	    { 7, REG_ECX, 3, "pku" },
	{ 7, REG_ECX, 4, "ospke" },	    { 7, REG_ECX, 8, "gfni" },
	{ 7, REG_ECX, 9, "vaes" },	    { 7, REG_ECX, 30, "sgx_lc" },
	{ 7, REG_EDX, 26, "spec_ctrl" },    { 0x80000001, REG_ECX, 2, "svm" },
	{ 0x80000001, REG_ECX, 10, "ibs" }, { 0x80000001, REG_ECX, 12, "skinit" },
	{ 0x80000001, REG_ECX, 15, "lwp" },
};

#if defined(__x86_64__)
static void cpuid_raw(uint32_t leaf, uint32_t subleaf, uint32_t ret[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(ret[REG_EAX]), "=b"(ret[REG_EBX]), "=c"(ret[REG_ECX]),
			   "=d"(ret[REG_EDX])
			 : "a"(leaf), "c"(subleaf));
}

/*
 * The registers for leaf/subleaf. A basic or extended leaf past the
 * processor's highest gives zeros: spoor does not report the highest
 * leaf's data as osquery, which runs the instruction unchecked, does.
 * The hypervisor range (0x4000xxxx) has no such maximum: callers ask
 * for it only when leaf 1 says a hypervisor is there.
 */
static void cpuid_regs(uint32_t leaf, uint32_t subleaf, uint32_t ret[4])
{
	uint32_t base = leaf & 0xc0000000u, top[4];

	if (base != 0x40000000u) {
		cpuid_raw(base, 0, top);
		if (leaf > top[REG_EAX]) {
			memset(ret, 0, 4 * sizeof(*ret));
			return;
		}
	}
	cpuid_raw(leaf, subleaf, ret);
}
static const bool have_cpuid = true;
#else
static void cpuid_regs(uint32_t leaf, uint32_t subleaf, uint32_t ret[4])
{
	(void)leaf;
	(void)subleaf;
	memset(ret, 0, 4 * sizeof(*ret));
}
static const bool have_cpuid = false;
#endif

static int emit_cpuid(struct query_ctx *q, const char *feature, const char *value,
		      const char *reg, int64_t bit, const char *eax)
{
	row_begin(q);
	row_textz(q, CPUID_FEATURE, feature);
	row_textz(q, CPUID_VALUE, value);
	row_textz(q, CPUID_OUTPUT_REGISTER, reg);
	row_int(q, CPUID_OUTPUT_BIT, bit);
	row_textz(q, CPUID_INPUT_EAX, eax);
	return row_end(q);
}

/* Register bytes in memory order, as osquery streams them. */
static void add_reg_chars(struct strbuf *sb, uint32_t reg)
{
	for (int i = 0; i < 4; i++)
		strbuf_addch(sb, (char)(reg >> (8 * i)));
}

static int cpuid_strings(struct query_ctx *q, struct strbuf *sb)
{
	uint32_t regs[4], serial[3];
	int r;

	/* vendor: ebx, edx, ecx of leaf 0 */
	cpuid_regs(0, 0, regs);
	strbuf_reset(sb);
	add_reg_chars(sb, regs[REG_EBX]);
	add_reg_chars(sb, regs[REG_EDX]);
	add_reg_chars(sb, regs[REG_ECX]);
	r = emit_cpuid(q, "vendor", sb->buf, "ebx,edx,ecx", 0, "0");
	if (r < 0)
		return r;

	/* the brand string of leaves 0x80000002-4, up to its NUL (osquery
	 * keeps the NUL padding in the value) */
	strbuf_reset(sb);
	for (uint32_t i = 0; i < 3; i++) {
		cpuid_regs(0x80000002u + i, 0, regs);
		for (int k = 0; k < 4; k++)
			add_reg_chars(sb, regs[k]);
	}
	strbuf_setlen(sb, strnlen(sb->buf, sb->len));
	r = emit_cpuid(q, "product_name", sb->buf, "eax,ebx,ecx,edx", 0, "0x80000002");
	if (r < 0)
		return r;

	/* the hypervisor's id (eax, ebx, ecx of 0x40000000), when leaf 1
	 * says a hypervisor is there and the leaf answers */
	cpuid_regs(1, 0, regs);
	if (regs[REG_ECX] & (1u << 31)) {
		cpuid_regs(0x40000000u, 0, regs);
		if (regs[REG_EAX]) {
			char hv[32];

			snprintf(hv, sizeof(hv), "%08x%08x%08x", regs[REG_EAX], regs[REG_EBX],
				 regs[REG_ECX]);
			r = emit_cpuid(q, "hypervisor_id", hv, "ebx,ecx,edx", 0, "0x40000000");
			if (r < 0)
				return r;
		}
	}

	/* the processor serial number: eax of leaf 1, then eax and edx of
	 * leaf 3 (osquery's register label says ecx) */
	cpuid_regs(1, 0, regs);
	serial[0] = regs[REG_EAX];
	cpuid_regs(3, 0, regs);
	serial[1] = regs[REG_EAX];
	serial[2] = regs[REG_EDX];
	{
		char s[32];

		snprintf(s, sizeof(s), "%08x%08x%08x", serial[0], serial[1], serial[2]);
		return emit_cpuid(q, "serial", s, "eax,eax,ecx", 0, "1,3");
	}
}

static int gen_cpuid(struct query_ctx *q)
{
	struct strbuf sb = STRBUF_INIT;
	uint32_t regs[4], leaf = 0;
	char buf[40];
	int r;

	/* an instruction of this processor: nothing to say about a
	 * captured tree or on another architecture */
	if (!have_cpuid || !rootfs_is_live(qctx_rootfs(q)))
		return 0;
	cpuid_regs(0, 0, regs);
	if (regs[REG_EAX] < 1)
		return 0;
	r = cpuid_strings(q, &sb);
	strbuf_release(&sb);
	if (r < 0)
		return r;

	cpuid_regs(1, 0, regs);
	snprintf(buf, sizeof(buf), "%04x", regs[REG_EAX] & 0xf00);
	r = emit_cpuid(q, "family", buf, "eax", 0, "1");
	if (r < 0)
		return r;

	for (size_t i = 0; i < ARRAY_SIZE(cpu_features); i++) {
		const struct cpu_feature *f = &cpu_features[i];

		if (i == 0 || f->leaf != leaf) {
			leaf = f->leaf;
			cpuid_regs(leaf, 0, regs);
		}
		snprintf(buf, sizeof(buf), "%u", leaf);
		r = emit_cpuid(q, f->name, regs[f->reg] & (1u << f->bit) ? "1" : "0",
			       reg_names[f->reg], f->bit, buf);
		if (r < 0)
			return r;
	}

	/* SGX capabilities: leaf 0x12, subleaves 0 and 1 */
	for (uint32_t sub = 0; sub < 2; sub++) {
		char v[40];

		cpuid_regs(0x12, sub, regs);
		snprintf(v, sizeof(v), "%08x%08x%08x%08x", regs[0], regs[1], regs[2], regs[3]);
		r = emit_cpuid(q, sub ? "sgx1" : "sgx0", v, "eax,ebx,ecx,edx", 0,
			       sub ? "18,1" : "18");
		if (r < 0)
			return r;
	}
	return 0;
}

const struct table_spec cpuid_spec = {
	.name = "cpuid",
	.description = "Useful CPU features from the cpuid ASM call.",
	.source = "the cpuid instruction (x86-64, live host only)",
	TABLE_COLUMNS(cpuid_cols),
	.generate = gen_cpuid,
};

/* ------------------------------------------------------------------ */
/* platform_info */

enum {
	PI_VENDOR,
	PI_VERSION,
	PI_DATE,
	PI_REVISION,
	PI_EXTRA,
	PI_FIRMWARE_TYPE,
	PI_ADDRESS,
	PI_SIZE,
	PI_VOLUME_SIZE,
};

static const struct column_spec platform_info_cols[] = {
	[PI_VENDOR] = { "vendor", COL_TEXT, 0, .help = "Platform code vendor" },
	[PI_VERSION] = { "version", COL_TEXT, 0, .collate = COLLATE_VERSION,
			 .help = "Platform code version" },
	[PI_DATE] = { "date", COL_TEXT, 0, .help = "Self-reported platform code update date" },
	[PI_REVISION] = { "revision", COL_TEXT, 0, .help = "BIOS major and minor revision" },
	[PI_EXTRA] = { "extra", COL_TEXT, 0, .help = "Platform-specific additional information" },
	[PI_FIRMWARE_TYPE] = { "firmware_type", COL_TEXT, 0,
			       .help = "The type of firmware (uefi, bios, iboot, openfirmware, "
				       "unknown)." },
	[PI_ADDRESS] = { "address", COL_TEXT, 0, .help = "Relative address of firmware mapping" },
	[PI_SIZE] = { "size", COL_TEXT, 0, .help = "Size in bytes of firmware" },
	[PI_VOLUME_SIZE] = { "volume_size", COL_INTEGER, 0,
			     .help = "(Optional) size of firmware volume" },
};

/* BIOS information (type 0) of SMBIOS 2.0 has 0x12 bytes; the BIOS
 * revision bytes (0x14, 0x15) came with 2.4. */
#define BIOS_STRUCT_MIN 0x12
#define BIOS_REVISION_END 0x16

static void set_string(struct query_ctx *q, int col, const struct smbios_struct *s, size_t off)
{
	struct span str = smbios_string(s, s->data[off]);

	row_text(q, col, str.p, span_len(&str));
}

/*
 * One row per BIOS information structure, as osquery: the strings, the
 * starting address segment as "0x%04x", the ROM size ((n + 1) * 64 KiB,
 * in bytes), the revision "major.minor", volume_size 0 and extra "".
 * osquery reads the revision bytes of a shorter structure from its
 * strings; spoor leaves revision NULL there.
 */
static int emit_bios(struct query_ctx *q, const struct smbios_struct *s, const char *fw_type)
{
	const uint8_t *d = s->data;

	row_begin(q);
	set_string(q, PI_VENDOR, s, 0x04);
	set_string(q, PI_VERSION, s, 0x05);
	set_string(q, PI_DATE, s, 0x08);
	if (s->length >= BIOS_REVISION_END)
		row_textf(q, PI_REVISION, "%u.%u", d[0x14], d[0x15]);
	else
		row_null(q, PI_REVISION);
	row_textz(q, PI_EXTRA, "");
	row_textz(q, PI_FIRMWARE_TYPE, fw_type);
	row_textf(q, PI_ADDRESS, "0x%04x", smbios_word(s, 0x06));
	row_textf(q, PI_SIZE, "%u", ((unsigned)d[0x09] + 1) * 65536u);
	row_int(q, PI_VOLUME_SIZE, 0);
	return row_end(q);
}

static int gen_platform_info(struct query_ctx *q)
{
	const struct rootfs *rfs = qctx_rootfs(q);
	struct strbuf sb = STRBUF_INIT;
	struct smbios_struct s;
	const char *fw_type;
	size_t pos = 0;
	int r;

	/* no DMI table (this VM, most containers): no rows, as osquery */
	r = smbios_read_table(rfs, &sb);
	if (r <= 0)
		goto out;
	/* the kernel creates /sys/firmware/efi when it booted from UEFI */
	fw_type = rootfs_exists(rfs, "/sys/firmware/efi") ? "uefi" : "bios";
	while ((r = smbios_next((const uint8_t *)sb.buf, sb.len, &pos, &s)) == 0) {
		if (s.data[0] != SMBIOS_TYPE_BIOS || s.length < BIOS_STRUCT_MIN)
			continue;
		r = emit_bios(q, &s, fw_type);
		if (r < 0)
			goto out;
	}
	/* a corrupt structure ends the table; what came before stands */
	r = 0;
out:
	strbuf_release(&sb);
	return r;
}

const struct table_spec platform_info_spec = {
	.name = "platform_info",
	.description = "Information about EFI/UEFI/ROM and platform/boot.",
	.source = "/sys/firmware/dmi/tables/DMI (SMBIOS BIOS information, type 0)",
	TABLE_COLUMNS(platform_info_cols),
	.generate = gen_platform_info,
};
