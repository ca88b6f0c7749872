/* utils/util.h - coredns-util: shared state and subcommand handlers */
#ifndef UTILS_UTIL_H
#define UTILS_UTIL_H

#include <stdbool.h>

/* Exit statuses of every subcommand (as named-checkzone and friends). */
enum util_exit {
	UTIL_EXIT_OK = 0,    /* done, or the check passed */
	UTIL_EXIT_FAIL = 1,  /* the operation or the check failed */
	UTIL_EXIT_USAGE = 2, /* bad command line */
};

#define UTIL_PROG "coredns-util"
#define UTIL_DEFAULT_DB "sqlite:coredns.db"

/* Global options, parsed before the subcommand. Strings are borrowed
 * from argv or the environment for the life of the program. */
struct util_ctx {
	const char *db; /* --db, else $COREDNS_DB, else UTIL_DEFAULT_DB */
	bool db_given;  /* --db or $COREDNS_DB was set */
};

/* One subcommand. `run` gets argv with argv[0] the subcommand name and
 * returns an enum util_exit value. `usage` is the full --help text. */
struct util_cmd {
	const char *name;
	const char *const *aliases; /* NULL-terminated, or NULL */
	const char *summary;        /* one line for the command list */
	const char *usage;          /* printed by `CMD --help` */
	int (*run)(const struct util_ctx *ctx, int argc, char **argv);
};

/* Prints "coredns-util CMD: MSG" and a hint to try --help on stderr;
 * returns UTIL_EXIT_USAGE so callers can `return util_usage_err(...)`. */
int util_usage_err(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints the --help text of `cmd` on stdout. */
void util_print_usage(const struct util_cmd *cmd);

/* Subcommands (one file each). */
extern const struct util_cmd util_cmd_checkzone;

/* checkzone's core, for tests: checks the zone file `path` for the zone
 * `origin` (presentation form); `integrity` enables the -i local checks
 * (MX, SRV and delegation targets); `quiet` prints nothing. Output goes
 * to stdout in named-checkzone's manner. Returns UTIL_EXIT_OK when the
 * zone would load, UTIL_EXIT_FAIL when it would not. */
int checkzone_run(
    const char *origin, const char *path, bool integrity, bool quiet);

#endif
