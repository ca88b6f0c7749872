/* server/metrics.h - per-worker DNS metrics with CoreDNS's names and
 * labels: lock-free counters on the answer path, summed at scrape time */
#ifndef SERVER_METRICS_H
#define SERVER_METRICS_H

#include <stddef.h>

struct request;
struct config;

/* Sizes the per-worker storage; once, before workers start. */
int metrics_init(int nworkers);
/* Gives every zone route of `c` its label set id (server, zone), stable
 * across reloads, and allocates its counters. Main thread. */
int metrics_bind_config(struct config *c);
/* Records a finished request (the prometheus plugin's done hook). No
 * locks, no allocation. */
void metrics_observe(struct request *req);
/* Appends the Prometheus text exposition of every metric to a malloc'ed
 * buffer (*buf, *len; caller frees). Main thread. */
int metrics_render(char **buf, size_t *len);

#endif
