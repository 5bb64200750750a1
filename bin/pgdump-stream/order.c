/* The order of a dump. Pre-data objects follow pg_dump's order of kinds
 * (schemas, extensions, types, functions, sequences, tables, views), moved
 * later where pg_depend says an object needs another: a view on a view, a
 * table whose default or CHECK calls a function, a function over a table's
 * row type. Sub-objects in pg_depend (a view's rewrite rule, a default, a
 * CHECK constraint, a row type or array type, an extension's members) are
 * mapped to the object the dump creates them with. A base type's I/O
 * functions follow its shell instead of the type (which follows them), and
 * a partition's attachment follows both tables. Post-data objects need
 * only their kind's order: everything they refer to exists by then. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "xmem.h"

struct key {
	Oid classid, oid;
	Oid tclass, toid; /* for the sub-object map */
	int idx;
};

static int
key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->classid != y->classid)
		return x->classid < y->classid ? -1 : 1;
	return x->oid < y->oid ? -1 : x->oid > y->oid;
}

static struct key *
key_find(struct key *v, int n, Oid classid, Oid oid)
{
	struct key k = { classid, oid, 0, 0, 0 };

	return n ? bsearch(&k, v, (size_t)n, sizeof *v, key_cmp) : NULL;
}

static int
obj_cmp(const struct catalog *cat, int a, int b)
{
	const struct dobj *x = &cat->obj[a], *y = &cat->obj[b];
	int c;

	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	if ((c = strcmp(x->schema, y->schema)) != 0)
		return c;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return a < b ? -1 : a > b;
}

/* A binary heap of object indexes, smallest obj_cmp first. */
struct heap {
	const struct catalog *cat;
	int *v, n;
};

