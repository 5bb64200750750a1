/* Taking over from another migration tool. While migrate-apply's own
 * history has no rows, the history another tool left in the session's
 * schemas stands in for it: golang-migrate's and dbmate's
 * schema_migrations (told apart by golang-migrate's dirty column), Flyway's
 * flyway_schema_history, goose's goose_db_version, Prisma's
 * _prisma_migrations. The first up records what it read in migrate-apply's
 * table, and from then on migrate-apply's table is the history; the other
 * tool's is kept up to date as that tool would keep it (adopt_mirror), so
 * its own status agrees and a team can go back. A history the old tool
 * itself would refuse (dirty, failed, unfinished) is refused, saying what
 * to check. Where the tool keeps a checksum of each file (Flyway, Prisma)
 * it is compared with the file's, computed as that tool computes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "migrate.h"
#include "pgq.h"
#include "sbuf.h"
#include "sql.h"
#include "xmem.h"

/* The applied versions, collected as the old tool states them, with the
 * checksum it recorded of each where it keeps one (else NULL). */
struct applied {
	char **v, **sum;
	int n;
};

static void
applied_set(struct applied *a, const char *v, int on, const char *sum)
{
	for (int i = 0; i < a->n; i++)
		if (version_cmp(a->v[i], v) == 0) {
			free(a->sum[i]);
			a->sum[i] = sum ? xstrdup(sum) : NULL;
			if (!on) {
				free(a->v[i]);
				free(a->sum[i]);
				a->n--;
				a->v[i] = a->v[a->n];
				a->sum[i] = a->sum[a->n];
			}
			return;
		}
	if (on) {
		a->v = xrealloc(a->v, (size_t)(a->n + 1) * sizeof *a->v);
		a->sum = xrealloc(a->sum, (size_t)(a->n + 1) * sizeof *a->sum);
		a->sum[a->n] = sum ? xstrdup(sum) : NULL;
		a->v[a->n++] = xstrdup(v);
	}
}

/* Every file version up to v (golang-migrate's one row, Flyway's
 * baseline). */
static void
applied_upto(struct applied *a, const struct mset *files, const char *v)
{
	for (int i = 0; i < files->n && version_cmp(files->m[i].version, v) <= 0; i++)
		applied_set(a, files->m[i].version, 1, NULL);
	applied_set(a, v, 1, NULL);
}

static PGresult *
rows(struct pg_conn *pc, const char *sql)
{
	struct pgq q = history_book_q(pc);

	return pgq_rows(&q, sql, "cannot read the other tool's history");
}

/* Flyway's description of a migration: its file name's, underscores as
 * spaces. */
static void
flyway_description(const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s", name);
	for (char *p = out; *p; p++)
		if (*p == '_')
			*p = ' ';
}

/* A repeatable migration's version for Flyway's description of it: its
 * file's when there is one. */
static void
flyway_repeatable(const struct mset *files, const char *desc, char *out, size_t cap)
{
	char d[256];

	for (int i = 0; i < files->nr; i++) {
		flyway_description(files->r[i].name, d, sizeof d);
		if (strcmp(d, desc) == 0) {
			snprintf(out, cap, "%s", files->r[i].version);
			return;
		}
	}
	snprintf(out, cap, "R__%s", desc);
	for (char *p = out; *p; p++)
		if (*p == ' ')
			*p = '_';
}

/* Flyway's rows in the order it ran them: versioned ones, its BASELINE,
 * UNDO and DELETE (repair's) rows, and repeatable ones (no version), whose
 * last run counts. A failed row is refused, as flyway migrate refuses it. */
