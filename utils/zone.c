/* utils/zone.c - coredns-util zone: create, delete, list, show, import... */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/zonefile.h"
#include "storage/store.h"
#include "utils/util.h"

#define CMD "zone"
#define SOA_TYPE 6
#define NS_TYPE 2

static const char *const aliases[] = { "create-zone", "delete-zone",
	"list-all-zones", "set-kind", "increase-serial", "load-zone",
	"list-zone", "check-zone", NULL };

/* pdnsutil spelling to our subcommand */
static const char *const alias_sub[][2] = {
	{ "create-zone", "create" },
	{ "delete-zone", "delete" },
	{ "list-all-zones", "list" },
	{ "set-kind", "set-kind" },
	{ "increase-serial", "increase-serial" },
	{ "load-zone", "import" },
	{ "list-zone", "export" },
	{ "check-zone", "check" },
};

/* Starts a write transaction on `st`, printing the error. */
static int
begin(struct store *st)
{
	int rc;

	if ((rc = store_begin(st)) != 0)
		util_fail(CMD, "cannot start a transaction: %s", err_str(rc));
	return rc;
}

/* Commits with the serial step of `zone_id` (when > 0) in the same
 * transaction; rolls back on error. */
static int
commit(struct store *st, int64_t zone_id, int rc)
{
	if (rc == 0 && zone_id > 0)
		rc = store_bump_serial(st, zone_id);
	if (rc == 0)
		rc = store_commit(st);
	if (rc != 0) {
		store_rollback(st);
		util_fail(CMD, "nothing written: %s", err_str(rc));
	}
	return rc;
}

static int
zone_create(struct store *st, int argc, char **argv)
{
	const char *ns = NULL, *name = NULL, *kind = "NATIVE";
	char soa[STORE_NAME_MAX * 2 + 64];
	enum store_zone_kind k;
	int64_t id = 0;
	int i, n = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ns") == 0 && i + 1 < argc)
			ns = argv[++i];
		else if (argv[i][0] == '-')
			return util_usage_err(
			    CMD, "unknown option '%s'", argv[i]);
		else if (n++ == 0)
			name = argv[i];
		else if (n == 2 && argv[i][0] != '\0' &&
		         strchr(argv[i], '.') == NULL)
			kind = argv[i];
		else if (n == 2 && ns == NULL)
			ns = argv[i]; /* pdnsutil create-zone ZONE [NSNAME] */
		else
			return util_usage_err(CMD, "too many arguments");
	}
	if (name == NULL)
		return util_usage_err(CMD, "create needs a ZONE");
	k = store_zone_kind_from_str(kind);
	if (k == STORE_ZONE_OTHER)
		return util_usage_err(CMD, "unknown kind '%s'", kind);
	snprintf(soa, sizeof(soa), "%s hostmaster.%s 1 10800 3600 604800 3600",
	    ns != NULL ? ns : "a.misconfigured.dns.server.invalid",
	    strcmp(name, ".") == 0 ? "" : name);
	if (begin(st) != 0)
		return UTIL_EXIT_FAIL;
	rc = store_zone_create(st, name, k, &id);
	if (rc == ERR_EXISTS) {
		store_rollback(st);
		return util_fail(CMD, "zone '%s' exists", name);
	}
	if (rc == 0)
		rc = store_rr_add(st, id, name, "SOA", soa, 3600, 0);
	if (rc == 0 && ns != NULL)
		rc = store_rr_add(st, id, name, "NS", ns, 3600, 0);
	if (commit(st, id, rc) != 0)
		return UTIL_EXIT_FAIL;
	printf("created zone %s (%s)\n", name, store_zone_kind_str(k));
	return UTIL_EXIT_OK;
}

static int
zone_delete(struct store *st, int argc, char **argv)
{
	struct store_zone z;

	if (argc != 2)
		return util_usage_err(CMD, "delete needs one ZONE");
	if (util_zone(st, CMD, argv[1], &z) != 0)
		return UTIL_EXIT_FAIL;
	if (store_zone_delete(st, z.id) != 0)
		return util_fail(CMD, "cannot delete zone '%s'", argv[1]);
	printf("deleted zone %s\n", z.name);
	return UTIL_EXIT_OK;
}

