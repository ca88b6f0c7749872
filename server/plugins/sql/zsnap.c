/* server/plugins/sql/zsnap.c - immutable zone snapshots (base + overlay) */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/wire.h"
#include "server/plugins/sql/zsnap.h"

struct zbase {
	_Atomic int refs;
	uint8_t *blob; /* nodes, 8-byte aligned */
	size_t bloblen;
	uint64_t *ht; /* hash << 32 | (offset / 8 + 1); 0 = empty */
	uint32_t htmask;
	size_t mem;
};

/* An overlay node owns its node (malloc'ed: header, name, data). */
struct zonode {
	struct znode *n;
	bool deleted;
};

struct zovl {
	struct zonode *v;
	size_t n, cap;
	uint32_t *ht; /* index + 1 */
	uint32_t htmask;
};

static _Atomic uint64_t next_version = 1;

uint32_t
zname_hash(const uint8_t *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= name[i];
		h *= 16777619u;
	}
	return h ^ (h >> 15);
}

static inline bool
node_is(const struct znode *n, uint32_t h, const uint8_t *name, size_t len)
{
	return n->hash == h && n->namelen == len &&
	       memcmp(n->name, name, len) == 0;
}

/* ------------------------------------------------------------ lookups */

static const struct znode *
base_find(const struct zbase *b, uint32_t h, const uint8_t *name, size_t len)
{
	uint32_t i = h & b->htmask;
	uint64_t v;

	while ((v = b->ht[i]) != 0) {
		if ((uint32_t)(v >> 32) == h) {
			const struct znode *n =
			    (const void *)(b->blob +
			                   ((size_t)(uint32_t)v - 1) * 8);

			if (n->namelen == len &&
			    memcmp(n->name, name, len) == 0)
				return n;
		}
		i = (i + 1) & b->htmask;
	}
	return NULL;
}

static struct zonode *
ovl_find(const struct zovl *o, uint32_t h, const uint8_t *name, size_t len)
{
	uint32_t i = h & o->htmask, v;

	while ((v = o->ht[i]) != 0) {
		struct zonode *n = &o->v[v - 1];

		if (node_is(n->n, h, name, len))
			return n;
		i = (i + 1) & o->htmask;
	}
	return NULL;
}

const struct znode *
zsnap_find(const struct zsnap *z, const uint8_t *name, size_t len)
{
	uint32_t h = zname_hash(name, len);

	if (z->ovl != NULL) {
		const struct zonode *o = ovl_find(z->ovl, h, name, len);

		if (o != NULL)
			return o->deleted ? NULL : o->n;
	}
	return base_find(z->base, h, name, len);
}

void
znode_rrset_at(const struct znode *n, unsigned i, struct zrrset *out)
{
	const uint8_t *p = znode_data(n);

	for (unsigned k = 0; k < i; k++)
		p += ZRRSET_HDR + wire_get32(p + 4);
	out->type = wire_get16(p);
	out->count = wire_get16(p + 2);
	out->len = wire_get32(p + 4);
	out->body = p + ZRRSET_HDR;
}

bool
znode_rrset(const struct znode *n, uint16_t type, struct zrrset *out)
{
	const uint8_t *p = znode_data(n);

	for (unsigned k = 0; k < n->nrrsets; k++) {
		uint16_t t = wire_get16(p);
		uint32_t len = wire_get32(p + 4);

		if (t == type) {
			out->type = t;
			out->count = wire_get16(p + 2);
			out->len = len;
			out->body = p + ZRRSET_HDR;
			return true;
		}
		if (t > type)
			break;
		p += ZRRSET_HDR + len;
	}
	return false;
}

/* ------------------------------------------------------------ builder */

struct brr {
	uint32_t next; /* index + 1 of the node's next RR; 0 ends */
	uint32_t off;  /* rdata in the rdata blob */
	uint16_t rdlen;
	uint16_t type;
	uint32_t ttl;
};

struct bnode {
	uint32_t name_off;
	uint32_t hash;
	uint32_t first; /* index + 1 into rrs */
	uint32_t nchildren;
	uint8_t namelen;
};