static void
flyway_history(struct pg_conn *pc, const struct mset *files, const char *qname, struct applied *a)
{
	struct sbuf q = { 0 };
	PGresult *r;

	sbuf_printf(&q, "select coalesce(version, ''), type, success, coalesce(script, ''), coalesce(description, ''),"
	    " checksum::text from %s where type <> 'SCHEMA'"
	    " order by installed_rank", qname);
	r = rows(pc, q.s);
	for (int i = 0; i < PQntuples(r); i++) {
		const char *v = PQgetvalue(r, i, 0), *type = PQgetvalue(r, i, 1);
		const char *sum = PQgetisnull(r, i, 5) ? NULL : PQgetvalue(r, i, 5);
		char rv[300];

		if (PQgetvalue(r, i, 2)[0] != 't') {
			char vv[64], script[256];

			snprintf(vv, sizeof vv, "%s", *v ? v : "(repeatable)");
			snprintf(script, sizeof script, "%s", PQgetvalue(r, i, 3));
			PQclear(r);
			die(EX_DATAERR, "%s says version %s (%s) failed under Flyway: check what of it is in the "
			    "database and repair it by hand, remove the failed row (flyway repair), then run again",
			    qname, vv, script);
		}
		if (!*v) {
			flyway_repeatable(files, PQgetvalue(r, i, 4), rv, sizeof rv);
			applied_set(a, rv, strcmp(type, "DELETE") != 0, sum);
		} else if (strcmp(type, "BASELINE") == 0) {
			applied_upto(a, files, v);
		} else {
			applied_set(a, v, strncmp(type, "UNDO", 4) != 0 && strcmp(type, "DELETE") != 0, sum);
		}
	}
	PQclear(r);
	sbuf_free(&q);
}

/* Prisma's rows: a migration is applied when a row of it finished and was
 * not rolled back; a row neither finished nor rolled back is one that
 * failed (or is still running), which prisma migrate deploy refuses
 * (P3009) until it is resolved. */
static void
prisma_history(struct pg_conn *pc, const char *qname, struct applied *a)
{
	struct sbuf q = { 0 };
	PGresult *r;

	sbuf_printf(&q, "select migration_name, checksum, finished_at is not null, rolled_back_at is not null,"
	    " coalesce(pg_catalog.to_char(started_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
	    " from %s order by started_at", qname);
	r = rows(pc, q.s);
	for (int i = 0; i < PQntuples(r); i++) {
		const char *name = PQgetvalue(r, i, 0);
		size_t d = strspn(name, "0123456789");
		char v[256];

		if (PQgetvalue(r, i, 3)[0] == 't')
			continue;
		if (PQgetvalue(r, i, 2)[0] != 't') {
			char nn[256], at[32];

			snprintf(nn, sizeof nn, "%s", name);
			snprintf(at, sizeof at, "%s", PQgetvalue(r, i, 4));
			PQclear(r);
			die(EX_DATAERR, "%s says migration %s started at %s and never finished: it failed under Prisma "
			    "(P3009). Check what of it is in the database and finish or undo it by hand, then mark it "
			    "(prisma migrate resolve --rolled-back %s, or --applied %s) and run again", qname, nn, at, nn,
			    nn);
		}
		/* TIMESTAMP_NAME: the version is the timestamp */
		snprintf(v, sizeof v, "%.*s", (int)(d && name[d] == '_' ? d : strlen(name)), name);
		applied_set(a, v, 1, PQgetvalue(r, i, 1));
	}
	PQclear(r);
	sbuf_free(&q);
}

static void
read_history(struct pg_conn *pc, const struct mset *files, const char *tool, const char *qname, struct applied *a)
{
	struct sbuf q = { 0 };
	PGresult *r;

	if (strcmp(tool, "golang-migrate") == 0) {
		sbuf_printf(&q, "select version::text, dirty from %s", qname);
		r = rows(pc, q.s);
		for (int i = 0; i < PQntuples(r); i++) {
			if (PQgetvalue(r, i, 1)[0] == 't') {
				char v[64];

				snprintf(v, sizeof v, "%s", PQgetvalue(r, i, 0));
				PQclear(r);
				die(EX_DATAERR, "%s says version %s is dirty: its migration failed partway under "
				    "golang-migrate. Check what of it is in the database and finish or undo it by hand, then "
				    "set it clean (migrate force %s, or the previous version) and run again", qname, v, v);
			}
			applied_upto(a, files, PQgetvalue(r, i, 0));
		}
	} else if (strcmp(tool, "dbmate") == 0) {
		sbuf_printf(&q, "select version::text from %s", qname);
		r = rows(pc, q.s);
		for (int i = 0; i < PQntuples(r); i++)
			applied_set(a, PQgetvalue(r, i, 0), 1, NULL);
	} else if (strcmp(tool, "Flyway") == 0) {
		flyway_history(pc, files, qname, a);
		return;
	} else if (strcmp(tool, "Prisma") == 0) {
		prisma_history(pc, qname, a);
		return;
	} else {
		/* goose: one row per apply and per rollback; the last wins.
		 * Version 0 is the row goose starts its table with. */
		sbuf_printf(&q, "select version_id::text, is_applied from %s where version_id <> 0 order by id", qname);
		r = rows(pc, q.s);
		for (int i = 0; i < PQntuples(r); i++)
			applied_set(a, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1)[0] == 't', NULL);
	}
	PQclear(r);
	sbuf_free(&q);
}

