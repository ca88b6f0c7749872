/* server/plugins/sql/source.c - a served SQL store: loader thread, change
 * feed, serial steward, zone tables published for lock-free readers */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "server/plugins/sql/source.h"
#include "storage/store.h"

#define NAME "sql"
#define LEASE_TTL 10                 /* seconds */
#define LEASE_EVERY_MS 2000          /* renewal */
#define BACKOFF_MIN_MS 500           /* reconnect after an outage */
#define BACKOFF_MAX_MS 4000          /* short: tests and operators wait on it */
#define RETIRE_EVERY_MS 10           /* re-check of tables still read */
#define MAIN_SLOT SQLSRC_MAX_WORKERS /* hazard slot of the main thread */

#define LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)
#define ADD(x, n) atomic_fetch_add_explicit(&(x), (n), memory_order_relaxed)

struct retired {
	struct ztable *t;
	struct retired *next;
};

struct sqlsrc {
	/* key */
	char *dsn;
	uint64_t poll_ms;
	char **zones;
	size_t nzones;
	/* main thread */
	int refs;
	struct sqlsrc *next;
	pthread_t th;
	bool started;
	/* loader thread */
	struct evloop *loop;
	struct ev_timer *tick, *retire_timer;
	struct ev_watch *watch;
	int watch_fd;
	struct store *st;
	struct store_rr *rr; /* scratch for row parsing */
	struct retired *retired;
	uint64_t backoff_ms;
	uint64_t lease_at_ms;
	bool force_scan;
	bool down_logged;
	char holder[128];
	/* shared */
	_Atomic(struct ztable *) table;
	_Atomic bool loaded;
	_Atomic bool up;
	_Atomic bool steward;
	struct sqlsrc_stats stats;
	struct hazard hz[SQLSRC_MAX_WORKERS + 1];
};

static struct sqlsrc *sources;

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ tables */

static void
table_free(struct ztable *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		zsnap_unref(t->z[i].snap);
	free(t->z);
	free(t->ht);
	free(t);
}

static int
table_index(struct ztable *t)
{
	size_t size = 16;

	while (size < t->n * 2 + 2)
		size *= 2;
	if ((t->ht = calloc(size, sizeof(*t->ht))) == NULL)
		return ERR_NOMEM;
	t->mask = (uint32_t)(size - 1);
	t->max_labels = 0;
	for (size_t k = 0; k < t->n; k++) {
		uint32_t i =
		    zname_hash(t->z[k].apex, t->z[k].apexlen) & t->mask;

		while (t->ht[i] != 0)
			i = (i + 1) & t->mask;
		t->ht[i] = (uint32_t)k + 1;
		if (t->z[k].labels > t->max_labels)
			t->max_labels = t->z[k].labels;
	}
	return 0;
}

const struct zent *
ztable_find(const struct ztable *t, const uint8_t *name, size_t len)
{
	int nl = 0;
	size_t o = 0;

	for (size_t p = 0; name[p] != 0; p += (size_t)name[p] + 1)
		nl++;
	/* skip labels no zone is that deep */
	while (nl > t->max_labels) {
		o += (size_t)name[o] + 1;
		nl--;
	}
	for (;;) {
		uint32_t h = zname_hash(name + o, len - o), i, v;

		for (i = h & t->mask; (v = t->ht[i]) != 0;
		     i = (i + 1) & t->mask) {
			const struct zent *e = &t->z[v - 1];

			if (e->apexlen == len - o &&
			    memcmp(e->apex, name + o, len - o) == 0)
				return e;
		}
		if (name[o] == 0)
			return NULL;
		o += (size_t)name[o] + 1;
	}
}

/* The hazard slot of a reader: workers 0..SQLSRC_MAX_WORKERS-1 (the
 * server runs at most that many), MAIN_SLOT for the main thread's
 * /ready and /metrics. Slots are never shared between threads that run
 * at once: a shared slot could be cleared under another reader. */
