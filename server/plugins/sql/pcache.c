/* server/plugins/sql/pcache.c - the packet cache */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/wire.h"
#include "server/plugins/sql/pcache.h"
#include "server/request.h"

#define PC_SLOT 512
#define PC_DATA (PC_SLOT - 32)
#define LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)
#define BUMP(x) atomic_store_explicit(&(x), LOAD(x) + 1, memory_order_relaxed)

struct pc_slot {
	uint64_t hash;
	uint64_t version; /* the zone's or the table's (dep); 0: empty */
	uint64_t zset;    /* PC_ZONE_SET: the zone set's version */
	uint16_t len;
	uint16_t qtype;
	uint8_t kflags;
	uint8_t qlen;
	uint8_t dep; /* enum pc_dep */
	uint8_t pad;
	uint8_t data[PC_DATA]; /* header, question (lower case), sections */
};

struct pc_worker {
	struct pc_slot *slots;
	/* a 32-bit tag per slot, beside the slots: a miss is decided in
	 * this small array without touching a slot's cache line */
	uint32_t *tags;
	/* admission: an answer is stored the second time its slot pair
	 * sees it (a 16-bit note per pair), so a stream of names seen once
	 * (random subdomains, a working set far larger than the cache)
	 * does not churn the slots */
	uint16_t *seen;
	size_t mask; /* slots - 1 (a power of two, at least 2) */
	struct pcache_stats st;
	_Atomic uint64_t used;
	char pad[64];
};

struct pcache {
	int nworkers;
	size_t capacity;
	struct pc_worker *w;
};

struct pcache *
pcache_new(size_t capacity, int nworkers)
{
	struct pcache *pc = calloc(1, sizeof(*pc));
	size_t per = 2;

	if (pc == NULL)
		return NULL;
	if (nworkers < 1)
		nworkers = 1;
	pc->nworkers = nworkers;
	if ((pc->w = calloc((size_t)nworkers, sizeof(*pc->w))) == NULL)
		goto fail;
	if (capacity == 0)
		return pc;
	while (per * (size_t)nworkers < capacity)
		per *= 2;
	pc->capacity = per * (size_t)nworkers;
	for (int i = 0; i < nworkers; i++) {
		/* calloc of a large block maps fresh zero pages: memory is
		 * only used as slots fill */
		if ((pc->w[i].slots = calloc(per, sizeof(struct pc_slot))) ==
		        NULL ||
		    (pc->w[i].tags = calloc(per, sizeof(uint32_t))) == NULL ||
		    (pc->w[i].seen = calloc(per / 2, sizeof(uint16_t))) == NULL)
			goto fail;
		pc->w[i].mask = per - 1;
	}
	return pc;
fail:
	pcache_free(pc);
	return NULL;
}

void
pcache_free(struct pcache *pc)
{
	if (pc == NULL)
		return;
	if (pc->w != NULL)
		for (int i = 0; i < pc->nworkers; i++)
			free(pc->w[i].slots), free(pc->w[i].tags),
			    free(pc->w[i].seen);
	free(pc->w);
	free(pc);
}

/* DO, CD, EDNS present and the client's buffer class. */
static uint8_t
key_flags(const struct request *req)
{
	uint8_t f = 0;

	if (request_edns(req)) {
		uint16_t sz = request_edns_size(req);

		f |= 0x01;
		f |= sz < 1232 ? 0x00 : sz < 4096 ? 0x10 : 0x20;
	}
	if (request_do(req))
		f |= 0x02;
	if (request_flags(req) & FLAG_CD)
		f |= 0x04;
	if (request_qclass(req) == CLASS_ANY)
		f |= 0x08; /* the question echoes the class */
	return f;
}

static uint64_t
key_hash(const uint8_t *name, size_t len, uint16_t qtype, uint8_t kf)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++) {
		h ^= name[i];
		h *= 1099511628211ull;
	}
	h ^= (uint64_t)qtype << 8 | kf;
	h *= 1099511628211ull;
	return h ^ (h >> 29);
}

static inline uint32_t
tag_of(uint64_t h)
{
	return (uint32_t)(h >> 32) | 1; /* never 0, the empty tag */
}

static struct pc_worker *
worker_of(struct pcache *pc, const struct request *req)
{
	int i = request_worker(req);

	if (pc->capacity == 0 || i < 0 || i >= pc->nworkers)
		return NULL;
	return &pc->w[i];
}

