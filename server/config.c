/* server/config.c - configuration generations: plugin setup per server
 * block, zone routing per listen address, sockets shared across reloads */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "common/err.h"
#include "common/log.h"
#include "common/strutil.h"
#include "server/metrics.h"
#include "server/server.h"

const char config_default_text[] = ". {\n\twhoami\n\tlog\n}\n";

void
config_ref(struct config *c)
{
	atomic_fetch_add(&c->refs, 1);
}

static void
config_free(struct config *c)
{
	for (size_t i = 0; i < c->nblocks; i++) {
		struct server_block *sb = &c->blocks[i];

		for (size_t j = sb->nplugins; j-- > 0;)
			if (sb->plugins[j].ops->teardown != NULL)
				sb->plugins[j].ops->teardown(
				    sb->plugins[j].ctx);
		free(sb->plugins);
		free(sb->chain);
		free(sb->binds);
		free(sb->excepts);
		SSL_CTX_free(sb->tls);
	}
	free(c->blocks);
	for (size_t i = 0; i < c->ngroups; i++)
		free(c->groups[i].routes);
	free(c->groups);
	for (size_t i = 0; i < c->nlisteners; i++)
		free(c->listeners[i].fds);
	free(c->listeners);
	corefile_free(c->cf);
	free(c);
}

void
config_unref(struct config *c)
{
	if (c != NULL && atomic_fetch_sub(&c->refs, 1) == 1)
		config_free(c);
}

static int
add_addr(struct bind_addr **arr, size_t *n, const struct sockaddr *sa,
    socklen_t salen)
{
	struct bind_addr *a = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (a == NULL)
		return ERR_NOMEM;
	*arr = a;
	memset(&a[*n], 0, sizeof(a[*n]));
	memcpy(&a[*n].ss, sa, salen);
	a[*n].len = salen;
	(*n)++;
	return 0;
}

int
server_block_add_bind(
    struct server_block *sb, const struct sockaddr *sa, socklen_t salen)
{
	return add_addr(&sb->binds, &sb->nbinds, sa, salen);
}

void
server_block_set_bufsize(struct server_block *sb, uint16_t size)
{
	sb->bufsize = size;
}

void
server_block_set_tls(struct server_block *sb, void *ssl_ctx)
{
	SSL_CTX_free(sb->tls);
	sb->tls = ssl_ctx;
}

int
server_block_add_bind_except(
    struct server_block *sb, const struct sockaddr *sa, socklen_t salen)
{
	return add_addr(&sb->excepts, &sb->nexcepts, sa, salen);
}

static bool
same_ip(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)(const void *)a)
		                   ->sin_addr,
		           &((const struct sockaddr_in *)(const void *)b)
		                ->sin_addr,
		           4) == 0;
	return memcmp(
	           &((const struct sockaddr_in6 *)(const void *)a)->sin6_addr,
	           &((const struct sockaddr_in6 *)(const void *)b)->sin6_addr,
	           16) == 0;
}

static void
set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)(void *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons(port);
}

static bool
is_wildcard(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)ss)
		           ->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(
	    &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr);
}

static struct listen_group *
find_group(struct config *c, enum cf_scheme scheme,
    const struct sockaddr_storage *ss, uint16_t port)
{
	for (size_t i = 0; i < c->ngroups; i++) {
		struct listen_group *g = &c->groups[i];

		if (g->scheme == scheme && g->port == port &&
		    same_ip(&g->addr, ss))
			return g;
	}
	return NULL;
}

static int
cmp_routes(const void *a, const void *b)
{
	const struct zone_route *x = a, *y = b;

	return y->labels - x->labels;
}

