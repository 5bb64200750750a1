/* lib/rowsum: the same sum whatever the pieces and the order of the rows,
 * a different one when any byte of any row changes. */
#include <stdio.h>
#include <string.h>

#include "rowsum.h"
#include "tap.h"

static uint64_t
sum_of(const char *rows, size_t piece)
{
	struct rowsum r;
	size_t n = strlen(rows);

	rowsum_init(&r);
	for (size_t off = 0; off < n; off += piece)
		rowsum_feed(&r, rows + off, n - off < piece ? n - off : piece);
	return r.sum;
}

int
main(void)
{
	const char *rows = "1\talice\t2026-11-30 06:00:00+00\n2\tbob\t\\N\n3\ta much longer row, of more than eight bytes\t{1,2,3}\n";
	char buf[256];
	uint64_t want = sum_of(rows, 4096);
	struct rowsum r;
	int same = 1, differ = 1;

	tap_plan(8);
	for (size_t piece = 1; piece < 20; piece++)
		same &= sum_of(rows, piece) == want;
	tap_ok(same, "pieces of 1 to 19 bytes give the same sum");
	tap_ok(sum_of("3\ta much longer row, of more than eight bytes\t{1,2,3}\n2\tbob\t\\N\n"
	    "1\talice\t2026-11-30 06:00:00+00\n", 5) == want, "rows in another order give the same sum");
	rowsum_init(&r);
	rowsum_row(&r, "1\talice\t2026-11-30 06:00:00+00\n", 31);
	rowsum_row(&r, "2\tbob\t\\N", 8);
	rowsum_row(&r, "3\ta much longer row, of more than eight bytes\t{1,2,3}\n", 54);
	tap_ok(r.sum == want && r.rows == 3, "whole rows, with or without newline, sum as the stream does");
	for (size_t i = 0; i < strlen(rows); i++) {
		snprintf(buf, sizeof buf, "%s", rows);
		if (buf[i] == '\n')
			continue;
		buf[i] ^= 1;
		differ &= sum_of(buf, 7) != want;
	}
	tap_ok(differ, "flipping any bit of any row changes the sum");
	tap_ok(sum_of("a\n\n", 1) != sum_of("a\n", 1) && sum_of("\n", 1) != 0, "an empty row counts");
	tap_ok(sum_of("ab\n", 1) != sum_of("a\nb\n", 1), "where rows split counts");
	{
		/* every length a row's last word can have, one by one and as a
		 * stream, and after a row that came in pieces */
		char all[1024];
		size_t n = 0;

		rowsum_init(&r);
		for (size_t len = 0; len <= 40; len++) {
			memset(buf, 'a' + (int)len % 26, len);
			buf[len] = '\n';
			memcpy(all + n, buf, len + 1);
			n += len + 1;
			rowsum_row(&r, buf, len + (len % 2));
		}
		all[n] = 0;
		rowsum_part(&r, "xy", 2);
		rowsum_row(&r, "z\n", 2);
		tap_ok(r.sum == sum_of(all, 4096) + sum_of("xyz\n", 1) && r.rows == 42,
		    "rows of 0 to 40 bytes sum one by one as in a stream, and after a row in pieces");
	}
	rowsum_init(&r);
	rowsum_feed(&r, "1\t2\n3", 5);
	tap_ok(r.rows == 1 && rowsum_pending(&r) == 1, "a row without its newline is pending");
	return tap_done();
}
