/* server/httpsrv.h - HTTP listeners shared by plugins (health, ready,
 * prometheus) and kept across reloads: the new configuration acquires
 * the address before the old one releases it */
#ifndef SERVER_HTTPSRV_H
#define SERVER_HTTPSRV_H

#include <stddef.h>

#include "common/httpd.h"

/* The listener for `addr` ("HOST:PORT", ":PORT"), opened on the main loop
 * if no configuration holds it yet. Main thread. NULL with a message. */
struct httpd *httpsrv_acquire(const char *addr, char *err, size_t errlen);
/* Drops a reference; the last closes the listener (on the main loop).
 * Callable from any thread; NULL-safe. */
void httpsrv_release(struct httpd *h);
/* Routes `path` unless a route is already there (routes are global
 * handlers, so the first registration serves every generation). */
int httpsrv_route(struct httpd *h, const char *path, httpd_handler cb);
struct cf_disp;
/* Reads an optional HOST:PORT argument of a plugin line into *addr
 * (malloc'ed; replaces an earlier one). 0 when absent or valid, else the
 * cf_errf() error. */
int httpsrv_parse_addr(struct cf_disp *d, char **addr);

#endif
