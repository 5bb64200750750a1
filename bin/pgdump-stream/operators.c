/* Access methods, operators, operator families and operator classes, as
 * pg_dump writes them. Functions, operators and types inside them are
 * printed by the server's reg* output functions, which qualify every name
 * not in pg_catalog (the session's search_path is empty). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

void
access_methods_load(struct catalog *cat)
{
	PGresult *r;

	if (!cat_whole(cat))
		return;
	r = cat_rows(cat, "select a.oid, a.amname, a.amtype, " PROC_NAME("a.amhandler") " as handler from pg_am a"
	    " where a.oid >= 16384" NOT_EXT(C_AM, "a.oid") " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_amname = pgq_col(r, "amname"), c_amtype = pgq_col(r, "amtype"),
	    c_handler = pgq_col(r, "handler");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d = cat_add(cat, P_ACCESS_METHOD, C_AM, OID(r, i, c_oid), "", V(r, i, c_amname),
		    "ACCESS METHOD");

		sbuf_printf(&b, "CREATE ACCESS METHOD %s TYPE %s HANDLER %s;\n", d->target,
		    V(r, i, c_amtype)[0] == 't' ? "TABLE" : "INDEX", V(r, i, c_handler));
		sbuf_printf(&w, "ACCESS METHOD %s", d->target);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_AM, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "ACCESS METHOD", d->target);
		sbuf_free(&w);
	}
	PQclear(r);
}

/* Operators: the name is a run of symbols, qualified but never quoted;
 * in ALTER and COMMENT an operator is named with its argument types. */
void
operators_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select o.oid, o.oprnamespace, n.nspname, o.oprname, o.oprkind,"
	    " case when o.oprleft <> 0 then format_type(o.oprleft, null) end as lefttype,"
	    " case when o.oprright <> 0 then format_type(o.oprright, null) end as righttype,"
	    " " PROC_NAME("o.oprcode") " as code,"
	    " (select 'OPERATOR(' || quote_ident(cn.nspname) || '.' || c.oprname || ')' from pg_operator c"
	    "   join pg_namespace cn on cn.oid = c.oprnamespace where c.oid = o.oprcom) as commutator,"
	    " (select 'OPERATOR(' || quote_ident(cn.nspname) || '.' || c.oprname || ')' from pg_operator c"
	    "   join pg_namespace cn on cn.oid = c.oprnamespace where c.oid = o.oprnegate) as negator,"
	    " o.oprcanmerge, o.oprcanhash, " PROC_NAME("o.oprrest") " as rest, " PROC_NAME("o.oprjoin") " as join_,"
	    " pg_get_userbyid(o.oprowner) as owner"
	    " from pg_operator o join pg_namespace n on n.oid = o.oprnamespace"
	    " where o.oid >= 16384 and o.oprcode <> 0" NOT_EXT(C_OPERATOR, "o.oid") " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_nsp = pgq_col(r, "oprnamespace"), c_nspname = pgq_col(r, "nspname"),
	    c_oprname = pgq_col(r, "oprname"), c_left = pgq_col(r, "lefttype"), c_right = pgq_col(r, "righttype"),
	    c_code = pgq_col(r, "code"), c_com = pgq_col(r, "commutator"), c_neg = pgq_col(r, "negator"),
	    c_merge = pgq_col(r, "oprcanmerge"), c_hash = pgq_col(r, "oprcanhash"), c_rest = pgq_col(r, "rest"),
	    c_join = pgq_col(r, "join_"), c_owner = pgq_col(r, "owner");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, q = { 0 }, w = { 0 };
		struct dobj *d;

		if (!cat_in_schema(cat, OID(r, i, c_nsp)))
			continue;
		sql_ident(&q, V(r, i, c_nspname));
		sbuf_printf(&q, ".%s", V(r, i, c_oprname));
		sbuf_printf(&b, "CREATE OPERATOR %s (\n    FUNCTION = %s", q.s, V(r, i, c_code));
		if (!NUL(r, i, c_left))
			sbuf_printf(&b, ",\n    LEFTARG = %s", V(r, i, c_left));
		if (!NUL(r, i, c_right))
			sbuf_printf(&b, ",\n    RIGHTARG = %s", V(r, i, c_right));
		if (!NUL(r, i, c_com))
			sbuf_printf(&b, ",\n    COMMUTATOR = %s", V(r, i, c_com));
		if (!NUL(r, i, c_neg))
			sbuf_printf(&b, ",\n    NEGATOR = %s", V(r, i, c_neg));
		if (TRUE_(r, i, c_merge))
			sbuf_puts(&b, ",\n    MERGES");
		if (TRUE_(r, i, c_hash))
			sbuf_puts(&b, ",\n    HASHES");
		if (!NUL(r, i, c_rest))
			sbuf_printf(&b, ",\n    RESTRICT = %s", V(r, i, c_rest));
		if (!NUL(r, i, c_join))
			sbuf_printf(&b, ",\n    JOIN = %s", V(r, i, c_join));
		sbuf_puts(&b, "\n);\n");
		sbuf_printf(&q, " (%s, %s)", NUL(r, i, c_left) ? "NONE" : V(r, i, c_left),
		    NUL(r, i, c_right) ? "NONE" : V(r, i, c_right));
		d = cat_add(cat, P_OPERATOR, C_OPERATOR, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_oprname),
		    "OPERATOR");
		free(d->target);
		d->target = xstrdup(q.s);
		cat_owner_to(cat, &b, "OPERATOR", q.s, V(r, i, c_owner));
		sbuf_printf(&w, "OPERATOR %s", q.s);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_OPERATOR, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "OPERATOR", q.s);
		sbuf_free(&q);
		sbuf_free(&w);
	}
	PQclear(r);
}

