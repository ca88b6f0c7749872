/* server/plugins/prometheus/prometheus.c - /metrics in Prometheus text
 * format with CoreDNS's metric names, labels and buckets */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/strutil.h"
#include "server/httpsrv.h"
#include "server/metrics.h"
#include "server/request.h"

#define PROMETHEUS_DEFAULT_ADDR "localhost:9153"

struct prom_cfg {
	char *addr;
	struct httpd *h;
};

static void
prom_teardown(void *ctx)
{
	struct prom_cfg *c = ctx;

	if (c == NULL)
		return;
	httpsrv_release(c->h);
	free(c->addr);
	free(c);
}

/* "localhost:9153" is accepted as CoreDNS writes it: localhost means
 * 127.0.0.1 here (no resolver is asked). */
static char *
normalize(const char *a)
{
	if (strncmp(a, "localhost:", 10) == 0) {
		char *s = malloc(strlen(a) + 2);

		if (s != NULL) {
			strcpy(s, "127.0.0.1");
			strcat(s, a + 9);
		}
		return s;
	}
	return strdup(a);
}

static int
prom_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	struct prom_cfg *c = calloc(1, sizeof(*c));
	int rc = 0, n = 0;

	if (c == NULL)
		return ERR_NOMEM;
	while (cf_next(d)) {
		if (++n > 1) {
			rc = cf_errf(d, "prometheus can only be used once per "
			                "server block");
			goto fail;
		}
		if (cf_next_arg(d)) {
			struct sockaddr_storage ss;
			socklen_t sl;

			free(c->addr);
			if ((c->addr = normalize(cf_val(d))) == NULL) {
				rc = ERR_NOMEM;
				goto fail;
			}
			if (str_parse_hostport(c->addr, 0, &ss, &sl) != 0 ||
			    str_port((struct sockaddr *)&ss) == 0) {
				rc = cf_errf(
				    d, "invalid address '%s'", cf_val(d));
				goto fail;
			}
		}
		if (cf_next_arg(d) || cf_next_block(d)) {
			rc = cf_err_args(d);
			goto fail;
		}
	}
	if (c->addr == NULL &&
	    (c->addr = normalize(PROMETHEUS_DEFAULT_ADDR)) == NULL) {
		rc = ERR_NOMEM;
		goto fail;
	}
	*ctx = c;
	return 0;
fail:
	prom_teardown(c);
	return rc;
}

static void
metrics_handler(const char *path, struct httpd_reply *r, void *arg)
{
	(void)path;
	(void)arg;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	if (metrics_render(&r->body, &r->len) != 0)
		r->status = 500;
}

static int
prom_start(void *ctx)
{
	struct prom_cfg *c = ctx;
	char err[256];

	if ((c->h = httpsrv_acquire(c->addr, err, sizeof(err))) == NULL) {
		plog_err("prometheus", "%s", err);
		return ERR_IO;
	}
	return httpsrv_route(c->h, "/metrics", metrics_handler);
}

static enum pl_status
prom_serve(struct request *req, void *ctx)
{
	(void)req;
	(void)ctx;
	return PL_NEXT;
}

static void
prom_done(struct request *req, void *ctx)
{
	(void)ctx;
	metrics_observe(req);
}

const struct plugin_ops prometheus_plugin = {
	.name = "prometheus",
	.setup = prom_setup,
	.serve = prom_serve,
	.done = prom_done,
	.start = prom_start,
	.teardown = prom_teardown,
};
