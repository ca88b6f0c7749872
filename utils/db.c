/* utils/db.c - coredns-util db: init, migrate, check, steward */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/log.h"
#include "storage/store.h"
#include "utils/util.h"

#define CMD "db"

/* The store's refusals are ours to say (store.h): once, naming the
 * store and what to do. */
static int
db_init(const struct util_ctx *ctx, struct store *st)
{
	int have = 0, want = 0, rc = store_init(st);

	if (rc == ERR_EXISTS && store_version(st, &have, &want) == 0 &&
	    have > 0)
		return util_fail(CMD,
		    "%s: already a store (schema version %d), not created "
		    "again",
		    util_db_name(ctx), have);
	if (rc == ERR_EXISTS)
		return util_fail(CMD,
		    "%s: holds a PowerDNS database, not created again: "
		    "turn it into a store with coredns-util db migrate",
		    util_db_name(ctx));
	if (rc != 0)
		return util_fail(
		    CMD, "%s: init failed: %s", util_db_name(ctx), err_str(rc));
	printf("store created\n");
	return UTIL_EXIT_OK;
}

static int
db_migrate(const struct util_ctx *ctx, struct store *st)
{
	int have = 0, want = 0, rc;

	if ((rc = store_version(st, &have, &want)) != 0)
		return util_fail(CMD, "%s: cannot read the schema version: %s",
		    util_db_name(ctx), err_str(rc));
	rc = store_migrate(st);
	if (rc == ERR_NOTFOUND)
		return util_fail(CMD,
		    "%s: no PowerDNS tables to migrate: create a store "
		    "with coredns-util db init",
		    util_db_name(ctx));
	if (rc == ERR_INVAL)
		return util_fail(CMD,
		    "%s: schema version %d is newer than this program's "
		    "%d: upgrade coredns-util",
		    util_db_name(ctx), have, want);
	if (rc != 0)
		return util_fail(CMD, "%s: migrate failed: %s",
		    util_db_name(ctx), err_str(rc));
	if (have == want)
		printf("schema at version %d, nothing to do\n", want);
	else
		printf("schema migrated from version %d to %d\n", have, want);
	return UTIL_EXIT_OK;
}

/* One row as seen by db check. */
struct crow {
	int64_t id;
	char *name; /* lower case, no final dot */
	bool cname, other;
};

struct check {
	const struct store_zone *z;
	struct store_rr *rr;
	struct crow *v;
	size_t n, cap;
	long problems;
	int rc;
};

static void
problem(struct check *c, int64_t id, const char *name, const char *type,
    const char *what)
{
	printf("zone %s row id %" PRId64 " (%s %s): %s\n", c->z->name, id, name,
	    type, what);
	c->problems++;
}

static int
check_cb(void *arg, const struct store_row *r)
{
	struct check *c = arg;
	struct crow *w;
	size_t n = strlen(r->name), i;
	bool upper = false;
	int rc;

	for (i = 0; i < n; i++)
		upper |= isupper((unsigned char)r->name[i]) != 0;
	if (n > 1 && r->name[n - 1] == '.')
		problem(c, r->id, r->name, r->type, "name with a trailing dot");
	if (upper)
		problem(c, r->id, r->name, r->type, "name in upper case");
	if ((rc = store_row_to_rr(c->z->name, r, c->rr)) == ERR_FORMAT)
		problem(c, r->id, r->name, r->type,
		    "content does not parse (or lies outside the zone)");
	else if (rc != 0)
		return rc;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct crow *v = realloc(c->v, cap * sizeof(*v));

		if (v == NULL)
			return ERR_NOMEM;
		c->v = v;
		c->cap = cap;
	}
	w = &c->v[c->n];
	if ((w->name = strdup(r->name)) == NULL)
		return ERR_NOMEM;
	c->n++;
	for (i = 0; i < n; i++)
		w->name[i] = (char)tolower((unsigned char)w->name[i]);
	if (n > 1 && w->name[n - 1] == '.')
		w->name[n - 1] = '\0';
	w->id = r->id;
	w->cname = strcasecmp(r->type, "CNAME") == 0;
	/* DNSSEC records may sit beside a CNAME (RFC 4035 2.5) */
	w->other = !w->cname && strcasecmp(r->type, "RRSIG") != 0 &&
	           strcasecmp(r->type, "NSEC") != 0;
	return 0;
}

