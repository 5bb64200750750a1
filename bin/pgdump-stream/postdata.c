/* Post-data objects: constraints, indexes, triggers, rules, policies,
 * extended statistics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

/* ---- post-data: constraints, indexes, triggers, rules, policies, statistics */

/* The table columns of a post-data result: its OID, schema and name. */
struct table_cols {
	int relid, nspname, relname;
};

static struct table_cols
table_cols(const PGresult *r)
{
	struct table_cols t = { pgq_col(r, "relid"), pgq_col(r, "nspname"), pgq_col(r, "relname") };

	return t;
}

/* The table's quoted name, or NULL when it is not dumped. */
static char *
table_q(const struct catalog *cat, const PGresult *r, int i, const struct table_cols *t)
{
	if (!oidset_has(&cat->rels, OID(r, i, t->relid)))
		return NULL;
	return cat_qname(V(r, i, t->nspname), V(r, i, t->relname));
}

void
constraints_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select c.conrelid as relid, n.nspname, t.relname, c.conname, c.contype,"
	    " pg_get_constraintdef(c.oid) as def, c.conparentid, c.convalidated, c.conislocal, c.oid, t.relkind,"
	    " c.confrelid, (select f.relkind from pg_class f where f.oid = c.confrelid) as refkind,"
	    " (select s.spcname from pg_class ic join pg_tablespace s on s.oid = ic.reltablespace"
	    "   where ic.oid = c.conindid and c.contype in ('p','u','x')) as tablespace"
	    " from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace"
	    " where c.contype in ('p','u','x','f','c') and c.conrelid >= 16384 order by 1, 4");
	const struct table_cols tc = table_cols(r);
	const int c_nspname = tc.nspname, c_conname = pgq_col(r, "conname"), c_contype = pgq_col(r, "contype"),
	    c_def = pgq_col(r, "def"), c_parent = pgq_col(r, "conparentid"), c_validated = pgq_col(r, "convalidated"),
	    c_islocal = pgq_col(r, "conislocal"), c_oid = pgq_col(r, "oid"), c_relkind = pgq_col(r, "relkind"),
	    c_tablespace = pgq_col(r, "tablespace"), c_confrelid = pgq_col(r, "confrelid"),
	    c_refkind = pgq_col(r, "refkind");

	for (int i = 0; i < PQntuples(r); i++) {
		char *q = table_q(cat, r, i, &tc), *cn, t = V(r, i, c_contype)[0];
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;

		if (!q)
			continue;
		if ((t == 'c' && (TRUE_(r, i, c_validated) || !TRUE_(r, i, c_islocal))) || (t == 'f' && OID(r, i, c_parent) != 0)) {
			free(q);
			continue; /* inline in CREATE TABLE, or made by the parent's */
		}
		cn = cat_ident(V(r, i, c_conname));
		/* A CHECK added after the data reaches inheritance children as
		 * it did in the source; keys belong to one table (partitions get
		 * theirs and are attached); a foreign key on a partitioned table
		 * is made for its partitions by the server. */
		sbuf_printf(&b, "ALTER TABLE %s%s ADD CONSTRAINT %s %s;\n",
		    t == 'c' || (t == 'f' && V(r, i, c_relkind)[0] == 'p') ? "" : "ONLY ", q, cn, V(r, i, c_def));
		cat_tablespace(cat, &b, cat_opt_val(r, i, c_tablespace));
		sbuf_printf(&w, "CONSTRAINT %s ON %s", cn, q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_CONSTRAINT, OID(r, i, c_oid), 0));
		d = cat_post(cat, t == 'f' ? P_FK : P_CONSTRAINT, C_CONSTRAINT, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_conname),
		    t == 'f' ? "FK CONSTRAINT" : "CONSTRAINT", &b);
		/* Keys and foreign keys between ordinary tables may follow
		 * the rows (order_early); a CHECK added after the data (NOT
		 * VALID) reaches children whose rows come later, and stays. */
		if (V(r, i, c_relkind)[0] == 'r' && t != 'c' &&
		    (t != 'f' || (!NUL(r, i, c_refkind) && V(r, i, c_refkind)[0] == 'r'))) {
			d->rel = OID(r, i, tc.relid);
			d->refrel = t == 'f' ? OID(r, i, c_confrelid) : 0;
		}
		if (t == 'f') {
			sbuf_printf(&b, "ALTER TABLE %sONLY %s DROP CONSTRAINT %s%s;\n",
			    cat->opt->if_exists ? "IF EXISTS " : "", q, cat->opt->if_exists ? "IF EXISTS " : "", cn);
			d->drop = sbuf_take(&b);
		}
		sbuf_free(&w);
		free(cn);
		free(q);
	}
	PQclear(r);
}

