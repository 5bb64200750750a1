/* TLS client on BearSSL, the one TLS stack of pgops (HTTPS, S3 and the
 * PostgreSQL tunnel alike): TLS 1.2, SNI, full chain validation and host
 * name verification against DNS and IP subjectAltNames by default.
 *
 * Trust anchors come, in order, from an explicit file (--cacert, or libpq's
 * sslrootcert), SSL_CERT_FILE, SSL_CERT_DIR, the usual system bundles, and
 * last a bundle compiled into the binary from the build machine's, so that
 * a FROM scratch image verifies servers with no files at all. Memory: a
 * connection is one struct tls_conn (about 38 KiB, caller-owned); nothing is
 * allocated on the data path. */
#ifndef PGOPS_TLS_H
#define PGOPS_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <bearssl.h>

enum tls_verify {
	TLS_VERIFY_FULL, /* chain and host name */
	TLS_VERIFY_CA,   /* chain only (libpq's verify-ca) */
	TLS_VERIFY_NONE  /* nothing: --insecure, libpq's require without a CA */
};

struct tls_anchors {
	br_x509_trust_anchor *ta;
	size_t n, cap;
	int builtin;       /* ta points at the compiled-in list */
	char source[320];  /* where they came from, for -v */
};

/* PEM file with one or more certificates. 0, or -1 with a message. */
int tls_anchors_file(struct tls_anchors *a, const char *path, char *err, size_t errlen);
/* SSL_CERT_FILE, SSL_CERT_DIR, system bundles, then the built-in bundle. */
int tls_anchors_default(struct tls_anchors *a, char *err, size_t errlen);
void tls_anchors_free(struct tls_anchors *a);

/* A client certificate chain and its key (RSA or EC, PEM: PKCS#1, SEC1 or
 * PKCS#8), for mutual TLS. */
struct tls_client_cert {
	br_x509_certificate *chain;
	size_t n;
	int keytype; /* BR_KEYTYPE_RSA or BR_KEYTYPE_EC */
	br_rsa_private_key rsa;
	br_ec_private_key ec;
	unsigned char *keymem;
	size_t keylen;
};

int tls_client_cert_load(struct tls_client_cert *c, const char *certfile, const char *keyfile,
    char *err, size_t errlen);
void tls_client_cert_free(struct tls_client_cert *c);

/* The x509 engine wrapper: mode, host name or IP checks, and the end-entity
 * certificate kept for IP subjectAltName checks and for "none" mode. */
struct tls_x509 {
	const br_x509_class *vtable;
	br_x509_minimal_context minimal;
	br_x509_decoder_context dec;
	enum tls_verify mode;
	const char *name;  /* checked DNS name, or NULL */
	unsigned char ip[16];
	int iplen;
	int index, overflow, err;
	size_t eelen;
	unsigned char ee[8192];
};

struct tls_conn {
	br_ssl_client_context cc;
	struct tls_x509 x;
	int fd;
	char host[256];
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
};

/* Handshake over the connected socket fd. host is what the user named
 * (checked against the certificate under TLS_VERIFY_FULL, sent as SNI when
 * sni is set and host is not an IP literal). On failure returns -1 with a
 * message naming the host and the reason; fd stays open for the caller. */
int tls_handshake(struct tls_conn *c, int fd, const char *host, int sni, enum tls_verify mode,
    const struct tls_anchors *a, const struct tls_client_cert *cert, uint64_t deadline,
    char *err, size_t errlen);
/* Up to n bytes of application data: >0, 0 at the peer's close, -1 with
 * errno (ETIMEDOUT at the deadline, EPROTO for TLS errors). */
ssize_t tls_read(struct tls_conn *c, void *buf, size_t n, uint64_t deadline);
/* All n bytes, flushed. 0 or -1 with errno. */
int tls_write_all(struct tls_conn *c, const void *buf, size_t n, uint64_t deadline);
/* close_notify (best effort, short deadline) and close(fd). */
void tls_close(struct tls_conn *c);
/* A sentence for a BearSSL error code. */
const char *tls_strerror(int brerr);

/* The compiled-in anchors (generated at build time). */
extern const br_x509_trust_anchor tls_builtin_ta[];
extern const size_t tls_builtin_ta_n;

/* Internal, exposed for the fuzz target: PEM file contents to DER objects,
 * and one DER certificate to a trust anchor. */
struct tls_pem_obj {
	char name[128];
	unsigned char *der;
	size_t len;
};
int tls_pem_decode(const unsigned char *buf, size_t len, struct tls_pem_obj **objs, size_t *n);
void tls_pem_free(struct tls_pem_obj *objs, size_t n);
int tls_anchor_add_der(struct tls_anchors *a, const unsigned char *der, size_t len);
/* Does the DER certificate carry an iPAddress subjectAltName equal to ip? */
int tls_cert_has_ip(const unsigned char *der, size_t len, const unsigned char *ip, int iplen);

#endif
