/* lib/trailer: the completion line, found at the end of any feed pattern,
 * and refused when missing, altered, not last, or with the wrong count. */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "trailer.h"

static enum trailer_status
check_in_pieces(const char *data, size_t n, size_t piece)
{
	struct trailer_tail t;

	trailer_init(&t);
	for (size_t i = 0; i < n; i += piece)
		trailer_feed(&t, data + i, n - i < piece ? n - i : piece);
	return trailer_check(&t, NULL);
}

int
main(void)
{
	static char dump[100000];
	char line[TRAILER_MAX];
	size_t body, n, len;
	uint64_t claimed = 0;
	struct trailer_tail t;

	tap_plan(12);
	for (body = 0; body < 99000; body++)
		dump[body] = "abc\n"[body % 4];
	len = trailer_format(line, body);
	tap_ok(len < TRAILER_MAX && line[len - 1] == '\n', "trailer is one line");
	memcpy(dump + body, line, len);
	n = body + len;

	tap_is_int(check_in_pieces(dump, n, n), TRAILER_OK, "complete dump, one feed");
	tap_is_int(check_in_pieces(dump, n, 1), TRAILER_OK, "complete dump, byte by byte");
	tap_is_int(check_in_pieces(dump, n, 7), TRAILER_OK, "complete dump, odd pieces");
	tap_is_int(check_in_pieces(dump, body, 4096), TRAILER_MISSING, "dump without trailer");
	tap_is_int(check_in_pieces(dump, n - 1, 4096), TRAILER_MISSING, "trailer without its newline");
	tap_is_int(check_in_pieces(dump + 1000, n - 1000, 4096), TRAILER_WRONG_SIZE,
	    "front cut off: count disagrees");

	/* A dump cut short and glued to another dump's trailer. */
	memmove(dump + 5000, dump + body, len);
	trailer_init(&t);
	trailer_feed(&t, dump, 5000 + len);
	tap_is_int(trailer_check(&t, &claimed), TRAILER_WRONG_SIZE, "spliced trailer refused");
	tap_is_int((long long)claimed, (long long)body, "claimed count reported");

	len = trailer_format(line, 0);
	tap_is_int(check_in_pieces(line, len, 3), TRAILER_OK, "empty dump with trailer");
	{
		char moved[200];
		int m = snprintf(moved, sizeof moved, "%sSELECT 1;\n", line);
		tap_is_int(check_in_pieces(moved, (size_t)m, 5), TRAILER_MISSING, "trailer not last");
	}
	{
		char bad[TRAILER_MAX];
		memcpy(bad, line, len);
		bad[3] = 'P';
		tap_is_int(check_in_pieces(bad, len, 5), TRAILER_MISSING, "altered trailer");
	}
	return tap_done();
}
