/* server/debug_http.c - the debug endpoint: per-worker allocation and
 * query counters and UDP batch sizes, in Prometheus text format */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloccount.h"
#include "common/httpd.h"
#include "common/strbuf.h"
#include "server/debug_http.h"
#include "server/worker.h"

uint64_t debug_reloads_ok, debug_reloads_failed;

#define LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)

#define MAX_RENDERERS 16
static void (*renderers[MAX_RENDERERS])(struct strbuf *b);
static int nrenderers;

void
debug_vars_add(void (*render)(struct strbuf *b))
{
	for (int i = 0; i < nrenderers; i++)
		if (renderers[i] == render)
			return;
	if (nrenderers < MAX_RENDERERS)
		renderers[nrenderers++] = render;
}

void
debug_vars_render(struct strbuf *b)
{
	for (int i = 0; i < nrenderers; i++)
		renderers[i](b);
	const struct worker_stats *st;

	strbuf_printf(b, "# coredns debug counters\n");
	strbuf_printf(b, "coredns_debug_alloc_counting %d\n",
	    alloccount_available() ? 1 : 0);
	strbuf_printf(b, "coredns_debug_workers %d\n", workers_count());
	strbuf_printf(b, "coredns_debug_reloads_total{result=\"ok\"} %llu\n",
	    (unsigned long long)debug_reloads_ok);
	strbuf_printf(b,
	    "coredns_debug_reloads_total{result=\"failed\"} %llu\n",
	    (unsigned long long)debug_reloads_failed);
	for (int i = 0; (st = worker_stats_get(i)) != NULL; i++) {
		strbuf_printf(b,
		    "coredns_debug_worker_allocs_total{worker=\"%d\"} %llu\n",
		    i, (unsigned long long)LOAD(st->allocs));
		strbuf_printf(b,
		    "coredns_debug_worker_queries_total{worker=\"%d\"} %llu\n",
		    i, (unsigned long long)LOAD(st->queries));
		strbuf_printf(b,
		    "coredns_debug_worker_dropped_total{worker=\"%d\"} %llu\n",
		    i, (unsigned long long)LOAD(st->dropped));
		strbuf_printf(b,
		    "coredns_debug_worker_requests_pooled{worker=\"%d\"} "
		    "%llu\n",
		    i, (unsigned long long)LOAD(st->pool_size));
		strbuf_printf(b,
		    "coredns_debug_worker_tcp_accepted_total{worker=\"%d\"} "
		    "%llu\n",
		    i, (unsigned long long)LOAD(st->tcp_conns));
		strbuf_printf(b,
		    "coredns_debug_worker_tcp_refused_total{worker=\"%d\"} "
		    "%llu\n",
		    i, (unsigned long long)LOAD(st->tcp_refused));
		strbuf_printf(b,
		    "coredns_debug_worker_udp_batches_total{worker=\"%d\"} "
		    "%llu\n",
		    i, (unsigned long long)LOAD(st->udp_batches));
		for (int k = 1; k <= WORKER_BATCH; k++) {
			uint64_t v = LOAD(st->udp_batch_hist[k]);

			if (v == 0)
				continue;
			strbuf_printf(b,
			    "coredns_debug_worker_udp_batch_size{worker=\"%d\","
			    "size=\"%d\"} %llu\n",
			    i, k, (unsigned long long)v);
		}
	}
}

static void
vars(const char *path, struct httpd_reply *r, void *arg)
{
	struct strbuf b = { NULL, 0, 0, false };

	(void)path;
	(void)arg;
	debug_vars_render(&b);
	if (b.oom)
		r->status = 500;
	r->body = b.p;
	r->len = b.len;
}

struct httpd *
debug_http_start(struct evloop *l, const char *addr, char *err, size_t errlen)
{
	struct httpd *h = httpd_new(l, addr, err, errlen);

	if (h == NULL)
		return NULL;
	if (httpd_route(h, "/debug/vars", vars, NULL) != 0) {
		snprintf(err, errlen, "cannot route /debug/vars");
		httpd_free(h);
		return NULL;
	}
	return h;
}
