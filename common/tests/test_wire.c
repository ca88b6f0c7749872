/* common/tests/test_wire.c - unit tests for the query parser, the
 * compressing writer and the type/class/rcode names */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/wire.h"

/* --- a small packet builder --- */

struct pkt {
	uint8_t b[2048];
	size_t n;
};

static void
p_bytes(struct pkt *p, const void *d, size_t n)
{
	assert_true(p->n + n <= sizeof(p->b));
	if (n == 0)
		return;
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void
p_u8(struct pkt *p, uint8_t v)
{
	p_bytes(p, &v, 1);
}

static void
p_u16(struct pkt *p, uint16_t v)
{
	uint8_t b[2];

	wire_put16(b, v);
	p_bytes(p, b, 2);
}

static void
p_u32(struct pkt *p, uint32_t v)
{
	uint8_t b[4];

	wire_put32(b, v);
	p_bytes(p, b, 4);
}

static void
p_name(struct pkt *p, const char *s)
{
	uint8_t w[DNAME_MAX];
	int n = dname_from_str(w, s);

	assert_true(n > 0);
	p_bytes(p, w, (size_t)n);
}

static void
p_hdr(struct pkt *p, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
    uint16_t ns, uint16_t ar)
{
	p->n = 0;
	p_u16(p, id);
	p_u16(p, flags);
	p_u16(p, qd);
	p_u16(p, an);
	p_u16(p, ns);
	p_u16(p, ar);
}

static void
p_question(struct pkt *p, const char *name, uint16_t type, uint16_t cls)
{
	p_name(p, name);
	p_u16(p, type);
	p_u16(p, cls);
}

/* An RR with an owner given in presentation form. */
static void
p_rr(struct pkt *p, const char *owner, uint16_t type, uint16_t cls,
    uint32_t ttl, const void *rd, uint16_t rdlen)
{
	p_name(p, owner);
	p_u16(p, type);
	p_u16(p, cls);
	p_u32(p, ttl);
	p_u16(p, rdlen);
	p_bytes(p, rd, rdlen);
}

/* OPT RR: root owner, payload size, ext-rcode, version, DO. */
static void
p_opt(struct pkt *p, uint16_t size, uint8_t version, bool dobit, const void *rd,
    uint16_t rdlen)
{
	p_u8(p, 0);
	p_u16(p, TYPE_OPT);
	p_u16(p, size);
	p_u8(p, 0);
	p_u8(p, version);
	p_u16(p, dobit ? 0x8000 : 0);
	p_u16(p, rdlen);
	p_bytes(p, rd, rdlen);
}

/* A standard query for www.example.org A IN with `ar` additional RRs
 * announced. */
static void
p_std(struct pkt *p, uint16_t ar)
{
	p_hdr(p, 0x1234, FLAG_RD, 1, 0, 0, ar);
	p_question(p, "www.Example.org", TYPE_A, CLASS_IN);
}

static const uint8_t a_rdata[4] = { 192, 0, 2, 1 };

/* --- wire_parse_query --- */

static void
test_parse_good(void **state)
{
	struct pkt p;
	struct dns_query q;

	(void)state;
	p_hdr(&p, 0xbeef, FLAG_RD | FLAG_CD, 1, 0, 0, 0);
	p_question(&p, "WwW.Example.ORG", TYPE_AAAA, CLASS_IN);
	memset(&q, 0xff, sizeof(q));
	assert_int_equal(wire_parse_query(p.b, p.n, &q), 0);
	assert_int_equal(q.id, 0xbeef);
	assert_int_equal(q.flags, FLAG_RD | FLAG_CD);
	assert_int_equal(q.opcode, OPCODE_QUERY);
	assert_int_equal(q.qdcount, 1);
	assert_int_equal(q.ancount, 0);
	assert_int_equal(q.nscount, 0);
	assert_int_equal(q.arcount, 0);
	assert_int_equal(q.qname_len, 17);
	assert_memory_equal(q.qname,
	    "\x03WwW\x07"
	    "Example\x03ORG",
	    17);
	assert_memory_equal(q.lname,
	    "\x03www\x07"
	    "example\x03org",
	    17);
	assert_int_equal(q.qtype, TYPE_AAAA);
	assert_int_equal(q.qclass, CLASS_IN);
	assert_int_equal(q.question_end, 12 + 17 + 4);
	assert_false(q.edns);
	assert_false(q.edns_do);
	assert_false(q.edns_nsid);
	assert_int_equal(q.edns_size, 0);
	assert_int_equal(q.edns_version, 0);
	assert_int_equal(q.opt_offset, 0);
	assert_int_equal(q.tsig_offset, 0);
}

static void
test_parse_root_and_opcode(void **state)
{
	struct pkt p;
	struct dns_query q;

	(void)state;
	p_hdr(&p, 7, (OPCODE_NOTIFY << 11) | FLAG_AA, 1, 0, 0, 0);
	p_question(&p, ".", TYPE_SOA, CLASS_IN);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), 0);
	assert_int_equal(q.opcode, OPCODE_NOTIFY);
	assert_int_equal(q.qname_len, 1);
	assert_int_equal(q.qname[0], 0);
	assert_int_equal(q.question_end, 12 + 1 + 4);
	/* opcode STATUS parses too (the server answers NOTIMP) */
	p_hdr(&p, 7, OPCODE_STATUS << 11, 1, 0, 0, 0);
	p_question(&p, "a.", TYPE_A, CLASS_IN);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), 0);
	assert_int_equal(q.opcode, OPCODE_STATUS);
}

