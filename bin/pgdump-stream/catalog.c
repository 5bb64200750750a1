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
#include "cat.h"

/* A catalog query's rows; errors fail through lib/pgq. */
PGresult *
cat_rows(const struct catalog *cat, const char *sql)
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

void
oidset_remove(struct oidset *s, Oid o)
{
	Oid *p = s->n ? bsearch(&o, s->v, (size_t)s->n, sizeof o, oid_cmp) : NULL;

	if (p) {
		memmove(p, p + 1, (size_t)(s->v + s->n - (p + 1)) * sizeof *p);
		s->n--;
	}
}

int
oidset_has(const struct oidset *s, Oid o)
{
	return s->n && bsearch(&o, s->v, (size_t)s->n, sizeof o, oid_cmp) != NULL;
}

/* Rows of r (sorted by the OID in column key) that belong to oid:
 * [*lo, *hi). */
void
cat_rows_for(const PGresult *r, int key, Oid oid, int *lo, int *hi)
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

char *
cat_qname(const char *schema, const char *name)
{
	struct sbuf b = { 0 };

	sql_qualified(&b, schema, name);
	return sbuf_take(&b);
}

char *
cat_ident(const char *name)
{
	struct sbuf b = { 0 };

	sql_ident(&b, name);
	return sbuf_take(&b);
}

struct dobj *
cat_add(struct catalog *cat, enum prio prio, Oid classid, Oid oid, const char *schema,
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
	d->target = *schema ? cat_qname(schema, name) : cat_ident(name);
	return d;
}

/* A post-data object made by the statements in b. */
struct dobj *
cat_post(struct catalog *cat, enum prio prio, Oid classid, Oid oid, const char *schema, const char *name,
    const char *kind, struct sbuf *b)
{
	struct dobj *d = cat_add(cat, prio, classid, oid, schema, name, kind);

	d->create = sbuf_take(b);
	return d;
}

/* "ALTER kind q OWNER TO role;" unless -O. */
void
cat_owner_to(const struct catalog *cat, struct sbuf *b, const char *kind, const char *q, const char *role)
{
	if (cat->opt->no_owner || !role || !*role)
		return;
	sbuf_printf(b, "ALTER %s %s OWNER TO ", kind, q);
	sql_ident(b, role);
	sbuf_puts(b, ";\n");
}

void
cat_comment_on(struct sbuf *b, const char *what, const char *text)
{
	if (!text)
		return;
	sbuf_printf(b, "COMMENT ON %s IS ", what);
	sql_literal(b, text);
	sbuf_puts(b, ";\n");
}

const char *
cat_opt_val(const PGresult *r, int i, int j)
{
	return NUL(r, i, j) ? NULL : V(r, i, j);
}

void
cat_drop_stmt(const struct catalog *cat, struct dobj *d, const char *kind, const char *q)
{
	struct sbuf b = { 0 };

	sbuf_printf(&b, "DROP %s %s%s;\n", kind, cat->opt->if_exists ? "IF EXISTS " : "", q);
	d->drop = sbuf_take(&b);
}

/* An object with a name in a schema that the selection holds? */
int
cat_in_schema(const struct catalog *cat, Oid nsp)
{
	return cat->opt->f.ntables == 0 && oidset_has(&cat->schemas, nsp);
}

int
cat_whole(const struct catalog *cat)
{
	return cat->opt->f.nschemas == 0 && cat->opt->f.ntables == 0 && cat->opt->f.nexts == 0;
}

void
cat_tablespace(const struct catalog *cat, struct sbuf *b, const char *spc)
{
	struct sbuf t = { 0 };

	if (!spc || cat->opt->no_tablespaces)
		return;
	sbuf_puts(&t, "SET default_tablespace = ");
	sql_ident(&t, spc);
	sbuf_printf(&t, ";\n%sSET default_tablespace = '';\n", sbuf_str(b));
	sbuf_free(b);
	*b = t;
}

/* Something the dump would lose: a definition (not a loss under -a, which
 * dumps rows only) or rows (always a loss). */
void
cat_unsupported_data(struct catalog *cat, const char *what)
{
	sbuf_puts(&cat->unsupported, what);
	sbuf_putc(&cat->unsupported, '\n');
	cat->nunsupported++;
}

