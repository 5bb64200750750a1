#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enc.h"
#include "hash.h"
#include "sigv4.h"
#include "xmem.h"

#define SIGV4_MAX_HEADERS 64
#define SIGV4_MAX_PARAMS 64

long
sigv4_uri_encode(char *out, size_t cap, const char *in, size_t n, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');

		if (o + (plain ? 1 : 3) >= cap)
			return -1;
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (o >= cap)
		return -1;
	out[o] = 0;
	return (long)o;
}

struct hdr {
	char name[64];
	const char *value; /* trimmed start */
	size_t vlen;       /* trimmed length */
};

static int
hdr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hdr *)a)->name, ((const struct hdr *)b)->name);
}

static int
str_cmp(const void *a, const void *b)
{
	/* Parameters sort by name, then value: byte order of "name=value" is
	 * not the same when one name is a prefix of another ("a=" vs "a-b="). */
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = strcspn(x, "="), ny = strcspn(y, "=");
	int c = strncmp(x, y, nx < ny ? nx : ny);

	if (c)
		return c;
	if (nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(x + nx, y + ny);
}

/* Appends to out; -1 when full. */
static int
put(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
	if (*o + n >= cap)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = 0;
	return 0;
}

int
sigv4_canonical_request(const struct sigv4_request *r, char *out, size_t cap, char *sh, size_t shcap)
{
	struct hdr h[SIGV4_MAX_HEADERS];
	const char *params[SIGV4_MAX_PARAMS];
	char *q = xstrdup(r->query ? r->query : "");
	size_t np = 0, o = 0, so = 0;
	int rc = -1;

	if (r->nheaders > SIGV4_MAX_HEADERS)
		goto out;
	for (size_t i = 0; i < r->nheaders; i++) {
		const char *line = r->headers[i], *colon = strchr(line, ':'), *v, *e;
		size_t nl;

		if (!colon || colon == line || (size_t)(colon - line) >= sizeof h[i].name)
			goto out;
		nl = (size_t)(colon - line);
		for (size_t k = 0; k < nl; k++) {
			char c = line[k];

			h[i].name[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		h[i].name[nl] = 0;
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		e = v + strlen(v);
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		h[i].value = v;
		h[i].vlen = (size_t)(e - v);
	}
	qsort(h, r->nheaders, sizeof h[0], hdr_cmp);

	if (*q) {
		for (char *p = q; p;) {
			char *amp = strchr(p, '&');

			if (amp)
				*amp = 0;
			if (*p) {
				if (np == SIGV4_MAX_PARAMS)
					goto out;
				params[np++] = p;
			}
			p = amp ? amp + 1 : NULL;
		}
		qsort(params, np, sizeof params[0], str_cmp);
	}

	if (put(out, cap, &o, r->method, strlen(r->method)) || put(out, cap, &o, "\n", 1) ||
	    put(out, cap, &o, r->path, strlen(r->path)) || put(out, cap, &o, "\n", 1))
		goto out;
	for (size_t i = 0; i < np; i++) {
		if ((i && put(out, cap, &o, "&", 1)) || put(out, cap, &o, params[i], strlen(params[i])))
			goto out;
		if (!strchr(params[i], '=') && put(out, cap, &o, "=", 1))
			goto out;
	}
	if (put(out, cap, &o, "\n", 1))
		goto out;
	for (size_t i = 0; i < r->nheaders; i++) {
		/* Sequential spaces inside a value collapse to one. */
		if (put(out, cap, &o, h[i].name, strlen(h[i].name)) || put(out, cap, &o, ":", 1))
			goto out;
		for (size_t k = 0; k < h[i].vlen; k++) {
			if (h[i].value[k] == ' ' && k && h[i].value[k - 1] == ' ')
				continue;
			if (put(out, cap, &o, h[i].value + k, 1))
				goto out;
		}
		if (put(out, cap, &o, "\n", 1))
			goto out;
		if ((i && put(sh, shcap, &so, ";", 1)) || put(sh, shcap, &so, h[i].name, strlen(h[i].name)))
			goto out;
	}
	if (put(out, cap, &o, "\n", 1) || put(out, cap, &o, sh, so) || put(out, cap, &o, "\n", 1) ||
	    put(out, cap, &o, r->payload_hash, strlen(r->payload_hash)))
		goto out;
	rc = 0;
out:
	free(q);
	return rc;
}

int
sigv4_authorization(const struct sigv4_request *r, const char *access_key, const char *secret_key,
    char *out, size_t cap)
{
	size_t creqcap = 16384 + strlen(r->path) + (r->query ? strlen(r->query) : 0);
	char *creq = xmalloc(creqcap), sh[2048], scope[256], tosign[512], day[9], hex[65];
	char kbuf[300];
	unsigned char d[32], k[32];
	int n, rc = -1;

	if (strlen(r->amzdate) != 16 || strlen(secret_key) > 250)
		goto out;
	memcpy(day, r->amzdate, 8);
	day[8] = 0;
	sh[0] = 0;
	if (sigv4_canonical_request(r, creq, creqcap, sh, sizeof sh) < 0)
		goto out;
	sha256_buf(creq, strlen(creq), d);
	hex_encode(hex, d, 32);
	n = snprintf(scope, sizeof scope, "%s/%s/%s/aws4_request", day, r->region, r->service);
	if (n < 0 || (size_t)n >= sizeof scope)
		goto out;
	n = snprintf(tosign, sizeof tosign, "AWS4-HMAC-SHA256\n%s\n%s\n%s", r->amzdate, scope, hex);
	if (n < 0 || (size_t)n >= sizeof tosign)
		goto out;

	n = snprintf(kbuf, sizeof kbuf, "AWS4%s", secret_key);
	hmac_sha256(kbuf, (size_t)n, day, 8, k);
	hmac_sha256(k, 32, r->region, strlen(r->region), k);
	hmac_sha256(k, 32, r->service, strlen(r->service), k);
	hmac_sha256(k, 32, "aws4_request", 12, k);
	hmac_sha256(k, 32, tosign, strlen(tosign), d);
	hex_encode(hex, d, 32);
	n = snprintf(out, cap, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
	    access_key, scope, sh, hex);
	if (n >= 0 && (size_t)n < cap)
		rc = 0;
out:
	explicit_bzero(kbuf, sizeof kbuf);
	explicit_bzero(k, sizeof k);
	free(creq);
	return rc;
}
