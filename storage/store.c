/* storage/store.c - the store over the SQL statement vtable */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "common/zonefile.h"
#include "storage/sql.h"
#include "storage/store.h"
#include "storage/rowfast.h"

/* Every statement the store runs; prepared once, on first use. */
enum q {
	Q_ZONE_BY_NAME,
	Q_ZONE_BY_ID,
	Q_ZONE_LIST,
	Q_ZONE_SOA,
	Q_ZONE_SOA_APEX,
	Q_ZONE_INSERT,
	Q_ZONE_DEL_RECORDS,
	Q_ZONE_DEL_META,
	Q_ZONE_DEL_KEYS,
	Q_ZONE_DEL_COMMENTS,
	Q_ZONE_DEL,
	Q_ZONE_READ,
	Q_ZONE_LOAD,
	Q_RR_ADD,
	Q_RRSET_DEL,
	Q_META_KIND,
	Q_META_ALL,
	Q_META_DEL,
	Q_META_INS,
	Q_STATE_GET,
	Q_STATE_SET,
	Q_PEND_ZONES,
	Q_PEND_GET,
	Q_PEND_DEL,
	Q_SOA_SET,
	Q_JOURNAL_INS,
	Q_JOURNAL_START,
	Q_JOURNAL_READ,
	Q_JOURNAL_NTH,
	Q_JOURNAL_PRUNE,
	Q_JOURNAL_SPAN,
	Q_JOURNAL_STEP_START,
	Q_JOURNAL_PRUNE_BEFORE,
	Q_LEASE,
	Q_VERSION_GET,
	Q_VERSION_DEL,
	Q_VERSION_SET,
	Q_GENERATIONS,
	Q_ZONE_HAS_ROWS,
	Q_BULK_ON,
	Q_BULK_OFF,
	Q_BULK_NOTIFY,
	Q_BULK_STATE,
	Q_JOURNAL_DEL_ZONE,
	Q_COUNT
};

#define ZONE_COLS                                                              \
	"SELECT d.id, d.name, d.type, s.generation, s.served_serial "          \
	"FROM domains d LEFT JOIN coredns_zone_state s "                       \
	"ON s.domain_id = d.id "
/* disabled and auth are BOOLEAN (SQLite: 0/1, PostgreSQL: BOOL): TRUE and
 * FALSE read and write both */
#define SERVED "type IS NOT NULL AND NOT COALESCE(disabled, FALSE)"

static const char *const q_sql[Q_COUNT] = {
	[Q_ZONE_BY_NAME] = ZONE_COLS "WHERE lower(rtrim(d.name, '.')) = ?",
	[Q_ZONE_BY_ID] = ZONE_COLS "WHERE d.id = ?",
	[Q_ZONE_LIST] = ZONE_COLS "ORDER BY d.id",
	[Q_ZONE_SOA] = "SELECT id, name, content, ttl, prio FROM records "
	               "WHERE domain_id = ? AND upper(type) = 'SOA' "
	               "AND " SERVED " ORDER BY id LIMIT 1",
	/* the same for an SOA row spelled as the store writes it: found
	 * through records_lookup_id_idx instead of a scan of the zone */
	[Q_ZONE_SOA_APEX] =
	    "SELECT id, name, content, ttl, prio FROM records "
	    "WHERE domain_id = ? AND name = (SELECT lower(rtrim(name, '.')) "
	    "FROM domains WHERE id = ?) AND type IN ('SOA', 'soa') "
	    "AND " SERVED " ORDER BY id LIMIT 1",
	[Q_ZONE_INSERT] = "INSERT INTO domains (name, type) VALUES (?, ?)",
	[Q_ZONE_DEL_RECORDS] = "DELETE FROM records WHERE domain_id = ?",
	[Q_ZONE_DEL_META] = "DELETE FROM domainmetadata WHERE domain_id = ?",
	[Q_ZONE_DEL_KEYS] = "DELETE FROM cryptokeys WHERE domain_id = ?",
	[Q_ZONE_DEL_COMMENTS] = "DELETE FROM comments WHERE domain_id = ?",
	[Q_ZONE_DEL] = "DELETE FROM domains WHERE id = ?",
	[Q_ZONE_READ] =
	    "SELECT id, name, type, content, ttl, prio "
	    "FROM records WHERE domain_id = ? AND " SERVED " ORDER BY id",
	/* no ORDER BY: sorting a million rows costs more than reading them
	 * (SQLite walks the domain_id index, in (ordername, id) order) */
	[Q_ZONE_LOAD] = "SELECT id, name, type, content, ttl, prio "
	                "FROM records WHERE domain_id = ? AND " SERVED,
	[Q_RR_ADD] =
	    "INSERT INTO records (domain_id, name, type, content, "
	    "ttl, prio, disabled, auth) VALUES (?, ?, ?, ?, ?, ?, FALSE, TRUE)",
	[Q_RRSET_DEL] = "DELETE FROM records WHERE domain_id = ? "
	                "AND lower(rtrim(name, '.')) = ? AND upper(type) = ?",
	[Q_META_KIND] = "SELECT kind, content FROM domainmetadata "
	                "WHERE domain_id = ? AND upper(kind) = upper(?) "
	                "ORDER BY id",
	[Q_META_ALL] = "SELECT kind, content FROM domainmetadata "
	               "WHERE domain_id = ? ORDER BY id",
	[Q_META_DEL] = "DELETE FROM domainmetadata "
	               "WHERE domain_id = ? AND upper(kind) = upper(?)",
	[Q_META_INS] = "INSERT INTO domainmetadata (domain_id, kind, content) "
	               "VALUES (?, ?, ?)",
	[Q_STATE_GET] = "SELECT served_serial FROM coredns_zone_state "
	                "WHERE domain_id = ?",
	[Q_STATE_SET] = "UPDATE coredns_zone_state SET served_serial = ?, "
	                "changed_at = ? WHERE domain_id = ?",
	[Q_PEND_ZONES] = "SELECT DISTINCT domain_id FROM coredns_pending "
	                 "ORDER BY domain_id",
	[Q_PEND_GET] = "SELECT id, op, name, type, content, ttl, prio, 0 "
	               "FROM coredns_pending WHERE domain_id = ? ORDER BY id",
	[Q_PEND_DEL] = "DELETE FROM coredns_pending WHERE domain_id = ?",
	[Q_SOA_SET] = "UPDATE records SET content = ? WHERE id = ?",
	[Q_JOURNAL_INS] =
	    "INSERT INTO coredns_journal (domain_id, "
	    "serial_from, serial_to, op, name, type, content, "
	    "ttl, prio, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_JOURNAL_START] = "SELECT min(id) FROM coredns_journal "
	                    "WHERE domain_id = ? AND serial_from = ?",
	[Q_JOURNAL_READ] = "SELECT id, serial_from, serial_to, op, name, "
	                   "type, content, ttl, prio, at FROM coredns_journal "
	                   "WHERE domain_id = ? AND id >= ? ORDER BY id",
	[Q_JOURNAL_NTH] = "SELECT id, serial_from, serial_to "
	                  "FROM coredns_journal WHERE domain_id = ? "
	                  "ORDER BY id DESC LIMIT 1 OFFSET ?",
	[Q_JOURNAL_PRUNE] = "DELETE FROM coredns_journal WHERE domain_id = ? "
	                    "AND (id <= ? OR (serial_from = ? "
	                    "AND serial_to = ? AND id > ?))",
	/* the zone's oldest and newest entry ids, each an index lookup */
	[Q_JOURNAL_SPAN] = "SELECT (SELECT id FROM coredns_journal "
	                   "WHERE domain_id = ? ORDER BY id LIMIT 1), "
	                   "(SELECT id FROM coredns_journal "
	                   "WHERE domain_id = ? ORDER BY id DESC LIMIT 1)",
	[Q_JOURNAL_STEP_START] =
	    "SELECT min(id) FROM coredns_journal WHERE domain_id = ? "
	    "AND serial_from = ? AND serial_to = ?",
	[Q_JOURNAL_PRUNE_BEFORE] =
	    "DELETE FROM coredns_journal WHERE domain_id = ? AND id < ?",
	[Q_LEASE] = "INSERT INTO coredns_steward (id, holder, expires) "
	            "VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE "
	            "SET holder = excluded.holder, expires = excluded.expires "
	            "WHERE coredns_steward.holder = excluded.holder "
	            "OR coredns_steward.expires < ?",
	[Q_VERSION_GET] = "SELECT max(version) FROM coredns_schema",
	[Q_VERSION_DEL] = "DELETE FROM coredns_schema",
	[Q_VERSION_SET] = "INSERT INTO coredns_schema (version) VALUES (?)",
	[Q_GENERATIONS] = "SELECT domain_id, generation "
	                  "FROM coredns_zone_state ORDER BY domain_id",
	[Q_ZONE_HAS_ROWS] = "SELECT 1 FROM records WHERE domain_id = ? LIMIT 1",
	/* by the driver's variant only (NULL: nothing to run) */
	[Q_BULK_ON] = NULL,
	[Q_BULK_OFF] = NULL,
	[Q_BULK_NOTIFY] = NULL,
	[Q_BULK_STATE] = "UPDATE coredns_zone_state "
	                 "SET generation = generation + 1, served_serial = ?, "
	                 "changed_at = ? WHERE domain_id = ?",
	[Q_JOURNAL_DEL_ZONE] =
	    "DELETE FROM coredns_journal WHERE domain_id = ?",
};

/* Statements a driver may word in its own dialect (sql.h). */
static const struct {
	enum q q;
	enum sql_variant v;
} q_variants[] = {
	{ Q_STATE_GET, SQL_V_STATE_LOCK },
	{ Q_PEND_GET, SQL_V_PEND_GET },
	{ Q_BULK_ON, SQL_V_BULK_ON },
	{ Q_BULK_OFF, SQL_V_BULK_OFF },
	{ Q_BULK_NOTIFY, SQL_V_BULK_NOTIFY },
};