/* Adds the block's zones to the group of every address it listens on. */
static int
route_block(struct config *c, struct server_block *sb, char *err, size_t errlen)
{
	struct bind_addr wild[2];
	const struct bind_addr *addrs = sb->binds;
	size_t naddrs = sb->nbinds;

	if (naddrs == 0) {
		memset(wild, 0, sizeof(wild));
		wild[0].ss.ss_family = AF_INET;
		wild[0].len = sizeof(struct sockaddr_in);
		wild[1].ss.ss_family = AF_INET6;
		wild[1].len = sizeof(struct sockaddr_in6);
		addrs = wild;
		naddrs = 2;
	}
	for (size_t k = 0; k < sb->cfb->nkeys; k++) {
		const struct cf_key *key = &sb->cfb->keys[k];
		uint8_t zone[DNAME_MAX];

		if (dname_from_str(zone, key->zone) < 0) {
			snprintf(err, errlen,
			    "%s:%d - Error during parsing: invalid zone '%s'",
			    key->file, key->line, key->zone);
			return ERR_CONFIG;
		}
		for (size_t a = 0; a < naddrs; a++) {
			struct listen_group *g;
			struct zone_route *r;
			bool skip = false;

			for (size_t e = 0; e < sb->nexcepts; e++)
				if (same_ip(&addrs[a].ss, &sb->excepts[e].ss))
					skip = true;
			if (skip)
				continue;
			g = find_group(c, key->scheme, &addrs[a].ss, key->port);
			if (g == NULL) {
				struct listen_group *ng = realloc(
				    c->groups, (c->ngroups + 1) * sizeof(*ng));
				char ip[64];

				if (ng == NULL)
					return ERR_NOMEM;
				c->groups = ng;
				g = &ng[c->ngroups++];
				memset(g, 0, sizeof(*g));
				g->scheme = key->scheme;
				g->addr = addrs[a].ss;
				g->addrlen = addrs[a].len;
				g->port = key->port;
				set_port(&g->addr, key->port);
				if (is_wildcard(&g->addr))
					ip[0] = '\0';
				else
					str_addr(
					    (struct sockaddr *)&g->addr, ip);
				snprintf(g->name, sizeof(g->name),
				    g->addr.ss_family == AF_INET6 &&
				            ip[0] != '\0'
				        ? "%s://[%s]:%u"
				        : "%s://%s:%u",
				    key->scheme == CF_TLS ? "tls" : "dns", ip,
				    key->port);
			}
			for (size_t i = 0; i < g->nroutes; i++) {
				if (dname_equal(g->routes[i].zone, zone) &&
				    g->routes[i].sb != sb) {
					snprintf(err, errlen,
					    "%s:%d - Error during parsing: "
					    "zone "
					    "'%s' on port %u is already served "
					    "by the block at %s:%d",
					    key->file, key->line, key->zone,
					    key->port,
					    g->routes[i].sb->cfb->file,
					    g->routes[i].sb->cfb->line);
					return ERR_CONFIG;
				}
			}
			r = realloc(g->routes, (g->nroutes + 1) * sizeof(*r));
			if (r == NULL)
				return ERR_NOMEM;
			g->routes = r;
			r = &r[g->nroutes++];
			memcpy(r->zone, zone, sizeof(zone));
			r->labels = dname_labels(zone);
			r->sb = sb;
			r->mid = -1;
		}
	}
	return 0;
}

