/* fuzz/fuzz_answer.c - libFuzzer target for the sql plugin's answer path:
 * zanswer over fixed zone snapshots (four zones: a parent with every
 * kind of data, a served child, a sibling, a zone with a DNAME at its
 * apex), run through server_process as the only plugin of a root block,
 * so the core's OPT and truncation apply too, and the packet cache.
 *
 * Each input becomes one query (a name of the zones, changed label by
 * label, any case; a type from a list or any; DO, CD, RD, EDNS and its
 * size, UDP or TCP, the block's bufsize). It is asked three times in
 * different case: a miss (stored on second sight), a miss (stored), a
 * cache hit. Every reply must be a well-formed message (our strict
 * name reader and ldns agree), fit the transport, set TC exactly when
 * the answer did not fit, and echo the question as sent; its answer and
 * authority sections must equal those of a reference resolver written
 * here over the zone records (RFC 1034 4.3.2, RFC 2308, RFC 4592,
 * RFC 6672), its additional section must hold only addresses of NS, MX
 * and SRV targets and all required glue (RFC 9471), and optional
 * additional data must never be the cause of TC. The cached reply must
 * be the first one byte for byte, apart from the ID and the question's
 * case. */
#include "config.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wire.h"
#include "common/zonefile.h"
#include "server/plugins/sql/answer.h"
#include "server/plugins/sql/pcache.h"
#include "server/plugins/sql/zsnap.h"
#include "server/server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed check prints what it can (the query, the reply, what the
 * reference expected), then traps. */
static void fail(int line) __attribute__((noreturn));
#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			fail(__LINE__);                                        \
	} while (0)

#define MAX_CHAIN 16 /* as answer.c */
#define MAXRR 600    /* RRs in one reply we look at */

/* ---- the zones ------------------------------------------------------ */

static const char zone_org[] =
    "$TTL 3600\n"
    "@\tSOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
    "@\tNS ns1\n"
    "@\tNS ns2\n"
    "@\tNS ns.example.net.\n"
    "@\tNS ns.outside.test.\n"
    "@\tMX 10 mail\n"
    "@\tMX 20 mail.example.net.\n"
    "@\tMX 30 mx.outside.test.\n"
    "@\tA 192.0.2.1\n"
    "@\tAAAA 2001:db8::1\n"
    "@\tTXT \"v=spf1 -all\"\n"
    "@\tCAA 0 issue \"ca.example\"\n"
    "ns1\tA 192.0.2.53\n"
    "ns1\tAAAA 2001:db8::53\n"
    "ns2\tA 192.0.2.54\n"
    "mail\tA 192.0.2.25\n"
    "mail\tAAAA 2001:db8::25\n"
    "www\t300 A 192.0.2.80\n"
    "www\t300 A 192.0.2.81\n"
    "www\tAAAA 2001:db8::80\n"
    "WWW2\tA 192.0.2.82\n"
    "alias\tCNAME www\n"
    "alias2\tCNAME WWW.Example.ORG.\n"
    "chain1\tCNAME chain2\n"
    "chain2\tCNAME chain3\n"
    "chain3\t60 CNAME chain4\n"
    "chain4\tCNAME alias\n"
    "loop1\tCNAME loop2\n"
    "loop2\tCNAME loop1\n"
    "self\tCNAME self\n"
    "out\tCNAME www.example.net.\n"
    "out2\tCNAME host.outside.test.\n"
    "xloop\tCNAME xloop.example.net.\n"
    "tochild\tCNAME www.child.example.org.\n"
    "todeleg\tCNAME host.deleg.example.org.\n"
    "todname\tCNAME www.dn.example.org.\n"
    "tonx\tCNAME nothere.example.org.\n"
    "tonxnet\tCNAME nothere.example.net.\n"
    "towild\tCNAME foo.wild.example.org.\n"
    "toapexdn\tCNAME www.dnapex.test.\n"
    "tomx\tCNAME mxmany\n"
    "*.wild\tA 192.0.2.99\n"
    "*.wild\tTXT \"wild\"\n"
    "*.wild\tMX 10 mail\n"
    "sub.*.wild\tA 192.0.2.98\n"
    "*.wc\tCNAME www\n"
    "*.wcloop\tCNAME a.wcloop\n"
    "*.wcout\tCNAME foo.example.net.\n"
    "*.wns\tNS ns1\n"
    "a.b.c.ent\tA 192.0.2.7\n"
    "*.b.c.ent\tTXT \"under an empty non-terminal\"\n"
    "deleg\tNS ns1.deleg\n"
    "deleg\tNS ns2.deleg\n"
    "deleg\tNS ns.example.net.\n"
    "deleg\tNS ns.outside.test.\n"
    "deleg\tDS 12345 8 2 "
    "49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE9B7A2F9D5E2F8C6B1D3E4F5A\n"
    "ns1.deleg\tA 192.0.2.201\n"
    "ns1.deleg\tAAAA 2001:db8::201\n"
    "ns2.deleg\tA 192.0.2.202\n"
    "host.deleg\tA 192.0.2.203\n"
    "nog\tNS ns.outside.test.\n"
    "child\tNS ns1.child\n"
    "child\tDS 54321 13 2 "
    "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n"
    "ns1.child\tA 192.0.2.210\n"
    "dn\tDNAME example.net.\n"
    "dn\tTXT \"dname owner\"\n"
    "dnself\tDNAME dnself.example.org.\n"
    "dnout\tDNAME outside.test.\n"
    "dnchild\tDNAME child.example.org.\n"
    "_sip._tcp\tSRV 10 60 5060 sip\n"
    "_sip._tcp\tSRV 20 60 5060 sip.example.net.\n"
    "_sip._tcp\tSRV 30 60 5060 .\n"
    "sip\tA 192.0.2.60\n"
    "ptr\tPTR www\n"
    "hinfo\tHINFO \"PC\" \"Linux\"\n"
    "cnametxt\tCNAME www\n"
    "cnametxt\tTXT \"odd\"\n"
    "unknown\tTYPE65534 \\# 3 010203\n"
    "mxnull\tMX 0 .\n";

static const char zone_child[] =
    "$TTL 600\n"
    "@\tSOA ns1 hostmaster 1 7200 3600 1209600 600\n"
    "@\tNS ns1\n"
    "ns1\tA 192.0.2.210\n"
    "www\tA 192.0.2.211\n"
    "back\tCNAME www.example.org.\n"
    "grand\tNS ns.grand\n"
    "grand\tNS ns1\n"
    "grand\tDS 1 8 2 "
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    "ns.grand\tA 192.0.2.220\n"
    "ns.grand\tAAAA 2001:db8::220\n"
    "*.wild\tTXT \"child wild\"\n";