struct store {
	const struct sql_driver *drv;
	struct sql_conn *conn;
	struct sql_stmt *q[Q_COUNT];
	bool in_txn;
	/* a bulk load was given up in this transaction: it may only be
	 * rolled back (the zone's triggers are still off) */
	bool bulk_failed;
};

const struct sql_driver *
store_driver(const struct store *st)
{
	return st->drv;
}

struct sql_conn *
store_conn(const struct store *st)
{
	return st->conn;
}

static const struct sql_driver *const drivers[] = {
#ifdef HAVE_SQLITE3
	&sql_sqlite_driver,
#endif
#ifdef HAVE_PGSQL
	&sql_pgsql_driver,
#endif
	NULL,
};

/* The text of statement `id` in the driver's dialect. */
static const char *
q_text(const struct store *st, enum q id)
{
	const char *text;
	size_t i;

	for (i = 0; i < sizeof(q_variants) / sizeof(q_variants[0]); i++) {
		if (q_variants[i].q == id && st->drv->variant != NULL &&
		    (text = st->drv->variant(q_variants[i].v)) != NULL)
			return text;
	}
	return q_sql[id];
}

/* The statement `id`, prepared on first use; give it back with done(). */
static int
stmt(struct store *st, enum q id, struct sql_stmt **out)
{
	int rc;

	if (st->q[id] == NULL) {
		rc = st->drv->prepare(st->conn, q_text(st, id), &st->q[id]);
		if (rc != 0)
			return rc;
		if (id == Q_ZONE_LOAD && st->drv->stream != NULL)
			st->drv->stream(st->q[id]);
	}
	*out = st->q[id];
	return 0;
}

static void
done(struct store *st, struct sql_stmt *s)
{
	if (s != NULL)
		st->drv->reset(s);
}

/* Binds parameters from 1 on: 'i' int64_t, 't' string (NULL is NULL),
 * 'n' NULL. */
static int
vbind(struct store *st, struct sql_stmt *s, const char *fmt, va_list ap)
{
	int rc = 0;
	int i;

	for (i = 0; fmt[i] != '\0' && rc == 0; i++) {
		switch (fmt[i]) {
		case 'i':
			rc = st->drv->bind_int(s, i + 1, va_arg(ap, int64_t));
			break;
		case 't':
			rc = st->drv->bind_text(
			    s, i + 1, va_arg(ap, const char *));
			break;
		default:
			rc = st->drv->bind_null(s, i + 1);
			break;
		}
	}
	return rc;
}

/* Prepares and binds statement `id` for stepping by the caller. */
static int
query(struct store *st, enum q id, struct sql_stmt **out, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if ((rc = stmt(st, id, out)) != 0)
		return rc;
	va_start(ap, fmt);
	rc = vbind(st, *out, fmt, ap);
	va_end(ap);
	if (rc != 0)
		done(st, *out);
	return rc;
}

/* Runs statement `id` to its end; `changes` (may be NULL) gets the number
 * of rows it changed. */
static int
run(struct store *st, enum q id, int64_t *changes, const char *fmt, ...)
{
	struct sql_stmt *s;
	va_list ap;
	int rc;

	if ((rc = stmt(st, id, &s)) != 0)
		return rc;
	va_start(ap, fmt);
	rc = vbind(st, s, fmt, ap);
	va_end(ap);
	while (rc == 0 && (rc = st->drv->step(s)) == SQL_ROW)
		rc = 0;
	if (rc == 0 && changes != NULL)
		*changes = st->drv->changes(st->conn);
	done(st, s);
	return rc;
}

/* Starts a write transaction unless the caller has one open. */
static int
wbegin(struct store *st, bool *own)
{
	int rc;

	*own = false;
	if (st->in_txn)
		return 0;
	if ((rc = st->drv->exec(st->conn, st->drv->begin_write)) != 0)
		return rc;
	st->in_txn = true;
	*own = true;
	return 0;
}

/* Ends what wbegin started: commit on success, else roll back. */
static int
wend(struct store *st, bool own, int rc)
{
	if (!own)
		return rc;
	st->in_txn = false;
	if (rc == 0 && st->bulk_failed) {
		log_err("store: a bulk load failed: rolling back");
		rc = ERR_INVAL;
	}
	st->bulk_failed = false;
	if (rc == 0)
		return st->drv->exec(st->conn, "COMMIT");
	st->drv->exec(st->conn, "ROLLBACK");
	return rc;
}

/* Name as compared: lower case, no trailing dot (the root is ""). */
static int
name_key(char *out, size_t len, const char *in)
{
	size_t n = strlen(in), i;

	while (n > 0 && in[n - 1] == '.')
		n--;
	if (n >= len || n >= STORE_NAME_MAX)
		return ERR_INVAL;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[n] = '\0';
	return 0;
}

/* The driver for `dsn` and the part of it the driver opens. */
static const struct sql_driver *
find_driver(const char *dsn, const char **arg)
{
	size_t i, n;

	for (i = 0; drivers[i] != NULL; i++) {
		if (drivers[i]->accepts != NULL) {
			if (drivers[i]->accepts(dsn, arg))
				return drivers[i];
			continue;
		}
		n = strlen(drivers[i]->prefix);
		if (strncmp(dsn, drivers[i]->prefix, n) == 0) {
			*arg = dsn + n;
			return drivers[i];
		}
	}
	return NULL;
}

struct store *
store_open(const char *dsn, char *err, size_t errlen)
{
	return store_open_ex(dsn, STORE_OPEN_CREATE, err, errlen);
}

/* True when the driver's database is a file its open() would create:
 * SQLite's (the server's sql plugin refuses a missing one the same
 * way). */
static bool
creates_file(const struct sql_driver *drv)
{
	return strcmp(drv->name, "sqlite") == 0;
}