static int
hz_slot(int worker)
{
	return worker >= 0 && worker <= MAIN_SLOT ? worker : 0;
}

const struct ztable *
sqlsrc_enter(struct sqlsrc *s, int worker)
{
	struct ztable *t = atomic_load(&s->table), *t2;

	worker = hz_slot(worker);
	for (;;) {
		atomic_store(&s->hz[worker].p, t);
		t2 = atomic_load(&s->table);
		if (t2 == t)
			return t;
		t = t2;
	}
}

void
sqlsrc_leave(struct sqlsrc *s, int worker)
{
	atomic_store_explicit(
	    &s->hz[hz_slot(worker)].p, NULL, memory_order_release);
}

static bool
table_in_use(struct sqlsrc *s, const struct ztable *t)
{
	for (int i = 0; i <= SQLSRC_MAX_WORKERS; i++)
		if (atomic_load(&s->hz[i].p) == t)
			return true;
	return false;
}

static void
retire_check(void *arg)
{
	struct sqlsrc *s = arg;
	struct retired **pp = &s->retired, *r;

	while ((r = *pp) != NULL) {
		if (!table_in_use(s, r->t)) {
			*pp = r->next;
			table_free(r->t);
			free(r);
		} else {
			pp = &r->next;
		}
	}
	if (s->retired != NULL)
		ev_timer_start(s->retire_timer, RETIRE_EVERY_MS);
}

static _Atomic uint64_t table_versions = 1;

static void
publish(struct sqlsrc *s, struct ztable *t)
{
	struct ztable *old;
	struct retired *r;

	t->version = atomic_fetch_add(&table_versions, 1);
	if (t->zset == 0)
		t->zset = t->version;
	old = atomic_exchange(&s->table, t);

	if (old == NULL)
		return;
	if (!table_in_use(s, old)) {
		table_free(old);
		return;
	}
	if ((r = malloc(sizeof(*r))) == NULL) {
		/* cannot queue it: wait for the readers here (short) */
		while (table_in_use(s, old))
			sched_yield();
		table_free(old);
		return;
	}
	r->t = old;
	r->next = s->retired;
	s->retired = r;
	if (!ev_timer_pending(s->retire_timer))
		ev_timer_start(s->retire_timer, RETIRE_EVERY_MS);
}

/* ------------------------------------------------------------ loading */

struct load_ctx {
	struct sqlsrc *s;
	const char *zone;
	struct zsnap_builder *b;
	uint64_t bad;
};

static int
load_row(void *arg, const struct store_row *row)
{
	struct load_ctx *c = arg;
	struct store_rr *rr = c->s->rr;
	int rc;

	rc = store_row_to_rr(c->zone, row, rr);
	if (rc == ERR_FORMAT) {
		zsnap_builder_bad_row(c->b);
		c->bad++;
		return 0;
	}
	if (rc != 0)
		return rc;
	rc = zsnap_builder_add(
	    c->b, rr->owner, rr->type, rr->ttl, rr->rdata, rr->rdlen);
	if (rc == ERR_INVAL) {
		log_warn("plugin/" NAME ": zone %s: skipping row id %" PRId64
		         " outside the zone",
		    c->zone, row->id);
		zsnap_builder_bad_row(c->b);
		c->bad++;
		return 0;
	}
	return rc;
}

/* A full read of the zone into a new snapshot. */
static int
zone_load(struct sqlsrc *s, const struct store_zone *z, const uint8_t *apex,
    struct zsnap **out)
{
	struct load_ctx c = { s, z->name, NULL, 0 };
	uint64_t t0 = mono_ms(), ms;
	int rc;

