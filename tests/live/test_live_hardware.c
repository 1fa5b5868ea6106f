/*
 * test_live_hardware.c - cpu_info, ulimit_info and shared_memory against
 * independent tools, at the same moment:
 *   - cpu_info against dmidecode -t 4: on this host when its SMBIOS
 *     table is readable (else both have nothing), and always on the
 *     hand-made table of tests/golden/roots/hw1, handed to dmidecode as
 *     a --from-dump file with an SMBIOS 3.0 entry point the test writes;
 *   - ulimit_info against prlimit --pid (util-linux) for this process,
 *     after the test set soft limits it knows;
 *   - shared_memory: a segment the test creates, attaches and removes
 *     has exactly the row shmctl(IPC_STAT) describes (the call osquery
 *     makes), and every segment agrees with ipcs -m (util-linux).
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "strbuf.h"
#include "testutil.h"

static void assert_same(const char *what, const char *expected, const char *got)
{
	if (strcmp(expected, got) != 0)
		fail_msg("%s differs\n--- expected (independent tool)\n%s--- spoor\n%s", what,
			 expected, got);
}

/* ------------------------------------------------------------------ */
/* cpu_info vs dmidecode */

static bool have_dmidecode(void)
{
	char *out = test_run("command -v dmidecode >/dev/null 2>&1 && echo yes || echo no");
	bool yes = strcmp(out, "yes\n") == 0;

	free(out);
	return yes;
}

