/* Sequences, tables, views and materialized views, with their columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

/* ---- relations */

/* Sequences (cat->seqs): by their own OID (standalone) and by the column
 * they serve (identity). Sequence options in the form CREATE SEQUENCE and
 * identity columns share. */
static void
seq_options(const struct catalog *cat, struct sbuf *b, int i)
{
	const struct seq_rows *sq = &cat->seqs;

	sbuf_printf(b, "    START WITH %s\n    INCREMENT BY %s\n    MINVALUE %s\n    MAXVALUE %s\n    CACHE %s%s",
	    V(sq->r, i, sq->start), V(sq->r, i, sq->increment), V(sq->r, i, sq->min), V(sq->r, i, sq->max),
	    V(sq->r, i, sq->cache), TRUE_(sq->r, i, sq->cycle) ? "\n    CYCLE" : "");
}

static int
identity_seq(const struct catalog *cat, Oid table, int attnum)
{
	const struct seq_rows *sq = &cat->seqs;

	for (int i = 0; i < PQntuples(sq->r); i++)
		if (!NUL(sq->r, i, sq->owner_oid) && OID(sq->r, i, sq->owner_oid) == table &&
		    atoi(V(sq->r, i, sq->owner_attnum)) == attnum && V(sq->r, i, sq->deptype)[0] == 'i')
			return i;
	return -1;
}

static void
reloptions(struct sbuf *b, const char *arr, const char *prefix, int *first, const char *skip)
{
	/* A text[] of name=value, as the server prints it: {a=1,"b=x y"}. */
	const char *p = arr + 1;

	while (*p && *p != '}') {
		struct sbuf item = { 0 };
		char *eq;

		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				sbuf_putc(&item, *p);
			}
			if (*p)
				p++;
		} else
			while (*p && *p != ',' && *p != '}')
				sbuf_putc(&item, *p++);
		if (*p == ',')
			p++;
		eq = strchr(sbuf_str(&item), '=');
		if (eq && !(skip && (size_t)(eq - item.s) == strlen(skip) && strncmp(item.s, skip, strlen(skip)) == 0)) {
			*eq = 0;
			sbuf_printf(b, "%s%s%s=", *first ? "" : ", ", prefix, item.s);
			sql_literal(b, eq + 1);
			*first = 0;
		}
		sbuf_free(&item);
	}
}

/* The columns of catalog_load's relation rows, resolved once. */
struct rel_cols {
	int oid, nspname, relname, relkind, persistence, owner, options, toast_options, partition, bound,
	    partkey, rowsecurity, forcerowsecurity, replident, oftype, am, viewdef, populated, tablespace, ftserver,
	    ftoptions;
};

static struct rel_cols
rel_cols(const PGresult *r)
{
	struct rel_cols c = {
		pgq_col(r, "oid"), pgq_col(r, "nspname"), pgq_col(r, "relname"), pgq_col(r, "relkind"),
		pgq_col(r, "relpersistence"), pgq_col(r, "owner"), pgq_col(r, "reloptions"),
		pgq_col(r, "toast_options"), pgq_col(r, "relispartition"), pgq_col(r, "partbound"),
		pgq_col(r, "partkey"), pgq_col(r, "relrowsecurity"), pgq_col(r, "relforcerowsecurity"),
		pgq_col(r, "relreplident"), pgq_col(r, "oftype"), pgq_col(r, "am"), pgq_col(r, "viewdef"),
		pgq_col(r, "relispopulated"), pgq_col(r, "tablespace"), pgq_col(r, "ftserver"), pgq_col(r, "ftoptions")
	};

	return c;
}

