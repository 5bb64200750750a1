/* The TLS connection: BearSSL's client engine driven over a socket with a
 * deadline on every wait, and an x509 engine wrapper that adds what the
 * minimal engine lacks: verify-ca (chain without name), IP subjectAltNames,
 * and "none" (accept any certificate, as --insecure and libpq's sslmode
 * require without a CA do). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "net.h"
#include "tls.h"

static struct tls_x509 *
wrap_of(const br_x509_class **ctx)
{
	return (struct tls_x509 *)(void *)ctx;
}

static void
xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls_x509 *x = wrap_of(ctx);

	(void)server_name; /* that is the SNI name; we check our own */
	x->index = 0;
	x->eelen = 0;
	x->overflow = 0;
	x->err = 0;
	x->minimal.vtable->start_chain(&x->minimal.vtable,
	    x->mode == TLS_VERIFY_FULL && !x->iplen ? x->name : NULL);
}

static void
xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_x509 *x = wrap_of(ctx);

	x->minimal.vtable->start_cert(&x->minimal.vtable, length);
}

static void
xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls_x509 *x = wrap_of(ctx);

	x->minimal.vtable->append(&x->minimal.vtable, buf, len);
	if (x->index == 0) {
		if (x->eelen + len > sizeof x->ee)
			x->overflow = 1;
		else
			memcpy(x->ee + x->eelen, buf, len), x->eelen += len;
	}
}

static void
xw_end_cert(const br_x509_class **ctx)
{
	struct tls_x509 *x = wrap_of(ctx);

	x->minimal.vtable->end_cert(&x->minimal.vtable);
	x->index++;
}

static unsigned
xw_end_chain(const br_x509_class **ctx)
{
	struct tls_x509 *x = wrap_of(ctx);
	unsigned r = x->minimal.vtable->end_chain(&x->minimal.vtable);

	if (x->mode == TLS_VERIFY_NONE) {
		/* Trust nothing, check nothing: take the key of the first
		 * certificate so the handshake can proceed. */
		if (x->overflow)
			return BR_ERR_X509_LIMIT_EXCEEDED;
		br_x509_decoder_init(&x->dec, NULL, NULL);
		br_x509_decoder_push(&x->dec, x->ee, x->eelen);
		return br_x509_decoder_get_pkey(&x->dec) ? 0 : BR_ERR_X509_BAD_SIGNATURE;
	}
	if (r != 0)
		return r;
	if (x->mode == TLS_VERIFY_FULL && x->iplen &&
	    (x->overflow || !tls_cert_has_ip(x->ee, x->eelen, x->ip, x->iplen)))
		return x->err = BR_ERR_X509_BAD_SERVER_NAME;
	return 0;
}

static const br_x509_pkey *
xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;

	if (x->mode == TLS_VERIFY_NONE) {
		if (usages)
			*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
		return br_x509_decoder_get_pkey(&x->dec);
	}
	return x->minimal.vtable->get_pkey(&x->minimal.vtable, usages);
}

static const br_x509_class wrap_vtable = {
	sizeof(struct tls_x509), xw_start_chain, xw_start_cert, xw_append, xw_end_cert,
	xw_end_chain, xw_get_pkey
};

