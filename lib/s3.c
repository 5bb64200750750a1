/* Signed, retried S3 requests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "deadline.h"
#include "enc.h"
#include "hash.h"
#include "log.h"
#include "opt.h"
#include "s3.h"
#include "sig.h"
#include "sigv4.h"
#include "xmem.h"
#include "xml.h"

#define BACKOFF_BASE_MS 250
#define BACKOFF_CAP_MS 20000
#define ERRBODY_MAX 16384
/* Temporary credentials are renewed this long before they expire, so that
 * no request is signed with keys about to lapse in flight. */
#define CREDS_REFRESH_S 300

int
s3_url_parse(const char *arg, struct s3_url *u, char *err, size_t errlen)
{
	const char *b, *slash;
	size_t bl;

	memset(u, 0, sizeof *u);
	if (strncmp(arg, "s3://", 5) != 0) {
		snprintf(err, errlen, "'%s' is not an s3://BUCKET/KEY address", arg);
		return -1;
	}
	b = arg + 5;
	slash = strchr(b, '/');
	bl = slash ? (size_t)(slash - b) : strlen(b);
	if (bl < 3 || bl >= sizeof u->bucket) {
		snprintf(err, errlen, "bucket name in '%s' must be 3 to 63 characters", arg);
		return -1;
	}
	for (size_t i = 0; i < bl; i++) {
		char c = b[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_')) {
			snprintf(err, errlen, "bucket name in '%s' has a character S3 does not allow", arg);
			return -1;
		}
	}
	memcpy(u->bucket, b, bl);
	if (slash) {
		if (strlen(slash + 1) > S3_KEY_MAX) {
			snprintf(err, errlen, "key in '%.64s...' is longer than %d bytes", arg, S3_KEY_MAX);
			return -1;
		}
		strcpy(u->key, slash + 1);
	}
	return 0;
}

void
s3_query_encode(char *out, size_t cap, const char *in)
{
	if (sigv4_uri_encode(out, cap, in, strlen(in), 0) < 0)
		die(EX_SOFTWARE, "query value too long to encode");
}

void
s3_md5_header(const unsigned char d[16], char hdr[S3_MD5_HDR], char hex[33])
{
	char b64[BASE64_LEN(16)];

	base64_encode(b64, d, 16);
	hex_encode(hex, d, 16);
	snprintf(hdr, S3_MD5_HDR, "Content-MD5: %s", b64);
}

void
s3_content_md5(const void *buf, size_t n, char hdr[S3_MD5_HDR], char hex[33])
{
	struct md5 m;
	unsigned char d[16];

	md5_init(&m);
	md5_update(&m, buf, n);
	md5_final(&m, d);
	s3_md5_header(d, hdr, hex);
}

void
s3_etag_plain(char *out, size_t cap, const char *etag)
{
	size_t n;

	snprintf(out, cap, "%s", etag[0] == '"' ? etag + 1 : etag);
	n = strlen(out);
	if (n && out[n - 1] == '"')
		out[n - 1] = 0;
}

int64_t
s3_now(struct s3 *s)
{
	int64_t skew;

	pthread_mutex_lock(&s->lock);
	skew = s->skew;
	pthread_mutex_unlock(&s->lock);
	return (int64_t)time(NULL) + skew;
}

void
s3_conn_init(struct s3_conn *c, struct s3 *s, const char *bucket)
{
	char base[700];

	memset(c, 0, sizeof *c);
	c->s3 = s;
	snprintf(c->bucket, sizeof c->bucket, "%s", bucket);
	/* Virtual-hosted addressing puts the bucket in the host name; the
	 * connection (and the TLS name) is then the bucket's own. */
	if (s->path_style || !bucket[0])
		snprintf(base, sizeof base, "%s", s->endpoint);
	else
		snprintf(base, sizeof base, "%s://%s.%s:%s", s->ep.https ? "https" : "http", bucket,
		    s->ep.host, s->ep.port);
	if (http_client_init(&c->http, base) < 0)
		die(EX_CONFIG, "endpoint '%s' is not a valid URL", base);
	c->http.verify = s->verify;
	c->http.anchors = s->have_anchors ? &s->anchors : NULL;
	c->http.rate = s->rate;
}

void
s3_conn_close(struct s3_conn *c)
{
	http_client_close(&c->http);
}

