/* storage/tests/test_store.c - store unit tests on SQLite and PostgreSQL */
#include "config.h"

#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>
#ifdef HAVE_PGSQL
#include <libpq-fe.h>
#endif

#include "common/err.h"
#include "storage/store.h"
#include "storage/sqlite/sqlite_sql.h"
#ifdef HAVE_PGSQL
#include "storage/pgsql/pgsql_sql.h"
#endif

/*
 * Every test runs on either backend: `test_store` on SQLite (a new file
 * per test), `test_store pgsql` on the PostgreSQL database named by
 * COREDNS_TEST_PG_DSN (its public schema emptied per test), which
 * test_store_pg.sh starts. Raw SQL (an admin's edits) goes through sql()
 * and sql_int() and is written to run on both: booleans as '0' and '1'.
 */

enum backend { BE_SQLITE, BE_PGSQL };

#define NTESTS(a) (sizeof(a) / sizeof((a)[0]))

static enum backend be = BE_SQLITE;

static const char *const pdns_schema[] = {
	[BE_SQLITE] =
	    "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql",
	[BE_PGSQL] = "/usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql",
};

/* The core tables' DDL, as one string: unchanged by a migration. */
static const char *const core_ddl[] = {
	[BE_SQLITE] = "SELECT group_concat(sql, ';') FROM (SELECT sql "
	              "FROM sqlite_master WHERE name NOT LIKE 'coredns%' "
	              "AND tbl_name NOT LIKE 'coredns%' ORDER BY type, name)",
	[BE_PGSQL] =
	    "SELECT (SELECT string_agg(table_name || '.' || column_name || ' ' "
	    "|| data_type || ' ' || coalesce(column_default, '') || ' ' || "
	    "is_nullable, ';' ORDER BY table_name, ordinal_position) "
	    "FROM information_schema.columns WHERE table_schema = 'public' "
	    "AND table_name NOT LIKE 'coredns%') || '|' || "
	    "(SELECT string_agg(indexdef, ';' ORDER BY indexname) "
	    "FROM pg_indexes WHERE schemaname = 'public' "
	    "AND tablename NOT LIKE 'coredns%') || '|' || "
	    "(SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), "
	    "';' ORDER BY conrelid::regclass::text, conname) "
	    "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
	    "AND conrelid::regclass::text NOT LIKE 'coredns%')",
};

struct fx {
	char dir[64];
	char path[128];
	char dsn[512];
	struct store *st;
	sqlite3 *db; /* raw access, as an admin's SQL edits */
#ifdef HAVE_PGSQL
	PGconn *pg;
#endif
	int64_t zid;
};

#ifdef HAVE_PGSQL
static void
pg_raw_open(struct fx *f)
{
	f->pg = PQconnectdb(f->dsn);
	if (PQstatus(f->pg) != CONNECTION_OK)
		fail_msg("PostgreSQL %s: %s", f->dsn, PQerrorMessage(f->pg));
	PQclear(PQexec(f->pg, "SET client_min_messages = warning"));
}

static PGresult *
pg_raw(struct fx *f, const char *q)
{
	PGresult *res = PQexec(f->pg, q);

	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("sql: %s: %s", q, PQresultErrorMessage(res));
	return res;
}
#endif

static void
sql(struct fx *f, const char *q)
{
	char *msg = NULL;

#ifdef HAVE_PGSQL
	if (be == BE_PGSQL) {
		PQclear(pg_raw(f, q));
		return;
	}
#endif
	if (sqlite3_exec(f->db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("sql: %s: %s", q, msg);
}

/* First column of the first row as text into buf ("" for none). */
static void
sql_text(struct fx *f, const char *q, char *buf, size_t len)
{
	sqlite3_stmt *s;

	buf[0] = '\0';
#ifdef HAVE_PGSQL
	if (be == BE_PGSQL) {
		PGresult *res = pg_raw(f, q);

		if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
			snprintf(buf, len, "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
		return;
	}
#endif
	assert_int_equal(sqlite3_prepare_v2(f->db, q, -1, &s, NULL), 0);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(buf, len, "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
}

static int64_t
sql_int(struct fx *f, const char *q)
{
	char buf[32];

	sql_text(f, q, buf, sizeof(buf));
	return buf[0] != '\0' ? strtoll(buf, NULL, 10) : -1;
}

/* A new, empty database for the test. */
static void
fx_paths(struct fx *f)
{
	const char *dsn = getenv("COREDNS_TEST_PG_DSN");

	if (be == BE_PGSQL) {
#ifdef HAVE_PGSQL
		/* CI must not skip: no cluster is a failure */
		if (dsn == NULL || dsn[0] == '\0')
			fail_msg("COREDNS_TEST_PG_DSN is not set: run "
			         "storage/tests/test_store_pg.sh, which starts "
			         "a PostgreSQL cluster (regress/pg.sh)");
		snprintf(f->dsn, sizeof(f->dsn), "%s", dsn);
		pg_raw_open(f);
		sql(f, "DROP SCHEMA IF EXISTS public CASCADE; "
		       "CREATE SCHEMA public");
		return;
#else
		(void)dsn;
		fail_msg("built without PostgreSQL (--without-pgsql)");
#endif
	}
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/db.sqlite", f->dir);
	snprintf(f->dsn, sizeof(f->dsn), "sqlite:%s", f->path);
}

static void
fx_open(struct fx *f)
{
	char err[256];

	f->st = store_open(f->dsn, err, sizeof(err));
	if (f->st == NULL)
		fail_msg("store_open: %s", err);
	if (be == BE_PGSQL)
		return; /* raw connection opened by fx_paths */
	assert_int_equal(sqlite3_open(f->path, &f->db), 0);
	sqlite3_busy_timeout(f->db, 5000);
}

static void
fx_close(struct fx *f)
{
	char cmd[128];

	store_close(f->st);
	f->st = NULL;
#ifdef HAVE_PGSQL
	PQfinish(f->pg);
	f->pg = NULL;
#endif
	sqlite3_close(f->db);
	f->db = NULL;
	if (f->dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
		assert_int_equal(system(cmd), 0);
	}
}

/* A fresh store with zone example.com: SOA serial 100 and an NS, served
 * once (so later changes get journaled). */
static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int changed = -1;

	fx_paths(f);
	fx_open(f);
	assert_int_equal(store_init(f->st), 0);
	assert_int_equal(store_zone_create(
	                     f->st, "Example.COM.", STORE_ZONE_MASTER, &f->zid),
	    0);
	assert_int_equal(store_rr_add(f->st, f->zid, "example.com.", "soa",
	                     "ns1.example.com. hostmaster.example.com. "
	                     "100 3600 600 604800 300",
	                     3600, -1),
	    0);
	assert_int_equal(store_rr_add(f->st, f->zid, "example.com", "NS",
	                     "ns1.example.com", 3600, -1),
	    0);
	assert_int_equal(store_steward_pass(f->st, &changed), 0);
	assert_int_equal(changed, 0); /* first serving: no step */
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	fx_close(f);
	free(f);
	return 0;
}

static uint32_t
serial_of(struct fx *f)
{
	struct store_zone z;

	assert_int_equal(store_zone_get(f->st, "example.com", &z), 0);
	assert_true(z.has_serial);
	assert_true(z.has_served);
	assert_int_equal(z.serial, z.served_serial);
	return z.serial;
}

static int
pass(struct fx *f)
{
	int changed = -1;

	assert_int_equal(store_steward_pass(f->st, &changed), 0);
	return changed;
}

static void
test_init_check(void **state)
{
	struct fx *f = *state;
	int have, want;
	char err[256];

	assert_int_equal(store_check(f->st, err, sizeof(err)), 0);
	assert_int_equal(store_version(f->st, &have, &want), 0);
	assert_true(want >= 1);
	assert_int_equal(have, want);
	assert_int_equal(store_init(f->st), ERR_EXISTS);
	/* migrate on an up-to-date store is a no-op */
	assert_int_equal(store_migrate(f->st), 0);
	/* a newer schema is refused */
	sql(f, "UPDATE coredns_schema SET version = version + 1");
	assert_int_equal(store_check(f->st, err, sizeof(err)), ERR_CONFIG);
	assert_non_null(strstr(err, "newer"));
	assert_int_equal(store_migrate(f->st), ERR_INVAL);
}

static void
test_empty_store(void **state)
{
	struct fx f = { 0 };
	char err[256];

	(void)state;
	fx_paths(&f);
	fx_open(&f);
	assert_int_equal(store_check(f.st, err, sizeof(err)), ERR_CONFIG);
	assert_non_null(strstr(err, "db init"));
	assert_int_equal(store_migrate(f.st), ERR_NOTFOUND);
	fx_close(&f);
	assert_null(store_open("mysql:x", err, sizeof(err)));
	assert_non_null(strstr(err, "unknown store"));
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

/* Collapses each run of white space in `s` to one space, in place:
 * SQLite keeps each CREATE statement's text as it was written. */
static void
squeeze(char *s)
{
	char *o = s;
	bool space = false;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = true;
			continue;
		}
		if (space && o != s)
			*o++ = ' ';
		space = false;
		*o++ = *s;
	}
	*o = '\0';
}

static void
test_migrate_pdns(void **state)
{
	struct fx f = { 0 };
	char err[256], *ddl;
	static char before[16384], after[16384];
	struct store_zone z;

	(void)state;
	/* the test command installs pdns-backend-sqlite3 and
	 * pdns-backend-pgsql: never skipped */
	if ((ddl = slurp(pdns_schema[be])) == NULL)
		fail_msg("%s missing: apt-get install pdns-backend-%s",
		    pdns_schema[be], be == BE_PGSQL ? "pgsql" : "sqlite3");
	fx_paths(&f);
	fx_open(&f);
	sql(&f, ddl);
	free(ddl);
	sql(&f, "INSERT INTO domains (name, type) VALUES ('pdns.test', "
	        "'NATIVE');"
	        "INSERT INTO records (domain_id, name, type, content, ttl) "
	        "VALUES (1, 'pdns.test', 'SOA', 'a.pdns.test h.pdns.test 7 "
	        "1 1 1 1', 60), (1, 'www.pdns.test', 'A', '192.0.2.1', 60)");
	assert_int_equal(store_check(f.st, err, sizeof(err)), ERR_CONFIG);
	assert_non_null(strstr(err, "coredns-util db migrate"));
	sql_text(&f, core_ddl[be], before, sizeof(before));
	assert_true(strlen(before) > 100);

	assert_int_equal(store_migrate(f.st), 0);
	assert_int_equal(store_check(f.st, err, sizeof(err)), 0);
	/* core tables and indexes untouched */
	sql_text(&f, core_ddl[be], after, sizeof(after));
	assert_string_equal(before, after);

	/* the existing zone is known and gets serials */
	assert_int_equal(store_zone_get(f.st, "PDNS.test.", &z), 0);
	assert_int_equal(z.serial, 7);
	assert_int_equal(store_steward_pass(f.st, NULL), 0);
	sql(&f, "INSERT INTO records (domain_id, name, type, content, ttl) "
	        "VALUES (1, 'ftp.pdns.test', 'A', '192.0.2.2', 60)");
	assert_int_equal(store_steward_pass(f.st, NULL), 0);
	assert_int_equal(store_zone_get(f.st, "pdns.test", &z), 0);
	assert_int_equal(z.serial, 8);
	assert_int_equal(
	    sql_int(&f, "SELECT count(*) FROM coredns_journal"), 3);
	fx_close(&f);
}

struct collect {
	int rows, bad;
	int64_t bad_id;
	int mx_pref[4];
	int n_mx;
	char names[16][64];
};

static int
collect_cb(void *arg, const struct store_row *row)
{
	struct collect *c = arg;
	static struct store_rr rr;

	if (store_row_to_rr("example.com", row, &rr) != 0) {
		c->bad++;
		c->bad_id = row->id;
		return 0;
	}
	if (c->rows < 16)
		snprintf(c->names[c->rows], 64, "%s/%s", row->name, row->type);
	c->rows++;
	if (rr.type == 15 && c->n_mx < 4)
		c->mx_pref[c->n_mx++] = rr.rdata[0] << 8 | rr.rdata[1];
	return 0;
}

static void
test_read_conventions(void **state)
{
	struct fx *f = *state;
	struct collect c = { 0 };
	struct store_zone z;
	/* PowerDNS's PostgreSQL schema has lower-case names only (CHECK) */
	const char *www =
	    be == BE_PGSQL ? "www.example.com." : "WWW.Example.COM.";
	char q[1024], want[64];

	snprintf(q, sizeof(q),
	    "INSERT INTO records (domain_id, name, type, content, ttl, "
	    "prio, disabled) VALUES "
	    "(1, '%s', 'a', '192.0.2.1', 60, 0, '0'),"
	    "(1, 'example.com', 'MX', 'mail.example.com', 60, 10, '0'),"
	    "(1, 'example.com', 'MX', '20 mx2.example.com.', 60, 0, '0'),"
	    "(1, 'off.example.com', 'A', '192.0.2.9', 60, 0, '1'),"
	    "(1, 'ent.example.com', NULL, NULL, NULL, NULL, '0'),"
	    "(1, 'srv._tcp.example.com', 'SRV', '0 5 5060 sip.example.com',"
	    " 60, 7, '0'),"
	    "(1, 'bad.example.com', 'A', 'not-an-address', 60, 0, '0'),"
	    "(1, 'evil.example.com', 'A', '192.0.2.1\n$INCLUDE /etc/passwd',"
	    " 60, 0, '0'),"
	    "(1, 'outside.example.org', 'A', '192.0.2.1', 60, 0, '0')",
	    www);
	sql(f, q);
	assert_int_equal(store_zone_get(f->st, "EXAMPLE.com.", &z), 0);
	assert_int_equal(z.id, f->zid);
	assert_int_equal(z.kind, STORE_ZONE_MASTER);
	assert_string_equal(z.name, "example.com");
	assert_int_equal(store_zone_get(f->st, "nope.com", &z), ERR_NOTFOUND);
	assert_int_equal(store_zone_read(f->st, f->zid, collect_cb, &c), 0);
	/* SOA, NS, www, 2 MX, SRV served; disabled and NULL type not read;
	 * 3 bad rows reported and skipped */
	assert_int_equal(c.rows, 6);
	assert_int_equal(c.bad, 3);
	assert_int_equal(c.n_mx, 2);
	assert_int_equal(c.mx_pref[0], 10);
	assert_int_equal(c.mx_pref[1], 20);
	snprintf(want, sizeof(want), "%s/a", www);
	assert_string_equal(c.names[2], want);
}

static void
test_rr_add_conventions(void **state)
{
	struct fx *f = *state;
	int64_t n = -1;

	assert_int_equal(store_rr_add(f->st, f->zid, "Mail.Example.COM.", "mx",
	                     "10 mx.example.com.", 300, -1),
	    0);
	assert_int_equal(sql_int(f, "SELECT prio FROM records WHERE "
	                            "name = 'mail.example.com' AND type = 'MX' "
	                            "AND content = 'mx.example.com.'"),
	    10);
	assert_int_equal(store_rr_add(f->st, f->zid, "x.example.com", "MX",
	                     "mx.example.com", 300, 5),
	    0);
	assert_int_equal(sql_int(f, "SELECT prio FROM records WHERE "
	                            "name = 'x.example.com'"),
	    5);
	assert_int_equal(
	    store_rr_add(f->st, f->zid, "", "A", "", 1, -1), ERR_INVAL);
	assert_int_equal(
	    store_rrset_delete(f->st, f->zid, "MAIL.example.com.", "mx", &n),
	    0);
	assert_int_equal(n, 1);
}

static void
test_steward_batch(void **state)
{
	struct fx *f = *state;

	assert_int_equal(serial_of(f), 100);
	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl, "
	       "prio) VALUES (1, 'a.example.com', 'A', '192.0.2.1', 60, 0),"
	       "(1, 'b.example.com', 'A', '192.0.2.2', 60, 0);"
	       "UPDATE records SET content = '192.0.2.3' "
	       "WHERE name = 'b.example.com';"
	       "DELETE FROM records WHERE type = 'NS'");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 101);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_pending"), 0);
	/* del old SOA, del NS, add new SOA, add a, add b (192.0.2.3) */
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_journal WHERE "
	               "serial_from = 100 AND serial_to = 101"),
	    5);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_journal"), 5);
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_journal WHERE op = 'del' "
	               "AND type = 'NS'"),
	    1);
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_journal WHERE op = 'add' "
	               "AND content = '192.0.2.3'"),
	    1);
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_journal WHERE "
	               "content = '192.0.2.2'"),
	    0);
	assert_int_equal(
	    sql_int(f,
	        "SELECT count(*) FROM coredns_journal WHERE "
	        "type = 'SOA' AND op = 'add' AND content LIKE '% 101 %'"),
	    1);
	/* nothing pending: nothing happens */
	assert_int_equal(pass(f), 0);
	assert_int_equal(serial_of(f), 101);
}

