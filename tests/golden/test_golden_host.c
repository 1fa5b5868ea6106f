/*
 * test_golden_host.c - system_info, os_version and kernel_info on
 * captured trees.
 *
 * tests/golden/roots/
 *   host1: this machine (Debian 12 in a VM: no DMI, uuid from
 *     /etc/machine-id, /etc/os-release a relative symlink to
 *     ../usr/lib/os-release, /proc/sys/kernel/arch present);
 *   host2: an Ubuntu 22.04 Lenovo workstation: 2 sockets x 2 cores x 2
 *     threads in /proc/cpuinfo (core ids repeat across sockets), DMI
 *     with the Lenovo model/version swap and a trailing-blank value,
 *     an /etc/hosts giving the FQDN (after a commented and an invalid
 *     line naming the host), os-release with shell quotes and escapes,
 *     BOOT_IMAGE= and root= on the command line, no arch file;
 *   host3: CentOS 7 on aarch64: redhat-release overriding os-release, a
 *     placeholder product_uuid and no machine-id, /etc/hostname only,
 *     an ARM cpuinfo (no model, physical id or siblings), no meminfo,
 *     no /proc/version (osrelease instead), no cmdline.
 * Every expected value was read by hand off those files. Hostile and
 * corner inputs are built at run time in a temporary directory.
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

#define SYSTEM_INFO_COLS                                                              \
	"SELECT hostname, uuid, cpu_type, cpu_subtype, cpu_brand, cpu_physical_cores, " \
	"cpu_logical_cores, cpu_sockets, cpu_microcode, physical_memory, "              \
	"hardware_vendor, hardware_model, hardware_version, hardware_serial, "          \
	"board_vendor, board_model, board_version, board_serial, computer_name, "       \
	"local_hostname FROM system_info"

#define OS_VERSION_COLS                                                         \
	"SELECT name, version, major, minor, patch, build, platform, platform_like, " \
	"codename, arch FROM os_version"

/* ------------------------------------------------------------------ */
/* captured trees */

static void host1(void **state)
{
	struct engine *eng = test_golden_engine("host1");

	(void)state;
	/* hosts: "127.0.0.1 vm"; machine-id 3d1219c7c4c5404aaa1f6d2a48adfda4;
	 * 2 processors, physical id 0, core ids 0 and 1; MemTotal
	 * 24731708 kB */
	test_assert_query(eng, SYSTEM_INFO_COLS,
		     "vm|3d1219c7-c4c5-404a-aa1f-6d2a48adfda4|x86_64|207|"
		     "Intel(R) Xeon(R) Processor|2|2|1|0x1|25325268992|"
		     "NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|vm|vm\n");
	test_assert_query(eng, OS_VERSION_COLS,
		     "Debian GNU/Linux|12 (bookworm)|12|0|0|NULL|debian|NULL|bookworm|x86_64\n");
	test_assert_query(eng, "SELECT pid_with_namespace, mount_namespace_id FROM os_version",
		     "0|NULL\n");
	/* no BOOT_IMAGE= or root=: every word is an argument */
	test_assert_query(eng, "SELECT version, path, device, arguments FROM kernel_info",
		     "6.18.44-fc-v657|NULL|NULL|mitigations=auto,no_guest_host,no_guest_guest "
		     "console=ttyS0 quiet reboot=k panic=1 nomodule random.trust_cpu=1 "
		     "swiotlb=noforce psi=1 nvproxy.enable=1 "
		     "page_reporting.page_reporting_order=11 deferred_init=lazy nowatchdog "
		     "nested_pvm=1 dhash_entries=131072 ihash_entries=65536 "
		     "rdinit=/process_api -- --firecracker-init --addr 0.0.0.0:2024 "
		     "--max-ws-buffer-size 32768 --block-local-connections "
		     "--log-vsock-port 5002 --control-vsock-port 5001 --listen-vsock-port "
		     "2024 --tcp-readiness-only --auth-required\n");
	engine_free(eng);
}

