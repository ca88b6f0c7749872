/* storage/sql.h - SQL layer: the per-driver statement vtable (internal) */
#ifndef STORAGE_SQL_H
#define STORAGE_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Only storage/ includes this header. A driver (sqlite/, pgsql/)
 * implements the vtable; store.c speaks to it with prepared statements
 * using "?" placeholders numbered from 1 and columns numbered from 0.
 * Errors are 0 or negative ERR_*; the driver logs its own messages.
 */

struct sql_conn;
struct sql_stmt;
struct sql_bulk;

/* One numbered migration: version N is applied on a store at N - 1. */
struct sql_migration {
	int version;
	const char *name; /* file name without .sql, e.g. "001_coredns" */
	const char *sql;  /* a script of several statements */
};

enum { SQL_DONE = 0, SQL_ROW = 1 };

/* Statements whose wording differs between dialects. store.c has the
 * generic text; a driver's variant() may give its own. */
enum sql_variant {
	/* SELECT served_serial FROM coredns_zone_state WHERE domain_id = ?,
	 * the row locked until the transaction ends where writers of the
	 * zone do not already queue behind each other (PostgreSQL: FOR
	 * UPDATE; SQLite's BEGIN IMMEDIATE serializes all writers) */
	SQL_V_STATE_LOCK,
	/* SELECT id, op, name, type, content, ttl, prio, TXID FROM
	 * coredns_pending WHERE domain_id = ? ORDER BY id, where TXID tells
	 * one committed writing transaction from the next (PostgreSQL: the
	 * txid column); the generic text gives 0 for every row, so that
	 * everything pending is one batch */
	SQL_V_PEND_GET,
	/* marks zone ? (bound as an integer) as being bulk-loaded by this
	 * transaction, so that the records triggers skip its inserted rows
	 * (PostgreSQL: migration 002); the generic text is NULL: nothing to
	 * run (SQLite's bulk_open drops the INSERT trigger instead) */
	SQL_V_BULK_ON,
	/* ends what SQL_V_BULK_ON started, for zone ? */
	SQL_V_BULK_OFF,
	/* what the records triggers would have sent for zone ? after a bulk
	 * load (PostgreSQL: NOTIFY coredns); the generic text is NULL:
	 * nothing to run */
	SQL_V_BULK_NOTIFY,
	SQL_V_COUNT
};

struct sql_driver {
	const char *name;   /* "sqlite" */
	const char *prefix; /* DSN prefix handled, e.g. "sqlite:" */
	/* For a driver whose DSNs have no one prefix (prefix NULL): true
	 * when it handles `dsn`, with `arg` set to what open() takes. */
	bool (*accepts)(const char *dsn, const char **arg);
	const char *usage; /* DSN forms for messages; NULL: prefix */
	/* Opens the database named by the DSN without its prefix. On
	 * failure a message is written to `err`. */
	int (*open)(
	    const char *arg, struct sql_conn **out, char *err, size_t errlen);
	void (*close)(struct sql_conn *c); /* NULL-safe */
	/* Runs a script of parameterless statements (DDL, BEGIN...). */
	int (*exec)(struct sql_conn *c, const char *script);
	int (*prepare)(
	    struct sql_conn *c, const char *sql, struct sql_stmt **out);
	/* Binders; a NULL string binds SQL NULL. */
	int (*bind_int)(struct sql_stmt *s, int idx, int64_t v);
	int (*bind_text)(struct sql_stmt *s, int idx, const char *v);
	int (*bind_null)(struct sql_stmt *s, int idx);
	/* SQL_ROW, SQL_DONE or a negative ERR_* */
	int (*step)(struct sql_stmt *s);
	/* Makes a statement ready for new bindings and steps. */
	void (*reset)(struct sql_stmt *s);
	/* Optional: the statement's rows are read a few at a time instead
	 * of whole (bounded memory for a zone of a million rows); set once
	 * after prepare. NULL: the driver reads rows that way anyway. */
	void (*stream)(struct sql_stmt *s);
	void (*finalize)(struct sql_stmt *s); /* NULL-safe */
	bool (*column_null)(struct sql_stmt *s, int col);
	int64_t (*column_int)(struct sql_stmt *s, int col);
	/* borrowed until the next step, reset or finalize; NULL for NULL */
	const char *(*column_text)(struct sql_stmt *s, int col);
	/* Rows changed by the last statement. */
	int64_t (*changes)(struct sql_conn *c);
	int64_t (*last_id)(struct sql_conn *c);
	int (*table_exists)(struct sql_conn *c, const char *table, bool *out);
	/* Change detection (store.h: store_change_fd, store_poll_changes).
	 * change_fd: an fd that turns readable on a change, or negative
	 * (none: poll). poll_changes: sets *changed when other connections
	 * may have changed the database since the last call. NULL hooks:
	 * no fd, never changed. */
	int (*change_fd)(struct sql_conn *c);
	int (*poll_changes)(struct sql_conn *c, bool *changed);
	/* The dialect's text of statement `v`, or NULL for the generic
	 * one; the hook itself may be NULL. */
	const char *(*variant)(enum sql_variant v);
	/* Bulk insert of records rows of one zone (store_bulk_*), buffered
	 * and written many at a time (SQLite: multi-row INSERTs; PostgreSQL:
	 * COPY FROM STDIN). Between bulk_open and bulk_close nothing else
	 * runs on the connection. The row is written as store_rr_add's
	 * (disabled FALSE, auth TRUE), the name, type and prio already
	 * normalized. bulk_row copies its strings, unless the driver has
	 * bulk_sync: then they stay the caller's, unchanged, until the
	 * next bulk_sync (which writes what refers to them) or bulk_close.
	 * bulk_close writes what is buffered and frees `b`; with `abort` it
	 * drops it (the caller rolls back). NULL hooks: store.c inserts row
	 * by row. */
	int (*bulk_open)(
	    struct sql_conn *c, int64_t domain_id, struct sql_bulk **out);
	int (*bulk_row)(struct sql_bulk *b, const char *name, const char *type,
	    const char *content, int64_t ttl, int64_t prio);
	int (*bulk_sync)(struct sql_bulk *b);
	int (*bulk_close)(struct sql_bulk *b, bool abort);
	const char *begin_write; /* statement starting a write transaction */
	const char *begin_read;  /* statement starting a read transaction */
	const char *schema;      /* PowerDNS core schema */
	/* ascending from 1, ended by an entry of version 0 */
	const struct sql_migration *migrations;
};

struct store;
/* The driver and connection behind a store, for storage/ modules that
 * add statements of their own (store_ext.c). Borrowed. */
const struct sql_driver *store_driver(const struct store *st);
struct sql_conn *store_conn(const struct store *st);

#ifdef HAVE_SQLITE3
extern const struct sql_driver sql_sqlite_driver;
#endif
#ifdef HAVE_PGSQL
extern const struct sql_driver sql_pgsql_driver;
#endif

#endif
