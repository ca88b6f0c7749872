/* server/request.c - request accessors and the reply builder */
#include "config.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/err.h"
#include "server/server.h"
#include "server/worker.h"

struct request *
request_new(void)
{
	struct request *req = calloc(1, sizeof(*req));

	if (req == NULL)
		return NULL;
	req->rx = malloc(REQ_BUF_SIZE);
	req->tx = malloc(REQ_BUF_SIZE);
	req->arena = arena_new(8192);
	if (req->rx == NULL || req->tx == NULL || req->arena == NULL) {
		request_free(req);
		return NULL;
	}
	req->fd = -1;
	return req;
}

void
request_free(struct request *req)
{
	if (req == NULL)
		return;
	free(req->rx);
	free(req->tx);
	arena_free(req->arena);
	free(req);
}

void
request_reset(struct request *req)
{
	arena_reset(req->arena);
	req->qname_str = NULL;
	req->err[0] = '\0';
	req->replied_by = "";
	req->started = false;
	req->drop = false;
	req->nostore = false;
	req->optlen = 0;
	req->txlen = 0;
	req->conn = NULL;
	req->cfg = NULL;
	req->cfg_ref = false;
	req->sb = NULL;
	req->route = NULL;
	req->grp = NULL;
	req->pos = 0;
	req->pktinfo_len = 0;
}

const uint8_t *
request_qname(const struct request *req)
{
	return req->q.lname;
}

const uint8_t *
request_qname_orig(const struct request *req)
{
	return req->q.qname;
}

const char *
request_qname_str(struct request *req)
{
	if (req->qname_str == NULL) {
		char buf[DNAME_STR_MAX];
		int n = dname_to_str(buf, req->q.lname);

		req->qname_str = arena_strndup(req->arena, buf, (size_t)n);
		if (req->qname_str == NULL)
			return ".";
	}
	return req->qname_str;
}

uint16_t
request_qtype(const struct request *req)
{
	return req->q.qtype;
}

uint16_t
request_qclass(const struct request *req)
{
	return req->q.qclass;
}

uint16_t
request_id(const struct request *req)
{
	return req->q.id;
}

uint8_t
request_opcode(const struct request *req)
{
	return req->q.opcode;
}

uint16_t
request_flags(const struct request *req)
{
	return req->q.flags;
}

bool
request_edns(const struct request *req)
{
	return req->q.edns;
}

bool
request_do(const struct request *req)
{
	return req->q.edns_do;
}

bool
request_nsid(const struct request *req)
{
	return req->q.edns_nsid;
}

uint16_t
request_edns_size(const struct request *req)
{
	return req->q.edns ? req->q.edns_size : 512;
}

const uint8_t *
request_packet(const struct request *req, size_t *len)
{
	*len = req->rxlen;
	return req->rx;
}

enum proto
request_proto(const struct request *req)
{
	return req->proto;
}

const char *
request_proto_str(const struct request *req)
{
	return req->proto == PROTO_UDP ? "udp" : "tcp";
}

int
request_family(const struct request *req)
{
	const struct sockaddr_in6 *s6 = (const void *)&req->remote;

	if (req->remote.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return AF_INET;
	return req->remote.ss_family;
}

const struct sockaddr *
request_remote(const struct request *req)
{
	return (const struct sockaddr *)&req->remote;
}

const struct sockaddr *
request_local(const struct request *req)
{
	return (const struct sockaddr *)&req->local;
}

const uint8_t *
request_zone(const struct request *req)
{
	return req->route != NULL ? req->route->zone : (const uint8_t *)"";
}

const char *
request_server(const struct request *req)
{
	return req->grp != NULL ? req->grp->name : "";
}

uint64_t
request_start_ns(const struct request *req)
{
	return req->start_ns;
}

uint64_t
request_elapsed_ns(const struct request *req)
{
	return now_ns() - req->start_ns;
}

struct arena *
request_arena(struct request *req)
{
	return req->arena;
}

struct evloop *
request_loop(struct request *req)
{
	return worker_loop(req->w);
}

void
request_set_error(struct request *req, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req->err, sizeof(req->err), fmt, ap);
	va_end(ap);
}

const char *
request_error(const struct request *req)
{
	return req->err;
}

const char *
request_replied_by(const struct request *req)
{
	return req->replied_by != NULL ? req->replied_by : "";
}

