/* The sessions of -j N: N worker threads, each with its own session to the
 * target, take jobs the main thread queued: chunks of COPY rows and the
 * post-data statements plan.c understands. A job starts only when nothing
 * queued or running before it touches its tables in a way that conflicts
 * (rows of one table load on every session at once, and so do index
 * builds on one table; anything else waits for what came before it on the
 * same table), so jobs never wait on each other's locks and a dump's order
 * is kept wherever it matters. Of the jobs free to start, a session takes
 * the first in the dump's order, unless that is a statement: then the
 * statement with the most work waiting on it (job_next). At most 2N COPY
 * chunks are queued or running (memory: about 2N + 1 chunks), and up to
 * PAR_AHEAD statements more are read ahead.
 *
 * The first failure stops everything: the failing worker records its
 * message and exit code, the main thread cancels what the others run,
 * closes every session and exits with that message, as one session would
 * have. Session settings (SET, set_config) run on the main session and are
 * repeated on each worker's session before its next job. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "deadline.h"
#include "log.h"
#include "pgq.h"
#include "pool.h"
#include "pgrestore.h"
#include "sig.h"
#include "xmem.h"

enum { J_FREE, J_QUEUED, J_RUNNING, J_DONE };

/* Chunks of one table a session sends in one COPY at most (worker_copy). */
#define PAR_RUN 1024

struct pjob {
	int state;
	struct plan pl;
	char *sql;             /* owned, or a COPY block's statement (borrowed) */
	struct pchunk chunk;   /* COPY rows */
	uint64_t line;         /* the statement's line in the dump */
	size_t tab;            /* COPY: the block */
	uint64_t seq;          /* queue order */
	uint64_t cost, prio;   /* statements: job_cost, and prio_update's */
	uint64_t t0, t1;
};

struct psetting {
	char param[64];
	char *sql;
	uint64_t line;
	unsigned gen;
};

struct pworker {
	struct par *p;
	int id;
	pthread_t th;
	int started, exited;
	struct pg_conn pc;
	unsigned gen;          /* settings applied */
	struct pjob *job;      /* running */
	int failed;            /* its statement may still run on the server */
	uint64_t line;         /* of the running job, for notices */
	int shared;            /* index builds with a share of the resources (worker_builds) */
	/* the chunks in its open COPY (worker_copy), to name a refused
	 * row's line */
	struct { uint64_t base, lines; } run[PAR_RUN];
	int nrun;
};

#define PAR_SETTINGS_MAX 64
/* struct par's dump_sets */
#define DUMP_SETS_WORKERS 1 /* max_parallel_maintenance_workers */
#define DUMP_SETS_MEM 2     /* maintenance_work_mem */
/* Statements read ahead of the sessions, beyond the COPY chunks' slots:
 * what the post-data of a large schema's tables can be ordered among. */
#define PAR_AHEAD 64

struct par {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	int n, nslots;
	int running;           /* the sessions are connected */
	struct pworker *w;
	struct pjob *slot;
	struct pjob **order;   /* prio_update's */
	int ncopy;             /* COPY chunks queued or running (at most 2N) */
	struct pchunk *spare;  /* buffers of finished chunks, to be filled again */
	int nspare;
	uint64_t seq;
	struct psetting set[PAR_SETTINGS_MAX];
	int nset;
	unsigned gen;
	int dump_sets;         /* DUMP_SETS_*: parameters worker_builds leaves to the dump */
	int stop, failed, err_code;
	char err[2048];
	uint64_t timeout_ms;
	pthread_t main;
};

/* The one set of sessions (atexit needs to find it). */
static struct par *live;

static void
lock(struct par *p)
{
	pthread_mutex_lock(&p->mu);
}

static void
unlock(struct par *p)
{
	pthread_mutex_unlock(&p->mu);
}

/* Two jobs touch one table in ways that wait for each other; chunks of
 * one table do not, nor index builds on one table, nor two split foreign
 * keys (worker_fk) checked against one referenced table. */
static int
conflicts(const struct plan *a, const struct plan *b)
{
	for (int i = 0; i < a->nkeys; i++)
		for (int k = 0; k < b->nkeys; k++)
			if (strcmp(a->key[i], b->key[k]) == 0 &&
			    !(a->cls == b->cls && (a->cls == PLAN_COPY || a->cls == PLAN_INDEX)) &&
			    !(i == 1 && k == 1 && a->split && b->split))
				return 1;
	return 0;
}

