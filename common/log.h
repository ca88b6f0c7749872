/* common/log.h - leveled logging to standard output, one write per line */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Lines above `lvl` are dropped. Default: LOG_LVL_INFO. */
void log_set_level(enum log_level lvl);
/* Quiet mode (-quiet): drop INFO and DEBUG lines but keep warnings. */
void log_set_quiet(bool quiet);
bool log_enabled(enum log_level lvl);
/* Where lines go (default standard output, as CoreDNS; tools whose
 * output is data, like coredns-util, send them to standard error). */
void log_set_fd(int fd);

/* "[LEVEL] " + message + "\n" written with a single write(2), so lines
 * from several threads never interleave. Never allocates. */
void log_msg(enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Writes `line` (no prefix) plus a newline; for query logs. */
void log_raw(const char *line, int len);

#define log_err(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)                                                         \
	do {                                                                   \
		if (log_enabled(LOG_LVL_DEBUG))                                \
			log_msg(LOG_LVL_DEBUG, __VA_ARGS__);                   \
	} while (0)

#endif