/* The slot is still valid for `v`. */
static bool
slot_current(const struct pc_slot *s, const struct pc_versions *v)
{
	switch (s->dep) {
	case PC_ZONE:
		return s->version == v->zone;
	case PC_ZONE_SET:
		return s->version == v->zone && s->zset == v->zset;
	default:
		return s->version == v->table;
	}
}

bool
pcache_lookup(
    struct pcache *pc, struct request *req, const struct pc_versions *v)
{
	struct pc_worker *w = worker_of(pc, req);
	const uint8_t *name = request_qname(req);
	size_t len, i;
	uint16_t qtype = request_qtype(req);
	uint8_t kf;
	uint64_t h;

	if (w == NULL)
		return false;
	len = dname_len(name);
	kf = key_flags(req);
	h = key_hash(name, len, qtype, kf);
	i = (size_t)h & w->mask & ~(size_t)1;
	for (int k = 0; k < 2; k++) {
		const struct pc_slot *s = &w->slots[i + (size_t)k];

		if (w->tags[i + (size_t)k] != tag_of(h))
			continue;
		if (s->hash == h && slot_current(s, v) && s->qtype == qtype &&
		    s->kflags == kf && s->qlen == len &&
		    memcmp(s->data + DNS_HDR_LEN, name, len) == 0 &&
		    reply_set_cached(req, s->data, s->len) == 0) {
			BUMP(w->st.hits);
			return true;
		}
	}
	BUMP(w->st.misses);
	return false;
}

void
pcache_store(struct pcache *pc, struct request *req,
    const struct pc_versions *v, enum pc_dep dep)
{
	uint64_t version = dep == PC_TABLE ? v->table : v->zone;
	struct pc_worker *w = worker_of(pc, req);
	const uint8_t *name = request_qname(req), *pkt;
	size_t len, plen, i;
	uint16_t qtype = request_qtype(req);
	uint8_t kf;
	uint64_t h;
	struct pc_slot *s;

	if (w == NULL)
		return;
	pkt = reply_packet(req, &plen);
	len = dname_len(name);
	if (plen > PC_DATA || plen < DNS_HDR_LEN + len + 4) {
		BUMP(w->st.uncacheable);
		return;
	}
	kf = key_flags(req);
	h = key_hash(name, len, qtype, kf);
	i = (size_t)h & w->mask & ~(size_t)1;
	if (w->seen[i / 2] != (uint16_t)((h >> 16) | 1)) {
		w->seen[i / 2] = (uint16_t)((h >> 16) | 1);
		BUMP(w->st.deferred);
		return;
	}
	/* an empty or outdated slot of the pair, else the one the hash
	 * picks */
	if (w->tags[i] == 0 || !slot_current(&w->slots[i], v))
		s = &w->slots[i];
	else if (w->tags[i + 1] == 0 || !slot_current(&w->slots[i + 1], v))
		s = &w->slots[i + 1];
	else
		s = &w->slots[i + ((h >> 40) & 1)];
	if (s->version == 0)
		atomic_store_explicit(
		    &w->used, LOAD(w->used) + 1, memory_order_relaxed);
	else
		BUMP(w->st.evictions);
	w->tags[s - w->slots] = tag_of(h);
	s->hash = h;
	s->version = version;
	s->len = (uint16_t)plen;
	s->qtype = qtype;
	s->kflags = kf;
	s->qlen = (uint8_t)len;
	s->zset = v->zset;
	s->dep = (uint8_t)dep;
	memcpy(s->data, pkt, plen);
	/* the question in lower case, so any client case matches */
	memcpy(s->data + DNS_HDR_LEN, name, len);
	BUMP(w->st.inserts);
}

void
pcache_totals(const struct pcache *pc, struct pcache_stats *out,
    uint64_t *entries, uint64_t *capacity)
{
	uint64_t hits = 0, misses = 0, ins = 0, ev = 0, unc = 0, used = 0,
	         def = 0;

	for (int i = 0; i < pc->nworkers; i++) {
		const struct pc_worker *w = &pc->w[i];

		hits += LOAD(w->st.hits);
		misses += LOAD(w->st.misses);
		ins += LOAD(w->st.inserts);
		ev += LOAD(w->st.evictions);
		unc += LOAD(w->st.uncacheable);
		def += LOAD(w->st.deferred);
		used += LOAD(w->used);
	}
	atomic_init(&out->hits, hits);
	atomic_init(&out->misses, misses);
	atomic_init(&out->inserts, ins);
	atomic_init(&out->evictions, ev);
	atomic_init(&out->uncacheable, unc);
	atomic_init(&out->deferred, def);
	*entries = used;
	*capacity = pc->capacity;
}
