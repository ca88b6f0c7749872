/* utils/main.c - coredns-util: global options and subcommand dispatch */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "utils/util.h"

/* The subcommand table: add a line here (and a util_cmd in its own
 * file) for each new subcommand. Order is the order of `--help`. */
static const struct util_cmd *const cmds[] = {
	&util_cmd_db,
	&util_cmd_zone,
	&util_cmd_rrset,
	&util_cmd_record,
	&util_cmd_metadata,
	&util_cmd_tsigkey,
	&util_cmd_import,
	&util_cmd_journal,
	&util_cmd_checkzone,
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
print_main_usage(FILE *fp)
{
	size_t i;

	fprintf(fp,
	    "Usage: " UTIL_PROG " [--db DSN] COMMAND [ARGS...]\n"
	    "       " UTIL_PROG " COMMAND --help\n"
	    "       " UTIL_PROG " --help | --version\n"
	    "\n"
	    "The operator's tool of the coredns server.\n"
	    "\n"
	    "Options:\n"
	    "  --db DSN       the SQL store (also $COREDNS_DB; default %s)\n"
	    "  -h, --help     this text\n"
	    "  -V, --version  print the version\n"
	    "\n"
	    "Commands:\n",
	    UTIL_DEFAULT_DB);
	for (i = 0; i < NCMDS; i++)
		fprintf(fp, "  %-12s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(fp, "  %-12s %s\n", "help", "show help, or a command's help");
	fprintf(fp, "\nExit status: 0 ok, 1 failed, 2 usage error.\n");
}

static const struct util_cmd *
find_cmd(const char *name)
{
	const char *const *a;
	size_t i;

	for (i = 0; i < NCMDS; i++) {
		if (strcmp(cmds[i]->name, name) == 0)
			return cmds[i];
		for (a = cmds[i]->aliases; a != NULL && *a != NULL; a++) {
			if (strcmp(*a, name) == 0)
				return cmds[i];
		}
	}
	return NULL;
}

/* `help [COMMAND]` */
static int
run_help(int argc, char **argv)
{
	const struct util_cmd *cmd;

	if (argc < 2) {
		print_main_usage(stdout);
		return UTIL_EXIT_OK;
	}
	if (argc > 2)
		return util_usage_err("help", "too many arguments");
	if ((cmd = find_cmd(argv[1])) == NULL)
		return util_usage_err(NULL, "unknown command '%s'", argv[1]);
	util_print_usage(cmd);
	return UTIL_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct util_ctx ctx = { .db = UTIL_DEFAULT_DB };
	const struct util_cmd *cmd;
	const char *env;
	int i;

	/* stdout carries exports and lists: the store's log lines (warnings
	 * and errors only) are the tool's to report, one line a failure */
	util_log_capture();
	log_set_level(LOG_LVL_WARN);
	if ((env = getenv("COREDNS_DB")) != NULL && *env != '\0') {
		ctx.db = env;
		ctx.db_given = true;
	}
	/* global options end at the first word that is not one */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			print_main_usage(stdout);
			return UTIL_EXIT_OK;
		} else if (strcmp(a, "-V") == 0 ||
		           strcmp(a, "--version") == 0) {
			printf("%s %s\n", UTIL_PROG, PACKAGE_VERSION);
			return UTIL_EXIT_OK;
		} else if (strcmp(a, "--db") == 0) {
			if (i + 1 >= argc)
				return util_usage_err(
				    NULL, "option '--db' needs a DSN");
			ctx.db = argv[++i];
			ctx.db_given = true;
		} else if (strncmp(a, "--db=", 5) == 0) {
			ctx.db = a + 5;
			ctx.db_given = true;
		} else {
			return util_usage_err(NULL, "unknown option '%s'", a);
		}
	}
	if (ctx.db[0] == '\0')
		return util_usage_err(NULL, "empty DSN in --db/COREDNS_DB");
	if (i >= argc) {
		print_main_usage(stderr);
		return UTIL_EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0)
		return run_help(argc - i, argv + i);
	if ((cmd = find_cmd(argv[i])) == NULL)
		return util_usage_err(NULL, "unknown command '%s'", argv[i]);
	return cmd->run(&ctx, argc - i, argv + i);
}
