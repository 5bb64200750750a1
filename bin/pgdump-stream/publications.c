/* Logical replication: publications with their tables (row filters,
 * column lists) and schemas, and subscriptions, as pg_dump writes them:
 * after everything else, a subscription with connect = false, so that a
 * restore neither connects anywhere nor creates a replication slot. */
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
publication_members(struct catalog *cat, Oid pub, const char *q, const PGresult *rel, const PGresult *nsp)
{
	const int r_pubid = pgq_col(rel, "prpubid"), r_oid = pgq_col(rel, "oid"), r_relid = pgq_col(rel, "prrelid"),
	    r_nspname = pgq_col(rel, "nspname"), r_relname = pgq_col(rel, "relname"), r_cols = pgq_col(rel, "cols"),
	    r_qual = pgq_col(rel, "qual");
	int lo, hi;

	cat_rows_for(rel, r_pubid, pub, &lo, &hi);
	for (int k = lo; k < hi; k++) {
		struct sbuf b = { 0 };

		if (!oidset_has(&cat->rels, OID(rel, k, r_relid)))
			continue;
		sbuf_printf(&b, "ALTER PUBLICATION %s ADD TABLE ONLY ", q);
		sql_qualified(&b, V(rel, k, r_nspname), V(rel, k, r_relname));
		if (!NUL(rel, k, r_cols))
			sbuf_printf(&b, " (%s)", V(rel, k, r_cols));
		if (!NUL(rel, k, r_qual))
			sbuf_printf(&b, " WHERE (%s)", V(rel, k, r_qual));
		sbuf_puts(&b, ";\n");
		cat_post(cat, P_PUBLICATION_REL, C_PUBLICATION_REL, OID(rel, k, r_oid), V(rel, k, r_nspname),
		    V(rel, k, r_relname), "PUBLICATION TABLE", &b);
	}
	if (!nsp)
		return; /* before 15: no schemas in publications */
	const int n_pubid = pgq_col(nsp, "pnpubid"), n_oid = pgq_col(nsp, "oid"), n_nspid = pgq_col(nsp, "pnnspid"),
	    n_nspname = pgq_col(nsp, "nspname");

	cat_rows_for(nsp, n_pubid, pub, &lo, &hi);
	for (int k = lo; k < hi; k++) {
		struct sbuf b = { 0 };

		if (!oidset_has(&cat->schemas, OID(nsp, k, n_nspid)))
			continue;
		sbuf_printf(&b, "ALTER PUBLICATION %s ADD TABLES IN SCHEMA ", q);
		sql_ident(&b, V(nsp, k, n_nspname));
		sbuf_puts(&b, ";\n");
		cat_post(cat, P_PUBLICATION_REL, C_PUBLICATION_NAMESPACE, OID(nsp, k, n_oid), V(nsp, k, n_nspname), "",
		    "PUBLICATION TABLES IN SCHEMA", &b);
	}
}

