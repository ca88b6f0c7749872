/* common/evloop.c - the event-loop interface over libevent */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "common/err.h"
#include "common/evloop.h"

struct evloop {
	struct event_base *base;
};

struct ev_watch {
	struct event *ev;
	struct evloop *loop;
	int fd;
	ev_fd_cb cb;
	void *arg;
};

struct ev_timer {
	struct event *ev;
	ev_cb cb;
	void *arg;
};

struct ev_signal {
	struct event *ev;
	ev_cb cb;
	void *arg;
};

int
evloop_global_init(void)
{
	return evthread_use_pthreads() == 0 ? 0 : ERR_IO;
}

struct evloop *
evloop_new(void)
{
	struct evloop *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	if ((l->base = event_base_new()) == NULL) {
		free(l);
		return NULL;
	}
	return l;
}

void
evloop_free(struct evloop *l)
{
	if (l == NULL)
		return;
	event_base_free(l->base);
	free(l);
}

int
evloop_run(struct evloop *l)
{
	return event_base_loop(l->base, EVLOOP_NO_EXIT_ON_EMPTY) < 0 ? ERR_IO
	                                                             : 0;
}

void
evloop_break(struct evloop *l)
{
	event_base_loopbreak(l->base);
}

struct defer {
	ev_cb cb;
	void *arg;
};

static void
defer_fire(evutil_socket_t fd, short what, void *arg)
{
	struct defer d = *(struct defer *)arg;

	(void)fd;
	(void)what;
	free(arg);
	d.cb(d.arg);
}

int
evloop_defer(struct evloop *l, ev_cb cb, void *arg)
{
	struct defer *d = malloc(sizeof(*d));
	struct timeval zero = { 0, 0 };

	if (d == NULL)
		return ERR_NOMEM;
	d->cb = cb;
	d->arg = arg;
	if (event_base_once(l->base, -1, EV_TIMEOUT, defer_fire, d, &zero) !=
	    0) {
		free(d);
		return ERR_IO;
	}
	return 0;
}

uint64_t
evloop_now_ms(struct evloop *l)
{
	struct timeval tv;

	if (event_base_gettimeofday_cached(l->base, &tv) != 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		return (uint64_t)ts.tv_sec * 1000 +
		       (uint64_t)ts.tv_nsec / 1000000;
	}
	return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

static void
watch_fire(evutil_socket_t fd, short what, void *arg)
{
	struct ev_watch *w = arg;
	int ours = 0;

	if (what & EV_READ)
		ours |= EVW_READ;
	if (what & EV_WRITE)
		ours |= EVW_WRITE;
	w->cb((int)fd, ours, w->arg);
}

static short
to_libevent(int what)
{
	short ev = EV_PERSIST;

	if (what & EVW_READ)
		ev |= EV_READ;
	if (what & EVW_WRITE)
		ev |= EV_WRITE;
	return ev;
}

struct ev_watch *
ev_watch_new(struct evloop *l, int fd, int what, ev_fd_cb cb, void *arg)
{
	struct ev_watch *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->loop = l;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	w->ev = event_new(l->base, fd, to_libevent(what), watch_fire, w);
	if (w->ev == NULL) {
		free(w);
		return NULL;
	}
	return w;
}

int
ev_watch_start(struct ev_watch *w)
{
	return event_add(w->ev, NULL) == 0 ? 0 : ERR_IO;
}

void
ev_watch_stop(struct ev_watch *w)
{
	event_del(w->ev);
}

int
ev_watch_set(struct ev_watch *w, int what)
{
	event_del(w->ev);
	if (what == 0)
		return 0;
	if (event_assign(w->ev, w->loop->base, w->fd, to_libevent(what),
	        watch_fire, w) != 0)
		return ERR_IO;
	return event_add(w->ev, NULL) == 0 ? 0 : ERR_IO;
}

void
ev_watch_free(struct ev_watch *w)
{
	if (w == NULL)
		return;
	event_free(w->ev);
	free(w);
}

static void
timer_fire(evutil_socket_t fd, short what, void *arg)
{
	struct ev_timer *t = arg;

	(void)fd;
	(void)what;
	t->cb(t->arg);
}

struct ev_timer *
ev_timer_new(struct evloop *l, ev_cb cb, void *arg)
{
	struct ev_timer *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->cb = cb;
	t->arg = arg;
	if ((t->ev = evtimer_new(l->base, timer_fire, t)) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

int
ev_timer_start(struct ev_timer *t, uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
		(suseconds_t)((ms % 1000) * 1000) };

	return evtimer_add(t->ev, &tv) == 0 ? 0 : ERR_IO;
}

void
ev_timer_stop(struct ev_timer *t)
{
	evtimer_del(t->ev);
}

bool
ev_timer_pending(const struct ev_timer *t)
{
	return evtimer_pending(t->ev, NULL) != 0;
}

void
ev_timer_free(struct ev_timer *t)
{
	if (t == NULL)
		return;
	event_free(t->ev);
	free(t);
}

static void
signal_fire(evutil_socket_t fd, short what, void *arg)
{
	struct ev_signal *s = arg;

	(void)fd;
	(void)what;
	s->cb(s->arg);
}

struct ev_signal *
ev_signal_new(struct evloop *l, int signo, ev_cb cb, void *arg)
{
	struct ev_signal *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->cb = cb;
	s->arg = arg;
	s->ev = evsignal_new(l->base, signo, signal_fire, s);
	if (s->ev == NULL || event_add(s->ev, NULL) != 0) {
		if (s->ev != NULL)
			event_free(s->ev);
		free(s);
		return NULL;
	}
	return s;
}

void
ev_signal_free(struct ev_signal *s)
{
	if (s == NULL)
		return;
	event_free(s->ev);
	free(s);
}

void *
evloop_backend(struct evloop *l)
{
	return l->base;
}
