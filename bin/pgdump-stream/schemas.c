/* Schemas and extensions, the first objects of a dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

/* ---- schemas and extensions */

void
schemas_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select n.oid, n.nspname, pg_get_userbyid(n.nspowner) as owner from pg_namespace n"
	    " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_nspname = pgq_col(r, "nspname"), c_owner = pgq_col(r, "owner");

	for (int i = 0; i < PQntuples(r); i++) {
		Oid oid = OID(r, i, c_oid);
		const char *name = V(r, i, c_nspname), *owner = V(r, i, c_owner), *cm;
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;

		if (!cat_in_schema(cat, oid))
			continue;
		q = cat_ident(name);
		d = cat_add(cat, P_SCHEMA, C_NAMESPACE, oid, "", name, "SCHEMA");
		/* Every database has public already; only its changes are dumped. */
		if (strcmp(name, "public") != 0) {
			sbuf_printf(&b, "CREATE SCHEMA %s;\n", q);
			cat_drop_stmt(cat, d, "SCHEMA", q);
		}
		if (strcmp(name, "public") != 0 || strcmp(owner, "pg_database_owner") != 0)
			cat_owner_to(cat, &b, "SCHEMA", q, owner);
		cm = cat_comment_for(cat, C_NAMESPACE, oid, 0);
		sbuf_printf(&w, "SCHEMA %s", q);
		if (strcmp(name, "public") != 0)
			cat_comment_on(&b, w.s, cm);
		else if (!cm && !cat->opt->no_comments) /* a new database's public has one: remove it, as pg_dump does */
			cat_comment_on(&b, w.s, "");
		else if (cm && strcmp(cm, "standard public schema") != 0)
			cat_comment_on(&b, w.s, cm);
		d->create = sbuf_take(&b);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
}

void
extensions_load(struct catalog *cat)
{
	PGresult *r;

	if (!cat_whole(cat))
		return;
	r = cat_rows(cat, "select x.oid, x.extname, n.nspname, x.extconfig is not null as has_config from pg_extension x"
	    " join pg_namespace n on n.oid = x.extnamespace where x.oid >= 16384 order by 1");
	const int c_oid = pgq_col(r, "oid"), c_extname = pgq_col(r, "extname"), c_nspname = pgq_col(r, "nspname"),
	    c_has_config = pgq_col(r, "has_config");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		char *q = cat_ident(V(r, i, c_extname));
		struct dobj *d = cat_add(cat, P_EXTENSION, C_EXTENSION, OID(r, i, c_oid), "", V(r, i, c_extname), "EXTENSION");

		if (TRUE_(r, i, c_has_config)) {
			sbuf_printf(&w, "EXTENSION %s: data in its configuration tables", q);
			cat_unsupported_data(cat, w.s);
			sbuf_reset(&w);
		}
		sbuf_printf(&b, "CREATE EXTENSION IF NOT EXISTS %s WITH SCHEMA ", q);
		sql_ident(&b, V(r, i, c_nspname));
		sbuf_puts(&b, ";\n");
		sbuf_printf(&w, "EXTENSION %s", q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_EXTENSION, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "EXTENSION", q);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
}