static int
setup_block(struct server_block *sb, const struct corefile *cf,
    const struct cf_block *cfb, char *err, size_t errlen)
{
	struct cf_directive *mine = NULL;
	int rc = 0;

	sb->cfb = cfb;
	sb->bufsize = EDNS_DEFAULT_SIZE;
	for (size_t d = 0; d < cfb->ndirs; d++) {
		const struct cf_token *t = &cfb->dirs[d].tokens[0];

		if (plugin_index(t->text) < 0) {
			snprintf(err, errlen,
			    "%s:%d - Error during parsing: Unknown directive "
			    "'%s'",
			    t->file, t->line, t->text);
			return ERR_CONFIG;
		}
	}
	if (cfb->ndirs > 0 &&
	    (mine = calloc(cfb->ndirs, sizeof(*mine))) == NULL)
		return ERR_NOMEM;
	sb->plugins = calloc(plugin_count, sizeof(*sb->plugins));
	sb->chain = calloc(plugin_count, sizeof(*sb->chain));
	if (sb->plugins == NULL || sb->chain == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (size_t p = 0; p < plugin_count; p++) {
		const struct plugin_ops *ops = plugin_table[p];
		struct plugin_setup ps;
		size_t n = 0;
		void *ctx = NULL;

		for (size_t d = 0; d < cfb->ndirs; d++)
			if (strcmp(cfb->dirs[d].tokens[0].text, ops->name) == 0)
				mine[n++] = cfb->dirs[d];
		if (n == 0)
			continue;
		memset(&ps, 0, sizeof(ps));
		cf_disp_init(&ps.disp, mine, n, err, errlen);
		ps.block = sb;
		ps.keys = cfb->keys;
		ps.nkeys = cfb->nkeys;
		ps.cf = cf;
		if (ops->setup != NULL && (rc = ops->setup(&ps, &ctx)) != 0) {
			if (rc != ERR_CONFIG || err[0] == '\0')
				snprintf(err, errlen,
				    "%s:%d - Error during setup of plugin "
				    "'%s': %s",
				    mine[0].tokens[0].file,
				    mine[0].tokens[0].line, ops->name,
				    err_str(rc));
			rc = ERR_CONFIG;
			goto out;
		}
		sb->plugins[sb->nplugins].ops = ops;
		sb->plugins[sb->nplugins++].ctx = ctx;
		if (ops->serve != NULL) {
			sb->chain[sb->nchain].ops = ops;
			sb->chain[sb->nchain++].ctx = ctx;
		}
	}
out:
	free(mine);
	return rc;
}

static int setup_nworkers = 1;

int
server_workers(void)
{
	return setup_nworkers;
}

struct config *
config_build(struct corefile *cf, int nworkers, char *err, size_t errlen)
{
	struct config *c = calloc(1, sizeof(*c));
	int rc = 0;

	err[0] = '\0';
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		corefile_free(cf);
		return NULL;
	}
	atomic_init(&c->refs, 1);
	c->cf = cf;
	c->nworkers = nworkers;
	setup_nworkers = nworkers;
	if (cf->nblocks == 0) {
		snprintf(err, errlen, "no server blocks in the configuration");
		goto fail;
	}
	if ((c->blocks = calloc(cf->nblocks, sizeof(*c->blocks))) == NULL)
		goto nomem;
	for (size_t i = 0; i < cf->nblocks; i++) {
		const struct cf_block *b = &cf->blocks[i];

		c->nblocks = i + 1;
		if ((rc = setup_block(&c->blocks[i], cf, b, err, errlen)) != 0)
			goto fail;
		for (size_t k = 0; k < b->nkeys; k++) {
			if (b->keys[k].scheme == CF_TLS &&
			    c->blocks[i].tls == NULL) {
				snprintf(err, errlen,
				    "%s:%d - Error during parsing: a tls:// "
				    "server block needs the tls plugin "
				    "(tls CERT KEY [CA])",
				    b->keys[k].file, b->keys[k].line);
				goto fail;
			}
		}
	}
	for (size_t i = 0; i < c->nblocks; i++)
		if ((rc = route_block(c, &c->blocks[i], err, errlen)) != 0)
			goto fail;
	for (size_t i = 0; i < c->ngroups; i++) {
		for (size_t j = i + 1; j < c->ngroups; j++) {
			const struct listen_group *a = &c->groups[i],
			                          *b = &c->groups[j];

			if (a->scheme != b->scheme && a->port == b->port &&
			    same_ip(&a->addr, &b->addr)) {
				snprintf(err, errlen,
				    "%s and %s cannot share a port", a->name,
				    b->name);
				goto fail;
			}
		}
	}
	for (size_t i = 0; i < c->ngroups; i++) {
		struct listen_group *g = &c->groups[i];

		qsort(g->routes, g->nroutes, sizeof(struct zone_route),
		    cmp_routes);
		/* one TLS context per socket: the first block's */
		for (size_t r = 0; r < g->nroutes && g->scheme == CF_TLS; r++)
			if (g->tls == NULL)
				g->tls = g->routes[r].sb->tls;
	}
	c->listeners = calloc(c->ngroups * 2, sizeof(*c->listeners));
	if (c->listeners == NULL)
		goto nomem;
	for (size_t i = 0; i < c->ngroups; i++) {
		bool tls = c->groups[i].scheme == CF_TLS;

		for (int k = tls ? 1 : 0; k < 2; k++) {
			struct listener *l = &c->listeners[c->nlisteners++];

			l->kind = tls ? LST_TLS : k == 0 ? LST_UDP : LST_TCP;
			l->grp = &c->groups[i];
			l->fds = malloc((size_t)nworkers * sizeof(int));
			if (l->fds == NULL)
				goto nomem;
			for (int w = 0; w < nworkers; w++)
				l->fds[w] = -1;
		}
	}
	return c;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	if (err[0] == '\0')
		snprintf(err, errlen, "%s", err_str(rc));
	config_unref(c);
	return NULL;
}