static void
test_steward_no_change(void **state)
{
	struct fx *f = *state;
	int64_t gen;
	struct store_zone z;

	assert_int_equal(store_zone_get(f->st, "example.com", &z), 0);
	gen = z.generation;
	/* rectify's bookkeeping is no DNS change */
	sql(f, "UPDATE records SET ordername = 'x', auth = '0'");
	sql(f, "INSERT INTO records (domain_id, name, type, ordername, auth) "
	       "VALUES (1, 'ent.example.com', NULL, 'ent', '1')");
	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl, "
	       "disabled) VALUES (1, 'off.example.com', 'A', '192.0.2.5', 60, "
	       "'1')");
	sql(f, "UPDATE records SET content = '192.0.2.6' "
	       "WHERE name = 'off.example.com'");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_pending"), 0);
	assert_int_equal(store_zone_get(f->st, "example.com", &z), 0);
	assert_int_equal(z.generation, gen);
	/* added and removed in one batch: no step */
	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'tmp.example.com', 'A', '192.0.2.7', 60);"
	       "DELETE FROM records WHERE name = 'tmp.example.com'");
	assert_int_equal(pass(f), 0);
	assert_int_equal(serial_of(f), 100);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_journal"), 0);
	/* enabling a row is an add */
	sql(f, "UPDATE records SET disabled = '0' "
	       "WHERE name = 'off.example.com'");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 101);
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_journal WHERE op = 'add' "
	               "AND name = 'off.example.com'"),
	    1);
	/* disabling it is a delete */
	sql(f, "UPDATE records SET disabled = '1' "
	       "WHERE name = 'off.example.com'");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 102);
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_journal WHERE op = 'del' "
	               "AND name = 'off.example.com'"),
	    1);
}

static void
test_steward_policies(void **state)
{
	struct fx *f = *state;
	const char *unixtime = "unixtime", *date = "date";
	char buf[32];
	time_t t0 = time(NULL);
	struct tm tm;
	uint32_t s, today;

	assert_int_equal(
	    store_metadata_set(f->st, f->zid, "X-SERIAL-POLICY", &unixtime, 1),
	    0);
	assert_int_equal(store_metadata_get(f->st, f->zid, "x-serial-policy",
	                     buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "unixtime");
	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'u.example.com', 'A', '192.0.2.1', 60)");
	assert_int_equal(pass(f), 1);
	s = serial_of(f);
	assert_true(s >= (uint32_t)t0 && s <= (uint32_t)time(NULL));

	/* date: YYYYMMDD00 (about 2.0e9) is newer than a unix time */
	gmtime_r(&t0, &tm);
	today = (uint32_t)(tm.tm_year + 1900) * 1000000U +
	        (uint32_t)(tm.tm_mon + 1) * 10000U +
	        (uint32_t)tm.tm_mday * 100U;
	assert_int_equal(
	    store_metadata_set(f->st, f->zid, "X-SERIAL-POLICY", &date, 1), 0);
	sql(f, "UPDATE records SET ttl = 61 WHERE name = 'u.example.com'");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), today);
	/* from a small serial, date jumps to today */
	sql(f, "UPDATE records SET content = replace(content, ' "
	       "' || (SELECT served_serial FROM coredns_zone_state) || ' ', "
	       "' 5 ') WHERE type = 'SOA';"
	       "UPDATE coredns_zone_state SET served_serial = 5;"
	       "DELETE FROM coredns_pending");
	sql(f, "UPDATE records SET ttl = 62 WHERE name = 'u.example.com'");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), today);
	sql(f, "UPDATE records SET ttl = 63 WHERE name = 'u.example.com'");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), today + 1);
	/* n = 0 removes the policy: increment again */
	assert_int_equal(
	    store_metadata_set(f->st, f->zid, "X-SERIAL-POLICY", NULL, 0), 0);
	assert_int_equal(store_metadata_get(f->st, f->zid, "X-SERIAL-POLICY",
	                     buf, sizeof(buf)),
	    ERR_NOTFOUND);
	sql(f, "UPDATE records SET ttl = 64 WHERE name = 'u.example.com'");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), today + 2);
}