static void host2(void **state)
{
	struct engine *eng = test_golden_engine("host2");

	(void)state;
	/* FQDN from "127.0.1.1 ws1.example.com WS1" (alias matched
	 * case-insensitively; the "notanip" line is no address); product
	 * name and version swapped for LENOVO, "... Gen 9  " trimmed;
	 * 8 processors, physical ids {0,1} x core ids {0,4}; MemTotal
	 * 65657332 kB; no /proc/sys/kernel/arch and not live: no cpu_type */
	test_assert_query(eng, SYSTEM_INFO_COLS,
		     "ws1.example.com|4C4C4544-0042-3510-8052-B4C04F4E3332|NULL|85|"
		     "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz|4|8|2|0x2006e05|67233107968|"
		     "LENOVO|ThinkPad X1 Carbon Gen 9|20XW0026US|PF2ABCDE|"
		     "LENOVO|20XW0026US|SDK0J40697 WIN|L1HF16M00AB|ws1|ws1.example.com\n");
	/* the swap still happens when only one of the pair is selected */
	test_assert_query(eng, "SELECT hardware_model FROM system_info",
		     "ThinkPad X1 Carbon Gen 9\n");
	test_assert_query(eng, "SELECT hardware_version, cpu_sockets FROM system_info",
		     "20XW0026US|2\n");
	/* VERSION="22.04.4 LTS (Jammy \"Jellyfish\" \$5 \\o/)",
	 * ID_LIKE='debian', BUILD_ID=2024\ Feb"07" (indented); VERSION_ID
	 * "22.04": minor 04 is 4 */
	test_assert_query(eng, OS_VERSION_COLS,
		     "Ubuntu|22.04.4 LTS (Jammy \"Jellyfish\" $5 \\o/)|22|4|0|2024 Feb07|"
		     "ubuntu|debian|jammy|NULL\n");
	/* "ro  quiet splash\tvt.handoff=7": words, re-joined by one space */
	test_assert_query(eng, "SELECT version, path, device, arguments FROM kernel_info",
		     "5.15.0-97-generic|/boot/vmlinuz-5.15.0-97-generic|"
		     "UUID=0f3c1a2b-1111-2222-3333-444455556666|ro quiet splash vt.handoff=7\n");
	engine_free(eng);
}

