/* The restore drill: the dump goes into a scratch database of its own,
 * then every table it filled is read back with COPY ... TO STDOUT and
 * compared with what the dump said about it: the row count and row
 * checksum pgdump-stream recorded after the block, and what the block
 * itself held. Nothing of the source database is needed. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "log.h"
#include "pgrestore.h"
#include "sig.h"
#include "sql.h"
#include "xmem.h"

static struct {
	struct pg_conn *admin;
	char *name;
	int keep, created;
} drill;

/* A query that still runs after a signal (the cleanup of an interrupted
 * drill), bounded by its own deadline: 0 or -1 with a message. */
static int
exec_cleanup(struct pg_conn *pc, const char *sql, uint64_t ms, char *err, size_t errlen)
{
	uint64_t deadline = deadline_in(ms);
	PGresult *res, *last = NULL;
	int ok;

	if (!PQsendQuery(pc->conn, sql)) {
		pg_error_text(pc, PQerrorMessage(pc->conn), err, errlen);
		return -1;
	}
	while (PQisBusy(pc->conn)) {
		int ready = deadline_poll(PQsocket(pc->conn), POLLIN, deadline);

		if (ready == 0) {
			snprintf(err, errlen, "no answer within %llu ms", (unsigned long long)ms);
			return -1;
		}
		if (!PQconsumeInput(pc->conn)) {
			pg_error_text(pc, PQerrorMessage(pc->conn), err, errlen);
			return -1;
		}
	}
	while ((res = PQgetResult(pc->conn)) != NULL) {
		PQclear(last);
		last = res;
	}
	ok = last && PQresultStatus(last) == PGRES_COMMAND_OK;
	if (!ok)
		pg_error_text(pc, last ? PQresultErrorMessage(last) : PQerrorMessage(pc->conn), err, errlen);
	PQclear(last);
	return ok ? 0 : -1;
}

/* At exit, whatever the outcome: the scratch database goes (WITH (FORCE)
 * ends the restore's own session if it is still there). */
static void
drill_drop(void)
{
	struct sbuf q = { 0 };
	char err[512];

	if (!drill.created || drill.keep)
		return;
	sbuf_puts(&q, "DROP DATABASE IF EXISTS ");
	sql_ident(&q, drill.name);
	if (PQserverVersion(drill.admin->conn) >= 130000)
		sbuf_puts(&q, " WITH (FORCE)");
	if (exec_cleanup(drill.admin, q.s, 60000, err, sizeof err) < 0)
		log_msg(LOG_WARN, "could not drop the drill database %s: %s", drill.name, err);
	sbuf_free(&q);
}

void
drill_create(struct pg_conn *admin, const char *name, uint64_t timeout_ms, int keep)
{
	struct pgq aq = { admin, timeout_ms, EX_TEMPFAIL, 0 };
	struct sbuf q = { 0 }, what = { 0 };
	PGresult *res;

	drill.admin = admin;
	drill.name = xstrdup(name);
	drill.keep = keep;
	sbuf_puts(&q, "CREATE DATABASE ");
	sql_ident(&q, name);
	sbuf_puts(&q, " TEMPLATE template0");
	sbuf_puts(&what, "cannot create the drill database ");
	sbuf_puts(&what, name);
	res = pgq_exec(&aq, q.s, what.s);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		/* A database of that name exists: output that cannot be
		 * created, not a server failure. */
		if (st && strcmp(st, "42P04") == 0) {
			struct sbuf e = { 0 };

			pgq_error_text(&aq, &e, res);
			die(EX_CANTCREAT, "%s: %s", what.s, e.s);
		}
		pgq_fail(&aq, res, what.s, NULL);
	}
	sbuf_free(&what);
	PQclear(res);
	drill.created = 1;
	atexit(drill_drop);
	sbuf_free(&q);
}

void
drill_end(void)
{
	drill_drop();
	drill.created = 0;
}

/* Why a step of the read-back failed: the server's error, or no answer
 * (res NULL, errno says why), as lib/pgq words it. */
static int
failed(struct restore *r, PGresult *res, char *err, size_t errlen)
{
	struct pgq q = restore_q(r);

	pgq_why(&q, res, errno, err, errlen);
	PQclear(res);
	return -1;
}

/* The restored table's rows, summed as the dump's were; -1 with a message
 * when it cannot be read. */
static int
read_back(struct restore *r, const struct rtable *t, const char *filter, struct rowsum *sum, char *err,
    size_t errlen)
{
	struct sbuf q = { 0 };
	PGresult *res;
	char *rows = NULL;
	size_t len = 0, cap = 0;
	int n;

	if (filter) {
		size_t nc = t->cols ? strlen(t->cols) : 0;

		sbuf_puts(&q, "COPY (SELECT ");
		if (nc > 2)
			sbuf_add(&q, t->cols + 1, nc - 2);
		else
			sbuf_puts(&q, "*");
		sbuf_printf(&q, " FROM %s %s) TO STDOUT", t->name, filter);
	} else
		sbuf_puts(&q, t->copy_out);
	res = pg_exec(r->pc, q.s, deadline_in(r->timeout_ms));
	sbuf_free(&q);

	rowsum_init(sum);
	if (!res || PQresultStatus(res) != PGRES_COPY_OUT)
		return failed(r, res, err, errlen);
	PQclear(res);
	/* One buffer for every row (pg_copy_get would malloc each). */
	while ((n = pg_copy_take(r->pc, &rows, &len, &cap, r->timeout_ms)) > 0) {
		rowsum_row(sum, rows, (size_t)n);
		len = 0;
	}
	free(rows);
	res = n == -2 ? NULL : pg_result_wait(r->pc, deadline_in(r->timeout_ms));
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
		return failed(r, res, err, errlen);
	PQclear(res);
	return 0;
}