struct config *
config_load(const char *path, uint16_t default_port, int nworkers, char *err,
    size_t errlen)
{
	struct corefile *cf;

	if (path == NULL)
		cf = corefile_parse_string(config_default_text,
		    sizeof(config_default_text) - 1, "Corefile(default)", NULL,
		    default_port, err, errlen);
	else
		cf = corefile_parse_file(path, default_port, err, errlen);
	if (cf == NULL)
		return NULL;
	return config_build(cf, nworkers, err, errlen);
}

static bool
same_listener(const struct listener *a, const struct listener *b)
{
	return a->kind == b->kind && a->grp->port == b->grp->port &&
	       same_ip(&a->grp->addr, &b->grp->addr);
}

/* SO_REUSEPORT lets a second server bind the same port and take half
 * the queries without an error. Before the first socket of a new
 * listener, a plain bind (no SO_REUSEPORT) must succeed. */
static int
probe_free(const struct listener *l, char *err, size_t errlen)
{
	const struct listen_group *g = l->grp;
	int one = 1, rc = 0;
	int fd = socket(g->addr.ss_family,
	    (l->kind == LST_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0; /* open_socket reports it */
	/* TCP: let our own connections in TIME_WAIT not count (a listening
	 * socket still does); UDP sockets never set it */
	if (l->kind != LST_UDP)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (g->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&g->addr, g->addrlen) != 0 &&
	    errno == EADDRINUSE) {
		snprintf(err, errlen, "listen %s %s: address already in use",
		    l->kind == LST_UDP ? "udp" : "tcp", g->name);
		rc = ERR_IO;
	}
	close(fd);
	return rc;
}

/* Another listener of `c` or `old` on the same port and family: then
 * the probe would only see ourselves. */
static bool
port_shared(
    const struct config *c, const struct config *old, const struct listener *l)
{
	const struct config *cs[2] = { c, old };

	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; cs[k] != NULL && i < cs[k]->nlisteners;
		     i++) {
			const struct listener *o = &cs[k]->listeners[i];

			if (o == l ||
			    (o->kind == LST_UDP) != (l->kind == LST_UDP))
				continue;
			if (o->grp->port == l->grp->port &&
			    o->grp->addr.ss_family == l->grp->addr.ss_family &&
			    (k == 1 || o < l))
				return true;
		}
	}
	return false;
}