int
s3_unsigned_payload(const struct s3 *s)
{
	return s->unsigned_payload && s->ep.https;
}

void
s3_free(struct s3 *s)
{
	if (s->have_anchors)
		tls_anchors_free(&s->anchors);
	s->have_anchors = 0;
	explicit_bzero(&s->creds, sizeof s->creds);
	pthread_mutex_destroy(&s->lock);
}

/* Full jitter: a random wait between 0 and min(cap, base * 2^attempt), in
 * short slices so that a signal ends it at once. */
static void
backoff(unsigned attempt)
{
	uint64_t ceil = BACKOFF_BASE_MS, ms, end;
	uint32_t r = 0;

	for (unsigned i = 0; i < attempt && ceil < BACKOFF_CAP_MS; i++)
		ceil *= 2;
	if (ceil > BACKOFF_CAP_MS)
		ceil = BACKOFF_CAP_MS;
	if (getrandom(&r, sizeof r, 0) != sizeof r)
		r = (uint32_t)deadline_now() * 2654435761u;
	ms = r % (ceil + 1);
	end = deadline_in(ms);
	while (!sig_caught() && !deadline_passed(end)) {
		struct timespec ts = { 0, 20 * 1000000L };

		nanosleep(&ts, NULL);
	}
}

static int
retryable_code(const char *code)
{
	static const char *const codes[] = {
		"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling",
		"ThrottlingException", "RequestTimeTooSkewed", "OperationAborted", "ExpiredToken",
		/* The body the store received is not the one sent (Content-MD5,
		 * the payload hash or x-amz-checksum-*): damaged on the way,
		 * and the part is still in memory to send again. */
		"BadDigest", "XAmzContentSHA256Mismatch",
	};

	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

/* Learns the server's clock from its Date header. */
static void
learn_skew(struct s3 *s, const struct http_response *resp)
{
	const char *d = http_header(resp, "Date");
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (!d || !strptime(d, "%a, %d %b %Y %H:%M:%S GMT", &tm))
		return;
	pthread_mutex_lock(&s->lock);
	s->skew = (int64_t)timegm(&tm) - (int64_t)time(NULL);
	pthread_mutex_unlock(&s->lock);
	log_warn("the server's clock differs from ours by %lld s; signing with its time",
	    (long long)s->skew);
}

/* The Code and Message of an error body; empty when absent. */
static void
error_fields(struct s3_result *res, const unsigned char *body)
{
	size_t pos = 0;

	if (xml_next((const char *)body, res->bodylen, &pos, "Code", res->code, sizeof res->code) <= 0)
		res->code[0] = 0;
	pos = 0;
	if (xml_next((const char *)body, res->bodylen, &pos, "Message", res->message, sizeof res->message) <= 0)
		res->message[0] = 0;
}

static void
refresh_creds(struct s3 *s)
{
	char err[512];
	int expiring;

	pthread_mutex_lock(&s->lock);
	expiring = s->creds.expires && (int64_t)time(NULL) + CREDS_REFRESH_S >= s->creds.expires;
	if (expiring && s3_creds_load(s, err, sizeof err) != 0)
		log_warn("renewing credentials: %s; going on with the current ones", err);
	pthread_mutex_unlock(&s->lock);
}

/* The request's path: /BUCKET/KEY in path style, /KEY otherwise, the key
 * encoded. Bucket operations in path style go to "/BUCKET", as botocore
 * sends them; some stores sign "/BUCKET/" differently. */
static char *
request_path(const struct s3_conn *c, const char *key)
{
	size_t kl = strlen(key), cap = 3 * kl + S3_BUCKET_MAX + 4;
	char *path = xmalloc(cap), *enc = xmalloc(3 * kl + 1);

	sigv4_uri_encode(enc, 3 * kl + 1, key, kl, 1);
	if (c->s3->path_style && c->bucket[0] && !key[0])
		snprintf(path, cap, "/%s", c->bucket);
	else if (c->s3->path_style && c->bucket[0])
		snprintf(path, cap, "/%s/%s", c->bucket, enc);
	else
		snprintf(path, cap, "/%s", enc);
	free(enc);
	return path;
}

/* One attempt's signed headers: the date changes from one to the next,
 * and so may the credentials. */
struct signed_hdrs {
	char amzdate[20], host[320], date[40], sha[100], auth[SIGV4_AUTH_MAX + 32];
	char *token;
	const char **sh;    /* the signed headers, Host first */
	const char **sent;  /* what is sent: all but Host (the client's own), and Authorization */
	size_t nsent;
};

static void
signed_hdrs_init(struct signed_hdrs *h, const struct s3_req *q)
{
	memset(h, 0, sizeof *h);
	h->sh = xcalloc(q->nheaders + 4, sizeof *h->sh);
	h->sent = xcalloc(q->nheaders + 5, sizeof *h->sent);
}

static void
signed_hdrs_free(struct signed_hdrs *h)
{
	free(h->token);
	free(h->sh);
	free(h->sent);
}

/* Signs q for path at the server's present time: 0, or -1 when a header
 * is too long to sign. */
static int
sign(struct s3 *s, const struct s3_req *q, const char *path, const char *host, const char *hash,
    struct signed_hdrs *h)
{
	struct sigv4_request sr;
	time_t now = (time_t)s3_now(s);
	struct tm tm;
	size_t n = 0;
	int rc;

	gmtime_r(&now, &tm);
	strftime(h->amzdate, sizeof h->amzdate, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(h->host, sizeof h->host, "Host: %s", host);
	snprintf(h->date, sizeof h->date, "x-amz-date: %s", h->amzdate);
	snprintf(h->sha, sizeof h->sha, "x-amz-content-sha256: %s", hash);
	h->sh[n++] = h->host;
	h->sh[n++] = h->date;
	h->sh[n++] = h->sha;
	pthread_mutex_lock(&s->lock);
	free(h->token);
	h->token = NULL;
	if (s->creds.token[0]) {
		size_t tl = strlen(s->creds.token) + 32;

		h->token = xmalloc(tl);
		snprintf(h->token, tl, "x-amz-security-token: %s", s->creds.token);
		h->sh[n++] = h->token;
	}
	for (size_t i = 0; i < q->nheaders; i++)
		h->sh[n++] = q->headers[i];
	sr = (struct sigv4_request){ .method = q->method, .path = path, .query = q->query ? q->query : "",
		.headers = h->sh, .nheaders = n, .payload_hash = hash, .amzdate = h->amzdate,
		.region = s->region, .service = "s3" };
	memcpy(h->auth, "Authorization: ", 15);
	rc = sigv4_authorization(&sr, s->creds.access, s->creds.secret, h->auth + 15, sizeof h->auth - 15);
	pthread_mutex_unlock(&s->lock);
	if (rc < 0)
		return -1;
	h->nsent = 0;
	for (size_t i = 1; i < n; i++)
		h->sent[h->nsent++] = h->sh[i];
	h->sent[h->nsent++] = h->auth;
	return 0;
}

/* What an answer means: 0 success, 1 a failure worth retrying, -1 a
 * failure that is final. Fills res's status, code, message and ETag. */
static int
judge(struct s3 *s, const struct s3_req *q, struct s3_result *res, const unsigned char *rbuf)
{
	const char *et = http_header(&res->resp, "ETag");

	res->status = res->resp.status;
	res->bodylen = res->resp.bodylen;
	res->code[0] = res->message[0] = 0;
	snprintf(res->etag, sizeof res->etag, "%s", et ? et : "");
	if (res->status >= 200 && res->status < 300) {
		size_t pos = 0, es, el;

		if (!(q->flags & S3_ERROR_IN_200) ||
		    xml_span((const char *)rbuf, res->bodylen, &pos, "Error", &es, &el) == 0)
			return 0;
		/* A 200 whose body is an <Error>: the request failed after the
		 * server had started answering. */
		error_fields(res, rbuf);
		if (!res->code[0])
			snprintf(res->code, sizeof res->code, "InternalError");
		return 1;
	}
	error_fields(res, rbuf);
	if (strcmp(res->code, "RequestTimeTooSkewed") == 0)
		learn_skew(s, &res->resp);
	if (strcmp(res->code, "ExpiredToken") == 0) {
		pthread_mutex_lock(&s->lock);
		s->creds.expires = 1; /* forces the refresh before the retry */
		pthread_mutex_unlock(&s->lock);
	}
	return res->status == 500 || res->status == 502 || res->status == 503 || res->status == 504 ||
	    retryable_code(res->code) ? 1 : -1;
}

int
s3_request(struct s3_conn *c, const struct s3_req *q, struct s3_result *res)
{
	struct s3 *s = c->s3;
	struct signed_hdrs h;
	const char *hash = q->payload_hash, *query = q->query ? q->query : "";
	char phash[65], host[300], *path = request_path(c, q->key), *target;
	unsigned char *ebuf = NULL, *rbuf = q->rbuf;
	size_t rcap = q->rcap, tl;
	uint64_t limit = (q->flags & S3_NO_RETRY) && s->timeout_ms > 10000 ? 10000 : s->timeout_ms;
	int rc = -1;

	memset(res, 0, sizeof *res);
	if (!hash && s3_unsigned_payload(s)) {
		hash = "UNSIGNED-PAYLOAD";
	} else if (!hash) {
		unsigned char d[32];

		sha256_buf(q->body, q->len, d);
		hex_encode(phash, d, 32);
		hash = phash;
	}
	http_host_header(&c->http.url, host, sizeof host);
	if (!rbuf) {
		ebuf = xmalloc(ERRBODY_MAX);
		rbuf = ebuf;
		rcap = ERRBODY_MAX;
	}
	tl = strlen(path) + strlen(query) + 2;
	target = xmalloc(tl);
	snprintf(target, tl, "%s%s%s", path, *query ? "?" : "", query);
	signed_hdrs_init(&h, q);
	for (unsigned attempt = 0;; attempt++) {
		char err[512];
		int verdict;

		if (attempt) {
			backoff(attempt - 1);
			refresh_creds(s);
		}
		if (sig_caught() && !(q->flags & S3_NO_RETRY)) {
			snprintf(res->message, sizeof res->message, "interrupted");
			break;
		}
		res->attempts = attempt + 1;
		if (sign(s, q, path, host, hash, &h) < 0) {
			snprintf(res->message, sizeof res->message, "cannot sign the request (a header too long?)");
			break;
		}
		/* The callers refuse control characters in what they put in
		 * headers; this is the backstop: never a header of its own. */
		for (size_t i = 0; i < h.nsent; i++)
			if (opt_has_control(h.sent[i])) {
				snprintf(res->message, sizeof res->message, "a request header holds a control character");
				goto out;
			}
		if (http_request(&c->http, q->method, target, h.sent, h.nsent, q->body, q->len, &res->resp, rbuf,
		    rcap, deadline_in(limit), err, sizeof err) < 0) {
			res->status = 0;
			res->code[0] = 0;
			snprintf(res->message, sizeof res->message, "%s", err);
			if (sig_caught() || attempt >= s->retries)
				break;
			log_warn("%s %s: %s; retrying", q->method, q->key, err);
			continue;
		}
		if ((verdict = judge(s, q, res, rbuf)) == 0) {
			rc = 0;
			break;
		}
		if (verdict < 0 || (q->flags & S3_NO_RETRY) || attempt >= s->retries)
			break;
		log_warn("%s %s: %d %s; retrying", q->method, q->key, res->status, res->code[0] ? res->code : "");
		http_client_close(&c->http);
	}
out:
	signed_hdrs_free(&h);
	free(target);
	free(ebuf);
	free(path);
	return rc;
}

int
s3_exit_code(const struct s3_result *r)
{
	static const char *const auth[] = {
		"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
		"InvalidToken", "AccountProblem", "AllAccessDisabled",
	};

	if (r->status == 0)
		return EX_UNAVAILABLE;
	for (size_t i = 0; i < sizeof auth / sizeof auth[0]; i++)
		if (strcmp(r->code, auth[i]) == 0)
			return EX_NOPERM;
	if (r->status == 401 || r->status == 403)
		return EX_NOPERM;
	if (r->status == 404)
		return EX_NOINPUT;
	if (r->status >= 500 || retryable_code(r->code))
		return EX_TEMPFAIL;
	return EX_DATAERR;
}

const char *
s3_result_text(const struct s3_result *r, char *buf, size_t cap)
{
	if (r->status == 0)
		snprintf(buf, cap, "%s", r->message[0] ? r->message : "no answer");
	else if (r->code[0])
		snprintf(buf, cap, "%d %s%s%s", r->status, r->code, r->message[0] ? ": " : "", r->message);
	else
		snprintf(buf, cap, "HTTP %d%s%s", r->status, r->message[0] ? ": " : "", r->message);
	return buf;
}
