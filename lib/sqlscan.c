/* A byte-at-a-time state machine rather than a tokenizer over a buffer:
 * dumps arrive in pieces from pipes and inflaters, and a statement or a
 * string may be cut anywhere between two reads. */
#include <string.h>
#include <strings.h>

#include "sqlscan.h"

enum {
	S_NORMAL,
	S_STR,        /* '...'; eword says whether backslash escapes */
	S_STR_ESC,    /* after a backslash in such a string */
	S_STR_CLOSE,  /* after a quote: '' continues the string */
	S_IDENT,      /* "..." */
	S_IDENT_CLOSE,
	S_DOLLAR_TAG, /* after a $ that may open a dollar quote */
	S_DOLLAR,     /* inside $tag$ ... $tag$ */
	S_LINE_COMMENT,
	S_BLOCK_COMMENT,
	S_META
};

void
sqlscan_init(struct sqlscan *s)
{
	memset(s, 0, sizeof *s);
	s->line = 1;
	s->std_strings = 1;
}

void
sqlscan_free(struct sqlscan *s)
{
	sbuf_free(&s->stmt);
}

static int
ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int
ident_cont(unsigned char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static void
stmt_clear(struct sqlscan *s)
{
	sbuf_reset(&s->stmt);
	s->started = s->paren = s->begin = s->routine = 0;
	s->nfirst = 0;
	s->nwords = 0;
}

static void
text_add(struct sqlscan *s, char c)
{
	if (s->textlen < SQLSCAN_TEXT_MAX)
		s->text[s->textlen++] = c;
	s->text[s->textlen] = 0;
}

static void
text_start(struct sqlscan *s)
{
	s->textlen = 0;
	s->text[0] = 0;
	s->text_line = s->line;
	s->text_off = s->pos;
}

/* A byte that belongs to the statement: the first one starts it. */
static void
stmt_add(struct sqlscan *s, char c)
{
	if (!s->started) {
		s->started = 1;
		s->stmt_line = s->line;
		s->stmt_off = s->pos;
	}
	sbuf_putc(&s->stmt, c);
}

static int
word_eq(const struct sqlscan *s, const struct sqlscan_word *w, const char *x)
{
	return strlen(x) == w->len && strncasecmp(s->stmt.s + w->off, x, w->len) == 0;
}

/* A word ended: remember it, and follow BEGIN ... END in routine bodies
 * the way psql does (only in CREATE [OR REPLACE] FUNCTION|PROCEDURE, only
 * at depth 0, CASE counted only inside a BEGIN). */
static void
word_end(struct sqlscan *s, int record)
{
	struct sqlscan_word w;

	s->in_word = 0;
	if (!record || s->paren != 0 || s->word_off > UINT32_MAX)
		return;
	w.off = (uint32_t)s->word_off;
	w.len = (uint32_t)(s->stmt.len - s->word_off);
	if (s->nfirst < SQLSCAN_WORDS)
		s->first[s->nfirst++] = w;
	s->last[s->nwords % SQLSCAN_WORDS] = w;
	s->nwords++;
	if (s->nfirst <= 4 && s->nwords == (uint64_t)s->nfirst) {
		const struct sqlscan_word *f = s->first;
		int n = s->nfirst;

		s->routine = n >= 2 && word_eq(s, &f[0], "create") &&
		    (word_eq(s, &f[1], "function") || word_eq(s, &f[1], "procedure") ||
		    (n >= 4 && word_eq(s, &f[1], "or") && word_eq(s, &f[2], "replace") &&
		    (word_eq(s, &f[3], "function") || word_eq(s, &f[3], "procedure"))));
	}
	if (!s->routine)
		return;
	if (word_eq(s, &w, "begin"))
		s->begin++;
	else if (word_eq(s, &w, "case") && s->begin > 0)
		s->begin++;
	else if (word_eq(s, &w, "end") && s->begin > 0)
		s->begin--;
}

static enum sqlscan_event
normal(struct sqlscan *s, unsigned char c)
{
	/* A - or / held back to see whether a comment starts. */
	if (s->pend) {
		int p = s->pend;

		s->pend = 0;
		if (p == '-' && c == '-') {
			s->state = S_LINE_COMMENT;
			if (s->started) {
				sbuf_puts(&s->stmt, "--");
			} else {
				text_start(s);
				s->text_off = s->pos - 1;
				text_add(s, '-');
				text_add(s, '-');
			}
			return SQLSCAN_MORE;
		}
		if (p == '/' && c == '*') {
			s->state = S_BLOCK_COMMENT;
			s->depth = 1;
			if (s->started)
				sbuf_puts(&s->stmt, "/*");
			return SQLSCAN_MORE;
		}
		if (!s->started) {
			/* The statement began at the held byte. */
			s->started = 1;
			s->stmt_line = s->line;
			s->stmt_off = s->pos - 1;
		}
		stmt_add(s, (char)p);
	}
	if (s->in_word == 1 && ident_cont(c)) {
		stmt_add(s, (char)c);
		return SQLSCAN_MORE;
	}
	if (s->in_word == 2 && (ident_cont(c) && c != '$')) {
		stmt_add(s, (char)c);
		return SQLSCAN_MORE;
	}
	if (s->in_word) {
		/* A one-letter word right before a quote is a prefix (E'', B'',
		 * X'', N''), not a word; E'' strings take backslash escapes. */
		int prefix = s->in_word == 1 && c == '\'' && s->stmt.len - s->word_off == 1 &&
		    strchr("eEbBxXnN", s->stmt.s[s->word_off]);

		s->eword = prefix && (s->stmt.s[s->word_off] | 0x20) == 'e';
		word_end(s, s->in_word == 1 && !prefix);
	} else {
		s->eword = 0;
	}
	switch (c) {
	case '-':
	case '/':
		s->pend = c;
		return SQLSCAN_MORE;
	case '\'':
		stmt_add(s, (char)c);
		s->eword = s->eword || !s->std_strings;
		s->state = S_STR;
		return SQLSCAN_MORE;
	case '"':
		stmt_add(s, (char)c);
		s->state = S_IDENT;
		return SQLSCAN_MORE;
	case '$':
		stmt_add(s, (char)c);
		s->taglen = 0;
		s->state = S_DOLLAR_TAG;
		return SQLSCAN_MORE;
	case '\\':
		text_start(s);
		text_add(s, '\\');
		s->state = S_META;
		return SQLSCAN_MORE;
	case '(':
		s->paren++;
		break;
	case ')':
		if (s->paren > 0)
			s->paren--;
		break;
	case ';':
		if (s->paren == 0 && s->begin == 0) {
			stmt_add(s, ';');
			return SQLSCAN_STMT;
		}
		break;
	case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
		if (!s->started)
			return SQLSCAN_MORE;
		break;
	default:
		if (ident_start(c)) {
			s->in_word = 1;
			s->word_off = s->stmt.len;
		} else if (c >= '0' && c <= '9') {
			s->in_word = 2;
		}
	}
	stmt_add(s, (char)c);
	return SQLSCAN_MORE;
}

static enum sqlscan_event
step(struct sqlscan *s, unsigned char c)
{
	switch (s->state) {
	case S_NORMAL:
		return normal(s, c);
	case S_STR:
		stmt_add(s, (char)c);
		if (c == '\'')
			s->state = S_STR_CLOSE;
		else if (c == '\\' && s->eword)
			s->state = S_STR_ESC;
		return SQLSCAN_MORE;
	case S_STR_ESC:
		stmt_add(s, (char)c);
		s->state = S_STR;
		return SQLSCAN_MORE;
	case S_STR_CLOSE:
		if (c == '\'') {
			stmt_add(s, (char)c);
			s->state = S_STR;
			return SQLSCAN_MORE;
		}
		s->state = S_NORMAL;
		s->eword = 0;
		return normal(s, c);
	case S_IDENT:
		stmt_add(s, (char)c);
		if (c == '"')
			s->state = S_IDENT_CLOSE;
		return SQLSCAN_MORE;
	case S_IDENT_CLOSE:
		if (c == '"') {
			stmt_add(s, (char)c);
			s->state = S_IDENT;
			return SQLSCAN_MORE;
		}
		s->state = S_NORMAL;
		return normal(s, c);
	case S_DOLLAR_TAG:
		if (c == '$') {
			stmt_add(s, (char)c);
			s->tagmatch = 0;
			s->state = S_DOLLAR;
			return SQLSCAN_MORE;
		}
		if ((ident_start(c) || (s->taglen > 0 && c >= '0' && c <= '9')) && s->taglen < sizeof s->tag) {
			stmt_add(s, (char)c);
			s->tag[s->taglen++] = (char)c;
			return SQLSCAN_MORE;
		}
		/* $1, or a $ in an operator: no quote after all. The tag
		 * characters seen so far read as an ordinary word. */
		s->state = S_NORMAL;
		return normal(s, c);
	case S_DOLLAR:
		stmt_add(s, (char)c);
		if (c == '$' && s->tagmatch == s->taglen + 1)
			s->state = S_NORMAL;
		else if (s->tagmatch > 0 && s->tagmatch <= s->taglen && c == (unsigned char)s->tag[s->tagmatch - 1])
			s->tagmatch++;
		else
			s->tagmatch = c == '$';
		return SQLSCAN_MORE;
	case S_LINE_COMMENT:
		if (c == '\n') {
			s->state = S_NORMAL;
			if (!s->started)
				return SQLSCAN_COMMENT;
		}
		if (s->started)
			stmt_add(s, (char)c);
		else
			text_add(s, (char)c);
		return SQLSCAN_MORE;
	case S_BLOCK_COMMENT:
		if (s->started)
			stmt_add(s, (char)c);
		if (c == '*' && s->pend == '/') {
			s->depth++;
			s->pend = 0;
		} else if (c == '/' && s->pend == '*') {
			s->pend = 0;
			if (--s->depth == 0)
				s->state = S_NORMAL;
		} else {
			s->pend = c == '/' || c == '*' ? c : 0;
		}
		return SQLSCAN_MORE;
	case S_META:
		if (c == '\n') {
			s->state = S_NORMAL;
			return SQLSCAN_META;
		}
		text_add(s, (char)c);
		return SQLSCAN_MORE;
	}
	return SQLSCAN_MORE;
}

/* The previous result is dropped only now, so that it stays readable
 * between calls. */
static void
clear_result(struct sqlscan *s)
{
	if (s->dirty == SQLSCAN_STMT)
		stmt_clear(s);
	if (s->dirty)
		text_start(s);
	s->dirty = 0;
}

enum sqlscan_event
sqlscan_feed(struct sqlscan *s, const char *p, size_t n, size_t *used)
{
	clear_result(s);
	for (size_t i = 0; i < n; i++) {
		enum sqlscan_event ev = step(s, (unsigned char)p[i]);

		if (p[i] == '\n')
			s->line++;
		s->pos++;
		if (s->stmt.len > SQLSCAN_STMT_MAX)
			ev = SQLSCAN_TOOLONG;
		if (ev != SQLSCAN_MORE) {
			*used = i + 1;
			s->dirty = ev;
			s->item_line = ev == SQLSCAN_STMT || ev == SQLSCAN_TOOLONG ? s->stmt_line : s->text_line;
			s->item_off = ev == SQLSCAN_STMT || ev == SQLSCAN_TOOLONG ? s->stmt_off : s->text_off;
			return ev;
		}
	}
	*used = n;
	return SQLSCAN_MORE;
}

enum sqlscan_event
sqlscan_finish(struct sqlscan *s, const char **open)
{
	static const char *what[S_META + 1] = {
		[S_STR] = "a quoted string", [S_STR_ESC] = "a quoted string",
		[S_IDENT] = "a quoted identifier", [S_DOLLAR] = "a dollar-quoted string",
		[S_BLOCK_COMMENT] = "a comment",
	};

	clear_result(s);
	*open = what[s->state];
	if (s->state == S_LINE_COMMENT || s->state == S_META) {
		/* A last line without its newline. */
		enum sqlscan_event ev = s->state == S_META ? SQLSCAN_META : s->started ? SQLSCAN_MORE : SQLSCAN_COMMENT;

		s->state = S_NORMAL;
		if (ev != SQLSCAN_MORE) {
			s->dirty = ev;
			s->item_line = s->text_line;
			s->item_off = s->text_off;
			return ev;
		}
	}
	if (s->state == S_NORMAL && s->pend) {
		stmt_add(s, (char)s->pend);
		s->pend = 0;
	}
	if (s->in_word)
		word_end(s, s->in_word == 1);
	if (!*open && s->paren > 0)
		*open = "parentheses";
	if (!*open && s->begin > 0)
		*open = "a BEGIN ... END body";
	if (!s->started)
		return SQLSCAN_MORE;
	s->dirty = SQLSCAN_STMT;
	s->item_line = s->stmt_line;
	s->item_off = s->stmt_off;
	return SQLSCAN_STMT;
}

int
sqlscan_word_is(const struct sqlscan *s, int i, const char *w)
{
	if (i >= 0)
		return i < s->nfirst && word_eq(s, &s->first[i], w);
	uint64_t back = (uint64_t)(-(int64_t)i);

	if (back > s->nwords || back > SQLSCAN_WORDS)
		return 0;
	return word_eq(s, &s->last[(s->nwords - back) % SQLSCAN_WORDS], w);
}