struct zsnap_builder {
	uint8_t apex[256];
	size_t apexlen;
	int apex_labels;
	struct bnode *nodes;
	size_t nnodes, capnodes;
	uint64_t *ht; /* hash << 32 | (index + 1): probes skip other names
	                 without touching their nodes */
	uint32_t htmask;
	uint8_t *names;
	size_t nameslen, capnames;
	struct brr *rrs;
	size_t nrrs, caprrs;
	uint8_t *rd;
	size_t rdlen, caprd;
	uint64_t bad_rows;
};

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if ((q = realloc(*p, n * elem)) == NULL)
		return ERR_NOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int
b_rehash(struct zsnap_builder *b, size_t size)
{
	uint64_t *ht = calloc(size, sizeof(*ht));

	if (ht == NULL)
		return ERR_NOMEM;
	for (size_t k = 0; k < b->nnodes; k++) {
		uint32_t h = b->nodes[k].hash, i = h & (uint32_t)(size - 1);

		while (ht[i] != 0)
			i = (i + 1) & (uint32_t)(size - 1);
		ht[i] = (uint64_t)h << 32 | (uint64_t)(k + 1);
	}
	free(b->ht);
	b->ht = ht;
	b->htmask = (uint32_t)(size - 1);
	return 0;
}

/* Finds or creates the node `name`; creates missing ancestors down
 * from the apex. *idx gets its index. */
static int
b_node(struct zsnap_builder *b, const uint8_t *name, size_t len, uint32_t *idx)
{
	uint32_t h = zname_hash(name, len), i;
	uint64_t v;
	struct bnode *n;
	int rc;

	for (i = h & b->htmask; (v = b->ht[i]) != 0; i = (i + 1) & b->htmask) {
		if ((uint32_t)(v >> 32) != h)
			continue;
		n = &b->nodes[(uint32_t)v - 1];
		if (n->namelen == len &&
		    memcmp(b->names + n->name_off, name, len) == 0) {
			*idx = (uint32_t)v - 1;
			return 0;
		}
	}
	/* new: its parent first (the apex has none here) */
	if (len > b->apexlen) {
		uint32_t pidx;

		if ((rc = b_node(
		         b, name + 1 + name[0], len - 1 - name[0], &pidx)) != 0)
			return rc;
		b->nodes[pidx].nchildren++;
	}
	if ((rc = grow((void **)&b->nodes, &b->capnodes, b->nnodes + 1,
	         sizeof(*b->nodes))) != 0 ||
	    (rc = grow(
	         (void **)&b->names, &b->capnames, b->nameslen + len, 1)) != 0)
		return rc;
	n = &b->nodes[b->nnodes];
	n->name_off = (uint32_t)b->nameslen;
	n->hash = h;
	n->first = 0;
	n->nchildren = 0;
	n->namelen = (uint8_t)len;
	memcpy(b->names + b->nameslen, name, len);
	b->nameslen += len;
	*idx = (uint32_t)b->nnodes++;
	if ((b->nnodes + 1) * 2 > (size_t)b->htmask + 1)
		return b_rehash(b, ((size_t)b->htmask + 1) * 2);
	/* the parent's insertion may have moved things: probe again */
	for (i = h & b->htmask; b->ht[i] != 0; i = (i + 1) & b->htmask)
		;
	b->ht[i] = (uint64_t)h << 32 | (uint64_t)(*idx + 1);
	return 0;
}

struct zsnap_builder *
zsnap_builder_new(const uint8_t *apex)
{
	struct zsnap_builder *b = calloc(1, sizeof(*b));
	uint32_t idx;

	if (b == NULL)
		return NULL;
	b->apexlen = dname_len(apex);
	memcpy(b->apex, apex, b->apexlen);
	dname_lower(b->apex);
	b->apex_labels = dname_labels(b->apex);
	if (b_rehash(b, 1024) != 0 ||
	    b_node(b, b->apex, b->apexlen, &idx) != 0) {
		zsnap_builder_free(b);
		return NULL;
	}
	return b;
}

void
zsnap_builder_free(struct zsnap_builder *b)
{
	if (b == NULL)
		return;
	free(b->nodes);
	free(b->ht);
	free(b->names);
	free(b->rrs);
	free(b->rd);
	free(b);
}

void
zsnap_builder_bad_row(struct zsnap_builder *b)
{
	b->bad_rows++;
}

/* True when `name` (lower) equals or lies below `apex` (lower). */
static bool
in_zone(const uint8_t *name, size_t len, const uint8_t *apex, size_t alen)
{
	size_t off = 0;

	if (len < alen)
		return false;
	while (len - off > alen)
		off += 1 + name[off];
	return len - off == alen && memcmp(name + off, apex, alen) == 0;
}

