/*
 * test_golden_deb.c - deb_packages, deb_package_files and apt_sources on
 * a captured tree.
 *
 * tests/golden/roots/deb1 holds the first 25 records of this machine's
 * /var/lib/dpkg/status plus dpkg and libc6, then hand-made records: a
 * "deinstall ok config-files" package with a 0: epoch and an upper-case
 * priority, a "not-installed" one (not listed), lower/upper-case field
 * names with continuation lines and a 3000-line Description, a record
 * with no Version/Priority/Size/Arch ("<none>", "unknown", NULL), a
 * record with an unknown Status word and one with no Package (both
 * skipped), a foreign-arch Multi-Arch: same libc6:i386, a record the
 * updates/0001 journal replaces (updates/tmp.i is not a journal file),
 * an unknown priority, a non-numeric epoch and size, a CRLF record and a
 * last record with no final newline. The real records were checked
 * against `dpkg-query --admindir` on a copy without the hand-made ones
 * (dpkg-query aborts on the bad Status), every field the same; the
 * hand-made rows were checked by hand against the rules in tables/deb.c.
 *
 * info/ holds real .list files (libc6:amd64.list is found for the
 * Multi-Arch: same package) and a CRLF list (the '\r' is kept, as
 * osquery's getline keeps it). apt: sources.list with comments, deb-src,
 * an [options] entry with a flat "./" suite and trailing CRLF, an entry
 * without a cached Release (no row), one without scheme and one without
 * suite; debian.sources (this machine's) and a deb822 file with a
 * deb-src stanza, a URI without scheme, two suites and "Enabled: yes"
 * (skipped, as osquery only accepts "on"); a hidden .list and a
 * directory named *.list (ignored). The cached Release files are this
 * machine's, cut after 18 lines, and one has a Codename after the PGP
 * signature marker (ignored).
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

static const char deb1_packages[] =
	"adduser|3.134||686|all||install ok installed|Debian Adduser Developers <adduser@packages.debian.org>|admin|important\n"
	"adwaita-icon-theme|43-1||20899|all|1|install ok installed|Debian GNOME Maintainers <pkg-gnome-maintainers@lists.alioth.debian.org>|gnome|optional\n"
	"alsa-topology-conf|1.2.5.1-2||420|all|2|install ok installed|Debian ALSA Maintainers <pkg-alsa-devel@lists.alioth.debian.org>|libs|optional\n"
	"alsa-ucm-conf|1.2.8-1||689|all|1|install ok installed|Debian ALSA Maintainers <pkg-alsa-devel@lists.alioth.debian.org>|libs|optional\n"
	"appstream|0.16.1-2||2502|amd64|2|install ok installed|Matthias Klumpp <mak@debian.org>|admin|optional\n"
	"apt|2.6.1||4232|amd64||install ok installed|APT Development Team <deity@lists.debian.org>|admin|required\n"
	"apt-transport-https|2.6.1|apt|35|all||install ok installed|APT Development Team <deity@lists.debian.org>|oldlibs|optional\n"
	"at-spi2-common|2.46.0-5|at-spi2-core|1313|all|5|install ok installed|Debian Accessibility Team <pkg-a11y-devel@alioth-lists.debian.net>|misc|optional\n"
	"at-spi2-core|2.46.0-5||210|amd64|5|install ok installed|Debian Accessibility Team <pkg-a11y-devel@alioth-lists.debian.net>|misc|optional\n"
	"attr|1:2.5.1-4||154|amd64|4|install ok installed|Guillem Jover <guillem@debian.org>|utils|optional\n"
	"base-files|12.4+deb12u11||341|amd64||install ok installed|Santiago Vila <sanvila@debian.org>|admin|required\n"
	"base-passwd|3.6.1||247|amd64||install ok installed|Colin Watson <cjwatson@debian.org>|admin|required\n"
	"bash|5.2.15-2+b8|bash (5.2.15-2)|7164|amd64|2+b8|install ok installed|Matthias Klose <doko@debian.org>|shells|required\n"
	"bats|1.8.2-1||158|all|1|install ok installed|Yaroslav Halchenko <debian@onerussian.com>|devel|optional\n"
	"bc|1.07.1-3+b1|bc (1.07.1-3)|241|amd64|3+b1|install ok installed|Ryan Kavanagh <rak@debian.org>|math|standard\n"
	"bear|3.1.1-1||1183|amd64|1|install ok installed|Sebastian Ramacher <sramacher@debian.org>|devel|optional\n"
	"binutils|2.40-2||109|amd64|2|install ok installed|Matthias Klose <doko@debian.org>|devel|optional\n"
	"binutils-common|2.40-2|binutils|15021|amd64|2|install ok installed|Matthias Klose <doko@debian.org>|devel|optional\n"
	"binutils-x86-64-linux-gnu|2.40-2|binutils|11428|amd64|2|install ok installed|Matthias Klose <doko@debian.org>|devel|optional\n"
	"bsdextrautils|2.38.1-5+deb12u3|util-linux|337|amd64|5+deb12u3|install ok installed|util-linux packagers <util-linux@packages.debian.org>|utils|optional\n"
	"bsdutils|1:2.38.1-5+deb12u3|util-linux (2.38.1-5+deb12u3)|355|amd64|5+deb12u3|install ok installed|util-linux packagers <util-linux@packages.debian.org>|utils|required\n"
	"build-essential|12.9||20|amd64||install ok installed|Matthias Klose <doko@debian.org>|devel|optional\n"
	"bzip2|1.0.8-5+b1|bzip2 (1.0.8-5)|121|amd64|5+b1|install ok installed|Anibal Monsalve Salazar <anibal@debian.org>|utils|standard\n"
	"bzip2-doc|1.0.8-5|bzip2|612|all|5|install ok installed|Anibal Monsalve Salazar <anibal@debian.org>|doc|optional\n"
	"ca-certificates|20230311+deb12u1||387|all||install ok installed|Julien Cristau <jcristau@debian.org>|misc|standard\n"
	"dpkg|1.21.22||6409|amd64||install ok installed|Dpkg Developers <debian-dpkg@lists.debian.org>|admin|required\n"
	"libc6|2.36-9+deb12u14|glibc|13001|amd64|9+deb12u14|install ok installed|GNU Libc Maintainers <debian-glibc@lists.debian.org>|libs|optional\n"
	"libc6|2.36-9+deb12u10|glibc|12000|i386|9+deb12u10|install ok installed|GNU Libc Maintainers <debian-glibc@lists.debian.org>|libs|optional\n"
	"zz-bare|<none>||NULL|||hold reinstreq half-installed|||unknown\n"
	"zz-cont|2:3.0~rc1-1-2ubuntu1|zz-src (3.0-1)|42|all|2ubuntu1|install ok installed|A <a@x>|utils|extra\n"
	"zz-crlf|1:0.9-3||7|amd64|3|install ok installed||net|optional\n"
	"zz-journal|1.1||2|amd64||install ok installed||misc|optional\n"
	"zz-last|5||3|amd64||install ok half-configured|||unknown\n"
	"zz-odd|x:1.0||NULL|amd64||install ok triggers-pending||non-free/misc|Custom-Prio\n"
	"zz-removed|1.0-2||NULL|amd64|2|deinstall ok config-files|Nobody <n@example.org>|admin|optional\n"
	;

static void deb_packages_all(void **state)
{
	struct engine *eng = test_golden_engine("deb1");

	(void)state;
	test_assert_query(eng,
			  "SELECT name, version, source, size, arch, revision, status, maintainer, "
			  "section, priority FROM deb_packages",
			  deb1_packages);
	test_assert_query(eng,
			  "SELECT admindir, pid_with_namespace, mount_namespace_id FROM deb_packages "
			  "WHERE name = 'zz-cont'",
			  "/var/lib/dpkg|0|NULL\n");
	engine_free(eng);
}

static void deb_packages_admindir(void **state)
{
	struct engine *eng = test_golden_engine("deb1");

	(void)state;
	/* another database, read under the root; rows carry the value asked */
	test_assert_query(eng,
			  "SELECT count(*), admindir FROM deb_packages WHERE admindir IN "
			  "('/var/lib/dpkg/', '/nope', '/etc') GROUP BY admindir",
			  "35|/var/lib/dpkg/\n");
	test_assert_query(eng, "SELECT count(*) FROM deb_packages WHERE admindir = '/nope'",
			  "0\n");
	engine_free(eng);
}