static int
crow_cmp(const void *x, const void *y)
{
	const struct crow *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	if (c != 0)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static void
check_cnames(struct check *c)
{
	size_t i, j, k;
	bool cname, other;

	qsort(c->v, c->n, sizeof(c->v[0]), crow_cmp);
	for (i = 0; i < c->n; i = j) {
		cname = other = false;
		for (j = i; j < c->n && strcmp(c->v[i].name, c->v[j].name) == 0;
		     j++) {
			cname |= c->v[j].cname;
			other |= c->v[j].other;
		}
		if (!cname || !other)
			continue;
		for (k = i; k < j; k++) {
			printf("zone %s row id %" PRId64 " (%s): CNAME "
			       "beside other data\n",
			    c->z->name, c->v[k].id, c->v[k].name);
			c->problems++;
		}
	}
}

struct zones {
	struct store_zone *v;
	size_t n, cap;
};

static int
zones_cb(void *arg, const struct store_zone *z)
{
	struct zones *zs = arg;

	if (zs->n == zs->cap) {
		size_t cap = zs->cap ? zs->cap * 2 : 16;
		struct store_zone *v = realloc(zs->v, cap * sizeof(*v));

		if (v == NULL)
			return ERR_NOMEM;
		zs->v = v;
		zs->cap = cap;
	}
	zs->v[zs->n++] = *z;
	return 0;
}

static int
db_check(const struct util_ctx *ctx, struct store *st)
{
	struct check c = { 0 };
	struct zones zs = { 0 };
	char err[512] = "";
	size_t i, k;
	int rc;

	if (store_check(st, err, sizeof(err)) != 0)
		return util_fail(CMD, "%s: %s", util_db_name(ctx), err);
	if ((c.rr = malloc(sizeof(*c.rr))) == NULL)
		return util_fail(CMD, "out of memory");
	rc = store_zone_list(st, zones_cb, &zs);
	for (i = 0; rc == 0 && i < zs.n; i++) {
		c.z = &zs.v[i];
		c.n = 0;
		/* our lines say it: the store's warnings would repeat them */
		log_set_level(LOG_LVL_ERROR);
		rc = store_zone_read(st, zs.v[i].id, check_cb, &c);
		log_set_level(LOG_LVL_WARN);
		if (rc == 0)
			check_cnames(&c);
		for (k = 0; k < c.n; k++)
			free(c.v[k].name);
	}
	free(c.v);
	free(c.rr);
	free(zs.v);
	if (rc != 0)
		return util_fail(CMD, "check failed: %s", err_str(rc));
	if (c.problems > 0)
		return util_fail(CMD, "%ld problem rows", c.problems);
	printf("%zu zones checked, no problem rows\n", zs.n);
	return UTIL_EXIT_OK;
}

static int
db_steward(struct store *st, int argc, char **argv)
{
	int n = 0, rc;

	if (argc != 2 || strcmp(argv[1], "--once") != 0)
		return util_usage_err(CMD, "steward needs --once (the server "
		                           "runs the steward otherwise)");
	if ((rc = store_steward_pass(st, &n)) != 0)
		return util_fail(CMD, "steward pass failed: %s", err_str(rc));
	printf("%d zones given a serial step\n", n);
	return UTIL_EXIT_OK;
}

static int
db_run(const struct util_ctx *ctx, int argc, char **argv)
{
	enum util_open_mode mode;
	struct store *st;
	const char *sub;
	int ret;

	if (util_wants_help(argc, argv)) {
		util_print_usage(&util_cmd_db);
		return UTIL_EXIT_OK;
	}
	if (argc < 2)
		return util_usage_err(CMD, "missing subcommand");
	sub = argv[1];
	if (strcmp(sub, "steward") == 0) {
		if (argc != 3 || strcmp(argv[2], "--once") != 0)
			return util_usage_err(CMD, "usage: db steward --once");
	} else if (strcmp(sub, "init") != 0 && strcmp(sub, "migrate") != 0 &&
	           strcmp(sub, "check") != 0) {
		return util_usage_err(CMD, "unknown subcommand '%s'", sub);
	} else if (argc != 2) {
		return util_usage_err(CMD, "too many arguments");
	}
	/* only init creates a missing SQLite file: migrate needs PowerDNS's
	 * tables in it, the others a store */
	if (strcmp(sub, "init") == 0)
		mode = UTIL_OPEN_CREATE;
	else if (strcmp(sub, "steward") == 0)
		mode = UTIL_OPEN_SERVED;
	else
		mode = UTIL_OPEN_ANY;
	if ((st = util_open(ctx, CMD, mode)) == NULL)
		return UTIL_EXIT_FAIL;
	if (strcmp(sub, "init") == 0)
		ret = db_init(ctx, st);
	else if (strcmp(sub, "migrate") == 0)
		ret = db_migrate(ctx, st);
	else if (strcmp(sub, "check") == 0)
		ret = db_check(ctx, st);
	else
		ret = db_steward(st, argc - 1, argv + 1);
	store_close(st);
	return ret;
}

const struct util_cmd util_cmd_db = {
	.name = "db",
	.aliases = NULL,
	.summary = "create, migrate and check the store; steward pass",
	.usage =
	    "Usage: " UTIL_PROG " [--db DSN] db SUBCOMMAND\n"
	    "\n"
	    "  init            create the store in an empty database\n"
	    "  migrate         bring a PowerDNS database (or an older\n"
	    "                  store) up to this binary's schema\n"
	    "  check           list rows the server would skip or\n"
	    "                  mishandle (content that does not parse,\n"
	    "                  names with a trailing dot or upper case,\n"
	    "                  CNAME beside other data) with their ids;\n"
	    "                  exit 1 when there are any\n"
	    "  steward --once  one serial steward pass: a serial step and\n"
	    "                  journal entry for each zone changed by\n"
	    "                  plain SQL\n"
	    "\n"
	    "Exit status: 0 ok, 1 failed, 2 usage error.\n",
	.run = db_run,
};
