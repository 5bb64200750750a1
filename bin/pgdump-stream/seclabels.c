/* Security labels (SECURITY LABEL FOR provider ON ...), added to the
 * statements of the object they label, as pg_dump dumps them: on
 * relations and their columns, functions, types, schemas, languages,
 * event triggers, publications and subscriptions. A restore needs the
 * same label provider loaded; --no-security-labels leaves them out.
 * Large objects' labels go with the large objects (largeobjects.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

/* The word SECURITY LABEL takes for a dump object's kind, or NULL. */
static const char *
label_kind(const struct dobj *d)
{
	static const char *const kinds[] = {
		"TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE", "SEQUENCE", "FUNCTION", "PROCEDURE",
		"AGGREGATE", "TYPE", "DOMAIN", "SCHEMA", "EVENT TRIGGER", "LANGUAGE", "PUBLICATION", "SUBSCRIPTION",
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(d->kind, kinds[i]) == 0)
			return kinds[i];
	return NULL;
}

void
security_labels_load(struct catalog *cat)
{
	PGresult *r;

	if (cat->opt->no_security_labels)
		return;
	r = cat_rows(cat, "select l.objoid, l.classoid, l.objsubid, l.provider, l.label,"
	    " case when l.classoid = " STR(C_CLASS) " and l.objsubid > 0 then (select quote_ident(attname)"
	    "   from pg_attribute where attrelid = l.objoid and attnum = l.objsubid) end as column_name"
	    " from pg_seclabel l where l.objoid >= 16384"
	    " union all select s.objoid, s.classoid, 0, s.provider, s.label, null from pg_shseclabel s"
	    " where s.classoid = " STR(C_SUBSCRIPTION) " order by 1, 3, 4");
	const int c_oid = pgq_col(r, "objoid"), c_class = pgq_col(r, "classoid"), c_sub = pgq_col(r, "objsubid"),
	    c_provider = pgq_col(r, "provider"), c_label = pgq_col(r, "label"), c_column = pgq_col(r, "column_name");

	for (int i = 0; i < PQntuples(r); i++) {
		int k = cat_find(cat, OID(r, i, c_oid));
		struct dobj *d = k >= 0 ? &cat->obj[k] : NULL;
		const char *kind = d ? label_kind(d) : NULL;
		struct sbuf b = { 0 };

		if (!d || !kind || !d->create || d->classid != OID(r, i, c_class))
			continue;
		sbuf_puts(&b, d->create);
		sbuf_puts(&b, "SECURITY LABEL FOR ");
		sql_ident(&b, V(r, i, c_provider));
		if (atoi(V(r, i, c_sub)) > 0 && !NUL(r, i, c_column))
			sbuf_printf(&b, " ON COLUMN %s.%s IS ", d->target, V(r, i, c_column));
		else
			sbuf_printf(&b, " ON %s %s IS ", kind, d->target);
		sql_literal(&b, V(r, i, c_label));
		sbuf_puts(&b, ";\n");
		free(d->create);
		d->create = sbuf_take(&b);
	}
	PQclear(r);
}
