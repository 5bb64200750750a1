/* -j N: table rows read on N sessions that share the dump's snapshot, the
 * dump still one stream with one COPY block per table. A table larger
 * than two pieces is cut into ranges of its blocks (a TID range scan each,
 * PostgreSQL 14 and later), and the pieces of all tables
 * go to the sessions in the dump's order. Each session fills buffers of
 * whole rows and hands them to the main thread, which writes the block of
 * the table it is at from whichever session's buffer comes (row order in
 * a block is free: the row checksum does not depend on it) and holds the
 * buffers of tables ahead. A session has two buffers: memory is about
 * 2 x N x BUF_BYTES, and since pieces are taken in order, the sessions on
 * the table being written never wait for those ahead of it. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deadline.h"
#include "log.h"
#include "pgdump.h"
#include "pool.h"
#include "rowsum.h"
#include "sig.h"
#include "xmem.h"

/* Pieces of at least 4 MiB (a query each), and up to 16 per session for
 * a table, so that the sessions finish a table together. */
#define PIECE_MIN_BLOCKS ((uint64_t)512)
#define PIECES_PER_SESSION 16
#define BUF_BYTES ((size_t)1 << 20)
#define BUF_ROOM ((size_t)64 << 10)

struct piece {
	int t;
	uint64_t lo, hi;        /* blocks [lo, hi); 0: open on that side */
};

struct dbuf {
	struct dbuf *next;
	struct dsession *s;
	int t;
	size_t n, cap;
	char *data;             /* BUF_BYTES, or one row longer than that */
};

struct dsession {
	struct pdump *d;
	struct pg_conn *pc;
	pthread_t th;
	int started, exited;
	struct dbuf *free;      /* buffers the session may fill */
	int clean;              /* ended with nothing left running on the server */
	int t;                  /* its table, for the progress line; -1 idle */
};

struct ttable {
	int pieces, done;
	uint64_t rows, sum;
};

struct pdump {
	pthread_mutex_t mu;
	pthread_cond_t ready;   /* a buffer handed over, a piece done, a failure */
	pthread_cond_t freed;   /* a buffer written */
	struct catalog *cat;
	struct ttable *tt;
	struct piece *piece;
	int npieces, next;
	struct dbuf *head, *tail;
	struct dsession *s;
	int n;
	uint64_t stall_ms;
	int vanished_exit;
	int stop, failed, code;
	char msg[2048];
	pthread_t main;
};

static struct pdump *live;

static void
pd_fail(struct pdump *d, int code, const char *msg)
{
	pthread_mutex_lock(&d->mu);
	if (!d->failed && !d->stop) {
		d->failed = 1;
		d->code = code;
		snprintf(d->msg, sizeof d->msg, "%s", msg);
	}
	d->stop = 1;
	pthread_cond_broadcast(&d->ready);
	pthread_cond_broadcast(&d->freed);
	pthread_mutex_unlock(&d->mu);
}

/* b, filled, into the queue the main thread writes from; empty, back to
 * its session's free ones (the lock held). */
static void
pd_give(struct dsession *s, struct dbuf *b)
{
	struct pdump *d = s->d;

	if (!b->n) {
		b->next = s->free;
		s->free = b;
		return;
	}
	b->next = NULL;
	if (d->tail)
		d->tail->next = b;
	else
		d->head = b;
	d->tail = b;
	pthread_cond_broadcast(&d->ready);
}

/* Hands b (if it holds rows) to the main thread and takes a free buffer,
 * waiting for one; NULL once the dump stops. */
static struct dbuf *
pd_hand(struct dsession *s, struct dbuf *b)
{
	struct pdump *d = s->d;
	struct dbuf *f;

	pthread_mutex_lock(&d->mu);
	if (b)
		pd_give(s, b);
	while (!s->free && !d->stop)
		pthread_cond_wait(&d->freed, &d->mu);
	f = d->stop ? NULL : s->free;
	if (f) {
		s->free = f->next;
		f->n = 0;
	}
	pthread_mutex_unlock(&d->mu);
	return f;
}

static void pd_copy_failed(struct dsession *s, const struct tdata *td, const PGresult *r, int err, uint64_t rows);

