/* server/plugin.h - the plugin contract and the compiled-in plugin list */
#ifndef SERVER_PLUGIN_H
#define SERVER_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/log.h"
#include "server/corefile.h"

struct request;
struct server_block;

enum pl_status {
	PL_NEXT,  /* not mine: pass the request to the next plugin */
	PL_DONE,  /* a reply was written (reply_init ...) */
	PL_ASYNC, /* will finish later with request_resume() */
	PL_ERROR, /* failed: the core answers SERVFAIL */
};

/* What a plugin's setup sees: its directives in one server block. */
struct plugin_setup {
	struct cf_disp disp;        /* every occurrence of the directive */
	struct server_block *block; /* the block being configured */
	const struct cf_key *keys;  /* the block's zones */
	size_t nkeys;
	const struct corefile *cf; /* the whole configuration */
};

struct plugin_ops {
	const char *name;
	/* Parses the plugin's directives (ps->disp) and builds its context.
	 * Errors: ERR_CONFIG with the message written by cf_errf(). Runs
	 * for -validate too, so it must not bind sockets or start threads. */
	int (*setup)(struct plugin_setup *ps, void **ctx);
	/* Answers or passes on; runs on a worker thread, many at once. NULL
	 * for plugins that only configure the block (bind). */
	enum pl_status (*serve)(struct request *req, void *ctx);
	/* Optional: called in reverse chain order, after a later plugin (or
	 * the core) wrote the reply, for every plugin whose serve returned
	 * PL_NEXT for this request. It may read and edit the reply. */
	void (*reply)(struct request *req, void *ctx);
	/* Optional: like reply, but after the reply is final (OPT added,
	 * truncation applied), just before it is sent; read-only. For
	 * logging and metrics. */
	void (*done)(struct request *req, void *ctx);
	/* Optional: after the whole configuration is valid, before it
	 * serves (may open sockets, start timers). */
	int (*start)(void *ctx);
	/* Optional: readiness for the ready plugin (main thread); asked on
	 * every /ready request, so it should stay true once true. */
	bool (*ready)(void *ctx);
	/* Frees the context; NULL-safe. May run on any thread. */
	void (*teardown)(void *ctx);
};

/* The compiled-in plugins, in chain order (server/plugins.def). */
extern const struct plugin_ops *const plugin_table[];
extern const size_t plugin_count;

/* Position of `name` in the chain order, or -1 if not compiled in. */
int plugin_index(const char *name);

/* Block settings that setup-only plugins change. */
/* Adds a listen address (literal IP, no port) to the block. */
int server_block_add_bind(
    struct server_block *sb, const struct sockaddr *sa, socklen_t salen);
/* Excludes an address from the block's binds. */
int server_block_add_bind_except(
    struct server_block *sb, const struct sockaddr *sa, socklen_t salen);
/* Sets the block's advertised EDNS size and UDP reply cap (512..4096). */
void server_block_set_bufsize(struct server_block *sb, uint16_t size);
/* Sets the TLS context (an OpenSSL SSL_CTX *) for tls:// keys; the
 * block owns it from now on. */
void server_block_set_tls(struct server_block *sb, void *ssl_ctx);

/* Process-wide state that plugins read or drive (main thread). */
/* Reloads the Corefile now, as SIGHUP does (main thread). 0 when the new
 * configuration is serving; the caller's context may be gone then. */
int server_reload_request(void);
/* Worker threads the configuration being set up runs on (for per-worker
 * plugin state sized in setup): 1..SERVER_MAX_WORKERS. */
#define SERVER_MAX_WORKERS 256
int server_workers(void);
/* True while shutting down in lameduck mode. */
bool server_in_lameduck(void);
/* Raises the lameduck period used at the next shutdown. */
void server_set_lameduck(uint64_t ms);

/* Plugin-prefixed logging: "plugin/NAME: message". */
#define plog_err(name, fmt, ...) log_err("plugin/%s: " fmt, name, ##__VA_ARGS__)
#define plog_warn(name, fmt, ...)                                              \
	log_warn("plugin/%s: " fmt, name, ##__VA_ARGS__)
#define plog_info(name, fmt, ...)                                              \
	log_info("plugin/%s: " fmt, name, ##__VA_ARGS__)
#define plog_debug(name, fmt, ...)                                             \
	log_debug("plugin/%s: " fmt, name, ##__VA_ARGS__)

#endif
