/* utils/rrset.c - coredns-util rrset (add, replace, delete), record list */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/zonefile.h"
#include "storage/store.h"
#include "utils/util.h"

#define CMD "rrset"

static const char *const aliases[] = { "add-record", "replace-rrset",
	"delete-rrset", NULL };

/* Absolute owner (no final dot) of NAME in ZONE: "@" is the apex, a name
 * with a final dot is absolute, any other is relative to the zone. */
static int
owner_name(char *out, size_t len, const char *zone, const char *name)
{
	size_t n = strlen(name);
	int w;

	if (strcmp(name, "@") == 0)
		w = snprintf(out, len, "%s", zone);
	else if (n > 0 && name[n - 1] == '.')
		w = snprintf(out, len, "%.*s", (int)(n - 1), name);
	else if (strcmp(zone, ".") == 0 || zone[0] == '\0')
		w = snprintf(out, len, "%s", name);
	else
		w = snprintf(out, len, "%s.%s", name, zone);
	return w < 0 || (size_t)w >= len ? ERR_INVAL : 0;
}

/* True when `owner` (as owner_name makes it) lies in zone `zone`. Checked
 * before the records are read, so that a name elsewhere is one error
 * instead of the zone-file reader's warning and then an error. */
static bool
in_zone(const char *owner, const char *zone)
{
	uint8_t o[DNAME_MAX], z[DNAME_MAX];

	return dname_from_str(o, owner) > 0 && dname_from_str(z, zone) > 0 &&
	       dname_is_subdomain(o, z);
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

/* rrset add|replace ZONE NAME TYPE [TTL] CONTENT... */
static int
rrset_write(struct store *st, int argc, char **argv, bool replace)
{
	struct util_recv cur = { 0 }, add = { 0 };
	char owner[STORE_NAME_MAX], *text = NULL, *buf = NULL;
	struct util_rec key;
	struct store_zone z;
	uint32_t ttl = 3600;
	size_t i, j, len;
	int first = 4, rc = ERR_INVAL, ret = UTIL_EXIT_FAIL;
	bool dup;

	if (argc < 5)
		return util_usage_err(
		    CMD, "needs ZONE NAME TYPE [TTL] CONTENT...");
	if (all_digits(argv[4]) && argc > 5) {
		if (zonefile_ttl_from_str(argv[4], &ttl) != 0 ||
		    ttl > ZONEFILE_MAX_TTL)
			return util_usage_err(CMD, "bad TTL '%s'", argv[4]);
		first = 5;
	}
	if (util_zone(st, CMD, argv[1], &z) != 0)
		return UTIL_EXIT_FAIL;
	if (owner_name(owner, sizeof(owner), z.name, argv[2]) != 0)
		return util_fail(CMD, "bad name '%s'", argv[2]);
	if (!in_zone(owner, z.name))
		return util_fail(
		    CMD, "'%s' is not in zone '%s'", owner, z.name);
	/* the records as zone-file lines, checked by the zone-file reader */
	for (len = 1, i = (size_t)first; i < (size_t)argc; i++)
		len += strlen(owner) + strlen(argv[3]) + strlen(argv[i]) + 32;
	if ((text = malloc(len)) == NULL ||
	    (buf = malloc(ZONEFILE_TEXT_MAX)) == NULL) {
		util_fail(CMD, "out of memory");
		goto out;
	}
	text[0] = '\0';
	for (i = (size_t)first; i < (size_t)argc; i++) {
		if (strpbrk(argv[i], "\r\n") != NULL) {
			util_fail(CMD, "content with a line break");
			goto out;
		}
		snprintf(text + strlen(text), len - strlen(text),
		    "%s. %" PRIu32 " IN %s %s\n", owner, ttl, argv[3], argv[i]);
	}
	if (util_recv_read(&add, CMD, "argument", text, strlen(text), z.name) !=
	    0)
		goto out;
	if (add.n == 0) {
		util_fail(CMD, "'%s' is not in zone '%s'", owner, z.name);
		goto out;
	}
	if (add.v[0].type == 6) {
		util_fail(
		    CMD, "use zone increase-serial or import for the SOA");
		goto out;
	}
	if ((rc = store_begin(st)) != 0) {
		util_fail(CMD, "cannot start a transaction: %s", err_str(rc));
		goto out;
	}
	key = add.v[0];
	if (!replace && (rc = util_recv_load(st, &z, &cur)) == 0) {
		/* add to the rrset: its old records take the new TTL */
		for (i = 0; rc == 0 && i < cur.n; i++) {
			if (util_rec_cmp_rrset(&cur.v[i], &key) != 0)
				continue;
			for (dup = false, j = 0; j < add.n && !dup; j++)
				dup = cur.v[i].rdlen == add.v[j].rdlen &&
				      memcmp(cur.v[i].rdata, add.v[j].rdata,
				          add.v[j].rdlen) == 0;
			if (!dup)
				rc = util_recv_add(&add, cur.v[i].owner,
				    cur.v[i].type, ttl, cur.v[i].rdata,
				    cur.v[i].rdlen, cur.v[i].id);
		}
	}
	if (rc == 0)
		rc = store_rrset_delete(st, z.id, owner, argv[3], NULL);
	for (i = 0; rc == 0 && i < add.n; i++)
		rc =
		    util_rec_store(st, z.id, &add.v[i], buf, ZONEFILE_TEXT_MAX);
	if (rc == 0)
		rc = store_bump_serial(st, z.id);
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0) {
		store_rollback(st);
		util_fail(CMD, "nothing written: %s", err_str(rc));
		goto out;
	}
	if (store_zone_get(st, z.name, &z) == 0)
		printf("%s %s: %zu records, serial %" PRIu32 "\n", owner,
		    argv[3], add.n, z.serial);
	ret = UTIL_EXIT_OK;
out:
	util_recv_fini(&cur);
	util_recv_fini(&add);
	free(text);
	free(buf);
	return ret;
}