struct store *
store_open_ex(const char *dsn, unsigned flags, char *err, size_t errlen)
{
	const struct sql_driver *drv;
	struct store *st = NULL;
	const char *arg = NULL;
	size_t i, o;
	int rc;

	if ((drv = find_driver(dsn, &arg)) == NULL) {
		o = (size_t)snprintf(
		    err, errlen, "unknown store '%s' (use", dsn);
		for (i = 0; drivers[i] != NULL && o < errlen; i++)
			o += (size_t)snprintf(err + o, errlen - o, "%s %s%s",
			    i > 0 ? " or" : "",
			    drivers[i]->usage ? drivers[i]->usage
			                      : drivers[i]->prefix,
			    drivers[i]->usage ? "" : "PATH");
		if (o < errlen)
			snprintf(err + o, errlen - o, ")");
		return NULL;
	}
	/* a mistyped path is an error, not a new empty store left behind */
	if (!(flags & STORE_OPEN_CREATE) && creates_file(drv) &&
	    access(arg, F_OK) != 0 && errno == ENOENT) {
		snprintf(err, errlen,
		    "no SQLite store at %s: create it with coredns-util db "
		    "init (--db %s)",
		    arg, dsn);
		return NULL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	st->drv = drv;
	rc = drv->open(arg, &st->conn, err, errlen);
	if (rc != 0) {
		free(st);
		return NULL;
	}
	return st;
}

void
store_close(struct store *st)
{
	int i;

	if (st == NULL)
		return;
	if (st->in_txn)
		st->drv->exec(st->conn, "ROLLBACK");
	for (i = 0; i < Q_COUNT; i++)
		st->drv->finalize(st->q[i]);
	st->drv->close(st->conn);
	free(st);
}

static int
want_version(const struct store *st)
{
	int v = 0;

	while (st->drv->migrations[v].version != 0)
		v++;
	return v;
}

int
store_version(struct store *st, int *have, int *want)
{
	struct sql_stmt *s = NULL;
	bool ours;
	int rc;

	*want = want_version(st);
	*have = 0;
	if ((rc = st->drv->table_exists(st->conn, "coredns_schema", &ours)))
		return rc;
	if (!ours)
		return 0;
	if ((rc = query(st, Q_VERSION_GET, &s, "")) != 0)
		return rc;
	if ((rc = st->drv->step(s)) == SQL_ROW) {
		*have = (int)st->drv->column_int(s, 0);
		rc = 0;
	}
	done(st, s);
	return rc;
}

/* Applies migrations after version `have`; inside a transaction. */
static int
apply_migrations(struct store *st, int have)
{
	const struct sql_migration *m;
	int rc;

	for (m = st->drv->migrations; m->version != 0; m++) {
		if (m->version <= have)
			continue;
		log_info("store: applying migration %s", m->name);
		if ((rc = st->drv->exec(st->conn, m->sql)) != 0)
			return rc;
		if ((rc = run(st, Q_VERSION_DEL, NULL, "")) != 0)
			return rc;
		rc = run(st, Q_VERSION_SET, NULL, "i", (int64_t)m->version);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
store_init(struct store *st)
{
	bool core, own;
	int rc;

	if ((rc = st->drv->table_exists(st->conn, "domains", &core)) != 0)
		return rc;
	/* these outcomes are the caller's to report (store.h): not logged */
	if (core)
		return ERR_EXISTS;
	if ((rc = wbegin(st, &own)) != 0)
		return rc;
	if ((rc = st->drv->exec(st->conn, st->drv->schema)) != 0)
		goto out;
	rc = apply_migrations(st, 0);
out:
	return wend(st, own, rc);
}

int
store_migrate(struct store *st)
{
	int have, want, rc;
	bool core, own;

	if ((rc = wbegin(st, &own)) != 0)
		return rc;
	if ((rc = st->drv->table_exists(st->conn, "domains", &core)) != 0)
		goto out;
	/* these outcomes are the caller's to report (store.h): not logged */
	if (!core) {
		rc = ERR_NOTFOUND;
		goto out;
	}
	if ((rc = store_version(st, &have, &want)) != 0)
		goto out;
	if (have > want) {
		rc = ERR_INVAL;
		goto out;
	}
	rc = apply_migrations(st, have);
out:
	return wend(st, own, rc);
}

int
store_check(struct store *st, char *err, size_t errlen)
{
	int have, want, rc;
	bool core;

	if ((rc = st->drv->table_exists(st->conn, "domains", &core)) != 0) {
		snprintf(err, errlen, "cannot read the store: %s", err_str(rc));
		return rc;
	}
	if (!core) {
		snprintf(err, errlen,
		    "the store is empty: run `coredns-util db init`");
		return ERR_CONFIG;
	}
	if ((rc = store_version(st, &have, &want)) != 0) {
		snprintf(err, errlen, "cannot read the schema version: %s",
		    err_str(rc));
		return rc;
	}
	if (have == 0) {
		snprintf(err, errlen,
		    "the store is a PowerDNS database not yet migrated: "
		    "run `coredns-util db migrate`");
		return ERR_CONFIG;
	}
	if (have < want) {
		snprintf(err, errlen,
		    "the store has schema version %d, this program needs %d: "
		    "run `coredns-util db migrate`",
		    have, want);
		return ERR_CONFIG;
	}
	if (have > want) {
		snprintf(err, errlen,
		    "the store has schema version %d, newer than this "
		    "program's %d: upgrade the program",
		    have, want);
		return ERR_CONFIG;
	}
	return 0;
}

int
store_begin(struct store *st)
{
	bool own;

	if (st->in_txn)
		return ERR_INVAL;
	return wbegin(st, &own);
}

int
store_commit(struct store *st)
{
	if (!st->in_txn)
		return ERR_INVAL;
	return wend(st, true, 0);
}

int
store_rollback(struct store *st)
{
	if (!st->in_txn)
		return ERR_INVAL;
	return wend(st, true, ERR_INVAL) == ERR_INVAL ? 0 : ERR_IO;
}

static const char *const kind_names[] = {
	[STORE_ZONE_NATIVE] = "NATIVE",
	[STORE_ZONE_MASTER] = "MASTER",
	[STORE_ZONE_SLAVE] = "SLAVE",
	[STORE_ZONE_OTHER] = "OTHER",
};

enum store_zone_kind
store_zone_kind_from_str(const char *s)
{
	int k;

	for (k = STORE_ZONE_NATIVE; s != NULL && k < STORE_ZONE_OTHER; k++) {
		if (strcasecmp(s, kind_names[k]) == 0)
			return (enum store_zone_kind)k;
	}
	return STORE_ZONE_OTHER;
}

const char *
store_zone_kind_str(enum store_zone_kind kind)
{
	if (kind > STORE_ZONE_OTHER)
		kind = STORE_ZONE_OTHER;
	return kind_names[kind];
}

bool
store_serial_gt(uint32_t a, uint32_t b)
{
	return (a < b && b - a > 0x80000000U) || (a > b && a - b < 0x80000000U);
}

/* Offsets of the SOA serial (third field) in `content`. */
static int
soa_serial_span(const char *content, size_t *start, size_t *end)
{
	size_t i = 0;
	int field;

	for (field = 0; field < 3; field++) {
		while (isspace((unsigned char)content[i]))
			i++;
		if (content[i] == '\0')
			return ERR_FORMAT;
		*start = i;
		while (
		    content[i] != '\0' && !isspace((unsigned char)content[i]))
			i++;
		*end = i;
	}
	return 0;
}

static int
soa_serial(const char *content, uint32_t *serial)
{
	size_t a, b, i;
	uint64_t v = 0;

	if (content == NULL || soa_serial_span(content, &a, &b) != 0)
		return ERR_FORMAT;
	for (i = a; i < b; i++) {
		if (!isdigit((unsigned char)content[i]))
			return ERR_FORMAT;
		v = v * 10 + (uint64_t)(content[i] - '0');
		if (v > UINT32_MAX)
			return ERR_FORMAT;
	}
	*serial = (uint32_t)v;
	return 0;
}

/* SOA content with its serial replaced; caller frees. */
static char *
soa_with_serial(const char *content, uint32_t serial)
{
	size_t a, b, n;
	char *out;

	if (soa_serial_span(content, &a, &b) != 0)
		return NULL;
	n = strlen(content) + 16;
	if ((out = malloc(n)) == NULL)
		return NULL;
	snprintf(
	    out, n, "%.*s%" PRIu32 "%s", (int)a, content, serial, content + b);
	return out;
}

/* Fills `z` from a ZONE_COLS row, then its SOA serial. */
static int
zone_from_row(struct store *st, struct sql_stmt *s, struct store_zone *z)
{
	const char *name = st->drv->column_text(s, 1);

	memset(z, 0, sizeof(*z));
	z->id = st->drv->column_int(s, 0);
	snprintf(z->name, sizeof(z->name), "%s", name ? name : "");
	z->kind = store_zone_kind_from_str(st->drv->column_text(s, 2));
	z->generation = st->drv->column_int(s, 3);
	if (!st->drv->column_null(s, 4)) {
		z->has_served = true;
		z->served_serial = (uint32_t)st->drv->column_int(s, 4);
	}
	return 0;
}

/* Steps *s to the zone's SOA row: the apex row in the store's own
 * spelling first (an index lookup), else any row of type SOA in any
 * case (a scan of the zone). Returns SQL_ROW, SQL_DONE or an error;
 * *s is to be released with done() either way. */
static int
soa_step(struct store *st, int64_t zone_id, struct sql_stmt **s)
{
	int rc;

	if ((rc = query(st, Q_ZONE_SOA_APEX, s, "ii", zone_id, zone_id)) != 0)
		return rc;
	if ((rc = st->drv->step(*s)) != SQL_DONE)
		return rc;
	done(st, *s);
	*s = NULL;
	if ((rc = query(st, Q_ZONE_SOA, s, "i", zone_id)) != 0)
		return rc;
	return st->drv->step(*s);
}

static int
zone_serial(struct store *st, struct store_zone *z)
{
	struct sql_stmt *s = NULL;
	int rc;

	if ((rc = soa_step(st, z->id, &s)) == SQL_ROW) {
		z->has_serial =
		    soa_serial(st->drv->column_text(s, 2), &z->serial) == 0;
		rc = 0;
	}
	done(st, s);
	return rc;
}

int
store_zone_get(struct store *st, const char *name, struct store_zone *out)
{
	struct sql_stmt *s = NULL;
	char key[STORE_NAME_MAX];
	int rc;

	if (name_key(key, sizeof(key), name) != 0)
		return ERR_INVAL;
	if ((rc = query(st, Q_ZONE_BY_NAME, &s, "t", key)) != 0)
		return rc;
	rc = st->drv->step(s);
	if (rc == SQL_ROW)
		rc = zone_from_row(st, s, out);
	else if (rc == SQL_DONE)
		rc = ERR_NOTFOUND;
	done(st, s);
	if (rc == 0)
		rc = zone_serial(st, out);
	return rc;
}

int
store_zone_list(struct store *st, store_zone_cb cb, void *arg)
{
	struct store_zone *zs = NULL, *t, z;
	struct sql_stmt *s = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	/* collected first: the callback may use the store */
	if ((rc = query(st, Q_ZONE_LIST, &s, "")) != 0)
		return rc;
	while ((rc = st->drv->step(s)) == SQL_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((t = realloc(zs, cap * sizeof(*zs))) == NULL) {
				rc = ERR_NOMEM;
				break;
			}
			zs = t;
		}
		zone_from_row(st, s, &zs[n++]);
	}
	done(st, s);
	for (i = 0; rc == 0 && i < n; i++) {
		z = zs[i];
		if ((rc = zone_serial(st, &z)) == 0)
			rc = cb(arg, &z);
	}
	free(zs);
	return rc;
}

int
store_zone_create(
    struct store *st, const char *name, enum store_zone_kind kind, int64_t *id)
{
	char key[STORE_NAME_MAX];
	struct store_zone z;
	bool own;
	int rc;

	if (kind >= STORE_ZONE_OTHER || name_key(key, sizeof(key), name))
		return ERR_INVAL;
	if ((rc = wbegin(st, &own)) != 0)
		return rc;
	rc = store_zone_get(st, key, &z);
	if (rc == 0) {
		rc = ERR_EXISTS;
		goto out;
	}
	if (rc != ERR_NOTFOUND)
		goto out;
	rc = run(st, Q_ZONE_INSERT, NULL, "tt", key[0] ? key : ".",
	    kind_names[kind]);
	if (rc == 0 && id != NULL)
		*id = st->drv->last_id(st->conn);
out:
	return wend(st, own, rc);
}

int
store_zone_delete(struct store *st, int64_t zone_id)
{
	static const enum q dels[] = { Q_ZONE_DEL_RECORDS, Q_ZONE_DEL_META,
		Q_ZONE_DEL_KEYS, Q_ZONE_DEL_COMMENTS };
	int64_t n = 0;
	size_t i;
	bool own;
	int rc;

	if ((rc = wbegin(st, &own)) != 0)
		return rc;
	for (i = 0; rc == 0 && i < sizeof(dels) / sizeof(dels[0]); i++)
		rc = run(st, dels[i], NULL, "i", zone_id);
	/* the domains trigger drops our state, pending rows and journal */
	if (rc == 0)
		rc = run(st, Q_ZONE_DEL, &n, "i", zone_id);
	if (rc == 0 && n == 0)
		rc = ERR_NOTFOUND;
	return wend(st, own, rc);
}

static int
zone_rows(struct store *st, int q, int64_t zone_id, store_row_cb cb, void *arg)
{
	struct sql_stmt *s = NULL;
	struct store_row row;
	bool own = false;
	int rc;

	if (!st->in_txn) {
		rc = st->drv->exec(st->conn, st->drv->begin_read);
		if (rc != 0)
			return rc;
		st->in_txn = own = true;
	}
	if ((rc = query(st, q, &s, "i", zone_id)) != 0)
		goto out;
	while ((rc = st->drv->step(s)) == SQL_ROW) {
		row.id = st->drv->column_int(s, 0);
		row.name = st->drv->column_text(s, 1);
		row.type = st->drv->column_text(s, 2);
		row.content = st->drv->column_text(s, 3);
		row.ttl = st->drv->column_int(s, 4);
		row.has_prio = !st->drv->column_null(s, 5);
		row.prio = st->drv->column_int(s, 5);
		if (row.name == NULL)
			row.name = "";
		if (row.content == NULL)
			row.content = "";
		if ((rc = cb(arg, &row)) != 0)
			break;
	}
out:
	done(st, s);
	if (own) {
		/* a read transaction: nothing to keep, COMMIT just ends it */
		st->in_txn = false;
		st->drv->exec(st->conn, "COMMIT");
	}
	return rc;
}

int
store_zone_read(struct store *st, int64_t zone_id, store_row_cb cb, void *arg)
{
	return zone_rows(st, Q_ZONE_READ, zone_id, cb, arg);
}

int
store_zone_load(struct store *st, int64_t zone_id, store_row_cb cb, void *arg)
{
	return zone_rows(st, Q_ZONE_LOAD, zone_id, cb, arg);
}

/* Number of whitespace-separated fields of `s`. */
static int
count_fields(const char *s)
{
	int n = 0;

	while (*s != '\0') {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		n++;
		while (*s != '\0' && !isspace((unsigned char)*s))
			s++;
	}
	return n;
}

/* Fields MX and SRV content has without the preference; 0 otherwise. */
static int
prio_fields(const char *type)
{
	if (strcasecmp(type, "MX") == 0)
		return 1;
	if (strcasecmp(type, "SRV") == 0)
		return 3;
	return 0;
}

struct row_parse {
	struct store_rr *out;
	int n;
};

static int
row_parse_cb(void *arg, const struct zf_rr *rr)
{
	struct row_parse *p = arg;

	if (p->n++ > 0)
		return ERR_FORMAT;
	memcpy(p->out->owner, rr->owner, dname_len(rr->owner));
	p->out->type = rr->type;
	p->out->ttl = rr->ttl;
	p->out->rdlen = rr->rdlen;
	memcpy(p->out->rdata, rr->rdata, rr->rdlen);
	return 0;
}

static bool
safe_token(const char *s)
{
	if (*s == '\0' || *s == '$')
		return false;
	for (; *s != '\0'; s++) {
		if (isspace((unsigned char)*s) || strchr(";()\"", *s) != NULL)
			return false;
	}
	return true;
}

static int
row_to_rr(const char *zone, const struct store_row *row, struct store_rr *out,
    bool quiet)
{
	struct row_parse p = { out, 0 };
	const char *name = row->name ? row->name : "";
	const char *content = row->content ? row->content : "";
	const char *type = row->type ? row->type : "";
	const char *why = "does not parse";
	char err[256] = "";
	char prio[24] = "";
	char *text = NULL;
	size_t len;
	int rc = ERR_FORMAT, pf;

	if (zone == NULL || zone[0] == '\0')
		zone = ".";
	if (store_row_to_rr_fast(zone, row, out) == 0)
		return 0;
	if (!safe_token(type) || (name[0] != '\0' && !safe_token(name)) ||
	    strpbrk(content, "\r\n") != NULL) {
		why = "has a bad name, type or content";
		goto out;
	}
	if (row->ttl < 0 || row->ttl > ZONEFILE_MAX_TTL) {
		why = "has a bad TTL";
		goto out;
	}
	pf = prio_fields(type);
	if (pf > 0 && count_fields(content) == pf)
		snprintf(prio, sizeof(prio), "%" PRId64 " ",
		    row->has_prio ? row->prio : 0);
	/* names in content are absolute, with or without the final dot */
	len = strlen(name) + strlen(type) + strlen(content) + 64;
	if ((text = malloc(len)) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	snprintf(text, len, "$ORIGIN .\n%s%s %" PRId64 " IN %s %s%s\n", name,
	    name[0] != '\0' && name[strlen(name) - 1] == '.' ? "" : ".",
	    row->ttl, type, prio, content);
	rc = zonefile_read_mem(text, strlen(text), "row", zone, 0, row_parse_cb,
	    NULL, &p, err, sizeof(err));
	if (rc == 0 && p.n != 1) {
		why = "is outside the zone";
		rc = ERR_FORMAT;
	}
	if (rc == ERR_NOMEM)
		goto out;
	if (rc != 0)
		rc = ERR_FORMAT;
out:
	if (rc == ERR_FORMAT && !quiet)
		log_warn("store: zone %s: skipping row id %" PRId64
		         " (%s %s) that %s%s%s",
		    zone, row->id, name, type, why, err[0] ? ": " : "", err);
	free(text);
	return rc;
}

int
store_row_to_rr(
    const char *zone, const struct store_row *row, struct store_rr *out)
{
	return row_to_rr(zone, row, out, false);
}

int
store_row_to_rr_quiet(
    const char *zone, const struct store_row *row, struct store_rr *out)
{
	return row_to_rr(zone, row, out, true);
}

/* A row as store_rr_add writes it: name lower case without the final
 * dot into `key`, type upper case into `utype`; for MX and SRV without
 * a given `prio`, the preference moved from the content (*content
 * advanced past it) to *prio; a negative prio becomes 0. */
static int
rr_norm(char key[STORE_NAME_MAX], char utype[16], const char *name,
    const char *type, const char **content, int64_t *prio)
{
	const char *c = *content;
	size_t i;
	int pf;

	if (name == NULL || type == NULL || c == NULL ||
	    name_key(key, STORE_NAME_MAX, name) != 0 || type[0] == '\0' ||
	    strlen(type) >= 16 || c[0] == '\0')
		return ERR_INVAL;
	for (i = 0; type[i] != '\0'; i++)
		utype[i] = (char)toupper((unsigned char)type[i]);
	utype[i] = '\0';
	pf = prio_fields(utype);
	if (pf > 0 && *prio < 0 && count_fields(c) == pf + 1) {
		/* PowerDNS keeps the preference in prio */
		while (isspace((unsigned char)*c))
			c++;
		*prio = strtoll(c, NULL, 10);
		while (*c != '\0' && !isspace((unsigned char)*c))
			c++;
		while (isspace((unsigned char)*c))
			c++;
	}
	if (*prio < 0)
		*prio = 0;
	if (key[0] == '\0')
		snprintf(key, STORE_NAME_MAX, ".");
	*content = c;
	return 0;
}

int
store_rr_add(struct store *st, int64_t zone_id, const char *name,
    const char *type, const char *content, int64_t ttl, int64_t prio)
{
	char key[STORE_NAME_MAX], utype[16];
	int rc;

	if ((rc = rr_norm(key, utype, name, type, &content, &prio)) != 0)
		return rc;
	return run(st, Q_RR_ADD, NULL, "itttii", zone_id, key, utype, content,
	    ttl, prio);
}

int
store_rrset_delete(struct store *st, int64_t zone_id, const char *name,
    const char *type, int64_t *deleted)
{
	char key[STORE_NAME_MAX], utype[16];
	int64_t n = 0;
	size_t i;
	int rc;

	if (name_key(key, sizeof(key), name) != 0 ||
	    strlen(type) >= sizeof(utype))
		return ERR_INVAL;
	for (i = 0; type[i] != '\0'; i++)
		utype[i] = (char)toupper((unsigned char)type[i]);
	utype[i] = '\0';
	rc = run(st, Q_RRSET_DEL, &n, "itt", zone_id, key, utype);
	if (rc == 0 && deleted != NULL)
		*deleted = n;
	return rc;
}

int
store_metadata_list(struct store *st, int64_t zone_id, const char *kind,
    store_meta_cb cb, void *arg)
{
	struct sql_stmt *s = NULL;
	const char *k, *v;
	int rc;

	if (kind != NULL)
		rc = query(st, Q_META_KIND, &s, "it", zone_id, kind);
	else
		rc = query(st, Q_META_ALL, &s, "i", zone_id);
	if (rc != 0)
		return rc;
	while ((rc = st->drv->step(s)) == SQL_ROW) {
		k = st->drv->column_text(s, 0);
		v = st->drv->column_text(s, 1);
		if ((rc = cb(arg, k ? k : "", v ? v : "")) != 0)
			break;
	}
	done(st, s);
	return rc;
}

struct meta_first {
	char *buf;
	size_t len;
	int rc;
};

static int
meta_first_cb(void *arg, const char *kind, const char *content)
{
	struct meta_first *m = arg;

	(void)kind;
	if (strlen(content) >= m->len)
		m->rc = ERR_SPACE;
	else
		memcpy(m->buf, content, strlen(content) + 1);
	if (m->rc == ERR_NOTFOUND)
		m->rc = 0;
	return 1; /* first value only */
}

int
store_metadata_get(
    struct store *st, int64_t zone_id, const char *kind, char *buf, size_t len)
{
	struct meta_first m = { buf, len, ERR_NOTFOUND };
	int rc;

	rc = store_metadata_list(st, zone_id, kind, meta_first_cb, &m);
	if (rc < 0)
		return rc;
	return m.rc;
}

int
store_metadata_set(struct store *st, int64_t zone_id, const char *kind,
    const char *const *values, size_t n)
{
	bool own;
	size_t i;
	int rc;

	if (kind == NULL || kind[0] == '\0')
		return ERR_INVAL;
	if ((rc = wbegin(st, &own)) != 0)
		return rc;
	rc = run(st, Q_META_DEL, NULL, "it", zone_id, kind);
	for (i = 0; rc == 0 && i < n; i++)
		rc = run(st, Q_META_INS, NULL, "itt", zone_id, kind, values[i]);
	return wend(st, own, rc);
}

/* The serial steward */

struct pend {
	bool add;
	bool dead; /* cancelled by a later opposite change */
	char *name, *type, *content;
	bool ttl_null, prio_null;
	int64_t ttl, prio;
	int64_t id, txid;
	int64_t last; /* the last row id of its transaction: the batch key */
};

struct pendv {
	struct pend *v;
	size_t n, cap;
};

static void
pendv_fini(struct pendv *pv)
{
	size_t i;

	for (i = 0; i < pv->n; i++) {
		free(pv->v[i].name);
		free(pv->v[i].type);
		free(pv->v[i].content);
	}
	free(pv->v);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static bool
same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The same DNS row: names and types in any case, trailing dot or not. */
static bool
same_row(const struct pend *a, const struct pend *b)
{
	char ka[STORE_NAME_MAX], kb[STORE_NAME_MAX];

	if (a->ttl_null != b->ttl_null || a->prio_null != b->prio_null ||
	    (!a->ttl_null && a->ttl != b->ttl) ||
	    (!a->prio_null && a->prio != b->prio))
		return false;
	if (a->type == NULL || b->type == NULL || a->name == NULL ||
	    b->name == NULL || strcasecmp(a->type, b->type) != 0)
		return false;
	if (name_key(ka, sizeof(ka), a->name) != 0 ||
	    name_key(kb, sizeof(kb), b->name) != 0 || strcmp(ka, kb) != 0)
		return false;
	return same_text(a->content, b->content);
}

static int
load_pending(struct store *st, int64_t zone_id, struct pendv *pv)
{
	struct sql_stmt *s = NULL;
	struct pend *p, *t;
	int rc;

	if ((rc = query(st, Q_PEND_GET, &s, "i", zone_id)) != 0)
		return rc;
	while ((rc = st->drv->step(s)) == SQL_ROW) {
		if (pv->n == pv->cap) {
			pv->cap = pv->cap ? pv->cap * 2 : 32;
			t = realloc(pv->v, pv->cap * sizeof(*t));
			if (t == NULL) {
				rc = ERR_NOMEM;
				break;
			}
			pv->v = t;
		}
		p = &pv->v[pv->n++];
		memset(p, 0, sizeof(*p));
		p->id = st->drv->column_int(s, 0);
		p->add = same_text(st->drv->column_text(s, 1), "add");
		p->name = dup_or_null(st->drv->column_text(s, 2));
		p->type = dup_or_null(st->drv->column_text(s, 3));
		p->content = dup_or_null(st->drv->column_text(s, 4));
		p->ttl_null = st->drv->column_null(s, 5);
		p->ttl = st->drv->column_int(s, 5);
		p->prio_null = st->drv->column_null(s, 6);
		p->prio = st->drv->column_int(s, 6);
		p->txid = st->drv->column_int(s, 7);
		if ((p->name == NULL && st->drv->column_text(s, 2) != NULL) ||
		    (p->content == NULL &&
		        st->drv->column_text(s, 4) != NULL)) {
			rc = ERR_NOMEM;
			break;
		}
	}
	done(st, s);
	return rc;
}

static int
by_txid(const void *a, const void *b)
{
	const struct pend *x = a, *y = b;

	if (x->txid != y->txid)
		return x->txid < y->txid ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
by_batch(const void *a, const void *b)
{
	const struct pend *x = a, *y = b;

	if (x->last != y->last)
		return x->last < y->last ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Orders the pending rows batch by batch: a batch is the rows of one
 * writing transaction (txid), and batches follow the last row id of
 * each. A transaction that waits for another's row lock writes that row
 * after the other committed, so conflicting transactions keep their
 * commit order even when their rows interleave by id; transactions that
 * do not conflict commute. Within a batch, rows stay in id order. */
static void
order_batches(struct pendv *pv)
{
	size_t a, b, i;

	if (pv->n == 0)
		return;
	qsort(pv->v, pv->n, sizeof(*pv->v), by_txid);
	for (a = 0; a < pv->n; a = b) {
		for (b = a + 1; b < pv->n && pv->v[b].txid == pv->v[a].txid;
		     b++)
			;
		for (i = a; i < b; i++)
			pv->v[i].last = pv->v[b - 1].id;
	}
	qsort(pv->v, pv->n, sizeof(*pv->v), by_batch);
}

/* net_diff's view of a change: its row in comparable form */
struct nd {
	struct pend *p;
	char *name; /* name_key of the name; NULL: matches nothing */
	size_t i;   /* place in the batch */
};

static int
nd_row_cmp(const struct nd *a, const struct nd *b)
{
	const struct pend *p = a->p, *q = b->p;
	int c;

	if (a->name == NULL || b->name == NULL)
		return (a->name == NULL) - (b->name == NULL);
	if (p->ttl_null != q->ttl_null)
		return p->ttl_null ? -1 : 1;
	if (!p->ttl_null && p->ttl != q->ttl)
		return p->ttl < q->ttl ? -1 : 1;
	if (p->prio_null != q->prio_null)
		return p->prio_null ? -1 : 1;
	if (!p->prio_null && p->prio != q->prio)
		return p->prio < q->prio ? -1 : 1;
	if ((c = strcasecmp(p->type, q->type)) != 0)
		return c;
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	if (p->content == NULL || q->content == NULL)
		return (q->content == NULL) - (p->content == NULL);
	return strcmp(p->content, q->content);
}

static int
nd_cmp(const void *x, const void *y)
{
	const struct nd *a = x, *b = y;
	int c = nd_row_cmp(a, b);

	if (c != 0)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Cancels changes undone later in the batch of `n` rows at `v`, so that
 * what is left is the net difference: each change meets the first later
 * opposite change of the same row (same_row) not met yet. The changes
 * are sorted by row, then walked in batch order row by row: the open
 * (unmet) changes of a row are all of one kind, so each opposite change
 * meets the oldest open one. O(n log n): an UPDATE of a whole zone is
 * millions of changes. */
static int
net_diff(struct pend *v, size_t n)
{
	char key[STORE_NAME_MAX];
	struct nd *d;
	size_t *open, i, j, k, head, tail;
	int rc = 0;

	if (n < 2)
		return 0;
	d = calloc(n, sizeof(*d));
	open = calloc(n, sizeof(*open));
	if (d == NULL || open == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		d[i].p = &v[i];
		d[i].i = i;
		if (v[i].dead || v[i].type == NULL || v[i].name == NULL ||
		    name_key(key, sizeof(key), v[i].name) != 0)
			continue;
		if ((d[i].name = strdup(key)) == NULL) {
			rc = ERR_NOMEM;
			goto out;
		}
	}
	qsort(d, n, sizeof(*d), nd_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && d[i].name != NULL &&
		                nd_row_cmp(&d[i], &d[j]) == 0;
		     j++)
			;
		if (d[i].name == NULL)
			continue;
		head = tail = 0;
		for (k = i; k < j; k++) {
			struct pend *p = d[k].p;

			if (head < tail && v[open[head]].add != p->add) {
				v[open[head++]].dead = true;
				p->dead = true;
			} else {
				open[tail++] = d[k].i;
			}
		}
	}
out:
	if (d != NULL)
		for (i = 0; i < n; i++)
			free(d[i].name);
	free(d);
	free(open);
	return rc;
}

static bool
is_soa(const struct pend *p)
{
	return p->type != NULL && strcasecmp(p->type, "SOA") == 0;
}

static uint32_t
next_serial(struct store *st, int64_t zone_id, uint32_t old)
{
	char policy[64] = "increment";
	time_t now = time(NULL);
	uint32_t want = old + 1;
	struct tm tm;

	if (store_metadata_get(
	        st, zone_id, "X-SERIAL-POLICY", policy, sizeof(policy)) < 0 &&
	    strcmp(policy, "increment") != 0)
		snprintf(policy, sizeof(policy), "increment");
	if (strcasecmp(policy, "unixtime") == 0) {
		want = (uint32_t)now;
	} else if (strcasecmp(policy, "date") == 0) {
		gmtime_r(&now, &tm);
		want = (uint32_t)(tm.tm_year + 1900) * 1000000U +
		       (uint32_t)(tm.tm_mon + 1) * 10000U +
		       (uint32_t)tm.tm_mday * 100U;
	} else if (strcasecmp(policy, "increment") != 0) {
		log_warn("store: zone id %" PRId64
		         ": unknown X-SERIAL-POLICY '%s', using increment",
		    zone_id, policy);
	}
	/* never go back: the next serial when the clock is not ahead */
	if (!store_serial_gt(want, old))
		want = old + 1;
	return want;
}

static int
journal_add(struct store *st, int64_t zone_id, uint32_t from, uint32_t to,
    const struct pend *p, int64_t at)
{
	struct sql_stmt *s = NULL;
	int rc;

	if ((rc = stmt(st, Q_JOURNAL_INS, &s)) != 0)
		return rc;
	rc = st->drv->bind_int(s, 1, zone_id);
	if (rc == 0)
		rc = st->drv->bind_int(s, 2, from);
	if (rc == 0)
		rc = st->drv->bind_int(s, 3, to);
	if (rc == 0)
		rc = st->drv->bind_text(s, 4, p->add ? "add" : "del");
	if (rc == 0)
		rc = st->drv->bind_text(s, 5, p->name);
	if (rc == 0)
		rc = st->drv->bind_text(s, 6, p->type);
	if (rc == 0)
		rc = st->drv->bind_text(s, 7, p->content);
	if (rc == 0)
		rc = p->ttl_null ? st->drv->bind_null(s, 8)
		                 : st->drv->bind_int(s, 8, p->ttl);
	if (rc == 0)
		rc = p->prio_null ? st->drv->bind_null(s, 9)
		                  : st->drv->bind_int(s, 9, p->prio);
	if (rc == 0)
		rc = st->drv->bind_int(s, 10, at);
	if (rc == 0 && (rc = st->drv->step(s)) == SQL_ROW)
		rc = 0;
	done(st, s);
	return rc;
}

/* Current SOA row of the zone; *found false when there is none. */
static int
soa_row(struct store *st, int64_t zone_id, bool *found, int64_t *id,
    struct pend *soa)
{
	struct sql_stmt *s = NULL;
	int rc;

	*found = false;
	if ((rc = soa_step(st, zone_id, &s)) == SQL_ROW) {
		*found = true;
		*id = st->drv->column_int(s, 0);
		soa->name = dup_or_null(st->drv->column_text(s, 1));
		soa->type = strdup("SOA");
		soa->content = dup_or_null(st->drv->column_text(s, 2));
		soa->ttl_null = st->drv->column_null(s, 3);
		soa->ttl = st->drv->column_int(s, 3);
		soa->prio_null = st->drv->column_null(s, 4);
		soa->prio = st->drv->column_int(s, 4);
		rc = soa->name && soa->type && soa->content ? 0 : ERR_NOMEM;
	}
	done(st, s);
	return rc;
}

/* Journals one serial step (from -> to) of the batch of `n` rows at `v`:
 * IXFR order, old SOA, deletions, new SOA, additions. */
static int
journal_step(struct store *st, int64_t zone_id, uint32_t from, uint32_t to,
    const struct pend *oldsoa, const struct pend *newsoa, const struct pend *v,
    size_t n, int64_t at)
{
	struct pend del = *oldsoa, add = *newsoa;
	size_t i;
	int rc;

	del.add = false;
	add.add = true;
	rc = journal_add(st, zone_id, from, to, &del, at);
	for (i = 0; rc == 0 && i < n; i++) {
		if (!v[i].dead && !v[i].add && !is_soa(&v[i]))
			rc = journal_add(st, zone_id, from, to, &v[i], at);
	}
	if (rc == 0)
		rc = journal_add(st, zone_id, from, to, &add, at);
	for (i = 0; rc == 0 && i < n; i++) {
		if (!v[i].dead && v[i].add && !is_soa(&v[i]))
			rc = journal_add(st, zone_id, from, to, &v[i], at);
	}
	return rc;
}

/*
 * Automatic journal pruning, BIND's max-journal-size counted in rows:
 * after the steward writes a zone's step, the journal is cut back when
 * it holds more than the zone's limit, metadata X-JOURNAL-MAX-ROWS (a
 * number of rows, or "unlimited" for no automatic pruning), else
 * JOURNAL_MAX_ROWS. Rows, not steps: they bound the disk and the IXFR
 * work whatever the size of the steps (one `zone import` can be 100000
 * rows, a dynamic update 3). 100000 rows are thousands of the usual
 * small steps (a DNS UPDATE every second keeps hours of them; an IXFR
 * client or a server's snapshot further behind gets a full transfer,
 * as it must) and some 10-20 MB of table per busy zone.
 *
 * When over the limit, the oldest steps go, whole, until at most
 * limit - limit/8 rows are left: finding the cut walks that many index
 * entries, which is then paid once per limit/8 rows written rather
 * than at every step. Whether the limit is passed at all is told from
 * the zone's oldest and newest entry ids (two index lookups; ids are
 * unique, so their span bounds the number of rows). The step just
 * written is never pruned, even when it alone is over the limit.
 */
#define JOURNAL_MAX_ROWS 100000

/* The zone's row limit; -1: unlimited. */
static int64_t
journal_max_rows(struct store *st, int64_t zone_id)
{
	char buf[32] = "", *end;
	long long v;
	int rc;

	rc = store_metadata_get(
	    st, zone_id, "X-JOURNAL-MAX-ROWS", buf, sizeof(buf));
	if (rc == ERR_NOTFOUND)
		return JOURNAL_MAX_ROWS;
	if (rc == 0 && strcasecmp(buf, "unlimited") == 0)
		return -1;
	if (rc == 0) {
		v = strtoll(buf, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		if (end != buf && *end == '\0' && v >= 0)
			return v;
	}
	log_warn("store: zone id %" PRId64
	         ": bad X-JOURNAL-MAX-ROWS '%s', using %d",
	    zone_id, buf, JOURNAL_MAX_ROWS);
	return JOURNAL_MAX_ROWS;
}

/* Prunes the zone's journal to its limit after the step from -> to,
 * the newest, was written (see above). */
static int
journal_autoprune(struct store *st, int64_t zone_id, uint32_t from, uint32_t to)
{
	struct sql_stmt *s = NULL;
	int64_t max, keep, oldest = 0, newest = 0, cut = 0, cfrom = 0, cto = 0;
	bool found = false;
	int rc;

	if ((max = journal_max_rows(st, zone_id)) < 0)
		return 0;
	if ((rc = query(st, Q_JOURNAL_SPAN, &s, "ii", zone_id, zone_id)) != 0)
		return rc;
	if ((rc = st->drv->step(s)) == SQL_ROW) {
		found =
		    !st->drv->column_null(s, 0) && !st->drv->column_null(s, 1);
		oldest = st->drv->column_int(s, 0);
		newest = st->drv->column_int(s, 1);
		rc = 0;
	}
	done(st, s);
	if (rc != 0 || !found || newest - oldest + 1 <= max)
		return rc;
	/* the newest entry that has to go */
	keep = max - max / 8;
	found = false;
	if ((rc = query(st, Q_JOURNAL_NTH, &s, "ii", zone_id, keep)) != 0)
		return rc;
	if ((rc = st->drv->step(s)) == SQL_ROW) {
		found = true;
		cut = st->drv->column_int(s, 0);
		cfrom = st->drv->column_int(s, 1);
		cto = st->drv->column_int(s, 2);
		rc = 0;
	}
	done(st, s);
	if (rc != 0 || !found)
		return rc;
	if (cfrom != (int64_t)from || cto != (int64_t)to)
		/* its step and every older one */
		return run(st, Q_JOURNAL_PRUNE, NULL, "iiiii", zone_id, cut,
		    cfrom, cto, cut);
	/* the cut falls in the step just written: it stays whole, every
	 * older step goes */
	found = false;
	if ((rc = query(st, Q_JOURNAL_STEP_START, &s, "iii", zone_id,
	         (int64_t)from, (int64_t)to)) != 0)
		return rc;
	if ((rc = st->drv->step(s)) == SQL_ROW) {
		found = !st->drv->column_null(s, 0);
		cut = st->drv->column_int(s, 0);
		rc = 0;
	}
	done(st, s);
	if (rc != 0 || !found)
		return rc;
	return run(st, Q_JOURNAL_PRUNE_BEFORE, NULL, "ii", zone_id, cut);
}

static int
steward_zone(struct store *st, int64_t zone_id, bool *stepped)
{
	struct pend cur = { 0 }, prev, next;
	const struct pend *old = &cur, *end;
	struct pendv pv = { 0 };
	struct sql_stmt *s = NULL;
	uint32_t old_serial, cur_serial, new_serial = 0, end_serial, from = 0;
	int64_t soa_id = 0, now = (int64_t)time(NULL);
	char *prev_content = NULL, *content = NULL;
	bool found, served = false, changed;
	size_t a, b, i;
	int rc;

	*stepped = false;
	/* the zone's state first: on PostgreSQL that row lock waits for
	 * writers of the zone in flight and holds off new ones until our
	 * commit, so the pending rows read are the ones deleted below */
	if ((rc = query(st, Q_STATE_GET, &s, "i", zone_id)) != 0)
		goto out;
	if ((rc = st->drv->step(s)) == SQL_ROW) {
		served = !st->drv->column_null(s, 0);
		old_serial = (uint32_t)st->drv->column_int(s, 0);
		rc = 0;
	}
	done(st, s);
	if (rc != 0)
		goto out;
	if ((rc = load_pending(st, zone_id, &pv)) != 0 || pv.n == 0)
		goto out;
	order_batches(&pv);
	if ((rc = soa_row(st, zone_id, &found, &soa_id, &cur)) != 0)
		goto out;
	if (!found || soa_serial(cur.content, &cur_serial) != 0) {
		log_warn("store: zone id %" PRId64 " has no usable SOA row; "
		         "dropping %zu pending changes",
		    zone_id, pv.n);
		goto drop;
	}
	/* the SOA as served before the batches: the first deletion; an SOA
	 * added first means a new zone, with nothing to journal */
	for (i = 0; i < pv.n; i++) {
		if (is_soa(&pv.v[i])) {
			if (!pv.v[i].add)
				old = &pv.v[i];
			break;
		}
	}
	if (!served && i < pv.n && old == &cur) {
		new_serial = cur_serial;
		goto served;
	}
	if (!served)
		old_serial = cur_serial;
	if (soa_serial(old->content, &old_serial) != 0)
		old = &cur;
	/* one serial step per batch that changes DNS data; `prev` is the
	 * SOA as of the last step (its content owned by prev_content) */
	prev = *old;
	prev.add = false;
	new_serial = old_serial;
	for (a = 0; a < pv.n; a = b) {
		for (b = a + 1; b < pv.n && pv.v[b].last == pv.v[a].last; b++)
			;
		if ((rc = net_diff(pv.v + a, b - a)) != 0)
			goto out;
		/* the batch's SOA: the last one it added */
		end = &prev;
		for (i = a; i < b; i++) {
			if (is_soa(&pv.v[i]) && pv.v[i].add)
				end = &pv.v[i];
		}
		changed = !same_row(&prev, end);
		for (i = a; i < b && !changed; i++)
			changed = !pv.v[i].dead && !is_soa(&pv.v[i]);
		if (!changed)
			continue;
		from = new_serial;
		if (soa_serial(end->content, &end_serial) == 0 &&
		    store_serial_gt(end_serial, from))
			new_serial = end_serial; /* the batch set a newer one */
		else
			new_serial = next_serial(st, zone_id, from);
		if ((content = soa_with_serial(end->content, new_serial)) ==
		    NULL) {
			rc = ERR_NOMEM;
			goto out;
		}
		next = *end;
		next.content = content;
		rc = journal_step(st, zone_id, from, new_serial, &prev, &next,
		    pv.v + a, b - a, now);
		free(prev_content);
		prev_content = content;
		content = NULL;
		prev = next;
		if (rc != 0)
			goto out;
		*stepped = true;
	}
	if (!*stepped)
		goto drop;
	/* the journal back to its size limit, the step just written kept */
	if ((rc = journal_autoprune(st, zone_id, from, new_serial)) != 0)
		goto out;
	/* the SOA row shows the serial served */
	if ((content = soa_with_serial(cur.content, new_serial)) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	if (strcmp(content, cur.content) != 0 &&
	    (rc = run(st, Q_SOA_SET, NULL, "ti", content, soa_id)) != 0)
		goto out;
served:
	rc = run(
	    st, Q_STATE_SET, NULL, "iii", (int64_t)new_serial, now, zone_id);
	if (rc != 0)
		goto out;
drop:
	rc = run(st, Q_PEND_DEL, NULL, "i", zone_id);
out:
	free(cur.name);
	free(cur.type);
	free(cur.content);
	free(prev_content);
	free(content);
	pendv_fini(&pv);
	return rc;
}

int
store_bump_serial(struct store *st, int64_t zone_id)
{
	bool stepped;

	if (!st->in_txn)
		return ERR_INVAL;
	return steward_zone(st, zone_id, &stepped);
}

int
store_steward_pass(struct store *st, int *zones_changed)
{
	struct sql_stmt *s = NULL;
	int64_t *ids = NULL, *t;
	size_t n = 0, cap = 0, i;
	bool own, stepped;
	int rc, count = 0;

	if ((rc = wbegin(st, &own)) != 0)
		return rc;
	if ((rc = query(st, Q_PEND_ZONES, &s, "")) != 0)
		goto out;
	while ((rc = st->drv->step(s)) == SQL_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((t = realloc(ids, cap * sizeof(*ids))) == NULL) {
				rc = ERR_NOMEM;
				break;
			}
			ids = t;
		}
		ids[n++] = st->drv->column_int(s, 0);
	}
	done(st, s);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = steward_zone(st, ids[i], &stepped);
		count += stepped;
	}
out:
	free(ids);
	rc = wend(st, own, rc);
	if (rc == 0 && zones_changed != NULL)
		*zones_changed = count;
	return rc;
}

int
store_steward_lease(struct store *st, const char *holder, int ttl, bool *got)
{
	int64_t now = (int64_t)time(NULL), n = 0;
	bool own;
	int rc;

	if ((rc = wbegin(st, &own)) != 0)
		return rc;
	rc = run(st, Q_LEASE, &n, "tii", holder, now + ttl, now);
	if (rc == 0)
		*got = n > 0;
	return wend(st, own, rc);
}

int
store_journal_read(struct store *st, int64_t zone_id, uint32_t from,
    store_journal_cb cb, void *arg)
{
	struct store_journal_entry e;
	struct sql_stmt *s = NULL;
	struct store_zone z;
	bool own = false, have = false;
	const char *op;
	int64_t start = 0;
	int rc;

	if (!st->in_txn) {
		rc = st->drv->exec(st->conn, st->drv->begin_read);
		if (rc != 0)
			return rc;
		st->in_txn = own = true;
	}
	if ((rc = query(
	         st, Q_JOURNAL_START, &s, "ii", zone_id, (int64_t)from)) != 0)
		goto out;
	if ((rc = st->drv->step(s)) == SQL_ROW) {
		have = !st->drv->column_null(s, 0);
		start = st->drv->column_int(s, 0);
		rc = 0;
	}
	done(st, s);
	s = NULL;
	if (rc != 0)
		goto out;
	if (!have) {
		/* up to date, or too old for the journal */
		if ((rc = query(st, Q_ZONE_BY_ID, &s, "i", zone_id)) != 0)
			goto out;
		rc = st->drv->step(s);
		if (rc == SQL_ROW)
			rc = zone_from_row(st, s, &z);
		else if (rc == SQL_DONE)
			rc = ERR_NOTFOUND;
		if (rc == 0 && (!z.has_served || z.served_serial != from))
			rc = ERR_NOTFOUND;
		goto out;
	}
	if ((rc = query(st, Q_JOURNAL_READ, &s, "ii", zone_id, start)) != 0)
		goto out;
	while ((rc = st->drv->step(s)) == SQL_ROW) {
		memset(&e, 0, sizeof(e));
		e.id = e.row.id = st->drv->column_int(s, 0);
		e.serial_from = (uint32_t)st->drv->column_int(s, 1);
		e.serial_to = (uint32_t)st->drv->column_int(s, 2);
		op = st->drv->column_text(s, 3);
		e.add = op != NULL && strcmp(op, "add") == 0;
		e.row.name = st->drv->column_text(s, 4);
		e.row.type = st->drv->column_text(s, 5);
		e.row.content = st->drv->column_text(s, 6);
		e.row.ttl = st->drv->column_int(s, 7);
		e.row.has_prio = !st->drv->column_null(s, 8);
		e.row.prio = st->drv->column_int(s, 8);
		e.at = st->drv->column_int(s, 9);
		if (e.row.name == NULL)
			e.row.name = "";
		if (e.row.type == NULL)
			e.row.type = "";
		if (e.row.content == NULL)
			e.row.content = "";
		if ((rc = cb(arg, &e)) != 0)
			break;
	}
out:
	done(st, s);
	if (own) {
		st->in_txn = false;
		st->drv->exec(st->conn, "COMMIT");
	}
	return rc;
}

int
store_journal_prune(struct store *st, int64_t zone_id, int64_t max_rows)
{
	struct sql_stmt *s = NULL;
	int64_t cut = 0, from = 0, to = 0;
	bool own, found = false;
	int rc;

	if (max_rows < 0)
		return ERR_INVAL;
	if ((rc = wbegin(st, &own)) != 0)
		return rc;
	/* the newest entry that has to go; its whole step goes with it */
	if ((rc = query(st, Q_JOURNAL_NTH, &s, "ii", zone_id, max_rows)) != 0)
		goto out;
	if ((rc = st->drv->step(s)) == SQL_ROW) {
		found = true;
		cut = st->drv->column_int(s, 0);
		from = st->drv->column_int(s, 1);
		to = st->drv->column_int(s, 2);
		rc = 0;
	}
	done(st, s);
	if (rc == 0 && found)
		rc = run(st, Q_JOURNAL_PRUNE, NULL, "iiiii", zone_id, cut, from,
		    to, cut);
out:
	return wend(st, own, rc);
}

int
store_change_fd(struct store *st)
{
	if (st->drv->change_fd == NULL)
		return -1;
	return st->drv->change_fd(st->conn);
}

int
store_poll_changes(struct store *st, bool *changed)
{
	*changed = false;
	if (st->drv->poll_changes == NULL)
		return 0;
	return st->drv->poll_changes(st->conn, changed);
}

int
store_generations(struct store *st, store_gen_cb cb, void *arg)
{
	struct sql_stmt *s = NULL;
	int64_t(*v)[2] = NULL, (*t)[2];
	size_t n = 0, cap = 0, i;
	int rc;

	/* collected first: the callback may use the store */
	if ((rc = query(st, Q_GENERATIONS, &s, "")) != 0)
		return rc;
	while ((rc = st->drv->step(s)) == SQL_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((t = realloc(v, cap * sizeof(*v))) == NULL) {
				rc = ERR_NOMEM;
				break;
			}
			v = t;
		}
		v[n][0] = st->drv->column_int(s, 0);
		v[n][1] = st->drv->column_int(s, 1);
		n++;
	}
	done(st, s);
	for (i = 0; rc == 0 && i < n; i++)
		rc = cb(arg, v[i][0], v[i][1]);
	free(v);
	return rc;
}

/* Bulk loads */

/* Rows are collected in runs of up to BULK_RUN_ROWS (or BULK_RUN_TEXT
 * octets of text) and handed to the driver sorted by name and type: the
 * order of the records indexes (PowerDNS's name, name+type and
 * domain_id+name+type), so that their inserts land on neighbouring
 * pages instead of all over the indexes. Memory stays bounded by the
 * run, whatever the zone's size. */
#define BULK_RUN_ROWS (1 << 20)
#define BULK_RUN_TEXT (96 << 20)

struct bulk_rec {
	uint64_t key; /* the name's first 8 octets, big-endian: most
	                 comparisons end here, without touching the text */
	size_t name, type, content; /* offsets into text */
	int64_t ttl, prio;
};

/* A row's place in the sorted run. */
struct bulk_ord {
	uint64_t key;
	uint32_t i; /* index into v */
};

static uint64_t
bulk_key(const char *s)
{
	uint64_t k = 0;
	int i;

	for (i = 0; i < 8 && s[i] != '\0'; i++)
		k = k << 8 | (uint8_t)s[i];
	return k << (8 * (8 - i));
}

struct store_bulk {
	struct store *st;
	int64_t zone_id;
	struct sql_bulk *b; /* the driver's, or NULL: row by row */
	int64_t rows;
	bool on; /* the triggers skip the zone's rows */
	struct bulk_rec *v;
	struct bulk_ord *ord, *ordtmp; /* cap each: the sort */
	size_t n, cap;
	char *text;
	size_t len, tcap;
};

/* qsort has no argument: the run being sorted */
static const struct store_bulk *bulk_sorting;

/* Order of two rows whose keys are equal: name, type, then arrival. */
static int
bulk_tie_cmp(const void *x, const void *y)
{
	const struct bulk_ord *p = x, *q = y;
	const struct bulk_rec *a = &bulk_sorting->v[p->i],
	                      *b = &bulk_sorting->v[q->i];
	const char *t = bulk_sorting->text;
	int c = strcmp(t + a->name, t + b->name);

	if (c == 0)
		c = strcmp(t + a->type, t + b->type);
	if (c == 0)
		c = p->i < q->i ? -1 : p->i > q->i;
	return c;
}

/* Sorts the run into bk->ord: a stable LSD radix sort on the 8-octet
 * keys (a pass whose octet is the same in every key is skipped), then
 * each group of equal keys by name and type. A million rows sort in a
 * fraction of a merge sort of the rows themselves. */
static void
bulk_sort(struct store_bulk *bk)
{
	struct bulk_ord *a = bk->ord, *b = bk->ordtmp, *t;
	size_t n = bk->n, cnt[256], i, j;

	for (i = 0; i < n; i++) {
		a[i].key = bk->v[i].key;
		a[i].i = (uint32_t)i;
	}
	for (int shift = 0; shift < 64; shift += 8) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(a[i].key >> shift) & 0xff]++;
		if (cnt[(a[0].key >> shift) & 0xff] == n)
			continue;
		for (i = 0, j = 0; i < 256; i++) {
			size_t c = cnt[i];

			cnt[i] = j;
			j += c;
		}
		for (i = 0; i < n; i++)
			b[cnt[(a[i].key >> shift) & 0xff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	if (a != bk->ord)
		memcpy(bk->ord, a, n * sizeof(*a));
	bulk_sorting = bk;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && bk->ord[j].key == bk->ord[i].key; j++)
			;
		if (j - i > 1)
			qsort(
			    bk->ord + i, j - i, sizeof(*bk->ord), bulk_tie_cmp);
	}
	bulk_sorting = NULL;
}

/* Sorts the collected run by name (so the index inserts of the load
 * walk the B-trees in order) and hands it to the driver. */
static int
bulk_flush(struct store_bulk *bk)
{
	const struct bulk_rec *r;
	size_t i;
	int rc = 0;

	if (bk->n > 0)
		bulk_sort(bk);
	for (i = 0; rc == 0 && i < bk->n; i++) {
		r = &bk->v[bk->ord[i].i];
		rc = bk->st->drv->bulk_row(bk->b, bk->text + r->name,
		    bk->text + r->type, bk->text + r->content, r->ttl, r->prio);
	}
	/* the driver may hold on to the strings until told */
	if (rc == 0 && bk->st->drv->bulk_sync != NULL)
		rc = bk->st->drv->bulk_sync(bk->b);
	bk->n = 0;
	bk->len = 0;
	return rc;
}

static int
bulk_keep(struct store_bulk *bk, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1, cap;
	char *t;

	if (bk->len + n > bk->tcap) {
		cap = bk->tcap ? bk->tcap : 1 << 20;
		while (cap < bk->len + n)
			cap *= 2;
		if ((t = realloc(bk->text, cap)) == NULL)
			return ERR_NOMEM;
		bk->text = t;
		bk->tcap = cap;
	}
	memcpy(bk->text + bk->len, s, n);
	*off = bk->len;
	bk->len += n;
	return 0;
}

/* Adds a normalized row to the run, writing the run when it is full. */
static int
bulk_collect(struct store_bulk *bk, const char *name, const char *type,
    const char *content, int64_t ttl, int64_t prio)
{
	struct bulk_rec *r, *t;
	size_t cap;
	int rc;

	if (bk->n == bk->cap) {
		struct bulk_ord *o;

		cap = bk->cap ? bk->cap * 2 : 4096;
		if ((t = realloc(bk->v, cap * sizeof(*t))) == NULL)
			return ERR_NOMEM;
		bk->v = t;
		if ((o = realloc(bk->ord, cap * sizeof(*o))) == NULL)
			return ERR_NOMEM;
		bk->ord = o;
		if ((o = realloc(bk->ordtmp, cap * sizeof(*o))) == NULL)
			return ERR_NOMEM;
		bk->ordtmp = o;
		bk->cap = cap;
	}
	r = &bk->v[bk->n];
	if ((rc = bulk_keep(bk, name, &r->name)) != 0 ||
	    (rc = bulk_keep(bk, type, &r->type)) != 0 ||
	    (rc = bulk_keep(bk, content, &r->content)) != 0)
		return rc;
	r->key = bulk_key(bk->text + r->name);
	r->ttl = ttl;
	r->prio = prio;
	bk->n++;
	if (bk->n >= BULK_RUN_ROWS || bk->len >= BULK_RUN_TEXT)
		return bulk_flush(bk);
	return 0;
}

int
store_bulk_begin(struct store *st, int64_t zone_id, struct store_bulk **out)
{
	struct store_bulk *bk = NULL;
	struct sql_stmt *s = NULL;
	bool have = false;
	int rc;

	*out = NULL;
	if (!st->in_txn)
		return ERR_INVAL;
	/* the zone's state row, locked on PostgreSQL: writers of the zone
	 * in flight are waited for, new ones wait for our commit */
	if ((rc = query(st, Q_STATE_GET, &s, "i", zone_id)) != 0)
		return rc;
	if ((rc = st->drv->step(s)) == SQL_ROW) {
		have = true;
		rc = 0;
	}
	done(st, s);
	if (rc != 0)
		return rc;
	if (!have)
		return ERR_NOTFOUND;
	if ((rc = query(st, Q_ZONE_HAS_ROWS, &s, "i", zone_id)) != 0)
		return rc;
	rc = st->drv->step(s);
	done(st, s);
	if (rc == SQL_ROW)
		return ERR_EXISTS;
	if (rc != 0)
		return rc;
	if ((bk = calloc(1, sizeof(*bk))) == NULL)
		return ERR_NOMEM;
	bk->st = st;
	bk->zone_id = zone_id;
	if (q_text(st, Q_BULK_ON) != NULL &&
	    (rc = run(st, Q_BULK_ON, NULL, "i", zone_id)) != 0)
		goto out;
	bk->on = true;
	if (st->drv->bulk_open != NULL &&
	    (rc = st->drv->bulk_open(st->conn, zone_id, &bk->b)) != 0)
		goto out;
	*out = bk;
	bk = NULL;
out:
	store_bulk_free(bk);
	return rc;
}

int
store_bulk_add(struct store_bulk *bk, const char *name, const char *type,
    const char *content, int64_t ttl, int64_t prio)
{
	char key[STORE_NAME_MAX], utype[16];
	int rc;

	if ((rc = rr_norm(key, utype, name, type, &content, &prio)) != 0)
		return rc;
	if (bk->b != NULL)
		rc = bulk_collect(bk, key, utype, content, ttl, prio);
	else
		rc = run(bk->st, Q_RR_ADD, NULL, "itttii", bk->zone_id, key,
		    utype, content, ttl, prio);
	if (rc == 0)
		bk->rows++;
	return rc;
}

int
store_bulk_end(struct store_bulk *bk, int64_t *rows)
{
	struct store *st = bk->st;
	struct pend soa = { 0 };
	int64_t soa_id, now = (int64_t)time(NULL);
	uint32_t serial = 0;
	bool found = false;
	int rc = 0, rc2;

	if (bk->b != NULL) {
		rc = bulk_flush(bk);
		rc2 = st->drv->bulk_close(bk->b, rc != 0);
		bk->b = NULL;
		if (rc == 0)
			rc = rc2;
		if (rc != 0)
			goto out;
	}
	if (q_text(st, Q_BULK_OFF) != NULL &&
	    (rc = run(st, Q_BULK_OFF, NULL, "i", bk->zone_id)) != 0)
		goto out;
	bk->on = false;
	/* what the triggers and the steward's first pass would have left:
	 * one generation step, the loaded serial served, nothing pending,
	 * no journal (it starts at the loaded serial) */
	if ((rc = soa_row(st, bk->zone_id, &found, &soa_id, &soa)) != 0)
		goto out;
	if (found && soa_serial(soa.content, &serial) == 0)
		rc = run(st, Q_BULK_STATE, NULL, "iii", (int64_t)serial, now,
		    bk->zone_id);
	else
		rc = run(st, Q_BULK_STATE, NULL, "nii", now, bk->zone_id);
	if (rc == 0)
		rc = run(st, Q_PEND_DEL, NULL, "i", bk->zone_id);
	if (rc == 0)
		rc = run(st, Q_JOURNAL_DEL_ZONE, NULL, "i", bk->zone_id);
	if (rc == 0 && q_text(st, Q_BULK_NOTIFY) != NULL)
		rc = run(st, Q_BULK_NOTIFY, NULL, "i", bk->zone_id);
	if (rc == 0 && rows != NULL)
		*rows = bk->rows;
out:
	free(soa.name);
	free(soa.type);
	free(soa.content);
	store_bulk_free(bk);
	return rc;
}

void
store_bulk_free(struct store_bulk *bk)
{
	if (bk == NULL)
		return;
	if (bk->b != NULL)
		bk->st->drv->bulk_close(bk->b, true);
	if (bk->on)
		bk->st->bulk_failed = true;
	free(bk->v);
	free(bk->ord);
	free(bk->ordtmp);
	free(bk->text);
	free(bk);
}