/* The sequences, with what the relation rows r say of them. */
static void
sequences_load(struct catalog *cat, const PGresult *r, const struct rel_cols *c)
{
	const struct seq_rows *sq = &cat->seqs;

	for (int i = 0; i < PQntuples(sq->r); i++) {
		Oid oid = OID(sq->r, i, sq->oid);
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;
		int ri = -1;

		if (!oidset_has(&cat->rels, oid))
			continue;
		{
			int lo, hi;

			cat_rows_for(r, c->oid, oid, &lo, &hi);
			if (lo < hi)
				ri = lo;
		}
		q = cat_qname(V(sq->r, i, sq->nspname), V(sq->r, i, sq->relname));
		if (!cat->opt->schema_only) {
			cat->seq = xrealloc(cat->seq, ((size_t)cat->nseq + 1) * sizeof *cat->seq);
			cat->seq[cat->nseq++].qname = xstrdup(q);
		}
		if (!NUL(sq->r, i, sq->deptype) && V(sq->r, i, sq->deptype)[0] == 'i') {
			/* Made by its identity column; an object without statements
			 * of its own holds its privileges (privileges_load). */
			cat_add(cat, P_SEQUENCE, C_CLASS, oid, V(sq->r, i, sq->nspname), V(sq->r, i, sq->relname),
			    "SEQUENCE");
			free(q);
			continue;
		}
		d = cat_add(cat, P_SEQUENCE, C_CLASS, oid, V(sq->r, i, sq->nspname), V(sq->r, i, sq->relname), "SEQUENCE");
		sbuf_printf(&b, "CREATE %sSEQUENCE %s\n    AS %s\n",
		    ri >= 0 && V(r, ri, c->persistence)[0] == 'u' ? "UNLOGGED " : "", q, V(sq->r, i, sq->type));
		seq_options(cat, &b, i);
		sbuf_puts(&b, ";\n");
		if (ri >= 0)
			cat_owner_to(cat, &b, "SEQUENCE", q, V(r, ri, c->owner));
		sbuf_printf(&w, "SEQUENCE %s", q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_CLASS, oid, 0));
		d->create = sbuf_take(&b);
		/* One owned by a dumped table goes when the table is dropped. */
		if (NUL(sq->r, i, sq->owner_oid) || !oidset_has(&cat->rels, OID(sq->r, i, sq->owner_oid)))
			cat_drop_stmt(cat, d, "SEQUENCE", q);
		if (!NUL(sq->r, i, sq->owner_oid) && oidset_has(&cat->rels, OID(sq->r, i, sq->owner_oid))) {
			struct dobj *o = cat_add(cat, P_SEQ_OWNED, 0, oid, V(sq->r, i, sq->nspname), V(sq->r, i, sq->relname), "SEQUENCE OWNED BY");
			struct sbuf ob = { 0 };

			sbuf_printf(&ob, "ALTER SEQUENCE %s OWNED BY ", q);
			sql_qualified(&ob, V(sq->r, i, sq->owner_nspname), V(sq->r, i, sq->owner_relname));
			sbuf_putc(&ob, '.');
			sql_ident(&ob, V(sq->r, i, sq->owner_attname));
			sbuf_puts(&ob, ";\n");
			o->create = sbuf_take(&ob);
		}
		sbuf_free(&w);
		free(q);
	}
}

/* A parent's column of the same name (a row of cat->cols), or -1. */
static int
parent_col(const struct catalog *cat, Oid parent, const char *name)
{
	const struct col_rows *cc = &cat->cols;
	int lo, hi;

	cat_rows_for(cc->r, cc->relid, parent, &lo, &hi);
	for (int k = lo; k < hi; k++)
		if (strcmp(V(cc->r, k, cc->attname), name) == 0)
			return k;
	return -1;
}

/* Does some parent of table give column name this default / NOT NULL? */
static int
inherited_same(const struct catalog *cat, Oid table, const char *name, const char *def, int notnull)
{
	const struct col_rows *cc = &cat->cols;
	const struct inh_rows *ih = &cat->inh;
	int lo, hi;

	cat_rows_for(ih->r, ih->relid, table, &lo, &hi);
	for (int k = lo; k < hi; k++) {
		int c = parent_col(cat, OID(ih->r, k, ih->parent), name);

		if (c < 0)
			continue;
		if (def && !NUL(cc->r, c, cc->def) && strcmp(V(cc->r, c, cc->def), def) == 0)
			return 1;
		if (notnull && TRUE_(cc->r, c, cc->notnull))
			return 1;
	}
	return 0;
}