int
zsnap_builder_add(struct zsnap_builder *b, const uint8_t *owner, uint16_t type,
    uint32_t ttl, const uint8_t *rdata, uint16_t rdlen)
{
	uint8_t name[256];
	size_t len = dname_len(owner);
	uint32_t idx;
	struct brr *r;
	int rc;

	memcpy(name, owner, len);
	dname_lower(name);
	if (!in_zone(name, len, b->apex, b->apexlen))
		return ERR_INVAL;
	if ((rc = b_node(b, name, len, &idx)) != 0)
		return rc;
	if ((rc = grow((void **)&b->rrs, &b->caprrs, b->nrrs + 1,
	         sizeof(*b->rrs))) != 0 ||
	    (rc = grow((void **)&b->rd, &b->caprd, b->rdlen + rdlen + 1, 1)) !=
	        0)
		return rc;
	r = &b->rrs[b->nrrs];
	r->off = (uint32_t)b->rdlen;
	r->rdlen = rdlen;
	r->type = type;
	r->ttl = ttl;
	r->next = b->nodes[idx].first;
	memcpy(b->rd + b->rdlen, rdata, rdlen);
	b->rdlen += rdlen;
	b->nodes[idx].first = (uint32_t)++b->nrrs;
	return 0;
}

/* One RR while a node's data is (re)encoded. */
struct xrr {
	uint16_t type;
	uint16_t rdlen;
	uint32_t ttl;
	const uint8_t *rdata;
	uint32_t seq;
};

static int
xrr_cmp(const void *a, const void *b)
{
	const struct xrr *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts `v` by type (keeping order within a type), drops duplicates,
 * returns the new count. */
static size_t
xrr_normalize(struct xrr *v, size_t n)
{
	size_t o = 0;

	if (n > 1)
		qsort(v, n, sizeof(*v), xrr_cmp);
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		for (size_t k = o; k-- > 0 && v[k].type == v[i].type;)
			if (v[k].rdlen == v[i].rdlen &&
			    memcmp(v[k].rdata, v[i].rdata, v[i].rdlen) == 0) {
				dup = true;
				break;
			}
		if (!dup)
			v[o++] = v[i];
	}
	return o;
}

static size_t
xrr_size(const struct xrr *v, size_t n, unsigned *nsets)
{
	size_t sz = 0;

	*nsets = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i].type != v[i - 1].type) {
			sz += ZRRSET_HDR;
			(*nsets)++;
		}
		sz += 10u + v[i].rdlen;
	}
	return sz;
}

/* Writes the packed RRsets; returns the flags they imply. */
static uint8_t
xrr_encode(const struct xrr *v, size_t n, uint8_t *out, bool apex)
{
	uint8_t *set = NULL, flags = 0;

	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i].type != v[i - 1].type) {
			set = out;
			wire_put16(set, v[i].type);
			wire_put16(set + 2, 0);
			wire_put32(set + 4, 0);
			out += ZRRSET_HDR;
			if (v[i].type == TYPE_NS && !apex)
				flags |= ZN_CUT;
			else if (v[i].type == TYPE_DNAME)
				flags |= ZN_DNAME;
			else if (v[i].type == TYPE_CNAME)
				flags |= ZN_CNAME;
		}
		wire_put16(out, v[i].type);
		wire_put16(out + 2, CLASS_IN);
		wire_put32(out + 4, v[i].ttl);
		wire_put16(out + 8, v[i].rdlen);
		memcpy(out + 10, v[i].rdata, v[i].rdlen);
		out += 10u + v[i].rdlen;
		wire_put16(set + 2, (uint16_t)(wire_get16(set + 2) + 1));
		wire_put32(set + 4, (uint32_t)(out - set - ZRRSET_HDR));
	}
	return flags;
}

/* The node flags a sorted RR list implies. */
static uint8_t
xrr_flags(const struct xrr *v, size_t n, bool apex)
{
	uint8_t flags = apex ? ZN_APEX : 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].type == TYPE_NS && !apex)
			flags |= ZN_CUT;
		else if (v[i].type == TYPE_DNAME)
			flags |= ZN_DNAME;
		else if (v[i].type == TYPE_CNAME)
			flags |= ZN_CNAME;
	}
	return flags;
}

