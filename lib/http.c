/* The HTTP/1.1 client: one connection at a time, kept alive between
 * requests, over TCP or BearSSL TLS. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "http.h"
#include "net.h"
#include "opt.h"
#include "xmem.h"

int
http_client_init(struct http_client *c, const char *base_url)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->verify = TLS_VERIFY_FULL;
	return http_url_parse(base_url, &c->url);
}

void
http_client_close(struct http_client *c)
{
	if (c->tls) {
		tls_close(c->tls);
		free(c->tls);
		c->tls = NULL;
	} else if (c->fd >= 0) {
		close(c->fd);
	}
	c->fd = -1;
	c->requests = 0;
	c->rpos = c->rlen = 0;
}

void
http_host_header(const struct http_url *u, char *out, size_t cap)
{
	if (strchr(u->host, ':'))
		snprintf(out, cap, "[%s]", u->host);
	else
		snprintf(out, cap, "%s", u->host);
	if ((u->https && strcmp(u->port, "443") != 0) || (!u->https && strcmp(u->port, "80") != 0))
		snprintf(out + strlen(out), cap - strlen(out), ":%s", u->port);
}

static int
open_conn(struct http_client *c, uint64_t deadline, char *err, size_t errlen)
{
	c->fd = net_connect(c->url.host, c->url.port, deadline, err, errlen);
	if (c->fd < 0)
		return -1;
	c->connects++;
	if (c->url.https) {
		c->tls = xmalloc(sizeof *c->tls);
		if (tls_handshake(c->tls, c->fd, c->servername ? c->servername : c->url.host, 1,
		    c->verify, c->anchors, c->cert, deadline, err, errlen) < 0) {
			close(c->fd);
			free(c->tls);
			c->tls = NULL;
			c->fd = -1;
			return -1;
		}
	}
	return 0;
}

static int
conn_write_now(struct http_client *c, const void *buf, size_t n, uint64_t deadline)
{
	if (c->tls)
		return tls_write_all(c->tls, buf, n, deadline);
	return net_send_all(c->fd, buf, n, deadline);
}

static int
conn_write(struct http_client *c, const void *buf, size_t n, uint64_t deadline)
{
	const unsigned char *p = buf;

	/* Under a bandwidth limit, a slice at a time, each when it may pass. */
	while (c->rate && n > RATE_SLICE) {
		if (rate_take(c->rate, RATE_SLICE, deadline) < 0 || conn_write_now(c, p, RATE_SLICE, deadline) < 0)
			return -1;
		p += RATE_SLICE;
		n -= RATE_SLICE;
	}
	if (c->rate && rate_take(c->rate, n, deadline) < 0)
		return -1;
	return conn_write_now(c, p, n, deadline);
}

