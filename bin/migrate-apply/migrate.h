/* migrate-apply's parts: main.c (commands), files.c (the migrations on
 * disk: names, formats, sections, checksums, offline checks), history.c
 * (the history table and the advisory lock), adopt.c (another tool's
 * history, taken over), sums.c (the checksums other tools keep of a
 * file), run.c (applying one migration, transactional or statement by
 * statement) and lint.c (the statements that hurt a busy database). */
#ifndef PGOPS_MIGRATE_H
#define PGOPS_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include "pg.h"
#include "pgq.h"
#include "sbuf.h"

enum mformat { FMT_NONE, FMT_GOLANG, FMT_DBMATE, FMT_PLAIN, FMT_FLYWAY, FMT_GOOSE, FMT_PRISMA };

/* One statement of a section: where it is, and whether PostgreSQL refuses
 * it inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM...). */
struct mstmt {
	char *sql;
	uint64_t line, col;   /* in its file */
	const char *notx;     /* what it is, when it cannot run in a transaction */
};

/* The up or down half of a migration. */
struct msection {
	char *path;           /* the file it is in */
	char *sql;            /* normalised (no BOM, LF line ends), --var applied */
	uint64_t line;        /* its first line in the file */
	int tx;               /* runs in one transaction */
	int all_notx;         /* every statement is one that cannot run in one */
	struct mstmt *st;
	int nst;
};

struct migration {
	char *version, *name; /* a Flyway repeatable's version is "R__" NAME */
	struct msection up, down;
	int has_down;
	int repeatable;       /* Flyway's R__NAME.sql: run again when it changes */
	char checksum[65];    /* SHA-256 of the normalised up section */
	char prisma[3][65];   /* Prisma's checksums of the file (sums.c) */
	char flyway[16];      /* Flyway's */
};

struct mset {
	const char *dir;
	enum mformat fmt;
	struct migration *m;  /* sorted by version */
	int n;
	struct migration *r;  /* Flyway's repeatable ones, by name */
	int nr;
};

struct var {
	const char *name, *value;
};

/* Reads DIR: every *.sql file must name a migration of one format. Dies
 * with 66 when DIR is missing and 65 for anything wrong in the files,
 * naming file and line. */
void files_load(struct mset *s, const char *dir, const struct var *vars, int nvars);
const char *files_format_name(enum mformat f);
/* Whether a version names a Flyway repeatable migration (R__NAME). */
int version_repeatable(const char *v);
/* Versions compare as numbers, segment by segment (1.10 > 1.9). */
int version_cmp(const char *a, const char *b);
/* The migration of a version, a repeatable one's included, or NULL. */
struct migration *files_find(const struct mset *s, const char *version);

/* sums.c: the checksums Prisma and Flyway keep, of the file's bytes as read
 * (raw, len); sums_prisma_match says whether a checksum Prisma recorded is
 * this file's, as Prisma decides it (line ends aside). */
void sums_prisma(struct migration *m, const char *raw, size_t len);
int sums_prisma_match(const struct migration *m, const char *recorded);
void sums_flyway(struct migration *m, const char *raw, size_t len);

/* The history table, always quoted. */
struct history {
	char *schema, *table;
	char *qname;          /* "schema"."table" */
	int64_t lock_key;
};

struct hrow {
	char *version, *name, *checksum, *status, *error, *finished;
	int transactional;
	long done;            /* statements completed, for a no-transaction one */
};

void history_init(struct history *h, const char *spec);
/* How bookkeeping statements (the history tables, ours and other tools')
 * are waited for: they are short, so a minute without an answer means a
 * server that does not answer at all (69). */
struct pgq history_book_q(struct pg_conn *pc);
/* 1 when the table exists (and can be read). */
int history_exists(struct pg_conn *pc, const struct history *h);
void history_create(struct pg_conn *pc, const struct history *h);
/* The rows, sorted by version; none when the table does not exist. */
int history_load(struct pg_conn *pc, const struct history *h, struct hrow **rows);
void history_free(struct hrow *rows, int n);
struct hrow *history_find(struct hrow *rows, int n, const char *version);
/* Record m as applied without running it (exists: its row is there,
 * partial), with checksum sum (NULL: the file's); forget a version (it is
 * pending again). */
void history_mark(struct pg_conn *pc, const struct history *h, const struct migration *m, const char *sum,
    int exists, const char *why);
void history_forget(struct pg_conn *pc, const struct history *h, const char *version);
/* The session advisory lock, polled with backoff (up to 250 ms, full
 * jitter) until timeout_ms, naming the holder while waiting. Dies with 75
 * on timeout. Returns 1 when taken, or 0 when needed (if not NULL) says
 * between two polls that the work is no longer needed. */
int history_lock(struct pg_conn *pc, const struct history *h, uint64_t timeout_ms, int (*needed)(void));

/* Session setup and one migration. */
struct runopt {
	uint64_t stmt_timeout_ms, lock_timeout_ms;
	unsigned lock_retries;  /* tries after a statement's lock_timeout (55P03) */
	int dry_run, json;
	const struct other_history *mirror; /* another tool's table kept up to date, or NULL */
};

/* Runs a statement of ours; dies with the exit code of a failure. */
void run_sql(struct pg_conn *pc, const char *sql, const char *what);
/* Applies (or with down=1 reverts) one migration, recording it. Returns 0,
 * or dies with the failure reported. */
void run_migration(struct pg_conn *pc, const struct history *h, struct migration *m, int down,
    const struct hrow *partial, const struct runopt *o);

/* The history another migration tool left. */
struct other_history {
	char tool[16];        /* golang-migrate, dbmate, Flyway, goose, Prisma; "" none */
	char qname[200];      /* its table, quoted */
};
/* adopt.c: finds it in the session's schemas (1), or 0. */
int adopt_find(struct pg_conn *pc, struct other_history *o);
/* Records m applied (or reverted) in o's table as that tool would, in the
 * caller's transaction, so that the tool's own status agrees and a team
 * can go back to it; nothing when o is NULL or names no table. */
void adopt_mirror(struct pg_conn *pc, const struct other_history *o, const struct history *h,
    const struct migration *m, int down);
/* adopt.c: o's history (adopt_find found it) read as rows of ours,
 * sorted, every applied version with its file's checksum; what it was into
 * from ("dbmate's public.schema_migrations"). Dies with 65 on a history
 * that tool would refuse (dirty, failed). */
int adopt_load(struct pg_conn *pc, const struct other_history *o, const struct mset *files, struct hrow **rows,
    char *from, size_t cap);

/* lint.c: prints a line (or a JSON object) per rule a statement of the up
 * sections breaks; returns how many. */
int lint_run(const struct mset *s, int json);

/* A JSON event line on stdout. */
void event_json(const char *event, const struct migration *m, const char *extra);

#endif
