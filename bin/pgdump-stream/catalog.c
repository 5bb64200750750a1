/* The catalog read into dump objects. Names are quoted here (lib/sql);
 * expressions, view bodies, function bodies and index, constraint, trigger
 * and rule definitions come from the server's pg_get_* functions, with
 * search_path empty so that every name in them is qualified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "sql.h"
#include "xmem.h"

#define V(r, i, j) PQgetvalue(r, i, j)
#define NUL(r, i, j) PQgetisnull(r, i, j)
#define OID(r, i, j) ((Oid)strtoul(PQgetvalue(r, i, j), NULL, 10))
#define TRUE_(r, i, j) (PQgetvalue(r, i, j)[0] == 't')

/* Catalog OIDs are fixed across versions. */
#define C_CLASS 1259
#define C_TYPE 1247
#define C_PROC 1255
#define C_NAMESPACE 2615
#define C_EXTENSION 3079
#define C_COLLATION 3456

/* The user's objects only: not system ones, not an extension's members,
 * not those the server made as part of another (a range type's
 * constructors and casts). */
#define NOT_EXT(cls, col) \
	" and not exists (select 1 from pg_depend e where e.classid = " #cls \
	" and e.objid = " col " and e.deptype in ('e','i'))"

static const struct dumpopt *O;
static PGconn *C;
static int server_version;

/* Sets of OIDs: sorted arrays searched by bisection. */
struct oidset {
	Oid *v;
	int n;
};

static int
oid_cmp(const void *a, const void *b)
{
	Oid x = *(const Oid *)a, y = *(const Oid *)b;

	return x < y ? -1 : x > y;
}

static void
oidset_from(struct oidset *s, PGresult *r, int col)
{
	s->n = PQntuples(r);
	s->v = xmalloc(((size_t)s->n + 1) * sizeof *s->v);
	for (int i = 0; i < s->n; i++)
		s->v[i] = OID(r, i, col);
	qsort(s->v, (size_t)s->n, sizeof *s->v, oid_cmp);
}

static int
oidset_has(const struct oidset *s, Oid o)
{
	return s->n && bsearch(&o, s->v, (size_t)s->n, sizeof o, oid_cmp) != NULL;
}

static struct oidset schemas, rels;

/* Rows of r (sorted by the OID in column 0) that belong to oid: [*lo, *hi). */
static void
rows_for(PGresult *r, Oid oid, int *lo, int *hi)
{
	int a = 0, b = PQntuples(r);

	while (a < b) {
		int m = (a + b) / 2;

		if (OID(r, m, 0) < oid)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < PQntuples(r) && OID(r, a, 0) == oid)
		a++;
	*hi = a;
}

static char *
qname(const char *schema, const char *name)
{
	struct sbuf b = { 0 };

	sql_qualified(&b, schema, name);
	return sbuf_take(&b);
}

static char *
ident(const char *name)
{
	struct sbuf b = { 0 };

	sql_ident(&b, name);
	return sbuf_take(&b);
}

static struct dobj *
add(struct catalog *cat, enum prio prio, Oid classid, Oid oid, const char *schema,
    const char *name, const char *kind)
{
	struct dobj *d;

	if (cat->nobj == cat->cap) {
		cat->cap = cat->cap ? cat->cap * 2 : 256;
		cat->obj = xrealloc(cat->obj, (size_t)cat->cap * sizeof *cat->obj);
	}
	d = &cat->obj[cat->nobj++];
	memset(d, 0, sizeof *d);
	d->prio = prio;
	d->sect = prio >= P_CONSTRAINT ? SECT_POST : SECT_PRE;
	d->classid = classid;
	d->oid = oid;
	d->schema = xstrdup(schema);
	d->name = xstrdup(name);
	d->kind = xstrdup(kind);
	d->target = *schema ? qname(schema, name) : ident(name);
	return d;
}

/* "ALTER kind q OWNER TO role;" unless -O. */
static void
owner_to(struct sbuf *b, const char *kind, const char *q, const char *role)
{
	if (O->no_owner || !role || !*role)
		return;
	sbuf_printf(b, "ALTER %s %s OWNER TO ", kind, q);
	sql_ident(b, role);
	sbuf_puts(b, ";\n");
}

static void
comment_on(struct sbuf *b, const char *what, const char *text)
{
	if (!text)
		return;
	sbuf_printf(b, "COMMENT ON %s IS ", what);
	sql_literal(b, text);
	sbuf_puts(b, ";\n");
}

static const char *
opt_val(PGresult *r, int i, int j)
{
	return NUL(r, i, j) ? NULL : V(r, i, j);
}

static void
drop_stmt(struct dobj *d, const char *kind, const char *q)
{
	struct sbuf b = { 0 };

	sbuf_printf(&b, "DROP %s %s%s;\n", kind, O->if_exists ? "IF EXISTS " : "", q);
	d->drop = sbuf_take(&b);
}

/* An object with a name in a schema that the selection holds? */
static int
in_schema(Oid nsp)
{
	return O->f.ntables == 0 && oidset_has(&schemas, nsp);
}

/* Something the dump would lose: a definition (not a loss under -a, which
 * dumps rows only) or rows (always a loss). */
static void
unsupported_data(struct catalog *cat, const char *what)
{
	sbuf_puts(&cat->unsupported, what);
	sbuf_putc(&cat->unsupported, '\n');
	cat->nunsupported++;
}

static void
unsupported(struct catalog *cat, const char *what)
{
	if (!O->data_only)
		unsupported_data(cat, what);
}

/* ---- selection */

static void
patterns_sql(struct sbuf *b, const char *const *pats, int n, const char *ncol, const char *rcol)
{
	struct sbuf sre = { 0 }, nre = { 0 };

	sbuf_puts(b, "(false");
	for (int i = 0; i < n; i++) {
		if (sql_pattern(pats[i], &sre, &nre) < 0)
			die(EX_SOFTWARE, "pattern %s passed option checks but does not parse", pats[i]);
		sbuf_puts(b, " or (");
		if (rcol) {
			if (sre.len) {
				sbuf_printf(b, "%s ~ ", ncol);
				sql_literal(b, sre.s);
				sbuf_puts(b, " and ");
			}
			sbuf_printf(b, "%s ~ ", rcol);
			sql_literal(b, nre.s);
		} else {
			if (sre.len)
				die(EX_SOFTWARE, "schema pattern %s passed option checks with a dot", pats[i]);
			sbuf_printf(b, "%s ~ ", ncol);
			sql_literal(b, nre.s);
		}
		sbuf_putc(b, ')');
	}
	sbuf_putc(b, ')');
	sbuf_free(&sre);
	sbuf_free(&nre);
}

static void
schema_filter(struct sbuf *b)
{
	sbuf_puts(b, "n.nspname !~ '^pg_' and n.nspname <> 'information_schema'");
	if (O->f.nschemas) {
		sbuf_puts(b, " and ");
		patterns_sql(b, O->f.schemas, O->f.nschemas, "n.nspname", NULL);
	}
	if (O->f.nxschemas) {
		sbuf_puts(b, " and not ");
		patterns_sql(b, O->f.xschemas, O->f.nxschemas, "n.nspname", NULL);
	}
}

void
catalog_select_tables(PGconn *c, const struct dumpopt *opt, struct catalog *cat)
{
	struct sbuf q = { 0 };
	PGresult *r;

	O = opt;
	sbuf_puts(&q, "select n.oid from pg_namespace n where ");
	schema_filter(&q);
	sbuf_puts(&q, NOT_EXT(2615, "n.oid") " order by 1");
	r = q_rows(c, q.s);
	oidset_from(&schemas, r, 0);
	PQclear(r);

	/* Relations: with -t only the tables named (and the sequences they own),
	 * else every relation in the selected schemas; -T takes some away. */
	sbuf_reset(&q);
	sbuf_puts(&q, "select c.oid, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace"
	    " where c.relkind in ('r','p','v','m','S','f') and n.nspname !~ '^pg_'"
	    " and n.nspname <> 'information_schema'"
	    " and not exists (select 1 from pg_depend e where e.classid = 1259 and e.objid = c.oid"
	    "   and e.deptype = 'e')");
	if (opt->f.ntables) {
		sbuf_puts(&q, " and (");
		patterns_sql(&q, opt->f.tables, opt->f.ntables, "n.nspname", "c.relname");
		sbuf_puts(&q, " or c.oid in (select d.objid from pg_depend d join pg_class t on t.oid = d.refobjid"
		    " join pg_namespace n on n.oid = t.relnamespace where d.classid = 1259 and d.refclassid = 1259"
		    " and d.deptype in ('a','i') and ");
		patterns_sql(&q, opt->f.tables, opt->f.ntables, "n.nspname", "t.relname");
		sbuf_puts(&q, "))");
	} else {
		sbuf_puts(&q, " and ");
		schema_filter(&q);
	}
	if (opt->f.nxtables) {
		sbuf_puts(&q, " and not ");
		patterns_sql(&q, opt->f.xtables, opt->f.nxtables, "n.nspname", "c.relname");
	}
	sbuf_puts(&q, " order by 1");
	r = q_rows(c, q.s);
	oidset_from(&rels, r, 0);
	cat->lock = xmalloc(((size_t)PQntuples(r) + 1) * sizeof *cat->lock);
	for (int i = 0; i < PQntuples(r); i++)
		if (strchr("rp", V(r, i, 1)[0]))
			cat->lock[cat->nlock++] = OID(r, i, 0);
	PQclear(r);
	sbuf_free(&q);
}

/* ---- comments and privileges */

static PGresult *comments;  /* (objoid, classoid, objsubid, description) */

static const char *
comment_for(Oid classid, Oid oid, int subid)
{
	int lo, hi;

	rows_for(comments, oid, &lo, &hi);
	for (int i = lo; i < hi; i++)
		if (OID(comments, i, 1) == classid && atoi(V(comments, i, 2)) == subid)
			return V(comments, i, 3);
	return NULL;
}

/* Privileges that differ from the defaults: revoke the defaults, then
 * grant what the ACL holds, grantee by grantee. The query gives, ordered by
 * object: oid, the GRANT keyword (TABLE, SEQUENCE, ...), the owner, then per
 * privilege the grantee (NULL: PUBLIC), privilege and grantability (a row
 * of NULLs for an ACL emptied by REVOKE). */
static int find_main(struct catalog *cat, Oid oid);

