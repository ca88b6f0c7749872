/* utils/util.c - coredns-util: helpers shared by the subcommands */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "storage/store.h"
#include "utils/util.h"

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
	va_list ap;

	fprintf(stderr, "%s%s%s: ", UTIL_PROG, cmd != NULL ? " " : "",
	    cmd != NULL ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
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

struct store *
util_open(const struct util_ctx *ctx, const char *cmd, bool check)
{
	struct store *st;
	char err[512] = "";

	if ((st = store_open(ctx->db, err, sizeof(err))) == NULL) {
		util_fail(cmd, "%s", err);
		return NULL;
	}
	if (check && store_check(st, err, sizeof(err)) != 0) {
		util_fail(cmd, "%s", err);
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