/* Does some parent of table have column name generated? Its expression
 * is then the parent's, which PostgreSQL refuses to see repeated. */
static int
inherited_generated(const struct catalog *cat, Oid table, const char *name)
{
	const struct col_rows *cc = &cat->cols;
	const struct inh_rows *ih = &cat->inh;
	int lo, hi;

	cat_rows_for(ih->r, ih->relid, table, &lo, &hi);
	for (int k = lo; k < hi; k++) {
		int c = parent_col(cat, OID(ih->r, k, ih->parent), name);

		if (c >= 0 && V(cc->r, c, cc->generated)[0] == 's')
			return 1;
	}
	return 0;
}

static const char *
storage_word(char c)
{
	return c == 'p' ? "PLAIN" : c == 'e' ? "EXTERNAL" : c == 'm' ? "MAIN" : "EXTENDED";
}

/* The statements after CREATE TABLE that set what it cannot: per column
 * defaults and NOT NULL of inherited columns, statistics, storage,
 * options, compression, comments. */
static void
column_extras(const struct catalog *cat, struct sbuf *b, Oid oid, const char *q, int is_view, int all_local, int lo,
    int hi)
{
	const struct col_rows *cc = &cat->cols;
	const char *alter = is_view ? "ALTER VIEW" : "ALTER TABLE ONLY";

	for (int k = lo; k < hi; k++) {
		char *cn = cat_ident(V(cc->r, k, cc->attname));
		int local = (TRUE_(cc->r, k, cc->islocal) || all_local) && !is_view;
		const char *def = cat_opt_val(cc->r, k, cc->def);
		struct sbuf w = { 0 };

		if (!local && def && V(cc->r, k, cc->generated)[0] == 0 && !inherited_same(cat, oid, V(cc->r, k, cc->attname), def, 0))
			sbuf_printf(b, "%s %s ALTER COLUMN %s SET DEFAULT %s;\n", alter, q, cn, def);
		if (!local && !is_view && TRUE_(cc->r, k, cc->notnull) && !inherited_same(cat, oid, V(cc->r, k, cc->attname), NULL, 1))
			sbuf_printf(b, "%s %s ALTER COLUMN %s SET NOT NULL;\n", alter, q, cn);
		if (!is_view) {
			if (atoi(V(cc->r, k, cc->stattarget)) >= 0 && !NUL(cc->r, k, cc->stattarget))
				sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET STATISTICS %s;\n", q, cn, V(cc->r, k, cc->stattarget));
			if (V(cc->r, k, cc->storage)[0] != V(cc->r, k, cc->typstorage)[0])
				sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET STORAGE %s;\n", q, cn,
				    storage_word(V(cc->r, k, cc->storage)[0]));
			if (!NUL(cc->r, k, cc->options)) {
				struct sbuf o = { 0 };
				int first = 1;

				/* Debian's 15.20 server keeps a pg_attver entry in every
				 * column's options that no other server accepts (and
				 * pg_dump leaves out): dumped, it would make the dump
				 * restore nowhere else. */
				reloptions(&o, V(cc->r, k, cc->options), "", &first, "pg_attver");
				if (o.len)
					sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET (%s);\n", q, cn, o.s);
				sbuf_free(&o);
			}
			if (!NUL(cc->r, k, cc->fdwoptions))
				sbuf_printf(b, "ALTER FOREIGN TABLE ONLY %s ALTER COLUMN %s OPTIONS (\n    %s\n);\n", q, cn,
				    V(cc->r, k, cc->fdwoptions));
			if (!NUL(cc->r, k, cc->compression) && V(cc->r, k, cc->compression)[0])
				sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET COMPRESSION %s;\n", q, cn,
				    V(cc->r, k, cc->compression)[0] == 'l' ? "lz4" : "pglz");
		}
		sbuf_printf(&w, "COLUMN %s.%s", q, cn);
		cat_comment_on(b, w.s, cat_comment_for(cat, C_CLASS, oid, atoi(V(cc->r, k, cc->attnum))));
		sbuf_free(&w);
		free(cn);
	}
}