static const char zone_net[] =
    "$TTL 7200\n"
    "@\t30 SOA ns hostmaster.example.org. 7 7200 3600 1209600 60\n"
    "@\tNS ns\n"
    "ns\tA 198.51.100.53\n"
    "www\tA 198.51.100.80\n"
    "mail\tA 198.51.100.25\n"
    "sip\tAAAA 2001:db8:1::60\n"
    "back\tCNAME alias.example.org.\n"
    "xloop\tCNAME xloop.example.org.\n";

static const char zone_dnapex[] =
    "$TTL 900\n"
    "@\tSOA ns.example.net. h.example.net. 1 7200 3600 1209600 120\n"
    "@\tNS ns.example.net.\n"
    "@\tDNAME example.org.\n"
    "@\tA 192.0.2.111\n";

struct rec {
	uint8_t owner[DNAME_MAX]; /* lower case */
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t *rdata;
};

struct zone {
	const char *origin;
	uint8_t apex[DNAME_MAX];
	int alabels;
	struct rec *r;
	size_t n, cap;
	struct zsnap *snap;
	const struct rec *soa;
	uint32_t negttl;
};

#define NZONES 4
static struct zone zones[NZONES] = {
	{ .origin = "example.org." },
	{ .origin = "child.example.org." },
	{ .origin = "example.net." },
	{ .origin = "dnapex.test." },
};

/* Generated parts of example.org: big RRsets and long names. */
static char *
gen_org(size_t *len)
{
	size_t cap = sizeof(zone_org) + 65536, n;
	char *t = malloc(cap), lab[64];

	CHECK(t != NULL);
	n = (size_t)snprintf(t, cap, "%s", zone_org);
#define ADD(...) (n += (size_t)snprintf(t + n, cap - n, __VA_ARGS__))
	/* 40 addresses: a big answer of one RRset */
	for (int i = 0; i < 40; i++)
		ADD("manya\tA 192.0.2.%d\n", 100 + i);
	/* 10 MX targets with A and AAAA: an answer that fits 512 octets
	 * with additional data that does not */
	for (int i = 0; i < 10; i++) {
		ADD("mxmany\tMX %d m%d\n", i, i);
		ADD("m%d\tA 198.18.0.%d\n", i, i);
		ADD("m%d\tAAAA 2001:db8:18::%d\n", i, i);
	}
	/* one TXT of 10 x 255 octets; 24 TXT of 2 x 255 */
	memset(lab, 0, sizeof(lab));
	ADD("big\tTXT");
	for (int i = 0; i < 10; i++) {
		ADD(" \"");
		for (int k = 0; k < 255; k++)
			ADD("%c", 'a' + (i + k) % 26);
		ADD("\"");
	}
	ADD("\n");
	for (int r = 0; r < 24; r++) {
		ADD("huge\tTXT \"%02d", r);
		for (int k = 0; k < 253; k++)
			ADD("x");
		ADD("\" \"");
		for (int k = 0; k < 255; k++)
			ADD("y");
		ADD("\"\n");
	}
	/* a delegation to 8 servers with long names below the cut, with
	 * A and AAAA glue: required glue that does not fit 512 octets */
	memset(lab, 'n', 40);
	for (int i = 0; i < 8; i++) {
		ADD("bigdeleg\tNS ns%d.%s.bigdeleg\n", i, lab);
		ADD("ns%d.%s.bigdeleg\tA 203.0.113.%d\n", i, lab, i);
		ADD("ns%d.%s.bigdeleg\tAAAA 2001:db8:113::%d\n", i, lab, i);
	}
	/* a DNAME whose target makes most names too long (YXDOMAIN) */
	memset(lab, 'l', 63);
	ADD("dnlong\tDNAME %s.%s.%s.longtarget.test.\n", lab, lab, lab);
#undef ADD
	CHECK(n < cap);
	*len = n;
	return t;
}

static int
on_rr(void *arg, const struct zf_rr *rr)
{
	struct zone *z = arg;
	struct rec *r;

	if (z->n == z->cap) {
		z->cap = z->cap ? 2 * z->cap : 64;
		z->r = realloc(z->r, z->cap * sizeof(*z->r));
		CHECK(z->r != NULL);
	}
	r = &z->r[z->n++];
	memcpy(r->owner, rr->owner, dname_len(rr->owner));
	dname_lower(r->owner);
	r->type = rr->type;
	r->ttl = rr->ttl;
	r->rdlen = rr->rdlen;
	r->rdata = malloc(rr->rdlen ? rr->rdlen : 1);
	CHECK(r->rdata != NULL);
	memcpy(r->rdata, rr->rdata, rr->rdlen);
	return 0;
}

static void
load_zone(struct zone *z, const char *text, size_t len)
{
	struct zsnap_builder *b;
	char err[256];

	CHECK(dname_from_str(z->apex, z->origin) > 0);
	z->alabels = dname_labels(z->apex);
	CHECK(zonefile_read_mem(text, len, "fuzz", z->origin, 0, on_rr, NULL, z,
	          err, sizeof(err)) == 0);
	CHECK((b = zsnap_builder_new(z->apex)) != NULL);
	for (size_t i = 0; i < z->n; i++) {
		struct rec *r = &z->r[i];

		CHECK(zsnap_builder_add(b, r->owner, r->type, r->ttl, r->rdata,
		          r->rdlen) == 0);
		if (r->type == TYPE_SOA) {
			const uint8_t *p = r->rdata;
			uint32_t min;

			p += dname_len(p);
			p += dname_len(p);
			min = wire_get32(p + 16);
			z->soa = r;
			z->negttl = r->ttl < min ? r->ttl : min;
		}
	}
	CHECK((z->snap = zsnap_builder_finish(b)) != NULL);
	CHECK(z->snap->has_soa && z->soa != NULL);
}

/* The deepest served zone holding `name` (lower case), or -1. */
static int
zone_of(const uint8_t *name)
{
	int best = -1;

	for (int i = 0; i < NZONES; i++)
		if (dname_is_subdomain(name, zones[i].apex) &&
		    (best < 0 || zones[i].alabels > zones[best].alabels))
			best = i;
	return best;
}

static const struct zsnap *
lookup_zone(void *arg, const uint8_t *name, size_t len)
{
	int i;

	(void)arg;
	CHECK(len == dname_len(name) && len <= DNAME_MAX);
	for (size_t k = 0; k < len; k++)
		CHECK(!(name[k] >= 'A' && name[k] <= 'Z')); /* lower case */
	i = zone_of(name);
	return i < 0 ? NULL : zones[i].snap;
}

