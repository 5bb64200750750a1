/* pgrestore-stream's parts: main.c (options, input, safety rails, report),
 * restore.c (statements and COPY data sent to the server as they are
 * read) and drill.c (the scratch database and the comparison). */
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
};

enum dump_kind { DUMP_SQL, DUMP_OURS, DUMP_PGDUMP };

struct restore {
	/* set by the caller */
	struct pg_conn *pc;
	uint64_t timeout_ms;
	struct progress *prog;
	int single;           /* -1: one transaction, which the dump may not end */
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

/* The restore's statements as lib/pgq runs them: --timeout is each one's
 * limit, and one that outlives it is cancelled and worth retrying (75). */
struct pgq restore_q(const struct restore *r);
/* A statement run outside the dump (BEGIN, COMMIT, queries of the
 * rails), with the same deadline and messages. */
void restore_exec(struct restore *r, const char *sql, const char *what);

/* The drill: a scratch database created (and dropped at exit unless
 * keep), then the comparison of every COPY block with the restored table.
 * drill_compare returns the number of mismatches and fills the report. */
void drill_create(struct pg_conn *admin, const char *name, uint64_t timeout_ms, int keep);
int drill_compare(struct restore *r, struct sbuf *json, int json_on);
/* Drops the scratch database now (unless kept), before the admin session
 * closes. */
void drill_end(void);

#endif
