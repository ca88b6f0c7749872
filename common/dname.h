/* common/dname.h - domain names in wire form: parse, print, compare */
#ifndef COMMON_DNAME_H
#define COMMON_DNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNAME_MAX 255      /* wire length, root label included */
#define DNAME_LABEL_MAX 63 /* octets in one label */
/* longest presentation form: every octet as \DDD, plus dots and NUL */
#define DNAME_STR_MAX (DNAME_MAX * 4 + 2)

/* Presentation form (escapes \DDD and \X allowed; a missing trailing dot
 * is added, so the name is always taken as absolute) to wire form in
 * `out` (DNAME_MAX bytes). Returns the wire length, or ERR_FORMAT for
 * an empty label, a label over 63 octets or a name over 255. */
int dname_from_str(uint8_t *out, const char *s);

/* Wire form to presentation form with a trailing dot, escaping special
 * characters as ldns and BIND do. `out` holds DNAME_STR_MAX bytes.
 * Returns the string length. The name must be valid (uncompressed). */
int dname_to_str(char *out, const uint8_t *name);

/* Length of a valid uncompressed wire name, root label included. */
size_t dname_len(const uint8_t *name);
/* Number of labels, the root not counted ("." has 0). */
int dname_labels(const uint8_t *name);
/* Lowers ASCII letters in place. */
void dname_lower(uint8_t *name);
/* Case-insensitive equality of two valid wire names. */
bool dname_equal(const uint8_t *a, const uint8_t *b);
/* True when `name` equals `zone` or lies below it (case-insensitive). */
bool dname_is_subdomain(const uint8_t *name, const uint8_t *zone);

/* Reads a possibly compressed name at *pos of a packet into `out`
 * (uncompressed, case kept) strictly: labels over 63, names over 255,
 * reserved label types, pointers that do not point strictly backwards
 * (loops, forward pointers) or past the end are ERR_FORMAT. On success
 * *pos is moved past the name in the packet and the wire length of
 * `out` is returned. */
int dname_unpack(const uint8_t *pkt, size_t len, size_t *pos, uint8_t *out);

#endif