static int
list_cb(void *arg, const struct store_zone *z)
{
	(void)arg;
	printf("%s\n", z->name);
	return 0;
}

static int
zone_list(struct store *st, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return util_usage_err(CMD, "list takes no arguments");
	if (store_zone_list(st, list_cb, NULL) != 0)
		return util_fail(CMD, "cannot list zones");
	return UTIL_EXIT_OK;
}

static int
zone_show(struct store *st, int argc, char **argv)
{
	char master[1024];
	struct store_journal_range jr;
	struct store_zone z;

	if (argc != 2)
		return util_usage_err(CMD, "show needs one ZONE");
	if (util_zone(st, CMD, argv[1], &z) != 0)
		return UTIL_EXIT_FAIL;
	if (store_journal_range(st, z.id, &jr) != 0)
		return util_fail(
		    CMD, "cannot read the journal of '%s'", z.name);
	printf("zone: %s\nid: %" PRId64 "\nkind: %s\n", z.name, z.id,
	    store_zone_kind_str(z.kind));
	if (z.has_serial)
		printf("serial: %" PRIu32 "\n", z.serial);
	else
		printf("serial: none (no usable SOA row)\n");
	if (z.has_served)
		printf("served-serial: %" PRIu32 "\n", z.served_serial);
	else
		printf("served-serial: none\n");
	if (store_zone_get_master(st, z.id, master, sizeof(master)) == 0 &&
	    master[0] != '\0')
		printf("master: %s\n", master);
	printf("generation: %" PRId64 "\n", z.generation);
	if (jr.has_range)
		printf("journal: %" PRIu32 " -> %" PRIu32 " (%" PRId64
		       " steps, %" PRId64 " entries)\n",
		    jr.first, jr.last, jr.steps, jr.entries);
	else
		printf("journal: empty\n");
	return UTIL_EXIT_OK;
}

static int
zone_set_kind(struct store *st, int argc, char **argv)
{
	struct store_zone z;
	enum store_zone_kind k;

	if (argc != 3)
		return util_usage_err(CMD, "set-kind needs ZONE KIND");
	if ((k = store_zone_kind_from_str(argv[2])) == STORE_ZONE_OTHER)
		return util_usage_err(CMD, "unknown kind '%s'", argv[2]);
	if (util_zone(st, CMD, argv[1], &z) != 0)
		return UTIL_EXIT_FAIL;
	if (store_zone_set_kind(st, z.id, k) != 0)
		return util_fail(CMD, "cannot set the kind of '%s'", z.name);
	printf("zone %s is %s\n", z.name, store_zone_kind_str(k));
	return UTIL_EXIT_OK;
}