int
reply_init(struct request *req, uint16_t rcode)
{
	struct wire_writer *w = &req->ww;
	uint16_t flags = FLAG_QR | (uint16_t)(req->q.opcode << 11) |
	                 (req->q.flags & (FLAG_RD | FLAG_CD));

	wire_writer_init(w, req->tx, REQ_BUF_SIZE - 1 - 11 - REQ_OPTS_SIZE);
	wire_put16(req->tx, req->q.id);
	wire_put16(req->tx + 2, flags | (rcode & 0xf));
	memset(req->tx + 4, 0, 8);
	w->len = DNS_HDR_LEN;
	req->rcode = rcode;
	req->counts[0] = req->counts[1] = req->counts[2] = 0;
	req->section = SEC_ANSWER;
	req->optlen = 0;
	req->started = true;
	req->nostore = false;
	if (req->q.question_end > 0) {
		/* echo the question as sent, case kept */
		if (wire_put_name(w, req->q.qname, false) != 0 ||
		    wire_put_u16(w, req->q.qtype) != 0 ||
		    wire_put_u16(w, req->q.qclass) != 0)
			return ERR_SPACE;
		wire_put16(req->tx + 4, 1);
	}
	return 0;
}

void
reply_set_flags(struct request *req, uint16_t set, uint16_t clear)
{
	uint16_t f = wire_get16(req->tx + 2);

	f = (uint16_t)((f | set) & ~clear);
	wire_put16(req->tx + 2, f);
}

void
reply_set_rcode(struct request *req, uint16_t rcode)
{
	uint16_t f = wire_get16(req->tx + 2);

	req->rcode = rcode;
	wire_put16(req->tx + 2, (uint16_t)((f & ~0xf) | (rcode & 0xf)));
}

uint16_t
reply_rcode(const struct request *req)
{
	return req->rcode;
}

bool
reply_started(const struct request *req)
{
	return req->started;
}

void
reply_drop(struct request *req)
{
	req->drop = true;
}

void
reply_set_nostore(struct request *req)
{
	req->nostore = true;
}

bool
reply_nostore(const struct request *req)
{
	return req->nostore;
}

bool
reply_dropped(const struct request *req)
{
	return req->drop;
}

const uint8_t *
reply_packet(const struct request *req, size_t *len)
{
	*len = req->txlen != 0 ? req->txlen : req->ww.len;
	return req->tx;
}

int
reply_add_rr(struct request *req, enum section sec, const uint8_t *owner,
    uint16_t type, uint16_t cls, uint32_t ttl, const uint8_t *rdata,
    uint16_t rdlen)
{
	struct wire_writer *w = &req->ww;
	size_t mark = w->len;
	unsigned nptrs = w->nptrs;

	if (!req->started || (unsigned)sec < req->section)
		return ERR_INVAL;
	if (req->counts[sec] == 0xffff)
		return ERR_SPACE;
	if (wire_put_name(w, owner, true) != 0 || wire_put_u16(w, type) != 0 ||
	    wire_put_u16(w, cls) != 0 || wire_put_u32(w, ttl) != 0 ||
	    wire_put_u16(w, rdlen) != 0 ||
	    wire_put_bytes(w, rdata, rdlen) != 0) {
		w->len = mark;
		w->nptrs = nptrs;
		return ERR_SPACE;
	}
	req->section = (uint8_t)sec;
	req->counts[sec]++;
	wire_put16(req->tx + 6 + 2 * sec, req->counts[sec]);
	return 0;
}