/* The members of an operator family or class that pg_depend ties to it
 * (classid: pg_opfamily's or pg_opclass's), operators then functions,
 * for the family's ALTER ... ADD or the class's AS list. */
static PGresult *
members_rows(const struct catalog *cat, Oid classid)
{
	char sql[1536];

	snprintf(sql, sizeof sql, "select d.refobjid as owner, 1 as what, ao.amopstrategy as num,"
	    " ao.amopopr::regoperator::text as member,"
	    " (select quote_ident(fn.nspname) || '.' || quote_ident(f.opfname) from pg_opfamily f"
	    "   join pg_namespace fn on fn.oid = f.opfnamespace where f.oid = ao.amopsortfamily) as sortfamily,"
	    " null as lefttype, null as righttype"
	    " from pg_amop ao join pg_depend d on d.classid = %d and d.objid = ao.oid"
	    " where d.refclassid = %u and d.refobjid >= 16384"
	    " union all select d.refobjid, 2, ap.amprocnum, ap.amproc::regprocedure::text, null,"
	    " ap.amproclefttype::regtype::text, ap.amprocrighttype::regtype::text"
	    " from pg_amproc ap join pg_depend d on d.classid = %d and d.objid = ap.oid"
	    " where d.refclassid = %u and d.refobjid >= 16384 order by 1, 2, 3",
	    C_AMOP, classid, C_AMPROC, classid);
	return cat_rows(cat, sql);
}

/* "OPERATOR n op [FOR ORDER BY f]" and "FUNCTION n (l, r) f(args)" items,
 * comma-separated after *first. */
static void
members_sql(struct sbuf *b, const PGresult *m, int lo, int hi, int *first)
{
	const int c_what = pgq_col(m, "what"), c_num = pgq_col(m, "num"), c_member = pgq_col(m, "member"),
	    c_sort = pgq_col(m, "sortfamily"), c_left = pgq_col(m, "lefttype"), c_right = pgq_col(m, "righttype");

	for (int k = lo; k < hi; k++) {
		sbuf_puts(b, *first ? "" : " ,\n    ");
		*first = 0;
		if (V(m, k, c_what)[0] == '1') {
			sbuf_printf(b, "OPERATOR %s %s", V(m, k, c_num), V(m, k, c_member));
			if (!NUL(m, k, c_sort))
				sbuf_printf(b, " FOR ORDER BY %s", V(m, k, c_sort));
		} else {
			sbuf_printf(b, "FUNCTION %s", V(m, k, c_num));
			if (*V(m, k, c_left) && *V(m, k, c_right))
				sbuf_printf(b, " (%s, %s)", V(m, k, c_left), V(m, k, c_right));
			sbuf_printf(b, " %s", V(m, k, c_member));
		}
	}
}

/* The rest of a family's or class's statements: owner and comment, named
 * "name USING am" (q, which becomes its target), and its DROP. */
static void
using_finish(struct catalog *cat, struct dobj *d, const char *kw, struct sbuf *q, struct sbuf *b, const char *owner)
{
	struct sbuf w = { 0 };

	cat_owner_to(cat, b, kw, q->s, owner);
	sbuf_printf(&w, "%s %s", kw, q->s);
	cat_comment_on(b, w.s, cat_comment_for(cat, d->classid, d->oid, 0));
	d->create = sbuf_take(b);
	cat_drop_stmt(cat, d, kw, q->s);
	free(d->target);
	d->target = sbuf_take(q);
	sbuf_free(&w);
}

