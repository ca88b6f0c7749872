/* server/tests/test_request.c - unit tests for the reply builder and
 * server_process (parse, route, chain, OPT and truncation) */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/wire.h"
#include "server/server.h"

/* --- query builder --- */

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
p_u16(struct pkt *p, uint16_t v)
{
	uint8_t b[2];

	wire_put16(b, v);
	p_bytes(p, b, 2);
}

/* Header and one question. */
static void
p_query(struct pkt *p, uint16_t id, uint16_t flags, const char *name,
    uint16_t type, uint16_t cls, uint16_t arcount)
{
	uint8_t w[DNAME_MAX];
	int n = dname_from_str(w, name);

	assert_true(n > 0);
	p->n = 0;
	p_u16(p, id);
	p_u16(p, flags);
	p_u16(p, 1);
	p_u16(p, 0);
	p_u16(p, 0);
	p_u16(p, arcount);
	p_bytes(p, w, (size_t)n);
	p_u16(p, type);
	p_u16(p, cls);
}

/* OPT RR with optional rdata. */
static void
p_opt(struct pkt *p, uint16_t size, uint8_t version, bool dobit, const void *rd,
    uint16_t rdlen)
{
	static const uint8_t root = 0;

	p_bytes(p, &root, 1);
	p_u16(p, TYPE_OPT);
	p_u16(p, size);
	p_u16(p, version); /* ext-rcode 0, version */
	p_u16(p, dobit ? 0x8000 : 0);
	p_u16(p, rdlen);
	p_bytes(p, rd, rdlen);
}

/* A request holding `p`, from 127.0.0.1:5353. */
static struct request *
req_new(const struct pkt *p, enum proto proto)
{
	struct request *req = request_new();
	struct sockaddr_in *sin;

	assert_non_null(req);
	memcpy(req->rx, p->b, p->n);
	req->rxlen = p->n;
	req->proto = proto;
	sin = (struct sockaddr_in *)&req->remote;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(5353);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	req->remote_len = sizeof(*sin);
	return req;
}

/* A request with its query parsed, for the reply builder. */
static struct request *
req_parsed(const struct pkt *p)
{
	struct request *req = req_new(p, PROTO_UDP);

	assert_int_equal(wire_parse_query(req->rx, req->rxlen, &req->q), 0);
	return req;
}

static void
wire_name(uint8_t *out, const char *s)
{
	assert_true(dname_from_str(out, s) > 0);
}

static uint16_t
hdr(const struct request *req, int field)
{
	return wire_get16(req->tx + 2 * field);
}

enum { H_ID, H_FLAGS, H_QD, H_AN, H_NS, H_AR };

/* --- accessors --- */

static void
test_request_accessors(void **state)
{
	struct pkt p;
	struct request *req;
	size_t len;
	struct sockaddr_in6 *s6;

	(void)state;
	p_query(&p, 0x0102, FLAG_RD, "WwW.Example.ORG", TYPE_MX, CLASS_IN, 0);
	req = req_parsed(&p);
	assert_memory_equal(request_qname(req),
	    "\x03www\x07"
	    "example\x03org",
	    17);
	assert_memory_equal(request_qname_orig(req),
	    "\x03WwW\x07"
	    "Example\x03ORG",
	    17);
	assert_string_equal(request_qname_str(req), "www.example.org.");
	/* cached in the arena */
	assert_ptr_equal(request_qname_str(req), request_qname_str(req));
	assert_int_equal(request_qtype(req), TYPE_MX);
	assert_int_equal(request_qclass(req), CLASS_IN);
	assert_int_equal(request_id(req), 0x0102);
	assert_int_equal(request_opcode(req), 0);
	assert_int_equal(request_flags(req), FLAG_RD);
	assert_false(request_edns(req));
	assert_false(request_do(req));
	assert_false(request_nsid(req));
	assert_int_equal(request_edns_size(req), 512);
	assert_ptr_equal(request_packet(req, &len), req->rx);
	assert_int_equal(len, p.n);
	assert_int_equal(request_proto(req), PROTO_UDP);
	assert_string_equal(request_proto_str(req), "udp");
	assert_int_equal(request_family(req), AF_INET);
	assert_int_equal(request_zone(req)[0], 0);
	assert_string_equal(request_server(req), "");
	assert_string_equal(request_replied_by(req), "");
	assert_false(reply_started(req));
	request_set_error(req, "x=%d", 42);
	assert_string_equal(request_error(req), "x=42");
	req->proto = PROTO_TCP;
	assert_string_equal(request_proto_str(req), "tcp");
	/* a v4-mapped IPv6 peer counts as IPv4 */
	memset(&req->remote, 0, sizeof(req->remote));
	s6 = (struct sockaddr_in6 *)&req->remote;
	s6->sin6_family = AF_INET6;
	assert_int_equal(
	    inet_pton(AF_INET6, "::ffff:192.0.2.1", &s6->sin6_addr), 1);
	assert_int_equal(request_family(req), AF_INET);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", &s6->sin6_addr), 1);
	assert_int_equal(request_family(req), AF_INET6);
	request_free(req);
	request_free(NULL);
}