	*out = NULL;
	if ((c.b = zsnap_builder_new(apex)) == NULL)
		return ERR_NOMEM;
	rc = store_zone_load(s->st, z->id, load_row, &c);
	if (rc != 0) {
		zsnap_builder_free(c.b);
		return rc;
	}
	if ((*out = zsnap_builder_finish(c.b)) == NULL)
		return ERR_NOMEM;
	ms = mono_ms() - t0;
	ADD(s->stats.rebuilds, 1);
	atomic_store(&s->stats.last_load_ms, ms);
	if (!(*out)->has_soa)
		log_warn("plugin/" NAME ": zone %s has no usable SOA record: "
		         "answering SERVFAIL for it",
		    z->name);
	log_info("plugin/" NAME ": zone %s loaded: %" PRIu64
	         " records, serial %u, %" PRIu64 " bad rows skipped, %" PRIu64
	         " ms",
	    z->name, (*out)->records, (*out)->serial, c.bad, ms);
	return 0;
}

/* Journal entries turned into changes (rdata copied). */
struct jvec {
	struct sqlsrc *s;
	const char *zone;
	struct zchange *v;
	size_t n, cap;
	uint8_t **bufs;
	bool bad;
};

static int
journal_cb(void *arg, const struct store_journal_entry *e)
{
	struct jvec *j = arg;
	struct store_rr *rr = j->s->rr;
	size_t olen;
	uint8_t *buf;
	int rc;

	rc = store_row_to_rr_quiet(j->zone, &e->row, rr);
	if (rc == ERR_FORMAT) {
		/* a bad row came or went: a full read names it by its
		 * records id and counts it; stop collecting */
		j->bad = true;
		return 1;
	}
	if (rc != 0)
		return rc;
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;
		struct zchange *v = realloc(j->v, cap * sizeof(*v));
		uint8_t **b = realloc(j->bufs, cap * sizeof(*b));

		if (v != NULL)
			j->v = v;
		if (b != NULL)
			j->bufs = b;
		if (v == NULL || b == NULL)
			return ERR_NOMEM;
		j->cap = cap;
	}
	olen = dname_len(rr->owner);
	if ((buf = malloc(olen + rr->rdlen + 1)) == NULL)
		return ERR_NOMEM;
	memcpy(buf, rr->owner, olen);
	memcpy(buf + olen, rr->rdata, rr->rdlen);
	j->bufs[j->n] = buf;
	j->v[j->n] = (struct zchange){ .add = e->add,
		.owner = buf,
		.type = rr->type,
		.ttl = rr->ttl,
		.rdata = buf + olen,
		.rdlen = rr->rdlen };
	j->n++;
	return 0;
}

static void
jvec_free(struct jvec *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->bufs[i]);
	free(j->bufs);
	free(j->v);
}

/* Moves a snapshot forward from the journal. *out is the new snapshot
 * (a new reference), or NULL when a full load is needed. */
static int
zone_advance(struct sqlsrc *s, const struct store_zone *z, struct zsnap *old,
    struct zsnap **out)
{
	struct jvec j = { s, z->name, NULL, 0, 0, NULL, false };
	struct zsnap *n;
	size_t limit;
	int rc;

	*out = NULL;
	if (!old->has_soa)
		return 0;
	rc = store_journal_read(s->st, z->id, old->serial, journal_cb, &j);
	if (j.bad) {
		log_info("plugin/" NAME ": zone %s: a changed row does not "
		         "parse: reading the zone in full",
		    z->name);
		rc = 0;
		goto out;
	}
	if (rc == ERR_NOTFOUND) {
		rc = 0;
		goto out;
	}
	if (rc != 0)
		goto out;
	if (j.n == 0) {
		/* no step: nothing to do unless the serial moved without one
		 * (then the journal cannot explain it) */
		if (!z->has_serial || z->serial == old->serial) {
			zsnap_ref(old);
			*out = old;
		}
		goto out;
	}
	if ((n = zsnap_apply(old, j.v, j.n)) == NULL)
		goto out;
	limit = n->nodes / 8 > 4096 ? (size_t)(n->nodes / 8) : 4096;
	if (zsnap_overlay_nodes(n) > limit) {
		zsnap_unref(n); /* compact: a fresh base instead */
		goto out;
	}
	ADD(s->stats.applies, 1);
	ADD(s->stats.applied_changes, j.n);
	log_info("plugin/" NAME ": zone %s: serial %u -> %u from the journal "
	         "(%zu changes)",
	    z->name, old->serial, n->serial, j.n);
	*out = n;
out:
	jvec_free(&j);
	return rc;
}

