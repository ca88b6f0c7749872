/* storage/store_ext.c - store additions for coredns-util: kind, master,
 * journal range, TSIG keys */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>

#include "common/err.h"
#include "common/log.h"
#include "storage/sql.h"
#include "storage/store.h"

/*
 * struct store is private to store.c; it opens with the driver and the
 * connection, which is all this file needs. Keep the two in step (or
 * give store.c an internal accessor and drop this).
 */
/* The driver and connection of a store, through storage/sql.h. */
struct store_head {
	const struct sql_driver *drv;
	struct sql_conn *conn;
};

static struct store_head
head(struct store *st)
{
	struct store_head h = { store_driver(st), store_conn(st) };

	return h;
}

/* Runs `sql` with ?1 = t1 and, when `nparam` is 2, ?2 = i1 to its end;
 * `changes` (may be NULL) gets the rows changed. */
static int
ext_run(struct store *st, const char *sql, int nparam, const char *t1,
    int64_t i1, int64_t *changes)
{
	const struct store_head hd = head(st), *h = &hd;
	struct sql_stmt *s = NULL;
	int rc;

	if ((rc = h->drv->prepare(h->conn, sql, &s)) != 0)
		return rc;
	if ((rc = h->drv->bind_text(s, 1, t1)) != 0)
		goto out;
	if (nparam == 2 && (rc = h->drv->bind_int(s, 2, i1)) != 0)
		goto out;
	while ((rc = h->drv->step(s)) == SQL_ROW)
		;
	if (rc == SQL_DONE && changes != NULL)
		*changes = h->drv->changes(h->conn);
out:
	h->drv->finalize(s);
	return rc;
}

int
store_zone_set_kind(
    struct store *st, int64_t zone_id, enum store_zone_kind kind)
{
	int64_t n = 0;
	int rc;

	if (kind == STORE_ZONE_OTHER)
		return ERR_INVAL;
	rc = ext_run(st, "UPDATE domains SET type = ? WHERE id = ?", 2,
	    store_zone_kind_str(kind), zone_id, &n);
	if (rc == 0 && n == 0)
		rc = ERR_NOTFOUND;
	return rc;
}

int
store_zone_set_master(struct store *st, int64_t zone_id, const char *master)
{
	const struct store_head hd = head(st), *h = &hd;
	struct sql_stmt *s = NULL;
	int rc;

	rc = h->drv->prepare(
	    h->conn, "UPDATE domains SET master = ? WHERE id = ?", &s);
	if (rc != 0)
		return rc;
	if (master == NULL || master[0] == '\0')
		rc = h->drv->bind_null(s, 1);
	else
		rc = h->drv->bind_text(s, 1, master);
	if (rc == 0 && (rc = h->drv->bind_int(s, 2, zone_id)) == 0) {
		rc = h->drv->step(s);
		if (rc == SQL_DONE)
			rc = h->drv->changes(h->conn) > 0 ? 0 : ERR_NOTFOUND;
		else if (rc == SQL_ROW)
			rc = ERR_IO;
	}
	h->drv->finalize(s);
	return rc;
}

int
store_zone_get_master(struct store *st, int64_t zone_id, char *buf, size_t len)
{
	const struct store_head hd = head(st), *h = &hd;
	struct sql_stmt *s = NULL;
	const char *m;
	int rc;

	rc = h->drv->prepare(
	    h->conn, "SELECT master FROM domains WHERE id = ?", &s);
	if (rc != 0)
		return rc;
	if ((rc = h->drv->bind_int(s, 1, zone_id)) != 0)
		goto out;
	if ((rc = h->drv->step(s)) != SQL_ROW) {
		rc = rc == SQL_DONE ? ERR_NOTFOUND : rc;
		goto out;
	}
	m = h->drv->column_null(s, 0) ? "" : h->drv->column_text(s, 0);
	rc = snprintf(buf, len, "%s", m != NULL ? m : "") >= (int)len
	         ? ERR_SPACE
	         : 0;
out:
	h->drv->finalize(s);
	return rc;
}

int
store_journal_range(
    struct store *st, int64_t zone_id, struct store_journal_range *out)
{
	const struct store_head hd = head(st), *h = &hd;
	struct sql_stmt *s = NULL;
	int rc;

