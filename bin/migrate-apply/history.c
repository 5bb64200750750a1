/* The history table and the lock that serialises runners. The table name
 * is always quoted; the lock is a session advisory lock derived from it,
 * taken with pg_try_advisory_lock and polled, never waited for inside the
 * server: a runner blocked in pg_advisory_lock would hold a transaction
 * open, and CREATE INDEX CONCURRENTLY run by the holder waits for every
 * open transaction, so the two would wait for each other forever. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deadline.h"
#include "hash.h"
#include "log.h"
#include "migrate.h"
#include "opt.h"
#include "pgq.h"
#include "sig.h"
#include "sql.h"
#include "xmem.h"

void
history_init(struct history *h, const char *spec)
{
	const char *dot = strchr(spec, '.');
	struct sbuf q = { 0 };
	unsigned char d[32];
	uint64_t k = 0;

	h->schema = dot ? xstrndup(spec, (size_t)(dot - spec)) : xstrdup("public");
	h->table = xstrdup(dot ? dot + 1 : spec);
	sql_qualified(&q, h->schema, h->table);
	h->qname = sbuf_take(&q);
	/* The key: 64 bits of SHA-256 of the quoted name, so every table
	 * has a lock of its own and other applications' keys are unlikely
	 * to collide with it. */
	sbuf_printf(&q, "migrate-apply %s", h->qname);
	sha256_buf(q.s, q.len, d);
	for (int i = 0; i < 8; i++)
		k = (k << 8) | d[i];
	h->lock_key = (int64_t)k;
	sbuf_free(&q);
}

struct pgq
history_book_q(struct pg_conn *pc)
{
	struct pgq q = { pc, 60000, EX_UNAVAILABLE, 0 };

	return q;
}

int
history_exists(struct pg_conn *pc, const struct history *h)
{
	const struct pgq bq = history_book_q(pc);
	struct sbuf q = { 0 };
	PGresult *r;
	int yes;

	sbuf_puts(&q, "select pg_catalog.to_regclass(");
	sql_literal(&q, h->qname);
	sbuf_puts(&q, ") is not null");
	r = pgq_rows(&bq, q.s, "cannot look for the history table");
	yes = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	sbuf_free(&q);
	return yes;
}

void
history_create(struct pg_conn *pc, const struct history *h)
{
	const struct pgq bq = history_book_q(pc);
	struct sbuf q = { 0 };

	PGresult *r;

	if (history_exists(pc, h))
		return;
	/* CREATE SCHEMA only when missing: IF NOT EXISTS would still say
	 * NOTICE, on every first run. */
	sbuf_puts(&q, "select count(*) from pg_catalog.pg_namespace where nspname = ");
	sql_literal(&q, h->schema);
	r = pgq_rows(&bq, q.s, "cannot look for the history table's schema");
	sbuf_reset(&q);
	if (strcmp(PQgetvalue(r, 0, 0), "0") == 0) {
		sbuf_puts(&q, "CREATE SCHEMA IF NOT EXISTS ");
		sql_ident(&q, h->schema);
		sbuf_puts(&q, "; ");
	}
	PQclear(r);
	sbuf_printf(&q, "CREATE TABLE IF NOT EXISTS %s ("
	    "version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
	    " transactional boolean NOT NULL,"
	    " status text NOT NULL CHECK (status IN ('applied', 'partial')),"
	    " statements_done integer NOT NULL DEFAULT 0,"
	    " started_at timestamptz NOT NULL DEFAULT pg_catalog.now(), finished_at timestamptz,"
	    " duration_ms bigint, applied_by text NOT NULL DEFAULT CURRENT_USER,"
	    " tool_version text NOT NULL, error text)", h->qname);
	pgq_cmd(&bq, q.s, "cannot create the history table");
	sbuf_free(&q);
}

static int
row_cmp(const void *a, const void *b)
{
	return version_cmp(((const struct hrow *)a)->version, ((const struct hrow *)b)->version);
}

