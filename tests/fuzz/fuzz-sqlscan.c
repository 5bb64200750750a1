/* libFuzzer target for lib/sqlscan: any bytes scan without a fault, and
 * the events do not depend on how the input is cut into pieces (the first
 * byte chooses the piece sizes), since dumps arrive from pipes and
 * inflaters cut anywhere. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "sqlscan.h"

static void
scan(const uint8_t *data, size_t size, size_t piece, struct sbuf *out)
{
	struct sqlscan s;
	const char *open;
	enum sqlscan_event ev;
	size_t used;

	sqlscan_init(&s);
	for (size_t off = 0; off < size;) {
		size_t len = size - off < piece ? size - off : piece;

		ev = sqlscan_feed(&s, (const char *)data + off, len, &used);
		if (used == 0 || used > len)
			abort();
		off += used;
		if (ev == SQLSCAN_STMT) {
			/* A statement is never empty and ends with its semicolon. */
			if (s.stmt.len == 0 || s.stmt.s[s.stmt.len - 1] != ';')
				abort();
			sbuf_printf(out, "S%llu:", (unsigned long long)s.item_line);
			sbuf_add(out, s.stmt.s, s.stmt.len);
		} else if (ev != SQLSCAN_MORE) {
			sbuf_printf(out, "%d:%llu:%s", ev, (unsigned long long)s.item_line, s.text);
		}
		if (ev != SQLSCAN_MORE)
			sbuf_putc(out, 0);
	}
	while ((ev = sqlscan_finish(&s, &open)) != SQLSCAN_MORE) {
		sbuf_printf(out, "E%d:%llu", ev, (unsigned long long)s.item_line);
		if (ev == SQLSCAN_STMT) {
			sbuf_add(out, s.stmt.s, s.stmt.len);
			break;
		}
	}
	sbuf_puts(out, open ? open : "-");
	sqlscan_free(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf whole = { 0 }, cut = { 0 };

	if (size < 1)
		return 0;
	scan(data + 1, size - 1, size, &whole);
	scan(data + 1, size - 1, 1 + data[0] % 13, &cut);
	if (whole.len != cut.len || memcmp(whole.s, cut.s, whole.len) != 0)
		abort();
	sbuf_free(&whole);
	sbuf_free(&cut);
	return 0;
}
