/* -C/--create: the dumped database itself, as pg_dump --create writes it:
 * CREATE DATABASE from template0 with its encoding, locale provider and
 * locales, its owner, comment, security labels, privileges, connection
 * limit, template flag, its own settings (ALTER DATABASE ... SET) and its
 * roles' settings in it (ALTER ROLE ... IN DATABASE ... SET).
 *
 * All of that runs on the connection the restore starts with (another
 * database of the cluster), so it comes first (the dump's header names the
 * database in a line "-- pgops-create: database 'NAME'", before any
 * statement); then a line "-- pgops:connect 'NAME'" on which
 * pgrestore-stream connects to the new database and runs the rest of the
 * dump there. A restore --drill passes over everything up to that line: it
 * restores into its scratch database and must not touch the named one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cat.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"

static void
db_stmt(struct sbuf *b, const char *verb, const char *db)
{
	sbuf_printf(b, "%s ", verb);
	sql_ident(b, db);
}

/* CREATE DATABASE with what the server's version records of its locale. */
static void
create_statement(struct sbuf *b, const PGresult *r, int server_version, const struct dumpopt *o)
{
	const char *collate = V(r, 0, pgq_col(r, "datcollate")), *ctype = V(r, 0, pgq_col(r, "datctype"));
	const char *provider = V(r, 0, pgq_col(r, "provider"));
	int c_loc = pgq_col(r, "provlocale"), c_rules = pgq_col(r, "icurules"), c_spc = pgq_col(r, "spcname");

	db_stmt(b, "CREATE DATABASE", V(r, 0, pgq_col(r, "datname")));
	sbuf_puts(b, " WITH TEMPLATE = template0 ENCODING = ");
	sql_literal(b, V(r, 0, pgq_col(r, "encoding")));
	if (server_version >= 150000)
		sbuf_printf(b, " LOCALE_PROVIDER = %s", strcmp(provider, "i") == 0 ? "icu" : strcmp(provider, "b") == 0 ?
		    "builtin" : "libc");
	if (strcmp(collate, ctype) == 0) {
		sbuf_puts(b, " LOCALE = ");
		sql_literal(b, collate);
	} else {
		sbuf_puts(b, " LC_COLLATE = ");
		sql_literal(b, collate);
		sbuf_puts(b, " LC_CTYPE = ");
		sql_literal(b, ctype);
	}
	if (!NUL(r, 0, c_loc) && strcmp(provider, "i") == 0) {
		sbuf_puts(b, " ICU_LOCALE = ");
		sql_literal(b, V(r, 0, c_loc));
	} else if (!NUL(r, 0, c_loc) && strcmp(provider, "b") == 0) {
		sbuf_puts(b, " BUILTIN_LOCALE = ");
		sql_literal(b, V(r, 0, c_loc));
	}
	if (!NUL(r, 0, c_rules)) {
		sbuf_puts(b, " ICU_RULES = ");
		sql_literal(b, V(r, 0, c_rules));
	}
	if (!o->no_tablespaces && strcmp(V(r, 0, c_spc), "pg_default") != 0) {
		sbuf_puts(b, " TABLESPACE = ");
		sql_ident(b, V(r, 0, c_spc));
	}
	sbuf_puts(b, ";\n");
}

/* The settings of the database (role NULL) or of each role in it. */
static void
settings(const struct pgq *q, struct sbuf *b, const char *db, const char *oid)
{
	struct sbuf s = { 0 };
	PGresult *r;

	sbuf_printf(&s, "select (select rolname from pg_catalog.pg_roles where oid = s.setrole) as role,"
	    " unnest(s.setconfig) as item from pg_catalog.pg_db_role_setting s where s.setdatabase = %s"
	    " order by s.setrole <> 0, 1", oid);
	r = pgq_rows(q, s.s, "cannot read the database's settings");
	for (int i = 0; i < PQntuples(r); i++) {
		if (NUL(r, i, 0)) {
			db_stmt(b, "ALTER DATABASE", db);
		} else {
			sbuf_puts(b, "ALTER ROLE ");
			sql_ident(b, V(r, i, 0));
			sbuf_puts(b, " IN DATABASE ");
			sql_ident(b, db);
		}
		globals_setting(b, V(r, i, 1));
		sbuf_puts(b, ";\n");
	}
	PQclear(r);
	sbuf_free(&s);
}

