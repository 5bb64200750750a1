/* Migration lint: the statements known to hurt a busy database (long
 * ACCESS EXCLUSIVE locks, table rewrites, full scans under lock, changes
 * the running application breaks on), recognised in one statement's text.
 * The statement is reduced to its words (comments dropped, string and
 * dollar-quoted contents dropped, upper case outside quoted identifiers)
 * and matched against the rules; nothing is executed or resolved, so the
 * verdicts are about the statement alone (migrate-apply exempts tables
 * created in the same file). */
#ifndef PGOPS_SQLLINT_H
#define PGOPS_SQLLINT_H

#include <stddef.h>

#define SQLLINT_N 15

struct sqllint_rule {
	const char *name;   /* create-index, drop-index, ... */
	const char *why;
};
extern const struct sqllint_rule sqllint_rules[SQLLINT_N];

/* The rules sql breaks, bit i for sqllint_rules[i]. The table it acts on
 * (ALTER TABLE's, CREATE INDEX's ON, CREATE TABLE's) goes to table, in
 * upper case unless quoted ("" when none); *creates is 1 for CREATE TABLE. */
unsigned sqllint_statement(const char *sql, char *table, size_t cap, int *creates);

#endif
