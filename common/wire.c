/* common/wire.c - DNS message parsing (strict, bounded) and writing */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/wire.h"

static int
parse_opt(const uint8_t *rd, size_t rdlen, struct dns_query *q)
{
	size_t p = 0;

	while (p < rdlen) {
		uint16_t code, olen;

		if (rdlen - p < 4)
			return ERR_FORMAT;
		code = wire_get16(rd + p);
		olen = wire_get16(rd + p + 2);
		p += 4;
		if (rdlen - p < olen)
			return ERR_FORMAT;
		if (code == EDNS_OPT_NSID)
			q->edns_nsid = true; /* unknown options are ignored */
		p += olen;
	}
	return 0;
}

int
wire_parse_query(const uint8_t *pkt, size_t len, struct dns_query *q)
{
	size_t pos = DNS_HDR_LEN;
	unsigned total, i;
	uint8_t name[DNAME_MAX];
	int n;

	if (len < DNS_HDR_LEN)
		return ERR_DROP;
	memset(q, 0, offsetof(struct dns_query, qname));
	q->qname_len = 0;
	q->edns = false;
	q->edns_version = 0;
	q->edns_do = false;
	q->edns_size = 0;
	q->edns_nsid = false;
	q->opt_offset = 0;
	q->tsig_offset = 0;
	q->question_end = 0;
	q->id = wire_get16(pkt);
	q->flags = wire_get16(pkt + 2);
	if (q->flags & FLAG_QR)
		return ERR_DROP;
	q->opcode = FLAGS_OPCODE(q->flags);
	q->qdcount = wire_get16(pkt + 4);
	q->ancount = wire_get16(pkt + 6);
	q->nscount = wire_get16(pkt + 8);
	q->arcount = wire_get16(pkt + 10);
	if (q->qdcount != 1)
		return ERR_FORMAT;
	if ((n = dname_unpack(pkt, len, &pos, q->qname)) < 0)
		return ERR_FORMAT;
	q->qname_len = (uint16_t)n;
	if (len - pos < 4)
		return ERR_FORMAT;
	q->qtype = wire_get16(pkt + pos);
	q->qclass = wire_get16(pkt + pos + 2);
	pos += 4;
	q->question_end = (uint16_t)pos;
	memcpy(q->lname, q->qname, (size_t)n);
	dname_lower(q->lname);

	total = (unsigned)q->ancount + q->nscount + q->arcount;
	for (i = 0; i < total; i++) {
		size_t start = pos;
		uint16_t type, rdlen;
		bool additional = i >= (unsigned)q->ancount + q->nscount;

		if ((n = dname_unpack(pkt, len, &pos, name)) < 0)
			return ERR_FORMAT;
		if (len - pos < 10)
			return ERR_FORMAT;
		type = wire_get16(pkt + pos);
		rdlen = wire_get16(pkt + pos + 8);
		if (len - pos - 10 < rdlen)
			return ERR_FORMAT;
		if (q->tsig_offset != 0)
			return ERR_FORMAT; /* TSIG must be the last record */
		if (type == TYPE_OPT) {
			if (!additional || q->edns || n != 1)
				return ERR_FORMAT;
			q->edns = true;
			q->opt_offset = (uint16_t)start;
			q->edns_size = wire_get16(pkt + pos + 2);
			q->edns_version = pkt[pos + 5];
			q->edns_do = (pkt[pos + 6] & 0x80) != 0;
			if (parse_opt(pkt + pos + 10, rdlen, q) != 0)
				return ERR_FORMAT;
		} else if (type == TYPE_TSIG) {
			if (!additional)
				return ERR_FORMAT;
			q->tsig_offset = (uint16_t)start;
		}
		pos += 10 + (size_t)rdlen;
	}
	if (pos != len)
		return ERR_FORMAT; /* trailing garbage */
	return 0;
}

void
wire_writer_init(struct wire_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->nptrs = 0;
}

int
wire_put_bytes(struct wire_writer *w, const void *p, size_t n)
{
	if (w->cap - w->len < n)
		return ERR_SPACE;
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	return 0;
}

