/* common/evloop.h - the event-loop interface (fd watches, timers,
 * signals, deferred calls); libevent stays behind it */
#ifndef COMMON_EVLOOP_H
#define COMMON_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>

struct evloop;
struct ev_watch;
struct ev_timer;
struct ev_signal;

#define EVW_READ 0x02
#define EVW_WRITE 0x04

typedef void (*ev_fd_cb)(int fd, int what, void *arg);
typedef void (*ev_cb)(void *arg);

/* Must be called once before threads use loops (thread-safe defers). */
int evloop_global_init(void);

/* A loop for the calling thread. Caller frees with evloop_free() after
 * every watch and timer on it is freed. */
struct evloop *evloop_new(void);
void evloop_free(struct evloop *l);
/* Runs until evloop_break(); 0 or ERR_IO. */
int evloop_run(struct evloop *l);
/* Makes evloop_run() return; callable from any thread. */
void evloop_break(struct evloop *l);
/* Runs `cb(arg)` on the loop's thread soon; callable from any thread.
 * Allocates: not for the answer path. */
int evloop_defer(struct evloop *l, ev_cb cb, void *arg);
/* Monotonic milliseconds, cached per loop iteration where possible. */
uint64_t evloop_now_ms(struct evloop *l);

/* A persistent watch of `fd` for `what` (EVW_READ|EVW_WRITE). Created
 * stopped. Free it before closing the fd. */
struct ev_watch *ev_watch_new(
    struct evloop *l, int fd, int what, ev_fd_cb cb, void *arg);
int ev_watch_start(struct ev_watch *w);
void ev_watch_stop(struct ev_watch *w);
/* Changes the events watched (stops and restarts the watch). */
int ev_watch_set(struct ev_watch *w, int what);
void ev_watch_free(struct ev_watch *w);

/* A one-shot timer; restart it to fire again. */
struct ev_timer *ev_timer_new(struct evloop *l, ev_cb cb, void *arg);
int ev_timer_start(struct ev_timer *t, uint64_t ms);
void ev_timer_stop(struct ev_timer *t);
bool ev_timer_pending(const struct ev_timer *t);
void ev_timer_free(struct ev_timer *t);

/* A signal handler run on the loop's thread. */
struct ev_signal *ev_signal_new(
    struct evloop *l, int signo, ev_cb cb, void *arg);
void ev_signal_free(struct ev_signal *s);

/* The libevent base, for modules that wrap libevent features (HTTP).
 * Returns `struct event_base *` as void *. */
void *evloop_backend(struct evloop *l);

#endif
