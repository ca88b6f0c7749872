/* common/zonefile.h - master file (RFC 1035 zone file) reader and writer */
#ifndef COMMON_ZONEFILE_H
#define COMMON_ZONEFILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The reader streams a zone file (line by line, never the whole file in
 * memory) and hands each record to a callback in wire form. It knows
 * parentheses, comments, quoted strings, \DDD and \X escapes, "@", blank
 * owners, TTL units (1w2d3h4m5s), TTL and class in either order,
 * $ORIGIN, $TTL, $INCLUDE file [origin] and BIND's $GENERATE, RFC 3597
 * "TYPEnnn", "CLASSnnn" and "\# len hex". Rdata of the common types (A,
 * AAAA, NS, CNAME, PTR, DNAME, MX, SRV, SOA, TXT, SPF...) is parsed here;
 * every other type ldns knows is parsed by ldns.
 *
 * Reading stops at the first error; callers reject the whole zone.
 * Records whose owner is not at or below the zone origin are skipped
 * with a warning. A second SOA, or an SOA anywhere but at the origin, is
 * an error. TTLs follow BIND: $TTL sets the default; without it the last
 * explicit TTL applies; a first record without any TTL is an error
 * unless it is the SOA, whose MINIMUM then becomes the default. TTLs
 * above 2^31-1 are read as 0 with a warning (RFC 2181).
 *
 * $INCLUDE paths are taken relative to the folder of the including file
 * (not the working directory as in BIND); only regular files are read.
 */

#define ZONEFILE_MAX_INCLUDE 16         /* nested $INCLUDE levels */
#define ZONEFILE_MAX_LINE 65536         /* octets in one physical line */
#define ZONEFILE_MAX_RECORD 1048576     /* text of one record, all lines */
#define ZONEFILE_MAX_GENERATE 65536     /* records from one $GENERATE */
#define ZONEFILE_MAX_BYTES (1ULL << 30) /* input read, includes counted */
#define ZONEFILE_MAX_TTL 2147483647U
/* longest line zonefile_rr_to_text writes, NUL included: rdata text is
 * kept within 4 octets per rdata octet plus 64 */
#define ZONEFILE_TEXT_MAX (2 * 1024 + 4 * 65535 + 128)

/* One record. All pointers are borrowed for the duration of the
 * callback only. */
struct zf_rr {
	const uint8_t *owner; /* uncompressed wire name, case kept */
	uint16_t type, rclass;
	uint32_t ttl;
	const uint8_t *rdata; /* wire form, names uncompressed, case kept */
	uint16_t rdlen;
	const char *file; /* file (or buffer name) and line it came from */
	int line;
};

/* Called once per record, in file order. A non-zero return stops the
 * reader, which then returns that value. */
typedef int (*zf_rr_cb)(void *arg, const struct zf_rr *rr);
/* Called for warnings (out-of-zone data skipped, TTL clamped...); may be
 * NULL. `msg` is borrowed for the call. */
typedef void (*zf_warn_cb)(
    void *arg, const char *file, int line, const char *msg);

/* Reads the zone file `path` for the zone `origin` (presentation form,
 * taken as absolute; also the initial $ORIGIN) of class `rclass` (0
 * means IN). Records of another class are an error. Returns 0 when the
 * whole file was read; ERR_FORMAT for a syntax or data error,
 * ERR_IO when a file cannot be opened or read, ERR_NOMEM, ERR_INVAL for
 * a bad origin, or the callback's non-zero value. On error `err` (may be
 * NULL) holds "file:line: message", e.g. "zone.db:12: unknown type
 * 'AAA'". */
int zonefile_read(const char *path, const char *origin, uint16_t rclass,
    zf_rr_cb cb, zf_warn_cb warn, void *arg, char *err, size_t errlen);

/* As zonefile_read, for `len` bytes of text (need not be NUL-terminated)
 * called `name` in messages; a relative $INCLUDE is looked up in the
 * folder part of `name` (the working directory when it has none). */
int zonefile_read_mem(const char *text, size_t len, const char *name,
    const char *origin, uint16_t rclass, zf_rr_cb cb, zf_warn_cb warn,
    void *arg, char *err, size_t errlen);

/* Writes `rr` as one presentation-format line without a newline:
 * "owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata", names absolute. Rdata
 * that cannot be shown in the type's own syntax is written as RFC 3597
 * "\# len hex". Reading the line back gives the same wire record.
 * Returns the string length, or ERR_SPACE when it does not fit in `len`
 * bytes (ZONEFILE_TEXT_MAX always suffices), ERR_FORMAT when the owner
 * is not a valid wire name. */
int zonefile_rr_to_text(const struct zf_rr *rr, char *buf, size_t len);

/* Writes only the rdata part of zonefile_rr_to_text. Same returns. */
int zonefile_rdata_to_text(
    uint16_t type, const uint8_t *rdata, uint16_t rdlen, char *buf, size_t len);

/* Parses a TTL: a decimal number up to 2^32-1 or units such as "1w2d",
 * "3h30m", "90s" (case-insensitive). Returns 0 or ERR_FORMAT. */
int zonefile_ttl_from_str(const char *s, uint32_t *ttl);

#endif