static void
test_request_edns_accessors(void **state)
{
	struct pkt p;
	struct request *req;
	static const uint8_t nsid[] = { 0, 3, 0, 0 };

	(void)state;
	p_query(&p, 1, 0, "example.org", TYPE_A, CLASS_IN, 1);
	p_opt(&p, 4000, 0, true, nsid, sizeof(nsid));
	req = req_parsed(&p);
	assert_true(request_edns(req));
	assert_true(request_do(req));
	assert_true(request_nsid(req));
	assert_int_equal(request_edns_size(req), 4000);
	request_free(req);
}

/* --- the reply builder --- */

static void
test_reply_init_echo(void **state)
{
	struct pkt p;
	struct request *req;
	const uint8_t *r;
	size_t len;

	(void)state;
	p_query(&p, 0xbeef, FLAG_RD | FLAG_CD | FLAG_AD | FLAG_AA | FLAG_TC,
	    "WwW.Example.ORG", TYPE_A, CLASS_IN, 0);
	req = req_parsed(&p);
	assert_int_equal(reply_init(req, RCODE_NXDOMAIN), 0);
	assert_true(reply_started(req));
	r = reply_packet(req, &len);
	assert_ptr_equal(r, req->tx);
	assert_int_equal(len, 12 + 17 + 4);
	assert_int_equal(hdr(req, H_ID), 0xbeef);
	/* QR set, RD and CD copied, nothing else */
	assert_int_equal(
	    hdr(req, H_FLAGS), FLAG_QR | FLAG_RD | FLAG_CD | RCODE_NXDOMAIN);
	assert_int_equal(hdr(req, H_QD), 1);
	assert_int_equal(hdr(req, H_AN), 0);
	assert_int_equal(hdr(req, H_NS), 0);
	assert_int_equal(hdr(req, H_AR), 0);
	/* the question as sent, case kept */
	assert_memory_equal(r + 12, p.b + 12, 17 + 4);
	assert_int_equal(reply_rcode(req), RCODE_NXDOMAIN);
	/* flags and rcode editing */
	reply_set_flags(req, FLAG_AA, FLAG_RD);
	assert_int_equal(
	    hdr(req, H_FLAGS), FLAG_QR | FLAG_AA | FLAG_CD | RCODE_NXDOMAIN);
	reply_set_rcode(req, RCODE_BADVERS);
	assert_int_equal(reply_rcode(req), RCODE_BADVERS);
	assert_int_equal(hdr(req, H_FLAGS), FLAG_QR | FLAG_AA | FLAG_CD);
	/* not to be stored by a caching plugin, until a new reply */
	assert_false(reply_nostore(req));
	reply_set_nostore(req);
	assert_true(reply_nostore(req));
	/* a second reply_init starts over */
	assert_int_equal(reply_init(req, RCODE_NOERROR), 0);
	assert_false(reply_nostore(req));
	assert_int_equal(hdr(req, H_FLAGS), FLAG_QR | FLAG_RD | FLAG_CD);
	reply_packet(req, &len);
	assert_int_equal(len, 12 + 17 + 4);
	request_free(req);
}

static void
test_reply_init_opcode(void **state)
{
	struct pkt p;
	struct request *req;

	(void)state;
	p_query(&p, 7, (OPCODE_NOTIFY << 11) | FLAG_AA, "example.org", TYPE_SOA,
	    CLASS_IN, 0);
	req = req_parsed(&p);
	assert_int_equal(reply_init(req, RCODE_NOERROR), 0);
	assert_int_equal(hdr(req, H_FLAGS), FLAG_QR | (OPCODE_NOTIFY << 11));
	assert_int_equal(FLAGS_OPCODE(hdr(req, H_FLAGS)), OPCODE_NOTIFY);
	request_free(req);
}