/* Offset of the serial in SOA rdata, or -1. */
static int
soa_serial_off(const struct util_rec *r)
{
	size_t a, b;

	if (r->type != SOA_TYPE || r->rdlen < 22)
		return -1;
	a = dname_len(r->rdata);
	if (a >= r->rdlen)
		return -1;
	b = dname_len(r->rdata + a);
	if (a + b + 20 != r->rdlen)
		return -1;
	return (int)(a + b);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The zone's SOA, or NULL. */
static struct util_rec *
find_soa(struct util_recv *rv)
{
	size_t i;

	for (i = 0; i < rv->n; i++) {
		if (rv->v[i].type == SOA_TYPE && soa_serial_off(&rv->v[i]) > 0)
			return &rv->v[i];
	}
	return NULL;
}

static int
zone_increase_serial(struct store *st, int argc, char **argv)
{
	struct util_recv rv = { 0 };
	struct store_zone z;
	struct util_rec *soa;
	char *buf = NULL;
	int rc, off;

	if (argc != 2)
		return util_usage_err(CMD, "increase-serial needs one ZONE");
	if (util_zone(st, CMD, argv[1], &z) != 0)
		return UTIL_EXIT_FAIL;
	if ((buf = malloc(ZONEFILE_TEXT_MAX)) == NULL || begin(st) != 0) {
		free(buf);
		return UTIL_EXIT_FAIL;
	}
	/* The step is the steward's, so that it follows the zone's
	 * X-SERIAL-POLICY (store.c, next_serial) as every other write
	 * does. Changes pending from plain SQL get their own step first;
	 * then the SOA is written back with a serial one below its own: a
	 * batch whose SOA serial is not newer than the one before gets the
	 * policy's next serial (store_steward_pass), and the journal holds
	 * the old SOA and that new one, never this stand-in. */
	if ((rc = store_bump_serial(st, z.id)) != 0 ||
	    (rc = util_recv_load(st, &z, &rv)) != 0)
		goto out;
	if ((soa = find_soa(&rv)) == NULL) {
		store_rollback(st);
		util_fail(CMD, "zone '%s' has no usable SOA row", z.name);
		rc = ERR_NOTFOUND;
		goto done;
	}
	off = soa_serial_off(soa);
	put32(soa->rdata + off, get32(soa->rdata + off) - 1);
	if ((rc = store_rrset_delete(st, z.id, z.name, "SOA", NULL)) == 0)
		rc = util_rec_store(st, z.id, soa, buf, ZONEFILE_TEXT_MAX);
out:
	if (commit(st, z.id, rc) == 0 && store_zone_get(st, z.name, &z) == 0)
		printf("zone %s serial %" PRIu32 "\n", z.name, z.serial);
done:
	util_recv_fini(&rv);
	free(buf);
	return rc == 0 ? UTIL_EXIT_OK : UTIL_EXIT_FAIL;
}

/* Zone name for `zone import FILE`: the file name without a .zone or
 * .db suffix. */
static void
zone_from_path(char *out, size_t len, const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	snprintf(out, len, "%s", b != NULL ? b + 1 : path);
	n = strlen(out);
	if (n > 5 && strcmp(out + n - 5, ".zone") == 0)
		out[n - 5] = '\0';
	else if (n > 3 && strcmp(out + n - 3, ".db") == 0)
		out[n - 3] = '\0';
}

/* One rrset of `rv` from index `i`: its end index. */
static size_t
rrset_end(const struct util_recv *rv, size_t i)
{
	size_t j = i + 1;

	while (j < rv->n && util_rec_cmp_rrset(&rv->v[i], &rv->v[j]) == 0)
		j++;
	return j;
}

/* Whether the file's rrset [fi, fe) differs from the store's [si, se):
 * an SOA that differs only by an older or equal serial is the same. */
static bool
rrset_differs(const struct util_recv *f, size_t fi, size_t fe,
    const struct util_recv *s, size_t si, size_t se)
{
	const struct util_rec *a, *b;
	uint8_t tmp[65535];
	uint32_t fs, ss;
	int off;

	if (fe - fi != se - si)
		return true;
	a = &f->v[fi];
	b = &s->v[si];
	if (a->type == SOA_TYPE && fe - fi == 1 &&
	    (off = soa_serial_off(a)) > 0 && soa_serial_off(b) == off &&
	    a->rdlen == b->rdlen) {
		fs = get32(a->rdata + off);
		ss = get32(b->rdata + off);
		if (store_serial_gt(fs, ss))
			return true;
		memcpy(tmp, a->rdata, a->rdlen);
		put32(tmp + off, ss);
		return a->ttl != b->ttl || memcmp(tmp, b->rdata, a->rdlen) != 0;
	}
	for (; fi < fe; fi++, si++) {
		if (util_rec_cmp_data(&f->v[fi], &s->v[si]) != 0)
			return true;
	}
	return false;
}

/* Writes the file's rrsets that differ from the store's: deletes the
 * store's rrset and adds the file's. `sets` counts rrsets written. */
static int
apply_diff(struct store *st, const struct store_zone *z,
    const struct util_recv *f, const struct util_recv *s, char *buf, long *sets)
{
	char *owner, *type, *rdata;
	size_t fi = 0, si = 0, fe, se, k;
	const struct util_rec *key;
	int c, rc = 0;

	while (rc == 0 && (fi < f->n || si < s->n)) {
		if (fi >= f->n)
			c = 1;
		else if (si >= s->n)
			c = -1;
		else
			c = util_rec_cmp_rrset(&f->v[fi], &s->v[si]);
		fe = c <= 0 ? rrset_end(f, fi) : fi;
		se = c >= 0 ? rrset_end(s, si) : si;
		if (c != 0 || rrset_differs(f, fi, fe, s, si, se)) {
			(*sets)++;
			key = c <= 0 ? &f->v[fi] : &s->v[si];
			rc = util_rec_text(
			    key, buf, ZONEFILE_TEXT_MAX, &owner, &type, &rdata);
			if (rc == 0 && se > si)
				rc = store_rrset_delete(
				    st, z->id, owner, type, NULL);
			for (k = fi; rc == 0 && k < fe; k++)
				rc = util_rec_store(st, z->id, &f->v[k], buf,
				    ZONEFILE_TEXT_MAX);
		}
		fi = fe;
		si = se;
	}
	return rc;
}

int
util_zone_file(
    struct util_recv *f, const char *cmd, const char *path, const char *name)
{
	int rc;

	if ((rc = util_recv_read(f, cmd, path, NULL, 0, name)) != 0)
		return rc;
	if (find_soa(f) == NULL) {
		util_fail(cmd, "%s: no SOA record for '%s'", path, name);
		return ERR_FORMAT;
	}
	util_recv_sort(f);
	return 0;
}

int
util_zone_apply(struct store *st, const char *name, enum store_zone_kind kind,
    bool set_kind, const struct util_recv *f, struct store_zone *z,
    bool *created, long *sets)
{
	struct util_recv s = { 0 };
	char *buf;
	int rc;

	*created = false;
	*sets = 0;
	if ((buf = malloc(ZONEFILE_TEXT_MAX)) == NULL)
		return ERR_NOMEM;
	rc = store_zone_get(st, name, z);
	if (rc == ERR_NOTFOUND) {
		rc = store_zone_create(st, name, kind, &z->id);
		snprintf(z->name, sizeof(z->name), "%s", name);
		z->kind = kind;
		*created = true;
	} else if (rc == 0 && set_kind && z->kind != kind) {
		rc = store_zone_set_kind(st, z->id, kind);
	}
	if (rc == 0 && !*created)
		rc = util_recv_load(st, z, &s);
	util_recv_sort(&s);
	if (rc == 0 && f != NULL)
		rc = apply_diff(st, z, f, &s, buf, sets);
	util_recv_fini(&s);
	free(buf);
	return rc;
}

/* The zone file streamed into a bulk load. */
struct bulk_feed {
	struct store_bulk *bk;
	char *buf; /* ZONEFILE_TEXT_MAX */
	size_t n, soa;
	int rc; /* a store error, to tell it from the reader's */
};

static int
bulk_feed_cb(void *arg, const struct zf_rr *rr)
{
	struct bulk_feed *f = arg;
	uint8_t owner[DNAME_MAX];
	struct zf_rr lr = *rr;
	char *p[5], *q;
	size_t len;
	int i, rc;

	memcpy(owner, rr->owner, dname_len(rr->owner));
	dname_lower(owner);
	lr.owner = owner;
	lr.rclass = 1;
	if ((rc = zonefile_rr_to_text(&lr, f->buf, ZONEFILE_TEXT_MAX)) < 0)
		return f->rc = rc;
	/* owner TAB ttl TAB class TAB type TAB rdata */
	for (i = 0, q = f->buf; i < 5; i++) {
		p[i] = q;
		if (i < 4) {
			if ((q = strchr(q, '\t')) == NULL)
				return f->rc = ERR_FORMAT;
			*q++ = '\0';
		}
	}
	len = strlen(p[0]);
	if (len > 1 && p[0][len - 1] == '.')
		p[0][len - 1] = '\0';
	rc = store_bulk_add(f->bk, p[0], p[3], p[4], rr->ttl, -1);
	if (rc != 0)
		return f->rc = rc;
	f->n++;
	f->soa += rr->type == SOA_TYPE;
	return 0;
}

static void
bulk_warn_cb(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s: %s:%d: warning: %s\n", UTIL_PROG, file, line, msg);
}

int
util_zone_bulk(struct store *st, const char *cmd, const char *path,
    const char *name, enum store_zone_kind kind, bool set_kind,
    struct store_zone *z, bool *created, size_t *nrecs)
{
	struct bulk_feed f = { 0 };
	char err[512] = "";
	int rc;

	*created = false;
	*nrecs = 0;
	rc = store_zone_get(st, name, z);
	if (rc == ERR_NOTFOUND) {
		rc = store_zone_create(st, name, kind, &z->id);
		snprintf(z->name, sizeof(z->name), "%s", name);
		z->kind = kind;
		*created = rc == 0;
	} else if (rc == 0 && set_kind && z->kind != kind) {
		rc = store_zone_set_kind(st, z->id, kind);
	}
	if (rc == 0)
		rc = store_bulk_begin(st, z->id, &f.bk);
	if (rc == ERR_EXISTS)
		return rc; /* rows: the caller writes a difference */
	if (rc != 0)
		goto fail;
	if ((f.buf = malloc(ZONEFILE_TEXT_MAX)) == NULL) {
		rc = ERR_NOMEM;
		goto fail;
	}
	rc = zonefile_read(
	    path, name, 0, bulk_feed_cb, bulk_warn_cb, &f, err, sizeof(err));
	if (rc != 0 && f.rc == 0) {
		/* the file's error: one line, nothing written */
		util_fail(cmd, "%s", err[0] ? err : err_str(rc));
		goto out;
	}
	if (rc == 0 && f.soa == 0) {
		util_fail(cmd, "%s: no SOA record for '%s'", path, name);
		rc = ERR_FORMAT;
		goto out;
	}
	if (rc == 0) {
		rc = store_bulk_end(f.bk, NULL);
		f.bk = NULL;
	}
	if (rc == 0)
		*nrecs = f.n;
fail:
	if (rc != 0)
		util_fail(
		    cmd, "zone %s: nothing written: %s", name, err_str(rc));
out:
	store_bulk_free(f.bk);
	free(f.buf);
	return rc;
}

static int
zone_import(struct store *st, int argc, char **argv, bool pdns_order)
{
	struct util_recv f = { 0 };
	char zname[STORE_NAME_MAX];
	const char *path, *name;
	struct store_zone z = { 0 };
	bool created = false;
	long sets = 0;
	size_t n = 0;
	int rc, ret = UTIL_EXIT_FAIL;

	if (argc < 2 || argc > 3)
		return util_usage_err(CMD, pdns_order
		                               ? "load-zone needs ZONE FILE"
		                               : "import needs FILE [ZONE]");
	if (pdns_order && argc != 3)
		return util_usage_err(CMD, "load-zone needs ZONE FILE");
	path = pdns_order ? argv[2] : argv[1];
	if (argc == 3) {
		name = pdns_order ? argv[1] : argv[2];
	} else {
		zone_from_path(zname, sizeof(zname), path);
		name = zname;
	}
	/* a new or empty zone: the file streamed into a bulk load */
	if (begin(st) != 0)
		goto out;
	rc = util_zone_bulk(
	    st, CMD, path, name, STORE_ZONE_NATIVE, false, &z, &created, &n);
	if (rc == 0) {
		if (commit(st, z.id, 0) != 0)
			goto out;
		if (store_zone_get(st, name, &z) == 0)
			printf("created zone %s from %s: %zu records, %zu rows "
			       "written (bulk load), serial %" PRIu32 "\n",
			    z.name, path, n, n, z.serial);
		ret = UTIL_EXIT_OK;
		goto out;
	}
	store_rollback(st);
	if (rc != ERR_EXISTS)
		goto out;
	/* the zone has rows: only the differing rrsets are written; the
	 * file first, so that an error in it writes nothing */
	if (util_zone_file(&f, CMD, path, name) != 0)
		goto out;
	if (begin(st) != 0)
		goto out;
	rc = util_zone_apply(
	    st, name, STORE_ZONE_NATIVE, false, &f, &z, &created, &sets);
	if (commit(st, z.id, rc) != 0)
		goto out;
	if (store_zone_get(st, name, &z) == 0)
		printf("%s zone %s from %s: %zu records, %ld rrsets written, "
		       "serial %" PRIu32 "\n",
		    created ? "created" : "imported", z.name, path, f.n, sets,
		    z.serial);
	ret = UTIL_EXIT_OK;
out:
	util_recv_fini(&f);
	return ret;
}

/* Writes the served records of `z` to `fp` in BIND format, canonical
 * order. Prints the error; returns UTIL_EXIT_*. */
static int
export_to(struct store *st, const struct store_zone *z, FILE *fp)
{
	struct util_recv rv = { 0 };
	char *buf = NULL;
	size_t i;
	int rc, ret = UTIL_EXIT_FAIL;

	if ((buf = malloc(ZONEFILE_TEXT_MAX)) == NULL)
		return util_fail(CMD, "out of memory");
	if ((rc = util_recv_load(st, z, &rv)) != 0) {
		util_fail(
		    CMD, "cannot read zone '%s': %s", z->name, err_str(rc));
		goto out;
	}
	util_recv_sort(&rv);
	for (i = 0; i < rv.n; i++) {
		struct zf_rr zr = { .owner = rv.v[i].owner,
			.type = rv.v[i].type,
			.rclass = 1,
			.ttl = rv.v[i].ttl,
			.rdata = rv.v[i].rdata,
			.rdlen = rv.v[i].rdlen };

		if (zonefile_rr_to_text(&zr, buf, ZONEFILE_TEXT_MAX) < 0) {
			util_fail(
			    CMD, "cannot write row id %" PRId64, rv.v[i].id);
			goto out;
		}
		fprintf(fp, "%s\n", buf);
	}
	if (fflush(fp) != 0 || ferror(fp)) {
		util_fail(CMD, "write error");
		goto out;
	}
	ret = UTIL_EXIT_OK;
out:
	util_recv_fini(&rv);
	free(buf);
	return ret;
}

static int
zone_export(struct store *st, int argc, char **argv)
{
	struct store_zone z;

	if (argc != 2)
		return util_usage_err(CMD, "export needs one ZONE");
	if (util_zone(st, CMD, argv[1], &z) != 0)
		return UTIL_EXIT_FAIL;
	return export_to(st, &z, stdout);
}

/* pdnsutil check-zone: the served rows, through a temporary master
 * file, get checkzone's checks (with its -i local ones). */
static int
zone_check(struct store *st, int argc, char **argv)
{
	char path[] = "/tmp/coredns-util-check.XXXXXX";
	struct store_zone z;
	FILE *fp = NULL;
	int fd, ret = UTIL_EXIT_FAIL;

	if (argc != 2)
		return util_usage_err(CMD, "check needs one ZONE");
	if (util_zone(st, CMD, argv[1], &z) != 0)
		return UTIL_EXIT_FAIL;
	if ((fd = mkstemp(path)) < 0)
		return util_fail(CMD, "cannot create a temporary file");
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		util_fail(CMD, "cannot create a temporary file");
		goto out;
	}
	ret = export_to(st, &z, fp);
	if (fclose(fp) != 0 && ret == UTIL_EXIT_OK)
		ret = util_fail(CMD, "write error");
	if (ret == UTIL_EXIT_OK)
		ret = checkzone_run(z.name, path, true, false);
out:
	unlink(path);
	return ret;
}