static void
test_parse_edns(void **state)
{
	struct pkt p;
	struct dns_query q;
	/* NSID (empty) and a cookie */
	static const uint8_t opts[] = { 0, 3, 0, 0, 0, 10, 0, 8, 1, 2, 3, 4, 5,
		6, 7, 8 };
	size_t qend;

	(void)state;
	p_std(&p, 1);
	qend = p.n;
	p_opt(&p, 4096, 0, true, opts, sizeof(opts));
	assert_int_equal(wire_parse_query(p.b, p.n, &q), 0);
	assert_true(q.edns);
	assert_true(q.edns_do);
	assert_true(q.edns_nsid);
	assert_int_equal(q.edns_size, 4096);
	assert_int_equal(q.edns_version, 0);
	assert_int_equal(q.opt_offset, qend);
	assert_int_equal(q.question_end, qend);
	assert_int_equal(q.arcount, 1);

	/* no DO, no options, small size, version 1 (still well formed) */
	p_std(&p, 1);
	p_opt(&p, 512, 1, false, NULL, 0);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), 0);
	assert_true(q.edns);
	assert_false(q.edns_do);
	assert_false(q.edns_nsid);
	assert_int_equal(q.edns_size, 512);
	assert_int_equal(q.edns_version, 1);

	/* unknown options only */
	p_std(&p, 1);
	p_opt(&p, 1232, 0, false, opts + 4, sizeof(opts) - 4);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), 0);
	assert_false(q.edns_nsid);
}

static void
test_parse_drop(void **state)
{
	struct pkt p;
	struct dns_query q;

	(void)state;
	p_std(&p, 0);
	assert_int_equal(wire_parse_query(p.b, 0, &q), ERR_DROP);
	assert_int_equal(wire_parse_query(p.b, 11, &q), ERR_DROP);
	/* QR=1: a response */
	p_hdr(&p, 1, FLAG_QR | FLAG_RD, 1, 0, 0, 0);
	p_question(&p, "example.org", TYPE_A, CLASS_IN);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_DROP);
	/* a header alone with QDCOUNT 0 is not dropped but FORMERR */
	p_hdr(&p, 1, 0, 0, 0, 0, 0);
	assert_int_equal(wire_parse_query(p.b, 12, &q), ERR_FORMAT);
}

