/* server/worker.c - worker threads: one event loop each, SO_REUSEPORT
 * sockets, batched UDP (recvmmsg/sendmmsg), pipelined TCP */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/alloccount.h"
#include "common/err.h"
#include "common/evloop.h"
#include "common/log.h"
#include "server/server.h"
#include "server/worker.h"

int worker_tcp_max_conns = 1024;
int worker_tcp_idle_ms = 10000;

#define TCP_RBUF (2 + 65535)
#define CTL_SIZE 64

struct worker;

struct wlisten {
	struct worker *w;
	struct listener *l;
	int fd;
	bool wildcard;
	struct ev_watch *watch;
};

struct tcp_conn {
	struct worker *w;
	struct tcp_conn *next, *prev;
	int fd;
	struct ev_watch *watch;
	struct ev_timer *idle;
	struct sockaddr_storage remote, local;
	socklen_t remote_len, local_len;
	struct config *cfg; /* generation `grp` belongs to (referenced) */
	struct listen_group *grp;
	enum listener_kind kind;
	uint8_t *rbuf;
	size_t rlen;
	uint8_t *wbuf;
	size_t wlen, woff, wcap;
	int pending; /* async requests not finished */
	bool eof;    /* peer closed its side: finish writing, then close */
	bool closed; /* fd closed; free when pending reaches 0 */
	bool writing;
	SSL *ssl;            /* DNS over TLS, NULL for plain TCP */
	bool tls_want_write; /* a TLS read needs the socket writable */
	int watched;         /* events the watch has now */
};

struct worker {
	int id;
	pthread_t th;
	struct evloop *loop;
	struct worker_stats stats;
	struct config *cfg;
	struct wlisten *wl;
	size_t nwl;
	struct request *free_reqs;
	struct request *rx_req[WORKER_BATCH];
	struct mmsghdr rx_msgs[WORKER_BATCH];
	struct iovec rx_iov[WORKER_BATCH];
	struct mmsghdr tx_msgs[WORKER_BATCH];
	struct iovec tx_iov[WORKER_BATCH];
	uint8_t tx_ctl[WORKER_BATCH][CTL_SIZE];
	struct tcp_conn *conns;
	int nconns;
	struct tcp_conn *free_conns;
	int inflight;
	bool stopping;
	struct ev_timer *stop_timer;
};

static struct worker *workers;
static int nworkers;
static uint64_t stop_grace_ms = 5000;
static pthread_mutex_t ack_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ack_cv = PTHREAD_COND_INITIALIZER;
static int acks;

struct evloop *
worker_loop(struct worker *w)
{
	return w->loop;
}

int
worker_index(const struct worker *w)
{
	return w->id;
}

int
workers_count(void)
{
	return nworkers;
}

const struct worker_stats *
worker_stats_get(int i)
{
	if (i < 0 || i >= nworkers)
		return NULL;
	return &workers[i].stats;
}

static struct request *
req_get(struct worker *w)
{
	struct request *req = w->free_reqs;

	if (req != NULL) {
		w->free_reqs = req->next_free;
		return req;
	}
	if ((req = request_new()) == NULL)
		return NULL;
	req->w = w;
	atomic_fetch_add_explicit(&w->stats.pool_size, 1, memory_order_relaxed);
	return req;
}

static void
req_put(struct worker *w, struct request *req)
{
	if (req->cfg_ref) {
		config_unref(req->cfg);
		req->cfg_ref = false;
	}
	request_reset(req);
	req->next_free = w->free_reqs;
	w->free_reqs = req;
}

static void
ack(void)
{
	pthread_mutex_lock(&ack_mu);
	acks++;
	pthread_cond_broadcast(&ack_cv);
	pthread_mutex_unlock(&ack_mu);
}

/* ---- TCP ---- */

static void conn_cb(int fd, int what, void *arg);

static void
conn_release(struct tcp_conn *c)
{
	struct worker *w = c->w;

	if (c->pending > 0)
		return; /* the last async reply frees it */
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	config_unref(c->cfg);
	c->cfg = NULL;
	c->next = w->free_conns;
	c->prev = NULL;
	w->free_conns = c;
}

static void
conn_close(struct tcp_conn *c)
{
	if (!c->closed) {
		if (c->ssl != NULL) {
			(void)SSL_shutdown(c->ssl); /* best effort */
			SSL_free(c->ssl);
			c->ssl = NULL;
		}
		ev_watch_free(c->watch);
		c->watch = NULL;
		ev_timer_stop(c->idle);
		close(c->fd);
		c->fd = -1;
		c->closed = true;
		c->w->nconns--;
	}
	conn_release(c);
}

