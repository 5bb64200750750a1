/* Retention policies with the semantics of restic's "forget" (0.16 and
 * later). Backups are ordered newest first (ties keep input order). Each
 * count rule (last, hourly, daily, weekly, monthly, yearly) walks that order
 * and keeps a backup whenever its period (hour, day, ISO week, month, year,
 * or the backup itself for "last") differs from the last one it kept, until
 * its count is used up; a count of -1 means all. When a count rule still has
 * room at the oldest backup, the oldest is kept too ("oldest"). --keep-within
 * keeps every backup newer than (newest - duration); the within-period rules
 * keep the newest backup of each period inside their window, and the oldest
 * backup too when it is inside (as current restic does). Rules are ORed and
 * counted independently. "Newest" for the windows is the newest backup not
 * in the future. Durations are years, months, days and hours, and the
 * subtraction is calendar-aware (as Go's AddDate): 1m before March 31 is
 * March 3 in a non-leap year. */
#ifndef PGOPS_RETENTION_H
#define PGOPS_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "nametime.h"

struct retention_duration {
	int years, months, days, hours;
};

enum {
	RET_LAST, RET_HOURLY, RET_DAILY, RET_WEEKLY, RET_MONTHLY, RET_YEARLY, RET_NCOUNT
};
enum {
	RET_W_HOURLY, RET_W_DAILY, RET_W_WEEKLY, RET_W_MONTHLY, RET_W_YEARLY, RET_NWITHIN
};

/* Reason bits on a kept backup. */
#define RET_R_COUNT(i) (1u << (i))          /* a count rule, RET_LAST.. */
#define RET_R_WITHIN (1u << 6)
#define RET_R_WITHIN_PERIOD(i) (1u << (7 + (i)))
#define RET_R_OLDEST (1u << 12)             /* kept by the oldest-kept rule */

struct retention_policy {
	long count[RET_NCOUNT];                        /* 0 off, -1 all */
	struct retention_duration within;
	struct retention_duration within_period[RET_NWITHIN];
	struct nametime_zone zone;                     /* calendar periods */
};

struct retention_item {
	int64_t t;
	size_t order;     /* input position, for stable ties */
	unsigned reasons; /* set by retention_apply; 0 means not kept */
};

/* "1y2m3d4h" style (y years, m months, d days, h hours): 0, or -1. */
int retention_duration_parse(const char *s, struct retention_duration *d);
int retention_duration_zero(const struct retention_duration *d);
int retention_policy_empty(const struct retention_policy *p);
/* Sorts items newest first and sets each one's reasons. now: the present,
 * for excluding future backups from "newest". */
void retention_apply(const struct retention_policy *p, struct retention_item *items, size_t n,
    int64_t now);
/* Names of the reasons in r, comma-separated, into buf. */
void retention_reasons(unsigned r, char *buf, size_t size);

#endif