void
publications_load(struct catalog *cat)
{
	struct sbuf sql = { 0 };
	PGresult *r, *rel, *nsp = NULL;

	if (!cat_whole(cat) || cat->opt->no_publications)
		return;
	sbuf_printf(&sql, "select p.oid, p.pubname, pg_get_userbyid(p.pubowner) as owner, p.puballtables,"
	    " p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate, p.pubviaroot, %s as gencols"
	    " from pg_publication p order by 1",
	    cat->server_version >= 180000 ? "p.pubgencols::text" : "null::text");
	r = cat_rows(cat, sql.s);
	sbuf_reset(&sql);
	/* Row filters and column lists came in 15. */
	sbuf_printf(&sql, "select pr.prpubid, pr.oid, pr.prrelid, n.nspname, c.relname, %s as cols, %s as qual"
	    " from pg_publication_rel pr join pg_class c on c.oid = pr.prrelid"
	    " join pg_namespace n on n.oid = c.relnamespace order by 1, 4, 5",
	    cat->server_version >= 150000 ? "(select string_agg(quote_ident(a.attname), ', ' order by u.k)"
	    " from unnest(pr.prattrs) with ordinality u(n, k) join pg_attribute a on a.attrelid = pr.prrelid"
	    " and a.attnum = u.n)" : "null::text",
	    cat->server_version >= 150000 ? "pg_get_expr(pr.prqual, pr.prrelid)" : "null::text");
	rel = cat_rows(cat, sql.s);
	if (cat->server_version >= 150000)
		nsp = cat_rows(cat, "select pn.pnpubid, pn.oid, pn.pnnspid, n.nspname from pg_publication_namespace pn"
		    " join pg_namespace n on n.oid = pn.pnnspid order by 1, 4");
	const int c_oid = pgq_col(r, "oid"), c_name = pgq_col(r, "pubname"), c_owner = pgq_col(r, "owner"),
	    c_all = pgq_col(r, "puballtables"), c_ins = pgq_col(r, "pubinsert"), c_upd = pgq_col(r, "pubupdate"),
	    c_del = pgq_col(r, "pubdelete"), c_trunc = pgq_col(r, "pubtruncate"), c_root = pgq_col(r, "pubviaroot"),
	    c_gencols = pgq_col(r, "gencols");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 }, what = { 0 };
		char *q = cat_ident(V(r, i, c_name));
		struct dobj *d;
		const char *ops[] = { "insert", "update", "delete", "truncate" };
		const int cols[] = { c_ins, c_upd, c_del, c_trunc };

		for (int k = 0; k < 4; k++)
			if (TRUE_(r, i, cols[k]))
				sbuf_printf(&what, "%s%s", what.len ? ", " : "", ops[k]);
		sbuf_printf(&b, "CREATE PUBLICATION %s%s WITH (publish = '%s'", q,
		    TRUE_(r, i, c_all) ? " FOR ALL TABLES" : "", sbuf_str(&what));
		if (TRUE_(r, i, c_root))
			sbuf_puts(&b, ", publish_via_partition_root = true");
		if (!NUL(r, i, c_gencols) && V(r, i, c_gencols)[0] == 's')
			sbuf_puts(&b, ", publish_generated_columns = stored");
		sbuf_puts(&b, ");\n");
		cat_owner_to(cat, &b, "PUBLICATION", q, V(r, i, c_owner));
		sbuf_printf(&w, "PUBLICATION %s", q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_PUBLICATION, OID(r, i, c_oid), 0));
		d = cat_post(cat, P_PUBLICATION, C_PUBLICATION, OID(r, i, c_oid), "", V(r, i, c_name), "PUBLICATION", &b);
		cat_drop_stmt(cat, d, "PUBLICATION", q);
		publication_members(cat, OID(r, i, c_oid), q, rel, nsp);
		sbuf_free(&w);
		sbuf_free(&what);
		free(q);
	}
	PQclear(r);
	PQclear(rel);
	PQclear(nsp);
	sbuf_free(&sql);
}

/* The subscription's options as pg_dump writes them; the columns that
 * exist depend on the server's version. */
static void
subscription_sql(const struct catalog *cat, struct sbuf *q)
{
	int v = cat->server_version;

	sbuf_printf(q, "select s.oid, s.subname, pg_get_userbyid(s.subowner) as owner, s.subconninfo, s.subslotname,"
	    " array_to_string(array(select quote_ident(x) from unnest(s.subpublications) x), ', ') as pubs,"
	    " s.subsynccommit, %s as binary, %s as streaming, %s as twophase, %s as disableonerr,"
	    " %s as passwordrequired, %s as runasowner, %s as origin, %s as failover"
	    " from pg_subscription s"
	    " where s.subdbid = (select oid from pg_database where datname = current_database()) order by 1",
	    v >= 140000 ? "s.subbinary" : "false",
	    v >= 160000 ? "s.substream::text" : v >= 140000 ? "case when s.substream then 't' else 'f' end" : "'f'",
	    v >= 150000 ? "s.subtwophasestate::text" : "'d'",
	    v >= 150000 ? "s.subdisableonerr" : "false",
	    v >= 160000 ? "s.subpasswordrequired" : "true",
	    v >= 160000 ? "s.subrunasowner" : "false",
	    v >= 160000 ? "s.suborigin" : "'any'",
	    v >= 170000 ? "s.subfailover" : "false");
}

