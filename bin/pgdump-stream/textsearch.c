/* Text search parsers, templates, dictionaries and configurations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

/* Parsers and templates: C functions named in a definition; they have
 * no owner. */
void
text_search_parsers_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select p.oid, p.prsnamespace, n.nspname, p.prsname,"
	    " p.prsstart::regproc::text as start, p.prstoken::regproc::text as gettoken, p.prsend::regproc::text as end_,"
	    " case when p.prsheadline <> 0 then p.prsheadline::regproc::text end as headline,"
	    " p.prslextype::regproc::text as lextypes"
	    " from pg_ts_parser p join pg_namespace n on n.oid = p.prsnamespace"
	    " where p.oid >= 16384" NOT_EXT(C_TSPARSER, "p.oid") " order by 1");
	PGresult *t = cat_rows(cat, "select t.oid, t.tmplnamespace, n.nspname, t.tmplname,"
	    " case when t.tmplinit <> 0 then t.tmplinit::regproc::text end as init, t.tmpllexize::regproc::text as lexize"
	    " from pg_ts_template t join pg_namespace n on n.oid = t.tmplnamespace"
	    " where t.oid >= 16384" NOT_EXT(C_TSTEMPLATE, "t.oid") " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_nsp = pgq_col(r, "prsnamespace"), c_nspname = pgq_col(r, "nspname"),
	    c_name = pgq_col(r, "prsname"), c_start = pgq_col(r, "start"), c_token = pgq_col(r, "gettoken"),
	    c_end = pgq_col(r, "end_"), c_headline = pgq_col(r, "headline"), c_lextypes = pgq_col(r, "lextypes");
	const int t_oid = pgq_col(t, "oid"), t_nsp = pgq_col(t, "tmplnamespace"), t_nspname = pgq_col(t, "nspname"),
	    t_name = pgq_col(t, "tmplname"), t_init = pgq_col(t, "init"), t_lexize = pgq_col(t, "lexize");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;

		if (!cat_in_schema(cat, OID(r, i, c_nsp)))
			continue;
		d = cat_add(cat, P_TSPARSER, C_TSPARSER, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_name),
		    "TEXT SEARCH PARSER");
		sbuf_printf(&b, "CREATE TEXT SEARCH PARSER %s (\n    START = %s,\n    GETTOKEN = %s,\n    END = %s,\n"
		    "    LEXTYPES = %s", d->target, V(r, i, c_start), V(r, i, c_token), V(r, i, c_end),
		    V(r, i, c_lextypes));
		if (!NUL(r, i, c_headline))
			sbuf_printf(&b, ",\n    HEADLINE = %s", V(r, i, c_headline));
		sbuf_puts(&b, " );\n");
		sbuf_printf(&w, "TEXT SEARCH PARSER %s", d->target);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_TSPARSER, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "TEXT SEARCH PARSER", d->target);
		sbuf_free(&w);
	}
	for (int i = 0; i < PQntuples(t); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;

		if (!cat_in_schema(cat, OID(t, i, t_nsp)))
			continue;
		d = cat_add(cat, P_TSTEMPLATE, C_TSTEMPLATE, OID(t, i, t_oid), V(t, i, t_nspname), V(t, i, t_name),
		    "TEXT SEARCH TEMPLATE");
		sbuf_printf(&b, "CREATE TEXT SEARCH TEMPLATE %s (\n", d->target);
		if (!NUL(t, i, t_init))
			sbuf_printf(&b, "    INIT = %s,\n", V(t, i, t_init));
		sbuf_printf(&b, "    LEXIZE = %s );\n", V(t, i, t_lexize));
		sbuf_printf(&w, "TEXT SEARCH TEMPLATE %s", d->target);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_TSTEMPLATE, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "TEXT SEARCH TEMPLATE", d->target);
		sbuf_free(&w);
	}
	PQclear(r);
	PQclear(t);
}