static void
test_reply_add_rr_order(void **state)
{
	struct pkt p;
	struct request *req;
	uint8_t owner[DNAME_MAX];
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	size_t len, len2;

	(void)state;
	p_query(&p, 1, 0, "example.org", TYPE_A, CLASS_IN, 0);
	req = req_parsed(&p);
	wire_name(owner, "example.org");
	/* not started */
	assert_int_equal(
	    reply_add_rr(req, SEC_ANSWER, owner, TYPE_A, CLASS_IN, 60, a, 4),
	    ERR_INVAL);
	assert_int_equal(reply_init(req, RCODE_NOERROR), 0);
	assert_int_equal(
	    reply_add_rr(req, SEC_ANSWER, owner, TYPE_A, CLASS_IN, 60, a, 4),
	    0);
	assert_int_equal(
	    reply_add_rr(req, SEC_ANSWER, owner, TYPE_A, CLASS_IN, 60, a, 4),
	    0);
	assert_int_equal(
	    reply_add_rr(req, SEC_AUTHORITY, owner, TYPE_A, CLASS_IN, 60, a, 4),
	    0);
	assert_int_equal(reply_add_rr(req, SEC_ADDITIONAL, owner, TYPE_A,
	                     CLASS_IN, 60, a, 4),
	    0);
	reply_packet(req, &len);
	/* going back is refused and changes nothing */
	assert_int_equal(
	    reply_add_rr(req, SEC_ANSWER, owner, TYPE_A, CLASS_IN, 60, a, 4),
	    ERR_INVAL);
	assert_int_equal(
	    reply_add_rr(req, SEC_AUTHORITY, owner, TYPE_A, CLASS_IN, 60, a, 4),
	    ERR_INVAL);
	reply_packet(req, &len2);
	assert_int_equal(len, len2);
	assert_int_equal(reply_add_rr(req, SEC_ADDITIONAL, owner, TYPE_A,
	                     CLASS_IN, 60, a, 4),
	    0);
	assert_int_equal(hdr(req, H_QD), 1);
	assert_int_equal(hdr(req, H_AN), 2);
	assert_int_equal(hdr(req, H_NS), 1);
	assert_int_equal(hdr(req, H_AR), 2);
	reply_packet(req, &len);
	assert_int_equal(len, 12 + 13 + 4 + 5 * 16);
	/* skipping a section is fine */
	assert_int_equal(reply_init(req, RCODE_NOERROR), 0);
	assert_int_equal(reply_add_rr(req, SEC_ADDITIONAL, owner, TYPE_A,
	                     CLASS_IN, 60, a, 4),
	    0);
	assert_int_equal(hdr(req, H_AN), 0);
	assert_int_equal(hdr(req, H_AR), 1);
	request_free(req);
}

static void
test_reply_add_rr_compression(void **state)
{
	struct pkt p;
	struct request *req;
	uint8_t owner[DNAME_MAX];
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	static const uint8_t rr_tail[] = { 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4,
		192, 0, 2, 1 };
	const uint8_t *r;
	size_t len, at;

	(void)state;
	p_query(&p, 1, 0, "WWW.Example.org", TYPE_A, CLASS_IN, 0);
	req = req_parsed(&p);
	assert_int_equal(reply_init(req, RCODE_NOERROR), 0);
	r = reply_packet(req, &len);
	/* the lower-case qname compresses against the echoed question */
	at = len;
	assert_int_equal(reply_add_rr(req, SEC_ANSWER, request_qname(req),
	                     TYPE_A, CLASS_IN, 3600, a, 4),
	    0);
	reply_packet(req, &len);
	assert_int_equal(len, at + 2 + 14);
	assert_memory_equal(r + at, "\xc0\x0c", 2);
	assert_memory_equal(r + at + 2, rr_tail, sizeof(rr_tail));
	/* a suffix of the question */
	at = len;
	wire_name(owner, "example.org");
	assert_int_equal(
	    reply_add_rr(req, SEC_ANSWER, owner, TYPE_A, CLASS_IN, 3600, a, 4),
	    0);
	assert_memory_equal(r + at, "\xc0\x10", 2);
	at += 16;
	wire_name(owner, "mail.example.org");
	assert_int_equal(
	    reply_add_rr(req, SEC_ANSWER, owner, TYPE_A, CLASS_IN, 3600, a, 4),
	    0);
	assert_memory_equal(r + at, "\x04mail\xc0\x10", 7);
	at += 7 + 14;
	/* unrelated: literal, and later names point to it */
	wire_name(owner, "other.net");
	assert_int_equal(reply_add_rr(req, SEC_AUTHORITY, owner, TYPE_A,
	                     CLASS_IN, 3600, a, 4),
	    0);
	assert_memory_equal(r + at,
	    "\x05other\x03net\x00"
	    "\x00\x01",
	    13);
	{
		size_t other = at;

		at += 11 + 14;
		wire_name(owner, "x.OTHER.net");
		assert_int_equal(reply_add_rr(req, SEC_ADDITIONAL, owner,
		                     TYPE_A, CLASS_IN, 3600, a, 4),
		    0);
		assert_int_equal(r[at], 1);
		assert_int_equal(r[at + 1], 'x');
		assert_int_equal(r[at + 2], 0xc0);
		assert_int_equal(r[at + 3], other);
	}
	reply_packet(req, &len);
	assert_int_equal(len, at + 4 + 14);
	assert_int_equal(hdr(req, H_AN), 3);
	assert_int_equal(hdr(req, H_NS), 1);
	assert_int_equal(hdr(req, H_AR), 1);
	request_free(req);
}