int
history_load(struct pg_conn *pc, const struct history *h, struct hrow **rows)
{
	const char *what = "cannot read the history table";
	struct pgq hq = history_book_q(pc);
	struct sbuf q = { 0 };
	PGresult *r;
	int n;

	*rows = NULL;
	sbuf_printf(&q, "select version, name, checksum, transactional, status, statements_done,"
	    " coalesce(error, '') as error, coalesce(pg_catalog.to_char(finished_at at time zone 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') as finished from %s", h->qname);
	/* One round trip: a table that does not exist yet is no history. */
	r = pgq_exec(&hq, q.s, what);
	if (PQresultStatus(r) == PGRES_FATAL_ERROR && PQresultErrorField(r, PG_DIAG_SQLSTATE) &&
	    strcmp(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42P01") == 0) {
		PQclear(r);
		sbuf_free(&q);
		return 0;
	}
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		pgq_fail(&hq, r, what, NULL);
	n = PQntuples(r);
	*rows = xcalloc((size_t)n + 1, sizeof **rows);
	const int c_version = pgq_col(r, "version"), c_name = pgq_col(r, "name"), c_sum = pgq_col(r, "checksum"),
	    c_tx = pgq_col(r, "transactional"), c_status = pgq_col(r, "status"), c_done = pgq_col(r, "statements_done"),
	    c_error = pgq_col(r, "error"), c_finished = pgq_col(r, "finished");
	for (int i = 0; i < n; i++) {
		struct hrow *w = &(*rows)[i];

		w->version = xstrdup(PQgetvalue(r, i, c_version));
		w->name = xstrdup(PQgetvalue(r, i, c_name));
		w->checksum = xstrdup(PQgetvalue(r, i, c_sum));
		w->transactional = PQgetvalue(r, i, c_tx)[0] == 't';
		w->status = xstrdup(PQgetvalue(r, i, c_status));
		w->done = atol(PQgetvalue(r, i, c_done));
		w->error = xstrdup(PQgetvalue(r, i, c_error));
		w->finished = xstrdup(PQgetvalue(r, i, c_finished));
	}
	PQclear(r);
	sbuf_free(&q);
	qsort(*rows, (size_t)n, sizeof **rows, row_cmp);
	return n;
}

void
history_free(struct hrow *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].version);
		free(rows[i].name);
		free(rows[i].checksum);
		free(rows[i].status);
		free(rows[i].error);
		free(rows[i].finished);
	}
	free(rows);
}

struct hrow *
history_find(struct hrow *rows, int n, const char *version)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2, c = version_cmp(rows[mid].version, version);

		if (c == 0)
			return &rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Who holds the lock: "pid 123 (app, 10.0.0.5, connected since T)". */
static void
holder(struct pg_conn *pc, const struct history *h, char *out, size_t outlen, int *pid)
{
	const struct pgq bq = history_book_q(pc);
	struct sbuf q = { 0 };
	PGresult *r;
	uint64_t k = (uint64_t)h->lock_key;

	sbuf_printf(&q, "select a.pid, coalesce(a.application_name, '') as app,"
	    " coalesce(pg_catalog.host(a.client_addr), 'local') as host, coalesce(pg_catalog.to_char(a.backend_start"
	    " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '?') as since"
	    " from pg_catalog.pg_locks l join pg_catalog.pg_stat_activity a on a.pid = l.pid"
	    " where l.locktype = 'advisory' and l.granted and l.classid = %u and l.objid = %u and l.objsubid = 1"
	    " and l.database = (select oid from pg_catalog.pg_database where datname = pg_catalog.current_database())",
	    (unsigned)(k >> 32), (unsigned)(k & 0xffffffffu));
	r = pgq_rows(&bq, q.s, "cannot look for the lock's holder");
	if (PQntuples(r) > 0) {
		const char *app = PQgetvalue(r, 0, pgq_col(r, "app")), *pidv = PQgetvalue(r, 0, pgq_col(r, "pid"));

		*pid = atoi(pidv);
		snprintf(out, outlen, "pid %s (%s, %s, connected since %s)", pidv, *app ? app : "no application_name",
		    PQgetvalue(r, 0, pgq_col(r, "host")), PQgetvalue(r, 0, pgq_col(r, "since")));
	} else {
		*pid = 0;
		snprintf(out, outlen, "a session that is gone");
	}
	PQclear(r);
	sbuf_free(&q);
}