static void
test_parse_qdcount(void **state)
{
	struct pkt p;
	struct dns_query q;

	(void)state;
	p_hdr(&p, 0xabcd, (OPCODE_UPDATE << 11) | FLAG_RD, 0, 0, 0, 0);
	memset(&q, 0xff, sizeof(q));
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	assert_int_equal(q.id, 0xabcd);
	assert_int_equal(q.flags, (OPCODE_UPDATE << 11) | FLAG_RD);
	assert_int_equal(q.opcode, OPCODE_UPDATE);
	assert_int_equal(q.question_end, 0);
	assert_false(q.edns);

	p_hdr(&p, 0x4242, FLAG_CD, 2, 0, 0, 0);
	p_question(&p, "a.example", TYPE_A, CLASS_IN);
	p_question(&p, "b.example", TYPE_A, CLASS_IN);
	memset(&q, 0xff, sizeof(q));
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	assert_int_equal(q.id, 0x4242);
	assert_int_equal(q.flags, FLAG_CD);
	assert_int_equal(q.opcode, 0);
	assert_int_equal(q.question_end, 0);
}

static void
test_parse_truncated_question(void **state)
{
	struct pkt p;
	struct dns_query q;

	(void)state;
	p_std(&p, 0);
	/* every cut inside the question */
	for (size_t len = 12; len < p.n; len++) {
		memset(&q, 0, sizeof(q));
		assert_int_equal(wire_parse_query(p.b, len, &q), ERR_FORMAT);
		assert_int_equal(q.id, 0x1234);
		assert_int_equal(q.flags, FLAG_RD);
	}
	assert_int_equal(wire_parse_query(p.b, p.n, &q), 0);
}

static void
test_parse_bad_qname(void **state)
{
	struct pkt p;
	struct dns_query q;

	(void)state;
	/* pointer loop in the question */
	p_hdr(&p, 9, 0, 1, 0, 0, 0);
	p_bytes(&p, "\xc0\x0c\x00\x01\x00\x01", 6);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	assert_int_equal(q.id, 9);
	/* forward pointer */
	p_hdr(&p, 9, 0, 1, 0, 0, 0);
	p_bytes(&p,
	    "\xc0\x12\x00\x01\x00\x01\x01"
	    "a\x00",
	    9);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* reserved label type */
	p_hdr(&p, 9, 0, 1, 0, 0, 0);
	p_bytes(&p,
	    "\x41"
	    "a\x00\x00\x01\x00\x01",
	    7);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
}

static void
test_parse_rr_past_end(void **state)
{
	struct pkt p;
	struct dns_query q;
	size_t full;

	(void)state;
	/* announced but absent */
	p_hdr(&p, 1, 0, 1, 1, 0, 0);
	p_question(&p, "example.org", TYPE_A, CLASS_IN);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	p_hdr(&p, 1, 0, 1, 0xffff, 0xffff, 0xffff);
	p_question(&p, "example.org", TYPE_A, CLASS_IN);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* every cut inside an additional A record */
	p_std(&p, 1);
	p_rr(&p, "x.example", TYPE_A, CLASS_IN, 60, a_rdata, 4);
	full = p.n;
	assert_int_equal(wire_parse_query(p.b, full, &q), 0);
	for (size_t len = 12 + 17 + 4; len < full; len++) {
		assert_int_equal(wire_parse_query(p.b, len, &q), ERR_FORMAT);
		assert_int_equal(q.id, 0x1234);
	}
	/* rdlength larger than what follows */
	p_std(&p, 1);
	p_name(&p, "x.example");
	p_u16(&p, TYPE_A);
	p_u16(&p, CLASS_IN);
	p_u32(&p, 0);
	p_u16(&p, 5);
	p_bytes(&p, a_rdata, 4);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* a record in the answer section pointing at the question is fine */
	p_hdr(&p, 1, 0, 1, 1, 0, 0);
	p_question(&p, "example.org", TYPE_A, CLASS_IN);
	p_bytes(&p, "\xc0\x0c", 2);
	p_u16(&p, TYPE_A);
	p_u16(&p, CLASS_IN);
	p_u32(&p, 0);
	p_u16(&p, 4);
	p_bytes(&p, a_rdata, 4);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), 0);
	assert_int_equal(q.ancount, 1);
}

