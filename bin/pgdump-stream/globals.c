/* --globals: what belongs to the cluster rather than to one database, as
 * pg_dumpall --globals-only writes it: roles with every attribute (and
 * their password hashes unless asked not to), role memberships with their
 * options and grantors, each role's settings, tablespaces, and the
 * comments, security labels and privileges of those.
 *
 * A globals dump is restored into a cluster that may have some of the
 * roles already (its bootstrap superuser, or a second restore), by a role
 * that must keep its rights. So each role is created only when missing,
 * and the ALTER ROLE that gives it its attributes is skipped for the role
 * running the restore: both in DO blocks, which any client (pgrestore-stream
 * or psql) runs, and which say what they did in NOTICEs pgrestore-stream
 * counts for its report. CREATE TABLESPACE cannot run in a DO block (nor in
 * any transaction): a comment line before it names the tablespace, and
 * pgrestore-stream passes over the statement when it exists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cat.h"
#include "log.h"
#include "pgdump.h"
#include "pgq.h"
#include "sql.h"
#include "xmem.h"

/* Appends body dollar-quoted with a tag that does not occur in it. */
static void
dollar(struct sbuf *b, const char *body)
{
	char tag[32] = "$pgops$";

	for (int k = 1; strstr(body, tag); k++)
		snprintf(tag, sizeof tag, "$pgops%d$", k);
	sbuf_printf(b, "%s%s%s", tag, body, tag);
}

/* A DO block that runs body. */
static void
do_block(struct sbuf *out, const char *body)
{
	sbuf_puts(out, "DO ");
	dollar(out, body);
	sbuf_puts(out, ";\n");
}

/* RAISE NOTICE 'pgops-globals: WHAT "name" STATE' inside a DO block. */
static void
raise(struct sbuf *b, const char *what, const char *name, const char *state)
{
	struct sbuf m = { 0 };

	sbuf_printf(&m, "pgops-globals: %s ", what);
	sql_ident(&m, name);
	sbuf_printf(&m, " %s", state);
	sbuf_puts(b, "RAISE NOTICE '%', ");
	sql_literal(b, m.s);
	sbuf_puts(b, ";");
	sbuf_free(&m);
}

/* The roles: from pg_authid, or, where it cannot be read (the managed
 * services), from pg_roles, which hides the passwords. */
static PGresult *
roles_read(const struct pgq *q, int *passwords)
{
	PGresult *r = pgq_rows(q, "select pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'select')",
	    "cannot look at pg_authid");
	int readable = V(r, 0, 0)[0] == 't';
	struct sbuf s = { 0 };

	PQclear(r);
	if (!readable) {
		log_warn("pg_authid is not readable by this role (a managed service?): roles read from pg_roles, "
		    "without their passwords");
		*passwords = 0;
	}
	sbuf_printf(&s, "select a.oid, a.rolname, a.rolsuper, a.rolinherit, a.rolcreaterole, a.rolcreatedb,"
	    " a.rolcanlogin, a.rolconnlimit, %s as rolpassword, a.rolvaliduntil::text as validuntil,"
	    " a.rolreplication, a.rolbypassrls, pg_catalog.shobj_description(a.oid, 'pg_authid') as comment"
	    " from pg_catalog.%s a where a.rolname !~ '^pg_' order by a.rolname",
	    *passwords ? "a.rolpassword" : "null::text", readable ? "pg_authid" : "pg_roles");
	r = pgq_rows(q, s.s, "cannot read the roles");
	sbuf_free(&s);
	return r;
}

static void
role_attributes(struct sbuf *b, const PGresult *r, int i)
{
	static const struct {
		const char *col, *yes, *no;
	} flags[] = {
		{ "rolsuper", "SUPERUSER", "NOSUPERUSER" }, { "rolinherit", "INHERIT", "NOINHERIT" },
		{ "rolcreaterole", "CREATEROLE", "NOCREATEROLE" }, { "rolcreatedb", "CREATEDB", "NOCREATEDB" },
		{ "rolcanlogin", "LOGIN", "NOLOGIN" }, { "rolreplication", "REPLICATION", "NOREPLICATION" },
		{ "rolbypassrls", "BYPASSRLS", "NOBYPASSRLS" },
	};
	int c;

	sbuf_puts(b, "ALTER ROLE ");
	sql_ident(b, V(r, i, pgq_col(r, "rolname")));
	sbuf_puts(b, " WITH");
	for (size_t k = 0; k < sizeof flags / sizeof *flags; k++)
		sbuf_printf(b, " %s", V(r, i, pgq_col(r, flags[k].col))[0] == 't' ? flags[k].yes : flags[k].no);
	sbuf_printf(b, " CONNECTION LIMIT %s", V(r, i, pgq_col(r, "rolconnlimit")));
	c = pgq_col(r, "rolpassword");
	if (!NUL(r, i, c)) {
		sbuf_puts(b, " PASSWORD ");
		sql_literal(b, V(r, i, c));
	}
	c = pgq_col(r, "validuntil");
	if (!NUL(r, i, c)) {
		sbuf_puts(b, " VALID UNTIL ");
		sql_literal(b, V(r, i, c));
	}
	sbuf_putc(b, ';');
}

