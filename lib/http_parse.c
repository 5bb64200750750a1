/* HTTP response parsing: URLs, the response head, chunked bodies. Pure
 * functions over buffers, so they can be fuzzed on their own. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

int
http_url_parse(const char *url, struct http_url *u)
{
	const char *p, *hostend, *portp = NULL;
	size_t hl;

	memset(u, 0, sizeof *u);
	if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		p = url + 8, u->https = 1;
	else
		return -1;
	if (*p == '[') {
		hostend = strchr(p, ']');
		if (!hostend)
			return -1;
		hl = (size_t)(hostend - p - 1);
		if (hl == 0 || hl >= sizeof u->host)
			return -1;
		memcpy(u->host, p + 1, hl);
		p = hostend + 1;
		if (*p == ':')
			portp = ++p;
	} else {
		hl = strcspn(p, ":/?#");
		if (hl == 0 || hl >= sizeof u->host)
			return -1;
		memcpy(u->host, p, hl);
		p += hl;
		if (*p == ':')
			portp = ++p;
	}
	if (portp) {
		size_t pl = strspn(portp, "0123456789");
		long v;

		if (pl == 0 || pl > 5)
			return -1;
		v = strtol(portp, NULL, 10);
		if (v < 1 || v > 65535)
			return -1;
		snprintf(u->port, sizeof u->port, "%ld", v);
		p = portp + pl;
	} else {
		snprintf(u->port, sizeof u->port, "%s", u->https ? "443" : "80");
	}
	if (*p && *p != '/' && *p != '?')
		return -1;
	if (strlen(p) + 2 > sizeof u->path)
		return -1;
	snprintf(u->path, sizeof u->path, "%s%s", *p == '/' ? "" : "/", strchr(p, '#') ? "" : p);
	if (strchr(p, '#')) {
		size_t l = (size_t)(strchr(p, '#') - p);
		snprintf(u->path, sizeof u->path, "%s%.*s", *p == '/' ? "" : "/", (int)l, p);
	}
	return 0;
}

const char *
http_header(const struct http_response *r, const char *name)
{
	for (size_t i = 0; i < r->nh; i++)
		if (strcasecmp(r->h[i].name, name) == 0)
			return r->h[i].value;
	return NULL;
}

static int
has_token(const char *v, const char *tok)
{
	size_t tl = strlen(tok);

	while (v && *v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (strncasecmp(v, tok, tl) == 0 && (v[tl] == 0 || v[tl] == ',' || v[tl] == ' ' || v[tl] == ';'))
			return 1;
		v = strchr(v, ',');
	}
	return 0;
}

/* The length of a head up to and including its empty line (CRLF or bare
 * LF), or 0 when the empty line has not arrived yet. */
static size_t
head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return i + 2;
		if (i + 3 < len && buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n')
			return i + 4;
	}
	return 0;
}

int
http_parse_head(struct http_response *r, const char *buf, size_t len)
{
	size_t end;
	char *line, *next;
	const char *te, *cl, *conn;

	end = head_end(buf, len);
	if (end == 0)
		return len >= HTTP_HEAD_MAX ? -1 : 0;
	if (end > HTTP_HEAD_MAX)
		return -1;
	memset(r, 0, offsetof(struct http_response, head));
	memcpy(r->head, buf, end);
	r->head[end - 1] = 0;
	r->length = -1;

	line = r->head;
	next = strchr(line, '\n');
	if (!next)
		return -1;
	*next++ = 0;
	if (next - line >= 2 && next[-2] == '\r')
		next[-2] = 0;
	if (strncmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' && line[7] != '1') || line[8] != ' ' ||
	    line[9] < '1' || line[9] > '5' || line[10] < '0' || line[10] > '9' || line[11] < '0' ||
	    line[11] > '9' || (line[12] != ' ' && line[12] != 0))
		return -1;
	r->minor = line[7] - '0';
	r->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');

	for (line = next; line && *line && *line != '\r' && *line != '\n'; line = next) {
		char *colon, *v, *e;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		e = line + strlen(line);
		if (e > line && e[-1] == '\r')
			*--e = 0;
		if (*line == ' ' || *line == '\t') /* obsolete line folding */
			return -1;
		colon = strchr(line, ':');
		if (!colon || colon == line)
			return -1;
		for (char *k = line; k < colon; k++)
			if (*k <= ' ' || *k >= 127)
				return -1;
		*colon = 0;
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = 0;
		if (r->nh == HTTP_MAX_HEADERS)
			return -1;
		r->h[r->nh].name = line;
		r->h[r->nh].value = v;
		r->nh++;
	}

	te = http_header(r, "Transfer-Encoding");
	cl = http_header(r, "Content-Length");
	if (te) {
		if (!has_token(te, "chunked"))
			return -1; /* no other coding is ever asked for */
		r->chunked = 1;
	} else if (cl) {
		char *ep;
		unsigned long long v;

		if (*cl < '0' || *cl > '9')
			return -1;
		v = strtoull(cl, &ep, 10);
		if (*ep || v > (1ULL << 62))
			return -1;
		/* Several Content-Length headers must agree. */
		for (size_t k = 0; k < r->nh; k++)
			if (strcasecmp(r->h[k].name, "Content-Length") == 0 && strcmp(r->h[k].value, cl) != 0)
				return -1;
		r->length = (int64_t)v;
	}
	conn = http_header(r, "Connection");
	r->keepalive = r->minor == 1 ? !has_token(conn, "close") : has_token(conn, "keep-alive");
	return (int)end;
}