int
history_lock(struct pg_conn *pc, const struct history *h, uint64_t timeout_ms, int (*needed)(void))
{
	const struct pgq bq = history_book_q(pc);
	char sql[96], who[512] = "";
	uint64_t deadline = deadline_in(timeout_ms), wait = 50;
	int last_pid = -1;

	snprintf(sql, sizeof sql, "select pg_catalog.pg_try_advisory_lock(%lld)", (long long)h->lock_key);
	for (;;) {
		PGresult *r = pgq_rows(&bq, sql, "cannot take the migration lock");
		int got = PQgetvalue(r, 0, 0)[0] == 't';
		int pid;

		PQclear(r);
		if (got)
			return 1;
		/* The holder may be doing this runner's work: once it is done,
		 * there is nothing left to wait for. */
		if (needed && !needed())
			return 0;
		holder(pc, h, who, sizeof who, &pid);
		if (pid != last_pid)
			log_msg(LOG_INFO, "waiting for the migration lock on %s, held by %s", h->qname, who);
		last_pid = pid;
		if (deadline_passed(deadline))
			die(EX_TEMPFAIL, "the migration lock on %s was not free within %llu ms: held by %s", h->qname,
			    (unsigned long long)timeout_ms, who);
		/* Full jitter: runners started together spread out. */
		uint64_t nap = (uint64_t)rand() % wait + 1, left = (uint64_t)deadline_poll_ms(deadline);

		if (nap > left)
			nap = left;
		if (poll(NULL, 0, (int)nap) < 0 && sig_caught())
			sig_exit();
		if (sig_caught())
			sig_exit();
		if (wait < 250)
			wait *= 2;
	}
}

void
history_mark(struct pg_conn *pc, const struct history *h, const struct migration *m, const char *sum, int exists,
    const char *why)
{
	const struct pgq bq = history_book_q(pc);
	struct sbuf q = { 0 };

	if (exists) {
		sbuf_printf(&q, "UPDATE %s SET status = 'applied', checksum = ", h->qname);
		sql_literal(&q, sum ? sum : m->checksum);
		sbuf_printf(&q, ", statements_done = %d, error = ", m->up.nst);
		sql_literal(&q, why);
		sbuf_puts(&q, ", finished_at = pg_catalog.now() WHERE version = ");
		sql_literal(&q, m->version);
	} else {
		sbuf_printf(&q, "INSERT INTO %s (version, name, checksum, transactional, status, statements_done,"
		    " tool_version, finished_at, duration_ms, error) VALUES (", h->qname);
		sql_literal(&q, m->version);
		sbuf_putc(&q, ',');
		sql_literal(&q, m->name);
		sbuf_putc(&q, ',');
		sql_literal(&q, sum ? sum : m->checksum);
		sbuf_printf(&q, ", %s, 'applied', %d, '%s', pg_catalog.now(), 0, ",
		    m->up.tx ? "true" : "false", m->up.nst, PGOPS_VERSION);
		sql_literal(&q, why);
		sbuf_putc(&q, ')');
	}
	pgq_cmd(&bq, q.s, "cannot record the migration in the history table");
	sbuf_free(&q);
}

void
history_forget(struct pg_conn *pc, const struct history *h, const char *version)
{
	const struct pgq bq = history_book_q(pc);
	struct sbuf q = { 0 };

	sbuf_printf(&q, "DELETE FROM %s WHERE version = ", h->qname);
	sql_literal(&q, version);
	pgq_cmd(&bq, q.s, "cannot remove the migration from the history table");
	sbuf_free(&q);
}