/* The filter of an extension's configuration table (its extcondition in
 * the restored database), or NULL: such a table holds the extension's own
 * rows besides the dump's, and the dump holds only those the filter
 * selects, so the drill reads back only those. */
static const char *
config_filter(const PGresult *cf, const char *name)
{
	for (int i = 0; cf && i < PQntuples(cf); i++)
		if (strcmp(PQgetvalue(cf, i, 0), name) == 0)
			return PQgetvalue(cf, i, 1);
	return NULL;
}

/* A database holding a subscription cannot be dropped: the drill's
 * subscriptions (restored disabled and unconnected) are detached from
 * their slot names and dropped first. */
static void
drill_unsubscribe(struct restore *r)
{
	struct pgq q = restore_q(r);
	PGresult *res = pgq_rows(&q, "select quote_ident(subname) from pg_subscription"
	    " where subdbid = (select oid from pg_database where datname = current_database())",
	    "drill: subscriptions");
	struct sbuf sql = { 0 };

	for (int i = 0; i < PQntuples(res); i++) {
		const char *n = PQgetvalue(res, i, 0);

		sbuf_reset(&sql);
		sbuf_printf(&sql, "ALTER SUBSCRIPTION %s DISABLE", n);
		restore_exec(r, sql.s, "drill: disable a subscription");
		sbuf_reset(&sql);
		sbuf_printf(&sql, "ALTER SUBSCRIPTION %s SET (slot_name = NONE)", n);
		restore_exec(r, sql.s, "drill: detach a subscription");
		sbuf_reset(&sql);
		sbuf_printf(&sql, "DROP SUBSCRIPTION %s", n);
		restore_exec(r, sql.s, "drill: drop a subscription");
	}
	sbuf_free(&sql);
	PQclear(res);
}

int
drill_compare(struct restore *r, struct sbuf *json, int json_on)
{
	struct pgq q = restore_q(r);
	PGresult *cf;
	int bad = 0;

	/* The settings the dump's rows were written with (pgdump-stream's
	 * session), so the same values read back as the same text. */
	restore_exec(r, "SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3;"
	    " SET TimeZone = 'UTC'; SET bytea_output = hex; SET statement_timeout = 0", "drill: session setup");
	cf = pgq_rows(&q, "select quote_ident(n.nspname) || '.' || quote_ident(c.relname), u.cond"
	    " from pg_extension x cross join lateral unnest(x.extconfig, x.extcondition) u(rel, cond)"
	    " join pg_class c on c.oid = u.rel join pg_namespace n on n.oid = c.relnamespace where u.cond <> ''",
	    "drill: extension configuration tables");
	if (json_on)
		sbuf_puts(json, "\"tables\":[");
	for (size_t i = 0; i < r->ntab; i++) {
		const struct rtable *t = &r->tab[i];
		struct rowsum back = { 0 };
		char err[1024] = "";
		int readable = t->copy_out && read_back(r, t, config_filter(cf, t->name), &back, err, sizeof err) == 0;
		int rows_ok = t->recorded ? t->rows == t->rec_rows : 1;
		int sum_ok = t->recorded_sum ? t->sum == t->rec_sum : 1;
		int back_ok = readable && back.rows == t->rows && (!t->recorded_sum || back.sum == t->rec_sum);
		int ok = rows_ok && sum_ok && back_ok;

		if (!t->copy_out)
			snprintf(err, sizeof err, "its COPY statement does not end with FROM stdin");
		if (!ok) {
			bad++;
			if (!rows_ok || !sum_ok)
				log_msg(LOG_ERROR, "drill: %s (line %llu): the dump recorded %llu rows (sum %016llx) "
				    "but the block holds %llu (sum %016llx): the dump was altered or damaged",
				    t->name, (unsigned long long)t->line, (unsigned long long)t->rec_rows,
				    (unsigned long long)t->rec_sum, (unsigned long long)t->rows, (unsigned long long)t->sum);
			if (!readable)
				log_msg(LOG_ERROR, "drill: %s: cannot read the restored table back: %s", t->name, err);
			else if (!back_ok)
				log_msg(LOG_ERROR, "drill: %s: the restored table has %llu rows (sum %016llx), the dump %llu (sum %016llx)",
				    t->name, (unsigned long long)back.rows, (unsigned long long)back.sum,
				    (unsigned long long)t->rows, (unsigned long long)(t->recorded_sum ? t->rec_sum : t->sum));
		}
		if (!json_on)
			continue;
		sbuf_puts(json, i ? ",{\"table\":" : "{\"table\":");
		sbuf_json(json, t->name);
		sbuf_printf(json, ",\"line\":%llu,\"rows_in_dump\":%llu,\"sum_in_dump\":\"%016llx\"",
		    (unsigned long long)t->line, (unsigned long long)t->rows, (unsigned long long)t->sum);
		if (t->recorded)
			sbuf_printf(json, ",\"rows_recorded\":%llu", (unsigned long long)t->rec_rows);
		if (t->recorded_sum)
			sbuf_printf(json, ",\"sum_recorded\":\"%016llx\"", (unsigned long long)t->rec_sum);
		if (readable)
			sbuf_printf(json, ",\"rows_restored\":%llu,\"sum_restored\":\"%016llx\"",
			    (unsigned long long)back.rows, (unsigned long long)back.sum);
		else
			sbuf_puts(json, ",\"error\":"), sbuf_json(json, err);
		sbuf_printf(json, ",\"ok\":%s}", ok ? "true" : "false");
	}
	if (json_on)
		sbuf_puts(json, "],");
	PQclear(cf);
	if (!drill.keep)
		drill_unsubscribe(r);
	return bad;
}
