/* storage/sqlite/sqlite.c - SQLite driver behind the SQL statement vtable */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "storage/sql.h"
#include "storage/sqlite/sqlite_sql.h"

#define SQLITE_BUSY_MS 5000

struct sql_conn {
	sqlite3 *db;
	int64_t data_version; /* as last seen by poll_changes */
};

struct sql_stmt {
	sqlite3_stmt *st;
	sqlite3 *db;
};

/* sqlite result code to ERR_* at the boundary */
static int
conv(int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
		return 0;
	case SQLITE_NOMEM:
		return ERR_NOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ERR_TIMEOUT;
	case SQLITE_CONSTRAINT:
		return ERR_EXISTS;
	case SQLITE_MISUSE:
	case SQLITE_RANGE:
		return ERR_INVAL;
	default:
		return ERR_IO;
	}
}

static void
drv_close(struct sql_conn *c)
{
	if (c == NULL)
		return;
	sqlite3_close_v2(c->db);
	free(c);
}

/* PRAGMA data_version: changes when another connection commits. */
static int
data_version(sqlite3 *db, int64_t *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		log_err("sqlite: data_version: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return conv(rc);
}

static int
drv_open(const char *arg, struct sql_conn **out, char *err, size_t errlen)
{
	struct sql_conn *c;
	char *msg = NULL;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return ERR_NOMEM;
	rc = sqlite3_open_v2(arg, &c->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "sqlite:%s: %s", arg,
		    c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		rc = conv(rc);
		goto out;
	}
	sqlite3_busy_timeout(c->db, SQLITE_BUSY_MS);
	/* foreign_keys stays off, as in PowerDNS's gsqlite3 default: the
	 * store deletes a zone's rows itself */
	rc = sqlite3_exec(c->db, "PRAGMA journal_mode = WAL", NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "sqlite:%s: %s", arg,
		    msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		rc = conv(rc);
		goto out;
	}
	/* the baseline: changes by others from now on */
	if ((rc = data_version(c->db, &c->data_version)) != 0) {
		snprintf(
		    err, errlen, "sqlite:%s: %s", arg, sqlite3_errmsg(c->db));
		goto out;
	}
	*out = c;
	c = NULL;
	rc = 0;
out:
	drv_close(c);
	return rc;
}

static int
drv_exec(struct sql_conn *c, const char *script)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(c->db, script, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_err("sqlite: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return conv(rc);
	}
	return 0;
}

static int
drv_prepare(struct sql_conn *c, const char *sql, struct sql_stmt **out)
{
	struct sql_stmt *s;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ERR_NOMEM;
	s->db = c->db;
	rc = sqlite3_prepare_v3(
	    c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
	if (rc != SQLITE_OK) {
		log_err("sqlite: prepare: %s: %s", sqlite3_errmsg(c->db), sql);
		free(s);
		return conv(rc);
	}
	*out = s;
	return 0;
}

static int
drv_bind_int(struct sql_stmt *s, int idx, int64_t v)
{
	return conv(sqlite3_bind_int64(s->st, idx, v));
}

static int
drv_bind_text(struct sql_stmt *s, int idx, const char *v)
{
	if (v == NULL)
		return conv(sqlite3_bind_null(s->st, idx));
	return conv(sqlite3_bind_text(s->st, idx, v, -1, SQLITE_TRANSIENT));
}

static int
drv_bind_null(struct sql_stmt *s, int idx)
{
	return conv(sqlite3_bind_null(s->st, idx));
}

static int
drv_step(struct sql_stmt *s)
{
	int rc = sqlite3_step(s->st);

	if (rc == SQLITE_ROW)
		return SQL_ROW;
	if (rc == SQLITE_DONE)
		return SQL_DONE;
	log_err("sqlite: %s", sqlite3_errmsg(s->db));
	return conv(rc);
}

static void
drv_reset(struct sql_stmt *s)
{
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
}

static void
drv_finalize(struct sql_stmt *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->st);
	free(s);
}

static bool
drv_column_null(struct sql_stmt *s, int col)
{
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

static int64_t
drv_column_int(struct sql_stmt *s, int col)
{
	return sqlite3_column_int64(s->st, col);
}

static const char *
drv_column_text(struct sql_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s->st, col);
}

static int64_t
drv_changes(struct sql_conn *c)
{
	return sqlite3_changes(c->db);
}

static int64_t
drv_last_id(struct sql_conn *c)
{
	return sqlite3_last_insert_rowid(c->db);
}

static int
drv_table_exists(struct sql_conn *c, const char *table, bool *out)
{
	struct sql_stmt *s = NULL;
	int rc;

	rc = drv_prepare(c,
	    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
	    &s);
	if (rc != 0)
		goto out;
	if ((rc = drv_bind_text(s, 1, table)) != 0)
		goto out;
	if ((rc = drv_step(s)) < 0)
		goto out;
	*out = rc == SQL_ROW;
	rc = 0;
out:
	drv_finalize(s);
	return rc;
}

/* No fd to watch: the caller polls. */
static int
drv_change_fd(struct sql_conn *c)
{
	(void)c;
	return -1;
}

/* data_version moves only for commits by other connections (another
 * process, another handle), which is what a server serving this store
 * needs to notice; the handle's own writes do not count. */
static int
drv_poll_changes(struct sql_conn *c, bool *changed)
{
	int64_t v;
	int rc;

	*changed = false;
	if ((rc = data_version(c->db, &v)) != 0)
		return rc;
	*changed = v != c->data_version;
	c->data_version = v;
	return 0;
}

const struct sql_driver sql_sqlite_driver = {
	.name = "sqlite",
	.prefix = "sqlite:",
	.open = drv_open,
	.close = drv_close,
	.exec = drv_exec,
	.prepare = drv_prepare,
	.bind_int = drv_bind_int,
	.bind_text = drv_bind_text,
	.bind_null = drv_bind_null,
	.step = drv_step,
	.reset = drv_reset,
	.finalize = drv_finalize,
	.column_null = drv_column_null,
	.column_int = drv_column_int,
	.column_text = drv_column_text,
	.changes = drv_changes,
	.last_id = drv_last_id,
	.table_exists = drv_table_exists,
	.change_fd = drv_change_fd,
	.poll_changes = drv_poll_changes,
	.begin_write = "BEGIN IMMEDIATE",
	.begin_read = "BEGIN",
	.schema = sqlite_schema_sql,
	.migrations = sqlite_migrations,
};
