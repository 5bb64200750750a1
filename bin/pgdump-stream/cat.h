/* What the catalog loaders share (catalog.c): reading catalog rows,
 * making dump objects, names, owners, comments, and the loaders each
 * file of one object family provides to catalog_load. Internal to
 * pgdump-stream; pgdump.h is the program's interface. */
#ifndef CAT_H
#define CAT_H

#include "pgdump.h"

#define V(r, i, j) PQgetvalue(r, i, j)
#define NUL(r, i, j) PQgetisnull(r, i, j)
#define OID(r, i, j) ((Oid)strtoul(PQgetvalue(r, i, j), NULL, 10))
#define TRUE_(r, i, j) (PQgetvalue(r, i, j)[0] == 't')

#define STR_(x) #x
#define STR(x) STR_(x)

/* The user's objects only: not system ones, not an extension's members,
 * not those the server made as part of another (a range type's
 * constructors and casts). */
#define NOT_EXT(cls, col) \
	" and not exists (select 1 from pg_depend e where e.classid = " STR(cls) \
	" and e.objid = " col " and e.deptype in ('e','i'))"

/* A function's qualified name without its arguments, for the statements
 * that take a name (CREATE OPERATOR, ACCESS METHOD, LANGUAGE, CONVERSION;
 * an overloaded one is told apart by the types given elsewhere). */
#define PROC_NAME(col) \
	"(select quote_ident(pn.nspname) || '.' || quote_ident(p.proname) from pg_proc p" \
	" join pg_namespace pn on pn.oid = p.pronamespace where p.oid = " col ")"

/* "name 'value', ..." from an options array column (FDWs, servers, user
 * mappings, foreign tables and their columns), or NULL. */
#define OPTIONS_SQL(col) \
	"(select string_agg(quote_ident(o.option_name) || ' ' || quote_literal(o.option_value), ', ')" \
	" from pg_options_to_table(" col ") o)"

/* ---- catalog.c */
/* A catalog query's rows; errors fail through lib/pgq. */
PGresult *cat_rows(const struct catalog *cat, const char *sql);
/* Rows of r (sorted by the OID in column key) that belong to oid:
 * [*lo, *hi). */
void cat_rows_for(const PGresult *r, int key, Oid oid, int *lo, int *hi);
int oidset_has(const struct oidset *s, Oid o);
void oidset_remove(struct oidset *s, Oid o);
/* Quoted names, allocated. */
char *cat_qname(const char *schema, const char *name);
char *cat_ident(const char *name);
/* A new dump object; its target is its quoted (qualified) name. The
 * pointer is valid until the next cat_add. */
struct dobj *cat_add(struct catalog *cat, enum prio prio, Oid classid, Oid oid, const char *schema,
    const char *name, const char *kind);
/* A post-data object made by the statements in b (taken). */
struct dobj *cat_post(struct catalog *cat, enum prio prio, Oid classid, Oid oid, const char *schema,
    const char *name, const char *kind, struct sbuf *b);
/* "ALTER kind q OWNER TO role;" unless -O. */
void cat_owner_to(const struct catalog *cat, struct sbuf *b, const char *kind, const char *q, const char *role);
/* "COMMENT ON what IS text;" when text is not NULL. */
void cat_comment_on(struct sbuf *b, const char *what, const char *text);
/* An object's comment, or NULL (always with --no-comments). */
const char *cat_comment_for(const struct catalog *cat, Oid classid, Oid oid, int subid);
const char *cat_opt_val(const PGresult *r, int i, int j);
/* d's DROP statement for --clean. */
void cat_drop_stmt(const struct catalog *cat, struct dobj *d, const char *kind, const char *q);
/* The statements in b made in tablespace spc (when not NULL): wrapped in
 * SET default_tablespace, as pg_dump does (never with --no-tablespaces). */
void cat_tablespace(const struct catalog *cat, struct sbuf *b, const char *spc);
/* An object with a name in a schema that the selection holds? */
int cat_in_schema(const struct catalog *cat, Oid nsp);
/* A whole-database dump (no -n, -t or -e)? Objects outside schemas
 * (casts, languages, large objects, ...) are dumped only then. */
int cat_whole(const struct catalog *cat);
/* Something the dump would lose: a definition (cat_unsupported, not a
 * loss under -a) or rows (cat_unsupported_data, always a loss). */
void cat_unsupported(struct catalog *cat, const char *what);
void cat_unsupported_data(struct catalog *cat, const char *what);
/* The dump object made for a catalog row's OID, or -1; valid once
 * map_build ran (after the loaders). */
int cat_find(const struct catalog *cat, Oid oid);

/* ---- the loaders, in catalog_load's order */
void schemas_load(struct catalog *cat);    /* schemas.c */
void extensions_load(struct catalog *cat);
/* The rows of the extensions' configuration tables and the values of
 * their configuration sequences (after relations_load: cat->cols). */
void extension_data_load(struct catalog *cat, const struct oidset *nodata);
void collations_load(struct catalog *cat); /* types.c */
void types_load(struct catalog *cat);
void functions_load(struct catalog *cat);  /* functions.c */
void casts_load(struct catalog *cat);
void text_search_parsers_load(struct catalog *cat); /* textsearch.c */
void text_search_load(struct catalog *cat);
void access_methods_load(struct catalog *cat); /* operators.c */
void operators_load(struct catalog *cat);
void opfamilies_load(struct catalog *cat);
void opclasses_load(struct catalog *cat);
void fdws_load(struct catalog *cat);          /* foreign.c */
void servers_load(struct catalog *cat);
void languages_load(struct catalog *cat);     /* languages.c */
void transforms_load(struct catalog *cat);
void event_triggers_load(struct catalog *cat);
void conversions_load(struct catalog *cat);
void publications_load(struct catalog *cat);  /* publications.c */
void subscriptions_load(struct catalog *cat);
/* seclabels.c: after map_build, labels added to what they label. */
void security_labels_load(struct catalog *cat);
/* relations.c: sequences, tables, views; rows of tables in nodata are
 * not dumped (--exclude-table-data). */
void relations_load(struct catalog *cat, const struct oidset *nodata);
/* A table whose rows are dumped (cat->data), its columns from cat->cols. */
struct tdata *tdata_add(struct catalog *cat, Oid oid, const char *schema, const char *name);
/* "COLLATE schema.name" from a row's collation columns, when set. */
void coll_clause(struct sbuf *b, const PGresult *r, int i, int nsp, int name);
void constraints_load(struct catalog *cat); /* postdata.c */
void indexes_load(struct catalog *cat);
void triggers_rules_load(struct catalog *cat);
void trigger_states_load(struct catalog *cat);
void policies_load(struct catalog *cat);
void statistics_load(struct catalog *cat);
void default_acls_load(struct catalog *cat); /* acl.c */
/* The privileges of what was loaded, as differences from the defaults. */
void privileges_load(struct catalog *cat);

#endif
