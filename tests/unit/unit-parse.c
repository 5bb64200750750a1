/* lib/parse: sizes, durations, integers, including every malformed shape. */
#include <stdint.h>

#include "parse.h"
#include "tap.h"

static void
size_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	int r = parse_size(s, &v);

	tap_ok(r == 0 && v == want, "size '%s' = %llu (got %d, %llu)", s,
	    (unsigned long long)want, r, (unsigned long long)v);
}

static void
size_bad(const char *s)
{
	uint64_t v = 77;

	tap_ok(parse_size(s, &v) == -1 && v == 77, "size '%s' rejected", s);
}

static void
dur_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	int r = parse_duration_ms(s, &v);

	tap_ok(r == 0 && v == want, "duration '%s' = %llu ms (got %llu)", s,
	    (unsigned long long)want, (unsigned long long)v);
}

static void
dur_bad(const char *s)
{
	uint64_t v = 0;

	tap_ok(parse_duration_ms(s, &v) == -1, "duration '%s' rejected", s);
}

int
main(void)
{
	uint64_t v;

	tap_plan(41);
	size_ok("0", 0);
	size_ok("4096", 4096);
	size_ok("64M", 64ULL << 20);
	size_ok("64m", 64ULL << 20);
	size_ok("1GiB", 1ULL << 30);
	size_ok("1G", 1ULL << 30);
	size_ok("3KiB", 3072);
	size_ok("500MB", 500000000ULL);
	size_ok("2TB", 2000000000000ULL);
	size_ok("7B", 7);
	size_ok("16777215T", 16777215ULL << 40);
	size_bad("");
	size_bad("M");
	size_bad("1.5G");
	size_bad("-1");
	size_bad("10X");
	size_bad("1 G");
	size_bad("16777216TiB1");
	size_bad("16777216T");            /* exactly 2^64: overflow */
	size_bad("99999999999999999999"); /* overflow in the digits */

	dur_ok("90s", 90000);
	dur_ok("26h", 26ULL * 3600000);
	dur_ok("7d", 7ULL * 86400000);
	dur_ok("1h30m", 5400000);
	dur_ok("250ms", 250);
	dur_ok("2m", 120000);
	dur_ok("1w", 604800000);
	dur_ok("15", 15000);
	dur_ok("1m500ms", 60500);
	dur_bad("");
	dur_bad("s");
	dur_bad("10x");
	dur_bad("1h30");
	dur_bad("-5s");
	dur_bad("99999999999999999999w");

	tap_ok(parse_uint("42", 100, &v) == 0 && v == 42, "uint 42");
	tap_ok(parse_uint("101", 100, &v) == -1, "uint over max rejected");
	tap_ok(parse_uint("", 100, &v) == -1, "empty uint rejected");
	tap_ok(parse_uint("4x", 100, &v) == -1, "uint with junk rejected");
	tap_ok(parse_uint("18446744073709551615", UINT64_MAX, &v) == 0 && v == UINT64_MAX,
	    "uint64 max");
	tap_ok(parse_uint("18446744073709551616", UINT64_MAX, &v) == -1, "uint64 overflow");
	return tap_done();
}
