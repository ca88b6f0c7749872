/* common/zonefile.c - master file (RFC 1035 zone file) reader and writer */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/wire.h"
#include "common/zonefile.h"

#define RDATA_MAX 65535
#define READ_CHUNK 65536
#define GEN_TEXT_MAX 8192 /* one expanded $GENERATE side */

/* A token of the current record: text (escapes kept as written, quotes
 * removed) NUL-terminated in the token store. */
struct zf_tok {
	uint32_t off;
	uint32_t len;
	bool quoted;
	bool glued; /* no blank before it: alpn="h2,h3" is one field */
};

struct zf_toks {
	char *text;
	size_t len, cap;
	struct zf_tok *v;
	size_t n, vcap;
};

/* One input: the top file or buffer, or an $INCLUDE. */
struct zf_src {
	FILE *fp; /* NULL: in-memory text */
	const char *mem;
	size_t mlen, mpos;
	char *buf; /* read buffer of fp */
	size_t bpos, blen;
	bool eof;
	char *path; /* as shown in messages */
	int line;
	dev_t dev;
	ino_t ino;
	/* the includer's state, restored when this source ends */
	uint8_t origin[DNAME_MAX];
	uint8_t owner[DNAME_MAX];
	bool have_owner;
};

struct zf_ctx {
	struct zf_src src[ZONEFILE_MAX_INCLUDE + 1];
	int depth; /* index of the source being read */
	char *line;
	size_t linelen;
	struct zf_toks rec; /* the record being read */
	struct zf_toks gen; /* one $GENERATE right-hand side */
	int rec_line;
	bool blank_owner;
	uint8_t zone[DNAME_MAX];
	uint8_t origin[DNAME_MAX];
	uint8_t owner[DNAME_MAX];
	bool have_owner;
	bool origin_changed; /* $ORIGIN seen since the owner was set */
	uint32_t def_ttl, last_ttl;
	bool have_def, have_last;
	bool seen_soa;
	uint16_t rclass;
	uint64_t total;
	zf_rr_cb cb;
	zf_warn_cb warn;
	void *arg;
	char *err;
	size_t errlen;
	uint8_t rdata[RDATA_MAX];
	ldns_rdf *lorigin; /* origin for ldns, rebuilt when stale */
	ldns_buffer *lbuf;
	char *ltext; /* rdata text handed to ldns */
	size_t ltext_cap;
};

/* ---- messages ---- */

static const char *
cur_file(const struct zf_ctx *c)
{
	return c->src[c->depth].path;
}

static int __attribute__((format(printf, 4, 5)))
fail(struct zf_ctx *c, int rc, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err == NULL || c->errlen == 0)
		return rc;
	if (line > 0)
		n = snprintf(c->err, c->errlen, "%s:%d: ", cur_file(c), line);
	else
		n = snprintf(c->err, c->errlen, "%s: ", cur_file(c));
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static void __attribute__((format(printf, 3, 4)))
warnf(struct zf_ctx *c, int line, const char *fmt, ...)
{
	char msg[DNAME_STR_MAX + 128];
	va_list ap;

	if (c->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->warn(c->arg, cur_file(c), line, msg);
}

/* A token shortened for messages, so they stay on one screen line. */
static const char *
shown(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s);

	if (n < len) {
		return s;
	}
	memcpy(buf, s, len - 4);
	memcpy(buf + len - 4, "...", 4);
	return buf;
}

/* ---- small parsers ---- */

static bool
parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

int
zonefile_ttl_from_str(const char *s, uint32_t *ttl)
{
	uint64_t total = 0, v;
	bool units = false;

	if (*s == '\0')
		return ERR_FORMAT;
	while (*s != '\0') {
		uint64_t mult;
		int digits = 0;

		for (v = 0; *s >= '0' && *s <= '9'; s++, digits++) {
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > UINT32_MAX)
				return ERR_FORMAT;
		}
		if (digits == 0)
			return ERR_FORMAT;
		switch (*s) {
		case '\0':
			/* "1h30" is not a TTL; a bare number is */
			if (units)
				return ERR_FORMAT;
			*ttl = (uint32_t)v;
			return 0;
		case 'w':
		case 'W':
			mult = 604800;
			break;
		case 'd':
		case 'D':
			mult = 86400;
			break;
		case 'h':
		case 'H':
			mult = 3600;
			break;
		case 'm':
		case 'M':
			mult = 60;
			break;
		case 's':
		case 'S':
			mult = 1;
			break;
		default:
			return ERR_FORMAT;
		}
		s++;
		units = true;
		total += v * mult;
		if (total > UINT32_MAX)
			return ERR_FORMAT;
	}
	*ttl = (uint32_t)total;
	return 0;
}

static int
class_from_str(const char *s)
{
	uint32_t v;

	if (strcasecmp(s, "IN") == 0)
		return CLASS_IN;
	if (strcasecmp(s, "CH") == 0 || strcasecmp(s, "CHAOS") == 0)
		return CLASS_CH;
	if (strcasecmp(s, "HS") == 0 || strcasecmp(s, "HESIOD") == 0)
		return CLASS_HS;
	if (strcasecmp(s, "NONE") == 0)
		return CLASS_NONE;
	if (strcasecmp(s, "ANY") == 0)
		return CLASS_ANY;
	if (strncasecmp(s, "CLASS", 5) == 0 && parse_u32(s + 5, 65535, &v))
		return (int)v;
	return -1;
}

static int
type_from_str(const char *s)
{
	int t = wire_type_from_str(s);

	if (t >= 0)
		return t;
	t = (int)ldns_get_rr_type_by_name(s);
	return t > 0 ? t : -1;
}

/* The ldns descriptor of a type it really knows (ldns_rr_descript
 * hands out a placeholder for others), or NULL. */
static const ldns_rr_descriptor *
ldns_desc(uint16_t type)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);

	if (d == NULL || d->_type != type || d->_name == NULL)
		return NULL;
	return d;
}

/* Type name for output: ours, else ldns's, else TYPEnnn. */
static const char *
type_text(uint16_t type, char *buf)
{
	const char *s = wire_type_str(type, buf);
	const ldns_rr_descriptor *d;

	if (s == buf && (d = ldns_desc(type)) != NULL &&
	    type_from_str(d->_name) == type)
		return d->_name;
	return s;
}

/* Types that only exist in messages (OPT, TKEY, TSIG, the query types). */
static bool
is_meta_type(uint16_t t)
{
	return t == 0 || t == TYPE_OPT || (t >= 128 && t <= 255);
}

/* Presentation name (with escapes, "@" for the origin, relative names
 * completed with `origin`) to wire form. Returns the length or
 * ERR_FORMAT. */