static void
test_parse_opt_placement(void **state)
{
	struct pkt p;
	struct dns_query q;

	(void)state;
	/* OPT in the answer section */
	p_hdr(&p, 1, 0, 1, 1, 0, 0);
	p_question(&p, "example.org", TYPE_A, CLASS_IN);
	p_opt(&p, 1232, 0, false, NULL, 0);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* OPT in the authority section */
	p_hdr(&p, 1, 0, 1, 0, 1, 0);
	p_question(&p, "example.org", TYPE_A, CLASS_IN);
	p_opt(&p, 1232, 0, false, NULL, 0);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* two OPTs */
	p_std(&p, 2);
	p_opt(&p, 1232, 0, false, NULL, 0);
	p_opt(&p, 1232, 0, false, NULL, 0);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* OPT owned by a name other than the root */
	p_std(&p, 1);
	p_rr(&p, "example.org", TYPE_OPT, 1232, 0, NULL, 0);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* ... also when compressed */
	p_std(&p, 1);
	p_bytes(&p, "\xc0\x0c", 2);
	p_u16(&p, TYPE_OPT);
	p_u16(&p, 1232);
	p_u32(&p, 0);
	p_u16(&p, 0);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* OPT after another additional record is fine */
	p_std(&p, 2);
	p_rr(&p, "x.example", TYPE_A, CLASS_IN, 0, a_rdata, 4);
	p_opt(&p, 1400, 0, true, NULL, 0);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), 0);
	assert_true(q.edns);
	assert_int_equal(q.edns_size, 1400);
}

static void
test_parse_opt_options(void **state)
{
	struct pkt p;
	struct dns_query q;
	static const uint8_t over[] = { 0, 3, 0, 5, 1, 2, 3, 4 };
	static const uint8_t half[] = { 0, 3, 0 };
	static const uint8_t second_over[] = { 0, 3, 0, 0, 0, 10, 0, 1 };

	(void)state;
	/* option length past the rdata */
	p_std(&p, 1);
	p_opt(&p, 1232, 0, false, over, sizeof(over));
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* option header cut */
	p_std(&p, 1);
	p_opt(&p, 1232, 0, false, half, sizeof(half));
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* second option runs over */
	p_std(&p, 1);
	p_opt(&p, 1232, 0, false, second_over, sizeof(second_over));
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
}

static void
test_parse_tsig(void **state)
{
	struct pkt p;
	struct dns_query q;
	static const uint8_t tsig_rd[] = { 0 }; /* contents not parsed */
	size_t off;

	(void)state;
	/* OPT then TSIG: fine, offset recorded */
	p_std(&p, 2);
	p_opt(&p, 1232, 0, false, NULL, 0);
	off = p.n;
	p_rr(&p, "key.example", TYPE_TSIG, CLASS_ANY, 0, tsig_rd, 1);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), 0);
	assert_int_equal(q.tsig_offset, off);
	assert_true(q.edns);
	/* TSIG then OPT: TSIG is not last */
	p_std(&p, 2);
	p_rr(&p, "key.example", TYPE_TSIG, CLASS_ANY, 0, tsig_rd, 1);
	p_opt(&p, 1232, 0, false, NULL, 0);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* two TSIGs */
	p_std(&p, 2);
	p_rr(&p, "key.example", TYPE_TSIG, CLASS_ANY, 0, tsig_rd, 1);
	p_rr(&p, "key.example", TYPE_TSIG, CLASS_ANY, 0, tsig_rd, 1);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	/* TSIG in the answer section */
	p_hdr(&p, 1, 0, 1, 1, 0, 0);
	p_question(&p, "example.org", TYPE_A, CLASS_IN);
	p_rr(&p, "key.example", TYPE_TSIG, CLASS_ANY, 0, tsig_rd, 1);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
}

static void
test_parse_trailing(void **state)
{
	struct pkt p;
	struct dns_query q;

	(void)state;
	p_std(&p, 0);
	p_u8(&p, 0);
	memset(&q, 0, sizeof(q));
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
	assert_int_equal(q.id, 0x1234);
	assert_int_equal(q.flags, FLAG_RD);
	p_std(&p, 1);
	p_opt(&p, 1232, 0, false, NULL, 0);
	p_bytes(&p, "junk", 4);
	assert_int_equal(wire_parse_query(p.b, p.n, &q), ERR_FORMAT);
}

