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

/* Looks the request's question up: an entry is valid for the zone
 * snapshot version `zver`, or, if it was stored as depending on other
 * zones, for the zone table version `tver`. On a hit the reply is written
 * (reply_set_cached) and true returned. Runs on the request's worker; no
 * locks, no allocation. */
bool pcache_lookup(
    struct pcache *pc, struct request *req, uint64_t zver, uint64_t tver);
/* Stores the request's reply as built so far (before OPT) for
 * `version`: the zone snapshot's, or with `multi` the zone table's. */
void pcache_store(
    struct pcache *pc, struct request *req, uint64_t version, bool multi);

/* Sums of the per-worker counters; `entries` = slots in use. */
void pcache_totals(const struct pcache *pc, struct pcache_stats *out,
    uint64_t *entries, uint64_t *capacity);

#endif