const char *
tls_strerror(int e)
{
	switch (e) {
	case BR_ERR_X509_NOT_TRUSTED: return "certificate is not trusted (signed by an unknown CA)";
	case BR_ERR_X509_BAD_SERVER_NAME: return "certificate does not match the host name";
	case BR_ERR_X509_EXPIRED: return "certificate has expired or is not yet valid";
	case BR_ERR_X509_NOT_CA: return "an issuer in the chain is not a CA";
	case BR_ERR_X509_BAD_SIGNATURE: return "certificate signature is invalid";
	case BR_ERR_X509_LIMIT_EXCEEDED: return "certificate chain too large";
	case BR_ERR_X509_CRITICAL_EXTENSION: return "certificate has an unsupported critical extension";
	case BR_ERR_X509_WEAK_PUBLIC_KEY: return "certificate key is too weak";
	case BR_ERR_X509_EMPTY_CHAIN: return "server sent no certificate";
	case BR_ERR_BAD_VERSION: return "server does not speak TLS 1.2";
	case BR_ERR_BAD_CIPHER_SUITE: return "no cipher suite in common";
	case BR_ERR_IO: return "connection failed during the handshake";
	case BR_ERR_UNEXPECTED: return "unexpected message";
	case BR_ERR_BAD_MAC: return "record authentication failed";
	}
	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_RECV_FATAL_ALERT + 256) {
		switch (e - BR_ERR_RECV_FATAL_ALERT) {
		case 40: return "server refused the handshake (handshake_failure; a client certificate required?)";
		case 42: case 43: case 46: return "server refused the client certificate (or needs one)";
		case 48: return "server does not trust the client certificate's CA";
		case 112: return "server does not know the name sent (unrecognized_name)";
		case 116: return "server requires a client certificate";
		}
		return "server sent a fatal alert";
	}
	if (e >= BR_ERR_X509_OK && e < BR_ERR_X509_OK + 32)
		return "certificate could not be verified";
	return "TLS protocol error";
}

/* Runs the engine until one of the target states (BR_SSL_SENDAPP,
 * BR_SSL_RECVAPP) is reached. -1 with errno: ETIMEDOUT, EPROTO (engine
 * error; see br_ssl_engine_last_error), ECONNRESET, or 0-return EOF as
 * ENOTCONN once the engine closed cleanly. */
static int
pump(struct tls_conn *c, unsigned target, uint64_t deadline)
{
	br_ssl_engine_context *e = &c->cc.eng;

	for (;;) {
		unsigned st = br_ssl_engine_current_state(e);
		unsigned char *buf;
		size_t len;
		ssize_t r;
		int pr;

		if (st & BR_SSL_CLOSED) {
			errno = br_ssl_engine_last_error(e) ? EPROTO : ENOTCONN;
			return -1;
		}
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(e, &len);
			pr = deadline_poll(c->fd, POLLOUT, deadline);
			if (pr <= 0) {
				if (pr == 0)
					errno = ETIMEDOUT;
				return -1;
			}
			r = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r < 0)
				return -1;
			br_ssl_engine_sendrec_ack(e, (size_t)r);
			continue;
		}
		if (st & target)
			return 0;
		if ((st & BR_SSL_RECVAPP) && target == BR_SSL_SENDAPP) {
			errno = EPROTO; /* unread data where we want to write */
			return -1;
		}
		if (st & BR_SSL_RECVREC) {
			buf = br_ssl_engine_recvrec_buf(e, &len);
			pr = deadline_poll(c->fd, POLLIN, deadline);
			if (pr <= 0) {
				if (pr == 0)
					errno = ETIMEDOUT;
				return -1;
			}
			r = recv(c->fd, buf, len, MSG_DONTWAIT);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0) {
				if (r == 0)
					errno = ECONNRESET;
				return -1;
			}
			br_ssl_engine_recvrec_ack(e, (size_t)r);
			continue;
		}
		br_ssl_engine_flush(e, 0);
	}
}