static void
test_steward_admin_serial(void **state)
{
	struct fx *f = *state;

	/* the admin sets a newer serial with other changes: respected */
	sql(f, "UPDATE records SET content = replace(content, ' 100 ', "
	       "' 5000 ') WHERE type = 'SOA';"
	       "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'n.example.com', 'A', '192.0.2.1', 60)");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 5000);
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_journal WHERE "
	               "serial_from = 100 AND serial_to = 5000"),
	    3);
	assert_int_equal(
	    sql_int(f,
	        "SELECT count(*) FROM coredns_journal WHERE "
	        "type = 'SOA' AND op = 'del' AND content LIKE '% 100 %'"),
	    1);
	/* an older serial set by hand is not respected: +1 from served */
	sql(f, "UPDATE records SET content = replace(content, ' 5000 ', "
	       "' 10 ') WHERE type = 'SOA'");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 5001);
	/* an SOA change other than the serial gets a step too */
	sql(f, "UPDATE records SET ttl = 7200 WHERE type = 'SOA'");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 5002);
	assert_true(store_serial_gt(1, 0xffffffffU));
	assert_false(store_serial_gt(0xffffffffU, 1));
}

static void
test_bump_in_writer_txn(void **state)
{
	struct fx *f = *state;

	assert_int_equal(store_bump_serial(f->st, f->zid), ERR_INVAL);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_begin(f->st), ERR_INVAL);
	assert_int_equal(store_rr_add(f->st, f->zid, "w.example.com", "TXT",
	                     "\"hello world\"", 60, -1),
	    0);
	assert_int_equal(
	    store_rrset_delete(f->st, f->zid, "example.com.", "NS", NULL), 0);
	assert_int_equal(store_bump_serial(f->st, f->zid), 0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(serial_of(f), 101);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_journal"), 4);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_pending"), 0);
	/* a rolled-back write leaves nothing */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_rr_add(f->st, f->zid, "r.example.com", "A",
	                     "192.0.2.1", 60, -1),
	    0);
	assert_int_equal(store_rollback(f->st), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_pending"), 0);
	assert_int_equal(pass(f), 0);
}

struct jcollect {
	int n, adds;
	uint32_t last_to;
};

static int
jcollect_cb(void *arg, const struct store_journal_entry *e)
{
	struct jcollect *j = arg;

	j->n++;
	j->adds += e->add;
	j->last_to = e->serial_to;
	return 0;
}

static void
test_journal_read_prune(void **state)
{
	struct fx *f = *state;
	struct jcollect j = { 0 };
	char q[160];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(q, sizeof(q),
		    "INSERT INTO records (domain_id, name, type, content, ttl)"
		    " VALUES (1, 'j%d.example.com', 'A', '192.0.2.1', 60)",
		    i);
		sql(f, q);
		assert_int_equal(pass(f), 1);
	}
	/* three steps of 3 entries each: 100->101->102->103 */
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 100, jcollect_cb, &j), 0);
	assert_int_equal(j.n, 9);
	assert_int_equal(j.adds, 6);
	assert_int_equal(j.last_to, 103);
	memset(&j, 0, sizeof(j));
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 102, jcollect_cb, &j), 0);
	assert_int_equal(j.n, 3);
	memset(&j, 0, sizeof(j));
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 103, jcollect_cb, &j), 0);
	assert_int_equal(j.n, 0);
	assert_int_equal(store_journal_read(f->st, f->zid, 50, jcollect_cb, &j),
	    ERR_NOTFOUND);
	/* keep at most 5 rows: whole steps only, so 3 are left */
	assert_int_equal(store_journal_prune(f->st, f->zid, 5), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_journal"), 3);
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 100, jcollect_cb, &j),
	    ERR_NOTFOUND);
	assert_int_equal(store_journal_prune(f->st, f->zid, 100), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_journal"), 3);
}

static int
count_rows_cb(void *arg, const struct store_row *row)
{
	(void)row;
	(*(int *)arg)++;
	return 0;
}

/* The zone's generation as stored. */
static int64_t
zone_generation(struct fx *f, int64_t zid)
{
	char q[128];

	snprintf(q, sizeof(q),
	    "SELECT generation FROM coredns_zone_state WHERE domain_id = "
	    "%" PRId64,
	    zid);
	return sql_int(f, q);
}

/* A bulk load of a new zone: rows present (PowerDNS's conventions), one
 * generation step, the SOA serial served, nothing pending, no journal;
 * the triggers fire for another zone written meanwhile (PostgreSQL:
 * another session; SQLite has one writer at a time) and for the zone
 * itself afterwards. */
static void
test_bulk_load(void **state)
{
	struct fx *f = *state;
	struct store_bulk *bk = NULL;
	struct jcollect j = { 0 };
	struct store_zone z;
	int64_t zid = 0, gen0, rows = -1;
	char name[64], q[256];
	int i, n = 0;

	assert_int_equal(store_bulk_begin(f->st, f->zid, &bk), ERR_INVAL);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(
	    store_zone_create(f->st, "bulk.test", STORE_ZONE_NATIVE, &zid), 0);
	/* the store's own view: the raw connection cannot see it yet */
	assert_int_equal(store_zone_get(f->st, "bulk.test", &z), 0);
	gen0 = z.generation;
	assert_int_equal(gen0, 1);
	assert_int_equal(store_bulk_begin(f->st, zid, &bk), 0);
	assert_int_equal(store_bulk_add(bk, "Bulk.Test.", "soa",
	                     "ns1.bulk.test. hm.bulk.test. 2024 3600 600 "
	                     "604800 300",
	                     3600, -1),
	    0);
	assert_int_equal(
	    store_bulk_add(bk, "bulk.test", "NS", "ns1.bulk.test.", 3600, -1),
	    0);
	assert_int_equal(store_bulk_add(bk, "bulk.test", "MX",
	                     "10 mail.bulk.test.", 3600, -1),
	    0);
	assert_int_equal(
	    store_bulk_add(bk, "WWW.Bulk.Test.", "A", "192.0.2.80", 60, -1), 0);
	assert_int_equal(store_bulk_add(bk, "t.bulk.test", "TXT",
	                     "\"tab\\009 and back\\\\slash\"", 60, -1),
	    0);
	for (i = 0; i < 250; i++) { /* full batches and a rest */
		snprintf(name, sizeof(name), "h%d.bulk.test", i);
		assert_int_equal(
		    store_bulk_add(bk, name, "A", "192.0.2.1", 60, -1), 0);
	}
	if (be == BE_PGSQL) {
		/* another session writing another zone meanwhile */
		sql(f, "INSERT INTO records (domain_id, name, type, content, "
		       "ttl, prio) VALUES (1, 'other.example.com', 'A', "
		       "'192.0.2.9', 60, 0)");
		assert_int_equal(
		    sql_int(f, "SELECT count(*) FROM "
		               "coredns_pending WHERE domain_id = 1"),
		    1);
	}
	assert_int_equal(store_bulk_end(bk, &rows), 0);
	assert_int_equal(rows, 255);
	assert_int_equal(store_commit(f->st), 0);

	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM records WHERE domain_id = %" PRId64, zid);
	assert_int_equal(sql_int(f, q), 255);
	assert_int_equal(store_zone_read(f->st, zid, count_rows_cb, &n), 0);
	assert_int_equal(n, 255);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM records WHERE "
	                            "name = 'www.bulk.test' AND type = 'A'"),
	    1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM records WHERE "
	                            "name = 'bulk.test' AND type = 'SOA'"),
	    1);
	assert_int_equal(
	    sql_int(f, "SELECT prio FROM records WHERE type = 'MX' "
	               "AND content = 'mail.bulk.test.'"),
	    10);
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM records WHERE type = 'TXT' AND "
	               "content = '\"tab\\009 and back\\\\slash\"'"),
	    1);
	assert_int_equal(zone_generation(f, zid), gen0 + 1);
	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM coredns_pending WHERE domain_id = %" PRId64,
	    zid);
	assert_int_equal(sql_int(f, q), 0);
	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM coredns_journal WHERE domain_id = %" PRId64,
	    zid);
	assert_int_equal(sql_int(f, q), 0);
	assert_int_equal(store_zone_get(f->st, "bulk.test", &z), 0);
	assert_true(z.has_serial && z.has_served);
	assert_int_equal(z.serial, 2024);
	assert_int_equal(z.served_serial, 2024);
	/* the journal starts at the loaded serial: older is a full transfer */
	assert_int_equal(
	    store_journal_read(f->st, zid, 2024, jcollect_cb, &j), 0);
	assert_int_equal(j.n, 0);
	assert_int_equal(store_journal_read(f->st, zid, 2023, jcollect_cb, &j),
	    ERR_NOTFOUND);
	/* nothing left for the steward of the bulk zone; the other zone's
	 * write (PostgreSQL) gets its step */
	assert_int_equal(pass(f), be == BE_PGSQL ? 1 : 0);
	assert_int_equal(store_zone_get(f->st, "bulk.test", &z), 0);
	assert_int_equal(z.serial, 2024);

	/* the triggers fire for the zone afterwards: one row, one step */
	assert_int_equal(
	    store_rr_add(f->st, zid, "new.bulk.test", "A", "192.0.2.2", 60, -1),
	    0);
	assert_int_equal(zone_generation(f, zid), gen0 + 2);
	assert_int_equal(sql_int(f, q), 0);
	assert_int_equal(pass(f), 1);
	assert_int_equal(store_zone_get(f->st, "bulk.test", &z), 0);
	assert_int_equal(z.serial, 2025);
	assert_int_equal(z.served_serial, 2025);
	assert_int_equal(sql_int(f, q), 3); /* old SOA, new SOA, the A */
	memset(&j, 0, sizeof(j));
	assert_int_equal(
	    store_journal_read(f->st, zid, 2024, jcollect_cb, &j), 0);
	assert_int_equal(j.n, 3);
	assert_int_equal(j.last_to, 2025);

	/* a zone with rows is no bulk load */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_bulk_begin(f->st, zid, &bk), ERR_EXISTS);
	assert_int_equal(store_bulk_begin(f->st, 999, &bk), ERR_NOTFOUND);
	assert_int_equal(store_rollback(f->st), 0);
}