struct zlist {
	struct store_zone *v;
	size_t n, cap;
};

static int
zlist_cb(void *arg, const struct store_zone *z)
{
	struct zlist *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct store_zone *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *z;
	return 0;
}

static bool
zone_wanted(const struct sqlsrc *s, const uint8_t *apex)
{
	if (s->nzones == 0)
		return true;
	for (size_t i = 0; i < s->nzones; i++) {
		uint8_t w[DNAME_MAX];

		if (dname_from_str(w, s->zones[i]) > 0 &&
		    dname_is_subdomain(apex, w))
			return true;
	}
	return false;
}

static const struct zent *
old_entry(const struct ztable *t, int64_t id)
{
	if (t == NULL)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (t->z[i].id == id)
			return &t->z[i];
	return NULL;
}

/* `t` serves the same zones as `cur`: the same apexes, each loaded or
 * not alike. */
static bool
same_zone_set(const struct ztable *cur, const struct ztable *t)
{
	if (cur == NULL || cur->n != t->n)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		const struct zent *e = &t->z[i], *o = old_entry(cur, e->id);

		if (o == NULL || o->apexlen != e->apexlen ||
		    memcmp(o->apex, e->apex, e->apexlen) != 0 ||
		    (o->snap == NULL) != (e->snap == NULL))
			return false;
	}
	return true;
}

/* Reads the zone list and brings every zone up to date; publishes a new
 * table when anything changed. */
static int
sync_zones(struct sqlsrc *s)
{
	struct ztable *cur = atomic_load(&s->table), *t = NULL;
	struct zlist l = { NULL, 0, 0 };
	int rc;

	ADD(s->stats.scans, 1);
	if ((rc = store_zone_list(s->st, zlist_cb, &l)) != 0)
		goto out;
	rc = ERR_NOMEM;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->z = calloc(l.n ? l.n : 1, sizeof(*t->z))) == NULL)
		goto out;
	for (size_t i = 0; i < l.n; i++) {
		const struct store_zone *z = &l.v[i];
		struct zent *e = &t->z[t->n];
		const struct zent *o;
		int len;

		if ((len = dname_from_str(e->apex, z->name)) <= 0) {
			log_warn("plugin/" NAME ": skipping zone id %" PRId64
			         " with a bad name",
			    z->id);
			continue;
		}
		dname_lower(e->apex);
		if (!zone_wanted(s, e->apex))
			continue;
		e->apexlen = (uint8_t)len;
		e->labels = dname_labels(e->apex);
		e->id = z->id;
		e->gen = z->generation;
		snprintf(e->name, sizeof(e->name), "%s", z->name);
		o = old_entry(cur, z->id);
		if (o != NULL && (o->apexlen != e->apexlen ||
		                     memcmp(o->apex, e->apex, e->apexlen) != 0))
			o = NULL; /* renamed: load afresh */
		if (o != NULL && o->snap != NULL && o->gen == z->generation) {
			zsnap_ref(o->snap);
			e->snap = o->snap;
		} else if (o != NULL && o->snap != NULL) {
			if ((rc = zone_advance(s, z, o->snap, &e->snap)) != 0) {
				/* keep serving what we have */
				zsnap_ref(o->snap);
				e->snap = o->snap;
				e->gen = o->gen;
				t->n++;
				goto out;
			}
			if (e->snap == NULL &&
			    (rc = zone_load(s, z, e->apex, &e->snap)) != 0) {
				zsnap_ref(o->snap);
				e->snap = o->snap;
				e->gen = o->gen;
				t->n++;
				goto out;
			}
		} else {
			if ((rc = zone_load(s, z, e->apex, &e->snap)) != 0) {
				t->n++;
				goto out;
			}
		}
		t->n++;
	}
	if ((rc = table_index(t)) != 0)
		goto out;
	rc = 0;