int
tls_handshake(struct tls_conn *c, int fd, const char *host, int sni, enum tls_verify mode,
    const struct tls_anchors *a, const struct tls_client_cert *cert, uint64_t deadline,
    char *err, size_t errlen)
{
	unsigned char seed[32];
	int iplen;

	memset(&c->cc, 0, sizeof c->cc);
	memset(&c->x, 0, sizeof c->x);
	c->fd = fd;
	snprintf(c->host, sizeof c->host, "%s", host ? host : "");
	br_ssl_client_init_full(&c->cc, &c->x.minimal, a ? a->ta : NULL, a ? a->n : 0);
	c->x.vtable = &wrap_vtable;
	c->x.mode = mode;
	c->x.name = c->host[0] ? c->host : NULL;
	iplen = net_ip_literal(c->host, c->x.ip);
	c->x.iplen = iplen;
	if (mode != TLS_VERIFY_NONE && (!a || a->n == 0)) {
		snprintf(err, errlen, "TLS to %s: no trust anchors to verify the server with", c->host);
		return -1;
	}
	br_ssl_engine_set_x509(&c->cc.eng, &c->x.vtable);
	br_ssl_engine_set_versions(&c->cc.eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_buffer(&c->cc.eng, c->iobuf, sizeof c->iobuf, 1);
	if (cert && cert->n) {
		if (cert->keytype == BR_KEYTYPE_RSA)
			br_ssl_client_set_single_rsa(&c->cc, cert->chain, cert->n, &cert->rsa,
			    br_rsa_pkcs1_sign_get_default());
		else
			br_ssl_client_set_single_ec(&c->cc, cert->chain, cert->n, &cert->ec,
			    BR_KEYTYPE_SIGN, 0, br_ec_get_default(), br_ecdsa_sign_asn1_get_default());
	}
	if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
		snprintf(err, errlen, "TLS to %s: no entropy from getrandom: %s", c->host, strerror(errno));
		return -1;
	}
	br_ssl_engine_inject_entropy(&c->cc.eng, seed, sizeof seed);
	explicit_bzero(seed, sizeof seed);
	if (!br_ssl_client_reset(&c->cc, sni && !iplen && c->host[0] ? c->host : NULL, 0)) {
		snprintf(err, errlen, "TLS to %s: %s", c->host, tls_strerror(br_ssl_engine_last_error(&c->cc.eng)));
		return -1;
	}
	if (pump(c, BR_SSL_SENDAPP, deadline) < 0) {
		int be = br_ssl_engine_last_error(&c->cc.eng);

		if (errno == ETIMEDOUT)
			snprintf(err, errlen, "TLS handshake with %s timed out", c->host);
		else if (be == BR_ERR_IO || be == 0)
			snprintf(err, errlen, "TLS handshake with %s failed: connection closed by the server",
			    c->host);
		else
			snprintf(err, errlen, "TLS handshake with %s failed: %s", c->host, tls_strerror(be));
		return -1;
	}
	return 0;
}

ssize_t
tls_read(struct tls_conn *c, void *buf, size_t n, uint64_t deadline)
{
	unsigned char *p;
	size_t len;

	if (pump(c, BR_SSL_RECVAPP, deadline) < 0)
		return errno == ENOTCONN || errno == ECONNRESET ? 0 : -1;
	p = br_ssl_engine_recvapp_buf(&c->cc.eng, &len);
	if (len > n)
		len = n;
	memcpy(buf, p, len);
	br_ssl_engine_recvapp_ack(&c->cc.eng, len);
	return (ssize_t)len;
}

int
tls_write_all(struct tls_conn *c, const void *buf, size_t n, uint64_t deadline)
{
	const unsigned char *q = buf;

	while (n > 0) {
		unsigned char *p;
		size_t len;

		if (pump(c, BR_SSL_SENDAPP, deadline) < 0)
			return -1;
		p = br_ssl_engine_sendapp_buf(&c->cc.eng, &len);
		if (len > n)
			len = n;
		memcpy(p, q, len);
		br_ssl_engine_sendapp_ack(&c->cc.eng, len);
		q += len, n -= len;
	}
	br_ssl_engine_flush(&c->cc.eng, 0);
	/* Push the flushed records out before returning. */
	while (br_ssl_engine_current_state(&c->cc.eng) & BR_SSL_SENDREC)
		if (pump(c, BR_SSL_SENDAPP, deadline) < 0)
			return -1;
	return 0;
}

void
tls_close(struct tls_conn *c)
{
	if (c->fd < 0)
		return;
	br_ssl_engine_close(&c->cc.eng);
	/* Send our close_notify if it goes out at once; never wait for theirs. */
	{
		unsigned char *buf;
		size_t len;

		while (br_ssl_engine_current_state(&c->cc.eng) & BR_SSL_SENDREC) {
			ssize_t r;

			buf = br_ssl_engine_sendrec_buf(&c->cc.eng, &len);
			r = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (r <= 0)
				break;
			br_ssl_engine_sendrec_ack(&c->cc.eng, (size_t)r);
		}
	}
	close(c->fd);
	c->fd = -1;
}