static void
heap_push(struct heap *h, int x)
{
	int i = h->n++;

	while (i > 0 && obj_cmp(h->cat, x, h->v[(i - 1) / 2]) < 0) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

static int
heap_pop(struct heap *h)
{
	int top = h->v[0], x = h->v[--h->n], i = 0;

	for (;;) {
		int c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && obj_cmp(h->cat, h->v[c + 1], h->v[c]) < 0)
			c++;
		if (obj_cmp(h->cat, x, h->v[c]) <= 0)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = x;
	return top;
}

static void
add_dep(struct catalog *cat, int from, int to)
{
	struct dobj *d = &cat->obj[from], *t = &cat->obj[to];

	for (int i = 0; i < d->ndeps; i++)
		if (d->deps[i] == to)
			return;
	if (d->ndeps == d->ndepcap) {
		d->ndepcap = d->ndepcap ? d->ndepcap * 2 : 4;
		d->deps = xrealloc(d->deps, (size_t)d->ndepcap * sizeof *d->deps);
	}
	d->deps[d->ndeps++] = to;
	if (t->nrdeps == t->nrdepcap) {
		t->nrdepcap = t->nrdepcap ? t->nrdepcap * 2 : 4;
		t->rdeps = xrealloc(t->rdeps, (size_t)t->nrdepcap * sizeof *t->rdeps);
	}
	t->rdeps[t->nrdeps++] = from;
	d->nwait++;
}

/* The dumped object a catalog row belongs to, or -1. */
static int
resolve(struct key *objs, int nobjs, struct key *sub, int nsub, Oid classid, Oid oid)
{
	for (int hop = 0; hop < 4; hop++) {
		struct key *k = key_find(objs, nobjs, classid, oid), *s;

		if (k)
			return k->idx;
		if (!(s = key_find(sub, nsub, classid, oid)))
			return -1;
		classid = s->tclass;
		oid = s->toid;
	}
	return -1;
}

/* Made after the data, among the rules, where what it needs exists. */
static void
to_post(struct catalog *cat, int i)
{
	if (cat->obj[i].sect == SECT_POST)
		return;
	log_warn("%s %s needs a constraint; it is created after the data", cat->obj[i].kind,
	    cat->obj[i].target);
	cat->obj[i].sect = SECT_POST;
	cat->obj[i].prio = P_RULE;
}

/* An OID column of r by name. */
static Oid
oid_at(const PGresult *r, int i, int col)
{
	return (Oid)strtoul(PQgetvalue(r, i, col), NULL, 10);
}

/* Sub-objects (a view's rewrite rule, a default, a CHECK constraint, a
 * row or array type, an extension's members, an operator class's or
 * family's operators and functions), each keyed to the object
 * the dump creates it with, sorted. */
static struct key *
sub_objects(const struct catalog *cat, int *nsub)
{
	PGresult *r;
	struct key *sub;
	int c_class, c_oid, c_refclass, c_refoid;

	/* Sub-objects and the object the dump creates them with: class and
	 * OID, then the owner's class and OID. */
	r = pgq_rows(cat->q, "select 'pg_rewrite'::regclass::oid as classid, r.oid as objid,"
	    "   'pg_class'::regclass::oid as refclassid, r.ev_class as refobjid from pg_rewrite r where r.oid >= 16384"
	    " union all select 'pg_attrdef'::regclass::oid, a.oid, 'pg_class'::regclass::oid, a.adrelid from pg_attrdef a"
	    "   where a.oid >= 16384"
	    " union all select 'pg_constraint'::regclass::oid, k.oid,"
	    "   case when k.contypid <> 0 then 'pg_type'::regclass::oid else 'pg_class'::regclass::oid end,"
	    "   case when k.contypid <> 0 then k.contypid else k.conrelid end from pg_constraint k"
	    "   where k.contype = 'c' and k.oid >= 16384"
	    " union all select 'pg_type'::regclass::oid, t.oid, 'pg_class'::regclass::oid, t.typrelid from pg_type t"
	    "   join pg_class x on x.oid = t.typrelid where x.relkind <> 'c' and t.oid >= 16384"
	    " union all select 'pg_type'::regclass::oid, a.oid, 'pg_type'::regclass::oid, e.oid from pg_type e"
	    "   join pg_type a on a.oid = e.typarray where e.oid >= 16384"
	    " union all select 'pg_class'::regclass::oid, x.oid, 'pg_type'::regclass::oid, x.reltype from pg_class x"
	    "   where x.relkind = 'c' and x.oid >= 16384"
	    " union all select d.classid, d.objid, d.refclassid, d.refobjid from pg_depend d where d.deptype = 'i'"
	    "   and d.classid = 'pg_class'::regclass::oid and d.refclassid = 'pg_class'::regclass::oid and d.objid >= 16384"
	    " union all select d.classid, d.objid, 'pg_extension'::regclass::oid, d.refobjid from pg_depend d"
	    "   where d.deptype = 'e'"
	    " union all select d.classid, d.objid, d.refclassid, d.refobjid from pg_depend d"
	    "   where d.classid in ('pg_amop'::regclass, 'pg_amproc'::regclass) and d.deptype in ('i','a')"
	    "   and d.refclassid in ('pg_opclass'::regclass, 'pg_opfamily'::regclass) and d.objid >= 16384",
	    "cannot read the dependencies");
	c_class = pgq_col(r, "classid");
	c_oid = pgq_col(r, "objid");
	c_refclass = pgq_col(r, "refclassid");
	c_refoid = pgq_col(r, "refobjid");
	*nsub = PQntuples(r);
	sub = xmalloc(((size_t)*nsub + 1) * sizeof *sub);
	for (int i = 0; i < *nsub; i++) {
		sub[i].classid = oid_at(r, i, c_class);
		sub[i].oid = oid_at(r, i, c_oid);
		sub[i].tclass = oid_at(r, i, c_refclass);
		sub[i].toid = oid_at(r, i, c_refoid);
	}
	PQclear(r);
	qsort(sub, (size_t)*nsub, sizeof *sub, key_cmp);
	return sub;
}

/* pg_depend's edges between dumped pre-data objects (sub-objects mapped
 * to their owners); an object that needs a post-data constraint moves
 * after the data. */
static void
deps_load(struct catalog *cat, struct key *objs, int nobjs, struct key *sub, int nsub, struct key *posts,
    int nposts)
{
	PGresult *r;
	int c_class, c_oid, c_refclass, c_refoid, c_deptype;

	r = pgq_rows(cat->q, "select classid, objid, refclassid, refobjid, deptype from pg_depend"
	    " where deptype in ('n','a') and objid >= 16384 and refobjid >= 16384", "cannot read the dependencies");
	c_class = pgq_col(r, "classid");
	c_oid = pgq_col(r, "objid");
	c_refclass = pgq_col(r, "refclassid");
	c_refoid = pgq_col(r, "refobjid");
	c_deptype = pgq_col(r, "deptype");
	/* A base type names its I/O functions, which take or return it: those
	 * functions need only its shell (pg_dump's way out of the loop). */
	for (int i = 0; i < PQntuples(r); i++) {
		int from = resolve(objs, nobjs, sub, nsub, oid_at(r, i, c_class), oid_at(r, i, c_oid));
		int to = resolve(objs, nobjs, sub, nsub, oid_at(r, i, c_refclass), oid_at(r, i, c_refoid));

		if (from >= 0 && to >= 0 && cat->obj[from].shell && cat->obj[to].classid == C_PROC)
			cat->obj[to].io_of = from + 1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		Oid refclass = oid_at(r, i, c_refclass), refoid = oid_at(r, i, c_refoid);
		int from = resolve(objs, nobjs, sub, nsub, oid_at(r, i, c_class), oid_at(r, i, c_oid));
		int to = resolve(objs, nobjs, sub, nsub, refclass, refoid);

		if (from >= 0 && to >= 0 && cat->obj[from].io_of == to + 1)
			to = cat->obj[to].shell - 1;

		if (from >= 0 && to < 0 && key_find(posts, nposts, refclass, refoid) != NULL)
			to_post(cat, from);
		if (from < 0 || to < 0 || from == to)
			continue;
		/* A sequence OWNED BY a table is made before it (the table's
		 * default calls it); ownership is set afterwards. */
		if (PQgetvalue(r, i, c_deptype)[0] == 'a' && cat->obj[from].prio == P_SEQUENCE)
			continue;
		add_dep(cat, from, to);
	}
	PQclear(r);
}

void
order_objects(struct catalog *cat)
{
	struct key *objs = xmalloc(((size_t)cat->nobj + 1) * sizeof *objs), *sub;
	struct key *posts = xmalloc(((size_t)cat->nobj + 1) * sizeof *posts);
	int nobjs = 0, nsub, npre = 0, npost = 0, nposts = 0, *post;
	struct heap h = { cat, xmalloc(((size_t)cat->nobj + 1) * sizeof(int)), 0 };
	for (int i = 0; i < cat->nobj; i++)
		if (cat->obj[i].sect == SECT_PRE && cat->obj[i].classid) {
			objs[nobjs].classid = cat->obj[i].classid;
			objs[nobjs].oid = cat->obj[i].oid;
			objs[nobjs++].idx = i;
		}
	qsort(objs, (size_t)nobjs, sizeof *objs, key_cmp);

	sub = sub_objects(cat, &nsub);

	/* Post-data objects that a pre-data one may need: a view grouping by
	 * a table's primary key (functional dependency) needs the key. */
	for (int i = 0; i < cat->nobj; i++)
		if (cat->obj[i].sect == SECT_POST && cat->obj[i].classid == C_CONSTRAINT) {
			posts[nposts].classid = C_CONSTRAINT;
			posts[nposts].oid = cat->obj[i].oid;
			posts[nposts++].idx = i;
		}
	qsort(posts, (size_t)nposts, sizeof *posts, key_cmp);

	deps_load(cat, objs, nobjs, sub, nsub, posts, nposts);
	for (int i = 0; i < cat->nobj; i++)
		for (int k = 0; k < 2; k++) {
			struct key *t = cat->obj[i].after[k] ? key_find(objs, nobjs, C_CLASS, cat->obj[i].after[k]) : NULL;

			if (t && t->idx != i)
				add_dep(cat, i, t->idx);
		}
	/* Whatever needs an object moved after the data moves with it. */
	for (int moved = 1; moved;) {
		moved = 0;
		for (int i = 0; i < cat->nobj; i++)
			for (int k = 0; k < cat->obj[i].ndeps; k++)
				if (cat->obj[i].sect == SECT_PRE && cat->obj[cat->obj[i].deps[k]].sect == SECT_POST) {
					to_post(cat, i);
					moved = 1;
				}
	}

	cat->order = xmalloc(((size_t)cat->nobj + 1) * sizeof *cat->order);
	for (int i = 0; i < cat->nobj; i++)
		if (cat->obj[i].sect == SECT_PRE) {
			npre++;
			if (cat->obj[i].nwait == 0)
				heap_push(&h, i);
		}
	for (int n = 0; n < npre; n++) {
		int x;

		if (h.n == 0) {
			/* A loop pg_dump would break with shell types or split-out
			 * parts; we keep kind order for the rest and say so. */
			int best = -1;

			for (int i = 0; i < cat->nobj; i++)
				if (cat->obj[i].sect == SECT_PRE && !cat->obj[i].done &&
				    (best < 0 || obj_cmp(cat, i, best) < 0))
					best = i;
			log_warn("dependency loop at %s %s; the dump may not restore in one pass",
			    cat->obj[best].kind, cat->obj[best].target);
			cat->obj[best].nwait = 0;
			heap_push(&h, best);
		}
		x = heap_pop(&h);
		if (cat->obj[x].done) {
			n--;
			continue;
		}
		cat->obj[x].done = 1;
		cat->obj[x].pos = n;
		cat->order[n] = x;
		for (int k = 0; k < cat->obj[x].nrdeps; k++) {
			struct dobj *w = &cat->obj[cat->obj[x].rdeps[k]];

			if (!w->done && w->sect == SECT_PRE && --w->nwait == 0)
				heap_push(&h, cat->obj[x].rdeps[k]);
		}
	}
	/* Post-data by kind and name: the same heap, emptied in order. */
	post = cat->order + npre;
	h.n = 0;
	for (int i = 0; i < cat->nobj; i++)
		if (cat->obj[i].sect == SECT_POST)
			heap_push(&h, i);
	while (h.n)
		post[npost++] = heap_pop(&h);
	free(h.v);
	free(objs);
	free(posts);
	free(sub);
}

struct oid_ix {
	Oid oid;
	int ix;
};

static int
oid_ix_cmp(const void *a, const void *b)
{
	Oid x = ((const struct oid_ix *)a)->oid, y = ((const struct oid_ix *)b)->oid;

	return x < y ? -1 : x > y;
}

/* The position of table oid's rows in the dump, or -1. */
static int
data_pos(const struct oid_ix *m, int n, Oid oid)
{
	struct oid_ix k = { oid, 0 }, *f = bsearch(&k, m, (size_t)n, sizeof *m, oid_ix_cmp);

	return f ? f->ix : -1;
}

void
order_early(struct catalog *cat)
{
	struct oid_ix *m = xcalloc((size_t)cat->ndata + 1, sizeof *m);
	struct sbuf *post = xcalloc((size_t)cat->ndata + 1, sizeof *post);

	for (int t = 0; t < cat->ndata; t++) {
		m[t].oid = cat->data[t].oid;
		m[t].ix = t;
	}
	qsort(m, (size_t)cat->ndata, sizeof *m, oid_ix_cmp);
	/* In the dump's order, so that each table's keys come before the
	 * foreign keys that need them, and before its other indexes. */
	for (int i = 0; i < cat->nobj; i++) {
		struct dobj *d = &cat->obj[cat->order[i]];
		int at, ref;

		if (!d->rel || !d->create || d->sect != SECT_POST || (at = data_pos(m, cat->ndata, d->rel)) < 0)
			continue;
		if (d->refrel) {
			/* the key it needs follows the referenced table's rows,
			 * as long as those are in the dump */
			if ((ref = data_pos(m, cat->ndata, d->refrel)) < 0)
				continue;
			at = ref > at ? ref : at;
		}
		sbuf_puts(&post[at], "\n");
		sbuf_puts(&post[at], d->create);
		d->early = 1;
	}
	for (int t = 0; t < cat->ndata; t++)
		cat->data[t].post = sbuf_take(&post[t]);
	free(post);
	free(m);
}