/* Whether a queued job may start: nothing before it that it conflicts
 * with is queued or running. */
static int
job_ready(const struct par *p, const struct pjob *j)
{
	for (int i = 0; i < p->nslots; i++) {
		const struct pjob *k = &p->slot[i];

		if ((k->state == J_QUEUED || k->state == J_RUNNING) && k->seq < j->seq && conflicts(&k->pl, &j->pl))
			return 0;
	}
	return 1;
}

/* The job a free session takes: of those free to start, the first in the
 * dump's order when it is a chunk of rows (rows load in order, and the
 * main thread waits for their slots); otherwise the statement with the
 * most work waiting on it, pg_restore -j's "largest first" taken along
 * the chains of statements that must follow each other. On a schema's
 * post-data that starts a large table's index builds, and the foreign key
 * checks behind them (which PostgreSQL runs in one process), before small
 * tables' keys, instead of leaving them to the end with one core idle. */
static struct pjob *
job_next(struct par *p)
{
	struct pjob *first = NULL, *best = NULL;

	for (int i = 0; i < p->nslots; i++) {
		struct pjob *j = &p->slot[i];

		if (j->state != J_QUEUED || !job_ready(p, j))
			continue;
		if (!first || j->seq < first->seq)
			first = j;
		if (j->pl.cls != PLAN_COPY &&
		    (!best || j->prio > best->prio || (j->prio == best->prio && j->seq < best->seq)))
			best = j;
	}
	return first && first->pl.cls != PLAN_COPY ? best : first;
}

/* ---- the worker side */

static void
worker_notice(void *arg, const char *msg)
{
	struct pworker *w = arg;
	char buf[1024];

	pg_error_text(&w->pc, msg, buf, sizeof buf);
	log_msg(LOG_WARN, "line %llu: %s", (unsigned long long)w->line, buf);
}

/* The first failure wins; the others are what it caused. */
static void
worker_fail(struct pworker *w, int code, const char *msg)
{
	struct par *p = w->p;

	lock(p);
	w->failed = 1;
	if (!p->failed && !p->stop) {
		p->failed = 1;
		p->err_code = code;
		snprintf(p->err, sizeof p->err, "%s", msg);
	}
	p->stop = 1;
	pthread_cond_broadcast(&p->done);
	pthread_cond_broadcast(&p->work);
	unlock(p);
}

/* No answer (errno err): lost connection, deadline or a signal (which the
 * main thread reports). */
static void
worker_lost(struct pworker *w, uint64_t line, int err)
{
	struct pgq q = { &w->pc, w->p->timeout_ms, EX_TEMPFAIL, 0 };
	struct sbuf b = { 0 };
	int code;

	if (err == EINTR || sig_caught()) {
		worker_fail(w, 0, "");
		return;
	}
	sbuf_printf(&b, "line %llu: ", (unsigned long long)line);
	code = pgq_lost_why(&q, err, &b);
	worker_fail(w, code, b.s);
	sbuf_free(&b);
}

static void
worker_error(struct pworker *w, const PGresult *res, uint64_t line, uint64_t stmt_line, const char *stmt)
{
	struct pgq q = { &w->pc, w->p->timeout_ms, EX_TEMPFAIL, 0 };
	struct sbuf b = { 0 };
	int code = restore_error_text(&q, res, line, stmt_line, stmt, &b);

	worker_fail(w, code, b.s);
	sbuf_free(&b);
}

/* Runs sql on the worker's session; 0, or -1 after worker_fail. A
 * deadlock (two statements the plan could not tell apart locking tables
 * in opposite orders) was rolled back by the server: tried again. */
static int
worker_exec(struct pworker *w, const char *sql, uint64_t line)
{
	for (int tries = 0;; tries++) {
		PGresult *res = pg_exec(&w->pc, sql, deadline_in(w->p->timeout_ms));
		const char *st;

		if (!res) {
			worker_lost(w, line, errno);
			return -1;
		}
		switch (PQresultStatus(res)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
		case PGRES_EMPTY_QUERY:
			PQclear(res);
			return 0;
		default:
			break;
		}
		st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (st && strcmp(st, "40P01") == 0 && tries < 3 && !w->p->stop) {
			log_msg(LOG_WARN, "line %llu: deadlock with another session of the restore; trying again",
			    (unsigned long long)line);
			PQclear(res);
			continue;
		}
		worker_error(w, res, line, line, sql);
		PQclear(res);
		return -1;
	}
}

