/* common/strutil.c - small parsers shared by configuration code */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/strutil.h"

int
str_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return ERR_FORMAT;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return ERR_FORMAT;
		if (v > (UINT64_MAX - 9) / 10)
			return ERR_FORMAT;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v < min || v > max)
		return ERR_FORMAT;
	*out = v;
	return 0;
}

int
str_parse_duration(const char *s, uint64_t *ms)
{
	double total = 0;
	bool any = false;

	if (*s == '\0')
		return ERR_FORMAT;
	while (*s != '\0') {
		char *end;
		double v = strtod(s, &end);
		double unit;

		if (end == s || v < 0)
			return ERR_FORMAT;
		s = end;
		if (*s == '\0') {
			if (any)
				return ERR_FORMAT;
			unit = 1000; /* a bare number is seconds */
		} else if (strncmp(s, "ms", 2) == 0) {
			unit = 1;
			s += 2;
		} else if (strncmp(s, "us", 2) == 0) {
			unit = 0.001;
			s += 2;
		} else if (strncmp(s, "ns", 2) == 0) {
			unit = 0.000001;
			s += 2;
		} else if (*s == 's') {
			unit = 1000;
			s++;
		} else if (*s == 'm') {
			unit = 60000;
			s++;
		} else if (*s == 'h') {
			unit = 3600000;
			s++;
		} else {
			return ERR_FORMAT;
		}
		total += v * unit;
		any = true;
		if (total > 1e15)
			return ERR_FORMAT;
	}
	*ms = (uint64_t)total;
	return 0;
}

int
str_parse_hostport(const char *s, uint16_t default_port,
    struct sockaddr_storage *ss, socklen_t *sslen)
{
	char host[64];
	const char *port = NULL;
	size_t hl;
	uint64_t p = default_port;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL)
			return ERR_FORMAT;
		hl = (size_t)(rb - s - 1);
		if (hl >= sizeof(host))
			return ERR_FORMAT;
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		if (rb[1] == ':')
			port = rb + 2;
		else if (rb[1] != '\0')
			return ERR_FORMAT;
	} else {
		const char *c = strchr(s, ':');

		if (c != NULL && strchr(c + 1, ':') == NULL) {
			hl = (size_t)(c - s);
			port = c + 1;
		} else {
			hl = strlen(s); /* no port, or a bare IPv6 address */
		}
		if (hl >= sizeof(host))
			return ERR_FORMAT;
		memcpy(host, s, hl);
		host[hl] = '\0';
	}
	if (port != NULL && str_parse_uint(port, 0, 65535, &p) != 0)
		return ERR_FORMAT;
	if (host[0] == '\0') {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		*sslen = sizeof(*sin);
		return 0;
	}
	{
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons((uint16_t)p);
			*sslen = sizeof(*sin);
			return 0;
		}
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons((uint16_t)p);
			*sslen = sizeof(*sin6);
			return 0;
		}
	}
	return ERR_FORMAT;
}

const char *
str_addr(const struct sockaddr *sa, char *buf)
{
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, buf, 64);
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, buf, 64);
	} else {
		strcpy(buf, "?");
	}
	return buf;
}

uint16_t
str_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return ntohs(
		    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	if (sa->sa_family == AF_INET)
		return ntohs(
		    ((const struct sockaddr_in *)(const void *)sa)->sin_port);
	return 0;
}

/* Go's time.Duration.String() for whole milliseconds. */
void
str_go_duration(char *out, size_t len, uint64_t ms)
{
	uint64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60;
	uint64_t frac = ms % 1000;
	int n = 0;

	if (ms == 0) {
		snprintf(out, len, "0s");
		return;
	}
	if (ms < 1000) {
		snprintf(out, len, "%llums", (unsigned long long)ms);
		return;
	}
	if (h > 0)
		n += snprintf(
		    out + n, len - (size_t)n, "%lluh", (unsigned long long)h);
	if (h > 0 || m > 0)
		n += snprintf(
		    out + n, len - (size_t)n, "%llum", (unsigned long long)m);
	if (frac == 0) {
		snprintf(
		    out + n, len - (size_t)n, "%llus", (unsigned long long)s);
	} else {
		char f[8];
		int k =
		    snprintf(f, sizeof(f), "%03llu", (unsigned long long)frac);

		while (k > 0 && f[k - 1] == '0')
			f[--k] = '\0';
		snprintf(out + n, len - (size_t)n, "%llu.%ss",
		    (unsigned long long)s, f);
	}
}