/* A load given up half way (a bad row) leaves nothing: not the zone,
 * not a row; a commit after it is refused; the triggers keep working. */
static void
test_bulk_abort(void **state)
{
	struct fx *f = *state;
	struct store_bulk *bk = NULL;
	int64_t zid = 0, gen0;
	char name[64];
	int i, pass_no;

	for (pass_no = 0; pass_no < 2; pass_no++) {
		assert_int_equal(store_begin(f->st), 0);
		assert_int_equal(store_zone_create(f->st, "gone.test",
		                     STORE_ZONE_NATIVE, &zid),
		    0);
		assert_int_equal(store_bulk_begin(f->st, zid, &bk), 0);
		assert_int_equal(store_bulk_add(bk, "gone.test", "SOA",
		                     "ns. hm. 1 1 1 1 1", 60, -1),
		    0);
		for (i = 0; i < 150; i++) {
			snprintf(name, sizeof(name), "h%d.gone.test", i);
			assert_int_equal(
			    store_bulk_add(bk, name, "A", "192.0.2.1", 60, -1),
			    0);
		}
		/* a bad row: the caller gives up */
		assert_int_equal(
		    store_bulk_add(bk, "bad.gone.test", "A", "", 60, -1),
		    ERR_INVAL);
		store_bulk_free(bk);
		if (pass_no == 0)
			assert_int_equal(store_commit(f->st), ERR_INVAL);
		else
			assert_int_equal(store_rollback(f->st), 0);
		assert_int_equal(sql_int(f, "SELECT count(*) FROM domains "
		                            "WHERE name = 'gone.test'"),
		    0);
		assert_int_equal(sql_int(f, "SELECT count(*) FROM records "
		                            "WHERE name LIKE '%gone.test'"),
		    0);
	}
	store_bulk_free(NULL);
	/* the triggers fire as before */
	gen0 = zone_generation(f, f->zid);
	sql(f,
	    "INSERT INTO records (domain_id, name, type, content, ttl, "
	    "prio) VALUES (1, 'after.example.com', 'A', '192.0.2.7', 60, 0)");
	assert_int_equal(zone_generation(f, f->zid), gen0 + 1);
	assert_int_equal(
	    sql_int(
	        f, "SELECT count(*) FROM coredns_pending WHERE domain_id = 1"),
	    1);
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 101);
}

static int
count_zone(void *arg, const struct store_zone *z)
{
	(void)z;
	(*(int *)arg)++;
	return 0;
}

static void
test_zones_and_lease(void **state)
{
	struct fx *f = *state;
	const char *v[2] = { "192.0.2.0/24", "2001:db8::/32" };
	int64_t id2 = 0;
	int n = 0;
	bool got = false;

	assert_int_equal(
	    store_zone_create(f->st, "example.com.", STORE_ZONE_NATIVE, NULL),
	    ERR_EXISTS);
	assert_int_equal(
	    store_zone_create(f->st, "two.test", STORE_ZONE_SLAVE, &id2), 0);
	assert_int_equal(
	    store_metadata_set(f->st, id2, "ALLOW-AXFR-FROM", v, 2), 0);
	assert_int_equal(store_zone_list(f->st, count_zone, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_zone_delete(f->st, id2), 0);
	assert_int_equal(store_zone_delete(f->st, id2), ERR_NOTFOUND);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM domainmetadata"), 0);
	assert_int_equal(store_zone_delete(f->st, f->zid), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM records"), 0);
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_zone_state"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_pending"), 0);
	assert_int_equal(store_steward_lease(f->st, "a", 30, &got), 0);
	assert_true(got);
	assert_int_equal(store_steward_lease(f->st, "b", 30, &got), 0);
	assert_false(got);
	assert_int_equal(store_steward_lease(f->st, "a", 30, &got), 0);
	assert_true(got);
	sql(f, "UPDATE coredns_steward SET expires = 0");
	assert_int_equal(store_steward_lease(f->st, "b", 30, &got), 0);
	assert_true(got);
}

static int
gen_cb(void *arg, int64_t zone_id, int64_t generation)
{
	if (zone_id == 1)
		*(int64_t *)arg = generation;
	return 0;
}

static int64_t
generation_of(struct fx *f)
{
	int64_t gen = -1;

	assert_int_equal(store_generations(f->st, gen_cb, &gen), 0);
	assert_true(gen >= 1);
	return gen;
}

/* Whether `fd` turns readable within `ms`. */
static bool
readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & (POLLIN | POLLHUP));
}

/* A write through another connection is noticed: PostgreSQL makes the
 * LISTEN fd readable, SQLite moves data_version; generations move. */
static void
test_change_detection(void **state)
{
	struct fx *f = *state;
	bool changed = true;
	int64_t gen;
	int fd;

	fd = store_change_fd(f->st);
	if (be == BE_SQLITE)
		assert_int_equal(fd, -1);
	else
		assert_true(fd >= 0);
	gen = generation_of(f);
	assert_int_equal(store_poll_changes(f->st, &changed), 0);
	assert_false(changed);
	if (be == BE_SQLITE) {
		/* the handle's own writes are not someone else's */
		assert_int_equal(store_rr_add(f->st, f->zid, "own.example.com",
		                     "A", "192.0.2.1", 60, -1),
		    0);
		assert_int_equal(store_poll_changes(f->st, &changed), 0);
		assert_false(changed);
		assert_true(generation_of(f) > gen);
		gen = generation_of(f);
	}
	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'other.example.com', 'A', '192.0.2.2', 60)");
	if (fd >= 0)
		assert_true(readable(fd, 5000));
	assert_int_equal(store_poll_changes(f->st, &changed), 0);
	assert_true(changed);
	assert_int_equal(store_poll_changes(f->st, &changed), 0);
	assert_false(changed);
	assert_true(generation_of(f) > gen);
	/* a rectify-only update is no DNS change: the generation stays */
	gen = generation_of(f);
	sql(f, "UPDATE records SET ordername = 'o'");
	assert_int_equal(generation_of(f), gen);
}

#define CW_TXNS 40 /* transactions per writer */

static atomic_int cw_done; /* writers finished */

/* The zone as sorted "name type content ttl" lines. */
struct cw_rows {
	char **v;
	size_t n, cap;
};

static void
cw_add(struct cw_rows *r, const char *name, const char *type,
    const char *content, int64_t ttl)
{
	char line[512];

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		assert_non_null(r->v);
	}
	snprintf(
	    line, sizeof(line), "%s %s %s %" PRId64, name, type, content, ttl);
	r->v[r->n] = strdup(line);
	assert_non_null(r->v[r->n]);
	r->n++;
}

static int
cw_row_cb(void *arg, const struct store_row *row)
{
	cw_add(arg, row->name, row->type, row->content, row->ttl);
	return 0;
}

static int
cw_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
cw_fini(struct cw_rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
}

/* The journal applied to the zone as first served. */
struct cw_replay {
	struct cw_rows rows;
	int steps, bad;
	uint32_t from, to;
};

static int
cw_journal_cb(void *arg, const struct store_journal_entry *e)
{
	struct cw_replay *r = arg;
	struct cw_rows one = { 0 };
	size_t i;

	if (r->steps == 0 || e->serial_from != r->from ||
	    e->serial_to != r->to) {
		/* a new step follows on from the last one */
		if (r->steps > 0 && e->serial_from != r->to)
			r->bad++;
		r->steps++;
		r->from = e->serial_from;
		r->to = e->serial_to;
	}
	cw_add(&one, e->row.name, e->row.type, e->row.content, e->row.ttl);
	if (e->add) {
		cw_add(&r->rows, e->row.name, e->row.type, e->row.content,
		    e->row.ttl);
	} else {
		for (i = 0; i < r->rows.n; i++) {
			if (strcmp(r->rows.v[i], one.v[0]) == 0)
				break;
		}
		if (i == r->rows.n) {
			r->bad++; /* deleting what is not there */
		} else {
			free(r->rows.v[i]);
			r->rows.v[i] = r->rows.v[--r->rows.n];
		}
	}
	cw_fini(&one);
	return 0;
}

/* The zone's rows whose name starts with "w" (the writers' names), as
 * cw_add lines, sorted. */
static int
cw_w_cb(void *arg, const struct store_row *row)
{
	if (row->name[0] == 'w')
		cw_add(arg, row->name, row->type, row->content, row->ttl);
	return 0;
}

/* What writer `k` of CW_TXNS transactions leaves in the zone (see
 * cw_writer and sq_writer): w<k>-<i> holds its second address once the
 * next transaction changed it, and is gone once deleted. */
static void
cw_expect(struct cw_rows *r, int k)
{
	char name[64], content[32];
	int i;

	for (i = 0; i < CW_TXNS; i++) {
		if (i + 2 < CW_TXNS && (i + 2) % 3 == 0)
			continue; /* deleted by transaction i + 2 */
		snprintf(name, sizeof(name), "w%d-%d.example.com", k, i);
		if (i + 1 < CW_TXNS)
			snprintf(
			    content, sizeof(content), "198.51.100.%d", i + 1);
		else
			snprintf(content, sizeof(content), "192.0.2.%d", i + 1);
		cw_add(r, name, "A", content, 60);
	}
}

#define SQ_WRITERS 3

/* A writer on its own SQLite connection, as an admin's sqlite3 client:
 * each transaction (BEGIN IMMEDIATE, like the store's writers) adds a
 * name, changes the one added before and, every third time, deletes an
 * older one, with short pauses inside and between transactions. */