/* The settings the main session has and this one lacks. */
static int
worker_settings(struct pworker *w)
{
	struct par *p = w->p;

	for (;;) {
		char *sql = NULL;
		uint64_t line = 0;
		unsigned gen = 0;

		lock(p);
		for (int i = 0; i < p->nset; i++)
			if (p->set[i].gen > w->gen && (!sql || p->set[i].gen < gen)) {
				gen = p->set[i].gen;
				line = p->set[i].line;
				sql = p->set[i].sql;
			}
		if (sql)
			sql = xstrdup(sql);
		else
			w->gen = p->gen;
		unlock(p);
		if (!sql)
			return 0;
		if (worker_exec(w, sql, line) < 0) {
			free(sql);
			return -1;
		}
		free(sql);
		w->gen = gen;
	}
}

/* An index build (CREATE INDEX, a primary key or unique constraint) may
 * take the server's parallel workers (max_parallel_maintenance_workers)
 * and sorts in maintenance_work_mem. While another session of the restore
 * is at work, the workers only contend for the cores the sessions already
 * fill: on the bench's 2 cores a -j2 restore used about 12% more server
 * CPU with them than without, and took about 10% longer. And N builds at
 * once would sort in N times the memory the server grants one build; the
 * server's own parallel build divides it among its participants, and so
 * do the sessions: maintenance_work_mem / N each (at least 1 MB, the
 * server's minimum). Smaller sorts were also faster on the bench's
 * machine: two concurrent builds of its indexes took 10-15% less time
 * with 32 MB each than with 64. So a build taken while another session
 * runs a job goes without the workers and with its share of the memory;
 * one taken while the others are idle (a large table's key at the end of
 * a restore) keeps the server's settings, whose workers then use the idle
 * cores. A foreign key's check, which the server runs in
 * maintenance_work_mem too, always has all of it. A parameter the dump
 * sets (or RESET ALL) is left as the dump has it; PostgreSQL before 11
 * lacks the workers. */
static int
worker_builds(struct pworker *w, const struct pjob *j, int busy, int dump_sets)
{
	struct sbuf b = { 0 };
	int want, rc = 0;

	if (j->pl.cls == PLAN_INDEX || j->pl.cls == PLAN_ONE)
		want = busy;
	else if (j->pl.cls == PLAN_FK)
		want = 0;
	else
		return 0;
	if (want == w->shared)
		return 0;
	if (!(dump_sets & DUMP_SETS_WORKERS) && PQserverVersion(w->pc.conn) >= 110000)
		sbuf_puts(&b, want ? "SET max_parallel_maintenance_workers = 0;" : "RESET max_parallel_maintenance_workers;");
	if (!(dump_sets & DUMP_SETS_MEM)) {
		if (want)
			sbuf_printf(&b,
			    "SELECT set_config('maintenance_work_mem', greatest(setting::bigint / %d, 1024) || 'kB', false)"
			    " FROM pg_settings WHERE name = 'maintenance_work_mem';",
			    w->p->n);
		else
			sbuf_puts(&b, "RESET maintenance_work_mem;");
	}
	if (b.len)
		rc = worker_exec(w, b.s, j->line);
	sbuf_free(&b);
	if (rc == 0)
		w->shared = want;
	return rc;
}

/* A foreign key between two tables, added NOT VALID and then validated:
 * the rows are checked under a ROW SHARE lock on the referenced table,
 * which another key's check does not wait for, where ADD CONSTRAINT holds
 * SHARE ROW EXCLUSIVE, which it does (the two keys of an application's
 * tables on its users table then take turns). Where the server refuses
 * NOT VALID the statement runs as written, and its error is the one
 * reported; a failed check drops the constraint again, so a failure
 * leaves what it does with one session, and says the same. */
/* ALTER TABLE <the key's table, as the dump writes it> <verb> CONSTRAINT
 * <its name, as written>. */
static void
fk_alter(struct sbuf *b, const struct pjob *j, const char *verb)
{
	const struct plan *pl = &j->pl;

	sbuf_reset(b);
	sbuf_printf(b, "%.*s %s CONSTRAINT %.*s", (int)pl->table_end, j->sql, verb, (int)(pl->name_end - pl->name_at),
	    j->sql + pl->name_at);
}

