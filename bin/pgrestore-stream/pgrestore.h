/* pgrestore-stream's parts: main.c (options, input, safety rails, report),
 * restore.c (statements and COPY data sent to the server as they are
 * read), plan.c, par.c and avlock.c (-j: what a statement touches, the
 * sessions that run chunks of rows and post-data statements side by side,
 * and autovacuum kept off the tables loading) and
 * drill.c (the scratch database and the comparison). */
#ifndef PGOPS_PGRESTORE_H
#define PGOPS_PGRESTORE_H

#include <stddef.h>
#include <stdint.h>

#include "pg.h"
#include "pgq.h"
#include "progress.h"
#include "rowsum.h"
#include "sbuf.h"
#include "sqlscan.h"
#include "trailer.h"

struct par;

/* One COPY block of the dump. */
struct rtable {
	char *name;           /* the COPY statement's target, for messages */
	char *copy_out;       /* COPY ... TO STDOUT for the drill, or NULL */
	char *cols;           /* its column list, "(a, b)", or NULL */
	uint64_t line;
	uint64_t rows, sum;   /* what the block held */
	int recorded;         /* the dump recorded rows (and sum) after it */
	int recorded_sum;
	uint64_t rec_rows, rec_sum;
	uint64_t t_start, t_end; /* when its rows began and finished loading (ms) */
	uint64_t bytes;       /* of its rows */
	char *copy_in;        /* -j: the COPY statement each chunk runs */
};

/* What a statement touches (plan.c): -j runs the classes other than
 * PLAN_BARRIER on the worker sessions or beside them. */
enum plan_class {
	PLAN_BARRIER,  /* anything else: in the dump's order, on the main session, after all before it */
	PLAN_SETTING,  /* SET, RESET, set_config(..., false): main session, then every session */
	PLAN_FREE,     /* setval(): main session, beside the workers */
	PLAN_COPY,     /* a chunk of a COPY block's rows */
	PLAN_INDEX,    /* CREATE INDEX on key[0] */
	PLAN_ONE,      /* ALTER TABLE ONLY key[0] ADD CONSTRAINT (primary key, unique, check, exclude) */
	PLAN_FK        /* ALTER TABLE ONLY key[0] ADD CONSTRAINT ... FOREIGN KEY ... REFERENCES key[1] */
};
#define PLAN_NAME_MAX 192
struct plan {
	enum plan_class cls;
	int nkeys;
	char key[2][PLAN_NAME_MAX]; /* tables, as the server folds their names */
	char param[64];             /* PLAN_SETTING: the parameter ("all" for RESET ALL) */
	/* PLAN_FK between two tables, on ONLY its table, that says neither
	 * NOT VALID nor ENFORCED: par.c may add it NOT VALID and validate it
	 * after, so that
	 * two keys referencing one table check their rows at once. Offsets in
	 * the statement: the end of its table's name, its constraint's name
	 * as written, where NOT VALID goes. */
	int split;
	size_t table_end, name_at, name_end, valid_at;
};
void plan_classify(const char *stmt, struct plan *pl);
/* COPY name ...: key[0] the table. */
void plan_copy(const char *stmt, struct plan *pl);

/* Rows of a COPY block for one session: whole lines; base is the dump's
 * line before the first. */
struct pchunk {
	char *data;
	size_t len, cap;
	uint64_t base;         /* the dump's line before its first row */
	uint64_t lines;        /* its rows; 0 for a block's last chunk */
};
/* A chunk is handed to a session once it holds this much. */
#define PAR_CHUNK ((size_t)1 << 20)

enum dump_kind { DUMP_SQL, DUMP_OURS, DUMP_PGDUMP };

struct restore {
	/* set by the caller */
	struct pg_conn *pc;
	uint64_t timeout_ms;
	struct progress *prog;
	int single;           /* -1: one transaction, which the dump may not end */
	int sums;             /* the drill: rows are hashed (lib/rowsum), not only counted */
	/* called once, before the first statement runs: banner and rails */
	void (*before_first)(struct restore *r);

