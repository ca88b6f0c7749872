/* server/httpsrv.c - HTTP listeners shared by plugins and kept across
 * reloads */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/evloop.h"
#include "common/strutil.h"
#include "server/corefile.h"
#include "server/httpsrv.h"
#include "server/request.h"

struct entry {
	char *addr;
	struct sockaddr_storage ss; /* compared, so ":80" is "0.0.0.0:80" */
	socklen_t sslen;
	struct httpd *h;
	int refs;
	struct entry *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct entry *entries;
static pthread_t main_thread;
static bool main_known;

struct httpd *
httpsrv_acquire(const char *addr, char *err, size_t errlen)
{
	struct entry *e;
	struct evloop *l = server_main_loop();
	struct sockaddr_storage ss;
	socklen_t sslen;

	if (l == NULL) {
		snprintf(err, errlen, "no main loop");
		return NULL;
	}
	if (str_parse_hostport(addr, 0, &ss, &sslen) != 0) {
		snprintf(err, errlen, "invalid address '%s'", addr);
		return NULL;
	}
	main_thread = pthread_self();
	main_known = true;
	pthread_mutex_lock(&mu);
	for (e = entries; e != NULL; e = e->next) {
		if (e->sslen == sslen && memcmp(&e->ss, &ss, sslen) == 0) {
			e->refs++;
			pthread_mutex_unlock(&mu);
			return e->h;
		}
	}
	pthread_mutex_unlock(&mu);
	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (e->addr = strdup(addr)) == NULL) {
		free(e);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((e->h = httpd_new(l, addr, err, errlen)) == NULL) {
		free(e->addr);
		free(e);
		return NULL;
	}
	e->refs = 1;
	e->ss = ss;
	e->sslen = sslen;
	pthread_mutex_lock(&mu);
	e->next = entries;
	entries = e;
	pthread_mutex_unlock(&mu);
	return e->h;
}

static void
release_on_main(void *arg)
{
	struct httpd *h = arg;
	struct entry **pp, *e;

	pthread_mutex_lock(&mu);
	for (pp = &entries; (e = *pp) != NULL; pp = &e->next) {
		if (e->h != h)
			continue;
		if (--e->refs == 0) {
			*pp = e->next;
			pthread_mutex_unlock(&mu);
			httpd_free(e->h);
			free(e->addr);
			free(e);
			return;
		}
		break;
	}
	pthread_mutex_unlock(&mu);
}

void
httpsrv_release(struct httpd *h)
{
	struct evloop *l = server_main_loop();

	if (h == NULL)
		return;
	if (l == NULL ||
	    (main_known && pthread_equal(main_thread, pthread_self())) ||
	    evloop_defer(l, release_on_main, h) != 0)
		release_on_main(h);
}

int
httpsrv_route(struct httpd *h, const char *path, httpd_handler cb)
{
	int rc = httpd_route(h, path, cb, NULL);

	return rc == ERR_EXISTS ? 0 : rc;
}

int
httpsrv_parse_addr(struct cf_disp *d, char **addr)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char *a;

	if (!cf_next_arg(d))
		return 0;
	if (str_parse_hostport(cf_val(d), 0, &ss, &sl) != 0 ||
	    str_port((struct sockaddr *)&ss) == 0)
		return cf_errf(d, "invalid address '%s'", cf_val(d));
	if ((a = strdup(cf_val(d))) == NULL)
		return ERR_NOMEM;
	free(*addr);
	*addr = a;
	return 0;
}
