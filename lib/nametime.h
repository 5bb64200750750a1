/* The time a backup was taken, read from its name, or from a listed RFC 3339
 * time (s3ls output). Times are Unix seconds.
 *
 * Detected forms, searched in this order anywhere in the name, with digits
 * never taken from the middle of a longer run of digits:
 *   YYYYMMDD[T_-]HHMMSS[Z]           db-20261122T020000Z.sql.gz
 *   YYYY-MM-DD[T_ -]HH[:-]MM[:-]SS[Z] db-2026-11-22T02:00:00Z.sql.gz
 *   YYYY-MM-DD, YYYYMMDD             db-2026-11-22.sql.gz (midnight)
 *   epoch seconds (10 digits)        db-1763776800.sql.gz
 * A time without Z is in the zone given (UTC unless told otherwise). */
#ifndef PGOPS_NAMETIME_H
#define PGOPS_NAMETIME_H

#include <stdint.h>
#include <time.h>

/* The zone for times without one, and for calendar periods. */
struct nametime_zone {
	int local;      /* the process's local time (TZ) */
	long offset;    /* else a fixed offset east of UTC, seconds */
};

/* 0 and *t set, or -1 when the name holds no time. fmt: NULL for the
 * automatic forms, else a format of %Y %m %d %H %M %S %s %% and literals,
 * searched anywhere in the name. */
int nametime_parse(const char *name, const char *fmt, const struct nametime_zone *z, int64_t *t);
/* RFC 3339 date-time (fraction and offset or Z): 0, or -1. */
int nametime_rfc3339(const char *s, int64_t *t);
/* "UTC", "local", "+HH:MM" or "-HH:MM": 0, or -1. */
int nametime_zone_parse(const char *s, struct nametime_zone *z);
/* Broken-down time of t in zone z (tm_gmtoff-free, portable). */
void nametime_tm(int64_t t, const struct nametime_zone *z, struct tm *tm);
/* Unix seconds of a broken-down time in zone z; fields may be out of range
 * and are normalised (as Go's AddDate does). */
int64_t nametime_mktime(struct tm *tm, const struct nametime_zone *z);
/* "2026-11-22T02:00:00Z" (UTC); buf of at least 21 bytes. */
void nametime_format(char *buf, unsigned long size, int64_t t);

#endif
