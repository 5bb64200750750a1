/* Functions, procedures, aggregates and casts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

/* ---- functions, procedures, aggregates */

static const char *
modify_word(char c)
{
	return c == 's' ? "SHAREABLE" : c == 'w' ? "READ_WRITE" : "READ_ONLY";
}

/* The columns of the aggregates' rows. */
struct agg_cols {
	int oid, args, kind, sfunc, stype, sspace, finalfunc, finalextra, finalmodify, combinefunc, serialfunc, deserialfunc, initcond, msfunc, minvfunc, mstype, msspace, mfinalfunc, mfinalextra, mfinalmodify, minitcond, sortop, parallel;
};

/* CREATE AGGREGATE from row lo of the aggregates' rows. */
static void
aggregate_create(struct sbuf *b, const PGresult *ag, const struct agg_cols *g, int lo, const char *q)
{
	const char *args = V(ag, lo, g->args);

	sbuf_printf(b, "CREATE AGGREGATE %s(%s) (\n    SFUNC = %s,\n    STYPE = %s", q,
	    *args ? args : "*", V(ag, lo, g->sfunc), V(ag, lo, g->stype));
	if (atoi(V(ag, lo, g->sspace)))
		sbuf_printf(b, ",\n    SSPACE = %s", V(ag, lo, g->sspace));
	if (!NUL(ag, lo, g->finalfunc)) {
		sbuf_printf(b, ",\n    FINALFUNC = %s", V(ag, lo, g->finalfunc));
		if (TRUE_(ag, lo, g->finalextra))
			sbuf_puts(b, ",\n    FINALFUNC_EXTRA");
		sbuf_printf(b, ",\n    FINALFUNC_MODIFY = %s", modify_word(V(ag, lo, g->finalmodify)[0]));
	}
	if (!NUL(ag, lo, g->combinefunc))
		sbuf_printf(b, ",\n    COMBINEFUNC = %s", V(ag, lo, g->combinefunc));
	if (!NUL(ag, lo, g->serialfunc))
		sbuf_printf(b, ",\n    SERIALFUNC = %s", V(ag, lo, g->serialfunc));
	if (!NUL(ag, lo, g->deserialfunc))
		sbuf_printf(b, ",\n    DESERIALFUNC = %s", V(ag, lo, g->deserialfunc));
	if (!NUL(ag, lo, g->initcond)) {
		sbuf_puts(b, ",\n    INITCOND = ");
		sql_literal(b, V(ag, lo, g->initcond));
	}
	if (!NUL(ag, lo, g->msfunc)) {
		sbuf_printf(b, ",\n    MSFUNC = %s,\n    MINVFUNC = %s,\n    MSTYPE = %s",
		    V(ag, lo, g->msfunc), V(ag, lo, g->minvfunc), V(ag, lo, g->mstype));
		if (atoi(V(ag, lo, g->msspace)))
			sbuf_printf(b, ",\n    MSSPACE = %s", V(ag, lo, g->msspace));
		if (!NUL(ag, lo, g->mfinalfunc)) {
			sbuf_printf(b, ",\n    MFINALFUNC = %s", V(ag, lo, g->mfinalfunc));
			if (TRUE_(ag, lo, g->mfinalextra))
				sbuf_puts(b, ",\n    MFINALFUNC_EXTRA");
			sbuf_printf(b, ",\n    MFINALFUNC_MODIFY = %s", modify_word(V(ag, lo, g->mfinalmodify)[0]));
		}
		if (!NUL(ag, lo, g->minitcond)) {
			sbuf_puts(b, ",\n    MINITCOND = ");
			sql_literal(b, V(ag, lo, g->minitcond));
		}
	}
	if (!NUL(ag, lo, g->sortop))
		sbuf_printf(b, ",\n    SORTOP = %s", V(ag, lo, g->sortop));
	if (V(ag, lo, g->parallel)[0] == 's')
		sbuf_puts(b, ",\n    PARALLEL = safe");
	else if (V(ag, lo, g->parallel)[0] == 'r')
		sbuf_puts(b, ",\n    PARALLEL = restricted");
	if (V(ag, lo, g->kind)[0] == 'h')
		sbuf_puts(b, ",\n    HYPOTHETICAL");
	sbuf_puts(b, "\n);\n");
}