static void
test_reply_add_txt(void **state)
{
	struct pkt p;
	struct request *req;
	char text[601];
	const uint8_t *r, *rd;
	size_t len, at;

	(void)state;
	p_query(&p, 1, 0, "t.example", TYPE_TXT, CLASS_IN, 0);
	req = req_parsed(&p);
	assert_int_equal(reply_init(req, RCODE_NOERROR), 0);
	r = reply_packet(req, &len);
	memset(text, 'a', 600);
	text[600] = '\0';
	memset(text + 255, 'b', 255);
	memset(text + 510, 'c', 90);
	at = len;
	assert_int_equal(reply_add_txt(req, SEC_ANSWER, request_qname(req),
	                     CLASS_IN, 300, text),
	    0);
	/* c0 0c, type, class, ttl, rdlen */
	assert_memory_equal(r + at, "\xc0\x0c\x00\x10\x00\x01", 6);
	assert_int_equal(wire_get32(r + at + 6), 300);
	assert_int_equal(wire_get16(r + at + 10), 3 + 600);
	rd = r + at + 12;
	assert_int_equal(rd[0], 255);
	assert_memory_equal(rd + 1, text, 255);
	assert_int_equal(rd[256], 255);
	assert_memory_equal(rd + 257, text + 255, 255);
	assert_int_equal(rd[512], 90);
	assert_memory_equal(rd + 513, text + 510, 90);
	reply_packet(req, &len);
	assert_int_equal(len, at + 12 + 603);
	/* empty text: one empty string */
	at = len;
	assert_int_equal(
	    reply_add_txt(req, SEC_ANSWER, request_qname(req), CLASS_IN, 0, ""),
	    0);
	assert_int_equal(wire_get16(r + at + 10), 1);
	assert_int_equal(r[at + 12], 0);
	/* exactly 255: one string; 256: two */
	at += 13;
	text[255] = '\0';
	assert_int_equal(reply_add_txt(req, SEC_ANSWER, request_qname(req),
	                     CLASS_IN, 0, text),
	    0);
	assert_int_equal(wire_get16(r + at + 10), 256);
	assert_int_equal(r[at + 12], 255);
	at += 12 + 256;
	text[255] = 'b';
	text[256] = '\0';
	assert_int_equal(reply_add_txt(req, SEC_ANSWER, request_qname(req),
	                     CLASS_IN, 0, text),
	    0);
	assert_int_equal(wire_get16(r + at + 10), 258);
	assert_int_equal(r[at + 12], 255);
	assert_int_equal(r[at + 12 + 256], 1);
	assert_int_equal(r[at + 12 + 257], 'b');
	assert_int_equal(hdr(req, H_AN), 4);
	request_free(req);
}

static void
test_reply_space(void **state)
{
	struct pkt p;
	struct request *req;
	char *text = malloc(70000);
	size_t len, len2;

	(void)state;
	assert_non_null(text);
	p_query(&p, 1, 0, "t.example", TYPE_TXT, CLASS_IN, 0);
	req = req_parsed(&p);
	assert_int_equal(reply_init(req, RCODE_NOERROR), 0);
	memset(text, 'x', 40000);
	text[40000] = '\0';
	assert_int_equal(reply_add_txt(req, SEC_ANSWER, request_qname(req),
	                     CLASS_IN, 0, text),
	    0);
	reply_packet(req, &len);
	/* a second one does not fit in 64 KiB: nothing changes */
	assert_int_equal(reply_add_txt(req, SEC_ANSWER, request_qname(req),
	                     CLASS_IN, 0, text),
	    ERR_SPACE);
	reply_packet(req, &len2);
	assert_int_equal(len, len2);
	assert_int_equal(hdr(req, H_AN), 1);
	/* a literal owner that does not fit leaves no compression target
	 * behind: a later name must not point into the discarded bytes */
	{
		uint8_t owner[DNAME_MAX];
		unsigned nptrs = req->ww.nptrs;

		wire_name(owner, "zzz.example.net");
		assert_int_equal(reply_add_rr(req, SEC_ANSWER, owner, TYPE_TXT,
		                     CLASS_IN, 0, (const uint8_t *)text, 30000),
		    ERR_SPACE);
		assert_int_equal(req->ww.nptrs, nptrs);
		reply_packet(req, &len2);
		assert_int_equal(len, len2);
	}
	/* rdata over 65535 octets cannot be built */
	memset(text, 'y', 66000);
	text[66000] = '\0';
	assert_int_equal(reply_add_txt(req, SEC_ADDITIONAL, request_qname(req),
	                     CLASS_IN, 0, text),
	    ERR_SPACE);
	reply_packet(req, &len2);
	assert_int_equal(len, len2);
	/* still usable */
	assert_int_equal(reply_add_txt(req, SEC_ADDITIONAL, request_qname(req),
	                     CLASS_IN, 0, "ok"),
	    0);
	assert_int_equal(hdr(req, H_AR), 1);
	free(text);
	request_free(req);
}

