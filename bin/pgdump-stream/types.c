/* Collations and types: base and shell types, enums, ranges, composites,
 * domains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

/* ---- collations */

void
collations_load(struct catalog *cat)
{
	struct sbuf q = { 0 };
	PGresult *r;

	/* The ICU locale moved between versions: collcollate until 14,
	 * colliculocale in 15 and 16, colllocale from 17. */
	sbuf_printf(&q, "select c.oid, n.nspname, c.collname, c.collprovider, c.collisdeterministic,"
	    " c.collcollate, c.collctype, %s as icu_locale, pg_get_userbyid(c.collowner) as owner, n.oid as nspoid"
	    " from pg_collation c join pg_namespace n on n.oid = c.collnamespace"
	    " where c.oid >= 16384" NOT_EXT(C_COLLATION, "c.oid") " order by 1",
	    cat->server_version >= 170000 ? "c.colllocale" : cat->server_version >= 150000 ? "c.colliculocale" :
	    "c.collcollate");
	r = cat_rows(cat, q.s);
	const int c_oid = pgq_col(r, "oid"), c_nspname = pgq_col(r, "nspname"), c_collname = pgq_col(r, "collname"),
	    c_provider = pgq_col(r, "collprovider"), c_deterministic = pgq_col(r, "collisdeterministic"),
	    c_collate = pgq_col(r, "collcollate"), c_ctype = pgq_col(r, "collctype"),
	    c_icu_locale = pgq_col(r, "icu_locale"), c_owner = pgq_col(r, "owner"), c_nspoid = pgq_col(r, "nspoid");
	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *qn, prov = V(r, i, c_provider)[0];

		if (!cat_in_schema(cat, OID(r, i, c_nspoid)))
			continue;
		qn = cat_qname(V(r, i, c_nspname), V(r, i, c_collname));
		d = cat_add(cat, P_COLLATION, C_COLLATION, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_collname), "COLLATION");
		sbuf_printf(&b, "CREATE COLLATION %s (provider = %s", qn, prov == 'i' ? "icu" : "libc");
		if (!TRUE_(r, i, c_deterministic))
			sbuf_puts(&b, ", deterministic = false");
		if (prov == 'i') {
			sbuf_puts(&b, ", locale = ");
			sql_literal(&b, V(r, i, c_icu_locale));
		} else if (strcmp(V(r, i, c_collate), V(r, i, c_ctype)) == 0) {
			sbuf_puts(&b, ", locale = ");
			sql_literal(&b, V(r, i, c_collate));
		} else {
			sbuf_puts(&b, ", lc_collate = ");
			sql_literal(&b, V(r, i, c_collate));
			sbuf_puts(&b, ", lc_ctype = ");
			sql_literal(&b, V(r, i, c_ctype));
		}
		sbuf_puts(&b, ");\n");
		cat_owner_to(cat, &b, "COLLATION", qn, V(r, i, c_owner));
		sbuf_printf(&w, "COLLATION %s", qn);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_COLLATION, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "COLLATION", qn);
		sbuf_free(&w);
		free(qn);
	}
	PQclear(r);
	sbuf_free(&q);
}

/* ---- types */

/* " COLLATE schema.name" from row i's columns nsp and name, if set. */
void
coll_clause(struct sbuf *b, const PGresult *r, int i, int nsp, int name)
{
	if (NUL(r, i, nsp))
		return;
	sbuf_puts(b, " COLLATE ");
	sql_qualified(b, V(r, i, nsp), V(r, i, name));
}

/* The user's types (not a table's row type, not an array type): one row
 * each, with what every kind needs (a domain's base type, default and
 * collation; a range's options). */
