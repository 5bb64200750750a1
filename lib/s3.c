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
}

void
s3_conn_close(struct s3_conn *c)
{
	http_client_close(&c->http);
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

int
s3_request(struct s3_conn *c, const char *method, const char *key, const char *query,
    const char *const *headers, size_t nheaders, const void *body, size_t len,
    const char *payload_hash, unsigned flags, struct s3_result *res, unsigned char *rbuf, size_t rcap)
{
	struct s3 *s = c->s3;
	char phash[65], *path, *enc, host[300], amzdate[20], auth[SIGV4_AUTH_MAX + 32];
	char datehdr[40], shahdr[100], *tokhdr = NULL;
	const char **sh = xcalloc(nheaders + 4, sizeof *sh), **sent = xcalloc(nheaders + 5, sizeof *sent);
	unsigned char *ebuf = NULL;
	size_t pathcap = 3 * strlen(key) + S3_BUCKET_MAX + 4;
	int rc = -1;

	memset(res, 0, sizeof *res);
	if (!payload_hash) {
		if (s->unsigned_payload && s->ep.https) {
			payload_hash = "UNSIGNED-PAYLOAD";
		} else {
			unsigned char d[32];

			sha256_buf(body, len, d);
			hex_encode(phash, d, 32);
			payload_hash = phash;
		}
	}
	path = xmalloc(pathcap);
	enc = xmalloc(3 * strlen(key) + 1);
	sigv4_uri_encode(enc, 3 * strlen(key) + 1, key, strlen(key), 1);
	/* Bucket operations in path style go to "/BUCKET", as botocore sends
	 * them; some stores sign "/BUCKET/" differently. */
	if (s->path_style && c->bucket[0] && !key[0])
		snprintf(path, pathcap, "/%s", c->bucket);
	else if (s->path_style && c->bucket[0])
		snprintf(path, pathcap, "/%s/%s", c->bucket, enc);
	else
		snprintf(path, pathcap, "/%s", enc);
	http_host_header(&c->http.url, host, sizeof host);
	if (!rbuf) {
		ebuf = xmalloc(ERRBODY_MAX);
		rbuf = ebuf;
		rcap = ERRBODY_MAX;
	}

	for (unsigned attempt = 0;; attempt++) {
		struct sigv4_request sr;
		char hosthdr[320], err[512], *target;
		size_t n = 0, m = 0;
		time_t now;
		struct tm tm;
		int retry = 0;

		if (attempt) {
			backoff(attempt - 1);
			refresh_creds(s);
		}
		if (sig_caught() && !(flags & S3_NO_RETRY)) {
			snprintf(res->message, sizeof res->message, "interrupted");
			break;
		}
		res->attempts = attempt + 1;
		now = (time_t)s3_now(s);
		gmtime_r(&now, &tm);
		strftime(amzdate, sizeof amzdate, "%Y%m%dT%H%M%SZ", &tm);
		snprintf(hosthdr, sizeof hosthdr, "Host: %s", host);
		snprintf(datehdr, sizeof datehdr, "x-amz-date: %s", amzdate);
		snprintf(shahdr, sizeof shahdr, "x-amz-content-sha256: %s", payload_hash);
		sh[n++] = hosthdr;
		sh[n++] = datehdr;
		sh[n++] = shahdr;
		pthread_mutex_lock(&s->lock);
		free(tokhdr);
		tokhdr = NULL;
		if (s->creds.token[0]) {
			size_t tl = strlen(s->creds.token) + 32;

			tokhdr = xmalloc(tl);
			snprintf(tokhdr, tl, "x-amz-security-token: %s", s->creds.token);
			sh[n++] = tokhdr;
		}
		for (size_t i = 0; i < nheaders; i++)
			sh[n++] = headers[i];
		sr = (struct sigv4_request){ .method = method, .path = path, .query = query ? query : "",
			.headers = sh, .nheaders = n, .payload_hash = payload_hash, .amzdate = amzdate,
			.region = s->region, .service = "s3" };
		memcpy(auth, "Authorization: ", 15);
		if (sigv4_authorization(&sr, s->creds.access, s->creds.secret, auth + 15, sizeof auth - 15) < 0) {
			pthread_mutex_unlock(&s->lock);
			snprintf(res->message, sizeof res->message, "cannot sign the request (a header too long?)");
			break;
		}
		pthread_mutex_unlock(&s->lock);
		for (size_t i = 1; i < n; i++) /* Host is the client's own */
			sent[m++] = sh[i];
		sent[m++] = auth;
		{
			size_t tl = strlen(path) + (query ? strlen(query) : 0) + 2;

			target = xmalloc(tl);
			snprintf(target, tl, "%s%s%s", path, query && *query ? "?" : "", query ? query : "");
		}
		if (http_request(&c->http, method, target, sent, m, body, len, &res->resp, rbuf, rcap,
		    deadline_in((flags & S3_NO_RETRY) && s->timeout_ms > 10000 ? 10000 : s->timeout_ms),
		    err, sizeof err) < 0) {
			free(target);
			res->status = 0;
			res->code[0] = 0;
			snprintf(res->message, sizeof res->message, "%s", err);
			if (sig_caught() || attempt >= s->retries)
				break;
			log_warn("%s %s: %s; retrying", method, key, err);
			continue;
		}
		free(target);
		res->status = res->resp.status;
		res->bodylen = res->resp.bodylen;
		res->code[0] = res->message[0] = 0;
		{
			const char *et = http_header(&res->resp, "ETag");

			snprintf(res->etag, sizeof res->etag, "%s", et ? et : "");
		}
		if (res->status >= 200 && res->status < 300) {
			size_t pos = 0, es, el;

			if (!(flags & S3_ERROR_IN_200) ||
			    xml_span((const char *)rbuf, res->bodylen, &pos, "Error", &es, &el) == 0) {
				rc = 0;
				break;
			}
			/* A 200 whose body is an <Error>: the request failed after
			 * the server had started answering. */
			error_fields(res, rbuf);
			if (!res->code[0])
				snprintf(res->code, sizeof res->code, "InternalError");
			retry = 1;
		} else {
			error_fields(res, rbuf);
			if (strcmp(res->code, "RequestTimeTooSkewed") == 0)
				learn_skew(s, &res->resp);
			if (strcmp(res->code, "ExpiredToken") == 0) {
				pthread_mutex_lock(&s->lock);
				s->creds.expires = 1; /* forces the refresh before the retry */
				pthread_mutex_unlock(&s->lock);
			}
			retry = res->status == 500 || res->status == 502 || res->status == 503 ||
			    res->status == 504 || retryable_code(res->code);
		}
		if (!retry || (flags & S3_NO_RETRY) || attempt >= s->retries)
			break;
		log_warn("%s %s: %d %s; retrying", method, key, res->status, res->code[0] ? res->code : "");
		http_client_close(&c->http);
	}
	free(tokhdr);
	free(ebuf);
	free(path);
	free(enc);
	free(sh);
	free(sent);
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
