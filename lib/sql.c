#include <string.h>

#include "sql.h"

/* libpgcommon's keyword table (src/common/keywords.c), the one psql and
 * pg_dump use; only its address and the lookup function are needed. */
struct ScanKeywordList;
extern const struct ScanKeywordList ScanKeywords;
extern const unsigned char ScanKeywordCategories[];
int ScanKeywordLookup(const char *str, const struct ScanKeywordList *keywords);
#define UNRESERVED_KEYWORD 0

static int
needs_quotes(const char *name)
{
	int kw;

	if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return 1;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 1;
	kw = ScanKeywordLookup(name, &ScanKeywords);
	return kw >= 0 && ScanKeywordCategories[kw] != UNRESERVED_KEYWORD;
}

/* s between q's, each q inside doubled: both identifiers and literals. */
static void
quoted(struct sbuf *b, const char *s, char q)
{
	sbuf_putc(b, q);
	for (; *s; s++) {
		if (*s == q)
			sbuf_putc(b, q);
		sbuf_putc(b, *s);
	}
	sbuf_putc(b, q);
}

void
sql_ident(struct sbuf *b, const char *name)
{
	if (needs_quotes(name))
		quoted(b, name, '"');
	else
		sbuf_puts(b, name);
}

void
sql_qualified(struct sbuf *b, const char *schema, const char *name)
{
	sql_ident(b, schema);
	sbuf_putc(b, '.');
	sql_ident(b, name);
}

void
sql_literal(struct sbuf *b, const char *s)
{
	quoted(b, s, '\'');
}

int
sql_pattern(const char *pattern, struct sbuf *schema_re, struct sbuf *name_re)
{
	struct sbuf cur = { 0 };
	int inquotes = 0, dots = 0;

	sbuf_reset(schema_re);
	sbuf_reset(name_re);
	sbuf_puts(&cur, "^(");
	for (const char *p = pattern; *p; p++) {
		char c = *p;

		if (c == '"') {
			if (inquotes && p[1] == '"') {
				sbuf_putc(&cur, '"');
				p++;
			} else
				inquotes = !inquotes;
		} else if (!inquotes && c >= 'A' && c <= 'Z')
			sbuf_putc(&cur, (char)(c - 'A' + 'a'));
		else if (!inquotes && c == '*')
			sbuf_puts(&cur, ".*");
		else if (!inquotes && c == '?')
			sbuf_putc(&cur, '.');
		else if (!inquotes && c == '.') {
			if (++dots > 1) {
				sbuf_free(&cur);
				return -1;
			}
			sbuf_puts(&cur, ")$");
			sbuf_add(schema_re, cur.s, cur.len);
			sbuf_reset(&cur);
			sbuf_puts(&cur, "^(");
		} else {
			/* Quoted text is literal; '$' is literal everywhere, as in psql. */
			if ((inquotes || c == '$') && strchr("|*+?()[]{}.^$\\", c))
				sbuf_putc(&cur, '\\');
			sbuf_putc(&cur, c);
		}
	}
	sbuf_puts(&cur, ")$");
	sbuf_add(name_re, cur.s, cur.len);
	sbuf_free(&cur);
	return 0;
}
