/* common/log.c - leveled logging to standard output, one write per line */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

static enum log_level level = LOG_LVL_INFO;
static bool quiet;
static int log_fd = STDOUT_FILENO;

static const char *const prefix[] = { "[ERROR] ", "[WARNING] ", "[INFO] ",
	"[DEBUG] " };

void
log_set_level(enum log_level lvl)
{
	level = lvl;
}

void
log_set_fd(int fd)
{
	log_fd = fd;
}

void
log_set_quiet(bool q)
{
	quiet = q;
}

bool
log_enabled(enum log_level lvl)
{
	if (quiet && lvl > LOG_LVL_WARN)
		return false;
	return lvl <= level;
}

static void
write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(log_fd, p, n);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void
log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[2048];
	size_t n;
	int m;

	if (!log_enabled(lvl))
		return;
	n = strlen(prefix[lvl]);
	memcpy(line, prefix[lvl], n);
	m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (m < 0)
		return;
	n +=
	    (size_t)m < sizeof(line) - n - 1 ? (size_t)m : sizeof(line) - n - 2;
	line[n++] = '\n';
	write_all(line, n);
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}

void
log_raw(const char *line, int len)
{
	char buf[2048];

	if (len < 0 || (size_t)len >= sizeof(buf)) {
		write_all(line, len < 0 ? 0 : (size_t)len);
		write_all("\n", 1);
		return;
	}
	memcpy(buf, line, (size_t)len);
	buf[len] = '\n';
	write_all(buf, (size_t)len + 1);
}