static void
roles_dump(const struct pgq *q, struct sbuf *out, const struct globopt *g)
{
	int passwords = !g->no_role_passwords;
	PGresult *r = roles_read(q, &passwords);
	const int c_name = pgq_col(r, "rolname"), c_comment = pgq_col(r, "comment");

	sbuf_puts(out, "\n--\n-- Roles\n--\n\n");
	for (int i = 0; i < PQntuples(r); i++) {
		const char *name = V(r, i, c_name);
		struct sbuf body = { 0 };

		/* Created when missing. */
		sbuf_puts(&body, " BEGIN IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ");
		sql_literal(&body, name);
		sbuf_puts(&body, ") THEN ");
		raise(&body, "role", name, "existed");
		sbuf_puts(&body, " ELSE CREATE ROLE ");
		sql_ident(&body, name);
		sbuf_puts(&body, "; ");
		raise(&body, "role", name, "created");
		sbuf_puts(&body, " END IF; END ");
		do_block(out, body.s);
		/* Its attributes and password, unless it is the role
		 * restoring: a NOLOGIN, a NOSUPERUSER or another password
		 * would lock the restore (and the operator) out. */
		sbuf_reset(&body);
		sbuf_puts(&body, " BEGIN IF CURRENT_USER = ");
		sql_literal(&body, name);
		sbuf_puts(&body, " THEN ");
		raise(&body, "role", name, "kept");
		sbuf_puts(&body, " ELSE ");
		role_attributes(&body, r, i);
		sbuf_puts(&body, " END IF; END ");
		do_block(out, body.s);
		sbuf_free(&body);
		if (!g->no_comments && !NUL(r, i, c_comment)) {
			sbuf_puts(out, "COMMENT ON ROLE ");
			sql_ident(out, name);
			sbuf_puts(out, " IS ");
			sql_literal(out, V(r, i, c_comment));
			sbuf_puts(out, ";\n");
		}
	}
	PQclear(r);
}

/* Memberships, predefined roles' included (GRANT pg_read_all_data TO
 * ...), not those among predefined roles. Since 16 a grant records who
 * granted it and whether it passes INHERIT and SET; a grantor needs ADMIN
 * on the role when its grant is restored, so grants come in passes: those
 * of the bootstrap superuser and of superusers, then those whose grantor
 * holds ADMIN by an earlier one. Since 16 the server records a
 * superuser's grant as the bootstrap superuser's, so that one is not named
 * (its name may differ in the target); before 16 a grant records its
 * grantor as it is, and every grant names it, as pg_dumpall's do. */