static int
open_socket(const struct listener *l, char *err, size_t errlen, bool *skip)
{
	const struct listen_group *g = l->grp;
	int fam = g->addr.ss_family;
	int fd, one = 1;
	const char *what = l->kind == LST_UDP ? "udp" : "tcp";
	bool stream = l->kind != LST_UDP;

	*skip = false;
	fd = socket(fam,
	    (stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		if (fam == AF_INET6 && is_wildcard(&g->addr) &&
		    errno == EAFNOSUPPORT) {
			*skip = true; /* no IPv6 on this host */
			return -1;
		}
		snprintf(err, errlen, "listen %s %s: socket: %s", what, g->name,
		    strerror(errno));
		return -1;
	}
	/* SO_REUSEADDR on UDP would let any other socket with it share the
	 * port unnoticed; TCP needs it for restarts over TIME_WAIT */
	if (stream)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0)
		goto fail;
	if (fam == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0)
		goto fail;
	if (l->kind == LST_UDP && is_wildcard(&g->addr)) {
		/* answer from the address the query was sent to */
		if (fam == AF_INET)
			setsockopt(
			    fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		else
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			    sizeof(one));
	}
	if (bind(fd, (const struct sockaddr *)&g->addr, g->addrlen) != 0) {
		if (fam == AF_INET6 && is_wildcard(&g->addr) &&
		    errno == EADDRNOTAVAIL) {
			close(fd);
			*skip = true;
			return -1;
		}
		goto fail;
	}
	if (stream && listen(fd, 1024) != 0)
		goto fail;
	return fd;
fail:
	snprintf(
	    err, errlen, "listen %s %s: %s", what, g->name, strerror(errno));
	close(fd);
	return -1;
}

int
config_open_listeners(
    struct config *c, struct config *old, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->nlisteners; i++) {
		struct listener *l = &c->listeners[i];
		const struct listener *prev = NULL;

		for (size_t j = 0; old != NULL && j < old->nlisteners; j++)
			if (same_listener(l, &old->listeners[j]) &&
			    old->listeners[j].fds[0] >= 0)
				prev = &old->listeners[j];
		if (prev != NULL && old->nworkers == c->nworkers) {
			memcpy(l->fds, prev->fds,
			    (size_t)c->nworkers * sizeof(int));
			l->fds_inherited = true;
			continue;
		}
		if (!port_shared(c, old, l) &&
		    probe_free(l, err, errlen) != 0) {
			config_close_unused(c, old);
			return ERR_IO;
		}
		for (int w = 0; w < c->nworkers; w++) {
			bool skip;

			l->fds[w] = open_socket(l, err, errlen, &skip);
			if (l->fds[w] < 0 && skip) {
				if (w == 0)
					log_warn("no IPv6 on this host: not "
					         "listening on %s",
					    l->grp->name);
				break;
			}
			if (l->fds[w] < 0) {
				config_close_unused(c, old);
				return ERR_IO;
			}
		}
	}
	return 0;
}

void
config_close_unused(struct config *c, struct config *keep)
{
	for (size_t i = 0; i < c->nlisteners; i++) {
		struct listener *l = &c->listeners[i];

		for (int w = 0; w < c->nworkers; w++) {
			bool used = false;

			if (l->fds[w] < 0)
				continue;
			for (size_t j = 0; keep != NULL && j < keep->nlisteners;
			     j++)
				for (int k = 0; k < keep->nworkers; k++)
					if (keep->listeners[j].fds[k] ==
					    l->fds[w])
						used = true;
			if (!used)
				close(l->fds[w]);
			l->fds[w] = -1;
		}
	}
}

int
config_start(struct config *c, char *err, size_t errlen)
{
	server_reset_lameduck();
	metrics_bind_config(c);
	for (size_t i = 0; i < c->nblocks; i++) {
		struct server_block *sb = &c->blocks[i];

		for (size_t j = 0; j < sb->nplugins; j++) {
			int rc;

			if (sb->plugins[j].ops->start == NULL)
				continue;
			if ((rc = sb->plugins[j].ops->start(
			         sb->plugins[j].ctx)) != 0) {
				snprintf(err, errlen,
				    "plugin/%s: start failed: %s",
				    sb->plugins[j].ops->name, err_str(rc));
				return rc;
			}
		}
	}
	c->started = true;
	return 0;
}
