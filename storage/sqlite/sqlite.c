/* storage/sqlite/sqlite.c - SQLite driver behind the SQL statement vtable */
#include "config.h"

#include <inttypes.h>
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
	/* no global allocation statistics: they take a process-wide mutex
	 * on every allocation (a zone load makes millions). It only works
	 * before SQLite initializes, so a later call fails harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
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
	/* statement journals (the pages one statement changed, to undo it
	 * alone: every multi-row INSERT and every statement firing the
	 * change triggers keeps one) and temporary tables in memory, not
	 * in files under /var/tmp; set before any transaction starts */
	rc = sqlite3_exec(c->db,
	    "PRAGMA temp_store = MEMORY; PRAGMA journal_mode = WAL", NULL, NULL,
	    &msg);
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

/* Bulk inserts: rows are collected BULK_ROWS at a time, then bound
 * (without a copy: the collected text stays put until the step) to one
 * prepared multi-row INSERT. A larger page cache for the load keeps the
 * indexes' pages in memory; the previous size is put back at the end.
 *
 * The change trigger on INSERT (coredns_records_ai) is dropped for the
 * load and created again from its own text at the end, inside the
 * loader's write transaction: SQLite has one writer at a time and no
 * other connection sees the schema without it (a crash rolls back to
 * the schema with it). Its WHEN would skip nothing here, but a table
 * with an INSERT trigger that may abort makes every INSERT keep a
 * statement journal: a copy of each index page it changes, which for a
 * bulk load costs more than the rows themselves. The store does, once,
 * what the trigger would have done per row (store_bulk_end). */
#define BULK_ROWS 100
#define BULK_COLS 5 /* name, type, content, ttl, prio; ?1 is the zone */
#define BULK_CACHE_KIB 262144

struct bulk_row {
	const char *name, *type, *content; /* the caller's (bulk_sync) */
	int64_t ttl, prio;
};

struct sql_bulk {
	struct sql_conn *c;
	sqlite3_stmt *many, *one;
	int64_t domain_id;
	struct bulk_row rows[BULK_ROWS];
	int n;
	int64_t cache_size; /* to put back */
	char *trigger;      /* the dropped trigger's CREATE, to put back */
};

static sqlite3_stmt *
bulk_prepare(struct sql_conn *c, int rows)
{
	static const char head[] = "INSERT INTO records (domain_id, name, "
	                           "type, content, ttl, prio, disabled, "
	                           "auth) VALUES ";
	sqlite3_stmt *st = NULL;
	size_t len = sizeof(head) + (size_t)rows * 64, o;
	char *sql;
	int i, p;

	if ((sql = malloc(len)) == NULL)
		return NULL;
	o = (size_t)snprintf(sql, len, "%s", head);
	for (i = 0; i < rows; i++) {
		p = 2 + i * BULK_COLS;
		o += (size_t)snprintf(sql + o, len - o,
		    "%s(?1, ?%d, ?%d, ?%d, ?%d, ?%d, 0, 1)", i > 0 ? ", " : "",
		    p, p + 1, p + 2, p + 3, p + 4);
	}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	        NULL) != SQLITE_OK) {
		log_err("sqlite: prepare: %s", sqlite3_errmsg(c->db));
		st = NULL;
	}
	free(sql);
	return st;
}

/* Writes the collected rows: with the multi-row statement when there are
 * BULK_ROWS of them, else one by one. */
static int
bulk_flush(struct sql_bulk *b)
{
	sqlite3_stmt *st = b->n == BULK_ROWS ? b->many : b->one;
	const struct bulk_row *r;
	int i, p, rc = SQLITE_OK;

	for (i = 0; i < b->n && rc == SQLITE_OK; i++) {
		r = &b->rows[i];
		p = st == b->many ? 2 + i * BULK_COLS : 2;
		rc = sqlite3_bind_text(st, p, r->name, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(
			    st, p + 1, r->type, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_text(
			    st, p + 2, r->content, -1, SQLITE_STATIC);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, p + 3, r->ttl);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, p + 4, r->prio);
		if (rc == SQLITE_OK && st == b->one) {
			rc = sqlite3_step(st);
			sqlite3_reset(st);
			if (rc == SQLITE_DONE)
				rc = SQLITE_OK;
		}
	}
	if (rc == SQLITE_OK && st == b->many) {
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	b->n = 0;
	if (rc != SQLITE_OK) {
		log_err("sqlite: bulk insert: %s", sqlite3_errmsg(b->c->db));
		return conv(rc);
	}
	return 0;
}

static int
pragma_int(sqlite3 *db, const char *q, int64_t *out)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, q, -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return conv(rc);
}