void
functions_load(struct catalog *cat)
{
	PGresult *r, *ag;

	r = cat_rows(cat, "select p.oid, n.nspname, p.proname, p.prokind, pg_get_userbyid(p.proowner) as owner,"
	    " n.oid as nspoid, pg_get_function_identity_arguments(p.oid) as identity_args,"
	    " case when p.prokind <> 'a' then pg_get_functiondef(p.oid) end as def"
	    " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
	    " where p.oid >= 16384" NOT_EXT(C_PROC, "p.oid") " order by 1");
	ag = cat_rows(cat, "select a.aggfnoid::oid as oid, pg_get_function_arguments(a.aggfnoid) as args, a.aggkind,"
	    " a.aggtransfn::regproc as sfunc, format_type(a.aggtranstype, null) as stype, a.aggtransspace,"
	    " case when a.aggfinalfn <> 0 then a.aggfinalfn::regproc::text end as finalfunc, a.aggfinalextra,"
	    " a.aggfinalmodify,"
	    " case when a.aggcombinefn <> 0 then a.aggcombinefn::regproc::text end as combinefunc,"
	    " case when a.aggserialfn <> 0 then a.aggserialfn::regproc::text end as serialfunc,"
	    " case when a.aggdeserialfn <> 0 then a.aggdeserialfn::regproc::text end as deserialfunc,"
	    " a.agginitval,"
	    " case when a.aggmtransfn <> 0 then a.aggmtransfn::regproc::text end as msfunc,"
	    " case when a.aggminvtransfn <> 0 then a.aggminvtransfn::regproc::text end as minvfunc,"
	    " case when a.aggmtranstype <> 0 then format_type(a.aggmtranstype, null) end as mstype, a.aggmtransspace,"
	    " case when a.aggmfinalfn <> 0 then a.aggmfinalfn::regproc::text end as mfinalfunc, a.aggmfinalextra,"
	    " a.aggmfinalmodify, a.aggminitval,"
	    " (select 'OPERATOR(' || quote_ident(o.nspname) || '.' || op.oprname || ')' from pg_operator op"
	    "   join pg_namespace o on o.oid = op.oprnamespace where op.oid = a.aggsortop) as sortop,"
	    " p.proparallel"
	    " from pg_aggregate a join pg_proc p on p.oid = a.aggfnoid where a.aggfnoid >= 16384 order by 1");
	const int c_oid = pgq_col(r, "oid"), c_nspname = pgq_col(r, "nspname"), c_proname = pgq_col(r, "proname"),
	    c_prokind = pgq_col(r, "prokind"), c_owner = pgq_col(r, "owner"), c_nspoid = pgq_col(r, "nspoid"),
	    c_args = pgq_col(r, "identity_args"), c_def = pgq_col(r, "def");
	const struct agg_cols g = {
		pgq_col(ag, "oid"), pgq_col(ag, "args"), pgq_col(ag, "aggkind"), pgq_col(ag, "sfunc"), pgq_col(ag, "stype"), pgq_col(ag, "aggtransspace"), pgq_col(ag, "finalfunc"), pgq_col(ag, "aggfinalextra"), pgq_col(ag, "aggfinalmodify"), pgq_col(ag, "combinefunc"), pgq_col(ag, "serialfunc"), pgq_col(ag, "deserialfunc"), pgq_col(ag, "agginitval"), pgq_col(ag, "msfunc"), pgq_col(ag, "minvfunc"), pgq_col(ag, "mstype"), pgq_col(ag, "aggmtransspace"), pgq_col(ag, "mfinalfunc"), pgq_col(ag, "aggmfinalextra"), pgq_col(ag, "aggmfinalmodify"), pgq_col(ag, "aggminitval"), pgq_col(ag, "sortop"), pgq_col(ag, "proparallel")
	};
	for (int i = 0; i < PQntuples(r); i++) {
		Oid oid = OID(r, i, c_oid);
		char kind = V(r, i, c_prokind)[0];
		const char *word = kind == 'p' ? "PROCEDURE" : kind == 'a' ? "AGGREGATE" : "FUNCTION";
		struct sbuf b = { 0 }, w = { 0 }, sig = { 0 };
		struct dobj *d;
		char *q;
		int lo, hi;

		if (!cat_in_schema(cat, OID(r, i, c_nspoid)))
			continue;
		q = cat_qname(V(r, i, c_nspname), V(r, i, c_proname));
		sbuf_printf(&sig, "%s(%s)", q, kind == 'a' && !*V(r, i, c_args) ? "*" : V(r, i, c_args));
		d = cat_add(cat, kind == 'a' ? P_AGGREGATE : P_FUNCTION, C_PROC, oid, V(r, i, c_nspname), V(r, i, c_proname), word);
		free(d->target);
		d->target = xstrdup(sig.s);
		if (kind != 'a') {
			sbuf_puts(&b, V(r, i, c_def));
			sbuf_puts(&b, ";\n");
		} else {
			cat_rows_for(ag, g.oid, oid, &lo, &hi);
			if (lo == hi)
				die(EX_SOFTWARE, "aggregate %s: no pg_aggregate row", sig.s);
			aggregate_create(&b, ag, &g, lo, q);
		}
		cat_owner_to(cat, &b, word, sig.s, V(r, i, c_owner));
		sbuf_printf(&w, "%s %s", word, sig.s);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_PROC, oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, word, sig.s);
		sbuf_free(&w);
		sbuf_free(&sig);
		free(q);
	}
	PQclear(r);
	PQclear(ag);
}