/* NOT NULL, named when 18 and later keep a name other than the one the
 * server would choose (table_column_not_null), and NO INHERIT. */
static void
not_null(const struct col_rows *cc, int k, struct sbuf *b)
{
	if (!NUL(cc->r, k, cc->nnname)) {
		struct sbuf dflt = { 0 };

		sbuf_printf(&dflt, "%s_%s_not_null", V(cc->r, k, cc->relname), V(cc->r, k, cc->attname));
		if (strncmp(dflt.s, V(cc->r, k, cc->nnname), 63) != 0) {
			sbuf_puts(b, " CONSTRAINT ");
			sql_ident(b, V(cc->r, k, cc->nnname));
		}
		sbuf_free(&dflt);
	}
	sbuf_puts(b, " NOT NULL");
	if (TRUE_(cc->r, k, cc->nnnoinherit))
		sbuf_puts(b, " NO INHERIT");
}

static void
column_def(const struct catalog *cat, struct sbuf *b, Oid oid, int k, int partition)
{
	const struct col_rows *cc = &cat->cols;
	const struct seq_rows *sq = &cat->seqs;
	const char *def = cat_opt_val(cc->r, k, cc->def);
	char ident_kind = V(cc->r, k, cc->identity)[0], gen = V(cc->r, k, cc->generated)[0];

	sql_ident(b, V(cc->r, k, cc->attname));
	sbuf_printf(b, " %s", V(cc->r, k, cc->type));
	coll_clause(b, cc->r, k, cc->collnsp, cc->collname);
	/* An inherited generated column takes its expression from the parent,
	 * which PostgreSQL refuses to see repeated. */
	if (gen == 's' && def && !partition && inherited_generated(cat, oid, V(cc->r, k, cc->attname)))
		;
	else if ((gen == 's' || gen == 'v') && def)
		sbuf_printf(b, " GENERATED ALWAYS AS (%s) %s", def, gen == 's' ? "STORED" : "VIRTUAL");
	else if (def)
		sbuf_printf(b, " DEFAULT %s", def);
	if (TRUE_(cc->r, k, cc->notnull))
		not_null(cc, k, b);
	/* A partition's identity is its parent's (17 and later), which
	 * ATTACH gives it. */
	if ((ident_kind == 'a' || ident_kind == 'd') && !partition) {
		int s = identity_seq(cat, oid, atoi(V(cc->r, k, cc->attnum)));

		sbuf_printf(b, " GENERATED %s AS IDENTITY", ident_kind == 'a' ? "ALWAYS" : "BY DEFAULT");
		if (s >= 0) {
			sbuf_puts(b, " (\n    SEQUENCE NAME ");
			sql_qualified(b, V(sq->r, s, sq->nspname), V(sq->r, s, sq->relname));
			sbuf_putc(b, '\n');
			/* 15 and later: a sequence logged or not apart from its table. */
			if (V(sq->r, s, sq->persistence)[0] != V(sq->r, s, sq->owner_persistence)[0])
				sbuf_puts(b, V(sq->r, s, sq->persistence)[0] == 'u' ? "    UNLOGGED\n" : "    LOGGED\n");
			seq_options(cat, b, s);
			sbuf_puts(b, "\n)");
		}
	}
}

/* One relation row being made into dump objects. */
struct rel {
	const PGresult *r;
	const struct rel_cols *c;
	int i;
	Oid oid;
	const char *schema, *name, *word;
	char kind;
	char *q;             /* its quoted name */
	int lo, hi;          /* its rows in cat->cols */
};

/* CREATE VIEW or CREATE MATERIALIZED VIEW ... WITH NO DATA, the refresh
 * of a populated one after the data, and the columns' extras. */
