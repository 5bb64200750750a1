#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static int planned, run, failed;

void
tap_plan(int n)
{
	planned = n;
	printf("1..%d\n", n);
}

static int
vok(int cond, const char *fmt, va_list ap)
{
	run++;
	printf("%sok %d - ", cond ? "" : "not ", run);
	vprintf(fmt, ap);
	printf("\n");
	if (!cond)
		failed++;
	fflush(stdout);
	return cond;
}

int
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

int
tap_is_str(const char *got, const char *want, const char *name)
{
	int r = tap_ok(got && strcmp(got, want) == 0, "%s", name);

	if (!r)
		printf("#   got: '%s'\n#  want: '%s'\n", got ? got : "(null)", want);
	return r;
}

int
tap_is_int(long long got, long long want, const char *name)
{
	int r = tap_ok(got == want, "%s", name);

	if (!r)
		printf("#   got: %lld\n#  want: %lld\n", got, want);
	return r;
}

int
tap_is_mem(const void *got, size_t gn, const void *want, size_t wn, const char *name)
{
	int r = tap_ok(gn == wn && memcmp(got, want, gn) == 0, "%s", name);

	if (!r)
		printf("#   got %zu bytes, want %zu bytes\n", gn, wn);
	return r;
}

int
tap_done(void)
{
	if (run != planned)
		printf("# planned %d tests but ran %d\n", planned, run);
	return failed || run != planned;
}
