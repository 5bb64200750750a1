/* lib/deadline: remaining time, expiry, and poll bounded by a deadline. */
#include <poll.h>
#include <unistd.h>

#include "deadline.h"
#include "tap.h"

int
main(void)
{
	uint64_t d, t0;
	int p[2];

	tap_plan(8);
	tap_is_int(deadline_poll_ms(0), -1, "no deadline: poll waits without timeout");
	tap_ok(!deadline_passed(0), "no deadline never passes");
	d = deadline_in(60000);
	tap_ok(deadline_poll_ms(d) > 59000 && deadline_poll_ms(d) <= 60000, "a minute left");
	tap_ok(!deadline_passed(d), "not passed yet");
	tap_is_int(deadline_poll_ms(deadline_now() - 1), 0, "past deadline: 0 ms left");

	pipe(p);
	t0 = deadline_now();
	d = deadline_in(50);
	tap_is_int(deadline_poll(p[0], POLLIN, d), 0, "poll on a silent pipe times out");
	tap_ok(deadline_passed(d) && deadline_now() >= t0 + 50, "and returns only once the deadline passed");
	write(p[1], "x", 1);
	tap_is_int(deadline_poll(p[0], POLLIN, deadline_in(5000)), 1, "ready descriptor: 1 at once");
	return tap_done();
}