/* ---- the plugin under test: sql_serve without the store -------------- */

static struct {
	bool served; /* zanswer ran or the cache answered */
	bool hit;
	int zi;
	unsigned info;
	size_t len;
	uint8_t pkt[REQ_BUF_SIZE];
} cap;
static struct pcache *pc;

static enum pl_status
serve(struct request *req, void *ctx)
{
	const uint8_t *qname = request_qname(req);
	uint16_t qtype = request_qtype(req), qclass = request_qclass(req);
	size_t qlen = dname_len(qname), plen;
	struct pc_versions v;
	const uint8_t *p;
	int zi;

	(void)ctx;
	if (request_opcode(req) != OPCODE_QUERY ||
	    (qclass != CLASS_IN && qclass != CLASS_ANY) || qtype == TYPE_AXFR ||
	    qtype == TYPE_IXFR)
		return PL_NEXT;
	if ((zi = zone_of(qname)) < 0)
		return PL_NEXT;
	if (qtype == TYPE_DS && dname_equal(zones[zi].apex, qname) &&
	    qlen > 1) {
		int pz = zone_of(qname + 1 + qname[0]);

		if (pz >= 0)
			zi = pz;
	}
	cap.served = true;
	cap.zi = zi;
	v.zone = zones[zi].snap->version;
	v.zset = 1;
	v.table = 1;
	if (pcache_lookup(pc, req, &v)) {
		cap.hit = true;
	} else {
		CHECK(zanswer(req, zones[zi].snap, lookup_zone, NULL,
		          &cap.info) == 0);
		/* as sql_serve */
		pcache_store(pc, req, &v,
		    (cap.info & ANS_MULTIZONE)  ? PC_TABLE
		    : (cap.info & ANS_SUBZONES) ? PC_ZONE_SET
		                                : PC_ZONE);
	}
	p = reply_packet(req, &plen);
	CHECK(plen <= sizeof(cap.pkt));
	memcpy(cap.pkt, p, plen);
	cap.len = plen;
	return PL_DONE;
}

static const struct plugin_ops answer_ops = {
	.name = "fuzz_answer",
	.serve = serve,
};
static struct chain_entry chain[1] = { { &answer_ops, NULL } };
static struct chain_entry *whoami_chain;

static struct config *cfg;
static struct request *req;

/* Known bugs a run may be told to let pass, so that it finds others:
 * FUZZ_ANSWER_KNOWN=bufsize,glue-order (see fuzz/README.md). */
static bool known_bufsize, known_glue_order;
/* FUZZ_ANSWER_DUMP=1: print every query and reply (to read a seed) */
static bool dump_all;

/* ---- the query ------------------------------------------------------ */

struct query {
	uint16_t id, flags, qtype, qclass;
	uint8_t qname[DNAME_MAX]; /* as sent */
	size_t qlen;
	bool edns, dnssec_ok, badvers;
	uint16_t edns_size;
	enum proto proto;
	uint16_t bufsize;
};

static size_t
build_query(const struct query *q, uint8_t *pkt)
{
	size_t n = DNS_HDR_LEN;

	memset(pkt, 0, DNS_HDR_LEN);
	wire_put16(pkt, q->id);
	wire_put16(pkt + 2, q->flags);
	wire_put16(pkt + 4, 1);
	wire_put16(pkt + 10, q->edns ? 1 : 0);
	memcpy(pkt + n, q->qname, q->qlen);
	n += q->qlen;
	wire_put16(pkt + n, q->qtype);
	wire_put16(pkt + n + 2, q->qclass);
	n += 4;
	if (q->edns) {
		pkt[n] = 0;
		wire_put16(pkt + n + 1, TYPE_OPT);
		wire_put16(pkt + n + 3, q->edns_size);
		pkt[n + 5] = 0;
		pkt[n + 6] = q->badvers ? 1 : 0;
		pkt[n + 7] = q->dnssec_ok ? 0x80 : 0;
		pkt[n + 8] = 0;
		wire_put16(pkt + n + 9, 0);
		n += 11;
	}
	return n;
}

/* ---- reading a reply ------------------------------------------------ */

struct prr {
	uint8_t owner[DNAME_MAX]; /* lower case */
	uint16_t type, cls;
	uint32_t ttl;
	uint16_t rdlen;
	const uint8_t *rdata;
	size_t off, end; /* the RR's octets in the packet */
};

struct msg {
	uint16_t id, flags;
	uint16_t count[4];
	size_t qend;      /* offset past the question */
	size_t secend[3]; /* offset past each section */
	size_t nrr;
	struct prr rr[MAXRR];
};

static struct msg m_final, m_pre;

/* Strict read of a whole message: every name decodes (pointers only
 * backwards), the sections fill it exactly. */
static void
parse_msg(const uint8_t *p, size_t len, struct msg *m)
{
	size_t pos = DNS_HDR_LEN;
	uint8_t name[DNAME_MAX];

	CHECK(len >= DNS_HDR_LEN && len <= DNS_MAX_MSG);
	m->id = wire_get16(p);
	m->flags = wire_get16(p + 2);
	for (int i = 0; i < 4; i++)
		m->count[i] = wire_get16(p + 4 + 2 * i);
	CHECK(m->count[0] == 1);
	CHECK(dname_unpack(p, len, &pos, name) > 0);
	CHECK(len - pos >= 4);
	pos += 4;
	m->qend = pos;
	m->nrr = 0;
	for (int s = 0; s < 3; s++) {
		for (unsigned i = 0; i < m->count[s + 1]; i++) {
			struct prr *r = &m->rr[m->nrr++];

			CHECK(m->nrr <= MAXRR);
			r->off = pos;
			CHECK(dname_unpack(p, len, &pos, r->owner) > 0);
			dname_lower(r->owner);
			CHECK(len - pos >= 10);
			r->type = wire_get16(p + pos);
			r->cls = wire_get16(p + pos + 2);
			r->ttl = wire_get32(p + pos + 4);
			r->rdlen = wire_get16(p + pos + 8);
			pos += 10;
			CHECK(len - pos >= r->rdlen);
			r->rdata = p + pos;
			pos += r->rdlen;
			r->end = pos;
		}
		m->secend[s] = pos;
	}
	CHECK(pos == len);
}

