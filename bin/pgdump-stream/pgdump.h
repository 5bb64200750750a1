/* pgdump-stream's parts: the output stream (out.c), the catalog read into
 * dump objects (catalog.c and one file per object family, sharing cat.h),
 * their order (order.c), the table data (data.c) and the large objects
 * (largeobjects.c); main.c ties them together. */
#ifndef PGDUMP_H
#define PGDUMP_H

#include <stdint.h>

#include <libpq-fe.h>

#include "gz.h"
#include "outfile.h"
#include "pg.h"
#include "pgq.h"
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

/* level 0: plain. FILE is created with mode (0644, or 0600 for a dump
 * that holds password hashes). Dies 73 if FILE cannot be created. */
void out_open(struct out *o, const char *file, int mode, int level, int threads, struct progress *prog);
void out_write(struct out *o, const void *p, size_t n);
void out_puts(struct out *o, const char *s);
/* Writes the trailer, finishes the gzip stream, commits the file. */
void out_finish(struct out *o);

/* ---- catalog.c and the family files: what the dump holds. */
enum section { SECT_PRE, SECT_POST };

/* Priorities: the order of kinds in a dump, as pg_dump's; dependencies
 * (order.c) move objects later than their kind's place when needed. */
enum prio {
	P_SCHEMA = 1, P_LANGUAGE, P_EXTENSION, P_COLLATION, P_TRANSFORM, P_TYPE, P_FUNCTION, P_AGGREGATE, P_CAST,
	P_ACCESS_METHOD, P_OPERATOR, P_OPFAMILY, P_OPCLASS, P_CONVERSION, P_TSPARSER, P_TSTEMPLATE, P_TSDICT,
	P_TSCONFIG, P_FDW, P_SERVER, P_USER_MAPPING, P_SEQUENCE,
	P_TABLE, P_TABLE_ATTACH, P_VIEW, P_SEQ_OWNED, P_LARGE_OBJECT,
	/* post-data */
	P_CONSTRAINT = 40, P_INDEX, P_INDEX_ATTACH, P_STATS, P_RULE, P_TRIGGER, P_TRIGGER_STATE, P_FK,
	P_POLICY, P_PUBLICATION, P_PUBLICATION_REL, P_SUBSCRIPTION, P_DEFAULT_ACL, P_EVENT_TRIGGER
};

struct dobj {
	enum prio prio;
	enum section sect;
	Oid classid, oid;       /* the catalog row it stands for */
	char *schema, *name;    /* for sorting and messages */
	char *kind;             /* "TABLE", "FUNCTION", ... */
	char *target;           /* its quoted name in ALTER, COMMENT, GRANT */
	char *refresh;          /* REFRESH MATERIALIZED VIEW, for populated ones */
	char *create;           /* the statements that make it; NULL: made by another */
	char *drop;             /* for --clean, or NULL */
	char *acl;              /* GRANT/REVOKE statements, emitted last, or NULL */
	int shell;              /* a base type's shell object: its index + 1, or 0 */
	int io_of;              /* a base type's I/O function: the type's index + 1, or 0 */
	Oid after[2];           /* relations (pg_class OIDs) it must follow, beyond pg_depend's */
	/* A key, an index or a foreign key of an ordinary table: the table
	 * (and the one a foreign key references), so that it can follow their
	 * rows at once (order.c's order_early); early: it did. */
	Oid rel, refrel;
	int early;
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
	char *where;            /* an extension configuration table's filter ("WHERE ..."), or NULL */
	int rank;               /* the order of loading before the names': configuration
	                         * tables first, each after those it references */
	Oid oid;
	uint64_t rows;
	uint64_t t_start, t_end; /* when its rows began and finished (ms) */
	char *post;             /* the keys, indexes and foreign keys that follow its rows, or NULL */
};

struct seqdata {
	char *qname;
};

/* Sets of OIDs: sorted arrays searched by bisection. */
struct oidset {
	Oid *v;
	int n;
};

/* Catalog results that several loaders read, each with its column numbers
 * resolved by name once (lib/pgq's pgq_col), so that a column added to a
 * query moves nothing else. */
struct comment_rows {
	PGresult *r;
	int objoid, classoid, objsubid, description;
};
struct seq_rows {
	PGresult *r;
	int oid, nspname, relname, start, increment, min, max, cache, cycle, type;
	int owner_oid, owner_attnum, deptype, owner_nspname, owner_relname, owner_attname, persistence,
	    owner_persistence;
};
struct col_rows {
	PGresult *r;
	int relid, attnum, attname, type, notnull, islocal, inhcount, identity, generated, def;
	int collnsp, collname, storage, typstorage, stattarget, options, compression, fdwoptions;
	int relname, nnname, nnnoinherit;
};
struct check_rows {
	PGresult *r;
	int relid, conname, def, validated, islocal, oid, separate;
};
struct inh_rows {
	PGresult *r;
	int relid, nspname, relname, parent;
};

struct catalog {
	/* set by the caller */
	const struct pgq *q;     /* the dump's session */
	const struct dumpopt *opt;
	int server_version;
	/* what the dump holds */
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
	/* the selection (catalog_select_tables): schemas, relations,
	 * extensions, and the extensions' configuration tables whose rows
	 * are dumped (oid, relkind, nspname, relname, cond, extoid) */
	struct oidset schemas, rels, exts;
	PGresult *extcfg;
	/* while loading (catalog_load): objects by OID, and shared results */
	int *bymap, nbymap;
	Oid *bykeys;
	struct comment_rows comments;
	struct seq_rows seqs;
	struct col_rows cols;
	struct check_rows checks;
	struct inh_rows inh;
};