/* Watches what the connection waits for now. */
static void
conn_update_watch(struct tcp_conn *c)
{
	int want = (c->eof ? 0 : EVW_READ) |
	           (c->writing || c->tls_want_write ? EVW_WRITE : 0);

	if (want != c->watched) {
		ev_watch_set(c->watch, want);
		c->watched = want;
	}
}

/* Bytes read (> 0), 0 at end of stream, -1 to wait, -2 on error. */
static ssize_t
conn_io_recv(struct tcp_conn *c, void *buf, size_t n)
{
	int r;

	if (c->ssl == NULL) {
		ssize_t got = recv(c->fd, buf, n, 0);

		if (got >= 0)
			return got;
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
		           ? -1
		           : -2;
	}
	ERR_clear_error();
	if ((r = SSL_read(c->ssl, buf, (int)n)) > 0)
		return r;
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		return -1;
	case SSL_ERROR_WANT_WRITE:
		c->tls_want_write = true;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	}
	return -2;
}

/* Bytes written (> 0), -1 to wait, -2 on error. */
static ssize_t
conn_io_send(struct tcp_conn *c, const void *buf, size_t n)
{
	int r;

	if (c->ssl == NULL) {
		ssize_t put = send(c->fd, buf, n, MSG_NOSIGNAL);

		if (put >= 0)
			return put;
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
		           ? -1
		           : -2;
	}
	ERR_clear_error();
	if ((r = SSL_write(c->ssl, buf, (int)n)) > 0)
		return r;
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return -1;
	}
	return -2;
}

static void
conn_flush(struct tcp_conn *c)
{
	while (c->woff < c->wlen) {
		ssize_t n =
		    conn_io_send(c, c->wbuf + c->woff, c->wlen - c->woff);

		if (n == -1)
			break;
		if (n < 0) {
			conn_close(c);
			return;
		}
		c->woff += (size_t)n;
	}
	if (c->woff == c->wlen) {
		c->woff = c->wlen = 0;
		c->writing = false;
		if (c->eof && c->pending == 0) {
			conn_close(c);
			return;
		}
	} else {
		c->writing = true;
	}
	conn_update_watch(c);
}

static int
conn_queue(struct tcp_conn *c, const uint8_t *p, size_t n)
{
	if (c->wcap - c->wlen < n + 2) {
		size_t cap = c->wcap * 2;
		uint8_t *nb;

		if (c->woff > 0) {
			memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
			c->wlen -= c->woff;
			c->woff = 0;
		}
		while (cap - c->wlen < n + 2)
			cap *= 2;
		if (c->wcap - c->wlen < n + 2) {
			if ((nb = realloc(c->wbuf, cap)) == NULL)
				return ERR_NOMEM;
			c->wbuf = nb;
			c->wcap = cap;
		}
	}
	wire_put16(c->wbuf + c->wlen, (uint16_t)n);
	memcpy(c->wbuf + c->wlen + 2, p, n);
	c->wlen += n + 2;
	return 0;
}

/* The listen group for a connection under the worker's current
 * configuration (after a reload the old generation may be gone). */
static bool
conn_refresh_group(struct tcp_conn *c)
{
	struct config *cfg = c->w->cfg;

	if (c->cfg == cfg)
		return true;
	for (size_t i = 0; i < cfg->nlisteners; i++) {
		struct listener *l = &cfg->listeners[i];

		if (l->kind == c->kind && l->grp->port == c->grp->port &&
		    l->grp->addr.ss_family == c->grp->addr.ss_family &&
		    l->grp->addrlen == c->grp->addrlen &&
		    memcmp(&l->grp->addr, &c->grp->addr, l->grp->addrlen) ==
		        0) {
			config_ref(cfg);
			config_unref(c->cfg);
			c->cfg = cfg;
			c->grp = l->grp;
			return true;
		}
	}
	return false;
}