/* ldns reads it too, with the same counts and flags. */
static void
ldns_agrees(const uint8_t *p, size_t len, const struct msg *m)
{
	ldns_pkt *lp = NULL;

	CHECK(ldns_wire2pkt(&lp, p, len) == LDNS_STATUS_OK);
	CHECK(ldns_pkt_qdcount(lp) == 1);
	CHECK(ldns_pkt_ancount(lp) == m->count[1]);
	CHECK(ldns_pkt_nscount(lp) == m->count[2]);
	CHECK(ldns_pkt_tc(lp) == ((m->flags & FLAG_TC) != 0));
	CHECK(ldns_pkt_id(lp) == m->id);
	ldns_pkt_free(lp);
}

/* ---- the reference resolver ---------------------------------------- */

struct erec {
	uint8_t owner[DNAME_MAX];
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	const uint8_t *rdata;
	uint8_t synth[DNAME_MAX]; /* rdata of a synthesized CNAME */
};

struct expect {
	uint16_t rcode;
	bool aa;
	bool referral;
	bool multi;    /* the chain left its first zone (ANS_MULTIZONE) */
	bool subzones; /* a name looked up again in its zone (ANS_SUBZONES) */
	int final_zi;  /* the zone the last name was looked up in */
	uint8_t cut[DNAME_MAX];
	int cutzone;
	size_t nsec[2];
	struct erec sec[2][MAXRR];
};

static struct expect ex;
static bool ex_valid;

static const uint8_t *dump_query, *dump_final, *dump_pre;
static size_t dump_qlen, dump_flen, dump_plen;

static void
dump_pkt(const char *what, const uint8_t *p, size_t len)
{
	ldns_pkt *lp = NULL;
	char *str;

	if (p == NULL || len == 0)
		return;
	fprintf(stderr, ";; ---- %s (%zu octets)\n", what, len);
	if (ldns_wire2pkt(&lp, p, len) != LDNS_STATUS_OK) {
		fprintf(stderr, ";; (ldns cannot read it)\n");
		return;
	}
	if ((str = ldns_pkt2str(lp)) != NULL)
		fputs(str, stderr);
	free(str);
	ldns_pkt_free(lp);
}

static void
fail(int line)
{
	static char text[ZONEFILE_TEXT_MAX];

	fprintf(stderr, "fuzz_answer: check failed at %s:%d\n", __FILE__, line);
	dump_pkt("query", dump_query, dump_qlen);
	dump_pkt("reply", dump_final, dump_flen);
	dump_pkt("reply before OPT and truncation", dump_pre, dump_plen);
	if (ex_valid) {
		fprintf(stderr,
		    ";; ---- the reference: rcode %u aa %d referral %d "
		    "multi %d\n",
		    ex.rcode, ex.aa, ex.referral, ex.multi);
		for (int s = 0; s < 2; s++)
			for (size_t i = 0; i < ex.nsec[s]; i++) {
				const struct erec *e = &ex.sec[s][i];
				struct zf_rr rr = { e->owner, e->type, CLASS_IN,
					e->ttl, e->rdata, e->rdlen, "", 0 };

				if (zonefile_rr_to_text(
				        &rr, text, sizeof(text)) > 0)
					fprintf(stderr, "%s %s\n",
					    s ? "AUTHORITY" : "ANSWER", text);
			}
	}
	__builtin_trap();
}

/* The name exists in the zone: it owns records or is an ancestor of a
 * name that does (an empty non-terminal). */
static bool
exists(const struct zone *z, const uint8_t *name)
{
	for (size_t i = 0; i < z->n; i++)
		if (dname_is_subdomain(z->r[i].owner, name))
			return true;
	return false;
}

static bool
has(const struct zone *z, const uint8_t *name, uint16_t type)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->r[i].type == type && dname_equal(z->r[i].owner, name))
			return true;
	return false;
}

static const struct rec *
first_of(const struct zone *z, const uint8_t *name, uint16_t type)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->r[i].type == type && dname_equal(z->r[i].owner, name))
			return &z->r[i];
	return NULL;
}

static void
put(int sec, const uint8_t *owner, uint16_t type, uint32_t ttl,
    const uint8_t *rdata, uint16_t rdlen)
{
	struct erec *e = &ex.sec[sec][ex.nsec[sec]++];

	CHECK(ex.nsec[sec] <= MAXRR);
	memcpy(e->owner, owner, dname_len(owner));
	e->type = type;
	e->ttl = ttl;
	e->rdata = rdata;
	e->rdlen = rdlen;
}

/* The RRset (`type` at `name`) with owner `owner`. */
static void
put_set(int sec, const struct zone *z, const uint8_t *name, uint16_t type,
    const uint8_t *owner)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->r[i].type == type && dname_equal(z->r[i].owner, name))
			put(sec, owner, type, z->r[i].ttl, z->r[i].rdata,
			    z->r[i].rdlen);
}

static void
put_soa(const struct zone *z)
{
	put(1, z->apex, TYPE_SOA, z->negttl, z->soa->rdata, z->soa->rdlen);
}

/* The suffix of `name` after `k` labels. */
static const uint8_t *
suffix(const uint8_t *name, int k)
{
	while (k-- > 0)
		name += 1 + name[0];
	return name;
}

