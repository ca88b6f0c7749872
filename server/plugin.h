/* server/plugin.h - the plugin contract and the compiled-in plugin list */
#ifndef SERVER_PLUGIN_H
#define SERVER_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

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

/* Plugin-prefixed logging: "plugin/NAME: message". */
#define plog_err(name, fmt, ...) log_err("plugin/%s: " fmt, name, ##__VA_ARGS__)
#define plog_warn(name, fmt, ...)                                              \
	log_warn("plugin/%s: " fmt, name, ##__VA_ARGS__)
#define plog_info(name, fmt, ...)                                              \
	log_info("plugin/%s: " fmt, name, ##__VA_ARGS__)
#define plog_debug(name, fmt, ...)                                             \
	log_debug("plugin/%s: " fmt, name, ##__VA_ARGS__)

#endif