void
indexes_load(struct catalog *cat)
{
	/* "stattargets": "column target" pairs of its statistics targets */
	PGresult *r = cat_rows(cat, "select i.indrelid as relid, n.nspname, t.relname, ci.relname as indexname,"
	    " pg_get_indexdef(i.indexrelid) as def, i.indisclustered, i.indisreplident,"
	    " exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid"
	    "   and k.contype in ('p','u','x')) as constraint_index,"
	    " i.indisvalid,"
	    " (select string_agg(a.attnum || ' ' || a.attstattarget, ' ' order by a.attnum) from pg_attribute a"
	    "   where a.attrelid = i.indexrelid and a.attstattarget > 0) as stattargets,"
	    " (select spcname from pg_tablespace where oid = ci.reltablespace) as tablespace, i.indexrelid, ci.relkind = 'I' as partitioned,"
	    " t.relkind"
	    " from pg_index i join pg_class ci on ci.oid = i.indexrelid join pg_class t on t.oid = i.indrelid"
	    " join pg_namespace n on n.oid = t.relnamespace where i.indrelid >= 16384 order by 1, 4");
	PGresult *att = cat_rows(cat, "select ic.oid, pn.nspname as parent_nspname, p.relname as parent_relname,"
	    " cn.nspname, c.relname, t.oid as relid"
	    " from pg_inherits h join pg_class c on c.oid = h.inhrelid join pg_class p on p.oid = h.inhparent"
	    " join pg_namespace cn on cn.oid = c.relnamespace join pg_namespace pn on pn.oid = p.relnamespace"
	    " join pg_index ic_ on ic_.indexrelid = c.oid join pg_class t on t.oid = ic_.indrelid"
	    " join pg_class ic on ic.oid = c.oid"
	    " where c.relkind in ('i','I') order by 1");
	const struct table_cols tc = table_cols(r);
	const int c_nspname = tc.nspname, c_indexname = pgq_col(r, "indexname"), c_def = pgq_col(r, "def"),
	    c_clustered = pgq_col(r, "indisclustered"), c_replident = pgq_col(r, "indisreplident"),
	    c_constraint = pgq_col(r, "constraint_index"), c_valid = pgq_col(r, "indisvalid"),
	    c_stattargets = pgq_col(r, "stattargets"), c_tablespace = pgq_col(r, "tablespace"),
	    c_oid = pgq_col(r, "indexrelid"), c_partitioned = pgq_col(r, "partitioned"),
	    c_relkind = pgq_col(r, "relkind");
	const int a_oid = pgq_col(att, "oid"), a_parent_nspname = pgq_col(att, "parent_nspname"),
	    a_parent_relname = pgq_col(att, "parent_relname"), a_nspname = pgq_col(att, "nspname"),
	    a_relname = pgq_col(att, "relname"), a_relid = pgq_col(att, "relid");

	for (int i = 0; i < PQntuples(r); i++) {
		char *q = table_q(cat, r, i, &tc), *iq;
		struct sbuf b = { 0 }, w = { 0 };

		if (!q)
			continue;
		iq = cat_qname(V(r, i, c_nspname), V(r, i, c_indexname));
		if (!TRUE_(r, i, c_constraint)) {
			if (!TRUE_(r, i, c_valid) && !TRUE_(r, i, c_partitioned)) {
				/* An invalid index is a failed CREATE INDEX CONCURRENTLY;
				 * a partitioned one is invalid until every partition has
				 * its index attached, and is dumped as it stands. */
				log_warn("skipping invalid index %s (left by a failed CREATE INDEX CONCURRENTLY?)", iq);
				free(iq);
				free(q);
				continue;
			}
			sbuf_printf(&b, "%s;\n", V(r, i, c_def));
			cat_tablespace(cat, &b, cat_opt_val(r, i, c_tablespace));
		}
		if (!NUL(r, i, c_stattargets)) {
			const char *p = V(r, i, c_stattargets);
			long col, target;
			int used;

			while (sscanf(p, "%ld %ld%n", &col, &target, &used) == 2) {
				sbuf_printf(&b, "ALTER INDEX %s ALTER COLUMN %ld SET STATISTICS %ld;\n", iq, col, target);
				p += used;
			}
		}
		sbuf_printf(&w, "INDEX %s", iq);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_CLASS, OID(r, i, c_oid), 0));
		if (b.len) {
			struct dobj *d = cat_post(cat, TRUE_(r, i, c_constraint) ? P_INDEX_ATTACH : P_INDEX,
			    TRUE_(r, i, c_constraint) ? 0 : C_CLASS, OID(r, i, c_oid), V(r, i, c_nspname),
			    V(r, i, c_indexname), "INDEX", &b);

			/* an ordinary table's own index may follow its rows */
			if (!TRUE_(r, i, c_constraint) && V(r, i, c_relkind)[0] == 'r')
				d->rel = OID(r, i, tc.relid);
		}
		if (TRUE_(r, i, c_clustered) || TRUE_(r, i, c_replident)) {
			char *in = cat_ident(V(r, i, c_indexname));

			if (TRUE_(r, i, c_clustered))
				sbuf_printf(&b, "ALTER TABLE %s CLUSTER ON %s;\n", q, in);
			if (TRUE_(r, i, c_replident))
				sbuf_printf(&b, "ALTER TABLE ONLY %s REPLICA IDENTITY USING INDEX %s;\n", q, in);
			free(in);
		}
		if (b.len)
			cat_post(cat, P_INDEX_ATTACH, 0, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_indexname), "INDEX OPTIONS", &b);
		sbuf_free(&w);
		free(iq);
		free(q);
	}
	for (int i = 0; i < PQntuples(att); i++) {
		struct sbuf b = { 0 };

		if (!oidset_has(&cat->rels, OID(att, i, a_relid)))
			continue;
		sbuf_puts(&b, "ALTER INDEX ");
		sql_qualified(&b, V(att, i, a_parent_nspname), V(att, i, a_parent_relname));
		sbuf_puts(&b, " ATTACH PARTITION ");
		sql_qualified(&b, V(att, i, a_nspname), V(att, i, a_relname));
		sbuf_puts(&b, ";\n");
		cat_post(cat, P_INDEX_ATTACH, 0, OID(att, i, a_oid), V(att, i, a_nspname), V(att, i, a_relname), "INDEX ATTACH", &b);
	}
	PQclear(r);
	PQclear(att);
}