static void
reference(const uint8_t *qname, uint16_t qtype, int zi)
{
	uint8_t cur[DNAME_MAX], wild[DNAME_MAX + 2];
	struct {
		int zi;
		uint8_t name[DNAME_MAX];
	} seen[MAX_CHAIN];
	int nseen = 0;

	memset(&ex.nsec, 0, sizeof(ex.nsec));
	ex.rcode = RCODE_NOERROR;
	ex.aa = true;
	ex.referral = false;
	ex.multi = ex.subzones = false;
	memcpy(cur, qname, dname_len(qname));
	for (int step = 0; step < MAX_CHAIN; step++) {
		const struct zone *z = &zones[zi];

		ex.final_zi = zi;
		int nl = dname_labels(cur), below = nl - z->alabels;
		const uint8_t *node = suffix(cur, below), *ce = node;
		const uint8_t *cut = NULL, *dn = NULL;
		bool wildcard = false;
		const struct rec *r;

		if (below > 0 && has(z, z->apex, TYPE_DNAME)) {
			dn = node; /* the apex, as written in cur */
		} else {
			for (int k = below - 1; k >= 0; k--) {
				const uint8_t *a = suffix(cur, k);

				if (!exists(z, a)) {
					node = NULL;
					break;
				}
				ce = node = a;
				if (has(z, a, TYPE_NS) &&
				    !(k == 0 && qtype == TYPE_DS)) {
					cut = a;
					break;
				}
				if (k > 0 && has(z, a, TYPE_DNAME)) {
					dn = a;
					break;
				}
			}
		}
		if (cut != NULL) {
			if (step == 0)
				ex.aa = false;
			put_set(1, z, cut, TYPE_NS, cut);
			ex.referral = true;
			ex.cutzone = zi;
			memcpy(ex.cut, cut, dname_len(cut));
			return;
		}
		if (dn != NULL) {
			size_t plen = (size_t)(dn - cur), tlen;
			struct erec *e;

			r = first_of(z, dn, TYPE_DNAME);
			put_set(0, z, dn, TYPE_DNAME, dn);
			tlen = plen + dname_len(r->rdata);
			if (tlen > DNAME_MAX) {
				ex.rcode = RCODE_YXDOMAIN;
				return;
			}
			put(0, cur, TYPE_CNAME, r->ttl, NULL, (uint16_t)tlen);
			e = &ex.sec[0][ex.nsec[0] - 1];
			memcpy(e->synth, cur, plen);
			memcpy(e->synth + plen, r->rdata, tlen - plen);
			e->rdata = e->synth;
			memcpy(cur, e->synth, tlen);
			dname_lower(cur);
			ex.multi = true;
			if ((zi = zone_of(cur)) < 0)
				return;
			continue;
		}
		if (node == NULL) {
			wild[0] = 1;
			wild[1] = '*';
			memcpy(wild + 2, ce, dname_len(ce));
			if (dname_len(ce) + 2 > DNAME_MAX || !exists(z, wild)) {
				ex.rcode = RCODE_NXDOMAIN;
				put_soa(z);
				return;
			}
			node = wild;
			wildcard = true;
			if (has(z, wild, TYPE_NS) && qtype != TYPE_DS) {
				put_soa(z);
				return;
			}
		}
		if (qtype == TYPE_ANY) {
			const struct rec *lo = NULL;

			for (size_t i = 0; i < z->n; i++)
				if (dname_equal(z->r[i].owner, node) &&
				    (lo == NULL || z->r[i].type < lo->type))
					lo = &z->r[i];
			if (lo == NULL)
				put_soa(z);
			else
				put_set(0, z, node, lo->type, cur);
			return;
		}
		if (has(z, node, qtype)) {
			put_set(0, z, node, qtype, cur);
			return;
		}
		if (qtype != TYPE_CNAME &&
		    (r = first_of(z, node, TYPE_CNAME)) != NULL) {
			for (int i = 0; i < nseen; i++)
				if (!wildcard && seen[i].zi == zi &&
				    dname_equal(seen[i].name, node))
					return;
			seen[nseen].zi = zi;
			memcpy(seen[nseen].name, node, dname_len(node));
			nseen++;
			put_set(0, z, node, TYPE_CNAME, cur);
			memcpy(cur, r->rdata, r->rdlen);
			dname_lower(cur);
			if (zone_of(cur) != zi)
				ex.multi = true;
			else
				ex.subzones = true;
			if ((zi = zone_of(cur)) < 0)
				return;
			continue;
		}
		put_soa(z);
		return;
	}
}

static bool
same_rr(const struct prr *a, const struct erec *e)
{
	return a->cls == CLASS_IN && a->type == e->type && a->ttl == e->ttl &&
	       a->rdlen == e->rdlen && dname_equal(a->owner, e->owner) &&
	       memcmp(a->rdata, e->rdata, e->rdlen) == 0;
}

/* The same RRsets in the same order; the RRs of a set in any order (the
 * snapshot does not keep the order of the zone). */
static void
same_section(const struct prr *a, const struct erec *e, size_t n)
{
	bool used[MAXRR];

	for (size_t i = 0; i < n;) {
		size_t k = i;

		while (k < n && e[k].type == e[i].type &&
		       dname_equal(e[k].owner, e[i].owner))
			k++;
		memset(used + i, 0, k - i);
		for (size_t j = i; j < k; j++) {
			size_t x = i;

			while (x < k && (used[x] || !same_rr(&a[j], &e[x])))
				x++;
			CHECK(x < k);
			used[x] = true;
		}
		i = k;
	}
}

/* The target name in the rdata of an NS, MX or SRV RR; NULL else. */
static const uint8_t *
target_of(const struct prr *r)
{
	size_t skip;

	switch (r->type) {
	case TYPE_NS:
		skip = 0;
		break;
	case TYPE_MX:
		skip = 2;
		break;
	case TYPE_SRV:
		skip = 6;
		break;
	default:
		return NULL;
	}
	return r->rdlen > skip ? r->rdata + skip : NULL;
}

/* An address record of `name` in the deepest zone holding it. */
static bool
is_address_of(const struct prr *a)
{
	int zi = zone_of(a->owner);

	if (zi < 0 || (a->type != TYPE_A && a->type != TYPE_AAAA) ||
	    a->cls != CLASS_IN)
		return false;
	for (size_t i = 0; i < zones[zi].n; i++) {
		const struct rec *r = &zones[zi].r[i];

		if (r->type == a->type && dname_equal(r->owner, a->owner) &&
		    r->ttl == a->ttl && r->rdlen == a->rdlen &&
		    memcmp(r->rdata, a->rdata, r->rdlen) == 0)
			return true;
	}
	return false;
}

/* The reply zanswer built (before OPT and truncation) against the
 * reference; returns the octets of required glue in it. */
