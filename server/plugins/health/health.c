/* server/plugins/health/health.c - /health answers 200 OK while the
 * process runs, also during the lameduck period before shutdown */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/strutil.h"
#include "server/httpsrv.h"
#include "server/request.h"

#define HEALTH_DEFAULT_ADDR ":8080"

struct health_cfg {
	char *addr;
	uint64_t lameduck_ms;
	struct httpd *h;
};

static void
health_teardown(void *ctx)
{
	struct health_cfg *c = ctx;

	if (c == NULL)
		return;
	httpsrv_release(c->h);
	free(c->addr);
	free(c);
}

static int
health_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	struct health_cfg *c = calloc(1, sizeof(*c));
	int rc = 0, n = 0;

	if (c == NULL)
		return ERR_NOMEM;
	while (cf_next(d)) {
		if (++n > 1) {
			rc = cf_errf(d, "health can only be used once per "
			                "server block");
			goto fail;
		}
		if ((rc = httpsrv_parse_addr(d, &c->addr)) != 0)
			goto fail;
		if (cf_next_arg(d)) {
			rc = cf_err_args(d);
			goto fail;
		}
		while (cf_next_block(d)) {
			if (strcmp(cf_val(d), "lameduck") != 0) {
				rc = cf_errf(
				    d, "unknown property '%s'", cf_val(d));
				goto fail;
			}
			if (!cf_next_arg(d)) {
				rc = cf_err_args(d);
				goto fail;
			}
			if (str_parse_duration(cf_val(d), &c->lameduck_ms) !=
			    0) {
				rc = cf_errf(
				    d, "invalid duration '%s'", cf_val(d));
				goto fail;
			}
			if (cf_next_arg(d)) {
				rc = cf_err_args(d);
				goto fail;
			}
		}
	}
	if (c->addr == NULL && (c->addr = strdup(HEALTH_DEFAULT_ADDR)) == NULL)
		goto nomem;
	*ctx = c;
	return 0;
nomem:
	rc = ERR_NOMEM;
fail:
	health_teardown(c);
	return rc;
}

static void
health_handler(const char *path, struct httpd_reply *r, void *arg)
{
	(void)path;
	(void)arg;
	r->body = strdup("OK");
	r->len = r->body != NULL ? 2 : 0;
}

static int
health_start(void *ctx)
{
	struct health_cfg *c = ctx;
	char err[256];

	if ((c->h = httpsrv_acquire(c->addr, err, sizeof(err))) == NULL) {
		plog_err("health", "%s", err);
		return ERR_IO;
	}
	server_set_lameduck(c->lameduck_ms);
	return httpsrv_route(c->h, "/health", health_handler);
}

const struct plugin_ops health_plugin = {
	.name = "health",
	.setup = health_setup,
	.start = health_start,
	.teardown = health_teardown,
};
