/* server/plugins/erratic/erratic.c - a plugin for testing clients and the
 * core: answers every query, and drops, truncates, delays (asynchronously,
 * on the worker's event loop) or fails some of them (CoreDNS's erratic) */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/err.h"
#include "common/evloop.h"
#include "common/strutil.h"
#include "common/wire.h"
#include "server/request.h"

struct erratic_cfg {
	uint64_t drop, truncate, delay, error; /* 1 in N; 0 = never */
	uint64_t delay_ms;
	_Atomic uint64_t q;
};

static int
amount(struct cf_disp *d, uint64_t *out, uint64_t dflt)
{
	uint64_t v;

	*out = dflt;
	if (!cf_next_arg(d))
		return 0;
	if (str_parse_uint(cf_val(d), 0, UINT32_MAX, &v) != 0)
		return cf_errf(d, "illegal amount value given '%s'", cf_val(d));
	*out = v;
	return 0;
}

static int
erratic_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	struct erratic_cfg *c = calloc(1, sizeof(*c));
	int rc = 0;
	bool seen_drop = false;

	if (c == NULL)
		return ERR_NOMEM;
	c->delay_ms = 100;
	while (cf_next(d)) {
		if (cf_next_arg(d)) {
			rc = cf_err_args(d);
			goto fail;
		}
		while (cf_next_block(d)) {
			const char *k = cf_val(d);

			if (strcmp(k, "drop") == 0) {
				seen_drop = true;
				rc = amount(d, &c->drop, 2);
			} else if (strcmp(k, "truncate") == 0) {
				rc = amount(d, &c->truncate, 2);
			} else if (strcmp(k, "error") == 0) {
				rc = amount(d, &c->error, 2);
			} else if (strcmp(k, "delay") == 0) {
				rc = amount(d, &c->delay, 2);
				if (rc == 0 && cf_next_arg(d) &&
				    str_parse_duration(
				        cf_val(d), &c->delay_ms) != 0)
					rc = cf_errf(d,
					    "illegal duration value given '%s'",
					    cf_val(d));
			} else {
				rc = cf_errf(d, "unknown property '%s'", k);
			}
			if (rc == 0 && cf_next_arg(d))
				rc = cf_err_args(d);
			if (rc != 0)
				goto fail;
		}
	}
	/* CoreDNS: every second query is dropped unless the block asks for
	 * something else without naming drop */
	if (!seen_drop && c->delay == 0 && c->truncate == 0 && c->error == 0)
		c->drop = 2;
	*ctx = c;
	return 0;
fail:
	free(c);
	return rc;
}

static void
erratic_teardown(void *ctx)
{
	free(ctx);
}

static int
write_answer(struct request *req, bool truncate)
{
	static const uint8_t a[4] = { 192, 0, 2, 53 };
	static const uint8_t aaaa[16] = { [15] = 0x53 };
	const uint8_t *owner = request_qname_orig(req);
	int rc;

	if ((rc = reply_init(req, RCODE_NOERROR)) != 0)
		return rc;
	reply_set_flags(req, FLAG_AA, 0);
	if (truncate) {
		reply_set_flags(req, FLAG_TC, 0);
		return 0;
	}
	switch (request_qtype(req)) {
	case TYPE_A:
		return reply_add_rr(
		    req, SEC_ANSWER, owner, TYPE_A, CLASS_IN, 3600, a, 4);
	case TYPE_AAAA:
		return reply_add_rr(req, SEC_ANSWER, owner, TYPE_AAAA, CLASS_IN,
		    3600, aaaa, 16);
	}
	return 0;
}

struct delayed {
	struct request *req;
	struct ev_timer *timer;
	bool truncate;
};

static void
delayed_fire(void *arg)
{
	struct delayed *dl = arg;
	struct request *req = dl->req;
	int rc = write_answer(req, dl->truncate);

	ev_timer_free(dl->timer);
	request_resume(req, rc == 0 ? PL_DONE : PL_ERROR);
}

static enum pl_status
erratic_serve(struct request *req, void *ctx)
{
	struct erratic_cfg *c = ctx;
	uint64_t q = atomic_fetch_add(&c->q, 1) + 1;
	bool trunc = c->truncate > 0 && q % c->truncate == 0;

	if (c->drop > 0 && q % c->drop == 0) {
		reply_drop(req);
		return PL_DONE;
	}
	if (c->error > 0 && q % c->error == 0) {
		request_set_error(req, "plugin/erratic: synthetic failure");
		return PL_ERROR;
	}
	if (c->delay > 0 && q % c->delay == 0) {
		struct delayed *dl =
		    arena_alloc(request_arena(req), sizeof(*dl));

		if (dl == NULL)
			return PL_ERROR;
		dl->req = req;
		dl->truncate = trunc;
		dl->timer = ev_timer_new(request_loop(req), delayed_fire, dl);
		if (dl->timer == NULL ||
		    ev_timer_start(dl->timer, c->delay_ms) != 0) {
			ev_timer_free(dl->timer);
			return PL_ERROR;
		}
		return PL_ASYNC;
	}
	return write_answer(req, trunc) == 0 ? PL_DONE : PL_ERROR;
}

/* CoreDNS's erratic reports ready after three queries, so tests of the
 * ready plugin have something that is not ready at first. */
static bool
erratic_ready(void *ctx)
{
	struct erratic_cfg *c = ctx;

	return atomic_load(&c->q) >= 3;
}

const struct plugin_ops erratic_plugin = {
	.name = "erratic",
	.setup = erratic_setup,
	.serve = erratic_serve,
	.ready = erratic_ready,
	.teardown = erratic_teardown,
};
