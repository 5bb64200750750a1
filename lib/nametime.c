#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nametime.h"

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* n digits at s as a number; -1 if any is not a digit. */
static int
num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdig(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int
valid(int y, int mo, int d, int h, int mi, int s)
{
	return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, mo) &&
	    h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

void
nametime_tm(int64_t t, const struct nametime_zone *z, struct tm *tm)
{
	time_t tt;

	if (z && z->local) {
		tt = (time_t)t;
		localtime_r(&tt, tm);
	} else {
		tt = (time_t)(t + (z ? z->offset : 0));
		gmtime_r(&tt, tm);
	}
}

int64_t
nametime_mktime(struct tm *tm, const struct nametime_zone *z)
{
	if (z && z->local) {
		tm->tm_isdst = -1;
		return (int64_t)mktime(tm);
	}
	return (int64_t)timegm(tm) - (z ? z->offset : 0);
}

static int64_t
make(int y, int mo, int d, int h, int mi, int s, int utc, const struct nametime_zone *z)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
	tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = s;
	if (utc)
		return (int64_t)timegm(&tm);
	return nametime_mktime(&tm, z);
}

/* Is position i the start of a digit run (no digit just before)? */
static int
starts_run(const char *name, size_t i)
{
	return i == 0 || !isdig(name[i - 1]);
}

static int
auto_parse(const char *name, const struct nametime_zone *z, int64_t *t)
{
	size_t len = strlen(name);

	/* YYYYMMDD[T_-]HHMMSS[Z] */
	for (size_t i = 0; i + 15 <= len; i++) {
		const char *p = name + i;
		int y, mo, d, h, mi, s;

		if (!starts_run(name, i) || !(p[8] == 'T' || p[8] == '_' || p[8] == '-') || isdig(p[15]))
			continue;
		y = num(p, 4), mo = num(p + 4, 2), d = num(p + 6, 2);
		h = num(p + 9, 2), mi = num(p + 11, 2), s = num(p + 13, 2);
		if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || !valid(y, mo, d, h, mi, s))
			continue;
		*t = make(y, mo, d, h, mi, s, p[15] == 'Z', z);
		return 0;
	}
	/* YYYY-MM-DD[T_ -]HH[:-]MM[:-]SS[Z] and YYYY-MM-DD */
	for (size_t i = 0; i + 10 <= len; i++) {
		const char *p = name + i;
		int y, mo, d, h, mi, s;

		if (!starts_run(name, i) || p[4] != '-' || p[7] != '-')
			continue;
		y = num(p, 4), mo = num(p + 5, 2), d = num(p + 8, 2);
		if (y < 0 || mo < 0 || d < 0 || isdig(p[10]))
			continue;
		if (i + 19 <= len && (p[10] == 'T' || p[10] == '_' || p[10] == ' ' || p[10] == '-') &&
		    (p[13] == ':' || p[13] == '-') && p[16] == p[13] && !isdig(p[19])) {
			h = num(p + 11, 2), mi = num(p + 14, 2), s = num(p + 17, 2);
			if (h >= 0 && mi >= 0 && s >= 0 && valid(y, mo, d, h, mi, s)) {
				*t = make(y, mo, d, h, mi, s, p[19] == 'Z', z);
				return 0;
			}
		}
		if (valid(y, mo, d, 0, 0, 0)) {
			*t = make(y, mo, d, 0, 0, 0, 0, z);
			return 0;
		}
	}
	/* YYYYMMDD alone, then epoch seconds: a run of exactly 8, or 10, digits. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < len; i++) {
			size_t n = 0;

			if (!isdig(name[i]) || !starts_run(name, i))
				continue;
			while (isdig(name[i + n]))
				n++;
			if (pass == 0 && n == 8) {
				int y = num(name + i, 4), mo = num(name + i + 4, 2), d = num(name + i + 6, 2);

				if (valid(y, mo, d, 0, 0, 0)) {
					*t = make(y, mo, d, 0, 0, 0, 0, z);
					return 0;
				}
			}
			if (pass == 1 && n == 10) {
				int64_t v = 0;

				for (size_t k = 0; k < n; k++)
					v = v * 10 + (name[i + k] - '0');
				if (v >= 1000000000) { /* 2001-09-09 to 2286 */
					*t = v;
					return 0;
				}
			}
			i += n;
		}
	}
	return -1;
}

/* Matches fmt at name; 0 and *t on success. */
static int
fmt_at(const char *name, const char *fmt, const struct nametime_zone *z, int64_t *t)
{
	int y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, utc = 0, epoch = 0;
	int64_t ev = 0;
	const char *p = name;

	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			if (*p != *f)
				return -1;
			if (*f == 'Z' && f[1] == 0)
				utc = 1;
			p++;
			continue;
		}
		f++;
		switch (*f) {
		case 'Y': if ((y = num(p, 4)) < 0) return -1; p += 4; break;
		case 'm': if ((mo = num(p, 2)) < 0) return -1; p += 2; break;
		case 'd': if ((d = num(p, 2)) < 0) return -1; p += 2; break;
		case 'H': if ((h = num(p, 2)) < 0) return -1; p += 2; break;
		case 'M': if ((mi = num(p, 2)) < 0) return -1; p += 2; break;
		case 'S': if ((s = num(p, 2)) < 0) return -1; p += 2; break;
		case 's': {
			int n = 0;

			while (isdig(p[n]) && n < 12)
				ev = ev * 10 + (p[n] - '0'), n++;
			if (n == 0)
				return -1;
			p += n;
			epoch = 1;
			break;
		}
		case '%': if (*p++ != '%') return -1; break;
		default: return -1;
		}
	}
	if (epoch) {
		*t = ev;
		return 0;
	}
	if (!valid(y, mo, d, h, mi, s))
		return -1;
	*t = make(y, mo, d, h, mi, s, utc, z);
	return 0;
}

int
nametime_parse(const char *name, const char *fmt, const struct nametime_zone *z, int64_t *t)
{
	if (!fmt)
		return auto_parse(name, z, t);
	for (const char *p = name; *p; p++)
		if (starts_run(name, (size_t)(p - name)) && fmt_at(p, fmt, z, t) == 0)
			return 0;
	return -1;
}

int
nametime_rfc3339(const char *s, int64_t *t)
{
	int y, mo, d, h, mi, sec;
	const char *p;
	long off = 0;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2);
	h = num(s + 11, 2), mi = num(s + 14, 2), sec = num(s + 17, 2);
	if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0 || !valid(y, mo, d, h, mi, sec))
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdig(*p))
			return -1;
		while (isdig(*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && num(p + 1, 2) >= 0 && p[3] == ':' && num(p + 4, 2) >= 0) {
		off = (long)(num(p + 1, 2) * 3600 + num(p + 4, 2) * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*t = make(y, mo, d, h, mi, sec, 1, NULL) - off;
	return 0;
}

int
nametime_zone_parse(const char *s, struct nametime_zone *z)
{
	memset(z, 0, sizeof *z);
	if (strcmp(s, "UTC") == 0 || strcmp(s, "utc") == 0 || strcmp(s, "Z") == 0)
		return 0;
	if (strcmp(s, "local") == 0) {
		z->local = 1;
		return 0;
	}
	if ((s[0] == '+' || s[0] == '-') && strlen(s) == 6 && s[3] == ':') {
		int h = num(s + 1, 2), m = num(s + 4, 2);

		if (h < 0 || m < 0 || h > 23 || m > 59)
			return -1;
		z->offset = (long)(h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
		return 0;
	}
	return -1;
}

void
nametime_format(char *buf, unsigned long size, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
