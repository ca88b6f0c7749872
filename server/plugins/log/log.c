/* server/plugins/log/log.c - query logging in CoreDNS's formats */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/strutil.h"
#include "common/wire.h"
#include "server/request.h"

#define LOG_COMMON                                                             \
	"{remote}:{port} - {>id} \"{type} {class} {name} {proto} {size} "      \
	"{>do} {>bufsize}\" {rcode} {>rflags} {rsize} {duration}"
#define LOG_COMBINED LOG_COMMON " \"{>opcode}\""

enum cls { CLS_SUCCESS = 1, CLS_DENIAL = 2, CLS_ERROR = 4, CLS_ALL = 7 };

enum ph {
	PH_LITERAL,
	PH_TYPE,
	PH_NAME,
	PH_CLASS,
	PH_PROTO,
	PH_REMOTE,
	PH_LOCAL,
	PH_SIZE,
	PH_PORT,
	PH_DURATION,
	PH_RCODE,
	PH_RSIZE,
	PH_RFLAGS,
	PH_BUFSIZE,
	PH_DO,
	PH_ID,
	PH_OPCODE,
	PH_EMPTY, /* {/label}: metadata is not supported: "-" */
};

struct piece {
	enum ph ph;
	const char *lit; /* PH_LITERAL: into the rule's format copy */
	size_t litlen;
};

struct rule {
	uint8_t (*names)[DNAME_MAX];
	size_t nnames;
	char *format;
	struct piece *pieces;
	size_t npieces;
	unsigned classes;
	uint64_t min_duration_ns; /* 0: off */
};

struct log_cfg {
	struct rule *rules;
	size_t nrules;
};

static const struct {
	const char *name;
	enum ph ph;
} ph_names[] = {
	{ "type", PH_TYPE },
	{ "name", PH_NAME },
	{ "class", PH_CLASS },
	{ "proto", PH_PROTO },
	{ "remote", PH_REMOTE },
	{ "local", PH_LOCAL },
	{ "size", PH_SIZE },
	{ "port", PH_PORT },
	{ "duration", PH_DURATION },
	{ "rcode", PH_RCODE },
	{ "rsize", PH_RSIZE },
	{ ">rflags", PH_RFLAGS },
	{ ">bufsize", PH_BUFSIZE },
	{ ">do", PH_DO },
	{ ">id", PH_ID },
	{ ">opcode", PH_OPCODE },
};

static void
log_teardown(void *ctx)
{
	struct log_cfg *c = ctx;

	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nrules; i++) {
		free(c->rules[i].names);
		free(c->rules[i].format);
		free(c->rules[i].pieces);
	}
	free(c->rules);
	free(c);
}

/* Splits a format into literal runs and placeholders; unknown
 * placeholders stay literal text, as CoreDNS's replacer leaves them. */
static int
compile(struct rule *r)
{
	const char *p = r->format;
	size_t cap = 8;

	if ((r->pieces = calloc(cap, sizeof(*r->pieces))) == NULL)
		return ERR_NOMEM;
	while (*p != '\0') {
		const char *close = NULL;
		struct piece pc = { PH_LITERAL, p, 0 };

		if (*p == '{' && (close = strchr(p, '}')) != NULL) {
			size_t n = (size_t)(close - p - 1);

			for (size_t i = 0;
			     i < sizeof(ph_names) / sizeof(ph_names[0]); i++)
				if (strlen(ph_names[i].name) == n &&
				    strncmp(p + 1, ph_names[i].name, n) == 0)
					pc.ph = ph_names[i].ph;
			if (pc.ph == PH_LITERAL && n > 1 && p[1] == '/')
				pc.ph = PH_EMPTY;
		}
		if (pc.ph != PH_LITERAL) {
			p = close + 1;
		} else {
			const char *q = p + 1;

			while (*q != '\0' && *q != '{')
				q++;
			pc.litlen = (size_t)(q - p);
			p = q;
		}
		if (r->npieces == cap) {
			struct piece *np =
			    realloc(r->pieces, 2 * cap * sizeof(*np));

			if (np == NULL)
				return ERR_NOMEM;
			r->pieces = np;
			cap *= 2;
		}
		r->pieces[r->npieces++] = pc;
	}
	return 0;
}