static void
worker_fk(struct pworker *w, struct pjob *j)
{
	const struct plan *pl = &j->pl;
	struct sbuf add = { 0 }, val = { 0 };
	PGresult *res;

	sbuf_printf(&add, "%.*s NOT VALID%s", (int)pl->valid_at, j->sql, j->sql + pl->valid_at);
	res = pg_exec(&w->pc, add.s, deadline_in(w->p->timeout_ms));
	if (!res) {
		worker_lost(w, j->line, errno);
		goto out;
	}
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		PQclear(res);
		if (!w->p->stop)
			worker_exec(w, j->sql, j->line);
		goto out;
	}
	PQclear(res);
	if (w->p->stop) /* another session failed: its message is the one */
		goto out;
	fk_alter(&val, j, "VALIDATE");
	res = pg_exec(&w->pc, val.s, deadline_in(w->p->timeout_ms));
	if (!res) {
		worker_lost(w, j->line, errno);
		goto out;
	}
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fk_alter(&val, j, "DROP");
		PQclear(pg_exec(&w->pc, val.s, deadline_in(w->p->timeout_ms)));
		worker_error(w, res, j->line, j->line, j->sql);
	}
	PQclear(res);
out:
	sbuf_free(&add);
	sbuf_free(&val);
}

/* The dump's line of a COPY's line n (from 1): the session's chunks
 * follow each other in its COPY, though not in the dump. */
static uint64_t
run_line(const struct pworker *w, uint64_t n)
{
	for (int i = 0; i < w->nrun; i++) {
		if (i == w->nrun - 1 || n <= w->run[i].lines)
			return w->run[i].base + n;
		n -= w->run[i].lines;
	}
	return w->job->line;
}

/* Takes job j on w's session (the lock held). */
static void
job_start(struct pworker *w, struct pjob *j)
{
	j->state = J_RUNNING;
	j->t0 = deadline_now();
	w->job = j;
	w->line = j->line;
}

/* w's job is done (the lock held): jobs that waited for it may start, and
 * the main thread may fill its slot again. */
static void
job_finish(struct pworker *w)
{
	struct par *p = w->p;

	w->job->t1 = deadline_now();
	w->job->state = J_DONE;
	w->job = NULL;
	pthread_cond_broadcast(&p->done);
	pthread_cond_broadcast(&p->work);
}

/* Rows of a chunk, and on in the same COPY while the next job free to
 * start is the next chunk of the same block. Each COPY makes the server
 * take a new ring of 16 MB of shared buffers for the pages it fills, drawn
 * from the whole buffer pool: a COPY per 1 MiB chunk sends each session
 * across all of shared_buffers, every buffer a page its process maps for
 * the first time. The rows of the bench's dump, -j 2, shared_buffers =
 * 1GB: 300,000 page faults and 1.55 times psql's server CPU with a COPY
 * per chunk; 47,000 and 1.07 times in runs (psql: 23,000). PAR_RUN chunks
 * at most per COPY, for the lines of a refused row. A chunk whose COPY
 * went on is done for the scheduler: what waits for the block waits for
 * its last chunk, done only once its COPY committed. */
static void
worker_copy(struct pworker *w)
{
	struct par *p = w->p;
	struct pjob *j = w->job;
	PGresult *res = pg_exec(&w->pc, j->sql, deadline_in(p->timeout_ms));

	if (!res) {
		worker_lost(w, j->line, errno);
		return;
	}
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		worker_error(w, res, j->line, j->line, j->sql);
		PQclear(res);
		return;
	}
	PQclear(res);
	w->nrun = 0;
	for (;;) {
		struct pjob *next;

		w->run[w->nrun].base = j->chunk.base;
		w->run[w->nrun++].lines = j->chunk.lines;
		if (pg_copy_put(&w->pc, j->chunk.data, j->chunk.len, deadline_in(p->timeout_ms)) < 0) {
			if (errno != EIO) {
				worker_lost(w, j->chunk.base + 1, errno);
				return;
			}
			/* The server ended the COPY early: its error says why. */
			res = pg_result_wait(&w->pc, deadline_in(p->timeout_ms));
			break;
		}
		lock(p);
		next = p->stop || w->nrun == PAR_RUN ? NULL : job_next(p);
		if (!next || next->pl.cls != PLAN_COPY || next->tab != j->tab) {
			unlock(p);
			res = pg_copy_end(&w->pc, p->stop ? "the restore stopped" : NULL, deadline_in(p->timeout_ms));
			break;
		}
		job_finish(w);
		job_start(w, next);
		unlock(p);
		j = next;
	}
	if (!res || PQresultStatus(res) == PGRES_COPY_IN) {
		worker_lost(w, j->chunk.base + 1, res ? EIO : errno);
		PQclear(res);
		return;
	}
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		/* The server counts the COPY's lines from 1. */
		const char *ctx = PQresultErrorField(res, PG_DIAG_CONTEXT);
		const char *l = ctx ? strstr(ctx, ", line ") : NULL;
		uint64_t at = l ? run_line(w, strtoull(l + 7, NULL, 10)) : j->line;

		worker_error(w, res, at, j->line, j->sql);
	}
	PQclear(res);
}