struct sq_writer {
	const char *path;
	int k;
	unsigned seed;
	int failed;
	char err[256];
};

static int
sq_exec(sqlite3 *db, const char *q, char *err, size_t len)
{
	char *msg = NULL;

	if (sqlite3_exec(db, q, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, len, "%s: %s", q, msg ? msg : "?");
	sqlite3_free(msg);
	return -1;
}

static void *
sq_writer(void *arg)
{
	struct sq_writer *w = arg;
	sqlite3 *db = NULL;
	char q[512];
	int i;

	if (sqlite3_open_v2(w->path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		snprintf(w->err, sizeof(w->err), "open %s", w->path);
		w->failed = CW_TXNS;
		goto out;
	}
	sqlite3_busy_timeout(db, 10000);
	for (i = 0; i < CW_TXNS; i++) {
		snprintf(q, sizeof(q),
		    "BEGIN IMMEDIATE; INSERT INTO records (domain_id, name, "
		    "type, content, ttl) VALUES (1, 'w%d-%d.example.com', 'A', "
		    "'192.0.2.%d', 60)",
		    w->k, i, i + 1);
		if (sq_exec(db, q, w->err, sizeof(w->err)) != 0)
			goto fail;
		usleep((useconds_t)(rand_r(&w->seed) % 1000));
		if (i > 0) {
			snprintf(q, sizeof(q),
			    "UPDATE records SET content = '198.51.100.%d' "
			    "WHERE name = 'w%d-%d.example.com'",
			    i, w->k, i - 1);
			if (sq_exec(db, q, w->err, sizeof(w->err)) != 0)
				goto fail;
		}
		if (i >= 2 && i % 3 == 0) {
			snprintf(q, sizeof(q),
			    "DELETE FROM records "
			    "WHERE name = 'w%d-%d.example.com'",
			    w->k, i - 2);
			if (sq_exec(db, q, w->err, sizeof(w->err)) != 0)
				goto fail;
		}
		if (sq_exec(db, "COMMIT", w->err, sizeof(w->err)) != 0)
			goto fail;
		usleep((useconds_t)(rand_r(&w->seed) % 3000));
		continue;
	fail:
		w->failed++;
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
out:
	sqlite3_close(db);
	atomic_fetch_add(&cw_done, 1);
	return NULL;
}

/* SQLite: writers on connections of their own commit transactions while
 * steward passes run. A batch is what a pass finds pending, so steps
 * may hold several transactions; but nothing is left pending, no change
 * is lost (the zone is what the writers wrote), and the journal
 * replayed from the first serial gives the zone as it ends, each change
 * inside a step that follows on from the one before. */
static void
test_sqlite_concurrent_writers(void **state)
{
	struct fx *f = *state;
	struct sq_writer w[SQ_WRITERS];
	struct cw_replay r = { 0 };
	struct cw_rows final = { 0 }, got = { 0 }, want = { 0 };
	pthread_t t[SQ_WRITERS];
	int i, rc, changed, stepping = 0;
	size_t k;

	atomic_store(&cw_done, 0);
	assert_int_equal(store_zone_read(f->st, f->zid, cw_row_cb, &r.rows), 0);
	for (i = 0; i < SQ_WRITERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].path = f->path;
		w[i].k = i;
		w[i].seed = 7u + (unsigned)i;
		assert_int_equal(
		    pthread_create(&t[i], NULL, sq_writer, &w[i]), 0);
	}
	while (atomic_load(&cw_done) < SQ_WRITERS) {
		changed = 0;
		rc = store_steward_pass(f->st, &changed);
		if (rc != 0)
			assert_int_equal(rc, ERR_TIMEOUT); /* busy */
		stepping += changed;
		usleep((useconds_t)(rand() % 2000));
	}
	for (i = 0; i < SQ_WRITERS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		if (w[i].failed != 0)
			fail_msg("writer %d: %d failed: %s", i, w[i].failed,
			    w[i].err);
	}
	/* the passes did run between the writers' commits */
	assert_true(stepping >= 2);
	pass(f);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_pending"), 0);
	assert_int_equal(pass(f), 0);

	assert_int_equal(
	    store_journal_read(f->st, f->zid, 100, cw_journal_cb, &r), 0);
	assert_int_equal(r.bad, 0);
	assert_true(r.steps >= 2 && r.steps <= SQ_WRITERS * CW_TXNS);
	assert_int_equal(r.to, 100 + (uint32_t)r.steps);
	assert_int_equal(serial_of(f), r.to);
	/* replayed = final */
	assert_int_equal(store_zone_read(f->st, f->zid, cw_row_cb, &final), 0);
	assert_int_equal(r.rows.n, final.n);
	qsort(r.rows.v, r.rows.n, sizeof(char *), cw_cmp);
	qsort(final.v, final.n, sizeof(char *), cw_cmp);
	for (k = 0; k < final.n; k++)
		assert_string_equal(r.rows.v[k], final.v[k]);
	/* final = what the writers wrote */
	assert_int_equal(store_zone_read(f->st, f->zid, cw_w_cb, &got), 0);
	for (i = 0; i < SQ_WRITERS; i++)
		cw_expect(&want, i);
	assert_int_equal(got.n, want.n);
	qsort(got.v, got.n, sizeof(char *), cw_cmp);
	qsort(want.v, want.n, sizeof(char *), cw_cmp);
	for (k = 0; k < want.n; k++)
		assert_string_equal(got.v[k], want.v[k]);
	cw_fini(&r.rows);
	cw_fini(&final);
	cw_fini(&got);
	cw_fini(&want);
}

#ifdef HAVE_PGSQL
/* The payloads of NOTIFY coredns that `l` (a LISTEN coredns connection)
 * heard, in order, as "1,2,": everything committed before a marker sent
 * now on the raw connection. */
static void
pg_heard(struct fx *f, PGconn *l, char *buf, size_t len)
{
	PGnotify *n;
	size_t o = 0;
	bool end = false;

	buf[0] = '\0';
	sql(f, "SELECT pg_notify('coredns', 'end')");
	for (;;) {
		assert_int_equal(PQconsumeInput(l), 1);
		while ((n = PQnotifies(l)) != NULL) {
			if (strcmp(n->extra, "end") == 0)
				end = true;
			else if (!end && o < len)
				o += (size_t)snprintf(
				    buf + o, len - o, "%s,", n->extra);
			PQfreemem(n);
		}
		if (end)
			break;
		assert_true(readable(PQsocket(l), 5000));
	}
}
#endif

/* What a change to domains did: the zone's generation moved by `steps`
 * and, on PostgreSQL, `notes` were sent; a change by another connection
 * (`raw`) is noticed by store_poll_changes. */
static void
domains_changed(struct fx *f, void *listener, int64_t *gen, int steps,
    const char *notes, bool raw)
{
	bool changed = false;
	int fd;

	if (raw && steps > 0) {
		/* what a server does: the change feed, then the scan */
		if ((fd = store_change_fd(f->st)) >= 0)
			assert_true(readable(fd, 5000));
		assert_int_equal(store_poll_changes(f->st, &changed), 0);
		assert_true(changed);
		assert_int_equal(generation_of(f), *gen + steps);
	}
	assert_int_equal(zone_generation(f, f->zid), *gen + steps);
	*gen += steps;
#ifdef HAVE_PGSQL
	if (be == BE_PGSQL) {
		char buf[128];

		pg_heard(f, listener, buf, sizeof(buf));
		assert_string_equal(buf, notes);
		/* the store's own LISTEN connection: drained */
		assert_int_equal(store_poll_changes(f->st, &changed), 0);
	}
#else
	(void)listener;
	(void)notes;
#endif
}

/* A change to a zone's domains row that matters (name, kind, master),
 * by coredns-util or plain SQL, steps its generation and is noticed
 * (PostgreSQL: NOTIFY); bookkeeping columns are no change; neither is a
 * serial step. */
static void
test_domains_update(void **state)
{
	struct fx *f = *state;
	struct store_zone z;
	void *listener = NULL;
	bool changed;
	int64_t gen;

#ifdef HAVE_PGSQL
	if (be == BE_PGSQL) {
		PGconn *l = PQconnectdb(f->dsn);

		if (PQstatus(l) != CONNECTION_OK)
			fail_msg("listener: %s", PQerrorMessage(l));
		PQclear(PQexec(l, "LISTEN coredns"));
		listener = l;
	}
#endif
	store_change_fd(f->st);
	assert_int_equal(store_poll_changes(f->st, &changed), 0);
	gen = zone_generation(f, f->zid);

	/* zone set-kind */
	assert_int_equal(
	    store_zone_set_kind(f->st, f->zid, STORE_ZONE_NATIVE), 0);
	domains_changed(f, listener, &gen, 1, "1,", false);
	assert_int_equal(store_zone_get(f->st, "example.com", &z), 0);
	assert_int_equal(z.kind, STORE_ZONE_NATIVE);
	/* a kind change with plain SQL */
	sql(f, "UPDATE domains SET type = 'SLAVE' WHERE id = 1");
	domains_changed(f, listener, &gen, 1, "1,", true);
	/* a rename */
	sql(f, "UPDATE domains SET name = 'example.net' WHERE id = 1");
	domains_changed(f, listener, &gen, 1, "1,", true);
	assert_int_equal(store_zone_get(f->st, "example.net", &z), 0);
	assert_int_equal(z.generation, gen);
	assert_int_equal(
	    store_zone_get(f->st, "example.com", &z), ERR_NOTFOUND);
	sql(f, "UPDATE domains SET name = 'example.com' WHERE id = 1");
	domains_changed(f, listener, &gen, 1, "1,", true);
	/* the primaries */
	sql(f, "UPDATE domains SET master = '192.0.2.53' WHERE id = 1");
	domains_changed(f, listener, &gen, 1, "1,", true);
	assert_int_equal(store_zone_set_master(f->st, f->zid, NULL), 0);
	domains_changed(f, listener, &gen, 1, "1,", false);
	/* bookkeeping and same values: nothing */
	sql(f, "UPDATE domains SET notified_serial = 100, last_check = 5, "
	       "account = 'acme', options = '{}', catalog = 'cat.test' "
	       "WHERE id = 1");
	sql(f, "UPDATE domains SET type = type, name = name, master = master");
	domains_changed(f, listener, &gen, 0, "", false);
	/* no records changed: no pending rows, no serial step */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_pending"), 0);
	assert_int_equal(pass(f), 0);
	assert_int_equal(serial_of(f), 100);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_journal"), 0);
	/* records changes are still seen */
	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'after.example.com', 'A', '192.0.2.1', 60)");
	domains_changed(f, listener, &gen, 1, "1,", true);
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 101);
#ifdef HAVE_PGSQL
	PQfinish(listener);
#endif
}

