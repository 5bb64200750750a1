/* AWS Signature Version 4 for S3 requests signed in the Authorization
 * header: the canonical request (method, path, sorted query, sorted
 * lower-case headers, payload hash), the string to sign, and the signing key
 * derived from the secret, the day, the region and the service.
 *
 * S3 differs from other services in one way that matters: the path is
 * encoded once, not twice, and '/' stays as it is. Callers encode the path
 * and the query values with sigv4_uri_encode and send exactly what they
 * sign. */
#ifndef PGOPS_SIGV4_H
#define PGOPS_SIGV4_H

#include <stddef.h>

/* Percent-encodes every byte but A-Z a-z 0-9 - . _ ~ (and '/' when
 * keep_slash), upper-case hex. Returns the length, or -1 when it would not
 * fit in cap (with the NUL). */
long sigv4_uri_encode(char *out, size_t cap, const char *in, size_t n, int keep_slash);

struct sigv4_request {
	const char *method;
	const char *path;          /* encoded, as sent */
	const char *query;         /* encoded, as sent, without '?'; "" for none */
	const char *const *headers; /* "Name: value" lines to sign, Host among them */
	size_t nheaders;
	const char *payload_hash;  /* hex SHA-256 of the body, or UNSIGNED-PAYLOAD */
	const char *amzdate;       /* the x-amz-date value, YYYYMMDDTHHMMSSZ */
	const char *region;
	const char *service;
};

#define SIGV4_AUTH_MAX 1024

/* Writes the Authorization header's value into out. Returns 0, or -1 when a
 * header line is malformed or something does not fit. */
int sigv4_authorization(const struct sigv4_request *r, const char *access_key,
    const char *secret_key, char *out, size_t cap);

/* The canonical request itself (for tests and --debug); same returns. */
int sigv4_canonical_request(const struct sigv4_request *r, char *out, size_t cap,
    char *signed_headers, size_t shcap);

#endif