static int
name_from_text(uint8_t *out, const char *s, const uint8_t *origin)
{
	uint8_t tmp[DNAME_MAX];
	bool absolute = false;
	size_t olen;
	int n;

	if (s[0] == '@' && s[1] == '\0') {
		olen = dname_len(origin);
		memcpy(out, origin, olen);
		return (int)olen;
	}
	for (size_t i = 0; s[i] != '\0';) {
		if (s[i] == '\\') {
			if (s[i + 1] == '\0')
				return ERR_FORMAT;
			i += 2;
			absolute = false;
			continue;
		}
		absolute = s[i] == '.';
		i++;
	}
	n = dname_from_str(tmp, s);
	if (n < 0)
		return ERR_FORMAT;
	if (absolute || (s[0] == '.' && s[1] == '\0')) {
		memcpy(out, tmp, (size_t)n);
		return n;
	}
	olen = dname_len(origin);
	if ((size_t)n - 1 + olen > DNAME_MAX)
		return ERR_FORMAT;
	memcpy(out, tmp, (size_t)n - 1);
	memcpy(out + n - 1, origin, olen);
	return (int)((size_t)n - 1 + olen);
}

/* Length of a valid uncompressed wire name within `max` octets, or -1. */
static int
wname_len(const uint8_t *p, size_t max)
{
	size_t i = 0;

	for (;;) {
		if (i >= max)
			return -1;
		if (p[i] == 0)
			break;
		if (p[i] > DNAME_LABEL_MAX)
			return -1;
		i += (size_t)p[i] + 1;
		if (i >= DNAME_MAX)
			return -1;
	}
	return (int)i + 1;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* ---- token store ---- */

static void
toks_reset(struct zf_toks *t)
{
	t->len = 0;
	t->n = 0;
}

static void
toks_free(struct zf_toks *t)
{
	free(t->text);
	free(t->v);
}

static const char *
tok_str(const struct zf_toks *t, size_t i)
{
	return t->text + t->v[i].off;
}

/* Appends a token of `len` octets. ERR_SPACE past ZONEFILE_MAX_RECORD. */
static int
toks_add(struct zf_toks *t, const char *s, size_t len, bool quoted, bool glued)
{
	if (t->len + len + 1 > ZONEFILE_MAX_RECORD)
		return ERR_SPACE;
	if (t->len + len + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		char *p;

		while (cap < t->len + len + 1)
			cap *= 2;
		if ((p = realloc(t->text, cap)) == NULL)
			return ERR_NOMEM;
		t->text = p;
		t->cap = cap;
	}
	if (t->n == t->vcap) {
		size_t cap = t->vcap ? t->vcap * 2 : 64;
		struct zf_tok *v = realloc(t->v, cap * sizeof(*v));

		if (v == NULL)
			return ERR_NOMEM;
		t->v = v;
		t->vcap = cap;
	}
	t->v[t->n].off = (uint32_t)t->len;
	t->v[t->n].len = (uint32_t)len;
	t->v[t->n].quoted = quoted;
	t->v[t->n].glued = glued;
	t->n++;
	memcpy(t->text + t->len, s, len);
	t->len += len;
	t->text[t->len++] = '\0';
	return 0;
}

static bool
is_delim(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
	       ch == ';' || ch == '(' || ch == ')' || ch == '"';
}

/* Splits one line into tokens of `t`, tracking parentheses in *paren.
 * Escapes are kept as written so that "\;" or "\(" stay inside a token;
 * a '"' opens a quoted token wherever it appears, as in BIND. */
static int
tokenize(struct zf_ctx *c, struct zf_toks *t, const char *s, size_t len,
    int *paren, int line)
{
	size_t i = 0, prev_end = SIZE_MAX;
	int rc;

	while (i < len) {
		char ch = s[i];
		size_t start;

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			i++;
		} else if (ch == ';') {
			break;
		} else if (ch == '(') {
			(*paren)++;
			i++;
		} else if (ch == ')') {
			if (*paren == 0)
				return fail(c, ERR_FORMAT, line,
				    "unbalanced parentheses");
			(*paren)--;
			i++;
		} else if (ch == '"') {
			start = ++i;
			while (i < len && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				i++;
			}
			if (i >= len)
				return fail(c, ERR_FORMAT, line,
				    "unterminated quoted string");
			rc = toks_add(t, s + start, i - start, true,
			    start - 1 == prev_end);
			if (rc != 0)
				goto toolong;
			prev_end = ++i;
		} else {
			start = i;
			while (i < len && !is_delim(s[i])) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				i++;
			}
			rc = toks_add(
			    t, s + start, i - start, false, start == prev_end);
			if (rc != 0)
				goto toolong;
			prev_end = i;
		}
	}
	return 0;
toolong:
	if (rc == ERR_NOMEM)
		return fail(c, rc, line, "out of memory");
	return fail(c, ERR_FORMAT, line, "record too long");
}

/* ---- input ---- */

/* Reads the next physical line of `s` into c->line (NUL-terminated,
 * without the newline). Returns 1, 0 at the end, or an error. */
static int
src_getline(struct zf_ctx *c, struct zf_src *s)
{
	size_t len = 0;
	bool got = false;

	for (;;) {
		const char *p, *nl;
		size_t avail, take;

		if (s->fp == NULL) {
			p = s->mem + s->mpos;
			avail = s->mlen - s->mpos;
		} else {
			if (s->bpos == s->blen && !s->eof) {
				s->blen = fread(s->buf, 1, READ_CHUNK, s->fp);
				s->bpos = 0;
				if (s->blen < READ_CHUNK) {
					if (ferror(s->fp))
						return fail(c, ERR_IO,
						    s->line + 1,
						    "read error: %s",
						    strerror(errno));
					s->eof = true;
				}
			}
			p = s->buf + s->bpos;
			avail = s->blen - s->bpos;
		}
		if (avail == 0)
			break;
		got = true;
		nl = memchr(p, '\n', avail);
		take = nl != NULL ? (size_t)(nl - p) : avail;
		if (len + take > ZONEFILE_MAX_LINE)
			return fail(c, ERR_FORMAT, s->line + 1,
			    "line too long (over %d octets)",
			    ZONEFILE_MAX_LINE);
		if (memchr(p, '\0', take) != NULL)
			return fail(c, ERR_FORMAT, s->line + 1,
			    "NUL character in text");
		memcpy(c->line + len, p, take);
		len += take;
		take += nl != NULL;
		if (s->fp == NULL)
			s->mpos += take;
		else
			s->bpos += take;
		c->total += take;
		if (c->total > ZONEFILE_MAX_BYTES)
			return fail(c, ERR_FORMAT, s->line + 1,
			    "zone data over %llu octets",
			    (unsigned long long)ZONEFILE_MAX_BYTES);
		if (nl != NULL)
			break;
	}
	if (!got)
		return 0;
	s->line++;
	c->line[len] = '\0';
	c->linelen = len;
	return 1;
}

/* Reads the next record (all lines of a parenthesized one) into c->rec.
 * Returns 1, 0 at the end of the current source, or an error. */
static int
read_record(struct zf_ctx *c)
{
	struct zf_src *s = &c->src[c->depth];
	int paren = 0, rc;

	toks_reset(&c->rec);
	for (;;) {
		if ((rc = src_getline(c, s)) < 0)
			return rc;
		if (rc == 0) {
			if (paren > 0)
				return fail(c, ERR_FORMAT, c->rec_line,
				    "unbalanced parentheses");
			return c->rec.n > 0;
		}
		if (c->rec.n == 0 && paren == 0) {
			c->rec_line = s->line;
			c->blank_owner =
			    c->linelen > 0 &&
			    (c->line[0] == ' ' || c->line[0] == '\t');
		}
		rc = tokenize(c, &c->rec, c->line, c->linelen, &paren, s->line);
		if (rc != 0)
			return rc;
		if (paren == 0 && c->rec.n > 0)
			return 1;
	}
}