static void
types_sql(const struct catalog *cat, struct sbuf *q)
{
	sbuf_puts(q, "select t.oid, n.nspname, t.typname, t.typtype, pg_get_userbyid(t.typowner) as owner,"
	    " n.oid as nspoid, format_type(t.typbasetype, t.typtypmod) as basetype, t.typnotnull,"
	    " pg_get_expr(t.typdefaultbin, 0) as typdefault, cn.nspname as collnsp, co.collname,"
	    " format_type(rg.rngsubtype, null) as subtype,"
	    " (select quote_ident(on_.nspname) || '.' || quote_ident(oc.opcname) from pg_opclass oc"
	    "   join pg_namespace on_ on on_.oid = oc.opcnamespace where oc.oid = rg.rngsubopc and not oc.opcdefault)"
	    "   as subopclass,"
	    " case when rg.rngcanonical <> 0 then rg.rngcanonical::regproc::text end as canonical,"
	    " case when rg.rngsubdiff <> 0 then rg.rngsubdiff::regproc::text end as subdiff,");
	if (cat->server_version >= 140000)
		sbuf_puts(q, " (select format('%I.%I', mn.nspname, m.typname) from pg_type m"
		    "   join pg_namespace mn on mn.oid = m.typnamespace where m.oid = rg.rngmultitypid) as multirange,");
	else
		sbuf_puts(q, " null as multirange,");
	/* A base type's definition (its functions as regproc prints them:
	 * qualified unless in pg_catalog). */
	sbuf_printf(q, " t.typlen, t.typinput::regproc::text as input, t.typoutput::regproc::text as output,"
	    " case when t.typreceive <> 0 then t.typreceive::regproc::text end as receive,"
	    " case when t.typsend <> 0 then t.typsend::regproc::text end as send,"
	    " case when t.typmodin <> 0 then t.typmodin::regproc::text end as modin,"
	    " case when t.typmodout <> 0 then t.typmodout::regproc::text end as modout,"
	    " case when t.typanalyze <> 0 then t.typanalyze::regproc::text end as analyze,"
	    " %s as subscript, t.typcollation <> 0 as collatable, t.typdefault as typdefault_text,"
	    " case when t.typelem <> 0 then format_type(t.typelem, null) end as element, t.typcategory,"
	    " t.typispreferred, t.typdelim, t.typalign, t.typstorage, t.typbyval,",
	    cat->server_version >= 140000 ? "case when t.typsubscript <> 0 then t.typsubscript::regproc::text end" :
	    "null::text");
	sbuf_puts(q, " (select quote_ident(rn.nspname) || '.' || quote_ident(rc.collname) from pg_collation rc"
	    "   join pg_namespace rn on rn.oid = rc.collnamespace where rc.oid = rg.rngcollation"
	    "   and rg.rngcollation <> (select typcollation from pg_type where oid = rg.rngsubtype)) as rangecoll,"
	    " t.typrelid"
	    " from pg_type t join pg_namespace n on n.oid = t.typnamespace"
	    " left join pg_type bt on bt.oid = t.typbasetype"
	    " left join pg_collation co on co.oid = t.typcollation and t.typtype = 'd' and t.typcollation <> bt.typcollation"
	    " left join pg_namespace cn on cn.oid = co.collnamespace"
	    " left join pg_range rg on rg.rngtypid = t.oid"
	    " where t.oid >= 16384 and (t.typrelid = 0 or (select relkind from pg_class where oid = t.typrelid) = 'c')"
	    " and not exists (select 1 from pg_type a where a.typarray = t.oid)"
	    NOT_EXT(C_TYPE, "t.oid") " order by 1");
}

/* The columns of a domain's constraint rows. */
struct con_cols {
	int typid, conname, def, validated, oid;
};

/* A domain's CHECK constraints (rows [lo, hi) of con): the valid ones in
 * CREATE DOMAIN (ending the statement in b), the NOT VALID ones after the
 * data, as pg_dump does; their comments. */
static void
domain_constraints(struct catalog *cat, const PGresult *con, const struct con_cols *k, int lo, int hi,
    const char *q, const char *schema, struct sbuf *b)
{
	struct sbuf w = { 0 };

	for (int j = lo; j < hi; j++) {
		if (!TRUE_(con, j, k->validated))
			continue;
		sbuf_puts(b, "\n    CONSTRAINT ");
		sql_ident(b, V(con, j, k->conname));
		sbuf_printf(b, " %s", V(con, j, k->def));
	}
	sbuf_puts(b, ";\n");
	for (int j = lo; j < hi; j++) {
		char *cn = cat_ident(V(con, j, k->conname));
		Oid oid = OID(con, j, k->oid);

		sbuf_reset(&w);
		sbuf_printf(&w, "CONSTRAINT %s ON DOMAIN %s", cn, q);
		if (!TRUE_(con, j, k->validated)) {
			struct sbuf pb = { 0 };

			sbuf_printf(&pb, "ALTER DOMAIN %s ADD CONSTRAINT %s %s;\n", q, cn, V(con, j, k->def));
			cat_comment_on(&pb, w.s, cat_comment_for(cat, C_CONSTRAINT, oid, 0));
			cat_add(cat, P_CONSTRAINT, C_CONSTRAINT, oid, schema, V(con, j, k->conname), "DOMAIN CONSTRAINT")->create =
			    sbuf_take(&pb);
		} else {
			cat_comment_on(b, w.s, cat_comment_for(cat, C_CONSTRAINT, oid, 0));
		}
		free(cn);
	}
	sbuf_free(&w);
}