static int
by_version(const void *x, const void *y)
{
	return version_cmp(((const struct hrow *)x)->version, ((const struct hrow *)y)->version);
}

int
adopt_find(struct pg_conn *pc, struct other_history *o)
{
	PGresult *r;

	memset(o, 0, sizeof *o);
	/* Flyway's, goose's and Prisma's tables have names of their own;
	 * schema_migrations is golang-migrate's when it has the dirty column,
	 * else dbmate's. The first schema of the search path that has one
	 * wins. */
	r = rows(pc, "select case c.relname when 'flyway_schema_history' then 'Flyway'"
	    " when 'goose_db_version' then 'goose' when '_prisma_migrations' then 'Prisma'"
	    " else case when exists (select 1 from pg_catalog.pg_attribute a"
	    " where a.attrelid = c.oid and a.attname = 'dirty' and not a.attisdropped) then 'golang-migrate'"
	    " else 'dbmate' end end, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)"
	    " from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
	    " where c.relkind in ('r', 'p') and c.relname in ('flyway_schema_history', 'goose_db_version',"
	    " '_prisma_migrations', 'schema_migrations') and n.nspname = any (pg_catalog.current_schemas(false))"
	    " order by pg_catalog.array_position(pg_catalog.current_schemas(false), n.nspname),"
	    " c.relname = 'schema_migrations'");
	if (PQntuples(r) > 0) {
		snprintf(o->tool, sizeof o->tool, "%s", PQgetvalue(r, 0, 0));
		snprintf(o->qname, sizeof o->qname, "%s", PQgetvalue(r, 0, 1));
		if (PQntuples(r) > 1)
			log_msg(LOG_WARN, "more than one other tool's history: using %s's %s, not %s", o->tool, o->qname,
			    PQgetvalue(r, 1, 1));
	}
	PQclear(r);
	return o->tool[0] != 0;
}

/* Whether the checksum the tool recorded (NULL: none) is the file's. */
static int
sum_matches(const char *tool, const struct migration *m, const char *sum)
{
	if (!sum || !*sum)
		return 1;
	if (strcmp(tool, "Prisma") == 0)
		return sums_prisma_match(m, sum);
	if (strcmp(tool, "Flyway") == 0)
		return strcmp(m->flyway, sum) == 0;
	return 1;
}

int
adopt_load(struct pg_conn *pc, const struct other_history *o, const struct mset *files, struct hrow **out, char *from,
    size_t cap)
{
	struct applied a = { 0 };
	const char *tool = o->tool, *qname = o->qname;
	int n = 0;

	*out = NULL;
	from[0] = 0;
	snprintf(from, cap, "%s's %s", tool, qname);
	read_history(pc, files, tool, qname, &a);
	*out = xcalloc((size_t)a.n + 1, sizeof **out);
	for (int i = 0; i < a.n; i++) {
		const struct migration *m = files_find(files, a.v[i]);
		struct hrow *w = &(*out)[n++];
		char why[200];

		snprintf(why, sizeof why, "adopted from %s", from);
		w->version = a.v[i];
		w->name = xstrdup(m ? m->name : tool);
		/* Where the tool kept no checksum, the file as it is now is
		 * taken as the one that ran; where it did and it is not the
		 * file's, the file changed since (and says so as "changed"). */
		if (m && !sum_matches(tool, m, a.sum[i])) {
			struct sbuf b = { 0 };

			sbuf_printf(&b, "%s:%s", tool, a.sum[i]);
			w->checksum = sbuf_take(&b);
		} else {
			w->checksum = xstrdup(m ? m->checksum : "");
		}
		free(a.sum[i]);
		w->status = xstrdup("applied");
		w->error = xstrdup(why);
		w->finished = xstrdup("");
		w->transactional = m ? m->up.tx : 1;
		w->done = m ? m->up.nst : 0;
	}
	free(a.v);
	free(a.sum);
	qsort(*out, (size_t)n, sizeof **out, by_version);
	return n;
}

