/* server/plugins/reload/reload.c - reloads the Corefile when it or a file
 * it imports changes (SHA-512 over their contents, checked on a timer) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/err.h"
#include "common/evloop.h"
#include "common/strutil.h"
#include "server/request.h"

#define RELOAD_DEFAULT_MS 30000
#define RELOAD_DEFAULT_JITTER_MS 15000
#define RELOAD_MIN_MS 2000
#define RELOAD_MIN_JITTER_MS 1000

struct reload_cfg {
	uint64_t interval_ms, jitter_ms;
	char **files; /* copies: the corefile is freed with its config */
	size_t nfiles;
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned sumlen;
	struct ev_timer *timer;
};

/* SHA-512 over every file in order; a missing file hashes as empty, so
 * its return is a change too. */
static int
checksum(char **files, size_t n, unsigned char *out, unsigned *outlen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	char buf[8192];
	int rc = ERR_NOMEM;

	if (md == NULL)
		return ERR_NOMEM;
	if (EVP_DigestInit_ex(md, EVP_sha512(), NULL) != 1)
		goto out;
	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "rb");
		size_t r;

		EVP_DigestUpdate(md, files[i], strlen(files[i]) + 1);
		if (f == NULL)
			continue;
		while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
			EVP_DigestUpdate(md, buf, r);
		fclose(f);
	}
	rc = EVP_DigestFinal_ex(md, out, outlen) == 1 ? 0 : ERR_IO;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

static void
reload_teardown(void *ctx)
{
	struct reload_cfg *c = ctx;

	if (c == NULL)
		return;
	if (c->timer != NULL) {
		ev_timer_stop(c->timer);
		ev_timer_free(c->timer);
	}
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c);
}

static int
reload_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	struct reload_cfg *c = calloc(1, sizeof(*c));
	int rc = 0, n = 0;

	if (c == NULL)
		return ERR_NOMEM;
	c->interval_ms = RELOAD_DEFAULT_MS;
	c->jitter_ms = RELOAD_DEFAULT_JITTER_MS;
	while (cf_next(d)) {
		if (++n > 1) {
			rc = cf_errf(d, "reload can only be used once per "
			                "server block");
			goto fail;
		}
		if (cf_next_arg(d)) {
			if (str_parse_duration(cf_val(d), &c->interval_ms) !=
			        0 ||
			    c->interval_ms < RELOAD_MIN_MS) {
				rc = cf_errf(d,
				    "invalid interval '%s': must be at least "
				    "2s",
				    cf_val(d));
				goto fail;
			}
			if (cf_next_arg(d)) {
				if (str_parse_duration(
				        cf_val(d), &c->jitter_ms) != 0 ||
				    c->jitter_ms < RELOAD_MIN_JITTER_MS) {
					rc = cf_errf(d,
					    "invalid jitter '%s': must be at "
					    "least 1s",
					    cf_val(d));
					goto fail;
				}
			}
		}
		if (c->jitter_ms > c->interval_ms / 2)
			c->jitter_ms = c->interval_ms / 2;
		if (cf_next_arg(d) || cf_next_block(d)) {
			rc = cf_err_args(d);
			goto fail;
		}
	}
	if (ps->cf->nfiles > 0 &&
	    (c->files = calloc(ps->cf->nfiles, sizeof(*c->files))) == NULL)
		goto nomem;
	for (size_t i = 0; i < ps->cf->nfiles; i++) {
		if ((c->files[i] = strdup(ps->cf->files[i])) == NULL)
			goto nomem;
		c->nfiles++;
	}
	if ((rc = checksum(c->files, c->nfiles, c->sum, &c->sumlen)) != 0)
		goto fail;
	*ctx = c;
	return 0;
nomem:
	rc = ERR_NOMEM;
fail:
	reload_teardown(c);
	return rc;
}

static void
arm(struct reload_cfg *c)
{
	uint64_t j = c->jitter_ms > 0 ? (uint64_t)rand() % c->jitter_ms : 0;

	ev_timer_start(c->timer, c->interval_ms - c->jitter_ms / 2 + j);
}

static void
tick(void *arg)
{
	struct reload_cfg *c = arg;
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned len;

	if (checksum(c->files, c->nfiles, sum, &len) == 0 &&
	    (len != c->sumlen || memcmp(sum, c->sum, len) != 0)) {
		/* remember it, so a broken edit is tried once, not on
		 * every tick */
		memcpy(c->sum, sum, len);
		c->sumlen = len;
		/* a successful reload tears this context down */
		if (server_reload_request() == 0)
			return;
	}
	arm(c);
}

static int
reload_start(void *ctx)
{
	struct reload_cfg *c = ctx;
	struct evloop *l = server_main_loop();
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	if (l == NULL)
		return 0;
	if ((c->timer = ev_timer_new(l, tick, c)) == NULL)
		return ERR_NOMEM;
	for (unsigned i = 0; i < c->sumlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", c->sum[i]);
	plog_info("reload", "Running configuration SHA512 = %s", hex);
	arm(c);
	return 0;
}

const struct plugin_ops reload_plugin = {
	.name = "reload",
	.setup = reload_setup,
	.start = reload_start,
	.teardown = reload_teardown,
};
