/* server/plugins/sql/answer.c - authoritative answers from zone snapshots */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/wire.h"
#include "server/plugins/sql/answer.h"
#include "server/request.h"

#define MAX_CHAIN 16

/* Label start offsets of a wire name; returns the label count. */
static int
label_offsets(const uint8_t *name, uint8_t *offs)
{
	int n = 0;
	size_t o = 0;

	while (name[o] != 0) {
		offs[n++] = (uint8_t)o;
		o += (size_t)name[o] + 1;
	}
	offs[n] = (uint8_t)o; /* the root label */
	return n;
}

/* The room an additional record may use on this transport. */
static size_t
reply_limit(const struct request *req)
{
	size_t lim = reply_room(req);

	/* optional data in UDP answers: no more than 1232 octets, the
	 * size that passes without fragments (DNS flag day 2020) */
	if (request_proto(req) == PROTO_UDP && lim > EDNS_DEFAULT_SIZE - 11)
		lim = EDNS_DEFAULT_SIZE - 11;
	return lim;
}

/* Adds the RRset `s` with its owner at packet offset `off` (a pointer)
 * or, when off is 0 or too far, written as `owner`. */
static int
add_set(struct request *req, enum section sec, const struct zrrset *s,
    const uint8_t *owner, size_t off)
{
	if (off != 0 && off <= 0x3fff)
		return reply_add_bodies(
		    req, sec, NULL, (uint16_t)off, s->body, s->len, s->count);
	return reply_add_bodies(req, sec, owner, 0, s->body, s->len, s->count);
}

/* The negative-answer SOA of `z` in authority; `cur` is in `z` and
 * written uncompressed at `cur_off` (0 if not). */
static int
add_neg_soa(struct request *req, const struct zsnap *z, const uint8_t *cur,
    size_t curlen, size_t cur_off)
{
	size_t off = 0;

	(void)cur;
	if (!z->has_soa)
		return 0;
	if (cur_off != 0)
		off = cur_off + curlen - z->apexlen;
	if (off != 0 && off <= 0x3fff)
		return reply_add_bodies(req, SEC_AUTHORITY, NULL, (uint16_t)off,
		    z->neg_soa, z->neg_soa_len, 1);
	return reply_add_bodies(
	    req, SEC_AUTHORITY, z->apex, 0, z->neg_soa, z->neg_soa_len, 1);
}

/* A and AAAA of `target` (lower-case copy made here) from the served
 * zones, owner pointing at `toff` in the packet, while they fit. */
static void
add_addresses(struct request *req, const uint8_t *target, size_t toff,
    zone_lookup_fn lookup, void *arg, size_t limit, const struct zsnap *z,
    unsigned *info)
{
	static const uint16_t types[2] = { TYPE_A, TYPE_AAAA };
	uint8_t name[256];
	size_t len = dname_len(target);
	const struct zsnap *tz;
	const struct znode *n;

	memcpy(name, target, len);
	dname_lower(name);
	tz = lookup(arg, name, len);
	/* the answer now depends on another zone, or on the zone list */
	*info |= tz != z ? ANS_MULTIZONE : ANS_SUBZONES;
	if (tz == NULL || (n = zsnap_find(tz, name, len)) == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		struct zrrset s;

		if (!znode_rrset(n, types[i], &s))
			continue;
		if (reply_offset(req) + s.len + 2u * s.count > limit)
			return;
		add_set(req, SEC_ADDITIONAL, &s, target, toff);
	}
}

/* Additional-section processing for NS, MX and SRV RRs just written at
 * `start` with pointer owners (2 bytes each). */
static void
additional(struct request *req, const struct zrrset *s, size_t start,
    zone_lookup_fn lookup, void *arg, const struct zsnap *z, unsigned *info)
{
	const uint8_t *p = s->body, *pkt;
	size_t pos = start, skip, plen, limit = reply_limit(req);

	if (s->type == TYPE_MX)
		skip = 2;
	else if (s->type == TYPE_SRV)
		skip = 6;
	else if (s->type == TYPE_NS)
		skip = 0;
	else
		return;
	pkt = reply_packet(req, &plen);
	for (unsigned i = 0; i < s->count; i++) {
		uint16_t rdlen = wire_get16(p + 8);
		size_t toff = pos + 2 + 10 + skip;

		if (rdlen > skip && toff < plen && reply_offset(req) < limit)
			add_addresses(
			    req, pkt + toff, toff, lookup, arg, limit, z, info);
		pos += 2u + 10u + rdlen;
		p += 10u + rdlen;
	}
}

