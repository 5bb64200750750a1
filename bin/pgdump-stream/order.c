/* The order of a dump. Pre-data objects follow pg_dump's order of kinds
 * (schemas, extensions, types, functions, sequences, tables, views), moved
 * later where pg_depend says an object needs another: a view on a view, a
 * table whose default or CHECK calls a function, a function over a table's
 * row type. Sub-objects in pg_depend (a view's rewrite rule, a default, a
 * CHECK constraint, a row type or array type, an extension's members) are
 * mapped to the object the dump creates them with. Post-data objects need
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

static struct catalog *cat_;

static int
obj_cmp(int a, int b)
{
	const struct dobj *x = &cat_->obj[a], *y = &cat_->obj[b];
	int c;

	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	if ((c = strcmp(x->schema, y->schema)) != 0)
		return c;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return a < b ? -1 : a > b;
}

static int
obj_qcmp(const void *a, const void *b)
{
	return obj_cmp(*(const int *)a, *(const int *)b);
}

/* A binary heap of object indexes, smallest obj_cmp first. */
struct heap {
	int *v, n;
};

static void
heap_push(struct heap *h, int x)
{
	int i = h->n++;

	while (i > 0 && obj_cmp(x, h->v[(i - 1) / 2]) < 0) {
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
		if (c + 1 < h->n && obj_cmp(h->v[c + 1], h->v[c]) < 0)
			c++;
		if (obj_cmp(x, h->v[c]) <= 0)
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

void
order_objects(PGconn *c, struct catalog *cat)
{
	struct key *objs = xmalloc(((size_t)cat->nobj + 1) * sizeof *objs), *sub;
	struct key *posts = xmalloc(((size_t)cat->nobj + 1) * sizeof *posts);
	int nobjs = 0, nsub, npre = 0, npost = 0, nposts = 0, *post;
	struct heap h = { xmalloc(((size_t)cat->nobj + 1) * sizeof(int)), 0 };
	PGresult *r;

	cat_ = cat;
	for (int i = 0; i < cat->nobj; i++)
		if (cat->obj[i].sect == SECT_PRE && cat->obj[i].classid) {
			objs[nobjs].classid = cat->obj[i].classid;
			objs[nobjs].oid = cat->obj[i].oid;
			objs[nobjs++].idx = i;
		}
	qsort(objs, (size_t)nobjs, sizeof *objs, key_cmp);

	r = q_rows(c, "select 2618::oid, r.oid, 1259::oid, r.ev_class from pg_rewrite r where r.oid >= 16384"
	    " union all select 2604, a.oid, 1259, a.adrelid from pg_attrdef a where a.oid >= 16384"
	    " union all select 2606, k.oid, case when k.contypid <> 0 then 1247 else 1259 end,"
	    "   case when k.contypid <> 0 then k.contypid else k.conrelid end from pg_constraint k"
	    "   where k.contype = 'c' and k.oid >= 16384"
	    " union all select 1247, t.oid, 1259, t.typrelid from pg_type t join pg_class x on x.oid = t.typrelid"
	    "   where x.relkind <> 'c' and t.oid >= 16384"
	    " union all select 1247, a.oid, 1247, e.oid from pg_type e join pg_type a on a.oid = e.typarray"
	    "   where e.oid >= 16384"
	    " union all select 1259, x.oid, 1247, x.reltype from pg_class x where x.relkind = 'c' and x.oid >= 16384"
	    " union all select 1259, d.objid, 1259, d.refobjid from pg_depend d where d.deptype = 'i'"
	    "   and d.classid = 1259 and d.refclassid = 1259 and d.objid >= 16384"
	    " union all select d.classid, d.objid, 3079, d.refobjid from pg_depend d where d.deptype = 'e'");
	nsub = PQntuples(r);
	sub = xmalloc(((size_t)nsub + 1) * sizeof *sub);
	for (int i = 0; i < nsub; i++) {
		sub[i].classid = (Oid)strtoul(PQgetvalue(r, i, 0), NULL, 10);
		sub[i].oid = (Oid)strtoul(PQgetvalue(r, i, 1), NULL, 10);
		sub[i].tclass = (Oid)strtoul(PQgetvalue(r, i, 2), NULL, 10);
		sub[i].toid = (Oid)strtoul(PQgetvalue(r, i, 3), NULL, 10);
	}
	PQclear(r);
	qsort(sub, (size_t)nsub, sizeof *sub, key_cmp);

	/* Post-data objects that a pre-data one may need: a view grouping by
	 * a table's primary key (functional dependency) needs the key. */
	for (int i = 0; i < cat->nobj; i++)
		if (cat->obj[i].sect == SECT_POST && cat->obj[i].classid == 2606) {
			posts[nposts].classid = 2606;
			posts[nposts].oid = cat->obj[i].oid;
			posts[nposts++].idx = i;
		}
	qsort(posts, (size_t)nposts, sizeof *posts, key_cmp);

	r = q_rows(c, "select classid, objid, refclassid, refobjid, deptype from pg_depend"
	    " where deptype in ('n','a') and objid >= 16384 and refobjid >= 16384");
	for (int i = 0; i < PQntuples(r); i++) {
		int from = resolve(objs, nobjs, sub, nsub, (Oid)strtoul(PQgetvalue(r, i, 0), NULL, 10),
		    (Oid)strtoul(PQgetvalue(r, i, 1), NULL, 10));
		int to = resolve(objs, nobjs, sub, nsub, (Oid)strtoul(PQgetvalue(r, i, 2), NULL, 10),
		    (Oid)strtoul(PQgetvalue(r, i, 3), NULL, 10));
		struct key *k;

		if (from >= 0 && to < 0 && (k = key_find(posts, nposts, (Oid)strtoul(PQgetvalue(r, i, 2), NULL, 10),
		    (Oid)strtoul(PQgetvalue(r, i, 3), NULL, 10))) != NULL)
			to_post(cat, from);
		if (from < 0 || to < 0 || from == to)
			continue;
		/* A sequence OWNED BY a table is made before it (the table's
		 * default calls it); ownership is set afterwards. */
		if (PQgetvalue(r, i, 4)[0] == 'a' && cat->obj[from].prio == P_SEQUENCE)
			continue;
		add_dep(cat, from, to);
	}
	PQclear(r);
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
				    (best < 0 || obj_cmp(i, best) < 0))
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
	post = cat->order + npre;
	for (int i = 0; i < cat->nobj; i++)
		if (cat->obj[i].sect == SECT_POST)
			post[npost++] = i;
	qsort(post, (size_t)npost, sizeof *post, obj_qcmp);
	free(h.v);
	free(objs);
	free(posts);
	free(sub);
}
