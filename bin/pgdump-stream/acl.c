/* Privileges: GRANT and REVOKE as differences from each object's default
 * (or initial) ACL, column privileges, and ALTER DEFAULT PRIVILEGES. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

/* GRANT statements from rows that give, one privilege a row, the grantee
 * (NULL: PUBLIC), privilege_type and is_grantable; rows without a privilege
 * (a revoke, an ACL emptied by REVOKE) are passed over. */

/* The grant columns of such a result. */
struct grant_cols {
	int grantee, privilege, grantable;
};

static struct grant_cols
grant_cols(const PGresult *r)
{
	struct grant_cols g = { pgq_col(r, "grantee"), pgq_col(r, "privilege_type"), pgq_col(r, "is_grantable") };

	return g;
}

static void
grant_rows(struct sbuf *b, const PGresult *r, const struct grant_cols *g, int i, int j, const char *prefix,
    const char *privfmt, const char *col, const char *kw, const char *target)
{
	for (int a = i; a < j;) {
		int e = a;

		if (NUL(r, a, g->privilege)) {
			a++;
			continue;
		}
		sbuf_printf(b, "%sGRANT ", prefix);
		while (e < j && !NUL(r, e, g->privilege) && NUL(r, e, g->grantee) == NUL(r, a, g->grantee) &&
		    strcmp(V(r, e, g->grantee), V(r, a, g->grantee)) == 0 &&
		    V(r, e, g->grantable)[0] == V(r, a, g->grantable)[0]) {
			if (e > a)
				sbuf_putc(b, ',');
			sbuf_printf(b, privfmt, V(r, e, g->privilege), col);
			e++;
		}
		sbuf_printf(b, " ON %s%s%s TO ", kw, *target ? " " : "", target);
		if (NUL(r, a, g->grantee))
			sbuf_puts(b, "PUBLIC");
		else
			sql_ident(b, V(r, a, g->grantee));
		sbuf_puts(b, V(r, a, g->grantable)[0] == 't' ? " WITH GRANT OPTION;\n" : ";\n");
		a = e;
	}
}

static void
acl_append(struct dobj *d, struct sbuf *b)
{
	if (d->acl) {
		struct sbuf n = { 0 };

		sbuf_puts(&n, d->acl);
		sbuf_add(&n, b->s, b->len);
		free(d->acl);
		d->acl = sbuf_take(&n);
		sbuf_free(b);
	} else
		d->acl = sbuf_take(b);
}

/* Privileges as pg_dump writes them: the difference between the object's
 * ACL and the default ACL for its kind and owner (acldefault). ACL items of
 * the default that the object lacks are revoked (REVOKE ALL ... FROM their
 * grantee), items it has beyond the default are granted. An object whose
 * ACL is the default gets nothing, so a restore keeps the target server's
 * defaults: a 15 dump restored on 17 leaves its tables' owners the MAINTAIN
 * privilege that 17 gives them. For an object the server made at initdb
 * (schema public) the base is its initial ACL (pg_init_privs), as pg_dump
 * takes it. The query (acl_sql) gives per object its
 * oid, kw and, step 1, each grantee to revoke from, then, step 2, the
 * grants one privilege a row (grantee NULL: PUBLIC). */
static void
acls_load(struct catalog *cat, Oid classid, const char *sql)
{
	PGresult *r = cat_rows(cat, sql);
	const int c_oid = pgq_col(r, "oid"), c_kw = pgq_col(r, "kw"), c_step = pgq_col(r, "step"),
	    c_target = pgq_col(r, "target"), c_holder = pgq_col(r, "holder");
	const struct grant_cols g = grant_cols(r);
	int n = PQntuples(r), whole = cat_whole(cat);

	for (int i = 0, j; i < n; i = j) {
		Oid oid = OID(r, i, c_oid);
		/* A large object's OID may be anything (lo_create takes one),
		 * another object's too: large objects are looked up by no one. */
		int k = classid == C_LARGEOBJECT ? -1 : cat_find(cat, oid);
		struct sbuf b = { 0 };
		struct dobj *d;

		for (j = i; j < n && OID(r, j, c_oid) == oid; j++)
			;
		if (k < 0 && whole && TRUE_(r, i, c_holder)) {
			/* pg_catalog's or an extension's, so not dumped itself: an
			 * object without statements holds its privileges. */
			d = cat_add(cat, P_DEFAULT_ACL, classid, oid, "", V(r, i, c_target), V(r, i, c_kw));
			free(d->target);
			d->target = xstrdup(V(r, i, c_target));
		} else if (k < 0 || cat->obj[k].classid != classid) {
			continue;
		} else {
			d = &cat->obj[k];
		}
		for (int e = i; e < j && V(r, e, c_step)[0] == '1'; e++) {
			sbuf_printf(&b, "REVOKE ALL ON %s %s FROM ", V(r, e, c_kw), d->target);
			if (NUL(r, e, g.grantee))
				sbuf_puts(&b, "PUBLIC");
			else
				sql_ident(&b, V(r, e, g.grantee));
			sbuf_puts(&b, ";\n");
		}
		grant_rows(&b, r, &g, i, j, "", "%s", "", V(r, i, c_kw), d->target);
		if (b.len)
			acl_append(d, &b);
		sbuf_free(&b);
	}
	PQclear(r);
}

