/* Connecting to PostgreSQL. libpq is built without OpenSSL, so TLS is ours:
 * for a TCP host we open the connection, send the SSLRequest, run the
 * BearSSL handshake with libpq's sslmode rules, and hand libpq a connection
 * to an in-process tunnel (an abstract Unix socket, host=@name) served by a
 * relay thread. Unix sockets and sslmode=disable go straight to libpq.
 *
 * Honoured with libpq's meaning: sslmode (disable, allow, prefer (default),
 * require, verify-ca, verify-full), sslrootcert (a file, or "system"),
 * sslcert, sslkey, sslsni, connect_timeout, several hosts tried in order,
 * and their PG* variables; everything else passes to libpq. Errors name the
 * real host and port, never the tunnel, and never a password. */
#ifndef PGOPS_PG_H
#define PGOPS_PG_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "sbuf.h"

struct pg_tunnel;

struct pg_conn {
	PGconn *conn;
	struct pg_tunnel *tunnel; /* NULL when libpq talks to the server itself */
	char host[256];           /* the server actually reached */
	char port[8];
	int tls;                  /* 1 when the session runs over TLS */
};

/* conninfo: "key=value ..." or a postgres:// URL; NULL or "" means
 * DATABASE_URL if set, else libpq's PG* environment. application_name
 * defaults to the program's name. Returns 0, or an exit code with a message
 * in err: 69 cannot connect (or TLS refused), 77 authentication refused,
 * 78 bad connection settings. */
int pg_connect(struct pg_conn *pc, const char *conninfo, char *err, size_t errlen);
/* The same with a time limit in milliseconds for our TCP and TLS work (0:
 * connect_timeout, else 30 s). libpq's own authentication exchange is bound
 * by connect_timeout, whose granularity is seconds (2 at least). */
int pg_connect_timeout(struct pg_conn *pc, const char *conninfo, uint64_t timeout_ms, char *err,
    size_t errlen);

/* pg_isready's classification of a server's first answer, without
 * credentials: a startup packet, then the first message. Over TCP or the
 * socket directory named by the first host of conninfo. */
enum pg_ping { PG_PING_OK, PG_PING_REJECT, PG_PING_NO_RESPONSE, PG_PING_BAD_SETTINGS };
enum pg_ping pg_ping(const char *conninfo, uint64_t deadline, char *msg, size_t msglen);
void pg_close(struct pg_conn *pc);
/* A connection setting: the value in the parsed conninfo given, else
 * libpq's default (its PG* variables included); NULL if neither has one.
 * An explicitly empty value counts as given. */
const char *pg_setting(PQconninfoOption *given, PQconninfoOption *defaults, const char *kw);
/* Ask the server to cancel the running statement (safe from another
 * thread). 0, or -1 with a message. */
int pg_cancel(struct pg_conn *pc, char *err, size_t errlen);
/* PQexec that signals interrupt: the query is sent and its answer awaited
 * in a poll loop, so that SIGINT/SIGTERM (lib/sig) cancels it on the server
 * at once instead of after a lock wait or a long query. Returns the last
 * result (as PQexec does; a COPY's start stops there), or NULL with errno
 * EINTR after a signal, ETIMEDOUT when the deadline (lib/deadline; 0 for
 * none) passed first (the query is cancelled in both cases), or EIO when
 * the connection failed (PQerrorMessage says why). */
PGresult *pg_exec(struct pg_conn *pc, const char *sql, uint64_t deadline);
/* The answer to a query already sent (PQsendQuery, or the end of a COPY),
 * waited for as pg_exec waits. */
PGresult *pg_result_wait(struct pg_conn *pc, uint64_t deadline);
/* COPY ... FROM STDIN data, in non-blocking mode so that a slow server and
 * signals are waited for in poll(2) with the deadline: 0, or -1 with errno
 * EINTR, ETIMEDOUT or EIO (for EIO, a server error that ended the COPY
 * early is what pg_copy_end returns). */
int pg_copy_put(struct pg_conn *pc, const void *buf, size_t n, uint64_t deadline);
/* Ends COPY FROM STDIN (failing it with errmsg unless NULL) and returns its
 * result as pg_exec does; the connection is blocking again afterwards. */
PGresult *pg_copy_end(struct pg_conn *pc, const char *errmsg, uint64_t deadline);
/* One row of COPY ... TO STDOUT into *row (PQfreemem it): its length; -1
 * at the end (the result follows from pg_result_wait); -2 with errno EINTR,
 * ETIMEDOUT (the server sent nothing for stall_ms) or EIO. */
int pg_copy_get(struct pg_conn *pc, char **row, uint64_t stall_ms);
/* The same for a COPY in text form, without a malloc per row: the next
 * row appended to *buf (*len of *cap bytes used; grown, with xrealloc, when
 * the row does not fit): its length, or -1 or -2 as pg_copy_get. */
int pg_copy_take(struct pg_conn *pc, char **buf, size_t *len, size_t *cap, uint64_t stall_ms);
/* The suite's exit code for a failed query or a lost connection: 69 the
 * connection is gone or the server shuts down, 75 lock timeout,
 * serialization failure, deadlock or cancelled statement, 77 permission
 * or authentication, 65 any other error. */
int pg_exit_code(const PGresult *r, PGconn *c);
/* conninfo (a URL or key=value; NULL: DATABASE_URL, else PG*) as key=value
 * settings with key set to value (another dbname), or for "options",
 * value added to the options given or in PGOPTIONS; malloc'd, NULL if
 * conninfo is bad. */
char *pg_conninfo_with(const char *conninfo, const char *key, const char *value);
/* Copy msg to out with the tunnel's socket name replaced by the real host
 * and port (libpq's messages name the socket it connected to). */
void pg_error_text(const struct pg_conn *pc, const char *msg, char *out, size_t outlen);

#endif
