/* common/httpd.c - a small HTTP server over libevent's evhttp */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "common/err.h"
#include "common/evloop.h"
#include "common/httpd.h"
#include "common/strutil.h"

struct route {
	struct httpd *h;
	httpd_handler cb;
	void *arg;
	char *path;
};

struct httpd {
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	struct route *routes;
	size_t nroutes;
	uint16_t port;
};

struct httpd *
httpd_new(struct evloop *l, const char *addr, char *err, size_t errlen)
{
	struct httpd *h = calloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	socklen_t sl;
	char host[64];

	if (h == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (str_parse_hostport(addr, 0, &ss, &sl) != 0) {
		snprintf(err, errlen, "invalid address '%s'", addr);
		free(h);
		return NULL;
	}
	h->http = evhttp_new(evloop_backend(l));
	if (h->http == NULL) {
		snprintf(err, errlen, "out of memory");
		free(h);
		return NULL;
	}
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	if (ss.ss_family == AF_INET &&
	    ((struct sockaddr_in *)&ss)->sin_addr.s_addr == 0 &&
	    (addr[0] == ':' || addr[0] == '\0'))
		strcpy(host, "0.0.0.0");
	else
		str_addr((struct sockaddr *)&ss, host);
	h->sock = evhttp_bind_socket_with_handle(
	    h->http, host, str_port((struct sockaddr *)&ss));
	if (h->sock == NULL) {
		snprintf(err, errlen, "listen tcp %s: cannot bind", addr);
		evhttp_free(h->http);
		free(h);
		return NULL;
	}
	{
		struct sockaddr_storage bound;
		socklen_t bl = sizeof(bound);
		int fd = (int)evhttp_bound_socket_get_fd(h->sock);

		if (getsockname(fd, (struct sockaddr *)&bound, &bl) == 0)
			h->port = str_port((struct sockaddr *)&bound);
	}
	return h;
}

static const char *
status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 404:
		return "Not Found";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	}
	return "Error";
}

static void
dispatch(struct evhttp_request *req, void *arg)
{
	struct route *r = arg;
	struct httpd_reply rep = { 200, "text/plain; charset=utf-8", NULL, 0 };
	struct evbuffer *buf = evbuffer_new();

	r->cb(r->path, &rep, r->arg);
	if (buf != NULL && rep.body != NULL)
		evbuffer_add(buf, rep.body, rep.len);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", rep.content_type);
	evhttp_send_reply(req, rep.status, status_text(rep.status), buf);
	if (buf != NULL)
		evbuffer_free(buf);
	free(rep.body);
}

int
httpd_route(struct httpd *h, const char *path, httpd_handler cb, void *arg)
{
	struct route *nr;

	/* routes are few and added before serving; keep them stable */
	if (h->nroutes >= 16)
		return ERR_SPACE;
	if (h->routes == NULL &&
	    (h->routes = calloc(16, sizeof(*h->routes))) == NULL)
		return ERR_NOMEM;
	nr = &h->routes[h->nroutes];
	if ((nr->path = strdup(path)) == NULL)
		return ERR_NOMEM;
	nr->h = h;
	nr->cb = cb;
	nr->arg = arg;
	if (evhttp_set_cb(h->http, path, dispatch, nr) != 0) {
		free(nr->path);
		return ERR_EXISTS;
	}
	h->nroutes++;
	return 0;
}

uint16_t
httpd_port(const struct httpd *h)
{
	return h->port;
}

void
httpd_free(struct httpd *h)
{
	if (h == NULL)
		return;
	evhttp_free(h->http);
	for (size_t i = 0; i < h->nroutes; i++)
		free(h->routes[i].path);
	free(h->routes);
	free(h);
}
