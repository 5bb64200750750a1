/* HTTP/1.1 client over TCP or TLS for S3, credential endpoints and
 * healthprobe: keep-alive reuse, Content-Length, chunked and read-to-close
 * bodies, request bodies from memory, no Expect, a deadline per request
 * covering connect, TLS and the whole response. Response heads are bounded
 * (HTTP_HEAD_MAX) and bodies go to a caller buffer of stated capacity. */
#ifndef PGOPS_HTTP_H
#define PGOPS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "rate.h"
#include "tls.h"

#define HTTP_HEAD_MAX 16384
#define HTTP_MAX_HEADERS 64

struct http_url {
	int https;
	char host[256]; /* without brackets for IPv6 literals */
	char port[8];
	char path[4096]; /* path and query, at least "/" */
};

/* http://host[:port][/path] or https://...; 0 or -1. */
int http_url_parse(const char *url, struct http_url *u);
/* The Host header's value for u: brackets for IPv6, the port unless it is
 * the scheme's default (what SigV4 signs must be what is sent). */
void http_host_header(const struct http_url *u, char *out, size_t cap);

struct http_header {
	const char *name, *value;
};

struct http_response {
	int status;
	int minor;      /* HTTP/1.x */
	int keepalive;  /* the connection may carry another request */
	int chunked;
	int64_t length; /* Content-Length, or -1 */
	size_t nh;
	struct http_header h[HTTP_MAX_HEADERS];
	char head[HTTP_HEAD_MAX];
	size_t bodylen;
};

/* Parses a response head (status line and headers up to the empty line)
 * from buf. Returns the head's length (>0), 0 when more bytes are needed,
 * -1 when malformed or larger than HTTP_HEAD_MAX. */
int http_parse_head(struct http_response *r, const char *buf, size_t len);
/* Case-insensitive header lookup; NULL if absent. */
const char *http_header(const struct http_response *r, const char *name);
/* A Content-Range value "bytes FIRST-LAST/TOTAL" (TOTAL may be "*":
 * *total is then UINT64_MAX): 0, or -1 when it is anything else (another
 * unit, LAST before FIRST, a number that overflows, trailing bytes). */
int http_content_range(const char *v, uint64_t *first, uint64_t *last, uint64_t *total);

/* Chunked transfer decoding, push style. */
struct http_chunked {
	int state;
	uint64_t left;
	size_t linelen;
};
/* Consumes from in, writes data to out (capacity outcap); returns bytes of
 * in consumed, or -1 when malformed. *produced gets the data written, *done
 * is set after the last chunk and its trailers. */
long http_chunked_feed(struct http_chunked *c, const unsigned char *in, size_t n,
    unsigned char *out, size_t outcap, size_t *produced, int *done);

/* A request head as a small server sees it (healthprobe serve). */
struct http_request {
	char method[8];
	char path[256];   /* without the query */
	char query[256];
	int minor;        /* HTTP/1.x */
	int keepalive;
	int has_body;     /* Content-Length > 0 or chunked: refused */
};
#define HTTP_REQUEST_HEAD_MAX 8192
/* Parses a request head from buf. Returns its length (>0), 0 when more is
 * needed, -1 malformed (400), -2 larger than HTTP_REQUEST_HEAD_MAX (431),
 * -3 a method or target too long for the fields (414 / 501 alike: 400). */
int http_parse_request(struct http_request *r, const char *buf, size_t len);

struct http_client {
	struct http_url url; /* scheme, host and port used for every request */
	enum tls_verify verify;
	const struct tls_anchors *anchors;
	const struct tls_client_cert *cert;
	const char *servername; /* TLS name to check and send instead of host */
	int fd;
	struct tls_conn *tls;
	unsigned connects;      /* connections opened so far */
	unsigned requests;      /* on the current connection */
	size_t rpos, rlen;
	unsigned char rbuf[16384];
	struct rate *rate;      /* a bandwidth limit for both directions, or NULL */
};

/* Prepare a client for base (scheme, host, port); nothing is opened yet. */
int http_client_init(struct http_client *c, const char *base_url);
/* One request. headers are full "Name: value" lines (no CRLF). The body of
 * the response goes to body (capacity cap, never more; a larger body is an
 * error). Returns 0, or -1 with a message naming the host. A reused
 * connection that the server closed meanwhile is reopened once. */
int http_request(struct http_client *c, const char *method, const char *path,
    const char *const *headers, size_t nheaders, const void *reqbody, size_t reqlen,
    struct http_response *resp, unsigned char *body, size_t cap, uint64_t deadline,
    char *err, size_t errlen);
void http_client_close(struct http_client *c);

#endif
