/* server/plugins/sql/sql.c - the sql plugin: authoritative answers for
 * the zones of the SQL store, from in-memory snapshots and a packet
 * cache */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/strbuf.h"
#include "common/strutil.h"
#include "common/wire.h"
#include "server/debug_http.h"
#include "server/plugins/sql/answer.h"
#include "server/plugins/sql/pcache.h"
#include "server/plugins/sql/source.h"
#include "server/request.h"

#define NAME "sql"
#define DEFAULT_POLL_MS 250
#define DEFAULT_CACHE 10000
#define MAX_CACHE 10000000

struct sql_cfg {
	struct sqlsrc *src;
	struct pcache *pc;
	bool fallthrough;
	uint8_t (*ft)[DNAME_MAX]; /* fallthrough zones; none: all */
	size_t nft;
	struct sql_cfg *next; /* live instances, for metrics */
};

static struct sql_cfg *instances;

static void
free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A zone argument in canonical form: lower case, trailing dot. */
static int
norm_zone(struct cf_disp *d, const char *arg, uint8_t *wire, char **out)
{
	char buf[DNAME_STR_MAX];

	if (dname_from_str(wire, arg) <= 0)
		return cf_errf(d, "invalid zone name '%s'", arg);
	dname_lower(wire);
	dname_to_str(buf, wire);
	if (out != NULL && (*out = strdup(buf)) == NULL)
		return cf_errf(d, "out of memory");
	return 0;
}

static void
render_cache(struct strbuf *b)
{
	struct pcache_stats t = { 0 }, one;
	uint64_t entries = 0, cap = 0, e, c;

	sqlsrc_render_all(b);
	for (struct sql_cfg *i = instances; i != NULL; i = i->next) {
		pcache_totals(i->pc, &one, &e, &c);
		atomic_init(&t.hits, atomic_load(&t.hits) + one.hits);
		atomic_init(&t.misses, atomic_load(&t.misses) + one.misses);
		atomic_init(&t.inserts, atomic_load(&t.inserts) + one.inserts);
		atomic_init(
		    &t.evictions, atomic_load(&t.evictions) + one.evictions);
		atomic_init(&t.uncacheable,
		    atomic_load(&t.uncacheable) + one.uncacheable);
		atomic_init(
		    &t.deferred, atomic_load(&t.deferred) + one.deferred);
		entries += e;
		cap += c;
	}
	strbuf_printf(b,
	    "# HELP coredns_sql_cache_hits_total Packet cache hits.\n"
	    "# TYPE coredns_sql_cache_hits_total counter\n"
	    "coredns_sql_cache_hits_total %" PRIu64 "\n"
	    "# HELP coredns_sql_cache_misses_total Packet cache misses.\n"
	    "# TYPE coredns_sql_cache_misses_total counter\n"
	    "coredns_sql_cache_misses_total %" PRIu64 "\n"
	    "# HELP coredns_sql_cache_inserts_total Answers stored in the "
	    "packet cache.\n"
	    "# TYPE coredns_sql_cache_inserts_total counter\n"
	    "coredns_sql_cache_inserts_total %" PRIu64 "\n"
	    "# HELP coredns_sql_cache_evictions_total Packet cache entries "
	    "replaced by others.\n"
	    "# TYPE coredns_sql_cache_evictions_total counter\n"
	    "coredns_sql_cache_evictions_total %" PRIu64 "\n"
	    "# HELP coredns_sql_cache_uncacheable_total Answers too large "
	    "for a cache slot.\n"
	    "# TYPE coredns_sql_cache_uncacheable_total counter\n"
	    "coredns_sql_cache_uncacheable_total %" PRIu64 "\n"
	    "# HELP coredns_sql_cache_deferred_total Misses not stored yet "
	    "(an answer is stored the second time it is asked).\n"
	    "# TYPE coredns_sql_cache_deferred_total counter\n"
	    "coredns_sql_cache_deferred_total %" PRIu64 "\n"
	    "# HELP coredns_sql_cache_entries Packet cache slots in use.\n"
	    "# TYPE coredns_sql_cache_entries gauge\n"
	    "coredns_sql_cache_entries %" PRIu64 "\n"
	    "# HELP coredns_sql_cache_capacity Packet cache slots.\n"
	    "# TYPE coredns_sql_cache_capacity gauge\n"
	    "coredns_sql_cache_capacity %" PRIu64 "\n",
	    atomic_load(&t.hits), atomic_load(&t.misses),
	    atomic_load(&t.inserts), atomic_load(&t.evictions),
	    atomic_load(&t.uncacheable), atomic_load(&t.deferred), entries,
	    cap);
}

