/* storage/tests/test_store.c - unit tests of the store on SQLite */
#include "config.h"

#include <setjmp.h>
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

#include "common/err.h"
#include "storage/store.h"

#define PDNS_SCHEMA "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql"

struct fx {
	char dir[64];
	char path[128];
	char dsn[160];
	struct store *st;
	sqlite3 *db; /* raw access, as an admin's SQL edits */
	int64_t zid;
};

static void
sql(struct fx *f, const char *q)
{
	char *msg = NULL;

	if (sqlite3_exec(f->db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("sql: %s: %s", q, msg);
}

static int64_t
sql_int(struct fx *f, const char *q)
{
	sqlite3_stmt *s;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(f->db, q, -1, &s, NULL), 0);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void
fx_paths(struct fx *f)
{
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
	assert_int_equal(sqlite3_open(f->path, &f->db), 0);
	sqlite3_busy_timeout(f->db, 5000);
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
	char cmd[128];

	store_close(f->st);
	sqlite3_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
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
	store_close(f.st);
	sqlite3_close(f.db);
	unlink(f.path);
	rmdir(f.dir);
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

static void
test_migrate_pdns(void **state)
{
	struct fx f = { 0 };
	char err[256], *ddl;
	char before[8192] = "", after[8192] = "";
	const char *core = "SELECT group_concat(sql, ';') FROM sqlite_master "
	                   "WHERE name NOT LIKE 'coredns%' "
	                   "AND tbl_name NOT LIKE 'coredns%'";
	struct store_zone z;
	sqlite3_stmt *s;

	(void)state;
	/* the test command installs pdns-backend-sqlite3: never skipped */
	if ((ddl = slurp(PDNS_SCHEMA)) == NULL)
		fail_msg("%s missing: apt-get install pdns-backend-sqlite3",
		    PDNS_SCHEMA);
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
	assert_int_equal(sqlite3_prepare_v2(f.db, core, -1, &s, NULL), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	snprintf(before, sizeof(before), "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);

	assert_int_equal(store_migrate(f.st), 0);
	assert_int_equal(store_check(f.st, err, sizeof(err)), 0);
	/* core tables and indexes untouched */
	assert_int_equal(sqlite3_prepare_v2(f.db, core, -1, &s, NULL), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	snprintf(after, sizeof(after), "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
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
	store_close(f.st);
	sqlite3_close(f.db);
	snprintf(err, sizeof(err), "rm -rf %s", f.dir);
	assert_int_equal(system(err), 0);
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

	sql(f, "INSERT INTO records (domain_id, name, type, content, ttl, "
	       "prio, disabled) VALUES "
	       "(1, 'WWW.Example.COM.', 'a', '192.0.2.1', 60, 0, 0),"
	       "(1, 'example.com', 'MX', 'mail.example.com', 60, 10, 0),"
	       "(1, 'example.com', 'MX', '20 mx2.example.com.', 60, 0, 0),"
	       "(1, 'off.example.com', 'A', '192.0.2.9', 60, 0, 1),"
	       "(1, 'ent.example.com', NULL, NULL, NULL, NULL, 0),"
	       "(1, 'srv._tcp.example.com', 'SRV', '0 5 5060 sip.example.com',"
	       " 60, 7, 0),"
	       "(1, 'bad.example.com', 'A', 'not-an-address', 60, 0, 0),"
	       "(1, 'evil.example.com', 'A', '192.0.2.1\n$INCLUDE /etc/passwd',"
	       " 60, 0, 0),"
	       "(1, 'outside.example.org', 'A', '192.0.2.1', 60, 0, 0)");
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
	assert_string_equal(c.names[2], "WWW.Example.COM./a");
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
	sql(f, "UPDATE records SET ordername = 'x', auth = 0");
	sql(f, "INSERT INTO records (domain_id, name, type, ordername, auth) "
	       "VALUES (1, 'ent.example.com', NULL, 'ent', 1)");
	sql(f,
	    "INSERT INTO records (domain_id, name, type, content, ttl, "
	    "disabled) VALUES (1, 'off.example.com', 'A', '192.0.2.5', 60, 1)");
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
	sql(f, "UPDATE records SET disabled = 0 "
	       "WHERE name = 'off.example.com'");
	assert_int_equal(pass(f), 1);
	assert_int_equal(serial_of(f), 101);
	assert_int_equal(
	    sql_int(f, "SELECT count(*) FROM coredns_journal WHERE op = 'add' "
	               "AND name = 'off.example.com'"),
	    1);
	/* disabling it is a delete */
	sql(f, "UPDATE records SET disabled = 1 "
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

int
main(void)
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