static void
memberships_dump(const struct pgq *q, struct sbuf *out, int server_version)
{
	PGresult *r;
	int n, *done, left, v16 = server_version >= 160000;
	struct sbuf s = { 0 };

	sbuf_printf(&s, "select ur.rolname as role, um.rolname as member,"
	    " case when a.grantor = 10 and %s then null else ug.rolname end as grantor,"
	    " coalesce(ug.rolsuper, true) as gsuper,"
	    " a.admin_option, %s from pg_catalog.pg_auth_members a"
	    " join pg_catalog.pg_roles ur on ur.oid = a.roleid join pg_catalog.pg_roles um on um.oid = a.member"
	    " left join pg_catalog.pg_roles ug on ug.oid = a.grantor"
	    " where um.rolname !~ '^pg_' order by 1, 2, 3",
	    v16 ? "true" : "false", v16 ? "a.inherit_option, a.set_option" : "null as inherit_option, null as set_option");
	r = pgq_rows(q, s.s, "cannot read the role memberships");
	sbuf_free(&s);
	n = PQntuples(r);
	if (!n) {
		PQclear(r);
		return;
	}
	sbuf_puts(out, "\n--\n-- Role memberships\n--\n\n");
	done = xcalloc((size_t)n, sizeof *done);
	left = n;
	for (int pass = 0; left > 0; pass++) {
		int progress = 0;

		for (int i = 0; i < n; i++) {
			int ok = NUL(r, i, 2) || V(r, i, 3)[0] == 't' || pass > n;

			/* the grantor holds ADMIN on the role by a grant already out */
			for (int k = 0; !ok && k < n; k++)
				ok = done[k] && strcmp(V(r, k, 0), V(r, i, 0)) == 0 && strcmp(V(r, k, 1), V(r, i, 2)) == 0 &&
				    V(r, k, 4)[0] == 't';
			if (done[i] || !ok)
				continue;
			sbuf_puts(out, "GRANT ");
			sql_ident(out, V(r, i, 0));
			sbuf_puts(out, " TO ");
			sql_ident(out, V(r, i, 1));
			if (v16)
				sbuf_printf(out, " WITH ADMIN %s, INHERIT %s, SET %s", V(r, i, 4)[0] == 't' ? "TRUE" : "FALSE",
				    V(r, i, 5)[0] == 't' ? "TRUE" : "FALSE", V(r, i, 6)[0] == 't' ? "TRUE" : "FALSE");
			else if (V(r, i, 4)[0] == 't')
				sbuf_puts(out, " WITH ADMIN OPTION");
			if (!NUL(r, i, 2)) {
				sbuf_puts(out, " GRANTED BY ");
				sql_ident(out, V(r, i, 2));
			}
			sbuf_puts(out, ";\n");
			done[i] = 1;
			left--;
			progress = 1;
		}
		/* A cycle cannot be ordered: the last pass writes the rest. */
		if (!progress && pass <= n)
			pass = n;
	}
	free(done);
	PQclear(r);
}

/* Settings whose value is a list PostgreSQL quotes element by element
 * (GUC_LIST_QUOTE): written as a list of literals, as pg_dump does. */
static int
list_quoted(const char *name, size_t n)
{
	static const char *const lists[] = { "local_preload_libraries", "search_path", "session_preload_libraries",
		"shared_preload_libraries", "temp_tablespaces", "unix_socket_directories" };

	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
		if (strlen(lists[i]) == n && strncasecmp(name, lists[i], n) == 0)
			return 1;
	return 0;
}

/* NAME=VALUE from setconfig as "SET NAME TO value". */
void
globals_setting(struct sbuf *b, const char *item)
{
	const char *eq = strchr(item, '=');
	const char *v;

	if (!eq) {
		sbuf_puts(b, " RESET ");
		sql_ident(b, item);
		return;
	}
	sbuf_puts(b, " SET ");
	sbuf_add(b, item, (size_t)(eq - item)); /* a setting name, as the server printed it */
	sbuf_puts(b, " TO ");
	v = eq + 1;
	if (!list_quoted(item, (size_t)(eq - item)) || !*v) {
		sql_literal(b, v);
		return;
	}
	/* elements separated by commas, each bare or "double-quoted" */
	for (int first = 1; *v; first = 0) {
		struct sbuf e = { 0 };

		v += strspn(v, " \t");
		if (*v == '"') {
			for (v++; *v && !(v[0] == '"' && v[1] != '"'); v++) {
				if (v[0] == '"')
					v++;
				sbuf_putc(&e, *v);
			}
			if (*v == '"')
				v++;
		} else {
			while (*v && *v != ',')
				sbuf_putc(&e, *v++);
			while (e.len && (e.s[e.len - 1] == ' ' || e.s[e.len - 1] == '\t'))
				e.s[--e.len] = 0;
		}
		v += strspn(v, " \t");
		if (*v == ',')
			v++;
		sbuf_puts(b, first ? "" : ", ");
		sql_literal(b, e.s ? e.s : "");
		sbuf_free(&e);
	}
}

/* Each role's own settings (ALTER ROLE ... SET); those for one database
 * go with that database's --create dump, as pg_dump --create writes them. */