out:
	free(l.v);
	if (rc != 0) {
		table_free(t);
		return rc;
	}
	t->zset = same_zone_set(cur, t) ? cur->zset : 0;
	publish(s, t);
	atomic_store(&s->loaded, true);
	return 0;
}

/* ------------------------------------------------------------ the loop */

static void tick(void *arg);

static void
watch_cb(int fd, int what, void *arg)
{
	struct sqlsrc *s = arg;

	(void)fd;
	(void)what;
	ev_timer_stop(s->tick);
	tick(s);
}

static void
watch_update(struct sqlsrc *s)
{
	int fd = s->st != NULL ? store_change_fd(s->st) : -1;

	if (fd == s->watch_fd)
		return;
	if (s->watch != NULL) {
		ev_watch_free(s->watch);
		s->watch = NULL;
	}
	s->watch_fd = -1;
	if (fd < 0)
		return;
	if ((s->watch = ev_watch_new(s->loop, fd, EVW_READ, watch_cb, s)) ==
	        NULL ||
	    ev_watch_start(s->watch) != 0) {
		ev_watch_free(s->watch);
		s->watch = NULL;
		return;
	}
	s->watch_fd = fd;
}

static void
went_down(struct sqlsrc *s, int rc)
{
	ADD(s->stats.store_errors, 1);
	if (atomic_load(&s->up)) {
		ADD(s->stats.outages, 1);
		log_err("plugin/" NAME
		        ": store unreachable (%s); answering from "
		        "the zones in memory",
		    err_str(rc));
	}
	atomic_store(&s->up, false);
	atomic_store(&s->steward, false);
	if (s->watch != NULL) {
		ev_watch_free(s->watch);
		s->watch = NULL;
		s->watch_fd = -1;
	}
	store_close(s->st);
	s->st = NULL;
	s->backoff_ms = s->backoff_ms == 0 ? BACKOFF_MIN_MS : s->backoff_ms * 2;
	if (s->backoff_ms > BACKOFF_MAX_MS)
		s->backoff_ms = BACKOFF_MAX_MS;
}

/* A SQLite store that is not there is an error, not a file to create. */
static bool
sqlite_missing(const char *dsn, char *err, size_t errlen)
{
	const char *path;

	if (strncmp(dsn, "sqlite:", 7) != 0)
		return false;
	path = dsn + 7;
	if (access(path, F_OK) == 0)
		return false;
	snprintf(err, errlen,
	    "no SQLite store at %s: create it with coredns-util db init "
	    "(--db %s)",
	    path, dsn);
	return true;
}

static bool
connect_store(struct sqlsrc *s)
{
	char err[512];

	if (sqlite_missing(s->dsn, err, sizeof(err)) ||
	    (s->st = store_open(s->dsn, err, sizeof(err))) == NULL) {
		if (!s->down_logged)
			log_err(
			    "plugin/" NAME ": cannot open the store: %s", err);
		s->down_logged = true;
		return false;
	}
	if (store_check(s->st, err, sizeof(err)) != 0) {
		if (!s->down_logged)
			log_err("plugin/" NAME ": %s", err);
		s->down_logged = true;
		store_close(s->st);
		s->st = NULL;
		return false;
	}
	if (!atomic_load(&s->up) && atomic_load(&s->loaded))
		log_info("plugin/" NAME ": store reachable again");
	s->down_logged = false;
	s->force_scan = true;
	s->lease_at_ms = 0;
	return true;
}

