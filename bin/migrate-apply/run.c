/* Applying one migration. A transactional one is BEGIN, its statements,
 * its history row, COMMIT: a failure or a killed client leaves nothing of
 * it. A no-transaction one runs statement by statement in autocommit, its
 * history row counting the statements done, so that a re-run of the same
 * file resumes after the last one that completed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deadline.h"
#include "log.h"
#include "migrate.h"
#include "opt.h"
#include "pgq.h"
#include "sig.h"
#include "sql.h"

/* How long a statement is waited for: the server's statement_timeout ends
 * a long one itself (75), so ours is a backstop for a server that does not
 * answer (69). 0 until the first session_reset: no limit. */
static uint64_t stmt_wait_ms;
/* What runs now, for notices and errors. */
static const char *cur_path;
static uint64_t cur_line;

static void
notice(void *arg, const char *msg)
{
	char buf[1024];

	pg_error_text(arg, msg, buf, sizeof buf);
	if (cur_path)
		log_msg(LOG_INFO, "%s:%llu: %s", cur_path, (unsigned long long)cur_line, buf);
	else
		log_msg(LOG_INFO, "%s", buf);
}

static struct pgq
stmt_q(struct pg_conn *pc)
{
	struct pgq q = { pc, stmt_wait_ms, EX_UNAVAILABLE, 0 };

	return q;
}

static PGresult *
exec(struct pg_conn *pc, const char *sql, const char *where)
{
	struct pgq q = stmt_q(pc);

	return pgq_exec(&q, sql, where);
}

static int
failed(const PGresult *r)
{
	return PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK &&
	    PQresultStatus(r) != PGRES_EMPTY_QUERY;
}

/* A statement that gave up waiting for a lock (lock_timeout, 55P03): on a
 * busy database an ALTER queued behind a long transaction should try
 * again, not fail the deploy. */
static int
lock_timed_out(const PGresult *r)
{
	const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	return st && strcmp(st, "55P03") == 0;
}

/* Before retry n (from 1): about 1 s, 2 s, 4 s ... (at most 30 s), each
 * between half and all of it at random so that runners that collided do
 * not collide again; a signal ends the wait (and the run) at once. */
static void
retry_wait(struct pg_conn *pc, const char *path, uint64_t line, unsigned n, unsigned of)
{
	uint64_t ms = 1000, end;

	for (unsigned i = 1; i < n && ms < 30000; i++)
		ms *= 2;
	if (ms > 30000)
		ms = 30000;
	ms = ms / 2 + (uint64_t)rand() % (ms / 2 + 1);
	log_msg(LOG_WARN, "%s:%llu: lock timeout (55P03); retry %u of %u in %llu ms", path, (unsigned long long)line,
	    n, of, (unsigned long long)ms);
	end = deadline_in(ms);
	while (!deadline_passed(end)) {
		struct timespec ts = { 0, 50 * 1000000L };

		if (sig_caught()) {
			struct pgq q = stmt_q(pc);

			pgq_lost(&q, EINTR, path);
		}
		nanosleep(&ts, NULL);
	}
}

void
run_sql(struct pg_conn *pc, const char *sql, const char *what)
{
	struct pgq q = stmt_q(pc);

	pgq_cmd(&q, sql, what);
}

/* A clean session for each file: settings and role as the connection
 * began, our timeouts included (startup options, see main.c). The advisory
 * lock is a session lock and survives RESET ALL (DISCARD ALL would drop
 * it, so it is not used). */
static void
session_reset(struct pg_conn *pc, const struct runopt *o)
{
	struct sbuf q = { 0 };

	sbuf_puts(&q, "RESET ALL; RESET SESSION AUTHORIZATION");
	/* A client that dies mid-statement is noticed within a second, so
	 * its transaction and the lock do not outlive it by long. */
	if (PQserverVersion(pc->conn) >= 140000)
		sbuf_puts(&q, "; SET client_connection_check_interval = 1000");
	PQsetNoticeProcessor(pc->conn, notice, pc);
	cur_path = NULL;
	stmt_wait_ms = o->stmt_timeout_ms ? o->stmt_timeout_ms + PGQ_BACKSTOP_MS : 0;
	run_sql(pc, q.s, "cannot reset the session");
	sbuf_free(&q);
}

/* The statement failed: where, exactly, and why. */
static _Noreturn void
die_stmt(struct pg_conn *pc, const PGresult *r, const struct msection *sec, const struct mstmt *st, int i,
    const char *after)
{
	struct pgq q = stmt_q(pc);
	uint64_t line = st->line, col = st->col;
	struct sbuf where = { 0 }, tail = { 0 };

	pgq_error_at(r, st->sql, &line, &col);
	sbuf_printf(&where, "%s:%llu:%llu", sec->path, (unsigned long long)line, (unsigned long long)col);
	sbuf_printf(&tail, " (statement %d of %d)%s", i + 1, sec->nst, after);
	pgq_fail(&q, r, where.s, tail.s);
}