static void
test_reply_edns_option(void **state)
{
	struct pkt p;
	struct request *req;
	uint8_t big[REQ_OPTS_SIZE];

	(void)state;
	/* without EDNS: accepted and ignored */
	p_query(&p, 1, 0, "example.org", TYPE_A, CLASS_IN, 0);
	req = req_parsed(&p);
	assert_int_equal(reply_init(req, RCODE_NOERROR), 0);
	assert_int_equal(reply_add_edns_option(req, EDNS_OPT_NSID, "id", 2), 0);
	assert_int_equal(req->optlen, 0);
	request_free(req);

	p_query(&p, 1, 0, "example.org", TYPE_A, CLASS_IN, 1);
	p_opt(&p, 1232, 0, false, NULL, 0);
	req = req_parsed(&p);
	assert_int_equal(reply_init(req, RCODE_NOERROR), 0);
	assert_int_equal(reply_add_edns_option(req, EDNS_OPT_NSID, "id", 2), 0);
	assert_int_equal(req->optlen, 6);
	assert_memory_equal(req->opts, "\x00\x03\x00\x02id", 6);
	assert_int_equal(reply_add_edns_option(req, 65001, "", 0), 0);
	assert_int_equal(req->optlen, 10);
	assert_memory_equal(req->opts + 6, "\xfd\xe9\x00\x00", 4);
	/* fill up the option space exactly, then overflow */
	memset(big, 0x77, sizeof(big));
	assert_int_equal(reply_add_edns_option(req, 12, big,
	                     (uint16_t)(REQ_OPTS_SIZE - 10 - 4 - 1)),
	    0);
	assert_int_equal(req->optlen, REQ_OPTS_SIZE - 1);
	assert_int_equal(reply_add_edns_option(req, 12, big, 0), ERR_SPACE);
	assert_int_equal(req->optlen, REQ_OPTS_SIZE - 1);
	assert_int_equal(reply_add_edns_option(req, 12, big, 60000), ERR_SPACE);
	/* reply_init forgets options */
	assert_int_equal(reply_init(req, RCODE_NOERROR), 0);
	assert_int_equal(req->optlen, 0);
	request_free(req);
}

/* --- server_process --- */

static const char cf_root[] = ". {\n whoami\n}\n";
static const char cf_zones[] = "example.org {\n whoami\n}\n"
                               "empty.test {\n}\n";

