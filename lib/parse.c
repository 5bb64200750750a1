#include <string.h>

#include "parse.h"

/* Reads leading decimal digits; -1 when there are none or they overflow. */
static int
digits(const char **sp, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*sp = s;
	*out = v;
	return 0;
}

int
parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (digits(&s, &v) < 0 || *s || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
mul(uint64_t a, uint64_t b, uint64_t *out)
{
	if (b && a > UINT64_MAX / b)
		return -1;
	*out = a * b;
	return 0;
}

int
parse_size(const char *s, uint64_t *out)
{
	static const struct { const char *suffix; uint64_t mult; } units[] = {
		{ "", 1 }, { "B", 1 },
		{ "K", 1ULL << 10 }, { "k", 1ULL << 10 }, { "KiB", 1ULL << 10 },
		{ "M", 1ULL << 20 }, { "m", 1ULL << 20 }, { "MiB", 1ULL << 20 },
		{ "G", 1ULL << 30 }, { "g", 1ULL << 30 }, { "GiB", 1ULL << 30 },
		{ "T", 1ULL << 40 }, { "t", 1ULL << 40 }, { "TiB", 1ULL << 40 },
		{ "KB", 1000ULL }, { "kB", 1000ULL }, { "MB", 1000000ULL },
		{ "GB", 1000000000ULL }, { "TB", 1000000000000ULL },
	};
	uint64_t v;
	size_t i;

	if (digits(&s, &v) < 0)
		return -1;
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(s, units[i].suffix) == 0)
			return mul(v, units[i].mult, out);
	return -1;
}

int
parse_duration_ms(const char *s, uint64_t *out)
{
	static const struct { const char *unit; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "d", 86400000 }, { "w", 604800000 },
	};
	uint64_t total = 0, v, part;
	size_t i, n;

	if (digits(&s, &v) < 0)
		return -1;
	if (!*s)
		return mul(v, 1000, out);
	for (;;) {
		for (i = 0; i < sizeof units / sizeof units[0]; i++) {
			n = strlen(units[i].unit);
			/* "m" must not swallow the "m" of "ms". */
			if (strncmp(s, units[i].unit, n) == 0 &&
			    !(n == 1 && s[0] == 'm' && s[1] == 's'))
				break;
		}
		if (i == sizeof units / sizeof units[0])
			return -1;
		if (mul(v, units[i].ms, &part) < 0 || total > UINT64_MAX - part)
			return -1;
		total += part;
		s += n;
		if (!*s)
			break;
		if (digits(&s, &v) < 0)
			return -1;
	}
	*out = total;
	return 0;
}
