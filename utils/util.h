/* utils/util.h - coredns-util: shared state and subcommand handlers */
#ifndef UTILS_UTIL_H
#define UTILS_UTIL_H

#include <stdbool.h>

/* Exit statuses of every subcommand (as named-checkzone and friends). */
enum util_exit {
	UTIL_EXIT_OK = 0,    /* done, or the check passed */
	UTIL_EXIT_FAIL = 1,  /* the operation or the check failed */
	UTIL_EXIT_USAGE = 2, /* bad command line */
};

#define UTIL_PROG "coredns-util"
#define UTIL_DEFAULT_DB "sqlite:coredns.db"

/* Global options, parsed before the subcommand. Strings are borrowed
 * from argv or the environment for the life of the program. */
struct util_ctx {
	const char *db; /* --db, else $COREDNS_DB, else UTIL_DEFAULT_DB */
	bool db_given;  /* --db or $COREDNS_DB was set */
};

/* One subcommand. `run` gets argv with argv[0] the subcommand name and
 * returns an enum util_exit value. `usage` is the full --help text. */
struct util_cmd {
	const char *name;
	const char *const *aliases; /* NULL-terminated, or NULL */
	const char *summary;        /* one line for the command list */
	const char *usage;          /* printed by `CMD --help` */
	int (*run)(const struct util_ctx *ctx, int argc, char **argv);
};

/* Prints "coredns-util CMD: MSG" and a hint to try --help on stderr;
 * returns UTIL_EXIT_USAGE so callers can `return util_usage_err(...)`. */
