/* utils/checkzone.c - `checkzone`: named-checkzone for one zone file */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/wire.h"
#include "common/zonefile.h"
#include "utils/util.h"

/*
 * The zone is read whole into memory and sorted by owner and type; the
 * checks then look names up by binary search. Messages are collected
 * with the position (record number) where BIND's loader would print
 * them, so that output stops at the first load error as BIND's does.
 *
 * BIND behaviours matched (named-checkzone 9.18, -i local):
 * errors: syntax and bad rdata, CNAME and other data, a second distinct
 * CNAME or DNAME at one name, a second SOA or one off the apex, no SOA,
 * no NS at the apex, an apex NS target inside the zone that is a CNAME,
 * lies below a DNAME or has no A/AAAA records.
 * warnings: out-of-zone data (skipped), TTLs differing inside an RRset
 * (the first TTL is kept), check-names (A/AAAA owners and NS, MX, SRV,
 * SOA targets must be host names); with -i local or full also MX, SRV
 * and delegation NS targets inside the zone that are CNAMEs or have no
 * address records (glue). Exact duplicates are dropped silently.
 * Not done: -i full's lookups of targets outside the zone (full is
 * taken as local), wildcard matches of targets.
 */

#define TYPE_SIG 24
#define TYPE_KEY 25

struct cz_rr {
	uint8_t *owner; /* lower case wire name; rdata follows it */
	uint8_t *rdata;
	uint32_t ttl;
	uint16_t type, rdlen;
	size_t seq; /* position in the file(s) */
	const char *file;
	int line;
};

struct cz_msg {
	size_t seq;
	size_t order;
	bool error;
	char *text;
	const char *why; /* for "loading ... failed: WHY", or NULL */
};

struct cz {
	const uint8_t *origin;
	char zname[DNAME_STR_MAX]; /* "example.com", no trailing dot */
	struct cz_rr *rrs;
	size_t nrr, rrcap;
	struct cz_msg *msgs;
	size_t nmsg, msgcap;
	char **files; /* interned file names */
	size_t nfile;
	bool nomem;
};

static void
name_str(char *out, const uint8_t *name)
{
	int len = dname_to_str(out, name);

	if (len > 1 && out[len - 1] == '.')
		out[len - 1] = '\0';
}