/* Journal rows of the zone. */
static int64_t
journal_rows(struct fx *f)
{
	return sql_int(f, "SELECT count(*) FROM coredns_journal "
	                  "WHERE domain_id = 1");
}

/* One step adding `n` A rows named <tag>-<i>. */
static void
step_rows(struct fx *f, const char *tag, int n)
{
	char q[4096];
	size_t o;
	int i;

	o = (size_t)snprintf(q, sizeof(q),
	    "INSERT INTO records (domain_id, name, type, content, ttl) "
	    "VALUES ");
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(q + o, sizeof(q) - o,
		    "%s(1, '%s-%d.example.com', 'A', '192.0.2.1', 60)",
		    i > 0 ? ", " : "", tag, i);
	sql(f, q);
	assert_int_equal(pass(f), 1);
}

static void
set_journal_max(struct fx *f, const char *v)
{
	assert_int_equal(
	    store_metadata_set(f->st, f->zid, "X-JOURNAL-MAX-ROWS", &v, 1), 0);
}

/* The steward prunes the journal to X-JOURNAL-MAX-ROWS after a step:
 * whole steps, oldest first, never the step just written. */
static void
test_journal_autoprune(void **state)
{
	struct fx *f = *state;
	struct jcollect j = { 0 };
	int i;

	set_journal_max(f, "7");
	step_rows(f, "a", 1); /* 100 -> 101, 3 rows */
	step_rows(f, "b", 1); /* 101 -> 102 */
	assert_int_equal(journal_rows(f), 6);
	step_rows(f, "c", 1); /* 102 -> 103: 9 rows, the oldest step goes */
	assert_int_equal(journal_rows(f), 6);
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 100, jcollect_cb, &j),
	    ERR_NOTFOUND);
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 101, jcollect_cb, &j), 0);
	assert_int_equal(j.n, 6);
	assert_int_equal(j.last_to, 103);
	/* a step larger than the limit is kept whole, alone */
	step_rows(f, "big", 10); /* 103 -> 104: 12 rows */
	assert_int_equal(journal_rows(f), 12);
	memset(&j, 0, sizeof(j));
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 103, jcollect_cb, &j), 0);
	assert_int_equal(j.n, 12);
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 102, jcollect_cb, &j),
	    ERR_NOTFOUND);
	/* and goes once it is no longer the newest */
	step_rows(f, "d", 1); /* 104 -> 105 */
	assert_int_equal(journal_rows(f), 3);
	/* unlimited: nothing pruned (105 -> 108) */
	set_journal_max(f, "unlimited");
	for (i = 0; i < 3; i++)
		step_rows(f, i == 0 ? "e" : i == 1 ? "f" : "g", 1);
	assert_int_equal(journal_rows(f), 12);
	/* a bad value: the default (100000 rows), with a warning */
	set_journal_max(f, "lots");
	step_rows(f, "h", 1); /* 108 -> 109 */
	assert_int_equal(journal_rows(f), 15);
	/* over 16 rows: cut to 16 - 16/8 = 14 at most, whole steps: 12 */
	set_journal_max(f, " 16 ");
	step_rows(f, "i", 1); /* 109 -> 110 */
	assert_int_equal(journal_rows(f), 12);
	memset(&j, 0, sizeof(j));
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 106, jcollect_cb, &j), 0);
	assert_int_equal(j.n, 12);
	assert_int_equal(j.last_to, 110);
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 105, jcollect_cb, &j),
	    ERR_NOTFOUND);
	/* coredns-util's writes (store_bump_serial) are pruned too; 0 keeps
	 * the newest step only */
	set_journal_max(f, "0");
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_rr_add(f->st, f->zid, "u.example.com", "A",
	                     "192.0.2.9", 60, -1),
	    0);
	assert_int_equal(store_bump_serial(f->st, f->zid), 0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(journal_rows(f), 3);
	memset(&j, 0, sizeof(j));
	assert_int_equal(
	    store_journal_read(f->st, f->zid, 110, jcollect_cb, &j), 0);
	assert_int_equal(j.n, 3);
	assert_int_equal(j.last_to, 111);
	assert_int_equal(serial_of(f), 111);
}

/* PowerDNS's core tables, indexes and constraints: `db init` makes them
 * as Debian's pdns schema file does. */
static void
test_init_pdns_schema(void **state)
{
	struct fx f = { 0 };
	static char ours[32768], theirs[32768];
	char *ddl;

	(void)state;
	if ((ddl = slurp(pdns_schema[be])) == NULL)
		fail_msg("%s missing: apt-get install pdns-backend-%s",
		    pdns_schema[be], be == BE_PGSQL ? "pgsql" : "sqlite3");
	fx_paths(&f);
	fx_open(&f);
	assert_int_equal(store_init(f.st), 0);
	sql_text(&f, core_ddl[be], ours, sizeof(ours));
	fx_close(&f);
	memset(&f, 0, sizeof(f));
	fx_paths(&f);
	fx_open(&f);
	sql(&f, ddl);
	free(ddl);
	sql_text(&f, core_ddl[be], theirs, sizeof(theirs));
	fx_close(&f);
	squeeze(ours);
	squeeze(theirs);
	/* all seven tables */
	assert_non_null(strstr(theirs, "supermasters"));
	assert_non_null(strstr(theirs, "cryptokeys"));
	assert_true(
	    strlen(theirs) > 1000 && strlen(theirs) < sizeof(theirs) - 1);
	assert_string_equal(ours, theirs);
}

/* Our own tables, triggers, functions and indexes, as one string. */
static const char *const own_ddl[] = {
	[BE_SQLITE] = "SELECT group_concat(sql, ';') FROM (SELECT sql "
	              "FROM sqlite_master WHERE sql IS NOT NULL AND "
	              "(name LIKE 'coredns%' OR tbl_name LIKE 'coredns%') "
	              "ORDER BY type, name)",
	[BE_PGSQL] =
	    "SELECT (SELECT string_agg(pg_get_triggerdef(oid), ';' "
	    "ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal) "
	    "|| '|' || (SELECT string_agg(proname || ' ' || md5(prosrc), ';' "
	    "ORDER BY proname) FROM pg_proc "
	    "WHERE pronamespace = 'public'::regnamespace) || '|' || "
	    "(SELECT string_agg(table_name || '.' || column_name || ' ' "
	    "|| data_type || ' ' || coalesce(column_default, '') || ' ' || "
	    "is_nullable, ';' ORDER BY table_name, ordinal_position) "
	    "FROM information_schema.columns WHERE table_schema = 'public' "
	    "AND table_name LIKE 'coredns%') || '|' || "
	    "(SELECT string_agg(indexdef, ';' ORDER BY indexname) "
	    "FROM pg_indexes WHERE schemaname = 'public' "
	    "AND tablename LIKE 'coredns%')",
};

/* A store made by an older binary: the core schema and our migrations
 * up to `version`, as that binary's `db init` left them. */
static void
old_store(struct fx *f, int version)
{
	const struct sql_migration *m = NULL;
	const char *schema = NULL;
	char q[64];

#ifdef HAVE_PGSQL
	if (be == BE_PGSQL) {
		schema = pgsql_schema_sql;
		m = pgsql_migrations;
	}
#endif
	if (be == BE_SQLITE) {
		schema = sqlite_schema_sql;
		m = sqlite_migrations;
	}
	sql(f, schema);
	for (; m->version != 0 && m->version <= version; m++)
		sql(f, m->sql);
	snprintf(
	    q, sizeof(q), "INSERT INTO coredns_schema VALUES (%d)", version);
	sql(f, q);
}

/* `db migrate` brings a store of every older version up to this one
 * (on PostgreSQL: v1 -> v2 -> v3, and v2 -> v3; on SQLite v1 -> v2):
 * our schema as `db init` makes it, the core tables untouched, the zone
 * served, and the triggers of the new versions working. */
