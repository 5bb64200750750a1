/* pg_connect: libpq's connection settings, our TLS. See pg.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "net.h"
#include "parse.h"
#include "pg.h"
#include "pg_tunnel.h"
#include "sig.h"
#include "tls.h"
#include "xmem.h"

#define MAX_HOSTS 16

/* What a tunnel needs to open more TLS sessions to the same server. */
struct pg_target {
	char host[256], addr[256], port[8];
	enum tls_verify mode;
	int sni;
	uint64_t timeout_ms;
	struct tls_anchors anchors;
	struct tls_client_cert cert;
	int have_anchors, have_cert;
};

struct pg_link {
	struct pg_tunnel tunnel; /* first: pg_conn's pointer converts back */
	struct pg_target tgt;
};

static const unsigned char ssl_request[8] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };

static void
target_free(struct pg_target *t)
{
	if (t->have_anchors)
		tls_anchors_free(&t->anchors);
	if (t->have_cert)
		tls_client_cert_free(&t->cert);
	t->have_anchors = t->have_cert = 0;
}

/* TCP, SSLRequest, and the server's one-byte answer ('S' or 'N'), or -1. */
static int
ssl_request_send(const struct pg_target *t, uint64_t deadline, int *fd, char *err, size_t errlen)
{
	char ans;

	*fd = net_connect(t->addr[0] ? t->addr : t->host, t->port, deadline, err, errlen);
	if (*fd < 0) {
		char why[256];
		const char *c = strstr(err, ": ");

		snprintf(why, sizeof why, "%s", c ? c + 2 : err);
		snprintf(err, errlen, "connection to server at \"%s\", port %s failed: %s", t->host,
		    t->port, why);
		return -1;
	}
	if (net_send_all(*fd, ssl_request, sizeof ssl_request, deadline) < 0 ||
	    net_recv_all(*fd, &ans, 1, deadline) < 0) {
		snprintf(err, errlen, "connection to server at \"%s\", port %s failed: SSL request: %s",
		    t->host, t->port, errno == ETIMEDOUT ? "timed out" :
		    errno == ECONNRESET ? "server closed the connection" : strerror(errno));
		close(*fd);
		*fd = -1;
		return -1;
	}
	return (unsigned char)ans;
}

static int
target_handshake(const struct pg_target *t, int fd, struct tls_conn *tls, uint64_t deadline,
    char *err, size_t errlen)
{
	char msg[400];

	if (tls_handshake(tls, fd, t->host, t->sni, t->mode, t->have_anchors ? &t->anchors : NULL,
	    t->have_cert ? &t->cert : NULL, deadline, msg, sizeof msg) < 0) {
		snprintf(err, errlen, "connection to server at \"%s\", port %s failed: %s", t->host,
		    t->port, msg);
		return -1;
	}
	return 0;
}

