/* storage/pgsql/pgsql.c - PostgreSQL driver behind the SQL statement vtable */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "storage/pgsql/pgsql_sql.h"
#include "storage/sql.h"

/*
 * Statements are prepared on the server (PQprepare) under names of our
 * own, with store.c's "?" placeholders rewritten to $1..$n. Parameters
 * go as text and PostgreSQL infers their types from the statement, so
 * an integer bound to a BOOL column ("0"/"1") is a boolean. Results are
 * read whole (PQexecPrepared) and stepped through row by row; booleans
 * read as integers give 1 for 't' and 0 for 'f'. A broken connection is
 * reset on the next call; statements prepared before are prepared again.
 */

struct sql_conn {
	PGconn *pg;
	int64_t changes;   /* rows of the last statement */
	unsigned epoch;    /* bumped by every reset */
	unsigned next_id;  /* for statement names */
	bool reset_failed; /* logged once until the next success */
	/* LISTEN coredns on a connection of its own (change_fd) */
	char *conninfo;
	PGconn *listen;
	bool listen_broken; /* reopened on the next call */
	bool listen_failed; /* logged once until the next success */
	bool listen_tried;  /* a LISTEN connection was asked for before */
	bool listen_missed; /* reopened: poll_changes says changed */
};

struct sql_stmt {
	struct sql_conn *c;
	char name[32];
	char *sql; /* rewritten text, for preparing again after a reset */
	unsigned epoch;
	int nparams;
	char **params; /* owned; NULL binds SQL NULL */
	PGresult *res;
	int row, nrows;
	bool ran;
	bool stream;  /* single-row mode: one PGresult per row */
	bool pending; /* stream: results still to be read */
};

/* SQLSTATE of a failed result to ERR_* at the boundary */
static int
conv(const PGresult *res)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (st == NULL)
		return ERR_IO;
	if (strncmp(st, "23", 2) == 0) /* integrity constraint violation */
		return ERR_EXISTS;
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 ||
	    strcmp(st, "55P03") == 0 || strcmp(st, "57014") == 0)
		return ERR_TIMEOUT; /* serialization, deadlock, lock, cancel */
	if (strcmp(st, "53200") == 0)
		return ERR_NOMEM;
	if (strncmp(st, "22", 2) == 0 || strncmp(st, "42", 2) == 0)
		return ERR_INVAL; /* data exception, syntax or access rule */
	return ERR_IO;
}

/* Logs the error of `res` (or of the connection) without its newline. */
static void
log_pg(struct sql_conn *c, const PGresult *res, const char *what)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	int n;

	if (msg == NULL || msg[0] == '\0')
		msg = PQerrorMessage(c->pg);
	n = (int)strcspn(msg, "\n");
	log_err("pgsql: %s: %.*s", what, n, msg);
}

static void
notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	log_debug("pgsql: %.*s", (int)strcspn(msg, "\n"), msg);
}

/* A usable connection: resets a broken one (prepared statements are
 * gone then; stmt_ready prepares them again). */
static int
conn_ok(struct sql_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	PQreset(c->pg);
	c->epoch++;
	if (PQstatus(c->pg) != CONNECTION_OK) {
		if (!c->reset_failed)
			log_pg(c, NULL, "reconnect");
		c->reset_failed = true;
		return ERR_IO;
	}
	if (c->reset_failed)
		log_info("pgsql: reconnected");
	c->reset_failed = false;
	return 0;
}

static void
drv_close(struct sql_conn *c)
{
	if (c == NULL)
		return;
	PQfinish(c->listen);
	free(c->conninfo);
	PQfinish(c->pg);
	free(c);
}

