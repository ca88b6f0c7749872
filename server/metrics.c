/* server/metrics.c - per-worker DNS metrics with CoreDNS's names and
 * labels; each worker writes only its own counters, the scrape sums */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/strbuf.h"
#include "common/wire.h"
#include "server/debug_http.h"
#include "server/metrics.h"
#include "server/server.h"
#include "server/worker.h"

#define MAX_LSETS 1024
#define MAX_PLUGINS 64
#define NRCODES 24 /* 0..23, then "other" */
#define NTIME 16
#define NSIZE 14

/* CoreDNS's monitored query types; the rest count as "other". */
static const uint16_t mon_types[] = { TYPE_AAAA, TYPE_A, TYPE_CNAME,
	TYPE_DNSKEY, TYPE_DS, TYPE_MX, TYPE_NSEC3, TYPE_NSEC, TYPE_NS, TYPE_PTR,
	TYPE_RRSIG, TYPE_SOA, TYPE_SRV, TYPE_TXT, 65 /* HTTPS */, TYPE_IXFR,
	TYPE_AXFR, TYPE_ANY };
#define NTYPES (sizeof(mon_types) / sizeof(mon_types[0]) + 1)

static const double size_buckets[NSIZE] = { 0, 100, 200, 300, 400, 511, 1023,
	2047, 4095, 8291, 16000, 32000, 48000, 64000 };

struct slot {
	uint64_t req[2][2][NTYPES]; /* [udp,tcp][v4,v6][type] */
	uint64_t do_req;
	uint64_t resp[NRCODES + 1][MAX_PLUGINS + 1]; /* last: no plugin */
	uint64_t dur[NTIME + 1];
	uint64_t dur_n, dur_sum_ns;
	uint64_t qsz[2][NSIZE + 1], qsz_n[2], qsz_sum[2];
	uint64_t rsz[2][NSIZE + 1], rsz_n[2], rsz_sum[2];
};

struct lset {
	char *server;
	char *zone;
};

static int nworkers;
static struct lset lsets[MAX_LSETS];
static int nlsets;
static struct slot **slots; /* [worker * MAX_LSETS + id] */

int
metrics_init(int n)
{
	nworkers = n;
	slots = calloc((size_t)n * MAX_LSETS, sizeof(*slots));
	return slots == NULL ? ERR_NOMEM : 0;
}

static int
lset_id(const char *server, const char *zone)
{
	for (int i = 0; i < nlsets; i++)
		if (strcmp(lsets[i].server, server) == 0 &&
		    strcmp(lsets[i].zone, zone) == 0)
			return i;
	if (nlsets == MAX_LSETS)
		return -1;
	lsets[nlsets].server = strdup(server);
	lsets[nlsets].zone = strdup(zone);
	if (lsets[nlsets].server == NULL || lsets[nlsets].zone == NULL)
		return -1;
	for (int w = 0; w < nworkers; w++) {
		slots[w * MAX_LSETS + nlsets] = calloc(1, sizeof(struct slot));
		if (slots[w * MAX_LSETS + nlsets] == NULL)
			return -1;
	}
	return nlsets++;
}

int
metrics_bind_config(struct config *c)
{
	if (slots == NULL)
		return 0;
	for (size_t g = 0; g < c->ngroups; g++) {
		struct listen_group *grp = &c->groups[g];

		for (size_t r = 0; r < grp->nroutes; r++) {
			char zone[DNAME_STR_MAX];

			dname_to_str(zone, grp->routes[r].zone);
			grp->routes[r].mid = lset_id(grp->name, zone);
		}
	}
	return 0;
}

