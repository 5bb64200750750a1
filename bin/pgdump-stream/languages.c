/* Procedural languages and transforms (neither belongs to a schema: they
 * are dumped with the whole database). A language's handler, inline and
 * validator functions are named with their schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"
#include "cat.h"

void
languages_load(struct catalog *cat)
{
	PGresult *r;

	if (!cat_whole(cat))
		return;
	r = cat_rows(cat, "select l.oid, l.lanname, l.lanpltrusted, pg_get_userbyid(l.lanowner) as owner,"
	    " " PROC_NAME("l.lanplcallfoid") " as handler,"
	    " case when l.laninline <> 0 then " PROC_NAME("l.laninline") " end as inline,"
	    " case when l.lanvalidator <> 0 then " PROC_NAME("l.lanvalidator") " end as validator"
	    " from pg_language l where l.oid >= 16384 and l.lanispl" NOT_EXT(C_LANGUAGE, "l.oid") " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_name = pgq_col(r, "lanname"), c_trusted = pgq_col(r, "lanpltrusted"),
	    c_owner = pgq_col(r, "owner"), c_handler = pgq_col(r, "handler"), c_inline = pgq_col(r, "inline"),
	    c_validator = pgq_col(r, "validator");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d = cat_add(cat, P_LANGUAGE, C_LANGUAGE, OID(r, i, c_oid), "", V(r, i, c_name), "LANGUAGE");

		sbuf_printf(&b, "CREATE %sPROCEDURAL LANGUAGE %s HANDLER %s", TRUE_(r, i, c_trusted) ? "TRUSTED " : "",
		    d->target, V(r, i, c_handler));
		if (!NUL(r, i, c_inline))
			sbuf_printf(&b, " INLINE %s", V(r, i, c_inline));
		if (!NUL(r, i, c_validator))
			sbuf_printf(&b, " VALIDATOR %s", V(r, i, c_validator));
		sbuf_puts(&b, ";\n");
		cat_owner_to(cat, &b, "LANGUAGE", d->target, V(r, i, c_owner));
		sbuf_printf(&w, "LANGUAGE %s", d->target);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_LANGUAGE, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "PROCEDURAL LANGUAGE", d->target);
		sbuf_free(&w);
	}
	PQclear(r);
}

void
transforms_load(struct catalog *cat)
{
	PGresult *r;

	if (!cat_whole(cat))
		return;
	r = cat_rows(cat, "select t.oid, format_type(t.trftype, null) as type, quote_ident(l.lanname) as lang,"
	    " case when t.trffromsql <> 0 then t.trffromsql::regprocedure::text end as fromsql,"
	    " case when t.trftosql <> 0 then t.trftosql::regprocedure::text end as tosql"
	    " from pg_transform t join pg_language l on l.oid = t.trflang"
	    " where t.oid >= 16384" NOT_EXT(C_TRANSFORM, "t.oid") " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_type = pgq_col(r, "type"), c_lang = pgq_col(r, "lang"),
	    c_from = pgq_col(r, "fromsql"), c_to = pgq_col(r, "tosql");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, q = { 0 }, w = { 0 };
		struct dobj *d;

		sbuf_printf(&q, "FOR %s LANGUAGE %s", V(r, i, c_type), V(r, i, c_lang));
		sbuf_printf(&b, "CREATE TRANSFORM %s (", q.s);
		if (!NUL(r, i, c_from))
			sbuf_printf(&b, "FROM SQL WITH FUNCTION %s", V(r, i, c_from));
		if (!NUL(r, i, c_to))
			sbuf_printf(&b, "%sTO SQL WITH FUNCTION %s", NUL(r, i, c_from) ? "" : ", ", V(r, i, c_to));
		sbuf_puts(&b, ");\n");
		sbuf_printf(&w, "TRANSFORM %s", q.s);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_TRANSFORM, OID(r, i, c_oid), 0));
		d = cat_add(cat, P_TRANSFORM, C_TRANSFORM, OID(r, i, c_oid), "", q.s, "TRANSFORM");
		free(d->target);
		d->target = xstrdup(q.s);
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "TRANSFORM", q.s);
		sbuf_free(&q);
		sbuf_free(&w);
	}
	PQclear(r);
}

/* Event triggers, with their enabled state, after everything else: one
 * that fired during the restore would act on the objects being made. */