static void
view_create(struct catalog *cat, const struct rel *x, struct dobj *d, struct sbuf *b)
{
	const PGresult *r = x->r;
	const char *def = V(r, x->i, x->c->viewdef), *check = NULL;
	size_t dl = strlen(def);
	int first = 1;

	while (dl && (def[dl - 1] == ';' || def[dl - 1] == ' ' || def[dl - 1] == '\n'))
		dl--;
	sbuf_printf(b, "CREATE %s %s", x->word, x->q);
	if (x->kind == 'm' && !NUL(r, x->i, x->c->am) && !cat->opt->no_table_am)
		sbuf_printf(b, " USING %s", V(r, x->i, x->c->am));
	if (!NUL(r, x->i, x->c->options)) {
		const char *opts = V(r, x->i, x->c->options);
		struct sbuf o = { 0 };

		/* check_option is a clause, not an option, in CREATE VIEW. */
		reloptions(&o, opts, "", &first, "check_option");
		check = strstr(opts, "check_option=cascaded") ? "CASCADED" :
		    strstr(opts, "check_option=local") ? "LOCAL" : NULL;
		if (o.len)
			sbuf_printf(b, " WITH (%s)", o.s);
		sbuf_free(&o);
	}
	sbuf_puts(b, " AS\n");
	sbuf_add(b, def, dl);
	if (x->kind == 'm')
		sbuf_puts(b, "\n  WITH NO DATA");
	if (check)
		sbuf_printf(b, "\n  WITH %s CHECK OPTION", check);
	sbuf_puts(b, ";\n");
	if (x->kind == 'm' && TRUE_(r, x->i, x->c->populated) && !cat->opt->schema_only) {
		struct sbuf rb = { 0 };

		sbuf_printf(&rb, "REFRESH MATERIALIZED VIEW %s;\n", x->q);
		d->refresh = sbuf_take(&rb);
	}
	column_extras(cat, b, x->oid, x->q, x->kind == 'v', 0, x->lo, x->hi);
}

/* The column list of CREATE TABLE: local columns and local, validated
 * CHECK constraints. A partition is made as a table of its own and
 * attached afterwards, as pg_dump does, so it lists every column (its
 * order and defaults may differ from its parent's) and the parent's
 * CHECKs, which ATTACH PARTITION expects it to have. */
static void
table_columns(const struct catalog *cat, const struct rel *x, int partition, struct sbuf *cl)
{
	const struct col_rows *cc = &cat->cols;
	const struct check_rows *ck = &cat->checks;
	int a, z, ncols = 0;

	for (int k = x->lo; k < x->hi; k++) {
		if (!TRUE_(cc->r, k, cc->islocal) && !partition)
			continue;
		/* A typed table's columns are its type's: only their defaults
		 * and NOT NULL are its own. */
		if (!NUL(x->r, x->i, x->c->oftype)) {
			if (NUL(cc->r, k, cc->def) && !TRUE_(cc->r, k, cc->notnull))
				continue;
			sbuf_puts(cl, ncols++ ? ",\n    " : "\n    ");
			sql_ident(cl, V(cc->r, k, cc->attname));
			sbuf_puts(cl, " WITH OPTIONS");
			if (!NUL(cc->r, k, cc->def))
				sbuf_printf(cl, " DEFAULT %s", V(cc->r, k, cc->def));
			if (TRUE_(cc->r, k, cc->notnull))
				sbuf_puts(cl, " NOT NULL");
			continue;
		}
		sbuf_puts(cl, ncols++ ? ",\n    " : "\n    ");
		column_def(cat, cl, x->oid, k, partition);
	}
	cat_rows_for(ck->r, ck->relid, x->oid, &a, &z);
	for (int k = a; k < z; k++) {
		if ((!TRUE_(ck->r, k, ck->islocal) && !partition) || !TRUE_(ck->r, k, ck->validated) ||
		    TRUE_(ck->r, k, ck->separate))
			continue;
		sbuf_puts(cl, ncols++ ? ",\n    CONSTRAINT " : "\n    CONSTRAINT ");
		sql_ident(cl, V(ck->r, k, ck->conname));
		sbuf_printf(cl, " %s", V(ck->r, k, ck->def));
	}
}

