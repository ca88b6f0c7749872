/* utils/journal.c - coredns-util journal: show and prune the change journal */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "storage/store.h"
#include "utils/util.h"

#define CMD "journal"

static void
print_range(const struct store_zone *z, const struct store_journal_range *jr)
{
	if (jr->has_range)
		printf("zone %s journal: %" PRIu32 " -> %" PRIu32 " (%" PRId64
		       " steps, %" PRId64 " entries)\n",
		    z->name, jr->first, jr->last, jr->steps, jr->entries);
	else
		printf("zone %s journal: empty\n", z->name);
}

static int
journal_run(const struct util_ctx *ctx, int argc, char **argv)
{
	struct store_journal_range jr;
	struct store_zone z;
	struct store *st;
	long long max = 0;
	char *end;
	int rc, ret = UTIL_EXIT_FAIL;

	if (util_wants_help(argc, argv)) {
		util_print_usage(&util_cmd_journal);
		return UTIL_EXIT_OK;
	}
	if (argc < 2)
		return util_usage_err(CMD, "missing subcommand");
	if (strcmp(argv[1], "prune") == 0) {
		if (argc != 4)
			return util_usage_err(CMD, "usage: prune ZONE MAX");
		errno = 0;
		max = strtoll(argv[3], &end, 10);
		if (argv[3][0] == '\0' || *end != '\0' || errno != 0 || max < 0)
			return util_usage_err(CMD,
			    "MAX must be a number of entries (0 or more), "
			    "not '%s'",
			    argv[3]);
	} else if (strcmp(argv[1], "show") == 0) {
		if (argc != 3)
			return util_usage_err(CMD, "usage: show ZONE");
	} else {
		return util_usage_err(CMD, "unknown subcommand '%s'", argv[1]);
	}
	if ((st = util_open(ctx, CMD, UTIL_OPEN_SERVED)) == NULL)
		return UTIL_EXIT_FAIL;
	if (util_zone(st, CMD, argv[2], &z) != 0)
		goto out;
	if (strcmp(argv[1], "prune") == 0 &&
	    (rc = store_journal_prune(st, z.id, (int64_t)max)) != 0) {
		util_fail(CMD, "cannot prune the journal of '%s': %s", z.name,
		    err_str(rc));
		goto out;
	}
	if ((rc = store_journal_range(st, z.id, &jr)) != 0) {
		util_fail(CMD, "cannot read the journal of '%s': %s", z.name,
		    err_str(rc));
		goto out;
	}
	print_range(&z, &jr);
	ret = UTIL_EXIT_OK;
out:
	store_close(st);
	return ret;
}

const struct util_cmd util_cmd_journal = {
	.name = "journal",
	.aliases = NULL,
	.summary = "show or prune a zone's change journal (IXFR)",
	.usage =
	    "Usage: " UTIL_PROG " [--db DSN] journal SUBCOMMAND ARGS...\n"
	    "\n"
	    "  show ZONE         the serial range, steps and entries kept\n"
	    "  prune ZONE MAX    drop the oldest serial steps until at most\n"
	    "                    MAX entries are left (whole steps only, so\n"
	    "                    fewer may be kept); then as show\n"
	    "\n"
	    "IXFR from a serial older than the journal's first falls back\n"
	    "to a full transfer.\n"
	    "\n"
	    "Exit status: 0 ok, 1 failed, 2 usage error.\n",
	.run = journal_run,
};