/* A referral from the cut `cut` (name at `cutname`, written at packet
 * offset `cut_off` or 0). */
static int
referral(struct request *req, const struct zsnap *z, const struct znode *cut,
    size_t cut_off, zone_lookup_fn lookup, void *arg, unsigned *info)
{
	struct zrrset ns;
	size_t start = reply_offset(req), limit = reply_limit(req);
	const uint8_t *p, *pkt;
	size_t plen;
	int rc;

	if (!znode_rrset(cut, TYPE_NS, &ns))
		return 0;
	if ((rc = add_set(req, SEC_AUTHORITY, &ns, cut->name, cut_off)) != 0)
		return rc;
	if (cut_off == 0 || cut_off > 0x3fff)
		return 0; /* owners were written in full: no glue offsets */
	pkt = reply_packet(req, &plen);
	/* RFC 9471: glue below the cut is required (when it does not fit,
	 * the core truncates: TC), the addresses of other name servers are
	 * optional and must not cause that: required first, for every NS,
	 * then optional ones while they fit */
	for (int pass = 0; pass < 2; pass++) {
		size_t off = start;

		p = ns.body;
		for (unsigned i = 0; i < ns.count; i++) {
			uint16_t rdlen = wire_get16(p + 8);
			size_t toff = off + 2 + 10;
			bool below = dname_is_subdomain(pkt + toff, cut->name);

			if (pass == 0 && below)
				add_addresses(req, pkt + toff, toff, lookup,
				    arg, SIZE_MAX, z, info);
			else if (pass == 1 && !below &&
			         reply_offset(req) < limit)
				add_addresses(req, pkt + toff, toff, lookup,
				    arg, limit, z, info);
			off += 2u + 10u + rdlen;
			p += 10u + rdlen;
		}
	}
	return 0;
}

