/* Where a passphrase comes from. Jobs and containers have no terminal, so
 * a file (a mounted Secret) or the environment come first. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "agecrypt.h"
#include "io.h"
#include "log.h"

/* The first line of what r read, without its line end. */
static ssize_t
first_line(char *buf, ssize_t n)
{
	char *nl = memchr(buf, '\n', (size_t)n);

	if (nl)
		n = nl - buf;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = 0;
	return n;
}

static ssize_t
ask(int tty, const char *prompt, char *buf, size_t cap)
{
	struct termios old, quiet;
	ssize_t n;
	int restore;

	if (io_write_all(tty, prompt, strlen(prompt)) < 0)
		return -1;
	restore = tcgetattr(tty, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(tty, TCSAFLUSH, &quiet);
	}
	n = io_read(tty, buf, cap - 1);
	if (restore)
		tcsetattr(tty, TCSAFLUSH, &old);
	return n < 0 ? -1 : first_line(buf, n);
}

ssize_t
pass_get(char *buf, size_t cap, int confirm, char *err, size_t errcap)
{
	const char *env = getenv("AGECRYPT_PASSPHRASE");
	ssize_t n;
	int fd;

	if (opt.pass_file) {
		if ((fd = open(opt.pass_file, O_RDONLY | O_CLOEXEC)) < 0)
			die_errno(errno == ENOENT ? EX_NOINPUT : EX_NOPERM, "passphrase file %s", opt.pass_file);
		n = io_read_full(fd, buf, cap - 1);
		close(fd);
		if (n < 0)
			die_errno(EX_IOERR, "read passphrase file %s", opt.pass_file);
		n = first_line(buf, n);
	} else if (env) {
		if (strlen(env) >= cap)
			die(EX_USAGE, "AGECRYPT_PASSPHRASE is longer than %zu bytes", cap - 1);
		n = (ssize_t)strlen(env);
		memcpy(buf, env, (size_t)n + 1);
	} else {
		char again[1024];

		if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) < 0) {
			snprintf(err, errcap, "a passphrase is needed and there is no terminal to ask: give "
			    "--passphrase-file FILE or AGECRYPT_PASSPHRASE");
			return -1;
		}
		n = ask(fd, "Enter passphrase: ", buf, cap);
		if (n >= 0 && confirm) {
			ssize_t m = ask(fd, "Confirm passphrase: ", again, sizeof again);

			if (m != n || memcmp(buf, again, (size_t)n) != 0) {
				explicit_bzero(again, sizeof again);
				close(fd);
				die(EX_USAGE, "the passphrases do not match");
			}
			explicit_bzero(again, sizeof again);
		}
		close(fd);
		if (n < 0)
			die_errno(EX_IOERR, "read the passphrase from the terminal");
	}
	if (n == 0) {
		snprintf(err, errcap, "the passphrase is empty");
		return -1;
	}
	return n;
}