#define BULK_TRIGGER "coredns_records_ai"

/* Saves the text of the INSERT trigger and drops it (see above). */
static int
bulk_trigger_off(struct sql_bulk *b)
{
	sqlite3_stmt *s = NULL;
	const char *t;
	int rc;

	rc = sqlite3_prepare_v2(b->c->db,
	    "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
	    "AND tbl_name = 'records' AND name = '" BULK_TRIGGER "'",
	    -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		t = (const char *)sqlite3_column_text(s, 0);
		rc = t != NULL && (b->trigger = strdup(t)) == NULL
		         ? SQLITE_NOMEM
		         : SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK; /* none: nothing to put back */
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_OK) {
		log_err("sqlite: bulk load: %s", sqlite3_errmsg(b->c->db));
		return conv(rc);
	}
	if (b->trigger == NULL)
		return 0;
	if ((rc = drv_exec(b->c, "DROP TRIGGER " BULK_TRIGGER)) != 0) {
		free(b->trigger);
		b->trigger = NULL;
	}
	return rc;
}

static int
drv_bulk_close(struct sql_bulk *b, bool abort)
{
	char q[64];
	int rc = 0, rc2;

	if (b == NULL)
		return 0;
	if (!abort && b->n > 0)
		rc = bulk_flush(b);
	sqlite3_finalize(b->many);
	sqlite3_finalize(b->one);
	if (b->trigger != NULL) {
		/* also when giving up: the caller rolls back, but the
		 * trigger is never left out of a transaction that commits */
		if ((rc2 = drv_exec(b->c, b->trigger)) != 0 && rc == 0)
			rc = rc2;
		free(b->trigger);
	}
	snprintf(q, sizeof(q), "PRAGMA cache_size = %" PRId64, b->cache_size);
	sqlite3_exec(b->c->db, q, NULL, NULL, NULL);
	free(b);
	return rc;
}

static int
drv_bulk_open(struct sql_conn *c, int64_t domain_id, struct sql_bulk **out)
{
	struct sql_bulk *b;
	char q[64];
	int rc;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return ERR_NOMEM;
	b->c = c;
	b->domain_id = domain_id;
	if ((rc = pragma_int(c->db, "PRAGMA cache_size", &b->cache_size))) {
		free(b);
		return rc;
	}
	snprintf(q, sizeof(q), "PRAGMA cache_size = -%d", BULK_CACHE_KIB);
	sqlite3_exec(c->db, q, NULL, NULL, NULL);
	if ((rc = bulk_trigger_off(b)) != 0) {
		drv_bulk_close(b, true);
		return rc;
	}
	b->many = bulk_prepare(c, BULK_ROWS);
	b->one = bulk_prepare(c, 1);
	if (b->many == NULL || b->one == NULL ||
	    sqlite3_bind_int64(b->many, 1, domain_id) != SQLITE_OK ||
	    sqlite3_bind_int64(b->one, 1, domain_id) != SQLITE_OK) {
		drv_bulk_close(b, true);
		return ERR_IO;
	}
	*out = b;
	return 0;
}

static int
drv_bulk_row(struct sql_bulk *b, const char *name, const char *type,
    const char *content, int64_t ttl, int64_t prio)
{
	struct bulk_row *r = &b->rows[b->n];

	r->name = name;
	r->type = type;
	r->content = content;
	r->ttl = ttl;
	r->prio = prio;
	if (++b->n == BULK_ROWS)
		return bulk_flush(b);
	return 0;
}

/* The rows so far are written: their strings may change after. */
static int
drv_bulk_sync(struct sql_bulk *b)
{
	return b->n > 0 ? bulk_flush(b) : 0;
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
	.bulk_open = drv_bulk_open,
	.bulk_row = drv_bulk_row,
	.bulk_sync = drv_bulk_sync,
	.bulk_close = drv_bulk_close,
	.begin_write = "BEGIN IMMEDIATE",
	.begin_read = "BEGIN",
	.schema = sqlite_schema_sql,
	.migrations = sqlite_migrations,
};