/* Skips an uncompressed name in rdata; NULL past the end. */
static const uint8_t *
skip_name(const uint8_t *p, const uint8_t *end)
{
	while (p < end && *p != 0)
		p += 1 + *p;
	return p < end ? p + 1 : NULL;
}

/* Serial, negative TTL and the negative-answer SOA body from the apex. */
static void
snap_soa(struct zsnap *z)
{
	struct zrrset s;
	const uint8_t *rd, *end, *p;
	uint16_t rdlen;
	uint32_t ttl, min;

	z->has_soa = false;
	if (z->apex_node == NULL || !znode_rrset(z->apex_node, TYPE_SOA, &s))
		return;
	ttl = wire_get32(s.body + 4);
	rdlen = wire_get16(s.body + 8);
	rd = s.body + 10;
	end = rd + rdlen;
	if ((p = skip_name(rd, end)) == NULL ||
	    (p = skip_name(p, end)) == NULL || end - p != 20 ||
	    (size_t)10 + rdlen > sizeof(z->neg_soa))
		return;
	z->serial = wire_get32(p);
	min = wire_get32(p + 16);
	z->neg_ttl = ttl < min ? ttl : min;
	memcpy(z->neg_soa, s.body, (size_t)10 + rdlen);
	wire_put32(z->neg_soa + 4, z->neg_ttl);
	z->neg_soa_len = (uint16_t)(10 + rdlen);
	z->has_soa = true;
}

static struct zsnap *
snap_new(const uint8_t *apex, size_t apexlen)
{
	struct zsnap *z = calloc(1, sizeof(*z));

	if (z == NULL)
		return NULL;
	atomic_init(&z->refs, 1);
	memcpy(z->apex, apex, apexlen);
	z->apexlen = (uint8_t)apexlen;
	z->apex_labels = dname_labels(apex);
	z->version = atomic_fetch_add(&next_version, 1);
	return z;
}

static void
base_free(struct zbase *b)
{
	if (b == NULL)
		return;
	free(b->blob);
	free(b->ht);
	free(b);
}

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

struct zsnap *
zsnap_builder_finish(struct zsnap_builder *b)
{
	struct zsnap *z = NULL;
	struct zbase *base = NULL;
	struct xrr *tmp = NULL;
	size_t captmp = 0, bound = 0, pos = 0, htsize = 16;
	uint32_t *offs = NULL;

	if ((z = snap_new(b->apex, b->apexlen)) == NULL ||
	    (base = calloc(1, sizeof(*base))) == NULL ||
	    (offs = malloc(b->nnodes * sizeof(*offs))) == NULL)
		goto fail;
	atomic_init(&base->refs, 1);
	/* an upper bound (a set header per RR); the tail is given back */
	for (size_t k = 0; k < b->nnodes; k++) {
		bound += ALIGN8(sizeof(struct znode) + b->nodes[k].namelen);
		for (uint32_t r = b->nodes[k].first; r != 0;
		     r = b->rrs[r - 1].next)
			bound += ZRRSET_HDR + 10u + b->rrs[r - 1].rdlen;
		bound += 8;
	}
	if ((base->blob = malloc(bound ? bound : 8)) == NULL)
		goto fail;
	for (size_t k = 0; k < b->nnodes; k++) {
		struct bnode *bn = &b->nodes[k];
		struct znode *n = (void *)(base->blob + pos);
		size_t cnt = 0;
		unsigned nsets;

		for (uint32_t r = bn->first; r != 0; r = b->rrs[r - 1].next) {
			const struct brr *br = &b->rrs[r - 1];

			if (grow((void **)&tmp, &captmp, cnt + 1,
			        sizeof(*tmp)) != 0)
				goto fail;
			tmp[cnt].type = br->type;
			tmp[cnt].rdlen = br->rdlen;
			tmp[cnt].ttl = br->ttl;
			tmp[cnt].rdata = b->rd + br->off;
			/* the list runs newest first: keep insertion order */
			tmp[cnt].seq = (uint32_t)(UINT32_MAX - r);
			cnt++;
		}
		cnt = xrr_normalize(tmp, cnt);
		n->hash = bn->hash;
		n->namelen = bn->namelen;
		n->nchildren = bn->nchildren;
		memcpy(n->name, b->names + bn->name_off, bn->namelen);
		n->flags = xrr_encode(tmp, cnt, n->name + bn->namelen, k == 0);
		n->nrrsets = 0;
		(void)xrr_size(tmp, cnt, &nsets);
		n->nrrsets = (uint16_t)nsets;
		if (k == 0)
			n->flags |= ZN_APEX;
		if (n->flags & (ZN_CUT | ZN_DNAME))
			z->ncuts++;
		z->records += cnt;
		offs[k] = (uint32_t)(pos / 8);
		pos += ALIGN8(sizeof(struct znode) + bn->namelen +
		              xrr_size(tmp, cnt, &nsets));
	}
	free(tmp);
	tmp = NULL;
	if (pos < bound) {
		uint8_t *p = realloc(base->blob, pos ? pos : 8);

		if (p != NULL)
			base->blob = p;
	}
	base->bloblen = pos;
	/* the builder's table becomes the lookup table: same hashes and
	 * slots, node indexes turned into blob offsets */
	for (size_t i = 0; i <= b->htmask; i++) {
		uint64_t v = b->ht[i];

		if (v != 0)
			b->ht[i] = (v & 0xffffffff00000000ull) |
			           (uint64_t)(offs[(uint32_t)v - 1] + 1);
	}
	htsize = (size_t)b->htmask + 1;
	base->ht = b->ht;
	base->htmask = b->htmask;
	b->ht = NULL;
	base->mem = sizeof(*base) + htsize * sizeof(*base->ht) + pos;
	z->base = base;
	z->nodes = b->nnodes;
	z->mem = base->mem;
	z->bad_rows = b->bad_rows;
	z->apex_node = (const void *)base->blob;
	snap_soa(z);
	free(offs);
	zsnap_builder_free(b);
	return z;
fail:
	free(offs);
	free(tmp);
	base_free(base);
	free(z);
	zsnap_builder_free(b);
	return NULL;
}