/* The COPY of one piece started on the session: 0, or -1 after pd_fail. */
static int
pd_start(struct dsession *s, const struct tdata *td, const struct piece *p)
{
	struct pdump *d = s->d;
	struct pgq q = { s->pc, d->stall_ms, EX_UNAVAILABLE, d->vanished_exit };
	struct sbuf sql = { 0 }, msg = { 0 };
	PGresult *r;
	int err, ok;

	/* A session waiting behind another's lock request on a table the
	 * main session holds would wait for ever: it asks without waiting,
	 * and a table awaited by someone else's ALTER is worth a retry. */
	sbuf_printf(&sql, "LOCK TABLE ONLY %s IN ACCESS SHARE MODE NOWAIT", td->qname);
	r = pg_exec(s->pc, sql.s, deadline_in(d->stall_ms));
	if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
		PQclear(r);
		sbuf_reset(&sql);
		data_copy_sql(&sql, td, p->lo, p->hi);
		r = pg_exec(s->pc, sql.s, deadline_in(d->stall_ms));
	}
	err = errno;
	ok = r && PQresultStatus(r) == PGRES_COPY_OUT;
	if (!ok && !r) {
		/* no answer: as a COPY that stopped before its first row */
		pd_copy_failed(s, td, NULL, err, 0);
	} else if (!ok) {
		/* the message first: an argument's order of evaluation is
		 * unspecified */
		int code = pgq_fail_why(&q, r, td->qname, NULL, &msg);

		pd_fail(d, code, msg.s);
	}
	PQclear(r);
	sbuf_free(&sql);
	sbuf_free(&msg);
	return ok ? 0 : -1;
}

/* The end of a piece's COPY that did not end well (r its result, or NULL
 * with errno err): data_copy_failure's message, or a signal's (0). */
static void
pd_copy_failed(struct dsession *s, const struct tdata *td, const PGresult *r, int err, uint64_t rows)
{
	struct pdump *d = s->d;
	struct pgq q = { s->pc, d->stall_ms, EX_UNAVAILABLE, d->vanished_exit };
	struct sbuf msg = { 0 };
	int code = 0;

	if (r || err != EINTR)
		code = data_copy_failure(&q, td, r, err, rows, &msg);
	pd_fail(d, code, msg.s ? msg.s : "");
	sbuf_free(&msg);
}

/* One piece: its rows into buffers, its count and sum into its table. */
static int
pd_piece(struct dsession *s, const struct piece *p)
{
	struct pdump *d = s->d;
	struct tdata *td = &d->cat->data[p->t];
	struct rowsum sum;
	struct dbuf *b;
	PGresult *r;
	int n = 0, err;

	if (pd_start(s, td, p) < 0)
		return -1;
	rowsum_init(&sum);
	if (!(b = pd_hand(s, NULL)))
		return -1;
	b->t = p->t;
	for (;;) {
		/* A buffer with less room than BUF_ROOM goes to the writer; a
		 * row longer than the room grows the buffer to it. */
		if (b->cap - b->n < BUF_ROOM && b->n) {
			if (!(b = pd_hand(s, b)))
				return -1;
			b->t = p->t;
		}
		if ((n = pg_copy_take(s->pc, &b->data, &b->n, &b->cap, d->stall_ms)) <= 0)
			break;
		rowsum_row(&sum, b->data + b->n - n, (size_t)n);
	}
	err = errno;
	r = n == -2 ? NULL : pg_result_wait(s->pc, deadline_in(d->stall_ms));
	if (!r)
		err = errno;
	if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
		pd_copy_failed(s, td, r, err, sum.rows);
		PQclear(r);
		pd_hand(s, b);
		return -1;
	}
	PQclear(r);
	/* The last rows are handed before the piece counts as done. */
	pthread_mutex_lock(&d->mu);
	pd_give(s, b);
	d->tt[p->t].done++;
	d->tt[p->t].rows += sum.rows;
	d->tt[p->t].sum += sum.sum;
	td->t_end = deadline_now();
	pthread_cond_broadcast(&d->ready);
	pthread_mutex_unlock(&d->mu);
	return 0;
}