void
event_triggers_load(struct catalog *cat)
{
	PGresult *r;

	if (!cat_whole(cat))
		return;
	r = cat_rows(cat, "select et.oid, et.evtname, et.evtevent, pg_get_userbyid(et.evtowner) as owner, et.evtenabled,"
	    " array_to_string(array(select quote_literal(x) from unnest(et.evttags) x), ', ') as tags,"
	    " et.evtfoid::regproc::text as func"
	    " from pg_event_trigger et where et.oid >= 16384" NOT_EXT(C_EVENT_TRIGGER, "et.oid") " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_name = pgq_col(r, "evtname"), c_event = pgq_col(r, "evtevent"),
	    c_owner = pgq_col(r, "owner"), c_enabled = pgq_col(r, "evtenabled"), c_tags = pgq_col(r, "tags"),
	    c_func = pgq_col(r, "func");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		char *q = cat_ident(V(r, i, c_name));
		char en = V(r, i, c_enabled)[0];
		struct dobj *d;

		sbuf_printf(&b, "CREATE EVENT TRIGGER %s ON %s", q, V(r, i, c_event));
		if (*V(r, i, c_tags))
			sbuf_printf(&b, "\n         WHEN TAG IN (%s)", V(r, i, c_tags));
		sbuf_printf(&b, "\n   EXECUTE FUNCTION %s();\n", V(r, i, c_func));
		if (en != 'O')
			sbuf_printf(&b, "ALTER EVENT TRIGGER %s %s;\n", q, en == 'D' ? "DISABLE" : en == 'R' ?
			    "ENABLE REPLICA" : "ENABLE ALWAYS");
		cat_owner_to(cat, &b, "EVENT TRIGGER", q, V(r, i, c_owner));
		sbuf_printf(&w, "EVENT TRIGGER %s", q);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_EVENT_TRIGGER, OID(r, i, c_oid), 0));
		d = cat_post(cat, P_EVENT_TRIGGER, C_EVENT_TRIGGER, OID(r, i, c_oid), "", V(r, i, c_name),
		    "EVENT TRIGGER", &b);
		cat_drop_stmt(cat, d, "EVENT TRIGGER", q);
		sbuf_free(&w);
		free(q);
	}
	PQclear(r);
}

/* Encoding conversions, in their schema. */
void
conversions_load(struct catalog *cat)
{
	PGresult *r = cat_rows(cat, "select c.oid, c.connamespace, n.nspname, c.conname, c.condefault,"
	    " pg_encoding_to_char(c.conforencoding) as src, pg_encoding_to_char(c.contoencoding) as dst,"
	    " " PROC_NAME("c.conproc") " as func, pg_get_userbyid(c.conowner) as owner"
	    " from pg_conversion c join pg_namespace n on n.oid = c.connamespace"
	    " where c.oid >= 16384" NOT_EXT(C_CONVERSION, "c.oid") " order by 1");
	const int c_oid = pgq_col(r, "oid"), c_nsp = pgq_col(r, "connamespace"), c_nspname = pgq_col(r, "nspname"),
	    c_name = pgq_col(r, "conname"), c_default = pgq_col(r, "condefault"), c_src = pgq_col(r, "src"),
	    c_dst = pgq_col(r, "dst"), c_func = pgq_col(r, "func"), c_owner = pgq_col(r, "owner");

	for (int i = 0; i < PQntuples(r); i++) {
		struct sbuf b = { 0 }, w = { 0 };
		struct dobj *d;

		if (!cat_in_schema(cat, OID(r, i, c_nsp)))
			continue;
		d = cat_add(cat, P_CONVERSION, C_CONVERSION, OID(r, i, c_oid), V(r, i, c_nspname), V(r, i, c_name),
		    "CONVERSION");
		sbuf_printf(&b, "CREATE %sCONVERSION %s FOR ", TRUE_(r, i, c_default) ? "DEFAULT " : "", d->target);
		sql_literal(&b, V(r, i, c_src));
		sbuf_puts(&b, " TO ");
		sql_literal(&b, V(r, i, c_dst));
		sbuf_printf(&b, " FROM %s;\n", V(r, i, c_func));
		cat_owner_to(cat, &b, "CONVERSION", d->target, V(r, i, c_owner));
		sbuf_printf(&w, "CONVERSION %s", d->target);
		cat_comment_on(&b, w.s, cat_comment_for(cat, C_CONVERSION, d->oid, 0));
		d->create = sbuf_take(&b);
		cat_drop_stmt(cat, d, "CONVERSION", d->target);
		sbuf_free(&w);
	}
	PQclear(r);
}