static void
conn_read(struct tcp_conn *c)
{
	struct worker *w = c->w;
	size_t off = 0;
	ssize_t n;

	n = conn_io_recv(c, c->rbuf + c->rlen, TCP_RBUF - c->rlen);
	if (n == 0) {
		c->eof = true;
		if (c->pending == 0 && c->wlen == c->woff) {
			conn_close(c);
			return;
		}
		conn_update_watch(c);
		return;
	}
	if (n == -1) {
		conn_update_watch(c);
		return;
	}
	if (n < 0) {
		conn_close(c);
		return;
	}
	c->rlen += (size_t)n;
	if (!conn_refresh_group(c)) {
		conn_close(c);
		return;
	}
	while (c->rlen - off >= 2) {
		size_t flen = wire_get16(c->rbuf + off);
		struct request *req;
		enum req_result res;

		if (c->rlen - off - 2 < flen)
			break;
		if ((req = req_get(w)) == NULL) {
			conn_close(c);
			return;
		}
		memcpy(req->rx, c->rbuf + off + 2, flen);
		off += 2 + flen;
		req->rxlen = flen;
		req->proto = c->ssl != NULL ? PROTO_TLS : PROTO_TCP;
		memcpy(&req->remote, &c->remote, c->remote_len);
		req->remote_len = c->remote_len;
		memcpy(&req->local, &c->local, c->local_len);
		req->local_len = c->local_len;
		req->conn = c;
		atomic_fetch_add_explicit(
		    &w->stats.queries, 1, memory_order_relaxed);
		res = server_process(req, c->cfg, c->grp);
		if (res == REQ_ASYNC) {
			c->pending++;
			w->inflight++;
			continue;
		}
		if (res == REQ_REPLY &&
		    conn_queue(c, req->tx, req->txlen) != 0) {
			req_put(w, req);
			conn_close(c);
			return;
		}
		if (res == REQ_DROP)
			atomic_fetch_add_explicit(
			    &w->stats.dropped, 1, memory_order_relaxed);
		req_put(w, req);
	}
	if (off > 0) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
	conn_flush(c);
}

static void
conn_idle(void *arg)
{
	struct tcp_conn *c = arg;

	if (c->pending > 0) {
		ev_timer_start(c->idle, (uint64_t)worker_tcp_idle_ms);
		return;
	}
	conn_close(c);
}

static void
conn_cb(int fd, int what, void *arg)
{
	struct tcp_conn *c = arg;

	(void)fd;
	if (what & EVW_WRITE) {
		if (c->tls_want_write) {
			/* a TLS read (handshake) waited for this */
			c->tls_want_write = false;
			what |= EVW_READ;
		}
		conn_flush(c);
		if (c->closed)
			return;
	}
	if ((what & EVW_READ) && !c->eof) {
		conn_read(c);
		/* TLS may hold decrypted bytes the socket no longer shows */
		while (!c->closed && !c->eof && c->ssl != NULL &&
		       SSL_pending(c->ssl) > 0 && c->rlen < TCP_RBUF)
			conn_read(c);
		if (c->closed)
			return;
	}
	ev_timer_start(c->idle, (uint64_t)worker_tcp_idle_ms);
}

static struct tcp_conn *
conn_get(struct worker *w)
{
	struct tcp_conn *c = w->free_conns;

	if (c != NULL) {
		w->free_conns = c->next;
	} else {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			return NULL;
		c->rbuf = malloc(TCP_RBUF);
		c->wcap = 4096;
		c->wbuf = malloc(c->wcap);
		c->idle = ev_timer_new(w->loop, conn_idle, c);
		if (c->rbuf == NULL || c->wbuf == NULL || c->idle == NULL) {
			free(c->rbuf);
			free(c->wbuf);
			ev_timer_free(c->idle);
			free(c);
			return NULL;
		}
		c->w = w;
	}
	c->next = c->prev = NULL;
	c->rlen = c->wlen = c->woff = 0;
	c->pending = 0;
	c->eof = c->closed = c->writing = c->tls_want_write = false;
	c->ssl = NULL;
	c->watched = EVW_READ;
	return c;
}

