/* server/plugins/nsid/nsid.c - RFC 5001 name server identifier: answers
 * the NSID EDNS option when a query asks for it */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/wire.h"
#include "server/request.h"

struct nsid_cfg {
	char data[256];
	uint16_t len;
};

static int
nsid_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	struct nsid_cfg *c = calloc(1, sizeof(*c));
	int n = 0;
	size_t len = 0;

	if (c == NULL)
		return ERR_NOMEM;
	while (cf_next(d)) {
		if (++n > 1) {
			free(c);
			return cf_errf(d, "nsid can only be used once per "
			                  "server block");
		}
		/* the arguments joined with spaces, as CoreDNS does */
		while (cf_next_arg(d)) {
			size_t vl = strlen(cf_val(d));

			if (len + vl + 1 >= sizeof(c->data)) {
				free(c);
				return cf_errf(d, "nsid data too long");
			}
			if (len > 0)
				c->data[len++] = ' ';
			memcpy(c->data + len, cf_val(d), vl);
			len += vl;
		}
		if (cf_next_block(d)) {
			free(c);
			return cf_err_args(d);
		}
	}
	if (len == 0) {
		if (gethostname(c->data, sizeof(c->data) - 1) != 0)
			strcpy(c->data, "localhost");
		len = strlen(c->data);
	}
	c->len = (uint16_t)len;
	*ctx = c;
	return 0;
}

static enum pl_status
nsid_serve(struct request *req, void *ctx)
{
	(void)req;
	(void)ctx;
	return PL_NEXT;
}

static void
nsid_reply(struct request *req, void *ctx)
{
	const struct nsid_cfg *c = ctx;

	if (request_nsid(req))
		(void)reply_add_edns_option(
		    req, EDNS_OPT_NSID, c->data, c->len);
}

static void
nsid_teardown(void *ctx)
{
	free(ctx);
}

const struct plugin_ops nsid_plugin = {
	.name = "nsid",
	.setup = nsid_setup,
	.serve = nsid_serve,
	.reply = nsid_reply,
	.teardown = nsid_teardown,
};