void
cat_unsupported(struct catalog *cat, const char *what)
{
	if (!cat->opt->data_only)
		cat_unsupported_data(cat, what);
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

/* The extensions dumped: with -e those named, else all of a whole-database
 * dump; --exclude-extension takes some away. Then the configuration tables
 * of those whose rows pg_dump dumps too: the rows the extension's filter
 * (extcondition) selects, as an extension marks with
 * pg_extension_config_dump; -t, -T and --exclude-table-data apply. */
static void
extensions_select(struct catalog *cat)
{
	const struct filter *f = &cat->opt->f;
	struct sbuf q = { 0 };
	PGresult *r;

	sbuf_puts(&q, "select x.oid from pg_extension x where x.oid >= 16384");
	if (f->nexts) {
		sbuf_puts(&q, " and ");
		patterns_sql(&q, f->exts, f->nexts, "x.extname", NULL);
	} else if (!cat_whole(cat))
		sbuf_puts(&q, " and false");
	if (f->nxexts) {
		sbuf_puts(&q, " and not ");
		patterns_sql(&q, f->xexts, f->nxexts, "x.extname", NULL);
	}
	sbuf_puts(&q, " order by 1");
	r = cat_rows(cat, q.s);
	oidset_from(&cat->exts, r, pgq_col(r, "oid"));
	PQclear(r);

	sbuf_reset(&q);
	sbuf_puts(&q, "select c.oid, c.relkind, n.nspname, c.relname, coalesce(u.cond, '') as cond, x.oid as extoid"
	    " from pg_extension x cross join lateral unnest(x.extconfig, x.extcondition) u(rel, cond)"
	    " join pg_class c on c.oid = u.rel join pg_namespace n on n.oid = c.relnamespace"
	    " where c.relkind in ('r','S') and x.oid = any('{");
	for (int i = 0; i < cat->exts.n; i++)
		sbuf_printf(&q, "%s%u", i ? "," : "", cat->exts.v[i]);
	sbuf_puts(&q, "}'::oid[])");
	if (f->ntables) {
		sbuf_puts(&q, " and ");
		patterns_sql(&q, f->tables, f->ntables, "n.nspname", "c.relname");
	}
	if (f->nxtables) {
		sbuf_puts(&q, " and not ");
		patterns_sql(&q, f->xtables, f->nxtables, "n.nspname", "c.relname");
	}
	sbuf_puts(&q, " order by 1");
	cat->extcfg = cat_rows(cat, q.s);
	sbuf_free(&q);
}

/* Each pattern of pats must match a row of FROM (ncol, rcol: its name
 * columns). pg_dump's rules: with
 * --strict-names every pattern; without, at least one of them. */
static void
patterns_match(struct catalog *cat, const char *const *pats, int n, const char *what, const char *from,
    const char *ncol, const char *rcol)
{
	int matched = 0;

	for (int i = 0; i < n; i++) {
		struct sbuf q = { 0 };
		PGresult *r;
		int hit;

		sbuf_printf(&q, "select exists (select 1 from %s where ", from);
		patterns_sql(&q, &pats[i], 1, ncol, rcol);
		sbuf_puts(&q, ") as hit");
		r = cat_rows(cat, q.s);
		hit = TRUE_(r, 0, 0);
		PQclear(r);
		sbuf_free(&q);
		if (!hit && cat->opt->strict_names)
			die(EX_USAGE, "no matching %s were found for pattern %s", what, pats[i]);
		matched |= hit;
	}
	if (n && !matched)
		die(EX_USAGE, "no matching %s were found", what);
}

void
catalog_select_tables(struct catalog *cat)
{
	const struct filter *f = &cat->opt->f;

	patterns_match(cat, f->schemas, f->nschemas, "schemas", "pg_namespace n", "n.nspname", NULL);
	patterns_match(cat, f->tables, f->ntables, "tables", "(select n.nspname, c.relname from pg_class c"
	    " join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r','p','v','m','S','f')) t",
	    "t.nspname", "t.relname");
	patterns_match(cat, f->exts, f->nexts, "extensions", "pg_extension x", "x.extname", NULL);
	const struct dumpopt *opt = cat->opt;
	struct sbuf q = { 0 };
	PGresult *r;

	sbuf_puts(&q, "select n.oid from pg_namespace n where ");
	schema_filter(&q, opt);
	sbuf_puts(&q, NOT_EXT(C_NAMESPACE, "n.oid") " order by 1");
	r = cat_rows(cat, q.s);
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
	r = cat_rows(cat, q.s);
	const int c_oid = pgq_col(r, "oid"), c_relkind = pgq_col(r, "relkind");

	oidset_from(&cat->rels, r, c_oid);
	extensions_select(cat);
	cat->lock = xmalloc(((size_t)PQntuples(r) + (size_t)PQntuples(cat->extcfg) + 1) * sizeof *cat->lock);
	for (int i = 0; i < PQntuples(r); i++)
		if (strchr("rp", V(r, i, c_relkind)[0]))
			cat->lock[cat->nlock++] = OID(r, i, c_oid);
	for (int i = 0; i < PQntuples(cat->extcfg); i++)
		if (strchr("rp", V(cat->extcfg, i, pgq_col(cat->extcfg, "relkind"))[0]))
			cat->lock[cat->nlock++] = OID(cat->extcfg, i, pgq_col(cat->extcfg, "oid"));
	PQclear(r);
	sbuf_free(&q);
}

/* An object's comment, or NULL (always with --no-comments). */
const char *
cat_comment_for(const struct catalog *cat, Oid classid, Oid oid, int subid)
{
	const struct comment_rows *cm = &cat->comments;
	int lo, hi;

	if (cat->opt->no_comments)
		return NULL;
	cat_rows_for(cm->r, cm->objoid, oid, &lo, &hi);
	for (int i = lo; i < hi; i++)
		if (OID(cm->r, i, cm->classoid) == classid && atoi(V(cm->r, i, cm->objsubid)) == subid)
			return V(cm->r, i, cm->description);
	return NULL;
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

int
cat_find(const struct catalog *cat, Oid oid)
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

static int
tdata_cmp(const void *a, const void *b)
{
	const struct tdata *x = a, *y = b;
	int c = x->rank != y->rank ? (x->rank < y->rank ? -1 : 1) : strcmp(x->schema, y->schema);

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

	sq->r = cat_rows(cat, "select s.oid, n.nspname, s.relname, q.seqstart, q.seqincrement, q.seqmin, q.seqmax,"
	    " q.seqcache, q.seqcycle, format_type(q.seqtypid, null) as type, d.refobjid as owner_oid,"
	    " d.refobjsubid as owner_attnum, d.deptype, tn.nspname as owner_nspname, t.relname as owner_relname,"
	    " a.attname as owner_attname, s.relpersistence as persistence, t.relpersistence as owner_persistence"
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
	sq->persistence = pgq_col(sq->r, "persistence");
	sq->owner_persistence = pgq_col(sq->r, "owner_persistence");

	sbuf_printf(&q, "select a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) as type,"
	    " a.attnotnull, a.attislocal, a.attinhcount, a.attidentity, a.attgenerated,"
	    " pg_get_expr(d.adbin, d.adrelid) as def, cn.nspname as collnsp, co.collname, a.attstorage,"
	    " t.typstorage, a.attstattarget, a.attoptions, %s as compression,"
	    " " OPTIONS_SQL("a.attfdwoptions") " as fdwoptions, c.relname, %s"
	    " from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_type t on t.oid = a.atttypid"
	    " left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum"
	    " left join pg_collation co on co.oid = a.attcollation and a.attcollation <> t.typcollation"
	    " left join pg_namespace cn on cn.oid = co.collnamespace%s"
	    " where a.attrelid >= 16384 and a.attnum > 0 and not a.attisdropped and c.relkind in ('r','p','v','m','f')"
	    " order by 1, 2", cat->server_version >= 140000 ? "a.attcompression" : "null::\"char\"",
	    /* 18 keeps NOT NULL as a named constraint row. */
	    cat->server_version >= 180000 ? "k.conname as nnname, coalesce(k.connoinherit, false) as nnnoinherit" :
	    "null::name as nnname, false as nnnoinherit",
	    cat->server_version >= 180000 ? " left join pg_constraint k on k.conrelid = a.attrelid and k.contype = 'n'"
	    " and k.conkey[1] = a.attnum" : "");
	cc->r = cat_rows(cat, q.s);
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
	cc->fdwoptions = pgq_col(cc->r, "fdwoptions");
	cc->relname = pgq_col(cc->r, "relname");
	cc->nnname = pgq_col(cc->r, "nnname");
	cc->nnnoinherit = pgq_col(cc->r, "nnnoinherit");

	/* separate: a CHECK calling a function that takes the table's own
	 * row type, which cannot exist before the table: added after it. */
	ck->r = cat_rows(cat, "select k.conrelid, k.conname, pg_get_constraintdef(k.oid) as def, k.convalidated,"
	    " k.conislocal, k.oid, exists (select 1 from pg_depend d join pg_depend d2 on d2.classid = " STR(C_PROC)
	    "   and d2.objid = d.refobjid and d2.refclassid = " STR(C_TYPE)
	    "   and d2.refobjid = (select reltype from pg_class where oid = k.conrelid)"
	    "   where d.classid = " STR(C_CONSTRAINT) " and d.objid = k.oid and d.refclassid = " STR(C_PROC) ") as separate"
	    " from pg_constraint k where k.contype = 'c' and k.conrelid >= 16384 order by 1, 2");
	ck->relid = pgq_col(ck->r, "conrelid");
	ck->conname = pgq_col(ck->r, "conname");
	ck->def = pgq_col(ck->r, "def");
	ck->validated = pgq_col(ck->r, "convalidated");
	ck->separate = pgq_col(ck->r, "separate");
	ck->islocal = pgq_col(ck->r, "conislocal");
	ck->oid = pgq_col(ck->r, "oid");

	ih->r = cat_rows(cat, "select h.inhrelid, n.nspname, p.relname, h.inhparent from pg_inherits h"
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


void
catalog_load(struct catalog *cat)
{
	const struct dumpopt *opt = cat->opt;
	struct comment_rows *cm = &cat->comments;
	struct sbuf q = { 0 };
	struct oidset nodata = { 0 };
	PGresult *r;

	/* The user's objects', and every schema's (public was made by initdb,
	 * and its comment is dumped when it is not the one initdb gave it). */
	cm->r = cat_rows(cat, "select objoid, classoid, objsubid, description from pg_description"
	    " where objoid >= 16384 or classoid = " STR(C_NAMESPACE)
	    " union all select objoid, classoid, 0, description from pg_shdescription"
	    " where classoid = " STR(C_SUBSCRIPTION) " order by 1");
	cm->objoid = pgq_col(cm->r, "objoid");
	cm->classoid = pgq_col(cm->r, "classoid");
	cm->objsubid = pgq_col(cm->r, "objsubid");
	cm->description = pgq_col(cm->r, "description");
	if (opt->f.nxdata) {
		sbuf_puts(&q, "select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace where ");
		patterns_sql(&q, opt->f.xdata, opt->f.nxdata, "n.nspname", "c.relname");
		sbuf_puts(&q, " order by 1");
		r = cat_rows(cat, q.s);
		oidset_from(&nodata, r, pgq_col(r, "oid"));
		PQclear(r);
	}
	schemas_load(cat);
	languages_load(cat);
	extensions_load(cat);
	collations_load(cat);
	types_load(cat);
	functions_load(cat);
	transforms_load(cat);
	conversions_load(cat);
	text_search_parsers_load(cat);
	text_search_load(cat);
	access_methods_load(cat);
	fdws_load(cat);
	servers_load(cat);
	operators_load(cat);
	opfamilies_load(cat);
	opclasses_load(cat);
	casts_load(cat);

	shared_rows_load(cat);
	relations_load(cat, &nodata);
	extension_data_load(cat, &nodata);
	/* Rows and sequence values in the order of their names, as pg_dump
	 * writes them: the same database dumps the same wherever its OIDs
	 * fell; extensions' configuration tables first (their rank). */
	if (cat->ndata > 1)
		qsort(cat->data, (size_t)cat->ndata, sizeof *cat->data, tdata_cmp);
	if (cat->nseq > 1)
		qsort(cat->seq, (size_t)cat->nseq, sizeof *cat->seq, seqdata_cmp);
	constraints_load(cat);
	indexes_load(cat);
	triggers_rules_load(cat);
	trigger_states_load(cat);
	policies_load(cat);
	statistics_load(cat);
	default_acls_load(cat);
	publications_load(cat);
	subscriptions_load(cat);
	event_triggers_load(cat);

	map_build(cat);
	security_labels_load(cat);
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
		free(cat->data[i].where);
		free(cat->data[i].post);
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
	free(cat->exts.v);
	PQclear(cat->extcfg);
	cat->extcfg = NULL;
	free(cat->bymap);
	free(cat->bykeys);
	shared_rows_free(cat);
	cat->schemas.v = cat->rels.v = cat->exts.v = cat->bykeys = NULL;
	cat->bymap = NULL;
}

