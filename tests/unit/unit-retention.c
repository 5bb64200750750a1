/* lib/nametime and lib/retention: times in names, and policies worked by
 * hand (the cases restic 0.14 cannot confirm included: the oldest-kept rule
 * of 0.16, "all" counts). */
#include <stdio.h>
#include <string.h>

#include "nametime.h"
#include "retention.h"
#include "tap.h"

static const struct nametime_zone utc = { 0, 0 };

static int64_t
at(const char *s)
{
	int64_t t = -1;

	nametime_rfc3339(s, &t);
	return t;
}

static void
name_is(const char *name, const char *fmt, const char *want)
{
	int64_t t = 0;
	int r = nametime_parse(name, fmt, &utc, &t);

	if (!want)
		tap_ok(r == -1, "no time in '%s'", name);
	else
		tap_ok(r == 0 && t == at(want), "'%s' is %s", name, want);
}

/* Applies p to times (newest need not be first) and returns a string of
 * K/D per input time, in input order. */
static const char *
plan(const struct retention_policy *p, const char *const *times, size_t n, const char *now)
{
	static char out[64];
	struct retention_item it[32];

	for (size_t i = 0; i < n; i++)
		it[i].t = at(times[i]), it[i].order = i;
	retention_apply(p, it, n, at(now));
	for (size_t i = 0; i < n; i++)
		out[it[i].order] = it[i].reasons ? 'K' : 'D';
	out[n] = 0;
	return out;
}