static void add_msg(struct cz *z, size_t seq, bool error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
add_msg(struct cz *z, size_t seq, bool error, const char *fmt, ...)
{
	struct cz_msg *m;
	va_list ap;
	char *text;

	if (z->nmsg == z->msgcap) {
		size_t cap = z->msgcap ? z->msgcap * 2 : 16;

		if ((m = realloc(z->msgs, cap * sizeof(*m))) == NULL) {
			z->nomem = true;
			return;
		}
		z->msgs = m;
		z->msgcap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0) {
		va_end(ap);
		z->nomem = true;
		return;
	}
	va_end(ap);
	m = &z->msgs[z->nmsg];
	m->seq = seq;
	m->order = z->nmsg++;
	m->error = error;
	m->text = text;
	m->why = NULL;
}

/* Sets the short reason of the message just added. */
static void
set_why(struct cz *z, const char *why)
{
	if (z->nmsg > 0)
		z->msgs[z->nmsg - 1].why = why;
}

static const char *
intern_file(struct cz *z, const char *file)
{
	char **f;
	size_t i;

	for (i = z->nfile; i > 0; i--) {
		if (strcmp(z->files[i - 1], file) == 0)
			return z->files[i - 1];
	}
	if ((f = realloc(z->files, (z->nfile + 1) * sizeof(*f))) == NULL)
		return NULL;
	z->files = f;
	if ((f[z->nfile] = strdup(file)) == NULL)
		return NULL;
	return f[z->nfile++];
}

/* Host name rules of BIND's check-names: letters, digits and hyphens,
 * no label starting with a hyphen; "*" as the first label when
 * `wildcard`. */
static bool
is_hostname(const uint8_t *name, bool wildcard)
{
	const uint8_t *p = name;

	if (wildcard && p[0] == 1 && p[1] == '*')
		p += 2;
	for (; *p != 0; p += *p + 1) {
		uint8_t i;

		for (i = 1; i <= *p; i++) {
			uint8_t c = p[i];
			bool alnum = (c >= 'a' && c <= 'z') ||
			             (c >= 'A' && c <= 'Z') ||
			             (c >= '0' && c <= '9');

			if (!alnum && (c != '-' || i == 1))
				return false;
		}
	}
	return true;
}

/* The name in rdata of the types whose targets are checked, or NULL. */
static const uint8_t *
rdata_target(uint16_t type, const uint8_t *rdata, uint16_t rdlen)
{
	size_t off;

	switch (type) {
	case TYPE_NS:
	case TYPE_CNAME:
	case TYPE_DNAME:
	case TYPE_SOA:
		off = 0;
		break;
	case TYPE_MX:
		off = 2;
		break;
	case TYPE_SRV:
		off = 6;
		break;
	default:
		return NULL;
	}
	if (rdlen <= off)
		return NULL;
	return rdata + off;
}

static void
check_names(struct cz *z, const struct zf_rr *rr, size_t seq)
{
	char name[DNAME_STR_MAX];
	const uint8_t *t;

	if ((rr->type == TYPE_A || rr->type == TYPE_AAAA) &&
	    !is_hostname(rr->owner, true)) {
		name_str(name, rr->owner);
		add_msg(z, seq, false,
		    "%s:%d: %s: bad owner name (check-names)", rr->file,
		    rr->line, name);
	}
	if (rr->type == TYPE_CNAME || rr->type == TYPE_DNAME)
		return;
	t = rdata_target(rr->type, rr->rdata, rr->rdlen);
	if (t != NULL && !is_hostname(t, false)) {
		name_str(name, t);
		add_msg(z, seq, false,
		    "%s:%d: warning: %s: bad name (check-names)", rr->file,
		    rr->line, name);
	}
}

static int
on_rr(void *arg, const struct zf_rr *rr)
{
	struct cz *z = arg;
	size_t olen = dname_len(rr->owner);
	struct cz_rr *r;

	if (z->nrr == z->rrcap) {
		size_t cap = z->rrcap ? z->rrcap * 2 : 256;

		if ((r = realloc(z->rrs, cap * sizeof(*r))) == NULL)
			return ERR_NOMEM;
		z->rrs = r;
		z->rrcap = cap;
	}
	r = &z->rrs[z->nrr];
	if ((r->owner = malloc(olen + rr->rdlen + 1)) == NULL)
		return ERR_NOMEM;
	memcpy(r->owner, rr->owner, olen);
	dname_lower(r->owner);
	r->rdata = r->owner + olen;
	memcpy(r->rdata, rr->rdata, rr->rdlen);
	r->rdlen = rr->rdlen;
	r->type = rr->type;
	r->ttl = rr->ttl;
	r->seq = z->nrr;
	r->line = rr->line;
	if ((r->file = intern_file(z, rr->file)) == NULL) {
		free(r->owner);
		return ERR_NOMEM;
	}
	z->nrr++;
	check_names(z, rr, r->seq);
	return z->nomem ? ERR_NOMEM : 0;
}

static void
on_warn(void *arg, const char *file, int line, const char *msg)
{
	struct cz *z = arg;

	add_msg(z, z->nrr, false, "%s:%d: %s", file, line, msg);
}

/* Offsets of the labels of `name`, root not counted; returns how many. */
static int
label_offsets(const uint8_t *name, uint8_t off[DNAME_MAX / 2 + 1])
{
	int n = 0;
	size_t pos = 0;

	while (name[pos] != 0) {
		off[n++] = (uint8_t)pos;
		pos += name[pos] + 1U;
	}
	return n;
}

/* DNSSEC canonical order (RFC 4034 6.1) of two lower case names: the
 * order BIND's database walks, so messages come out in its order. */
static int
name_cmp(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[DNAME_MAX / 2 + 1], ob[DNAME_MAX / 2 + 1];
	int na = label_offsets(a, oa), nb = label_offsets(b, ob);

	while (na > 0 && nb > 0) {
		const uint8_t *la = a + oa[--na], *lb = b + ob[--nb];
		int c = memcmp(la + 1, lb + 1, la[0] < lb[0] ? la[0] : lb[0]);

		if (c != 0)
			return c;
		if (la[0] != lb[0])
			return la[0] < lb[0] ? -1 : 1;
	}
	return na > 0 ? 1 : nb > 0 ? -1 : 0;
}

static int
rr_cmp(const void *pa, const void *pb)
{
	const struct cz_rr *a = pa, *b = pb;
	int c = name_cmp(a->owner, b->owner);

	if (c != 0)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int
msg_cmp(const void *pa, const void *pb)
{
	const struct cz_msg *a = pa, *b = pb;

	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Equal rdata as BIND compares it: names case-insensitively. */
static bool
rdata_equal(const struct cz_rr *a, const struct cz_rr *b)
{
	const uint8_t *ta, *tb;
	size_t off;

	if (a->rdlen != b->rdlen)
		return false;
	ta = rdata_target(a->type, a->rdata, a->rdlen);
	tb = rdata_target(b->type, b->rdata, b->rdlen);
	if (ta == NULL || a->type == TYPE_SOA)
		return memcmp(a->rdata, b->rdata, a->rdlen) == 0;
	off = (size_t)(ta - a->rdata);
	return memcmp(a->rdata, b->rdata, off) == 0 && dname_equal(ta, tb);
}

/* Index of the first record at `name` (lower case) of `type`, or -1;
 * type 0 matches any type. */
static long
find_rr(const struct cz *z, const uint8_t *name, uint16_t type)
{
	size_t lo = 0, hi = z->nrr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cz_rr *r = &z->rrs[mid];
		int c = name_cmp(r->owner, name);

		if (c == 0 && type != 0 && r->type != type)
			c = r->type < type ? -1 : 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= z->nrr || name_cmp(z->rrs[lo].owner, name) != 0)
		return -1;
	if (type != 0 && z->rrs[lo].type != type)
		return -1;
	return (long)lo;
}

static bool
has_address(const struct cz *z, const uint8_t *name)
{
	return find_rr(z, name, TYPE_A) >= 0 ||
	       find_rr(z, name, TYPE_AAAA) >= 0;
}

/* True when a DNAME sits at an ancestor of `name` (not at `name`),
 * at the zone apex or below it; its owner goes to `at`. */
static bool
below_dname(const struct cz *z, const uint8_t *name, char *at)
{
	const uint8_t *p = name;

	while (*p != 0 && dname_is_subdomain(p, z->origin)) {
		if (p != name && find_rr(z, p, TYPE_DNAME) >= 0) {
			name_str(at, p);
			return true;
		}
		p += *p + 1;
	}
	return false;
}

/* Load-time checks on one name's records: CNAME and other data,
 * singleton types, duplicates and TTL mismatches. Drops duplicates. */
static void
check_node(struct cz *z, size_t from, size_t to, bool *drop)
{
	const struct cz_rr *cname = NULL, *other = NULL;
	char name[DNAME_STR_MAX];
	size_t i, j, set = from;

	name_str(name, z->rrs[from].owner);
	for (i = from; i < to; i++) {
		struct cz_rr *r = &z->rrs[i];

		if (r->type != z->rrs[set].type)
			set = i;
		for (j = set; j < i; j++) {
			if (!drop[j] && rdata_equal(&z->rrs[j], r))
				break;
		}
		if (j < i) {
			drop[i] = true;
			continue;
		}
		if (i != set &&
		    (r->type == TYPE_CNAME || r->type == TYPE_DNAME)) {
			add_msg(z, r->seq, true,
			    "%s:%d: %s: multiple RRs of singleton type",
			    r->file, r->line, name);
			set_why(z, "multiple RRs of singleton type");
			continue;
		}
		if (i != set && r->ttl != z->rrs[set].ttl) {
			add_msg(z, r->seq, false,
			    "%s:%d: TTL set to prior TTL (%u)", r->file,
			    r->line, z->rrs[set].ttl);
		}
		if (r->type == TYPE_CNAME) {
			if (cname == NULL || r->seq < cname->seq)
				cname = r;
		} else if (r->type != TYPE_RRSIG && r->type != TYPE_NSEC &&
		           r->type != TYPE_SIG && r->type != TYPE_KEY) {
			if (other == NULL || r->seq < other->seq)
				other = r;
		}
	}
	if (cname != NULL && other != NULL) {
		const struct cz_rr *r = cname->seq > other->seq ? cname : other;

		add_msg(z, r->seq, true, "%s:%d: %s: CNAME and other data",
		    r->file, r->line, name);
		set_why(z, "CNAME and other data");
	}
}

static const char *
type_name(uint16_t type)
{
	switch (type) {
	case TYPE_NS:
		return "NS";
	case TYPE_MX:
		return "MX";
	default:
		return "SRV";
	}
}

/* Checks the target of an MX, SRV or NS record inside the zone. */
static void
check_target(struct cz *z, const struct cz_rr *r, const uint8_t *t,
    bool apex_ns, size_t seq)
{
	char owner[DNAME_STR_MAX], name[DNAME_STR_MAX], at[DNAME_STR_MAX];
	uint8_t lt[DNAME_MAX];
	const char *tn = type_name(r->type);
	char where[DNAME_STR_MAX + 8];

	if (t[0] == 0 || !dname_is_subdomain(t, z->origin))
		return;
	memcpy(lt, t, dname_len(t));
	dname_lower(lt);
	name_str(owner, r->owner);
	name_str(name, lt);
	if (apex_ns)
		where[0] = '\0';
	else
		snprintf(where, sizeof(where), "%s/", owner);
	if (apex_ns && below_dname(z, lt, at)) {
		add_msg(z, seq, true,
		    "zone %s/IN: %s%s '%s' is below a DNAME '%s' (illegal)",
		    z->zname, where, tn, name, at);
		return;
	}
	if (find_rr(z, lt, TYPE_CNAME) >= 0) {
		add_msg(z, seq, apex_ns,
		    "zone %s/IN: %s%s '%s' is a CNAME (illegal)", z->zname,
		    where, tn, name);
		return;
	}
	if (has_address(z, lt))
		return;
	if (r->type == TYPE_NS && !apex_ns &&
	    dname_is_subdomain(lt, r->owner)) {
		add_msg(z, seq, false,
		    "zone %s/IN: %s%s '%s' has no REQUIRED GLUE address "
		    "records (A or AAAA)",
		    z->zname, where, tn, name);
		return;
	}
	add_msg(z, seq, apex_ns,
	    "zone %s/IN: %s%s '%s' has no address records (A or AAAA)",
	    z->zname, where, tn, name);
}

/* Checks after loading: SOA and NS at the apex, and targets. Messages
 * get positions after every record, in the order BIND prints them. */
static void
check_zone(struct cz *z, bool integrity)
{
	size_t end = z->nrr + 1, i;
	long soa, ns;

	soa = find_rr(z, z->origin, TYPE_SOA);
	ns = find_rr(z, z->origin, TYPE_NS);
	if (soa < 0) {
		add_msg(
		    z, end, true, "zone %s/IN: has 0 SOA records", z->zname);
		return;
	}
	if (ns < 0) {
		add_msg(
		    z, end, true, "zone %s/IN: has no NS records", z->zname);
		return;
	}
	for (i = 0; i < z->nrr; i++) {
		const struct cz_rr *r = &z->rrs[i];
		const uint8_t *t;
		bool apex;

		if (r->type != TYPE_NS && r->type != TYPE_MX &&
		    r->type != TYPE_SRV)
			continue;
		apex = r->type == TYPE_NS && dname_equal(r->owner, z->origin);
		if (!apex && !integrity)
			continue;
		if ((t = rdata_target(r->type, r->rdata, r->rdlen)) == NULL)
			continue;
		check_target(z, r, t, apex, apex ? end + 1 : end);
	}
}

static uint32_t
soa_serial(const struct cz *z)
{
	long i = find_rr(z, z->origin, TYPE_SOA);
	const struct cz_rr *r;
	size_t off;

	if (i < 0)
		return 0;
	r = &z->rrs[i];
	off = dname_len(r->rdata);
	off += dname_len(r->rdata + off);
	if (off + 4 > r->rdlen)
		return 0;
	return (uint32_t)r->rdata[off] << 24 |
	       (uint32_t)r->rdata[off + 1] << 16 |
	       (uint32_t)r->rdata[off + 2] << 8 | r->rdata[off + 3];
}

/* The message part of the reader's "file:line: message". */
static const char *
reason(const char *err, const char *path)
{
	size_t n = strlen(path);
	const char *p;

	if (strncmp(err, path, n) == 0 && err[n] == ':') {
		p = err + n + 1;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == ':')
			p++;
		while (*p == ' ')
			p++;
		if (*p != '\0')
			return p;
	}
	return err;
}

int
checkzone_run(const char *origin, const char *path, bool integrity, bool quiet)
{
	struct cz z = { 0 };
	uint8_t oname[DNAME_MAX];
	char err[512] = "";
	bool *drop = NULL, failed = false;
	size_t i, j, n;
	int rc;

	if (dname_from_str(oname, origin) < 0) {
		if (!quiet)
			printf("zone %s/IN: bad zone name\n", origin);
		return UTIL_EXIT_FAIL;
	}
	dname_lower(oname);
	z.origin = oname;
	name_str(z.zname, oname);
	rc = zonefile_read(
	    path, origin, CLASS_IN, on_rr, on_warn, &z, err, sizeof(err));
	if (rc == ERR_NOMEM || z.nomem) {
		fprintf(stderr, "%s checkzone: out of memory\n", UTIL_PROG);
		failed = true;
		goto out;
	}
	if (z.nrr > 0)
		qsort(z.rrs, z.nrr, sizeof(*z.rrs), rr_cmp);
	if ((drop = calloc(z.nrr + 1, sizeof(*drop))) == NULL) {
		failed = true;
		goto out;
	}
	for (i = 0; i < z.nrr; i = j) {
		for (j = i + 1;
		     j < z.nrr && name_cmp(z.rrs[i].owner, z.rrs[j].owner) == 0;
		     j++)
			;
		check_node(&z, i, j, drop);
	}
	/* duplicates out, so that lookups and the checks see each once */
	for (i = n = 0; i < z.nrr; i++) {
		if (drop[i])
			free(z.rrs[i].owner);
		else
			z.rrs[n++] = z.rrs[i];
	}
	z.nrr = n;
	if (rc != 0 && err[0] == '\0') {
		add_msg(&z, SIZE_MAX, true,
		    "zone %s/IN: loading from master file %s failed: %s",
		    z.zname, path, err_str(rc));
	} else if (rc != 0) {
		add_msg(&z, SIZE_MAX, true, "%s", err);
	} else {
		check_zone(&z, integrity);
	}
	if (z.nmsg > 0)
		qsort(z.msgs, z.nmsg, sizeof(*z.msgs), msg_cmp);
	for (i = 0; i < z.nmsg; i++) {
		const struct cz_msg *m = &z.msgs[i];

		if (!quiet)
			printf("%s\n", m->text);
		if (!m->error)
			continue;
		failed = true;
		/* a load error ends the load, as in BIND */
		if (m->seq < z.nrr + 1 || m->seq == SIZE_MAX) {
			if (!quiet && strncmp(m->text, "zone ", 5) != 0)
				printf("zone %s/IN: loading from master file "
				       "%s failed: %s\n",
				    z.zname, path,
				    m->why != NULL ? m->why
				                   : reason(m->text, path));
			break;
		}
	}
	if (z.nomem) {
		fprintf(stderr, "%s checkzone: out of memory\n", UTIL_PROG);
		failed = true;
	}
	if (!quiet) {
		if (failed) {
			printf(
			    "zone %s/IN: not loaded due to errors.\n", z.zname);
		} else {
			printf("zone %s/IN: loaded serial %u\n", z.zname,
			    soa_serial(&z));
			printf("OK\n");
		}
	}
out:
	for (i = 0; i < z.nrr; i++)
		free(z.rrs[i].owner);
	free(z.rrs);
	for (i = 0; i < z.nmsg; i++)
		free(z.msgs[i].text);
	free(z.msgs);
	for (i = 0; i < z.nfile; i++)
		free(z.files[i]);
	free(z.files);
	free(drop);
	return failed ? UTIL_EXIT_FAIL : UTIL_EXIT_OK;
}

static int
checkzone_main(const struct util_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false, integrity = true;
	int c;

	(void)ctx;
	optind = 0; /* glibc: full reset */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hqi:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			util_print_usage(&util_cmd_checkzone);
			return UTIL_EXIT_OK;
		case 'q':
			quiet = true;
			break;
		case 'i':
			if (strcmp(optarg, "none") == 0) {
				integrity = false;
			} else if (strcmp(optarg, "local") == 0 ||
			           strcmp(optarg, "full") == 0 ||
			           strcmp(optarg, "local-sibling") == 0 ||
			           strcmp(optarg, "full-sibling") == 0) {
				integrity = true;
			} else {
				return util_usage_err("checkzone",
				    "bad -i mode '%s' (none, local or full)",
				    optarg);
			}
			break;
		case ':':
			return util_usage_err("checkzone",
			    "option '%s' needs an argument", argv[optind - 1]);
		default:
			return util_usage_err("checkzone",
			    "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return util_usage_err("checkzone", "expected ZONE FILE");
	return checkzone_run(argv[optind], argv[optind + 1], integrity, quiet);
}

static const char *const checkzone_aliases[] = { "check-zone", NULL };

const struct util_cmd util_cmd_checkzone = {
	.name = "checkzone",
	.aliases = checkzone_aliases,
	.summary = "check a zone file as named-checkzone does",
	.usage = "Usage: " UTIL_PROG " checkzone [-q] [-i none|local|full] "
	         "ZONE FILE\n"
	         "\n"
	         "Reads the master file FILE for ZONE (class IN) and checks it "
	         "as\n"
	         "named-checkzone does: syntax, CNAME and other data, SOA and "
	         "NS at\n"
	         "the apex, addresses of in-zone name servers. Prints "
	         "\"zone ZONE/IN:\n"
	         "loaded serial N\" and \"OK\" when the zone would load.\n"
	         "\n"
	         "Options:\n"
	         "  -q          quiet: only the exit status\n"
	         "  -i MODE     integrity checks: none, local (default) or "
	         "full\n"
	         "              (MX, SRV and delegation targets; full is "
	         "local)\n"
	         "  -h, --help  this text\n"
	         "\n"
	         "$INCLUDE paths are relative to the including file.\n"
	         "Exit status: 0 loads, 1 errors, 2 usage error.\n",
	.run = checkzone_main,
};