static void
test_migrate_previous(void **state)
{
	static char fresh[32768], got[32768], before[16384], after[16384];
	struct store_bulk *bk = NULL;
	struct store_zone z;
	struct fx f = { 0 };
	int64_t gen, zid = 0;
	int have, want, v;
	char err[256], want_err[128];

	(void)state;
	fx_paths(&f);
	fx_open(&f);
	assert_int_equal(store_init(f.st), 0);
	assert_int_equal(store_version(f.st, &have, &want), 0);
	assert_true(want >= 2);
	sql_text(&f, own_ddl[be], fresh, sizeof(fresh));
	assert_true(strlen(fresh) > 500 && strlen(fresh) < sizeof(fresh) - 1);
	fx_close(&f);

	for (v = 1; v < want; v++) {
		memset(&f, 0, sizeof(f));
		fx_paths(&f);
		fx_open(&f);
		old_store(&f, v);
		sql(&f, "INSERT INTO domains (name, type) VALUES ('old.test', "
		        "'MASTER');"
		        "INSERT INTO records (domain_id, name, type, content, "
		        "ttl) VALUES (1, 'old.test', 'SOA', 'a.old.test "
		        "h.old.test 7 1 1 1 1', 60), "
		        "(1, 'www.old.test', 'A', '192.0.2.1', 60)");
		assert_int_equal(
		    store_check(f.st, err, sizeof(err)), ERR_CONFIG);
		snprintf(want_err, sizeof(want_err),
		    "schema version %d, this program needs %d: run "
		    "`coredns-util db migrate`",
		    v, want);
		if (strstr(err, want_err) == NULL)
			fail_msg("v%d: %s", v, err);
		sql_text(&f, core_ddl[be], before, sizeof(before));

		assert_int_equal(store_migrate(f.st), 0);
		assert_int_equal(store_version(f.st, &have, &want), 0);
		assert_int_equal(have, want);
		assert_int_equal(store_check(f.st, err, sizeof(err)), 0);
		sql_text(&f, core_ddl[be], after, sizeof(after));
		assert_string_equal(before, after);
		sql_text(&f, own_ddl[be], got, sizeof(got));
		assert_string_equal(got, fresh);
		/* exactly one version row */
		assert_int_equal(
		    sql_int(&f, "SELECT count(*) FROM coredns_schema"), 1);

		/* the old zone: served, stepped, renamed */
		assert_int_equal(store_steward_pass(f.st, NULL), 0);
		sql(&f,
		    "INSERT INTO records (domain_id, name, type, content, "
		    "ttl) VALUES (1, 'ftp.old.test', 'A', '192.0.2.2', 60)");
		assert_int_equal(store_steward_pass(f.st, NULL), 0);
		assert_int_equal(store_zone_get(f.st, "old.test", &z), 0);
		assert_int_equal(z.serial, 8);
		assert_int_equal(z.served_serial, 8);
		gen = z.generation;
		sql(&f, "UPDATE domains SET name = 'new.test' WHERE id = 1");
		assert_int_equal(store_zone_get(f.st, "new.test", &z), 0);
		assert_int_equal(z.generation, gen + 1);
		assert_int_equal(
		    store_zone_set_kind(f.st, 1, STORE_ZONE_NATIVE), 0);
		assert_int_equal(zone_generation(&f, 1), gen + 2);

		/* a bulk load: one generation step (PostgreSQL: the INSERT
		 * trigger's WHEN of migration 002 skips its rows) */
		assert_int_equal(store_begin(f.st), 0);
		assert_int_equal(store_zone_create(f.st, "bulk.test",
		                     STORE_ZONE_NATIVE, &zid),
		    0);
		assert_int_equal(store_bulk_begin(f.st, zid, &bk), 0);
		assert_int_equal(
		    store_bulk_add(bk, "bulk.test", "SOA",
		        "ns.bulk.test. h.bulk.test. 3 1 1 1 1", 60, -1),
		    0);
		assert_int_equal(
		    store_bulk_add(bk, "a.bulk.test", "A", "192.0.2.3", 60, -1),
		    0);
		assert_int_equal(store_bulk_end(bk, NULL), 0);
		assert_int_equal(store_commit(f.st), 0);
		assert_int_equal(zone_generation(&f, zid), 2);
		assert_int_equal(
		    sql_int(&f, "SELECT count(*) FROM coredns_pending"), 0);
		fx_close(&f);
	}
}

#ifdef HAVE_PGSQL
/* PostgreSQL only: NOTIFY per zone at commit, one txid per transaction,
 * BOOL columns read as 0/1. */
static void
test_pg_notify_txid(void **state)
{
	struct fx *f = *state;
	PGnotify *n;
	int got = 0;

	sql(f, "LISTEN coredns");
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_rr_add(f->st, f->zid, "n1.example.com", "A",
	                     "192.0.2.1", 60, -1),
	    0);
	assert_int_equal(store_rr_add(f->st, f->zid, "n2.example.com", "A",
	                     "192.0.2.2", 60, -1),
	    0);
	/* nothing is delivered before the commit */
	assert_int_equal(PQconsumeInput(f->pg), 1);
	assert_null(PQnotifies(f->pg));
	assert_int_equal(store_commit(f->st), 0);
	sql(f, "SELECT 1"); /* a round trip: the notification is in */
	assert_int_equal(PQconsumeInput(f->pg), 1);
	while ((n = PQnotifies(f->pg)) != NULL) {
		assert_string_equal(n->relname, "coredns");
		assert_string_equal(n->extra, "1");
		got++;
		PQfreemem(n);
	}
	assert_int_equal(got, 1); /* one per zone and transaction */
	assert_int_equal(
	    sql_int(f, "SELECT count(DISTINCT txid) FROM coredns_pending"), 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_pending"), 2);
	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'n3.example.com', 'A', '192.0.2.3', 60)");
	assert_int_equal(
	    sql_int(f, "SELECT count(DISTINCT txid) FROM coredns_pending"), 2);
	/* two committed transactions: two serial steps */
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 102);
	/* what we wrote is BOOL false/true */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM records WHERE "
	                            "name = 'n1.example.com' AND "
	                            "disabled = false AND auth = true"),
	    1);
}

static void *
late_commit(void *arg)
{
	usleep(300 * 1000);
	PQclear(PQexec(arg, "COMMIT"));
	return NULL;
}

/* The steward waits for a writer of the zone in flight (the zone state's
 * row lock) and takes its changes into the same step. */
static void
test_pg_steward_waits(void **state)
{
	struct fx *f = *state;
	pthread_t t;

	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'a.example.com', 'A', '192.0.2.1', 60)");
	sql(f, "BEGIN; INSERT INTO records (domain_id, name, type, content, "
	       "ttl) VALUES (1, 'w.example.com', 'A', '192.0.2.2', 60)");
	assert_int_equal(pthread_create(&t, NULL, late_commit, f->pg), 0);
	assert_int_equal(pass(f), 1);
	assert_int_equal(pthread_join(t, NULL), 0);
	/* two transactions, two steps */
	assert_int_equal(serial_of(f), 102);
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_journal WHERE op = 'add' "
	               "AND name IN ('a.example.com', 'w.example.com')"),
	    2);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_pending"), 0);
	assert_int_equal(pass(f), 0);
}

/* The journal of the zone between two serials as "op name type content"
 * lines, in order, into buf. */
static void
journal_text(struct fx *f, int64_t zid, uint32_t from, uint32_t to, char *buf,
    size_t len)
{
	char q[512];

	snprintf(q, sizeof(q),
	    "SELECT string_agg(op || ' ' || name || ' ' || type || ' ' || "
	    "content, '|' ORDER BY id) FROM coredns_journal WHERE "
	    "domain_id = %" PRId64 " AND serial_from = %" PRIu32
	    " AND serial_to = %" PRIu32,
	    zid, from, to);
	sql_text(f, q, buf, len);
}

/* One serial step per committed transaction, each journaled with
 * exactly its own differences; a transaction over two zones is one step
 * in each. */
static void
test_pg_step_per_txn(void **state)
{
	struct fx *f = *state;
	char j[1024];
	int64_t z2 = 0;

	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'a.example.com', 'A', '192.0.2.1', 60)");
	sql(f, "BEGIN; UPDATE records SET content = '192.0.2.2' "
	       "WHERE name = 'a.example.com'; "
	       "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'b.example.com', 'A', '192.0.2.3', 60); COMMIT");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 102);
	journal_text(f, f->zid, 100, 101, j, sizeof(j));
	assert_string_equal(j,
	    "del example.com SOA ns1.example.com. hostmaster.example.com. "
	    "100 3600 600 604800 300|"
	    "add example.com SOA ns1.example.com. hostmaster.example.com. "
	    "101 3600 600 604800 300|"
	    "add a.example.com A 192.0.2.1");
	journal_text(f, f->zid, 101, 102, j, sizeof(j));
	assert_string_equal(j,
	    "del example.com SOA ns1.example.com. hostmaster.example.com. "
	    "101 3600 600 604800 300|"
	    "del a.example.com A 192.0.2.1|"
	    "add example.com SOA ns1.example.com. hostmaster.example.com. "
	    "102 3600 600 604800 300|"
	    "add a.example.com A 192.0.2.2|"
	    "add b.example.com A 192.0.2.3");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_journal"), 8);

	/* one transaction over two zones: one step in each */
	assert_int_equal(
	    store_zone_create(f->st, "two.test", STORE_ZONE_NATIVE, &z2), 0);
	assert_int_equal(store_rr_add(f->st, z2, "two.test", "SOA",
	                     "ns.two.test. h.two.test. 7 1 1 1 1", 60, -1),
	    0);
	assert_int_equal(pass(f), 0); /* first serving */
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_rr_add(f->st, f->zid, "c.example.com", "A",
	                     "192.0.2.4", 60, -1),
	    0);
	assert_int_equal(
	    store_rr_add(f->st, z2, "x.two.test", "A", "192.0.2.5", 60, -1), 0);
	assert_int_equal(
	    store_rr_add(f->st, z2, "y.two.test", "A", "192.0.2.6", 60, -1), 0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(pass(f), 2);
	assert_int_equal(serial_of(f), 103);
	journal_text(f, f->zid, 102, 103, j, sizeof(j));
	assert_string_equal(j,
	    "del example.com SOA ns1.example.com. hostmaster.example.com. "
	    "102 3600 600 604800 300|"
	    "add example.com SOA ns1.example.com. hostmaster.example.com. "
	    "103 3600 600 604800 300|"
	    "add c.example.com A 192.0.2.4");
	journal_text(f, z2, 7, 8, j, sizeof(j));
	assert_string_equal(j, "del two.test SOA ns.two.test. h.two.test. "
	                       "7 1 1 1 1|"
	                       "add two.test SOA ns.two.test. h.two.test. "
	                       "8 1 1 1 1|"
	                       "add x.two.test A 192.0.2.5|"
	                       "add y.two.test A 192.0.2.6");
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_journal WHERE "
	               "domain_id = 1 AND serial_from = 102"),
	    3);
	assert_int_equal(pass(f), 0);
}

struct cw_writer {
	const char *dsn;
	int k;
	int failed; /* transactions that did not commit */
	char err[256];
};

static int
cw_exec(PGconn *pg, const char *q, char *err, size_t len)
{
	PGresult *res = PQexec(pg, q);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		snprintf(err, len, "%s: %s", q, PQresultErrorMessage(res));
	PQclear(res);
	return ok ? 0 : -1;
}

/* A writer on its own connection: each transaction adds a name, changes
 * the one added before and, every third time, deletes an older one, with
 * short pauses inside and between transactions. */