static void
tick(void *arg)
{
	struct sqlsrc *s = arg;
	bool changed = false, got;
	uint64_t now = mono_ms();
	int rc, nz = 0;

	if (s->st == NULL && !connect_store(s)) {
		if (atomic_load(&s->up))
			went_down(s, ERR_IO);
		s->backoff_ms =
		    s->backoff_ms == 0 ? BACKOFF_MIN_MS : s->backoff_ms * 2;
		if (s->backoff_ms > BACKOFF_MAX_MS)
			s->backoff_ms = BACKOFF_MAX_MS;
		ev_timer_start(s->tick, s->backoff_ms);
		return;
	}
	if (s->force_scan)
		changed = true;
	if (s->lease_at_ms == 0 || now - s->lease_at_ms >= LEASE_EVERY_MS) {
		rc = store_steward_lease(s->st, s->holder, LEASE_TTL, &got);
		if (rc == ERR_IO)
			goto down;
		if (rc == 0) {
			if (got != atomic_load(&s->steward))
				log_info("plugin/" NAME
				         ": %s the serial steward",
				    got ? "now" : "no longer");
			atomic_store(&s->steward, got);
			s->lease_at_ms = now;
		}
	}
	if (atomic_load(&s->steward)) {
		rc = store_steward_pass(s->st, &nz);
		ADD(s->stats.steward_passes, 1);
		if (rc == ERR_IO)
			goto down;
		if (rc != 0)
			ADD(s->stats.store_errors, 1);
		if (nz > 0) {
			ADD(s->stats.steward_steps, (uint64_t)nz);
			changed = true;
		}
	}
	rc = store_poll_changes(s->st, &got);
	if (rc == ERR_IO)
		goto down;
	if (rc == 0 && got)
		changed = true;
	watch_update(s);
	if (changed) {
		rc = sync_zones(s);
		if (rc == ERR_IO)
			goto down;
		s->force_scan = rc != 0;
		if (rc != 0)
			ADD(s->stats.store_errors, 1);
	}
	atomic_store(&s->up, true);
	s->backoff_ms = 0;
	ev_timer_start(s->tick, s->poll_ms);
	return;
down:
	went_down(s, rc);
	ev_timer_start(s->tick, s->backoff_ms);
}

static void *
loader_main(void *arg)
{
	struct sqlsrc *s = arg;
	bool got;

	evloop_run(s->loop);
	/* hand the steward's lease on at once rather than after it ends */
	if (s->st != NULL && atomic_load(&s->steward))
		store_steward_lease(s->st, s->holder, -LEASE_TTL, &got);
	return NULL;
}

/* ------------------------------------------------------------ registry */

static bool
same_key(const struct sqlsrc *s, const struct sqlsrc_opts *o)
{
	if (strcmp(s->dsn, o->dsn) != 0 || s->poll_ms != o->poll_ms ||
	    s->nzones != o->nzones)
		return false;
	for (size_t i = 0; i < o->nzones; i++)
		if (strcmp(s->zones[i], o->zones[i]) != 0)
			return false;
	return true;
}

static void
src_free(struct sqlsrc *s)
{
	struct retired *r;

	if (s == NULL)
		return;
	if (s->watch != NULL)
		ev_watch_free(s->watch);
	if (s->tick != NULL)
		ev_timer_free(s->tick);
	if (s->retire_timer != NULL)
		ev_timer_free(s->retire_timer);
	if (s->loop != NULL)
		evloop_free(s->loop);
	store_close(s->st);
	while ((r = s->retired) != NULL) {
		s->retired = r->next;
		table_free(r->t);
		free(r);
	}
	table_free(atomic_load(&s->table));
	for (size_t i = 0; i < s->nzones; i++)
		free(s->zones[i]);
	free(s->zones);
	free(s->rr);
	free(s->dsn);
	free(s);
}