int
main(void)
{
	struct retention_policy p;
	struct retention_duration d;
	char buf[128];

	tap_plan(41);
	name_is("db-20261122T020000Z.sql.gz", NULL, "2026-11-22T02:00:00Z");
	name_is("db-20261122_020000.sql.gz", NULL, "2026-11-22T02:00:00Z");
	name_is("db-2026-11-22T02:00:00Z.sql.gz", NULL, "2026-11-22T02:00:00Z");
	name_is("db-2026-11-22_02-00-00.sql.gz", NULL, "2026-11-22T02:00:00Z");
	name_is("db-2026-11-22.sql.gz", NULL, "2026-11-22T00:00:00Z");
	name_is("db-20261122.sql.gz", NULL, "2026-11-22T00:00:00Z");
	name_is("db-1763776800.sql.gz", NULL, "2025-11-22T02:00:00Z");
	name_is("shard12-20260229T000000Z", NULL, NULL);     /* 2026 is not a leap year */
	name_is("v123456789012345.tar", NULL, NULL);         /* too long for epoch seconds */
	name_is("build-123456789.tar", NULL, NULL);          /* 9 digits: not a time */
	name_is("db-120261122T020000Z", NULL, NULL);         /* digits inside a longer run */
	name_is("backup.sql.gz", NULL, NULL);
	name_is("nightly_22.11.2026-0200.dump", "%d.%m.%Y-%H%M", "2026-11-22T02:00:00Z");
	name_is("x-1700000000-y", "x-%s", "2023-11-14T22:13:20Z");
	{
		struct nametime_zone z;
		int64_t t;

		tap_ok(nametime_zone_parse("+02:00", &z) == 0 &&
		    nametime_parse("db-20261122T020000.gz", NULL, &z, &t) == 0 && t == at("2026-11-22T00:00:00Z"),
		    "a time without Z is in the --tz zone");
		tap_ok(nametime_parse("db-20261122T020000Z.gz", NULL, &z, &t) == 0 && t == at("2026-11-22T02:00:00Z"),
		    "a time with Z is UTC whatever the zone");
		tap_ok(nametime_zone_parse("+25:00", &z) == -1 && nametime_zone_parse("CET", &z) == -1,
		    "bad zones refused");
	}
	tap_ok(nametime_rfc3339("2026-11-22T02:00:00.123+01:00", &(int64_t){0}) == 0 &&
	    at("2026-11-22T02:00:00.5-00:30") == at("2026-11-22T02:30:00Z"), "RFC 3339 offsets and fractions");
	tap_ok(at("2026-13-01T00:00:00Z") == -1 && at("2026-11-22 02:00") == -1, "bad RFC 3339 refused");

	tap_ok(retention_duration_parse("1y2m3d4h", &d) == 0 && d.years == 1 && d.months == 2 &&
	    d.days == 3 && d.hours == 4, "duration 1y2m3d4h");
	tap_ok(retention_duration_parse("5", &d) == -1 && retention_duration_parse("3w", &d) == -1 &&
	    retention_duration_parse("", &d) == -1, "bad durations refused");

	memset(&p, 0, sizeof p);
	tap_ok(retention_policy_empty(&p), "an empty policy is empty");

	{
		static const char *const t[] = { "2026-11-22T10:00:00Z", "2026-11-21T10:00:00Z",
			"2026-11-20T10:00:00Z", "2026-11-19T10:00:00Z" };
		/* The oldest-kept rule: daily 10 has room left at the oldest. */
		p.count[RET_DAILY] = 10;
		tap_is_str(plan(&p, t, 4, "2026-12-01T00:00:00Z"), "KKKK", "daily 10 of 4 days keeps all");
		p.count[RET_DAILY] = 2;
		tap_is_str(plan(&p, t, 4, "2026-12-01T00:00:00Z"), "KKDD", "daily 2 keeps the two newest days");
		p.count[RET_DAILY] = 0;
		p.count[RET_LAST] = -1;
		tap_is_str(plan(&p, t, 4, "2026-12-01T00:00:00Z"), "KKKK", "last all keeps everything");
	}
	{
		/* Several per day: the newest of each day; the oldest kept while
		 * room remains (restic 0.16). */
		static const char *const t[] = { "2026-11-22T10:00:00Z", "2026-11-22T09:00:00Z",
			"2026-11-21T23:00:00Z", "2026-11-21T01:00:00Z" };
		memset(&p, 0, sizeof p);
		p.count[RET_DAILY] = 5;
		tap_is_str(plan(&p, t, 4, "2026-12-01T00:00:00Z"), "KDKK",
		    "daily: newest per day, and the oldest while room remains");
		p.count[RET_DAILY] = 2;
		tap_is_str(plan(&p, t, 4, "2026-12-01T00:00:00Z"), "KDKD", "no room left: the oldest goes");
	}
	{
		/* ISO weeks across a year end: 2026-W53 runs Dec 28 to Jan 3. */
		static const char *const t[] = { "2027-01-04T00:00:00Z", "2027-01-03T12:00:00Z",
			"2026-12-28T00:00:00Z", "2026-12-27T23:00:00Z", "2025-12-29T00:00:00Z",
			"2025-12-28T00:00:00Z" };
		memset(&p, 0, sizeof p);
		p.count[RET_WEEKLY] = 5;
		tap_is_str(plan(&p, t, 6, "2027-02-01T00:00:00Z"), "KKDKKK",
		    "weekly across ISO week 53 and year ends (2026-W53, 2026-W01 from Dec 29 2025)");
		memset(&p, 0, sizeof p);
		p.count[RET_YEARLY] = 1;
		tap_is_str(plan(&p, t, 6, "2027-02-01T00:00:00Z"), "KDDDDD",
		    "yearly 1: no room left at the oldest, so it goes");
	}
	{
		/* Windows count from the newest backup not in the future. */
		static const char *const t[] = { "2030-01-01T00:00:00Z", "2026-11-22T00:00:00Z",
			"2026-11-15T00:00:01Z", "2026-11-15T00:00:00Z", "2026-10-01T00:00:00Z" };
		memset(&p, 0, sizeof p);
		retention_duration_parse("7d", &p.within);
		tap_is_str(plan(&p, t, 5, "2026-11-23T00:00:00Z"), "KKKDD",
		    "within 7d of the newest past backup: strictly after, future ones kept");
		memset(&p, 0, sizeof p);
		retention_duration_parse("1m", &p.within);
		tap_is_str(plan(&p, t, 5, "2026-11-23T00:00:00Z"), "KKKKD",
		    "within 1m is a calendar month (Oct 22 on), not 30 days");
	}
	{
		/* March 31 minus one month is March 3 (Feb 31 normalised), as in Go. */
		static const char *const t[] = { "2027-03-31T00:00:00Z", "2027-03-03T00:00:01Z",
			"2027-03-03T00:00:00Z", "2027-02-28T00:00:00Z" };
		memset(&p, 0, sizeof p);
		retention_duration_parse("1m", &p.within);
		tap_is_str(plan(&p, t, 4, "2027-04-01T00:00:00Z"), "KKDD", "1m before March 31 is March 3");
	}
	{
		/* Same second twice: input order decides which is "newer". */
		static const char *const t[] = { "2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z",
			"2026-11-21T10:00:00Z" };
		memset(&p, 0, sizeof p);
		p.count[RET_LAST] = 1;
		p.count[RET_DAILY] = 1;
		tap_is_str(plan(&p, t, 3, "2026-12-01T00:00:00Z"), "KDD", "duplicates within one second: the first listed wins");
	}
	{
		static const char *const t[] = { "2026-11-22T10:00:00Z", "2026-11-22T09:00:00Z",
			"2026-11-20T10:00:00Z", "2026-11-01T10:00:00Z" };
		memset(&p, 0, sizeof p);
		retention_duration_parse("3d", &p.within_period[RET_W_DAILY]);
		tap_is_str(plan(&p, t, 4, "2026-12-01T00:00:00Z"), "KDKD", "within-daily 3d: newest per day in the window");
		retention_duration_parse("30d", &p.within_period[RET_W_DAILY]);
		tap_is_str(plan(&p, t, 4, "2026-12-01T00:00:00Z"), "KDKK",
		    "within-daily 30d: the oldest, inside the window, is kept too");
	}
	{
		static const char *const t[] = { "2026-11-22T10:00:00Z", "2026-11-22T09:00:00Z" };
		memset(&p, 0, sizeof p);
		p.count[RET_DAILY] = 3;
		tap_is_str(plan(&p, t, 2, "2026-12-01T00:00:00Z"), "KK", "same day, room left: both kept");
		{
			struct retention_item it[2] = { { at(t[0]), 0, 0 }, { at(t[1]), 1, 0 } };
			retention_apply(&p, it, 2, at("2026-12-01T00:00:00Z"));
			retention_reasons(it[1].reasons, buf, sizeof buf);
		}
	}
	tap_is_str(buf, "daily,oldest", "the second is kept as the oldest, and says so");

	{
		/* restic's documented example: a backup every Sunday for 12 weeks,
		 * --keep-daily 4 keeps the last four Sundays. */
		static const char *const t[] = { "2019-09-01T11:00:00Z", "2019-09-08T11:00:00Z",
			"2019-09-15T11:00:00Z", "2019-09-22T11:00:00Z", "2019-09-29T11:00:00Z",
			"2019-10-06T11:00:00Z", "2019-10-13T11:00:00Z", "2019-10-20T11:00:00Z",
			"2019-10-27T11:00:00Z", "2019-11-03T11:00:00Z", "2019-11-10T11:00:00Z",
			"2019-11-17T11:00:00Z" };
		memset(&p, 0, sizeof p);
		p.count[RET_DAILY] = 4;
		tap_is_str(plan(&p, t, 12, "2019-12-01T00:00:00Z"), "DDDDDDDDKKKK",
		    "restic's documented example: --keep-daily 4 over 12 Sundays");
	}
	{
		/* borg's prune example: a backup every day of 2015 but Dec 19,
		 * --keep-daily 14 --keep-monthly 6 --keep-yearly 1. borg counts a
		 * backup for the first rule that keeps it, so it also keeps Jun 30
		 * and, as the unmet yearly rule's oldest, Jan 1. restic counts each
		 * rule on its own: Dec 31 fills monthly's and yearly's first slots,
		 * so monthly ends at Jul 31 and yearly has no room left for Jan 1. */
		static struct retention_item it[366];
		static char kept[64 * 24];
		size_t n = 0, o = 0;
		int64_t day0 = at("2015-01-01T10:00:00Z");

		for (int d = 0; d < 365; d++)
			if (day0 + (int64_t)d * 86400 != at("2015-12-19T10:00:00Z"))
				it[n].t = day0 + (int64_t)d * 86400, it[n].order = n, n++;
		memset(&p, 0, sizeof p);
		p.count[RET_DAILY] = 14;
		p.count[RET_MONTHLY] = 6;
		p.count[RET_YEARLY] = 1;
		retention_apply(&p, it, n, at("2016-01-01T00:00:00Z"));
		for (size_t i = 0; i < n; i++)
			if (it[i].reasons) {
				struct tm tm;
				nametime_tm(it[i].t, NULL, &tm);
				o += (size_t)snprintf(kept + o, sizeof kept - o, "%02d-%02d ", tm.tm_mon + 1, tm.tm_mday);
			}
		tap_is_str(kept, "12-31 12-30 12-29 12-28 12-27 12-26 12-25 12-24 12-23 12-22 12-21 12-20 "
		    "12-18 12-17 11-30 10-31 09-30 08-31 07-31 ",
		    "borg's example calendar, counted the restic way (19 kept)");
	}
	retention_reasons(RET_R_COUNT(RET_DAILY) | RET_R_WITHIN | RET_R_WITHIN_PERIOD(RET_W_WEEKLY), buf, sizeof buf);
	tap_is_str(buf, "daily,within,within-weekly", "reason names");
	tap_ok(1, "done");
	return tap_done();
}
