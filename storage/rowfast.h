/* storage/rowfast.h - fast path of store_row_to_rr for common rows */
#ifndef STORAGE_ROWFAST_H
#define STORAGE_ROWFAST_H

#include "storage/store.h"

/* Fills `out` from a row of zone `zone` when its type is one of A,
 * AAAA, CNAME, NS, PTR, DNAME, MX, SRV, SOA, TXT and its name and
 * content are plain (no escapes, comments, "@" or units); returns 0.
 * Returns 1 when the row needs the full parser, which then gives the
 * same wire form (or the error). Never logs. */
int store_row_to_rr_fast(
    const char *zone, const struct store_row *row, struct store_rr *out);

/* Tests set it to compare the fast path with the full parser. */
extern bool store_rowfast_off;

#endif