static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* dmidecode's words for what osquery prints as numbers */
static int processor_type(const char *s)
{
	static const char *const names[] = { NULL, "Other", "Unknown", "Central Processor",
					     "Math Processor", "DSP Processor", "Video Processor" };

	for (int i = 1; i < 7; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int processor_status(const char *s)
{
	static const char *const codes[] = { "Unknown", "Enabled", "Disabled By User",
					     "Disabled By BIOS", "Idle", NULL, NULL, "Other" };
	int v = 0;

	if (strncmp(s, "Populated, ", 11) == 0) {
		v = 0x40;
		s += 11;
	} else if (strcmp(s, "Unpopulated") == 0) {
		return 0;
	}
	for (int i = 0; i < 8; i++)
		if (codes[i] && strcmp(s, codes[i]) == 0)
			return v | i;
	return -1;
}

static const char *dmi_string(const char *s)
{
	/* dmidecode's words for string 0 and a string past the set */
	return strcmp(s, "Not Specified") == 0 || strcmp(s, "<BAD INDEX>") == 0 ? "" : s;
}

/*
 * `dmidecode -t 4` as cpu_info rows (without device_id, which osquery
 * makes up): one "Processor Information" block per processor structure
 * of 40 bytes or more (osquery reads fields up to offset 0x27).
 */
static char *dmidecode_rows(const char *args)
{
	struct strbuf cmd = STRBUF_INIT, sb = STRBUF_INIT;
	char *out, *save = NULL;
	char socket[256] = "", manu[256] = "", version[256] = "";
	int type = -1, status = -1, length = 0;
	unsigned cores = 0, threads = 0, cur = 0, max = 0;
	bool in = false, is64 = false;

	strbuf_addf(&cmd, "dmidecode %s -t 4 2>/dev/null || true", args);
	out = test_run(cmd.buf);
	/* a final empty line closes the last block */
	for (char *line = strtok_r(out, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
		char *colon;

		if (!line || strncmp(line, "Handle ", 7) == 0) {
			if (in && length >= 40)
				strbuf_addf(&sb, "%s|%s|%d|%d|%u|%u|%s|%u|%u|%s\n", version, manu,
					    type, status, cores, threads, is64 ? "64" : "32", cur,
					    max, socket);
			if (!line)
				break;
			in = strstr(line, "DMI type 4,") != NULL;
			length = in ? atoi(strstr(line, "DMI type 4,") + 11) : 0;
			socket[0] = manu[0] = version[0] = '\0';
			type = status = -1;
			cores = threads = cur = max = 0;
			is64 = false;
			continue;
		}
		if (!in)
			continue;
		if (strstr(line, "64-bit capable"))
			is64 = true;
		colon = strstr(line, ": ");
		if (line[0] != '\t' || !colon)
			continue;
		*colon = '\0';
		rtrim(colon + 2);
		if (strcmp(line + 1, "Socket Designation") == 0)
			snprintf(socket, sizeof(socket), "%s", dmi_string(colon + 2));
		else if (strcmp(line + 1, "Manufacturer") == 0)
			snprintf(manu, sizeof(manu), "%s", dmi_string(colon + 2));
		else if (strcmp(line + 1, "Version") == 0)
			snprintf(version, sizeof(version), "%s", dmi_string(colon + 2));
		else if (strcmp(line + 1, "Type") == 0)
			type = processor_type(colon + 2);
		else if (strcmp(line + 1, "Status") == 0)
			status = processor_status(colon + 2);
		else if (strcmp(line + 1, "Core Count") == 0)
			cores = (unsigned)atoi(colon + 2);
		else if (strcmp(line + 1, "Thread Count") == 0)
			threads = (unsigned)atoi(colon + 2);
		else if (strcmp(line + 1, "Current Speed") == 0)
			cur = (unsigned)atoi(colon + 2); /* "Unknown" is 0 */
		else if (strcmp(line + 1, "Max Speed") == 0)
			max = (unsigned)atoi(colon + 2);
	}
	free(out);
	strbuf_release(&cmd);
	return strbuf_detach(&sb, NULL);
}

#define CPU_COLS                                                                              \
	"SELECT model, manufacturer, processor_type, cpu_status, number_of_cores, "             \
	"logical_processors, address_width, current_clock_speed, max_clock_speed, "             \
	"socket_designation FROM cpu_info"

static void cpu_info_match_dmidecode_on_host(void **state)
{
	struct engine *eng = test_engine(NULL);
	char *want, *got;

	(void)state;
	if (!have_dmidecode()) {
		print_message("  dmidecode is not installed: host comparison not run\n");
		engine_free(eng);
		return;
	}
	want = dmidecode_rows("");
	got = test_query_text(eng, CPU_COLS);
	assert_same("cpu_info vs dmidecode -t 4", want, got);
	if (!*got)
		print_message("  no SMBIOS processor on this host: both empty\n");
	free(want);
	free(got);
	engine_free(eng);
}

/* The golden table in a dmidecode --dump-bin file: an SMBIOS 3.0 entry
 * point at 0 whose table address is 32, the table at 32. */
static void cpu_info_match_dmidecode_on_golden_table(void **state)
{
	char *table_path = test_source_path("tests/golden/roots/hw1/sys/firmware/dmi/tables/DMI");
	char *root = test_source_path("tests/golden/roots/hw1");
	char dump[] = "/tmp/spoor-dmi-XXXXXX";
	unsigned char ep[32] = { '_', 'S', 'M', '3', '_' };
	struct strbuf args = STRBUF_INIT;
	struct engine *eng;
	unsigned sum = 0;
	struct stat st;
	char *table, *want, *got;
	FILE *fp;
	int fd;

	(void)state;
	if (!have_dmidecode()) {
		print_message("  dmidecode is not installed: comparison not run\n");
		free(table_path);
		free(root);
		return;
	}
	if (stat(table_path, &st) < 0)
		fail_msg("stat %s: %s", table_path, strerror(errno));
	table = test_read_file(table_path);
	ep[0x06] = 0x18;     /* entry point length */
	ep[0x07] = 3;	     /* SMBIOS 3.0 */
	ep[0x0a] = 1;	     /* entry point revision */
	ep[0x0c] = (unsigned char)(st.st_size & 0xff);
	ep[0x0d] = (unsigned char)((st.st_size >> 8) & 0xff);
	ep[0x10] = 32;	     /* table address */
	for (int i = 0; i < 0x18; i++)
		sum += ep[i];
	ep[0x05] = (unsigned char)(0x100 - (sum & 0xff));
	fd = mkstemp(dump);
	if (fd < 0)
		fail_msg("mkstemp: %s", strerror(errno));
	fp = fdopen(fd, "wb");
	if (!fp || fwrite(ep, 1, sizeof(ep), fp) != sizeof(ep) ||
	    fwrite(table, 1, (size_t)st.st_size, fp) != (size_t)st.st_size || fclose(fp) != 0)
		fail_msg("cannot write %s", dump);

	strbuf_addf(&args, "--from-dump %s", dump);
	want = dmidecode_rows(args.buf);
	eng = test_engine(root);
	got = test_query_text(eng, CPU_COLS);
	assert_true(strlen(want) > 0);
	assert_same("cpu_info vs dmidecode --from-dump (golden table)", want, got);
	free(want);
	free(got);
	engine_free(eng);
	unlink(dump);
	free(table);
	free(table_path);
	free(root);
	strbuf_release(&args);
}

/* ------------------------------------------------------------------ */
/* ulimit_info vs prlimit */

static void ulimit_info_match_prlimit(void **state)
{
	struct engine *eng = test_engine(NULL);
	struct strbuf cmd = STRBUF_INIT, want = STRBUF_INIT;
	struct rlimit rl;
	char *out, *got, *save = NULL;

	(void)state;
	/* soft limits the test chose, under whatever the hard ones are */
	if (getrlimit(RLIMIT_CORE, &rl) == 0 && (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= 4096)) {
		rl.rlim_cur = 4096;
		assert_int_equal(setrlimit(RLIMIT_CORE, &rl), 0);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 200) {
		rl.rlim_cur = 200;
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	}

	strbuf_addf(&cmd, "prlimit --pid %d -o RESOURCE,SOFT,HARD --raw --noheadings",
		    (int)getpid());
	out = test_run(cmd.buf);
	/* prlimit lists RTTIME too, which osquery does not; its order is
	 * alphabetical, as osquery's */
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (!sp || strncmp(line, "RTTIME ", 7) == 0)
			continue;
		*sp = '\0';
		for (char *p = line; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		for (char *p = sp + 1; *p; p++)
			if (*p == ' ')
				*p = '|';
		strbuf_addf(&want, "%s|%s\n", line, sp + 1);
	}
	got = test_query_text(eng, "SELECT type, soft_limit, hard_limit FROM ulimit_info");
	assert_same("ulimit_info vs prlimit", want.buf, got);
	assert_non_null(strstr(got, "core|4096|"));
	free(got);
	got = test_query_text(eng, "SELECT soft_limit FROM ulimit_info WHERE type = 'nofile'");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 200)
		assert_string_equal(got, "200\n");
	free(got);
	free(out);
	strbuf_release(&cmd);
	strbuf_release(&want);
	engine_free(eng);
}

/* ------------------------------------------------------------------ */
/* shared_memory */

/* The row osquery's shmctl(SHM_STAT) would give for the segment. */
static char *shmctl_row(int id)
{
	struct strbuf sb = STRBUF_INIT;
	struct shmid_ds ds;

	if (shmctl(id, IPC_STAT, &ds) < 0)
		fail_msg("shmctl IPC_STAT: %s", strerror(errno));
	strbuf_addf(&sb, "%d|%u|%u|%d|%d|%lld|%lld|%lld|%04o|%zu|%lu|%s|%d\n", id,
		    ds.shm_perm.uid, ds.shm_perm.cuid, (int)ds.shm_lpid, (int)ds.shm_cpid,
		    (long long)ds.shm_atime, (long long)ds.shm_dtime, (long long)ds.shm_ctime,
		    ds.shm_perm.mode & 07777, ds.shm_segsz, (unsigned long)ds.shm_nattch,
		    ds.shm_perm.mode & SHM_DEST ? "dest" : "", ds.shm_perm.mode & SHM_LOCKED ? 1 : 0);
	return strbuf_detach(&sb, NULL);
}

/* `ipcs -m`: "key shmid owner perms bytes nattch status", as
 * "shmid|perms|bytes|nattch|status" sorted by the shmid order ipcs uses. */
static char *ipcs_rows(void)
{
	char *out = test_run("ipcs -m"), *save = NULL;
	struct strbuf sb = STRBUF_INIT;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[32], owner[64], perms[16], status[64] = "";
		unsigned long long bytes;
		unsigned long nattch;
		int shmid, n;

		if (strncmp(line, "0x", 2) != 0)
			continue;
		n = sscanf(line, "%31s %d %63s %15s %llu %lu %63[^\n]", key, &shmid, owner, perms,
			   &bytes, &nattch, status);
		if (n < 6)
			fail_msg("ipcs line not understood: %s", line);
		rtrim(status);
		strbuf_addf(&sb, "%d|%s|%llu|%lu|%s\n", shmid, perms, bytes, nattch, status);
	}
	free(out);
	return strbuf_detach(&sb, NULL);
}

/* ipcs prints the mode & 0777 and "dest" / "locked" words. */
static char *spoor_as_ipcs(struct engine *eng)
{
	struct strbuf sb = STRBUF_INIT;
	struct test_rows rows;

	test_query_ok(eng, "SELECT shmid, permissions, size, attached, status, locked "
			   "FROM shared_memory",
		      &rows);
	for (size_t r = 0; r < rows.nrows; r++) {
		const char *perms = test_get(&rows, r, "permissions");
		bool dest = strcmp(test_get(&rows, r, "status"), "dest") == 0;
		bool locked = strcmp(test_get(&rows, r, "locked"), "1") == 0;
		unsigned mode = (unsigned)strtoul(perms, NULL, 8) & 0777;

		strbuf_addf(&sb, "%s|%o|%s|%s|%s%s%s\n", test_get(&rows, r, "shmid"), mode,
			    test_get(&rows, r, "size"), test_get(&rows, r, "attached"),
			    dest ? "dest" : "", dest && locked ? " " : "", locked ? "locked" : "");
	}
	test_rows_free(&rows);
	return strbuf_detach(&sb, NULL);
}

static void shared_memory_of_a_known_segment(void **state)
{
	struct engine *eng = test_engine(NULL);
	size_t size = 3 * (size_t)sysconf(_SC_PAGESIZE) + 1;
	struct strbuf sql = STRBUF_INIT;
	char *want, *got;
	void *p;
	int id;

	(void)state;
	id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0640);
	if (id < 0)
		fail_msg("shmget: %s", strerror(errno));
	p = shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		fail_msg("shmat: %s", strerror(errno));

	strbuf_addf(&sql, "SELECT * FROM shared_memory WHERE shmid = %d", id);
	want = shmctl_row(id);
	got = test_query_text(eng, sql.buf);
	assert_same("the test's segment vs shmctl(IPC_STAT)", want, got);
	/* what the row must say, spelled out */
	{
		struct strbuf exact = STRBUF_INIT;

		strbuf_addf(&exact, "%d|%u|%u|%d|%d|", id, (unsigned)geteuid(), (unsigned)geteuid(),
			    (int)getpid(), (int)getpid());
		assert_true(strncmp(got, exact.buf, exact.len) == 0);
		strbuf_reset(&exact);
		strbuf_addf(&exact, "|0640|%zu|1||0\n", size);
		assert_non_null(strstr(got, exact.buf));
		strbuf_release(&exact);
	}
	free(want);
	free(got);

	want = ipcs_rows();
	got = spoor_as_ipcs(eng);
	assert_same("shared_memory vs ipcs -m", want, got);
	free(want);
	free(got);

	/* removed while attached: "dest", mode 01640 */
	if (shmctl(id, IPC_RMID, NULL) < 0)
		fail_msg("shmctl IPC_RMID: %s", strerror(errno));
	want = shmctl_row(id);
	got = test_query_text(eng, sql.buf);
	assert_same("the removed segment vs shmctl(IPC_STAT)", want, got);
	assert_non_null(strstr(got, "|1640|"));
	assert_non_null(strstr(got, "|dest|0\n"));
	free(want);
	free(got);
	want = ipcs_rows();
	got = spoor_as_ipcs(eng);
	assert_same("shared_memory vs ipcs -m, segment removed", want, got);
	free(want);
	free(got);

	shmdt(p);
	got = test_query_text(eng, sql.buf);
	assert_string_equal(got, "");
	free(got);
	strbuf_release(&sql);
	engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpu_info_match_dmidecode_on_host),
		cmocka_unit_test(cpu_info_match_dmidecode_on_golden_table),
		cmocka_unit_test(ulimit_info_match_prlimit),
		cmocka_unit_test(shared_memory_of_a_known_segment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