static int
drv_open(const char *arg, struct sql_conn **out, char *err, size_t errlen)
{
	struct sql_conn *c;
	PGresult *res = NULL;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return ERR_NOMEM;
	if ((c->conninfo = strdup(arg)) == NULL ||
	    (c->pg = PQconnectdb(arg)) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	if (PQstatus(c->pg) != CONNECTION_OK) {
		/* the message names host and database, never the password */
		snprintf(err, errlen, "pgsql: %.*s",
		    (int)strcspn(PQerrorMessage(c->pg), "\n"),
		    PQerrorMessage(c->pg));
		rc = ERR_IO;
		goto out;
	}
	PQsetNoticeProcessor(c->pg, notice_quiet, NULL);
	res = PQexec(c->pg, "SET client_min_messages = warning");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(err, errlen, "pgsql: %.*s",
		    (int)strcspn(PQresultErrorMessage(res), "\n"),
		    PQresultErrorMessage(res));
		rc = conv(res);
		goto out;
	}
	*out = c;
	c = NULL;
	rc = 0;
out:
	PQclear(res);
	drv_close(c);
	return rc;
}

/* rows of a command result, as PQcmdTuples says */
static int64_t
cmd_rows(PGresult *res)
{
	const char *n = PQcmdTuples(res);

	return n != NULL && n[0] != '\0' ? strtoll(n, NULL, 10) : 0;
}

static int
drv_exec(struct sql_conn *c, const char *script)
{
	PGresult *res;
	int rc = 0;

	if ((rc = conn_ok(c)) != 0)
		return rc;
	/* the simple query protocol runs a script of several statements */
	res = PQexec(c->pg, script);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		c->changes = cmd_rows(res);
		break;
	default:
		log_pg(c, res, "exec");
		rc = conv(res);
		break;
	}
	PQclear(res);
	return rc;
}

/* store.c's "?" placeholders to $1..$n, outside quotes and comments.
 * Caller frees the result. */
static char *
rewrite(const char *sql, int *nparams)
{
	size_t len = strlen(sql), o = 0, i;
	char *out = malloc(len * 6 + 1);
	char quote = 0;
	int n = 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		char ch = sql[i];

		if (quote != 0) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '-' && sql[i + 1] == '-') {
			while (i < len && sql[i] != '\n')
				out[o++] = sql[i++];
			if (i == len)
				break;
			ch = sql[i];
		} else if (ch == '?') {
			o += (size_t)sprintf(out + o, "$%d", ++n);
			continue;
		}
		out[o++] = ch;
	}
	out[o] = '\0';
	*nparams = n;
	return out;
}

/* Reads what is left of a streamed result, so the connection is free. */
static void
stream_drain(struct sql_stmt *s)
{
	PGresult *r;

	while (s->pending && (r = PQgetResult(s->c->pg)) != NULL)
		PQclear(r);
	s->pending = false;
}

static void
drv_finalize(struct sql_stmt *s)
{
	PGresult *res;
	char q[48];
	int i;

	if (s == NULL)
		return;
	PQclear(s->res);
	stream_drain(s);
	if (s->epoch == s->c->epoch && s->name[0] != '\0' &&
	    PQstatus(s->c->pg) == CONNECTION_OK) {
		snprintf(q, sizeof(q), "DEALLOCATE %s", s->name);
		res = PQexec(s->c->pg, q);
		PQclear(res);
	}
	for (i = 0; i < s->nparams; i++)
		free(s->params[i]);
	free(s->params);
	free(s->sql);
	free(s);
}

/* Prepares `s` on the server unless it is there since the last reset. */
static int
stmt_ready(struct sql_stmt *s)
{
	PGresult *res;
	int rc = 0;

	if ((rc = conn_ok(s->c)) != 0)
		return rc;
	if (s->name[0] != '\0' && s->epoch == s->c->epoch)
		return 0;
	snprintf(s->name, sizeof(s->name), "coredns_%u", ++s->c->next_id);
	res = PQprepare(s->c->pg, s->name, s->sql, s->nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_pg(s->c, res, "prepare");
		log_err("pgsql: in: %s", s->sql);
		rc = conv(res);
		s->name[0] = '\0';
	}
	s->epoch = s->c->epoch;
	PQclear(res);
	return rc;
}