static void
history_sql(struct sbuf *q, const struct history *h, const struct migration *m, int tx, const char *status,
    int done)
{
	sbuf_printf(q, "INSERT INTO %s (version, name, checksum, transactional, status, statements_done, tool_version,"
	    " finished_at, duration_ms) VALUES (", h->qname);
	sql_literal(q, m->version);
	sbuf_putc(q, ',');
	sql_literal(q, m->name);
	sbuf_putc(q, ',');
	sql_literal(q, m->checksum);
	sbuf_printf(q, ", %s, '%s', %d, '%s', ", tx ? "true" : "false", status, done, PGOPS_VERSION);
	if (strcmp(status, "applied") == 0)
		sbuf_puts(q, "pg_catalog.clock_timestamp(), (extract(epoch from pg_catalog.clock_timestamp() - pg_catalog.now()) * 1000)::bigint)");
	else
		sbuf_puts(q, "NULL, NULL)");
}

static void
history_update(struct pg_conn *pc, const struct history *h, const struct migration *m, const char *set)
{
	struct sbuf q = { 0 };

	sbuf_printf(&q, "UPDATE %s SET %s WHERE version = ", h->qname, set);
	sql_literal(&q, m->version);
	run_sql(pc, q.s, "cannot record progress in the history table");
	sbuf_free(&q);
}

static void
run_tx(struct pg_conn *pc, const struct history *h, struct migration *m, int down, const struct runopt *o)
{
	struct msection *sec = down ? &m->down : &m->up;
	struct sbuf q = { 0 };
	uint64_t t0 = deadline_now();

	/* The whole migration again after a lock timeout: its transaction
	 * was rolled back. A dry run's transaction is the caller's: no retry. */
	for (unsigned attempt = 0;; attempt++) {
		int i;

		if (!o->dry_run)
			run_sql(pc, "BEGIN", "cannot begin the migration's transaction");
		for (i = 0; i < sec->nst; i++) {
			PGresult *r;

			cur_path = sec->path;
			cur_line = sec->st[i].line;
			r = exec(pc, sec->st[i].sql, sec->path);
			if (failed(r) && lock_timed_out(r) && !o->dry_run && attempt < o->lock_retries) {
				PQclear(r);
				run_sql(pc, "ROLLBACK", "cannot roll the migration back");
				retry_wait(pc, sec->path, sec->st[i].line, attempt + 1, o->lock_retries);
				break;
			}
			if (failed(r)) {
				char after[96];

				snprintf(after, sizeof after, "; rolled back, nothing of it applied%s",
				    lock_timed_out(r) && attempt ? " (after the retries)" : "");
				die_stmt(pc, r, sec, &sec->st[i], i, after);
			}
			PQclear(r);
		}
		if (i == sec->nst)
			break;
	}
	cur_path = NULL;
	if (down || m->repeatable) {
		/* a repeatable one's row of its last run goes */
		sbuf_printf(&q, "DELETE FROM %s WHERE version = ", h->qname);
		sql_literal(&q, m->version);
	}
	if (!down) {
		sbuf_puts(&q, q.len ? "; " : "");
		history_sql(&q, h, m, 1, "applied", sec->nst);
	}
	run_sql(pc, q.s, "cannot record the migration in the history table");
	adopt_mirror(pc, o->mirror, h, m, down);
	if (!o->dry_run)
		run_sql(pc, "COMMIT", "cannot commit the migration");
	sbuf_reset(&q);
	sbuf_printf(&q, "\"transactional\":true,\"statements\":%d,\"duration_ms\":%llu%s", sec->nst,
	    (unsigned long long)(deadline_now() - t0), o->dry_run ? ",\"dry_run\":true" : "");
	if (o->json)
		event_json(down ? "reverted" : "applied", m, q.s);
	log_msg(LOG_INFO, "%s %s %s (%d statements, %llu ms%s)", down ? "reverted" : "applied", m->version, m->name,
	    sec->nst, (unsigned long long)(deadline_now() - t0), o->dry_run ? ", dry run" : "");
	sbuf_free(&q);
}

