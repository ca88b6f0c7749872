/* storage/store.h - the store: zones, records, serials and journal in SQL */
#ifndef STORAGE_STORE_H
#define STORAGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dname.h"

/*
 * The one interface through which coredns-util, the server and the sync
 * daemon touch the SQL store. The schema is PowerDNS's generic schema
 * plus our own tables (schema version, zone state, pending changes,
 * journal, steward lease) added by numbered migrations. Functions return
 * 0 or a negative ERR_* (common/err.h) and log what went wrong once.
 * A store handle is used by one thread at a time.
 *
 * Names are read as PowerDNS does: any case, with or without a trailing
 * dot. We write them lower case without the trailing dot. A zone is
 * named by its id (domains.id) once found.
 */

struct store;

enum store_zone_kind {
	STORE_ZONE_NATIVE,
	STORE_ZONE_MASTER,
	STORE_ZONE_SLAVE,
	STORE_ZONE_OTHER, /* a kind we do not serve specially (PRODUCER...) */
};

#define STORE_NAME_MAX 256 /* domains.name and records.name, NUL included */

struct store_zone {
	int64_t id;
	char name[STORE_NAME_MAX]; /* as stored */
	enum store_zone_kind kind;
	bool has_serial;    /* a served SOA row exists and parses */
	uint32_t serial;    /* from the SOA row */
	int64_t generation; /* bumped by every DNS change to the zone and
	                       by a change of its name, kind or master */
	bool has_served;
	uint32_t served_serial; /* last serial the steward handed out */
};

/* One served records row, as stored; strings are borrowed for the
 * callback only. */
struct store_row {
	int64_t id;
	const char *name;
	const char *type;
	const char *content;
	int64_t ttl;
	bool has_prio;
	int64_t prio;
};

/* One journal entry: `add` or delete of a row between two serials. */
struct store_journal_entry {
	int64_t id;
	uint32_t serial_from, serial_to;
	bool add;
	struct store_row row; /* row.id is the journal entry id */
	int64_t at;           /* unix time of the serial step */
};

/* Callbacks return 0 to go on; a non-zero value stops the walk and is
 * returned by the walking function. */
typedef int (*store_zone_cb)(void *arg, const struct store_zone *z);
typedef int (*store_row_cb)(void *arg, const struct store_row *row);
typedef int (*store_journal_cb)(void *arg, const struct store_journal_entry *e);
typedef int (*store_meta_cb)(void *arg, const char *kind, const char *content);

/* Opens the store named by `dsn`: "sqlite:PATH" (WAL journal, 5 s busy
 * timeout), or PostgreSQL by a libpq URI ("postgres://...",
 * "postgresql://...") or conninfo string ("host=/run/pg dbname=dns").
 * On PostgreSQL a zone read (store_zone_read, store_journal_read) sees
 * one snapshot (REPEATABLE READ) and every change also sends
 * NOTIFY coredns with the zone id as payload. A broken PostgreSQL
 * connection is reset on the next call (no backoff: the caller's).
 * Does not check the schema (see store_check). Returns a
 * handle the caller frees with store_close, or NULL with a message in
 * `err`. A missing SQLite file is created (store_open_ex without
 * STORE_OPEN_CREATE refuses it instead). */
struct store *store_open(const char *dsn, char *err, size_t errlen);

enum store_open_flag {
	/* SQLite: create the file when it is missing (store_init's
	 * case). Without it a missing file is refused, nothing created. */
	STORE_OPEN_CREATE = 1 << 0,
};

/* store_open with `flags` (enum store_open_flag, or-ed). Without
 * STORE_OPEN_CREATE, a "sqlite:PATH" whose PATH does not exist gives
 * NULL and "no SQLite store at PATH: create it with coredns-util db
 * init (--db DSN)" in `err`, and leaves no file behind. */
struct store *store_open_ex(
    const char *dsn, unsigned flags, char *err, size_t errlen);
/* Closes the store, rolling back an open transaction. NULL-safe. */
void store_close(struct store *st);

/* Creates PowerDNS's core tables and all our migrations in an empty
 * database. ERR_EXISTS when it already holds a `domains` table. */
int store_init(struct store *st);
/* Brings a PowerDNS database (or an older store) up to this binary's
 * schema by applying the pending numbered migrations in one
 * transaction; core tables are never altered. ERR_NOTFOUND when the
 * database has no PowerDNS tables (use store_init), ERR_INVAL when its
 * schema is newer than this binary. The refusals of store_init and
 * store_migrate (ERR_EXISTS, ERR_NOTFOUND, ERR_INVAL above) are not
 * logged: the caller, which knows what to advise, reports them once;
 * SQL failures underneath are logged by the driver as usual. */
int store_migrate(struct store *st);
/* Schema version of the store (0: no table of ours) and the version
 * this binary expects. */
