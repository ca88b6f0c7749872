/* server/server.c - query processing: parse, route to a server block,
 * run its plugin chain, finish the reply (OPT, truncation) */
#include "config.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/log.h"
#include "server/server.h"
#include "server/worker.h"

static struct evloop *main_loop;
static int (*reload_hook)(void);
static struct config *cur_cfg;

struct config *
server_current_config(void)
{
	return cur_cfg;
}

void
server_set_current_config(struct config *c)
{
	cur_cfg = c;
}
static _Atomic bool lameduck_on;
static uint64_t lameduck_ms;

void
server_set_reload_hook(int (*fn)(void))
{
	reload_hook = fn;
}

int
server_reload_request(void)
{
	return reload_hook != NULL ? reload_hook() : ERR_INVAL;
}

bool
server_in_lameduck(void)
{
	return atomic_load(&lameduck_on);
}

void
server_enter_lameduck(void)
{
	atomic_store(&lameduck_on, true);
}

void
server_set_lameduck(uint64_t ms)
{
	if (ms > lameduck_ms)
		lameduck_ms = ms;
}

uint64_t
server_lameduck_ms(void)
{
	return lameduck_ms;
}

void
server_reset_lameduck(void)
{
	lameduck_ms = 0;
}

struct evloop *
server_main_loop(void)
{
	return main_loop;
}

void
server_set_main_loop(struct evloop *l)
{
	main_loop = l;
}

uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Header-only error reply for queries whose question cannot be trusted. */
static void
reply_header_only(struct request *req, uint16_t rcode)
{
	req->q.question_end = 0;
	req->q.edns = false;
	reply_init(req, rcode);
}

/* The size the whole reply (OPT included) may have: the client's UDP
 * size capped by the block's bufsize; 512 without EDNS. */
static size_t
wire_limit(const struct request *req)
{
	size_t limit = REQ_BUF_SIZE - 1;
	uint16_t bufsize =
	    req->sb != NULL ? req->sb->bufsize : EDNS_DEFAULT_SIZE;

	if (req->proto == PROTO_UDP) {
		if (req->q.edns) {
			limit = req->q.edns_size < EDNS_MIN_SIZE
			            ? EDNS_MIN_SIZE
			            : req->q.edns_size;
			if (limit > EDNS_MAX_SIZE)
				limit = EDNS_MAX_SIZE;
			if (limit > bufsize)
				limit = bufsize < EDNS_MIN_SIZE ? EDNS_MIN_SIZE
				                                : bufsize;
		} else {
			limit = 512;
		}
	}
	return limit;
}

size_t
reply_room(const struct request *req)
{
	size_t limit = wire_limit(req), opt = 0;

	if (req->q.edns)
		opt = 11 + (size_t)req->optlen;
	return limit > opt ? limit - opt : 0;
}

/* Adds OPT and applies the size limit: the last step of every reply. */
static void
finish_wire(struct request *req)
{
	struct wire_writer *w = &req->ww;
	size_t limit = wire_limit(req);
	uint16_t bufsize =
	    req->sb != NULL ? req->sb->bufsize : EDNS_DEFAULT_SIZE;

	if (req->q.edns) {
		size_t optsz = 11 + (size_t)req->optlen;

		if (w->len + optsz > limit && req->proto == PROTO_UDP) {
			/* truncate: header and question only */
			w->len =
			    req->q.question_end > 0
			        ? (size_t)(DNS_HDR_LEN + req->q.qname_len + 4)
			        : DNS_HDR_LEN;
			memset(req->tx + 6, 0, 6);
			reply_set_flags(req, FLAG_TC, 0);
			if (w->len + optsz > limit)
				optsz = 11; /* drop our options before OPT */
		}
		req->tx[w->len] = 0;
		wire_put16(req->tx + w->len + 1, TYPE_OPT);
		wire_put16(req->tx + w->len + 3, bufsize);
		req->tx[w->len + 5] = (uint8_t)(req->rcode >> 4);
		req->tx[w->len + 6] = 0; /* version */
		req->tx[w->len + 7] = req->q.edns_do ? 0x80 : 0;
		req->tx[w->len + 8] = 0;
		wire_put16(req->tx + w->len + 9, (uint16_t)(optsz - 11));
		memcpy(req->tx + w->len + 11, req->opts, optsz - 11);
		w->len += optsz;
		wire_put16(
		    req->tx + 10, (uint16_t)(wire_get16(req->tx + 10) + 1));
	} else if (w->len > limit) {
		w->len = req->q.question_end > 0
		             ? (size_t)(DNS_HDR_LEN + req->q.qname_len + 4)
		             : DNS_HDR_LEN;
		memset(req->tx + 6, 0, 6);
		reply_set_flags(req, FLAG_TC, 0);
	}
	req->txlen = (uint16_t)w->len;
}

