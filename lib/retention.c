#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retention.h"
#include "xmem.h"

int
retention_duration_parse(const char *s, struct retention_duration *d)
{
	int seen = 0;

	memset(d, 0, sizeof *d);
	if (!*s)
		return -1;
	while (*s) {
		long v = 0;
		int n = 0;

		while (*s >= '0' && *s <= '9') {
			if (v > 100000000)
				return -1;
			v = v * 10 + (*s++ - '0'), n++;
		}
		if (n == 0)
			return -1;
		switch (*s++) {
		case 'y': d->years += (int)v; break;
		case 'm': d->months += (int)v; break;
		case 'd': d->days += (int)v; break;
		case 'h': d->hours += (int)v; break;
		default: return -1;
		}
		seen = 1;
	}
	return seen ? 0 : -1;
}

int
retention_duration_zero(const struct retention_duration *d)
{
	return !d->years && !d->months && !d->days && !d->hours;
}

int
retention_policy_empty(const struct retention_policy *p)
{
	for (int i = 0; i < RET_NCOUNT; i++)
		if (p->count[i])
			return 0;
	for (int i = 0; i < RET_NWITHIN; i++)
		if (!retention_duration_zero(&p->within_period[i]))
			return 0;
	return retention_duration_zero(&p->within);
}

/* A stable bottom-up merge sort, newest first: items start in input order,
 * so stability keeps ties in input order. (musl's qsort is a smoothsort,
 * several times slower on a million shuffled items, and not stable.) */
static void
merge_sort(struct retention_item *items, size_t n)
{
	struct retention_item *tmp = xmalloc(n * sizeof *tmp), *src = items, *dst = tmp, *sw;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t a = lo, b = mid, o = lo;

			while (a < mid && b < hi)
				dst[o++] = src[b].t > src[a].t ? src[b++] : src[a++];
			while (a < mid)
				dst[o++] = src[a++];
			while (b < hi)
				dst[o++] = src[b++];
		}
		sw = src, src = dst, dst = sw;
	}
	if (src != items)
		memcpy(items, src, n * sizeof *items);
	free(tmp);
}

static int
year_days(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 366 : 365;
}

/* ISO 8601 year*100 + week: the week belongs to the year of its Thursday. */
static long
iso_week(const struct tm *tm)
{
	int wday = tm->tm_wday ? tm->tm_wday : 7; /* Monday 1 .. Sunday 7 */
	int year = tm->tm_year + 1900;
	int thu = tm->tm_yday - wday + 4;         /* day of year of that Thursday */

	if (thu < 0) {
		year--;
		thu += year_days(year);
	} else if (thu >= year_days(year)) {
		thu -= year_days(year);
		year++;
	}
	return (long)year * 100 + thu / 7 + 1;
}

static long
period(int rule, const struct tm *tm, size_t nr)
{
	long y = tm->tm_year + 1900, m = tm->tm_mon + 1, d = tm->tm_mday, h = tm->tm_hour;

	switch (rule) {
	case RET_LAST: return (long)nr;
	case RET_HOURLY: return y * 1000000 + m * 10000 + d * 100 + h;
	case RET_DAILY: return y * 10000 + m * 100 + d;
	case RET_WEEKLY: return iso_week(tm);
	case RET_MONTHLY: return y * 100 + m;
	default: return y;
	}
}

/* Listings usually come in time order (s3ls lists keys in name order), so
 * input already strictly ascending or descending is put in order in O(n);
 * "strictly" because ties must keep their input order. */
static void
sort_newest_first(struct retention_item *items, size_t n)
{
	size_t i;

	for (i = 1; i < n && items[i].t < items[i - 1].t; i++)
		;
	if (i >= n)
		return;
	for (i = 1; i < n && items[i].t > items[i - 1].t; i++)
		;
	if (i >= n) {
		for (size_t a = 0, b = n - 1; a < b; a++, b--) {
			struct retention_item tmp = items[a];

			items[a] = items[b];
			items[b] = tmp;
		}
		return;
	}
	merge_sort(items, n);
}

/* latest - d, calendar-aware in the policy's zone. */
static int64_t
minus(int64_t latest, const struct retention_duration *d, const struct nametime_zone *z)
{
	struct tm tm;

	nametime_tm(latest, z, &tm);
	tm.tm_year -= d->years;
	tm.tm_mon -= d->months;
	tm.tm_mday -= d->days;
	return nametime_mktime(&tm, z) - (int64_t)d->hours * 3600;
}

void
retention_apply(const struct retention_policy *p, struct retention_item *items, size_t n,
    int64_t now)
{
	long count[RET_NCOUNT], last[RET_NCOUNT], wlast[RET_NWITHIN];
	int64_t latest = INT64_MIN, within_t = 0, wt[RET_NWITHIN] = { 0 };
	int have_latest = 0;

	sort_newest_first(items, n);
	for (size_t i = 0; i < n; i++)
		items[i].reasons = 0;
	if (n == 0 || retention_policy_empty(p))
		return;
	for (size_t i = 0; i < n; i++)
		if (items[i].t < now && (!have_latest || items[i].t > latest))
			latest = items[i].t, have_latest = 1;
	if (!have_latest)
		latest = INT64_MIN / 2; /* every backup is in the future: all are "within" */
	if (!retention_duration_zero(&p->within))
		within_t = have_latest ? minus(latest, &p->within, &p->zone) : latest;
	for (int i = 0; i < RET_NWITHIN; i++) {
		wlast[i] = -1;
		if (!retention_duration_zero(&p->within_period[i]))
			wt[i] = have_latest ? minus(latest, &p->within_period[i], &p->zone) : latest;
	}
	for (int i = 0; i < RET_NCOUNT; i++)
		count[i] = p->count[i], last[i] = -1;

	for (size_t nr = 0; nr < n; nr++) {
		struct retention_item *it = &items[nr];
		struct tm tm;

		nametime_tm(it->t, &p->zone, &tm);
		if (!retention_duration_zero(&p->within) && it->t > within_t)
			it->reasons |= RET_R_WITHIN;
		for (int i = 0; i < RET_NCOUNT; i++) {
			long v;

			if (count[i] == 0)
				continue;
			v = period(i, &tm, nr);
			if (v != last[i] || nr == n - 1) {
				if (v == last[i])
					it->reasons |= RET_R_OLDEST;
				it->reasons |= RET_R_COUNT(i);
				last[i] = v;
				if (count[i] > 0)
					count[i]--;
			}
		}
		for (int i = 0; i < RET_NWITHIN; i++) {
			long v;

			if (retention_duration_zero(&p->within_period[i]) || it->t <= wt[i])
				continue;
			v = period(i + 1, &tm, nr);
			if (v != wlast[i] || nr == n - 1) {
				if (v == wlast[i])
					it->reasons |= RET_R_OLDEST;
				it->reasons |= RET_R_WITHIN_PERIOD(i);
				wlast[i] = v;
			}
		}
	}
}

void
retention_reasons(unsigned r, char *buf, size_t size)
{
	static const char *const names[] = {
		"last", "hourly", "daily", "weekly", "monthly", "yearly", "within",
		"within-hourly", "within-daily", "within-weekly", "within-monthly", "within-yearly",
		"oldest",
	};
	size_t o = 0;

	buf[0] = 0;
	for (int i = 0; i < 13; i++)
		if (r & (1u << i))
			o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s", o ? "," : "", names[i]);
}