/* ALTER TABLE ONLY parent ATTACH PARTITION q FOR VALUES ...: after both
 * tables, before the data. */
static void
partition_attach(struct catalog *cat, const struct rel *x, const char *parent_nsp, const char *parent,
    Oid parent_oid)
{
	struct sbuf b = { 0 };
	struct dobj *d;

	sbuf_puts(&b, "ALTER TABLE ONLY ");
	sql_qualified(&b, parent_nsp, parent);
	sbuf_printf(&b, " ATTACH PARTITION %s %s;\n", x->q, V(x->r, x->i, x->c->bound));
	d = cat_add(cat, P_TABLE_ATTACH, 0, x->oid, x->schema, x->name, "TABLE ATTACH");
	d->create = sbuf_take(&b);
	d->after[0] = x->oid;
	d->after[1] = parent_oid;
}

/* CREATE TABLE itself: columns, INHERITS, PARTITION BY, USING, WITH
 * (options); a partition's ATTACH as an object of its own. */
static void
table_statement(struct catalog *cat, const struct rel *x, struct sbuf *b)
{
	const struct inh_rows *ih = &cat->inh;
	const PGresult *r = x->r;
	int partition = TRUE_(r, x->i, x->c->partition), clo, chi, ninh, first = 1;
	struct sbuf cl = { 0 };

	cat_rows_for(ih->r, ih->relid, x->oid, &clo, &chi);
	ninh = chi - clo;
	if (partition && ninh != 1)
		partition = 0;
	sbuf_printf(b, "CREATE %s%s %s", V(r, x->i, x->c->persistence)[0] == 'u' ? "UNLOGGED " : "", x->word, x->q);
	if (!NUL(r, x->i, x->c->oftype))
		sbuf_printf(b, " OF %s", V(r, x->i, x->c->oftype));
	table_columns(cat, x, partition, &cl);
	if (NUL(r, x->i, x->c->oftype) || cl.len)
		sbuf_printf(b, " (%s\n)", sbuf_str(&cl));
	if (partition)
		partition_attach(cat, x, V(ih->r, clo, ih->nspname), V(ih->r, clo, ih->relname),
		    OID(ih->r, clo, ih->parent));
	else if (ninh) {
		sbuf_puts(b, "\nINHERITS (");
		for (int k = clo; k < chi; k++) {
			if (k > clo)
				sbuf_puts(b, ", ");
			sql_qualified(b, V(ih->r, k, ih->nspname), V(ih->r, k, ih->relname));
		}
		sbuf_putc(b, ')');
	}
	if (x->kind == 'p')
		sbuf_printf(b, "\nPARTITION BY %s", V(r, x->i, x->c->partkey));
	if (x->kind == 'f') {
		sbuf_printf(b, "\nSERVER %s", V(r, x->i, x->c->ftserver));
		if (!NUL(r, x->i, x->c->ftoptions))
			sbuf_printf(b, "\nOPTIONS (\n    %s\n)", V(r, x->i, x->c->ftoptions));
	}
	if (!NUL(r, x->i, x->c->am) && !cat->opt->no_table_am)
		sbuf_printf(b, "\nUSING %s", V(r, x->i, x->c->am));
	if (!NUL(r, x->i, x->c->options) || !NUL(r, x->i, x->c->toast_options)) {
		sbuf_puts(b, "\nWITH (");
		if (!NUL(r, x->i, x->c->options))
			reloptions(b, V(r, x->i, x->c->options), "", &first, NULL);
		if (!NUL(r, x->i, x->c->toast_options))
			reloptions(b, V(r, x->i, x->c->toast_options), "toast.", &first, NULL);
		sbuf_putc(b, ')');
	}
	sbuf_puts(b, ";\n");
	sbuf_free(&cl);
}

/* A table: CREATE TABLE and what follows it (column extras, comments on
 * its inline CHECKs, replica identity), and its row security as an object
 * of its own. */
