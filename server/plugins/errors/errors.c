/* server/plugins/errors/errors.c - logs the errors plugins report, with
 * optional consolidation of repeated messages (CoreDNS's errors) */
#include "config.h"

#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/strutil.h"
#include "common/wire.h"
#include "server/request.h"

struct pattern {
	regex_t re;
	char *text;
	uint64_t period_ms;
	enum log_level level;
	_Atomic uint32_t count;
	struct ev_timer *timer;
	struct errors_cfg *cfg;
};

struct errors_cfg {
	struct pattern *pats;
	size_t npats;
	_Atomic bool stopped;
};

static void
flush_pattern(struct pattern *p)
{
	uint32_t cnt = atomic_exchange(&p->count, 0);
	char d[48];

	if (cnt == 0)
		return;
	str_go_duration(d, sizeof(d), p->period_ms);
	log_msg(p->level,
	    "plugin/errors: %u errors like '%s' occurred in last %s", cnt,
	    p->text, d);
}

static void
pattern_fire(void *arg)
{
	flush_pattern(arg);
}

static void
errors_teardown(void *ctx)
{
	struct errors_cfg *c = ctx;

	if (c == NULL)
		return;
	atomic_store(&c->stopped, true);
	for (size_t i = 0; i < c->npats; i++) {
		struct pattern *p = &c->pats[i];

		if (p->timer != NULL) {
			ev_timer_stop(p->timer);
			ev_timer_free(p->timer);
		}
		flush_pattern(p);
		regfree(&p->re);
		free(p->text);
	}
	free(c->pats);
	free(c);
}

static int
parse_level(const char *s, enum log_level *lvl)
{
	if (strcmp(s, "warning") == 0)
		*lvl = LOG_LVL_WARN;
	else if (strcmp(s, "error") == 0)
		*lvl = LOG_LVL_ERROR;
	else if (strcmp(s, "info") == 0)
		*lvl = LOG_LVL_INFO;
	else if (strcmp(s, "debug") == 0)
		*lvl = LOG_LVL_DEBUG;
	else
		return ERR_FORMAT;
	return 0;
}

static int
errors_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	struct errors_cfg *c = calloc(1, sizeof(*c));
	int occurrences = 0, rc = 0;

	if (c == NULL)
		return ERR_NOMEM;
	while (cf_next(d)) {
		if (++occurrences > 1) {
			rc = cf_errf(d, "errors can only be used once per "
			                "server block");
			goto fail;
		}
		if (cf_next_arg(d)) {
			/* CoreDNS once took a log file here: only stdout */
			if (strcmp(cf_val(d), "stdout") != 0 ||
			    cf_next_arg(d)) {
				rc = cf_err_args(d);
				goto fail;
			}
		}
		while (cf_next_block(d)) {
			const char *k = cf_val(d);
			struct pattern *np, *p;
			const char *args[3];
			size_t n = 0;

			if (strcmp(k, "panicRecoveryStacktrace") == 0 ||
			    strcmp(k, "stacktrace") == 0) {
				if (cf_next_arg(d)) {
					rc = cf_err_args(d);
					goto fail;
				}
				continue; /* C has no panics to recover */
			}
			if (strcmp(k, "consolidate") != 0) {
				rc = cf_errf(d, "unknown property '%s'", k);
				goto fail;
			}
			while (cf_next_arg(d)) {
				if (n == 3) {
					rc = cf_err_args(d);
					goto fail;
				}
				args[n++] = cf_val(d);
			}
			if (n < 2) {
				rc = cf_err_args(d);
				goto fail;
			}
			np = realloc(c->pats, (c->npats + 1) * sizeof(*np));
			if (np == NULL) {
				rc = ERR_NOMEM;
				goto fail;
			}
			c->pats = np;
			p = &np[c->npats];
			memset(p, 0, sizeof(*p));
			p->level = LOG_LVL_ERROR;
			if (str_parse_duration(args[0], &p->period_ms) != 0 ||
			    p->period_ms == 0) {
				rc = cf_errf(
				    d, "invalid duration '%s'", args[0]);
				goto fail;
			}
			if (n == 3 && parse_level(args[2], &p->level) != 0) {
				rc = cf_errf(
				    d, "unknown log level '%s'", args[2]);
				goto fail;
			}
			if (regcomp(&p->re, args[1],
			        REG_EXTENDED | REG_NOSUB) != 0) {
				rc = cf_errf(d, "invalid regexp '%s'", args[1]);
				goto fail;
			}
			if ((p->text = strdup(args[1])) == NULL) {
				regfree(&p->re);
				rc = ERR_NOMEM;
				goto fail;
			}
			p->cfg = c;
			c->npats++;
		}
	}
	*ctx = c;
	return 0;
fail:
	errors_teardown(c);
	return rc;
}

static int
errors_start(void *ctx)
{
	struct errors_cfg *c = ctx;
	struct evloop *l = server_main_loop();

	for (size_t i = 0; i < c->npats && l != NULL; i++) {
		c->pats[i].timer = ev_timer_new(l, pattern_fire, &c->pats[i]);
		if (c->pats[i].timer == NULL)
			return ERR_NOMEM;
	}
	return 0;
}

static enum pl_status
errors_serve(struct request *req, void *ctx)
{
	(void)req;
	(void)ctx;
	return PL_NEXT;
}

static void
errors_done(struct request *req, void *ctx)
{
	struct errors_cfg *c = ctx;
	const char *err = request_error(req);
	char tb[16];

	if (err[0] == '\0')
		return;
	for (size_t i = 0; i < c->npats; i++) {
		struct pattern *p = &c->pats[i];

		if (regexec(&p->re, err, 0, NULL, 0) != 0)
			continue;
		if (atomic_load(&c->stopped) || p->timer == NULL)
			break;
		/* the first error of a period starts its timer */
		if (atomic_fetch_add(&p->count, 1) == 0)
			ev_timer_start(p->timer, p->period_ms);
		return;
	}
	log_err("plugin/errors: %u %s %s: %s", reply_rcode(req),
	    request_qname_str(req), wire_type_str(request_qtype(req), tb), err);
}

const struct plugin_ops errors_plugin = {
	.name = "errors",
	.setup = errors_setup,
	.serve = errors_serve,
	.done = errors_done,
	.start = errors_start,
	.teardown = errors_teardown,
};