static char *
expand_format(const char *f)
{
	/* {common} and {combined} are shortcuts inside any format */
	const char *subs[2][2] = { { "{common}", LOG_COMMON },
		{ "{combined}", LOG_COMBINED } };
	size_t len = strlen(f) + 1;
	char *out;

	for (int i = 0; i < 2; i++)
		for (const char *p = strstr(f, subs[i][0]); p != NULL;
		     p = strstr(p + 1, subs[i][0]))
			len += strlen(subs[i][1]);
	if ((out = malloc(len)) == NULL)
		return NULL;
	out[0] = '\0';
	while (*f != '\0') {
		int hit = -1;

		for (int i = 0; i < 2; i++)
			if (strncmp(f, subs[i][0], strlen(subs[i][0])) == 0)
				hit = i;
		if (hit >= 0) {
			strcat(out, subs[hit][1]);
			f += strlen(subs[hit][0]);
		} else {
			size_t n = strlen(out);

			out[n] = *f++;
			out[n + 1] = '\0';
		}
	}
	return out;
}

static int
add_name(struct cf_disp *d, struct rule *r, const char *s)
{
	uint8_t(*nn)[DNAME_MAX] =
	    realloc(r->names, (r->nnames + 1) * sizeof(*nn));

	if (nn == NULL)
		return ERR_NOMEM;
	r->names = nn;
	if (dname_from_str(nn[r->nnames], s) < 0)
		return cf_errf(d, "invalid name '%s'", s);
	dname_lower(nn[r->nnames]);
	r->nnames++;
	return 0;
}

static int
parse_rule(struct cf_disp *d, struct rule *r)
{
	const char *args[64];
	size_t n = 0;
	bool has_format = false;
	int rc;

	while (cf_next_arg(d)) {
		if (n == 64)
			return cf_errf(d, "too many arguments");
		args[n++] = cf_val(d);
	}
	r->classes = 0;
	/* CoreDNS: with two or more arguments the last one is the format
	 * only if it has a placeholder; otherwise they are all names */
	if (n > 1 && strchr(args[n - 1], '{') != NULL)
		has_format = true;
	r->format = expand_format(has_format ? args[n - 1] : LOG_COMMON);
	if (r->format == NULL)
		return ERR_NOMEM;
	if (n == 0 && (rc = add_name(d, r, ".")) != 0)
		return rc;
	for (size_t i = 0; i < (has_format ? n - 1 : n); i++)
		if ((rc = add_name(d, r, args[i])) != 0)
			return rc;
	while (cf_next_block(d)) {
		const char *k = cf_val(d);

		if (strcmp(k, "class") == 0) {
			if (cf_remaining_args(d) == 0)
				return cf_err_args(d);
			while (cf_next_arg(d)) {
				const char *v = cf_val(d);

				if (strcmp(v, "success") == 0)
					r->classes |= CLS_SUCCESS;
				else if (strcmp(v, "denial") == 0)
					r->classes |= CLS_DENIAL;
				else if (strcmp(v, "error") == 0)
					r->classes |= CLS_ERROR;
				else if (strcmp(v, "all") == 0)
					r->classes |= CLS_ALL;
				else
					return cf_errf(
					    d, "invalid class '%s'", v);
			}
		} else if (strcmp(k, "minDuration") == 0) {
			uint64_t ms;

			if (!cf_next_arg(d))
				return cf_err_args(d);
			if (str_parse_duration(cf_val(d), &ms) != 0)
				return cf_errf(
				    d, "invalid duration '%s'", cf_val(d));
			r->min_duration_ns = ms * 1000000;
			if (cf_next_arg(d))
				return cf_err_args(d);
		} else {
			return cf_errf(d, "unknown property '%s'", k);
		}
	}
	if (r->classes == 0)
		r->classes = CLS_ALL;
	return compile(r);
}

