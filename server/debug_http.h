/* server/debug_http.h - the debug endpoint (-debug.addr): worker
 * allocation counts, query counts and UDP receive batch sizes */
#ifndef SERVER_DEBUG_HTTP_H
#define SERVER_DEBUG_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct evloop;
struct httpd;
struct strbuf;

/* Serves /debug/vars on `addr` from the main loop. NULL with a message
 * in err. Caller frees with httpd_free(). */
struct httpd *debug_http_start(
    struct evloop *l, const char *addr, char *err, size_t errlen);

/* Appends the debug counters (Prometheus text) to `b`. */
void debug_vars_render(struct strbuf *b);

/* Adds a renderer whose text is appended to the debug counters (and so
 * to /metrics); main thread, once per function. */
void debug_vars_add(void (*render)(struct strbuf *b));

/* Counters the main thread keeps (reloads). */
extern uint64_t debug_reloads_ok, debug_reloads_failed;

#endif
