/* Deadlines: every wait in pgops has one. A deadline is an absolute point on
 * the monotonic clock; 0 means "none" and is only for waits that a human
 * started on purpose (a TTY), never for network or lock waits. */
#ifndef PGOPS_DEADLINE_H
#define PGOPS_DEADLINE_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t deadline_now(void);
/* The deadline ms milliseconds from now. */
uint64_t deadline_in(uint64_t ms);
/* Milliseconds left, 0 once passed; a poll(2) timeout (-1 for no deadline). */
int deadline_poll_ms(uint64_t deadline);
int deadline_passed(uint64_t deadline);
/* poll(2) for events on fd until the deadline: 1 ready, 0 timed out, -1 error
 * (EINTR when a signal was caught, in the main thread, or in a thread that
 * called sig_cancel_thread). */
int deadline_poll(int fd, short events, uint64_t deadline);

#endif
