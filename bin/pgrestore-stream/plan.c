/* What a statement of the dump touches, so that -j can run the post-data
 * statements that only build on tables (index builds, constraints, foreign
 * keys) on several sessions at once, in the order their tables allow, and
 * everything it does not understand in the dump's order on one session.
 * The statement is read with a small lexer of its own: names may be quoted
 * and schema-qualified, and comments may stand anywhere. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "pgrestore.h"

enum tok { T_END, T_WORD, T_QIDENT, T_STRING, T_PUNCT };

struct lex {
	const char *p;
	enum tok t;
	char v[PLAN_NAME_MAX];  /* the word lowercased, the identifier or string unquoted */
	int trunc;              /* v was cut: the name is not used */
};

static void
lex_blank(struct lex *l)
{
	for (;;) {
		while (*l->p && isspace((unsigned char)*l->p))
			l->p++;
		if (l->p[0] == '-' && l->p[1] == '-') {
			while (*l->p && *l->p != '\n')
				l->p++;
		} else if (l->p[0] == '/' && l->p[1] == '*') {
			int depth = 0;

			/* Block comments nest in PostgreSQL. */
			while (*l->p) {
				if (l->p[0] == '/' && l->p[1] == '*')
					depth++, l->p += 2;
				else if (l->p[0] == '*' && l->p[1] == '/' && --depth == 0) {
					l->p += 2;
					break;
				} else
					l->p++;
			}
		} else {
			return;
		}
	}
}

/* A quoted run ending in q, doubled q standing for itself. */
static void
lex_quoted(struct lex *l, char q)
{
	size_t n = 0;

	for (l->p++; *l->p; l->p++) {
		if (*l->p == q) {
			if (l->p[1] != q) {
				l->p++;
				break;
			}
			l->p++;
		}
		if (n + 1 < sizeof l->v)
			l->v[n++] = *l->p;
		else
			l->trunc = 1;
	}
	l->v[n] = 0;
}

static enum tok
lex_next(struct lex *l)
{
	size_t n = 0;
	unsigned char c;

	lex_blank(l);
	l->trunc = 0;
	l->v[0] = 0;
	c = (unsigned char)*l->p;
	if (!c)
		return l->t = T_END;
	if (c == '"') {
		lex_quoted(l, '"');
		return l->t = T_QIDENT;
	}
	if (c == '\'') {
		lex_quoted(l, '\'');
		return l->t = T_STRING;
	}
	if (isalpha(c) || c == '_' || c >= 0x80) {
		for (; isalnum((unsigned char)*l->p) || *l->p == '_' || *l->p == '$' || (unsigned char)*l->p >= 0x80; l->p++) {
			if (n + 1 < sizeof l->v)
				l->v[n++] = (char)tolower((unsigned char)*l->p);
			else
				l->trunc = 1;
		}
		l->v[n] = 0;
		return l->t = T_WORD;
	}
	l->v[0] = (char)c;
	l->v[1] = 0;
	l->p++;
	return l->t = T_PUNCT;
}

static int
is_word(const struct lex *l, const char *w)
{
	return l->t == T_WORD && strcmp(l->v, w) == 0;
}

/* Takes the next token when it is the word w. */
static int
accept(struct lex *l, const char *w)
{
	struct lex save = *l;

	if (lex_next(l) == T_WORD && strcmp(l->v, w) == 0)
		return 1;
	*l = save;
	return 0;
}

/* A (qualified) name from the current token on, into key: its parts as
 * the server would fold them, joined by a byte no name holds. 0 when the
 * token starts no name or a part was too long to compare. */
static int
lex_name(struct lex *l, char *key, size_t cap)
{
	size_t n = 0;

	for (;;) {
		size_t len = strlen(l->v);

		if ((l->t != T_WORD && l->t != T_QIDENT) || l->trunc || n + len + 2 > cap)
			return 0;
		if (n)
			key[n++] = '\x1f';
		memcpy(key + n, l->v, len);
		n += len;
		key[n] = 0;
		{
			struct lex save = *l;

			if (lex_next(l) != T_PUNCT || l->v[0] != '.') {
				*l = save;
				return 1;
			}
		}
		lex_next(l);
	}
}