static const char *
enable_word(char c)
{
	return c == 'D' ? "DISABLE" : c == 'R' ? "ENABLE REPLICA" : c == 'A' ? "ENABLE ALWAYS" : NULL;
}

void
triggers_rules_load(struct catalog *cat)
{
	struct sbuf sql = { 0 };
	PGresult *r;

	sbuf_printf(&sql, "select t.tgrelid as relid, n.nspname, c.relname, t.tgname as name,"
	    " pg_get_triggerdef(t.oid) || ';' as def, t.tgenabled as enabled, t.oid, false as is_rule"
	    " from pg_trigger t join pg_class c on c.oid = t.tgrelid"
	    " join pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal%s"
	    " union all select r.ev_class, n.nspname, c.relname, r.rulename, pg_get_ruledef(r.oid), r.ev_enabled,"
	    " r.oid, true from pg_rewrite r join pg_class c on c.oid = r.ev_class"
	    " join pg_namespace n on n.oid = c.relnamespace where r.rulename <> '_RETURN' and r.oid >= 16384"
	    " order by 1, 4", cat->server_version >= 130000 ? " and t.tgparentid = 0" : "");
	r = cat_rows(cat, sql.s);
	const struct table_cols tc = table_cols(r);
	const int c_nspname = tc.nspname, c_name = pgq_col(r, "name"), c_def = pgq_col(r, "def"),
	    c_enabled = pgq_col(r, "enabled"), c_oid = pgq_col(r, "oid"), c_is_rule = pgq_col(r, "is_rule");

	for (int i = 0; i < PQntuples(r); i++) {
		char *q = table_q(cat, r, i, &tc), *n;
		int rule = TRUE_(r, i, c_is_rule);
		const char *en = enable_word(V(r, i, c_enabled)[0]);
		struct sbuf b = { 0 }, w = { 0 };

		if (!q)
			continue;
		n = cat_ident(V(r, i, c_name));
		sbuf_printf(&b, "%s\n", V(r, i, c_def));
		if (en)
			sbuf_printf(&b, "ALTER TABLE %s %s %s %s;\n", q, en, rule ? "RULE" : "TRIGGER", n);
		sbuf_printf(&w, "%s %s ON %s", rule ? "RULE" : "TRIGGER", n, q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, rule ? C_REWRITE : C_TRIGGER, OID(r, i, c_oid), 0));
		cat_post(cat, rule ? P_RULE : P_TRIGGER, rule ? C_REWRITE : C_TRIGGER, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_name),
		    rule ? "RULE" : "TRIGGER", &b);
		sbuf_free(&w);
		free(n);
		free(q);
	}
	PQclear(r);
	sbuf_free(&sql);
}

