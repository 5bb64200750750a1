/* ListObjectsV2, page by page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nametime.h"
#include "s3.h"
#include "s3_answer.h"
#include "s3_list.h"
#include "xmem.h"
#include "xml.h"

#define LIST_MAX (4u << 20)
#define PAGE_MAX 1000

struct lister {
	struct s3_conn *c;
	const char *prefix;
	unsigned char *body;
	struct s3_result res;
	struct s3_entry *ents;
	char token[2048], prev[2048], lastkey[S3_KEY_MAX * 3 + 1];
	int *ex;
	char *err;
	size_t errlen;
};

static int
lister_fail(struct lister *l, int ex, const char *why)
{
	*l->ex = ex;
	snprintf(l->err, l->errlen, "list s3://%s/%s: %s", l->c->bucket, l->prefix, why);
	return -1;
}

/* One <Contents> into e: 0, or -1 when malformed. */
static int
entry_read(const char *ent, size_t cl, int url_enc, struct s3_entry *e)
{
	char size[32], etag[128];
	size_t p = 0;
	int dec;

	memset(e, 0, sizeof *e);
	if (xml_next(ent, cl, &p, "Key", e->key, sizeof e->key) != 1 ||
	    (p = 0, xml_next(ent, cl, &p, "Size", size, sizeof size)) != 1 ||
	    (p = 0, xml_next(ent, cl, &p, "LastModified", e->modified, sizeof e->modified)) != 1)
		return -1;
	p = 0;
	if (xml_next(ent, cl, &p, "ETag", etag, sizeof etag) != 1)
		etag[0] = 0;
	s3_etag_plain(e->etag, sizeof e->etag, etag);
	if (strspn(size, "0123456789") != strlen(size) || !size[0])
		return -1;
	e->size = strtoull(size, NULL, 10);
	if (nametime_rfc3339(e->modified, &e->mtime) < 0)
		return -1;
	/* 2026-11-22T10:00:00.000Z -> 2026-11-22T10:00:00Z */
	nametime_format(e->modified, sizeof e->modified, e->mtime);
	dec = url_enc ? s3_answer_url_decode(e->key) : 0;
	if (dec == -1)
		return -1;
	e->nul = dec == -2;
	return 0;
}

/* One page: its entries to the caller, the continuation token into
 * l->token ("" after the last page). */
static int
lister_page(struct lister *l)
{
	char q[16384], enc[6200], et[16], trunc[8] = "", t[700], *pfx = xmalloc(3 * S3_KEY_MAX + 1);
	const char *body = (const char *)l->body;
	size_t pos = 0, cs, cl, n = 0;
	int url_enc;

	s3_query_encode(pfx, 3 * S3_KEY_MAX + 1, l->prefix);
	s3_query_encode(enc, sizeof enc, l->token);
	snprintf(q, sizeof q, "list-type=2&encoding-type=url%s%s%s%s", l->prefix[0] ? "&prefix=" : "", pfx,
	    l->token[0] ? "&continuation-token=" : "", l->token[0] ? enc : "");
	free(pfx);
	if (s3_request(l->c, &(struct s3_req){ .method = "GET", .key = "", .query = q, .rbuf = l->body,
	    .rcap = LIST_MAX - 1, .flags = S3_ERROR_IN_200 }, &l->res) < 0)
		return lister_fail(l, s3_exit_code(&l->res), s3_result_text(&l->res, t, sizeof t));
	l->body[l->res.bodylen] = 0;
	/* A 200 that is not a listing (a proxy's page, an empty body) would
	 * read as "no such keys": prune-backups would see no backups. */
	if (!s3_answer_root(body, l->res.bodylen, "ListBucketResult")) {
		snprintf(t, sizeof t, "the answer (%zu bytes) is not a listing", l->res.bodylen);
		return lister_fail(l, EX_TEMPFAIL, t);
	}
	url_enc = xml_next(body, l->res.bodylen, &pos, "EncodingType", et, sizeof et) == 1 && strcmp(et, "url") == 0;
	pos = 0;
	while (xml_span(body, l->res.bodylen, &pos, "Contents", &cs, &cl) == 1) {
		struct s3_entry *e = &l->ents[n];

		if (n == PAGE_MAX)
			return lister_fail(l, EX_DATAERR, "a page of the answer holds more than 1000 keys");
		if (entry_read(body + cs, cl, url_enc, e) < 0)
			return lister_fail(l, EX_DATAERR, "an entry of the answer is malformed");
		/* Keys come in order, page after page: one that does not follow
		 * the last means the store is repeating itself. */
		if (!e->nul) {
			if (l->lastkey[0] && strcmp(e->key, l->lastkey) <= 0)
				return lister_fail(l, EX_TEMPFAIL, "the store lists keys again or out of order");
			snprintf(l->lastkey, sizeof l->lastkey, "%s", e->key);
		}
		n++;
	}
	pos = 0;
	xml_next(body, l->res.bodylen, &pos, "IsTruncated", trunc, sizeof trunc);
	pos = 0;
	if (strcmp(trunc, "true") != 0)
		l->token[0] = 0;
	else if (xml_next(body, l->res.bodylen, &pos, "NextContinuationToken", l->token, sizeof l->token) != 1 ||
	    !l->token[0])
		return lister_fail(l, EX_TEMPFAIL, "the listing says more follows but gives no continuation token");
	else if (strcmp(l->token, l->prev) == 0)
		return lister_fail(l, EX_TEMPFAIL, "the store gave the same continuation token twice");
	snprintf(l->prev, sizeof l->prev, "%s", l->token);
	return n;
}

int
s3_list(struct s3_conn *c, const char *prefix, s3_list_page page, void *arg, int *ex, char *err, size_t errlen)
{
	struct lister *l = xcalloc(1, sizeof *l);
	int rc = 0, n;

	l->c = c;
	l->prefix = prefix;
	l->ex = ex;
	l->err = err;
	l->errlen = errlen;
	l->body = xmalloc(LIST_MAX);
	l->ents = xcalloc(PAGE_MAX, sizeof *l->ents);
	do {
		if ((n = lister_page(l)) < 0) {
			rc = -1;
			break;
		}
		if ((rc = page(arg, l->ents, (size_t)n)) != 0)
			break;
	} while (l->token[0]);
	free(l->ents);
	free(l->body);
	free(l);
	return rc;
}
