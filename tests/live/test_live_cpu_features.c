/*
 * test_live_cpu_features.c - cpuid and platform_info on this host.
 *
 * cpuid (x86-64 only) is compared with the kernel's view of the same
 * instruction in /proc/cpuinfo, read at the same moment: vendor_id,
 * model name, cpu family, and the flags line for every feature both
 * name (osquery's name -> the kernel's). Flags the kernel sets or
 * clears on its own (synthetic bits, features it disables, such as
 * "ss", "hle" and "rtm") are left out; see cpu_flag_map below.
 * platform_info: this VM has no SMBIOS table, so the test asserts no
 * rows and that /sys/firmware/dmi/tables/DMI is absent; on a host with
 * one, it compares with dmidecode -s when dmidecode is installed.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

/* osquery's feature name -> /proc/cpuinfo flag */
static const struct {
	const char *osq, *kernel;
} cpu_flag_map[] = {
	{ "pae", "pae" },	  { "msr", "msr" },	      { "sep", "sep" },
	{ "mtrr", "mtrr" },	  { "pge", "pge" },	      { "mca", "mca" },
	{ "pat", "pat" },	  { "clfsh", "clflush" },     { "acpi", "acpi" },
	{ "mmz", "mmx" },	  { "sse", "sse" },	      { "sse2", "sse2" },
	{ "htt", "ht" },	  { "sse3", "pni" },	      { "vmx", "vmx" },
	{ "smx", "smx" },	  { "ssse3", "ssse3" },	      { "pdcm", "pdcm" },
	{ "pcid", "pcid" },	  { "dca", "dca" },	      { "sse4.1", "sse4_1" },
	{ "sse4.2", "sse4_2" },	  { "aes", "aes" },	      { "avx", "avx" },
	{ "hypervisor", "hypervisor" },
	{ "avx2", "avx2" },	  { "smep", "smep" },	      { "bmi2", "bmi2" },
	{ "erms", "erms" },	  { "invpcid", "invpcid" },   { "avx512f", "avx512f" },
	{ "avx512dq", "avx512dq" }, { "rdseed", "rdseed" },   { "adx", "adx" },
	{ "smap", "smap" },	  { "sha", "sha_ni" },	      { "umip", "umip" },
	{ "pku", "pku" },	  { "ospke", "ospke" },	      { "gfni", "gfni" },
	{ "vaes", "vaes" },	  { "svm", "svm" },	      { "skinit", "skinit" },
	{ "lwp", "lwp" },
};

/* The value of the first "key\t: value" line of /proc/cpuinfo. */
static char *cpuinfo_field(const char *key)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "awk -F': ' '$1 ~ /^%s[ \\t]*$/ { print $2; exit }' /proc/cpuinfo", key);
	return test_run(cmd);
}

static bool has_flag(const char *flags, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *p = flags; (p = strstr(p, flag)); p += n)
		if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static void cpuid_live(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *flags, *v, *got, sql[256], expected[512];

	(void)state;
#if !defined(__x86_64__)
	test_assert_query(eng, "SELECT count(*) FROM cpuid", "0\n");
	engine_free(eng);
	return;
#endif
	flags = cpuinfo_field("flags");
	for (size_t i = 0; i < sizeof(cpu_flag_map) / sizeof(cpu_flag_map[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT value FROM cpuid WHERE feature = '%s'",
			 cpu_flag_map[i].osq);
		snprintf(expected, sizeof(expected), "%d\n",
			 has_flag(flags, cpu_flag_map[i].kernel) ? 1 : 0);
		got = test_query_text(eng, sql);
		if (strcmp(got, expected))
			fail_msg("cpuid %s = %s, /proc/cpuinfo flag %s: %s", cpu_flag_map[i].osq,
				 got, cpu_flag_map[i].kernel, expected);
		free(got);
	}

	v = cpuinfo_field("vendor_id");
	snprintf(expected, sizeof(expected), "%s", v);
	test_assert_query(eng, "SELECT value FROM cpuid WHERE feature = 'vendor'", expected);
	free(v);
	/* the kernel strips the brand string's blanks */
	v = cpuinfo_field("model name");
	snprintf(expected, sizeof(expected), "%s", v);
	test_assert_query(eng, "SELECT trim(value) FROM cpuid WHERE feature = 'product_name'",
			  expected);
	free(v);
	/* osquery's family is the base family bits, eax & 0xf00, in hex */
	v = cpuinfo_field("cpu family");
	{
		long fam = strtol(v, NULL, 10);

		if (fam < 15) {
			snprintf(expected, sizeof(expected), "%04lx\n", fam << 8);
			test_assert_query(eng, "SELECT value FROM cpuid WHERE feature = 'family'",
					  expected);
		}
	}
	free(v);
	test_assert_query(eng,
			  "SELECT output_register, output_bit, input_eax FROM cpuid "
			  "WHERE feature IN ('sse3', 'avx2', 'svm', 'sgx1')",
			  "ecx|0|1\nebx|5|7\necx|2|2147483649\neax,ebx,ecx,edx|0|18,1\n");
	free(flags);
	engine_free(eng);
}

static void platform_info_live(void **state)
{
	struct engine *eng = test_engine(NULL);

	(void)state;
	if (access("/sys/firmware/dmi/tables/DMI", R_OK) != 0) {
		fprintf(stderr, "# no readable SMBIOS table on this host: platform_info must be "
				"empty\n");
		test_assert_query(eng, "SELECT count(*) FROM platform_info", "0\n");
	} else {
		char *have = test_run("command -v dmidecode >/dev/null 2>&1 && echo y || echo n");

		if (have[0] == 'y') {
			char *expected = test_run("dmidecode -s bios-vendor; dmidecode -s "
						  "bios-version; dmidecode -s bios-release-date");
			char *got = test_query_text(eng, "SELECT vendor || char(10) || version || "
							 "char(10) || date FROM platform_info");

			assert_string_equal(expected, got);
			free(expected);
			free(got);
		}
		free(have);
	}
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpuid_live),
		cmocka_unit_test(platform_info_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