static size_t
check_sections(const struct msg *m, const uint8_t *qname, uint16_t qtype)
{
	const struct prr *an = m->rr, *ns = m->rr + m->count[1],
	                 *ad = ns + m->count[2];
	size_t glue = 0;

	reference(qname, qtype, cap.zi);
	ex_valid = true;
	if (!cap.hit) {
		CHECK(!(cap.info & ANS_REFERRAL) == !ex.referral);
		CHECK(
		    !(cap.info & ANS_NXDOMAIN) == (ex.rcode != RCODE_NXDOMAIN));
		if (ex.multi)
			CHECK(cap.info & ANS_MULTIZONE);
		if (ex.subzones)
			CHECK(cap.info & ANS_SUBZONES);
	}
	CHECK(FLAGS_RCODE(m->flags) == ex.rcode);
	CHECK(((m->flags & FLAG_AA) != 0) == ex.aa);
	CHECK(m->count[1] == ex.nsec[0]);
	CHECK(m->count[2] == ex.nsec[1]);
	same_section(an, ex.sec[0], ex.nsec[0]);
	same_section(ns, ex.sec[1], ex.nsec[1]);
	/* additional: addresses of NS, MX, SRV targets written above */
	for (unsigned i = 0; i < m->count[3]; i++) {
		bool target = false;

		CHECK(is_address_of(&ad[i]));
		for (unsigned k = 0; k < m->count[1] + m->count[2]; k++) {
			const uint8_t *t = target_of(&m->rr[k]);

			if (t != NULL && dname_equal(t, ad[i].owner))
				target = true;
		}
		CHECK(target);
		/* an address looked up in another zone, or in the same one
		 * again: the cached reply depends on the zone table, or on
		 * the set of zones */
		if (!cap.hit)
			CHECK(cap.info & (zone_of(ad[i].owner) != ex.final_zi
			                         ? ANS_MULTIZONE
			                         : ANS_SUBZONES));
		if (ex.referral && dname_is_subdomain(ad[i].owner, ex.cut))
			glue += ad[i].end - ad[i].off;
	}
	/* RFC 9471: every address of a name server below the cut */
	if (ex.referral) {
		for (unsigned k = 0; k < m->count[2]; k++) {
			const uint8_t *t = target_of(&ns[k]);
			int zi;

			if (t == NULL || !dname_is_subdomain(t, ex.cut) ||
			    (zi = zone_of(t)) < 0)
				continue;
			for (size_t i = 0; i < zones[zi].n; i++) {
				const struct rec *r = &zones[zi].r[i];
				bool found = false;

				if ((r->type != TYPE_A &&
				        r->type != TYPE_AAAA) ||
				    !dname_equal(r->owner, t))
					continue;
				for (unsigned j = 0; j < m->count[3]; j++)
					if (ad[j].type == r->type &&
					    dname_equal(ad[j].owner, t) &&
					    ad[j].rdlen == r->rdlen &&
					    memcmp(ad[j].rdata, r->rdata,
					        r->rdlen) == 0)
						found = true;
				CHECK(found);
			}
		}
	}
	return glue;
}

/* ---- one query through the server ---------------------------------- */

/* The UDP limit the core applies (finish_wire). */
static size_t
udp_limit(const struct query *q)
{
	size_t lim;

	if (!q->edns)
		return 512;
	lim = q->edns_size < EDNS_MIN_SIZE ? EDNS_MIN_SIZE : q->edns_size;
	if (lim > EDNS_MAX_SIZE)
		lim = EDNS_MAX_SIZE;
	if (lim > q->bufsize)
		lim = q->bufsize < EDNS_MIN_SIZE ? EDNS_MIN_SIZE : q->bufsize;
	return lim;
}

/* The room answer.c gives optional additional data (reply_limit). */
static size_t
additional_limit(const struct query *q)
{
	size_t lim;

	if (q->proto != PROTO_UDP)
		return 65535;
	lim = q->edns ? q->edns_size : 512;
	if (lim > EDNS_DEFAULT_SIZE)
		lim = EDNS_DEFAULT_SIZE;
	if (lim < 512)
		lim = 512;
	return q->edns ? lim - 11 : lim;
}

static void
ask(const struct query *q)
{
	static uint8_t qpkt[DNS_HDR_LEN + DNAME_MAX + 4 + 11];
	const uint8_t *r;
	size_t qn = build_query(q, qpkt), len, optsz = q->edns ? 11 : 0;
	size_t qend = DNS_HDR_LEN + q->qlen + 4;
	struct sockaddr_in *sin;
	struct msg *m = &m_final;
	uint16_t f;
	bool tc;

	request_reset(req);
	memcpy(req->rx, qpkt, qn);
	req->rxlen = qn;
	req->proto = q->proto;
	memset(&req->remote, 0, sizeof(req->remote));
	sin = (struct sockaddr_in *)&req->remote;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(5353);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	req->remote_len = sizeof(*sin);
	cfg->blocks[0].bufsize = q->bufsize;
	cap.served = cap.hit = false;
	cap.len = 0;
	ex_valid = false;
	dump_query = qpkt;
	dump_qlen = qn;
	dump_final = dump_pre = NULL;
	CHECK(server_process(req, cfg, &cfg->groups[0]) == REQ_REPLY);
	r = req->tx;
	len = req->txlen;
	dump_final = r;
	dump_flen = len;
	if (cap.served) {
		dump_pre = cap.pkt;
		dump_plen = cap.len;
	}
	if (dump_all) {
		dump_pkt("query", dump_query, dump_qlen);
		dump_pkt("reply", dump_final, dump_flen);
	}

	/* well formed, and ldns agrees */
	parse_msg(r, len, m);
	ldns_agrees(r, len, m);
	f = m->flags;
	tc = (f & FLAG_TC) != 0;
	/* header and question echoed as sent */
	CHECK(m->id == q->id);
	CHECK((f & FLAG_QR) && FLAGS_OPCODE(f) == FLAGS_OPCODE(q->flags));
	CHECK((f & (FLAG_RD | FLAG_CD)) == (q->flags & (FLAG_RD | FLAG_CD)));
	CHECK((f & (FLAG_RA | FLAG_Z | FLAG_AD)) == 0);
	CHECK(m->qend == qend);
	CHECK(memcmp(r + DNS_HDR_LEN, qpkt + DNS_HDR_LEN, q->qlen + 4) == 0);
	/* the size limit of the transport */
	if (q->proto == PROTO_UDP)
		CHECK(len <= udp_limit(q));
	/* OPT: present exactly when the query had one, last, ours */
	if (q->edns) {
		const struct prr *o = &m->rr[m->nrr - 1];

		CHECK(m->count[3] >= 1 && o->type == TYPE_OPT);
		/* the block's size; the core's when it answers before
		 * routing (BADVERS) */
		CHECK(o->owner[0] == 0 &&
		      o->cls == (q->badvers ? EDNS_DEFAULT_SIZE : q->bufsize));
		CHECK(((o->ttl >> 24) & 0xff) == (q->badvers ? 1 : 0));
		CHECK(((o->ttl >> 16) & 0xff) == 0);
		CHECK(((o->ttl & 0x8000) != 0) == q->dnssec_ok);
		CHECK(o->rdlen == 0 && o->end == len);
	}
	for (size_t i = 0; i + (q->edns ? 1 : 0) < m->nrr; i++)
		CHECK(m->rr[i].type != TYPE_OPT);

	if (q->badvers) {
		CHECK(!cap.served && FLAGS_RCODE(f) == 0 && len == qend + 11);
		return;
	}
	if (!cap.served) {
		/* not ours: nobody answers */
		CHECK(FLAGS_RCODE(f) == RCODE_REFUSED && !(f & FLAG_AA));
		CHECK(!tc && len == qend + optsz);
		return;
	}

	/* truncated exactly when the answer and OPT did not fit */
	CHECK(cap.len >= qend && cap.len <= REQ_BUF_SIZE);
	if (q->proto == PROTO_UDP && cap.len + optsz > udp_limit(q)) {
		CHECK(tc);
		CHECK(m->count[1] == 0 && m->count[2] == 0);
		CHECK(m->count[3] == (q->edns ? 1 : 0));
		CHECK(len == qend + optsz);
		CHECK((f & ~FLAG_TC) == wire_get16(cap.pkt + 2));
	} else {
		/* untouched apart from OPT */
		CHECK(!tc);
		CHECK(len == cap.len + optsz);
		CHECK(memcmp(r, cap.pkt, 10) == 0);
		CHECK(m->count[3] ==
		      wire_get16(cap.pkt + 10) + (q->edns ? 1 : 0));
		CHECK(memcmp(r + 12, cap.pkt + 12, cap.len - 12) == 0);
	}
	/* what zanswer wrote against the reference */
	parse_msg(cap.pkt, cap.len, &m_pre);
	{
		uint8_t lname[DNAME_MAX];
		size_t glue;

		memcpy(lname, q->qname, q->qlen);
		dname_lower(lname);
		glue = check_sections(&m_pre, lname, q->qtype);
		/* optional additional data stays within the room answer.c
		 * gives it, and never makes the reply truncated */
		{
			size_t base = m_pre.secend[1],
			       alim = additional_limit(q);

			CHECK(cap.len <= (base > alim ? base : alim) + glue);
			if (tc && base + glue + optsz <= udp_limit(q)) {
				/* the answer and the required glue fit:
				 * optional data made the reply truncated */
				if (alim + optsz > udp_limit(q))
					/* answer.c's room (reply_limit) is
					 * larger than the block's bufsize */
					CHECK(known_bufsize);
				else
					/* optional glue added before the
					 * required glue in a referral */
					CHECK(ex.referral && known_glue_order);
			}
		}
	}
}