static void
sql_teardown(void *ctx)
{
	struct sql_cfg *c = ctx, **pp;

	if (c == NULL)
		return;
	for (pp = &instances; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	sqlsrc_release(c->src);
	pcache_free(c->pc);
	free(c->ft);
	free(c);
}

static int
sql_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	struct sql_cfg *c = NULL;
	struct sqlsrc_opts o = { NULL, DEFAULT_POLL_MS, NULL, 0 };
	char *dsn = NULL, err[512];
	uint64_t cache = DEFAULT_CACHE;
	int rc = 0;
	bool seen = false;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return cf_errf(d, "out of memory");
	while (cf_next(d)) {
		if (seen) {
			rc = cf_errf(d, "sql can only be used once per server "
			                "block");
			goto out;
		}
		seen = true;
		if (!cf_next_arg(d)) {
			rc = cf_err_args(d);
			goto out;
		}
		if ((dsn = strdup(cf_val(d))) == NULL) {
			rc = cf_errf(d, "out of memory");
			goto out;
		}
		while (cf_next_arg(d)) {
			uint8_t w[DNAME_MAX];
			char **v =
			    realloc(o.zones, (o.nzones + 1) * sizeof(*v));

			if (v == NULL) {
				rc = cf_errf(d, "out of memory");
				goto out;
			}
			o.zones = v;
			if ((rc = norm_zone(
			         d, cf_val(d), w, &o.zones[o.nzones])) != 0)
				goto out;
			o.nzones++;
		}
		while (cf_next_block(d)) {
			const char *k = cf_val(d);

			if (strcmp(k, "fallthrough") == 0) {
				c->fallthrough = true;
				while (cf_next_arg(d)) {
					uint8_t(*ft)[DNAME_MAX] = realloc(
					    c->ft, (c->nft + 1) * sizeof(*ft));

					if (ft == NULL) {
						rc =
						    cf_errf(d, "out of memory");
						goto out;
					}
					c->ft = ft;
					if ((rc = norm_zone(d, cf_val(d),
					         c->ft[c->nft], NULL)) != 0)
						goto out;
					c->nft++;
				}
			} else if (strcmp(k, "poll") == 0) {
				if (!cf_next_arg(d)) {
					rc = cf_err_args(d);
					goto out;
				}
				if (str_parse_duration(cf_val(d), &o.poll_ms) !=
				        0 ||
				    o.poll_ms < 10) {
					rc = cf_errf(d,
					    "invalid poll interval '%s' (at "
					    "least 10ms)",
					    cf_val(d));
					goto out;
				}
				if (cf_next_arg(d)) {
					rc = cf_err_args(d);
					goto out;
				}
			} else if (strcmp(k, "cache") == 0) {
				if (!cf_next_arg(d)) {
					rc = cf_err_args(d);
					goto out;
				}
				if (str_parse_uint(
				        cf_val(d), 0, MAX_CACHE, &cache) != 0) {
					rc = cf_errf(d,
					    "invalid cache capacity '%s' "
					    "(0..%d)",
					    cf_val(d), MAX_CACHE);
					goto out;
				}
				if (cf_next_arg(d)) {
					rc = cf_err_args(d);
					goto out;
				}
			} else {
				rc = cf_errf(d, "unknown property '%s'", k);
				goto out;
			}
		}
	}
	o.dsn = dsn;
	if ((c->src = sqlsrc_acquire(&o, false, err, sizeof(err))) == NULL) {
		rc = cf_errf(d, "%s", err);
		goto out;
	}
	if ((c->pc = pcache_new((size_t)cache, server_workers())) == NULL) {
		rc = cf_errf(d, "out of memory");
		goto out;
	}
	c->next = instances;
	instances = c;
	debug_vars_add(render_cache);
	*ctx = c;
	c = NULL;
out:
	free(dsn);
	free_strs(o.zones, o.nzones);
	sql_teardown(c);
	return rc;
}