/* ------------------------------------------------------------ overlay */

static void
ovl_free(struct zovl *o)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].n);
	free(o->v);
	free(o->ht);
	free(o);
}

static int
ovl_rehash(struct zovl *o, size_t size)
{
	uint32_t *ht = calloc(size, sizeof(*ht));

	if (ht == NULL)
		return ERR_NOMEM;
	for (size_t k = 0; k < o->n; k++) {
		uint32_t i = o->v[k].n->hash & (uint32_t)(size - 1);

		while (ht[i] != 0)
			i = (i + 1) & (uint32_t)(size - 1);
		ht[i] = (uint32_t)k + 1;
	}
	free(o->ht);
	o->ht = ht;
	o->htmask = (uint32_t)(size - 1);
	return 0;
}

static size_t
node_datalen(const struct znode *n)
{
	const uint8_t *d = znode_data(n), *p = d;

	for (unsigned k = 0; k < n->nrrsets; k++)
		p += ZRRSET_HDR + wire_get32(p + 4);
	return (size_t)(p - d);
}

/* Gives an overlay node a fresh copy of `name` and `data`, keeping
 * nchildren/flags/nrrsets from `like` (may be NULL: zero). */
static int
onode_set(struct zonode *o, const uint8_t *name, size_t len,
    const uint8_t *data, size_t dlen, const struct znode *like)
{
	struct znode *n = malloc(sizeof(*n) + len + dlen);

	if (n == NULL)
		return ERR_NOMEM;
	n->hash = zname_hash(name, len);
	n->namelen = (uint8_t)len;
	n->nchildren = like != NULL ? like->nchildren : 0;
	n->nrrsets = like != NULL ? like->nrrsets : 0;
	n->flags = like != NULL ? like->flags : 0;
	memcpy(n->name, name, len);
	if (dlen > 0)
		memcpy(n->name + len, data, dlen);
	free(o->n);
	o->n = n;
	return 0;
}