/* ---- input to query ------------------------------------------------- */

static const uint16_t qtypes[] = { TYPE_A, TYPE_AAAA, TYPE_NS, TYPE_SOA,
	TYPE_CNAME, TYPE_DNAME, TYPE_MX, TYPE_TXT, TYPE_SRV, TYPE_DS,
	TYPE_RRSIG, TYPE_NSEC, TYPE_DNSKEY, TYPE_ANY, TYPE_AXFR, TYPE_IXFR,
	TYPE_PTR, TYPE_HINFO, 257 /* CAA */, 65534, TYPE_OPT, 0, 65535,
	TYPE_TSIG };
#define NQTYPES (sizeof(qtypes) / sizeof(qtypes[0]))

static const char *const extra_names[] = { ".", "org.", "test.", "net.",
	"example.com.", "outside.test.", "host.outside.test.",
	"nothere.example.org.", "x.y.z.example.org.", "foo.wild.example.org.",
	"a.b.wild.example.org.", "x.sub.*.wild.example.org.",
	"x.wc.example.org.", "x.wcloop.example.org.", "x.wcout.example.org.",
	"x.wns.example.org.", "b.c.ent.example.org.", "x.c.ent.example.org.",
	"zz.b.c.ent.example.org.", "host.deleg.example.org.",
	"x.y.deleg.example.org.", "x.nog.example.org.", "www.dn.example.org.",
	"a.b.dn.example.org.", "x.dnself.example.org.", "x.dnlong.example.org.",
	"x.dnout.example.org.", "www.dnchild.example.org.",
	"back.dnchild.example.org.", "www.child.example.org.",
	"x.grand.child.example.org.", "foo.wild.child.example.org.",
	"www.dnapex.test.", "alias.dnapex.test.", "x.deleg.dnapex.test.",
	"nothere.example.net.", "dnapex.test." };
#define NEXTRA (sizeof(extra_names) / sizeof(extra_names[0]))

static uint8_t (*bases)[DNAME_MAX];
static size_t nbases;

static const char *const dict[] = { "*", "www", "a", "x", "mail", "ns1", "sub",
	"_tcp", "_sip", "WWW", "deleg", "child", "dn", "wild", "ent", "c", "b",
	"example", "org", "xn--bcher-kva", "A.B", "\\000", "\\255\\.", "m3",
	"alias", "loop1", "self", "dnself", "nothere" };
#define NDICT (sizeof(dict) / sizeof(dict[0]))
static uint8_t dictw[NDICT][DNAME_MAX];

static void
add_base(const uint8_t *name)
{
	for (size_t i = 0; i < nbases; i++)
		if (dname_equal(bases[i], name))
			return;
	bases = realloc(bases, (nbases + 1) * sizeof(*bases));
	CHECK(bases != NULL);
	memcpy(bases[nbases++], name, dname_len(name));
}

/* Prepends the label `lab` (`n` octets) if the name stays valid. */
static void
prepend(struct query *q, const uint8_t *lab, size_t n)
{
	if (n == 0 || n > DNAME_LABEL_MAX || q->qlen + 1 + n > DNAME_MAX)
		return;
	memmove(q->qname + 1 + n, q->qname, q->qlen);
	q->qname[0] = (uint8_t)n;
	memcpy(q->qname + 1, lab, n);
	q->qlen += 1 + n;
}