/* For the tunnel: a new TLS session (a cancel request's connection). */
static int
reconnect(void *arg, struct tls_conn *tls, char *err, size_t errlen)
{
	const struct pg_target *t = arg;
	uint64_t deadline = deadline_in(t->timeout_ms);
	int fd, a = ssl_request_send(t, deadline, &fd, err, errlen);

	if (a < 0)
		return -1;
	if (a != 'S' || target_handshake(t, fd, tls, deadline, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	return 0;
}

void
pg_error_text(const struct pg_conn *pc, const char *msg, char *out, size_t outlen)
{
	const struct pg_link *l = (const struct pg_link *)pc->tunnel;
	size_t o = 0;

	while (*msg && o + 1 < outlen) {
		const char *q;

		if (l && strncmp(msg, "on socket \"@", 12) == 0 &&
		    strncmp(msg + 12, l->tunnel.name, strlen(l->tunnel.name)) == 0 &&
		    (q = strchr(msg + 12, '"'))) {
			o += (size_t)snprintf(out + o, outlen - o, "at \"%s\", port %s", pc->host, pc->port);
			msg = q + 1;
			continue;
		}
		/* One line: libpq's newlines and tabs become single spaces. */
		if (*msg == '\n' || *msg == '\t') {
			if (o > 0 && out[o - 1] != ' ')
				out[o++] = ' ';
		} else {
			out[o++] = *msg;
		}
		msg++;
	}
	if (o >= outlen)
		o = outlen - 1;
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = 0;
}

/* The exit code of a failed connection. The server's refusals carry a
 * SQLSTATE, which does not depend on its lc_messages: a role that may not
 * log in or does not exist (class 28) or may not connect (42501) is 77, a
 * database that does not exist (3D000) a configuration error, 78 (neither
 * is worth retrying); anything else the server says (starting up, too many
 * connections) is 69. Without a SQLSTATE the message is libpq's own (built
 * without NLS, so always English) and its authentication refusals are
 * recognised by their words. */
static int
classify(const char *sqlstate, const char *msg)
{
	static const char *const auth[] = {
		"authentication failed", "requires a valid client certificate", "no pg_hba.conf entry",
		"pg_hba.conf rejects", "permission denied", "password", "certificate authentication",
	};

	if (sqlstate[0]) {
		if (strncmp(sqlstate, "28", 2) == 0 || strcmp(sqlstate, "42501") == 0)
			return EX_NOPERM;
		if (strcmp(sqlstate, "3D000") == 0)
			return EX_CONFIG;
		return EX_UNAVAILABLE;
	}
	for (size_t i = 0; i < sizeof auth / sizeof auth[0]; i++)
		if (strstr(msg, auth[i]))
			return EX_NOPERM;
	return EX_UNAVAILABLE;
}

/* libpq's verbose message ("...failed: FATAL:  3D000: database ... does
 * not exist\nLOCATION:  ...") into the usual one, and its SQLSTATE (the
 * first) into sqlstate[6], "" when the server sent none. */
static void
verbose_strip(char *msg, char sqlstate[6])
{
	char *p = msg, *loc;

	sqlstate[0] = 0;
	while ((p = strstr(p, ":  ")) != NULL) {
		p += 3;
		if (strspn(p, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 5 && p[5] == ':' && p[6] == ' ') {
			if (!sqlstate[0])
				memcpy(sqlstate, p, 5), sqlstate[5] = 0;
			memmove(p, p + 7, strlen(p + 7) + 1);
		}
	}
	while ((loc = strstr(msg, "LOCATION:  ")) != NULL) {
		char *next = strchr(loc, '\n');

		next = next ? next + 1 : loc + strlen(loc);
		memmove(loc, next, strlen(next) + 1);
	}
}

struct settings {
	PQconninfoOption *given, *defs;
};

const char *
pg_setting(PQconninfoOption *given, PQconninfoOption *defaults, const char *kw)
{
	for (PQconninfoOption *o = given; o && o->keyword; o++)
		if (strcmp(o->keyword, kw) == 0 && o->val)
			return o->val;
	for (PQconninfoOption *o = defaults; o && o->keyword; o++)
		if (strcmp(o->keyword, kw) == 0 && o->val)
			return o->val;
	return NULL;
}

/* libpq itself connects: to host/port (a socket directory, an abstract
 * socket, or a TCP host in plain text). */
static int
libpq_connect(struct pg_conn *pc, const struct settings *s, const char *host, const char *addr,
    const char *port, uint64_t deadline, char *err, size_t errlen)
{
	const char *kw[64], *val[64];
	int n = 0;
	char msg[1024], text[1024], sqlstate[6];

	for (PQconninfoOption *o = s->given; o && o->keyword && n < 56; o++) {
		if (!o->val || strcmp(o->keyword, "host") == 0 || strcmp(o->keyword, "hostaddr") == 0 ||
		    strcmp(o->keyword, "port") == 0 || strncmp(o->keyword, "ssl", 3) == 0 ||
		    strcmp(o->keyword, "requiressl") == 0)
			continue;
		kw[n] = o->keyword, val[n++] = o->val;
	}
	kw[n] = "host", val[n++] = host;
	if (addr && *addr)
		kw[n] = "hostaddr", val[n++] = addr;
	kw[n] = "port", val[n++] = port;
	kw[n] = "sslmode", val[n++] = "disable";
	if (!pg_setting(s->given, s->defs, "application_name"))
		kw[n] = "application_name", val[n++] = log_prog;
	if (!pg_setting(s->given, s->defs, "keepalives"))
		kw[n] = "keepalives", val[n++] = "1";
	kw[n] = NULL, val[n] = NULL;
	/* Polled here rather than PQconnectdbParams: the deadline is ours,
	 * and the verbose messages carry the server's SQLSTATE. */
	pc->conn = PQconnectStartParams(kw, val, 0);
	if (!pc->conn)
		die(EX_SOFTWARE, "out of memory for a connection");
	PQsetErrorVerbosity(pc->conn, PQERRORS_VERBOSE);
	for (PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	    PQstatus(pc->conn) != CONNECTION_BAD && st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED;) {
		int r = deadline_poll(PQsocket(pc->conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline);

		if (r < 0 && sig_caught()) {
			PQfinish(pc->conn);
			pc->conn = NULL;
			sig_exit();
		}
		if (r == 0) {
			snprintf(err, errlen, "connection to server at \"%s\", port %s failed: timeout expired",
			    pc->host, port);
			PQfinish(pc->conn);
			pc->conn = NULL;
			return EX_UNAVAILABLE;
		}
		st = PQconnectPoll(pc->conn);
	}
	if (PQstatus(pc->conn) == CONNECTION_OK) {
		PQsetErrorVerbosity(pc->conn, PQERRORS_DEFAULT);
		return 0;
	}
	snprintf(msg, sizeof msg, "%s", PQerrorMessage(pc->conn));
	verbose_strip(msg, sqlstate);
	pg_error_text(pc, msg, text, sizeof text);
	snprintf(err, errlen, "%s", text);
	PQfinish(pc->conn);
	pc->conn = NULL;
	return classify(sqlstate, text);
}

static int
file_exists(const char *path)
{
	return path && access(path, F_OK) == 0;
}

/* Trust anchors, client certificate and mode for this sslmode, as libpq
 * decides them. Returns 0 or an exit code. */
static int
tls_setup(struct pg_target *t, const struct settings *s, const char *sslmode, char *err, size_t errlen)
{
	const char *home = getenv("HOME"), *root = pg_setting(s->given, s->defs, "sslrootcert");
	const char *cert = pg_setting(s->given, s->defs, "sslcert"), *key = pg_setting(s->given, s->defs, "sslkey"), *sni = pg_setting(s->given, s->defs, "sslsni");
	char defroot[512] = "", defcert[512] = "", defkey[512] = "";
	int verify = strncmp(sslmode, "verify-", 7) == 0;

	if (home) {
		snprintf(defroot, sizeof defroot, "%s/.postgresql/root.crt", home);
		snprintf(defcert, sizeof defcert, "%s/.postgresql/postgresql.crt", home);
		snprintf(defkey, sizeof defkey, "%s/.postgresql/postgresql.key", home);
	}
	t->sni = !(sni && strcmp(sni, "0") == 0);
	if (!root || !*root)
		root = defroot;
	if (strcmp(root, "system") == 0) {
		if (strcmp(sslmode, "verify-full") != 0) {
			snprintf(err, errlen, "weak sslmode \"%s\" may not be used with sslrootcert=system "
			    "(use \"verify-full\")", sslmode);
			return EX_CONFIG;
		}
		if (tls_anchors_default(&t->anchors, err, errlen) < 0)
			return EX_CONFIG;
		t->have_anchors = 1;
		t->mode = TLS_VERIFY_FULL;
	} else if (file_exists(root)) {
		if (tls_anchors_file(&t->anchors, root, err, errlen) < 0)
			return EX_CONFIG;
		t->have_anchors = 1;
		t->mode = strcmp(sslmode, "verify-full") == 0 ? TLS_VERIFY_FULL : TLS_VERIFY_CA;
	} else if (verify) {
		snprintf(err, errlen, "root certificate file \"%s\" does not exist; either provide the file, "
		    "use the system's trusted roots with sslrootcert=system, or change sslmode to disable "
		    "server certificate verification", root);
		return EX_CONFIG;
	} else {
		t->mode = TLS_VERIFY_NONE;
	}
	if (!cert || !*cert)
		cert = defcert;
	if (!key || !*key)
		key = defkey;
	if (file_exists(cert)) {
		if (tls_client_cert_load(&t->cert, cert, key, err, errlen) < 0)
			return EX_CONFIG;
		t->have_cert = 1;
	}
	return 0;
}

/* One TCP host with TLS per sslmode; may fall back to plain (prefer). */
static int
tls_connect(struct pg_conn *pc, const struct settings *s, const char *host, const char *addr,
    const char *port, const char *sslmode, uint64_t timeout_ms, char *err, size_t errlen)
{
	struct pg_link *l = xcalloc(1, sizeof *l);
	struct pg_target *t = &l->tgt;
	uint64_t deadline = deadline_in(timeout_ms);
	struct tls_conn *tls;
	char name[80];
	int fd, a, r;

	snprintf(t->host, sizeof t->host, "%s", host);
	snprintf(t->addr, sizeof t->addr, "%s", addr ? addr : "");
	snprintf(t->port, sizeof t->port, "%s", port);
	t->timeout_ms = timeout_ms;
	if ((r = tls_setup(t, s, sslmode, err, errlen)) != 0)
		goto fail;
	a = ssl_request_send(t, deadline, &fd, err, errlen);
	if (a < 0) {
		r = EX_UNAVAILABLE;
		goto fail;
	}
	if (a != 'S') {
		close(fd);
		if (strcmp(sslmode, "prefer") == 0 || strcmp(sslmode, "allow") == 0) {
			target_free(t);
			free(l);
			return libpq_connect(pc, s, host, addr, port, deadline, err, errlen);
		}
		snprintf(err, errlen, "connection to server at \"%s\", port %s failed: server does not "
		    "support SSL, but SSL was required (sslmode=%s)", host, port, sslmode);
		r = EX_UNAVAILABLE;
		goto fail;
	}
	tls = xmalloc(sizeof *tls);
	if (target_handshake(t, fd, tls, deadline, err, errlen) < 0) {
		close(fd);
		free(tls);
		r = strstr(err, "client certificate") ? EX_NOPERM : EX_UNAVAILABLE;
		goto fail;
	}
	if (pg_tunnel_start(&l->tunnel, tls, port, reconnect, t, err, errlen) < 0) {
		tls_close(tls);
		free(tls);
		r = EX_SOFTWARE;
		goto fail;
	}
	pc->tunnel = &l->tunnel;
	pc->tls = 1;
	snprintf(name, sizeof name, "@%s", l->tunnel.name);
	/* libpq would prefer PGHOSTADDR over the tunnel; we reached it already. */
	unsetenv("PGHOSTADDR");
	r = libpq_connect(pc, s, name, NULL, port, deadline, err, errlen);
	if (r == 0)
		return 0;
	pg_tunnel_stop(&l->tunnel);
	pc->tunnel = NULL;
	pc->tls = 0;
fail:
	target_free(t);
	free(l);
	return r;
}

static size_t
split(char *s, char **out, size_t max)
{
	size_t n = 0;
	char *tok;

	while (n < max && (tok = strsep(&s, ",")))
		out[n++] = tok;
	return n;
}

int
pg_connect(struct pg_conn *pc, const char *conninfo, char *err, size_t errlen)
{
	return pg_connect_timeout(pc, conninfo, 0, err, errlen);
}

int
pg_connect_timeout(struct pg_conn *pc, const char *conninfo, uint64_t limit_ms, char *err,
    size_t errlen)
{
	static const char *const modes[] = { "disable", "allow", "prefer", "require", "verify-ca", "verify-full" };
	struct settings s;
	const char *ci = conninfo && *conninfo ? conninfo : getenv("DATABASE_URL");
	const char *sslmode, *ct;
	char *perr = NULL, *hostbuf, *portbuf, *addrbuf;
	char *hosts[MAX_HOSTS], *ports[MAX_HOSTS], *addrs[MAX_HOSTS];
	size_t nh, np, na;
	uint64_t timeout_ms = 30000, secs;
	int r = EX_UNAVAILABLE, known = 0;
	char errs[2048] = "";

	memset(pc, 0, sizeof *pc);
	s.given = PQconninfoParse(ci ? ci : "", &perr);
	if (!s.given) {
		char clean[512];

		snprintf(clean, sizeof clean, "%s", perr ? perr : "out of memory");
		for (char *q = clean; *q; q++)
			if (*q == '\n')
				*q = ' ';
		snprintf(err, errlen, "invalid connection settings: %s", clean);
		PQfreemem(perr);
		return EX_CONFIG;
	}
	s.defs = PQconndefaults();
	/* Not setting(): a libpq built without SSL reports "disable" as its
	 * default, while libpq's documented default, which we implement, is
	 * prefer. */
	sslmode = NULL;
	for (PQconninfoOption *o = s.given; o && o->keyword; o++)
		if (strcmp(o->keyword, "sslmode") == 0 && o->val && *o->val)
			sslmode = o->val;
	if (!sslmode)
		sslmode = getenv("PGSSLMODE");
	if (!sslmode || !*sslmode)
		sslmode = "prefer";
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		known |= strcmp(sslmode, modes[i]) == 0;
	if (!known) {
		snprintf(err, errlen, "invalid sslmode value: \"%s\"", sslmode);
		r = EX_CONFIG;
		goto out;
	}
	if ((ct = pg_setting(s.given, s.defs, "connect_timeout")) && *ct) {
		if (parse_uint(ct, 86400, &secs) < 0) {
			snprintf(err, errlen, "invalid connect_timeout value: \"%s\"", ct);
			r = EX_CONFIG;
			goto out;
		}
		if (secs > 0)
			timeout_ms = (secs < 2 ? 2 : secs) * 1000; /* libpq's minimum */
	}
	if (limit_ms)
		timeout_ms = limit_ms;
	hostbuf = xstrdup(pg_setting(s.given, s.defs, "host") ? pg_setting(s.given, s.defs, "host") : "");
	portbuf = xstrdup(pg_setting(s.given, s.defs, "port") ? pg_setting(s.given, s.defs, "port") : "");
	addrbuf = xstrdup(pg_setting(s.given, s.defs, "hostaddr") ? pg_setting(s.given, s.defs, "hostaddr") : "");
	nh = split(hostbuf, hosts, MAX_HOSTS);
	np = split(portbuf, ports, MAX_HOSTS);
	na = split(addrbuf, addrs, MAX_HOSTS);
	if (na > 1 && nh <= 1) { /* hostaddr alone names the hosts */
		nh = na;
		for (size_t i = 0; i < nh; i++)
			hosts[i] = addrs[i];
	}
	if ((np > 1 && np != nh) || (na > 1 && na != nh)) {
		snprintf(err, errlen, "could not match %zu port numbers (or host addresses) to %zu hosts", np, nh);
		r = EX_CONFIG;
	} else {
		for (size_t i = 0; i < nh; i++) {
			const char *h = hosts[i], *a = na > 1 ? addrs[i] : (na == 1 ? addrs[0] : NULL);
			const char *p = np > 1 ? ports[i] : (np == 1 && *ports[0] ? ports[0] : "5432");
			char one[1024];
			int local = (!*h && !(a && *a)) || h[0] == '/' || h[0] == '@';

			if (!*h && a && *a)
				h = a;
			snprintf(pc->host, sizeof pc->host, "%s", h);
			snprintf(pc->port, sizeof pc->port, "%s", p);
			if (local || strcmp(sslmode, "disable") == 0) {
				r = libpq_connect(pc, &s, h, a, p, deadline_in(timeout_ms), one, sizeof one);
			} else if (strcmp(sslmode, "allow") == 0) {
				r = libpq_connect(pc, &s, h, a, p, deadline_in(timeout_ms), one, sizeof one);
				if (r != 0)
					r = tls_connect(pc, &s, h, a, p, sslmode, timeout_ms, one, sizeof one);
			} else {
				r = tls_connect(pc, &s, h, a, p, sslmode, timeout_ms, one, sizeof one);
			}
			if (r == 0)
				break;
			snprintf(errs + strlen(errs), sizeof errs - strlen(errs), "%s%s", *errs ? "; " : "", one);
			if (r == EX_CONFIG)
				break;
		}
		if (r != 0)
			snprintf(err, errlen, "%s", errs);
	}
	free(hostbuf);
	free(portbuf);
	free(addrbuf);
out:
	PQconninfoFree(s.given);
	PQconninfoFree(s.defs);
	return r;
}

void
pg_close(struct pg_conn *pc)
{
	if (pc->conn)
		PQfinish(pc->conn);
	pc->conn = NULL;
	if (pc->tunnel) {
		struct pg_link *l = (struct pg_link *)pc->tunnel;

		pg_tunnel_stop(&l->tunnel);
		target_free(&l->tgt);
		free(l);
		pc->tunnel = NULL;
	}
}

int
pg_cancel(struct pg_conn *pc, char *err, size_t errlen)
{
	PGcancel *c = PQgetCancel(pc->conn);
	char buf[256];
	int ok;

	if (!c) {
		snprintf(err, errlen, "cannot cancel: no connection");
		return -1;
	}
	ok = PQcancel(c, buf, sizeof buf);
	PQfreeCancel(c);
	if (!ok) {
		pg_error_text(pc, buf, err, errlen);
		return -1;
	}
	return 0;
}

static void
conninfo_value(struct sbuf *b, const char *v)
{
	sbuf_putc(b, '\'');
	for (; *v; v++) {
		if (*v == '\'' || *v == '\\')
			sbuf_putc(b, '\\');
		sbuf_putc(b, *v);
	}
	sbuf_putc(b, '\'');
}

char *
pg_conninfo_with(const char *conninfo, const char *key, const char *value)
{
	const char *ci = conninfo && *conninfo ? conninfo : getenv("DATABASE_URL");
	PQconninfoOption *given = PQconninfoParse(ci ? ci : "", NULL), *defs;
	struct sbuf b = { 0 };
	const char *old;

	if (!given)
		return NULL;
	for (PQconninfoOption *o = given; o->keyword; o++) {
		if (!o->val || strcmp(o->keyword, key) == 0)
			continue;
		sbuf_printf(&b, "%s=", o->keyword);
		conninfo_value(&b, o->val);
		sbuf_putc(&b, ' ');
	}
	sbuf_printf(&b, "%s=", key);
	defs = PQconndefaults();
	if (strcmp(key, "options") == 0 && (old = pg_setting(given, defs, "options")) && *old) {
		struct sbuf v = { 0 };

		sbuf_printf(&v, "%s %s", old, value);
		conninfo_value(&b, v.s);
		sbuf_free(&v);
	} else {
		conninfo_value(&b, value);
	}
	PQconninfoFree(defs);
	PQconninfoFree(given);
	return sbuf_take(&b);
}
