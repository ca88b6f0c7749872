/* storage/rowfast.c - a fast path from records rows to wire form for the
 * common types and plain content; anything unusual goes to the full
 * zone-file parser (store_row_to_rr), which gives the same result */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/dname.h"
#include "common/wire.h"
#include "common/zonefile.h"
#include "storage/rowfast.h"

/* A plain absolute name (letters, digits and the other printable
 * octets but no escapes, quotes, parentheses, ';', '@' or spaces), with
 * or without the final dot, straight into wire form in `out`; its length
 * or -1 (then the full parser decides). */
static int
plain_name(const char *s, size_t n, uint8_t *out)
{
	size_t o = 1, lab = 0;

	if (n == 0 || n > DNAME_MAX || (n == 1 && s[0] == '.'))
		return -1;
	if (s[n - 1] == '.')
		n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '.') {
			if (o - lab - 1 == 0)
				return -1; /* empty label */
			out[lab] = (uint8_t)(o - lab - 1);
			lab = o++;
			continue;
		}
		if (ch <= ' ' || ch == '\\' || ch == '"' || ch == '(' ||
		    ch == ')' || ch == ';' || ch == '@' || ch >= 0x7f)
			return -1;
		if (o - lab - 1 == DNAME_LABEL_MAX || o + 1 >= DNAME_MAX)
			return -1;
		out[o++] = ch;
	}
	if (o - lab - 1 == 0)
		return -1;
	out[lab] = (uint8_t)(o - lab - 1);
	out[o++] = 0;
	return (int)o;
}

/* Splits `s` into at most `max` space-separated fields. */
static int
fields(const char *s, const char **f, size_t *fl, int max)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return n;
		if (n == max)
			return -1;
		f[n] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		fl[n] = (size_t)(s - f[n]);
		n++;
	}
}

/* A decimal number up to `max` (digits only). */
static bool
plain_uint(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > max)
		return false;
	*v = x;
	return true;
}

bool store_rowfast_off;

/* The zone's wire name, kept per thread for the next row of the same
 * zone (a zone load asks once per row). */
static int
zone_wire(const char *zone, uint8_t *out)
{
	static _Thread_local char last[DNAME_STR_MAX];
	static _Thread_local uint8_t wire[DNAME_MAX];
	size_t n = strlen(zone);

	if (n >= sizeof(last))
		return -1;
	if (strcmp(last, zone) != 0) {
		if (dname_from_str(wire, zone) <= 0) {
			last[0] = '\0';
			return -1;
		}
		memcpy(last, zone, n + 1);
	}
	memcpy(out, wire, dname_len(wire));
	return 0;
}

