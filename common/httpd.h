/* common/httpd.h - a small HTTP server on an event loop (libevent's
 * evhttp behind it), for /metrics, /health, /ready and debug pages */
#ifndef COMMON_HTTPD_H
#define COMMON_HTTPD_H

#include <stddef.h>
#include <stdint.h>

struct evloop;
struct httpd;

/* What a handler fills in. `body` is the handler's: it must stay valid
 * until the handler returns (it is copied). */
struct httpd_reply {
	int status;               /* 200 by default */
	const char *content_type; /* "text/plain; charset=utf-8" default */
	char *body;               /* malloc'ed by the handler, freed after */
	size_t len;
};

typedef void (*httpd_handler)(
    const char *path, struct httpd_reply *r, void *arg);

/* Listens on "ADDR:PORT" (":PORT" for every address). NULL with a
 * message in err. Caller frees with httpd_free(). */
struct httpd *httpd_new(
    struct evloop *l, const char *addr, char *err, size_t errlen);
/* Serves `path` with `h`. */
int httpd_route(struct httpd *h, const char *path, httpd_handler cb, void *arg);
/* The bound port (useful with port 0). */
uint16_t httpd_port(const struct httpd *h);
void httpd_free(struct httpd *h);

#endif