static void
role_settings_dump(const struct pgq *q, struct sbuf *out)
{
	PGresult *r = pgq_rows(q, "select r.rolname, unnest(s.setconfig) from pg_catalog.pg_db_role_setting s"
	    " join pg_catalog.pg_roles r on r.oid = s.setrole where s.setdatabase = 0 and r.rolname !~ '^pg_'"
	    " order by 1", "cannot read the roles' settings");

	if (PQntuples(r))
		sbuf_puts(out, "\n--\n-- Role settings\n--\n\n");
	for (int i = 0; i < PQntuples(r); i++) {
		sbuf_puts(out, "ALTER ROLE ");
		sql_ident(out, V(r, i, 0));
		globals_setting(out, V(r, i, 1));
		sbuf_puts(out, ";\n");
	}
	PQclear(r);
}

static void
tablespaces_dump(const struct pgq *q, struct sbuf *out, const struct globopt *g)
{
	PGresult *r = pgq_rows(q, "select t.spcname, pg_catalog.pg_get_userbyid(t.spcowner) as owner,"
	    " pg_catalog.pg_tablespace_location(t.oid) as location,"
	    " pg_catalog.array_to_string(t.spcoptions, ', ') as options,"
	    " pg_catalog.shobj_description(t.oid, 'pg_tablespace') as comment"
	    " from pg_catalog.pg_tablespace t where t.spcname !~ '^pg_' order by 1", "cannot read the tablespaces");

	if (PQntuples(r))
		sbuf_puts(out, "\n--\n-- Tablespaces\n--\n\n");
	for (int i = 0; i < PQntuples(r); i++) {
		const char *name = V(r, i, 0);

		sbuf_puts(out, "-- pgops-globals: tablespace ");
		sql_literal(out, name);
		sbuf_puts(out, "\nCREATE TABLESPACE ");
		sql_ident(out, name);
		sbuf_puts(out, " OWNER ");
		sql_ident(out, V(r, i, 1));
		sbuf_puts(out, " LOCATION ");
		sql_literal(out, V(r, i, 2));
		sbuf_puts(out, ";\n");
		if (!NUL(r, i, 3) && *V(r, i, 3)) {
			sbuf_puts(out, "ALTER TABLESPACE ");
			sql_ident(out, name);
			sbuf_printf(out, " SET (%s);\n", V(r, i, 3)); /* name=value pairs as the server prints them */
		}
		if (!g->no_comments && !NUL(r, i, 4)) {
			sbuf_puts(out, "COMMENT ON TABLESPACE ");
			sql_ident(out, name);
			sbuf_puts(out, " IS ");
			sql_literal(out, V(r, i, 4));
			sbuf_puts(out, ";\n");
		}
	}
	PQclear(r);
	if (!g->no_privileges)
		acl_shared(q, "pg_tablespace", "spcacl", "spcowner", "'t'", "'TABLESPACE'", "quote_ident(x.spcname)",
		    "x.spcname !~ '^pg_'", out);
}

/* Security labels on roles and tablespaces. */
static void
labels_dump(const struct pgq *q, struct sbuf *out)
{
	PGresult *r = pgq_rows(q, "select case l.classoid when 'pg_catalog.pg_authid'::pg_catalog.regclass then 'ROLE'"
	    " else 'TABLESPACE' end, coalesce((select rolname from pg_catalog.pg_roles where oid = l.objoid),"
	    " (select spcname from pg_catalog.pg_tablespace where oid = l.objoid)), l.provider, l.label"
	    " from pg_catalog.pg_shseclabel l where l.classoid in ('pg_catalog.pg_authid'::pg_catalog.regclass,"
	    " 'pg_catalog.pg_tablespace'::pg_catalog.regclass) order by 1, 2, 3", "cannot read the security labels");

	for (int i = 0; i < PQntuples(r); i++) {
		if (NUL(r, i, 1))
			continue;
		sbuf_puts(out, "SECURITY LABEL FOR ");
		sql_ident(out, V(r, i, 2));
		sbuf_printf(out, " ON %s ", V(r, i, 0));
		sql_ident(out, V(r, i, 1));
		sbuf_puts(out, " IS ");
		sql_literal(out, V(r, i, 3));
		sbuf_puts(out, ";\n");
	}
	PQclear(r);
}

void
globals_dump(const struct pgq *q, struct out *o, const struct globopt *g, int server_version)
{
	struct sbuf out = { 0 };

	roles_dump(q, &out, g);
	memberships_dump(q, &out, server_version);
	role_settings_dump(q, &out);
	if (!g->no_tablespaces)
		tablespaces_dump(q, &out, g);
	if (!g->no_security_labels)
		labels_dump(q, &out);
	out_write(o, out.s, out.len);
	sbuf_free(&out);
}
