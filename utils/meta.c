/* utils/meta.c - coredns-util metadata: get, set, list zone metadata */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "storage/store.h"
#include "utils/util.h"

#define CMD "metadata"

static const char *const aliases[] = { "get-meta", "set-meta", NULL };

static int
print_cb(void *arg, const char *kind, const char *content)
{
	(void)arg;
	printf("%s = %s\n", kind, content != NULL ? content : "");
	return 0;
}

static int
meta_run(const struct util_ctx *ctx, int argc, char **argv)
{
	struct store_zone z;
	struct store *st;
	const char *sub;
	int i, rc = 0, ret = UTIL_EXIT_FAIL;

	if (util_wants_help(argc, argv)) {
		util_print_usage(&util_cmd_metadata);
		return UTIL_EXIT_OK;
	}
	if (strcmp(argv[0], "get-meta") == 0) {
		sub = argc > 2 ? "get" : "list";
	} else if (strcmp(argv[0], "set-meta") == 0) {
		sub = "set";
	} else {
		if (argc < 2)
			return util_usage_err(CMD, "missing subcommand");
		sub = argv[1];
		argc--;
		argv++;
	}
	if (strcmp(sub, "list") == 0  ? argc != 2
	    : strcmp(sub, "get") == 0 ? argc < 3
	    : strcmp(sub, "set") == 0 ? argc < 3
	                              : true)
		return util_usage_err(CMD,
		    "usage: metadata get ZONE KIND... | "
		    "set ZONE KIND [VALUE...] | list ZONE");
	if ((st = util_open(ctx, CMD, UTIL_OPEN_SERVED)) == NULL)
		return UTIL_EXIT_FAIL;
	if (util_zone(st, CMD, argv[1], &z) != 0)
		goto out;
	if (strcmp(sub, "list") == 0) {
		rc = store_metadata_list(st, z.id, NULL, print_cb, NULL);
	} else if (strcmp(sub, "get") == 0) {
		for (i = 2; rc == 0 && i < argc; i++)
			rc = store_metadata_list(
			    st, z.id, argv[i], print_cb, NULL);
	} else {
		rc = store_metadata_set(st, z.id, argv[2],
		    (const char *const *)(argv + 3), (size_t)(argc - 3));
		if (rc == 0)
			printf("%s %s: %d values\n", z.name, argv[2], argc - 3);
	}
	if (rc != 0)
		util_fail(CMD, "%s failed: %s", sub, err_str(rc));
	else
		ret = UTIL_EXIT_OK;
out:
	store_close(st);
	return ret;
}

const struct util_cmd util_cmd_metadata = {
	.name = "metadata",
	.aliases = aliases,
	.summary = "get, set and list zone metadata",
	.usage =
	    "Usage: " UTIL_PROG " [--db DSN] metadata SUBCOMMAND ARGS...\n"
	    "\n"
	    "  get ZONE KIND...          the values of KIND, as KIND = VALUE\n"
	    "  set ZONE KIND [VALUE...]  replace the values (none: remove)\n"
	    "  list ZONE                 every KIND = VALUE of the zone\n"
	    "\n"
	    "Kinds are PowerDNS's (ALLOW-AXFR-FROM, ALSO-NOTIFY, "
	    "SOA-EDIT...);\n"
	    "ours start with X- (X-SERIAL-POLICY). pdnsutil spellings:\n"
	    "get-meta ZONE [KIND...], set-meta ZONE KIND [VALUE...].\n"
	    "\n"
	    "Exit status: 0 ok, 1 failed, 2 usage error.\n",
	.run = meta_run,
};
