/* Writing SQL that PostgreSQL and psql read back exactly.
 *
 * Quoting is done here, not by the server, so that a name found in a
 * database can only ever become that name again in a script: identifiers
 * are quoted as PostgreSQL's quote_ident does (left bare only when plain
 * lower-case and not a keyword that needs quoting, by libpq's own keyword
 * table), and literals are standard-conforming strings (scripts set
 * standard_conforming_strings on), so a backslash, a newline or a psql
 * meta-command inside a name or a comment stays inside its quotes. */
#ifndef PGOPS_SQL_H
#define PGOPS_SQL_H

#include "sbuf.h"

/* Appends name as an identifier. */
void sql_ident(struct sbuf *b, const char *name);
/* schema.name, each part quoted as needed. */
void sql_qualified(struct sbuf *b, const char *schema, const char *name);
/* Appends s as a string literal: 'it''s'. */
void sql_literal(struct sbuf *b, const char *s);

/* A pg_dump/psql name pattern ("public.*", "app_?", "\"Mixed\"*") as
 * anchored regular expressions for the server's ~ operator: unquoted
 * letters fold to lower case, * matches any run and ? any one character,
 * double quotes quote (with "" for a quote), an unquoted dot separates the
 * schema from the name. With no dot the whole pattern is the name and
 * schema_re is left empty. Returns 0, or -1 for more than one dot. */
int sql_pattern(const char *pattern, struct sbuf *schema_re, struct sbuf *name_re);

#endif