static void *
worker_main(void *arg)
{
	struct pworker *w = arg;
	struct par *p = w->p;

	sig_block_thread();
	sig_cancel_thread();
	lock(p);
	for (;;) {
		struct pjob *j = NULL;
		int busy = 0, dump_sets;

		while (!p->stop && !(j = job_next(p)))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		job_start(w, j);
		for (int i = 0; i < p->n; i++)
			busy |= &p->w[i] != w && p->w[i].job;
		dump_sets = p->dump_sets;
		unlock(p);
		if (worker_settings(w) == 0 && worker_builds(w, j, busy, dump_sets) == 0) {
			if (j->pl.cls == PLAN_COPY)
				worker_copy(w);
			else if (j->pl.split)
				worker_fk(w, j);
			else
				worker_exec(w, j->sql, j->line);
		}
		lock(p);
		job_finish(w);
	}
	w->exited = 1;
	pthread_cond_broadcast(&p->done);
	unlock(p);
	return NULL;
}

/* ---- the main thread's side */

/* Finished jobs: their times into the blocks, their slots free again. */
static void
reap(struct restore *r)
{
	struct par *p = r->par;

	for (int i = 0; i < p->nslots; i++) {
		struct pjob *j = &p->slot[i];

		if (j->state != J_DONE)
			continue;
		if (j->pl.cls == PLAN_COPY) {
			struct rtable *t = &r->tab[j->tab];

			if (!t->t_start || j->t0 < t->t_start)
				t->t_start = j->t0;
			if (j->t1 > t->t_end)
				t->t_end = j->t1;
			/* its buffer is filled again (at most 2N + 1 exist:
			 * one is made only when none is spare) */
			p->spare[p->nspare++] = j->chunk;
			memset(&j->chunk, 0, sizeof j->chunk);
			p->ncopy--;
		} else {
			free(j->sql);
		}
		j->sql = NULL;
		j->state = J_FREE;
	}
}

/* A worker failed, or a signal came: everything stops, and the main
 * thread exits as a single session would have. */
static void
check(struct restore *r)
{
	struct par *p = r->par;
	char msg[sizeof p->err];
	int code;

	if (!sig_caught() && !p->failed)
		return;
	code = p->failed ? p->err_code : 0;
	snprintf(msg, sizeof msg, "%s", p->err);
	unlock(p);
	par_abort();
	if (!code || sig_caught())
		sig_exit();
	die(code, "%s", msg);
}

/* Waits (the lock held) for a worker to finish something, in slices, so
 * that a signal or a failure is seen at once. */
static void
wait_done(struct restore *r)
{
	struct par *p = r->par;

	pool_cond_slice(&p->done, &p->mu);
	reap(r);
	check(r);
}

/* The sessions' state, made at the first job or setting; the sessions
 * themselves connect at the first job (a dump with nothing to share out
 * opens none). */
static struct par *
par_get(struct restore *r)
{
	static int registered;
	struct par *p;

	if (r->par)
		return r->par;
	p = xcalloc(1, sizeof *p);
	p->n = r->jobs;
	p->nslots = 2 * r->jobs + PAR_AHEAD;
	p->spare = xcalloc((size_t)(2 * r->jobs + 1), sizeof *p->spare);
	p->timeout_ms = r->timeout_ms;
	p->main = pthread_self();
	p->w = xcalloc((size_t)p->n, sizeof *p->w);
	p->slot = xcalloc((size_t)p->nslots, sizeof *p->slot);
	p->order = xcalloc((size_t)p->nslots, sizeof *p->order);
	pthread_mutex_init(&p->mu, NULL);
	pool_cond_init(&p->done);
	pthread_cond_init(&p->work, NULL);
	if (!registered)
		atexit(par_abort);
	registered = 1;
	live = p;
	r->par = p;
	return p;
}