/* Reply hooks, reply completion, done hooks. `last` is the chain
 * position that answered (hooks run for the positions before it). */
static void
finish(struct request *req, size_t last)
{
	struct server_block *sb = req->sb;

	if (sb != NULL) {
		for (size_t i = last; i-- > 0;)
			if (sb->chain[i].ops->reply != NULL)
				sb->chain[i].ops->reply(req, sb->chain[i].ctx);
	}
	finish_wire(req);
	if (sb != NULL) {
		for (size_t i = last; i-- > 0;)
			if (sb->chain[i].ops->done != NULL)
				sb->chain[i].ops->done(req, sb->chain[i].ctx);
	}
}

/* Runs the chain from req->pos. */
static enum req_result
run_chain(struct request *req)
{
	struct server_block *sb = req->sb;

	while (req->pos < sb->nchain) {
		const struct chain_entry *ce = &sb->chain[req->pos];
		enum pl_status st = ce->ops->serve(req, ce->ctx);

		switch (st) {
		case PL_NEXT:
			req->pos++;
			continue;
		case PL_DONE:
			if (req->drop)
				return REQ_DROP;
			if (!req->started) {
				request_set_error(
				    req, "plugin/%s: no reply", ce->ops->name);
				reply_init(req, RCODE_SERVFAIL);
			}
			req->replied_by = ce->ops->name;
			finish(req, req->pos);
			return REQ_REPLY;
		case PL_ASYNC:
			return REQ_ASYNC;
		case PL_ERROR:
		default:
			if (req->err[0] == '\0')
				request_set_error(
				    req, "plugin/%s: failed", ce->ops->name);
			req->replied_by = ce->ops->name;
			reply_init(req, RCODE_SERVFAIL);
			finish(req, req->pos);
			return REQ_REPLY;
		}
	}
	/* nobody answered */
	reply_init(req, RCODE_REFUSED);
	finish(req, sb->nchain);
	return REQ_REPLY;
}

static const struct zone_route *
route(const struct listen_group *grp, const uint8_t *qname)
{
	for (size_t i = 0; i < grp->nroutes; i++)
		if (dname_is_subdomain(qname, grp->routes[i].zone))
			return &grp->routes[i];
	return NULL;
}

enum req_result
server_process(
    struct request *req, struct config *cfg, struct listen_group *grp)
{
	int rc;

	req->start_ns = now_ns();
	req->cfg = cfg;
	req->grp = grp;
	rc = wire_parse_query(req->rx, req->rxlen, &req->q);
	if (rc == ERR_DROP)
		return REQ_DROP;
	if (rc != 0) {
		reply_header_only(req, RCODE_FORMERR);
		finish(req, 0);
		return REQ_REPLY;
	}
	if (req->q.opcode != OPCODE_QUERY && req->q.opcode != OPCODE_NOTIFY &&
	    req->q.opcode != OPCODE_UPDATE) {
		reply_init(req, RCODE_NOTIMP);
		finish(req, 0);
		return REQ_REPLY;
	}
	if (req->q.edns && req->q.edns_version != 0) {
		reply_init(req, RCODE_BADVERS);
		finish(req, 0);
		return REQ_REPLY;
	}
	if ((req->route = route(grp, req->q.lname)) == NULL) {
		reply_init(req, RCODE_REFUSED);
		finish(req, 0);
		return REQ_REPLY;
	}
	req->sb = req->route->sb;
	if (req->sb->nchain == 0) {
		reply_init(req, RCODE_SERVFAIL);
		finish(req, 0);
		return REQ_REPLY;
	}
	req->pos = 0;
	rc = run_chain(req);
	if (rc == REQ_ASYNC && !req->cfg_ref) {
		/* the worker may switch configurations meanwhile */
		config_ref(req->cfg);
		req->cfg_ref = true;
	}
	return (enum req_result)rc;
}

void
request_resume(struct request *req, enum pl_status st)
{
	enum req_result res;

	switch (st) {
	case PL_DONE:
		if (req->drop) {
			res = REQ_DROP;
			break;
		}
		if (!req->started)
			reply_init(req, RCODE_SERVFAIL);
		req->replied_by = req->sb->chain[req->pos].ops->name;
		finish(req, req->pos);
		res = REQ_REPLY;
		break;
	case PL_NEXT:
		req->pos++;
		res = run_chain(req);
		if (res == REQ_ASYNC)
			return;
		break;
	case PL_ASYNC:
		return;
	case PL_ERROR:
	default:
		req->replied_by = req->sb->chain[req->pos].ops->name;
		reply_init(req, RCODE_SERVFAIL);
		finish(req, req->pos);
		res = REQ_REPLY;
		break;
	}
	worker_request_done(req, res);
}