static void host3(void **state)
{
	struct engine *eng = test_golden_engine("host3");

	(void)state;
	/* placeholder product_uuid, no machine-id: no uuid; ARM cpuinfo:
	 * cpu_subtype "0" (osquery's default), physical cores fall back to
	 * the 4 logical ones, no sockets; no meminfo; /etc/hostname after
	 * a comment and a blank line */
	test_assert_query(eng, SYSTEM_INFO_COLS,
		     "centos7.localdomain|NULL|aarch64|0|NULL|4|4|NULL|NULL|NULL|"
		     "QEMU|KVM Virtual Machine|virt-8.2|NULL|NULL|NULL|NULL|NULL|"
		     "centos7.localdomain|centos7.localdomain\n");
	/* redhat-release "CentOS Linux release 7.9.2009 (AltArch)" wins
	 * over os-release for name, version, numbers, build, platform */
	test_assert_query(eng, OS_VERSION_COLS,
		     "CentOS Linux|CentOS Linux release 7.9.2009 (AltArch)|7|9|2009||"
		     "rhel|rhel|NULL|aarch64\n");
	test_assert_query(eng, "SELECT version, path, device, arguments FROM kernel_info",
		     "4.14.0-115.el7a.0.1.aarch64|NULL|NULL|NULL\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* trees built at run time */

static void tree_puts(struct test_tree *t, const char *rel, const char *text)
{
	test_tree_write(t, rel, text, strlen(text));
}

static void empty_root(void **state)
{
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM system_info", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM os_version", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM kernel_info", "0\n");
	engine_free(eng);
	test_tree_remove(&t);
}

static void os_release_corners(void **state)
{
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	tree_puts(&t, "etc/os-release",
		  "#NAME=commented\n"
		  "NAME = Spaced Name\n"
		  "VERSION_ID=1.2.3.4\n"
		  "VARIANT_CODENAME=first\n"
		  "VERSION_CODENAME=second\n"
		  "ID=\n"
		  "ID_LIKE=\"unterminated\n"
		  "BUILD_ID='single \\\" quoted'\"+\"\n"
		  "no equals sign here\n"
		  "=orphan value\n");
	eng = test_engine(t.dir);
	/* blanks around '=' tolerated (osquery trims); patch "3.4" is no
	 * integer; the last *CODENAME* key wins; an empty ID keeps the
	 * "posix" default; '...' is literal and concatenates with "..." */
	test_assert_query(eng, OS_VERSION_COLS,
		     "Spaced Name|NULL|1|2|NULL|single \\\" quoted+|posix|unterminated|second|"
		     "NULL\n");
	engine_free(eng);

	tree_puts(&t, "etc/os-release", "VERSION_ID=08\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, OS_VERSION_COLS, "Unknown|NULL|8|0|0|NULL|posix|NULL|NULL|NULL\n");
	engine_free(eng);

	tree_puts(&t, "etc/os-release", "NAME=Arch Linux\nBUILD_ID=rolling\nVERSION_ID=rolling\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, OS_VERSION_COLS,
		     "Arch Linux|NULL|NULL|0|0|rolling|posix|NULL|NULL|NULL\n");
	engine_free(eng);

	/* Funtoo's empty os-release: a row of osquery's defaults */
	tree_puts(&t, "etc/os-release", "");
	eng = test_engine(t.dir);
	test_assert_query(eng, OS_VERSION_COLS "", "Unknown|NULL|0|0|0|NULL|posix|NULL|NULL|NULL\n");
	engine_free(eng);
	test_tree_remove(&t);
}

static void release_files(void **state)
{
	struct engine *eng;
	struct test_tree t;

	(void)state;
	/* Fedora ships redhat-release too: osquery says rhel; no x.y in
	 * it, so the numbers stay os-release's */
	test_tree_make(&t);
	tree_puts(&t, "etc/os-release",
		  "NAME=\"Fedora Linux\"\nVERSION=\"39 (Thirty Nine)\"\nID=fedora\n"
		  "VERSION_ID=39\nVERSION_CODENAME=\"\"\n");
	tree_puts(&t, "etc/redhat-release", "Fedora release 39 (Thirty Nine)\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, OS_VERSION_COLS,
		     "Fedora Linux|Fedora release 39 (Thirty Nine)|39|0|0||rhel|rhel||NULL\n");
	engine_free(eng);

	/* whitespace squeezed (boost::trim_all keeps the first byte of
	 * each run), then the pattern */
	tree_puts(&t, "etc/redhat-release", "  Red  Hat Enterprise \tLinux release 9.3 (Plow)\n\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT name, version, major, minor, patch FROM os_version",
		     "Red Hat Enterprise Linux|Red Hat Enterprise Linux release 9.3 (Plow)|9|3|0\n");
	engine_free(eng);

	/* oracle-release is read first and keeps os-release's platform */
	tree_puts(&t, "etc/os-release", "NAME=\"Oracle Linux Server\"\nID=\"ol\"\nID_LIKE=\"fedora\"\n");
	tree_puts(&t, "etc/oracle-release", "Oracle Linux Server release 8.9\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, OS_VERSION_COLS,
		     "Oracle Linux Server|Oracle Linux Server release 8.9|8|9|0||ol|fedora|NULL|"
		     "NULL\n");
	engine_free(eng);
	test_tree_remove(&t);

	/* gentoo-release alone is enough for a row */
	test_tree_make(&t);
	tree_puts(&t, "etc/gentoo-release", "Gentoo Base System release 2.14\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, OS_VERSION_COLS,
		     "Gentoo Base System|Gentoo Base System release 2.14|2|14|0||gentoo|gentoo|"
		     "NULL|NULL\n");
	engine_free(eng);
	test_tree_remove(&t);
}

static void hostile_release_files(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct test_rows rows;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	test_garbage(&sb, 4096, 7);
	test_tree_write(&t, "etc/os-release", sb.buf, sb.len);
	test_tree_write(&t, "etc/redhat-release", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_query_ok(eng, "SELECT * FROM os_version", &rows);
	assert_int_equal(rows.nrows, 1);
	assert_string_equal(test_get(&rows, 0, "platform"), "rhel");
	test_rows_free(&rows);
	engine_free(eng);

	/* past the 64 KiB bound: a clear error, not a half-read row */
	strbuf_reset(&sb);
	while (sb.len <= ((size_t)64 << 10))
		strbuf_addstr(&sb, "HOME_URL=\"https://example.org/\"\n");
	test_tree_write(&t, "etc/os-release", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query_fails(eng, "SELECT * FROM os_version", "exceeds its size limit");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

static void system_info_corners(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	/* cpuinfo: out-of-range and non-numeric ids ignored; a core id
	 * before any physical id counts under physical id 0 (boost); the
	 * model of the second block is not the subtype */
	tree_puts(&t, "proc/cpuinfo",
		  "processor : 0\ncore id : 0\nsiblings : 2\nmicrocode :\n\n"
		  "processor : 1\nmodel : 9\nphysical id : x\ncore id : 1\n\n"
		  "processor : 2\nphysical id : 99999999999\ncore id : 1\n\n"
		  "processor : 3\nphysical id : 1\ncore id : 99999999999\n");
	tree_puts(&t, "proc/sys/kernel/hostname", "\n");
	tree_puts(&t, "proc/meminfo", "MemFree: 1 kB\nMemTotal: lots kB\n");
	strbuf_reset(&sb);
	while (sb.len <= ((size_t)64 << 10))
		strbuf_addstr(&sb, "Very Long Vendor ");
	test_tree_write(&t, "sys/class/dmi/id/sys_vendor", sb.buf, sb.len);
	tree_puts(&t, "sys/class/dmi/id/product_name", "");
	eng = test_engine(t.dir);
	/* no hostname anywhere (empty kernel file, no /etc/hostname); the
	 * huge vendor is NULL, the empty product name '' */
	test_assert_query(eng,
		     "SELECT hostname, computer_name, cpu_subtype, cpu_microcode, "
		     "cpu_logical_cores, cpu_physical_cores, cpu_sockets, physical_memory, "
		     "hardware_vendor, hardware_model FROM system_info",
		     "NULL|NULL|0||4|2|1|NULL|NULL|\n");
	engine_free(eng);

	/* binary garbage instead of every file */
	strbuf_reset(&sb);
	test_garbage(&sb, 8192, 99);
	test_tree_write(&t, "proc/cpuinfo", sb.buf, sb.len);
	test_tree_write(&t, "proc/meminfo", sb.buf, sb.len);
	test_tree_write(&t, "proc/sys/kernel/hostname", sb.buf, sb.len);
	test_tree_write(&t, "etc/hosts", sb.buf, sb.len);
	test_tree_write(&t, "sys/class/dmi/id/product_name", sb.buf, sb.len);
	eng = test_engine(t.dir);
	free(test_query_text(eng, "SELECT * FROM system_info"));
	test_assert_query(eng, "SELECT count(*) FROM system_info", "1\n");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

static void kernel_info_corners(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	/* /proc/version without "version" second: osrelease instead; the
	 * last BOOT_IMAGE= and root= win */
	tree_puts(&t, "proc/version", "garbage\n");
	tree_puts(&t, "proc/sys/kernel/osrelease", "1.2.3-test\n");
	tree_puts(&t, "proc/cmdline",
		  "root=/dev/sda1 ro BOOT_IMAGE=a root=/dev/sda2 BOOT_IMAGE=b quiet\n");
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT version, path, device, arguments FROM kernel_info",
		     "1.2.3-test|b|/dev/sda2|ro quiet\n");
	engine_free(eng);

	/* an empty command line: arguments '', no path, no device */
	tree_puts(&t, "proc/cmdline", "");
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT version, path, device, arguments FROM kernel_info",
		     "1.2.3-test|NULL|NULL|\n");
	engine_free(eng);

	/* a command line past the bound is an error */
	while (sb.len <= ((size_t)64 << 10))
		strbuf_addstr(&sb, "quiet ");
	test_tree_write(&t, "proc/cmdline", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query_fails(eng, "SELECT * FROM kernel_info", "exceeds its size limit");
	engine_free(eng);

	/* binary garbage */
	strbuf_reset(&sb);
	test_garbage(&sb, 4096, 3);
	test_tree_write(&t, "proc/cmdline", sb.buf, sb.len);
	test_tree_write(&t, "proc/version", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM kernel_info", "1\n");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host1),
		cmocka_unit_test(host2),
		cmocka_unit_test(host3),
		cmocka_unit_test(empty_root),
		cmocka_unit_test(os_release_corners),
		cmocka_unit_test(release_files),
		cmocka_unit_test(hostile_release_files),
		cmocka_unit_test(system_info_corners),
		cmocka_unit_test(kernel_info_corners),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