	/* what was read */
	enum dump_kind kind;
	char source[512];     /* the dump's own description of its source */
	uint64_t bytes, statements, rows;
	struct rtable *tab;
	size_t ntab;
	int pgdump_complete;  /* pg_dump's end marker seen, nothing after it */
	/* a globals dump (pgdump-stream --globals): what its roles and
	 * tablespaces found (created, existed, kept: the restoring role's
	 * attributes), names of those that existed */
	int globals;
	unsigned roles_created, roles_existed, roles_kept, spc_created, spc_existed;
	struct sbuf existed;
	int skip_next;        /* the next statement is passed over (a tablespace that exists) */
	/* a --create dump: it makes its database, then says where to go on
	 * (connect, given by the caller); skip_to_connect: passing over its
	 * statements up to there (a drill) */
	int create, skip_to_connect;
	char create_db[256];
	void (*connect)(struct restore *r, const char *db);
	struct trailer_tail trailer;
	/* -j: sessions (1: all on pc), and the conninfo they connect with,
	 * kept up to date by the caller */
	int jobs;
	const char *conninfo;
	struct par *par;
	struct pchunk chunk;
	int par_copy;         /* the COPY block being read goes to the sessions */
	int copy_sent;        /* and a chunk of it went */
	struct plan copy_pl;
	int avlock;           /* the main session holds loading tables off autovacuum (avlock.c) */
	/* what is known of each table by name: whether its COPY loads
	 * alone (restore.c's copy_ordered; asked, and the answer as of
	 * schema_gen, which counts the statements run on the main session),
	 * and the bytes of its rows in the dump (-j's estimate of what its
	 * indexes and keys cost) */
	struct copy_seen {
		char *key;
		int asked, ordered;
		uint64_t gen;
		uint64_t bytes;
	} *seen;
	size_t nseen, capseen;
	uint64_t schema_gen;

	/* state */
	struct sqlscan sc;
	int mode, bol, started, after_copy;
	char hold[4];
	size_t nhold;
	struct rowsum cur;
	char restrict_key[128];
	int unrestricted;
	size_t captab;
};

void restore_init(struct restore *r);
/* Session settings of the restore's own (deadlock_timeout 100 ms for a
 * superuser), on the main session and each of -j's. */
void restore_tune(struct pg_conn *pc, uint64_t timeout_ms);
/* Goes on in another database (a --create dump's): statements from now on
 * run on pc. */
void restore_switch(struct restore *r, struct pg_conn *pc);
/* Runs what the bytes complete; dies (with the exit code of the failure)
 * on any error. */
void restore_feed(struct restore *r, const char *p, size_t n);
/* End of input: a statement left over, or COPY data not ended, is a
 * truncated dump (exit 65) unless the input is plain SQL. */
void restore_finish(struct restore *r);
/* Whether the dump ended as complete: its kind's end marker (our trailer
 * with the right byte count, pg_dump's "dump complete" comment) was the
 * last thing in it. *why says what is missing otherwise. */
int restore_complete(const struct restore *r, const char **why);
void restore_free(struct restore *r);
/* A signal was caught: cancels what the main session's COPY runs, closes
 * it and exits 128+N (-j's sessions are ended at exit). */
_Noreturn void restore_interrupted(struct restore *r);

/* The restore's statements as lib/pgq runs them: --timeout is each one's
 * limit, and one that outlives it is cancelled and worth retrying (75). */
struct pgq restore_q(const struct restore *r);
/* -j: the bytes of rows the dump held for a table (plan.c's key), 0 for
 * one without rows so far. */
uint64_t restore_table_bytes(struct restore *r, const char *key);
/* A statement run outside the dump (BEGIN, COMMIT, queries of the
 * rails), with the same deadline and messages. */
void restore_exec(struct restore *r, const char *sql, const char *what);

/* The message of a statement the server refused, "line N: ERROR ...;
 * statement at line L: ...", into b; returns its exit code. */
int restore_error_text(const struct pgq *q, const PGresult *res, uint64_t line, uint64_t stmt_line,
    const char *stmt, struct sbuf *b);

/* -j's sessions (par.c), started at the first job with r->conninfo. A job
 * starts when nothing queued or running before it conflicts with it
 * (par.c says which it takes first); every call reports a session's
 * failure (or a signal) by stopping all sessions and exiting as one
 * session would have. A COPY job takes r->chunk (and leaves a spare or
 * empty buffer there). */
void par_submit(struct restore *r, const struct plan *pl, char *sql, uint64_t line, size_t tab);
/* Reports a failure without waiting (r->par not NULL). */
void par_poll(struct restore *r);
/* Waits until no job is queued (queued_only) or none is left at all. */
void par_drain(struct restore *r, int queued_only);
/* A session setting the main session ran: the workers run it too before
 * their next job. */
void par_setting(struct restore *r, const char *param, const char *sql, uint64_t line);
/* What each session does, for the progress meter. */
void par_label(struct restore *r, char *buf, size_t cap);
/* Waits for every job, then ends the sessions (a later job starts new
 * ones). */
void par_close(struct restore *r);
/* Cancels what the sessions run and closes them (at exit, too). */
void par_abort(void);

/* -j: the main session holds autovacuum off the table (its name as the
 * server reads it) whose rows the sessions load (avlock.c), and lets go
 * of every such table at once. */
void avlock_take(struct restore *r, const char *name);
void avlock_release(struct restore *r);

/* The drill: a scratch database created (and dropped at exit unless
 * keep), then the comparison of every COPY block with the restored table.
 * drill_compare returns the number of mismatches and fills the report. */
void drill_create(struct pg_conn *admin, const char *name, uint64_t timeout_ms, int keep);
int drill_compare(struct restore *r, struct sbuf *json, int json_on);
/* Drops the scratch database now (unless kept), before the admin session
 * closes. */
void drill_end(void);

#endif