/* Skips to the end of the parenthesised list the current token opens. */
static void
lex_skip_parens(struct lex *l)
{
	int depth = 1;

	while (depth > 0 && lex_next(l) != T_END)
		if (l->t == T_PUNCT)
			depth += l->v[0] == '(' ? 1 : l->v[0] == ')' ? -1 : 0;
}

/* The rest of the statement holds no comma outside parentheses (a second
 * ALTER TABLE subcommand), so that it does only what was read. It also
 * notes, for a foreign key (pgrestore.h), where NOT VALID would go (after
 * its last token) and whether it may be split (no word VALID or ENFORCED). */
static int
lex_single(struct lex *l, const char *stmt, struct plan *pl)
{
	int split = 1;

	pl->valid_at = (size_t)(l->p - stmt);
	while (lex_next(l) != T_END) {
		if (l->t == T_PUNCT && l->v[0] == '(')
			lex_skip_parens(l);
		else if (l->t == T_PUNCT && l->v[0] == ',')
			return 0;
		else if (is_word(l, "valid") || is_word(l, "enforced"))
			split = 0;
		if (l->t != T_PUNCT || l->v[0] != ';')
			pl->valid_at = (size_t)(l->p - stmt);
	}
	pl->split = split;
	return 1;
}

/* CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY] table */
static void
plan_index(struct lex *l, struct plan *pl)
{
	accept(l, "unique");
	if (!accept(l, "index"))
		return;
	accept(l, "concurrently");
	if (accept(l, "if") && !(accept(l, "not") && accept(l, "exists")))
		return;
	lex_next(l);
	if (!is_word(l, "on"))
		lex_next(l);
	if (!is_word(l, "on"))
		return;
	accept(l, "only");
	lex_next(l);
	if (lex_name(l, pl->key[0], sizeof pl->key[0])) {
		pl->nkeys = 1;
		pl->cls = PLAN_INDEX;
	}
}

/* ALTER TABLE [IF EXISTS] ONLY table ADD CONSTRAINT name
 * {PRIMARY KEY | UNIQUE | CHECK | EXCLUDE | FOREIGN KEY (...) REFERENCES t} */
static void
plan_constraint(struct lex *l, const char *stmt, struct plan *pl)
{
	int fk = 0;

	if (!accept(l, "table"))
		return;
	if (accept(l, "if") && !accept(l, "exists"))
		return;
	/* Without ONLY the constraint also goes to the table's inheritance
	 * children and partitions, which the statement does not name and
	 * whose rows may still be loading on other sessions (a NOT VALID
	 * CHECK on a parent would refuse the child's rows): a barrier. */
	if (!accept(l, "only"))
		return;
	lex_next(l);
	if (!lex_name(l, pl->key[0], sizeof pl->key[0]))
		return;
	pl->table_end = (size_t)(l->p - stmt);
	if (!accept(l, "add") || !accept(l, "constraint"))
		return;
	lex_blank(l);
	pl->name_at = (size_t)(l->p - stmt);
	lex_next(l);
	if (l->t != T_WORD && l->t != T_QIDENT)
		return;
	pl->name_end = (size_t)(l->p - stmt);
	lex_next(l);
	if (is_word(l, "foreign")) {
		if (!accept(l, "key") || lex_next(l) != T_PUNCT || l->v[0] != '(')
			return;
		lex_skip_parens(l);
		if (!accept(l, "references"))
			return;
		lex_next(l);
		if (!lex_name(l, pl->key[1], sizeof pl->key[1]))
			return;
		fk = 1;
	} else if (!is_word(l, "primary") && !is_word(l, "unique") && !is_word(l, "check") && !is_word(l, "exclude")) {
		return;
	}
	if (!lex_single(l, stmt, pl))
		return;
	pl->nkeys = fk && strcmp(pl->key[0], pl->key[1]) != 0 ? 2 : 1;
	pl->split = pl->split && pl->nkeys == 2;
	pl->cls = fk ? PLAN_FK : PLAN_ONE;
}

/* SET [SESSION] name ..., RESET name: a session setting, which every
 * session of the restore must share. SET LOCAL, SET TRANSACTION and SET
 * CONSTRAINTS last only for a transaction: not settings. */