int util_usage_err(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints the --help text of `cmd` on stdout. */
void util_print_usage(const struct util_cmd *cmd);

/* Subcommands (one file each). */
extern const struct util_cmd util_cmd_checkzone;
extern const struct util_cmd util_cmd_db;
extern const struct util_cmd util_cmd_zone;
extern const struct util_cmd util_cmd_rrset;
extern const struct util_cmd util_cmd_record;
extern const struct util_cmd util_cmd_metadata;
extern const struct util_cmd util_cmd_tsigkey;
extern const struct util_cmd util_cmd_import;
extern const struct util_cmd util_cmd_journal;

struct store;
struct store_zone;

/* Prints "coredns-util CMD: MSG" on stderr, one line: the errors the
 * library logged since the last report (see util_log_capture) are
 * appended in parentheses. Returns UTIL_EXIT_FAIL. */
int util_fail(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Called once, first thing: the lines of common/log (the store and its
 * drivers: "[ERROR] sqlite: database is locked") go to a temporary
 * file instead of stderr, so that a failure is one line: util_fail
 * folds the errors logged into its own line. Other lines (warnings)
 * are passed on to stderr unchanged by util_fail and at exit. Without
 * a temporary file the lines go to stderr as they come. */
void util_log_capture(void);

/* True when any of argv[1..argc-1] is -h or --help. */
bool util_wants_help(int argc, char **argv);

/* The store of `ctx` for messages ("where"): its DSN with a password in
 * it ("password=..." or a URI's "user:password@") shown as "***".
 * Borrowed until the next call. */
const char *util_db_name(const struct util_ctx *ctx);

enum util_open_mode {
	UTIL_OPEN_SERVED, /* a store that can be served (store_check) */
	UTIL_OPEN_ANY,    /* any existing database (db migrate, db check) */
	UTIL_OPEN_CREATE, /* created when it is a missing SQLite file */
};

/* Opens the store of `ctx` as `mode` says: only UTIL_OPEN_CREATE (db
 * init) creates a missing SQLite file; the others refuse it, naming
 * `coredns-util db init`, and leave no file behind. Prints the error
 * for `cmd` ("DSN: what" when the store refuses) and returns NULL on
 * failure; the caller closes the store. */
struct store *util_open(
    const struct util_ctx *ctx, const char *cmd, enum util_open_mode mode);

/* Finds zone `name`, printing "no such zone" (or the error) for `cmd`.
 * Returns 0 or the store's negative ERR_*. */
int util_zone(
    struct store *st, const char *cmd, const char *name, struct store_zone *z);

/* checkzone's core, for tests: checks the zone file `path` for the zone
 * `origin` (presentation form); `integrity` enables the -i local checks
 * (MX, SRV and delegation targets); `quiet` prints nothing. Output goes
 * to stdout in named-checkzone's manner. Returns UTIL_EXIT_OK when the
 * zone would load, UTIL_EXIT_FAIL when it would not. */
int checkzone_run(
    const char *origin, const char *path, bool integrity, bool quiet);

/* ---- utils/nconf.c: named.conf statements ---- */

#include <stddef.h>

/* One statement: its words (quotes removed), then its block when it has
 * one: `zone "x" { type primary; };` is words {zone, x} and a block of
 * one statement {type, primary}. */
struct nconf_stmt {
	char **w;
	size_t nw;
	int line; /* where the statement starts */
	bool block;
	struct nconf_stmt *sub; /* the block's statements */
	size_t nsub;
};

/* Parses the named.conf file `path` (comments //, # and C's; quoted
 * strings; nested blocks) into `*out` (`*nout` statements; caller frees
 * with nconf_free). On error, "path:line: message" in `err` and a
 * negative ERR_*. */
int nconf_parse(const char *path, struct nconf_stmt **out, size_t *nout,
    char *err, size_t errlen);
void nconf_free(struct nconf_stmt *v, size_t n);
/* The first statement of `v` whose first word is `word0` (any case), or
 * NULL. */
const struct nconf_stmt *nconf_find(
    const struct nconf_stmt *v, size_t n, const char *word0);

/* ---- utils/rec.c: records in wire form, for import, export, diff ---- */

#include <stddef.h>
#include <stdint.h>

#include "common/dname.h"
#include "storage/store.h"

struct util_rec {
	uint8_t owner[DNAME_MAX]; /* lower case */
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t *rdata; /* owned by the vector */
	int64_t id;     /* store row id, or the file line */
};

struct util_recv {
	struct util_rec *v;
	size_t n, cap;
};

/* Appends a copy of a record. 0 or ERR_NOMEM. */
int util_recv_add(struct util_recv *rv, const uint8_t *owner, uint16_t type,
    uint32_t ttl, const uint8_t *rdata, uint16_t rdlen, int64_t id);
void util_recv_fini(struct util_recv *rv);
/* Sorts into DNSSEC canonical order (RFC 4034 6.1) by owner, then type
 * with the SOA first, then rdata. */
void util_recv_sort(struct util_recv *rv);
/* Compares owner and type only, in util_recv_sort's order. */
int util_rec_cmp_rrset(const struct util_rec *a, const struct util_rec *b);
/* Compares ttl and rdata. */
int util_rec_cmp_data(const struct util_rec *a, const struct util_rec *b);

/* Reads the served rows of zone `z` into `rv`; rows that do not parse are
 * skipped with the store's warning. */
int util_recv_load(
    struct store *st, const struct store_zone *z, struct util_recv *rv);
/* Reads the zone file `path` (or `len` bytes of `text` when not NULL,
 * called `path`) for `origin` into `rv`. On error prints
 * "coredns-util CMD: file:line: message" and returns the reader's error. */
int util_recv_read(struct util_recv *rv, const char *cmd, const char *path,
    const char *text, size_t len, const char *origin);

/* Reads the zone file `path` for zone `name` into `f`, sorted; an error
 * or a missing SOA is printed for `cmd` and returned. */
int util_zone_file(
    struct util_recv *f, const char *cmd, const char *path, const char *name);
/* Inside the caller's open write transaction, makes zone `name` hold the
 * records of `f` (sorted; NULL leaves the records alone): writes only
 * the rrsets that differ (`sets` counts them). A missing zone is created
 * with `kind` (`created`); an existing one gets `kind` when `set_kind`.
 * `z` gets the zone. The caller commits with store_bump_serial. */
int util_zone_apply(struct store *st, const char *name,
    enum store_zone_kind kind, bool set_kind, const struct util_recv *f,
    struct store_zone *z, bool *created, long *sets);

/* Inside the caller's open write transaction: when zone `name` is
 * missing (created with `kind`) or has no rows (given `kind` when
 * `set_kind`), streams the zone file `path` into it with the store's
 * bulk load (store_bulk_begin): the file is never held in memory; one
 * generation step, its SOA serial served, no journal. `z` gets the zone,
 * `nrecs` the records written. Returns ERR_EXISTS, having done nothing,
 * when the zone has rows (then util_zone_file and util_zone_apply);
 * else an error (the file's or the store's) is printed for `cmd` once
 * and returned, and the caller rolls back. */
int util_zone_bulk(struct store *st, const char *cmd, const char *path,
    const char *name, enum store_zone_kind kind, bool set_kind,
    struct store_zone *z, bool *created, size_t *nrecs);

/* Writes `r` as a zone-file line into `buf` (ZONEFILE_TEXT_MAX) and
 * points `owner` (no final dot), `type` and `rdata` into it. */
int util_rec_text(const struct util_rec *r, char *buf, size_t len, char **owner,
    char **type, char **rdata);
/* Adds `r` to the zone as one store row. */
int util_rec_store(struct store *st, int64_t zone_id, const struct util_rec *r,
    char *buf, size_t len);

#endif