static void
accept_cb(int fd, int what, void *arg)
{
	struct wlisten *wl = arg;
	struct worker *w = wl->w;

	(void)what;
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct tcp_conn *c;
		int cfd = accept4(fd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		int one = 1;

		if (cfd < 0)
			return;
		if (w->stopping || w->nconns >= worker_tcp_max_conns ||
		    (c = conn_get(w)) == NULL) {
			atomic_fetch_add_explicit(
			    &w->stats.tcp_refused, 1, memory_order_relaxed);
			close(cfd);
			continue;
		}
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = cfd;
		c->remote = ss;
		c->remote_len = sl;
		c->local_len = sizeof(c->local);
		getsockname(cfd, (struct sockaddr *)&c->local, &c->local_len);
		c->cfg = w->cfg;
		config_ref(c->cfg);
		c->grp = wl->l->grp;
		c->kind = wl->l->kind;
		if (c->kind == LST_TLS) {
			if (c->grp->tls == NULL ||
			    (c->ssl = SSL_new(c->grp->tls)) == NULL ||
			    SSL_set_fd(c->ssl, cfd) != 1) {
				SSL_free(c->ssl);
				c->ssl = NULL;
				close(cfd);
				config_unref(c->cfg);
				c->next = w->free_conns;
				w->free_conns = c;
				continue;
			}
			SSL_set_accept_state(c->ssl);
		}
		c->watch = ev_watch_new(w->loop, cfd, EVW_READ, conn_cb, c);
		if (c->watch == NULL || ev_watch_start(c->watch) != 0) {
			ev_watch_free(c->watch);
			close(cfd);
			config_unref(c->cfg);
			c->next = w->free_conns;
			w->free_conns = c;
			continue;
		}
		c->next = w->conns;
		if (w->conns != NULL)
			w->conns->prev = c;
		w->conns = c;
		w->nconns++;
		atomic_fetch_add_explicit(
		    &w->stats.tcp_conns, 1, memory_order_relaxed);
		ev_timer_start(c->idle, (uint64_t)worker_tcp_idle_ms);
	}
}

/* ---- UDP ---- */

/* Control data for the reply: the source address the query came to. */
static size_t
reply_ctl(struct request *req, uint8_t *out)
{
	struct msghdr mh;
	struct cmsghdr *cm;

	if (req->pktinfo_len == 0)
		return 0;
	memset(&mh, 0, sizeof(mh));
	mh.msg_control = req->pktinfo;
	mh.msg_controllen = req->pktinfo_len;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct cmsghdr *o = (struct cmsghdr *)(void *)out;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			o->cmsg_level = IPPROTO_IP;
			o->cmsg_type = IP_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
		if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO) {
			struct cmsghdr *o = (struct cmsghdr *)(void *)out;

			o->cmsg_level = IPPROTO_IPV6;
			o->cmsg_type = IPV6_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
			memcpy(CMSG_DATA(o), CMSG_DATA(cm),
			    sizeof(struct in6_pktinfo));
			return CMSG_SPACE(sizeof(struct in6_pktinfo));
		}
	}
	return 0;
}

/* The address a query on a wildcard socket was sent to. */
static void
local_from_pktinfo(struct request *req, uint16_t port)
{
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&req->local, 0, sizeof(req->local));
	req->local_len = 0;
	memset(&mh, 0, sizeof(mh));
	mh.msg_control = req->pktinfo;
	mh.msg_controllen = req->pktinfo_len;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct sockaddr_in *s4 = (void *)&req->local;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			s4->sin_family = AF_INET;
			s4->sin_port = htons(port);
			s4->sin_addr = pi.ipi_addr;
			req->local_len = sizeof(*s4);
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
		           cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *s6 = (void *)&req->local;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(port);
			s6->sin6_addr = pi.ipi6_addr;
			req->local_len = sizeof(*s6);
		}
	}
}

static void
udp_send_one(struct request *req)
{
	struct msghdr mh;
	struct iovec iov = { req->tx, req->txlen };
	_Alignas(struct cmsghdr) uint8_t ctl[CTL_SIZE];

	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &req->remote;
	mh.msg_namelen = req->remote_len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_controllen = reply_ctl(req, ctl);
	mh.msg_control = mh.msg_controllen > 0 ? ctl : NULL;
	(void)sendmsg(req->fd, &mh, MSG_DONTWAIT);
}