int store_version(struct store *st, int *have, int *want);
/* 0 when the store can be served; otherwise ERR_CONFIG and a message in
 * `err` for an empty store, an unmigrated PowerDNS database (naming
 * `coredns-util db migrate`) or a schema newer than this binary. */
int store_check(struct store *st, char *err, size_t errlen);

/* Transactions. store_begin starts a write transaction; the write
 * functions below run inside it when one is open, else each in its own.
 * Nesting is ERR_INVAL. */
int store_begin(struct store *st);
int store_commit(struct store *st);
int store_rollback(struct store *st);

/* "NATIVE", "MASTER"... to kind and back; unknown text is OTHER. */
enum store_zone_kind store_zone_kind_from_str(const char *s);
const char *store_zone_kind_str(enum store_zone_kind kind);

/* Adds a zone (no records; the caller adds the SOA). `id` may be NULL.
 * ERR_EXISTS if a zone of that name exists, ERR_INVAL for kind OTHER. */
int store_zone_create(
    struct store *st, const char *name, enum store_zone_kind kind, int64_t *id);
/* Deletes a zone with its records, metadata, keys, comments and our
 * state and journal. ERR_NOTFOUND if there is no such zone. */
int store_zone_delete(struct store *st, int64_t zone_id);
/* Calls `cb` for every zone, ordered by id. */
int store_zone_list(struct store *st, store_zone_cb cb, void *arg);
/* Finds a zone by name. ERR_NOTFOUND if there is none. */
int store_zone_get(struct store *st, const char *name, struct store_zone *out);

/* Calls `cb` for every served row of the zone (type not NULL, not
 * disabled), ordered by id, all in one read transaction (or inside the
 * caller's open transaction). Rows are given as stored; turn them into
 * wire form with store_row_to_rr. */
int store_zone_read(
    struct store *st, int64_t zone_id, store_row_cb cb, void *arg);
/* The same rows in no particular order (rows of one name and type keep
 * their id order on SQLite), read faster: for loading a whole zone. */
int store_zone_load(
    struct store *st, int64_t zone_id, store_row_cb cb, void *arg);

/* A record in wire form, filled by store_row_to_rr. ~64 KiB: allocate
 * it once per zone load. */
struct store_rr {
	uint8_t owner[DNAME_MAX]; /* case kept */
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t rdata[65535];
};

/* Parses a row of zone `zone` (presentation name) into wire form with
 * PowerDNS's conventions: names in content are absolute with or
 * without the trailing dot; MX and SRV take their preference from
 * `prio` unless the content carries it. ERR_FORMAT (after a warning
 * naming zone, owner, type and row id) for a row that does not parse or
 * lies outside the zone: callers skip it. */
int store_row_to_rr(
    const char *zone, const struct store_row *row, struct store_rr *out);
/* The same without the warning (journal rows, whose id is not a records
 * id: the caller reads the zone in full to report the row). */
int store_row_to_rr_quiet(
    const char *zone, const struct store_row *row, struct store_rr *out);

/* Adds one row: name lower case without trailing dot, type upper case;
 * for MX and SRV, a preference at the start of `content` goes to prio
 * when `prio` is negative (prio 0 for other types). Returns ERR_INVAL
 * for an empty name, type or content. */
int store_rr_add(struct store *st, int64_t zone_id, const char *name,
    const char *type, const char *content, int64_t ttl, int64_t prio);
/* Deletes every row of (name, type) in the zone, disabled ones too.
 * `deleted` (may be NULL) gets the number of rows removed. */
int store_rrset_delete(struct store *st, int64_t zone_id, const char *name,
    const char *type, int64_t *deleted);

/* First value of metadata `kind` into `buf`; ERR_NOTFOUND when unset,
 * ERR_SPACE when it does not fit. */
int store_metadata_get(
    struct store *st, int64_t zone_id, const char *kind, char *buf, size_t len);
/* Replaces all values of `kind` by the `n` strings in `values` (n = 0
 * removes the kind). */
int store_metadata_set(struct store *st, int64_t zone_id, const char *kind,
    const char *const *values, size_t n);
/* Calls `cb` for every (kind, value) of the zone, or of `kind` only when
 * it is not NULL, ordered by id. */
int store_metadata_list(struct store *st, int64_t zone_id, const char *kind,
    store_meta_cb cb, void *arg);

/* RFC 1982 serial arithmetic: true when `a` is newer than `b`. */
bool store_serial_gt(uint32_t a, uint32_t b);

