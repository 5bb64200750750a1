/* The catalog read into dump objects. Names are quoted here (lib/sql);
 * expressions, view bodies, function bodies and index, constraint, trigger
 * and rule definitions come from the server's pg_get_* functions, with
 * search_path empty so that every name in them is qualified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"

#define V(r, i, j) PQgetvalue(r, i, j)
#define NUL(r, i, j) PQgetisnull(r, i, j)
#define OID(r, i, j) ((Oid)strtoul(PQgetvalue(r, i, j), NULL, 10))
#define TRUE_(r, i, j) (PQgetvalue(r, i, j)[0] == 't')

#define STR_(x) #x
#define STR(x) STR_(x)

/* The user's objects only: not system ones, not an extension's members,
 * not those the server made as part of another (a range type's
 * constructors and casts). */
#define NOT_EXT(cls, col) \
	" and not exists (select 1 from pg_depend e where e.classid = " STR(cls) \
	" and e.objid = " col " and e.deptype in ('e','i'))"

/* A catalog query's rows; errors fail through lib/pgq. */
static PGresult *
rows(const struct catalog *cat, const char *sql)
{
	return pgq_rows(cat->q, sql, "catalog query failed");
}

static int
oid_cmp(const void *a, const void *b)
{
	Oid x = *(const Oid *)a, y = *(const Oid *)b;

	return x < y ? -1 : x > y;
}

static void
oidset_from(struct oidset *s, const PGresult *r, int col)
{
	s->n = PQntuples(r);
	s->v = xmalloc(((size_t)s->n + 1) * sizeof *s->v);
	for (int i = 0; i < s->n; i++)
		s->v[i] = OID(r, i, col);
	qsort(s->v, (size_t)s->n, sizeof *s->v, oid_cmp);
}

static void
oidset_remove(struct oidset *s, Oid o)
{
	Oid *p = s->n ? bsearch(&o, s->v, (size_t)s->n, sizeof o, oid_cmp) : NULL;

	if (p) {
		memmove(p, p + 1, (size_t)(s->v + s->n - (p + 1)) * sizeof *p);
		s->n--;
	}
}

static int
oidset_has(const struct oidset *s, Oid o)
{
	return s->n && bsearch(&o, s->v, (size_t)s->n, sizeof o, oid_cmp) != NULL;
}

/* Rows of r (sorted by the OID in column key) that belong to oid:
 * [*lo, *hi). */
