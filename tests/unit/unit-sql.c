/* lib/sql and lib/sbuf: identifiers quoted exactly when PostgreSQL's
 * quote_ident quotes them (keywords by libpq's table), literals, and
 * pg_dump's name patterns as regular expressions. */
#include <stdlib.h>

#include "sbuf.h"
#include "sql.h"
#include "tap.h"

static const char *
ident(const char *name)
{
	static struct sbuf b;

	sbuf_reset(&b);
	sql_ident(&b, name);
	return sbuf_str(&b);
}

static void
pattern(const char *pat, const char *want_schema, const char *want_name)
{
	struct sbuf s = { 0 }, n = { 0 };

	tap_ok(sql_pattern(pat, &s, &n) == 0, "pattern %s parses", pat);
	tap_is_str(sbuf_str(&s), want_schema, pat);
	tap_is_str(sbuf_str(&n), want_name, pat);
	sbuf_free(&s);
	sbuf_free(&n);
}

int
main(void)
{
	struct sbuf b = { 0 }, s = { 0 }, n = { 0 };

	tap_plan(44);
	tap_is_str(ident("users"), "users", "a plain lower-case name stays bare");
	tap_is_str(ident("_x1$"), "\"_x1$\"", "a dollar sign is quoted, as quote_ident does");
	tap_is_str(ident("user_1"), "user_1", "digits and underscores stay bare");
	tap_is_str(ident("Users"), "\"Users\"", "upper case is quoted");
	tap_is_str(ident("1x"), "\"1x\"", "a leading digit is quoted");
	tap_is_str(ident("a b"), "\"a b\"", "a space is quoted");
	tap_is_str(ident("q\"x"), "\"q\"\"x\"", "a double quote is doubled");
	tap_is_str(ident("select"), "\"select\"", "a reserved keyword is quoted");
	tap_is_str(ident("user"), "\"user\"", "user (reserved) is quoted");
	tap_is_str(ident("integer"), "\"integer\"", "a column-name keyword is quoted");
	tap_is_str(ident("left"), "\"left\"", "a type/function-name keyword is quoted");
	tap_is_str(ident("name"), "name", "an unreserved keyword stays bare");
	tap_is_str(ident("abort"), "abort", "abort (unreserved) stays bare");
	tap_is_str(ident("\xc3\xbc" "ber"), "\"\xc3\xbc" "ber\"", "non-ASCII letters are quoted");
	tap_is_str(ident(""), "\"\"", "the empty name is quoted");
	tap_is_str(ident("a\nb"), "\"a\nb\"", "a newline stays inside the quotes");

	sql_qualified(&b, "My Schema", "t");
	tap_is_str(sbuf_str(&b), "\"My Schema\".t", "qualified names quote each part");
	sbuf_reset(&b);
	sql_literal(&b, "it's \\ \"x\"");
	tap_is_str(sbuf_str(&b), "'it''s \\ \"x\"'", "literals double single quotes and keep backslashes");

	pattern("orders", "", "^(orders)$");
	pattern("public.*", "^(public)$", "^(.*)$");
	pattern("App_?", "", "^(app_.)$");
	pattern("\"Mixed\"*", "", "^(Mixed.*)$");
	pattern("\"a.b\"", "", "^(a\\.b)$");
	pattern("x$", "", "^(x\\$)$");
	pattern("\"a\"\"b\"", "", "^(a\"b)$");
	tap_ok(sql_pattern("a.b.c", &s, &n) == -1, "two dots are refused");

	sbuf_reset(&b);
	sbuf_printf(&b, "%s-%d", "x", 42);
	sbuf_puts(&b, "!");
	tap_is_str(sbuf_str(&b), "x-42!", "sbuf_printf and sbuf_puts append");
	{
		char *t = sbuf_take(&b);

		tap_is_str(t, "x-42!", "sbuf_take hands over the string");
		tap_is_str(sbuf_str(&b), "", "and leaves the sbuf empty");
		free(t);
	}
	for (int i = 0; i < 10000; i++)
		sbuf_putc(&b, 'a');
	tap_is_int((long long)b.len, 10000, "sbuf grows past its first allocation");
	sbuf_free(&b);
	sbuf_free(&s);
	sbuf_free(&n);
	return tap_done();
}
