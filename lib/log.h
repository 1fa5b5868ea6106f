/*
 * log.h - the one logging facility of every spoor program.
 *
 * The log level is the only mutable global in spoor. Libraries do not
 * log errors they return; programs log once, where they handle them.
 */
#ifndef SPOOR_LOG_H
#define SPOOR_LOG_H

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARNING, LOG_LVL_INFO, LOG_LVL_DEBUG };

extern enum log_level spoor_log_level;

void log_msg(enum log_level level, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define log_error(...) log_msg(LOG_LVL_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LVL_WARNING, __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __FILE__, __LINE__, __VA_ARGS__)

#endif