static const char deb1_files[] =
	"alsa-topology-conf|/.|/var/lib/dpkg\n"
	"alsa-topology-conf|/lib|/var/lib/dpkg\n"
	"alsa-topology-conf|/lib/firmware|/var/lib/dpkg\n"
	"alsa-topology-conf|/lib/firmware/skl_hda_dsp_generic-tplg.bin|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/alsa|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/alsa/topology|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/alsa/topology/broadwell|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/alsa/topology/broadwell/broadwell.conf|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/alsa/topology/bxtrt298|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/alsa/topology/bxtrt298/bxt_i2s.conf|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/alsa/topology/hda-dsp|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/alsa/topology/hda-dsp/skl_hda_dsp_generic-tplg.conf|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/alsa/topology/sklrt286|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/alsa/topology/sklrt286/skl_i2s.conf|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/doc|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/doc/alsa-topology-conf|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/doc/alsa-topology-conf/changelog.Debian.gz|/var/lib/dpkg\n"
	"alsa-topology-conf|/usr/share/doc/alsa-topology-conf/copyright|/var/lib/dpkg\n"
	"zz-crlf|/.\r|/var/lib/dpkg\n"
	"zz-crlf|/etc/zz crlf\r|/var/lib/dpkg\n"
	;

static const char deb1_libc6_files[] =
	"/.\n"
	"/etc\n"
	"/etc/ld.so.conf.d\n"
	"/etc/ld.so.conf.d/x86_64-linux-gnu.conf\n"
	"/lib\n"
	"/lib/x86_64-linux-gnu\n"
	"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n"
	"/lib/x86_64-linux-gnu/libBrokenLocale.so.1\n"
	"/lib/x86_64-linux-gnu/libanl.so.1\n"
	"/lib/x86_64-linux-gnu/libc.so.6\n"
	"/lib/x86_64-linux-gnu/libc_malloc_debug.so.0\n"
	"/lib/x86_64-linux-gnu/libdl.so.2\n"
	"/lib/x86_64-linux-gnu/libm.so.6\n"
	"/lib/x86_64-linux-gnu/libmemusage.so\n"
	"/lib/x86_64-linux-gnu/libmvec.so.1\n"
	"/lib/x86_64-linux-gnu/libnsl.so.1\n"
	"/lib/x86_64-linux-gnu/libnss_compat.so.2\n"
	"/lib/x86_64-linux-gnu/libnss_dns.so.2\n"
	"/lib/x86_64-linux-gnu/libnss_files.so.2\n"
	"/lib/x86_64-linux-gnu/libnss_hesiod.so.2\n"
	"/lib/x86_64-linux-gnu/libpcprofile.so\n"
	"/lib/x86_64-linux-gnu/libpthread.so.0\n"
	"/lib/x86_64-linux-gnu/libresolv.so.2\n"
	"/lib/x86_64-linux-gnu/librt.so.1\n"
	"/lib/x86_64-linux-gnu/libthread_db.so.1\n"
	"/lib/x86_64-linux-gnu/libutil.so.1\n"
	"/lib64\n"
	"/usr\n"
	"/usr/lib\n"
	"/usr/lib/x86_64-linux-gnu\n"
	"/usr/share\n"
	"/lib64/ld-linux-x86-64.so.2\n"
	"/.\n"
	"/usr\n"
	"/usr/lib/i386-linux-gnu/libc.so.6\n"
	;