static void
rows_for(const PGresult *r, int key, Oid oid, int *lo, int *hi)
{
	int a = 0, b = PQntuples(r);

	while (a < b) {
		int m = (a + b) / 2;

		if (OID(r, m, key) < oid)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < PQntuples(r) && OID(r, a, key) == oid)
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
owner_to(const struct catalog *cat, struct sbuf *b, const char *kind, const char *q, const char *role)
{
	if (cat->opt->no_owner || !role || !*role)
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
opt_val(const PGresult *r, int i, int j)
{
	return NUL(r, i, j) ? NULL : V(r, i, j);
}

static void
drop_stmt(const struct catalog *cat, struct dobj *d, const char *kind, const char *q)
{
	struct sbuf b = { 0 };

	sbuf_printf(&b, "DROP %s %s%s;\n", kind, cat->opt->if_exists ? "IF EXISTS " : "", q);
	d->drop = sbuf_take(&b);
}

/* An object with a name in a schema that the selection holds? */
static int
in_schema(const struct catalog *cat, Oid nsp)
{
	return cat->opt->f.ntables == 0 && oidset_has(&cat->schemas, nsp);
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
	if (!cat->opt->data_only)
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
schema_filter(struct sbuf *b, const struct dumpopt *opt)
{
	sbuf_puts(b, "n.nspname !~ '^pg_' and n.nspname <> 'information_schema'");
	if (opt->f.nschemas) {
		sbuf_puts(b, " and ");
		patterns_sql(b, opt->f.schemas, opt->f.nschemas, "n.nspname", NULL);
	}
	if (opt->f.nxschemas) {
		sbuf_puts(b, " and not ");
		patterns_sql(b, opt->f.xschemas, opt->f.nxschemas, "n.nspname", NULL);
	}
}

void
catalog_select_tables(struct catalog *cat)
{
	const struct dumpopt *opt = cat->opt;
	struct sbuf q = { 0 };
	PGresult *r;

	sbuf_puts(&q, "select n.oid from pg_namespace n where ");
	schema_filter(&q, opt);
	sbuf_puts(&q, NOT_EXT(C_NAMESPACE, "n.oid") " order by 1");
	r = rows(cat, q.s);
	oidset_from(&cat->schemas, r, pgq_col(r, "oid"));
	PQclear(r);

	/* Relations: with -t only the tables named (and the sequences they own),
	 * else every relation in the selected schemas; -T takes some away. */
	sbuf_reset(&q);
	sbuf_puts(&q, "select c.oid, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace"
	    " where c.relkind in ('r','p','v','m','S','f') and n.nspname !~ '^pg_'"
	    " and n.nspname <> 'information_schema'"
	    " and not exists (select 1 from pg_depend e where e.classid = " STR(C_CLASS) " and e.objid = c.oid"
	    "   and e.deptype = 'e')");
	if (opt->f.ntables) {
		sbuf_puts(&q, " and (");
		patterns_sql(&q, opt->f.tables, opt->f.ntables, "n.nspname", "c.relname");
		sbuf_puts(&q, " or c.oid in (select d.objid from pg_depend d join pg_class t on t.oid = d.refobjid"
		    " join pg_namespace n on n.oid = t.relnamespace where d.classid = " STR(C_CLASS)
		    " and d.refclassid = " STR(C_CLASS)
		    " and d.deptype in ('a','i') and ");
		patterns_sql(&q, opt->f.tables, opt->f.ntables, "n.nspname", "t.relname");
		sbuf_puts(&q, "))");
	} else {
		sbuf_puts(&q, " and ");
		schema_filter(&q, opt);
	}
	if (opt->f.nxtables) {
		sbuf_puts(&q, " and not ");
		patterns_sql(&q, opt->f.xtables, opt->f.nxtables, "n.nspname", "c.relname");
	}
	sbuf_puts(&q, " order by 1");
	r = rows(cat, q.s);
	const int c_oid = pgq_col(r, "oid"), c_relkind = pgq_col(r, "relkind");

	oidset_from(&cat->rels, r, c_oid);
	cat->lock = xmalloc(((size_t)PQntuples(r) + 1) * sizeof *cat->lock);
	for (int i = 0; i < PQntuples(r); i++)
		if (strchr("rp", V(r, i, c_relkind)[0]))
			cat->lock[cat->nlock++] = OID(r, i, c_oid);
	PQclear(r);
	sbuf_free(&q);
}

/* ---- comments and privileges */

/* An object's comment, or NULL (always with --no-comments). */
static const char *
comment_for(const struct catalog *cat, Oid classid, Oid oid, int subid)
{
	const struct comment_rows *cm = &cat->comments;
	int lo, hi;

	if (cat->opt->no_comments)
		return NULL;
	rows_for(cm->r, cm->objoid, oid, &lo, &hi);
	for (int i = lo; i < hi; i++)
		if (OID(cm->r, i, cm->classoid) == classid && atoi(V(cm->r, i, cm->objsubid)) == subid)
			return V(cm->r, i, cm->description);
	return NULL;
}

/* GRANT statements from rows that give, one privilege a row, the grantee
 * (NULL: PUBLIC), privilege_type and is_grantable; rows without a privilege
 * (a revoke, an ACL emptied by REVOKE) are passed over. */
static int find_main(const struct catalog *cat, Oid oid);

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
	PGresult *r = rows(cat, sql);
	const int c_oid = pgq_col(r, "oid"), c_kw = pgq_col(r, "kw"), c_step = pgq_col(r, "step"),
	    c_target = pgq_col(r, "target"), c_holder = pgq_col(r, "holder");
	const struct grant_cols g = grant_cols(r);
	int n = PQntuples(r), whole = cat->opt->f.nschemas == 0 && cat->opt->f.ntables == 0;

	for (int i = 0, j; i < n; i = j) {
		Oid oid = OID(r, i, c_oid);
		int k = find_main(cat, oid);
		struct sbuf b = { 0 };
		struct dobj *d;

		for (j = i; j < n && OID(r, j, c_oid) == oid; j++)
			;
		if (k < 0 && whole && TRUE_(r, i, c_holder)) {
			/* pg_catalog's or an extension's, so not dumped itself: an
			 * object without statements holds its privileges. */
			d = add(cat, P_DEFAULT_ACL, classid, oid, "", V(r, i, c_target), V(r, i, c_kw));
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
    const char *target, const char *system)
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
	    " where x.%s is not null and x.%s <> z.base"
	    " order by 1, d.step, d.item, d.ord, 6",
	    kw, target, system, catalog, catalog, acl, catalog, kind, owner, acl, acl);
	return sbuf_take(&q);
}

/* Column privileges: the table, the column's name, then as above. */
static void
column_acls_load(struct catalog *cat)
{
	PGresult *r = rows(cat, "select a.attrelid, a.attname,"
	    " case when g.grantee = 0 then null else pg_get_userbyid(g.grantee) end as grantee, g.privilege_type,"
	    " g.is_grantable"
	    " from pg_attribute a, aclexplode(a.attacl) with ordinality g"
	    " where a.attacl is not null and a.attrelid >= 16384 order by 1, a.attnum, g.ordinality");
	const int c_relid = pgq_col(r, "attrelid"), c_attname = pgq_col(r, "attname");
	const struct grant_cols g = grant_cols(r);
	int n = PQntuples(r);

	for (int i = 0, j; i < n; i = j) {
		Oid oid = OID(r, i, c_relid);
		int k = find_main(cat, oid);
		struct sbuf b = { 0 }, col = { 0 };

		for (j = i; j < n && OID(r, j, c_relid) == oid && strcmp(V(r, j, c_attname), V(r, i, c_attname)) == 0; j++)
			;
		if (k < 0 || cat->obj[k].classid != C_CLASS)
			continue;
		sbuf_puts(&col, " (");
		sql_ident(&col, V(r, i, c_attname));
		sbuf_putc(&col, ')');
		grant_rows(&b, r, &g, i, j, "", "%s%s", col.s, "TABLE", cat->obj[k].target);
		acl_append(&cat->obj[k], &b);
		sbuf_free(&col);
	}
	PQclear(r);
}

/* Each object's lookup by OID: (OID, object) pairs sorted by OID, built
 * once all objects are in. OIDs come from one counter, so they are unique
 * across catalogs; helper objects (classid 0) borrow their owner's and are
 * left out. */
struct bykey {
	Oid oid;
	int idx;
};

static int
bykey_cmp(const void *a, const void *b)
{
	return oid_cmp(&((const struct bykey *)a)->oid, &((const struct bykey *)b)->oid);
}

static void
map_build(struct catalog *cat)
{
	struct bykey *v = xmalloc(((size_t)cat->nobj + 1) * sizeof *v);
	int n = 0;

	for (int i = 0; i < cat->nobj; i++)
		if (cat->obj[i].classid != 0) {
			v[n].oid = cat->obj[i].oid;
			v[n++].idx = i;
		}
	qsort(v, (size_t)n, sizeof *v, bykey_cmp);
	free(cat->bymap);
	free(cat->bykeys);
	cat->bymap = xmalloc(((size_t)n + 1) * sizeof *cat->bymap);
	cat->bykeys = xmalloc(((size_t)n + 1) * sizeof *cat->bykeys);
	for (int i = 0; i < n; i++) {
		cat->bykeys[i] = v[i].oid;
		cat->bymap[i] = v[i].idx;
	}
	cat->nbymap = n;
	free(v);
}

static int
find_main(const struct catalog *cat, Oid oid)
{
	int a = 0, b = cat->nbymap;

	while (a < b) {
		int m = (a + b) / 2;

		if (cat->bykeys[m] < oid)
			a = m + 1;
		else
			b = m;
	}
	return a < cat->nbymap && cat->bykeys[a] == oid ? cat->bymap[a] : -1;
}

/* ---- schemas and extensions */

static void
load_schemas(struct catalog *cat)
{
	PGresult *r = rows(cat, "select n.oid, n.nspname, pg_get_userbyid(n.nspowner) as owner from pg_namespace n"
	    " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_nspname = pgq_col(r, "nspname"), c_owner = pgq_col(r, "owner");

	for (int i = 0; i < PQntuples(r); i++) {
		Oid oid = OID(r, i, c_oid);
		const char *name = V(r, i, c_nspname), *owner = V(r, i, c_owner), *cm;
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;

		if (!in_schema(cat, oid))
			continue;
		q = ident(name);
		d = add(cat, P_SCHEMA, C_NAMESPACE, oid, "", name, "SCHEMA");
		/* Every database has public already; only its changes are dumped. */
		if (strcmp(name, "public") != 0) {
			sbuf_printf(&b, "CREATE SCHEMA %s;\n", q);
			drop_stmt(cat, d, "SCHEMA", q);
		}
		if (strcmp(name, "public") != 0 || strcmp(owner, "pg_database_owner") != 0)
			owner_to(cat, &b, "SCHEMA", q, owner);
		cm = comment_for(cat, C_NAMESPACE, oid, 0);
		sbuf_printf(&w, "SCHEMA %s", q);
		if (strcmp(name, "public") != 0)
			comment_on(&b, w.s, cm);
		else if (!cm && !cat->opt->no_comments) /* a new database's public has one: remove it, as pg_dump does */
			comment_on(&b, w.s, "");
		else if (cm && strcmp(cm, "standard public schema") != 0)
			comment_on(&b, w.s, cm);
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

	if (cat->opt->f.nschemas || cat->opt->f.ntables)
		return;
	r = rows(cat, "select x.oid, x.extname, n.nspname, x.extconfig is not null as has_config from pg_extension x"
	    " join pg_namespace n on n.oid = x.extnamespace where x.oid >= 16384 order by 1");
	const int c_oid = pgq_col(r, "oid"), c_extname = pgq_col(r, "extname"), c_nspname = pgq_col(r, "nspname"),
	    c_has_config = pgq_col(r, "has_config");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		char *q = ident(V(r, i, c_extname));
		struct dobj *d = add(cat, P_EXTENSION, C_EXTENSION, OID(r, i, c_oid), "", V(r, i, c_extname), "EXTENSION");

		if (TRUE_(r, i, c_has_config)) {
			sbuf_printf(&w, "EXTENSION %s: data in its configuration tables", q);
			unsupported_data(cat, w.s);
			sbuf_reset(&w);
		}
		sbuf_printf(&b, "CREATE EXTENSION IF NOT EXISTS %s WITH SCHEMA ", q);
		sql_ident(&b, V(r, i, c_nspname));
		sbuf_puts(&b, ";\n");
		sbuf_printf(&w, "EXTENSION %s", q);
		comment_on(&b, w.s, comment_for(cat, C_EXTENSION, d->oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(cat, d, "EXTENSION", q);
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
	    " c.collcollate, c.collctype, %s as icu_locale, pg_get_userbyid(c.collowner) as owner, n.oid as nspoid"
	    " from pg_collation c join pg_namespace n on n.oid = c.collnamespace"
	    " where c.oid >= 16384" NOT_EXT(C_COLLATION, "c.oid") " order by 1",
	    cat->server_version >= 170000 ? "c.colllocale" : cat->server_version >= 150000 ? "c.colliculocale" :
	    "c.collcollate");
	r = rows(cat, q.s);
	const int c_oid = pgq_col(r, "oid"), c_nspname = pgq_col(r, "nspname"), c_collname = pgq_col(r, "collname"),
	    c_provider = pgq_col(r, "collprovider"), c_deterministic = pgq_col(r, "collisdeterministic"),
	    c_collate = pgq_col(r, "collcollate"), c_ctype = pgq_col(r, "collctype"),
	    c_icu_locale = pgq_col(r, "icu_locale"), c_owner = pgq_col(r, "owner"), c_nspoid = pgq_col(r, "nspoid");
	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *qn, prov = V(r, i, c_provider)[0];

		if (!in_schema(cat, OID(r, i, c_nspoid)))
			continue;
		qn = qname(V(r, i, c_nspname), V(r, i, c_collname));
		d = add(cat, P_COLLATION, C_COLLATION, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_collname), "COLLATION");
		sbuf_printf(&b, "CREATE COLLATION %s (provider = %s", qn, prov == 'i' ? "icu" : "libc");
		if (!TRUE_(r, i, c_deterministic))
			sbuf_puts(&b, ", deterministic = false");
		if (prov == 'i') {
			sbuf_puts(&b, ", locale = ");
			sql_literal(&b, V(r, i, c_icu_locale));
		} else if (strcmp(V(r, i, c_collate), V(r, i, c_ctype)) == 0) {
			sbuf_puts(&b, ", locale = ");
			sql_literal(&b, V(r, i, c_collate));
		} else {
			sbuf_puts(&b, ", lc_collate = ");
			sql_literal(&b, V(r, i, c_collate));
			sbuf_puts(&b, ", lc_ctype = ");
			sql_literal(&b, V(r, i, c_ctype));
		}
		sbuf_puts(&b, ");\n");
		owner_to(cat, &b, "COLLATION", qn, V(r, i, c_owner));
		sbuf_printf(&w, "COLLATION %s", qn);
		comment_on(&b, w.s, comment_for(cat, C_COLLATION, d->oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(cat, d, "COLLATION", qn);
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
	int whole = cat->opt->f.nschemas == 0 && cat->opt->f.ntables == 0;
	PGresult *r;

	if (cat->opt->no_privileges)
		return;
	/* The entry, its keyword and role, the grants (as acls_load), and
	 * its schema if it has one. */
	r = rows(cat, "select d.oid, case d.defaclobjtype when 'r' then 'TABLES' when 'S' then 'SEQUENCES'"
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
		if (nsp ? !in_schema(cat, nsp) : !whole)
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
		post(cat, P_DEFAULT_ACL, C_DEFACL, OID(r, i, c_oid), nsp ? V(r, i, c_nspname) : "", V(r, i, c_role), "DEFAULT ACL", &b);
		sbuf_free(&pre);
	}
	PQclear(r);
}

/* ---- casts: cluster-less but per database, dumped with the whole database */

static void
load_casts(struct catalog *cat)
{
	PGresult *r;

	if (cat->opt->f.nschemas || cat->opt->f.ntables)
		return;
	r = rows(cat, "select c.oid, format_type(c.castsource, null) as source, format_type(c.casttarget, null) as target,"
	    " c.castmethod, c.castcontext, case when c.castfunc <> 0 then c.castfunc::regprocedure::text end as func"
	    " from pg_cast c where c.oid >= 16384" NOT_EXT(C_CAST, "c.oid") " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_source = pgq_col(r, "source"), c_target = pgq_col(r, "target"),
	    c_method = pgq_col(r, "castmethod"), c_context = pgq_col(r, "castcontext"), c_func = pgq_col(r, "func");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 }, t = { 0 };
		struct dobj *d;
		char m = V(r, i, c_method)[0], ctx = V(r, i, c_context)[0];

		sbuf_printf(&t, "(%s AS %s)", V(r, i, c_source), V(r, i, c_target));
		d = add(cat, P_CAST, C_CAST, OID(r, i, c_oid), "", t.s, "CAST");
		free(d->target);
		d->target = xstrdup(t.s);
		sbuf_printf(&b, "CREATE CAST %s ", t.s);
		if (m == 'f' && !NUL(r, i, c_func))
			sbuf_printf(&b, "WITH FUNCTION %s", V(r, i, c_func));
		else
			sbuf_puts(&b, m == 'i' ? "WITH INOUT" : "WITHOUT FUNCTION");
		sbuf_puts(&b, ctx == 'a' ? " AS ASSIGNMENT;\n" : ctx == 'i' ? " AS IMPLICIT;\n" : ";\n");
		sbuf_printf(&w, "CAST %s", t.s);
		comment_on(&b, w.s, comment_for(cat, C_CAST, d->oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(cat, d, "CAST", t.s);
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
	PGresult *r = rows(cat, "select d.oid, n.nspname, d.dictname, tn.nspname as tmpl_nspname, t.tmplname,"
	    " d.dictinitoption, pg_get_userbyid(d.dictowner) as owner, n.oid as nspoid"
	    " from pg_ts_dict d join pg_namespace n on n.oid = d.dictnamespace"
	    " join pg_ts_template t on t.oid = d.dicttemplate join pg_namespace tn on tn.oid = t.tmplnamespace"
	    " where d.oid >= 16384" NOT_EXT(C_TSDICT, "d.oid") " order by 1");
	PGresult *cf = rows(cat, "select c.oid, n.nspname, c.cfgname, pn.nspname as prs_nspname, p.prsname,"
	    " pg_get_userbyid(c.cfgowner) as owner, n.oid as nspoid"
	    " from pg_ts_config c join pg_namespace n on n.oid = c.cfgnamespace"
	    " join pg_ts_parser p on p.oid = c.cfgparser join pg_namespace pn on pn.oid = p.prsnamespace"
	    " where c.oid >= 16384" NOT_EXT(C_TSCONFIG, "c.oid") " order by 1");
	/* configuration, token type, its name, dictionary schema and name */
	PGresult *map = rows(cat, "select m.mapcfg, m.maptokentype, t.alias, dn.nspname, d.dictname"
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

		if (!in_schema(cat, OID(r, i, d_nspoid)))
			continue;
		q = qname(V(r, i, d_nspname), V(r, i, d_dictname));
		d = add(cat, P_TSDICT, C_TSDICT, OID(r, i, d_oid), V(r, i, d_nspname), V(r, i, d_dictname), "TEXT SEARCH DICTIONARY");
		sbuf_printf(&b, "CREATE TEXT SEARCH DICTIONARY %s (\n    TEMPLATE = ", q);
		sql_qualified(&b, V(r, i, d_tmpl_nspname), V(r, i, d_tmplname));
		/* dictinitoption is already an option list, as the server keeps it. */
		if (!NUL(r, i, d_option))
			sbuf_printf(&b, ",\n    %s", V(r, i, d_option));
		sbuf_puts(&b, "\n);\n");
		owner_to(cat, &b, "TEXT SEARCH DICTIONARY", q, V(r, i, d_owner));
		sbuf_printf(&w, "TEXT SEARCH DICTIONARY %s", q);
		comment_on(&b, w.s, comment_for(cat, C_TSDICT, d->oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(cat, d, "TEXT SEARCH DICTIONARY", q);
		sbuf_free(&w);
		free(q);
	}
	for (int i = 0; i < PQntuples(cf); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;
		int lo, hi;

		if (!in_schema(cat, OID(cf, i, f_nspoid)))
			continue;
		q = qname(V(cf, i, f_nspname), V(cf, i, f_cfgname));
		d = add(cat, P_TSCONFIG, C_TSCONFIG, OID(cf, i, f_oid), V(cf, i, f_nspname), V(cf, i, f_cfgname), "TEXT SEARCH CONFIGURATION");
		sbuf_printf(&b, "CREATE TEXT SEARCH CONFIGURATION %s (\n    PARSER = ", q);
		sql_qualified(&b, V(cf, i, f_prs_nspname), V(cf, i, f_prsname));
		sbuf_puts(&b, "\n);\n");
		rows_for(map, m_cfg, d->oid, &lo, &hi);
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
		owner_to(cat, &b, "TEXT SEARCH CONFIGURATION", q, V(cf, i, f_owner));
		sbuf_printf(&w, "TEXT SEARCH CONFIGURATION %s", q);
		comment_on(&b, w.s, comment_for(cat, C_TSCONFIG, d->oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(cat, d, "TEXT SEARCH CONFIGURATION", q);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
	PQclear(cf);
	PQclear(map);
}

/* ---- types */

/* " COLLATE schema.name" from row i's columns nsp and name, if set. */
static void
coll_clause(struct sbuf *b, const PGresult *r, int i, int nsp, int name)
{
	if (NUL(r, i, nsp))
		return;
	sbuf_puts(b, " COLLATE ");
	sql_qualified(b, V(r, i, nsp), V(r, i, name));
}

/* The user's types (not a table's row type, not an array type): one row
 * each, with what every kind needs (a domain's base type, default and
 * collation; a range's options). */
static void
types_sql(const struct catalog *cat, struct sbuf *q)
{
	sbuf_puts(q, "select t.oid, n.nspname, t.typname, t.typtype, pg_get_userbyid(t.typowner) as owner,"
	    " n.oid as nspoid, format_type(t.typbasetype, t.typtypmod) as basetype, t.typnotnull,"
	    " pg_get_expr(t.typdefaultbin, 0) as typdefault, cn.nspname as collnsp, co.collname,"
	    " format_type(rg.rngsubtype, null) as subtype,"
	    " (select quote_ident(on_.nspname) || '.' || quote_ident(oc.opcname) from pg_opclass oc"
	    "   join pg_namespace on_ on on_.oid = oc.opcnamespace where oc.oid = rg.rngsubopc and not oc.opcdefault)"
	    "   as subopclass,"
	    " case when rg.rngcanonical <> 0 then rg.rngcanonical::regproc::text end as canonical,"
	    " case when rg.rngsubdiff <> 0 then rg.rngsubdiff::regproc::text end as subdiff,");
	if (cat->server_version >= 140000)
		sbuf_puts(q, " (select format('%I.%I', mn.nspname, m.typname) from pg_type m"
		    "   join pg_namespace mn on mn.oid = m.typnamespace where m.oid = rg.rngmultitypid) as multirange,");
	else
		sbuf_puts(q, " null as multirange,");
	sbuf_puts(q, " (select quote_ident(rn.nspname) || '.' || quote_ident(rc.collname) from pg_collation rc"
	    "   join pg_namespace rn on rn.oid = rc.collnamespace where rc.oid = rg.rngcollation"
	    "   and rg.rngcollation <> (select typcollation from pg_type where oid = rg.rngsubtype)) as rangecoll,"
	    " t.typrelid"
	    " from pg_type t join pg_namespace n on n.oid = t.typnamespace"
	    " left join pg_type bt on bt.oid = t.typbasetype"
	    " left join pg_collation co on co.oid = t.typcollation and t.typtype = 'd' and t.typcollation <> bt.typcollation"
	    " left join pg_namespace cn on cn.oid = co.collnamespace"
	    " left join pg_range rg on rg.rngtypid = t.oid"
	    " where t.oid >= 16384 and (t.typrelid = 0 or (select relkind from pg_class where oid = t.typrelid) = 'c')"
	    " and not exists (select 1 from pg_type a where a.typarray = t.oid)"
	    NOT_EXT(C_TYPE, "t.oid") " order by 1");
}

/* The columns of a domain's constraint rows. */
struct con_cols {
	int typid, conname, def, validated, oid;
};

/* A domain's CHECK constraints (rows [lo, hi) of con): the valid ones in
 * CREATE DOMAIN (ending the statement in b), the NOT VALID ones after the
 * data, as pg_dump does; their comments. */
static void
domain_constraints(struct catalog *cat, const PGresult *con, const struct con_cols *k, int lo, int hi,
    const char *q, const char *schema, struct sbuf *b)
{
	struct sbuf w = { 0 };

	for (int j = lo; j < hi; j++) {
		if (!TRUE_(con, j, k->validated))
			continue;
		sbuf_puts(b, "\n    CONSTRAINT ");
		sql_ident(b, V(con, j, k->conname));
		sbuf_printf(b, " %s", V(con, j, k->def));
	}
	sbuf_puts(b, ";\n");
	for (int j = lo; j < hi; j++) {
		char *cn = ident(V(con, j, k->conname));
		Oid oid = OID(con, j, k->oid);

		sbuf_reset(&w);
		sbuf_printf(&w, "CONSTRAINT %s ON DOMAIN %s", cn, q);
		if (!TRUE_(con, j, k->validated)) {
			struct sbuf pb = { 0 };

			sbuf_printf(&pb, "ALTER DOMAIN %s ADD CONSTRAINT %s %s;\n", q, cn, V(con, j, k->def));
			comment_on(&pb, w.s, comment_for(cat, C_CONSTRAINT, oid, 0));
			add(cat, P_CONSTRAINT, C_CONSTRAINT, oid, schema, V(con, j, k->conname), "DOMAIN CONSTRAINT")->create =
			    sbuf_take(&pb);
		} else {
			comment_on(b, w.s, comment_for(cat, C_CONSTRAINT, oid, 0));
		}
		free(cn);
	}
	sbuf_free(&w);
}

static void
load_types(struct catalog *cat)
{
	struct sbuf q = { 0 };
	PGresult *r, *lab, *att, *con;

	types_sql(cat, &q);
	r = rows(cat, q.s);
	lab = rows(cat, "select enumtypid, enumlabel from pg_enum order by 1, enumsortorder");
	att = rows(cat, "select t.oid, a.attname, format_type(a.atttypid, a.atttypmod) as type, cn.nspname as collnsp,"
	    " co.collname, a.attnum"
	    " from pg_type t join pg_attribute a on a.attrelid = t.typrelid"
	    " left join pg_type at on at.oid = a.atttypid"
	    " left join pg_collation co on co.oid = a.attcollation and a.attcollation <> at.typcollation"
	    " left join pg_namespace cn on cn.oid = co.collnamespace"
	    " where t.typtype = 'c' and t.oid >= 16384 and a.attnum > 0 and not a.attisdropped order by 1, a.attnum");
	/* CHECK constraints only: 17 keeps a domain's NOT NULL as a constraint
	 * row too (contype 'n'), which typnotnull already gives. */
	con = rows(cat, "select contypid, conname, pg_get_constraintdef(oid) as def, convalidated, oid from pg_constraint"
	    " where contypid <> 0 and contype = 'c' order by 1, conname");
	const int c_oid = pgq_col(r, "oid"), c_nspname = pgq_col(r, "nspname"), c_typname = pgq_col(r, "typname"),
	    c_typtype = pgq_col(r, "typtype"), c_owner = pgq_col(r, "owner"), c_nspoid = pgq_col(r, "nspoid"),
	    c_basetype = pgq_col(r, "basetype"), c_notnull = pgq_col(r, "typnotnull"),
	    c_default = pgq_col(r, "typdefault"), c_collnsp = pgq_col(r, "collnsp"), c_collname = pgq_col(r, "collname"),
	    c_subtype = pgq_col(r, "subtype"), c_subopclass = pgq_col(r, "subopclass"),
	    c_canonical = pgq_col(r, "canonical"), c_subdiff = pgq_col(r, "subdiff"),
	    c_multirange = pgq_col(r, "multirange"), c_rangecoll = pgq_col(r, "rangecoll"),
	    c_typrelid = pgq_col(r, "typrelid");
	const int l_typid = pgq_col(lab, "enumtypid"), l_label = pgq_col(lab, "enumlabel");
	const int a_oid = pgq_col(att, "oid"), a_attname = pgq_col(att, "attname"), a_type = pgq_col(att, "type"),
	    a_collnsp = pgq_col(att, "collnsp"), a_collname = pgq_col(att, "collname"), a_attnum = pgq_col(att, "attnum");
	const struct con_cols k = { pgq_col(con, "contypid"), pgq_col(con, "conname"), pgq_col(con, "def"),
		pgq_col(con, "convalidated"), pgq_col(con, "oid") };
	for (int i = 0; i < PQntuples(r); i++) {
		Oid oid = OID(r, i, c_oid);
		const char *schema = V(r, i, c_nspname), *name = V(r, i, c_typname), *cm;
		char tt = V(r, i, c_typtype)[0], *q;
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		int lo, hi;

		if (!in_schema(cat, OID(r, i, c_nspoid)))
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
			rows_for(lab, l_typid, oid, &lo, &hi);
			for (int k = lo; k < hi; k++) {
				sbuf_puts(&b, k > lo ? ",\n    " : "\n    ");
				sql_literal(&b, V(lab, k, l_label));
			}
			sbuf_puts(&b, "\n);\n");
		} else if (tt == 'c') {
			sbuf_printf(&b, "CREATE TYPE %s AS (", q);
			rows_for(att, a_oid, oid, &lo, &hi);
			for (int k = lo; k < hi; k++) {
				sbuf_puts(&b, k > lo ? ",\n    " : "\n    ");
				sql_ident(&b, V(att, k, a_attname));
				sbuf_printf(&b, " %s", V(att, k, a_type));
				coll_clause(&b, att, k, a_collnsp, a_collname);
			}
			sbuf_puts(&b, "\n);\n");
		} else if (tt == 'r') {
			sbuf_printf(&b, "CREATE TYPE %s AS RANGE (\n    subtype = %s", q, V(r, i, c_subtype));
			if (!NUL(r, i, c_subopclass))
				sbuf_printf(&b, ",\n    subtype_opclass = %s", V(r, i, c_subopclass));
			if (!NUL(r, i, c_rangecoll))
				sbuf_printf(&b, ",\n    collation = %s", V(r, i, c_rangecoll));
			if (!NUL(r, i, c_canonical))
				sbuf_printf(&b, ",\n    canonical = %s", V(r, i, c_canonical));
			if (!NUL(r, i, c_subdiff))
				sbuf_printf(&b, ",\n    subtype_diff = %s", V(r, i, c_subdiff));
			if (!NUL(r, i, c_multirange))
				sbuf_printf(&b, ",\n    multirange_type_name = %s", V(r, i, c_multirange));
			sbuf_puts(&b, "\n);\n");
		} else {
			sbuf_printf(&b, "CREATE DOMAIN %s AS %s", q, V(r, i, c_basetype));
			coll_clause(&b, r, i, c_collnsp, c_collname);
			if (!NUL(r, i, c_default))
				sbuf_printf(&b, " DEFAULT %s", V(r, i, c_default));
			if (TRUE_(r, i, c_notnull))
				sbuf_puts(&b, " NOT NULL");
			rows_for(con, k.typid, oid, &lo, &hi);
			domain_constraints(cat, con, &k, lo, hi, q, schema, &b);
			d = &cat->obj[di];
		}
		owner_to(cat, &b, tt == 'd' ? "DOMAIN" : "TYPE", q, V(r, i, c_owner));
		sbuf_reset(&w);
		sbuf_printf(&w, "%s %s", tt == 'd' ? "DOMAIN" : "TYPE", q);
		cm = comment_for(cat, C_TYPE, oid, 0);
		comment_on(&b, w.s, cm);
		if (tt == 'c') {
			rows_for(att, a_oid, oid, &lo, &hi);
			for (int k = lo; k < hi; k++) {
				char *cn = ident(V(att, k, a_attname));

				sbuf_reset(&w);
				sbuf_printf(&w, "COLUMN %s.%s", q, cn);
				comment_on(&b, w.s, comment_for(cat, C_CLASS, OID(r, i, c_typrelid), atoi(V(att, k, a_attnum))));
				free(cn);
			}
		}
		d->create = sbuf_take(&b);
		drop_stmt(cat, d, tt == 'd' ? "DOMAIN" : "TYPE", q);
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

static void
load_functions(struct catalog *cat)
{
	PGresult *r, *ag;

	r = rows(cat, "select p.oid, n.nspname, p.proname, p.prokind, pg_get_userbyid(p.proowner) as owner,"
	    " n.oid as nspoid, pg_get_function_identity_arguments(p.oid) as identity_args,"
	    " case when p.prokind <> 'a' then pg_get_functiondef(p.oid) end as def"
	    " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
	    " where p.oid >= 16384" NOT_EXT(C_PROC, "p.oid") " order by 1");
	ag = rows(cat, "select a.aggfnoid::oid as oid, pg_get_function_arguments(a.aggfnoid) as args, a.aggkind,"
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

		if (!in_schema(cat, OID(r, i, c_nspoid)))
			continue;
		q = qname(V(r, i, c_nspname), V(r, i, c_proname));
		sbuf_printf(&sig, "%s(%s)", q, kind == 'a' && !*V(r, i, c_args) ? "*" : V(r, i, c_args));
		d = add(cat, kind == 'a' ? P_AGGREGATE : P_FUNCTION, C_PROC, oid, V(r, i, c_nspname), V(r, i, c_proname), word);
		free(d->target);
		d->target = xstrdup(sig.s);
		if (kind != 'a') {
			sbuf_puts(&b, V(r, i, c_def));
			sbuf_puts(&b, ";\n");
		} else {
			rows_for(ag, g.oid, oid, &lo, &hi);
			if (lo == hi)
				die(EX_SOFTWARE, "aggregate %s: no pg_aggregate row", sig.s);
			aggregate_create(&b, ag, &g, lo, q);
		}
		owner_to(cat, &b, word, sig.s, V(r, i, c_owner));
		sbuf_printf(&w, "%s %s", word, sig.s);
		comment_on(&b, w.s, comment_for(cat, C_PROC, oid, 0));
		d->create = sbuf_take(&b);
		drop_stmt(cat, d, word, sig.s);
		sbuf_free(&w);
		sbuf_free(&sig);
		free(q);
	}
	PQclear(r);
	PQclear(ag);
}

/* ---- relations */

/* Sequences (cat->seqs): by their own OID (standalone) and by the column
 * they serve (identity). Sequence options in the form CREATE SEQUENCE and
 * identity columns share. */
static void
seq_options(const struct catalog *cat, struct sbuf *b, int i)
{
	const struct seq_rows *sq = &cat->seqs;

	sbuf_printf(b, "    START WITH %s\n    INCREMENT BY %s\n    MINVALUE %s\n    MAXVALUE %s\n    CACHE %s%s",
	    V(sq->r, i, sq->start), V(sq->r, i, sq->increment), V(sq->r, i, sq->min), V(sq->r, i, sq->max),
	    V(sq->r, i, sq->cache), TRUE_(sq->r, i, sq->cycle) ? "\n    CYCLE" : "");
}

static int
identity_seq(const struct catalog *cat, Oid table, int attnum)
{
	const struct seq_rows *sq = &cat->seqs;

	for (int i = 0; i < PQntuples(sq->r); i++)
		if (!NUL(sq->r, i, sq->owner_oid) && OID(sq->r, i, sq->owner_oid) == table &&
		    atoi(V(sq->r, i, sq->owner_attnum)) == attnum && V(sq->r, i, sq->deptype)[0] == 'i')
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

/* The columns of catalog_load's relation rows, resolved once. */
struct rel_cols {
	int oid, nspname, relname, relkind, persistence, owner, options, toast_options, partition, bound,
	    partkey, rowsecurity, forcerowsecurity, replident, typed, am, viewdef, populated, tablespace;
};

static struct rel_cols
rel_cols(const PGresult *r)
{
	struct rel_cols c = {
		pgq_col(r, "oid"), pgq_col(r, "nspname"), pgq_col(r, "relname"), pgq_col(r, "relkind"),
		pgq_col(r, "relpersistence"), pgq_col(r, "owner"), pgq_col(r, "reloptions"),
		pgq_col(r, "toast_options"), pgq_col(r, "relispartition"), pgq_col(r, "partbound"),
		pgq_col(r, "partkey"), pgq_col(r, "relrowsecurity"), pgq_col(r, "relforcerowsecurity"),
		pgq_col(r, "relreplident"), pgq_col(r, "typed"), pgq_col(r, "am"), pgq_col(r, "viewdef"),
		pgq_col(r, "relispopulated"), pgq_col(r, "tablespace")
	};

	return c;
}

/* The sequences, with what the relation rows r say of them. */
static void
load_sequences(struct catalog *cat, const PGresult *r, const struct rel_cols *c)
{
	const struct seq_rows *sq = &cat->seqs;

	for (int i = 0; i < PQntuples(sq->r); i++) {
		Oid oid = OID(sq->r, i, sq->oid);
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;
		char *q;
		int ri = -1;

		if (!oidset_has(&cat->rels, oid))
			continue;
		{
			int lo, hi;

			rows_for(r, c->oid, oid, &lo, &hi);
			if (lo < hi)
				ri = lo;
		}
		q = qname(V(sq->r, i, sq->nspname), V(sq->r, i, sq->relname));
		if (!cat->opt->schema_only) {
			cat->seq = xrealloc(cat->seq, ((size_t)cat->nseq + 1) * sizeof *cat->seq);
			cat->seq[cat->nseq++].qname = xstrdup(q);
		}
		if (!NUL(sq->r, i, sq->deptype) && V(sq->r, i, sq->deptype)[0] == 'i') {
			/* Made by its identity column; an object without statements
			 * of its own holds its privileges (privileges_load). */
			add(cat, P_SEQUENCE, C_CLASS, oid, V(sq->r, i, sq->nspname), V(sq->r, i, sq->relname),
			    "SEQUENCE");
			free(q);
			continue;
		}
		d = add(cat, P_SEQUENCE, C_CLASS, oid, V(sq->r, i, sq->nspname), V(sq->r, i, sq->relname), "SEQUENCE");
		sbuf_printf(&b, "CREATE %sSEQUENCE %s\n    AS %s\n",
		    ri >= 0 && V(r, ri, c->persistence)[0] == 'u' ? "UNLOGGED " : "", q, V(sq->r, i, sq->type));
		seq_options(cat, &b, i);
		sbuf_puts(&b, ";\n");
		if (ri >= 0)
			owner_to(cat, &b, "SEQUENCE", q, V(r, ri, c->owner));
		sbuf_printf(&w, "SEQUENCE %s", q);
		comment_on(&b, w.s, comment_for(cat, C_CLASS, oid, 0));
		d->create = sbuf_take(&b);
		/* One owned by a dumped table goes when the table is dropped. */
		if (NUL(sq->r, i, sq->owner_oid) || !oidset_has(&cat->rels, OID(sq->r, i, sq->owner_oid)))
			drop_stmt(cat, d, "SEQUENCE", q);
		if (!NUL(sq->r, i, sq->owner_oid) && oidset_has(&cat->rels, OID(sq->r, i, sq->owner_oid))) {
			struct dobj *o = add(cat, P_SEQ_OWNED, 0, oid, V(sq->r, i, sq->nspname), V(sq->r, i, sq->relname), "SEQUENCE OWNED BY");
			struct sbuf ob = { 0 };

			sbuf_printf(&ob, "ALTER SEQUENCE %s OWNED BY ", q);
			sql_qualified(&ob, V(sq->r, i, sq->owner_nspname), V(sq->r, i, sq->owner_relname));
			sbuf_putc(&ob, '.');
			sql_ident(&ob, V(sq->r, i, sq->owner_attname));
			sbuf_puts(&ob, ";\n");
			o->create = sbuf_take(&ob);
		}
		sbuf_free(&w);
		free(q);
	}
}

/* A parent's column of the same name (a row of cat->cols), or -1. */
static int
parent_col(const struct catalog *cat, Oid parent, const char *name)
{
	const struct col_rows *cc = &cat->cols;
	int lo, hi;

	rows_for(cc->r, cc->relid, parent, &lo, &hi);
	for (int k = lo; k < hi; k++)
		if (strcmp(V(cc->r, k, cc->attname), name) == 0)
			return k;
	return -1;
}

/* Does some parent of table give column name this default / NOT NULL? */
static int
inherited_same(const struct catalog *cat, Oid table, const char *name, const char *def, int notnull)
{
	const struct col_rows *cc = &cat->cols;
	const struct inh_rows *ih = &cat->inh;
	int lo, hi;

	rows_for(ih->r, ih->relid, table, &lo, &hi);
	for (int k = lo; k < hi; k++) {
		int c = parent_col(cat, OID(ih->r, k, ih->parent), name);

		if (c < 0)
			continue;
		if (def && !NUL(cc->r, c, cc->def) && strcmp(V(cc->r, c, cc->def), def) == 0)
			return 1;
		if (notnull && TRUE_(cc->r, c, cc->notnull))
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
column_extras(const struct catalog *cat, struct sbuf *b, Oid oid, const char *q, int is_view, int lo, int hi)
{
	const struct col_rows *cc = &cat->cols;
	const char *alter = is_view ? "ALTER VIEW" : "ALTER TABLE ONLY";

	for (int k = lo; k < hi; k++) {
		char *cn = ident(V(cc->r, k, cc->attname));
		int local = TRUE_(cc->r, k, cc->islocal) && !is_view;
		const char *def = opt_val(cc->r, k, cc->def);
		struct sbuf w = { 0 };

		if (!local && def && V(cc->r, k, cc->generated)[0] == 0 && !inherited_same(cat, oid, V(cc->r, k, cc->attname), def, 0))
			sbuf_printf(b, "%s %s ALTER COLUMN %s SET DEFAULT %s;\n", alter, q, cn, def);
		if (!local && !is_view && TRUE_(cc->r, k, cc->notnull) && !inherited_same(cat, oid, V(cc->r, k, cc->attname), NULL, 1))
			sbuf_printf(b, "%s %s ALTER COLUMN %s SET NOT NULL;\n", alter, q, cn);
		if (!is_view) {
			if (atoi(V(cc->r, k, cc->stattarget)) >= 0 && !NUL(cc->r, k, cc->stattarget))
				sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET STATISTICS %s;\n", q, cn, V(cc->r, k, cc->stattarget));
			if (V(cc->r, k, cc->storage)[0] != V(cc->r, k, cc->typstorage)[0])
				sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET STORAGE %s;\n", q, cn,
				    storage_word(V(cc->r, k, cc->storage)[0]));
			if (!NUL(cc->r, k, cc->options)) {
				struct sbuf o = { 0 };
				int first = 1;

				/* Debian's 15.20 server keeps a pg_attver entry in every
				 * column's options that no other server accepts (and
				 * pg_dump leaves out): dumped, it would make the dump
				 * restore nowhere else. */
				reloptions(&o, V(cc->r, k, cc->options), "", &first, "pg_attver");
				if (o.len)
					sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET (%s);\n", q, cn, o.s);
				sbuf_free(&o);
			}
			if (!NUL(cc->r, k, cc->compression) && V(cc->r, k, cc->compression)[0])
				sbuf_printf(b, "ALTER TABLE ONLY %s ALTER COLUMN %s SET COMPRESSION %s;\n", q, cn,
				    V(cc->r, k, cc->compression)[0] == 'l' ? "lz4" : "pglz");
		}
		sbuf_printf(&w, "COLUMN %s.%s", q, cn);
		comment_on(b, w.s, comment_for(cat, C_CLASS, oid, atoi(V(cc->r, k, cc->attnum))));
		sbuf_free(&w);
		free(cn);
	}
}

static void
column_def(const struct catalog *cat, struct sbuf *b, Oid oid, int k)
{
	const struct col_rows *cc = &cat->cols;
	const struct seq_rows *sq = &cat->seqs;
	const char *def = opt_val(cc->r, k, cc->def);
	char ident_kind = V(cc->r, k, cc->identity)[0], gen = V(cc->r, k, cc->generated)[0];

	sql_ident(b, V(cc->r, k, cc->attname));
	sbuf_printf(b, " %s", V(cc->r, k, cc->type));
	coll_clause(b, cc->r, k, cc->collnsp, cc->collname);
	/* An inherited generated column takes its expression from the parent,
	 * which PostgreSQL refuses to see repeated. */
	if (gen == 's' && def && atoi(V(cc->r, k, cc->inhcount)) > 0)
		;
	else if (gen == 's' && def)
		sbuf_printf(b, " GENERATED ALWAYS AS (%s) STORED", def);
	else if (def)
		sbuf_printf(b, " DEFAULT %s", def);
	if (TRUE_(cc->r, k, cc->notnull))
		sbuf_puts(b, " NOT NULL");
	if (ident_kind == 'a' || ident_kind == 'd') {
		int s = identity_seq(cat, oid, atoi(V(cc->r, k, cc->attnum)));

		sbuf_printf(b, " GENERATED %s AS IDENTITY", ident_kind == 'a' ? "ALWAYS" : "BY DEFAULT");
		if (s >= 0) {
			sbuf_puts(b, " (\n    SEQUENCE NAME ");
			sql_qualified(b, V(sq->r, s, sq->nspname), V(sq->r, s, sq->relname));
			sbuf_putc(b, '\n');
			seq_options(cat, b, s);
			sbuf_puts(b, "\n)");
		}
	}
}

/* One relation row being made into dump objects. */
struct rel {
	const PGresult *r;
	const struct rel_cols *c;
	int i;
	Oid oid;
	const char *schema, *name, *word;
	char kind;
	char *q;             /* its quoted name */
	int lo, hi;          /* its rows in cat->cols */
};

/* Kinds pgdump-stream cannot dump: listed, and 1 to skip the relation. */
static int
rel_unsupported(struct catalog *cat, const struct rel *x)
{
	struct sbuf w = { 0 };

	if (x->kind == 'f')
		sbuf_printf(&w, "FOREIGN TABLE %s", x->q);
	else if (TRUE_(x->r, x->i, x->c->typed))
		sbuf_printf(&w, "TABLE %s: a typed table (OF type)", x->q);
	else if (!NUL(x->r, x->i, x->c->tablespace) && !cat->opt->no_tablespaces)
		sbuf_printf(&w, "%s %s: in tablespace %s", x->word, x->q, V(x->r, x->i, x->c->tablespace));
	else
		return 0;
	/* A foreign table's rows live elsewhere; the others' would be lost. */
	if (x->kind == 'f')
		unsupported(cat, w.s);
	else
		unsupported_data(cat, w.s);
	sbuf_free(&w);
	/* Out of the selection: what belongs to it (indexes, constraints,
	 * triggers, policies) is left out with it, so that a dump made with
	 * --skip-unsupported restores. */
	oidset_remove(&cat->rels, x->oid);
	return 1;
}

/* CREATE VIEW or CREATE MATERIALIZED VIEW ... WITH NO DATA, the refresh
 * of a populated one after the data, and the columns' extras. */
static void
view_create(struct catalog *cat, const struct rel *x, struct dobj *d, struct sbuf *b)
{
	const PGresult *r = x->r;
	const char *def = V(r, x->i, x->c->viewdef), *check = NULL;
	size_t dl = strlen(def);
	int first = 1;

	while (dl && (def[dl - 1] == ';' || def[dl - 1] == ' ' || def[dl - 1] == '\n'))
		dl--;
	sbuf_printf(b, "CREATE %s %s", x->word, x->q);
	if (x->kind == 'm' && !NUL(r, x->i, x->c->am) && !cat->opt->no_table_am)
		sbuf_printf(b, " USING %s", V(r, x->i, x->c->am));
	if (!NUL(r, x->i, x->c->options)) {
		const char *opts = V(r, x->i, x->c->options);
		struct sbuf o = { 0 };

		/* check_option is a clause, not an option, in CREATE VIEW. */
		reloptions(&o, opts, "", &first, "check_option");
		check = strstr(opts, "check_option=cascaded") ? "CASCADED" :
		    strstr(opts, "check_option=local") ? "LOCAL" : NULL;
		if (o.len)
			sbuf_printf(b, " WITH (%s)", o.s);
		sbuf_free(&o);
	}
	sbuf_puts(b, " AS\n");
	sbuf_add(b, def, dl);
	if (x->kind == 'm')
		sbuf_puts(b, "\n  WITH NO DATA");
	if (check)
		sbuf_printf(b, "\n  WITH %s CHECK OPTION", check);
	sbuf_puts(b, ";\n");
	if (x->kind == 'm' && TRUE_(r, x->i, x->c->populated) && !cat->opt->schema_only) {
		struct sbuf rb = { 0 };

		sbuf_printf(&rb, "REFRESH MATERIALIZED VIEW %s;\n", x->q);
		d->refresh = sbuf_take(&rb);
	}
	column_extras(cat, b, x->oid, x->q, x->kind == 'v', x->lo, x->hi);
}

/* The column list of CREATE TABLE: local columns (none for a partition,
 * which takes its parent's) and local, validated CHECK constraints. */
static void
table_columns(const struct catalog *cat, const struct rel *x, int partition, struct sbuf *cl)
{
	const struct col_rows *cc = &cat->cols;
	const struct check_rows *ck = &cat->checks;
	int a, z, ncols = 0;

	for (int k = x->lo; k < x->hi && !partition; k++) {
		if (!TRUE_(cc->r, k, cc->islocal))
			continue;
		sbuf_puts(cl, ncols++ ? ",\n    " : "\n    ");
		column_def(cat, cl, x->oid, k);
	}
	rows_for(ck->r, ck->relid, x->oid, &a, &z);
	for (int k = a; k < z; k++) {
		if (!TRUE_(ck->r, k, ck->islocal) || !TRUE_(ck->r, k, ck->validated))
			continue;
		sbuf_puts(cl, ncols++ ? ",\n    CONSTRAINT " : "\n    CONSTRAINT ");
		sql_ident(cl, V(ck->r, k, ck->conname));
		sbuf_printf(cl, " %s", V(ck->r, k, ck->def));
	}
}

/* CREATE TABLE itself: columns, PARTITION OF or INHERITS, PARTITION BY,
 * USING, WITH (options). */
static void
table_statement(const struct catalog *cat, const struct rel *x, struct sbuf *b)
{
	const struct inh_rows *ih = &cat->inh;
	const PGresult *r = x->r;
	int partition = TRUE_(r, x->i, x->c->partition), clo, chi, ninh, first = 1;
	struct sbuf cl = { 0 };

	rows_for(ih->r, ih->relid, x->oid, &clo, &chi);
	ninh = chi - clo;
	sbuf_printf(b, "CREATE %sTABLE %s", V(r, x->i, x->c->persistence)[0] == 'u' ? "UNLOGGED " : "", x->q);
	if (partition && ninh == 1) {
		sbuf_puts(b, " PARTITION OF ");
		sql_qualified(b, V(ih->r, clo, ih->nspname), V(ih->r, clo, ih->relname));
	}
	table_columns(cat, x, partition, &cl);
	if (!partition || cl.len)
		sbuf_printf(b, " (%s\n)", sbuf_str(&cl));
	if (partition && ninh == 1)
		sbuf_printf(b, "\n%s", V(r, x->i, x->c->bound));
	else if (ninh) {
		sbuf_puts(b, "\nINHERITS (");
		for (int k = clo; k < chi; k++) {
			if (k > clo)
				sbuf_puts(b, ", ");
			sql_qualified(b, V(ih->r, k, ih->nspname), V(ih->r, k, ih->relname));
		}
		sbuf_putc(b, ')');
	}
	if (x->kind == 'p')
		sbuf_printf(b, "\nPARTITION BY %s", V(r, x->i, x->c->partkey));
	if (!NUL(r, x->i, x->c->am) && !cat->opt->no_table_am)
		sbuf_printf(b, "\nUSING %s", V(r, x->i, x->c->am));
	if (!NUL(r, x->i, x->c->options) || !NUL(r, x->i, x->c->toast_options)) {
		sbuf_puts(b, "\nWITH (");
		if (!NUL(r, x->i, x->c->options))
			reloptions(b, V(r, x->i, x->c->options), "", &first, NULL);
		if (!NUL(r, x->i, x->c->toast_options))
			reloptions(b, V(r, x->i, x->c->toast_options), "toast.", &first, NULL);
		sbuf_putc(b, ')');
	}
	sbuf_puts(b, ";\n");
	sbuf_free(&cl);
}

/* A table: CREATE TABLE and what follows it (column extras, comments on
 * its inline CHECKs, replica identity), and its row security as an object
 * of its own. */
static void
table_create(struct catalog *cat, const struct rel *x, struct sbuf *b)
{
	const struct check_rows *ck = &cat->checks;
	const PGresult *r = x->r;
	char ri = V(r, x->i, x->c->replident)[0];
	int a, z;

	table_statement(cat, x, b);
	column_extras(cat, b, x->oid, x->q, 0, x->lo, x->hi);
	rows_for(ck->r, ck->relid, x->oid, &a, &z);
	for (int k = a; k < z; k++) {
		struct sbuf w = { 0 };
		char *cn = ident(V(ck->r, k, ck->conname));

		sbuf_printf(&w, "CONSTRAINT %s ON %s", cn, x->q);
		if (TRUE_(ck->r, k, ck->islocal) && TRUE_(ck->r, k, ck->validated))
			comment_on(b, w.s, comment_for(cat, C_CONSTRAINT, OID(ck->r, k, ck->oid), 0));
		sbuf_free(&w);
		free(cn);
	}
	if (ri == 'f')
		sbuf_printf(b, "ALTER TABLE ONLY %s REPLICA IDENTITY FULL;\n", x->q);
	else if (ri == 'n')
		sbuf_printf(b, "ALTER TABLE ONLY %s REPLICA IDENTITY NOTHING;\n", x->q);
	if (TRUE_(r, x->i, x->c->rowsecurity) || TRUE_(r, x->i, x->c->forcerowsecurity)) {
		struct sbuf rb = { 0 };

		if (TRUE_(r, x->i, x->c->rowsecurity))
			sbuf_printf(&rb, "ALTER TABLE %s ENABLE ROW LEVEL SECURITY;\n", x->q);
		if (TRUE_(r, x->i, x->c->forcerowsecurity))
			sbuf_printf(&rb, "ALTER TABLE ONLY %s FORCE ROW LEVEL SECURITY;\n", x->q);
		add(cat, P_POLICY, 0, x->oid, x->schema, x->name, "ROW SECURITY")->create = sbuf_take(&rb);
	}
}

/* The table's rows go into the dump: COPY of every column but the
 * generated ones (computed again on restore). */
static void
table_data_add(struct catalog *cat, const struct rel *x)
{
	const struct col_rows *cc = &cat->cols;
	struct sbuf cl = { 0 };
	struct tdata *t;
	int nc = 0;

	cat->data = xrealloc(cat->data, ((size_t)cat->ndata + 1) * sizeof *cat->data);
	t = &cat->data[cat->ndata++];
	memset(t, 0, sizeof *t);
	t->qname = xstrdup(x->q);
	t->schema = xstrdup(x->schema);
	t->name = xstrdup(x->name);
	t->oid = x->oid;
	for (int k = x->lo; k < x->hi; k++) {
		if (V(cc->r, k, cc->generated)[0])
			continue;
		sbuf_puts(&cl, nc++ ? ", " : "(");
		sql_ident(&cl, V(cc->r, k, cc->attname));
	}
	if (nc)
		sbuf_putc(&cl, ')');
	t->copy_cols = sbuf_take(&cl);
}

/* The tables, views and materialized views of the relation rows r (see
 * catalog_load), with their columns and CHECK constraints. */
static void
load_relations(struct catalog *cat, const PGresult *r, const struct rel_cols *c, const struct oidset *nodata)
{
	for (int i = 0; i < PQntuples(r); i++) {
		struct rel x = { r, c, i, OID(r, i, c->oid), V(r, i, c->nspname), V(r, i, c->relname), NULL,
			V(r, i, c->relkind)[0], NULL, 0, 0 };
		struct sbuf b = { 0 }, w = { 0 };
		int di;

		if (x.kind == 'S' || !oidset_has(&cat->rels, x.oid))
			continue;
		x.word = x.kind == 'v' ? "VIEW" : x.kind == 'm' ? "MATERIALIZED VIEW" : "TABLE";
		x.q = qname(x.schema, x.name);
		if (rel_unsupported(cat, &x)) {
			free(x.q);
			continue;
		}
		/* An index, not a pointer: the helpers add objects. */
		di = cat->nobj;
		add(cat, x.kind == 'r' || x.kind == 'p' ? P_TABLE : P_VIEW, C_CLASS, x.oid, x.schema, x.name, x.word);
		rows_for(cat->cols.r, cat->cols.relid, x.oid, &x.lo, &x.hi);
		if (x.kind == 'v' || x.kind == 'm')
			view_create(cat, &x, &cat->obj[di], &b);
		else
			table_create(cat, &x, &b);
		if (x.kind == 'r' && !cat->opt->schema_only && !oidset_has(nodata, x.oid))
			table_data_add(cat, &x);
		owner_to(cat, &b, x.word, x.q, V(r, i, c->owner));
		sbuf_printf(&w, "%s %s", x.word, x.q);
		comment_on(&b, w.s, comment_for(cat, C_CLASS, x.oid, 0));
		cat->obj[di].create = sbuf_take(&b);
		drop_stmt(cat, &cat->obj[di], x.word, x.q);
		sbuf_free(&w);
		free(x.q);
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
	return qname(V(r, i, t->nspname), V(r, i, t->relname));
}

static void
load_constraints(struct catalog *cat)
{
	PGresult *r = rows(cat, "select c.conrelid as relid, n.nspname, t.relname, c.conname, c.contype,"
	    " pg_get_constraintdef(c.oid) as def, c.conparentid, c.convalidated, c.conislocal, c.oid, t.relkind"
	    " from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace"
	    " where c.contype in ('p','u','x','f','c') and c.conrelid >= 16384 order by 1, 4");
	const struct table_cols tc = table_cols(r);
	const int c_nspname = tc.nspname, c_conname = pgq_col(r, "conname"), c_contype = pgq_col(r, "contype"),
	    c_def = pgq_col(r, "def"), c_parent = pgq_col(r, "conparentid"), c_validated = pgq_col(r, "convalidated"),
	    c_islocal = pgq_col(r, "conislocal"), c_oid = pgq_col(r, "oid"), c_relkind = pgq_col(r, "relkind");

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
		cn = ident(V(r, i, c_conname));
		/* A CHECK added after the data reaches inheritance children as
		 * it did in the source; keys belong to one table (partitions get
		 * theirs and are attached); a foreign key on a partitioned table
		 * is made for its partitions by the server. */
		sbuf_printf(&b, "ALTER TABLE %s%s ADD CONSTRAINT %s %s;\n",
		    t == 'c' || (t == 'f' && V(r, i, c_relkind)[0] == 'p') ? "" : "ONLY ", q, cn, V(r, i, c_def));
		sbuf_printf(&w, "CONSTRAINT %s ON %s", cn, q);
		comment_on(&b, w.s, comment_for(cat, C_CONSTRAINT, OID(r, i, c_oid), 0));
		d = post(cat, t == 'f' ? P_FK : P_CONSTRAINT, C_CONSTRAINT, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_conname),
		    t == 'f' ? "FK CONSTRAINT" : "CONSTRAINT", &b);
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

static void
load_indexes(struct catalog *cat)
{
	/* "stattargets": "column target" pairs of its statistics targets */
	PGresult *r = rows(cat, "select i.indrelid as relid, n.nspname, t.relname, ci.relname as indexname,"
	    " pg_get_indexdef(i.indexrelid) as def, i.indisclustered, i.indisreplident,"
	    " exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid"
	    "   and k.contype in ('p','u','x')) as constraint_index,"
	    " i.indisvalid,"
	    " (select string_agg(a.attnum || ' ' || a.attstattarget, ' ' order by a.attnum) from pg_attribute a"
	    "   where a.attrelid = i.indexrelid and a.attstattarget > 0) as stattargets,"
	    " ci.reltablespace <> 0 as in_tablespace, i.indexrelid, ci.relkind = 'I' as partitioned"
	    " from pg_index i join pg_class ci on ci.oid = i.indexrelid join pg_class t on t.oid = i.indrelid"
	    " join pg_namespace n on n.oid = t.relnamespace where i.indrelid >= 16384 order by 1, 4");
	PGresult *att = rows(cat, "select ic.oid, pn.nspname as parent_nspname, p.relname as parent_relname,"
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
	    c_stattargets = pgq_col(r, "stattargets"), c_tablespace = pgq_col(r, "in_tablespace"),
	    c_oid = pgq_col(r, "indexrelid"), c_partitioned = pgq_col(r, "partitioned");
	const int a_oid = pgq_col(att, "oid"), a_parent_nspname = pgq_col(att, "parent_nspname"),
	    a_parent_relname = pgq_col(att, "parent_relname"), a_nspname = pgq_col(att, "nspname"),
	    a_relname = pgq_col(att, "relname"), a_relid = pgq_col(att, "relid");

	for (int i = 0; i < PQntuples(r); i++) {
		char *q = table_q(cat, r, i, &tc), *iq;
		struct sbuf b = { 0 }, w = { 0 };

		if (!q)
			continue;
		iq = qname(V(r, i, c_nspname), V(r, i, c_indexname));
		if (TRUE_(r, i, c_tablespace) && !cat->opt->no_tablespaces) {
			sbuf_printf(&w, "INDEX %s: in a tablespace", iq);
			unsupported(cat, w.s);
			sbuf_free(&w);
			free(iq);
			free(q);
			continue;
		}
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
		comment_on(&b, w.s, comment_for(cat, C_CLASS, OID(r, i, c_oid), 0));
		if (b.len)
			post(cat, TRUE_(r, i, c_constraint) ? P_INDEX_ATTACH : P_INDEX, TRUE_(r, i, c_constraint) ? 0 : C_CLASS,
			    OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_indexname), "INDEX", &b);
		if (TRUE_(r, i, c_clustered) || TRUE_(r, i, c_replident)) {
			char *in = ident(V(r, i, c_indexname));

			if (TRUE_(r, i, c_clustered))
				sbuf_printf(&b, "ALTER TABLE %s CLUSTER ON %s;\n", q, in);
			if (TRUE_(r, i, c_replident))
				sbuf_printf(&b, "ALTER TABLE ONLY %s REPLICA IDENTITY USING INDEX %s;\n", q, in);
			free(in);
		}
		if (b.len)
			post(cat, P_INDEX_ATTACH, 0, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_indexname), "INDEX OPTIONS", &b);
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
		post(cat, P_INDEX_ATTACH, 0, OID(att, i, a_oid), V(att, i, a_nspname), V(att, i, a_relname), "INDEX ATTACH", &b);
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

	sbuf_printf(&sql, "select t.tgrelid as relid, n.nspname, c.relname, t.tgname as name,"
	    " pg_get_triggerdef(t.oid) || ';' as def, t.tgenabled as enabled, t.oid, false as is_rule"
	    " from pg_trigger t join pg_class c on c.oid = t.tgrelid"
	    " join pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal%s"
	    " union all select r.ev_class, n.nspname, c.relname, r.rulename, pg_get_ruledef(r.oid), r.ev_enabled,"
	    " r.oid, true from pg_rewrite r join pg_class c on c.oid = r.ev_class"
	    " join pg_namespace n on n.oid = c.relnamespace where r.rulename <> '_RETURN' and r.oid >= 16384"
	    " order by 1, 4", cat->server_version >= 130000 ? " and t.tgparentid = 0" : "");
	r = rows(cat, sql.s);
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
		n = ident(V(r, i, c_name));
		sbuf_printf(&b, "%s\n", V(r, i, c_def));
		if (en)
			sbuf_printf(&b, "ALTER TABLE %s %s %s %s;\n", q, en, rule ? "RULE" : "TRIGGER", n);
		sbuf_printf(&w, "%s %s ON %s", rule ? "RULE" : "TRIGGER", n, q);
		comment_on(&b, w.s, comment_for(cat, rule ? C_REWRITE : C_TRIGGER, OID(r, i, c_oid), 0));
		post(cat, rule ? P_RULE : P_TRIGGER, rule ? C_REWRITE : C_TRIGGER, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_name),
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
static void
load_trigger_states(struct catalog *cat)
{
	PGresult *r;

	if (cat->server_version < 130000)
		return;
	r = rows(cat, "select t.tgrelid as relid, n.nspname, c.relname, t.tgname, t.tgenabled, t.oid"
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
		n = ident(V(r, i, c_tgname));
		sbuf_printf(&b, "ALTER TABLE %s %s TRIGGER %s;\n", q, e == 'O' ? "ENABLE" : enable_word(e), n);
		post(cat, P_TRIGGER_STATE, 0, OID(r, i, c_oid), V(r, i, tc.nspname), V(r, i, c_tgname),
		    "TRIGGER STATE", &b);
		free(n);
		free(q);
	}
	PQclear(r);
}

static void
load_policies(struct catalog *cat)
{
	PGresult *r = rows(cat, "select p.polrelid as relid, n.nspname, c.relname, p.polname, p.polcmd,"
	    " p.polpermissive, pg_get_expr(p.polqual, p.polrelid) as qual,"
	    " pg_get_expr(p.polwithcheck, p.polrelid) as withcheck, p.oid"
	    " from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace"
	    " order by 1, 4");
	PGresult *roles = rows(cat, "select p.oid, case when x.r = 0 then null else pg_get_userbyid(x.r) end as role"
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
		n = ident(V(r, i, c_polname));
		sbuf_printf(&b, "CREATE POLICY %s ON %s%s", n, q, TRUE_(r, i, c_permissive) ? "" : " AS RESTRICTIVE");
		if (cmd != '*')
			sbuf_printf(&b, " FOR %s", cmd == 'r' ? "SELECT" : cmd == 'a' ? "INSERT" :
			    cmd == 'w' ? "UPDATE" : "DELETE");
		rows_for(roles, o_oid, OID(r, i, c_oid), &lo, &hi);
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
		comment_on(&b, w.s, comment_for(cat, C_POLICY, OID(r, i, c_oid), 0));
		post(cat, P_POLICY, C_POLICY, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_polname), "POLICY", &b);
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
	PGresult *r = rows(cat, "select s.stxrelid, n.nspname, s.stxname, pg_get_statisticsobjdef(s.oid) as def,"
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
		q = qname(V(r, i, c_nspname), V(r, i, c_stxname));
		sbuf_printf(&b, "%s;\n", V(r, i, c_def));
		if (atoi(V(r, i, c_target)) >= 0)
			sbuf_printf(&b, "ALTER STATISTICS %s SET STATISTICS %s;\n", q, V(r, i, c_target));
		owner_to(cat, &b, "STATISTICS", q, V(r, i, c_owner));
		sbuf_printf(&w, "STATISTICS %s", q);
		comment_on(&b, w.s, comment_for(cat, C_STATS, OID(r, i, c_oid), 0));
		post(cat, P_STATS, C_STATS, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_stxname), "STATISTICS", &b);
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
	int whole = cat->opt->f.nschemas == 0 && cat->opt->f.ntables == 0;
	PGresult *r = rows(cat, "select pg_describe_object(x.classid, x.objid, 0) as description, x.nsp from ("
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
	PGresult *lo = rows(cat, "select (select count(*) from pg_largeobject_metadata) as large_objects,"
	    " (select count(*) from pg_subscription where subdbid ="
	    "   (select oid from pg_database where datname = current_database())) as subscriptions");
	const int c_description = pgq_col(r, "description"), c_nsp = pgq_col(r, "nsp");
	const int l_large_objects = pgq_col(lo, "large_objects"), l_subscriptions = pgq_col(lo, "subscriptions");

	for (int i = 0; i < PQntuples(r); i++) {
		Oid nsp = OID(r, i, c_nsp);

		if (nsp ? in_schema(cat, nsp) : whole)
			unsupported(cat, V(r, i, c_description));
	}
	if (whole && atol(V(lo, 0, l_large_objects)) > 0) {
		struct sbuf w = { 0 };

		sbuf_printf(&w, "%s large object(s)", V(lo, 0, l_large_objects));
		unsupported_data(cat, w.s);
		sbuf_free(&w);
	}
	if (whole && atol(V(lo, 0, l_subscriptions)) > 0) {
		struct sbuf w = { 0 };

		sbuf_printf(&w, "%s subscription(s)", V(lo, 0, l_subscriptions));
		unsupported(cat, w.s);
		sbuf_free(&w);
	}
	PQclear(r);
	PQclear(lo);
}

static int
tdata_cmp(const void *a, const void *b)
{
	const struct tdata *x = a, *y = b;
	int c = strcmp(x->schema, y->schema);

	return c ? c : strcmp(x->name, y->name);
}

static int
seqdata_cmp(const void *a, const void *b)
{
	return strcmp(((const struct seqdata *)a)->qname, ((const struct seqdata *)b)->qname);
}

/* The results several loaders share, their columns resolved by name. */
static void
shared_rows_load(struct catalog *cat)
{
	struct seq_rows *sq = &cat->seqs;
	struct col_rows *cc = &cat->cols;
	struct check_rows *ck = &cat->checks;
	struct inh_rows *ih = &cat->inh;
	struct sbuf q = { 0 };

	sq->r = rows(cat, "select s.oid, n.nspname, s.relname, q.seqstart, q.seqincrement, q.seqmin, q.seqmax,"
	    " q.seqcache, q.seqcycle, format_type(q.seqtypid, null) as type, d.refobjid as owner_oid,"
	    " d.refobjsubid as owner_attnum, d.deptype, tn.nspname as owner_nspname, t.relname as owner_relname,"
	    " a.attname as owner_attname"
	    " from pg_class s join pg_namespace n on n.oid = s.relnamespace join pg_sequence q on q.seqrelid = s.oid"
	    " left join pg_depend d on d.classid = " STR(C_CLASS) " and d.objid = s.oid"
	    "   and d.refclassid = " STR(C_CLASS) " and d.deptype in ('a','i')"
	    " left join pg_class t on t.oid = d.refobjid left join pg_namespace tn on tn.oid = t.relnamespace"
	    " left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid"
	    " where s.relkind = 'S' order by 1");
	sq->oid = pgq_col(sq->r, "oid");
	sq->nspname = pgq_col(sq->r, "nspname");
	sq->relname = pgq_col(sq->r, "relname");
	sq->start = pgq_col(sq->r, "seqstart");
	sq->increment = pgq_col(sq->r, "seqincrement");
	sq->min = pgq_col(sq->r, "seqmin");
	sq->max = pgq_col(sq->r, "seqmax");
	sq->cache = pgq_col(sq->r, "seqcache");
	sq->cycle = pgq_col(sq->r, "seqcycle");
	sq->type = pgq_col(sq->r, "type");
	sq->owner_oid = pgq_col(sq->r, "owner_oid");
	sq->owner_attnum = pgq_col(sq->r, "owner_attnum");
	sq->deptype = pgq_col(sq->r, "deptype");
	sq->owner_nspname = pgq_col(sq->r, "owner_nspname");
	sq->owner_relname = pgq_col(sq->r, "owner_relname");
	sq->owner_attname = pgq_col(sq->r, "owner_attname");

	sbuf_printf(&q, "select a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) as type,"
	    " a.attnotnull, a.attislocal, a.attinhcount, a.attidentity, a.attgenerated,"
	    " pg_get_expr(d.adbin, d.adrelid) as def, cn.nspname as collnsp, co.collname, a.attstorage,"
	    " t.typstorage, a.attstattarget, a.attoptions, %s as compression"
	    " from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_type t on t.oid = a.atttypid"
	    " left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum"
	    " left join pg_collation co on co.oid = a.attcollation and a.attcollation <> t.typcollation"
	    " left join pg_namespace cn on cn.oid = co.collnamespace"
	    " where a.attrelid >= 16384 and a.attnum > 0 and not a.attisdropped and c.relkind in ('r','p','v','m')"
	    " order by 1, 2", cat->server_version >= 140000 ? "a.attcompression" : "null::\"char\"");
	cc->r = rows(cat, q.s);
	cc->relid = pgq_col(cc->r, "attrelid");
	cc->attnum = pgq_col(cc->r, "attnum");
	cc->attname = pgq_col(cc->r, "attname");
	cc->type = pgq_col(cc->r, "type");
	cc->notnull = pgq_col(cc->r, "attnotnull");
	cc->islocal = pgq_col(cc->r, "attislocal");
	cc->inhcount = pgq_col(cc->r, "attinhcount");
	cc->identity = pgq_col(cc->r, "attidentity");
	cc->generated = pgq_col(cc->r, "attgenerated");
	cc->def = pgq_col(cc->r, "def");
	cc->collnsp = pgq_col(cc->r, "collnsp");
	cc->collname = pgq_col(cc->r, "collname");
	cc->storage = pgq_col(cc->r, "attstorage");
	cc->typstorage = pgq_col(cc->r, "typstorage");
	cc->stattarget = pgq_col(cc->r, "attstattarget");
	cc->options = pgq_col(cc->r, "attoptions");
	cc->compression = pgq_col(cc->r, "compression");

	ck->r = rows(cat, "select conrelid, conname, pg_get_constraintdef(oid) as def, convalidated, conislocal, oid"
	    " from pg_constraint where contype = 'c' and conrelid >= 16384 order by 1, 2");
	ck->relid = pgq_col(ck->r, "conrelid");
	ck->conname = pgq_col(ck->r, "conname");
	ck->def = pgq_col(ck->r, "def");
	ck->validated = pgq_col(ck->r, "convalidated");
	ck->islocal = pgq_col(ck->r, "conislocal");
	ck->oid = pgq_col(ck->r, "oid");

	ih->r = rows(cat, "select h.inhrelid, n.nspname, p.relname, h.inhparent from pg_inherits h"
	    " join pg_class p on p.oid = h.inhparent join pg_namespace n on n.oid = p.relnamespace"
	    " where p.relkind in ('r','p') order by 1, h.inhseqno");
	ih->relid = pgq_col(ih->r, "inhrelid");
	ih->nspname = pgq_col(ih->r, "nspname");
	ih->relname = pgq_col(ih->r, "relname");
	ih->parent = pgq_col(ih->r, "inhparent");
	sbuf_free(&q);
}

static void
shared_rows_free(struct catalog *cat)
{
	PQclear(cat->seqs.r);
	PQclear(cat->cols.r);
	PQclear(cat->checks.r);
	PQclear(cat->inh.r);
	PQclear(cat->comments.r);
	cat->seqs.r = cat->cols.r = cat->checks.r = cat->inh.r = cat->comments.r = NULL;
}

/* Privileges of schemas, relations, functions and types as acls_load
 * reads them: oid, kw, owner, then the grants. */
static void
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
	};

	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char *sql = acl_sql(k[i].catalog, k[i].acl, k[i].owner, k[i].kind, k[i].kw, k[i].target, k[i].system);

		acls_load(cat, k[i].classid, sql);
		free(sql);
	}
	column_acls_load(cat);
}

void
catalog_load(struct catalog *cat)
{
	const struct dumpopt *opt = cat->opt;
	struct comment_rows *cm = &cat->comments;
	struct sbuf q = { 0 };
	struct oidset nodata = { 0 };
	struct rel_cols rc;
	PGresult *r;

	/* The user's objects', and every schema's (public was made by initdb,
	 * and its comment is dumped when it is not the one initdb gave it). */
	cm->r = rows(cat, "select objoid, classoid, objsubid, description from pg_description"
	    " where objoid >= 16384 or classoid = " STR(C_NAMESPACE) " order by 1");
	cm->objoid = pgq_col(cm->r, "objoid");
	cm->classoid = pgq_col(cm->r, "classoid");
	cm->objsubid = pgq_col(cm->r, "objsubid");
	cm->description = pgq_col(cm->r, "description");
	if (opt->f.nxdata) {
		sbuf_puts(&q, "select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace where ");
		patterns_sql(&q, opt->f.xdata, opt->f.nxdata, "n.nspname", "c.relname");
		sbuf_puts(&q, " order by 1");
		r = rows(cat, q.s);
		oidset_from(&nodata, r, pgq_col(r, "oid"));
		PQclear(r);
	}
	load_schemas(cat);
	load_extensions(cat);
	load_collations(cat);
	load_types(cat);
	load_functions(cat);
	load_text_search(cat);
	load_casts(cat);

	shared_rows_load(cat);
	r = rows(cat, "select c.oid, n.nspname, c.relname, c.relkind, c.relpersistence,"
	    " pg_get_userbyid(c.relowner) as owner, c.reloptions,"
	    " (select reloptions from pg_class where oid = c.reltoastrelid) as toast_options,"
	    " c.relispartition, pg_get_expr(c.relpartbound, c.oid) as partbound,"
	    " case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partkey,"
	    " c.relrowsecurity, c.relforcerowsecurity, c.relreplident, c.reloftype <> 0 as typed,"
	    " case when c.relam <> 0 and am.amname <> 'heap' then quote_ident(am.amname) end as am,"
	    " case when c.relkind in ('v','m') then pg_get_viewdef(c.oid) end as viewdef, c.relispopulated,"
	    " (select spcname from pg_tablespace where oid = c.reltablespace) as tablespace"
	    " from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_am am on am.oid = c.relam"
	    " where c.oid >= 16384 and c.relkind in ('r','p','v','m','S','f') order by 1");
	rc = rel_cols(r);
	load_sequences(cat, r, &rc);
	load_relations(cat, r, &rc, &nodata);
	PQclear(r);
	/* Rows and sequence values in the order of their names, as pg_dump
	 * writes them: the same database dumps the same wherever its OIDs
	 * fell. */
	if (cat->ndata > 1)
		qsort(cat->data, (size_t)cat->ndata, sizeof *cat->data, tdata_cmp);
	if (cat->nseq > 1)
		qsort(cat->seq, (size_t)cat->nseq, sizeof *cat->seq, seqdata_cmp);
	load_constraints(cat);
	load_indexes(cat);
	load_triggers_rules(cat);
	load_trigger_states(cat);
	load_policies(cat);
	load_statistics(cat);
	load_default_acls(cat);
	find_unsupported(cat);

	map_build(cat);
	if (!opt->no_privileges)
		privileges_load(cat);
	shared_rows_free(cat);
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
	free(cat->schemas.v);
	free(cat->rels.v);
	free(cat->bymap);
	free(cat->bykeys);
	shared_rows_free(cat);
	cat->schemas.v = cat->rels.v = cat->bykeys = NULL;
	cat->bymap = NULL;
}
