/* pg_ping: is a PostgreSQL server up, without credentials? As pg_isready
 * decides it: any authentication request, or any error other than
 * cannot_connect_now (57P03: starting up, shutting down, in recovery without
 * hot standby), means the server is up and accepting connections. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "net.h"
#include "pg.h"

enum pg_ping
pg_ping(const char *conninfo, uint64_t deadline, char *msg, size_t msglen)
{
	PQconninfoOption *given, *defs;
	const char *ci = conninfo && *conninfo ? conninfo : getenv("DATABASE_URL");
	char *perr = NULL, host[256], port[16], err[300];
	const char *h, *p, *u, *a;
	unsigned char pkt[512], hdr[5], body[2048];
	size_t n = 8, len;
	int fd;
	enum pg_ping r = PG_PING_NO_RESPONSE;

	given = PQconninfoParse(ci ? ci : "", &perr);
	if (!given) {
		snprintf(msg, msglen, "invalid connection settings: %s", perr ? perr : "out of memory");
		PQfreemem(perr);
		return PG_PING_BAD_SETTINGS;
	}
	defs = PQconndefaults();
	/* Empty values mean "not set", as libpq reads them. */
	h = pg_setting(given, defs, "host");
	a = pg_setting(given, defs, "hostaddr");
	p = pg_setting(given, defs, "port");
	u = pg_setting(given, defs, "user");
	h = h && *h ? h : "/tmp";
	p = p && *p ? p : "5432";
	u = u && *u ? u : NULL;
	snprintf(host, sizeof host, "%.*s", (int)strcspn(h, ","), h);
	snprintf(port, sizeof port, "%.*s", (int)strcspn(p, ","), p);
	if (a && *a)
		snprintf(host, sizeof host, "%.*s", (int)strcspn(a, ","), a);
	/* StartupMessage, protocol 3.0; the user only names us in the log. */
	n += (size_t)snprintf((char *)pkt + n, sizeof pkt - n - 2, "user%c%s%c", 0, u ? u : "pgops", 0);
	pkt[n++] = 0;
	pkt[0] = (unsigned char)(n >> 24), pkt[1] = (unsigned char)(n >> 16);
	pkt[2] = (unsigned char)(n >> 8), pkt[3] = (unsigned char)n;
	pkt[4] = 0, pkt[5] = 3, pkt[6] = 0, pkt[7] = 0;
	PQconninfoFree(given);
	PQconninfoFree(defs);

	if (host[0] == '/') {
		char path[512];

		snprintf(path, sizeof path, "%s/.s.PGSQL.%s", host, port);
		fd = net_connect_unix(path, err, sizeof err);
	} else {
		fd = net_connect(host, port, deadline, err, sizeof err);
	}
	if (fd < 0) {
		if (host[0] == '/')
			snprintf(msg, msglen, "no server on socket %s/.s.PGSQL.%s: %s", host, port, strerror(errno));
		else
			snprintf(msg, msglen, "no response: %s", err);
		return PG_PING_NO_RESPONSE;
	}
	if (net_send_all(fd, pkt, n, deadline) < 0 || net_recv_all(fd, hdr, 5, deadline) < 0) {
		snprintf(msg, msglen, "no response from %s port %s: %s", host, port,
		    errno == ETIMEDOUT ? "timed out" : strerror(errno));
		goto out;
	}
	len = (size_t)hdr[1] << 24 | (size_t)hdr[2] << 16 | (size_t)hdr[3] << 8 | hdr[4];
	if (hdr[0] == 'R') {
		snprintf(msg, msglen, "accepting connections");
		r = PG_PING_OK;
		goto out;
	}
	if (hdr[0] != 'E' || len < 4 || len - 4 > sizeof body - 1 ||
	    net_recv_all(fd, body, len - 4, deadline) < 0) {
		snprintf(msg, msglen, "unexpected answer from %s port %s", host, port);
		goto out;
	}
	body[len - 4] = 0;
	{
		const char *code = "", *text = "";

		for (size_t i = 0; i < len - 4 && body[i]; ) {
			const char *v = (const char *)body + i + 1;

			if (body[i] == 'C')
				code = v;
			if (body[i] == 'M')
				text = v;
			i += 1 + strlen(v) + 1;
		}
		if (strcmp(code, "57P03") == 0) {
			snprintf(msg, msglen, "rejecting connections: %s", text);
			r = PG_PING_REJECT;
		} else {
			snprintf(msg, msglen, "accepting connections");
			r = PG_PING_OK;
		}
	}
out:
	close(fd);
	return r;
}
