#include <errno.h>
#include <poll.h>
#include <time.h>

#include "deadline.h"
#include "sig.h"

uint64_t
deadline_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
deadline_in(uint64_t ms)
{
	return deadline_now() + ms;
}

int
deadline_passed(uint64_t deadline)
{
	return deadline && deadline_now() >= deadline;
}

int
deadline_poll_ms(uint64_t deadline)
{
	uint64_t now;

	if (!deadline)
		return -1;
	now = deadline_now();
	if (now >= deadline)
		return 0;
	return deadline - now > 0x7fffffff ? 0x7fffffff : (int)(deadline - now);
}

int
deadline_poll(int fd, short events, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int sliced = sig_thread_cancels();

	for (;;) {
		int ms = deadline_poll_ms(deadline), r;

		/* A thread with the signals blocked never sees EINTR: it looks
		 * at the flag between short waits instead. */
		if (sliced && sig_caught()) {
			errno = EINTR;
			return -1;
		}
		if (sliced && (ms < 0 || ms > 100))
			ms = 100;
		r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR && !sig_caught())
			continue;
		if (r < 0)
			return -1;
		if (r == 0 && sliced && !deadline_passed(deadline))
			continue;
		return r > 0 ? 1 : 0;
	}
}
