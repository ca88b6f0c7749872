/* utils/util.c - coredns-util: helpers shared by the subcommands */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "storage/store.h"
#include "utils/util.h"

#define LOG_ERR_PREFIX "[ERROR] "

/* common/log's lines while the tool runs (util_log_capture), read back
 * from `log_seen` on */
static FILE *log_file;
static long log_seen;

/* Reads the lines logged since the last call: the errors, prefix
 * dropped, joined by "; " into `errs` (NULL: copied to stderr too), the
 * other lines copied to stderr as they are. */
static void
log_take(char *errs, size_t len)
{
	size_t cap = 0, o = 0, pl = strlen(LOG_ERR_PREFIX);
	char *line = NULL;
	ssize_t n;

	if (errs != NULL && len > 0)
		errs[0] = '\0';
	if (log_file == NULL || fseek(log_file, log_seen, SEEK_SET) != 0)
		return;
	while ((n = getline(&line, &cap, log_file)) > 0) {
		log_seen += (long)n;
		if (errs == NULL || strncmp(line, LOG_ERR_PREFIX, pl) != 0) {
			fwrite(line, 1, (size_t)n, stderr);
			continue;
		}
		line[strcspn(line, "\n")] = '\0';
		if (o < len)
			o += (size_t)snprintf(errs + o, len - o, "%s%s",
			    o > 0 ? "; " : "", line + pl);
	}
	clearerr(log_file);
	free(line);
}

static void
log_flush(void)
{
	log_take(NULL, 0);
	log_set_fd(STDERR_FILENO);
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

void
util_log_capture(void)
{
	FILE *f;
	int fl;

	log_set_fd(STDERR_FILENO);
	if ((f = tmpfile()) == NULL)
		return;
	/* common/log writes with write(2) while log_take reads with stdio:
	 * with O_APPEND every line lands at the end, wherever the reads
	 * left the file offset */
	if ((fl = fcntl(fileno(f), F_GETFL)) < 0 ||
	    fcntl(fileno(f), F_SETFL, fl | O_APPEND) < 0 ||
	    atexit(log_flush) != 0) {
		fclose(f);
		return;
	}
	log_file = f;
	log_set_fd(fileno(f));
}

int
util_usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s%s%s: ", UTIL_PROG, cmd != NULL ? " " : "",
	    cmd != NULL ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s%s%s --help'.\n", UTIL_PROG,
	    cmd != NULL ? " " : "", cmd != NULL ? cmd : "");
	return UTIL_EXIT_USAGE;
}

void
util_print_usage(const struct util_cmd *cmd)
{
	fputs(cmd->usage, stdout);
}

int
util_fail(const char *cmd, const char *fmt, ...)
{
	char errs[512];
	va_list ap;

	/* what the store logged is the detail of this failure */
	log_take(errs, sizeof(errs));
	fprintf(stderr, "%s%s%s: ", UTIL_PROG, cmd != NULL ? " " : "",
	    cmd != NULL ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (errs[0] != '\0')
		fprintf(stderr, " (%s)", errs);
	fputc('\n', stderr);
	return UTIL_EXIT_FAIL;
}

bool
util_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

/* A conninfo keyword `kw` at `p` ("kw = value"): the value's start. */
static const char *
conninfo_value(const char *p, const char *kw)
{
	size_t n = strlen(kw);

	if (strncmp(p, kw, n) != 0)
		return NULL;
	for (p += n; *p == ' ' || *p == '\t'; p++)
		;
	if (*p++ != '=')
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

const char *
util_db_name(const struct util_ctx *ctx)
{
	static char buf[1024];
	const char *s = ctx->db, *p, *v, *auth, *at = NULL, *colon = NULL;
	size_t o = 0, n;

	/* a URI's user:password@host */
	if ((auth = strstr(s, "://")) != NULL) {
		auth += 3;
		n = strcspn(auth, "/?#");
		for (p = auth; p < auth + n; p++) {
			if (*p == '@')
				at = p;
		}
		if (at != NULL)
			colon = memchr(auth, ':', (size_t)(at - auth));
	}
	for (p = s; *p != '\0' && o + 16 < sizeof(buf);) {
		if (p == colon) {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, ":***");
			p = at;
		} else if ((p == s || strchr(" \t?&", p[-1]) != NULL) &&
		           (v = conninfo_value(p, "password")) != NULL) {
			o += (size_t)snprintf(
			    buf + o, sizeof(buf) - o, "password=***");
			p = v;
			if (*p != '\'') {
				p += strcspn(p, " \t&");
				continue;
			}
			for (p++; *p != '\0' && *p != '\''; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
			}
			if (*p != '\0')
				p++;
		} else {
			buf[o++] = *p++;
		}
	}
	buf[o] = '\0';
	return buf;
}

struct store *
util_open(const struct util_ctx *ctx, const char *cmd, enum util_open_mode mode)
{
	unsigned flags = mode == UTIL_OPEN_CREATE ? STORE_OPEN_CREATE : 0;
	struct store *st;
	char err[512] = "";

	/* the message names the store already (its path, its host) */
	if ((st = store_open_ex(ctx->db, flags, err, sizeof(err))) == NULL) {
		util_fail(cmd, "%s", err);
		return NULL;
	}
	if (mode == UTIL_OPEN_SERVED &&
	    store_check(st, err, sizeof(err)) != 0) {
		util_fail(cmd, "%s: %s", util_db_name(ctx), err);
		store_close(st);
		return NULL;
	}
	return st;
}

int
util_zone(
    struct store *st, const char *cmd, const char *name, struct store_zone *z)
{
	int rc;

	if ((rc = store_zone_get(st, name, z)) == ERR_NOTFOUND)
		util_fail(cmd, "no such zone '%s'", name);
	else if (rc != 0)
		util_fail(cmd, "cannot read zone '%s': %s", name, err_str(rc));
	return rc;
}