int
wire_put_u16(struct wire_writer *w, uint16_t v)
{
	if (w->cap - w->len < 2)
		return ERR_SPACE;
	wire_put16(w->buf + w->len, v);
	w->len += 2;
	return 0;
}

int
wire_put_u32(struct wire_writer *w, uint32_t v)
{
	if (w->cap - w->len < 4)
		return ERR_SPACE;
	wire_put32(w->buf + w->len, v);
	w->len += 4;
	return 0;
}

void
wire_add_target(struct wire_writer *w, size_t off)
{
	if (off < 0x4000 && w->nptrs < WIRE_MAX_PTRS)
		w->ptrs[w->nptrs++] = (uint16_t)off;
}

static inline uint8_t
lc(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* Does the (possibly compressed) name written at `off` equal `name`? The
 * writer only ever writes backward pointers, so the walk ends. */
static bool
name_at_equal(const struct wire_writer *w, size_t off, const uint8_t *name)
{
	for (;;) {
		uint8_t c = w->buf[off];

		if ((c & 0xc0) == 0xc0) {
			off = ((size_t)(c & 0x3f) << 8) | w->buf[off + 1];
			continue;
		}
		if (c != *name)
			return false;
		if (c == 0)
			return true;
		for (uint8_t i = 1; i <= c; i++)
			if (lc(w->buf[off + i]) != lc(name[i]))
				return false;
		off += (size_t)c + 1;
		name += (size_t)c + 1;
	}
}

int
wire_put_name(struct wire_writer *w, const uint8_t *name, bool compress)
{
	size_t len = dname_len(name);
	size_t k = 0; /* offset in `name` of the suffix being tried */
	size_t start = w->len;
	int target = -1;

	if (compress) {
		while (name[k] != 0) {
			for (unsigned i = 0; i < w->nptrs; i++) {
				if (name_at_equal(w, w->ptrs[i], name + k)) {
					target = w->ptrs[i];
					break;
				}
			}
			if (target >= 0)
				break;
			k += (size_t)name[k] + 1;
		}
	} else {
		k = len - 1;
	}
	if (target >= 0) {
		if (w->cap - w->len < k + 2)
			return ERR_SPACE;
		memcpy(w->buf + w->len, name, k);
		w->len += k;
		wire_put16(w->buf + w->len, (uint16_t)(0xc000 | target));
		w->len += 2;
	} else {
		if (w->cap - w->len < len)
			return ERR_SPACE;
		memcpy(w->buf + w->len, name, len);
		w->len += len;
		k = len - 1;
	}
	/* the literal labels become targets for later names */
	for (size_t o = 0; o < k; o += (size_t)name[o] + 1)
		wire_add_target(w, start + o);
	return 0;
}

static const struct {
	uint16_t type;
	const char *name;
} type_names[] = {
	{ 1, "A" },
	{ 2, "NS" },
	{ 3, "MD" },
	{ 4, "MF" },
	{ 5, "CNAME" },
	{ 6, "SOA" },
	{ 7, "MB" },
	{ 8, "MG" },
	{ 9, "MR" },
	{ 10, "NULL" },
	{ 11, "WKS" },
	{ 12, "PTR" },
	{ 13, "HINFO" },
	{ 14, "MINFO" },
	{ 15, "MX" },
	{ 16, "TXT" },
	{ 17, "RP" },
	{ 18, "AFSDB" },
	{ 19, "X25" },
	{ 20, "ISDN" },
	{ 21, "RT" },
	{ 22, "NSAP" },
	{ 23, "NSAP-PTR" },
	{ 24, "SIG" },
	{ 25, "KEY" },
	{ 26, "PX" },
	{ 27, "GPOS" },
	{ 28, "AAAA" },
	{ 29, "LOC" },
	{ 30, "NXT" },
	{ 31, "EID" },
	{ 32, "NIMLOC" },
	{ 33, "SRV" },
	{ 34, "ATMA" },
	{ 35, "NAPTR" },
	{ 36, "KX" },
	{ 37, "CERT" },
	{ 38, "A6" },
	{ 39, "DNAME" },
	{ 40, "SINK" },
	{ 41, "OPT" },
	{ 42, "APL" },
	{ 43, "DS" },
	{ 44, "SSHFP" },
	{ 45, "IPSECKEY" },
	{ 46, "RRSIG" },
	{ 47, "NSEC" },
	{ 48, "DNSKEY" },
	{ 49, "DHCID" },
	{ 50, "NSEC3" },
	{ 51, "NSEC3PARAM" },
	{ 52, "TLSA" },
	{ 53, "SMIMEA" },
	{ 55, "HIP" },
	{ 56, "NINFO" },
	{ 57, "RKEY" },
	{ 58, "TALINK" },
	{ 59, "CDS" },
	{ 60, "CDNSKEY" },
	{ 61, "OPENPGPKEY" },
	{ 62, "CSYNC" },
	{ 63, "ZONEMD" },
	{ 64, "SVCB" },
	{ 65, "HTTPS" },
	{ 99, "SPF" },
	{ 100, "UINFO" },
	{ 101, "UID" },
	{ 102, "GID" },
	{ 103, "UNSPEC" },
	{ 104, "NID" },
	{ 105, "L32" },
	{ 106, "L64" },
	{ 107, "LP" },
	{ 108, "EUI48" },
	{ 109, "EUI64" },
	{ 249, "TKEY" },
	{ 250, "TSIG" },
	{ 251, "IXFR" },
	{ 252, "AXFR" },
	{ 253, "MAILB" },
	{ 254, "MAILA" },
	{ 255, "ANY" },
	{ 256, "URI" },
	{ 257, "CAA" },
	{ 258, "AVC" },
	{ 259, "DOA" },
	{ 260, "AMTRELAY" },
	{ 32768, "TA" },
	{ 32769, "DLV" },
};

const char *
wire_type_str(uint16_t type, char *buf)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	snprintf(buf, 16, "TYPE%u", type);
	return buf;
}