static struct zovl *
ovl_clone(const struct zovl *src)
{
	struct zovl *o = calloc(1, sizeof(*o));
	size_t size;

	if (o == NULL)
		return NULL;
	if (src != NULL && src->n > 0) {
		o->cap = src->n;
		if ((o->v = calloc(o->cap, sizeof(*o->v))) == NULL)
			goto fail;
		for (size_t i = 0; i < src->n; i++) {
			const struct zonode *s = &src->v[i];

			o->v[i].deleted = s->deleted;
			if (onode_set(&o->v[i], s->n->name, s->n->namelen,
			        znode_data(s->n), node_datalen(s->n),
			        s->n) != 0)
				goto fail;
			o->n = i + 1;
		}
	}
	/* Size the table for what is there before filling it: a table
	 * filled first and grown after would have no free slot to end
	 * a probe on. */
	size = 64;
	while ((o->n + 1) * 2 > size)
		size *= 2;
	if (ovl_rehash(o, size) != 0)
		goto fail;
	return o;
fail:
	ovl_free(o);
	return NULL;
}

/* The overlay node of `name`, created from the base (or as absent)
 * when it is not in the overlay yet. */
static struct zonode *
ovl_get(struct zsnap *z, const uint8_t *name, size_t len)
{
	struct zovl *o = z->ovl;
	uint32_t h = zname_hash(name, len), i;
	struct zonode *n = ovl_find(o, h, name, len);
	const struct znode *b;

	if (n != NULL)
		return n;
	if (grow((void **)&o->v, &o->cap, o->n + 1, sizeof(*o->v)) != 0)
		return NULL;
	n = &o->v[o->n];
	memset(n, 0, sizeof(*n));
	b = base_find(z->base, h, name, len);
	if (b != NULL) {
		if (onode_set(
		        n, name, len, znode_data(b), node_datalen(b), b) != 0)
			return NULL;
	} else {
		n->deleted = true;
		if (onode_set(n, name, len, NULL, 0, NULL) != 0)
			return NULL;
	}
	o->n++;
	if ((o->n + 1) * 2 > (size_t)o->htmask + 1) {
		if (ovl_rehash(o, ((size_t)o->htmask + 1) * 2) != 0)
			return NULL;
	} else {
		for (i = h & o->htmask; o->ht[i] != 0; i = (i + 1) & o->htmask)
			;
		o->ht[i] = (uint32_t)o->n;
	}
	return n;
}

static bool
node_exists(const struct zonode *n)
{
	return !n->deleted;
}

/* Adjusts ancestors after `name` started (+1) or stopped (-1) to
 * exist. */
static int
fix_parent(struct zsnap *z, const uint8_t *name, size_t len, int delta)
{
	const uint8_t *pname;
	size_t plen;
	struct zonode *p;

	if (len <= z->apexlen)
		return 0;
	pname = name + 1 + name[0];
	plen = len - 1 - name[0];
	if ((p = ovl_get(z, pname, plen)) == NULL)
		return ERR_NOMEM;
	if (delta > 0) {
		if (!node_exists(p)) {
			/* a new empty non-terminal */
			p->deleted = false;
			p->n->nrrsets = 0;
			p->n->flags = 0;
			p->n->nchildren = 0;
			z->nodes++;
			p->n->nchildren = 1;
			return fix_parent(z, pname, plen, +1);
		}
		p->n->nchildren++;
		return 0;
	}
	if (p->n->nchildren > 0)
		p->n->nchildren--;
	if (p->n->nchildren == 0 && p->n->nrrsets == 0 && plen > z->apexlen) {
		p->deleted = true;
		z->nodes--;
		return fix_parent(z, pname, plen, -1);
	}
	return 0;
}