/* The query acls_load reads for one catalog: its ACL, owner and kind (the
 * letter acldefault takes) columns, the GRANT keyword, the object's name in
 * GRANT (target), and whether it is one of pg_catalog's (system: what
 * tells) or an extension's (holder), whose privileges pg_dump dumps when
 * they differ from their initial ones though it dumps not the object. */
static char *
acl_sql(const char *catalog, const char *acl, const char *owner, const char *kind, const char *kw,
    const char *target, const char *system, const char *extra)
{
	struct sbuf q = { 0 };

	sbuf_printf(&q, "select x.oid, %s as kw, %s as target, d.step,"
	    " (%s or exists (select 1 from pg_depend e where e.classid = '%s'::regclass"
	    "   and e.objid = x.oid and e.deptype = 'e')) as holder,"
	    " case when d.grantee = 0 then null else pg_get_userbyid(d.grantee) end as grantee,"
	    " d.privilege_type, d.is_grantable"
	    " from %s x, lateral (select x.%s as acl, coalesce((select p.initprivs from pg_init_privs p"
	    "     where p.objoid = x.oid and p.classoid = '%s'::regclass and p.objsubid = 0),"
	    "   acldefault(%s, x.%s)) as base) z,"
	    " lateral (select 1 as step, r.grantee, null::text as privilege_type, null::boolean as is_grantable,"
	    "     0::bigint as item, 0::bigint as ord"
	    "   from (select distinct (aclexplode(array[i])).grantee from unnest(z.base) i"
	    "     where not i = any(z.acl)) r"
	    "   union all select 2, e.grantee, e.privilege_type, e.is_grantable, u.k, e.ord"
	    "   from unnest(z.acl) with ordinality u(i, k), lateral aclexplode(array[u.i]) with ordinality"
	    "     e(grantor, grantee, privilege_type, is_grantable, ord)"
	    "   where not u.i = any(z.base)) d"
	    " where x.%s is not null and x.%s <> z.base and (%s)"
	    " order by 1, d.step, d.item, d.ord, 6",
	    kw, target, system, catalog, catalog, acl, catalog, kind, owner, acl, acl, extra);
	return sbuf_take(&q);
}

void
acl_shared(const struct pgq *q, const char *catalog, const char *acl, const char *owner, const char *kind,
    const char *kw, const char *target, const char *which, struct sbuf *out)
{
	char *sql = acl_sql(catalog, acl, owner, kind, kw, target, "false", which);
	PGresult *r = pgq_rows(q, sql, "cannot read privileges");
	const int c_oid = pgq_col(r, "oid"), c_kw = pgq_col(r, "kw"), c_step = pgq_col(r, "step"),
	    c_target = pgq_col(r, "target");
	const struct grant_cols g = grant_cols(r);
	int n = PQntuples(r);

	for (int i = 0, j; i < n; i = j) {
		for (j = i; j < n && OID(r, j, c_oid) == OID(r, i, c_oid); j++)
			;
		for (int e = i; e < j && V(r, e, c_step)[0] == '1'; e++) {
			sbuf_printf(out, "REVOKE ALL ON %s %s FROM ", V(r, e, c_kw), V(r, i, c_target));
			if (NUL(r, e, g.grantee))
				sbuf_puts(out, "PUBLIC");
			else
				sql_ident(out, V(r, e, g.grantee));
			sbuf_puts(out, ";\n");
		}
		grant_rows(out, r, &g, i, j, "", "%s", "", V(r, i, c_kw), V(r, i, c_target));
	}
	PQclear(r);
	free(sql);
}