/* The serial steward. For each zone with pending changes, in one write
 * transaction: one new serial per batch that changes DNS data, following
 * the zone's X-SERIAL-POLICY (increment, the default; unixtime; date
 * YYYYMMDDnn) or the batch's own SOA serial when that is newer; each
 * batch's net differences journaled under (its old serial -> its new
 * serial) with the old SOA deleted and the new one added; the last serial
 * written into the SOA row; pending rows cleared. A batch is, on
 * PostgreSQL, one committed transaction (pending rows by txid, batches in
 * the order of their last pending row, which keeps the commit order of
 * transactions that touched the same rows); on SQLite, everything
 * pending at the pass.
 * A zone served for the first time only records its serial. A zone
 * without a parsable SOA row has its pending rows dropped with a
 * warning. After a zone's steps, its journal is pruned to its size
 * limit: metadata X-JOURNAL-MAX-ROWS (rows, or "unlimited"), else
 * 100000 rows; whole steps, oldest first, down to limit - limit/8
 * rows, never the step just written (store.c, journal_autoprune).
 * `zones_changed` (may be NULL) counts zones given a step. */
int store_steward_pass(struct store *st, int *zones_changed);
/* The steward's work for one zone, inside the caller's open write
 * transaction, so a writer's changes get their serial and journal entry
 * in the same commit. ERR_INVAL without an open transaction. */
int store_bump_serial(struct store *st, int64_t zone_id);
/* Takes or renews the steward lease for `holder` for `ttl` seconds;
 * `got` says whether this holder has it now. */
int store_steward_lease(
    struct store *st, const char *holder, int ttl, bool *got);

/* Calls `cb` for every journal entry of the zone from serial `from` on,
 * ordered. ERR_NOTFOUND when the journal does not reach back to `from`
 * (then a full transfer is needed); nothing and 0 when `from` is the
 * current served serial. */
int store_journal_read(struct store *st, int64_t zone_id, uint32_t from,
    store_journal_cb cb, void *arg);
/* Drops the oldest serial steps of the zone until at most `max_rows`
 * entries are left (whole steps only, so fewer may be kept). The
 * steward also prunes by itself after each step it writes (see
 * store_steward_pass). */
int store_journal_prune(struct store *st, int64_t zone_id, int64_t max_rows);

/*
 * Noticing changes made by others (another process, another store
 * handle, an admin's SQL). The server:
 *
 *   1. fd = store_change_fd(st), before loading the zones; when fd >= 0
 *      watch it for reading (common/evloop.h), else poll on a timer;
 *   2. when the fd is readable or the timer fires, store_poll_changes();
 *      on *changed, store_generations() and reload each zone whose
 *      generation moved (or that is new or gone);
 *   3. on ERR_IO from store_poll_changes (PostgreSQL: the LISTEN
 *      connection broke), stop watching the fd at once (it stays open
 *      until the next call, then is closed) and call store_poll_changes
 *      again after a backoff the caller keeps (say 1 s doubling to 30 s,
 *      back to 1 s after a success). Each call tries one reconnect; the
 *      first success reports *changed, since notifications were missed
 *      meanwhile: the full store_generations() scan follows. Then take
 *      the (new) fd from store_change_fd and watch it again.
 */

/* PostgreSQL: opens (or reopens, when the last one broke) a connection
 * of its own doing LISTEN coredns and returns its socket fd, readable
 * when a notification arrives; ERR_IO when it cannot connect. The fd is
 * the store's: do not close it; it changes when the connection is
 * reopened. SQLite: -1, nothing to watch: poll store_poll_changes on a
 * timer. Any negative value means no fd to watch now. */
int store_change_fd(struct store *st);
/* Sets *changed when the database may have changed by others since
 * the last call. PostgreSQL: consumes the notifications on the LISTEN
 * connection (opening it on first use); ERR_IO when that connection
 * broke or cannot be reopened (see above). SQLite: compares PRAGMA
 * data_version with the value last seen (from store_open on), which
 * moves on commits by other connections only, not this handle's own. */
int store_poll_changes(struct store *st, bool *changed);

typedef int (*store_gen_cb)(void *arg, int64_t zone_id, int64_t generation);
/* Calls `cb` with the generation of every zone, ordered by zone id: the
 * full scan after a change or a reconnect. */
int store_generations(struct store *st, store_gen_cb cb, void *arg);

#endif

/* ---- store_ext.c: additions for coredns-util ------------------------ */
#ifndef STORAGE_STORE_EXT_H
#define STORAGE_STORE_EXT_H

/* Sets domains.type of the zone. ERR_INVAL for kind OTHER, ERR_NOTFOUND
 * for no such zone. Not a DNS change (no serial step), but the domains
 * trigger steps the zone's generation (and on PostgreSQL sends the
 * NOTIFY), so a server watching the store re-reads the zone; so does
 * any change of domains.name, .type or .master, by plain SQL too. */
int store_zone_set_kind(
    struct store *st, int64_t zone_id, enum store_zone_kind kind);

