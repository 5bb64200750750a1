/* The S3 client the s3put family shares: configuration (endpoint, region,
 * addressing, TLS) and credentials resolved the way the AWS tools resolve
 * them, one connection per worker, every request signed with SigV4 and
 * retried with capped exponential backoff and full jitter when the failure
 * is worth retrying. Credentials are shared by the workers and refreshed
 * under a lock before they expire. */
#ifndef PGOPS_S3_H
#define PGOPS_S3_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "tls.h"

#define S3_KEY_MAX 1024
#define S3_BUCKET_MAX 64

struct s3_url {
	char bucket[S3_BUCKET_MAX];
	char key[S3_KEY_MAX + 1]; /* may be empty (a bucket or prefix) */
};
/* s3://BUCKET[/KEY]; -1 with a reason in err when malformed. */
int s3_url_parse(const char *arg, struct s3_url *u, char *err, size_t errlen);

struct s3_creds {
	char access[128];
	char secret[128];
	char token[4096];
	int64_t expires;  /* Unix time; 0 when they do not expire */
	char source[96];  /* where they came from, for messages */
};

/* What the command line can say; NULL/0 for "not given". */
struct s3_opts {
	const char *endpoint;
	const char *region;
	const char *profile;
	const char *cacert;
	int path_style;    /* --path-style */
	int virtual_host;  /* --virtual-host */
	int insecure;      /* --insecure: no certificate checks */
	int unsigned_payload;
	int retries;       /* -1: default */
	uint64_t timeout_ms;
};

struct s3 {
	struct http_url ep;     /* endpoint: scheme, host, port */
	char endpoint[512];
	char region[64];
	char profile[64];
	int path_style;
	int unsigned_payload;
	unsigned retries;
	uint64_t timeout_ms;
	enum tls_verify verify;
	struct tls_anchors anchors;
	int have_anchors;

	struct rate *rate;      /* --bwlimit, shared by every connection; NULL: none */

	pthread_mutex_t lock;   /* guards creds and skew */
	struct s3_creds creds;
	int64_t skew;           /* server clock minus ours, seconds */
};

/* The options every s3 program takes: long option table entries, their
 * usage lines (so that usage() and the man pages list the same), and the
 * handler. */
enum {
	S3O_ENDPOINT = 512, S3O_REGION, S3O_PROFILE, S3O_CACERT, S3O_PATH_STYLE,
	S3O_VIRTUAL_HOST, S3O_INSECURE, S3O_RETRIES, S3O_TIMEOUT
};
#define S3_LONGOPTS \
	{ "endpoint", required_argument, NULL, S3O_ENDPOINT }, \
	{ "region", required_argument, NULL, S3O_REGION }, \
	{ "profile", required_argument, NULL, S3O_PROFILE }, \
	{ "cacert", required_argument, NULL, S3O_CACERT }, \
	{ "path-style", no_argument, NULL, S3O_PATH_STYLE }, \
	{ "virtual-host", no_argument, NULL, S3O_VIRTUAL_HOST }, \
	{ "insecure", no_argument, NULL, S3O_INSECURE }, \
	{ "retries", required_argument, NULL, S3O_RETRIES }, \
	{ "timeout", required_argument, NULL, S3O_TIMEOUT }
#define S3_USAGE_OPTS \
"      --endpoint URL            S3 endpoint (default: AWS for the region)\n" \
"      --region REGION           signing region (default: us-east-1)\n" \
"      --profile NAME            profile in the shared AWS files\n" \
"      --cacert FILE             trust the CAs in FILE for https endpoints\n" \
"      --path-style              address buckets as /BUCKET/KEY\n" \
"      --virtual-host            address buckets as BUCKET.HOST/KEY\n" \
"      --insecure                do not check the server's certificate\n" \
"      --retries N               retries per request (default 5)\n" \
"      --timeout DURATION        limit per request (default 5m)\n"
/* Handles option c if it is one of the above: 1 handled, 0 not ours. */
int s3_opt(struct s3_opts *o, int c, const char *arg);
/* Usage errors for contradictory S3 options. */
void s3_opts_check(const struct s3_opts *o);
/* --bwlimit RATE (bytes per second, at least 1KiB) for requests that carry
 * up to piece bytes (what) each: a usage error when one such request would
 * outlast --timeout at that rate. */
uint64_t s3_bwlimit_parse(const struct s3_opts *o, const char *arg, uint64_t piece, const char *what);

/* Resolves configuration and credentials; dies with 64/77/78 and a clear
 * message when something is missing or wrong. */
