/* S3 Object Lock requests and headers. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nametime.h"
#include "s3.h"
#include "s3_lock.h"
#include "sig.h"
#include "xmem.h"
#include "xml.h"

void
s3_lock_from(const struct http_response *r, struct s3_lock *l)
{
	const char *m = http_header(r, "x-amz-object-lock-mode");
	const char *u = http_header(r, "x-amz-object-lock-retain-until-date");
	const char *h = http_header(r, "x-amz-object-lock-legal-hold");
	const char *v = http_header(r, "x-amz-version-id");

	memset(l, 0, sizeof *l);
	if (m && (strcmp(m, "GOVERNANCE") == 0 || strcmp(m, "COMPLIANCE") == 0))
		snprintf(l->mode, sizeof l->mode, "%s", m);
	if (l->mode[0] && (!u || nametime_rfc3339(u, &l->until) < 0))
		l->mode[0] = 0;
	l->hold = h && strcmp(h, "ON") == 0;
	/* "null" is the version of an object written before versioning. */
	if (v && strcmp(v, "null") != 0)
		snprintf(l->version, sizeof l->version, "%s", v);
}

int
s3_lock_head(struct s3_conn *c, const char *key, const char *const *h, size_t nh, struct s3_lock *l,
    struct s3_result *res)
{
	memset(l, 0, sizeof *l);
	if (s3_request(c, &(struct s3_req){ .method = "HEAD", .key = key, .headers = h, .nheaders = nh }, res) < 0)
		return -1;
	s3_lock_from(&res->resp, l);
	return 0;
}

int
s3_lock_active(const struct s3_lock *l, int64_t now)
{
	return l->hold || (l->mode[0] && l->until > now);
}

int
s3_lock_bypassable(const struct s3_lock *l)
{
	return !l->hold && strcmp(l->mode, "GOVERNANCE") == 0;
}

int
s3_lock_bucket(struct s3_conn *c, struct s3_result *res)
{
	unsigned char body[4096];
	char en[16] = "";
	size_t pos = 0;

	if (s3_request(c, &(struct s3_req){ .method = "GET", .key = "", .query = "object-lock", .rbuf = body,
	    .rcap = sizeof body - 1 }, res) < 0)
		return strcmp(res->code, "ObjectLockConfigurationNotFoundError") == 0 ? 0 : -1;
	xml_next((const char *)body, res->bodylen, &pos, "ObjectLockEnabled", en, sizeof en);
	return strcmp(en, "Enabled") == 0;
}

/* One PUT ?WHAT&versionId=V with an XML body (Content-MD5, which S3
 * requires of these). */
static int
put_config(struct s3_conn *c, const char *key, const char *what, const char *version, const char *xml,
    struct s3_result *res)
{
	char q[900], enc[800], hdr[S3_MD5_HDR], md5h[33];
	const char *h[1] = { hdr };

	s3_query_encode(enc, sizeof enc, version);
	snprintf(q, sizeof q, "%s%s%s", what, version[0] ? "&versionId=" : "", version[0] ? enc : "");
	s3_content_md5(xml, strlen(xml), hdr, md5h);
	return s3_request(c, &(struct s3_req){ .method = "PUT", .key = key, .query = q, .headers = h, .nheaders = 1,
	    .body = xml, .len = strlen(xml) }, res);
}

int
s3_lock_apply(struct s3_conn *c, const char *key, const struct s3_lock *l, struct s3_result *res)
{
	char xml[400], until[32];

	if (l->mode[0]) {
		nametime_format(until, sizeof until, l->until);
		snprintf(xml, sizeof xml, "<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>%s</Mode>"
		    "<RetainUntilDate>%s</RetainUntilDate></Retention>", l->mode, until);
		if (put_config(c, key, "retention", l->version, xml, res) < 0)
			return -1;
	}
	if (l->hold) {
		snprintf(xml, sizeof xml, "<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
		    "<Status>ON</Status></LegalHold>");
		if (put_config(c, key, "legal-hold", l->version, xml, res) < 0)
			return -1;
	}
	return 0;
}

size_t
s3_lock_headers(const struct s3_lock *l, const char **h, char (*store)[600])
{
	size_t n = 0;
	char until[32];

	if (l->mode[0]) {
		nametime_format(until, sizeof until, l->until);
		snprintf(store[n], 600, "x-amz-object-lock-mode: %s", l->mode);
		h[n] = store[n];
		n++;
		snprintf(store[n], 600, "x-amz-object-lock-retain-until-date: %s", until);
		h[n] = store[n];
		n++;
	}
	if (l->hold) {
		snprintf(store[n], 600, "x-amz-object-lock-legal-hold: ON");
		h[n] = store[n];
		n++;
	}
	return n;
}

const char *
s3_lock_text(const struct s3_lock *l, char *buf, size_t cap)
{
	char until[32];

	nametime_format(until, sizeof until, l->until);
	if (l->mode[0])
		snprintf(buf, cap, "%s until %s%s", l->mode, until, l->hold ? ", legal hold" : "");
	else
		snprintf(buf, cap, "%s", l->hold ? "legal hold" : "none");
	return buf;
}

struct heads {
	struct s3 *s;
	const char *bucket;
	struct s3_lock_job *jobs;
	const char *const *h;
	size_t n, next, nh;
	pthread_mutex_t mu;
};

static void *
heads_worker(void *arg)
{
	struct heads *hd = arg;
	struct s3_conn c;
	struct s3_result *res = xmalloc(sizeof *res);
	char t[600];

	sig_block_thread();
	s3_conn_init(&c, hd->s, hd->bucket);
	for (;;) {
		struct s3_lock_job *j;

		pthread_mutex_lock(&hd->mu);
		j = hd->next < hd->n && !sig_caught() ? &hd->jobs[hd->next++] : NULL;
		pthread_mutex_unlock(&hd->mu);
		if (!j)
			break;
		if (s3_lock_head(&c, j->key, hd->h, hd->nh, &j->lock, res) < 0) {
			j->failed = 1;
			j->status = res->status;
			j->ex = s3_exit_code(res);
			/* A HEAD answer has no body to say why; an SSE-C object
			 * is the usual reason for a 400. */
			snprintf(j->err, sizeof j->err, "HEAD s3://%s/%s: %s%s", hd->bucket, j->key,
			    s3_result_text(res, t, sizeof t), res->status == 400 && !hd->nh ?
			    " (an SSE-C object? give --sse-c-key-file)" : "");
		}
	}
	s3_conn_close(&c);
	free(res);
	return NULL;
}

void
s3_lock_heads(struct s3 *s, const char *bucket, struct s3_lock_job *jobs, size_t n, unsigned conc,
    const char *const *h, size_t nh)
{
	struct heads hd = { .s = s, .bucket = bucket, .jobs = jobs, .n = n, .h = h, .nh = nh };
	pthread_t *tid;
	pthread_attr_t attr;

	if (!n)
		return;
	if (conc > n)
		conc = (unsigned)n;
	pthread_mutex_init(&hd.mu, NULL);
	tid = xcalloc(conc, sizeof *tid);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1u << 20);
	for (unsigned i = 0; i < conc; i++)
		if (pthread_create(&tid[i], &attr, heads_worker, &hd) != 0)
			die(EX_SOFTWARE, "cannot start HEAD threads");
	pthread_attr_destroy(&attr);
	for (unsigned i = 0; i < conc; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	pthread_mutex_destroy(&hd.mu);
}