/* ---- casts: cluster-less but per database, dumped with the whole database */

void
casts_load(struct catalog *cat)
{
	PGresult *r;

	if (!cat_whole(cat))
		return;
	r = cat_rows(cat, "select c.oid, format_type(c.castsource, null) as source, format_type(c.casttarget, null) as target,"
	    " c.castmethod, c.castcontext, case when c.castfunc <> 0 then c.castfunc::regprocedure::text end as func"
	    " from pg_cast c where c.oid >= 16384" NOT_EXT(C_CAST, "c.oid") " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_source = pgq_col(r, "source"), c_target = pgq_col(r, "target"),
	    c_method = pgq_col(r, "castmethod"), c_context = pgq_col(r, "castcontext"), c_func = pgq_col(r, "func");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 }, t = { 0 };
		struct dobj *d;
		char m = V(r, i, c_method)[0], ctx = V(r, i, c_context)[0];

		sbuf_printf(&t, "(%s AS %s)", V(r, i, c_source), V(r, i, c_target));
		d = cat_add(cat, P_CAST, C_CAST, OID(r, i, c_oid), "", t.s, "CAST");
		free(d->target);
		d->target = xstrdup(t.s);
		sbuf_printf(&b, "CREATE CAST %s ", t.s);
		if (m == 'f' && !NUL(r, i, c_func))
			sbuf_printf(&b, "WITH FUNCTION %s", V(r, i, c_func));
		else
			sbuf_puts(&b, m == 'i' ? "WITH INOUT" : "WITHOUT FUNCTION");
		sbuf_puts(&b, ctx == 'a' ? " AS ASSIGNMENT;\n" : ctx == 'i' ? " AS IMPLICIT;\n" : ";\n");
		sbuf_printf(&w, "CAST %s", t.s);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_CAST, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "CAST", t.s);
		sbuf_free(&w);
		sbuf_free(&t);
	}
	PQclear(r);
}