/* ---- default privileges: ALTER DEFAULT PRIVILEGES, after all else. A
 * global entry replaces the built-in defaults (revoke them, grant what it
 * holds); an entry for one schema can only add to them. */
void
default_acls_load(struct catalog *cat)
{
	int whole = cat_whole(cat);
	PGresult *r;

	if (cat->opt->no_privileges)
		return;
	/* The entry, its keyword and role, the grants (as acls_load), and
	 * its schema if it has one. */
	r = cat_rows(cat, "select d.oid, case d.defaclobjtype when 'r' then 'TABLES' when 'S' then 'SEQUENCES'"
	    " when 'f' then 'FUNCTIONS' when 'T' then 'TYPES' else 'SCHEMAS' end as kw,"
	    " pg_get_userbyid(d.defaclrole) as role,"
	    " case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end as grantee, a.privilege_type,"
	    " a.is_grantable, n.nspname, d.defaclnamespace"
	    " from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace"
	    " left join lateral aclexplode(d.defaclacl) with ordinality a on true order by 1, a.ordinality");
	const int c_oid = pgq_col(r, "oid"), c_kw = pgq_col(r, "kw"), c_role = pgq_col(r, "role"),
	    c_nspname = pgq_col(r, "nspname"), c_nsp = pgq_col(r, "defaclnamespace");
	const struct grant_cols g = grant_cols(r);

	for (int i = 0, j; i < PQntuples(r); i = j) {
		struct sbuf b = { 0 }, pre = { 0 };
		Oid nsp = OID(r, i, c_nsp);

		for (j = i; j < PQntuples(r) && OID(r, j, c_oid) == OID(r, i, c_oid); j++)
			;
		if (nsp ? !cat_in_schema(cat, nsp) : !whole)
			continue;
		sbuf_puts(&pre, "ALTER DEFAULT PRIVILEGES FOR ROLE ");
		sql_ident(&pre, V(r, i, c_role));
		if (nsp) {
			sbuf_puts(&pre, " IN SCHEMA ");
			sql_ident(&pre, V(r, i, c_nspname));
		} else {
			sbuf_printf(&b, "%s REVOKE ALL ON %s FROM PUBLIC;\n", pre.s, V(r, i, c_kw));
			sbuf_printf(&b, "%s REVOKE ALL ON %s FROM ", pre.s, V(r, i, c_kw));
			sql_ident(&b, V(r, i, c_role));
			sbuf_puts(&b, ";\n");
		}
		sbuf_putc(&pre, ' ');
		grant_rows(&b, r, &g, i, j, pre.s, "%s", "", V(r, i, c_kw), "");
		cat_post(cat, P_DEFAULT_ACL, C_DEFACL, OID(r, i, c_oid), nsp ? V(r, i, c_nspname) : "", V(r, i, c_role), "DEFAULT ACL", &b);
		sbuf_free(&pre);
	}
	PQclear(r);
}

/* Column privileges: the table, the column's name, then as above; on
 * pg_catalog's tables only those beyond their initial ones (pg_init_privs),
 * held by an object of their own as acls_load's are. */
