/* Statements with one failure path: see pgq.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "log.h"
#include "pgq.h"
#include "sig.h"

/* The deadline (lib/deadline) for a statement started now; 0 for none. */
static uint64_t
pgq_deadline(const struct pgq *q)
{
	if (!q->timeout_ms)
		return 0;
	return deadline_in(q->timeout_ms);
}

void
pgq_error_text(const struct pgq *q, struct sbuf *b, const PGresult *r)
{
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *sev = r ? PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED) : NULL;
	const char *f[2] = { NULL, NULL };
	char text[2048];
	size_t start = b->len;

	if (!st || !msg) {
		/* An error libpq made itself (a lost connection) has no fields:
		 * its text, one line, with the real host named. */
		const char *m = r ? PQresultErrorMessage(r) : "";

		pg_error_text(q->pc, *m ? m : PQerrorMessage(q->pc->conn), text, sizeof text);
		sbuf_puts(b, *text ? text : "connection to the server lost");
		return;
	}
	f[0] = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	f[1] = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
	sbuf_printf(b, "%s %s: %s", sev ? sev : "ERROR", st, msg);
	for (int i = 0; i < 2; i++)
		if (f[i])
			sbuf_printf(b, "%s%s: %s", i == 0 || !f[0] ? " (" : "; ", i ? "HINT" : "DETAIL", f[i]);
	if (f[0] || f[1])
		sbuf_putc(b, ')');
	/* One line: a DETAIL may hold several. */
	for (size_t i = start; i < b->len; i++)
		if (b->s[i] == '\n' || b->s[i] == '\t')
			b->s[i] = ' ';
}

/* An object gone from under a session that still sees it in its snapshot.
 * The internal errors are matched by text: they are never translated. */
static int
vanished(const PGresult *r)
{
	static const char *const codes[] = { "42P01", "42703", "42704", "42883", "3F000" };
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (!st)
		return 0;
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(st, codes[i]) == 0)
			return 1;
	return strcmp(st, "XX000") == 0 && msg &&
	    (strstr(msg, "cache lookup failed") || strstr(msg, "could not open relation with OID"));
}

int
pgq_fail_why(const struct pgq *q, const PGresult *r, const char *what, const char *after, struct sbuf *b)
{
	struct sbuf e = { 0 };
	int code = pg_exit_code(r, q->pc->conn);

	pgq_error_text(q, &e, r);
	sbuf_printf(b, "%s: %s%s", what, e.s, after ? after : "");
	if (q->vanished_exit && vanished(r)) {
		sbuf_puts(b, " (an object was dropped or changed after the snapshot was taken; try again)");
		code = q->vanished_exit;
	}
	sbuf_free(&e);
	return code;
}

void
pgq_fail(const struct pgq *q, const PGresult *r, const char *what, const char *after)
{
	struct sbuf b = { 0 };
	int code;

	if (sig_caught())
		pgq_lost(q, EINTR, what);
	code = pgq_fail_why(q, r, what, after, &b);
	die(code, "%s", b.s);
}

int
pgq_lost_why(const struct pgq *q, int err, struct sbuf *b)
{
	if (err == ETIMEDOUT) {
		sbuf_printf(b, "no answer from %s:%s within %llu ms", q->pc->host, q->pc->port,
		    (unsigned long long)q->timeout_ms);
		return q->timeout_exit;
	}
	pgq_error_text(q, b, NULL);
	return pg_exit_code(NULL, q->pc->conn);
}

/* pgq_lost's message without "WHAT: ", appended to b; a signal exits. */
static int
pgq_lost_text(const struct pgq *q, int err, struct sbuf *b)
{
	if (err == EINTR) {
		/* pg_exec cancelled the statement; ending the session rolls
		 * back its transaction and frees its locks before we exit. */
		pg_close(q->pc);
		sig_exit();
	}
	return pgq_lost_why(q, err, b);
}

void
pgq_why(const struct pgq *q, const PGresult *r, int err, char *out, size_t cap)
{
	struct sbuf b = { 0 };

	if (r)
		pgq_error_text(q, &b, r);
	else
		pgq_lost_text(q, err, &b);
	snprintf(out, cap, "%s", b.s);
	sbuf_free(&b);
}

void
pgq_lost(const struct pgq *q, int err, const char *what)
{
	struct sbuf b = { 0 };
	int code = pgq_lost_text(q, err, &b);

	die(code, "%s: %s", what, b.s);
}

PGresult *
pgq_exec(const struct pgq *q, const char *sql, const char *what)
{
	PGresult *r = pg_exec(q->pc, sql, pgq_deadline(q));

	if (!r)
		pgq_lost(q, errno, what);
	return r;
}

PGresult *
pgq_rows(const struct pgq *q, const char *sql, const char *what)
{
	PGresult *r = pgq_exec(q, sql, what);

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		pgq_fail(q, r, what, NULL);
	return r;
}

void
pgq_cmd(const struct pgq *q, const char *sql, const char *what)
{
	PGresult *r = pgq_exec(q, sql, what);

	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		break;
	default:
		pgq_fail(q, r, what, NULL);
	}
	PQclear(r);
}

void
pgq_error_at(const PGresult *r, const char *stmt, uint64_t *line, uint64_t *col)
{
	const char *pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
	long chars;

	if (!pos || !stmt)
		return;
	/* The position counts characters from 1; UTF-8 continuation bytes
	 * do not start one. */
	chars = atol(pos);
	for (const char *p = stmt; *p && chars > 1; p++) {
		if (((unsigned char)*p & 0xc0) == 0x80)
			continue;
		chars--;
		if (*p == '\n')
			(*line)++, *col = 1;
		else
			(*col)++;
	}
}

int
pgq_col(const PGresult *r, const char *name)
{
	int c = PQfnumber(r, name);

	if (c < 0)
		die(EX_SOFTWARE, "internal error: a query has no column %s", name);
	return c;
}