/* Sets domains.master of the zone: PowerDNS's comma-separated primaries
 * of a SLAVE zone ("192.0.2.1,[2001:db8::1]:5300"); NULL or "" clears
 * it. ERR_NOTFOUND for no such zone. Not a DNS change (a generation
 * step only, as store_zone_set_kind). */
int store_zone_set_master(
    struct store *st, int64_t zone_id, const char *master);
/* domains.master of the zone into `buf` ("" when NULL); ERR_NOTFOUND for
 * no such zone, ERR_SPACE when it does not fit. */
int store_zone_get_master(
    struct store *st, int64_t zone_id, char *buf, size_t len);

/* What the journal of a zone holds. */
struct store_journal_range {
	int64_t entries; /* rows */
	int64_t steps;   /* distinct serial steps */
	bool has_range;  /* entries > 0: */
	uint32_t first;  /* serial_from of the oldest entry */
	uint32_t last;   /* serial_to of the newest entry */
};

/* Fills `out` for the zone (all zero for an empty journal). */
int store_journal_range(
    struct store *st, int64_t zone_id, struct store_journal_range *out);

/* TSIG keys (PowerDNS's tsigkeys table). store_tsigkey_set replaces
 * every key called `name` by this one; ERR_INVAL for an empty field. */
int store_tsigkey_set(
    struct store *st, const char *name, const char *alg, const char *secret);
/* Deletes the keys called `name`; `deleted` (may be NULL) counts them. */
int store_tsigkey_delete(struct store *st, const char *name, int64_t *deleted);
typedef int (*store_tsigkey_cb)(
    void *arg, const char *name, const char *alg, const char *secret);
/* Calls `cb` for every key, ordered by name. Strings are borrowed for
 * the call. */
int store_tsigkey_list(struct store *st, store_tsigkey_cb cb, void *arg);

#endif

/* ---- bulk loads: a whole zone into an empty one --------------------- */
#ifndef STORAGE_STORE_BULK_H
#define STORAGE_STORE_BULK_H

/*
 * Loading a zone that has no rows (new, or emptied) in one pass, without
 * the per-row work of the change triggers: inside the caller's open
 * write transaction,
 *
 *   store_bulk_begin(st, zone_id, &bk);     the zone must have no rows
 *   store_bulk_add(bk, ...) for every row;  nothing else on `st` between
 *   store_bulk_end(bk, &rows);              then store_commit(st)
 *
 * While loading, the records triggers skip the rows this load inserts.
 * PostgreSQL (pgsql migration 002): the transaction sets
 * coredns.bulk_zone to the zone, and the INSERT trigger's WHEN skips
 * that zone's rows for this transaction only; every other writer,
 * PowerDNS included, and every other zone get the triggers as before.
 * SQLite (sqlite.c, bulk_open/bulk_close): the INSERT trigger on records
 * is dropped at the start of the load and created again from its saved
 * text at its end (also when it is given up), inside the loader's write
 * transaction: SQLite has one writer at a time, so no other writer ever
 * sees the table without it, and a crash rolls the drop back.
 *
 * Rows are written many at a time (SQLite: multi-row INSERTs;
 * PostgreSQL: COPY). store_bulk_end then does, once, what the triggers
 * and the steward's first pass would have done: one generation step,
 * the SOA row's serial recorded as served (the journal starts there:
 * nothing to journal for a new zone; an IXFR from an older serial gets
 * a full transfer), the zone's pending rows and journal cleared and, on
 * PostgreSQL, the NOTIFY. Committed together, a reader sees the zone
 * before or after the load, never half of it.
 *
 * On an error, or to give up, call store_bulk_free and roll back: a
 * commit after an unfinished load is refused (rolled back, ERR_INVAL).
 */
struct store_bulk;

/* Starts a bulk load of zone `zone_id` (created by store_zone_create in
 * this transaction, or one without any records row). ERR_INVAL without
 * an open transaction, ERR_NOTFOUND for no such zone, ERR_EXISTS when
 * the zone has rows (nothing done: write a difference instead). On
 * success `*out` is the load, which store_bulk_end or store_bulk_free
 * ends. */
int store_bulk_begin(
    struct store *st, int64_t zone_id, struct store_bulk **out);
/* Adds one row as store_rr_add does (same conventions and errors). */
int store_bulk_add(struct store_bulk *bk, const char *name, const char *type,
    const char *content, int64_t ttl, int64_t prio);
/* Writes what is buffered and finishes the load (above); `rows` (may be
 * NULL) gets the number of rows added. Frees `bk`, also on error. */
int store_bulk_end(struct store_bulk *bk, int64_t *rows);
/* Gives a load up (the caller rolls back). NULL-safe. */
void store_bulk_free(struct store_bulk *bk);

#endif