/* --- the writer --- */

static void
put_name_str(struct wire_writer *w, const char *s, bool compress)
{
	uint8_t n[DNAME_MAX];

	assert_true(dname_from_str(n, s) > 0);
	assert_int_equal(wire_put_name(w, n, compress), 0);
}

static void
test_writer_compression(void **state)
{
	uint8_t buf[512];
	struct wire_writer w;
	size_t at;

	(void)state;
	wire_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(w.len, 0);
	assert_int_equal(wire_put_bytes(&w, "0123456789ab", 12), 0);
	/* 12: literal */
	put_name_str(&w, "www.example.org", true);
	assert_int_equal(w.len, 12 + 17);
	assert_memory_equal(buf + 12,
	    "\x03www\x07"
	    "example\x03org",
	    17);
	/* the same name again: one pointer to 12 */
	at = w.len;
	put_name_str(&w, "www.example.org", true);
	assert_int_equal(w.len, at + 2);
	assert_memory_equal(buf + at, "\xc0\x0c", 2);
	/* case-insensitive match */
	at = w.len;
	put_name_str(&w, "WWW.EXAMPLE.ORG", true);
	assert_memory_equal(buf + at, "\xc0\x0c", 2);
	/* suffix example.org. at 16 */
	at = w.len;
	put_name_str(&w, "mail.example.org", true);
	assert_int_equal(w.len, at + 7);
	assert_memory_equal(buf + at, "\x04mail\xc0\x10", 7);
	/* a label written before a pointer is a target too */
	{
		size_t mail = at;

		at = w.len;
		put_name_str(&w, "x.mail.example.org", true);
		assert_int_equal(w.len, at + 4);
		assert_int_equal(buf[at], 1);
		assert_int_equal(buf[at + 1], 'x');
		assert_int_equal(buf[at + 2], 0xc0);
		assert_int_equal(buf[at + 3], mail);
	}
	/* org. at 24 */
	at = w.len;
	put_name_str(&w, "org", true);
	assert_memory_equal(buf + at, "\xc0\x18", 2);
	/* nothing in common: literal */
	at = w.len;
	put_name_str(&w, "example.net", true);
	assert_int_equal(w.len, at + 13);
	assert_memory_equal(buf + at,
	    "\x07"
	    "example\x03net",
	    13);
	/* "example.com" does not match "example.net" on the first label
	 * alone: suffixes are whole names */
	at = w.len;
	put_name_str(&w, "example.com", true);
	assert_int_equal(w.len, at + 13);
	/* the root is never a pointer */
	at = w.len;
	put_name_str(&w, ".", true);
	assert_int_equal(w.len, at + 1);
	assert_int_equal(buf[at], 0);
}

static void
test_writer_no_compression(void **state)
{
	uint8_t buf[512];
	struct wire_writer w;

	(void)state;
	wire_writer_init(&w, buf, sizeof(buf));
	wire_put_bytes(&w, "0123456789ab", 12);
	put_name_str(&w, "example.org", false);
	put_name_str(&w, "example.org", false);
	assert_int_equal(w.len, 12 + 13 + 13);
	assert_memory_equal(buf + 12, buf + 25, 13);
	/* uncompressed names still become targets; the first one wins */
	put_name_str(&w, "www.example.org", true);
	assert_int_equal(w.len, 38 + 6);
	assert_memory_equal(buf + 38, "\x03www\xc0\x0c", 6);
}

static void
test_writer_add_target(void **state)
{
	uint8_t buf[512];
	struct wire_writer w;

	(void)state;
	wire_writer_init(&w, buf, sizeof(buf));
	/* raw bytes are no targets until registered */
	wire_put_bytes(&w, "0123456789ab", 12);
	wire_put_bytes(&w, "\x03org\x00", 5);
	put_name_str(&w, "org", true);
	assert_memory_equal(buf + 17, "\x03org\x00", 5);
	wire_writer_init(&w, buf, sizeof(buf));
	wire_put_bytes(&w, "0123456789ab", 12);
	wire_put_bytes(&w, "\x03org\x00", 5);
	wire_add_target(&w, 12);
	put_name_str(&w, "a.org", true);
	assert_memory_equal(buf + 17,
	    "\x01"
	    "a\xc0\x0c",
	    4);
}