static int
log_setup(struct plugin_setup *ps, void **ctx)
{
	struct cf_disp *d = &ps->disp;
	struct log_cfg *c = calloc(1, sizeof(*c));
	int rc;

	if (c == NULL)
		return ERR_NOMEM;
	while (cf_next(d)) {
		struct rule *nr =
		    realloc(c->rules, (c->nrules + 1) * sizeof(*nr));

		if (nr == NULL) {
			log_teardown(c);
			return ERR_NOMEM;
		}
		c->rules = nr;
		memset(&nr[c->nrules], 0, sizeof(nr[0]));
		c->nrules++;
		if ((rc = parse_rule(d, &nr[c->nrules - 1])) != 0) {
			log_teardown(c);
			return rc;
		}
	}
	*ctx = c;
	return 0;
}

/* CoreDNS's response.Typify folded into success/denial/error. */
static unsigned
classify(const struct request *req)
{
	size_t len, pos = DNS_HDR_LEN;
	const uint8_t *p = reply_packet(req, &len);
	uint16_t rcode = reply_rcode(req), an, ns, qd;
	uint8_t name[DNAME_MAX];
	bool soa = false;
	unsigned nsrr = 0;

	if (len < DNS_HDR_LEN)
		return CLS_ERROR;
	if (FLAGS_OPCODE(wire_get16(p + 2)) != OPCODE_QUERY)
		return CLS_ERROR;
	qd = wire_get16(p + 4);
	an = wire_get16(p + 6);
	ns = wire_get16(p + 8);
	if (request_qtype(req) == TYPE_AXFR || request_qtype(req) == TYPE_IXFR)
		return CLS_ERROR;
	for (unsigned i = 0; i < qd; i++) {
		if (dname_unpack(p, len, &pos, name) < 0 || len - pos < 4)
			return CLS_ERROR;
		pos += 4;
	}
	for (unsigned i = 0; i < (unsigned)an + ns; i++) {
		uint16_t type, rdlen;

		if (dname_unpack(p, len, &pos, name) < 0 || len - pos < 10)
			break;
		type = wire_get16(p + pos);
		rdlen = wire_get16(p + pos + 8);
		if (i >= an && type == TYPE_SOA)
			soa = true;
		if (i >= an && type == TYPE_NS)
			nsrr++;
		pos += 10 + (size_t)rdlen;
		if (pos > len)
			break;
	}
	if (soa && rcode == RCODE_NOERROR)
		return an > 0 ? CLS_SUCCESS : CLS_DENIAL;
	if (soa && rcode == RCODE_NXDOMAIN)
		return CLS_DENIAL;
	if (rcode == RCODE_NOERROR)
		return CLS_SUCCESS; /* answer, delegation, or no SOA */
	return CLS_ERROR;
}

struct out {
	char *p;
	size_t len, cap;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (n > o->cap - o->len)
		n = o->cap - o->len;
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
putu(struct out *o, unsigned long long v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%llu", v);

	put(o, b, (size_t)n);
}

static void
put_addr(struct out *o, const struct sockaddr *sa)
{
	char ip[64];
	const struct sockaddr_in6 *s6 = (const void *)sa;

	if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		struct sockaddr_in s4;

		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		memcpy(&s4.sin_addr, s6->sin6_addr.s6_addr + 12, 4);
		puts_(o, str_addr((struct sockaddr *)&s4, ip));
	} else if (sa->sa_family == AF_INET6) {
		put(o, "[", 1);
		puts_(o, str_addr(sa, ip));
		put(o, "]", 1);
	} else {
		puts_(o, str_addr(sa, ip));
	}
}

/* Go's strconv.FormatFloat(seconds, 'f', -1, 64) for whole nanoseconds. */
static void
put_duration(struct out *o, uint64_t ns)
{
	char b[40];
	int n = snprintf(b, sizeof(b), "%llu.%09llu",
	    (unsigned long long)(ns / 1000000000u),
	    (unsigned long long)(ns % 1000000000u));

	while (n > 0 && b[n - 1] == '0')
		n--;
	if (n > 0 && b[n - 1] == '.')
		n--;
	put(o, b, (size_t)n);
	put(o, "s", 1);
}

