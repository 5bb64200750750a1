/* The statements that hurt a busy database, recognised in one statement's
 * text: see lib/sqllint.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "sqllint.h"
#include "xmem.h"

const struct sqllint_rule sqllint_rules[SQLLINT_N] = {
	{ "create-index", "CREATE INDEX without CONCURRENTLY blocks writes to the table while it builds" },
	{ "drop-index", "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table" },
	{ "reindex", "REINDEX without CONCURRENTLY blocks writes (and reads using the index)" },
	{ "volatile-default", "ADD COLUMN with a volatile default (or serial, or a stored generated column) "
	    "rewrites the whole table under an ACCESS EXCLUSIVE lock" },
	{ "alter-type", "ALTER COLUMN ... TYPE rewrites the table (and its indexes) under an ACCESS EXCLUSIVE "
	    "lock, unless the types are binary compatible" },
	{ "set-not-null", "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock; add a CHECK "
	    "(col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (PostgreSQL 12+ uses the check)" },
	{ "fk-not-valid", "a FOREIGN KEY without NOT VALID checks every row while it locks both tables; "
	    "add it NOT VALID, then VALIDATE CONSTRAINT in a later migration" },
	{ "check-not-valid", "a CHECK constraint without NOT VALID scans the table under an ACCESS EXCLUSIVE "
	    "lock; add it NOT VALID, then VALIDATE CONSTRAINT" },
	{ "unique-index-lock", "ADD PRIMARY KEY or UNIQUE builds its index under an ACCESS EXCLUSIVE lock; "
	    "CREATE UNIQUE INDEX CONCURRENTLY, then ADD ... USING INDEX" },
	{ "rename-column", "renaming a column breaks the application still running with the old name" },
	{ "rename-table", "renaming a table breaks the application still running with the old name" },
	{ "drop-column", "dropping a column breaks the application still reading it; stop using it first" },
	{ "drop-table", "dropping a table loses its data and breaks the application still using it" },
	{ "truncate", "TRUNCATE loses the table's data and takes an ACCESS EXCLUSIVE lock" },
	{ "vacuum-full", "VACUUM FULL and CLUSTER rewrite the table under an ACCESS EXCLUSIVE lock" },
};

enum { R_CREATE_INDEX, R_DROP_INDEX, R_REINDEX, R_VOLATILE_DEFAULT, R_ALTER_TYPE, R_SET_NOT_NULL, R_FK, R_CHECK,
	R_UNIQUE, R_RENAME_COLUMN, R_RENAME_TABLE, R_DROP_COLUMN, R_DROP_TABLE, R_TRUNCATE, R_VACUUM_FULL };

/* The statement as " WORD WORD ( WORD ) ": comments dropped, strings as
 * '', identifiers and keywords upper-cased (quoted ones kept as written,
 * in their quotes), one space between tokens, so that rules match words
 * with " X Y " whatever the spacing and case. */
static void
words(const char *s, struct sbuf *out)
{
	sbuf_reset(out);
	sbuf_putc(out, ' ');
	while (*s) {
		if (isspace((unsigned char)*s)) {
			s++;
		} else if (s[0] == '-' && s[1] == '-') {
			while (*s && *s != '\n')
				s++;
		} else if (s[0] == '/' && s[1] == '*') {
			int depth = 1;

			for (s += 2; *s && depth; s++)
				if (s[0] == '/' && s[1] == '*')
					depth++, s++;
				else if (s[0] == '*' && s[1] == '/')
					depth--, s++;
		} else if (*s == '\'') {
			for (s++; *s; s++)
				if (*s == '\'' && s[1] == '\'')
					s++;
				else if (*s == '\'')
					break;
			if (*s)
				s++;
			sbuf_puts(out, "'' ");
		} else if (*s == '$' && (s[1] == '$' || isalpha((unsigned char)s[1]) || s[1] == '_')) {
			const char *e = strchr(s + 1, '$'), *end;

			if (!e) {
				s++;
				continue;
			}
			{
				char *tag = xstrndup(s, (size_t)(e - s) + 1);

				end = strstr(e + 1, tag);
				s = end ? end + strlen(tag) : s + strlen(s);
				free(tag);
			}
			sbuf_puts(out, "$$ ");
		} else if (*s == '"') {
			const char *b = s;

			for (s++; *s; s++)
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
			if (*s)
				s++;
			sbuf_printf(out, "%.*s ", (int)(s - b), b);
		} else if (isalnum((unsigned char)*s) || *s == '_') {
			while (isalnum((unsigned char)*s) || *s == '_' || *s == '.')
				sbuf_putc(out, (char)toupper((unsigned char)*s++));
			sbuf_putc(out, ' ');
		} else {
			sbuf_putc(out, *s++);
			sbuf_putc(out, ' ');
		}
	}
}

static int
has(const char *w, const char *phrase)
{
	return strstr(w, phrase) != NULL;
}

/* The table an ALTER TABLE, CREATE INDEX ... ON or similar names: the
 * word after the keyword(s) in after (skipping ONLY and IF EXISTS), into
 * out; "" when there is none. */
static void
target(const char *w, const char *after, char *out, size_t cap)
{
	const char *p = strstr(w, after);
	size_t n;

	out[0] = 0;
	if (!p)
		return;
	p += strlen(after);
	for (;;) {
		if (strncmp(p, "ONLY ", 5) == 0)
			p += 5;
		else if (strncmp(p, "IF EXISTS ", 10) == 0)
			p += 10;
		else if (strncmp(p, "IF NOT EXISTS ", 14) == 0)
			p += 14;
		else
			break;
	}
	n = strcspn(p, " ");
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = 0;
}