static void
udp_cb(int fd, int what, void *arg)
{
	struct wlisten *wl = arg;
	struct worker *w = wl->w;
	struct config *cfg = w->cfg;
	struct listen_group *grp = wl->l->grp;

	(void)what;
	for (int round = 0; round < 8 && !w->stopping; round++) {
		int nb = 0, n, ntx = 0;
		struct request *sent[WORKER_BATCH];

		for (; nb < WORKER_BATCH; nb++) {
			struct request *req = w->rx_req[nb];
			struct msghdr *mh = &w->rx_msgs[nb].msg_hdr;

			if (req == NULL &&
			    (req = w->rx_req[nb] = req_get(w)) == NULL)
				break;
			w->rx_iov[nb].iov_base = req->rx;
			w->rx_iov[nb].iov_len = REQ_BUF_SIZE;
			mh->msg_name = &req->remote;
			mh->msg_namelen = sizeof(req->remote);
			mh->msg_iov = &w->rx_iov[nb];
			mh->msg_iovlen = 1;
			mh->msg_control = wl->wildcard ? req->pktinfo : NULL;
			mh->msg_controllen =
			    wl->wildcard ? sizeof(req->pktinfo) : 0;
			mh->msg_flags = 0;
		}
		if (nb == 0)
			return;
		n = recvmmsg(fd, w->rx_msgs, (unsigned)nb, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		atomic_fetch_add_explicit(
		    &w->stats.udp_batches, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(
		    &w->stats.udp_batch_hist[n], 1, memory_order_relaxed);
		atomic_fetch_add_explicit(
		    &w->stats.queries, (uint64_t)n, memory_order_relaxed);
		for (int i = 0; i < n; i++) {
			struct request *req = w->rx_req[i];
			struct msghdr *mh = &w->rx_msgs[i].msg_hdr;
			enum req_result res;

			req->rxlen = w->rx_msgs[i].msg_len;
			req->remote_len = mh->msg_namelen;
			req->pktinfo_len =
			    wl->wildcard ? mh->msg_controllen : 0;
			req->proto = PROTO_UDP;
			req->fd = fd;
			if (!wl->wildcard) {
				memcpy(&req->local, &grp->addr, grp->addrlen);
				req->local_len = grp->addrlen;
			} else {
				local_from_pktinfo(req, grp->port);
			}
			res = server_process(req, cfg, grp);
			if (res == REQ_ASYNC) {
				w->rx_req[i] = NULL;
				w->inflight++;
				continue;
			}
			if (res == REQ_DROP) {
				atomic_fetch_add_explicit(
				    &w->stats.dropped, 1, memory_order_relaxed);
				request_reset(req);
				continue;
			}
			{
				struct msghdr *th = &w->tx_msgs[ntx].msg_hdr;

				w->tx_iov[ntx].iov_base = req->tx;
				w->tx_iov[ntx].iov_len = req->txlen;
				th->msg_name = &req->remote;
				th->msg_namelen = req->remote_len;
				th->msg_iov = &w->tx_iov[ntx];
				th->msg_iovlen = 1;
				th->msg_controllen =
				    reply_ctl(req, w->tx_ctl[ntx]);
				th->msg_control = th->msg_controllen > 0
				                      ? w->tx_ctl[ntx]
				                      : NULL;
				th->msg_flags = 0;
				sent[ntx++] = req;
			}
		}
		for (int off = 0; off < ntx;) {
			int s = sendmmsg(fd, w->tx_msgs + off,
			    (unsigned)(ntx - off), MSG_DONTWAIT);

			if (s <= 0) {
				if (s < 0 && errno == EINTR)
					continue;
				off++; /* skip the one that failed */
				continue;
			}
			off += s;
		}
		for (int i = 0; i < ntx; i++)
			request_reset(sent[i]);
		if (n < nb)
			return;
	}
}

void
worker_request_done(struct request *req, int result)
{
	struct worker *w = req->w;
	struct tcp_conn *c = req->conn;

	w->inflight--;
	if (c != NULL) {
		c->pending--;
		if (c->closed) {
			conn_release(c);
		} else if (result == REQ_REPLY) {
			if (conn_queue(c, req->tx, req->txlen) != 0)
				conn_close(c);
			else
				conn_flush(c);
		}
	} else if (result == REQ_REPLY) {
		udp_send_one(req);
	}
	req_put(w, req);
	if (w->stopping && w->inflight == 0)
		evloop_break(w->loop);
}

/* ---- configuration switch and life cycle ---- */

static void
drop_listeners(struct worker *w)
{
	for (size_t i = 0; i < w->nwl; i++)
		ev_watch_free(w->wl[i].watch);
	free(w->wl);
	w->wl = NULL;
	w->nwl = 0;
}

struct switch_msg {
	struct worker *w;
	struct config *cfg;
};

static void
switch_cb(void *arg)
{
	struct switch_msg *m = arg;
	struct worker *w = m->w;
	struct config *cfg = m->cfg, *old = w->cfg;
	size_t n = 0;

	free(m);
	drop_listeners(w);
	w->wl = calloc(cfg->nlisteners, sizeof(*w->wl));
	for (size_t i = 0; w->wl != NULL && i < cfg->nlisteners; i++) {
		struct listener *l = &cfg->listeners[i];
		struct wlisten *wl = &w->wl[n];
		const struct sockaddr_storage *a = &l->grp->addr;

		if (l->fds[w->id] < 0)
			continue;
		wl->w = w;
		wl->l = l;
		wl->fd = l->fds[w->id];
		wl->wildcard =
		    a->ss_family == AF_INET
		        ? ((const struct sockaddr_in *)(const void *)a)
		                  ->sin_addr.s_addr == htonl(INADDR_ANY)
		        : IN6_IS_ADDR_UNSPECIFIED(
		              &((const struct sockaddr_in6 *)(const void *)a)
		                   ->sin6_addr);
		wl->watch = ev_watch_new(w->loop, wl->fd, EVW_READ,
		    l->kind == LST_UDP ? udp_cb : accept_cb, wl);
		if (wl->watch == NULL || ev_watch_start(wl->watch) != 0) {
			log_err(
			    "worker %d: cannot watch %s", w->id, l->grp->name);
			ev_watch_free(wl->watch);
			continue;
		}
		n++;
	}
	w->nwl = n;
	w->cfg = cfg;
	if (old != NULL)
		config_unref(old);
	ack();
}

static int
wait_acks(int want, uint64_t ms)
{
	struct timespec ts;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ack_mu);
	while (acks < want && rc == 0)
		rc = pthread_cond_timedwait(&ack_cv, &ack_mu, &ts);
	rc = acks >= want ? 0 : ERR_TIMEOUT;
	pthread_mutex_unlock(&ack_mu);
	return rc;
}

int
workers_switch(struct config *cfg)
{
	pthread_mutex_lock(&ack_mu);
	acks = 0;
	pthread_mutex_unlock(&ack_mu);
	for (int i = 0; i < nworkers; i++) {
		struct switch_msg *m = malloc(sizeof(*m));

		if (m == NULL)
			return ERR_NOMEM;
		m->w = &workers[i];
		m->cfg = cfg;
		config_ref(cfg);
		if (evloop_defer(workers[i].loop, switch_cb, m) != 0) {
			config_unref(cfg);
			free(m);
			return ERR_IO;
		}
	}
	return wait_acks(nworkers, 10000);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	alloccount_attach(&w->stats.allocs);
	evloop_run(w->loop);
	alloccount_attach(NULL);
	return NULL;
}

int
workers_start(int n, struct config *cfg)
{
	workers = calloc((size_t)n, sizeof(*workers));
	if (workers == NULL)
		return ERR_NOMEM;
	nworkers = n;
	for (int i = 0; i < n; i++) {
		workers[i].id = i;
		if ((workers[i].loop = evloop_new()) == NULL)
			return ERR_NOMEM;
	}
	for (int i = 0; i < n; i++) {
		if (pthread_create(
		        &workers[i].th, NULL, worker_main, &workers[i]) != 0)
			return ERR_IO;
	}
	return workers_switch(cfg);
}

static void
stop_timeout(void *arg)
{
	struct worker *w = arg;

	if (w->inflight > 0)
		log_warn("worker %d: %d queries still in flight at shutdown",
		    w->id, w->inflight);
	evloop_break(w->loop);
}

static void
stop_cb(void *arg)
{
	struct worker *w = arg;

	w->stopping = true;
	drop_listeners(w);
	ack();
	if (w->inflight == 0) {
		evloop_break(w->loop);
		return;
	}
	w->stop_timer = ev_timer_new(w->loop, stop_timeout, w);
	if (w->stop_timer != NULL)
		ev_timer_start(w->stop_timer, stop_grace_ms);
}

void
workers_stop(uint64_t grace_ms)
{
	stop_grace_ms = grace_ms;
	pthread_mutex_lock(&ack_mu);
	acks = 0;
	pthread_mutex_unlock(&ack_mu);
	for (int i = 0; i < nworkers; i++)
		evloop_defer(workers[i].loop, stop_cb, &workers[i]);
	wait_acks(nworkers, 5000);
	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];
		struct tcp_conn *c, *next;

		pthread_join(w->th, NULL);
		for (c = w->conns; c != NULL; c = next) {
			next = c->next;
			c->pending = 0;
			conn_close(c);
		}
		for (c = w->free_conns; c != NULL; c = next) {
			next = c->next;
			free(c->rbuf);
			free(c->wbuf);
			ev_timer_free(c->idle);
			free(c);
		}
		for (int k = 0; k < WORKER_BATCH; k++)
			request_free(w->rx_req[k]);
		while (w->free_reqs != NULL) {
			struct request *r = w->free_reqs;

			w->free_reqs = r->next_free;
			request_free(r);
		}
		ev_timer_free(w->stop_timer);
		config_unref(w->cfg);
		evloop_free(w->loop);
	}
	free(workers);
	workers = NULL;
	nworkers = 0;
}
