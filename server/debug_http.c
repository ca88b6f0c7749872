/* server/debug_http.c - the debug endpoint: per-worker allocation and
 * query counters and UDP batch sizes, in Prometheus text format */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloccount.h"
#include "common/httpd.h"
#include "server/debug_http.h"
#include "server/worker.h"

uint64_t debug_reloads_ok, debug_reloads_failed;

struct sbuf {
	char *p;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL,
		    b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->p != NULL && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t cap = b->cap ? b->cap * 2 : 4096;
			char *np;

			while (cap < b->len + (size_t)n + 1)
				cap *= 2;
			if ((np = realloc(b->p, cap)) == NULL)
				return;
			b->p = np;
			b->cap = cap;
		}
	}
}

#define LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)

void
debug_vars_render(char **p, size_t *len, size_t *cap)
{
	struct sbuf b = { *p, *len, *cap };
	const struct worker_stats *st;

	sb_printf(&b, "# coredns debug counters\n");
	sb_printf(&b, "coredns_debug_alloc_counting %d\n",
	    alloccount_available() ? 1 : 0);
	sb_printf(&b, "coredns_debug_workers %d\n", workers_count());
	sb_printf(&b, "coredns_debug_reloads_total{result=\"ok\"} %llu\n",
	    (unsigned long long)debug_reloads_ok);
	sb_printf(&b, "coredns_debug_reloads_total{result=\"failed\"} %llu\n",
	    (unsigned long long)debug_reloads_failed);
	for (int i = 0; (st = worker_stats_get(i)) != NULL; i++) {
		sb_printf(&b,
		    "coredns_debug_worker_allocs_total{worker=\"%d\"} %llu\n",
		    i, (unsigned long long)LOAD(st->allocs));
		sb_printf(&b,
		    "coredns_debug_worker_queries_total{worker=\"%d\"} %llu\n",
		    i, (unsigned long long)LOAD(st->queries));
		sb_printf(&b,
		    "coredns_debug_worker_dropped_total{worker=\"%d\"} %llu\n",
		    i, (unsigned long long)LOAD(st->dropped));
		sb_printf(&b,
		    "coredns_debug_worker_requests_pooled{worker=\"%d\"} "
		    "%llu\n",
		    i, (unsigned long long)LOAD(st->pool_size));
		sb_printf(&b,
		    "coredns_debug_worker_tcp_accepted_total{worker=\"%d\"} "
		    "%llu\n",
		    i, (unsigned long long)LOAD(st->tcp_conns));
		sb_printf(&b,
		    "coredns_debug_worker_tcp_refused_total{worker=\"%d\"} "
		    "%llu\n",
		    i, (unsigned long long)LOAD(st->tcp_refused));
		sb_printf(&b,
		    "coredns_debug_worker_udp_batches_total{worker=\"%d\"} "
		    "%llu\n",
		    i, (unsigned long long)LOAD(st->udp_batches));
		for (int k = 1; k <= WORKER_BATCH; k++) {
			uint64_t v = LOAD(st->udp_batch_hist[k]);

			if (v == 0)
				continue;
			sb_printf(&b,
			    "coredns_debug_worker_udp_batch_size{worker=\"%d\","
			    "size=\"%d\"} %llu\n",
			    i, k, (unsigned long long)v);
		}
	}
	*p = b.p;
	*len = b.len;
	*cap = b.cap;
}

static void
vars(const char *path, struct httpd_reply *r, void *arg)
{
	size_t cap = 0;

	(void)path;
	(void)arg;
	r->body = NULL;
	r->len = 0;
	debug_vars_render(&r->body, &r->len, &cap);
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
