/*
 * test_golden_kernel.c - kernel_modules, system_controls and mounts on
 * captured trees.
 *
 * tests/golden/roots/kernel1 holds:
 *   - proc/modules written by hand in the kernel's format (the machine
 *     the tree was captured on has no loadable modules): users lists
 *     with their trailing ',', "-", "[permanent],", taint flags after
 *     the address, Loading/Unloading states, a short line, a blank
 *     line, a size that is no number, runs of blanks, no final newline;
 *   - proc/sys: 26 controls copied from this machine (cat of each file),
 *     plus a component holding a dot (net/ipv4/conf/eth0.100/) next to
 *     net/ipv4/conf/eth0/100/ (both are named net.ipv4.conf.eth0.100.*),
 *     multi-line, padded, empty and non-UTF-8 values, a symlink to a
 *     file, one to a directory, a dangling one, and a file at the top
 *     of /proc/sys (not a control: osquery walks only the directories);
 *   - the sysctl configuration: /etc/sysctl.conf with comments, a line
 *     without '=', a key-less line, a value holding '=', an empty value,
 *     a slash-separated key; sysctl.d directories under /etc, /run,
 *     /usr/local/lib, /usr/lib and /lib with a masked file name, a
 *     hidden and a non-.conf file, a '-' prefixed key, the dotted form
 *     naming a component with a dot, and globs;
 *   - proc/mounts: this machine's, then edge cases: octal escapes
 *     (\040, \011, \134) and a "\\", devices that are symlinks inside the
 *     tree (relative, absolute, through "." and "..", a loop, a missing
 *     target), a comment after blanks, a blank and a short line, a
 *     tab-separated line, an autofs mount; dev/ holds the link targets.
 * Every expected value below was checked by hand against those files.
 * Hostile inputs (oversized files, deep trees, FIFOs that would block
 * any read, binary garbage) are built at run time in a temporary
 * directory.
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

/* A test that would hang (a FIFO opened by mistake) fails instead. */
#define HANG_GUARD_SECONDS 30

/* ------------------------------------------------------------------ */
/* temporary trees */

