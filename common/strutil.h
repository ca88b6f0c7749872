/* common/strutil.h - small parsers shared by configuration code */
#ifndef COMMON_STRUTIL_H
#define COMMON_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Go-style duration ("300ms", "5s", "1m30s", "2h"; a bare number is
 * seconds) into milliseconds. ERR_FORMAT if malformed. */
int str_parse_duration(const char *s, uint64_t *ms);
/* Go's time.Duration.String() of whole milliseconds ("2s", "1m30s",
 * "250ms") into `out`. */
void str_go_duration(char *out, size_t len, uint64_t ms);
/* Decimal unsigned integer in [min, max]. ERR_FORMAT otherwise. */
int str_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* "IP", "IP:PORT", "[IPv6]:PORT", ":PORT" into a socket address;
 * `default_port` when none is given; an empty host is the IPv4
 * wildcard. ERR_FORMAT when it is not a literal address. */
int str_parse_hostport(const char *s, uint16_t default_port,
    struct sockaddr_storage *ss, socklen_t *sslen);
/* Address without port ("127.0.0.1", "::1") into `buf` (64 bytes). */
const char *str_addr(const struct sockaddr *sa, char *buf);
/* Port of an IPv4/IPv6 socket address. */
uint16_t str_port(const struct sockaddr *sa);

#endif
