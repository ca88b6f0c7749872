/* server/plugins/chaos/chaos.c - CH TXT answers: version.bind,
 * version.server, authors.bind, hostname.bind, id.server */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/wire.h"
#include "server/request.h"

#define CHAOS_DEFAULT_VERSION "CoreDNS-C-" PACKAGE_VERSION

struct chaos_cfg {
	char *version;
	char **authors;
	size_t nauthors;
	char hostname[256];
};

static void
chaos_teardown(void *ctx)
{
	struct chaos_cfg *c = ctx;

	if (c == NULL)
		return;
	free(c->version);
	for (size_t i = 0; i < c->nauthors; i++)
		free(c->authors[i]);
	free(c->authors);
	free(c);
}

static int
chaos_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	struct chaos_cfg *c = calloc(1, sizeof(*c));
	int occurrences = 0;

	if (c == NULL)
		return ERR_NOMEM;
	while (cf_next(d)) {
		if (++occurrences > 1) {
			chaos_teardown(c);
			return cf_errf(d, "chaos can only be used once per "
			                  "server block");
		}
		if (cf_next_arg(d) && (c->version = strdup(cf_val(d))) == NULL)
			goto nomem;
		while (cf_next_arg(d)) {
			char **na = realloc(
			    c->authors, (c->nauthors + 1) * sizeof(*na));

			if (na == NULL)
				goto nomem;
			c->authors = na;
			if ((na[c->nauthors] = strdup(cf_val(d))) == NULL)
				goto nomem;
			c->nauthors++;
		}
		if (cf_next_block(d)) {
			chaos_teardown(c);
			return cf_errf(d, "chaos takes no block");
		}
	}
	if (c->version == NULL &&
	    (c->version = strdup(CHAOS_DEFAULT_VERSION)) == NULL)
		goto nomem;
	if (gethostname(c->hostname, sizeof(c->hostname) - 1) != 0)
		strcpy(c->hostname, "localhost");
	*ctx = c;
	return 0;
nomem:
	chaos_teardown(c);
	return ERR_NOMEM;
}

static bool
is_name(const uint8_t *qname, const char *s)
{
	uint8_t n[DNAME_MAX];

	return dname_from_str(n, s) > 0 && dname_equal(qname, n);
}

static enum pl_status
chaos_serve(struct request *req, void *ctx)
{
	const struct chaos_cfg *c = ctx;
	const uint8_t *qname = request_qname(req);
	const uint8_t *owner = request_qname_orig(req);

	if (request_qclass(req) != CLASS_CH || request_qtype(req) != TYPE_TXT)
		return PL_NEXT;
	if (is_name(qname, "version.bind.") ||
	    is_name(qname, "version.server.")) {
		if (reply_init(req, RCODE_NOERROR) != 0 ||
		    reply_add_txt(
		        req, SEC_ANSWER, owner, CLASS_CH, 0, c->version) != 0)
			return PL_ERROR;
		return PL_DONE;
	}
	if (is_name(qname, "authors.bind.")) {
		if (c->nauthors == 0)
			return PL_NEXT;
		if (reply_init(req, RCODE_NOERROR) != 0)
			return PL_ERROR;
		for (size_t i = 0; i < c->nauthors; i++)
			if (reply_add_txt(req, SEC_ANSWER, owner, CLASS_CH, 0,
			        c->authors[i]) != 0)
				return PL_ERROR;
		return PL_DONE;
	}
	if (is_name(qname, "hostname.bind.") || is_name(qname, "id.server.")) {
		if (reply_init(req, RCODE_NOERROR) != 0 ||
		    reply_add_txt(
		        req, SEC_ANSWER, owner, CLASS_CH, 0, c->hostname) != 0)
			return PL_ERROR;
		return PL_DONE;
	}
	return PL_NEXT;
}

const struct plugin_ops chaos_plugin = {
	.name = "chaos",
	.setup = chaos_setup,
	.serve = chaos_serve,
	.teardown = chaos_teardown,
};