static void
column_acls_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select a.attrelid, a.attname,"
	    " case when g.grantee = 0 then null else pg_get_userbyid(g.grantee) end as grantee, g.privilege_type,"
	    " g.is_grantable, a.attrelid < 16384 as system,"
	    " quote_ident(n.nspname) || '.' || quote_ident(c.relname) as target"
	    " from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace"
	    " cross join lateral (select u.i from unnest(a.attacl) with ordinality u(i, k)"
	    "   where a.attrelid >= 16384 or not u.i = any(coalesce((select p.initprivs from pg_init_privs p"
	    "     where p.objoid = a.attrelid and p.classoid = " STR(C_CLASS) " and p.objsubid = a.attnum),"
	    "     '{}'::aclitem[])) order by u.k) x"
	    " cross join lateral aclexplode(array[x.i]) with ordinality g"
	    " where a.attacl is not null and (a.attrelid >= 16384 or n.nspname = 'pg_catalog')"
	    " order by 1, a.attnum, g.ordinality");
	const int c_relid = pgq_col(r, "attrelid"), c_attname = pgq_col(r, "attname"), c_system = pgq_col(r, "system"),
	    c_target = pgq_col(r, "target");
	const struct grant_cols g = grant_cols(r);
	int n = PQntuples(r);

	for (int i = 0, j; i < n; i = j) {
		Oid oid = OID(r, i, c_relid);
		int k = cat_find(cat, oid);
		struct sbuf b = { 0 }, col = { 0 };
		struct dobj *d;

		for (j = i; j < n && OID(r, j, c_relid) == oid && strcmp(V(r, j, c_attname), V(r, i, c_attname)) == 0; j++)
			;
		if (k < 0 && TRUE_(r, i, c_system) && cat_whole(cat)) {
			d = cat_add(cat, P_DEFAULT_ACL, C_CLASS, oid, "", V(r, i, c_target), "TABLE");
			free(d->target);
			d->target = xstrdup(V(r, i, c_target));
		} else if (k < 0 || cat->obj[k].classid != C_CLASS)
			continue;
		else
			d = &cat->obj[k];
		sbuf_puts(&col, " (");
		sql_ident(&col, V(r, i, c_attname));
		sbuf_putc(&col, ')');
		grant_rows(&b, r, &g, i, j, "", "%s%s", col.s, "TABLE", d->target);
		acl_append(d, &b);
		sbuf_free(&col);
	}
	PQclear(r);
}

void
privileges_load(struct catalog *cat)
{
	static const struct {
		Oid classid;
		const char *catalog, *acl, *owner, *kind, *kw, *target, *system;
	} k[] = {
		{ C_NAMESPACE, "pg_namespace", "nspacl", "nspowner", "'n'", "'SCHEMA'", "quote_ident(x.nspname)",
		  "x.nspname = 'pg_catalog'" },
		{ C_CLASS, "pg_class", "relacl", "relowner",
		  "(case x.relkind when 'S' then 's' else 'r' end)::\"char\"",
		  "case x.relkind when 'S' then 'SEQUENCE' else 'TABLE' end",
		  "(select quote_ident(n.nspname) from pg_namespace n where n.oid = x.relnamespace) || '.' ||"
		  " quote_ident(x.relname)", "x.relnamespace = 'pg_catalog'::regnamespace" },
		{ C_PROC, "pg_proc", "proacl", "proowner", "'f'",
		  "case x.prokind when 'p' then 'PROCEDURE' when 'a' then 'ROUTINE' else 'FUNCTION' end",
		  "(select quote_ident(n.nspname) from pg_namespace n where n.oid = x.pronamespace) || '.' ||"
		  " quote_ident(x.proname) || '(' || pg_get_function_identity_arguments(x.oid) || ')'",
		  "x.pronamespace = 'pg_catalog'::regnamespace" },
		{ C_TYPE, "pg_type", "typacl", "typowner", "'T'", "'TYPE'", "format_type(x.oid, null)",
		  "x.typnamespace = 'pg_catalog'::regnamespace" },
		{ C_LANGUAGE, "pg_language", "lanacl", "lanowner", "'l'", "'LANGUAGE'", "quote_ident(x.lanname)",
		  "false" },
		{ C_FDW, "pg_foreign_data_wrapper", "fdwacl", "fdwowner", "'F'", "'FOREIGN DATA WRAPPER'",
		  "quote_ident(x.fdwname)", "false" },
		{ C_SERVER, "pg_foreign_server", "srvacl", "srvowner", "'S'", "'FOREIGN SERVER'", "quote_ident(x.srvname)",
		  "false" },
	};

	/* Large objects' privileges, when they are dumped: each one with
	 * privileges of its own gets an object that holds them. */
	if (cat_whole(cat) && !cat->opt->schema_only) {
		char *sql = acl_sql("pg_largeobject_metadata", "lomacl", "lomowner", "'L'", "'LARGE OBJECT'", "x.oid::text",
		    "true", "true");

		acls_load(cat, C_LARGEOBJECT, sql);
		free(sql);
	}
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char *sql = acl_sql(k[i].catalog, k[i].acl, k[i].owner, k[i].kind, k[i].kw, k[i].target, k[i].system,
		    "true");

		acls_load(cat, k[i].classid, sql);
		free(sql);
	}
	column_acls_load(cat);
}