void
subscriptions_load(struct catalog *cat)
{
	struct sbuf sql = { 0 };
	PGresult *r, *su;

	if (!cat_whole(cat) || cat->opt->no_subscriptions)
		return;
	/* pg_subscription's connection strings are for superusers (and,
	 * from 16, pg_read_all_data-free roles cannot read them either). */
	su = cat_rows(cat, "select rolsuper from pg_roles where rolname = current_user");
	if (!TRUE_(su, 0, 0)) {
		PQclear(su);
		su = cat_rows(cat, "select count(*) from pg_subscription s"
		    " where s.subdbid = (select oid from pg_database where datname = current_database())");
		if (atol(V(su, 0, 0)) > 0)
			cat_unsupported(cat, "subscriptions: only a superuser may read their connection strings"
			    " (--no-subscriptions dumps without them)");
		PQclear(su);
		return;
	}
	PQclear(su);
	subscription_sql(cat, &sql);
	r = cat_rows(cat, sql.s);
	const int c_oid = pgq_col(r, "oid"), c_name = pgq_col(r, "subname"), c_owner = pgq_col(r, "owner"),
	    c_conn = pgq_col(r, "subconninfo"), c_slot = pgq_col(r, "subslotname"), c_pubs = pgq_col(r, "pubs"),
	    c_sync = pgq_col(r, "subsynccommit"), c_binary = pgq_col(r, "binary"), c_stream = pgq_col(r, "streaming"),
	    c_twophase = pgq_col(r, "twophase"), c_doe = pgq_col(r, "disableonerr"),
	    c_pwreq = pgq_col(r, "passwordrequired"), c_runas = pgq_col(r, "runasowner"),
	    c_origin = pgq_col(r, "origin"), c_failover = pgq_col(r, "failover");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		char *q = cat_ident(V(r, i, c_name));
		char st = V(r, i, c_stream)[0];
		struct dobj *d;

		sbuf_printf(&b, "CREATE SUBSCRIPTION %s CONNECTION ", q);
		sql_literal(&b, V(r, i, c_conn));
		sbuf_printf(&b, " PUBLICATION %s WITH (connect = false, slot_name = ", V(r, i, c_pubs));
		if (NUL(r, i, c_slot))
			sbuf_puts(&b, "NONE");
		else
			sql_literal(&b, V(r, i, c_slot));
		if (TRUE_(r, i, c_binary))
			sbuf_puts(&b, ", binary = true");
		if (st == 't' || st == 'p')
			sbuf_printf(&b, ", streaming = %s", st == 't' ? "on" : "parallel");
		if (V(r, i, c_twophase)[0] != 'd')
			sbuf_puts(&b, ", two_phase = on");
		if (TRUE_(r, i, c_doe))
			sbuf_puts(&b, ", disable_on_error = true");
		if (!TRUE_(r, i, c_pwreq))
			sbuf_puts(&b, ", password_required = false");
		if (TRUE_(r, i, c_runas))
			sbuf_puts(&b, ", run_as_owner = true");
		if (strcmp(V(r, i, c_origin), "any") != 0) {
			sbuf_puts(&b, ", origin = ");
			sql_literal(&b, V(r, i, c_origin));
		}
		if (TRUE_(r, i, c_failover))
			sbuf_puts(&b, ", failover = true");
		if (strcmp(V(r, i, c_sync), "off") != 0) {
			sbuf_puts(&b, ", synchronous_commit = ");
			sql_literal(&b, V(r, i, c_sync));
		}
		sbuf_puts(&b, ");\n");
		cat_owner_to(cat, &b, "SUBSCRIPTION", q, V(r, i, c_owner));
		sbuf_printf(&w, "SUBSCRIPTION %s", q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_SUBSCRIPTION, OID(r, i, c_oid), 0));
		d = cat_post(cat, P_SUBSCRIPTION, C_SUBSCRIPTION, OID(r, i, c_oid), "", V(r, i, c_name), "SUBSCRIPTION", &b);
		/* A subscription without a slot can be dropped; one with a slot
		 * would try to drop the slot on its publisher. */
		if (NUL(r, i, c_slot))
			cat_drop_stmt(cat, d, "SUBSCRIPTION", q);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
	sbuf_free(&sql);
}
