#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "sig.h"

int
io_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR && !sig_caught())
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		/* A signal that arrives after some bytes went through makes
		 * write(2) return the short count instead of EINTR. */
		if (n > 0 && sig_caught()) {
			errno = EINTR;
			return -1;
		}
	}
	return 0;
}

ssize_t
io_read(int fd, void *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);

		if (r < 0 && errno == EINTR && !sig_caught())
			continue;
		return r;
	}
}

ssize_t
io_read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = io_read(fd, (char *)buf + got, n - got);

		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

const char *
io_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "(stdin)" : path;
}