static void
test_writer_far_offsets(void **state)
{
	/* offsets >= 0x4000 cannot be pointed to */
	static uint8_t buf[0x5000];
	struct wire_writer w;
	size_t at;

	(void)state;
	wire_writer_init(&w, buf, sizeof(buf));
	memset(buf, 0, 0x4000);
	w.len = 0x4000;
	put_name_str(&w, "example.org", true);
	at = w.len;
	put_name_str(&w, "example.org", true);
	assert_int_equal(w.len, at + 13);
	assert_int_equal(w.nptrs, 0);
}

static void
test_writer_space(void **state)
{
	uint8_t buf[32];
	uint8_t n[DNAME_MAX];
	struct wire_writer w;

	(void)state;
	wire_writer_init(&w, buf, 12 + 16);
	wire_put_bytes(&w, "0123456789ab", 12);
	/* 17 octets do not fit in 16 */
	dname_from_str(n, "www.example.org");
	assert_int_equal(wire_put_name(&w, n, true), ERR_SPACE);
	assert_int_equal(w.len, 12);
	assert_int_equal(w.nptrs, 0);
	assert_int_equal(wire_put_name(&w, n, false), ERR_SPACE);
	assert_int_equal(w.len, 12);
	/* 13 do */
	put_name_str(&w, "example.org", true);
	assert_int_equal(w.len, 25);
	assert_int_equal(w.nptrs, 2);
	/* compressed "www" + pointer needs 6, 3 left */
	assert_int_equal(wire_put_name(&w, n, true), ERR_SPACE);
	assert_int_equal(w.len, 25);
	assert_int_equal(w.nptrs, 2);
	/* a bare pointer (2) fits */
	dname_from_str(n, "EXAMPLE.org.");
	assert_int_equal(wire_put_name(&w, n, true), 0);
	assert_int_equal(w.len, 27);
	/* 1 left */
	assert_int_equal(wire_put_u16(&w, 1), ERR_SPACE);
	assert_int_equal(wire_put_u32(&w, 1), ERR_SPACE);
	assert_int_equal(wire_put_bytes(&w, "ab", 2), ERR_SPACE);
	assert_int_equal(w.len, 27);
	assert_int_equal(wire_put_bytes(&w, "a", 1), 0);
	assert_int_equal(w.len, 28);
	assert_int_equal(wire_put_bytes(&w, "", 0), 0);
	assert_int_equal(wire_put_bytes(&w, "a", 1), ERR_SPACE);
	assert_int_equal(w.len, 28);
}

static void
test_writer_ints(void **state)
{
	uint8_t buf[16];
	struct wire_writer w;

	(void)state;
	wire_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(wire_put_u16(&w, 0x1234), 0);
	assert_int_equal(wire_put_u32(&w, 0xdeadbeef), 0);
	assert_int_equal(w.len, 6);
	assert_memory_equal(buf, "\x12\x34\xde\xad\xbe\xef", 6);
	assert_int_equal(wire_get16(buf), 0x1234);
	assert_int_equal(wire_get32(buf + 2), 0xdeadbeef);
}

/* --- names --- */

static void
test_type_str(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(wire_type_str(TYPE_A, buf), "A");
	assert_string_equal(wire_type_str(TYPE_AAAA, buf), "AAAA");
	assert_string_equal(wire_type_str(TYPE_OPT, buf), "OPT");
	assert_string_equal(wire_type_str(TYPE_TXT, buf), "TXT");
	assert_string_equal(wire_type_str(TYPE_ANY, buf), "ANY");
	assert_string_equal(wire_type_str(257, buf), "CAA");
	assert_string_equal(wire_type_str(32769, buf), "DLV");
	assert_string_equal(wire_type_str(65280, buf), "TYPE65280");
	assert_string_equal(wire_type_str(0, buf), "TYPE0");
	assert_string_equal(wire_type_str(65535, buf), "TYPE65535");
}