static void
grant_rows(struct sbuf *b, PGresult *r, int i, int j, const char *prefix, const char *privfmt,
    const char *col, const char *kw, const char *target)
{
	for (int a = i; a < j;) {
		int e = a;

		if (NUL(r, a, 4)) {
			a++;
			continue;
		}
		sbuf_printf(b, "%sGRANT ", prefix);
		while (e < j && !NUL(r, e, 4) && NUL(r, e, 3) == NUL(r, a, 3) &&
		    strcmp(V(r, e, 3), V(r, a, 3)) == 0 && V(r, e, 5)[0] == V(r, a, 5)[0]) {
			if (e > a)
				sbuf_putc(b, ',');
			sbuf_printf(b, privfmt, V(r, e, 4), col);
			e++;
		}
		sbuf_printf(b, " ON %s%s%s TO ", kw, *target ? " " : "", target);
		if (NUL(r, a, 3))
			sbuf_puts(b, "PUBLIC");
		else
			sql_ident(b, V(r, a, 3));
		sbuf_puts(b, V(r, a, 5)[0] == 't' ? " WITH GRANT OPTION;\n" : ";\n");
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

static void
acls_load(struct catalog *cat, Oid classid, const char *sql)
{
	PGresult *r = q_rows(C, sql);
	int n = PQntuples(r);

	for (int i = 0, j; i < n; i = j) {
		Oid oid = OID(r, i, 0);
		int k = find_main(cat, oid);
		struct sbuf b = { 0 };
		struct dobj *d;

		for (j = i; j < n && OID(r, j, 0) == oid; j++)
			;
		if (k < 0 || cat->obj[k].classid != classid)
			continue;
		d = &cat->obj[k];
		sbuf_printf(&b, "REVOKE ALL ON %s %s FROM PUBLIC;\n", V(r, i, 1), d->target);
		sbuf_printf(&b, "REVOKE ALL ON %s %s FROM ", V(r, i, 1), d->target);
		sql_ident(&b, V(r, i, 2));
		sbuf_puts(&b, ";\n");
		grant_rows(&b, r, i, j, "", "%s", "", V(r, i, 1), d->target);
		acl_append(d, &b);
	}
	PQclear(r);
}

/* Column privileges: oid, attnum, column name, then as above. */
static void
column_acls_load(struct catalog *cat)
{
	PGresult *r = q_rows(C, "select a.attrelid, 'TABLE', a.attname,"
	    " case when g.grantee = 0 then null else pg_get_userbyid(g.grantee) end, g.privilege_type, g.is_grantable"
	    " from pg_attribute a, aclexplode(a.attacl) with ordinality g"
	    " where a.attacl is not null and a.attrelid >= 16384 order by 1, a.attnum, g.ordinality");
	int n = PQntuples(r);

	for (int i = 0, j; i < n; i = j) {
		Oid oid = OID(r, i, 0);
		int k = find_main(cat, oid);
		struct sbuf b = { 0 }, col = { 0 };

		for (j = i; j < n && OID(r, j, 0) == oid && strcmp(V(r, j, 2), V(r, i, 2)) == 0; j++)
			;
		if (k < 0 || cat->obj[k].classid != C_CLASS)
			continue;
		sbuf_puts(&col, " (");
		sql_ident(&col, V(r, i, 2));
		sbuf_putc(&col, ')');
		grant_rows(&b, r, i, j, "", "%s%s", col.s, "TABLE", cat->obj[k].target);
		acl_append(&cat->obj[k], &b);
		sbuf_free(&col);
	}
	PQclear(r);
}

/* Each object's lookup by OID; objects are few enough for a linear map
 * built once. */
static int *bymap;
static Oid *bykeys;
static int bymap_n;

static int
bykey_cmp(const void *a, const void *b)
{
	return oid_cmp(&bykeys[*(const int *)a], &bykeys[*(const int *)b]);
}

static void
map_build(struct catalog *cat)
{
	Oid *keys;

	free(bymap);
	free(bykeys);
	bymap = xmalloc(((size_t)cat->nobj + 1) * sizeof *bymap);
	bykeys = xmalloc(((size_t)cat->nobj + 1) * sizeof *bykeys);
	/* OIDs come from one counter, so they are unique across catalogs;
	 * helper objects (classid 0) borrow their owner's and are left out.
	 * bykeys is indexed by object while sorting, then rearranged. */
	bymap_n = 0;
	for (int i = 0; i < cat->nobj; i++) {
		bykeys[i] = cat->obj[i].oid;
		if (cat->obj[i].classid != 0)
			bymap[bymap_n++] = i;
	}
	qsort(bymap, (size_t)bymap_n, sizeof *bymap, bykey_cmp);
	keys = xmalloc(((size_t)bymap_n + 1) * sizeof *keys);
	for (int i = 0; i < bymap_n; i++)
		keys[i] = bykeys[bymap[i]];
	free(bykeys);
	bykeys = keys;
}

static int
find_main(struct catalog *cat, Oid oid)
{
	int a = 0, b = bymap_n;

	(void)cat;
	while (a < b) {
		int m = (a + b) / 2;

		if (bykeys[m] < oid)
			a = m + 1;
		else
			b = m;
	}
	return a < bymap_n && bykeys[a] == oid ? bymap[a] : -1;
}

/* ---- schemas and extensions */

static void
load_schemas(struct catalog *cat)
{
	PGresult *r = q_rows(C, "select n.oid, n.nspname, pg_get_userbyid(n.nspowner) from pg_namespace n"
	    " order by 1");

	for (int i = 0; i < PQntuples(r); i++) {
		Oid oid = OID(r, i, 0);
		const char *name = V(r, i, 1), *owner = V(r, i, 2), *cm;
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;

		if (!in_schema(oid))
			continue;
		q = ident(name);
		d = add(cat, P_SCHEMA, C_NAMESPACE, oid, "", name, "SCHEMA");
		/* Every database has public already; only its changes are dumped. */
		if (strcmp(name, "public") != 0) {
			sbuf_printf(&b, "CREATE SCHEMA %s;\n", q);
			drop_stmt(d, "SCHEMA", q);
		}
		if (strcmp(name, "public") != 0 || strcmp(owner, "pg_database_owner") != 0)
			owner_to(&b, "SCHEMA", q, owner);
		cm = comment_for(C_NAMESPACE, oid, 0);
		if (cm && !(strcmp(name, "public") == 0 && strcmp(cm, "standard public schema") == 0)) {
			sbuf_printf(&w, "SCHEMA %s", q);
			comment_on(&b, w.s, cm);
		}
		d->create = sbuf_take(&b);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
}

static void
load_extensions(struct catalog *cat)
{
	PGresult *r;

	if (O->f.nschemas || O->f.ntables)
		return;
	r = q_rows(C, "select x.oid, x.extname, n.nspname, x.extconfig is not null from pg_extension x"
	    " join pg_namespace n on n.oid = x.extnamespace where x.oid >= 16384 order by 1");
	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		char *q = ident(V(r, i, 1));
		struct dobj *d = add(cat, P_EXTENSION, C_EXTENSION, OID(r, i, 0), "", V(r, i, 1), "EXTENSION");

		if (TRUE_(r, i, 3)) {
			sbuf_printf(&w, "EXTENSION %s: data in its configuration tables", q);
			unsupported_data(cat, w.s);
			sbuf_reset(&w);
		}
		sbuf_printf(&b, "CREATE EXTENSION IF NOT EXISTS %s WITH SCHEMA ", q);
		sql_ident(&b, V(r, i, 2));
		sbuf_puts(&b, ";\n");
		sbuf_printf(&w, "EXTENSION %s", q);
		comment_on(&b, w.s, comment_for(C_EXTENSION, d->oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(d, "EXTENSION", q);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
}

static struct dobj *post(struct catalog *cat, enum prio prio, Oid classid, Oid oid, const char *schema,
    const char *name, const char *kind, struct sbuf *b);

/* ---- collations */

static void
load_collations(struct catalog *cat)
{
	struct sbuf q = { 0 };
	PGresult *r;

	/* The ICU locale moved between versions: collcollate until 14,
	 * colliculocale in 15 and 16, colllocale from 17. */
	sbuf_printf(&q, "select c.oid, n.nspname, c.collname, c.collprovider, c.collisdeterministic,"
	    " c.collcollate, c.collctype, %s, pg_get_userbyid(c.collowner), n.oid"
	    " from pg_collation c join pg_namespace n on n.oid = c.collnamespace"
	    " where c.oid >= 16384" NOT_EXT(3456, "c.oid") " order by 1",
	    server_version >= 170000 ? "c.colllocale" : server_version >= 150000 ? "c.colliculocale" : "c.collcollate");
	r = q_rows(C, q.s);
	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *qn, prov = V(r, i, 3)[0];

		if (!in_schema(OID(r, i, 9)))
			continue;
		qn = qname(V(r, i, 1), V(r, i, 2));
		d = add(cat, P_COLLATION, C_COLLATION, OID(r, i, 0), V(r, i, 1), V(r, i, 2), "COLLATION");
		sbuf_printf(&b, "CREATE COLLATION %s (provider = %s", qn, prov == 'i' ? "icu" : "libc");
		if (!TRUE_(r, i, 4))
			sbuf_puts(&b, ", deterministic = false");
		if (prov == 'i') {
			sbuf_puts(&b, ", locale = ");
			sql_literal(&b, V(r, i, 7));
		} else if (strcmp(V(r, i, 5), V(r, i, 6)) == 0) {
			sbuf_puts(&b, ", locale = ");
			sql_literal(&b, V(r, i, 5));
		} else {
			sbuf_puts(&b, ", lc_collate = ");
			sql_literal(&b, V(r, i, 5));
			sbuf_puts(&b, ", lc_ctype = ");
			sql_literal(&b, V(r, i, 6));
		}
		sbuf_puts(&b, ");\n");
		owner_to(&b, "COLLATION", qn, V(r, i, 8));
		sbuf_printf(&w, "COLLATION %s", qn);
		comment_on(&b, w.s, comment_for(C_COLLATION, d->oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(d, "COLLATION", qn);
		sbuf_free(&w);
		free(qn);
	}
	PQclear(r);
	sbuf_free(&q);
}

/* ---- default privileges: ALTER DEFAULT PRIVILEGES, after all else. A
 * global entry replaces the built-in defaults (revoke them, grant what it
 * holds); an entry for one schema can only add to them. */
static void
load_default_acls(struct catalog *cat)
{
	int whole = O->f.nschemas == 0 && O->f.ntables == 0;
	PGresult *r;

	if (O->no_privileges)
		return;
	/* oid, keyword, role, then per privilege grantee, privilege,
	 * grantable (as acls_load), then schema and its OID */
	r = q_rows(C, "select d.oid, case d.defaclobjtype when 'r' then 'TABLES' when 'S' then 'SEQUENCES'"
	    " when 'f' then 'FUNCTIONS' when 'T' then 'TYPES' else 'SCHEMAS' end, pg_get_userbyid(d.defaclrole),"
	    " case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type, a.is_grantable,"
	    " n.nspname, d.defaclnamespace"
	    " from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace"
	    " left join lateral aclexplode(d.defaclacl) with ordinality a on true order by 1, a.ordinality");
	for (int i = 0, j; i < PQntuples(r); i = j) {
		struct sbuf b = { 0 }, pre = { 0 };
		Oid nsp = OID(r, i, 7);

		for (j = i; j < PQntuples(r) && OID(r, j, 0) == OID(r, i, 0); j++)
			;
		if (nsp ? !in_schema(nsp) : !whole)
			continue;
		sbuf_puts(&pre, "ALTER DEFAULT PRIVILEGES FOR ROLE ");
		sql_ident(&pre, V(r, i, 2));
		if (nsp) {
			sbuf_puts(&pre, " IN SCHEMA ");
			sql_ident(&pre, V(r, i, 6));
		} else {
			sbuf_printf(&b, "%s REVOKE ALL ON %s FROM PUBLIC;\n", pre.s, V(r, i, 1));
			sbuf_printf(&b, "%s REVOKE ALL ON %s FROM ", pre.s, V(r, i, 1));
			sql_ident(&b, V(r, i, 2));
			sbuf_puts(&b, ";\n");
		}
		sbuf_putc(&pre, ' ');
		grant_rows(&b, r, i, j, pre.s, "%s", "", V(r, i, 1), "");
		post(cat, P_DEFAULT_ACL, 826, OID(r, i, 0), nsp ? V(r, i, 6) : "", V(r, i, 2), "DEFAULT ACL", &b);
		sbuf_free(&pre);
	}
	PQclear(r);
}

/* ---- casts: cluster-less but per database, dumped with the whole database */

static void
load_casts(struct catalog *cat)
{
	PGresult *r;

	if (O->f.nschemas || O->f.ntables)
		return;
	r = q_rows(C, "select c.oid, format_type(c.castsource, null), format_type(c.casttarget, null),"
	    " c.castmethod, c.castcontext, case when c.castfunc <> 0 then c.castfunc::regprocedure::text end"
	    " from pg_cast c where c.oid >= 16384" NOT_EXT(2605, "c.oid") " order by 1");
	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 }, t = { 0 };
		struct dobj *d;
		char m = V(r, i, 3)[0], ctx = V(r, i, 4)[0];

		sbuf_printf(&t, "(%s AS %s)", V(r, i, 1), V(r, i, 2));
		d = add(cat, P_CAST, 2605, OID(r, i, 0), "", t.s, "CAST");
		free(d->target);
		d->target = xstrdup(t.s);
		sbuf_printf(&b, "CREATE CAST %s ", t.s);
		if (m == 'f' && !NUL(r, i, 5))
			sbuf_printf(&b, "WITH FUNCTION %s", V(r, i, 5));
		else
			sbuf_puts(&b, m == 'i' ? "WITH INOUT" : "WITHOUT FUNCTION");
		sbuf_puts(&b, ctx == 'a' ? " AS ASSIGNMENT;\n" : ctx == 'i' ? " AS IMPLICIT;\n" : ";\n");
		sbuf_printf(&w, "CAST %s", t.s);
		comment_on(&b, w.s, comment_for(2605, d->oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(d, "CAST", t.s);
		sbuf_free(&w);
		sbuf_free(&t);
	}
	PQclear(r);
}

/* ---- text search dictionaries and configurations (their parsers and
 * templates are C code, and not dumped) */

static void
load_text_search(struct catalog *cat)
{
	PGresult *r = q_rows(C, "select d.oid, n.nspname, d.dictname, tn.nspname, t.tmplname, d.dictinitoption,"
	    " pg_get_userbyid(d.dictowner), n.oid"
	    " from pg_ts_dict d join pg_namespace n on n.oid = d.dictnamespace"
	    " join pg_ts_template t on t.oid = d.dicttemplate join pg_namespace tn on tn.oid = t.tmplnamespace"
	    " where d.oid >= 16384" NOT_EXT(3600, "d.oid") " order by 1");
	PGresult *cf = q_rows(C, "select c.oid, n.nspname, c.cfgname, pn.nspname, p.prsname,"
	    " pg_get_userbyid(c.cfgowner), n.oid"
	    " from pg_ts_config c join pg_namespace n on n.oid = c.cfgnamespace"
	    " join pg_ts_parser p on p.oid = c.cfgparser join pg_namespace pn on pn.oid = p.prsnamespace"
	    " where c.oid >= 16384" NOT_EXT(3602, "c.oid") " order by 1");
	/* configuration, token type, its name, dictionary schema and name */
	PGresult *map = q_rows(C, "select m.mapcfg, m.maptokentype, t.alias, dn.nspname, d.dictname"
	    " from pg_ts_config_map m join pg_ts_config c on c.oid = m.mapcfg"
	    " join pg_ts_dict d on d.oid = m.mapdict join pg_namespace dn on dn.oid = d.dictnamespace"
	    " join lateral ts_token_type(c.cfgparser) t on t.tokid = m.maptokentype"
	    " where m.mapcfg >= 16384 order by 1, 2, m.mapseqno");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;

		if (!in_schema(OID(r, i, 7)))
			continue;
		q = qname(V(r, i, 1), V(r, i, 2));
		d = add(cat, P_TSDICT, 3600, OID(r, i, 0), V(r, i, 1), V(r, i, 2), "TEXT SEARCH DICTIONARY");
		sbuf_printf(&b, "CREATE TEXT SEARCH DICTIONARY %s (\n    TEMPLATE = ", q);
		sql_qualified(&b, V(r, i, 3), V(r, i, 4));
		/* dictinitoption is already an option list, as the server keeps it. */
		if (!NUL(r, i, 5))
			sbuf_printf(&b, ",\n    %s", V(r, i, 5));
		sbuf_puts(&b, "\n);\n");
		owner_to(&b, "TEXT SEARCH DICTIONARY", q, V(r, i, 6));
		sbuf_printf(&w, "TEXT SEARCH DICTIONARY %s", q);
		comment_on(&b, w.s, comment_for(3600, d->oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(d, "TEXT SEARCH DICTIONARY", q);
		sbuf_free(&w);
		free(q);
	}
	for (int i = 0; i < PQntuples(cf); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;
		int lo, hi;

		if (!in_schema(OID(cf, i, 6)))
			continue;
		q = qname(V(cf, i, 1), V(cf, i, 2));
		d = add(cat, P_TSCONFIG, 3602, OID(cf, i, 0), V(cf, i, 1), V(cf, i, 2), "TEXT SEARCH CONFIGURATION");
		sbuf_printf(&b, "CREATE TEXT SEARCH CONFIGURATION %s (\n    PARSER = ", q);
		sql_qualified(&b, V(cf, i, 3), V(cf, i, 4));
		sbuf_puts(&b, "\n);\n");
		rows_for(map, d->oid, &lo, &hi);
		for (int k = lo; k < hi;) {
			int e = k;

			sbuf_printf(&b, "ALTER TEXT SEARCH CONFIGURATION %s ADD MAPPING FOR ", q);
			sql_ident(&b, V(map, k, 2));
			sbuf_puts(&b, " WITH ");
			for (; e < hi && strcmp(V(map, e, 1), V(map, k, 1)) == 0; e++) {
				if (e > k)
					sbuf_puts(&b, ", ");
				sql_qualified(&b, V(map, e, 3), V(map, e, 4));
			}
			sbuf_puts(&b, ";\n");
			k = e;
		}
		owner_to(&b, "TEXT SEARCH CONFIGURATION", q, V(cf, i, 5));
		sbuf_printf(&w, "TEXT SEARCH CONFIGURATION %s", q);
		comment_on(&b, w.s, comment_for(3602, d->oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(d, "TEXT SEARCH CONFIGURATION", q);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
	PQclear(cf);
	PQclear(map);
}

/* ---- types */

static void
coll_clause(struct sbuf *b, PGresult *r, int i, int j)
{
	if (NUL(r, i, j))
		return;
	sbuf_puts(b, " COLLATE ");
	sql_qualified(b, V(r, i, j), V(r, i, j + 1));
}

static void
load_types(struct catalog *cat)
{
	struct sbuf q = { 0 };
	PGresult *r, *lab, *att, *con;

	sbuf_puts(&q, "select t.oid, n.nspname, t.typname, t.typtype, pg_get_userbyid(t.typowner), n.oid,"
	    " format_type(t.typbasetype, t.typtypmod), t.typnotnull, pg_get_expr(t.typdefaultbin, 0),"
	    " cn.nspname, co.collname,"
	    " format_type(rg.rngsubtype, null),"
	    " (select quote_ident(on_.nspname) || '.' || quote_ident(oc.opcname) from pg_opclass oc"
	    "   join pg_namespace on_ on on_.oid = oc.opcnamespace where oc.oid = rg.rngsubopc and not oc.opcdefault),"
	    " case when rg.rngcanonical <> 0 then rg.rngcanonical::regproc::text end,"
	    " case when rg.rngsubdiff <> 0 then rg.rngsubdiff::regproc::text end,");
	if (server_version >= 140000)
		sbuf_puts(&q, " (select format('%I.%I', mn.nspname, m.typname) from pg_type m"
		    "   join pg_namespace mn on mn.oid = m.typnamespace where m.oid = rg.rngmultitypid),");
	else
		sbuf_puts(&q, " null,");
	sbuf_puts(&q, " (select quote_ident(rn.nspname) || '.' || quote_ident(rc.collname) from pg_collation rc"
	    "   join pg_namespace rn on rn.oid = rc.collnamespace where rc.oid = rg.rngcollation"
	    "   and rg.rngcollation <> (select typcollation from pg_type where oid = rg.rngsubtype)),"
	    " t.typrelid"
	    " from pg_type t join pg_namespace n on n.oid = t.typnamespace"
	    " left join pg_type bt on bt.oid = t.typbasetype"
	    " left join pg_collation co on co.oid = t.typcollation and t.typtype = 'd' and t.typcollation <> bt.typcollation"
	    " left join pg_namespace cn on cn.oid = co.collnamespace"
	    " left join pg_range rg on rg.rngtypid = t.oid"
	    " where t.oid >= 16384 and (t.typrelid = 0 or (select relkind from pg_class where oid = t.typrelid) = 'c')"
	    " and not exists (select 1 from pg_type a where a.typarray = t.oid)"
	    NOT_EXT(1247, "t.oid") " order by 1");
	r = q_rows(C, q.s);
	lab = q_rows(C, "select enumtypid, enumlabel from pg_enum order by 1, enumsortorder");
	att = q_rows(C, "select t.oid, a.attname, format_type(a.atttypid, a.atttypmod), cn.nspname, co.collname, a.attnum"
	    " from pg_type t join pg_attribute a on a.attrelid = t.typrelid"
	    " left join pg_type at on at.oid = a.atttypid"
	    " left join pg_collation co on co.oid = a.attcollation and a.attcollation <> at.typcollation"
	    " left join pg_namespace cn on cn.oid = co.collnamespace"
	    " where t.typtype = 'c' and t.oid >= 16384 and a.attnum > 0 and not a.attisdropped order by 1, a.attnum");
	con = q_rows(C, "select contypid, conname, pg_get_constraintdef(oid), convalidated, oid from pg_constraint"
	    " where contypid <> 0 order by 1, conname");
	for (int i = 0; i < PQntuples(r); i++) {
		Oid oid = OID(r, i, 0);
		const char *schema = V(r, i, 1), *name = V(r, i, 2), *cm;
		char tt = V(r, i, 3)[0], *q;
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		int lo, hi;

		if (!in_schema(OID(r, i, 5)))
			continue;
		q = qname(schema, name);
		if (tt != 'e' && tt != 'c' && tt != 'r' && tt != 'd') {
			sbuf_printf(&w, "TYPE %s: %s type", q, tt == 'p' ? "shell" : tt == 'm' ? "multirange" : "base");
			if (tt != 'm')
				unsupported(cat, w.s);
			sbuf_free(&w);
			free(q);
			continue;
		}
		int di = cat->nobj;

		d = add(cat, P_TYPE, C_TYPE, oid, schema, name, tt == 'd' ? "DOMAIN" : "TYPE");
		if (tt == 'e') {
			sbuf_printf(&b, "CREATE TYPE %s AS ENUM (", q);
			rows_for(lab, oid, &lo, &hi);
			for (int k = lo; k < hi; k++) {
				sbuf_puts(&b, k > lo ? ",\n    " : "\n    ");
				sql_literal(&b, V(lab, k, 1));
			}
			sbuf_puts(&b, "\n);\n");
		} else if (tt == 'c') {
			sbuf_printf(&b, "CREATE TYPE %s AS (", q);
			rows_for(att, oid, &lo, &hi);
			for (int k = lo; k < hi; k++) {
				sbuf_puts(&b, k > lo ? ",\n    " : "\n    ");
				sql_ident(&b, V(att, k, 1));
				sbuf_printf(&b, " %s", V(att, k, 2));
				coll_clause(&b, att, k, 3);
			}
			sbuf_puts(&b, "\n);\n");
		} else if (tt == 'r') {
			sbuf_printf(&b, "CREATE TYPE %s AS RANGE (\n    subtype = %s", q, V(r, i, 11));
			if (!NUL(r, i, 12))
				sbuf_printf(&b, ",\n    subtype_opclass = %s", V(r, i, 12));
			if (!NUL(r, i, 16))
				sbuf_printf(&b, ",\n    collation = %s", V(r, i, 16));
			if (!NUL(r, i, 13))
				sbuf_printf(&b, ",\n    canonical = %s", V(r, i, 13));
			if (!NUL(r, i, 14))
				sbuf_printf(&b, ",\n    subtype_diff = %s", V(r, i, 14));
			if (!NUL(r, i, 15))
				sbuf_printf(&b, ",\n    multirange_type_name = %s", V(r, i, 15));
			sbuf_puts(&b, "\n);\n");
		} else {
			sbuf_printf(&b, "CREATE DOMAIN %s AS %s", q, V(r, i, 6));
			coll_clause(&b, r, i, 9);
			if (!NUL(r, i, 8))
				sbuf_printf(&b, " DEFAULT %s", V(r, i, 8));
			if (TRUE_(r, i, 7))
				sbuf_puts(&b, " NOT NULL");
			rows_for(con, oid, &lo, &hi);
			for (int k = lo; k < hi; k++) {
				if (!TRUE_(con, k, 3))
					continue;
				sbuf_puts(&b, "\n    CONSTRAINT ");
				sql_ident(&b, V(con, k, 1));
				sbuf_printf(&b, " %s", V(con, k, 2));
			}
			sbuf_puts(&b, ";\n");
			for (int k = lo; k < hi; k++) {
				char *cn = ident(V(con, k, 1));

				sbuf_reset(&w);
				sbuf_printf(&w, "CONSTRAINT %s ON DOMAIN %s", cn, q);
				if (!TRUE_(con, k, 3)) {
					/* NOT VALID: after the data, as pg_dump does. */
					struct dobj *p = add(cat, P_CONSTRAINT, 2606, OID(con, k, 4), schema,
					    V(con, k, 1), "DOMAIN CONSTRAINT");
					struct sbuf pb = { 0 };

					sbuf_printf(&pb, "ALTER DOMAIN %s ADD CONSTRAINT %s %s;\n", q, cn, V(con, k, 2));
					comment_on(&pb, w.s, comment_for(2606, OID(con, k, 4), 0));
					p->create = sbuf_take(&pb);
					d = &cat->obj[di];
				} else
					comment_on(&b, w.s, comment_for(2606, OID(con, k, 4), 0));
				free(cn);
			}
		}
		owner_to(&b, tt == 'd' ? "DOMAIN" : "TYPE", q, V(r, i, 4));
		sbuf_reset(&w);
		sbuf_printf(&w, "%s %s", tt == 'd' ? "DOMAIN" : "TYPE", q);
		cm = comment_for(C_TYPE, oid, 0);
		comment_on(&b, w.s, cm);
		if (tt == 'c') {
			rows_for(att, oid, &lo, &hi);
			for (int k = lo; k < hi; k++) {
				char *cn = ident(V(att, k, 1));

				sbuf_reset(&w);
				sbuf_printf(&w, "COLUMN %s.%s", q, cn);
				comment_on(&b, w.s, comment_for(C_CLASS, OID(r, i, 17), atoi(V(att, k, 5))));
				free(cn);
			}
		}
		d->create = sbuf_take(&b);
		drop_stmt(d, tt == 'd' ? "DOMAIN" : "TYPE", q);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
	PQclear(lab);
	PQclear(att);
	PQclear(con);
	sbuf_free(&q);
}

/* ---- functions, procedures, aggregates */

static const char *
modify_word(char c)
{
	return c == 's' ? "SHAREABLE" : c == 'w' ? "READ_WRITE" : "READ_ONLY";
}

static void
load_functions(struct catalog *cat)
{
	PGresult *r, *ag;

	r = q_rows(C, "select p.oid, n.nspname, p.proname, p.prokind, pg_get_userbyid(p.proowner), n.oid,"
	    " pg_get_function_identity_arguments(p.oid),"
	    " case when p.prokind <> 'a' then pg_get_functiondef(p.oid) end"
	    " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
	    " where p.oid >= 16384" NOT_EXT(1255, "p.oid") " order by 1");
	ag = q_rows(C, "select a.aggfnoid::oid, pg_get_function_arguments(a.aggfnoid), a.aggkind,"
	    " a.aggtransfn::regproc, format_type(a.aggtranstype, null), a.aggtransspace,"
	    " case when a.aggfinalfn <> 0 then a.aggfinalfn::regproc::text end, a.aggfinalextra, a.aggfinalmodify,"
	    " case when a.aggcombinefn <> 0 then a.aggcombinefn::regproc::text end,"
	    " case when a.aggserialfn <> 0 then a.aggserialfn::regproc::text end,"
	    " case when a.aggdeserialfn <> 0 then a.aggdeserialfn::regproc::text end,"
	    " a.agginitval,"
	    " case when a.aggmtransfn <> 0 then a.aggmtransfn::regproc::text end,"
	    " case when a.aggminvtransfn <> 0 then a.aggminvtransfn::regproc::text end,"
	    " case when a.aggmtranstype <> 0 then format_type(a.aggmtranstype, null) end, a.aggmtransspace,"
	    " case when a.aggmfinalfn <> 0 then a.aggmfinalfn::regproc::text end, a.aggmfinalextra, a.aggmfinalmodify,"
	    " a.aggminitval,"
	    " (select 'OPERATOR(' || quote_ident(o.nspname) || '.' || op.oprname || ')' from pg_operator op"
	    "   join pg_namespace o on o.oid = op.oprnamespace where op.oid = a.aggsortop),"
	    " p.proparallel"
	    " from pg_aggregate a join pg_proc p on p.oid = a.aggfnoid where a.aggfnoid >= 16384 order by 1");
	for (int i = 0; i < PQntuples(r); i++) {
		Oid oid = OID(r, i, 0);
		char kind = V(r, i, 3)[0];
		const char *word = kind == 'p' ? "PROCEDURE" : kind == 'a' ? "AGGREGATE" : "FUNCTION";
		struct sbuf b = { 0 }, w = { 0 }, sig = { 0 };
		struct dobj *d;
		char *q;
		int lo, hi;

		if (!in_schema(OID(r, i, 5)))
			continue;
		q = qname(V(r, i, 1), V(r, i, 2));
		sbuf_printf(&sig, "%s(%s)", q, kind == 'a' && !*V(r, i, 6) ? "*" : V(r, i, 6));
		d = add(cat, kind == 'a' ? P_AGGREGATE : P_FUNCTION, C_PROC, oid, V(r, i, 1), V(r, i, 2), word);
		free(d->target);
		d->target = xstrdup(sig.s);
		if (kind != 'a') {
			sbuf_puts(&b, V(r, i, 7));
			sbuf_puts(&b, ";\n");
		} else {
			rows_for(ag, oid, &lo, &hi);
			if (lo == hi)
				die(EX_SOFTWARE, "aggregate %s: no pg_aggregate row", sig.s);
			const char *args = V(ag, lo, 1);
			sbuf_printf(&b, "CREATE AGGREGATE %s(%s) (\n    SFUNC = %s,\n    STYPE = %s", q,
			    *args ? args : "*", V(ag, lo, 3), V(ag, lo, 4));
			if (atoi(V(ag, lo, 5)))
				sbuf_printf(&b, ",\n    SSPACE = %s", V(ag, lo, 5));
			if (!NUL(ag, lo, 6)) {
				sbuf_printf(&b, ",\n    FINALFUNC = %s", V(ag, lo, 6));
				if (TRUE_(ag, lo, 7))
					sbuf_puts(&b, ",\n    FINALFUNC_EXTRA");
				sbuf_printf(&b, ",\n    FINALFUNC_MODIFY = %s", modify_word(V(ag, lo, 8)[0]));
			}
			if (!NUL(ag, lo, 9))
				sbuf_printf(&b, ",\n    COMBINEFUNC = %s", V(ag, lo, 9));
			if (!NUL(ag, lo, 10))
				sbuf_printf(&b, ",\n    SERIALFUNC = %s", V(ag, lo, 10));
			if (!NUL(ag, lo, 11))
				sbuf_printf(&b, ",\n    DESERIALFUNC = %s", V(ag, lo, 11));
			if (!NUL(ag, lo, 12)) {
				sbuf_puts(&b, ",\n    INITCOND = ");
				sql_literal(&b, V(ag, lo, 12));
			}
			if (!NUL(ag, lo, 13)) {
				sbuf_printf(&b, ",\n    MSFUNC = %s,\n    MINVFUNC = %s,\n    MSTYPE = %s",
				    V(ag, lo, 13), V(ag, lo, 14), V(ag, lo, 15));
				if (atoi(V(ag, lo, 16)))
					sbuf_printf(&b, ",\n    MSSPACE = %s", V(ag, lo, 16));
				if (!NUL(ag, lo, 17)) {
					sbuf_printf(&b, ",\n    MFINALFUNC = %s", V(ag, lo, 17));
					if (TRUE_(ag, lo, 18))
						sbuf_puts(&b, ",\n    MFINALFUNC_EXTRA");
					sbuf_printf(&b, ",\n    MFINALFUNC_MODIFY = %s", modify_word(V(ag, lo, 19)[0]));
				}
				if (!NUL(ag, lo, 20)) {
					sbuf_puts(&b, ",\n    MINITCOND = ");
					sql_literal(&b, V(ag, lo, 20));
				}
			}
			if (!NUL(ag, lo, 21))
				sbuf_printf(&b, ",\n    SORTOP = %s", V(ag, lo, 21));
			if (V(ag, lo, 22)[0] == 's')
				sbuf_puts(&b, ",\n    PARALLEL = safe");
			else if (V(ag, lo, 22)[0] == 'r')
				sbuf_puts(&b, ",\n    PARALLEL = restricted");
			if (V(ag, lo, 2)[0] == 'h')
				sbuf_puts(&b, ",\n    HYPOTHETICAL");
			sbuf_puts(&b, "\n);\n");
		}
		owner_to(&b, word, sig.s, V(r, i, 4));
		sbuf_printf(&w, "%s %s", word, sig.s);
		comment_on(&b, w.s, comment_for(C_PROC, oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(d, word, sig.s);
		sbuf_free(&w);
		sbuf_free(&sig);
		free(q);
	}
	PQclear(r);
	PQclear(ag);
}

/* ---- relations */

/* Sequences: by their own OID (standalone) and by the column they serve
 * (identity). Sequence options in the form CREATE SEQUENCE and identity
 * columns share. */
/* oid, schema, name, start, inc, min, max, cache, cycle, type, owning table,
 * its column number, dependency type ('a' OWNED BY, 'i' identity), the
 * owning table's schema and name, the column's name */
static PGresult *seqs;

static void
seq_options(struct sbuf *b, PGresult *r, int i)
{
	sbuf_printf(b, "    START WITH %s\n    INCREMENT BY %s\n    MINVALUE %s\n    MAXVALUE %s\n    CACHE %s%s",
	    V(r, i, 3), V(r, i, 4), V(r, i, 5), V(r, i, 6), V(r, i, 7), TRUE_(r, i, 8) ? "\n    CYCLE" : "");
}

static int
identity_seq(Oid table, int attnum)
{
	for (int i = 0; i < PQntuples(seqs); i++)
		if (!NUL(seqs, i, 10) && OID(seqs, i, 10) == table && atoi(V(seqs, i, 11)) == attnum &&
		    V(seqs, i, 12)[0] == 'i')
			return i;
	return -1;
}

static void
reloptions(struct sbuf *b, const char *arr, const char *prefix, int *first, const char *skip)
{
	/* A text[] of name=value, as the server prints it: {a=1,"b=x y"}. */
	const char *p = arr + 1;

	while (*p && *p != '}') {
		struct sbuf item = { 0 };
		char *eq;

		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				sbuf_putc(&item, *p);
			}
			if (*p)
				p++;
		} else
			while (*p && *p != ',' && *p != '}')
				sbuf_putc(&item, *p++);
		if (*p == ',')
			p++;
		eq = strchr(sbuf_str(&item), '=');
		if (eq && !(skip && (size_t)(eq - item.s) == strlen(skip) && strncmp(item.s, skip, strlen(skip)) == 0)) {
			*eq = 0;
			sbuf_printf(b, "%s%s%s=", *first ? "" : ", ", prefix, item.s);
			sql_literal(b, eq + 1);
			*first = 0;
		}
		sbuf_free(&item);
	}
}

static void
load_sequences(struct catalog *cat, PGresult *r)
{
	for (int i = 0; i < PQntuples(seqs); i++) {
		Oid oid = OID(seqs, i, 0);
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;
		int ri = -1;

		if (!oidset_has(&rels, oid))
			continue;
		{
			int lo, hi;

			rows_for(r, oid, &lo, &hi);
			if (lo < hi)
				ri = lo;
		}
		q = qname(V(seqs, i, 1), V(seqs, i, 2));
		if (!O->schema_only) {
			cat->seq = xrealloc(cat->seq, ((size_t)cat->nseq + 1) * sizeof *cat->seq);
			cat->seq[cat->nseq++].qname = xstrdup(q);
		}
		if (!NUL(seqs, i, 12) && V(seqs, i, 12)[0] == 'i') {
			free(q);
			continue; /* made by its identity column */
		}
		d = add(cat, P_SEQUENCE, C_CLASS, oid, V(seqs, i, 1), V(seqs, i, 2), "SEQUENCE");
		sbuf_printf(&b, "CREATE %sSEQUENCE %s\n    AS %s\n", ri >= 0 && V(r, ri, 4)[0] == 'u' ? "UNLOGGED " : "",
		    q, V(seqs, i, 9));
		seq_options(&b, seqs, i);
		sbuf_puts(&b, ";\n");
		if (ri >= 0)
			owner_to(&b, "SEQUENCE", q, V(r, ri, 5));
		sbuf_printf(&w, "SEQUENCE %s", q);
		comment_on(&b, w.s, comment_for(C_CLASS, oid, 0));
		d->create = sbuf_take(&b);
		/* One owned by a dumped table goes when the table is dropped. */
		if (NUL(seqs, i, 10) || !oidset_has(&rels, OID(seqs, i, 10)))
			drop_stmt(d, "SEQUENCE", q);
		if (!NUL(seqs, i, 10) && oidset_has(&rels, OID(seqs, i, 10))) {
			struct dobj *o = add(cat, P_SEQ_OWNED, 0, oid, V(seqs, i, 1), V(seqs, i, 2), "SEQUENCE OWNED BY");
			struct sbuf ob = { 0 };

			sbuf_printf(&ob, "ALTER SEQUENCE %s OWNED BY ", q);
			sql_qualified(&ob, V(seqs, i, 13), V(seqs, i, 14));
			sbuf_putc(&ob, '.');
			sql_ident(&ob, V(seqs, i, 15));
			sbuf_puts(&ob, ";\n");
			o->create = sbuf_take(&ob);
		}
		sbuf_free(&w);
		free(q);
	}
}

/* Column rows: attrelid, attnum, name, type, notnull, islocal, inhcount,
 * identity, generated, default, collation schema, collation name, storage,
 * the type's storage, statistics target, options, compression. */
static PGresult *cols, *checks, *inh;

/* A parent's column of the same name, or -1. */
static int
parent_col(Oid parent, const char *name)
{
	int lo, hi;

	rows_for(cols, parent, &lo, &hi);
	for (int k = lo; k < hi; k++)
		if (strcmp(V(cols, k, 2), name) == 0)
			return k;
	return -1;
}

/* Does some parent of table give column name this default / NOT NULL? */
static int
inherited_same(Oid table, const char *name, const char *def, int notnull)
{
	int lo, hi;

	rows_for(inh, table, &lo, &hi);
	for (int k = lo; k < hi; k++) {
		int c = parent_col(OID(inh, k, 3), name);

		if (c < 0)
			continue;
		if (def && !NUL(cols, c, 9) && strcmp(V(cols, c, 9), def) == 0)
			return 1;
		if (notnull && TRUE_(cols, c, 4))
			return 1;
	}
	return 0;
}

static const char *
storage_word(char c)
{
	return c == 'p' ? "PLAIN" : c == 'e' ? "EXTERNAL" : c == 'm' ? "MAIN" : "EXTENDED";
}

/* The statements after CREATE TABLE that set what it cannot: per column
 * defaults and NOT NULL of inherited columns, statistics, storage,
 * options, compression, comments. */
static void
column_extras(struct sbuf *b, Oid oid, const char *q, int is_view, int lo, int hi)
{
	const char *alter = is_view ? "ALTER VIEW" : "ALTER TABLE ONLY";

	for (int k = lo; k < hi; k++) {
		char *cn = ident(V(cols, k, 2));
		int local = TRUE_(cols, k, 5) && !is_view;
		const char *def = opt_val(cols, k, 9);
		struct sbuf w = { 0 };

		if (!local && def && V(cols, k, 8)[0] == 0 && !inherited_same(oid, V(cols, k, 2), def, 0))
			sbuf_printf(b, "%s %s ALTER COLUMN %s SET DEFAULT %s;\n", alter, q, cn, def);
		if (!local && !is_view && TRUE_(cols, k, 4) && !inherited_same(oid, V(cols, k, 2), NULL, 1))
			sbuf_printf(b, "%s %s ALTER COLUMN %s SET NOT NULL;\n", alter, q, cn);
		if (!is_view) {
			if (atoi(V(cols, k, 14)) >= 0 && !NUL(cols, k, 14))
				sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET STATISTICS %s;\n", q, cn, V(cols, k, 14));
			if (V(cols, k, 12)[0] != V(cols, k, 13)[0])
				sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET STORAGE %s;\n", q, cn,
				    storage_word(V(cols, k, 12)[0]));
			if (!NUL(cols, k, 15)) {
				int first = 1;

				sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET (", q, cn);
				reloptions(b, V(cols, k, 15), "", &first, NULL);
				sbuf_puts(b, ");\n");
			}
			if (!NUL(cols, k, 16) && V(cols, k, 16)[0])
				sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET COMPRESSION %s;\n", q, cn,
				    V(cols, k, 16)[0] == 'l' ? "lz4" : "pglz");
		}
		sbuf_printf(&w, "COLUMN %s.%s", q, cn);
		comment_on(b, w.s, comment_for(C_CLASS, oid, atoi(V(cols, k, 1))));
		sbuf_free(&w);
		free(cn);
	}
}

static void
column_def(struct sbuf *b, Oid oid, int k)
{
	const char *def = opt_val(cols, k, 9);
	char ident_kind = V(cols, k, 7)[0], gen = V(cols, k, 8)[0];

	sql_ident(b, V(cols, k, 2));
	sbuf_printf(b, " %s", V(cols, k, 3));
	coll_clause(b, cols, k, 10);
	/* An inherited generated column takes its expression from the parent,
	 * which PostgreSQL refuses to see repeated. */
	if (gen == 's' && def && atoi(V(cols, k, 6)) > 0)
		;
	else if (gen == 's' && def)
		sbuf_printf(b, " GENERATED ALWAYS AS (%s) STORED", def);
	else if (def)
		sbuf_printf(b, " DEFAULT %s", def);
	if (TRUE_(cols, k, 4))
		sbuf_puts(b, " NOT NULL");
	if (ident_kind == 'a' || ident_kind == 'd') {
		int s = identity_seq(oid, atoi(V(cols, k, 1)));

		sbuf_printf(b, " GENERATED %s AS IDENTITY", ident_kind == 'a' ? "ALWAYS" : "BY DEFAULT");
		if (s >= 0) {
			sbuf_puts(b, " (\n    SEQUENCE NAME ");
			sql_qualified(b, V(seqs, s, 1), V(seqs, s, 2));
			sbuf_putc(b, '\n');
			seq_options(b, seqs, s);
			sbuf_puts(b, "\n)");
		}
	}
}

/* Relation rows: oid, schema, name, kind, persistence, owner, namespace,
 * reloptions, toast reloptions, is partition, partition bound, partition
 * key, row security, forced, replica identity, typed, access method, view
 * definition, populated, tablespace. */
static void
load_relations(struct catalog *cat, PGresult *r, const struct oidset *nodata)
{
	for (int i = 0; i < PQntuples(r); i++) {
		Oid oid = OID(r, i, 0);
		const char *schema = V(r, i, 1), *name = V(r, i, 2);
		char kind = V(r, i, 3)[0];
		const char *word = kind == 'v' ? "VIEW" : kind == 'm' ? "MATERIALIZED VIEW" : "TABLE";
		struct sbuf b = { 0 }, w = { 0 }, cl = { 0 };
		struct dobj *d;
		int lo, hi, clo, chi, first = 1, ncols = 0;
		char *q;

		if (kind == 'S' || !oidset_has(&rels, oid))
			continue;
		q = qname(schema, name);
		if (kind == 'f' || TRUE_(r, i, 15) || !NUL(r, i, 19)) {
			if (kind == 'f')
				sbuf_printf(&w, "FOREIGN TABLE %s", q);
			else if (TRUE_(r, i, 15))
				sbuf_printf(&w, "TABLE %s: a typed table (OF type)", q);
			else
				sbuf_printf(&w, "%s %s: in tablespace %s", word, q, V(r, i, 19));
			/* A foreign table's rows live elsewhere; the others' would be lost. */
			if (kind == 'f')
				unsupported(cat, w.s);
			else
				unsupported_data(cat, w.s);
			sbuf_free(&w);
			free(q);
			continue;
		}
		int di = cat->nobj;

		d = add(cat, kind == 'r' || kind == 'p' ? P_TABLE : P_VIEW, C_CLASS, oid, schema, name, word);
		rows_for(cols, oid, &lo, &hi);
		if (kind == 'v' || kind == 'm') {
			const char *def = V(r, i, 17);
			size_t dl = strlen(def);
			const char *check = NULL;

			while (dl && (def[dl - 1] == ';' || def[dl - 1] == ' ' || def[dl - 1] == '\n'))
				dl--;
			sbuf_printf(&b, "CREATE %s %s", word, q);
			if (kind == 'm' && !NUL(r, i, 16))
				sbuf_printf(&b, " USING %s", V(r, i, 16));
			if (!NUL(r, i, 7)) {
				struct sbuf o = { 0 };

				/* check_option is a clause, not an option, in CREATE VIEW. */
				reloptions(&o, V(r, i, 7), "", &first, "check_option");
				check = strstr(V(r, i, 7), "check_option=cascaded") ? "CASCADED" :
				    strstr(V(r, i, 7), "check_option=local") ? "LOCAL" : NULL;
				if (o.len)
					sbuf_printf(&b, " WITH (%s)", o.s);
				sbuf_free(&o);
			}
			sbuf_puts(&b, " AS\n");
			sbuf_add(&b, def, dl);
			if (kind == 'm')
				sbuf_puts(&b, "\n  WITH NO DATA");
			if (check)
				sbuf_printf(&b, "\n  WITH %s CHECK OPTION", check);
			sbuf_puts(&b, ";\n");
			if (kind == 'm' && TRUE_(r, i, 18) && !O->schema_only) {
				struct sbuf rb = { 0 };

				sbuf_printf(&rb, "REFRESH MATERIALIZED VIEW %s;\n", q);
				d->refresh = sbuf_take(&rb);
			}
			column_extras(&b, oid, q, kind == 'v', lo, hi);
		} else {
			int partition = TRUE_(r, i, 9), ninh;

			rows_for(inh, oid, &clo, &chi);
			ninh = chi - clo;
			sbuf_printf(&b, "CREATE %sTABLE %s", V(r, i, 4)[0] == 'u' ? "UNLOGGED " : "", q);
			if (partition && ninh == 1) {
				sbuf_puts(&b, " PARTITION OF ");
				sql_qualified(&b, V(inh, clo, 1), V(inh, clo, 2));
			}
			/* Local columns (and local CHECK constraints) in the column list. */
			for (int k = lo; k < hi && !partition; k++) {
				if (!TRUE_(cols, k, 5))
					continue;
				sbuf_puts(&cl, ncols++ ? ",\n    " : "\n    ");
				column_def(&cl, oid, k);
			}
			{
				int a, z;

				rows_for(checks, oid, &a, &z);
				for (int k = a; k < z; k++) {
					if (!TRUE_(checks, k, 4) || !TRUE_(checks, k, 3))
						continue;
					sbuf_puts(&cl, ncols++ ? ",\n    CONSTRAINT " : "\n    CONSTRAINT ");
					sql_ident(&cl, V(checks, k, 1));
					sbuf_printf(&cl, " %s", V(checks, k, 2));
				}
			}
			if (!partition || ncols)
				sbuf_printf(&b, " (%s\n)", sbuf_str(&cl));
			if (partition && ninh == 1)
				sbuf_printf(&b, "\n%s", V(r, i, 10));
			else if (ninh) {
				sbuf_puts(&b, "\nINHERITS (");
				for (int k = clo; k < chi; k++) {
					if (k > clo)
						sbuf_puts(&b, ", ");
					sql_qualified(&b, V(inh, k, 1), V(inh, k, 2));
				}
				sbuf_putc(&b, ')');
			}
			if (kind == 'p')
				sbuf_printf(&b, "\nPARTITION BY %s", V(r, i, 11));
			if (!NUL(r, i, 16))
				sbuf_printf(&b, "\nUSING %s", V(r, i, 16));
			if (!NUL(r, i, 7) || !NUL(r, i, 8)) {
				sbuf_puts(&b, "\nWITH (");
				if (!NUL(r, i, 7))
					reloptions(&b, V(r, i, 7), "", &first, NULL);
				if (!NUL(r, i, 8))
					reloptions(&b, V(r, i, 8), "toast.", &first, NULL);
				sbuf_putc(&b, ')');
			}
			sbuf_puts(&b, ";\n");
			column_extras(&b, oid, q, 0, lo, hi);
			{
				int a, z;

				rows_for(checks, oid, &a, &z);
				for (int k = a; k < z; k++) {
					char *cn = ident(V(checks, k, 1));

					sbuf_reset(&w);
					sbuf_printf(&w, "CONSTRAINT %s ON %s", cn, q);
					if (TRUE_(checks, k, 4) && TRUE_(checks, k, 3))
						comment_on(&b, w.s, comment_for(2606, OID(checks, k, 5), 0));
					free(cn);
				}
			}
			if (V(r, i, 14)[0] == 'f')
				sbuf_printf(&b, "ALTER TABLE ONLY %s REPLICA IDENTITY FULL;\n", q);
			else if (V(r, i, 14)[0] == 'n')
				sbuf_printf(&b, "ALTER TABLE ONLY %s REPLICA IDENTITY NOTHING;\n", q);
			if (TRUE_(r, i, 12) || TRUE_(r, i, 13)) {
				struct dobj *rs;
				struct sbuf rb = { 0 };

				if (TRUE_(r, i, 12))
					sbuf_printf(&rb, "ALTER TABLE %s ENABLE ROW LEVEL SECURITY;\n", q);
				if (TRUE_(r, i, 13))
					sbuf_printf(&rb, "ALTER TABLE ONLY %s FORCE ROW LEVEL SECURITY;\n", q);
				rs = add(cat, P_POLICY, 0, oid, schema, name, "ROW SECURITY");
				rs->create = sbuf_take(&rb);
				d = &cat->obj[di];
			}
			if (kind == 'r' && !O->schema_only && !oidset_has(nodata, oid)) {
				struct tdata *t;
				int nc = 0;

				cat->data = xrealloc(cat->data, ((size_t)cat->ndata + 1) * sizeof *cat->data);
				t = &cat->data[cat->ndata++];
				memset(t, 0, sizeof *t);
				t->qname = xstrdup(q);
				t->schema = xstrdup(schema);
				t->name = xstrdup(name);
				t->oid = oid;
				sbuf_reset(&cl);
				for (int k = lo; k < hi; k++) {
					if (V(cols, k, 8)[0])
						continue; /* generated: computed again on restore */
					sbuf_puts(&cl, nc++ ? ", " : "(");
					sql_ident(&cl, V(cols, k, 2));
				}
				if (nc)
					sbuf_putc(&cl, ')');
				t->copy_cols = sbuf_take(&cl);
			}
		}
		owner_to(&b, word, q, V(r, i, 5));
		sbuf_reset(&w);
		sbuf_printf(&w, "%s %s", word, q);
		comment_on(&b, w.s, comment_for(C_CLASS, oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(d, word, q);
		sbuf_free(&w);
		sbuf_free(&cl);
		free(q);
	}
}

/* ---- post-data: constraints, indexes, triggers, rules, policies, statistics */

static struct dobj *
post(struct catalog *cat, enum prio prio, Oid classid, Oid oid, const char *schema, const char *name,
    const char *kind, struct sbuf *b)
{
	struct dobj *d = add(cat, prio, classid, oid, schema, name, kind);

	d->create = sbuf_take(b);
	return d;
}

/* The table's quoted name, or NULL when it is not dumped. */
static char *
table_q(PGresult *r, int i, int col)
{
	if (!oidset_has(&rels, OID(r, i, col)))
		return NULL;
	return qname(V(r, i, col + 1), V(r, i, col + 2));
}

static void
load_constraints(struct catalog *cat)
{
	/* conrelid, schema, table, name, type, definition, parent, validated,
	 * local, oid, table kind */
	PGresult *r = q_rows(C, "select c.conrelid, n.nspname, t.relname, c.conname, c.contype,"
	    " pg_get_constraintdef(c.oid), c.conparentid, c.convalidated, c.conislocal, c.oid, t.relkind"
	    " from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace"
	    " where c.contype in ('p','u','x','f','c') and c.conrelid >= 16384 order by 1, 4");

	for (int i = 0; i < PQntuples(r); i++) {
		char *q = table_q(r, i, 0), *cn, t = V(r, i, 4)[0];
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;

		if (!q)
			continue;
		if ((t == 'c' && (TRUE_(r, i, 7) || !TRUE_(r, i, 8))) || (t == 'f' && OID(r, i, 6) != 0)) {
			free(q);
			continue; /* inline in CREATE TABLE, or made by the parent's */
		}
		cn = ident(V(r, i, 3));
		/* A CHECK added after the data reaches inheritance children as
		 * it did in the source; keys belong to one table (partitions get
		 * theirs and are attached); a foreign key on a partitioned table
		 * is made for its partitions by the server. */
		sbuf_printf(&b, "ALTER TABLE %s%s ADD CONSTRAINT %s %s;\n",
		    t == 'c' || (t == 'f' && V(r, i, 10)[0] == 'p') ? "" : "ONLY ", q, cn, V(r, i, 5));
		sbuf_printf(&w, "CONSTRAINT %s ON %s", cn, q);
		comment_on(&b, w.s, comment_for(2606, OID(r, i, 9), 0));
		d = post(cat, t == 'f' ? P_FK : P_CONSTRAINT, 2606, OID(r, i, 9), V(r, i, 1), V(r, i, 3),
		    t == 'f' ? "FK CONSTRAINT" : "CONSTRAINT", &b);
		if (t == 'f') {
			sbuf_printf(&b, "ALTER TABLE %sONLY %s DROP CONSTRAINT %s%s;\n",
			    O->if_exists ? "IF EXISTS " : "", q, O->if_exists ? "IF EXISTS " : "", cn);
			d->drop = sbuf_take(&b);
		}
		sbuf_free(&w);
		free(cn);
		free(q);
	}
	PQclear(r);
}

static void
load_indexes(struct catalog *cat)
{
	/* table, schema, table name, index name, definition, clustered,
	 * replica identity, backs a constraint, valid, statistics targets,
	 * in a tablespace, index oid, partitioned */
	PGresult *r = q_rows(C, "select i.indrelid, n.nspname, t.relname, ci.relname, pg_get_indexdef(i.indexrelid),"
	    " i.indisclustered, i.indisreplident,"
	    " exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid"
	    "   and k.contype in ('p','u','x')),"
	    " i.indisvalid,"
	    " (select string_agg(a.attnum || ' ' || a.attstattarget, ' ' order by a.attnum) from pg_attribute a"
	    "   where a.attrelid = i.indexrelid and a.attstattarget > 0),"
	    " ci.reltablespace <> 0, i.indexrelid, ci.relkind = 'I'"
	    " from pg_index i join pg_class ci on ci.oid = i.indexrelid join pg_class t on t.oid = i.indrelid"
	    " join pg_namespace n on n.oid = t.relnamespace where i.indrelid >= 16384 order by 1, 4");
	PGresult *att = q_rows(C, "select ic.oid, pn.nspname, p.relname, cn.nspname, c.relname, t.oid"
	    " from pg_inherits h join pg_class c on c.oid = h.inhrelid join pg_class p on p.oid = h.inhparent"
	    " join pg_namespace cn on cn.oid = c.relnamespace join pg_namespace pn on pn.oid = p.relnamespace"
	    " join pg_index ic_ on ic_.indexrelid = c.oid join pg_class t on t.oid = ic_.indrelid"
	    " join pg_class ic on ic.oid = c.oid"
	    " where c.relkind in ('i','I') order by 1");

	for (int i = 0; i < PQntuples(r); i++) {
		char *q = table_q(r, i, 0), *iq;
		struct sbuf b = { 0 }, w = { 0 };

		if (!q)
			continue;
		iq = qname(V(r, i, 1), V(r, i, 3));
		if (TRUE_(r, i, 10)) {
			sbuf_printf(&w, "INDEX %s: in a tablespace", iq);
			unsupported(cat, w.s);
			sbuf_reset(&w);
		}
		if (!TRUE_(r, i, 7)) {
			if (!TRUE_(r, i, 8) && !TRUE_(r, i, 12)) {
				/* An invalid index is a failed CREATE INDEX CONCURRENTLY;
				 * a partitioned one is invalid until every partition has
				 * its index attached, and is dumped as it stands. */
				log_warn("skipping invalid index %s (left by a failed CREATE INDEX CONCURRENTLY?)", iq);
				free(iq);
				free(q);
				continue;
			}
			sbuf_printf(&b, "%s;\n", V(r, i, 4));
		}
		if (!NUL(r, i, 9)) {
			const char *p = V(r, i, 9);
			long col, target;
			int used;

			while (sscanf(p, "%ld %ld%n", &col, &target, &used) == 2) {
				sbuf_printf(&b, "ALTER INDEX %s ALTER COLUMN %ld SET STATISTICS %ld;\n", iq, col, target);
				p += used;
			}
		}
		sbuf_printf(&w, "INDEX %s", iq);
		comment_on(&b, w.s, comment_for(C_CLASS, OID(r, i, 11), 0));
		if (b.len)
			post(cat, TRUE_(r, i, 7) ? P_INDEX_ATTACH : P_INDEX, TRUE_(r, i, 7) ? 0 : C_CLASS,
			    OID(r, i, 11), V(r, i, 1), V(r, i, 3), "INDEX", &b);
		if (TRUE_(r, i, 5) || TRUE_(r, i, 6)) {
			char *in = ident(V(r, i, 3));

			if (TRUE_(r, i, 5))
				sbuf_printf(&b, "ALTER TABLE %s CLUSTER ON %s;\n", q, in);
			if (TRUE_(r, i, 6))
				sbuf_printf(&b, "ALTER TABLE ONLY %s REPLICA IDENTITY USING INDEX %s;\n", q, in);
			free(in);
		}
		if (b.len)
			post(cat, P_INDEX_ATTACH, 0, OID(r, i, 11), V(r, i, 1), V(r, i, 3), "INDEX OPTIONS", &b);
		sbuf_free(&w);
		free(iq);
		free(q);
	}
	for (int i = 0; i < PQntuples(att); i++) {
		struct sbuf b = { 0 };

		if (!oidset_has(&rels, OID(att, i, 5)))
			continue;
		sbuf_puts(&b, "ALTER INDEX ");
		sql_qualified(&b, V(att, i, 1), V(att, i, 2));
		sbuf_puts(&b, " ATTACH PARTITION ");
		sql_qualified(&b, V(att, i, 3), V(att, i, 4));
		sbuf_puts(&b, ";\n");
		post(cat, P_INDEX_ATTACH, 0, OID(att, i, 0), V(att, i, 3), V(att, i, 4), "INDEX ATTACH", &b);
	}
	PQclear(r);
	PQclear(att);
}

static const char *
enable_word(char c)
{
	return c == 'D' ? "DISABLE" : c == 'R' ? "ENABLE REPLICA" : c == 'A' ? "ENABLE ALWAYS" : NULL;
}

static void
load_triggers_rules(struct catalog *cat)
{
	struct sbuf sql = { 0 };
	PGresult *r;

	/* table, schema, table name, name, definition, enabled, oid, is rule */
	sbuf_printf(&sql, "select t.tgrelid, n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid) || ';',"
	    " t.tgenabled, t.oid, false from pg_trigger t join pg_class c on c.oid = t.tgrelid"
	    " join pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal%s"
	    " union all select r.ev_class, n.nspname, c.relname, r.rulename, pg_get_ruledef(r.oid), r.ev_enabled,"
	    " r.oid, true from pg_rewrite r join pg_class c on c.oid = r.ev_class"
	    " join pg_namespace n on n.oid = c.relnamespace where r.rulename <> '_RETURN' and r.oid >= 16384"
	    " order by 1, 4", server_version >= 130000 ? " and t.tgparentid = 0" : "");
	r = q_rows(C, sql.s);
	for (int i = 0; i < PQntuples(r); i++) {
		char *q = table_q(r, i, 0), *n;
		int rule = TRUE_(r, i, 7);
		const char *en = enable_word(V(r, i, 5)[0]);
		struct sbuf b = { 0 }, w = { 0 };

		if (!q)
			continue;
		n = ident(V(r, i, 3));
		sbuf_printf(&b, "%s\n", V(r, i, 4));
		if (en)
			sbuf_printf(&b, "ALTER TABLE %s %s %s %s;\n", q, en, rule ? "RULE" : "TRIGGER", n);
		sbuf_printf(&w, "%s %s ON %s", rule ? "RULE" : "TRIGGER", n, q);
		comment_on(&b, w.s, comment_for(rule ? 2618 : 2620, OID(r, i, 6), 0));
		post(cat, rule ? P_RULE : P_TRIGGER, rule ? 2618 : 2620, OID(r, i, 6), V(r, i, 1), V(r, i, 3),
		    rule ? "RULE" : "TRIGGER", &b);
		sbuf_free(&w);
		free(n);
		free(q);
	}
	PQclear(r);
	sbuf_free(&sql);
}

static void
load_policies(struct catalog *cat)
{
	/* table, schema, table name, name, command, permissive, using, check, oid */
	PGresult *r = q_rows(C, "select p.polrelid, n.nspname, c.relname, p.polname, p.polcmd, p.polpermissive,"
	    " pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), p.oid"
	    " from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace"
	    " order by 1, 4");
	PGresult *roles = q_rows(C, "select p.oid, case when x.r = 0 then null else pg_get_userbyid(x.r) end"
	    " from pg_policy p, unnest(p.polroles) with ordinality x(r, k) order by 1, x.k");

	for (int i = 0; i < PQntuples(r); i++) {
		char *q = table_q(r, i, 0), *n, cmd = V(r, i, 4)[0];
		struct sbuf b = { 0 }, w = { 0 };
		int lo, hi, pub = 0;

		if (!q)
			continue;
		n = ident(V(r, i, 3));
		sbuf_printf(&b, "CREATE POLICY %s ON %s%s", n, q, TRUE_(r, i, 5) ? "" : " AS RESTRICTIVE");
		if (cmd != '*')
			sbuf_printf(&b, " FOR %s", cmd == 'r' ? "SELECT" : cmd == 'a' ? "INSERT" :
			    cmd == 'w' ? "UPDATE" : "DELETE");
		rows_for(roles, OID(r, i, 8), &lo, &hi);
		for (int k = lo; k < hi; k++)
			pub |= NUL(roles, k, 1);
		if (!pub && hi > lo) {
			sbuf_puts(&b, " TO ");
			for (int k = lo; k < hi; k++) {
				if (k > lo)
					sbuf_puts(&b, ", ");
				sql_ident(&b, V(roles, k, 1));
			}
		}
		if (!NUL(r, i, 6))
			sbuf_printf(&b, " USING (%s)", V(r, i, 6));
		if (!NUL(r, i, 7))
			sbuf_printf(&b, " WITH CHECK (%s)", V(r, i, 7));
		sbuf_puts(&b, ";\n");
		sbuf_printf(&w, "POLICY %s ON %s", n, q);
		comment_on(&b, w.s, comment_for(3256, OID(r, i, 8), 0));
		post(cat, P_POLICY, 3256, OID(r, i, 8), V(r, i, 1), V(r, i, 3), "POLICY", &b);
		sbuf_free(&w);
		free(n);
		free(q);
	}
	PQclear(r);
	PQclear(roles);
}

static void
load_statistics(struct catalog *cat)
{
	/* table, schema, name, definition, target, owner, oid */
	PGresult *r = q_rows(C, "select s.stxrelid, n.nspname, s.stxname, pg_get_statisticsobjdef(s.oid),"
	    " coalesce(s.stxstattarget, -1), pg_get_userbyid(s.stxowner), s.oid"
	    " from pg_statistic_ext s join pg_namespace n on n.oid = s.stxnamespace order by 1, 3");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		char *q;

		if (!oidset_has(&rels, OID(r, i, 0)))
			continue;
		q = qname(V(r, i, 1), V(r, i, 2));
		sbuf_printf(&b, "%s;\n", V(r, i, 3));
		if (atoi(V(r, i, 4)) >= 0)
			sbuf_printf(&b, "ALTER STATISTICS %s SET STATISTICS %s;\n", q, V(r, i, 4));
		owner_to(&b, "STATISTICS", q, V(r, i, 5));
		sbuf_printf(&w, "STATISTICS %s", q);
		comment_on(&b, w.s, comment_for(3381, OID(r, i, 6), 0));
		post(cat, P_STATS, 3381, OID(r, i, 6), V(r, i, 1), V(r, i, 2), "STATISTICS", &b);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
}

/* ---- what pgdump-stream does not dump: every user object of these kinds
 * is listed, so that a dump never loses one silently. */
static void
find_unsupported(struct catalog *cat)
{
	int whole = O->f.nschemas == 0 && O->f.ntables == 0;
	PGresult *r = q_rows(C, "select pg_describe_object(x.classid, x.objid, 0), x.nsp from ("
	    " select 'pg_foreign_data_wrapper'::regclass::oid classid, oid objid, 0::oid nsp from pg_foreign_data_wrapper"
	    " union all select 'pg_foreign_server'::regclass, oid, 0 from pg_foreign_server"
	    " union all select 'pg_publication'::regclass, oid, 0 from pg_publication"
	    " union all select 'pg_event_trigger'::regclass, oid, 0 from pg_event_trigger"
	    " union all select 'pg_language'::regclass, oid, 0 from pg_language"
	    " union all select 'pg_transform'::regclass, oid, 0 from pg_transform"
	    " union all select 'pg_am'::regclass, oid, 0 from pg_am"
	    " union all select 'pg_operator'::regclass, oid, oprnamespace from pg_operator"
	    " union all select 'pg_opclass'::regclass, oid, opcnamespace from pg_opclass"
	    " union all select 'pg_opfamily'::regclass, oid, opfnamespace from pg_opfamily"
	    " union all select 'pg_ts_parser'::regclass, oid, prsnamespace from pg_ts_parser"
	    " union all select 'pg_ts_template'::regclass, oid, tmplnamespace from pg_ts_template"
	    " union all select 'pg_conversion'::regclass, oid, connamespace from pg_conversion"
	    ") x where x.objid >= 16384 and not exists (select 1 from pg_depend e"
	    "   where e.classid = x.classid and e.objid = x.objid and e.deptype in ('e','i')) order by 1");
	PGresult *lo = q_rows(C, "select (select count(*) from pg_largeobject_metadata),"
	    " (select count(*) from pg_subscription where subdbid ="
	    "   (select oid from pg_database where datname = current_database()))");

	for (int i = 0; i < PQntuples(r); i++) {
		Oid nsp = OID(r, i, 1);

		if (nsp ? in_schema(nsp) : whole)
			unsupported(cat, V(r, i, 0));
	}
	if (whole && atol(V(lo, 0, 0)) > 0) {
		struct sbuf w = { 0 };

		sbuf_printf(&w, "%s large object(s)", V(lo, 0, 0));
		unsupported_data(cat, w.s);
		sbuf_free(&w);
	}
	if (whole && atol(V(lo, 0, 1)) > 0) {
		struct sbuf w = { 0 };

		sbuf_printf(&w, "%s subscription(s)", V(lo, 0, 1));
		unsupported(cat, w.s);
		sbuf_free(&w);
	}
	PQclear(r);
	PQclear(lo);
}

void
catalog_load(PGconn *c, int version, const struct dumpopt *opt, struct catalog *cat)
{
	struct sbuf q = { 0 };
	struct oidset nodata = { 0 };
	PGresult *r;

	C = c;
	O = opt;
	server_version = version;
	comments = q_rows(c, "select objoid, classoid, objsubid, description from pg_description"
	    " where objoid >= 16384 order by 1");
	if (opt->f.nxdata) {
		sbuf_puts(&q, "select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace where ");
		patterns_sql(&q, opt->f.xdata, opt->f.nxdata, "n.nspname", "c.relname");
		sbuf_puts(&q, " order by 1");
		r = q_rows(c, q.s);
		oidset_from(&nodata, r, 0);
		PQclear(r);
	}
	load_schemas(cat);
	load_extensions(cat);
	load_collations(cat);
	load_types(cat);
	load_functions(cat);
	load_text_search(cat);
	load_casts(cat);

	seqs = q_rows(c, "select s.oid, n.nspname, s.relname, q.seqstart, q.seqincrement, q.seqmin, q.seqmax,"
	    " q.seqcache, q.seqcycle, format_type(q.seqtypid, null), d.refobjid, d.refobjsubid, d.deptype,"
	    " tn.nspname, t.relname, a.attname"
	    " from pg_class s join pg_namespace n on n.oid = s.relnamespace join pg_sequence q on q.seqrelid = s.oid"
	    " left join pg_depend d on d.classid = 1259 and d.objid = s.oid and d.refclassid = 1259"
	    "   and d.deptype in ('a','i')"
	    " left join pg_class t on t.oid = d.refobjid left join pg_namespace tn on tn.oid = t.relnamespace"
	    " left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid"
	    " where s.relkind = 'S' order by 1");
	sbuf_reset(&q);
	sbuf_printf(&q, "select a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
	    " a.attislocal, a.attinhcount, a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid),"
	    " cn.nspname, co.collname, a.attstorage, t.typstorage, a.attstattarget, a.attoptions, %s"
	    " from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_type t on t.oid = a.atttypid"
	    " left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum"
	    " left join pg_collation co on co.oid = a.attcollation and a.attcollation <> t.typcollation"
	    " left join pg_namespace cn on cn.oid = co.collnamespace"
	    " where a.attrelid >= 16384 and a.attnum > 0 and not a.attisdropped and c.relkind in ('r','p','v','m')"
	    " order by 1, 2", version >= 140000 ? "a.attcompression" : "null::\"char\"");
	cols = q_rows(c, q.s);
	checks = q_rows(c, "select conrelid, conname, pg_get_constraintdef(oid), convalidated, conislocal, oid"
	    " from pg_constraint where contype = 'c' and conrelid >= 16384 order by 1, 2");
	inh = q_rows(c, "select h.inhrelid, n.nspname, p.relname, h.inhparent from pg_inherits h"
	    " join pg_class p on p.oid = h.inhparent join pg_namespace n on n.oid = p.relnamespace"
	    " where p.relkind in ('r','p') order by 1, h.inhseqno");
	r = q_rows(c, "select c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, pg_get_userbyid(c.relowner),"
	    " n.oid, c.reloptions, (select reloptions from pg_class where oid = c.reltoastrelid),"
	    " c.relispartition, pg_get_expr(c.relpartbound, c.oid),"
	    " case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end,"
	    " c.relrowsecurity, c.relforcerowsecurity, c.relreplident, c.reloftype <> 0,"
	    " case when c.relam <> 0 and am.amname <> 'heap' then quote_ident(am.amname) end,"
	    " case when c.relkind in ('v','m') then pg_get_viewdef(c.oid) end, c.relispopulated,"
	    " (select spcname from pg_tablespace where oid = c.reltablespace)"
	    " from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_am am on am.oid = c.relam"
	    " where c.oid >= 16384 and c.relkind in ('r','p','v','m','S','f') order by 1");
	load_sequences(cat, r);
	load_relations(cat, r, &nodata);
	PQclear(r);
	load_constraints(cat);
	load_indexes(cat);
	load_triggers_rules(cat);
	load_policies(cat);
	load_statistics(cat);
	load_default_acls(cat);
	find_unsupported(cat);

	map_build(cat);
	if (!opt->no_privileges) {
		acls_load(cat, C_NAMESPACE, "select x.oid, 'SCHEMA', pg_get_userbyid(x.nspowner),"
		    " case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type, a.is_grantable"
		    " from pg_namespace x left join lateral aclexplode(x.nspacl) with ordinality a on true"
		    " where x.nspacl is not null and x.nspacl <> acldefault('n', x.nspowner) order by 1, a.ordinality");
		acls_load(cat, C_CLASS, "select x.oid, case x.relkind when 'S' then 'SEQUENCE' else 'TABLE' end,"
		    " pg_get_userbyid(x.relowner),"
		    " case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type, a.is_grantable"
		    " from pg_class x left join lateral aclexplode(x.relacl) with ordinality a on true"
		    " where x.oid >= 16384 and x.relacl is not null"
		    " and x.relacl <> acldefault((case x.relkind when 'S' then 's' else 'r' end)::\"char\", x.relowner)"
		    " order by 1, a.ordinality");
		acls_load(cat, C_PROC, "select x.oid, case x.prokind when 'p' then 'PROCEDURE' when 'a' then 'ROUTINE'"
		    " else 'FUNCTION' end, pg_get_userbyid(x.proowner),"
		    " case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type, a.is_grantable"
		    " from pg_proc x left join lateral aclexplode(x.proacl) with ordinality a on true"
		    " where x.oid >= 16384 and x.proacl is not null and x.proacl <> acldefault('f', x.proowner)"
		    " order by 1, a.ordinality");
		acls_load(cat, C_TYPE, "select x.oid, 'TYPE', pg_get_userbyid(x.typowner),"
		    " case when a.grantee = 0 then null else pg_get_userbyid(a.grantee) end, a.privilege_type, a.is_grantable"
		    " from pg_type x left join lateral aclexplode(x.typacl) with ordinality a on true"
		    " where x.oid >= 16384 and x.typacl is not null and x.typacl <> acldefault('T', x.typowner)"
		    " order by 1, a.ordinality");
		column_acls_load(cat);
	}
	PQclear(seqs);
	PQclear(cols);
	PQclear(checks);
	PQclear(inh);
	PQclear(comments);
	free(nodata.v);
	sbuf_free(&q);
}

void
catalog_free(struct catalog *cat)
{
	for (int i = 0; i < cat->nobj; i++) {
		struct dobj *d = &cat->obj[i];

		free(d->schema);
		free(d->name);
		free(d->kind);
		free(d->target);
		free(d->refresh);
		free(d->create);
		free(d->drop);
		free(d->acl);
		free(d->deps);
		free(d->rdeps);
	}
	for (int i = 0; i < cat->ndata; i++) {
		free(cat->data[i].qname);
		free(cat->data[i].copy_cols);
		free(cat->data[i].schema);
		free(cat->data[i].name);
	}
	for (int i = 0; i < cat->nseq; i++)
		free(cat->seq[i].qname);
	free(cat->obj);
	free(cat->data);
	free(cat->seq);
	free(cat->order);
	free(cat->lock);
	sbuf_free(&cat->unsupported);
	free(schemas.v);
	free(rels.v);
	free(bymap);
	free(bykeys);
	schemas.v = rels.v = bykeys = NULL;
	bymap = NULL;
}
