/* Signals: SIGINT, SIGTERM and SIGHUP only set a flag that the work loops
 * check, so programs end their work cleanly (abort uploads, remove partial
 * files) and exit 128+signal; a SIGINT or SIGHUP ignored by whoever started
 * the program (nohup, a shell's background job) stays ignored. SIGPIPE is
 * ignored so that a closed pipe shows up as EPIPE from write(2) and is
 * reported like any other write error. */
#ifndef PGOPS_SIG_H
#define PGOPS_SIG_H

void sig_setup(void);
/* The signal caught so far, or 0. */
int sig_caught(void);
/* Log "interrupted by SIGxxx" and exit 128+signal. */
_Noreturn void sig_exit(void);
/* Call at the start of worker threads: the main thread takes the signals. */
void sig_block_thread(void);
/* Also for a worker whose waits must end with the work (s3put's part
 * uploads): from now on this thread's deadline_poll waits at most 100 ms at
 * a time and fails with EINTR once a signal has been caught, so that a
 * stalled request never holds the way out for its whole deadline. Threads
 * the way out itself needs (the TLS tunnel that carries a cancel request
 * to PostgreSQL) must not call it. */
void sig_cancel_thread(void);
/* 1 when this thread called sig_cancel_thread. */
int sig_thread_cancels(void);

#endif
