/* server/server.h - the server core's internal types: configuration
 * generations, server blocks, listeners, and the request object */
#ifndef SERVER_SERVER_H
#define SERVER_SERVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/dname.h"
#include "common/wire.h"
#include "server/corefile.h"
#include "server/plugin.h"
#include "server/request.h"

struct worker;
struct tcp_conn;
struct config;
struct evloop;

struct chain_entry {
	const struct plugin_ops *ops;
	void *ctx;
};

struct bind_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

struct server_block {
	const struct cf_block *cfb;  /* borrowed from config->cf */
	struct chain_entry *plugins; /* every plugin set up, chain order */
	size_t nplugins;
	struct chain_entry *chain; /* those with serve(), chain order */
	size_t nchain;
	struct bind_addr *binds; /* empty: wildcard v4 and v6 */
	size_t nbinds;
	struct bind_addr *excepts;
	size_t nexcepts;
	uint16_t bufsize; /* our advertised EDNS size, EDNS_DEFAULT_SIZE */
	void *tls;        /* SSL_CTX for tls:// keys, from the tls plugin */
};

/* One (scheme, address, port) the server listens on, with the zones of
 * every block that listens there. */
struct zone_route {
	uint8_t zone[DNAME_MAX];
	int labels;
	struct server_block *sb;
	int mid; /* metrics label set (server, zone), -1 before start */
};

struct listen_group {
	enum cf_scheme scheme;
	struct sockaddr_storage addr; /* port included; may be a wildcard */
	socklen_t addrlen;
	uint16_t port;
	char name[96];             /* "dns://127.0.0.1:53" */
	struct zone_route *routes; /* most labels first */
	size_t nroutes;
	void *tls; /* SSL_CTX of the first tls:// block (borrowed) */
};

enum listener_kind { LST_UDP, LST_TCP, LST_TLS };

/* A socket per worker (SO_REUSEPORT) for one group and transport. The
 * fds are shared between configuration generations while wanted. */
struct listener {
	enum listener_kind kind;
	struct listen_group *grp;
	int *fds;           /* one per worker, -1 if not open */
	bool fds_inherited; /* taken over from the previous generation */
};

struct config {
	_Atomic int refs;
	struct corefile *cf;
	struct server_block *blocks;
	size_t nblocks;
	struct listen_group *groups;
	size_t ngroups;
	struct listener *listeners;
	size_t nlisteners;
	int nworkers;
	bool started;
};

/* Builds a configuration from a parsed Corefile (takes ownership of
 * `cf`): runs every plugin's setup, checks zones and ports. NULL with
 * "FILE:LINE - message" in err on failure. -validate stops here. */
struct config *config_build(
    struct corefile *cf, int nworkers, char *err, size_t errlen);
/* Opens the sockets of `c`, reusing those of `old` (may be NULL) that
 * are still wanted. 0, or ERR_IO with a message in err (nothing of
 * `old` is touched). */
int config_open_listeners(
    struct config *c, struct config *old, char *err, size_t errlen);
/* Runs the plugins' start hooks. */
int config_start(struct config *c, char *err, size_t errlen);
/* Closes the sockets of `old` that `next` (may be NULL) does not use. */
void config_close_unused(struct config *old, struct config *next);
void config_ref(struct config *c);
/* Drops a reference; the last one tears plugins down and frees. */
void config_unref(struct config *c);

/* Reads, parses and builds in one go (main and reload). */
struct config *config_load(const char *path, uint16_t default_port,
    int nworkers, char *err, size_t errlen);
/* The built-in configuration used when there is no Corefile. */
extern const char config_default_text[];

#define REQ_BUF_SIZE 65536
#define REQ_ERR_SIZE 256
#define REQ_OPTS_SIZE 512

enum req_result { REQ_REPLY, REQ_DROP, REQ_ASYNC };

struct request {
	struct worker *w;
	struct request *next_free;
	/* the query */
	uint8_t *rx; /* REQ_BUF_SIZE bytes */
	size_t rxlen;
	struct dns_query q;
	enum proto proto;
	struct sockaddr_storage remote;
	socklen_t remote_len;
	struct sockaddr_storage local;
	socklen_t local_len;
	int fd;                /* UDP socket to answer on */
	struct tcp_conn *conn; /* TCP connection, NULL for UDP */
	uint8_t pktinfo[64];   /* UDP: control data of the query */
	size_t pktinfo_len;
	/* routing */
	struct config *cfg;
	struct listen_group *grp;
	struct server_block *sb;
	const struct zone_route *route;
	size_t pos;   /* chain position being run */
	bool cfg_ref; /* holds a reference on cfg (async) */
	/* the reply */
	uint8_t *tx; /* REQ_BUF_SIZE bytes */
	struct wire_writer ww;
	bool started;
	bool drop;
	bool nostore; /* reply_set_nostore */
	uint8_t section;
	uint16_t counts[3];
	uint16_t rcode; /* extended rcode */
	uint16_t txlen; /* final length once finished */
	uint8_t opts[REQ_OPTS_SIZE];
	uint16_t optlen;
	/* misc */
	struct arena *arena;
	char *qname_str;
	char err[REQ_ERR_SIZE];
	const char *replied_by;
	uint64_t start_ns;
};

/* Allocates a request with its buffers (not on the answer path: workers
 * keep a free list). NULL on failure. */
struct request *request_new(void);
void request_free(struct request *req);
/* Prepares a request for reuse. */
void request_reset(struct request *req);

/* Runs a received query through parsing, routing and the chain. On
 * REQ_REPLY the reply is in req->tx (req->txlen bytes). On REQ_ASYNC
 * the worker is told later through worker_request_done(). */
enum req_result server_process(
    struct request *req, struct config *cfg, struct listen_group *grp);

uint64_t now_ns(void);
void server_set_main_loop(struct evloop *l);
void server_set_reload_hook(int (*fn)(void));
void server_enter_lameduck(void);
uint64_t server_lameduck_ms(void);
/* Forgets the lameduck period (before a new configuration starts). */
void server_reset_lameduck(void);
/* The configuration being served (main thread). */
struct config *server_current_config(void);
void server_set_current_config(struct config *c);

#endif
