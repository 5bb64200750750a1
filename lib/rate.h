/* A bandwidth limit shared by every connection of a program (s3put's
 * workers, s3cat's ranges): bytes are let through in the order they are
 * asked for, each slice at the time the limit allows it, so the average
 * over any stretch longer than a slice is the rate. */
#ifndef PGOPS_RATE_H
#define PGOPS_RATE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct rate {
	pthread_mutex_t mu;
	uint64_t bytes_per_s;
	uint64_t next_us;   /* monotonic time at which the next bytes may pass */
};

/* The largest piece a caller should let through at once. */
#define RATE_SLICE 16384

void rate_init(struct rate *r, uint64_t bytes_per_s);
void rate_free(struct rate *r);
/* Waits until n more bytes may pass: 0, or -1 with errno ETIMEDOUT when
 * that is after deadline (deadline.h milliseconds), EINTR on a signal. */
int rate_take(struct rate *r, size_t n, uint64_t deadline);

#endif
