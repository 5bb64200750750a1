/* libFuzzer target for lib/sql: identifiers and literals quoted from any
 * bytes read back to the same bytes (so nothing in a name can leave its
 * quotes), and patterns always give anchored expressions or a refusal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "sql.h"

/* Undo sql_ident/sql_literal's quoting; -1 if q is not one quoted token. */
static int
unquote(const char *q, char quote, struct sbuf *out)
{
	size_t n = strlen(q);

	if (n < 2 || q[0] != quote || q[n - 1] != quote)
		return -1;
	for (size_t i = 1; i < n - 1; i++) {
		if (q[i] == quote) {
			if (i + 1 >= n - 1 || q[i + 1] != quote)
				return -1; /* a lone quote would end the token early */
			i++;
		}
		sbuf_putc(out, q[i]);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf in = { 0 }, q = { 0 }, back = { 0 }, s = { 0 }, n = { 0 };

	sbuf_add(&in, data, size);
	if (memchr(data, 0, size) == NULL) {
		sql_ident(&q, in.s);
		if (q.s[0] == '"') {
			if (unquote(q.s, '"', &back) < 0 || strcmp(sbuf_str(&back), in.s) != 0)
				abort();
		} else if (strcmp(q.s, in.s) != 0 || strspn(q.s, "abcdefghijklmnopqrstuvwxyz0123456789_") != q.len)
			abort();
		sbuf_reset(&q);
		sbuf_reset(&back);
		sql_literal(&q, in.s);
		if (unquote(q.s, '\'', &back) < 0 || strcmp(sbuf_str(&back), in.s) != 0)
			abort();
		if (sql_pattern(in.s, &s, &n) == 0) {
			if (n.len < 4 || memcmp(n.s, "^(", 2) != 0 || strcmp(n.s + n.len - 2, ")$") != 0)
				abort();
			if (s.len && (memcmp(s.s, "^(", 2) != 0 || strcmp(s.s + s.len - 2, ")$") != 0))
				abort();
		}
	}
	sbuf_free(&in);
	sbuf_free(&q);
	sbuf_free(&back);
	sbuf_free(&s);
	sbuf_free(&n);
	return 0;
}
