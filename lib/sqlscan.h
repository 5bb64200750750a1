/* Splitting SQL scripts into statements as psql does, fed bytes as they
 * arrive so that a dump of any size streams through bounded memory.
 *
 * A semicolon ends a statement only outside quotes and comments: '' strings
 * (backslash escapes in E'' strings, and in all strings when
 * standard_conforming_strings is off), "" identifiers, dollar quotes with
 * or without tags, -- comments and nested block comments. Inside
 * parentheses (CREATE RULE ... DO (a; b)) and inside the BEGIN ... END of a
 * CREATE [OR REPLACE] FUNCTION|PROCEDURE with a BEGIN ATOMIC body it does
 * not end the statement either; CASE ... END is counted inside such a body,
 * as psql counts it.
 *
 * Besides statements the scanner reports psql meta-commands (a backslash
 * outside quotes, to the end of its line), which pgops programs never run,
 * and "--" comments that stand outside any statement, which carry the
 * markers of dumps and migration files. COPY ... FROM stdin data is not
 * SQL: the caller reads it from the bytes after the statement itself and
 * adds the lines it consumed to `line`. */
#ifndef PGOPS_SQLSCAN_H
#define PGOPS_SQLSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

/* The longest statement accepted: PostgreSQL's own limit on a query. */
#define SQLSCAN_STMT_MAX ((size_t)1 << 30)
/* Comment and meta-command text beyond this is dropped. */
#define SQLSCAN_TEXT_MAX 4096
#define SQLSCAN_WORDS 8

enum sqlscan_event {
	SQLSCAN_MORE,     /* all bytes consumed, nothing complete yet */
	SQLSCAN_STMT,     /* a statement, its semicolon included, is in `stmt` */
	SQLSCAN_META,     /* a meta-command line (from its backslash) is in `text` */
	SQLSCAN_COMMENT,  /* a "--" comment outside any statement is in `text` */
	SQLSCAN_TOOLONG   /* the statement passed SQLSCAN_STMT_MAX */
};

/* A word (unquoted identifier or keyword) at parenthesis depth 0. */
struct sqlscan_word {
	uint32_t off, len;  /* into stmt */
};

struct sqlscan {
	/* Results, valid until the next sqlscan_feed. */
	struct sbuf stmt;      /* the statement; leading blanks and comments not included */
	char text[SQLSCAN_TEXT_MAX + 1];
	size_t textlen;
	uint64_t line;         /* line of the next byte, from 1 */
	uint64_t item_line;    /* line where the reported item began */
	uint64_t item_off;     /* and its byte offset in the input */
	/* The statement's first words and last words at depth 0 (COPY ...
	 * FROM stdin, CREATE INDEX CONCURRENTLY, BEGIN), and how many there
	 * were in all; words are kept only when 32 bits reach them. */
	struct sqlscan_word first[SQLSCAN_WORDS], last[SQLSCAN_WORDS];
	int nfirst;
	uint64_t nwords;
	int std_strings;       /* standard_conforming_strings: 1 (default) */

	/* Scanner state. */
	int state, pend, depth, paren, begin, routine, eword;
	int started;
	uint64_t stmt_line, text_line, stmt_off, text_off, pos;
	uint64_t word_off;
	int in_word;
	char tag[64];
	size_t taglen, tagmatch;
	int dirty;             /* a result was handed out: clear it first */
};

void sqlscan_init(struct sqlscan *s);
/* Scans p[0..n) up to and including the byte that completes an item and
 * returns it, with *used the bytes consumed; SQLSCAN_MORE when all n were
 * consumed without completing one. */
enum sqlscan_event sqlscan_feed(struct sqlscan *s, const char *p, size_t n, size_t *used);
/* End of input. Returns SQLSCAN_STMT when a statement without its
 * semicolon is left over (in `stmt`), else SQLSCAN_MORE; *open names what
 * was still open at the end ("a quoted string", "a dollar-quoted string",
 * "a comment", "parentheses", "a BEGIN ... END body") or is NULL. */
enum sqlscan_event sqlscan_finish(struct sqlscan *s, const char **open);
void sqlscan_free(struct sqlscan *s);

/* Word i of the statement (negative: counted from the end, -1 the last),
 * compared without regard to case; 0 when absent. */
int sqlscan_word_is(const struct sqlscan *s, int i, const char *w);

#endif