enum { C_SIZE, C_EXT, C_SIZE_LF, C_DATA, C_DATA_CR, C_DATA_LF, C_TRAILER, C_TRAILER_LF, C_DONE };

long
http_chunked_feed(struct http_chunked *c, const unsigned char *in, size_t n, unsigned char *out,
    size_t outcap, size_t *produced, int *done)
{
	size_t i = 0;

	*produced = 0;
	*done = c->state == C_DONE;
	while (i < n && c->state != C_DONE) {
		unsigned char ch = in[i];

		switch (c->state) {
		case C_SIZE:
			if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')) {
				if (c->left >> 58)
					return -1;
				c->left = c->left * 16 + (uint64_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
				c->linelen++;
				i++;
			} else if (c->linelen && (ch == ';' || ch == ' ' || ch == '\t')) {
				c->state = C_EXT;
				i++;
			} else if (c->linelen && ch == '\r') {
				c->state = C_SIZE_LF;
				i++;
			} else if (c->linelen && ch == '\n') {
				c->state = c->left ? C_DATA : C_TRAILER;
				c->linelen = 0;
				i++;
			} else {
				return -1;
			}
			break;
		case C_EXT:
			if (++c->linelen > 4096)
				return -1;
			if (ch == '\n') {
				c->state = c->left ? C_DATA : C_TRAILER;
				c->linelen = 0;
			}
			i++;
			break;
		case C_SIZE_LF:
			if (ch != '\n')
				return -1;
			c->state = c->left ? C_DATA : C_TRAILER;
			c->linelen = 0;
			i++;
			break;
		case C_DATA: {
			size_t k = n - i;

			if (k > c->left)
				k = (size_t)c->left;
			if (k > outcap - *produced)
				k = outcap - *produced;
			if (k == 0)
				return (long)i; /* out is full */
			memcpy(out + *produced, in + i, k);
			*produced += k;
			c->left -= k;
			i += k;
			if (c->left == 0)
				c->state = C_DATA_CR;
			break;
		}
		case C_DATA_CR:
			if (ch == '\r') {
				c->state = C_DATA_LF;
			} else if (ch == '\n') {
				c->state = C_SIZE;
			} else {
				return -1;
			}
			i++;
			break;
		case C_DATA_LF:
			if (ch != '\n')
				return -1;
			c->state = C_SIZE;
			i++;
			break;
		case C_TRAILER:
			/* Trailer lines up to an empty line; their content is ignored. */
			if (ch == '\n') {
				if (c->linelen == 0)
					c->state = C_DONE;
				c->linelen = 0;
			} else if (ch != '\r') {
				if (++c->linelen > 8192)
					return -1;
			}
			i++;
			break;
		}
	}
	*done = c->state == C_DONE;
	return (long)i;
}

