/* server/plugins/sql/zsnap.h - immutable in-memory zone snapshots: names
 * with their RRsets in wire form, built from the store and advanced by
 * journal entries without rebuilding */
#ifndef SQL_ZSNAP_H
#define SQL_ZSNAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A snapshot is a base (a hash table over one array of nodes, built once
 * from a zone read) plus a small overlay of nodes changed since (journal
 * applies). Both are immutable once published, so any number of threads
 * read one without locks; a new snapshot shares the base of the old one
 * (reference counted) and copies only the overlay.
 *
 * A node is a name that exists in the zone: one with RRsets or an empty
 * non-terminal (an ancestor, below the apex, of a name with RRsets).
 * Names are lower-case uncompressed wire form.
 *
 * RRset data (znode_data(), `nrrsets` sets, types ascending) is packed:
 *   type:2 count:2 len:4, then `count` RR bodies of `len` bytes in all,
 *   each body: type:2 class:2 ttl:4 rdlen:2 rdata
 * so an RR is written as an owner (often a 2-byte pointer) followed by a
 * memcpy of its body.
 */

#define ZN_APEX 0x01
#define ZN_CUT 0x02   /* NS below the apex: a delegation point */
#define ZN_DNAME 0x04 /* has a DNAME */
#define ZN_CNAME 0x08 /* has a CNAME */

/* A node: this header, the name, then the packed RRsets, in one piece of
 * memory (one cache miss reaches all of it). */
struct znode {
	uint32_t hash;
	uint32_t nchildren; /* existing names one label below */
	uint16_t nrrsets;
	uint8_t flags;
	uint8_t namelen;
	uint8_t name[]; /* wire, lower case; the RRsets follow */
};

static inline const uint8_t *
znode_data(const struct znode *n)
{
	return n->name + n->namelen;
}

#define ZRRSET_HDR 8
/* An RRset found in a node's data. */
struct zrrset {
	uint16_t type;
	uint16_t count;
	uint32_t len;        /* bytes of bodies */
	const uint8_t *body; /* first RR body */
};

struct zbase;
struct zovl;

struct zsnap {
	_Atomic int refs;
	struct zbase *base;
	struct zovl *ovl; /* NULL: no changes since the base */
	uint8_t apex[256];
	uint8_t apexlen;
	int apex_labels;
	bool has_soa;
	uint32_t serial;
	uint32_t neg_ttl;  /* min(SOA TTL, SOA minimum) */
	uint32_t ncuts;    /* delegations and DNAMEs (walk needed) */
	uint64_t records;  /* RRs */
	uint64_t nodes;    /* names incl. empty non-terminals */
	uint64_t version;  /* process-unique, for the packet cache */
	size_t mem;        /* bytes held (base shared) */
	uint64_t bad_rows; /* skipped at build */
	const struct znode *apex_node;
	/* the SOA as an answer/authority RR body with the negative TTL */
	uint8_t neg_soa[10 + 2 * 255 + 20];
	uint16_t neg_soa_len;
};

/* Builds a snapshot from records added one by one. */
struct zsnap_builder;

/* A builder for the zone `apex` (wire, any case). NULL on ENOMEM. */
struct zsnap_builder *zsnap_builder_new(const uint8_t *apex);
/* Adds one RR. `owner` (wire, any case) must be at or below the apex
 * (ERR_INVAL otherwise). Identical RRs are kept once. ERR_NOMEM. */
int zsnap_builder_add(struct zsnap_builder *b, const uint8_t *owner,
    uint16_t type, uint32_t ttl, const uint8_t *rdata, uint16_t rdlen);
/* Counts a row that was skipped (for the snapshot's bad_rows). */
void zsnap_builder_bad_row(struct zsnap_builder *b);
/* Finishes: the builder is freed whatever happens. NULL on ENOMEM. The
 * snapshot has refs = 1. */
struct zsnap *zsnap_builder_finish(struct zsnap_builder *b);
void zsnap_builder_free(struct zsnap_builder *b);

/* One change from the journal. */
struct zchange {
	bool add;
	const uint8_t *owner; /* wire, any case */
	uint16_t type;
	uint32_t ttl;
	const uint8_t *rdata;
	uint16_t rdlen;
};

/* A new snapshot: `old` with the changes applied in order (adding an RR
 * present, or deleting one absent, is a no-op). Shares old's base.
 * NULL on ENOMEM or for an owner outside the zone (then rebuild). */
struct zsnap *zsnap_apply(
    const struct zsnap *old, const struct zchange *ch, size_t n);
/* Nodes in the overlay (journal-applied names); rebuild when large. */
size_t zsnap_overlay_nodes(const struct zsnap *z);

void zsnap_ref(struct zsnap *z);
/* Drops a reference; the last frees. NULL-safe. */
void zsnap_unref(struct zsnap *z);

/* The node of `name` (lower-case wire, length `len`), or NULL when the
 * name does not exist in the zone. */
const struct znode *zsnap_find(
    const struct zsnap *z, const uint8_t *name, size_t len);
/* The RRset of `type` at a node, false when there is none. */
bool znode_rrset(const struct znode *n, uint16_t type, struct zrrset *out);
/* The i-th RRset of a node (i < nrrsets). */
void znode_rrset_at(const struct znode *n, unsigned i, struct zrrset *out);

/* Hash of a lower-case wire name (FNV-1a style, 32 bits). */
uint32_t zname_hash(const uint8_t *name, size_t len);

#endif
