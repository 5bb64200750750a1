/* lib/sqlscan: statements split where psql splits them, whatever the
 * chunking of the input, with line numbers, comments outside statements,
 * meta-commands, and what was left open at the end. */
#include <stdio.h>
#include <string.h>

#include "sbuf.h"
#include "sqlscan.h"
#include "tap.h"

/* Every event as "S3:text" (statement at line 3), "C", "M", and at the
 * end "E:text" for a statement without semicolon and "O:what" for what was
 * left open, separated by '|'. Input fed in pieces of `chunk` bytes. */
static const char *
scan(const char *in, size_t chunk, int std_strings)
{
	static struct sbuf out;
	struct sqlscan s;
	size_t n = strlen(in), used;
	const char *open;
	enum sqlscan_event ev;

	sbuf_reset(&out);
	sqlscan_init(&s);
	s.std_strings = std_strings;
	for (size_t off = 0; off < n;) {
		size_t len = n - off < chunk ? n - off : chunk;

		ev = sqlscan_feed(&s, in + off, len, &used);
		off += used;
		if (ev == SQLSCAN_STMT)
			sbuf_printf(&out, "S%llu:%s|", (unsigned long long)s.item_line, s.stmt.s);
		else if (ev == SQLSCAN_COMMENT)
			sbuf_printf(&out, "C%llu:%s|", (unsigned long long)s.item_line, s.text);
		else if (ev == SQLSCAN_META)
			sbuf_printf(&out, "M%llu:%s|", (unsigned long long)s.item_line, s.text);
	}
	while ((ev = sqlscan_finish(&s, &open)) != SQLSCAN_MORE) {
		if (ev == SQLSCAN_STMT) {
			sbuf_printf(&out, "E%llu:%s|", (unsigned long long)s.item_line, s.stmt.s);
			break;
		}
		sbuf_printf(&out, "%c%llu:%s|", ev == SQLSCAN_META ? 'M' : 'C', (unsigned long long)s.item_line, s.text);
	}
	if (open)
		sbuf_printf(&out, "O:%s|", open);
	sqlscan_free(&s);
	return sbuf_str(&out);
}

static void
split(const char *in, const char *want, const char *name)
{
	static const size_t chunks[] = { 1, 2, 3, 7 };
	int same = 1;

	tap_is_str(scan(in, 4096, 1), want, name);
	for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++)
		if (strcmp(scan(in, chunks[i], 1), want) != 0) {
			same = 0;
			printf("# in pieces of %zu: %s\n", chunks[i], scan(in, chunks[i], 1));
		}
	tap_ok(same, "%s, in pieces of 1, 2, 3 and 7 bytes", name);
}

static void
words(void)
{
	struct sqlscan s;
	const char *sql = "COPY public.\"T\" (a, \"from\") FROM stdin;";
	size_t used;
	uint64_t base;

	sqlscan_init(&s);
	tap_is_int(sqlscan_feed(&s, sql, strlen(sql), &used), SQLSCAN_STMT, "COPY statement scanned");
	tap_ok(sqlscan_word_is(&s, 0, "copy") && sqlscan_word_is(&s, 1, "public"), "first words, any case");
	tap_ok(sqlscan_word_is(&s, -1, "STDIN") && sqlscan_word_is(&s, -2, "from"),
	    "last words at depth 0: FROM stdin (quoted and parenthesised names are not words)");
	tap_ok(!sqlscan_word_is(&s, -6, "copy") && !sqlscan_word_is(&s, 9, "x"), "absent words are absent");
	sql = "\n  create index concurrently i on t (x);";
	tap_is_int(sqlscan_feed(&s, sql, strlen(sql), &used), SQLSCAN_STMT, "next statement");
	tap_ok(sqlscan_word_is(&s, 2, "CONCURRENTLY") && s.nwords == 6 && s.item_line == 2,
	    "words are the new statement's, and its line");
	base = s.pos;
	sql = "select 1; /* c */ -x;";
	sqlscan_feed(&s, sql, strlen(sql), &used);
	tap_is_int((long long)s.item_off, (long long)base, "the offset of a statement in the whole input");
	sqlscan_feed(&s, sql + 9, strlen(sql) - 9, &used);
	tap_is_int((long long)s.item_off, (long long)base + 18, "and of one that starts with a held-back minus");
	sqlscan_free(&s);
}