static void
src_close(struct zf_src *s)
{
	if (s->fp != NULL)
		fclose(s->fp);
	free(s->buf);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

/* Opens a regular file without blocking on FIFOs or devices. */
static int
src_open(struct zf_src *s, const char *path)
{
	struct stat st;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return ERR_IO;
	if (fstat(fd, &st) != 0) {
		rc = ERR_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		rc = ERR_INVAL;
		goto out;
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if ((s->buf = malloc(READ_CHUNK)) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	if ((s->fp = fdopen(fd, "r")) == NULL) {
		rc = ERR_IO;
		goto out;
	}
	fd = -1;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ---- records ---- */

static int
ldns_origin_get(struct zf_ctx *c, ldns_rdf **out)
{
	if (c->lorigin == NULL) {
		c->lorigin = ldns_dname_new_frm_data(
		    (uint16_t)dname_len(c->origin), c->origin);
		if (c->lorigin == NULL)
			return ERR_NOMEM;
	}
	*out = c->lorigin;
	return 0;
}

static void
set_origin(struct zf_ctx *c, const uint8_t *origin)
{
	memcpy(c->origin, origin, dname_len(origin));
	if (c->lorigin != NULL) {
		ldns_rdf_deep_free(c->lorigin);
		c->lorigin = NULL;
	}
}

/* Appends to the ldns rdata text, growing it. */
static int
ltext_add(struct zf_ctx *c, size_t *pos, const char *s, size_t n)
{
	if (*pos + n + 1 > c->ltext_cap) {
		size_t cap = c->ltext_cap ? c->ltext_cap : 1024;
		char *p;

		while (cap < *pos + n + 1)
			cap *= 2;
		if ((p = realloc(c->ltext, cap)) == NULL)
			return ERR_NOMEM;
		c->ltext = p;
		c->ltext_cap = cap;
	}
	memcpy(c->ltext + *pos, s, n);
	*pos += n;
	c->ltext[*pos] = '\0';
	return 0;
}

static const char *
ldns_msg(ldns_status st)
{
	const char *m = ldns_get_errorstr_by_id(st);

	return m != NULL ? m : "parse error";
}

/* Rdata through ldns: the tokens are put back together as text
 * (quoted ones quoted again) and parsed as ". 0 IN TYPEnnn ...". */
static int
rdata_ldns(struct zf_ctx *c, const struct zf_toks *t, size_t first,
    uint16_t type, const char *tname, int line, size_t *rdlen)
{
	ldns_rr *rr = NULL;
	ldns_rdf *org;
	ldns_status st;
	char head[32];
	size_t pos = 0;
	int rc, n;

	if (ldns_desc(type) == NULL)
		return fail(c, ERR_FORMAT, line,
		    "type %s needs RFC 3597 rdata (\\# len hex)", tname);
	if (first >= t->n)
		return fail(c, ERR_FORMAT, line, "missing rdata for %s", tname);
	if ((rc = ldns_origin_get(c, &org)) != 0)
		return fail(c, rc, line, "out of memory");
	n = snprintf(head, sizeof(head), ". 0 IN TYPE%u", type);
	if ((rc = ltext_add(c, &pos, head, (size_t)n)) != 0)
		goto nomem;
	for (size_t i = first; i < t->n; i++) {
		const struct zf_tok *k = &t->v[i];

		rc = 0;
		if (!k->glued || i == first)
			rc = ltext_add(c, &pos, " ", 1);
		if (rc == 0 && k->quoted)
			rc = ltext_add(c, &pos, "\"", 1);
		if (rc == 0)
			rc = ltext_add(c, &pos, tok_str(t, i), k->len);
		if (rc == 0 && k->quoted)
			rc = ltext_add(c, &pos, "\"", 1);
		if (rc != 0)
			goto nomem;
	}
	st = ldns_rr_new_frm_str(&rr, c->ltext, 0, org, NULL);
	if (st != LDNS_STATUS_OK)
		return fail(c, ERR_FORMAT, line, "bad %s rdata: %s", tname,
		    ldns_msg(st));
	ldns_buffer_clear(c->lbuf);
	st = ldns_rr_rdata2buffer_wire(c->lbuf, rr);
	ldns_rr_free(rr);
	if (st != LDNS_STATUS_OK || ldns_buffer_position(c->lbuf) > RDATA_MAX)
		return fail(
		    c, ERR_FORMAT, line, "bad %s rdata: too long", tname);
	*rdlen = ldns_buffer_position(c->lbuf);
	memcpy(c->rdata, ldns_buffer_begin(c->lbuf), *rdlen);
	return 0;
nomem:
	return fail(c, ERR_NOMEM, line, "out of memory");
}

/* Checks generic rdata of a type ldns knows by reading it with ldns and
 * writing it back: it must give the same octets (no compression
 * pointers, nothing left over). */
static bool
rdata_valid(struct zf_ctx *c, uint16_t type, const uint8_t *rd, size_t len)
{
	const ldns_rr_descriptor *d = ldns_desc(type);
	uint8_t *wire;
	ldns_rr *rr = NULL;
	size_t pos = 0;
	bool ok = false;

	if (d == NULL)
		return true;
	if (len == 0)
		return ldns_rr_descriptor_minimum(d) == 0;
	if ((wire = malloc(len + 2)) == NULL)
		return false;
	if ((rr = ldns_rr_new()) == NULL)
		goto out;
	ldns_rr_set_type(rr, type);
	wire_put16(wire, (uint16_t)len);
	memcpy(wire + 2, rd, len);
	if (ldns_wire2rdf(rr, wire, len + 2, &pos) != LDNS_STATUS_OK ||
	    pos != len + 2)
		goto out;
	ldns_buffer_clear(c->lbuf);
	if (ldns_rr_rdata2buffer_wire(c->lbuf, rr) != LDNS_STATUS_OK)
		goto out;
	ok = ldns_buffer_position(c->lbuf) == len &&
	     memcmp(ldns_buffer_begin(c->lbuf), rd, len) == 0;
out:
	ldns_rr_free(rr);
	free(wire);
	return ok;
}

/* RFC 3597: "\# len hex...", the hex possibly split by blanks. */
static int
rdata_generic(struct zf_ctx *c, const struct zf_toks *t, size_t first,
    uint16_t type, const char *tname, int line, size_t *rdlen)
{
	uint32_t len;
	size_t n = 0;
	int hi = -1;

	if (first + 1 >= t->n || t->v[first + 1].quoted ||
	    !parse_u32(tok_str(t, first + 1), RDATA_MAX, &len))
		return fail(
		    c, ERR_FORMAT, line, "bad \\# rdata length for %s", tname);
	for (size_t i = first + 2; i < t->n; i++) {
		const char *s = tok_str(t, i);

		if (t->v[i].quoted)
			goto bad;
		for (; *s != '\0'; s++) {
			int v = hexval(*s);

			if (v < 0)
				goto bad;
			if (hi < 0) {
				hi = v;
				continue;
			}
			if (n >= len)
				goto badlen;
			c->rdata[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0 || n != len)
		goto badlen;
	if (!rdata_valid(c, type, c->rdata, n))
		return fail(
		    c, ERR_FORMAT, line, "bad %s rdata in \\# form", tname);
	*rdlen = n;
	return 0;
bad:
	return fail(c, ERR_FORMAT, line, "bad hex in \\# rdata for %s", tname);
badlen:
	return fail(c, ERR_FORMAT, line,
	    "\\# rdata for %s does not have %u octets", tname, len);
}

/* One <character-string>: escapes decoded, at most 255 octets. */
static int
put_cstring(uint8_t *out, size_t cap, size_t *pos, const char *s)
{
	size_t lenpos = *pos, n = 0;

	if (*pos >= cap)
		return ERR_SPACE;
	(*pos)++;
	while (*s != '\0') {
		unsigned v = (uint8_t)*s++;

		if (v == '\\') {
			if (s[0] >= '0' && s[0] <= '9') {
				if (!(s[1] >= '0' && s[1] <= '9' &&
				        s[2] >= '0' && s[2] <= '9'))
					return ERR_FORMAT;
				v = (unsigned)(s[0] - '0') * 100 +
				    (unsigned)(s[1] - '0') * 10 +
				    (unsigned)(s[2] - '0');
				if (v > 255)
					return ERR_FORMAT;
				s += 3;
			} else if (*s != '\0') {
				v = (uint8_t)*s++;
			} else {
				return ERR_FORMAT;
			}
		}
		if (n == 255)
			return ERR_FORMAT;
		if (*pos >= cap)
			return ERR_SPACE;
		out[(*pos)++] = (uint8_t)v;
		n++;
	}
	out[lenpos] = (uint8_t)n;
	return 0;
}

/* The types read here rather than by ldns, for speed: field layouts as
 * characters, 'n' name, '2' 16-bit number, '4' 32-bit number, 't' TTL-
 * style 32-bit number, 'a' IPv4, '6' IPv6. */
static const char *
fast_layout(uint16_t type)
{
	switch (type) {
	case TYPE_A:
		return "a";
	case TYPE_AAAA:
		return "6";
	case TYPE_NS:
	case TYPE_CNAME:
	case TYPE_PTR:
	case TYPE_DNAME:
	case 7: /* MB */
	case 8: /* MG */
	case 9: /* MR */
		return "n";
	case TYPE_MX:
	case 18: /* AFSDB */
	case 21: /* RT */
	case 36: /* KX */
		return "2n";
	case TYPE_SRV:
		return "222n";
	case TYPE_SOA:
		return "nn4tttt";
	}
	return NULL;
}

static int
rdata_parse(struct zf_ctx *c, const struct zf_toks *t, size_t first,
    uint16_t type, const char *tname, int line, size_t *rdlen)
{
	const char *lay;
	size_t pos = 0, i = first;
	char sbuf[64];
	int n;

	if (first < t->n && !t->v[first].quoted &&
	    strcmp(tok_str(t, first), "\\#") == 0)
		return rdata_generic(c, t, first, type, tname, line, rdlen);
	if (type == TYPE_TXT || type == 99 /* SPF */) {
		if (first >= t->n)
			return fail(
			    c, ERR_FORMAT, line, "missing rdata for %s", tname);
		for (; i < t->n; i++) {
			n = put_cstring(
			    c->rdata, RDATA_MAX, &pos, tok_str(t, i));
			if (n == ERR_SPACE)
				return fail(c, ERR_FORMAT, line,
				    "%s rdata too long", tname);
			if (n != 0)
				return fail(c, ERR_FORMAT, line,
				    "bad %s string '%s' (bad escape or over "
				    "255 octets)",
				    tname, shown(tok_str(t, i), sbuf, 40));
		}
		*rdlen = pos;
		return 0;
	}
	if ((lay = fast_layout(type)) == NULL)
		return rdata_ldns(c, t, first, type, tname, line, rdlen);
	for (; *lay != '\0'; lay++, i++) {
		const char *s;
		uint32_t v;

		if (i >= t->n)
			return fail(c, ERR_FORMAT, line,
			    "missing rdata fields for %s", tname);
		s = tok_str(t, i);
		if (t->v[i].quoted)
			goto bad;
		switch (*lay) {
		case 'n':
			n = name_from_text(c->rdata + pos, s, c->origin);
			if (n < 0)
				goto bad;
			pos += (size_t)n;
			break;
		case '2':
			if (!parse_u32(s, 65535, &v))
				goto bad;
			wire_put16(c->rdata + pos, (uint16_t)v);
			pos += 2;
			break;
		case '4':
			if (!parse_u32(s, UINT32_MAX, &v))
				goto bad;
			wire_put32(c->rdata + pos, v);
			pos += 4;
			break;
		case 't':
			if (zonefile_ttl_from_str(s, &v) != 0)
				goto bad;
			wire_put32(c->rdata + pos, v);
			pos += 4;
			break;
		case 'a':
			if (inet_pton(AF_INET, s, c->rdata + pos) != 1)
				goto bad;
			pos += 4;
			break;
		case '6':
			if (inet_pton(AF_INET6, s, c->rdata + pos) != 1)
				goto bad;
			pos += 16;
			break;
		}
	}
	if (i < t->n)
		return fail(c, ERR_FORMAT, line, "extra rdata for %s: '%s'",
		    tname, shown(tok_str(t, i), sbuf, 40));
	*rdlen = pos;
	return 0;
bad:
	return fail(c, ERR_FORMAT, line, "bad %s rdata '%s'", tname,
	    shown(tok_str(t, i), sbuf, 40));
}

/* Checks and hands over one record. */
static int
emit(struct zf_ctx *c, const uint8_t *owner, uint16_t type, uint32_t ttl,
    size_t rdlen, int line)
{
	char name[DNAME_STR_MAX];
	struct zf_rr rr;
	int rc;

	if (type == TYPE_SOA) {
		if (!dname_equal(owner, c->zone)) {
			dname_to_str(name, owner);
			return fail(c, ERR_FORMAT, line,
			    "SOA record not at the zone origin (%s)", name);
		}
		if (c->seen_soa)
			return fail(c, ERR_FORMAT, line, "second SOA record");
		c->seen_soa = true;
	}
	if (!dname_is_subdomain(owner, c->zone)) {
		dname_to_str(name, owner);
		warnf(c, line, "ignoring out-of-zone data (%s)", name);
		return 0;
	}
	rr.owner = owner;
	rr.type = type;
	rr.rclass = c->rclass;
	rr.ttl = ttl;
	rr.rdata = c->rdata;
	rr.rdlen = (uint16_t)rdlen;
	rr.file = cur_file(c);
	rr.line = line;
	rc = c->cb != NULL ? c->cb(c->arg, &rr) : 0;
	if (rc != 0)
		fail(c, rc, line, "stopped by the record callback (%d)", rc);
	return rc;
}

/* Optional TTL and class in either order from token *i on. */
static int
ttl_class(struct zf_ctx *c, const struct zf_toks *t, size_t *i, int line,
    bool *have_ttl, uint32_t *ttl)
{
	bool have_class = false;
	char sbuf[64];

	*have_ttl = false;
	while (*i < t->n && !t->v[*i].quoted) {
		const char *s = tok_str(t, *i);
		int cls;

		if (!*have_ttl && s[0] >= '0' && s[0] <= '9') {
			if (zonefile_ttl_from_str(s, ttl) != 0)
				return fail(c, ERR_FORMAT, line, "bad TTL '%s'",
				    shown(s, sbuf, 40));
			if (*ttl > ZONEFILE_MAX_TTL) {
				warnf(c, line, "TTL %u > %u, using 0", *ttl,
				    ZONEFILE_MAX_TTL);
				*ttl = 0;
			}
			*have_ttl = true;
		} else if (!have_class && (cls = class_from_str(s)) >= 0) {
			if (cls != c->rclass) {
				char b1[16], b2[16];

				return fail(c, ERR_FORMAT, line,
				    "class %s does not match the zone's (%s)",
				    wire_class_str((uint16_t)cls, b1),
				    wire_class_str(c->rclass, b2));
			}
			have_class = true;
		} else {
			break;
		}
		(*i)++;
	}
	return 0;
}

/* The type token at *i. */
static int
get_type(struct zf_ctx *c, const struct zf_toks *t, size_t *i, int line,
    uint16_t *type)
{
	char sbuf[64];
	const char *s;
	int v;

	if (*i >= t->n)
		return fail(c, ERR_FORMAT, line, "missing type");
	s = tok_str(t, *i);
	if (t->v[*i].quoted || (v = type_from_str(s)) < 0)
		return fail(c, ERR_FORMAT, line, "unknown type '%s'",
		    shown(s, sbuf, 40));
	if (is_meta_type((uint16_t)v))
		return fail(c, ERR_FORMAT, line,
		    "type '%s' is not allowed in zone data",
		    shown(s, sbuf, 40));
	*type = (uint16_t)v;
	(*i)++;
	return 0;
}

/* Resolves the TTL of a record without one. */
static int
implied_ttl(
    struct zf_ctx *c, uint16_t type, size_t rdlen, int line, uint32_t *ttl)
{
	if (c->have_def) {
		*ttl = c->def_ttl;
	} else if (c->have_last) {
		*ttl = c->last_ttl;
	} else if (type == TYPE_SOA && rdlen >= 4) {
		/* BIND: the SOA MINIMUM becomes the default */
		*ttl = wire_get32(c->rdata + rdlen - 4);
		if (*ttl > ZONEFILE_MAX_TTL)
			*ttl = 0;
		c->def_ttl = *ttl;
		c->have_def = true;
		warnf(c, line, "no TTL specified; using SOA MINTTL instead");
	} else {
		return fail(c, ERR_FORMAT, line,
		    "no TTL specified and no $TTL or previous TTL");
	}
	return 0;
}

static int
do_rr(struct zf_ctx *c)
{
	const struct zf_toks *t = &c->rec;
	int line = c->rec_line, rc;
	char tname[16], sbuf[64];
	bool have_ttl;
	uint32_t ttl = 0;
	uint16_t type;
	size_t i = 0, rdlen;

	if (c->blank_owner) {
		if (!c->have_owner)
			return fail(
			    c, ERR_FORMAT, line, "no current owner name");
		if (c->origin_changed) {
			warnf(c, line,
			    "record with inherited owner "
			    "immediately after $ORIGIN");
			c->origin_changed = false;
		}
	} else {
		if (t->v[0].quoted ||
		    name_from_text(c->owner, tok_str(t, 0), c->origin) < 0)
			return fail(c, ERR_FORMAT, line, "bad owner name '%s'",
			    shown(tok_str(t, 0), sbuf, 40));
		c->have_owner = true;
		c->origin_changed = false;
		i = 1;
	}
	if ((rc = ttl_class(c, t, &i, line, &have_ttl, &ttl)) != 0)
		return rc;
	if ((rc = get_type(c, t, &i, line, &type)) != 0)
		return rc;
	rc = rdata_parse(c, t, i, type, type_text(type, tname), line, &rdlen);
	if (rc != 0)
		return rc;
	if (have_ttl) {
		c->last_ttl = ttl;
		c->have_last = true;
	} else if ((rc = implied_ttl(c, type, rdlen, line, &ttl)) != 0) {
		return rc;
	}
	return emit(c, c->owner, type, ttl, rdlen, line);
}

/* ---- directives ---- */

static int
dir_origin(struct zf_ctx *c)
{
	const struct zf_toks *t = &c->rec;
	uint8_t name[DNAME_MAX];
	char sbuf[64];

	if (t->n != 2 || t->v[1].quoted)
		return fail(
		    c, ERR_FORMAT, c->rec_line, "$ORIGIN takes one name");
	if (name_from_text(name, tok_str(t, 1), c->origin) < 0)
		return fail(c, ERR_FORMAT, c->rec_line, "bad $ORIGIN '%s'",
		    shown(tok_str(t, 1), sbuf, 40));
	set_origin(c, name);
	c->origin_changed = true;
	return 0;
}

static int
dir_ttl(struct zf_ctx *c)
{
	const struct zf_toks *t = &c->rec;
	char sbuf[64];
	uint32_t ttl;

	if (t->n != 2 || t->v[1].quoted)
		return fail(c, ERR_FORMAT, c->rec_line, "$TTL takes one TTL");
	if (zonefile_ttl_from_str(tok_str(t, 1), &ttl) != 0)
		return fail(c, ERR_FORMAT, c->rec_line, "bad TTL '%s'",
		    shown(tok_str(t, 1), sbuf, 40));
	if (ttl > ZONEFILE_MAX_TTL) {
		warnf(c, c->rec_line, "$TTL %u > %u, using 0", ttl,
		    ZONEFILE_MAX_TTL);
		ttl = 0;
	}
	c->def_ttl = ttl;
	c->have_def = true;
	return 0;
}

/* Unescapes a file name token: "\X" becomes X (no \DDD in paths). */
static void
unescape_path(char *out, const char *s)
{
	while (*s != '\0') {
		if (*s == '\\' && s[1] != '\0')
			s++;
		*out++ = *s++;
	}
	*out = '\0';
}

static int
dir_include(struct zf_ctx *c)
{
	const struct zf_toks *t = &c->rec;
	struct zf_src *cur = &c->src[c->depth], *s;
	uint8_t origin[DNAME_MAX];
	char file[PATH_MAX], path[PATH_MAX], sbuf[64];
	const char *slash;
	int line = c->rec_line, rc;
	size_t dirlen = 0;

	if (t->n < 2 || t->n > 3)
		return fail(c, ERR_FORMAT, line,
		    "$INCLUDE takes a file name and an optional origin");
	if (t->v[1].len >= sizeof(file) || t->v[1].len == 0)
		return fail(c, ERR_FORMAT, line, "bad $INCLUDE file name");
	unescape_path(file, tok_str(t, 1));
	memcpy(origin, c->origin, dname_len(c->origin));
	if (t->n == 3 && (t->v[2].quoted || name_from_text(origin,
	                                        tok_str(t, 2), c->origin) < 0))
		return fail(c, ERR_FORMAT, line, "bad $INCLUDE origin '%s'",
		    shown(tok_str(t, 2), sbuf, 40));
	if (c->depth >= ZONEFILE_MAX_INCLUDE)
		return fail(c, ERR_FORMAT, line,
		    "$INCLUDE nested deeper than %d levels",
		    ZONEFILE_MAX_INCLUDE);
	if (file[0] != '/' && (slash = strrchr(cur->path, '/')) != NULL)
		dirlen = (size_t)(slash - cur->path) + 1;
	if ((size_t)snprintf(path, sizeof(path), "%.*s%s", (int)dirlen,
	        cur->path, file) >= sizeof(path))
		return fail(c, ERR_FORMAT, line, "$INCLUDE path too long");
	s = &c->src[c->depth + 1];
	memset(s, 0, sizeof(*s));
	if ((rc = src_open(s, path)) != 0) {
		int e = errno;

		src_close(s);
		if (rc == ERR_NOMEM)
			return fail(c, rc, line, "out of memory");
		return fail(c, rc, line, "cannot read $INCLUDE file '%s': %s",
		    path, rc == ERR_INVAL ? "not a regular file" : strerror(e));
	}
	for (int d = 0; d <= c->depth; d++) {
		if (c->src[d].fp != NULL && c->src[d].dev == s->dev &&
		    c->src[d].ino == s->ino) {
			src_close(s);
			return fail(c, ERR_FORMAT, line,
			    "$INCLUDE loop: '%s' is already being read", path);
		}
	}
	if ((s->path = strdup(path)) == NULL) {
		src_close(s);
		return fail(c, ERR_NOMEM, line, "out of memory");
	}
	memcpy(s->origin, c->origin, dname_len(c->origin));
	memcpy(s->owner, c->owner, DNAME_MAX);
	s->have_owner = c->have_owner;
	c->depth++;
	set_origin(c, origin);
	return 0;
}

/* Formats one number of a $GENERATE modifier. BIND's nibble mode
 * writes the hex digits lowest first, dot separated, until the value is
 * used up and at least `width` characters (dots counted) are out. */
static int
gen_number(char *out, size_t cap, int64_t v, unsigned width, char base)
{
	static const char hex[] = "0123456789abcdef0123456789ABCDEF";
	uint32_t u = (uint32_t)v;
	size_t n = 0;
	int r;

	switch (base) {
	case 'd':
		r = snprintf(out, cap, "%0*lld", (int)width, (long long)v);
		break;
	case 'o':
		r = snprintf(out, cap, "%0*o", (int)width, u);
		break;
	case 'x':
		r = snprintf(out, cap, "%0*x", (int)width, u);
		break;
	case 'X':
		r = snprintf(out, cap, "%0*X", (int)width, u);
		break;
	default: /* n, N */
		do {
			if (n + 2 >= cap)
				return -1;
			out[n++] = hex[(u & 0xf) + (base == 'n' ? 0 : 16)];
			u >>= 4;
			if (width > 0)
				width--;
			if (width > 0 || u != 0) {
				out[n++] = '.';
				if (width > 0)
					width--;
			}
		} while (u != 0 || width > 0);
		out[n] = '\0';
		r = (int)n;
	}
	return (r < 0 || (size_t)r >= cap) ? -1 : r;
}

/* Expands "$", "$$" and "${offset[,width[,base]]}" in `in` for the
 * value `v`. Escapes are copied as written. Returns 0 or -1. */
static int
gen_expand(char *out, size_t cap, const char *in, int64_t v)
{
	size_t n = 0;

	while (*in != '\0') {
		int64_t off = 0;
		unsigned width = 0;
		char base = 'd';
		int r;

		if (*in == '\\' && in[1] != '\0') {
			if (n + 2 >= cap)
				return -1;
			out[n++] = *in++;
			out[n++] = *in++;
			continue;
		}
		if (*in != '$') {
			if (n + 1 >= cap)
				return -1;
			out[n++] = *in++;
			continue;
		}
		in++;
		if (*in == '$') {
			if (n + 1 >= cap)
				return -1;
			out[n++] = *in++;
			continue;
		}
		if (*in == '{') {
			bool neg = false;
			int digits = 0;

			in++;
			if (*in == '-' || *in == '+')
				neg = *in++ == '-';
			for (; *in >= '0' && *in <= '9'; in++, digits++) {
				off = off * 10 + (*in - '0');
				if (off > INT32_MAX)
					return -1;
			}
			if (digits == 0)
				return -1;
			if (neg)
				off = -off;
			if (*in == ',') {
				in++;
				digits = 0;
				for (; *in >= '0' && *in <= '9'; in++) {
					width =
					    width * 10 + (unsigned)(*in - '0');
					if (width > 255)
						return -1;
					digits++;
				}
				if (digits == 0)
					return -1;
				if (*in == ',') {
					in++;
					if (strchr("doxXnN", *in) == NULL ||
					    *in == '\0')
						return -1;
					base = *in++;
				}
			}
			if (*in++ != '}')
				return -1;
		}
		r = gen_number(out + n, cap - n, v + off, width, base);
		if (r < 0)
			return -1;
		n += (size_t)r;
	}
	out[n] = '\0';
	return 0;
}

/* $GENERATE start-stop[/step] lhs [ttl] [class] type rhs */
static int
dir_generate(struct zf_ctx *c)
{
	const struct zf_toks *t = &c->rec;
	int line = c->rec_line, rc;
	uint32_t start, stop, step = 1, ttl = 0;
	char range[64], tbuf[16], sbuf[64];
	const char *tname;
	char *lhs = NULL, *rhs = NULL, *p, *q;
	uint8_t owner[DNAME_MAX];
	size_t i = 3, rdlen;
	bool have_ttl;
	uint16_t type;

	if (t->n < 5)
		return fail(c, ERR_FORMAT, line,
		    "$GENERATE needs a range, lhs, type and rhs");
	if (t->v[1].len >= sizeof(range))
		goto badrange;
	memcpy(range, tok_str(t, 1), t->v[1].len + 1);
	if ((p = strchr(range, '-')) == NULL)
		goto badrange;
	*p++ = '\0';
	if ((q = strchr(p, '/')) != NULL) {
		*q++ = '\0';
		if (!parse_u32(q, INT32_MAX, &step) || step == 0)
			goto badrange;
	}
	if (!parse_u32(range, INT32_MAX, &start) ||
	    !parse_u32(p, INT32_MAX, &stop) || start > stop)
		goto badrange;
	if ((stop - start) / step >= ZONEFILE_MAX_GENERATE)
		return fail(c, ERR_FORMAT, line,
		    "$GENERATE range over %d records", ZONEFILE_MAX_GENERATE);
	if ((rc = ttl_class(c, t, &i, line, &have_ttl, &ttl)) != 0)
		return rc;
	if ((rc = get_type(c, t, &i, line, &type)) != 0)
		return rc;
	tname = type_text(type, tbuf);
	if (i + 1 != t->n)
		return fail(c, ERR_FORMAT, line,
		    i >= t->n ? "$GENERATE needs an rhs"
		              : "$GENERATE rhs must be one token (quote it)");
	lhs = malloc(GEN_TEXT_MAX);
	rhs = malloc(GEN_TEXT_MAX);
	if (lhs == NULL || rhs == NULL) {
		rc = fail(c, ERR_NOMEM, line, "out of memory");
		goto out;
	}
	if (have_ttl) {
		c->last_ttl = ttl;
		c->have_last = true;
	}
	for (uint64_t v = start; v <= stop; v += step) {
		int paren = 0;

		if (gen_expand(lhs, GEN_TEXT_MAX, tok_str(t, 2), (int64_t)v) !=
		        0 ||
		    gen_expand(rhs, GEN_TEXT_MAX, tok_str(t, i), (int64_t)v) !=
		        0) {
			rc = fail(c, ERR_FORMAT, line,
			    "bad $GENERATE modifier or text too long");
			goto out;
		}
		if (name_from_text(owner, lhs, c->origin) < 0) {
			rc = fail(c, ERR_FORMAT, line,
			    "bad $GENERATE owner name '%s'",
			    shown(lhs, sbuf, 40));
			goto out;
		}
		toks_reset(&c->gen);
		rc = tokenize(c, &c->gen, rhs, strlen(rhs), &paren, line);
		if (rc != 0)
			goto out;
		if (paren != 0) {
			rc =
			    fail(c, ERR_FORMAT, line, "unbalanced parentheses");
			goto out;
		}
		rc = rdata_parse(c, &c->gen, 0, type, tname, line, &rdlen);
		if (rc != 0)
			goto out;
		if (!have_ttl &&
		    (rc = implied_ttl(c, type, rdlen, line, &ttl)) != 0)
			goto out;
		if ((rc = emit(c, owner, type, ttl, rdlen, line)) != 0)
			goto out;
	}
	rc = 0;
out:
	free(lhs);
	free(rhs);
	return rc;
badrange:
	return fail(c, ERR_FORMAT, line, "bad $GENERATE range '%s'",
	    shown(tok_str(t, 1), sbuf, 40));
}

static int
do_record(struct zf_ctx *c)
{
	const char *s = tok_str(&c->rec, 0);
	char sbuf[64];

	if (c->blank_owner || c->rec.v[0].quoted || s[0] != '$')
		return do_rr(c);
	if (strcasecmp(s, "$ORIGIN") == 0)
		return dir_origin(c);
	if (strcasecmp(s, "$TTL") == 0)
		return dir_ttl(c);
	if (strcasecmp(s, "$INCLUDE") == 0)
		return dir_include(c);
	if (strcasecmp(s, "$GENERATE") == 0)
		return dir_generate(c);
	return fail(c, ERR_FORMAT, c->rec_line, "unknown directive '%s'",
	    shown(s, sbuf, 40));
}

/* ---- entry points ---- */

static int
read_all(struct zf_ctx *c)
{
	int rc;

	for (;;) {
		if ((rc = read_record(c)) < 0)
			return rc;
		if (rc == 0) {
			struct zf_src *s = &c->src[c->depth];

			if (c->depth == 0)
				return 0;
			/* back in the includer: its origin and owner */
			set_origin(c, s->origin);
			memcpy(c->owner, s->owner, DNAME_MAX);
			c->have_owner = s->have_owner;
			src_close(s);
			c->depth--;
			continue;
		}
		if ((rc = do_record(c)) != 0)
			return rc;
	}
}

static void
ctx_free(struct zf_ctx *c)
{
	if (c == NULL)
		return;
	for (int d = 0; d <= ZONEFILE_MAX_INCLUDE; d++)
		src_close(&c->src[d]);
	free(c->line);
	toks_free(&c->rec);
	toks_free(&c->gen);
	if (c->lorigin != NULL)
		ldns_rdf_deep_free(c->lorigin);
	if (c->lbuf != NULL)
		ldns_buffer_free(c->lbuf);
	free(c->ltext);
	free(c);
}

static int
ctx_new(struct zf_ctx **out, const char *name, const char *origin,
    uint16_t rclass, zf_rr_cb cb, zf_warn_cb warn, void *arg, char *err,
    size_t errlen)
{
	struct zf_ctx *c;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return ERR_NOMEM;
	*out = c;
	c->err = err;
	c->errlen = errlen;
	c->cb = cb;
	c->warn = warn;
	c->arg = arg;
	c->rclass = rclass != 0 ? rclass : CLASS_IN;
	if ((c->src[0].path = strdup(name)) == NULL)
		return ERR_NOMEM;
	c->line = malloc(ZONEFILE_MAX_LINE + 1);
	c->lbuf = ldns_buffer_new(1024);
	if (c->line == NULL || c->lbuf == NULL)
		return ERR_NOMEM;
	if (origin == NULL || dname_from_str(c->zone, origin) < 0)
		return fail(c, ERR_INVAL, 0, "bad zone origin '%s'",
		    origin != NULL ? origin : "(null)");
	set_origin(c, c->zone);
	return 0;
}

int
zonefile_read(const char *path, const char *origin, uint16_t rclass,
    zf_rr_cb cb, zf_warn_cb warn, void *arg, char *err, size_t errlen)
{
	struct zf_ctx *c = NULL;
	int rc;

	rc = ctx_new(&c, path, origin, rclass, cb, warn, arg, err, errlen);
	if (rc != 0)
		goto out;
	if ((rc = src_open(&c->src[0], path)) != 0) {
		rc = fail(c, rc, 0, "cannot read '%s': %s", path,
		    rc == ERR_INVAL ? "not a regular file" : strerror(errno));
		goto out;
	}
	rc = read_all(c);
out:
	if (rc == ERR_NOMEM && err != NULL && errlen > 0 && err[0] == '\0')
		snprintf(err, errlen, "%s: out of memory", path);
	ctx_free(c);
	return rc;
}

int
zonefile_read_mem(const char *text, size_t len, const char *name,
    const char *origin, uint16_t rclass, zf_rr_cb cb, zf_warn_cb warn,
    void *arg, char *err, size_t errlen)
{
	struct zf_ctx *c = NULL;
	int rc;

	rc = ctx_new(&c, name, origin, rclass, cb, warn, arg, err, errlen);
	if (rc != 0)
		goto out;
	c->src[0].mem = text;
	c->src[0].mlen = len;
	rc = read_all(c);
out:
	if (rc == ERR_NOMEM && err != NULL && errlen > 0 && err[0] == '\0')
		snprintf(err, errlen, "%s: out of memory", name);
	ctx_free(c);
	return rc;
}

/* ---- writer ---- */

struct outbuf {
	char *p;
	size_t len, cap;
	bool over;
};

static void __attribute__((format(printf, 2, 3)))
out_printf(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->over = true;
		return;
	}
	o->len += (size_t)n;
}

/* `n` octets of `s`, kept NUL-terminated like out_printf's output
 * (without printf: an import formats millions of fields) */
static void
out_mem(struct outbuf *o, const char *s, size_t n)
{
	if (o->over)
		return;
	if (n >= o->cap - o->len) {
		o->over = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
out_str(struct outbuf *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void
out_u32(struct outbuf *o, uint32_t v)
{
	char b[10];
	size_t i = sizeof(b);

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	out_mem(o, b + i, sizeof(b) - i);
}

static void
out_name(struct outbuf *o, const uint8_t *name)
{
	char s[DNAME_STR_MAX];
	int n = dname_to_str(s, name);

	if (n < 0)
		out_str(o, s);
	else
		out_mem(o, s, (size_t)n);
}

static void
out_generic(struct outbuf *o, const uint8_t *rd, size_t len)
{
	out_printf(o, "\\# %zu", len);
	if (len > 0)
		out_printf(o, " ");
	for (size_t i = 0; i < len && !o->over; i++)
		out_printf(o, "%02x", rd[i]);
}

static void
out_cstrings(struct outbuf *o, const uint8_t *rd, size_t len)
{
	size_t pos = 0;

	while (pos < len && !o->over) {
		size_t n = rd[pos++], run = 0;

		out_mem(o, pos > 1 ? " \"" : "\"", pos > 1 ? 2 : 1);
		for (size_t k = 0; k < n; k++) {
			uint8_t ch = rd[pos + k];

			if (ch != '"' && ch != '\\' && ch >= 0x20 &&
			    ch < 0x7f) {
				run++; /* plain: written in one piece */
				continue;
			}
			out_mem(o, (const char *)rd + pos + k - run, run);
			run = 0;
			if (ch == '"' || ch == '\\')
				out_printf(o, "\\%c", ch);
			else
				out_printf(o, "\\%03u", ch);
		}
		out_mem(o, (const char *)rd + pos + n - run, run);
		out_mem(o, "\"", 1);
		pos += n;
	}
}

/* Our own formatting of the fast types; false if the rdata does not
 * match the layout. */
static bool
fast_text(struct outbuf *o, uint16_t type, const uint8_t *rd, size_t len)
{
	const char *lay = fast_layout(type);
	size_t pos = 0;
	char a[INET6_ADDRSTRLEN];
	int n;

	if (type == TYPE_TXT || type == 99) {
		for (size_t p = 0; p < len; p += (size_t)rd[p] + 1)
			if (p + rd[p] + 1 > len)
				return false;
		if (len == 0)
			return false;
		out_cstrings(o, rd, len);
		return true;
	}
	if (lay == NULL)
		return false;
	/* check first, print after: nothing half written */
	for (const char *l = lay; *l != '\0'; l++) {
		size_t need = *l == '2'   ? 2
		              : *l == '6' ? 16
		              : *l == 'n' ? 0
		                          : 4;

		if (*l == 'n') {
			if ((n = wname_len(rd + pos, len - pos)) < 0)
				return false;
			need = (size_t)n;
		}
		if (len - pos < need)
			return false;
		pos += need;
	}
	if (pos != len)
		return false;
	pos = 0;
	for (const char *l = lay; *l != '\0'; l++) {
		if (l != lay)
			out_mem(o, " ", 1);
		switch (*l) {
		case 'n':
			out_name(o, rd + pos);
			pos += dname_len(rd + pos);
			break;
		case '2':
			out_u32(o, wire_get16(rd + pos));
			pos += 2;
			break;
		case '4':
		case 't':
			out_u32(o, wire_get32(rd + pos));
			pos += 4;
			break;
		case 'a':
			inet_ntop(AF_INET, rd + pos, a, sizeof(a));
			out_str(o, a);
			pos += 4;
			break;
		case '6':
			inet_ntop(AF_INET6, rd + pos, a, sizeof(a));
			out_str(o, a);
			pos += 16;
			break;
		}
	}
	return true;
}

/* Formatting by ldns, field by field (ldns_rr2str adds comments). The
 * text must stay within 4 octets per rdata octet plus 64, which keeps
 * ZONEFILE_TEXT_MAX a bound; otherwise false (generic form). */
static bool
ldns_text(struct outbuf *o, uint16_t type, const uint8_t *rd, size_t len)
{
	ldns_buffer *b = NULL;
	uint8_t *wire = NULL;
	ldns_rr *rr = NULL;
	size_t pos = 0, n;
	bool ok = false;

	if (ldns_desc(type) == NULL || len == 0)
		return false;
	wire = malloc(len + 2);
	rr = ldns_rr_new();
	b = ldns_buffer_new(4 * len + 64);
	if (wire == NULL || rr == NULL || b == NULL)
		goto out;
	ldns_rr_set_type(rr, type);
	wire_put16(wire, (uint16_t)len);
	memcpy(wire + 2, rd, len);
	if (ldns_wire2rdf(rr, wire, len + 2, &pos) != LDNS_STATUS_OK ||
	    pos != len + 2)
		goto out;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		/* ldns ends some fields (bitmaps) with a blank */
		while (ldns_buffer_position(b) > 0 &&
		       *(char *)ldns_buffer_at(
		           b, ldns_buffer_position(b) - 1) == ' ')
			ldns_buffer_skip(b, -1);
		if (i > 0)
			ldns_buffer_printf(b, " ");
		if (ldns_rdf2buffer_str(b, ldns_rr_rdf(rr, i)) !=
		    LDNS_STATUS_OK)
			goto out;
	}
	while (ldns_buffer_position(b) > 0 &&
	       *(char *)ldns_buffer_at(b, ldns_buffer_position(b) - 1) == ' ')
		ldns_buffer_skip(b, -1);
	if (ldns_buffer_status(b) != LDNS_STATUS_OK)
		goto out;
	n = ldns_buffer_position(b);
	if (n > 4 * len + 64)
		goto out;
	out_printf(o, "%.*s", (int)n, (char *)ldns_buffer_begin(b));
	ok = true;
out:
	ldns_buffer_free(b);
	ldns_rr_free(rr);
	free(wire);
	return ok;
}

static void
rdata_text(struct outbuf *o, uint16_t type, const uint8_t *rd, size_t len)
{
	if (fast_text(o, type, rd, len))
		return;
	if (fast_layout(type) == NULL && type != TYPE_TXT && type != 99 &&
	    ldns_text(o, type, rd, len))
		return;
	out_generic(o, rd, len);
}

int
zonefile_rdata_to_text(
    uint16_t type, const uint8_t *rdata, uint16_t rdlen, char *buf, size_t len)
{
	struct outbuf o = { buf, 0, len, false };

	if (len == 0)
		return ERR_SPACE;
	buf[0] = '\0';
	rdata_text(&o, type, rdata, rdlen);
	return o.over ? ERR_SPACE : (int)o.len;
}

int
zonefile_rr_to_text(const struct zf_rr *rr, char *buf, size_t len)
{
	struct outbuf o = { buf, 0, len, false };
	char tb[16], cb[16];

	if (len == 0)
		return ERR_SPACE;
	buf[0] = '\0';
	if (rr->owner == NULL || wname_len(rr->owner, DNAME_MAX) < 0)
		return ERR_FORMAT;
	out_name(&o, rr->owner);
	out_mem(&o, "\t", 1);
	out_u32(&o, rr->ttl);
	out_mem(&o, "\t", 1);
	out_str(&o, wire_class_str(rr->rclass, cb));
	out_mem(&o, "\t", 1);
	out_str(&o, type_text(rr->type, tb));
	out_mem(&o, "\t", 1);
	rdata_text(&o, rr->type, rr->rdata, rr->rdlen);
	return o.over ? ERR_SPACE : (int)o.len;
}