void
createdb_dump(const struct pgq *q, struct out *o, const struct dumpopt *opt, int server_version)
{
	struct sbuf s = { 0 }, b = { 0 };
	PGresult *r;
	const char *db;

	sbuf_printf(&s, "select d.oid, d.datname, pg_catalog.pg_get_userbyid(d.datdba) as owner,"
	    " pg_catalog.pg_encoding_to_char(d.encoding) as encoding, d.datcollate, d.datctype,"
	    " %s as provider, %s as provlocale, %s as icurules, d.datconnlimit, d.datistemplate,"
	    " (select spcname from pg_catalog.pg_tablespace where oid = d.dattablespace) as spcname,"
	    " pg_catalog.shobj_description(d.oid, 'pg_database') as comment"
	    " from pg_catalog.pg_database d where d.datname = pg_catalog.current_database()",
	    server_version >= 150000 ? "d.datlocprovider::text" : "'c'",
	    server_version >= 170000 ? "d.datlocale" : server_version >= 150000 ? "d.daticulocale" : "null::text",
	    server_version >= 160000 ? "d.daticurules" : "null::text");
	r = pgq_rows(q, s.s, "cannot read the database's properties");
	db = V(r, 0, pgq_col(r, "datname"));
	sbuf_puts(&b, "\n--\n-- The database (--create); pgrestore-stream connects to it at the pgops:connect line\n--\n\n");
	create_statement(&b, r, server_version, opt);
	if (!opt->no_owner) {
		db_stmt(&b, "ALTER DATABASE", db);
		sbuf_puts(&b, " OWNER TO ");
		sql_ident(&b, V(r, 0, pgq_col(r, "owner")));
		sbuf_puts(&b, ";\n");
	}
	if (strcmp(V(r, 0, pgq_col(r, "datconnlimit")), "-1") != 0) {
		db_stmt(&b, "ALTER DATABASE", db);
		sbuf_printf(&b, " CONNECTION LIMIT = %s;\n", V(r, 0, pgq_col(r, "datconnlimit")));
	}
	if (V(r, 0, pgq_col(r, "datistemplate"))[0] == 't') {
		db_stmt(&b, "ALTER DATABASE", db);
		sbuf_puts(&b, " IS_TEMPLATE = true;\n");
	}
	if (!opt->no_comments && !NUL(r, 0, pgq_col(r, "comment"))) {
		db_stmt(&b, "COMMENT ON DATABASE", db);
		sbuf_puts(&b, " IS ");
		sql_literal(&b, V(r, 0, pgq_col(r, "comment")));
		sbuf_puts(&b, ";\n");
	}
	settings(q, &b, db, V(r, 0, pgq_col(r, "oid")));
	if (!opt->no_privileges)
		acl_shared(q, "pg_database", "datacl", "datdba", "'d'", "'DATABASE'", "quote_ident(x.datname)",
		    "x.datname = current_database()", &b);
	if (!opt->no_security_labels) {
		PGresult *l;

		sbuf_reset(&s);
		sbuf_printf(&s, "select provider, label from pg_catalog.pg_shseclabel where classoid ="
		    " 'pg_catalog.pg_database'::pg_catalog.regclass and objoid = %s order by 1", V(r, 0, 0));
		l = pgq_rows(q, s.s, "cannot read the database's security labels");
		for (int i = 0; i < PQntuples(l); i++) {
			sbuf_puts(&b, "SECURITY LABEL FOR ");
			sql_ident(&b, V(l, i, 0));
			db_stmt(&b, " ON DATABASE", db);
			sbuf_puts(&b, " IS ");
			sql_literal(&b, V(l, i, 1));
			sbuf_puts(&b, ";\n");
		}
		PQclear(l);
	}
	sbuf_puts(&b, "-- pgops:connect ");
	sql_literal(&b, db);
	sbuf_puts(&b, "\n");
	out_write(o, b.s, b.len);
	PQclear(r);
	sbuf_free(&s);
	sbuf_free(&b);
}