void s3_setup(struct s3 *s, const struct s3_opts *o);
/* Frees what s3_setup loaded and wipes the credentials. */
void s3_free(struct s3 *s);
/* 1 when requests sign UNSIGNED-PAYLOAD instead of the body's SHA-256
 * (--unsigned-payload, and only over https). */
int s3_unsigned_payload(const struct s3 *s);

/* One worker's connection to one bucket. */
struct s3_conn {
	struct s3 *s3;
	char bucket[S3_BUCKET_MAX];
	struct http_client http;
};
void s3_conn_init(struct s3_conn *c, struct s3 *s, const char *bucket);
void s3_conn_close(struct s3_conn *c);

struct s3_result {
	int status;          /* HTTP status; 0 when there was no answer */
	char code[64];       /* S3 error code, or "" */
	char message[512];   /* S3 error message or the transport error */
	char etag[128];      /* ETag header, quotes kept */
	unsigned attempts;
	struct http_response resp;
	size_t bodylen;
};

enum {
	S3_ERROR_IN_200 = 1, /* a 200 answer may carry <Error> (CompleteMultipartUpload) */
	S3_NO_RETRY = 2,     /* the way out (AbortMultipartUpload): one attempt of at
	                      * most 10 s, sent even after SIGINT/SIGTERM */
};

/* One request: what to send, and where the answer's body goes. Members
 * not set (designated initializers) mean none. */
struct s3_req {
	const char *method;
	const char *key;              /* encoded here; "" for the bucket itself */
	const char *query;            /* already encoded ("uploadId=..&partNumber=3"); NULL: none */
	const char *const *headers;   /* extra "Name: value" lines, all of them signed */
	size_t nheaders;
	const void *body;
	size_t len;
	const char *payload_hash;     /* the body's hex SHA-256; NULL: computed here */
	unsigned flags;               /* S3_ERROR_IN_200, S3_NO_RETRY */
	unsigned char *rbuf;          /* the answer's body (capacity rcap); NULL: not kept */
	size_t rcap;
};

/* Sends q, signed with SigV4, in the connection's bucket, retried as the
 * header comment says. Returns 0 for a 2xx answer, -1 otherwise; res says
 * what came back. */
int s3_request(struct s3_conn *c, const struct s3_req *q, struct s3_result *res);

/* The exit code that fits a failed request: 77 refused credentials or
 * permissions, 66 no such bucket or key, 69 no answer, 75 throttling or
 * server errors after the retries, 65 any other refusal. */
int s3_exit_code(const struct s3_result *r);
/* "403 SignatureDoesNotMatch: The request signature ..." or the transport
 * error, for "prog: PUT s3://b/k: <this>". */
const char *s3_result_text(const struct s3_result *r, char *buf, size_t cap);

/* The header "Content-MD5: <base64 MD5 of buf>" into hdr; hex (33 bytes)
 * gets the hex digest, to compare with MD5 ETags. */
#define S3_MD5_HDR 40
void s3_content_md5(const void *buf, size_t n, char hdr[S3_MD5_HDR], char hex[33]);
/* The same from a digest already computed. */
void s3_md5_header(const unsigned char d[16], char hdr[S3_MD5_HDR], char hex[33]);
/* The ETag without its surrounding quotes. */
void s3_etag_plain(char *out, size_t cap, const char *etag);

/* Query parameter value encoding (RFC 3986, '/' encoded). */
void s3_query_encode(char *out, size_t cap, const char *in);

/* Credentials (s3_creds.c). Fills s->creds from the chain: environment,
 * web identity, shared files, container endpoint, instance metadata
 * (IMDSv2). Returns 0, or -1 with a reason. */
int s3_creds_load(struct s3 *s, char *err, size_t errlen);
/* Reads the shared config/credentials files for the profile: region and
 * endpoint_url, when set there (out strings left alone otherwise). */
void s3_config_file(const char *profile, char *region, size_t rcap, char *endpoint, size_t ecap);

/* SSE-C (s3_ssec.c): the three headers that give the store the customer's
 * key, for every request that writes or reads the object's bytes (PUT,
 * CreateMultipartUpload, UploadPart, HEAD, GET). */
struct s3_ssec {
	char alg[80], key[128], md5[96];
	const char *h[3];
};
/* Reads FILE: 32 bytes, or their base64 on one line; dies 66/74 when it
 * cannot be read, 78 when it is not a 256-bit key; warns when every user
 * may read it. */
void s3_ssec_load(struct s3_ssec *k, const char *file);
void s3_ssec_wipe(struct s3_ssec *k);

/* Wall-clock seconds corrected by the skew learnt from the server. */
int64_t s3_now(struct s3 *s);

#endif