int
zanswer(struct request *req, const struct zsnap *z, zone_lookup_fn lookup,
    void *arg, unsigned *info)
{
	uint16_t qtype = request_qtype(req);
	uint8_t cur[256], offs[130], wild[256];
	const struct znode *seen[MAX_CHAIN];
	int nseen = 0;
	size_t curlen, cur_off = DNS_HDR_LEN;
	int rc;

	*info = 0;
	curlen = dname_len(request_qname(req));
	memcpy(cur, request_qname(req), curlen);
	if ((rc = reply_init(req, RCODE_NOERROR)) != 0)
		return rc;
	reply_set_flags(req, FLAG_AA, 0);
	for (int step = 0; step < MAX_CHAIN; step++) {
		int nl = label_offsets(cur, offs);
		const struct znode *node = NULL, *ce = z->apex_node;
		bool wildcard = false;
		struct zrrset s;

		if (z->apex_node == NULL || !z->has_soa)
			return ERR_FORMAT;
		if (z->ncuts == 0) {
			node = zsnap_find(z, cur, curlen);
			if (node == NULL) {
				/* closest encloser, bottom up */
				for (int k = 1; nl - k > z->apex_labels; k++) {
					const uint8_t *sfx = cur + offs[k];

					ce = zsnap_find(
					    z, sfx, curlen - offs[k]);
					if (ce != NULL)
						break;
				}
				if (ce == NULL)
					ce = z->apex_node;
			}
		} else {
			/* top down: the first cut or DNAME on the way wins */
			const struct znode *cut = NULL, *dn = NULL;
			int k;

			node = ce = z->apex_node;
			k = nl - z->apex_labels - 1;
			if ((z->apex_node->flags & ZN_DNAME) && k >= 0) {
				/* a DNAME at the apex redirects every name
				 * below it */
				dn = z->apex_node;
				k = nl - z->apex_labels;
			}
			for (; dn == NULL && k >= 0; k--) {
				const struct znode *n = zsnap_find(
				    z, cur + offs[k], curlen - offs[k]);

				if (n == NULL) {
					node = NULL;
					break;
				}
				ce = node = n;
				if ((n->flags & ZN_CUT) &&
				    !(k == 0 && qtype == TYPE_DS)) {
					cut = n;
					break;
				}
				if ((n->flags & ZN_DNAME) && k > 0) {
					dn = n;
					break;
				}
			}
			if (cut != NULL) {
				if (step == 0)
					reply_set_flags(req, 0, FLAG_AA);
				*info |= ANS_REFERRAL;
				return referral(req, z, cut,
				    cur_off ? cur_off + offs[k] : 0, lookup,
				    arg, info);
			}
			if (dn != NULL) {
				/* RFC 6672: DNAME, then a synthesized CNAME */
				struct zrrset d;
				uint8_t target[300];
				size_t tlen, plen, rdoff;
				const uint8_t *drd;

				znode_rrset(dn, TYPE_DNAME, &d);
				if ((rc = add_set(req, SEC_ANSWER, &d, dn->name,
				         cur_off ? cur_off + offs[k] : 0)) != 0)
					return rc;
				drd = d.body + 10;
				plen = offs[k];
				tlen = plen + dname_len(drd);
				if (tlen > DNAME_MAX) {
					reply_set_rcode(req, RCODE_YXDOMAIN);
					return 0;
				}
				memcpy(target, cur, plen);
				memcpy(target + plen, drd, tlen - plen);
				rdoff = 0;
				if ((rc = reply_add_rr(req, SEC_ANSWER, cur,
				         TYPE_CNAME, CLASS_IN,
				         wire_get32(d.body + 4), target,
				         (uint16_t)tlen)) != 0)
					return rc;
				rdoff = reply_offset(req) - tlen;
				memcpy(cur, target, tlen);
				curlen = tlen;
				dname_lower(cur);
				cur_off = rdoff;
				*info |= ANS_MULTIZONE;
				if ((z = lookup(arg, cur, curlen)) == NULL)
					return 0;
				continue;
			}
		}
		if (node == NULL) {
			/* RFC 4592: the source of synthesis is *.<ce> */
			size_t celen = ce->namelen;

			wild[0] = 1;
			wild[1] = '*';
			memcpy(wild + 2, ce->name, celen);
			node = zsnap_find(z, wild, celen + 2);
			if (node == NULL) {
				reply_set_rcode(req, RCODE_NXDOMAIN);
				*info |= ANS_NXDOMAIN;
				return add_neg_soa(
				    req, z, cur, curlen, cur_off);
			}
			wildcard = true;
			if ((node->flags & ZN_CUT) && qtype != TYPE_DS) {
				/* a wildcard NS is no delegation to synthesize
				 */
				return add_neg_soa(
				    req, z, cur, curlen, cur_off);
			}
		}
		if (qtype == TYPE_ANY) {
			if (node->nrrsets == 0)
				return add_neg_soa(
				    req, z, cur, curlen, cur_off);
			/* RFC 8482: one RRset is enough */
			znode_rrset_at(node, 0, &s);
			return add_set(req, SEC_ANSWER, &s, cur, cur_off);
		}
		if (znode_rrset(node, qtype, &s)) {
			size_t start = reply_offset(req);

			if ((rc = add_set(req, SEC_ANSWER, &s, cur, cur_off)) !=
			    0)
				return rc;
			if (cur_off != 0 && cur_off <= 0x3fff)
				additional(
				    req, &s, start, lookup, arg, z, info);
			return 0;
		}
		if ((node->flags & ZN_CNAME) && qtype != TYPE_CNAME &&
		    znode_rrset(node, TYPE_CNAME, &s)) {
			size_t start = reply_offset(req);
			const struct zsnap *nz;

			/* a name seen before in this chain: a loop, stop */
			for (int i = 0; i < nseen; i++)
				if (seen[i] == node && !wildcard)
					return 0;
			seen[nseen++] = node;

			if ((rc = add_set(req, SEC_ANSWER, &s, cur, cur_off)) !=
			    0)
				return rc;
			curlen = wire_get16(s.body + 8);
			if (curlen == 0 || curlen > DNAME_MAX)
				return 0;
			memcpy(cur, s.body + 10, curlen);
			dname_lower(cur);
			/* the target is in the packet right after its RR
			 * header: a pointer owner (2) + type..rdlen (10) */
			cur_off = (cur_off != 0 && cur_off <= 0x3fff)
			              ? start + 12
			              : 0;
			if (cur_off != 0)
				reply_add_target(req, cur_off);
			nz = lookup(arg, cur, curlen);
			/* another zone, or out of our zones (one may come),
			 * or this one (a zone may come below it) */
			*info |= nz != z ? ANS_MULTIZONE : ANS_SUBZONES;
			if (nz == NULL)
				return 0; /* the client goes on from here */
			z = nz;
			continue;
		}
		/* NODATA */
		return add_neg_soa(req, z, cur, curlen, cur_off);
	}
	return 0; /* chain too long: what we have */
}
