/* server/request.h - one query in flight: accessors for plugins and the
 * reply builder */
#ifndef SERVER_REQUEST_H
#define SERVER_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "server/plugin.h"

struct arena;
struct evloop;

enum proto { PROTO_UDP, PROTO_TCP, PROTO_TLS };
enum section { SEC_ANSWER, SEC_AUTHORITY, SEC_ADDITIONAL };

/* The question. Names are uncompressed wire form. */
const uint8_t *request_qname(const struct request *req);      /* lower */
const uint8_t *request_qname_orig(const struct request *req); /* as sent */
/* Lower-case presentation form with trailing dot ("example.org."); in
 * the request's arena, valid until the reply is sent. */
const char *request_qname_str(struct request *req);
uint16_t request_qtype(const struct request *req);
uint16_t request_qclass(const struct request *req);
uint16_t request_id(const struct request *req);
uint8_t request_opcode(const struct request *req);
uint16_t request_flags(const struct request *req);
bool request_edns(const struct request *req);
bool request_do(const struct request *req);
bool request_nsid(const struct request *req);
/* The client's EDNS payload size, or 512 without EDNS. */
uint16_t request_edns_size(const struct request *req);
/* The raw query. */
const uint8_t *request_packet(const struct request *req, size_t *len);

enum proto request_proto(const struct request *req);
const char *request_proto_str(const struct request *req); /* "udp" ... */
int request_family(const struct request *req); /* AF_INET, AF_INET6 */
const struct sockaddr *request_remote(const struct request *req);
const struct sockaddr *request_local(const struct request *req);
/* The zone of the server block that took the query (wire form). */
const uint8_t *request_zone(const struct request *req);
/* "dns://:53" style name of the server block's listener, for logs. */
const char *request_server(const struct request *req);
/* Start of processing, monotonic nanoseconds. */
uint64_t request_start_ns(const struct request *req);
/* Nanoseconds since the request started. */
uint64_t request_elapsed_ns(const struct request *req);

/* Scratch memory reset after the reply is sent. */
struct arena *request_arena(struct request *req);
/* The worker's loop, for plugins that go PL_ASYNC. */
struct evloop *request_loop(struct request *req);

/* The server's main event loop (timers that outlive requests); NULL
 * before the server runs (-validate). */
struct evloop *server_main_loop(void);

/* Finishes a request that returned PL_ASYNC, on its worker's thread:
 * PL_DONE (reply written), PL_NEXT (continue with the next plugin),
 * PL_ERROR (SERVFAIL). */
void request_resume(struct request *req, enum pl_status st);

/* Records why a plugin failed, for the errors plugin; printf-style. */
void request_set_error(struct request *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *request_error(const struct request *req);
/* The plugin that wrote the reply (or "" when the core did). */
const char *request_replied_by(const struct request *req);

/* The reply. reply_init() starts a reply to the query: header with the
 * query's ID, opcode, RD and CD, QR set, the question echoed as sent.
 * Records are added section by section, in order (answer, authority,
 * additional); adding to an earlier section after a later one is
 * ERR_INVAL. Owner names are compressed; rdata is copied as given.
 * ERR_SPACE when the 64 KiB buffer is full. The core adds the OPT record
 * and handles truncation when the reply is sent. */
int reply_init(struct request *req, uint16_t rcode);
void reply_set_flags(struct request *req, uint16_t set, uint16_t clear);
void reply_set_rcode(struct request *req, uint16_t rcode);
uint16_t reply_rcode(const struct request *req);
int reply_add_rr(struct request *req, enum section sec, const uint8_t *owner,
    uint16_t type, uint16_t cls, uint32_t ttl, const uint8_t *rdata,
    uint16_t rdlen);
/* Appends `count` RRs given as packed bodies (type, class, TTL, rdlen,
 * rdata each; `len` bytes in all). Their owner is `owner` (compressed
 * against the reply) or, when `owner` is NULL, a compression pointer to
 * the name at offset `owner_off` of the reply (the question's is at
 * 12). ERR_SPACE (nothing added) when they do not fit. For plugins
 * that keep records in wire form. */
int reply_add_bodies(struct request *req, enum section sec,
    const uint8_t *owner, uint16_t owner_off, const uint8_t *bodies,
    uint32_t len, uint16_t count);
/* Offset in the reply where the next byte goes. */
size_t reply_offset(const struct request *req);
/* Makes the name at offset `off` of the reply (e.g. inside rdata just
 * added) a compression target for later owners. */
void reply_add_target(struct request *req, size_t off);
/* Replaces the reply by a stored one (`pkt`, `len` bytes: header,
 * question, sections, without OPT) that answered the same question:
 * the ID, RD/CD and the question's case are taken from this query.
 * ERR_INVAL when it does not fit. For packet caches. */
int reply_set_cached(struct request *req, const uint8_t *pkt, size_t len);
/* The index of the worker running the request (0 .. workers - 1). */
int request_worker(const struct request *req);

/* A TXT record whose text is split into 255-octet strings. */
int reply_add_txt(struct request *req, enum section sec, const uint8_t *owner,
    uint16_t cls, uint32_t ttl, const char *text);
/* An EDNS option for the reply's OPT record (ignored without EDNS). */
int reply_add_edns_option(
    struct request *req, uint16_t code, const void *data, uint16_t len);
/* Octets the reply's sections may fill without being truncated: the
 * UDP size (the client's, capped by the block's bufsize; 512 without
 * EDNS) less the OPT record and the options added so far; over TCP the
 * largest message. */
size_t reply_room(const struct request *req);
/* The reply's wire bytes as built so far (before OPT/truncation). */
const uint8_t *reply_packet(const struct request *req, size_t *len);
bool reply_started(const struct request *req);
/* Marks the reply as one a caching plugin (`cache`) must not store:
 * answers from data that changes under them, as the `sql` plugin's
 * (its own packet cache follows the store's changes). reply_init clears
 * it, so a reply written over by a later plugin is judged afresh. */
void reply_set_nostore(struct request *req);
bool reply_nostore(const struct request *req);
/* Marks the request to be dropped: no reply is sent (return PL_DONE). */
void reply_drop(struct request *req);
bool reply_dropped(const struct request *req);

#endif
