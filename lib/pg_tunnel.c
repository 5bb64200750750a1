/* The TLS tunnel under libpq: a listening abstract Unix socket and one
 * relay thread. The first connection libpq makes gets the TLS session that
 * pg_connect already established (so handshake errors are reported before
 * libpq starts); later ones (PQcancel's) get a fresh TCP + SSLRequest + TLS
 * connection to the same server. Only our own process may connect: the
 * peer's pid (SO_PEERCRED) must be ours, so no other local process can ride
 * a connection authenticated by our client certificate. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "pg_tunnel.h"
#include "sig.h"
#include "xmem.h"

#define MAX_RELAYS 8

#define FILTER_MAX 8192

/* Server-to-libpq bytes pass through a filter until authentication ends.
 * The server offers SCRAM-SHA-256-PLUS (channel binding) on TLS sessions,
 * but libpq sees a plain socket and refuses such an offer outright; so the
 * filter drops -PLUS from the AuthenticationSASL list and libpq does plain
 * SCRAM-SHA-256 ("n" in its GS2 header, which the server accepts). The
 * server is still authenticated by our certificate checks. */
struct relay {
	int ufd; /* libpq's side */
	struct tls_conn *tls;
	int ueof;
	int filter;
	size_t flen, olen, opos;
	unsigned char fbuf[FILTER_MAX], obuf[FILTER_MAX + 64];
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* Moves complete messages from fbuf to obuf, rewriting the SASL offer. */
static void
filter_run(struct relay *r)
{
	static const char plus[] = "SCRAM-SHA-256-PLUS";

	while (r->filter && r->flen >= 5) {
		uint32_t len = be32(r->fbuf + 1);
		size_t total = (size_t)len + 1;

		if (len < 4 || total > FILTER_MAX) {
			r->filter = 0; /* not a startup exchange we know: hand over as is */
			break;
		}
		if (r->flen < total || sizeof r->obuf - r->olen < total)
			return;
		if (r->fbuf[0] == 'R' && len >= 8 && be32(r->fbuf + 5) == 10) {
			/* AuthenticationSASL: NUL-terminated names, then a NUL. */
			unsigned char *o = r->obuf + r->olen, *w = o + 9;
			const unsigned char *m = r->fbuf + 9, *end = r->fbuf + total;

			while (m < end && *m) {
				size_t n = strnlen((const char *)m, (size_t)(end - m));

				if (!(n == sizeof plus - 1 && memcmp(m, plus, n) == 0)) {
					memcpy(w, m, n + 1 <= (size_t)(end - m) ? n + 1 : n);
					w += n + 1;
				}
				m += n + 1;
			}
			*w++ = 0;
			o[0] = 'R';
			put_be32(o + 1, (uint32_t)(w - o - 1));
			put_be32(o + 5, 10);
			r->olen += (size_t)(w - o);
		} else {
			memcpy(r->obuf + r->olen, r->fbuf, total);
			r->olen += total;
			/* AuthenticationOk or anything but an auth request ends it. */
			if (r->fbuf[0] != 'R' || (len >= 8 && be32(r->fbuf + 5) == 0))
				r->filter = 0;
		}
		memmove(r->fbuf, r->fbuf + total, r->flen - total);
		r->flen -= total;
	}
	if (!r->filter && r->flen) {
		/* The rest after the filter's end passes untouched, in order. */
		size_t k = r->flen <= sizeof r->obuf - r->olen ? r->flen : sizeof r->obuf - r->olen;

		memcpy(r->obuf + r->olen, r->fbuf, k);
		r->olen += k;
		memmove(r->fbuf, r->fbuf + k, r->flen - k);
		r->flen -= k;
	}
}

static void
nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void
relay_free(struct relay *r)
{
	if (r->ufd >= 0)
		close(r->ufd);
	if (r->tls) {
		tls_close(r->tls);
		free(r->tls);
	}
	r->ufd = -1;
	r->tls = NULL;
}

/* Moves what can move without blocking, trying every direction on each
 * pass until a whole pass moves nothing; returns -1 when the relay is over.
 * A direction that would block drops its readiness bit until the next poll. */
static int
relay_step(struct relay *r, short tev, short uev)
{
	br_ssl_engine_context *e = &r->tls->cc.eng;
	unsigned char *buf;
	size_t len;
	ssize_t n;
	int progress;

	do {
		unsigned st = br_ssl_engine_current_state(e);

		progress = 0;
		if (st & BR_SSL_CLOSED)
			return -1;
		/* TLS records out to the server. */
		if ((st & BR_SSL_SENDREC) && (tev & POLLOUT)) {
			buf = br_ssl_engine_sendrec_buf(e, &len);
			n = send(r->tls->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				br_ssl_engine_sendrec_ack(e, (size_t)n), progress = 1;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -1;
			else
				tev &= ~POLLOUT;
			st = br_ssl_engine_current_state(e);
		}
		/* Filtered startup bytes out to libpq. */
		if (r->opos < r->olen && (uev & POLLOUT)) {
			n = send(r->ufd, r->obuf + r->opos, r->olen - r->opos, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0) {
				r->opos += (size_t)n, progress = 1;
				if (r->opos == r->olen)
					r->opos = r->olen = 0;
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				return -1;
			} else {
				uev &= ~POLLOUT;
			}
		}
		/* Decrypted data from the server: through the startup filter... */
		if ((st & BR_SSL_RECVAPP) && (r->filter || r->flen)) {
			size_t k;

			buf = br_ssl_engine_recvapp_buf(e, &len);
			k = len < FILTER_MAX - r->flen ? len : FILTER_MAX - r->flen;
			if (k == 0 && r->olen == 0) {
				r->filter = 0; /* a message larger than the filter: pass it on */
				filter_run(r);
				progress = 1;
			} else if (k > 0) {
				memcpy(r->fbuf + r->flen, buf, k);
				r->flen += k;
				br_ssl_engine_recvapp_ack(e, k);
				filter_run(r);
				progress = 1;
			}
			st = br_ssl_engine_current_state(e);
		} else if ((st & BR_SSL_RECVAPP) && r->olen == 0 && (uev & POLLOUT)) {
			/* ...or, once authentication is over, straight to libpq. */
			buf = br_ssl_engine_recvapp_buf(e, &len);
			n = send(r->ufd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				br_ssl_engine_recvapp_ack(e, (size_t)n), progress = 1;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -1;
			else
				uev &= ~POLLOUT;
			st = br_ssl_engine_current_state(e);
		}
		/* TLS records in from the server. */
		if ((st & BR_SSL_RECVREC) && (tev & POLLIN)) {
			buf = br_ssl_engine_recvrec_buf(e, &len);
			n = recv(r->tls->fd, buf, len, MSG_DONTWAIT);
			if (n > 0)
				br_ssl_engine_recvrec_ack(e, (size_t)n), progress = 1;
			else if (n == 0 || (errno != EAGAIN && errno != EINTR))
				return -1; /* the server went away */
			else
				tev &= ~POLLIN;
			st = br_ssl_engine_current_state(e);
		}
		/* libpq's bytes in, encrypted toward the server. */
		if ((st & BR_SSL_SENDAPP) && (uev & POLLIN) && !r->ueof) {
			buf = br_ssl_engine_sendapp_buf(e, &len);
			n = recv(r->ufd, buf, len, MSG_DONTWAIT);
			if (n > 0) {
				br_ssl_engine_sendapp_ack(e, (size_t)n);
				br_ssl_engine_flush(e, 0);
				progress = 1;
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				/* libpq closed its end: say goodbye to the server. */
				r->ueof = 1;
				br_ssl_engine_close(e);
				progress = 1;
			} else {
				uev &= ~POLLIN;
			}
		}
		/* Writes may be possible right after a pass that queued data. */
		if (progress) {
			tev |= POLLOUT;
			uev |= POLLOUT;
		}
	} while (progress);
	if (r->ueof && !(br_ssl_engine_current_state(e) & BR_SSL_SENDREC))
		return -1;
	return 0;
}

static void
relay_events(const struct relay *r, short *tev, short *uev)
{
	unsigned st = br_ssl_engine_current_state(&r->tls->cc.eng);

	*tev = (short)((st & BR_SSL_SENDREC ? POLLOUT : 0) | (st & BR_SSL_RECVREC ? POLLIN : 0));
	*uev = (short)((st & BR_SSL_RECVAPP || r->olen ? POLLOUT : 0) |
	    (st & BR_SSL_SENDAPP && !r->ueof ? POLLIN : 0));
}

static int
peer_is_us(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof cred;

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.pid == getpid();
}

static void *
tunnel_main(void *arg)
{
	struct pg_tunnel *t = arg;
	/* On the heap: musl gives threads 128 KiB of stack by default. */
	struct relay *relays = xcalloc(MAX_RELAYS, sizeof *relays);
	int nrel = 0;

	sig_block_thread();
	for (int i = 0; i < MAX_RELAYS; i++)
		relays[i].ufd = -1;
	for (;;) {
		struct pollfd p[2 + 2 * MAX_RELAYS];
		int np = 0;

		p[np].fd = t->stop[0], p[np++].events = POLLIN;
		p[np].fd = t->lfd, p[np++].events = nrel < MAX_RELAYS ? POLLIN : 0;
		for (int i = 0; i < nrel; i++) {
			short tev, uev;

			relay_events(&relays[i], &tev, &uev);
			p[np].fd = relays[i].tls->fd, p[np++].events = tev;
			p[np].fd = relays[i].ufd, p[np++].events = uev;
		}
		if (poll(p, (nfds_t)np, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		for (int i = 0; i < nrel; i++) {
			short tev = p[2 + 2 * i].revents, uev = p[3 + 2 * i].revents;

			if (tev & (POLLERR | POLLHUP))
				tev |= POLLIN | POLLOUT;
			if (uev & (POLLERR | POLLHUP))
				uev |= POLLIN | POLLOUT;
			if ((tev || uev) && relay_step(&relays[i], tev, uev) < 0) {
				relay_free(&relays[i]);
				relays[i] = relays[--nrel];
				relays[nrel].ufd = -1, relays[nrel].tls = NULL;
				i--; /* the moved relay's events are stale; it waits a round */
				break;
			}
		}
		if (p[1].revents & POLLIN) {
			int ufd = accept4(t->lfd, NULL, NULL, SOCK_CLOEXEC);
			struct tls_conn *tls;

			if (ufd < 0)
				continue;
			if (!peer_is_us(ufd)) {
				close(ufd);
				continue;
			}
			pthread_mutex_lock(&t->mu);
			tls = t->first;
			t->first = NULL;
			pthread_mutex_unlock(&t->mu);
			if (!tls) {
				char err[512];

				tls = xmalloc(sizeof *tls);
				if (t->reconnect(t->reconnect_arg, tls, err, sizeof err) < 0) {
					free(tls);
					close(ufd);
					continue;
				}
			}
			nonblock(ufd);
			nonblock(tls->fd);
			memset(&relays[nrel], 0, sizeof relays[nrel]);
			relays[nrel].ufd = ufd;
			relays[nrel].tls = tls;
			relays[nrel].filter = 1;
			nrel++;
		}
	}
	for (int i = 0; i < nrel; i++)
		relay_free(&relays[i]);
	free(relays);
	return NULL;
}

int
pg_tunnel_start(struct pg_tunnel *t, struct tls_conn *first, const char *port,
    int (*reconnect)(void *, struct tls_conn *, char *, size_t), void *arg, char *err, size_t errlen)
{
	static unsigned counter;
	struct sockaddr_un sa;
	unsigned char rnd[6];
	size_t plen;

	memset(t, 0, sizeof *t);
	t->lfd = -1;
	t->first = first;
	t->reconnect = reconnect;
	t->reconnect_arg = arg;
	pthread_mutex_init(&t->mu, NULL);
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		memset(rnd, 0, sizeof rnd);
	snprintf(t->name, sizeof t->name, "pgops-%d-%u-%02x%02x%02x%02x%02x%02x", (int)getpid(),
	    ++counter, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	/* libpq connects to "@name/.s.PGSQL.port" with the @ turned into a NUL
	 * and no terminating NUL counted in the address length. */
	plen = (size_t)snprintf(sa.sun_path + 1, sizeof sa.sun_path - 1, "%s/.s.PGSQL.%s", t->name, port);
	t->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (t->lfd < 0 || bind(t->lfd, (struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + plen)) < 0 ||
	    listen(t->lfd, 4) < 0 || pipe2(t->stop, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot set up the TLS tunnel for libpq: %s", strerror(errno));
		if (t->lfd >= 0)
			close(t->lfd);
		return -1;
	}
	/* BearSSL's handshakes (for cancel requests) want more than musl's
	 * 128 KiB default thread stack leaves after our frames. */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 512u << 10);
	if (pthread_create(&t->thread, &attr, tunnel_main, t) != 0) {
		pthread_attr_destroy(&attr);
		snprintf(err, errlen, "cannot start the TLS tunnel thread");
		close(t->lfd);
		close(t->stop[0]);
		close(t->stop[1]);
		return -1;
	}
	pthread_attr_destroy(&attr);
	t->running = 1;
	return 0;
}

void
pg_tunnel_stop(struct pg_tunnel *t)
{
	if (!t->running)
		return;
	if (write(t->stop[1], "x", 1) < 0) {
	}
	pthread_join(t->thread, NULL);
	close(t->stop[0]);
	close(t->stop[1]);
	close(t->lfd);
	if (t->first) {
		tls_close(t->first);
		free(t->first);
	}
	pthread_mutex_destroy(&t->mu);
	t->running = 0;
}
