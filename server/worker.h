/* server/worker.h - worker threads: one event loop each, UDP and TCP */
#ifndef SERVER_WORKER_H
#define SERVER_WORKER_H

#include <stdatomic.h>
#include <stdint.h>

struct config;
struct request;
struct worker;
struct evloop;

#define WORKER_BATCH 32

struct worker_stats {
	_Atomic uint64_t allocs;      /* heap allocations on the thread */
	_Atomic uint64_t queries;     /* queries received, UDP + TCP */
	_Atomic uint64_t udp_batches; /* recvmmsg calls that got data */
	_Atomic uint64_t udp_batch_hist[WORKER_BATCH + 1];
	_Atomic uint64_t tcp_conns;   /* accepted */
	_Atomic uint64_t tcp_refused; /* over the connection cap */
	_Atomic uint64_t dropped;     /* malformed or QR=1, no reply */
	_Atomic uint64_t pool_size;   /* request objects allocated */
};

/* Starts `n` workers serving `cfg` (a reference is taken per worker). */
int workers_start(int n, struct config *cfg);
/* Makes every worker serve `cfg` from now on; waits (bounded) until all
 * did, so the caller may then close sockets the old one used. */
int workers_switch(struct config *cfg);
/* Stops reading new queries, waits up to `grace_ms` for requests in
 * flight, then ends the threads and joins them. */
void workers_stop(uint64_t grace_ms);
int workers_count(void);
/* Per-worker statistics, NULL past the last. */
const struct worker_stats *worker_stats_get(int i);

struct evloop *worker_loop(struct worker *w);
int worker_index(const struct worker *w);
/* An asynchronous request finished (reply in req->tx or drop): send it
 * and recycle the request. Runs on the worker's thread. */
void worker_request_done(struct request *req, int result);

/* TCP limits (fixed for now; tests may lower them). */
extern int worker_tcp_max_conns; /* per worker */
extern int worker_tcp_idle_ms;

#endif