	*out = (struct store_journal_range){ 0 };
	rc = h->drv->prepare(h->conn,
	    "SELECT count(*), count(DISTINCT serial_from), "
	    "(SELECT serial_from FROM coredns_journal "
	    "WHERE domain_id = ? ORDER BY id LIMIT 1), "
	    "(SELECT serial_to FROM coredns_journal "
	    "WHERE domain_id = ? ORDER BY id DESC LIMIT 1) "
	    "FROM coredns_journal WHERE domain_id = ?",
	    &s);
	if (rc != 0)
		return rc;
	if ((rc = h->drv->bind_int(s, 1, zone_id)) != 0 ||
	    (rc = h->drv->bind_int(s, 2, zone_id)) != 0 ||
	    (rc = h->drv->bind_int(s, 3, zone_id)) != 0)
		goto out;
	if ((rc = h->drv->step(s)) != SQL_ROW) {
		rc = rc == SQL_DONE ? ERR_IO : rc;
		goto out;
	}
	rc = 0;
	out->entries = h->drv->column_int(s, 0);
	out->steps = h->drv->column_int(s, 1);
	if (out->entries > 0 && !h->drv->column_null(s, 2) &&
	    !h->drv->column_null(s, 3)) {
		out->has_range = true;
		out->first = (uint32_t)h->drv->column_int(s, 2);
		out->last = (uint32_t)h->drv->column_int(s, 3);
	}
out:
	h->drv->finalize(s);
	return rc;
}

int
store_tsigkey_set(
    struct store *st, const char *name, const char *alg, const char *secret)
{
	const struct store_head hd = head(st), *h = &hd;
	struct sql_stmt *s = NULL;
	bool own;
	int rc;

	if (name == NULL || name[0] == '\0' || alg == NULL || alg[0] == '\0' ||
	    secret == NULL || secret[0] == '\0')
		return ERR_INVAL;
	/* store_begin says ERR_INVAL inside the caller's transaction */
	rc = store_begin(st);
	if (rc != 0 && rc != ERR_INVAL)
		return rc;
	own = rc == 0;
	rc = ext_run(
	    st, "DELETE FROM tsigkeys WHERE name = ?", 1, name, 0, NULL);
	if (rc == 0)
		rc = h->drv->prepare(h->conn,
		    "INSERT INTO tsigkeys (name, algorithm, secret) "
		    "VALUES (?, ?, ?)",
		    &s);
	if (rc == 0 && (rc = h->drv->bind_text(s, 1, name)) == 0 &&
	    (rc = h->drv->bind_text(s, 2, alg)) == 0 &&
	    (rc = h->drv->bind_text(s, 3, secret)) == 0)
		rc = h->drv->step(s) == SQL_DONE ? 0 : ERR_IO;
	h->drv->finalize(s);
	if (own)
		rc = rc == 0 ? store_commit(st) : (store_rollback(st), rc);
	return rc;
}

int
store_tsigkey_delete(struct store *st, const char *name, int64_t *deleted)
{
	int64_t n = 0;
	int rc;

	rc = ext_run(st, "DELETE FROM tsigkeys WHERE name = ?", 1, name, 0, &n);
	if (rc == 0 && deleted != NULL)
		*deleted = n;
	return rc;
}

int
store_tsigkey_list(struct store *st, store_tsigkey_cb cb, void *arg)
{
	const struct store_head hd = head(st), *h = &hd;
	struct sql_stmt *s = NULL;
	int rc;

	rc = h->drv->prepare(h->conn,
	    "SELECT name, algorithm, secret FROM tsigkeys ORDER BY name, id",
	    &s);
	if (rc != 0)
		return rc;
	while ((rc = h->drv->step(s)) == SQL_ROW) {
		const char *n = h->drv->column_text(s, 0);
		const char *a = h->drv->column_text(s, 1);
		const char *k = h->drv->column_text(s, 2);

		rc = cb(arg, n ? n : "", a ? a : "", k ? k : "");
		if (rc != 0)
			break;
	}
	if (rc == SQL_DONE)
		rc = 0;
	h->drv->finalize(s);
	return rc;
}