static int
rrset_del(struct store *st, int argc, char **argv)
{
	char owner[STORE_NAME_MAX];
	struct store_zone z;
	int64_t n = 0;
	int rc;

	if (argc != 4)
		return util_usage_err(CMD, "delete needs ZONE NAME TYPE");
	if (util_zone(st, CMD, argv[1], &z) != 0)
		return UTIL_EXIT_FAIL;
	if (owner_name(owner, sizeof(owner), z.name, argv[2]) != 0)
		return util_fail(CMD, "bad name '%s'", argv[2]);
	if (!in_zone(owner, z.name))
		return util_fail(
		    CMD, "'%s' is not in zone '%s'", owner, z.name);
	if (strcasecmp(argv[3], "SOA") == 0)
		return util_fail(CMD, "the SOA cannot be deleted");
	if ((rc = store_begin(st)) != 0)
		return util_fail(
		    CMD, "cannot start a transaction: %s", err_str(rc));
	rc = store_rrset_delete(st, z.id, owner, argv[3], &n);
	if (rc == 0 && n > 0)
		rc = store_bump_serial(st, z.id);
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0) {
		store_rollback(st);
		return util_fail(CMD, "nothing written: %s", err_str(rc));
	}
	if (n == 0)
		return util_fail(CMD, "no rrset %s %s", owner, argv[3]);
	printf("deleted %" PRId64 " records of %s %s\n", n, owner, argv[3]);
	return UTIL_EXIT_OK;
}