static void deb_package_files_all(void **state)
{
	struct engine *eng = test_golden_engine("deb1");

	(void)state;
	test_assert_query(eng,
			  "SELECT package, path, admindir FROM deb_package_files "
			  "WHERE package IN ('zz-crlf', 'alsa-topology-conf')",
			  deb1_files);
	/* libc6:amd64.list then libc6:i386.list, empty line skipped */
	test_assert_query(eng,
			  "SELECT path FROM deb_package_files WHERE package = 'libc6' AND path NOT "
			  "LIKE '/usr/share/%' AND path NOT LIKE '/usr/lib/x86_64-linux-gnu/%'",
			  deb1_libc6_files);
	/* a full scan: every installed package that has a list */
	test_assert_query(eng,
			  "SELECT package, count(*) FROM deb_package_files GROUP BY package",
			  "adduser|149\nalsa-topology-conf|20\nlibc6|305\nzz-crlf|2\n");
	/* not installed / no such package: no rows */
	test_assert_query(eng,
			  "SELECT count(*) FROM deb_package_files WHERE package IN ('zz-purged', "
			  "'nope')",
			  "0\n");
	test_assert_query(eng,
			  "SELECT package FROM deb_package_files WHERE path = "
			  "'/usr/lib/i386-linux-gnu/libc.so.6'",
			  "libc6\n");
	engine_free(eng);
}

