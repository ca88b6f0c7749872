/* utils/import.c - coredns-util import named.conf: BIND zones to the store */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "storage/store.h"
#include "utils/util.h"

#define CMD "import"
#define REF_DEPTH_MAX 8 /* acl and primaries lists naming lists */
#define LIST_MAX 64     /* values per metadata kind */
#define VALUE_MAX 128   /* one address, prefix or key name */

/* Values gathered from an address list. */
struct vals {
	char v[LIST_MAX][VALUE_MAX];
	size_t n;
};

struct conf {
	const char *path;           /* the named.conf */
	char dir[PATH_MAX];         /* zone file paths are relative to it */
	const struct nconf_stmt *v; /* top-level statements */
	size_t n;
};

static void warn(const struct conf *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
warn(const struct conf *c, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(
	    stderr, "%s %s: %s:%d: warning: ", UTIL_PROG, CMD, c->path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
vals_add(struct vals *vs, const char *s)
{
	size_t i;

	for (i = 0; i < vs->n; i++) {
		if (strcmp(vs->v[i], s) == 0)
			return;
	}
	if (vs->n < LIST_MAX)
		snprintf(vs->v[vs->n++], VALUE_MAX, "%s", s);
}

/* Whether `s` is an address, or with `prefix` an address/length. */
static bool
is_addr(const char *s, bool prefix, bool *v6)
{
	char a[VALUE_MAX], *slash, *end;
	unsigned char buf[16];
	long len;

	snprintf(a, sizeof(a), "%s", s);
	if ((slash = strchr(a, '/')) != NULL) {
		if (!prefix)
			return false;
		*slash++ = '\0';
		len = strtol(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || len < 0)
			return false;
	}
	*v6 = strchr(a, ':') != NULL;
	if (inet_pton(*v6 ? AF_INET6 : AF_INET, a, buf) != 1)
		return false;
	return slash == NULL || len <= (*v6 ? 128 : 32);
}

/* The top-level `kw NAME { ... };` statement (acl, primaries, masters). */
static const struct nconf_stmt *
find_list(const struct conf *c, const char *kw, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (c->v[i].nw == 2 && c->v[i].block &&
		    strcasecmp(c->v[i].w[0], kw) == 0 &&
		    strcmp(c->v[i].w[1], name) == 0)
			return &c->v[i];
	}
	return NULL;
}

/* An address-match list (allow-transfer): prefixes to `nets`, `key K`
 * to `keys`; named acls are followed. What PowerDNS cannot say
 * (negation, localnets, geoip...) is skipped with a warning. */
static void
match_list(const struct conf *c, const struct nconf_stmt *l, size_t n,
    struct vals *nets, struct vals *keys, int depth)
{
	const struct nconf_stmt *acl;
	const char *w;
	bool v6;
	size_t i;

	for (i = 0; i < n; i++) {
		if (l[i].block && l[i].nw == 0) {
			if (depth < REF_DEPTH_MAX)
				match_list(c, l[i].sub, l[i].nsub, nets, keys,
				    depth + 1);
			continue;
		}
		if (l[i].nw == 2 && strcasecmp(l[i].w[0], "key") == 0) {
			vals_add(keys, l[i].w[1]);
			continue;
		}
		if (l[i].nw != 1 || l[i].block) {
			warn(c, l[i].line, "skipping an address-match element");
			continue;
		}
		w = l[i].w[0];
		if (strcasecmp(w, "any") == 0) {
			vals_add(nets, "0.0.0.0/0");
			vals_add(nets, "::/0");
		} else if (strcasecmp(w, "none") == 0) {
			;
		} else if (strcasecmp(w, "localhost") == 0) {
			vals_add(nets, "127.0.0.1");
			vals_add(nets, "::1");
		} else if (is_addr(w, true, &v6)) {
			vals_add(nets, w);
		} else if ((acl = find_list(c, "acl", w)) != NULL &&
		           depth < REF_DEPTH_MAX) {
			match_list(
			    c, acl->sub, acl->nsub, nets, keys, depth + 1);
		} else {
			warn(c, l[i].line, "skipping '%s' (not an address)", w);
		}
	}
}

/* A server list (also-notify, primaries): "ADDR" or "ADDR:PORT" (IPv6
 * in brackets) to `out`; `port` from the statement applies to all; named
 * primaries lists are followed. */
static void
server_list(const struct conf *c, const struct nconf_stmt *l, size_t n,
    const char *port, struct vals *out, int depth)
{
	const struct nconf_stmt *ref;
	char v[VALUE_MAX];
	const char *p;
	size_t i, j;
	bool v6;

	for (i = 0; i < n; i++) {
		if (l[i].nw == 0)
			continue;
		p = port;
		for (j = 1; j + 1 < l[i].nw; j++) {
			if (strcasecmp(l[i].w[j], "port") == 0)
				p = l[i].w[j + 1];
		}
		if (is_addr(l[i].w[0], false, &v6)) {
			if (p == NULL || strcmp(p, "53") == 0)
				snprintf(v, sizeof(v), "%s", l[i].w[0]);
			else
				snprintf(v, sizeof(v), v6 ? "[%s]:%s" : "%s:%s",
				    l[i].w[0], p);
			vals_add(out, v);
		} else if (depth < REF_DEPTH_MAX &&
		           ((ref = find_list(c, "primaries", l[i].w[0])) !=
		                   NULL ||
		               (ref = find_list(c, "masters", l[i].w[0])) !=
		                   NULL)) {
			server_list(c, ref->sub, ref->nsub, p, out, depth + 1);
		} else {
			warn(c, l[i].line, "skipping '%s' (not an address)",
			    l[i].w[0]);
		}
	}
}

/* The `port N` of a list statement (`also-notify port 5300 { ... };`). */
static const char *
list_port(const struct nconf_stmt *s)
{
	size_t j;

	for (j = 1; j + 1 < s->nw; j++) {
		if (strcasecmp(s->w[j], "port") == 0)
			return s->w[j + 1];
	}
	return NULL;
}

static int
set_meta(struct store *st, int64_t id, const char *kind, const struct vals *vs)
{
	const char *p[LIST_MAX];
	size_t i;

	for (i = 0; i < vs->n; i++)
		p[i] = vs->v[i];
	return store_metadata_set(st, id, kind, p, vs->n);
}

/* One `zone` statement, in its own transaction. */
static int
import_zone(struct store *st, const struct conf *c, const struct nconf_stmt *zs)
{
	const struct nconf_stmt *t, *f, *at, *an, *pm;
	struct vals nets = { 0 }, keys = { 0 }, notify = { 0 }, prim = { 0 };
	struct util_recv recs = { 0 };
	char name[STORE_NAME_MAX], path[PATH_MAX * 2], master[1024] = "";
	enum store_zone_kind kind;
	struct store_zone z = { 0 };
	bool created = false, bulk = false;
	size_t i, len, nrecs = 0;
	long sets = 0;
	int rc;

	if (zs->nw < 2 || zs->nw > 3 || !zs->block) {
		warn(c, zs->line, "skipping a zone statement without a block");
		return 0;
	}
	snprintf(name, sizeof(name), "%s", zs->w[1]);
	len = strlen(name);
	if (len > 1 && name[len - 1] == '.')
		name[len - 1] = '\0';
	if (zs->nw == 3 && strcasecmp(zs->w[2], "in") != 0) {
		warn(c, zs->line, "skipping zone %s of class %s", name,
		    zs->w[2]);
		return 0;
	}
	t = nconf_find(zs->sub, zs->nsub, "type");
	if (t == NULL || t->nw != 2) {
		warn(c, zs->line, "skipping zone %s without a type", name);
		return 0;
	}
	if (strcasecmp(t->w[1], "primary") == 0 ||
	    strcasecmp(t->w[1], "master") == 0) {
		kind = STORE_ZONE_MASTER;
	} else if (strcasecmp(t->w[1], "secondary") == 0 ||
	           strcasecmp(t->w[1], "slave") == 0) {
		kind = STORE_ZONE_SLAVE;
	} else {
		warn(c, zs->line, "skipping zone %s of type %s", name, t->w[1]);
		return 0;
	}
	if ((at = nconf_find(zs->sub, zs->nsub, "allow-transfer")) != NULL)
		match_list(c, at->sub, at->nsub, &nets, &keys, 0);
	if ((an = nconf_find(zs->sub, zs->nsub, "also-notify")) != NULL)
		server_list(c, an->sub, an->nsub, list_port(an), &notify, 0);
	if ((pm = nconf_find(zs->sub, zs->nsub, "primaries")) == NULL)
		pm = nconf_find(zs->sub, zs->nsub, "masters");
	if (pm != NULL)
		server_list(c, pm->sub, pm->nsub, list_port(pm), &prim, 0);
	for (i = 0; i < prim.n; i++) {
		len = strlen(master);
		snprintf(master + len, sizeof(master) - len, "%s%s",
		    i > 0 ? "," : "", prim.v[i]);
	}
	f = nconf_find(zs->sub, zs->nsub, "file");
	if (kind == STORE_ZONE_MASTER) {
		if (f == NULL || f->nw != 2) {
			util_fail(CMD, "%s:%d: zone %s: no file", c->path,
			    zs->line, name);
			return ERR_FORMAT;
		}
		if (f->w[1][0] == '/')
			rc = snprintf(path, sizeof(path), "%s", f->w[1]);
		else
			rc = snprintf(
			    path, sizeof(path), "%s/%s", c->dir, f->w[1]);
		if (rc < 0 || (size_t)rc >= sizeof(path)) {
			util_fail(CMD, "zone %s: file path too long", name);
			return ERR_SPACE;
		}
		/* a new or empty zone: the file streamed into a bulk load */
		if ((rc = store_begin(st)) != 0)
			goto out;
		rc = util_zone_bulk(
		    st, CMD, path, name, kind, true, &z, &created, &nrecs);
		if (rc == 0) {
			bulk = true;
			goto meta;
		}
		store_rollback(st);
		if (rc != ERR_EXISTS)
			goto out;
		/* rows: a difference; the file first, so that an error in
		 * it writes nothing */
		if ((rc = util_zone_file(&recs, CMD, path, name)) != 0)
			goto out;
		nrecs = recs.n;
	} else if (prim.n == 0) {
		warn(c, zs->line, "secondary zone %s has no primaries", name);
	}
	if ((rc = store_begin(st)) != 0)
		goto out;
	rc = util_zone_apply(st, name, kind, true,
	    kind == STORE_ZONE_MASTER ? &recs : NULL, &z, &created, &sets);
meta:
	if (rc == 0 && kind == STORE_ZONE_SLAVE)
		rc = store_zone_set_master(st, z.id, master);
	if (rc == 0 && at != NULL)
		rc = set_meta(st, z.id, "ALLOW-AXFR-FROM", &nets);
	if (rc == 0 && at != NULL)
		rc = set_meta(st, z.id, "TSIG-ALLOW-AXFR", &keys);
	if (rc == 0 && an != NULL)
		rc = set_meta(st, z.id, "ALSO-NOTIFY", &notify);
	if (rc == 0 && kind == STORE_ZONE_MASTER)
		rc = store_bump_serial(st, z.id);
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0) {
		store_rollback(st);
		util_fail(
		    CMD, "zone %s: nothing written: %s", name, err_str(rc));
		goto out;
	}
	if (kind == STORE_ZONE_SLAVE) {
		printf("%s zone %s (SLAVE), primaries %s\n",
		    created ? "created" : "updated", name,
		    master[0] ? master : "none");
	} else if (store_zone_get(st, name, &z) == 0) {
		printf("%s zone %s (MASTER) from %s: %zu records, ",
		    created ? "created" : "imported", z.name, path, nrecs);
		if (bulk)
			printf("%zu rows written (bulk load)", nrecs);
		else
			printf("%ld rrsets written", sets);
		printf(", serial %" PRIu32 "\n", z.serial);
	}
out:
	util_recv_fini(&recs);
	return rc;
}

/* Zone file paths are relative to options { directory } (itself
 * relative to the conf's folder), else to the conf's folder. */
static int
base_dir(struct conf *c)
{
	const struct nconf_stmt *o, *d;
	const char *slash = strrchr(c->path, '/');
	char conf_dir[PATH_MAX];
	int n;

	if (slash == NULL)
		snprintf(conf_dir, sizeof(conf_dir), ".");
	else if (slash == c->path)
		snprintf(conf_dir, sizeof(conf_dir), "/");
	else
		snprintf(conf_dir, sizeof(conf_dir), "%.*s",
		    (int)(slash - c->path), c->path);
	snprintf(c->dir, sizeof(c->dir), "%s", conf_dir);
	o = nconf_find(c->v, c->n, "options");
	if (o == NULL || !o->block)
		return 0;
	d = nconf_find(o->sub, o->nsub, "directory");
	if (d == NULL || d->nw != 2)
		return 0;
	if (d->w[1][0] == '/')
		n = snprintf(c->dir, sizeof(c->dir), "%s", d->w[1]);
	else
		n = snprintf(
		    c->dir, sizeof(c->dir), "%s/%s", conf_dir, d->w[1]);
	if (n < 0 || (size_t)n >= sizeof(c->dir))
		return ERR_SPACE;
	return 0;
}

static int
import_named_conf(struct store *st, const char *path)
{
	struct nconf_stmt *v = NULL;
	struct conf c = { .path = path };
	char err[512];
	size_t n = 0, i, failed = 0;

	if (nconf_parse(path, &v, &n, err, sizeof(err)) != 0) {
		util_fail(CMD, "%s", err);
		return UTIL_EXIT_FAIL;
	}
	c.v = v;
	c.n = n;
	if (base_dir(&c) != 0) {
		nconf_free(v, n);
		return util_fail(CMD, "%s: the directory is too long", path);
	}
	for (i = 0; i < n; i++) {
		if (v[i].nw == 0 || strcasecmp(v[i].w[0], "zone") != 0)
			continue;
		if (import_zone(st, &c, &v[i]) != 0)
			failed++;
	}
	nconf_free(v, n);
	if (failed > 0)
		return util_fail(CMD, "%s: %zu zone%s failed", path, failed,
		    failed == 1 ? "" : "s");
	return UTIL_EXIT_OK;
}

static int
import_run(const struct util_ctx *ctx, int argc, char **argv)
{
	struct store *st;
	int ret;

	if (util_wants_help(argc, argv)) {
		util_print_usage(&util_cmd_import);
		return UTIL_EXIT_OK;
	}
	if (argc < 2)
		return util_usage_err(CMD, "missing format (named.conf)");
	if (strcmp(argv[1], "named.conf") != 0)
		return util_usage_err(CMD, "unknown format '%s'", argv[1]);
	if (argc != 3)
		return util_usage_err(CMD, "usage: import named.conf FILE");
	if ((st = util_open(ctx, CMD, UTIL_OPEN_SERVED)) == NULL)
		return UTIL_EXIT_FAIL;
	ret = import_named_conf(st, argv[2]);
	store_close(st);
	return ret;
}

const struct util_cmd util_cmd_import = {
	.name = "import",
	.aliases = NULL,
	.summary = "import the zones of a BIND named.conf",
	.usage =
	    "Usage: " UTIL_PROG " [--db DSN] import named.conf FILE\n"
	    "\n"
	    "Reads the BIND configuration FILE and imports every zone\n"
	    "statement, each in its own transaction:\n"
	    "  type primary|master    the zone file as `zone import` does\n"
	    "                         (only differing rrsets written, one\n"
	    "                         serial step); kind MASTER\n"
	    "  type secondary|slave   kind SLAVE, no records; its primaries\n"
	    "                         (or masters) go to domains.master as\n"
	    "                         ADDR or ADDR:PORT, comma-separated\n"
	    "  allow-transfer         ALLOW-AXFR-FROM (addresses, prefixes;\n"
	    "                         any is 0.0.0.0/0 and ::/0) and\n"
	    "                         TSIG-ALLOW-AXFR (key NAME) metadata\n"
	    "  also-notify            ALSO-NOTIFY metadata (ADDR[:PORT])\n"
	    "A kind of metadata is replaced only when the zone statement\n"
	    "has its option. Zone file paths are relative to options {\n"
	    "directory }, else to FILE's folder. acl and primaries lists\n"
	    "are followed by name; other zone types, other statements and\n"
	    "what PowerDNS metadata cannot say (negation, localnets) are\n"
	    "skipped, with a warning for the latter.\n"
	    "\n"
	    "Exit status: 0 ok, 1 a zone failed, 2 usage error.\n",
	.run = import_run,
};
