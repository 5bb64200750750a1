/* pgdump-stream's parts: the output stream (out.c), the catalog read into
 * dump objects (catalog.c), their order (order.c) and the table data
 * (data.c); main.c ties them together. */
#ifndef PGDUMP_H
#define PGDUMP_H

#include <stdint.h>

#include <libpq-fe.h>

#include "gz.h"
#include "outfile.h"
#include "pg.h"
#include "progress.h"
#include "sbuf.h"

/* ---- out.c: the dump stream, plain or gzip, to stdout or a file. */
struct out {
	int fd;
	int gzip;
	const char *name;        /* for messages: "stdout" or the file */
	struct outfile file;     /* with -f */
	int use_file;
	struct gz_writer gz;
	uint64_t bytes;          /* uncompressed bytes so far (the trailer counts them) */
	size_t n;
	struct progress *prog;
	unsigned char buf[1 << 17];
};

/* level 0: plain. Dies 73 if FILE cannot be created. */
void out_open(struct out *o, const char *file, int level, int threads, struct progress *prog);
void out_write(struct out *o, const void *p, size_t n);
void out_puts(struct out *o, const char *s);
/* Writes the trailer, finishes the gzip stream, commits the file. */
void out_finish(struct out *o);

/* ---- catalog.c: what the dump holds. */
enum section { SECT_PRE, SECT_POST };

/* Priorities: the order of kinds in a dump, as pg_dump's; dependencies
 * (order.c) move objects later than their kind's place when needed. */
enum prio {
	P_SCHEMA = 1, P_EXTENSION, P_COLLATION, P_TYPE, P_FUNCTION, P_AGGREGATE, P_CAST, P_TSDICT, P_TSCONFIG,
	P_SEQUENCE,
	P_TABLE, P_VIEW, P_SEQ_OWNED,
	/* post-data */
	P_CONSTRAINT = 20, P_INDEX, P_INDEX_ATTACH, P_STATS, P_RULE, P_TRIGGER, P_FK,
	P_POLICY, P_DEFAULT_ACL
};

struct dobj {
	enum prio prio;
	enum section sect;
	Oid classid, oid;       /* the catalog row it stands for */
	char *schema, *name;    /* for sorting and messages */
	char *kind;             /* "TABLE", "FUNCTION", ... */
	char *target;           /* its quoted name in ALTER, COMMENT, GRANT */
	char *refresh;          /* REFRESH MATERIALIZED VIEW, for populated ones */
	char *create;           /* the statements that make it */
	char *drop;             /* for --clean, or NULL */
	char *acl;              /* GRANT/REVOKE statements, emitted last, or NULL */
	/* order.c */
	int *deps, ndeps, ndepcap;
	int nwait, *rdeps, nrdeps, nrdepcap;
	int done, pos;
};

/* A table whose rows are dumped. */
struct tdata {
	char *qname;            /* quoted schema.name */
	char *copy_cols;        /* "(a, b)" without generated columns */
	char *schema, *name;
	Oid oid;
	uint64_t rows;
};

struct seqdata {
	char *qname;
};

struct catalog {
	struct dobj *obj;
	int nobj, cap;
	struct tdata *data;
	int ndata;
	struct seqdata *seq;
	int nseq;
	int *order;             /* indexes into obj: the dump's order (order.c) */
	struct sbuf unsupported; /* one line per object we cannot dump */
	int nunsupported;
	Oid *lock;              /* tables to lock */
	int nlock;
};

struct filter {
	const char **schemas, **xschemas, **tables, **xtables, **xdata;
	int nschemas, nxschemas, ntables, nxtables, nxdata;
};

struct dumpopt {
	int schema_only, data_only, no_owner, no_privileges, clean, if_exists;
	struct filter f;
};

/* Fails with die() on query errors. */
void catalog_load(PGconn *c, int server_version, const struct dumpopt *opt, struct catalog *cat);
void catalog_free(struct catalog *cat);
/* The tables the selection holds (for LOCK), before the rest is read. */
void catalog_select_tables(PGconn *c, const struct dumpopt *opt, struct catalog *cat);

/* ---- order.c */
/* Sorts pre-data objects so each comes after what it depends on (edges
 * read from pg_depend), post-data objects by kind and name. */
void order_objects(PGconn *c, struct catalog *cat);

/* ---- data.c */
/* COPY every table's rows to the stream. */
void data_dump(PGconn *c, struct pg_conn *pc, struct catalog *cat, struct out *o, uint64_t stall_ms);
/* setval() for every dumped sequence. */
void data_sequences(PGconn *c, struct catalog *cat, struct out *o);

/* ---- main.c helpers used by the parts */
/* A query through lib/pg's pg_exec, bounded by --timeout; a signal exits
 * 128+N (the query cancelled), other failures die with the server's
 * message prefixed by what. */
PGresult *q_exec(PGconn *c, const char *sql, const char *what);
/* Runs a query that must return rows; dies with the server's message. */
PGresult *q_rows(PGconn *c, const char *sql);
/* A PostgreSQL error as an exit code: lock timeouts 75, permission 77,
 * lost connections 69, anything else 65. */
_Noreturn void pg_die(PGconn *c, const PGresult *r, const char *what);

#endif
