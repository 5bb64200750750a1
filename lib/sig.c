#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sig.h"

static volatile sig_atomic_t caught;
static __thread int cancels;

static void
on_signal(int sig)
{
	if (!caught)
		caught = sig;
}

/* SIGINT and SIGHUP that whoever started us set to be ignored stay
 * ignored: nohup ignores SIGHUP so that a backup outlives the login that
 * started it, and a shell starts a script's background job with SIGINT
 * ignored so that a Ctrl-C meant for the script leaves it running. SIGTERM
 * is always caught: it is how an orchestrator stops a job, and nothing sets
 * it ignored on our behalf. */
static void
sig_catch(int sig, const struct sigaction *sa)
{
	struct sigaction old;

	if (sig != SIGTERM && sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	sigaction(sig, sa, NULL);
}

void
sig_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked read(2) must return EINTR so loops notice. */
	sig_catch(SIGINT, &sa);
	sig_catch(SIGTERM, &sa);
	sig_catch(SIGHUP, &sa);
	signal(SIGPIPE, SIG_IGN);
}

int
sig_caught(void)
{
	return caught;
}

void
sig_exit(void)
{
	int s = caught ? caught : SIGTERM;

	log_error("interrupted by SIG%s", s == SIGINT ? "INT" : s == SIGHUP ? "HUP" : "TERM");
	exit(128 + s);
}

void
sig_block_thread(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

void
sig_cancel_thread(void)
{
	sig_block_thread();
	cancels = 1;
}

int
sig_thread_cancels(void)
{
	return cancels;
}
