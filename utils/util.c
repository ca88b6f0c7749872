/* utils/util.c - coredns-util: helpers shared by the subcommands */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

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