static bool
is_alpha(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Flips the case of the letters whose bit in `mask` (cyclic) is set;
 * only label octets, never length octets. */
static void
flip_case(uint8_t *name, uint32_t mask)
{
	unsigned bit = 0;

	for (size_t o = 0; name[o] != 0; o += 1u + name[o])
		for (size_t i = 1; i <= name[o]; i++, bit++)
			if (is_alpha(name[o + i]) && (mask >> (bit % 32)) & 1)
				name[o + i] ^= 0x20;
}

static void
decode(const uint8_t *d, size_t n, struct query *q)
{
	uint8_t b[6] = { 0 };
	size_t i = 6;
	uint8_t misc;

	memcpy(b, d, n < 6 ? n : 6);
	memset(q, 0, sizeof(*q));
	q->qlen = dname_len(bases[b[0] % nbases]);
	memcpy(q->qname, bases[b[0] % nbases], q->qlen);
	if (b[1] % (NQTYPES + 1) == NQTYPES)
		q->qtype = (uint16_t)(b[3] << 8 | b[4]);
	else
		q->qtype = qtypes[b[1] % (NQTYPES + 1)];
	q->edns = b[2] & 0x01;
	q->dnssec_ok = (b[2] & 0x02) != 0;
	q->flags = (b[2] & 0x04 ? FLAG_CD : 0) | (b[2] & 0x08 ? FLAG_RD : 0);
	q->proto = (b[2] & 0x10) ? PROTO_TCP : PROTO_UDP;
	q->qclass = (b[2] & 0x20) ? CLASS_ANY : CLASS_IN;
	q->edns_size = (uint16_t)(b[3] << 8 | b[4]);
	misc = b[5];
	{
		static const uint16_t bufsizes[4] = { EDNS_DEFAULT_SIZE, 512,
			4096, 1400 };

		q->bufsize = bufsizes[misc & 3];
	}
	if ((b[2] & 0xc0) == 0xc0) {
		/* rare: another class, opcode or EDNS version */
		if (misc & 0x04)
			q->qclass = CLASS_CH;
		if (misc & 0x08)
			q->flags |= (uint16_t)(OPCODE_NOTIFY << 11);
		if ((misc & 0x10) && q->edns)
			q->badvers = true;
	}
	/* label operations */
	while (i < n) {
		uint8_t op = d[i++];

		switch (op >> 6) {
		case 0: /* a label from the dictionary */
			prepend(q, dictw[op % NDICT] + 1, dictw[op % NDICT][0]);
			break;
		case 1: { /* a label of raw octets */
			size_t len = op & 63, take = n - i < len ? n - i : len;
			uint8_t lab[DNAME_LABEL_MAX];

			memset(lab, 'q', len);
			memcpy(lab, d + i, take);
			i += take;
			prepend(q, lab, len);
			break;
		}
		case 2: /* drop the first label(s) */
			for (int k = 0; k <= (op & 1) && q->qname[0] != 0;
			     k++) {
				size_t l = 1u + q->qname[0];

				memmove(q->qname, q->qname + l, q->qlen - l);
				q->qlen -= l;
			}
			break;
		default: /* case */
			if (i < n)
				flip_case(q->qname,
				    (uint32_t)d[i++] << (op & 31) |
				        (op & 0x20 ? 0xffffffffu : 0));
			break;
		}
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char cf[] = ". {\n whoami\n}\n";
	char err[512];
	struct corefile *c;
	size_t len;
	char *org;

	(void)argc;
	(void)argv;
	log_set_level(LOG_LVL_ERROR);
	{
		const char *k = getenv("FUZZ_ANSWER_KNOWN");

		known_bufsize = k != NULL && strstr(k, "bufsize") != NULL;
		known_glue_order = k != NULL && strstr(k, "glue-order") != NULL;
	}
	dump_all = getenv("FUZZ_ANSWER_DUMP") != NULL;
	org = gen_org(&len);
	load_zone(&zones[0], org, len);
	free(org);
	load_zone(&zones[1], zone_child, sizeof(zone_child) - 1);
	load_zone(&zones[2], zone_net, sizeof(zone_net) - 1);
	load_zone(&zones[3], zone_dnapex, sizeof(zone_dnapex) - 1);
	for (int z = 0; z < NZONES; z++)
		for (size_t i = 0; i < zones[z].n; i++)
			add_base(zones[z].r[i].owner);
	for (size_t i = 0; i < NEXTRA; i++) {
		uint8_t w[DNAME_MAX];

		CHECK(dname_from_str(w, extra_names[i]) > 0);
		add_base(w);
	}
	for (size_t i = 0; i < NDICT; i++)
		CHECK(dname_from_str(dictw[i], dict[i]) > 0);
	if (getenv("FUZZ_ANSWER_NAMES") != NULL) {
		/* the first input octet picks one of these (for seeds) */
		char str[DNAME_STR_MAX];

		for (size_t i = 0; i < nbases; i++) {
			dname_to_str(str, bases[i]);
			fprintf(stderr, "%zu %s\n", i, str);
		}
	}

	c = corefile_parse_string(
	    cf, strlen(cf), "fuzz", NULL, 53, err, sizeof(err));
	CHECK(c != NULL);
	cfg = config_build(c, 1, err, sizeof(err));
	if (cfg == NULL)
		fprintf(stderr, "fuzz_answer: %s\n", err);
	CHECK(cfg != NULL && cfg->ngroups >= 1 && cfg->nblocks == 1);
	/* this plugin alone, in place of whoami (whose chain is kept
	 * reachable, not freed: the configuration lives as long as we do) */
	whoami_chain = cfg->blocks[0].chain;
	cfg->blocks[0].chain = chain;
	cfg->blocks[0].nchain = 1;
	req = request_new();
	CHECK(req != NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t first[REQ_BUF_SIZE];
	struct pcache_stats st;
	uint64_t entries, capacity;
	struct query q;
	size_t firstlen;
	bool served, stored;

	decode(data, size, &q);
	CHECK((pc = pcache_new(8, 1)) != NULL);
	q.id = 0x1234;
	ask(&q);
	served = cap.served;
	CHECK(!cap.hit);
	firstlen = cap.len;
	memcpy(first, cap.pkt, cap.len);

	/* the same question in other case: the same reply, stored now */
	q.id = 0x4321;
	flip_case(q.qname, 0xffffffffu);
	ask(&q);
	CHECK(cap.served == served && !cap.hit);
	if (served) {
		CHECK(cap.len == firstlen);
		CHECK(memcmp(cap.pkt + 2, first + 2, DNS_HDR_LEN - 2) == 0);
		CHECK(memcmp(cap.pkt + DNS_HDR_LEN + q.qlen,
		          first + DNS_HDR_LEN + q.qlen,
		          firstlen - DNS_HDR_LEN - q.qlen) == 0);
	}
	pcache_totals(pc, &st, &entries, &capacity);
	stored = st.inserts == 1;

	/* and once more: from the cache, byte for byte */
	q.id = 0xbeef;
	flip_case(q.qname, 0x5a5a5a5au ^ (uint32_t)size);
	ask(&q);
	CHECK(cap.served == served);
	CHECK(cap.hit == stored);
	if (served) {
		CHECK(cap.len == firstlen);
		CHECK(memcmp(cap.pkt + 2, first + 2, DNS_HDR_LEN - 2) == 0);
		CHECK(memcmp(cap.pkt + DNS_HDR_LEN, q.qname, q.qlen) == 0);
		CHECK(memcmp(cap.pkt + DNS_HDR_LEN + q.qlen,
		          first + DNS_HDR_LEN + q.qlen,
		          firstlen - DNS_HDR_LEN - q.qlen) == 0);
	}
	pcache_free(pc);
	pc = NULL;
	return 0;
}