static struct config *
build(const char *text)
{
	char err[1024];
	struct corefile *cf;
	struct config *cfg;

	err[0] = '\0';
	cf = corefile_parse_string(
	    text, strlen(text), "Corefile", NULL, 53, err, sizeof(err));
	if (cf == NULL)
		fail_msg("corefile: %s", err);
	cfg = config_build(cf, 1, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("config: %s", err);
	assert_true(cfg->ngroups > 0);
	return cfg;
}

/* Runs `p` through server_process on a fresh request. */
static struct request *
process(struct config *cfg, const struct pkt *p, enum proto proto,
    enum req_result want)
{
	struct request *req = req_new(p, proto);

	assert_int_equal(server_process(req, cfg, &cfg->groups[0]), want);
	return req;
}

/* Offset of the OPT record in a reply whose last RR is the OPT. */
static const uint8_t *
opt_at_end(const struct request *req)
{
	assert_true(req->txlen >= 12 + 11);
	return req->tx + req->txlen - 11;
}

static void
test_process_whoami(void **state)
{
	struct config *cfg = build(cf_root);
	struct pkt p;
	struct request *req;
	const uint8_t *r;
	size_t len, q;
	static const uint8_t a_rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0,
		4, 127, 0, 0, 1 };
	static const uint8_t srv_rr[] = { 4, '_', 'u', 'd', 'p', 0xc0, 0x0c, 0,
		33, 0, 1, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0x14, 0xe9, 0 };

	(void)state;
	p_query(&p, 0x5151, FLAG_RD, "WhoAmI.Example.org", TYPE_A, CLASS_IN, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	r = reply_packet(req, &len);
	q = 12 + 20 + 4;
	assert_int_equal(len, req->txlen);
	assert_int_equal(len, q + sizeof(a_rr) + sizeof(srv_rr));
	assert_int_equal(hdr(req, H_ID), 0x5151);
	assert_int_equal(hdr(req, H_FLAGS), FLAG_QR | FLAG_AA | FLAG_RD);
	assert_int_equal(hdr(req, H_QD), 1);
	assert_int_equal(hdr(req, H_AN), 0);
	assert_int_equal(hdr(req, H_NS), 0);
	assert_int_equal(hdr(req, H_AR), 2);
	assert_memory_equal(r + 12, p.b + 12, 20 + 4);
	assert_memory_equal(r + q, a_rr, sizeof(a_rr));
	assert_memory_equal(r + q + sizeof(a_rr), srv_rr, sizeof(srv_rr));
	assert_string_equal(request_replied_by(req), "whoami");
	assert_non_null(req->sb);
	/* the same request object again after a reset: same answer */
	request_reset(req);
	memcpy(req->rx, p.b, p.n);
	req->rxlen = p.n;
	assert_int_equal(server_process(req, cfg, &cfg->groups[0]), REQ_REPLY);
	assert_int_equal(req->txlen, len);
	assert_memory_equal(req->tx + q, a_rr, sizeof(a_rr));
	request_free(req);

	/* over TCP the SRV owner says _tcp; CH class is echoed */
	p_query(&p, 1, 0, ".", TYPE_A, CLASS_CH, 0);
	req = process(cfg, &p, PROTO_TCP, REQ_REPLY);
	r = reply_packet(req, &len);
	assert_int_equal(hdr(req, H_AR), 2);
	q = 12 + 1 + 4;
	/* A with the root as owner (1 octet), then the SRV */
	assert_int_equal(wire_get16(r + q + 3), CLASS_CH);
	assert_memory_equal(r + q + 15, "\x04_tcp\x00", 6);
	request_free(req);
	config_unref(cfg);
}

static void
test_process_whoami_edns(void **state)
{
	struct config *cfg = build(cf_root);
	struct pkt p;
	struct request *req;
	const uint8_t *opt;
	static const uint8_t nsid[] = { 0, 3, 0, 0 };

	(void)state;
	p_query(&p, 2, 0, "example.org", TYPE_AAAA, CLASS_IN, 1);
	p_opt(&p, 4096, 0, true, nsid, sizeof(nsid));
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(hdr(req, H_AR), 3);
	assert_int_equal(hdr(req, H_FLAGS) & FLAG_TC, 0);
	opt = opt_at_end(req);
	assert_int_equal(opt[0], 0);
	assert_int_equal(wire_get16(opt + 1), TYPE_OPT);
	assert_int_equal(wire_get16(opt + 3), EDNS_DEFAULT_SIZE);
	assert_int_equal(opt[5], 0);    /* ext-rcode */
	assert_int_equal(opt[6], 0);    /* version */
	assert_int_equal(opt[7], 0x80); /* DO echoed */
	assert_int_equal(opt[8], 0);
	assert_int_equal(wire_get16(opt + 9), 0);
	request_free(req);

	/* no DO in, no DO out */
	p_query(&p, 2, 0, "example.org", TYPE_A, CLASS_IN, 1);
	p_opt(&p, 1232, 0, false, NULL, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	opt = opt_at_end(req);
	assert_int_equal(wire_get16(opt + 1), TYPE_OPT);
	assert_int_equal(opt[7], 0);
	request_free(req);
	config_unref(cfg);
}

static void
test_process_refused_servfail(void **state)
{
	struct config *cfg = build(cf_zones);
	struct pkt p;
	struct request *req;

	(void)state;
	/* inside example.org: whoami */
	p_query(&p, 3, FLAG_RD, "a.b.example.org", TYPE_A, CLASS_IN, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(FLAGS_RCODE(hdr(req, H_FLAGS)), RCODE_NOERROR);
	assert_int_equal(hdr(req, H_AR), 2);
	request_free(req);
	/* outside any block */
	p_query(&p, 3, FLAG_RD, "www.other.net", TYPE_A, CLASS_IN, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(hdr(req, H_FLAGS), FLAG_QR | FLAG_RD | RCODE_REFUSED);
	assert_int_equal(hdr(req, H_QD), 1);
	assert_int_equal(hdr(req, H_AN) + hdr(req, H_NS) + hdr(req, H_AR), 0);
	assert_int_equal(req->txlen, 12 + 15 + 4);
	assert_memory_equal(req->tx + 12, p.b + 12, 15 + 4);
	request_free(req);
	/* label boundary: aexample.org is not example.org */
	p_query(&p, 3, 0, "aexample.org", TYPE_A, CLASS_IN, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(FLAGS_RCODE(hdr(req, H_FLAGS)), RCODE_REFUSED);
	request_free(req);
	/* the root is outside too */
	p_query(&p, 3, 0, ".", TYPE_NS, CLASS_IN, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(FLAGS_RCODE(hdr(req, H_FLAGS)), RCODE_REFUSED);
	request_free(req);
	/* a block without plugins */
	p_query(&p, 4, 0, "x.EMPTY.test", TYPE_A, CLASS_IN, 1);
	p_opt(&p, 1232, 0, false, NULL, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(hdr(req, H_FLAGS), FLAG_QR | RCODE_SERVFAIL);
	assert_int_equal(hdr(req, H_QD), 1);
	assert_int_equal(hdr(req, H_AN), 0);
	assert_int_equal(hdr(req, H_AR), 1);
	assert_int_equal(wire_get16(opt_at_end(req) + 1), TYPE_OPT);
	request_free(req);
	config_unref(cfg);
}

static void
test_process_formerr(void **state)
{
	struct config *cfg = build(cf_root);
	struct pkt p;
	struct request *req;

	(void)state;
	/* QDCOUNT 2 */
	p_query(
	    &p, 0x7777, FLAG_RD | FLAG_CD, "example.org", TYPE_A, CLASS_IN, 0);
	wire_put16(p.b + 4, 2);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(req->txlen, 12);
	assert_int_equal(hdr(req, H_ID), 0x7777);
	assert_int_equal(
	    hdr(req, H_FLAGS), FLAG_QR | FLAG_RD | FLAG_CD | RCODE_FORMERR);
	assert_int_equal(hdr(req, H_QD), 0);
	assert_int_equal(hdr(req, H_AN), 0);
	assert_int_equal(hdr(req, H_NS), 0);
	assert_int_equal(hdr(req, H_AR), 0);
	request_free(req);
	/* trailing garbage after a valid question, opcode kept */
	p_query(&p, 0x7778, OPCODE_NOTIFY << 11, "example.org", TYPE_SOA,
	    CLASS_IN, 0);
	p_bytes(&p, "zz", 2);
	req = process(cfg, &p, PROTO_TCP, REQ_REPLY);
	assert_int_equal(req->txlen, 12);
	assert_int_equal(
	    hdr(req, H_FLAGS), FLAG_QR | (OPCODE_NOTIFY << 11) | RCODE_FORMERR);
	assert_int_equal(hdr(req, H_QD), 0);
	request_free(req);
	/* a header alone */
	p.n = 12;
	memset(p.b, 0, 12);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(req->txlen, 12);
	assert_int_equal(FLAGS_RCODE(hdr(req, H_FLAGS)), RCODE_FORMERR);
	request_free(req);
	config_unref(cfg);
}

static void
test_process_badvers(void **state)
{
	struct config *cfg = build(cf_root);
	struct pkt p;
	struct request *req;
	const uint8_t *opt;

	(void)state;
	p_query(&p, 9, FLAG_RD, "example.org", TYPE_A, CLASS_IN, 1);
	p_opt(&p, 1232, 1, true, NULL, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	/* the low 4 bits of BADVERS (16) are 0 */
	assert_int_equal(hdr(req, H_FLAGS), FLAG_QR | FLAG_RD);
	assert_int_equal(hdr(req, H_QD), 1);
	assert_int_equal(hdr(req, H_AN), 0);
	assert_int_equal(hdr(req, H_NS), 0);
	assert_int_equal(hdr(req, H_AR), 1);
	assert_int_equal(req->txlen, 12 + 13 + 4 + 11);
	opt = opt_at_end(req);
	assert_int_equal(opt[0], 0);
	assert_int_equal(wire_get16(opt + 1), TYPE_OPT);
	assert_int_equal(opt[5], 1); /* ext-rcode: 16 >> 4 */
	assert_int_equal(opt[6], 0); /* our version */
	assert_int_equal(reply_rcode(req), RCODE_BADVERS);
	request_free(req);
	config_unref(cfg);
}

static void
test_process_notimp_drop(void **state)
{
	struct config *cfg = build(cf_root);
	struct pkt p;
	struct request *req;

	(void)state;
	p_query(&p, 10, (OPCODE_STATUS << 11) | FLAG_RD, "example.org", TYPE_A,
	    CLASS_IN, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(hdr(req, H_FLAGS),
	    FLAG_QR | (OPCODE_STATUS << 11) | FLAG_RD | RCODE_NOTIMP);
	assert_int_equal(hdr(req, H_AN) + hdr(req, H_NS) + hdr(req, H_AR), 0);
	request_free(req);
	/* IQUERY too */
	p_query(
	    &p, 10, OPCODE_IQUERY << 11, "example.org", TYPE_A, CLASS_IN, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(FLAGS_RCODE(hdr(req, H_FLAGS)), RCODE_NOTIMP);
	request_free(req);
	/* QR=1 and runts are dropped */
	p_query(&p, 11, FLAG_QR, "example.org", TYPE_A, CLASS_IN, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_DROP);
	request_free(req);
	p.n = 11;
	req = process(cfg, &p, PROTO_UDP, REQ_DROP);
	request_free(req);
	config_unref(cfg);
}

/* ". { chaos v A1 ... A8 \n whoami }" with 200-octet authors */
static struct config *
build_chaos(int nauthors)
{
	char *text = malloc(8192);
	struct config *cfg;
	size_t n;

	assert_non_null(text);
	n = (size_t)snprintf(text, 8192, ". {\n chaos v");
	for (int i = 0; i < nauthors; i++) {
		text[n++] = ' ';
		for (int j = 0; j < 200; j++)
			text[n++] = (char)('a' + (i + j) % 26);
	}
	snprintf(text + n, 8192 - n, "\n whoami\n}\n");
	cfg = build(text);
	free(text);
	return cfg;
}

static void
test_process_truncation(void **state)
{
	struct config *cfg = build_chaos(5);
	struct pkt p;
	struct request *req;
	size_t q = 12 + 14 + 4;
	size_t full = q + 5 * (2 + 10 + 201);

	(void)state;
	/* UDP without EDNS: over 512, so TC and the question only */
	p_query(&p, 12, FLAG_RD, "Authors.Bind", TYPE_TXT, CLASS_CH, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(hdr(req, H_FLAGS), FLAG_QR | FLAG_RD | FLAG_TC);
	assert_int_equal(hdr(req, H_QD), 1);
	assert_int_equal(hdr(req, H_AN), 0);
	assert_int_equal(hdr(req, H_NS), 0);
	assert_int_equal(hdr(req, H_AR), 0);
	assert_int_equal(req->txlen, q);
	assert_memory_equal(req->tx + 12, p.b + 12, 14 + 4);
	assert_string_equal(request_replied_by(req), "chaos");
	request_free(req);

	/* TCP: everything */
	req = process(cfg, &p, PROTO_TCP, REQ_REPLY);
	assert_int_equal(hdr(req, H_FLAGS), FLAG_QR | FLAG_RD);
	assert_int_equal(hdr(req, H_AN), 5);
	assert_int_equal(req->txlen, full);
	assert_true(req->txlen > 512);
	/* each author its own TXT record */
	assert_memory_equal(req->tx + q, "\xc0\x0c\x00\x10\x00\x03", 6);
	assert_int_equal(wire_get16(req->tx + q + 10), 201);
	assert_int_equal(req->tx[q + 12], 200);
	assert_int_equal(req->tx[q + 13], 'a');
	request_free(req);

	/* UDP with EDNS 4096: fits in our 1232 */
	p_query(&p, 12, 0, "authors.bind", TYPE_TXT, CLASS_CH, 1);
	p_opt(&p, 4096, 0, false, NULL, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(hdr(req, H_FLAGS) & FLAG_TC, 0);
	assert_int_equal(hdr(req, H_AN), 5);
	assert_int_equal(hdr(req, H_AR), 1);
	assert_int_equal(req->txlen, full + 11);
	request_free(req);

	/* UDP with EDNS 512 (and smaller, raised to 512): TC, question and
	 * OPT */
	for (int i = 0; i < 2; i++) {
		p_query(&p, 12, 0, "authors.bind", TYPE_TXT, CLASS_CH, 1);
		p_opt(&p, i == 0 ? 512 : 100, 0, true, NULL, 0);
		req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
		assert_int_equal(hdr(req, H_FLAGS), FLAG_QR | FLAG_TC);
		assert_int_equal(hdr(req, H_QD), 1);
		assert_int_equal(hdr(req, H_AN), 0);
		assert_int_equal(hdr(req, H_NS), 0);
		assert_int_equal(hdr(req, H_AR), 1);
		assert_int_equal(req->txlen, q + 11);
		assert_int_equal(wire_get16(opt_at_end(req) + 1), TYPE_OPT);
		assert_int_equal(opt_at_end(req)[7], 0x80);
		request_free(req);
	}

	/* other chaos names and the fall-through to whoami */
	p_query(&p, 13, 0, "version.bind", TYPE_TXT, CLASS_CH, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_int_equal(hdr(req, H_AN), 1);
	assert_int_equal(wire_get16(req->tx + 12 + 14 + 4 + 10), 2);
	assert_memory_equal(req->tx + 12 + 14 + 4 + 12, "\x01v", 2);
	request_free(req);
	p_query(&p, 13, 0, "authors.bind", TYPE_A, CLASS_IN, 0);
	req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
	assert_string_equal(request_replied_by(req), "whoami");
	assert_int_equal(hdr(req, H_AR), 2);
	request_free(req);
	config_unref(cfg);
}

static void
test_process_truncation_limit(void **state)
{
	/* A reply of exactly 512 octets is not truncated, 513 is. The
	 * author token length is chosen for that: header 12, question 18,
	 * then one TXT of two strings: 2 + 10 + 2 + L. */
	struct pkt p;
	struct request *req;

	(void)state;
	for (int extra = 0; extra < 2; extra++) {
		size_t l = 512 - 30 - 14 + (size_t)extra;
		char *text = malloc(1024);
		struct config *cfg;
		size_t n;

		assert_non_null(text);
		n = (size_t)snprintf(text, 1024, ". {\n chaos v ");
		memset(text + n, 'q', l);
		snprintf(text + n + l, 1024 - n - l, "\n}\n");
		cfg = build(text);
		free(text);
		p_query(&p, 14, 0, "authors.bind", TYPE_TXT, CLASS_CH, 0);
		req = process(cfg, &p, PROTO_UDP, REQ_REPLY);
		if (extra == 0) {
			assert_int_equal(req->txlen, 512);
			assert_int_equal(hdr(req, H_FLAGS) & FLAG_TC, 0);
			assert_int_equal(hdr(req, H_AN), 1);
		} else {
			assert_int_equal(req->txlen, 30);
			assert_int_equal(hdr(req, H_FLAGS) & FLAG_TC, FLAG_TC);
		}
		request_free(req);
		config_unref(cfg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_accessors),
		cmocka_unit_test(test_request_edns_accessors),
		cmocka_unit_test(test_reply_init_echo),
		cmocka_unit_test(test_reply_init_opcode),
		cmocka_unit_test(test_reply_add_rr_order),
		cmocka_unit_test(test_reply_add_rr_compression),
		cmocka_unit_test(test_reply_add_txt),
		cmocka_unit_test(test_reply_space),
		cmocka_unit_test(test_reply_edns_option),
		cmocka_unit_test(test_process_whoami),
		cmocka_unit_test(test_process_whoami_edns),
		cmocka_unit_test(test_process_refused_servfail),
		cmocka_unit_test(test_process_formerr),
		cmocka_unit_test(test_process_badvers),
		cmocka_unit_test(test_process_notimp_drop),
		cmocka_unit_test(test_process_truncation),
		cmocka_unit_test(test_process_truncation_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
