/* server/plugins/whoami/whoami.c - answers with the client's address and
 * port (CoreDNS's whoami) */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "common/strutil.h"
#include "common/wire.h"
#include "server/request.h"

static int
whoami_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;

	while (cf_next(d)) {
		if (cf_next_arg(d))
			return cf_err_args(d);
	}
	*ctx = NULL;
	return 0;
}

static enum pl_status
whoami_serve(struct request *req, void *ctx)
{
	const struct sockaddr *sa = request_remote(req);
	const uint8_t *qname = request_qname_orig(req);
	uint16_t cls = request_qclass(req);
	uint8_t srvname[DNAME_MAX + 8];
	uint8_t srv[6 + 1];
	size_t qlen = dname_len(qname);
	const char *proto = request_proto_str(req);
	int rc;

	(void)ctx;
	if (reply_init(req, RCODE_NOERROR) != 0)
		return PL_ERROR;
	reply_set_flags(req, FLAG_AA, 0);
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			rc = reply_add_rr(req, SEC_ADDITIONAL, qname, TYPE_A,
			    cls, 0, s6->sin6_addr.s6_addr + 12, 4);
		else
			rc = reply_add_rr(req, SEC_ADDITIONAL, qname, TYPE_AAAA,
			    cls, 0, s6->sin6_addr.s6_addr, 16);
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		rc = reply_add_rr(req, SEC_ADDITIONAL, qname, TYPE_A, cls, 0,
		    (const uint8_t *)&s4->sin_addr, 4);
	}
	if (rc != 0)
		return PL_ERROR;
	/* _udp.QNAME (or _udp. for the root) SRV 0 0 PORT . */
	if (qlen + 5 > DNAME_MAX)
		return PL_DONE; /* no room for the SRV owner */
	srvname[0] = 4;
	srvname[1] = '_';
	memcpy(srvname + 2, proto, 3);
	memcpy(srvname + 5, qname, qlen);
	memset(srv, 0, sizeof(srv));
	wire_put16(srv + 4, str_port(sa));
	srv[6] = 0; /* target "." */
	if (reply_add_rr(req, SEC_ADDITIONAL, srvname, TYPE_SRV, cls, 0, srv,
	        sizeof(srv)) != 0)
		return PL_ERROR;
	return PL_DONE;
}

const struct plugin_ops whoami_plugin = {
	.name = "whoami",
	.setup = whoami_setup,
	.serve = whoami_serve,
};
