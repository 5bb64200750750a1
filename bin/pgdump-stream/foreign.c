/* Foreign-data wrappers, foreign servers and user mappings (foreign
 * tables are relations, in relations.c). None belongs to a schema: they
 * are dumped with the whole database, as pg_dump does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

static void
options_clause(struct sbuf *b, const PGresult *r, int i, int col, const char *lead)
{
	if (!NUL(r, i, col))
		sbuf_printf(b, "%sOPTIONS (\n    %s\n)", lead, V(r, i, col));
}

void
fdws_load(struct catalog *cat)
{
	PGresult *r;

	if (!cat_whole(cat))
		return;
	r = cat_rows(cat, "select w.oid, w.fdwname, pg_get_userbyid(w.fdwowner) as owner,"
	    " case when w.fdwhandler <> 0 then w.fdwhandler::regproc::text end as handler,"
	    " case when w.fdwvalidator <> 0 then w.fdwvalidator::regproc::text end as validator,"
	    " " OPTIONS_SQL("w.fdwoptions") " as options"
	    " from pg_foreign_data_wrapper w where w.oid >= 16384" NOT_EXT(C_FDW, "w.oid") " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_name = pgq_col(r, "fdwname"), c_owner = pgq_col(r, "owner"),
	    c_handler = pgq_col(r, "handler"), c_validator = pgq_col(r, "validator"), c_options = pgq_col(r, "options");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d = cat_add(cat, P_FDW, C_FDW, OID(r, i, c_oid), "", V(r, i, c_name), "FOREIGN DATA WRAPPER");

		sbuf_printf(&b, "CREATE FOREIGN DATA WRAPPER %s", d->target);
		if (!NUL(r, i, c_handler))
			sbuf_printf(&b, " HANDLER %s", V(r, i, c_handler));
		if (!NUL(r, i, c_validator))
			sbuf_printf(&b, " VALIDATOR %s", V(r, i, c_validator));
		options_clause(&b, r, i, c_options, " ");
		sbuf_puts(&b, ";\n");
		cat_owner_to(cat, &b, "FOREIGN DATA WRAPPER", d->target, V(r, i, c_owner));
		sbuf_printf(&w, "FOREIGN DATA WRAPPER %s", d->target);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_FDW, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "FOREIGN DATA WRAPPER", d->target);
		sbuf_free(&w);
	}
	PQclear(r);
}

/* Servers, each with its user mappings (pg_user_mappings shows their
 * options to whoever may see them, as pg_dump reads them). */
void
servers_load(struct catalog *cat)
{
	PGresult *r, *um;

	if (!cat_whole(cat))
		return;
	r = cat_rows(cat, "select s.oid, s.srvname, pg_get_userbyid(s.srvowner) as owner, s.srvtype, s.srvversion,"
	    " quote_ident(w.fdwname) as fdw, " OPTIONS_SQL("s.srvoptions") " as options"
	    " from pg_foreign_server s join pg_foreign_data_wrapper w on w.oid = s.srvfdw"
	    " where s.oid >= 16384" NOT_EXT(C_SERVER, "s.oid") " order by 1");
	um = cat_rows(cat, "select m.srvid, m.umid, m.usename, " OPTIONS_SQL("m.umoptions") " as options"
	    " from pg_user_mappings m order by 1, 3");
	const int c_oid = pgq_col(r, "oid"), c_name = pgq_col(r, "srvname"), c_owner = pgq_col(r, "owner"),
	    c_type = pgq_col(r, "srvtype"), c_version = pgq_col(r, "srvversion"), c_fdw = pgq_col(r, "fdw"),
	    c_options = pgq_col(r, "options");
	const int u_srvid = pgq_col(um, "srvid"), u_umid = pgq_col(um, "umid"), u_usename = pgq_col(um, "usename"),
	    u_options = pgq_col(um, "options");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d = cat_add(cat, P_SERVER, C_SERVER, OID(r, i, c_oid), "", V(r, i, c_name), "SERVER");
		char *srv = xstrdup(d->target);
		int lo, hi;

		sbuf_printf(&b, "CREATE SERVER %s", srv);
		if (!NUL(r, i, c_type)) {
			sbuf_puts(&b, " TYPE ");
			sql_literal(&b, V(r, i, c_type));
		}
		if (!NUL(r, i, c_version)) {
			sbuf_puts(&b, " VERSION ");
			sql_literal(&b, V(r, i, c_version));
		}
		sbuf_printf(&b, " FOREIGN DATA WRAPPER %s", V(r, i, c_fdw));
		options_clause(&b, r, i, c_options, " ");
		sbuf_puts(&b, ";\n");
		cat_owner_to(cat, &b, "SERVER", srv, V(r, i, c_owner));
		sbuf_printf(&w, "SERVER %s", srv);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_SERVER, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "SERVER", srv);
		cat_rows_for(um, u_srvid, OID(r, i, c_oid), &lo, &hi);
		for (int k = lo; k < hi; k++) {
			struct sbuf ub = { 0 }, who = { 0 };
			struct dobj *m;

			if (strcmp(V(um, k, u_usename), "public") == 0)
				sbuf_puts(&who, "PUBLIC");
			else
				sql_ident(&who, V(um, k, u_usename));
			sbuf_printf(&ub, "CREATE USER MAPPING FOR %s SERVER %s", who.s, srv);
			options_clause(&ub, um, k, u_options, " ");
			sbuf_puts(&ub, ";\n");
			m = cat_add(cat, P_USER_MAPPING, C_USER_MAPPING, OID(um, k, u_umid), "", V(um, k, u_usename),
			    "USER MAPPING");
			m->create = sbuf_take(&ub);
			sbuf_printf(&who, " SERVER %s", srv);
			cat_drop_stmt(cat, m, "USER MAPPING FOR", who.s);
			sbuf_free(&who);
		}
		sbuf_free(&w);
		free(srv);
	}
	PQclear(r);
	PQclear(um);
}