int
wire_type_from_str(const char *s)
{
	/* the common ones first: bulk loads ask for them a million times */
	static const struct {
		const char *name;
		uint16_t type;
	} fast[] = { { "A", TYPE_A }, { "AAAA", TYPE_AAAA },
		{ "CNAME", TYPE_CNAME }, { "TXT", TYPE_TXT }, { "MX", TYPE_MX },
		{ "NS", TYPE_NS }, { "PTR", TYPE_PTR }, { "SRV", TYPE_SRV },
		{ "SOA", TYPE_SOA } };

	for (size_t i = 0; i < sizeof(fast) / sizeof(fast[0]); i++)
		if (strcmp(fast[i].name, s) == 0)
			return fast[i].type;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcasecmp(type_names[i].name, s) == 0)
			return type_names[i].type;
	if (strncasecmp(s, "TYPE", 4) == 0 && s[4] >= '0' && s[4] <= '9') {
		unsigned long v = 0;

		for (s += 4; *s >= '0' && *s <= '9'; s++) {
			v = v * 10 + (unsigned long)(*s - '0');
			if (v > 65535)
				return -1;
		}
		return *s == '\0' ? (int)v : -1;
	}
	return -1;
}

const char *
wire_class_str(uint16_t cls, char *buf)
{
	switch (cls) {
	case CLASS_IN:
		return "IN";
	case CLASS_CH:
		return "CH";
	case CLASS_HS:
		return "HS";
	case CLASS_NONE:
		return "NONE";
	case CLASS_ANY:
		return "ANY";
	}
	snprintf(buf, 16, "CLASS%u", cls);
	return buf;
}

const char *
wire_rcode_str(uint16_t rcode, char *buf)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL",
		"NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
		"NXRRSET", "NOTAUTH", "NOTZONE" };

	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	switch (rcode) {
	case 16:
		return "BADVERS";
	case 17:
		return "BADKEY";
	case 18:
		return "BADTIME";
	case 19:
		return "BADMODE";
	case 20:
		return "BADNAME";
	case 21:
		return "BADALG";
	case 22:
		return "BADTRUNC";
	case 23:
		return "BADCOOKIE";
	}
	snprintf(buf, 16, "RCODE%u", rcode);
	return buf;
}