static void
plan_set(struct lex *l, struct plan *pl)
{
	lex_next(l);
	if (is_word(l, "local") || is_word(l, "transaction") || is_word(l, "constraints"))
		return;
	if (is_word(l, "session")) {
		/* SET SESSION name: SET name; [RE]SET SESSION AUTHORIZATION */
		lex_next(l);
		if (is_word(l, "authorization")) {
			snprintf(pl->param, sizeof pl->param, "session authorization");
			pl->cls = PLAN_SETTING;
			return;
		}
	}
	if (is_word(l, "time") && accept(l, "zone")) {
		snprintf(pl->param, sizeof pl->param, "timezone");
		pl->cls = PLAN_SETTING;
		return;
	}
	if ((l->t != T_WORD && l->t != T_QIDENT) || l->trunc || strlen(l->v) >= sizeof pl->param)
		return;
	memcpy(pl->param, l->v, strlen(l->v) + 1);
	{
		/* a qualified (custom) parameter: its whole name */
		struct lex save = *l;

		if (lex_next(l) == T_PUNCT && l->v[0] == '.' && lex_next(l) == T_WORD &&
		    strlen(pl->param) + strlen(l->v) + 2 <= sizeof pl->param) {
			strcat(pl->param, ".");
			strcat(pl->param, l->v);
		} else {
			*l = save;
		}
	}
	pl->cls = PLAN_SETTING;
}

/* SELECT [pg_catalog.]set_config('name', value, false) is a setting;
 * SELECT [pg_catalog.]setval(...) touches no table's rows. */
static void
plan_select(struct lex *l, struct plan *pl)
{
	char name[PLAN_NAME_MAX];

	lex_next(l);
	if (!lex_name(l, name, sizeof name))
		return;
	if (strcmp(name, "setval") == 0 || strcmp(name, "pg_catalog\x1fsetval") == 0) {
		if (lex_next(l) == T_PUNCT && l->v[0] == '(') {
			lex_skip_parens(l);
			if (lex_next(l) == T_END || (l->t == T_PUNCT && l->v[0] == ';'))
				pl->cls = PLAN_FREE;
		}
		return;
	}
	if (strcmp(name, "set_config") != 0 && strcmp(name, "pg_catalog\x1fset_config") != 0)
		return;
	if (lex_next(l) != T_PUNCT || l->v[0] != '(' || lex_next(l) != T_STRING || l->trunc ||
	    strlen(l->v) >= sizeof pl->param)
		return;
	memcpy(pl->param, l->v, strlen(l->v) + 1); /* its length checked */
	if (lex_next(l) != T_PUNCT || l->v[0] != ',' || lex_next(l) != T_STRING || lex_next(l) != T_PUNCT ||
	    l->v[0] != ',' || !accept(l, "false") || lex_next(l) != T_PUNCT || l->v[0] != ')')
		return;
	pl->cls = PLAN_SETTING;
}

void
plan_classify(const char *stmt, struct plan *pl)
{
	struct lex l = { .p = stmt };

	memset(pl, 0, sizeof *pl);
	pl->cls = PLAN_BARRIER;
	lex_next(&l);
	if (is_word(&l, "create"))
		plan_index(&l, pl);
	else if (is_word(&l, "alter"))
		plan_constraint(&l, stmt, pl);
	else if (is_word(&l, "set"))
		plan_set(&l, pl);
	else if (is_word(&l, "reset"))
		plan_set(&l, pl);
	else if (is_word(&l, "select"))
		plan_select(&l, pl);
	if (pl->cls == PLAN_BARRIER)
		pl->nkeys = 0;
	if (pl->cls != PLAN_FK)
		pl->split = 0;
}

void
plan_copy(const char *stmt, struct plan *pl)
{
	struct lex l = { .p = stmt };

	memset(pl, 0, sizeof *pl);
	pl->cls = PLAN_COPY;
	pl->nkeys = 1;
	lex_next(&l);
	lex_next(&l);
	/* A name too long to compare: every such block shares one key,
	 * which only makes it wait for more. */
	if (!lex_name(&l, pl->key[0], sizeof pl->key[0]))
		snprintf(pl->key[0], sizeof pl->key[0], "?");
}
