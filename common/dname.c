/* common/dname.c - domain names in wire form: parse, print, compare */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/dname.h"
#include "common/err.h"

static inline uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

int
dname_from_str(uint8_t *out, const char *s)
{
	size_t pos = 0; /* where the current label's length byte goes */
	size_t len = 1;
	uint8_t *lab = out;

	if (s[0] == '.' && s[1] == '\0') {
		out[0] = 0;
		return 1;
	}
	if (s[0] == '\0')
		return ERR_FORMAT;
	*lab = 0;
	while (*s != '\0') {
		uint8_t c = (uint8_t)*s++;

		if (c == '.') {
			if (*lab == 0)
				return ERR_FORMAT; /* empty label */
			pos = len;
			if (len >= DNAME_MAX)
				return ERR_FORMAT;
			lab = out + pos;
			*lab = 0;
			len++;
			if (*s == '\0') {
				/* trailing dot: the new label is the root */
				return (int)len;
			}
			continue;
		}
		if (c == '\\') {
			if (s[0] >= '0' && s[0] <= '9') {
				int v;

				if (!(s[1] >= '0' && s[1] <= '9' &&
				        s[2] >= '0' && s[2] <= '9'))
					return ERR_FORMAT;
				v = (s[0] - '0') * 100 + (s[1] - '0') * 10 +
				    (s[2] - '0');
				if (v > 255)
					return ERR_FORMAT;
				c = (uint8_t)v;
				s += 3;
			} else if (*s != '\0') {
				c = (uint8_t)*s++;
			} else {
				return ERR_FORMAT;
			}
		}
		if (*lab >= DNAME_LABEL_MAX || len >= DNAME_MAX)
			return ERR_FORMAT;
		out[len++] = c;
		(*lab)++;
	}
	/* no trailing dot: close the last label and add the root */
	if (*lab == 0)
		return ERR_FORMAT;
	if (len >= DNAME_MAX)
		return ERR_FORMAT;
	out[len++] = 0;
	return (int)len;
}

int
dname_to_str(char *out, const uint8_t *name)
{
	char *p = out;

	if (*name == 0) {
		out[0] = '.';
		out[1] = '\0';
		return 1;
	}
	while (*name != 0) {
		uint8_t n = *name++;

		for (uint8_t i = 0; i < n; i++) {
			uint8_t c = *name++;

			if (c == '.' || c == '\\' || c == '"' || c == ';' ||
			    c == '(' || c == ')' || c == '@' || c == '$') {
				*p++ = '\\';
				*p++ = (char)c;
			} else if (c <= 0x20 || c >= 0x7f) {
				p += sprintf(p, "\\%03u", c);
			} else {
				*p++ = (char)c;
			}
		}
		*p++ = '.';
	}
	*p = '\0';
	return (int)(p - out);
}

size_t
dname_len(const uint8_t *name)
{
	const uint8_t *p = name;

	while (*p != 0)
		p += *p + 1;
	return (size_t)(p - name) + 1;
}

int
dname_labels(const uint8_t *name)
{
	int n = 0;

	while (*name != 0) {
		name += *name + 1;
		n++;
	}
	return n;
}

void
dname_lower(uint8_t *name)
{
	while (*name != 0) {
		uint8_t n = *name++;

		for (uint8_t i = 0; i < n; i++, name++)
			*name = lower(*name);
	}
}

bool
dname_equal(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		uint8_t n = *a;

		if (n != *b)
			return false;
		if (n == 0)
			return true;
		a++;
		b++;
		for (uint8_t i = 0; i < n; i++)
			if (lower(a[i]) != lower(b[i]))
				return false;
		a += n;
		b += n;
	}
}

bool
dname_is_subdomain(const uint8_t *name, const uint8_t *zone)
{
	int nl = dname_labels(name), zl = dname_labels(zone);

	if (nl < zl)
		return false;
	while (nl > zl) {
		name += *name + 1;
		nl--;
	}
	return dname_equal(name, zone);
}

int
dname_unpack(const uint8_t *pkt, size_t len, size_t *pos, uint8_t *out)
{
	size_t p = *pos, outlen = 0, end = 0;
	size_t limit = p; /* a pointer must point strictly before this */
	bool jumped = false;

	for (;;) {
		uint8_t c;

		if (p >= len)
			return ERR_FORMAT;
		c = pkt[p];
		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (p + 1 >= len)
				return ERR_FORMAT;
			target = ((size_t)(c & 0x3f) << 8) | pkt[p + 1];
			if (!jumped) {
				end = p + 2;
				jumped = true;
			}
			/* strictly backwards from the start of the label that
			 * holds the pointer: loops are impossible */
			if (target >= limit)
				return ERR_FORMAT;
			limit = target;
			p = target;
			continue;
		}
		if ((c & 0xc0) != 0)
			return ERR_FORMAT; /* 0x40/0x80: reserved label types */
		if (p + 1 + c > len)
			return ERR_FORMAT;
		if (outlen + 1 + c > DNAME_MAX)
			return ERR_FORMAT;
		memcpy(out + outlen, pkt + p, (size_t)c + 1);
		outlen += (size_t)c + 1;
		p += (size_t)c + 1;
		if (c == 0)
			break;
	}
	*pos = jumped ? end : p;
	return (int)outlen;
}