int
main(void)
{
	tap_plan(57);
	split("select 1; select 2;", "S1:select 1;|S1:select 2;|", "two statements on a line");
	split("  \n\n select\n 1;\n", "S3:select\n 1;|", "leading blank lines are not the statement; its line is");
	split("select 'a;b', \"c;\"\"d\", 'it''s;';", "S1:select 'a;b', \"c;\"\"d\", 'it''s;';|",
	    "semicolons in strings and quoted identifiers");
	split("select E'\\';', 'x\\';", "S1:select E'\\';', 'x\\';|",
	    "backslash escapes a quote only in E'' strings");
	split("select e'\\\\';select 1;", "S1:select e'\\\\';|S1:select 1;|", "an escaped backslash ends nothing");
	split("do $$ begin; end $$; do $f$ $$; $f$; select $1, a$b$c;",
	    "S1:do $$ begin; end $$;|S1:do $f$ $$; $f$;|S1:select $1, a$b$c;|",
	    "dollar quotes with and without tags; $1 and a$b are not quotes");
	split("select $a$ $a $ab$ $A$ $a$;", "S1:select $a$ $a $ab$ $A$ $a$;|", "only the same tag closes");
	split("/* a; /* nested; */ still; */ select 1; -- x; y\nselect 2 -- z;\n;",
	    "S1:select 1;|C1:-- x; y|S2:select 2 -- z;\n;|",
	    "nested block comments; -- comments outside statements are reported, inside kept");
	split("-- head\n--\n\nselect 1;\n-- pgdump-stream: rows 3\n",
	    "C1:-- head|C2:--|S4:select 1;|C5:-- pgdump-stream: rows 3|", "full-line comments with their lines");
	split("select 1 - -1, 2/3, a--b\n;", "S1:select 1 - -1, 2/3, a--b\n;|", "minus and slash are operators");
	split("create rule r as on insert to t do also (insert into a values (1); insert into b values (2));",
	    "S1:create rule r as on insert to t do also (insert into a values (1); insert into b values (2));|",
	    "semicolons inside parentheses");
	split("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END; select 3;",
	    "S1:CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;|S1:select 3;|",
	    "BEGIN ATOMIC bodies, CASE ... END inside");
	split("create or replace procedure p() begin atomic insert into t values (1); end;",
	    "S1:create or replace procedure p() begin atomic insert into t values (1); end;|",
	    "CREATE OR REPLACE PROCEDURE too");
	split("begin; create table t (a int); commit;", "S1:begin;|S1:create table t (a int);|S1:commit;|",
	    "BEGIN outside a routine is a statement of its own");
	split("select 1;\n\\connect other\nselect 2 \\gset\n;\n\\.\n",
	    "S1:select 1;|M2:\\connect other|M3:\\gset|S3:select 2 ;|M5:\\.|", "meta-commands to the end of the line");
	split("select '\\connect x';", "S1:select '\\connect x';|", "a backslash in a string is not a meta-command");
	split("select 1;\nselect 'abc", "S1:select 1;|E2:select 'abc|O:a quoted string|", "a dump cut inside a string");
	split("select $x$ abc", "E1:select $x$ abc|O:a dollar-quoted string|", "cut inside a dollar quote");
	split("select 1 /* abc", "E1:select 1 /* abc|O:a comment|", "cut inside a comment");
	split("select (1", "E1:select (1|O:parentheses|", "cut inside parentheses");
	split("create function f() begin atomic select 1;", "E1:create function f() begin atomic select 1;|O:a BEGIN ... END body|",
	    "cut inside a routine body");
	split("select 1\n", "E1:select 1\n|", "a last statement without semicolon is left over, nothing open");
	split("select 1; -- end", "S1:select 1;|C1:-- end|", "a last comment without newline");
	split("select U&'a\\' || 1;", "S1:select U&'a\\' || 1;|", "U&'' strings take no backslash escapes");
	words();
	tap_is_str(scan("select 'a\\';' ;", 4096, 0), "S1:select 'a\\';' ;|",
	    "with standard_conforming_strings off, backslash escapes in every string");
	return tap_done();
}