int
reply_add_bodies(struct request *req, enum section sec, const uint8_t *owner,
    uint16_t owner_off, const uint8_t *bodies, uint32_t len, uint16_t count)
{
	struct wire_writer *w = &req->ww;
	size_t mark = w->len, first;
	unsigned nptrs = w->nptrs;
	const uint8_t *p = bodies, *end = bodies + len;

	if (!req->started || (unsigned)sec < req->section)
		return ERR_INVAL;
	if ((uint32_t)req->counts[sec] + count > 0xffff)
		return ERR_SPACE;
	if (count == 0)
		return 0;
	if (owner != NULL) {
		first = w->len;
		if (wire_put_name(w, owner, true) != 0)
			goto space;
		/* a compressed name may end in a pointer: point at its start */
		if (first > 0x3fff)
			goto long_owner;
		owner_off = (uint16_t)first;
	}
	/* the first owner is written: the rest point at it */
	if (owner == NULL) {
		if (w->cap - w->len < 2)
			goto space;
		wire_put16(w->buf + w->len, (uint16_t)(0xc000 | owner_off));
		w->len += 2;
	}
	for (uint16_t i = 0; i < count; i++) {
		size_t n = 10u + wire_get16(p + 8);

		if (p + n > end)
			goto space;
		if (i > 0) {
			if (w->cap - w->len < 2)
				goto space;
			wire_put16(
			    w->buf + w->len, (uint16_t)(0xc000 | owner_off));
			w->len += 2;
		}
		if (w->cap - w->len < n)
			goto space;
		memcpy(w->buf + w->len, p, n);
		w->len += n;
		p += n;
	}
	req->section = (uint8_t)sec;
	req->counts[sec] = (uint16_t)(req->counts[sec] + count);
	wire_put16(req->tx + 6 + 2 * sec, req->counts[sec]);
	return 0;
long_owner:
	/* past 16 KiB: write the owner in full for every RR */
	w->len = mark;
	w->nptrs = nptrs;
	for (uint16_t i = 0; i < count; i++) {
		size_t n = 10u + wire_get16(p + 8);

		if (p + n > end || wire_put_name(w, owner, true) != 0 ||
		    wire_put_bytes(w, p, n) != 0)
			goto space;
		p += n;
	}
	req->section = (uint8_t)sec;
	req->counts[sec] = (uint16_t)(req->counts[sec] + count);
	wire_put16(req->tx + 6 + 2 * sec, req->counts[sec]);
	return 0;
space:
	w->len = mark;
	w->nptrs = nptrs;
	return ERR_SPACE;
}

size_t
reply_offset(const struct request *req)
{
	return req->ww.len;
}

void
reply_add_target(struct request *req, size_t off)
{
	const uint8_t *buf = req->ww.buf;

	/* each label of the name becomes a target */
	while (off < req->ww.len && buf[off] != 0 && (buf[off] & 0xc0) == 0) {
		wire_add_target(&req->ww, off);
		off += (size_t)buf[off] + 1;
	}
}

int
reply_set_cached(struct request *req, const uint8_t *pkt, size_t len)
{
	struct wire_writer *w = &req->ww;
	uint16_t flags;

	if (len < DNS_HDR_LEN + (size_t)req->q.qname_len + 4 ||
	    len > REQ_BUF_SIZE - 1 - 11 - REQ_OPTS_SIZE)
		return ERR_INVAL;
	wire_writer_init(w, req->tx, REQ_BUF_SIZE - 1 - 11 - REQ_OPTS_SIZE);
	memcpy(req->tx, pkt, len);
	w->len = len;
	wire_put16(req->tx, req->q.id);
	flags = wire_get16(pkt + 2);
	flags = (uint16_t)((flags & ~(FLAG_RD | FLAG_CD)) |
	                   (req->q.flags & (FLAG_RD | FLAG_CD)));
	wire_put16(req->tx + 2, flags);
	memcpy(req->tx + DNS_HDR_LEN, req->q.qname, req->q.qname_len);
	req->rcode = FLAGS_RCODE(flags);
	req->counts[0] = wire_get16(pkt + 6);
	req->counts[1] = wire_get16(pkt + 8);
	req->counts[2] = wire_get16(pkt + 10);
	req->section = SEC_ADDITIONAL;
	req->optlen = 0;
	req->started = true;
	return 0;
}

int
request_worker(const struct request *req)
{
	return req->w != NULL ? worker_index(req->w) : 0;
}

int
reply_add_txt(struct request *req, enum section sec, const uint8_t *owner,
    uint16_t cls, uint32_t ttl, const char *text)
{
	uint8_t rd[65535];
	size_t n = strlen(text), p = 0, o = 0;

	do {
		size_t chunk = n - p > 255 ? 255 : n - p;

		if (o + 1 + chunk > sizeof(rd))
			return ERR_SPACE;
		rd[o++] = (uint8_t)chunk;
		memcpy(rd + o, text + p, chunk);
		o += chunk;
		p += chunk;
	} while (p < n);
	return reply_add_rr(
	    req, sec, owner, TYPE_TXT, cls, ttl, rd, (uint16_t)o);
}

int
reply_add_edns_option(
    struct request *req, uint16_t code, const void *data, uint16_t len)
{
	if (!req->q.edns)
		return 0;
	if ((size_t)req->optlen + 4 + len > sizeof(req->opts))
		return ERR_SPACE;
	wire_put16(req->opts + req->optlen, code);
	wire_put16(req->opts + req->optlen + 2, len);
	memcpy(req->opts + req->optlen + 4, data, len);
	req->optlen = (uint16_t)(req->optlen + 4 + len);
	return 0;
}