static int
drv_prepare(struct sql_conn *c, const char *sql, struct sql_stmt **out)
{
	struct sql_stmt *s;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ERR_NOMEM;
	s->c = c;
	if ((s->sql = rewrite(sql, &s->nparams)) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	if (s->nparams > 0 &&
	    (s->params = calloc((size_t)s->nparams, sizeof(char *))) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	if ((rc = stmt_ready(s)) != 0)
		goto out;
	*out = s;
	s = NULL;
out:
	drv_finalize(s);
	return rc;
}

static int
set_param(struct sql_stmt *s, int idx, char *v)
{
	if (idx < 1 || idx > s->nparams) {
		free(v);
		return ERR_INVAL;
	}
	free(s->params[idx - 1]);
	s->params[idx - 1] = v;
	return 0;
}

static int
drv_bind_int(struct sql_stmt *s, int idx, int64_t v)
{
	char buf[24], *t;

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	if ((t = strdup(buf)) == NULL)
		return ERR_NOMEM;
	return set_param(s, idx, t);
}

static int
drv_bind_text(struct sql_stmt *s, int idx, const char *v)
{
	char *t = NULL;

	if (v != NULL && (t = strdup(v)) == NULL)
		return ERR_NOMEM;
	return set_param(s, idx, t);
}

static int
drv_bind_null(struct sql_stmt *s, int idx)
{
	return set_param(s, idx, NULL);
}

static void
drv_stream(struct sql_stmt *s)
{
	s->stream = true;
}

/* A streamed statement: rows arrive one PGresult each (PostgreSQL's
 * single-row mode) while the server is still sending the rest. */
static int
stream_step(struct sql_stmt *s)
{
	int rc;

	if (!s->ran) {
		if ((rc = stmt_ready(s)) != 0)
			return rc;
		s->ran = true;
		if (!PQsendQueryPrepared(s->c->pg, s->name, s->nparams,
		        (const char *const *)s->params, NULL, NULL, 0)) {
			log_pg(s->c, NULL, "step");
			return ERR_IO;
		}
		s->pending = true;
		PQsetSingleRowMode(s->c->pg);
	}
	PQclear(s->res);
	s->res = NULL;
	s->nrows = 0;
	s->row = -1;
	if (!s->pending)
		return SQL_DONE;
	s->res = PQgetResult(s->c->pg);
	switch (PQresultStatus(s->res)) {
	case PGRES_SINGLE_TUPLE:
		s->nrows = 1;
		s->row = 0;
		return SQL_ROW;
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		/* the end; NULL follows */
		PQclear(s->res);
		s->res = NULL;
		stream_drain(s);
		return SQL_DONE;
	default:
		rc = s->res != NULL ? conv(s->res) : ERR_IO;
		log_pg(s->c, s->res, "step");
		PQclear(s->res);
		s->res = NULL;
		stream_drain(s);
		return rc;
	}
}

static int
drv_step(struct sql_stmt *s)
{
	int rc;

	if (s->stream)
		return stream_step(s);
	if (!s->ran) {
		if ((rc = stmt_ready(s)) != 0)
			return rc;
		s->ran = true;
		s->res = PQexecPrepared(s->c->pg, s->name, s->nparams,
		    (const char *const *)s->params, NULL, NULL, 0);
		switch (PQresultStatus(s->res)) {
		case PGRES_TUPLES_OK:
		case PGRES_COMMAND_OK:
			break;
		default:
			log_pg(s->c, s->res, "step");
			return conv(s->res);
		}
		s->c->changes = cmd_rows(s->res);
		s->nrows = PQntuples(s->res);
		s->row = -1;
	}
	if (s->res == NULL || s->row + 1 >= s->nrows) {
		s->row = s->nrows;
		return SQL_DONE;
	}
	s->row++;
	return SQL_ROW;
}

static void
drv_reset(struct sql_stmt *s)
{
	int i;

	PQclear(s->res);
	s->res = NULL;
	stream_drain(s);
	s->ran = false;
	s->row = s->nrows = 0;
	for (i = 0; i < s->nparams; i++) {
		free(s->params[i]);
		s->params[i] = NULL;
	}
}

static bool
in_row(const struct sql_stmt *s, int col)
{
	return s->res != NULL && s->row >= 0 && s->row < s->nrows && col >= 0 &&
	       col < PQnfields(s->res);
}

static bool
drv_column_null(struct sql_stmt *s, int col)
{
	return !in_row(s, col) || PQgetisnull(s->res, s->row, col);
}

static int64_t
drv_column_int(struct sql_stmt *s, int col)
{
	const char *v;

	if (drv_column_null(s, col))
		return 0;
	v = PQgetvalue(s->res, s->row, col);
	if (v[0] == 't') /* BOOL */
		return 1;
	if (v[0] == 'f')
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *
drv_column_text(struct sql_stmt *s, int col)
{
	if (drv_column_null(s, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int64_t
drv_changes(struct sql_conn *c)
{
	return c->changes;
}

/* The id of the last row inserted into a table with a serial id, in
 * this session (lastval(): our triggers insert into tables whose own
 * BIGSERIAL ids do not matter to the callers of last_id; store.c calls it
 * right after inserting into domains, whose triggers use no sequence). */
static int64_t
drv_last_id(struct sql_conn *c)
{
	PGresult *res;
	int64_t id = 0;

	res = PQexec(c->pg, "SELECT lastval()");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else
		log_pg(c, res, "lastval");
	PQclear(res);
	return id;
}

static int
drv_table_exists(struct sql_conn *c, const char *table, bool *out)
{
	const char *params[1] = { table };
	PGresult *res;
	int rc = 0;

	if ((rc = conn_ok(c)) != 0)
		return rc;
	/* a table in the schemas of the search path, as unqualified names
	 * in our statements resolve */
	res = PQexecParams(c->pg,
	    "SELECT 1 FROM pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE c.relname = $1 AND c.relkind IN ('r', 'p') "
	    "AND n.nspname = ANY (current_schemas(false))",
	    1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_pg(c, res, "table_exists");
		rc = conv(res);
	} else {
		*out = PQntuples(res) > 0;
	}
	PQclear(res);
	return rc;
}

/* A LISTEN connection, (re)opened when there is none or the last one
 * broke. Notifications sent while there was none are lost: a connection
 * opened after an earlier one (or a failed try) sets listen_missed. */
static int
listen_ready(struct sql_conn *c)
{
	PGresult *res = NULL;
	const char *why = "";
	bool again;
	int rc = 0;

	if (c->listen != NULL && !c->listen_broken)
		return 0;
	again = c->listen_tried;
	c->listen_tried = true;
	PQfinish(c->listen);
	c->listen_broken = false;
	if ((c->listen = PQconnectdb(c->conninfo)) == NULL)
		return ERR_NOMEM;
	if (PQstatus(c->listen) != CONNECTION_OK) {
		why = PQerrorMessage(c->listen);
		rc = ERR_IO;
		goto out;
	}
	PQsetNoticeProcessor(c->listen, notice_quiet, NULL);
	res = PQexec(c->listen, "LISTEN coredns");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		why = PQresultErrorMessage(res);
		rc = conv(res);
		goto out;
	}
	if (c->listen_failed)
		log_info("pgsql: listening for changes again");
	c->listen_failed = false;
	c->listen_missed = c->listen_missed || again;
out:
	if (rc != 0) {
		if (!c->listen_failed)
			log_err("pgsql: listen: %.*s", (int)strcspn(why, "\n"),
			    why);
		c->listen_failed = true;
		PQfinish(c->listen);
		c->listen = NULL;
	}
	PQclear(res);
	return rc;
}

static int
drv_change_fd(struct sql_conn *c)
{
	int rc;

	if ((rc = listen_ready(c)) != 0)
		return rc;
	return PQsocket(c->listen) >= 0 ? PQsocket(c->listen) : ERR_IO;
}

/* Notifications of our channel since the last call. A broken LISTEN
 * connection is ERR_IO, kept open (its fd with it) until the next call
 * here or to change_fd, which opens a new one; the next poll then says
 * *changed, since what happened in between was not heard. */
static int
drv_poll_changes(struct sql_conn *c, bool *changed)
{
	PGnotify *n;
	int rc;

	*changed = false;
	if ((rc = listen_ready(c)) != 0)
		return rc;
	if (c->listen_missed) {
		c->listen_missed = false;
		*changed = true;
	}
	if (!PQconsumeInput(c->listen) ||
	    PQstatus(c->listen) != CONNECTION_OK) {
		log_err("pgsql: listen: %.*s",
		    (int)strcspn(PQerrorMessage(c->listen), "\n"),
		    PQerrorMessage(c->listen));
		c->listen_broken = true;
		c->listen_failed = true;
		return ERR_IO;
	}
	while ((n = PQnotifies(c->listen)) != NULL) {
		*changed = true;
		PQfreemem(n);
	}
	return 0;
}

static const char *
drv_variant(enum sql_variant v)
{
	switch (v) {
	case SQL_V_STATE_LOCK:
		/* READ COMMITTED: the next statement sees what the writers
		 * we waited for committed */
		return "SELECT served_serial FROM coredns_zone_state "
		       "WHERE domain_id = ? FOR UPDATE";
	case SQL_V_PEND_GET:
		/* one serial step per committed transaction */
		return "SELECT id, op, name, type, content, ttl, prio, txid "
		       "FROM coredns_pending WHERE domain_id = ? ORDER BY id";
	case SQL_V_BULK_ON:
		/* for this transaction only (migration 002) */
		return "SELECT set_config('coredns.bulk_zone', "
		       "CAST(CAST(? AS BIGINT) AS TEXT), true)";
	case SQL_V_BULK_OFF:
		return "SELECT set_config('coredns.bulk_zone', '', true) "
		       "WHERE CAST(? AS BIGINT) IS NOT NULL";
	case SQL_V_BULK_NOTIFY:
		return "SELECT pg_notify('coredns', "
		       "CAST(CAST(? AS BIGINT) AS TEXT))";
	default:
		return NULL;
	}
}

/* Bulk inserts: one COPY records FROM STDIN in text format for the
 * whole load, fed in chunks of BULK_CHUNK octets. Nothing else may run
 * on the connection until bulk_close ends the COPY. */
#define BULK_CHUNK (256 * 1024)

struct sql_bulk {
	struct sql_conn *c;
	char prefix[24]; /* "ZONE_ID\t" */
	char *buf;
	size_t len;
	bool failed; /* PQputCopyData failed: the COPY is gone */
};

static int
bulk_send(struct sql_bulk *b)
{
	if (b->len == 0)
		return 0;
	if (PQputCopyData(b->c->pg, b->buf, (int)b->len) != 1) {
		log_pg(b->c, NULL, "copy");
		b->failed = true;
		return ERR_IO;
	}
	b->len = 0;
	return 0;
}

/* Appends `s` as a COPY text field: backslash, tab, newline and carriage
 * return escaped. The caller made room for 2 * strlen(s). */
static void
bulk_field(struct sql_bulk *b, const char *s)
{
	char *o = b->buf + b->len;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			*o++ = '\\';
			*o++ = '\\';
			break;
		case '\t':
			*o++ = '\\';
			*o++ = 't';
			break;
		case '\n':
			*o++ = '\\';
			*o++ = 'n';
			break;
		case '\r':
			*o++ = '\\';
			*o++ = 'r';
			break;
		default:
			*o++ = *s;
			break;
		}
	}
	b->len = (size_t)(o - b->buf);
}

static int
drv_bulk_row(struct sql_bulk *b, const char *name, const char *type,
    const char *content, int64_t ttl, int64_t prio)
{
	size_t need;
	int rc;

	if (b->failed)
		return ERR_IO;
	need = sizeof(b->prefix) + 2 * (strlen(name) + strlen(type)) +
	       2 * strlen(content) + 64;
	if (b->len + need > BULK_CHUNK && (rc = bulk_send(b)) != 0)
		return rc;
	if (need > BULK_CHUNK) {
		char *t = realloc(b->buf, need);

		if (t == NULL)
			return ERR_NOMEM;
		b->buf = t;
	}
	memcpy(b->buf + b->len, b->prefix, strlen(b->prefix));
	b->len += strlen(b->prefix);
	bulk_field(b, name);
	b->buf[b->len++] = '\t';
	bulk_field(b, type);
	b->buf[b->len++] = '\t';
	bulk_field(b, content);
	b->len += (size_t)snprintf(b->buf + b->len, 64,
	    "\t%" PRId64 "\t%" PRId64 "\tf\tt\n", ttl, prio);
	return 0;
}

static int
drv_bulk_close(struct sql_bulk *b, bool abort)
{
	PGresult *res;
	int rc = 0;

	if (b == NULL)
		return 0;
	if (!abort && !b->failed)
		rc = bulk_send(b);
	if (PQputCopyEnd(b->c->pg,
	        abort || rc != 0 || b->failed ? "bulk load given up" : NULL) !=
	    1) {
		log_pg(b->c, NULL, "copy end");
		rc = rc != 0 ? rc : ERR_IO;
	}
	while ((res = PQgetResult(b->c->pg)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && !abort &&
		    rc == 0) {
			log_pg(b->c, res, "copy");
			rc = conv(res);
		}
		PQclear(res);
	}
	free(b->buf);
	free(b);
	return rc;
}

static int
drv_bulk_open(struct sql_conn *c, int64_t domain_id, struct sql_bulk **out)
{
	struct sql_bulk *b;
	PGresult *res;
	int rc;

	if ((rc = conn_ok(c)) != 0)
		return rc;
	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (b->buf = malloc(BULK_CHUNK)) == NULL) {
		free(b);
		return ERR_NOMEM;
	}
	b->c = c;
	snprintf(b->prefix, sizeof(b->prefix), "%" PRId64 "\t", domain_id);
	res = PQexec(c->pg, "COPY records (domain_id, name, type, content, "
	                    "ttl, prio, disabled, auth) FROM STDIN");
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		log_pg(c, res, "copy");
		rc = conv(res);
		PQclear(res);
		free(b->buf);
		free(b);
		return rc;
	}
	PQclear(res);
	*out = b;
	return 0;
}

/* "postgres://", "postgresql://" or a conninfo string ("host=...
 * dbname=..."): the whole DSN goes to libpq. */
static bool
drv_accepts(const char *dsn, const char **arg)
{
	size_t i = 0;

	*arg = dsn;
	if (strncmp(dsn, "postgres://", 11) == 0 ||
	    strncmp(dsn, "postgresql://", 13) == 0)
		return true;
	while (islower((unsigned char)dsn[i]) || dsn[i] == '_')
		i++;
	while (dsn[i] == ' ')
		i++;
	return i > 0 && dsn[i] == '=';
}

const struct sql_driver sql_pgsql_driver = {
	.name = "pgsql",
	.usage = "postgresql://... or host=... dbname=...",
	.accepts = drv_accepts,
	.open = drv_open,
	.close = drv_close,
	.exec = drv_exec,
	.prepare = drv_prepare,
	.bind_int = drv_bind_int,
	.bind_text = drv_bind_text,
	.bind_null = drv_bind_null,
	.step = drv_step,
	.reset = drv_reset,
	.stream = drv_stream,
	.finalize = drv_finalize,
	.column_null = drv_column_null,
	.column_int = drv_column_int,
	.column_text = drv_column_text,
	.changes = drv_changes,
	.last_id = drv_last_id,
	.table_exists = drv_table_exists,
	.change_fd = drv_change_fd,
	.poll_changes = drv_poll_changes,
	.variant = drv_variant,
	.bulk_open = drv_bulk_open,
	.bulk_row = drv_bulk_row,
	.bulk_close = drv_bulk_close,
	.begin_write = "BEGIN",
	/* one snapshot for the whole read */
	.begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
	.schema = pgsql_schema_sql,
	.migrations = pgsql_migrations,
};
