/* server/plugins/bind/bind.c - the addresses a server block listens on
 * (addresses or interface names, with exceptions) */
#include "config.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "common/err.h"
#include "common/strutil.h"
#include "server/request.h"

/* Adds an address literal or every address of an interface. */
static int
add_one(struct plugin_setup *ps, const char *s, bool except)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct ifaddrs *ifa, *i;
	int rc = 0, found = 0;

	/* ":PORT" parses as an address too: a bind address is never that */
	if ((s[0] != ':' || strchr(s + 1, ':') != NULL) &&
	    str_parse_hostport(s, 0, &ss, &sl) == 0) {
		if (str_port((struct sockaddr *)&ss) != 0)
			return cf_errf(&ps->disp,
			    "bind address '%s' must not have a port", s);
		return except ? server_block_add_bind_except(
		                    ps->block, (struct sockaddr *)&ss, sl)
		              : server_block_add_bind(
		                    ps->block, (struct sockaddr *)&ss, sl);
	}
	if (getifaddrs(&ifa) != 0)
		return cf_errf(&ps->disp, "cannot list interfaces");
	for (i = ifa; i != NULL && rc == 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || strcmp(i->ifa_name, s) != 0)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			sl = sizeof(struct sockaddr_in);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *s6 =
			    (const void *)i->ifa_addr;

			/* link-local needs a zone: CoreDNS skips it too */
			if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
				continue;
			sl = sizeof(struct sockaddr_in6);
		} else {
			continue;
		}
		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, i->ifa_addr, sl);
		found++;
		rc = except ? server_block_add_bind_except(
		                  ps->block, (struct sockaddr *)&ss, sl)
		            : server_block_add_bind(
		                  ps->block, (struct sockaddr *)&ss, sl);
	}
	freeifaddrs(ifa);
	if (rc == 0 && found == 0)
		return cf_errf(&ps->disp,
		    "not a valid IP address or interface name: '%s'", s);
	return rc;
}

static int
bind_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	int rc;

	*ctx = NULL;
	while (cf_next(d)) {
		int n = 0;

		while (cf_next_arg(d)) {
			if ((rc = add_one(ps, cf_val(d), false)) != 0)
				return rc;
			n++;
		}
		if (n == 0)
			return cf_err_args(d);
		while (cf_next_block(d)) {
			if (strcmp(cf_val(d), "except") != 0)
				return cf_errf(
				    d, "unknown property '%s'", cf_val(d));
			if (cf_remaining_args(d) == 0)
				return cf_err_args(d);
			while (cf_next_arg(d))
				if ((rc = add_one(ps, cf_val(d), true)) != 0)
					return rc;
		}
	}
	return 0;
}

const struct plugin_ops bind_plugin = {
	.name = "bind",
	.setup = bind_setup,
};