/* Applies one change to the overlay of `z`. */
static int
apply_one(struct zsnap *z, const struct zchange *c)
{
	uint8_t name[256];
	size_t len = dname_len(c->owner), n = 0, cap, dlen;
	struct zonode *o;
	struct xrr *v = NULL;
	uint8_t *data = NULL;
	bool existed, found = false;
	unsigned nsets;
	uint8_t oldflags;
	int rc = ERR_NOMEM;

	memcpy(name, c->owner, len);
	dname_lower(name);
	if (!in_zone(name, len, z->apex, z->apexlen))
		return ERR_INVAL;
	if ((o = ovl_get(z, name, len)) == NULL)
		return ERR_NOMEM;
	existed = node_exists(o);
	cap = (existed ? (size_t)o->n->nrrsets * 4 : 0) + 1;
	if ((v = calloc(cap, sizeof(*v))) == NULL)
		goto out;
	/* decode the node's RRs */
	if (existed) {
		for (unsigned i = 0; i < o->n->nrrsets; i++) {
			struct zrrset s;
			const uint8_t *p;

			znode_rrset_at(o->n, i, &s);
			p = s.body;
			for (unsigned k = 0; k < s.count; k++) {
				if (grow((void **)&v, &cap, n + 1,
				        sizeof(*v)) != 0)
					goto out;
				v[n].type = s.type;
				v[n].ttl = wire_get32(p + 4);
				v[n].rdlen = wire_get16(p + 8);
				v[n].rdata = p + 10;
				v[n].seq = (uint32_t)n;
				p += 10u + v[n].rdlen;
				n++;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].type == c->type && v[i].rdlen == c->rdlen &&
		    memcmp(v[i].rdata, c->rdata, c->rdlen) == 0) {
			found = true;
			if (!c->add) {
				memmove(
				    &v[i], &v[i + 1], (n - i - 1) * sizeof(*v));
				n--;
				z->records--;
			}
			break;
		}
	if (c->add && !found) {
		if (grow((void **)&v, &cap, n + 1, sizeof(*v)) != 0)
			goto out;
		v[n].type = c->type;
		v[n].ttl = c->ttl;
		v[n].rdlen = c->rdlen;
		v[n].rdata = c->rdata;
		v[n].seq = (uint32_t)n;
		n++;
		z->records++;
	}
	if (found == !c->add) {
		n = xrr_normalize(v, n);
		dlen = xrr_size(v, n, &nsets);
		if ((data = malloc(dlen ? dlen : 1)) == NULL)
			goto out;
		oldflags = existed ? o->n->flags : 0;
		(void)xrr_encode(v, n, data, len == z->apexlen);
		{
			uint8_t fl = xrr_flags(v, n, len == z->apexlen);
			uint32_t nch = existed ? o->n->nchildren : 0;

			if ((rc = onode_set(o, name, len, data, dlen, NULL)) !=
			    0)
				goto out;
			o->n->nrrsets = (uint16_t)nsets;
			o->n->flags = fl;
			o->n->nchildren = nch;
		}
		if ((oldflags & (ZN_CUT | ZN_DNAME)) &&
		    !(o->n->flags & (ZN_CUT | ZN_DNAME)))
			z->ncuts--;
		else if (!(oldflags & (ZN_CUT | ZN_DNAME)) &&
		         (o->n->flags & (ZN_CUT | ZN_DNAME)))
			z->ncuts++;
		if (!existed && nsets > 0) {
			o->deleted = false;
			o->n->nchildren = 0;
			z->nodes++;
			if ((rc = fix_parent(z, name, len, +1)) != 0)
				goto out;
		} else if (existed && nsets == 0 && o->n->nchildren == 0 &&
		           len > z->apexlen) {
			o->deleted = true;
			z->nodes--;
			if ((rc = fix_parent(z, name, len, -1)) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(v);
	free(data);
	return rc;
}

struct zsnap *
zsnap_apply(const struct zsnap *old, const struct zchange *ch, size_t n)
{
	struct zsnap *z = snap_new(old->apex, old->apexlen);
	uint64_t version;

	if (z == NULL)
		return NULL;
	version = z->version;
	*z = *old;
	atomic_init(&z->refs, 1);
	z->version = version;
	z->base = old->base;
	atomic_fetch_add(&z->base->refs, 1);
	if ((z->ovl = ovl_clone(old->ovl)) == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (apply_one(z, &ch[i]) != 0)
			goto fail;
	z->apex_node = zsnap_find(z, z->apex, z->apexlen);
	snap_soa(z);
	z->mem = z->base->mem;
	for (size_t i = 0; i < z->ovl->n; i++)
		z->mem += sizeof(struct zonode) + sizeof(struct znode) +
		          z->ovl->v[i].n->namelen +
		          node_datalen(z->ovl->v[i].n);
	return z;
fail:
	zsnap_unref(z);
	return NULL;
}

size_t
zsnap_overlay_nodes(const struct zsnap *z)
{
	return z->ovl != NULL ? z->ovl->n : 0;
}

void
zsnap_ref(struct zsnap *z)
{
	atomic_fetch_add(&z->refs, 1);
}

void
zsnap_unref(struct zsnap *z)
{
	if (z == NULL || atomic_fetch_sub(&z->refs, 1) != 1)
		return;
	if (z->base != NULL && atomic_fetch_sub(&z->base->refs, 1) == 1)
		base_free(z->base);
	ovl_free(z->ovl);
	free(z);
}
