/* server/plugins/sql/answer.h - authoritative answers from zone snapshots
 * (RFC 1034 4.3.2, RFC 2308, RFC 4592, RFC 6672) */
#ifndef SQL_ANSWER_H
#define SQL_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "server/plugins/sql/zsnap.h"

struct request;

/* Finds the served zone snapshot for `name` (lower-case wire, `len`
 * bytes), deepest zone first; NULL when no served zone holds it. */
typedef const struct zsnap *(*zone_lookup_fn)(
    void *arg, const uint8_t *name, size_t len);

#define ANS_NXDOMAIN 0x01  /* the final name does not exist */
#define ANS_MULTIZONE 0x02 /* depends on another zone or the zone list */
#define ANS_REFERRAL 0x04
/* a name was looked up again and found in the same zone: a zone created
 * below it later could take that name over */
#define ANS_SUBZONES 0x08

/* Writes the reply to the request's question from zone `z` (which
 * holds the question name): answer, CNAME/DNAME chain (followed through
 * the zones `lookup` finds, at most 16 steps), referral, wildcard,
 * NXDOMAIN/NODATA with the SOA, additional A/AAAA. `info` gets ANS_*
 * bits. ERR_SPACE when the reply does not fit 64 KiB. No allocation. */
int zanswer(struct request *req, const struct zsnap *z, zone_lookup_fn lookup,
    void *arg, unsigned *info);

#endif