/* single writer per slot: a relaxed load and store, no lock prefix */
static inline void
add(uint64_t *p, uint64_t v)
{
	__atomic_store_n(
	    p, __atomic_load_n(p, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
}

static unsigned
type_index(uint16_t t)
{
	for (unsigned i = 0; i < NTYPES - 1; i++)
		if (mon_types[i] == t)
			return i;
	return NTYPES - 1;
}

static unsigned
size_index(size_t v)
{
	for (unsigned i = 0; i < NSIZE; i++)
		if ((double)v <= size_buckets[i])
			return i;
	return NSIZE;
}

void
metrics_observe(struct request *req)
{
	struct slot *s;
	uint64_t ns = now_ns() - req->start_ns;
	unsigned proto = req->proto == PROTO_UDP ? 0 : 1;
	unsigned fam = request_family(req) == AF_INET6 ? 1 : 0;
	unsigned rc = req->rcode < NRCODES ? req->rcode : NRCODES;
	unsigned pl = MAX_PLUGINS, t;
	size_t qsz =
	    req->proto == PROTO_UDP
	        ? (req->q.edns
	                  ? (req->q.edns_size < 512 ? 512 : req->q.edns_size)
	                  : 512)
	        : 65535;

	if (slots == NULL || req->route == NULL || req->route->mid < 0 ||
	    req->drop)
		return;
	s = slots[worker_index(req->w) * MAX_LSETS + req->route->mid];
	add(&s->req[proto][fam][type_index(req->q.qtype)], 1);
	if (req->q.edns_do)
		add(&s->do_req, 1);
	if (req->replied_by != NULL && req->replied_by[0] != '\0') {
		for (size_t i = 0; i < plugin_count && i < MAX_PLUGINS; i++)
			if (plugin_table[i]->name == req->replied_by)
				pl = (unsigned)i;
	}
	add(&s->resp[rc][pl], 1);
	for (t = 0; t < NTIME; t++)
		if (ns <= (uint64_t)250000 << t)
			break;
	add(&s->dur[t], 1);
	add(&s->dur_n, 1);
	add(&s->dur_sum_ns, ns);
	/* CoreDNS observes the EDNS buffer size (64K for TCP) here */
	add(&s->qsz[proto][size_index(qsz)], 1);
	add(&s->qsz_n[proto], 1);
	add(&s->qsz_sum[proto], qsz);
	add(&s->rsz[proto][size_index(req->txlen)], 1);
	add(&s->rsz_n[proto], 1);
	add(&s->rsz_sum[proto], req->txlen);
}

static void
sum_slot(struct slot *dst, int id)
{
	uint64_t *d = (uint64_t *)(void *)dst;
	size_t n = sizeof(*dst) / sizeof(uint64_t);

	memset(dst, 0, sizeof(*dst));
	for (int w = 0; w < nworkers; w++) {
		const uint64_t *s =
		    (const uint64_t *)(const void *)slots[w * MAX_LSETS + id];

		for (size_t i = 0; i < n; i++)
			d[i] += __atomic_load_n(&s[i], __ATOMIC_RELAXED);
	}
}

static const char *
type_label(unsigned i, char *buf)
{
	if (i == NTYPES - 1)
		return "other";
	return wire_type_str(mon_types[i], buf);
}

static void
hist(struct strbuf *b, const char *name, const char *labels, const uint64_t *bk,
    size_t nb, const double *le, uint64_t n, double sum)
{
	uint64_t cum = 0;

	for (size_t i = 0; i < nb; i++) {
		cum += bk[i];
		strbuf_printf(b, "%s_bucket{%s,le=\"%g\"} %llu\n", name, labels,
		    le[i], (unsigned long long)cum);
	}
	strbuf_printf(b, "%s_bucket{%s,le=\"+Inf\"} %llu\n", name, labels,
	    (unsigned long long)n);
	strbuf_printf(b, "%s_sum{%s} %.9g\n", name, labels, sum);
	strbuf_printf(
	    b, "%s_count{%s} %llu\n", name, labels, (unsigned long long)n);
}

static void
header(struct strbuf *b, const char *name, const char *type, const char *help)
{
	strbuf_printf(
	    b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int
metrics_render(char **bufp, size_t *lenp)
{
	struct strbuf b = { NULL, 0, 0, false };
	struct slot *sum =
	    calloc((size_t)(nlsets > 0 ? nlsets : 1), sizeof(*sum));
	double time_le[NTIME];
	static const char *const protos[2] = { "udp", "tcp" };
	struct config *c = server_current_config();
	char tb[16];

	if (sum == NULL)
		return ERR_NOMEM;
	for (int t = 0; t < NTIME; t++)
		time_le[t] = 0.00025 * (double)(1u << t);
	for (int i = 0; i < nlsets; i++)
		sum_slot(&sum[i], i);

	header(&b, "coredns_build_info", "gauge",
	    "A metric with a constant '1' value labeled by version, "
	    "revision, and goversion from which CoreDNS was built.");
	strbuf_printf(&b,
	    "coredns_build_info{goversion=\"C11\",revision=\"\","
	    "version=\"%s\"} 1\n",
	    PACKAGE_VERSION);
	header(&b, "coredns_panics_total", "counter",
	    "A metrics that counts the number of panics.");
	strbuf_printf(&b, "coredns_panics_total 0\n");
	header(&b, "coredns_reload_failed_total", "counter",
	    "Counter of the number of failed reload attempts.");
	strbuf_printf(&b, "coredns_reload_failed_total %llu\n",
	    (unsigned long long)debug_reloads_failed);

	header(&b, "coredns_plugin_enabled", "gauge",
	    "A metric that indicates whether a plugin is enabled on per "
	    "server and zone basis.");
	for (size_t g = 0; c != NULL && g < c->ngroups; g++) {
		const struct listen_group *grp = &c->groups[g];

		for (size_t r = 0; r < grp->nroutes; r++) {
			const struct server_block *sb = grp->routes[r].sb;
			char zone[DNAME_STR_MAX];
			bool has_prom = false;

			/* as CoreDNS: the blocks with prometheus, their
			 * chain's handlers */
			for (size_t p = 0; p < sb->nchain; p++)
				if (strcmp(sb->chain[p].ops->name,
				        "prometheus") == 0)
					has_prom = true;
			if (!has_prom)
				continue;
			dname_to_str(zone, grp->routes[r].zone);
			for (size_t p = 0; p < sb->nchain; p++)
				strbuf_printf(&b,
				    "coredns_plugin_enabled{name=\"%s\","
				    "server=\"%s\",view=\"\",zone=\"%s\"} 1\n",
				    sb->chain[p].ops->name, grp->name, zone);
		}
	}

	header(&b, "coredns_dns_requests_total", "counter",
	    "Counter of DNS requests made per zone, protocol and family.");
	for (int i = 0; i < nlsets; i++)
		for (int p = 0; p < 2; p++)
			for (int f = 0; f < 2; f++)
				for (unsigned t = 0; t < NTYPES; t++) {
					uint64_t v = sum[i].req[p][f][t];

					if (v == 0)
						continue;
					strbuf_printf(&b,
					    "coredns_dns_requests_total{family="
					    "\"%d\",proto=\"%s\",server=\"%s\","
					    "type=\"%s\",view=\"\",zone=\"%s\"}"
					    " "
					    "%llu\n",
					    f + 1, protos[p], lsets[i].server,
					    type_label(t, tb), lsets[i].zone,
					    (unsigned long long)v);
				}
	header(&b, "coredns_dns_do_requests_total", "counter",
	    "Counter of DNS requests with DO bit set per zone.");
	for (int i = 0; i < nlsets; i++)
		if (sum[i].do_req > 0)
			strbuf_printf(&b,
			    "coredns_dns_do_requests_total{server=\"%s\","
			    "view=\"\",zone=\"%s\"} %llu\n",
			    lsets[i].server, lsets[i].zone,
			    (unsigned long long)sum[i].do_req);
	header(&b, "coredns_dns_responses_total", "counter",
	    "Counter of response status codes.");
	for (int i = 0; i < nlsets; i++)
		for (unsigned rc = 0; rc <= NRCODES; rc++)
			for (unsigned p = 0; p <= MAX_PLUGINS; p++) {
				uint64_t v = sum[i].resp[rc][p];
				char rb[16];

				if (v == 0)
					continue;
				strbuf_printf(&b,
				    "coredns_dns_responses_total{plugin=\"%s\","
				    "rcode=\"%s\",server=\"%s\",view=\"\","
				    "zone=\"%s\"} %llu\n",
				    p < plugin_count ? plugin_table[p]->name
				                     : "",
				    rc < NRCODES
				        ? wire_rcode_str((uint16_t)rc, rb)
				        : "other",
				    lsets[i].server, lsets[i].zone,
				    (unsigned long long)v);
			}
	header(&b, "coredns_dns_request_duration_seconds", "histogram",
	    "Histogram of the time (in seconds) each request took per zone.");
	for (int i = 0; i < nlsets; i++) {
		char labels[512];

		if (sum[i].dur_n == 0)
			continue;
		snprintf(labels, sizeof(labels),
		    "server=\"%s\",view=\"\",zone=\"%s\"", lsets[i].server,
		    lsets[i].zone);
		hist(&b, "coredns_dns_request_duration_seconds", labels,
		    sum[i].dur, NTIME, time_le, sum[i].dur_n,
		    (double)sum[i].dur_sum_ns / 1e9);
	}
	header(&b, "coredns_dns_request_size_bytes", "histogram",
	    "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone "
	    "and protocol.");
	for (int i = 0; i < nlsets; i++)
		for (int p = 0; p < 2; p++) {
			char labels[512];

			if (sum[i].qsz_n[p] == 0)
				continue;
			snprintf(labels, sizeof(labels),
			    "proto=\"%s\",server=\"%s\",view=\"\",zone=\"%s\"",
			    protos[p], lsets[i].server, lsets[i].zone);
			hist(&b, "coredns_dns_request_size_bytes", labels,
			    sum[i].qsz[p], NSIZE, size_buckets, sum[i].qsz_n[p],
			    (double)sum[i].qsz_sum[p]);
		}
	header(&b, "coredns_dns_response_size_bytes", "histogram",
	    "Size of the returned response in bytes.");
	for (int i = 0; i < nlsets; i++)
		for (int p = 0; p < 2; p++) {
			char labels[512];

			if (sum[i].rsz_n[p] == 0)
				continue;
			snprintf(labels, sizeof(labels),
			    "proto=\"%s\",server=\"%s\",view=\"\",zone=\"%s\"",
			    protos[p], lsets[i].server, lsets[i].zone);
			hist(&b, "coredns_dns_response_size_bytes", labels,
			    sum[i].rsz[p], NSIZE, size_buckets, sum[i].rsz_n[p],
			    (double)sum[i].rsz_sum[p]);
		}
	debug_vars_render(&b);
	free(sum);
	if (b.oom) {
		free(b.p);
		return ERR_NOMEM;
	}
	*bufp = b.p;
	*lenp = b.len;
	return 0;
}
