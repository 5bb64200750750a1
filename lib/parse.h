/* Parsing of the numbers people type on command lines and in environments.
 * Each returns 0 on success and -1 (nothing stored) on anything malformed,
 * including overflow, so callers can name the bad option. */
#ifndef PGOPS_PARSE_H
#define PGOPS_PARSE_H

#include <stdint.h>

/* A decimal integer in [0, max]. */
int parse_uint(const char *s, uint64_t max, uint64_t *out);

/* A size: digits with an optional suffix. K, M, G, T (also written KiB,
 * MiB, GiB, TiB, or lowercase) are powers of 1024; KB, MB, GB, TB are
 * powers of 1000; B or no suffix means bytes. "64M", "1GiB", "500MB". */
int parse_size(const char *s, uint64_t *out);

/* A duration in milliseconds: one or more <digits><unit> with units ms, s,
 * m (minutes), h, d, w, as in "90s", "26h", "7d", "1h30m", "250ms". A bare
 * number means seconds. */
int parse_duration_ms(const char *s, uint64_t *out);

#endif
