#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "deadline.h"
#include "net.h"

int
net_ip_literal(const char *host, unsigned char ip[16])
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, host, &a4) == 1) {
		memcpy(ip, &a4, 4);
		return 4;
	}
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		memcpy(ip, &a6, 16);
		return 16;
	}
	return 0;
}

static int
try_addr(const struct addrinfo *ai, uint64_t deadline, int *err)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	int one = 1, soerr = 0;
	socklen_t sl = sizeof soerr;

	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		*err = errno;
		close(fd);
		return -1;
	}
	switch (deadline_poll(fd, POLLOUT, deadline)) {
	case 1:
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
			*err = soerr ? soerr : errno;
			close(fd);
			return -1;
		}
		break;
	case 0:
		*err = ETIMEDOUT;
		close(fd);
		return -1;
	default:
		*err = errno;
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

int
net_connect(const char *host, const char *port, uint64_t deadline, char *err, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	int r, fd = -1, e = ECONNREFUSED;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	r = getaddrinfo(host, port, &hints, &res);
	if (r == EAI_ADDRFAMILY || r == EAI_NONAME) {
		hints.ai_flags = 0; /* loopback-only machines and literals */
		r = getaddrinfo(host, port, &hints, &res);
	}
	if (r != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		if (deadline_passed(deadline)) {
			e = ETIMEDOUT;
			break;
		}
		fd = try_addr(ai, deadline, &e);
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "connect to %s port %s: %s", host, port,
		    e == ETIMEDOUT ? "timed out" : strerror(e));
	return fd;
}

int
net_send_all(int fd, const void *buf, size_t n, uint64_t deadline)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w;
		int r = deadline_poll(fd, POLLOUT, deadline);

		if (r <= 0) {
			if (r == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w < 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

int
net_recv_all(int fd, void *buf, size_t n, uint64_t deadline)
{
	char *p = buf;

	while (n > 0) {
		ssize_t r;
		int pr = deadline_poll(fd, POLLIN, deadline);

		if (pr <= 0) {
			if (pr == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		r = recv(fd, p, n, MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = ECONNRESET;
			return -1;
		}
		p += r, n -= (size_t)r;
	}
	return 0;
}

int
net_connect_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int fd, e;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		snprintf(err, errlen, "connect to %s: %s", path, strerror(errno));
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "connect to %s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	return fd;
}

int
net_split_hostport(const char *spec, char *host, size_t hostlen, const char **port)
{
	const char *colon = strrchr(spec, ':');
	size_t hl;

	if (!colon || !colon[1])
		return -1;
	hl = (size_t)(colon - spec);
	if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']')
		spec++, hl -= 2;
	if (hl >= hostlen)
		return -1;
	memcpy(host, spec, hl);
	host[hl] = 0;
	*port = colon + 1;
	return 0;
}