int
store_row_to_rr_fast(
    const char *zone, const struct store_row *row, struct store_rr *out)
{
	const char *type = row->type, *c = row->content, *f[8];
	size_t fl[8], nlen;
	uint8_t zw[DNAME_MAX];
	int n, t, len;
	uint64_t v;

	if (store_rowfast_off || type == NULL || c == NULL ||
	    row->name == NULL || row->name[0] == '\0' || row->name[0] == '$' ||
	    row->ttl < 0 || (uint64_t)row->ttl > ZONEFILE_MAX_TTL)
		return 1;
	for (const char *p = c; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' ? *p != '\t'
		                            : (unsigned char)*p >= 0x7f)
			return 1; /* control and 8-bit octets: the parser's */
	nlen = strlen(row->name);
	if ((len = plain_name(row->name, nlen, out->owner)) < 0 ||
	    zone_wire(zone, zw) != 0 || !dname_is_subdomain(out->owner, zw))
		return 1;
	if ((t = wire_type_from_str(type)) < 0)
		return 1;
	out->type = (uint16_t)t;
	out->ttl = (uint32_t)row->ttl;
	switch (t) {
	case TYPE_A:
		if (fields(c, f, fl, 1) != 1 || fl[0] > 15)
			return 1;
		{
			char b[16];

			memcpy(b, f[0], fl[0]);
			b[fl[0]] = '\0';
			if (inet_pton(AF_INET, b, out->rdata) != 1)
				return 1;
		}
		out->rdlen = 4;
		return 0;
	case TYPE_AAAA:
		if (fields(c, f, fl, 1) != 1 || fl[0] > 45)
			return 1;
		{
			char b[46];

			memcpy(b, f[0], fl[0]);
			b[fl[0]] = '\0';
			if (inet_pton(AF_INET6, b, out->rdata) != 1)
				return 1;
		}
		out->rdlen = 16;
		return 0;
	case TYPE_CNAME:
	case TYPE_NS:
	case TYPE_PTR:
	case TYPE_DNAME:
		if (fields(c, f, fl, 1) != 1 ||
		    (len = plain_name(f[0], fl[0], out->rdata)) < 0)
			return 1;
		out->rdlen = (uint16_t)len;
		return 0;
	case TYPE_MX:
		n = fields(c, f, fl, 2);
		if (n == 1) {
			v = row->has_prio ? (uint64_t)row->prio : 0;
			if (v > 65535)
				return 1;
		} else if (n != 2 || !plain_uint(f[0], fl[0], 65535, &v)) {
			return 1;
		} else {
			f[0] = f[1];
			fl[0] = fl[1];
		}
		wire_put16(out->rdata, (uint16_t)v);
		if ((len = plain_name(f[0], fl[0], out->rdata + 2)) < 0)
			return 1;
		out->rdlen = (uint16_t)(2 + len);
		return 0;
	case TYPE_SRV: {
		uint64_t x[3];
		int k = 0;

		n = fields(c, f, fl, 4);
		if (n == 3) {
			x[0] = row->has_prio ? (uint64_t)row->prio : 0;
			if (x[0] > 65535)
				return 1;
			k = 1;
		} else if (n != 4) {
			return 1;
		}
		for (int i = 0; i + k < 3; i++)
			if (!plain_uint(f[i], fl[i], 65535, &x[i + k]))
				return 1;
		for (int i = 0; i < 3; i++)
			wire_put16(out->rdata + 2 * i, (uint16_t)x[i]);
		if ((len = plain_name(f[n - 1], fl[n - 1], out->rdata + 6)) < 0)
			return 1;
		out->rdlen = (uint16_t)(6 + len);
		return 0;
	}
	case TYPE_SOA: {
		int a, b;

		if (!dname_equal(out->owner, zw) || fields(c, f, fl, 7) != 7 ||
		    (a = plain_name(f[0], fl[0], out->rdata)) < 0 ||
		    (b = plain_name(f[1], fl[1], out->rdata + a)) < 0)
			return 1;
		for (int i = 0; i < 5; i++) {
			if (!plain_uint(f[2 + i], fl[2 + i], 4294967295u, &v))
				return 1;
			wire_put32(out->rdata + a + b + 4 * i, (uint32_t)v);
		}
		out->rdlen = (uint16_t)(a + b + 20);
		return 0;
	}
	case TYPE_TXT: {
		const char *p = c;
		size_t o = 0;

		/* "..." "..." with no escapes */
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return 1;
		while (*p != '\0') {
			const char *q;

			if (*p != '"')
				return 1;
			q = ++p;
			while (*q != '\0' && *q != '"' && *q != '\\')
				q++;
			if (*q != '"' || q - p > 255 ||
			    o + 1 + (size_t)(q - p) > 65535)
				return 1;
			out->rdata[o++] = (uint8_t)(q - p);
			memcpy(out->rdata + o, p, (size_t)(q - p));
			o += (size_t)(q - p);
			p = q + 1;
			if (*p != '\0' && *p != ' ' && *p != '\t')
				return 1;
			while (*p == ' ' || *p == '\t')
				p++;
		}
		out->rdlen = (uint16_t)o;
		return 0;
	}
	default:
		return 1;
	}
}
