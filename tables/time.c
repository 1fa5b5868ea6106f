/*
 * time.c - the current time: time.
 *
 *   SELECT unix_time, datetime FROM time;
 *   SELECT * FROM time WHERE hour BETWEEN 9 AND 17;
 *
 * Data source: the live clock (time(2)), broken down in UTC with
 * gmtime_r; local_timezone is the abbreviation the C library derives
 * from TZ or /etc/localtime (tzset + localtime_r). Unlike every other
 * table, time is about the machine spoor runs on even when the engine
 * reads a captured tree: a snapshot has no "now".
 *
 * Formats follow osquery's genTime: timestamp is asctime() of UTC with
 * " UTC" appended ("Fri Nov  6 23:09:37 2026 UTC", day space-padded),
 * datetime and iso_8601 are both "%Y-%m-%dT%H:%M:%SZ". Names of days
 * and months come from fixed English tables, not the locale, as
 * osquery (which never calls setlocale) prints them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "query_ctx.h"
#include "registry.h"
#include "banned.h"

enum {
	TIME_WEEKDAY,
	TIME_YEAR,
	TIME_MONTH,
	TIME_DAY,
	TIME_HOUR,
	TIME_MINUTES,
	TIME_SECONDS,
	TIME_TIMEZONE,
	TIME_LOCAL_TIMEZONE,
	TIME_UNIX_TIME,
	TIME_TIMESTAMP,
	TIME_DATETIME,
	TIME_ISO_8601,
	TIME_WIN_TIMESTAMP,
};

static const struct column_spec time_cols[] = {
	[TIME_WEEKDAY] = { "weekday", COL_TEXT, 0, .help = "Current weekday in UTC" },
	[TIME_YEAR] = { "year", COL_INTEGER, 0, .help = "Current year in UTC" },
	[TIME_MONTH] = { "month", COL_INTEGER, 0, .help = "Current month in UTC" },
	[TIME_DAY] = { "day", COL_INTEGER, 0, .help = "Current day in UTC" },
	[TIME_HOUR] = { "hour", COL_INTEGER, 0, .help = "Current hour in UTC" },
	[TIME_MINUTES] = { "minutes", COL_INTEGER, 0, .help = "Current minutes in UTC" },
	[TIME_SECONDS] = { "seconds", COL_INTEGER, 0, .help = "Current seconds in UTC" },
	[TIME_TIMEZONE] = { "timezone", COL_TEXT, 0,
			    .help = "Timezone for reported time (hardcoded to UTC)" },
	[TIME_LOCAL_TIMEZONE] = { "local_timezone", COL_TEXT, 0,
				  .help = "Current local timezone in of the system" },
	[TIME_UNIX_TIME] = { "unix_time", COL_INTEGER, 0, .help = "Current UNIX time in UTC" },
	[TIME_TIMESTAMP] = { "timestamp", COL_TEXT, 0,
			     .help = "Current timestamp (log format) in UTC" },
	[TIME_DATETIME] = { "datetime", COL_TEXT, 0, .alias = "date_time",
			    .help = "Current date and time (ISO format) in UTC" },
	[TIME_ISO_8601] = { "iso_8601", COL_TEXT, 0, .help = "Current time (ISO format) in UTC" },
	[TIME_WIN_TIMESTAMP] = { "win_timestamp", COL_BIGINT, COLF_HIDDEN | COLF_OTHER_OS,
				 .help = "Timestamp value in 100 nanosecond units" },
};

static const char *const weekday_names[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

/* asctime's month abbreviations */
static const char *const month_abbrevs[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int gen_time(struct query_ctx *q)
{
	time_t now = time(NULL);
	struct tm gmt;

	/* osquery clamps a clock before the epoch to 0 */
	if (now < 0)
		now = 0;
	if (!gmtime_r(&now, &gmt) || gmt.tm_wday < 0 || gmt.tm_wday > 6 || gmt.tm_mon < 0 ||
	    gmt.tm_mon > 11)
		return 0; /* a year gmtime cannot represent: no row */

	row_begin(q);
	row_textz(q, TIME_WEEKDAY, weekday_names[gmt.tm_wday]);
	row_int(q, TIME_YEAR, (int64_t)gmt.tm_year + 1900);
	row_int(q, TIME_MONTH, gmt.tm_mon + 1);
	row_int(q, TIME_DAY, gmt.tm_mday);
	row_int(q, TIME_HOUR, gmt.tm_hour);
	row_int(q, TIME_MINUTES, gmt.tm_min);
	row_int(q, TIME_SECONDS, gmt.tm_sec);
	row_textz(q, TIME_TIMEZONE, "UTC");
	if (qctx_used(q, TIME_LOCAL_TIMEZONE)) {
		struct tm local;
		char zone[64] = "";

		tzset();
		if (localtime_r(&now, &local))
			strftime(zone, sizeof(zone), "%Z", &local);
		row_textz(q, TIME_LOCAL_TIMEZONE, zone[0] ? zone : "UTC");
	}
	row_int(q, TIME_UNIX_TIME, (int64_t)now);
	/* asctime_r: "%.3s %.3s%3d %.2d:%.2d:%.2d %d\n", newline trimmed */
	row_textf(q, TIME_TIMESTAMP, "%.3s %s%3d %.2d:%.2d:%.2d %lld UTC",
		  weekday_names[gmt.tm_wday], month_abbrevs[gmt.tm_mon], gmt.tm_mday,
		  gmt.tm_hour, gmt.tm_min, gmt.tm_sec, (long long)gmt.tm_year + 1900);
	if (qctx_any_used(q, TIME_DATETIME, TIME_ISO_8601)) {
		char iso[64];

		snprintf(iso, sizeof(iso), "%04lld-%02d-%02dT%02d:%02d:%02dZ",
			 (long long)gmt.tm_year + 1900, gmt.tm_mon + 1, gmt.tm_mday, gmt.tm_hour,
			 gmt.tm_min, gmt.tm_sec);
		row_textz(q, TIME_DATETIME, iso);
		row_textz(q, TIME_ISO_8601, iso);
	}
	return row_end(q);
}

const struct table_spec time_spec = {
	.name = "time",
	.description = "Track current date and time in UTC.",
	.source = "the system clock (UTC); local_timezone from TZ or /etc/localtime",
	TABLE_COLUMNS(time_cols),
	.attributes = TABLE_UTILITY,
	.generate = gen_time,
};