void
text_search_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select d.oid, n.nspname, d.dictname, tn.nspname as tmpl_nspname, t.tmplname,"
	    " d.dictinitoption, pg_get_userbyid(d.dictowner) as owner, n.oid as nspoid"
	    " from pg_ts_dict d join pg_namespace n on n.oid = d.dictnamespace"
	    " join pg_ts_template t on t.oid = d.dicttemplate join pg_namespace tn on tn.oid = t.tmplnamespace"
	    " where d.oid >= 16384" NOT_EXT(C_TSDICT, "d.oid") " order by 1");
	PGresult *cf = cat_rows(cat, "select c.oid, n.nspname, c.cfgname, pn.nspname as prs_nspname, p.prsname,"
	    " pg_get_userbyid(c.cfgowner) as owner, n.oid as nspoid"
	    " from pg_ts_config c join pg_namespace n on n.oid = c.cfgnamespace"
	    " join pg_ts_parser p on p.oid = c.cfgparser join pg_namespace pn on pn.oid = p.prsnamespace"
	    " where c.oid >= 16384" NOT_EXT(C_TSCONFIG, "c.oid") " order by 1");
	/* configuration, token type, its name, dictionary schema and name */
	PGresult *map = cat_rows(cat, "select m.mapcfg, m.maptokentype, t.alias, dn.nspname, d.dictname"
	    " from pg_ts_config_map m join pg_ts_config c on c.oid = m.mapcfg"
	    " join pg_ts_dict d on d.oid = m.mapdict join pg_namespace dn on dn.oid = d.dictnamespace"
	    " join lateral ts_token_type(c.cfgparser) t on t.tokid = m.maptokentype"
	    " where m.mapcfg >= 16384 order by 1, 2, m.mapseqno");
	const int d_oid = pgq_col(r, "oid"), d_nspname = pgq_col(r, "nspname"), d_dictname = pgq_col(r, "dictname"),
	    d_tmpl_nspname = pgq_col(r, "tmpl_nspname"), d_tmplname = pgq_col(r, "tmplname"),
	    d_option = pgq_col(r, "dictinitoption"), d_owner = pgq_col(r, "owner"), d_nspoid = pgq_col(r, "nspoid");
	const int f_oid = pgq_col(cf, "oid"), f_nspname = pgq_col(cf, "nspname"), f_cfgname = pgq_col(cf, "cfgname"),
	    f_prs_nspname = pgq_col(cf, "prs_nspname"), f_prsname = pgq_col(cf, "prsname"),
	    f_owner = pgq_col(cf, "owner"), f_nspoid = pgq_col(cf, "nspoid");
	const int m_cfg = pgq_col(map, "mapcfg"), m_token = pgq_col(map, "maptokentype"), m_alias = pgq_col(map, "alias"),
	    m_nspname = pgq_col(map, "nspname"), m_dictname = pgq_col(map, "dictname");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;

		if (!cat_in_schema(cat, OID(r, i, d_nspoid)))
			continue;
		q = cat_qname(V(r, i, d_nspname), V(r, i, d_dictname));
		d = cat_add(cat, P_TSDICT, C_TSDICT, OID(r, i, d_oid), V(r, i, d_nspname), V(r, i, d_dictname), "TEXT SEARCH DICTIONARY");
		sbuf_printf(&b, "CREATE TEXT SEARCH DICTIONARY %s (\n    TEMPLATE = ", q);
		sql_qualified(&b, V(r, i, d_tmpl_nspname), V(r, i, d_tmplname));
		/* dictinitoption is already an option list, as the server keeps it. */
		if (!NUL(r, i, d_option))
			sbuf_printf(&b, ",\n    %s", V(r, i, d_option));
		sbuf_puts(&b, "\n);\n");
		cat_owner_to(cat, &b, "TEXT SEARCH DICTIONARY", q, V(r, i, d_owner));
		sbuf_printf(&w, "TEXT SEARCH DICTIONARY %s", q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_TSDICT, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "TEXT SEARCH DICTIONARY", q);
		sbuf_free(&w);
		free(q);
	}
	for (int i = 0; i < PQntuples(cf); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;
		int lo, hi;

		if (!cat_in_schema(cat, OID(cf, i, f_nspoid)))
			continue;
		q = cat_qname(V(cf, i, f_nspname), V(cf, i, f_cfgname));
		d = cat_add(cat, P_TSCONFIG, C_TSCONFIG, OID(cf, i, f_oid), V(cf, i, f_nspname), V(cf, i, f_cfgname), "TEXT SEARCH CONFIGURATION");
		sbuf_printf(&b, "CREATE TEXT SEARCH CONFIGURATION %s (\n    PARSER = ", q);
		sql_qualified(&b, V(cf, i, f_prs_nspname), V(cf, i, f_prsname));
		sbuf_puts(&b, "\n);\n");
		cat_rows_for(map, m_cfg, d->oid, &lo, &hi);
		for (int k = lo; k < hi;) {
			int e = k;

			sbuf_printf(&b, "ALTER TEXT SEARCH CONFIGURATION %s ADD MAPPING FOR ", q);
			sql_ident(&b, V(map, k, m_alias));
			sbuf_puts(&b, " WITH ");
			for (; e < hi && strcmp(V(map, e, m_token), V(map, k, m_token)) == 0; e++) {
				if (e > k)
					sbuf_puts(&b, ", ");
				sql_qualified(&b, V(map, e, m_nspname), V(map, e, m_dictname));
			}
			sbuf_puts(&b, ";\n");
			k = e;
		}
		cat_owner_to(cat, &b, "TEXT SEARCH CONFIGURATION", q, V(cf, i, f_owner));
		sbuf_printf(&w, "TEXT SEARCH CONFIGURATION %s", q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_TSCONFIG, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "TEXT SEARCH CONFIGURATION", q);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
	PQclear(cf);
	PQclear(map);
}