static void
test_type_from_str(void **state)
{
	(void)state;
	assert_int_equal(wire_type_from_str("A"), TYPE_A);
	assert_int_equal(wire_type_from_str("aaaa"), TYPE_AAAA);
	assert_int_equal(wire_type_from_str("Txt"), TYPE_TXT);
	assert_int_equal(wire_type_from_str("NSAP-PTR"), 23);
	assert_int_equal(wire_type_from_str("TYPE65280"), 65280);
	assert_int_equal(wire_type_from_str("type1"), 1);
	assert_int_equal(wire_type_from_str("TYPE0"), 0);
	assert_int_equal(wire_type_from_str("TYPE65535"), 65535);
	assert_int_equal(wire_type_from_str("TYPE65536"), -1);
	assert_int_equal(wire_type_from_str("TYPE99999999999999999999"), -1);
	assert_int_equal(wire_type_from_str("TYPE"), -1);
	assert_int_equal(wire_type_from_str("TYPE12x"), -1);
	assert_int_equal(wire_type_from_str("TYPEx"), -1);
	assert_int_equal(wire_type_from_str("bogus"), -1);
	assert_int_equal(wire_type_from_str(""), -1);
	/* every named type round-trips */
	for (unsigned t = 0; t < 65536; t++) {
		char buf[16];
		const char *s = wire_type_str((uint16_t)t, buf);

		assert_int_equal(wire_type_from_str(s), (int)t);
	}
}

static void
test_class_rcode_str(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(wire_class_str(CLASS_IN, buf), "IN");
	assert_string_equal(wire_class_str(CLASS_CH, buf), "CH");
	assert_string_equal(wire_class_str(CLASS_HS, buf), "HS");
	assert_string_equal(wire_class_str(CLASS_NONE, buf), "NONE");
	assert_string_equal(wire_class_str(CLASS_ANY, buf), "ANY");
	assert_string_equal(wire_class_str(9, buf), "CLASS9");
	assert_string_equal(wire_class_str(65535, buf), "CLASS65535");
	assert_string_equal(wire_rcode_str(RCODE_NOERROR, buf), "NOERROR");
	assert_string_equal(wire_rcode_str(RCODE_FORMERR, buf), "FORMERR");
	assert_string_equal(wire_rcode_str(RCODE_SERVFAIL, buf), "SERVFAIL");
	assert_string_equal(wire_rcode_str(RCODE_NXDOMAIN, buf), "NXDOMAIN");
	assert_string_equal(wire_rcode_str(RCODE_NOTIMP, buf), "NOTIMP");
	assert_string_equal(wire_rcode_str(RCODE_REFUSED, buf), "REFUSED");
	assert_string_equal(wire_rcode_str(RCODE_NOTZONE, buf), "NOTZONE");
	assert_string_equal(wire_rcode_str(RCODE_BADVERS, buf), "BADVERS");
	assert_string_equal(wire_rcode_str(23, buf), "BADCOOKIE");
	assert_string_equal(wire_rcode_str(11, buf), "RCODE11");
	assert_string_equal(wire_rcode_str(4095, buf), "RCODE4095");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_root_and_opcode),
		cmocka_unit_test(test_parse_edns),
		cmocka_unit_test(test_parse_drop),
		cmocka_unit_test(test_parse_qdcount),
		cmocka_unit_test(test_parse_truncated_question),
		cmocka_unit_test(test_parse_bad_qname),
		cmocka_unit_test(test_parse_rr_past_end),
		cmocka_unit_test(test_parse_opt_placement),
		cmocka_unit_test(test_parse_opt_options),
		cmocka_unit_test(test_parse_tsig),
		cmocka_unit_test(test_parse_trailing),
		cmocka_unit_test(test_writer_compression),
		cmocka_unit_test(test_writer_no_compression),
		cmocka_unit_test(test_writer_add_target),
		cmocka_unit_test(test_writer_far_offsets),
		cmocka_unit_test(test_writer_space),
		cmocka_unit_test(test_writer_ints),
		cmocka_unit_test(test_type_str),
		cmocka_unit_test(test_type_from_str),
		cmocka_unit_test(test_class_rcode_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
