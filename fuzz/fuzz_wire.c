/* fuzz/fuzz_wire.c - libFuzzer target for the query parser and the whole
 * answer path (server_process over UDP and TCP, no sockets, no threads) */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/dname.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wire.h"
#include "server/server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* With a root block every name routes; without, REFUSED is reachable. */
static const char cf_root[] = ". {\n"
                              " chaos v a b c\n"
                              " whoami\n"
                              "}\n"
                              "example.org {\n"
                              " whoami\n"
                              "}\n"
                              "empty.test {\n"
                              "}\n";
static const char cf_zones[] = "example.org {\n"
                               " chaos\n"
                               " whoami\n"
                               "}\n"
                               "empty.test {\n"
                               "}\n";

static struct config *configs[2];
static struct request *req;

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			__builtin_trap();                                      \
	} while (0)

static struct config *
build(const char *text)
{
	char err[512];
	struct corefile *cf;
	struct config *c;

	cf = corefile_parse_string(
	    text, strlen(text), "fuzz", NULL, 53, err, sizeof(err));
	CHECK(cf != NULL);
	c = config_build(cf, 1, err, sizeof(err));
	CHECK(c != NULL && c->ngroups > 0);
	return c;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LVL_ERROR);
	configs[0] = build(cf_root);
	configs[1] = build(cf_zones);
	req = request_new();
	CHECK(req != NULL);
	return 0;
}

/* The reply must be a well-formed message: every name decodes with the
 * strict reader (so compression pointers point backwards) and the
 * sections announced in the header fill it exactly. */
static void
check_reply(const struct request *r, bool udp)
{
	const uint8_t *p = r->tx;
	size_t len = r->txlen, pos = DNS_HDR_LEN;
	uint8_t name[DNAME_MAX];
	unsigned qd, rrs;

	CHECK(len >= DNS_HDR_LEN && len <= DNS_MAX_MSG);
	CHECK(len == r->ww.len);
	if (udp)
		CHECK(len <= (r->q.edns ? EDNS_MAX_SIZE : 512));
	CHECK(wire_get16(p) == r->q.id);
	CHECK((wire_get16(p + 2) & FLAG_QR) != 0);
	qd = wire_get16(p + 4);
	CHECK(qd <= 1);
	rrs = (unsigned)wire_get16(p + 6) + wire_get16(p + 8) +
	      wire_get16(p + 10);
	if (qd == 1) {
		CHECK(dname_unpack(p, len, &pos, name) > 0);
		CHECK(len - pos >= 4);
		pos += 4;
	}
	for (unsigned i = 0; i < rrs; i++) {
		CHECK(dname_unpack(p, len, &pos, name) > 0);
		CHECK(len - pos >= 10);
		pos += 10 + (size_t)wire_get16(p + pos + 8);
		CHECK(pos <= len);
	}
	CHECK(pos == len);
}

static void
run(const uint8_t *data, size_t size, struct config *cfg, enum proto proto)
{
	struct sockaddr_in *sin;
	enum req_result res;

	request_reset(req);
	memcpy(req->rx, data, size);
	req->rxlen = size;
	req->proto = proto;
	memset(&req->remote, 0, sizeof(req->remote));
	sin = (struct sockaddr_in *)&req->remote;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(1234);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	req->remote_len = sizeof(*sin);
	res = server_process(req, cfg, &cfg->groups[0]);
	CHECK(res == REQ_REPLY || res == REQ_DROP);
	if (res == REQ_REPLY)
		check_reply(req, proto == PROTO_UDP);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_query q;
	char str[DNAME_STR_MAX];
	int rc;

	if (size > DNS_MAX_MSG)
		size = DNS_MAX_MSG;
	rc = wire_parse_query(data, size, &q);
	if (rc == 0) {
		int n = dname_to_str(str, q.qname);

		CHECK(n > 0 && (size_t)n < sizeof(str));
		CHECK(strlen(str) == (size_t)n);
		CHECK(dname_len(q.qname) == q.qname_len);
		CHECK(dname_equal(q.qname, q.lname));
		CHECK(q.question_end <= size);
		/* the printed name reads back to the same wire name */
		{
			uint8_t back[DNAME_MAX];

			CHECK(dname_from_str(back, str) == q.qname_len);
			CHECK(memcmp(back, q.qname, q.qname_len) == 0);
		}
		dname_to_str(str, q.lname);
	} else {
		CHECK(rc == ERR_DROP || rc == ERR_FORMAT);
	}
	for (int i = 0; i < 2; i++) {
		run(data, size, configs[i], PROTO_UDP);
		run(data, size, configs[i], PROTO_TCP);
	}
	return 0;
}