static void
table_create(struct catalog *cat, const struct rel *x, struct sbuf *b)
{
	const struct check_rows *ck = &cat->checks;
	const PGresult *r = x->r;
	char ri = V(r, x->i, x->c->replident)[0];
	int a, z;

	table_statement(cat, x, b);
	column_extras(cat, b, x->oid, x->q, 0, TRUE_(r, x->i, x->c->partition), x->lo, x->hi);
	cat_rows_for(ck->r, ck->relid, x->oid, &a, &z);
	for (int k = a; k < z; k++) {
		struct sbuf w = { 0 };
		char *cn = cat_ident(V(ck->r, k, ck->conname));

		sbuf_printf(&w, "CONSTRAINT %s ON %s", cn, x->q);
		if (TRUE_(ck->r, k, ck->islocal) && TRUE_(ck->r, k, ck->validated) && TRUE_(ck->r, k, ck->separate)) {
			struct sbuf cb = { 0 };

			sbuf_printf(&cb, "ALTER TABLE %s\n    ADD CONSTRAINT %s %s;\n", x->q, cn, V(ck->r, k, ck->def));
			cat_comment_on(&cb, w.s, cat_comment_for(cat, C_CONSTRAINT, OID(ck->r, k, ck->oid), 0));
			cat_add(cat, P_TABLE, C_CONSTRAINT, OID(ck->r, k, ck->oid), x->schema, V(ck->r, k, ck->conname),
			    "CHECK CONSTRAINT")->create = sbuf_take(&cb);
		} else if (TRUE_(ck->r, k, ck->islocal) && TRUE_(ck->r, k, ck->validated))
			cat_comment_on(b, w.s, cat_comment_for(cat, C_CONSTRAINT, OID(ck->r, k, ck->oid), 0));
		sbuf_free(&w);
		free(cn);
	}
	/* A foreign table has no replica identity to set. */
	if (x->kind == 'f')
		;
	else if (ri == 'f')
		sbuf_printf(b, "ALTER TABLE ONLY %s REPLICA IDENTITY FULL;\n", x->q);
	else if (ri == 'n')
		sbuf_printf(b, "ALTER TABLE ONLY %s REPLICA IDENTITY NOTHING;\n", x->q);
	if (TRUE_(r, x->i, x->c->rowsecurity) || TRUE_(r, x->i, x->c->forcerowsecurity)) {
		struct sbuf rb = { 0 };

		if (TRUE_(r, x->i, x->c->rowsecurity))
			sbuf_printf(&rb, "ALTER TABLE %s ENABLE ROW LEVEL SECURITY;\n", x->q);
		if (TRUE_(r, x->i, x->c->forcerowsecurity))
			sbuf_printf(&rb, "ALTER TABLE ONLY %s FORCE ROW LEVEL SECURITY;\n", x->q);
		cat_add(cat, P_POLICY, 0, x->oid, x->schema, x->name, "ROW SECURITY")->create = sbuf_take(&rb);
	}
}

/* The table's rows go into the dump: COPY of every column but the
 * generated ones (computed again on restore). */
struct tdata *
tdata_add(struct catalog *cat, Oid oid, const char *schema, const char *name)
{
	const struct col_rows *cc = &cat->cols;
	struct sbuf cl = { 0 };
	struct tdata *t;
	int nc = 0, lo, hi;

	cat->data = xrealloc(cat->data, ((size_t)cat->ndata + 1) * sizeof *cat->data);
	t = &cat->data[cat->ndata++];
	memset(t, 0, sizeof *t);
	t->qname = cat_qname(schema, name);
	t->schema = xstrdup(schema);
	t->name = xstrdup(name);
	t->oid = oid;
	t->rank = 1 << 30;
	cat_rows_for(cc->r, cc->relid, oid, &lo, &hi);
	for (int k = lo; k < hi; k++) {
		if (V(cc->r, k, cc->generated)[0])
			continue;
		sbuf_puts(&cl, nc++ ? ", " : "(");
		sql_ident(&cl, V(cc->r, k, cc->attname));
	}
	if (nc)
		sbuf_putc(&cl, ')');
	t->copy_cols = sbuf_take(&cl);
	return t;
}