/* The columns of a base type's definition. */
struct base_cols {
	int len, input, output, receive, send, modin, modout, analyze, subscript, collatable, def, def_text,
	    element, category, preferred, delim, align, storage, byval;
};

static struct base_cols
base_cols(const PGresult *r)
{
	struct base_cols c = {
		pgq_col(r, "typlen"), pgq_col(r, "input"), pgq_col(r, "output"), pgq_col(r, "receive"),
		pgq_col(r, "send"), pgq_col(r, "modin"), pgq_col(r, "modout"), pgq_col(r, "analyze"),
		pgq_col(r, "subscript"), pgq_col(r, "collatable"), pgq_col(r, "typdefault"),
		pgq_col(r, "typdefault_text"), pgq_col(r, "element"), pgq_col(r, "typcategory"),
		pgq_col(r, "typispreferred"), pgq_col(r, "typdelim"), pgq_col(r, "typalign"),
		pgq_col(r, "typstorage"), pgq_col(r, "typbyval")
	};

	return c;
}

/* CREATE TYPE q (...) for a base type, as pg_dump writes it. Its I/O
 * functions take or return the type, and the type names them: a shell
 * (CREATE TYPE q;) comes first, the functions after it, the type after
 * them (order.c redirects the functions to the shell). */
static void
base_create(const PGresult *r, int i, const struct base_cols *c, const char *q, struct sbuf *b)
{
	const struct { int col; const char *kw; } opt[] = {
		{ c->receive, "RECEIVE" }, { c->send, "SEND" }, { c->modin, "TYPMOD_IN" },
		{ c->modout, "TYPMOD_OUT" }, { c->analyze, "ANALYZE" },
	};
	char align = V(r, i, c->align)[0], storage = V(r, i, c->storage)[0];

	sbuf_printf(b, "CREATE TYPE %s (\n    INTERNALLENGTH = %s,\n    INPUT = %s,\n    OUTPUT = %s", q,
	    strcmp(V(r, i, c->len), "-1") == 0 ? "variable" : V(r, i, c->len), V(r, i, c->input), V(r, i, c->output));
	for (size_t k = 0; k < sizeof opt / sizeof opt[0]; k++)
		if (!NUL(r, i, opt[k].col))
			sbuf_printf(b, ",\n    %s = %s", opt[k].kw, V(r, i, opt[k].col));
	if (TRUE_(r, i, c->collatable))
		sbuf_puts(b, ",\n    COLLATABLE = true");
	if (!NUL(r, i, c->def))
		sbuf_printf(b, ",\n    DEFAULT = %s", V(r, i, c->def));
	else if (!NUL(r, i, c->def_text)) {
		sbuf_puts(b, ",\n    DEFAULT = ");
		sql_literal(b, V(r, i, c->def_text));
	}
	if (!NUL(r, i, c->subscript))
		sbuf_printf(b, ",\n    SUBSCRIPT = %s", V(r, i, c->subscript));
	if (!NUL(r, i, c->element))
		sbuf_printf(b, ",\n    ELEMENT = %s", V(r, i, c->element));
	if (strcmp(V(r, i, c->category), "U") != 0) {
		sbuf_puts(b, ",\n    CATEGORY = ");
		sql_literal(b, V(r, i, c->category));
	}
	if (TRUE_(r, i, c->preferred))
		sbuf_puts(b, ",\n    PREFERRED = true");
	if (strcmp(V(r, i, c->delim), ",") != 0) {
		sbuf_puts(b, ",\n    DELIMITER = ");
		sql_literal(b, V(r, i, c->delim));
	}
	sbuf_printf(b, ",\n    ALIGNMENT = %s", align == 'c' ? "char" : align == 's' ? "int2" : align == 'i' ? "int4" :
	    "double");
	sbuf_printf(b, ",\n    STORAGE = %s", storage == 'p' ? "plain" : storage == 'e' ? "external" :
	    storage == 'x' ? "extended" : "main");
	if (TRUE_(r, i, c->byval))
		sbuf_puts(b, ",\n    PASSEDBYVALUE");
	sbuf_puts(b, "\n);\n");
}