static const char deb1_apt[] =
	"repo.example.com/apt stable|/etc/apt/sources.list|http://repo.example.com/apt|inrel|NULL|In|NULL|NULL\n"
	"repo.example.com/apt ./|/etc/apt/sources.list|https://repo.example.com/apt|flat|NULL|NULL|NULL|NULL\n"
	"deb.debian.org/debian bookworm|/etc/apt/sources.list.d/debian.sources|http://deb.debian.org/debian|bookworm|12.15|Debian|main contrib non-free-firmware non-free|all amd64 arm64 armel armhf i386 mips64el mipsel ppc64el s390x\n"
	"deb.debian.org/debian-security bookworm-security|/etc/apt/sources.list.d/debian.sources|http://deb.debian.org/debian-security|bookworm-security|12|Debian|updates/main updates/contrib updates/non-free-firmware updates/non-free|amd64 arm64 armhf i386 ppc64el\n"
	"repo.example.com/apt stable|/etc/apt/sources.list.d/z-extra.sources|http://repo.example.com/apt|inrel|NULL|In|NULL|NULL\n"
	"repo.example.com/apt ./|/etc/apt/sources.list.d/z-extra.sources|http://repo.example.com/apt|flat|NULL|NULL|NULL|NULL\n"
	;

static void apt_sources_all(void **state)
{
	struct engine *eng = test_golden_engine("deb1");

	(void)state;
	test_assert_query(eng,
			  "SELECT name, source, base_uri, release, version, maintainer, components, "
			  "architectures FROM apt_sources",
			  deb1_apt);
	test_assert_query(eng, "SELECT count(*) FROM apt_sources WHERE pid_with_namespace = 0",
			  "6\n");
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* hostile trees, built at run time */

static void tree_mkdir(struct test_tree *t, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	if (mkdir(path, 0755) < 0)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

static void tree_make(struct test_tree *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/spoor-deb-XXXXXX");
	if (!mkdtemp(t->dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	tree_mkdir(t, "var");
	tree_mkdir(t, "var/lib");
	tree_mkdir(t, "var/lib/dpkg");
	tree_mkdir(t, "var/lib/dpkg/info");
}

static void binary_garbage(void **state)
{
	static const char rec[] = "\n\nPackage: ok\nStatus: install ok installed\nVersion: 1-1\n";
	struct test_tree t;
	struct engine *eng;
	char buf[70000];
	unsigned x = 12345;

	(void)state;
	tree_make(&t);
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (char)(x >> 16);
	}
	/* garbage (NULs, colons, stray bytes) around one good record */
	memcpy(buf + 30000, rec, sizeof(rec) - 1);
	test_tree_write(&t, "var/lib/dpkg/status", buf, sizeof(buf));
	test_tree_write(&t, "var/lib/dpkg/info/ok.list", "\0\n/x\n", 5);
	eng = test_engine(t.dir);
	test_assert_query(eng, "SELECT name, version, revision FROM deb_packages WHERE name = 'ok'",
			  "ok|1-1|1\n");
	test_assert_query(eng, "SELECT length(path) FROM deb_package_files WHERE package = 'ok'",
			  "0\n2\n");
	engine_free(eng);
	test_tree_remove(&t);
}

static void empty_root(void **state)
{
	struct test_tree t;
	struct engine *eng;

	(void)state;
	tree_make(&t);
	eng = test_engine(t.dir);
	/* no status file, no apt: no rows, no error */
	test_assert_query(eng, "SELECT count(*) FROM deb_packages", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM deb_package_files", "0\n");
	test_assert_query(eng, "SELECT count(*) FROM apt_sources", "0\n");
	test_tree_write(&t, "var/lib/dpkg/status", "", 0);
	test_assert_query(eng, "SELECT count(*) FROM deb_packages", "0\n");
	engine_free(eng);
	test_tree_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deb_packages_all),
		cmocka_unit_test(deb_packages_admindir),
		cmocka_unit_test(deb_package_files_all),
		cmocka_unit_test(apt_sources_all),
		cmocka_unit_test(binary_garbage),
		cmocka_unit_test(empty_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
