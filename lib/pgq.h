/* Statements with one failure path. The caller owns a struct pgq: the
 * connection, how long one statement is waited for, and what that wait's
 * end means. Every helper waits with a deadline (lib/pg's
 * pg_exec) and fails the same way:
 *
 *   a signal          the statement cancelled, the session closed, exit 128+N;
 *   the deadline      "WHAT: no answer from HOST:PORT within N ms" (pg_exec
 *                     has cancelled the statement), with the caller's exit code:
 *                     69 when the deadline is a backstop behind the server's
 *                     own statement_timeout, or for a bookkeeping query that
 *                     is never slow (the server does not answer at all); 75
 *                     when the deadline is the statement's limit (a statement
 *                     that ran too long is worth retrying);
 *   a lost connection "WHAT: libpq's reason", 69;
 *   a server error    "WHAT: SEVERITY SQLSTATE: message (DETAIL: ...; HINT:
 *                     ...)", with pg_exit_code's classification.
 *
 * Messages name the real host, never the tunnel (pg_error_text). */
#ifndef PGOPS_PGQ_H
#define PGOPS_PGQ_H

#include <stdint.h>

#include "pg.h"
#include "sbuf.h"

/* The server cancels a statement that outlives its statement_timeout
 * itself (75); a session that sets one waits this much longer on its own
 * deadline, so that the two never race. */
#define PGQ_BACKSTOP_MS 2000

struct pgq {
	struct pg_conn *pc;
	uint64_t timeout_ms; /* how long one statement is waited for; 0: no limit */
	int timeout_exit;    /* the exit code when that passes: 69 or 75, above */
	/* When not 0, the exit code for an object that vanished under the
	 * session (undefined table, column, schema, function or object, a
	 * catalog lookup that failed): a dump whose snapshot still sees what
	 * a concurrent DDL dropped is worth retrying (75), not bad data. */
	int vanished_exit;
};

/* Run sql and return its last result, whatever its status (a COPY's start
 * included); dies as above when there is none. */
PGresult *pgq_exec(const struct pgq *q, const char *sql, const char *what);
/* The same for a query that must return rows (PGRES_TUPLES_OK). */
PGresult *pgq_rows(const struct pgq *q, const char *sql, const char *what);
/* A statement that must succeed (command, rows or empty); its result is
 * cleared. */
void pgq_cmd(const struct pgq *q, const char *sql, const char *what);
/* The failure path itself, for callers that wait on their own (COPY) or
 * add context. pgq_fail: r failed (NULL: the connection did, as libpq
 * says); after, if not NULL, follows the message. pgq_lost: no result,
 * errno-style err (EINTR, ETIMEDOUT, anything else: the connection). */
_Noreturn void pgq_fail(const struct pgq *q, const PGresult *r, const char *what, const char *after);
_Noreturn void pgq_lost(const struct pgq *q, int err, const char *what);
/* For callers that report a failed statement instead of dying (a probe,
 * the drill's read-back): why it failed, into out, without "WHAT: ": r's
 * error, or with r NULL the lost answer (err as pgq_lost takes it; a
 * signal still exits as above). */
void pgq_why(const struct pgq *q, const PGresult *r, int err, char *out, size_t cap);
/* For a worker thread, which must not exit: pgq_fail's message
 * ("WHAT: error" and after) appended to b, and its exit code. */
int pgq_fail_why(const struct pgq *q, const PGresult *r, const char *what, const char *after, struct sbuf *b);
/* For a worker thread, which must not exit: pgq_lost's message without
 * "WHAT: " appended to b, and its exit code; err is not EINTR (a signal
 * is the main thread's to report). */
int pgq_lost_why(const struct pgq *q, int err, struct sbuf *b);
/* r's error on one line: "SEVERITY SQLSTATE: message (DETAIL: ...; HINT:
 * ...)", or libpq's own text for an error the client made. */
void pgq_error_text(const struct pgq *q, struct sbuf *b, const PGresult *r);
/* Where in stmt the error's position (if r has one) is: *line and *col,
 * the statement's own start, are moved to it. */
void pgq_error_at(const PGresult *r, const char *stmt, uint64_t *line, uint64_t *col);
/* The column called name in r, for reading rows by name; dies 70 when r
 * has none (a query and its reader that disagree are a bug). */
int pgq_col(const PGresult *r, const char *name);

#endif
