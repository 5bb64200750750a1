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
	PGresult *r = cat_rows(cat, "select x.oid, x.extname, n.nspname from pg_extension x"
	    " join pg_namespace n on n.oid = x.extnamespace where x.oid >= 16384 order by 1");
	const int c_oid = pgq_col(r, "oid"), c_extname = pgq_col(r, "extname"), c_nspname = pgq_col(r, "nspname");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		char *q;
		struct dobj *d;

		if (!oidset_has(&cat->exts, OID(r, i, c_oid)))
			continue;
		q = cat_ident(V(r, i, c_extname));
		d = cat_add(cat, P_EXTENSION, C_EXTENSION, OID(r, i, c_oid), "", V(r, i, c_extname), "EXTENSION");
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

/* Configuration tables load before the user's tables, each after the
 * configuration tables it references (their foreign keys came with the
 * extension, so they hold while the rows load): its rank is the length of
 * the longest chain of references below it. */
static void
extension_data_rank(struct catalog *cat, int first)
{
	PGresult *r;
	struct sbuf q = { 0 };
	int n = cat->ndata - first, changed = 1;

	if (n < 2)
		return;
	sbuf_puts(&q, "select conrelid, confrelid from pg_constraint where contype = 'f' and conrelid <> confrelid"
	    " and conrelid = any('{");
	for (int i = first; i < cat->ndata; i++)
		sbuf_printf(&q, "%s%u", i > first ? "," : "", cat->data[i].oid);
	sbuf_puts(&q, "}'::oid[]) order by 1, 2");
	r = cat_rows(cat, q.s);
	const int c_from = pgq_col(r, "conrelid"), c_to = pgq_col(r, "confrelid");

	/* A cycle of references stops at n rounds; its order is then the
	 * names', as pg_dump's would be arbitrary. */
	for (int round = 0; changed && round < n; round++) {
		changed = 0;
		for (int k = 0; k < PQntuples(r); k++) {
			struct tdata *from = NULL, *to = NULL;

			for (int i = first; i < cat->ndata; i++) {
				if (cat->data[i].oid == OID(r, k, c_from))
					from = &cat->data[i];
				if (cat->data[i].oid == OID(r, k, c_to))
					to = &cat->data[i];
			}
			if (from && to && from->rank <= to->rank) {
				from->rank = to->rank + 1;
				changed = 1;
			}
		}
	}
	PQclear(r);
	sbuf_free(&q);
}

void
extension_data_load(struct catalog *cat, const struct oidset *nodata)
{
	const PGresult *r = cat->extcfg;
	const int c_oid = pgq_col(r, "oid"), c_relkind = pgq_col(r, "relkind"), c_nspname = pgq_col(r, "nspname"),
	    c_relname = pgq_col(r, "relname"), c_cond = pgq_col(r, "cond");
	int first = cat->ndata;

	for (int i = 0; i < PQntuples(r); i++) {
		Oid oid = OID(r, i, c_oid);

		if (V(r, i, c_relkind)[0] == 'S') {
			cat->seq = xrealloc(cat->seq, ((size_t)cat->nseq + 1) * sizeof *cat->seq);
			cat->seq[cat->nseq++].qname = cat_qname(V(r, i, c_nspname), V(r, i, c_relname));
		} else if (!cat->opt->schema_only && !oidset_has(nodata, oid)) {
			struct tdata *t = tdata_add(cat, oid, V(r, i, c_nspname), V(r, i, c_relname));

			t->rank = 0;
			if (*V(r, i, c_cond))
				t->where = xstrdup(V(r, i, c_cond));
		}
	}
	extension_data_rank(cat, first);
}