/* Fills rbuf when empty: >0 bytes available, 0 at EOF, -1 error. */
static ssize_t
conn_fill(struct http_client *c, uint64_t deadline)
{
	ssize_t r;

	if (c->rpos < c->rlen)
		return (ssize_t)(c->rlen - c->rpos);
	c->rpos = c->rlen = 0;
	if (c->tls) {
		r = tls_read(c->tls, c->rbuf, sizeof c->rbuf, deadline);
	} else {
		int pr = deadline_poll(c->fd, POLLIN, deadline);

		if (pr <= 0) {
			if (pr == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		do
			r = recv(c->fd, c->rbuf, sizeof c->rbuf, 0);
		while (r < 0 && errno == EINTR);
	}
	if (r > 0)
		c->rlen = (size_t)r;
	/* What was read counts against a bandwidth limit before more is: TCP
	 * holds the sender back meanwhile. */
	if (r > 0 && c->rate && rate_take(c->rate, (size_t)r, deadline) < 0)
		return -1;
	return r;
}

static void
io_error(struct http_client *c, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s %s:%s: %s", what, c->url.host, c->url.port,
	    errno == ETIMEDOUT ? "timed out" : errno == EPROTO ? "TLS error" : strerror(errno));
}

/* The request head and body: 0, -2 when a reused connection turns out to
 * be closed (the caller retries on a new one), -1 with a message. */
static int
send_request(struct http_client *c, const char *method, const char *path, const char *const *headers,
    size_t nheaders, const void *reqbody, size_t reqlen, int reused, uint64_t deadline, char *err, size_t errlen)
{
	size_t rl, rcap = 1024 + strlen(path);
	char *req, host[300];

	for (size_t i = 0; i < nheaders; i++)
		rcap += strlen(headers[i]) + 2;
	req = xmalloc(rcap);
	http_host_header(&c->url, host, sizeof host);
	rl = (size_t)snprintf(req, rcap, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: pgops/%s\r\n",
	    method, path, host, PGOPS_VERSION);
	for (size_t i = 0; i < nheaders; i++)
		rl += (size_t)snprintf(req + rl, rcap - rl, "%s\r\n", headers[i]);
	if (reqlen || strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0)
		rl += (size_t)snprintf(req + rl, rcap - rl, "Content-Length: %zu\r\n", reqlen);
	rl += (size_t)snprintf(req + rl, rcap - rl, "\r\n");
	if (conn_write(c, req, rl, deadline) < 0 || (reqlen && conn_write(c, reqbody, reqlen, deadline) < 0)) {
		free(req);
		if (reused && errno != ETIMEDOUT)
			return -2;
		io_error(c, "send to", err, errlen);
		return -1;
	}
	free(req);
	c->requests++;
	return 0;
}

/* The answer's head, accumulated until the empty line; what follows it
 * stays in rbuf. 0, -2 (a reused connection closed before answering), or
 * -1 with a message. */
static int
read_head(struct http_client *c, struct http_response *resp, int reused, uint64_t deadline, char *err,
    size_t errlen)
{
	char head[HTTP_HEAD_MAX];
	size_t hn = 0;

	for (;;) {
		ssize_t got = conn_fill(c, deadline);
		size_t k;
		int hl;

		if (got <= 0) {
			if (reused && hn == 0 && (got == 0 || errno == ECONNRESET || errno == EPIPE))
				return -2;
			if (got == 0)
				snprintf(err, errlen, "%s:%s closed the connection before answering",
				    c->url.host, c->url.port);
			else
				io_error(c, "receive from", err, errlen);
			return -1;
		}
		k = c->rlen - c->rpos;
		if (k > sizeof head - hn)
			k = sizeof head - hn;
		memcpy(head + hn, c->rbuf + c->rpos, k);
		hn += k;
		hl = http_parse_head(resp, head, hn);
		if (hl < 0) {
			snprintf(err, errlen, "%s:%s sent a malformed HTTP response head", c->url.host, c->url.port);
			return -1;
		}
		if (hl > 0) {
			c->rpos += k - (hn - (size_t)hl);
			return 0;
		}
		c->rpos += k;
	}
}

/* A chunked body into body (capacity cap). */
static int
read_chunked(struct http_client *c, struct http_response *resp, unsigned char *body, size_t cap,
    uint64_t deadline, char *err, size_t errlen)
{
	struct http_chunked ch = { 0 };
	int done = 0;

	while (!done) {
		ssize_t got = conn_fill(c, deadline);
		size_t produced;
		long used;

		if (got <= 0) {
			io_error(c, "receive from", err, errlen);
			if (got == 0)
				snprintf(err, errlen, "%s:%s closed the connection inside a chunked body",
				    c->url.host, c->url.port);
			return -1;
		}
		used = http_chunked_feed(&ch, c->rbuf + c->rpos, c->rlen - c->rpos, body + resp->bodylen,
		    cap - resp->bodylen, &produced, &done);
		if (used < 0) {
			snprintf(err, errlen, "%s:%s sent malformed chunked data", c->url.host, c->url.port);
			return -1;
		}
		resp->bodylen += produced;
		c->rpos += (size_t)used;
		if (!done && used == 0 && resp->bodylen == cap) {
			snprintf(err, errlen, "response body from %s:%s is larger than %zu bytes",
			    c->url.host, c->url.port, cap);
			return -1;
		}
	}
	return 0;
}

/* A body of Content-Length bytes. */
static int
read_sized(struct http_client *c, struct http_response *resp, unsigned char *body, size_t cap,
    uint64_t deadline, char *err, size_t errlen)
{
	if ((uint64_t)resp->length > cap) {
		snprintf(err, errlen, "response body from %s:%s is %lld bytes, more than %zu allowed",
		    c->url.host, c->url.port, (long long)resp->length, cap);
		return -1;
	}
	while (resp->bodylen < (size_t)resp->length) {
		ssize_t got = conn_fill(c, deadline);
		size_t k;

		if (got <= 0) {
			if (got == 0)
				snprintf(err, errlen, "%s:%s closed the connection after %zu of %lld body bytes",
				    c->url.host, c->url.port, resp->bodylen, (long long)resp->length);
			else
				io_error(c, "receive from", err, errlen);
			return -1;
		}
		k = c->rlen - c->rpos;
		if (k > (size_t)resp->length - resp->bodylen)
			k = (size_t)resp->length - resp->bodylen;
		memcpy(body + resp->bodylen, c->rbuf + c->rpos, k);
		resp->bodylen += k;
		c->rpos += k;
	}
	return 0;
}

/* No length: the body runs to the end of the connection. */
static int
read_to_close(struct http_client *c, struct http_response *resp, unsigned char *body, size_t cap,
    uint64_t deadline, char *err, size_t errlen)
{
	resp->keepalive = 0;
	for (;;) {
		ssize_t got = conn_fill(c, deadline);
		size_t k;

		if (got == 0)
			return 0;
		if (got < 0) {
			io_error(c, "receive from", err, errlen);
			return -1;
		}
		k = c->rlen - c->rpos;
		if (k > cap - resp->bodylen) {
			snprintf(err, errlen, "response body from %s:%s is larger than %zu bytes",
			    c->url.host, c->url.port, cap);
			return -1;
		}
		memcpy(body + resp->bodylen, c->rbuf + c->rpos, k);
		resp->bodylen += k;
		c->rpos += k;
	}
}

/* One attempt on the current (or a new) connection. Returns 0, -1 error,
 * or -2 when a reused connection turned out closed before any answer. */
static int
attempt(struct http_client *c, const char *method, const char *path, const char *const *headers,
    size_t nheaders, const void *reqbody, size_t reqlen, struct http_response *resp,
    unsigned char *body, size_t cap, uint64_t deadline, char *err, size_t errlen)
{
	int reused = c->fd >= 0, rc;

	if (!reused && open_conn(c, deadline, err, errlen) < 0)
		return -1;
	if ((rc = send_request(c, method, path, headers, nheaders, reqbody, reqlen, reused, deadline, err, errlen)) < 0)
		return rc;
	if ((rc = read_head(c, resp, reused, deadline, err, errlen)) < 0)
		return rc;
	resp->bodylen = 0;
	if (strcmp(method, "HEAD") == 0 || resp->status == 204 || resp->status == 304 || resp->status < 200)
		return 0;
	if (resp->chunked)
		return read_chunked(c, resp, body, cap, deadline, err, errlen);
	if (resp->length >= 0)
		return read_sized(c, resp, body, cap, deadline, err, errlen);
	return read_to_close(c, resp, body, cap, deadline, err, errlen);
}

int
http_request(struct http_client *c, const char *method, const char *path,
    const char *const *headers, size_t nheaders, const void *reqbody, size_t reqlen,
    struct http_response *resp, unsigned char *body, size_t cap, uint64_t deadline,
    char *err, size_t errlen)
{
	int r = attempt(c, method, path, headers, nheaders, reqbody, reqlen, resp, body, cap,
	    deadline, err, errlen);

	if (r == -2) {
		/* The server closed the idle connection: one fresh try. */
		http_client_close(c);
		r = attempt(c, method, path, headers, nheaders, reqbody, reqlen, resp, body, cap,
		    deadline, err, errlen);
	}
	if (r < 0 || !resp->keepalive)
		http_client_close(c);
	return r < 0 ? -1 : 0;
}