/* A trigger on a partitioned table is cloned onto every partition (13+:
 * tgparentid); a partition's clone whose enabled state differs from its
 * parent's gets it back, after the parent's trigger exists. */
void
trigger_states_load(struct catalog *cat)
{
	PGresult *r;

	if (cat->server_version < 130000)
		return;
	r = cat_rows(cat, "select t.tgrelid as relid, n.nspname, c.relname, t.tgname, t.tgenabled, t.oid"
	    " from pg_trigger t join pg_trigger p on p.oid = t.tgparentid"
	    " join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace"
	    " where t.tgenabled <> p.tgenabled order by 1, 4");
	const struct table_cols tc = table_cols(r);
	const int c_tgname = pgq_col(r, "tgname"), c_enabled = pgq_col(r, "tgenabled"), c_oid = pgq_col(r, "oid");

	for (int i = 0; i < PQntuples(r); i++) {
		char e = V(r, i, c_enabled)[0], *q = table_q(cat, r, i, &tc), *n;
		struct sbuf b = { 0 };

		if (!q)
			continue;
		n = cat_ident(V(r, i, c_tgname));
		sbuf_printf(&b, "ALTER TABLE %s %s TRIGGER %s;\n", q, e == 'O' ? "ENABLE" : enable_word(e), n);
		cat_post(cat, P_TRIGGER_STATE, 0, OID(r, i, c_oid), V(r, i, tc.nspname), V(r, i, c_tgname),
		    "TRIGGER STATE", &b);
		free(n);
		free(q);
	}
	PQclear(r);
}