static void *
pd_session(void *arg)
{
	struct dsession *s = arg;
	struct pdump *d = s->d;

	sig_block_thread();
	sig_cancel_thread();
	for (;;) {
		struct piece p;

		pthread_mutex_lock(&d->mu);
		if (d->stop || d->next == d->npieces) {
			s->t = -1;
			pthread_mutex_unlock(&d->mu);
			break;
		}
		p = d->piece[d->next++];
		s->t = p.t;
		if (!d->cat->data[p.t].t_start)
			d->cat->data[p.t].t_start = deadline_now();
		pthread_mutex_unlock(&d->mu);
		if (pd_piece(s, &p) < 0)
			break;
	}
	pthread_mutex_lock(&d->mu);
	s->clean = s->t < 0;
	s->exited = 1;
	pthread_cond_broadcast(&d->ready);
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

/* Each table's pieces: its size now (the snapshot's rows lie in blocks
 * that existed when it was taken, and the last piece is open-ended). */
static void
pd_plan(struct pdump *d, const struct pgq *q)
{
	struct catalog *cat = d->cat;
	struct sbuf sql = { 0 };
	uint64_t *blocks = xcalloc((size_t)cat->ndata + 1, sizeof *blocks);
	int cap = cat->ndata + 16, split = 0;

	if (cat->server_version >= 140000 && cat->ndata) {
		PGresult *r;

		sbuf_puts(&sql, "select c.oid, pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::int8"
		    " from pg_catalog.pg_class c where c.relkind = 'r' and c.oid = any('{");
		for (int t = 0; t < cat->ndata; t++)
			sbuf_printf(&sql, "%s%u", t ? "," : "", cat->data[t].oid);
		sbuf_puts(&sql, "}'::pg_catalog.oid[])");
		r = pgq_rows(q, sql.s, "cannot read the tables' sizes");
		for (int i = 0; i < PQntuples(r); i++) {
			Oid oid = (Oid)strtoul(PQgetvalue(r, i, 0), NULL, 10);

			for (int t = 0; t < cat->ndata; t++)
				if (cat->data[t].oid == oid)
					blocks[t] = strtoull(PQgetvalue(r, i, 1), NULL, 10);
		}
		PQclear(r);
		split = 1;
	}
	d->piece = xcalloc((size_t)cap, sizeof *d->piece);
	for (int t = 0; t < cat->ndata; t++) {
		uint64_t k = split && !cat->data[t].where && strlen(cat->data[t].copy_cols) > 2 ?
		    blocks[t] / PIECE_MIN_BLOCKS : 0, per;

		if (k > (uint64_t)d->n * PIECES_PER_SESSION)
			k = (uint64_t)d->n * PIECES_PER_SESSION;
		if (k < 2)
			k = 1;
		per = k > 1 ? (blocks[t] + k - 1) / k : 0;
		for (uint64_t i = 0; i < k; i++) {
			if (d->npieces == cap) {
				cap *= 2;
				d->piece = xrealloc(d->piece, (size_t)cap * sizeof *d->piece);
			}
			d->piece[d->npieces].t = t;
			d->piece[d->npieces].lo = i * per;
			d->piece[d->npieces].hi = i + 1 < k ? (i + 1) * per : 0;
			d->npieces++;
		}
		d->tt[t].pieces = (int)k;
	}
	free(blocks);
	sbuf_free(&sql);
}

/* A failure, a signal: everything stops, and the dump ends as a single
 * session's would have (the lock held). */
static void
pd_check(struct pdump *d)
{
	char msg[sizeof d->msg];
	int code;

	if (!sig_caught() && !d->failed)
		return;
	code = d->failed ? d->code : 0;
	snprintf(msg, sizeof msg, "%s", d->msg);
	pthread_mutex_unlock(&d->mu);
	pdata_abort();
	if (!code || sig_caught())
		sig_exit();
	die(code, "%s", msg);
}

static void
pd_label(struct pdump *d, struct out *o)
{
	size_t n;
	char *l;

	if (!o->prog || !o->prog->on)
		return;
	l = o->prog->label;
	n = (size_t)snprintf(l, sizeof o->prog->label, "%d sessions:", d->n);
	for (int i = 0; i < d->n && n < sizeof o->prog->label; i++)
		n += (size_t)snprintf(l + n, sizeof o->prog->label - n, " %s%.20s", i ? "| " : "",
		    d->s[i].t < 0 ? "idle" : d->cat->data[d->s[i].t].name);
}

void
pdata_dump(const struct pgq *q, struct catalog *cat, struct out *o, uint64_t stall_ms, struct pg_conn *pcs, int n)
{
	struct pdump *d = xcalloc(1, sizeof *d);

	d->cat = cat;
	d->n = n;
	d->stall_ms = stall_ms;
	d->vanished_exit = q->vanished_exit;
	d->main = pthread_self();
	d->tt = xcalloc((size_t)cat->ndata + 1, sizeof *d->tt);
	d->s = xcalloc((size_t)n, sizeof *d->s);
	pthread_mutex_init(&d->mu, NULL);
	pool_cond_init(&d->ready);
	pthread_cond_init(&d->freed, NULL);
	pd_plan(d, q);
	live = d;
	atexit(pdata_abort);
	for (int i = 0; i < n; i++) {
		struct dsession *s = &d->s[i];

		s->d = d;
		s->pc = &pcs[i];
		s->t = -1;
		for (int k = 0; k < 2; k++) {
			struct dbuf *b = xcalloc(1, sizeof *b);

			b->cap = BUF_BYTES;
			b->data = xmalloc(b->cap);
			b->s = s;
			b->next = s->free;
			s->free = b;
		}
		if (pthread_create(&s->th, NULL, pd_session, s) != 0)
			die(EX_SOFTWARE, "cannot start a thread for session %d", i + 1);
		s->started = 1;
	}
	for (int t = 0; t < cat->ndata; t++) {
		struct tdata *td = &cat->data[t];

		data_block_start(o, td);
		pthread_mutex_lock(&d->mu);
		for (;;) {
			struct dbuf *b = NULL, *prev = NULL;

			pd_check(d);
			for (struct dbuf *x = d->head; x; prev = x, x = x->next)
				if (x->t == t) {
					b = x;
					break;
				}
			if (b) {
				/* out of the queue, written without the lock, then
				 * back to its session */
				if (prev)
					prev->next = b->next;
				else
					d->head = b->next;
				if (d->tail == b)
					d->tail = prev;
				pthread_mutex_unlock(&d->mu);
				out_write(o, b->data, b->n);
				pd_label(d, o);
				pthread_mutex_lock(&d->mu);
				b->next = b->s->free;
				b->s->free = b;
				pthread_cond_broadcast(&d->freed);
				continue;
			}
			if (d->tt[t].done == d->tt[t].pieces)
				break;
			pool_cond_slice(&d->ready, &d->mu);
		}
		td->rows = d->tt[t].rows;
		pthread_mutex_unlock(&d->mu);
		data_block_end(o, td, d->tt[t].sum);
	}
	pdata_abort();
	for (int i = 0; i < n; i++)
		if (!d->s[i].exited)
			return; /* a session still out: its memory stays */
	for (int i = 0; i < n; i++)
		for (struct dbuf *b = d->s[i].free, *next; b; b = next) {
			next = b->next;
			free(b->data);
			free(b);
		}
	free(d->piece);
	free(d->tt);
	free(d->s);
	free(d);
}

void
pdata_abort(void)
{
	struct pdump *d = live;
	uint64_t until = deadline_in(10000);
	char err[256];

	/* Only the main thread ends the sessions. */
	if (!d || !pthread_equal(pthread_self(), d->main))
		return;
	live = NULL;
	pthread_mutex_lock(&d->mu);
	d->stop = 1;
	pthread_cond_broadcast(&d->freed);
	/* Every session: one whose thread saw a signal left its COPY
	 * running; cancelling an idle one does nothing. */
	for (int i = 0; i < d->n; i++)
		if (d->s[i].started && !d->s[i].clean)
			pg_cancel(d->s[i].pc, err, sizeof err);
	for (;;) {
		int running = 0;

		for (int i = 0; i < d->n; i++)
			if (d->s[i].started && !d->s[i].exited)
				running = 1;
		if (!running || deadline_passed(until))
			break;
		pool_cond_slice(&d->ready, &d->mu);
	}
	pthread_mutex_unlock(&d->mu);
	for (int i = 0; i < d->n; i++)
		if (d->s[i].started && d->s[i].exited) {
			pthread_join(d->s[i].th, NULL);
			pg_close(d->s[i].pc);
		}
}
