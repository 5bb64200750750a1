/* TCP connections with deadlines: every address getaddrinfo gives for the
 * host (IPv6 and IPv4, in its order) is tried with a non-blocking connect
 * bounded by the deadline; keepalives are on. */
#ifndef PGOPS_NET_H
#define PGOPS_NET_H

#include <stddef.h>
#include <stdint.h>

/* Returns a connected, blocking socket, or -1 with a message in err that
 * names host and port ("connect to db.example.com port 5432: Connection
 * refused"). */
int net_connect(const char *host, const char *port, uint64_t deadline, char *err, size_t errlen);
/* Connects to the Unix socket at path (a local connect does not wait):
 * the socket, or -1 with errno kept and "connect to PATH: why" in err. */
int net_connect_unix(const char *path, char *err, size_t errlen);
/* Splits "HOST:PORT" or "[IPV6]:PORT" at the last colon: host without
 * brackets (possibly empty) into host, *port pointing into spec. 0, or -1
 * when there is no colon, no port, or host does not fit. */
int net_split_hostport(const char *spec, char *host, size_t hostlen, const char **port);
/* Is host an IPv4 or IPv6 literal? If so, its bytes (4 or 16) go to ip. */
int net_ip_literal(const char *host, unsigned char ip[16]);
/* Send and receive exactly n bytes before the deadline: 0, or -1 with errno
 * (ETIMEDOUT on the deadline, ECONNRESET on a close while receiving). */
int net_send_all(int fd, const void *buf, size_t n, uint64_t deadline);
int net_recv_all(int fd, void *buf, size_t n, uint64_t deadline);

#endif