static void
put_flags(struct out *o, uint16_t f)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} fl[] = { { FLAG_QR, "qr" }, { FLAG_AA, "aa" }, { FLAG_TC, "tc" },
		{ FLAG_RD, "rd" }, { FLAG_RA, "ra" }, { FLAG_Z, "z" },
		{ FLAG_AD, "ad" }, { FLAG_CD, "cd" } };
	bool any = false;

	for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		if (!(f & fl[i].bit))
			continue;
		if (any)
			put(o, ",", 1);
		puts_(o, fl[i].name);
		any = true;
	}
	if (!any)
		put(o, "-", 1);
}

static const char *
opcode_str(uint8_t op, char *buf)
{
	static const char *const names[] = { "QUERY", "IQUERY", "STATUS", NULL,
		"NOTIFY", "UPDATE" };

	if (op < 6 && names[op] != NULL)
		return names[op];
	snprintf(buf, 16, "%u", op);
	return buf;
}

static void
render(struct request *req, const struct rule *r, uint64_t dur)
{
	char line[1536], tb[16];
	struct out o = { line, 0, sizeof(line) };
	size_t rlen, qlen;
	const uint8_t *rp = reply_packet(req, &rlen);

	(void)request_packet(req, &qlen);
	puts_(&o, "[INFO] ");
	for (size_t i = 0; i < r->npieces; i++) {
		const struct piece *pc = &r->pieces[i];

		switch (pc->ph) {
		case PH_LITERAL:
			put(&o, pc->lit, pc->litlen);
			break;
		case PH_TYPE:
			puts_(&o, wire_type_str(request_qtype(req), tb));
			break;
		case PH_NAME:
			puts_(&o, request_qname_str(req));
			break;
		case PH_CLASS:
			puts_(&o, wire_class_str(request_qclass(req), tb));
			break;
		case PH_PROTO:
			puts_(&o, request_proto_str(req));
			break;
		case PH_REMOTE:
			put_addr(&o, request_remote(req));
			break;
		case PH_LOCAL:
			put_addr(&o, request_local(req));
			break;
		case PH_SIZE:
			putu(&o, qlen);
			break;
		case PH_PORT:
			putu(&o, str_port(request_remote(req)));
			break;
		case PH_DURATION:
			put_duration(&o, dur);
			break;
		case PH_RCODE:
			puts_(&o, wire_rcode_str(reply_rcode(req), tb));
			break;
		case PH_RSIZE:
			putu(&o, rlen);
			break;
		case PH_RFLAGS:
			put_flags(&o, rlen >= 4 ? wire_get16(rp + 2) : 0);
			break;
		case PH_BUFSIZE:
			putu(&o, request_proto(req) != PROTO_UDP ? 65535
			         : request_edns_size(req) < 512
			             ? 512
			             : request_edns_size(req));
			break;
		case PH_DO:
			puts_(&o, request_do(req) ? "true" : "false");
			break;
		case PH_ID:
			putu(&o, request_id(req));
			break;
		case PH_OPCODE:
			puts_(&o, opcode_str(request_opcode(req), tb));
			break;
		case PH_EMPTY:
			put(&o, "-", 1);
			break;
		}
	}
	log_raw(line, (int)o.len);
}

static void
log_done(struct request *req, void *ctx)
{
	const struct log_cfg *c = ctx;
	uint64_t dur = 0;
	unsigned cls = 0;

	if (reply_dropped(req))
		return;
	for (size_t i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];
		bool match = false, want;

		for (size_t k = 0; k < r->nnames && !match; k++)
			match =
			    dname_is_subdomain(request_qname(req), r->names[k]);
		if (!match)
			continue;
		if (dur == 0)
			dur = request_elapsed_ns(req);
		want = r->classes == CLS_ALL;
		if (!want) {
			if (cls == 0)
				cls = classify(req);
			want = (r->classes & cls) != 0;
		}
		if (!want && r->min_duration_ns > 0 &&
		    dur >= r->min_duration_ns)
			want = true;
		if (want)
			render(req, r, dur);
		return; /* the first rule whose names match decides */
	}
}

static enum pl_status
log_serve(struct request *req, void *ctx)
{
	(void)req;
	(void)ctx;
	return PL_NEXT;
}

const struct plugin_ops log_plugin = {
	.name = "log",
	.setup = log_setup,
	.serve = log_serve,
	.done = log_done,
	.teardown = log_teardown,
};
