/*
 * floor_procs.c - the benchmark floor for SELECT * FROM processes: a
 * plain C loop that reads exactly the /proc files the full query needs
 * (stat, status, cmdline, io, cgroup, the exe/cwd/root links, and a
 * stat(2) of the exe path for on_disk) and prints one line per process.
 * No SQL, no row storage: what no implementation can go below.
 *
 * usage: floor_procs [PID...]   (no PID: every process in /proc)
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t read_at(int dirfd, const char *name, char *buf, size_t cap)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	/* 64 KiB requests, as spoor's access layer makes */
	while (got + 1 < cap) {
		size_t want = cap - 1 - got;

		if (want > 65536)
			want = 65536;
		n = read(fd, buf + got, want);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return got;
}

static void one(int procfd, const char *pid, char *buf, size_t cap, unsigned long long *sum)
{
	char link[PATH_MAX + 1];
	static const char *const files[] = { "stat", "status", "cmdline", "io", "cgroup" };
	static const char *const links[] = { "exe", "cwd", "root" };
	struct stat st;
	int fd = openat(procfd, pid, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		*sum += read_at(fd, files[i], buf, cap);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		ssize_t n = readlinkat(fd, links[i], link, PATH_MAX);

		if (n > 0) {
			link[n] = '\0';
			*sum += (size_t)n;
			if (i == 0)
				*sum += stat(link, &st) == 0;
		}
	}
	close(fd);
	printf("%s\n", pid);
}

int main(int argc, char **argv)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	unsigned long long sum = 0;
	size_t cap = (size_t)1 << 20;
	char *buf = malloc(cap);

	if (procfd < 0 || !buf)
		return 1;
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			one(procfd, argv[i], buf, cap, &sum);
	} else {
		d = fdopendir(dup(procfd));
		if (!d)
			return 1;
		while ((de = readdir(d)))
			if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
				one(procfd, de->d_name, buf, cap, &sum);
		closedir(d);
	}
	fprintf(stderr, "%llu\n", sum);
	free(buf);
	return 0;
}