struct filter {
	const char **schemas, **xschemas, **tables, **xtables, **xdata, **exts, **xexts;
	int nschemas, nxschemas, ntables, nxtables, nxdata, nexts, nxexts;
};

struct dumpopt {
	int schema_only, data_only, no_owner, no_privileges, clean, if_exists;
	int no_comments, no_tablespaces, no_table_am, no_publications, no_subscriptions, no_security_labels;
	int strict_names;
	struct filter f;
};

/* The OIDs of the system catalogs whose rows dump objects stand for; they
 * are fixed across server versions. Macros, not an enum, so that catalog
 * queries can spell them (STR in cat.h). */
#define C_DEFACL 826
#define C_LARGEOBJECT 2613
#define C_AM 2601
#define C_AMOP 2602
#define C_AMPROC 2603
#define C_OPCLASS 2616
#define C_OPERATOR 2617
#define C_OPFAMILY 2753
#define C_CONVERSION 2607
#define C_TSPARSER 3601
#define C_TSTEMPLATE 3764
#define C_FDW 2328
#define C_SERVER 1417
#define C_USER_MAPPING 1418
#define C_FOREIGN_TABLE 3118
#define C_EVENT_TRIGGER 3466
#define C_PUBLICATION 6104
#define C_PUBLICATION_REL 6106
#define C_PUBLICATION_NAMESPACE 6237
#define C_SUBSCRIPTION 6100
#define C_TRANSFORM 3576
#define C_TYPE 1247
#define C_PROC 1255
#define C_CLASS 1259
#define C_ATTRDEF 2604
#define C_CAST 2605
#define C_CONSTRAINT 2606
#define C_NAMESPACE 2615
#define C_LANGUAGE 2612
#define C_REWRITE 2618
#define C_TRIGGER 2620
#define C_EXTENSION 3079
#define C_POLICY 3256
#define C_STATS 3381
#define C_COLLATION 3456
#define C_TSDICT 3600
#define C_TSCONFIG 3602

/* The tables the selection holds (cat->lock, for LOCK), before the rest is
 * read; then everything else. cat->q, cat->opt and cat->server_version are
 * set by the caller. Both fail through lib/pgq on query errors. */
void catalog_select_tables(struct catalog *cat);
void catalog_load(struct catalog *cat);
void catalog_free(struct catalog *cat);

/* ---- order.c */
/* Sorts pre-data objects so each comes after what it depends on (edges
 * read from pg_depend), post-data objects by kind and name. */
void order_objects(struct catalog *cat);
/* The post-data objects that build on tables only (primary keys, unique
 * and exclusion constraints, indexes of ordinary tables; foreign keys
 * between two of them) move to right after the rows of their table (a
 * foreign key: the later of its two tables), as pg_restore -j builds them:
 * a restore that reads the dump as a stream (pgrestore-stream -j) then
 * builds them while later tables load. Marks them early. */
void order_early(struct catalog *cat);

/* ---- data.c */
/* COPY every table's rows to the stream; a server silent for stall_ms
 * while rows flow is given up on. */
void data_dump(const struct pgq *q, struct catalog *cat, struct out *o, uint64_t stall_ms);
/* The COPY ... TO stdout of d's rows, or of blocks [lo, hi) of them (0:
 * open on that side; both 0: all). */
void data_copy_sql(struct sbuf *q, const struct tdata *d, uint64_t lo, uint64_t hi);
/* Why d's COPY did not end well (r its result, or NULL with errno err,
 * not EINTR, after rows rows): the message one session gives, into msg,
 * and its exit code. q: the session, the stall limit its deadline. */
int data_copy_failure(const struct pgq *q, const struct tdata *d, const PGresult *r, int err, uint64_t rows,
    struct sbuf *msg);
/* The lines before and after a table's rows in the dump (after: its
 * early post-data objects too). */
void data_block_start(struct out *o, const struct tdata *d);
void data_block_end(struct out *o, const struct tdata *d, uint64_t sum);

/* ---- pdata.c */
/* data_dump on the n sessions pcs (connected, each in a transaction on
 * the dump's snapshot, statement_timeout off): see pdata.c. Closes them. */
void pdata_dump(const struct pgq *q, struct catalog *cat, struct out *o, uint64_t stall_ms, struct pg_conn *pcs, int n);
/* Cancels what the sessions run and closes them (at exit, too). */
void pdata_abort(void);
/* setval() for every dumped sequence. */
void data_sequences(const struct pgq *q, struct catalog *cat, struct out *o);

/* ---- largeobjects.c */
/* Every large object, created and written; returns how many. */
unsigned long long data_large_objects(const struct pgq *q, const struct catalog *cat, struct out *o);

/* ---- acl.c, for objects of the cluster (tablespaces, databases): the
 * REVOKE and GRANT statements that make the ACLs of the rows of catalog
 * that match which (an SQL condition on x) what they are. */
void acl_shared(const struct pgq *q, const char *catalog, const char *acl, const char *owner, const char *kind,
    const char *kw, const char *target, const char *which, struct sbuf *out);

/* ---- globals.c: --globals, the cluster's roles, role memberships, role
 * settings and tablespaces, as pg_dumpall --globals-only has them. */
struct globopt {
	int no_role_passwords, no_tablespaces, no_comments, no_security_labels, no_privileges;
};
void globals_dump(const struct pgq *q, struct out *o, const struct globopt *g, int server_version);
/* ---- createdb.c: -C/--create, the database itself, before the rest. */
void createdb_dump(const struct pgq *q, struct out *o, const struct dumpopt *opt, int server_version);
/* One NAME=VALUE item of a setconfig array as " SET NAME TO value" (or
 * " RESET NAME"), list settings element by element. */
void globals_setting(struct sbuf *b, const char *item);

#endif