/* Creates the parent directories of rel under the tree. */
static void tree_mkdirs(struct test_tree *t, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	for (char *p = path + strlen(t->dir) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
}

static void tree_writez(struct test_tree *t, const char *rel, const char *s)
{
	test_tree_write(t, rel, s, strlen(s));
}

/* A FIFO: opening it for reading blocks until a writer comes, so any
 * read of it hangs the query (and HANG_GUARD_SECONDS fails the test). */
static void tree_fifo(struct test_tree *t, const char *rel)
{
	char path[512];

	tree_mkdirs(t, rel);
	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	if (mkfifo(path, 0644) < 0)
		fail_msg("mkfifo %s: %s", path, strerror(errno));
}

/* ------------------------------------------------------------------ */
/* kernel_modules */

static void kernel_modules_all(void **state)
{
	struct engine *eng = test_golden_engine("kernel1");

	(void)state;
	/* skipped: the blank line and "too short 1 -" (four fields) */
	test_assert_query(eng, "SELECT * FROM kernel_modules",
		     "nf_conntrack|176128|xt_conntrack,nf_nat,nf_conntrack_netlink,"
		     "xt_MASQUERADE|Live|0xffffffffc0a3e000\n"
		     "nf_defrag_ipv6|24576|nf_conntrack|Live|0xffffffffc0a36000\n"
		     "xt_conntrack|16384|-|Live|0xffffffffc0a31000\n"
		     /* taint flags "(OE)" after the address are no column */
		     "vboxdrv|565248|vboxnetadp,vboxnetflt|Live|0x0000000000000000\n"
		     "ipv6|614400|[permanent]|Live|0xffffffffc0900000\n"
		     "loading_mod|12288|-|Loading|0xffffffffc0800000\n"
		     "unloading_mod|12288|-|Unloading|0xffffffffc0700000\n"
		     /* "12x4" is no size: NULL in the BIGINT column */
		     "badsize|NULL|-|Live|0xffffffffc0600000\n"
		     "spaced|8192|-|Live|0xffffffffc0500000\n"
		     "last_no_newline|4096|-|Live|0xffffffffc0400000\n");
	test_assert_query(eng, "SELECT name FROM kernel_modules WHERE status != 'Live'",
		     "loading_mod\nunloading_mod\n");
	test_assert_query(eng, "SELECT typeof(size), size FROM kernel_modules WHERE name = 'ipv6'",
		     "integer|614400\n");
	engine_free(eng);
}

static void kernel_modules_hostile(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	/* no /proc/modules (a kernel without loadable modules) */
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM kernel_modules", "0\n");
	engine_free(eng);

	/* binary garbage around one good line */
	test_garbage(&sb, 65536, 7);
	strbuf_addstr(&sb, "\ngood 4096 0 - Live 0x1\n");
	test_garbage(&sb, 4096, 8);
	test_tree_write(&t, "proc/modules", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT * FROM kernel_modules WHERE name = 'good'",
		     "good|4096|-|Live|0x1\n");
	engine_free(eng);

	/* past the 4 MiB bound: an error, not half a list */
	strbuf_reset(&sb);
	while (sb.len <= ((size_t)4 << 20))
		strbuf_addstr(&sb, "mod 4096 0 - Live 0x0000000000000000\n");
	test_tree_write(&t, "proc/modules", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query_fails(eng, "SELECT count(*) FROM kernel_modules", "exceeds its size limit");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

/* ------------------------------------------------------------------ */
/* system_controls */

static const char kernel1_controls[] =
	"abi.vsyscall32|abi|1|NULL|string|NULL\n"
	/* run/sysctl.d/20-run.conf */
	"fs.file-max|fs|2470938|100|string|NULL\n"
	/* usr/local/lib/sysctl.d/30-x.conf */
	"fs.protected_fifos|fs|0|1|string|NULL\n"
	"fs.protected_hardlinks|fs|1|NULL|string|NULL\n"
	/* usr/lib/sysctl.d/50-default.conf masks lib/sysctl.d's */
	"fs.protected_regular|fs|0|1|string|NULL\n"
	/* set only in the masked lib/sysctl.d/50-default.conf */
	"fs.protected_symlinks|fs|0|NULL|string|NULL\n"
	/* subdirectories before files, as osquery walks */
	"kernel.random.boot_id|kernel|22d0d3b0-d25e-4960-bb75-bcc0677a61b5|NULL|string|NULL\n"
	/* "kernel/random/poolsize = 8192": the slash form */
	"kernel.random.poolsize|kernel|256|8192|string|NULL\n"
	"kernel.binary|kernel|\377\376 odd bytes|NULL|string|NULL\n"
	"kernel.core_pattern|kernel|core|NULL|string|NULL\n"
	"kernel.empty|kernel||NULL|string|NULL\n"
	/* the value is everything after the first '=' */
	"kernel.hostname|kernel|vm|a=b|string|NULL\n"
	/* a symlink to a file is read through; link_dir and dangling are
	 * not controls */
	"kernel.link_file|kernel|6.18.44-fc-v657|NULL|string|NULL\n"
	"kernel.multiline|kernel|line one\nline two|NULL|string|NULL\n"
	"kernel.osrelease|kernel|6.18.44-fc-v657|NULL|string|NULL\n"
	"kernel.ostype|kernel|Linux|NULL|string|NULL\n"
	"kernel.padded|kernel|42|NULL|string|NULL\n"
	/* etc/sysctl.d/50-pid-max.conf masks usr/lib's 4194304, and
	 * /etc/sysctl.conf, applied last, sets 65536 */
	"kernel.pid_max|kernel|32768|65536|string|NULL\n"
	"kernel.printk|kernel|4\t4\t1\t7|NULL|string|NULL\n"
	"kernel.sem|kernel|32000\t1024000000\t500\t32000|NULL|string|NULL\n"
	"kernel.threads-max|kernel|193102|1000|string|NULL\n"
	"net.ipv4.conf.all.forwarding|net|0|NULL|string|NULL\n"
	/* "net.ipv4.conf.all.rp_filter =": an explicit empty value beats
	 * the glob */
	"net.ipv4.conf.all.rp_filter|net|0||string|NULL\n"
	"net.ipv4.conf.default.rp_filter|net|0|2|string|NULL\n"
	/* eth0/100/forwarding, then eth0.100/forwarding: one name, two
	 * files; "net.ipv4.conf.eth0/100.forwarding = 0" configures it */
	"net.ipv4.conf.eth0.100.forwarding|net|2|0|string|NULL\n"
	"net.ipv4.conf.eth0.100.forwarding|net|1|0|string|NULL\n"
	/* the last glob: 70-later.conf */
	"net.ipv4.conf.eth0.100.rp_filter|net|0|3|string|NULL\n"
	/* "-net.ipv4.conf.lo.forwarding = 1" */
	"net.ipv4.conf.lo.forwarding|net|0|1|string|NULL\n"
	/* explicit 60-explicit.conf beats the later glob */
	"net.ipv4.conf.lo.rp_filter|net|0|1|string|NULL\n"
	"net.ipv4.ip_forward|net|0|1|string|NULL\n"
	"net.ipv4.ip_local_port_range|net|32768\t60999|NULL|string|NULL\n"
	"net.ipv4.tcp_rmem|net|4096\t131072\t33554432|4096 87380 6291456|string|NULL\n"
	/* .hidden.conf and README are no configuration */
	"vm.overcommit_memory|vm|0|1|string|NULL\n"
	/* 10-local.conf says 20, /etc/sysctl.conf (last) 10 */
	"vm.swappiness|vm|60|10|string|NULL\n";

#define SC_COLS "SELECT name, subsystem, current_value, config_value, type, oid FROM system_controls"

static void system_controls_all(void **state)
{
	struct engine *eng = test_golden_engine("kernel1");

	(void)state;
	test_assert_query(eng, SC_COLS, kernel1_controls);
	/* SELECT * is osquery's visible set: field_name is hidden */
	test_assert_query(eng, "SELECT * FROM system_controls WHERE name = 'vm.swappiness'",
		     "vm.swappiness|NULL|vm|60|10|string\n");
	test_assert_query(eng, "SELECT field_name FROM system_controls WHERE name = 'vm.swappiness'",
		     "NULL\n");
	engine_free(eng);
}

static void system_controls_constraints(void **state)
{
	struct engine *eng = test_golden_engine("kernel1");

	(void)state;
	test_assert_query(eng, SC_COLS " WHERE name = 'kernel.pid_max'",
		     "kernel.pid_max|kernel|32768|65536|string|NULL\n");
	/* a component holding a dot is found both ways */
	test_assert_query(eng, SC_COLS " WHERE name = 'net.ipv4.conf.eth0.100.forwarding'",
		     "net.ipv4.conf.eth0.100.forwarding|net|2|0|string|NULL\n"
		     "net.ipv4.conf.eth0.100.forwarding|net|1|0|string|NULL\n");
	test_assert_query(eng,
		     "SELECT name, current_value FROM system_controls WHERE name IN "
		     "('vm.swappiness', 'kernel.random.boot_id', 'vm.swappiness', 'no.such')",
		     "kernel.random.boot_id|22d0d3b0-d25e-4960-bb75-bcc0677a61b5\n"
		     "vm.swappiness|60\n");
	/* a directory, a path, empty components, the top-level file, an
	 * escape attempt and a dangling link name no control */
	test_assert_query(eng,
		     "SELECT count(*) FROM system_controls WHERE name IN ('kernel', "
		     "'kernel.random', 'kernel/pid_max', 'kernel..pid_max', '.kernel.pid_max', "
		     "'kernel.pid_max.', 'toplevel_file', '..', '.', '', 'kernel.link_dir', "
		     "'kernel.dangling', '..etc.passwd')",
		     "0\n");
	/* a symlink to a file answers by name too */
	test_assert_query(eng, "SELECT current_value FROM system_controls WHERE name = 'kernel.link_file'",
		     "6.18.44-fc-v657\n");
	test_assert_query(eng, "SELECT name FROM system_controls WHERE subsystem = 'vm'",
		     "vm.overcommit_memory\nvm.swappiness\n");
	test_assert_query(eng, "SELECT count(*) FROM system_controls WHERE subsystem IN ('abi', 'fs')",
		     "6\n");
	test_assert_query(eng,
		     "SELECT count(*) FROM system_controls WHERE subsystem IN ('..', '.', "
		     "'toplevel_file', 'nope', 'kernel/random')",
		     "0\n");
	/* name and subsystem must both hold */
	test_assert_query(eng,
		     "SELECT count(*) FROM system_controls WHERE name = 'vm.swappiness' AND "
		     "subsystem = 'kernel'",
		     "0\n");
	/* no oid on Linux: nothing matches one */
	test_assert_query(eng, "SELECT count(*) FROM system_controls WHERE oid = '1.2'", "0\n");
	/* config_value is also a plain filter */
	test_assert_query(eng, "SELECT name FROM system_controls WHERE config_value = '1'",
		     "fs.protected_fifos\nfs.protected_regular\nnet.ipv4.conf.lo.forwarding\n"
		     "net.ipv4.conf.lo.rp_filter\nnet.ipv4.ip_forward\nvm.overcommit_memory\n");
	engine_free(eng);
}

/*
 * Pushdown, proved by FIFOs: every control but kernel.pid_max is a FIFO,
 * whose open(2) for reading blocks. A query that reads a file it does
 * not need hangs, and the alarm fails the test.
 */
static void system_controls_reads_only_what_it_needs(void **state)
{
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	tree_writez(&t, "proc/sys/kernel/pid_max", "4194304\n");
	tree_fifo(&t, "proc/sys/kernel/aaa_fifo");
	tree_fifo(&t, "proc/sys/kernel/zzz_fifo");
	tree_fifo(&t, "proc/sys/vm/swappiness");
	tree_fifo(&t, "etc/sysctl.d/10-fifo.conf");
	tree_writez(&t, "etc/sysctl.conf", "kernel.pid_max = 65536\n");
	alarm(HANG_GUARD_SECONDS);
	eng = test_engine(t.dir);
	/* name: only /proc/sys/kernel/pid_max is opened */
	test_assert_query(eng, "SELECT name, current_value FROM system_controls WHERE name = 'kernel.pid_max'",
		     "kernel.pid_max|4194304\n");
	/* projection: no value read, no configuration read */
	test_assert_query(eng, "SELECT name, subsystem FROM system_controls",
		     "kernel.aaa_fifo|kernel\nkernel.pid_max|kernel\nkernel.zzz_fifo|kernel\n"
		     "vm.swappiness|vm\n");
	engine_free(eng);
	alarm(0);
	test_tree_remove(&t);
}

static void system_controls_hostile(void **state)
{
	struct strbuf sb = STRBUF_INIT, rel = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	/* an empty root: no rows, no error */
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM system_controls", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM system_controls WHERE name = 'kernel.pid_max'",
		     "0\n");
	engine_free(eng);

	/* a value past 64 KiB is no sysctl value: NULL */
	while (sb.len <= ((size_t)64 << 10))
		strbuf_addstr(&sb, "0123456789abcdef");
	test_tree_write(&t, "proc/sys/kernel/huge", sb.buf, sb.len);
	tree_writez(&t, "proc/sys/kernel/small", "7\n");
	/* 40 nested directories: the walk stops at 32 */
	strbuf_reset(&rel);
	strbuf_addstr(&rel, "proc/sys/deep");
	for (int i = 0; i < 40; i++) {
		strbuf_addstr(&rel, "/d");
		if (i == 29 || i == 30 || i == 39) {
			strbuf_addstr(&rel, "/leaf");
			tree_writez(&t, rel.buf, "x\n");
			strbuf_setlen(&rel, rel.len - 5);
		}
	}
	/* configuration: garbage, an oversized file, a good one */
	strbuf_reset(&sb);
	test_garbage(&sb, 65536, 3);
	strbuf_addstr(&sb, "\nkernel.small = 8\n");
	test_tree_write(&t, "etc/sysctl.d/10-garbage.conf", sb.buf, sb.len);
	strbuf_reset(&sb);
	while (sb.len <= ((size_t)1 << 20))
		strbuf_addstr(&sb, "kernel.small = 99\n");
	test_tree_write(&t, "etc/sysctl.d/20-huge.conf", sb.buf, sb.len);

	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT name, current_value, config_value FROM system_controls "
			  "WHERE subsystem = 'kernel'",
		     "kernel.huge|NULL|NULL\nkernel.small|7|8\n");
	/* deep.d (1) ... d x 31 (depth 32) are walked: the leaves below 30
	 * and 31 directories are listed (subdirectories first), the one
	 * below 40 is not */
	test_assert_query(eng, "SELECT length(name) FROM system_controls WHERE subsystem = 'deep'",
		     "71\n69\n");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
	strbuf_release(&rel);
}

/* ------------------------------------------------------------------ */
/* mounts */

static void mounts_all(void **state)
{
	struct engine *eng = test_golden_engine("kernel1");

	(void)state;
	test_assert_query(eng,
		     "SELECT device, device_alias, path, type, flags FROM mounts",
		     /* this machine's /proc/mounts */
		     "proc|proc|/proc|proc|rw,relatime\n"
		     "sysfs|sysfs|/sys|sysfs|rw,relatime\n"
		     "devtmpfs|devtmpfs|/dev|devtmpfs|rw,relatime,size=12358300k,"
		     "nr_inodes=3089575,mode=755\n"
		     "tmpfs|tmpfs|/dev/shm|tmpfs|rw,relatime,size=24731708k\n"
		     "devpts|devpts|/dev/pts|devpts|rw,relatime,mode=600,ptmxmode=000\n"
		     /* dev/vda exists in the tree: its own alias */
		     "/dev/vda|/dev/vda|/|ext4|rw,relatime,discard,resv_strict,resuid=65534,"
		     "resgid=65534\n"
		     "model_tools_unavailable|model_tools_unavailable|"
		     "/mnt/sandboxing/model_tools_env/v1/python|tmpfs|ro,nosuid,nodev,relatime,"
		     "size=4k,mode=755\n"
		     "devpts|devpts|/dev/pts|devpts|rw,relatime,mode=600,ptmxmode=000\n"
		     "tmpfs|tmpfs|/dev/shm|tmpfs|rw,relatime,size=24731708k\n"
		     "tmpfs|tmpfs|/sys/fs/cgroup|tmpfs|rw,relatime,mode=755\n"
		     "cgroup|cgroup|/sys/fs/cgroup/cpu|cgroup|rw,relatime,cpu\n"
		     "cgroup|cgroup|/sys/fs/cgroup/cpuacct|cgroup|rw,relatime,cpuacct\n"
		     "cgroup|cgroup|/sys/fs/cgroup/cpuset|cgroup|rw,relatime,cpuset\n"
		     "cgroup|cgroup|/sys/fs/cgroup/memory|cgroup|rw,relatime,memory\n"
		     "cgroup|cgroup|/sys/fs/cgroup/devices|cgroup|rw,relatime,devices\n"
		     "cgroup|cgroup|/sys/fs/cgroup/freezer|cgroup|rw,relatime,freezer\n"
		     "cgroup|cgroup|/sys/fs/cgroup/blkio|cgroup|rw,relatime,blkio\n"
		     "cgroup|cgroup|/sys/fs/cgroup/pids|cgroup|rw,relatime,pids\n"
		     "cgroup|cgroup|/sys/fs/cgroup/systemd|cgroup|rw,relatime,name=systemd\n"
		     "cgroup2|cgroup2|/sys/fs/cgroup/unified|cgroup2|rw,relatime\n"
		     /* edge cases: by-uuid/1234-abcd -> ../../vda */
		     "/dev/disk/by-uuid/1234-abcd|/dev/vda|/boot/efi|vfat|rw,relatime,"
		     "fmask=0077\n"
		     /* mapper/vg-root -> ../dm-0; "\040" is a space */
		     "/dev/mapper/vg-root|/dev/dm-0|/mnt/with space|ext4|rw,noatime\n"
		     /* "\011" tab, "\134" and "\\" backslash */
		     "tmpfs|tmpfs|/mnt/tab\tand\\backslash\\end|tmpfs|rw\n"
		     /* no such file, a symlink loop: the device as it is */
		     "/dev/nonexistent|/dev/nonexistent|/mnt/missing|ext4|rw\n"
		     "/dev/loopy|/dev/loopy|/mnt/loop|ext4|rw\n"
		     /* abs -> /dev/vda resolves inside the tree */
		     "/dev/abs|/dev/vda|/mnt/abs|xfs|ro\n"
		     "/dev/./disk/../vda|/dev/vda|/mnt/dots|ext4|rw\n"
		     /* the comment, blank and short lines are skipped; a
		      * line indented and split by tabs is read */
		     "/dev/vda|/dev/vda|/mnt/tabs|ext4|rw\n"
		     "autofs|autofs|/mnt/auto|autofs|rw,fd=5\n");
	/* a captured tree has no file systems to statfs: NULL (counted,
	 * as "IS NULL" is false on these PRIMARY KEY columns, as in
	 * osquery) */
	test_assert_query(eng,
		     "SELECT count(*), count(blocks_size), count(blocks), count(blocks_free), "
		     "count(blocks_available), count(inodes), count(inodes_free) FROM mounts",
		     "29|0|0|0|0|0|0\n");
	test_assert_query(eng, "SELECT path FROM mounts WHERE type = 'ext4' AND flags LIKE 'rw%'",
		     "/\n/mnt/with space\n/mnt/missing\n/mnt/loop\n/mnt/dots\n/mnt/tabs\n");
	engine_free(eng);
}

static void mounts_hostile(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct engine *eng;
	struct test_tree t;

	(void)state;
	test_tree_make(&t);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT count(*) FROM mounts", "0\n");
	engine_free(eng);

	test_garbage(&sb, 65536, 11);
	strbuf_addstr(&sb, "\n/dev/sda1 /good ext4 rw 0 0\n");
	test_garbage(&sb, 4096, 12);
	test_tree_write(&t, "proc/mounts", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT device, device_alias, type, flags FROM mounts WHERE path = '/good'",
		     "/dev/sda1|/dev/sda1|ext4|rw\n");
	engine_free(eng);

	/* a device symlink leading out of the tree stays inside it */
	tree_writez(&t, "proc/mounts", "/dev/out /x ext4 rw 0 0\n/dev/up /y ext4 rw 0 0\n");
	tree_writez(&t, "inside/etc/hostname", "");
	tree_mkdirs(&t, "dev/x");
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/dev/out", t.dir);
		if (symlink("/etc/hostname", path) < 0)
			fail_msg("symlink: %s", strerror(errno));
		snprintf(path, sizeof(path), "%s/dev/up", t.dir);
		if (symlink("../../../../inside/etc/hostname", path) < 0)
			fail_msg("symlink: %s", strerror(errno));
	}
	eng = test_engine(t.dir);
	/* /etc/hostname does not exist in the tree (the host's is never
	 * looked at); ".." stops at the tree's root */
	test_assert_query(eng, "SELECT device, device_alias FROM mounts",
		     "/dev/out|/dev/out\n/dev/up|/inside/etc/hostname\n");
	engine_free(eng);

	/* past the 16 MiB bound: an error */
	strbuf_reset(&sb);
	while (sb.len <= ((size_t)16 << 20))
		strbuf_addstr(&sb, "tmpfs /run/user/1000/some/long/mount/point tmpfs rw 0 0\n");
	test_tree_write(&t, "proc/mounts", sb.buf, sb.len);
	eng = test_engine(t.dir);
	test_assert_query_fails(eng, "SELECT count(*) FROM mounts", "exceeds its size limit");
	engine_free(eng);
	test_tree_remove(&t);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_modules_all),
		cmocka_unit_test(kernel_modules_hostile),
		cmocka_unit_test(system_controls_all),
		cmocka_unit_test(system_controls_constraints),
		cmocka_unit_test(system_controls_reads_only_what_it_needs),
		cmocka_unit_test(system_controls_hostile),
		cmocka_unit_test(mounts_all),
		cmocka_unit_test(mounts_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