/* The tables, views and materialized views of the relation rows r (see
 * catalog_load), with their columns and CHECK constraints. */
static void
tables_load(struct catalog *cat, const PGresult *r, const struct rel_cols *c, const struct oidset *nodata)
{
	for (int i = 0; i < PQntuples(r); i++) {
		struct rel x = { r, c, i, OID(r, i, c->oid), V(r, i, c->nspname), V(r, i, c->relname), NULL,
			V(r, i, c->relkind)[0], NULL, 0, 0 };
		struct sbuf b = { 0 }, w = { 0 };
		int di;

		if (x.kind == 'S' || !oidset_has(&cat->rels, x.oid))
			continue;
		x.word = x.kind == 'v' ? "VIEW" : x.kind == 'm' ? "MATERIALIZED VIEW" : x.kind == 'f' ? "FOREIGN TABLE" :
		    "TABLE";
		x.q = cat_qname(x.schema, x.name);
		/* An index, not a pointer: the helpers add objects. */
		di = cat->nobj;
		cat_add(cat, x.kind == 'r' || x.kind == 'p' || x.kind == 'f' ? P_TABLE : P_VIEW, C_CLASS, x.oid, x.schema, x.name, x.word);
		cat_rows_for(cat->cols.r, cat->cols.relid, x.oid, &x.lo, &x.hi);
		if (x.kind == 'v' || x.kind == 'm')
			view_create(cat, &x, &cat->obj[di], &b);
		else
			table_create(cat, &x, &b);
		cat_tablespace(cat, &b, cat_opt_val(r, i, c->tablespace));
		if (x.kind == 'r' && !cat->opt->schema_only && !oidset_has(nodata, x.oid))
			tdata_add(cat, x.oid, x.schema, x.name);
		cat_owner_to(cat, &b, x.word, x.q, V(r, i, c->owner));
		sbuf_printf(&w, "%s %s", x.word, x.q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_CLASS, x.oid, 0));
		cat->obj[di].create = sbuf_take(&b);
		cat_drop_stmt(cat, &cat->obj[di], x.word, x.q);
		sbuf_free(&w);
		free(x.q);
	}
}

/* Sequences, tables, views and materialized views: one query over
 * pg_class, its rows made into objects by the loaders above. */
void
relations_load(struct catalog *cat, const struct oidset *nodata)
{
	PGresult *r;
	struct rel_cols rc;

	r = cat_rows(cat, "select c.oid, n.nspname, c.relname, c.relkind, c.relpersistence,"
	    " pg_get_userbyid(c.relowner) as owner, c.reloptions,"
	    " (select reloptions from pg_class where oid = c.reltoastrelid) as toast_options,"
	    " c.relispartition, pg_get_expr(c.relpartbound, c.oid) as partbound,"
	    " case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partkey,"
	    " c.relrowsecurity, c.relforcerowsecurity, c.relreplident,"
	    " case when c.reloftype <> 0 then format_type(c.reloftype, null) end as oftype,"
	    " case when c.relam <> 0 and am.amname <> 'heap' then quote_ident(am.amname) end as am,"
	    " case when c.relkind in ('v','m') then pg_get_viewdef(c.oid) end as viewdef, c.relispopulated,"
	    " (select spcname from pg_tablespace where oid = c.reltablespace) as tablespace,"
	    " (select quote_ident(s.srvname) from pg_foreign_table ft join pg_foreign_server s on s.oid = ft.ftserver"
	    "   where ft.ftrelid = c.oid) as ftserver,"
	    " (select " OPTIONS_SQL("ft.ftoptions") " from pg_foreign_table ft where ft.ftrelid = c.oid) as ftoptions"
	    " from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_am am on am.oid = c.relam"
	    " where c.oid >= 16384 and c.relkind in ('r','p','v','m','S','f') order by 1");
	rc = rel_cols(r);
	sequences_load(cat, r, &rc);
	tables_load(cat, r, &rc, nodata);
	PQclear(r);
}
