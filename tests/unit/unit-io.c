/* lib/io and lib/sig: full writes, ENOSPC and EPIPE reported as errors (not
 * signals), short reads assembled, and a caught signal interrupting a read. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "io.h"
#include "sig.h"
#include "tap.h"

int
main(void)
{
	static char big[1 << 20];
	char buf[16];
	int p[2], fd;
	struct itimerval it;

	tap_plan(10);
	sig_setup();

	fd = open("/dev/full", O_WRONLY);
	tap_ok(fd >= 0 && io_write_all(fd, "x", 1) == -1 && errno == ENOSPC, "full disk: -1 with ENOSPC");
	close(fd);

	pipe(p);
	close(p[0]);
	tap_ok(io_write_all(p[1], "x", 1) == -1 && errno == EPIPE, "closed pipe: -1 with EPIPE, no SIGPIPE death");
	close(p[1]);

	pipe(p);
	if (fork() == 0) {
		/* The writer sends more than a pipe holds; the reader drains it. */
		close(p[0]);
		memset(big, 'z', sizeof big);
		_exit(io_write_all(p[1], big, sizeof big) == 0 ? 0 : 1);
	}
	close(p[1]);
	{
		static char got[1 << 20];
		ssize_t n = io_read_full(p[0], got, sizeof got);
		tap_ok(n == (ssize_t)sizeof got && got[0] == 'z' && got[sizeof got - 1] == 'z',
		    "1 MiB through a pipe: full write, full read (%zd)", n);
		tap_is_int(io_read_full(p[0], got, 10), 0, "end of input reads 0");
	}
	close(p[0]);

	tap_is_str(io_name("-"), "(stdin)", "stdin is named (stdin)");
	tap_is_str(io_name("a.gz"), "a.gz", "files keep their name");

	/* A signal arriving during a blocked read interrupts it. */
	pipe(p);
	memset(&it, 0, sizeof it);
	it.it_value.tv_usec = 100000;
	signal(SIGALRM, SIG_IGN);
	tap_is_int(sig_caught(), 0, "no signal caught yet");
	{
		struct sigaction sa;
		sigaction(SIGTERM, NULL, &sa);
		sigaction(SIGALRM, &sa, NULL); /* the same flag-only handler */
	}
	setitimer(ITIMER_REAL, &it, NULL);
	tap_ok(io_read(p[0], buf, sizeof buf) == -1 && errno == EINTR, "blocked read returns EINTR on a signal");
	tap_is_int(sig_caught(), SIGALRM, "and the signal is recorded");
	close(p[0]);
	close(p[1]);

	/* A signal during a write that already put part of its bytes into a
	 * full pipe: write(2) returns the short count, not EINTR, and the
	 * write must still end instead of blocking again. */
	pipe(p);
	setitimer(ITIMER_REAL, &it, NULL);
	tap_ok(io_write_all(p[1], big, sizeof big) == -1 && errno == EINTR,
	    "a signal during a blocked write that wrote part: -1 with EINTR");
	return tap_done();
}