void
policies_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select p.polrelid as relid, n.nspname, c.relname, p.polname, p.polcmd,"
	    " p.polpermissive, pg_get_expr(p.polqual, p.polrelid) as qual,"
	    " pg_get_expr(p.polwithcheck, p.polrelid) as withcheck, p.oid"
	    " from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace"
	    " order by 1, 4");
	PGresult *roles = cat_rows(cat, "select p.oid, case when x.r = 0 then null else pg_get_userbyid(x.r) end as role"
	    " from pg_policy p, unnest(p.polroles) with ordinality x(r, k) order by 1, x.k");
	const struct table_cols tc = table_cols(r);
	const int c_nspname = tc.nspname, c_polname = pgq_col(r, "polname"), c_cmd = pgq_col(r, "polcmd"),
	    c_permissive = pgq_col(r, "polpermissive"), c_qual = pgq_col(r, "qual"),
	    c_withcheck = pgq_col(r, "withcheck"), c_oid = pgq_col(r, "oid");
	const int o_oid = pgq_col(roles, "oid"), o_role = pgq_col(roles, "role");

	for (int i = 0; i < PQntuples(r); i++) {
		char *q = table_q(cat, r, i, &tc), *n, cmd = V(r, i, c_cmd)[0];
		struct sbuf b = { 0 }, w = { 0 };
		int lo, hi, pub = 0;

		if (!q)
			continue;
		n = cat_ident(V(r, i, c_polname));
		sbuf_printf(&b, "CREATE POLICY %s ON %s%s", n, q, TRUE_(r, i, c_permissive) ? "" : " AS RESTRICTIVE");
		if (cmd != '*')
			sbuf_printf(&b, " FOR %s", cmd == 'r' ? "SELECT" : cmd == 'a' ? "INSERT" :
			    cmd == 'w' ? "UPDATE" : "DELETE");
		cat_rows_for(roles, o_oid, OID(r, i, c_oid), &lo, &hi);
		for (int k = lo; k < hi; k++)
			pub |= NUL(roles, k, o_role);
		if (!pub && hi > lo) {
			sbuf_puts(&b, " TO ");
			for (int k = lo; k < hi; k++) {
				if (k > lo)
					sbuf_puts(&b, ", ");
				sql_ident(&b, V(roles, k, o_role));
			}
		}
		if (!NUL(r, i, c_qual))
			sbuf_printf(&b, " USING (%s)", V(r, i, c_qual));
		if (!NUL(r, i, c_withcheck))
			sbuf_printf(&b, " WITH CHECK (%s)", V(r, i, c_withcheck));
		sbuf_puts(&b, ";\n");
		sbuf_printf(&w, "POLICY %s ON %s", n, q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_POLICY, OID(r, i, c_oid), 0));
		cat_post(cat, P_POLICY, C_POLICY, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_polname), "POLICY", &b);
		sbuf_free(&w);
		free(n);
		free(q);
	}
	PQclear(r);
	PQclear(roles);
}

void
statistics_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select s.stxrelid, n.nspname, s.stxname, pg_get_statisticsobjdef(s.oid) as def,"
	    " coalesce(s.stxstattarget, -1) as target, pg_get_userbyid(s.stxowner) as owner, s.oid"
	    " from pg_statistic_ext s join pg_namespace n on n.oid = s.stxnamespace order by 1, 3");
	const int c_relid = pgq_col(r, "stxrelid"), c_nspname = pgq_col(r, "nspname"), c_stxname = pgq_col(r, "stxname"),
	    c_def = pgq_col(r, "def"), c_target = pgq_col(r, "target"), c_owner = pgq_col(r, "owner"),
	    c_oid = pgq_col(r, "oid");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		char *q;

		if (!oidset_has(&cat->rels, OID(r, i, c_relid)))
			continue;
		q = cat_qname(V(r, i, c_nspname), V(r, i, c_stxname));
		sbuf_printf(&b, "%s;\n", V(r, i, c_def));
		if (atoi(V(r, i, c_target)) >= 0)
			sbuf_printf(&b, "ALTER STATISTICS %s SET STATISTICS %s;\n", q, V(r, i, c_target));
		cat_owner_to(cat, &b, "STATISTICS", q, V(r, i, c_owner));
		sbuf_printf(&w, "STATISTICS %s", q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_STATS, OID(r, i, c_oid), 0));
		cat_post(cat, P_STATS, C_STATS, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_stxname), "STATISTICS", &b);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
}