struct sqlsrc *
sqlsrc_acquire(
    const struct sqlsrc_opts *o, bool check_only, char *err, size_t errlen)
{
	struct sqlsrc *s;
	struct store *st;
	char host[64] = "";

	for (s = sources; s != NULL; s = s->next)
		if (same_key(s, o)) {
			s->refs++;
			return s;
		}
	/* a new source: refuse a store that can never be served */
	if (sqlite_missing(o->dsn, err, errlen))
		return NULL;
	if ((st = store_open(o->dsn, err, errlen)) != NULL) {
		int rc = store_check(st, err, errlen);

		store_close(st);
		if (rc != 0)
			return NULL;
	} else {
		log_warn("plugin/" NAME ": %s; answering SERVFAIL until the "
		         "store can be read",
		    err);
	}
	err[0] = '\0';
	if (check_only) {
		/* -validate: a placeholder nobody starts */
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->dsn = strdup(o->dsn)) == NULL ||
	    (s->rr = malloc(sizeof(*s->rr))) == NULL ||
	    (o->nzones > 0 &&
	        (s->zones = calloc(o->nzones, sizeof(char *))) == NULL))
		goto nomem;
	for (size_t i = 0; i < o->nzones; i++) {
		if ((s->zones[i] = strdup(o->zones[i])) == NULL)
			goto nomem;
		s->nzones = i + 1;
	}
	s->nzones = o->nzones;
	s->poll_ms = o->poll_ms;
	s->refs = 1;
	s->watch_fd = -1;
	gethostname(host, sizeof(host) - 1);
	snprintf(s->holder, sizeof(s->holder), "coredns %s pid %ld %p", host,
	    (long)getpid(), (void *)s);
	s->next = sources;
	sources = s;
	return s;
nomem:
	snprintf(err, errlen, "out of memory");
	src_free(s);
	return NULL;
}

int
sqlsrc_start(struct sqlsrc *s)
{
	if (s->started)
		return 0;
	if ((s->loop = evloop_new()) == NULL ||
	    (s->tick = ev_timer_new(s->loop, tick, s)) == NULL ||
	    (s->retire_timer = ev_timer_new(s->loop, retire_check, s)) ==
	        NULL ||
	    ev_timer_start(s->tick, 0) != 0)
		return ERR_NOMEM;
	if (pthread_create(&s->th, NULL, loader_main, s) != 0)
		return ERR_IO;
	s->started = true;
	return 0;
}

