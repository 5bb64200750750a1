/* Large objects: each one's creation, owner, comment and security labels,
 * then its bytes
 * in chunks (lo_put, one statement each, so that a restore needs no
 * transaction around them), in the data section as pg_dump puts them.
 * They are read in batches by OID within the dump's snapshot: memory
 * stays bounded by one batch and one chunk, however many there are and
 * however large. Their privileges are dumped with the others (acl.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"

#define LO_BATCH 1000
#define LO_CHUNK 131072

/* One large object's bytes, a chunk a query. */
static void
large_object_data(const struct pgq *q, const char *oid, struct out *o, struct sbuf *sql)
{
	for (long long off = 0;; off += LO_CHUNK) {
		PGresult *r;
		size_t n;

		sbuf_reset(sql);
		sbuf_printf(sql, "select encode(lo_get(%s, %lld, %d), 'hex')", oid, off, LO_CHUNK);
		r = pgq_rows(q, sql->s, "cannot read a large object");
		n = strlen(PQgetvalue(r, 0, 0)) / 2;
		if (n > 0) {
			sbuf_reset(sql);
			sbuf_printf(sql, "SELECT pg_catalog.lo_put('%s', %lld, '\\x", oid, off);
			out_write(o, sql->s, sql->len);
			out_write(o, PQgetvalue(r, 0, 0), 2 * n);
			out_puts(o, "');\n");
		}
		PQclear(r);
		if (n < LO_CHUNK)
			break;
	}
}

unsigned long long
data_large_objects(const struct pgq *q, const struct catalog *cat, struct out *o)
{
	struct sbuf sql = { 0 }, b = { 0 };
	unsigned long long n = 0;
	char last[16] = "0";

	for (;;) {
		PGresult *r;
		int nr;

		sbuf_reset(&sql);
		sbuf_printf(&sql, "select m.oid, pg_get_userbyid(m.lomowner) as owner,"
		    " (select description from pg_description d where d.objoid = m.oid"
		    "   and d.classoid = %d) as comment,"
		    " (select string_agg(format('SECURITY LABEL FOR %%I ON LARGE OBJECT %%s IS %%L;', l.provider, m.oid,"
		    "   l.label), E'\\n' order by l.provider) from pg_seclabel l where l.objoid = m.oid"
		    "   and l.classoid = %d) as labels"
		    " from pg_largeobject_metadata m where m.oid > %s order by 1 limit %d", C_LARGEOBJECT, C_LARGEOBJECT,
		    last, LO_BATCH);
		r = pgq_rows(q, sql.s, "cannot list the large objects");
		const int c_oid = pgq_col(r, "oid"), c_owner = pgq_col(r, "owner"), c_comment = pgq_col(r, "comment"),
		    c_labels = pgq_col(r, "labels");

		nr = PQntuples(r);
		for (int i = 0; i < nr; i++) {
			const char *oid = PQgetvalue(r, i, c_oid);

			sbuf_reset(&b);
			sbuf_printf(&b, "SELECT pg_catalog.lo_create('%s');\n", oid);
			if (!cat->opt->no_owner) {
				sbuf_printf(&b, "ALTER LARGE OBJECT %s OWNER TO ", oid);
				sql_ident(&b, PQgetvalue(r, i, c_owner));
				sbuf_puts(&b, ";\n");
			}
			if (!cat->opt->no_comments && !PQgetisnull(r, i, c_comment)) {
				sbuf_printf(&b, "COMMENT ON LARGE OBJECT %s IS ", oid);
				sql_literal(&b, PQgetvalue(r, i, c_comment));
				sbuf_puts(&b, ";\n");
			}
			if (!cat->opt->no_security_labels && !PQgetisnull(r, i, c_labels))
				sbuf_printf(&b, "%s\n", PQgetvalue(r, i, c_labels));
			out_write(o, b.s, b.len);
			large_object_data(q, oid, o, &sql);
			n++;
		}
		if (nr > 0)
			snprintf(last, sizeof last, "%s", PQgetvalue(r, nr - 1, c_oid));
		PQclear(r);
		if (nr < LO_BATCH)
			break;
	}
	sbuf_free(&sql);
	sbuf_free(&b);
	return n;
}
