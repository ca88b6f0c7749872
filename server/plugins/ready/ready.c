/* server/plugins/ready/ready.c - /ready answers 200 OK once every plugin
 * that reports readiness is ready, 503 with their names before that and
 * during lameduck */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/strutil.h"
#include "server/httpsrv.h"
#include "server/server.h"

#define READY_DEFAULT_ADDR ":8181"

struct ready_cfg {
	char *addr;
	struct httpd *h;
};

static void
ready_teardown(void *ctx)
{
	struct ready_cfg *c = ctx;

	if (c == NULL)
		return;
	httpsrv_release(c->h);
	free(c->addr);
	free(c);
}

static int
ready_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	struct ready_cfg *c = calloc(1, sizeof(*c));
	int rc = 0, n = 0;

	if (c == NULL)
		return ERR_NOMEM;
	while (cf_next(d)) {
		if (++n > 1) {
			rc = cf_errf(d, "ready can only be used once per "
			                "server block");
			goto fail;
		}
		if ((rc = httpsrv_parse_addr(d, &c->addr)) != 0)
			goto fail;
		if (cf_next_arg(d) || cf_next_block(d)) {
			rc = cf_err_args(d);
			goto fail;
		}
	}
	if (c->addr == NULL && (c->addr = strdup(READY_DEFAULT_ADDR)) == NULL) {
		rc = ERR_NOMEM;
		goto fail;
	}
	*ctx = c;
	return 0;
fail:
	ready_teardown(c);
	return rc;
}

extern const struct plugin_ops ready_plugin;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names of the plugins of the running configuration not yet ready,
 * sorted and comma-separated as CoreDNS prints them; "" when all are. */
static char *
not_ready(void)
{
	struct config *c = server_current_config();
	const char *names[256];
	size_t n = 0, len = 1;
	char *out;

	for (size_t i = 0; c != NULL && i < c->nblocks; i++) {
		struct server_block *sb = &c->blocks[i];
		bool has_ready = false;

		/* only the blocks that enable ready report into it */
		for (size_t j = 0; j < sb->nplugins; j++)
			if (sb->plugins[j].ops == &ready_plugin)
				has_ready = true;
		if (!has_ready)
			continue;

		for (size_t j = 0; j < sb->nplugins && n < 256; j++) {
			const struct chain_entry *ce = &sb->plugins[j];
			bool dup = false;

			if (ce->ops->ready == NULL || ce->ops->ready(ce->ctx))
				continue;
			for (size_t k = 0; k < n; k++)
				if (strcmp(names[k], ce->ops->name) == 0)
					dup = true;
			if (!dup)
				names[n++] = ce->ops->name;
		}
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++)
		len += strlen(names[i]) + 1;
	if ((out = calloc(1, len)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, ",");
		strcat(out, names[i]);
	}
	return out;
}

static void
ready_handler(const char *path, struct httpd_reply *r, void *arg)
{
	char *todo;

	(void)path;
	(void)arg;
	if (server_in_lameduck()) {
		r->status = 503;
		r->body = strdup("lameduck");
	} else if ((todo = not_ready()) == NULL) {
		r->status = 503;
	} else if (todo[0] == '\0') {
		free(todo);
		r->body = strdup("OK");
	} else {
		plog_info("ready", "Still waiting on: \"%s\"", todo);
		r->status = 503;
		r->body = todo;
	}
	r->len = r->body != NULL ? strlen(r->body) : 0;
}

static int
ready_start(void *ctx)
{
	struct ready_cfg *c = ctx;
	char err[256];

	if ((c->h = httpsrv_acquire(c->addr, err, sizeof(err))) == NULL) {
		plog_err("ready", "%s", err);
		return ERR_IO;
	}
	return httpsrv_route(c->h, "/ready", ready_handler);
}

const struct plugin_ops ready_plugin = {
	.name = "ready",
	.setup = ready_setup,
	.start = ready_start,
	.teardown = ready_teardown,
};
