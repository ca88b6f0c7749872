/* common/wire.h - DNS message parsing (strict, bounded) and writing */
#ifndef COMMON_WIRE_H
#define COMMON_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dname.h"

#define DNS_HDR_LEN 12
#define DNS_MAX_MSG 65535
#define EDNS_MIN_SIZE 512
#define EDNS_MAX_SIZE 4096
#define EDNS_DEFAULT_SIZE 1232

/* header flag bits (host order of the 16-bit flags word) */
#define FLAG_QR 0x8000
#define FLAG_AA 0x0400
#define FLAG_TC 0x0200
#define FLAG_RD 0x0100
#define FLAG_RA 0x0080
#define FLAG_Z 0x0040
#define FLAG_AD 0x0020
#define FLAG_CD 0x0010
#define FLAGS_OPCODE(f) (((f) >> 11) & 0xf)
#define FLAGS_RCODE(f) ((f)&0xf)

enum dns_opcode {
	OPCODE_QUERY = 0,
	OPCODE_IQUERY = 1,
	OPCODE_STATUS = 2,
	OPCODE_NOTIFY = 4,
	OPCODE_UPDATE = 5,
};

enum dns_rcode {
	RCODE_NOERROR = 0,
	RCODE_FORMERR = 1,
	RCODE_SERVFAIL = 2,
	RCODE_NXDOMAIN = 3,
	RCODE_NOTIMP = 4,
	RCODE_REFUSED = 5,
	RCODE_YXDOMAIN = 6,
	RCODE_YXRRSET = 7,
	RCODE_NXRRSET = 8,
	RCODE_NOTAUTH = 9,
	RCODE_NOTZONE = 10,
	RCODE_BADVERS = 16, /* extended: needs OPT */
};

enum dns_class {
	CLASS_IN = 1,
	CLASS_CH = 3,
	CLASS_HS = 4,
	CLASS_NONE = 254,
	CLASS_ANY = 255,
};

enum dns_type {
	TYPE_A = 1,
	TYPE_NS = 2,
	TYPE_CNAME = 5,
	TYPE_SOA = 6,
	TYPE_PTR = 12,
	TYPE_HINFO = 13,
	TYPE_MX = 15,
	TYPE_TXT = 16,
	TYPE_AAAA = 28,
	TYPE_SRV = 33,
	TYPE_DNAME = 39,
	TYPE_OPT = 41,
	TYPE_DS = 43,
	TYPE_RRSIG = 46,
	TYPE_NSEC = 47,
	TYPE_DNSKEY = 48,
	TYPE_NSEC3 = 50,
	TYPE_TSIG = 250,
	TYPE_IXFR = 251,
	TYPE_AXFR = 252,
	TYPE_ANY = 255,
};

#define EDNS_OPT_NSID 3
#define EDNS_OPT_COOKIE 10

/* What the strict parser learned from a query. Offsets point into the
 * packet it was given. */
struct dns_query {
	uint16_t id;
	uint16_t flags;
	uint8_t opcode;
	uint16_t qdcount, ancount, nscount, arcount;
	uint8_t qname[DNAME_MAX]; /* as received (case kept), uncompressed */
	uint8_t lname[DNAME_MAX]; /* lower-cased */
	uint16_t qname_len;
	uint16_t qtype, qclass;
	uint16_t question_end; /* offset just past the question */
	bool edns;             /* an OPT RR was present */
	uint8_t edns_version;
	bool edns_do;
	uint16_t edns_size;   /* client's payload size as sent */
	bool edns_nsid;       /* NSID option present */
	uint16_t opt_offset;  /* offset of the OPT RR (owner byte) */
	uint16_t tsig_offset; /* offset of a TSIG RR, 0 if none */
};

/* Parses a query strictly. Returns 0 when it is well formed,
 * ERR_DROP when it must be dropped without a reply (shorter than a
 * header, or QR=1), ERR_FORMAT when a FORMERR may be sent (the header
 * fields id/flags/opcode are filled): QDCOUNT != 1, bad names (label
 * > 63, name > 255, pointer loops or forward pointers), RRs that run
 * past the end, more than one OPT or an OPT not owned by the root or
 * outside the additional section, a TSIG that is not last, trailing
 * bytes. */
int wire_parse_query(const uint8_t *pkt, size_t len, struct dns_query *q);

/* Big-endian helpers. */
static inline uint16_t
wire_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
wire_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static inline void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wire_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Writes a message with name compression. The buffer is the caller's. */
#define WIRE_MAX_PTRS 64
struct wire_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	uint16_t ptrs[WIRE_MAX_PTRS]; /* offsets of labels usable as targets */
	unsigned nptrs;
};

void wire_writer_init(struct wire_writer *w, uint8_t *buf, size_t cap);
/* Appends raw bytes. ERR_SPACE when they do not fit (nothing written). */
int wire_put_bytes(struct wire_writer *w, const void *p, size_t n);
int wire_put_u16(struct wire_writer *w, uint16_t v);
int wire_put_u32(struct wire_writer *w, uint32_t v);
/* Appends a valid uncompressed wire name, compressed against names
 * written before with `compress`; its labels become targets for later
 * names. ERR_SPACE when it does not fit. */
int wire_put_name(struct wire_writer *w, const uint8_t *name, bool compress);
/* Registers an already written name at `off` as a compression target. */
void wire_add_target(struct wire_writer *w, size_t off);

/* Text names for logs: "A", "TYPE65280"; "IN", "CLASS9"; "NOERROR". The
 * returned string is static or written into `buf` (16 bytes). */
const char *wire_type_str(uint16_t type, char *buf);
const char *wire_class_str(uint16_t cls, char *buf);
const char *wire_rcode_str(uint16_t rcode, char *buf);
/* Inverse of wire_type_str for presentation names; -1 if unknown. */
int wire_type_from_str(const char *s);

#endif
