/* Queries and COPY with deadlines and signals: every wait on the server is
 * a poll(2) with a deadline, and SIGINT/SIGTERM cancel the running
 * statement on the server instead of waiting for it. See pg.h. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "log.h"
#include "pg.h"
#include "sig.h"
#include "xmem.h"

#define COPY_PIECE (64 << 10)

/* Wait until libpq has a whole result, or fail as pg_exec does. */
static int
wait_ready(struct pg_conn *pc, uint64_t deadline)
{
	while (PQisBusy(pc->conn)) {
		int ready = deadline_poll(PQsocket(pc->conn), POLLIN, deadline);

		if (sig_caught() || ready == 0) {
			char err[256];

			/* The server ends the query; the caller exits, which
			 * closes the session and rolls back its transaction. */
			(void)pg_cancel(pc, err, sizeof err);
			errno = ready == 0 ? ETIMEDOUT : EINTR;
			return -1;
		}
		if (!PQconsumeInput(pc->conn)) {
			errno = EIO;
			return -1;
		}
	}
	return 0;
}

PGresult *
pg_result_wait(struct pg_conn *pc, uint64_t deadline)
{
	PGresult *last = NULL, *r;

	for (;;) {
		if (wait_ready(pc, deadline) < 0) {
			PQclear(last);
			return NULL;
		}
		if ((r = PQgetResult(pc->conn)) == NULL)
			return last;
		PQclear(last);
		last = r;
		if (PQresultStatus(r) == PGRES_COPY_OUT || PQresultStatus(r) == PGRES_COPY_IN ||
		    PQresultStatus(r) == PGRES_COPY_BOTH)
			return r;
	}
}

PGresult *
pg_exec(struct pg_conn *pc, const char *sql, uint64_t deadline)
{
	if (!PQsendQuery(pc->conn, sql)) {
		errno = EIO;
		return NULL;
	}
	return pg_result_wait(pc, deadline);
}

/* Push libpq's output buffer out, waiting for room until the deadline,
 * while reading what the server sends (it may be an error that ends the
 * COPY early). */
static int
flush(struct pg_conn *pc, uint64_t deadline)
{
	int f;

	while ((f = PQflush(pc->conn)) == 1) {
		int ready = deadline_poll(PQsocket(pc->conn), POLLOUT | POLLIN, deadline);

		if (sig_caught() || ready == 0) {
			errno = ready == 0 ? ETIMEDOUT : EINTR;
			return -1;
		}
		if (ready < 0 || !PQconsumeInput(pc->conn)) {
			errno = EIO;
			return -1;
		}
	}
	if (f < 0) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int
pg_copy_put(struct pg_conn *pc, const void *buf, size_t n, uint64_t deadline)
{
	if (!PQisnonblocking(pc->conn) && PQsetnonblocking(pc->conn, 1) != 0) {
		errno = EIO;
		return -1;
	}
	/* In pieces, each sent before the next is queued: libpq moves what
	 * a partial send leaves to the front of its buffer, so a large
	 * buffer would be moved again and again. */
	while (n) {
		int len = n > COPY_PIECE ? COPY_PIECE : (int)n;
		int r = PQputCopyData(pc->conn, buf, len);

		if (r < 0) {
			errno = EIO;
			return -1;
		}
		if (r == 1) {
			buf = (const char *)buf + len;
			n -= (size_t)len;
		}
		if (flush(pc, deadline) < 0)
			return -1;
	}
	return 0;
}

PGresult *
pg_copy_end(struct pg_conn *pc, const char *errmsg, uint64_t deadline)
{
	int r;

	if (!PQisnonblocking(pc->conn) && PQsetnonblocking(pc->conn, 1) != 0) {
		errno = EIO;
		return NULL;
	}
	while ((r = PQputCopyEnd(pc->conn, errmsg)) == 0)
		if (flush(pc, deadline) < 0)
			return NULL;
	if (r < 0 || flush(pc, deadline) < 0) {
		if (r < 0)
			errno = EIO;
		return NULL;
	}
	if (PQsetnonblocking(pc->conn, 0) != 0) {
		errno = EIO;
		return NULL;
	}
	return pg_result_wait(pc, deadline);
}

int
pg_copy_get(struct pg_conn *pc, char **row, uint64_t stall_ms)
{
	for (;;) {
		int n = PQgetCopyData(pc->conn, row, 1);

		if (n > 0)
			return n;
		if (n == -1)
			return -1;
		if (n != 0) {
			errno = EIO;
			return -2;
		}
		int ready = deadline_poll(PQsocket(pc->conn), POLLIN, deadline_in(stall_ms));

		if (sig_caught() || ready == 0) {
			errno = ready == 0 ? ETIMEDOUT : EINTR;
			return -2;
		}
		if (ready < 0 || !PQconsumeInput(pc->conn)) {
			errno = EIO;
			return -2;
		}
	}
}

/* Room for n more bytes after *len in *buf: at least doubled when it
 * grows, and never under 64 KiB. */
static void
take_room(char **buf, size_t *len, size_t *cap, size_t n)
{
	if (*cap - *len >= n)
		return;
	*cap = *len + n > 2 * *cap ? *len + n : 2 * *cap;
	if (*cap < 65536)
		*cap = 65536;
	*buf = xrealloc(*buf, *cap);
}

int
pg_copy_take(struct pg_conn *pc, char **buf, size_t *len, size_t *cap, uint64_t stall_ms)
{
	size_t start = *len;

	for (;;) {
		size_t room;
		char *row;
		int ask, n;

		take_room(buf, len, cap, 8192);
		room = *cap - *len;
		/* Straight from libpq's input buffer into ours: PQgetCopyData
		 * would malloc each row. A copy that fills the room may be the
		 * start of a longer row; in text form only a row's end is a
		 * newline. */
		ask = room > INT_MAX ? INT_MAX : (int)room;
		n = PQgetlineAsync(pc->conn, *buf + *len, ask);
		if (n > 0) {
			*len += (size_t)n;
			if (n < ask || (*buf)[*len - 1] == '\n')
				return (int)(*len - start);
			continue;
		}
		if (*len > start) {
			/* libpq hands a row on in parts only once all of it is
			 * there: a row cut off here is a broken stream */
			*len = start;
			errno = EIO;
			return -2;
		}
		if (n < 0)
			return -1;
		/* No whole row in libpq's buffer, or an empty one (which
		 * PQgetlineAsync cannot tell from none): pg_copy_get waits for
		 * the next; the rows after it come through here again. */
		n = pg_copy_get(pc, &row, stall_ms);
		if (n > 0) {
			take_room(buf, len, cap, (size_t)n);
			memcpy(*buf + *len, row, (size_t)n);
			*len += (size_t)n;
			PQfreemem(row);
		}
		return n;
	}
}

int
pg_exit_code(const PGresult *r, PGconn *c)
{
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(c) == CONNECTION_BAD || (st && (strncmp(st, "08", 2) == 0 || strncmp(st, "57P", 3) == 0)))
		return EX_UNAVAILABLE;
	if (!st)
		return EX_DATAERR;
	if (strcmp(st, "55P03") == 0 || strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 ||
	    strcmp(st, "57014") == 0)
		return EX_TEMPFAIL;
	if (strcmp(st, "42501") == 0 || strncmp(st, "28", 2) == 0)
		return EX_NOPERM;
	return EX_DATAERR;
}
