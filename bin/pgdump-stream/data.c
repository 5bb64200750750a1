/* Table rows through COPY ... TO STDOUT, streamed into the dump as they
 * come, in batches of up to ROWS_BYTES (never a whole table in memory),
 * each block followed by its row count
 * and row checksum (lib/rowsum), which pgrestore-stream's drill checks;
 * then the sequences' values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "log.h"
#include "pgdump.h"
#include "rowsum.h"
#include "sig.h"
#include "sql.h"
#include "xmem.h"

/* The batch libpq copies rows into, written out when it has less room
 * than ROWS_ROOM left: one write per batch, not one per row. */
#define ROWS_BYTES ((size_t)256 << 10)
#define ROWS_ROOM ((size_t)64 << 10)

void
data_copy_sql(struct sbuf *q, const struct tdata *d, uint64_t lo, uint64_t hi)
{
	size_t n = strlen(d->copy_cols);

	/* An extension's configuration table: only the rows its filter
	 * selects (the others are the extension's own, which CREATE
	 * EXTENSION makes again). A range of blocks: a TID range scan. */
	if (!d->where && !lo && !hi) {
		sbuf_printf(q, "COPY %s %s TO stdout", d->qname, d->copy_cols);
		return;
	}
	sbuf_puts(q, "COPY (SELECT ");
	if (n > 2)
		sbuf_add(q, d->copy_cols + 1, n - 2);
	else
		sbuf_puts(q, "*");
	if (d->where) {
		sbuf_printf(q, " FROM %s %s) TO stdout", d->qname, d->where);
		return;
	}
	sbuf_printf(q, " FROM ONLY %s WHERE ", d->qname);
	if (lo)
		sbuf_printf(q, "ctid >= '(%llu,0)'::pg_catalog.tid%s", (unsigned long long)lo, hi ? " AND " : "");
	if (hi)
		sbuf_printf(q, "ctid < '(%llu,0)'::pg_catalog.tid", (unsigned long long)hi);
	sbuf_puts(q, ") TO stdout");
}

void
data_block_start(struct out *o, const struct tdata *d)
{
	struct sbuf q = { 0 };

	sbuf_printf(&q, "\nCOPY %s %s FROM stdin;\n", d->qname, d->copy_cols);
	out_write(o, q.s, q.len);
	sbuf_free(&q);
}

void
data_block_end(struct out *o, const struct tdata *d, uint64_t sum)
{
	char line[96];
	int n = snprintf(line, sizeof line, "\\.\n-- pgdump-stream: rows %llu sum %016llx\n",
	    (unsigned long long)d->rows, (unsigned long long)sum);

	out_write(o, line, (size_t)n);
	if (d->post)
		out_puts(o, d->post);
}

int
data_copy_failure(const struct pgq *q, const struct tdata *d, const PGresult *r, int err, uint64_t rows,
    struct sbuf *msg)
{
	struct sbuf what = { 0 };
	int code;

	if (!r && err == ETIMEDOUT)
		sbuf_printf(&what, "COPY %s", d->qname);
	else
		sbuf_printf(&what, "COPY %s failed after %llu rows", d->qname, (unsigned long long)rows);
	if (r) {
		code = pgq_fail_why(q, r, what.s, NULL, msg);
	} else {
		sbuf_printf(msg, "%s: ", what.s);
		code = pgq_lost_why(q, err, msg);
	}
	sbuf_free(&what);
	return code;
}

void
data_dump(const struct pgq *pq, struct catalog *cat, struct out *o, uint64_t stall_ms)
{
	struct pgq stall = { pq->pc, stall_ms, EX_UNAVAILABLE, pq->vanished_exit };
	struct sbuf q = { 0 };
	size_t rlen = 0, rcap = ROWS_BYTES;
	char *rows = xmalloc(rcap);

	for (int t = 0; t < cat->ndata; t++) {
		struct tdata *d = &cat->data[t];
		PGresult *r;
		struct rowsum sum;
		int n;

		sbuf_reset(&q);
		data_copy_sql(&q, d, 0, 0);
		d->t_start = deadline_now();
		r = pgq_exec(pq, q.s, d->qname);
		if (PQresultStatus(r) != PGRES_COPY_OUT)
			pgq_fail(pq, r, d->qname, NULL);
		PQclear(r);
		data_block_start(o, d);
		rowsum_init(&sum);
		/* Rows as they arrive; a server silent for stall_ms is given up
		 * on, and a signal ends the dump between rows (the server rolls
		 * the transaction back when the connection closes). */
		for (;;) {
			/* rows gathered in rows, written when it is nearly full */
			if (rcap - rlen < ROWS_ROOM && rlen) {
				out_write(o, rows, rlen);
				rlen = 0;
			}
			if ((n = pg_copy_take(pq->pc, &rows, &rlen, &rcap, stall_ms)) <= 0)
				break;
			rowsum_row(&sum, rows + rlen - n, (size_t)n);
			d->rows++;
		}
		out_write(o, rows, rlen);
		rlen = 0;
		/* The COPY's own result, waited for like the rows. */
		r = n == -2 ? NULL : pg_result_wait(pq->pc, deadline_in(stall_ms));
		if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
			int err = errno, code;

			/* a signal: the session closes, which ends the COPY */
			if (sig_caught() || (!r && err == EINTR))
				pgq_lost(&stall, EINTR, d->qname);
			sbuf_reset(&q);
			code = data_copy_failure(&stall, d, r, err, d->rows, &q);
			die(code, "%s", q.s);
		}
		PQclear(r);
		d->t_end = deadline_now();
		data_block_end(o, d, sum.sum);
	}
	free(rows);
	sbuf_free(&q);
}

void
data_sequences(const struct pgq *pq, struct catalog *cat, struct out *o)
{
	struct sbuf q = { 0 };

	for (int i = 0; i < cat->nseq; i++) {
		PGresult *r;

		sbuf_reset(&q);
		sbuf_printf(&q, "select last_value, is_called from %s", cat->seq[i].qname);
		r = pgq_rows(pq, q.s, cat->seq[i].qname);
		sbuf_reset(&q);
		sbuf_puts(&q, "SELECT pg_catalog.setval(");
		sql_literal(&q, cat->seq[i].qname);
		sbuf_printf(&q, ", %s, %s);\n", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1)[0] == 't' ? "true" : "false");
		out_write(o, q.s, q.len);
		PQclear(r);
	}
	sbuf_free(&q);
}