static void
run_notx(struct pg_conn *pc, const struct history *h, struct migration *m, int down, const struct hrow *partial,
    const struct runopt *o)
{
	struct msection *sec = down ? &m->down : &m->up;
	struct sbuf q = { 0 };
	uint64_t t0 = deadline_now();
	int from = 0;

	if (o->dry_run) {
		log_msg(LOG_WARN, "%s %s: not run in a dry run: it has no transaction to roll back", m->version, m->name);
		return;
	}
	if (!down && partial) {
		from = (int)partial->done;
		log_msg(LOG_INFO, "%s %s: resuming after statement %d of %d", m->version, m->name, from, sec->nst);
	} else if (!down) {
		if (m->repeatable) {
			sbuf_printf(&q, "DELETE FROM %s WHERE version = ", h->qname);
			sql_literal(&q, m->version);
			sbuf_puts(&q, "; ");
		}
		history_sql(&q, h, m, 0, "partial", 0);
		run_sql(pc, q.s, "cannot record the migration in the history table");
	}
	for (int i = from, attempt = 0; i < sec->nst; i++) {
		PGresult *r;
		/* Outside a transaction the file opened itself, the statement
		 * alone is tried again after a lock timeout; inside one, what
		 * came before it in that transaction is gone, so it is not. */
		int alone = PQtransactionStatus(pc->conn) == PQTRANS_IDLE;

		cur_path = sec->path;
		cur_line = sec->st[i].line;
		r = exec(pc, sec->st[i].sql, sec->path);
		if (failed(r) && lock_timed_out(r) && alone && (unsigned)attempt < o->lock_retries) {
			PQclear(r);
			retry_wait(pc, sec->path, sec->st[i].line, (unsigned)++attempt, o->lock_retries);
			i--;
			continue;
		}
		attempt = 0;
		if (failed(r)) {
			struct sbuf e = { 0 }, set = { 0 };

			/* A file that opened its own transaction left it aborted:
			 * end it, or the error could not be recorded. */
			if (PQtransactionStatus(pc->conn) != PQTRANS_IDLE)
				PQclear(exec(pc, "ROLLBACK", sec->path));
			if (!down) {
				sbuf_printf(&e, "statement %d (%s:%llu): ", i + 1, sec->path, (unsigned long long)sec->st[i].line);
				struct pgq q = stmt_q(pc);

				pgq_error_text(&q, &e, r);
				sbuf_puts(&set, "error = ");
				sql_literal(&set, e.s);
				history_update(pc, h, m, set.s);
			}
			die_stmt(pc, r, sec, &sec->st[i], i, down ? "" :
			    "; the statements before it stay applied: fix it and run again to resume here");
		}
		PQclear(r);
		if (!down) {
			sbuf_reset(&q);
			sbuf_printf(&q, "statements_done = %d, error = NULL", i + 1);
			history_update(pc, h, m, q.s);
		}
	}
	cur_path = NULL;
	sbuf_reset(&q);
	if (down) {
		sbuf_printf(&q, "DELETE FROM %s WHERE version = ", h->qname);
		sql_literal(&q, m->version);
		run_sql(pc, q.s, "cannot record the migration in the history table");
	} else {
		history_update(pc, h, m, "status = 'applied', finished_at = pg_catalog.clock_timestamp(),"
		    " duration_ms = (extract(epoch from pg_catalog.clock_timestamp() - started_at) * 1000)::bigint");
	}
	adopt_mirror(pc, o->mirror, h, m, down);
	sbuf_reset(&q);
	sbuf_printf(&q, "\"transactional\":false,\"statements\":%d,\"duration_ms\":%llu", sec->nst,
	    (unsigned long long)(deadline_now() - t0));
	if (o->json)
		event_json(down ? "reverted" : "applied", m, q.s);
	log_msg(LOG_INFO, "%s %s %s (no transaction, %d statements, %llu ms)", down ? "reverted" : "applied",
	    m->version, m->name, sec->nst, (unsigned long long)(deadline_now() - t0));
	sbuf_free(&q);
}

void
run_migration(struct pg_conn *pc, const struct history *h, struct migration *m, int down,
    const struct hrow *partial, const struct runopt *o)
{
	session_reset(pc, o);
	if ((down ? m->down.tx : m->up.tx))
		run_tx(pc, h, m, down, o);
	else
		run_notx(pc, h, m, down, partial, o);
}

void
event_json(const char *event, const struct migration *m, const char *extra)
{
	struct sbuf b = { 0 };

	sbuf_puts(&b, "{\"event\":");
	sbuf_json(&b, event);
	sbuf_puts(&b, ",\"version\":");
	sbuf_json(&b, m->version);
	sbuf_puts(&b, ",\"name\":");
	sbuf_json(&b, m->name);
	if (m->up.path) {
		sbuf_puts(&b, ",\"file\":");
		sbuf_json(&b, m->up.path);
	}
	if (extra && *extra)
		sbuf_printf(&b, ",%s", extra);
	sbuf_puts(&b, "}\n");
	fputs(b.s, stdout);
	fflush(stdout);
	sbuf_free(&b);
}