/* Functions whose value changes per row: a default calling one is computed
 * for every existing row, so the table is rewritten. */
static int
volatile_default(const char *w)
{
	static const char *const fns[] = { " RANDOM (", " CLOCK_TIMESTAMP (", " TIMEOFDAY (", " GEN_RANDOM_UUID (",
		" UUID_GENERATE_V1 (", " UUID_GENERATE_V4 (", " UUIDV7 (", " UUIDV4 (", " NEXTVAL (", " PUBLIC.GEN_RANDOM_UUID (" };
	const char *d = strstr(w, " DEFAULT ");

	if (has(w, " SERIAL ") || has(w, " BIGSERIAL ") || has(w, " SMALLSERIAL ") ||
	    (has(w, " GENERATED ALWAYS AS (") && has(w, " STORED ")))
		return 1;
	if (!d)
		return 0;
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (strstr(d, fns[i]))
			return 1;
	return 0;
}

/* "ALTER [COLUMN] name [SET DATA] TYPE" among an ALTER TABLE's actions. */
static int
alter_type(const char *w)
{
	for (const char *p = w; (p = strstr(p, " ALTER ")) != NULL; p += 6) {
		const char *q = p + 7;

		if (strncmp(q, "COLUMN ", 7) == 0)
			q += 7;
		q += strcspn(q, " ");
		if (strncmp(q, " TYPE ", 6) == 0 || strncmp(q, " SET DATA TYPE ", 15) == 0)
			return 1;
	}
	return 0;
}

/* The rules statement w (as words() made it) breaks, as bits. */
static unsigned
judge(const char *w)
{
	unsigned r = 0;
	int alter = strncmp(w, " ALTER TABLE ", 13) == 0;

	if ((strncmp(w, " CREATE INDEX ", 14) == 0 || strncmp(w, " CREATE UNIQUE INDEX ", 21) == 0) &&
	    !has(w, " CONCURRENTLY "))
		r |= 1u << R_CREATE_INDEX;
	if (strncmp(w, " DROP INDEX ", 12) == 0 && !has(w, " CONCURRENTLY "))
		r |= 1u << R_DROP_INDEX;
	if (strncmp(w, " REINDEX ", 9) == 0 && !has(w, " CONCURRENTLY ") && !has(w, " ( CONCURRENTLY"))
		r |= 1u << R_REINDEX;
	if ((strncmp(w, " VACUUM ", 8) == 0 && (has(w, " FULL ") || has(w, "( FULL"))) || strncmp(w, " CLUSTER ", 9) == 0)
		r |= 1u << R_VACUUM_FULL;
	if (strncmp(w, " TRUNCATE ", 10) == 0)
		r |= 1u << R_TRUNCATE;
	if (strncmp(w, " DROP TABLE ", 12) == 0)
		r |= 1u << R_DROP_TABLE;
	if (!alter)
		return r;
	if (has(w, " ADD COLUMN ") || (has(w, " ADD ") && !has(w, " ADD CONSTRAINT ") && !has(w, " ADD PRIMARY ") &&
	    !has(w, " ADD UNIQUE ") && !has(w, " ADD FOREIGN ") && !has(w, " ADD CHECK ")))
		if (volatile_default(w))
			r |= 1u << R_VOLATILE_DEFAULT;
	if (alter_type(w + 12))
		r |= 1u << R_ALTER_TYPE;
	if (has(w, " SET NOT NULL "))
		r |= 1u << R_SET_NOT_NULL;
	if ((has(w, " FOREIGN KEY ") || (has(w, " ADD CONSTRAINT ") && has(w, " REFERENCES "))) && !has(w, " NOT VALID "))
		r |= 1u << R_FK;
	if ((has(w, " ADD CHECK ") || (has(w, " ADD CONSTRAINT ") && has(w, " CHECK ("))) && !has(w, " NOT VALID "))
		r |= 1u << R_CHECK;
	if ((has(w, " PRIMARY KEY ") || has(w, " UNIQUE ")) && (has(w, " ADD PRIMARY ") || has(w, " ADD UNIQUE ") ||
	    has(w, " ADD CONSTRAINT ")) && !has(w, " USING INDEX "))
		r |= 1u << R_UNIQUE;
	if (has(w, " RENAME COLUMN ") || (has(w, " RENAME ") && !has(w, " RENAME TO ") && !has(w, " RENAME CONSTRAINT ")))
		r |= 1u << R_RENAME_COLUMN;
	else if (has(w, " RENAME TO "))
		r |= 1u << R_RENAME_TABLE;
	if (has(w, " DROP COLUMN ") || (has(w, " DROP ") && !has(w, " DROP CONSTRAINT ") && !has(w, " DROP DEFAULT ") &&
	    !has(w, " DROP NOT NULL ") && !has(w, " DROP IDENTITY ") && !has(w, " DROP EXPRESSION ")))
		r |= 1u << R_DROP_COLUMN;
	return r;
}

unsigned
sqllint_statement(const char *sql, char *table, size_t cap, int *creates)
{
	struct sbuf w = { 0 };
	unsigned bad = 0;

	words(sql, &w);
	*creates = 0;
	table[0] = 0;
	if (strncmp(w.s, " CREATE TABLE ", 14) == 0) {
		target(w.s, " CREATE TABLE ", table, cap);
		*creates = 1;
	} else if ((bad = judge(w.s)) != 0) {
		if (strncmp(w.s, " ALTER TABLE ", 13) == 0)
			target(w.s, " ALTER TABLE ", table, cap);
		else if (has(w.s, " INDEX ") && has(w.s, " ON "))
			target(w.s, " ON ", table, cap);
	}
	sbuf_free(&w);
	return bad;
}