static void
sessions_start(struct restore *r)
{
	struct par *p = r->par;
	char err[2048];

	for (int i = 0; i < p->n; i++) {
		struct pworker *w = &p->w[i];
		int code;

		w->p = p;
		w->id = i;
		if ((code = pg_connect(&w->pc, r->conninfo, err, sizeof err)) != 0)
			die(code, "session %d of %d: %s", i + 1, p->n, err);
		PQsetNoticeProcessor(w->pc.conn, worker_notice, w);
		restore_tune(&w->pc, r->timeout_ms);
		if (pthread_create(&w->th, NULL, worker_main, w) != 0)
			die(EX_SOFTWARE, "cannot start a thread for session %d", i + 1);
		w->started = 1;
	}
	p->running = 1;
}

/* What a statement costs, as far as the dump tells: the bytes of rows of
 * the tables it builds on (an index, a key) or checks (a foreign key: both
 * tables), as pg_restore -j weighs its items by their tables' size. */
static uint64_t
job_cost(struct restore *r, const struct plan *pl)
{
	uint64_t c = 1;

	for (int i = 0; i < pl->nkeys && (i == 0 || pl->cls == PLAN_FK); i++)
		c += restore_table_bytes(r, pl->key[i]);
	return c;
}

/* Each queued statement's priority: its cost plus the most costly chain of
 * queued statements that must wait for it, worked out from the last one
 * back (the lock held). */
static void
prio_update(struct par *p)
{
	struct pjob **q = p->order;
	int n = 0;

	for (int i = 0; i < p->nslots; i++)
		if (p->slot[i].state == J_QUEUED && p->slot[i].pl.cls != PLAN_COPY)
			q[n++] = &p->slot[i];
	/* latest first */
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && q[k - 1]->seq < q[k]->seq; k--) {
			struct pjob *t = q[k];

			q[k] = q[k - 1];
			q[k - 1] = t;
		}
	for (int i = 0; i < n; i++) {
		uint64_t after = 0;

		for (int k = 0; k < i; k++)
			if (q[k]->prio > after && conflicts(&q[i]->pl, &q[k]->pl))
				after = q[k]->prio;
		q[i]->prio = q[i]->cost + after;
	}
}

void
par_submit(struct restore *r, const struct plan *pl, char *sql, uint64_t line, size_t tab)
{
	struct par *p = par_get(r);
	struct pjob *j;
	int copy = pl->cls == PLAN_COPY;

	if (!p->running)
		sessions_start(r);
	lock(p);
	for (;;) {
		reap(r);
		check(r);
		j = NULL;
		for (int i = 0; i < p->nslots && !j; i++)
			if (p->slot[i].state == J_FREE)
				j = &p->slot[i];
		if (j && (!copy || p->ncopy < 2 * p->n))
			break;
		wait_done(r);
	}
	j->pl = *pl;
	j->sql = sql;
	j->line = line;
	j->tab = tab;
	j->seq = ++p->seq;
	j->cost = copy ? 0 : job_cost(r, pl);
	j->prio = j->cost;
	if (copy) {
		/* the chunk's buffer goes to the job; a spare one (or none
		 * yet) is filled next */
		j->chunk = r->chunk;
		if (p->nspare)
			r->chunk = p->spare[--p->nspare];
		else
			memset(&r->chunk, 0, sizeof r->chunk);
		r->chunk.len = 0;
		p->ncopy++;
	}
	j->state = J_QUEUED;
	if (!copy)
		prio_update(p);
	pthread_cond_broadcast(&p->work);
	unlock(p);
}

void
par_drain(struct restore *r, int queued_only)
{
	struct par *p = r->par;

	if (!p)
		return;
	lock(p);
	for (;;) {
		int left = 0;

		reap(r);
		check(r);
		for (int i = 0; i < p->nslots; i++)
			if (p->slot[i].state == J_QUEUED || (!queued_only && p->slot[i].state != J_FREE))
				left = 1;
		if (!left)
			break;
		wait_done(r);
	}
	unlock(p);
}

void
par_poll(struct restore *r)
{
	struct par *p = r->par;

	lock(p);
	reap(r);
	check(r);
	unlock(p);
}

