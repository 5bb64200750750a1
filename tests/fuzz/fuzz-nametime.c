/* libFuzzer target for the backup name/time parser (lib/nametime.c) and the
 * retention duration parser. Property: a time found automatically, written
 * back as YYYYMMDDTHHMMSSZ, parses to the same time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nametime.h"
#include "retention.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nametime_zone utc = { 0, 0 };
	char s[512], fmt[64], back[64];
	struct retention_duration d;
	struct nametime_zone z;
	int64_t t, t2;

	if (size >= sizeof s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (nametime_parse(s, NULL, &utc, &t) == 0) {
		struct tm tm;
		time_t tt = (time_t)t;

		gmtime_r(&tt, &tm);
		if (tm.tm_year + 1900 <= 9999) {
			snprintf(back, sizeof back, "x-%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900,
			    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
			if (nametime_parse(back, NULL, &utc, &t2) != 0 || t2 != t)
				abort();
		}
	}
	/* The first bytes as a --time-format, the rest as the name. */
	if (size > 2 && data[0] < sizeof fmt && (size_t)data[0] + 1 < size) {
		memcpy(fmt, data + 1, data[0]);
		fmt[data[0]] = 0;
		if (strlen(fmt) == data[0])
			(void)nametime_parse(s + 1 + data[0], fmt, &utc, &t);
	}
	(void)nametime_rfc3339(s, &t);
	(void)nametime_zone_parse(s, &z);
	(void)retention_duration_parse(s, &d);
	return 0;
}
