/* utils/rec.c - coredns-util: records in wire form for import and export */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/zonefile.h"
#include "storage/store.h"
#include "utils/util.h"

int
util_recv_add(struct util_recv *rv, const uint8_t *owner, uint16_t type,
    uint32_t ttl, const uint8_t *rdata, uint16_t rdlen, int64_t id)
{
	struct util_rec *r;

	if (rv->n == rv->cap) {
		size_t cap = rv->cap ? rv->cap * 2 : 64;
		struct util_rec *v = realloc(rv->v, cap * sizeof(*v));

		if (v == NULL)
			return ERR_NOMEM;
		rv->v = v;
		rv->cap = cap;
	}
	r = &rv->v[rv->n];
	memset(r, 0, sizeof(*r));
	if ((r->rdata = malloc(rdlen ? rdlen : 1)) == NULL)
		return ERR_NOMEM;
	memcpy(r->owner, owner, dname_len(owner));
	dname_lower(r->owner);
	r->type = type;
	r->ttl = ttl;
	r->rdlen = rdlen;
	memcpy(r->rdata, rdata, rdlen);
	r->id = id;
	rv->n++;
	return 0;
}

void
util_recv_fini(struct util_recv *rv)
{
	size_t i;

	for (i = 0; i < rv->n; i++)
		free(rv->v[i].rdata);
	free(rv->v);
	*rv = (struct util_recv){ 0 };
}

/* Canonical name order: labels compared from the root, as lower-case
 * octet strings (owners are lower case already). */
static int
name_cmp(const uint8_t *a, const uint8_t *b)
{
	const uint8_t *la[128], *lb[128];
	int na = 0, nb = 0, c;
	size_t n;

	for (; *a != 0 && na < 128; a += *a + 1)
		la[na++] = a;
	for (; *b != 0 && nb < 128; b += *b + 1)
		lb[nb++] = b;
	while (na > 0 && nb > 0) {
		a = la[--na];
		b = lb[--nb];
		n = a[0] < b[0] ? a[0] : b[0];
		if ((c = memcmp(a + 1, b + 1, n)) != 0)
			return c;
		if (a[0] != b[0])
			return a[0] < b[0] ? -1 : 1;
	}
	return na - nb;
}

int
util_rec_cmp_rrset(const struct util_rec *a, const struct util_rec *b)
{
	int c;

	if ((c = name_cmp(a->owner, b->owner)) != 0)
		return c;
	if (a->type == b->type)
		return 0;
	if (a->type == 6 || b->type == 6) /* the SOA first */
		return a->type == 6 ? -1 : 1;
	return a->type < b->type ? -1 : 1;
}

int
util_rec_cmp_data(const struct util_rec *a, const struct util_rec *b)
{
	size_t n = a->rdlen < b->rdlen ? a->rdlen : b->rdlen;
	int c;

	if ((c = memcmp(a->rdata, b->rdata, n)) != 0)
		return c;
	if (a->rdlen != b->rdlen)
		return a->rdlen < b->rdlen ? -1 : 1;
	if (a->ttl != b->ttl)
		return a->ttl < b->ttl ? -1 : 1;
	return 0;
}

static int
rec_cmp(const void *x, const void *y)
{
	const struct util_rec *a = x, *b = y;
	int c;

	if ((c = util_rec_cmp_rrset(a, b)) != 0)
		return c;
	return util_rec_cmp_data(a, b);
}

void
util_recv_sort(struct util_recv *rv)
{
	if (rv->n > 1)
		qsort(rv->v, rv->n, sizeof(rv->v[0]), rec_cmp);
}

struct load {
	const struct store_zone *z;
	struct util_recv *rv;
	struct store_rr *rr;
};

static int
load_cb(void *arg, const struct store_row *row)
{
	struct load *l = arg;
	int rc;

	rc = store_row_to_rr(l->z->name, row, l->rr);
	if (rc == ERR_FORMAT) {
		/* db check lists it too */
		fprintf(stderr,
		    "%s: warning: zone %s: skipping row id %" PRId64
		    " (%s %s) that does not parse\n",
		    UTIL_PROG, l->z->name, row->id, row->name, row->type);
		return 0;
	}
	if (rc != 0)
		return rc;
	return util_recv_add(l->rv, l->rr->owner, l->rr->type, l->rr->ttl,
	    l->rr->rdata, l->rr->rdlen, row->id);
}

int
util_recv_load(
    struct store *st, const struct store_zone *z, struct util_recv *rv)
{
	struct load l = { z, rv, NULL };
	int rc;

	if ((l.rr = malloc(sizeof(*l.rr))) == NULL)
		return ERR_NOMEM;
	/* the store logs to stdout, where the zone goes: we warn instead */
	log_set_level(LOG_LVL_ERROR);
	rc = store_zone_read(st, z->id, load_cb, &l);
	log_set_level(LOG_LVL_WARN);
	free(l.rr);
	return rc;
}

static int
read_cb(void *arg, const struct zf_rr *rr)
{
	return util_recv_add(
	    arg, rr->owner, rr->type, rr->ttl, rr->rdata, rr->rdlen, rr->line);
}

static void
warn_cb(void *arg, const char *file, int line, const char *msg)
{
	(void)arg; /* the record list, not a name */
	fprintf(stderr, "%s: %s:%d: warning: %s\n", UTIL_PROG, file, line, msg);
}

int
util_recv_read(struct util_recv *rv, const char *cmd, const char *path,
    const char *text, size_t len, const char *origin)
{
	char err[512] = "";
	int rc;

	if (text != NULL)
		rc = zonefile_read_mem(text, len, path, origin, 0, read_cb,
		    warn_cb, rv, err, sizeof(err));
	else
		rc = zonefile_read(
		    path, origin, 0, read_cb, warn_cb, rv, err, sizeof(err));
	if (rc != 0)
		util_fail(cmd, "%s", err[0] ? err : err_str(rc));
	return rc;
}

int
util_rec_text(const struct util_rec *r, char *buf, size_t len, char **owner,
    char **type, char **rdata)
{
	struct zf_rr zr = { .owner = r->owner,
		.type = r->type,
		.rclass = 1,
		.ttl = r->ttl,
		.rdata = r->rdata,
		.rdlen = r->rdlen };
	char *f[5], *p;
	size_t n;
	int rc, i;

	if ((rc = zonefile_rr_to_text(&zr, buf, len)) < 0)
		return rc;
	/* owner TAB ttl TAB class TAB type TAB rdata */
	for (i = 0, p = buf; i < 5; i++) {
		f[i] = p;
		if (i < 4) {
			if ((p = strchr(p, '\t')) == NULL)
				return ERR_FORMAT;
			*p++ = '\0';
		}
	}
	n = strlen(f[0]);
	if (n > 1 && f[0][n - 1] == '.')
		f[0][n - 1] = '\0';
	*owner = f[0];
	*type = f[3];
	*rdata = f[4];
	return 0;
}

int
util_rec_store(struct store *st, int64_t zone_id, const struct util_rec *r,
    char *buf, size_t len)
{
	char *owner, *type, *rdata;
	int rc;

	if ((rc = util_rec_text(r, buf, len, &owner, &type, &rdata)) != 0)
		return rc;
	return store_rr_add(st, zone_id, owner, type, rdata, r->ttl, -1);
}
