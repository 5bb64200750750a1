/* The bandwidth limit: a schedule of when bytes may pass. */
#include <errno.h>
#include <time.h>

#include "deadline.h"
#include "rate.h"
#include "sig.h"

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void
rate_init(struct rate *r, uint64_t bytes_per_s)
{
	pthread_mutex_init(&r->mu, NULL);
	r->bytes_per_s = bytes_per_s;
	r->next_us = 0;
}

void
rate_free(struct rate *r)
{
	pthread_mutex_destroy(&r->mu);
}

int
rate_take(struct rate *r, size_t n, uint64_t deadline)
{
	uint64_t at, now = now_us();

	/* Reserve the slot: these bytes pass at `at`, and the next ones n /
	 * rate seconds later. Time not used (an idle pause) is not saved up:
	 * the schedule restarts from now, so no burst follows a pause. */
	pthread_mutex_lock(&r->mu);
	at = r->next_us > now ? r->next_us : now;
	r->next_us = at + (uint64_t)n * 1000000u / r->bytes_per_s;
	pthread_mutex_unlock(&r->mu);
	while ((now = now_us()) < at) {
		uint64_t left = at - now;
		struct timespec ts;

		if (sig_caught()) {
			errno = EINTR;
			return -1;
		}
		if (deadline_passed(deadline)) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (left > 100000)
			left = 100000;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000;
		nanosleep(&ts, NULL);
	}
	return 0;
}