static int
zone_run(const struct util_ctx *ctx, int argc, char **argv)
{
	const char *sub = NULL;
	struct store *st;
	size_t i;
	int ret;

	/* check-zone ZONE FILE and its options: checkzone's file form */
	if (strcmp(argv[0], "check-zone") == 0 &&
	    (argc != 2 || argv[1][0] == '-'))
		return util_cmd_checkzone.run(ctx, argc, argv);
	if (util_wants_help(argc, argv)) {
		util_print_usage(&util_cmd_zone);
		return UTIL_EXIT_OK;
	}
	for (i = 0; i < sizeof(alias_sub) / sizeof(alias_sub[0]); i++) {
		if (strcmp(argv[0], alias_sub[i][0]) == 0)
			sub = alias_sub[i][1];
	}
	if (sub == NULL) {
		if (argc < 2)
			return util_usage_err(CMD, "missing subcommand");
		sub = argv[1];
		argc--;
		argv++;
	}
	if (strcmp(sub, "create") != 0 && strcmp(sub, "delete") != 0 &&
	    strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 &&
	    strcmp(sub, "set-kind") != 0 &&
	    strcmp(sub, "increase-serial") != 0 && strcmp(sub, "import") != 0 &&
	    strcmp(sub, "export") != 0 && strcmp(sub, "check") != 0)
		return util_usage_err(CMD, "unknown subcommand '%s'", sub);
	if ((st = util_open(ctx, CMD, UTIL_OPEN_SERVED)) == NULL)
		return UTIL_EXIT_FAIL;
	if (strcmp(sub, "create") == 0)
		ret = zone_create(st, argc, argv);
	else if (strcmp(sub, "delete") == 0)
		ret = zone_delete(st, argc, argv);
	else if (strcmp(sub, "list") == 0)
		ret = zone_list(st, argc, argv);
	else if (strcmp(sub, "show") == 0)
		ret = zone_show(st, argc, argv);
	else if (strcmp(sub, "set-kind") == 0)
		ret = zone_set_kind(st, argc, argv);
	else if (strcmp(sub, "increase-serial") == 0)
		ret = zone_increase_serial(st, argc, argv);
	else if (strcmp(sub, "import") == 0)
		ret = zone_import(
		    st, argc, argv, strcmp(argv[0], "load-zone") == 0);
	else if (strcmp(sub, "check") == 0)
		ret = zone_check(st, argc, argv);
	else
		ret = zone_export(st, argc, argv);
	store_close(st);
	return ret;
}