static void *
cw_writer(void *arg)
{
	struct cw_writer *w = arg;
	PGconn *pg = PQconnectdb(w->dsn);
	char q[512];
	int i;

	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(w->err, sizeof(w->err), "%s", PQerrorMessage(pg));
		w->failed = CW_TXNS;
		goto out;
	}
	for (i = 0; i < CW_TXNS; i++) {
		snprintf(q, sizeof(q),
		    "BEGIN; INSERT INTO records (domain_id, name, type, "
		    "content, ttl) VALUES (1, 'w%d-%d.example.com', 'A', "
		    "'192.0.2.%d', 60)",
		    w->k, i, i + 1);
		if (cw_exec(pg, q, w->err, sizeof(w->err)) != 0)
			goto fail;
		usleep((useconds_t)(rand() % 2000));
		if (i > 0) {
			snprintf(q, sizeof(q),
			    "UPDATE records SET content = '198.51.100.%d' "
			    "WHERE name = 'w%d-%d.example.com'",
			    i, w->k, i - 1);
			if (cw_exec(pg, q, w->err, sizeof(w->err)) != 0)
				goto fail;
		}
		if (i >= 2 && i % 3 == 0) {
			snprintf(q, sizeof(q),
			    "DELETE FROM records "
			    "WHERE name = 'w%d-%d.example.com'",
			    w->k, i - 2);
			if (cw_exec(pg, q, w->err, sizeof(w->err)) != 0)
				goto fail;
		}
		if (cw_exec(pg, "COMMIT", w->err, sizeof(w->err)) != 0)
			goto fail;
		usleep((useconds_t)(rand() % 3000));
		continue;
	fail:
		w->failed++;
		PQclear(PQexec(pg, "ROLLBACK"));
	}
out:
	PQfinish(pg);
	atomic_fetch_add(&cw_done, 1);
	return NULL;
}

/* Two writers on connections of their own commit interleaved
 * transactions while steward passes run: every committed transaction
 * gets its own serial step, and the journal replayed from the first
 * serial gives the zone as it ends. */
static void
test_pg_concurrent_writers(void **state)
{
	struct fx *f = *state;
	struct cw_writer w[2];
	struct cw_replay r = { 0 };
	struct cw_rows final = { 0 };
	pthread_t t[2];
	int i, rc, changed, stepping = 0;
	size_t k;

	srand(7);
	atomic_store(&cw_done, 0);
	assert_int_equal(store_zone_read(f->st, f->zid, cw_row_cb, &r.rows), 0);
	for (i = 0; i < 2; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].dsn = f->dsn;
		w[i].k = i;
		assert_int_equal(
		    pthread_create(&t[i], NULL, cw_writer, &w[i]), 0);
	}
	/* passes while they write, a pause now and then */
	while (atomic_load(&cw_done) < 2) {
		changed = 0;
		rc = store_steward_pass(f->st, &changed);
		if (rc != 0)
			assert_int_equal(rc, ERR_TIMEOUT); /* a deadlock */
		stepping += changed;
		usleep((useconds_t)(rand() % 1500));
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		if (w[i].failed != 0)
			fail_msg("writer %d: %d failed: %s", i, w[i].failed,
			    w[i].err);
	}
	/* the passes did run between the writers' commits */
	assert_true(stepping >= 2);
	pass(f);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM coredns_pending"), 0);

	assert_int_equal(
	    store_journal_read(f->st, f->zid, 100, cw_journal_cb, &r), 0);
	assert_int_equal(r.bad, 0);
	/* one step per committed transaction, none lost or merged */
	assert_int_equal(r.steps, 2 * CW_TXNS);
	assert_int_equal(r.to, 100 + 2 * CW_TXNS);
	assert_int_equal(serial_of(f), r.to);
	assert_int_equal(store_zone_read(f->st, f->zid, cw_row_cb, &final), 0);
	assert_int_equal(r.rows.n, final.n);
	qsort(r.rows.v, r.rows.n, sizeof(char *), cw_cmp);
	qsort(final.v, final.n, sizeof(char *), cw_cmp);
	for (k = 0; k < final.n; k++)
		assert_string_equal(r.rows.v[k], final.v[k]);
	cw_fini(&r.rows);
	cw_fini(&final);
}

/* A dropped LISTEN connection is ERR_IO once; the next call reconnects
 * and reports a change (what was sent meanwhile is lost); the new fd
 * works. */
static void
test_pg_listen_reconnect(void **state)
{
	struct fx *f = *state;
	bool changed = false;
	int fd, i, rc = 0;

	assert_true((fd = store_change_fd(f->st)) >= 0);
	assert_int_equal(store_poll_changes(f->st, &changed), 0);
	assert_false(changed);
	assert_int_equal(
	    sql_int(f, "SELECT count(pg_terminate_backend(pid)) FROM "
	               "pg_stat_activity WHERE query = 'LISTEN coredns' "
	               "AND pid <> pg_backend_pid()"),
	    1);
	for (i = 0; i < 10 && rc == 0; i++) {
		assert_true(readable(fd, 5000));
		rc = store_poll_changes(f->st, &changed);
	}
	assert_int_equal(rc, ERR_IO);
	/* missed while nobody listened */
	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl) "
	       "VALUES (1, 'missed.example.com', 'A', '192.0.2.3', 60)");
	assert_int_equal(store_poll_changes(f->st, &changed), 0);
	assert_true(changed);
	assert_true((fd = store_change_fd(f->st)) >= 0);
	assert_int_equal(store_poll_changes(f->st, &changed), 0);
	assert_false(changed);
	sql(f, "DELETE FROM records WHERE name = 'missed.example.com'");
	assert_true(readable(fd, 5000));
	assert_int_equal(store_poll_changes(f->st, &changed), 0);
	assert_true(changed);
	/* reopened by store_change_fd after a break: still reported */
	assert_int_equal(
	    sql_int(f, "SELECT count(pg_terminate_backend(pid)) FROM "
	               "pg_stat_activity WHERE query = 'LISTEN coredns' "
	               "AND pid <> pg_backend_pid()"),
	    1);
	for (rc = 0, i = 0; i < 10 && rc == 0; i++) {
		assert_true(readable(fd, 5000));
		rc = store_poll_changes(f->st, &changed);
	}
	assert_int_equal(rc, ERR_IO);
	assert_true(store_change_fd(f->st) >= 0);
	assert_int_equal(store_poll_changes(f->st, &changed), 0);
	assert_true(changed);
}

/* A URI DSN opens the same database; a killed connection fails one call
 * and is reset on the next, with its statements prepared again. */
static void
test_pg_uri_reconnect(void **state)
{
	struct fx *f = *state;
	struct store_zone z;
	struct store *st;
	char uri[512], err[256];
	int rc;

	snprintf(uri, sizeof(uri), "postgresql:///%s?host=%s&port=%s&user=%s",
	    PQdb(f->pg), PQhost(f->pg), PQport(f->pg), PQuser(f->pg));
	if ((st = store_open(uri, err, sizeof(err))) == NULL)
		fail_msg("store_open %s: %s", uri, err);
	assert_int_equal(store_check(st, err, sizeof(err)), 0);
	assert_int_equal(store_zone_get(st, "example.com", &z), 0);
	assert_int_equal(z.serial, 100);
	store_close(st);
	assert_null(store_open(
	    "postgresql:///nope?host=/nonexistent", err, sizeof(err)));
	assert_non_null(strstr(err, "pgsql"));

	assert_int_equal(store_zone_get(f->st, "example.com", &z), 0);
	sql(f, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
	       "WHERE pid <> pg_backend_pid() "
	       "AND datname = current_database()");
	rc = store_zone_get(f->st, "example.com", &z);
	assert_true(rc == ERR_IO || rc == 0);
	assert_int_equal(store_zone_get(f->st, "example.com", &z), 0);
	assert_int_equal(z.serial, 100);
	assert_int_equal(store_rr_add(f->st, f->zid, "r.example.com", "A",
	                     "192.0.2.1", 60, -1),
	    0);
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 101);
}
#endif

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_init_check, setup, teardown),
		cmocka_unit_test(test_empty_store),
		cmocka_unit_test(test_migrate_pdns),
		cmocka_unit_test_setup_teardown(
		    test_read_conventions, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_rr_add_conventions, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_steward_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_steward_no_change, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_steward_policies, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_steward_admin_serial, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bump_in_writer_txn, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_journal_read_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_zones_and_lease, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_change_detection, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bulk_load, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bulk_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_domains_update, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_journal_autoprune, setup, teardown),
		cmocka_unit_test(test_init_pdns_schema),
		cmocka_unit_test(test_migrate_previous),
	};
	const struct CMUnitTest sqlite_only[] = {
		cmocka_unit_test_setup_teardown(
		    test_sqlite_concurrent_writers, setup, teardown),
	};
	struct CMUnitTest sqlite_tests[NTESTS(tests) + NTESTS(sqlite_only)];
#ifdef HAVE_PGSQL
	const struct CMUnitTest pg_only[] = {
		cmocka_unit_test_setup_teardown(
		    test_pg_notify_txid, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pg_uri_reconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pg_steward_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pg_step_per_txn, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pg_concurrent_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pg_listen_reconnect, setup, teardown),
	};
	/* one group, so that the runner's count covers all of them */
	struct CMUnitTest pg_tests[NTESTS(tests) + NTESTS(pg_only)];

	if (argc > 1 && strcmp(argv[1], "pgsql") == 0) {
		be = BE_PGSQL;
		memcpy(pg_tests, tests, sizeof(tests));
		memcpy(pg_tests + NTESTS(tests), pg_only, sizeof(pg_only));
		return cmocka_run_group_tests_name(
		    "store_pgsql", pg_tests, NULL, NULL);
	}
#else
	if (argc > 1 && strcmp(argv[1], "pgsql") == 0) {
		fprintf(stderr, "built without PostgreSQL (--without-pgsql)\n");
		return 1;
	}
#endif
	if (argc > 1 && strcmp(argv[1], "sqlite") != 0) {
		fprintf(stderr, "usage: %s [sqlite|pgsql]\n", argv[0]);
		return 2;
	}
	memcpy(sqlite_tests, tests, sizeof(tests));
	memcpy(sqlite_tests + NTESTS(tests), sqlite_only, sizeof(sqlite_only));
	return cmocka_run_group_tests_name(
	    "store_sqlite", sqlite_tests, NULL, NULL);
}
