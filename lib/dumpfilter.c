/* Filter file lines (dumpfilter.h). The words are compared without
 * regard to case, as pg_dump does; the pattern is left for lib/sql's
 * sql_pattern, which gives quotes their meaning. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dumpfilter.h"

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* The next word of [*p, end) (letters and underscores), its length. */
static size_t
word(const char **p, const char *end)
{
	const char *s;

	while (*p < end && is_space(**p))
		(*p)++;
	s = *p;
	while (*p < end && ((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') || **p == '_'))
		(*p)++;
	return (size_t)(*p - s);
}

static int
word_is(const char *w, size_t n, const char *kw)
{
	return n == strlen(kw) && strncasecmp(w, kw, n) == 0;
}

int
dumpfilter_line(const char *line, size_t len, struct dumpfilter_cmd *cmd, char *err, size_t errlen)
{
	const char *p = line, *end = line + len, *w, *pat;
	size_t n, plen;
	int quoted = 0;

	while (p < end && is_space(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	w = p;
	n = word(&p, end);
	if (word_is(w, n, "include"))
		cmd->include = 1;
	else if (word_is(w, n, "exclude"))
		cmd->include = 0;
	else {
		snprintf(err, errlen, "expected include or exclude");
		return -1;
	}
	while (p < end && is_space(*p))
		p++;
	w = p;
	n = word(&p, end);
	if (word_is(w, n, "table"))
		cmd->kind = DF_TABLE;
	else if (word_is(w, n, "schema"))
		cmd->kind = DF_SCHEMA;
	else if (word_is(w, n, "extension"))
		cmd->kind = DF_EXTENSION;
	else if (word_is(w, n, "table_data") && !cmd->include)
		cmd->kind = DF_TABLE_DATA;
	else if (word_is(w, n, "table_data")) {
		snprintf(err, errlen, "table_data can only be excluded");
		return -1;
	} else if (word_is(w, n, "foreign_data") || word_is(w, n, "table_and_children") ||
	    word_is(w, n, "table_data_and_children")) {
		snprintf(err, errlen, "%.*s filters are not supported by pgdump-stream", (int)n, w);
		return -1;
	} else {
		snprintf(err, errlen, "expected table, schema, table_data or extension");
		return -1;
	}
	if (p < end && !is_space(*p)) {
		snprintf(err, errlen, "expected a space after the object type");
		return -1;
	}
	while (p < end && is_space(*p))
		p++;
	pat = p;
	for (; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '#' && !quoted)
			break;
		else if (*p == 0) {
			snprintf(err, errlen, "a NUL byte in the pattern");
			return -1;
		}
	}
	if (quoted) {
		snprintf(err, errlen, "unterminated quoted name");
		return -1;
	}
	plen = (size_t)(p - pat);
	while (plen && is_space(pat[plen - 1]))
		plen--;
	if (plen == 0) {
		snprintf(err, errlen, "missing object name pattern");
		return -1;
	}
	if (plen >= sizeof cmd->pattern) {
		snprintf(err, errlen, "pattern longer than %zu bytes", sizeof cmd->pattern - 1);
		return -1;
	}
	memcpy(cmd->pattern, pat, plen);
	cmd->pattern[plen] = 0;
	return 1;
}