int
http_parse_request(struct http_request *r, const char *buf, size_t len)
{
	size_t end = 0, i, ml, tl;
	const char *sp1, *sp2, *line_end, *p, *target;
	int conn_close = 0, conn_keep = 0;

	end = head_end(buf, len);
	if (end == 0)
		return len >= HTTP_REQUEST_HEAD_MAX ? -2 : 0;
	if (end > HTTP_REQUEST_HEAD_MAX)
		return -2;
	memset(r, 0, sizeof *r);
	line_end = memchr(buf, '\n', end);
	sp1 = memchr(buf, ' ', (size_t)(line_end - buf));
	if (!sp1 || sp1 == buf)
		return -1;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(line_end - sp1 - 1));
	if (!sp2)
		return -1;
	ml = (size_t)(sp1 - buf);
	if (ml >= sizeof r->method)
		return -3;
	for (i = 0; i < ml; i++)
		if (buf[i] < 'A' || buf[i] > 'Z')
			return -1;
	memcpy(r->method, buf, ml);
	target = sp1 + 1;
	tl = (size_t)(sp2 - target);
	if (tl == 0 || target[0] != '/')
		return -1;
	for (i = 0; i < tl; i++)
		if ((unsigned char)target[i] <= ' ' || target[i] == 0x7f)
			return -1;
	p = memchr(target, '?', tl);
	if ((size_t)((p ? p : sp2) - target) >= sizeof r->path || (p && (size_t)(sp2 - p - 1) >= sizeof r->query))
		return -3;
	memcpy(r->path, target, (size_t)((p ? p : sp2) - target));
	if (p)
		memcpy(r->query, p + 1, (size_t)(sp2 - p - 1));
	if (line_end - sp2 < 9 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0 || (sp2[8] != '0' && sp2[8] != '1') ||
	    (sp2[9] != '\r' && sp2[9] != '\n'))
		return -1;
	r->minor = sp2[8] - '0';
	/* Headers: only Connection and the body's framing matter here. */
	for (p = line_end + 1; p < buf + end; ) {
		const char *le = memchr(p, '\n', (size_t)(buf + end - p)), *colon, *v;
		size_t ll;

		if (!le)
			break;
		ll = (size_t)(le - p);
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			break;
		if (*p == ' ' || *p == '\t')
			return -1;
		colon = memchr(p, ':', ll);
		if (!colon || colon == p)
			return -1;
		for (v = colon + 1; v < p + ll && (*v == ' ' || *v == '\t'); v++)
			;
		if ((size_t)(colon - p) == 10 && strncasecmp(p, "connection", 10) == 0) {
			size_t vl = (size_t)(p + ll - v);

			for (size_t k = 0; k + 5 <= vl; k++)
				if (strncasecmp(v + k, "close", 5) == 0)
					conn_close = 1;
			for (size_t k = 0; k + 10 <= vl; k++)
				if (strncasecmp(v + k, "keep-alive", 10) == 0)
					conn_keep = 1;
		} else if ((size_t)(colon - p) == 14 && strncasecmp(p, "content-length", 14) == 0) {
			if (!(v < p + ll && *v == '0' && v + 1 == p + ll))
				r->has_body = 1;
		} else if ((size_t)(colon - p) == 17 && strncasecmp(p, "transfer-encoding", 17) == 0) {
			r->has_body = 1;
		}
		p = le + 1;
	}
	r->keepalive = r->minor == 1 ? !conn_close : conn_keep;
	return (int)end;
}

/* Digits at *p into *n: 0, or -1 for none or an overflow. */
static int
range_number(const char **p, uint64_t *n)
{
	const char *s = *p;

	*n = 0;
	while (**p >= '0' && **p <= '9') {
		if (*n > (UINT64_MAX - (uint64_t)(**p - '0')) / 10)
			return -1;
		*n = *n * 10 + (uint64_t)(**p - '0');
		(*p)++;
	}
	return *p == s ? -1 : 0;
}

int
http_content_range(const char *v, uint64_t *first, uint64_t *last, uint64_t *total)
{
	const char *p = v;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "bytes ", 6) != 0)
		return -1;
	p += 6;
	while (*p == ' ')
		p++;
	if (range_number(&p, first) < 0 || *p++ != '-' || range_number(&p, last) < 0 || *p++ != '/' || *last < *first)
		return -1;
	if (*p == '*') {
		*total = UINT64_MAX;
		p++;
	} else if (range_number(&p, total) < 0 || *last >= *total) {
		return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return *p ? -1 : 0;
}