const struct util_cmd util_cmd_zone = {
	.name = "zone",
	.aliases = aliases,
	.summary = "create, delete, list, show, import and export zones",
	.usage =
	    "Usage: " UTIL_PROG " [--db DSN] zone SUBCOMMAND ARGS...\n"
	    "\n"
	    "  create ZONE [KIND] [--ns NAME]  add a zone (kind NATIVE) with "
	    "a\n"
	    "                        default SOA; an NS record only with --ns\n"
	    "  delete ZONE           remove a zone with all its data\n"
	    "  list                  every zone name\n"
	    "  show ZONE             kind, serial, generation, journal range\n"
	    "  set-kind ZONE KIND    NATIVE, MASTER or SLAVE\n"
	    "  increase-serial ZONE  one serial step, as the zone's\n"
	    "                        X-SERIAL-POLICY says (increment,\n"
	    "                        unixtime or date; default increment)\n"
	    "  import FILE [ZONE]    make the zone what FILE holds: only the\n"
	    "                        differing rrsets are written, with one\n"
	    "                        serial step, in one transaction; ZONE\n"
	    "                        defaults to FILE's name less .zone/.db;\n"
	    "                        a missing zone is created (NATIVE)\n"
	    "  export ZONE           the zone in BIND format, canonical order\n"
	    "  check ZONE            the zone's rows get checkzone's checks\n"
	    "                        (named-checkzone -i local); exit 1 when\n"
	    "                        it would not load\n"
	    "\n"
	    "pdnsutil spellings: create-zone ZONE [NSNAME], delete-zone ZONE,\n"
	    "list-all-zones, set-kind ZONE KIND, increase-serial ZONE,\n"
	    "load-zone ZONE FILE, list-zone ZONE, check-zone ZONE (with a\n"
	    "FILE or options, check-zone is checkzone's file check).\n"
	    "\n"
	    "Exit status: 0 ok, 1 failed, 2 usage error.\n",
	.run = zone_run,
};
