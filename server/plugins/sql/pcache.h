/* server/plugins/sql/pcache.h - the packet cache: ready wire answers per
 * worker, keyed by question and EDNS flags, invalidated by snapshot
 * version */
#ifndef SQL_PCACHE_H
#define SQL_PCACHE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct request;

/* Per-worker counters, read at scrape time (relaxed). */
struct pcache_stats {
	_Atomic uint64_t hits, misses, inserts, evictions, uncacheable;
	_Atomic uint64_t deferred; /* misses not stored: first sight */
};

struct pcache;

/* A cache of about `capacity` answers split over `nworkers` workers;
 * capacity 0 disables it. Memory is reserved, touched as it fills.
 * NULL on ENOMEM. */
struct pcache *pcache_new(size_t capacity, int nworkers);
void pcache_free(struct pcache *pc);

/* What a cached answer depends on: the zone's snapshot alone; the
 * snapshot and the set of served zones (a name looked up again inside
 * the zone, as a CNAME target or an additional-section target, would
 * land in a zone created below it later); or the whole zone table (a
 * name looked up in another zone, or in none). */
enum pc_dep { PC_ZONE, PC_ZONE_SET, PC_TABLE };

struct pc_versions {
	uint64_t zone;  /* the zone snapshot's version */
	uint64_t zset;  /* the set of served zones' version */
	uint64_t table; /* the zone table's version (any change) */
};

/* Looks the request's question up: an entry is valid while the
 * versions it depends on are those of `v`. On a hit the reply is
 * written (reply_set_cached) and true returned. Runs on the request's
 * worker; no locks, no allocation. */
bool pcache_lookup(
    struct pcache *pc, struct request *req, const struct pc_versions *v);
/* Stores the request's reply as built so far (before OPT), valid while
 * the versions `dep` names stay those of `v`. */
void pcache_store(struct pcache *pc, struct request *req,
    const struct pc_versions *v, enum pc_dep dep);

/* Sums of the per-worker counters; `entries` = slots in use. */
void pcache_totals(const struct pcache *pc, struct pcache_stats *out,
    uint64_t *entries, uint64_t *capacity);

#endif