void
sqlsrc_release(struct sqlsrc *s)
{
	struct sqlsrc **pp;

	if (s == NULL || --s->refs > 0)
		return;
	for (pp = &sources; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	if (s->started) {
		evloop_break(s->loop);
		pthread_join(s->th, NULL);
	}
	src_free(s);
}

bool
sqlsrc_ready(struct sqlsrc *s)
{
	const struct ztable *t;
	bool ok;

	if (!atomic_load(&s->loaded))
		return false;
	t = sqlsrc_enter(s, MAIN_SLOT);
	ok = t != NULL;
	for (size_t i = 0; ok && i < t->n; i++)
		if (t->z[i].snap == NULL)
			ok = false;
	sqlsrc_leave(s, MAIN_SLOT);
	return ok;
}

void
sqlsrc_render_all(struct strbuf *b)
{
	uint64_t zones = 0, records = 0, mem = 0, bad = 0, up = 1, stew = 0;
	uint64_t rebuilds = 0, applies = 0, changes = 0, outages = 0,
	         errors = 0, passes = 0, steps = 0, loaded = 1, load_ms = 0;
	struct sqlsrc *s;

	if (sources == NULL)
		return;
	for (s = sources; s != NULL; s = s->next) {
		const struct ztable *t;

		if (!s->started)
			continue;
		t = sqlsrc_enter(s, MAIN_SLOT);
		for (size_t i = 0; t != NULL && i < t->n; i++) {
			const struct zsnap *z = t->z[i].snap;

			zones++;
			if (z == NULL)
				continue;
			records += z->records;
			mem += z->mem;
			bad += z->bad_rows;
		}
		sqlsrc_leave(s, MAIN_SLOT);
		up &= atomic_load(&s->up) ? 1 : 0;
		loaded &= atomic_load(&s->loaded) ? 1 : 0;
		stew += atomic_load(&s->steward) ? 1 : 0;
		rebuilds += LOAD(s->stats.rebuilds);
		applies += LOAD(s->stats.applies);
		changes += LOAD(s->stats.applied_changes);
		outages += LOAD(s->stats.outages);
		errors += LOAD(s->stats.store_errors);
		passes += LOAD(s->stats.steward_passes);
		steps += LOAD(s->stats.steward_steps);
		load_ms += LOAD(s->stats.last_load_ms);
	}
	strbuf_printf(b,
	    "# HELP coredns_sql_zones Zones served from the SQL store.\n"
	    "# TYPE coredns_sql_zones gauge\ncoredns_sql_zones %" PRIu64 "\n"
	    "# HELP coredns_sql_records Records in the zone snapshots.\n"
	    "# TYPE coredns_sql_records gauge\ncoredns_sql_records %" PRIu64
	    "\n"
	    "# HELP coredns_sql_snapshot_bytes Memory held by the zone "
	    "snapshots.\n"
	    "# TYPE coredns_sql_snapshot_bytes gauge\n"
	    "coredns_sql_snapshot_bytes %" PRIu64 "\n"
	    "# HELP coredns_sql_bad_rows Rows skipped because their content "
	    "does not parse.\n"
	    "# TYPE coredns_sql_bad_rows gauge\ncoredns_sql_bad_rows %" PRIu64
	    "\n",
	    zones, records, mem, bad);
	strbuf_printf(b,
	    "# HELP coredns_sql_store_up Whether the store answers (1) or "
	    "not (0).\n"
	    "# TYPE coredns_sql_store_up gauge\ncoredns_sql_store_up %" PRIu64
	    "\n"
	    "# HELP coredns_sql_zone_list_loaded Whether the zone list was "
	    "read once.\n"
	    "# TYPE coredns_sql_zone_list_loaded gauge\n"
	    "coredns_sql_zone_list_loaded %" PRIu64 "\n"
	    "# HELP coredns_sql_store_outages_total Times the store became "
	    "unreachable.\n"
	    "# TYPE coredns_sql_store_outages_total counter\n"
	    "coredns_sql_store_outages_total %" PRIu64 "\n"
	    "# HELP coredns_sql_store_errors_total Failed store operations.\n"
	    "# TYPE coredns_sql_store_errors_total counter\n"
	    "coredns_sql_store_errors_total %" PRIu64 "\n",
	    up, loaded, outages, errors);
	strbuf_printf(b,
	    "# HELP coredns_sql_steward Whether this server is the serial "
	    "steward.\n"
	    "# TYPE coredns_sql_steward gauge\ncoredns_sql_steward %" PRIu64
	    "\n"
	    "# HELP coredns_sql_steward_passes_total Serial steward passes.\n"
	    "# TYPE coredns_sql_steward_passes_total counter\n"
	    "coredns_sql_steward_passes_total %" PRIu64 "\n"
	    "# HELP coredns_sql_serial_steps_total Zones given a new serial "
	    "by the steward.\n"
	    "# TYPE coredns_sql_serial_steps_total counter\n"
	    "coredns_sql_serial_steps_total %" PRIu64 "\n",
	    stew, passes, steps);
	strbuf_printf(b,
	    "# HELP coredns_sql_snapshot_rebuilds_total Zone snapshots built "
	    "by a full read.\n"
	    "# TYPE coredns_sql_snapshot_rebuilds_total counter\n"
	    "coredns_sql_snapshot_rebuilds_total %" PRIu64 "\n"
	    "# HELP coredns_sql_journal_applies_total Zone snapshots advanced "
	    "from the journal.\n"
	    "# TYPE coredns_sql_journal_applies_total counter\n"
	    "coredns_sql_journal_applies_total %" PRIu64 "\n"
	    "# HELP coredns_sql_journal_changes_total Journal entries applied "
	    "to snapshots.\n"
	    "# TYPE coredns_sql_journal_changes_total counter\n"
	    "coredns_sql_journal_changes_total %" PRIu64 "\n"
	    "# HELP coredns_sql_last_load_seconds Duration of the last full "
	    "zone read.\n"
	    "# TYPE coredns_sql_last_load_seconds gauge\n"
	    "coredns_sql_last_load_seconds %.3f\n",
	    rebuilds, applies, changes, (double)load_ms / 1000.0);
}