void
adopt_mirror(struct pg_conn *pc, const struct other_history *o, const struct history *h, const struct migration *m,
    int down)
{
	struct pgq q = history_book_q(pc);
	struct sbuf b = { 0 };
	char desc[256], prisma_name[512];

	if (!o || !o->tool[0])
		return;
	snprintf(prisma_name, sizeof prisma_name, "%s_%s", m->version, m->name);
	if (strcmp(o->tool, "dbmate") == 0) {
		/* A row per applied version. */
		if (down) {
			sbuf_printf(&b, "delete from %s where version = ", o->qname);
			sql_literal(&b, m->version);
		} else {
			sbuf_printf(&b, "insert into %s (version) values (", o->qname);
			sql_literal(&b, m->version);
			sbuf_puts(&b, ") on conflict do nothing");
		}
	} else if (strcmp(o->tool, "golang-migrate") == 0) {
		/* One row, the newest version applied: after a down, the
		 * newest left in migrate-apply's history (this transaction's
		 * delete included). */
		sbuf_printf(&b, "delete from %s; insert into %s (version, dirty) ", o->qname, o->qname);
		if (down) {
			sbuf_printf(&b, "select max(version::numeric)::bigint, false from %s where status = 'applied'"
			    " having max(version::numeric) is not null", h->qname);
		} else {
			sbuf_puts(&b, "values (");
			sql_literal(&b, m->version);
			sbuf_puts(&b, "::bigint, false)");
		}
	} else if (strcmp(o->tool, "goose") == 0) {
		/* A row per apply and per rollback. */
		sbuf_printf(&b, "insert into %s (version_id, is_applied) values (", o->qname);
		sql_literal(&b, m->version);
		sbuf_printf(&b, "::bigint, %s)", down ? "false" : "true");
	} else if (strcmp(o->tool, "Prisma") == 0 && down) {
		/* Its rows go: Prisma takes a finished row as applied even
		 * when marked rolled back (that mark is for failed ones). */
		sbuf_printf(&b, "delete from %s where migration_name = ", o->qname);
		sql_literal(&b, prisma_name);
	} else if (strcmp(o->tool, "Prisma") == 0) {
		sbuf_printf(&b, "insert into %s (id, checksum, finished_at, migration_name, started_at,"
		    " applied_steps_count) values (pg_catalog.gen_random_uuid()::text, ", o->qname);
		sql_literal(&b, m->prisma[0]);
		sbuf_puts(&b, ", pg_catalog.clock_timestamp(), ");
		sql_literal(&b, prisma_name);
		sbuf_puts(&b, ", pg_catalog.now(), 1)");
	} else if (down) {
		/* Flyway without its undo: the row goes, as flyway repair
		 * removes a failed one. */
		sbuf_printf(&b, "delete from %s where version = ", o->qname);
		sql_literal(&b, m->version);
	} else {
		/* A repeatable one gets a row per run, without a version. */
		flyway_description(m->name, desc, sizeof desc);
		sbuf_printf(&b, "insert into %s (installed_rank, version, description, type, script, checksum,"
		    " installed_by, installed_on, execution_time, success) select coalesce(max(installed_rank), 0) + 1, ",
		    o->qname);
		if (m->repeatable)
			sbuf_puts(&b, "null");
		else
			sql_literal(&b, m->version);
		sbuf_putc(&b, ',');
		sql_literal(&b, desc);
		sbuf_puts(&b, ", 'SQL', ");
		sql_literal(&b, strrchr(m->up.path, '/') ? strrchr(m->up.path, '/') + 1 : m->up.path);
		sbuf_printf(&b, ", %s, current_user, pg_catalog.now(), 0, true from %s", m->flyway, o->qname);
	}
	pgq_cmd(&q, b.s, "cannot record the migration in the other tool's history");
	sbuf_free(&b);
}