static int
sql_start(void *ctx)
{
	struct sql_cfg *c = ctx;

	return sqlsrc_start(c->src);
}

static bool
sql_ready(void *ctx)
{
	struct sql_cfg *c = ctx;

	return sqlsrc_ready(c->src);
}

static const struct zsnap *
lookup_zone(void *arg, const uint8_t *name, size_t len)
{
	const struct zent *e = ztable_find(arg, name, len);

	return e != NULL && e->snap != NULL && e->snap->has_soa ? e->snap
	                                                        : NULL;
}

static bool
falls_through(const struct sql_cfg *c, const uint8_t *qname)
{
	if (!c->fallthrough)
		return false;
	if (c->nft == 0)
		return true;
	for (size_t i = 0; i < c->nft; i++)
		if (dname_is_subdomain(qname, c->ft[i]))
			return true;
	return false;
}

static enum pl_status
sql_serve(struct request *req, void *ctx)
{
	struct sql_cfg *c = ctx;
	const uint8_t *qname = request_qname(req);
	uint16_t qtype = request_qtype(req), qclass = request_qclass(req);
	int w = request_worker(req);
	const struct ztable *t;
	const struct zent *e;
	const struct zsnap *z;
	enum pl_status st = PL_DONE;
	struct pc_versions pv;
	unsigned info;
	size_t qlen;

	if (request_opcode(req) != OPCODE_QUERY ||
	    (qclass != CLASS_IN && qclass != CLASS_ANY) || qtype == TYPE_AXFR ||
	    qtype == TYPE_IXFR)
		return PL_NEXT;
	t = sqlsrc_enter(c->src, w);
	if (t == NULL) {
		/* the zone list was never read: nothing may be passed on */
		request_set_error(req, "plugin/sql: store not loaded yet");
		st = reply_init(req, RCODE_SERVFAIL) == 0 ? PL_DONE : PL_ERROR;
		goto out;
	}
	qlen = dname_len(qname);
	if ((e = ztable_find(t, qname, qlen)) == NULL) {
		st = PL_NEXT;
		goto out;
	}
	if (qtype == TYPE_DS && e->apexlen == qlen && qlen > 1) {
		/* DS is the parent's data (RFC 4035 3.1.4.1): when the
		 * parent zone is served too, it answers */
		const struct zent *p =
		    ztable_find(t, qname + 1 + qname[0], qlen - 1 - qname[0]);

		if (p != NULL)
			e = p;
	}
	z = e->snap;
	if (z == NULL || !z->has_soa) {
		request_set_error(
		    req, "plugin/sql: zone %s not loaded", e->name);
		st = reply_init(req, RCODE_SERVFAIL) == 0 ? PL_DONE : PL_ERROR;
		goto out;
	}
	pv.zone = z->version;
	pv.zset = t->zset;
	pv.table = t->version;
	if (pcache_lookup(c->pc, req, &pv))
		goto out;
	if (zanswer(req, z, lookup_zone, (void *)t, &info) != 0) {
		request_set_error(req, "plugin/sql: answer too large");
		st = PL_ERROR;
		goto out;
	}
	if ((info & ANS_NXDOMAIN) && falls_through(c, qname)) {
		st = PL_NEXT;
		goto out;
	}
	pcache_store(c->pc, req, &pv,
	    (info & ANS_MULTIZONE)  ? PC_TABLE
	    : (info & ANS_SUBZONES) ? PC_ZONE_SET
	                            : PC_ZONE);
out:
	sqlsrc_leave(c->src, w);
	if (st == PL_DONE)
		reply_set_nostore(req); /* ours follows the store; no other */
	return st;
}

const struct plugin_ops sql_plugin = {
	.name = "sql",
	.setup = sql_setup,
	.serve = sql_serve,
	.start = sql_start,
	.ready = sql_ready,
	.teardown = sql_teardown,
};
