/*
 * log.c - writes log lines to stderr in glog's shape
 * ("E1127 23:09:37.123456 1234 file.c:42] message"), as osquery does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "banned.h"

enum log_level spoor_log_level = LOG_LVL_WARNING;

void log_msg(enum log_level level, const char *file, int line, const char *fmt, ...)
{
	static const char sev[] = "EWID";
	struct timeval tv;
	struct tm tm;
	const char *base;
	va_list ap;

	if (level > spoor_log_level)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	base = strrchr(file, '/');
	base = base ? base + 1 : file;
	fprintf(stderr, "%c%02d%02d %02d:%02d:%02d.%06ld %d %s:%d] ", sev[level], tm.tm_mon + 1,
		tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec, (int)getpid(), base,
		line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