static int
rrset_run(const struct util_ctx *ctx, int argc, char **argv)
{
	const char *sub;
	struct store *st;
	int ret;

	if (util_wants_help(argc, argv)) {
		util_print_usage(&util_cmd_rrset);
		return UTIL_EXIT_OK;
	}
	if (strcmp(argv[0], "add-record") == 0) {
		sub = "add";
	} else if (strcmp(argv[0], "replace-rrset") == 0) {
		sub = "replace";
	} else if (strcmp(argv[0], "delete-rrset") == 0) {
		sub = "delete";
	} else {
		if (argc < 2)
			return util_usage_err(CMD, "missing subcommand");
		sub = argv[1];
		argc--;
		argv++;
	}
	if (strcmp(sub, "add") != 0 && strcmp(sub, "replace") != 0 &&
	    strcmp(sub, "delete") != 0)
		return util_usage_err(CMD, "unknown subcommand '%s'", sub);
	if (strcmp(sub, "delete") == 0 ? argc != 4 : argc < 5)
		return util_usage_err(CMD, "wrong number of arguments");
	if ((st = util_open(ctx, CMD, UTIL_OPEN_SERVED)) == NULL)
		return UTIL_EXIT_FAIL;
	if (strcmp(sub, "delete") == 0)
		ret = rrset_del(st, argc, argv);
	else
		ret = rrset_write(st, argc, argv, strcmp(sub, "replace") == 0);
	store_close(st);
	return ret;
}

const struct util_cmd util_cmd_rrset = {
	.name = "rrset",
	.aliases = aliases,
	.summary = "add to, replace or delete an rrset",
	.usage =
	    "Usage: " UTIL_PROG " [--db DSN] rrset SUBCOMMAND ARGS...\n"
	    "\n"
	    "  add ZONE NAME TYPE [TTL] CONTENT...      add records (the "
	    "rrset\n"
	    "                                           takes the TTL)\n"
	    "  replace ZONE NAME TYPE [TTL] CONTENT...  make the rrset these\n"
	    "  delete ZONE NAME TYPE                    remove the rrset\n"
	    "\n"
	    "NAME is relative to ZONE unless it ends with a dot; \"@\" is the\n"
	    "apex. Each CONTENT argument is one record in zone-file syntax\n"
	    "(relative names in it are relative to ZONE). TTL defaults to\n"
	    "3600. Each write is one serial step in the same transaction.\n"
	    "pdnsutil spellings: add-record, replace-rrset, delete-rrset.\n"
	    "\n"
	    "Exit status: 0 ok, 1 failed, 2 usage error.\n",
	.run = rrset_run,
};

static int
row_cb(void *arg, const struct store_row *r)
{
	(void)arg;
	printf("%" PRId64 "\t%s\t%" PRId64 "\t%s\t", r->id, r->name, r->ttl,
	    r->type);
	if (r->has_prio &&
	    (strcasecmp(r->type, "MX") == 0 || strcasecmp(r->type, "SRV") == 0))
		printf("%" PRId64 " ", r->prio);
	printf("%s\n", r->content);
	return 0;
}

static int
record_run(const struct util_ctx *ctx, int argc, char **argv)
{
	struct store_zone z;
	struct store *st;
	int ret = UTIL_EXIT_FAIL;

	if (util_wants_help(argc, argv)) {
		util_print_usage(&util_cmd_record);
		return UTIL_EXIT_OK;
	}
	if (argc != 3 || strcmp(argv[1], "list") != 0)
		return util_usage_err("record", "usage: record list ZONE");
	if ((st = util_open(ctx, "record", UTIL_OPEN_SERVED)) == NULL)
		return UTIL_EXIT_FAIL;
	if (util_zone(st, "record", argv[2], &z) == 0) {
		if (store_zone_read(st, z.id, row_cb, NULL) == 0)
			ret = UTIL_EXIT_OK;
		else
			util_fail("record", "cannot read zone '%s'", z.name);
	}
	store_close(st);
	return ret;
}

const struct util_cmd util_cmd_record = {
	.name = "record",
	.aliases = NULL,
	.summary = "list the served rows of a zone with their ids",
	.usage = "Usage: " UTIL_PROG " [--db DSN] record list ZONE\n"
	         "\n"
	         "Prints every served row of ZONE as stored, ordered by id:\n"
	         "ID<TAB>NAME<TAB>TTL<TAB>TYPE<TAB>[PRIO ]CONTENT\n"
	         "\n"
	         "Exit status: 0 ok, 1 failed, 2 usage error.\n",
	.run = record_run,
};