/* Operator families, with their loose members (those not in a class). */
void
opfamilies_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select f.oid, f.opfnamespace, n.nspname, f.opfname, quote_ident(a.amname) as am,"
	    " pg_get_userbyid(f.opfowner) as owner"
	    " from pg_opfamily f join pg_namespace n on n.oid = f.opfnamespace join pg_am a on a.oid = f.opfmethod"
	    " where f.oid >= 16384" NOT_EXT(C_OPFAMILY, "f.oid") " order by 1");
	PGresult *m = members_rows(cat, C_OPFAMILY);
	const int c_oid = pgq_col(r, "oid"), c_nsp = pgq_col(r, "opfnamespace"), c_nspname = pgq_col(r, "nspname"),
	    c_opfname = pgq_col(r, "opfname"), c_am = pgq_col(r, "am"), c_owner = pgq_col(r, "owner");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, q = { 0 };
		struct dobj *d;
		int lo, hi, first = 1;

		if (!cat_in_schema(cat, OID(r, i, c_nsp)))
			continue;
		d = cat_add(cat, P_OPFAMILY, C_OPFAMILY, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_opfname),
		    "OPERATOR FAMILY");
		sbuf_printf(&q, "%s USING %s", d->target, V(r, i, c_am));
		sbuf_printf(&b, "CREATE OPERATOR FAMILY %s;\n", q.s);
		cat_rows_for(m, pgq_col(m, "owner"), d->oid, &lo, &hi);
		if (hi > lo) {
			sbuf_printf(&b, "ALTER OPERATOR FAMILY %s ADD\n    ", q.s);
			members_sql(&b, m, lo, hi, &first);
			sbuf_puts(&b, ";\n");
		}
		using_finish(cat, d, "OPERATOR FAMILY", &q, &b, V(r, i, c_owner));
	}
	PQclear(r);
	PQclear(m);
}

void
opclasses_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select c.oid, c.opcnamespace, n.nspname, c.opcname, quote_ident(a.amname) as am,"
	    " c.opcdefault, format_type(c.opcintype, null) as intype,"
	    " case when c.opckeytype <> 0 then format_type(c.opckeytype, null) end as keytype,"
	    " quote_ident(fn.nspname) || '.' || quote_ident(f.opfname) as family,"
	    " (f.opfname = c.opcname and f.opfnamespace = c.opcnamespace) as own_family,"
	    " pg_get_userbyid(c.opcowner) as owner"
	    " from pg_opclass c join pg_namespace n on n.oid = c.opcnamespace join pg_am a on a.oid = c.opcmethod"
	    " join pg_opfamily f on f.oid = c.opcfamily join pg_namespace fn on fn.oid = f.opfnamespace"
	    " where c.oid >= 16384" NOT_EXT(C_OPCLASS, "c.oid") " order by 1");
	PGresult *m = members_rows(cat, C_OPCLASS);
	const int c_oid = pgq_col(r, "oid"), c_nsp = pgq_col(r, "opcnamespace"), c_nspname = pgq_col(r, "nspname"),
	    c_opcname = pgq_col(r, "opcname"), c_am = pgq_col(r, "am"), c_default = pgq_col(r, "opcdefault"),
	    c_intype = pgq_col(r, "intype"), c_keytype = pgq_col(r, "keytype"), c_family = pgq_col(r, "family"),
	    c_own = pgq_col(r, "own_family"), c_owner = pgq_col(r, "owner");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, q = { 0 };
		struct dobj *d;
		int lo, hi, first = 1;

		if (!cat_in_schema(cat, OID(r, i, c_nsp)))
			continue;
		d = cat_add(cat, P_OPCLASS, C_OPCLASS, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_opcname),
		    "OPERATOR CLASS");
		sbuf_printf(&q, "%s USING %s", d->target, V(r, i, c_am));
		sbuf_printf(&b, "CREATE OPERATOR CLASS %s\n    %sFOR TYPE %s USING %s", d->target,
		    TRUE_(r, i, c_default) ? "DEFAULT " : "", V(r, i, c_intype), V(r, i, c_am));
		/* Without FAMILY the class goes into (or makes) the family of
		 * its own name, which the dump made just before it. */
		if (!TRUE_(r, i, c_own))
			sbuf_printf(&b, " FAMILY %s", V(r, i, c_family));
		sbuf_puts(&b, " AS\n    ");
		if (!NUL(r, i, c_keytype)) {
			sbuf_printf(&b, "STORAGE %s", V(r, i, c_keytype));
			first = 0;
		}
		cat_rows_for(m, pgq_col(m, "owner"), d->oid, &lo, &hi);
		members_sql(&b, m, lo, hi, &first);
		/* A class with nothing after AS: STORAGE of its own type, which
		 * the server takes as saying nothing. */
		if (first)
			sbuf_printf(&b, "STORAGE %s", V(r, i, c_intype));
		sbuf_puts(&b, ";\n");
		using_finish(cat, d, "OPERATOR CLASS", &q, &b, V(r, i, c_owner));
	}
	PQclear(r);
	PQclear(m);
}