void
types_load(struct catalog *cat)
{
	struct sbuf q = { 0 };
	PGresult *r, *lab, *att, *con;

	types_sql(cat, &q);
	r = cat_rows(cat, q.s);
	lab = cat_rows(cat, "select enumtypid, enumlabel from pg_enum order by 1, enumsortorder");
	att = cat_rows(cat, "select t.oid, a.attname, format_type(a.atttypid, a.atttypmod) as type, cn.nspname as collnsp,"
	    " co.collname, a.attnum"
	    " from pg_type t join pg_attribute a on a.attrelid = t.typrelid"
	    " left join pg_type at on at.oid = a.atttypid"
	    " left join pg_collation co on co.oid = a.attcollation and a.attcollation <> at.typcollation"
	    " left join pg_namespace cn on cn.oid = co.collnamespace"
	    " where t.typtype = 'c' and t.oid >= 16384 and a.attnum > 0 and not a.attisdropped order by 1, a.attnum");
	/* CHECK constraints only: 17 keeps a domain's NOT NULL as a constraint
	 * row too (contype 'n'), which typnotnull already gives. */
	con = cat_rows(cat, "select contypid, conname, pg_get_constraintdef(oid) as def, convalidated, oid from pg_constraint"
	    " where contypid <> 0 and contype = 'c' order by 1, conname");
	const int c_oid = pgq_col(r, "oid"), c_nspname = pgq_col(r, "nspname"), c_typname = pgq_col(r, "typname"),
	    c_typtype = pgq_col(r, "typtype"), c_owner = pgq_col(r, "owner"), c_nspoid = pgq_col(r, "nspoid"),
	    c_basetype = pgq_col(r, "basetype"), c_notnull = pgq_col(r, "typnotnull"),
	    c_default = pgq_col(r, "typdefault"), c_collnsp = pgq_col(r, "collnsp"), c_collname = pgq_col(r, "collname"),
	    c_subtype = pgq_col(r, "subtype"), c_subopclass = pgq_col(r, "subopclass"),
	    c_canonical = pgq_col(r, "canonical"), c_subdiff = pgq_col(r, "subdiff"),
	    c_multirange = pgq_col(r, "multirange"), c_rangecoll = pgq_col(r, "rangecoll"),
	    c_typrelid = pgq_col(r, "typrelid");
	const int l_typid = pgq_col(lab, "enumtypid"), l_label = pgq_col(lab, "enumlabel");
	const int a_oid = pgq_col(att, "oid"), a_attname = pgq_col(att, "attname"), a_type = pgq_col(att, "type"),
	    a_collnsp = pgq_col(att, "collnsp"), a_collname = pgq_col(att, "collname"), a_attnum = pgq_col(att, "attnum");
	const struct con_cols k = { pgq_col(con, "contypid"), pgq_col(con, "conname"), pgq_col(con, "def"),
		pgq_col(con, "convalidated"), pgq_col(con, "oid") };
	const struct base_cols bc = base_cols(r);

	for (int i = 0; i < PQntuples(r); i++) {
		Oid oid = OID(r, i, c_oid);
		const char *schema = V(r, i, c_nspname), *name = V(r, i, c_typname), *cm;
		char tt = V(r, i, c_typtype)[0], *q;
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		int lo, hi;

		if (!cat_in_schema(cat, OID(r, i, c_nspoid)))
			continue;
		q = cat_qname(schema, name);
		/* A multirange is made with its range. */
		if (tt == 'm') {
			free(q);
			continue;
		}
		int di = cat->nobj;

		d = cat_add(cat, P_TYPE, C_TYPE, oid, schema, name, tt == 'd' ? "DOMAIN" : "TYPE");
		if (tt == 'b') {
			struct sbuf sh = { 0 };
			struct dobj *s;

			sbuf_printf(&sh, "CREATE TYPE %s;\n", q);
			s = cat_add(cat, P_TYPE, 0, oid, schema, name, "SHELL TYPE");
			s->create = sbuf_take(&sh);
			d = &cat->obj[di];
			d->shell = cat->nobj;
			base_create(r, i, &bc, q, &b);
		} else if (tt == 'p') {
			sbuf_printf(&b, "CREATE TYPE %s;\n", q);
		} else if (tt == 'e') {
			sbuf_printf(&b, "CREATE TYPE %s AS ENUM (", q);
			cat_rows_for(lab, l_typid, oid, &lo, &hi);
			for (int k = lo; k < hi; k++) {
				sbuf_puts(&b, k > lo ? ",\n    " : "\n    ");
				sql_literal(&b, V(lab, k, l_label));
			}
			sbuf_puts(&b, "\n);\n");
		} else if (tt == 'c') {
			sbuf_printf(&b, "CREATE TYPE %s AS (", q);
			cat_rows_for(att, a_oid, oid, &lo, &hi);
			for (int k = lo; k < hi; k++) {
				sbuf_puts(&b, k > lo ? ",\n    " : "\n    ");
				sql_ident(&b, V(att, k, a_attname));
				sbuf_printf(&b, " %s", V(att, k, a_type));
				coll_clause(&b, att, k, a_collnsp, a_collname);
			}
			sbuf_puts(&b, "\n);\n");
		} else if (tt == 'r') {
			sbuf_printf(&b, "CREATE TYPE %s AS RANGE (\n    subtype = %s", q, V(r, i, c_subtype));
			if (!NUL(r, i, c_subopclass))
				sbuf_printf(&b, ",\n    subtype_opclass = %s", V(r, i, c_subopclass));
			if (!NUL(r, i, c_rangecoll))
				sbuf_printf(&b, ",\n    collation = %s", V(r, i, c_rangecoll));
			if (!NUL(r, i, c_canonical))
				sbuf_printf(&b, ",\n    canonical = %s", V(r, i, c_canonical));
			if (!NUL(r, i, c_subdiff))
				sbuf_printf(&b, ",\n    subtype_diff = %s", V(r, i, c_subdiff));
			if (!NUL(r, i, c_multirange))
				sbuf_printf(&b, ",\n    multirange_type_name = %s", V(r, i, c_multirange));
			sbuf_puts(&b, "\n);\n");
		} else {
			sbuf_printf(&b, "CREATE DOMAIN %s AS %s", q, V(r, i, c_basetype));
			coll_clause(&b, r, i, c_collnsp, c_collname);
			if (!NUL(r, i, c_default))
				sbuf_printf(&b, " DEFAULT %s", V(r, i, c_default));
			if (TRUE_(r, i, c_notnull))
				sbuf_puts(&b, " NOT NULL");
			cat_rows_for(con, k.typid, oid, &lo, &hi);
			domain_constraints(cat, con, &k, lo, hi, q, schema, &b);
			d = &cat->obj[di];
		}
		cat_owner_to(cat, &b, tt == 'd' ? "DOMAIN" : "TYPE", q, V(r, i, c_owner));
		sbuf_reset(&w);
		sbuf_printf(&w, "%s %s", tt == 'd' ? "DOMAIN" : "TYPE", q);
		cm = cat_comment_for(cat, C_TYPE, oid, 0);
		cat_comment_on(&b, w.s, cm);
		if (tt == 'c') {
			cat_rows_for(att, a_oid, oid, &lo, &hi);
			for (int k = lo; k < hi; k++) {
				char *cn = cat_ident(V(att, k, a_attname));

				sbuf_reset(&w);
				sbuf_printf(&w, "COLUMN %s.%s", q, cn);
				cat_comment_on(&b, w.s, cat_comment_for(cat, C_CLASS, OID(r, i, c_typrelid), atoi(V(att, k, a_attnum))));
				free(cn);
			}
		}
		d->create = sbuf_take(&b);
		/* A base type and its I/O functions need each other: only
		 * CASCADE drops them. */
		cat_drop_stmt(cat, d, tt == 'd' ? "DOMAIN" : "TYPE", q);
		if (tt == 'b' && d->drop) {
			free(d->drop);
			sbuf_reset(&w);
			sbuf_printf(&w, "DROP TYPE %s%s CASCADE;\n", cat->opt->if_exists ? "IF EXISTS " : "", q);
			d->drop = sbuf_take(&w);
		}
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
	PQclear(lab);
	PQclear(att);
	PQclear(con);
	sbuf_free(&q);
}