void
par_setting(struct restore *r, const char *param, const char *sql, uint64_t line)
{
	struct par *p = par_get(r);
	struct psetting *s = NULL;
	int all;

	lock(p);
	/* RESET ALL undoes every setting before it; then it is one more. */
	if (strcmp(param, "all") == 0) {
		for (int i = 0; i < p->nset; i++)
			free(p->set[i].sql);
		p->nset = 0;
	}
	for (int i = 0; i < p->nset; i++)
		if (param[0] && strcmp(p->set[i].param, param) == 0)
			s = &p->set[i];
	if (!s && p->nset == PAR_SETTINGS_MAX) {
		unlock(p);
		par_abort();
		die(EX_DATAERR, "line %llu: more than %d different session settings; restore this dump without -j",
		    (unsigned long long)line, PAR_SETTINGS_MAX);
	}
	if (!s) {
		s = &p->set[p->nset++];
		snprintf(s->param, sizeof s->param, "%s", param);
	} else {
		free(s->sql);
	}
	s->sql = xstrdup(sql);
	s->line = line;
	s->gen = ++p->gen;
	/* Its value (or, for RESET ALL or a name not known until it runs,
	 * perhaps its value) is the dump's: worker_builds leaves it be. */
	all = !param[0] || strcasecmp(param, "all") == 0;
	if (all || strcasecmp(param, "max_parallel_maintenance_workers") == 0)
		p->dump_sets |= DUMP_SETS_WORKERS;
	if (all || strcasecmp(param, "maintenance_work_mem") == 0)
		p->dump_sets |= DUMP_SETS_MEM;
	unlock(p);
}

void
par_label(struct restore *r, char *buf, size_t cap)
{
	struct par *p = r->par;
	size_t n = 0;

	if (!p)
		return;
	lock(p);
	n = (size_t)snprintf(buf, cap, "%d sessions:", p->n);
	for (int i = 0; i < p->n && n < cap; i++) {
		struct pjob *j = p->w[i].job;
		const char *what = "idle";
		char name[PLAN_NAME_MAX];

		if (j) {
			/* the table's name, its parts joined again by dots */
			snprintf(name, sizeof name, "%s", j->pl.nkeys ? j->pl.key[0] : "?");
			for (char *c = name; *c; c++)
				if (*c == '\x1f')
					*c = '.';
			what = name;
		}
		n += (size_t)snprintf(buf + n, cap - n, " %s%.20s", i ? "| " : "", what);
	}
	unlock(p);
}

void
par_close(struct restore *r)
{
	struct par *p = r->par;

	if (!p)
		return;
	par_drain(r, 0);
	par_abort();
	r->par = NULL;
	for (int i = 0; i < p->n; i++)
		if (p->w[i].started)
			return; /* a worker still out: its memory stays */
	for (int i = 0; i < p->nslots; i++)
		free(p->slot[i].chunk.data);
	for (int i = 0; i < p->nspare; i++)
		free(p->spare[i].data);
	free(p->spare);
	free(p->order);
	for (int i = 0; i < p->nset; i++)
		free(p->set[i].sql);
	free(p->slot);
	free(p->w);
	free(p);
}

void
par_abort(void)
{
	struct par *p = live;
	uint64_t until = deadline_in(10000);
	char err[256];

	/* Only the main thread ends the sessions (a worker never exits the
	 * process on purpose). */
	if (!p || !pthread_equal(pthread_self(), p->main))
		return;
	lock(p);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	/* Not only sessions with a job: one whose worker failed (or saw a
	 * signal) may have left its statement running on the server. */
	for (int i = 0; i < p->n; i++)
		if (p->w[i].started && (p->w[i].job || p->w[i].failed))
			pg_cancel(&p->w[i].pc, err, sizeof err);
	/* Cancelled statements end at once; a session whose server went
	 * silent is left to the process's exit after a while. */
	for (;;) {
		int running = 0;

		for (int i = 0; i < p->n; i++)
			if (p->w[i].started && !p->w[i].exited)
				running = 1;
		if (!running || deadline_passed(until))
			break;
		pool_cond_slice(&p->done, &p->mu);
	}
	unlock(p);
	for (int i = 0; i < p->n; i++) {
		struct pworker *w = &p->w[i];

		if (w->started && w->exited) {
			pthread_join(w->th, NULL);
			pg_close(&w->pc);
			w->started = 0;
		} else if (!w->started && w->pc.conn) {
			pg_close(&w->pc);
		}
	}
	live = NULL;
}
