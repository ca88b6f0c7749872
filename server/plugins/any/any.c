/* server/plugins/any/any.c - RFC 8482: an ANY query gets one HINFO */
#include "config.h"

#include <string.h>

#include "common/wire.h"
#include "server/request.h"

static int
any_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;

	*ctx = NULL;
	while (cf_next(d))
		if (cf_next_arg(d) || cf_next_block(d))
			return cf_err_args(d);
	return 0;
}

static enum pl_status
any_serve(struct request *req, void *ctx)
{
	/* CoreDNS's text: CPU "ANY obsoleted", OS "See RFC 8482" */
	static const char cpu[] = "ANY obsoleted", os[] = "See RFC 8482";
	uint8_t rd[2 + sizeof(cpu) + sizeof(os)];
	size_t n = 0;

	(void)ctx;
	if (request_qtype(req) != TYPE_ANY)
		return PL_NEXT;
	rd[n++] = (uint8_t)(sizeof(cpu) - 1);
	memcpy(rd + n, cpu, sizeof(cpu) - 1);
	n += sizeof(cpu) - 1;
	rd[n++] = (uint8_t)(sizeof(os) - 1);
	memcpy(rd + n, os, sizeof(os) - 1);
	n += sizeof(os) - 1;
	if (reply_init(req, RCODE_NOERROR) != 0 ||
	    reply_add_rr(req, SEC_ANSWER, request_qname_orig(req), TYPE_HINFO,
	        request_qclass(req), 8482, rd, (uint16_t)n) != 0)
		return PL_ERROR;
	return PL_DONE;
}

const struct plugin_ops any_plugin = {
	.name = "any",
	.setup = any_setup,
	.serve = any_serve,
};
